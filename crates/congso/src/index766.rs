//! `congso report index-766 --from --to [--unit] [--json]`: the QĐ 766 index on the console
//! (units, groups, then each indicator of the scope with its numerator, denominator and points).
//! `congso report` keeps the one-stop commands (`crate::report`) next to it.

use std::process::ExitCode;

use clap::Subcommand;
use congso_app::{Actor, App};

use crate::cli::user_error;

#[derive(Debug, Subcommand)]
pub enum ReportCommands {
    #[command(flatten)]
    OneStop(crate::report::ReportCommand),
    /// The QĐ 766 index (five groups, 100 points) of a period: every unit and the whole city, or
    /// a unit and the units below it. Indicators congso has no data for score 0 and say so.
    #[command(name = "index-766")]
    Index766 {
        /// First day, YYYY-MM-DD or dd/mm/yyyy.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD or dd/mm/yyyy.
        #[arg(long)]
        to: String,
        /// A unit code: the unit and the units below it (default: every unit).
        #[arg(long)]
        unit: Option<String>,
        /// Print the whole report as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_day(s: &str) -> anyhow::Result<time::Date> {
    let s = s.trim();
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let vn = time::macros::format_description!("[day]/[month]/[year]");
    time::Date::parse(s, &iso)
        .or_else(|_| time::Date::parse(s, &vn))
        .map_err(|_| anyhow::anyhow!("ngày không hợp lệ / invalid date: {s:?}"))
}

pub async fn run(app: &App, cmd: ReportCommands) -> anyhow::Result<ExitCode> {
    let (from, to, unit, json) = match cmd {
        ReportCommands::OneStop(c) => return crate::report::run(app, c).await,
        ReportCommands::Index766 {
            from,
            to,
            unit,
            json,
        } => (parse_day(&from)?, parse_day(&to)?, unit, json),
    };
    let r = congso_app::index766::report(app, &Actor::system(), from, to, unit.as_deref())
        .await
        .map_err(user_error)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Bộ chỉ số QĐ 766/QĐ-TTg — {from} → {to} (tình trạng đến {})",
        r.as_of
    );
    let groups = ["CK", "TĐ", "SH", "TT", "HL"];
    let mut head = format!("{:<16} {:<40} {:>7}", "Mã đơn vị", "Đơn vị", "Tổng");
    for g in groups {
        head.push_str(&format!(" {g:>6}"));
    }
    println!("{head}");
    let scope = match &r.unit {
        Some(u) => format!("{} và đơn vị trực thuộc", u.name),
        None => "Toàn thành phố".to_owned(),
    };
    for row in r.rows.iter().chain(std::iter::once(&r.total)) {
        let (code, name) = match &row.unit {
            Some(u) if !std::ptr::eq(row, &r.total) => (u.code.clone(), u.name.clone()),
            _ => ("*".to_owned(), scope.clone()),
        };
        let mut line = format!(
            "{code:<16} {:<40} {:>7.2}",
            name.chars().take(40).collect::<String>(),
            row.index.total
        );
        for g in &row.index.groups {
            line.push_str(&format!(" {:>6.2}", g.points));
        }
        println!("{line}");
    }
    println!();
    println!(
        "{:<5} {:<48} {:>8} {:>8} {:>8} {:>6} {:>5}",
        "Mã", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Tối đa"
    );
    for g in &r.total.index.groups {
        for i in &g.indicators {
            let rate = i
                .rate
                .map(|x| format!("{x:.2}%"))
                .unwrap_or_else(|| "—".to_owned());
            let mark = if i.measured { "" } else { " (chưa đo)" };
            println!(
                "{:<5} {:<48} {:>8} {:>8} {:>8} {:>6.2} {:>5}",
                i.code,
                format!("{}{mark}", i.name_vi)
                    .chars()
                    .take(48)
                    .collect::<String>(),
                i.numerator,
                i.denominator,
                rate,
                i.points,
                i.max_points
            );
        }
    }
    println!(
        "Tổng: {:.2} / 100 (đánh giá được {:.2} điểm)",
        r.total.index.total, r.total.index.assessable_max
    );
    Ok(ExitCode::SUCCESS)
}
