//! The citizen portal: profiles (identity number, address), password resets, attachments of
//! dossiers, drafts of online submissions, ratings and in-portal notifications.

use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

/// The portal fields of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct Profile {
    pub id_number: Option<String>,
    pub address: Option<String>,
}

pub async fn profile(tx: &mut Tx, user_id: Uuid) -> DbResult<Profile> {
    tx_run!(tx, |c| sqlx::query_as::<_, Profile>(
        "SELECT id_number, address FROM users WHERE id = $1"
    )
    .bind(user_id)
    .fetch_optional(c)
    .await
    .map(Option::unwrap_or_default))
}

pub async fn set_profile(
    tx: &mut Tx,
    user_id: Uuid,
    id_number: Option<&str>,
    address: Option<&str>,
    now: Ts,
) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE users SET id_number = $2, address = $3, updated_at = $4 WHERE id = $1"
    )
    .bind(user_id)
    .bind(id_number)
    .bind(address)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}

/// The user holding an identity number, if any.
pub async fn user_by_id_number(tx: &mut Tx, id_number: &str) -> DbResult<Option<Uuid>> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM users WHERE id_number = $1"
    )
    .bind(id_number)
    .fetch_optional(c)
    .await)
}

/// The user with an email address (case-insensitive), if any.
pub async fn user_by_email(tx: &mut Tx, email: &str) -> DbResult<Option<Uuid>> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM users WHERE LOWER(email) = LOWER($1) ORDER BY created_at LIMIT 1"
    )
    .bind(email)
    .fetch_optional(c)
    .await)
}

/// The user with a phone number, if any.
pub async fn user_by_phone(tx: &mut Tx, phone: &str) -> DbResult<Option<Uuid>> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM users WHERE phone = $1 ORDER BY created_at LIMIT 1"
    )
    .bind(phone)
    .fetch_optional(c)
    .await)
}

pub async fn set_password(tx: &mut Tx, user_id: Uuid, hash: &str, now: Ts) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(user_id)
    .bind(hash)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn insert_reset(
    tx: &mut Tx,
    id: Uuid,
    user_id: Uuid,
    token_hash: &str,
    expires_at: Ts,
    now: Ts,
) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO password_resets (id, user_id, token_hash, expires_at, used_at, created_at) \
         VALUES ($1, $2, $3, $4, NULL, $5)"
    )
    .bind(id)
    .bind(user_id)
    .bind(token_hash)
    .bind(expires_at)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Marks a reset link used, if it is unused and not expired; returns its user.
pub async fn use_reset(tx: &mut Tx, token_hash: &str, now: Ts) -> DbResult<Option<Uuid>> {
    let user: Option<Uuid> = tx_run!(tx, |c| {
        sqlx::query_scalar::<_, Uuid>(
        "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(c)
    .await
    })?;
    if user.is_some() {
        tx_run!(tx, |c| sqlx::query(
            "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1"
        )
        .bind(token_hash)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    Ok(user)
}

/// Ends every session of a user (after a password reset).
pub async fn delete_sessions_of(tx: &mut Tx, user_id: Uuid) -> DbResult<u64> {
    tx_run!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// Resets requested for a user since `since` (to throttle requests).
pub async fn resets_since(tx: &mut Tx, user_id: Uuid, since: Ts) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND created_at >= $2"
    )
    .bind(user_id)
    .bind(since)
    .fetch_one(c)
    .await)
}

/// A file of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub dossier_id: Uuid,
    /// `document` (submitted with the dossier), `supplement`, `result`.
    pub purpose: String,
    /// The checklist line it answers (or "Kết quả giải quyết").
    pub document_name: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: Option<Uuid>,
    pub created_at: Ts,
}

pub async fn insert_attachment(tx: &mut Tx, a: &AttachmentRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO attachments (id, dossier_id, purpose, document_name, file_name, content_type, \
         size_bytes, sha256, storage_key, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    )
    .bind(a.id)
    .bind(a.dossier_id)
    .bind(&a.purpose)
    .bind(&a.document_name)
    .bind(&a.file_name)
    .bind(&a.content_type)
    .bind(a.size_bytes)
    .bind(&a.sha256)
    .bind(&a.storage_key)
    .bind(a.uploaded_by)
    .bind(a.created_at)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn attachments_of(tx: &mut Tx, dossier_id: Uuid) -> DbResult<Vec<AttachmentRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, AttachmentRow>(
        "SELECT id, dossier_id, purpose, document_name, file_name, content_type, size_bytes, sha256, \
         storage_key, uploaded_by, created_at FROM attachments WHERE dossier_id = $1 ORDER BY created_at, id"
    )
    .bind(dossier_id)
    .fetch_all(c)
    .await
    })
}

/// How many rows point at a stored file — dossier and task attachments, and drafts of online
/// submissions — before deleting the bytes (files are content-addressed and shared).
pub async fn key_uses(tx: &mut Tx, storage_key: &str) -> DbResult<i64> {
    let in_draft = format!("%{storage_key}%");
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT (SELECT COUNT(*) FROM attachments WHERE storage_key = $1) \
              + (SELECT COUNT(*) FROM task_attachments WHERE storage_key = $1) \
              + (SELECT COUNT(*) FROM site_report_media WHERE storage_key = $1) \
              + (SELECT COUNT(*) FROM drafts WHERE data LIKE $2)"
    )
    .bind(storage_key)
    .bind(&in_draft)
    .fetch_one(c)
    .await)
}

pub async fn count_attachments(tx: &mut Tx) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM attachments"
    )
    .fetch_one(c)
    .await)
}

/// A draft of an online submission.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub procedure_code: String,
    /// JSON: the answers so far and the stored files.
    pub data: String,
    pub created_at: Ts,
    pub updated_at: Ts,
}

pub async fn draft(tx: &mut Tx, user_id: Uuid, procedure_code: &str) -> DbResult<Option<DraftRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, DraftRow>(
        "SELECT id, user_id, procedure_code, data, created_at, updated_at FROM drafts \
         WHERE user_id = $1 AND procedure_code = $2"
    )
    .bind(user_id)
    .bind(procedure_code)
    .fetch_optional(c)
    .await)
}

pub async fn drafts_of(tx: &mut Tx, user_id: Uuid) -> DbResult<Vec<DraftRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, DraftRow>(
        "SELECT id, user_id, procedure_code, data, created_at, updated_at FROM drafts \
         WHERE user_id = $1 ORDER BY updated_at DESC"
    )
    .bind(user_id)
    .fetch_all(c)
    .await)
}

/// Creates or replaces the citizen's draft for a procedure.
pub async fn save_draft(tx: &mut Tx, d: &DraftRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO drafts (id, user_id, procedure_code, data, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (user_id, procedure_code) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at"
    )
    .bind(d.id)
    .bind(d.user_id)
    .bind(&d.procedure_code)
    .bind(&d.data)
    .bind(d.created_at)
    .bind(d.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn delete_draft(tx: &mut Tx, user_id: Uuid, procedure_code: &str) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "DELETE FROM drafts WHERE user_id = $1 AND procedure_code = $2"
    )
    .bind(user_id)
    .bind(procedure_code)
    .execute(c)
    .await
    .map(|_| ()))
}

/// A citizen's rating of the service.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RatingRow {
    pub dossier_id: Uuid,
    pub user_id: Uuid,
    /// `hai_long`, `chap_nhan`, `khong_hai_long`.
    pub rating: String,
    pub comment: Option<String>,
    pub created_at: Ts,
}

pub async fn insert_rating(tx: &mut Tx, r: &RatingRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO ratings (dossier_id, user_id, rating, comment, created_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(r.dossier_id)
    .bind(r.user_id)
    .bind(&r.rating)
    .bind(&r.comment)
    .bind(r.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn rating_of(tx: &mut Tx, dossier_id: Uuid) -> DbResult<Option<RatingRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, RatingRow>(
        "SELECT dossier_id, user_id, rating, comment, created_at FROM ratings WHERE dossier_id = $1"
    )
    .bind(dossier_id)
    .fetch_optional(c)
    .await)
}

/// An in-portal notification.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub dossier_code: Option<String>,
    pub title: String,
    pub body: String,
    pub read_at: Option<Ts>,
    pub created_at: Ts,
}

pub async fn insert_notification(tx: &mut Tx, n: &NotificationRow) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO notifications (id, user_id, dossier_code, title, body, read_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(n.id)
    .bind(n.user_id)
    .bind(&n.dossier_code)
    .bind(&n.title)
    .bind(&n.body)
    .bind(n.read_at)
    .bind(n.created_at)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn notifications_of(
    tx: &mut Tx,
    user_id: Uuid,
    limit: i64,
) -> DbResult<Vec<NotificationRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, NotificationRow>(
        "SELECT id, user_id, dossier_code, title, body, read_at, created_at FROM notifications \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(c)
    .await)
}

pub async fn mark_notifications_read(tx: &mut Tx, user_id: Uuid, now: Ts) -> DbResult<u64> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL"
    )
    .bind(user_id)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

pub async fn unread_count(tx: &mut Tx, user_id: Uuid) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL"
    )
    .bind(user_id)
    .fetch_one(c)
    .await)
}
