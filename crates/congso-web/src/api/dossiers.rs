//! The one-stop desk API: receive, act, read, the inbox, and the public lookup.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use congso_app::dossiers::{
    self, ActionInput, Applicant, DocumentItem, DossierView, NewDossier, PublicView, Tab,
};
use congso_db::Ts;
use congso_domain::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::ErrorBody;
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::state::AppState;

/// An instant as RFC 3339 in Vietnam's time (UTC+07:00).
pub fn iso_vn(t: Ts) -> String {
    t.get()
        .to_offset(congso_domain::time_vn::VN_OFFSET)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicantDto {
    pub name: String,
    /// Citizen identity number (12 digits).
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct DocumentDto {
    pub name: String,
    #[serde(default)]
    pub originals: i64,
    #[serde(default)]
    pub copies: i64,
    #[serde(default = "yes")]
    pub provided: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiveRequest {
    pub procedure_code: String,
    /// `counter`, `post` or `online`.
    pub channel: String,
    pub applicant: ApplicantDto,
    /// The documents handed in; the procedure's list when omitted.
    #[serde(default)]
    pub documents: Vec<DocumentDto>,
    /// Receiving unit code (default: the officer's one-stop unit).
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusDto {
    /// National portal status code (1–10).
    pub code: u8,
    pub name: String,
    /// Internal state, e.g. `assigned`.
    pub state: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    pub action: String,
    pub at: String,
    pub actor: Option<String>,
    pub unit: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierDto {
    pub code: String,
    pub status: StatusDto,
    pub procedure_code: String,
    pub procedure_name: String,
    pub procedure_version: i64,
    /// `counter`, `online` or `post`.
    pub channel: String,
    pub regime: String,
    #[schema(value_type = Object)]
    pub applicant: Applicant,
    #[schema(value_type = Vec<Object>)]
    pub documents: Vec<DocumentItem>,
    pub receiving_unit: UnitDto,
    pub processing_unit: UnitDto,
    pub assignee: Option<String>,
    pub received_at: Option<String>,
    /// The appointment given at receipt (Mẫu 01).
    pub appointment_at: Option<String>,
    /// The current due moment (after pauses, or the new appointment after an apology).
    pub due_at: Option<String>,
    pub finished_at: Option<String>,
    pub returned_at: Option<String>,
    /// `early`, `on_time` or `late` once finished.
    pub result: Option<String>,
    /// `granted`, `refused`, `withdrawn` or `stopped`.
    pub outcome: Option<String>,
    /// Number of supplement requests (more than one counts as late).
    pub supplements: i64,
    pub paused_working_days: i64,
    pub paused: bool,
    pub apology_at: Option<String>,
    pub new_appointment_at: Option<String>,
    /// The unit must send an apology with a new date (Mẫu 04).
    pub apology_required: bool,
    pub fee_vnd: i64,
    pub amount_due: Option<i64>,
    pub elapsed_working_minutes: Option<i64>,
    pub remaining_working_minutes: Option<i64>,
    pub events: Vec<EventDto>,
    /// Actions possible from the current state.
    pub actions: Vec<String>,
}

pub fn dto(v: DossierView) -> DossierDto {
    DossierDto {
        code: v.code,
        status: StatusDto {
            code: v.status.code,
            name: v.status.name,
            state: v.status.state,
        },
        procedure_code: v.procedure_code,
        procedure_name: v.procedure_name,
        procedure_version: v.procedure_version,
        channel: v.channel,
        regime: v.regime,
        applicant: v.applicant,
        documents: v.documents,
        receiving_unit: UnitDto {
            code: v.receiving_unit.code,
            name: v.receiving_unit.name,
        },
        processing_unit: UnitDto {
            code: v.processing_unit.code,
            name: v.processing_unit.name,
        },
        assignee: v.assignee,
        received_at: v.received_at.map(iso_vn),
        appointment_at: v.appointment_at.map(iso_vn),
        due_at: v.due_at.map(iso_vn),
        finished_at: v.finished_at.map(iso_vn),
        returned_at: v.returned_at.map(iso_vn),
        result: v.result,
        outcome: v.outcome,
        supplements: v.supplements,
        paused_working_days: v.paused_working_days,
        paused: v.paused,
        apology_at: v.apology.as_ref().map(|a| iso_vn(a.at)),
        new_appointment_at: v
            .apology
            .as_ref()
            .and_then(|a| a.new_appointment_at)
            .map(iso_vn),
        apology_required: v.apology_required,
        fee_vnd: v.fee_vnd,
        amount_due: v.amount_due,
        elapsed_working_minutes: v.elapsed_working_minutes,
        remaining_working_minutes: v.remaining_working_minutes,
        events: v
            .events
            .into_iter()
            .map(|e| EventDto {
                action: e.action,
                at: iso_vn(e.at),
                actor: e.actor,
                unit: e.unit,
                note: e.note,
            })
            .collect(),
        actions: v.actions,
    }
}

/// Receives a dossier (one-stop officer): a new code, status 2, the appointment.
#[utoipa::path(
    post, path = "/dossiers", tag = "dossiers",
    request_body = ReceiveRequest,
    responses(
        (status = 201, body = DossierDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn receive(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(req): Json<ReceiveRequest>,
) -> WebResult<(StatusCode, Json<DossierDto>)> {
    let actor = ctx.user()?;
    let v = dossiers::receive(
        &st.app,
        actor,
        NewDossier {
            procedure_code: req.procedure_code,
            channel: req.channel,
            applicant: Applicant {
                name: req.applicant.name,
                id_number: req.applicant.id_number,
                phone: req.applicant.phone,
                email: req.applicant.email,
                address: req.applicant.address,
            },
            documents: req
                .documents
                .into_iter()
                .map(|d| DocumentItem {
                    name: d.name,
                    originals: d.originals,
                    copies: d.copies,
                    provided: d.provided,
                })
                .collect(),
            receiving_unit: req.unit,
            code: None,
            received_at: None,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(dto(v))))
}

/// Applies an action: `accept`, `refuse`, `forward`, `assign`, `submit_for_approval`, `approve`,
/// `request_supplement`, `supplement_received`, `request_payment`, `payment_received`,
/// `apologize` (with `reason`, `new_appointment_at`), `finish`, `return_result`, `withdraw`,
/// `stop`, `transfer`. An action not allowed in the current state is 409 `illegal_transition`.
#[utoipa::path(
    post, path = "/dossiers/{code}/actions", tag = "dossiers",
    params(("code" = String, Path)),
    request_body(content = Object, description = "{\"action\": …, \"reason\", \"to_unit\", \"assignee\", \"amount_vnd\", \"new_appointment_at\", \"items\", \"note\"}"),
    responses(
        (status = 200, body = DossierDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(input): Json<ActionInput>,
) -> WebResult<Json<DossierDto>> {
    let actor = ctx.user()?;
    Ok(Json(
        dto(dossiers::act(&st.app, actor, &code, input).await?),
    ))
}

/// A dossier (staff of its units, or its applicant).
#[utoipa::path(
    get, path = "/dossiers/{code}", tag = "dossiers",
    params(("code" = String, Path)),
    responses((status = 200, body = DossierDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Json<DossierDto>> {
    let actor = ctx.user()?;
    Ok(Json(dto(dossiers::get(&st.app, actor, &code).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct InboxQuery {
    /// `mine`, `unit`, `desk`, `due_soon`, `overdue`, `supplement` (default `unit`).
    pub tab: Option<String>,
    /// Code prefix or applicant name.
    pub q: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxLineDto {
    pub code: String,
    pub procedure_name: String,
    pub applicant: String,
    pub state: String,
    pub due_at: Option<String>,
    pub received_at: Option<String>,
    pub supplements: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxDto {
    pub tab: String,
    pub total: i64,
    /// Count per tab.
    pub counts: std::collections::BTreeMap<String, i64>,
    pub items: Vec<InboxLineDto>,
}

/// The officer's inbox.
#[utoipa::path(
    get, path = "/dossiers", tag = "dossiers",
    params(InboxQuery),
    responses((status = 200, body = InboxDto), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn inbox(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<InboxQuery>,
) -> WebResult<Json<InboxDto>> {
    let actor = ctx.user()?;
    let tab = match q.tab.as_deref() {
        None | Some("") => Tab::Unit,
        Some(t) => Tab::parse(t).ok_or_else(|| {
            congso_app::AppError::new(ErrorCode::InvalidInput).with_detail(format!("tab {t}"))
        })?,
    };
    let per_page = q.per_page.unwrap_or(50).clamp(1, 200);
    let page = q.page.unwrap_or(1).max(1);
    let inbox = dossiers::inbox(
        &st.app,
        actor,
        tab,
        q.q.as_deref(),
        per_page,
        (page - 1) * per_page,
    )
    .await?;
    Ok(Json(InboxDto {
        tab: tab.as_str().to_owned(),
        total: inbox.total,
        counts: inbox
            .counts
            .iter()
            .map(|(t, n)| (t.as_str().to_owned(), *n))
            .collect(),
        items: inbox
            .lines
            .into_iter()
            .map(|l| InboxLineDto {
                code: l.code,
                procedure_name: l.procedure_name,
                applicant: l.applicant_name,
                state: l.status,
                due_at: l.due_at.map(iso_vn),
                received_at: l.received_at.map(iso_vn),
                supplements: l.supplements,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicStepDto {
    pub action: String,
    pub at: String,
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupDto {
    pub code: String,
    pub procedure_name: String,
    /// The applicant's initials only.
    pub applicant: String,
    pub status: StatusDto,
    pub received_at: Option<String>,
    pub appointment_at: Option<String>,
    pub due_at: Option<String>,
    pub finished_at: Option<String>,
    pub returned_at: Option<String>,
    pub result: Option<String>,
    pub receiving_unit: String,
    pub processing_unit: String,
    pub steps: Vec<PublicStepDto>,
}

pub fn lookup_dto(v: PublicView) -> LookupDto {
    LookupDto {
        code: v.code,
        procedure_name: v.procedure_name,
        applicant: v.applicant,
        status: StatusDto {
            code: v.status.code,
            name: v.status.name,
            state: v.status.state,
        },
        received_at: v.received_at.map(iso_vn),
        appointment_at: v.appointment_at.map(iso_vn),
        due_at: v.due_at.map(iso_vn),
        finished_at: v.finished_at.map(iso_vn),
        returned_at: v.returned_at.map(iso_vn),
        result: v.result,
        receiving_unit: v.receiving_unit,
        processing_unit: v.processing_unit,
        steps: v
            .steps
            .into_iter()
            .map(|s| PublicStepDto {
                action: s.action,
                at: iso_vn(s.at),
                unit: s.unit,
            })
            .collect(),
    }
}

/// The public lookup of a dossier by its code (no personal data but initials).
#[utoipa::path(
    get, path = "/lookup/{code}", tag = "dossiers",
    params(("code" = String, Path)),
    responses((status = 200, body = LookupDto), (status = 404, body = ErrorBody))
)]
pub async fn lookup(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> WebResult<Json<LookupDto>> {
    Ok(Json(lookup_dto(dossiers::lookup(&st.app, &code).await?)))
}
