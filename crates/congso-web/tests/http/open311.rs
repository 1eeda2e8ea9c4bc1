//! Open311 GeoReport v2 conformance, written from the specification
//! (http://wiki.open311.org/GeoReport_v2; see reference/anchors.md §2.5): every method in both
//! formats (XML parsed back with a real parser), every documented error, and bad input that
//! stores nothing.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use congso_app::Actor;
use congso_app::site_reports::{self, Attribute, NewCategory};

use crate::helpers::{TestApp, TestResponse};
use crate::http_test;

const V2: &str = "/open311/v2";

async fn get(app: &TestApp, path: &str) -> TestResponse {
    app.send(Request::get(path).body(Body::empty()).expect("request"))
        .await
}

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> TestResponse {
    let body = serde_urlencoded::to_string(fields).expect("form");
    app.send(
        Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

async fn api_key(app: &TestApp) -> String {
    site_reports::create_api_key(&app.app, &Actor::system(), "conformance")
        .await
        .expect("key")
        .1
}

fn content_type(r: &TestResponse) -> &str {
    r.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Checks the XML envelope and returns the root element's name and, for each child element, the
/// text of its own children (`<request><status>open</status>…</request>` → {status: open}).
fn xml_items(r: &TestResponse) -> (String, Vec<HashMap<String, String>>) {
    assert_eq!(content_type(r), "text/xml; charset=utf-8", "{}", r.body);
    assert!(
        r.body
            .starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
        "{}",
        r.body
    );
    let doc = roxmltree::Document::parse(&r.body).unwrap_or_else(|e| panic!("{e}: {}", r.body));
    let root = doc.root_element();
    let items = root
        .children()
        .filter(|n| n.is_element())
        .map(|item| {
            item.children()
                .filter(|n| n.is_element())
                .map(|f| {
                    (
                        f.tag_name().name().to_owned(),
                        f.text().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .collect();
    (root.tag_name().name().to_owned(), items)
}

fn json(r: &TestResponse) -> serde_json::Value {
    assert_eq!(
        content_type(r),
        "application/json; charset=utf-8",
        "{}",
        r.body
    );
    r.json()
}

/// Asserts the documented error: the HTTP status and `errors/error[]` with that code, in the
/// response's format.
fn assert_error(r: &TestResponse, status: StatusCode) {
    assert_eq!(r.status, status, "{}", r.body);
    if content_type(r).starts_with("text/xml") {
        let (root, items) = xml_items(r);
        assert_eq!(root, "errors");
        assert!(!items.is_empty());
        assert_eq!(items[0]["code"], status.as_u16().to_string());
        assert!(!items[0]["description"].is_empty());
    } else {
        let j = json(r);
        let e = &j.as_array().expect("errors array")[0];
        assert_eq!(e["code"], serde_json::json!(status.as_u16()));
        assert!(e["description"].as_str().is_some_and(|d| !d.is_empty()));
    }
}

/// Rows in the report tables and in the event log.
async fn written(app: &TestApp) -> (i64, i64, i64, i64) {
    let mut tx = app.app.db.begin_read().await.expect("tx");
    let (a, b, c) = congso_db::repo::site_reports::row_counts(&mut tx)
        .await
        .expect("counts");
    (a, b, c, app.event_count().await)
}

const REQUEST_FIELDS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];

http_test!(async fn discovery_services_and_definitions_in_both_formats(app) {
    // Discovery: both formats are mandatory.
    let d = get(&app, &format!("{V2}/discovery.json")).await;
    assert_eq!(d.status, StatusCode::OK);
    let j = json(&d);
    for k in ["changeset", "contact", "key_service", "endpoints"] {
        assert!(!j[k].is_null(), "discovery.{k}");
    }
    let ep = &j["endpoints"][0];
    assert_eq!(ep["specification"], "http://wiki.open311.org/GeoReport_v2");
    assert!(ep["url"].as_str().expect("url").ends_with("/open311/v2"));
    assert_eq!(ep["type"], "production");
    assert_eq!(ep["formats"], serde_json::json!(["text/xml", "application/json"]));
    let x = get(&app, &format!("{V2}/discovery.xml")).await;
    let doc_text = x.body.clone();
    let (root, _) = xml_items(&x);
    assert_eq!(root, "discovery");
    let doc = roxmltree::Document::parse(&doc_text).expect("xml");
    let formats: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("format"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(formats, ["text/xml", "application/json"]);

    // GET Service List.
    let s = get(&app, &format!("{V2}/services.json")).await;
    assert_eq!(s.status, StatusCode::OK);
    let list = json(&s);
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 5, "the demo's five categories");
    for svc in list {
        for k in ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"] {
            assert!(!svc[k].is_null(), "service.{k}: {svc}");
        }
        assert!(matches!(svc["type"].as_str(), Some("realtime" | "batch")));
    }
    let road = list.iter().find(|s| s["service_code"] == "o-ga-mat-duong").expect("road damage");
    assert_eq!(road["metadata"], true);
    assert_eq!(road["service_name"], "Hư hỏng mặt đường, ổ gà");
    let (root, items) = xml_items(&get(&app, &format!("{V2}/services.xml")).await);
    assert_eq!(root, "services");
    assert_eq!(items.len(), 5);
    assert!(items.iter().any(|i| i["service_code"] == "trat-tu-giao-thong" && i["type"] == "batch"));
    assert!(items.iter().all(|i| i.contains_key("group") && i.contains_key("keywords")));

    // jurisdiction_id: absent, empty or ours is served; another one is 404.
    for q in ["?jurisdiction_id=", "?jurisdiction_id=hue.gov.vn"] {
        assert_eq!(get(&app, &format!("{V2}/services.json{q}")).await.status, StatusCode::OK);
    }
    for path in [
        "services.json",
        "services.xml",
        "services/o-ga-mat-duong.json",
        "requests.xml",
        "requests.json",
    ] {
        let r = get(&app, &format!("{V2}/{path}?jurisdiction_id=sfgov.org")).await;
        assert_error(&r, StatusCode::NOT_FOUND);
    }

    // GET Service Definition.
    let def = get(&app, &format!("{V2}/services/o-ga-mat-duong.json")).await;
    assert_eq!(def.status, StatusCode::OK);
    let def = json(&def);
    assert_eq!(def["service_code"], "o-ga-mat-duong");
    let a = &def["attributes"][0];
    for k in ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"] {
        assert!(!a[k].is_null(), "attribute.{k}");
    }
    assert_eq!(a["datatype"], "singlevaluelist");
    assert_eq!(a["order"], 1);
    assert_eq!(a["values"][2], serde_json::json!({"key": "lon", "name": "Lớn, nguy hiểm"}));
    let x = get(&app, &format!("{V2}/services/o-ga-mat-duong.xml")).await;
    let body = x.body.clone();
    let (root, _) = xml_items(&x);
    assert_eq!(root, "service_definition");
    let doc = roxmltree::Document::parse(&body).expect("xml");
    let keys: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("key"))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(keys, ["nho", "vua", "lon"]);
    // A service without attributes still has a (empty) definition.
    let empty = json(&get(&app, &format!("{V2}/services/ngap-ung.json")).await);
    assert_eq!(empty["attributes"], serde_json::json!([]));

    // Unknown service: 404 in both formats; an unknown format or resource is 404 too.
    assert_error(&get(&app, &format!("{V2}/services/khong-co.json")).await, StatusCode::NOT_FOUND);
    assert_error(&get(&app, &format!("{V2}/services/khong-co.xml")).await, StatusCode::NOT_FOUND);
    assert_eq!(get(&app, &format!("{V2}/services.html")).await.status, StatusCode::NOT_FOUND);
    assert_error(&get(&app, &format!("{V2}/nothing.json")).await, StatusCode::NOT_FOUND);
});

http_test!(async fn post_then_read_requests_and_tokens(app) {
    let key = api_key(&app).await;
    let before = written(&app).await;
    // POST Service Request (JSON response): a realtime service returns the id at once.
    let r = post(&app, &format!("{V2}/requests.json"), &[
        ("api_key", &key),
        ("service_code", "o-ga-mat-duong"),
        ("lat", "16.4637"),
        ("long", "107.5909"),
        ("attribute[muc_do]", "lon"),
        ("email", "an.nguyen@example.vn"),
        ("first_name", "An"),
        ("last_name", "Nguyễn"),
        ("phone", "0905123456"),
        ("description", "Ổ gà sâu khoảng 20 cm trước số 5 Hùng Vương"),
        ("media_url", "https://example.vn/anh/o-ga.jpg"),
    ]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j = json(&r);
    let item = &j.as_array().expect("array")[0];
    let id = item["service_request_id"].as_str().expect("id").to_owned();
    assert!(item.get("token").is_none(), "never both an id and a token");
    assert!(item.get("service_notice").is_some() && item.get("account_id").is_some());
    let after = written(&app).await;
    assert_eq!(after.0, before.0 + 1, "one report");

    // XML response, located by an address string (the ward is found in it).
    let r = post(&app, &format!("{V2}/requests.xml"), &[
        ("api_key", &key),
        ("service_code", "rac-thai-moi-truong"),
        ("address_string", "Kiệt 12 Nguyễn Huệ, phường Thuận Hóa, Huế"),
        ("description", "Rác tồn đọng"),
    ]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (root, items) = xml_items(&r);
    assert_eq!(root, "service_requests");
    let id2 = items[0]["service_request_id"].clone();
    assert!(!id2.is_empty() && !items[0].contains_key("token"));

    // A batch service returns a token; the token leads to the id.
    let r = post(&app, &format!("{V2}/requests.json"), &[
        ("api_key", &key),
        ("service_code", "trat-tu-giao-thong"),
        ("address_id", "000.00.30.H57"),
        ("description", "Ô tô đỗ trên vỉa hè"),
    ]).await;
    let j = json(&r);
    let token = j[0]["token"].as_str().expect("token").to_owned();
    assert!(j[0].get("service_request_id").is_none());
    let t = json(&get(&app, &format!("{V2}/tokens/{token}.json")).await);
    let id3 = t[0]["service_request_id"].as_str().expect("id").to_owned();
    assert_eq!(t[0]["token"], token.as_str());
    let (root, items) = xml_items(&get(&app, &format!("{V2}/tokens/{token}.xml")).await);
    assert_eq!((root.as_str(), items[0]["service_request_id"].as_str()), ("service_requests", id3.as_str()));
    assert_error(&get(&app, &format!("{V2}/tokens/khong-co.json")).await, StatusCode::NOT_FOUND);
    assert_error(&get(&app, &format!("{V2}/tokens/khong-co.xml")).await, StatusCode::NOT_FOUND);

    // GET Service Request: a one-element list, every field of the specification.
    let one = json(&get(&app, &format!("{V2}/requests/{id}.json")).await);
    let one = one.as_array().expect("a list");
    assert_eq!(one.len(), 1);
    let rq = &one[0];
    for k in REQUEST_FIELDS {
        assert!(rq.as_object().expect("object").contains_key(k), "request.{k}");
    }
    assert_eq!(rq["service_request_id"], id.as_str());
    assert_eq!(rq["status"], "open");
    assert_eq!(rq["service_code"], "o-ga-mat-duong");
    assert_eq!(rq["lat"], serde_json::json!(16.4637));
    assert_eq!(rq["long"], serde_json::json!(107.5909));
    assert_eq!(rq["agency_responsible"], "Sở Xây dựng");
    assert_eq!(rq["media_url"], "https://example.vn/anh/o-ga.jpg");
    assert_eq!(rq["requested_datetime"], "2026-03-02T09:00:00+07:00");
    // Five working days, to the end of the fifth (Monday 2 March → Monday 9 March, end of day).
    assert_eq!(rq["expected_datetime"], "2026-03-10T00:00:00+07:00");
    let (root, items) = xml_items(&get(&app, &format!("{V2}/requests/{id2}.xml")).await);
    assert_eq!((root.as_str(), items.len()), ("service_requests", 1));
    for k in REQUEST_FIELDS {
        assert!(items[0].contains_key(k), "xml request.{k}");
    }
    assert_eq!(items[0]["agency_responsible"], "Ủy ban nhân dân phường Thuận Hóa", "routed by ward");
    assert_error(&get(&app, &format!("{V2}/requests/{}.json", uuid::Uuid::now_v7())).await, StatusCode::NOT_FOUND);
    assert_error(&get(&app, &format!("{V2}/requests/khong-co.xml")).await, StatusCode::NOT_FOUND);

    // GET Service Requests: the default window (the last 90 days) has the demo's three and ours.
    let all = json(&get(&app, &format!("{V2}/requests.json")).await);
    let all = all.as_array().expect("array");
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(|r| REQUEST_FIELDS.iter().all(|k| r.as_object().expect("o").contains_key(*k))));
    let (_, xml_all) = xml_items(&get(&app, &format!("{V2}/requests.xml")).await);
    assert_eq!(xml_all.len(), 6);
    // service_code list, status list.
    let road = json(&get(&app, &format!("{V2}/requests.json?service_code=o-ga-mat-duong,den-chieu-sang")).await);
    assert_eq!(road.as_array().expect("a").len(), 3);
    let closed = json(&get(&app, &format!("{V2}/requests.json?status=closed")).await);
    assert_eq!(closed.as_array().expect("a").len(), 1, "the demo's resolved lighting report");
    assert_eq!(closed[0]["status_notes"].as_str().map(|s| s.contains("đã sáng lại")), Some(true));
    let open = json(&get(&app, &format!("{V2}/requests.json?status=open,closed")).await);
    assert_eq!(open.as_array().expect("a").len(), 6);
    // service_request_id overrides every other parameter.
    let picked = json(&get(&app, &format!("{V2}/requests.json?service_request_id={id},{id3}&status=closed&service_code=ngap-ung&start_date=2020-01-01T00:00:00Z&end_date=2020-01-02T00:00:00Z")).await);
    let mut got: Vec<&str> = picked.as_array().expect("a").iter().filter_map(|r| r["service_request_id"].as_str()).collect();
    got.sort();
    let mut want = vec![id.as_str(), id3.as_str()];
    want.sort();
    assert_eq!(got, want);
    // Dates: a window in the past has nothing; more than 90 days or a bad date is 400.
    let past = json(&get(&app, &format!("{V2}/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2025-02-01T00:00:00Z")).await);
    assert_eq!(past, serde_json::json!([]));
    let around = json(&get(&app, &format!("{V2}/requests.json?start_date=2026-03-01T00:00:00%2B07:00&end_date=2026-03-03T00:00:00%2B07:00")).await);
    assert_eq!(around.as_array().expect("a").len(), 6);
    for (q, fmt) in [
        ("start_date=2025-01-01T00:00:00Z&end_date=2025-04-02T00:00:00Z", "json"),
        ("start_date=2025-01-01T00:00:00Z&end_date=2025-04-02T00:00:00Z", "xml"),
        ("start_date=hom-qua", "json"),
        ("end_date=2026-13-45", "xml"),
        ("start_date=2026-03-02T00:00:00Z&end_date=2026-03-01T00:00:00Z", "json"),
        ("status=pending", "json"),
    ] {
        assert_error(&get(&app, &format!("{V2}/requests.{fmt}?{q}")).await, StatusCode::BAD_REQUEST);
    }
    assert_error(&get(&app, &format!("{V2}/requests.json?service_code=khong-co")).await, StatusCode::NOT_FOUND);
});

http_test!(async fn bad_posts_get_the_documented_error_and_store_nothing(app) {
    let key = api_key(&app).await;
    // A category whose definition requires an attribute.
    site_reports::create_category(&app.app, &Actor::system(), NewCategory {
        service_code: "cay-xanh".to_owned(),
        name: "Cây xanh gãy đổ".to_owned(),
        name_en: None,
        group: "Môi trường".to_owned(),
        keywords: vec!["cây".to_owned()],
        description: "Cây gãy, đổ".to_owned(),
        service_type: None,
        default_unit: "000.00.06.H57".to_owned(),
        handling_days: 2,
        emergency_hours: 2,
        attributes: vec![Attribute {
            code: "loai".to_owned(),
            variable: true,
            datatype: "multivaluelist".to_owned(),
            required: true,
            datatype_description: String::new(),
            order: 1,
            description: "Loại sự cố".to_owned(),
            values: vec![("gay".to_owned(), "Gãy cành".to_owned()), ("do".to_owned(), "Đổ cây".to_owned())],
        }],
    }).await.expect("category");
    let before = written(&app).await;
    let long = "ă".repeat(4001);
    let ok: Vec<(&str, &str)> = vec![
        ("api_key", key.as_str()),
        ("service_code", "o-ga-mat-duong"),
        ("lat", "16.4637"),
        ("long", "107.5909"),
        ("description", "Ổ gà"),
    ];
    let with = |changes: &[(&'static str, Option<&'static str>)]| {
        let mut f: Vec<(String, String)> = ok.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        for (k, v) in changes {
            f.retain(|(n, _)| n != k);
            if let Some(v) = v {
                f.push(((*k).to_owned(), (*v).to_owned()));
            }
        }
        f
    };
    type Form = Vec<(String, String)>;
    let cases: Vec<(&str, Form, StatusCode)> = vec![
        ("missing api_key", with(&[("api_key", None)]), StatusCode::FORBIDDEN),
        ("wrong api_key", with(&[("api_key", Some("sai-khoa"))]), StatusCode::FORBIDDEN),
        ("empty api_key", with(&[("api_key", Some(""))]), StatusCode::FORBIDDEN),
        ("missing service_code", with(&[("service_code", None)]), StatusCode::BAD_REQUEST),
        ("empty service_code", with(&[("service_code", Some(""))]), StatusCode::BAD_REQUEST),
        ("unknown service_code", with(&[("service_code", Some("khong-co"))]), StatusCode::NOT_FOUND),
        ("unknown jurisdiction", with(&[("jurisdiction_id", Some("sfgov.org"))]), StatusCode::NOT_FOUND),
        ("lat not a number", with(&[("lat", Some("abc"))]), StatusCode::BAD_REQUEST),
        ("lat out of range", with(&[("lat", Some("91"))]), StatusCode::BAD_REQUEST),
        ("long out of range", with(&[("long", Some("-180.5"))]), StatusCode::BAD_REQUEST),
        ("lat without long", with(&[("long", None)]), StatusCode::BAD_REQUEST),
        ("no location", with(&[("lat", None), ("long", None)]), StatusCode::BAD_REQUEST),
        ("HTML in description", with(&[("description", Some("Ổ gà <script>alert(1)</script>"))]), StatusCode::BAD_REQUEST),
        ("HTML tag", with(&[("description", Some("<b>Ổ gà</b>"))]), StatusCode::BAD_REQUEST),
        ("bad list value", with(&[("attribute[muc_do]", Some("rat-lon"))]), StatusCode::BAD_REQUEST),
        ("bad email", with(&[("email", Some("khong-phai-email"))]), StatusCode::BAD_REQUEST),
        ("bad media_url", with(&[("media_url", Some("javascript:alert(1)"))]), StatusCode::BAD_REQUEST),
        ("required attribute missing", with(&[("service_code", Some("cay-xanh"))]), StatusCode::BAD_REQUEST),
        ("multivalue not in the list", with(&[("service_code", Some("cay-xanh")), ("attribute[loai][]", Some("chay"))]), StatusCode::BAD_REQUEST),
    ];
    for (what, fields, status) in &cases {
        for fmt in ["json", "xml"] {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let r = post(&app, &format!("{V2}/requests.{fmt}"), &pairs).await;
            assert_eq!(r.status, *status, "{what} ({fmt}): {}", r.body);
            assert_error(&r, *status);
        }
    }
    // 4,001 characters: refused; not a form body: refused.
    for fmt in ["json", "xml"] {
        let mut f = with(&[]);
        f.retain(|(k, _)| k != "description");
        f.push(("description".to_owned(), long.clone()));
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_error(&post(&app, &format!("{V2}/requests.{fmt}"), &pairs).await, StatusCode::BAD_REQUEST);
    }
    assert_eq!(written(&app).await, before, "nothing was written by any refused request");

    // The limits themselves are accepted: 4,000 characters, a multivalue list.
    let exact = "ă".repeat(4000);
    let mut f = with(&[]);
    f.retain(|(k, _)| k != "description");
    f.push(("description".to_owned(), exact));
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = post(&app, &format!("{V2}/requests.json"), &pairs).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = post(&app, &format!("{V2}/requests.json"), &[
        ("api_key", &key), ("service_code", "cay-xanh"), ("address_string", "Công viên Thương Bạc"),
        ("attribute[loai][]", "gay"), ("attribute[loai][]", "do"),
    ]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(written(&app).await.0, before.0 + 2);
    // An optional empty parameter behaves like an absent one.
    let r = post(&app, &format!("{V2}/requests.json"), &[
        ("api_key", &key), ("service_code", "ngap-ung"), ("address_string", "Đường Bà Triệu"),
        ("lat", ""), ("long", ""), ("email", ""), ("media_url", ""), ("jurisdiction_id", ""),
    ]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
});
