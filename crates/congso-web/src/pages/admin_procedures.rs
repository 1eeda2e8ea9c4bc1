//! Administration of the catalogue: list with drafts, create / edit (a draft version), publish,
//! repeal, import (upload) and export (download), and the QĐ 766 group 1 indicators.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use congso_app::catalogue::{self, Search};
use congso_domain::procedure::*;
use congso_domain::{ErrorCode, Lang, Permission};
use serde::Deserialize;

use super::procedures::{level_label, online_label, status_label};
use super::{Page, encode_component};
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::i18n::messages;
use crate::state::AppState;

fn require_catalogue_admin(ctx: &Ctx) -> WebResult<()> {
    if ctx.user()?.may_somewhere(Permission::CatalogueManage) {
        Ok(())
    } else {
        Err(ErrorCode::Forbidden.into())
    }
}

pub struct Line {
    pub code: String,
    pub name: String,
    pub status: String,
    pub version: i64,
}

pub struct IndicatorLine {
    pub code: &'static str,
    pub name: &'static str,
    pub numerator: i64,
    pub denominator: i64,
    pub rate: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_procedures.html")]
pub struct ListPage {
    pub page: Page,
    pub q: String,
    pub rows: Vec<Line>,
    pub count_text: String,
    pub next_href: Option<String>,
    pub indicators: Vec<IndicatorLine>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

async fn list_page(
    st: &AppState,
    ctx: &Ctx,
    q: Option<String>,
    page_no: i64,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<ListPage> {
    let t = messages(ctx.lang);
    let r = catalogue::search(
        &st.app,
        &Search {
            q: q.clone(),
            page: page_no,
            per_page: 50,
            include_unpublished: true,
            ..Search::default()
        },
    )
    .await?;
    let indicators = catalogue::disclosure_indicators(&st.app, None)
        .await?
        .into_iter()
        .map(|i| IndicatorLine {
            code: i.code,
            name: match ctx.lang {
                Lang::Vi => i.name_vi,
                Lang::En => i.name_en,
            },
            numerator: i.numerator,
            denominator: i.denominator,
            rate: format!("{:.2}", i.rate),
        })
        .collect();
    let pages = (r.total + r.per_page - 1) / r.per_page;
    Ok(ListPage {
        page: Page::new(ctx, "adm-proc-title"),
        count_text: t.fmt("proc-results", &[("n", &r.total.to_string())]),
        next_href: (r.page < pages).then(|| {
            format!(
                "/quan-tri/thu-tuc?trang={}{}",
                r.page + 1,
                q.as_deref()
                    .map(|q| format!("&q={}", encode_component(q)))
                    .unwrap_or_default()
            )
        }),
        rows: r
            .items
            .into_iter()
            .map(|h| Line {
                status: status_label(
                    if h.status == "published" && h.version > 1 {
                        "amended"
                    } else {
                        &h.status
                    },
                    t,
                ),
                code: h.code,
                name: h.name,
                version: h.version,
            })
            .collect(),
        q: q.unwrap_or_default(),
        indicators,
        notice,
        error,
    })
}

pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<ListPage> {
    require_catalogue_admin(&ctx)?;
    let t = messages(ctx.lang);
    let notice = match q.get("ok").map(String::as_str) {
        Some("bai-bo") => Some(t.get("adm-proc-repealed").to_owned()),
        _ => None,
    };
    let page_no = q.get("trang").and_then(|p| p.parse().ok()).unwrap_or(1);
    list_page(
        &st,
        &ctx,
        q.get("q").cloned().filter(|s| !s.is_empty()),
        page_no,
        notice,
        None,
    )
    .await
}

/// The form fields of a procedure (all text, as typed).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ProcForm {
    pub code: String,
    pub name: String,
    pub field_code: String,
    pub field_name: String,
    pub level: String,
    pub unit: String,
    pub online: String,
    pub counter_use: Option<String>,
    pub counter_value: String,
    pub counter_unit: String,
    pub counter_fee: String,
    pub online_use: Option<String>,
    pub online_value: String,
    pub online_unit: String,
    pub online_fee: String,
    pub post_use: Option<String>,
    pub post_value: String,
    pub post_unit: String,
    pub post_fee: String,
    pub fee_note: String,
    pub intake_cutoff: String,
    pub documents: String,
    pub steps: String,
    pub applicants: String,
    pub result: String,
    pub requirements: String,
    pub legal_basis: String,
    pub implementing: String,
    pub competent_unit: String,
    pub publication_number: String,
    pub publication_date: String,
    pub effective_from: String,
    pub workflow: String,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn spec_err(field: &str, message: &str) -> SpecError {
    SpecError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

fn int(field: &str, s: &str) -> Result<i64, SpecError> {
    s.trim()
        .replace(['.', ' '], "")
        .parse::<i64>()
        .map_err(|_| spec_err(field, "cần một số (a number is required)"))
}

impl ProcForm {
    /// Turns the form into a procedure, naming the field of the first problem.
    pub fn to_spec(&self) -> Result<ProcedureSpec, SpecError> {
        let level =
            Level::parse(&self.level).ok_or_else(|| spec_err("level", "không hợp lệ (invalid)"))?;
        let online = OnlineLevel::parse(&self.online)
            .ok_or_else(|| spec_err("online", "không hợp lệ (invalid)"))?;
        let mut channels = vec![];
        for (kind, used, value, unit, fee) in [
            (
                ChannelKind::Counter,
                &self.counter_use,
                &self.counter_value,
                &self.counter_unit,
                &self.counter_fee,
            ),
            (
                ChannelKind::Online,
                &self.online_use,
                &self.online_value,
                &self.online_unit,
                &self.online_fee,
            ),
            (
                ChannelKind::Post,
                &self.post_use,
                &self.post_value,
                &self.post_unit,
                &self.post_fee,
            ),
        ] {
            if used.is_none() {
                continue;
            }
            let k = kind.as_str();
            channels.push(Channel {
                kind,
                time_limit: Limit {
                    value: int(&format!("{k}_value"), value)?,
                    unit: LimitUnit::parse(unit)
                        .ok_or_else(|| spec_err(&format!("{k}_unit"), "không hợp lệ (invalid)"))?,
                },
                fee_vnd: if fee.trim().is_empty() {
                    0
                } else {
                    int(&format!("{k}_fee"), fee)?
                },
            });
        }
        let mut documents = vec![];
        for (i, l) in lines(&self.documents).iter().enumerate() {
            let parts: Vec<&str> = l.split('|').map(str::trim).collect();
            let field = format!("documents (dòng/line {})", i + 1);
            documents.push(Document {
                name: parts[0].to_owned(),
                originals: parts.get(1).map_or(Ok(1), |v| int(&field, v))?,
                copies: parts.get(2).map_or(Ok(0), |v| int(&field, v))?,
                form: parts.get(3).and_then(|v| opt(v)),
            });
        }
        let mut workflow = vec![];
        for (i, l) in lines(&self.workflow).iter().enumerate() {
            let parts: Vec<&str> = l.split('|').map(str::trim).collect();
            let field = format!("workflow (dòng/line {})", i + 1);
            if parts.len() != 3 {
                return Err(spec_err(
                    &field,
                    "cần: tên bước | vai trò | số giờ (name | role | hours)",
                ));
            }
            workflow.push(WorkflowStep {
                name: parts[0].to_owned(),
                role: parts[1].to_owned(),
                budget: Limit {
                    value: int(&field, parts[2])?,
                    unit: LimitUnit::WorkingHours,
                },
            });
        }
        let publication = match (opt(&self.publication_number), opt(&self.publication_date)) {
            (Some(number), Some(date)) => Some(Publication { number, date }),
            (None, None) => None,
            _ => {
                return Err(spec_err(
                    "publication_date",
                    "cần cả số và ngày quyết định (number and date are both required)",
                ));
            }
        };
        Ok(ProcedureSpec {
            code: self.code.trim().to_owned(),
            name: self.name.trim().to_owned(),
            field: Field {
                code: self.field_code.trim().to_owned(),
                name: self.field_name.trim().to_owned(),
            },
            level,
            unit: self.unit.trim().to_owned(),
            online,
            channels,
            documents,
            steps: lines(&self.steps),
            applicants: self.applicants.trim().to_owned(),
            result: self.result.trim().to_owned(),
            legal_basis: lines(&self.legal_basis),
            requirements: opt(&self.requirements),
            fee_note: opt(&self.fee_note),
            implementing: opt(&self.implementing),
            competent_unit: opt(&self.competent_unit),
            publication,
            effective_from: opt(&self.effective_from),
            intake_cutoff: opt(&self.intake_cutoff),
            workflow,
        })
    }

    pub fn from_spec(s: &ProcedureSpec) -> ProcForm {
        let ch = |k: ChannelKind| s.channel(k);
        let mut f = ProcForm {
            code: s.code.clone(),
            name: s.name.clone(),
            field_code: s.field.code.clone(),
            field_name: s.field.name.clone(),
            level: s.level.as_str().to_owned(),
            unit: s.unit.clone(),
            online: s.online.as_str().to_owned(),
            fee_note: s.fee_note.clone().unwrap_or_default(),
            intake_cutoff: s.intake_cutoff.clone().unwrap_or_default(),
            documents: s
                .documents
                .iter()
                .map(|d| match &d.form {
                    Some(form) => format!("{} | {} | {} | {form}", d.name, d.originals, d.copies),
                    None => format!("{} | {} | {}", d.name, d.originals, d.copies),
                })
                .collect::<Vec<_>>()
                .join("\n"),
            steps: s.steps.join("\n"),
            applicants: s.applicants.clone(),
            result: s.result.clone(),
            requirements: s.requirements.clone().unwrap_or_default(),
            legal_basis: s.legal_basis.join("\n"),
            implementing: s.implementing.clone().unwrap_or_default(),
            competent_unit: s.competent_unit.clone().unwrap_or_default(),
            publication_number: s
                .publication
                .as_ref()
                .map(|p| p.number.clone())
                .unwrap_or_default(),
            publication_date: s
                .publication
                .as_ref()
                .map(|p| p.date.clone())
                .unwrap_or_default(),
            effective_from: s.effective_from.clone().unwrap_or_default(),
            workflow: s
                .workflow
                .iter()
                .map(|w| {
                    let hours = match w.budget.unit {
                        LimitUnit::WorkingDays => w.budget.value * 8,
                        _ => w.budget.value,
                    };
                    format!("{} | {} | {hours}", w.name, w.role)
                })
                .collect::<Vec<_>>()
                .join("\n"),
            ..ProcForm::default()
        };
        if let Some(c) = ch(ChannelKind::Counter) {
            (
                f.counter_use,
                f.counter_value,
                f.counter_unit,
                f.counter_fee,
            ) = (
                Some("1".into()),
                c.time_limit.value.to_string(),
                c.time_limit.unit.as_str().into(),
                c.fee_vnd.to_string(),
            );
        }
        if let Some(c) = ch(ChannelKind::Online) {
            (f.online_use, f.online_value, f.online_unit, f.online_fee) = (
                Some("1".into()),
                c.time_limit.value.to_string(),
                c.time_limit.unit.as_str().into(),
                c.fee_vnd.to_string(),
            );
        }
        if let Some(c) = ch(ChannelKind::Post) {
            (f.post_use, f.post_value, f.post_unit, f.post_fee) = (
                Some("1".into()),
                c.time_limit.value.to_string(),
                c.time_limit.unit.as_str().into(),
                c.fee_vnd.to_string(),
            );
        }
        f
    }
}

pub struct ChannelRow {
    pub key: &'static str,
    pub label: &'static str,
    pub used: bool,
    pub value: String,
    pub unit: String,
    pub fee: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_procedure_form.html")]
pub struct FormPage {
    pub page: Page,
    pub heading: String,
    pub action: String,
    pub editing: bool,
    pub has_draft: bool,
    pub draft_note: Option<String>,
    pub f: ProcForm,
    pub channel_rows: Vec<ChannelRow>,
    pub level_options: Vec<(&'static str, String)>,
    pub online_options: Vec<(&'static str, String)>,
    pub unit_options: Vec<(&'static str, &'static str)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

fn form_page(
    ctx: &Ctx,
    f: ProcForm,
    editing: bool,
    draft: Option<i64>,
    notice: Option<String>,
    error: Option<String>,
) -> FormPage {
    let t = messages(ctx.lang);
    let lang = ctx.lang;
    let label = |k: ChannelKind| match lang {
        Lang::Vi => k.label_vi(),
        Lang::En => k.label_en(),
    };
    let channel_rows = vec![
        ChannelRow {
            key: "counter",
            label: label(ChannelKind::Counter),
            used: f.counter_use.is_some(),
            value: f.counter_value.clone(),
            unit: f.counter_unit.clone(),
            fee: f.counter_fee.clone(),
        },
        ChannelRow {
            key: "online",
            label: label(ChannelKind::Online),
            used: f.online_use.is_some(),
            value: f.online_value.clone(),
            unit: f.online_unit.clone(),
            fee: f.online_fee.clone(),
        },
        ChannelRow {
            key: "post",
            label: label(ChannelKind::Post),
            used: f.post_use.is_some(),
            value: f.post_value.clone(),
            unit: f.post_unit.clone(),
            fee: f.post_fee.clone(),
        },
    ];
    let unit_label = |u: LimitUnit| match lang {
        Lang::Vi => u.label_vi(),
        Lang::En => u.label_en(),
    };
    FormPage {
        page: Page::new(ctx, "adm-proc-title"),
        heading: if editing {
            t.fmt("adm-proc-edit", &[("code", &f.code)])
        } else {
            t.get("adm-proc-new").to_owned()
        },
        action: if editing {
            format!("/quan-tri/thu-tuc/{}/sua", f.code)
        } else {
            "/quan-tri/thu-tuc/moi".to_owned()
        },
        editing,
        has_draft: draft.is_some(),
        draft_note: draft.map(|v| t.fmt("adm-proc-draft", &[("v", &v.to_string())])),
        channel_rows,
        level_options: vec![
            ("province", level_label("province", lang)),
            ("commune", level_label("commune", lang)),
        ],
        online_options: vec![
            ("full", online_label("full", lang)),
            ("partial", online_label("partial", lang)),
            ("none", online_label("none", lang)),
        ],
        unit_options: vec![
            ("working_days", unit_label(LimitUnit::WorkingDays)),
            ("days", unit_label(LimitUnit::Days)),
            ("working_hours", unit_label(LimitUnit::WorkingHours)),
        ],
        f,
        notice,
        error,
    }
}

pub async fn new_form(ctx: Ctx) -> WebResult<FormPage> {
    require_catalogue_admin(&ctx)?;
    let f = ProcForm {
        level: "province".into(),
        online: "partial".into(),
        counter_use: Some("1".into()),
        counter_unit: "working_days".into(),
        online_unit: "working_days".into(),
        post_unit: "working_days".into(),
        ..ProcForm::default()
    };
    Ok(form_page(&ctx, f, false, None, None, None))
}

fn failure(
    ctx: &Ctx,
    f: ProcForm,
    editing: bool,
    draft: Option<i64>,
    e: congso_app::AppError,
) -> WebResult<Response> {
    if matches!(e.code, ErrorCode::Internal | ErrorCode::Forbidden) {
        return Err(WebError(e));
    }
    let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut msg = e.code.message(ctx.lang).to_owned();
    if let Some(d) = &e.detail {
        msg.push_str(&format!(" — {d}"));
    }
    Ok((status, form_page(ctx, f, editing, draft, None, Some(msg))).into_response())
}

fn spec_failure(e: SpecError) -> congso_app::AppError {
    congso_app::AppError::new(ErrorCode::InvalidProcedure).with_detail(e.to_string())
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ProcForm>,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    let spec = match f.to_spec() {
        Ok(s) => s,
        Err(e) => return failure(&ctx, f, false, None, spec_failure(e)),
    };
    match catalogue::create(&st.app, &actor, spec).await {
        Ok(row) => Ok(
            Redirect::to(&format!("/quan-tri/thu-tuc/{}/sua?ok=luu&v=1", row.code)).into_response(),
        ),
        Err(e) => failure(&ctx, f, false, None, e),
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<FormPage> {
    require_catalogue_admin(&ctx)?;
    let current = catalogue::get(&st.app, &code, None, true).await?;
    let draft = current.row.draft_version;
    let view = match draft {
        Some(v) => catalogue::get(&st.app, &code, Some(v), true).await?,
        None => current,
    };
    let t = messages(ctx.lang);
    let v = q.get("v").cloned().unwrap_or_default();
    let notice = match q.get("ok").map(String::as_str) {
        Some("luu") => Some(t.fmt("adm-proc-saved", &[("v", &v)])),
        Some("cong-bo") => Some(t.fmt("adm-proc-published", &[("v", &v)])),
        _ => None,
    };
    Ok(form_page(
        &ctx,
        ProcForm::from_spec(&view.spec),
        true,
        draft,
        notice,
        None,
    ))
}

pub async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<ProcForm>,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    let spec = match f.to_spec() {
        Ok(s) => s,
        Err(e) => return failure(&ctx, f, true, None, spec_failure(e)),
    };
    match catalogue::edit(&st.app, &actor, &code, spec).await {
        Ok(v) => {
            Ok(Redirect::to(&format!("/quan-tri/thu-tuc/{code}/sua?ok=luu&v={v}")).into_response())
        }
        Err(e) => failure(&ctx, f, true, None, e),
    }
}

pub async fn publish(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let v = catalogue::publish(&st.app, ctx.user()?, &code).await?;
    Ok(Redirect::to(&format!("/quan-tri/thu-tuc/{code}/sua?ok=cong-bo&v={v}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RepealForm {
    #[serde(default)]
    pub note: String,
}

pub async fn repeal(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<RepealForm>,
) -> WebResult<Response> {
    catalogue::repeal(&st.app, ctx.user()?, &code, opt(&f.note)).await?;
    Ok(Redirect::to("/quan-tri/thu-tuc?ok=bai-bo").into_response())
}

pub async fn export(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
) -> WebResult<Response> {
    require_catalogue_admin(&ctx)?;
    let ext = match file.as_str() {
        "xuat.json" => "json",
        "xuat.xlsx" => "xlsx",
        _ => return Err(ErrorCode::NotFound.into()),
    };
    let specs = catalogue::export(&st.app, false).await?;
    let bytes = catalogue::write_file(&specs, ext)?;
    let mime = if ext == "json" {
        "application/json"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    let name = format!("attachment; filename=\"thu-tuc-hanh-chinh.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}

pub async fn import(
    State(st): State<AppState>,
    ctx: Ctx,
    mut mp: Multipart,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    require_catalogue_admin(&ctx)?;
    let mut upload = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| WebError::from(ErrorCode::InvalidInput))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| WebError::from(ErrorCode::PayloadTooLarge))?;
            upload = Some((name, bytes));
        }
    }
    let Some((name, bytes)) = upload else {
        return Err(congso_app::AppError::new(ErrorCode::InvalidInput)
            .with_detail("file")
            .into());
    };
    let ext = name
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let t = messages(ctx.lang);
    let result = match catalogue::parse_file(&bytes, &ext) {
        Ok(specs) => catalogue::import(&st.app, &actor, specs, &|_, _| {}).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(r) => {
            let msg = t.fmt(
                "adm-import-done",
                &[
                    ("created", &r.created.to_string()),
                    ("updated", &r.updated.to_string()),
                    ("unchanged", &r.unchanged.to_string()),
                ],
            );
            Ok(list_page(&st, &ctx, None, 1, Some(msg), None)
                .await?
                .into_response())
        }
        Err(e) if !matches!(e.code, ErrorCode::Internal | ErrorCode::Forbidden) => {
            let status =
                StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut msg = e.code.message(ctx.lang).to_owned();
            if let Some(d) = &e.detail {
                msg.push_str(&format!(" — {d}"));
            }
            Ok((
                status,
                list_page(&st, &ctx, None, 1, None, Some(msg)).await?,
            )
                .into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}
