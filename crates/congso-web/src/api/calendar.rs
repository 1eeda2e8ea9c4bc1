//! The legal calendar: `GET /api/v1/calendar/lunar`, `/due`, `/off-days`, and the administrator's
//! `PUT`/`DELETE /api/v1/calendar/years/{year}` and `PUT /api/v1/calendar/rules`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use congso_app::calendar as cal;
use congso_calendar::{HolidayRules, OffDay, OffDayKind, OfficeHours, TimeLimit, solar_to_lunar};
use congso_domain::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ErrorBody, parse_date};
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct LunarQuery {
    /// A solar date, `YYYY-MM-DD`.
    pub date: String,
}

/// A Vietnamese lunar date (UTC+7).
#[derive(Debug, Serialize, ToSchema)]
pub struct LunarDto {
    pub day: u8,
    pub month: u8,
    pub year: i32,
    /// Whether the month is the leap (intercalary) month.
    pub leap: bool,
}

/// The Vietnamese lunar date of a solar date.
#[utoipa::path(
    get, path = "/calendar/lunar", tag = "calendar",
    params(LunarQuery),
    responses((status = 200, body = LunarDto), (status = 400, body = ErrorBody))
)]
pub async fn lunar(Query(q): Query<LunarQuery>) -> WebResult<Json<LunarDto>> {
    let d = parse_date(&q.date)?;
    if !(1900..=2199).contains(&d.year()) {
        return Err(congso_app::AppError::new(ErrorCode::InvalidDate)
            .with_detail("1900–2199")
            .into());
    }
    let l = solar_to_lunar(d);
    Ok(Json(LunarDto {
        day: l.day,
        month: l.month,
        year: l.year,
        leap: l.leap,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DueQuery {
    /// Start, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (UTC+7). The start day is not counted.
    pub from: String,
    pub working_days: Option<u32>,
    pub calendar_days: Option<u32>,
    pub working_hours: Option<u32>,
    /// Count the office hours of this unit (agency code) instead of the default hours.
    pub unit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueDto {
    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM` for working hours.
    pub due: String,
}

/// The due date of a time limit (exactly one of `working_days`, `calendar_days`, `working_hours`).
#[utoipa::path(
    get, path = "/calendar/due", tag = "calendar",
    params(DueQuery),
    responses((status = 200, body = DueDto), (status = 400, body = ErrorBody))
)]
pub async fn due(State(st): State<AppState>, Query(q): Query<DueQuery>) -> WebResult<Json<DueDto>> {
    let from = cal::parse_from(&q.from)?;
    let limit = match (q.working_days, q.calendar_days, q.working_hours) {
        (Some(n), None, None) => TimeLimit::WorkingDays(n),
        (None, Some(n), None) => TimeLimit::CalendarDays(n),
        (None, None, Some(n)) => TimeLimit::WorkingHours(n),
        _ => {
            return Err(congso_app::AppError::new(ErrorCode::InvalidInput)
                .with_detail("exactly one of working_days, calendar_days, working_hours")
                .into());
        }
    };
    if !(1900..=2190).contains(&from.year()) || limit_value(limit) > 3650 {
        return Err(congso_app::AppError::new(ErrorCode::InvalidInput)
            .with_detail("out of range")
            .into());
    }
    let hours = match &q.unit {
        Some(code) => congso_app::units::office_hours_of(
            &congso_app::units::unit_by_code(&st.app, code).await?,
        ),
        None => OfficeHours::default(),
    };
    let calendar = cal::working_calendar(&st.app).await?;
    Ok(Json(DueDto {
        due: cal::due(&calendar, from, limit, &hours).to_string(),
    }))
}

fn limit_value(l: TimeLimit) -> u32 {
    match l {
        TimeLimit::WorkingDays(n) | TimeLimit::CalendarDays(n) => n,
        TimeLimit::WorkingHours(n) => n / 8,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct YearQuery {
    pub year: i32,
}

/// A day that is not a normal working day, or a weekend day that is worked.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct OffDayDto {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `holiday`, `substitute`, `swapped` or `makeup_workday`.
    pub kind: String,
    /// Vietnamese name.
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
}

/// Every non-working weekday and every make-up working day of a year.
#[utoipa::path(
    get, path = "/calendar/off-days", tag = "calendar",
    params(YearQuery),
    responses((status = 200, body = Vec<OffDayDto>), (status = 400, body = ErrorBody))
)]
pub async fn off_days(
    State(st): State<AppState>,
    Query(q): Query<YearQuery>,
) -> WebResult<Json<Vec<OffDayDto>>> {
    if !(1900..=2199).contains(&q.year) {
        return Err(congso_app::AppError::new(ErrorCode::InvalidDate)
            .with_detail("1900–2199")
            .into());
    }
    let calendar = cal::working_calendar(&st.app).await?;
    Ok(Json(
        calendar
            .data()
            .off_days(q.year)
            .into_iter()
            .map(|d| OffDayDto {
                date: d.date.to_string(),
                kind: d.kind.code().to_owned(),
                name: d.name_vi,
                name_en: Some(d.name_en),
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct YearDecision {
    /// The decision or notice, e.g. "Công văn 12729/VPCP-KGVX ngày 25/12/2025".
    pub source: Option<String>,
    /// Every weekday off and every make-up weekend day of the year.
    pub days: Vec<OffDayDto>,
}

/// Replaces a year's decision (administrator).
#[utoipa::path(
    put, path = "/calendar/years/{year}", tag = "calendar",
    params(("year" = i32, Path)),
    request_body = YearDecision,
    responses(
        (status = 204, description = "Saved"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn put_year(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i32>,
    Json(body): Json<YearDecision>,
) -> WebResult<StatusCode> {
    let actor = ctx.user()?;
    let mut days = vec![];
    for d in body.days {
        let kind = OffDayKind::from_code(&d.kind).ok_or_else(|| {
            WebError::from(
                congso_app::AppError::new(ErrorCode::InvalidCalendar)
                    .with_detail(format!("kind {:?}", d.kind)),
            )
        })?;
        let en = d.name_en.clone().unwrap_or_else(|| d.name.clone());
        days.push(OffDay::new(parse_date(&d.date)?, kind, &d.name, &en));
    }
    cal::set_year(&st.app, actor, year, days, body.source).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a year's decision: the Labor Code rules apply to it again (administrator).
#[utoipa::path(
    delete, path = "/calendar/years/{year}", tag = "calendar",
    params(("year" = i32, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn delete_year(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(year): Path<i32>,
) -> WebResult<StatusCode> {
    let actor = ctx.user()?;
    if cal::clear_year(&st.app, actor, year).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ErrorCode::NotFound.into())
    }
}

/// Rule parameters for years without a decision.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct RulesDto {
    /// `before` (1/9) or `after` (3/9): the day next to Quốc khánh 2/9.
    pub national_day_adjacent: String,
    /// How many of the 5 Tết days come before mùng 1 (0–4).
    pub tet_days_before: u8,
    /// From this date 24/11 (Ngày Văn hóa Việt Nam) is a holiday; null: not a holiday.
    pub culture_day_from: Option<String>,
    /// Apply substitute days (Labor Code Art. 111 cl. 3).
    pub substitute_days: bool,
}

/// Changes the rule parameters (administrator).
#[utoipa::path(
    put, path = "/calendar/rules", tag = "calendar",
    request_body = RulesDto,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn put_rules(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<RulesDto>,
) -> WebResult<StatusCode> {
    let actor = ctx.user()?;
    let adjacent = match body.national_day_adjacent.as_str() {
        "before" => congso_calendar::Adjacent::Before,
        "after" => congso_calendar::Adjacent::After,
        other => {
            return Err(congso_app::AppError::new(ErrorCode::InvalidInput)
                .with_detail(format!("national_day_adjacent {other:?}"))
                .into());
        }
    };
    let rules = HolidayRules {
        national_day_adjacent: adjacent,
        tet_days_before: body.tet_days_before,
        culture_day_from: body
            .culture_day_from
            .as_deref()
            .map(parse_date)
            .transpose()?,
        substitute_days: body.substitute_days,
    };
    cal::set_rules(&st.app, actor, rules).await?;
    Ok(StatusCode::NO_CONTENT)
}
