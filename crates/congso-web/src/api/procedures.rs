//! The procedure catalogue API: search, read (any version), and the administrator's create, edit,
//! publish and repeal; the QĐ 766 group 1 disclosure indicators.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use congso_app::catalogue::{self, Search};
use congso_db::repo::procedures::Hit;
use congso_domain::procedure::ProcedureSpec;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::ErrorBody;
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Words to find, with or without diacritics (`dang ky khai sinh`).
    pub q: Option<String>,
    /// Field (lĩnh vực) code.
    pub field: Option<String>,
    /// `province` or `commune`.
    pub level: Option<String>,
    /// Code of the responsible unit.
    pub unit: Option<String>,
    /// `full`, `partial`, `none`, or `any` (full or partial).
    pub online: Option<String>,
    /// 1-based page (default 1).
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    pub per_page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldDto {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LimitDto {
    pub value: i64,
    /// `working_days`, `days` or `working_hours`.
    pub unit: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureSummary {
    pub code: String,
    pub name: String,
    pub field: FieldDto,
    /// `province` or `commune`.
    pub level: String,
    /// Code of the responsible unit.
    pub unit: String,
    /// `full`, `partial` or `none`.
    pub online: String,
    /// The shortest time limit among the channels.
    pub time_limit: LimitDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedurePage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<ProcedureSummary>,
}

pub fn summary(h: Hit) -> ProcedureSummary {
    ProcedureSummary {
        code: h.code,
        name: h.name,
        field: FieldDto {
            code: h.field_code,
            name: h.field_name,
        },
        level: h.level,
        unit: h.unit_code,
        online: h.online,
        time_limit: LimitDto {
            value: h.limit_value,
            unit: h.limit_unit,
        },
    }
}

/// Searches the published catalogue (phrase and exact-accent matches first).
#[utoipa::path(
    get, path = "/procedures", tag = "procedures",
    params(SearchQuery),
    responses((status = 200, body = ProcedurePage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn search(
    State(st): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> WebResult<Json<ProcedurePage>> {
    let r = catalogue::search(
        &st.app,
        &Search {
            q: q.q,
            field: q.field,
            level: q.level,
            unit: q.unit,
            online: q.online,
            page: q.page.unwrap_or(1),
            per_page: q.per_page.unwrap_or(20),
            prefix: false,
            include_unpublished: false,
        },
    )
    .await?;
    Ok(Json(ProcedurePage {
        total: r.total,
        page: r.page,
        per_page: r.per_page,
        items: r.items.into_iter().map(summary).collect(),
    }))
}

/// A procedure version: every component of the file format, plus `version` and `status`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureDto {
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub spec: ProcedureSpec,
    pub version: i64,
    /// `published`, `amended` (published, version > 1), `repealed`, `draft` or `superseded`.
    pub status: String,
    /// Versions that exist, newest first.
    pub versions: Vec<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VersionQuery {
    /// A past version number (default: the current one).
    pub version: Option<i64>,
}

/// The current (or a given) version of a procedure.
#[utoipa::path(
    get, path = "/procedures/{code}", tag = "procedures",
    params(("code" = String, Path), VersionQuery),
    responses((status = 200, body = ProcedureDto), (status = 404, body = ErrorBody))
)]
pub async fn get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<VersionQuery>,
) -> WebResult<Json<ProcedureDto>> {
    let admin = ctx
        .actor
        .as_ref()
        .is_some_and(|a| a.may_somewhere(congso_domain::Permission::CatalogueManage));
    let v = catalogue::get(&st.app, &code, q.version, admin).await?;
    Ok(Json(dto(v)))
}

pub fn dto(v: catalogue::ProcedureView) -> ProcedureDto {
    let status = match (v.version.status.as_str(), v.row.status.as_str()) {
        (_, "repealed") => "repealed",
        ("published", _) if v.version.version > 1 => "amended",
        (s, _) => s,
    }
    .to_owned();
    ProcedureDto {
        spec: v.spec,
        version: v.version.version,
        status,
        versions: v.history.iter().map(|h| h.0).collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionResponse {
    pub code: String,
    pub version: i64,
}

/// Creates a procedure as draft version 1 (administrator). Body: the file format of one procedure.
#[utoipa::path(
    post, path = "/procedures", tag = "procedures",
    request_body(content = Object, description = "One procedure in the import file format"),
    responses(
        (status = 201, body = VersionResponse),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(spec): Json<ProcedureSpec>,
) -> WebResult<(StatusCode, Json<VersionResponse>)> {
    let row = catalogue::create(&st.app, ctx.user()?, spec).await?;
    Ok((
        StatusCode::CREATED,
        Json(VersionResponse {
            code: row.code,
            version: 1,
        }),
    ))
}

/// Edits a procedure: the content becomes (or replaces) its pending draft version.
#[utoipa::path(
    put, path = "/procedures/{code}", tag = "procedures",
    params(("code" = String, Path)),
    request_body(content = Object, description = "One procedure in the import file format"),
    responses(
        (status = 200, body = VersionResponse),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(spec): Json<ProcedureSpec>,
) -> WebResult<Json<VersionResponse>> {
    let version = catalogue::edit(&st.app, ctx.user()?, &code, spec).await?;
    Ok(Json(VersionResponse { code, version }))
}

/// Publishes the pending draft version.
#[utoipa::path(
    post, path = "/procedures/{code}/publish", tag = "procedures",
    params(("code" = String, Path)),
    responses((status = 200, body = VersionResponse), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn publish(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Json<VersionResponse>> {
    let version = catalogue::publish(&st.app, ctx.user()?, &code).await?;
    Ok(Json(VersionResponse { code, version }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RepealRequest {
    /// The decision that repeals it.
    pub note: Option<String>,
}

/// Repeals a procedure (it leaves the public catalogue; its versions stay readable).
#[utoipa::path(
    post, path = "/procedures/{code}/repeal", tag = "procedures",
    params(("code" = String, Path)),
    request_body = RepealRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn repeal(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<RepealRequest>,
) -> WebResult<StatusCode> {
    catalogue::repeal(&st.app, ctx.user()?, &code, body.note).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UnitQuery {
    /// Unit code (its sub-units included); all units when omitted.
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDto {
    pub code: String,
    pub name: String,
    pub numerator: i64,
    pub denominator: i64,
    /// Percentage, two decimals.
    pub rate: f64,
}

/// QĐ 766 group 1 (disclosure) indicators computed from the catalogue.
#[utoipa::path(
    get, path = "/procedures/disclosure", tag = "procedures",
    params(UnitQuery),
    responses((status = 200, body = Vec<IndicatorDto>), (status = 404, body = ErrorBody))
)]
pub async fn disclosure(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<UnitQuery>,
) -> WebResult<Json<Vec<IndicatorDto>>> {
    let list = catalogue::disclosure_indicators(&st.app, q.unit.as_deref()).await?;
    Ok(Json(
        list.into_iter()
            .map(|i| IndicatorDto {
                code: i.code.to_owned(),
                name: match ctx.lang {
                    congso_domain::Lang::Vi => i.name_vi,
                    congso_domain::Lang::En => i.name_en,
                }
                .to_owned(),
                numerator: i.numerator,
                denominator: i.denominator,
                rate: i.rate,
            })
            .collect(),
    ))
}
