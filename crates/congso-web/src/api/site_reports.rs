//! On-site reports API: the public list and statistics, one report, and the unit's actions (the
//! same use cases as the pages; Open311 clients use `/open311/v2` instead).

use axum::Json;
use axum::extract::{Path, Query, State};
use congso_app::site_reports::{self as sr, ActionInput, ReportView};
use congso_db::Ts;
use congso_domain::ErrorCode;
use congso_domain::time_vn::day_start;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::{ErrorBody, parse_date};
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteReportUnitDto {
    pub code: String,
    pub name: String,
}

/// A report as published (no personal data of the reporter).
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteReportDto {
    pub id: String,
    pub service_code: String,
    pub category: String,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    /// The commune or ward.
    pub area: Option<SiteReportUnitDto>,
    /// `normal` or `emergency`.
    pub urgency: String,
    /// `portal` or `open311`.
    pub channel: String,
    /// `received`, `in_progress`, `extension_requested`, `resolved`, `rejected`.
    pub state: String,
    pub state_label: String,
    /// The responsible unit.
    pub unit: SiteReportUnitDto,
    /// RFC 3339, UTC+7.
    pub created_at: String,
    pub original_deadline: String,
    /// The deadline in force (moved by an approved extension).
    pub deadline: String,
    pub handled_at: Option<String>,
    /// `on_time`, `late` or `late_extended` once handled.
    pub outcome: Option<String>,
    pub overdue: bool,
    /// The public result (or why the report was rejected).
    pub result_text: Option<String>,
    /// `hai_long`, `chap_nhan` or `khong_hai_long`.
    pub rating: Option<String>,
}

fn at(ts: Ts) -> String {
    crate::open311::datetime(ts)
}

fn unit(u: sr::UnitRef) -> SiteReportUnitDto {
    SiteReportUnitDto {
        code: u.code,
        name: u.name,
    }
}

pub fn dto(v: ReportView) -> SiteReportDto {
    SiteReportDto {
        id: v.id.to_string(),
        service_code: v.service_code,
        category: v.category,
        description: v.description,
        lat: v.lat,
        lon: v.lon,
        address: v.address,
        area: v.area.map(unit),
        urgency: v.urgency,
        channel: v.channel,
        state: v.state,
        state_label: v.state_label,
        unit: unit(v.unit),
        created_at: at(v.created_at),
        original_deadline: at(v.original_deadline),
        deadline: at(v.deadline),
        handled_at: v.handled_at.map(at),
        outcome: v.outcome.map(|o| o.as_str().to_owned()),
        overdue: v.overdue,
        result_text: v.result_text,
        rating: v.rating,
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiteReportQuery {
    /// A category's service code.
    pub service_code: Option<String>,
    /// A commune or ward's unit code.
    pub area: Option<String>,
    /// `open`, `closed` or a state.
    pub status: Option<String>,
    /// `YYYY-MM-DD` (filed on or after).
    pub from: Option<String>,
    /// `YYYY-MM-DD` (filed on or before).
    pub to: Option<String>,
    /// At most 500 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn query(q: &SiteReportQuery) -> WebResult<sr::Query> {
    fn text(v: &Option<String>) -> Option<&str> {
        v.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let from = text(&q.from).map(parse_date).transpose()?;
    let to = text(&q.to).map(parse_date).transpose()?;
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        return Err(ErrorCode::InvalidDateRange.into());
    }
    Ok(sr::Query {
        service_codes: text(&q.service_code)
            .map(str::to_owned)
            .into_iter()
            .collect(),
        statuses: text(&q.status).map(str::to_owned).into_iter().collect(),
        area: text(&q.area).map(str::to_owned),
        from: from.map(|d| Ts::new(day_start(d))),
        to: to.map(sr::end_of),
        limit: q.limit.unwrap_or(100).clamp(1, 500),
        offset: q.offset.unwrap_or(0).max(0),
        ..sr::Query::default()
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SiteReportList {
    pub total: i64,
    pub items: Vec<SiteReportDto>,
}

/// The public list of on-site reports, newest first, with filters.
#[utoipa::path(
    get, path = "/site-reports", tag = "site_reports",
    params(SiteReportQuery),
    responses((status = 200, body = SiteReportList), (status = 400, body = ErrorBody))
)]
pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<SiteReportQuery>,
) -> WebResult<Json<SiteReportList>> {
    let (items, total) = sr::search(&st.app, &query(&q)?).await?;
    Ok(Json(SiteReportList {
        total,
        items: items.into_iter().map(dto).collect(),
    }))
}

fn id(s: &str) -> WebResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| WebError::from(ErrorCode::SiteReportNotFound))
}

/// One report, as published.
#[utoipa::path(
    get, path = "/site-reports/{id}", tag = "site_reports",
    params(("id" = String, Path)),
    responses((status = 200, body = SiteReportDto), (status = 404, body = ErrorBody))
)]
pub async fn get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(report): Path<String>,
) -> WebResult<Json<SiteReportDto>> {
    let p = sr::public(&st.app, ctx.actor.as_ref(), id(&report)?).await?;
    Ok(Json(dto(p.view)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SiteReportActionRequest {
    /// `accept`, `assign`, `request_extension`, `approve_extension`, `refuse_extension`,
    /// `resolve`, `reject`.
    pub action: String,
    /// Username (assign).
    pub assignee: Option<String>,
    /// The public result (resolve) or why the report is invalid (reject).
    pub text: Option<String>,
    pub reason: Option<String>,
    /// `YYYY-MM-DD` (request_extension): due at the end of that day.
    pub new_deadline: Option<String>,
}

/// An action of the responsible unit; others get 403, an action not allowed now 409.
#[utoipa::path(
    post, path = "/site-reports/{id}/actions", tag = "site_reports",
    params(("id" = String, Path)),
    request_body = SiteReportActionRequest,
    responses(
        (status = 200, body = SiteReportDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(report): Path<String>,
    Json(req): Json<SiteReportActionRequest>,
) -> WebResult<Json<SiteReportDto>> {
    let actor = ctx.user()?;
    let id = id(&report)?;
    let new_deadline = req
        .new_deadline
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(parse_date)
        .transpose()?;
    sr::act(
        &st.app,
        actor,
        id,
        ActionInput {
            action: req.action,
            assignee: req.assignee,
            text: req.text,
            reason: req.reason,
            new_deadline,
        },
        None,
    )
    .await?;
    let p = sr::public(&st.app, Some(actor), id).await?;
    Ok(Json(dto(p.view)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SiteReportRatingRequest {
    /// `hai_long`, `chap_nhan` or `khong_hai_long`.
    pub rating: String,
    pub comment: Option<String>,
}

/// The reporter rates the result, once, after it is handled.
#[utoipa::path(
    post, path = "/site-reports/{id}/rating", tag = "site_reports",
    params(("id" = String, Path)),
    request_body = SiteReportRatingRequest,
    responses(
        (status = 200, body = SiteReportDto),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(report): Path<String>,
    Json(req): Json<SiteReportRatingRequest>,
) -> WebResult<Json<SiteReportDto>> {
    let actor = ctx.user()?;
    let id = id(&report)?;
    sr::rate(&st.app, actor, id, &req.rating, req.comment.as_deref()).await?;
    let p = sr::public(&st.app, Some(actor), id).await?;
    Ok(Json(dto(p.view)))
}

/// The counts Hue-S publishes: on time, late and late with an approved extension apart.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteReportStatsDto {
    pub received: i64,
    pub pending_within: i64,
    pub pending_overdue: i64,
    pub on_time: i64,
    pub late: i64,
    pub late_extended: i64,
    pub rejected: i64,
    pub hai_long: i64,
    pub chap_nhan: i64,
    pub khong_hai_long: i64,
}

/// Statistics of the reports filed in a period (same filters as the list).
#[utoipa::path(
    get, path = "/reports/site-reports", tag = "site_reports",
    params(SiteReportQuery),
    responses((status = 200, body = SiteReportStatsDto), (status = 400, body = ErrorBody))
)]
pub async fn stats(
    State(st): State<AppState>,
    Query(q): Query<SiteReportQuery>,
) -> WebResult<Json<SiteReportStatsDto>> {
    let s = sr::stats(&st.app, &query(&q)?).await?;
    Ok(Json(SiteReportStatsDto {
        received: s.received,
        pending_within: s.pending_within,
        pending_overdue: s.pending_overdue,
        on_time: s.on_time,
        late: s.late,
        late_extended: s.late_extended,
        rejected: s.rejected,
        hai_long: s.hai_long,
        chap_nhan: s.chap_nhan,
        khong_hai_long: s.khong_hai_long,
    }))
}
