//! The citizen's pages: registration, password reset, profile, online submission (one question
//! per page, a draft kept in the database, a "check your answers" page), "Hồ sơ của tôi" with
//! supplements, the electronic result, withdrawal and the rating, and the notification list.
//! Everything works without JavaScript.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use congso_app::dossiers::{self, ActionInput};
use congso_app::portal::{self, Upload};
use congso_app::{AppError, accounts, auth};
use congso_domain::ErrorCode;
use congso_domain::time_vn::format_datetime_vi;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::portal::{applicant_from, read_parts};
use crate::cookies;
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::pages::desk::{action_label, when};
use crate::pages::{Page, error_shown as shown, error_status as status_of, error_text};
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Registration

#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "register.html")]
pub struct RegisterPage {
    pub page: Page,
    pub f: RegisterForm,
    pub error: Option<String>,
}

pub async fn register_form(ctx: Ctx) -> RegisterPage {
    RegisterPage {
        page: Page::new(&ctx, "reg-title"),
        f: RegisterForm::default(),
        error: None,
    }
}

pub async fn register_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    peer: crate::ctx::Peer,
    Form(f): Form<RegisterForm>,
) -> WebResult<Response> {
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let r = accounts::register(
        &st.app,
        accounts::Registration {
            full_name: f.full_name.clone(),
            id_number: f.id_number.clone(),
            email: opt(&f.email),
            phone: opt(&f.phone),
            address: opt(&f.address),
            password: f.password.clone(),
        },
    )
    .await;
    match r {
        Ok(user) => {
            let origin = super::auth::origin(&headers, peer.0);
            let (session, _) = auth::login(&st.app, &user.username, &f.password, &origin).await?;
            let mut resp = Redirect::to("/ho-so-cua-toi?moi=1").into_response();
            let cookie = cookies::set(
                cookies::SESSION,
                &session.token,
                None,
                st.web.secure_cookies,
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(resp)
        }
        Err(e) if shown(&e) => Ok((
            status_of(&e),
            RegisterPage {
                page: Page::new(&ctx, "reg-title"),
                error: Some(error_text(ctx.lang, &e)),
                f: RegisterForm {
                    password: String::new(),
                    ..f
                },
            },
        )
            .into_response()),
        Err(e) => Err(WebError(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Password reset

#[derive(Template, WebTemplate)]
#[template(path = "reset.html")]
pub struct ResetPage {
    pub page: Page,
    /// Empty: the request form; else the new-password form for this token.
    pub token: String,
    pub sent: bool,
    pub error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ResetRequestForm {
    #[serde(default)]
    pub who: String,
}

pub async fn forgot_form(ctx: Ctx) -> ResetPage {
    ResetPage {
        page: Page::new(&ctx, "reset-title"),
        token: String::new(),
        sent: false,
        error: None,
    }
}

pub async fn forgot_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ResetRequestForm>,
) -> WebResult<Response> {
    let r = accounts::request_password_reset(&st.app, &f.who).await;
    let (status, error) = match r {
        Ok(()) => (StatusCode::OK, None),
        Err(e) if shown(&e) => (status_of(&e), Some(error_text(ctx.lang, &e))),
        Err(e) => return Err(WebError(e)),
    };
    Ok((
        status,
        ResetPage {
            page: Page::new(&ctx, "reset-title"),
            token: String::new(),
            sent: error.is_none(),
            error,
        },
    )
        .into_response())
}

pub async fn reset_form(ctx: Ctx, Query(q): Query<HashMap<String, String>>) -> ResetPage {
    ResetPage {
        page: Page::new(&ctx, "reset-title"),
        token: q.get("token").cloned().unwrap_or_default(),
        sent: false,
        error: None,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub password: String,
}

pub async fn reset_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ResetForm>,
) -> WebResult<Response> {
    match accounts::reset_password(&st.app, &f.token, &f.password).await {
        Ok(()) => Ok(Redirect::to("/dang-nhap?dat-lai=1").into_response()),
        Err(e) if shown(&e) => Ok((
            status_of(&e),
            ResetPage {
                page: Page::new(&ctx, "reset-title"),
                token: f.token,
                sent: false,
                error: Some(error_text(ctx.lang, &e)),
            },
        )
            .into_response()),
        Err(e) => Err(WebError(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Profile

#[derive(Template, WebTemplate)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    pub page: Page,
    pub id_number: String,
    pub f: RegisterForm,
    pub saved: bool,
    pub error: Option<String>,
}

pub async fn profile(State(st): State<AppState>, ctx: Ctx) -> WebResult<ProfilePage> {
    let actor = ctx.user()?;
    let p = accounts::profile(&st.app, actor).await?;
    Ok(ProfilePage {
        page: Page::new(&ctx, "profile-title"),
        id_number: p.profile.id_number.clone().unwrap_or_default(),
        f: RegisterForm {
            full_name: p.user.full_name,
            email: p.user.email.unwrap_or_default(),
            phone: p.user.phone.unwrap_or_default(),
            address: p.profile.address.unwrap_or_default(),
            ..RegisterForm::default()
        },
        saved: false,
        error: None,
    })
}

pub async fn profile_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<RegisterForm>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    fn opt(s: &str) -> Option<&str> {
        Some(s.trim()).filter(|s| !s.is_empty())
    }
    let r = accounts::update_profile(
        &st.app,
        actor,
        &f.full_name,
        opt(&f.email),
        opt(&f.phone),
        opt(&f.address),
    )
    .await;
    let id_number = accounts::profile(&st.app, actor)
        .await?
        .profile
        .id_number
        .unwrap_or_default();
    match r {
        Ok(v) => Ok(ProfilePage {
            page: Page::new(&ctx, "profile-title"),
            id_number,
            f: RegisterForm {
                full_name: v.user.full_name,
                email: v.user.email.unwrap_or_default(),
                phone: v.user.phone.unwrap_or_default(),
                address: v.profile.address.unwrap_or_default(),
                ..RegisterForm::default()
            },
            saved: true,
            error: None,
        }
        .into_response()),
        Err(e) if shown(&e) => Ok((
            status_of(&e),
            ProfilePage {
                page: Page::new(&ctx, "profile-title"),
                id_number,
                f,
                saved: false,
                error: Some(error_text(ctx.lang, &e)),
            },
        )
            .into_response()),
        Err(e) => Err(WebError(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Online submission: one question per page

/// The wizard's pages for a procedure: the applicant, then one page per document, then the
/// check page.
#[derive(Template, WebTemplate)]
#[template(path = "submit_step.html")]
pub struct StepPage {
    pub page: Page,
    pub code: String,
    pub procedure: String,
    /// 1-based step; `total` = applicant + documents; `total + 1` is the check page.
    pub step: usize,
    pub total: usize,
    pub applicant: Vec<(String, String, String, String)>,
    pub document: String,
    pub document_note: String,
    pub current_file: Option<String>,
    pub summary_applicant: Vec<(String, String)>,
    pub summary_documents: Vec<(usize, String, String)>,
    pub error: Option<String>,
}

fn draft_str(d: &Value, path: &[&str]) -> String {
    let mut v = d;
    for p in path {
        v = &v[*p];
    }
    v.as_str().unwrap_or_default().to_owned()
}

async fn load_draft(st: &AppState, ctx: &Ctx, code: &str) -> WebResult<Value> {
    let actor = ctx.user()?;
    let draft = portal::draft(&st.app, actor, code).await?;
    Ok(match draft {
        Some(d) => d,
        None => {
            let a = applicant_from(st, actor, &HashMap::new()).await?;
            json!({"applicant": {
                "name": a.name, "id_number": a.id_number, "phone": a.phone,
                "email": a.email, "address": a.address,
            }, "files": {}})
        }
    })
}

const APPLICANT_FIELDS: [(&str, &str, &str); 5] = [
    ("name", "users-full-name", "text"),
    ("id_number", "dossier-id-number", "text"),
    ("phone", "dossier-phone", "tel"),
    ("email", "dossier-email", "email"),
    ("address", "dossier-address", "text"),
];

async fn step_page(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    step: usize,
    error: Option<String>,
) -> WebResult<Response> {
    let spec = congso_app::catalogue::published_spec(&st.app, code).await?;
    if spec.online == congso_domain::procedure::OnlineLevel::None {
        return Err(AppError::new(ErrorCode::ChannelNotOffered)
            .with_detail("online")
            .into());
    }
    let draft = load_draft(st, ctx, code).await?;
    let t = crate::i18n::messages(ctx.lang);
    let total = spec.documents.len() + 1;
    let step = step.clamp(1, total + 1);
    let mut page = StepPage {
        page: Page::new(ctx, "sub-title"),
        code: code.to_owned(),
        procedure: spec.name.clone(),
        step,
        total,
        applicant: vec![],
        document: String::new(),
        document_note: String::new(),
        current_file: None,
        summary_applicant: vec![],
        summary_documents: vec![],
        error,
    };
    page.page.title = format!("{} — {}", t.get("sub-title"), spec.name);
    if step == 1 {
        page.applicant = APPLICANT_FIELDS
            .iter()
            .map(|(k, label, kind)| {
                (
                    (*k).to_owned(),
                    t.get(label).to_owned(),
                    (*kind).to_owned(),
                    draft_str(&draft, &["applicant", k]),
                )
            })
            .collect();
    } else if step <= total {
        let doc = &spec.documents[step - 2];
        page.document = doc.name.clone();
        page.document_note = t.fmt(
            "sub-doc-counts",
            &[
                ("originals", &doc.originals.to_string()),
                ("copies", &doc.copies.to_string()),
            ],
        );
        let f = draft_str(&draft, &["files", &doc.name, "file_name"]);
        page.current_file = Some(f).filter(|f| !f.is_empty());
    } else {
        page.summary_applicant = APPLICANT_FIELDS
            .iter()
            .map(|(k, label, _)| {
                (
                    t.get(label).to_owned(),
                    draft_str(&draft, &["applicant", k]),
                )
            })
            .collect();
        page.summary_documents = spec
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    i + 2,
                    d.name.clone(),
                    draft_str(&draft, &["files", &d.name, "file_name"]),
                )
            })
            .collect();
    }
    let status = if page.error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

pub async fn submit_step(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    ctx.user()?;
    let step = q.get("buoc").and_then(|s| s.parse().ok()).unwrap_or(1);
    step_page(&st, &ctx, &code, step, None).await
}

/// Saves one page of the wizard (multipart: a document page carries a file) and moves on, or
/// submits from the check page.
pub async fn submit_step_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mp: Multipart,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    let parts = read_parts(mp).await?;
    let step: usize = parts
        .fields
        .get("step")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let spec = congso_app::catalogue::published_spec(&st.app, &code).await?;
    let total = spec.documents.len() + 1;
    let mut draft = load_draft(&st, &ctx, &code).await?;
    if step == 1 {
        for (k, _, _) in APPLICANT_FIELDS {
            draft["applicant"][k] = json!(
                parts
                    .fields
                    .get(k)
                    .map(|s| s.trim().to_owned())
                    .unwrap_or_default()
            );
        }
        if draft_str(&draft, &["applicant", "name"]).is_empty() {
            portal::save_draft(&st.app, &actor, &code, &draft).await?;
            let t = crate::i18n::messages(ctx.lang);
            return step_page(
                &st,
                &ctx,
                &code,
                1,
                Some(t.get("sub-name-required").to_owned()),
            )
            .await;
        }
    } else if step <= total {
        let doc = spec.documents[step - 2].name.clone();
        match parts.files.into_iter().next() {
            Some(file) => match portal::store_draft_file(&st.app, file.bytes).await {
                Ok(stored) => {
                    if !draft["files"].is_object() {
                        draft["files"] = json!({});
                    }
                    draft["files"][doc.as_str()] = json!({
                        "key": stored.key,
                        "file_name": congso_files::safe_file_name(&file.file_name, stored.kind),
                        "size": stored.size,
                    });
                }
                Err(e) => {
                    let m = error_text(ctx.lang, &e);
                    return Ok((
                        status_of(&e),
                        step_page(&st, &ctx, &code, step, Some(m)).await?,
                    )
                        .into_response());
                }
            },
            None if draft["files"][doc.as_str()]["key"].is_string() => {}
            None => {
                let t = crate::i18n::messages(ctx.lang);
                return step_page(
                    &st,
                    &ctx,
                    &code,
                    step,
                    Some(t.get("sub-file-required").to_owned()),
                )
                .await;
            }
        }
    } else {
        // The check page: submit.
        let mut uploads = vec![];
        for d in &spec.documents {
            let key = draft_str(&draft, &["files", &d.name, "key"]);
            if key.is_empty() {
                let t = crate::i18n::messages(ctx.lang);
                let m = format!("{} ({})", t.get("sub-file-required"), d.name);
                return step_page(&st, &ctx, &code, total + 1, Some(m)).await;
            }
            let bytes = st
                .app
                .files
                .get(&key)
                .await
                .map_err(|e| WebError(AppError::internal(anyhow::anyhow!(e.to_string()))))?;
            uploads.push(Upload {
                document_name: d.name.clone(),
                file_name: draft_str(&draft, &["files", &d.name, "file_name"]),
                bytes,
            });
        }
        let fields: HashMap<String, String> = APPLICANT_FIELDS
            .iter()
            .map(|(k, _, _)| ((*k).to_owned(), draft_str(&draft, &["applicant", k])))
            .collect();
        let applicant = applicant_from(&st, &actor, &fields).await?;
        return match portal::submit_online(&st.app, &actor, &code, applicant, uploads).await {
            Ok(v) => Ok(Redirect::to(&format!("/ho-so-cua-toi/{}?moi=1", v.code)).into_response()),
            Err(e) if shown(&e) => {
                let m = error_text(ctx.lang, &e);
                step_page(&st, &ctx, &code, total + 1, Some(m)).await
            }
            Err(e) => Err(WebError(e)),
        };
    }
    portal::save_draft(&st.app, &actor, &code, &draft).await?;
    Ok(Redirect::to(&format!("/nop-truc-tuyen/{code}?buoc={}", step + 1)).into_response())
}

// ---------------------------------------------------------------------------------------------
// My dossiers

#[derive(Template, WebTemplate)]
#[template(path = "my_dossiers.html")]
pub struct MyDossiersPage {
    pub page: Page,
    pub welcome: bool,
    /// code, procedure, status, submitted, appointment
    pub rows: Vec<(String, String, String, String, String)>,
    /// procedure code, procedure name (drafts in progress)
    pub drafts: Vec<(String, String)>,
}

pub async fn my_dossiers(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<MyDossiersPage> {
    let actor = ctx.user()?;
    let rows = portal::my_dossiers(&st.app, actor)
        .await?
        .iter()
        .map(|r| {
            let l = crate::api::portal::line_dto(r);
            (
                r.code.clone(),
                r.procedure_name.clone(),
                l.status.name,
                when(r.submitted_at.or(r.received_at)),
                when(r.due_at.or(r.appointment_at)),
            )
        })
        .collect();
    let drafts = portal::drafts(&st.app, actor).await?;
    Ok(MyDossiersPage {
        page: Page::new(&ctx, "my-title"),
        welcome: q.contains_key("moi"),
        rows,
        drafts,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "my_dossier.html")]
pub struct MyDossierPage {
    pub page: Page,
    pub code: String,
    pub procedure: String,
    pub status: String,
    pub submitted: String,
    pub received: String,
    pub appointment: String,
    pub result: Option<String>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub awaiting_supplement: bool,
    pub supplement_reason: Option<String>,
    pub may_withdraw: bool,
    pub may_rate: bool,
    pub rating: Option<String>,
    /// id, purpose label, document, file name, size
    pub files: Vec<(String, String, String, String, String)>,
    pub result_file: Option<(String, String)>,
    /// time, step, unit
    pub steps: Vec<(String, String, String)>,
}

fn size_text(n: i64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1024.0 / 1024.0).replace('.', ",")
    } else {
        format!("{} KB", (n + 1023) / 1024)
    }
}

async fn my_dossier_page(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<MyDossierPage> {
    let actor = ctx.user()?;
    let lang = ctx.lang;
    let t = crate::i18n::messages(lang);
    let (d, files, rating) = portal::my_dossier(&st.app, actor, code).await?;
    let supplement_reason = d
        .events
        .iter()
        .rev()
        .find(|e| e.action == "request_supplement")
        .and_then(|e| e.note.clone());
    Ok(MyDossierPage {
        page: Page::new(ctx, "my-dossier-title"),
        code: d.code.clone(),
        procedure: d.procedure_name.clone(),
        status: d.status.name.clone(),
        submitted: when(d.row.submitted_at),
        received: when(d.received_at),
        appointment: when(d.due_at.or(d.appointment_at)),
        result: d
            .result
            .as_deref()
            .map(|r| t.get(&format!("result-{r}")).to_owned()),
        notice,
        error,
        awaiting_supplement: d.status.state == "awaiting_supplement",
        supplement_reason,
        may_withdraw: d.actions.iter().any(|a| a == "withdraw"),
        may_rate: rating.is_none() && matches!(d.status.state.as_str(), "finished" | "returned"),
        rating: rating.map(|r| t.get(&format!("rate-{}", r.rating)).to_owned()),
        result_file: files
            .iter()
            .find(|f| f.purpose == "result")
            .map(|f| (f.id.to_string(), f.file_name.clone())),
        files: files
            .iter()
            .map(|f| {
                (
                    f.id.to_string(),
                    t.get(&format!("file-{}", f.purpose)).to_owned(),
                    f.document_name.clone(),
                    f.file_name.clone(),
                    size_text(f.size_bytes),
                )
            })
            .collect(),
        steps: d
            .events
            .iter()
            .map(|e| {
                (
                    format_datetime_vi(e.at.get()),
                    action_label(&e.action, t, lang),
                    e.unit.clone().unwrap_or_default(),
                )
            })
            .collect(),
    })
}

pub async fn my_dossier(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<MyDossierPage> {
    let t = crate::i18n::messages(ctx.lang);
    let notice = q.get("ok").map(|k| t.get(&format!("my-ok-{k}")).to_owned());
    let notice = notice.or_else(|| {
        q.contains_key("moi")
            .then(|| t.get("my-ok-submitted").to_owned())
    });
    my_dossier_page(&st, &ctx, &code, notice, None).await
}

/// Answers a supplement request from the page (multipart with the files).
pub async fn my_supplement(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mp: Multipart,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let parts = read_parts(mp).await?;
    match portal::supplement_online(&st.app, actor, &code, parts.files).await {
        Ok(_) => Ok(Redirect::to(&format!("/ho-so-cua-toi/{code}?ok=supplement")).into_response()),
        Err(e) if shown(&e) && e.code != ErrorCode::DossierNotFound => {
            let m = error_text(ctx.lang, &e);
            Ok((
                status_of(&e),
                my_dossier_page(&st, &ctx, &code, None, Some(m)).await?,
            )
                .into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RateForm {
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub comment: String,
}

pub async fn my_rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<RateForm>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    match portal::rate(&st.app, actor, &code, &f.rating, Some(&f.comment)).await {
        Ok(_) => Ok(Redirect::to(&format!("/ho-so-cua-toi/{code}?ok=rated")).into_response()),
        Err(e) if shown(&e) && e.code != ErrorCode::DossierNotFound => {
            let m = error_text(ctx.lang, &e);
            Ok((
                status_of(&e),
                my_dossier_page(&st, &ctx, &code, None, Some(m)).await?,
            )
                .into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

pub async fn my_withdraw(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    // Own dossiers only on this path.
    portal::ensure_own(&st.app, actor, &code).await?;
    let input = ActionInput {
        action: "withdraw".to_owned(),
        reason: Some("Công dân rút hồ sơ trực tuyến".to_owned()),
        ..ActionInput::default()
    };
    dossiers::act(&st.app, actor, &code, input).await?;
    Ok(Redirect::to(&format!("/ho-so-cua-toi/{code}?ok=withdrawn")).into_response())
}

/// A file of the citizen's own dossier.
pub async fn my_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((code, id)): Path<(String, String)>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let id = file_id(&id)?;
    let (row, bytes) = portal::own_attachment(&st.app, actor, &code, id).await?;
    Ok(crate::api::portal::attachment_response(
        &row.file_name,
        &row.content_type,
        bytes,
    ))
}

/// A file of a dossier for its officers (`/dossiers/{code}/tep/{id}`).
pub async fn officer_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((code, id)): Path<(String, String)>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let id = file_id(&id)?;
    let (row, bytes) = portal::attachment(&st.app, actor, &code, id).await?;
    Ok(crate::api::portal::attachment_response(
        &row.file_name,
        &row.content_type,
        bytes,
    ))
}

// ---------------------------------------------------------------------------------------------
// Notifications

#[derive(Template, WebTemplate)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub page: Page,
    /// time, title, body, dossier code, unread
    pub items: Vec<(String, String, String, String, bool)>,
}

pub async fn notifications(State(st): State<AppState>, ctx: Ctx) -> WebResult<NotificationsPage> {
    let actor = ctx.user()?;
    let (list, _) = portal::notifications(&st.app, actor).await?;
    Ok(NotificationsPage {
        page: Page::new(&ctx, "notes-title"),
        items: list
            .into_iter()
            .map(|n| {
                (
                    format_datetime_vi(n.created_at.get()),
                    n.title,
                    n.body,
                    n.dossier_code.unwrap_or_default(),
                    n.read_at.is_none(),
                )
            })
            .collect(),
    })
}

/// The officer finishes a dossier with the electronic result attached (multipart form of the
/// dossier page).
pub async fn officer_finish(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mp: Multipart,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let parts = read_parts(mp).await?;
    let input = ActionInput {
        action: "finish".to_owned(),
        note: parts.fields.get("note").cloned(),
        ..ActionInput::default()
    };
    match portal::finish_with_result(&st.app, actor, &code, input, parts.files.into_iter().next())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/can-bo/ho-so/{code}?ok=finish")).into_response()),
        Err(e) if shown(&e) && e.code != ErrorCode::DossierNotFound => {
            let m = error_text(ctx.lang, &e);
            Ok((
                status_of(&e),
                super::desk::dossier_page(&st, &ctx, &code, None, Some(m)).await?,
            )
                .into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

fn file_id(s: &str) -> WebResult<uuid::Uuid> {
    uuid::Uuid::parse_str(s.trim()).map_err(|_| WebError::from(ErrorCode::NotFound))
}
