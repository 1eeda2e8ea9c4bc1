//! User-interface text in Vietnamese (default) and English, from `messages/{vi,en}.txt` compiled
//! into the binary. Error messages come from `congso_domain::ErrorCode::message`.

use std::collections::HashMap;
use std::sync::OnceLock;

use congso_domain::Lang;

/// The text of one language.
#[derive(Debug)]
pub struct Messages {
    lang: Lang,
    map: HashMap<&'static str, &'static str>,
}

/// Parses `key = value` lines; `#` starts a comment line.
pub fn parse(src: &'static str) -> HashMap<&'static str, &'static str> {
    src.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

pub const VI_SOURCE: &str = include_str!("../messages/vi.txt");
pub const EN_SOURCE: &str = include_str!("../messages/en.txt");

/// The messages of `lang`.
pub fn messages(lang: Lang) -> &'static Messages {
    static VI: OnceLock<Messages> = OnceLock::new();
    static EN: OnceLock<Messages> = OnceLock::new();
    match lang {
        Lang::Vi => VI.get_or_init(|| Messages {
            lang,
            map: parse(VI_SOURCE),
        }),
        Lang::En => EN.get_or_init(|| Messages {
            lang,
            map: parse(EN_SOURCE),
        }),
    }
}

impl Messages {
    /// The text for `key` (the key itself if missing, so a gap is visible, never a crash).
    pub fn get<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        self.map.get(key).copied().unwrap_or(key)
    }

    /// The text for `key` with `{name}` placeholders filled.
    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.map.get(key).copied().unwrap_or(key).to_owned();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_languages_have_the_same_keys() {
        let vi: BTreeSet<_> = parse(VI_SOURCE).into_keys().collect();
        let en: BTreeSet<_> = parse(EN_SOURCE).into_keys().collect();
        assert!(vi.len() > 50);
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(
            only_vi.is_empty() && only_en.is_empty(),
            "vi only: {only_vi:?}; en only: {only_en:?}"
        );
    }

    #[test]
    fn placeholders_are_filled() {
        let m = messages(Lang::Vi);
        assert_eq!(
            m.fmt("users-created", &[("name", "an")]),
            "Đã tạo người dùng an."
        );
        assert_eq!(messages(Lang::En).get("nav-login"), "Sign in");
        assert_eq!(m.get("no-such-key"), "no-such-key");
    }
}
