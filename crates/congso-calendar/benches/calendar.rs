//! Throughput checks (no criterion: plain `Instant`, `harness = false`).
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-cal cargo bench -p congso-calendar
//! ```
//!
//! (a) `add_working_days` with pseudo-random starts in 2020–2030 and n in 1..60 — target
//!     ≥ 5,000,000 per second on one core;
//! (b) the whole 1900–2199 solar→lunar table, cold (including the month-table build) —
//!     target < 1 s.
//!
//! Exits non-zero if a target is missed.

use std::hint::black_box;
use std::time::Instant;

use congso_calendar::{CalendarData, WorkingCalendar, solar_to_lunar};
use time::Date;
use time::macros::date;

fn main() {
    // (b) first, so the lunar table is cold.
    let t = Instant::now();
    let (first, last) = (date!(1900 - 01 - 01), date!(2199 - 12 - 31));
    let mut day = first;
    let mut days = 0u64;
    let mut checksum = 0u64;
    loop {
        let l = solar_to_lunar(black_box(day));
        checksum = checksum.wrapping_add(u64::from(l.day) + u64::from(l.leap));
        days += 1;
        match day.next_day() {
            Some(next) if next <= last => day = next,
            _ => break,
        }
    }
    let lunar_secs = t.elapsed().as_secs_f64();
    println!(
        "solar->lunar 1900-2199: {days} days in {:.1} ms (cold, checksum {checksum})",
        lunar_secs * 1e3
    );

    let t = Instant::now();
    let cal = WorkingCalendar::new(&CalendarData::shipped());
    println!(
        "WorkingCalendar::new: {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    // (a) xorshift starts in 2020-01-01..2030-12-31, n in 1..60.
    let base = date!(2020 - 01 - 01).to_julian_day();
    let span = (date!(2030 - 12 - 31).to_julian_day() - base + 1) as u64;
    let starts: Vec<(Date, u32)> = {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let d = Date::from_julian_day(base + (x % span) as i32)
                    .unwrap_or(date!(2025 - 01 - 01));
                (d, 1 + ((x >> 32) % 59) as u32)
            })
            .collect()
    };
    let rounds = 5_000u32;
    let t = Instant::now();
    let mut acc = 0i64;
    for _ in 0..rounds {
        for &(d, n) in &starts {
            acc = acc.wrapping_add(i64::from(
                cal.add_working_days(black_box(d), black_box(n))
                    .to_julian_day(),
            ));
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let ops = f64::from(rounds) * starts.len() as f64;
    let per_sec = ops / secs;
    println!(
        "add_working_days: {ops:.0} calls in {:.1} ms = {:.1} million/s ({:.1} ns/call, checksum {acc})",
        secs * 1e3,
        per_sec / 1e6,
        secs * 1e9 / ops
    );

    let mut failed = false;
    if per_sec < 5_000_000.0 {
        println!("FAIL: add_working_days below 5,000,000/s");
        failed = true;
    }
    if lunar_secs >= 1.0 {
        println!("FAIL: lunar table took 1 s or more");
        failed = true;
    }
    if failed {
        std::process::exit(1);
    }
    println!("OK");
}
