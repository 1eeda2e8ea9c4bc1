//! `congso report one-stop|rebuild`: the one-stop report (Biểu II.06a) on the console or as the
//! official XLSX, and the proof that the kept aggregates equal the dossiers.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use congso_app::reports::{self, OneStopCounts};
use congso_app::{Actor, App};

use crate::cli::user_error;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The one-stop report (Biểu số II.06a/VPCP/KSTT) of a period: a table on the console, or
    /// the official form with --xlsx, or CSV with --csv.
    OneStop {
        /// First day, YYYY-MM-DD or dd/mm/yyyy.
        #[arg(long)]
        from: String,
        /// Last day, YYYY-MM-DD or dd/mm/yyyy.
        #[arg(long)]
        to: String,
        /// A unit code: the unit and the units below it (default: every unit).
        #[arg(long)]
        unit: Option<String>,
        /// Write the official form to FILE.xlsx.
        #[arg(long)]
        xlsx: Option<PathBuf>,
        /// Write the report as CSV (UTF-8 with BOM) to FILE.csv.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Also print one line per field under each unit.
        #[arg(long)]
        fields: bool,
    },
    /// Recompute the report's aggregates from the dossiers and compare them with the kept ones:
    /// prints every difference, fixes them, and exits 1 if there was any.
    Rebuild,
}

fn parse_day(s: &str) -> anyhow::Result<time::Date> {
    let s = s.trim();
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let vn = time::macros::format_description!("[day]/[month]/[year]");
    time::Date::parse(s, &iso)
        .or_else(|_| time::Date::parse(s, &vn))
        .map_err(|_| anyhow::anyhow!("ngày không hợp lệ / invalid date: {s:?}"))
}

fn line(tt: &str, name: &str, c: &OneStopCounts) -> String {
    let mut s = format!("{tt:>4} {:<44}", truncate(name, 44));
    for v in c.columns() {
        s.push_str(&format!(" {v:>8}"));
    }
    s
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn sums(s: &Option<congso_db::repo::reports::OneStopSums>) -> String {
    match s {
        None => "—".to_owned(),
        Some(s) => format!(
            "online {} offline {} early {} on_time {} late {} (apology {}) withdrawn {} returned {} open {:+} overdue {:+}",
            s.received_online,
            s.received_offline,
            s.resolved_early,
            s.resolved_on_time,
            s.resolved_late,
            s.resolved_late_apology,
            s.withdrawn,
            s.returned,
            s.open_delta,
            s.overdue_delta
        ),
    }
}

pub async fn run(app: &App, cmd: ReportCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ReportCommand::OneStop {
            from,
            to,
            unit,
            xlsx,
            csv,
            fields,
        } => {
            let (from, to) = (parse_day(&from)?, parse_day(&to)?);
            let started = std::time::Instant::now();
            let r = reports::one_stop(app, &Actor::system(), from, to, unit.as_deref())
                .await
                .map_err(user_error)?;
            let took = started.elapsed();
            println!("{}", reports::FORM);
            println!("{}", reports::TITLE);
            println!("{} — {}", r.scope_text(), r.period_text());
            println!(
                "{:>4} {:<44} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
                "TT",
                "Đơn vị",
                "TN tổng",
                "Tr.tuyến",
                "Tr.tiếp",
                "Kỳ trước",
                "GQ tổng",
                "Trước h.",
                "Đúng h.",
                "Quá hạn",
                "Đang GQ",
                "Trong h.",
                "Quá hạn"
            );
            println!(
                "{:>4} {:<44} {}",
                "(1)",
                "(2)",
                (3..=13)
                    .map(|i| format!("{:>8}", format!("({i})")))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            for (i, row) in r.rows.iter().enumerate() {
                println!(
                    "{}",
                    line(&(i + 1).to_string(), &row.unit.name, &row.counts)
                );
                if fields {
                    for f in &row.fields {
                        let name = format!(
                            "  · {}",
                            if f.field.name.is_empty() {
                                &f.field.code
                            } else {
                                &f.field.name
                            }
                        );
                        println!("{}", line("", &name, &f.counts));
                    }
                }
            }
            println!("{}", line("", "Tổng cộng", &r.total));
            println!(
                "Quá hạn: {} có thư xin lỗi, {} chưa có; công dân rút: {}; trả lại (từ chối, dừng): {}",
                r.total.resolved_late_with_apology,
                r.total.resolved_late_without_apology,
                r.total.withdrawn,
                r.total.returned
            );
            if let Some(file) = xlsx {
                let bytes = r.to_xlsx().map_err(user_error)?;
                std::fs::write(&file, bytes)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
                println!("ok: → {}", file.display());
            }
            if let Some(file) = csv {
                std::fs::write(&file, r.to_csv())
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
                println!("ok: → {}", file.display());
            }
            eprintln!("({} ms)", took.as_millis());
            Ok(ExitCode::SUCCESS)
        }
        ReportCommand::Rebuild => {
            let started = std::time::Instant::now();
            let r = reports::rebuild(app).await.map_err(user_error)?;
            for d in &r.differences {
                let unit = reports::unit_name(app, d.unit_id)
                    .await
                    .map_err(user_error)?;
                println!(
                    "{} {} {} {}: kept [{}] expected [{}]",
                    d.grain,
                    d.period,
                    unit.code,
                    d.field_code,
                    sums(&d.kept),
                    sums(&d.expected)
                );
            }
            let took = started.elapsed().as_secs_f64();
            if r.differences.is_empty() {
                println!("ok: aggregates equal the dossiers ({took:.1} s)");
                Ok(ExitCode::SUCCESS)
            } else {
                println!(
                    "fixed: {} rows differed and were rebuilt ({took:.1} s)",
                    r.differences.len()
                );
                Ok(ExitCode::FAILURE)
            }
        }
    }
}
