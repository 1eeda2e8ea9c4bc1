//! Which one-stop-shop (một cửa) decree governs a dossier, by receipt date.
//!
//! * **NĐ 61/2018/NĐ-CP** of 23/04/2018 — one-stop and inter-agency one-stop mechanism.
//! * **NĐ 107/2021/NĐ-CP** amends NĐ 61/2018, effective **20/01/2022**.
//! * **NĐ 118/2025/NĐ-CP** of 09/06/2025 replaces them, effective **01/07/2025**.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::date;

/// The legal regime of a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Regime {
    /// NĐ 61/2018/NĐ-CP as originally issued (code `nd61_2018`).
    #[serde(rename = "nd61_2018")]
    Nd61_2018,
    /// NĐ 61/2018/NĐ-CP as amended by NĐ 107/2021/NĐ-CP (code `nd61_107`).
    #[serde(rename = "nd61_107")]
    Nd61_107_2021,
    /// NĐ 118/2025/NĐ-CP (code `nd118_2025`).
    #[serde(rename = "nd118_2025")]
    Nd118_2025,
}

impl Regime {
    /// Effective date of NĐ 107/2021.
    pub const ND107_EFFECTIVE: Date = date!(2022 - 01 - 20);
    /// Effective date of NĐ 118/2025.
    pub const ND118_EFFECTIVE: Date = date!(2025 - 07 - 01);

    /// All regimes, oldest first.
    pub const ALL: [Self; 3] = [Self::Nd61_2018, Self::Nd61_107_2021, Self::Nd118_2025];

    /// The regime in force on the receipt date (dates before NĐ 61/2018 map to it too).
    pub fn for_receipt_date(date: Date) -> Self {
        if date >= Self::ND118_EFFECTIVE {
            Self::Nd118_2025
        } else if date >= Self::ND107_EFFECTIVE {
            Self::Nd61_107_2021
        } else {
            Self::Nd61_2018
        }
    }

    /// Stable code: `nd61_2018`, `nd61_107`, `nd118_2025`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Nd61_2018 => "nd61_2018",
            Self::Nd61_107_2021 => "nd61_107",
            Self::Nd118_2025 => "nd118_2025",
        }
    }

    /// Parses a [`Regime::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Vietnamese name.
    pub const fn name_vi(self) -> &'static str {
        match self {
            Self::Nd61_2018 => "Nghị định 61/2018/NĐ-CP",
            Self::Nd61_107_2021 => "Nghị định 61/2018/NĐ-CP, sửa đổi bởi Nghị định 107/2021/NĐ-CP",
            Self::Nd118_2025 => "Nghị định 118/2025/NĐ-CP",
        }
    }

    /// English name.
    pub const fn name_en(self) -> &'static str {
        match self {
            Self::Nd61_2018 => "Decree 61/2018/ND-CP",
            Self::Nd61_107_2021 => "Decree 61/2018/ND-CP as amended by Decree 107/2021/ND-CP",
            Self::Nd118_2025 => "Decree 118/2025/ND-CP",
        }
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_and_codes() {
        assert_eq!(
            Regime::for_receipt_date(date!(2022 - 01 - 19)),
            Regime::Nd61_2018
        );
        assert_eq!(
            Regime::for_receipt_date(date!(2022 - 01 - 20)),
            Regime::Nd61_107_2021
        );
        assert_eq!(
            Regime::for_receipt_date(date!(2025 - 06 - 30)),
            Regime::Nd61_107_2021
        );
        assert_eq!(
            Regime::for_receipt_date(date!(2025 - 07 - 01)),
            Regime::Nd118_2025
        );
        assert_eq!(
            Regime::for_receipt_date(date!(2015 - 01 - 01)),
            Regime::Nd61_2018
        );
        for r in Regime::ALL {
            assert_eq!(Regime::from_code(r.code()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).ok(),
                Some(format!("\"{}\"", r.code()))
            );
        }
        assert_eq!(Regime::from_code("nd61"), None);
        assert!(Regime::Nd118_2025.name_vi().contains("118/2025"));
    }
}
