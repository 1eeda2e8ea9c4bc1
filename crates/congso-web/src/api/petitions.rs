//! Petitions API: intake, items, item actions, the inbox, the resolution-rate report, and the
//! citizen reception schedule and log.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use congso_app::petitions::{
    self, DocumentView, ItemAction, ItemView, NewItem, NewPetition, NewReceptionDay, NewVisit,
    PetitionView, Petitioner, ReceptionDayView, VisitView,
};
use congso_domain::ErrorCode;
use congso_domain::petition::RateReport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::{ErrorBody, parse_date};
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct PetitionerDto {
    pub name: String,
    pub address: Option<String>,
    /// The 12-digit citizen identity number (CCCD).
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ItemRequest {
    /// `complaint`, `denunciation`, `recommendation`, `feedback` or `regulation_feedback`.
    pub kind: String,
    /// Default: the petition's content.
    pub content: Option<String>,
    /// The handling unit's code; default: the receiving unit.
    pub unit: Option<String>,
    #[serde(default)]
    pub complex: bool,
    #[serde(default)]
    pub remote_area: bool,
    /// Complaints: 1 (default) or 2 (second complaint; give `first_item`).
    pub level: Option<u8>,
    /// The first-level complaint item of a second complaint.
    pub first_item: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PetitionRequest {
    /// `reception`, `post` or `online`.
    pub channel: String,
    /// `null` (or absent) for an anonymous petition.
    pub petitioner: Option<PetitionerDto>,
    pub content: String,
    /// The receiving unit's code; default: where the caller handles petitions.
    pub unit: Option<String>,
    /// Items classified at intake.
    #[serde(default)]
    pub items: Vec<ItemRequest>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentDto {
    pub id: String,
    /// The action that produced it.
    pub action: String,
    /// e.g. `thong_bao_thu_ly`, `phieu_chuyen_don`, `van_ban_huong_dan`, `quyet_dinh_giai_quyet`,
    /// `ket_luan`, `quyet_dinh_gia_han`, `thong_bao`.
    pub kind: String,
    pub name: String,
    pub number: Option<String>,
    pub issued_on: String,
    pub text: Option<String>,
    /// The stage the action ended, its deadline, and whether it came in time.
    pub stage: Option<String>,
    pub stage_deadline: Option<String>,
    pub on_time: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDto {
    pub id: String,
    pub petition_id: String,
    pub seq: i64,
    pub kind: String,
    pub kind_label: String,
    pub level: i64,
    pub first_item: Option<String>,
    pub content: String,
    pub unit: UnitDto,
    /// `received`, `accepted`, `resolved`, `published`, `transferred`, `guided`, `filed`,
    /// `refused`, `withdrawn`.
    pub state: String,
    pub state_label: String,
    pub complex: bool,
    pub remote_area: bool,
    pub received_on: String,
    /// The end of the letter-handling period (xử lý đơn).
    pub handling_deadline: Option<String>,
    pub accepted_on: Option<String>,
    pub original_deadline: Option<String>,
    /// The resolution deadline in force (after extensions).
    pub deadline: Option<String>,
    pub extensions: i64,
    pub extension_days: i64,
    pub closed_on: Option<String>,
    pub closed_as: Option<String>,
    /// `on_time` or `late` once resolved.
    pub result: Option<String>,
    pub recipient: Option<String>,
    pub decision_number: Option<String>,
    /// `handling`, `handling_overdue`, `within`, `overdue`, `on_time`, `late`, `closed`.
    pub clock_status: String,
    pub days_left: Option<i64>,
    pub documents: Vec<DocumentDto>,
    /// Actions possible in the current state.
    pub actions: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionDto {
    pub id: String,
    pub unit: UnitDto,
    pub channel: String,
    pub anonymous: bool,
    pub petitioner: Option<PetitionerDto>,
    pub content: String,
    pub received_at: String,
    pub received_on: String,
    /// The earlier petition this one repeats (same petitioner, similar content).
    pub duplicate_of: Option<String>,
    pub items: Vec<ItemDto>,
}

fn unit(u: petitions::UnitRef) -> UnitDto {
    UnitDto {
        code: u.code,
        name: u.name,
    }
}

fn d(d: Option<time::Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn document_dto(x: DocumentView) -> DocumentDto {
    DocumentDto {
        id: x.id.to_string(),
        action: x.action,
        kind: x.kind,
        name: x.name,
        number: x.number,
        issued_on: x.issued_on.to_string(),
        text: x.text,
        stage: x.stage,
        stage_deadline: d(x.stage_deadline),
        on_time: x.on_time,
    }
}

pub fn item_dto(i: ItemView) -> ItemDto {
    ItemDto {
        id: i.id.to_string(),
        petition_id: i.petition_id.to_string(),
        seq: i.seq,
        kind: i.kind.as_str().to_owned(),
        kind_label: i.kind_label,
        level: i.level,
        first_item: i.first_item.map(|u| u.to_string()),
        content: i.content,
        unit: unit(i.unit),
        state: i.state,
        state_label: i.state_label,
        complex: i.complex,
        remote_area: i.remote_area,
        received_on: i.received_on.to_string(),
        handling_deadline: d(i.handling_deadline),
        accepted_on: d(i.accepted_on),
        original_deadline: d(i.original_deadline),
        deadline: d(i.deadline),
        extensions: i.extensions,
        extension_days: i.extension_days,
        closed_on: d(i.closed_on),
        closed_as: i.closed_as,
        result: i.result,
        recipient: i.recipient,
        decision_number: i.decision_number,
        clock_status: i.clock_status,
        days_left: i.days_left,
        documents: i.documents.into_iter().map(document_dto).collect(),
        actions: i.actions,
    }
}

pub fn petition_dto(p: PetitionView) -> PetitionDto {
    PetitionDto {
        id: p.id.to_string(),
        unit: unit(p.unit),
        channel: p.channel,
        anonymous: p.anonymous,
        petitioner: p.petitioner.map(|x| PetitionerDto {
            name: x.name,
            address: x.address,
            id_number: x.id_number,
            phone: x.phone,
            email: x.email,
        }),
        content: p.content,
        received_at: serde_json::to_value(p.received_at)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        received_on: p.received_on.to_string(),
        duplicate_of: p.duplicate_of.map(|u| u.to_string()),
        items: p.items.into_iter().map(item_dto).collect(),
    }
}

fn new_item(r: ItemRequest) -> NewItem {
    NewItem {
        kind: r.kind,
        content: r.content,
        unit: r.unit,
        complex: r.complex,
        remote_area: r.remote_area,
        level: r.level,
        first_item: r.first_item,
    }
}

fn id(s: &str) -> WebResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| WebError::from(ErrorCode::PetitionNotFound))
}

/// Registers a petition (đơn) received at the reception desk, by post or online, with the items
/// classified at intake. A petition repeating an earlier one of the same petitioner is marked
/// with `duplicate_of`.
#[utoipa::path(
    post, path = "/petitions", tag = "petitions",
    request_body = PetitionRequest,
    responses(
        (status = 201, body = PetitionDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(req): Json<PetitionRequest>,
) -> WebResult<(StatusCode, Json<PetitionDto>)> {
    let actor = ctx.user()?;
    let v = petitions::create_petition(
        &st.app,
        actor,
        NewPetition {
            channel: req.channel,
            petitioner: req.petitioner.map(|p| Petitioner {
                name: p.name,
                address: p.address,
                id_number: p.id_number,
                phone: p.phone,
                email: p.email,
            }),
            content: req.content,
            unit: req.unit,
            items: req.items.into_iter().map(new_item).collect(),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(petition_dto(v))))
}

/// A petition with its items.
#[utoipa::path(
    get, path = "/petitions/{id}", tag = "petitions",
    params(("id" = String, Path)),
    responses((status = 200, body = PetitionDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(petition): Path<String>,
) -> WebResult<Json<PetitionDto>> {
    let actor = ctx.user()?;
    Ok(Json(petition_dto(
        petitions::petition(&st.app, actor, id(&petition)?).await?,
    )))
}

/// Adds a classified item (one content of the letter) to a petition.
#[utoipa::path(
    post, path = "/petitions/{id}/items", tag = "petitions",
    params(("id" = String, Path)),
    request_body = ItemRequest,
    responses(
        (status = 201, body = ItemDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn add_item(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(petition): Path<String>,
    Json(req): Json<ItemRequest>,
) -> WebResult<(StatusCode, Json<ItemDto>)> {
    let actor = ctx.user()?;
    let v = petitions::add_item(&st.app, actor, id(&petition)?, new_item(req)).await?;
    Ok((StatusCode::CREATED, Json(item_dto(v))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct InboxQuery {
    /// `true` (default): open items only, by deadline; `false`: all, newest first.
    pub open: Option<bool>,
}

/// The caller's petition items (the units where they handle petitions).
#[utoipa::path(
    get, path = "/petition-items", tag = "petitions",
    params(InboxQuery),
    responses((status = 200, body = Vec<ItemDto>), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn inbox(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<InboxQuery>,
) -> WebResult<Json<Vec<ItemDto>>> {
    let actor = ctx.user()?;
    let items = petitions::inbox(&st.app, actor, q.open.unwrap_or(true)).await?;
    Ok(Json(items.into_iter().map(item_dto).collect()))
}

/// A petition item with its documents.
#[utoipa::path(
    get, path = "/petition-items/{id}", tag = "petitions",
    params(("id" = String, Path)),
    responses((status = 200, body = ItemDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get_item(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(item): Path<String>,
) -> WebResult<Json<ItemDto>> {
    let actor = ctx.user()?;
    let (v, _) = petitions::item(&st.app, actor, id(&item)?).await?;
    Ok(Json(item_dto(v)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ItemActionRequest {
    /// `accept`, `transfer` (needs `recipient`), `guide` (`text`), `file` (`reason`), `extend`
    /// (denunciations: `decision_number`, `days` ≤ 30, `reason`), `resolve` (`decision_number`,
    /// `text`), `notify` (`text`), `withdraw` (`reason`); regulation feedback also `refuse`
    /// (`reason`), `request_supplement` (`text`), `publish`.
    pub action: String,
    pub text: Option<String>,
    pub reason: Option<String>,
    pub recipient: Option<String>,
    pub decision_number: Option<String>,
    /// The number of the notice or slip produced.
    pub number: Option<String>,
    pub days: Option<u32>,
    /// On acceptance: a complex case; a remote or difficult area.
    pub complex: Option<bool>,
    pub remote_area: Option<bool>,
}

/// Applies an action to an item. An action not allowed in the current state (or for the item's
/// kind) is 409 `illegal_transition`; a third extension is 409 `extension_limit`.
#[utoipa::path(
    post, path = "/petition-items/{id}/actions", tag = "petitions",
    params(("id" = String, Path)),
    request_body = ItemActionRequest,
    responses(
        (status = 200, body = ItemDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(item): Path<String>,
    Json(req): Json<ItemActionRequest>,
) -> WebResult<Json<ItemDto>> {
    let actor = ctx.user()?;
    let v = petitions::act(
        &st.app,
        actor,
        id(&item)?,
        ItemAction {
            action: req.action,
            text: req.text,
            reason: req.reason,
            recipient: req.recipient,
            decision_number: req.decision_number,
            number: req.number,
            days: req.days,
            complex: req.complex,
            remote_area: req.remote_area,
        },
    )
    .await?;
    Ok(Json(item_dto(v)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountsDto {
    /// Received in the period plus carried over.
    pub received: u64,
    pub received_new: u64,
    pub carried_over: u64,
    /// Accepted (thụ lý) by the end of the period.
    pub under_authority: u64,
    pub resolved: u64,
    pub resolved_on_time: u64,
    pub resolved_late: u64,
    pub pending_within: u64,
    pub pending_overdue: u64,
    pub transferred: u64,
    pub guided: u64,
    pub filed: u64,
    pub refused: u64,
    pub withdrawn_before_acceptance: u64,
    /// Received, not yet accepted, transferred, guided or filed.
    pub unhandled: u64,
    /// resolved / under_authority (4 decimals); null when nothing was under authority.
    pub resolution_rate: Option<f64>,
}

fn counts(r: RateReport) -> CountsDto {
    CountsDto {
        received: r.received_new + r.carried_over,
        received_new: r.received_new,
        carried_over: r.carried_over,
        under_authority: r.under_authority,
        resolved: r.resolved(),
        resolved_on_time: r.resolved_on_time,
        resolved_late: r.resolved_late,
        pending_within: r.pending_within,
        pending_overdue: r.pending_overdue,
        transferred: r.transferred,
        guided: r.guided,
        filed: r.filed,
        refused: r.refused,
        withdrawn_before_acceptance: r.withdrawn_before_acceptance,
        unhandled: r.unhandled,
        resolution_rate: r
            .resolution_rate()
            .map(|x| (x * 10_000.0).round() / 10_000.0),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindCountsDto {
    pub kind: String,
    #[serde(flatten)]
    pub counts: CountsDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionReportDto {
    pub from: String,
    pub to: String,
    pub as_of: String,
    pub unit: Option<UnitDto>,
    #[serde(flatten)]
    pub total: CountsDto,
    pub by_kind: Vec<KindCountsDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// First day (`YYYY-MM-DD`); default: 1 January of this year.
    pub from: Option<String>,
    /// Last day; default: today.
    pub to: Option<String>,
    /// A unit code: the unit and the units below it.
    pub unit: Option<String>,
}

/// The resolution-rate report (domain-rules §5.3): received (new, carried over), under
/// authority, resolved on time / late, pending within time / overdue, transferred, guided,
/// filed; `resolution_rate` = resolved / under authority.
#[utoipa::path(
    get, path = "/reports/petitions", tag = "petitions",
    params(ReportQuery),
    responses((status = 200, body = PetitionReportDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ReportQuery>,
) -> WebResult<Json<PetitionReportDto>> {
    let actor = ctx.user()?;
    let (from, to) = super::period_this_year(&st, q.from.as_deref(), q.to.as_deref())?;
    let r = petitions::report(&st.app, actor, from, to, q.unit.as_deref()).await?;
    Ok(Json(PetitionReportDto {
        from: r.from.to_string(),
        to: r.to.to_string(),
        as_of: r.as_of.to_string(),
        unit: r.unit.map(unit),
        total: counts(r.total),
        by_kind: r
            .by_kind
            .into_iter()
            .map(|(k, c)| KindCountsDto {
                kind: k.as_str().to_owned(),
                counts: counts(c),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceptionDayRequest {
    /// Unit code; default: where the caller handles petitions.
    pub unit: Option<String>,
    /// The receiving leader's username (or `leader_name`).
    pub leader: Option<String>,
    pub leader_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub place: String,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceptionDayDto {
    pub id: String,
    pub unit: UnitDto,
    pub leader: String,
    pub day: String,
    pub place: String,
    pub note: Option<String>,
}

fn day_dto(v: ReceptionDayView) -> ReceptionDayDto {
    ReceptionDayDto {
        id: v.id.to_string(),
        unit: unit(v.unit),
        leader: v.leader,
        day: v.day.to_string(),
        place: v.place,
        note: v.note,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// The leaders' citizen reception days (public).
#[utoipa::path(
    get, path = "/reception/schedule", tag = "petitions",
    params(PeriodQuery),
    responses((status = 200, body = Vec<ReceptionDayDto>), (status = 400, body = ErrorBody))
)]
pub async fn schedule(
    State(st): State<AppState>,
    Query(q): Query<PeriodQuery>,
) -> WebResult<Json<Vec<ReceptionDayDto>>> {
    let today = st.app.today();
    let from = match q.from.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => parse_date(s)?,
        None => today,
    };
    let to = match q.to.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => parse_date(s)?,
        None => from + time::Duration::days(90),
    };
    let days = petitions::reception_days(&st.app, from, to).await?;
    Ok(Json(days.into_iter().map(day_dto).collect()))
}

/// Schedules a leader's reception day.
#[utoipa::path(
    post, path = "/reception/schedule", tag = "petitions",
    request_body = ReceptionDayRequest,
    responses((status = 201, body = ReceptionDayDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn add_day(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(req): Json<ReceptionDayRequest>,
) -> WebResult<(StatusCode, Json<ReceptionDayDto>)> {
    let actor = ctx.user()?;
    let v = petitions::add_reception_day(
        &st.app,
        actor,
        NewReceptionDay {
            unit: req.unit,
            leader: req.leader,
            leader_name: req.leader_name,
            day: parse_date(&req.day)?,
            place: req.place,
            note: req.note,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(day_dto(v))))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VisitRequest {
    pub unit: Option<String>,
    pub schedule_id: Option<Uuid>,
    pub visitor_name: String,
    pub visitor_id_number: Option<String>,
    pub content: String,
    pub outcome: String,
    pub petition_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitDto {
    pub id: String,
    pub unit: UnitDto,
    pub schedule_id: Option<String>,
    pub received_at: String,
    pub visitor_name: String,
    pub visitor_id_number: Option<String>,
    pub content: String,
    pub outcome: String,
    pub petition_id: Option<String>,
}

fn visit_dto(v: VisitView) -> VisitDto {
    VisitDto {
        id: v.id.to_string(),
        unit: unit(v.unit),
        schedule_id: v.schedule_id.map(|u| u.to_string()),
        received_at: serde_json::to_value(v.received_at)
            .ok()
            .and_then(|x| x.as_str().map(str::to_owned))
            .unwrap_or_default(),
        visitor_name: v.visitor_name,
        visitor_id_number: v.visitor_id_number,
        content: v.content,
        outcome: v.outcome,
        petition_id: v.petition_id.map(|u| u.to_string()),
    }
}

/// The citizen reception log.
#[utoipa::path(
    get, path = "/reception/log", tag = "petitions",
    params(PeriodQuery),
    responses((status = 200, body = Vec<VisitDto>), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn log(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> WebResult<Json<Vec<VisitDto>>> {
    let actor = ctx.user()?;
    let (from, to) = super::period_this_year(&st, q.from.as_deref(), q.to.as_deref())?;
    let v = petitions::visits(&st.app, actor, from, to).await?;
    Ok(Json(v.into_iter().map(visit_dto).collect()))
}

/// Records a visit in the citizen reception log.
#[utoipa::path(
    post, path = "/reception/log", tag = "petitions",
    request_body = VisitRequest,
    responses((status = 201, body = VisitDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn add_visit(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(req): Json<VisitRequest>,
) -> WebResult<(StatusCode, Json<VisitDto>)> {
    let actor = ctx.user()?;
    let v = petitions::log_visit(
        &st.app,
        actor,
        NewVisit {
            unit: req.unit,
            schedule_id: req.schedule_id,
            visitor_name: req.visitor_name,
            visitor_id_number: req.visitor_id_number,
            content: req.content,
            outcome: req.outcome,
            petition_id: req.petition_id,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(visit_dto(v))))
}
