//! The procedure catalogue: current state (`procedures`), versions, fields, and search.
//!
//! Search runs on folded text (see `congso_text`): SQLite's FTS5 table `procedure_fts` (rowid =
//! `procedures.rowid`, maintained here) or PostgreSQL's generated `search_tsv` with a GIN index.
//! Ranking, the same on both: the query phrase in the name with its accents, then in the folded
//! name, then in the other text (accents, folded), then the rest; within a tier, names equal to
//! or starting with the phrase first (ignoring a leading "Thủ tục"), then shorter names (the
//! closest match), then the engine's relevance.

use serde::Serialize;
use time::Date;
use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

/// The current state of a procedure (its search projection).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProcRow {
    pub id: Uuid,
    pub code: String,
    pub unit_id: Uuid,
    /// `draft`, `published` or `repealed`.
    pub status: String,
    /// The current version (the published one; the draft's if never published).
    pub version: i64,
    /// A pending draft version, if any.
    pub draft_version: Option<i64>,
    pub name: String,
    pub field_code: String,
    pub level: String,
    pub online: String,
    pub limit_value: i64,
    pub limit_unit: String,
    pub complete: bool,
    pub publication_number: Option<String>,
    pub publication_date: Option<Date>,
    pub effective_from: Option<Date>,
    pub name_folded: String,
    pub name_exact: String,
    pub text_folded: String,
    pub text_exact: String,
    pub published_at: Option<Ts>,
    pub repealed_at: Option<Ts>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

/// A stored version of a procedure (its full content as JSON).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionRow {
    pub id: Uuid,
    pub procedure_id: Uuid,
    pub unit_id: Uuid,
    pub version: i64,
    /// `draft`, `published` or `superseded`.
    pub status: String,
    pub spec: String,
    pub created_at: Ts,
    pub created_by: Option<Uuid>,
    pub published_at: Option<Ts>,
}

/// A search hit / list line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct Hit {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub field_code: String,
    pub field_name: String,
    pub level: String,
    pub unit_code: String,
    pub unit_name: String,
    pub online: String,
    pub limit_value: i64,
    pub limit_unit: String,
    pub status: String,
    pub version: i64,
}

/// A prepared full-text query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    /// Folded tokens (letters and digits only).
    pub tokens: Vec<String>,
    /// ` folded phrase ` (padded with spaces for whole-word matching).
    pub phrase_folded: String,
    /// ` exact phrase ` with accents.
    pub phrase_exact: String,
    /// Treat the last token as a prefix (search as you type).
    pub prefix_last: bool,
}

impl TextQuery {
    fn fts5(&self) -> String {
        let n = self.tokens.len();
        self.tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let t = t.replace('"', "\"\"");
                if self.prefix_last && i + 1 == n {
                    format!("\"{t}\"*")
                } else {
                    format!("\"{t}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn tsquery(&self) -> String {
        let n = self.tokens.len();
        self.tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let t: String = t.chars().filter(|c| c.is_alphanumeric()).collect();
                if self.prefix_last && i + 1 == n {
                    format!("{t}:*")
                } else {
                    t
                }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// Search parameters; `None` filters are not applied.
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    pub text: Option<TextQuery>,
    pub field: Option<String>,
    pub level: Option<String>,
    pub unit_id: Option<Uuid>,
    /// `full`, `partial`, `none`, or `any` (full or partial).
    pub online: Option<String>,
    /// Include drafts and repealed procedures (administration).
    pub include_unpublished: bool,
    pub limit: i64,
    pub offset: i64,
}

macro_rules! proc_cols {
    () => {
        "id, code, unit_id, status, version, draft_version, name, field_code, level, online, limit_value, limit_unit, \
         complete, publication_number, publication_date, effective_from, name_folded, name_exact, text_folded, text_exact, \
         published_at, repealed_at, created_at, updated_at"
    };
}

macro_rules! hit_cols {
    () => {
        "p.id, p.code, p.name, p.field_code, f.name AS field_name, p.level, u.code AS unit_code, u.name AS unit_name, \
         p.online, p.limit_value, p.limit_unit, p.status, p.version"
    };
}

macro_rules! filters {
    () => {
        " AND ($2 IS NULL OR p.field_code = $2) AND ($3 IS NULL OR p.level = $3) AND ($4 IS NULL OR p.unit_id = $4) \
          AND ($5 IS NULL OR p.online = $5 OR ($5 = 'any' AND p.online <> 'none')) AND (p.status = 'published' OR $6) "
    };
}

const SQLITE_SEARCH: &str = concat!(
    "SELECT ",
    hit_cols!(),
    " FROM procedure_fts JOIN procedures p ON p.rowid = procedure_fts.rowid ",
    "JOIN fields f ON f.code = p.field_code JOIN units u ON u.id = p.unit_id ",
    "WHERE procedure_fts MATCH $1",
    filters!(),
    "ORDER BY CASE WHEN instr(p.name_exact, $7) > 0 THEN 0 WHEN instr(p.name_folded, $8) > 0 THEN 1 ",
    "WHEN instr(p.text_exact, $7) > 0 THEN 2 WHEN instr(p.text_folded, $8) > 0 THEN 3 ELSE 4 END, ",
    "CASE WHEN p.name_folded = $8 OR p.name_folded = ' thu tuc' || $8 THEN 0 ",
    "WHEN instr(p.name_folded, $8) = 1 OR instr(p.name_folded, ' thu tuc' || $8) = 1 THEN 1 ELSE 2 END, ",
    "length(p.name), bm25(procedure_fts, 10.0, 1.0), p.code LIMIT $9 OFFSET $10"
);
const SQLITE_COUNT: &str = concat!(
    "SELECT COUNT(*) FROM procedure_fts JOIN procedures p ON p.rowid = procedure_fts.rowid ",
    "WHERE procedure_fts MATCH $1",
    filters!()
);
const PG_SEARCH: &str = concat!(
    "SELECT ",
    hit_cols!(),
    " FROM procedures p ",
    "JOIN fields f ON f.code = p.field_code JOIN units u ON u.id = p.unit_id ",
    "WHERE p.search_tsv @@ to_tsquery('simple', $1)",
    filters!(),
    "ORDER BY CASE WHEN strpos(p.name_exact, $7) > 0 THEN 0 WHEN strpos(p.name_folded, $8) > 0 THEN 1 ",
    "WHEN strpos(p.text_exact, $7) > 0 THEN 2 WHEN strpos(p.text_folded, $8) > 0 THEN 3 ELSE 4 END, ",
    "CASE WHEN p.name_folded = $8 OR p.name_folded = ' thu tuc' || $8 THEN 0 ",
    "WHEN strpos(p.name_folded, $8) = 1 OR strpos(p.name_folded, ' thu tuc' || $8) = 1 THEN 1 ELSE 2 END, ",
    "length(p.name), ts_rank(p.search_tsv, to_tsquery('simple', $1)) DESC, p.code LIMIT $9 OFFSET $10"
);
const PG_COUNT: &str = concat!(
    "SELECT COUNT(*) FROM procedures p WHERE p.search_tsv @@ to_tsquery('simple', $1)",
    filters!()
);
const LIST: &str = concat!(
    "SELECT ",
    hit_cols!(),
    " FROM procedures p ",
    "JOIN fields f ON f.code = p.field_code JOIN units u ON u.id = p.unit_id ",
    "WHERE ($1 IS NULL OR $1 = '')",
    filters!(),
    "ORDER BY f.name, p.name, p.code LIMIT $9 OFFSET $10"
);
const LIST_COUNT: &str = concat!(
    "SELECT COUNT(*) FROM procedures p WHERE ($1 IS NULL OR $1 = '')",
    filters!()
);

/// Searches (or lists, without text) and returns one page of hits with the total.
pub async fn search(tx: &mut Tx, s: &SearchParams) -> DbResult<(Vec<Hit>, i64)> {
    let (sql, count_sql, q, exact, folded) = match (&s.text, &*tx) {
        (Some(t), Tx::Sqlite(_)) if !t.tokens.is_empty() => (
            SQLITE_SEARCH,
            SQLITE_COUNT,
            t.fts5(),
            t.phrase_exact.clone(),
            t.phrase_folded.clone(),
        ),
        (Some(t), Tx::Postgres(_)) if !t.tokens.is_empty() => (
            PG_SEARCH,
            PG_COUNT,
            t.tsquery(),
            t.phrase_exact.clone(),
            t.phrase_folded.clone(),
        ),
        _ => (
            LIST,
            LIST_COUNT,
            String::new(),
            String::new(),
            String::new(),
        ),
    };
    let hits = tx_run!(tx, |c| sqlx::query_as::<_, Hit>(sql)
        .bind(&q)
        .bind(&s.field)
        .bind(&s.level)
        .bind(s.unit_id)
        .bind(&s.online)
        .bind(s.include_unpublished)
        .bind(&exact)
        .bind(&folded)
        .bind(s.limit)
        .bind(s.offset)
        .fetch_all(&mut *c)
        .await)?;
    let total = tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(count_sql)
        .bind(&q)
        .bind(&s.field)
        .bind(&s.level)
        .bind(s.unit_id)
        .bind(&s.online)
        .bind(s.include_unpublished)
        .fetch_one(&mut *c)
        .await)?;
    Ok((hits, total))
}

pub async fn upsert_field(tx: &mut Tx, code: &str, name: &str, now: Ts) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO fields (code, name, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at"
    )
    .bind(code)
    .bind(name)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}

/// Fields with the number of published procedures in each.
pub async fn fields_with_counts(tx: &mut Tx) -> DbResult<Vec<(String, String, i64)>> {
    tx_run!(tx, |c| sqlx::query_as::<_, (String, String, i64)>(
        "SELECT f.code, f.name, COUNT(p.id) FROM fields f \
         LEFT JOIN procedures p ON p.field_code = f.code AND p.status = 'published' \
         GROUP BY f.code, f.name ORDER BY f.name"
    )
    .fetch_all(c)
    .await)
}

/// Units with the number of published procedures they are responsible for.
pub async fn units_with_counts(tx: &mut Tx) -> DbResult<Vec<(String, String, i64)>> {
    tx_run!(tx, |c| sqlx::query_as::<_, (String, String, i64)>(
        "SELECT u.code, u.name, COUNT(p.id) FROM procedures p JOIN units u ON u.id = p.unit_id \
         WHERE p.status = 'published' GROUP BY u.code, u.name ORDER BY u.name"
    )
    .fetch_all(c)
    .await)
}

pub async fn by_code(tx: &mut Tx, code: &str) -> DbResult<Option<ProcRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, ProcRow>(concat!(
        "SELECT ",
        proc_cols!(),
        " FROM procedures WHERE code = $1"
    ))
    .bind(code)
    .fetch_optional(c)
    .await)
}

pub async fn insert(tx: &mut Tx, p: &ProcRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(concat!(
        "INSERT INTO procedures (", proc_cols!(), ") VALUES ",
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)"
    ))
    .bind(p.id)
    .bind(&p.code)
    .bind(p.unit_id)
    .bind(&p.status)
    .bind(p.version)
    .bind(p.draft_version)
    .bind(&p.name)
    .bind(&p.field_code)
    .bind(&p.level)
    .bind(&p.online)
    .bind(p.limit_value)
    .bind(&p.limit_unit)
    .bind(p.complete)
    .bind(&p.publication_number)
    .bind(p.publication_date)
    .bind(p.effective_from)
    .bind(&p.name_folded)
    .bind(&p.name_exact)
    .bind(&p.text_folded)
    .bind(&p.text_exact)
    .bind(p.published_at)
    .bind(p.repealed_at)
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(&mut *c)
    .await
    .map(|_| ())
    })?;
    fts_sync(tx, p).await
}

/// Overwrites the current state of a procedure (same id).
pub async fn update(tx: &mut Tx, p: &ProcRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "UPDATE procedures SET code = $2, unit_id = $3, status = $4, version = $5, draft_version = $6, name = $7, \
         field_code = $8, level = $9, online = $10, limit_value = $11, limit_unit = $12, complete = $13, \
         publication_number = $14, publication_date = $15, effective_from = $16, name_folded = $17, name_exact = $18, \
         text_folded = $19, text_exact = $20, published_at = $21, repealed_at = $22, updated_at = $23 WHERE id = $1"
    )
    .bind(p.id)
    .bind(&p.code)
    .bind(p.unit_id)
    .bind(&p.status)
    .bind(p.version)
    .bind(p.draft_version)
    .bind(&p.name)
    .bind(&p.field_code)
    .bind(&p.level)
    .bind(&p.online)
    .bind(p.limit_value)
    .bind(&p.limit_unit)
    .bind(p.complete)
    .bind(&p.publication_number)
    .bind(p.publication_date)
    .bind(p.effective_from)
    .bind(&p.name_folded)
    .bind(&p.name_exact)
    .bind(&p.text_folded)
    .bind(&p.text_exact)
    .bind(p.published_at)
    .bind(p.repealed_at)
    .bind(p.updated_at)
    .execute(&mut *c)
    .await
    .map(|_| ())
    })?;
    fts_sync(tx, p).await
}

/// Keeps SQLite's FTS5 row in step with the procedure (PostgreSQL's vector is generated).
async fn fts_sync(tx: &mut Tx, p: &ProcRow) -> DbResult<()> {
    if let Tx::Sqlite(t) = tx {
        let rowid: i64 = sqlx::query_scalar("SELECT rowid FROM procedures WHERE id = $1")
            .bind(p.id)
            .fetch_one(&mut **t)
            .await?;
        sqlx::query("DELETE FROM procedure_fts WHERE rowid = $1")
            .bind(rowid)
            .execute(&mut **t)
            .await?;
        sqlx::query(
            "INSERT INTO procedure_fts (rowid, name_folded, text_folded) VALUES ($1, $2, $3)",
        )
        .bind(rowid)
        .bind(&p.name_folded)
        .bind(&p.text_folded)
        .execute(&mut **t)
        .await?;
    }
    Ok(())
}

pub async fn insert_version(tx: &mut Tx, v: &VersionRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO procedure_versions (id, procedure_id, unit_id, version, status, spec, created_at, created_by, published_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(v.id)
    .bind(v.procedure_id)
    .bind(v.unit_id)
    .bind(v.version)
    .bind(&v.status)
    .bind(&v.spec)
    .bind(v.created_at)
    .bind(v.created_by)
    .bind(v.published_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

/// Changes a version's status (and publication time when publishing).
pub async fn set_version_status(
    tx: &mut Tx,
    procedure_id: Uuid,
    version: i64,
    status: &str,
    published_at: Option<Ts>,
) -> DbResult<u64> {
    tx_run!(tx, |c| sqlx::query(
        "UPDATE procedure_versions SET status = $3, published_at = COALESCE($4, published_at) \
         WHERE procedure_id = $1 AND version = $2"
    )
    .bind(procedure_id)
    .bind(version)
    .bind(status)
    .bind(published_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
}

/// Replaces a draft version's content.
pub async fn update_version_spec(
    tx: &mut Tx,
    procedure_id: Uuid,
    version: i64,
    spec: &str,
) -> DbResult<u64> {
    tx_run!(tx, |c| {
        sqlx::query(
        "UPDATE procedure_versions SET spec = $3 WHERE procedure_id = $1 AND version = $2 AND status = 'draft'"
    )
    .bind(procedure_id)
    .bind(version)
    .bind(spec)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })
}

pub async fn version(
    tx: &mut Tx,
    procedure_id: Uuid,
    version: i64,
) -> DbResult<Option<VersionRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, VersionRow>(
        "SELECT id, procedure_id, unit_id, version, status, spec, created_at, created_by, published_at \
         FROM procedure_versions WHERE procedure_id = $1 AND version = $2"
    )
    .bind(procedure_id)
    .bind(version)
    .fetch_optional(c)
    .await
    })
}

/// Every version of a procedure, newest first.
pub async fn versions(tx: &mut Tx, procedure_id: Uuid) -> DbResult<Vec<VersionRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, VersionRow>(
        "SELECT id, procedure_id, unit_id, version, status, spec, created_at, created_by, published_at \
         FROM procedure_versions WHERE procedure_id = $1 ORDER BY version DESC"
    )
    .bind(procedure_id)
    .fetch_all(c)
    .await
    })
}

/// The current versions' content (JSON) of every procedure not repealed, ordered by code, `limit`
/// from `offset` (for export).
pub async fn current_specs(
    tx: &mut Tx,
    published_only: bool,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<String>> {
    tx_run!(tx, |c| {
        sqlx::query_scalar::<_, String>(
        "SELECT v.spec FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.version \
         WHERE p.status <> 'repealed' AND (p.status = 'published' OR NOT $3) ORDER BY p.code LIMIT $1 OFFSET $2"
    )
    .bind(limit)
    .bind(offset)
    .bind(published_only)
    .fetch_all(c)
    .await
    })
}

/// Per-unit disclosure facts for QĐ 766 group 1: (unit id, publication date, effective date,
/// first publication in congso, complete) of every published procedure.
pub async fn disclosure_facts(
    tx: &mut Tx,
) -> DbResult<Vec<(Uuid, Option<Date>, Option<Date>, Option<Ts>, bool)>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, (Uuid, Option<Date>, Option<Date>, Option<Ts>, bool)>(
        "SELECT unit_id, publication_date, effective_from, published_at, complete FROM procedures WHERE status = 'published'"
    )
    .fetch_all(c)
    .await
    })
}

pub async fn count(tx: &mut Tx) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM procedures"
    )
    .fetch_one(c)
    .await)
}
