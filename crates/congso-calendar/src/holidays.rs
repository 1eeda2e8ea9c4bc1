//! Public holidays and the yearly civil-servant calendar.
//!
//! # Legal basis
//!
//! * **Labor Code 2019 (45/2019/QH14), Art. 112 cl. 1** — 11 paid holidays: Tết Dương lịch
//!   1/1 (1 day); Tết Âm lịch (5 days, dates chosen by the Prime Minister); Ngày Chiến
//!   thắng 30/4; Ngày Quốc tế Lao động 1/5; Quốc khánh 2/9 **plus one adjacent day** before
//!   or after (chosen by the Prime Minister); Giỗ Tổ Hùng Vương 10/3 lunar. In force from
//!   01/01/2021. For earlier years the Labor Code 2012 Art. 115 list is used: the same
//!   days but Quốc khánh is 2/9 only (10 days).
//! * **Art. 111 cl. 3** — when a holiday falls on the weekly rest day (Saturday or Sunday
//!   for civil servants, QĐ 188/1999/QĐ-TTg) the next working day is off (*nghỉ bù*).
//! * Each year the Prime Minister fixes the Tết days and the Quốc khánh adjacent day and
//!   may **swap** a working day into a break against a worked Saturday (*làm bù*). Those
//!   decisions are **data**: [`CalendarData`] holds one explicit list per decided year and
//!   falls back to the rules ([`rule_based_off_days`]) for any other year.
//!
//! The shipped decisions 2020–2026 live in `data/vn-civil-service.tsv` (embedded at
//! compile time, format in [`parse_off_days`]); an administrator's edits, e.g. stored in a
//! database, use the same [`OffDay`] shape.
//!
//! Not modelled: foreign workers' extra days (Art. 112 cl. 2), regional calendars, and the
//! pre-2013 rules (Tết was 4 days before the 2012 code): years before 2013 use the 2012
//! list.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Date, Duration, Month, Weekday};

use crate::lunar;

/// What kind of entry an [`OffDay`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffDayKind {
    /// A public holiday falling on a weekday (`holiday`).
    Holiday,
    /// *Nghỉ bù*: a weekday off because a holiday fell on a weekend (`substitute`).
    Substitute,
    /// *Hoán đổi*: a working weekday moved into a holiday break (`swapped`).
    Swapped,
    /// *Làm bù*: a Saturday or Sunday that is a working day (`makeup_workday`).
    MakeupWorkday,
}

impl OffDayKind {
    /// The snake_case code used in the data file and in serde.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Substitute => "substitute",
            Self::Swapped => "swapped",
            Self::MakeupWorkday => "makeup_workday",
        }
    }

    /// Parses a code produced by [`OffDayKind::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Holiday,
            Self::Substitute,
            Self::Swapped,
            Self::MakeupWorkday,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }

    /// Whether the day is a day off (everything but [`OffDayKind::MakeupWorkday`]).
    pub const fn is_off(self) -> bool {
        !matches!(self, Self::MakeupWorkday)
    }
}

/// One entry of the calendar: a weekday off, or a weekend day worked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OffDay {
    /// The civil date.
    pub date: Date,
    /// What the day is.
    pub kind: OffDayKind,
    /// Vietnamese name, e.g. "Giỗ Tổ Hùng Vương".
    pub name_vi: String,
    /// English name, e.g. "Hùng Kings' Commemoration Day".
    pub name_en: String,
}

impl OffDay {
    /// Builds an entry.
    pub fn new(date: Date, kind: OffDayKind, name_vi: &str, name_en: &str) -> Self {
        Self {
            date,
            kind,
            name_vi: name_vi.to_owned(),
            name_en: name_en.to_owned(),
        }
    }
}

/// Which day accompanies 2/9 (Art. 112 cl. 1 point đ: "one adjacent day before or after").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjacent {
    /// 1/9 (the default of this crate; the law leaves the choice to the Prime Minister).
    #[default]
    Before,
    /// 3/9.
    After,
}

/// Parameters of the rule-based calendar used for years without an explicit decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HolidayRules {
    /// The day that accompanies Quốc khánh 2/9 (from 2021). Default: [`Adjacent::Before`].
    pub national_day_adjacent: Adjacent,
    /// How many of the 5 Tết days precede mùng 1 (0..=4). Default 1: the last day of the
    /// old lunar year and mùng 1–4.
    pub tet_days_before: u8,
    /// First date on which 24/11 "Ngày Văn hóa Việt Nam" (Vietnamese Culture Day) is a
    /// paid holiday. `None` (the default): not a holiday. As of 02/2026 it is intended by
    /// Resolution 80-NQ/TW but not yet in the Labor Code.
    pub culture_day_from: Option<Date>,
    /// Apply Art. 111 cl. 3 substitute days. Default `true`.
    pub substitute_days: bool,
}

impl Default for HolidayRules {
    fn default() -> Self {
        Self {
            national_day_adjacent: Adjacent::Before,
            tet_days_before: 1,
            culture_day_from: None,
            substitute_days: true,
        }
    }
}

/// Problems found in an off-day list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarDataError {
    /// A line of the text format could not be parsed (1-based line number).
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A day-off entry on a Saturday/Sunday, or a make-up working day on a weekday.
    WrongWeekday(Date),
    /// The same date appears twice.
    Duplicate(Date),
    /// An entry given for a year lies in another year.
    WrongYear {
        /// The year the list was given for.
        year: i32,
        /// The offending date.
        date: Date,
    },
}

impl fmt::Display for CalendarDataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Syntax { line, message } => write!(f, "line {line}: {message}"),
            Self::WrongWeekday(d) => write!(
                f,
                "{d}: days off must be Monday–Friday and make-up working days Saturday/Sunday"
            ),
            Self::Duplicate(d) => write!(f, "{d} appears more than once"),
            Self::WrongYear { year, date } => write!(f, "{date} is not in {year}"),
        }
    }
}

impl std::error::Error for CalendarDataError {}

/// The shipped decisions (see the module docs).
const SHIPPED: &str = include_str!("../data/vn-civil-service.tsv");

/// Rules plus the yearly decisions. Years with a decision use exactly that list; other
/// years use [`rule_based_off_days`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CalendarData {
    /// Rules for years without a decision.
    pub rules: HolidayRules,
    /// Explicit decisions per year, each sorted by date and validated.
    pub decisions: BTreeMap<i32, Vec<OffDay>>,
}

impl CalendarData {
    /// Default rules plus the shipped 2020–2026 decisions.
    pub fn shipped() -> Self {
        let decisions = parse_off_days(SHIPPED).unwrap_or_else(|e| {
            // The shipped file is covered by unit tests; this cannot happen in a release.
            panic!("data/vn-civil-service.tsv is invalid: {e}")
        });
        Self {
            rules: HolidayRules::default(),
            decisions,
        }
    }

    /// Every weekday off and every worked Saturday/Sunday of `year`, sorted by date.
    pub fn off_days(&self, year: i32) -> Vec<OffDay> {
        match self.decisions.get(&year) {
            Some(list) => list.clone(),
            None => rule_based_off_days(year, &self.rules),
        }
    }

    /// Whether `year` has an explicit decision.
    pub fn has_decision(&self, year: i32) -> bool {
        self.decisions.contains_key(&year)
    }

    /// Replaces the decision for `year` (sorted here). Every date must lie in `year`,
    /// appear once, and days off must be weekdays / make-up days weekends.
    pub fn set_year(&mut self, year: i32, mut days: Vec<OffDay>) -> Result<(), CalendarDataError> {
        if let Some(d) = days.iter().find(|d| d.date.year() != year) {
            return Err(CalendarDataError::WrongYear { year, date: d.date });
        }
        days.sort_by_key(|d| d.date);
        validate(&days)?;
        self.decisions.insert(year, days);
        Ok(())
    }

    /// Removes the decision for `year` (the rules apply again); returns the old list.
    pub fn clear_year(&mut self, year: i32) -> Option<Vec<OffDay>> {
        self.decisions.remove(&year)
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

fn validate(sorted: &[OffDay]) -> Result<(), CalendarDataError> {
    for w in sorted.windows(2) {
        if w[0].date == w[1].date {
            return Err(CalendarDataError::Duplicate(w[0].date));
        }
    }
    match sorted
        .iter()
        .find(|d| d.kind.is_off() == is_weekend(d.date))
    {
        Some(d) => Err(CalendarDataError::WrongWeekday(d.date)),
        None => Ok(()),
    }
}

/// Parses the text format, grouping entries by calendar year.
///
/// One entry per line: `YYYY-MM-DD<TAB>kind<TAB>name_vi<TAB>name_en`, kind being one of
/// `holiday`, `substitute`, `swapped`, `makeup_workday`. Empty lines and lines starting
/// with `#` are ignored. Each year's list is validated like [`CalendarData::set_year`].
pub fn parse_off_days(text: &str) -> Result<BTreeMap<i32, Vec<OffDay>>, CalendarDataError> {
    let mut years: BTreeMap<i32, Vec<OffDay>> = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let syntax = |message: String| CalendarDataError::Syntax {
            line: i + 1,
            message,
        };
        let fields: Vec<&str> = line.split('\t').collect();
        let [date, kind, name_vi, name_en] = fields.as_slice() else {
            return Err(syntax(format!(
                "expected 4 tab-separated fields, got {}",
                fields.len()
            )));
        };
        let date = Date::parse(date.trim(), format_description!("[year]-[month]-[day]"))
            .map_err(|e| syntax(format!("bad date {date:?}: {e}")))?;
        let kind = OffDayKind::from_code(kind.trim())
            .ok_or_else(|| syntax(format!("unknown kind {kind:?}")))?;
        let (name_vi, name_en) = (name_vi.trim(), name_en.trim());
        if name_vi.is_empty() || name_en.is_empty() {
            return Err(syntax("empty name".to_owned()));
        }
        years
            .entry(date.year())
            .or_default()
            .push(OffDay::new(date, kind, name_vi, name_en));
    }
    for days in years.values_mut() {
        days.sort_by_key(|d| d.date);
        validate(days)?;
    }
    Ok(years)
}

/// Writes entries in the text format read by [`parse_off_days`].
pub fn format_off_days(days: &[OffDay]) -> String {
    let mut out = String::new();
    for d in days {
        out.push_str(&format!(
            "{:04}-{:02}-{:02}\t{}\t{}\t{}\n",
            d.date.year(),
            u8::from(d.date.month()),
            d.date.day(),
            d.kind.code(),
            d.name_vi,
            d.name_en
        ));
    }
    out
}

const NEW_YEAR: (&str, &str) = ("Tết Dương lịch", "New Year's Day");
const TET: (&str, &str) = ("Tết Nguyên đán", "Lunar New Year (Tết)");
const HUNG_KINGS: (&str, &str) = ("Giỗ Tổ Hùng Vương", "Hùng Kings' Commemoration Day");
const VICTORY: (&str, &str) = ("Ngày Chiến thắng", "Victory Day (Reunification Day)");
const LABOUR: (&str, &str) = ("Ngày Quốc tế Lao động", "International Labour Day");
const NATIONAL: (&str, &str) = ("Quốc khánh", "National Day");
const NATIONAL_ADJ: (&str, &str) = ("Quốc khánh (ngày liền kề)", "National Day (adjacent day)");
const CULTURE: (&str, &str) = ("Ngày Văn hóa Việt Nam", "Vietnamese Culture Day");

/// The statutory holidays of `year` (weekends included), in date order. Two holidays on
/// one date (e.g. 10/3 lunar on 30/4) are both returned.
pub fn statutory_holidays(year: i32, rules: &HolidayRules) -> Vec<OffDay> {
    let ymd = |m: Month, d: u8| Date::from_calendar_date(year, m, d).ok();
    let mut out: Vec<(Date, (&str, &str))> = Vec::new();
    let mut push = |d: Option<Date>, name| {
        if let Some(d) = d {
            out.push((d, name));
        }
    };
    push(ymd(Month::January, 1), NEW_YEAR);
    let tet = lunar::tet(year);
    let before = i64::from(rules.tet_days_before.min(4));
    for k in -before..5 - before {
        push(tet.checked_add(Duration::days(k)), TET);
    }
    push(Some(lunar::hung_kings(year)), HUNG_KINGS);
    push(ymd(Month::April, 30), VICTORY);
    push(ymd(Month::May, 1), LABOUR);
    if year >= 2021 {
        let adjacent = match rules.national_day_adjacent {
            Adjacent::Before => ymd(Month::September, 1),
            Adjacent::After => ymd(Month::September, 3),
        };
        push(adjacent, NATIONAL_ADJ);
    }
    push(ymd(Month::September, 2), NATIONAL);
    let culture = ymd(Month::November, 24);
    if let (Some(from), Some(day)) = (rules.culture_day_from, culture)
        && day >= from
    {
        push(culture, CULTURE);
    }
    out.sort_by_key(|(d, _)| *d);
    out.into_iter()
        .map(|(d, (vi, en))| OffDay::new(d, OffDayKind::Holiday, vi, en))
        .collect()
}

/// The calendar of `year` from the rules alone: statutory holidays on weekdays, plus a
/// substitute day on the next working day for each holiday on a Saturday/Sunday (and, an
/// assumption not written in the law, for the second of two holidays on the same date so
/// that the yearly count is kept), in date order. No swaps or make-up days: those exist
/// only by decision.
pub fn rule_based_off_days(year: i32, rules: &HolidayRules) -> Vec<OffDay> {
    let holidays = statutory_holidays(year, rules);
    let mut out: Vec<OffDay> = Vec::new();
    let mut owed: Vec<&OffDay> = Vec::new();
    for h in &holidays {
        let taken = out.iter().any(|o| o.date == h.date);
        if is_weekend(h.date) || taken {
            owed.push(h);
        } else {
            out.push(h.clone());
        }
    }
    if rules.substitute_days {
        for h in owed {
            let mut d = h.date;
            while let Some(next) = d.next_day() {
                d = next;
                if !is_weekend(d)
                    && !out.iter().any(|o| o.date == d)
                    && !holidays.iter().any(|o| o.date == d)
                {
                    out.push(OffDay {
                        date: d,
                        kind: OffDayKind::Substitute,
                        name_vi: format!("Nghỉ bù {}", h.name_vi),
                        name_en: format!("Substitute day for {}", h.name_en),
                    });
                    break;
                }
            }
        }
    }
    out.sort_by_key(|d| d.date);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn shipped_file_parses_and_covers_2020_2026() {
        let data = CalendarData::shipped();
        assert_eq!(
            data.decisions.keys().copied().collect::<Vec<_>>(),
            (2020..=2026).collect::<Vec<_>>()
        );
        // Every year has New Year (or its substitute) and the Tết break.
        for days in data.decisions.values() {
            assert!(
                days.iter()
                    .filter(|d| d.name_vi.contains("Tết Nguyên đán"))
                    .count()
                    == 5
            );
        }
    }

    #[test]
    fn parser_round_trip_and_errors() {
        let data = CalendarData::shipped();
        let text = format_off_days(&data.off_days(2024));
        let back = parse_off_days(&text).expect("round trip parses");
        assert_eq!(back.get(&2024), Some(&data.off_days(2024)));

        let err = |t: &str| parse_off_days(t).expect_err("must fail");
        assert!(matches!(
            err("2024-01-01\tholiday\tA"),
            CalendarDataError::Syntax { line: 1, .. }
        ));
        assert!(matches!(
            err("# c\n\n2024-13-01\tholiday\tA\tB"),
            CalendarDataError::Syntax { line: 3, .. }
        ));
        assert!(matches!(
            err("2024-01-01\tfeast\tA\tB"),
            CalendarDataError::Syntax { .. }
        ));
        assert!(matches!(
            err("2024-01-01\tholiday\t \tB"),
            CalendarDataError::Syntax { .. }
        ));
        // Saturday 2024-05-04 as a day off / Monday as make-up day.
        assert_eq!(
            err("2024-05-04\tholiday\tA\tB"),
            CalendarDataError::WrongWeekday(date!(2024 - 05 - 04))
        );
        assert_eq!(
            err("2024-05-06\tmakeup_workday\tA\tB"),
            CalendarDataError::WrongWeekday(date!(2024 - 05 - 06))
        );
        assert_eq!(
            err("2024-05-06\tholiday\tA\tB\n2024-05-06\tswapped\tA\tB"),
            CalendarDataError::Duplicate(date!(2024 - 05 - 06))
        );
        // CRLF line endings are accepted.
        assert!(parse_off_days("2024-05-06\tholiday\tA\tB\r\n").is_ok());
    }

    #[test]
    fn set_year_validates() {
        let mut data = CalendarData::default();
        let d = OffDay::new(date!(2030 - 01 - 01), OffDayKind::Holiday, "a", "b");
        assert!(matches!(
            data.set_year(2031, vec![d.clone()]),
            Err(CalendarDataError::WrongYear { .. })
        ));
        assert!(data.set_year(2030, vec![d.clone()]).is_ok());
        assert_eq!(data.off_days(2030), vec![d]);
        assert!(data.clear_year(2030).is_some());
        assert_eq!(data.off_days(2030), rule_based_off_days(2030, &data.rules));
    }

    #[test]
    fn serde_codes() {
        let json = |k: OffDayKind| format!("\"{}\"", k.code());
        for k in [
            OffDayKind::Holiday,
            OffDayKind::Substitute,
            OffDayKind::Swapped,
            OffDayKind::MakeupWorkday,
        ] {
            assert_eq!(OffDayKind::from_code(k.code()), Some(k));
            assert!(json(k).contains('_') == (k == OffDayKind::MakeupWorkday));
        }
    }
}
