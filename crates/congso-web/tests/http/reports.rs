//! The one-stop report (Biểu II.06a, `/api/v1/reports/one-stop`): counts after each kind of
//! transition, a generated history imported through the legacy importer compared with an
//! independent recomputation from the JSONL, the rebuild, the XLSX and CSV exports, permissions
//! and bad input — on both backends.

use std::collections::{BTreeMap, HashMap};

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::{date, datetime};
use time::{Date, Duration};

use crate::dossiers::{ok, receive, setup};
use crate::helpers::TestApp;
use crate::http_test;

const JUSTICE: &str = "000.00.04.H57";

/// The form's columns and the extras, as the API names them.
const KEYS: [&str; 15] = [
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_late_with_apology",
    "resolved_late_without_apology",
    "withdrawn",
    "returned",
    "in_progress_total",
    "in_progress_within",
    "in_progress_overdue",
];

fn numbers(v: &Value) -> BTreeMap<&'static str, i64> {
    KEYS.iter()
        .map(|k| (*k, v[*k].as_i64().unwrap_or_else(|| panic!("{k} in {v}"))))
        .collect()
}

fn assert_identities(v: &Value) {
    let n = numbers(v);
    assert_eq!(
        n["received_total"],
        n["received_online"] + n["received_offline"] + n["carried_over"],
        "{v}"
    );
    assert_eq!(
        n["resolved_total"],
        n["resolved_early"] + n["resolved_on_time"] + n["resolved_late"],
        "{v}"
    );
    assert_eq!(
        n["in_progress_total"],
        n["in_progress_within"] + n["in_progress_overdue"],
        "{v}"
    );
    assert_eq!(
        n["received_total"],
        n["resolved_total"] + n["in_progress_total"],
        "{v}"
    );
    assert_eq!(
        n["resolved_late"],
        n["resolved_late_with_apology"] + n["resolved_late_without_apology"],
        "{v}"
    );
}

/// Every row, every field of every row, the field totals and the total obey the identities.
fn assert_all_identities(r: &Value) {
    assert_identities(&r["total"]);
    for row in r["rows"].as_array().expect("rows") {
        assert_identities(row);
        for f in row["fields"].as_array().expect("fields") {
            assert_identities(f);
        }
    }
    for f in r["fields"].as_array().expect("fields") {
        assert_identities(f);
    }
}

pub async fn report(app: &TestApp, token: &str, query: &str) -> Value {
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/reports/one-stop?{query}"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    let v = r.json();
    assert_all_identities(&v);
    v
}

/// One CSV line's fields (RFC 4180 quoting).
fn csv_fields(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted, mut chars) =
        (vec![], String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

async fn rebuild_finds_nothing(app: &TestApp) {
    let r = congso_app::reports::rebuild(&app.app)
        .await
        .expect("rebuild");
    assert!(
        r.differences.is_empty(),
        "kept aggregates differ: {:#?}",
        r.differences
    );
}

http_test!(async fn each_transition_moves_the_report(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    let office = app.token("vanphong").await;
    let q = "from=2026-03-01&to=2026-03-31";
    let empty = report(&app, &office, q).await;
    assert_eq!(empty["rows"], json!([]));
    assert_eq!(numbers(&empty["total"]).values().sum::<i64>(), 0);

    // Received Monday 2/3 at 09:00: due Monday 9/3 (5 working days).
    let code = |d: &Value| d["code"].as_str().expect("code").to_owned();
    let late = code(&receive(&app, &desk, None).await);
    let r = report(&app, &office, q).await;
    assert_eq!(r["rows"][0]["unit"], json!({"code": JUSTICE, "name": "Sở Tư pháp"}));
    assert_eq!(r["rows"][0]["fields"][0]["field"]["code"], "TN");
    let t = numbers(&r["total"]);
    assert_eq!((t["received_offline"], t["in_progress_within"], t["received_total"]), (1, 1, 1));
    let apologised = code(&receive(&app, &desk, None).await);
    let withdrawn = code(&receive(&app, &desk, None).await);
    let stopped = code(&receive(&app, &desk, None).await);
    let refused = code(&receive(&app, &desk, None).await);
    let paused = code(&receive(&app, &desk, None).await);
    let open = code(&receive(&app, &desk, None).await);
    let early = code(&receive(&app, &desk, None).await);
    for c in [&late, &apologised, &stopped, &early] {
        ok(&app, &desk, c, json!({"action": "forward"})).await;
    }
    for c in [&late, &apologised, &early] {
        ok(&app, &head, c, json!({"action": "assign", "assignee": "chuyenvien"})).await;
        ok(&app, &head, c, json!({"action": "approve"})).await;
    }
    ok(&app, &spec, &early, json!({"action": "finish"})).await;
    ok(&app, &head, &apologised, json!({"action": "apologize", "reason": "Chờ xác minh", "new_appointment_at": "2026-03-11"})).await;
    ok(&app, &desk, &withdrawn, json!({"action": "withdraw"})).await;
    ok(&app, &head, &stopped, json!({"action": "stop", "reason": "Người nộp đã mất"})).await;
    // Refused at intake (Mẫu 03): never received, not counted.
    ok(&app, &desk, &refused, json!({"action": "refuse", "reason": "Không thuộc thẩm quyền"})).await;
    ok(&app, &desk, &paused, json!({"action": "request_supplement", "reason": "Thiếu tờ khai"})).await;
    let t = numbers(&report(&app, &office, q).await["total"]);
    assert_eq!(t["received_total"], 7, "the refused one is not counted");
    assert_eq!((t["resolved_early"], t["resolved_on_time"], t["withdrawn"], t["returned"]), (1, 2, 1, 1));
    assert_eq!((t["in_progress_total"], t["in_progress_overdue"]), (4, 0));

    // Thursday 12/3: past the due day of 9/3 and the new appointment of 11/3.
    app.clock.set(datetime!(2026-03-12 10:00 +7));
    let t = numbers(&report(&app, &office, q).await["total"]);
    assert_eq!((t["in_progress_total"], t["in_progress_within"], t["in_progress_overdue"]), (4, 1, 3), "the paused one is within");
    ok(&app, &spec, &late, json!({"action": "finish"})).await;
    ok(&app, &spec, &apologised, json!({"action": "finish"})).await;
    let r = report(&app, &office, q).await;
    let t = numbers(&r["total"]);
    assert_eq!((t["resolved_late"], t["resolved_late_with_apology"], t["resolved_late_without_apology"]), (2, 1, 1));
    assert_eq!((t["resolved_total"], t["in_progress_total"], t["in_progress_overdue"]), (5, 2, 1));
    assert_eq!(r["as_of"], "2026-03-12");

    // The next month: the two open ones are carried over; nothing received or resolved.
    app.clock.set(datetime!(2026-04-10 10:00 +7));
    let t = numbers(&report(&app, &office, "from=2026-04-01&to=2026-04-30").await["total"]);
    assert_eq!((t["carried_over"], t["received_total"], t["resolved_total"], t["in_progress_total"]), (2, 2, 0, 2));
    // A period before anything was received is empty; a period ending before the finishes
    // counts them in progress at its end.
    let t = numbers(&report(&app, &office, "from=2026-02-01&to=2026-02-28").await["total"]);
    assert_eq!(t.values().sum::<i64>(), 0);
    let t = numbers(&report(&app, &office, "from=2026-03-01&to=2026-03-10").await["total"]);
    assert_eq!((t["resolved_total"], t["in_progress_total"], t["in_progress_overdue"]), (3, 4, 2));

    // The one-stop officer sees the Centre's subtree only (where nothing is processed); the
    // Justice head sees Justice; without a unit only city-wide roles.
    let mine = report(&app, &desk, "from=2026-03-01&to=2026-03-31&unit=000.01.01.H57").await;
    assert_eq!(mine["rows"], json!([]));
    let justice = report(&app, &head, &format!("{q}&unit={JUSTICE}")).await;
    assert_eq!(justice["total"]["received_total"], 7);
    let denied = app.api(Method::GET, &format!("/api/v1/reports/one-stop?{q}"), Some(&desk), None).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let other = app.api(Method::GET, &format!("/api/v1/reports/one-stop?{q}&unit={JUSTICE}"), Some(&desk), None).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let citizen = app.token("congdan").await;
    let denied = app.api(Method::GET, &format!("/api/v1/reports/one-stop?{q}&unit={JUSTICE}"), Some(&citizen), None).await;
    assert_eq!((denied.status, denied.json()["error"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")));
    let anonymous = app.api(Method::GET, &format!("/api/v1/reports/one-stop?{q}"), None, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    for (query, code) in [
        ("from=2026-03-31&to=2026-03-01", "invalid_date_range"),
        ("from=2026-02-30&to=2026-03-01", "invalid_date"),
        ("from=hôm-qua&to=2026-03-01", "invalid_date"),
    ] {
        let r = app.api(Method::GET, &format!("/api/v1/reports/one-stop?{query}"), Some(&office), None).await;
        assert_eq!((r.status, r.json()["error"].clone()), (StatusCode::BAD_REQUEST, json!(code)), "{query}");
    }
    let unknown = app.api(Method::GET, "/api/v1/reports/one-stop?unit=000.99.99.H57", Some(&office), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    rebuild_finds_nothing(&app).await;
    let _ = (&open, &paused);

    // The official form as XLSX, read back: title, the numbered header, the Justice row, the total.
    use calamine::{Data, Reader, Xlsx};
    let (status, headers, bytes) = app.get_bytes(&format!("/api/v1/reports/one-stop.xlsx?{q}"), Some(&office)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-disposition"].to_str().expect("ascii").contains("bieu-II.06a-2026-03-01-2026-03-31.xlsx"));
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("xlsx");
    let form = book.worksheet_range("Biểu II.06a").expect("form");
    let cells: Vec<Vec<String>> = form.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(cells[0][0], "Biểu số II.06a/VPCP/KSTT");
    assert!(cells[3][0].contains("01/03/2026") && cells[3][0].contains("31/03/2026"), "{:?}", cells[3]);
    let h = congso_sheets::onestop_report::HEADER_ROW as usize;
    assert_eq!((cells[h][0].as_str(), cells[h][1].as_str(), cells[h][2].as_str(), cells[h][6].as_str(), cells[h][10].as_str()),
        ("TT", "Đơn vị", "Số hồ sơ tiếp nhận", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết"));
    assert_eq!((cells[h + 1][3].as_str(), cells[h + 2][3].as_str(), cells[h + 2][4].as_str(), cells[h + 1][5].as_str()),
        ("Trong kỳ", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Kỳ trước chuyển qua"));
    assert_eq!(cells[h + 3], (1..=13).map(|i| format!("({i})")).collect::<Vec<_>>());
    let row = form.rows().nth(h + 4).expect("row");
    assert_eq!((row[0].clone(), row[1].clone()), (Data::Float(1.0), Data::String("Sở Tư pháp".into())));
    // 7 received (all at the counter), 5 resolved (1 early, 2 on time, 2 late), 2 in progress (1 overdue).
    let numbers_of = |r: &[Data]| r[2..13].iter().map(|c| match c { Data::Float(f) => *f as i64, other => panic!("{other:?}") }).collect::<Vec<_>>();
    assert_eq!(numbers_of(row), vec![7, 0, 7, 0, 5, 1, 2, 2, 2, 1, 1]);
    let total = form.rows().nth(h + 5).expect("total");
    assert_eq!((total[1].clone(), numbers_of(total)), (Data::String("Tổng cộng".into()), vec![7, 0, 7, 0, 5, 1, 2, 2, 2, 1, 1]));
    let detail = book.worksheet_range("Theo lĩnh vực").expect("detail");
    assert!(detail.rows().any(|r| r[0] == Data::String("Sở Tư pháp".into()) && r[1] == Data::String("Thử nghiệm".into())));

    // CSV with a byte-order mark: one line per unit, one per field, the total.
    for path in [format!("/api/v1/reports/one-stop.csv?{q}"), format!("/api/v1/reports/one-stop?{q}&format=csv")] {
        let (status, headers, bytes) = app.get_bytes(&path, Some(&office)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        let text = String::from_utf8(bytes).expect("utf-8");
        let text = text.strip_prefix('\u{feff}').expect("BOM");
        let lines: Vec<Vec<String>> = text.lines().map(csv_fields).collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(lines[0][..5], ["TT", "Mã đơn vị", "Đơn vị", "Mã lĩnh vực", "Lĩnh vực"]);
        assert_eq!(lines[0][7], "Trực tiếp, bưu chính");
        assert!(lines.iter().all(|l| l.len() == 20), "{text}");
        assert_eq!(lines[1][..3], ["1", JUSTICE, "Sở Tư pháp"]);
        assert_eq!(lines[2][3..5], ["TN", "Thử nghiệm"]);
        assert_eq!(lines[3][2], "Tổng cộng");
        let n: Vec<i64> = lines[3][5..].iter().map(|c| c.parse().expect("number")).collect();
        assert_eq!(n, vec![7, 0, 7, 0, 5, 1, 2, 2, 1, 1, 1, 1, 2, 1, 1]);
    }
    let denied = app.get_bytes(&format!("/api/v1/reports/one-stop.csv?{q}"), Some(&citizen)).await;
    assert_eq!(denied.0, StatusCode::FORBIDDEN);
});

/// What the test knows of a generated dossier, from its JSONL history alone.
#[derive(Debug, Clone)]
struct Known {
    unit: &'static str,
    field: &'static str,
    /// Counted at all (received and not refused at intake).
    counted: bool,
    received: Date,
    online: bool,
    resolved: Option<Date>,
    /// `early`, `on_time` or `late` (withdrawn, refused and stopped count as on time).
    class: &'static str,
    apology: bool,
    withdrawn: bool,
    returned: bool,
    /// The due day (the appointment, or the new one after an apology).
    due: Option<Date>,
    /// Paused for a supplement now.
    paused: bool,
}

/// The procedures of the generated history: code, unit, field, the assignee there.
const PROCS: [(&str, &str, &str, &str); 4] = [
    ("1.999911.000.00.00.H57", JUSTICE, "TP1", "chuyenvien"),
    ("1.999912.000.00.00.H57", JUSTICE, "TP2", "chuyenvien"),
    (
        "1.999913.000.00.00.H57",
        "000.00.05.H57",
        "XD1",
        "hientruong",
    ),
    (
        "1.999914.000.00.00.H57",
        "000.00.05.H57",
        "TP1",
        "hientruong",
    ),
];

async fn publish_procedures(app: &TestApp) {
    let admin = app.token("admin").await;
    for (code, unit, field, _) in PROCS {
        let mut spec = crate::catalogue::base_spec(code, &format!("Thủ tục thử {code}"));
        spec["unit"] = json!(unit);
        spec["level"] = json!("province");
        spec["online"] = json!("full");
        spec["field"] = json!({"code": field, "name": format!("Lĩnh vực {field}")});
        spec["channels"] = json!([
            {"kind": "counter", "time_limit": {"value": 5, "unit": "working_days"}, "fee_vnd": 0},
            {"kind": "online", "time_limit": {"value": 5, "unit": "working_days"}, "fee_vnd": 0},
            {"kind": "post", "time_limit": {"value": 5, "unit": "working_days"}, "fee_vnd": 0}
        ]);
        let r = app
            .api(Method::POST, "/api/v1/procedures", Some(&admin), Some(spec))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = app
            .api(
                Method::POST,
                &format!("/api/v1/procedures/{code}/publish"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn at(d: Date, h: u8, m: u8) -> String {
    format!("{d}T{h:02}:{m:02}:00+07:00")
}

/// `n` legacy dossiers received on working days between `first` and `last`, every kind of
/// history; none has an event after `cutoff` (a history that would is cut to an open dossier).
fn generate(
    n: usize,
    seed: u64,
    cal: &congso_calendar::WorkingCalendar,
    first: Date,
    last: Date,
    cutoff: Date,
) -> (String, Vec<Known>) {
    let mut rng = Rng(seed | 1);
    let days: Vec<Date> = (0..=(last - first).whole_days())
        .map(|i| first + Duration::days(i))
        .filter(|d| cal.is_working_day(*d))
        .collect();
    let mut text = String::new();
    let mut known = vec![];
    for _ in 0..n {
        let (proc_code, unit, field, assignee) = PROCS[rng.below(PROCS.len() as u64) as usize];
        let r = days[rng.below(days.len() as u64) as usize];
        let due = cal.add_working_days(r, 5);
        let channel = ["counter", "online", "post"][rng.below(3) as usize];
        let online = channel == "online";
        let mut ev: Vec<Value> = vec![];
        if online {
            ev.push(json!({"at": at(r - Duration::days(1), 20, 0), "action": "submit"}));
            ev.push(json!({"at": at(r, 9, 0), "action": "accept"}));
        } else {
            ev.push(json!({"at": at(r, 9, 0), "action": "receive"}));
        }
        let mut k = Known {
            unit,
            field,
            counted: true,
            received: r,
            online,
            resolved: None,
            class: "on_time",
            apology: false,
            withdrawn: false,
            returned: false,
            due: Some(due),
            paused: false,
        };
        let processing = |ev: &mut Vec<Value>, d: Date| {
            ev.push(json!({"at": at(d, 9, 30), "action": "forward"}));
            ev.push(json!({"at": at(d, 10, 0), "action": "assign", "assignee": assignee}));
        };
        let mut kind = rng.below(100);
        // The last event of each kind, to keep histories before the cutoff.
        let end = match kind {
            0..=39 => cal.add_working_days(r, 1),
            40..=49 => due,
            50..=69 => r + Duration::days(30),
            70..=79 => r + Duration::days(3),
            _ => r,
        };
        if end > cutoff {
            kind = 99;
        }
        match kind {
            // Early, some after a supplement, some returned.
            0..=24 => {
                processing(&mut ev, r);
                let next = cal.add_working_days(r, 1);
                if rng.below(3) == 0 {
                    ev.push(json!({"at": at(r, 10, 15), "action": "request_supplement", "reason": "Thiếu tờ khai"}));
                    ev.push(json!({"at": at(next, 8, 0), "action": "supplement_received"}));
                }
                ev.push(json!({"at": at(next, 9, 0), "action": "approve"}));
                ev.push(json!({"at": at(next, 10, 0), "action": "finish"}));
                if rng.below(2) == 0 {
                    ev.push(json!({"at": at(next, 16, 0), "action": "return_result"}));
                }
                k.resolved = Some(next);
                k.class = "early";
            }
            // Refused after study: returned, counted on time.
            25..=32 => {
                processing(&mut ev, r);
                ev.push(json!({"at": at(cal.add_working_days(r, 1), 10, 0), "action": "refuse", "reason": "Không đủ điều kiện"}));
                k.resolved = Some(cal.add_working_days(r, 1));
                k.returned = true;
            }
            // Refused at intake (Mẫu 03): not counted.
            33..=36 => {
                ev.push(json!({"at": at(r, 9, 45), "action": "refuse", "reason": "Thiếu giấy tờ"}));
                k.counted = false;
            }
            // Submitted online and never accepted: not counted.
            37..=39 => {
                ev = vec![json!({"at": at(r, 20, 0), "action": "submit"})];
                k.counted = false;
            }
            // On the due day.
            40..=49 => {
                processing(&mut ev, r);
                ev.push(json!({"at": at(r, 10, 30), "action": "approve"}));
                ev.push(json!({"at": at(due, 10, 0), "action": "finish"}));
                k.resolved = Some(due);
            }
            // Late, with or without an apology (new appointment 20 days after receipt).
            50..=69 => {
                processing(&mut ev, r);
                if kind < 58 {
                    let new = r + Duration::days(20);
                    ev.push(json!({"at": at(r, 10, 20), "action": "apologize", "reason": "Chờ xác minh", "new_appointment_at": new.to_string()}));
                    k.apology = true;
                    k.due = Some(new);
                }
                ev.push(json!({"at": at(r, 10, 30), "action": "approve"}));
                let fin = r + Duration::days(30);
                ev.push(json!({"at": at(fin, 10, 0), "action": "finish"}));
                k.resolved = Some(fin);
                k.class = "late";
            }
            // Withdrawn, or stopped.
            70..=79 => {
                let d = r + Duration::days(3);
                if kind < 75 {
                    ev.push(json!({"at": at(d, 10, 0), "action": "withdraw"}));
                    k.withdrawn = true;
                } else {
                    ev.push(json!({"at": at(r, 9, 30), "action": "forward"}));
                    ev.push(json!({"at": at(d, 10, 0), "action": "stop", "reason": "Dừng theo đề nghị"}));
                    k.returned = true;
                }
                k.resolved = Some(d);
            }
            // Paused for a supplement now: within.
            80..=87 => {
                processing(&mut ev, r);
                ev.push(json!({"at": at(r, 11, 0), "action": "request_supplement", "reason": "Thiếu bản sao"}));
                k.paused = true;
            }
            // Open.
            _ => {
                if rng.below(2) == 0 {
                    processing(&mut ev, r);
                }
            }
        }
        text.push_str(
            &json!({
                "procedure_code": proc_code, "unit_code": "000.01.01.H57", "channel": if online { "counter" } else { channel },
                "applicant": {"name": "Nguyễn Văn An"}, "events": ev
            })
            .to_string(),
        );
        text.push('\n');
        known.push(k);
    }
    (text, known)
}

/// The report recomputed from what the test generated: (unit code, field) → the 15 numbers.
fn expected(
    known: &[Known],
    from: Date,
    to: Date,
    today: Date,
    units: Option<&[&str]>,
) -> BTreeMap<(&'static str, &'static str), BTreeMap<&'static str, i64>> {
    let as_of = to.min(today).max(from - Duration::days(1));
    let mut out: BTreeMap<(&'static str, &'static str), BTreeMap<&'static str, i64>> =
        BTreeMap::new();
    for k in known.iter().filter(|k| k.counted) {
        if units.is_some_and(|u| !u.contains(&k.unit)) {
            continue;
        }
        let mut c: HashMap<&'static str, i64> = HashMap::new();
        let mut inc = |key: &'static str| *c.entry(key).or_default() += 1;
        if k.received >= from && k.received <= to {
            inc(if k.online {
                "received_online"
            } else {
                "received_offline"
            });
            inc("received_total");
        }
        if k.received < from && k.resolved.is_none_or(|d| d >= from) {
            inc("carried_over");
            inc("received_total");
        }
        if let Some(d) = k.resolved.filter(|d| *d >= from && *d <= to) {
            let _ = d;
            inc("resolved_total");
            inc(match k.class {
                "early" => "resolved_early",
                "late" => "resolved_late",
                _ => "resolved_on_time",
            });
            if k.class == "late" {
                inc(if k.apology {
                    "resolved_late_with_apology"
                } else {
                    "resolved_late_without_apology"
                });
            }
            if k.withdrawn {
                inc("withdrawn");
            }
            if k.returned {
                inc("returned");
            }
        }
        if k.received <= as_of && k.resolved.is_none_or(|d| d > as_of) {
            inc("in_progress_total");
            let overdue = !k.paused && k.due.is_some_and(|d| d < as_of);
            inc(if overdue {
                "in_progress_overdue"
            } else {
                "in_progress_within"
            });
        }
        if c.is_empty() {
            continue;
        }
        let e = out
            .entry((k.unit, k.field))
            .or_insert_with(|| KEYS.iter().map(|k| (*k, 0)).collect());
        for (key, v) in c {
            *e.get_mut(key).expect("key") += v;
        }
    }
    out
}

fn sum_over<'a>(
    m: impl Iterator<Item = &'a BTreeMap<&'static str, i64>>,
) -> BTreeMap<&'static str, i64> {
    let mut t: BTreeMap<&'static str, i64> = KEYS.iter().map(|k| (*k, 0)).collect();
    for c in m {
        for (k, v) in c {
            *t.get_mut(k).expect("key") += v;
        }
    }
    t
}

http_test!(async fn an_imported_history_is_reported_as_recomputed_from_its_lines(app) {
    let n: usize = std::env::var("CONGSO_REPORT_TEST_DOSSIERS").ok().and_then(|s| s.parse().ok()).unwrap_or(1500);
    let today = date!(2026-03-02);
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    publish_procedures(&app).await;
    let cal = congso_app::calendar::working_calendar(&app.app).await.expect("calendar");
    let (text, known) = generate(n, 0x5eed_2026, &cal, date!(2025-09-01), date!(2026-02-27), date!(2026-03-01));
    let started = std::time::Instant::now();
    let imported = congso_app::dossiers::import_legacy(&app.app, &text, &|_, _| {}).await.expect("import");
    eprintln!("imported {imported} dossiers in {:.1} s", started.elapsed().as_secs_f64());
    assert_eq!(imported, n);
    let office = app.token("vanphong").await;
    let head = app.token("lanhdao.so").await;
    let periods = [
        (date!(2025-09-01), date!(2026-03-31)),
        (date!(2025-10-01), date!(2025-12-31)),
        (date!(2025-11-15), date!(2026-01-20)),
        (date!(2025-12-01), date!(2025-12-01)),
        (date!(2026-02-10), date!(2026-02-25)),
        (date!(2026-03-01), date!(2026-03-02)),
        (date!(2026-04-01), date!(2026-04-30)),
    ];
    // Every kind of history is there.
    let all = sum_over(expected(&known, date!(2025-09-01), date!(2026-03-31), today, None).values());
    eprintln!("{all:?}");
    for k in ["received_online", "received_offline", "resolved_early", "resolved_on_time", "resolved_late_with_apology", "resolved_late_without_apology", "withdrawn", "returned", "in_progress_within", "in_progress_overdue"] {
        assert!(all[k] > 0, "{k}: {all:?}");
    }
    assert!(known.iter().any(|k| !k.counted) && known.iter().any(|k| k.paused));
    let carried = sum_over(expected(&known, date!(2025-12-01), date!(2025-12-31), today, None).values());
    assert!(carried["carried_over"] > 0 && carried["in_progress_overdue"] > 0, "{carried:?}");
    for (from, to) in periods {
        for (token, unit, units) in [
            (&office, None, None),
            (&office, Some("000.00.00.H57"), None),
            (&head, Some(JUSTICE), Some(&[JUSTICE][..])),
        ] {
            let q = format!("from={from}&to={to}{}", unit.map(|u| format!("&unit={u}")).unwrap_or_default());
            let got = report(&app, token, &q).await;
            let want = expected(&known, from, to, today, units);
            assert_eq!(numbers(&got["total"]), sum_over(want.values()), "total of {q}");
            let mut rows = 0;
            for row in got["rows"].as_array().expect("rows") {
                let u = row["unit"]["code"].as_str().expect("unit");
                let mine: Vec<_> = want.iter().filter(|((wu, _), _)| *wu == u).collect();
                assert_eq!(numbers(row), sum_over(mine.iter().map(|(_, c)| *c)), "{u} in {q}");
                for f in row["fields"].as_array().expect("fields") {
                    let fc = f["field"]["code"].as_str().expect("field");
                    let w = mine.iter().find(|((_, wf), _)| *wf == fc).map(|(_, c)| (*c).clone());
                    assert_eq!(Some(numbers(f)), w, "{u}/{fc} in {q}");
                }
                rows += 1;
            }
            let units_expected: std::collections::BTreeSet<_> = want.keys().map(|(u, _)| *u).collect();
            assert_eq!(rows, units_expected.len(), "rows of {q}");
        }
    }
    // Month by month (public aggregates for charts) agrees with the report of each month.
    let months = congso_app::reports::one_stop_monthly(&app.app, None, date!(2025-09-01), date!(2026-06-30)).await.expect("monthly");
    assert_eq!(months.len(), 7, "September to March (months after the current one are left out)");
    for m in &months {
        let want = sum_over(expected(&known, m.from, m.to, today, None).values().collect::<Vec<_>>().into_iter());
        let got = numbers(&serde_json::to_value(m.counts).expect("json"));
        assert_eq!(got, want, "{}", m.month);
    }
    // The rebuild finds nothing to fix; a tampered aggregate is found, fixed, and found fixed.
    rebuild_finds_nothing(&app).await;
    {
        let mut tx = app.app.db.begin_write().await.expect("tx");
        congso_db::tx_run!(&mut tx, |c| congso_db::sqlx::query("UPDATE report_onestop_daily SET received_online = received_online + 5 WHERE day = (SELECT MIN(day) FROM report_onestop_daily)").execute(c).await.map(|_| ())).expect("tamper");
        tx.commit().await.expect("commit");
    }
    let r = congso_app::reports::rebuild(&app.app).await.expect("rebuild");
    assert!(!r.differences.is_empty());
    assert!(r.differences.iter().all(|d| d.kept.is_some() && d.expected.is_some()), "{:?}", r.differences);
    rebuild_finds_nothing(&app).await;
    eprintln!("checked in {:.1} s", started.elapsed().as_secs_f64());
});
