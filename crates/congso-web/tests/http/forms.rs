//! The official forms served over HTTP: Mẫu 01–05 as PDF read back with `pdftotext`, the tracking
//! book (Mẫu 06) read back with calamine, and who may download them.

use std::io::Cursor;

use axum::http::{StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use serde_json::json;
use time::macros::datetime;

use crate::dossiers::{PROC, ok, receive, setup};
use crate::helpers::{TestApp, pdf_text};
use crate::http_test;

#[track_caller]
fn has(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "missing {n:?} in:\n{text}");
    }
}

async fn pdf(app: &TestApp, token: &str, code: &str, n: u8) -> String {
    let (status, headers, bytes) = app
        .get_bytes(&format!("/dossiers/{code}/mau-0{n}.pdf"), Some(token))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "mau-0{n}: {}",
        String::from_utf8_lossy(&bytes)
    );
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    pdf_text(&bytes)
}

http_test!(async fn the_forms_of_a_dossier_print_what_its_timeline_recorded(app) {
    app.clock.set(datetime!(2026-02-13 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let head = app.token("lanhdao.so").await;
    let spec = app.token("chuyenvien").await;
    let code = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    // Before any supplement request or apology there is no Mẫu 02 or 04.
    let (status, _, body) = app.get_bytes(&format!("/dossiers/{code}/mau-02.pdf"), Some(&desk)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(String::from_utf8_lossy(&body).contains("form_not_available"));
    app.clock.set(datetime!(2026-02-13 10:00 +7));
    ok(&app, &desk, &code, json!({"action": "forward"})).await;
    app.clock.set(datetime!(2026-02-23 08:00 +7));
    ok(&app, &head, &code, json!({"action": "assign", "assignee": "chuyenvien"})).await;
    app.clock.set(datetime!(2026-02-23 09:00 +7));
    ok(&app, &spec, &code, json!({"action": "request_supplement", "reason": "Thiếu bản sao căn cước có chứng thực",
        "items": [{"name": "Bản sao căn cước", "originals": 0, "copies": 1}]})).await;
    app.clock.set(datetime!(2026-02-25 09:00 +7));
    ok(&app, &desk, &code, json!({"action": "supplement_received"})).await;
    app.clock.set(datetime!(2026-02-26 09:00 +7));
    ok(&app, &head, &code, json!({"action": "apologize", "reason": "Chờ ý kiến của cơ quan phối hợp",
        "new_appointment_at": "2026-03-10"})).await;
    app.clock.set(datetime!(2026-03-03 09:00 +7));
    ok(&app, &spec, &code, json!({"action": "submit_for_approval"})).await;
    ok(&app, &head, &code, json!({"action": "approve"})).await;
    app.clock.set(datetime!(2026-03-04 10:00 +7));
    ok(&app, &spec, &code, json!({"action": "finish"})).await;
    ok(&app, &desk, &code, json!({"action": "return_result"})).await;

    let m01 = pdf(&app, &desk, &code, 1).await;
    has(&m01, &[
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", &code, "Tiếp nhận hồ sơ của: Nguyễn Thị Hoa",
        "Cấp phiếu thử nghiệm một cửa", "Tờ khai", "05 ngày làm việc",
        "09 giờ 00 phút, ngày 13 tháng 02 năm 2026", "17 giờ 00 phút, ngày 27 tháng 02 năm 2026",
        "50.000 đồng", "Trần Thị Mai", "Huế, ngày 13 tháng 02 năm 2026",
    ]);
    let m02 = pdf(&app, &desk, &code, 2).await;
    has(&m02, &["PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", &code, "Thiếu bản sao căn cước có chứng thực",
        "Bản sao căn cước", "Nguyễn Văn Hùng", "ngày 23 tháng 02 năm 2026"]);
    let m04 = pdf(&app, &head, &code, 4).await;
    has(&m04, &["PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", &code, "Chờ ý kiến của cơ quan phối hợp",
        "ngày 10 tháng 3 năm 2026", "Lê Minh Tuấn", "GIÁM ĐỐC", "13/02/2026"]);
    let m05 = pdf(&app, &desk, &code, 5).await;
    has(&m05, &["PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", &code, "Giao:", "Nhận:", "Sở Tư pháp",
        "Trần Thị Mai", "Lê Minh Tuấn", "Nguyễn Văn Hùng", "Nguyễn Thị Hoa"]);
    // The department's first step (forwarded Fri 13/2 10:00, assigned Mon 23/2 08:00 after the
    // Tết break) is within its 24-hour budget; the specialist's step ran to 3/3 and is late.
    has(&m05, &["Trước hạn", "Quá hạn"]);
    // No refusal on this dossier.
    let (status, _, _) = app.get_bytes(&format!("/dossiers/{code}/mau-03.pdf"), Some(&desk)).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A dossier refused at the counter has its Mẫu 03.
    let refused = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    ok(&app, &desk, &refused, json!({"action": "refuse", "reason": "Thủ tục không thuộc thẩm quyền của cơ quan"})).await;
    let m03 = pdf(&app, &desk, &refused, 3).await;
    has(&m03, &["PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", &refused, "Thủ tục không thuộc thẩm quyền của cơ quan",
        "Nguyễn Thị Hoa", "Trần Thị Mai"]);
    // The Vietnamese alias of the path serves the same form; unknown form numbers are 404.
    let (status, _, _) = app.get_bytes(&format!("/ho-so/{refused}/mau-03.pdf"), Some(&desk)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = app.get_bytes(&format!("/dossiers/{refused}/mau-07.pdf"), Some(&desk)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

http_test!(async fn only_officers_of_the_dossier_and_its_applicant_may_download_forms(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let citizen = app.actor("congdan").await;
    let own = congso_app::dossiers::submit(&app.app, &citizen, congso_app::dossiers::NewDossier {
        procedure_code: PROC.into(), channel: "online".into(),
        applicant: congso_app::dossiers::Applicant { name: "Nguyễn Thị Hoa".into(), ..Default::default() },
        documents: vec![], receiving_unit: None, code: None, received_at: None,
    }).await.expect("submit").code;
    // Not accepted yet: no receipt to print.
    let (status, _, _) = app.get_bytes(&format!("/dossiers/{own}/mau-01.pdf"), Some(&desk)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    ok(&app, &desk, &own, json!({"action": "accept"})).await;
    let mine = app.token("congdan").await;
    let text = pdf(&app, &mine, &own, 1).await;
    has(&text, &[&own, "Nguyễn Thị Hoa", "17 giờ 00 phút, ngày 09 tháng 3 năm 2026"]);
    // The control sheet is internal.
    let (status, _, _) = app.get_bytes(&format!("/dossiers/{own}/mau-05.pdf"), Some(&mine)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Someone else's dossier is not found for the citizen.
    let other = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    let (status, _, _) = app.get_bytes(&format!("/dossiers/{other}/mau-01.pdf"), Some(&mine)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Without a login: to the login page, coming back afterwards.
    let (status, headers, _) = app.get_bytes(&format!("/dossiers/{other}/mau-01.pdf"), None).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers[header::LOCATION].to_str().expect("ascii").starts_with("/dang-nhap"), "{headers:?}");
    // The officer's browser session works too.
    let mut browser = app.browser();
    browser.login("motcua", crate::helpers::PW).await;
    let (status, bytes) = browser.get_bytes(&format!("/dossiers/{other}/mau-01.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    has(&pdf_text(&bytes), &[&other]);
});

http_test!(async fn the_tracking_book_lists_a_units_dossiers_for_a_period(app) {
    app.clock.set(datetime!(2026-03-02 09:00 +7));
    setup(&app).await;
    let desk = app.token("motcua").await;
    let first = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    ok(&app, &desk, &first, json!({"action": "forward"})).await;
    app.clock.set(datetime!(2026-03-03 09:00 +7));
    let second = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    app.clock.set(datetime!(2026-04-01 09:00 +7));
    let april = receive(&app, &desk, None).await["code"].as_str().expect("code").to_owned();
    let (status, headers, bytes) = app
        .get_bytes("/dossiers/so-theo-doi.xlsx?unit=000.01.01.H57&from=2026-03-01&to=2026-03-31", Some(&desk))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    assert!(headers[header::CONTENT_DISPOSITION].to_str().expect("ascii").contains(".xlsx"));
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an XLSX file");
    let sheet = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    let cells: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.iter().any(|c| c == "SỔ THEO DÕI HỒ SƠ"));
    assert!(cells.iter().any(|c| c == "Tháng 03 năm 2026"), "{cells:?}");
    let rows: Vec<&[Data]> = sheet.rows().filter(|r| r.iter().any(|c| c.to_string() == first || c.to_string() == second)).collect();
    assert_eq!(rows.len(), 2, "both March dossiers, in order");
    assert!(rows[0].iter().any(|c| c.to_string() == first));
    assert!(rows[0].iter().any(|c| *c == "Sở Tư pháp"), "the lead unit: {:?}", rows[0]);
    assert!(rows[0].iter().any(|c| matches!(c, Data::DateTime(_))), "dates are real dates");
    assert!(!cells.contains(&april), "April is outside the period");
    // Bad input and the wrong people.
    let (status, _, _) = app.get_bytes("/dossiers/so-theo-doi.xlsx?unit=000.01.01.H57&from=2026-03-31&to=2026-03-01", Some(&desk)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = app.get_bytes("/dossiers/so-theo-doi.xlsx?unit=000.01.01.H57&from=1/3/2026&to=2026-03-31", Some(&desk)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let spec = app.token("chuyenvien").await;
    let (status, _, _) = app.get_bytes("/dossiers/so-theo-doi.xlsx?unit=000.01.01.H57&from=2026-03-01&to=2026-03-31", Some(&spec)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
});
