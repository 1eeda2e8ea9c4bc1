//! Working days, office hours and deadline arithmetic.
//!
//! # Legal basis
//!
//! * **Civil Code 2015 Art. 147**: when a period is counted in days, the day of the event
//!   that starts it is **not** counted; counting starts the next day.
//! * **Art. 148**: a period ends at the end of its last day; if that day is a weekly rest
//!   day or a holiday, the period ends at the end of the **next working day**.
//! * Administrative procedure (TTHC) time limits are normally in **working days** (ngày
//!   làm việc) from receipt of a complete dossier: the receipt day is not counted and the
//!   result is the n-th working day after it (see [`WorkingCalendar::add_working_days`]).
//!   Some limits are in calendar days or in working hours.
//! * A working day is Monday–Friday (QĐ 188/1999/QĐ-TTg) unless it is a day off of the
//!   civil-servant calendar ([`crate::holidays`]); a make-up Saturday/Sunday (*làm bù*) is
//!   a working day.
//!
//! # Implementation
//!
//! [`WorkingCalendar::new`] precomputes, for every day of 1900–2199, the number of working
//! days before it (a prefix sum) and the list of working days, so adding working days is
//! two array reads and counting them is a subtraction. Dates outside 1900–2199 are handled
//! by stepping day by day with the rule-based calendar (correct, but slow).
//!
//! Times are local wall-clock times at UTC+7 ([`time::PrimitiveDateTime`]); sub-second
//! parts are ignored by the office-hours arithmetic.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, PrimitiveDateTime, Time, Weekday};

use crate::holidays::{CalendarData, OffDay};

/// First year of the precomputed table.
pub const TABLE_FIRST_YEAR: i32 = 1900;
/// Last year of the precomputed table.
pub const TABLE_LAST_YEAR: i32 = 2199;

/// A time limit of a procedure, a step or a petition.
///
/// Serialised as `{"unit":"working_days","value":10}` (units `working_days`,
/// `calendar_days`, `working_hours`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum TimeLimit {
    /// Working days; the start day is not counted (Art. 147).
    WorkingDays(u32),
    /// Calendar days; the start day is not counted and an end on a day off moves to the
    /// next working day (Art. 147–148).
    CalendarDays(u32),
    /// Office hours, counted to the minute.
    WorkingHours(u32),
}

impl TimeLimit {
    /// The number of units.
    pub const fn value(self) -> u32 {
        match self {
            Self::WorkingDays(n) | Self::CalendarDays(n) | Self::WorkingHours(n) => n,
        }
    }

    /// The same unit with another value.
    pub const fn with_value(self, value: u32) -> Self {
        match self {
            Self::WorkingDays(_) => Self::WorkingDays(value),
            Self::CalendarDays(_) => Self::CalendarDays(value),
            Self::WorkingHours(_) => Self::WorkingHours(value),
        }
    }

    /// Whether two limits have the same unit.
    pub fn same_unit(self, other: Self) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }

    /// The limit in office minutes (a working day is a full office day; a calendar day is 24 hours),
    /// for comparing a step's budget with the office time spent on it.
    pub fn office_minutes(self, hours: &OfficeHours) -> i64 {
        match self {
            Self::WorkingHours(h) => i64::from(h) * 60,
            Self::WorkingDays(d) => i64::from(d) * i64::from(hours.daily_minutes()),
            Self::CalendarDays(d) => i64::from(d) * 24 * 60,
        }
    }

    /// `true` for [`TimeLimit::WorkingDays`] and [`TimeLimit::CalendarDays`].
    pub const fn is_day_based(self) -> bool {
        !matches!(self, Self::WorkingHours(_))
    }
}

/// Office hours of a unit: one or more sessions per working day.
///
/// Default: 07:00–11:30 and 13:30–17:00 (8 hours). Serialised as the string
/// `"07:00-11:30,13:30-17:00"`, which is also what [`FromStr`] parses.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfficeHours {
    /// `[start, end)` in seconds after midnight, sorted, disjoint, non-empty.
    sessions: Vec<(u32, u32)>,
}

/// Invalid office hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHoursError(pub String);

impl fmt::Display for OfficeHoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid office hours: {}", self.0)
    }
}

impl std::error::Error for OfficeHoursError {}

fn secs_of(t: Time) -> u32 {
    u32::from(t.hour()) * 3600 + u32::from(t.minute()) * 60 + u32::from(t.second())
}

fn time_of(secs: u32) -> Time {
    Time::MIDNIGHT + Duration::seconds(i64::from(secs))
}

impl OfficeHours {
    /// Builds office hours from `(start, end)` sessions, which must be non-empty,
    /// each with `start < end`, in order and not overlapping.
    pub fn new(sessions: &[(Time, Time)]) -> Result<Self, OfficeHoursError> {
        if sessions.is_empty() {
            return Err(OfficeHoursError("no session".to_owned()));
        }
        let sessions: Vec<(u32, u32)> = sessions
            .iter()
            .map(|&(a, b)| (secs_of(a), secs_of(b)))
            .collect();
        if let Some(&(a, b)) = sessions.iter().find(|(a, b)| a >= b) {
            return Err(OfficeHoursError(format!(
                "session {} ends before it starts",
                fmt_span(a, b)
            )));
        }
        if sessions.windows(2).any(|w| w[0].1 > w[1].0) {
            return Err(OfficeHoursError(
                "sessions overlap or are out of order".to_owned(),
            ));
        }
        Ok(Self { sessions })
    }

    /// The sessions as `(start, end)` times.
    pub fn sessions(&self) -> Vec<(Time, Time)> {
        self.sessions
            .iter()
            .map(|&(a, b)| (time_of(a), time_of(b)))
            .collect()
    }

    /// Office minutes in one working day (480 by default).
    pub fn daily_minutes(&self) -> u32 {
        self.daily_secs() / 60
    }

    /// Start of the first session (07:00 by default).
    pub fn opening(&self) -> Time {
        time_of(self.sessions.first().map_or(0, |s| s.0))
    }

    /// End of the last session (17:00 by default): the due moment of day-based limits.
    pub fn closing(&self) -> Time {
        time_of(self.sessions.last().map_or(0, |s| s.1))
    }

    fn daily_secs(&self) -> u32 {
        self.sessions.iter().map(|(a, b)| b - a).sum()
    }

    /// Office seconds in `[00:00, t)` of a working day.
    fn secs_before(&self, t: u32) -> u32 {
        self.sessions
            .iter()
            .map(|&(a, b)| b.min(t).saturating_sub(a))
            .sum()
    }
}

impl Default for OfficeHours {
    fn default() -> Self {
        Self {
            sessions: vec![(7 * 3600, 11 * 3600 + 1800), (13 * 3600 + 1800, 17 * 3600)],
        }
    }
}

fn fmt_span(a: u32, b: u32) -> String {
    format!(
        "{:02}:{:02}-{:02}:{:02}",
        a / 3600,
        a % 3600 / 60,
        b / 3600,
        b % 3600 / 60
    )
}

impl fmt::Display for OfficeHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.sessions.iter().map(|&(a, b)| fmt_span(a, b)).collect();
        f.write_str(&parts.join(","))
    }
}

impl fmt::Debug for OfficeHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OfficeHours({self})")
    }
}

impl FromStr for OfficeHours {
    type Err = OfficeHoursError;

    /// Parses `"07:00-11:30,13:30-17:00"` (spaces allowed).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hm = |t: &str| -> Result<Time, OfficeHoursError> {
            let (h, m) = t
                .trim()
                .split_once(':')
                .ok_or_else(|| OfficeHoursError(format!("{t:?} is not HH:MM")))?;
            let parse = |x: &str| {
                x.trim()
                    .parse::<u8>()
                    .map_err(|_| OfficeHoursError(format!("{t:?} is not HH:MM")))
            };
            Time::from_hms(parse(h)?, parse(m)?, 0)
                .map_err(|e| OfficeHoursError(format!("{t:?}: {e}")))
        };
        let sessions = s
            .split(',')
            .map(|part| {
                let (a, b) = part
                    .split_once('-')
                    .ok_or_else(|| OfficeHoursError(format!("{part:?} is not HH:MM-HH:MM")))?;
                Ok((hm(a)?, hm(b)?))
            })
            .collect::<Result<Vec<_>, OfficeHoursError>>()?;
        Self::new(&sessions)
    }
}

impl TryFrom<String> for OfficeHours {
    type Error = OfficeHoursError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<OfficeHours> for String {
    fn from(h: OfficeHours) -> Self {
        h.to_string()
    }
}

/// Working-day calendar built from [`CalendarData`], with O(1) deadline arithmetic over
/// 1900–2199.
#[derive(Clone)]
pub struct WorkingCalendar {
    /// Julian day number of 1900-01-01.
    base: i32,
    /// `prefix[i]` = working days in `[base, base + i)`; `len + 1` entries.
    prefix: Vec<u32>,
    /// Offsets (from `base`) of the working days, ascending.
    working: Vec<u32>,
    /// Source data, used outside the table.
    data: CalendarData,
}

impl fmt::Debug for WorkingCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkingCalendar")
            .field("years", &(TABLE_FIRST_YEAR..=TABLE_LAST_YEAR))
            .field("working_days", &self.working.len())
            .field(
                "decided_years",
                &self.data.decisions.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn jd_to_date(jd: i32) -> Date {
    Date::from_julian_day(jd).unwrap_or(if jd < 0 { Date::MIN } else { Date::MAX })
}

/// The off days of one year outside the table, kept while stepping through it.
type YearCache = Option<(i32, Vec<OffDay>)>;

impl WorkingCalendar {
    /// Builds the table for 1900–2199 (a few milliseconds; build it once and share it).
    pub fn new(data: &CalendarData) -> Self {
        let first = jd_of(TABLE_FIRST_YEAR, 1, 1);
        let end = jd_of(TABLE_LAST_YEAR + 1, 1, 1);
        let len = (end - first) as usize;
        let mut flags: Vec<bool> = (0..len)
            .map(|i| !is_weekend(jd_to_date(first + i as i32)))
            .collect();
        for year in TABLE_FIRST_YEAR..=TABLE_LAST_YEAR {
            for d in data.off_days(year) {
                let i = d.date.to_julian_day() - first;
                if let Some(flag) = usize::try_from(i).ok().and_then(|i| flags.get_mut(i)) {
                    *flag = !d.kind.is_off();
                }
            }
        }
        let mut prefix = Vec::with_capacity(len + 1);
        let mut working = Vec::with_capacity(len * 5 / 7 + 1);
        prefix.push(0u32);
        for (i, &w) in flags.iter().enumerate() {
            if w {
                working.push(i as u32);
            }
            prefix.push(working.len() as u32);
        }
        Self {
            base: first,
            prefix,
            working,
            data: data.clone(),
        }
    }

    /// The data the calendar was built from.
    pub fn data(&self) -> &CalendarData {
        &self.data
    }

    fn index(&self, d: Date) -> Option<usize> {
        let i = usize::try_from(d.to_julian_day() - self.base).ok()?;
        (i + 1 < self.prefix.len()).then_some(i)
    }

    fn date_at(&self, offset: u32) -> Date {
        jd_to_date(self.base + offset as i32)
    }

    fn last_date(&self) -> Date {
        jd_to_date(self.base + self.prefix.len() as i32 - 2)
    }

    fn working_cached(&self, d: Date, cache: &mut YearCache) -> bool {
        if let Some(i) = self.index(d) {
            return self.prefix[i + 1] != self.prefix[i];
        }
        let year = d.year();
        let days = match cache {
            Some((y, days)) if *y == year => days,
            _ => &mut cache.insert((year, self.data.off_days(year))).1,
        };
        match days.binary_search_by_key(&d, |o| o.date) {
            Ok(i) => !days[i].kind.is_off(),
            Err(_) => !is_weekend(d),
        }
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        self.working_cached(date, &mut None)
    }

    /// The n-th working day after `start` (Civil Code Art. 147: `start` itself is not
    /// counted, whether or not it is a working day). `n = 0` returns `start` unchanged.
    ///
    /// Received Friday 13/02/2026 + 5 working days → Friday 27/02/2026 (Tết 16–20/02).
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut cur = start;
        let mut left = n;
        let mut cache = None;
        while left > 0 {
            if let Some(i) = self.index(cur) {
                let k = self.prefix[i + 1] as usize; // working days up to and including `cur`
                let avail = self.working.len() - k;
                if avail > 0 {
                    if left as usize <= avail {
                        return self.date_at(self.working[k + left as usize - 1]);
                    }
                    left -= avail as u32;
                    cur = self.date_at(self.working[self.working.len() - 1]);
                    continue;
                }
            }
            match cur.next_day() {
                Some(next) => {
                    cur = next;
                    if self.working_cached(cur, &mut cache) {
                        left -= 1;
                    }
                }
                None => return Date::MAX,
            }
        }
        cur
    }

    /// The first working day after `date`.
    pub fn next_working_day(&self, date: Date) -> Date {
        self.add_working_days(date, 1)
    }

    /// `start` + `n` calendar days, moved to the next working day if that day is a day off
    /// (Civil Code Art. 147–148). `n = 0` returns `start` unchanged.
    pub fn add_calendar_days(&self, start: Date, n: u32) -> Date {
        if n == 0 {
            return start;
        }
        let end = start
            .checked_add(Duration::days(i64::from(n)))
            .unwrap_or(Date::MAX);
        if self.is_working_day(end) {
            end
        } else {
            self.next_working_day(end)
        }
    }

    /// Number of working days in `(a, b]` — so `working_days_between(a,
    /// add_working_days(a, n)) == n` — and the negative of `(b, a]` when `b < a`.
    pub fn working_days_between(&self, a: Date, b: Date) -> i64 {
        if b < a {
            return -self.working_days_between(b, a);
        }
        if let (Some(ia), Some(ib)) = (self.index(a), self.index(b)) {
            return i64::from(self.prefix[ib + 1]) - i64::from(self.prefix[ia + 1]);
        }
        let (mut total, mut cur, mut cache) = (0i64, a, None);
        let last = self.last_date();
        while cur < b {
            let Some(next) = cur.next_day() else { break };
            if let Some(i) = self.index(next) {
                let end = b.min(last);
                let ie = self.index(end).unwrap_or(i);
                total += i64::from(self.prefix[ie + 1]) - i64::from(self.prefix[i]);
                cur = end;
                continue;
            }
            total += i64::from(self.working_cached(next, &mut cache));
            cur = next;
        }
        total
    }

    /// The counting base of a dossier received at `received_at`.
    ///
    /// * Received on a working day, before or at the cut-off (or with no cut-off): the
    ///   receipt date itself.
    /// * Received after the cut-off, or on a day off: the dossier counts as received on
    ///   the **next working day**, which is returned.
    ///
    /// Either way the result is the day that is *not* counted (Art. 147): a limit of N
    /// working days ends on `add_working_days(effective_receipt(..), N)`. Example:
    /// received Monday 15:30 with a 15:00 cut-off → Tuesday; 1 working day → Wednesday.
    pub fn effective_receipt(&self, received_at: PrimitiveDateTime, cutoff: Option<Time>) -> Date {
        let day = received_at.date();
        let late = cutoff.is_some_and(|c| received_at.time() > c);
        if late || !self.is_working_day(day) {
            self.next_working_day(day)
        } else {
            day
        }
    }

    /// The moment `minutes` office minutes after `start`. If `start` is outside office
    /// hours, counting begins at the next office-hours moment. A limit that runs out
    /// exactly at the end of a session ends there (e.g. 11:30), not at the next opening.
    /// `minutes = 0` returns `start`.
    pub fn add_working_minutes(
        &self,
        start: PrimitiveDateTime,
        minutes: u32,
        hours: &OfficeHours,
    ) -> PrimitiveDateTime {
        self.add_office_secs(start, u64::from(minutes) * 60, hours)
    }

    /// [`WorkingCalendar::add_working_minutes`] with whole hours.
    pub fn add_working_hours(
        &self,
        start: PrimitiveDateTime,
        hours: u32,
        office: &OfficeHours,
    ) -> PrimitiveDateTime {
        self.add_office_secs(start, u64::from(hours) * 3600, office)
    }

    fn add_office_secs(
        &self,
        start: PrimitiveDateTime,
        mut secs: u64,
        hours: &OfficeHours,
    ) -> PrimitiveDateTime {
        if secs == 0 {
            return start;
        }
        let day = start.date();
        let t = secs_of(start.time());
        if self.is_working_day(day) {
            for &(a, b) in &hours.sessions {
                if b <= t {
                    continue;
                }
                let from = a.max(t);
                let avail = u64::from(b - from);
                if secs <= avail {
                    return PrimitiveDateTime::new(day, time_of(from + secs as u32));
                }
                secs -= avail;
            }
        }
        let daily = u64::from(hours.daily_secs()).max(1);
        let full_days = (secs - 1) / daily;
        let mut rem = secs - full_days * daily; // 1..=daily
        let n = u32::try_from(full_days + 1).unwrap_or(u32::MAX);
        let day = self.add_working_days(day, n);
        for &(a, b) in &hours.sessions {
            let len = u64::from(b - a);
            if rem <= len {
                return PrimitiveDateTime::new(day, time_of(a + rem as u32));
            }
            rem -= len;
        }
        PrimitiveDateTime::new(day, hours.closing())
    }

    /// Office seconds in `[a, b)` (negative when `b < a`).
    pub(crate) fn working_secs_between(
        &self,
        a: PrimitiveDateTime,
        b: PrimitiveDateTime,
        hours: &OfficeHours,
    ) -> i64 {
        let (ad, bd) = (a.date(), b.date());
        let wa = i64::from(self.is_working_day(ad));
        let wb = i64::from(self.is_working_day(bd));
        let days = self.working_days_between(ad, bd) + wa - wb;
        days * i64::from(hours.daily_secs()) + wb * i64::from(hours.secs_before(secs_of(b.time())))
            - wa * i64::from(hours.secs_before(secs_of(a.time())))
    }

    /// Office minutes in `[a, b)`, negative when `b < a` (whole minutes, truncated).
    pub fn working_minutes_between(
        &self,
        a: PrimitiveDateTime,
        b: PrimitiveDateTime,
        hours: &OfficeHours,
    ) -> i64 {
        self.working_secs_between(a, b, hours) / 60
    }

    /// The due moment of `limit` counted from `start`.
    ///
    /// * Day-based limits: the end of office hours ([`OfficeHours::closing`], 17:00 by
    ///   default) of [`add_working_days`](Self::add_working_days) /
    ///   [`add_calendar_days`](Self::add_calendar_days) from `start`'s date. (The Civil
    ///   Code ends a period at 24:00; for a counter service the office closing is the
    ///   practical end, and lateness of day-based limits is judged by date anyway.)
    /// * Hour-based limits: [`add_working_hours`](Self::add_working_hours), to the minute.
    ///
    /// `start` is used as given: apply [`effective_receipt`](Self::effective_receipt)
    /// first when a cut-off applies.
    pub fn due(
        &self,
        start: PrimitiveDateTime,
        limit: TimeLimit,
        hours: &OfficeHours,
    ) -> PrimitiveDateTime {
        match limit {
            TimeLimit::WorkingDays(n) => {
                PrimitiveDateTime::new(self.add_working_days(start.date(), n), hours.closing())
            }
            TimeLimit::CalendarDays(n) => {
                PrimitiveDateTime::new(self.add_calendar_days(start.date(), n), hours.closing())
            }
            TimeLimit::WorkingHours(h) => self.add_working_hours(start, h, hours),
        }
    }
}

fn jd_of(year: i32, month: u8, day: u8) -> i32 {
    time::Month::try_from(month)
        .ok()
        .and_then(|m| Date::from_calendar_date(year, m, day).ok())
        .map_or(0, Date::to_julian_day)
}
