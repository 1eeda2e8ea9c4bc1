//! Organisation units: create, close (with successors), list.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration as StdDuration, Instant};

use congso_calendar::OfficeHours;
use congso_db::repo::settings;
use congso_db::repo::units::{self, RelationRow, UnitRow};
use congso_db::{Ts, Tx};
use congso_domain::{AgencyCode, ErrorCode, Permission, RelationKind, UnitKind};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, Subject};
use crate::{Actor, App, AppError, AppResult};

/// A unit to create.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: String,
    /// The parent unit's code; `None` only for a root unit (operator only).
    pub parent_code: Option<String>,
    /// First day in force; today when `None`.
    pub valid_from: Option<Date>,
    pub address: Option<String>,
    /// Office hours such as `07:00-11:30,13:30-17:00`; `None` for the default.
    pub office_hours: Option<String>,
}

fn parse_office_hours(s: Option<&str>) -> AppResult<Option<String>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse::<OfficeHours>()
            .map(|h| Some(h.to_string()))
            .map_err(|e| {
                AppError::new(ErrorCode::InvalidInput).with_detail(format!("office_hours: {e}"))
            }),
    }
}

/// Creates a unit under `parent_code`. Needs `unit_manage` on the parent.
pub async fn create_unit(app: &App, actor: &Actor, new: NewUnit) -> AppResult<UnitRow> {
    let code = AgencyCode::parse(&new.code)?;
    let kind = UnitKind::parse(&new.kind).map_err(|e| AppError::new(e).with_detail("kind"))?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 300 {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("name"));
    }
    let office_hours = parse_office_hours(new.office_hours.as_deref())?;
    let valid_from = new.valid_from.unwrap_or_else(|| app.today());
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let parent = match &new.parent_code {
        Some(pc) => {
            let pc = AgencyCode::parse(pc)?;
            let parent = units::by_code_on(&mut tx, pc.as_str(), valid_from)
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(pc.to_string()))?;
            actor
                .require(&mut tx, Permission::UnitManage, parent.id)
                .await?;
            Some(parent)
        }
        None if actor.is_system => None,
        None => return Err(AppError::forbidden()),
    };
    if units::count_code_on(&mut tx, code.as_str(), valid_from).await? > 0 {
        return Err(AppError::new(ErrorCode::UnitCodeTaken).with_detail(code.to_string()));
    }
    let row = UnitRow {
        id: congso_domain::new_id(),
        code: code.to_string(),
        name: name.to_owned(),
        name_en: new.name_en.filter(|s| !s.trim().is_empty()),
        kind: kind.as_str().to_owned(),
        parent_id: parent.as_ref().map(|p| p.id),
        valid_from,
        valid_to: None,
        address: new.address.filter(|s| !s.trim().is_empty()),
        office_hours,
        created_at: now,
        updated_at: now,
    };
    units::insert(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "unit",
            id: row.id,
            unit_id: Some(row.id),
        },
        "unit.created",
        json!({
            "code": row.code, "name": row.name, "kind": row.kind,
            "parent": parent.as_ref().map(|p| &p.code), "valid_from": row.valid_from.to_string(),
        }),
        now,
    )
    .await?;
    units_changed(&mut tx, now).await?;
    tx.commit().await?;
    forget_tree(app);
    Ok(row)
}

/// How a unit is closed.
#[derive(Debug, Clone)]
pub struct CloseUnit {
    /// First day the unit is no longer in force.
    pub valid_to: Date,
    /// Units that continue its work, with the kind of relation.
    pub successors: Vec<(String, RelationKind)>,
    pub note: Option<String>,
}

/// Closes the unit in force with `code` (never deletes it) and links its successors. Needs
/// `unit_manage` on the unit.
pub async fn close_unit(
    app: &App,
    actor: &Actor,
    code: &str,
    close: CloseUnit,
) -> AppResult<UnitRow> {
    let code = AgencyCode::parse(code)?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let unit = units::latest_by_code(&mut tx, code.as_str())
        .await?
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_string()))?;
    actor
        .require(&mut tx, Permission::UnitManage, unit.id)
        .await?;
    if unit.valid_to.is_some() {
        return Err(AppError::new(ErrorCode::UnitClosed));
    }
    if close.valid_to <= unit.valid_from {
        return Err(AppError::new(ErrorCode::InvalidDateRange));
    }
    if units::count_children_on(&mut tx, unit.id, close.valid_to).await? > 0 {
        return Err(AppError::new(ErrorCode::UnitHasChildren));
    }
    let mut linked = vec![];
    for (succ_code, kind) in &close.successors {
        let sc = AgencyCode::parse(succ_code)?;
        let succ = units::by_code_on(&mut tx, sc.as_str(), close.valid_to)
            .await?
            .filter(|s| s.id != unit.id)
            .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(sc.to_string()))?;
        units::insert_relation(
            &mut tx,
            &RelationRow {
                predecessor_id: unit.id,
                successor_id: succ.id,
                kind: kind.as_str().to_owned(),
                effective_on: close.valid_to,
                note: close.note.clone(),
            },
        )
        .await?;
        linked.push(json!({ "code": succ.code, "relation": kind.as_str() }));
    }
    if units::close(&mut tx, unit.id, close.valid_to, now).await? != 1 {
        return Err(AppError::new(ErrorCode::Conflict));
    }
    // Open dossiers move on to the (first) successor, keeping their code, receipt date and clock.
    let mut moved = 0;
    let mut tasks_moved = 0;
    if let Some((code, _)) = close.successors.first() {
        let succ = units::by_code_on(&mut tx, code.trim(), close.valid_to)
            .await?
            .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.clone()))?;
        moved = crate::dossiers::move_to_successor(&mut tx, actor, unit.id, succ.id, now).await?;
        tasks_moved =
            crate::directives::move_to_successor(&mut tx, actor, unit.id, succ.id, now).await?;
    }
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "unit",
            id: unit.id,
            unit_id: Some(unit.id),
        },
        "unit.closed",
        json!({ "valid_to": close.valid_to.to_string(), "successors": linked, "note": close.note, "dossiers_moved": moved, "tasks_moved": tasks_moved }),
        now,
    )
    .await?;
    let closed = units::by_id(&mut tx, unit.id)
        .await?
        .ok_or(AppError::not_found())?;
    units_changed(&mut tx, now).await?;
    tx.commit().await?;
    forget_tree(app);
    Ok(closed)
}

/// Sets the office hours of the unit in force with `code` (`None`: the default hours). Working-hour
/// time limits of the unit's cases count these hours. Needs `unit_manage` on the unit.
pub async fn set_office_hours(
    app: &App,
    actor: &Actor,
    code: &str,
    hours: Option<&str>,
) -> AppResult<UnitRow> {
    let hours = parse_office_hours(hours)?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let unit = units::by_code_on(&mut tx, code.trim(), app.today())
        .await?
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?;
    actor
        .require(&mut tx, Permission::UnitManage, unit.id)
        .await?;
    units::set_office_hours(&mut tx, unit.id, hours.as_deref(), now).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "unit",
            id: unit.id,
            unit_id: Some(unit.id),
        },
        "unit.office_hours_set",
        json!({ "office_hours": hours }),
        now,
    )
    .await?;
    let row = units::by_id(&mut tx, unit.id)
        .await?
        .ok_or(AppError::not_found())?;
    units_changed(&mut tx, now).await?;
    tx.commit().await?;
    forget_tree(app);
    Ok(row)
}

/// The office hours of a unit (the default when it sets none or the value is unreadable).
pub fn office_hours_of(unit: &UnitRow) -> OfficeHours {
    unit.office_hours
        .as_deref()
        .and_then(|h| h.parse().ok())
        .unwrap_or_default()
}

/// The unit in force today with `code`.
pub async fn unit_by_code(app: &App, code: &str) -> AppResult<UnitRow> {
    let mut tx = app.db.begin_read().await?;
    let unit = units::by_code_on(&mut tx, code.trim(), app.today())
        .await?
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?;
    tx.commit().await?;
    Ok(unit)
}

/// Units in force on `day` (all versions when `None`).
pub async fn list_units(app: &App, day: Option<Date>) -> AppResult<Vec<UnitRow>> {
    let mut tx = app.db.begin_read().await?;
    let rows = units::list(&mut tx, day).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Every unit (all versions) in memory, for the permission checks and names on hot paths: a
/// transition on a dossier asks for the unit's ancestors two or three times and for its name and
/// office hours, which were one database round trip each.
#[derive(Debug, Default)]
pub struct UnitTree {
    units: HashMap<Uuid, UnitRow>,
    /// Every version of each code.
    by_code: HashMap<String, Vec<Uuid>>,
}

impl UnitTree {
    pub fn new(rows: Vec<UnitRow>) -> UnitTree {
        let mut by_code: HashMap<String, Vec<Uuid>> = HashMap::new();
        for u in &rows {
            by_code.entry(u.code.clone()).or_default().push(u.id);
        }
        UnitTree {
            units: rows.into_iter().map(|u| (u.id, u)).collect(),
            by_code,
        }
    }

    pub fn get(&self, id: Uuid) -> Option<&UnitRow> {
        self.units.get(&id)
    }

    /// The unit and the units above it, nearest first (what `repo::units::ancestors` returns).
    pub fn ancestors(&self, id: Uuid) -> Vec<Uuid> {
        let mut out = vec![];
        let mut next = self.units.get(&id);
        while let Some(u) = next {
            out.push(u.id);
            if out.len() > 32 {
                break;
            }
            next = u.parent_id.and_then(|p| self.units.get(&p));
        }
        out
    }

    /// The unit in force on `day` with `code`.
    pub fn by_code_on(&self, code: &str, day: Date) -> Option<&UnitRow> {
        self.by_code
            .get(code)?
            .iter()
            .filter_map(|id| self.units.get(id))
            .find(|u| u.valid_on(day))
    }

    /// The unit's code and name, as shown with a case.
    pub fn unit_ref(&self, id: Uuid) -> AppResult<crate::dossiers::UnitRef> {
        let u = self.get(id).ok_or(AppError::not_found())?;
        Ok(crate::dossiers::UnitRef {
            code: u.code.clone(),
            name: u.name.clone(),
        })
    }

    /// The unit's office hours (the default for an unknown unit).
    pub fn office_hours(&self, id: Uuid) -> OfficeHours {
        self.get(id).map(office_hours_of).unwrap_or_default()
    }
}

const TREE_VERSION_KEY: &str = "units_version";
/// How long a server trusts its copy without asking whether another server changed the units.
const TREE_RECHECK: StdDuration = StdDuration::from_secs(5);

struct CachedTree {
    version: String,
    checked: Instant,
    tree: Arc<UnitTree>,
}

/// The in-memory units of one server, reloaded when the `units_version` setting changes
/// (checked at most every 5 seconds, and at once on the server that made the change).
#[derive(Default)]
pub struct UnitCache {
    inner: RwLock<Option<CachedTree>>,
}

/// The units as this server knows them. Fetch it *before* opening a transaction: loading it may
/// need a connection of its own.
pub async fn tree(app: &App) -> AppResult<Arc<UnitTree>> {
    if let Ok(guard) = app.units.inner.read()
        && let Some(c) = guard.as_ref()
        && c.checked.elapsed() < TREE_RECHECK
    {
        return Ok(c.tree.clone());
    }
    let mut tx = app.db.begin_read().await?;
    let version = settings::get(&mut tx, TREE_VERSION_KEY)
        .await?
        .unwrap_or_default();
    let cached = app.units.inner.read().ok().and_then(|g| {
        g.as_ref()
            .filter(|c| c.version == version)
            .map(|c| c.tree.clone())
    });
    let tree = match cached {
        Some(t) => t,
        None => Arc::new(UnitTree::new(units::list(&mut tx, None).await?)),
    };
    tx.commit().await?;
    if let Ok(mut guard) = app.units.inner.write() {
        *guard = Some(CachedTree {
            version,
            checked: Instant::now(),
            tree: tree.clone(),
        });
    }
    Ok(tree)
}

/// Records in the transaction that the units changed (other servers reload within seconds).
async fn units_changed(tx: &mut Tx, now: Ts) -> AppResult<()> {
    settings::put(
        tx,
        TREE_VERSION_KEY,
        &congso_domain::new_id().to_string(),
        now,
    )
    .await?;
    Ok(())
}

/// Drops this server's copy (after a committed change).
fn forget_tree(app: &App) {
    if let Ok(mut guard) = app.units.inner.write() {
        *guard = None;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{AppConfig, FixedClock};
    use congso_db::Db;
    use time::macros::datetime;

    fn app(db: Db) -> App {
        App::new(
            db,
            Arc::new(FixedClock::new(datetime!(2026-03-02 09:00 +7))),
            AppConfig::default(),
        )
    }

    congso_db::db_test!(async fn the_tree_in_memory_answers_as_the_database(db) {
        let app = app(db);
        app.bootstrap().await.expect("bootstrap");
        crate::demo::seed(&app, Some("mat-khau-demo-2026")).await.expect("seed");
        let tree = tree(&app).await.expect("tree");
        let mut tx = app.db.begin_read().await.expect("tx");
        let all = units::list(&mut tx, None).await.expect("units");
        assert!(all.len() > 5, "demo units: {}", all.len());
        for u in &all {
            assert_eq!(tree.ancestors(u.id), units::ancestors(&mut tx, u.id).await.expect("ancestors"), "{}", u.code);
            assert_eq!(tree.by_code_on(&u.code, app.today()).map(|t| t.id), units::by_code_on(&mut tx, &u.code, app.today()).await.expect("q").map(|t| t.id));
        }
        assert!(tree.ancestors(Uuid::nil()).is_empty());
    });

    congso_db::db_test!(async fn a_unit_change_is_seen_at_once_here_and_announced_to_other_servers(db) {
        let app = app(db.clone());
        app.bootstrap().await.expect("bootstrap");
        crate::demo::seed(&app, Some("mat-khau-demo-2026")).await.expect("seed");
        let other = self::app(db);
        let before = tree(&app).await.expect("tree");
        let other_before = tree(&other).await.expect("tree");
        let justice = before.by_code_on("000.00.04.H57", app.today()).expect("justice").clone();
        let version = |app: &App| {
            let app = app.clone();
            async move {
                let mut tx = app.db.begin_read().await.expect("tx");
                settings::get(&mut tx, TREE_VERSION_KEY).await.expect("q")
            }
        };
        let v0 = version(&app).await;
        set_office_hours(&app, &Actor::system(), "000.00.04.H57", Some("07:30-11:30,13:00-17:00"))
            .await
            .expect("hours");
        let created = create_unit(&app, &Actor::system(), NewUnit {
            code: "000.40.04.H57".into(), name: "Phòng Hộ tịch".into(), name_en: None, kind: "department".into(),
            parent_code: Some("000.00.04.H57".into()), valid_from: None, address: None, office_hours: None,
        })
        .await
        .expect("unit");
        // This server sees both changes at once.
        let after = tree(&app).await.expect("tree");
        assert_eq!(after.office_hours(justice.id).to_string(), "07:30-11:30,13:00-17:00");
        assert_eq!(after.ancestors(created.id)[..2], [created.id, justice.id]);
        // Another server still has its copy until it checks the version, which changed.
        assert!(tree(&other).await.expect("tree").get(created.id).is_none());
        assert!(other_before.get(created.id).is_none());
        assert_ne!(version(&app).await, v0);
    });
}
