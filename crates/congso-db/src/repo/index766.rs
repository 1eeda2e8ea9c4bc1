//! The counts behind the QĐ 766 index that the one-stop aggregates do not keep: the catalogue,
//! online procedures in use, electronic results, digitised counter dossiers, dissatisfied ratings
//! and the feedback documents. Each query is driven by an index (migration 0012) and grouped by
//! unit, so the index of every unit over a year reads a few thousand rows.

use time::Date;
use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

/// A published procedure's facts: unit, online level, complete, publication date, effective date,
/// first publication in congso.
pub type ProcedureFacts = (Uuid, String, bool, Option<Date>, Option<Date>, Option<Ts>);

pub async fn procedures(tx: &mut Tx) -> DbResult<Vec<ProcedureFacts>> {
    tx_run!(tx, |c| sqlx::query_as::<_, ProcedureFacts>(
        "SELECT unit_id, online, complete, publication_date, effective_from, published_at \
         FROM procedures WHERE status = 'published'"
    )
    .fetch_all(c)
    .await)
}

/// Per unit: published online procedures with at least one online dossier received in `[from, to)`.
pub async fn online_procedures_used(tx: &mut Tx, from: Ts, to: Ts) -> DbResult<Vec<(Uuid, i64)>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT p.unit_id, COUNT(*) FROM procedures p WHERE p.status = 'published' AND p.online <> 'none' \
         AND EXISTS (SELECT 1 FROM dossiers d WHERE d.procedure_id = p.id AND d.channel = 'online' \
                     AND d.received_at >= $1 AND d.received_at < $2) \
         GROUP BY p.unit_id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await
    })
}

/// Per processing unit: dossiers finished in `[from, to)` with an electronic result file.
pub async fn e_results(tx: &mut Tx, from: Ts, to: Ts) -> DbResult<Vec<(Uuid, i64)>> {
    tx_run!(tx, |c| sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT d.processing_unit_id, COUNT(DISTINCT d.id) FROM attachments a \
         JOIN dossiers d ON d.id = a.dossier_id \
         WHERE a.purpose = 'result' AND d.finished_at >= $1 AND d.finished_at < $2 \
           AND d.result IN ('early', 'on_time', 'late') \
         GROUP BY d.processing_unit_id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await)
}

/// Per processing unit: dossiers received at the counter or by post in `[from, to)` with files
/// stored for their documents (online dossiers always have them).
pub async fn digitised_offline(tx: &mut Tx, from: Ts, to: Ts) -> DbResult<Vec<(Uuid, i64)>> {
    tx_run!(tx, |c| sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT d.processing_unit_id, COUNT(DISTINCT d.id) FROM attachments a \
         JOIN dossiers d ON d.id = a.dossier_id \
         WHERE a.purpose <> 'result' AND a.created_at >= $1 \
           AND d.channel <> 'online' AND d.received_at >= $1 AND d.received_at < $2 \
         GROUP BY d.processing_unit_id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await)
}

/// Per processing unit: dossiers finished in `[from, to)` rated "không hài lòng".
pub async fn dissatisfied(tx: &mut Tx, from: Ts, to: Ts) -> DbResult<Vec<(Uuid, i64)>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT d.processing_unit_id, COUNT(*) FROM ratings r JOIN dossiers d ON d.id = r.dossier_id \
         WHERE r.rating = 'khong_hai_long' AND d.finished_at >= $1 AND d.finished_at < $2 \
           AND d.result IN ('early', 'on_time', 'late') \
         GROUP BY d.processing_unit_id"
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await
    })
}

/// Per unit: feedback and recommendation documents issued in `[from, to]` with a stage deadline:
/// (unit, on time, count).
pub async fn pakn_steps(tx: &mut Tx, from: Date, to: Date) -> DbResult<Vec<(Uuid, bool, i64)>> {
    tx_run!(tx, |c| sqlx::query_as::<_, (Uuid, bool, i64)>(
        "SELECT i.unit_id, d.on_time, COUNT(*) FROM petition_documents d \
         JOIN petition_items i ON i.id = d.item_id \
         WHERE i.kind IN ('feedback', 'recommendation', 'regulation_feedback') \
           AND d.on_time IS NOT NULL AND d.issued_on >= $1 AND d.issued_on <= $2 \
         GROUP BY i.unit_id, d.on_time"
    )
    .bind(from)
    .bind(to)
    .fetch_all(c)
    .await)
}

/// A unit's published procedures for the drill-down: code, name, online level, complete,
/// publication date, effective date, first publication in congso.
pub type ProcedureLine = (
    String,
    String,
    String,
    bool,
    Option<Date>,
    Option<Date>,
    Option<Ts>,
);

pub async fn procedures_of(tx: &mut Tx, unit_id: Uuid) -> DbResult<Vec<ProcedureLine>> {
    tx_run!(tx, |c| sqlx::query_as::<_, ProcedureLine>(
        "SELECT code, name, online, complete, publication_date, effective_from, published_at \
         FROM procedures WHERE status = 'published' AND unit_id = $1 ORDER BY code"
    )
    .bind(unit_id)
    .fetch_all(c)
    .await)
}
