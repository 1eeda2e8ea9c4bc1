//! `POST /api/v1/auth/token` and `GET /api/v1/me`.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::ErrorBody;
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub token_type: &'static str,
}

/// Exchanges a username and password for a bearer token.
#[utoipa::path(
    post, path = "/auth/token", tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "A new token (shown once)", body = TokenResponse),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 429, description = "Too many failed attempts; see Retry-After", body = ErrorBody),
    )
)]
pub async fn create_token(
    State(st): State<AppState>,
    headers: HeaderMap,
    peer: crate::ctx::Peer,
    Json(req): Json<TokenRequest>,
) -> WebResult<Json<TokenResponse>> {
    let origin = crate::pages::auth::origin(&headers, peer.0);
    let token =
        congso_app::auth::token_for_credentials(&st.app, &req.username, &req.password, &origin)
            .await?;
    Ok(Json(TokenResponse {
        token,
        token_type: "Bearer",
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDto {
    pub role: String,
    pub unit: Option<String>,
    pub unit_name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub username: String,
    pub full_name: String,
    pub roles: Vec<RoleDto>,
}

/// The caller's identity and roles.
#[utoipa::path(
    get, path = "/me", tag = "auth",
    responses(
        (status = 200, body = MeResponse),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn me(ctx: Ctx) -> WebResult<Json<MeResponse>> {
    let a = ctx.user()?;
    Ok(Json(MeResponse {
        username: a.username.clone(),
        full_name: a.full_name.clone(),
        roles: a
            .grants
            .iter()
            .map(|g| RoleDto {
                role: g.role.as_str().to_owned(),
                unit: g.unit_code.clone(),
                unit_name: g.unit_name.clone(),
            })
            .collect(),
    }))
}
