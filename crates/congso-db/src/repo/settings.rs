//! Key/value settings kept in the database (shared by every server of a deployment).

use crate::{DbResult, Ts, Tx, tx_run};

pub async fn get(tx: &mut Tx, key: &str) -> DbResult<Option<String>> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, String>(
        "SELECT value FROM settings WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(c)
    .await)
}

/// Stores `value` unless the key exists, and returns the stored value (the existing one wins, so
/// that concurrent first starts agree on one secret).
pub async fn get_or_insert(tx: &mut Tx, key: &str, value: &str, now: Ts) -> DbResult<String> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING"
    )
    .bind(key)
    .bind(value)
    .bind(now)
    .execute(&mut *c)
    .await
    .map(|_| ())
    })?;
    tx_run!(tx, |c| sqlx::query_scalar::<_, String>(
        "SELECT value FROM settings WHERE key = $1"
    )
    .bind(key)
    .fetch_one(c)
    .await)
}

pub async fn put(tx: &mut Tx, key: &str, value: &str, now: Ts) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
    )
    .bind(key)
    .bind(value)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}
