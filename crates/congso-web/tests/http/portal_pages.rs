//! The citizen's pages without JavaScript: registration, the one-question-per-page submission
//! with a draft that survives logout, "Hồ sơ của tôi", and what another citizen cannot open.

use axum::http::StatusCode;
use serde_json::json;
use time::macros::datetime;

use crate::dossiers::{PROC, ok, setup};
use crate::helpers::{Browser, PW, TINY_PNG, TestApp, tiny_pdf};
use crate::http_test;

async fn register<'a>(app: &'a TestApp, name: &str, id_number: &str, email: &str) -> Browser<'a> {
    let mut b = app.browser();
    let form = b.get("/dang-ky").await;
    assert_eq!(form.status, StatusCode::OK);
    let r = b
        .post_form(
            "/dang-ky",
            &[
                ("csrf_token", &form.csrf()),
                ("full_name", name),
                ("id_number", id_number),
                ("email", email),
                ("phone", ""),
                ("address", "Huế"),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/ho-so-cua-toi?moi=1"));
    b
}

http_test!(async fn a_citizen_registers_and_submits_one_question_per_page(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    // Registration refuses a bad identity number in Vietnamese and keeps what was typed.
    let mut b = app.browser();
    let form = b.get("/dang-ky").await;
    let r = b.post_form("/dang-ky", &[("csrf_token", &form.csrf()), ("full_name", "Trần Thị Bích"), ("id_number", "12345"),
        ("email", "bich@example.vn"), ("password", PW)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("12 chữ số") && r.body.contains("value=\"bich@example.vn\""), "{}", r.body);
    let mut b = register(&app, "Trần Thị Bích", "046195000123", "bich@example.vn").await;
    let home = b.get("/ho-so-cua-toi?moi=1").await;
    assert!(home.body.contains("Hồ sơ của tôi") && home.body.contains("Trần Thị Bích"));
    // The procedure page offers online submission.
    let p = b.get(&format!("/thu-tuc/{PROC}")).await;
    assert!(p.body.contains(&format!("/nop-truc-tuyen/{PROC}")));
    // Step 1: the applicant, prefilled from the profile.
    let s1 = b.get(&format!("/nop-truc-tuyen/{PROC}")).await;
    assert_eq!(s1.status, StatusCode::OK, "{}", s1.body);
    assert!(s1.body.contains("value=\"Trần Thị Bích\"") && s1.body.contains("value=\"046195000123\""));
    assert!(s1.body.contains("Bước 1 / 3"));
    let path = format!("/nop-truc-tuyen/{PROC}");
    let r = b.post_multipart(&path, &[("csrf_token", &s1.csrf()), ("step", "1"), ("name", "Trần Thị Bích"), ("id_number", "046195000123"),
        ("phone", "0905123456"), ("email", "bich@example.vn"), ("address", "12 Lê Lợi, Huế")], &[]).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, Some(format!("{path}?buoc=2").as_str())), "{}", r.body);
    // Step 2: the first document; a disguised file is refused with a message, nothing kept.
    let s2 = b.get(&format!("{path}?buoc=2")).await;
    assert!(s2.body.contains("Tờ khai"));
    let r = b.post_multipart(&path, &[("csrf_token", &s2.csrf()), ("step", "2")], &[("files", "to-khai.pdf", b"MZ\x90\x00 not a pdf")]).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.body.contains("Loại tệp không được chấp nhận"), "{}", r.body);
    let r = b.post_multipart(&path, &[("csrf_token", &s2.csrf()), ("step", "2")], &[("files", "tờ khai.pdf", &tiny_pdf("a"))]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The draft survives logout.
    let out = b.get("/ho-so-cua-toi").await;
    assert!(b.post_form("/dang-xuat", &[("csrf_token", &out.csrf())]).await.status.is_redirection());
    let mut b = app.browser();
    b.login("046195000123", PW).await;
    let mine = b.get("/ho-so-cua-toi").await;
    assert!(mine.body.contains(&format!("/nop-truc-tuyen/{PROC}?buoc=1")), "the draft is listed");
    let s3 = b.get(&format!("{path}?buoc=3")).await;
    assert!(s3.body.contains("Bản sao căn cước"));
    let r = b.post_multipart(&path, &[("csrf_token", &s3.csrf()), ("step", "3")], &[("files", "cccd.png", TINY_PNG)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Check your answers, then submit.
    let check = b.get(&format!("{path}?buoc=4")).await;
    assert!(check.body.contains("Kiểm tra thông tin trước khi nộp"));
    assert!(check.body.contains("tờ khai.pdf") && check.body.contains("cccd.png") && check.body.contains("12 Lê Lợi, Huế"), "{}", check.body);
    let r = b.post_multipart(&path, &[("csrf_token", &check.csrf()), ("step", "4")], &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.get(r.location().expect("to the dossier")).await;
    assert!(page.body.contains("Mới đăng ký") && page.body.contains("Đã nộp hồ sơ"), "{}", page.body);
    let code = page.body.split("<code>").nth(1).and_then(|s| s.split("</code>").next()).expect("code").to_owned();
    assert!(!b.get("/ho-so-cua-toi").await.body.contains("?buoc=1"), "the draft is gone");

    // Another citizen opens nothing of it.
    let mut other = register(&app, "Lê Văn Cường", "046090000456", "cuong@example.vn").await;
    let r = other.get(&format!("/ho-so-cua-toi/{code}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Không tìm thấy hồ sơ"));
    let file_id = page.body.split(&format!("/ho-so-cua-toi/{code}/tep/")).nth(1).and_then(|s| s.split('"').next()).expect("a file link").to_owned();
    let (status, _) = other.get_bytes(&format!("/ho-so-cua-toi/{code}/tep/{file_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = other.get_bytes(&format!("/dossiers/{code}/tep/{file_id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let form = other.get("/ho-so-cua-toi").await;
    let r = other.post_form(&format!("/ho-so-cua-toi/{code}/danh-gia"), &[("csrf_token", &form.csrf()), ("rating", "khong_hai_long")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = other.post_form(&format!("/ho-so-cua-toi/{code}/rut"), &[("csrf_token", &form.csrf())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = other.post_multipart(&format!("/ho-so-cua-toi/{code}/bo-sung"), &[("csrf_token", &form.csrf())], &[("files", "x.pdf", &tiny_pdf("x"))]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The owner can open the file; the desk sees it too.
    let (status, bytes) = b.get_bytes(&format!("/ho-so-cua-toi/{code}/tep/{file_id}")).await;
    assert_eq!((status, bytes), (StatusCode::OK, tiny_pdf("a")));
    let desk = app.token("motcua").await;
    let (status, _, _) = app.get_bytes(&format!("/dossiers/{code}/tep/{file_id}"), Some(&desk)).await;
    assert_eq!(status, StatusCode::OK);
    ok(&app, &desk, &code, json!({"action": "accept"})).await;
    let notes = b.get("/thong-bao").await;
    assert!(notes.body.contains(&code) && notes.body.contains("mới"), "{}", notes.body);
});

/// The reset link in the last email sent to `to`.
async fn reset_link(app: &TestApp, to: &str) -> Option<String> {
    let mails = congso_db::jobs::unfinished(&app.app.db)
        .await
        .expect("jobs");
    mails
        .iter()
        .rev()
        .filter(|(kind, payload, _)| kind == "send_email" && payload.contains(to))
        .find_map(|(_, payload, _)| {
            let p: serde_json::Value = serde_json::from_str(payload).ok()?;
            let text = p["text"].as_str()?.to_owned();
            let start = text.find("/dat-lai-mat-khau?token=")?;
            Some(text[start..].split_whitespace().next()?.to_owned())
        })
}

http_test!(async fn password_reset_by_an_emailed_one_time_link(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let mut b = register(&app, "Trần Thị Bích", "046195000123", "bich@example.vn").await;
    // An unknown address gets the same answer and no email.
    let mut anon = app.browser();
    let form = anon.get("/quen-mat-khau").await;
    let r = anon.post_form("/quen-mat-khau", &[("csrf_token", &form.csrf()), ("who", "ai-do@example.vn")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"reset-sent\""));
    assert!(reset_link(&app, "ai-do@example.vn").await.is_none());
    // By identity number: the link goes to the account's email.
    let r = anon.post_form("/quen-mat-khau", &[("csrf_token", &form.csrf()), ("who", "046195000123")]).await;
    assert!(r.body.contains("id=\"reset-sent\""));
    let link = reset_link(&app, "bich@example.vn").await.expect("a reset email");
    let token = link.split("token=").nth(1).expect("token").to_owned();
    let page = anon.get(&link).await;
    assert!(page.body.contains("name=\"token\""));
    let r = anon.post_form("/dat-lai-mat-khau", &[("csrf_token", &page.csrf()), ("token", &token), ("password", "mat-khau-moi-that-dai")]).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, Some("/dang-nhap?dat-lai=1")), "{}", r.body);
    // Old sessions are gone, the old password fails, the new one works; the link is spent.
    let r = b.get("/ho-so-cua-toi").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the session ended");
    let mut again = app.browser();
    assert_eq!(again.login("046195000123", PW).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.login("046195000123", "mat-khau-moi-that-dai").await.status, StatusCode::SEE_OTHER);
    let page = anon.get(&link).await;
    let r = anon.post_form("/dat-lai-mat-khau", &[("csrf_token", &page.csrf()), ("token", &token), ("password", "mot-mat-khau-khac-nua")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("đã dùng hoặc đã hết hạn"), "{}", r.body);
    // Links expire after an hour.
    let r = anon.post_form("/quen-mat-khau", &[("csrf_token", &form.csrf()), ("who", "bich@example.vn")]).await;
    assert!(r.body.contains("id=\"reset-sent\""));
    let late = reset_link(&app, "bich@example.vn").await.expect("a second email");
    assert_ne!(late, link);
    app.clock.set(datetime!(2026-03-02 10:01 +7));
    let page = anon.get(&late).await;
    let r = anon.post_form("/dat-lai-mat-khau", &[("csrf_token", &page.csrf()), ("token", late.split("token=").nth(1).expect("t")), ("password", "mot-mat-khau-khac-nua")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
});

http_test!(async fn the_profile_and_a_withdrawal(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let mut b = register(&app, "Trần Thị Bích", "046195000123", "bich@example.vn").await;
    let _other = register(&app, "Lê Văn Cường", "046090000456", "cuong@example.vn").await;
    let p = b.get("/tai-khoan").await;
    assert!(p.body.contains("046195000123") && p.body.contains("value=\"bich@example.vn\""));
    // Another account's email is refused; a valid change is saved.
    let r = b.post_form("/tai-khoan", &[("csrf_token", &p.csrf()), ("full_name", "Trần Thị Bích"), ("email", "cuong@example.vn"), ("phone", ""), ("address", "")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = b.post_form("/tai-khoan", &[("csrf_token", &p.csrf()), ("full_name", "Trần  Thị   Bích Ngọc"), ("email", "bich@example.vn"), ("phone", "0905123456"), ("address", "5 Hùng Vương, Huế")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Đã lưu thông tin tài khoản") && r.body.contains("value=\"Trần Thị Bích Ngọc\""), "{}", r.body);
    // The new address prefills the next submission.
    let s1 = b.get(&format!("/nop-truc-tuyen/{PROC}")).await;
    assert!(s1.body.contains("value=\"5 Hùng Vương, Huế\""));
    // A submitted dossier can be withdrawn by its owner.
    let token = {
        let r = app.api(axum::http::Method::POST, "/api/v1/auth/token", None, Some(json!({"username": "046195000123", "password": PW}))).await;
        r.json()["token"].as_str().expect("token").to_owned()
    };
    let pdf = tiny_pdf("a");
    let r = app.multipart("/api/v1/portal/dossiers", Some(&token), &[("procedure_code", PROC)], &[("files", "a.pdf", &pdf), ("files", "b.png", TINY_PNG)]).await;
    let code = r.json()["code"].as_str().expect("code").to_owned();
    let page = b.get(&format!("/ho-so-cua-toi/{code}")).await;
    assert!(page.body.contains("Rút hồ sơ"));
    let r = b.post_form(&format!("/ho-so-cua-toi/{code}/rut"), &[("csrf_token", &page.csrf())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = b.get(r.location().expect("back")).await;
    assert!(after.body.contains("Đã rút hồ sơ") && !after.body.contains("Rút hồ sơ</button>"), "{}", after.body);
});
