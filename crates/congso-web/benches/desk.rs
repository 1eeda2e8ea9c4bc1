//! One-stop desk benchmark (release, SQLite):
//! 1. complete lifecycles (receive → forward → assign → approve → finish → return) through the HTTP
//!    API on loopback, many desks at once: dossiers per second and latency per transition;
//! 2. the inbox of a unit with 1,000,000 dossiers in the database (generated in a child process,
//!    so this process's memory is the server's): latency and peak RSS.
//!
//! `cargo bench -p congso-web --bench desk` (env `BENCH_SECONDS`, `BENCH_DOSSIERS`, `BENCH_CLIENTS`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use congso_app::{App, AppConfig, SystemClock};
use congso_db::{ConnectOptions, Db, sqlx};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Mutex;

const PW: &str = "mat-khau-bench-2026";
const PROC: &str = "1.999900.000.00.00.H57";

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time (user + system) this process has used so far, from `/proc/self/stat` (clock ticks
/// of 10 ms): with other work on the machine, CPU per dossier is steadier than wall time.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1.split_whitespace().collect::<Vec<_>>();
            let utime: f64 = after.get(11)?.parse().ok()?;
            let stime: f64 = after.get(12)?.parse().ok()?;
            Some((utime + stime) / 100.0)
        })
        .unwrap_or(0.0)
}

struct Client {
    stream: TcpStream,
    addr: std::net::SocketAddr,
}

impl Client {
    async fn new(addr: std::net::SocketAddr) -> Client {
        Client {
            stream: TcpStream::connect(addr).await.expect("connect"),
            addr,
        }
    }

    async fn call(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        );
        if let Some(t) = token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(&body);
        if self.stream.write_all(req.as_bytes()).await.is_err() {
            self.stream = TcpStream::connect(self.addr).await.expect("reconnect");
            self.stream.write_all(req.as_bytes()).await.expect("write");
        }
        let mut buf = Vec::with_capacity(8192);
        let mut chunk = [0u8; 16384];
        loop {
            let n = self.stream.read(&mut chunk).await.expect("read");
            assert!(n > 0, "connection closed");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                while buf.len() < end + 4 + len {
                    let n = self.stream.read(&mut chunk).await.expect("read");
                    assert!(n > 0, "connection closed");
                    buf.extend_from_slice(&chunk[..n]);
                }
                let status: u16 = head
                    .split(' ')
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                let v = serde_json::from_slice(&buf[end + 4..end + 4 + len]).unwrap_or(Value::Null);
                return (status, v);
            }
        }
    }
}

async fn open_app(url: &str) -> App {
    // `BENCH_POOL` and `BENCH_MMAP` try other pool sizes and SQLite mappings.
    let mut opts = ConnectOptions::default();
    if let Some(n) = std::env::var("BENCH_POOL")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        opts.max_connections = n;
    }
    if let Some(n) = std::env::var("BENCH_MMAP")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        opts.sqlite_mmap_bytes = n;
    }
    let db = Db::connect(url, &opts).await.expect("open");
    db.migrate().await.expect("migrate");
    App::new(db, Arc::new(SystemClock), AppConfig::default())
}

async fn setup_procedure(app: &App) {
    let spec: congso_domain::procedure::ProcedureSpec = serde_json::from_value(json!({
        "code": PROC, "name": "Cấp phiếu thử nghiệm một cửa", "field": {"code": "TN", "name": "Thử nghiệm"},
        "level": "province", "unit": "000.00.04.H57", "online": "full",
        "channels": [{"kind": "counter", "time_limit": {"value": 5, "unit": "working_days"}, "fee_vnd": 50000}],
        "documents": [{"name": "Tờ khai", "originals": 1, "copies": 0}],
        "steps": ["Nộp hồ sơ", "Trả kết quả"], "applicants": "Công dân", "result": "Phiếu", "legal_basis": ["Luật thử nghiệm"]
    }))
    .expect("spec");
    congso_app::catalogue::import(app, &congso_app::Actor::system(), vec![spec], &|_, _| {})
        .await
        .expect("import");
}

async fn lifecycles(seconds: u64, clients: usize) {
    let dir = tempfile::tempdir().expect("tmp");
    let url = format!("sqlite://{}", dir.path().join("desk.db").display());
    let app = open_app(&url).await;
    app.bootstrap().await.expect("bootstrap");
    congso_app::demo::seed(&app, Some(PW)).await.expect("seed");
    setup_procedure(&app).await;
    let state = congso_web::AppState::new(app.clone(), congso_web::WebConfig::default())
        .await
        .expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = congso_web::router(state);
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    let mut c = Client::new(addr).await;
    let mut tokens = std::collections::HashMap::new();
    for user in ["motcua", "lanhdao.so", "chuyenvien"] {
        let (s, v) = c
            .call(
                "POST",
                "/api/v1/auth/token",
                None,
                Some(&json!({"username": user, "password": PW})),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        tokens.insert(user, v["token"].as_str().expect("token").to_owned());
    }
    let tokens = Arc::new(tokens);
    let lat: Arc<Mutex<std::collections::BTreeMap<&'static str, Vec<Duration>>>> = Arc::default();
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let mut tasks = vec![];
    for i in 0..clients {
        let (tokens, lat, done) = (tokens.clone(), lat.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = Client::new(addr).await;
            let mut mine: Vec<(&'static str, Duration)> = vec![];
            while Instant::now() < deadline {
                let t = Instant::now();
                let (s, d) = c.call("POST", "/api/v1/dossiers", Some(&tokens["motcua"]), Some(&json!({
                    "procedure_code": PROC, "channel": "counter", "applicant": {"name": format!("Người nộp {i}")}
                }))).await;
                assert_eq!(s, 201, "{d}");
                mine.push(("receive", t.elapsed()));
                let code = d["code"].as_str().expect("code").to_owned();
                let path = format!("/api/v1/dossiers/{code}/actions");
                for (who, action, body) in [
                    ("motcua", "forward", json!({"action": "forward"})),
                    ("lanhdao.so", "assign", json!({"action": "assign", "assignee": "chuyenvien"})),
                    ("lanhdao.so", "approve", json!({"action": "approve"})),
                    ("chuyenvien", "finish", json!({"action": "finish"})),
                    ("motcua", "return_result", json!({"action": "return_result"})),
                ] {
                    let t = Instant::now();
                    let (s, v) = c.call("POST", &path, Some(&tokens[who]), Some(&body)).await;
                    assert_eq!(s, 200, "{action}: {v}");
                    mine.push((action, t.elapsed()));
                }
                done.fetch_add(1, Ordering::Relaxed);
            }
            let mut l = lat.lock().await;
            for (k, d) in mine {
                l.entry(k).or_default().push(d);
            }
        }));
    }
    for t in tasks {
        t.await.expect("client");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_start;
    let n = done.load(Ordering::Relaxed);
    println!(
        "lifecycles over HTTP ({clients} concurrent desks): {n} dossiers in {elapsed:.1} s = {:.0} dossiers/s ({:.0} transitions/s)",
        n as f64 / elapsed,
        n as f64 * 6.0 / elapsed
    );
    println!(
        "  CPU (server and clients, this process): {cpu:.1} s = {:.2} ms per dossier",
        cpu * 1e3 / n.max(1) as f64
    );
    let mut all = vec![];
    let mut l = lat.lock().await;
    for (k, v) in l.iter_mut() {
        v.sort();
        println!(
            "  {k:<14} p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
            pct(v, 0.5).as_secs_f64() * 1e3,
            pct(v, 0.99).as_secs_f64() * 1e3,
            v.last().copied().unwrap_or_default().as_secs_f64() * 1e3
        );
        all.extend(v.iter().copied());
    }
    all.sort();
    println!(
        "  all transitions p50 {:.2} ms, p99 {:.2} ms",
        pct(&all, 0.5).as_secs_f64() * 1e3,
        pct(&all, 0.99).as_secs_f64() * 1e3
    );
}

/// Child process: a database with `n` dossiers processed by the Department of Justice.
async fn generate(path: &str, n: i64) {
    let url = format!("sqlite://{path}");
    let app = open_app(&url).await;
    app.bootstrap().await.expect("bootstrap");
    congso_app::demo::seed(&app, Some(PW)).await.expect("seed");
    setup_procedure(&app).await;
    let Db::Sqlite(pool, _) = &app.db else { return };
    let t = Instant::now();
    // Rows generated inside SQLite: 1 in 200 still open, spread over a year of due dates.
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1)
         INSERT INTO dossiers (id, code, procedure_id, procedure_version, procedure_code, procedure_name, channel, regime,
           receiving_unit_id, processing_unit_id, assignee_id, citizen_id, status, open, applicant_name, applicant_folded,
           applicant_id_number, applicant_phone, applicant_email, applicant_address, documents, clock, submitted_at,
           received_at, appointment_at, due_at, paused_since, resume_status, supplements, fee_vnd, amount_due,
           apology_required_at, apology_at, forwarded_at, step_index, step_started_at, step_escalated, finished_at,
           returned_at, result, outcome, created_at, updated_at)
         SELECT randomblob(16), '000.01.01.H57-' || printf('%07d', n), p.id, 1, p.code, p.name, 'counter', 'nd118_2025',
           (SELECT id FROM units WHERE code = '000.01.01.H57'), (SELECT id FROM units WHERE code = '000.00.04.H57'),
           NULL, NULL, CASE WHEN n % 200 = 0 THEN 'forwarded' ELSE 'returned' END, CASE WHEN n % 200 = 0 THEN 1 ELSE 0 END,
           'Người nộp ' || n, 'nguoi nop ' || n, NULL, NULL, NULL, NULL, '[]', NULL, NULL,
           1767225600000000 + n * 31536000, 1767225600000000 + n * 31536000 + 604800000000,
           1767225600000000 + n * 31536000 + 604800000000, NULL, NULL, 0, 50000, NULL, NULL, NULL, NULL, 1, NULL, 0,
           NULL, NULL, 'on_time', 'granted', 1767225600000000, 1767225600000000
         FROM seq, procedures p WHERE p.code = $2",
    )
    .bind(n)
    .bind(PROC)
    .execute(pool)
    .await
    .expect("generate");
    sqlx::query("ANALYZE").execute(pool).await.expect("analyze");
    println!(
        "generated {n} dossiers in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}

async fn inbox(n: i64) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("million.db").display().to_string();
    let status = std::process::Command::new(std::env::current_exe().expect("exe"))
        .env("BENCH_GENERATE", &path)
        .env("BENCH_DOSSIERS", n.to_string())
        .status()
        .expect("child");
    assert!(status.success());
    let rss_before = peak_rss_mb();
    let app = open_app(&format!("sqlite://{path}")).await;
    let head = {
        let mut tx = app.db.begin_read().await.expect("tx");
        let u = congso_db::repo::users::by_username(&mut tx, "lanhdao.so")
            .await
            .expect("q")
            .expect("user");
        congso_app::Actor::load(&mut tx, &u).await.expect("actor")
    };
    let mut lat = vec![];
    let mut shown = 0;
    for i in 0..200 {
        let tab = [
            congso_app::dossiers::Tab::Unit,
            congso_app::dossiers::Tab::Overdue,
            congso_app::dossiers::Tab::DueSoon,
        ][i % 3];
        let t = Instant::now();
        let inbox = congso_app::dossiers::inbox(&app, &head, tab, None, 50, 0)
            .await
            .expect("inbox");
        lat.push(t.elapsed());
        shown = inbox
            .counts
            .iter()
            .find(|c| c.0 == congso_app::dossiers::Tab::Unit)
            .map_or(0, |c| c.1);
    }
    // With a search by the applicant's name too.
    for i in 0..50 {
        let t = Instant::now();
        congso_app::dossiers::inbox(
            &app,
            &head,
            congso_app::dossiers::Tab::Unit,
            Some(&format!("nguoi nop {}", 200 * (i + 1))),
            50,
            0,
        )
        .await
        .expect("inbox");
        lat.push(t.elapsed());
    }
    lat.sort();
    let total: i64 = {
        let mut tx = app.db.begin_read().await.expect("tx");
        congso_db::repo::dossiers::count(&mut tx)
            .await
            .expect("count")
    };
    println!(
        "inbox of a unit ({total} dossiers in the database, {shown} open in the unit): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; peak RSS {:.0} MB (before opening {rss_before:.0} MB)",
        pct(&lat, 0.5).as_secs_f64() * 1e3,
        pct(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        peak_rss_mb()
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let n: i64 = std::env::var("BENCH_DOSSIERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    if let Ok(path) = std::env::var("BENCH_GENERATE") {
        rt.block_on(generate(&path, n));
        return;
    }
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let clients: usize = std::env::var("BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    rt.block_on(async {
        lifecycles(seconds, clients).await;
        inbox(n).await;
    });
}
