//! Petition pages for officers (`/don-thu`): the inbox with each item's clock, the intake form
//! at the reception desk, an item with its documents and action forms, the resolution-rate
//! report; and the citizen reception schedule (public) with the reception log (`/tiep-cong-dan`).
//! Plain forms with CSRF tokens; no JavaScript needed.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use congso_app::AppError;
use congso_app::petitions::{self, ItemView, PetitionView};
use congso_domain::ErrorCode;
use congso_domain::petition::{CHANNELS, PETITION_ITEM, PetitionKind};
use time::Date;
use uuid::Uuid;

use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::pages::Page;
use crate::state::AppState;

fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

fn odmy(d: Option<Date>) -> String {
    d.map(dmy).unwrap_or_else(|| "—".to_owned())
}

/// The clock status as shown (Vietnamese).
fn clock_label(status: &str) -> &'static str {
    match status {
        "handling" => "Đang xử lý đơn, trong hạn",
        "handling_overdue" => "Xử lý đơn quá hạn",
        "within" => "Đang giải quyết, trong hạn",
        "overdue" => "Giải quyết quá hạn",
        "on_time" => "Giải quyết đúng hạn",
        "late" => "Giải quyết quá hạn",
        _ => "Đã kết thúc",
    }
}

/// One line of the inbox.
pub struct Line {
    pub id: String,
    pub kind: String,
    pub content: String,
    pub unit: String,
    pub state: String,
    pub due: String,
    pub clock: &'static str,
    pub overdue: bool,
}

fn line(i: &ItemView) -> Line {
    Line {
        id: i.id.to_string(),
        kind: i.kind_label.clone(),
        content: i.content.chars().take(140).collect(),
        unit: i.unit.name.clone(),
        state: i.state_label.clone(),
        due: odmy(if i.accepted_on.is_some() {
            i.deadline
        } else {
            i.handling_deadline.or(i.deadline)
        }),
        clock: clock_label(&i.clock_status),
        overdue: matches!(i.clock_status.as_str(), "overdue" | "handling_overdue"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "petitions_inbox.html")]
pub struct InboxPage {
    pub page: Page,
    pub all: bool,
    pub lines: Vec<Line>,
    pub notice: Option<String>,
}

/// `GET /don-thu[?tat-ca=1]`: the officer's petition items.
pub async fn inbox(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<InboxPage> {
    let actor = ctx.user()?;
    let all = q.get("tat-ca").is_some_and(|v| v == "1");
    let items = petitions::inbox(&st.app, actor, !all).await?;
    Ok(InboxPage {
        page: Page::new(&ctx, "pet-title"),
        all,
        lines: items.iter().map(line).collect(),
        notice: q.get("ok").filter(|v| *v == "tiep-nhan").map(|_| {
            crate::i18n::messages(ctx.lang)
                .get("pet-received")
                .to_owned()
        }),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "petitions_new.html")]
pub struct NewPage {
    pub page: Page,
    pub channels: Vec<(&'static str, &'static str)>,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub units: Vec<(String, String)>,
    pub error: Option<String>,
}

async fn unit_options(st: &AppState) -> WebResult<Vec<(String, String)>> {
    Ok(congso_app::units::list_units(&st.app, Some(st.app.today()))
        .await?
        .into_iter()
        .map(|u| (u.code, u.name))
        .collect())
}

async fn new_page(st: &AppState, ctx: &Ctx, error: Option<String>) -> WebResult<NewPage> {
    Ok(NewPage {
        page: Page::new(ctx, "pet-new-title"),
        channels: CHANNELS.to_vec(),
        kinds: PetitionKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), k.label_vi()))
            .collect(),
        units: unit_options(st).await?,
        error,
    })
}

/// `GET /don-thu/tiep-nhan`: the intake form.
pub async fn new_form(State(st): State<AppState>, ctx: Ctx) -> WebResult<NewPage> {
    ctx.user()?;
    new_page(&st, &ctx, None).await
}

/// `POST /don-thu/tiep-nhan`: registers a petition with up to three items.
pub async fn new_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let anonymous = get("anonymous").is_some();
    let mut items = vec![];
    for i in 1..=3 {
        if let Some(kind) = get(&format!("item{i}_kind")) {
            items.push(petitions::NewItem {
                kind,
                content: get(&format!("item{i}_content")),
                unit: get(&format!("item{i}_unit")),
                complex: get(&format!("item{i}_complex")).is_some(),
                remote_area: get(&format!("item{i}_remote")).is_some(),
                level: None,
                first_item: None,
            });
        }
    }
    let new = petitions::NewPetition {
        channel: get("channel").unwrap_or_default(),
        petitioner: (!anonymous).then(|| petitions::Petitioner {
            name: get("name").unwrap_or_default(),
            address: get("address"),
            id_number: get("id_number"),
            phone: get("phone"),
            email: get("email"),
        }),
        content: get("content").unwrap_or_default(),
        unit: None,
        items,
    };
    match petitions::create_petition(&st.app, actor, new).await {
        Ok(p) => Ok(match p.items.first() {
            Some(i) => Redirect::to(&format!("/don-thu/noi-dung/{}?ok=tiep-nhan", i.id)),
            None => Redirect::to("/don-thu?ok=tiep-nhan"),
        }
        .into_response()),
        Err(e) if super::error_shown(&e) => {
            let status = super::error_status(&e);
            let msg = super::error_text(ctx.lang, &e);
            Ok((status, new_page(&st, &ctx, Some(msg)).await?).into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

/// An action form on the item page.
pub struct ActionForm {
    pub action: &'static str,
    pub label: &'static str,
    pub needs_recipient: bool,
    pub needs_text: bool,
    pub needs_reason: bool,
    pub needs_decision: bool,
    pub needs_days: bool,
    pub is_accept: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "petitions_item.html")]
pub struct ItemPage {
    pub page: Page,
    pub item: ItemView,
    pub petition: PetitionView,
    pub petitioner: String,
    pub channel: &'static str,
    pub clock: &'static str,
    pub received_on: String,
    pub handling_deadline: String,
    pub accepted_on: String,
    pub deadline: String,
    pub original_deadline: String,
    pub closed_on: String,
    /// kind name, number, date, text, on time (text)
    pub documents: Vec<(String, String, String, String, String)>,
    pub actions: Vec<ActionForm>,
    /// time, action, actor, unit, note
    pub events: Vec<(String, String, String, String, String)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

fn uuid_of(s: &str) -> WebResult<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| WebError::from(ErrorCode::PetitionNotFound))
}

async fn item_page(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<ItemPage> {
    let actor = ctx.user()?;
    let (item, petition) = petitions::item(&st.app, actor, id).await?;
    let events = petitions::timeline(&st.app, actor, id)
        .await?
        .into_iter()
        .map(|(at, action, who, unit, note)| {
            let label = PETITION_ITEM
                .transitions
                .iter()
                .find(|t| t.action == action)
                .map_or_else(
                    || match action.as_str() {
                        "petition_item.created" => "Tiếp nhận, phân loại".to_owned(),
                        other => other.to_owned(),
                    },
                    |t| t.label_vi.to_owned(),
                );
            (
                congso_domain::time_vn::format_datetime_vi(at.get()),
                label,
                who.unwrap_or_default(),
                unit.unwrap_or_default(),
                note.unwrap_or_default(),
            )
        })
        .collect();
    let actions = item
        .actions
        .iter()
        .filter_map(|a| PETITION_ITEM.transitions.iter().find(|t| t.action == *a))
        .map(|t| ActionForm {
            action: t.action,
            label: t.label_vi,
            needs_recipient: t.needs.contains(&"recipient"),
            needs_text: t.needs.contains(&"text"),
            needs_reason: t.needs.contains(&"reason"),
            needs_decision: t.needs.contains(&"decision_number"),
            needs_days: t.needs.contains(&"days"),
            is_accept: t.action == "accept",
        })
        .collect();
    let documents = item
        .documents
        .iter()
        .map(|d| {
            (
                d.name.clone(),
                d.number.clone().unwrap_or_default(),
                dmy(d.issued_on),
                d.text.clone().unwrap_or_default(),
                match d.on_time {
                    Some(true) => "Đúng hạn".to_owned(),
                    Some(false) => format!("Quá hạn (hạn {})", odmy(d.stage_deadline)),
                    None => String::new(),
                },
            )
        })
        .collect();
    let petitioner = match &petition.petitioner {
        Some(p) => match &p.address {
            Some(a) => format!("{} — {a}", p.name),
            None => p.name.clone(),
        },
        None => "Đơn nặc danh".to_owned(),
    };
    Ok(ItemPage {
        page: Page::new(ctx, "pet-item-title"),
        petitioner,
        channel: CHANNELS
            .iter()
            .find(|(c, _)| *c == petition.channel)
            .map_or("", |(_, l)| *l),
        clock: clock_label(&item.clock_status),
        received_on: dmy(item.received_on),
        handling_deadline: odmy(item.handling_deadline),
        accepted_on: odmy(item.accepted_on),
        deadline: odmy(item.deadline),
        original_deadline: odmy(item.original_deadline),
        closed_on: odmy(item.closed_on),
        documents,
        actions,
        events,
        notice,
        error,
        item,
        petition,
    })
}

/// `GET /don-thu/noi-dung/{id}`: an item with its clock, documents and actions.
pub async fn item(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<ItemPage> {
    let notice = q.get("ok").map(|a| {
        if a == "tiep-nhan" {
            crate::i18n::messages(ctx.lang)
                .get("pet-received")
                .to_owned()
        } else {
            PETITION_ITEM
                .transitions
                .iter()
                .find(|t| t.action == a)
                .map(|t| format!("✓ {}", t.label_vi))
                .unwrap_or_default()
        }
    });
    item_page(&st, &ctx, uuid_of(&id)?, notice, None).await
}

/// `POST /don-thu/noi-dung/{id}/thao-tac`: an action from the item page.
pub async fn item_act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let id = uuid_of(&id)?;
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let action = get("action").unwrap_or_default();
    let days = get("days").map(|d| {
        d.parse::<u32>()
            .map_err(|_| WebError(AppError::new(ErrorCode::InvalidInput).with_detail("days")))
    });
    let r = match days.transpose() {
        Ok(days) => {
            petitions::act(
                &st.app,
                actor,
                id,
                petitions::ItemAction {
                    action: action.clone(),
                    text: get("text"),
                    reason: get("reason"),
                    recipient: get("recipient"),
                    decision_number: get("decision_number"),
                    number: get("number"),
                    days,
                    complex: (action == "accept").then(|| get("complex").is_some()),
                    remote_area: (action == "accept").then(|| get("remote_area").is_some()),
                },
            )
            .await
        }
        Err(e) => Err(e.0),
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/don-thu/noi-dung/{id}?ok={action}")).into_response()),
        Err(e)
            if super::error_shown(&e)
                && !matches!(e.code, ErrorCode::PetitionNotFound | ErrorCode::NotFound) =>
        {
            let status = super::error_status(&e);
            let msg = super::error_text(ctx.lang, &e);
            let page = item_page(&st, &ctx, id, None, Some(msg)).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "petitions_report.html")]
pub struct ReportPage {
    pub page: Page,
    pub from: String,
    pub to: String,
    pub unit: String,
    pub as_of: String,
    /// label, value
    pub rows: Vec<(String, String)>,
    /// kind, received, under authority, resolved, rate
    pub kinds: Vec<(String, u64, u64, u64, String)>,
}

fn rate(r: Option<f64>) -> String {
    r.map(|x| format!("{:.2}%", x * 100.0).replace('.', ","))
        .unwrap_or_else(|| "—".to_owned())
}

/// `GET /don-thu/bao-cao?tu=&den=&don-vi=`: the resolution-rate report.
pub async fn report(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<ReportPage> {
    let actor = ctx.user()?;
    let today = st.app.today();
    let from = match q.get("tu").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(s) => crate::api::parse_date(s)?,
        None => Date::from_calendar_date(today.year(), time::Month::January, 1).unwrap_or(today),
    };
    let to = match q.get("den").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(s) => crate::api::parse_date(s)?,
        None => today,
    };
    let unit = q.get("don-vi").cloned().unwrap_or_default();
    let r = petitions::report(&st.app, actor, from, to, Some(unit.as_str())).await?;
    let t = &r.total;
    let n = |x: u64| x.to_string();
    let rows = vec![
        (
            "Tổng số đơn, nội dung phải xử lý",
            n(t.received_new + t.carried_over),
        ),
        ("— Tiếp nhận trong kỳ", n(t.received_new)),
        ("— Kỳ trước chuyển sang", n(t.carried_over)),
        ("Thuộc thẩm quyền (đã thụ lý)", n(t.under_authority)),
        ("Đã giải quyết đúng hạn", n(t.resolved_on_time)),
        ("Đã giải quyết quá hạn", n(t.resolved_late)),
        ("Đang giải quyết trong hạn", n(t.pending_within)),
        ("Đang giải quyết quá hạn", n(t.pending_overdue)),
        ("Đã chuyển đơn", n(t.transferred)),
        ("Đã hướng dẫn", n(t.guided)),
        ("Đã lưu đơn", n(t.filed)),
        ("Từ chối tiếp nhận", n(t.refused)),
        ("Rút đơn trước khi thụ lý", n(t.withdrawn_before_acceptance)),
        ("Đang xử lý đơn", n(t.unhandled)),
        ("Tỷ lệ giải quyết", rate(t.resolution_rate())),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b))
    .collect();
    Ok(ReportPage {
        page: Page::new(&ctx, "pet-report-title"),
        from: from.to_string(),
        to: to.to_string(),
        unit,
        as_of: dmy(r.as_of),
        rows,
        kinds: r
            .by_kind
            .iter()
            .map(|(k, c)| {
                (
                    k.label_vi().to_owned(),
                    c.received_new + c.carried_over,
                    c.under_authority,
                    c.resolved(),
                    rate(c.resolution_rate()),
                )
            })
            .collect(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "reception.html")]
pub struct ReceptionPage {
    pub page: Page,
    /// date, leader, unit, place, note
    pub days: Vec<(String, String, String, String, String)>,
    /// schedule id, label (for the log form)
    pub day_options: Vec<(String, String)>,
    pub handles: bool,
    /// time, visitor, content, outcome, petition id
    pub visits: Vec<(String, String, String, String, String)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

async fn reception_page(
    st: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<ReceptionPage> {
    let today = st.app.today();
    let from = today - time::Duration::days(31);
    let days = petitions::reception_days(&st.app, from, today + time::Duration::days(120)).await?;
    let handles = ctx
        .actor
        .as_ref()
        .is_some_and(|a| a.may_somewhere(congso_domain::Permission::PetitionHandle));
    let visits = match (&ctx.actor, handles) {
        (Some(a), true) => petitions::visits(&st.app, a, from, today)
            .await?
            .into_iter()
            .map(|v| {
                (
                    congso_domain::time_vn::format_datetime_vi(v.received_at.get()),
                    v.visitor_name,
                    v.content,
                    v.outcome,
                    v.petition_id.map(|p| p.to_string()).unwrap_or_default(),
                )
            })
            .collect(),
        _ => vec![],
    };
    Ok(ReceptionPage {
        page: Page::new(ctx, "rec-title"),
        day_options: days
            .iter()
            .map(|d| (d.id.to_string(), format!("{} — {}", dmy(d.day), d.leader)))
            .collect(),
        days: days
            .into_iter()
            .filter(|d| d.day >= today)
            .map(|d| {
                (
                    dmy(d.day),
                    d.leader,
                    d.unit.name,
                    d.place,
                    d.note.unwrap_or_default(),
                )
            })
            .collect(),
        handles,
        visits,
        notice,
        error,
    })
}

/// `GET /tiep-cong-dan`: the leaders' reception days (public); officers also see the log.
pub async fn reception(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<ReceptionPage> {
    let notice = q.get("ok").map(|_| "✓".to_owned());
    reception_page(&st, &ctx, notice, None).await
}

/// `POST /tiep-cong-dan/lich`: schedules a reception day.
pub async fn reception_day(
    State(st): State<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let r: Result<_, AppError> = async {
        let day = crate::api::parse_date(&get("day").unwrap_or_default()).map_err(|e| e.0)?;
        petitions::add_reception_day(
            &st.app,
            actor,
            petitions::NewReceptionDay {
                unit: None,
                leader: get("leader"),
                leader_name: get("leader_name"),
                day,
                place: get("place").unwrap_or_default(),
                note: get("note"),
            },
        )
        .await
    }
    .await;
    reception_result(&st, &ctx, r.map(|_| ())).await
}

/// `POST /tiep-cong-dan/so`: records a visit in the reception log.
pub async fn reception_visit(
    State(st): State<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<HashMap<String, String>>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let get = |k: &str| {
        f.get(k)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let parse = |k: &str| -> Result<Option<Uuid>, AppError> {
        get(k)
            .map(|s| {
                Uuid::parse_str(&s)
                    .map_err(|_| AppError::new(ErrorCode::InvalidInput).with_detail(k.to_owned()))
            })
            .transpose()
    };
    let r: Result<_, AppError> = async {
        petitions::log_visit(
            &st.app,
            actor,
            petitions::NewVisit {
                unit: None,
                schedule_id: parse("schedule_id")?,
                visitor_name: get("visitor_name").unwrap_or_default(),
                visitor_id_number: get("visitor_id_number"),
                content: get("content").unwrap_or_default(),
                outcome: get("outcome").unwrap_or_default(),
                petition_id: parse("petition_id")?,
            },
        )
        .await
    }
    .await;
    reception_result(&st, &ctx, r.map(|_| ())).await
}

async fn reception_result(
    st: &AppState,
    ctx: &Ctx,
    r: Result<(), AppError>,
) -> WebResult<Response> {
    match r {
        Ok(()) => Ok(Redirect::to("/tiep-cong-dan?ok=1").into_response()),
        Err(e) if super::error_shown(&e) => {
            let status = super::error_status(&e);
            let msg = super::error_text(ctx.lang, &e);
            Ok((status, reception_page(st, ctx, None, Some(msg)).await?).into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}
