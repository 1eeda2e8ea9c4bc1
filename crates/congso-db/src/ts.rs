//! [`Ts`]: an instant stored portably (SQLite `INTEGER` microseconds, PostgreSQL `TIMESTAMPTZ`).
//!
//! SQLite has no timestamp type and sqlx would store RFC 3339 text whose fractional digits vary in
//! length, so text comparisons would misorder instants. Integers compare exactly and index well.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};
use time::{Duration, OffsetDateTime, UtcOffset};

/// An instant in UTC with microsecond precision (the precision both databases keep).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(OffsetDateTime);

impl Ts {
    /// Wraps an instant, converting to UTC and dropping sub-microsecond digits.
    pub fn new(at: OffsetDateTime) -> Ts {
        let at = at.to_offset(UtcOffset::UTC);
        Ts(at.replace_nanosecond(at.microsecond() * 1000).unwrap_or(at))
    }

    /// Microseconds since the Unix epoch.
    pub fn unix_micros(self) -> i64 {
        (self.0.unix_timestamp_nanos() / 1000) as i64
    }

    /// The instant from microseconds since the Unix epoch.
    pub fn from_unix_micros(micros: i64) -> Result<Ts, time::error::ComponentRange> {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000).map(Ts)
    }

    pub fn get(self) -> OffsetDateTime {
        self.0
    }

    pub fn checked_add(self, d: Duration) -> Option<Ts> {
        self.0.checked_add(d).map(Ts::new)
    }
}

impl std::ops::Add<Duration> for Ts {
    type Output = Ts;
    fn add(self, d: Duration) -> Ts {
        Ts::new(self.0 + d)
    }
}

impl std::ops::Sub<Duration> for Ts {
    type Output = Ts;
    fn sub(self, d: Duration) -> Ts {
        Ts::new(self.0 - d)
    }
}

impl From<OffsetDateTime> for Ts {
    fn from(at: OffsetDateTime) -> Ts {
        Ts::new(at)
    }
}

impl From<Ts> for OffsetDateTime {
    fn from(t: Ts) -> OffsetDateTime {
        t.0
    }
}

impl serde::Serialize for Ts {
    /// RFC 3339 in UTC, e.g. `2026-11-26T09:00:00Z`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = self
            .0
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(serde::ser::Error::custom)?;
        s.serialize_str(&text)
    }
}

impl Type<Sqlite> for Ts {
    fn type_info() -> SqliteTypeInfo {
        <i64 as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <i64 as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for Ts {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <i64 as Encode<Sqlite>>::encode(self.unix_micros(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Ts {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let micros = <i64 as Decode<Sqlite>>::decode(value)?;
        Ok(Ts::from_unix_micros(micros)?)
    }
}

impl Type<Postgres> for Ts {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <OffsetDateTime as Type<Postgres>>::compatible(ty)
    }
}

impl Encode<'_, Postgres> for Ts {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Ts {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(Ts::new(<OffsetDateTime as Decode<Postgres>>::decode(
            value,
        )?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn micros_round_trip_and_order() {
        let a = Ts::new(datetime!(2026-01-01 00:00:00.1234567 +7));
        assert_eq!(Ts::from_unix_micros(a.unix_micros()).ok(), Some(a));
        assert_eq!(a.get().offset(), UtcOffset::UTC);
        let b = a + Duration::microseconds(1);
        assert!(b > a && b.unix_micros() == a.unix_micros() + 1);
    }
}
