use axum::http::StatusCode;

use crate::helpers::PW;
use crate::http_test;

http_test!(async fn home_is_vietnamese_with_an_english_switch(app) {
    let mut b = app.browser();
    let r = b.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("<html lang=\"vi\">"));
    for part in ["Thủ tục hành chính", "Nộp hồ sơ trực tuyến", "Tra cứu hồ sơ", "Theo dõi nhiệm vụ", "Phản ánh, kiến nghị", "Thống kê"] {
        assert!(r.body.contains(part), "{part}");
    }
    assert!(r.headers.get("content-security-policy").is_some());
    let sw = b.get("/ngon-ngu/en?next=/").await;
    assert_eq!(sw.status, StatusCode::SEE_OTHER);
    let en = b.get("/").await;
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(en.body.contains("Administrative procedures"));
    // An outside redirect target is ignored.
    let sw = b.get("/ngon-ngu/vi?next=https://evil.example").await;
    assert_eq!(sw.location(), Some("/"));
});

http_test!(async fn health_metrics_and_errors(app) {
    let mut b = app.browser();
    let h = b.get("/healthz").await;
    assert_eq!((h.status, h.body.as_str()), (StatusCode::OK, "ok"));
    b.get("/").await;
    let missing = b.get("/khong-co-trang-nay").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Không tìm thấy trang"), "HTML error page in Vietnamese");
    assert!(missing.body.contains("not_found"));
    assert!(missing.headers.get("x-request-id").is_some());
    let m = b.get("/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(m.body.contains("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"), "{}", m.body);
    assert!(m.body.contains("http_request_duration_seconds_bucket{method=\"GET\",route=\"/\",status=\"200\",le=\"+Inf\"} 1"));
    assert!(m.body.contains("congso_jobs_pending 0"));
});

http_test!(async fn pages_need_a_signed_in_staff_member(app) {
    let mut anon = app.browser();
    let r = anon.get("/can-bo").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/dang-nhap?next=/can-bo"));
    let mut citizen = app.browser();
    citizen.login("congdan", PW).await;
    let r = citizen.get("/can-bo").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = citizen.get("/quan-tri/nguoi-dung").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // After login the user lands where they wanted to go.
    let mut officer = app.browser();
    let form = officer.get("/dang-nhap?next=/quan-tri").await;
    let r = officer
        .post_form("/dang-nhap", &[("csrf_token", &form.csrf()), ("username", "admin"), ("password", PW), ("next", "/quan-tri")])
        .await;
    assert_eq!(r.location(), Some("/quan-tri"));
});

http_test!(async fn admin_creates_a_user_with_the_form(app) {
    let mut a = app.browser();
    a.login("admin", PW).await;
    let page = a.get("/quan-tri/nguoi-dung").await;
    assert!(page.body.contains("lanhdao.so"));
    let csrf = page.csrf();
    let weak = a
        .post_form("/quan-tri/nguoi-dung", &[("csrf_token", &csrf), ("username", "mot.cua.2"), ("full_name", "Võ Thị Hạnh"), ("email", ""), ("role", "one_stop_officer"), ("unit_code", "000.01.01.H57"), ("password", "ngan")])
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.body.contains("Mật khẩu phải có ít nhất 10 ký tự"));
    assert!(weak.body.contains("value=\"Võ Thị Hạnh\""), "the form keeps what was typed");
    let ok = a
        .post_form("/quan-tri/nguoi-dung", &[("csrf_token", &csrf), ("username", "mot.cua.2"), ("full_name", "Võ Thị Hạnh"), ("email", "hanh@hue.gov.vn"), ("role", "one_stop_officer"), ("unit_code", "000.01.01.H57"), ("password", "mat-khau-moi-dai")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let mut n = app.browser();
    assert_eq!(n.login("mot.cua.2", "mat-khau-moi-dai").await.status, StatusCode::SEE_OTHER);
});
