//! The officer workspace and the public lookup as people use them (forms, no JavaScript).

use axum::http::StatusCode;
use time::macros::datetime;

use crate::dossiers::{PROC, setup};
use crate::helpers::PW;
use crate::http_test;

http_test!(async fn an_officer_receives_forwards_and_the_department_processes_with_forms(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let mut desk = app.browser();
    desk.login("motcua", PW).await;
    let form = desk.get(&format!("/can-bo/tiep-nhan?thu-tuc={PROC}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("Tờ khai") && form.body.contains("Bản sao căn cước"), "the checklist comes from the procedure");
    let csrf = form.csrf();
    let r = desk.post_form("/can-bo/tiep-nhan", &[("csrf_token", &csrf), ("procedure_code", PROC), ("channel", "counter"),
        ("name", "Phan Văn Đức"), ("id_number", "046090000777"), ("phone", "0912 345 678"), ("email", ""), ("address", "Phường Thuận Hóa"), ("doc", "0")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = desk.get(r.location().expect("redirect")).await;
    assert!(page.body.contains("Hồ sơ 000.01.01.H57-260302-0001"), "{}", page.body);
    assert!(page.body.contains("Được tiếp nhận"));
    assert!(page.body.contains("09/03/2026"), "appointment shown dd/mm/yyyy");
    assert!(page.body.contains("/dossiers/000.01.01.H57-260302-0001/mau-01.pdf"));
    assert!(page.body.contains("id=\"form-forward\""), "the desk may forward");
    assert!(!page.body.contains("id=\"form-approve\""));
    let code = "000.01.01.H57-260302-0001";
    // The first document was handed in, the second not.
    let detail = congso_app::dossiers::get(&app.app, &congso_app::Actor::system(), code).await.expect("get");
    assert_eq!(detail.documents.iter().map(|d| d.provided).collect::<Vec<_>>(), [true, false]);
    let r = desk.post_form(&format!("/can-bo/ho-so/{code}/thao-tac"), &[("csrf_token", &page.csrf()), ("action", "forward"), ("to_unit", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // An action the state no longer allows shows a Vietnamese message.
    let again = desk.post_form(&format!("/can-bo/ho-so/{code}/thao-tac"), &[("csrf_token", &page.csrf()), ("action", "forward")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("Không thể thực hiện thao tác này"), "{}", again.body);
    // The head of the department finds it in the unit tab and assigns it.
    let mut head = app.browser();
    head.login("lanhdao.so", PW).await;
    let inbox = head.get("/can-bo?tab=unit").await;
    assert!(inbox.body.contains(code), "{}", inbox.body);
    let by_name = head.get("/can-bo?tab=unit&q=phan+van+duc").await;
    assert!(by_name.body.contains(code), "search by the applicant's name without accents");
    let page = head.get(&format!("/can-bo/ho-so/{code}")).await;
    assert!(page.body.contains("value=\"chuyenvien\""), "specialists of the department are offered");
    let r = head.post_form(&format!("/can-bo/ho-so/{code}/thao-tac"), &[("csrf_token", &page.csrf()), ("action", "assign"), ("assignee", "chuyenvien")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut spec = app.browser();
    spec.login("chuyenvien", PW).await;
    let mine = spec.get("/can-bo").await;
    assert!(mine.body.contains(code), "the specialist's own tab lists it");
    // The public lookup shows the steps, not the person.
    let mut public = app.browser();
    let l = public.get(&format!("/tra-cuu?ma={code}")).await;
    assert_eq!(l.status, StatusCode::OK);
    assert!(l.body.contains("P. V. Đ."), "initials only");
    assert!(!l.body.contains("Phan Văn Đức") && !l.body.contains("046090000777"));
    for step in ["Tiếp nhận hồ sơ", "Chuyển cơ quan giải quyết", "Phân công thụ lý"] {
        assert!(l.body.contains(step), "{step}");
    }
    let missing = public.get("/tra-cuu?ma=000.01.01.H57-260302-9999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Không tìm thấy hồ sơ"));
});

http_test!(async fn bulk_forwarding_from_the_desk(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let token = app.token("motcua").await;
    let a = crate::dossiers::receive(&app, &token, None).await["code"].as_str().expect("code").to_owned();
    let b = crate::dossiers::receive(&app, &token, None).await["code"].as_str().expect("code").to_owned();
    let mut desk = app.browser();
    desk.login("motcua", PW).await;
    let inbox = desk.get("/can-bo?tab=desk").await;
    assert!(inbox.body.contains(&format!("value=\"{a}\"")));
    let r = desk.post_form("/can-bo/chuyen-hang-loat", &[("csrf_token", &inbox.csrf()), ("codes", &a), ("codes", &b)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after = desk.get(r.location().expect("redirect")).await;
    assert!(after.body.contains("Đã chuyển 2 hồ sơ."), "{}", after.body);
    for code in [a, b] {
        let d = congso_app::dossiers::get(&app.app, &congso_app::Actor::system(), &code).await.expect("get");
        assert_eq!(d.status.state, "forwarded");
    }
    // Citizens cannot use the workspace.
    let mut c = app.browser();
    c.login("congdan", PW).await;
    assert_eq!(c.get("/can-bo").await.status, StatusCode::FORBIDDEN);
    assert_eq!(c.get("/can-bo/tiep-nhan").await.status, StatusCode::FORBIDDEN);
});

http_test!(async fn the_officer_finishes_with_an_electronic_result_from_the_page(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let code = crate::dossiers::receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    crate::dossiers::ok(&app, &desk, &code, serde_json::json!({"action": "forward"})).await;
    crate::dossiers::ok(&app, &head, &code, serde_json::json!({"action": "assign", "assignee": "chuyenvien"})).await;
    crate::dossiers::ok(&app, &head, &code, serde_json::json!({"action": "approve"})).await;
    let mut spec = app.browser();
    spec.login("chuyenvien", PW).await;
    let page = spec.get(&format!("/can-bo/ho-so/{code}")).await;
    assert!(page.body.contains("enctype=\"multipart/form-data\"") && page.body.contains("id=\"result-file\""), "{}", page.body);
    // A JPEG is not an electronic result.
    let r = spec.post_multipart(&format!("/can-bo/ho-so/{code}/hoan-thanh"), &[("csrf_token", &page.csrf())], &[("files", "ket-qua.png", crate::helpers::TINY_PNG)]).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert!(r.body.contains("PDF"));
    // With the PDF, or with an empty file input, it finishes.
    let pdf = crate::helpers::tiny_pdf("ket-qua");
    let r = spec.post_multipart(&format!("/can-bo/ho-so/{code}/hoan-thanh"), &[("csrf_token", &page.csrf())], &[("files", "ket-qua.pdf", &pdf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = spec.get(r.location().expect("back to the dossier")).await;
    assert!(after.body.contains("ket-qua.pdf") && after.body.contains("Hoàn thành"), "{}", after.body);
    let code2 = crate::dossiers::receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    crate::dossiers::ok(&app, &desk, &code2, serde_json::json!({"action": "forward"})).await;
    crate::dossiers::ok(&app, &head, &code2, serde_json::json!({"action": "assign", "assignee": "chuyenvien"})).await;
    crate::dossiers::ok(&app, &head, &code2, serde_json::json!({"action": "approve"})).await;
    let page = spec.get(&format!("/can-bo/ho-so/{code2}")).await;
    let r = spec.post_multipart(&format!("/can-bo/ho-so/{code2}/hoan-thanh"), &[("csrf_token", &page.csrf())], &[("files", "", b"")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
});
