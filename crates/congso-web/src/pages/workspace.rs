//! The officer workspace (the unified inbox arrives with the one-stop desk).

use askama::Template;
use askama_web::WebTemplate;
use congso_domain::{ErrorCode, Lang};

use super::Page;
use crate::ctx::Ctx;
use crate::error::WebResult;

#[derive(Template, WebTemplate)]
#[template(path = "workspace.html")]
pub struct WorkspacePage {
    pub page: Page,
    pub lead: String,
    pub roles: Vec<(String, String)>,
}

pub async fn workspace(ctx: Ctx) -> WebResult<WorkspacePage> {
    let actor = ctx.user()?;
    if !actor.is_staff() {
        return Err(ErrorCode::Forbidden.into());
    }
    let page = Page::new(&ctx, "ws-title");
    let lead = page.t.fmt("ws-lead", &[("name", &actor.full_name)]);
    let roles = actor
        .grants
        .iter()
        .map(|g| {
            let role = match ctx.lang {
                Lang::Vi => g.role.label_vi(),
                Lang::En => g.role.label_en(),
            };
            let unit = match (&g.unit_name, &g.unit_code) {
                (Some(n), Some(c)) => format!("{n} ({c})"),
                _ => "—".to_owned(),
            };
            (role.to_owned(), unit)
        })
        .collect();
    Ok(WorkspacePage { page, lead, roles })
}
