//! Realistic sample forms, shared by the integration tests and the `forms_bench` example.
#![allow(dead_code)]

use congso_docs::forms::{
    Agency, Apology04, ControlSheet05, DocLine, Handover, Person, Receipt01, Refusal03,
    Supplement02, TrackingRow,
};
use time::macros::{date, datetime};

pub const CODE: &str = "000.01.01.H57-260213-0001";
pub const NAME: &str = "Nguyễn Thị Hoa";
pub const PROCEDURE: &str = "Thủ tục đăng ký khai sinh";
pub const URL: &str = "https://congso.example/tra-cuu/000.01.01.H57-260213-0001";

pub fn agency() -> Agency {
    Agency {
        parent: "UBND THÀNH PHỐ HUẾ".into(),
        name: "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG".into(),
        place: "Huế".into(),
    }
}

pub fn applicant() -> Person {
    Person {
        name: NAME.into(),
        address: Some(
            "Số 12 đường Lê Lợi, phường Phú Hội, thành phố Huế, tỉnh Thừa Thiên Huế".into(),
        ),
        phone: Some("0905 123 456".into()),
        email: Some("hoa.nguyen@example.vn".into()),
    }
}

fn doc(name: &str, originals: i64, copies: i64) -> DocLine {
    DocLine {
        name: name.into(),
        originals,
        copies,
    }
}

pub fn receipt() -> Receipt01 {
    Receipt01 {
        agency: agency(),
        number: Some("15/TNHS".into()),
        date: date!(2026 - 02 - 13),
        dossier_code: CODE.into(),
        applicant: applicant(),
        request: PROCEDURE.into(),
        documents: vec![
            doc("Tờ khai đăng ký khai sinh theo mẫu", 1, 0),
            doc("Giấy chứng sinh do cơ sở y tế cấp", 1, 0),
            doc("Căn cước của người đi đăng ký khai sinh", 0, 1),
            doc("Giấy chứng nhận kết hôn của cha, mẹ", 0, 1),
        ],
        sets: 1,
        legal_time: "10 ngày làm việc".into(),
        received_at: datetime!(2026-02-13 09:00),
        appointment_at: datetime!(2026-02-27 17:00),
        collect_at: "Trung tâm Phục vụ hành chính công thành phố Huế".into(),
        book_entry: Some("Quyển số 01, số thứ tự 15".into()),
        fee: Some("Miễn lệ phí".into()),
        officer: "Trần Văn Minh".into(),
        lookup_url: URL.into(),
    }
}

pub fn supplement() -> Supplement02 {
    Supplement02 {
        agency: agency(),
        number: Some("03/HDHS".into()),
        date: date!(2026 - 02 - 13),
        dossier_code: CODE.into(),
        applicant: applicant(),
        request: PROCEDURE.into(),
        items: vec![
            doc("Giấy chứng sinh do cơ sở y tế cấp", 1, 0),
            doc("Văn bản ủy quyền được chứng thực", 1, 0),
        ],
        reason: "Giấy chứng sinh nộp là bản chụp, không rõ dấu của cơ sở y tế; người đi đăng ký không phải cha, mẹ của trẻ.".into(),
        contact: "ông Trần Văn Minh, số điện thoại 0234 3822 123".into(),
        officer: "Trần Văn Minh".into(),
        lookup_url: URL.into(),
    }
}

pub fn refusal() -> Refusal03 {
    Refusal03 {
        agency: agency(),
        number: Some("01/TCHS".into()),
        date: date!(2026 - 02 - 13),
        dossier_code: CODE.into(),
        applicant: applicant(),
        request: PROCEDURE.into(),
        reasons: "Việc khai sinh cho trẻ đã được đăng ký tại Ủy ban nhân dân phường Phú Hội ngày 02/02/2026 (Giấy khai sinh số 45/2026).".into(),
        officer: "Trần Văn Minh".into(),
        lookup_url: URL.into(),
    }
}

pub fn apology() -> Apology04 {
    Apology04 {
        agency: Agency {
            parent: "UBND THÀNH PHỐ HUẾ".into(),
            name: "Phòng Tư pháp".into(),
            place: "Huế".into(),
        },
        number: Some("07/XL-TP".into()),
        date: date!(2026 - 02 - 26),
        applicant: applicant(),
        received_on: date!(2026 - 02 - 13),
        dossier_code: CODE.into(),
        request: PROCEDURE.into(),
        original_due: datetime!(2026-02-27 17:00),
        reason: "Cần xác minh thông tin về nơi cư trú của người mẹ tại địa phương khác.".into(),
        new_due: datetime!(2026-03-06 16:30),
        signer_title: "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG".into(),
        signer: "Lê Thị Thu Hương".into(),
        lookup_url: URL.into(),
    }
}

pub fn control_sheet() -> ControlSheet05 {
    ControlSheet05 {
        agency: agency(),
        dossier_code: CODE.into(),
        applicant: applicant(),
        procedure: PROCEDURE.into(),
        received_at: datetime!(2026-02-13 09:00),
        processing_unit: "Phòng Tư pháp thành phố Huế".into(),
        coordinating_units: Some("Công an phường Phú Hội".into()),
        rows: vec![
            Handover {
                unit: "1. Giao: Bộ phận Tiếp nhận và Trả kết quả\n2. Nhận: Phòng Tư pháp".into(),
                handed_at: datetime!(2026-02-13 10:30),
                giver: "Trần Văn Minh".into(),
                receiver: "Phạm Quốc Bảo".into(),
                result: Some("Trước hạn".into()),
                note: None,
            },
            Handover {
                unit: "1. Giao: Phòng Tư pháp\n2. Nhận: Lãnh đạo UBND".into(),
                handed_at: datetime!(2026-02-20 15:00),
                giver: "Phạm Quốc Bảo".into(),
                receiver: "Hoàng Đức Thắng".into(),
                result: Some("Đúng hạn".into()),
                note: Some("Trình ký".into()),
            },
            Handover {
                unit: "1. Giao: Lãnh đạo UBND\n2. Nhận: Bộ phận Tiếp nhận và Trả kết quả".into(),
                handed_at: datetime!(2026-03-02 08:15),
                giver: "Hoàng Đức Thắng".into(),
                receiver: "Trần Văn Minh".into(),
                result: Some("Quá hạn".into()),
                note: Some("Đã có phiếu xin lỗi".into()),
            },
        ],
        lookup_url: URL.into(),
    }
}

pub fn tracking_rows() -> Vec<TrackingRow> {
    vec![
        TrackingRow {
            number: 1,
            dossier_code: CODE.into(),
            procedure: PROCEDURE.into(),
            sets: 1,
            applicant: NAME.into(),
            contact: "Số 12 đường Lê Lợi, phường Phú Hội; 0905 123 456".into(),
            lead_unit: "Phòng Tư pháp".into(),
            received: Some(date!(2026 - 02 - 13)),
            appointment: Some(date!(2026 - 02 - 27)),
            forwarded: Some(date!(2026 - 02 - 13)),
            result_received: None,
            returned: None,
            note: Some("Đang giải quyết".into()),
        },
        TrackingRow {
            number: 2,
            dossier_code: "000.01.01.H57-260213-0002".into(),
            procedure: "Thủ tục đăng ký kết hôn".into(),
            sets: 2,
            applicant: "Lê Văn Đức".into(),
            contact: "0914 000 111".into(),
            lead_unit: "Phòng Tư pháp".into(),
            received: Some(date!(2026 - 02 - 13)),
            appointment: Some(date!(2026 - 02 - 16)),
            forwarded: Some(date!(2026 - 02 - 13)),
            result_received: Some(date!(2026 - 02 - 16)),
            returned: Some(date!(2026 - 02 - 16)),
            note: None,
        },
    ]
}
