//! Catalogue benchmark (release, SQLite): a national-size catalogue of 100,000 generated
//! procedures; search latency in process (p50/p95/p99 over a query mix) and the throughput of
//! `GET /api/v1/procedures` over HTTP on loopback (server and clients on this machine).
//!
//! `cargo bench -p congso-web --bench catalogue` (env `BENCH_PROCEDURES`, `BENCH_SECONDS`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use congso_app::catalogue::{Search, import, search};
use congso_app::{Actor, App, AppConfig, SystemClock};
use congso_db::sqlx;
use congso_db::testing::TestDb;
use congso_domain::procedure::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const VERBS: &[&str] = &[
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Thu hồi",
    "Đăng ký",
    "Đăng ký lại",
    "Xác nhận",
    "Công nhận",
    "Thẩm định",
    "Phê duyệt",
    "Chấp thuận",
    "Cho phép",
    "Hỗ trợ",
];
const OBJECTS: &[&str] = &[
    "giấy phép xây dựng",
    "giấy chứng nhận quyền sử dụng đất",
    "giấy phép kinh doanh",
    "chứng chỉ hành nghề",
    "giấy phép hoạt động",
    "giấy chứng nhận đủ điều kiện",
    "thẻ hướng dẫn viên",
    "giấy phép lao động",
    "giấy xác nhận",
    "hồ sơ địa chính",
    "phương án sản xuất",
    "giấy phép môi trường",
    "giấy phép khai thác",
    "văn bằng, chứng chỉ",
    "giấy phép biểu diễn",
    "chứng nhận hợp chuẩn",
    "trợ cấp xã hội",
    "hộ kinh doanh",
];
const QUALIFIERS: &[&str] = &[
    "cho tổ chức",
    "cho cá nhân",
    "có yếu tố nước ngoài",
    "tại cấp xã",
    "đối với doanh nghiệp nhỏ và vừa",
    "trong khu công nghiệp",
    "đối với hợp tác xã",
    "trường hợp bị mất, hỏng",
    "lần đầu",
    "theo thủ tục rút gọn",
    "đối với công trình cấp III",
    "cho người có công",
    "ở vùng đặc biệt khó khăn",
    "đối với cơ sở giáo dục",
];
const DOCUMENTS: &[&str] = &[
    "Bản sao giấy tờ chứng minh nhân thân",
    "Giấy chứng nhận đăng ký doanh nghiệp",
    "Bản vẽ thiết kế",
    "Giấy tờ chứng minh quyền sử dụng đất",
    "Báo cáo đánh giá tác động môi trường",
    "Hợp đồng lao động",
    "Văn bằng, chứng chỉ chuyên môn",
    "Giấy khám sức khỏe",
    "Sơ yếu lý lịch",
    "Phiếu lý lịch tư pháp",
    "Quyết định thành lập",
    "Danh sách người lao động",
    "Phương án kinh doanh",
    "Biên bản họp",
    "Giấy ủy quyền",
    "Tờ khai theo mẫu",
    "Ảnh chân dung 4x6",
    "Giấy xác nhận của Ủy ban nhân dân cấp xã",
    "Bản thuyết minh dự án",
    "Hóa đơn nộp phí",
];
const FIELDS: &[(&str, &str)] = &[
    ("XD", "Hoạt động xây dựng"),
    ("DD", "Đất đai"),
    ("KD", "Thương mại"),
    ("YT", "Khám bệnh, chữa bệnh"),
    ("DL", "Du lịch"),
    ("LD", "Việc làm"),
    ("MT", "Môi trường"),
    ("GD", "Giáo dục và Đào tạo"),
    ("VH", "Nghệ thuật biểu diễn"),
    ("BT", "Bảo trợ xã hội"),
    ("HT", "Hộ tịch"),
    ("CT", "Chứng thực"),
];
const UNITS: &[&str] = &[
    "000.00.02.H57",
    "000.00.03.H57",
    "000.00.04.H57",
    "000.00.05.H57",
    "000.00.06.H57",
    "000.00.07.H57",
    "000.00.10.H57",
];

fn spec(i: usize) -> ProcedureSpec {
    // A deterministic mix (a linear congruential walk over the parts).
    let h = (i as u64)
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let pick = |n: usize, shift: u32| ((h >> shift) as usize) % n;
    let verb = VERBS[pick(VERBS.len(), 7)];
    let object = OBJECTS[pick(OBJECTS.len(), 17)];
    let qualifier = QUALIFIERS[pick(QUALIFIERS.len(), 27)];
    let (fc, fname) = FIELDS[pick(FIELDS.len(), 37)];
    let level = if pick(3, 41) == 0 {
        Level::Commune
    } else {
        Level::Province
    };
    let days = 1 + pick(30, 45) as i64;
    ProcedureSpec {
        code: format!("{}.{:06}.000.00.00.H57", 9 - i / 1_000_000, i % 1_000_000),
        name: format!("{verb} {object} {qualifier} (mẫu {i})"),
        field: Field {
            code: fc.into(),
            name: fname.into(),
        },
        level,
        unit: if level == Level::Commune {
            "000.00.00.H57".into()
        } else {
            UNITS[pick(UNITS.len(), 51)].into()
        },
        online: [OnlineLevel::Full, OnlineLevel::Partial, OnlineLevel::None][pick(3, 55)],
        channels: vec![Channel {
            kind: ChannelKind::Counter,
            time_limit: Limit {
                value: days,
                unit: LimitUnit::WorkingDays,
            },
            fee_vnd: (pick(20, 57) as i64) * 10_000,
        }],
        documents: (0..1 + pick(4, 61))
            .map(|k| Document {
                name: if k == 0 {
                    format!("Đơn đề nghị {object}")
                } else {
                    DOCUMENTS[(pick(DOCUMENTS.len(), 3) + k * 7) % DOCUMENTS.len()].into()
                },
                originals: (k == 0) as i64,
                copies: (k > 0) as i64,
                form: None,
            })
            .collect(),
        steps: vec![
            "Nộp hồ sơ tại Bộ phận Một cửa".into(),
            "Thẩm định hồ sơ".into(),
            "Trả kết quả".into(),
        ],
        applicants: if qualifier.contains("tổ chức") {
            "Tổ chức".into()
        } else {
            "Cá nhân, tổ chức".into()
        },
        result: format!(
            "{} {object}",
            if verb.starts_with("Cấp") {
                "Bản chính"
            } else {
                "Văn bản"
            }
        ),
        legal_basis: vec![format!("Nghị định số {}/2025/NĐ-CP", 10 + pick(300, 59))],
        requirements: None,
        fee_note: None,
        implementing: None,
        competent_unit: None,
        publication: None,
        effective_from: None,
        intake_cutoff: None,
        workflow: vec![],
    }
}

const WORDS: &[&str] = &[
    "cap", "giay", "phep", "xay", "dung", "dat", "dai", "dang", "ky", "chung", "chi", "hanh",
    "nghe", "ho", "kinh", "doanh", "to", "chuc", "ca", "nhan", "moi", "truong", "lao", "dong",
    "gia", "han", "thu", "hoi", "cong", "trinh", "du", "lich", "huong", "dan", "vien", "tro", "xa",
    "hoi", "giao", "duc", "khai", "thac",
];

const QUERIES: &[&str] = &[
    "dang ky khai sinh",
    "giay phep xay dung",
    "cấp giấy phép xây dựng",
    "gia han giay phep",
    "chung chi hanh nghe",
    "dat dai",
    "quyền sử dụng đất",
    "ho kinh doanh",
    "ket hon",
    "ban sao",
    "the huong dan vien",
    "giay phep lao dong nuoc ngoai",
    "tro cap xa hoi",
    "cap lai",
    "dang ky",
    "thu hoi giay phep moi truong",
    "cong nhan",
    "1.001193",
    "khai thac",
    "doanh nghiep nho va vua",
];

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn http_get(stream: &mut tokio::net::TcpStream, path: &str) -> std::io::Result<usize> {
    let req = format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\n\r\n");
    stream.write_all(req.as_bytes()).await?;
    let mut buf = Vec::with_capacity(16 * 1024);
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::Error::other("closed"));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| std::io::Error::other("no content-length"))?;
            while buf.len() < end + 4 + len {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::Error::other("closed"));
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            if !head.starts_with("http/1.1 200") {
                return Err(std::io::Error::other(head));
            }
            return Ok(len);
        }
    }
}

fn main() {
    let n: usize = std::env::var("BENCH_PROCEDURES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let seconds: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let tdb = TestDb::sqlite().await;
        let app = App::new(tdb.db.clone(), Arc::new(SystemClock), AppConfig::default());
        app.bootstrap().await.expect("bootstrap");
        congso_app::demo::seed(&app, Some("bench-password-123"))
            .await
            .expect("seed");
        let specs: Vec<ProcedureSpec> = (0..n).map(spec).collect();
        let t = Instant::now();
        if let Ok(path) = std::env::var("BENCH_REUSE_DB") {
            // Reuse a kept database (skips the slow import while tuning queries).
            drop(specs);
            let url = format!("sqlite://{path}");
            let db = congso_db::Db::connect(&url, &congso_db::ConnectOptions::default())
                .await
                .expect("open");
            let app = App::new(db, Arc::new(SystemClock), AppConfig::default());
            return run(app, seconds).await;
        }
        let report = import(&app, &Actor::system(), specs, &|_, _| {})
            .await
            .expect("import");
        println!(
            "import: {} procedures in {:.1} s ({} created)",
            n,
            t.elapsed().as_secs_f64(),
            report.created
        );
        if let Ok(path) = std::env::var("BENCH_KEEP_DB") {
            let _ = std::fs::remove_file(&path);
            if let congso_db::Db::Sqlite(pool, _) = &app.db {
                sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{path}'")))
                    .execute(pool)
                    .await
                    .expect("vacuum into");
                println!("database kept at {path}");
            }
        }

        run(app, seconds).await;
    });
}

async fn run(app: App, seconds: u64) {
    {
        // In-process search latency.
        for q in QUERIES {
            search(
                &app,
                &Search {
                    q: Some((*q).into()),
                    per_page: 20,
                    page: 1,
                    ..Search::default()
                },
            )
            .await
            .expect("warm");
        }
        let mut lat = vec![];
        let mut per_query: std::collections::HashMap<&str, Vec<Duration>> =
            std::collections::HashMap::new();
        let mut totals = vec![];
        for round in 0..100 {
            for q in QUERIES {
                // Measure the database search, not the result cache.
                app.catalogue.clear();
                let t = Instant::now();
                let r = search(
                    &app,
                    &Search {
                        q: Some((*q).into()),
                        per_page: 20,
                        page: 1 + (round % 3) as i64,
                        ..Search::default()
                    },
                )
                .await
                .expect("search");
                lat.push(t.elapsed());
                per_query.entry(q).or_default().push(t.elapsed());
                if round == 0 {
                    totals.push((*q, r.total));
                }
            }
        }
        lat.sort();
        println!(
            "search in process, uncached, over {} queries ({} distinct): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            lat.len(),
            QUERIES.len(),
            pct(&lat, 0.50).as_secs_f64() * 1e3,
            pct(&lat, 0.95).as_secs_f64() * 1e3,
            pct(&lat, 0.99).as_secs_f64() * 1e3,
            lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        );
        for (q, total) in totals {
            let mut v = per_query.remove(q).unwrap_or_default();
            v.sort();
            println!(
                "  {q:<32} {total:>6} hits, p50 {:.2} ms",
                pct(&v, 0.5).as_secs_f64() * 1e3
            );
        }

        // HTTP throughput on loopback.
        let state = congso_web::AppState::new(app.clone(), congso_web::WebConfig::default())
            .await
            .expect("state");
        let router = congso_web::router(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serve");
        });
        for (label, distinct) in [
            ("popular queries (20, cached after the first)", false),
            ("distinct queries (cache misses)", true),
        ] {
            let done = Arc::new(AtomicU64::new(0));
            let errors = Arc::new(AtomicU64::new(0));
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut clients = vec![];
            for c in 0..32usize {
                let (done, errors) = (done.clone(), errors.clone());
                clients.push(tokio::spawn(async move {
                    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
                    let mut i = c;
                    while Instant::now() < deadline {
                        let q = if distinct {
                            // Two vocabulary words and a page number: practically never repeated.
                            let a = WORDS[i % WORDS.len()];
                            let b = WORDS[(i / WORDS.len() + c * 7) % WORDS.len()];
                            format!("{a} {b}&page={}", 1 + (i / 1000) % 3)
                        } else {
                            QUERIES[i % QUERIES.len()].to_owned()
                        };
                        let path = format!(
                            "/api/v1/procedures?per_page=20&q={}",
                            congso_web::pages::encode_component(&q)
                                .replace("%26", "&")
                                .replace("%3D", "=")
                        );
                        match http_get(&mut stream, &path).await {
                            Ok(_) => {
                                done.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(_) => {
                                errors.fetch_add(1, Ordering::Relaxed);
                                stream = tokio::net::TcpStream::connect(addr)
                                    .await
                                    .expect("reconnect");
                            }
                        }
                        i += 32;
                    }
                }));
            }
            let start = Instant::now();
            for c in clients {
                let _ = c.await;
            }
            let elapsed = start.elapsed().as_secs_f64();
            let ok = done.load(Ordering::Relaxed);
            println!(
                "GET /api/v1/procedures?q=… {label}: {ok} responses in {elapsed:.1} s = {:.0} requests/s (32 connections, {} errors)",
                ok as f64 / elapsed,
                errors.load(Ordering::Relaxed)
            );
        }
    }
}
