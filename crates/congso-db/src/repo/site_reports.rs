//! On-site reports (phản ánh hiện trường): categories (the Open311 services), routing rules,
//! reports with their extensions and photos, Open311 API keys and tokens.

use uuid::Uuid;

use crate::{DbResult, Ts, Tx, tx_run};

/// A report category (an Open311 service).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: Uuid,
    pub service_code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub group_name: String,
    /// Comma-separated.
    pub keywords: String,
    pub description: String,
    /// `realtime` (the request id is returned at once) or `batch` (a token is returned).
    pub service_type: String,
    /// The unit that handles reports of this category where no routing rule says otherwise.
    pub default_unit_id: Uuid,
    /// Working days to handle a normal report.
    pub handling_days: i64,
    /// Hours to handle an emergency report.
    pub emergency_hours: i64,
    /// JSON array of service-definition attributes (`[]`: none).
    pub attributes: String,
    pub active: bool,
    pub created_at: Ts,
}

macro_rules! category_cols {
    () => {
        "id, service_code, name, name_en, group_name, keywords, description, service_type, default_unit_id, \
         handling_days, emergency_hours, attributes, active, created_at"
    };
}

pub async fn insert_category(tx: &mut Tx, c: &CategoryRow) -> DbResult<()> {
    tx_run!(tx, |conn| sqlx::query(concat!(
        "INSERT INTO site_report_categories (",
        category_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ))
    .bind(c.id)
    .bind(&c.service_code)
    .bind(&c.name)
    .bind(&c.name_en)
    .bind(&c.group_name)
    .bind(&c.keywords)
    .bind(&c.description)
    .bind(&c.service_type)
    .bind(c.default_unit_id)
    .bind(c.handling_days)
    .bind(c.emergency_hours)
    .bind(&c.attributes)
    .bind(c.active)
    .bind(c.created_at)
    .execute(conn)
    .await
    .map(|_| ()))
}

/// The active categories, by group and name.
pub async fn categories(tx: &mut Tx) -> DbResult<Vec<CategoryRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, CategoryRow>(concat!(
        "SELECT ",
        category_cols!(),
        " FROM site_report_categories WHERE active = $1 ORDER BY group_name, name, service_code"
    ))
    .bind(true)
    .fetch_all(c)
    .await)
}

pub async fn category_by_code(tx: &mut Tx, code: &str) -> DbResult<Option<CategoryRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, CategoryRow>(concat!(
        "SELECT ",
        category_cols!(),
        " FROM site_report_categories WHERE service_code = $1 AND active = $2"
    ))
    .bind(code)
    .bind(true)
    .fetch_optional(c)
    .await)
}

pub async fn category_by_id(tx: &mut Tx, id: Uuid) -> DbResult<Option<CategoryRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, CategoryRow>(concat!(
        "SELECT ",
        category_cols!(),
        " FROM site_report_categories WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
}

/// Routes a category's reports from one commune or ward to a unit.
pub async fn insert_route(
    tx: &mut Tx,
    category_id: Uuid,
    area_unit_id: Uuid,
    unit_id: Uuid,
    now: Ts,
) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO site_report_routes (id, category_id, area_unit_id, unit_id, created_at) \
         VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(Uuid::now_v7())
    .bind(category_id)
    .bind(area_unit_id)
    .bind(unit_id)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}

/// The unit a routing rule names for a category in a commune or ward.
pub async fn route(tx: &mut Tx, category_id: Uuid, area_unit_id: Uuid) -> DbResult<Option<Uuid>> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, Uuid>(
        "SELECT unit_id FROM site_report_routes WHERE category_id = $1 AND area_unit_id = $2"
    )
    .bind(category_id)
    .bind(area_unit_id)
    .fetch_optional(c)
    .await)
}

/// An on-site report.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SiteReportRow {
    pub id: Uuid,
    pub category_id: Uuid,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    /// The commune or ward where it happened.
    pub area_unit_id: Option<Uuid>,
    /// `normal` or `emergency`.
    pub urgency: String,
    /// `portal` or `open311`.
    pub channel: String,
    pub reporter_id: Option<Uuid>,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_phone: Option<String>,
    /// JSON object of the service attributes' values.
    pub attributes: String,
    pub media_url: Option<String>,
    pub api_key_id: Option<Uuid>,
    pub state: String,
    /// The responsible unit.
    pub unit_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub original_deadline: Ts,
    /// The deadline in force (an approved extension replaces it).
    pub deadline: Ts,
    pub handled_at: Option<Ts>,
    /// `on_time`, `late` or `late_extended` once handled.
    pub outcome: Option<String>,
    /// The public result (or the reason of a rejection).
    pub result_text: Option<String>,
    pub rating: Option<String>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<Ts>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

macro_rules! report_cols {
    () => {
        "id, category_id, description, lat, lon, address, address_id, area_unit_id, urgency, channel, \
         reporter_id, reporter_name, reporter_email, reporter_phone, attributes, media_url, api_key_id, state, \
         unit_id, assignee_id, original_deadline, deadline, handled_at, outcome, result_text, rating, \
         rating_comment, rated_at, created_at, updated_at"
    };
}

pub async fn insert_report(tx: &mut Tx, r: &SiteReportRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(concat!(
        "INSERT INTO site_reports (",
        report_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
         $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30)"
    ))
    .bind(r.id)
    .bind(r.category_id)
    .bind(&r.description)
    .bind(r.lat)
    .bind(r.lon)
    .bind(&r.address)
    .bind(&r.address_id)
    .bind(r.area_unit_id)
    .bind(&r.urgency)
    .bind(&r.channel)
    .bind(r.reporter_id)
    .bind(&r.reporter_name)
    .bind(&r.reporter_email)
    .bind(&r.reporter_phone)
    .bind(&r.attributes)
    .bind(&r.media_url)
    .bind(r.api_key_id)
    .bind(&r.state)
    .bind(r.unit_id)
    .bind(r.assignee_id)
    .bind(r.original_deadline)
    .bind(r.deadline)
    .bind(r.handled_at)
    .bind(&r.outcome)
    .bind(&r.result_text)
    .bind(&r.rating)
    .bind(&r.rating_comment)
    .bind(r.rated_at)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

/// Writes the changing part of a report (the row was read in the same transaction).
pub async fn update_report(tx: &mut Tx, r: &SiteReportRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "UPDATE site_reports SET state = $2, unit_id = $3, assignee_id = $4, deadline = $5, handled_at = $6, \
         outcome = $7, result_text = $8, rating = $9, rating_comment = $10, rated_at = $11, updated_at = $12 \
         WHERE id = $1"
    )
    .bind(r.id)
    .bind(&r.state)
    .bind(r.unit_id)
    .bind(r.assignee_id)
    .bind(r.deadline)
    .bind(r.handled_at)
    .bind(&r.outcome)
    .bind(&r.result_text)
    .bind(&r.rating)
    .bind(&r.rating_comment)
    .bind(r.rated_at)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn report(tx: &mut Tx, id: Uuid) -> DbResult<Option<SiteReportRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, SiteReportRow>(concat!(
        "SELECT ",
        report_cols!(),
        " FROM site_reports WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(c)
    .await)
}

/// A report, locked for the rest of the transaction on PostgreSQL (SQLite's write transaction
/// already excludes other writers).
pub async fn report_for_update(tx: &mut Tx, id: Uuid) -> DbResult<Option<SiteReportRow>> {
    match tx {
        Tx::Sqlite(t) => {
            sqlx::query_as::<_, SiteReportRow>(concat!(
                "SELECT ",
                report_cols!(),
                " FROM site_reports WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(&mut **t)
            .await
        }
        Tx::Postgres(t) => {
            sqlx::query_as::<_, SiteReportRow>(concat!(
                "SELECT ",
                report_cols!(),
                " FROM site_reports WHERE id = $1 FOR UPDATE"
            ))
            .bind(id)
            .fetch_optional(&mut **t)
            .await
        }
    }
}

/// What to list. Empty lists do not filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// When given, only these reports (every other filter but `limit` is ignored).
    pub ids: Vec<Uuid>,
    pub category_ids: Vec<Uuid>,
    pub states: Vec<String>,
    pub area_unit_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    /// Reports of any of these responsible units.
    pub unit_ids: Vec<Uuid>,
    pub reporter_id: Option<Uuid>,
    /// Created in `[from, to)`.
    pub from: Option<Ts>,
    pub to: Option<Ts>,
    pub limit: i64,
    pub offset: i64,
}

enum Arg {
    Id(Uuid),
    Text(String),
    At(Ts),
}

fn filter_sql(f: &Filter, select: &str) -> (String, Vec<Arg>) {
    let mut sql = format!("SELECT {select} FROM site_reports WHERE 1 = 1");
    let mut args: Vec<Arg> = vec![];
    let list = |sql: &mut String, args: &mut Vec<Arg>, col: &str, values: Vec<Arg>| {
        let start = args.len();
        let marks: Vec<String> = (0..values.len())
            .map(|i| format!("${}", start + i + 1))
            .collect();
        sql.push_str(&format!(" AND {col} IN ({})", marks.join(", ")));
        args.extend(values);
    };
    if !f.ids.is_empty() {
        list(
            &mut sql,
            &mut args,
            "id",
            f.ids.iter().map(|i| Arg::Id(*i)).collect(),
        );
        return (sql, args);
    }
    if !f.category_ids.is_empty() {
        list(
            &mut sql,
            &mut args,
            "category_id",
            f.category_ids.iter().map(|i| Arg::Id(*i)).collect(),
        );
    }
    if !f.unit_ids.is_empty() {
        list(
            &mut sql,
            &mut args,
            "unit_id",
            f.unit_ids.iter().map(|i| Arg::Id(*i)).collect(),
        );
    }
    if !f.states.is_empty() {
        list(
            &mut sql,
            &mut args,
            "state",
            f.states.iter().map(|s| Arg::Text(s.clone())).collect(),
        );
    }
    for (col, v) in [
        ("area_unit_id", f.area_unit_id),
        ("unit_id", f.unit_id),
        ("reporter_id", f.reporter_id),
    ] {
        if let Some(id) = v {
            args.push(Arg::Id(id));
            sql.push_str(&format!(" AND {col} = ${}", args.len()));
        }
    }
    if let Some(from) = f.from {
        args.push(Arg::At(from));
        sql.push_str(&format!(" AND created_at >= ${}", args.len()));
    }
    if let Some(to) = f.to {
        args.push(Arg::At(to));
        sql.push_str(&format!(" AND created_at < ${}", args.len()));
    }
    (sql, args)
}

macro_rules! bind_args {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Id(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.clone()),
                Arg::At(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// Reports matching `f`, newest first.
pub async fn list(tx: &mut Tx, f: &Filter) -> DbResult<Vec<SiteReportRow>> {
    let (mut sql, args) = filter_sql(f, report_cols!());
    sql.push_str(&format!(
        " ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
        f.limit.clamp(0, 100_000),
        f.offset.max(0)
    ));
    tx_run!(tx, |c| bind_args!(
        sqlx::query_as::<_, SiteReportRow>(sqlx::AssertSqlSafe(sql.clone())),
        &args
    )
    .fetch_all(c)
    .await)
}

/// How many reports match `f` (without its limit).
pub async fn count(tx: &mut Tx, f: &Filter) -> DbResult<i64> {
    let (sql, args) = filter_sql(f, "COUNT(*)");
    tx_run!(tx, |c| bind_args!(
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone())),
        &args
    )
    .fetch_one(c)
    .await)
}

/// One group of the statistics: how many reports matching a filter are in a state, with an
/// outcome and a rating, and past their deadline at a given instant or not.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StatRow {
    pub state: String,
    pub outcome: Option<String>,
    pub rating: Option<String>,
    /// 1 when the deadline is before the instant given.
    pub overdue: i64,
    pub n: i64,
}

/// The reports matching `f`, counted in the database by state, outcome, rating and whether their
/// deadline is before `now` (one row per group, however many reports).
pub async fn stat_rows(tx: &mut Tx, f: &Filter, now: Ts) -> DbResult<Vec<StatRow>> {
    let (mut sql, mut args) = filter_sql(
        f,
        "state, outcome, rating, CAST(CASE WHEN deadline < {NOW} THEN 1 ELSE 0 END AS BIGINT) AS overdue, \
         COUNT(*) AS n",
    );
    args.push(Arg::At(now));
    sql = sql.replace("{NOW}", &format!("${}", args.len()));
    sql.push_str(" GROUP BY state, outcome, rating, CASE WHEN deadline < {NOW} THEN 1 ELSE 0 END");
    sql = sql.replace("{NOW}", &format!("${}", args.len()));
    tx_run!(tx, |c| bind_args!(
        sqlx::query_as::<_, StatRow>(sqlx::AssertSqlSafe(sql.clone())),
        &args
    )
    .fetch_all(c)
    .await)
}

/// A request for more time and its decision.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExtensionRow {
    pub id: Uuid,
    pub report_id: Uuid,
    pub requested_by: Option<Uuid>,
    pub reason: String,
    pub new_deadline: Ts,
    /// `approved`, `approved_late` (after the deadline: it does not move), `refused`, or `None`
    /// while pending.
    pub decision: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<Ts>,
    pub created_at: Ts,
}

pub async fn insert_extension(tx: &mut Tx, e: &ExtensionRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO site_report_extensions (id, report_id, requested_by, reason, new_deadline, decision, \
         decided_by, decided_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )
    .bind(e.id)
    .bind(e.report_id)
    .bind(e.requested_by)
    .bind(&e.reason)
    .bind(e.new_deadline)
    .bind(&e.decision)
    .bind(e.decided_by)
    .bind(e.decided_at)
    .bind(e.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn decide_extension(
    tx: &mut Tx,
    id: Uuid,
    decision: &str,
    by: Option<Uuid>,
    at: Ts,
) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "UPDATE site_report_extensions SET decision = $2, decided_by = $3, decided_at = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(decision)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn extensions_of(tx: &mut Tx, report_id: Uuid) -> DbResult<Vec<ExtensionRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, ExtensionRow>(
        "SELECT id, report_id, requested_by, reason, new_deadline, decision, decided_by, decided_at, created_at \
         FROM site_report_extensions WHERE report_id = $1 ORDER BY created_at, id"
    )
    .bind(report_id)
    .fetch_all(c)
    .await
    })
}

/// A photo of a report or of its result.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MediaRow {
    pub id: Uuid,
    pub report_id: Uuid,
    /// `report` or `result`.
    pub purpose: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub uploaded_by: Option<Uuid>,
    pub created_at: Ts,
}

pub async fn insert_media(tx: &mut Tx, m: &MediaRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO site_report_media (id, report_id, purpose, file_name, content_type, size_bytes, sha256, \
         storage_key, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(m.id)
    .bind(m.report_id)
    .bind(&m.purpose)
    .bind(&m.file_name)
    .bind(&m.content_type)
    .bind(m.size_bytes)
    .bind(&m.sha256)
    .bind(&m.storage_key)
    .bind(m.uploaded_by)
    .bind(m.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

pub async fn media_of(tx: &mut Tx, report_id: Uuid) -> DbResult<Vec<MediaRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, MediaRow>(
        "SELECT id, report_id, purpose, file_name, content_type, size_bytes, sha256, storage_key, uploaded_by, \
         created_at FROM site_report_media WHERE report_id = $1 ORDER BY created_at, id"
    )
    .bind(report_id)
    .fetch_all(c)
    .await
    })
}

/// How many report photos point at a stored file.
pub async fn media_key_uses(tx: &mut Tx, key: &str) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM site_report_media WHERE storage_key = $1"
    )
    .bind(key)
    .fetch_one(c)
    .await)
}

/// An Open311 API key (only its digest is stored).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: Uuid,
    pub name: String,
    pub digest: String,
    pub created_at: Ts,
    pub revoked_at: Option<Ts>,
}

pub async fn insert_key(tx: &mut Tx, k: &ApiKeyRow) -> DbResult<()> {
    tx_run!(tx, |c| {
        sqlx::query(
        "INSERT INTO open311_keys (id, name, digest, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(k.id)
    .bind(&k.name)
    .bind(&k.digest)
    .bind(k.created_at)
    .bind(k.revoked_at)
    .execute(c)
    .await
    .map(|_| ())
    })
}

/// The key with this digest, unless revoked.
pub async fn key_by_digest(tx: &mut Tx, digest: &str) -> DbResult<Option<ApiKeyRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, ApiKeyRow>(
        "SELECT id, name, digest, created_at, revoked_at FROM open311_keys WHERE digest = $1 AND revoked_at IS NULL"
    )
    .bind(digest)
    .fetch_optional(c)
    .await
    })
}

pub async fn insert_token(tx: &mut Tx, token: &str, report_id: Uuid, now: Ts) -> DbResult<()> {
    tx_run!(tx, |c| sqlx::query(
        "INSERT INTO open311_tokens (token, report_id, created_at) VALUES ($1, $2, $3)"
    )
    .bind(token)
    .bind(report_id)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))
}

pub async fn token(tx: &mut Tx, token: &str) -> DbResult<Option<Uuid>> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, Uuid>(
        "SELECT report_id FROM open311_tokens WHERE token = $1"
    )
    .bind(token)
    .fetch_optional(c)
    .await)
}

/// Rows in the site-report tables (reports, photos, tokens), for tests that check nothing was
/// written.
pub async fn row_counts(tx: &mut Tx) -> DbResult<(i64, i64, i64)> {
    tx_run!(tx, |c| sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT (SELECT COUNT(*) FROM site_reports), (SELECT COUNT(*) FROM site_report_media), \
         (SELECT COUNT(*) FROM open311_tokens)"
    )
    .fetch_one(c)
    .await)
}
