//! The event log: append-only, one row per state change, hash-chained per subject.
//!
//! Each row stores `prev_hash` (the hash of the previous row of the same subject, or 64 zeros for the
//! first) and `hash` = SHA-256 over a canonical encoding of the row (see [`event_hash`]). The head of
//! every chain (last sequence number and hash) is kept in `event_chains`, which also serialises
//! writers to the *same* subject (`SELECT … FOR UPDATE` on PostgreSQL; SQLite has one writer).
//! Writers to different subjects never touch the same row. [`verify`] recomputes every chain: an
//! edited, deleted, inserted or reordered row, or a truncated tail, is reported with the first bad
//! event.

use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{Db, DbResult, Ts, Tx, tx_run};

/// The `prev_hash` of the first event of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append. `payload` is canonical JSON text; it is stored and hashed byte for byte.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub id: Uuid,
    pub subject_type: &'a str,
    pub subject_id: Uuid,
    pub unit_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub payload: String,
    pub occurred_at: Ts,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct EventRow {
    pub id: Uuid,
    pub subject_type: String,
    pub subject_id: Uuid,
    pub seq: i64,
    pub unit_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub payload: String,
    #[serde(skip)]
    pub occurred_at: Ts,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 (hex) over the canonical encoding of an event. Fields are separated by a newline and
/// optional ids are `-`, so no two different rows encode to the same bytes.
#[allow(clippy::too_many_arguments)]
pub fn event_hash(
    prev_hash: &str,
    id: Uuid,
    subject_type: &str,
    subject_id: Uuid,
    seq: i64,
    unit_id: Option<Uuid>,
    actor_id: Option<Uuid>,
    action: &str,
    occurred_at: Ts,
    payload: &str,
) -> String {
    let opt = |u: Option<Uuid>| u.map_or_else(|| "-".to_owned(), |u| u.to_string());
    let mut h = Sha256::new();
    h.update(b"congso-event-v1\n");
    for part in [
        prev_hash.to_owned(),
        id.to_string(),
        subject_type.to_owned(),
        subject_id.to_string(),
        seq.to_string(),
        opt(unit_id),
        opt(actor_id),
        action.to_owned(),
        occurred_at.unix_micros().to_string(),
    ] {
        // Length-prefix every field so that separators inside values cannot shift boundaries.
        h.update(part.len().to_string().as_bytes());
        h.update(b":");
        h.update(part.as_bytes());
        h.update(b"\n");
    }
    h.update(payload.len().to_string().as_bytes());
    h.update(b":");
    h.update(payload.as_bytes());
    hex::encode(h.finalize())
}

impl EventRow {
    /// The hash this row should have given its content and `prev_hash`.
    pub fn computed_hash(&self) -> String {
        event_hash(
            &self.prev_hash,
            self.id,
            &self.subject_type,
            self.subject_id,
            self.seq,
            self.unit_id,
            self.actor_id,
            &self.action,
            self.occurred_at,
            &self.payload,
        )
    }
}

impl NewEvent<'_> {
    /// The row this event becomes after the chain head `head` (last seq and hash; `None` for the
    /// first event of the subject).
    pub fn chained(&self, head: Option<(i64, String)>) -> EventRow {
        let (seq, prev_hash) = match head {
            Some((s, h)) => (s + 1, h),
            None => (1, GENESIS.to_owned()),
        };
        let hash = event_hash(
            &prev_hash,
            self.id,
            self.subject_type,
            self.subject_id,
            seq,
            self.unit_id,
            self.actor_id,
            self.action,
            self.occurred_at,
            &self.payload,
        );
        EventRow {
            id: self.id,
            subject_type: self.subject_type.to_owned(),
            subject_id: self.subject_id,
            seq,
            unit_id: self.unit_id,
            actor_id: self.actor_id,
            action: self.action.to_owned(),
            payload: self.payload.clone(),
            occurred_at: self.occurred_at,
            prev_hash,
            hash,
        }
    }
}

/// An event row's INSERT; its values are bound by [`bind_event!`] as `$1`–`$11`.
macro_rules! insert_event {
    () => {
        "INSERT INTO events (id, subject_type, subject_id, seq, unit_id, actor_id, action, payload, occurred_at, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    };
}

/// The chain head of a subject's first event (parameters as [`insert_event!`]).
macro_rules! insert_head {
    () => {
        "INSERT INTO event_chains (subject_id, subject_type, last_seq, last_hash, updated_at) VALUES ($3, $2, $4, $11, $9)"
    };
}

/// The chain head moved to a later event (parameters as [`insert_event!`]).
macro_rules! update_head {
    () => {
        "UPDATE event_chains SET last_seq = $4, last_hash = $11, updated_at = $9 WHERE subject_id = $3"
    };
}

/// Binds an [`EventRow`]'s values in the order of [`insert_event!`] (a sqlx query or a
/// [`crate::direct::Binder`]).
macro_rules! bind_event {
    ($q:expr, $row:expr) => {
        $q.bind($row.id)
            .bind(&$row.subject_type)
            .bind($row.subject_id)
            .bind($row.seq)
            .bind($row.unit_id)
            .bind($row.actor_id)
            .bind(&$row.action)
            .bind(&$row.payload)
            .bind($row.occurred_at)
            .bind(&$row.prev_hash)
            .bind(&$row.hash)
    };
}

pub(crate) use {bind_event, insert_event, insert_head, update_head};

/// Appends an event to its subject's chain, inside the caller's transaction.
pub async fn append(tx: &mut Tx, e: &NewEvent<'_>) -> DbResult<EventRow> {
    // Lock (or create) the chain head. On PostgreSQL `FOR UPDATE` queues concurrent writers of the
    // same subject; on SQLite the write transaction already holds the database lock.
    let head: Option<(i64, String)> = match tx {
        Tx::Sqlite(t) => match t.known_head(e.subject_id) {
            Some(known) => known,
            None => {
                sqlx::query_as("SELECT last_seq, last_hash FROM event_chains WHERE subject_id = $1")
                    .bind(e.subject_id)
                    .fetch_optional(&mut **t)
                    .await?
            }
        },
        Tx::Postgres(t) => {
            sqlx::query_as(
                "SELECT last_seq, last_hash FROM event_chains WHERE subject_id = $1 FOR UPDATE",
            )
            .bind(e.subject_id)
            .fetch_optional(&mut **t)
            .await?
        }
    };
    let row = e.chained(head);
    // The event row, then the chain head (insert for the first event, else update). On SQLite
    // both statements go to the connection's worker thread in one command: `$N` parameters index
    // one argument list across the statements. PostgreSQL's extended protocol takes one statement
    // per query, so there they are two.
    macro_rules! bound {
        ($sql:expr) => {
            bind_event!(sqlx::query($sql), row)
        };
    }
    match tx {
        Tx::Sqlite(t) => {
            let both = if row.seq == 1 {
                concat!(insert_event!(), "; ", insert_head!())
            } else {
                concat!(insert_event!(), "; ", update_head!())
            };
            bound!(both).execute(&mut **t).await?;
            t.remember_head(row.subject_id, Some((row.seq, row.hash.clone())));
        }
        Tx::Postgres(t) => {
            bound!(insert_event!()).execute(&mut **t).await?;
            if row.seq == 1 {
                sqlx::query("INSERT INTO event_chains (subject_id, subject_type, last_seq, last_hash, updated_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(row.subject_id)
                    .bind(&row.subject_type)
                    .bind(row.seq)
                    .bind(&row.hash)
                    .bind(row.occurred_at)
                    .execute(&mut **t)
                    .await?;
            } else {
                sqlx::query("UPDATE event_chains SET last_seq = $2, last_hash = $3, updated_at = $4 WHERE subject_id = $1")
                    .bind(row.subject_id)
                    .bind(row.seq)
                    .bind(&row.hash)
                    .bind(row.occurred_at)
                    .execute(&mut **t)
                    .await?;
            }
        }
    }
    Ok(row)
}

/// The events of one subject, oldest first.
pub async fn for_subject(tx: &mut Tx, subject_id: Uuid) -> DbResult<Vec<EventRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, EventRow>(
        "SELECT id, subject_type, subject_id, seq, unit_id, actor_id, action, payload, occurred_at, prev_hash, hash \
         FROM events WHERE subject_id = $1 ORDER BY seq"
    )
    .bind(subject_id)
    .fetch_all(c)
    .await
    })
}

/// An event of a subject's timeline with the names to show: the actor's full name and the
/// unit's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NamedEvent {
    pub action: String,
    pub payload: String,
    pub occurred_at: Ts,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub unit_name: Option<String>,
}

/// The timeline of a subject in one query (for pages and API responses).
pub async fn timeline(tx: &mut Tx, subject_id: Uuid) -> DbResult<Vec<NamedEvent>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, NamedEvent>(
            "SELECT e.action, e.payload, e.occurred_at, e.actor_id, u.full_name AS actor_name, n.name AS unit_name \
             FROM events e LEFT JOIN users u ON u.id = e.actor_id LEFT JOIN units n ON n.id = e.unit_id \
             WHERE e.subject_id = $1 ORDER BY e.seq",
        )
        .bind(subject_id)
        .fetch_all(c)
        .await
    })
}

pub async fn count(tx: &mut Tx) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM events"
    )
    .fetch_one(c)
    .await)
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every chain is intact.
    Ok { events: u64, chains: u64 },
    /// The first problem found, in (subject, sequence) order.
    Broken(Break),
}

/// A break in a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The offending event (or, for a truncated chain, the last event still present).
    pub event_id: Option<Uuid>,
    pub subject_id: Uuid,
    pub seq: Option<i64>,
    pub reason: String,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.event_id, self.seq) {
            (Some(id), Some(seq)) => write!(
                f,
                "event {id} (subject {}, seq {seq}): {}",
                self.subject_id, self.reason
            ),
            _ => write!(f, "subject {}: {}", self.subject_id, self.reason),
        }
    }
}

/// The chain being walked: subject, last seq seen, last hash, and the head record (seq, hash).
type Walk = Option<(Uuid, i64, String, Option<(i64, String)>)>;

#[derive(sqlx::FromRow)]
struct VerifyRow {
    #[sqlx(flatten)]
    e: EventRow,
    head_seq: Option<i64>,
    head_hash: Option<String>,
}

/// Recomputes every chain, reading in pages (keyset pagination) so memory stays flat.
pub async fn verify(db: &Db) -> DbResult<Verification> {
    const PAGE: i64 = 5000;
    const FIRST: &str = "SELECT e.id, e.subject_type, e.subject_id, e.seq, e.unit_id, e.actor_id, e.action, e.payload, \
        e.occurred_at, e.prev_hash, e.hash, c.last_seq AS head_seq, c.last_hash AS head_hash \
        FROM events e LEFT JOIN event_chains c ON c.subject_id = e.subject_id \
        ORDER BY e.subject_id, e.seq LIMIT $1";
    const NEXT: &str = "SELECT e.id, e.subject_type, e.subject_id, e.seq, e.unit_id, e.actor_id, e.action, e.payload, \
        e.occurred_at, e.prev_hash, e.hash, c.last_seq AS head_seq, c.last_hash AS head_hash \
        FROM events e LEFT JOIN event_chains c ON c.subject_id = e.subject_id \
        WHERE e.subject_id > $2 OR (e.subject_id = $2 AND e.seq > $3) \
        ORDER BY e.subject_id, e.seq LIMIT $1";

    let mut events = 0u64;
    let mut chains = 0u64;
    // (subject, last seq seen, last hash, expected head)
    let mut current: Walk = None;
    let mut cursor: Option<(Uuid, i64)> = None;
    loop {
        let rows: Vec<VerifyRow> = match cursor {
            None => db_fetch(db, FIRST, PAGE, None).await?,
            Some(c) => db_fetch(db, NEXT, PAGE, Some(c)).await?,
        };
        let n = rows.len();
        for r in rows {
            let e = r.e;
            events += 1;
            cursor = Some((e.subject_id, e.seq));
            let (expected_seq, expected_prev) = match &current {
                Some((s, seq, hash, _)) if *s == e.subject_id => (*seq + 1, hash.clone()),
                _ => {
                    if let Some(b) = check_head(&current) {
                        return Ok(Verification::Broken(b));
                    }
                    chains += 1;
                    (1, GENESIS.to_owned())
                }
            };
            let broken = |reason: String| {
                Verification::Broken(Break {
                    event_id: Some(e.id),
                    subject_id: e.subject_id,
                    seq: Some(e.seq),
                    reason,
                })
            };
            if e.seq != expected_seq {
                return Ok(broken(format!(
                    "sequence gap: expected seq {expected_seq}, found {} (an event was removed or inserted)",
                    e.seq
                )));
            }
            if e.prev_hash != expected_prev {
                return Ok(broken(
                    "prev_hash does not match the previous event's hash".to_owned(),
                ));
            }
            let computed = e.computed_hash();
            if computed != e.hash {
                return Ok(broken(format!(
                    "content does not match its hash (stored {}…, computed {}…): the row was edited",
                    &e.hash.get(..12).unwrap_or(&e.hash),
                    &computed[..12]
                )));
            }
            let head = match (r.head_seq, r.head_hash) {
                (Some(s), Some(h)) => Some((s, h)),
                _ => None,
            };
            current = Some((e.subject_id, e.seq, e.hash, head));
        }
        if n < PAGE as usize {
            break;
        }
    }
    if let Some(b) = check_head(&current) {
        return Ok(Verification::Broken(b));
    }
    // Chains whose events are all gone.
    let orphan: Option<Uuid> = db_run_orphans(db).await?;
    if let Some(subject_id) = orphan {
        return Ok(Verification::Broken(Break {
            event_id: None,
            subject_id,
            seq: None,
            reason: "the chain head exists but its events were deleted".to_owned(),
        }));
    }
    Ok(Verification::Ok { events, chains })
}

fn check_head(current: &Walk) -> Option<Break> {
    let (subject_id, seq, hash, head) = current.as_ref()?;
    let reason = match head {
        None => "the chain has no head record (event_chains row missing)".to_owned(),
        Some((hs, hh)) if hs != seq || hh != hash => format!(
            "the chain head says seq {hs} but the last event present is seq {seq}: events were removed from the end"
        ),
        Some(_) => return None,
    };
    Some(Break {
        event_id: None,
        subject_id: *subject_id,
        seq: Some(*seq),
        reason,
    })
}

async fn db_fetch(
    db: &Db,
    sql: &'static str,
    limit: i64,
    after: Option<(Uuid, i64)>,
) -> DbResult<Vec<VerifyRow>> {
    crate::db_run!(db, |pool| {
        let mut q = sqlx::query_as::<_, VerifyRow>(sql).bind(limit);
        if let Some((s, seq)) = after {
            q = q.bind(s).bind(seq);
        }
        q.fetch_all(pool).await
    })
}

async fn db_run_orphans(db: &Db) -> DbResult<Option<Uuid>> {
    crate::db_run!(db, |pool| sqlx::query_scalar::<_, Uuid>(
        "SELECT c.subject_id FROM event_chains c WHERE NOT EXISTS \
         (SELECT 1 FROM events e WHERE e.subject_id = c.subject_id) ORDER BY c.subject_id LIMIT 1"
    )
    .fetch_optional(pool)
    .await)
}
