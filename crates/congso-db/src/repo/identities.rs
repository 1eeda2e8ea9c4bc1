//! External identities: an OpenID Connect provider's `(issuer, subject)` linked to a user.

use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IdentityRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub issuer: String,
    pub subject: String,
    pub created_at: Ts,
}

/// Links `(issuer, subject)` to a user. Fails with a unique violation if the pair is linked.
pub async fn insert(tx: &mut Tx, row: &IdentityRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO user_identities (id, user_id, issuer, subject, created_at) \
         VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(row.id)
    .bind(row.user_id)
    .bind(&row.issuer)
    .bind(&row.subject)
    .bind(row.created_at)
    .execute(c)
    .await
    .map(|_| ()))
}

/// The identity with this issuer and subject.
pub async fn by_issuer_subject(
    tx: &mut Tx,
    issuer: &str,
    subject: &str,
) -> DbResult<Option<IdentityRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, IdentityRow>(
        "SELECT id, user_id, issuer, subject, created_at FROM user_identities \
         WHERE issuer = $1 AND subject = $2"
    )
    .bind(issuer)
    .bind(subject)
    .fetch_optional(c)
    .await)
}

/// The identities linked to a user, oldest first.
pub async fn of_user(tx: &mut Tx, user_id: Uuid) -> DbResult<Vec<IdentityRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, IdentityRow>(
        "SELECT id, user_id, issuer, subject, created_at FROM user_identities \
         WHERE user_id = $1 ORDER BY created_at, id"
    )
    .bind(user_id)
    .fetch_all(c)
    .await)
}
