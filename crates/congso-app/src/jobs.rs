//! Enqueueing background work from a use case (in its transaction). The worker that runs the jobs
//! lives in `congso-jobs`.

use congso_db::jobs::{self, NewJob};
use congso_db::{Ts, Tx};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::AppResult;

/// Job type of [`Email`].
pub const SEND_EMAIL: &str = "send_email";

/// An email to send. Rendered by the use case (so the text is fixed at the time of the change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Enqueues a job of `job_type` with a JSON payload, due at `run_at`. Returns `false` if a job with
/// the same `dedup_key` already exists.
pub async fn enqueue<P: Serialize>(
    tx: &mut Tx,
    job_type: &str,
    payload: &P,
    run_at: Ts,
    dedup_key: Option<String>,
    unit_id: Option<Uuid>,
) -> AppResult<bool> {
    let payload = serde_json::to_string(payload).map_err(crate::AppError::internal)?;
    Ok(jobs::enqueue(
        tx,
        &NewJob {
            id: congso_domain::new_id(),
            queue: "default".to_owned(),
            job_type: job_type.to_owned(),
            payload,
            priority: 0,
            run_at,
            max_attempts: 8,
            dedup_key,
            unit_id,
            created_at: run_at,
        },
    )
    .await?)
}

/// Enqueues an email.
pub async fn send_email(tx: &mut Tx, email: &Email, now: Ts) -> AppResult<()> {
    enqueue(tx, SEND_EMAIL, email, now, None, None)
        .await
        .map(|_| ())
}
