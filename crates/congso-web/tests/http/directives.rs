//! Directive tracking through the API on both backends: the task lifecycle, extensions (before
//! and after the deadline), permissions, illegal actions, and the report checked against an
//! independent computation over a generated set.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use time::macros::{date, datetime};

use crate::helpers::TestApp;
use crate::http_test;

const JUSTICE: &str = "000.00.04.H57";

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let r = app.api(Method::POST, path, Some(token), Some(body)).await;
    let status = r.status;
    (status, r.json())
}

async fn directive(app: &TestApp, office: &str) -> String {
    let (s, d) = post(app, office, "/api/v1/directives", json!({
        "source": {"kind": "conclusion", "number": "125/TB-UBND", "date": "2026-03-02"},
        "leader": "lanhdao", "content": "Kết luận của Chủ tịch UBND thành phố tại cuộc họp giao ban tháng 3/2026"
    })).await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    d["id"].as_str().expect("id").to_owned()
}

http_test!(async fn a_task_is_assigned_reported_completed_confirmed_and_another_extended(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let office = app.token("vanphong").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    let leader = app.token("lanhdao").await;
    let id = directive(&app, &office).await;
    let (s, a) = post(&app, &office, &format!("/api/v1/directives/{id}/tasks"), json!({
        "lead_unit": JUSTICE, "coordinating_units": ["000.00.01.H57"], "content": "Rà soát thủ tục hành chính lĩnh vực tư pháp", "deadline": "2026-03-20"
    })).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    assert_eq!((a["state"].clone(), a["status"].clone(), a["deadline"].clone()), (json!("assigned"), json!("in_progress_within"), json!("2026-03-20")));
    // 10 working days from Mon 2/3/2026 → Mon 16/3.
    let (_, b) = post(&app, &office, &format!("/api/v1/directives/{id}/tasks"), json!({
        "lead_unit": JUSTICE, "content": "Báo cáo kết quả số hóa hồ sơ", "working_days": 10
    })).await;
    assert_eq!(b["deadline"], "2026-03-16");
    let (_, c) = post(&app, &office, &format!("/api/v1/directives/{id}/tasks"), json!({"lead_unit": JUSTICE, "content": "Không có hạn"})).await;
    assert_eq!(c["deadline"], "2026-04-13", "the default: 30 working days");
    let (a_id, b_id) = (a["id"].as_str().expect("id").to_owned(), b["id"].as_str().expect("id").to_owned());
    let act = |token: String, task: String, body: Value| {
        let app = &app;
        async move { post(app, &token, &format!("/api/v1/tasks/{task}/actions"), body).await }
    };
    // The specialist cannot assign; the head can; confirming before completion is illegal.
    let (s, e) = act(spec.clone(), a_id.clone(), json!({"action": "assign", "assignee": "chuyenvien"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")));
    let (s, _) = act(head.clone(), a_id.clone(), json!({"action": "assign", "assignee": "chuyenvien"})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = act(office.clone(), a_id.clone(), json!({"action": "confirm"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::CONFLICT, json!("illegal_transition")));
    // The co-operating Office reports progress too; the lead unit's percentage is what counts.
    let (s, p) = act(spec.clone(), a_id.clone(), json!({"action": "report_progress", "text": "Đã rà soát 40 thủ tục", "percent": 60})).await;
    assert_eq!((s, p["progress"].clone()), (StatusCode::OK, json!(60)));
    let (s, e) = act(spec.clone(), a_id.clone(), json!({"action": "report_progress", "percent": 70})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_input")), "a report needs its text");
    app.clock.set(datetime!(2026-03-19 15:00 +7));
    let (s, e) = act(office.clone(), a_id.clone(), json!({"action": "complete", "text": "Xong"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    let (_, done) = act(spec.clone(), a_id.clone(), json!({"action": "complete", "text": "Đã trình Quyết định công bố"})).await;
    assert_eq!((done["state"].clone(), done["status"].clone(), done["completed_on"].clone()), (json!("completed"), json!("completed_on_time"), json!("2026-03-19")));
    let (_, ok) = act(office.clone(), a_id.clone(), json!({"action": "confirm"})).await;
    assert_eq!((ok["state"].clone(), ok["status"].clone()), (json!("confirmed"), json!("completed_on_time")));
    // Task B: an extension asked and approved before its deadline (16/3) keeps it on time.
    app.clock.set(datetime!(2026-03-10 09:00 +7));
    let (s, e) = act(spec.clone(), b_id.clone(), json!({"action": "request_extension", "reason": "Chờ số liệu", "new_deadline": "2026-03-12"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_date")), "an extension moves the deadline later");
    let (_, r) = act(spec.clone(), b_id.clone(), json!({"action": "request_extension", "reason": "Chờ số liệu của các xã", "new_deadline": "2026-03-31"})).await;
    assert_eq!((r["state"].clone(), r["requested_deadline"].clone()), (json!("extension_requested"), json!("2026-03-31")));
    let (s, _) = act(head.clone(), b_id.clone(), json!({"action": "approve_extension"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "the department head does not decide extensions");
    let (s, x) = act(leader.clone(), b_id.clone(), json!({"action": "approve_extension"})).await;
    assert_eq!(s, StatusCode::OK, "{x}");
    assert_eq!((x["state"].clone(), x["deadline"].clone(), x["original_deadline"].clone()), (json!("assigned"), json!("2026-03-31"), json!("2026-03-16")));
    app.clock.set(datetime!(2026-03-20 09:00 +7));
    let list = app.api(Method::GET, "/api/v1/tasks?from=2026-03-01&to=2026-03-31&status=in_progress_within", Some(&office), None).await.json();
    let ids: Vec<&str> = list.as_array().expect("list").iter().filter_map(|t| t["id"].as_str()).collect();
    assert!(ids.contains(&b_id.as_str()), "B is within its extended deadline: {list}");
    // The directive shows both tasks.
    let d = app.api(Method::GET, &format!("/api/v1/directives/{id}"), Some(&leader), None).await.json();
    assert_eq!(d["tasks"].as_array().map(Vec::len), Some(3));
    assert_eq!(d["leader"], "lanhdao");
    // Every change appended an event; the chains verify.
    assert!(matches!(congso_db::events::verify(&app.app.db).await.expect("verify"), congso_db::events::Verification::Ok { .. }));
});

http_test!(async fn an_extension_approved_after_the_deadline_leaves_the_task_late(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let office = app.token("vanphong").await;
    let spec = app.token("chuyenvien").await;
    let leader = app.token("lanhdao").await;
    let id = directive(&app, &office).await;
    let (_, t) = post(&app, &office, &format!("/api/v1/directives/{id}/tasks"), json!({"lead_unit": JUSTICE, "content": "Kiểm tra", "deadline": "2026-03-10"})).await;
    let task = t["id"].as_str().expect("id").to_owned();
    app.clock.set(datetime!(2026-03-09 09:00 +7));
    post(&app, &spec, &format!("/api/v1/tasks/{task}/actions"), json!({"action": "request_extension", "reason": "Thiếu nhân lực", "new_deadline": "2026-03-25"})).await;
    app.clock.set(datetime!(2026-03-11 09:00 +7));
    let (s, x) = post(&app, &leader, &format!("/api/v1/tasks/{task}/actions"), json!({"action": "approve_extension"})).await;
    assert_eq!(s, StatusCode::OK, "{x}");
    assert_eq!((x["deadline"].clone(), x["status"].clone(), x["days_overdue"].clone()), (json!("2026-03-10"), json!("in_progress_overdue"), json!(1)));
    app.clock.set(datetime!(2026-03-20 09:00 +7));
    let (_, done) = post(&app, &spec, &format!("/api/v1/tasks/{task}/actions"), json!({"action": "complete", "text": "Xong"})).await;
    assert_eq!(done["status"], "completed_late");
});

http_test!(async fn the_report_matches_an_independent_count(app) {
    app.clock.set(datetime!(2026-01-05 08:00 +7));
    let system = congso_app::Actor::system();
    let office = app.token("vanphong").await;
    let units = ["000.00.04.H57", "000.00.02.H57", "000.00.03.H57"];
    // A deterministic plan: (unit, deadline day offset, completion day offset or none).
    let mut seed: u64 = 0x5eed;
    let mut next = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let as_of = date!(2026 - 04 - 30);
    let mut expected: std::collections::BTreeMap<&str, [u64; 4]> = Default::default();
    let mut plan = vec![];
    for i in 0..45u64 {
        let unit = units[usize::try_from(next(3)).expect("small")];
        let deadline = date!(2026 - 01 - 10) + time::Duration::days(i64::try_from(next(100)).expect("small"));
        let done = match next(3) {
            0 => None,
            _ => Some(date!(2026 - 01 - 06) + time::Duration::days(i64::try_from(next(120)).expect("small"))),
        };
        let done = done.filter(|d| *d <= as_of);
        // Independent classification: [on time, late, within, overdue].
        let slot = match done {
            Some(d) if d <= deadline => 0,
            Some(_) => 1,
            None if as_of <= deadline => 2,
            None => 3,
        };
        expected.entry(unit).or_insert([0; 4])[slot] += 1;
        plan.push((i, unit, deadline, done));
    }
    let d = congso_app::directives::create_directive(&app.app, &app.actor("vanphong").await, congso_app::directives::NewDirective { source_kind: "directive".into(), content: "Chỉ thị năm 2026".into(), ..Default::default() }).await.expect("directive");
    let mut ids = vec![];
    for (_, unit, deadline, _) in &plan {
        let t = congso_app::directives::add_task(&app.app, &system, d.id, congso_app::directives::NewTask {
            lead_unit: (*unit).into(), coordinating_units: vec![], content: "Nhiệm vụ".into(),
            deadline: congso_app::directives::Deadline::On(*deadline), priority: None, recurrence: None,
        }).await.expect("task");
        ids.push(t.id);
    }
    // Completions in date order, with the clock at each day.
    let mut order: Vec<(time::Date, uuid::Uuid)> = plan.iter().zip(&ids).filter_map(|(p, id)| p.3.map(|d| (d, *id))).collect();
    order.sort();
    for (day, id) in order {
        app.clock.set(time::PrimitiveDateTime::new(day, time::macros::time!(10:00)).assume_offset(time::macros::offset!(+7)));
        congso_app::directives::act(&app.app, &system, id, congso_app::directives::TaskAction { action: "complete".into(), text: Some("Xong".into()), ..Default::default() }).await.expect("complete");
    }
    app.clock.set(datetime!(2026-05-10 08:00 +7));
    let r = app.api(Method::GET, "/api/v1/reports/directives?from=2026-01-01&to=2026-04-30", Some(&office), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = r.json();
    let mut total = [0u64; 4];
    for (unit, counts) in &expected {
        let row = r["rows"].as_array().expect("rows").iter().find(|x| x["unit"]["code"] == *unit).expect("a row per unit");
        let got = [row["completed_on_time"].as_u64(), row["completed_late"].as_u64(), row["in_progress_within"].as_u64(), row["in_progress_overdue"].as_u64()]
            .map(|x| x.expect("count"));
        assert_eq!(&got, counts, "{unit}");
        for k in 0..4 { total[k] += counts[k]; }
    }
    let rate = (total[0] + total[1]) as f64 / (total[0] + total[1] + total[3]) as f64;
    assert!((r["total"]["completion_rate"].as_f64().expect("rate") - rate).abs() < 1e-4, "{} vs {rate}", r["total"]);
    assert_eq!(r["total"]["in_progress_overdue"].as_u64(), Some(total[3]));
    // The overdue filter lists exactly those.
    let overdue = app.api(Method::GET, "/api/v1/tasks?from=2026-01-01&to=2026-04-30&status=in_progress_overdue", Some(&office), None).await.json();
    assert_eq!(overdue.as_array().map(|a| a.len() as u64), Some(total[3]));
    // A specialist cannot see the whole city's report.
    let spec = app.token("chuyenvien").await;
    let r = app.api(Method::GET, "/api/v1/reports/directives?from=2026-01-01&to=2026-04-30", Some(&spec), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

http_test!(async fn reminders_fire_on_the_right_working_days_across_tet(app) {
    use congso_app::directives::{ReminderReport, remind};
    app.clock.set(datetime!(2026-02-02 09:00 +7));
    let office = app.token("vanphong").await;
    let id = directive(&app, &office).await;
    // Due Wed 25/2/2026, just after the Tết break (14–22/2).
    let (_, t) = post(&app, &office, &format!("/api/v1/directives/{id}/tasks"), json!({"lead_unit": JUSTICE, "content": "Tổng kết công tác cải cách hành chính", "deadline": "2026-02-25"})).await;
    let task = t["id"].as_str().expect("id").to_owned();
    let at = |d: time::OffsetDateTime| { app.clock.set(d); remind(&app.app) };
    let none = ReminderReport::default();
    assert_eq!(at(datetime!(2026-02-12 08:00 +7)).await.expect("sweep"), none, "Thu 12/2: 4 working days before");
    // 3 working days before 25/2 is Fri 13/2 (13 → 23, 24, 25), before the holiday.
    assert_eq!(at(datetime!(2026-02-13 08:00 +7)).await.expect("sweep").due_soon, 1);
    assert_eq!(at(datetime!(2026-02-13 16:00 +7)).await.expect("sweep"), none, "once");
    assert_eq!(at(datetime!(2026-02-17 08:00 +7)).await.expect("sweep"), none, "Tết: no reminders on days off");
    assert_eq!(at(datetime!(2026-02-23 08:00 +7)).await.expect("sweep"), none);
    assert_eq!(at(datetime!(2026-02-25 08:00 +7)).await.expect("sweep").due_today, 1);
    assert_eq!(at(datetime!(2026-02-26 08:00 +7)).await.expect("sweep").overdue, 1, "the day after: overdue");
    assert_eq!(at(datetime!(2026-02-27 08:00 +7)).await.expect("sweep"), none, "weekly");
    assert_eq!(at(datetime!(2026-02-28 08:00 +7)).await.expect("sweep"), none, "Saturday");
    assert_eq!(at(datetime!(2026-03-02 08:00 +7)).await.expect("sweep").overdue, 1, "next week");
    // The reminder jobs send emails to the head of the lead unit and log an event.
    let jobs = congso_db::jobs::unfinished(&app.app.db).await.expect("jobs");
    let reminders: Vec<_> = jobs.iter().filter(|(k, _, _)| k == congso_app::directives::TASK_REMINDER).collect();
    assert_eq!(reminders.len(), 4);
    let job: congso_app::directives::ReminderJob = serde_json::from_str(&reminders[0].1).expect("payload");
    assert_eq!(congso_app::directives::send_reminder(&app.app, &job).await.expect("send"), 1);
    let mails = congso_db::jobs::unfinished(&app.app.db).await.expect("jobs");
    assert!(mails.iter().any(|(k, p, _)| k == "send_email" && p.contains("lanhdao-so@demo.congso.vn") && p.contains("sắp đến hạn")), "{mails:?}");
    // The Office's written reminder is logged too; completing stops further reminders.
    let (s, r) = post(&app, &office, &format!("/api/v1/tasks/{task}/actions"), json!({"action": "remind", "text": "Đề nghị Sở Tư pháp báo cáo trước ngày 05/3/2026."})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let spec = app.token("chuyenvien").await;
    post(&app, &spec, &format!("/api/v1/tasks/{task}/actions"), json!({"action": "complete", "text": "Đã báo cáo"})).await;
    assert_eq!(at(datetime!(2026-03-09 08:00 +7)).await.expect("sweep"), none);
    assert_eq!(congso_app::directives::send_reminder(&app.app, &job).await.expect("send"), 0, "completed: nothing sent");
    let events: Vec<String> = {
        let mut tx = app.app.db.begin_read().await.expect("tx");
        let id = uuid::Uuid::parse_str(&task).expect("uuid");
        congso_db::events::for_subject(&mut tx, id).await.expect("events").into_iter().map(|e| e.action).collect()
    };
    assert_eq!(events, ["task.created", "reminded", "remind", "complete"]);
});

http_test!(async fn the_dashboard_counts_drills_down_and_exports(app) {
    use calamine::{Reader, Xlsx};
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let office = app.token("vanphong").await;
    let spec = app.token("chuyenvien").await;
    let id = directive(&app, &office).await;
    let mut tasks = vec![];
    for (content, deadline) in [("Nhiệm vụ A đúng hạn", "2026-03-10"), ("Nhiệm vụ B quá hạn", "2026-03-05"), ("Nhiệm vụ C", "2026-06-30")] {
        let (_, t) = post(&app, &office, &format!("/api/v1/directives/{id}/tasks"), json!({"lead_unit": JUSTICE, "content": content, "deadline": deadline})).await;
        tasks.push(t["id"].as_str().expect("id").to_owned());
    }
    post(&app, &spec, &format!("/api/v1/tasks/{}/actions", tasks[0]), json!({"action": "complete", "text": "Xong"})).await;
    app.clock.set(datetime!(2026-03-12 09:00 +7));
    let mut b = app.browser();
    b.login("vanphong", crate::helpers::PW).await;
    let page = b.get("/chi-dao?ky=quy&nam=2026&quy=1").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("15/12/2025 – 14/03/2026"), "the first quarter runs 15/12 → 14/3");
    // 1 completed, 1 overdue: 1 / (1 + 1) = 50%.
    assert!(page.body.contains("<strong>50,00%</strong>"), "{}", page.body);
    assert!(page.body.contains("Sở Tư pháp") && page.body.contains("Hoàng Văn Nam"), "by unit and by the directing leader");
    assert!(page.body.contains(&format!("/chi-dao/nhiem-vu/{}", tasks[1])) && page.body.contains("Nhiệm vụ B quá hạn"));
    assert!(!page.body.contains(&format!("/chi-dao/nhiem-vu/{}\"", tasks[2])), "C is not overdue");
    let t = b.get(&format!("/chi-dao/nhiem-vu/{}", tasks[1])).await;
    assert_eq!(t.status, StatusCode::OK);
    assert!(t.body.contains("Đang thực hiện, quá hạn") && t.body.contains("Giao nhiệm vụ"), "{}", t.body);
    let (status, bytes) = b.get_bytes("/chi-dao/bao-cao.xlsx?ky=quy&nam=2026&quy=1").await;
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("xlsx");
    let summary = book.worksheet_range("Tổng hợp").expect("summary");
    let justice = summary.rows().find(|r| r[0] == "Sở Tư pháp").expect("a row for the department");
    assert_eq!(justice[1].to_string(), "1", "on time");
    assert_eq!(justice[4].to_string(), "1", "overdue");
    assert_eq!(justice[7].to_string(), "50");
    let overdue = book.worksheet_range("Quá hạn").expect("overdue");
    assert!(overdue.rows().any(|r| r[1] == "Nhiệm vụ B quá hạn" && r[4] == calamine::Data::Float(7.0)));
    // Bad periods are refused; a specialist sees neither the dashboard nor another unit's task.
    assert_eq!(b.get("/chi-dao?ky=quy&nam=2026&quy=7").await.status, StatusCode::BAD_REQUEST);
    let mut s = app.browser();
    s.login("chuyenvien", crate::helpers::PW).await;
    assert_eq!(s.get("/chi-dao").await.status, StatusCode::FORBIDDEN);
    assert_eq!(s.get(&format!("/chi-dao/nhiem-vu/{}", tasks[1])).await.status, StatusCode::OK, "the lead unit's own task");
});

http_test!(async fn a_generated_year_of_2500_directives_is_counted_right(app) {
    app.clock.set(datetime!(2026-12-20 09:00 +7));
    let (units, leader) = {
        let mut tx = app.app.db.begin_read().await.expect("tx");
        let all = congso_db::repo::units::list(&mut tx, Some(date!(2026 - 12 - 01))).await.expect("units");
        let leads: Vec<uuid::Uuid> = all.iter().filter(|u| matches!(u.kind.as_str(), "department" | "ward_committee" | "commune_committee")).map(|u| u.id).collect();
        let leader = congso_db::repo::users::by_username(&mut tx, "lanhdao").await.expect("q").expect("leader").id;
        (leads, leader)
    };
    let as_of = date!(2026 - 12 - 14);
    let plan = congso_app::directives::generate_year(&app.app, 2026, 2_500, &units, Some(leader), as_of, 2026).await.expect("generate");
    assert!((5_500..=6_500).contains(&plan.len()), "about 6,000 tasks: {}", plan.len());
    // Independent computation, from the plan only.
    let mut want: std::collections::HashMap<uuid::Uuid, [u64; 5]> = Default::default();
    for p in &plan {
        let slot = if p.cancelled { 4 } else {
            match p.completed_on {
                Some(d) if d <= p.deadline => 0,
                Some(_) => 1,
                None if as_of <= p.deadline => 2,
                None => 3,
            }
        };
        want.entry(p.lead_unit).or_insert([0; 5])[slot] += 1;
    }
    let office = app.token("vanphong").await;
    let r = app.api(Method::GET, "/api/v1/reports/directives?from=2025-12-15&to=2026-12-14", Some(&office), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let r = r.json();
    let code_of: std::collections::HashMap<String, uuid::Uuid> = {
        let mut tx = app.app.db.begin_read().await.expect("tx");
        congso_db::repo::units::list(&mut tx, None).await.expect("units").into_iter().map(|u| (u.code, u.id)).collect()
    };
    let rows = r["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), want.len());
    let mut total = [0u64; 5];
    for row in rows {
        let id = code_of[row["unit"]["code"].as_str().expect("code")];
        let got = ["completed_on_time", "completed_late", "in_progress_within", "in_progress_overdue", "cancelled"].map(|k| row[k].as_u64().expect("count"));
        assert_eq!(got, want[&id], "{}", row["unit"]["code"]);
        for k in 0..5 { total[k] += got[k]; }
    }
    let rate = (total[0] + total[1]) as f64 / (total[0] + total[1] + total[3]) as f64;
    assert!((r["total"]["completion_rate"].as_f64().expect("rate") - (rate * 10_000.0).round() / 10_000.0).abs() < 1e-9);
    assert_eq!(r["total"]["in_progress_overdue"].as_u64(), Some(total[3]));
    // The dashboard page shows the same total.
    let mut b = app.browser();
    b.login("vanphong", crate::helpers::PW).await;
    let page = b.get("/chi-dao?ky=nam&nam=2026").await;
    assert!(page.body.contains(&format!("<dd id=\"dir-overdue-count\">{}</dd>", total[3])), "overdue count on the page");
});

http_test!(async fn the_office_gives_tasks_and_units_act_on_their_pages(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let mut office = app.browser();
    office.login("vanphong", crate::helpers::PW).await;
    let form = office.get("/chi-dao/giao-viec").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Sở Tư pháp"));
    // Without a task: refused in Vietnamese, nothing written.
    let before = app.event_count().await;
    let r = office.post_form("/chi-dao/giao-viec", &[("csrf_token", &form.csrf()), ("source_kind", "conclusion"), ("content", "Kết luận")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(app.event_count().await, before);
    let r = office.post_form("/chi-dao/giao-viec", &[("csrf_token", &form.csrf()), ("source_kind", "conclusion"), ("source_number", "12/TB-UBND"),
        ("source_date", "2026-03-02"), ("leader", "lanhdao"), ("content", "Kết luận giao ban"),
        ("task1_unit", JUSTICE), ("task1_content", "Nhiệm vụ một"), ("task1_deadline", "2026-03-20"),
        ("task2_unit", JUSTICE), ("task2_content", "Nhiệm vụ hai"), ("task2_deadline", "2026-03-25")]).await;
    assert_eq!((r.status, r.location()), (StatusCode::SEE_OTHER, Some("/chi-dao?ok=giao-viec")), "{}", r.body);
    let tasks = app.api(Method::GET, "/api/v1/tasks?from=2026-03-01&to=2026-03-31", Some(&app.token("vanphong").await), None).await.json();
    let id = tasks.as_array().expect("tasks").iter().find(|t| t["content"] == "Nhiệm vụ một").expect("task one")["id"].as_str().expect("id").to_owned();
    // The department head sees the assign form (not the confirm form) and assigns.
    let mut head = app.browser();
    head.login("lanhdao.so", crate::helpers::PW).await;
    let page = head.get(&format!("/chi-dao/nhiem-vu/{id}")).await;
    assert!(page.body.contains("id=\"form-assign\"") && !page.body.contains("id=\"form-confirm\""), "{}", page.body);
    let r = head.post_multipart(&format!("/chi-dao/nhiem-vu/{id}/thao-tac"), &[("csrf_token", &page.csrf()), ("action", "assign"), ("assignee", "chuyenvien")], &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut spec = app.browser();
    spec.login("chuyenvien", crate::helpers::PW).await;
    let page = spec.get(&format!("/chi-dao/nhiem-vu/{id}")).await;
    let r = spec.post_multipart(&format!("/chi-dao/nhiem-vu/{id}/thao-tac"), &[("csrf_token", &page.csrf()), ("action", "report_progress"), ("text", "Đã xong 50%"), ("percent", "150")], &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("alert-error"));
    // A disguised file is refused with the report, and nothing is kept.
    let r = spec.post_multipart(&format!("/chi-dao/nhiem-vu/{id}/thao-tac"), &[("csrf_token", &page.csrf()), ("action", "report_progress"), ("text", "Đã xong 50%"), ("percent", "50")],
        &[("files", "bao-cao.pdf", b"<html>not a pdf</html>")]).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let evidence = crate::helpers::tiny_pdf("bao-cao-tien-do");
    let r = spec.post_multipart(&format!("/chi-dao/nhiem-vu/{id}/thao-tac"), &[("csrf_token", &page.csrf()), ("action", "report_progress"), ("text", "Đã xong 50%"), ("percent", "50")],
        &[("files", "báo cáo tiến độ.pdf", &evidence)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = spec.get(r.location().expect("back")).await;
    assert!(after.body.contains("50%") && after.body.contains("Đã xong 50%") && after.body.contains("✓ Báo cáo tiến độ"), "{}", after.body);
    assert!(after.body.contains("báo cáo tiến độ.pdf"), "the evidence is listed");
    let link = after.body.split(&format!("/chi-dao/nhiem-vu/{id}/tep/")).nth(1).and_then(|x| x.split('"').next()).expect("a file link").to_owned();
    let (status, bytes) = spec.get_bytes(&format!("/chi-dao/nhiem-vu/{id}/tep/{link}")).await;
    assert_eq!((status, bytes), (StatusCode::OK, evidence));
    let mut citizen = app.browser();
    citizen.login("congdan", crate::helpers::PW).await;
    let (status, _) = citizen.get_bytes(&format!("/chi-dao/nhiem-vu/{id}/tep/{link}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not for outsiders");
});

http_test!(async fn closing_a_unit_moves_its_open_tasks_to_the_successor(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    let admin = app.token("admin").await;
    for (code, name) in [("000.00.81.H57", "Sở cũ"), ("000.00.82.H57", "Sở mới")] {
        let r = app.api(Method::POST, "/api/v1/units", Some(&admin), Some(json!({"code": code, "name": name, "kind": "department", "parent": "000.00.00.H57", "valid_from": "2026-01-01"}))).await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let office = app.token("vanphong").await;
    let id = directive(&app, &office).await;
    let mut ids = vec![];
    for content in ["Đang làm", "Đã xong"] {
        let (_, t) = post(&app, &office, &format!("/api/v1/directives/{id}/tasks"), json!({"lead_unit": "000.00.81.H57", "content": content, "deadline": "2026-03-30"})).await;
        ids.push(t["id"].as_str().expect("id").to_owned());
    }
    let system = congso_app::Actor::system();
    congso_app::directives::act(&app.app, &system, uuid::Uuid::parse_str(&ids[1]).expect("id"),
        congso_app::directives::TaskAction { action: "complete".into(), text: Some("Xong".into()), ..Default::default() }).await.expect("complete");
    let close = app.api(Method::POST, "/api/v1/units/000.00.81.H57/close", Some(&admin), Some(json!({"valid_to": "2026-03-03", "successors": [{"code": "000.00.82.H57", "relation": "merge"}]}))).await;
    assert_eq!(close.status, StatusCode::OK, "{}", close.body);
    let d = app.api(Method::GET, &format!("/api/v1/directives/{id}"), Some(&office), None).await.json();
    let units: Vec<(String, String)> = d["tasks"].as_array().expect("tasks").iter()
        .map(|t| (t["content"].as_str().unwrap_or_default().to_owned(), t["lead_unit"]["code"].as_str().unwrap_or_default().to_owned())).collect();
    assert_eq!(units, [("Đang làm".to_owned(), "000.00.82.H57".to_owned()), ("Đã xong".to_owned(), "000.00.81.H57".to_owned())],
        "the open task moves, the completed one stays with the unit that did it");
    assert_eq!(d["tasks"][0]["deadline"], "2026-03-30", "deadline kept");
});

http_test!(async fn a_monthly_report_is_given_again_when_completed(app) {
    app.clock.set(datetime!(2026-01-05 09:00 +7));
    let office = app.token("vanphong").await;
    let spec = app.token("chuyenvien").await;
    let id = directive(&app, &office).await;
    let (s, e) = post(&app, &office, &format!("/api/v1/directives/{id}/tasks"), json!({"lead_unit": JUSTICE, "content": "Báo cáo", "deadline": "2026-01-31", "recurrence": "weekly"})).await;
    assert_eq!((s, e["error"].clone()), (StatusCode::BAD_REQUEST, json!("invalid_input")));
    let (_, t) = post(&app, &office, &format!("/api/v1/directives/{id}/tasks"), json!({
        "lead_unit": JUSTICE, "content": "Báo cáo tình hình thi hành pháp luật hằng tháng", "deadline": "2026-01-31", "recurrence": "monthly", "priority": "high"
    })).await;
    assert_eq!((t["priority"].clone(), t["recurrence"].clone()), (json!("high"), json!("monthly")));
    app.clock.set(datetime!(2026-01-30 09:00 +7));
    let (_, done) = post(&app, &spec, &format!("/api/v1/tasks/{}/actions", t["id"].as_str().expect("id")), json!({"action": "complete", "text": "Đã gửi báo cáo tháng 1"})).await;
    assert_eq!(done["status"], "completed_on_time");
    let d = app.api(Method::GET, &format!("/api/v1/directives/{id}"), Some(&office), None).await.json();
    let deadlines: Vec<&str> = d["tasks"].as_array().expect("tasks").iter().filter_map(|t| t["deadline"].as_str()).collect();
    assert_eq!(deadlines, ["2026-01-31", "2026-02-28"], "the February report is given, due on the month's last day");
    assert_eq!(d["tasks"][1]["state"], "assigned");
    assert_eq!(congso_app::directives::next_deadline(date!(2026 - 11 - 30), "quarterly"), Some(date!(2027 - 02 - 28)));
});
