//! The term's targets (chỉ tiêu, e.g. the 15 targets of 2020–2025): a goal on a metric congso
//! computes (one-stop on-time rate, petition resolution rate, directive completion rate, the QĐ 766
//! total) measured live over the target's period, or a value entered by hand (`manual`), recorded
//! with who and when and a hash-chained event. Creating targets and entering values: the Office
//! or a leader (city-wide roles), or `directive_manage` / `direct` on the target's unit.

use congso_db::repo::targets::{self as repo, TargetRow};
use congso_db::repo::units;
use congso_domain::{ErrorCode, Permission};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, Subject};
use crate::dossiers::UnitRef;
use crate::{Actor, App, AppError, AppResult};

/// The metrics congso computes, and `manual`.
pub const METRICS: &[&str] = &[
    "one_stop_on_time_rate",
    "petition_resolution_rate",
    "directive_completion_rate",
    "index_766_total",
    "manual",
];

/// A metric's Vietnamese name.
pub fn metric_name(metric: &str) -> &'static str {
    match metric {
        "one_stop_on_time_rate" => "Tỷ lệ hồ sơ một cửa giải quyết đúng hạn",
        "petition_resolution_rate" => "Tỷ lệ giải quyết đơn thư thuộc thẩm quyền",
        "directive_completion_rate" => "Tỷ lệ hoàn thành nhiệm vụ được giao",
        "index_766_total" => "Điểm Bộ chỉ số QĐ 766",
        _ => "Nhập thủ công",
    }
}

/// A target to create.
#[derive(Debug, Clone, Deserialize)]
pub struct NewTarget {
    pub term: String,
    pub code: String,
    pub name: String,
    /// A unit code; none: the province.
    pub unit: Option<String>,
    pub metric: String,
    /// `at_least` (default) or `at_most`.
    pub comparison: Option<String>,
    pub goal: f64,
    /// Default `%`.
    pub measure_unit: Option<String>,
    pub period_from: Date,
    pub period_to: Date,
}

/// A target with its measured value.
#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    pub id: Uuid,
    pub term: String,
    pub code: String,
    pub name: String,
    pub unit: Option<UnitRef>,
    pub metric: String,
    pub metric_name: &'static str,
    pub comparison: String,
    pub goal: f64,
    pub measure_unit: String,
    pub period_from: Date,
    pub period_to: Date,
    /// The measured value (computed, or the last entered by hand); `None` when nothing to measure.
    pub value: Option<f64>,
    /// Whether the goal is met.
    pub achieved: Option<bool>,
    /// value / goal (at_least) or goal / value (at_most), percent, at most 100.
    pub progress: Option<f64>,
    pub manual_note: Option<String>,
    /// Who entered the value (username) and when, for manual targets.
    pub measured_by: Option<String>,
    pub measured_at: Option<String>,
}

/// The Office and leaders (city-wide roles, as for the reports) manage every target; otherwise
/// `directive_manage` or `direct` on the target's unit.
async fn may_manage(tx: &mut congso_db::Tx, actor: &Actor, unit: Option<Uuid>) -> AppResult<()> {
    if crate::index766::city_wide(actor) {
        return Ok(());
    }
    if let Some(u) = unit {
        for perm in [Permission::DirectiveManage, Permission::Direct] {
            if !actor.roles_for(tx, perm, u).await?.is_empty() {
                return Ok(());
            }
        }
    }
    Err(AppError::forbidden())
}

fn invalid(detail: &str) -> AppError {
    AppError::new(ErrorCode::InvalidInput).with_detail(detail.to_owned())
}

/// Creates a target (one transaction: permission → checks → row → event), measured now.
pub async fn create(app: &App, actor: &Actor, new: NewTarget) -> AppResult<TargetView> {
    let row = create_row(app, actor, new).await?;
    let mut views = views(app, vec![row]).await?;
    views
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no view")))
}

async fn create_row(app: &App, actor: &Actor, new: NewTarget) -> AppResult<TargetRow> {
    let term = new.term.trim().to_owned();
    let code = new.code.trim().to_owned();
    let name = new.name.trim().to_owned();
    if term.is_empty() || term.len() > 20 {
        return Err(invalid("term"));
    }
    if code.is_empty() || code.len() > 20 {
        return Err(invalid("code"));
    }
    if name.is_empty() || name.chars().count() > 500 {
        return Err(invalid("name"));
    }
    if !METRICS.contains(&new.metric.as_str()) {
        return Err(invalid("metric"));
    }
    let comparison = new.comparison.unwrap_or_else(|| "at_least".to_owned());
    if !matches!(comparison.as_str(), "at_least" | "at_most") {
        return Err(invalid("comparison"));
    }
    if !new.goal.is_finite() || new.goal < 0.0 {
        return Err(invalid("goal"));
    }
    if new.period_to < new.period_from {
        return Err(AppError::new(ErrorCode::InvalidDateRange));
    }
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let unit_id = match new.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(c) => Some(
            units::latest_by_code(&mut tx, c)
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(c.to_owned()))?
                .id,
        ),
        None => None,
    };
    may_manage(&mut tx, actor, unit_id).await?;
    if repo::count_code(&mut tx, &term, &code).await? > 0 {
        return Err(AppError::new(ErrorCode::Conflict).with_detail(format!("{term}/{code}")));
    }
    let row = TargetRow {
        id: congso_domain::new_id(),
        term,
        code,
        name,
        unit_id,
        metric: new.metric,
        comparison,
        goal: new.goal,
        measure_unit: new
            .measure_unit
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "%".to_owned()),
        period_from: new.period_from,
        period_to: new.period_to,
        manual_value: None,
        manual_note: None,
        measured_by: None,
        measured_at: None,
        created_by: actor.user_id,
        created_at: now,
        updated_at: now,
    };
    repo::insert(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "target",
            id: row.id,
            unit_id: row.unit_id,
        },
        "target.created",
        json!({ "term": row.term, "code": row.code, "metric": row.metric, "goal": row.goal }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Enters the measured value of a manual target.
pub async fn record_value(
    app: &App,
    actor: &Actor,
    id: Uuid,
    value: f64,
    note: Option<&str>,
) -> AppResult<TargetView> {
    if !value.is_finite() {
        return Err(invalid("value"));
    }
    let note = note
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(2000).collect::<String>());
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let row = repo::by_id(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    may_manage(&mut tx, actor, row.unit_id).await?;
    if row.metric != "manual" {
        return Err(AppError::new(ErrorCode::InvalidInput)
            .with_detail("chỉ tiêu được tính tự động (computed metric)"));
    }
    repo::set_value(&mut tx, id, value, note.as_deref(), actor.user_id, now).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "target",
            id,
            unit_id: row.unit_id,
        },
        "target.measured",
        json!({ "value": value, "note": note }),
        now,
    )
    .await?;
    let row = repo::by_id(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    tx.commit().await?;
    let mut views = views(app, vec![row]).await?;
    views
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no view")))
}

/// The targets (of a term), each measured now. Public: aggregates only.
pub async fn list(app: &App, term: Option<&str>) -> AppResult<Vec<TargetView>> {
    let mut tx = app.db.begin_read().await?;
    let rows = repo::list(&mut tx, term.map(str::trim).filter(|t| !t.is_empty())).await?;
    tx.commit().await?;
    views(app, rows).await
}

/// One target, measured now.
pub async fn get(app: &App, id: Uuid) -> AppResult<TargetView> {
    let mut tx = app.db.begin_read().await?;
    let row = repo::by_id(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    tx.commit().await?;
    let mut views = views(app, vec![row]).await?;
    views
        .pop()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("no view")))
}

/// The value of a computed metric over `[from, to]` for a unit's subtree (or the province).
pub async fn measure(
    app: &App,
    metric: &str,
    from: Date,
    to: Date,
    unit: Option<&str>,
) -> AppResult<Option<f64>> {
    let system = Actor::system();
    Ok(match metric {
        "one_stop_on_time_rate" => {
            let r = crate::reports::one_stop(app, &system, from, to, unit).await?;
            let t = r.total;
            (t.resolved_total > 0).then(|| {
                pct((t.resolved_early + t.resolved_on_time) as f64 / t.resolved_total as f64)
            })
        }
        "petition_resolution_rate" => crate::petitions::report(app, &system, from, to, unit)
            .await?
            .total
            .resolution_rate()
            .map(pct),
        "directive_completion_rate" => {
            let (total, _) = crate::directives::report(app, &system, from, to, unit).await?;
            total.completion_rate().map(pct)
        }
        "index_766_total" => Some(
            crate::index766::public(app, from, to, unit)
                .await?
                .total
                .index
                .total,
        ),
        _ => None,
    })
}

fn pct(x: f64) -> f64 {
    (x * 10000.0).round() / 100.0
}

async fn views(app: &App, rows: Vec<TargetRow>) -> AppResult<Vec<TargetView>> {
    let tree = crate::units::tree(app).await?;
    let today = app.today();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let unit = r.unit_id.map(|u| tree.unit_ref(u)).transpose()?;
        let value = if r.metric == "manual" {
            r.manual_value
        } else if r.period_from > today {
            None
        } else {
            measure(
                app,
                &r.metric,
                r.period_from,
                r.period_to.min(today),
                unit.as_ref().map(|u| u.code.as_str()),
            )
            .await?
        };
        let at_least = r.comparison != "at_most";
        let achieved = value.map(|v| if at_least { v >= r.goal } else { v <= r.goal });
        let progress = value.map(|v| {
            let p = if at_least {
                if r.goal > 0.0 { v / r.goal } else { 1.0 }
            } else if v > 0.0 {
                r.goal / v
            } else {
                1.0
            };
            pct(p.min(1.0))
        });
        let measured_by = match r.measured_by {
            Some(u) => {
                let mut tx = app.db.reader().await?;
                let name = congso_db::repo::users::by_id(&mut tx, u)
                    .await?
                    .map(|u| u.username);
                tx.commit().await?;
                name
            }
            None => None,
        };
        out.push(TargetView {
            id: r.id,
            metric_name: metric_name(&r.metric),
            term: r.term,
            code: r.code,
            name: r.name,
            unit,
            metric: r.metric,
            comparison: r.comparison,
            goal: r.goal,
            measure_unit: r.measure_unit,
            period_from: r.period_from,
            period_to: r.period_to,
            value,
            achieved,
            progress,
            manual_note: r.manual_note,
            measured_by,
            measured_at: r
                .measured_at
                .map(|t| congso_domain::time_vn::format_datetime_vi(t.get())),
        });
    }
    Ok(out)
}

/// A few of Huế's 2020–2025 targets (as quoted in the 2020 press; the last two illustrative).
pub async fn seed_demo(app: &App) -> AppResult<()> {
    let (from, to) = (
        Date::from_calendar_date(2020, time::Month::January, 1).map_err(AppError::internal)?,
        Date::from_calendar_date(2025, time::Month::December, 31).map_err(AppError::internal)?,
    );
    let system = Actor::system();
    for (code, name, metric, goal, unit) in [
        (
            "01",
            "Trên 98,5% hồ sơ thủ tục hành chính được giải quyết đúng hạn",
            "one_stop_on_time_rate",
            98.5,
            "%",
        ),
        (
            "02",
            "Trên 90% đơn thư thuộc thẩm quyền được giải quyết",
            "petition_resolution_rate",
            90.0,
            "%",
        ),
        (
            "03",
            "Trên 95% nhiệm vụ UBND thành phố giao được hoàn thành",
            "directive_completion_rate",
            95.0,
            "%",
        ),
        (
            "04",
            "Bộ chỉ số QĐ 766 đạt từ 80 điểm",
            "index_766_total",
            80.0,
            "điểm",
        ),
        (
            "05",
            "Trên 90% người dân hài lòng với sự phục vụ của cơ quan hành chính",
            "manual",
            90.0,
            "%",
        ),
    ] {
        create_row(
            app,
            &system,
            NewTarget {
                term: "2020-2025".into(),
                code: code.into(),
                name: name.into(),
                unit: None,
                metric: metric.into(),
                comparison: None,
                goal,
                measure_unit: Some(unit.into()),
                period_from: from,
                period_to: to,
            },
        )
        .await?;
    }
    Ok(())
}
