//! Content sniffing and the upload policy.

use congso_files::{FileError, Kind, Policy, check, sniff};
use proptest::prelude::*;

use crate::fixtures::{self, Rng};

const ALL_FIVE: &str = "Chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX.";

fn refused(bytes: &[u8]) -> (Option<&'static str>, String) {
    match check(&Policy::default(), bytes) {
        Err(error @ FileError::Forbidden { detected, .. }) => (detected, error.message_vi()),
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

#[test]
fn detects_pdf() {
    assert_eq!(sniff(fixtures::PDF), Some(Kind::Pdf));
    assert_eq!(check(&Policy::default(), fixtures::PDF), Ok(Kind::Pdf));
}

#[test]
fn detects_pdf_with_bytes_before_the_header() {
    let mut bytes = b"\r\n\x00\x00junk from a scanner\r\n".to_vec();
    bytes.extend_from_slice(fixtures::PDF);
    assert_eq!(sniff(&bytes), Some(Kind::Pdf));
}

#[test]
fn detects_jpeg() {
    assert_eq!(sniff(fixtures::JPEG), Some(Kind::Jpeg));
}

#[test]
fn detects_png() {
    assert_eq!(sniff(fixtures::PNG), Some(Kind::Png));
}

#[test]
fn detects_docx_built_by_hand() {
    assert_eq!(sniff(&fixtures::docx()), Some(Kind::Docx));
}

#[test]
fn detects_xlsx_written_by_rust_xlsxwriter() {
    let xlsx = fixtures::xlsx();
    assert!(xlsx.starts_with(b"PK\x03\x04"));
    assert_eq!(sniff(&xlsx), Some(Kind::Xlsx));
}

#[test]
fn detects_docx_with_an_archive_comment() {
    let mut bytes = fixtures::docx();
    let comment = b"PK\x05\x06 a fake end record inside the comment";
    let len = bytes.len();
    bytes[len - 2..].copy_from_slice(&u16::try_from(comment.len()).expect("short").to_le_bytes());
    bytes.extend_from_slice(comment);
    assert_eq!(sniff(&bytes), Some(Kind::Docx));
}

#[test]
fn detects_docx_with_zip64_end_records() {
    let zip64 = fixtures::to_zip64(&fixtures::docx());
    assert_eq!(sniff(&zip64), Some(Kind::Docx));
    // A locator pointing nowhere: damaged.
    let mut broken = zip64.clone();
    let locator_offset = broken.len() - 22 - 20 + 8;
    broken[locator_offset..locator_offset + 8].copy_from_slice(&u64::MAX.to_le_bytes());
    assert_eq!(sniff(&broken), None);
    for len in 0..zip64.len() {
        let _ = sniff(&zip64[..len]);
    }
}

#[test]
fn content_decides_not_the_name() {
    // A PDF the citizen renamed "scan.png" is a PDF; an HTML page named "to-khai.pdf" is not.
    assert_eq!(check(&Policy::default(), fixtures::PDF), Ok(Kind::Pdf));
    assert_eq!(
        congso_files::safe_file_name("scan.png", Kind::Pdf),
        "scan.png.pdf"
    );
    assert_eq!(
        refused(b"<!DOCTYPE html><title>to-khai.pdf</title>").0,
        Some("HTML")
    );
}

#[test]
fn refuses_html() {
    let (detected, message) = refused(b"<!doctype html>\n<html><script>alert(1)</script></html>");
    assert_eq!(detected, Some("HTML"));
    assert_eq!(message, format!("Không nhận tệp loại HTML. {ALL_FIVE}"));
    assert_eq!(
        refused(b"  <HTML><BODY>%PDF-1.4</BODY></HTML>").0,
        Some("HTML")
    );
}

#[test]
fn refuses_svg() {
    let svg =
        br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#;
    assert_eq!(refused(svg).0, Some("SVG"));
}

#[test]
fn refuses_exe() {
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    exe.resize(512, 0);
    exe.extend_from_slice(b"%PDF-1.4 a polyglot");
    let (detected, message) = refused(&exe);
    assert_eq!(detected, Some("EXE"));
    assert!(message.contains("EXE"), "{message}");
}

#[test]
fn refuses_zip_without_ooxml_parts() {
    let plain = fixtures::zip(&[("readme.txt", b"hello"), ("word/document.xml", b"<x/>")]);
    assert_eq!(refused(&plain).0, Some("ZIP"));
    let no_main_part = fixtures::zip(&[("[Content_Types].xml", b"<Types/>"), ("a.xml", b"<a/>")]);
    assert_eq!(refused(&no_main_part).0, Some("ZIP"));
    let empty = fixtures::zip(&[]);
    assert_eq!(refused(&empty).0, Some("ZIP"));
}

#[test]
fn refuses_macro_enabled_and_other_office_packages() {
    let docm = fixtures::zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document/>"),
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
    ]);
    assert_eq!(refused(&docm).0, Some("DOCM"));
    let xlsm = fixtures::zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
    ]);
    assert_eq!(refused(&xlsm).0, Some("XLSM"));
    let pptx = fixtures::zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("ppt/presentation.xml", b"<p/>"),
    ]);
    assert_eq!(refused(&pptx).0, Some("PPTX"));
    let odt = fixtures::zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<office:document-content/>"),
    ]);
    assert_eq!(refused(&odt).0, Some("ODT"));
    // Both main parts: not a document Word or Excel would open as such.
    let both = fixtures::zip(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document/>"),
        ("xl/workbook.xml", b"<workbook/>"),
    ]);
    assert_eq!(refused(&both).0, Some("ZIP"));
}

#[test]
fn refuses_legacy_ole_doc() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(1536, 0);
    let (detected, message) = refused(&ole);
    assert_eq!(detected, Some("DOC/XLS"));
    assert_eq!(message, format!("Không nhận tệp loại DOC/XLS. {ALL_FIVE}"));
}

#[test]
fn refuses_unknown_and_damaged() {
    let (detected, message) = refused(b"just some text");
    assert_eq!(detected, None);
    assert_eq!(
        message,
        format!("Không nhận dạng được loại tệp hoặc tệp bị hỏng. {ALL_FIVE}")
    );
    let docx = fixtures::docx();
    assert_eq!(refused(&docx[..docx.len() - 1]).0, None);
}

#[test]
fn refuses_empty() {
    let error = check(&Policy::default(), b"").expect_err("empty");
    assert_eq!(error, FileError::Empty);
    assert_eq!(
        error.message_vi(),
        "Tệp rỗng (0 byte). Vui lòng chọn lại tệp."
    );
    assert_eq!(sniff(b""), None);
}

#[test]
fn one_byte_over_the_limit_is_refused_with_its_size() {
    let policy = Policy::default();
    let mut at_limit = fixtures::PDF.to_vec();
    at_limit.resize(usize::try_from(policy.max_bytes).expect("fits"), b'\n');
    assert_eq!(check(&policy, &at_limit), Ok(Kind::Pdf));

    let mut over = at_limit;
    over.push(b'\n');
    let error = check(&policy, &over).expect_err("too large");
    assert_eq!(
        error,
        FileError::TooLarge {
            max_bytes: 10_485_760,
            size: 10_485_761
        }
    );
    assert_eq!(
        error.message_vi(),
        "Tệp quá lớn: 10.485.761 byte, tối đa 10.485.760 byte."
    );
    assert_eq!(
        error.message_en(),
        "The file is too large: 10,485,761 bytes, at most 10,485,760 bytes."
    );
}

#[test]
fn size_messages_round_when_far_from_the_limit() {
    let error = FileError::TooLarge {
        max_bytes: Policy::DEFAULT_MAX_BYTES,
        size: 13_107_200,
    };
    assert_eq!(error.message_vi(), "Tệp quá lớn: 12,5 MB, tối đa 10 MB.");
    assert_eq!(
        error.message_en(),
        "The file is too large: 12.5 MB, at most 10 MB."
    );
    // The size is checked before the content is looked at.
    let policy = Policy {
        max_bytes: 1024,
        allowed: Kind::ALL.to_vec(),
    };
    let big = vec![b'x'; 1536];
    assert_eq!(
        check(&policy, &big).expect_err("too large").message_vi(),
        "Tệp quá lớn: 1,5 KB, tối đa 1 KB."
    );
}

#[test]
fn a_kind_outside_the_policy_is_refused() {
    let results_only = Policy {
        max_bytes: Policy::DEFAULT_MAX_BYTES,
        allowed: vec![Kind::Pdf],
    };
    assert_eq!(check(&results_only, fixtures::PDF), Ok(Kind::Pdf));
    let error = check(&results_only, fixtures::JPEG).expect_err("not a PDF");
    assert_eq!(
        error,
        FileError::Forbidden {
            detected: Some("JPEG"),
            allowed: vec![Kind::Pdf]
        }
    );
    assert_eq!(
        error.message_vi(),
        "Không nhận tệp loại JPEG. Chỉ nhận tệp PDF."
    );
    assert_eq!(
        error.message_en(),
        "JPEG files are not accepted. Only PDF files are accepted."
    );
    let images = Policy {
        max_bytes: Policy::DEFAULT_MAX_BYTES,
        allowed: vec![Kind::Jpeg, Kind::Png],
    };
    assert_eq!(
        check(&images, fixtures::PDF)
            .expect_err("not an image")
            .message_vi(),
        "Không nhận tệp loại PDF. Chỉ nhận tệp JPEG hoặc PNG."
    );
}

#[test]
fn english_messages() {
    let error = check(&Policy::default(), b"<html></html>").expect_err("html");
    assert_eq!(
        error.message_en(),
        "HTML files are not accepted. Only PDF, JPEG, PNG, DOCX or XLSX files are accepted."
    );
    assert_eq!(
        FileError::Store("disk full".into()).message_vi(),
        "Không lưu hoặc đọc được tệp. Vui lòng thử lại sau."
    );
    assert_eq!(
        FileError::Store("disk full".into()).to_string(),
        "file store: disk full"
    );
}

#[test]
fn prefixes_of_a_real_docx_never_panic_and_are_refused() {
    let docx = fixtures::docx();
    for len in 0..docx.len() {
        assert_eq!(sniff(&docx[..len]), None, "prefix of {len} bytes");
    }
    assert_eq!(sniff(&docx), Some(Kind::Docx));
    let xlsx = fixtures::xlsx();
    for len in 0..xlsx.len() {
        let _ = sniff(&xlsx[..len]);
    }
}

#[test]
fn damaged_docx_never_panics() {
    let docx = fixtures::docx();
    let mut rng = Rng::new(0x00C0_FFEE);
    for _ in 0..20_000 {
        let mut bytes = docx.clone();
        for _ in 0..=rng.below(8) {
            // Favour the central directory and end record, where the parser works.
            let at = if rng.below(2) == 0 {
                rng.below(bytes.len())
            } else {
                bytes.len() - 1 - rng.below(200)
            };
            bytes[at] = rng.bytes(1)[0];
        }
        let _ = sniff(&bytes);
        let _ = check(&Policy::default(), &bytes);
    }
}

#[test]
fn pseudo_random_buffers_never_panic() {
    let mut rng = Rng::new(42);
    let magics: [&[u8]; 8] = [
        b"",
        b"PK\x03\x04",
        b"%PDF-",
        b"\xff\xd8\xff",
        b"\x89PNG\r\n\x1a\n",
        b"MZ",
        b"<",
        b"\x00\x00\x00\x18ftyp",
    ];
    for round in 0..20_000 {
        let mut bytes = magics[round % magics.len()].to_vec();
        let len = rng.below(400);
        bytes.extend(rng.bytes(len));
        if round % 2 == 1 && bytes.starts_with(b"PK\x03\x04") {
            // A plausible end record with random counts, sizes and offsets.
            bytes.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00");
            bytes.extend(rng.bytes(12));
            bytes.extend_from_slice(&[0, 0]);
        }
        let _ = sniff(&bytes);
    }
}

proptest! {
    #[test]
    fn sniff_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = sniff(&bytes);
    }

    #[test]
    fn zip_like_input_never_panics(
        tail in proptest::collection::vec(any::<u8>(), 0..512),
        eocd in proptest::collection::vec(any::<u8>(), 18..40),
    ) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        bytes.extend_from_slice(b"PK\x05\x06");
        bytes.extend(eocd);
        let _ = sniff(&bytes);
    }

    #[test]
    fn check_agrees_with_sniff(bytes in proptest::collection::vec(any::<u8>(), 1..512)) {
        let policy = Policy::default();
        prop_assert_eq!(check(&policy, &bytes).ok(), sniff(&bytes));
    }
}
