//! The directive dashboard for the Office and leaders (`/chi-dao`): a reporting period
//! (month, quarter, 6 or 9 months, year; 15th → 14th), counts by status per lead unit and per
//! leader, the completion rate, the overdue list with drill-down to a task, and XLSX export.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use congso_app::AppError;
use congso_app::directives::{self, Dashboard};
use congso_domain::ErrorCode;
use congso_domain::directive::{Period, StatusCounts, TASK};
use congso_domain::time_vn::format_datetime_vi;
use time::{Date, Month};
use uuid::Uuid;

use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::pages::Page;
use crate::state::AppState;

/// The period chosen in the query (`ky` = thang|quy|6-thang|9-thang|nam, `nam`, `thang`, `quy`).
fn period_of(q: &HashMap<String, String>, today: Date) -> WebResult<(String, Period)> {
    let num = |k: &str, default: i32| -> WebResult<i32> {
        match q.get(k).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            Some(s) => s.parse().map_err(|_| {
                WebError(AppError::new(ErrorCode::InvalidInput).with_detail(k.to_owned()))
            }),
            None => Ok(default),
        }
    };
    let year = num("nam", today.year())?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::new(ErrorCode::InvalidInput)
            .with_detail("nam")
            .into());
    }
    let kind = q.get("ky").map(String::as_str).unwrap_or("nam").to_owned();
    let p = match kind.as_str() {
        "thang" => {
            let m = u8::try_from(num("thang", i32::from(u8::from(today.month())))?).unwrap_or(0);
            Period::Month {
                year,
                month: Month::try_from(m).map_err(|_| {
                    WebError(AppError::new(ErrorCode::InvalidInput).with_detail("thang"))
                })?,
            }
        }
        "quy" => Period::Quarter {
            year,
            quarter: u8::try_from(num("quy", 1)?).unwrap_or(0),
        },
        "6-thang" => Period::HalfYear { year },
        "9-thang" => Period::NineMonths { year },
        "nam" => Period::Year { year },
        _ => {
            return Err(AppError::new(ErrorCode::InvalidInput)
                .with_detail("ky")
                .into());
        }
    };
    if p.bounds().is_none() {
        return Err(AppError::new(ErrorCode::InvalidInput)
            .with_detail("quy")
            .into());
    }
    Ok((kind, p))
}

fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

fn pct(c: &StatusCounts) -> String {
    c.completion_rate()
        .map(|r| format!("{:.2}%", r * 100.0).replace('.', ","))
        .unwrap_or_else(|| "—".to_owned())
}

/// A row of a counts table: name, on time, late, within, overdue, cancelled, rate.
pub type CountsRow = (String, u64, u64, u64, u64, u64, String);

fn row(name: &str, c: &StatusCounts) -> CountsRow {
    (
        name.to_owned(),
        c.completed_on_time,
        c.completed_late,
        c.in_progress_within,
        c.in_progress_overdue,
        c.cancelled,
        pct(c),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "directives_dashboard.html")]
pub struct DashboardPage {
    pub page: Page,
    pub kind: String,
    pub year: i32,
    pub month: u8,
    pub quarter: u8,
    pub unit: String,
    pub period: String,
    pub as_of: String,
    pub total: CountsRow,
    /// (title key, rows): by lead unit, by leader.
    pub tables: Vec<(&'static str, Vec<CountsRow>)>,
    /// task id, content, unit, deadline, days overdue
    pub overdue: Vec<(String, String, String, String, i64)>,
    pub export: String,
}

async fn load(
    st: &AppState,
    ctx: &Ctx,
    q: &HashMap<String, String>,
) -> WebResult<(String, Period, Dashboard)> {
    let actor = ctx.user()?;
    let (kind, p) = period_of(q, st.app.today())?;
    let (from, to) = p.bounds().ok_or(WebError::from(ErrorCode::InvalidInput))?;
    let unit = q.get("don-vi").map(String::as_str);
    let d = directives::dashboard(&st.app, actor, from, to, unit).await?;
    Ok((kind, p, d))
}

pub async fn dashboard(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<DashboardPage> {
    let (kind, p, d) = load(&st, &ctx, &q).await?;
    let query: String = q
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                super::encode_component(k),
                super::encode_component(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let (month, quarter) = match p {
        Period::Month { month, .. } => (u8::from(month), 1),
        Period::Quarter { quarter, .. } => (u8::from(st.app.today().month()), quarter),
        _ => (u8::from(st.app.today().month()), 1),
    };
    let year = match p {
        Period::Month { year, .. }
        | Period::Quarter { year, .. }
        | Period::HalfYear { year }
        | Period::NineMonths { year }
        | Period::Year { year } => year,
    };
    Ok(DashboardPage {
        page: Page::new(&ctx, "dir-title"),
        kind,
        year,
        month,
        quarter,
        unit: q.get("don-vi").cloned().unwrap_or_default(),
        period: format!("{} – {}", dmy(d.from), dmy(d.to)),
        as_of: dmy(d.as_of),
        total: row("", &d.total),
        tables: vec![
            (
                "dir-by-unit",
                d.by_unit
                    .iter()
                    .map(|l| row(&l.unit.name, &l.counts))
                    .collect(),
            ),
            (
                "dir-by-leader",
                d.by_leader
                    .iter()
                    .map(|l| row(&l.unit.name, &l.counts))
                    .collect(),
            ),
        ],
        overdue: d
            .overdue
            .iter()
            .take(500)
            .map(|o| {
                (
                    o.task.to_string(),
                    o.content.clone(),
                    o.lead_unit.name.clone(),
                    dmy(o.deadline),
                    o.days_overdue,
                )
            })
            .collect(),
        export: format!("/chi-dao/bao-cao.xlsx?{query}"),
    })
}

/// `GET /chi-dao/bao-cao.xlsx`: the same dashboard as a spreadsheet.
pub async fn export(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let (_, _, d) = load(&st, &ctx, &q).await?;
    let rows: Vec<(String, StatusCounts)> = d
        .by_unit
        .iter()
        .map(|l| (l.unit.name.clone(), l.counts))
        .collect();
    let overdue: Vec<congso_sheets::directive_report::Overdue<'_>> = d
        .overdue
        .iter()
        .map(|o| congso_sheets::directive_report::Overdue {
            content: &o.content,
            unit: &o.lead_unit.name,
            deadline: o.deadline,
            days: o.days_overdue,
        })
        .collect();
    let bytes = congso_sheets::directive_report::write(
        "BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ ĐƯỢC GIAO",
        &format!(
            "Kỳ báo cáo: từ {} đến {} (số liệu đến {})",
            dmy(d.from),
            dmy(d.to),
            dmy(d.as_of)
        ),
        &rows,
        &d.total,
        &overdue,
    )
    .map_err(|e| WebError(AppError::internal(anyhow::anyhow!(e))))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"bao-cao-nhiem-vu-{}-{}.xlsx\"",
                    d.from, d.to
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "directives_task.html")]
pub struct TaskPage {
    pub page: Page,
    pub task: directives::TaskView,
    pub status: String,
    pub state: String,
    pub deadline: String,
    pub original_deadline: String,
    /// time, action, actor, unit, note
    pub events: Vec<(String, String, String, String, String)>,
}

pub async fn task(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<TaskPage> {
    let actor = ctx.user()?;
    let id = Uuid::parse_str(id.trim()).map_err(|_| WebError::from(ErrorCode::NotFound))?;
    let (task, events) = directives::task_detail(&st.app, actor, id).await?;
    let label = |a: &str| {
        TASK.transitions
            .iter()
            .find(|t| t.action == a)
            .map(|t| t.label_vi.to_owned())
            .unwrap_or_else(|| match a {
                "task.created" => "Giao nhiệm vụ".to_owned(),
                "reminded" => "Hệ thống nhắc hạn".to_owned(),
                other => other.to_owned(),
            })
    };
    Ok(TaskPage {
        page: Page::new(&ctx, "dir-task-title"),
        status: task.status.label_vi().to_owned(),
        state: TASK
            .state(&task.state)
            .map(|s| s.label_vi.to_owned())
            .unwrap_or_default(),
        deadline: task.deadline.map(dmy).unwrap_or_default(),
        original_deadline: task.original_deadline.map(dmy).unwrap_or_default(),
        events: events
            .into_iter()
            .map(|(at, action, who, unit, note)| {
                (
                    format_datetime_vi(at.get()),
                    label(&action),
                    who.unwrap_or_default(),
                    unit.unwrap_or_default(),
                    note.unwrap_or_default(),
                )
            })
            .collect(),
        task,
    })
}
