use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::PW;
use crate::http_test;

http_test!(async fn acting_on_a_unit_without_a_role_is_forbidden_and_writes_nothing(app) {
    // The head of the Department of Justice manages users of that department only.
    let token = app.token("lanhdao.so").await;
    let events = app.event_count().await;
    let r = app
        .api(Method::POST, "/api/v1/users", Some(&token), Some(json!({
            "username": "cv.yte", "password": "mat-khau-du-dai", "full_name": "Cán bộ Sở Y tế",
            "role": "specialist", "unit": "000.00.10.H57"
        })))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.json()["error"], "forbidden");
    assert_eq!(app.event_count().await, events, "no event written");
    let users = app.api(Method::GET, "/api/v1/users", Some(&app.token("admin").await), None).await;
    assert!(!users.body.contains("cv.yte"), "no user written");

    // In their own department it works, and the change is in the audit trail.
    let events = app.event_count().await;
    let ok = app
        .api(Method::POST, "/api/v1/users", Some(&token), Some(json!({
            "username": "cv.tuphap", "password": "mat-khau-du-dai", "full_name": "Cán bộ Sở Tư pháp",
            "role": "specialist", "unit": "000.00.04.H57"
        })))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert!(app.event_count().await > events);
    // But not an administrator, even there.
    let admin = app
        .api(Method::POST, "/api/v1/users", Some(&token), Some(json!({
            "username": "admin2", "password": "mat-khau-du-dai", "full_name": "X",
            "role": "admin", "unit": "000.00.04.H57"
        })))
        .await;
    assert_eq!(admin.status, StatusCode::FORBIDDEN);
});

http_test!(async fn units_are_managed_only_from_above(app) {
    // A specialist cannot create a unit, by API or by form.
    let token = app.token("chuyenvien").await;
    let mut b = app.browser();
    b.login("chuyenvien", PW).await;
    let units = app.unit_count().await;
    let events = app.event_count().await;
    let body = json!({"code": "000.00.70.H57", "name": "Phòng thử nghiệm", "kind": "other", "parent": "000.00.04.H57"});
    let r = app.api(Method::POST, "/api/v1/units", Some(&token), Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let page = b.get("/can-bo").await;
    let r = b
        .post_form("/quan-tri/don-vi", &[("csrf_token", &page.csrf()), ("code", "000.00.70.H57"), ("name", "X"), ("kind", "other"), ("parent_code", "000.00.04.H57")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("Bạn không có quyền"), "Vietnamese message: {}", r.body);
    assert_eq!((app.unit_count().await, app.event_count().await), (units, events));

    // The administrator can, through the form.
    let mut a = app.browser();
    a.login("admin", PW).await;
    let page = a.get("/quan-tri/don-vi").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Trung tâm Phục vụ hành chính công"));
    let r = a
        .post_form("/quan-tri/don-vi", &[("csrf_token", &page.csrf()), ("code", "000.00.70.H57"), ("name", "Phòng thử nghiệm"), ("name_en", ""), ("kind", "other"), ("parent_code", "000.00.04.H57")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.unit_count().await, units + 1);
    let listed = a.get(r.location().expect("redirect")).await;
    assert!(listed.body.contains("Đã tạo đơn vị Phòng thử nghiệm."));
    assert!(listed.body.contains("000.00.70.H57"));
    // A duplicate code is refused with a clear message and nothing written.
    let r = a
        .post_form("/quan-tri/don-vi", &[("csrf_token", &page.csrf()), ("code", "000.00.70.H57"), ("name", "Trùng mã"), ("name_en", ""), ("kind", "other"), ("parent_code", "000.00.04.H57")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Mã đơn vị này đã được dùng"), "{}", r.body);
    assert_eq!(app.unit_count().await, units + 1);
});
