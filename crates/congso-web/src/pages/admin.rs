//! Administration pages: users and units. Each form posts to the same use cases as the JSON API.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use congso_app::units::{NewUnit, create_unit, list_units};
use congso_app::users::{NewUser, create_user, list_users};
use congso_domain::{ErrorCode, Lang, Permission, Role, UnitKind};
use serde::Deserialize;

use super::Page;
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "admin.html")]
pub struct AdminPage {
    pub page: Page,
}

fn require_admin_area(ctx: &Ctx) -> WebResult<()> {
    let a = ctx.user()?;
    if a.may_somewhere(Permission::UserManage) || a.may_somewhere(Permission::UnitManage) {
        Ok(())
    } else {
        Err(ErrorCode::Forbidden.into())
    }
}

pub async fn admin_home(ctx: Ctx) -> WebResult<AdminPage> {
    require_admin_area(&ctx)?;
    Ok(AdminPage {
        page: Page::new(&ctx, "admin-title"),
    })
}

pub struct UserLine {
    pub username: String,
    pub full_name: String,
    pub roles: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub unit_code: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_users.html")]
pub struct UsersPage {
    pub page: Page,
    pub users: Vec<UserLine>,
    pub total_text: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub form: UserForm,
    pub role_options: Vec<(&'static str, &'static str)>,
}

fn role_label(role: &str, lang: Lang) -> String {
    Role::parse(role)
        .map(|r| match lang {
            Lang::Vi => r.label_vi(),
            Lang::En => r.label_en(),
        })
        .unwrap_or(role)
        .to_owned()
}

async fn users_page(
    st: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    error: Option<String>,
    form: UserForm,
) -> WebResult<UsersPage> {
    let actor = ctx.user()?;
    let (users, total) = list_users(&st.app, actor, 500, 0).await?;
    let page = Page::new(ctx, "users-title");
    let total_text = page.t.fmt("users-total", &[("n", &total.to_string())]);
    Ok(UsersPage {
        users: users
            .into_iter()
            .map(|u| UserLine {
                username: u.user.username,
                full_name: u.user.full_name,
                roles: u
                    .grants
                    .iter()
                    .map(|g| match &g.unit_code {
                        Some(c) => format!("{} — {c}", role_label(&g.role, ctx.lang)),
                        None => role_label(&g.role, ctx.lang),
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            })
            .collect(),
        total_text,
        notice,
        error,
        form,
        role_options: Role::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str(),
                    match ctx.lang {
                        Lang::Vi => r.label_vi(),
                        Lang::En => r.label_en(),
                    },
                )
            })
            .collect(),
        page,
    })
}

pub async fn users(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<UsersPage> {
    require_admin_area(&ctx)?;
    let t = crate::i18n::messages(ctx.lang);
    let notice = q
        .get("tao")
        .map(|name| t.fmt("users-created", &[("name", name)]));
    users_page(
        &st,
        &ctx,
        notice,
        None,
        UserForm {
            role: "specialist".into(),
            ..UserForm::default()
        },
    )
    .await
}

pub async fn users_create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<UserForm>,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    let result = create_user(
        &st.app,
        &actor,
        NewUser {
            username: form.username.clone(),
            password: form.password.clone(),
            full_name: form.full_name.clone(),
            email: Some(form.email.clone()),
            phone: None,
            role: form.role.clone(),
            unit_code: Some(form.unit_code.clone()).filter(|s| !s.trim().is_empty()),
        },
    )
    .await;
    match result {
        Ok(u) => Ok(Redirect::to(&format!(
            "/quan-tri/nguoi-dung?tao={}",
            super::encode_component(&u.username)
        ))
        .into_response()),
        Err(e) if e.code != ErrorCode::Internal && e.code != ErrorCode::Forbidden => {
            let status =
                StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let msg = e.code.message(ctx.lang).to_owned();
            let page = users_page(
                &st,
                &ctx,
                None,
                Some(msg),
                UserForm {
                    password: String::new(),
                    ..form
                },
            )
            .await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}

pub struct UnitLine {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent: String,
    pub valid_from: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub parent_code: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_units.html")]
pub struct UnitsPage {
    pub page: Page,
    pub heading: String,
    pub count_text: String,
    pub units: Vec<UnitLine>,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub form: UnitForm,
    pub kind_options: Vec<(&'static str, &'static str)>,
}

async fn units_page(
    st: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    error: Option<String>,
    form: UnitForm,
) -> WebResult<UnitsPage> {
    let today = st.app.today();
    let rows = list_units(&st.app, Some(today)).await?;
    let by_id: HashMap<_, _> = rows.iter().map(|u| (u.id, u.code.clone())).collect();
    let page = Page::new(ctx, "units-title");
    let heading = page.t.fmt(
        "units-on",
        &[("date", &congso_domain::time_vn::format_date_vi(today))],
    );
    let count_text = page.t.fmt("units-count", &[("n", &rows.len().to_string())]);
    let kind_label = |k: &str| {
        UnitKind::parse(k)
            .map(|k| match ctx.lang {
                Lang::Vi => k.label_vi(),
                Lang::En => k.label_en(),
            })
            .unwrap_or(k)
            .to_owned()
    };
    Ok(UnitsPage {
        units: rows
            .iter()
            .map(|u| UnitLine {
                code: u.code.clone(),
                name: match (ctx.lang, &u.name_en) {
                    (Lang::En, Some(en)) => en.clone(),
                    _ => u.name.clone(),
                },
                kind: kind_label(&u.kind),
                parent: u
                    .parent_id
                    .and_then(|p| by_id.get(&p).cloned())
                    .unwrap_or_else(|| "—".into()),
                valid_from: congso_domain::time_vn::format_date_vi(u.valid_from),
            })
            .collect(),
        heading,
        count_text,
        notice,
        error,
        form,
        kind_options: UnitKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    match ctx.lang {
                        Lang::Vi => k.label_vi(),
                        Lang::En => k.label_en(),
                    },
                )
            })
            .collect(),
        page,
    })
}

pub async fn units(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<UnitsPage> {
    require_admin_area(&ctx)?;
    let t = crate::i18n::messages(ctx.lang);
    let notice = q
        .get("tao")
        .map(|name| t.fmt("units-created", &[("name", name)]));
    units_page(
        &st,
        &ctx,
        notice,
        None,
        UnitForm {
            kind: "department".into(),
            ..UnitForm::default()
        },
    )
    .await
}

pub async fn units_create(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<UnitForm>,
) -> WebResult<Response> {
    let actor = ctx.user()?.clone();
    let result = create_unit(
        &st.app,
        &actor,
        NewUnit {
            code: form.code.clone(),
            name: form.name.clone(),
            name_en: Some(form.name_en.clone()),
            kind: form.kind.clone(),
            parent_code: Some(form.parent_code.clone()),
            valid_from: None,
            address: None,
            office_hours: None,
        },
    )
    .await;
    match result {
        Ok(u) => Ok(Redirect::to(&format!(
            "/quan-tri/don-vi?tao={}",
            super::encode_component(&u.name)
        ))
        .into_response()),
        Err(e) if e.code != ErrorCode::Internal && e.code != ErrorCode::Forbidden => {
            let status =
                StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut msg = e.code.message(ctx.lang).to_owned();
            if let Some(d) = &e.detail {
                msg.push_str(&format!(" ({d})"));
            }
            let page = units_page(&st, &ctx, None, Some(msg), form).await?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(WebError(e)),
    }
}
