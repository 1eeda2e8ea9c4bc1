//! Petitions (đơn), their items and documents, the citizen reception schedule and log.

use time::Date;
use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PetitionRow {
    pub id: Uuid,
    /// The receiving unit.
    pub unit_id: Uuid,
    /// `reception`, `post` or `online`.
    pub channel: String,
    pub anonymous: bool,
    pub petitioner_name: Option<String>,
    pub petitioner_address: Option<String>,
    pub petitioner_id_number: Option<String>,
    pub petitioner_phone: Option<String>,
    pub petitioner_email: Option<String>,
    /// Who the petitioner is, for duplicate detection: the identity number, else the folded name
    /// and address.
    pub petitioner_key: Option<String>,
    pub content: String,
    /// The content folded (`congso_text::fold_vi`).
    pub content_folded: String,
    pub received_at: Ts,
    pub received_on: Date,
    pub duplicate_of: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

macro_rules! petition_cols {
    () => {
        "id, unit_id, channel, anonymous, petitioner_name, petitioner_address, petitioner_id_number, \
         petitioner_phone, petitioner_email, petitioner_key, content, content_folded, received_at, \
         received_on, duplicate_of, created_by, created_at, updated_at"
    };
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ItemRow {
    pub id: Uuid,
    pub petition_id: Uuid,
    /// 1, 2, … within the petition.
    pub seq: i64,
    pub kind: String,
    /// Complaints: 1 (first) or 2 (second); 1 for the other kinds.
    pub level: i64,
    /// A second complaint's first-level item.
    pub first_item_id: Option<Uuid>,
    pub content: String,
    /// The unit handling the item.
    pub unit_id: Uuid,
    pub state: String,
    pub complex: bool,
    pub remote: bool,
    pub received_on: Date,
    pub handling_deadline: Option<Date>,
    pub accepted_on: Option<Date>,
    /// The resolution deadline before extensions.
    pub original_deadline: Option<Date>,
    /// The resolution deadline in force.
    pub deadline: Option<Date>,
    pub extensions: i64,
    pub extension_days: i64,
    /// The day it left the open states, and how (`resolved`, `transferred`, …).
    pub closed_on: Option<Date>,
    pub closed_as: Option<String>,
    /// `on_time` or `late` once resolved.
    pub result: Option<String>,
    /// The body a transferred item went to.
    pub recipient: Option<String>,
    /// The number of the resolution decision or conclusion.
    pub decision_number: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

macro_rules! item_cols {
    () => {
        "id, petition_id, seq, kind, level, first_item_id, content, unit_id, state, complex, remote, \
         received_on, handling_deadline, accepted_on, original_deadline, deadline, extensions, \
         extension_days, closed_on, closed_as, result, recipient, decision_number, created_at, updated_at"
    };
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRow {
    pub id: Uuid,
    pub item_id: Uuid,
    pub action: String,
    pub kind: String,
    pub number: Option<String>,
    pub issued_on: Date,
    pub text: Option<String>,
    /// The stage the action ended, its deadline and whether it came in time.
    pub stage: Option<String>,
    pub stage_deadline: Option<Date>,
    pub on_time: Option<bool>,
    pub created_by: Option<Uuid>,
    pub created_at: Ts,
}

pub async fn insert_petition(tx: &mut Tx, p: &PetitionRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(concat!(
        "INSERT INTO petitions (",
        petition_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    ))
    .bind(p.id)
    .bind(p.unit_id)
    .bind(&p.channel)
    .bind(p.anonymous)
    .bind(&p.petitioner_name)
    .bind(&p.petitioner_address)
    .bind(&p.petitioner_id_number)
    .bind(&p.petitioner_phone)
    .bind(&p.petitioner_email)
    .bind(&p.petitioner_key)
    .bind(&p.content)
    .bind(&p.content_folded)
    .bind(p.received_at)
    .bind(p.received_on)
    .bind(p.duplicate_of)
    .bind(p.created_by)
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn petition(tx: &mut Tx, id: Uuid) -> DbResult<Option<PetitionRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, PetitionRow>(concat!(
        "SELECT ",
        petition_cols!(),
        " FROM petitions WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
}

/// Earlier petitions of the same petitioner, newest first.
pub async fn of_petitioner(tx: &mut Tx, key: &str, limit: i64) -> DbResult<Vec<PetitionRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, PetitionRow>(concat!(
        "SELECT ",
        petition_cols!(),
        " FROM petitions WHERE petitioner_key = $1 ORDER BY received_at DESC, id DESC LIMIT $2"
    ))
    .bind(key)
    .bind(limit)
    .fetch_all(c)
    .await)
}

pub async fn insert_item(tx: &mut Tx, i: &ItemRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(concat!(
        "INSERT INTO petition_items (",
        item_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, $22, $23, $24, $25)"
    ))
    .bind(i.id)
    .bind(i.petition_id)
    .bind(i.seq)
    .bind(&i.kind)
    .bind(i.level)
    .bind(i.first_item_id)
    .bind(&i.content)
    .bind(i.unit_id)
    .bind(&i.state)
    .bind(i.complex)
    .bind(i.remote)
    .bind(i.received_on)
    .bind(i.handling_deadline)
    .bind(i.accepted_on)
    .bind(i.original_deadline)
    .bind(i.deadline)
    .bind(i.extensions)
    .bind(i.extension_days)
    .bind(i.closed_on)
    .bind(&i.closed_as)
    .bind(&i.result)
    .bind(&i.recipient)
    .bind(&i.decision_number)
    .bind(i.created_at)
    .bind(i.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn update_item(tx: &mut Tx, i: &ItemRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE petition_items SET kind = $2, unit_id = $3, state = $4, complex = $5, remote = $6, \
         handling_deadline = $7, accepted_on = $8, original_deadline = $9, deadline = $10, \
         extensions = $11, extension_days = $12, closed_on = $13, closed_as = $14, result = $15, \
         recipient = $16, decision_number = $17, updated_at = $18 WHERE id = $1"
    )
    .bind(i.id)
    .bind(&i.kind)
    .bind(i.unit_id)
    .bind(&i.state)
    .bind(i.complex)
    .bind(i.remote)
    .bind(i.handling_deadline)
    .bind(i.accepted_on)
    .bind(i.original_deadline)
    .bind(i.deadline)
    .bind(i.extensions)
    .bind(i.extension_days)
    .bind(i.closed_on)
    .bind(&i.closed_as)
    .bind(&i.result)
    .bind(&i.recipient)
    .bind(&i.decision_number)
    .bind(i.updated_at)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn item(tx: &mut Tx, id: Uuid) -> DbResult<Option<ItemRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, ItemRow>(concat!(
        "SELECT ",
        item_cols!(),
        " FROM petition_items WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
}

/// An item, locked for the rest of the transaction on PostgreSQL (SQLite's write transaction
/// already excludes other writers).
pub async fn item_for_update(tx: &mut Tx, id: Uuid) -> DbResult<Option<ItemRow>> {
    match tx {
        Tx::Sqlite(t) => {
            sqlx::query_as::<_, ItemRow>(concat!(
                "SELECT ",
                item_cols!(),
                " FROM petition_items WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(&mut **t)
            .await
        }
        Tx::Postgres(t) => {
            sqlx::query_as::<_, ItemRow>(concat!(
                "SELECT ",
                item_cols!(),
                " FROM petition_items WHERE id = $1 FOR UPDATE"
            ))
            .bind(id)
            .fetch_optional(&mut **t)
            .await
        }
    }
}

pub async fn items_of(tx: &mut Tx, petition_id: Uuid) -> DbResult<Vec<ItemRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, ItemRow>(concat!(
        "SELECT ",
        item_cols!(),
        " FROM petition_items WHERE petition_id = $1 ORDER BY seq"
    ))
    .bind(petition_id)
    .fetch_all(c)
    .await)
}

/// The next item number of a petition.
pub async fn next_seq(tx: &mut Tx, petition_id: Uuid) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM petition_items WHERE petition_id = $1"
    )
    .bind(petition_id)
    .fetch_one(c)
    .await)
}

/// Items received on or before `to` that were still open on `from` (not closed before it): the
/// set a report over `[from, to]` counts.
pub async fn items_for_report(tx: &mut Tx, from: Date, to: Date) -> DbResult<Vec<ItemRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, ItemRow>(concat!(
        "SELECT ",
        item_cols!(),
        " FROM petition_items WHERE received_on <= $2 AND (closed_on IS NULL OR closed_on >= $1) \
         ORDER BY received_on, id"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await)
}

/// Items of the inbox: open ones first (by deadline), then the latest closed ones.
pub async fn inbox(tx: &mut Tx, open_only: bool, limit: i64) -> DbResult<Vec<ItemRow>> {
    if open_only {
        tx_run!(tx, |c| sqlx::query_as::<_, ItemRow>(concat!(
            "SELECT ",
            item_cols!(),
            " FROM petition_items WHERE closed_on IS NULL \
             ORDER BY COALESCE(deadline, handling_deadline), received_on, id LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(c)
        .await)
    } else {
        tx_run!(tx, |c| sqlx::query_as::<_, ItemRow>(concat!(
            "SELECT ",
            item_cols!(),
            " FROM petition_items ORDER BY created_at DESC, id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(c)
        .await)
    }
}

pub async fn insert_document(tx: &mut Tx, d: &DocumentRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO petition_documents (id, item_id, action, kind, number, issued_on, text, stage, \
         stage_deadline, on_time, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    )
    .bind(d.id)
    .bind(d.item_id)
    .bind(&d.action)
    .bind(&d.kind)
    .bind(&d.number)
    .bind(d.issued_on)
    .bind(&d.text)
    .bind(&d.stage)
    .bind(d.stage_deadline)
    .bind(d.on_time)
    .bind(d.created_by)
    .bind(d.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn documents_of(tx: &mut Tx, item_id: Uuid) -> DbResult<Vec<DocumentRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, DocumentRow>(
        "SELECT id, item_id, action, kind, number, issued_on, text, stage, stage_deadline, on_time, \
         created_by, created_at FROM petition_documents WHERE item_id = $1 ORDER BY created_at, id"
    )
    .bind(item_id)
    .fetch_all(c)
    .await
    })
}

/// A leader's citizen reception day.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScheduleRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub leader_id: Option<Uuid>,
    pub leader_name: String,
    pub day: Date,
    pub place: String,
    pub note: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: Ts,
}

pub async fn insert_schedule(tx: &mut Tx, s: &ScheduleRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO reception_schedule (id, unit_id, leader_id, leader_name, day, place, note, \
         created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(s.id)
    .bind(s.unit_id)
    .bind(s.leader_id)
    .bind(&s.leader_name)
    .bind(s.day)
    .bind(&s.place)
    .bind(&s.note)
    .bind(s.created_by)
    .bind(s.created_at)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn schedule_between(tx: &mut Tx, from: Date, to: Date) -> DbResult<Vec<ScheduleRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, ScheduleRow>(
        "SELECT id, unit_id, leader_id, leader_name, day, place, note, created_by, created_at \
         FROM reception_schedule WHERE day >= $1 AND day <= $2 ORDER BY day, id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await)
}

pub async fn schedule(tx: &mut Tx, id: Uuid) -> DbResult<Option<ScheduleRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, ScheduleRow>(
        "SELECT id, unit_id, leader_id, leader_name, day, place, note, created_by, created_at \
         FROM reception_schedule WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await)
}

/// One visit in the citizen reception log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LogRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub schedule_id: Option<Uuid>,
    pub received_at: Ts,
    pub visitor_name: String,
    pub visitor_id_number: Option<String>,
    pub content: String,
    pub outcome: String,
    pub petition_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: Ts,
}

pub async fn insert_log(tx: &mut Tx, l: &LogRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO reception_log (id, unit_id, schedule_id, received_at, visitor_name, \
         visitor_id_number, content, outcome, petition_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )
    .bind(l.id)
    .bind(l.unit_id)
    .bind(l.schedule_id)
    .bind(l.received_at)
    .bind(&l.visitor_name)
    .bind(&l.visitor_id_number)
    .bind(&l.content)
    .bind(&l.outcome)
    .bind(l.petition_id)
    .bind(l.created_by)
    .bind(l.created_at)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn log_between(tx: &mut Tx, from: Ts, to: Ts, limit: i64) -> DbResult<Vec<LogRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, LogRow>(
        "SELECT id, unit_id, schedule_id, received_at, visitor_name, visitor_id_number, content, \
         outcome, petition_id, created_by, created_at FROM reception_log \
         WHERE received_at >= $1 AND received_at < $2 ORDER BY received_at DESC, id LIMIT $3"
    )
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(c)
    .await)
}

/// Counts of rows (tests check that refused actions write nothing).
pub async fn counts(tx: &mut Tx) -> DbResult<(i64, i64, i64)> {
    let p = tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM petitions"
    )
    .fetch_one(c)
    .await)?;
    let i = tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM petition_items"
    )
    .fetch_one(c)
    .await)?;
    let d = tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM petition_documents"
    )
    .fetch_one(c)
    .await)?;
    Ok((p, i, d))
}
