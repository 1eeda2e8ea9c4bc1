//! The request context: who is calling (session cookie or bearer token), in which language, and
//! the CSRF token bound to them; plus the middleware that builds it, checks CSRF and renders
//! errors.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use congso_app::{Actor, auth};
use congso_domain::{ErrorCode, Lang};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::cookies;
use crate::error::{ErrorInfo, WebError, code_for_status, error_response};
use crate::state::AppState;

/// How the caller authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    Anonymous,
    Session,
    Bearer,
}

/// Everything a handler needs to know about the caller.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Option<Actor>,
    pub auth: AuthKind,
    pub lang: Lang,
    /// The CSRF token to put in forms (empty for bearer clients).
    pub csrf_token: String,
    pub request_id: String,
    /// The request path (for "next" links and the active menu).
    pub path: String,
}

impl Ctx {
    /// The actor, or `unauthenticated`.
    pub fn user(&self) -> Result<&Actor, WebError> {
        self.actor
            .as_ref()
            .ok_or(WebError::from(ErrorCode::Unauthenticated))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
            WebError(congso_app::AppError::internal(anyhow::anyhow!(
                "no request context"
            )))
        })
    }
}

/// The CSRF token bound to a session or anonymous id: HMAC-SHA256(key, binding).
pub fn csrf_token(key: &[u8], binding: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"csrf\0");
    mac.update(binding.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/open311/") || path == "/metrics"
}

fn bearer(parts: &axum::http::HeaderMap) -> Option<String> {
    let v = parts.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Builds the [`Ctx`] of each request.
pub async fn context(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    let path = req.uri().path().to_owned();
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let lang = cookies::get(headers, cookies::LANG)
        .and_then(|l| Lang::parse(&l))
        .or_else(|| {
            // API clients may ask for English messages; pages stay Vietnamese unless switched.
            is_api_path(&path)
                .then(|| headers.get(header::ACCEPT_LANGUAGE))
                .flatten()
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let mut ctx = Ctx {
        actor: None,
        auth: AuthKind::Anonymous,
        lang,
        csrf_token: String::new(),
        request_id,
        path,
    };
    let mut set_cookies: Vec<String> = vec![];
    let secure = st.web.secure_cookies;

    if let Some(token) = bearer(headers) {
        match auth::token_actor(&st.app, &token).await {
            Ok(Some(actor)) => {
                ctx.actor = Some(actor);
                ctx.auth = AuthKind::Bearer;
            }
            Ok(None) => return with_ctx(error_response(ErrorCode::InvalidToken, None, None), ctx),
            Err(e) => return with_ctx(WebError(e).into_response(), ctx),
        }
    } else {
        let mut binding = None;
        if let Some(token) = cookies::get(headers, cookies::SESSION) {
            match auth::session_actor(&st.app, &token).await {
                Ok(Some(actor)) => {
                    ctx.actor = Some(actor);
                    ctx.auth = AuthKind::Session;
                    binding = Some(token);
                }
                Ok(None) => set_cookies.push(cookies::set(cookies::SESSION, "", Some(0), secure)),
                Err(e) => return with_ctx(WebError(e).into_response(), ctx),
            }
        }
        let binding = match binding {
            Some(b) => Some(b),
            None => match cookies::get(headers, cookies::ANON) {
                Some(anon) => Some(anon),
                // API clients never submit forms: no anonymous cookie for them.
                None if is_api_path(&ctx.path) => None,
                None => {
                    let anon = congso_app::secrets::random_token();
                    set_cookies.push(cookies::set(cookies::ANON, &anon, None, secure));
                    Some(anon)
                }
            },
        };
        if let Some(binding) = binding {
            ctx.csrf_token = csrf_token(&st.key, &binding);
        }
    }
    req.extensions_mut().insert(ctx.clone());
    let mut resp = next.run(req).await;
    for c in set_cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    with_ctx(resp, ctx)
}

fn with_ctx(mut resp: Response, ctx: Ctx) -> Response {
    resp.extensions_mut().insert(ctx);
    resp
}

/// Refuses state-changing requests that do not carry the caller's CSRF token (form field
/// `csrf_token` or header `X-CSRF-Token`). Exempt: bearer-token clients, and JSON requests that
/// carry no session cookie (a browser cannot send cross-site JSON without a CORS preflight, which
/// we never allow). Cross-site requests (`Sec-Fetch-Site: cross-site`) are always refused.
pub async fn csrf(State(st): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let Some(ctx) = req.extensions().get::<Ctx>().cloned() else {
        return error_response(ErrorCode::Internal, None, None);
    };
    if ctx.auth == AuthKind::Bearer {
        return next.run(req).await;
    }
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site")
    {
        return error_response(ErrorCode::CsrfFailed, None, None);
    }
    // The multipart boundary is case-sensitive: keep the header as sent for parsing.
    let raw_content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let content_type = raw_content_type.to_ascii_lowercase();
    let has_session = cookies::get(headers, cookies::SESSION).is_some();
    if content_type.starts_with("application/json") && !has_session {
        return next.run(req).await;
    }
    let header_token = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (parts, body) = req.into_parts();
    let limit = if content_type.starts_with("multipart/form-data") {
        st.web.max_upload_bytes
    } else {
        st.web.max_body_bytes
    };
    let bytes = match to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return error_response(ErrorCode::PayloadTooLarge, None, None),
    };
    let presented = match header_token {
        Some(t) => Some(t),
        None if content_type.starts_with("application/x-www-form-urlencoded") => {
            form_urlencoded_field(&bytes, "csrf_token")
        }
        None if content_type.starts_with("multipart/form-data") => {
            multipart_field(&raw_content_type, bytes.clone(), "csrf_token").await
        }
        None => None,
    };
    let ok = !ctx.csrf_token.is_empty()
        && presented.is_some_and(|p| bool::from(p.as_bytes().ct_eq(ctx.csrf_token.as_bytes())));
    if !ok {
        tracing::warn!(path = %ctx.path, "CSRF token missing or wrong");
        return error_response(ErrorCode::CsrfFailed, None, None);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn form_urlencoded_field(bytes: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

async fn multipart_field(
    content_type: &str,
    bytes: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    let req = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .ok()?;
    let mut mp = Multipart::from_request(req, &()).await.ok()?;
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// Turns error responses into a JSON body (API) or an HTML page (people). Runs outside
/// [`context`], reading the context from the response.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let wants_json = is_api_path(&path)
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.starts_with("application/json"));
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let ctx = resp.extensions().get::<Ctx>().cloned();
    let info = match resp.extensions().get::<ErrorInfo>().cloned() {
        Some(i) => i,
        None => {
            let is_text = resp
                .headers()
                .get(header::CONTENT_TYPE)
                .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
            match code_for_status(status) {
                Some(code) if is_text => {
                    let (_, body) = resp.into_parts();
                    let detail = to_bytes(body, 2048)
                        .await
                        .ok()
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .filter(|s| !s.is_empty());
                    return finish(
                        status,
                        ErrorInfo { code, detail },
                        ctx,
                        wants_json,
                        None,
                        &path,
                        query,
                    );
                }
                _ => return resp,
            }
        }
    };
    let retry = resp.headers().get(header::RETRY_AFTER).cloned();
    finish(status, info, ctx, wants_json, retry, &path, query)
}

fn finish(
    status: StatusCode,
    info: ErrorInfo,
    ctx: Option<Ctx>,
    wants_json: bool,
    retry: Option<HeaderValue>,
    path: &str,
    query: Option<String>,
) -> Response {
    let lang = ctx.as_ref().map(|c| c.lang).unwrap_or_default();
    let request_id = ctx
        .as_ref()
        .map(|c| c.request_id.clone())
        .unwrap_or_default();
    let mut resp = if wants_json {
        let mut body = serde_json::json!({
            "error": info.code.as_str(),
            "message": info.code.message(lang),
            "request_id": request_id,
        });
        if let Some(d) = &info.detail
            && info.code != ErrorCode::Internal
        {
            body["detail"] = serde_json::Value::String(d.clone());
        }
        (status, axum::Json(body)).into_response()
    } else if info.code == ErrorCode::Unauthenticated {
        let next = match query {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        };
        let target = format!("/dang-nhap?next={}", crate::pages::encode_component(&next));
        Redirect::to(&target).into_response()
    } else {
        let ctx = ctx.unwrap_or(Ctx {
            actor: None,
            auth: AuthKind::Anonymous,
            lang,
            csrf_token: String::new(),
            request_id: request_id.clone(),
            path: path.to_owned(),
        });
        (
            status,
            crate::pages::error_page(&ctx, info.code, info.detail.as_deref()),
        )
            .into_response()
    };
    if let Some(r) = retry {
        resp.headers_mut().insert(header::RETRY_AFTER, r);
    }
    resp
}

/// The client's socket address, when the server was started with connect info (absent in
/// in-process tests).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}
