//! The jobs table: a transactional outbox and work queue.
//!
//! - Jobs are enqueued in the same transaction as the change that causes them, so a job exists if
//!   and only if its change committed.
//! - A worker *claims* a job by setting a lease (`locked_at`, `locked_by`); a job whose lease is
//!   older than the lease time is claimable again, so a crashed worker never strands work.
//! - Failures are retried with exponential backoff until `max_attempts`, then marked failed.
//! - `dedup_key` (unique) makes enqueueing idempotent: the same key is accepted once. Finished jobs
//!   are kept (with `done_at`) for a retention period so that keys stay taken.

use serde::Serialize;
use time::Duration;
use uuid::Uuid;

use crate::{Db, DbResult, Ts, Tx, tx_run};

#[derive(Debug, Clone)]
pub struct NewJob {
    pub id: Uuid,
    pub queue: String,
    pub job_type: String,
    pub payload: String,
    pub priority: i64,
    pub run_at: Ts,
    pub max_attempts: i64,
    pub dedup_key: Option<String>,
    pub unit_id: Option<Uuid>,
    pub created_at: Ts,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct JobRow {
    pub id: Uuid,
    pub queue: String,
    pub job_type: String,
    pub payload: String,
    pub attempts: i64,
    pub max_attempts: i64,
}

/// Counts by state, for metrics and the test harness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct JobCounts {
    pub pending: i64,
    pub running: i64,
    pub failed: i64,
    pub done: i64,
}

/// Enqueues a job. Returns `false` (and writes nothing) when a job with the same `dedup_key`
/// already exists.
pub async fn enqueue(tx: &mut Tx, j: &NewJob) -> DbResult<bool> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO jobs (id, queue, job_type, payload, priority, run_at, attempts, max_attempts, locked_at, locked_by, \
         last_error, dedup_key, unit_id, created_at, done_at, failed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, NULL, NULL, NULL, $8, $9, $10, NULL, NULL) \
         ON CONFLICT (dedup_key) DO NOTHING"
    )
    .bind(j.id)
    .bind(&j.queue)
    .bind(&j.job_type)
    .bind(&j.payload)
    .bind(j.priority)
    .bind(j.run_at)
    .bind(j.max_attempts)
    .bind(&j.dedup_key)
    .bind(j.unit_id)
    .bind(j.created_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected() == 1)
    })
}

/// Claims the next runnable job of `queue` for `worker`: not done, not failed, due, and either
/// unlocked or with a lease older than `lease`.
pub async fn claim(
    db: &Db,
    queue: &str,
    worker: &str,
    now: Ts,
    lease: Duration,
) -> DbResult<Option<JobRow>> {
    let stale = now - lease;
    match db {
        Db::Sqlite(..) => {
            let mut tx = db.begin_write().await?;
            let Tx::Sqlite(t) = &mut tx else {
                unreachable!("a SQLite handle opens SQLite transactions")
            };
            let row = sqlx::query_as::<_, JobRow>(
                "UPDATE jobs SET locked_at = $1, locked_by = $2, attempts = attempts + 1 \
                 WHERE id = (SELECT id FROM jobs WHERE queue = $3 AND done_at IS NULL AND failed_at IS NULL \
                   AND run_at <= $1 AND (locked_at IS NULL OR locked_at < $4) \
                   ORDER BY priority DESC, run_at, id LIMIT 1) \
                 RETURNING id, queue, job_type, payload, attempts, max_attempts",
            )
            .bind(now)
            .bind(worker)
            .bind(queue)
            .bind(stale)
            .fetch_optional(&mut **t)
            .await?;
            tx.commit().await?;
            Ok(row)
        }
        Db::Postgres(pool) => {
            sqlx::query_as::<_, JobRow>(
                "UPDATE jobs SET locked_at = $1, locked_by = $2, attempts = attempts + 1 \
                 WHERE id = (SELECT id FROM jobs WHERE queue = $3 AND done_at IS NULL AND failed_at IS NULL \
                   AND run_at <= $1 AND (locked_at IS NULL OR locked_at < $4) \
                   ORDER BY priority DESC, run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, queue, job_type, payload, attempts, max_attempts",
            )
            .bind(now)
            .bind(worker)
            .bind(queue)
            .bind(stale)
            .fetch_optional(pool)
            .await
        }
    }
}

/// Marks a claimed job done.
pub async fn complete(db: &Db, id: Uuid, worker: &str, now: Ts) -> DbResult<()> {
    crate::db_run!(db, |pool| sqlx::query(
        "UPDATE jobs SET done_at = $3, locked_at = NULL, locked_by = NULL, last_error = NULL \
         WHERE id = $1 AND locked_by = $2"
    )
    .bind(id)
    .bind(worker)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ()))
}

/// Records a failure: retried at `retry_at`, or failed for good when `retry_at` is `None`.
pub async fn fail(
    db: &Db,
    id: Uuid,
    worker: &str,
    error: &str,
    now: Ts,
    retry_at: Option<Ts>,
) -> DbResult<()> {
    crate::db_run!(db, |pool| sqlx::query(
        "UPDATE jobs SET locked_at = NULL, locked_by = NULL, last_error = $3, \
         run_at = COALESCE($4, run_at), failed_at = CASE WHEN $4 IS NULL THEN $5 ELSE NULL END \
         WHERE id = $1 AND locked_by = $2"
    )
    .bind(id)
    .bind(worker)
    .bind(error)
    .bind(retry_at)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ()))
}

/// Deletes finished jobs that completed before `before`.
pub async fn purge_done(db: &Db, before: Ts) -> DbResult<u64> {
    crate::db_run!(db, |pool| sqlx::query(
        "DELETE FROM jobs WHERE done_at IS NOT NULL AND done_at < $1"
    )
    .bind(before)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn counts(db: &Db) -> DbResult<JobCounts> {
    let (pending, running, failed, done): (i64, i64, i64, i64) = crate::db_run!(db, |pool| {
        sqlx::query_as(
            "SELECT \
               COALESCE(SUM(CASE WHEN done_at IS NULL AND failed_at IS NULL AND locked_at IS NULL THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN done_at IS NULL AND failed_at IS NULL AND locked_at IS NOT NULL THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN done_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
             FROM jobs",
        )
        .fetch_one(pool)
        .await
    })?;
    Ok(JobCounts {
        pending,
        running,
        failed,
        done,
    })
}

/// Jobs not finished (pending, running or failed), for diagnostics and tests.
pub async fn unfinished(db: &Db) -> DbResult<Vec<(String, String, Option<String>)>> {
    crate::db_run!(db, |pool| sqlx::query_as(
        "SELECT job_type, payload, last_error FROM jobs WHERE done_at IS NULL ORDER BY created_at"
    )
    .fetch_all(pool)
    .await)
}
