//! HTML pages. Each page is an askama template extending `base.html`, whose shared fields live in
//! [`Page`]. Pages work without JavaScript.

pub mod admin;
pub mod admin_procedures;
pub mod auth;
pub mod calendar;
pub mod desk;
pub mod directives;
pub mod forms;
pub mod home;
pub mod oidc;
pub mod petitions;
pub mod portal;
pub mod procedures;
pub mod site_reports;
pub mod statistics;

use askama::Template;
use askama_web::WebTemplate;
use congso_domain::{ErrorCode, Lang, Permission};

use crate::ctx::Ctx;
use crate::i18n::{Messages, messages};

/// What every page's layout needs.
pub struct Page {
    pub t: &'static Messages,
    pub lang: &'static str,
    pub title: String,
    pub user_name: Option<String>,
    pub is_staff: bool,
    pub is_admin: bool,
    /// The Office and leaders see the directive dashboard.
    pub sees_directives: bool,
    /// Officers who handle petitions see the petitions inbox.
    pub handles_petitions: bool,
    pub csrf: String,
    pub path: String,
    pub path_enc: String,
}

impl Page {
    pub fn new(ctx: &Ctx, title_key: &str) -> Page {
        let t = messages(ctx.lang);
        Page {
            t,
            lang: ctx.lang.tag(),
            title: t.get(title_key).to_owned(),
            user_name: ctx.actor.as_ref().map(|a| a.full_name.clone()),
            is_staff: ctx.actor.as_ref().is_some_and(|a| a.is_staff()),
            is_admin: ctx.actor.as_ref().is_some_and(|a| {
                a.may_somewhere(Permission::UserManage) || a.may_somewhere(Permission::UnitManage)
            }),
            sees_directives: ctx.actor.as_ref().is_some_and(|a| {
                a.may_somewhere(Permission::DirectiveManage) || a.may_somewhere(Permission::Direct)
            }),
            handles_petitions: ctx
                .actor
                .as_ref()
                .is_some_and(|a| a.may_somewhere(Permission::PetitionHandle)),
            csrf: ctx.csrf_token.clone(),
            path: ctx.path.clone(),
            path_enc: encode_component(&ctx.path),
        }
    }

    pub fn lang(&self) -> Lang {
        self.t.lang()
    }
}

/// Percent-encodes a URL component (RFC 3986 unreserved characters stay).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An error's Vietnamese (or English) message with its detail, for the page that shows it again
/// with the form.
pub fn error_text(lang: Lang, e: &congso_app::AppError) -> String {
    let mut m = e.code.message(lang).to_owned();
    if let Some(d) = &e.detail
        && e.code != ErrorCode::Internal
    {
        m.push_str(&format!(" ({d})"));
    }
    m
}

/// Whether a page shows the error itself (with its form) rather than the error page.
pub fn error_shown(e: &congso_app::AppError) -> bool {
    !matches!(e.code, ErrorCode::Internal | ErrorCode::Unauthenticated)
}

/// The HTTP status of an error shown on a page.
pub fn error_status(e: &congso_app::AppError) -> axum::http::StatusCode {
    axum::http::StatusCode::from_u16(e.code.http_status())
        .unwrap_or(axum::http::StatusCode::BAD_REQUEST)
}

/// A safe local redirect target: a path on this site, never another origin.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?.trim();
    (n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.contains("://"))
        .then(|| n.to_owned())
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub page: Page,
    pub message: String,
    pub detail: Option<String>,
    pub code: &'static str,
    pub request_id: String,
}

/// The HTML error page.
pub fn error_page(ctx: &Ctx, code: ErrorCode, detail: Option<&str>) -> ErrorPage {
    let mut page = Page::new(ctx, "error-title");
    page.title = code.message(ctx.lang).to_owned();
    ErrorPage {
        page,
        message: code.message(ctx.lang).to_owned(),
        detail: detail
            .filter(|_| code != ErrorCode::Internal)
            .map(str::to_owned),
        code: code.as_str(),
        request_id: ctx.request_id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_targets_stay_on_site() {
        assert_eq!(
            safe_next(Some("/can-bo?x=1")).as_deref(),
            Some("/can-bo?x=1")
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "can-bo",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad}");
        }
        assert_eq!(encode_component("/a b?c=đ"), "/a%20b%3Fc%3D%C4%91");
    }
}
