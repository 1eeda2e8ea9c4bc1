//! Login, logout and the language switch.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use congso_app::auth::{self, Origin};
use congso_domain::{ErrorCode, Lang};
use serde::Deserialize;

use super::{Page, safe_next};
use crate::cookies;
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub page: Page,
    pub error: Option<String>,
    pub username: String,
    pub next: String,
    /// The OpenID Connect button (text, link), when configured.
    pub oidc: Option<(String, String)>,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

pub async fn login_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> Response {
    if ctx.actor.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref()).unwrap_or_else(|| "/".into()))
            .into_response();
    }
    let next = safe_next(q.next.as_deref()).unwrap_or_default();
    LoginPage {
        page: Page::new(&ctx, "login-title"),
        error: None,
        username: String::new(),
        oidc: super::oidc::login_button(&st, &ctx, &next),
        next,
    }
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub next: Option<String>,
}

/// The client address: the socket peer, or the first `X-Forwarded-For` hop when the operator says
/// a proxy sets it (not yet configurable: the peer is used).
pub fn origin(headers: &HeaderMap, peer: Option<std::net::SocketAddr>) -> Origin {
    Origin {
        ip: peer.map(|p| p.ip().to_string()),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(300).collect()),
    }
}

pub async fn login_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    peer: crate::ctx::Peer,
    Form(form): Form<LoginForm>,
) -> Response {
    let origin = origin(&headers, peer.0);
    match auth::login(&st.app, &form.username, &form.password, &origin).await {
        Ok((session, actor)) => {
            let default = if actor.is_staff() { "/can-bo" } else { "/" };
            let target = safe_next(form.next.as_deref()).unwrap_or_else(|| default.to_owned());
            let mut resp = Redirect::to(&target).into_response();
            let cookie = cookies::set(
                cookies::SESSION,
                &session.token,
                None,
                st.web.secure_cookies,
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Err(e)
            if matches!(
                e.code,
                ErrorCode::InvalidCredentials
                    | ErrorCode::TooManyAttempts
                    | ErrorCode::AccountDisabled
            ) =>
        {
            let status =
                StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
            let next = safe_next(form.next.as_deref()).unwrap_or_default();
            let mut resp = (
                status,
                LoginPage {
                    page: Page::new(&ctx, "login-title"),
                    error: Some(e.code.message(ctx.lang).to_owned()),
                    username: form.username.chars().take(64).collect(),
                    oidc: super::oidc::login_button(&st, &ctx, &next),
                    next,
                },
            )
                .into_response();
            if let Some(secs) = e.retry_after
                && let Ok(v) = HeaderValue::from_str(&secs.to_string())
            {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
        Err(e) => crate::error::WebError(e).into_response(),
    }
}

pub async fn logout(State(st): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    if let Some(token) = cookies::get(&headers, cookies::SESSION) {
        auth::logout(&st.app, &token).await?;
    }
    let mut resp = Redirect::to("/").into_response();
    let cookie = cookies::set(cookies::SESSION, "", Some(0), st.web.secure_cookies);
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}

/// `GET /ngon-ngu/{vi|en}?next=…`: remembers the language in a cookie for a year.
pub async fn switch_language(
    State(st): State<AppState>,
    Path(lang): Path<String>,
    Query(q): Query<NextQuery>,
) -> WebResult<Response> {
    let lang = Lang::parse(&lang).ok_or(ErrorCode::NotFound)?;
    let mut resp =
        Redirect::to(&safe_next(q.next.as_deref()).unwrap_or_else(|| "/".into())).into_response();
    let cookie = cookies::set(
        cookies::LANG,
        lang.tag(),
        Some(365 * 24 * 3600),
        st.web.secure_cookies,
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(resp)
}
