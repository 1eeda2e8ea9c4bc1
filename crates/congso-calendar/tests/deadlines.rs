//! Holidays, working days and deadline arithmetic (domain-rules.md §4).

use std::sync::OnceLock;

use congso_calendar::holidays::{format_off_days, parse_off_days, statutory_holidays};
use congso_calendar::{
    Adjacent, CalendarData, HolidayRules, OffDay, OffDayKind, OfficeHours, TimeLimit,
    WorkingCalendar, rule_based_off_days,
};
use proptest::prelude::*;
use time::macros::{date, datetime, time};
use time::{Date, Duration, PrimitiveDateTime, Weekday};

fn cal() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingCalendar::new(&CalendarData::shipped()))
}

fn oh() -> OfficeHours {
    OfficeHours::default()
}

fn dates(days: &[OffDay]) -> Vec<Date> {
    days.iter().map(|d| d.date).collect()
}

// ---------------------------------------------------------------------------------------
// Worked examples (§4.3) and checkable fact 24
// ---------------------------------------------------------------------------------------

#[test]
fn worked_examples_of_the_reference() {
    let c = cal();
    let cases = [
        // (received, working days, due, why)
        (
            date!(2026 - 02 - 13),
            5,
            date!(2026 - 02 - 27),
            "Tết 16–20/2/2026",
        ),
        (
            date!(2024 - 04 - 26),
            3,
            date!(2024 - 05 - 04),
            "27/4–1/5 off, Sat 4/5/2024 make-up day",
        ),
        (
            date!(2025 - 01 - 24),
            1,
            date!(2025 - 02 - 03),
            "Tết 25/1–2/2/2025",
        ),
        (
            date!(2025 - 01 - 24),
            10,
            date!(2025 - 02 - 14),
            "Tết 25/1–2/2/2025",
        ),
        (
            date!(2025 - 12 - 31),
            2,
            date!(2026 - 01 - 06),
            "1/1 holiday, 2/1/2026 swapped",
        ),
        (
            date!(2026 - 01 - 09),
            1,
            date!(2026 - 01 - 10),
            "Sat 10/1/2026 make-up day",
        ),
        (
            date!(2025 - 08 - 29),
            1,
            date!(2025 - 09 - 03),
            "Quốc khánh 30/8–2/9/2025",
        ),
    ];
    for (received, n, due, why) in cases {
        assert_eq!(
            c.add_working_days(received, n),
            due,
            "{received} + {n} ({why})"
        );
        assert_eq!(c.working_days_between(received, due), i64::from(n));
    }
    assert_eq!(date!(2024 - 05 - 04).weekday(), Weekday::Saturday);
    assert!(c.is_working_day(date!(2024 - 05 - 04)) && c.is_working_day(date!(2026 - 01 - 10)));
    assert!(!c.is_working_day(date!(2024 - 04 - 29)) && !c.is_working_day(date!(2026 - 01 - 02)));
}

#[test]
fn start_day_is_not_counted_and_zero_is_identity() {
    let c = cal();
    // Monday + 1 = Tuesday; Saturday + 1 = Monday; Friday + 1 = Monday.
    assert_eq!(
        c.add_working_days(date!(2026 - 03 - 02), 1),
        date!(2026 - 03 - 03)
    );
    assert_eq!(
        c.add_working_days(date!(2026 - 03 - 07), 1),
        date!(2026 - 03 - 09)
    );
    assert_eq!(
        c.add_working_days(date!(2026 - 03 - 06), 1),
        date!(2026 - 03 - 09)
    );
    assert_eq!(
        c.add_working_days(date!(2026 - 03 - 07), 0),
        date!(2026 - 03 - 07)
    );
    assert_eq!(
        c.next_working_day(date!(2026 - 02 - 13)),
        date!(2026 - 02 - 23)
    );
    assert_eq!(
        c.working_days_between(date!(2026 - 03 - 09), date!(2026 - 03 - 02)),
        -5
    );
}

// ---------------------------------------------------------------------------------------
// Shipped decisions and rule fallback
// ---------------------------------------------------------------------------------------

#[test]
fn shipped_decisions_match_the_reference_breaks() {
    let c = cal();
    let off = |from: Date, to: Date| {
        let mut d = from;
        while d <= to {
            assert!(!c.is_working_day(d), "{d} should be off");
            d += Duration::DAY;
        }
        assert!(
            c.is_working_day(from - Duration::DAY)
                || (from - Duration::DAY).weekday() == Weekday::Sunday
        );
        assert!(
            c.is_working_day(to + Duration::DAY),
            "{} should be worked",
            to + Duration::DAY
        );
    };
    off(date!(2020 - 01 - 23), date!(2020 - 01 - 29));
    off(date!(2021 - 02 - 10), date!(2021 - 02 - 16));
    off(date!(2022 - 01 - 29), date!(2022 - 02 - 06));
    off(date!(2023 - 01 - 20), date!(2023 - 01 - 26));
    off(date!(2023 - 04 - 29), date!(2023 - 05 - 03));
    off(date!(2024 - 02 - 08), date!(2024 - 02 - 14));
    off(date!(2024 - 04 - 27), date!(2024 - 05 - 01));
    off(date!(2024 - 08 - 31), date!(2024 - 09 - 03));
    off(date!(2025 - 01 - 25), date!(2025 - 02 - 02));
    off(date!(2025 - 04 - 30), date!(2025 - 05 - 04));
    off(date!(2025 - 08 - 30), date!(2025 - 09 - 02));
    off(date!(2026 - 01 - 01), date!(2026 - 01 - 04));
    off(date!(2026 - 02 - 14), date!(2026 - 02 - 22));
    off(date!(2026 - 08 - 29), date!(2026 - 09 - 02));
    // Single days.
    for d in [
        date!(2024 - 04 - 18),
        date!(2025 - 04 - 07),
        date!(2026 - 04 - 27),
        date!(2020 - 09 - 02),
    ] {
        assert!(!c.is_working_day(d), "{d}");
    }
    // 2020 still had a 1-day National Day (Labor Code 2012): 3/9/2020 is worked.
    assert!(c.is_working_day(date!(2020 - 09 - 03)));
    // Make-up Saturdays.
    for d in [
        date!(2024 - 05 - 04),
        date!(2025 - 04 - 26),
        date!(2026 - 01 - 10),
        date!(2026 - 08 - 22),
    ] {
        assert!(c.is_working_day(d), "{d}");
    }
    // 11 holiday days a year from 2021 (weekday holidays + substitutes; swaps excluded).
    let data = CalendarData::shipped();
    for year in 2021..=2026 {
        let n = data
            .off_days(year)
            .iter()
            .filter(|d| matches!(d.kind, OffDayKind::Holiday | OffDayKind::Substitute))
            .count();
        assert_eq!(n, 11, "{year}");
    }
    assert_eq!(data.off_days(2020).len(), 10);
}

#[test]
fn substitute_days_2023_from_the_rules() {
    // Hùng Kings on Sat 29/4/2023 → Tue 2/5; 30/4 on Sun → Wed 3/5 (Art. 111 cl. 3).
    let rules = rule_based_off_days(2023, &HolidayRules::default());
    let find = |d: Date| rules.iter().find(|o| o.date == d).cloned();
    let tue = find(date!(2023 - 05 - 02)).expect("2/5 off");
    assert_eq!(tue.kind, OffDayKind::Substitute);
    assert_eq!(tue.name_vi, "Nghỉ bù Giỗ Tổ Hùng Vương");
    assert_eq!(
        tue.name_en,
        "Substitute day for Hùng Kings' Commemoration Day"
    );
    assert_eq!(
        find(date!(2023 - 05 - 03)).map(|o| o.name_vi),
        Some("Nghỉ bù Ngày Chiến thắng".to_owned())
    );
    assert_eq!(
        find(date!(2023 - 05 - 01)).map(|o| o.kind),
        Some(OffDayKind::Holiday)
    );
    // The shipped decision agrees on these days …
    let shipped = CalendarData::shipped();
    for d in [
        date!(2023 - 05 - 01),
        date!(2023 - 05 - 02),
        date!(2023 - 05 - 03),
        date!(2023 - 01 - 02),
        date!(2023 - 09 - 01),
        date!(2023 - 09 - 04),
    ] {
        assert!(shipped.off_days(2023).iter().any(|o| o.date == d), "{d}");
        assert!(rules.iter().any(|o| o.date == d), "{d}");
    }
    // … but the decided Tết break (20–26/1) replaces the rule default (21–27/1).
    assert!(!cal().is_working_day(date!(2023 - 01 - 20)));
    assert!(cal().is_working_day(date!(2023 - 01 - 27)));
    assert!(rules.iter().any(|o| o.date == date!(2023 - 01 - 27)));
    assert!(!rules.iter().any(|o| o.date == date!(2023 - 01 - 20)));
}

#[test]
fn year_without_decision_falls_back_to_rules_2031() {
    let data = CalendarData::shipped();
    assert!(!data.has_decision(2031));
    // Tết Thu 23/1/2031: 22/1 (last day of the old year) … 26/1; Sat 25 and Sun 26
    // are replaced by Mon 27 and Tue 28.
    let expected = [
        (date!(2031 - 01 - 01), OffDayKind::Holiday),
        (date!(2031 - 01 - 22), OffDayKind::Holiday),
        (date!(2031 - 01 - 23), OffDayKind::Holiday),
        (date!(2031 - 01 - 24), OffDayKind::Holiday),
        (date!(2031 - 01 - 27), OffDayKind::Substitute),
        (date!(2031 - 01 - 28), OffDayKind::Substitute),
        (date!(2031 - 04 - 01), OffDayKind::Holiday),
        (date!(2031 - 04 - 30), OffDayKind::Holiday),
        (date!(2031 - 05 - 01), OffDayKind::Holiday),
        (date!(2031 - 09 - 01), OffDayKind::Holiday),
        (date!(2031 - 09 - 02), OffDayKind::Holiday),
    ];
    let got: Vec<(Date, OffDayKind)> = data
        .off_days(2031)
        .iter()
        .map(|o| (o.date, o.kind))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        cal().add_working_days(date!(2031 - 01 - 21), 1),
        date!(2031 - 01 - 29)
    );
    // Before 2021 the rules give a single National Day.
    let y2019 = dates(&rule_based_off_days(2019, &HolidayRules::default()));
    assert!(
        y2019.contains(&date!(2019 - 09 - 02))
            && !y2019.contains(&date!(2019 - 09 - 03))
            && !y2019.contains(&date!(2019 - 09 - 01))
    );
}

#[test]
fn national_day_adjacent_is_configurable() {
    let after = HolidayRules {
        national_day_adjacent: Adjacent::After,
        ..HolidayRules::default()
    };
    let d = dates(&rule_based_off_days(2027, &after));
    assert!(d.contains(&date!(2027 - 09 - 03)) && !d.contains(&date!(2027 - 09 - 01)));
    let d = dates(&rule_based_off_days(2027, &HolidayRules::default()));
    assert!(d.contains(&date!(2027 - 09 - 01)) && !d.contains(&date!(2027 - 09 - 03)));
}

#[test]
fn culture_day_24_11_with_effective_date() {
    let culture = |from: Option<Date>, year: i32| {
        let rules = HolidayRules {
            culture_day_from: from,
            ..HolidayRules::default()
        };
        rule_based_off_days(year, &rules)
    };
    // Disabled by default.
    assert!(!dates(&culture(None, 2027)).contains(&date!(2027 - 11 - 24)));
    assert!(cal().is_working_day(date!(2027 - 11 - 24)));
    // Effective 2027-01-01: Wednesday 24/11/2027 is off, named in both languages.
    let y = culture(Some(date!(2027 - 01 - 01)), 2027);
    let day = y
        .iter()
        .find(|o| o.date == date!(2027 - 11 - 24))
        .expect("24/11/2027 off");
    assert_eq!(
        (day.name_vi.as_str(), day.name_en.as_str()),
        ("Ngày Văn hóa Việt Nam", "Vietnamese Culture Day")
    );
    assert_eq!(y.len(), 12);
    // Not yet effective in 2027 when it starts in 2028.
    assert!(!dates(&culture(Some(date!(2028 - 01 - 01)), 2027)).contains(&date!(2027 - 11 - 24)));
    // An effective date after 24/11 of that year also excludes it.
    assert!(!dates(&culture(Some(date!(2027 - 12 - 01)), 2027)).contains(&date!(2027 - 11 - 24)));
    // Saturday 24/11/2029 → substitute Monday 26/11/2029.
    let y = culture(Some(date!(2027 - 01 - 01)), 2029);
    let sub = y
        .iter()
        .find(|o| o.date == date!(2029 - 11 - 26))
        .expect("substitute");
    assert_eq!(sub.kind, OffDayKind::Substitute);
    // A calendar built with it counts around the day; explicit years ignore the rule.
    let mut data = CalendarData::shipped();
    data.rules.culture_day_from = Some(date!(2026 - 01 - 01));
    let c = WorkingCalendar::new(&data);
    assert!(!c.is_working_day(date!(2027 - 11 - 24)));
    assert_eq!(
        c.add_working_days(date!(2027 - 11 - 23), 1),
        date!(2027 - 11 - 25)
    );
    assert!(
        c.is_working_day(date!(2026 - 11 - 24)),
        "2026 has an explicit decision"
    );
}

#[test]
fn administrator_edit_of_a_year() {
    // A decision for 2030 in the data-file shape: Tết 2030 (Sat 2/2) with a swap.
    let text = "\
# Tết Canh Tuất
2030-01-01\tholiday\tTết Dương lịch\tNew Year's Day
2030-01-31\tswapped\tNghỉ hoán đổi\tSwapped day off
2030-02-01\tholiday\tTết Nguyên đán\tLunar New Year (Tết)
2030-02-04\tholiday\tTết Nguyên đán\tLunar New Year (Tết)
2030-02-05\tholiday\tTết Nguyên đán\tLunar New Year (Tết)
2030-02-06\tsubstitute\tNghỉ bù Tết Nguyên đán\tSubstitute day for Lunar New Year (Tết)
2030-02-07\tsubstitute\tNghỉ bù Tết Nguyên đán\tSubstitute day for Lunar New Year (Tết)
2030-02-09\tmakeup_workday\tLàm bù\tMake-up working day
";
    let mut parsed = parse_off_days(text).expect("valid");
    let year = parsed.remove(&2030).expect("2030");
    assert_eq!(
        parse_off_days(&format_off_days(&year))
            .expect("round trip")
            .get(&2030),
        Some(&year)
    );
    let mut data = CalendarData::shipped();
    data.set_year(2030, year.clone()).expect("valid year");
    assert_eq!(data.off_days(2030), year);
    let c = WorkingCalendar::new(&data);
    assert!(!c.is_working_day(date!(2030 - 01 - 31)));
    assert!(c.is_working_day(date!(2030 - 02 - 09)), "make-up Saturday");
    assert!(
        c.is_working_day(date!(2030 - 04 - 30)),
        "an explicit year is used exactly"
    );
    assert_eq!(
        c.add_working_days(date!(2030 - 01 - 30), 1),
        date!(2030 - 02 - 08)
    );
    assert_eq!(
        c.add_working_days(date!(2030 - 01 - 30), 2),
        date!(2030 - 02 - 09)
    );
}

#[test]
fn statutory_list_keeps_weekend_holidays() {
    let h = statutory_holidays(2026, &HolidayRules::default());
    assert_eq!(h.len(), 11);
    assert!(
        h.iter()
            .any(|o| o.date == date!(2026 - 04 - 26) && o.name_vi == "Giỗ Tổ Hùng Vương")
    );
    let tet: Vec<Date> = h
        .iter()
        .filter(|o| o.name_vi == "Tết Nguyên đán")
        .map(|o| o.date)
        .collect();
    assert_eq!(
        tet,
        vec![
            date!(2026 - 02 - 16),
            date!(2026 - 02 - 17),
            date!(2026 - 02 - 18),
            date!(2026 - 02 - 19),
            date!(2026 - 02 - 20)
        ]
    );
}

#[test]
fn off_day_serde_shape() {
    let d = OffDay::new(
        date!(2024 - 05 - 04),
        OffDayKind::MakeupWorkday,
        "Làm bù",
        "Make-up working day",
    );
    let json = serde_json::to_value(&d).expect("serialize");
    assert_eq!(json["kind"], "makeup_workday");
    assert_eq!(
        serde_json::to_value(OffDayKind::Swapped).expect("kind"),
        "swapped"
    );
    assert_eq!(
        serde_json::to_value(OffDayKind::Substitute).expect("kind"),
        "substitute"
    );
    assert_eq!(
        serde_json::to_value(OffDayKind::Holiday).expect("kind"),
        "holiday"
    );
    assert_eq!(
        serde_json::from_value::<OffDay>(json).expect("deserialize"),
        d
    );
}

// ---------------------------------------------------------------------------------------
// Calendar days (Art. 147–148)
// ---------------------------------------------------------------------------------------

#[test]
fn calendar_days_move_off_a_day_off() {
    let c = cal();
    // Mon 2/3/2026 + 3 = Thu 5/3, no move.
    assert_eq!(
        c.add_calendar_days(date!(2026 - 03 - 02), 3),
        date!(2026 - 03 - 05)
    );
    // Tue 10/2/2026 + 5 = Sun 15/2 → Tết 16–20, weekend 21–22 → Mon 23/2.
    assert_eq!(
        c.add_calendar_days(date!(2026 - 02 - 10), 5),
        date!(2026 - 02 - 23)
    );
    // Ending on a Saturday → Monday.
    assert_eq!(
        c.add_calendar_days(date!(2026 - 03 - 02), 5),
        date!(2026 - 03 - 09)
    );
    // Ending on a make-up Saturday: it is a working day, no move.
    assert_eq!(
        c.add_calendar_days(date!(2026 - 01 - 03), 7),
        date!(2026 - 01 - 10)
    );
    // 30 days from 1/8/2025 = Sun 31/8 → 1/9, 2/9 off → Wed 3/9.
    assert_eq!(
        c.add_calendar_days(date!(2025 - 08 - 01), 30),
        date!(2025 - 09 - 03)
    );
    assert_eq!(
        c.add_calendar_days(date!(2026 - 03 - 07), 0),
        date!(2026 - 03 - 07)
    );
}

// ---------------------------------------------------------------------------------------
// Working hours
// ---------------------------------------------------------------------------------------

#[test]
fn working_hours_across_lunch_night_weekend_and_tet() {
    let (c, h) = (cal(), oh());
    let cases: [(PrimitiveDateTime, u32, PrimitiveDateTime); 8] = [
        // 10:00 + 2 h: 90 min to 11:30, then 30 min from 13:30.
        (datetime!(2026-03-02 10:00), 2, datetime!(2026-03-02 14:00)),
        // 16:00 + 2 h: 1 h today, 1 h tomorrow from 07:00.
        (datetime!(2026-03-02 16:00), 2, datetime!(2026-03-03 08:00)),
        // Friday 16:00 + 3 h → Monday 09:00.
        (datetime!(2026-03-06 16:00), 3, datetime!(2026-03-09 09:00)),
        // Saturday: counting starts Monday 07:00.
        (datetime!(2026-03-07 10:00), 1, datetime!(2026-03-09 08:00)),
        // During lunch: counting starts 13:30.
        (datetime!(2026-03-02 12:00), 1, datetime!(2026-03-02 14:30)),
        // A whole day from opening ends at closing the same day.
        (datetime!(2026-03-02 07:00), 8, datetime!(2026-03-02 17:00)),
        // 16 h from 07:00 Monday ends Tuesday 17:00.
        (datetime!(2026-03-02 07:00), 16, datetime!(2026-03-03 17:00)),
        // Friday 13/2/2026 16:00 + 2 h: Tết 16–20/2 → Monday 23/2 08:00.
        (datetime!(2026-02-13 16:00), 2, datetime!(2026-02-23 08:00)),
    ];
    for (start, hours, end) in cases {
        assert_eq!(
            c.add_working_hours(start, hours, &h),
            end,
            "{start} + {hours} h"
        );
        // Exact: the office minutes in [start, end) equal the limit, even when `start` is
        // outside office hours.
        assert_eq!(
            c.working_minutes_between(start, end, &h),
            i64::from(hours) * 60
        );
    }
    // A limit that runs out exactly at a session end stops there.
    assert_eq!(
        c.add_working_minutes(datetime!(2026-03-02 10:00), 90, &h),
        datetime!(2026-03-02 11:30)
    );
    assert_eq!(
        c.add_working_minutes(datetime!(2026-03-02 10:00), 91, &h),
        datetime!(2026-03-02 13:31)
    );
    assert_eq!(
        c.add_working_minutes(datetime!(2026-03-02 18:00), 0, &h),
        datetime!(2026-03-02 18:00)
    );
    // Make-up Saturday 10/1/2026 is a working day for hours too.
    assert_eq!(
        c.add_working_hours(datetime!(2026-01-09 16:00), 2, &h),
        datetime!(2026-01-10 08:00)
    );
}

#[test]
fn working_minutes_between_examples() {
    let (c, h) = (cal(), oh());
    assert_eq!(
        c.working_minutes_between(datetime!(2026-03-02 10:00), datetime!(2026-03-02 14:00), &h),
        120
    );
    assert_eq!(
        c.working_minutes_between(datetime!(2026-03-02 14:00), datetime!(2026-03-02 10:00), &h),
        -120
    );
    // Friday 16:00 → Monday 08:00 = 60 + 60.
    assert_eq!(
        c.working_minutes_between(datetime!(2026-03-06 16:00), datetime!(2026-03-09 08:00), &h),
        120
    );
    // A whole week = 5 × 480.
    assert_eq!(
        c.working_minutes_between(datetime!(2026-03-02 00:00), datetime!(2026-03-09 00:00), &h),
        2400
    );
    // Tết week 16–20/2/2026 has none.
    assert_eq!(
        c.working_minutes_between(datetime!(2026-02-14 00:00), datetime!(2026-02-23 07:00), &h),
        0
    );
    // Seconds are kept: 10:00:30 + 1 min = 10:01:30.
    assert_eq!(
        c.add_working_minutes(datetime!(2026-03-02 10:00:30), 1, &h),
        datetime!(2026-03-02 10:01:30)
    );
}

#[test]
fn office_hours_are_configurable() {
    let h: OfficeHours = "08:00-12:00, 13:00-17:30".parse().expect("valid");
    assert_eq!(h.daily_minutes(), 510);
    assert_eq!((h.opening(), h.closing()), (time!(08:00), time!(17:30)));
    assert_eq!(h.to_string(), "08:00-12:00,13:00-17:30");
    assert_eq!(
        cal().add_working_hours(datetime!(2026-03-02 11:00), 2, &h),
        datetime!(2026-03-02 14:00)
    );
    assert_eq!(
        cal().due(datetime!(2026-03-02 09:00), TimeLimit::WorkingDays(1), &h),
        datetime!(2026-03-03 17:30)
    );
    for bad in [
        "",
        "08:00",
        "08:00-07:00",
        "08:00-12:00,11:00-13:00",
        "25:00-26:00",
        "8h-12h",
    ] {
        assert!(bad.parse::<OfficeHours>().is_err(), "{bad:?}");
    }
    assert_eq!(
        serde_json::to_string(&OfficeHours::default()).expect("ser"),
        "\"07:00-11:30,13:30-17:00\""
    );
    assert_eq!(
        serde_json::from_str::<OfficeHours>("\"08:00-12:00,13:00-17:30\"").expect("de"),
        h
    );
    assert!(serde_json::from_str::<OfficeHours>("\"12:00-08:00\"").is_err());
    assert_eq!(OfficeHours::default().daily_minutes(), 480);
    assert!(OfficeHours::new(&[]).is_err());
}

// ---------------------------------------------------------------------------------------
// Intake cut-off and due moments
// ---------------------------------------------------------------------------------------

#[test]
fn intake_cutoff() {
    let (c, h) = (cal(), oh());
    let cutoff = Some(time!(15:00));
    // Received Monday 15:30 after a 15:00 cut-off: counts from Tuesday; 1 wd → Wednesday.
    let base = c.effective_receipt(datetime!(2026-03-02 15:30), cutoff);
    assert_eq!(base, date!(2026 - 03 - 03));
    assert_eq!(c.add_working_days(base, 1), date!(2026 - 03 - 04));
    // Before or at the cut-off: the receipt day itself; 1 wd → Tuesday.
    assert_eq!(
        c.effective_receipt(datetime!(2026-03-02 14:59), cutoff),
        date!(2026 - 03 - 02)
    );
    assert_eq!(
        c.effective_receipt(datetime!(2026-03-02 15:00), cutoff),
        date!(2026 - 03 - 02)
    );
    assert_eq!(
        c.add_working_days(c.effective_receipt(datetime!(2026-03-02 14:59), cutoff), 1),
        date!(2026 - 03 - 03)
    );
    // No cut-off: late afternoon still counts today.
    assert_eq!(
        c.effective_receipt(datetime!(2026-03-02 16:59), None),
        date!(2026 - 03 - 02)
    );
    // On a day off (Saturday, Tết), even without cut-off: next working day.
    assert_eq!(
        c.effective_receipt(datetime!(2026-03-07 09:00), None),
        date!(2026 - 03 - 09)
    );
    assert_eq!(
        c.effective_receipt(datetime!(2026-02-18 09:00), cutoff),
        date!(2026 - 02 - 23)
    );
    // Friday after the cut-off → Monday; 1 wd → Tuesday 17:00.
    let base = c.effective_receipt(datetime!(2026-03-06 16:00), cutoff);
    assert_eq!(base, date!(2026 - 03 - 09));
    assert_eq!(
        c.due(
            PrimitiveDateTime::new(base, time!(07:00)),
            TimeLimit::WorkingDays(1),
            &h
        ),
        datetime!(2026-03-10 17:00)
    );
}

#[test]
fn due_moments_per_unit() {
    let (c, h) = (cal(), oh());
    let start = datetime!(2026-02-13 10:00);
    assert_eq!(
        c.due(start, TimeLimit::WorkingDays(5), &h),
        datetime!(2026-02-27 17:00)
    );
    assert_eq!(
        c.due(start, TimeLimit::CalendarDays(3), &h),
        datetime!(2026-02-23 17:00)
    );
    assert_eq!(
        c.due(start, TimeLimit::WorkingHours(4), &h),
        datetime!(2026-02-13 16:00)
    );
    assert_eq!(
        c.due(datetime!(2026-02-13 15:00), TimeLimit::WorkingHours(4), &h),
        datetime!(2026-02-23 09:00)
    );
    assert_eq!(
        serde_json::to_string(&TimeLimit::WorkingDays(10)).expect("ser"),
        r#"{"unit":"working_days","value":10}"#
    );
    assert_eq!(
        serde_json::to_string(&TimeLimit::CalendarDays(30)).expect("ser"),
        r#"{"unit":"calendar_days","value":30}"#
    );
    assert_eq!(
        serde_json::from_str::<TimeLimit>(r#"{"unit":"working_hours","value":8}"#).expect("de"),
        TimeLimit::WorkingHours(8)
    );
}

// ---------------------------------------------------------------------------------------
// Table edges
// ---------------------------------------------------------------------------------------

#[test]
fn counting_across_the_table_edges() {
    let c = cal();
    // 2199-12-30 (Mon) + 5 crosses into 2200 (computed from the rules: 1/1/2200 is off).
    let end = c.add_working_days(date!(2199 - 12 - 30), 5);
    assert!(!c.is_working_day(date!(2200 - 01 - 01)));
    assert!(c.is_working_day(end) && end.year() == 2200);
    assert_eq!(c.working_days_between(date!(2199 - 12 - 30), end), 5);
    // Before 1900 likewise.
    let start = date!(1899 - 12 - 20);
    let end = c.add_working_days(start, 20);
    assert!(end.year() == 1900 && c.is_working_day(end));
    assert_eq!(c.working_days_between(start, end), 20);
    assert_eq!(c.add_working_days(Date::MAX, 3), Date::MAX);
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

fn any_date() -> impl Strategy<Value = Date> {
    let base = date!(2018 - 01 - 01);
    (0i64..(365 * 12)).prop_map(move |o| base + Duration::days(o))
}

proptest! {
    #[test]
    fn add_working_days_properties(d in any_date(), e in any_date(), n in 0u32..400) {
        let c = cal();
        let r = c.add_working_days(d, n);
        let r1 = c.add_working_days(d, n + 1);
        prop_assert!(r1 > r, "n+1 lands strictly after n");
        prop_assert!(c.is_working_day(r1), "the result is a working day");
        if n > 0 {
            prop_assert!(r > d && c.is_working_day(r));
            prop_assert_eq!(c.working_days_between(d, r), i64::from(n));
        }
        // Monotone in the start date.
        let (lo, hi) = if d <= e { (d, e) } else { (e, d) };
        prop_assert!(c.add_working_days(lo, n) <= c.add_working_days(hi, n));
        // Composition: n then 1 equals n + 1 (for n > 0; from a day off 0 is the day itself).
        if n > 0 {
            prop_assert_eq!(c.add_working_days(r, 1), r1);
        }
    }

    #[test]
    fn add_calendar_days_properties(d in any_date(), n in 1u32..120) {
        let c = cal();
        let r = c.add_calendar_days(d, n);
        prop_assert!(r >= d + Duration::days(i64::from(n)));
        prop_assert!(c.is_working_day(r));
        // Nothing between the nominal end and the result is a working day.
        let mut x = d + Duration::days(i64::from(n));
        while x < r {
            prop_assert!(!c.is_working_day(x));
            x += Duration::DAY;
        }
    }

    #[test]
    fn working_minutes_inverse(d in any_date(), minute in 0u32..1440, m in 1u32..5000) {
        let (c, h) = (cal(), oh());
        let start = PrimitiveDateTime::new(d, time::Time::MIDNIGHT + Duration::minutes(i64::from(minute)));
        let end = c.add_working_minutes(start, m, &h);
        prop_assert!(end > start);
        prop_assert_eq!(c.working_minutes_between(start, end, &h), i64::from(m));
        prop_assert!(c.add_working_minutes(start, m + 1, &h) > end);
    }
}
