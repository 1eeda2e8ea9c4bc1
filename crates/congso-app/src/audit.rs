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

/// One line of a subject's history as pages show it: when, the action, who (the system's name
/// for events without an actor), the unit, and a note from the payload.
pub type TimelineLine = (Ts, String, Option<String>, Option<String>, Option<String>);

/// A subject's events, oldest first, each with the first of `note_keys` found in its payload.
pub async fn timeline(
    tx: &mut Tx,
    subject: Uuid,
    note_keys: &[&str],
) -> AppResult<Vec<TimelineLine>> {
    let system = Actor::system().full_name;
    Ok(events::timeline(tx, subject)
        .await?
        .into_iter()
        .map(|e| {
            let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
            let note = note_keys
                .iter()
                .find_map(|k| p[*k].as_str())
                .map(str::to_owned);
            (
                e.occurred_at,
                e.action,
                e.actor_name
                    .or_else(|| e.actor_id.is_none().then(|| system.clone())),
                e.unit_name,
                note,
            )
        })
        .collect())
}

/// Replaces a city-wide setting (a JSON rule table) in one transaction: the actor needs one of
/// `perms` on a root unit (or is the system); the change is recorded as `action` with `payload`.
pub async fn put_city_setting(
    app: &crate::App,
    actor: &Actor,
    perms: &[congso_domain::Permission],
    key: &str,
    text: &str,
    action: &str,
    payload: serde_json::Value,
) -> AppResult<()> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let mut allowed = actor.is_system;
    let today = congso_domain::time_vn::local_date(now.get());
    for root in congso_db::repo::units::roots_on(&mut tx, today).await? {
        for perm in perms {
            allowed |= !actor.roles_for(&mut tx, *perm, root).await?.is_empty();
        }
    }
    if !allowed {
        return Err(crate::AppError::forbidden());
    }
    congso_db::repo::settings::put(&mut tx, key, text, now).await?;
    let subject = Subject {
        kind: "settings",
        id: congso_domain::new_id(),
        unit_id: None,
    };
    record(&mut tx, actor, subject, action, payload, now).await?;
    tx.commit().await?;
    Ok(())
}
