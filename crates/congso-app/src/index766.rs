//! The QĐ 766 index per unit and period (domain-rules §2.4; scoring in
//! `congso_domain::index766`). The counts come from the catalogue, the one-stop report (form
//! II.06a: on time for 2.1, channels for 3.3), the files and ratings of dossiers, and the
//! petitions (feedback and recommendations for 5.x). Each unit's own facts are counted once;
//! a subtree's index scores the sum of its units' facts.

use std::collections::HashMap;

use congso_db::Ts;
use congso_db::repo::{self, index766 as q, petitions as prepo, settings};
use congso_domain::index766::{Facts, Index, Weights, score};
use congso_domain::petition::{self as rules, ItemFacts};
use congso_domain::time_vn::{day_start, local_date};
use congso_domain::{ErrorCode, Permission};
use serde::Serialize;
use serde_json::json;
use time::{Date, Duration};
use uuid::Uuid;

use crate::audit;
use crate::dossiers::UnitRef;
use crate::units::UnitTree;
use crate::{Actor, App, AppError, AppResult};

/// The setting that holds the points of each indicator (JSON object code → points).
pub const WEIGHTS_KEY: &str = "index_766_weights";

/// The weights in force: the setting merged over the shipped defaults.
pub async fn weights(tx: &mut congso_db::Tx) -> AppResult<Weights> {
    match settings::get(tx, WEIGHTS_KEY).await? {
        Some(text) => {
            let w: Weights = serde_json::from_str(&text).map_err(AppError::internal)?;
            Ok(w.merged())
        }
        None => Ok(Weights::shipped()),
    }
}

/// Replaces the weights (an administrator with `calendar_manage`, or a leader, on a root unit).
pub async fn set_weights(app: &App, actor: &Actor, w: Weights) -> AppResult<Weights> {
    w.validate()
        .map_err(|e| AppError::new(ErrorCode::InvalidInput).with_detail(e))?;
    let merged = w.merged();
    let text = serde_json::to_string(&merged).map_err(AppError::internal)?;
    audit::put_city_setting(
        app,
        actor,
        &[Permission::CalendarManage, Permission::Direct],
        WEIGHTS_KEY,
        &text,
        "index_766_weights.changed",
        json!({ "weights": merged }),
    )
    .await?;
    Ok(merged)
}

/// The index of one unit (its own facts) or of a subtree / the province (the sum).
#[derive(Debug, Clone, Serialize)]
pub struct UnitIndex {
    /// `None` for the whole province.
    pub unit: Option<UnitRef>,
    pub facts: Facts,
    pub index: Index,
}

/// The index of a period.
#[derive(Debug, Clone, Serialize)]
pub struct Index766Report {
    pub from: Date,
    pub to: Date,
    /// The instant the in-progress dossiers are judged at (the period's end, or now if earlier).
    pub as_of: Date,
    pub unit: Option<UnitRef>,
    pub weights: Weights,
    /// One row per unit with data in the scope (its own facts).
    pub rows: Vec<UnitIndex>,
    /// The scope: the unit and the units below it, or the whole province.
    pub total: UnitIndex,
}

/// Whether the actor sees every unit's reports (the Office, leaders, the system).
pub fn city_wide(actor: &Actor) -> bool {
    actor.is_system
        || actor.may_somewhere(Permission::DirectiveManage)
        || actor.may_somewhere(Permission::Direct)
}

/// The index over `[from, to]`, of one unit and the units below it, or of every unit (then the
/// total is the whole province). Needs `report_view` on the unit; all units: the Office or a
/// leader (as the one-stop and petitions reports).
pub async fn report(
    app: &App,
    actor: &Actor,
    from: Date,
    to: Date,
    unit: Option<&str>,
) -> AppResult<Index766Report> {
    let tree = crate::units::tree(app).await?;
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    match unit {
        Some(code) => {
            let u = tree
                .by_code_on(code, app.today().min(to))
                .or_else(|| tree.by_code_on(code, app.today()))
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?;
            if !city_wide(actor) {
                actor.require_in(&tree, Permission::ReportView, u.id)?;
            }
        }
        None if city_wide(actor) => {}
        None => return Err(AppError::forbidden()),
    }
    compute(app, &tree, from, to, unit).await
}

/// The index without a permission check: aggregates only, for the public statistics page.
pub async fn public(
    app: &App,
    from: Date,
    to: Date,
    unit: Option<&str>,
) -> AppResult<Index766Report> {
    let tree = crate::units::tree(app).await?;
    compute(
        app,
        &tree,
        from,
        to,
        unit.map(str::trim).filter(|u| !u.is_empty()),
    )
    .await
}

/// The unit's code and name; an unknown unit (not yet in this server's copy) by its id.
fn unit_ref_or_id(tree: &UnitTree, id: Uuid) -> UnitRef {
    tree.unit_ref(id).unwrap_or_else(|_| UnitRef {
        code: id.to_string(),
        name: String::new(),
    })
}

async fn compute(
    app: &App,
    tree: &UnitTree,
    from: Date,
    to: Date,
    unit: Option<&str>,
) -> AppResult<Index766Report> {
    if to < from {
        return Err(AppError::new(ErrorCode::InvalidDateRange));
    }
    let root = match unit {
        Some(code) => Some(
            tree.by_code_on(code, app.today().min(to))
                .or_else(|| tree.by_code_on(code, app.today()))
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?
                .id,
        ),
        None => None,
    };
    let calendar = crate::calendar::working_calendar(app).await?;
    let start = Ts::new(day_start(from));
    let end = Ts::new(day_start(to + Duration::days(1)));
    let as_of_day = app.today().min(to);

    let mut facts: HashMap<Uuid, Facts> = HashMap::new();
    let mut tx = app.db.begin_read().await?;
    let weights = weights(&mut tx).await?;

    // Group 1 and 3.1: the catalogue.
    for (unit_id, online, complete, publication, effective, published_at) in
        q::procedures(&mut tx).await?
    {
        let f = facts.entry(unit_id).or_default();
        f.procedures += 1;
        f.procedures_complete += i64::from(complete);
        f.procedures_online += i64::from(online != "none");
        if let Some(p) = publication.filter(|p| *p >= from && *p <= to) {
            if let Some(e) = effective {
                f.published_n += 1;
                f.published_on_time += i64::from(calendar.working_days_between(p, e) >= 5);
            }
            if let Some(at) = published_at {
                f.disclosed_n += 1;
                f.disclosed_on_time +=
                    i64::from(local_date(at.get()) <= calendar.add_working_days(p, 5));
            }
        }
    }
    for (unit_id, n) in q::online_procedures_used(&mut tx, start, end).await? {
        facts.entry(unit_id).or_default().procedures_online_used += n;
    }

    tx.commit().await?;

    // Form II.06a counts (kept aggregates, `crate::reports`): received by channel, resolved
    // early / on time / late, in progress within / overdue, per processing unit.
    let one_stop = crate::reports::one_stop(app, &Actor::system(), from, to, None).await?;
    for row in one_stop.rows {
        // The report names a unit it does not know by its id.
        let id = match tree
            .by_code_on(&row.unit.code, as_of_day)
            .or_else(|| tree.by_code_on(&row.unit.code, app.today()))
        {
            Some(u) => u.id,
            None => match Uuid::parse_str(&row.unit.code) {
                Ok(id) => id,
                Err(_) => continue,
            },
        };
        let c = row.counts;
        let f = facts.entry(id).or_default();
        f.received_online += c.received_online;
        f.received_offline += c.received_offline;
        f.resolved_early += c.resolved_early;
        f.resolved_on_time += c.resolved_on_time;
        f.resolved_late += c.resolved_late;
        f.in_progress_within += c.in_progress_within;
        f.in_progress_overdue += c.in_progress_overdue;
    }
    let mut tx = app.db.begin_read().await?;
    for (unit_id, n) in q::e_results(&mut tx, start, end).await? {
        facts.entry(unit_id).or_default().resolved_with_e_result += n;
    }
    // Online dossiers carry a file for every document by construction.
    for f in facts.values_mut() {
        f.received_digitised = f.received_online;
    }
    for (unit_id, n) in q::digitised_offline(&mut tx, start, end).await? {
        facts.entry(unit_id).or_default().received_digitised += n;
    }
    for (unit_id, n) in q::dissatisfied(&mut tx, start, end).await? {
        facts.entry(unit_id).or_default().resolved_dissatisfied += n;
    }

    // Group 5: feedback and recommendations (phản ánh, kiến nghị).
    for (unit_id, on_time, n) in q::pakn_steps(&mut tx, from, to).await? {
        let f = facts.entry(unit_id).or_default();
        f.pakn_steps += n;
        if on_time {
            f.pakn_steps_on_time += n;
        }
    }
    for r in prepo::items_for_report(&mut tx, from, to).await? {
        if !matches!(
            r.kind.as_str(),
            "feedback" | "recommendation" | "regulation_feedback"
        ) {
            continue;
        }
        let f = facts.entry(r.unit_id).or_default();
        if r.received_on >= from {
            f.pakn_received += 1;
            f.pakn_regulation += i64::from(r.kind == "regulation_feedback");
        }
        let item = ItemFacts {
            received_on: r.received_on,
            accepted_on: r.accepted_on,
            closed_on: r.closed_on,
            closed_as: match r.closed_as.as_deref() {
                Some("resolved") => Some("resolved"),
                _ => None,
            },
            deadline: r.deadline,
        };
        if r.closed_as.as_deref() == Some("resolved")
            && r.closed_on.is_some_and(|c| c >= from && c <= to)
        {
            f.pakn_resolved += 1;
            if matches!(
                rules::outcome(&item, as_of_day),
                congso_domain::petition::Outcome::ResolvedOnTime
            ) {
                f.pakn_resolved_on_time += 1;
            }
        }
    }
    tx.commit().await?;

    // Scope and rows.
    let in_scope = |id: Uuid| root.is_none_or(|r| tree.ancestors(id).contains(&r));
    let mut total = Facts::default();
    let mut rows = Vec::new();
    for (id, f) in &facts {
        if !in_scope(*id) {
            continue;
        }
        total += f;
        rows.push(UnitIndex {
            unit: Some(unit_ref_or_id(tree, *id)),
            facts: *f,
            index: score(f, &weights),
        });
    }
    rows.sort_by(|a, b| {
        let (a, b) = (a.unit.as_ref(), b.unit.as_ref());
        a.map(|u| u.code.as_str()).cmp(&b.map(|u| u.code.as_str()))
    });
    let unit_ref = root.map(|r| tree.unit_ref(r)).transpose()?;
    Ok(Index766Report {
        from,
        to,
        as_of: as_of_day,
        unit: unit_ref.clone(),
        total: UnitIndex {
            unit: unit_ref,
            facts: total,
            index: score(&total, &weights),
        },
        weights,
        rows,
    })
}

/// One procedure of a unit in the drill-down (the catalogue side of the index).
#[derive(Debug, Clone, Serialize)]
pub struct ProcedureLine {
    pub code: String,
    pub name: String,
    /// `full`, `partial` or `none`.
    pub online: String,
    pub complete: bool,
    /// 1.1: `Some(true)` published on time (both dates known).
    pub published_on_time: Option<bool>,
}

/// One field (lĩnh vực) of a unit's dossiers in the drill-down.
#[derive(Debug, Clone, Serialize)]
pub struct FieldLine {
    pub code: String,
    pub name: String,
    pub received: i64,
    pub resolved: i64,
    /// 2.1's numerator and denominator for the field.
    pub on_time: i64,
    pub handled: i64,
}

/// The leaders' drill-down: a unit's index, its direct sub-units (each with its subtree), its
/// dossiers by field and its own procedures.
#[derive(Debug, Clone, Serialize)]
pub struct Drill {
    pub report: Index766Report,
    /// The selected unit's ancestors, root first (for the breadcrumbs).
    pub path: Vec<UnitRef>,
    pub children: Vec<UnitIndex>,
    pub fields: Vec<FieldLine>,
    pub procedures: Vec<ProcedureLine>,
}

/// The drill-down of `unit` (default: the caller's first unit, or the root for city-wide roles).
pub async fn drill(
    app: &App,
    actor: &Actor,
    from: Date,
    to: Date,
    unit: Option<&str>,
) -> AppResult<Drill> {
    let tree = crate::units::tree(app).await?;
    let today = app.today();
    let code = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(c) => c.to_owned(),
        None => {
            let roots = {
                let mut tx = app.db.reader().await?;
                let r = repo::units::roots_on(&mut tx, today).await?;
                tx.commit().await?;
                r
            };
            let pick = if city_wide(actor) {
                roots.first().copied()
            } else {
                actor.grants.iter().find_map(|g| g.unit_id)
            };
            let id = pick.ok_or(AppError::forbidden())?;
            tree.unit_ref(id)?.code
        }
    };
    let report = report(app, actor, from, to, Some(&code)).await?;
    let root = tree
        .by_code_on(&code, today.min(to))
        .or_else(|| tree.by_code_on(&code, today))
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.clone()))?
        .id;
    let mut path: Vec<UnitRef> = tree
        .ancestors(root)
        .into_iter()
        .map(|id| tree.unit_ref(id))
        .collect::<AppResult<_>>()?;
    path.reverse();
    // Direct sub-units in force, each with the sum of its subtree's rows.
    let units = crate::units::list_units(app, Some(today.min(to))).await?;
    let mut children = Vec::new();
    for c in units.iter().filter(|u| u.parent_id == Some(root)) {
        let mut facts = Facts::default();
        for row in &report.rows {
            let Some(id) = row.unit.as_ref().and_then(|u| {
                tree.by_code_on(&u.code, today.min(to))
                    .map(|u| u.id)
                    .or_else(|| Uuid::parse_str(&u.code).ok())
            }) else {
                continue;
            };
            if tree.ancestors(id).contains(&c.id) {
                facts += &row.facts;
            }
        }
        children.push(UnitIndex {
            unit: Some(UnitRef {
                code: c.code.clone(),
                name: c.name.clone(),
            }),
            index: score(&facts, &report.weights),
            facts,
        });
    }
    children.sort_by(|a, b| {
        let key = |x: &UnitIndex| x.unit.as_ref().map(|u| u.code.clone());
        key(a).cmp(&key(b))
    });
    // The unit's own dossiers by field (the one-stop aggregates).
    let one = crate::reports::one_stop(app, &Actor::system(), from, to, Some(&code)).await?;
    let fields = one
        .rows
        .iter()
        .filter(|r| r.unit.code == code)
        .flat_map(|r| r.fields.iter())
        .map(|f| {
            let c = &f.counts;
            FieldLine {
                code: f.field.code.clone(),
                name: f.field.name.clone(),
                received: c.received_online + c.received_offline,
                resolved: c.resolved_total,
                on_time: c.resolved_early + c.resolved_on_time + c.in_progress_within,
                handled: c.resolved_total + c.in_progress_total,
            }
        })
        .collect();
    let calendar = crate::calendar::working_calendar(app).await?;
    let mut tx = app.db.reader().await?;
    let procs = q::procedures_of(&mut tx, root).await?;
    tx.commit().await?;
    let procedures = procs
        .into_iter()
        .map(
            |(code, name, online, complete, publication, effective, _)| ProcedureLine {
                code,
                name,
                online,
                complete,
                published_on_time: publication
                    .zip(effective)
                    .map(|(p, e)| calendar.working_days_between(p, e) >= 5),
            },
        )
        .collect();
    Ok(Drill {
        report,
        path,
        children,
        fields,
        procedures,
    })
}
