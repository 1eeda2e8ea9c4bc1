//! Prints the Vietnamese lunar date of every day in a range, one line per day:
//! `YYYY-MM-DD<TAB>day<TAB>month<TAB>year<TAB>leap` (leap is 0 or 1).
//!
//! ```text
//! cargo run -p congso-calendar --example lunar_table -- 1901-01-01 2099-12-31
//! ```
//!
//! The format is the input of `scripts/oracle/compare_lunar_vn.py`.

use std::io::{BufWriter, Write};

use time::Date;
use time::macros::format_description;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, to] = args.as_slice() else {
        return Err("usage: lunar_table FROM TO (dates as YYYY-MM-DD)".into());
    };
    let fmt = format_description!("[year]-[month]-[day]");
    let (from, to) = (Date::parse(from, fmt)?, Date::parse(to, fmt)?);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut day = from;
    while day <= to {
        let l = congso_calendar::lunar::solar_to_lunar(day);
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            day.format(fmt)?,
            l.day,
            l.month,
            l.year,
            u8::from(l.leap)
        )?;
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    out.flush()?;
    Ok(())
}
