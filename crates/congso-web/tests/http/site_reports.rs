//! On-site reports: routing by category and commune, handling with a deadline and approved
//! extensions (on time / late / late with an approved extension counted apart), the public result
//! and the reporter's rating, permissions (another unit's officer is refused and nothing is
//! written), emergency notifications, and the pages without JavaScript.

use axum::http::StatusCode;
use congso_app::Actor;
use congso_app::site_reports::{self as sr, ActionInput, NewReport, Reporter};
use congso_domain::ErrorCode;
use time::Duration;
use time::macros::{date, datetime};
use uuid::Uuid;

use crate::helpers::{PW, TINY_PNG, TestApp};
use crate::http_test;

fn report(code: &str, area: Option<&str>, address: Option<&str>) -> NewReport {
    NewReport {
        service_code: code.to_owned(),
        description: "Sự cố cần xử lý".to_owned(),
        area: area.map(str::to_owned),
        address: address.map(str::to_owned),
        lat: address.is_none().then(|| "16.46".to_owned()),
        lon: address.is_none().then(|| "107.59".to_owned()),
        ..NewReport::default()
    }
}

async fn file(app: &TestApp, code: &str, area: Option<&str>, address: Option<&str>) -> Uuid {
    let citizen = app.actor("congdan").await;
    sr::file(
        &app.app,
        Reporter::Citizen(&citizen),
        report(code, area, address),
        vec![],
    )
    .await
    .expect("filed")
    .row
    .id
}

async fn view(app: &TestApp, id: Uuid) -> sr::ReportView {
    sr::public(&app.app, None, id).await.expect("view").view
}

fn action(a: &str) -> ActionInput {
    ActionInput {
        action: a.to_owned(),
        ..ActionInput::default()
    }
}

async fn act(app: &TestApp, who: &Actor, id: Uuid, input: ActionInput) -> sr::ReportView {
    sr::act(&app.app, who, id, input, None)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let p = sr::public(&app.app, None, id).await.expect("view");
    p.view
}

fn resolve(text: &str) -> ActionInput {
    ActionInput {
        action: "resolve".to_owned(),
        text: Some(text.to_owned()),
        ..ActionInput::default()
    }
}

fn extend(to: time::Date) -> ActionInput {
    ActionInput {
        action: "request_extension".to_owned(),
        reason: Some("Chờ vật tư thay thế".to_owned()),
        new_deadline: Some(to),
        ..ActionInput::default()
    }
}

http_test!(async fn reports_are_routed_by_category_and_commune(app) {
    // Rubbish in phường Thuận Hóa goes to the ward (a routing rule); elsewhere to the department.
    let ward = file(&app, "rac-thai-moi-truong", Some("000.00.35.H57"), None).await;
    let elsewhere = file(&app, "rac-thai-moi-truong", Some("000.00.21.H57"), None).await;
    let road = file(&app, "o-ga-mat-duong", Some("000.00.35.H57"), None).await;
    // Without a chosen ward, the ward named in the address is used (without diacritics too).
    let by_address = file(&app, "rac-thai-moi-truong", None, Some("12 Nguyen Hue, phuong Thuan Hoa")).await;
    assert_eq!(view(&app, ward).await.unit.code, "000.00.35.H57");
    assert_eq!(view(&app, elsewhere).await.unit.code, "000.00.06.H57");
    assert_eq!(view(&app, road).await.unit.code, "000.00.05.H57");
    let v = view(&app, by_address).await;
    assert_eq!((v.unit.code.as_str(), v.area.map(|a| a.code)), ("000.00.35.H57", Some("000.00.35.H57".to_owned())));
    // A normal road report is due at the end of the fifth working day; an emergency in hours.
    let v = view(&app, road).await;
    assert_eq!(v.deadline.get(), datetime!(2026-03-10 00:00 +7));
    let citizen = app.actor("congdan").await;
    let mut urgent = report("ngap-ung", Some("000.00.30.H57"), None);
    urgent.urgency = Some("emergency".to_owned());
    let jobs_before = congso_db::jobs::unfinished(&app.app.db).await.expect("jobs").len();
    let f = sr::file(&app.app, Reporter::Citizen(&citizen), urgent, vec![]).await.expect("filed");
    assert_eq!(f.row.deadline.get(), datetime!(2026-03-02 11:00 +7), "two hours");
    // The unit's officers are emailed at once (a job per officer).
    let jobs = congso_db::jobs::unfinished(&app.app.db).await.expect("jobs");
    let emails: Vec<&String> = jobs[jobs_before..].iter().map(|j| &j.1).collect();
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert!(emails.iter().any(|p| p.contains("hientruong@demo.congso.vn") && p.contains("KHẨN")));
    assert!(emails.iter().any(|p| p.contains("lanhdao-xd@demo.congso.vn")));
    // An unknown commune is refused; nothing is written.
    let before = app.event_count().await;
    let r = sr::file(&app.app, Reporter::Citizen(&citizen), report("o-ga-mat-duong", Some("999.99.99.H57"), None), vec![]).await;
    assert_eq!(r.map(|_| ()).map_err(|e| e.code), Err(ErrorCode::UnitNotFound));
    assert_eq!(app.event_count().await, before);
});

http_test!(async fn on_time_late_and_late_with_an_approved_extension_are_counted_apart(app) {
    let officer = app.actor("hientruong").await;
    let head = app.actor("lanhdao.xd").await;
    let leader = app.actor("lanhdao").await;
    // On time.
    let a = file(&app, "o-ga-mat-duong", Some("000.00.30.H57"), None).await;
    act(&app, &officer, a, action("accept")).await;
    let v = act(&app, &officer, a, resolve("Đã vá ổ gà")).await;
    assert_eq!(v.outcome.map(|o| o.as_str()), Some("on_time"));
    // An extension approved in time: handled after the first deadline, within the new one.
    let b = file(&app, "o-ga-mat-duong", Some("000.00.30.H57"), None).await;
    act(&app, &officer, b, extend(date!(2026 - 03 - 20))).await;
    // A specialist may not decide on it.
    let e = sr::act(&app.app, &officer, b, action("approve_extension"), None).await.map(|_| ()).map_err(|e| e.code);
    assert_eq!(e, Err(ErrorCode::Forbidden));
    let v = act(&app, &head, b, action("approve_extension")).await;
    assert_eq!(v.deadline.get(), datetime!(2026-03-21 00:00 +7));
    // Late without an extension.
    let c = file(&app, "o-ga-mat-duong", Some("000.00.30.H57"), None).await;
    // An extension approved after the deadline does not move it (the city leader decides here).
    let d = file(&app, "o-ga-mat-duong", Some("000.00.30.H57"), None).await;
    app.clock.set(datetime!(2026-03-11 09:00 +7));
    act(&app, &officer, d, extend(date!(2026 - 03 - 25))).await;
    let v = act(&app, &leader, d, action("approve_extension")).await;
    assert_eq!(v.deadline.get(), datetime!(2026-03-10 00:00 +7), "approved too late: unchanged");
    app.clock.set(datetime!(2026-03-16 10:00 +7));
    assert_eq!(act(&app, &officer, b, resolve("Đã sửa")).await.outcome.map(|o| o.as_str()), Some("late_extended"));
    assert_eq!(act(&app, &officer, c, resolve("Đã sửa")).await.outcome.map(|o| o.as_str()), Some("late"));
    assert_eq!(act(&app, &officer, d, resolve("Đã sửa")).await.outcome.map(|o| o.as_str()), Some("late"));
    // A refused extension leaves the deadline.
    let e = file(&app, "o-ga-mat-duong", Some("000.00.30.H57"), None).await;
    act(&app, &officer, e, extend(date!(2026 - 04 - 30))).await;
    let mut refuse = action("refuse_extension");
    refuse.reason = Some("Không có lý do chính đáng".to_owned());
    let v = act(&app, &head, e, refuse).await;
    assert_eq!((v.state.as_str(), v.deadline.get()), ("in_progress", datetime!(2026-03-24 00:00 +7)));
    // The statistics count them apart (the demo's road report is still open, now overdue).
    let q = sr::Query {
        service_codes: vec!["o-ga-mat-duong".to_owned()],
        ..sr::Query::default()
    };
    let s = sr::stats(&app.app, &q).await.expect("stats");
    assert_eq!((s.received, s.on_time, s.late, s.late_extended), (6, 1, 2, 1));
    assert_eq!((s.pending_within, s.pending_overdue), (1, 1));
    // The public page's statistics show the same counts.
    let mut b = app.browser();
    let page = b.get("/phan-anh?linh-vuc=o-ga-mat-duong").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<dd id=\"sr-late-extended\">1</dd>"), "{}", page.body);
    assert!(page.body.contains("<dd id=\"sr-late\">2</dd>"));
    assert!(page.body.contains("<dd id=\"sr-on-time\">1</dd>"));
    // Illegal: resolving twice.
    let r = sr::act(&app.app, &officer, a, resolve("lần nữa"), None).await.map(|_| ()).map_err(|e| e.code);
    assert_eq!(r, Err(ErrorCode::IllegalTransition));
});

http_test!(async fn another_units_officer_is_refused_and_nothing_is_written(app) {
    let id = file(&app, "o-ga-mat-duong", Some("000.00.30.H57"), None).await;
    let justice = app.actor("chuyenvien").await;
    let citizen = app.actor("congdan").await;
    let before = app.event_count().await;
    for who in [&justice, &citizen] {
        for a in ["accept", "reject"] {
            let mut input = action(a);
            input.text = Some("không hợp lệ".to_owned());
            let r = sr::act(&app.app, who, id, input, None).await.map(|_| ()).map_err(|e| e.code);
            assert_eq!(r, Err(ErrorCode::Forbidden), "{} {a}", who.username);
        }
    }
    assert_eq!(app.event_count().await, before);
    assert_eq!(sr::public(&app.app, None, id).await.expect("v").view.state, "received");
    // Through the pages: the handling page is not found, the action refused.
    let mut b = app.browser();
    b.login("chuyenvien", PW).await;
    let page = b.get(&format!("/can-bo/phan-anh/{id}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let token = b.get("/phan-anh").await.csrf();
    let before = app.event_count().await;
    let r = b.post_multipart(&format!("/can-bo/phan-anh/{id}/thao-tac"), &[("csrf_token", &token), ("action", "accept")], &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.event_count().await, before);
    // The unit's officer sees it and may act.
    let mut o = app.browser();
    o.login("hientruong", PW).await;
    let inbox = o.get("/can-bo/phan-anh").await;
    assert!(inbox.body.contains(&format!("/can-bo/phan-anh/{id}")), "{}", inbox.body);
    let page = o.get(&format!("/can-bo/phan-anh/{id}")).await;
    assert!(page.body.contains("id=\"form-accept\""));
    assert!(!page.body.contains("id=\"form-approve_extension\""));
});

http_test!(async fn the_citizen_files_with_a_photo_the_unit_resolves_and_the_citizen_rates(app) {
    let mut c = app.browser();
    // Anonymous visitors are sent to the login page.
    let r = c.get("/phan-anh/gui").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    c.login("congdan", PW).await;
    let form = c.get("/phan-anh/gui").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Hư hỏng mặt đường, ổ gà"));
    let token = form.csrf();
    // Without the CSRF token: refused.
    let r = c.post_multipart("/phan-anh/gui", &[("service_code", "o-ga-mat-duong"), ("description", "x"), ("address", "y")], &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A bad photo (not an image) is refused with the form shown again; nothing written.
    let before = app.event_count().await;
    let r = c.post_multipart("/phan-anh/gui", &[
        ("csrf_token", &token), ("service_code", "o-ga-mat-duong"), ("description", "Ổ gà"),
        ("area", "000.00.35.H57"), ("address", "Trước số 10 Lê Lợi"), ("urgency", "normal"),
    ], &[("files", "a.pdf", crate::helpers::tiny_pdf("x").as_slice())]).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert!(r.body.contains("Trước số 10 Lê Lợi"), "what was typed is kept");
    assert_eq!(app.event_count().await, before);
    let r = c.post_multipart("/phan-anh/gui", &[
        ("csrf_token", &token), ("service_code", "o-ga-mat-duong"), ("description", "Ổ gà sâu trước số 10 Lê Lợi"),
        ("area", "000.00.35.H57"), ("address", "Trước số 10 Lê Lợi"), ("urgency", "normal"),
    ], &[("files", "o-ga.png", TINY_PNG)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location().expect("location").to_owned();
    assert!(loc.starts_with("/phan-anh/") && loc.ends_with("?moi=1"), "{loc}");
    let id = loc.trim_start_matches("/phan-anh/").trim_end_matches("?moi=1").to_owned();
    let page = c.get(&loc).await;
    assert!(page.body.contains("Đã gửi phản ánh") && page.body.contains("o-ga.png"));
    // The photo of the place is for the reporter (and the unit), not the public.
    let photo_link = page.body.split(&format!("/phan-anh/{id}/anh/")).nth(1).expect("photo link").split('"').next().expect("id").to_owned();
    let (status, bytes) = c.get_bytes(&format!("/phan-anh/{id}/anh/{photo_link}")).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, TINY_PNG));
    let mut anon = app.browser();
    let (status, _) = anon.get_bytes(&format!("/phan-anh/{id}/anh/{photo_link}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The public list shows it with the filters.
    let list = anon.get("/phan-anh?linh-vuc=o-ga-mat-duong&dia-ban=000.00.35.H57&trang-thai=open&tu=2026-03-01&den=2026-03-02").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&format!("/phan-anh/{id}")), "{}", list.body);
    let other = anon.get("/phan-anh?trang-thai=closed").await;
    assert!(!other.body.contains(&format!("/phan-anh/{id}")));
    assert_eq!(anon.get("/phan-anh?tu=hom-qua").await.status, StatusCode::BAD_REQUEST);
    // The unit accepts and resolves it with a photo of the result, through its page.
    let mut o = app.browser();
    o.login("hientruong", PW).await;
    let h = o.get(&format!("/can-bo/phan-anh/{id}")).await;
    assert_eq!(h.status, StatusCode::OK);
    let t = h.csrf();
    let r = o.post_multipart(&format!("/can-bo/phan-anh/{id}/thao-tac"), &[("csrf_token", &t), ("action", "accept")], &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = o.post_multipart(&format!("/can-bo/phan-anh/{id}/thao-tac"), &[("csrf_token", &t), ("action", "resolve"), ("text", "")], &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "a result is required");
    let r = o.post_multipart(&format!("/can-bo/phan-anh/{id}/thao-tac"), &[
        ("csrf_token", &t), ("action", "resolve"), ("text", "Đã thảm lại mặt đường đoạn trước số 10 Lê Lợi"),
    ], &[("files", "da-sua.png", TINY_PNG)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Everyone sees the result; only the reporter may rate, once.
    let public = anon.get(&format!("/phan-anh/{id}")).await;
    assert!(public.body.contains("Đã thảm lại mặt đường") && public.body.contains("Xử lý đúng hạn"));
    assert!(public.body.contains("da-sua.png") && !public.body.contains("o-ga.png"));
    assert!(!public.body.contains("sr-rate-form"));
    let mut other = app.browser();
    other.login("chuyenvien", PW).await;
    let ot = other.get("/phan-anh").await.csrf();
    let r = other.post_form(&format!("/phan-anh/{id}/danh-gia"), &[("csrf_token", &ot), ("rating", "khong_hai_long")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mine = c.get(&format!("/phan-anh/{id}")).await;
    assert!(mine.body.contains("sr-rate-form"));
    let r = c.post_form(&format!("/phan-anh/{id}/danh-gia"), &[("csrf_token", &token), ("rating", "hai_long"), ("comment", "Nhanh")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rated = c.get(&format!("/phan-anh/{id}?ok=rated")).await;
    assert!(rated.body.contains("id=\"sr-rating\"") && rated.body.contains("Hài lòng"));
    let r = c.post_form(&format!("/phan-anh/{id}/danh-gia"), &[("csrf_token", &token), ("rating", "chap_nhan")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "once");
    // The citizen's list shows it; Open311 shows it closed.
    let list = c.get("/phan-anh").await;
    assert!(list.body.contains("id=\"sr-mine\""));
    let j = app.send(axum::http::Request::get(format!("/open311/v2/requests/{id}.json")).body(axum::body::Body::empty()).expect("req")).await;
    assert_eq!(j.json()[0]["status"], "closed");
    assert_eq!(j.json()[0]["status_notes"], "Đã thảm lại mặt đường đoạn trước số 10 Lê Lợi");
    // Every change is on the report's hash chain.
    let v = sr::for_unit(&app.app, &app.actor("hientruong").await, Uuid::parse_str(&id).expect("id")).await.expect("view");
    let actions: Vec<&str> = v.events.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(actions, ["site_report.filed", "accept", "resolve", "rated"]);
    let _ = Duration::ZERO;
});

http_test!(async fn the_json_api_lists_acts_rates_and_counts(app) {
    use axum::http::Method;
    use serde_json::json;
    let id = file(&app, "den-chieu-sang", Some("000.00.30.H57"), None).await;
    let list = app.api(Method::GET, "/api/v1/site-reports?service_code=den-chieu-sang&status=open", None, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let j = list.json();
    assert_eq!(j["total"], 1);
    assert_eq!(j["items"][0]["id"], id.to_string());
    assert_eq!(j["items"][0]["unit"]["code"], "000.00.05.H57");
    assert!(j["items"][0].get("reporter_name").is_none(), "no personal data");
    let bad = app.api(Method::GET, "/api/v1/site-reports?from=2026-03-05&to=2026-03-01", None, None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // Another unit's officer: 403 and nothing written; the unit's officer resolves.
    let other = app.token("chuyenvien").await;
    let before = app.event_count().await;
    let r = app.api(Method::POST, &format!("/api/v1/site-reports/{id}/actions"), Some(&other), Some(json!({"action": "accept"}))).await;
    assert_eq!((r.status, r.json()["error"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    assert_eq!(app.event_count().await, before);
    let officer = app.token("hientruong").await;
    let r = app.api(Method::POST, &format!("/api/v1/site-reports/{id}/actions"), Some(&officer), Some(json!({"action": "resolve", "text": "Đã thay bóng đèn"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!((r.json()["state"].as_str(), r.json()["outcome"].as_str()), (Some("resolved"), Some("on_time")));
    let r = app.api(Method::POST, &format!("/api/v1/site-reports/{id}/actions"), Some(&officer), Some(json!({"action": "accept"}))).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The reporter rates it.
    let citizen = app.token("congdan").await;
    let r = app.api(Method::POST, &format!("/api/v1/site-reports/{id}/rating"), Some(&citizen), Some(json!({"rating": "chap_nhan"}))).await;
    assert_eq!((r.status, r.json()["rating"].as_str()), (StatusCode::OK, Some("chap_nhan")));
    let s = app.api(Method::GET, "/api/v1/reports/site-reports?service_code=den-chieu-sang", None, None).await.json();
    assert_eq!((s["received"].as_i64(), s["on_time"].as_i64(), s["chap_nhan"].as_i64()), (Some(2), Some(2), Some(1)));
    let one = app.api(Method::GET, &format!("/api/v1/site-reports/{id}"), None, None).await;
    assert_eq!(one.json()["result_text"], "Đã thay bóng đèn");
    assert_eq!(app.api(Method::GET, "/api/v1/site-reports/khong-co", None, None).await.status, StatusCode::NOT_FOUND);
});
