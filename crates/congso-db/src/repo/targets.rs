//! The term's targets (chỉ tiêu): a goal on a computed metric or a value entered by hand.

use time::Date;
use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TargetRow {
    pub id: Uuid,
    /// e.g. `2020-2025`.
    pub term: String,
    pub code: String,
    pub name: String,
    pub unit_id: Option<Uuid>,
    /// A computed metric or `manual`.
    pub metric: String,
    /// `at_least` or `at_most`.
    pub comparison: String,
    pub goal: f64,
    /// `%`, `điểm`, …
    pub measure_unit: String,
    pub period_from: Date,
    pub period_to: Date,
    pub manual_value: Option<f64>,
    pub manual_note: Option<String>,
    pub measured_by: Option<Uuid>,
    pub measured_at: Option<Ts>,
    pub created_by: Option<Uuid>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

macro_rules! cols {
    () => {
        "id, term, code, name, unit_id, metric, comparison, goal, measure_unit, period_from, period_to, \
         manual_value, manual_note, measured_by, measured_at, created_by, created_at, updated_at"
    };
}

pub async fn insert(tx: &mut Tx, r: &TargetRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(concat!(
        "INSERT INTO targets (",
        cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    ))
    .bind(r.id)
    .bind(&r.term)
    .bind(&r.code)
    .bind(&r.name)
    .bind(r.unit_id)
    .bind(&r.metric)
    .bind(&r.comparison)
    .bind(r.goal)
    .bind(&r.measure_unit)
    .bind(r.period_from)
    .bind(r.period_to)
    .bind(r.manual_value)
    .bind(&r.manual_note)
    .bind(r.measured_by)
    .bind(r.measured_at)
    .bind(r.created_by)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Every target, or a term's, by term and code.
pub async fn list(tx: &mut Tx, term: Option<&str>) -> DbResult<Vec<TargetRow>> {
    match term {
        Some(term) => {
            tx_run!(tx, |c| sqlx::query_as::<_, TargetRow>(concat!(
                "SELECT ",
                cols!(),
                " FROM targets WHERE term = $1 ORDER BY term, code"
            ))
            .bind(term)
            .fetch_all(c)
            .await)
        }
        None => {
            tx_run!(tx, |c| sqlx::query_as::<_, TargetRow>(concat!(
                "SELECT ",
                cols!(),
                " FROM targets ORDER BY term, code"
            ))
            .fetch_all(c)
            .await)
        }
    }
}

pub async fn by_id(tx: &mut Tx, id: Uuid) -> DbResult<Option<TargetRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, TargetRow>(concat!(
        "SELECT ",
        cols!(),
        " FROM targets WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
}

pub async fn count_code(tx: &mut Tx, term: &str, code: &str) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM targets WHERE term = $1 AND code = $2"
    )
    .bind(term)
    .bind(code)
    .fetch_one(c)
    .await)
}

/// Records a value entered by hand.
pub async fn set_value(
    tx: &mut Tx,
    id: Uuid,
    value: f64,
    note: Option<&str>,
    by: Option<Uuid>,
    at: Ts,
) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "UPDATE targets SET manual_value = $2, manual_note = $3, measured_by = $4, measured_at = $5, updated_at = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(value)
    .bind(note)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ())
    })
}
