//! The public statistics (`/thong-ke`): per unit (and the units below it) and year, the one-stop
//! numbers month by month, the directive completion and petition resolution rates, the QĐ 766
//! index per group, and the targets. Aggregates only, so no login; the same numbers are the open
//! data export (CSV, JSON).

use serde::Serialize;
use time::{Date, Month};

use crate::dossiers::UnitRef;
use crate::index766::{self, UnitIndex};
use crate::targets::{self, TargetView};
use crate::{Actor, App, AppError, AppResult};
use congso_domain::ErrorCode;

/// One month of the one-stop desk.
#[derive(Debug, Clone, Serialize)]
pub struct MonthLine {
    /// `YYYY-MM`.
    pub month: String,
    pub received: i64,
    pub resolved: i64,
    /// Early + on time.
    pub on_time: i64,
    /// on_time / resolved, percent (2 decimals).
    pub on_time_rate: Option<f64>,
}

/// A numerator / denominator with its rate (percent).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rate {
    pub numerator: i64,
    pub denominator: i64,
    pub rate: Option<f64>,
}

impl Rate {
    fn new(numerator: i64, denominator: i64) -> Rate {
        Rate {
            numerator,
            denominator,
            rate: (denominator > 0)
                .then(|| (numerator as f64 * 10000.0 / denominator as f64).round() / 100.0),
        }
    }
}

/// The statistics of a year.
#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub year: i32,
    pub from: Date,
    pub to: Date,
    pub unit: Option<UnitRef>,
    pub months: Vec<MonthLine>,
    /// Received in the year (+ carried over), resolved, early + on time / resolved (§1.11.3).
    pub received: i64,
    pub on_time: Rate,
    /// Completed / (completed + overdue) (§6.3).
    pub directives: Rate,
    /// Resolved / under authority (§5.3).
    pub petitions: Rate,
    /// The QĐ 766 index of the scope.
    pub index: UnitIndex,
    /// Each unit's own index (the rows of the scope).
    pub index_rows: Vec<UnitIndex>,
    pub targets: Vec<TargetView>,
}

/// The units offered by the filter (in force today), by code.
pub async fn units(app: &App) -> AppResult<Vec<UnitRef>> {
    let today = app.today();
    let mut out: Vec<UnitRef> = crate::units::list_units(app, Some(today))
        .await?
        .into_iter()
        .map(|u| UnitRef {
            code: u.code,
            name: u.name,
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

/// The statistics of `year` (default: this year; up to today), every unit or `unit` and below.
pub async fn public(app: &App, year: Option<i32>, unit: Option<&str>) -> AppResult<Statistics> {
    let today = app.today();
    let year = year.unwrap_or(today.year());
    if !(2000..=today.year()).contains(&year) {
        return Err(AppError::new(ErrorCode::InvalidDate).with_detail(year.to_string()));
    }
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    let from = Date::from_calendar_date(year, Month::January, 1).map_err(AppError::internal)?;
    let end = Date::from_calendar_date(year, Month::December, 31).map_err(AppError::internal)?;
    let to = end.min(today);
    let system = Actor::system();

    let monthly = crate::reports::one_stop_monthly(app, unit, from, to).await?;
    let months = monthly
        .iter()
        .map(|m| {
            let c = &m.counts;
            let on_time = c.resolved_early + c.resolved_on_time;
            MonthLine {
                month: m.month.clone(),
                received: c.received_online + c.received_offline,
                resolved: c.resolved_total,
                on_time,
                on_time_rate: Rate::new(on_time, c.resolved_total).rate,
            }
        })
        .collect();
    let one_stop = crate::reports::one_stop(app, &system, from, to, unit).await?;
    let t = one_stop.total;
    let (dir, _) = crate::directives::report(app, &system, from, to, unit).await?;
    let pet = crate::petitions::report(app, &system, from, to, unit).await?;
    let ix = index766::public(app, from, to, unit).await?;
    let mut targets = targets::list(app, None).await?;
    targets.retain(|t| {
        t.period_from <= to
            && t.period_to >= from
            && match unit {
                Some(code) => t.unit.as_ref().is_some_and(|u| u.code == code),
                None => true,
            }
    });
    let completed = i64::try_from(dir.completed()).unwrap_or(i64::MAX);
    let overdue = i64::try_from(dir.in_progress_overdue).unwrap_or(i64::MAX);
    let resolved = i64::try_from(pet.total.resolved()).unwrap_or(i64::MAX);
    let under = i64::try_from(pet.total.under_authority).unwrap_or(i64::MAX);
    Ok(Statistics {
        year,
        from,
        to,
        unit: ix.unit.clone(),
        months,
        received: t.received_total,
        on_time: Rate::new(t.resolved_early + t.resolved_on_time, t.resolved_total),
        directives: Rate::new(completed, completed + overdue),
        petitions: Rate::new(resolved, under),
        index: ix.total,
        index_rows: ix.rows,
        targets,
    })
}
