use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::http_test;

http_test!(async fn units_list_has_the_city_its_centre_and_forty_communes(app) {
    let r = app.api(Method::GET, "/api/v1/units", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let units = r.json();
    let units = units.as_array().expect("array");
    let centre = units
        .iter()
        .find(|u| u["name"].as_str().is_some_and(|n| n.contains("Trung tâm Phục vụ hành chính công")))
        .expect("the Centre");
    assert_eq!(centre["kind"], "service_centre");
    assert_eq!(centre["parent"], "000.00.01.H57");
    for key in ["code", "name", "kind", "parent", "valid_from", "valid_to"] {
        assert!(centre.get(key).is_some(), "{key}");
    }
    let root = units.iter().find(|u| u["code"] == "000.00.00.H57").expect("root");
    assert_eq!(root["name"], "Ủy ban nhân dân thành phố Huế");
    let wards = units.iter().filter(|u| u["kind"] == "ward_committee").count();
    let communes = units.iter().filter(|u| u["kind"] == "commune_committee").count();
    assert_eq!((wards, communes), (21, 19));
    // Before 1/7/2025 the new communes did not exist yet.
    let june = app.api(Method::GET, "/api/v1/units?date=2025-06-30", None, None).await.json();
    assert!(june.as_array().expect("array").iter().all(|u| u["kind"] != "commune_committee"));
    let bad = app.api(Method::GET, "/api/v1/units?date=30-06-2025x", None, None).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["error"], "invalid_date");
});

http_test!(async fn closing_a_unit_keeps_it_and_links_its_successor(app) {
    let admin = app.token("admin").await;
    for (code, name) in [("000.00.71.H57", "Sở A"), ("000.00.72.H57", "Sở B")] {
        let r = app.api(Method::POST, "/api/v1/units", Some(&admin), Some(json!({
            "code": code, "name": name, "kind": "department", "parent": "000.00.00.H57", "valid_from": "2025-03-01"
        }))).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = app.api(Method::POST, "/api/v1/units/000.00.71.H57/close", Some(&admin), Some(json!({
        "valid_to": "2026-01-01", "successors": [{"code": "000.00.72.H57", "relation": "merge"}], "note": "Nghị quyết sáp nhập"
    }))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["valid_to"], "2026-01-01");
    // Closed, not deleted: listed among all versions, absent from today's list.
    let all = app.api(Method::GET, "/api/v1/units?all=true", None, None).await.json();
    assert!(all.as_array().expect("a").iter().any(|u| u["code"] == "000.00.71.H57"));
    let today = app.api(Method::GET, "/api/v1/units", None, None).await.json();
    assert!(!today.as_array().expect("a").iter().any(|u| u["code"] == "000.00.71.H57"));
    // Closing again is a conflict; unknown relation kinds are refused.
    let again = app.api(Method::POST, "/api/v1/units/000.00.71.H57/close", Some(&admin), Some(json!({"valid_to": "2026-02-01"}))).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.json()["error"], "unit_closed");
    let bad = app.api(Method::POST, "/api/v1/units/000.00.72.H57/close", Some(&admin), Some(json!({"valid_to": "2026-02-01", "successors": [{"code": "000.00.04.H57", "relation": "swallow"}]}))).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // A unit with sub-units in force cannot be closed.
    let parent = app.api(Method::POST, "/api/v1/units/000.00.01.H57/close", Some(&admin), Some(json!({"valid_to": "2026-02-01"}))).await;
    assert_eq!(parent.status, StatusCode::CONFLICT);
    assert_eq!(parent.json()["error"], "unit_has_children");
    assert!(parent.json()["message"].as_str().is_some_and(|m| m.contains("trực thuộc")));
    // English messages on request.
    let req = axum::http::Request::builder().method(Method::GET).uri("/api/v1/nothing-here")
        .header("accept-language", "en").body(axum::body::Body::empty()).expect("req");
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["message"], "The page or record you asked for was not found.");
});

http_test!(async fn invalid_json_gets_a_clear_error(app) {
    let admin = app.token("admin").await;
    let r = app.api(Method::POST, "/api/v1/units", Some(&admin), Some(json!({"code": "000.00.73.H57"}))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let j = r.json();
    assert_eq!(j["error"], "invalid_input");
    assert!(j["detail"].as_str().is_some_and(|d| d.contains("name")), "{j}");
    let r = app.api(Method::POST, "/api/v1/units", Some(&admin), Some(json!({"code": "H57", "name": "x", "kind": "department", "parent": "000.00.00.H57"}))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "invalid_unit_code");
});
