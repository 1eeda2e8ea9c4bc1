//! The QĐ 766 index API: the index per unit and period, and its weights (the `index_766_weights`
//! setting).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use congso_app::dossiers::UnitRef;
use congso_app::index766::{self, Index766Report, UnitIndex};
use congso_domain::index766::{Facts, Weights};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::ErrorBody;
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct IndexQuery {
    /// First day (`YYYY-MM-DD`); default: 1 January of this year.
    pub from: Option<String>,
    /// Last day; default: today.
    pub to: Option<String>,
    /// A unit code: the unit and the units below it; default: every unit and the province.
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDto {
    /// The indicator's code in the official formula description (e.g. `2.1`).
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// `false`: congso has no data for it; it scores 0 (see `note_vi`).
    pub measured: bool,
    pub numerator: i64,
    pub denominator: i64,
    /// Percent, 2 decimals; null when unmeasured or nothing to count in the period.
    pub rate: Option<f64>,
    /// The rate (percent) at which the full points are earned; below it points are proportional.
    pub threshold: Option<f64>,
    pub points: f64,
    pub max_points: f64,
    /// What data the numbers come from (Vietnamese).
    pub note_vi: String,
    pub note_en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupDto {
    /// `disclosure`, `progress`, `digitisation`, `online` or `satisfaction`.
    pub group: String,
    pub name_vi: String,
    pub name_en: String,
    pub points: f64,
    pub max_points: f64,
    /// The points of the indicators that could be assessed.
    pub assessable_max: f64,
    pub indicators: Vec<IndicatorDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitIndexDto {
    /// Null for the whole province.
    pub unit: Option<UnitDto>,
    /// The points out of 100 (unmeasured indicators count 0).
    pub total: f64,
    pub max_total: f64,
    pub assessable_max: f64,
    /// total × 100 / assessable_max.
    pub normalised: Option<f64>,
    pub groups: Vec<GroupDto>,
    /// The raw counts the index was computed from.
    #[schema(value_type = Object)]
    pub facts: Facts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndexReportDto {
    pub from: String,
    pub to: String,
    pub as_of: String,
    pub unit: Option<UnitDto>,
    /// The points of each indicator in force.
    pub weights: BTreeMap<String, f64>,
    /// The scope: the unit with the units below it, or the whole province.
    pub total: UnitIndexDto,
    /// Each unit's own facts and index (units with data in the scope).
    pub rows: Vec<UnitIndexDto>,
}

fn unit(u: UnitRef) -> UnitDto {
    UnitDto {
        code: u.code,
        name: u.name,
    }
}

fn unit_index(u: UnitIndex) -> UnitIndexDto {
    UnitIndexDto {
        unit: u.unit.map(unit),
        total: u.index.total,
        max_total: u.index.max_total,
        assessable_max: u.index.assessable_max,
        normalised: u.index.normalised,
        groups: u
            .index
            .groups
            .into_iter()
            .map(|g| GroupDto {
                group: g.group.as_str().to_owned(),
                name_vi: g.name_vi.to_owned(),
                name_en: g.name_en.to_owned(),
                points: g.points,
                max_points: g.max_points,
                assessable_max: g.assessable_max,
                indicators: g
                    .indicators
                    .into_iter()
                    .map(|s| IndicatorDto {
                        code: s.code.to_owned(),
                        name_vi: s.name_vi.to_owned(),
                        name_en: s.name_en.to_owned(),
                        measured: s.measured,
                        numerator: s.numerator,
                        denominator: s.denominator,
                        rate: s.rate,
                        threshold: s.threshold,
                        points: s.points,
                        max_points: s.max_points,
                        note_vi: s.note_vi.to_owned(),
                        note_en: s.note_en.to_owned(),
                    })
                    .collect(),
            })
            .collect(),
        facts: u.facts,
    }
}

/// The report as its JSON body.
pub fn report_dto(r: Index766Report) -> IndexReportDto {
    IndexReportDto {
        from: r.from.to_string(),
        to: r.to.to_string(),
        as_of: r.as_of.to_string(),
        unit: r.unit.map(unit),
        weights: r.weights.0,
        total: unit_index(r.total),
        rows: r.rows.into_iter().map(unit_index).collect(),
    }
}

/// The QĐ 766 index (domain-rules §2.4): five groups, 100 points, each indicator with its
/// numerator, denominator, rate, points and the data it uses. Indicators congso has no data for
/// are `measured: false` and score 0. Needs `report_view` on the unit; without `unit`, the Office
/// or a leader (rows per unit and the whole province).
#[utoipa::path(
    get, path = "/reports/index-766", tag = "reports",
    params(IndexQuery),
    responses((status = 200, body = IndexReportDto), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn index(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<IndexQuery>,
) -> WebResult<Json<IndexReportDto>> {
    let actor = ctx.user()?;
    let (from, to) = super::period_this_year(&st, q.from.as_deref(), q.to.as_deref())?;
    let r = index766::report(&st.app, actor, from, to, q.unit.as_deref()).await?;
    Ok(Json(report_dto(r)))
}

/// Sets the points of the indicators (the `index_766_weights` setting): a JSON object code →
/// points, merged over the defaults; each group must still sum to its maximum. An administrator
/// (`calendar_manage`) or a leader on a root unit.
#[utoipa::path(
    put, path = "/reports/index-766/weights", tag = "reports",
    request_body(content = BTreeMap<String, f64>),
    responses((status = 200, body = BTreeMap<String, f64>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn put_weights(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<BTreeMap<String, f64>>,
) -> WebResult<Json<BTreeMap<String, f64>>> {
    let actor = ctx.user()?;
    let w = index766::set_weights(&st.app, actor, Weights(body)).await?;
    Ok(Json(w.0))
}
