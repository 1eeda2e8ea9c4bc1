//! The procedure catalogue: search, versions, create / edit / publish / repeal, import and export,
//! and the QĐ 766 group 1 disclosure indicators.
//!
//! Versioning: creating a procedure makes draft version 1; editing makes (or replaces) a pending
//! draft; publishing makes the draft the current version (older versions stay readable as
//! `superseded`). Import publishes directly (a catalogue import carries already-published
//! procedures): a new code is created, a changed one gets a new published version, an identical
//! one is left alone.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

use congso_db::repo::procedures::{
    self as repo, Hit, ProcRow, SearchParams, TextQuery, VersionRow,
};
use congso_db::repo::{settings, units};
use congso_db::{Ts, Tx};
use congso_domain::procedure::{ProcedureSpec, SpecError};
use congso_domain::{ErrorCode, Permission};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, Subject};
use crate::{Actor, App, AppError, AppResult};

/// Largest page a search returns.
pub const MAX_PER_PAGE: i64 = 100;

/// A search request (public or administration).
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub q: Option<String>,
    pub field: Option<String>,
    pub level: Option<String>,
    /// Unit code.
    pub unit: Option<String>,
    pub online: Option<String>,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
    /// Treat the last word as a prefix (search as you type).
    pub prefix: bool,
    pub include_unpublished: bool,
}

#[derive(Debug, Clone)]
pub struct SearchResult {
    pub total: i64,
    pub items: Vec<Hit>,
    pub page: i64,
    pub per_page: i64,
}

/// Prepares the text query: folded and exact-accent tokens and the phrases used for ranking.
pub fn text_query(q: &str, prefix: bool) -> Option<TextQuery> {
    let tokens: Vec<String> = congso_text::tokens(q).into_iter().take(16).collect();
    if tokens.is_empty() {
        return None;
    }
    let exact_tokens: Vec<String> = congso_text::exact_phrase(q)
        .split(' ')
        .filter(|t| !t.is_empty())
        .take(16)
        .map(str::to_owned)
        .collect();
    let end = if prefix { "" } else { " " };
    Some(TextQuery {
        phrase_folded: format!(" {}{end}", tokens.join(" ")),
        phrase_exact: format!(" {}{end}", exact_tokens.join(" ")),
        has_marks: exact_tokens.join(" ") != tokens.join(" "),
        exact_tokens,
        tokens,
        prefix_last: prefix,
    })
}

fn bad(field: &str, value: &str) -> AppError {
    AppError::new(ErrorCode::InvalidInput).with_detail(format!("{field}={value}"))
}

/// Public searches are cached per server (popular queries repeat); the cache is emptied when this
/// server changes the catalogue, and when the `catalogue_version` setting shows another server
/// did (checked at most every few seconds).
#[derive(Default)]
pub struct SearchCache {
    inner: Mutex<CacheInner>,
}

#[derive(Default)]
struct CacheInner {
    version: String,
    checked: Option<Instant>,
    entries: HashMap<String, SearchResult>,
}

const CACHE_RECHECK: StdDuration = StdDuration::from_secs(5);
const CACHE_CAPACITY: usize = 2000;
const VERSION_KEY: &str = "catalogue_version";

impl SearchCache {
    fn get(&self, key: &str) -> Option<SearchResult> {
        let inner = self.inner.lock().ok()?;
        inner.checked.filter(|c| c.elapsed() < CACHE_RECHECK)?;
        inner.entries.get(key).cloned()
    }

    fn put(&self, version: String, key: String, value: SearchResult) {
        if let Ok(mut inner) = self.inner.lock() {
            if inner.version != version {
                inner.entries.clear();
                inner.version = version;
            }
            if inner.entries.len() >= CACHE_CAPACITY {
                inner.entries.clear();
            }
            inner.checked = Some(Instant::now());
            inner.entries.insert(key, value);
        }
    }

    /// Forgets everything (after a change on this server).
    pub fn clear(&self) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.entries.clear();
            inner.checked = None;
        }
    }
}

/// Marks the catalogue as changed: other servers drop their cached searches.
async fn bump_version(tx: &mut Tx, now: Ts) -> AppResult<()> {
    settings::put(tx, VERSION_KEY, &congso_domain::new_id().to_string(), now).await?;
    Ok(())
}

/// Searches the catalogue.
pub async fn search(app: &App, s: &Search) -> AppResult<SearchResult> {
    let per_page = if s.per_page <= 0 {
        20
    } else {
        s.per_page.min(MAX_PER_PAGE)
    };
    let page = s.page.max(1);
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let level = clean(&s.level);
    if let Some(l) = &level
        && congso_domain::procedure::Level::parse(l).is_none()
    {
        return Err(bad("level", l));
    }
    let online = clean(&s.online);
    if let Some(o) = &online
        && o != "any"
        && congso_domain::procedure::OnlineLevel::parse(o).is_none()
    {
        return Err(bad("online", o));
    }
    let text = s.q.as_deref().and_then(|q| text_query(q, s.prefix));
    let unit = clean(&s.unit);
    let field = clean(&s.field);
    let key = format!(
        "{:?}|{field:?}|{level:?}|{unit:?}|{online:?}|{page}|{per_page}",
        text.as_ref()
            .map(|t| (&t.tokens, &t.exact_tokens, t.prefix_last)),
    );
    if !s.include_unpublished
        && let Some(hit) = app.catalogue.get(&key)
    {
        return Ok(hit);
    }
    let mut tx = app.db.begin_read().await?;
    let version = settings::get(&mut tx, VERSION_KEY)
        .await?
        .unwrap_or_default();
    let unit_id = match &unit {
        Some(code) => Some(
            units::by_code_on(&mut tx, code, app.today())
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.clone()))?
                .id,
        ),
        None => None,
    };
    let params = SearchParams {
        text,
        field,
        level,
        unit_id,
        online,
        include_unpublished: s.include_unpublished,
        limit: per_page,
        offset: (page - 1).saturating_mul(per_page),
    };
    let (items, total) = repo::search(&mut tx, &params).await?;
    tx.commit().await?;
    let result = SearchResult {
        total,
        items,
        page,
        per_page,
    };
    if !s.include_unpublished {
        app.catalogue.put(version, key, result.clone());
    }
    Ok(result)
}

/// A procedure with one of its versions' content.
#[derive(Debug, Clone)]
pub struct ProcedureView {
    pub row: ProcRow,
    pub version: VersionRow,
    pub spec: ProcedureSpec,
    pub unit_code: String,
    pub unit_name: String,
    /// (version, status, published_at) of every version, newest first.
    pub history: Vec<(i64, String, Option<Ts>)>,
}

/// The published version of a procedure (for submissions).
pub async fn published_spec(app: &App, code: &str) -> AppResult<ProcedureSpec> {
    let v = get(app, code, None, false).await?;
    if v.row.status != "published" {
        return Err(AppError::new(ErrorCode::ProcedureNotFound).with_detail(code.to_owned()));
    }
    Ok(v.spec)
}

/// The current (or a given) version of a procedure. Unpublished procedures are only visible with
/// `include_unpublished`.
pub async fn get(
    app: &App,
    code: &str,
    version: Option<i64>,
    include_unpublished: bool,
) -> AppResult<ProcedureView> {
    let mut tx = app.db.begin_read().await?;
    let row = repo::by_code(&mut tx, code.trim())
        .await?
        .filter(|r| include_unpublished || r.status != "draft")
        .ok_or(AppError::new(ErrorCode::ProcedureNotFound).with_detail(code.to_owned()))?;
    let v = version.unwrap_or(row.version);
    let version = repo::version(&mut tx, row.id, v)
        .await?
        .filter(|v| include_unpublished || v.status != "draft")
        .ok_or(AppError::new(ErrorCode::ProcedureNotFound).with_detail(format!("{code} v{v}")))?;
    let spec: ProcedureSpec = serde_json::from_str(&version.spec).map_err(AppError::internal)?;
    let unit = units::by_id(&mut tx, row.unit_id)
        .await?
        .ok_or(AppError::not_found())?;
    let history = repo::versions(&mut tx, row.id)
        .await?
        .into_iter()
        .filter(|v| include_unpublished || v.status != "draft")
        .map(|v| (v.version, v.status, v.published_at))
        .collect();
    tx.commit().await?;
    Ok(ProcedureView {
        row,
        version,
        spec,
        unit_code: unit.code,
        unit_name: unit.name,
        history,
    })
}

fn parse_date(s: &Option<String>) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    s.as_deref().and_then(|d| Date::parse(d, &fmt).ok())
}

/// The search projection of a spec.
fn projection(
    spec: &ProcedureSpec,
    id: Uuid,
    unit_id: Uuid,
    status: &str,
    version: i64,
    now: Ts,
) -> ProcRow {
    let limit = spec.shortest_limit();
    let mut other = vec![
        spec.field.name.clone(),
        spec.code.clone(),
        spec.applicants.clone(),
        spec.result.clone(),
    ];
    other.extend(spec.documents.iter().map(|d| d.name.clone()));
    other.extend(spec.implementing.iter().cloned());
    other.extend(spec.competent_unit.iter().cloned());
    other.extend(spec.legal_basis.iter().cloned());
    let other = other.join(" \n ");
    let pad = |s: String| format!(" {s} ");
    ProcRow {
        id,
        code: spec.code.clone(),
        unit_id,
        status: status.to_owned(),
        version,
        draft_version: None,
        name: spec.name.trim().to_owned(),
        field_code: spec.field.code.trim().to_owned(),
        level: spec.level.as_str().to_owned(),
        online: spec.online.as_str().to_owned(),
        limit_value: limit.map_or(0, |l| l.value),
        limit_unit: limit.map_or("working_days", |l| l.unit.as_str()).to_owned(),
        complete: spec.has_complete_components(),
        publication_number: spec.publication.as_ref().map(|p| p.number.clone()),
        publication_date: parse_date(&spec.publication.as_ref().map(|p| p.date.clone())),
        effective_from: parse_date(&spec.effective_from),
        name_folded: pad(congso_text::phrase(&spec.name)),
        name_exact: pad(congso_text::exact_phrase(&spec.name)),
        text_folded: pad(congso_text::phrase(&other)),
        text_exact: pad(congso_text::exact_phrase(&other)),
        published_at: None,
        repealed_at: None,
        created_at: now,
        updated_at: now,
    }
}

fn spec_json(spec: &ProcedureSpec) -> AppResult<String> {
    serde_json::to_string(spec).map_err(AppError::internal)
}

fn invalid(e: SpecError) -> AppError {
    AppError::new(ErrorCode::InvalidProcedure).with_detail(e.to_string())
}

/// The unit in force today with this code (the unit responsible for the procedure).
async fn unit_of(tx: &mut Tx, app: &App, code: &str) -> AppResult<Uuid> {
    Ok(units::by_code_on(tx, code.trim(), app.today())
        .await?
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?
        .id)
}

fn subject(p: &ProcRow) -> Subject<'static> {
    Subject {
        kind: "procedure",
        id: p.id,
        unit_id: Some(p.unit_id),
    }
}

/// Creates a procedure as draft version 1. Needs `catalogue_manage` on its unit.
pub async fn create(app: &App, actor: &Actor, spec: ProcedureSpec) -> AppResult<ProcRow> {
    spec.validate().map_err(invalid)?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let unit_id = unit_of(&mut tx, app, &spec.unit).await?;
    actor
        .require(&mut tx, Permission::CatalogueManage, unit_id)
        .await?;
    if repo::by_code(&mut tx, &spec.code).await?.is_some() {
        return Err(AppError::new(ErrorCode::ProcedureCodeTaken).with_detail(spec.code.clone()));
    }
    repo::upsert_field(&mut tx, &spec.field.code, &spec.field.name, now).await?;
    let mut row = projection(&spec, congso_domain::new_id(), unit_id, "draft", 1, now);
    row.draft_version = Some(1);
    repo::insert(&mut tx, &row).await?;
    repo::insert_version(
        &mut tx,
        &version_row(&row, 1, "draft", &spec, now, actor.user_id, None)?,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        subject(&row),
        "procedure.created",
        json!({ "code": row.code, "version": 1 }),
        now,
    )
    .await?;
    bump_version(&mut tx, now).await?;
    tx.commit().await?;
    app.catalogue.clear();
    Ok(row)
}

fn version_row(
    row: &ProcRow,
    version: i64,
    status: &str,
    spec: &ProcedureSpec,
    now: Ts,
    by: Option<Uuid>,
    published_at: Option<Ts>,
) -> AppResult<VersionRow> {
    Ok(VersionRow {
        id: congso_domain::new_id(),
        procedure_id: row.id,
        unit_id: row.unit_id,
        version,
        status: status.to_owned(),
        spec: spec_json(spec)?,
        created_at: now,
        created_by: by,
        published_at,
    })
}

/// Edits a procedure: the content goes into its pending draft (created as the next version if
/// there is none). The published version stays current until the draft is published. The code
/// cannot change. Needs `catalogue_manage` on the procedure's unit (and on the new unit).
pub async fn edit(app: &App, actor: &Actor, code: &str, spec: ProcedureSpec) -> AppResult<i64> {
    spec.validate().map_err(invalid)?;
    if spec.code != code {
        return Err(AppError::new(ErrorCode::InvalidProcedure)
            .with_detail("code: không được đổi mã (the code cannot change)"));
    }
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let mut row = repo::by_code(&mut tx, code)
        .await?
        .ok_or(AppError::new(ErrorCode::ProcedureNotFound).with_detail(code.to_owned()))?;
    actor
        .require(&mut tx, Permission::CatalogueManage, row.unit_id)
        .await?;
    let new_unit = unit_of(&mut tx, app, &spec.unit).await?;
    actor
        .require(&mut tx, Permission::CatalogueManage, new_unit)
        .await?;
    if row.status == "repealed" {
        return Err(AppError::new(ErrorCode::ProcedureRepealed));
    }
    repo::upsert_field(&mut tx, &spec.field.code, &spec.field.name, now).await?;
    let draft = match row.draft_version {
        Some(v) => {
            repo::update_version_spec(&mut tx, row.id, v, &spec_json(&spec)?).await?;
            v
        }
        None => {
            let v = row.version + 1;
            repo::insert_version(
                &mut tx,
                &version_row(&row, v, "draft", &spec, now, actor.user_id, None)?,
            )
            .await?;
            v
        }
    };
    if row.status == "draft" {
        // Never published: the draft is what the administration sees.
        let mut fresh = projection(&spec, row.id, new_unit, "draft", draft, now);
        fresh.draft_version = Some(draft);
        fresh.created_at = row.created_at;
        row = fresh;
    } else {
        row.draft_version = Some(draft);
        row.updated_at = now;
    }
    repo::update(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        subject(&row),
        "procedure.edited",
        json!({ "draft_version": draft }),
        now,
    )
    .await?;
    bump_version(&mut tx, now).await?;
    tx.commit().await?;
    app.catalogue.clear();
    Ok(draft)
}

/// Publishes the pending draft: it becomes the current version. Needs `catalogue_manage`.
pub async fn publish(app: &App, actor: &Actor, code: &str) -> AppResult<i64> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let row = repo::by_code(&mut tx, code)
        .await?
        .ok_or(AppError::new(ErrorCode::ProcedureNotFound).with_detail(code.to_owned()))?;
    actor
        .require(&mut tx, Permission::CatalogueManage, row.unit_id)
        .await?;
    if row.status == "repealed" {
        return Err(AppError::new(ErrorCode::ProcedureRepealed));
    }
    let v = row
        .draft_version
        .ok_or(AppError::new(ErrorCode::NothingToPublish))?;
    let draft = repo::version(&mut tx, row.id, v)
        .await?
        .ok_or(AppError::not_found())?;
    let spec: ProcedureSpec = serde_json::from_str(&draft.spec).map_err(AppError::internal)?;
    let unit_id = unit_of(&mut tx, app, &spec.unit).await?;
    if row.status == "published" {
        repo::set_version_status(&mut tx, row.id, row.version, "superseded", None).await?;
    }
    repo::set_version_status(&mut tx, row.id, v, "published", Some(now)).await?;
    let mut fresh = projection(&spec, row.id, unit_id, "published", v, now);
    fresh.created_at = row.created_at;
    fresh.published_at = row.published_at.or(Some(now));
    repo::update(&mut tx, &fresh).await?;
    audit::record(
        &mut tx,
        actor,
        subject(&fresh),
        "procedure.published",
        json!({ "version": v }),
        now,
    )
    .await?;
    bump_version(&mut tx, now).await?;
    tx.commit().await?;
    app.catalogue.clear();
    Ok(v)
}

/// Repeals a procedure (bãi bỏ): it leaves the public catalogue; its versions stay readable.
pub async fn repeal(app: &App, actor: &Actor, code: &str, note: Option<String>) -> AppResult<()> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let mut row = repo::by_code(&mut tx, code)
        .await?
        .ok_or(AppError::new(ErrorCode::ProcedureNotFound).with_detail(code.to_owned()))?;
    actor
        .require(&mut tx, Permission::CatalogueManage, row.unit_id)
        .await?;
    if row.status == "repealed" {
        return Err(AppError::new(ErrorCode::ProcedureRepealed));
    }
    row.status = "repealed".to_owned();
    row.repealed_at = Some(now);
    row.updated_at = now;
    repo::update(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        subject(&row),
        "procedure.repealed",
        json!({ "note": note }),
        now,
    )
    .await?;
    bump_version(&mut tx, now).await?;
    tx.commit().await?;
    app.catalogue.clear();
    Ok(())
}

/// One problem in an import file: the row (1-based position in the file), the procedure code when
/// known, the field and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub row: usize,
    pub code: Option<String>,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "dòng/row {}", self.row)?;
        if let Some(c) = &self.code {
            write!(f, " ({c})")?;
        }
        write!(f, ", {}: {}", self.field, self.message)
    }
}

impl From<ImportError> for AppError {
    fn from(e: ImportError) -> AppError {
        AppError::new(ErrorCode::ImportFailed).with_detail(e.to_string())
    }
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Imports procedures, all or nothing: every row is validated (shape, mandatory components, unit
/// codes, duplicate codes) before anything is written, and the writes are one transaction.
/// `progress(done, total)` is called as rows are written. Needs `catalogue_manage` on every unit.
pub async fn import(
    app: &App,
    actor: &Actor,
    specs: Vec<ProcedureSpec>,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> AppResult<ImportReport> {
    let mut seen = HashSet::new();
    for (i, s) in specs.iter().enumerate() {
        s.validate().map_err(|e| ImportError {
            row: i + 1,
            code: Some(s.code.clone()),
            field: e.field,
            message: e.message,
        })?;
        if !seen.insert(s.code.clone()) {
            return Err(ImportError {
                row: i + 1,
                code: Some(s.code.clone()),
                field: "code".into(),
                message: "mã bị lặp trong tệp (duplicate code in the file)".into(),
            }
            .into());
        }
    }
    let now = app.now();
    let today = app.today();
    let mut tx = app.db.begin_write().await?;
    // Units: resolve each code once, check the permission once per unit.
    let mut unit_ids: HashMap<String, Uuid> = HashMap::new();
    for (i, s) in specs.iter().enumerate() {
        let code = s.unit.trim().to_owned();
        if unit_ids.contains_key(&code) {
            continue;
        }
        let Some(u) = units::by_code_on(&mut tx, &code, today).await? else {
            return Err(ImportError {
                row: i + 1,
                code: Some(s.code.clone()),
                field: "unit".into(),
                message: format!("không có đơn vị mã {code} (unknown unit code)"),
            }
            .into());
        };
        actor
            .require(&mut tx, Permission::CatalogueManage, u.id)
            .await?;
        unit_ids.insert(code, u.id);
    }
    let mut fields: HashMap<&str, &str> = HashMap::new();
    for s in &specs {
        fields.insert(&s.field.code, &s.field.name);
    }
    for (code, name) in fields {
        repo::upsert_field(&mut tx, code, name, now).await?;
    }
    let total = specs.len();
    let mut report = ImportReport::default();
    for (i, spec) in specs.iter().enumerate() {
        let unit_id = unit_ids[spec.unit.trim()];
        match repo::by_code(&mut tx, &spec.code).await? {
            None => {
                let mut row =
                    projection(spec, congso_domain::new_id(), unit_id, "published", 1, now);
                row.published_at = Some(now);
                repo::insert(&mut tx, &row).await?;
                repo::insert_version(
                    &mut tx,
                    &version_row(&row, 1, "published", spec, now, actor.user_id, Some(now))?,
                )
                .await?;
                audit::record(
                    &mut tx,
                    actor,
                    subject(&row),
                    "procedure.imported",
                    json!({ "version": 1 }),
                    now,
                )
                .await?;
                report.created += 1;
            }
            Some(existing) => {
                let current = repo::version(&mut tx, existing.id, existing.version).await?;
                let same = existing.status == "published"
                    && current
                        .as_ref()
                        .and_then(|v| serde_json::from_str::<ProcedureSpec>(&v.spec).ok())
                        .is_some_and(|c| &c == spec);
                if same {
                    report.unchanged += 1;
                } else {
                    let v = existing.version.max(existing.draft_version.unwrap_or(0)) + 1;
                    if existing.status == "published" {
                        repo::set_version_status(
                            &mut tx,
                            existing.id,
                            existing.version,
                            "superseded",
                            None,
                        )
                        .await?;
                    }
                    if let Some(d) = existing.draft_version {
                        repo::set_version_status(&mut tx, existing.id, d, "superseded", None)
                            .await?;
                    }
                    let mut row = projection(spec, existing.id, unit_id, "published", v, now);
                    row.created_at = existing.created_at;
                    row.published_at = existing.published_at.or(Some(now));
                    repo::update(&mut tx, &row).await?;
                    repo::insert_version(
                        &mut tx,
                        &version_row(&row, v, "published", spec, now, actor.user_id, Some(now))?,
                    )
                    .await?;
                    audit::record(
                        &mut tx,
                        actor,
                        subject(&row),
                        "procedure.imported",
                        json!({ "version": v }),
                        now,
                    )
                    .await?;
                    report.updated += 1;
                }
            }
        }
        if (i + 1) % 500 == 0 || i + 1 == total {
            progress(i + 1, total);
        }
    }
    bump_version(&mut tx, now).await?;
    tx.commit().await?;
    app.catalogue.clear();
    Ok(report)
}

/// Every procedure not repealed (only published ones with `published_only`), current version,
/// ordered by code.
pub async fn export(app: &App, published_only: bool) -> AppResult<Vec<ProcedureSpec>> {
    let mut out = vec![];
    let mut tx = app.db.begin_read().await?;
    loop {
        let page = repo::current_specs(&mut tx, published_only, 1000, out.len() as i64).await?;
        let n = page.len();
        for s in page {
            out.push(serde_json::from_str(&s).map_err(AppError::internal)?);
        }
        if n < 1000 {
            break;
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Fields and units with their number of published procedures (the public directory).
pub async fn directory(
    app: &App,
) -> AppResult<(Vec<(String, String, i64)>, Vec<(String, String, i64)>)> {
    let mut tx = app.db.begin_read().await?;
    let fields = repo::fields_with_counts(&mut tx).await?;
    let units = repo::units_with_counts(&mut tx).await?;
    tx.commit().await?;
    Ok((fields, units))
}

/// One indicator: numerator / denominator as a percentage (0 when the denominator is 0).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Indicator {
    pub code: &'static str,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub numerator: i64,
    pub denominator: i64,
    pub rate: f64,
}

impl Indicator {
    fn new(
        code: &'static str,
        name_vi: &'static str,
        name_en: &'static str,
        numerator: i64,
        denominator: i64,
    ) -> Indicator {
        let rate = if denominator == 0 {
            0.0
        } else {
            (numerator as f64 * 10000.0 / denominator as f64).round() / 100.0
        };
        Indicator {
            code,
            name_vi,
            name_en,
            numerator,
            denominator,
            rate,
        }
    }
}

/// QĐ 766 group 1 indicators computed from the catalogue, for the procedures of a unit and the
/// units below it (all units when `unit` is `None`):
/// - 1.1 published on time: the publication decision dated at least 5 working days before the
///   legal basis takes effect (procedures that record both dates);
/// - 1.2 disclosed on time: made public in congso within 5 working days after the decision;
/// - 1.3 complete components (NĐ 63/2010 Art. 8 cl. 2).
pub async fn disclosure_indicators(app: &App, unit: Option<&str>) -> AppResult<Vec<Indicator>> {
    let calendar = crate::calendar::working_calendar(app).await?;
    let mut tx = app.db.begin_read().await?;
    let scope: Option<HashSet<Uuid>> = match unit {
        Some(code) => {
            let root = units::by_code_on(&mut tx, code.trim(), app.today())
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?;
            let mut set = HashSet::new();
            for u in units::list(&mut tx, None).await? {
                if units::ancestors(&mut tx, u.id).await?.contains(&root.id) {
                    set.insert(u.id);
                }
            }
            Some(set)
        }
        None => None,
    };
    let facts = repo::disclosure_facts(&mut tx).await?;
    tx.commit().await?;
    let (mut pub_ok, mut pub_n, mut dis_ok, mut dis_n, mut complete, mut all) = (0, 0, 0, 0, 0, 0);
    for (unit_id, publication, effective, published_at, is_complete) in facts {
        if scope.as_ref().is_some_and(|s| !s.contains(&unit_id)) {
            continue;
        }
        all += 1;
        if is_complete {
            complete += 1;
        }
        if let (Some(p), Some(e)) = (publication, effective) {
            pub_n += 1;
            // On time when at least 5 working days separate the decision from the effective date.
            if calendar.working_days_between(p, e) >= 5 {
                pub_ok += 1;
            }
        }
        if let (Some(p), Some(at)) = (publication, published_at) {
            dis_n += 1;
            let disclosed = congso_domain::time_vn::local_date(at.get());
            if disclosed <= calendar.add_working_days(p, 5) {
                dis_ok += 1;
            }
        }
    }
    Ok(vec![
        Indicator::new(
            "1.1",
            "TTHC được công bố đúng hạn",
            "Procedures published on time",
            pub_ok,
            pub_n,
        ),
        Indicator::new(
            "1.2",
            "TTHC được cập nhật, công khai đúng hạn",
            "Procedures disclosed on time",
            dis_ok,
            dis_n,
        ),
        Indicator::new(
            "1.3",
            "TTHC có đầy đủ thành phần bắt buộc",
            "Procedures with all mandatory components",
            complete,
            all,
        ),
    ])
}

/// The first field name quoted in a serde message ("missing field `name`" → `name`).
fn serde_field(msg: &str) -> String {
    msg.split('`').nth(1).unwrap_or("*").to_owned()
}

/// Reads an import file: `.json` (an array of procedures) or `.xlsx` (one row per procedure).
/// Shape errors name the row (1-based: the position in the JSON array, the sheet row in XLSX).
pub fn parse_file(bytes: &[u8], extension: &str) -> Result<Vec<ProcedureSpec>, ImportError> {
    match extension.to_ascii_lowercase().as_str() {
        "json" => {
            let values: Vec<serde_json::Value> = serde_json::from_slice(bytes).map_err(|e| ImportError {
                row: 0,
                code: None,
                field: "*".into(),
                message: format!("tệp JSON không hợp lệ, cần một mảng các thủ tục (invalid JSON, expected an array): {e}"),
            })?;
            values
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    let code = v.get("code").and_then(|c| c.as_str()).map(str::to_owned);
                    serde_json::from_value::<ProcedureSpec>(v).map_err(|e| ImportError {
                        row: i + 1,
                        code,
                        field: serde_field(&e.to_string()),
                        message: e.to_string(),
                    })
                })
                .collect()
        }
        "xlsx" => congso_sheets::catalogue_xlsx::read(bytes).map_err(|e| match e {
            congso_sheets::catalogue_xlsx::XlsxError::Row {
                row,
                column,
                message,
            } => ImportError {
                row,
                code: None,
                field: if column == "*" {
                    serde_field(&message)
                } else {
                    column
                },
                message,
            },
            other => ImportError {
                row: 0,
                code: None,
                field: "*".into(),
                message: other.to_string(),
            },
        }),
        other => Err(ImportError {
            row: 0,
            code: None,
            field: "*".into(),
            message: format!(
                "định dạng .{other} không được hỗ trợ; dùng .json hoặc .xlsx (unsupported format)"
            ),
        }),
    }
}

/// Writes procedures in the format of `extension` (`json` or `xlsx`).
pub fn write_file(specs: &[ProcedureSpec], extension: &str) -> AppResult<Vec<u8>> {
    match extension.to_ascii_lowercase().as_str() {
        "json" => serde_json::to_vec_pretty(specs).map_err(AppError::internal),
        "xlsx" => congso_sheets::catalogue_xlsx::write(specs).map_err(AppError::internal),
        other => Err(AppError::new(ErrorCode::InvalidInput).with_detail(format!("format {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_queries_fold_and_pad() {
        let q = text_query("Đăng ký KHAI SINH", false).expect("query");
        assert_eq!(q.tokens, ["dang", "ky", "khai", "sinh"]);
        assert_eq!(q.exact_tokens, ["đăng", "ký", "khai", "sinh"]);
        assert_eq!(q.phrase_folded, " dang ky khai sinh ");
        assert_eq!(q.phrase_exact, " đăng ký khai sinh ");
        assert!(q.has_marks);
        let typing = text_query("dang ky khai si", true).expect("query");
        assert_eq!(typing.phrase_folded, " dang ky khai si");
        assert!(!typing.has_marks);
        assert!(text_query(" ,;- ", false).is_none());
    }
}
