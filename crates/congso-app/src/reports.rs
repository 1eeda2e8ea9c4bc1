//! The one-stop report, Biểu số II.06a/VPCP/KSTT (domain-rules §1.11), read from aggregates.
//!
//! **Definitions** (the contract of `/api/v1/reports/one-stop`, the CLI and the XLSX):
//! - A dossier belongs to its **processing unit** (`processing_unit_id`, the unit responsible for
//!   resolving it; after a reorganisation, the successor) and to its procedure's **field**
//!   (`field_code`). Days are calendar days in Vietnam time (UTC+7).
//! - **Not counted**: dossiers never received — submitted online and not accepted (status 1) and
//!   refused at intake (status 3, Mẫu 03 at the desk: "không được tiếp nhận").
//! - **Received in the period**: the day of `received_at` in `[from, to]`; online = channel
//!   `online`, offline = `counter` + `post`.
//! - **Resolved** on the day of its end: `finished_at` (finished, refused after study, withdrawn,
//!   stopped), else `returned_at`. Finished dossiers are early / on time / late as the engine
//!   classified them (`result`); late ones are split by whether an apology (Mẫu 04) was issued.
//!   Withdrawn (status 7) and refused or stopped (status 8, "hồ sơ trả lại") dossiers count as
//!   resolved **on time** (Thanh Hóa's note) and are also shown apart (`withdrawn`, `returned`).
//! - **Carried over** (`kỳ trước chuyển qua`): received before `from` and not resolved before
//!   `from`.
//! - **In progress** at `as_of` = min(`to`, today) (not before the day before `from`): received on
//!   or before it and not resolved by it; **overdue** if its due day (`due_at`: the appointment
//!   moved by pauses, or the new appointment after an apology) is before `as_of`, except a dossier
//!   paused now for a supplement, which is within (the pause is the current one).
//! - Identities, for every row and the total: received_total = online + offline + carried_over;
//!   resolved_total = early + on_time + late; in_progress_total = within + overdue;
//!   received_total = resolved_total + in_progress_total.
//!
//! **How**: triggers on `dossiers` keep per (day, unit, field) and per (month, unit, field) deltas
//! (migration 0011, `congso_db::repo::reports`); flows are sums over the period and stocks are
//! prefix sums, read as whole months from the monthly table and the rest from the daily one, so
//! a year costs a few thousand rows whatever the number of dossiers. `rebuild` recomputes them
//! from the dossiers and compares.

use std::collections::{BTreeMap, HashMap};

use congso_db::repo::reports::{self as repo, OneStopSums};
use congso_db::repo::units as unit_repo;
use congso_db::{DbResult, Tx};
use congso_domain::{ErrorCode, Permission};
use serde::Serialize;
use time::{Date, Duration, Month};
use uuid::Uuid;

use crate::{Actor, App, AppError, AppResult};

/// The form's number and title (as printed on the XLSX).
pub use congso_sheets::onestop_report::{FORM, TITLE};

/// The 13 numbers of the form (columns 3–13) and the extra breakdowns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OneStopCounts {
    /// Column 3 = 4 + 5 + 6.
    pub received_total: i64,
    /// Column 4: received in the period online.
    pub received_online: i64,
    /// Column 5: received in the period at the counter or by post.
    pub received_offline: i64,
    /// Column 6: carried over from before the period.
    pub carried_over: i64,
    /// Column 7 = 8 + 9 + 10.
    pub resolved_total: i64,
    /// Column 8.
    pub resolved_early: i64,
    /// Column 9 (includes withdrawn, refused and stopped dossiers).
    pub resolved_on_time: i64,
    /// Column 10.
    pub resolved_late: i64,
    /// Of column 10: with an apology letter (Mẫu 04).
    pub resolved_late_with_apology: i64,
    /// Of column 10: without one.
    pub resolved_late_without_apology: i64,
    /// Of column 9: withdrawn at the applicant's request (status 7).
    pub withdrawn: i64,
    /// Of column 9: refused after study or stopped ("hồ sơ trả lại").
    pub returned: i64,
    /// Column 11 = 12 + 13.
    pub in_progress_total: i64,
    /// Column 12.
    pub in_progress_within: i64,
    /// Column 13.
    pub in_progress_overdue: i64,
}

impl OneStopCounts {
    /// From the sums over the period (`[from, as_of]`) and the prefix before it (`< from`).
    fn from_sums(period: &OneStopSums, before: &OneStopSums) -> OneStopCounts {
        let carried_over = before.open_delta;
        let in_progress_total = before.open_delta + period.open_delta;
        let in_progress_overdue = before.overdue_delta + period.overdue_delta;
        let resolved_late = period.resolved_late;
        OneStopCounts {
            received_total: period.received_online + period.received_offline + carried_over,
            received_online: period.received_online,
            received_offline: period.received_offline,
            carried_over,
            resolved_total: period.resolved_early + period.resolved_on_time + resolved_late,
            resolved_early: period.resolved_early,
            resolved_on_time: period.resolved_on_time,
            resolved_late,
            resolved_late_with_apology: period.resolved_late_apology,
            resolved_late_without_apology: resolved_late - period.resolved_late_apology,
            withdrawn: period.withdrawn,
            returned: period.returned,
            in_progress_total,
            in_progress_within: in_progress_total - in_progress_overdue,
            in_progress_overdue,
        }
    }

    fn add(&mut self, o: &OneStopCounts) {
        self.received_total += o.received_total;
        self.received_online += o.received_online;
        self.received_offline += o.received_offline;
        self.carried_over += o.carried_over;
        self.resolved_total += o.resolved_total;
        self.resolved_early += o.resolved_early;
        self.resolved_on_time += o.resolved_on_time;
        self.resolved_late += o.resolved_late;
        self.resolved_late_with_apology += o.resolved_late_with_apology;
        self.resolved_late_without_apology += o.resolved_late_without_apology;
        self.withdrawn += o.withdrawn;
        self.returned += o.returned;
        self.in_progress_total += o.in_progress_total;
        self.in_progress_within += o.in_progress_within;
        self.in_progress_overdue += o.in_progress_overdue;
    }

    fn is_zero(&self) -> bool {
        *self == OneStopCounts::default()
    }

    /// The identities of §1.11 (for tests and `rebuild`).
    pub fn identities_hold(&self) -> bool {
        self.received_total == self.received_online + self.received_offline + self.carried_over
            && self.resolved_total
                == self.resolved_early + self.resolved_on_time + self.resolved_late
            && self.in_progress_total == self.in_progress_within + self.in_progress_overdue
            && self.received_total == self.resolved_total + self.in_progress_total
            && self.resolved_late
                == self.resolved_late_with_apology + self.resolved_late_without_apology
    }

    /// The form's columns 3–13 in order.
    pub fn columns(&self) -> [i64; 11] {
        [
            self.received_total,
            self.received_online,
            self.received_offline,
            self.carried_over,
            self.resolved_total,
            self.resolved_early,
            self.resolved_on_time,
            self.resolved_late,
            self.in_progress_total,
            self.in_progress_within,
            self.in_progress_overdue,
        ]
    }
}

/// A unit or a field as shown in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub code: String,
    pub name: String,
}

/// The counts of one field (lĩnh vực).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldCounts {
    pub field: Named,
    #[serde(flatten)]
    pub counts: OneStopCounts,
}

/// One unit's row, with its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OneStopRow {
    pub unit: Named,
    #[serde(flatten)]
    pub counts: OneStopCounts,
    /// The same numbers per field of this unit, by field code.
    pub fields: Vec<FieldCounts>,
}

/// The report: one row per processing unit that has anything to show (by unit code), the
/// totals per field over those units, and the grand total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OneStopReport {
    pub from: Date,
    pub to: Date,
    /// The day the stocks (in progress, overdue) are counted at: min(to, today), not before the
    /// day before `from`.
    pub as_of: Date,
    /// The unit asked for (its subtree is reported).
    pub unit: Option<Named>,
    pub rows: Vec<OneStopRow>,
    pub fields: Vec<FieldCounts>,
    pub total: OneStopCounts,
}

fn month_start(d: Date) -> Date {
    d.replace_day(1).unwrap_or(d)
}

fn month_end(d: Date) -> Date {
    let (y, m) = if d.month() == Month::December {
        (d.year() + 1, Month::January)
    } else {
        (d.year(), d.month().next())
    };
    Date::from_calendar_date(y, m, 1)
        .map(|n| n - Duration::days(1))
        .unwrap_or(d)
}

type Sums = HashMap<(Uuid, String), OneStopSums>;

fn merge(into: &mut Sums, rows: Vec<repo::SumsRow>) {
    for r in rows {
        into.entry((r.unit_id, r.field_code))
            .or_default()
            .add(&r.sums);
    }
}

/// Sums of the days `lo..=hi` (`lo` none: from the beginning), whole months from the monthly
/// table and the rest from the daily one.
async fn range_sums(tx: &mut Tx, lo: Option<Date>, hi: Date) -> DbResult<Sums> {
    let mut out = Sums::new();
    if lo.is_some_and(|l| l > hi) {
        return Ok(out);
    }
    let mut start = lo;
    if let Some(l) = lo
        && l.day() != 1
    {
        let e = hi.min(month_end(l));
        merge(&mut out, repo::daily_sums(tx, l, e).await?);
        if e == hi {
            return Ok(out);
        }
        start = Some(e + Duration::days(1));
    }
    // `start` is now none or a month's first day, and not after `hi`.
    let (last_whole, tail) = if month_end(hi) == hi {
        (Some(month_start(hi)), None)
    } else {
        let prev = month_start(hi) - Duration::days(1);
        (Some(month_start(prev)), Some(month_start(hi)))
    };
    if let Some(last) = last_whole
        && start.is_none_or(|s| s <= last)
    {
        merge(&mut out, repo::monthly_sums(tx, start, last).await?);
    }
    if let Some(t) = tail {
        let t = start.map_or(t, |s| s.max(t));
        merge(&mut out, repo::daily_sums(tx, t, hi).await?);
    }
    Ok(out)
}

fn as_of_day(from: Date, to: Date, today: Date) -> Date {
    to.min(today).max(from - Duration::days(1))
}

/// The unit asked for, checked: `report_view` on it (or a city-wide role); without a unit, only
/// city-wide roles (the Office, leaders) see every unit.
async fn report_scope(
    app: &App,
    actor: &Actor,
    tree: &crate::units::UnitTree,
    unit: Option<&str>,
) -> AppResult<Option<congso_db::repo::units::UnitRow>> {
    let city_wide = actor.is_system
        || actor.may_somewhere(Permission::DirectiveManage)
        || actor.may_somewhere(Permission::Direct);
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => {
            let u = match tree.by_code_on(code, app.today()) {
                Some(u) => u.clone(),
                None => {
                    let mut tx = app.db.reader().await?;
                    let u = unit_repo::latest_by_code(&mut tx, code).await?;
                    tx.commit().await?;
                    u.ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?
                }
            };
            if !city_wide {
                actor.require_in(tree, Permission::ReportView, u.id)?;
            }
            Ok(Some(u))
        }
        None if city_wide => Ok(None),
        None => Err(AppError::forbidden()),
    }
}

fn named_unit(tree: &crate::units::UnitTree, id: Uuid) -> Named {
    match tree.get(id) {
        Some(u) => Named {
            code: u.code.clone(),
            name: u.name.clone(),
        },
        None => Named {
            code: id.to_string(),
            name: String::new(),
        },
    }
}

/// The one-stop report over `[from, to]` for every processing unit, or for `unit` and the units
/// below it. Needs `report_view` on the unit (all units: the Office or a leader).
pub async fn one_stop(
    app: &App,
    actor: &Actor,
    from: Date,
    to: Date,
    unit: Option<&str>,
) -> AppResult<OneStopReport> {
    if to < from {
        return Err(AppError::new(ErrorCode::InvalidDateRange));
    }
    let tree = crate::units::tree(app).await?;
    let scope = report_scope(app, actor, &tree, unit).await?;
    let as_of = as_of_day(from, to, app.today());
    // One snapshot for every range, so the identities hold under concurrent writes.
    let mut tx = app.db.begin_read().await?;
    let before = range_sums(&mut tx, None, from - Duration::days(1)).await?;
    let period = range_sums(&mut tx, Some(from), as_of).await?;
    let field_names: HashMap<String, String> =
        repo::field_names(&mut tx).await?.into_iter().collect();
    tx.commit().await?;

    let mut keys: Vec<&(Uuid, String)> = before.keys().chain(period.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut inside: HashMap<Uuid, bool> = HashMap::new();
    let zero = OneStopSums::default();
    // unit code → (unit, its counts, field → counts)
    let mut units: BTreeMap<String, (Named, OneStopCounts, BTreeMap<String, OneStopCounts>)> =
        BTreeMap::new();
    let mut fields: BTreeMap<String, OneStopCounts> = BTreeMap::new();
    let mut total = OneStopCounts::default();
    for key in keys {
        let (unit_id, field) = key;
        if let Some(s) = &scope {
            let ok = *inside
                .entry(*unit_id)
                .or_insert_with(|| tree.ancestors(*unit_id).contains(&s.id));
            if !ok {
                continue;
            }
        }
        let c = OneStopCounts::from_sums(
            period.get(key).unwrap_or(&zero),
            before.get(key).unwrap_or(&zero),
        );
        if c.is_zero() {
            continue;
        }
        let named = named_unit(&tree, *unit_id);
        let entry = units
            .entry(named.code.clone())
            .or_insert_with(|| (named, OneStopCounts::default(), BTreeMap::new()));
        entry.1.add(&c);
        entry.2.entry(field.clone()).or_default().add(&c);
        fields.entry(field.clone()).or_default().add(&c);
        total.add(&c);
    }
    let field = |code: String, counts: OneStopCounts| FieldCounts {
        field: Named {
            name: field_names.get(&code).cloned().unwrap_or_default(),
            code,
        },
        counts,
    };
    Ok(OneStopReport {
        from,
        to,
        as_of,
        unit: scope.map(|u| Named {
            code: u.code,
            name: u.name,
        }),
        rows: units
            .into_values()
            .map(|(unit, counts, f)| OneStopRow {
                unit,
                counts,
                fields: f.into_iter().map(|(k, c)| field(k, c)).collect(),
            })
            .collect(),
        fields: fields.into_iter().map(|(k, c)| field(k, c)).collect(),
        total,
    })
}

impl OneStopCounts {
    /// The 15 values of the detail sheet and the CSV (`congso_sheets::onestop_report::DETAIL_HEADERS`).
    pub fn detail(&self) -> [i64; 15] {
        [
            self.received_total,
            self.received_online,
            self.received_offline,
            self.carried_over,
            self.resolved_total,
            self.resolved_early,
            self.resolved_on_time,
            self.resolved_late,
            self.resolved_late_with_apology,
            self.resolved_late_without_apology,
            self.withdrawn,
            self.returned,
            self.in_progress_total,
            self.in_progress_within,
            self.in_progress_overdue,
        ]
    }
}

fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

impl OneStopReport {
    /// "Từ ngày 01/01/2026 đến ngày 31/12/2026 (số liệu đến ngày …)".
    pub fn period_text(&self) -> String {
        let mut s = format!("Từ ngày {} đến ngày {}", dmy(self.from), dmy(self.to));
        if self.as_of != self.to {
            s.push_str(&format!(
                " (số đang giải quyết tính đến ngày {})",
                dmy(self.as_of)
            ));
        }
        s
    }

    /// The unit reported, or the whole province.
    pub fn scope_text(&self) -> String {
        match &self.unit {
            Some(u) => format!("Đơn vị: {} ({})", u.name, u.code),
            None => "Tất cả đơn vị".to_owned(),
        }
    }

    /// The report as the official form (XLSX, `congso_sheets::onestop_report`).
    pub fn to_xlsx(&self) -> AppResult<Vec<u8>> {
        use congso_sheets::onestop_report::{Detail, Line, write};
        let lines: Vec<Line<'_>> = self
            .rows
            .iter()
            .map(|r| Line {
                unit: &r.unit.name,
                columns: r.counts.columns(),
            })
            .collect();
        let details: Vec<Detail<'_>> = self
            .rows
            .iter()
            .flat_map(|r| {
                r.fields.iter().map(move |f| Detail {
                    unit: &r.unit.name,
                    field: if f.field.name.is_empty() {
                        &f.field.code
                    } else {
                        &f.field.name
                    },
                    values: f.counts.detail(),
                })
            })
            .collect();
        write(
            &self.period_text(),
            &self.scope_text(),
            &lines,
            &self.total.columns(),
            &details,
        )
        .map_err(AppError::internal)
    }

    /// The report as CSV for Excel: UTF-8 with a byte-order mark, one line per unit, then one per
    /// field of that unit, then the total.
    pub fn to_csv(&self) -> String {
        fn field(s: &str) -> String {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        }
        let mut out = String::from("\u{feff}");
        let mut head = vec!["TT", "Mã đơn vị", "Đơn vị", "Mã lĩnh vực", "Lĩnh vực"];
        head.extend(congso_sheets::onestop_report::DETAIL_HEADERS);
        out.push_str(&head.iter().map(|h| field(h)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
        let mut line = |tt: &str, unit: &Named, f: Option<&Named>, c: &OneStopCounts| {
            let mut cells = vec![
                tt.to_owned(),
                field(&unit.code),
                field(&unit.name),
                f.map(|f| field(&f.code)).unwrap_or_default(),
                f.map(|f| field(&f.name)).unwrap_or_default(),
            ];
            cells.extend(c.detail().iter().map(i64::to_string));
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        for (i, r) in self.rows.iter().enumerate() {
            line(&(i + 1).to_string(), &r.unit, None, &r.counts);
            for f in &r.fields {
                line("", &r.unit, Some(&f.field), &f.counts);
            }
        }
        let all = Named {
            code: String::new(),
            name: "Tổng cộng".to_owned(),
        };
        line("", &all, None, &self.total);
        out
    }
}

/// The report of one month (for charts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthCounts {
    /// `YYYY-MM`.
    pub month: String,
    /// The month's first and last day.
    pub from: Date,
    pub to: Date,
    #[serde(flatten)]
    pub counts: OneStopCounts,
}

/// The one-stop report month by month from `from_month` to `to_month` (any day of each; months
/// after the current one are left out), every unit or `unit` and the units below it. Public
/// aggregates: no actor. The current month is counted as of today.
pub async fn one_stop_monthly(
    app: &App,
    unit: Option<&str>,
    from_month: Date,
    to_month: Date,
) -> AppResult<Vec<MonthCounts>> {
    let today = app.today();
    let (first, last) = (month_start(from_month), month_start(to_month.min(today)));
    if last < first {
        return Ok(vec![]);
    }
    let tree = crate::units::tree(app).await?;
    let scope = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => Some(
            tree.by_code_on(code, today)
                .map(|u| u.id)
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?,
        ),
        None => None,
    };
    let mut tx = app.db.begin_read().await?;
    let rows = repo::months(&mut tx, last).await?;
    // The current month's stocks are as of today, not its end: its days so far.
    let current = month_start(today);
    let this_month = if last == current {
        Some(repo::daily_sums(&mut tx, current, today).await?)
    } else {
        None
    };
    tx.commit().await?;
    let mut inside: HashMap<Uuid, bool> = HashMap::new();
    let mut keep = |id: Uuid| match scope {
        None => true,
        Some(s) => *inside
            .entry(id)
            .or_insert_with(|| tree.ancestors(id).contains(&s)),
    };
    let mut by_month: BTreeMap<Date, OneStopSums> = BTreeMap::new();
    for r in rows {
        if keep(r.unit_id) {
            by_month.entry(r.month).or_default().add(&r.sums);
        }
    }
    let zero = OneStopSums::default();
    let mut prefix = OneStopSums::default();
    for (_, sums) in by_month.range(..first) {
        prefix.add(sums);
    }
    let mut this_month_sums = OneStopSums::default();
    for r in this_month.iter().flatten() {
        if keep(r.unit_id) {
            this_month_sums.add(&r.sums);
        }
    }
    let mut out = vec![];
    let mut m = first;
    while m <= last {
        let kept = by_month.get(&m).unwrap_or(&zero);
        let period = if m == current { &this_month_sums } else { kept };
        out.push(MonthCounts {
            month: format!("{:04}-{:02}", m.year(), u8::from(m.month())),
            from: m,
            to: month_end(m).min(today),
            counts: OneStopCounts::from_sums(period, &prefix),
        });
        prefix.add(kept);
        m = month_end(m) + Duration::days(1);
    }
    Ok(out)
}

/// The outcome of [`rebuild`].
#[derive(Debug, Clone, Serialize)]
pub struct Rebuild {
    /// The rows where the kept aggregates differed from the dossiers (now fixed).
    pub differences: Vec<repo::Difference>,
}

/// Recomputes the aggregates from the dossiers, compares them with the kept ones and fixes any
/// difference (an administrator's tool: `congso report rebuild`).
pub async fn rebuild(app: &App) -> AppResult<Rebuild> {
    let mut tx = app.db.begin_write().await?;
    let differences = repo::rebuild(&mut tx).await?;
    tx.commit().await?;
    Ok(Rebuild { differences })
}

/// A unit's code and name by id (for printing differences).
pub async fn unit_name(app: &App, id: Uuid) -> AppResult<Named> {
    let tree = crate::units::tree(app).await?;
    Ok(named_unit(&tree, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn month_bounds() {
        assert_eq!(month_end(date!(2024 - 02 - 10)), date!(2024 - 02 - 29));
        assert_eq!(month_end(date!(2025 - 12 - 01)), date!(2025 - 12 - 31));
        assert_eq!(month_start(date!(2025 - 12 - 31)), date!(2025 - 12 - 01));
        assert_eq!(
            as_of_day(
                date!(2026 - 01 - 01),
                date!(2026 - 12 - 31),
                date!(2026 - 03 - 05)
            ),
            date!(2026 - 03 - 05)
        );
        assert_eq!(
            as_of_day(
                date!(2027 - 01 - 01),
                date!(2027 - 12 - 31),
                date!(2026 - 03 - 05)
            ),
            date!(2026 - 12 - 31)
        );
    }
}
