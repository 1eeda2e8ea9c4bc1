//! Targets (chỉ tiêu) and the public statistics page on both backends: create / list / enter a
//! value with permission checks and events; `/thong-ke` without a login, without JavaScript,
//! with SVG charts that carry a title and a description and a data table beside them; the open
//! data export (CSV, JSON).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::dossiers::{ok, setup};
use crate::helpers::TestApp;
use crate::http_test;

const JUSTICE: &str = "000.00.04.H57";

fn target(code: &str, metric: &str, goal: f64) -> Value {
    json!({"term": "2026-2030", "code": code, "name": format!("Chỉ tiêu {code}"), "metric": metric, "goal": goal,
           "period_from": "2026-01-01", "period_to": "2030-12-31"})
}

/// One dossier received and finished early in March 2026 at the Department of Justice.
async fn one_dossier(app: &TestApp) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(app).await;
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    let r = app.api(Method::POST, "/api/v1/dossiers", Some(&desk), Some(json!({
        "procedure_code": crate::dossiers::PROC, "channel": "counter", "applicant": {"name": "Lê Văn An", "phone": "0905123456"}
    }))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let code = r.json()["code"].as_str().expect("code").to_owned();
    ok(app, &desk, &code, json!({"action": "forward"})).await;
    ok(
        app,
        &head,
        &code,
        json!({"action": "assign", "assignee": "chuyenvien"}),
    )
    .await;
    ok(app, &spec, &code, json!({"action": "submit_for_approval"})).await;
    ok(app, &head, &code, json!({"action": "approve"})).await;
    app.clock.set(datetime!(2026-03-03 10:00 +7));
    assert_eq!(
        ok(app, &spec, &code, json!({"action": "finish"})).await["result"],
        "early"
    );
}

http_test!(async fn targets_are_created_measured_and_guarded(app) {
    one_dossier(&app).await;
    let office = app.token("vanphong").await;
    let spec = app.token("chuyenvien").await;
    let head = app.token("lanhdao.so").await;
    let events = app.event_count().await;
    let r = app.api(Method::POST, "/api/v1/targets", Some(&office), Some(target("01", "one_stop_on_time_rate", 98.5))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t = r.json();
    // One dossier, finished early: 100% ≥ 98.5%.
    assert_eq!((t["value"].clone(), t["achieved"].clone(), t["progress"].clone()), (json!(100.0), json!(true), json!(100.0)));
    assert_eq!(app.event_count().await, events + 1, "creation is an event");
    // Duplicates, bad metrics and strangers are refused, writing nothing.
    let r = app.api(Method::POST, "/api/v1/targets", Some(&office), Some(target("01", "manual", 1.0))).await;
    assert_eq!((r.status, r.json()["error"].clone()), (StatusCode::CONFLICT, json!("conflict")));
    let r = app.api(Method::POST, "/api/v1/targets", Some(&office), Some(target("02", "gdp", 1.0))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.api(Method::POST, "/api/v1/targets", Some(&spec), Some(target("03", "manual", 90.0))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.api(Method::POST, "/api/v1/targets", None, Some(target("03", "manual", 90.0))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.event_count().await, events + 1);
    // A unit head may set the department's own targets, not the province's.
    let mut own = target("04", "manual", 90.0);
    own["unit"] = json!(JUSTICE);
    own["comparison"] = json!("at_least");
    // (A unit head has neither directive_manage nor direct.)
    assert_eq!(app.api(Method::POST, "/api/v1/targets", Some(&head), Some(own.clone())).await.status, StatusCode::FORBIDDEN);
    let r = app.api(Method::POST, "/api/v1/targets", Some(&office), Some(own)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let manual = r.json();
    assert_eq!((manual["value"].clone(), manual["unit"]["code"].clone()), (Value::Null, json!(JUSTICE)));
    // A value by hand: who and when, an event; not for computed targets.
    app.clock.set(datetime!(2026-03-10 15:00 +7));
    let id = manual["id"].as_str().expect("id");
    let r = app.api(Method::POST, &format!("/api/v1/targets/{id}/value"), Some(&office), Some(json!({"value": 87.5, "note": "Khảo sát quý I"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    assert_eq!((v["value"].clone(), v["achieved"].clone(), v["measured_by"].clone()), (json!(87.5), json!(false), json!("vanphong")));
    assert_eq!(v["measured_at"], "15:00 10/03/2026");
    assert_eq!(app.event_count().await, events + 3);
    let r = app.api(Method::POST, &format!("/api/v1/targets/{id}/value"), Some(&spec), Some(json!({"value": 99}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let computed = t["id"].as_str().expect("id");
    let r = app.api(Method::POST, &format!("/api/v1/targets/{computed}/value"), Some(&office), Some(json!({"value": 99}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The list is public; the hash chains hold.
    let list = app.api(Method::GET, "/api/v1/targets?term=2026-2030", None, None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json().as_array().map(Vec::len), Some(2));
    let all = app.api(Method::GET, "/api/v1/targets", None, None).await.json();
    assert!(all.as_array().expect("list").iter().any(|t| t["term"] == "2020-2025"), "the demo's targets");
    let one = app.api(Method::GET, &format!("/api/v1/targets/{id}"), None, None).await;
    assert_eq!(one.json()["value"], 87.5);
    assert!(matches!(congso_db::events::verify(&app.app.db).await.expect("verify"), congso_db::events::Verification::Ok { .. }));
});

http_test!(async fn the_statistics_page_works_without_login_or_javascript(app) {
    one_dossier(&app).await;
    let office = app.token("vanphong").await;
    let r = app.api(Method::POST, "/api/v1/targets", Some(&office), Some(target("01", "one_stop_on_time_rate", 98.5))).await;
    assert_eq!(r.status, StatusCode::CREATED);
    app.clock.set(datetime!(2026-04-02 09:00 +7));
    let mut b = app.browser();
    let page = b.get("/thong-ke?nam=2026").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = &page.body;
    assert!(!html.contains("<script"), "no JavaScript");
    // Charts: SVG images with a title and a description, and data tables.
    assert_eq!(html.matches("<svg class=\"chart\"").count(), 4, "flow, rate, 766, targets");
    for id in ["c-flow", "c-rate", "c-766", "c-targets"] {
        assert!(html.contains(&format!("aria-labelledby=\"{id}-t {id}-d\"")), "{id}");
        assert!(html.contains(&format!("<title id=\"{id}-t\">")) && html.contains(&format!("<desc id=\"{id}-d\">")), "{id}");
    }
    assert!(html.contains("id=\"stats-months\""));
    // March: 1 received, 1 resolved, early: 100%.
    assert!(html.contains("<th scope=\"row\">2026-03</th><td>1</td><td>1</td><td>1</td><td>100%</td>"), "{html}");
    assert!(html.contains("id=\"kpi-on-time\">100% <span class=\"hint\">(1 / 1)"));
    assert!(html.contains("Chỉ tiêu 01"));
    assert!(html.contains("Số hóa hồ sơ"), "the 766 groups");
    // The filter: a unit and a year, by GET.
    let r = b.get(&format!("/thong-ke?don-vi={JUSTICE}&nam=2026")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("<option value=\"{JUSTICE}\" selected>")));
    assert!(r.body.contains("id=\"kpi-on-time\">100%"));
    let r = b.get("/thong-ke?nam=abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Open data.
    let (status, headers, bytes) = app.get_bytes("/thong-ke/du-lieu.csv?nam=2026", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().expect("ascii").starts_with("text/csv"));
    let csv = String::from_utf8(bytes).expect("utf-8");
    assert!(csv.starts_with("\u{feff}section,key,name,numerator,denominator,value\r\n"));
    assert!(csv.contains("one_stop_month,2026-03,on_time_rate,1,1,100\r\n"), "{csv}");
    assert!(csv.contains("rate,one_stop_on_time_rate,Tỷ lệ hồ sơ đúng hạn,1,1,100\r\n"));
    assert!(csv.contains("index766_indicator,2.1,"));
    let (status, _, bytes) = app.get_bytes("/thong-ke/du-lieu.json?nam=2026", None).await;
    assert_eq!(status, StatusCode::OK);
    let j: Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(j["year"], 2026);
    assert_eq!(j["on_time"], json!({"numerator": 1, "denominator": 1, "rate": 100.0}));
    assert_eq!(j["months"][2]["month"], "2026-03");
    assert_eq!(j["index"]["index"]["groups"].as_array().map(Vec::len), Some(5));
});

http_test!(async fn leaders_drill_down_from_the_city_to_a_unit_and_its_procedures(app) {
    one_dossier(&app).await;
    app.clock.set(datetime!(2026-04-02 09:00 +7));
    let mut anon = app.browser();
    let r = anon.get("/can-bo/chi-so-766").await;
    assert!(r.status.is_redirection(), "{}", r.status);
    let mut b = app.browser();
    b.login("lanhdao", crate::helpers::PW).await;
    let r = b.get("/can-bo/chi-so-766?tu=2026-03-01&den=2026-03-31").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"i766-children\""), "the city's departments");
    assert!(r.body.contains(&format!("href=\"/can-bo/chi-so-766?don-vi={JUSTICE}&amp;tu=2026-03-01&#38;den=2026-03-31\"")), "{}", r.body);
    assert!(r.body.contains("<th scope=\"row\">1.4</th>") && r.body.contains("chưa đo"));
    let r = b.get(&format!("/can-bo/chi-so-766?don-vi={JUSTICE}&tu=2026-03-01&den=2026-03-31")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(crate::dossiers::PROC), "the department's procedures");
    assert!(r.body.contains("id=\"i766-fields\""), "its dossiers by field");
    assert!(r.body.contains("<td>1 / 1</td>"), "2.1 of the field: the early dossier");
    // A specialist sees their department, not another unit; a citizen nothing.
    let mut s = app.browser();
    s.login("chuyenvien", crate::helpers::PW).await;
    assert_eq!(s.get(&format!("/can-bo/chi-so-766?don-vi={JUSTICE}")).await.status, StatusCode::OK);
    assert_eq!(s.get("/can-bo/chi-so-766").await.status, StatusCode::OK, "defaults to their unit");
    assert_eq!(s.get("/can-bo/chi-so-766?don-vi=000.01.01.H57").await.status, StatusCode::FORBIDDEN);
    let mut c = app.browser();
    c.login("congdan", crate::helpers::PW).await;
    assert_eq!(c.get("/can-bo/chi-so-766").await.status, StatusCode::FORBIDDEN);
});
