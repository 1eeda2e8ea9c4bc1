//! Users: `GET /api/v1/users`, `POST /api/v1/users`.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use congso_app::users::{NewUser, create_user, list_users};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::ErrorBody;
use crate::api::auth::RoleDto;
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub active: bool,
    pub roles: Vec<RoleDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub total: i64,
    pub items: Vec<UserDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// Page size (1–500, default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists users with their roles. Needs `user_manage`.
#[utoipa::path(
    get, path = "/users", tag = "users",
    params(PageQuery),
    responses((status = 200, body = UserPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PageQuery>,
) -> WebResult<Json<UserPage>> {
    let actor = ctx.user()?;
    let (users, total) = list_users(
        &st.app,
        actor,
        q.limit.unwrap_or(100),
        q.offset.unwrap_or(0),
    )
    .await?;
    Ok(Json(UserPage {
        total,
        items: users
            .into_iter()
            .map(|u| UserDto {
                username: u.user.username,
                full_name: u.user.full_name,
                email: u.user.email,
                active: u.user.active,
                roles: u
                    .grants
                    .into_iter()
                    .map(|g| RoleDto {
                        role: g.role,
                        unit: g.unit_code,
                        unit_name: g.unit_name,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUserRequest {
    pub username: String,
    pub password: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `citizen`, `one_stop_officer`, `specialist`, `unit_head`, `office_staff`, `leader`, `admin`.
    pub role: String,
    /// Unit code where the role is held (all roles but `citizen`).
    pub unit: Option<String>,
}

/// Creates a user with one role in a unit. Needs `user_manage` on that unit.
#[utoipa::path(
    post, path = "/users", tag = "users",
    request_body = CreateUserRequest,
    responses(
        (status = 201, body = UserDto),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(req): Json<CreateUserRequest>,
) -> WebResult<(StatusCode, Json<UserDto>)> {
    let actor = ctx.user()?;
    let role = req.role.clone();
    let unit = req.unit.clone();
    let u = create_user(
        &st.app,
        actor,
        NewUser {
            username: req.username,
            password: req.password,
            full_name: req.full_name,
            email: req.email,
            phone: req.phone,
            role: req.role,
            unit_code: req.unit,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(UserDto {
            username: u.username,
            full_name: u.full_name,
            email: u.email,
            active: u.active,
            roles: vec![RoleDto {
                role,
                unit,
                unit_name: None,
            }],
        }),
    ))
}
