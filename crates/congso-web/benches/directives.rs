//! Directive dashboard benchmark (release, SQLite): a reporting year of 2,500 directives
//! (~6,000 tasks) generated into a fresh database, then the dashboard computed in process and the
//! whole page `/chi-dao?ky=nam` rendered through the router.
//!
//! `cargo bench -p congso-web --bench directives` (env `BENCH_DIRECTIVES`, `BENCH_RUNS`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use congso_app::{App, AppConfig, FixedClock};
use congso_db::{ConnectOptions, Db};
use time::macros::{date, datetime};
use tower::ServiceExt;

const PW: &str = "mat-khau-bench-2026";

fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let n: usize = std::env::var("BENCH_DIRECTIVES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_500);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    rt.block_on(async move {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let db = Db::connect(&url, &ConnectOptions::default())
            .await
            .expect("open");
        db.migrate().await.expect("migrate");
        let clock = Arc::new(FixedClock::new(datetime!(2026-12-20 09:00 +7)));
        let app = App::new(db, clock, AppConfig::default());
        app.bootstrap().await.expect("bootstrap");
        congso_app::demo::seed(&app, Some(PW)).await.expect("seed");
        let (units, leader) = {
            let mut tx = app.db.begin_read().await.expect("tx");
            let all = congso_db::repo::units::list(&mut tx, Some(date!(2026 - 12 - 01)))
                .await
                .expect("units");
            let leads: Vec<uuid::Uuid> = all
                .iter()
                .filter(|u| {
                    matches!(
                        u.kind.as_str(),
                        "department" | "ward_committee" | "commune_committee"
                    )
                })
                .map(|u| u.id)
                .collect();
            let leader = congso_db::repo::users::by_username(&mut tx, "lanhdao")
                .await
                .expect("q")
                .expect("leader")
                .id;
            (leads, leader)
        };
        let t = Instant::now();
        let plan = congso_app::directives::generate_year(
            &app,
            2026,
            n,
            &units,
            Some(leader),
            date!(2026 - 12 - 14),
            7,
        )
        .await
        .expect("generate");
        println!(
            "generated {n} directives, {} tasks, {} lead units in {:.1} s",
            plan.len(),
            units.len(),
            t.elapsed().as_secs_f64()
        );
        let office = {
            let mut tx = app.db.begin_read().await.expect("tx");
            let u = congso_db::repo::users::by_username(&mut tx, "vanphong")
                .await
                .expect("q")
                .expect("user");
            congso_app::Actor::load(&mut tx, &u).await.expect("actor")
        };
        let mut lat = vec![];
        for _ in 0..runs {
            let t = Instant::now();
            let d = congso_app::directives::dashboard(
                &app,
                &office,
                date!(2025 - 12 - 15),
                date!(2026 - 12 - 14),
                None,
            )
            .await
            .expect("dashboard");
            lat.push(t.elapsed());
            assert!(d.total.completed() > 0);
        }
        lat.sort();
        println!(
            "dashboard computed in process: p50 {:.2} ms, p99 {:.2} ms",
            pct(&lat, 0.5),
            pct(&lat, 0.99)
        );
        let token =
            congso_app::auth::create_token(&app, &congso_app::Actor::system(), "vanphong", "bench")
                .await
                .expect("token");
        let state = congso_web::AppState::new(app.clone(), congso_web::WebConfig::default())
            .await
            .expect("state");
        let router = congso_web::router(state);
        let mut lat = vec![];
        let mut size = 0;
        for _ in 0..runs {
            let req = Request::builder()
                .uri("/chi-dao?ky=nam&nam=2026")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .expect("request");
            let t = Instant::now();
            let resp = router.clone().oneshot(req).await.expect("response");
            assert_eq!(resp.status(), 200);
            let body = axum::body::to_bytes(resp.into_body(), 64 << 20)
                .await
                .expect("body");
            lat.push(t.elapsed());
            size = body.len();
        }
        lat.sort();
        println!(
            "GET /chi-dao?ky=nam (whole page, {} KB): p50 {:.2} ms, p99 {:.2} ms",
            size / 1024,
            pct(&lat, 0.5),
            pct(&lat, 0.99)
        );
    });
}
