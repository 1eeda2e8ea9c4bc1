//! One-stop report benchmark (release), on SQLite and on PostgreSQL: 10,000,000 synthetic
//! dossiers over five years, 300 units, 40 fields (`congso_db::bulk`, generated inside the
//! database with the report's triggers suspended, aggregates recomputed once), then the report
//! (`congso_app::reports::one_stop`) for a year over every unit and for one unit, a month, five
//! years, and the monthly series — median and max of several runs; the QĐ 766 index for a year
//! over every unit (target ≤ 2 s) and for one unit, and the public statistics of a year; then
//! `rebuild` (recompute and compare) and the cost of the triggers on inserts and transitions.
//!
//! `cargo bench -p congso-web --bench reports` (env `BENCH_DOSSIERS`, default 10,000,000;
//! `BENCH_BACKENDS=sqlite,postgres`; PostgreSQL from `CONGSO_TEST_DATABASE_URL`; `BENCH_RUNS`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use congso_app::{Actor, App, AppConfig, FixedClock};
use congso_db::bulk::{BulkSpec, load};
use congso_db::testing::TestDb;
use congso_db::{Db, db_run, sqlx};
use time::macros::{date, datetime};

fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() - 1])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn timed<F, Fut, T>(runs: usize, mut f: F) -> (Duration, Duration, T)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut times = vec![];
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f().await);
        times.push(t.elapsed());
    }
    let (median, max) = stats(times);
    (median, max, last.unwrap_or_else(|| unreachable!()))
}

/// Rows of the aggregate tables.
async fn aggregate_rows(db: &Db) -> (i64, i64) {
    db_run!(db, |pool| {
        let d: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM report_onestop_daily")
            .fetch_one(pool)
            .await
            .expect("count");
        let m: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM report_onestop_monthly")
            .fetch_one(pool)
            .await
            .expect("count");
        (d.0, m.0)
    })
}

/// The per-row cost of the triggers: `n` more dossiers inserted with them and `n` without, then
/// `n` open dossiers resolved with them (a transition that moves the report).
async fn trigger_cost(db: &Db, n: i64, next: i64) -> (f64, f64, f64) {
    let spec = BulkSpec::five_years(n);
    let insert = |from: i64| {
        let spec = spec.clone();
        async move {
            // The same generator, one batch of `n` from dossier number `from`.
            congso_db::bulk::insert_batch(db, &spec, from, from + n - 1)
                .await
                .expect("insert");
        }
    };
    let t = Instant::now();
    insert(next).await;
    let with = t.elapsed();
    let saved = congso_db::bulk::suspend_triggers(db)
        .await
        .expect("suspend");
    let t = Instant::now();
    insert(next + n).await;
    let without = t.elapsed();
    // Those are not in the aggregates: out again before the triggers come back.
    db_run!(db, |pool| {
        sqlx::query(
            "DELETE FROM dossiers WHERE id IN (SELECT id FROM dossiers ORDER BY id DESC LIMIT $1)",
        )
        .bind(n)
        .execute(pool)
        .await
        .map(|_| ())
        .expect("delete")
    });
    congso_db::bulk::resume_triggers(db, saved)
        .await
        .expect("resume");
    let t = Instant::now();
    let resolved = db_run!(db, |pool| {
        let q = match db {
            Db::Sqlite(..) => {
                "UPDATE dossiers SET status = 'returned', open = 0, finished_at = received_at + 86400000000, \
                 result = 'early', outcome = 'granted' WHERE id IN (SELECT id FROM dossiers WHERE open = 1 \
                 AND status = 'assigned' LIMIT $1)"
            }
            Db::Postgres(_) => {
                "UPDATE dossiers SET status = 'returned', open = false, finished_at = received_at + interval '1 day', \
                 result = 'early', outcome = 'granted' WHERE id IN (SELECT id FROM dossiers WHERE open \
                 AND status = 'assigned' LIMIT $1)"
            }
        };
        sqlx::query(q)
            .bind(n)
            .execute(pool)
            .await
            .expect("resolve")
            .rows_affected()
    });
    let update = t.elapsed();
    let per = |d: Duration, k: u64| d.as_secs_f64() * 1e6 / k.max(1) as f64;
    (
        per(with, n as u64) - per(without, n as u64),
        per(without, n as u64),
        per(update, resolved),
    )
}

async fn run(name: &str, guard: TestDb, n: i64, runs: usize) {
    println!("== {name}: {n} dossiers ==");
    let clock = Arc::new(FixedClock::new(datetime!(2026-11-27 10:00 +7)));
    let app = App::new(guard.db.clone(), clock, AppConfig::default());
    app.bootstrap().await.expect("bootstrap");
    congso_app::demo::seed(&app, Some("mat-khau-bench-2026"))
        .await
        .expect("seed");
    let spec = BulkSpec::five_years(n);
    let times = load(&app.db, &spec).await.expect("load");
    let (daily, monthly) = aggregate_rows(&app.db).await;
    println!(
        "load {:.1} s; aggregates recomputed in {:.1} s ({daily} daily rows, {monthly} monthly rows)",
        times.load.as_secs_f64(),
        times.aggregates.as_secs_f64()
    );
    let system = Actor::system();
    let cases: [(&str, time::Date, time::Date, Option<&str>); 5] = [
        (
            "year 2025, all units",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            None,
        ),
        (
            "year 2025, one unit",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            Some("999.01.23.H57"),
        ),
        (
            "12 months to today, all units",
            date!(2025 - 11 - 28),
            date!(2026 - 11 - 27),
            None,
        ),
        (
            "one month (mid-month edges)",
            date!(2026 - 03 - 15),
            date!(2026 - 04 - 14),
            None,
        ),
        (
            "five years, all units",
            date!(2021 - 11 - 28),
            date!(2026 - 11 - 27),
            None,
        ),
    ];
    let mut year_total = None;
    for (label, from, to, unit) in cases {
        let (median, max, r) = timed(runs, || {
            congso_app::reports::one_stop(&app, &system, from, to, unit)
        })
        .await;
        let r = r.expect("report");
        assert!(r.total.identities_hold(), "{label}: {:?}", r.total);
        assert!(r.rows.iter().all(|row| row.counts.identities_hold()));
        if year_total.is_none() {
            year_total = Some(r.total);
        }
        println!(
            "report {label}: median {:.1} ms, max {:.1} ms ({} rows, received {}, resolved {}, in progress {})",
            ms(median),
            ms(max),
            r.rows.len(),
            r.total.received_total,
            r.total.resolved_total,
            r.total.in_progress_total
        );
    }
    let (median, max, m) = timed(runs, || {
        congso_app::reports::one_stop_monthly(
            &app,
            None,
            date!(2021 - 11 - 01),
            date!(2026 - 11 - 30),
        )
    })
    .await;
    println!(
        "monthly series, 61 months: median {:.1} ms, max {:.1} ms ({} months)",
        ms(median),
        ms(max),
        m.expect("monthly").len()
    );
    index_and_statistics(&app.db, runs).await;
    let t = Instant::now();
    let r = congso_app::reports::rebuild(&app).await.expect("rebuild");
    println!(
        "rebuild (recompute + compare): {:.1} s, {} differences",
        t.elapsed().as_secs_f64(),
        r.differences.len()
    );
    assert!(r.differences.is_empty());
    let k = (n / 100).clamp(1_000, 50_000);
    let (trigger, plain, update) = trigger_cost(&app.db, k, n + 1).await;
    println!(
        "triggers: +{trigger:.1} µs per inserted dossier (insert without them {plain:.1} µs); \
         resolving an open dossier {update:.1} µs with them"
    );
    let r = congso_app::reports::rebuild(&app).await.expect("rebuild");
    println!(
        "rebuild after the trigger-maintained writes: {} differences",
        r.differences.len()
    );
    assert!(
        r.differences.is_empty(),
        "{:?}",
        &r.differences[..r.differences.len().min(5)]
    );
    drop(app);
    drop(guard);
}

/// The QĐ 766 index (target: every unit over a year in ≤ 2 s) and the public statistics of a
/// year (`/thong-ke`) on the same loaded database.
async fn index_and_statistics(db: &Db, runs: usize) {
    // A server started on the loaded database (its unit cache holds the generated units).
    let clock = Arc::new(FixedClock::new(datetime!(2026-11-27 10:00 +7)));
    let app = App::new(db.clone(), clock, AppConfig::default());
    let system = Actor::system();
    let cases: [(&str, time::Date, time::Date, Option<&str>); 3] = [
        (
            "year 2025, all units",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            None,
        ),
        (
            "year 2025, one unit",
            date!(2025 - 01 - 01),
            date!(2025 - 12 - 31),
            Some("999.01.23.H57"),
        ),
        (
            "12 months to today, all units",
            date!(2025 - 11 - 28),
            date!(2026 - 11 - 27),
            None,
        ),
    ];
    for (label, from, to, unit) in cases {
        let (median, max, r) = timed(runs, || {
            congso_app::index766::report(&app, &system, from, to, unit)
        })
        .await;
        let r = r.expect("index");
        let f = &r.total.facts;
        println!(
            "index 766 {label}: median {:.1} ms, max {:.1} ms ({} rows; total {:.2}; 2.1 = {}/{})",
            ms(median),
            ms(max),
            r.rows.len(),
            r.total.index.total,
            f.resolved_early + f.resolved_on_time + f.in_progress_within,
            f.resolved() + f.in_progress_within + f.in_progress_overdue,
        );
        if unit.is_none() && label.starts_with("year") {
            assert!(
                median <= Duration::from_secs(2),
                "{label}: {median:?} > 2 s"
            );
        }
    }
    let (median, max, s) = timed(runs, || {
        congso_app::statistics::public(&app, Some(2025), None)
    })
    .await;
    let s = s.expect("statistics");
    println!(
        "/thong-ke statistics 2025, the city: median {:.1} ms, max {:.1} ms ({} months, {} targets)",
        ms(median),
        ms(max),
        s.months.len(),
        s.targets.len()
    );
}

fn main() {
    let n: i64 = std::env::var("BENCH_DOSSIERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(9);
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        for b in backends.split(',').map(str::trim) {
            match b {
                "sqlite" => run("SQLite", TestDb::sqlite().await, n, runs).await,
                "postgres" => match TestDb::postgres().await {
                    Some(g) => run("PostgreSQL", g, n, runs).await,
                    None => println!("PostgreSQL skipped: CONGSO_TEST_DATABASE_URL not set"),
                },
                other => println!("unknown backend {other}"),
            }
        }
    });
}
