//! The one-stop report's aggregates (migration 0011): `report_onestop_daily` and
//! `report_onestop_monthly`, kept by triggers on `dossiers` from the one definition of a
//! dossier's contribution, the view `report_onestop_contrib` (see the migration for the rules).
//! Here: sums over day and month ranges, and the rebuild that recomputes them from the dossiers
//! and compares.

use sqlx::AssertSqlSafe;
use time::Date;

// Dynamic SQL below joins only constant fragments (table names and column lists of this file).
use uuid::Uuid;

use crate::{Backend, DbResult, Tx, tx_run};

/// The summed deltas of a range of days for one unit and field (or any grouping).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct OneStopSums {
    pub received_online: i64,
    pub received_offline: i64,
    pub resolved_early: i64,
    pub resolved_on_time: i64,
    pub resolved_late: i64,
    pub resolved_late_apology: i64,
    pub withdrawn: i64,
    pub returned: i64,
    /// +1 received, -1 resolved: the prefix sum is the number open.
    pub open_delta: i64,
    /// +1 the day after the due day, -1 when resolved after it: the prefix sum is the number
    /// overdue.
    pub overdue_delta: i64,
}

impl OneStopSums {
    pub fn add(&mut self, o: &OneStopSums) {
        self.received_online += o.received_online;
        self.received_offline += o.received_offline;
        self.resolved_early += o.resolved_early;
        self.resolved_on_time += o.resolved_on_time;
        self.resolved_late += o.resolved_late;
        self.resolved_late_apology += o.resolved_late_apology;
        self.withdrawn += o.withdrawn;
        self.returned += o.returned;
        self.open_delta += o.open_delta;
        self.overdue_delta += o.overdue_delta;
    }

    pub fn is_zero(&self) -> bool {
        *self == OneStopSums::default()
    }
}

/// Sums of one unit and field.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SumsRow {
    pub unit_id: Uuid,
    pub field_code: String,
    #[sqlx(flatten)]
    pub sums: OneStopSums,
}

/// Sums of one month (its first day) and unit.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MonthRow {
    pub month: Date,
    pub unit_id: Uuid,
    #[sqlx(flatten)]
    pub sums: OneStopSums,
}

macro_rules! sums {
    () => {
        "CAST(SUM(received_online) AS BIGINT) AS received_online, \
         CAST(SUM(received_offline) AS BIGINT) AS received_offline, \
         CAST(SUM(resolved_early) AS BIGINT) AS resolved_early, \
         CAST(SUM(resolved_on_time) AS BIGINT) AS resolved_on_time, \
         CAST(SUM(resolved_late) AS BIGINT) AS resolved_late, \
         CAST(SUM(resolved_late_apology) AS BIGINT) AS resolved_late_apology, \
         CAST(SUM(withdrawn) AS BIGINT) AS withdrawn, \
         CAST(SUM(returned) AS BIGINT) AS returned, \
         CAST(SUM(open_delta) AS BIGINT) AS open_delta, \
         CAST(SUM(overdue_delta) AS BIGINT) AS overdue_delta"
    };
}

macro_rules! cols {
    () => {
        "received_online, received_offline, resolved_early, resolved_on_time, resolved_late, \
         resolved_late_apology, withdrawn, returned, open_delta, overdue_delta"
    };
}

/// Not every delta zero (rows left by a subtraction are all zero).
macro_rules! nonzero {
    () => {
        "NOT (received_online = 0 AND received_offline = 0 AND resolved_early = 0 \
         AND resolved_on_time = 0 AND resolved_late = 0 AND resolved_late_apology = 0 \
         AND withdrawn = 0 AND returned = 0 AND open_delta = 0 AND overdue_delta = 0)"
    };
}

/// Sums of the daily rows with `lo <= day <= hi`, per unit and field.
pub async fn daily_sums(tx: &mut Tx, lo: Date, hi: Date) -> DbResult<Vec<SumsRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, SumsRow>(concat!(
        "SELECT unit_id, field_code, ",
        sums!(),
        " FROM report_onestop_daily WHERE day >= $1 AND day <= $2 GROUP BY unit_id, field_code"
    ))
    .bind(lo)
    .bind(hi)
    .fetch_all(c)
    .await)
}

/// Sums of the monthly rows with `lo <= month <= hi` (first days of months; `lo` none: from the
/// beginning), per unit and field.
pub async fn monthly_sums(tx: &mut Tx, lo: Option<Date>, hi: Date) -> DbResult<Vec<SumsRow>> {
    let lo = lo.unwrap_or(time::macros::date!(1900 - 01 - 01));
    tx_run!(tx, |c| sqlx::query_as::<_, SumsRow>(concat!(
        "SELECT unit_id, field_code, ",
        sums!(),
        " FROM report_onestop_monthly WHERE month >= $1 AND month <= $2 \
         GROUP BY unit_id, field_code"
    ))
    .bind(lo)
    .bind(hi)
    .fetch_all(c)
    .await)
}

/// The monthly rows up to `hi` (a month's first day) summed over fields, per month and unit, in
/// month order.
pub async fn months(tx: &mut Tx, hi: Date) -> DbResult<Vec<MonthRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, MonthRow>(concat!(
        "SELECT month, unit_id, ",
        sums!(),
        " FROM report_onestop_monthly WHERE month <= $1 GROUP BY month, unit_id ORDER BY month"
    ))
    .bind(hi)
    .fetch_all(c)
    .await)
}

/// Field names by code.
pub async fn field_names(tx: &mut Tx) -> DbResult<Vec<(String, String)>> {
    tx_run!(tx, |c| sqlx::query_as::<_, (String, String)>(
        "SELECT code, name FROM fields ORDER BY code"
    )
    .fetch_all(c)
    .await)
}

/// The first day of the month of the date column `col`, in the backend's SQL.
fn month_of(backend: Backend, col: &str) -> String {
    match backend {
        Backend::Sqlite => format!("substr({col}, 1, 7) || '-01'"),
        Backend::Postgres => format!("CAST(date_trunc('month', {col}) AS DATE)"),
    }
}

/// Runs statements built from the constant fragments of this file, in order.
async fn execute_all(tx: &mut Tx, statements: &[String]) -> DbResult<()> {
    for s in statements {
        tx_run!(tx, |c| sqlx::query(AssertSqlSafe(s.as_str()))
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// Replaces both aggregate tables with sums recomputed from the dossiers, without comparing
/// (after a bulk load with the triggers suspended). Rows are written in key order: on
/// PostgreSQL the heap then follows the primary key and a range of days reads few pages
/// (10× faster than rows scattered by a hash aggregate).
pub async fn recompute(tx: &mut Tx) -> DbResult<()> {
    let month = month_of(tx.backend(), "day");
    let statements = [
        "DELETE FROM report_onestop_daily".to_owned(),
        "DELETE FROM report_onestop_monthly".to_owned(),
        concat!(
            "INSERT INTO report_onestop_daily (day, unit_id, field_code, ",
            cols!(),
            ") SELECT day, unit_id, field_code, ",
            sums!(),
            " FROM report_onestop_contrib GROUP BY day, unit_id, field_code \
             ORDER BY day, unit_id, field_code"
        )
        .to_owned(),
        format!(
            "INSERT INTO report_onestop_monthly (month, unit_id, field_code, {}) \
             SELECT {month}, unit_id, field_code, {} FROM report_onestop_daily \
             GROUP BY 1, unit_id, field_code ORDER BY 1, unit_id, field_code",
            cols!(),
            sums!()
        ),
    ];
    execute_all(tx, &statements).await?;
    Ok(())
}

/// Suspends the aggregate triggers for the rest of this write transaction (migration 0013): the
/// sentinel row of `report_deferred`, never committed, so other transactions keep the triggers.
/// Every dossier written while deferred must be passed to [`settle`] before the commit.
pub async fn defer(tx: &mut Tx) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO report_deferred (dossier_id) VALUES ($1)"
    )
    .bind(Uuid::nil())
    .execute(c)
    .await
    .map(|_| ()))
}

/// Ends a [`defer`]: adds the contributions of the dossiers written meanwhile (`ids`, each once)
/// to both aggregate tables and removes the sentinel. The contributions are gathered by chunks of
/// ids into a temporary table (a list of ids is pushed into each branch of the view, so each
/// chunk reads its own dossiers by primary key; a join or `IN (SELECT …)` would read them all),
/// then summed with one GROUP BY per table: every aggregate row is written once, however many
/// dossiers and transitions it sums.
pub async fn settle(tx: &mut Tx, ids: &[Uuid]) -> DbResult<()> {
    const CHUNK: usize = 500;
    let month = month_of(tx.backend(), "day");
    let add = |table: &str, key: &str| {
        let set = cols!()
            .split(", ")
            .map(|c| format!("{c} = {table}.{c} + excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("ON CONFLICT ({key}, unit_id, field_code) DO UPDATE SET {set}")
    };
    let statements = [
        "DROP TABLE IF EXISTS report_settle".to_owned(),
        concat!(
            "CREATE TEMPORARY TABLE report_settle AS SELECT day, unit_id, field_code, ",
            cols!(),
            " FROM report_onestop_contrib WHERE 1 = 0"
        )
        .to_owned(),
    ];
    execute_all(tx, &statements).await?;
    for chunk in ids.chunks(CHUNK) {
        let list = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            concat!(
                "INSERT INTO report_settle SELECT day, unit_id, field_code, ",
                cols!(),
                " FROM report_onestop_contrib WHERE dossier_id IN ({})"
            ),
            list
        );
        tx_run!(tx, |c| {
            let mut q = sqlx::query(AssertSqlSafe(sql.as_str()));
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    let statements = [
        format!(
            "INSERT INTO report_onestop_daily (day, unit_id, field_code, {}) \
             SELECT day, unit_id, field_code, {} FROM report_settle WHERE day IS NOT NULL \
             GROUP BY day, unit_id, field_code ORDER BY day, unit_id, field_code {}",
            cols!(),
            sums!(),
            add("report_onestop_daily", "day")
        ),
        format!(
            "INSERT INTO report_onestop_monthly (month, unit_id, field_code, {}) \
             SELECT {month}, unit_id, field_code, {} FROM report_settle WHERE day IS NOT NULL \
             GROUP BY 1, unit_id, field_code ORDER BY 1, unit_id, field_code {}",
            cols!(),
            sums!(),
            add("report_onestop_monthly", "month")
        ),
        "DROP TABLE report_settle".to_owned(),
        "DELETE FROM report_deferred".to_owned(),
    ];
    execute_all(tx, &statements).await?;
    Ok(())
}

/// A row where the kept aggregates and the recomputed ones differ.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// `day` or `month`.
    pub grain: &'static str,
    pub period: Date,
    pub unit_id: Uuid,
    pub field_code: String,
    /// What the table held (none: no row, or all zero).
    pub kept: Option<OneStopSums>,
    /// What the dossiers give.
    pub expected: Option<OneStopSums>,
}

#[derive(sqlx::FromRow)]
struct SideRow {
    side: String,
    period: Date,
    unit_id: Uuid,
    field_code: String,
    #[sqlx(flatten)]
    sums: OneStopSums,
}

/// Recomputes both aggregate tables from the dossiers (one GROUP BY over
/// `report_onestop_contrib`), returns the rows where the kept ones differ (all-zero rows count as
/// absent) and, if any differ, replaces the tables with the recomputed sums. Run it in a write
/// transaction; on PostgreSQL it takes a SHARE lock on `dossiers` so that no writer moves the
/// dossiers while they are compared.
pub async fn rebuild(tx: &mut Tx) -> DbResult<Vec<Difference>> {
    let month = month_of(tx.backend(), "period");
    if tx.backend() == Backend::Postgres {
        tx_run!(tx, |c| sqlx::query("LOCK TABLE dossiers IN SHARE MODE")
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    let statements = [
        "DROP TABLE IF EXISTS report_fresh_daily".to_owned(),
        "DROP TABLE IF EXISTS report_fresh_monthly".to_owned(),
        concat!(
            "CREATE TEMPORARY TABLE report_fresh_daily AS SELECT day AS period, unit_id, field_code, ",
            sums!(),
            " FROM report_onestop_contrib GROUP BY day, unit_id, field_code"
        )
        .to_owned(),
        format!(
            "CREATE TEMPORARY TABLE report_fresh_monthly AS SELECT {month} AS period, unit_id, \
             field_code, {} FROM report_fresh_daily GROUP BY 1, unit_id, field_code",
            sums!()
        ),
        concat!("DELETE FROM report_fresh_daily WHERE NOT (", nonzero!(), ")").to_owned(),
        concat!("DELETE FROM report_fresh_monthly WHERE NOT (", nonzero!(), ")").to_owned(),
    ];
    execute_all(tx, &statements).await?;
    let mut out = vec![];
    for (grain, table, fresh, key) in [
        ("day", "report_onestop_daily", "report_fresh_daily", "day"),
        (
            "month",
            "report_onestop_monthly",
            "report_fresh_monthly",
            "month",
        ),
    ] {
        let kept = format!(
            "SELECT {key} AS period, unit_id, field_code, {} FROM {table} WHERE {}",
            cols!(),
            nonzero!()
        );
        let expected = format!(
            "SELECT period, unit_id, field_code, {} FROM {fresh}",
            cols!()
        );
        let q = format!(
            "SELECT 'kept' AS side, x.* FROM ({kept} EXCEPT {expected}) x \
             UNION ALL SELECT 'expected' AS side, y.* FROM ({expected} EXCEPT {kept}) y"
        );
        let rows: Vec<SideRow> = tx_run!(tx, |c| sqlx::query_as::<_, SideRow>(AssertSqlSafe(
            q.as_str()
        ))
        .fetch_all(c)
        .await)?;
        let mut diffs: Vec<Difference> = vec![];
        let mut index: std::collections::HashMap<(Date, Uuid, String), usize> =
            std::collections::HashMap::new();
        for r in rows {
            let key = (r.period, r.unit_id, r.field_code.clone());
            let i = match index.get(&key) {
                Some(i) => *i,
                None => {
                    index.insert(key, diffs.len());
                    diffs.push(Difference {
                        grain,
                        period: r.period,
                        unit_id: r.unit_id,
                        field_code: r.field_code.clone(),
                        kept: None,
                        expected: None,
                    });
                    diffs.len() - 1
                }
            };
            if r.side == "kept" {
                diffs[i].kept = Some(r.sums);
            } else {
                diffs[i].expected = Some(r.sums);
            }
        }
        diffs.sort_by(|a, b| {
            (a.period, a.unit_id, &a.field_code).cmp(&(b.period, b.unit_id, &b.field_code))
        });
        out.extend(diffs);
    }
    if !out.is_empty() {
        for (table, fresh, key) in [
            ("report_onestop_daily", "report_fresh_daily", "day"),
            ("report_onestop_monthly", "report_fresh_monthly", "month"),
        ] {
            let delete = format!("DELETE FROM {table}");
            let insert = format!(
                "INSERT INTO {table} ({key}, unit_id, field_code, {c}) \
                 SELECT period, unit_id, field_code, {c} FROM {fresh} \
                 ORDER BY period, unit_id, field_code",
                c = cols!()
            );
            tx_run!(tx, |c| sqlx::query(AssertSqlSafe(delete.as_str()))
                .execute(c)
                .await
                .map(|_| ()))?;
            tx_run!(tx, |c| sqlx::query(AssertSqlSafe(insert.as_str()))
                .execute(c)
                .await
                .map(|_| ()))?;
        }
    }
    execute_all(tx, &statements[..2]).await?;
    Ok(out)
}
