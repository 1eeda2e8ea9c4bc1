//! Login with OpenID Connect (the province's SSO, a VNeID-style provider).
//!
//! - `GET /dang-nhap/oidc?next=/…` sends the browser to the provider with a fresh `state`, `nonce`
//!   and PKCE verifier, kept until the callback in the `congso_oidc` cookie: HttpOnly,
//!   SameSite=Lax (sent on the provider's top-level redirect back), 10 minutes, and signed with
//!   the server key so it cannot be forged or edited (its age is checked against the server's
//!   clock too). `next` must be a local path.
//! - `GET /dang-nhap/oidc/callback?code&state` checks the state against the cookie, exchanges the
//!   code, verifies the ID token (`congso-oidc`), then logs in through
//!   `congso_app::oidc::login_with_identity` and sets the session cookie as the password login
//!   does. Every outcome clears the `congso_oidc` cookie; failures are a page with a stable code.
//!
//! Without an `[oidc]` configuration both routes answer 404.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use congso_app::oidc::{IdentityClaims, login_with_identity};
use congso_domain::ErrorCode;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::auth::{NextQuery, origin};
use super::{encode_component, error_page, safe_next};
use crate::cookies;
use crate::ctx::{Ctx, Peer};
use crate::error::{WebError, WebResult};
use crate::i18n::messages;
use crate::state::AppState;

/// How long a login may take at the provider.
pub const PENDING_SECONDS: i64 = 10 * 60;

/// A login in progress, kept in the signed cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    /// `state`
    s: String,
    /// `nonce`
    n: String,
    /// PKCE verifier
    v: String,
    /// Where to go afterwards (a local path).
    next: Option<String>,
    /// Issued at (Unix seconds, server clock).
    t: i64,
}

fn mac(key: &[u8]) -> Option<Hmac<Sha256>> {
    let mut m = Hmac::<Sha256>::new_from_slice(key).ok()?;
    m.update(b"oidc-pending\0");
    Some(m)
}

/// `base64url(json).base64url(HMAC-SHA256(key, "oidc-pending\0" ‖ first part))`.
fn seal(key: &[u8], p: &Pending) -> Option<String> {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(p).ok()?);
    let mut m = mac(key)?;
    m.update(body.as_bytes());
    Some(format!(
        "{body}.{}",
        URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
    ))
}

/// The pending login of a cookie value, if its signature holds and it is not older than
/// [`PENDING_SECONDS`] at `now` (Unix seconds).
fn unseal(key: &[u8], value: &str, now: i64) -> Option<Pending> {
    let (body, tag) = value.split_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    let mut m = mac(key)?;
    m.update(body.as_bytes());
    m.verify_slice(&tag).ok()?;
    let p: Pending = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
    (0..=PENDING_SECONDS).contains(&(now - p.t)).then_some(p)
}

/// The login page's button: (text, link), when OpenID Connect is configured.
pub fn login_button(st: &AppState, ctx: &Ctx, next: &str) -> Option<(String, String)> {
    let cfg = st.web.oidc.as_ref()?;
    st.oidc.as_ref()?;
    let label = cfg
        .label
        .clone()
        .unwrap_or_else(|| messages(ctx.lang).get("login-oidc").to_owned());
    let href = if next.is_empty() {
        "/dang-nhap/oidc".to_owned()
    } else {
        format!("/dang-nhap/oidc?next={}", encode_component(next))
    };
    Some((label, href))
}

fn provider_error(e: congso_oidc::Error) -> ErrorCode {
    match e {
        congso_oidc::Error::Config(_) => {
            tracing::error!(error = %e, "OpenID Connect misconfigured");
            ErrorCode::Internal
        }
        congso_oidc::Error::Unavailable(_) => {
            tracing::warn!(error = %e, "OpenID Connect provider unavailable");
            ErrorCode::OidcUnavailable
        }
        congso_oidc::Error::Rejected(_) => {
            tracing::warn!(error = %e, "OpenID Connect login rejected");
            ErrorCode::OidcTokenInvalid
        }
    }
}

fn set_cookie(resp: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// `GET /dang-nhap/oidc?next=…`: 303 to the provider's authorization endpoint.
pub async fn start(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> WebResult<Response> {
    let provider = st.oidc.clone().ok_or(ErrorCode::NotFound)?;
    // Kept in the cookie: a path of any sensible length (cookies hold about 4 KB).
    let next = safe_next(q.next.as_deref()).filter(|n| n.len() <= 1024);
    if ctx.actor.is_some() {
        return Ok(Redirect::to(next.as_deref().unwrap_or("/")).into_response());
    }
    let auth = provider.begin().await.map_err(provider_error)?;
    let pending = Pending {
        s: auth.state,
        n: auth.nonce,
        v: auth.pkce_verifier,
        next,
        t: st.app.now().get().unix_timestamp(),
    };
    let value = seal(&st.key, &pending).ok_or(ErrorCode::Internal)?;
    let mut resp = Redirect::to(&auth.url).into_response();
    set_cookie(
        &mut resp,
        &cookies::set(
            cookies::OIDC,
            &value,
            Some(PENDING_SECONDS),
            st.web.secure_cookies,
        ),
    );
    Ok(resp)
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// `GET /dang-nhap/oidc/callback?code&state`: verifies, logs in, 303 to `next`.
pub async fn callback(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    peer: Peer,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(provider) = st.oidc.clone() else {
        return WebError::from(ErrorCode::NotFound).into_response();
    };
    let secure = st.web.secure_cookies;
    let clear = cookies::set(cookies::OIDC, "", Some(0), secure);
    // Rendered here rather than through `render_errors` so that the cookie is cleared too.
    let fail = |code: ErrorCode, detail: Option<&str>| -> Response {
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, error_page(&ctx, code, detail)).into_response();
        set_cookie(&mut resp, &clear);
        resp
    };
    let now = st.app.now().get();
    let pending = cookies::get(&headers, cookies::OIDC)
        .and_then(|v| unseal(&st.key, &v, now.unix_timestamp()));

    if let Some(err) = &q.error {
        tracing::info!(error = %err, description = ?q.error_description, "identity provider returned an error");
        // The provider's code (e.g. access_denied) helps support; only a plain token is shown.
        let shown = Some(err.as_str())
            .filter(|e| e.len() <= 64 && e.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        return fail(ErrorCode::OidcProviderError, shown);
    }
    let Some(pending) = pending else {
        tracing::info!("OpenID Connect callback without a valid pending login");
        return fail(ErrorCode::OidcStateInvalid, None);
    };
    let state_ok = q
        .state
        .as_deref()
        .is_some_and(|s| bool::from(s.as_bytes().ct_eq(pending.s.as_bytes())));
    if !state_ok {
        tracing::warn!("OpenID Connect callback with a wrong state");
        return fail(ErrorCode::OidcStateInvalid, None);
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) else {
        return fail(ErrorCode::OidcProviderError, None);
    };
    let identity = match provider
        .finish(code, &pending.v, &pending.n, now.into())
        .await
    {
        Ok(i) => i,
        Err(e) => return fail(provider_error(e), None),
    };
    let claims = IdentityClaims {
        name: identity.name,
        given_name: identity.given_name,
        family_name: identity.family_name,
        preferred_username: identity.preferred_username,
        email: identity.email,
        email_verified: identity.email_verified,
        phone: identity.phone,
        phone_verified: identity.phone_verified,
    };
    let origin = origin(&headers, peer.0);
    match login_with_identity(
        &st.app,
        &identity.issuer,
        &identity.subject,
        &claims,
        &origin,
    )
    .await
    {
        Ok((session, actor)) => {
            let default = if actor.is_staff() { "/can-bo" } else { "/" };
            let target = pending.next.unwrap_or_else(|| default.to_owned());
            let mut resp = Redirect::to(&target).into_response();
            set_cookie(
                &mut resp,
                &cookies::set(cookies::SESSION, &session.token, None, secure),
            );
            set_cookie(&mut resp, &clear);
            resp
        }
        Err(e) => {
            if e.code == ErrorCode::Internal {
                tracing::error!(error = %e, "OpenID Connect login failed");
            }
            fail(e.code, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(t: i64) -> Pending {
        Pending {
            s: "state".into(),
            n: "nonce".into(),
            v: "verifier".into(),
            next: Some("/can-bo".into()),
            t,
        }
    }

    #[test]
    fn the_pending_cookie_is_signed_and_expires() {
        let key = b"0123456789abcdef0123456789abcdef";
        let v = seal(key, &pending(1_000)).expect("seal");
        assert_eq!(unseal(key, &v, 1_000), Some(pending(1_000)));
        assert_eq!(
            unseal(key, &v, 1_000 + PENDING_SECONDS),
            Some(pending(1_000))
        );
        assert_eq!(unseal(key, &v, 1_001 + PENDING_SECONDS), None, "too old");
        assert_eq!(unseal(key, &v, 999), None, "from the future");
        assert_eq!(unseal(b"another key", &v, 1_000), None, "other key");
        // An edited body (another next) fails the signature.
        let (_, tag) = v.split_once('.').expect("dot");
        let mut forged = pending(1_000);
        forged.next = Some("/quan-tri".into());
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).expect("json"));
        assert_eq!(unseal(key, &format!("{body}.{tag}"), 1_000), None);
        assert_eq!(unseal(key, "garbage", 1_000), None);
    }
}
