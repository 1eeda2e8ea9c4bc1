//! The one-stop desk through the API, on both backends: every transition, every refusal path,
//! illegal and unauthorised actions (nothing written), the legal clock.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::helpers::{TestApp, TestResponse};
use crate::http_test;

pub const PROC: &str = "1.999900.000.00.00.H57";

/// A Department of Justice procedure: 5 working days at the counter, online and by post, with a
/// workflow budget of 4 + 24 + 8 + 4 working hours.
pub async fn setup(app: &TestApp) {
    let admin = app.token("admin").await;
    let spec = json!({
        "code": PROC, "name": "Cấp phiếu thử nghiệm một cửa", "field": {"code": "TN", "name": "Thử nghiệm"},
        "level": "province", "unit": "000.00.04.H57", "online": "full",
        "channels": [
            {"kind": "counter", "time_limit": {"value": 5, "unit": "working_days"}, "fee_vnd": 50000},
            {"kind": "online", "time_limit": {"value": 5, "unit": "working_days"}, "fee_vnd": 25000},
            {"kind": "post", "time_limit": {"value": 5, "unit": "working_days"}, "fee_vnd": 50000}
        ],
        "documents": [{"name": "Tờ khai", "originals": 1, "copies": 0}, {"name": "Bản sao căn cước", "originals": 0, "copies": 1}],
        "steps": ["Nộp hồ sơ", "Thẩm định", "Trả kết quả"], "applicants": "Công dân", "result": "Phiếu",
        "legal_basis": ["Luật thử nghiệm"],
        "workflow": [
            {"name": "Tiếp nhận", "role": "one_stop_officer", "budget": {"value": 4, "unit": "working_hours"}},
            {"name": "Thẩm định", "role": "specialist", "budget": {"value": 24, "unit": "working_hours"}},
            {"name": "Phê duyệt", "role": "unit_head", "budget": {"value": 8, "unit": "working_hours"}},
            {"name": "Trả kết quả", "role": "one_stop_officer", "budget": {"value": 4, "unit": "working_hours"}}
        ]
    });
    assert_eq!(
        app.api(Method::POST, "/api/v1/procedures", Some(&admin), Some(spec))
            .await
            .status,
        StatusCode::CREATED
    );
    assert_eq!(
        app.api(
            Method::POST,
            &format!("/api/v1/procedures/{PROC}/publish"),
            Some(&admin),
            None
        )
        .await
        .status,
        StatusCode::OK
    );
}

pub async fn receive(app: &TestApp, token: &str, email: Option<&str>) -> Value {
    let r = app
        .api(Method::POST, "/api/v1/dossiers", Some(token), Some(json!({
            "procedure_code": PROC, "channel": "counter",
            "applicant": {"name": "Nguyễn Thị Hoa", "id_number": "046195000123", "phone": "0905123456", "email": email, "address": "12 Lê Lợi, Huế"}
        })))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

pub async fn act(app: &TestApp, token: &str, code: &str, body: Value) -> TestResponse {
    app.api(
        Method::POST,
        &format!("/api/v1/dossiers/{code}/actions"),
        Some(token),
        Some(body),
    )
    .await
}

pub async fn ok(app: &TestApp, token: &str, code: &str, body: Value) -> Value {
    let r = act(app, token, code, body.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{body}: {}", r.body);
    let answer = r.json();
    // The answer's timeline (built from the read before the write on SQLite) is the stored one.
    let now = app
        .api(
            Method::GET,
            &format!("/api/v1/dossiers/{code}"),
            Some(token),
            None,
        )
        .await;
    if now.status == StatusCode::OK {
        assert_eq!(answer["events"], now.json()["events"], "{body}");
    }
    answer
}

http_test!(async fn a_full_lifecycle_with_codes_appointment_and_timeline(app) {
    app.clock.set(datetime!(2026-02-13 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    let d = receive(&app, &desk, Some("hoa@example.vn")).await;
    let code = d["code"].as_str().expect("code").to_owned();
    assert_eq!(code, "000.01.01.H57-260213-0001", "centre code, receipt date in UTC+7, first of the day");
    assert_eq!(d["status"], json!({"code": 2, "name": "Được tiếp nhận", "state": "received"}));
    assert_eq!(d["received_at"], "2026-02-13T09:00:00+07:00");
    // Fri 13/2/2026 + 5 working days over the Tết break (16-20/2) → Fri 27/2/2026, end of office hours.
    assert_eq!(d["appointment_at"], "2026-02-27T17:00:00+07:00");
    assert_eq!(d["processing_unit"]["code"], "000.00.04.H57");
    assert_eq!(d["fee_vnd"], 50000);
    assert_eq!(d["documents"].as_array().map(Vec::len), Some(2));
    app.clock.set(datetime!(2026-02-13 10:00 +7));
    let f = ok(&app, &desk, &code, json!({"action": "forward"})).await;
    assert_eq!(f["status"]["code"], 4);
    app.clock.set(datetime!(2026-02-23 08:00 +7));
    let a = ok(&app, &head, &code, json!({"action": "assign", "assignee": "chuyenvien"})).await;
    assert_eq!((a["status"]["state"].clone(), a["assignee"].clone()), (json!("assigned"), json!("chuyenvien")));
    let p = ok(&app, &spec, &code, json!({"action": "submit_for_approval"})).await;
    assert_eq!(p["status"]["state"], "pending_approval");
    let ap = ok(&app, &head, &code, json!({"action": "approve"})).await;
    assert_eq!(ap["status"]["state"], "approved");
    app.clock.set(datetime!(2026-02-24 10:00 +7));
    let fin = ok(&app, &spec, &code, json!({"action": "finish"})).await;
    assert_eq!((fin["status"]["code"].clone(), fin["result"].clone()), (json!(9), json!("early")));
    let ret = ok(&app, &desk, &code, json!({"action": "return_result"})).await;
    assert_eq!(ret["status"], json!({"code": 10, "name": "Đã trả kết quả", "state": "returned"}));
    assert_eq!(ret["returned_at"], "2026-02-24T10:00:00+07:00");
    let actions: Vec<&str> = ret["events"].as_array().expect("events").iter().map(|e| e["action"].as_str().unwrap_or_default()).collect();
    assert_eq!(actions, ["receive", "forward", "assign", "submit_for_approval", "approve", "finish", "return_result"]);
    assert_eq!(ret["events"][2]["actor"], "Lê Minh Tuấn");
    assert!(ret["actions"].as_array().is_some_and(Vec::is_empty), "terminal");
    // The next dossier of the day gets 0002; another day restarts at 0001.
    app.clock.set(datetime!(2026-02-13 11:00 +7));
    assert_eq!(receive(&app, &desk, None).await["code"], "000.01.01.H57-260213-0002");
    app.clock.set(datetime!(2026-03-02 08:00 +7));
    assert_eq!(receive(&app, &desk, None).await["code"], "000.01.01.H57-260302-0001");
    // The applicant was notified by email at receipt and when the result was ready.
    let mails = congso_db::jobs::unfinished(&app.app.db).await.expect("jobs");
    let to_hoa = mails.iter().filter(|(kind, payload, _)| kind == "send_email" && payload.contains("hoa@example.vn")).count();
    assert_eq!(to_hoa, 2, "{mails:?}");
    // The hash chain is intact.
    assert!(matches!(congso_db::events::verify(&app.app.db).await.expect("verify"), congso_db::events::Verification::Ok { .. }));
});

http_test!(async fn supplements_pause_the_clock_and_a_second_one_makes_it_late(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    let d = receive(&app, &desk, None).await;
    let code = d["code"].as_str().expect("code").to_owned();
    assert_eq!(d["appointment_at"], "2026-03-09T17:00:00+07:00", "Mon 2/3 + 5 working days");
    ok(&app, &desk, &code, json!({"action": "forward"})).await;
    ok(&app, &head, &code, json!({"action": "assign", "assignee": "chuyenvien"})).await;
    // Without a reason the request is refused.
    let r = act(&app, &spec, &code, json!({"action": "request_supplement"})).await;
    assert_eq!((r.status, r.json()["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_input")));
    app.clock.set(datetime!(2026-03-03 09:00 +7));
    let s = ok(&app, &spec, &code, json!({"action": "request_supplement", "reason": "Thiếu bản sao căn cước",
        "items": [{"name": "Bản sao căn cước", "originals": 0, "copies": 1}]})).await;
    assert_eq!((s["status"]["code"].clone(), s["paused"].clone(), s["supplements"].clone()), (json!(5), json!(true), json!(1)));
    // Paused Tue 3/3, resumed Fri 6/3: 3 working days (4, 5, 6) → due 3 working days later.
    app.clock.set(datetime!(2026-03-06 09:00 +7));
    let back = ok(&app, &desk, &code, json!({"action": "supplement_received"})).await;
    assert_eq!(back["status"]["state"], "assigned", "back where it was");
    assert_eq!(back["paused_working_days"], 3);
    assert_eq!(back["due_at"], "2026-03-12T17:00:00+07:00");
    assert_eq!(back["appointment_at"], "2026-03-09T17:00:00+07:00", "the original appointment is kept");
    // A second request is allowed but makes the dossier late whatever the dates.
    ok(&app, &spec, &code, json!({"action": "request_supplement", "reason": "Thiếu chữ ký"})).await;
    app.clock.set(datetime!(2026-03-06 10:00 +7));
    ok(&app, &desk, &code, json!({"action": "supplement_received"})).await;
    ok(&app, &head, &code, json!({"action": "approve"})).await;
    let fin = ok(&app, &spec, &code, json!({"action": "finish"})).await;
    assert_eq!((fin["supplements"].clone(), fin["result"].clone()), (json!(2), json!("late")));
    let second = fin["events"].as_array().expect("events").iter().filter(|e| e["action"] == "request_supplement").count();
    assert_eq!(second, 2);
});

http_test!(async fn payment_apology_once_and_the_obligation_one_working_day_before(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let code = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    ok(&app, &desk, &code, json!({"action": "forward"})).await;
    // Payment requested and received the same day: the state comes back.
    let p = ok(&app, &desk, &code, json!({"action": "request_payment", "amount_vnd": 50000})).await;
    assert_eq!((p["status"]["code"].clone(), p["amount_due"].clone()), (json!(6), json!(50000)));
    let back = ok(&app, &desk, &code, json!({"action": "payment_received"})).await;
    assert_eq!(back["status"]["state"], "forwarded");
    // Due Mon 9/3. Two working days before (Thu 5/3) the sweep finds nothing; one working day before
    // (Fri 6/3) it creates the apology obligation for the late unit.
    app.clock.set(datetime!(2026-03-05 09:00 +7));
    assert_eq!(congso_app::dossiers::sweep(&app.app).await.expect("sweep").apology_obligations, 0);
    let before = app.api(Method::GET, &format!("/api/v1/dossiers/{code}"), Some(&desk), None).await.json();
    assert_eq!(before["apology_required"], false);
    app.clock.set(datetime!(2026-03-06 09:00 +7));
    assert_eq!(congso_app::dossiers::sweep(&app.app).await.expect("sweep").apology_obligations, 1);
    assert_eq!(congso_app::dossiers::sweep(&app.app).await.expect("sweep").apology_obligations, 0, "once");
    let d = app.api(Method::GET, &format!("/api/v1/dossiers/{code}"), Some(&head), None).await.json();
    assert_eq!(d["apology_required"], true);
    assert!(d["events"].as_array().expect("events").iter().any(|e| e["action"] == "apology_required"));
    // The apology moves the due date to the new appointment, once.
    let early = act(&app, &head, &code, json!({"action": "apologize", "reason": "Chờ xác minh", "new_appointment_at": "2026-03-05"})).await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST, "the new date must be later than the current one");
    let a = ok(&app, &head, &code, json!({"action": "apologize", "reason": "Chờ xác minh của cơ quan khác", "new_appointment_at": "2026-03-13"})).await;
    assert_eq!((a["due_at"].clone(), a["new_appointment_at"].clone()), (json!("2026-03-13T17:00:00+07:00"), json!("2026-03-13T17:00:00+07:00")));
    assert_eq!(a["apology_required"], false);
    let again = act(&app, &head, &code, json!({"action": "apologize", "reason": "Lần nữa", "new_appointment_at": "2026-03-20"})).await;
    assert_eq!((again.status, again.json()["error"].clone()), (StatusCode::CONFLICT, json!("new_appointment_once")));
    // Finishing after the original appointment but before the new one is on time… by the new date.
    app.clock.set(datetime!(2026-03-12 09:00 +7));
    ok(&app, &head, &code, json!({"action": "assign", "assignee": "chuyenvien"})).await;
    ok(&app, &head, &code, json!({"action": "approve"})).await;
    let fin = ok(&app, &head, &code, json!({"action": "finish"})).await;
    assert_eq!(fin["result"], "early");
});

http_test!(async fn illegal_and_unauthorised_actions_write_nothing(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    let admin = app.token("admin").await;
    let code = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    // A specialist of another department.
    let r = app.api(Method::POST, "/api/v1/users", Some(&admin), Some(json!({
        "username": "cv.yte", "password": "mat-khau-du-dai", "full_name": "Chuyên viên Sở Y tế", "role": "specialist", "unit": "000.00.10.H57"
    }))).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let login = app.api(Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "cv.yte", "password": "mat-khau-du-dai"}))).await;
    let other = login.json()["token"].as_str().expect("token").to_owned();
    let events = app.event_count().await;
    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (&desk, json!({"action": "return_result"}), StatusCode::CONFLICT, "illegal_transition"),
        (&desk, json!({"action": "approve"}), StatusCode::CONFLICT, "illegal_transition"),
        (&desk, json!({"action": "fly"}), StatusCode::BAD_REQUEST, "invalid_input"),
        (&spec, json!({"action": "forward"}), StatusCode::FORBIDDEN, "forbidden"),
        (&other, json!({"action": "forward"}), StatusCode::FORBIDDEN, "forbidden"),
    ];
    for (token, body, status, error) in &cases {
        let r = act(&app, token, &code, body.clone()).await;
        assert_eq!((r.status, r.json()["error"].clone()), (*status, json!(error)), "{body}");
    }
    ok(&app, &desk, &code, json!({"action": "forward"})).await;
    let events = events + 1;
    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (&desk, json!({"action": "transfer", "to_unit": "000.00.06.H57"}), StatusCode::FORBIDDEN, "forbidden"),
        (&desk, json!({"action": "approve"}), StatusCode::CONFLICT, "illegal_transition"),
        (&other, json!({"action": "assign", "assignee": "cv.yte"}), StatusCode::FORBIDDEN, "forbidden"),
        (&head, json!({"action": "assign", "assignee": "cv.yte"}), StatusCode::BAD_REQUEST, "invalid_assignee"),
        (&head, json!({"action": "assign"}), StatusCode::BAD_REQUEST, "invalid_input"),
        (&spec, json!({"action": "stop", "reason": "x"}), StatusCode::FORBIDDEN, "forbidden"),
        (&head, json!({"action": "finish"}), StatusCode::CONFLICT, "illegal_transition"),
        (&desk, json!({"action": "forward"}), StatusCode::CONFLICT, "illegal_transition"),
    ];
    for (token, body, status, error) in &cases {
        let r = act(&app, token, &code, body.clone()).await;
        assert_eq!((r.status, r.json()["error"].clone()), (*status, json!(error)), "{body}");
    }
    assert_eq!(app.event_count().await, events, "refused actions wrote nothing");
    let d = app.api(Method::GET, &format!("/api/v1/dossiers/{code}"), Some(&desk), None).await.json();
    assert_eq!(d["status"]["state"], "forwarded");
    // Staff of unrelated units cannot even read it; neither can the public API without a token.
    assert_eq!(app.api(Method::GET, &format!("/api/v1/dossiers/{code}"), Some(&other), None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.api(Method::GET, &format!("/api/v1/dossiers/{code}"), None, None).await.status, StatusCode::UNAUTHORIZED);
});

http_test!(async fn refusals_withdrawal_stop_and_transfer(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    // Refused at intake (Mẫu 03): status 3, terminal.
    let a = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    assert_eq!(act(&app, &desk, &a, json!({"action": "refuse"})).await.json()["error"], "invalid_input", "a reason is needed");
    let r = ok(&app, &desk, &a, json!({"action": "refuse", "reason": "Hồ sơ không thuộc thẩm quyền"})).await;
    assert_eq!((r["status"]["code"].clone(), r["outcome"].clone(), r["actions"].clone()), (json!(3), json!("refused"), json!([])));
    // Refused during processing: finished with a refusal, then returned.
    let b = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    ok(&app, &desk, &b, json!({"action": "forward"})).await;
    ok(&app, &head, &b, json!({"action": "assign", "assignee": "chuyenvien"})).await;
    let r = ok(&app, &spec, &b, json!({"action": "refuse", "reason": "Không đủ điều kiện"})).await;
    assert_eq!((r["status"]["code"].clone(), r["outcome"].clone(), r["result"].clone()), (json!(9), json!("refused"), json!("early")));
    assert_eq!(ok(&app, &desk, &b, json!({"action": "return_result"})).await["status"]["code"], 10);
    // Withdrawn at the applicant's request (7), stopped (8).
    let c = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    ok(&app, &desk, &c, json!({"action": "forward"})).await;
    assert_eq!(ok(&app, &desk, &c, json!({"action": "withdraw", "note": "Công dân xin rút"})).await["status"]["code"], 7);
    let d = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    ok(&app, &desk, &d, json!({"action": "forward"})).await;
    assert_eq!(act(&app, &head, &d, json!({"action": "stop"})).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(ok(&app, &head, &d, json!({"action": "stop", "reason": "Có tranh chấp"})).await["status"]["code"], 8);
    // Transfer (liên thông) to another department: its head may then assign.
    let e = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    ok(&app, &desk, &e, json!({"action": "forward"})).await;
    let t = ok(&app, &head, &e, json!({"action": "transfer", "to_unit": "000.00.06.H57"})).await;
    assert_eq!((t["processing_unit"]["code"].clone(), t["status"]["state"].clone()), (json!("000.00.06.H57"), json!("forwarded")));
    assert_eq!(act(&app, &head, &e, json!({"action": "assign", "assignee": "chuyenvien"})).await.status, StatusCode::FORBIDDEN, "no longer theirs");
});

http_test!(async fn online_submissions_are_accepted_or_refused(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let citizen = app.actor("congdan").await;
    let new = || congso_app::dossiers::NewDossier {
        procedure_code: PROC.into(), channel: "online".into(),
        applicant: congso_app::dossiers::Applicant { name: "Nguyễn Thị Hoa".into(), ..Default::default() },
        documents: vec![], receiving_unit: None, code: None, received_at: None,
    };
    let s = congso_app::dossiers::submit(&app.app, &citizen, new()).await.expect("submit");
    assert_eq!((s.status.code, s.appointment_at), (1, None), "no clock before acceptance");
    app.clock.set(datetime!(2026-03-02 14:00 +7));
    let a = ok(&app, &desk, &s.code, json!({"action": "accept"})).await;
    assert_eq!((a["status"]["code"].clone(), a["appointment_at"].clone()), (json!(2), json!("2026-03-09T17:00:00+07:00")));
    let s2 = congso_app::dossiers::submit(&app.app, &citizen, new()).await.expect("submit");
    let r = ok(&app, &desk, &s2.code, json!({"action": "refuse", "reason": "Giấy tờ không rõ"})).await;
    assert_eq!(r["status"]["code"], 3);
    // The citizen sees their own dossier; others' are not found.
    assert_eq!(congso_app::dossiers::get(&app.app, &citizen, &s.code).await.expect("own").code, s.code);
    let other = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    assert!(congso_app::dossiers::get(&app.app, &citizen, &other).await.is_err());
});

http_test!(async fn the_public_lookup_shows_steps_but_no_personal_data(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let code = receive(&app, &desk, Some("hoa@example.vn")).await["code"].as_str().expect("code").to_owned();
    ok(&app, &desk, &code, json!({"action": "forward"})).await;
    let r = app.api(Method::GET, &format!("/api/v1/lookup/{code}"), None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(j["applicant"], "N. T. H.");
    assert_eq!(j["status"]["code"], 4);
    assert_eq!(j["steps"].as_array().map(Vec::len), Some(2));
    for private in ["046195000123", "0905123456", "hoa@example.vn", "Lê Lợi", "Nguyễn Thị Hoa"] {
        assert!(!r.body.contains(private), "{private} leaked");
    }
    assert_eq!(app.api(Method::GET, "/api/v1/lookup/000.01.01.H57-260302-9999", None, None).await.status, StatusCode::NOT_FOUND);
});

http_test!(async fn a_thousand_concurrent_receipts_get_consecutive_codes(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let officer = app.actor("motcua").await;
    let mut tasks = vec![];
    for i in 0..1000 {
        let (app2, officer) = (app.app.clone(), officer.clone());
        tasks.push(tokio::spawn(async move {
            let new = congso_app::dossiers::NewDossier {
                procedure_code: PROC.into(), channel: "counter".into(),
                applicant: congso_app::dossiers::Applicant { name: format!("Người nộp {i}"), ..Default::default() },
                documents: vec![], receiving_unit: None, code: None, received_at: None,
            };
            loop {
                match congso_app::dossiers::receive(&app2, &officer, new.clone()).await {
                    Ok(v) => return v.code,
                    // PostgreSQL may abort one of two transactions racing for the counter row;
                    // the desk retries.
                    Err(e) if e.code == congso_domain::ErrorCode::Conflict => continue,
                    Err(e) => panic!("{e}"),
                }
            }
        }));
    }
    let mut codes = vec![];
    for t in tasks {
        codes.push(t.await.expect("task"));
    }
    codes.sort();
    let expected: Vec<String> = (1..=1000).map(|n| format!("000.01.01.H57-260302-{n:04}")).collect();
    assert_eq!(codes, expected);
    // Each receipt wrote its dossier with its first event (on SQLite, in one command).
    let mut tx = app.app.db.begin_read().await.expect("tx");
    for code in [&codes[0], &codes[999]] {
        let d = congso_db::repo::dossiers::by_code(&mut tx, code).await.expect("q").expect("dossier");
        assert_eq!(d.code, *code);
        let events = congso_db::events::for_subject(&mut tx, d.id).await.expect("events");
        assert_eq!(events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["receive"]);
    }
    tx.commit().await.expect("commit");
    assert!(matches!(congso_db::events::verify(&app.app.db).await.expect("verify"), congso_db::events::Verification::Ok { .. }));
});

http_test!(async fn closing_a_unit_moves_its_open_dossiers_to_the_successor(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let admin = app.token("admin").await;
    for (code, name) in [("000.00.81.H57", "Sở cũ"), ("000.00.82.H57", "Sở mới")] {
        let r = app.api(Method::POST, "/api/v1/units", Some(&admin), Some(json!({"code": code, "name": name, "kind": "department", "parent": "000.00.00.H57", "valid_from": "2026-01-01"}))).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let mut spec = crate::catalogue::base_spec("1.999901.000.00.00.H57", "Thủ tục của sở cũ");
    spec["unit"] = json!("000.00.81.H57");
    spec["level"] = json!("province");
    app.api(Method::POST, "/api/v1/procedures", Some(&admin), Some(spec)).await;
    app.api(Method::POST, "/api/v1/procedures/1.999901.000.00.00.H57/publish", Some(&admin), None).await;
    let desk = app.token("motcua").await;
    let r = app.api(Method::POST, "/api/v1/dossiers", Some(&desk), Some(json!({"procedure_code": "1.999901.000.00.00.H57", "channel": "counter", "applicant": {"name": "Trần Văn Bình"}}))).await;
    let d = r.json();
    let code = d["code"].as_str().expect("code").to_owned();
    ok(&app, &desk, &code, json!({"action": "forward"})).await;
    let close = app.api(Method::POST, "/api/v1/units/000.00.81.H57/close", Some(&admin), Some(json!({"valid_to": "2026-03-03", "successors": [{"code": "000.00.82.H57", "relation": "merge"}]}))).await;
    assert_eq!(close.status, StatusCode::OK, "{}", close.body);
    let after = app.api(Method::GET, &format!("/api/v1/dossiers/{code}"), Some(&desk), None).await.json();
    assert_eq!(after["processing_unit"]["code"], "000.00.82.H57");
    assert_eq!((after["code"].clone(), after["received_at"].clone(), after["appointment_at"].clone()), (d["code"].clone(), d["received_at"].clone(), d["appointment_at"].clone()));
    assert!(after["events"].as_array().expect("events").iter().any(|e| e["action"] == "transferred_by_reorg"));
});

fn legacy_line(code: &str, events: Value) -> String {
    json!({
        "procedure_code": PROC, "unit_code": "000.01.01.H57", "channel": "counter", "code": code,
        "applicant": {"name": "Lê Thị Lan", "phone": "0905000111"}, "events": events
    })
    .to_string()
}

http_test!(async fn legacy_dossiers_are_replayed_through_the_engine_all_or_nothing(app) {
    app.clock.set(datetime!(2026-03-20 09:00 +7));
    setup(&app).await;
    let good = legacy_line("000.01.01.H57-260213-0101", json!([
        {"at": "2026-02-13T09:15:00+07:00", "action": "receive"},
        {"at": "2026-02-13T10:00:00+07:00", "action": "forward"},
        {"at": "2026-02-23T08:30:00+07:00", "action": "assign", "assignee": "chuyenvien"},
        {"at": "2026-02-24T08:30:00+07:00", "action": "request_supplement", "reason": "Thiếu tờ khai"},
        {"at": "2026-02-27T08:30:00+07:00", "action": "supplement_received"},
        {"at": "2026-03-03T08:30:00+07:00", "action": "approve"},
        {"at": "2026-03-03T15:00:00+07:00", "action": "finish"},
        {"at": "2026-03-04T09:00:00+07:00", "action": "return_result"}
    ]));
    let online = legacy_line("000.01.01.H57-260302-0102", json!([
        {"at": "2026-03-02T20:00:00+07:00", "action": "submit"},
        {"at": "2026-03-03T08:00:00+07:00", "action": "accept"}
    ]));
    // The third line returns a result that was never processed: refused with its line number.
    let bad = legacy_line("000.01.01.H57-260302-0103", json!([
        {"at": "2026-03-02T09:00:00+07:00", "action": "receive"},
        {"at": "2026-03-02T10:00:00+07:00", "action": "return_result"}
    ]));
    let before = app.event_count().await;
    let err = congso_app::dossiers::import_legacy(&app.app, &format!("{good}\n{online}\n{bad}\n"), &|_, _| {}).await.expect_err("bad line");
    assert_eq!(err.code, congso_domain::ErrorCode::ImportLineFailed);
    let detail = err.detail.unwrap_or_default();
    assert!(detail.contains("dòng/line 3") && detail.contains("return_result"), "{detail}");
    assert_eq!(app.event_count().await, before, "nothing written");
    let unordered = legacy_line("000.01.01.H57-260302-0104", json!([
        {"at": "2026-03-02T09:00:00+07:00", "action": "receive"}, {"at": "2026-03-01T09:00:00+07:00", "action": "forward"}
    ]));
    assert!(congso_app::dossiers::import_legacy(&app.app, &unordered, &|_, _| {}).await.is_err());
    // Without the bad line both import, with appointments and results recomputed.
    let n = congso_app::dossiers::import_legacy(&app.app, &format!("{good}\n\n{online}\n"), &|_, _| {}).await.expect("import");
    assert_eq!(n, 2);
    // The report took both at the end of the import (its triggers were deferred meanwhile), and
    // the triggers are back for the next writer: a receipt counts at once.
    let office = app.token("vanphong").await;
    let period = "from=2026-02-01&to=2026-03-31";
    assert_eq!(crate::reports::report(&app, &office, period).await["total"]["received_total"], 2);
    let desk = app.token("motcua").await;
    receive(&app, &desk, None).await;
    assert_eq!(crate::reports::report(&app, &office, period).await["total"]["received_total"], 3);
    let d = app.api(Method::GET, "/api/v1/dossiers/000.01.01.H57-260213-0101", Some(&desk), None).await.json();
    assert_eq!(d["appointment_at"], "2026-02-27T17:00:00+07:00");
    // Paused Tue 24/2 → Fri 27/2 (3 working days): due Wed 4/3; finished Tue 3/3 → early.
    assert_eq!((d["paused_working_days"].clone(), d["due_at"].clone()), (json!(3), json!("2026-03-04T17:00:00+07:00")));
    assert_eq!((d["result"].clone(), d["status"]["code"].clone()), (json!("early"), json!(10)));
    assert_eq!(d["events"].as_array().map(Vec::len), Some(8));
    let o = app.api(Method::GET, "/api/v1/dossiers/000.01.01.H57-260302-0102", Some(&desk), None).await.json();
    assert_eq!((o["status"]["code"].clone(), o["appointment_at"].clone()), (json!(2), json!("2026-03-10T17:00:00+07:00")), "accepted Tue 3/3 + 5 working days");
    // Imports send no email to applicants of the past.
    assert!(congso_db::jobs::unfinished(&app.app.db).await.expect("jobs").iter().all(|j| j.0 != "send_email"));
    // The same codes cannot be imported twice.
    let again = congso_app::dossiers::import_legacy(&app.app, &good, &|_, _| {}).await.expect_err("duplicate");
    assert!(again.detail.unwrap_or_default().contains("already exists"));
});

http_test!(async fn concurrent_actions_on_one_dossier_apply_once_and_keep_the_chain(app) {
    // On SQLite a transition is decided outside the write lock and written only if the dossier
    // and its event chain did not move meanwhile; racing officers must not both forward it.
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let officer = app.token("motcua").await;
    let d = receive(&app, &officer, None).await;
    let code = d["code"].as_str().expect("code").to_owned();
    let events_before = app.event_count().await;
    let actor = app.actor("motcua").await;
    let mut tasks = vec![];
    for _ in 0..12 {
        let (app2, actor, code) = (app.app.clone(), actor.clone(), code.clone());
        tasks.push(tokio::spawn(async move {
            let input = congso_app::dossiers::ActionInput { action: "forward".into(), ..Default::default() };
            congso_app::dossiers::act(&app2, &actor, &code, input).await.map(|v| v.status.state)
        }));
    }
    let mut forwarded = 0;
    for t in tasks {
        match t.await.expect("task") {
            Ok(state) => { assert_eq!(state, "forwarded"); forwarded += 1; }
            Err(e) => assert!(matches!(e.code, congso_domain::ErrorCode::IllegalTransition | congso_domain::ErrorCode::Conflict), "{e}"),
        }
    }
    assert_eq!(forwarded, 1, "exactly one forward applies");
    assert_eq!(app.event_count().await, events_before + 1);
    assert!(matches!(congso_db::events::verify(&app.app.db).await.expect("verify"), congso_db::events::Verification::Ok { .. }));
});

/// SQLite: the desk's direct connections (`congso_db::direct`) read a dossier exactly as the
/// sqlx pool does — every column, the chain head and the timeline — after transitions that set
/// the nullable columns (assignee, pause, supplements, finish, result).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_direct_read_of_a_dossier_is_the_pools_read() {
    let app = TestApp::new(congso_db::testing::TestDb::sqlite().await).await;
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let (desk, head, specialist) = (
        app.token("motcua").await,
        app.token("lanhdao.so").await,
        app.token("chuyenvien").await,
    );
    let code = receive(&app, &desk, None).await["code"]
        .as_str()
        .expect("code")
        .to_owned();
    ok(&app, &desk, &code, json!({"action": "forward"})).await;
    ok(
        &app,
        &head,
        &code,
        json!({"action": "assign", "assignee": "chuyenvien"}),
    )
    .await;
    app.clock.set(datetime!(2026-03-03 10:00 +7));
    ok(
        &app,
        &specialist,
        &code,
        json!({"action": "request_supplement", "reason": "Thiếu tờ khai"}),
    )
    .await;
    let paused = congso_db::repo::dossiers::by_code_with_history(&app.app.db, &code)
        .expect("direct")
        .expect("found");
    assert!(
        paused.0.paused_since.is_some()
            && paused.0.assignee_id.is_some()
            && paused.0.clock.is_some()
    );
    app.clock.set(datetime!(2026-03-05 10:00 +7));
    ok(&app, &desk, &code, json!({"action": "supplement_received"})).await;
    ok(&app, &head, &code, json!({"action": "approve"})).await;
    ok(&app, &specialist, &code, json!({"action": "finish"})).await;
    for c in [code.as_str(), "000.01.01.H57-260302-9999"] {
        let direct =
            congso_db::repo::dossiers::by_code_with_history(&app.app.db, c).expect("direct");
        let mut tx = app.app.db.begin_read().await.expect("tx");
        let pooled = congso_db::repo::dossiers::by_code(&mut tx, c)
            .await
            .expect("pool");
        let Some(row) = pooled else {
            assert!(direct.is_none(), "{c} does not exist");
            continue;
        };
        let (drow, dhead, dhistory) = direct.expect("found directly");
        assert_eq!(drow, row);
        assert!(row.finished_at.is_some() && row.result.is_some() && row.supplements == 1);
        let events = congso_db::events::for_subject(&mut tx, row.id)
            .await
            .expect("events");
        let last = events.last().expect("events");
        assert_eq!(dhead, Some((last.seq, last.hash.clone())));
        assert_eq!(
            dhistory,
            congso_db::events::timeline(&mut tx, row.id)
                .await
                .expect("timeline")
        );
        assert_eq!(dhistory.len(), 7);
        tx.commit().await.expect("commit");
    }
}

/// SQLite: while another process holds the database's write lock, a transition waits for it
/// without holding the runtime's only thread (other requests go on), then applies once.
#[tokio::test(flavor = "current_thread")]
async fn a_desk_write_waits_for_another_process_without_blocking_the_runtime() {
    use congso_db::sqlx::{self, Connection};
    let app = TestApp::new(congso_db::testing::TestDb::sqlite().await).await;
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let code = receive(&app, &desk, None).await["code"]
        .as_str()
        .expect("code")
        .to_owned();
    // "Another process": a connection of its own, outside the app's pool and writer lock.
    let mut other = sqlx::SqliteConnection::connect(&app.guard.url)
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("lock");
    let actor = app.actor("motcua").await;
    let forward = tokio::spawn({
        let (app, code) = (app.app.clone(), code.clone());
        async move {
            let input = congso_app::dossiers::ActionInput {
                action: "forward".into(),
                ..Default::default()
            };
            congso_app::dossiers::act(&app, &actor, &code, input)
                .await
                .map(|v| v.status.state)
        }
    });
    // Meanwhile this (only) thread serves other work: a public lookup answers.
    for _ in 0..5 {
        tokio::time::sleep(std::time::Duration::from_millis(40)).await;
        let r = app
            .api(Method::GET, &format!("/api/v1/lookup/{code}"), None, None)
            .await;
        assert_eq!(r.json()["status"]["code"], 2);
    }
    assert!(!forward.is_finished(), "the transition waits for the lock");
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("unlock");
    assert_eq!(forward.await.expect("task").expect("forward"), "forwarded");
    let after = app
        .api(Method::GET, &format!("/api/v1/lookup/{code}"), None, None)
        .await
        .json();
    assert_eq!(
        (
            after["status"]["code"].clone(),
            after["steps"].as_array().map(Vec::len)
        ),
        (json!(4), Some(2)),
        "{after}"
    );
}

/// SQLite: a direct receipt that fails half-way (here the dossier's procedure does not exist,
/// after the unit's counter moved) writes nothing: the counter goes back, the next receipt gets
/// the next number without a gap, and the writer connection serves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_receipt_that_fails_writes_nothing() {
    let app = TestApp::new(congso_db::testing::TestDb::sqlite().await).await;
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let first = receive(&app, &desk, None).await["code"]
        .as_str()
        .expect("code")
        .to_owned();
    assert!(first.ends_with("-0001"), "{first}");
    let mut tx = app.app.db.begin_read().await.expect("tx");
    let row = congso_db::repo::dossiers::by_code(&mut tx, &first)
        .await
        .expect("q")
        .expect("row");
    let event = congso_db::events::for_subject(&mut tx, row.id)
        .await
        .expect("events")
        .remove(0);
    tx.commit().await.expect("commit");
    let prefix = first.trim_end_matches("0001").to_owned();
    let mut bad = row.clone();
    bad.id = uuid::Uuid::now_v7();
    bad.code = prefix.clone();
    bad.procedure_id = uuid::Uuid::now_v7();
    let mut e = event.clone();
    e.id = uuid::Uuid::now_v7();
    e.subject_id = bad.id;
    let events_before = app.event_count().await;
    let err = congso_db::repo::dossiers::commit_receipt(
        &app.app.db,
        &mut bad,
        time::macros::date!(2026 - 03 - 02),
        &e,
    )
    .await
    .expect_err("no such procedure");
    assert!(
        err.as_database_error()
            .is_some_and(|d| d.is_foreign_key_violation()),
        "{err}"
    );
    assert_eq!(bad.code, prefix, "the code is given back as it came");
    assert_eq!(app.event_count().await, events_before);
    let mut tx = app.app.db.begin_read().await.expect("tx");
    assert_eq!(
        congso_db::repo::dossiers::count(&mut tx)
            .await
            .expect("count"),
        1
    );
    tx.commit().await.expect("commit");
    let second = receive(&app, &desk, None).await["code"]
        .as_str()
        .expect("code")
        .to_owned();
    assert_eq!(second, format!("{prefix}0002"));
}
