//! The officer workspace of the one-stop desk (`/can-bo`: the inbox, a dossier, receipt, bulk
//! forwarding) and the public lookup (`/tra-cuu`). Plain forms; every action posts to the same use
//! cases as the API.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use congso_app::catalogue::{self, Search};
use congso_app::dossiers::{
    self, ActionInput, Applicant, DocumentItem, DossierView, NewDossier, Tab,
};
use congso_db::Ts;
use congso_domain::dossier::DOSSIER;
use congso_domain::time_vn::format_datetime_vi;
use congso_domain::{ErrorCode, Lang, Role};
use serde::Deserialize;

use super::procedures::format_vnd;
use super::{Page, encode_component};
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::i18n::{Messages, messages};
use crate::state::AppState;

pub(crate) fn when(t: Option<Ts>) -> String {
    t.map(|t| format_datetime_vi(t.get()))
        .unwrap_or_else(|| "—".into())
}

fn state_label(state: &str, lang: Lang) -> String {
    DOSSIER
        .state(state)
        .map(|s| match lang {
            Lang::Vi => s.label_vi,
            Lang::En => s.label_en,
        })
        .unwrap_or(state)
        .to_owned()
}

/// The label of an action (transitions and system events).
pub fn action_label(action: &str, t: &Messages, lang: Lang) -> String {
    if let Some(tr) = DOSSIER.transitions.iter().find(|tr| tr.action == action) {
        return match lang {
            Lang::Vi => tr.label_vi,
            Lang::En => tr.label_en,
        }
        .to_owned();
    }
    t.get(&format!("action-{action}")).to_owned()
}

fn minutes_text(t: &Messages, minutes: i64) -> String {
    let m = minutes.abs();
    let (h, m) = ((m / 60).to_string(), (m % 60).to_string());
    if minutes < 0 {
        t.fmt("dossier-overdue-by", &[("h", &h), ("m", &m)])
    } else {
        t.fmt("dossier-minutes", &[("h", &h), ("m", &m)])
    }
}

pub struct TabLink {
    pub key: &'static str,
    pub label: String,
    pub count: i64,
    pub current: bool,
}

pub struct Line {
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub status: String,
    pub due: String,
    pub overdue: bool,
    pub forwardable: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "workspace.html")]
pub struct InboxPage {
    pub page: Page,
    pub lead: String,
    pub tabs: Vec<TabLink>,
    pub tab: &'static str,
    pub q: String,
    pub lines: Vec<Line>,
    pub bulk: bool,
    pub can_receive: bool,
    pub notice: Option<String>,
    pub roles: Vec<(String, String)>,
}

pub async fn inbox(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<InboxPage> {
    let actor = ctx.user()?.clone();
    if !actor.is_staff() {
        return Err(ErrorCode::Forbidden.into());
    }
    let lang = ctx.lang;
    let t = messages(lang);
    let is_desk = actor.has_role(Role::OneStopOfficer);
    let default = if is_desk {
        Tab::Desk
    } else if actor.has_role(Role::Specialist) {
        Tab::Mine
    } else {
        Tab::Unit
    };
    let tab = q.get("tab").and_then(|s| Tab::parse(s)).unwrap_or(default);
    let search = q.get("q").cloned().unwrap_or_default();
    let inbox = dossiers::inbox(&st.app, &actor, tab, Some(&search), 100, 0).await?;
    let now = st.app.now();
    let page = Page::new(&ctx, "inbox-title");
    let lead = page.t.fmt("ws-lead", &[("name", &actor.full_name)]);
    Ok(InboxPage {
        lead,
        tabs: inbox
            .counts
            .iter()
            .filter(|(tb, _)| *tb != Tab::Desk || is_desk)
            .map(|(tb, n)| TabLink {
                key: tb.as_str(),
                label: t.get(&format!("tab-{}", tb.as_str())).to_owned(),
                count: *n,
                current: *tb == tab,
            })
            .collect(),
        tab: tab.as_str(),
        q: search,
        bulk: tab == Tab::Desk,
        lines: inbox
            .lines
            .into_iter()
            .map(|l| Line {
                overdue: l.due_at.is_some_and(|d| d < now)
                    && l.status != "awaiting_supplement"
                    && l.status != "finished",
                forwardable: l.status == "received",
                status: state_label(&l.status, lang),
                due: when(l.due_at),
                code: l.code,
                procedure: l.procedure_name,
                applicant: l.applicant_name,
            })
            .collect(),
        can_receive: is_desk,
        notice: q
            .get("chuyen")
            .map(|n| t.fmt("inbox-bulk-done", &[("n", n)])),
        roles: actor
            .grants
            .iter()
            .map(|g| {
                let role = match lang {
                    Lang::Vi => g.role.label_vi(),
                    Lang::En => g.role.label_en(),
                };
                let unit = match (&g.unit_name, &g.unit_code) {
                    (Some(n), Some(c)) => format!("{n} ({c})"),
                    _ => "—".to_owned(),
                };
                (role.to_owned(), unit)
            })
            .collect(),
        page,
    })
}

pub struct ActionForm {
    pub action: String,
    pub label: String,
    pub needs_reason: bool,
    pub needs_assignee: bool,
    pub needs_unit: bool,
    pub needs_amount: bool,
    pub needs_date: bool,
    pub primary: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "dossier.html")]
pub struct DossierPage {
    pub page: Page,
    pub heading: String,
    pub d: DossierView,
    pub status: String,
    pub channel: String,
    pub received: String,
    pub appointment: String,
    pub due: String,
    pub elapsed: Option<String>,
    pub remaining: Option<String>,
    pub result: Option<String>,
    pub fee: String,
    pub actions: Vec<ActionForm>,
    pub staff: Vec<(String, String)>,
    pub unit_options: Vec<(String, String)>,
    pub forms: Vec<(String, String)>,
    pub events: Vec<(String, String, String, String, String)>,
    /// Files: id, purpose label, document, file name.
    pub files: Vec<(String, String, String, String)>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

pub(crate) async fn dossier_page(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<DossierPage> {
    let actor = ctx.user()?;
    let d = dossiers::get(&st.app, actor, code).await?;
    let lang = ctx.lang;
    let t = messages(lang);
    let page = Page::new(ctx, "inbox-title");
    let primary = [
        "forward",
        "assign",
        "submit_for_approval",
        "approve",
        "finish",
        "return_result",
        "accept",
        "supplement_received",
        "payment_received",
    ];
    let actions: Vec<ActionForm> = d
        .actions
        .iter()
        .filter_map(|a| DOSSIER.transition(a, &d.status.state).ok())
        .map(|tr| ActionForm {
            action: tr.action.to_owned(),
            label: match lang {
                Lang::Vi => tr.label_vi,
                Lang::En => tr.label_en,
            }
            .to_owned(),
            needs_reason: tr.needs.contains(&"reason"),
            needs_assignee: tr.needs.contains(&"assignee"),
            needs_unit: tr.action == "transfer" || tr.action == "forward",
            needs_amount: tr.needs.contains(&"amount_vnd"),
            needs_date: tr.needs.contains(&"new_appointment_at"),
            primary: primary.contains(&tr.action),
        })
        .collect();
    let staff = if actions.iter().any(|a| a.needs_assignee) {
        dossiers::assignable(&st.app, &d.processing_unit.code).await?
    } else {
        vec![]
    };
    let unit_options = if actions.iter().any(|a| a.needs_unit) {
        congso_app::units::list_units(&st.app, Some(st.app.today()))
            .await?
            .into_iter()
            .filter(|u| {
                matches!(
                    u.kind.as_str(),
                    "department" | "ward_committee" | "commune_committee" | "inspectorate"
                )
            })
            .map(|u| (u.code, u.name))
            .collect()
    } else {
        vec![]
    };
    let mut forms = vec![(
        format!("/dossiers/{}/mau-01.pdf", d.code),
        t.get("form-01").to_owned(),
    )];
    if d.supplements > 0 {
        forms.push((
            format!("/dossiers/{}/mau-02.pdf", d.code),
            t.get("form-02").to_owned(),
        ));
    }
    if d.outcome.as_deref() == Some("refused") {
        forms.push((
            format!("/dossiers/{}/mau-03.pdf", d.code),
            t.get("form-03").to_owned(),
        ));
    }
    if d.apology.is_some() {
        forms.push((
            format!("/dossiers/{}/mau-04.pdf", d.code),
            t.get("form-04").to_owned(),
        ));
    }
    forms.push((
        format!("/dossiers/{}/mau-05.pdf", d.code),
        t.get("form-05").to_owned(),
    ));
    let events = d
        .events
        .iter()
        .map(|e| {
            (
                format_datetime_vi(e.at.get()),
                action_label(&e.action, t, lang),
                e.actor.clone().unwrap_or_default(),
                e.unit.clone().unwrap_or_default(),
                e.note.clone().unwrap_or_default(),
            )
        })
        .collect();
    Ok(DossierPage {
        heading: t.fmt("dossier-title", &[("code", &d.code)]),
        status: d.status.name.clone(),
        channel: t.get(&format!("channel-{}", d.channel)).to_owned(),
        received: when(d.received_at),
        appointment: when(d.appointment_at),
        due: when(d.due_at),
        elapsed: d.elapsed_working_minutes.map(|m| minutes_text(t, m)),
        remaining: d.remaining_working_minutes.map(|m| minutes_text(t, m)),
        result: d
            .result
            .as_deref()
            .map(|r| t.get(&format!("result-{r}")).to_owned()),
        fee: if d.fee_vnd == 0 {
            t.get("proc-free").to_owned()
        } else {
            format!("{} đồng", format_vnd(d.fee_vnd))
        },
        actions,
        staff,
        unit_options,
        forms,
        files: congso_app::portal::attachments(&st.app, actor, code)
            .await?
            .into_iter()
            .map(|f| {
                (
                    f.id.to_string(),
                    t.get(&format!("file-{}", f.purpose)).to_owned(),
                    f.document_name,
                    f.file_name,
                )
            })
            .collect(),
        events,
        notice,
        error,
        page,
        d,
    })
}

pub async fn dossier(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<DossierPage> {
    let lang = ctx.lang;
    let notice = q
        .get("ok")
        .map(|a| format!("✓ {}", action_label(a, messages(lang), lang)));
    dossier_page(&st, &ctx, &code, notice, None).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ActForm {
    pub action: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub to_unit: String,
    #[serde(default)]
    pub amount_vnd: String,
    #[serde(default)]
    pub new_appointment_at: String,
}

fn opt(s: &str) -> Option<String> {
    Some(s.trim().to_owned()).filter(|s| !s.is_empty())
}

pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    axum::Form(f): axum::Form<ActForm>,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    let input = ActionInput {
        action: f.action.clone(),
        reason: opt(&f.reason),
        to_unit: opt(&f.to_unit),
        assignee: opt(&f.assignee),
        amount_vnd: f.amount_vnd.trim().replace('.', "").parse().ok(),
        new_appointment_at: opt(&f.new_appointment_at),
        items: vec![],
        note: None,
    };
    match dossiers::act(&st.app, &actor, &code, input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/can-bo/ho-so/{}?ok={}",
            encode_component(&code),
            encode_component(&f.action)
        ))
        .into_response()),
        Err(e)
            if !matches!(
                e.code,
                ErrorCode::Internal | ErrorCode::Forbidden | ErrorCode::DossierNotFound
            ) =>
        {
            let status =
                StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut msg = e.code.message(ctx.lang).to_owned();
            if let Some(d) = &e.detail {
                msg.push_str(&format!(" ({d})"));
            }
            Ok((
                status,
                dossier_page(&st, &ctx, &code, None, Some(msg)).await?,
            )
                .into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

#[derive(Debug, Default)]
pub struct ReceiveFields {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "receive.html")]
pub struct ReceivePage {
    pub page: Page,
    pub procedures: Vec<(String, String)>,
    pub chosen: String,
    pub channels: Vec<(String, String)>,
    pub documents: Vec<String>,
    pub f: ReceiveFields,
    pub error: Option<String>,
}

async fn receive_page(
    st: &AppState,
    ctx: &Ctx,
    chosen: Option<String>,
    f: ReceiveFields,
    error: Option<String>,
) -> WebResult<ReceivePage> {
    let actor = ctx.user()?;
    if !actor.has_role(Role::OneStopOfficer) {
        return Err(ErrorCode::Forbidden.into());
    }
    let lang = ctx.lang;
    let t = messages(lang);
    let list = catalogue::search(
        &st.app,
        &Search {
            per_page: 100,
            page: 1,
            ..Search::default()
        },
    )
    .await?;
    let mut procedures: Vec<(String, String)> = list
        .items
        .into_iter()
        .map(|h| (h.code.clone(), format!("{} ({})", h.name, h.code)))
        .collect();
    let mut page_no = 2;
    while (procedures.len() as i64) < list.total && page_no <= 50 {
        let more = catalogue::search(
            &st.app,
            &Search {
                per_page: 100,
                page: page_no,
                ..Search::default()
            },
        )
        .await?;
        procedures.extend(
            more.items
                .into_iter()
                .map(|h| (h.code.clone(), format!("{} ({})", h.name, h.code))),
        );
        page_no += 1;
    }
    let (channels, documents) = match &chosen {
        Some(code) => {
            let v = catalogue::get(&st.app, code, None, false).await?;
            (
                v.spec
                    .channels
                    .iter()
                    .map(|c| {
                        (
                            c.kind.as_str().to_owned(),
                            t.get(&format!("channel-{}", c.kind.as_str())).to_owned(),
                        )
                    })
                    .collect(),
                v.spec.documents.iter().map(|d| d.name.clone()).collect(),
            )
        }
        None => (vec![], vec![]),
    };
    Ok(ReceivePage {
        page: Page::new(ctx, "receive-title"),
        procedures,
        chosen: chosen.unwrap_or_default(),
        channels,
        documents,
        f,
        error,
    })
}

pub async fn receive_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<ReceivePage> {
    receive_page(
        &st,
        &ctx,
        q.get("thu-tuc").cloned().filter(|s| !s.is_empty()),
        ReceiveFields::default(),
        None,
    )
    .await
}

pub async fn receive(
    State(st): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    // Repeated `doc` fields: parse the pairs ourselves.
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| WebError::from(ErrorCode::InvalidInput))?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let code = get("procedure_code");
    let chosen: Vec<usize> = pairs
        .iter()
        .filter(|(n, _)| n == "doc")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let spec = catalogue::get(&st.app, &code, None, false).await?.spec;
    let documents = spec
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| DocumentItem {
            name: d.name.clone(),
            originals: d.originals,
            copies: d.copies,
            provided: chosen.contains(&i),
        })
        .collect();
    let fields = ReceiveFields {
        name: get("name"),
        id_number: get("id_number"),
        phone: get("phone"),
        email: get("email"),
        address: get("address"),
    };
    let new = NewDossier {
        procedure_code: code.clone(),
        channel: get("channel"),
        applicant: Applicant {
            name: fields.name.clone(),
            id_number: opt(&fields.id_number),
            phone: opt(&fields.phone),
            email: opt(&fields.email),
            address: opt(&fields.address),
        },
        documents,
        receiving_unit: None,
        code: None,
        received_at: None,
    };
    match dossiers::receive(&st.app, &actor, new).await {
        Ok(v) => Ok(Redirect::to(&format!(
            "/can-bo/ho-so/{}?ok=receive",
            encode_component(&v.code)
        ))
        .into_response()),
        Err(e) if !matches!(e.code, ErrorCode::Internal | ErrorCode::Forbidden) => {
            let status =
                StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut msg = e.code.message(ctx.lang).to_owned();
            if let Some(d) = &e.detail {
                msg.push_str(&format!(" ({d})"));
            }
            Ok((
                status,
                receive_page(&st, &ctx, Some(code), fields, Some(msg)).await?,
            )
                .into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

/// Forwards every selected dossier (each in its own transaction; the ones that cannot be
/// forwarded are skipped).
pub async fn bulk_forward(
    State(st): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(&body).map_err(|_| WebError::from(ErrorCode::InvalidInput))?;
    let mut n = 0;
    for (_, code) in pairs.iter().filter(|(k, _)| k == "codes") {
        let input = ActionInput {
            action: "forward".into(),
            ..ActionInput::default()
        };
        if dossiers::act(&st.app, &actor, code, input).await.is_ok() {
            n += 1;
        }
    }
    Ok(Redirect::to(&format!("/can-bo?tab=desk&chuyen={n}")).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "lookup.html")]
pub struct LookupPage {
    pub page: Page,
    pub code: String,
    pub result: Option<congso_app::dossiers::PublicView>,
    pub status: String,
    pub received: String,
    pub appointment: String,
    pub result_label: Option<String>,
    pub steps: Vec<(String, String, String)>,
    pub error: Option<String>,
}

pub async fn lookup(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let lang = ctx.lang;
    let t = messages(lang);
    let code = q.get("ma").map(|c| c.trim().to_owned()).unwrap_or_default();
    let mut page = LookupPage {
        page: Page::new(&ctx, "lookup-title"),
        code: code.clone(),
        result: None,
        status: String::new(),
        received: String::new(),
        appointment: String::new(),
        result_label: None,
        steps: vec![],
        error: None,
    };
    if code.is_empty() {
        return Ok(page.into_response());
    }
    match dossiers::lookup(&st.app, &code).await {
        Ok(v) => {
            page.status = v.status.name.clone();
            page.received = when(v.received_at);
            page.appointment = when(v.due_at.or(v.appointment_at));
            page.result_label = v
                .result
                .as_deref()
                .map(|r| t.get(&format!("result-{r}")).to_owned());
            page.steps = v
                .steps
                .iter()
                .map(|s| {
                    (
                        format_datetime_vi(s.at.get()),
                        action_label(&s.action, t, lang),
                        s.unit.clone().unwrap_or_default(),
                    )
                })
                .collect();
            page.result = Some(v);
            Ok(page.into_response())
        }
        Err(e) if e.code == ErrorCode::DossierNotFound => {
            page.error = Some(e.code.message(lang).to_owned());
            Ok((StatusCode::NOT_FOUND, page).into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}
