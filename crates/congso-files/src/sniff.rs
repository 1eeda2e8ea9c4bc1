//! Content sniffing: the type of a file from its bytes. Never panics: every read is bounds-checked
//! (`get`, checked arithmetic), and the work is bounded by the input's length.

use crate::Kind;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const OLE_SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
/// Readers accept the `%PDF-` header anywhere in the first 1024 bytes (some scanners and mail
/// gateways put a few bytes before it).
const PDF_WINDOW: usize = 1024;

/// The kind of `bytes`, decided by content only; `None` for anything else (legacy DOC/XLS, HTML,
/// SVG, executables, plain or damaged ZIPs, macro-enabled DOCM/XLSM, …).
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    match classify(bytes) {
        Class::Accepted(kind) => Some(kind),
        Class::Other(_) | Class::Unknown => None,
    }
}

/// What a file looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// One of the five accepted kinds.
    Accepted(Kind),
    /// Recognised but never accepted; the label names it in messages ("HTML", "EXE", …).
    Other(&'static str),
    Unknown,
}

pub(crate) fn classify(bytes: &[u8]) -> Class {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Class::Accepted(Kind::Jpeg);
    }
    if bytes.starts_with(&PNG_SIGNATURE) {
        return Class::Accepted(Kind::Png);
    }
    if bytes.starts_with(b"%PDF-") {
        return Class::Accepted(Kind::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip::classify(bytes);
    }
    // A known signature at the start wins over a `%PDF-` further in: an EXE or HTML page that
    // also carries a PDF header (a polyglot) is refused.
    if let Some(label) = other_signature(bytes) {
        return Class::Other(label);
    }
    if let Some(label) = markup(bytes) {
        return Class::Other(label);
    }
    let window = bytes.get(..PDF_WINDOW).unwrap_or(bytes);
    if window.windows(5).any(|w| w == b"%PDF-") {
        return Class::Accepted(Kind::Pdf);
    }
    Class::Unknown
}

/// Formats refused outright, named for the message.
fn other_signature(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"MZ", "EXE"),
        (b"\x7fELF", "ELF"),
        (&OLE_SIGNATURE, "DOC/XLS"),
        (b"GIF87a", "GIF"),
        (b"GIF89a", "GIF"),
        (b"Rar!\x1a\x07", "RAR"),
        (b"7z\xbc\xaf\x27\x1c", "7Z"),
        (b"\x1f\x8b", "GZIP"),
        (b"PK\x05\x06", "ZIP"),
        (b"PK\x07\x08", "ZIP"),
        (b"{\\rtf", "RTF"),
        (b"#!", "SCRIPT"),
        (b"II*\x00", "TIFF"),
        (b"MM\x00*", "TIFF"),
        (b"\xca\xfe\xba\xbe", "Mach-O"),
        (b"\xcf\xfa\xed\xfe", "Mach-O"),
        (b"\xce\xfa\xed\xfe", "Mach-O"),
    ];
    if let Some((_, label)) = SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Some(label);
    }
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some("WEBP");
    }
    // ISO base media: HEIC photos from phones, AVIF, MP4/MOV videos.
    if bytes.get(4..8) == Some(b"ftyp") {
        return Some(match bytes.get(8..12) {
            Some(b"heic" | b"heix" | b"hevc" | b"hevx" | b"mif1" | b"msf1") => "HEIC",
            Some(b"avif" | b"avis") => "AVIF",
            _ => "MP4",
        });
    }
    None
}

/// Text starting with `<` (after a UTF-8 byte order mark and white space): HTML, SVG or XML.
/// Browsers would render it, so it is never accepted whatever else it contains.
fn markup(bytes: &[u8]) -> Option<&'static str> {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace())?;
    let text = text.get(start..)?;
    if !text.starts_with(b"<") {
        return None;
    }
    let head = text.get(..PDF_WINDOW).unwrap_or(text);
    let has = |needle: &[u8]| {
        head.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    Some(if has(b"<svg") {
        "SVG"
    } else if has(b"<?xml") && !has(b"<html") {
        "XML"
    } else {
        "HTML"
    })
}

/// OOXML packages (DOCX, XLSX) are ZIP archives; the central directory names their parts.
mod zip {
    use super::Class;
    use crate::Kind;

    const EOCD_SIGNATURE: &[u8; 4] = b"PK\x05\x06";
    const EOCD_LEN: usize = 22;
    const ZIP64_LOCATOR_SIGNATURE: &[u8; 4] = b"PK\x06\x07";
    const ZIP64_LOCATOR_LEN: usize = 20;
    const ZIP64_EOCD_SIGNATURE: &[u8; 4] = b"PK\x06\x06";
    const ENTRY_SIGNATURE: &[u8; 4] = b"PK\x01\x02";
    const ENTRY_LEN: usize = 46;

    pub(super) fn classify(bytes: &[u8]) -> Class {
        let mut content_types = false;
        let mut word = false;
        let mut excel = false;
        let mut powerpoint = false;
        let mut macros = false;
        let mut open_document = false;
        let walked = for_each_name(bytes, |name| {
            content_types |= name.eq_ignore_ascii_case(b"[Content_Types].xml");
            word |= name.eq_ignore_ascii_case(b"word/document.xml");
            excel |= name.eq_ignore_ascii_case(b"xl/workbook.xml");
            powerpoint |= name.eq_ignore_ascii_case(b"ppt/presentation.xml");
            macros |= ends_with_ignore_case(name, b"vbaProject.bin");
            open_document |= name == b"mimetype";
        });
        if walked.is_none() {
            // Truncated or damaged: nothing can be said about the parts.
            return Class::Unknown;
        }
        match (content_types, word, excel) {
            (true, true, false) if macros => Class::Other("DOCM"),
            (true, false, true) if macros => Class::Other("XLSM"),
            (true, true, false) => Class::Accepted(Kind::Docx),
            (true, false, true) => Class::Accepted(Kind::Xlsx),
            (true, false, false) if powerpoint => Class::Other("PPTX"),
            _ if open_document => Class::Other(open_document_label(bytes)),
            _ => Class::Other("ZIP"),
        }
    }

    /// OpenDocument keeps its MIME type as the first entry, stored: the local header (30 bytes)
    /// and the name "mimetype" (8) come first.
    fn open_document_label(bytes: &[u8]) -> &'static str {
        let value = bytes.get(38..).unwrap_or_default();
        if value.starts_with(b"application/vnd.oasis.opendocument.text") {
            "ODT"
        } else if value.starts_with(b"application/vnd.oasis.opendocument.spreadsheet") {
            "ODS"
        } else {
            "ODF"
        }
    }

    fn ends_with_ignore_case(name: &[u8], suffix: &[u8]) -> bool {
        name.len() >= suffix.len()
            && name
                .get(name.len() - suffix.len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
    }

    /// Calls `f` with the name of every entry of the central directory, in order. `None` when the
    /// archive is malformed (no end record, a directory outside the data, a broken entry, fewer
    /// entries than announced).
    pub(super) fn for_each_name(bytes: &[u8], mut f: impl FnMut(&[u8])) -> Option<()> {
        let eocd = find_eocd(bytes)?;
        let mut count = u64::from(le16(bytes, eocd + 10)?);
        let mut size = u64::from(le32(bytes, eocd + 12)?);
        let mut offset = u64::from(le32(bytes, eocd + 16)?);
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            (count, size, offset) = zip64(bytes, eocd)?;
        }
        let start = usize::try_from(offset).ok()?;
        let end = start.checked_add(usize::try_from(size).ok()?)?;
        let directory = bytes.get(start..end)?;
        let mut pos = 0usize;
        for _ in 0..count {
            let header = directory.get(pos..pos.checked_add(ENTRY_LEN)?)?;
            if !header.starts_with(ENTRY_SIGNATURE) {
                return None;
            }
            let name_len = usize::from(le16(header, 28)?);
            let extra_len = usize::from(le16(header, 30)?);
            let comment_len = usize::from(le16(header, 32)?);
            let name_start = pos + ENTRY_LEN;
            f(directory.get(name_start..name_start.checked_add(name_len)?)?);
            pos = name_start
                .checked_add(name_len)?
                .checked_add(extra_len)?
                .checked_add(comment_len)?;
            if pos > directory.len() {
                return None;
            }
        }
        Some(())
    }

    /// The position of the end of central directory record: the last signature, searching back
    /// over at most a maximal comment, whose comment fits in the data.
    fn find_eocd(bytes: &[u8]) -> Option<usize> {
        let last = bytes.len().checked_sub(EOCD_LEN)?;
        let first = last.saturating_sub(usize::from(u16::MAX));
        (first..=last).rev().find(|&at| {
            bytes.get(at..at + 4) == Some(EOCD_SIGNATURE.as_slice())
                && le16(bytes, at + 20)
                    .is_some_and(|comment| at + EOCD_LEN + usize::from(comment) <= bytes.len())
        })
    }

    /// (entries, directory size, directory offset) from the ZIP64 end record.
    fn zip64(bytes: &[u8], eocd: usize) -> Option<(u64, u64, u64)> {
        let locator = eocd.checked_sub(ZIP64_LOCATOR_LEN)?;
        if bytes.get(locator..locator + 4)? != ZIP64_LOCATOR_SIGNATURE {
            return None;
        }
        let record = usize::try_from(le64(bytes, locator + 8)?).ok()?;
        if bytes.get(record..record.checked_add(4)?)? != ZIP64_EOCD_SIGNATURE {
            return None;
        }
        Some((
            le64(bytes, record.checked_add(32)?)?,
            le64(bytes, record.checked_add(40)?)?,
            le64(bytes, record.checked_add(48)?)?,
        ))
    }

    fn le16(bytes: &[u8], at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(
            bytes.get(at..at.checked_add(2)?)?.try_into().ok()?,
        ))
    }

    fn le32(bytes: &[u8], at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(
            bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
        ))
    }

    fn le64(bytes: &[u8], at: usize) -> Option<u64> {
        Some(u64::from_le_bytes(
            bytes.get(at..at.checked_add(8)?)?.try_into().ok()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_other_formats() {
        assert_eq!(classify(b"MZ\x90\x00"), Class::Other("EXE"));
        assert_eq!(classify(&OLE_SIGNATURE), Class::Other("DOC/XLS"));
        assert_eq!(classify(b"\n  <!DOCTYPE html><html>"), Class::Other("HTML"));
        assert_eq!(
            classify(b"\xef\xbb\xbf<?xml version=\"1.0\"?><svg xmlns=\"\">"),
            Class::Other("SVG")
        );
        assert_eq!(
            classify(b"<?xml version=\"1.0\"?><a/>"),
            Class::Other("XML")
        );
        assert_eq!(
            classify(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"),
            Class::Other("HEIC")
        );
        assert_eq!(classify(b"PK\x05\x06"), Class::Other("ZIP"));
        assert_eq!(classify(b"hello"), Class::Unknown);
    }

    #[test]
    fn pdf_header_after_junk_but_not_in_a_polyglot() {
        let mut junk = vec![b' '; 100];
        junk.extend_from_slice(b"%PDF-1.7\n");
        assert_eq!(sniff(&junk), Some(Kind::Pdf));
        let mut late = vec![b'x'; PDF_WINDOW];
        late.extend_from_slice(b"%PDF-1.7\n");
        assert_eq!(sniff(&late), None);
        assert_eq!(sniff(b"MZ\x00\x00%PDF-1.7"), None);
        assert_eq!(sniff(b"<html>%PDF-1.7"), None);
    }

    #[test]
    fn tiny_inputs() {
        for input in [
            &b""[..],
            b"P",
            b"PK",
            b"PK\x03",
            b"PK\x03\x04",
            b"\xff\xd8",
            b"%PDF",
        ] {
            assert_eq!(sniff(input), None, "{input:?}");
        }
        assert_eq!(sniff(b"\xff\xd8\xff"), Some(Kind::Jpeg));
    }
}
