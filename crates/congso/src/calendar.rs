//! `congso calendar lunar | due | off-days`.

use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::sync::Arc;

use congso_calendar::{CalendarData, OfficeHours, TimeLimit, WorkingCalendar, solar_to_lunar};

use crate::cli::{CalendarCommand, Global, app, effective_config, open, user_error};

/// The calendar the server would use: the database's when `--database` is given, else the
/// shipped data.
async fn calendar(global: &Global) -> anyhow::Result<Arc<WorkingCalendar>> {
    if global.database.is_none() {
        return Ok(Arc::new(WorkingCalendar::new(&CalendarData::shipped())));
    }
    let cfg = effective_config(global)?;
    let db = open(&cfg).await?;
    let app = app(db.clone(), &cfg)?;
    app.bootstrap().await.map_err(user_error)?;
    let cal = congso_app::calendar::working_calendar(&app)
        .await
        .map_err(user_error)?;
    db.close().await;
    Ok(cal)
}

fn parse_day(s: &str) -> anyhow::Result<time::Date> {
    congso_app::calendar::parse_from(s)
        .map(|d| d.date())
        .map_err(user_error)
}

pub async fn run(global: &Global, cmd: CalendarCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CalendarCommand::Lunar { from, to } => {
            let (from, to) = (parse_day(&from)?, parse_day(&to)?);
            if to < from {
                anyhow::bail!("--to is before --from / ngày kết thúc trước ngày bắt đầu");
            }
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            let mut d = from;
            loop {
                let l = solar_to_lunar(d);
                writeln!(
                    out,
                    "{d}\t{}\t{}\t{}\t{}",
                    l.day,
                    l.month,
                    l.year,
                    u8::from(l.leap)
                )?;
                match d.next_day() {
                    Some(n) if d < to => d = n,
                    _ => break,
                }
            }
            out.flush()?;
        }
        CalendarCommand::Due {
            from,
            working_days,
            calendar_days,
            working_hours,
        } => {
            let start = congso_app::calendar::parse_from(&from).map_err(user_error)?;
            let limit = match (working_days, calendar_days, working_hours) {
                (Some(n), _, _) => TimeLimit::WorkingDays(n),
                (_, Some(n), _) => TimeLimit::CalendarDays(n),
                (_, _, Some(n)) => TimeLimit::WorkingHours(n),
                _ => anyhow::bail!("give --working-days, --calendar-days or --working-hours"),
            };
            let cal = calendar(global).await?;
            println!(
                "{}",
                congso_app::calendar::due(&cal, start, limit, &OfficeHours::default())
            );
        }
        CalendarCommand::OffDays { year } => {
            if !(1900..=2199).contains(&year) {
                anyhow::bail!("năm ngoài phạm vi 1900–2199 / year outside 1900–2199");
            }
            let cal = calendar(global).await?;
            for d in cal.data().off_days(year) {
                println!("{}\t{}\t{}", d.date, d.kind.code(), d.name_vi);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
