//! The background worker: claims jobs from the `jobs` table with a lease, runs them, retries
//! failures with exponential backoff, and purges finished jobs after a retention period.
//! It runs inside `congso serve`; several servers can run workers against one PostgreSQL database
//! (claims use `FOR UPDATE SKIP LOCKED`).

use std::time::Duration as StdDuration;

use congso_app::App;
use congso_app::jobs::{Email, SEND_EMAIL};
use congso_db::jobs::{self, JobRow};
use congso_notify::{Mail, Mailer};
use time::Duration;
use tokio::sync::watch;

/// How long a claimed job is reserved before another worker may take it over.
pub const LEASE: Duration = Duration::minutes(5);
/// Finished jobs are kept this long (their dedup keys stay taken).
pub const RETENTION: Duration = Duration::days(30);
/// Job type of the deadline sweep (apology obligations, step escalation).
pub const DEADLINE_SWEEP: &str = "deadline_sweep";
/// How often the deadline sweep runs.
pub const SWEEP_EVERY_MINUTES: i64 = 15;

/// Enqueues the deadline sweep of the current 15-minute slot (once, whichever server gets there
/// first: the slot is the job's dedup key).
pub async fn schedule_sweep(app: &App) -> anyhow::Result<bool> {
    let now = app.now().get();
    let slot = now.unix_timestamp() / (SWEEP_EVERY_MINUTES * 60);
    let mut tx = app.db.begin_write().await?;
    let added = congso_app::jobs::enqueue(
        &mut tx,
        DEADLINE_SWEEP,
        &serde_json::json!({ "slot": slot }),
        app.now(),
        Some(format!("{DEADLINE_SWEEP}:{slot}")),
        None,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await?;
    Ok(added)
}

/// A job worker.
#[derive(Clone)]
pub struct Worker {
    pub app: App,
    pub mailer: Mailer,
    pub id: String,
    pub poll_interval: StdDuration,
}

/// Backoff before retry number `attempts` (1-based): 30 s, 1 min, 2 min, … capped at 1 hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = (attempts - 1).clamp(0, 10) as u32;
    Duration::seconds((30i64 << exp).min(3600))
}

impl Worker {
    pub fn new(app: App, mailer: Mailer) -> Worker {
        Worker {
            app,
            mailer,
            id: format!("worker-{}", congso_domain::new_id().simple()),
            poll_interval: StdDuration::from_secs(1),
        }
    }

    /// Claims and runs one due job. Returns whether there was one.
    pub async fn run_once(&self) -> anyhow::Result<bool> {
        let now = self.app.now();
        let Some(job) = jobs::claim(&self.app.db, "default", &self.id, now, LEASE).await? else {
            return Ok(false);
        };
        let result = self.dispatch(&job).await;
        let done = self.app.now();
        match result {
            Ok(()) => {
                jobs::complete(&self.app.db, job.id, &self.id, done).await?;
                tracing::info!(job = %job.id, kind = %job.job_type, "job done");
            }
            Err(e) => {
                let retry_at = (job.attempts < job.max_attempts && !is_permanent(&e))
                    .then(|| done + backoff(job.attempts));
                tracing::warn!(job = %job.id, kind = %job.job_type, attempts = job.attempts, error = %format!("{e:#}"), retry = retry_at.is_some(), "job failed");
                jobs::fail(
                    &self.app.db,
                    job.id,
                    &self.id,
                    &format!("{e:#}"),
                    done,
                    retry_at,
                )
                .await?;
            }
        }
        Ok(true)
    }

    /// Runs due jobs until none is left; returns how many ran (tests, `congso jobs run`).
    pub async fn drain(&self) -> anyhow::Result<usize> {
        let mut n = 0;
        while self.run_once().await? {
            n += 1;
        }
        Ok(n)
    }

    /// Runs until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut last_purge = self.app.now() - Duration::days(1);
        let mut last_schedule = self.app.now() - Duration::days(1);
        loop {
            if *shutdown.borrow() {
                break;
            }
            if self.app.now() - Duration::minutes(1) > last_schedule {
                last_schedule = self.app.now();
                if let Err(e) = schedule_sweep(&self.app).await {
                    tracing::error!(error = %format!("{e:#}"), "scheduling the deadline sweep failed");
                }
            }
            let ran = match self.run_once().await {
                Ok(ran) => ran,
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "worker error");
                    false
                }
            };
            let now = self.app.now();
            if now - Duration::hours(1) > last_purge {
                last_purge = now;
                if let Err(e) = jobs::purge_done(&self.app.db, now - RETENTION).await {
                    tracing::error!(error = %e, "purging finished jobs failed");
                }
            }
            if !ran {
                tokio::select! {
                    _ = tokio::time::sleep(self.poll_interval) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    async fn dispatch(&self, job: &JobRow) -> anyhow::Result<()> {
        match job.job_type.as_str() {
            SEND_EMAIL => {
                let email: Email = serde_json::from_str(&job.payload)
                    .map_err(|e| Permanent(format!("bad payload: {e}")))?;
                self.mailer
                    .send(&Mail {
                        to: email.to,
                        subject: email.subject,
                        text: email.text,
                        html: email.html,
                    })
                    .await
                    .map_err(|e| match e {
                        congso_notify::MailError::Transport(_) => anyhow::Error::new(e),
                        other => Permanent(other.to_string()).into(),
                    })
            }
            DEADLINE_SWEEP => {
                let r = congso_app::dossiers::sweep(&self.app)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let d = congso_app::directives::remind(&self.app)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                tracing::info!(
                    apologies = r.apology_obligations,
                    escalations = r.escalations,
                    task_reminders = d.due_soon + d.due_today + d.overdue,
                    "deadline sweep"
                );
                Ok(())
            }
            congso_app::directives::TASK_REMINDER => {
                let reminder: congso_app::directives::ReminderJob =
                    serde_json::from_str(&job.payload)
                        .map_err(|e| Permanent(format!("bad reminder payload: {e}")))?;
                congso_app::directives::send_reminder(&self.app, &reminder)
                    .await
                    .map(|_| ())
                    .map_err(|e| anyhow::anyhow!("{e}"))
            }
            other => Err(Permanent(format!("unknown job type {other:?}")).into()),
        }
    }
}

/// An error that retrying cannot fix (bad payload, invalid address, unknown job type).
#[derive(Debug)]
struct Permanent(String);

fn is_permanent(e: &anyhow::Error) -> bool {
    e.downcast_ref::<Permanent>().is_some()
}

impl std::fmt::Display for Permanent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Permanent {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(4), Duration::seconds(240));
        assert_eq!(backoff(50), Duration::hours(1));
    }
}
