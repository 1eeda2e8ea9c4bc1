//! The official one-stop forms as files: `GET /dossiers/{code}/mau-0N.pdf` (N = 1..5; also
//! served under `/ho-so/…`) and the tracking book `GET /dossiers/so-theo-doi.xlsx?unit=&from=&to=`.
//!
//! Officers of the receiving or processing unit (session cookie or bearer token) may print every
//! form; the applicant's own account may print 01–04. Anyone else gets `dossier_not_found`, so
//! codes cannot be probed. Rendering is CPU work and runs on the blocking pool.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use congso_app::dossiers::forms::{FormAgency, FormFacts, form_facts, tracking_book};
use congso_app::{AppError, dossiers::DocumentItem};
use congso_db::Ts;
use congso_docs::forms::{
    self as docs, Agency, Apology04, ControlSheet05, DocLine, Handover, Person, Receipt01,
    Refusal03, Supplement02, TrackingRow,
};
use congso_domain::ErrorCode;
use congso_domain::time_vn::to_local;
use serde::Deserialize;
use time::{Date, PrimitiveDateTime};

use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::pages::procedures::format_vnd;
use crate::state::AppState;

const PDF: &str = "application/pdf";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn local(t: Ts) -> PrimitiveDateTime {
    to_local(t.get())
}

fn agency(a: &FormAgency, place: &str) -> Agency {
    Agency {
        parent: a.parent.clone(),
        name: a.name.clone(),
        place: place.to_owned(),
    }
}

fn person(f: &FormFacts) -> Person {
    let a = &f.dossier.applicant;
    Person {
        name: a.name.clone(),
        address: a.address.clone(),
        phone: a.phone.clone(),
        email: a.email.clone(),
    }
}

fn lines(items: &[DocumentItem]) -> Vec<DocLine> {
    items
        .iter()
        .map(|d| DocLine {
            name: d.name.clone(),
            originals: d.originals,
            copies: d.copies,
        })
        .collect()
}

fn unavailable(what: &str) -> WebError {
    AppError::new(ErrorCode::FormNotAvailable)
        .with_detail(what.to_owned())
        .into()
}

fn timeliness_vi(code: &str) -> String {
    match code {
        "early" => "Trước hạn",
        "late" => "Quá hạn",
        _ => "Đúng hạn",
    }
    .to_owned()
}

/// The signature title of a unit's head, by kind of unit.
fn head_title(kind: &str) -> &'static str {
    match kind {
        "city_committee" | "province_committee" | "ward_committee" | "commune_committee" => {
            "CHỦ TỊCH"
        }
        "office" => "CHÁNH VĂN PHÒNG",
        "inspectorate" => "CHÁNH THANH TRA",
        "department" | "service_centre" | "public_service_centre" => "GIÁM ĐỐC",
        _ => "THỦ TRƯỞNG ĐƠN VỊ",
    }
}

/// Builds form `n` (1–5) of a dossier as PDF bytes.
fn render(n: u8, f: &FormFacts) -> WebResult<Vec<u8>> {
    let d = &f.dossier;
    let receiving = agency(&f.receiving, &f.place);
    let out = match n {
        1 => {
            let (Some(received), Some(appointment)) = (d.received_at, d.appointment_at) else {
                return Err(unavailable("mau-01"));
            };
            let documents: Vec<DocumentItem> =
                d.documents.iter().filter(|x| x.provided).cloned().collect();
            docs::receipt_01(&Receipt01 {
                agency: receiving,
                number: None,
                date: local(received).date(),
                dossier_code: d.code.clone(),
                applicant: person(f),
                request: d.procedure_name.clone(),
                documents: lines(&documents),
                sets: 1,
                legal_time: f.legal_time.clone(),
                received_at: local(received),
                appointment_at: local(appointment),
                collect_at: format!("Bộ phận Tiếp nhận và Trả kết quả, {}", f.receiving.name),
                book_entry: None,
                fee: (d.fee_vnd > 0).then(|| format!("{} đồng", format_vnd(d.fee_vnd))),
                officer: f.receiving_officer.clone().unwrap_or_default(),
                lookup_url: f.lookup_url.clone(),
            })
        }
        2 => {
            let s = f.supplement.as_ref().ok_or_else(|| unavailable("mau-02"))?;
            let contact = match &s.officer_phone {
                Some(p) => format!("{}, điện thoại {p}", s.officer),
                None => s.officer.clone(),
            };
            docs::supplement_02(&Supplement02 {
                agency: agency(&s.agency, &f.place),
                number: None,
                date: local(s.at).date(),
                dossier_code: d.code.clone(),
                applicant: person(f),
                request: d.procedure_name.clone(),
                items: lines(&s.items),
                reason: s.reason.clone(),
                contact,
                officer: s.officer.clone(),
                lookup_url: f.lookup_url.clone(),
            })
        }
        3 => {
            let r = f.refusal.as_ref().ok_or_else(|| unavailable("mau-03"))?;
            docs::refusal_03(&Refusal03 {
                agency: agency(&r.agency, &f.place),
                number: None,
                date: local(r.at).date(),
                dossier_code: d.code.clone(),
                applicant: person(f),
                request: d.procedure_name.clone(),
                reasons: r.reason.clone(),
                officer: r.officer.clone(),
                lookup_url: f.lookup_url.clone(),
            })
        }
        4 => {
            let a = f.apology.as_ref().ok_or_else(|| unavailable("mau-04"))?;
            let (Some(received), Some(previous), Some(new_due)) =
                (d.received_at, a.previous_due, a.new_due)
            else {
                return Err(unavailable("mau-04"));
            };
            docs::apology_04(&Apology04 {
                agency: agency(&a.agency, &f.place),
                number: None,
                date: local(a.at).date(),
                applicant: person(f),
                received_on: local(received).date(),
                dossier_code: d.code.clone(),
                request: d.procedure_name.clone(),
                original_due: local(previous),
                reason: a.reason.clone(),
                new_due: local(new_due),
                signer_title: head_title(&a.agency.kind).to_owned(),
                signer: a.signer.clone(),
                lookup_url: f.lookup_url.clone(),
            })
        }
        5 => {
            let Some(received) = d.received_at else {
                return Err(unavailable("mau-05"));
            };
            docs::control_sheet_05(&ControlSheet05 {
                agency: receiving,
                dossier_code: d.code.clone(),
                applicant: person(f),
                procedure: d.procedure_name.clone(),
                received_at: local(received),
                processing_unit: f.processing.name.clone(),
                coordinating_units: (!f.coordinating_units.is_empty())
                    .then(|| f.coordinating_units.join("; ")),
                rows: f
                    .handovers
                    .iter()
                    .map(|h| Handover {
                        unit: format!("1. Giao: {}\n2. Nhận: {}", h.giver_unit, h.receiver_unit),
                        handed_at: local(h.at),
                        giver: h.giver.clone(),
                        receiver: h.receiver.clone(),
                        result: h.result.map(timeliness_vi),
                        note: h.note.clone(),
                    })
                    .collect(),
                lookup_url: f.lookup_url.clone(),
            })
        }
        _ => return Err(ErrorCode::NotFound.into()),
    };
    out.map_err(|e| AppError::internal(anyhow::anyhow!(e)).into())
}

/// `GET /dossiers/{code}/mau-0N.pdf`.
pub async fn form_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((code, file)): Path<(String, String)>,
) -> WebResult<Response> {
    let n = match file.as_str() {
        "mau-01.pdf" => 1,
        "mau-02.pdf" => 2,
        "mau-03.pdf" => 3,
        "mau-04.pdf" => 4,
        "mau-05.pdf" => 5,
        _ => return Err(ErrorCode::NotFound.into()),
    };
    let actor = ctx.user()?;
    let facts = form_facts(&st.app, actor, &code).await?;
    if n == 5 && facts.viewer_is_applicant {
        return Err(AppError::forbidden().into());
    }
    let pdf = tokio::task::spawn_blocking(move || render(n, &facts).map(|b| (b, facts)))
        .await
        .map_err(|e| WebError(AppError::internal(anyhow::anyhow!(e))))??;
    let (bytes, facts) = pdf;
    Ok((
        [
            (header::CONTENT_TYPE, PDF.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}-mau-0{n}.pdf\"", facts.dossier.code),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct BookQuery {
    /// The receiving unit's code.
    pub unit: String,
    /// `YYYY-MM-DD`, both inclusive.
    pub from: String,
    pub to: String,
}

fn parse_date(s: &str, field: &str) -> WebResult<Date> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| {
        AppError::new(ErrorCode::InvalidDate)
            .with_detail(field.to_owned())
            .into()
    })
}

/// "Tháng 02 năm 2026" for a whole month, else "Từ ngày 01/02/2026 đến ngày 15/02/2026".
fn period_words(from: Date, to: Date) -> String {
    let whole_month = from.day() == 1
        && from.month() == to.month()
        && from.year() == to.year()
        && to.next_day().is_none_or(|d| d.month() != to.month());
    if whole_month {
        format!("Tháng {:02} năm {}", u8::from(from.month()), from.year())
    } else {
        let dmy = |d: Date| format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year());
        format!("Từ ngày {} đến ngày {}", dmy(from), dmy(to))
    }
}

/// `GET /dossiers/so-theo-doi.xlsx?unit=&from=&to=`: the tracking book (Mẫu 06) of a receiving
/// unit for a period.
pub async fn book_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BookQuery>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let from = parse_date(&q.from, "from")?;
    let to = parse_date(&q.to, "to")?;
    let (unit, lines) = tracking_book(&st.app, actor, &q.unit, from, to).await?;
    let rows: Vec<TrackingRow> = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| TrackingRow {
            number: u32::try_from(i + 1).unwrap_or(u32::MAX),
            dossier_code: l.code,
            procedure: l.procedure,
            sets: 1,
            applicant: l.applicant,
            contact: l.contact,
            lead_unit: l.processing_unit,
            received: l.received,
            appointment: l.appointment,
            forwarded: l.forwarded,
            result_received: l.finished,
            returned: l.returned,
            note: match (l.outcome.as_deref(), l.result.as_deref()) {
                (Some("refused"), _) => Some("Từ chối".to_owned()),
                (Some("withdrawn"), _) => Some("Rút hồ sơ".to_owned()),
                (Some("stopped"), _) => Some("Dừng xử lý".to_owned()),
                (_, Some(r)) => Some(timeliness_vi(r)),
                _ => None,
            },
        })
        .collect();
    let place = st.app.config.place_name.clone();
    let agency = agency(&unit, &place);
    let period = period_words(from, to);
    let bytes =
        tokio::task::spawn_blocking(move || docs::tracking_book_06(&agency, &period, &rows))
            .await
            .map_err(|e| WebError(AppError::internal(anyhow::anyhow!(e))))?
            .map_err(|e| WebError(AppError::internal(anyhow::anyhow!(e))))?;
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"so-theo-doi-ho-so-{}-{}.xlsx\"",
                    q.from, q.to
                ),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
