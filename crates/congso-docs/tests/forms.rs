//! The one-stop forms, checked through the text a PDF reader extracts (`pdftotext`, Debian
//! `poppler-utils`), and the tracking book read back with calamine.

mod common;

use std::io::Cursor;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use common::{CODE, NAME, PROCEDURE};
use congso_docs::forms::{
    self, FormError, TRACKING_COLUMNS, apology_04, control_sheet_05, receipt_01, refusal_03,
    supplement_02, tracking_book_06,
};
use unicode_normalization::UnicodeNormalization;

const NATIONAL: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// The PDF's text as `pdftotext` extracts it (pages separated by form feeds).
fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = match Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
            "pdftotext is not installed: these tests need it. Install Debian's poppler-utils \
             (apt-get install -y poppler-utils)"
        ),
        Err(e) => panic!("could not run pdftotext: {e}"),
    };
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("pdftotext output is UTF-8")
}

/// Extraction normalisation: NFC, and every run of white space (line wraps, justification,
/// page breaks) as one space.
fn normalise(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The normalised text of a PDF, after checking it is one.
fn text_of(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    normalise(&pdftotext(pdf))
}

fn pages(pdf: &[u8]) -> usize {
    pdftotext(pdf).trim_end().matches('\u{c}').count() + 1
}

#[track_caller]
fn has(text: &str, needle: &str) {
    let needle = normalise(needle);
    assert!(
        text.contains(&needle),
        "missing {needle:?} in the extracted text:\n{text}"
    );
}

/// What every form shows: national header, title, code, applicant, QR caption.
#[track_caller]
fn common_parts(text: &str, title: &str) {
    has(text, NATIONAL);
    has(text, MOTTO);
    has(text, title);
    has(text, CODE);
    has(text, NAME);
    has(text, "Tra cứu hồ sơ");
}

#[test]
fn receipt_01_has_the_fields_of_mau_01() {
    let pdf = receipt_01(&common::receipt()).expect("render");
    let text = text_of(&pdf);
    common_parts(&text, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    for needle in [
        "UBND THÀNH PHỐ HUẾ",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG",
        "Số: 15/TNHS",
        "Huế, ngày 13 tháng 02 năm 2026",
        "(Liên 1: Lưu)",
        "(Liên 2: Giao khách hàng)",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hoa",
        "Địa chỉ: Số 12 đường Lê Lợi, phường Phú Hội",
        "Số điện thoại: 0905 123 456",
        "Email: hoa.nguyen@example.vn",
        "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
        "1. Thành phần hồ sơ nộp gồm:",
        "Giấy chứng nhận kết hôn của cha, mẹ",
        "Bản chính",
        "Bản sao",
        "2. Số lượng hồ sơ: 01 (bộ)",
        "3. Thời gian giải quyết hồ sơ theo quy định: 10 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 13 tháng 02 năm 2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 27 tháng 02 năm 2026",
        "6. Đăng ký nhận kết quả tại: Trung tâm Phục vụ hành chính công thành phố Huế",
        "Phí, lệ phí: Miễn lệ phí",
        "Vào Sổ theo dõi hồ sơ: Quyển số 01, số thứ tự 15",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "(Ký và ghi rõ họ tên)",
        "Trần Văn Minh",
    ] {
        has(&text, needle);
    }
    assert_eq!(pages(&pdf), 2, "one page per copy (liên)");
}

#[test]
fn receipt_01_blanks_for_missing_values() {
    let mut f = common::receipt();
    f.number = None;
    f.book_entry = None;
    f.fee = None;
    f.applicant.email = None;
    f.documents.clear();
    let text = text_of(&receipt_01(&f).expect("render"));
    has(&text, "Số: ……………………");
    has(&text, "Email: ……………………");
    has(&text, "Vào Sổ theo dõi hồ sơ, Quyển số: ……… Số thứ tự: ………");
    assert!(!text.contains("Phí, lệ phí"), "no fee line without a fee");
}

#[test]
fn supplement_02_has_the_fields_of_mau_02() {
    let text = text_of(&supplement_02(&common::supplement()).expect("render"));
    common_parts(&text, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ");
    for needle in [
        "Số: 03/HDHS",
        "Huế, ngày 13 tháng 02 năm 2026",
        "Tiếp nhận hồ sơ/yêu cầu của Ông/Bà: Nguyễn Thị Hoa",
        "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
        "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:",
        "Thành phần hồ sơ",
        "Văn bản ủy quyền được chứng thực",
        "Lý do: Giấy chứng sinh nộp là bản chụp",
        "liên hệ với ông Trần Văn Minh, số điện thoại 0234 3822 123 để được hướng dẫn./.",
        "NGƯỜI HƯỚNG DẪN",
        "(Ký và ghi rõ họ tên)",
    ] {
        has(&text, needle);
    }
}

#[test]
fn refusal_03_has_the_fields_of_mau_03() {
    let text = text_of(&refusal_03(&common::refusal()).expect("render"));
    common_parts(&text, "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ");
    for needle in [
        "Số: 01/TCHS",
        "Huế, ngày 13 tháng 02 năm 2026",
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hoa",
        "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
        "Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "ngày 02/02/2026 (Giấy khai sinh số 45/2026)",
        "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Minh",
    ] {
        has(&text, needle);
    }
}

#[test]
fn apology_04_has_the_fields_of_mau_04() {
    let text = text_of(&apology_04(&common::apology()).expect("render"));
    common_parts(&text, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ");
    for needle in [
        "PHÒNG TƯ PHÁP",
        "Số: 07/XL-TP",
        "Huế, ngày 26 tháng 02 năm 2026",
        "Kính gửi: Nguyễn Thị Hoa",
        "Ngày 13/02/2026, Phòng Tư pháp tiếp nhận giải quyết hồ sơ của Ông/Bà.",
        "Mã hồ sơ: 000.01.01.H57-260213-0001",
        "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
        "Thời hạn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 27 tháng 02 năm 2026",
        "Tuy nhiên đến nay, Phòng Tư pháp chưa trả kết quả giải quyết hồ sơ của Ông/Bà.",
        "Lý do: Cần xác minh thông tin về nơi cư trú",
        "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của Ông/Bà. Phòng Tư pháp xin lỗi Ông/Bà và sẽ trả kết quả giải quyết hồ sơ cho Ông/Bà vào: 16 giờ 30 phút, ngày 06 tháng 3 năm 2026",
        "KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG",
        "Lê Thị Thu Hương",
        "Nơi nhận:",
    ] {
        has(&text, needle);
    }
}

#[test]
fn control_sheet_05_has_each_handover() {
    let f = common::control_sheet();
    let text = text_of(&control_sheet_05(&f).expect("render"));
    common_parts(&text, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ");
    for needle in [
        "(Liên: Lưu tại Bộ phận Tiếp nhận và Trả kết quả)",
        "Kèm theo hồ sơ của: Nguyễn Thị Hoa",
        "Số điện thoại: 0905 123 456",
        "Nội dung yêu cầu giải quyết: Thủ tục đăng ký khai sinh",
        "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 13 tháng 02 năm 2026",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Phòng Tư pháp thành phố Huế",
        "Cơ quan phối hợp giải quyết hồ sơ: Công an phường Phú Hội",
        "TÊN CƠ QUAN",
        "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ",
        "GHI CHÚ",
    ] {
        has(&text, needle);
    }
    for row in &f.rows {
        has(&text, &row.unit);
        has(&text, &forms::text::datetime_words(row.handed_at));
        has(&text, &row.giver);
        has(&text, &row.receiver);
        if let Some(result) = &row.result {
            has(&text, result);
        }
        if let Some(note) = &row.note {
            has(&text, note);
        }
    }
    has(&text, "10 giờ 30 phút, ngày 13 tháng 02 năm 2026");
    has(&text, "08 giờ 15 phút, ngày 02 tháng 3 năm 2026");
}

/// Markup, code and math syntax in user data prints literally and changes nothing else.
#[test]
fn hostile_text_prints_literally() {
    let hostile = [
        r#"#eval("1")"#,
        "*bold* $x$ ]",
        "#set page(width: 2cm)",
        r"a\b _u_ <lbl> @ref",
        "} ) ] #{ [ // not a comment",
        r#"#read("/data.json")"#,
        "\"quoted\" 'single' `raw`",
        // (not ending in "-": pdftotext joins a line ending in a hyphen with the next one)
        "= Heading -- --- end",
        "#image(\"/qr.svg\")",
    ];
    let mut f = common::receipt();
    f.applicant.name = hostile[0].into();
    f.request = hostile[1].into();
    f.collect_at = hostile[2].into();
    f.applicant.address = Some(hostile[3].into());
    f.legal_time = hostile[4].into();
    f.fee = Some(hostile[5].into());
    f.officer = hostile[6].into();
    f.documents[0].name = hostile[7].into();
    f.book_entry = Some(hostile[8].into());
    let pdf = receipt_01(&f).expect("hostile data still renders");
    let text = text_of(&pdf);
    for h in hostile {
        has(&text, h);
    }
    assert!(!text.contains("Heading –"), "no smart dashes in data");
    assert_eq!(pages(&pdf), 2, "the injected set rule had no effect");

    let mut r = common::refusal();
    r.reasons = hostile.join("\n");
    r.agency.name = "#strong[x]".into();
    let text = text_of(&refusal_03(&r).expect("render"));
    for h in hostile {
        has(&text, h);
    }
    has(&text, "#STRONG[X]");
}

/// A decomposed (NFD) name renders the same text as the composed one.
#[test]
fn nfd_input_extracts_like_nfc() {
    let nfc = common::receipt();
    let mut nfd = nfc.clone();
    nfd.applicant.name = NAME.nfd().collect();
    nfd.request = PROCEDURE.nfd().collect();
    assert_ne!(nfd.applicant.name, NAME);
    let a = text_of(&receipt_01(&nfc).expect("render"));
    let b = text_of(&receipt_01(&nfd).expect("render"));
    has(&b, NAME);
    assert_eq!(a, b);
}

#[test]
fn rendering_is_deterministic() {
    let f = common::apology();
    assert_eq!(
        apology_04(&f).expect("render"),
        apology_04(&f).expect("render")
    );
}

#[test]
fn an_unencodable_lookup_url_is_an_error() {
    let mut f = common::refusal();
    f.lookup_url = "x".repeat(8000);
    assert!(matches!(refusal_03(&f), Err(FormError::Qr(_))));
}

#[test]
fn tracking_book_06_reads_back() {
    let rows = common::tracking_rows();
    let bytes =
        tracking_book_06(&common::agency(), "Tháng 02 năm 2026", &rows).expect("write book");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("open");
    let names = wb.sheet_names();
    assert_eq!(names, vec!["Sổ theo dõi hồ sơ".to_owned()]);
    let range = wb.worksheet_range(&names[0]).expect("sheet");
    let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let s = |r: u32, c: u32| match cell(r, c) {
        Data::String(s) => s,
        Data::Empty => String::new(),
        other => panic!("({r},{c}) is not text: {other:?}"),
    };
    assert_eq!(s(0, 0), "UBND THÀNH PHỐ HUẾ");
    assert_eq!(s(2, 0), "SỔ THEO DÕI HỒ SƠ");
    assert_eq!(s(3, 0), "Tháng 02 năm 2026");

    // Header: two rows; the five dates sit under "Ngày, tháng, năm".
    let (h1, h2, first) = (5, 6, 7);
    let header: Vec<String> = (0..14)
        .map(|c| {
            if (7..=11).contains(&c) {
                s(h2, c)
            } else {
                s(h1, c)
            }
        })
        .collect();
    assert_eq!(header, TRACKING_COLUMNS.map(str::to_owned).to_vec());
    assert_eq!(s(h1, 7), "Ngày, tháng, năm");
    assert_eq!(s(h1, 1), "Mã hồ sơ");
    assert_eq!(s(h2, 11), "Trả kết quả cho cá nhân, tổ chức");

    // First data row.
    assert_eq!(cell(first, 0), Data::Float(1.0));
    assert_eq!(s(first, 1), CODE);
    assert_eq!(s(first, 2), PROCEDURE);
    assert_eq!(cell(first, 3), Data::Float(1.0));
    assert_eq!(s(first, 4), NAME);
    assert_eq!(s(first, 6), "Phòng Tư pháp");
    let serial = |c: u32| match cell(first, c) {
        Data::DateTime(d) => Some(d.as_f64()),
        Data::Empty => None,
        other => panic!("column {c} is not a date: {other:?}"),
    };
    // Excel serials: 13/02/2026 = 46066, 27/02/2026 = 46080.
    let excel = |d: time::Date| (d - time::macros::date!(1899 - 12 - 30)).whole_days() as f64;
    assert_eq!(serial(7), Some(excel(time::macros::date!(2026 - 02 - 13))));
    assert_eq!(serial(7), Some(46066.0));
    assert_eq!(serial(8), Some(46080.0));
    assert_eq!(serial(10), None);
    assert_eq!(serial(11), None);
    assert_eq!(s(first, 13), "Đang giải quyết");
    // Second row: all five dates and no note.
    assert_eq!(s(first + 1, 4), "Lê Văn Đức");
    assert!(matches!(cell(first + 1, 11), Data::DateTime(_)));
    assert_eq!(range.height() as u32, first + 2);
}

#[test]
fn renders_concurrently() {
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let mut f = common::receipt();
                f.dossier_code = format!("000.01.01.H57-260213-000{i}");
                let pdf = receipt_01(&f).expect("render");
                (f.dossier_code, text_of(&pdf))
            })
        })
        .collect();
    for h in handles {
        let (code, text) = h.join().expect("thread");
        has(&text, &code);
    }
}
