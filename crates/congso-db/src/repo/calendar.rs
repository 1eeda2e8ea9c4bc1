//! The calendar's yearly decisions.

use time::Date;
use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DayRow {
    pub day: Date,
    pub year: i32,
    pub kind: String,
    pub name_vi: String,
    pub name_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct YearRow {
    pub year: i32,
    pub source: Option<String>,
    pub updated_at: Ts,
    pub updated_by: Option<Uuid>,
}

pub async fn years(tx: &mut Tx) -> DbResult<Vec<YearRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, YearRow>(
        "SELECT year, source, updated_at, updated_by FROM calendar_years ORDER BY year"
    )
    .fetch_all(c)
    .await)
}

pub async fn all_days(tx: &mut Tx) -> DbResult<Vec<DayRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, DayRow>(
        "SELECT day, year, kind, name_vi, name_en FROM calendar_days ORDER BY day"
    )
    .fetch_all(c)
    .await)
}

/// Replaces a year's decision.
pub async fn put_year(
    tx: &mut Tx,
    year: i32,
    source: Option<&str>,
    days: &[DayRow],
    now: Ts,
    by: Option<Uuid>,
) -> DbResult<()> {
    delete_year(tx, year).await?;
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO calendar_years (year, source, updated_at, updated_by) VALUES ($1, $2, $3, $4)"
    )
    .bind(year)
    .bind(source)
    .bind(now)
    .bind(by)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    for d in days {
        tx_run!(tx, |c| {
            sqlx::query(
            "INSERT INTO calendar_days (day, year, kind, name_vi, name_en) VALUES ($1, $2, $3, $4, $5)"
        )
        .bind(d.day)
        .bind(year)
        .bind(&d.kind)
        .bind(&d.name_vi)
        .bind(&d.name_en)
        .execute(&mut *c)
        .await
        .map(|_| ())
        })?;
    }
    Ok(())
}

/// Removes a year's decision (the rules apply again). Returns whether there was one.
pub async fn delete_year(tx: &mut Tx, year: i32) -> DbResult<bool> {
    tx_run!(tx, |c| sqlx::query(
        "DELETE FROM calendar_days WHERE year = $1"
    )
    .bind(year)
    .execute(&mut *c)
    .await
    .map(|_| ()))?;
    tx_run!(tx, |c| sqlx::query(
        "DELETE FROM calendar_years WHERE year = $1"
    )
    .bind(year)
    .execute(c)
    .await
    .map(|r| r.rows_affected() > 0))
}
