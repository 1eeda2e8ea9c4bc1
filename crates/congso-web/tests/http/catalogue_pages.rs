use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::PW;
use crate::http_test;

http_test!(async fn public_search_detail_and_directory_pages(app) {
    let mut b = app.browser();
    let r = b.get("/thu-tuc?q=dang+ky+khai+sinh").await;
    assert_eq!(r.status, StatusCode::OK);
    let first = r.body.find("<li class=\"proc-item\">").expect("a result");
    assert!(r.body[first..].starts_with("<li class=\"proc-item\">\n    <h2 class=\"proc-name\"><a href=\"/thu-tuc/1.001193.000.00.00.H57\">Thủ tục đăng ký khai sinh</a>"), "{}", &r.body[first..first + 200]);
    assert!(r.body.contains("Tìm thấy"));
    // The instant-search fragment has just the results.
    let req = axum::http::Request::builder().uri("/thu-tuc?q=dang+ky+khai+si").header("x-partial", "1").body(axum::body::Body::empty()).expect("req");
    let frag = app.send(req).await;
    assert!(!frag.body.contains("<html"), "fragment only");
    assert!(frag.body.contains("Thủ tục đăng ký khai sinh"), "the last word is a prefix while typing");
    // Filters without JavaScript: a plain GET.
    let r = b.get("/thu-tuc?level=province&online=any").await;
    assert!(r.body.contains("Tìm thấy"));
    let none = b.get("/thu-tuc?q=zzzqqqxx").await;
    assert!(none.body.contains("Không tìm thấy thủ tục phù hợp"));
    // The detail page has every mandatory component.
    let d = b.get("/thu-tuc/1.001193.000.00.00.H57").await;
    assert_eq!(d.status, StatusCode::OK);
    for heading in ["Ai được thực hiện thủ tục này", "Nộp ở đâu, mất bao lâu, tốn bao nhiêu", "Cần chuẩn bị những giấy tờ gì", "Các bước thực hiện", "Kết quả nhận được", "Căn cứ pháp lý", "Cơ quan thực hiện"] {
        assert!(d.body.contains(heading), "{heading}");
    }
    assert!(d.body.contains("Luật Hộ tịch"));
    let missing = b.get("/thu-tuc/9.999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Không tìm thấy thủ tục"));
    let dir = b.get("/thu-tuc/danh-muc").await;
    assert!(dir.body.contains("Hộ tịch") && dir.body.contains("/thu-tuc?field="));
    assert!(dir.body.contains("Sở Tư pháp"));
});

fn form_fields<'a>(csrf: &'a str, code: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("code", code),
        ("name", name),
        ("field_code", "TN"),
        ("field_name", "Thử nghiệm"),
        ("level", "province"),
        ("unit", "000.00.04.H57"),
        ("online", "partial"),
        ("counter_use", "1"),
        ("counter_value", "5"),
        ("counter_unit", "working_days"),
        ("counter_fee", "100.000"),
        ("online_use", "1"),
        ("online_value", "5"),
        ("online_unit", "working_days"),
        ("online_fee", "50000"),
        ("post_value", ""),
        ("post_unit", "working_days"),
        ("post_fee", ""),
        (
            "documents",
            "Đơn đề nghị | 1 | 0 | Mẫu 01\nBản sao giấy tờ tùy thân | 0 | 1",
        ),
        ("steps", "Nộp hồ sơ\nNhận kết quả"),
        ("applicants", "Tổ chức, cá nhân"),
        ("result", "Giấy phép"),
        ("legal_basis", "Luật Thử nghiệm 2026"),
        (
            "workflow",
            "Tiếp nhận | one_stop_officer | 4\nThẩm định | specialist | 32\nPhê duyệt | unit_head | 4",
        ),
    ]
}

http_test!(async fn the_administrator_creates_edits_publishes_and_repeals_with_forms(app) {
    let mut a = app.browser();
    a.login("admin", PW).await;
    let list = a.get("/quan-tri/thu-tuc").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("1.3"), "indicators shown");
    let form = a.get("/quan-tri/thu-tuc/moi").await;
    let csrf = form.csrf();
    // The workflow must add up to the counter limit (5 working days = 40 hours).
    let mut bad = form_fields(&csrf, "1.999996.000.00.00.H57", "Cấp giấy phép thử nghiệm");
    bad.retain(|(k, _)| *k != "workflow");
    bad.push(("workflow", "Tiếp nhận | one_stop_officer | 4"));
    let r = a.post_form("/quan-tri/thu-tuc/moi", &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("workflow") && r.body.contains("Cấp giấy phép thử nghiệm"), "message and the typed values are kept");
    let r = a.post_form("/quan-tri/thu-tuc/moi", &form_fields(&csrf, "1.999996.000.00.00.H57", "Cấp giấy phép thử nghiệm")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let edit = a.get(r.location().expect("redirect")).await;
    assert!(edit.body.contains("Đã lưu dự thảo phiên bản 1."));
    let r = a.post_form("/quan-tri/thu-tuc/1.999996.000.00.00.H57/cong-bo", &[("csrf_token", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let published = app.api(Method::GET, "/api/v1/procedures/1.999996.000.00.00.H57", None, None).await.json();
    assert_eq!(published["channels"][0]["fee_vnd"], 100000, "100.000 typed with a dot");
    assert_eq!(published["documents"][0]["form"], "Mẫu 01");
    assert_eq!(published["workflow"][1]["budget"], json!({"value": 32, "unit": "working_hours"}));
    // Edit → draft version 2, shown prefilled.
    let r = a.post_form("/quan-tri/thu-tuc/1.999996.000.00.00.H57/sua", &form_fields(&csrf, "1.999996.000.00.00.H57", "Cấp giấy phép thử nghiệm (sửa đổi)")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let edit = a.get(r.location().expect("redirect")).await;
    assert!(edit.body.contains("Có dự thảo phiên bản 2 chưa công bố"));
    assert!(edit.body.contains("value=\"Cấp giấy phép thử nghiệm (sửa đổi)\""));
    let r = a.post_form("/quan-tri/thu-tuc/1.999996.000.00.00.H57/bai-bo", &[("csrf_token", &csrf), ("note", "QĐ 9/QĐ-UBND")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.api(Method::GET, "/api/v1/procedures/1.999996.000.00.00.H57", None, None).await.json()["status"], "repealed");
    // Others may not.
    let mut o = app.browser();
    o.login("motcua", PW).await;
    assert_eq!(o.get("/quan-tri/thu-tuc").await.status, StatusCode::FORBIDDEN);
});

http_test!(async fn import_is_all_or_nothing_and_export_round_trips(app) {
    let mut a = app.browser();
    a.login("admin", PW).await;
    let csrf = a.get("/quan-tri/thu-tuc").await.csrf();
    let before = app.api(Method::GET, "/api/v1/procedures?per_page=1", None, None).await.json()["total"].clone();
    // Export as XLSX and JSON, then import both back: nothing changes.
    let (status, xlsx) = a.get_bytes("/quan-tri/thu-tuc/xuat.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&xlsx[..2], b"PK");
    let (_, json_bytes) = a.get_bytes("/quan-tri/thu-tuc/xuat.json").await;
    let exported: Vec<serde_json::Value> = serde_json::from_slice(&json_bytes).expect("json");
    assert_eq!(json!(exported.len()), before);
    let r = a.post_file("/quan-tri/thu-tuc/nhap", &[("csrf_token", &csrf)], "thu-tuc.xlsx", &xlsx).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&format!("Đã nhập: 0 thủ tục mới, 0 cập nhật, {before} không đổi.")), "{}", r.body);
    let r = a.post_file("/quan-tri/thu-tuc/nhap", &[("csrf_token", &csrf)], "thu-tuc.json", &json_bytes).await;
    assert!(r.body.contains("0 thủ tục mới, 0 cập nhật"), "{}", r.body);
    // A file with one good new row and one bad row (negative fee) imports nothing and names the row.
    let mut good = crate::catalogue::base_spec("1.999997.000.00.00.H57", "Thủ tục nhập thử");
    good["field"] = json!({"code": "TN", "name": "Thử nghiệm"});
    let mut changed = exported[0].clone();
    changed["name"] = json!("Tên đã sửa");
    let mut bad = crate::catalogue::base_spec("1.999998.000.00.00.H57", "Thủ tục lỗi");
    bad["channels"][0]["fee_vnd"] = json!(-5);
    let file = serde_json::to_vec(&json!([good, changed, bad])).expect("json");
    let r = a.post_file("/quan-tri/thu-tuc/nhap", &[("csrf_token", &csrf)], "loi.json", &file).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("dòng/row 3 (1.999998.000.00.00.H57), channels[0].fee_vnd"), "{}", r.body);
    assert_eq!(app.api(Method::GET, "/api/v1/procedures?per_page=1", None, None).await.json()["total"], before, "nothing written");
    assert_eq!(app.api(Method::GET, "/api/v1/procedures/1.999997.000.00.00.H57", None, None).await.status, StatusCode::NOT_FOUND);
    let original = app.api(Method::GET, &format!("/api/v1/procedures/{}", exported[0]["code"].as_str().unwrap_or_default()), None, None).await.json();
    assert_eq!(original["name"], exported[0]["name"]);
    // Unknown unit codes are refused too.
    let mut unknown = good.clone();
    unknown["unit"] = json!("000.00.99.H57");
    let r = a.post_file("/quan-tri/thu-tuc/nhap", &[("csrf_token", &csrf)], "x.json", &serde_json::to_vec(&json!([unknown])).expect("json")).await;
    assert!(r.body.contains("dòng/row 1 (1.999997.000.00.00.H57), unit"), "{}", r.body);
    // Without the CSRF field the upload is refused.
    let r = a.post_file("/quan-tri/thu-tuc/nhap", &[], "x.json", b"[]").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The good file imports and creates / updates.
    let file = serde_json::to_vec(&json!([good, changed])).expect("json");
    let r = a.post_file("/quan-tri/thu-tuc/nhap", &[("csrf_token", &csrf)], "ok.json", &file).await;
    assert!(r.body.contains("Đã nhập: 1 thủ tục mới, 1 cập nhật, 0 không đổi."), "{}", r.body);
});
