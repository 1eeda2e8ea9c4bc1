//! The procedure catalogue: current state (`procedures`), versions, fields, and search.
//!
//! Search runs on folded text (see `congso_text`): SQLite's FTS5 table `procedure_fts`
//! (maintained here) or PostgreSQL's generated `search_tsv` with a GIN index. Ranking, the same on
//! both backends, in tiers: (1) the query phrase in the name with the same accents — only when the
//! query has accents; (2) the phrase in the folded name; (3) the phrase elsewhere in the text;
//! (4) all the words, not as a phrase. Within a tier the shortest name (the closest match) comes
//! first, then the oldest entry.

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
    /// Exact-accent tokens (lowercase, NFC).
    pub exact_tokens: Vec<String>,
    /// ` folded phrase ` padded with spaces for whole-word containment (no trailing space when
    /// the last word is a prefix).
    pub phrase_folded: String,
    /// ` exact phrase `, the same way.
    pub phrase_exact: String,
    /// Whether the query carries diacritics (then exact-accent name matches rank first).
    pub has_marks: bool,
    /// Treat the last token as a prefix (search as you type).
    pub prefix_last: bool,
}

fn quote(t: &str) -> String {
    format!("\"{}\"", t.replace('"', "\"\""))
}

impl TextQuery {
    fn fts_phrase(&self, tokens: &[String]) -> String {
        let p = quote(&tokens.join(" "));
        if self.prefix_last { format!("{p}*") } else { p }
    }

    fn fts_all(&self) -> String {
        let n = self.tokens.len();
        self.tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if self.prefix_last && i + 1 == n {
                    format!("{}*", quote(t))
                } else {
                    quote(t)
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

const PG_SEARCH: &str = concat!(
    "SELECT ",
    hit_cols!(),
    " FROM procedures p ",
    "JOIN fields f ON f.code = p.field_code JOIN units u ON u.id = p.unit_id ",
    "WHERE p.search_tsv @@ to_tsquery('simple', $1)",
    filters!(),
    "ORDER BY CASE WHEN $11 AND strpos(p.name_exact, $7) > 0 THEN 0 WHEN strpos(p.name_folded, $8) > 0 THEN 1 ",
    "WHEN strpos(p.text_folded, $8) > 0 THEN 2 ELSE 3 END, length(p.name), p.id LIMIT $9 OFFSET $10"
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
    "WHERE $1 = ''",
    filters!(),
    "ORDER BY p.name_folded, p.code LIMIT $9 OFFSET $10"
);
const LIST_COUNT: &str = concat!(
    "SELECT COUNT(*) FROM procedures p WHERE $1 = ''",
    filters!()
);
const SQLITE_HITS: &str = concat!(
    "SELECT ",
    hit_cols!(),
    ", p.rowid AS rid FROM procedures p ",
    "JOIN fields f ON f.code = p.field_code JOIN units u ON u.id = p.unit_id ",
    "WHERE p.rowid IN (SELECT value FROM json_each($1))"
);

/// A filter value as an FTS token: lowercase letters and digits only.
fn tag_token(prefix: &str, value: &str) -> String {
    let v: String = value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    format!("{prefix}{v}")
}

/// The `tags` column of a procedure's FTS row.
fn tags_of(p: &ProcRow) -> String {
    [
        tag_token("lv", &p.level),
        tag_token("on", &p.online),
        tag_token("fd", &p.field_code),
        tag_token("un", &p.unit_id.simple().to_string()),
    ]
    .join(" ")
}

/// The filters of a search as an FTS expression over `tags` (empty when there is none).
fn fts_filters(s: &SearchParams) -> Vec<String> {
    let tag = |t: String| format!("{{tags}} : {}", quote(&t));
    let mut out = vec![];
    if let Some(f) = &s.field {
        out.push(tag(tag_token("fd", f)));
    }
    if let Some(l) = &s.level {
        out.push(tag(tag_token("lv", l)));
    }
    if let Some(u) = s.unit_id {
        out.push(tag(tag_token("un", &u.simple().to_string())));
    }
    match s.online.as_deref() {
        Some("any") => out.push(format!(
            "({} OR {})",
            tag(tag_token("on", "full")),
            tag(tag_token("on", "partial"))
        )),
        Some(o) => out.push(tag(tag_token("on", o))),
        None => {}
    }
    out
}

fn and(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| format!("({p})"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The FTS rowid of a procedure: name length in the high bits, so matches come shortest first.
fn fts_key(name: &str, rowid: i64) -> i64 {
    ((name.chars().count().min(0x7fff_ffff) as i64) << 32) | (rowid & 0xffff_ffff)
}

#[derive(sqlx::FromRow)]
struct SqliteHit {
    #[sqlx(flatten)]
    hit: Hit,
    rid: i64,
}

/// SQLite: the ranking tiers as FTS5 queries, each returning rows shortest name first (the rowid
/// order), evaluated one after the other until the page is full, so a page reads only the index
/// entries it shows and nothing is sorted. Name tiers use the small names index.
async fn sqlite_search(
    conn: &mut sqlx::SqliteConnection,
    text: &TextQuery,
    s: &SearchParams,
) -> DbResult<(Vec<Hit>, i64)> {
    let filters = fts_filters(s);
    let phrase = text.fts_phrase(&text.tokens);
    let with = |q: String| {
        let mut parts = filters.clone();
        parts.push(q);
        and(&parts)
    };
    let all = with(format!("{{body}} : {}", text.fts_all()));
    // Tiers 1-2 (the phrase in the name) read the names index; tier 3 (the phrase in the text) and
    // tier 4 (all the words) the full index. A tier is only read when the ones before it were read
    // to the end, so its rows can be told apart from theirs in memory (no NOT queries). The last
    // tier is "all the words": reading it also counts the total (a window function), so the
    // match set is evaluated once.
    const NAMES: &str = "SELECT rowid, 0 FROM procedure_names_fts WHERE procedure_names_fts MATCH $1 ORDER BY rowid LIMIT $2";
    const FULL: &str =
        "SELECT rowid, 0 FROM procedure_fts WHERE procedure_fts MATCH $1 ORDER BY rowid LIMIT $2";
    const ALL: &str = "SELECT rowid, COUNT(*) OVER () FROM procedure_fts WHERE procedure_fts MATCH $1 ORDER BY rowid LIMIT $2";
    let mut tiers: Vec<(&str, String)> = vec![];
    if text.has_marks {
        let exact = format!("{{name_exact}} : {}", text.fts_phrase(&text.exact_tokens));
        tiers.push((NAMES, with(exact.clone())));
        tiers.push((
            NAMES,
            with(format!("{{name_folded}} : {phrase} NOT {exact}")),
        ));
    } else {
        tiers.push((NAMES, with(format!("{{name_folded}} : {phrase}"))));
    }
    if text.tokens.len() > 1 {
        tiers.push((FULL, with(format!("{{body}} : {phrase}"))));
    }
    tiers.push((ALL, all.clone()));
    let (mut skip, mut need) = (s.offset.max(0), s.limit.max(0));
    let mut keys: Vec<i64> = vec![];
    let mut total: Option<i64> = None;
    // Every row of the tiers read so far (they were read to the end).
    let mut earlier: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for (sql, q) in tiers {
        if need == 0 {
            break;
        }
        let window = (skip + need + earlier.len() as i64).max(1);
        let rows: Vec<(i64, i64)> = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql))
            .bind(&q)
            .bind(window)
            .fetch_all(&mut *conn)
            .await?;
        if sql == ALL {
            total = Some(rows.first().map_or(0, |r| r.1));
        }
        let complete = (rows.len() as i64) < window;
        let fresh: Vec<i64> = rows
            .into_iter()
            .map(|r| r.0)
            .filter(|r| !earlier.contains(r))
            .collect();
        let got = fresh.len() as i64;
        if got <= skip {
            skip -= got;
        } else {
            let take: Vec<i64> = fresh
                .iter()
                .copied()
                .skip(skip as usize)
                .take(need as usize)
                .collect();
            need -= take.len() as i64;
            skip = 0;
            keys.extend(take);
        }
        if !complete {
            break;
        }
        earlier.extend(fresh);
    }
    let total = match total {
        Some(t) => t,
        None => {
            sqlx::query_scalar("SELECT COUNT(*) FROM procedure_fts WHERE procedure_fts MATCH $1")
                .bind(&all)
                .fetch_one(&mut *conn)
                .await?
        }
    };
    let rowids: Vec<i64> = keys.iter().map(|k| k & 0xffff_ffff).collect();
    if rowids.is_empty() {
        return Ok((vec![], total));
    }
    let json = serde_json::to_string(&rowids).unwrap_or_else(|_| "[]".into());
    let mut found: Vec<SqliteHit> = sqlx::query_as(SQLITE_HITS)
        .bind(&json)
        .fetch_all(&mut *conn)
        .await?;
    let pos: std::collections::HashMap<i64, usize> =
        rowids.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    found.sort_by_key(|h| pos.get(&h.rid).copied().unwrap_or(usize::MAX));
    Ok((found.into_iter().map(|h| h.hit).collect(), total))
}

async fn pg_search(
    conn: &mut sqlx::PgConnection,
    text: &TextQuery,
    s: &SearchParams,
) -> DbResult<(Vec<Hit>, i64)> {
    let hits = sqlx::query_as::<_, Hit>(PG_SEARCH)
        .bind(text.tsquery())
        .bind(&s.field)
        .bind(&s.level)
        .bind(s.unit_id)
        .bind(&s.online)
        .bind(s.include_unpublished)
        .bind(&text.phrase_exact)
        .bind(&text.phrase_folded)
        .bind(s.limit)
        .bind(s.offset)
        .bind(text.has_marks)
        .fetch_all(&mut *conn)
        .await?;
    let total = sqlx::query_scalar::<_, i64>(PG_COUNT)
        .bind(text.tsquery())
        .bind(&s.field)
        .bind(&s.level)
        .bind(s.unit_id)
        .bind(&s.online)
        .bind(s.include_unpublished)
        .fetch_one(&mut *conn)
        .await?;
    Ok((hits, total))
}

const ADMIN_SEARCH: &str = concat!(
    "SELECT ",
    hit_cols!(),
    " FROM procedures p ",
    "JOIN fields f ON f.code = p.field_code JOIN units u ON u.id = p.unit_id ",
    "WHERE (p.name_folded LIKE '%' || $1 || '%' OR lower(p.code) LIKE $1 || '%')",
    filters!(),
    "ORDER BY length(p.name), p.code LIMIT $9 OFFSET $10"
);
const ADMIN_COUNT: &str = concat!(
    "SELECT COUNT(*) FROM procedures p WHERE (p.name_folded LIKE '%' || $1 || '%' OR lower(p.code) LIKE $1 || '%')",
    filters!()
);

/// Administration search (drafts and repealed procedures included): the folded phrase in the
/// name, or a code prefix; shortest names first.
async fn admin_search(
    tx: &mut Tx,
    text: &TextQuery,
    s: &SearchParams,
) -> DbResult<(Vec<Hit>, i64)> {
    let needle = text.tokens.join(" ");
    let hits = tx_run!(tx, |c| sqlx::query_as::<_, Hit>(ADMIN_SEARCH)
        .bind(&needle)
        .bind(&s.field)
        .bind(&s.level)
        .bind(s.unit_id)
        .bind(&s.online)
        .bind(s.include_unpublished)
        .bind("")
        .bind("")
        .bind(s.limit)
        .bind(s.offset)
        .fetch_all(&mut *c)
        .await)?;
    let total = tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(ADMIN_COUNT)
        .bind(&needle)
        .bind(&s.field)
        .bind(&s.level)
        .bind(s.unit_id)
        .bind(&s.online)
        .bind(s.include_unpublished)
        .fetch_one(&mut *c)
        .await)?;
    Ok((hits, total))
}

/// Searches (or lists, without text) and returns one page of hits with the total.
pub async fn search(tx: &mut Tx, s: &SearchParams) -> DbResult<(Vec<Hit>, i64)> {
    if let Some(text) = s.text.as_ref().filter(|t| !t.tokens.is_empty()) {
        if s.include_unpublished {
            return admin_search(tx, text, s).await;
        }
        return match tx {
            Tx::Sqlite(t) => sqlite_search(t, text, s).await,
            Tx::Postgres(t) => pg_search(t, text, s).await,
        };
    }
    let hits = tx_run!(tx, |c| sqlx::query_as::<_, Hit>(LIST)
        .bind("")
        .bind(&s.field)
        .bind(&s.level)
        .bind(s.unit_id)
        .bind(&s.online)
        .bind(s.include_unpublished)
        .bind("")
        .bind("")
        .bind(s.limit)
        .bind(s.offset)
        .fetch_all(&mut *c)
        .await)?;
    let total = tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(LIST_COUNT)
        .bind("")
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
    fts_sync(tx, p, None).await
}

/// Overwrites the current state of a procedure (same id).
pub async fn update(tx: &mut Tx, p: &ProcRow) -> DbResult<()> {
    let old_name: Option<String> = match tx {
        Tx::Sqlite(t) => {
            sqlx::query_scalar("SELECT name FROM procedures WHERE id = $1")
                .bind(p.id)
                .fetch_optional(&mut **t)
                .await?
        }
        Tx::Postgres(_) => None,
    };
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
    fts_sync(tx, p, old_name.as_deref()).await
}

/// Keeps SQLite's FTS5 row in step with the procedure (PostgreSQL's vector is generated). Only
/// published procedures are indexed (the public search); administration search scans names.
/// `old_name` is the name before the change (its key locates the old row).
async fn fts_sync(tx: &mut Tx, p: &ProcRow, old_name: Option<&str>) -> DbResult<()> {
    if let Tx::Sqlite(t) = tx {
        let rowid: i64 = sqlx::query_scalar("SELECT rowid FROM procedures WHERE id = $1")
            .bind(p.id)
            .fetch_one(&mut **t)
            .await?;
        if let Some(old) = old_name {
            for table in [
                "DELETE FROM procedure_fts WHERE rowid = $1",
                "DELETE FROM procedure_names_fts WHERE rowid = $1",
            ] {
                sqlx::query(table)
                    .bind(fts_key(old, rowid))
                    .execute(&mut **t)
                    .await?;
            }
        }
        if p.status != "published" {
            return Ok(());
        }
        let key = fts_key(&p.name, rowid);
        let tags = tags_of(p);
        sqlx::query("INSERT INTO procedure_names_fts (rowid, name_folded, name_exact, tags) VALUES ($1, $2, $3, $4)")
            .bind(key)
            .bind(&p.name_folded)
            .bind(&p.name_exact)
            .bind(&tags)
            .execute(&mut **t)
            .await?;
        // The separator keeps a phrase from running from the end of the name into the text.
        sqlx::query("INSERT INTO procedure_fts (rowid, body, tags) VALUES ($1, $2, $3)")
            .bind(key)
            .bind(format!("{} zzzsep {}", p.name_folded, p.text_folded))
            .bind(&tags)
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
