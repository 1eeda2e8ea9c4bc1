//! The JSON API under `/api/v1`. Routes and their OpenAPI descriptions are declared together
//! (utoipa-axum); handlers are thin and call the same use cases as the HTML pages.

pub mod auth;
pub mod calendar;
pub mod directives;
pub mod dossiers;
pub mod petitions;
pub mod portal;
pub mod procedures;
pub mod reports;
pub mod reports_766;
pub mod site_reports;
pub mod targets;
pub mod units;
pub mod users;

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use congso_domain::ErrorCode;

use crate::error::WebError;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `forbidden`.
    pub error: String,
    /// Human-readable message (Vietnamese by default; English with `Accept-Language: en`).
    pub message: String,
    /// Extra information, e.g. the offending field.
    pub detail: Option<String>,
    /// The request id to quote to the administrator.
    pub request_id: String,
}

/// Parses `YYYY-MM-DD` or `dd/mm/yyyy`.
pub fn parse_date(s: &str) -> Result<Date, WebError> {
    let s = s.trim();
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let vn = time::macros::format_description!("[day]/[month]/[year]");
    Date::parse(s, &iso)
        .or_else(|_| Date::parse(s, &vn))
        .map_err(|_| {
            WebError::from(
                congso_app::AppError::new(ErrorCode::InvalidDate).with_detail(s.to_owned()),
            )
        })
}

/// The period of a report query: the days given (`YYYY-MM-DD` or `dd/mm/yyyy`), else
/// `default_from` and today.
pub fn period(
    today: Date,
    from: Option<&str>,
    to: Option<&str>,
    default_from: Date,
) -> Result<(Date, Date), WebError> {
    let day = |v: Option<&str>, default: Date| match v.filter(|s| !s.trim().is_empty()) {
        Some(s) => parse_date(s),
        None => Ok(default),
    };
    Ok((day(from, default_from)?, day(to, today)?))
}

/// [`period`] from 1 January of this year to today by default (most reports).
pub fn period_this_year(
    st: &crate::AppState,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Date, Date), WebError> {
    let today = st.app.today();
    let jan1 = Date::from_calendar_date(today.year(), time::Month::January, 1).unwrap_or(today);
    period(today, from, to, jan1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_formats() {
        assert_eq!(
            parse_date("2025-07-01").ok(),
            Some(time::macros::date!(2025 - 07 - 01))
        );
        assert_eq!(
            parse_date("01/07/2025").ok(),
            Some(time::macros::date!(2025 - 07 - 01))
        );
        assert!(parse_date("2025-13-01").is_err());
    }
}
