//! Sessions, API tokens and the login throttle. Secrets are never stored: sessions and tokens are
//! looked up by the SHA-256 of the value the client holds.

use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub id_hash: String,
    pub user_id: Uuid,
    pub created_at: Ts,
    pub last_seen_at: Ts,
    pub expires_at: Ts,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub created_at: Ts,
    pub expires_at: Option<Ts>,
    pub revoked_at: Option<Ts>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i64,
    pub last_failure_at: Ts,
    pub locked_until: Option<Ts>,
}

pub async fn insert_session(
    tx: &mut Tx,
    id_hash: &str,
    user_id: Uuid,
    now: Ts,
    expires_at: Ts,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5, $6)"
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .bind(ip)
    .bind(user_agent)
    .execute(c)
    .await
    .map(|_| ())
    })
}

/// The live session with this hash, if it has not expired at `now`.
pub async fn live_session(tx: &mut Tx, id_hash: &str, now: Ts) -> DbResult<Option<SessionRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, SessionRow>(
        "SELECT id_hash, user_id, created_at, last_seen_at, expires_at FROM sessions \
         WHERE id_hash = $1 AND expires_at > $2"
    )
    .bind(id_hash)
    .bind(now)
    .fetch_optional(c)
    .await)
}

/// Slides the session's expiry forward.
pub async fn touch_session(tx: &mut Tx, id_hash: &str, now: Ts, expires_at: Ts) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id_hash = $1"
    )
    .bind(id_hash)
    .bind(now)
    .bind(expires_at)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn delete_session(tx: &mut Tx, id_hash: &str) -> DbResult<u64> {
    tx_run!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE id_hash = $1"
    )
    .bind(id_hash)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn delete_expired_sessions(tx: &mut Tx, now: Ts) -> DbResult<u64> {
    tx_run!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn count_sessions_of(tx: &mut Tx, user_id: Uuid) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .fetch_one(c)
    .await)
}

pub async fn insert_token(
    tx: &mut Tx,
    id: Uuid,
    user_id: Uuid,
    name: &str,
    token_hash: &str,
    now: Ts,
    expires_at: Option<Ts>,
) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, last_used_at, expires_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6, NULL)"
    )
    .bind(id)
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

/// The token with this hash that is neither revoked nor expired at `now`.
pub async fn live_token(tx: &mut Tx, token_hash: &str, now: Ts) -> DbResult<Option<TokenRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, TokenRow>(
        "SELECT id, user_id, name, created_at, expires_at, revoked_at FROM api_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)"
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(c)
    .await)
}

pub async fn touch_token(tx: &mut Tx, id: Uuid, now: Ts) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn revoke_token(tx: &mut Tx, id: Uuid, now: Ts) -> DbResult<u64> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"
    )
    .bind(id)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn throttle_get(tx: &mut Tx, key: &str) -> DbResult<Option<ThrottleRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, ThrottleRow>(
        "SELECT key, failures, last_failure_at, locked_until FROM login_throttle WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(c)
    .await)
}

pub async fn throttle_put(tx: &mut Tx, row: &ThrottleRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO login_throttle (key, failures, last_failure_at, locked_until) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
         last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until"
    )
    .bind(&row.key)
    .bind(row.failures)
    .bind(row.last_failure_at)
    .bind(row.locked_until)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn throttle_clear(tx: &mut Tx, key: &str) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "DELETE FROM login_throttle WHERE key = $1"
    )
    .bind(key)
    .execute(c)
    .await
    .map(|_| ()))
}
