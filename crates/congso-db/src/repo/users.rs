//! Users and the roles they hold in units.

use serde::Serialize;
use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password_hash: Option<String>,
    pub locale: String,
    pub active: bool,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// A role held by a user, with the unit it is held in.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct GrantRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub unit_id: Option<Uuid>,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
}

macro_rules! user_cols {
    () => {
        "id, username, full_name, email, phone, password_hash, locale, active, created_at, updated_at"
    };
}

pub async fn insert(tx: &mut Tx, u: &UserRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(concat!(
        "INSERT INTO users (",
        user_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(u.id)
    .bind(&u.username)
    .bind(&u.full_name)
    .bind(&u.email)
    .bind(&u.phone)
    .bind(&u.password_hash)
    .bind(&u.locale)
    .bind(u.active)
    .bind(u.created_at)
    .bind(u.updated_at)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Updates a user's name and contact fields.
pub async fn update_contact(tx: &mut Tx, u: &UserRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE users SET full_name = $2, email = $3, phone = $4, updated_at = $5 WHERE id = $1"
    )
    .bind(u.id)
    .bind(&u.full_name)
    .bind(&u.email)
    .bind(&u.phone)
    .bind(u.updated_at)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn by_username(tx: &mut Tx, username: &str) -> DbResult<Option<UserRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, UserRow>(concat!(
        "SELECT ",
        user_cols!(),
        " FROM users WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(c)
    .await)
}

pub async fn by_id(tx: &mut Tx, id: Uuid) -> DbResult<Option<UserRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, UserRow>(concat!(
        "SELECT ",
        user_cols!(),
        " FROM users WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
}

/// Users ordered by username, `limit` from `offset`.
pub async fn list(tx: &mut Tx, limit: i64, offset: i64) -> DbResult<Vec<UserRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, UserRow>(concat!(
        "SELECT ",
        user_cols!(),
        " FROM users ORDER BY username LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(c)
    .await)
}

pub async fn count(tx: &mut Tx) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM users"
    )
    .fetch_one(c)
    .await)
}

pub async fn set_password(tx: &mut Tx, id: Uuid, hash: &str, now: Ts) -> DbResult<u64> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(hash)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn insert_grant(
    tx: &mut Tx,
    id: Uuid,
    user_id: Uuid,
    role: &str,
    unit_id: Option<Uuid>,
    now: Ts,
) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO role_grants (id, user_id, role, unit_id, granted_at, revoked_at) VALUES ($1, $2, $3, $4, $5, NULL)"
    )
    .bind(id)
    .bind(user_id)
    .bind(role)
    .bind(unit_id)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ())
    })
}

/// The roles a user holds now (not revoked), with their units.
pub async fn active_grants(tx: &mut Tx, user_id: Uuid) -> DbResult<Vec<GrantRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, GrantRow>(
        "SELECT g.id, g.user_id, g.role, g.unit_id, u.code AS unit_code, u.name AS unit_name \
         FROM role_grants g LEFT JOIN units u ON u.id = g.unit_id \
         WHERE g.user_id = $1 AND g.revoked_at IS NULL ORDER BY g.granted_at, g.id"
    )
    .bind(user_id)
    .fetch_all(c)
    .await)
}

/// (email, full name) of the active users holding `role` in `unit_id`.
pub async fn with_role_in_unit(
    tx: &mut Tx,
    role: &str,
    unit_id: Uuid,
) -> DbResult<Vec<(String, String)>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, (String, String)>(
        "SELECT u.email, u.full_name FROM role_grants g JOIN users u ON u.id = g.user_id \
         WHERE g.role = $1 AND g.unit_id = $2 AND g.revoked_at IS NULL AND u.active = $3 AND u.email IS NOT NULL \
         ORDER BY u.username"
    )
    .bind(role)
    .bind(unit_id)
    .bind(true)
    .fetch_all(c)
    .await
    })
}

/// (username, full name, role) of the active staff holding one of `roles` in `unit_id`.
pub async fn staff_of_unit(
    tx: &mut Tx,
    unit_id: Uuid,
    roles: &[&str],
) -> DbResult<Vec<(String, String, String)>> {
    let rows = tx_run!(tx, |c| {
        sqlx::query_as::<_, (String, String, String)>(
        "SELECT u.username, u.full_name, g.role FROM role_grants g JOIN users u ON u.id = g.user_id \
         WHERE g.unit_id = $1 AND g.revoked_at IS NULL AND u.active = $2 ORDER BY u.full_name"
    )
    .bind(unit_id)
    .bind(true)
    .fetch_all(c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .filter(|r| roles.contains(&r.2.as_str()))
        .collect())
}
