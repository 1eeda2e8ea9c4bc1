//! Directives and their tasks.

use time::Date;
use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DirectiveRow {
    pub id: Uuid,
    /// The directing body (e.g. the city People's Committee).
    pub unit_id: Uuid,
    /// `conclusion`, `directive`, `minutes` or `slip`.
    pub source_kind: String,
    pub source_number: Option<String>,
    pub source_date: Option<Date>,
    pub leader_id: Option<Uuid>,
    pub content: String,
    pub created_by: Option<Uuid>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskRow {
    pub id: Uuid,
    pub directive_id: Uuid,
    pub lead_unit_id: Uuid,
    /// JSON array of unit ids.
    pub coordinating: String,
    pub content: String,
    /// `normal`, `high` or `urgent`.
    pub priority: String,
    /// `monthly` or `quarterly` for a recurring report; the next one is given when this one is
    /// completed.
    pub recurrence: Option<String>,
    pub state: String,
    pub resume_state: Option<String>,
    pub original_deadline: Option<Date>,
    /// The deadline in force (an approved extension replaces it).
    pub deadline: Option<Date>,
    pub requested_deadline: Option<Date>,
    pub assignee_id: Option<Uuid>,
    pub progress: i64,
    /// The day completion was reported (cleared when reopened).
    pub completed_on: Option<Date>,
    pub cancelled: bool,
    pub created_at: Ts,
    pub updated_at: Ts,
}

macro_rules! task_cols {
    () => {
        "id, directive_id, lead_unit_id, coordinating, content, priority, recurrence, state, resume_state, \
         original_deadline, deadline, requested_deadline, assignee_id, progress, completed_on, cancelled, \
         created_at, updated_at"
    };
}

pub async fn insert_directive(tx: &mut Tx, d: &DirectiveRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO directives (id, unit_id, source_kind, source_number, source_date, leader_id, content, \
         created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(d.id)
    .bind(d.unit_id)
    .bind(&d.source_kind)
    .bind(&d.source_number)
    .bind(d.source_date)
    .bind(d.leader_id)
    .bind(&d.content)
    .bind(d.created_by)
    .bind(d.created_at)
    .bind(d.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn directive(tx: &mut Tx, id: Uuid) -> DbResult<Option<DirectiveRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, DirectiveRow>(
        "SELECT id, unit_id, source_kind, source_number, source_date, leader_id, content, created_by, \
         created_at, updated_at FROM directives WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await
    })
}

pub async fn insert_task(tx: &mut Tx, t: &TaskRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(concat!(
        "INSERT INTO tasks (",
        task_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    ))
    .bind(t.id)
    .bind(t.directive_id)
    .bind(t.lead_unit_id)
    .bind(&t.coordinating)
    .bind(&t.content)
    .bind(&t.priority)
    .bind(&t.recurrence)
    .bind(&t.state)
    .bind(&t.resume_state)
    .bind(t.original_deadline)
    .bind(t.deadline)
    .bind(t.requested_deadline)
    .bind(t.assignee_id)
    .bind(t.progress)
    .bind(t.completed_on)
    .bind(t.cancelled)
    .bind(t.created_at)
    .bind(t.updated_at)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn update_task(tx: &mut Tx, t: &TaskRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "UPDATE tasks SET lead_unit_id = $2, coordinating = $3, content = $4, state = $5, resume_state = $6, \
         deadline = $7, requested_deadline = $8, assignee_id = $9, progress = $10, completed_on = $11, \
         cancelled = $12, updated_at = $13 WHERE id = $1"
    )
    .bind(t.id)
    .bind(t.lead_unit_id)
    .bind(&t.coordinating)
    .bind(&t.content)
    .bind(&t.state)
    .bind(&t.resume_state)
    .bind(t.deadline)
    .bind(t.requested_deadline)
    .bind(t.assignee_id)
    .bind(t.progress)
    .bind(t.completed_on)
    .bind(t.cancelled)
    .bind(t.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

/// A task, locked for the rest of the transaction on PostgreSQL (SQLite's write transaction
/// already excludes other writers).
pub async fn task_for_update(tx: &mut Tx, id: Uuid) -> DbResult<Option<TaskRow>> {
    match tx {
        Tx::Sqlite(t) => {
            sqlx::query_as::<_, TaskRow>(concat!(
                "SELECT ",
                task_cols!(),
                " FROM tasks WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(&mut **t)
            .await
        }
        Tx::Postgres(t) => {
            sqlx::query_as::<_, TaskRow>(concat!(
                "SELECT ",
                task_cols!(),
                " FROM tasks WHERE id = $1 FOR UPDATE"
            ))
            .bind(id)
            .fetch_optional(&mut **t)
            .await
        }
    }
}

pub async fn task(tx: &mut Tx, id: Uuid) -> DbResult<Option<TaskRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, TaskRow>(concat!(
        "SELECT ",
        task_cols!(),
        " FROM tasks WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
}

pub async fn tasks_of_directive(tx: &mut Tx, directive_id: Uuid) -> DbResult<Vec<TaskRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, TaskRow>(concat!(
        "SELECT ",
        task_cols!(),
        " FROM tasks WHERE directive_id = $1 ORDER BY created_at, id"
    ))
    .bind(directive_id)
    .fetch_all(c)
    .await)
}

/// Tasks given in `[from, to)` (by creation), optionally of one lead unit, oldest first.
pub async fn tasks_given_between(
    tx: &mut Tx,
    unit: Option<Uuid>,
    from: Ts,
    to: Ts,
    limit: i64,
) -> DbResult<Vec<TaskRow>> {
    match unit {
        Some(u) => tx_run!(tx, |c| sqlx::query_as::<_, TaskRow>(concat!(
            "SELECT ",
            task_cols!(),
            " FROM tasks WHERE lead_unit_id = $1 AND created_at >= $2 AND created_at < $3 \
             ORDER BY created_at, id LIMIT $4"
        ))
        .bind(u)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(c)
        .await),
        None => tx_run!(tx, |c| {
            sqlx::query_as::<_, TaskRow>(concat!(
            "SELECT ",
            task_cols!(),
            " FROM tasks WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id LIMIT $3"
        ))
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(c)
        .await
        }),
    }
}

/// Open tasks (not completed, not cancelled) with a deadline on or before `until`, for reminders.
pub async fn open_due_by(tx: &mut Tx, until: Date, limit: i64) -> DbResult<Vec<TaskRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, TaskRow>(concat!(
        "SELECT ",
        task_cols!(),
        " FROM tasks WHERE cancelled = $1 AND completed_on IS NULL AND deadline IS NOT NULL \
         AND deadline <= $2 AND state IN ('assigned', 'in_progress', 'extension_requested') \
         ORDER BY deadline, id LIMIT $3"
    ))
    .bind(false)
    .bind(until)
    .bind(limit)
    .fetch_all(c)
    .await)
}

/// A task as the dashboard counts it, with its directive's leader.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRow {
    pub id: Uuid,
    pub directive_id: Uuid,
    pub lead_unit_id: Uuid,
    pub leader_id: Option<Uuid>,
    pub content: String,
    pub deadline: Option<Date>,
    pub completed_on: Option<Date>,
    pub cancelled: bool,
}

/// Tasks given in `[from, to)` (optionally of one lead unit) with their directive's leader, in one
/// query (the dashboard).
pub async fn report_rows(
    tx: &mut Tx,
    unit: Option<Uuid>,
    from: Ts,
    to: Ts,
) -> DbResult<Vec<ReportRow>> {
    match unit {
        Some(u) => tx_run!(tx, |c| {
            sqlx::query_as::<_, ReportRow>(
            "SELECT t.id, t.directive_id, t.lead_unit_id, d.leader_id, t.content, t.deadline, t.completed_on, t.cancelled \
             FROM tasks t JOIN directives d ON d.id = t.directive_id \
             WHERE t.lead_unit_id = $1 AND t.created_at >= $2 AND t.created_at < $3"
        )
        .bind(u)
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await
        }),
        None => tx_run!(tx, |c| {
            sqlx::query_as::<_, ReportRow>(
            "SELECT t.id, t.directive_id, t.lead_unit_id, d.leader_id, t.content, t.deadline, t.completed_on, t.cancelled \
             FROM tasks t JOIN directives d ON d.id = t.directive_id \
             WHERE t.created_at >= $1 AND t.created_at < $2"
        )
        .bind(from)
        .bind(to)
        .fetch_all(c)
        .await
        }),
    }
}

/// The open tasks (not completed, not cancelled) led by a unit.
pub async fn open_of_unit(tx: &mut Tx, unit: Uuid) -> DbResult<Vec<TaskRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, TaskRow>(concat!(
        "SELECT ",
        task_cols!(),
        " FROM tasks WHERE lead_unit_id = $1 AND cancelled = $2 AND completed_on IS NULL ORDER BY created_at, id"
    ))
    .bind(unit)
    .bind(false)
    .fetch_all(c)
    .await
    })
}

/// A file attached to a task's progress report or completion.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskAttachmentRow {
    pub id: Uuid,
    pub task_id: Uuid,
    /// The action it came with (`report_progress`, `complete`).
    pub action: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: Option<Uuid>,
    pub created_at: Ts,
}

pub async fn insert_attachment(tx: &mut Tx, a: &TaskAttachmentRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO task_attachments (id, task_id, action, file_name, content_type, size_bytes, sha256, \
         storage_key, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(a.id)
    .bind(a.task_id)
    .bind(&a.action)
    .bind(&a.file_name)
    .bind(&a.content_type)
    .bind(a.size_bytes)
    .bind(&a.sha256)
    .bind(&a.storage_key)
    .bind(a.uploaded_by)
    .bind(a.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn attachments_of(tx: &mut Tx, task_id: Uuid) -> DbResult<Vec<TaskAttachmentRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, TaskAttachmentRow>(
        "SELECT id, task_id, action, file_name, content_type, size_bytes, sha256, storage_key, uploaded_by, \
         created_at FROM task_attachments WHERE task_id = $1 ORDER BY created_at, id"
    )
    .bind(task_id)
    .fetch_all(c)
    .await
    })
}
