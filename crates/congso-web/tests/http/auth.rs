use axum::http::{Method, StatusCode};
use congso_app::demo::DEMO_USERS;

use crate::helpers::PW;
use crate::http_test;

http_test!(async fn every_demo_user_can_sign_in_with_the_form(app) {
    for (username, _, role, _) in DEMO_USERS {
        let mut b = app.browser();
        let r = b.login(username, PW).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{username}: {}", r.body);
        let expected = if role.is_staff() { "/can-bo" } else { "/" };
        assert_eq!(r.location(), Some(expected), "{username}");
        assert!(b.cookies.contains_key("congso_sid"), "{username} got a session");
        // The session works: the page greets the user by name.
        let home = b.get("/").await;
        assert!(home.body.contains("Đăng xuất"), "{username} sees the logout button");
        if role.is_staff() {
            let ws = b.get("/can-bo").await;
            assert_eq!(ws.status, StatusCode::OK, "{username}: {}", ws.body);
            assert!(ws.body.contains("Không gian làm việc"));
        }
    }
});

http_test!(async fn login_rotates_the_session_and_logout_ends_it(app) {
    let mut b = app.browser();
    b.login("motcua", PW).await;
    let first = b.cookies.get("congso_sid").cloned().expect("session");
    // A second device gets its own session.
    let mut other = app.browser();
    other.login("motcua", PW).await;
    assert_ne!(other.cookies.get("congso_sid"), Some(&first));
    assert_eq!(app.session_count("motcua").await, 2);

    let page = b.get("/can-bo").await;
    let r = b.post_form("/dang-xuat", &[("csrf_token", &page.csrf())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("congso_sid"));
    assert_eq!(app.session_count("motcua").await, 1);
    // The old cookie no longer works.
    let mut stale = app.browser();
    stale.cookies.insert("congso_sid".into(), first.clone());
    let r = stale.get("/can-bo").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().is_some_and(|l| l.starts_with("/dang-nhap?next=")), "{:?}", r.location());
    // Signing in again issues a new id: the session id is never reused.
    b.login("motcua", PW).await;
    assert_ne!(b.cookies.get("congso_sid"), Some(&first));
    // An idle session expires.
    app.clock.advance(time::Duration::minutes(31));
    let r = b.get("/can-bo").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "expired after 30 idle minutes");
});

http_test!(async fn post_without_csrf_token_is_refused(app) {
    let mut b = app.browser();
    b.get("/dang-nhap").await;
    let r = b.post_form("/dang-nhap", &[("username", "admin"), ("password", PW)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("csrf_failed"), "{}", r.body);
    assert!(!b.cookies.contains_key("congso_sid"));
    // A token from another visitor does not work either.
    let mut other = app.browser();
    let token = other.get("/dang-nhap").await.csrf();
    let r = b.post_form("/dang-nhap", &[("csrf_token", &token), ("username", "admin"), ("password", PW)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Logged in, the logout form also needs the token.
    let mut c = app.browser();
    c.login("admin", PW).await;
    let r = c.post_form("/dang-xuat", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.session_count("admin").await, 1, "still signed in");
});

http_test!(async fn wrong_password_gets_a_vietnamese_message_and_no_session(app) {
    let mut b = app.browser();
    let r = b.login("chuyenvien", "sai-mat-khau-roi").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("Tên đăng nhập hoặc mật khẩu không đúng."), "{}", r.body);
    assert!(r.body.contains("role=\"alert\""));
    assert!(!b.cookies.contains_key("congso_sid"));
    assert_eq!(app.session_count("chuyenvien").await, 0);
    // An unknown user gets exactly the same answer.
    let r2 = b.login("khong-ton-tai", "sai-mat-khau-roi").await;
    assert_eq!(r2.status, StatusCode::UNAUTHORIZED);
    assert!(r2.body.contains("Tên đăng nhập hoặc mật khẩu không đúng."));
});

http_test!(async fn ten_wrong_passwords_in_a_row_are_slowed_down(app) {
    let mut b = app.browser();
    for i in 1..=10 {
        let r = b.login("lanhdao", "mat-khau-sai-123").await;
        // The first five failures are answered normally; after that each attempt must wait, so
        // an attempt made at once is refused before the password is even checked.
        if i <= 6 {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        }
        app.clock.advance(time::Duration::milliseconds(100));
    }
    // Even the right password is refused while locked, with a Retry-After.
    let r = b.login("lanhdao", PW).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("Bạn đã nhập sai quá nhiều lần"));
    let wait: i64 = r.headers.get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).expect("retry-after");
    assert!(wait >= 1);
    assert!(!b.cookies.contains_key("congso_sid"));
    // Via the API too.
    let api = app.api(Method::POST, "/api/v1/auth/token", None, Some(serde_json::json!({"username": "lanhdao", "password": PW}))).await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api.json()["error"], "too_many_attempts");
    // After the wait, the right password works and resets the counter.
    app.clock.advance(time::Duration::seconds(wait + 1));
    let r = b.login("lanhdao", PW).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
});

http_test!(async fn bearer_tokens_from_the_api_and_their_errors(app) {
    let bad = app.api(Method::POST, "/api/v1/auth/token", None, Some(serde_json::json!({"username": "admin", "password": "nope-nope-nope"}))).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let j = bad.json();
    assert_eq!(j["error"], "invalid_credentials");
    assert_eq!(j["message"], "Tên đăng nhập hoặc mật khẩu không đúng.");
    let token = app.token("vanphong").await;
    let me = app.api(Method::GET, "/api/v1/me", Some(&token), None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["roles"][0]["role"], "office_staff");
    let forged = app.api(Method::GET, "/api/v1/me", Some("cs_forged"), None).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    assert_eq!(forged.json()["error"], "invalid_token");
    let anon = app.api(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anon.json()["error"], "unauthenticated");
});
