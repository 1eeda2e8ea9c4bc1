//! Synthetic dossiers in bulk for benchmarks (feature `testing`): units, fields, procedures and
//! millions of dossiers generated inside the database (a recursive CTE on SQLite,
//! `generate_series` on PostgreSQL), with the one-stop report's triggers suspended during the
//! load and its aggregates recomputed at the end. Needs a seeded database (the root unit
//! `000.00.00.H57`). Used by `benches/reports.rs`; other benchmarks may call it too.

use std::time::{Duration, Instant};

use sqlx::AssertSqlSafe;
use time::Date;

use crate::{Db, DbResult, db_run, repo};

/// What to generate.
#[derive(Debug, Clone)]
pub struct BulkSpec {
    pub dossiers: i64,
    /// Processing units (created under the root, codes `999.NN.NN.H57`).
    pub units: i64,
    /// Fields (codes `BF01`…), one procedure each; every unit handles 4 of them.
    pub fields: i64,
    /// Receipts are spread over `days` days from `first_day`.
    pub first_day: Date,
    pub days: i64,
    /// Dossiers that would be resolved after this day stay open.
    pub today: Date,
    /// Rows per statement (and per transaction).
    pub batch: i64,
}

impl BulkSpec {
    /// 10,000,000 dossiers (or `dossiers`) over five years to 2026-11-27, 300 units, 40 fields.
    pub fn five_years(dossiers: i64) -> BulkSpec {
        BulkSpec {
            dossiers,
            units: 300,
            fields: 40,
            first_day: time::macros::date!(2021 - 11 - 28),
            days: 1826,
            today: time::macros::date!(2026 - 11 - 27),
            batch: 500_000,
        }
    }
}

/// How long each part took.
#[derive(Debug, Clone, Default)]
pub struct BulkTimes {
    pub load: Duration,
    pub aggregates: Duration,
}

fn micros(d: Date) -> i64 {
    (d - time::macros::date!(1970 - 01 - 01)).whole_days() * 86_400_000_000
}

/// Generates the units, fields, procedures and dossiers of `spec`, then the report's
/// aggregates. Dossier `n`: unit `(n·7919) mod U`, one of its 4 fields, received at 09:00 on day
/// `(n·104729) mod D`, resolved `(n·31) mod 23` days later (due after 7 days: early, on time
/// or late; a third of the late ones with an apology), 2 % withdrawn, 1 % stopped, 3 % open,
/// 1 % paused for a supplement; those that would be resolved after `today` are open.
pub async fn load(db: &Db, spec: &BulkSpec) -> DbResult<BulkTimes> {
    let started = Instant::now();
    let sqlite = matches!(db, Db::Sqlite(..));
    let (units_sql, fields_sql, procs_sql) = if sqlite {
        (
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $1)
             INSERT INTO units (id, code, name, name_en, kind, parent_id, valid_from, valid_to, address,
               created_at, updated_at, office_hours)
             SELECT unhex(printf('b1%030x', n)), printf('999.%02d.%02d.H57', n / 100, n % 100),
               'Đơn vị thử ' || n, NULL, 'department',
               (SELECT id FROM units WHERE code = '000.00.00.H57' ORDER BY valid_from DESC LIMIT 1),
               '2020-01-01', NULL, NULL, 0, 0, NULL FROM s",
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $1)
             INSERT INTO fields (code, name, updated_at)
             SELECT printf('BF%02d', n), 'Lĩnh vực thử ' || n, 0 FROM s",
            "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $1)
             INSERT INTO procedures (id, code, unit_id, status, version, draft_version, name, field_code,
               level, online, limit_value, limit_unit, complete, publication_number, publication_date,
               effective_from, name_folded, name_exact, text_folded, text_exact, published_at,
               repealed_at, created_at, updated_at)
             SELECT unhex(printf('b2%030x', n)), printf('9.%06d.000.00.00.H57', n),
               unhex(printf('b1%030x', n)), 'superseded', 1, NULL, 'Thủ tục thử ' || n,
               printf('BF%02d', n), 'province', 'full', 7, 'working_days', 1, NULL, NULL, NULL,
               'thu tuc thu', 'thủ tục thử', '', '', NULL, NULL, 0, 0 FROM s",
        )
    } else {
        (
            "INSERT INTO units (id, code, name, name_en, kind, parent_id, valid_from, valid_to, address,
               created_at, updated_at, office_hours)
             SELECT ('b1' || lpad(to_hex(n), 30, '0'))::uuid,
               '999.' || lpad((n / 100)::text, 2, '0') || '.' || lpad((n % 100)::text, 2, '0') || '.H57',
               'Đơn vị thử ' || n, NULL, 'department',
               (SELECT id FROM units WHERE code = '000.00.00.H57' ORDER BY valid_from DESC LIMIT 1),
               DATE '2020-01-01', NULL, NULL, now(), now(), NULL FROM generate_series(1, $1::bigint) n",
            "INSERT INTO fields (code, name, updated_at)
             SELECT 'BF' || lpad(n::text, 2, '0'), 'Lĩnh vực thử ' || n, now()
             FROM generate_series(1, $1::bigint) n",
            "INSERT INTO procedures (id, code, unit_id, status, version, draft_version, name, field_code,
               level, online, limit_value, limit_unit, complete, publication_number, publication_date,
               effective_from, name_folded, name_exact, text_folded, text_exact, published_at,
               repealed_at, created_at, updated_at)
             SELECT ('b2' || lpad(to_hex(n), 30, '0'))::uuid, '9.' || lpad(n::text, 6, '0') || '.000.00.00.H57',
               ('b1' || lpad(to_hex(n), 30, '0'))::uuid, 'superseded', 1, NULL, 'Thủ tục thử ' || n,
               'BF' || lpad(n::text, 2, '0'), 'province', 'full', 7, 'working_days', true, NULL, NULL, NULL,
               'thu tuc thu', 'thủ tục thử', '', '', NULL, NULL, now(), now()
             FROM generate_series(1, $1::bigint) n",
        )
    };
    db_run!(db, |pool| {
        sqlx::query(units_sql)
            .bind(spec.units)
            .execute(pool)
            .await?;
        sqlx::query(fields_sql)
            .bind(spec.fields)
            .execute(pool)
            .await?;
        sqlx::query(procs_sql)
            .bind(spec.fields)
            .execute(pool)
            .await?;
        Ok::<(), sqlx::Error>(())
    })?;
    // The report's triggers are suspended during the load: the aggregates are recomputed once.
    let saved = suspend_triggers(db).await?;
    let mut lo = 1;
    while lo <= spec.dossiers {
        let hi = (lo + spec.batch - 1).min(spec.dossiers);
        insert_batch(db, spec, lo, hi).await?;
        lo = hi + 1;
    }
    resume_triggers(db, saved).await?;
    db_run!(db, |pool| sqlx::query("ANALYZE")
        .execute(pool)
        .await
        .map(|_| ()))?;
    let load = started.elapsed();
    let started = Instant::now();
    let mut tx = db.begin_write().await?;
    repo::reports::recompute(&mut tx).await?;
    tx.commit().await?;
    db_run!(db, |pool| sqlx::query("ANALYZE")
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(BulkTimes {
        load,
        aggregates: started.elapsed(),
    })
}

/// Inserts dossiers number `lo..=hi` of `spec` (units, fields and procedures must exist: see
/// [`load`]). The report's triggers fire unless suspended.
pub async fn insert_batch(db: &Db, spec: &BulkSpec, lo: i64, hi: i64) -> DbResult<()> {
    let first = micros(spec.first_day);
    let now = micros(spec.today) + 3 * 3_600_000_000;
    let sql = match db {
        Db::Sqlite(..) => SQLITE_DOSSIERS,
        Db::Postgres(_) => POSTGRES_DOSSIERS,
    };
    db_run!(db, |pool| sqlx::query(sql)
        .bind(lo)
        .bind(hi)
        .bind(spec.units)
        .bind(spec.days)
        .bind(spec.fields)
        .bind(first)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))
}

const SQLITE_DOSSIERS: &str = "WITH RECURSIVE s(n) AS (SELECT $1 UNION ALL SELECT n + 1 FROM s WHERE n < $2),
             g AS (SELECT n, (n * 7919) % $3 AS u, (n * 104729) % $4 AS d, (n * 31) % 23 AS r,
                     n % 100 AS h FROM s),
             t AS (SELECT n, u, ((u * 4 + (n / $3) % 4) % $5) AS f, r, h,
                     $6 + d * 86400000000 + 7200000000 + (n % 3600) * 1000000 AS rec,
                     $6 + d * 86400000000 + 7200000000 + (n % 3600) * 1000000 + r * 86400000000 + 21600000000 AS fin,
                     $6 + d * 86400000000 + 36000000000 + 7 * 86400000000 AS due FROM g),
             v AS (SELECT *, CASE WHEN h < 2 THEN 'withdrawn' WHEN h < 3 THEN 'stopped'
                       WHEN h < 6 OR fin > $7 THEN 'assigned' WHEN h < 7 THEN 'awaiting_supplement'
                       ELSE 'returned' END AS st FROM t)
             INSERT INTO dossiers (id, code, procedure_id, procedure_version, procedure_code, procedure_name,
               channel, regime, receiving_unit_id, processing_unit_id, assignee_id, citizen_id, status, open,
               applicant_name, applicant_folded, applicant_id_number, applicant_phone, applicant_email,
               applicant_address, documents, clock, submitted_at, received_at, appointment_at, due_at,
               paused_since, resume_status, supplements, fee_vnd, amount_due, apology_required_at,
               apology_at, forwarded_at, step_index, step_started_at, step_escalated, finished_at,
               returned_at, result, outcome, created_at, updated_at)
             SELECT unhex(printf('b3%030x', n)), 'B-' || n, unhex(printf('b2%030x', f + 1)), 1, 'B', 'B',
               CASE n % 3 WHEN 0 THEN 'online' WHEN 1 THEN 'counter' ELSE 'post' END, 'nd118_2025',
               unhex(printf('b1%030x', u + 1)), unhex(printf('b1%030x', u + 1)), NULL, NULL, st,
               CASE WHEN st IN ('assigned', 'awaiting_supplement') THEN 1 ELSE 0 END,
               'A', 'a', NULL, NULL, NULL, NULL, '[]', NULL, NULL, rec, due, due,
               CASE WHEN st = 'awaiting_supplement' THEN rec + 3600000000 END, NULL, 0, 0, NULL, NULL,
               CASE WHEN r > 7 AND n % 3 = 0 THEN rec + 5 * 86400000000 END, NULL, 1, NULL, 0,
               CASE WHEN st IN ('assigned', 'awaiting_supplement') THEN NULL ELSE fin END,
               CASE WHEN st = 'returned' THEN fin + 3600000000 END,
               CASE WHEN st IN ('assigned', 'awaiting_supplement') THEN NULL
                    WHEN r < 7 THEN 'early' WHEN r = 7 THEN 'on_time' ELSE 'late' END,
               CASE WHEN st = 'withdrawn' THEN 'withdrawn' WHEN st = 'stopped' THEN 'stopped'
                    WHEN st = 'returned' THEN 'granted' END,
               rec, rec
             FROM v";

const POSTGRES_DOSSIERS: &str = "WITH g AS (SELECT n, (n * 7919) % $3 AS u, (n * 104729) % $4 AS d, (n * 31) % 23 AS r,
                     n % 100 AS h FROM generate_series($1::bigint, $2::bigint) n),
             t AS (SELECT n, u, ((u * 4 + (n / $3) % 4) % $5) AS f, r, h,
                     $6 + d * 86400000000 + 7200000000 + (n % 3600) * 1000000 AS rec,
                     $6 + d * 86400000000 + 7200000000 + (n % 3600) * 1000000 + r * 86400000000 + 21600000000 AS fin,
                     $6 + d * 86400000000 + 36000000000 + 7 * 86400000000 AS due FROM g),
             v AS (SELECT *, CASE WHEN h < 2 THEN 'withdrawn' WHEN h < 3 THEN 'stopped'
                       WHEN h < 6 OR fin > $7 THEN 'assigned' WHEN h < 7 THEN 'awaiting_supplement'
                       ELSE 'returned' END AS st FROM t)
             INSERT INTO dossiers (id, code, procedure_id, procedure_version, procedure_code, procedure_name,
               channel, regime, receiving_unit_id, processing_unit_id, assignee_id, citizen_id, status, open,
               applicant_name, applicant_folded, applicant_id_number, applicant_phone, applicant_email,
               applicant_address, documents, clock, submitted_at, received_at, appointment_at, due_at,
               paused_since, resume_status, supplements, fee_vnd, amount_due, apology_required_at,
               apology_at, forwarded_at, step_index, step_started_at, step_escalated, finished_at,
               returned_at, result, outcome, created_at, updated_at)
             SELECT ('b3' || lpad(to_hex(n), 30, '0'))::uuid, 'B-' || n,
               ('b2' || lpad(to_hex(f + 1), 30, '0'))::uuid, 1, 'B', 'B',
               CASE n % 3 WHEN 0 THEN 'online' WHEN 1 THEN 'counter' ELSE 'post' END, 'nd118_2025',
               ('b1' || lpad(to_hex(u + 1), 30, '0'))::uuid, ('b1' || lpad(to_hex(u + 1), 30, '0'))::uuid,
               NULL, NULL, st, st IN ('assigned', 'awaiting_supplement'),
               'A', 'a', NULL, NULL, NULL, NULL, '[]', NULL, NULL,
               to_timestamp(rec / 1e6), to_timestamp(due / 1e6), to_timestamp(due / 1e6),
               CASE WHEN st = 'awaiting_supplement' THEN to_timestamp((rec + 3600000000) / 1e6) END, NULL,
               0, 0, NULL, NULL,
               CASE WHEN r > 7 AND n % 3 = 0 THEN to_timestamp((rec + 5 * 86400000000) / 1e6) END, NULL, 1, NULL, false,
               CASE WHEN st IN ('assigned', 'awaiting_supplement') THEN NULL ELSE to_timestamp(fin / 1e6) END,
               CASE WHEN st = 'returned' THEN to_timestamp((fin + 3600000000) / 1e6) END,
               CASE WHEN st IN ('assigned', 'awaiting_supplement') THEN NULL
                    WHEN r < 7 THEN 'early' WHEN r = 7 THEN 'on_time' ELSE 'late' END,
               CASE WHEN st = 'withdrawn' THEN 'withdrawn' WHEN st = 'stopped' THEN 'stopped'
                    WHEN st = 'returned' THEN 'granted' END,
               to_timestamp(rec / 1e6), to_timestamp(rec / 1e6)
             FROM v";

/// Drops (SQLite) or disables (PostgreSQL) the user triggers on `dossiers`; returns what
/// [`resume_triggers`] needs to put them back.
pub async fn suspend_triggers(db: &Db) -> DbResult<Vec<(String, String)>> {
    match db {
        Db::Sqlite(pool, _) => {
            let saved: Vec<(String, String)> = sqlx::query_as(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'dossiers'",
            )
            .fetch_all(pool)
            .await?;
            for (name, _) in &saved {
                sqlx::query(AssertSqlSafe(format!("DROP TRIGGER {name}")))
                    .execute(pool)
                    .await?;
            }
            Ok(saved)
        }
        Db::Postgres(pool) => {
            sqlx::query("ALTER TABLE dossiers DISABLE TRIGGER USER")
                .execute(pool)
                .await?;
            Ok(vec![])
        }
    }
}

/// Puts back what [`suspend_triggers`] took away.
pub async fn resume_triggers(db: &Db, saved: Vec<(String, String)>) -> DbResult<()> {
    match db {
        Db::Sqlite(pool, _) => {
            for (_, sql) in saved {
                sqlx::query(AssertSqlSafe(sql)).execute(pool).await?;
            }
        }
        Db::Postgres(pool) => {
            sqlx::query("ALTER TABLE dossiers ENABLE TRIGGER USER")
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}
