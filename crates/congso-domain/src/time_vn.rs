//! Vietnam's civil time: UTC+07:00 all year (no daylight saving). Times are stored in UTC and
//! shown in UTC+7; dates are shown as dd/mm/yyyy.

use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset, macros::offset};

/// UTC+07:00, the offset of Asia/Ho_Chi_Minh.
pub const VN_OFFSET: UtcOffset = offset!(+7);

/// The wall-clock time in Vietnam for an instant.
pub fn to_local(at: OffsetDateTime) -> PrimitiveDateTime {
    let local = at.to_offset(VN_OFFSET);
    PrimitiveDateTime::new(local.date(), local.time())
}

/// The instant of a Vietnamese wall-clock time.
pub fn from_local(at: PrimitiveDateTime) -> OffsetDateTime {
    at.assume_offset(VN_OFFSET)
}

/// The first instant of a day in Vietnam (its midnight, UTC+7).
pub fn day_start(day: Date) -> OffsetDateTime {
    from_local(PrimitiveDateTime::new(day, time::Time::MIDNIGHT))
}

/// The calendar date in Vietnam of an instant.
pub fn local_date(at: OffsetDateTime) -> Date {
    at.to_offset(VN_OFFSET).date()
}

/// `dd/mm/yyyy`, the date format of Vietnamese administrative documents.
pub fn format_date_vi(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// `HH:MM dd/mm/yyyy` in UTC+7.
pub fn format_datetime_vi(at: OffsetDateTime) -> String {
    let l = to_local(at);
    format!(
        "{:02}:{:02} {}",
        l.hour(),
        l.minute(),
        format_date_vi(l.date())
    )
}

/// Truncates an instant to whole microseconds, the precision both databases store, so that values
/// read back compare (and hash) equal to the values written.
pub fn truncate_micros(at: OffsetDateTime) -> OffsetDateTime {
    let micros = at.microsecond();
    at.replace_microsecond(micros).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn local_date_crosses_midnight_at_17_utc() {
        assert_eq!(
            local_date(datetime!(2026-01-01 16:59 UTC)),
            time::macros::date!(2026 - 01 - 01)
        );
        assert_eq!(
            local_date(datetime!(2026-01-01 17:00 UTC)),
            time::macros::date!(2026 - 01 - 02)
        );
        assert_eq!(
            format_date_vi(time::macros::date!(2026 - 03 - 05)),
            "05/03/2026"
        );
        assert_eq!(
            format_datetime_vi(datetime!(2026-03-05 01:30 UTC)),
            "08:30 05/03/2026"
        );
    }

    #[test]
    fn truncation_drops_nanoseconds() {
        let t = datetime!(2026-01-01 00:00:00.123456789 UTC);
        assert_eq!(
            truncate_micros(t),
            datetime!(2026-01-01 00:00:00.123456 UTC)
        );
    }
}
