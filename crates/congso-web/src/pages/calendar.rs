//! `/lich-lam-viec`: the public working calendar of a year (days off, make-up days, lunar dates),
//! and `/quan-tri/lich`: where an administrator enters a year's holiday notice.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use congso_app::calendar as cal;
use congso_calendar::{OffDayKind, hung_kings, solar_to_lunar, tet};
use congso_domain::time_vn::format_date_vi;
use congso_domain::{ErrorCode, Lang, Permission};
use serde::Deserialize;
use time::{Date, Month, Weekday};

use super::Page;
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::state::AppState;

const STEMS: [&str; 10] = [
    "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý",
];
const BRANCHES: [&str; 12] = [
    "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi",
];

/// The sexagenary (can chi) name of a lunar year, e.g. 2026 → "Bính Ngọ".
pub fn can_chi(year: i32) -> String {
    let s = (year + 6).rem_euclid(10) as usize;
    let b = (year + 8).rem_euclid(12) as usize;
    format!("{} {}", STEMS[s], BRANCHES[b])
}

fn weekday_name(d: Weekday, lang: Lang) -> &'static str {
    match (lang, d) {
        (Lang::Vi, Weekday::Monday) => "Thứ Hai",
        (Lang::Vi, Weekday::Tuesday) => "Thứ Ba",
        (Lang::Vi, Weekday::Wednesday) => "Thứ Tư",
        (Lang::Vi, Weekday::Thursday) => "Thứ Năm",
        (Lang::Vi, Weekday::Friday) => "Thứ Sáu",
        (Lang::Vi, Weekday::Saturday) => "Thứ Bảy",
        (Lang::Vi, Weekday::Sunday) => "Chủ nhật",
        (Lang::En, Weekday::Monday) => "Monday",
        (Lang::En, Weekday::Tuesday) => "Tuesday",
        (Lang::En, Weekday::Wednesday) => "Wednesday",
        (Lang::En, Weekday::Thursday) => "Thursday",
        (Lang::En, Weekday::Friday) => "Friday",
        (Lang::En, Weekday::Saturday) => "Saturday",
        (Lang::En, Weekday::Sunday) => "Sunday",
    }
}

fn lunar_text(d: Date, lang: Lang) -> String {
    let l = solar_to_lunar(d);
    let leap = if l.leap {
        format!(" {}", crate::i18n::messages(lang).get("leap"))
    } else {
        String::new()
    };
    format!("{}/{}{leap}", l.day, l.month)
}

pub struct Row {
    pub date: String,
    pub weekday: &'static str,
    pub lunar: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub name: String,
}

pub struct Cell {
    pub day: u8,
    pub lunar: String,
    pub class: String,
    pub label: String,
}

pub struct MonthView {
    pub title: String,
    pub weeks: Vec<Vec<Option<Cell>>>,
}

#[derive(Template, WebTemplate)]
#[template(path = "calendar.html")]
pub struct CalendarPage {
    pub page: Page,
    pub heading: String,
    pub year: i32,
    pub prev_year: Option<i32>,
    pub next_year: Option<i32>,
    pub lunar_year: String,
    pub tet: String,
    pub hung: String,
    pub working_days: i64,
    pub source: Option<String>,
    pub rows: Vec<Row>,
    pub months: Vec<MonthView>,
    pub weekday_heads: Vec<(&'static str, &'static str)>,
}

#[derive(Debug, Deserialize)]
pub struct YearParam {
    pub nam: Option<String>,
}

fn dated(d: Date, lang: Lang) -> String {
    format!("{} {}", weekday_name(d.weekday(), lang), format_date_vi(d))
}

pub async fn public_calendar(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<YearParam>,
) -> WebResult<CalendarPage> {
    let year = match q.nam.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2199).contains(y))
            .ok_or_else(|| {
                WebError::from(
                    congso_app::AppError::new(ErrorCode::InvalidDate).with_detail(y.to_owned()),
                )
            })?,
        None => st.app.today().year(),
    };
    let calendar = cal::working_calendar(&st.app).await?;
    let lang = ctx.lang;
    let page = Page::new(&ctx, "nav-calendar");
    let t = page.t;
    let off = calendar.data().off_days(year);
    let source = cal::decided_years(&st.app)
        .await?
        .into_iter()
        .find(|(y, _)| *y == year)
        .map(|(_, s)| s.unwrap_or_default());
    let rows = off
        .iter()
        .map(|d| Row {
            date: format_date_vi(d.date),
            weekday: weekday_name(d.date.weekday(), lang),
            lunar: lunar_text(d.date, lang),
            kind: d.kind.code(),
            kind_label: t.get(&format!("kind-{}", d.kind.code())).to_owned(),
            name: match lang {
                Lang::Vi => d.name_vi.clone(),
                Lang::En => d.name_en.clone(),
            },
        })
        .collect();
    let by_date: HashMap<Date, (OffDayKind, String)> = off
        .iter()
        .map(|d| {
            (
                d.date,
                (
                    d.kind,
                    match lang {
                        Lang::Vi => d.name_vi.clone(),
                        Lang::En => d.name_en.clone(),
                    },
                ),
            )
        })
        .collect();
    let first = Date::from_calendar_date(year, Month::January, 1)
        .map_err(congso_app::AppError::internal)?;
    let last = Date::from_calendar_date(year, Month::December, 31)
        .map_err(congso_app::AppError::internal)?;
    let working_days =
        calendar.working_days_between(first, last) + i64::from(calendar.is_working_day(first));
    let mut months = vec![];
    let mut month = Month::January;
    for _ in 0..12 {
        let start =
            Date::from_calendar_date(year, month, 1).map_err(congso_app::AppError::internal)?;
        let offset = start.weekday().number_days_from_monday() as usize;
        let mut cells: Vec<Option<Cell>> = (0..offset).map(|_| None).collect();
        let mut d = start;
        while d.month() == month {
            let l = solar_to_lunar(d);
            let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            let (class, label) = match by_date.get(&d) {
                Some((OffDayKind::MakeupWorkday, name)) => ("makeup", name.clone()),
                Some((_, name)) => ("off", name.clone()),
                None if weekend => ("weekend", String::new()),
                None => ("", String::new()),
            };
            let mut class = class.to_owned();
            let lunar = if l.day == 1 {
                class.push_str(" lunar-first");
                format!("{}/{}{}", l.day, l.month, if l.leap { "N" } else { "" })
            } else {
                l.day.to_string()
            };
            cells.push(Some(Cell {
                day: d.day(),
                lunar,
                class: class.trim().to_owned(),
                label,
            }));
            match d.next_day() {
                Some(n) => d = n,
                None => break,
            }
        }
        while !cells.len().is_multiple_of(7) {
            cells.push(None);
        }
        let mut weeks = vec![];
        let mut it = cells.into_iter().peekable();
        while it.peek().is_some() {
            weeks.push(it.by_ref().take(7).collect());
        }
        months.push(MonthView {
            title: t.fmt("cal-month", &[("m", &u8::from(month).to_string())]),
            weeks,
        });
        month = month.next();
    }
    let weekday_heads = match lang {
        Lang::Vi => vec![
            ("T2", "Thứ Hai"),
            ("T3", "Thứ Ba"),
            ("T4", "Thứ Tư"),
            ("T5", "Thứ Năm"),
            ("T6", "Thứ Sáu"),
            ("T7", "Thứ Bảy"),
            ("CN", "Chủ nhật"),
        ],
        Lang::En => vec![
            ("Mo", "Monday"),
            ("Tu", "Tuesday"),
            ("We", "Wednesday"),
            ("Th", "Thursday"),
            ("Fr", "Friday"),
            ("Sa", "Saturday"),
            ("Su", "Sunday"),
        ],
    };
    let mut page = page;
    page.title = t.fmt("cal-title", &[("year", &year.to_string())]);
    Ok(CalendarPage {
        heading: page.title.clone(),
        year,
        prev_year: (year > 1900).then_some(year - 1),
        next_year: (year < 2199).then_some(year + 1),
        lunar_year: can_chi(year),
        tet: dated(tet(year), lang),
        hung: dated(hung_kings(year), lang),
        working_days,
        source,
        rows,
        months,
        weekday_heads,
        page,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_calendar.html")]
pub struct AdminCalendarPage {
    pub page: Page,
    pub year: i32,
    pub text: String,
    pub source: String,
    pub has_decision: bool,
    pub decided: String,
    pub notice: Option<String>,
    pub error: Option<String>,
}

fn require_calendar_admin(ctx: &Ctx) -> WebResult<()> {
    if ctx.user()?.may_somewhere(Permission::CalendarManage) {
        Ok(())
    } else {
        Err(ErrorCode::Forbidden.into())
    }
}

async fn admin_page(
    st: &AppState,
    ctx: &Ctx,
    year: i32,
    text: Option<String>,
    source: Option<String>,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<AdminCalendarPage> {
    let calendar = cal::working_calendar(&st.app).await?;
    let decided = cal::decided_years(&st.app).await?;
    let current = decided.iter().find(|(y, _)| *y == year);
    let text = text.unwrap_or_else(|| {
        calendar
            .data()
            .off_days(year)
            .iter()
            .map(|d| {
                format!(
                    "{} | {} | {} | {}",
                    d.date,
                    d.kind.code(),
                    d.name_vi,
                    d.name_en
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(AdminCalendarPage {
        page: Page::new(ctx, "calendar-admin-title"),
        year,
        text,
        source: source.unwrap_or_else(|| current.and_then(|(_, s)| s.clone()).unwrap_or_default()),
        has_decision: current.is_some(),
        decided: decided
            .iter()
            .map(|(y, _)| y.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        notice,
        error,
    })
}

pub async fn admin_calendar(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<AdminCalendarPage> {
    require_calendar_admin(&ctx)?;
    let year = q
        .get("nam")
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| (1900..=2199).contains(y))
        .unwrap_or_else(|| st.app.today().year());
    let t = crate::i18n::messages(ctx.lang);
    let notice = match q.get("ok").map(String::as_str) {
        Some("luu") => Some(t.fmt("calendar-admin-saved", &[("year", &year.to_string())])),
        Some("bo") => Some(t.fmt("calendar-admin-cleared", &[("year", &year.to_string())])),
        _ => None,
    };
    admin_page(&st, &ctx, year, None, None, notice, None).await
}

#[derive(Debug, Deserialize)]
pub struct AdminCalendarForm {
    pub year: i32,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub action: String,
}

pub async fn admin_calendar_save(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<AdminCalendarForm>,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    let result = if form.action == "clear" {
        cal::clear_year(&st.app, &actor, form.year)
            .await
            .map(|_| "bo")
    } else {
        match cal::parse_decision_text(&form.days) {
            Ok(days) => cal::set_year(&st.app, &actor, form.year, days, Some(form.source.clone()))
                .await
                .map(|_| "luu"),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(what) => Ok(
            Redirect::to(&format!("/quan-tri/lich?nam={}&ok={what}", form.year)).into_response(),
        ),
        Err(e) if e.code != ErrorCode::Internal && e.code != ErrorCode::Forbidden => {
            let status =
                StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut msg = e.code.message(ctx.lang).to_owned();
            if let Some(d) = &e.detail {
                msg.push_str(&format!(" ({d})"));
            }
            let page = admin_page(
                &st,
                &ctx,
                form.year,
                Some(form.days),
                Some(form.source),
                None,
                Some(msg),
            )
            .await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::can_chi;

    #[test]
    fn sexagenary_year_names() {
        assert_eq!(can_chi(1985), "Ất Sửu");
        assert_eq!(can_chi(2024), "Giáp Thìn");
        assert_eq!(can_chi(2026), "Bính Ngọ");
        assert_eq!(can_chi(2030), "Canh Tuất");
    }
}
