//! Download names.

use congso_files::{Kind, safe_file_name};
use proptest::prelude::*;

#[test]
fn path_traversal_keeps_the_last_component() {
    assert_eq!(safe_file_name("../../etc/passwd", Kind::Pdf), "passwd.pdf");
    assert_eq!(
        safe_file_name(r"C:\Users\An\Desktop\Đơn đề nghị.docx", Kind::Docx),
        "Đơn đề nghị.docx"
    );
    assert_eq!(safe_file_name("/", Kind::Pdf), "tệp.pdf");
    assert_eq!(safe_file_name("..", Kind::Png), "tệp.png");
}

#[test]
fn vietnamese_names_are_kept() {
    assert_eq!(safe_file_name("Tờ khai.pdf", Kind::Pdf), "Tờ khai.pdf");
    assert_eq!(
        safe_file_name("Giấy chứng nhận quyền sử dụng đất.PDF", Kind::Pdf),
        "Giấy chứng nhận quyền sử dụng đất.PDF"
    );
    // macOS sends decomposed letters (NFD): the result is composed (NFC).
    let decomposed = "To\u{31b}\u{300} khai.pdf";
    assert_eq!(safe_file_name(decomposed, Kind::Pdf), "Tờ khai.pdf");
}

#[test]
fn extension_is_ensured() {
    assert_eq!(safe_file_name("Tờ khai", Kind::Pdf), "Tờ khai.pdf");
    assert_eq!(safe_file_name("scan.png", Kind::Pdf), "scan.png.pdf");
    assert_eq!(safe_file_name("ảnh CCCD.jpeg", Kind::Jpeg), "ảnh CCCD.jpeg");
    assert_eq!(safe_file_name("ảnh CCCD.JPG", Kind::Jpeg), "ảnh CCCD.JPG");
    assert_eq!(safe_file_name("bảng kê.xlsx", Kind::Xlsx), "bảng kê.xlsx");
    assert_eq!(safe_file_name("", Kind::Docx), "tệp.docx");
    assert_eq!(safe_file_name(".pdf", Kind::Pdf), "pdf.pdf");
}

#[test]
fn control_and_invisible_characters_are_dropped() {
    assert_eq!(safe_file_name("Tờ\tkhai\r\n.pdf", Kind::Pdf), "Tờ khai.pdf");
    assert_eq!(
        safe_file_name("a\u{0}b\u{7}c\u{1b}[31m.pdf", Kind::Pdf),
        "abc[31m.pdf"
    );
    // A right-to-left override would show "hosoexe.pdf" as "hosofdp.exe"-like text.
    assert_eq!(
        safe_file_name("hoso\u{202E}fdp.exe", Kind::Pdf),
        "hosofdp.exe.pdf"
    );
    assert_eq!(
        safe_file_name("a\u{200B}b\u{FEFF}.pdf", Kind::Pdf),
        "ab.pdf"
    );
    assert_eq!(
        safe_file_name("a<b>c:d\"e|f?g*h.pdf", Kind::Pdf),
        "abcdefgh.pdf"
    );
}

#[test]
fn dots_spaces_and_device_names() {
    assert_eq!(safe_file_name("  .hidden.pdf  ", Kind::Pdf), "hidden.pdf");
    assert_eq!(safe_file_name("hồ sơ...  ", Kind::Pdf), "hồ sơ.pdf");
    assert_eq!(safe_file_name("hồ    sơ.pdf", Kind::Pdf), "hồ sơ.pdf");
    assert_eq!(safe_file_name("CON.pdf", Kind::Pdf), "_CON.pdf");
    assert_eq!(safe_file_name("com1", Kind::Pdf), "_com1.pdf");
    assert_eq!(safe_file_name("COM10.pdf", Kind::Pdf), "COM10.pdf");
    assert_eq!(safe_file_name("Console.pdf", Kind::Pdf), "Console.pdf");
}

#[test]
fn very_long_names_are_shortened_keeping_the_extension() {
    let long = format!("{}.pdf", "a".repeat(500));
    let name = safe_file_name(&long, Kind::Pdf);
    assert_eq!(name.chars().count(), 120);
    assert!(name.ends_with("a.pdf"));

    // Characters, not bytes: "ệ" is 3 bytes in UTF-8.
    let name = safe_file_name(&"ệ".repeat(300), Kind::Docx);
    assert_eq!(name.chars().count(), 120);
    assert_eq!(name, format!("{}.docx", "ệ".repeat(115)));

    // A cut that lands on a space or dot does not leave it before the extension.
    let spaced = format!("{} tail", "b".repeat(115));
    assert_eq!(
        safe_file_name(&spaced, Kind::Pdf),
        format!("{}.pdf", "b".repeat(115))
    );
}

proptest! {
    #[test]
    fn always_safe(name in "\\PC{0,300}|[./\\\\ \t\u{0}-\u{1f}a-zà-ỹ]{0,300}") {
        for kind in Kind::ALL {
            let safe = safe_file_name(&name, kind);
            prop_assert!(safe.chars().count() <= 120, "{safe:?}");
            prop_assert!(!safe.contains(['/', '\\']), "{safe:?}");
            prop_assert!(!safe.chars().any(char::is_control), "{safe:?}");
            prop_assert!(!safe.starts_with(['.', ' ']), "{safe:?}");
            let lower = safe.to_lowercase();
            let extension_ok = lower.ends_with(&format!(".{}", kind.extension()))
                || (kind == Kind::Jpeg && (lower.ends_with(".jpeg") || lower.ends_with(".jpe")));
            prop_assert!(extension_ok, "{safe:?}");
            prop_assert_eq!(safe_file_name(&safe, kind), safe.clone(), "idempotent");
        }
    }
}

#[test]
fn dropping_a_character_between_combining_marks_stays_idempotent() {
    // Found by `always_safe`: removing `*` leaves two combining marks out of canonical order.
    let once = safe_file_name("\u{c55}*\u{16af0}", Kind::Pdf);
    assert_eq!(safe_file_name(&once, Kind::Pdf), once);
}
