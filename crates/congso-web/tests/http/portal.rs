//! The citizen portal API on both backends: online submission with files, the desk's acceptance,
//! a supplement answered online, the electronic result, the rating; what one citizen cannot reach
//! of another's; refused uploads; a refused online submission never starts a clock.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::dossiers::{PROC, ok, setup};
use crate::helpers::{PW, TINY_PNG, TestApp, tiny_pdf};
use crate::http_test;

/// Registers a citizen and returns a bearer token for them.
async fn citizen(app: &TestApp, name: &str, id_number: &str, email: &str) -> String {
    congso_app::accounts::register(
        &app.app,
        congso_app::accounts::Registration {
            full_name: name.into(),
            id_number: id_number.into(),
            email: Some(email.into()),
            phone: None,
            address: Some("12 Lê Lợi, Huế".into()),
            password: PW.into(),
        },
    )
    .await
    .expect("register");
    let r = app
        .api(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(json!({"username": id_number, "password": PW})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["token"].as_str().expect("token").to_owned()
}

async fn submit(app: &TestApp, token: &str) -> Value {
    let pdf = tiny_pdf("to-khai");
    let r = app
        .multipart(
            "/api/v1/portal/dossiers",
            Some(token),
            &[("procedure_code", PROC)],
            &[
                ("files", "tờ khai.pdf", &pdf),
                ("files", "cccd.png", TINY_PNG),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

async fn attachments_in_db(app: &TestApp) -> i64 {
    let mut tx = app.app.db.begin_read().await.expect("tx");
    congso_db::repo::portal::count_attachments(&mut tx)
        .await
        .expect("count")
}

http_test!(async fn a_citizen_submits_online_answers_a_supplement_downloads_the_result_and_rates(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let hoa = citizen(&app, "Trần Thị Bích", "046195000123", "bich@example.vn").await;
    let d = submit(&app, &hoa).await;
    let code = d["code"].as_str().expect("code").to_owned();
    assert_eq!(d["status"]["code"], 1, "Mới đăng ký");
    assert_eq!((d["received_at"].clone(), d["appointment_at"].clone()), (Value::Null, Value::Null), "no clock yet");
    let files = d["attachments"].as_array().expect("attachments");
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["document_name"], "Tờ khai", "files answer the checklist in order");
    assert_eq!(files[1]["document_name"], "Bản sao căn cước");
    assert_eq!(files[1]["content_type"], "image/png");
    // The desk sees it and accepts: the clock starts.
    let desk = app.token("motcua").await;
    let inbox = app.api(Method::GET, "/api/v1/dossiers?tab=desk", Some(&desk), None).await.json();
    assert!(inbox.to_string().contains(&code), "the desk's inbox lists the online submission");
    app.clock.set(datetime!(2026-03-02 10:00 +7));
    ok(&app, &desk, &code, json!({"action": "accept"})).await;
    ok(&app, &desk, &code, json!({"action": "forward"})).await;
    let head = app.token("lanhdao.so").await;
    ok(&app, &head, &code, json!({"action": "assign", "assignee": "chuyenvien"})).await;
    let spec = app.token("chuyenvien").await;
    ok(&app, &spec, &code, json!({"action": "request_supplement", "reason": "Ảnh căn cước bị mờ"})).await;
    let mine = app.api(Method::GET, &format!("/api/v1/portal/dossiers/{code}"), Some(&hoa), None).await.json();
    assert_eq!((mine["status"]["code"].clone(), mine["awaiting_supplement"].clone()), (json!(5), json!(true)));
    // The citizen answers online: the dossier goes back to the specialist.
    let clearer = tiny_pdf("cccd-ro");
    let r = app
        .multipart(&format!("/api/v1/portal/dossiers/{code}/supplement"), Some(&hoa), &[], &[("files[Bản sao căn cước]", "cccd-ro.pdf", &clearer)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after = r.json();
    assert_eq!(after["status"]["state"], "assigned");
    assert_eq!(after["attachments"].as_array().map(Vec::len), Some(3));
    assert_eq!(after["attachments"][2]["purpose"], "supplement");
    ok(&app, &head, &code, json!({"action": "approve"})).await;
    // The officer finishes with the electronic result.
    let result_pdf = tiny_pdf("ket-qua");
    let actor = app.actor("chuyenvien").await;
    congso_app::portal::finish_with_result(&app.app, &actor, &code,
        congso_app::dossiers::ActionInput { action: "finish".into(), ..Default::default() },
        Some(congso_app::portal::Upload { document_name: String::new(), file_name: "ket-qua.pdf".into(), bytes: result_pdf.clone().into() }),
    ).await.expect("finish with result");
    let done = app.api(Method::GET, &format!("/api/v1/portal/dossiers/{code}"), Some(&hoa), None).await.json();
    let result = done["attachments"].as_array().expect("files").iter().find(|a| a["purpose"] == "result").expect("a result").clone();
    let (status, headers, bytes) = app.get_bytes(result["url"].as_str().expect("url"), Some(&hoa)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, result_pdf, "the citizen downloads exactly the result");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-disposition"].to_str().expect("ascii").starts_with("attachment"));
    // Rating, once.
    let r = app.api(Method::POST, &format!("/api/v1/portal/dossiers/{code}/rating"), Some(&hoa), Some(json!({"rating": "hai_long", "comment": "Nhanh, đúng hẹn"}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let again = app.api(Method::POST, &format!("/api/v1/portal/dossiers/{code}/rating"), Some(&hoa), Some(json!({"rating": "chap_nhan"}))).await;
    assert_eq!((again.status, again.json()["error"].clone()), (StatusCode::CONFLICT, json!("already_rated")));
    let bad = app.api(Method::POST, &format!("/api/v1/portal/dossiers/{code}/rating"), Some(&hoa), Some(json!({"rating": "tuyet_voi"}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let list = app.api(Method::GET, "/api/v1/portal/dossiers", Some(&hoa), None).await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["status"]["code"], 9);
    // Each step reached the citizen's notification list (acceptance, supplement, result).
    let user = congso_app::accounts::profile(&app.app, &app.actor("046195000123").await).await.expect("profile");
    let mut tx = app.app.db.begin_read().await.expect("tx");
    let notes = congso_db::repo::portal::notifications_of(&mut tx, user.user.id, 50).await.expect("notes");
    let titles: Vec<&str> = notes.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(notes.len(), 3, "{titles:?}");
    assert!(titles.iter().all(|t| t.contains(&code)));
});

http_test!(async fn one_citizen_cannot_reach_anything_of_anothers(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let a = citizen(&app, "Trần Thị Bích", "046195000123", "bich@example.vn").await;
    let b = citizen(&app, "Lê Văn Cường", "046090000456", "cuong@example.vn").await;
    let d = submit(&app, &a).await;
    let code = d["code"].as_str().expect("code").to_owned();
    let file = d["attachments"][0]["url"].as_str().expect("url").to_owned();
    let desk = app.token("motcua").await;
    ok(&app, &desk, &code, json!({"action": "accept"})).await;
    ok(&app, &desk, &code, json!({"action": "request_supplement", "reason": "Thiếu chữ ký"})).await;
    let before = attachments_in_db(&app).await;
    // By code.
    let r = app.api(Method::GET, &format!("/api/v1/portal/dossiers/{code}"), Some(&b), None).await;
    assert_eq!((r.status, r.json()["error"].clone()), (StatusCode::NOT_FOUND, json!("dossier_not_found")));
    let r = app.api(Method::GET, &format!("/api/v1/dossiers/{code}"), Some(&b), None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "the officers' API neither");
    let pdf = tiny_pdf("b");
    let r = app.multipart(&format!("/api/v1/portal/dossiers/{code}/supplement"), Some(&b), &[], &[("files", "x.pdf", &pdf)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.api(Method::POST, &format!("/api/v1/portal/dossiers/{code}/rating"), Some(&b), Some(json!({"rating": "hai_long"}))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // By file id, on B's own path and on A's.
    let (status, _, _) = app.get_bytes(&file, Some(&b)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let own = submit(&app, &b).await["code"].as_str().expect("code").to_owned();
    let id = file.rsplit('/').next().expect("id");
    let (status, _, _) = app.get_bytes(&format!("/api/v1/portal/dossiers/{own}/files/{id}"), Some(&b)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an id of another dossier under one's own code");
    let (status, _, _) = app.get_bytes(&format!("/dossiers/{code}/mau-01.pdf"), Some(&b)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor the forms");
    // B's list has only B's dossier; A's supplement was not touched.
    let list = app.api(Method::GET, "/api/v1/portal/dossiers", Some(&b), None).await.json();
    assert_eq!(list.as_array().map(|l| l.iter().map(|d| d["code"].clone()).collect::<Vec<_>>()), Some(vec![json!(own)]));
    assert_eq!(attachments_in_db(&app).await, before + 2, "only B's own two files were added");
    let a_view = app.api(Method::GET, &format!("/api/v1/portal/dossiers/{code}"), Some(&a), None).await.json();
    assert_eq!(a_view["status"]["state"], "awaiting_supplement");
    // Without a token: 401.
    let r = app.api(Method::GET, "/api/v1/portal/dossiers", None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
});

http_test!(async fn refused_uploads_store_nothing(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let a = citizen(&app, "Trần Thị Bích", "046195000123", "bich@example.vn").await;
    let keys = || async { app.app.files.list_keys().await.expect("keys") };
    // One byte over the 10 MiB limit.
    let mut big = tiny_pdf("big");
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let r = app.multipart("/api/v1/portal/dossiers", Some(&a), &[("procedure_code", PROC)],
        &[("files", "to-khai.pdf", &tiny_pdf("ok")), ("files", "big.pdf", &big)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    let j = r.json();
    assert_eq!(j["error"], "file_too_large");
    assert!(j["message"].as_str().expect("message").contains("Tệp quá lớn"), "{j}");
    assert!(j["detail"].as_str().expect("detail").contains("tối đa 10.485.760 byte"), "{j}");
    // A web page renamed .pdf.
    let r = app.multipart("/api/v1/portal/dossiers", Some(&a), &[("procedure_code", PROC)],
        &[("files", "to-khai.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"), ("files", "cccd.png", TINY_PNG)]).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert!(r.json()["message"].as_str().expect("message").contains("Loại tệp không được chấp nhận"));
    // A missing document.
    let r = app.multipart("/api/v1/portal/dossiers", Some(&a), &[("procedure_code", PROC)], &[("files", "to-khai.pdf", &tiny_pdf("x"))]).await;
    assert_eq!((r.status, r.json()["error"].clone()), (StatusCode::BAD_REQUEST, json!("document_missing")));
    assert!(keys().await.is_empty(), "nothing stored");
    assert_eq!(attachments_in_db(&app).await, 0);
    let mut tx = app.app.db.begin_read().await.expect("tx");
    assert_eq!(congso_db::repo::dossiers::count(&mut tx).await.expect("count"), 0, "no dossier");
});

http_test!(async fn a_refused_online_submission_never_starts_a_clock(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let a = citizen(&app, "Trần Thị Bích", "046195000123", "bich@example.vn").await;
    let code = submit(&app, &a).await["code"].as_str().expect("code").to_owned();
    let desk = app.token("motcua").await;
    app.clock.set(datetime!(2026-03-03 09:00 +7));
    let r = ok(&app, &desk, &code, json!({"action": "refuse", "reason": "Sai thủ tục"})).await;
    assert_eq!(r["status"]["code"], 3);
    for field in ["received_at", "appointment_at", "due_at", "result"] {
        assert_eq!(r[field], Value::Null, "{field}");
    }
    let mine = app.api(Method::GET, &format!("/api/v1/portal/dossiers/{code}"), Some(&a), None).await.json();
    assert_eq!((mine["status"]["code"].clone(), mine["outcome"].clone(), mine["appointment_at"].clone()), (json!(3), json!("refused"), Value::Null));
    // Nothing can restart it.
    let again = app.api(Method::POST, &format!("/api/v1/dossiers/{code}/actions"), Some(&desk), Some(json!({"action": "accept"}))).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
});
