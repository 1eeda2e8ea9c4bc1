//! Organisation units (temporal) and their reorganisation links.

use serde::Serialize;
use time::Date;
use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

/// One version of an organisation unit, valid on `[valid_from, valid_to)`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct UnitRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub address: Option<String>,
    /// Office hours, e.g. `07:00-11:30,13:30-17:00`; `None` means the default hours.
    pub office_hours: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

impl UnitRow {
    /// Whether the unit is in force on `day`.
    pub fn valid_on(&self, day: Date) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day < to)
    }
}

/// A link from a closed unit to a unit that continues its work.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct RelationRow {
    pub predecessor_id: Uuid,
    pub successor_id: Uuid,
    pub kind: String,
    pub effective_on: Date,
    pub note: Option<String>,
}

macro_rules! unit_cols {
    () => {
        "id, code, name, name_en, kind, parent_id, valid_from, valid_to, address, office_hours, created_at, updated_at"
    };
}

pub async fn insert(tx: &mut Tx, u: &UnitRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO units (id, code, name, name_en, kind, parent_id, valid_from, valid_to, address, office_hours, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    )
    .bind(u.id)
    .bind(&u.code)
    .bind(&u.name)
    .bind(&u.name_en)
    .bind(&u.kind)
    .bind(u.parent_id)
    .bind(u.valid_from)
    .bind(u.valid_to)
    .bind(&u.address)
    .bind(&u.office_hours)
    .bind(u.created_at)
    .bind(u.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn by_id(tx: &mut Tx, id: Uuid) -> DbResult<Option<UnitRow>> {
    const SQL: &str = concat!("SELECT ", unit_cols!(), " FROM units WHERE id = $1");
    tx_run!(tx, |c| sqlx::query_as::<_, UnitRow>(SQL)
        .bind(id)
        .fetch_optional(c)
        .await)
}

/// The version of the unit with `code` that is in force on `day`.
pub async fn by_code_on(tx: &mut Tx, code: &str, day: Date) -> DbResult<Option<UnitRow>> {
    const SQL: &str = concat!(
        "SELECT ",
        unit_cols!(),
        " FROM units WHERE code = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)"
    );
    tx_run!(tx, |c| sqlx::query_as::<_, UnitRow>(SQL)
        .bind(code)
        .bind(day)
        .fetch_optional(c)
        .await)
}

/// The most recent version of the unit with `code`, in force or not.
pub async fn latest_by_code(tx: &mut Tx, code: &str) -> DbResult<Option<UnitRow>> {
    const SQL: &str = concat!(
        "SELECT ",
        unit_cols!(),
        " FROM units WHERE code = $1 ORDER BY valid_from DESC LIMIT 1"
    );
    tx_run!(tx, |c| sqlx::query_as::<_, UnitRow>(SQL)
        .bind(code)
        .fetch_optional(c)
        .await)
}

/// Units in force on `day` (or every version ever when `day` is `None`), ordered by code.
pub async fn list(tx: &mut Tx, day: Option<Date>) -> DbResult<Vec<UnitRow>> {
    match day {
        Some(day) => {
            const SQL: &str = concat!(
                "SELECT ",
                unit_cols!(),
                " FROM units WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) ORDER BY code, valid_from"
            );
            tx_run!(tx, |c| sqlx::query_as::<_, UnitRow>(SQL)
                .bind(day)
                .fetch_all(c)
                .await)
        }
        None => {
            const SQL: &str = concat!(
                "SELECT ",
                unit_cols!(),
                " FROM units ORDER BY code, valid_from"
            );
            tx_run!(tx, |c| sqlx::query_as::<_, UnitRow>(SQL).fetch_all(c).await)
        }
    }
}

/// Sets a unit's office hours (`None`: back to the default).
pub async fn set_office_hours(
    tx: &mut Tx,
    id: Uuid,
    hours: Option<&str>,
    now: Ts,
) -> DbResult<u64> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE units SET office_hours = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(hours)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// Closes a unit: it stops being in force on `valid_to` (exclusive).
pub async fn close(tx: &mut Tx, id: Uuid, valid_to: Date, now: Ts) -> DbResult<u64> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE units SET valid_to = $2, updated_at = $3 WHERE id = $1 AND valid_to IS NULL"
    )
    .bind(id)
    .bind(valid_to)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn insert_relation(tx: &mut Tx, r: &RelationRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO unit_relations (predecessor_id, successor_id, kind, effective_on, note) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(r.predecessor_id)
    .bind(r.successor_id)
    .bind(&r.kind)
    .bind(r.effective_on)
    .bind(&r.note)
    .execute(c)
    .await
    .map(|_| ())
    })
}

/// Links where the unit is the predecessor or the successor.
pub async fn relations_of(tx: &mut Tx, id: Uuid) -> DbResult<Vec<RelationRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, RelationRow>(
        "SELECT predecessor_id, successor_id, kind, effective_on, note FROM unit_relations \
         WHERE predecessor_id = $1 OR successor_id = $1 ORDER BY effective_on"
    )
    .bind(id)
    .fetch_all(c)
    .await)
}

/// The unit and all its ancestors (self first), following `parent_id`.
pub async fn ancestors(tx: &mut Tx, id: Uuid) -> DbResult<Vec<Uuid>> {
    const SQL: &str = "WITH RECURSIVE up(id, parent_id, depth) AS ( \
        SELECT id, parent_id, 0 FROM units WHERE id = $1 \
        UNION ALL \
        SELECT u.id, u.parent_id, up.depth + 1 FROM units u JOIN up ON u.id = up.parent_id WHERE up.depth < 32 \
    ) SELECT id FROM up ORDER BY depth";
    tx_run!(tx, |c| sqlx::query_scalar::<_, Uuid>(SQL)
        .bind(id)
        .fetch_all(c)
        .await)
}

/// Number of units in force on `day` with the given code (to refuse duplicates).
pub async fn count_code_on(tx: &mut Tx, code: &str, day: Date) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM units WHERE code = $1 AND (valid_to IS NULL OR valid_to > $2)"
    )
    .bind(code)
    .bind(day)
    .fetch_one(c)
    .await)
}

/// Root units (no parent) in force on `day`.
pub async fn roots_on(tx: &mut Tx, day: Date) -> DbResult<Vec<Uuid>> {
    tx_run!(tx, |c| {
        sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM units WHERE parent_id IS NULL AND valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) ORDER BY code"
    )
    .bind(day)
    .fetch_all(c)
    .await
    })
}

/// Number of child units still in force on `day`.
pub async fn count_children_on(tx: &mut Tx, parent_id: Uuid, day: Date) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM units WHERE parent_id = $1 AND (valid_to IS NULL OR valid_to > $2)"
    )
    .bind(parent_id)
    .bind(day)
    .fetch_one(c)
    .await)
}

pub async fn count(tx: &mut Tx) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM units"
    )
    .fetch_one(c)
    .await)
}
