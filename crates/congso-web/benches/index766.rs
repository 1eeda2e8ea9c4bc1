//! QĐ 766 index benchmark (release), on SQLite and on PostgreSQL: the synthetic dossiers of
//! `benches/reports.rs` (`congso_db::bulk`, default 10,000,000 over five years, 300 units), then
//! the index for a year over every unit (rows per unit + the city), for one unit, the public
//! statistics of a year (`/thong-ke`: monthly series, rates, index, targets) — median and max of
//! several runs. Target: the index of every unit over a year in ≤ 2 s.
//!
//! `cargo bench -p congso-web --bench index766` (env `BENCH_DOSSIERS`, `BENCH_BACKENDS`,
//! `BENCH_RUNS`; PostgreSQL from `CONGSO_TEST_DATABASE_URL`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use congso_app::{Actor, App, AppConfig, FixedClock};
use congso_db::bulk::{BulkSpec, load};
use congso_db::testing::TestDb;
use time::macros::{date, datetime};

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
    times.sort();
    let (median, max) = (times[times.len() / 2], times[times.len() - 1]);
    (median, max, last.unwrap_or_else(|| unreachable!()))
}

async fn run(name: &str, guard: TestDb, n: i64, runs: usize) {
    println!("== {name}: {n} dossiers ==");
    let clock = Arc::new(FixedClock::new(datetime!(2026-11-27 10:00 +7)));
    let app = App::new(guard.db.clone(), clock, AppConfig::default());
    app.bootstrap().await.expect("bootstrap");
    congso_app::demo::seed(&app, Some("mat-khau-bench-2026"))
        .await
        .expect("seed");
    let times = load(&app.db, &BulkSpec::five_years(n)).await.expect("load");
    println!(
        "load {:.1} s; aggregates {:.1} s",
        times.load.as_secs_f64(),
        times.aggregates.as_secs_f64()
    );
    // A server started on the loaded database (its unit cache holds the generated units).
    drop(app);
    let clock = Arc::new(FixedClock::new(datetime!(2026-11-27 10:00 +7)));
    let app = App::new(guard.db.clone(), clock, AppConfig::default());
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
    drop(app);
    drop(guard);
}

fn main() {
    let n: i64 = std::env::var("BENCH_DOSSIERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
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
