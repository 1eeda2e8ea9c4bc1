//! Organisation units: `GET /api/v1/units`, `POST /api/v1/units`, `POST /api/v1/units/{code}/close`.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use congso_app::units::{CloseUnit, NewUnit, close_unit, create_unit, list_units};
use congso_db::repo::units::UnitRow;
use congso_domain::RelationKind;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ErrorBody, parse_date};
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::state::AppState;

/// An organisation unit (one version; `valid_to` is the first day it is no longer in force).
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    /// National agency code (TT 10/2016), e.g. `000.00.00.H57`.
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    /// `provincial_committee`, `office`, `department`, `service_centre`, `inspectorate`,
    /// `district_committee`, `ward_committee`, `commune_committee` or `other`.
    pub kind: String,
    /// The parent unit's code.
    pub parent: Option<String>,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    /// `YYYY-MM-DD`, or null while in force.
    pub valid_to: Option<String>,
    /// Office hours, e.g. `07:00-11:30,13:30-17:00` (null: the default hours).
    pub office_hours: Option<String>,
}

pub fn to_dto(u: &UnitRow, codes: &HashMap<uuid::Uuid, String>) -> UnitDto {
    UnitDto {
        code: u.code.clone(),
        name: u.name.clone(),
        name_en: u.name_en.clone(),
        kind: u.kind.clone(),
        parent: u.parent_id.and_then(|p| codes.get(&p).cloned()),
        valid_from: u.valid_from.to_string(),
        valid_to: u.valid_to.map(|d| d.to_string()),
        office_hours: u.office_hours.clone(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Units in force on this date (`YYYY-MM-DD`); today by default.
    pub date: Option<String>,
    /// `true` lists every version ever, closed ones included.
    pub all: Option<bool>,
}

/// Lists organisation units.
#[utoipa::path(
    get, path = "/units", tag = "units",
    params(ListQuery),
    responses((status = 200, body = Vec<UnitDto>), (status = 400, body = ErrorBody))
)]
pub async fn list(
    State(st): State<AppState>,
    Query(q): Query<ListQuery>,
) -> WebResult<Json<Vec<UnitDto>>> {
    let day = if q.all == Some(true) {
        None
    } else {
        Some(match &q.date {
            Some(d) => parse_date(d)?,
            None => st.app.today(),
        })
    };
    let all = list_units(&st.app, None).await?;
    let codes: HashMap<_, _> = all.iter().map(|u| (u.id, u.code.clone())).collect();
    let rows = match day {
        None => all.iter().collect::<Vec<_>>(),
        Some(d) => all.iter().filter(|u| u.valid_on(d)).collect(),
    };
    Ok(Json(rows.into_iter().map(|u| to_dto(u, &codes)).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUnitRequest {
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: String,
    /// Parent unit code (required).
    pub parent: String,
    /// First day in force, `YYYY-MM-DD`; today by default.
    pub valid_from: Option<String>,
    pub address: Option<String>,
    /// Office hours, e.g. `07:30-11:30,13:30-17:00`; the default when omitted.
    pub office_hours: Option<String>,
}

/// Creates a unit under `parent`. Needs the `unit_manage` permission on the parent.
#[utoipa::path(
    post, path = "/units", tag = "units",
    request_body = CreateUnitRequest,
    responses(
        (status = 201, body = UnitDto),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(req): Json<CreateUnitRequest>,
) -> WebResult<(StatusCode, Json<UnitDto>)> {
    let actor = ctx.user()?;
    let valid_from = req.valid_from.as_deref().map(parse_date).transpose()?;
    let row = create_unit(
        &st.app,
        actor,
        NewUnit {
            code: req.code,
            name: req.name,
            name_en: req.name_en,
            kind: req.kind,
            parent_code: Some(req.parent.clone()),
            valid_from,
            address: req.address,
            office_hours: req.office_hours,
        },
    )
    .await?;
    let mut codes = HashMap::new();
    if let Some(p) = row.parent_id {
        codes.insert(p, req.parent.trim().to_ascii_uppercase());
    }
    Ok((StatusCode::CREATED, Json(to_dto(&row, &codes))))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SuccessorDto {
    pub code: String,
    /// `rename`, `merge`, `split`, `transfer_area` or `abolish`.
    pub relation: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CloseUnitRequest {
    /// First day the unit is no longer in force, `YYYY-MM-DD`.
    pub valid_to: String,
    #[serde(default)]
    pub successors: Vec<SuccessorDto>,
    pub note: Option<String>,
}

/// Closes a unit (it is never deleted) and links the units that continue its work.
#[utoipa::path(
    post, path = "/units/{code}/close", tag = "units",
    params(("code" = String, Path, description = "Agency code")),
    request_body = CloseUnitRequest,
    responses(
        (status = 200, body = UnitDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn close(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(req): Json<CloseUnitRequest>,
) -> WebResult<Json<UnitDto>> {
    let actor = ctx.user()?;
    let mut successors = vec![];
    for s in &req.successors {
        successors.push((s.code.clone(), RelationKind::parse(&s.relation)?));
    }
    let row = close_unit(
        &st.app,
        actor,
        &code,
        CloseUnit {
            valid_to: parse_date(&req.valid_to)?,
            successors,
            note: req.note,
        },
    )
    .await?;
    let all = list_units(&st.app, None).await?;
    let codes: HashMap<_, _> = all.iter().map(|u| (u.id, u.code.clone())).collect();
    Ok(Json(to_dto(&row, &codes)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OfficeHoursRequest {
    /// e.g. `07:30-11:30,13:30-17:00`; null restores the default (07:00-11:30, 13:30-17:00).
    pub office_hours: Option<String>,
}

/// Sets a unit's office hours (working-hour limits of its cases count them).
#[utoipa::path(
    put, path = "/units/{code}/office-hours", tag = "units",
    params(("code" = String, Path, description = "Agency code")),
    request_body = OfficeHoursRequest,
    responses(
        (status = 200, body = UnitDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn set_office_hours(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(req): Json<OfficeHoursRequest>,
) -> WebResult<Json<UnitDto>> {
    let actor = ctx.user()?;
    let row =
        congso_app::units::set_office_hours(&st.app, actor, &code, req.office_hours.as_deref())
            .await?;
    let all = list_units(&st.app, None).await?;
    let codes: HashMap<_, _> = all.iter().map(|u| (u.id, u.code.clone())).collect();
    Ok(Json(to_dto(&row, &codes)))
}
