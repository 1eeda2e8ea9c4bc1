//! Directive tracking API: directives, their tasks, task actions, the task list and the report.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use congso_app::directives::{
    self, Deadline, DirectiveView, NewDirective, NewTask, TaskAction, TaskView,
};
use congso_domain::ErrorCode;
use congso_domain::directive::{StatusCounts, TaskStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::{ErrorBody, parse_date};
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct SourceDto {
    /// `conclusion`, `directive`, `minutes` or `slip`.
    pub kind: String,
    pub number: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DirectiveRequest {
    pub source: SourceDto,
    /// Username of the leader who directed.
    pub leader: Option<String>,
    pub content: String,
    /// The directing unit's code (default: where the caller manages directives).
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDto {
    pub id: String,
    pub directive_id: String,
    pub content: String,
    /// `normal`, `high` or `urgent`.
    pub priority: String,
    /// `monthly` or `quarterly` for a periodic report.
    pub recurrence: Option<String>,
    pub lead_unit: UnitDto,
    pub coordinating_units: Vec<UnitDto>,
    /// Workflow state: `assigned`, `in_progress`, `extension_requested`, `completed`,
    /// `confirmed`, `cancelled`.
    pub state: String,
    /// Report status (QĐ 42/2014), computed from the dates: `in_progress_within`,
    /// `in_progress_overdue`, `completed_on_time`, `completed_late`, `cancelled`.
    pub status: String,
    pub status_label: String,
    pub original_deadline: Option<String>,
    pub deadline: Option<String>,
    pub requested_deadline: Option<String>,
    pub assignee: Option<String>,
    pub progress: i64,
    pub completed_on: Option<String>,
    pub days_overdue: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DirectiveDto {
    pub id: String,
    pub unit: UnitDto,
    pub source_kind: String,
    pub source_number: Option<String>,
    pub source_date: Option<String>,
    pub leader: Option<String>,
    pub content: String,
    pub tasks: Vec<TaskDto>,
}

fn unit(u: directives::UnitRef) -> UnitDto {
    UnitDto {
        code: u.code,
        name: u.name,
    }
}

pub fn task_dto(t: TaskView) -> TaskDto {
    let d = |d: Option<time::Date>| d.map(|d| d.to_string());
    TaskDto {
        id: t.id.to_string(),
        directive_id: t.directive_id.to_string(),
        content: t.content,
        priority: t.priority,
        recurrence: t.recurrence,
        lead_unit: unit(t.lead_unit),
        coordinating_units: t.coordinating_units.into_iter().map(unit).collect(),
        state: t.state,
        status: t.status.as_str().to_owned(),
        status_label: t.status.label_vi().to_owned(),
        original_deadline: d(t.original_deadline),
        deadline: d(t.deadline),
        requested_deadline: d(t.requested_deadline),
        assignee: t.assignee,
        progress: t.progress,
        completed_on: d(t.completed_on),
        days_overdue: t.days_overdue,
    }
}

fn directive_dto(v: DirectiveView) -> DirectiveDto {
    DirectiveDto {
        id: v.id.to_string(),
        unit: unit(v.unit),
        source_kind: v.source_kind,
        source_number: v.source_number,
        source_date: v.source_date.map(|d| d.to_string()),
        leader: v.leader,
        content: v.content,
        tasks: v.tasks.into_iter().map(task_dto).collect(),
    }
}

fn id(s: &str) -> WebResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| WebError::from(ErrorCode::NotFound))
}

/// Registers a directive (office staff managing directives).
#[utoipa::path(
    post, path = "/directives", tag = "directives",
    request_body = DirectiveRequest,
    responses(
        (status = 201, body = DirectiveDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(req): Json<DirectiveRequest>,
) -> WebResult<(StatusCode, Json<DirectiveDto>)> {
    let actor = ctx.user()?;
    let source_date = match req.source.date.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(parse_date(s)?),
        None => None,
    };
    let v = directives::create_directive(
        &st.app,
        actor,
        NewDirective {
            source_kind: req.source.kind,
            source_number: req.source.number,
            source_date,
            leader: req.leader,
            content: req.content,
            unit: req.unit,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(directive_dto(v))))
}

/// A directive with its tasks.
#[utoipa::path(
    get, path = "/directives/{id}", tag = "directives",
    params(("id" = String, Path)),
    responses((status = 200, body = DirectiveDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(directive): Path<String>,
) -> WebResult<Json<DirectiveDto>> {
    let actor = ctx.user()?;
    Ok(Json(directive_dto(
        directives::directive(&st.app, actor, id(&directive)?).await?,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TaskRequest {
    pub lead_unit: String,
    #[serde(default)]
    pub coordinating_units: Vec<String>,
    pub content: String,
    /// `YYYY-MM-DD`; or give `working_days`; neither → the default deadline.
    pub deadline: Option<String>,
    pub working_days: Option<u32>,
    /// `normal` (default), `high` or `urgent`.
    pub priority: Option<String>,
    /// `monthly` or `quarterly`: a periodic report, given again when completed.
    pub recurrence: Option<String>,
}

/// Gives a task of a directive to a lead unit.
#[utoipa::path(
    post, path = "/directives/{id}/tasks", tag = "directives",
    params(("id" = String, Path)),
    request_body = TaskRequest,
    responses(
        (status = 201, body = TaskDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn add_task(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(directive): Path<String>,
    Json(req): Json<TaskRequest>,
) -> WebResult<(StatusCode, Json<TaskDto>)> {
    let actor = ctx.user()?;
    let deadline = match (
        req.deadline.as_deref().filter(|s| !s.trim().is_empty()),
        req.working_days,
    ) {
        (Some(d), _) => Deadline::On(parse_date(d)?),
        (None, Some(n)) => Deadline::WorkingDays(n),
        (None, None) => Deadline::Default,
    };
    let v = directives::add_task(
        &st.app,
        actor,
        id(&directive)?,
        NewTask {
            lead_unit: req.lead_unit,
            coordinating_units: req.coordinating_units,
            content: req.content,
            deadline,
            priority: req.priority,
            recurrence: req.recurrence,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(task_dto(v))))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TaskActionRequest {
    /// `assign`, `report_progress`, `request_extension`, `approve_extension`,
    /// `refuse_extension`, `complete`, `confirm`, `reopen`, `cancel`.
    pub action: String,
    pub assignee: Option<String>,
    pub text: Option<String>,
    pub percent: Option<i64>,
    pub reason: Option<String>,
    /// `YYYY-MM-DD` (request_extension).
    pub new_deadline: Option<String>,
}

/// Applies a task action; an action not allowed in the current state is 409 `illegal_transition`.
#[utoipa::path(
    post, path = "/tasks/{id}/actions", tag = "directives",
    params(("id" = String, Path)),
    request_body = TaskActionRequest,
    responses(
        (status = 200, body = TaskDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(task): Path<String>,
    Json(req): Json<TaskActionRequest>,
) -> WebResult<Json<TaskDto>> {
    let actor = ctx.user()?;
    let new_deadline = match req.new_deadline.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(parse_date(s)?),
        None => None,
    };
    let v = directives::act(
        &st.app,
        actor,
        id(&task)?,
        TaskAction {
            action: req.action,
            assignee: req.assignee,
            text: req.text,
            percent: req.percent,
            reason: req.reason,
            new_deadline,
        },
    )
    .await?;
    Ok(Json(task_dto(v)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TasksQuery {
    /// Lead unit code.
    pub unit: Option<String>,
    /// A report status, e.g. `in_progress_overdue`.
    pub status: Option<String>,
    /// Tasks given from this day (`YYYY-MM-DD`, default: 15/12 of last year).
    pub from: Option<String>,
    /// … to this day (default: today).
    pub to: Option<String>,
}

/// Tasks given in a period, with their computed status.
#[utoipa::path(
    get, path = "/tasks", tag = "directives",
    params(TasksQuery),
    responses((status = 200, body = Vec<TaskDto>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TasksQuery>,
) -> WebResult<Json<Vec<TaskDto>>> {
    let actor = ctx.user()?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(TaskStatus::parse(s).ok_or_else(|| {
            WebError(congso_app::AppError::new(ErrorCode::InvalidInput).with_detail("status"))
        })?),
        None => None,
    };
    let (from, to) = directives_period(&st, q.from.as_deref(), q.to.as_deref())?;
    let tasks = directives::list_tasks(&st.app, actor, q.unit.as_deref(), status, from, to).await?;
    Ok(Json(tasks.into_iter().map(task_dto).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountsDto {
    pub completed_on_time: u64,
    pub completed_late: u64,
    pub in_progress_within: u64,
    pub in_progress_overdue: u64,
    pub cancelled: u64,
    /// completed / (completed + in progress overdue); null when nothing fell due.
    pub completion_rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportRowDto {
    pub unit: UnitDto,
    #[serde(flatten)]
    pub counts: CountsDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub from: String,
    pub to: String,
    pub total: CountsDto,
    pub rows: Vec<ReportRowDto>,
}

fn counts(c: StatusCounts) -> CountsDto {
    CountsDto {
        completed_on_time: c.completed_on_time,
        completed_late: c.completed_late,
        in_progress_within: c.in_progress_within,
        in_progress_overdue: c.in_progress_overdue,
        cancelled: c.cancelled,
        completion_rate: c
            .completion_rate()
            .map(|r| (r * 10_000.0).round() / 10_000.0),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub unit: Option<String>,
}

/// The directive report for a period: counts by status and the completion rate, in total and per
/// lead unit.
#[utoipa::path(
    get, path = "/reports/directives", tag = "directives",
    params(ReportQuery),
    responses((status = 200, body = ReportDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ReportQuery>,
) -> WebResult<Json<ReportDto>> {
    let actor = ctx.user()?;
    let (from, to) = directives_period(&st, q.from.as_deref(), q.to.as_deref())?;
    let (total, rows) = directives::report(&st.app, actor, from, to, q.unit.as_deref()).await?;
    Ok(Json(ReportDto {
        from: from.to_string(),
        to: to.to_string(),
        total: counts(total),
        rows: rows
            .into_iter()
            .map(|l| ReportRowDto {
                unit: unit(l.unit),
                counts: counts(l.counts),
            })
            .collect(),
    }))
}

/// Tasks from 15 December of last year (the yearly review's cut-off) to today by default.
fn directives_period(
    st: &AppState,
    from: Option<&str>,
    to: Option<&str>,
) -> WebResult<(time::Date, time::Date)> {
    let today = st.app.today();
    let dec15 = time::Date::from_calendar_date(today.year() - 1, time::Month::December, 15)
        .unwrap_or(today);
    super::period(today, from, to, dec15)
}
