//! Minimal cookie reading and `Set-Cookie` building (no extra dependency).

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

/// The session cookie (a random token; the database keeps its SHA-256).
pub const SESSION: &str = "congso_sid";
/// An anonymous visitor id that anchors the CSRF token before login.
pub const ANON: &str = "congso_anon";
/// The chosen interface language.
pub const LANG: &str = "congso_lang";
/// An OpenID Connect login in progress (state, nonce, PKCE verifier, next; signed, 10 minutes).
pub const OIDC: &str = "congso_oidc";

/// The value of cookie `name`, if present.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, path `/`, `Secure` when asked. `max_age`
/// `None` makes a browser-session cookie; `Some(0)` deletes the cookie.
pub fn set(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> String {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_among_several() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1; congso_sid=abc"));
        h.append(COOKIE, HeaderValue::from_static("congso_lang=en"));
        assert_eq!(get(&h, SESSION).as_deref(), Some("abc"));
        assert_eq!(get(&h, LANG).as_deref(), Some("en"));
        assert_eq!(get(&h, ANON), None);
        assert_eq!(
            set("x", "y", Some(0), true),
            "x=y; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
        );
    }
}
