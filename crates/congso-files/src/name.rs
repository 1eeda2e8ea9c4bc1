//! Download names.

use unicode_normalization::UnicodeNormalization;

use crate::Kind;

/// The longest name returned, in characters, extension included.
const MAX_CHARS: usize = 120;
/// The stem used when nothing usable is left ("tệp" = "file").
const FALLBACK_STEM: &str = "tệp";

/// A safe download file name from the name a citizen's browser sent.
///
/// - Keeps Vietnamese letters (normalised to NFC, so a name typed on macOS reads the same).
/// - Keeps only the last path component (`C:\Users\…\Tờ khai.pdf` → `Tờ khai.pdf`), so no path
///   separator is left.
/// - Turns white space (tabs, line breaks too) into single spaces; drops other control
///   characters, invisible formatting characters (bidirectional overrides that make
///   `"hoso\u{202E}fdp.exe"` look like a PDF, zero-width spaces) and the characters Windows
///   refuses in names (`<>:"|?*`).
/// - Trims spaces and dots at both ends (no hidden `.file`, no trailing dot that Windows strips);
///   prefixes reserved device names (`CON`, `NUL`, `COM1`, …) with `_`.
/// - Ends with `.` + the kind's extension: kept when already there (any case; `.jpeg`/`.jpe` count
///   for JPEG), else appended (`scan.png` holding a PDF becomes `scan.png.pdf`).
/// - At most 120 characters: the stem is shortened, the extension kept.
pub fn safe_file_name(name: &str, kind: Kind) -> String {
    let name: String = name.nfc().collect();
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut cleaned = String::with_capacity(last.len());
    for c in last.chars() {
        if c.is_whitespace() {
            // Tabs and line breaks too: one plain space.
            if !cleaned.is_empty() && !cleaned.ends_with(' ') {
                cleaned.push(' ');
            }
        } else if !(c.is_control() || is_invisible(c) || "<>:\"|?*".contains(c)) {
            cleaned.push(c);
        }
    }
    // Dropping characters can leave combining marks out of canonical order: normalise again so
    // that cleaning a cleaned name changes nothing.
    let cleaned: String = cleaned.nfc().collect();
    let cleaned = trim(&cleaned);

    let (stem, extension) = match split_extension(cleaned, kind) {
        Some((stem, extension)) => (stem, extension.to_owned()),
        None => (cleaned, kind.extension().to_owned()),
    };
    let prefix = if is_reserved(stem) { "_" } else { "" };
    let room = MAX_CHARS.saturating_sub(prefix.len() + 1 + extension.chars().count());
    let stem: String = stem.chars().take(room).collect();
    let stem = trim(&stem);
    let stem = if stem.is_empty() { FALLBACK_STEM } else { stem };
    format!("{prefix}{stem}.{extension}")
}

/// `(stem, extension as written)` when `name` already ends with an extension of `kind`.
fn split_extension(name: &str, kind: Kind) -> Option<(&str, &str)> {
    let (stem, extension) = name.rsplit_once('.')?;
    let matches = extension.eq_ignore_ascii_case(kind.extension())
        || (kind == Kind::Jpeg
            && (extension.eq_ignore_ascii_case("jpeg") || extension.eq_ignore_ascii_case("jpe")));
    matches.then_some((stem, extension))
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c == '.' || c.is_whitespace())
}

/// Format characters that change how a name looks without being seen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Windows device names, which cannot be file names whatever the extension.
fn is_reserved(stem: &str) -> bool {
    let base = stem.split('.').next().unwrap_or_default().trim_end();
    let upper = base.to_ascii_uppercase();
    matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((upper.starts_with("COM") || upper.starts_with("LPT"))
            && upper.len() == 4
            && upper
                .as_bytes()
                .get(3)
                .is_some_and(|d| (b'1'..=b'9').contains(d)))
}
