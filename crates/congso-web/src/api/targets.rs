//! Targets (chỉ tiêu) of a term: list (public), create, enter a measured value by hand.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use congso_app::targets::{self, NewTarget, TargetView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::{ErrorBody, parse_date};
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetUnitDto {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDto {
    pub id: Uuid,
    /// e.g. `2020-2025`.
    pub term: String,
    pub code: String,
    pub name: String,
    /// Null: the province.
    pub unit: Option<TargetUnitDto>,
    /// `one_stop_on_time_rate`, `petition_resolution_rate`, `directive_completion_rate`,
    /// `index_766_total` or `manual`.
    pub metric: String,
    pub metric_name: String,
    /// `at_least` or `at_most`.
    pub comparison: String,
    pub goal: f64,
    pub measure_unit: String,
    pub period_from: String,
    pub period_to: String,
    /// Computed over the period (up to today), or entered by hand.
    pub value: Option<f64>,
    pub achieved: Option<bool>,
    /// Percent of the goal reached (at most 100).
    pub progress: Option<f64>,
    pub manual_note: Option<String>,
    pub measured_by: Option<String>,
    pub measured_at: Option<String>,
}

pub fn dto(v: TargetView) -> TargetDto {
    TargetDto {
        id: v.id,
        term: v.term,
        code: v.code,
        name: v.name,
        unit: v.unit.map(|u| TargetUnitDto {
            code: u.code,
            name: u.name,
        }),
        metric: v.metric,
        metric_name: v.metric_name.to_owned(),
        comparison: v.comparison,
        goal: v.goal,
        measure_unit: v.measure_unit,
        period_from: v.period_from.to_string(),
        period_to: v.period_to.to_string(),
        value: v.value,
        achieved: v.achieved,
        progress: v.progress,
        manual_note: v.manual_note,
        measured_by: v.measured_by,
        measured_at: v.measured_at,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TargetQuery {
    /// Only this term, e.g. `2020-2025`.
    pub term: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TargetRequest {
    pub term: String,
    pub code: String,
    pub name: String,
    /// A unit code; default: the province.
    pub unit: Option<String>,
    /// `one_stop_on_time_rate`, `petition_resolution_rate`, `directive_completion_rate`,
    /// `index_766_total` or `manual`.
    pub metric: String,
    /// `at_least` (default) or `at_most`.
    pub comparison: Option<String>,
    pub goal: f64,
    /// Default `%`.
    pub measure_unit: Option<String>,
    /// `YYYY-MM-DD`.
    pub period_from: String,
    pub period_to: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ValueRequest {
    pub value: f64,
    pub note: Option<String>,
}

/// The targets, each with its measured value (public).
#[utoipa::path(
    get, path = "/targets", tag = "reports",
    params(TargetQuery),
    responses((status = 200, body = Vec<TargetDto>))
)]
pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<TargetQuery>,
) -> WebResult<Json<Vec<TargetDto>>> {
    let v = targets::list(&st.app, q.term.as_deref()).await?;
    Ok(Json(v.into_iter().map(dto).collect()))
}

/// Creates a target: the Office or a leader on the unit (on a root unit for the province's).
#[utoipa::path(
    post, path = "/targets", tag = "reports",
    request_body = TargetRequest,
    responses((status = 201, body = TargetDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(b): Json<TargetRequest>,
) -> WebResult<(StatusCode, Json<TargetDto>)> {
    let actor = ctx.user()?;
    let v = targets::create(
        &st.app,
        actor,
        NewTarget {
            term: b.term,
            code: b.code,
            name: b.name,
            unit: b.unit,
            metric: b.metric,
            comparison: b.comparison,
            goal: b.goal,
            measure_unit: b.measure_unit,
            period_from: parse_date(&b.period_from)?,
            period_to: parse_date(&b.period_to)?,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(dto(v))))
}

/// One target with its measured value (public).
#[utoipa::path(
    get, path = "/targets/{id}", tag = "reports",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = TargetDto), (status = 404, body = ErrorBody))
)]
pub async fn get(State(st): State<AppState>, Path(id): Path<Uuid>) -> WebResult<Json<TargetDto>> {
    Ok(Json(dto(targets::get(&st.app, id).await?)))
}

/// Enters the measured value of a manual target (who and when are recorded, with an event).
#[utoipa::path(
    post, path = "/targets/{id}/value", tag = "reports",
    params(("id" = Uuid, Path)),
    request_body = ValueRequest,
    responses((status = 200, body = TargetDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn record_value(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Json(b): Json<ValueRequest>,
) -> WebResult<Json<TargetDto>> {
    let actor = ctx.user()?;
    let v = targets::record_value(&st.app, actor, id, b.value, b.note.as_deref()).await?;
    Ok(Json(dto(v)))
}
