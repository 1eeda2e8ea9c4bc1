//! The legal calendar as stored data: the yearly decisions and the rule parameters live in the
//! database (seeded from the shipped 2020–2026 decisions), so that a new year's decision is data
//! entry by an administrator, not a release. Every server keeps a [`WorkingCalendar`] in memory
//! and reloads it when the `calendar_version` setting changes (checked at most every 30 seconds,
//! and at once on the server that made the change).

use std::sync::{Arc, RwLock};
use std::time::{Duration as StdDuration, Instant};

use congso_calendar::{CalendarData, HolidayRules, OffDay, OffDayKind, WorkingCalendar};
use congso_db::Tx;
use congso_db::repo::{calendar as repo, settings, units};
use congso_domain::{ErrorCode, Permission};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, Subject};
use crate::{Actor, App, AppError, AppResult};

/// The subject id of the national calendar's event chain.
pub const CALENDAR_SUBJECT: Uuid = Uuid::from_u128(0x0000_0000_0000_7000_8000_ca1e_da00_0001);
const VERSION_KEY: &str = "calendar_version";
const RULES_KEY: &str = "calendar_rules";
const SEEDED_KEY: &str = "calendar_seeded";
const RECHECK: StdDuration = StdDuration::from_secs(30);

struct Cached {
    version: String,
    checked: Instant,
    calendar: Arc<WorkingCalendar>,
}

/// The in-memory calendar of one server.
#[derive(Default)]
pub struct CalendarCache {
    inner: RwLock<Option<Cached>>,
}

/// Loads the rules and decisions stored in the database.
pub async fn load_data(tx: &mut Tx) -> AppResult<CalendarData> {
    let rules = match settings::get(tx, RULES_KEY).await? {
        Some(text) => serde_json::from_str(&text).map_err(AppError::internal)?,
        None => HolidayRules::default(),
    };
    let mut data = CalendarData {
        rules,
        ..CalendarData::default()
    };
    let days = repo::all_days(tx).await?;
    for y in repo::years(tx).await? {
        let list = days
            .iter()
            .filter(|d| d.year == y.year)
            .map(|d| {
                let kind = OffDayKind::from_code(&d.kind).ok_or_else(|| {
                    AppError::internal(anyhow::anyhow!("bad kind {:?} in calendar_days", d.kind))
                })?;
                Ok(OffDay::new(d.day, kind, &d.name_vi, &d.name_en))
            })
            .collect::<AppResult<Vec<_>>>()?;
        data.set_year(y.year, list).map_err(AppError::internal)?;
    }
    Ok(data)
}

/// Seeds the shipped decisions into a database that never had a calendar. Idempotent.
pub async fn seed_if_empty(app: &App) -> AppResult<bool> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    if settings::get(&mut tx, SEEDED_KEY).await?.is_some() {
        tx.rollback().await?;
        return Ok(false);
    }
    let shipped = CalendarData::shipped();
    for (year, days) in &shipped.decisions {
        repo::put_year(
            &mut tx,
            *year,
            Some("Thông báo nghỉ lễ, Tết của Chính phủ (dữ liệu kèm phần mềm) / Government holiday notices (shipped data)"),
            &rows(*year, days),
            now,
            None,
        )
        .await?;
    }
    let rules = serde_json::to_string(&shipped.rules).map_err(AppError::internal)?;
    settings::put(&mut tx, RULES_KEY, &rules, now).await?;
    settings::put(&mut tx, SEEDED_KEY, "1", now).await?;
    settings::put(
        &mut tx,
        VERSION_KEY,
        &congso_domain::new_id().to_string(),
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        &Actor::system(),
        Subject {
            kind: "calendar",
            id: CALENDAR_SUBJECT,
            unit_id: None,
        },
        "calendar.seeded",
        json!({ "years": shipped.decisions.keys().collect::<Vec<_>>() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

fn rows(year: i32, days: &[OffDay]) -> Vec<repo::DayRow> {
    days.iter()
        .map(|d| repo::DayRow {
            day: d.date,
            year,
            kind: d.kind.code().to_owned(),
            name_vi: d.name_vi.clone(),
            name_en: d.name_en.clone(),
        })
        .collect()
}

/// The working calendar of this deployment (cached; reloaded when an administrator changes it).
pub async fn working_calendar(app: &App) -> AppResult<Arc<WorkingCalendar>> {
    if let Ok(guard) = app.calendar.inner.read()
        && let Some(c) = guard.as_ref()
        && c.checked.elapsed() < RECHECK
    {
        return Ok(c.calendar.clone());
    }
    let mut tx = app.db.begin_read().await?;
    let version = settings::get(&mut tx, VERSION_KEY)
        .await?
        .unwrap_or_default();
    let cached = app.calendar.inner.read().ok().and_then(|g| {
        g.as_ref()
            .filter(|c| c.version == version)
            .map(|c| c.calendar.clone())
    });
    let calendar = match cached {
        Some(c) => c,
        None => Arc::new(WorkingCalendar::new(&load_data(&mut tx).await?)),
    };
    tx.commit().await?;
    if let Ok(mut guard) = app.calendar.inner.write() {
        *guard = Some(Cached {
            version,
            checked: Instant::now(),
            calendar: calendar.clone(),
        });
    }
    Ok(calendar)
}

fn invalidate(app: &App) {
    if let Ok(mut guard) = app.calendar.inner.write() {
        *guard = None;
    }
}

/// The calendar belongs to the province: changing it needs `calendar_manage` on a root unit.
async fn require_calendar_manager(tx: &mut Tx, actor: &Actor, today: Date) -> AppResult<()> {
    if actor.is_system {
        return Ok(());
    }
    for root in units::roots_on(tx, today).await? {
        if actor
            .require(tx, Permission::CalendarManage, root)
            .await
            .is_ok()
        {
            return Ok(());
        }
    }
    Err(AppError::forbidden())
}

/// Replaces the decision for `year` with `days` (every weekday off and every make-up weekend day
/// of the year). Needs `calendar_manage`.
pub async fn set_year(
    app: &App,
    actor: &Actor,
    year: i32,
    days: Vec<OffDay>,
    source: Option<String>,
) -> AppResult<()> {
    if !(1900..=2199).contains(&year) {
        return Err(AppError::new(ErrorCode::InvalidDate).with_detail(year.to_string()));
    }
    let mut check = CalendarData::default();
    check
        .set_year(year, days.clone())
        .map_err(|e| AppError::new(ErrorCode::InvalidCalendar).with_detail(e.to_string()))?;
    let days = check.decisions.remove(&year).unwrap_or_default();
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    require_calendar_manager(&mut tx, actor, app.today()).await?;
    let source = source
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    repo::put_year(
        &mut tx,
        year,
        source.as_deref(),
        &rows(year, &days),
        now,
        actor.user_id,
    )
    .await?;
    settings::put(
        &mut tx,
        VERSION_KEY,
        &congso_domain::new_id().to_string(),
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Subject { kind: "calendar", id: CALENDAR_SUBJECT, unit_id: None },
        "calendar.year_set",
        json!({
            "year": year, "source": source,
            "days": days.iter().map(|d| json!([d.date.to_string(), d.kind.code(), d.name_vi])).collect::<Vec<_>>(),
        }),
        now,
    )
    .await?;
    tx.commit().await?;
    invalidate(app);
    Ok(())
}

/// Removes the decision for `year`: the rules apply again. Needs `calendar_manage`.
pub async fn clear_year(app: &App, actor: &Actor, year: i32) -> AppResult<bool> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    require_calendar_manager(&mut tx, actor, app.today()).await?;
    let existed = repo::delete_year(&mut tx, year).await?;
    if existed {
        settings::put(
            &mut tx,
            VERSION_KEY,
            &congso_domain::new_id().to_string(),
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            Subject {
                kind: "calendar",
                id: CALENDAR_SUBJECT,
                unit_id: None,
            },
            "calendar.year_cleared",
            json!({ "year": year }),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    invalidate(app);
    Ok(existed)
}

/// Changes the rule parameters used for years without a decision (e.g. make 24/11 a holiday from
/// the date the amended Labor Code takes effect). Needs `calendar_manage`.
pub async fn set_rules(app: &App, actor: &Actor, rules: HolidayRules) -> AppResult<()> {
    if rules.tet_days_before > 4 {
        return Err(AppError::new(ErrorCode::InvalidCalendar).with_detail("tet_days_before ≤ 4"));
    }
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    require_calendar_manager(&mut tx, actor, app.today()).await?;
    let text = serde_json::to_string(&rules).map_err(AppError::internal)?;
    settings::put(&mut tx, RULES_KEY, &text, now).await?;
    settings::put(
        &mut tx,
        VERSION_KEY,
        &congso_domain::new_id().to_string(),
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "calendar",
            id: CALENDAR_SUBJECT,
            unit_id: None,
        },
        "calendar.rules_set",
        serde_json::to_value(&rules).map_err(AppError::internal)?,
        now,
    )
    .await?;
    tx.commit().await?;
    invalidate(app);
    Ok(())
}

/// The years that have an explicit decision, with their source.
pub async fn decided_years(app: &App) -> AppResult<Vec<(i32, Option<String>)>> {
    let mut tx = app.db.begin_read().await?;
    let years = repo::years(&mut tx).await?;
    tx.commit().await?;
    Ok(years.into_iter().map(|y| (y.year, y.source)).collect())
}

/// Parses an administrator's text: one day per line, `date | kind | name_vi | name_en` (tabs also
/// separate; `date` is `YYYY-MM-DD` or `dd/mm/yyyy`; `kind` is `holiday`, `substitute`, `swapped` or
/// `makeup_workday`; the English name is optional). Blank lines and `#` comments are ignored.
pub fn parse_decision_text(text: &str) -> AppResult<Vec<OffDay>> {
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let vn = time::macros::format_description!("[day]/[month]/[year]");
    let mut out = vec![];
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |msg: &str| {
            AppError::new(ErrorCode::InvalidCalendar).with_detail(format!(
                "dòng {} (line {}): {msg}",
                i + 1,
                i + 1
            ))
        };
        let parts: Vec<&str> = line.split(['|', '\t']).map(str::trim).collect();
        if parts.len() < 3 {
            return Err(err("cần: ngày | loại | tên (date | kind | name)"));
        }
        let date = Date::parse(parts[0], &iso)
            .or_else(|_| Date::parse(parts[0], &vn))
            .map_err(|_| err(&format!("ngày không hợp lệ (invalid date) {:?}", parts[0])))?;
        let kind = OffDayKind::from_code(parts[1])
            .ok_or_else(|| err(&format!("loại không hợp lệ (invalid kind) {:?}", parts[1])))?;
        let name_vi = parts[2];
        let name_en = parts
            .get(3)
            .copied()
            .filter(|s| !s.is_empty())
            .unwrap_or(name_vi);
        out.push(OffDay::new(date, kind, name_vi, name_en));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_text_parses_both_date_formats_and_reports_lines() {
        let days = parse_decision_text(
            "# Tết 2027\n2027-02-05 | holiday | Tết Nguyên đán | Lunar New Year\n08/02/2027\tholiday\tTết Nguyên đán\n",
        )
        .expect("valid");
        assert_eq!(days.len(), 2);
        assert_eq!(days[1].date, time::macros::date!(2027 - 02 - 08));
        assert_eq!(days[1].name_en, "Tết Nguyên đán");
        let err = parse_decision_text("2027-02-05 | holiday | Tết\n2027-02-31 | holiday | x")
            .expect_err("bad date");
        assert_eq!(err.code, ErrorCode::InvalidCalendar);
        assert!(
            err.detail.as_deref().is_some_and(|d| d.contains("dòng 2")),
            "{:?}",
            err.detail
        );
        assert!(parse_decision_text("2027-02-05 | nghi | x").is_err());
    }
}

/// The answer of a due-date query: a date for day-based limits, a moment for working hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Date(Date),
    Moment(time::PrimitiveDateTime),
}

impl std::fmt::Display for Due {
    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM` for working hours.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Due::Date(d) => write!(f, "{d}"),
            Due::Moment(m) => write!(f, "{}T{:02}:{:02}", m.date(), m.hour(), m.minute()),
        }
    }
}

/// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (Vietnamese wall time).
pub fn parse_from(s: &str) -> AppResult<time::PrimitiveDateTime> {
    let s = s.trim();
    let bad = || AppError::new(ErrorCode::InvalidDate).with_detail(s.to_owned());
    let date_fmt = time::macros::format_description!("[year]-[month]-[day]");
    let time_fmt = time::macros::format_description!("[hour]:[minute]");
    let (d, t) = match s.split_once(['T', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let date = Date::parse(d, &date_fmt).map_err(|_| bad())?;
    let time = match t {
        Some(t) => time::Time::parse(t, &time_fmt).map_err(|_| bad())?,
        None => time::Time::MIDNIGHT,
    };
    Ok(time::PrimitiveDateTime::new(date, time))
}

/// The due date of `limit` counted from `from` (Civil Code Art. 147–148: the start day is not
/// counted; a calendar-day limit ending on a day off moves to the next working day). Working
/// hours count office time (07:00–11:30, 13:30–17:00 by default) from `from`.
pub fn due(
    calendar: &WorkingCalendar,
    from: time::PrimitiveDateTime,
    limit: congso_calendar::TimeLimit,
    hours: &congso_calendar::OfficeHours,
) -> Due {
    use congso_calendar::TimeLimit;
    match limit {
        TimeLimit::WorkingDays(n) => Due::Date(calendar.add_working_days(from.date(), n)),
        TimeLimit::CalendarDays(n) => Due::Date(calendar.add_calendar_days(from.date(), n)),
        TimeLimit::WorkingHours(n) => Due::Moment(calendar.add_working_hours(from, n, hours)),
    }
}
