//! Vietnamese text for search.
//!
//! People type without diacritics ("dang ky khai sinh"), with them ("đăng ký khai sinh"), in
//! capitals, or with the marks composed differently (NFC vs NFD, "hoà" vs "hòa" are the same word
//! to a reader). Ordinary accent stripping is not enough: `đ`/`Đ` is a letter of its own, not a
//! `d` with a combining mark, so Unicode decomposition leaves it alone.
//!
//! - [`fold_vi`]: lowercase, no tone or vowel marks, `đ`→`d` — the form both the index and the
//!   query are reduced to.
//! - [`exact_vi`]: lowercase NFC with marks kept — for ranking exact-accent matches first.
//! - [`tokens`]: the words of a folded string (letters and digits).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds Vietnamese text for matching: NFD, drop combining marks, `đ`→`d`, lowercase, and
/// collapse every run of whitespace to one space (trimmed).
///
/// ```
/// assert_eq!(congso_text::fold_vi("Đăng ký  KHAI SINH"), "dang ky khai sinh");
/// ```
pub fn fold_vi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            // Other letters Vietnamese users meet in names that decomposition does not reach.
            'ð' | 'Ð' => 'd',
            'ø' | 'Ø' => 'o',
            'ł' | 'Ł' => 'l',
            c => c,
        };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Lowercase NFC text with its marks, whitespace collapsed: the form used to recognise exact-accent
/// matches ("bán" is not "bản").
pub fn exact_vi(s: &str) -> String {
    let lower: String = s.nfc().flat_map(char::to_lowercase).collect();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words (runs of letters and digits) of already-folded or raw text, folded.
pub fn tokens(s: &str) -> Vec<String> {
    fold_vi(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Folded words joined by single spaces: the phrase form of a query.
pub fn phrase(s: &str) -> String {
    tokens(s).join(" ")
}

/// Exact-accent words joined by single spaces (punctuation removed).
pub fn exact_phrase(s: &str) -> String {
    exact_vi(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A URL slug: folded words joined by `-`.
pub fn slugify(s: &str) -> String {
    tokens(s).join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold_vi("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold_vi("ĐẤT ĐAI"), "dat dai");
        assert_eq!(
            fold_vi("Chứng thực bản sao từ bản chính"),
            "chung thuc ban sao tu ban chinh"
        );
        assert_eq!(
            fold_vi("Ủy ban nhân dân phường Vỹ Dạ"),
            "uy ban nhan dan phuong vy da"
        );
        assert_eq!(fold_vi("  thủ   tục\thành\nchính "), "thu tuc hanh chinh");
        // NFD input (as some keyboards and PDFs produce) folds the same.
        let nfd: String = "Hội đồng".nfd().collect();
        assert_eq!(fold_vi(&nfd), "hoi dong");
        // "hoà" and "hòa" (old and new tone placement) fold the same.
        assert_eq!(fold_vi("hoà"), fold_vi("hòa"));
    }

    #[test]
    fn exact_keeps_marks_but_not_case_or_form() {
        let nfd: String = "Đăng Ký".nfd().collect();
        assert_eq!(exact_vi(&nfd), "đăng ký");
        assert_ne!(exact_vi("bán"), exact_vi("bản"));
        assert_eq!(
            exact_phrase("Cấp giấy phép (xây dựng)!"),
            "cấp giấy phép xây dựng"
        );
    }

    #[test]
    fn tokens_and_slugs() {
        assert_eq!(
            tokens("Cấp GCN quyền sử dụng đất, lần đầu"),
            ["cap", "gcn", "quyen", "su", "dung", "dat", "lan", "dau"]
        );
        assert_eq!(slugify("Đăng ký kết hôn"), "dang-ky-ket-hon");
        assert_eq!(phrase("  1.001193 – khai sinh "), "1 001193 khai sinh");
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,60}") {
            let once = fold_vi(&s);
            prop_assert_eq!(fold_vi(&once), once.clone());
        }

        #[test]
        fn folded_text_has_no_marks_and_no_d_stroke(s in "[a-zA-ZàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđĐÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸ ]{0,60}") {
            let f = fold_vi(&s);
            prop_assert!(f.chars().all(|c| c.is_ascii_lowercase() || c == ' '), "{:?}", f);
        }

        #[test]
        fn ascii_is_only_lowercased(s in "[a-zA-Z0-9]{0,40}") {
            prop_assert_eq!(fold_vi(&s), s.to_lowercase());
        }
    }
}
