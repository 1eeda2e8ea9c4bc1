//! The home page: what the portal offers.

use askama::Template;
use askama_web::WebTemplate;

use super::Page;
use crate::ctx::Ctx;

pub struct Part {
    pub title: &'static str,
    pub desc: &'static str,
    pub href: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub page: Page,
    pub parts: Vec<Part>,
}

/// The parts of the portal. A part gets a link once its pages exist.
const PARTS: &[(&str, &str, Option<&str>)] = &[
    ("part-procedures", "part-procedures-desc", Some("/thu-tuc")),
    ("part-online", "part-online-desc", None),
    ("part-track", "part-track-desc", Some("/tra-cuu")),
    ("part-onestop", "part-onestop-desc", Some("/can-bo")),
    ("part-directives", "part-directives-desc", None),
    ("part-petitions", "part-petitions-desc", None),
    ("part-stats", "part-stats-desc", Some("/thong-ke")),
    (
        "part-calendar",
        "part-calendar-desc",
        Some("/lich-lam-viec"),
    ),
];

pub async fn home(ctx: Ctx) -> HomePage {
    HomePage {
        page: Page::new(&ctx, "nav-home"),
        parts: PARTS
            .iter()
            .map(|(title, desc, href)| Part {
                title,
                desc,
                href: *href,
            })
            .collect(),
    }
}
