//! On-site reports (phản ánh hiện trường): the public list with filters and statistics
//! (`/phan-anh`), the citizen's form with photos (`/phan-anh/gui`), the public page of a report
//! with its result and the reporter's rating (`/phan-anh/{id}`), and the unit's pages
//! (`/can-bo/phan-anh`, `/can-bo/phan-anh/{id}`). Everything works without JavaScript.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use congso_app::site_reports::{self as sr, ActionInput, NewReport, ReportView, Reporter};
use congso_db::Ts;
use congso_domain::ErrorCode;
use congso_domain::time_vn::{day_start, format_datetime_vi};
use serde::Deserialize;
use uuid::Uuid;

use crate::api::portal::read_parts;
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::pages::{Page, error_shown as shown, error_status as status_of, error_text};
use crate::state::AppState;

fn when(ts: Option<Ts>) -> String {
    ts.map(|t| format_datetime_vi(t.get())).unwrap_or_default()
}

fn report_id(s: &str) -> WebResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| WebError::from(ErrorCode::SiteReportNotFound))
}

fn outcome_key(v: &ReportView) -> String {
    match v.outcome {
        Some(o) => format!("sr-outcome-{}", o.as_str()),
        None if v.overdue => "sr-outcome-overdue".to_owned(),
        None => "sr-outcome-within".to_owned(),
    }
}

/// One line of a list.
pub struct Line {
    pub id: String,
    pub category: String,
    pub area: String,
    pub created: String,
    pub state: String,
    pub outcome: String,
    pub unit: String,
    pub emergency: bool,
}

fn line(v: &ReportView, t: &crate::i18n::Messages) -> Line {
    Line {
        id: v.id.to_string(),
        category: v.category.clone(),
        area: v
            .area
            .as_ref()
            .map(|a| sr::area_name(&a.name).to_owned())
            .or_else(|| v.address.clone())
            .unwrap_or_default(),
        created: when(Some(v.created_at)),
        state: t.get(&format!("sr-state-{}", v.state)).to_owned(),
        outcome: t.get(&outcome_key(v)).to_owned(),
        unit: v.unit.name.clone(),
        emergency: v.urgency == "emergency",
    }
}

// ---------------------------------------------------------------------------------------------
// The public list

#[derive(Template, WebTemplate)]
#[template(path = "site_reports.html")]
pub struct ListPage {
    pub page: Page,
    /// (code, name)
    pub categories: Vec<(String, String)>,
    pub areas: Vec<(String, String)>,
    /// (value, label) of the status filter.
    pub statuses: Vec<(String, String)>,
    pub sel_category: String,
    pub sel_area: String,
    pub sel_status: String,
    pub sel_from: String,
    pub sel_to: String,
    pub lines: Vec<Line>,
    pub total: i64,
    pub stats: sr::Stats,
    /// Percentages: handled, satisfied or accepted.
    pub handled_rate: String,
    pub satisfied_rate: String,
    pub mine: Vec<Line>,
    pub error: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

const PAGE_SIZE: i64 = 50;

fn percent(n: i64, d: i64) -> String {
    if d == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / d as f64).replace('.', ",")
    }
}

fn parse_day(s: Option<&String>) -> Result<Option<time::Date>, ()> {
    match s.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            let iso = time::macros::format_description!("[year]-[month]-[day]");
            let vi = time::macros::format_description!("[day]/[month]/[year]");
            time::Date::parse(s, iso)
                .or_else(|_| time::Date::parse(s, vi))
                .map(Some)
                .map_err(|_| ())
        }
    }
}

pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(f): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let t = crate::i18n::messages(ctx.lang);
    let mut error = None;
    let from = parse_day(f.get("tu")).unwrap_or_else(|_| {
        error = Some(ErrorCode::InvalidDate.message(ctx.lang).to_owned());
        None
    });
    let to = parse_day(f.get("den")).unwrap_or_else(|_| {
        error = Some(ErrorCode::InvalidDate.message(ctx.lang).to_owned());
        None
    });
    let page_no: i64 = f
        .get("trang")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let get = |k: &str| {
        f.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let q = sr::Query {
        service_codes: get("linh-vuc").into_iter().collect(),
        statuses: get("trang-thai").into_iter().collect(),
        area: get("dia-ban"),
        from: from.map(|d| Ts::new(day_start(d))),
        to: to.map(sr::end_of),
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
        ..sr::Query::default()
    };
    let (rows, total, stats) = match sr::search(&st.app, &q).await {
        Ok((rows, total)) => (rows, total, sr::stats(&st.app, &q).await?),
        Err(e) if shown(&e) => {
            error = Some(error_text(ctx.lang, &e));
            (vec![], 0, sr::Stats::default())
        }
        Err(e) => return Err(WebError(e)),
    };
    let categories = sr::categories(&st.app)
        .await?
        .into_iter()
        .map(|c| (c.row.service_code, c.row.name))
        .collect();
    let areas = sr::areas(&st.app)
        .await?
        .into_iter()
        .map(|a| (a.code, sr::area_name(&a.name).to_owned()))
        .collect();
    let mine = match ctx.actor.as_ref().filter(|a| !a.is_staff()) {
        Some(a) => sr::mine(&st.app, a)
            .await?
            .iter()
            .map(|v| line(v, t))
            .collect(),
        None => vec![],
    };
    let link = |p: i64| {
        let mut pairs: Vec<(String, String)> = f
            .iter()
            .filter(|(k, _)| k.as_str() != "trang")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        pairs.sort();
        pairs.push(("trang".to_owned(), p.to_string()));
        format!(
            "/phan-anh?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    let page = ListPage {
        page: Page::new(&ctx, "sr-title"),
        categories,
        areas,
        lines: rows.iter().map(|v| line(v, t)).collect(),
        total,
        handled_rate: percent(stats.handled() + stats.rejected, stats.received),
        satisfied_rate: percent(
            stats.hai_long + stats.chap_nhan,
            stats.hai_long + stats.chap_nhan + stats.khong_hai_long,
        ),
        stats,
        mine,
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (page_no * PAGE_SIZE < total).then(|| link(page_no + 1)),
        statuses: [
            "open",
            "closed",
            "received",
            "in_progress",
            "extension_requested",
            "resolved",
            "rejected",
        ]
        .iter()
        .map(|s| ((*s).to_owned(), t.get(&format!("sr-state-{s}")).to_owned()))
        .collect(),
        sel_category: get("linh-vuc").unwrap_or_default(),
        sel_area: get("dia-ban").unwrap_or_default(),
        sel_status: get("trang-thai").unwrap_or_default(),
        sel_from: get("tu").unwrap_or_default(),
        sel_to: get("den").unwrap_or_default(),
        error,
    };
    let status = if page.error.is_some() {
        axum::http::StatusCode::BAD_REQUEST
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, page).into_response())
}

// ---------------------------------------------------------------------------------------------
// The citizen's form

#[derive(Template, WebTemplate)]
#[template(path = "site_report_new.html")]
pub struct NewPage {
    pub page: Page,
    pub categories: Vec<(String, String, String)>,
    pub areas: Vec<(String, String)>,
    pub f: NewForm,
    pub error: Option<String>,
}

/// What the citizen typed (shown again with an error).
#[derive(Debug, Default)]
pub struct NewForm {
    pub service_code: String,
    pub description: String,
    pub area: String,
    pub address: String,
    pub lat: String,
    pub long: String,
    pub urgency: String,
    pub phone: String,
}

impl NewForm {
    fn from(f: &HashMap<String, String>) -> NewForm {
        let g = |k: &str| f.get(k).cloned().unwrap_or_default();
        NewForm {
            service_code: g("service_code"),
            description: g("description"),
            area: g("area"),
            address: g("address"),
            lat: g("lat"),
            long: g("long"),
            urgency: g("urgency"),
            phone: g("phone"),
        }
    }
}

async fn new_page(
    st: &AppState,
    ctx: &Ctx,
    f: HashMap<String, String>,
    error: Option<String>,
) -> WebResult<NewPage> {
    Ok(NewPage {
        page: Page::new(ctx, "sr-new-title"),
        categories: sr::categories(&st.app)
            .await?
            .into_iter()
            .map(|c| (c.row.service_code, c.row.name, c.row.group_name))
            .collect(),
        areas: sr::areas(&st.app)
            .await?
            .into_iter()
            .map(|a| (a.code, sr::area_name(&a.name).to_owned()))
            .collect(),
        f: NewForm::from(&f),
        error,
    })
}

pub async fn new_form(State(st): State<AppState>, ctx: Ctx) -> WebResult<NewPage> {
    ctx.user()?;
    new_page(&st, &ctx, HashMap::new(), None).await
}

/// Files the report (multipart: the fields and up to five photos named `files`).
pub async fn new_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    mp: Multipart,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    let parts = read_parts(mp).await?;
    let f = parts.fields;
    let get = |k: &str| {
        f.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let new = NewReport {
        service_code: get("service_code").unwrap_or_default(),
        description: f.get("description").cloned().unwrap_or_default(),
        lat: get("lat"),
        lon: get("long"),
        address: get("address"),
        area: get("area"),
        urgency: Some(get("urgency").unwrap_or_else(|| "normal".to_owned())),
        reporter_phone: get("phone"),
        ..NewReport::default()
    };
    match sr::file(&st.app, Reporter::Citizen(&actor), new, parts.files).await {
        Ok(filed) => Ok(Redirect::to(&format!("/phan-anh/{}?moi=1", filed.row.id)).into_response()),
        Err(e) if shown(&e) => {
            let m = error_text(ctx.lang, &e);
            Ok((status_of(&e), new_page(&st, &ctx, f, Some(m)).await?).into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// The public page of a report

#[derive(Template, WebTemplate)]
#[template(path = "site_report.html")]
pub struct ReportPage {
    pub page: Page,
    pub v: ReportView,
    pub area: String,
    pub state: String,
    pub outcome: String,
    pub created: String,
    pub deadline: String,
    pub handled: String,
    /// (id, file name)
    pub result_photos: Vec<(String, String)>,
    pub photos: Vec<(String, String)>,
    pub may_rate: bool,
    pub rating: Option<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub is_staff: bool,
}

async fn report_page(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<ReportPage> {
    let t = crate::i18n::messages(ctx.lang);
    let p = sr::public(&st.app, ctx.actor.as_ref(), id).await?;
    let v = p.view;
    let pairs = |m: Vec<congso_db::repo::site_reports::MediaRow>| {
        m.into_iter()
            .map(|m| (m.id.to_string(), m.file_name))
            .collect::<Vec<_>>()
    };
    let mut page = Page::new(ctx, "sr-report-title");
    page.title = format!("{} — {}", t.get("sr-report-title"), v.category);
    Ok(ReportPage {
        page,
        area: v
            .area
            .as_ref()
            .map(|a| sr::area_name(&a.name).to_owned())
            .unwrap_or_default(),
        state: t.get(&format!("sr-state-{}", v.state)).to_owned(),
        outcome: t.get(&outcome_key(&v)).to_owned(),
        created: when(Some(v.created_at)),
        deadline: when(Some(v.deadline)),
        handled: when(v.handled_at),
        result_photos: pairs(p.result_photos),
        photos: pairs(p.photos),
        may_rate: p.is_reporter && v.status == "closed" && v.rating.is_none(),
        rating: v
            .rating
            .as_deref()
            .map(|r| t.get(&format!("rate-{r}")).to_owned()),
        notice,
        error,
        is_staff: ctx.actor.as_ref().is_some_and(|a| a.is_staff()),
        v,
    })
}

pub async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<ReportPage> {
    let t = crate::i18n::messages(ctx.lang);
    let notice = if q.contains_key("moi") {
        Some(t.get("sr-ok-filed").to_owned())
    } else {
        q.get("ok").map(|k| t.get(&format!("sr-ok-{k}")).to_owned())
    };
    report_page(&st, &ctx, report_id(&id)?, notice, None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct RateForm {
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub comment: String,
}

pub async fn rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RateForm>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let id = report_id(&id)?;
    match sr::rate(&st.app, actor, id, &f.rating, Some(&f.comment)).await {
        Ok(_) => Ok(Redirect::to(&format!("/phan-anh/{id}?ok=rated")).into_response()),
        Err(e) if shown(&e) && e.code != ErrorCode::SiteReportNotFound => {
            let m = error_text(ctx.lang, &e);
            Ok((
                status_of(&e),
                report_page(&st, &ctx, id, None, Some(m)).await?,
            )
                .into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

/// A photo (result photos are public; the report's own photos are for its reporter and the
/// unit's officers).
pub async fn photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, media)): Path<(String, String)>,
) -> WebResult<Response> {
    let id = report_id(&id)?;
    let media = Uuid::parse_str(media.trim()).map_err(|_| WebError::from(ErrorCode::NotFound))?;
    let (m, bytes) = sr::photo(&st.app, ctx.actor.as_ref(), id, media).await?;
    Ok(crate::api::portal::attachment_response(
        &m.file_name,
        &m.content_type,
        bytes,
    ))
}

// ---------------------------------------------------------------------------------------------
// The unit's pages

#[derive(Template, WebTemplate)]
#[template(path = "site_report_inbox.html")]
pub struct InboxPage {
    pub page: Page,
    /// (title key, lines): open, then recently closed.
    pub sections: Vec<(&'static str, Vec<Line>)>,
}

pub async fn inbox(State(st): State<AppState>, ctx: Ctx) -> WebResult<InboxPage> {
    let actor = ctx.user()?;
    let t = crate::i18n::messages(ctx.lang);
    let all = sr::inbox(&st.app, actor).await?;
    let (open, closed): (Vec<&ReportView>, Vec<&ReportView>) =
        all.iter().partition(|v| v.status == "open");
    Ok(InboxPage {
        page: Page::new(&ctx, "sr-inbox-title"),
        sections: vec![
            (
                "sr-inbox-open",
                open.into_iter().map(|v| line(v, t)).collect(),
            ),
            (
                "sr-inbox-closed",
                closed.into_iter().take(100).map(|v| line(v, t)).collect(),
            ),
        ],
    })
}

/// One action form of the handling page.
pub struct ActionForm {
    pub action: &'static str,
    pub label: String,
    pub needs_assignee: bool,
    pub needs_text: bool,
    pub needs_reason: bool,
    pub needs_deadline: bool,
    pub takes_photo: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "site_report_handle.html")]
pub struct HandlePage {
    pub page: Page,
    pub v: ReportView,
    pub area: String,
    pub state: String,
    pub outcome: String,
    pub created: String,
    pub deadline: String,
    pub original_deadline: String,
    pub reporter: String,
    pub assignee: String,
    pub attributes: String,
    pub photos: Vec<(String, String, String)>,
    /// requested on, new deadline, reason, decision
    pub extensions: Vec<(String, String, String, String)>,
    pub actions: Vec<ActionForm>,
    pub staff: Vec<(String, String)>,
    /// time, action, actor, note
    pub events: Vec<(String, String, String, String)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

async fn handle_page(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<HandlePage> {
    let actor = ctx.user()?;
    let t = crate::i18n::messages(ctx.lang);
    let h = sr::for_unit(&st.app, actor, id).await?;
    let v = h.view;
    let r = &h.row;
    let label = |a: &str, vi: &str| {
        let key = format!("sr-action-{a}");
        let s = t.get(&key);
        if s == key {
            vi.to_owned()
        } else {
            s.to_owned()
        }
    };
    let reporter = [
        r.reporter_name.clone(),
        r.reporter_phone.clone(),
        r.reporter_email.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" — ");
    let mut page = Page::new(ctx, "sr-handle-title");
    page.title = format!("{} — {}", t.get("sr-handle-title"), v.category);
    Ok(HandlePage {
        page,
        area: v
            .area
            .as_ref()
            .map(|a| sr::area_name(&a.name).to_owned())
            .unwrap_or_default(),
        state: t.get(&format!("sr-state-{}", v.state)).to_owned(),
        outcome: t.get(&outcome_key(&v)).to_owned(),
        created: when(Some(v.created_at)),
        deadline: when(Some(v.deadline)),
        original_deadline: when(Some(v.original_deadline)),
        reporter,
        assignee: h.assignee.clone().unwrap_or_default(),
        attributes: if r.attributes == "{}" {
            String::new()
        } else {
            r.attributes.clone()
        },
        photos: h
            .media
            .iter()
            .map(|m| {
                (
                    m.id.to_string(),
                    m.file_name.clone(),
                    t.get(&format!("sr-photo-{}", m.purpose)).to_owned(),
                )
            })
            .collect(),
        extensions: h
            .extensions
            .iter()
            .map(|e| {
                (
                    when(Some(e.created_at)),
                    when(Some(e.new_deadline)),
                    e.reason.clone(),
                    t.get(&format!(
                        "sr-decision-{}",
                        e.decision.as_deref().unwrap_or("pending")
                    ))
                    .to_owned(),
                )
            })
            .collect(),
        actions: h
            .actions
            .iter()
            .map(|(a, vi)| {
                let tr = congso_domain::site_report::SITE_REPORT
                    .transitions
                    .iter()
                    .find(|t| t.action == *a);
                let needs = |n: &str| tr.is_some_and(|t| t.needs.contains(&n));
                ActionForm {
                    action: a,
                    label: label(a, vi),
                    needs_assignee: needs("assignee"),
                    needs_text: needs("text"),
                    needs_reason: needs("reason"),
                    needs_deadline: needs("new_deadline"),
                    takes_photo: *a == "resolve",
                }
            })
            .collect(),
        staff: h.staff.clone(),
        events: h
            .events
            .iter()
            .map(|(at, action, who, note)| {
                (
                    when(Some(*at)),
                    label(
                        action,
                        t.get(&format!("sr-event-{}", action.replace('.', "-"))),
                    ),
                    who.clone().unwrap_or_default(),
                    note.clone().unwrap_or_default(),
                )
            })
            .collect(),
        notice,
        error,
        v,
    })
}

pub async fn handle(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<HandlePage> {
    let t = crate::i18n::messages(ctx.lang);
    let notice = q.get("ok").map(|k| t.get(&format!("sr-ok-{k}")).to_owned());
    handle_page(&st, &ctx, report_id(&id)?, notice, None).await
}

/// Takes an action from the handling page (multipart: `resolve` may carry a photo).
pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mp: Multipart,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let id = report_id(&id)?;
    let parts = read_parts(mp).await?;
    let f = &parts.fields;
    let get = |k: &str| {
        f.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let new_deadline = match parse_day(f.get("new_deadline")) {
        Ok(d) => d,
        Err(()) => {
            let m = ErrorCode::InvalidDate.message(ctx.lang).to_owned();
            return Ok((
                axum::http::StatusCode::BAD_REQUEST,
                handle_page(&st, &ctx, id, None, Some(m)).await?,
            )
                .into_response());
        }
    };
    let action = get("action").unwrap_or_default();
    let input = ActionInput {
        action: action.clone(),
        assignee: get("assignee"),
        text: get("text"),
        reason: get("reason"),
        new_deadline,
    };
    match sr::act(&st.app, actor, id, input, parts.files.into_iter().next()).await {
        Ok(_) => Ok(Redirect::to(&format!("/can-bo/phan-anh/{id}?ok={action}")).into_response()),
        Err(e)
            if shown(&e)
                && !matches!(e.code, ErrorCode::SiteReportNotFound | ErrorCode::Forbidden) =>
        {
            let m = error_text(ctx.lang, &e);
            Ok((
                status_of(&e),
                handle_page(&st, &ctx, id, None, Some(m)).await?,
            )
                .into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}
