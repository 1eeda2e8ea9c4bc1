use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::http_test;

async fn names(app: &crate::helpers::TestApp, query: &str) -> Vec<String> {
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/procedures?{query}"),
            None,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.body);
    r.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

http_test!(async fn searching_with_or_without_diacritics_finds_birth_registration_first(app) {
    for q in ["q=dang%20ky%20khai%20sinh", "q=%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh", "q=DANG%20KY%20KHAI%20SINH", "q=%C4%90%C4%82NG%20K%C3%9D%20KHAI%20SINH"] {
        let found = names(&app, q).await;
        assert_eq!(found.first().map(String::as_str), Some("Thủ tục đăng ký khai sinh"), "{q}: {found:?}");
    }
    // `dat dai` finds land procedures (đ has no Unicode decomposition).
    let r = app.api(Method::GET, "/api/v1/procedures?q=dat%20dai&per_page=100", None, None).await.json();
    let items = r["items"].as_array().expect("items");
    assert!(items.len() >= 5, "{r}");
    assert!(items.iter().take(5).all(|i| i["field"]["name"] == "Đất đai"), "{r}");
    // The contract shape.
    let first = &items[0];
    for key in ["code", "name", "field", "level", "unit", "online", "time_limit"] {
        assert!(first.get(key).is_some(), "{key}");
    }
    assert!(["working_days", "days", "working_hours"].contains(&first["time_limit"]["unit"].as_str().unwrap_or_default()));
    assert!(r["total"].as_i64().is_some());
});

http_test!(async fn exact_accents_rank_above_folded_matches(app) {
    // Two procedures whose names fold the same but differ in accents.
    let admin = app.token("admin").await;
    let mut a = base_spec("1.999991.000.00.00.H57", "Cấp phép bán hàng thử nghiệm");
    a["field"] = json!({"code": "TN", "name": "Thử nghiệm"});
    let mut b = base_spec("1.999992.000.00.00.H57", "Cấp phép ban hàng thử nghiệm");
    b["field"] = json!({"code": "TN", "name": "Thử nghiệm"});
    for s in [&a, &b] {
        let code = s["code"].as_str().unwrap_or_default().to_owned();
        assert_eq!(app.api(Method::POST, "/api/v1/procedures", Some(&admin), Some(s.clone())).await.status, StatusCode::CREATED);
        assert_eq!(app.api(Method::POST, &format!("/api/v1/procedures/{code}/publish"), Some(&admin), None).await.status, StatusCode::OK);
    }
    assert_eq!(names(&app, "q=c%E1%BA%A5p%20ph%C3%A9p%20b%C3%A1n%20h%C3%A0ng&field=TN").await.first().map(String::as_str), Some("Cấp phép bán hàng thử nghiệm"));
    assert_eq!(names(&app, "q=c%E1%BA%A5p%20ph%C3%A9p%20ban%20h%C3%A0ng&field=TN").await.first().map(String::as_str), Some("Cấp phép ban hàng thử nghiệm"));
    assert_eq!(names(&app, "q=cap%20phep%20ban%20hang&field=TN").await.len(), 2, "folded finds both");
});

http_test!(async fn filters_paging_and_errors(app) {
    let all = app.api(Method::GET, "/api/v1/procedures?per_page=100", None, None).await.json();
    let total = all["total"].as_i64().expect("total");
    assert!(total >= 100, "the demo catalogue is loaded ({total})");
    let commune = app.api(Method::GET, "/api/v1/procedures?level=commune&per_page=1", None, None).await.json();
    let province = app.api(Method::GET, "/api/v1/procedures?level=province&per_page=1", None, None).await.json();
    assert_eq!(commune["total"].as_i64().unwrap_or(0) + province["total"].as_i64().unwrap_or(0), total);
    let online = app.api(Method::GET, "/api/v1/procedures?online=any&per_page=100", None, None).await.json();
    assert!(online["items"].as_array().expect("items").iter().all(|i| i["online"] != "none"));
    let justice = app.api(Method::GET, "/api/v1/procedures?unit=000.00.04.H57&per_page=100", None, None).await.json();
    assert!(justice["total"].as_i64().unwrap_or(0) > 0);
    assert!(justice["items"].as_array().expect("items").iter().all(|i| i["unit"] == "000.00.04.H57"));
    let p1 = app.api(Method::GET, "/api/v1/procedures?per_page=5&page=1", None, None).await.json();
    let p2 = app.api(Method::GET, "/api/v1/procedures?per_page=5&page=2", None, None).await.json();
    assert_ne!(p1["items"][0]["code"], p2["items"][0]["code"]);
    assert_eq!(p2["page"], 2);
    let bad = app.api(Method::GET, "/api/v1/procedures?level=district", None, None).await;
    assert_eq!((bad.status, bad.json()["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_input")));
    let missing = app.api(Method::GET, "/api/v1/procedures/9.999999", None, None).await;
    assert_eq!((missing.status, missing.json()["error"].clone()), (StatusCode::NOT_FOUND, json!("procedure_not_found")));
    let one = app.api(Method::GET, "/api/v1/procedures/1.001193.000.00.00.H57", None, None).await.json();
    assert_eq!(one["name"], "Thủ tục đăng ký khai sinh");
    assert_eq!(one["version"], 1);
    assert_eq!(one["status"], "published");
    assert!(one["documents"].as_array().is_some_and(|d| !d.is_empty()));
});

pub fn base_spec(code: &str, name: &str) -> Value {
    json!({
        "code": code, "name": name, "field": {"code": "HT", "name": "Hộ tịch"}, "level": "commune",
        "unit": "000.00.00.H57", "online": "partial",
        "channels": [{"kind": "counter", "time_limit": {"value": 3, "unit": "working_days"}, "fee_vnd": 0},
                     {"kind": "online", "time_limit": {"value": 3, "unit": "working_days"}, "fee_vnd": 0}],
        "documents": [{"name": "Tờ khai", "originals": 1, "copies": 0}],
        "steps": ["Nộp hồ sơ", "Nhận kết quả"], "applicants": "Công dân", "result": "Quyết định",
        "legal_basis": ["Luật Hộ tịch số 60/2014/QH13"]
    })
}

http_test!(async fn versions_publish_and_repeal(app) {
    let admin = app.token("admin").await;
    let code = "1.999993.000.00.00.H57";
    let spec = base_spec(code, "Thủ tục thử phiên bản");
    // Only the administrator manages the catalogue; an incomplete procedure is refused.
    let officer = app.token("motcua").await;
    assert_eq!(app.api(Method::POST, "/api/v1/procedures", Some(&officer), Some(spec.clone())).await.status, StatusCode::FORBIDDEN);
    let mut incomplete = spec.clone();
    incomplete["steps"] = json!([]);
    let r = app.api(Method::POST, "/api/v1/procedures", Some(&admin), Some(incomplete)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "invalid_procedure");
    assert!(r.json()["detail"].as_str().is_some_and(|d| d.starts_with("steps")), "{}", r.body);
    // Draft: invisible to the public until published.
    assert_eq!(app.api(Method::POST, "/api/v1/procedures", Some(&admin), Some(spec.clone())).await.status, StatusCode::CREATED);
    assert_eq!(app.api(Method::GET, &format!("/api/v1/procedures/{code}"), None, None).await.status, StatusCode::NOT_FOUND);
    assert!(names(&app, "q=thu%20phien%20ban").await.is_empty());
    assert_eq!(app.api(Method::POST, &format!("/api/v1/procedures/{code}/publish"), Some(&admin), None).await.json()["version"], 1);
    assert_eq!(names(&app, "q=thu%20phien%20ban").await, ["Thủ tục thử phiên bản"]);
    // An edit is a draft version 2; the public still sees version 1 until it is published.
    let mut v2 = spec.clone();
    v2["name"] = json!("Thủ tục thử phiên bản (sửa đổi)");
    v2["channels"][0]["fee_vnd"] = json!(50000);
    assert_eq!(app.api(Method::PUT, &format!("/api/v1/procedures/{code}"), Some(&admin), Some(v2)).await.json()["version"], 2);
    let current = app.api(Method::GET, &format!("/api/v1/procedures/{code}"), None, None).await.json();
    assert_eq!((current["version"].clone(), current["name"].clone()), (json!(1), json!("Thủ tục thử phiên bản")));
    assert_eq!(app.api(Method::POST, &format!("/api/v1/procedures/{code}/publish"), Some(&admin), None).await.json()["version"], 2);
    let current = app.api(Method::GET, &format!("/api/v1/procedures/{code}"), None, None).await.json();
    assert_eq!((current["version"].clone(), current["status"].clone()), (json!(2), json!("amended")));
    assert_eq!(current["versions"], json!([2, 1]));
    // The old version stays readable.
    let old = app.api(Method::GET, &format!("/api/v1/procedures/{code}?version=1"), None, None).await.json();
    assert_eq!((old["name"].clone(), old["status"].clone()), (json!("Thủ tục thử phiên bản"), json!("superseded")));
    assert_eq!(app.api(Method::POST, &format!("/api/v1/procedures/{code}/publish"), Some(&admin), None).await.json()["error"], "nothing_to_publish");
    // Repeal: gone from search, still readable by code with status repealed.
    let r = app.api(Method::POST, &format!("/api/v1/procedures/{code}/repeal"), Some(&admin), Some(json!({"note": "QĐ bãi bỏ"}))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(names(&app, "q=thu%20phien%20ban").await.is_empty());
    assert_eq!(app.api(Method::GET, &format!("/api/v1/procedures/{code}"), None, None).await.json()["status"], "repealed");
});

http_test!(async fn disclosure_indicators(app) {
    let admin = app.token("admin").await;
    // Published 10 working days before the legal basis takes effect, disclosed the same day (on time);
    // another published 2 days before (late).
    let mut on_time = base_spec("1.999994.000.00.00.H57", "Thủ tục công bố đúng hạn");
    on_time["unit"] = json!("000.00.04.H57");
    on_time["level"] = json!("province");
    on_time["publication"] = json!({"number": "1/QĐ-UBND", "date": "2026-02-16"});
    on_time["effective_from"] = json!("2026-03-16");
    let mut late = on_time.clone();
    late["code"] = json!("1.999995.000.00.00.H57");
    late["name"] = json!("Thủ tục công bố muộn");
    late["publication"] = json!({"number": "2/QĐ-UBND", "date": "2026-02-27"});
    late["effective_from"] = json!("2026-03-02");
    for s in [on_time, late] {
        let code = s["code"].as_str().unwrap_or_default().to_owned();
        app.api(Method::POST, "/api/v1/procedures", Some(&admin), Some(s)).await;
        app.api(Method::POST, &format!("/api/v1/procedures/{code}/publish"), Some(&admin), None).await;
    }
    let r = app.api(Method::GET, "/api/v1/procedures/disclosure?unit=000.00.04.H57", None, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = r.json();
    let by = |code: &str| list.as_array().expect("list").iter().find(|i| i["code"] == code).cloned().expect("indicator");
    assert_eq!((by("1.1")["numerator"].clone(), by("1.1")["denominator"].clone()), (json!(1), json!(2)));
    assert_eq!(by("1.1")["rate"], 50.0);
    // Published in congso on 2/3/2026 (the test clock): within 5 working days of 27/2, not of 16/2.
    assert_eq!((by("1.2")["numerator"].clone(), by("1.2")["denominator"].clone()), (json!(1), json!(2)));
    assert_eq!(by("1.3")["numerator"], by("1.3")["denominator"]);
});
