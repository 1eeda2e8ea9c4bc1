use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::PW;
use crate::http_test;

http_test!(async fn lunar_due_and_off_days_endpoints(app) {
    let r = app.api(Method::GET, "/api/v1/calendar/lunar?date=2030-02-02", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"day": 1, "month": 1, "year": 2030, "leap": false}));
    let r = app.api(Method::GET, "/api/v1/calendar/lunar?date=2025-08-19", None, None).await;
    assert_eq!(r.json(), json!({"day": 26, "month": 6, "year": 2025, "leap": true}));
    for (q, due) in [
        ("from=2026-02-13&working_days=5", "2026-02-27"),
        ("from=2024-04-26&working_days=3", "2024-05-04"),
        ("from=2026-01-09&working_days=1", "2026-01-10"),
        ("from=2026-02-13&calendar_days=2", "2026-02-23"),
        ("from=2026-03-02T16:00&working_hours=4", "2026-03-03T10:00"),
    ] {
        let r = app.api(Method::GET, &format!("/api/v1/calendar/due?{q}"), None, None).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
        assert_eq!(r.json()["due"], due, "{q}");
    }
    let both = app.api(Method::GET, "/api/v1/calendar/due?from=2026-01-01&working_days=1&calendar_days=1", None, None).await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    assert_eq!(both.json()["error"], "invalid_input");
    let bad = app.api(Method::GET, "/api/v1/calendar/due?from=2026-13-01&working_days=1", None, None).await;
    assert_eq!(bad.json()["error"], "invalid_date");
    let off = app.api(Method::GET, "/api/v1/calendar/off-days?year=2024", None, None).await.json();
    let days: Vec<(String, String)> = off.as_array().expect("list").iter()
        .map(|d| (d["date"].as_str().unwrap_or_default().to_owned(), d["kind"].as_str().unwrap_or_default().to_owned()))
        .collect();
    assert!(days.contains(&("2024-05-04".into(), "makeup_workday".into())), "{days:?}");
    assert!(days.contains(&("2024-04-29".into(), "swapped".into())));
    assert!(off[0].get("name").is_some());
});

http_test!(async fn an_administrator_enters_a_new_year_and_deadlines_follow(app) {
    // 2027 has no decision yet: Tết (6/2/2027, Saturday) follows the rules.
    let before = app.api(Method::GET, "/api/v1/calendar/due?from=2027-02-04&working_days=1", None, None).await.json();
    let admin = app.token("admin").await;
    // A specialist may not change the calendar; nothing is written.
    let events = app.event_count().await;
    let denied = app.api(Method::PUT, "/api/v1/calendar/years/2027", Some(&app.token("chuyenvien").await), Some(json!({"days": []}))).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    assert_eq!(app.event_count().await, events + 1, "only the token creation was recorded");
    // The government decides 4/2–12/2/2027 off with Saturday 30/1 worked (an example decision).
    let mut days = vec![json!({"date": "2027-01-01", "kind": "holiday", "name": "Tết Dương lịch"}),
                        json!({"date": "2027-01-30", "kind": "makeup_workday", "name": "Làm bù"})];
    for d in ["2027-02-04", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"] {
        days.push(json!({"date": d, "kind": "holiday", "name": "Tết Nguyên đán"}));
    }
    let r = app.api(Method::PUT, "/api/v1/calendar/years/2027", Some(&admin), Some(json!({"source": "Thông báo mẫu", "days": days}))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let after = app.api(Method::GET, "/api/v1/calendar/due?from=2027-02-03&working_days=1", None, None).await.json();
    assert_eq!(after["due"], "2027-02-15", "Tết break 4/2–14/2 (before: {before})");
    let sat = app.api(Method::GET, "/api/v1/calendar/due?from=2027-01-29&working_days=1", None, None).await.json();
    assert_eq!(sat["due"], "2027-01-30", "make-up Saturday counts");
    // Invalid: a day off on a Sunday.
    let bad = app.api(Method::PUT, "/api/v1/calendar/years/2027", Some(&admin), Some(json!({"days": [{"date": "2027-02-07", "kind": "holiday", "name": "x"}]}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"], "invalid_calendar");
    // Removing the decision restores the rules.
    let del = app.api(Method::DELETE, "/api/v1/calendar/years/2027", Some(&admin), None).await;
    assert_eq!(del.status, StatusCode::NO_CONTENT);
    let again = app.api(Method::GET, "/api/v1/calendar/due?from=2027-02-04&working_days=1", None, None).await.json();
    assert_eq!(again, before);
    // The 24/11 Culture Day becomes a holiday from its effective date (2028: Friday).
    let r = app.api(Method::PUT, "/api/v1/calendar/rules", Some(&admin), Some(json!({
        "national_day_adjacent": "before", "tet_days_before": 1, "culture_day_from": "2028-01-01", "substitute_days": true
    }))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let off = app.api(Method::GET, "/api/v1/calendar/off-days?year=2028", None, None).await.json();
    assert!(off.as_array().expect("list").iter().any(|d| d["date"] == "2028-11-24"));
});

http_test!(async fn the_public_calendar_page(app) {
    let mut b = app.browser();
    let r = b.get("/lich-lam-viec?nam=2026").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Lịch làm việc năm 2026"));
    assert!(r.body.contains("<dt>Năm âm lịch</dt><dd>Bính Ngọ</dd>"));
    assert!(r.body.contains("Thứ Ba 17/02/2026"), "Tết");
    assert!(r.body.contains("Chủ nhật 26/04/2026"), "Hùng Kings");
    assert!(r.body.contains("10/01/2026") && r.body.contains("Làm bù"), "make-up Saturday listed");
    assert!(r.body.contains("<td>16/02/2026</td><td>Thứ Hai</td><td>29/12</td>"), "lunar date of the first Tết day off");
    let bad = b.get("/lich-lam-viec?nam=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let en = b.get("/ngon-ngu/en?next=/lich-lam-viec").await;
    assert_eq!(en.status, StatusCode::SEE_OTHER);
    let r = b.get("/lich-lam-viec?nam=2025").await;
    assert!(r.body.contains("Working calendar 2025"));
    assert!(r.body.contains("1/6N"), "2025 has a leap 6th month, starting 25/7/2025");
});

http_test!(async fn the_administrator_edits_a_year_with_the_form(app) {
    let mut a = app.browser();
    a.login("admin", PW).await;
    let page = a.get("/quan-tri/lich?nam=2027").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("(đang tính theo quy định)"));
    assert!(page.body.contains("2027-02-05 | holiday"), "the rule-based list is prefilled: {}", page.body);
    let csrf = page.csrf();
    let bad = a.post_form("/quan-tri/lich", &[("csrf_token", &csrf), ("year", "2027"), ("action", "save"), ("source", ""), ("days", "2027-02-06 | holiday | Tết")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("ngày làm bù phải là thứ Bảy"), "{}", bad.body);
    let ok = a.post_form("/quan-tri/lich", &[("csrf_token", &csrf), ("year", "2027"), ("action", "save"), ("source", "Công văn số 1/VPCP"),
        ("days", "01/01/2027 | holiday | Tết Dương lịch | New Year\n2027-02-05 | holiday | Tết Nguyên đán")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = a.get(ok.location().expect("redirect")).await;
    assert!(after.body.contains("Đã lưu lịch năm 2027."));
    assert!(after.body.contains("Công văn số 1/VPCP"));
    let public = a.get("/lich-lam-viec?nam=2027").await;
    assert!(public.body.contains("Công văn số 1/VPCP"), "the public page shows the new source");
    let mut c = app.browser();
    c.login("congdan", PW).await;
    assert_eq!(c.get("/quan-tri/lich").await.status, StatusCode::FORBIDDEN);
});

http_test!(async fn working_hours_follow_the_unit_office_hours(app) {
    let admin = app.token("admin").await;
    // Default hours: 16:00 + 2 working hours = 07:00 + 1 h next day = 08:00.
    let d = app.api(Method::GET, "/api/v1/calendar/due?from=2026-03-02T16:00&working_hours=2&unit=000.00.21.H57", None, None).await.json();
    assert_eq!(d["due"], "2026-03-03T08:00");
    let r = app.api(Method::PUT, "/api/v1/units/000.00.21.H57/office-hours", Some(&admin), Some(json!({"office_hours": "07:30-11:30,13:30-17:00"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["office_hours"], "07:30-11:30,13:30-17:00");
    let d = app.api(Method::GET, "/api/v1/calendar/due?from=2026-03-02T16:00&working_hours=2&unit=000.00.21.H57", None, None).await.json();
    assert_eq!(d["due"], "2026-03-03T08:30", "the ward opens at 07:30");
    let bad = app.api(Method::PUT, "/api/v1/units/000.00.21.H57/office-hours", Some(&admin), Some(json!({"office_hours": "17:00-07:00"}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let denied = app.api(Method::PUT, "/api/v1/units/000.00.21.H57/office-hours", Some(&app.token("lanhdao.so").await), Some(json!({"office_hours": null}))).await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
});
