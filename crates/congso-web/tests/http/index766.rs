//! The QĐ 766 index through the API on both backends: a small constructed history (procedures
//! published on time and late, dossiers early / late / in progress within and overdue, carried
//! over, online with an electronic result and a dissatisfied rating, feedback handled), each
//! indicator's numerator and denominator against hand-computed expectations, the threshold rule,
//! weights from the setting, permissions.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::dossiers::{PROC, ok, setup};
use crate::helpers::{TestApp, tiny_pdf};
use crate::http_test;

const CENTRE: &str = "000.01.01.H57";
const JUSTICE: &str = "000.00.04.H57";
const PERIOD: &str = "from=2026-03-01&to=2026-03-31";

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.api(Method::GET, path, Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    r.json()
}

async fn receive(app: &TestApp, token: &str) -> String {
    let r = app
        .api(Method::POST, "/api/v1/dossiers", Some(token), Some(json!({
            "procedure_code": PROC, "channel": "counter", "applicant": {"name": "Lê Văn An", "phone": "0905123456"}
        })))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["code"].as_str().expect("code").to_owned()
}

/// Forward → assign → submit → approve → finish; returns the timeliness.
async fn finish(app: &TestApp, code: &str) -> Value {
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    ok(app, &desk, code, json!({"action": "forward"})).await;
    ok(
        app,
        &head,
        code,
        json!({"action": "assign", "assignee": "chuyenvien"}),
    )
    .await;
    ok(app, &spec, code, json!({"action": "submit_for_approval"})).await;
    ok(app, &head, code, json!({"action": "approve"})).await;
    ok(app, &spec, code, json!({"action": "finish"})).await["result"].clone()
}

/// A copy of the test procedure with another code and a publication decision, published now.
async fn procedure_with_decision(app: &TestApp, code: &str, decided: &str, effective: &str) {
    let admin = app.token("admin").await;
    let mut spec = app
        .api(
            Method::GET,
            &format!("/api/v1/procedures/{PROC}"),
            Some(&admin),
            None,
        )
        .await
        .json();
    for k in ["version", "status", "versions"] {
        spec.as_object_mut().expect("object").remove(k);
    }
    spec["code"] = json!(code);
    spec["publication"] = json!({"number": format!("{code}/QĐ-UBND"), "date": decided});
    spec["effective_from"] = json!(effective);
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

fn indicator<'a>(row: &'a Value, code: &str) -> &'a Value {
    row["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| g["indicators"].as_array().expect("indicators"))
        .find(|i| i["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {row}"))
}

fn ratio(row: &Value, code: &str) -> (i64, i64) {
    let i = indicator(row, code);
    (
        i["numerator"].as_i64().expect("n"),
        i["denominator"].as_i64().expect("d"),
    )
}

fn points(row: &Value, code: &str) -> f64 {
    indicator(row, code)["points"].as_f64().expect("points")
}

fn row<'a>(r: &'a Value, unit: &str) -> &'a Value {
    r["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|x| x["unit"]["code"] == unit)
        .unwrap_or_else(|| panic!("no row {unit} in {r}"))
}

http_test!(async fn the_index_counts_a_constructed_history(app) {
    // Carried over: received Fri 27/2, finished early on Tue 3/3 (appointment Fri 6/3).
    app.clock.set(datetime!(2026-02-27 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let d6 = receive(&app, &desk).await;
    // Received in March: D1 early, D2 late, D3 overdue, D4 within (at the counter); D5 online.
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    procedure_with_decision(&app, "1.999902.000.00.00.H57", "2026-03-02", "2026-03-16").await;
    let d1 = receive(&app, &desk).await;
    let d2 = receive(&app, &desk).await;
    let d3 = receive(&app, &desk).await;
    ok(&app, &desk, &d3, json!({"action": "forward"})).await;
    // D5 arrives online (received by the desk on the citizen's behalf: the portal path is tested
    // in portal.rs); the citizen rates it below.
    let r = app
        .api(Method::POST, "/api/v1/dossiers", Some(&desk), Some(json!({
            "procedure_code": PROC, "channel": "online", "applicant": {"name": "Trần Thị Bích", "phone": "0905123457"}
        })))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let d5 = r.json()["code"].as_str().expect("code").to_owned();
    // Feedback and a recommendation to the Department of Justice.
    let office = app.token("lanhdao").await;
    let r = app.api(Method::POST, "/api/v1/petitions", Some(&office), Some(json!({
        "channel": "online", "petitioner": {"name": "Công ty TNHH Sông Hương", "address": "5 Hà Nội, Huế"},
        "content": "Phản ánh về thủ tục", "unit": "000.00.00.H57",
        "items": [{"kind": "feedback", "unit": JUSTICE}, {"kind": "recommendation", "unit": JUSTICE}]
    }))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let items: Vec<String> = r.json()["items"].as_array().expect("items").iter().map(|i| i["id"].as_str().expect("id").to_owned()).collect();

    app.clock.set(datetime!(2026-03-03 10:00 +7));
    assert_eq!(finish(&app, &d1).await, "early");
    assert_eq!(finish(&app, &d6).await, "early");
    procedure_with_decision(&app, "1.999903.000.00.00.H57", "2026-03-05", "2026-03-09").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    let act = |item: &str| format!("/api/v1/petition-items/{item}/actions");
    for it in &items {
        let r = app.api(Method::POST, &act(it), Some(&office), Some(json!({"action": "accept"}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // D5: through the desk, finished on Wed 4/3 with the electronic result; the citizen is unhappy.
    app.clock.set(datetime!(2026-03-04 10:00 +7));
    ok(&app, &desk, &d5, json!({"action": "forward"})).await;
    ok(&app, &head, &d5, json!({"action": "assign", "assignee": "chuyenvien"})).await;
    ok(&app, &spec, &d5, json!({"action": "submit_for_approval"})).await;
    ok(&app, &head, &d5, json!({"action": "approve"})).await;
    let actor = app.actor("chuyenvien").await;
    congso_app::portal::finish_with_result(&app.app, &actor, &d5,
        congso_app::dossiers::ActionInput { action: "finish".into(), ..Default::default() },
        Some(congso_app::portal::Upload { document_name: String::new(), file_name: "ket-qua.pdf".into(), bytes: tiny_pdf("kq").into() }),
    ).await.expect("finish with result");
    {
        let mut tx = app.app.db.begin_write().await.expect("tx");
        let row = congso_db::repo::dossiers::by_code(&mut tx, &d5).await.expect("q").expect("dossier");
        let user = congso_db::repo::users::by_username(&mut tx, "congdan").await.expect("q").expect("user");
        congso_db::repo::portal::insert_rating(&mut tx, &congso_db::repo::portal::RatingRow {
            dossier_id: row.id, user_id: user.id, rating: "khong_hai_long".into(), comment: None, created_at: app.app.now(),
        }).await.expect("rating");
        tx.commit().await.expect("commit");
    }
    // The feedback is resolved; the recommendation stays open.
    let r = app.api(Method::POST, &act(&items[0]), Some(&app.token("lanhdao").await), Some(json!({"action": "resolve", "decision_number": "12/UBND", "text": "Đã xử lý"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let feedback = r.json();
    // D2 finished after its appointment (Mon 9/3, 17:00): late.
    app.clock.set(datetime!(2026-03-11 10:00 +7));
    assert_eq!(finish(&app, &d2).await, "late");
    // D4: received on Mon 30/3, due Mon 6/4.
    app.clock.set(datetime!(2026-03-30 09:00 +7));
    let _d4 = receive(&app, &desk).await;
    app.clock.set(datetime!(2026-04-02 09:00 +7));

    let leader = app.token("lanhdao").await;
    let r = get(&app, &leader, &format!("/api/v1/reports/index-766?{PERIOD}")).await;
    assert_eq!(r["as_of"], "2026-03-31");
    // Dossiers belong to their processing unit (as in form II.06a): the Department of Justice.
    let c = row(&r, JUSTICE);
    assert!(r["rows"].as_array().expect("rows").iter().all(|x| x["unit"]["code"] != CENTRE), "the desk resolves nothing itself");
    // 2.1: (early 3 + on time 0 + within 1) / (resolved 4 + in progress 2).
    assert_eq!(ratio(c, "2.1"), (4, 6), "{}", c["facts"]);
    assert_eq!(indicator(c, "2.1")["rate"], 66.67);
    assert_eq!(points(c, "2.1"), 13.33);
    // 3.3: online 1 / received in March 5 (the carried-over one is not received in the period);
    // 20% is under the 50% threshold: 6 × 0.2 / 0.5 = 2.4.
    assert_eq!(ratio(c, "3.3"), (1, 5));
    assert_eq!(points(c, "3.3"), 2.4);
    assert_eq!(indicator(c, "3.3")["threshold"], 50.0);
    // 4.1: one electronic result of 4 resolved; 4.2: the online one of 5 received.
    assert_eq!(ratio(c, "4.1"), (1, 4));
    assert_eq!(points(c, "4.1"), 1.25);
    assert_eq!(ratio(c, "4.2"), (1, 5));
    assert_eq!(points(c, "4.2"), 1.5, "6 × 0.2 / 0.8");
    // 5.4: 100% − (1 late + 1 dissatisfied) / 4 = 50%, under 90%: 6 × 0.5 / 0.9 = 3.33.
    assert_eq!(ratio(c, "5.4"), (2, 4));
    assert_eq!(points(c, "5.4"), 3.33);
    let facts = &c["facts"];
    assert_eq!((facts["in_progress_within"].as_i64(), facts["in_progress_overdue"].as_i64()), (Some(1), Some(1)));
    // Unmeasured indicators say so and score nothing.
    for code in ["1.4", "3.5", "3.6", "4.3", "4.4", "4.5"] {
        let i = indicator(c, code);
        assert_eq!((i["measured"].clone(), i["points"].clone(), i["rate"].clone()), (json!(false), json!(0.0), Value::Null), "{code}");
        assert!(i["note_vi"].as_str().expect("note").starts_with("Chưa đo"), "{code}");
    }

    // The Department of Justice's procedures and feedback.
    let j = c;
    // 1.1: the decision of 2/3 is 10 working days before 16/3 (on time), that of 5/3 only 2 before 9/3.
    assert_eq!(ratio(j, "1.1"), (1, 2));
    // 1.2: disclosed on 2/3 (the decision's day) and on 3/3 (before the decision of 5/3).
    assert_eq!(ratio(j, "1.2"), (2, 2));
    // 3.2: of the department's online procedures, only the test procedure got an online dossier.
    let (used, online) = ratio(j, "3.2");
    assert_eq!(used, 1);
    let (online_procs, all_procs) = ratio(j, "3.1");
    assert_eq!(online, online_procs);
    assert!(all_procs >= 3 && online_procs >= 3);
    // 5.2: the documents of the feedback items with a stage deadline (accept ×2, resolve).
    let docs: Vec<Value> = feedback["documents"].as_array().expect("docs").clone();
    let resolve_on_time = docs.last().expect("doc")["on_time"].as_bool();
    assert_eq!(feedback["result"], "on_time");
    assert_eq!(ratio(j, "5.3"), (1, 1));
    let (steps_ok, steps) = ratio(j, "5.2");
    assert!(steps >= 1 && steps_ok <= steps, "{steps_ok}/{steps}");
    assert_eq!(resolve_on_time, Some(true));
    assert_eq!(ratio(j, "5.1"), (0, 2), "no regulation feedback among the 2 received");

    // The whole province: the catalogue of the demo (167 procedures, 141 online) + the 3 added.
    let t = &r["total"];
    assert_eq!(t["unit"], Value::Null);
    assert_eq!(ratio(t, "3.1").1, 170);
    assert_eq!(ratio(t, "3.1").0, 144);
    assert_eq!(ratio(t, "2.1"), (4, 6));
    // 3.1 = 84.7% ≥ 80%: full points.
    assert_eq!(points(t, "3.1"), 6.0);
    let sum: f64 = t["groups"].as_array().expect("g").iter().map(|g| g["points"].as_f64().expect("p")).sum();
    assert!((t["total"].as_f64().expect("total") - sum).abs() < 0.02);

    // A unit scope: the department and the units below it.
    let s = get(&app, &leader, &format!("/api/v1/reports/index-766?{PERIOD}&unit={JUSTICE}")).await;
    assert_eq!(s["total"]["unit"]["code"], JUSTICE);
    assert_eq!(ratio(&s["total"], "2.1"), (4, 6));
    assert_eq!(ratio(&s["total"], "3.1"), ratio(j, "3.1"));

    // Weights from the setting: 2.1 worth 10, 2.x has nothing else → rejected; move 5 points
    // within group 1 instead.
    let admin = app.token("admin").await;
    let bad = app.api(Method::PUT, "/api/v1/reports/index-766/weights", Some(&admin), Some(json!({"2.1": 10}))).await;
    assert_eq!((bad.status, bad.json()["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_input")));
    let events = app.event_count().await;
    let w = app.api(Method::PUT, "/api/v1/reports/index-766/weights", Some(&admin), Some(json!({"3.3": 10, "3.1": 2}))).await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.body);
    assert_eq!(app.event_count().await, events + 1, "the change is audited");
    let r2 = get(&app, &leader, &format!("/api/v1/reports/index-766?{PERIOD}&unit={JUSTICE}")).await;
    assert_eq!(indicator(&r2["total"], "3.3")["max_points"], 10.0);
    assert_eq!(points(&r2["total"], "3.3"), 4.0, "10 × 0.2 / 0.5");
    assert_eq!(r2["weights"]["3.3"], 10.0);
    let spec_token = app.token("chuyenvien").await;
    let r = app.api(Method::PUT, "/api/v1/reports/index-766/weights", Some(&spec_token), Some(json!({"3.3": 6, "3.1": 6}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

http_test!(async fn the_index_needs_report_view_on_the_unit(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    // A department head sees their department, not every unit nor another department.
    let head = app.token("lanhdao.so").await;
    let r = app.api(Method::GET, &format!("/api/v1/reports/index-766?{PERIOD}"), Some(&head), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.api(Method::GET, &format!("/api/v1/reports/index-766?{PERIOD}&unit={JUSTICE}"), Some(&head), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.api(Method::GET, &format!("/api/v1/reports/index-766?{PERIOD}&unit={CENTRE}"), Some(&head), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Without a login: 401; a citizen: 403; a bad period: 400.
    let r = app.api(Method::GET, &format!("/api/v1/reports/index-766?{PERIOD}"), None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let office = app.token("vanphong").await;
    let r = app.api(Method::GET, "/api/v1/reports/index-766?from=2026-03-31&to=2026-03-01", Some(&office), None).await;
    assert_eq!((r.status, r.json()["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_date_range")));
    let r = app.api(Method::GET, &format!("/api/v1/reports/index-766?{PERIOD}&unit=999.99.99.H57"), Some(&office), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Nothing in the period: no rates, no points, but the structure is whole (5 groups, 100 max).
    let r = get(&app, &office, "/api/v1/reports/index-766?from=2030-01-01&to=2030-01-31").await;
    let groups = r["total"]["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 5);
    let max: f64 = groups.iter().map(|g| g["max_points"].as_f64().expect("max")).sum();
    assert_eq!(max, 100.0);
    assert_eq!(indicator(&r["total"], "2.1")["rate"], Value::Null);
});
