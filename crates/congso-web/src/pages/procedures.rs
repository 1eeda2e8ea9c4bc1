//! `/thu-tuc` (search with filters; instant results with our small script, plain form without
//! JavaScript), `/thu-tuc/{code}` (every component of a procedure, printable), and
//! `/thu-tuc/danh-muc` (the directory by field and agency).

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use congso_app::catalogue::{self, Search};
use congso_domain::procedure::{ChannelKind, Level, Limit, LimitUnit, OnlineLevel, ProcedureSpec};
use congso_domain::time_vn::format_date_vi;
use congso_domain::{ErrorCode, Lang};
use serde::Deserialize;

use super::{Page, encode_component};
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::i18n::{Messages, messages};
use crate::state::AppState;

/// Thousands separated by dots, as Vietnamese writes money: 1.500.000.
pub fn format_vnd(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

pub fn limit_text(l: Limit, lang: Lang) -> String {
    let unit = match lang {
        Lang::Vi => l.unit.label_vi(),
        Lang::En => l.unit.label_en(),
    };
    format!("{} {unit}", l.value)
}

fn fee_text(fee: i64, t: &Messages) -> String {
    if fee == 0 {
        t.get("proc-free").to_owned()
    } else {
        format!("{} đồng", format_vnd(fee))
    }
}

pub fn level_label(level: &str, lang: Lang) -> String {
    Level::parse(level)
        .map(|l| match lang {
            Lang::Vi => l.label_vi(),
            Lang::En => l.label_en(),
        })
        .unwrap_or(level)
        .to_owned()
}

pub fn online_label(online: &str, lang: Lang) -> String {
    OnlineLevel::parse(online)
        .map(|o| match lang {
            Lang::Vi => o.label_vi(),
            Lang::En => o.label_en(),
        })
        .unwrap_or(online)
        .to_owned()
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub field: Option<String>,
    pub level: Option<String>,
    pub unit: Option<String>,
    pub online: Option<String>,
    pub trang: Option<String>,
}

pub struct Item {
    pub code: String,
    pub name: String,
    pub field: String,
    pub level: String,
    pub limit: String,
    pub online: String,
    pub unit: String,
}

#[derive(Template)]
#[template(path = "procedures_results.html")]
pub struct ResultsFragment {
    pub count_text: String,
    pub items: Vec<Item>,
    pub first_number: i64,
    pub pages: i64,
    pub page_text: String,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub prev_text: String,
    pub next_text: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "procedures.html")]
pub struct SearchPage {
    pub page: Page,
    pub q: String,
    pub field: String,
    pub level: String,
    pub unit: String,
    pub online: String,
    pub field_options: Vec<(String, String)>,
    pub unit_options: Vec<(String, String)>,
    pub level_options: Vec<(&'static str, String)>,
    pub online_options: Vec<(&'static str, String)>,
    pub results: ResultsFragment,
}

fn href(p: &SearchParams, page: i64) -> String {
    let mut parts = vec![];
    for (k, v) in [
        ("q", &p.q),
        ("field", &p.field),
        ("level", &p.level),
        ("unit", &p.unit),
        ("online", &p.online),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", encode_component(v)));
        }
    }
    if page > 1 {
        parts.push(format!("trang={page}"));
    }
    if parts.is_empty() {
        "/thu-tuc".to_owned()
    } else {
        format!("/thu-tuc?{}", parts.join("&"))
    }
}

pub async fn search_page(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(p): Query<SearchParams>,
) -> WebResult<Response> {
    let t = messages(ctx.lang);
    let page_no = p
        .trang
        .as_deref()
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 10_000);
    let partial = headers.contains_key("x-partial");
    let r = catalogue::search(
        &st.app,
        &Search {
            q: p.q.clone(),
            field: p.field.clone(),
            level: p.level.clone(),
            unit: p.unit.clone(),
            online: p.online.clone(),
            page: page_no,
            per_page: 20,
            prefix: partial,
            include_unpublished: false,
        },
    )
    .await?;
    let pages = ((r.total + r.per_page - 1) / r.per_page).max(1);
    let items = r
        .items
        .into_iter()
        .map(|h| {
            let limit = LimitUnit::parse(&h.limit_unit)
                .map(|unit| {
                    limit_text(
                        Limit {
                            value: h.limit_value,
                            unit,
                        },
                        ctx.lang,
                    )
                })
                .unwrap_or_default();
            Item {
                online: if h.online == "none" {
                    String::new()
                } else {
                    online_label(&h.online, ctx.lang)
                },
                level: level_label(&h.level, ctx.lang),
                code: h.code,
                name: h.name,
                field: h.field_name,
                limit,
                unit: h.unit_name,
            }
        })
        .collect::<Vec<_>>();
    let results = ResultsFragment {
        count_text: if r.total == 0 {
            t.get("proc-results-none").to_owned()
        } else {
            t.fmt("proc-results", &[("n", &r.total.to_string())])
        },
        first_number: (r.page - 1) * r.per_page + 1,
        items,
        pages,
        page_text: t.fmt(
            "proc-page",
            &[("page", &r.page.to_string()), ("pages", &pages.to_string())],
        ),
        prev_href: (r.page > 1).then(|| href(&p, r.page - 1)),
        next_href: (r.page < pages).then(|| href(&p, r.page + 1)),
        prev_text: t.get("proc-prev").to_owned(),
        next_text: t.get("proc-next").to_owned(),
    };
    if partial {
        let html = results
            .render()
            .map_err(|e| congso_app::AppError::internal(anyhow::anyhow!("{e}")))?;
        return Ok(Html(html).into_response());
    }
    let (fields, units) = catalogue::directory(&st.app).await?;
    let lang = ctx.lang;
    Ok(SearchPage {
        page: Page::new(&ctx, "proc-title"),
        q: p.q.clone().unwrap_or_default(),
        field: p.field.clone().unwrap_or_default(),
        level: p.level.clone().unwrap_or_default(),
        unit: p.unit.clone().unwrap_or_default(),
        online: p.online.clone().unwrap_or_default(),
        field_options: fields
            .into_iter()
            .filter(|f| f.2 > 0)
            .map(|f| (f.0, f.1))
            .collect(),
        unit_options: units.into_iter().map(|u| (u.0, u.1)).collect(),
        level_options: vec![
            ("province", level_label("province", lang)),
            ("commune", level_label("commune", lang)),
        ],
        online_options: vec![
            ("any", t.get("proc-online-any").to_owned()),
            ("full", online_label("full", lang)),
            ("partial", online_label("partial", lang)),
            ("none", online_label("none", lang)),
        ],
        results,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "procedure.html")]
pub struct ProcedurePage {
    pub page: Page,
    pub spec: ProcedureSpec,
    pub field: String,
    pub level: String,
    pub online: String,
    pub unit: String,
    pub status: String,
    pub status_is_published: bool,
    pub version: i64,
    pub publication: Option<String>,
    pub effective: Option<String>,
    pub channels: Vec<(String, String, String)>,
    pub cutoff: Option<String>,
    pub history: Vec<(i64, String)>,
    pub old_version: Option<String>,
}

fn iso_to_vi(s: &str) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt)
        .map(format_date_vi)
        .unwrap_or_else(|_| s.to_owned())
}

pub fn status_label(status: &str, t: &Messages) -> String {
    t.get(&format!("proc-status-{status}")).to_owned()
}

pub async fn detail(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<ProcedurePage> {
    let admin = ctx
        .actor
        .as_ref()
        .is_some_and(|a| a.may_somewhere(congso_domain::Permission::CatalogueManage));
    let version = match q.get("phien-ban") {
        Some(v) => Some(v.parse::<i64>().map_err(|_| {
            congso_app::AppError::new(ErrorCode::InvalidInput).with_detail("phien-ban")
        })?),
        None => None,
    };
    let view = catalogue::get(&st.app, &code, version, admin).await?;
    let t = messages(ctx.lang);
    let lang = ctx.lang;
    let dto = crate::api::procedures::dto(view.clone());
    let spec = view.spec;
    let mut page = Page::new(&ctx, "proc-title");
    page.title = spec.name.clone();
    Ok(ProcedurePage {
        field: spec.field.name.clone(),
        level: level_label(spec.level.as_str(), lang),
        online: online_label(spec.online.as_str(), lang),
        unit: format!("{} ({})", view.unit_name, view.unit_code),
        status: status_label(&dto.status, t),
        status_is_published: dto.status == "published",
        version: dto.version,
        publication: spec
            .publication
            .as_ref()
            .map(|p| format!("{}, {}", p.number, iso_to_vi(&p.date))),
        effective: spec.effective_from.as_deref().map(iso_to_vi),
        channels: spec
            .channels
            .iter()
            .map(|c| {
                let kind = match lang {
                    Lang::Vi => c.kind.label_vi(),
                    Lang::En => c.kind.label_en(),
                };
                (
                    kind.to_owned(),
                    limit_text(c.time_limit, lang),
                    fee_text(c.fee_vnd, t),
                )
            })
            .collect(),
        cutoff: spec
            .intake_cutoff
            .as_deref()
            .filter(|_| spec.channel(ChannelKind::Counter).is_some())
            .map(|time| t.fmt("proc-cutoff", &[("time", time)])),
        history: view
            .history
            .iter()
            .map(|h| (h.0, status_label(&h.1, t)))
            .collect(),
        old_version: (view.version.version != view.row.version).then(|| {
            t.fmt(
                "proc-old-version",
                &[("v", &view.version.version.to_string())],
            )
        }),
        spec,
        page,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "directory.html")]
pub struct DirectoryPage {
    pub page: Page,
    pub fields: Vec<(String, String, i64)>,
    pub units: Vec<(String, String, i64)>,
}

pub async fn directory(State(st): State<AppState>, ctx: Ctx) -> WebResult<DirectoryPage> {
    let (fields, units) = catalogue::directory(&st.app).await?;
    Ok(DirectoryPage {
        page: Page::new(&ctx, "dir-title"),
        fields: fields.into_iter().filter(|f| f.2 > 0).collect(),
        units,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_with_dots() {
        assert_eq!(format_vnd(0), "0");
        assert_eq!(format_vnd(2000), "2.000");
        assert_eq!(format_vnd(1_500_000), "1.500.000");
        assert_eq!(format_vnd(100), "100");
    }
}
