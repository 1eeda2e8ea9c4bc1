//! On-site reports (phản ánh hiện trường) on the case engine
//! ([`congso_domain::site_report::SITE_REPORT`]): filing (a citizen on the portal with photos, or
//! an Open311 client with an API key), routing by category and commune/ward, handling by the
//! responsible unit with a deadline and approved extensions, the public result and the reporter's
//! rating. One transaction per use case: permission → rule → writes → hash-chained event → jobs.
//!
//! Emergency reports enqueue an email to every officer of the responsible unit at once.

use std::collections::{BTreeMap, HashMap};

use congso_db::Ts;
use congso_db::repo::site_reports::{
    self as repo, ApiKeyRow, CategoryRow, ExtensionRow, Filter, MediaRow, SiteReportRow,
};
use congso_db::repo::{units, users};
use congso_domain::site_report::{self as rule, Outcome, SITE_REPORT};
use congso_domain::time_vn::{day_start, local_date};
use congso_domain::{ErrorCode, Permission, Role};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, Duration};
use uuid::Uuid;

use crate::audit::{self, Subject};
pub use crate::dossiers::UnitRef;
use crate::portal::Upload;
use crate::{Actor, App, AppError, AppResult};

/// The longest description (Open311 GeoReport v2).
pub const MAX_DESCRIPTION: usize = 4000;
/// The subject kind of the events of a report.
pub const SUBJECT: &str = "site_report";
/// Where reports are filed from.
pub const CHANNELS: [&str; 2] = ["portal", "open311"];

/// One attribute of a service definition (Open311 `attributes/attribute`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub code: String,
    /// `false`: informational only (no value is collected).
    #[serde(default = "yes")]
    pub variable: bool,
    /// `string`, `number`, `datetime`, `text`, `singlevaluelist` or `multivaluelist`.
    pub datatype: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub datatype_description: String,
    pub order: u32,
    pub description: String,
    /// (key, name) of the list's values.
    #[serde(default)]
    pub values: Vec<(String, String)>,
}

fn yes() -> bool {
    true
}

/// A category to create (the Open311 service).
#[derive(Debug, Clone)]
pub struct NewCategory {
    pub service_code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub group: String,
    pub keywords: Vec<String>,
    pub description: String,
    /// `realtime` (default) or `batch`.
    pub service_type: Option<String>,
    /// The unit code handling reports where no routing rule applies.
    pub default_unit: String,
    pub handling_days: u32,
    pub emergency_hours: u32,
    pub attributes: Vec<Attribute>,
}

/// Creates a category. Needs `catalogue_manage` somewhere (an administrator).
pub async fn create_category(app: &App, actor: &Actor, new: NewCategory) -> AppResult<CategoryRow> {
    if !actor.may_somewhere(Permission::CatalogueManage) {
        return Err(AppError::forbidden());
    }
    let code = new.service_code.trim().to_owned();
    if code.is_empty()
        || code.len() > 64
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("service_code"));
    }
    if new.name.trim().is_empty() || new.handling_days == 0 || new.emergency_hours == 0 {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("name"));
    }
    let service_type = new.service_type.as_deref().unwrap_or("realtime");
    if !matches!(service_type, "realtime" | "batch") {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("service_type"));
    }
    for a in &new.attributes {
        if !rule::ATTRIBUTE_DATATYPES.contains(&a.datatype.as_str()) || a.code.trim().is_empty() {
            return Err(AppError::new(ErrorCode::InvalidInput).with_detail("attributes"));
        }
    }
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let unit = units::by_code_on(&mut tx, new.default_unit.trim(), local_date(now.get()))
        .await?
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(new.default_unit.clone()))?;
    let row = CategoryRow {
        id: congso_domain::new_id(),
        service_code: code,
        name: new.name.trim().to_owned(),
        name_en: new.name_en,
        group_name: new.group.trim().to_owned(),
        keywords: new.keywords.join(","),
        description: new.description.trim().to_owned(),
        service_type: service_type.to_owned(),
        default_unit_id: unit.id,
        handling_days: i64::from(new.handling_days),
        emergency_hours: i64::from(new.emergency_hours),
        attributes: serde_json::to_string(&new.attributes).map_err(AppError::internal)?,
        active: true,
        created_at: now,
    };
    repo::insert_category(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "site_report_category",
            id: row.id,
            unit_id: Some(unit.id),
        },
        "site_report_category.created",
        json!({ "service_code": row.service_code, "unit": unit.code }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Routes a category's reports from a commune or ward (`area`) to a unit. Administrators only.
pub async fn add_route(
    app: &App,
    actor: &Actor,
    service_code: &str,
    area: &str,
    unit: &str,
) -> AppResult<()> {
    if !actor.may_somewhere(Permission::CatalogueManage) {
        return Err(AppError::forbidden());
    }
    let now = app.now();
    let today = local_date(now.get());
    let mut tx = app.db.begin_write().await?;
    let cat = repo::category_by_code(&mut tx, service_code.trim())
        .await?
        .ok_or(AppError::new(ErrorCode::ServiceNotFound).with_detail(service_code.to_owned()))?;
    let area_row = units::by_code_on(&mut tx, area.trim(), today)
        .await?
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(area.to_owned()))?;
    let unit_row = units::by_code_on(&mut tx, unit.trim(), today)
        .await?
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(unit.to_owned()))?;
    repo::insert_route(&mut tx, cat.id, area_row.id, unit_row.id, now).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "site_report_category",
            id: cat.id,
            unit_id: Some(unit_row.id),
        },
        "site_report_route.added",
        json!({ "area": area_row.code, "unit": unit_row.code }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A category with its attributes parsed.
#[derive(Debug, Clone)]
pub struct Category {
    pub row: CategoryRow,
    pub attributes: Vec<Attribute>,
}

impl Category {
    fn from_row(row: CategoryRow) -> Category {
        let attributes = serde_json::from_str(&row.attributes).unwrap_or_default();
        Category { row, attributes }
    }
}

/// The active categories.
pub async fn categories(app: &App) -> AppResult<Vec<Category>> {
    let mut tx = app.db.begin_read().await?;
    let rows = repo::categories(&mut tx).await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(Category::from_row).collect())
}

/// One active category by its service code (`service_not_found` otherwise).
pub async fn category(app: &App, code: &str) -> AppResult<Category> {
    let mut tx = app.db.begin_read().await?;
    let row = repo::category_by_code(&mut tx, code.trim()).await?;
    tx.commit().await?;
    row.map(Category::from_row)
        .ok_or(AppError::new(ErrorCode::ServiceNotFound).with_detail(code.to_owned()))
}

/// The communes and wards in force today (where a report can be), by name.
pub async fn areas(app: &App) -> AppResult<Vec<UnitRef>> {
    let mut tx = app.db.begin_read().await?;
    let mut list: Vec<UnitRef> = units::list(&mut tx, Some(app.today()))
        .await?
        .into_iter()
        .filter(|u| matches!(u.kind.as_str(), "ward_committee" | "commune_committee"))
        .map(|u| UnitRef {
            code: u.code,
            name: u.name,
        })
        .collect();
    tx.commit().await?;
    list.sort_by(|a, b| area_name(&a.name).cmp(area_name(&b.name)));
    Ok(list)
}

/// "Ủy ban nhân dân phường Thuận Hóa" → "phường Thuận Hóa".
pub fn area_name(unit_name: &str) -> &str {
    unit_name
        .strip_prefix("Ủy ban nhân dân ")
        .unwrap_or(unit_name)
}

/// A report to file.
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    pub service_code: String,
    pub description: String,
    pub lat: Option<String>,
    pub lon: Option<String>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    /// The commune or ward's unit code (else found from `address_id` or the address text).
    pub area: Option<String>,
    /// `normal` (default) or `emergency`.
    pub urgency: Option<String>,
    pub reporter_name: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_phone: Option<String>,
    /// Values of the service attributes (several for a multivaluelist).
    pub attributes: BTreeMap<String, Vec<String>>,
    pub media_url: Option<String>,
}

/// A filed report and, for a batch service, its Open311 token.
#[derive(Debug, Clone)]
pub struct Filed {
    pub row: SiteReportRow,
    pub token: Option<String>,
    pub category: CategoryRow,
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Whether text looks like HTML (a tag, a comment or a character reference).
pub fn looks_like_html(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
        || {
            // `&name;` or `&#123;`
            let mut it = s.split('&').skip(1);
            it.any(|rest| {
                let end = rest.find(';').unwrap_or(usize::MAX);
                end > 0
                    && end <= 10
                    && rest[..end]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '#')
            })
        }
}

/// Parses a coordinate within `limit` degrees.
fn coordinate(s: &str, limit: f64, field: &str) -> AppResult<f64> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && v.abs() <= limit)
        .ok_or(AppError::new(ErrorCode::LocationRequired).with_detail(field.to_owned()))
}

/// The checked parts of a new report.
struct Checked {
    description: String,
    lat: Option<f64>,
    lon: Option<f64>,
    address: Option<String>,
    address_id: Option<String>,
    urgency: String,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    attributes: BTreeMap<String, Vec<String>>,
    media_url: Option<String>,
}

fn check(new: &NewReport, cat: &Category, description_required: bool) -> AppResult<Checked> {
    let description = new.description.trim().to_owned();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("description"));
    }
    if looks_like_html(&description) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("description: HTML"));
    }
    if description_required && description.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("description"));
    }
    let (lat, lon) = match (opt(&new.lat), opt(&new.lon)) {
        (Some(a), Some(o)) => (
            Some(coordinate(&a, 90.0, "lat")?),
            Some(coordinate(&o, 180.0, "long")?),
        ),
        (None, None) => (None, None),
        (Some(_), None) => {
            return Err(AppError::new(ErrorCode::LocationRequired).with_detail("long"));
        }
        (None, Some(_)) => {
            return Err(AppError::new(ErrorCode::LocationRequired).with_detail("lat"));
        }
    };
    let address = opt(&new.address).map(|a| a.chars().take(500).collect::<String>());
    let address_id = opt(&new.address_id).map(|a| a.chars().take(100).collect::<String>());
    if lat.is_none() && address.is_none() && address_id.is_none() {
        return Err(AppError::new(ErrorCode::LocationRequired));
    }
    if [&address, &address_id]
        .iter()
        .any(|a| a.as_deref().is_some_and(looks_like_html))
    {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("address_string"));
    }
    let urgency = opt(&new.urgency)
        .or_else(|| {
            new.attributes
                .get("urgency")
                .and_then(|v| v.first().cloned())
        })
        .unwrap_or_else(|| "normal".to_owned());
    if !rule::URGENCIES.contains(&urgency.as_str()) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("urgency"));
    }
    let email = match opt(&new.reporter_email) {
        Some(e) => Some(congso_domain::Email::parse(&e)?.as_str().to_owned()),
        None => None,
    };
    let phone = opt(&new.reporter_phone).map(|p| {
        congso_domain::Phone::parse(&p)
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|_| p.chars().filter(|c| !c.is_whitespace()).take(20).collect())
    });
    let name = opt(&new.reporter_name).map(|n| n.chars().take(200).collect::<String>());
    if name.as_deref().is_some_and(looks_like_html) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("name"));
    }
    let media_url = opt(&new.media_url);
    if let Some(u) = &media_url
        && (!(u.starts_with("https://") || u.starts_with("http://"))
            || u.len() > 2000
            || u.contains(char::is_whitespace))
    {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("media_url"));
    }
    // Attributes: required ones present, list values among the keys, nothing unknown kept.
    let mut attributes = BTreeMap::new();
    for a in cat.attributes.iter().filter(|a| a.variable) {
        let values: Vec<String> = new
            .attributes
            .get(&a.code)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if values.is_empty() {
            if a.required {
                return Err(AppError::new(ErrorCode::InvalidInput)
                    .with_detail(format!("attribute[{}]", a.code)));
            }
            continue;
        }
        let ok = match a.datatype.as_str() {
            "singlevaluelist" => values.len() == 1 && a.values.iter().any(|(k, _)| *k == values[0]),
            "multivaluelist" => values.iter().all(|v| a.values.iter().any(|(k, _)| k == v)),
            "number" => values.len() == 1 && values[0].parse::<f64>().is_ok(),
            _ => {
                values.len() == 1
                    && values[0].chars().count() <= 4000
                    && !looks_like_html(&values[0])
            }
        };
        if !ok {
            return Err(AppError::new(ErrorCode::InvalidInput)
                .with_detail(format!("attribute[{}]", a.code)));
        }
        attributes.insert(a.code.clone(), values);
    }
    Ok(Checked {
        description,
        lat,
        lon,
        address,
        address_id,
        urgency,
        name,
        email,
        phone,
        attributes,
        media_url,
    })
}

/// The commune or ward of a report: the code given, else an `address_id` that is a unit code,
/// else the commune or ward named in the address text (without diacritics).
async fn find_area(
    tx: &mut congso_db::Tx,
    new: &NewReport,
    address: Option<&str>,
    today: Date,
) -> AppResult<Option<Uuid>> {
    let is_area = |u: &units::UnitRow| {
        matches!(u.kind.as_str(), "ward_committee" | "commune_committee") && u.valid_on(today)
    };
    if let Some(code) = opt(&new.area) {
        let u = units::by_code_on(tx, &code, today)
            .await?
            .filter(is_area)
            .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code))?;
        return Ok(Some(u.id));
    }
    if let Some(code) = opt(&new.address_id)
        && let Some(u) = units::by_code_on(tx, &code, today).await?
        && is_area(&u)
    {
        return Ok(Some(u.id));
    }
    if let Some(a) = address {
        let folded = congso_text::fold_vi(a);
        let mut best: Option<(usize, Uuid)> = None;
        for u in units::list(tx, Some(today))
            .await?
            .iter()
            .filter(|u| is_area(u))
        {
            let name = congso_text::fold_vi(area_name(&u.name));
            if !name.is_empty()
                && folded.contains(&name)
                && best.is_none_or(|(len, _)| name.len() > len)
            {
                best = Some((name.len(), u.id));
            }
        }
        return Ok(best.map(|(_, id)| id));
    }
    Ok(None)
}

/// The deadline of a new report: `emergency_hours` from now, or the end of the day
/// `handling_days` working days from today.
fn deadline_of(
    cal: &congso_calendar::WorkingCalendar,
    cat: &CategoryRow,
    urgency: &str,
    now: Ts,
) -> Ts {
    if urgency == "emergency" {
        now.checked_add(Duration::hours(cat.emergency_hours.max(1)))
            .unwrap_or(now)
    } else {
        let days = u32::try_from(cat.handling_days.max(1)).unwrap_or(1);
        end_of(cal.add_working_days(local_date(now.get()), days))
    }
}

/// The first instant after `day` (UTC+7): a deadline on `day` runs to its end.
pub fn end_of(day: Date) -> Ts {
    Ts::new(day_start(day.next_day().unwrap_or(day)))
}

/// Who files a report.
#[derive(Debug, Clone, Copy)]
pub enum Reporter<'a> {
    /// A signed-in citizen on the portal.
    Citizen(&'a Actor),
    /// An Open311 client authenticated by its API key.
    Open311 { api_key_id: Uuid },
}

/// Files a report: checks it, routes it, computes its deadline, stores the photos and writes the
/// report with its event (and, for an emergency, the emails to the unit's officers). Nothing is
/// written when any part is refused.
pub async fn file(
    app: &App,
    reporter: Reporter<'_>,
    new: NewReport,
    photos: Vec<Upload>,
) -> AppResult<Filed> {
    let service_code = new.service_code.trim().to_owned();
    if service_code.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("service_code"));
    }
    let cat = category(app, &service_code).await?;
    let from_portal = matches!(reporter, Reporter::Citizen(_));
    let c = check(&new, &cat, from_portal)?;
    if let Reporter::Citizen(a) = reporter
        && a.user_id.is_none()
    {
        return Err(AppError::new(ErrorCode::Unauthenticated));
    }
    if photos.len() > 5 {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("photos"));
    }
    let stored = crate::portal::store_all(app, &photos).await?;
    if stored
        .iter()
        .any(|f| !matches!(f.kind, congso_files::Kind::Jpeg | congso_files::Kind::Png))
    {
        crate::portal::forget(app, &stored).await;
        return Err(AppError::new(ErrorCode::FileTypeNotAllowed).with_detail("JPEG, PNG"));
    }
    let now = app.now();
    let cal = crate::calendar::working_calendar(app).await?;
    let result: AppResult<Filed> = async {
        let mut tx = app.db.begin_write().await?;
        let today = local_date(now.get());
        let area = find_area(&mut tx, &new, c.address.as_deref(), today).await?;
        let unit_id = match area {
            Some(a) => repo::route(&mut tx, cat.row.id, a)
                .await?
                .unwrap_or(cat.row.default_unit_id),
            None => cat.row.default_unit_id,
        };
        let deadline = deadline_of(&cal, &cat.row, &c.urgency, now);
        let (actor, reporter_id, api_key_id, channel) = match reporter {
            Reporter::Citizen(a) => (a.clone(), a.user_id, None, "portal"),
            Reporter::Open311 { api_key_id } => {
                (Actor::system(), None, Some(api_key_id), "open311")
            }
        };
        // A citizen's contact comes from the account when the form leaves it out.
        let (mut name, mut email, mut phone) = (c.name.clone(), c.email.clone(), c.phone.clone());
        if let Some(uid) = reporter_id
            && let Some(u) = users::by_id(&mut tx, uid).await?
        {
            name = name.or(Some(u.full_name));
            email = email.or(u.email);
            phone = phone.or(u.phone);
        }
        let row = SiteReportRow {
            id: congso_domain::new_id(),
            category_id: cat.row.id,
            description: c.description.clone(),
            lat: c.lat,
            lon: c.lon,
            address: c.address.clone(),
            address_id: c.address_id.clone(),
            area_unit_id: area,
            urgency: c.urgency.clone(),
            channel: channel.to_owned(),
            reporter_id,
            reporter_name: name,
            reporter_email: email,
            reporter_phone: phone,
            attributes: serde_json::to_string(&c.attributes).map_err(AppError::internal)?,
            media_url: c.media_url.clone(),
            api_key_id,
            state: "received".to_owned(),
            unit_id,
            assignee_id: None,
            original_deadline: deadline,
            deadline,
            handled_at: None,
            outcome: None,
            result_text: None,
            rating: None,
            rating_comment: None,
            rated_at: None,
            created_at: now,
            updated_at: now,
        };
        repo::insert_report(&mut tx, &row).await?;
        for (u, f) in photos.iter().zip(stored.iter()) {
            repo::insert_media(
                &mut tx,
                &media_row(row.id, "report", u, f, reporter_id, now),
            )
            .await?;
        }
        let token = if cat.row.service_type == "batch" {
            let t = crate::secrets::random_token()[..24].to_owned();
            repo::insert_token(&mut tx, &t, row.id, now).await?;
            Some(t)
        } else {
            None
        };
        let unit = crate::dossiers::unit_ref(&mut tx, unit_id).await?;
        audit::record(
            &mut tx,
            &actor,
            Subject {
                kind: SUBJECT,
                id: row.id,
                unit_id: Some(unit_id),
            },
            "site_report.filed",
            json!({
                "service_code": cat.row.service_code,
                "channel": channel,
                "urgency": row.urgency,
                "unit": unit.code,
                "deadline": row.deadline.get().unix_timestamp(),
                "photos": stored.len(),
                "api_key": api_key_id,
            }),
            now,
        )
        .await?;
        if row.urgency == "emergency" {
            notify_unit(&mut tx, app, &row, &cat.row, &unit, now).await?;
        }
        tx.commit().await?;
        Ok(Filed {
            row,
            token,
            category: cat.row.clone(),
        })
    }
    .await;
    if result.is_err() {
        crate::portal::forget(app, &stored).await;
    }
    result
}

fn media_row(
    report_id: Uuid,
    purpose: &str,
    u: &Upload,
    f: &congso_files::StoredFile,
    by: Option<Uuid>,
    now: Ts,
) -> MediaRow {
    MediaRow {
        id: congso_domain::new_id(),
        report_id,
        purpose: purpose.to_owned(),
        file_name: congso_files::safe_file_name(&u.file_name, f.kind),
        content_type: f.kind.mime().to_owned(),
        size_bytes: i64::try_from(f.size).unwrap_or(i64::MAX),
        sha256: f.sha256.clone(),
        storage_key: f.key.clone(),
        uploaded_by: by,
        created_at: now,
    }
}

/// Emails every specialist and head of the responsible unit about an emergency report.
async fn notify_unit(
    tx: &mut congso_db::Tx,
    app: &App,
    row: &SiteReportRow,
    cat: &CategoryRow,
    unit: &UnitRef,
    now: Ts,
) -> AppResult<()> {
    let mut to: Vec<(String, String)> = vec![];
    for role in ["unit_head", "specialist"] {
        for r in users::with_role_in_unit(tx, role, row.unit_id).await? {
            if !to.iter().any(|(e, _)| *e == r.0) {
                to.push(r);
            }
        }
    }
    let link = format!(
        "{}/can-bo/phan-anh/{}",
        app.config.public_url.trim_end_matches('/'),
        row.id
    );
    let place = row
        .address
        .clone()
        .or_else(|| row.lat.zip(row.lon).map(|(a, o)| format!("{a:.6}, {o:.6}")))
        .unwrap_or_default();
    for (email, name) in to {
        crate::jobs::send_email(
            tx,
            &crate::jobs::Email {
                to: email,
                subject: format!("[KHẨN] Phản ánh hiện trường: {}", cat.name),
                text: format!(
                    "Kính gửi {name},\n\n{} nhận được một phản ánh khẩn cấp cần xử lý ngay.\n\nLĩnh vực: {}\nNội dung: {}\nVị trí: {place}\nHạn xử lý: {}\n\n{link}\n---\nAn emergency on-site report for your unit.",
                    unit.name,
                    cat.name,
                    row.description,
                    congso_domain::time_vn::format_datetime_vi(row.deadline.get()),
                ),
                html: None,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// An action on a report (the unit's page and API).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ActionInput {
    pub action: String,
    #[serde(default)]
    pub assignee: Option<String>,
    /// The public result (`resolve`) or why the report is invalid (`reject`).
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// `YYYY-MM-DD` (request_extension): the report is then due at the end of that day.
    #[serde(default)]
    pub new_deadline: Option<Date>,
}

fn text_of(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(4000).collect())
}

/// The roles through which the actor may take `t` on a report of `unit_id` (empty: none).
async fn allowed(
    tx: &mut congso_db::Tx,
    actor: &Actor,
    t: &congso_domain::case::Transition,
    unit_id: Uuid,
) -> AppResult<bool> {
    if actor.is_system {
        return Ok(true);
    }
    let roles = crate::dossiers::roles_on(tx, actor, unit_id).await?;
    let by_role = roles.iter().any(|r| t.roles.contains(r));
    // Handling needs the permission itself; extension decisions belong to the unit's head or a
    // city leader.
    let handling = t.roles.contains(&Role::Specialist);
    Ok(by_role && (!handling || roles.iter().any(|r| r.grants(Permission::SiteReportHandle))))
}

/// Applies an action of the unit (see `SITE_REPORT`), with an optional photo of the result for
/// `resolve`.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: Uuid,
    input: ActionInput,
    photo: Option<Upload>,
) -> AppResult<SiteReportRow> {
    act_with(app, actor, id, input, photo, true).await
}

/// [`act`], telling the reporter about the result by email or not (the demo data does not).
async fn act_with(
    app: &App,
    actor: &Actor,
    id: Uuid,
    input: ActionInput,
    photo: Option<Upload>,
    tell_reporter: bool,
) -> AppResult<SiteReportRow> {
    if photo.is_some() && input.action != "resolve" {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("photo"));
    }
    let uploads: Vec<Upload> = photo.into_iter().collect();
    let stored = crate::portal::store_all(app, &uploads).await?;
    if stored
        .iter()
        .any(|f| !matches!(f.kind, congso_files::Kind::Jpeg | congso_files::Kind::Png))
    {
        crate::portal::forget(app, &stored).await;
        return Err(AppError::new(ErrorCode::FileTypeNotAllowed).with_detail("JPEG, PNG"));
    }
    let r = act_inner(app, actor, id, input, &uploads, &stored, tell_reporter).await;
    if r.is_err() {
        crate::portal::forget(app, &stored).await;
    }
    r
}

async fn act_inner(
    app: &App,
    actor: &Actor,
    id: Uuid,
    input: ActionInput,
    uploads: &[Upload],
    stored: &[congso_files::StoredFile],
    tell_reporter: bool,
) -> AppResult<SiteReportRow> {
    let now = app.now();
    let today = local_date(now.get());
    let mut tx = app.db.begin_write().await?;
    let mut row = repo::report_for_update(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::SiteReportNotFound))?;
    let t = SITE_REPORT
        .transition(&input.action, &row.state)
        .map_err(|e| AppError::new(ErrorCode::IllegalTransition).with_detail(format!("{e:?}")))?;
    if !allowed(&mut tx, actor, t, row.unit_id).await? {
        tracing::info!(actor = %actor.username, action = t.action, "site report: permission denied");
        return Err(AppError::forbidden());
    }
    for need in t.needs {
        let present = match *need {
            "assignee" => text_of(&input.assignee).is_some(),
            "text" => text_of(&input.text).is_some(),
            "reason" => text_of(&input.reason).is_some(),
            "new_deadline" => input.new_deadline.is_some(),
            _ => true,
        };
        if !present {
            return Err(AppError::new(ErrorCode::InvalidInput).with_detail(*need));
        }
    }
    let from = row.state.clone();
    let mut payload = json!({ "from": from });
    if let Some(r) = text_of(&input.reason) {
        payload["reason"] = json!(r);
    }
    match t.action {
        "accept" if row.assignee_id.is_none() => {
            row.assignee_id = actor.user_id;
        }
        "assign" => {
            let username = text_of(&input.assignee)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let user = users::by_username(&mut tx, &username)
                .await?
                .filter(|u| u.active)
                .ok_or(AppError::new(ErrorCode::InvalidAssignee).with_detail(username.clone()))?;
            let mut ok = false;
            for g in users::active_grants(&mut tx, user.id).await? {
                if matches!(g.role.as_str(), "specialist" | "unit_head")
                    && let Some(u) = g.unit_id
                    && units::ancestors(&mut tx, row.unit_id).await?.contains(&u)
                {
                    ok = true;
                    break;
                }
            }
            if !ok {
                return Err(AppError::new(ErrorCode::InvalidAssignee).with_detail(username));
            }
            row.assignee_id = Some(user.id);
            payload["assignee"] = json!(user.username);
        }
        "request_extension" => {
            let day = input.new_deadline.unwrap_or(today);
            let new_deadline = end_of(day);
            if new_deadline <= row.deadline || day < today {
                return Err(AppError::new(ErrorCode::InvalidDate).with_detail("new_deadline"));
            }
            repo::insert_extension(
                &mut tx,
                &ExtensionRow {
                    id: congso_domain::new_id(),
                    report_id: row.id,
                    requested_by: actor.user_id,
                    reason: text_of(&input.reason).unwrap_or_default(),
                    new_deadline,
                    decision: None,
                    decided_by: None,
                    decided_at: None,
                    created_at: now,
                },
            )
            .await?;
            payload["new_deadline"] = json!(day.to_string());
        }
        "approve_extension" | "refuse_extension" => {
            let pending = repo::extensions_of(&mut tx, row.id)
                .await?
                .into_iter()
                .rev()
                .find(|e| e.decision.is_none())
                .ok_or(AppError::new(ErrorCode::IllegalTransition).with_detail("no request"))?;
            let decision = if t.action == "refuse_extension" {
                "refused"
            } else if now <= row.deadline {
                row.deadline = pending.new_deadline;
                payload["deadline"] = json!(
                    local_date(pending.new_deadline.get() - Duration::seconds(1)).to_string()
                );
                "approved"
            } else {
                // Approved after the deadline in force: the work may go on, the report stays late.
                payload["after_deadline"] = json!(true);
                "approved_late"
            };
            repo::decide_extension(&mut tx, pending.id, decision, actor.user_id, now).await?;
            payload["decision"] = json!(decision);
        }
        "resolve" | "reject" => {
            let text = text_of(&input.text).unwrap_or_default();
            if looks_like_html(&text) {
                return Err(AppError::new(ErrorCode::InvalidInput).with_detail("text: HTML"));
            }
            let o = rule::outcome(now, row.original_deadline, row.deadline);
            row.handled_at = Some(now);
            row.outcome = Some(o.as_str().to_owned());
            row.result_text = Some(text.clone());
            if row.assignee_id.is_none() {
                row.assignee_id = actor.user_id;
            }
            payload["outcome"] = json!(o.as_str());
            payload["text"] = json!(text);
        }
        _ => {}
    }
    row.state = match t.to {
        congso_domain::case::Target::State(s) => s.to_owned(),
        _ => from.clone(),
    };
    row.updated_at = now;
    repo::update_report(&mut tx, &row).await?;
    for (u, f) in uploads.iter().zip(stored) {
        repo::insert_media(
            &mut tx,
            &media_row(row.id, "result", u, f, actor.user_id, now),
        )
        .await?;
    }
    if !stored.is_empty() {
        payload["photos"] = json!(stored.len());
    }
    payload["to"] = json!(row.state);
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: SUBJECT,
            id: row.id,
            unit_id: Some(row.unit_id),
        },
        t.action,
        payload,
        now,
    )
    .await?;
    // The reporter hears about the result.
    if tell_reporter
        && matches!(t.action, "resolve" | "reject")
        && let Some(email) = row.reporter_email.clone()
    {
        let link = format!(
            "{}/phan-anh/{}",
            app.config.public_url.trim_end_matches('/'),
            row.id
        );
        crate::jobs::send_email(
            &mut tx,
            &crate::jobs::Email {
                to: email,
                subject: "Kết quả xử lý phản ánh hiện trường".to_owned(),
                text: format!(
                    "Kính gửi {},\n\nPhản ánh của Ông/Bà đã có kết quả xử lý:\n\n{}\n\nXem và đánh giá: {link}\n---\nYour on-site report has been answered.",
                    row.reporter_name.clone().unwrap_or_else(|| "Ông/Bà".to_owned()),
                    row.result_text.clone().unwrap_or_default(),
                ),
                html: None,
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(row)
}

/// The reporter rates the result once the report is handled, once.
pub async fn rate(
    app: &App,
    actor: &Actor,
    id: Uuid,
    rating: &str,
    comment: Option<&str>,
) -> AppResult<SiteReportRow> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let rating = rating.trim();
    if !rule::RATINGS.contains(&rating) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("rating"));
    }
    let comment = comment
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.chars().take(2000).collect::<String>());
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let mut row = repo::report_for_update(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::SiteReportNotFound))?;
    if row.reporter_id != Some(user_id) {
        return Err(AppError::forbidden());
    }
    if rule::is_open(&row.state) {
        return Err(AppError::new(ErrorCode::IllegalTransition).with_detail("rate"));
    }
    if row.rating.is_some() {
        return Err(AppError::new(ErrorCode::AlreadyRated));
    }
    row.rating = Some(rating.to_owned());
    row.rating_comment = comment;
    row.rated_at = Some(now);
    row.updated_at = now;
    repo::update_report(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: SUBJECT,
            id: row.id,
            unit_id: Some(row.unit_id),
        },
        "rated",
        json!({ "rating": rating }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A report as shown to the public (no personal data of the reporter).
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub id: Uuid,
    pub service_code: String,
    pub category: String,
    pub group: String,
    pub description: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub area: Option<UnitRef>,
    pub urgency: String,
    pub channel: String,
    pub state: String,
    pub state_label: String,
    /// `open` or `closed` (Open311).
    pub status: String,
    pub unit: UnitRef,
    pub original_deadline: Ts,
    pub deadline: Ts,
    pub handled_at: Option<Ts>,
    pub outcome: Option<Outcome>,
    pub result_text: Option<String>,
    pub rating: Option<String>,
    pub media_url: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
    /// Whether the report is past its deadline and not handled (as of now).
    pub overdue: bool,
}

/// Unit and category names looked up once per list.
#[derive(Default)]
struct Names {
    units: HashMap<Uuid, UnitRef>,
    categories: HashMap<Uuid, CategoryRow>,
}

impl Names {
    async fn unit(&mut self, tx: &mut congso_db::Tx, id: Uuid) -> AppResult<UnitRef> {
        if let Some(u) = self.units.get(&id) {
            return Ok(u.clone());
        }
        let u = crate::dossiers::unit_ref(tx, id).await?;
        self.units.insert(id, u.clone());
        Ok(u)
    }

    async fn category(&mut self, tx: &mut congso_db::Tx, id: Uuid) -> AppResult<CategoryRow> {
        if let Some(c) = self.categories.get(&id) {
            return Ok(c.clone());
        }
        let c = repo::category_by_id(tx, id)
            .await?
            .ok_or(AppError::internal(anyhow::anyhow!("category {id} missing")))?;
        self.categories.insert(id, c.clone());
        Ok(c)
    }

    async fn view(
        &mut self,
        tx: &mut congso_db::Tx,
        r: &SiteReportRow,
        now: Ts,
    ) -> AppResult<ReportView> {
        let cat = self.category(tx, r.category_id).await?;
        let area = match r.area_unit_id {
            Some(a) => Some(self.unit(tx, a).await?),
            None => None,
        };
        let state = SITE_REPORT.state(&r.state);
        Ok(ReportView {
            id: r.id,
            service_code: cat.service_code.clone(),
            category: cat.name.clone(),
            group: cat.group_name.clone(),
            description: r.description.clone(),
            lat: r.lat,
            lon: r.lon,
            address: r.address.clone(),
            address_id: r.address_id.clone(),
            area,
            urgency: r.urgency.clone(),
            channel: r.channel.clone(),
            state: r.state.clone(),
            state_label: state.map(|s| s.label_vi).unwrap_or_default().to_owned(),
            status: if rule::is_open(&r.state) {
                "open"
            } else {
                "closed"
            }
            .to_owned(),
            unit: self.unit(tx, r.unit_id).await?,
            original_deadline: r.original_deadline,
            deadline: r.deadline,
            handled_at: r.handled_at,
            outcome: r.outcome.as_deref().and_then(Outcome::parse),
            result_text: r.result_text.clone(),
            rating: r.rating.clone(),
            media_url: r.media_url.clone(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            overdue: rule::is_open(&r.state) && now > r.deadline,
        })
    }
}

/// What the public list and Open311 filter on (codes, as typed).
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Report ids (Open311 `service_request_id`); when given, every other filter is ignored.
    pub ids: Vec<Uuid>,
    pub service_codes: Vec<String>,
    /// `open`, `closed` or a state code.
    pub statuses: Vec<String>,
    /// A commune or ward's unit code.
    pub area: Option<String>,
    /// Created in `[from, to)`.
    pub from: Option<Ts>,
    pub to: Option<Ts>,
    pub limit: i64,
    pub offset: i64,
}

async fn to_filter(tx: &mut congso_db::Tx, q: &Query, today: Date) -> AppResult<Option<Filter>> {
    let mut f = Filter {
        ids: q.ids.clone(),
        limit: q.limit,
        offset: q.offset,
        from: q.from,
        to: q.to,
        ..Filter::default()
    };
    for code in q.service_codes.iter().filter(|c| !c.trim().is_empty()) {
        match repo::category_by_code(tx, code.trim()).await? {
            Some(c) => f.category_ids.push(c.id),
            None => {
                return Err(
                    AppError::new(ErrorCode::ServiceNotFound).with_detail(code.trim().to_owned())
                );
            }
        }
    }
    for s in q
        .statuses
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        match s {
            "open" => f
                .states
                .extend(["received", "in_progress", "extension_requested"].map(str::to_owned)),
            "closed" => f.states.extend(["resolved", "rejected"].map(str::to_owned)),
            s if SITE_REPORT.state(s).is_some() => f.states.push(s.to_owned()),
            _ => return Err(AppError::new(ErrorCode::InvalidInput).with_detail("status")),
        }
    }
    if let Some(code) = q.area.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        match units::by_code_on(tx, code, today).await? {
            Some(u) => f.area_unit_id = Some(u.id),
            None => return Ok(None),
        }
    }
    Ok(Some(f))
}

/// Reports matching the query, newest first, and how many match in all (public).
pub async fn search(app: &App, q: &Query) -> AppResult<(Vec<ReportView>, i64)> {
    let now = app.now();
    let mut tx = app.db.begin_read().await?;
    let Some(f) = to_filter(&mut tx, q, app.today()).await? else {
        return Ok((vec![], 0));
    };
    let rows = repo::list(&mut tx, &f).await?;
    let total = repo::count(&mut tx, &f).await?;
    let mut names = Names::default();
    let mut out = vec![];
    for r in &rows {
        out.push(names.view(&mut tx, r, now).await?);
    }
    tx.commit().await?;
    Ok((out, total))
}

/// The counts Hue-S publishes, for the reports matching a query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub received: i64,
    pub pending_within: i64,
    pub pending_overdue: i64,
    pub on_time: i64,
    pub late: i64,
    pub late_extended: i64,
    pub rejected: i64,
    pub hai_long: i64,
    pub chap_nhan: i64,
    pub khong_hai_long: i64,
}

impl Stats {
    /// Handled (resolved or rejected) over received, in per mille.
    pub fn handled(&self) -> i64 {
        self.on_time + self.late + self.late_extended
    }
}

/// The statistics of the reports matching a query (its limit is ignored).
pub async fn stats(app: &App, q: &Query) -> AppResult<Stats> {
    let now = app.now();
    let mut tx = app.db.begin_read().await?;
    let Some(f) = to_filter(&mut tx, q, app.today()).await? else {
        return Ok(Stats::default());
    };
    let rows = repo::stat_rows(&mut tx, &f, now).await?;
    tx.commit().await?;
    let mut s = Stats::default();
    for r in rows {
        let n = r.n;
        s.received += n;
        if r.state == "rejected" {
            s.rejected += n;
        } else if rule::is_open(&r.state) {
            if r.overdue == 1 {
                s.pending_overdue += n;
            } else {
                s.pending_within += n;
            }
        } else {
            match r.outcome.as_deref().and_then(Outcome::parse) {
                Some(Outcome::OnTime) => s.on_time += n,
                Some(Outcome::Late) => s.late += n,
                Some(Outcome::LateExtended) => s.late_extended += n,
                None => {}
            }
        }
        match r.rating.as_deref() {
            Some("hai_long") => s.hai_long += n,
            Some("chap_nhan") => s.chap_nhan += n,
            Some("khong_hai_long") => s.khong_hai_long += n,
            _ => {}
        }
    }
    Ok(s)
}

/// One public report with the photos of its result (public), and whether the actor is its
/// reporter (who sees the report's own photos and may rate).
#[derive(Debug, Clone)]
pub struct PublicReport {
    pub view: ReportView,
    pub result_photos: Vec<MediaRow>,
    /// The report's own photos: only for the reporter and the unit's officers.
    pub photos: Vec<MediaRow>,
    pub is_reporter: bool,
    pub rating_comment: Option<String>,
}

/// A report for the public page (anyone).
pub async fn public(app: &App, actor: Option<&Actor>, id: Uuid) -> AppResult<PublicReport> {
    let now = app.now();
    let mut tx = app.db.begin_read().await?;
    let row = repo::report(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::SiteReportNotFound))?;
    let view = Names::default().view(&mut tx, &row, now).await?;
    let media = repo::media_of(&mut tx, row.id).await?;
    let is_reporter = actor.is_some_and(|a| a.user_id.is_some() && a.user_id == row.reporter_id);
    let officer = match actor {
        Some(a) => may_handle(&mut tx, a, row.unit_id).await?,
        None => false,
    };
    tx.commit().await?;
    let (result_photos, photos): (Vec<MediaRow>, Vec<MediaRow>) =
        media.into_iter().partition(|m| m.purpose == "result");
    Ok(PublicReport {
        view,
        result_photos,
        photos: if is_reporter || officer {
            photos
        } else {
            vec![]
        },
        is_reporter,
        rating_comment: row.rating_comment,
    })
}

/// Whether the actor handles or decides on the unit's reports.
async fn may_handle(tx: &mut congso_db::Tx, actor: &Actor, unit_id: Uuid) -> AppResult<bool> {
    if actor.is_system {
        return Ok(true);
    }
    Ok(crate::dossiers::roles_on(tx, actor, unit_id)
        .await?
        .iter()
        .any(|r| matches!(r, Role::Specialist | Role::UnitHead | Role::Leader)))
}

/// A report for the unit's handling page.
#[derive(Debug, Clone)]
pub struct HandlingView {
    pub view: ReportView,
    pub row: SiteReportRow,
    pub media: Vec<MediaRow>,
    pub extensions: Vec<ExtensionRow>,
    /// The actions the actor may take now: (action, label).
    pub actions: Vec<(&'static str, &'static str)>,
    /// (username, full name) of the unit's officers, for assignment.
    pub staff: Vec<(String, String)>,
    pub assignee: Option<String>,
    /// (time, action, actor, note) newest last.
    pub events: Vec<(Ts, String, Option<String>, Option<String>)>,
}

/// A report for its unit's officers (others get `site_report_not_found`).
pub async fn for_unit(app: &App, actor: &Actor, id: Uuid) -> AppResult<HandlingView> {
    let now = app.now();
    let mut tx = app.db.begin_read().await?;
    let row = repo::report(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::SiteReportNotFound))?;
    if !may_handle(&mut tx, actor, row.unit_id).await? {
        return Err(AppError::new(ErrorCode::SiteReportNotFound));
    }
    let view = Names::default().view(&mut tx, &row, now).await?;
    let mut actions = vec![];
    for t in SITE_REPORT.actions_from(&row.state) {
        if allowed(&mut tx, actor, t, row.unit_id).await? {
            actions.push((t.action, t.label_vi));
        }
    }
    let staff = users::staff_of_unit(&mut tx, row.unit_id, &["specialist", "unit_head"])
        .await?
        .into_iter()
        .map(|(u, n, _)| (u, n))
        .collect();
    let assignee = match row.assignee_id {
        Some(a) => users::by_id(&mut tx, a).await?.map(|u| u.full_name),
        None => None,
    };
    let mut events = vec![];
    let mut who: HashMap<Uuid, Option<String>> = HashMap::new();
    for e in congso_db::events::timeline(&mut tx, row.id).await? {
        let actor_name = match e.actor_id {
            Some(a) => match who.get(&a) {
                Some(n) => n.clone(),
                None => {
                    let n = users::by_id(&mut tx, a).await?.map(|u| u.full_name);
                    who.insert(a, n.clone());
                    n
                }
            },
            None => None,
        };
        let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
        let note = ["text", "reason", "new_deadline", "rating"]
            .iter()
            .find_map(|k| p[*k].as_str().map(str::to_owned));
        events.push((e.occurred_at, e.action.clone(), actor_name, note));
    }
    let media = repo::media_of(&mut tx, row.id).await?;
    let extensions = repo::extensions_of(&mut tx, row.id).await?;
    tx.commit().await?;
    Ok(HandlingView {
        view,
        row,
        media,
        extensions,
        actions,
        staff,
        assignee,
        events,
    })
}

/// The reports of the units where the actor handles or decides, newest first: (open, recent
/// closed). Needs `site_report_handle` or a leader's role somewhere.
pub async fn inbox(app: &App, actor: &Actor) -> AppResult<Vec<ReportView>> {
    let units: Vec<Uuid> = actor
        .grants
        .iter()
        .filter(|g| g.role.grants(Permission::SiteReportHandle) || matches!(g.role, Role::Leader))
        .filter_map(|g| g.unit_id)
        .collect();
    if units.is_empty() && !actor.is_system {
        return Err(AppError::forbidden());
    }
    let now = app.now();
    let mut tx = app.db.begin_read().await?;
    let mut names = Names::default();
    let mut out = vec![];
    // The units and the units below them, from one list of every unit.
    let all = units::list(&mut tx, None).await?;
    let mut targets: Vec<Uuid> = units.clone();
    let mut k = 0;
    while k < targets.len() {
        let parent = targets[k];
        for u in all.iter().filter(|u| u.parent_id == Some(parent)) {
            if !targets.contains(&u.id) {
                targets.push(u.id);
            }
        }
        k += 1;
    }
    for (states, limit) in [
        (vec!["received", "in_progress", "extension_requested"], 1000),
        (vec!["resolved", "rejected"], 100),
    ] {
        let f = Filter {
            unit_ids: targets.clone(),
            states: states.into_iter().map(str::to_owned).collect(),
            limit,
            ..Filter::default()
        };
        for r in repo::list(&mut tx, &f).await? {
            out.push(names.view(&mut tx, &r, now).await?);
        }
    }
    tx.commit().await?;
    out.sort_by_key(|v| std::cmp::Reverse((v.status == "open", v.created_at)));
    Ok(out)
}

/// The citizen's own reports, newest first.
pub async fn mine(app: &App, actor: &Actor) -> AppResult<Vec<ReportView>> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let now = app.now();
    let mut tx = app.db.begin_read().await?;
    let rows = repo::list(
        &mut tx,
        &Filter {
            reporter_id: Some(user_id),
            limit: 200,
            ..Filter::default()
        },
    )
    .await?;
    let mut names = Names::default();
    let mut out = vec![];
    for r in &rows {
        out.push(names.view(&mut tx, r, now).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// One photo with its bytes: result photos for anyone, the report's own photos for its
/// reporter and the unit's officers.
pub async fn photo(
    app: &App,
    actor: Option<&Actor>,
    id: Uuid,
    media_id: Uuid,
) -> AppResult<(MediaRow, bytes::Bytes)> {
    let p = public(app, actor, id).await?;
    let m = p
        .result_photos
        .into_iter()
        .chain(p.photos)
        .find(|m| m.id == media_id)
        .ok_or(AppError::not_found())?;
    let bytes = app
        .files
        .get(&m.storage_key)
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!(e.to_string())))?;
    Ok((m, bytes))
}

/// Creates an Open311 API key: returns its row and the secret (shown once; only its digest is
/// stored). The command line's `congso admin open311-key create`.
pub async fn create_api_key(
    app: &App,
    actor: &Actor,
    name: &str,
) -> AppResult<(ApiKeyRow, String)> {
    if !actor.is_system && !actor.may_somewhere(Permission::UserManage) {
        return Err(AppError::forbidden());
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("name"));
    }
    let secret = crate::secrets::random_token();
    let now = app.now();
    let row = ApiKeyRow {
        id: congso_domain::new_id(),
        name: name.to_owned(),
        digest: crate::secrets::digest(&secret),
        created_at: now,
        revoked_at: None,
    };
    let mut tx = app.db.begin_write().await?;
    repo::insert_key(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "open311_key",
            id: row.id,
            unit_id: None,
        },
        "open311_key.created",
        json!({ "name": row.name }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((row, secret))
}

/// The API key with this secret, unless unknown or revoked.
pub async fn api_key(app: &App, secret: &str) -> AppResult<Option<ApiKeyRow>> {
    let secret = secret.trim();
    if secret.is_empty() {
        return Ok(None);
    }
    let mut tx = app.db.begin_read().await?;
    let k = repo::key_by_digest(&mut tx, &crate::secrets::digest(secret)).await?;
    tx.commit().await?;
    Ok(k)
}

/// The report id an Open311 token stands for.
pub async fn token(app: &App, token: &str) -> AppResult<Uuid> {
    let mut tx = app.db.begin_read().await?;
    let id = repo::token(&mut tx, token.trim()).await?;
    tx.commit().await?;
    id.ok_or(AppError::not_found())
}

/// The demo's categories: (service code, name, English name, group, keywords, description, unit
/// code suffix, working days, emergency hours, type).
#[allow(clippy::type_complexity)]
const DEMO_CATEGORIES: &[(&str, &str, &str, &str, &str, &str, &str, u32, u32, &str)] = &[
    (
        "o-ga-mat-duong",
        "Hư hỏng mặt đường, ổ gà",
        "Road damage, potholes",
        "Hạ tầng giao thông",
        "ổ gà,mặt đường,sụt lún,pothole",
        "Mặt đường, vỉa hè bị hư hỏng, sụt lún, có ổ gà gây mất an toàn.",
        "05",
        5,
        4,
        "realtime",
    ),
    (
        "den-chieu-sang",
        "Đèn chiếu sáng công cộng hỏng",
        "Street lighting out",
        "Hạ tầng đô thị",
        "đèn đường,chiếu sáng,street light",
        "Đèn đường không sáng, chập chờn hoặc sáng cả ban ngày; cột đèn nghiêng, hở điện.",
        "05",
        3,
        8,
        "realtime",
    ),
    (
        "rac-thai-moi-truong",
        "Rác thải, vệ sinh môi trường",
        "Rubbish and sanitation",
        "Môi trường",
        "rác,xả thải,ô nhiễm,rubbish",
        "Rác thải không được thu gom, đổ rác trái phép, xả thải gây ô nhiễm.",
        "06",
        3,
        8,
        "realtime",
    ),
    (
        "ngap-ung",
        "Ngập úng, tắc cống thoát nước",
        "Flooding, blocked drains",
        "Thiên tai, ngập lụt",
        "ngập,cống,thoát nước,flood",
        "Đường ngập nước, cống thoát nước bị tắc hoặc mất nắp.",
        "05",
        2,
        2,
        "realtime",
    ),
    (
        "trat-tu-giao-thong",
        "Trật tự giao thông, lấn chiếm lòng đường",
        "Traffic order, obstructed streets",
        "Hạ tầng giao thông",
        "lấn chiếm,đỗ xe,vỉa hè,traffic",
        "Lấn chiếm lòng đường, vỉa hè; đỗ xe sai quy định; biển báo, đèn tín hiệu hỏng.",
        "05",
        5,
        4,
        "batch",
    ),
];

/// Loads the demo categories, routing rules and a few reports (called by `demo::seed`).
pub async fn seed_demo(app: &App) -> AppResult<()> {
    let system = Actor::system();
    for (code, name, en, group, keywords, description, unit, days, hours, kind) in DEMO_CATEGORIES {
        let attributes = if *code == "o-ga-mat-duong" {
            vec![Attribute {
                code: "muc_do".to_owned(),
                variable: true,
                datatype: "singlevaluelist".to_owned(),
                required: false,
                datatype_description: "Mức độ hư hỏng / how bad".to_owned(),
                order: 1,
                description: "Mức độ hư hỏng".to_owned(),
                values: vec![
                    ("nho".to_owned(), "Nhỏ".to_owned()),
                    ("vua".to_owned(), "Vừa".to_owned()),
                    ("lon".to_owned(), "Lớn, nguy hiểm".to_owned()),
                ],
            }]
        } else {
            vec![]
        };
        create_category(
            app,
            &system,
            NewCategory {
                service_code: (*code).to_owned(),
                name: (*name).to_owned(),
                name_en: Some((*en).to_owned()),
                group: (*group).to_owned(),
                keywords: keywords.split(',').map(str::to_owned).collect(),
                description: (*description).to_owned(),
                service_type: Some((*kind).to_owned()),
                default_unit: format!("000.00.{unit}.H57"),
                handling_days: *days,
                emergency_hours: *hours,
                attributes,
            },
        )
        .await?;
    }
    // Rubbish in the two central wards is collected by the wards themselves.
    for ward in ["000.00.35.H57", "000.00.30.H57"] {
        add_route(app, &system, "rac-thai-moi-truong", ward, ward).await?;
    }
    let citizen = {
        let mut tx = app.db.begin_read().await?;
        let u = users::by_username(&mut tx, "congdan").await?;
        let a = match u {
            Some(u) => Some(Actor::load(&mut tx, &u).await?),
            None => None,
        };
        tx.commit().await?;
        a
    };
    let Some(citizen) = citizen else {
        return Ok(());
    };
    let report =
        |code: &str, description: &str, address: &str, area: &str, urgency: &str| NewReport {
            service_code: code.to_owned(),
            description: description.to_owned(),
            address: Some(address.to_owned()),
            area: Some(area.to_owned()),
            urgency: Some(urgency.to_owned()),
            lat: Some("16.4637".to_owned()),
            lon: Some("107.5909".to_owned()),
            ..NewReport::default()
        };
    let done = file(
        app,
        Reporter::Citizen(&citizen),
        report(
            "den-chieu-sang",
            "Ba cột đèn trên đường Lê Lợi đoạn trước trường Quốc Học không sáng nhiều đêm nay.",
            "Đường Lê Lợi, phường Thuận Hóa",
            "000.00.35.H57",
            "normal",
        ),
        vec![],
    )
    .await?;
    for input in [
        ActionInput {
            action: "accept".to_owned(),
            ..ActionInput::default()
        },
        ActionInput {
            action: "resolve".to_owned(),
            text: Some(
                "Đơn vị quản lý chiếu sáng đã thay bóng đèn và sửa đường dây; các cột đèn đã sáng lại."
                    .to_owned(),
            ),
            ..ActionInput::default()
        },
    ] {
        act_with(app, &system, done.row.id, input, None, false).await?;
    }
    file(
        app,
        Reporter::Citizen(&citizen),
        report(
            "rac-thai-moi-truong",
            "Rác tồn đọng nhiều ngày ở góc đường Nguyễn Huệ, bốc mùi.",
            "Đường Nguyễn Huệ, phường Thuận Hóa",
            "000.00.35.H57",
            "normal",
        ),
        vec![],
    )
    .await?;
    let open = file(
        app,
        Reporter::Citizen(&citizen),
        report(
            "o-ga-mat-duong",
            "Ổ gà lớn giữa làn xe máy trên đường Hùng Vương, nhiều người đã bị ngã.",
            "Đường Hùng Vương, phường Phú Xuân",
            "000.00.30.H57",
            "normal",
        ),
        vec![],
    )
    .await?;
    act_with(
        app,
        &system,
        open.row.id,
        ActionInput {
            action: "accept".to_owned(),
            ..ActionInput::default()
        },
        None,
        false,
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_recognised() {
        for bad in [
            "<b>x</b>",
            "a <script>",
            "</p>",
            "<!-- c -->",
            "x &amp; y",
            "&#60;",
        ] {
            assert!(looks_like_html(bad), "{bad}");
        }
        for ok in [
            "Ổ gà lớn trước số 12 Lê Lợi",
            "a < b và c > d",
            "5<6",
            "A & B",
            "",
        ] {
            assert!(!looks_like_html(ok), "{ok}");
        }
    }

    #[test]
    fn area_names_drop_the_committee_prefix() {
        assert_eq!(
            area_name("Ủy ban nhân dân phường Thuận Hóa"),
            "phường Thuận Hóa"
        );
    }
}
