//! Appending events: every state change records who did what to which subject, in the same
//! transaction as the change.

use congso_db::events::{self, EventRow, NewEvent};
use congso_db::{Ts, Tx};
use uuid::Uuid;

use crate::{Actor, AppResult};

/// What an event is about: the subject's kind and id (one hash chain per subject) and the unit
/// that owns it.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub kind: &'a str,
    pub id: Uuid,
    pub unit_id: Option<Uuid>,
}

/// The event [`record`] would append, for a writer that appends it itself
/// (`congso_db::repo::dossiers::write_transition`).
pub fn new_event<'a>(
    actor: &Actor,
    subject: Subject<'a>,
    action: &'a str,
    payload: &serde_json::Value,
    now: Ts,
) -> AppResult<NewEvent<'a>> {
    Ok(NewEvent {
        id: congso_domain::new_id(),
        subject_type: subject.kind,
        subject_id: subject.id,
        unit_id: subject.unit_id,
        actor_id: actor.user_id,
        action,
        payload: serde_json::to_string(payload).map_err(crate::AppError::internal)?,
        occurred_at: now,
    })
}

/// Records one event on the subject's chain. `payload` is stored as compact JSON text.
pub async fn record(
    tx: &mut Tx,
    actor: &Actor,
    subject: Subject<'_>,
    action: &str,
    payload: serde_json::Value,
    now: Ts,
) -> AppResult<EventRow> {
    let payload = serde_json::to_string(&payload).map_err(crate::AppError::internal)?;
    Ok(events::append(
        tx,
        &NewEvent {
            id: congso_domain::new_id(),
            subject_type: subject.kind,
            subject_id: subject.id,
            unit_id: subject.unit_id,
            actor_id: actor.user_id,
            action,
            payload,
            occurred_at: now,
        },
    )
    .await?)
}
