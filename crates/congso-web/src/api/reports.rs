//! The one-stop report (Biểu số II.06a/VPCP/KSTT) as JSON, CSV and XLSX. Definitions: see
//! `congso_app::reports`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use congso_app::AppError;
use congso_app::reports::{self, FieldCounts, Named, OneStopCounts, OneStopReport};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::ErrorBody;
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct OneStopQuery {
    /// First day (`YYYY-MM-DD` or `dd/mm/yyyy`); default: 1 January of this year.
    pub from: Option<String>,
    /// Last day; default: today.
    pub to: Option<String>,
    /// A unit code: the unit and the units below it (default: every unit; city-wide roles only).
    pub unit: Option<String>,
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NamedDto {
    pub code: String,
    pub name: String,
}

/// The form's columns 3–13 and the extra breakdowns.
#[derive(Debug, Serialize, ToSchema)]
pub struct OneStopCountsDto {
    /// Column 3 = received_online + received_offline + carried_over.
    pub received_total: i64,
    /// Column 4: received in the period online.
    pub received_online: i64,
    /// Column 5: received in the period at the counter or by post.
    pub received_offline: i64,
    /// Column 6: received before the period, not resolved before it.
    pub carried_over: i64,
    /// Column 7 = early + on time + late.
    pub resolved_total: i64,
    /// Column 8.
    pub resolved_early: i64,
    /// Column 9 (withdrawn, refused and stopped dossiers count here).
    pub resolved_on_time: i64,
    /// Column 10.
    pub resolved_late: i64,
    /// Of column 10: with an apology letter (Mẫu 04).
    pub resolved_late_with_apology: i64,
    /// Of column 10: without one.
    pub resolved_late_without_apology: i64,
    /// Of column 9: withdrawn by the applicant.
    pub withdrawn: i64,
    /// Of column 9: refused after study or stopped ("hồ sơ trả lại").
    pub returned: i64,
    /// Column 11 = within + overdue, at `as_of`.
    pub in_progress_total: i64,
    /// Column 12.
    pub in_progress_within: i64,
    /// Column 13.
    pub in_progress_overdue: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OneStopFieldDto {
    /// The field (lĩnh vực) of the procedures.
    pub field: NamedDto,
    #[serde(flatten)]
    pub counts: OneStopCountsDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OneStopRowDto {
    /// The processing unit.
    pub unit: NamedDto,
    #[serde(flatten)]
    pub counts: OneStopCountsDto,
    /// The same numbers per field of this unit.
    pub fields: Vec<OneStopFieldDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OneStopReportDto {
    pub from: String,
    pub to: String,
    /// The day in-progress dossiers are counted at: min(to, today).
    pub as_of: String,
    /// The unit asked for (with the units below it).
    pub unit: Option<NamedDto>,
    /// One row per processing unit with anything to show, by unit code.
    pub rows: Vec<OneStopRowDto>,
    /// Totals per field over the rows.
    pub fields: Vec<OneStopFieldDto>,
    pub total: OneStopCountsDto,
}

fn named(n: Named) -> NamedDto {
    NamedDto {
        code: n.code,
        name: n.name,
    }
}

fn counts(c: OneStopCounts) -> OneStopCountsDto {
    OneStopCountsDto {
        received_total: c.received_total,
        received_online: c.received_online,
        received_offline: c.received_offline,
        carried_over: c.carried_over,
        resolved_total: c.resolved_total,
        resolved_early: c.resolved_early,
        resolved_on_time: c.resolved_on_time,
        resolved_late: c.resolved_late,
        resolved_late_with_apology: c.resolved_late_with_apology,
        resolved_late_without_apology: c.resolved_late_without_apology,
        withdrawn: c.withdrawn,
        returned: c.returned,
        in_progress_total: c.in_progress_total,
        in_progress_within: c.in_progress_within,
        in_progress_overdue: c.in_progress_overdue,
    }
}

fn field(f: FieldCounts) -> OneStopFieldDto {
    OneStopFieldDto {
        field: named(f.field),
        counts: counts(f.counts),
    }
}

fn dto(r: OneStopReport) -> OneStopReportDto {
    OneStopReportDto {
        from: r.from.to_string(),
        to: r.to.to_string(),
        as_of: r.as_of.to_string(),
        unit: r.unit.map(named),
        rows: r
            .rows
            .into_iter()
            .map(|row| OneStopRowDto {
                unit: named(row.unit),
                counts: counts(row.counts),
                fields: row.fields.into_iter().map(field).collect(),
            })
            .collect(),
        fields: r.fields.into_iter().map(field).collect(),
        total: counts(r.total),
    }
}

async fn load(st: &AppState, ctx: &Ctx, q: &OneStopQuery) -> WebResult<OneStopReport> {
    let actor = ctx.user()?;
    let (from, to) = super::period_this_year(st, q.from.as_deref(), q.to.as_deref())?;
    Ok(reports::one_stop(&st.app, actor, from, to, q.unit.as_deref()).await?)
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn file_name(r: &OneStopReport, ext: &str) -> String {
    format!(
        "attachment; filename=\"bieu-II.06a-{}-{}.{ext}\"",
        r.from, r.to
    )
}

fn csv_response(r: &OneStopReport) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, file_name(r, "csv")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        r.to_csv(),
    )
        .into_response()
}

async fn xlsx_response(r: OneStopReport) -> WebResult<Response> {
    let name = file_name(&r, "xlsx");
    let bytes = tokio::task::spawn_blocking(move || r.to_xlsx())
        .await
        .map_err(|e| WebError(AppError::internal(anyhow::anyhow!(e))))??;
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// The one-stop report, Biểu số II.06a/VPCP/KSTT (domain-rules §1.11): per processing unit (and
/// per field of each unit) received in the period (online, counter/post), carried over,
/// resolved (early, on time, late with / without an apology; withdrawn and returned shown
/// apart) and in progress at `as_of` (within, overdue). `format=csv` or `format=xlsx` gives the
/// same as `/reports/one-stop.csv` and `.xlsx`. Needs `report_view` on the unit; every unit:
/// the Office or a leader.
#[utoipa::path(
    get, path = "/reports/one-stop", tag = "dossiers",
    params(OneStopQuery),
    responses(
        (status = 200, body = OneStopReportDto),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
pub async fn one_stop(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OneStopQuery>,
) -> WebResult<Response> {
    let r = load(&st, &ctx, &q).await?;
    match q.format.as_deref().map(str::trim) {
        Some("csv") => Ok(csv_response(&r)),
        Some("xlsx") => xlsx_response(r).await,
        _ => Ok(Json(dto(r)).into_response()),
    }
}

/// The one-stop report as CSV (UTF-8 with a byte-order mark, for Excel): one line per unit,
/// then one per field of that unit, then the total.
#[utoipa::path(
    get, path = "/reports/one-stop.csv", tag = "dossiers",
    params(OneStopQuery),
    responses(
        (status = 200, content_type = "text/csv", body = String),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
pub async fn one_stop_csv(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OneStopQuery>,
) -> WebResult<Response> {
    let r = load(&st, &ctx, &q).await?;
    Ok(csv_response(&r))
}

/// The one-stop report laid out like the official form (XLSX): title, the two-level header with
/// the 13 numbered columns, one row per unit, the total; a second sheet per unit and field.
#[utoipa::path(
    get, path = "/reports/one-stop.xlsx", tag = "dossiers",
    params(OneStopQuery),
    responses(
        (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)
    ),
    security(("bearer" = []))
)]
pub async fn one_stop_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<OneStopQuery>,
) -> WebResult<Response> {
    let r = load(&st, &ctx, &q).await?;
    xlsx_response(r).await
}
