//! Validated values ("parse, don't validate"): once constructed, they are known to be well formed.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = ErrorCode;
            fn try_from(s: String) -> Result<Self, ErrorCode> {
                $name::parse(&s)
            }
        }
    };
}

/// A login name: 3–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);
string_newtype!(Username);

impl Username {
    pub fn parse(s: &str) -> Result<Username, ErrorCode> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Username(s))
        } else {
            Err(ErrorCode::InvalidUsername)
        }
    }
}

/// An email address (a pragmatic check: one `@`, a dot in the domain, no spaces).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    pub fn parse(s: &str) -> Result<Email, ErrorCode> {
        let s = s.trim();
        let Some((local, domain)) = s.split_once('@') else {
            return Err(ErrorCode::InvalidEmail);
        };
        let ok = !local.is_empty()
            && local.len() <= 64
            && domain.len() <= 255
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok {
            Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
        } else {
            Err(ErrorCode::InvalidEmail)
        }
    }
}

/// A Vietnamese phone number, stored as 10 digits starting with 0 (`+84 9…` becomes `09…`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);
string_newtype!(Phone);

impl Phone {
    pub fn parse(s: &str) -> Result<Phone, ErrorCode> {
        let compact: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')'))
            .collect();
        let national = if let Some(rest) = compact.strip_prefix("+84") {
            format!("0{rest}")
        } else if let Some(rest) = compact.strip_prefix("84").filter(|r| r.len() == 9) {
            format!("0{rest}")
        } else {
            compact
        };
        let ok = national.len() == 10
            && national.starts_with('0')
            && !national.starts_with("00")
            && national.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Phone(national))
        } else {
            Err(ErrorCode::InvalidPhone)
        }
    }
}

/// A citizen identity number (căn cước công dân / căn cước): exactly 12 digits. The first three
/// digits are the province of birth registration (001–096); the fourth encodes century and sex.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cccd(String);
string_newtype!(Cccd);

impl Cccd {
    pub fn parse(s: &str) -> Result<Cccd, ErrorCode> {
        let s = s.trim();
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ErrorCode::InvalidCccd);
        }
        let province: u16 = s[..3].parse().map_err(|_| ErrorCode::InvalidCccd)?;
        if !(1..=96).contains(&province) {
            return Err(ErrorCode::InvalidCccd);
        }
        Ok(Cccd(s.to_owned()))
    }

    /// The number with all but the last 4 digits hidden, for display.
    pub fn masked(&self) -> String {
        format!("********{}", &self.0[8..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse(" LanhDao.So ").map(String::from),
            Ok("lanhdao.so".into())
        );
        for bad in ["ab", "-abc", "có dấu", "a b c", &"x".repeat(65)] {
            assert_eq!(
                Username::parse(bad),
                Err(ErrorCode::InvalidUsername),
                "{bad}"
            );
        }
    }

    #[test]
    fn phones() {
        assert_eq!(
            Phone::parse("+84 905 123 456").map(String::from),
            Ok("0905123456".into())
        );
        assert_eq!(
            Phone::parse("0905.123.456").map(String::from),
            Ok("0905123456".into())
        );
        assert_eq!(
            Phone::parse("84905123456").map(String::from),
            Ok("0905123456".into())
        );
        for bad in ["12345", "1905123456", "0905-123-45a", "0005123456"] {
            assert_eq!(Phone::parse(bad), Err(ErrorCode::InvalidPhone), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse("An@Hue.GOV.vn").map(String::from),
            Ok("An@hue.gov.vn".into())
        );
        for bad in ["", "a", "a@b", "a@.b", "a b@c.vn", "@c.vn", "a@b@c.vn"] {
            assert_eq!(Email::parse(bad), Err(ErrorCode::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn cccd() {
        let c = Cccd::parse("046095000123").expect("valid");
        assert_eq!(c.masked(), "********0123");
        for bad in [
            "46095000123",
            "0460950001234",
            "04609500012a",
            "000095000123",
            "097095000123",
        ] {
            assert_eq!(Cccd::parse(bad), Err(ErrorCode::InvalidCccd), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn cccd_accepts_exactly_twelve_digits_with_valid_province(p in 1u16..=96, rest in "[0-9]{9}") {
            let s = format!("{p:03}{rest}");
            prop_assert!(Cccd::parse(&s).is_ok());
            prop_assert!(Cccd::parse(&s[1..]).is_err());
            let longer = format!("{s}0");
            prop_assert!(Cccd::parse(&longer).is_err());
        }

        #[test]
        fn username_parse_is_idempotent(s in "[a-zA-Z0-9._-]{0,70}") {
            if let Ok(u) = Username::parse(&s) {
                prop_assert_eq!(Username::parse(u.as_str()), Ok(u.clone()));
            }
        }

        #[test]
        fn phone_normal_form_parses_to_itself(rest in "[1-9][0-9]{8}") {
            let p = Phone::parse(&format!("+84{rest}")).expect("valid");
            prop_assert_eq!(Phone::parse(p.as_str()), Ok(p.clone()));
        }
    }
}
