//! Vietnamese date and number wording used on the forms.
//!
//! All values are Vietnam wall time (Asia/Ho_Chi_Minh, UTC+7); nothing here converts zones.

use time::{Date, PrimitiveDateTime};

/// `13/02/2026`.
pub fn date_dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// `ngày 13 tháng 02 năm 2026`, padded as NĐ 30/2020/NĐ-CP (Phụ lục I) asks for the date line
/// of administrative documents: a leading zero for days below 10 and for months 1 and 2 only
/// (`ngày 05 tháng 3 năm 2026`, `ngày 13 tháng 02 năm 2026`).
pub fn date_words(d: Date) -> String {
    let month = u8::from(d.month());
    let month = if month <= 2 {
        format!("{month:02}")
    } else {
        month.to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

/// `09 giờ 00 phút, ngày 13 tháng 02 năm 2026`, the wording of the forms' time fields.
pub fn datetime_words(t: PrimitiveDateTime) -> String {
    format!(
        "{:02} giờ {:02} phút, {}",
        t.hour(),
        t.minute(),
        date_words(t.date())
    )
}

/// `Huế, ngày 13 tháng 02 năm 2026` (the place-and-date line under the national motto).
pub fn place_date(place: &str, d: Date) -> String {
    format!("{place}, {}", date_words(d))
}

/// Counts as written on the forms: two digits at least (`01`, `02`, `12`, `120`).
pub fn count2(n: i64) -> String {
    if n < 0 {
        n.to_string()
    } else {
        format!("{n:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn wording() {
        assert_eq!(date_dmy(date!(2026 - 02 - 13)), "13/02/2026");
        assert_eq!(date_dmy(date!(2026 - 11 - 05)), "05/11/2026");
        assert_eq!(
            date_words(date!(2026 - 02 - 13)),
            "ngày 13 tháng 02 năm 2026"
        );
        assert_eq!(
            date_words(date!(2026 - 03 - 05)),
            "ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(
            date_words(date!(2026 - 12 - 25)),
            "ngày 25 tháng 12 năm 2026"
        );
        assert_eq!(
            datetime_words(datetime!(2026-02-27 17:00)),
            "17 giờ 00 phút, ngày 27 tháng 02 năm 2026"
        );
        assert_eq!(
            datetime_words(datetime!(2026-01-02 08:05)),
            "08 giờ 05 phút, ngày 02 tháng 01 năm 2026"
        );
        assert_eq!(
            place_date("Huế", date!(2026 - 02 - 13)),
            "Huế, ngày 13 tháng 02 năm 2026"
        );
        assert_eq!(count2(1), "01");
        assert_eq!(count2(0), "00");
        assert_eq!(count2(120), "120");
    }
}
