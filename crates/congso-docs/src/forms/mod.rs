//! The one-stop forms of TT 01/2018/TT-VPCP (Mẫu 01–06): plain data in, PDF (or XLSX for the
//! tracking book) bytes out.
//!
//! - Dates and times are Vietnam wall time (`time::Date` / `time::PrimitiveDateTime`, no
//!   zone); the caller converts from UTC. Plain dates print as `dd/mm/yyyy`, time fields as
//!   `09 giờ 00 phút, ngày 13 tháng 02 năm 2026`, the place-and-date line as
//!   `Huế, ngày 13 tháng 02 năm 2026` (NĐ 30/2020 padding).
//! - Text is printed as given. `Agency::name`/`parent` are set in capitals in the header by the
//!   template, so they may be given in normal case ("Trung tâm Phục vụ hành chính công"),
//!   which then reads better where the body names the agency in a sentence (Mẫu 03, 04).
//!   Line breaks inside a value are kept.
//! - User text never becomes typst markup: each form is rendered from a JSON document read by
//!   the template with `json(..)` (see [`engine`]).
//! - Every PDF carries a QR code of `lookup_url` with the caption "Tra cứu hồ sơ".
//! - The fonts (Liberation Serif, metric-compatible with Times New Roman) and templates are
//!   embedded; the first render parses them (about a second in debug builds), later renders
//!   reuse them. Call [`warm_up`] at start-up to pay that cost early.

mod engine;
pub mod text;
mod tracking;

use serde_json::{Value, json};
use time::{Date, PrimitiveDateTime};

pub use engine::warm_up;
pub use tracking::{TRACKING_COLUMNS, TrackingRow, tracking_book_06};

use engine::Template;
use text::{count2, date_dmy, datetime_words, place_date};

/// Why a form could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The embedded fonts or templates could not be loaded (a build defect, not bad input).
    #[error("form engine: {0}")]
    Engine(String),
    /// The template did not compile with this data.
    #[error("form layout failed: {0}")]
    Compile(String),
    /// The laid-out form could not be written as PDF.
    #[error("PDF export failed: {0}")]
    Pdf(String),
    /// The lookup URL could not be encoded as a QR code (for example, far too long).
    #[error("QR code: {0}")]
    Qr(String),
    /// The tracking book could not be written.
    #[error("spreadsheet: {0}")]
    Xlsx(String),
    #[error("form data: {0}")]
    Data(#[from] serde_json::Error),
}

/// The issuing unit, printed top left: its parent ("UBND THÀNH PHỐ HUẾ") above its name
/// ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"); `place` starts the date line ("Huế, ngày …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub parent: String,
    pub name: String,
    pub place: String,
}

/// One document of a dossier and how many originals (bản chính) and copies (bản sao).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLine {
    pub name: String,
    pub originals: i64,
    pub copies: i64,
}

/// The applicant (individual or organisation). Missing contact fields print as dotted blanks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Mẫu 01 "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ". Rendered as two pages, the two copies
/// (liên) of the form: "Liên 1: Lưu" and "Liên 2: Giao khách hàng".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt01 {
    pub agency: Agency,
    pub number: Option<String>,
    pub date: Date,
    pub dossier_code: String,
    pub applicant: Person,
    /// The procedure name (Nội dung yêu cầu giải quyết).
    pub request: String,
    pub documents: Vec<DocLine>,
    pub sets: u32,
    /// "05 ngày làm việc".
    pub legal_time: String,
    pub received_at: PrimitiveDateTime,
    pub appointment_at: PrimitiveDateTime,
    /// Where or how the result is collected.
    pub collect_at: String,
    /// "Quyển số 01, số thứ tự 15"; `None` prints the blank "Quyển số: … Số thứ tự: …".
    pub book_entry: Option<String>,
    /// Fee status, printed only when given ("Đã nộp 8.000 đồng").
    pub fee: Option<String>,
    pub officer: String,
    pub lookup_url: String,
}

/// Mẫu 02 "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplement02 {
    pub agency: Agency,
    pub number: Option<String>,
    pub date: Date,
    pub dossier_code: String,
    pub applicant: Person,
    pub request: String,
    /// The documents to add or complete.
    pub items: Vec<DocLine>,
    pub reason: String,
    /// Whom to call while completing the dossier (officer name and phone).
    pub contact: String,
    pub officer: String,
    pub lookup_url: String,
}

/// Mẫu 03 "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal03 {
    pub agency: Agency,
    pub number: Option<String>,
    pub date: Date,
    pub dossier_code: String,
    pub applicant: Person,
    pub request: String,
    pub reasons: String,
    pub officer: String,
    pub lookup_url: String,
}

/// Mẫu 04 "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", issued by the late unit and signed by
/// its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apology04 {
    /// The late unit.
    pub agency: Agency,
    pub number: Option<String>,
    pub date: Date,
    pub applicant: Person,
    pub received_on: Date,
    pub dossier_code: String,
    pub request: String,
    pub original_due: PrimitiveDateTime,
    pub reason: String,
    pub new_due: PrimitiveDateTime,
    /// "GIÁM ĐỐC", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "CHỦ TỊCH".
    pub signer_title: String,
    pub signer: String,
    pub lookup_url: String,
}

/// One hand-over on the control sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handover {
    /// The "TÊN CƠ QUAN" cell, printed as given; line breaks are kept, so the official
    /// "1. Giao: …\n2. Nhận: …" wording can be passed as is.
    pub unit: String,
    pub handed_at: PrimitiveDateTime,
    pub giver: String,
    pub receiver: String,
    /// "Trước hạn" | "Đúng hạn" | "Quá hạn", recorded by the receiving side.
    pub result: Option<String>,
    pub note: Option<String>,
}

/// Mẫu 05 "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlSheet05 {
    pub agency: Agency,
    pub dossier_code: String,
    pub applicant: Person,
    pub procedure: String,
    pub received_at: PrimitiveDateTime,
    pub processing_unit: String,
    pub coordinating_units: Option<String>,
    pub rows: Vec<Handover>,
    pub lookup_url: String,
}

/// A dotted blank, as left on a paper form for a missing value.
const BLANK: &str = "……………………";

fn or_blank(v: &Option<String>) -> &str {
    match v.as_deref() {
        Some(s) if !s.trim().is_empty() => s,
        _ => BLANK,
    }
}

fn header(agency: &Agency, number: Option<&Option<String>>, date: Option<Date>) -> Value {
    json!({
        "parent": agency.parent,
        "name": agency.name,
        "number": number.map(|n| format!("Số: {}", or_blank(n))),
        "place_date": date.map(|d| place_date(&agency.place, d)),
    })
}

fn person(p: &Person) -> Value {
    json!({
        "name": p.name,
        "address": or_blank(&p.address),
        "phone": or_blank(&p.phone),
        "email": or_blank(&p.email),
    })
}

fn doc_lines(lines: &[DocLine]) -> Value {
    let count = |n: i64| if n == 0 { String::new() } else { count2(n) };
    Value::Array(
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                json!({
                    "no": (i + 1).to_string(),
                    "name": l.name,
                    "originals": count(l.originals),
                    "copies": count(l.copies),
                })
            })
            .collect(),
    )
}

/// A QR code of `url` as SVG (error correction M, quiet zone included).
fn qr_svg(url: &str) -> Result<String, FormError> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| FormError::Qr(e.to_string()))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .quiet_zone(true)
        .module_dimensions(4, 4)
        .build())
}

fn render(
    template: Template,
    data: Value,
    lookup_url: &str,
    ident: &[&str],
) -> Result<Vec<u8>, FormError> {
    let qr = qr_svg(lookup_url)?;
    let bytes = serde_json::to_vec(&data)?;
    let ident = format!("congso/{template:?}/{}", ident.join("/"));
    engine::render(template, ident, bytes, qr)
}

/// Mẫu 01 "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" as PDF (two pages: the two copies).
pub fn receipt_01(f: &Receipt01) -> Result<Vec<u8>, FormError> {
    let data = json!({
        "header": header(&f.agency, Some(&f.number), Some(f.date)),
        "code": f.dossier_code,
        "applicant": person(&f.applicant),
        "request": f.request,
        "documents": doc_lines(&f.documents),
        "sets": count2(i64::from(f.sets)),
        "legal_time": f.legal_time,
        "received_at": datetime_words(f.received_at),
        "appointment_at": datetime_words(f.appointment_at),
        "collect_at": f.collect_at,
        "book_entry": f.book_entry,
        "fee": f.fee,
        "officer": f.officer,
    });
    render(
        Template::Mau01,
        data,
        &f.lookup_url,
        &[
            &f.dossier_code,
            f.number.as_deref().unwrap_or(""),
            &date_dmy(f.date),
        ],
    )
}

/// Mẫu 02 "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" as PDF.
pub fn supplement_02(f: &Supplement02) -> Result<Vec<u8>, FormError> {
    let data = json!({
        "header": header(&f.agency, Some(&f.number), Some(f.date)),
        "code": f.dossier_code,
        "applicant": person(&f.applicant),
        "request": f.request,
        "items": doc_lines(&f.items),
        "reason": f.reason,
        "contact": f.contact,
        "officer": f.officer,
    });
    render(
        Template::Mau02,
        data,
        &f.lookup_url,
        &[
            &f.dossier_code,
            f.number.as_deref().unwrap_or(""),
            &date_dmy(f.date),
        ],
    )
}

/// Mẫu 03 "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" as PDF.
pub fn refusal_03(f: &Refusal03) -> Result<Vec<u8>, FormError> {
    let data = json!({
        "header": header(&f.agency, Some(&f.number), Some(f.date)),
        "agency": f.agency.name,
        "code": f.dossier_code,
        "applicant": person(&f.applicant),
        "request": f.request,
        "reasons": f.reasons,
        "officer": f.officer,
    });
    render(
        Template::Mau03,
        data,
        &f.lookup_url,
        &[
            &f.dossier_code,
            f.number.as_deref().unwrap_or(""),
            &date_dmy(f.date),
        ],
    )
}

/// Mẫu 04 "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" as PDF.
pub fn apology_04(f: &Apology04) -> Result<Vec<u8>, FormError> {
    let data = json!({
        "header": header(&f.agency, Some(&f.number), Some(f.date)),
        "agency": f.agency.name,
        "applicant": person(&f.applicant),
        "received_on": date_dmy(f.received_on),
        "code": f.dossier_code,
        "request": f.request,
        "original_due": datetime_words(f.original_due),
        "reason": f.reason,
        "new_due": datetime_words(f.new_due),
        "signer_title": f.signer_title,
        "signer": f.signer,
    });
    render(
        Template::Mau04,
        data,
        &f.lookup_url,
        &[
            &f.dossier_code,
            f.number.as_deref().unwrap_or(""),
            &date_dmy(f.date),
        ],
    )
}

/// Mẫu 05 "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" as PDF (A4 portrait).
pub fn control_sheet_05(f: &ControlSheet05) -> Result<Vec<u8>, FormError> {
    let rows: Vec<Value> = f
        .rows
        .iter()
        .map(|r| {
            json!({
                "unit": r.unit,
                "handed_at": datetime_words(r.handed_at),
                "giver": r.giver,
                "receiver": r.receiver,
                "result": r.result.clone().unwrap_or_default(),
                "note": r.note.clone().unwrap_or_default(),
            })
        })
        .collect();
    let data = json!({
        "header": header(&f.agency, None, None),
        "code": f.dossier_code,
        "applicant": person(&f.applicant),
        "procedure": f.procedure,
        "received_at": datetime_words(f.received_at),
        "processing_unit": f.processing_unit,
        "coordinating_units": or_blank(&f.coordinating_units),
        "rows": rows,
    });
    render(Template::Mau05, data, &f.lookup_url, &[&f.dossier_code])
}
