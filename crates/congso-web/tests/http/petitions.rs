//! Petitions through the API on both backends: the statutory clocks of every kind (complaints of
//! both levels, complex and remote-area limits, denunciation extensions, regulation feedback in
//! working days across Tết, a period in days ending on a day off), illegal and unauthorised
//! actions writing nothing, duplicates, the clock table as a setting, the reception schedule and
//! log, and the resolution-rate report against an independent count over a generated set.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::{date, datetime};

use crate::helpers::TestApp;
use crate::http_test;

const ROOT: &str = "000.00.00.H57";
const JUSTICE: &str = "000.00.04.H57";
const FINANCE: &str = "000.00.03.H57";

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let r = app.api(Method::POST, path, Some(token), Some(body)).await;
    let status = r.status;
    (status, r.json())
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.api(Method::GET, path, Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    r.json()
}

fn petitioner(name: &str, id: &str) -> Value {
    json!({"name": name, "address": "12 Lê Lợi, phường Thuận Hóa, thành phố Huế", "id_number": id, "phone": "0912345678"})
}

async fn act(app: &TestApp, token: &str, item: &str, body: Value) -> (StatusCode, Value) {
    post(
        app,
        token,
        &format!("/api/v1/petition-items/{item}/actions"),
        body,
    )
    .await
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_owned()
}

/// Rows in the petition tables and events: what a refused request must leave unchanged.
async fn written(app: &TestApp) -> (i64, i64, i64, i64) {
    let (p, i, d) = congso_app::petitions::counts(&app.app)
        .await
        .expect("counts");
    (p, i, d, app.event_count().await)
}

http_test!(async fn complaints_have_first_and_second_level_clocks_with_complex_and_remote_limits(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let office = app.token("vanphong").await;
    let spec = app.token("chuyenvien").await;
    let head = app.token("lanhdao.so").await;
    let leader = app.token("lanhdao").await;
    let (s, p) = post(&app, &office, "/api/v1/petitions", json!({
        "channel": "reception", "petitioner": petitioner("Trần Văn Bình", "046085001234"),
        "content": "Khiếu nại quyết định xử phạt vi phạm hành chính và việc cấp giấy chứng nhận",
        "items": [
            {"kind": "complaint", "content": "Khiếu nại quyết định xử phạt", "unit": JUSTICE},
            {"kind": "complaint", "content": "Khiếu nại việc chậm cấp giấy", "unit": JUSTICE},
            {"kind": "complaint", "content": "Khiếu nại tại xã vùng sâu", "unit": JUSTICE, "remote_area": true},
            {"kind": "complaint", "content": "Khiếu nại phức tạp tại xã vùng sâu", "unit": JUSTICE, "remote_area": true},
        ]
    })).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    assert_eq!((p["channel"].clone(), p["anonymous"].clone(), p["duplicate_of"].clone()), (json!("reception"), json!(false), Value::Null));
    let items: Vec<String> = p["items"].as_array().expect("items").iter().map(id).collect();
    assert_eq!(items.len(), 4);
    // Handling the letter: 10 days from Mon 2/3 → Thu 12/3.
    assert_eq!(p["items"][0]["handling_deadline"], "2026-03-12");
    assert_eq!((p["items"][0]["state"].clone(), p["items"][0]["clock_status"].clone()), (json!("received"), json!("handling")));
    app.clock.set(datetime!(2026-03-05 10:00 +7));
    // 30 days from Thu 5/3 = Sat 4/4 → Mon 6/4 (Civil Code Art. 148).
    let (s, a) = act(&app, &spec, &items[0], json!({"action": "accept", "number": "12/TB-STP"})).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!((a["state"].clone(), a["accepted_on"].clone(), a["deadline"].clone()), (json!("accepted"), json!("2026-03-05"), json!("2026-04-06")));
    assert_eq!(a["documents"][0]["kind"], "thong_bao_thu_ly");
    assert_eq!(a["documents"][0]["on_time"], true);
    // Complex: 45 days = Sun 19/4 → Mon 20/4; remote: also 45; remote and complex: 60 = Mon 4/5.
    let (_, b) = act(&app, &spec, &items[1], json!({"action": "accept", "complex": true})).await;
    assert_eq!((b["deadline"].clone(), b["complex"].clone()), (json!("2026-04-20"), json!(true)));
    let (_, c) = act(&app, &spec, &items[2], json!({"action": "accept"})).await;
    assert_eq!(c["deadline"], "2026-04-20");
    let (_, d) = act(&app, &spec, &items[3], json!({"action": "accept", "complex": true})).await;
    assert_eq!(d["deadline"], "2026-05-04");
    // Only a head decides; the specialist is refused and nothing is written.
    app.clock.set(datetime!(2026-03-20 10:00 +7));
    let before = written(&app).await;
    let (s, e) = act(&app, &spec, &items[0], json!({"action": "resolve", "decision_number": "45/QĐ-STP", "text": "Giữ nguyên quyết định"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")));
    assert_eq!(written(&app).await, before);
    let (s, e) = act(&app, &head, &items[0], json!({"action": "resolve", "text": "Thiếu số"})).await;
    assert_eq!((s, e["error"].clone(), e["detail"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_input"), json!("decision_number")));
    let (s, r) = act(&app, &head, &items[0], json!({"action": "resolve", "decision_number": "45/QĐ-STP", "text": "Giữ nguyên quyết định xử phạt"})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!((r["state"].clone(), r["result"].clone(), r["clock_status"].clone(), r["decision_number"].clone()), (json!("resolved"), json!("on_time"), json!("on_time"), json!("45/QĐ-STP")));
    let doc = &r["documents"][1];
    assert_eq!((doc["kind"].clone(), doc["number"].clone(), doc["stage"].clone(), doc["stage_deadline"].clone()), (json!("quyet_dinh_giai_quyet"), json!("45/QĐ-STP"), json!("resolution"), json!("2026-04-06")));
    assert_eq!(r["actions"], json!(["notify"]));
    // A second complaint must follow a decided (or lapsed) first complaint.
    app.clock.set(datetime!(2026-03-25 09:00 +7));
    let before = written(&app).await;
    let (s, e) = post(&app, &office, "/api/v1/petitions", json!({
        "channel": "post", "petitioner": petitioner("Trần Văn Bình", "046085001234"), "content": "Khiếu nại lần hai về việc chậm cấp giấy",
        "items": [{"kind": "complaint", "level": 2, "first_item": items[1], "unit": ROOT}]
    })).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::CONFLICT, json!("petition_not_eligible")), "{e}");
    assert!(e["message"].as_str().expect("message").contains("khiếu nại lần hai"), "{e}");
    assert_eq!(written(&app).await, before, "the petition is not half-written");
    let (s, p2) = post(&app, &office, "/api/v1/petitions", json!({
        "channel": "post", "petitioner": petitioner("Trần Văn Bình", "046085001234"), "content": "Khiếu nại lần hai đối với Quyết định 45/QĐ-STP",
        "items": [{"kind": "complaint", "level": 2, "first_item": items[0], "unit": ROOT}]
    })).await;
    assert_eq!(s, StatusCode::CREATED, "{p2}");
    let second = id(&p2["items"][0]);
    assert_eq!((p2["items"][0]["level"].clone(), p2["items"][0]["first_item"].clone()), (json!(2), json!(items[0])));
    // The department cannot act on the city's item; the city leader accepts: 45 days from
    // Wed 25/3 = Sat 9/5 → Mon 11/5.
    let (s, _) = act(&app, &head, &second, json!({"action": "accept"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, x) = act(&app, &leader, &second, json!({"action": "accept"})).await;
    assert_eq!(s, StatusCode::OK, "{x}");
    assert_eq!(x["deadline"], "2026-05-11");
    // Lodged more than 30 days after the decision of Fri 20/3 (Sun 19/4 → Mon 20/4): too late.
    app.clock.set(datetime!(2026-04-21 09:00 +7));
    let (s, e) = post(&app, &office, "/api/v1/petitions", json!({
        "channel": "post", "petitioner": petitioner("Trần Văn Bình", "046085001234"), "content": "Khiếu nại lần hai, gửi muộn",
        "items": [{"kind": "complaint", "level": 2, "first_item": items[0], "unit": ROOT}]
    })).await;
    assert_eq!((s, e["error"].clone(), e["detail"].clone()), (StatusCode::CONFLICT, json!("petition_not_eligible"), json!("lodging")));
    // Late: resolved after its deadline.
    app.clock.set(datetime!(2026-05-12 09:00 +7));
    let (_, late) = act(&app, &leader, &second, json!({"action": "resolve", "decision_number": "1200/QĐ-UBND", "text": "Công nhận một phần"})).await;
    assert_eq!((late["result"].clone(), late["documents"][1]["on_time"].clone()), (json!("late"), json!(false)));
    // Reading: the petition and its items.
    let got = get(&app, &office, &format!("/api/v1/petitions/{}", id(&p))).await;
    assert_eq!(got["items"].as_array().map(Vec::len), Some(4));
    let one = get(&app, &head, &format!("/api/v1/petition-items/{}", items[3])).await;
    assert_eq!((one["state"].clone(), one["clock_status"].clone()), (json!("accepted"), json!("overdue")), "60 days ran out on 4/5");
    assert!(matches!(congso_db::events::verify(&app.app.db).await.expect("verify"), congso_db::events::Verification::Ok { .. }));
});

http_test!(async fn denunciations_extend_once_twice_and_not_a_third_time(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let office = app.token("vanphong").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    let (_, p) = post(&app, &office, "/api/v1/petitions", json!({
        "channel": "online", "petitioner": petitioner("Lê Thị Cúc", "046190004321"), "content": "Tố cáo cán bộ nhận tiền khi giải quyết hồ sơ",
        "items": [{"kind": "denunciation", "unit": JUSTICE}, {"kind": "complaint", "unit": JUSTICE, "content": "Khiếu nại kèm theo"}]
    })).await;
    let (den, com) = (id(&p["items"][0]), id(&p["items"][1]));
    let (_, a) = act(&app, &spec, &den, json!({"action": "accept"})).await;
    assert_eq!(a["deadline"], "2026-04-01", "30 days from Mon 2/3");
    // An extension is decided in writing, by a head, within 30 days.
    let (s, e) = act(&app, &head, &den, json!({"action": "extend", "days": 30, "reason": "Phải xác minh ở nhiều nơi"})).await;
    assert_eq!((s, e["detail"].clone()), (StatusCode::BAD_REQUEST, json!("decision_number")));
    let (s, _) = act(&app, &spec, &den, json!({"action": "extend", "days": 30, "reason": "x", "decision_number": "1/QĐ-GH"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, e) = act(&app, &head, &den, json!({"action": "extend", "days": 31, "reason": "x", "decision_number": "1/QĐ-GH"})).await;
    assert_eq!((s, e["detail"].clone()), (StatusCode::BAD_REQUEST, json!("days")));
    app.clock.set(datetime!(2026-03-30 09:00 +7));
    // One extension: 60 days = Fri 1/5/2026, a holiday (30/4–3/5 off) → Mon 4/5.
    let (s, x1) = act(&app, &head, &den, json!({"action": "extend", "days": 30, "reason": "Vụ việc phức tạp", "decision_number": "15/QĐ-STP"})).await;
    assert_eq!(s, StatusCode::OK, "{x1}");
    assert_eq!((x1["deadline"].clone(), x1["original_deadline"].clone(), x1["extensions"].clone(), x1["state"].clone()), (json!("2026-05-04"), json!("2026-04-01"), json!(1), json!("accepted")));
    // Two: 90 days = Sun 31/5 → Mon 1/6.
    let (_, x2) = act(&app, &head, &den, json!({"action": "extend", "days": 30, "reason": "Vụ việc đặc biệt phức tạp", "decision_number": "21/QĐ-STP"})).await;
    assert_eq!((x2["deadline"].clone(), x2["extensions"].clone(), x2["extension_days"].clone()), (json!("2026-06-01"), json!(2), json!(60)));
    let ext: Vec<&Value> = x2["documents"].as_array().expect("docs").iter().filter(|d| d["kind"] == "quyet_dinh_gia_han").collect();
    assert_eq!(ext.iter().map(|d| d["number"].clone()).collect::<Vec<_>>(), vec![json!("15/QĐ-STP"), json!("21/QĐ-STP")]);
    // A third is refused and writes nothing.
    let before = written(&app).await;
    let (s, e) = act(&app, &head, &den, json!({"action": "extend", "days": 10, "reason": "Thêm", "decision_number": "30/QĐ-STP"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::CONFLICT, json!("extension_limit")), "{e}");
    assert!(e["message"].as_str().expect("message").starts_with("Không thể gia hạn"), "{e}");
    assert_eq!(written(&app).await, before);
    let now = get(&app, &head, &format!("/api/v1/petition-items/{den}")).await;
    assert_eq!((now["deadline"].clone(), now["extensions"].clone()), (json!("2026-06-01"), json!(2)));
    // Complaints are not extended.
    act(&app, &spec, &com, json!({"action": "accept"})).await;
    let (s, e) = act(&app, &head, &com, json!({"action": "extend", "days": 10, "reason": "x", "decision_number": "2/QĐ"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::CONFLICT, json!("illegal_transition")));
    // The conclusion within the extended time is on time.
    app.clock.set(datetime!(2026-05-29 09:00 +7));
    let (_, k) = act(&app, &head, &den, json!({"action": "resolve", "decision_number": "05/KL-STP", "text": "Tố cáo đúng một phần"})).await;
    assert_eq!((k["result"].clone(), k["documents"].as_array().expect("docs").last().expect("doc")["kind"].clone()), (json!("on_time"), json!("ket_luan")));
    // Anonymous denunciations are not accepted as denunciations [R].
    let (s, anon) = post(&app, &office, "/api/v1/petitions", json!({"channel": "post", "petitioner": null, "content": "Tố cáo nặc danh", "items": [{"kind": "denunciation"}]})).await;
    assert_eq!((s, anon["anonymous"].clone(), anon["petitioner"].clone()), (StatusCode::CREATED, json!(true), Value::Null));
    let (s, e) = act(&app, &office, &id(&anon["items"][0]), json!({"action": "accept"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::CONFLICT, json!("petition_not_eligible")));
    let (s, f) = act(&app, &office, &id(&anon["items"][0]), json!({"action": "file", "reason": "Đơn nặc danh, dùng làm thông tin"})).await;
    assert_eq!((s, f["state"].clone(), f["documents"][0]["kind"].clone()), (StatusCode::OK, json!("filed"), json!("phieu_luu_don")));
});

http_test!(async fn regulation_feedback_runs_in_working_days_and_days_roll_over_tet(app) {
    // Thu 12/2/2026, the day before the Tết break (14–22/2).
    app.clock.set(datetime!(2026-02-12 09:00 +7));
    let office = app.token("vanphong").await;
    let (s, p) = post(&app, &office, "/api/v1/petitions", json!({
        "channel": "online", "petitioner": {"name": "Công ty TNHH Sông Hương", "address": "5 Hà Nội, Huế", "email": "phapche@songhuong.vn"},
        "content": "Phản ánh quy định về thành phần hồ sơ cấp phép xây dựng chưa rõ ràng",
        "items": [
            {"kind": "regulation_feedback"}, {"kind": "regulation_feedback", "content": "Kiến nghị bãi bỏ yêu cầu bản sao"},
            {"kind": "recommendation", "content": "Kiến nghị mở rộng giờ tiếp nhận"}, {"kind": "feedback", "content": "Phản ánh thái độ cán bộ"}
        ]
    })).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let it: Vec<String> = p["items"].as_array().expect("items").iter().map(id).collect();
    // Working days: 15 after Thu 12/2 skipping 14–22/2 → Thu 12/3; the clock runs from receipt.
    assert_eq!((p["items"][0]["deadline"].clone(), p["items"][0]["handling_deadline"].clone()), (json!("2026-03-12"), Value::Null));
    // Days: 10 after 12/2 = Sun 22/2 (Tết) → Mon 23/2.
    assert_eq!(p["items"][2]["handling_deadline"], "2026-02-23");
    assert_eq!(p["items"][3]["handling_deadline"], "2026-02-23");
    // Refusal within 2 working days: Fri 13/2, Mon 23/2.
    app.clock.set(datetime!(2026-02-23 15:00 +7));
    let (s, r) = act(&app, &office, &it[1], json!({"action": "refuse", "reason": "Không thuộc phạm vi quy định hành chính"})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!((r["state"].clone(), r["documents"][0]["stage"].clone(), r["documents"][0]["stage_deadline"].clone(), r["documents"][0]["on_time"].clone()), (json!("refused"), json!("refusal"), json!("2026-02-23"), json!(true)));
    // A supplement request within 5 working days (by Thu 26/2): on Fri 27/2 it is late.
    app.clock.set(datetime!(2026-02-27 09:00 +7));
    let (_, sup) = act(&app, &office, &it[0], json!({"action": "request_supplement", "text": "Đề nghị cung cấp số, ký hiệu văn bản"})).await;
    assert_eq!((sup["state"].clone(), sup["documents"][0]["stage_deadline"].clone(), sup["documents"][0]["on_time"].clone()), (json!("received"), json!("2026-02-26"), json!(false)));
    act(&app, &office, &it[0], json!({"action": "accept"})).await;
    // A recommendation accepted on Fri 27/2: 30 days [U] = Sun 29/3 → Mon 30/3.
    let (_, rec) = act(&app, &office, &it[2], json!({"action": "accept"})).await;
    assert_eq!((rec["deadline"].clone(), rec["documents"][0]["on_time"].clone()), (json!("2026-03-30"), json!(false)), "{rec}");
    app.clock.set(datetime!(2026-03-12 16:00 +7));
    let (s, done) = act(&app, &app.token("lanhdao").await, &it[0], json!({"action": "resolve", "decision_number": "88/UBND-KSTT", "text": "Tiếp thu, sửa đổi quy định"})).await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!((done["result"].clone(), done["documents"].as_array().expect("d").last().expect("d")["kind"].clone()), (json!("on_time"), json!("van_ban_tra_loi")));
    // The petitioner is told by email.
    let jobs = congso_db::jobs::unfinished(&app.app.db).await.expect("jobs");
    assert!(jobs.iter().any(|(k, p, _)| k == "send_email" && p.contains("phapche@songhuong.vn") && p.contains("88/UBND-KSTT")), "{jobs:?}");
    // Publication within 2 working days of the answer (by Mon 16/3): on Tue 17/3 it is late.
    app.clock.set(datetime!(2026-03-17 09:00 +7));
    let (_, pubd) = act(&app, &office, &it[0], json!({"action": "publish"})).await;
    let last = pubd["documents"].as_array().expect("d").last().expect("d").clone();
    assert_eq!((pubd["state"].clone(), last["stage_deadline"].clone(), last["on_time"].clone()), (json!("published"), json!("2026-03-16"), json!(false)));
    // Kind-specific actions: a recommendation is not refused or published.
    let (s, e) = act(&app, &office, &it[2], json!({"action": "refuse", "reason": "x"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::CONFLICT, json!("illegal_transition")));
    // Guiding a feedback late (after Mon 23/2) is recorded as late for the handling stage.
    let (_, g) = act(&app, &office, &it[3], json!({"action": "guide", "text": "Đề nghị gửi đến Sở Nội vụ"})).await;
    assert_eq!((g["state"].clone(), g["documents"][0]["kind"].clone(), g["documents"][0]["on_time"].clone()), (json!("guided"), json!("van_ban_huong_dan"), json!(false)));
});

http_test!(async fn illegal_and_unauthorised_requests_write_nothing(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let office = app.token("vanphong").await;
    let desk = app.token("motcua").await;
    let citizen = app.token("congdan").await;
    let spec = app.token("chuyenvien").await;
    let body = json!({"channel": "reception", "petitioner": petitioner("Phan Văn Đức", "046080009999"), "content": "Kiến nghị về trật tự đô thị", "items": [{"kind": "recommendation"}]});
    let before = written(&app).await;
    for token in [&desk, &citizen] {
        let (s, e) = post(&app, token, "/api/v1/petitions", body.clone()).await;
        assert_eq!((s, e["error"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")), "{e}");
        assert!(e["message"].as_str().expect("message").starts_with("Bạn không có quyền"));
    }
    let r = app.api(Method::POST, "/api/v1/petitions", None, Some(body.clone())).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let mut bad = body.clone();
    bad["channel"] = json!("fax");
    let (s, e) = post(&app, &office, "/api/v1/petitions", bad).await;
    assert_eq!((s, e["error"].clone(), e["detail"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_input"), json!("channel")));
    let mut bad = body.clone();
    bad["items"] = json!([{"kind": "recommendation"}, {"kind": "gossip"}]);
    let (s, e) = post(&app, &office, "/api/v1/petitions", bad).await;
    assert_eq!((s, e["detail"].clone()), (StatusCode::BAD_REQUEST, json!("kind")), "{e}");
    let mut bad = body.clone();
    bad["petitioner"]["id_number"] = json!("123");
    let (s, e) = post(&app, &office, "/api/v1/petitions", bad).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_cccd")));
    assert_eq!(written(&app).await, before, "nothing written");
    // A valid petition; then illegal actions.
    let (s, p) = post(&app, &office, "/api/v1/petitions", body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let item = id(&p["items"][0]);
    let before = written(&app).await;
    let (s, e) = act(&app, &office, &item, json!({"action": "resolve", "decision_number": "1", "text": "x"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::CONFLICT, json!("illegal_transition")));
    assert!(e["message"].as_str().expect("message").starts_with("Không thể thực hiện"), "{e}");
    let (s, e) = act(&app, &office, &item, json!({"action": "fly"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::CONFLICT, json!("illegal_transition")));
    let (s, e) = act(&app, &office, &item, json!({"action": "transfer"})).await;
    assert_eq!((s, e["detail"].clone()), (StatusCode::BAD_REQUEST, json!("recipient")));
    // Outsiders: the desk officer and a department's specialist do not see the Office's item.
    for token in [&desk, &spec, &citizen] {
        let (s, e) = act(&app, token, &item, json!({"action": "accept"})).await;
        assert_eq!((s, e["error"].clone()), (StatusCode::NOT_FOUND, json!("petition_not_found")));
        let r = app.api(Method::GET, &format!("/api/v1/petition-items/{item}"), Some(token), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let (s, _) = act(&app, &office, "not-a-uuid", json!({"action": "accept"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = post(&app, &spec, &format!("/api/v1/petitions/{}/items", id(&p)), json!({"kind": "feedback"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::NOT_FOUND, json!("petition_not_found")), "{e}");
    assert_eq!(written(&app).await, before, "nothing written");
    // Transfer closes the item; acting again is illegal.
    let (s, t) = act(&app, &office, &item, json!({"action": "transfer", "recipient": "Công an thành phố Huế", "number": "07/PC-VP"})).await;
    assert_eq!((s, t["state"].clone(), t["recipient"].clone(), t["documents"][0]["kind"].clone(), t["documents"][0]["number"].clone()), (StatusCode::OK, json!("transferred"), json!("Công an thành phố Huế"), json!("phieu_chuyen_don"), json!("07/PC-VP")));
    let (s, _) = act(&app, &office, &item, json!({"action": "accept"})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    // Splitting: an item added later; the inbox lists open items of the officer's units.
    let (s, extra) = post(&app, &office, &format!("/api/v1/petitions/{}/items", id(&p)), json!({"kind": "feedback", "content": "Phản ánh về lòng đường"})).await;
    assert_eq!((s, extra["seq"].clone()), (StatusCode::CREATED, json!(2)), "{extra}");
    let inbox = get(&app, &office, "/api/v1/petition-items").await;
    let ids: Vec<&str> = inbox.as_array().expect("list").iter().filter_map(|i| i["id"].as_str()).collect();
    assert!(ids.contains(&id(&extra).as_str()) && !ids.contains(&item.as_str()), "{inbox}");
    assert_eq!(get(&app, &spec, "/api/v1/petition-items").await, json!([]));
    let r = app.api(Method::GET, "/api/v1/petition-items", Some(&desk), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

http_test!(async fn repeated_petitions_are_marked_as_duplicates(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let office = app.token("vanphong").await;
    let who = petitioner("Ngô Thị Hạnh", "046175002222");
    let (_, first) = post(&app, &office, "/api/v1/petitions", json!({"channel": "post", "petitioner": who, "content": "Đề nghị giải quyết tranh chấp đất đai tại phường An Cựu giữa gia đình tôi và hộ bên cạnh"})).await;
    app.clock.set(datetime!(2026-03-20 09:00 +7));
    let (_, again) = post(&app, &office, "/api/v1/petitions", json!({"channel": "reception", "petitioner": who, "content": "ĐỀ NGHỊ GIẢI QUYẾT TRANH CHẤP ĐẤT ĐAI tại phường An Cựu giữa gia đình tôi và hộ bên cạnh!"})).await;
    assert_eq!(again["duplicate_of"], json!(id(&first)));
    let (_, third) = post(&app, &office, "/api/v1/petitions", json!({"channel": "online", "petitioner": who, "content": "de nghi giai quyet tranh chap dat dai tai phuong An Cuu giua gia dinh toi va ho ben canh"})).await;
    assert_eq!(third["duplicate_of"], json!(id(&first)), "folded, and pointing at the original");
    let (_, other) = post(&app, &office, "/api/v1/petitions", json!({"channel": "post", "petitioner": who, "content": "Phản ánh đèn chiếu sáng hỏng trên đường Hùng Vương"})).await;
    assert_eq!(other["duplicate_of"], Value::Null);
    let (_, someone) = post(&app, &office, "/api/v1/petitions", json!({"channel": "post", "petitioner": petitioner("Người khác", "046175003333"), "content": "Đề nghị giải quyết tranh chấp đất đai tại phường An Cựu giữa gia đình tôi và hộ bên cạnh"})).await;
    assert_eq!(someone["duplicate_of"], Value::Null, "another petitioner");
});

http_test!(async fn the_clock_table_is_a_setting(app) {
    use congso_domain::petition::{ClockTable, DayUnit, PetitionKind, Stage};
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let mut table = ClockTable::shipped();
    for r in &mut table.rules {
        if r.kind == PetitionKind::Complaint && r.stage == Stage::Handling {
            r.unit = DayUnit::WorkingDays; // "10 ngày làm việc" [U]
        }
    }
    let admin = app.actor("vanphong").await;
    let e = congso_app::petitions::set_clock_table(&app.app, &admin, table.clone()).await.expect_err("office staff");
    assert_eq!(e.code, congso_domain::ErrorCode::Forbidden);
    congso_app::petitions::set_clock_table(&app.app, &congso_app::Actor::system(), table).await.expect("set");
    let office = app.token("vanphong").await;
    let (_, p) = post(&app, &office, "/api/v1/petitions", json!({"channel": "post", "petitioner": null, "content": "Khiếu nại", "items": [{"kind": "complaint"}, {"kind": "feedback"}]})).await;
    assert_eq!(p["items"][0]["handling_deadline"], "2026-03-16", "10 working days");
    assert_eq!(p["items"][1]["handling_deadline"], "2026-03-12", "10 days");
});

http_test!(async fn the_reception_schedule_is_public_and_the_log_links_petitions(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let office = app.token("vanphong").await;
    let (s, d) = post(&app, &office, "/api/v1/reception/schedule", json!({"leader": "lanhdao", "day": "2026-03-16", "place": "Trụ sở Tiếp công dân, 16 Lê Lợi"})).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!((d["leader"].clone(), d["day"].clone()), (json!("Hoàng Văn Nam"), json!("2026-03-16")));
    let (s, _) = post(&app, &app.token("motcua").await, "/api/v1/reception/schedule", json!({"leader_name": "X", "day": "2026-03-17", "place": "Y"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let r = app.api(Method::GET, "/api/v1/reception/schedule?from=2026-03-01&to=2026-03-31", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    app.clock.set(datetime!(2026-03-16 08:30 +7));
    let (_, p) = post(&app, &office, "/api/v1/petitions", json!({"channel": "reception", "petitioner": petitioner("Võ Văn Tám", "046070001111"), "content": "Khiếu nại về bồi thường giải phóng mặt bằng", "items": [{"kind": "complaint"}]})).await;
    let (s, v) = post(&app, &office, "/api/v1/reception/log", json!({"schedule_id": id(&d), "visitor_name": "Võ Văn Tám", "visitor_id_number": "046070001111", "content": "Trình bày về bồi thường", "outcome": "Tiếp nhận đơn", "petition_id": id(&p)})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let log = get(&app, &office, "/api/v1/reception/log?from=2026-03-16&to=2026-03-16").await;
    assert_eq!((log[0]["petition_id"].clone(), log[0]["outcome"].clone()), (json!(id(&p)), json!("Tiếp nhận đơn")));
});

/// A generated item: who handles it and what happens when.
struct Plan {
    unit: &'static str,
    kind: &'static str,
    received: time::Date,
    /// (day, action) in order.
    steps: Vec<(time::Date, &'static str)>,
}

http_test!(async fn the_report_matches_an_independent_count(app) {
    use congso_app::petitions::{self as pt, ItemAction, NewItem, NewPetition};
    let leader = app.actor("lanhdao").await;
    let mut seed: u64 = 0x0dd5_eed5;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let days = |n: u64| time::Duration::days(i64::try_from(n).expect("small"));
    let mut plans = vec![];
    for _ in 0..36 {
        let unit = [JUSTICE, FINANCE][usize::try_from(next(2)).expect("small")];
        let kind = ["complaint", "denunciation", "feedback", "recommendation"][usize::try_from(next(4)).expect("small")];
        let received = date!(2026 - 01 - 05) + days(next(80));
        let h = received + days(next(9));
        let steps = match next(7) {
            0 => vec![],
            1 => vec![(h, "accept")],
            2 | 3 => vec![(h, "accept"), (h + days(next(50)), "resolve")],
            4 => vec![(h, "transfer")],
            5 => vec![(h, ["guide", "file"][usize::try_from(next(2)).expect("small")])],
            _ => vec![(h, "accept"), (h + days(next(40)), "withdraw")],
        };
        plans.push(Plan { unit, kind, received, steps });
    }
    // Every event in date order, the clock set to each day.
    let at = |d: time::Date| time::PrimitiveDateTime::new(d, time::macros::time!(10:00)).assume_offset(time::macros::offset!(+7));
    let mut events: Vec<(time::Date, usize, Option<&'static str>)> = vec![];
    for (i, p) in plans.iter().enumerate() {
        events.push((p.received, i, None));
        for (d, a) in &p.steps {
            events.push((*d, i, Some(*a)));
        }
    }
    events.sort_by_key(|(d, i, a)| (*d, *i, a.is_some()));
    let mut items = vec![uuid::Uuid::nil(); plans.len()];
    for (day, i, action) in events {
        app.clock.set(at(day));
        match action {
            None => {
                let who = congso_app::petitions::Petitioner { name: format!("Người gửi {i}"), ..Default::default() };
                let v = pt::create_petition(&app.app, &leader, NewPetition {
                    channel: "post".into(), petitioner: Some(who), content: format!("Đơn số {i}"), unit: Some(ROOT.into()),
                    items: vec![NewItem { kind: plans[i].kind.into(), unit: Some(plans[i].unit.into()), ..Default::default() }],
                }).await.expect("petition");
                items[i] = v.items[0].id;
            }
            Some(a) => {
                let input = ItemAction { action: a.into(), text: Some("Nội dung".into()), reason: Some("Lý do".into()), recipient: Some("Cơ quan khác".into()), decision_number: Some(format!("{i}/QĐ")), ..Default::default() };
                let r = pt::act(&app.app, &leader, items[i], input).await;
                // Anonymous denunciations cannot be accepted: such plans stay unhandled.
                match r {
                    Err(e) if e.code == congso_domain::ErrorCode::PetitionNotEligible => assert_eq!(plans[i].kind, "denunciation"),
                    Err(e) if e.code == congso_domain::ErrorCode::IllegalTransition => assert_eq!(plans[i].kind, "denunciation"),
                    r => { r.expect("act"); }
                }
            }
        }
    }
    // The independent count over [1/2, 31/3] as of 31/3, from the items' own dates.
    let (from, to) = (date!(2026 - 02 - 01), date!(2026 - 03 - 31));
    app.clock.set(datetime!(2026-04-20 09:00 +7));
    let office = app.token("vanphong").await;
    for unit in [None, Some(JUSTICE)] {
        let mut c: std::collections::BTreeMap<&str, u64> = Default::default();
        for (i, p) in plans.iter().enumerate() {
            if unit.is_some_and(|u| u != p.unit) {
                continue;
            }
            let v = pt::item(&app.app, &congso_app::Actor::system(), items[i]).await.expect("item").0;
            let closed = v.closed_on;
            if p.received > to || closed.is_some_and(|c| c < from) {
                continue;
            }
            *c.entry(if p.received >= from { "received_new" } else { "carried_over" }).or_default() += 1;
            let accepted = v.accepted_on.is_some_and(|a| a <= to);
            let key = match (closed.filter(|c| *c <= to), v.closed_as.as_deref()) {
                (Some(c), Some("resolved" | "withdrawn")) if accepted => if c <= v.deadline.expect("deadline") { "resolved_on_time" } else { "resolved_late" },
                (Some(_), Some("withdrawn")) => "withdrawn_before_acceptance",
                (Some(_), Some("transferred")) => "transferred",
                (Some(_), Some("guided")) => "guided",
                (Some(_), Some("filed")) => "filed",
                (Some(_), Some(k)) => panic!("unexpected {k}"),
                _ if accepted => if to <= v.deadline.expect("deadline") { "pending_within" } else { "pending_overdue" },
                _ => "unhandled",
            };
            *c.entry(key).or_default() += 1;
            if accepted {
                *c.entry("under_authority").or_default() += 1;
            }
        }
        let expected = c;
        let q = unit.map(|u| format!("&unit={u}")).unwrap_or_default();
        let r = get(&app, &office, &format!("/api/v1/reports/petitions?from=2026-02-01&to=2026-03-31{q}")).await;
        for key in ["received_new", "carried_over", "under_authority", "resolved_on_time", "resolved_late", "pending_within", "pending_overdue", "transferred", "guided", "filed", "withdrawn_before_acceptance", "unhandled"] {
            assert_eq!(r[key].as_u64(), Some(expected.get(key).copied().unwrap_or(0)), "{key} ({unit:?}): {r}");
        }
        let resolved = expected.get("resolved_on_time").copied().unwrap_or(0) + expected.get("resolved_late").copied().unwrap_or(0);
        let under = expected.get("under_authority").copied().unwrap_or(0);
        assert!(under > 0 && resolved > 0, "the generated set exercises the rate: {expected:?}");
        let rate = resolved as f64 / under as f64;
        assert!((r["resolution_rate"].as_f64().expect("rate") - rate).abs() < 1e-4, "{} vs {rate}", r["resolution_rate"]);
        assert_eq!(r["resolved"].as_u64(), Some(resolved));
        let by_kind: u64 = r["by_kind"].as_array().expect("kinds").iter().map(|k| k["received"].as_u64().expect("n")).sum();
        assert_eq!(Some(by_kind), r["received"].as_u64());
    }
    // The root's subtree is everything; a department head sees only their department.
    let all = get(&app, &office, "/api/v1/reports/petitions?from=2026-02-01&to=2026-03-31").await;
    let root = get(&app, &office, &format!("/api/v1/reports/petitions?from=2026-02-01&to=2026-03-31&unit={ROOT}")).await;
    assert_eq!(all["received"], root["received"]);
    let head = app.token("lanhdao.so").await;
    let r = app.api(Method::GET, "/api/v1/reports/petitions?from=2026-02-01&to=2026-03-31", Some(&head), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app.api(Method::GET, &format!("/api/v1/reports/petitions?from=2026-02-01&to=2026-03-31&unit={JUSTICE}"), Some(&head), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.api(Method::GET, "/api/v1/reports/petitions?from=2026-03-31&to=2026-02-01", Some(&office), None).await;
    assert_eq!(r.json()["error"], "invalid_date_range");
});

http_test!(async fn officers_receive_and_handle_petitions_with_forms(app) {
    use crate::helpers::PW;
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let mut office = app.browser();
    office.login("vanphong", PW).await;
    let home = office.get("/don-thu").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(home.body.contains("href=\"/don-thu\"") && home.body.contains("Không có đơn nào."));
    let form = office.get("/don-thu/tiep-nhan").await;
    assert_eq!(form.status, StatusCode::OK);
    let csrf = form.csrf();
    let bad = office.post_form("/don-thu/tiep-nhan", &[("csrf_token", &csrf), ("channel", "reception"), ("name", "Hồ Văn Lợi"), ("content", "")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Dữ liệu gửi lên không hợp lệ"), "{}", bad.body);
    let r = office.post_form("/don-thu/tiep-nhan", &[("csrf_token", &csrf), ("channel", "reception"), ("name", "Hồ Văn Lợi"), ("address", "Phường Phú Xuân"), ("id_number", ""), ("phone", ""), ("email", ""),
        ("content", "Khiếu nại việc thu hồi đất và kiến nghị làm đường"), ("item1_kind", "complaint"), ("item1_content", "Khiếu nại việc thu hồi đất"), ("item1_unit", ""),
        ("item2_kind", "recommendation"), ("item2_content", "Kiến nghị làm đường"), ("item2_unit", ""), ("item3_kind", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = office.get(r.location().expect("redirect")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Đã tiếp nhận đơn.") && page.body.contains("Khiếu nại việc thu hồi đất"));
    assert!(page.body.contains("12/03/2026"), "the handling deadline, dd/mm/yyyy");
    assert!(page.body.contains("id=\"form-accept\"") && !page.body.contains("id=\"form-extend\""));
    let item = r.location().expect("redirect").trim_start_matches("/don-thu/noi-dung/").split('?').next().expect("id").to_owned();
    let r = office.post_form(&format!("/don-thu/noi-dung/{item}/thao-tac"), &[("csrf_token", &page.csrf()), ("action", "accept"), ("number", "01/TB-VP")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = office.get(r.location().expect("redirect")).await;
    assert!(page.body.contains("Đã thụ lý, đang giải quyết") && page.body.contains("Thông báo thụ lý") && page.body.contains("01/TB-VP"), "{}", page.body);
    assert!(page.body.contains("Tiếp nhận, phân loại") && page.body.contains("Phạm Thị Lan"), "the timeline");
    let again = office.post_form(&format!("/don-thu/noi-dung/{item}/thao-tac"), &[("csrf_token", &page.csrf()), ("action", "accept")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("Không thể thực hiện thao tác này"));
    let inbox = office.get("/don-thu").await;
    assert!(inbox.body.contains(&format!("/don-thu/noi-dung/{item}")) && inbox.body.contains("Kiến nghị"));
    let report = office.get("/don-thu/bao-cao?tu=2026-03-01&den=2026-03-31").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert!(report.body.contains("Tỷ lệ giải quyết") && report.body.contains("0,00%"), "{}", report.body);
    // Reception: a day scheduled by the Office is public.
    let rec = office.get("/tiep-cong-dan").await;
    let r = office.post_form("/tiep-cong-dan/lich", &[("csrf_token", &rec.csrf()), ("day", "2026-03-16"), ("leader", "lanhdao"), ("leader_name", ""), ("place", "16 Lê Lợi"), ("note", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = office.post_form("/tiep-cong-dan/so", &[("csrf_token", &rec.csrf()), ("schedule_id", ""), ("visitor_name", "Hồ Văn Lợi"), ("visitor_id_number", ""), ("content", "Hỏi về đơn"), ("outcome", "Giải thích"), ("petition_id", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut public = app.browser();
    let p = public.get("/tiep-cong-dan").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("16/03/2026") && p.body.contains("Hoàng Văn Nam"), "{}", p.body);
    assert!(!p.body.contains("Sổ tiếp công dân") && !p.body.contains("Hồ Văn Lợi"), "the log is for officers");
    let r = public.get("/don-thu").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "sign in first");
    let mut desk = app.browser();
    desk.login("motcua", PW).await;
    assert_eq!(desk.get("/don-thu").await.status, StatusCode::FORBIDDEN);
});
