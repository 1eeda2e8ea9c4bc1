//! Organisation units: create, close (with successors), list.

use congso_calendar::OfficeHours;
use congso_db::repo::units::{self, RelationRow, UnitRow};
use congso_domain::{AgencyCode, ErrorCode, Permission, RelationKind, UnitKind};
use serde_json::json;
use time::Date;

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
    tx.commit().await?;
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
    tx.commit().await?;
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
    tx.commit().await?;
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
