//! The lunar calendar against the committed astronomical oracle tables
//! (`scripts/oracle/build_tet_table.py`) and the published facts of the reference.

use congso_calendar::lunar::{self, LunarDate};
use proptest::prelude::*;
use time::macros::{date, format_description};
use time::{Date, Duration};

const TET_TABLE: &str = include_str!("data/tet_hung_kings_1900_2199.tsv");
const MONTH_TABLE: &str = include_str!("data/lunar_months_1900_2199.tsv");

fn parse_date(s: &str) -> Date {
    Date::parse(s, format_description!("[year]-[month]-[day]")).expect("valid date in oracle table")
}

/// Data rows (comments and the header skipped), split on tabs.
fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .skip(1)
        .map(|l| l.split('\t').collect())
}

/// (first day, lunar year, month, leap) of every month in the oracle table.
fn oracle_months() -> Vec<(Date, i32, u8, bool)> {
    rows(MONTH_TABLE)
        .map(|f| {
            (
                parse_date(f[0]),
                f[1].parse().expect("year"),
                f[2].parse().expect("month"),
                f[3] == "1",
            )
        })
        .collect()
}

#[test]
fn tet_hung_kings_and_leap_months_1900_2199_match_the_oracle() {
    let mut years = 0;
    for f in rows(TET_TABLE) {
        let year: i32 = f[0].parse().expect("year");
        let (tet, hung, leap) = (
            parse_date(f[1]),
            parse_date(f[2]),
            f[3].parse::<u8>().expect("leap"),
        );
        assert_eq!(lunar::tet(year), tet, "Tết {year}");
        assert_eq!(lunar::hung_kings(year), hung, "Hùng Kings {year}");
        assert_eq!(
            lunar::leap_month(year),
            (leap != 0).then_some(leap),
            "leap month {year}"
        );
        assert_eq!(lunar::solar_to_lunar(tet), LunarDate::new(1, 1, year));
        assert_eq!(lunar::solar_to_lunar(hung), LunarDate::new(10, 3, year));
        years += 1;
    }
    assert_eq!(years, 300);
}

#[test]
fn every_day_1900_2199_matches_the_oracle_month_table() {
    let months = oracle_months();
    let (first, last) = (date!(1900 - 01 - 01), date!(2199 - 12 - 31));
    assert_eq!(
        months[0].0, first,
        "the table starts with a new moon on 1900-01-01"
    );
    let mut checked = 0;
    for w in months.windows(2) {
        let ((start, year, month, leap), next) = (w[0], w[1].0);
        let len = (next - start).whole_days();
        assert!(len == 29 || len == 30, "{start}: month of {len} days");
        let mut day = start;
        while day < next && day <= last {
            let expected = LunarDate {
                day: ((day - start).whole_days() + 1) as u8,
                month,
                year,
                leap,
            };
            assert_eq!(lunar::solar_to_lunar(day), expected, "{day}");
            checked += 1;
            day += Duration::DAY;
        }
        // The whole month converts back, and the day after its end does not exist.
        if next <= last + Duration::DAY {
            let l = |d: u8| LunarDate {
                day: d,
                month,
                year,
                leap,
            };
            assert_eq!(
                lunar::lunar_to_solar(l(len as u8)),
                Some(next - Duration::DAY)
            );
            assert_eq!(
                lunar::lunar_to_solar(l(len as u8 + 1)),
                None,
                "{year}/{month}/{leap}: day {}",
                len + 1
            );
        }
    }
    assert_eq!(checked, 109_573);
}

#[test]
fn vietnam_differs_from_china_in_1985_2007_2030() {
    // vacanza/holidays VIETNAMESE_CALENDAR_LUNAR_NEW_YEAR_DATES vs Chinese New Year.
    for (year, vn, cn) in [
        (1985, date!(1985 - 01 - 21), date!(1985 - 02 - 20)),
        (2007, date!(2007 - 02 - 17), date!(2007 - 02 - 18)),
        (2030, date!(2030 - 02 - 02), date!(2030 - 02 - 03)),
    ] {
        assert_eq!(lunar::tet(year), vn, "Tết {year}");
        assert_ne!(
            lunar::tet(year),
            cn,
            "{year} must not follow the UTC+8 calendar"
        );
    }
    // 1985 is a whole month apart: China's 1/1 is Vietnam's 1/2.
    assert_eq!(
        lunar::solar_to_lunar(date!(1985 - 02 - 20)),
        LunarDate::new(1, 2, 1985)
    );
    // The other published differing years (vacanza).
    for (year, vn) in [
        (1903, date!(1903 - 01 - 28)),
        (1916, date!(1916 - 02 - 03)),
        (1935, date!(1935 - 02 - 03)),
        (1965, date!(1965 - 02 - 01)),
        (1968, date!(1968 - 01 - 29)),
        (1969, date!(1969 - 02 - 16)),
        (2053, date!(2053 - 02 - 18)),
    ] {
        assert_eq!(lunar::tet(year), vn, "Tết {year}");
    }
}

#[test]
fn reference_tet_and_hung_kings_dates() {
    let tet = [
        (2008, date!(2008 - 02 - 07)),
        (2009, date!(2009 - 01 - 26)),
        (2010, date!(2010 - 02 - 14)),
        (2011, date!(2011 - 02 - 03)),
        (2012, date!(2012 - 01 - 23)),
        (2013, date!(2013 - 02 - 10)),
        (2014, date!(2014 - 01 - 31)),
        (2015, date!(2015 - 02 - 19)),
        (2016, date!(2016 - 02 - 08)),
        (2017, date!(2017 - 01 - 28)),
        (2018, date!(2018 - 02 - 16)),
        (2019, date!(2019 - 02 - 05)),
        (2020, date!(2020 - 01 - 25)),
        (2021, date!(2021 - 02 - 12)),
        (2022, date!(2022 - 02 - 01)),
        (2023, date!(2023 - 01 - 22)),
        (2024, date!(2024 - 02 - 10)),
        (2025, date!(2025 - 01 - 29)),
        (2026, date!(2026 - 02 - 17)),
        (2027, date!(2027 - 02 - 06)),
        (2028, date!(2028 - 01 - 26)),
        (2029, date!(2029 - 02 - 13)),
        (2030, date!(2030 - 02 - 02)),
        (2031, date!(2031 - 01 - 23)),
        (2032, date!(2032 - 02 - 11)),
        (2033, date!(2033 - 01 - 31)),
        (2034, date!(2034 - 02 - 19)),
        (2035, date!(2035 - 02 - 08)),
    ];
    for (year, d) in tet {
        assert_eq!(lunar::tet(year), d, "Tết {year}");
        // The day before Tết (giao thừa day) is the last day of the previous lunar year.
        let eve = lunar::solar_to_lunar(d - Duration::DAY);
        assert_eq!(
            (eve.month, eve.year, eve.leap),
            (12, year - 1, false),
            "{year}"
        );
        assert!(eve.day == 29 || eve.day == 30);
    }
    let hung = [
        (2009, date!(2009 - 04 - 04)), // UTC+8 would give 04-05
        (2020, date!(2020 - 04 - 02)),
        (2021, date!(2021 - 04 - 21)),
        (2022, date!(2022 - 04 - 10)),
        (2023, date!(2023 - 04 - 29)),
        (2024, date!(2024 - 04 - 18)),
        (2025, date!(2025 - 04 - 07)),
        (2026, date!(2026 - 04 - 26)),
        (2027, date!(2027 - 04 - 16)),
        (2028, date!(2028 - 04 - 04)),
        (2029, date!(2029 - 04 - 23)),
        (2030, date!(2030 - 04 - 12)),
        (2031, date!(2031 - 04 - 01)),
        (2032, date!(2032 - 04 - 19)),
        (2033, date!(2033 - 04 - 09)),
        (2034, date!(2034 - 04 - 28)),
        (2035, date!(2035 - 04 - 17)),
    ];
    for (year, d) in hung {
        assert_eq!(lunar::hung_kings(year), d, "Hùng Kings {year}");
    }
}

#[test]
fn reference_leap_months() {
    for (year, month) in [
        (2020, 4),
        (2023, 2),
        (2025, 6),
        (2028, 5),
        (2031, 3),
        (2033, 11),
    ] {
        assert_eq!(lunar::leap_month(year), Some(month), "{year}");
    }
    for year in [2021, 2022, 2024, 2026, 2027, 2029, 2030] {
        assert_eq!(lunar::leap_month(year), None, "{year}");
    }
    // 19/8/2025 = 26/6 nhuận/2025 (the josephanh port's "26/7" is wrong).
    let l = LunarDate {
        day: 26,
        month: 6,
        year: 2025,
        leap: true,
    };
    assert_eq!(lunar::solar_to_lunar(date!(2025 - 08 - 19)), l);
    assert_eq!(lunar::lunar_to_solar(l), Some(date!(2025 - 08 - 19)));
    assert_eq!(l.to_string(), "26/6 nhuận/2025");
    // The regular month 6 of 2025 comes first.
    assert_eq!(
        lunar::lunar_to_solar(LunarDate::new(26, 6, 2025)),
        Some(date!(2025 - 07 - 20))
    );
    // amlich-core's known errors (stack.md §2.1): 2023 leap month is 2, not 1.
    assert_eq!(
        lunar::solar_to_lunar(date!(2023 - 03 - 22)),
        LunarDate {
            day: 1,
            month: 2,
            year: 2023,
            leap: true
        }
    );
    assert_eq!(
        lunar::solar_to_lunar(date!(2023 - 02 - 20)),
        LunarDate::new(1, 2, 2023)
    );
    assert_eq!(
        lunar::solar_to_lunar(date!(2026 - 08 - 13)),
        LunarDate::new(1, 7, 2026)
    );
    // 1967-07-07: DE421 puts the new moon 0.6 s before midnight UTC+7 (lunar-vn: 07-08).
    assert_eq!(
        lunar::solar_to_lunar(date!(1967 - 07 - 07)),
        LunarDate::new(1, 6, 1967)
    );
}

#[test]
fn nonexistent_lunar_dates_are_none() {
    // Leap flag on a month that is not the leap month.
    assert_eq!(
        lunar::lunar_to_solar(LunarDate {
            day: 1,
            month: 3,
            year: 2024,
            leap: true
        }),
        None
    );
    assert_eq!(
        lunar::lunar_to_solar(LunarDate {
            day: 1,
            month: 5,
            year: 2025,
            leap: true
        }),
        None
    );
    for l in [
        LunarDate::new(0, 1, 2025),
        LunarDate::new(31, 1, 2025),
        LunarDate::new(1, 0, 2025),
        LunarDate::new(1, 13, 2025),
    ] {
        assert_eq!(lunar::lunar_to_solar(l), None, "{l:?}");
    }
    // Every year: only the leap month accepts the leap flag.
    for year in 1900..=2199 {
        for month in 1..=12u8 {
            let leap = LunarDate {
                day: 1,
                month,
                year,
                leap: true,
            };
            assert_eq!(
                lunar::lunar_to_solar(leap).is_some(),
                lunar::leap_month(year) == Some(month),
                "{year}/{month}"
            );
        }
    }
}

#[test]
fn exhaustive_round_trip_1900_2199() {
    let mut day = date!(1900 - 01 - 01);
    while day <= date!(2199 - 12 - 31) {
        let l = lunar::solar_to_lunar(day);
        assert_eq!(lunar::lunar_to_solar(l), Some(day), "{day} -> {l}");
        day += Duration::DAY;
    }
}

#[test]
fn lunar_date_serde_shape() {
    let l = LunarDate {
        day: 26,
        month: 6,
        year: 2025,
        leap: true,
    };
    let json = serde_json::to_string(&l).expect("serialize");
    assert_eq!(json, r#"{"day":26,"month":6,"year":2025,"leap":true}"#);
    assert_eq!(
        serde_json::from_str::<LunarDate>(&json).expect("deserialize"),
        l
    );
}

proptest! {
    #[test]
    fn round_trip_1901_2099(offset in 0i64..=(date!(2099 - 12 - 31) - date!(1901 - 01 - 01)).whole_days()) {
        let day = date!(1901 - 01 - 01) + Duration::days(offset);
        let l = lunar::solar_to_lunar(day);
        prop_assert!((1..=30).contains(&l.day) && (1..=12).contains(&l.month));
        prop_assert!(l.year == day.year() || l.year == day.year() - 1);
        prop_assert_eq!(lunar::lunar_to_solar(l), Some(day));
    }
}
