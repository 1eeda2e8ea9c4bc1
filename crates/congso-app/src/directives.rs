//! Directive tracking on the case engine: directives registered by the Office, tasks given to a
//! lead unit (with co-operating units), and every task action of
//! `congso_domain::directive::TASK` — one transaction each (permission on the side's unit → rule →
//! row → hash-chained event). The report status of a task is computed from its dates
//! ([`congso_domain::directive::task_status`]), never stored.

use congso_db::Ts;
use congso_db::repo::directives::{self as repo, DirectiveRow, TaskRow};
use congso_db::repo::{units, users};
use congso_domain::case::{Side, Target};
use congso_domain::directive::{SOURCE_KINDS, StatusCounts, TASK, TaskStatus, task_status};
use congso_domain::time_vn::{from_local, local_date};
use congso_domain::{ErrorCode, Permission, Role};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, PrimitiveDateTime};
use uuid::Uuid;

use crate::audit::{self, Subject};
pub use crate::dossiers::UnitRef;
use crate::dossiers::unit_ref;
use crate::{Actor, App, AppError, AppResult};

/// The deadline of a task given without one, in working days [U] (local regulations set it).
pub const DEFAULT_DEADLINE_WORKING_DAYS: u32 = 30;
/// An extension keeps a task on time only if approved on or before the deadline in force [U].
pub const EXTENSION_MUST_PRECEDE_DEADLINE: bool = true;

/// A directive to register.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewDirective {
    /// `conclusion`, `directive`, `minutes` or `slip`.
    pub source_kind: String,
    pub source_number: Option<String>,
    pub source_date: Option<Date>,
    /// The username of the leader who directed.
    pub leader: Option<String>,
    pub content: String,
    /// The directing body's unit code; default: the unit where the actor manages directives.
    pub unit: Option<String>,
}

/// How a task's deadline is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    On(Date),
    WorkingDays(u32),
    /// The default ([`DEFAULT_DEADLINE_WORKING_DAYS`] working days).
    Default,
}

/// A task to give.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub lead_unit: String,
    pub coordinating_units: Vec<String>,
    pub content: String,
    pub deadline: Deadline,
    /// `normal` (default), `high` or `urgent`.
    pub priority: Option<String>,
    /// `monthly` or `quarterly` for a recurring report.
    pub recurrence: Option<String>,
}

/// Task priorities.
pub const PRIORITIES: [&str; 3] = ["normal", "high", "urgent"];
/// Recurrences of periodic reports.
pub const RECURRENCES: [&str; 2] = ["monthly", "quarterly"];

/// The deadline of the next occurrence of a recurring task: one month or one quarter later (the
/// same day, or the month's last day when it has fewer days).
pub fn next_deadline(deadline: Date, recurrence: &str) -> Option<Date> {
    let months = match recurrence {
        "monthly" => 1,
        "quarterly" => 3,
        _ => return None,
    };
    let total = deadline.year() * 12 + i32::from(u8::from(deadline.month())) - 1 + months;
    let (year, month) = (
        total.div_euclid(12),
        u8::try_from(total.rem_euclid(12) + 1).ok()?,
    );
    let month = time::Month::try_from(month).ok()?;
    let day = deadline.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// The input of a task action (`POST /api/v1/tasks/{id}/actions`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct TaskAction {
    pub action: String,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    /// Progress in percent (report_progress).
    #[serde(default)]
    pub percent: Option<i64>,
    #[serde(default)]
    pub reason: Option<String>,
    /// `YYYY-MM-DD` (request_extension).
    #[serde(default)]
    pub new_deadline: Option<Date>,
}

/// A task as shown.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub id: Uuid,
    pub directive_id: Uuid,
    pub content: String,
    pub priority: String,
    pub recurrence: Option<String>,
    pub lead_unit: UnitRef,
    pub coordinating_units: Vec<UnitRef>,
    /// The workflow state (`assigned`, `in_progress`, …).
    pub state: String,
    /// The report status, computed from the dates.
    pub status: TaskStatus,
    pub original_deadline: Option<Date>,
    pub deadline: Option<Date>,
    pub requested_deadline: Option<Date>,
    pub assignee: Option<String>,
    pub progress: i64,
    pub completed_on: Option<Date>,
    /// Working… calendar days past the deadline (not completed), or 0.
    pub days_overdue: i64,
}

/// A directive with its tasks.
#[derive(Debug, Clone, Serialize)]
pub struct DirectiveView {
    pub id: Uuid,
    pub unit: UnitRef,
    pub source_kind: String,
    pub source_number: Option<String>,
    pub source_date: Option<Date>,
    pub leader: Option<String>,
    pub content: String,
    pub tasks: Vec<TaskView>,
}

/// Unit and user names looked up once per use case (a list shows the same units many times).
#[derive(Default)]
struct Names {
    units: std::collections::HashMap<Uuid, UnitRef>,
    users: std::collections::HashMap<Uuid, Option<String>>,
}

impl Names {
    async fn unit(&mut self, tx: &mut congso_db::Tx, id: Uuid) -> AppResult<UnitRef> {
        if let Some(u) = self.units.get(&id) {
            return Ok(u.clone());
        }
        let u = unit_ref(tx, id).await?;
        self.units.insert(id, u.clone());
        Ok(u)
    }

    async fn username(&mut self, tx: &mut congso_db::Tx, id: Uuid) -> AppResult<Option<String>> {
        if let Some(u) = self.users.get(&id) {
            return Ok(u.clone());
        }
        let u = users::by_id(tx, id).await?.map(|u| u.username);
        self.users.insert(id, u.clone());
        Ok(u)
    }
}

async fn task_view(
    tx: &mut congso_db::Tx,
    names: &mut Names,
    t: &TaskRow,
    today: Date,
) -> AppResult<TaskView> {
    let coordinating: Vec<Uuid> = serde_json::from_str(&t.coordinating).unwrap_or_default();
    let mut co = vec![];
    for u in coordinating {
        co.push(names.unit(tx, u).await?);
    }
    let assignee = match t.assignee_id {
        Some(id) => names.username(tx, id).await?,
        None => None,
    };
    let status = task_status(today, t.deadline, t.completed_on, t.cancelled);
    Ok(TaskView {
        id: t.id,
        directive_id: t.directive_id,
        content: t.content.clone(),
        priority: t.priority.clone(),
        recurrence: t.recurrence.clone(),
        lead_unit: names.unit(tx, t.lead_unit_id).await?,
        coordinating_units: co,
        state: t.state.clone(),
        status,
        original_deadline: t.original_deadline,
        deadline: t.deadline,
        requested_deadline: t.requested_deadline,
        assignee,
        progress: t.progress,
        completed_on: t.completed_on,
        days_overdue: match (status, t.deadline) {
            (TaskStatus::InProgressOverdue, Some(d)) => (today - d).whole_days(),
            _ => 0,
        },
    })
}

/// Registers a directive. Needs `directive_manage` on the directing unit.
pub async fn create_directive(
    app: &App,
    actor: &Actor,
    new: NewDirective,
) -> AppResult<DirectiveView> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let row = create_directive_in(&mut tx, actor, new, now).await?;
    let view = directive_view(&mut tx, &row, local_date(now.get())).await?;
    tx.commit().await?;
    Ok(view)
}

async fn create_directive_in(
    tx: &mut congso_db::Tx,
    actor: &Actor,
    new: NewDirective,
    now: Ts,
) -> AppResult<DirectiveRow> {
    if !SOURCE_KINDS.iter().any(|(k, _)| *k == new.source_kind) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("source.kind"));
    }
    let content = new.content.trim().to_owned();
    if content.is_empty() || content.chars().count() > 10_000 {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("content"));
    }
    let unit_id = match new.unit.as_deref().filter(|u| !u.trim().is_empty()) {
        Some(code) => {
            units::by_code_on(tx, code.trim(), local_date(now.get()))
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?
                .id
        }
        None => actor
            .grants
            .iter()
            .find(|g| g.role.grants(Permission::DirectiveManage))
            .and_then(|g| g.unit_id)
            .ok_or(AppError::forbidden())?,
    };
    actor
        .require(tx, Permission::DirectiveManage, unit_id)
        .await?;
    let leader_id = match new.leader.as_deref().filter(|l| !l.trim().is_empty()) {
        Some(l) => {
            let u = users::by_username(tx, &l.trim().to_ascii_lowercase())
                .await?
                .ok_or(AppError::new(ErrorCode::UserNotFound).with_detail(l.to_owned()))?;
            let leads = users::active_grants(tx, u.id)
                .await?
                .iter()
                .any(|g| matches!(g.role.as_str(), "leader" | "unit_head"));
            if !leads {
                return Err(AppError::new(ErrorCode::InvalidAssignee).with_detail(l.to_owned()));
            }
            Some(u.id)
        }
        None => None,
    };
    let row = DirectiveRow {
        id: congso_domain::new_id(),
        unit_id,
        source_kind: new.source_kind.clone(),
        source_number: new
            .source_number
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        source_date: new.source_date,
        leader_id,
        content,
        created_by: actor.user_id,
        created_at: now,
        updated_at: now,
    };
    repo::insert_directive(tx, &row).await?;
    audit::record(
        tx,
        actor,
        Subject {
            kind: "directive",
            id: row.id,
            unit_id: Some(unit_id),
        },
        "directive.created",
        json!({ "source": row.source_kind, "number": row.source_number }),
        now,
    )
    .await?;
    Ok(row)
}

async fn directive_view(
    tx: &mut congso_db::Tx,
    d: &DirectiveRow,
    today: Date,
) -> AppResult<DirectiveView> {
    let mut names = Names::default();
    let mut tasks = vec![];
    for t in repo::tasks_of_directive(tx, d.id).await? {
        tasks.push(task_view(tx, &mut names, &t, today).await?);
    }
    let leader = match d.leader_id {
        Some(id) => users::by_id(tx, id).await?.map(|u| u.username),
        None => None,
    };
    Ok(DirectiveView {
        id: d.id,
        unit: unit_ref(tx, d.unit_id).await?,
        source_kind: d.source_kind.clone(),
        source_number: d.source_number.clone(),
        source_date: d.source_date,
        leader,
        content: d.content.clone(),
        tasks,
    })
}

/// A directive with its tasks (staff who manage directives or see reports).
pub async fn directive(app: &App, actor: &Actor, id: Uuid) -> AppResult<DirectiveView> {
    if !actor.may_somewhere(Permission::ReportView)
        && !actor.may_somewhere(Permission::DirectiveManage)
    {
        return Err(AppError::forbidden());
    }
    let mut tx = app.db.begin_read().await?;
    let d = repo::directive(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    let v = directive_view(&mut tx, &d, app.today()).await?;
    tx.commit().await?;
    Ok(v)
}

/// Gives a task of a directive to a lead unit. Needs `directive_manage` on the directive's unit.
pub async fn add_task(
    app: &App,
    actor: &Actor,
    directive_id: Uuid,
    new: NewTask,
) -> AppResult<TaskView> {
    let now = app.now();
    let cal = crate::calendar::working_calendar(app).await?;
    let mut tx = app.db.begin_write().await?;
    let row = add_task_in(&mut tx, &cal, actor, directive_id, new, now).await?;
    let v = task_view(&mut tx, &mut Names::default(), &row, local_date(now.get())).await?;
    tx.commit().await?;
    Ok(v)
}

async fn add_task_in(
    tx: &mut congso_db::Tx,
    cal: &congso_calendar::WorkingCalendar,
    actor: &Actor,
    directive_id: Uuid,
    new: NewTask,
    now: Ts,
) -> AppResult<TaskRow> {
    let content = new.content.trim().to_owned();
    if content.is_empty() || content.chars().count() > 10_000 {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("content"));
    }
    let today = local_date(now.get());
    let deadline = match new.deadline {
        Deadline::On(d) => {
            if d < today {
                return Err(AppError::new(ErrorCode::InvalidDate).with_detail("deadline"));
            }
            d
        }
        Deadline::WorkingDays(n) if n > 0 && n <= 3650 => cal.add_working_days(today, n),
        Deadline::WorkingDays(_) => {
            return Err(AppError::new(ErrorCode::InvalidInput).with_detail("working_days"));
        }
        Deadline::Default => cal.add_working_days(today, DEFAULT_DEADLINE_WORKING_DAYS),
    };
    let d = repo::directive(tx, directive_id)
        .await?
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    actor
        .require(tx, Permission::DirectiveManage, d.unit_id)
        .await?;
    let lead = units::by_code_on(tx, new.lead_unit.trim(), today)
        .await?
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(new.lead_unit.clone()))?;
    let mut co = vec![];
    for code in &new.coordinating_units {
        let u = units::by_code_on(tx, code.trim(), today)
            .await?
            .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.clone()))?;
        if u.id != lead.id && !co.contains(&u.id) {
            co.push(u.id);
        }
    }
    let priority = new
        .priority
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or("normal");
    if !PRIORITIES.contains(&priority) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("priority"));
    }
    let recurrence = new
        .recurrence
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if recurrence.is_some_and(|r| !RECURRENCES.contains(&r)) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("recurrence"));
    }
    let row = TaskRow {
        id: congso_domain::new_id(),
        directive_id,
        lead_unit_id: lead.id,
        coordinating: serde_json::to_string(&co).map_err(AppError::internal)?,
        content,
        priority: priority.to_owned(),
        recurrence: recurrence.map(str::to_owned),
        state: "assigned".to_owned(),
        resume_state: None,
        original_deadline: Some(deadline),
        deadline: Some(deadline),
        requested_deadline: None,
        assignee_id: None,
        progress: 0,
        completed_on: None,
        cancelled: false,
        created_at: now,
        updated_at: now,
    };
    repo::insert_task(tx, &row).await?;
    audit::record(
        tx,
        actor,
        Subject {
            kind: "task",
            id: row.id,
            unit_id: Some(lead.id),
        },
        "task.created",
        json!({ "directive": directive_id, "lead_unit": lead.code, "deadline": deadline.to_string() }),
        now,
    )
    .await?;
    Ok(row)
}

fn text_of(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(10_000).collect())
}

/// Applies a task action (see `congso_domain::directive::TASK`).
pub async fn act(
    app: &App,
    actor: &Actor,
    task_id: Uuid,
    input: TaskAction,
) -> AppResult<TaskView> {
    act_with_files(app, actor, task_id, input, vec![]).await
}

/// [`act`] with files (evidence) for `report_progress` and `complete`: checked and stored before
/// the transaction, recorded with the action; files of a refused action are not kept.
pub async fn act_with_files(
    app: &App,
    actor: &Actor,
    task_id: Uuid,
    input: TaskAction,
    uploads: Vec<crate::portal::Upload>,
) -> AppResult<TaskView> {
    if !uploads.is_empty() && !matches!(input.action.as_str(), "report_progress" | "complete") {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("files"));
    }
    let stored = crate::portal::store_all(app, &uploads).await?;
    let r = act_inner(app, actor, task_id, input, &uploads, &stored).await;
    if r.is_err() {
        crate::portal::forget(app, &stored).await;
    }
    r
}

async fn act_inner(
    app: &App,
    actor: &Actor,
    task_id: Uuid,
    input: TaskAction,
    uploads: &[crate::portal::Upload],
    stored: &[congso_files::StoredFile],
) -> AppResult<TaskView> {
    let now = app.now();
    let today = local_date(now.get());
    let mut tx = app.db.begin_write().await?;
    let mut row = repo::task_for_update(&mut tx, task_id)
        .await?
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    let d = repo::directive(&mut tx, row.directive_id)
        .await?
        .ok_or(AppError::not_found())?;
    let t = TASK
        .transition(&input.action, &row.state)
        .map_err(|e| AppError::new(ErrorCode::IllegalTransition).with_detail(format!("{e:?}")))?;
    for need in t.needs {
        let present = match *need {
            "assignee" => text_of(&input.assignee).is_some(),
            "text" => text_of(&input.text).is_some(),
            "reason" => text_of(&input.reason).is_some(),
            "new_deadline" => input.new_deadline.is_some(),
            _ => true,
        };
        if !present {
            return Err(AppError::new(ErrorCode::InvalidInput).with_detail(*need));
        }
    }
    // Permission on the side's unit; progress may also come from a co-operating unit; the leader
    // who directed decides extensions.
    let coordinating: Vec<Uuid> = serde_json::from_str(&row.coordinating).unwrap_or_default();
    let mut units_to_check = match t.side {
        Side::Receiving => vec![d.unit_id],
        Side::Processing => vec![row.lead_unit_id],
        Side::Either => vec![row.lead_unit_id, d.unit_id],
    };
    if t.action == "report_progress" {
        units_to_check.extend(coordinating.iter().copied());
    }
    let mut acted_unit = None;
    if actor.is_system {
        acted_unit = units_to_check.first().copied();
    } else {
        for u in &units_to_check {
            if crate::dossiers::roles_on(&mut tx, actor, *u)
                .await?
                .iter()
                .any(|r| t.roles.contains(r))
            {
                acted_unit = Some(*u);
                break;
            }
        }
        let directing_leader = d.leader_id.is_some() && d.leader_id == actor.user_id;
        if acted_unit.is_none() && directing_leader && t.roles.contains(&Role::Leader) {
            acted_unit = Some(d.unit_id);
        }
    }
    let Some(acted_unit) = acted_unit else {
        return Err(AppError::forbidden());
    };
    let from = row.state.clone();
    let mut payload = json!({ "from": from });
    if let Some(r) = text_of(&input.reason) {
        payload["reason"] = json!(r);
    }
    if let Some(x) = text_of(&input.text) {
        payload["text"] = json!(x);
    }
    match t.action {
        "assign" => {
            let username = text_of(&input.assignee)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let user = users::by_username(&mut tx, &username)
                .await?
                .filter(|u| u.active)
                .ok_or(AppError::new(ErrorCode::InvalidAssignee).with_detail(username.clone()))?;
            let mut ok = false;
            for g in users::active_grants(&mut tx, user.id).await? {
                if matches!(g.role.as_str(), "specialist" | "unit_head")
                    && let Some(u) = g.unit_id
                    && units::ancestors(&mut tx, u)
                        .await?
                        .contains(&row.lead_unit_id)
                {
                    ok = true;
                    break;
                }
            }
            if !ok {
                return Err(AppError::new(ErrorCode::InvalidAssignee).with_detail(username));
            }
            row.assignee_id = Some(user.id);
            payload["assignee"] = json!(user.username);
        }
        "report_progress" => {
            if let Some(p) = input.percent {
                if !(0..=100).contains(&p) {
                    return Err(AppError::new(ErrorCode::InvalidInput).with_detail("percent"));
                }
                if acted_unit == row.lead_unit_id {
                    row.progress = p;
                }
                payload["percent"] = json!(p);
            }
        }
        "request_extension" => {
            let new_deadline = input.new_deadline.unwrap_or(today);
            if row.deadline.is_some_and(|dl| new_deadline <= dl) || new_deadline <= today {
                return Err(AppError::new(ErrorCode::InvalidDate).with_detail("new_deadline"));
            }
            row.requested_deadline = Some(new_deadline);
            row.resume_state = Some(from.clone());
            payload["new_deadline"] = json!(new_deadline.to_string());
        }
        "approve_extension" => {
            let requested = row.requested_deadline.take();
            let in_time = row.deadline.is_none_or(|dl| today <= dl);
            if in_time || !EXTENSION_MUST_PRECEDE_DEADLINE {
                row.deadline = requested;
                payload["deadline"] = json!(requested.map(|d| d.to_string()));
            } else {
                // Approved after the deadline: the work may go on, but the task stays late.
                payload["after_deadline"] = json!(true);
            }
        }
        "refuse_extension" => {
            row.requested_deadline = None;
        }
        "complete" => {
            row.completed_on = Some(today);
            row.progress = 100;
            row.requested_deadline = None;
            // A periodic report: the next one is given to the same units now.
            if let (Some(r), Some(d)) = (row.recurrence.clone(), row.deadline)
                && let Some(next) = next_deadline(d, &r)
            {
                let follow = TaskRow {
                    id: congso_domain::new_id(),
                    state: "assigned".to_owned(),
                    resume_state: None,
                    original_deadline: Some(next),
                    deadline: Some(next),
                    requested_deadline: None,
                    progress: 0,
                    completed_on: None,
                    created_at: now,
                    updated_at: now,
                    ..row.clone()
                };
                repo::insert_task(&mut tx, &follow).await?;
                audit::record(
                    &mut tx,
                    actor,
                    Subject {
                        kind: "task",
                        id: follow.id,
                        unit_id: Some(follow.lead_unit_id),
                    },
                    "task.created",
                    json!({ "directive": follow.directive_id, "recurs_after": row.id, "deadline": next.to_string() }),
                    now,
                )
                .await?;
                payload["next"] = json!(follow.id);
            }
        }
        "reopen" => {
            row.completed_on = None;
        }
        "cancel" => {
            row.cancelled = true;
        }
        "remind" => {
            let text = text_of(&input.text).unwrap_or_default();
            let n = notify_lead_unit(
                &mut tx,
                &row,
                &format!("Văn bản đôn đốc thực hiện nhiệm vụ: {}", short(&row.content)),
                &format!(
                    "{text}\n\nNhiệm vụ: {}\nThời hạn: {}\n---\nA written reminder about a task given to your unit.",
                    row.content,
                    row.deadline.map(|d| d.to_string()).unwrap_or_default()
                ),
                now,
            )
            .await?;
            payload["recipients"] = json!(n);
        }
        _ => {}
    }
    row.state = match t.to {
        Target::State(s) => s.to_owned(),
        Target::Same => from.clone(),
        Target::Resume => row
            .resume_state
            .take()
            .unwrap_or_else(|| "in_progress".to_owned()),
    };
    row.updated_at = now;
    repo::update_task(&mut tx, &row).await?;
    for (u, f) in uploads.iter().zip(stored) {
        repo::insert_attachment(
            &mut tx,
            &repo::TaskAttachmentRow {
                id: congso_domain::new_id(),
                task_id: row.id,
                action: t.action.to_owned(),
                file_name: congso_files::safe_file_name(&u.file_name, f.kind),
                content_type: f.kind.mime().to_owned(),
                size_bytes: i64::try_from(f.size).unwrap_or(i64::MAX),
                sha256: f.sha256.clone(),
                storage_key: f.key.clone(),
                uploaded_by: actor.user_id,
                created_at: now,
            },
        )
        .await?;
    }
    if !stored.is_empty() {
        payload["files"] = json!(stored.len());
    }
    payload["to"] = json!(row.state);
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "task",
            id: row.id,
            unit_id: Some(acted_unit),
        },
        t.action,
        payload,
        now,
    )
    .await?;
    let v = task_view(&mut tx, &mut Names::default(), &row, today).await?;
    tx.commit().await?;
    Ok(v)
}

/// The first instant of `day` in UTC+7.
fn start_of(day: Date) -> Ts {
    Ts::new(congso_domain::time_vn::day_start(day))
}

/// The lead unit to report on (`None`: all units), if the actor may see it: staff who see reports
/// or report on tasks in that unit, or the Office and leaders for any unit.
async fn visible_unit(
    tx: &mut congso_db::Tx,
    actor: &Actor,
    unit: Option<&str>,
) -> AppResult<Option<Uuid>> {
    let city_wide = actor.is_system
        || actor.may_somewhere(Permission::DirectiveManage)
        || actor.may_somewhere(Permission::Direct);
    match unit.filter(|u| !u.trim().is_empty()) {
        Some(code) => {
            let u = units::latest_by_code(tx, code.trim())
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?;
            let allowed = city_wide
                || !actor
                    .roles_for(tx, Permission::ReportView, u.id)
                    .await?
                    .is_empty()
                || !actor
                    .roles_for(tx, Permission::TaskReport, u.id)
                    .await?
                    .is_empty();
            if !allowed {
                return Err(AppError::forbidden());
            }
            Ok(Some(u.id))
        }
        None if city_wide => Ok(None),
        None => Err(AppError::forbidden()),
    }
}

/// Tasks given from `from` to `to` (inclusive), optionally of one lead unit and in one status.
/// Needs `report_view` or `directive_manage` on the unit (or somewhere, for all units).
pub async fn list_tasks(
    app: &App,
    actor: &Actor,
    unit: Option<&str>,
    status: Option<TaskStatus>,
    from: Date,
    to: Date,
) -> AppResult<Vec<TaskView>> {
    if to < from {
        return Err(AppError::new(ErrorCode::InvalidDateRange));
    }
    let today = app.today();
    let mut tx = app.db.begin_read().await?;
    let unit_id = visible_unit(&mut tx, actor, unit).await?;
    let rows = repo::tasks_given_between(
        &mut tx,
        unit_id,
        start_of(from),
        start_of(to.next_day().unwrap_or(to)),
        100_000,
    )
    .await?;
    let as_of = today.min(to);
    let mut names = Names::default();
    let mut out = vec![];
    for r in rows {
        let s = task_status(as_of, r.deadline, r.completed_on, r.cancelled);
        if status.is_none_or(|want| want == s) {
            let mut v = task_view(&mut tx, &mut names, &r, as_of).await?;
            v.status = s;
            out.push(v);
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// One line of the directive report (a lead unit, or a leader who directed).
#[derive(Debug, Clone, Serialize)]
pub struct ReportLine {
    pub unit: UnitRef,
    pub counts: StatusCounts,
}

/// An overdue task on the dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct OverdueLine {
    pub task: Uuid,
    pub content: String,
    pub lead_unit: UnitRef,
    pub deadline: Date,
    pub days_overdue: i64,
}

/// The directive dashboard of a period: tasks given in it, their status at its end (or today).
#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub from: Date,
    pub to: Date,
    pub as_of: Date,
    pub total: StatusCounts,
    pub by_unit: Vec<ReportLine>,
    /// `unit` holds the leader's username (code) and full name (name).
    pub by_leader: Vec<ReportLine>,
    /// Most overdue first.
    pub overdue: Vec<OverdueLine>,
}

/// The dashboard for a period: one query for the tasks, one for the units, one per leader.
pub async fn dashboard(
    app: &App,
    actor: &Actor,
    from: Date,
    to: Date,
    unit: Option<&str>,
) -> AppResult<Dashboard> {
    if to < from {
        return Err(AppError::new(ErrorCode::InvalidDateRange));
    }
    let as_of = app.today().min(to);
    let mut tx = app.db.begin_read().await?;
    let unit_id = visible_unit(&mut tx, actor, unit).await?;
    let rows = repo::report_rows(
        &mut tx,
        unit_id,
        start_of(from),
        start_of(to.next_day().unwrap_or(to)),
    )
    .await?;
    let names: std::collections::HashMap<Uuid, UnitRef> = units::list(&mut tx, None)
        .await?
        .into_iter()
        .map(|u| {
            (
                u.id,
                UnitRef {
                    code: u.code,
                    name: u.name,
                },
            )
        })
        .collect();
    let unit_of = |id: Uuid| {
        names.get(&id).cloned().unwrap_or(UnitRef {
            code: String::new(),
            name: String::new(),
        })
    };
    let mut total = StatusCounts::default();
    let mut by_unit: std::collections::HashMap<Uuid, StatusCounts> = Default::default();
    let mut by_leader: std::collections::HashMap<Option<Uuid>, StatusCounts> = Default::default();
    let mut overdue = vec![];
    for r in &rows {
        let s = task_status(as_of, r.deadline, r.completed_on, r.cancelled);
        total.add(s);
        by_unit.entry(r.lead_unit_id).or_default().add(s);
        by_leader.entry(r.leader_id).or_default().add(s);
        if s == TaskStatus::InProgressOverdue
            && let Some(d) = r.deadline
        {
            overdue.push(OverdueLine {
                task: r.id,
                content: r.content.clone(),
                lead_unit: unit_of(r.lead_unit_id),
                deadline: d,
                days_overdue: (as_of - d).whole_days(),
            });
        }
    }
    overdue.sort_by(|a, b| {
        b.days_overdue
            .cmp(&a.days_overdue)
            .then(a.task.cmp(&b.task))
    });
    let mut units_out: Vec<ReportLine> = by_unit
        .into_iter()
        .map(|(id, counts)| ReportLine {
            unit: unit_of(id),
            counts,
        })
        .collect();
    units_out.sort_by(|a, b| a.unit.code.cmp(&b.unit.code));
    let mut leaders_out = vec![];
    for (id, counts) in by_leader {
        let who = match id {
            Some(id) => match users::by_id(&mut tx, id).await? {
                Some(u) => UnitRef {
                    code: u.username,
                    name: u.full_name,
                },
                None => continue,
            },
            None => UnitRef {
                code: String::new(),
                name: "—".to_owned(),
            },
        };
        leaders_out.push(ReportLine { unit: who, counts });
    }
    leaders_out.sort_by(|a, b| a.unit.code.cmp(&b.unit.code));
    tx.commit().await?;
    Ok(Dashboard {
        from,
        to,
        as_of,
        total,
        by_unit: units_out,
        by_leader: leaders_out,
        overdue,
    })
}

/// The directive report for a period: counts per lead unit and in total.
pub async fn report(
    app: &App,
    actor: &Actor,
    from: Date,
    to: Date,
    unit: Option<&str>,
) -> AppResult<(StatusCounts, Vec<ReportLine>)> {
    let d = dashboard(app, actor, from, to, unit).await?;
    Ok((d.total, d.by_unit))
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// Emails the heads of the lead unit and the assigned specialist; returns how many.
async fn notify_lead_unit(
    tx: &mut congso_db::Tx,
    row: &TaskRow,
    subject: &str,
    text: &str,
    now: Ts,
) -> AppResult<usize> {
    let mut to: Vec<(String, String)> =
        users::with_role_in_unit(tx, "unit_head", row.lead_unit_id).await?;
    if let Some(id) = row.assignee_id
        && let Some(u) = users::by_id(tx, id).await?
        && let Some(e) = u.email
        && !to.iter().any(|(m, _)| *m == e)
    {
        to.push((e, u.full_name));
    }
    for (email, name) in &to {
        crate::jobs::send_email(
            tx,
            &crate::jobs::Email {
                to: email.clone(),
                subject: subject.to_owned(),
                text: format!("Kính gửi {name},\n\n{text}"),
                html: None,
            },
            now,
        )
        .await?;
    }
    Ok(to.len())
}

/// Job type of one automatic reminder (đôn đốc) of a task.
pub const TASK_REMINDER: &str = "task_reminder";

/// The kinds of automatic reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// 3 working days before the deadline.
    DueSoon,
    /// On the deadline.
    DueToday,
    /// Weekly while overdue.
    Overdue,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReminderJob {
    pub task: Uuid,
    pub kind: ReminderKind,
}

/// What a reminder sweep scheduled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReminderReport {
    pub due_soon: usize,
    pub due_today: usize,
    pub overdue: usize,
}

/// The reminder sweep (run with the deadline sweep): on working days, schedules one reminder per
/// open task 3 working days before its deadline, on the deadline, and once a week (ISO week)
/// while it is overdue. Each is a `task_reminder` job with a dedup key, so running the sweep
/// again (or on two servers) schedules nothing twice.
pub async fn remind(app: &App) -> AppResult<ReminderReport> {
    let now = app.now();
    let today = local_date(now.get());
    let cal = crate::calendar::working_calendar(app).await?;
    let mut report = ReminderReport::default();
    if !cal.is_working_day(today) {
        return Ok(report);
    }
    let soon = cal.add_working_days(today, 3);
    let mut tx = app.db.begin_write().await?;
    for t in repo::open_due_by(&mut tx, soon, 5_000).await? {
        let Some(deadline) = t.deadline else { continue };
        let (kind, key) = if deadline == soon {
            (ReminderKind::DueSoon, format!("due_soon:{}", t.id))
        } else if deadline == today {
            (ReminderKind::DueToday, format!("due_today:{}", t.id))
        } else if deadline < today {
            let (year, week, _) = today.to_iso_week_date();
            (
                ReminderKind::Overdue,
                format!("overdue:{}:{year}-W{week:02}", t.id),
            )
        } else {
            continue;
        };
        let fresh = crate::jobs::enqueue(
            &mut tx,
            TASK_REMINDER,
            &ReminderJob { task: t.id, kind },
            now,
            Some(format!("{TASK_REMINDER}:{key}")),
            Some(t.lead_unit_id),
        )
        .await?;
        if fresh {
            match kind {
                ReminderKind::DueSoon => report.due_soon += 1,
                ReminderKind::DueToday => report.due_today += 1,
                ReminderKind::Overdue => report.overdue += 1,
            }
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// Sends one automatic reminder (the `task_reminder` job): emails to the lead unit and a
/// `reminded` event. Nothing is sent if the task was completed or cancelled meanwhile.
pub async fn send_reminder(app: &App, job: &ReminderJob) -> AppResult<usize> {
    let now = app.now();
    let today = local_date(now.get());
    let mut tx = app.db.begin_write().await?;
    let Some(row) = repo::task_for_update(&mut tx, job.task).await? else {
        tx.commit().await?;
        return Ok(0);
    };
    if row.cancelled || row.completed_on.is_some() {
        tx.commit().await?;
        return Ok(0);
    }
    let deadline = row.deadline.map(|d| d.to_string()).unwrap_or_default();
    let (subject, text) = match job.kind {
        ReminderKind::DueSoon => (
            format!("Nhiệm vụ sắp đến hạn ({deadline}): {}", short(&row.content)),
            format!(
                "Nhiệm vụ \"{}\" đến hạn ngày {deadline} (còn 03 ngày làm việc).\n---\nA task is due in 3 working days.",
                row.content
            ),
        ),
        ReminderKind::DueToday => (
            format!("Nhiệm vụ đến hạn hôm nay: {}", short(&row.content)),
            format!(
                "Nhiệm vụ \"{}\" đến hạn hôm nay ({deadline}).\n---\nA task is due today.",
                row.content
            ),
        ),
        ReminderKind::Overdue => (
            format!("Nhiệm vụ quá hạn: {}", short(&row.content)),
            format!(
                "Nhiệm vụ \"{}\" đã quá hạn {} ngày (hạn {deadline}). Đề nghị khẩn trương thực hiện và báo cáo.\n---\nA task is overdue.",
                row.content,
                row.deadline.map_or(0, |d| (today - d).whole_days())
            ),
        ),
    };
    let n = notify_lead_unit(&mut tx, &row, &subject, &text, now).await?;
    audit::record(
        &mut tx,
        &Actor::system(),
        Subject {
            kind: "task",
            id: row.id,
            unit_id: Some(row.lead_unit_id),
        },
        "reminded",
        json!({ "kind": job.kind, "recipients": n }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// The Office and leaders see every task; staff see the tasks of their lead or co-operating
/// units.
async fn may_see_task(tx: &mut congso_db::Tx, actor: &Actor, row: &TaskRow) -> AppResult<bool> {
    if actor.is_system
        || actor.may_somewhere(Permission::DirectiveManage)
        || actor.may_somewhere(Permission::Direct)
    {
        return Ok(true);
    }
    let mut units_of_task: Vec<Uuid> = serde_json::from_str(&row.coordinating).unwrap_or_default();
    units_of_task.push(row.lead_unit_id);
    for u in units_of_task {
        if crate::dossiers::roles_on(tx, actor, u)
            .await?
            .iter()
            .any(|r| r.is_staff())
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One event of a task's timeline: when, what, who, which unit, note.
pub type TimelineLine = (Ts, String, Option<String>, Option<String>, Option<String>);

/// A task with its timeline, for the Office and leaders, or staff of its lead or co-operating
/// units.
pub async fn task_detail(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> AppResult<(TaskView, Vec<TimelineLine>)> {
    let mut tx = app.db.begin_read().await?;
    let row = repo::task(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    if !may_see_task(&mut tx, actor, &row).await? {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let view = task_view(&mut tx, &mut Names::default(), &row, app.today()).await?;
    let events = audit::timeline(&mut tx, id, &["text", "reason"]).await?;
    tx.commit().await?;
    Ok((view, events))
}

/// A generated task, as planned (for checking reports independently).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTask {
    pub lead_unit: Uuid,
    pub deadline: Date,
    pub completed_on: Option<Date>,
    pub cancelled: bool,
}

/// Test, benchmark and demonstration data: a reporting year (15/12 of the previous year →
/// 14/12) of `directives` directives with 1–4 tasks each (about 2.4 on average) to the units of
/// `lead_units`, deadlines 5–60 days after the task is given, three in four completed 1–70 days
/// after it was given (if before `as_of`), one in fifty cancelled. Rows are inserted directly in
/// one transaction, without events: this is generated history, not use of the system.
pub async fn generate_year(
    app: &App,
    year: i32,
    directives: usize,
    lead_units: &[Uuid],
    leader: Option<Uuid>,
    as_of: Date,
    seed: u64,
) -> AppResult<Vec<PlannedTask>> {
    let mut state = seed | 1;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n.max(1)
    };
    let start = Date::from_calendar_date(year - 1, time::Month::December, 15)
        .map_err(|e| AppError::internal(anyhow::anyhow!(e)))?;
    let unit = lead_units
        .first()
        .copied()
        .ok_or(AppError::new(ErrorCode::InvalidInput).with_detail("lead_units"))?;
    let mut plan = vec![];
    let mut tx = app.db.begin_write().await?;
    for i in 0..directives {
        let given = start + time::Duration::days(i64::try_from(next(365)).unwrap_or(0));
        let at = Ts::new(from_local(PrimitiveDateTime::new(
            given,
            time::Time::from_hms(8, 0, 0).unwrap_or(time::Time::MIDNIGHT),
        )));
        let d = DirectiveRow {
            id: congso_domain::new_id(),
            unit_id: unit,
            source_kind: SOURCE_KINDS[i % SOURCE_KINDS.len()].0.to_owned(),
            source_number: Some(format!("{}/TB-UBND", i + 1)),
            source_date: Some(given),
            leader_id: leader,
            content: format!("Kết luận số {} của lãnh đạo UBND thành phố", i + 1),
            created_by: None,
            created_at: at,
            updated_at: at,
        };
        repo::insert_directive(&mut tx, &d).await?;
        let n = 1 + next(3) + u64::from(next(5) < 2);
        for k in 0..n {
            let lead = lead_units[usize::try_from(next(lead_units.len() as u64)).unwrap_or(0)];
            let deadline = given + time::Duration::days(5 + i64::try_from(next(56)).unwrap_or(0));
            let cancelled = next(50) == 0;
            let completed_on = (!cancelled && next(4) != 0)
                .then(|| given + time::Duration::days(1 + i64::try_from(next(70)).unwrap_or(0)))
                .filter(|d| *d <= as_of);
            let t = TaskRow {
                id: congso_domain::new_id(),
                directive_id: d.id,
                lead_unit_id: lead,
                coordinating: "[]".to_owned(),
                content: format!("Nhiệm vụ {} của kết luận số {}", k + 1, i + 1),
                priority: "normal".to_owned(),
                recurrence: None,
                state: if cancelled {
                    "cancelled"
                } else if completed_on.is_some() {
                    "confirmed"
                } else {
                    "in_progress"
                }
                .to_owned(),
                resume_state: None,
                original_deadline: Some(deadline),
                deadline: Some(deadline),
                requested_deadline: None,
                assignee_id: None,
                progress: if completed_on.is_some() { 100 } else { 50 },
                completed_on,
                cancelled,
                created_at: at,
                updated_at: at,
            };
            repo::insert_task(&mut tx, &t).await?;
            plan.push(PlannedTask {
                lead_unit: lead,
                deadline,
                completed_on,
                cancelled,
            });
        }
    }
    tx.commit().await?;
    Ok(plan)
}

/// The task actions the actor may take now (the state allows them and the actor holds a role for
/// them on the right side).
pub async fn permitted(app: &App, actor: &Actor, id: Uuid) -> AppResult<Vec<&'static str>> {
    let mut tx = app.db.begin_read().await?;
    let row = repo::task(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    let d = repo::directive(&mut tx, row.directive_id)
        .await?
        .ok_or(AppError::not_found())?;
    let on_lead = crate::dossiers::roles_on(&mut tx, actor, row.lead_unit_id).await?;
    let on_directing = crate::dossiers::roles_on(&mut tx, actor, d.unit_id).await?;
    let directing_leader = d.leader_id.is_some() && d.leader_id == actor.user_id;
    let mut out = vec![];
    for t in TASK.actions_from(&row.state) {
        let held = match t.side {
            Side::Processing => &on_lead,
            _ => &on_directing,
        };
        let ok = actor.is_system
            || held.iter().any(|r| t.roles.contains(r))
            || (directing_leader && t.roles.contains(&Role::Leader) && t.side == Side::Receiving);
        if ok && !out.contains(&t.action) {
            out.push(t.action);
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Moves the open tasks of a closed unit to its successor (reorganisation), with an event each;
/// deadlines and history are kept. Used inside the unit-closing transaction.
pub async fn move_to_successor(
    tx: &mut congso_db::Tx,
    actor: &Actor,
    from: Uuid,
    to: Uuid,
    now: Ts,
) -> AppResult<usize> {
    let tasks = repo::open_of_unit(tx, from).await?;
    for mut t in tasks.iter().cloned() {
        t.lead_unit_id = to;
        t.assignee_id = None;
        if t.state == "in_progress" {
            t.state = "assigned".to_owned();
        }
        t.updated_at = now;
        repo::update_task(tx, &t).await?;
        audit::record(
            tx,
            actor,
            Subject {
                kind: "task",
                id: t.id,
                unit_id: Some(to),
            },
            "task.moved_by_reorganisation",
            json!({ "from_unit": from, "to_unit": to }),
            now,
        )
        .await?;
    }
    Ok(tasks.len())
}

/// One directive of an import file: the API's request with its tasks.
#[derive(Debug, Deserialize)]
struct ImportDirective {
    source: ImportSource,
    #[serde(default)]
    leader: Option<String>,
    content: String,
    #[serde(default)]
    unit: Option<String>,
    tasks: Vec<ImportTask>,
}

#[derive(Debug, Deserialize)]
struct ImportSource {
    kind: String,
    #[serde(default)]
    number: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    date: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ImportTask {
    lead_unit: String,
    #[serde(default)]
    coordinating_units: Vec<String>,
    content: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    deadline: Option<String>,
    #[serde(default)]
    working_days: Option<u32>,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    recurrence: Option<String>,
}

fn iso_date(s: &str, field: &str) -> AppResult<Date> {
    Date::parse(
        s.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| AppError::new(ErrorCode::InvalidDate).with_detail(format!("{field} {s}")))
}

/// `congso import directives FILE.json`: an array of directives with their tasks, written in one
/// transaction (all or nothing); an error names the directive (1-based) and the task.
pub async fn import(app: &App, actor: &Actor, text: &str) -> AppResult<(usize, usize)> {
    let list: Vec<ImportDirective> = serde_json::from_str(text)
        .map_err(|e| AppError::new(ErrorCode::ImportFailed).with_detail(format!("JSON: {e}")))?;
    let now = app.now();
    let cal = crate::calendar::working_calendar(app).await?;
    let mut tx = app.db.begin_write().await?;
    let office = match actor.is_system {
        true => units::list(&mut tx, Some(local_date(now.get())))
            .await?
            .into_iter()
            .find(|u| u.kind == "office")
            .map(|u| u.code),
        false => None,
    };
    let mut tasks = 0;
    for (i, d) in list.iter().enumerate() {
        let fail = |e: AppError| {
            let mut msg = e.code.message(congso_domain::Lang::Vi).to_owned();
            if let Some(x) = e.detail {
                msg.push_str(&format!(" ({x})"));
            }
            AppError::new(ErrorCode::ImportLineFailed)
                .with_detail(format!("chỉ đạo thứ {}: {msg}", i + 1))
        };
        let row = create_directive_in(
            &mut tx,
            actor,
            NewDirective {
                source_kind: d.source.kind.clone(),
                source_number: d.source.number.clone(),
                source_date: d
                    .source
                    .date
                    .as_deref()
                    .map(|x| iso_date(x, "source.date"))
                    .transpose()
                    .map_err(fail)?,
                leader: d.leader.clone(),
                content: d.content.clone(),
                unit: d.unit.clone().or_else(|| office.clone()),
            },
            now,
        )
        .await
        .map_err(fail)?;
        if d.tasks.is_empty() {
            return Err(fail(
                AppError::new(ErrorCode::InvalidInput).with_detail("tasks"),
            ));
        }
        for (k, t) in d.tasks.iter().enumerate() {
            let on = t
                .deadline
                .as_deref()
                .map(|x| iso_date(x, "deadline"))
                .transpose()
                .map_err(fail)?;
            let deadline = match (on, t.working_days) {
                (Some(date), _) => Deadline::On(date),
                (None, Some(n)) => Deadline::WorkingDays(n),
                (None, None) => Deadline::Default,
            };
            add_task_in(
                &mut tx,
                &cal,
                actor,
                row.id,
                NewTask {
                    lead_unit: t.lead_unit.clone(),
                    coordinating_units: t.coordinating_units.clone(),
                    content: t.content.clone(),
                    deadline,
                    priority: t.priority.clone(),
                    recurrence: t.recurrence.clone(),
                },
                now,
            )
            .await
            .map_err(|e| {
                let mut msg = e.code.message(congso_domain::Lang::Vi).to_owned();
                if let Some(x) = e.detail {
                    msg.push_str(&format!(" ({x})"));
                }
                AppError::new(ErrorCode::ImportLineFailed).with_detail(format!(
                    "chỉ đạo thứ {}, nhiệm vụ thứ {}: {msg}",
                    i + 1,
                    k + 1
                ))
            })?;
            tasks += 1;
        }
    }
    tx.commit().await?;
    Ok((list.len(), tasks))
}

/// The files of a task, for those who may see it.
pub async fn attachments(
    app: &App,
    actor: &Actor,
    task_id: Uuid,
) -> AppResult<Vec<repo::TaskAttachmentRow>> {
    let mut tx = app.db.begin_read().await?;
    let task = repo::task(&mut tx, task_id)
        .await?
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    if !may_see_task(&mut tx, actor, &task).await? {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let rows = repo::attachments_of(&mut tx, task_id).await?;
    tx.commit().await?;
    Ok(rows)
}

/// One file of a task with its bytes.
pub async fn attachment(
    app: &App,
    actor: &Actor,
    task_id: Uuid,
    id: Uuid,
) -> AppResult<(repo::TaskAttachmentRow, bytes::Bytes)> {
    let row = attachments(app, actor, task_id)
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    let bytes = app
        .files
        .get(&row.storage_key)
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!(e.to_string())))?;
    Ok((row, bytes))
}
