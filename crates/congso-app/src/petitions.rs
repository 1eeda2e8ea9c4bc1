//! Citizens' petitions (đơn) on the case engine: intake (reception desk, post, online; named or
//! anonymous), splitting into items and classifying them, duplicate detection, and every item
//! action of `congso_domain::petition::PETITION_ITEM` — one transaction each (permission on the
//! item's unit → rule → row → the document the action produces → hash-chained event). The
//! statutory clocks are the `petition_clocks` setting (JSON, default
//! [`ClockTable::shipped`]); working days come from the legal calendar. Also the resolution-rate
//! report (domain-rules §5.3) and the citizen reception schedule and log.

use std::collections::HashMap;

use congso_calendar::WorkingCalendar;
use congso_db::Ts;
use congso_db::repo::petitions::{
    self as repo, DocumentRow, ItemRow, LogRow, PetitionRow, ScheduleRow,
};
use congso_db::repo::{settings, units, users};
use congso_domain::case::Target;
use congso_domain::petition::{
    self as rules, ACCEPT_ANONYMOUS_DENUNCIATIONS, CHANNELS, ClockRule, ClockTable,
    DUPLICATE_SIMILARITY, DayCount, ExtensionRefused, ItemFacts, PETITION_ITEM, PetitionKind,
    RateReport, Stage, StartEvent,
};
use congso_domain::time_vn::local_date;
use congso_domain::{Cccd, ErrorCode, Permission, Phone, Role};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::Date;
use uuid::Uuid;

use crate::audit::{self, Subject};
pub use crate::dossiers::UnitRef;
use crate::dossiers::{roles_on, unit_ref};
use crate::{Actor, App, AppError, AppResult};

/// The setting that holds the clock table (JSON of [`ClockTable`]).
pub const CLOCKS_KEY: &str = "petition_clocks";

/// The legal calendar as the domain's day counter.
struct Days<'a>(&'a WorkingCalendar);

impl DayCount for Days<'_> {
    fn is_working_day(&self, day: Date) -> bool {
        self.0.is_working_day(day)
    }
    fn add_working_days(&self, start: Date, n: u32) -> Date {
        self.0.add_working_days(start, n)
    }
}

/// The clock table in force: the setting, or the shipped table.
pub async fn clock_table(tx: &mut congso_db::Tx) -> AppResult<ClockTable> {
    match settings::get(tx, CLOCKS_KEY).await? {
        Some(text) => serde_json::from_str(&text).map_err(AppError::internal),
        None => Ok(ClockTable::shipped()),
    }
}

/// Replaces the clock table (an administrator with `calendar_manage` on a root unit).
pub async fn set_clock_table(app: &App, actor: &Actor, table: ClockTable) -> AppResult<()> {
    table
        .validate()
        .map_err(|e| AppError::new(ErrorCode::InvalidInput).with_detail(e))?;
    let text = serde_json::to_string(&table).map_err(AppError::internal)?;
    audit::put_city_setting(
        app,
        actor,
        &[Permission::CalendarManage],
        CLOCKS_KEY,
        &text,
        "petition_clocks.changed",
        json!({ "rules": table.rules.len() }),
    )
    .await
}

/// Who sent a petition.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Petitioner {
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    /// The 12-digit citizen identity number.
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// A petition to register.
#[derive(Debug, Clone, Default)]
pub struct NewPetition {
    /// `reception`, `post` or `online`.
    pub channel: String,
    /// `None`: anonymous.
    pub petitioner: Option<Petitioner>,
    pub content: String,
    /// The receiving unit's code; default: where the actor handles petitions.
    pub unit: Option<String>,
    /// The items, classified at intake (more may be added later).
    pub items: Vec<NewItem>,
}

/// One item of a petition.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewItem {
    /// `complaint`, `denunciation`, `recommendation`, `feedback`, `regulation_feedback`.
    pub kind: String,
    /// Default: the petition's content.
    #[serde(default)]
    pub content: Option<String>,
    /// The handling unit's code; default: the receiving unit.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub complex: bool,
    #[serde(default)]
    pub remote_area: bool,
    /// Complaints: 1 (default) or 2.
    #[serde(default)]
    pub level: Option<u8>,
    /// A second complaint's first-level item.
    #[serde(default)]
    pub first_item: Option<Uuid>,
}

/// An action on an item (`POST /api/v1/petition-items/{id}/actions`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ItemAction {
    pub action: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The competent body (transfer).
    #[serde(default)]
    pub recipient: Option<String>,
    /// The number of the decision, conclusion or extension decision.
    #[serde(default)]
    pub decision_number: Option<String>,
    /// The number of another document (notice, slip).
    #[serde(default)]
    pub number: Option<String>,
    /// Days of an extension.
    #[serde(default)]
    pub days: Option<u32>,
    /// Set on acceptance: complex case, remote area.
    #[serde(default)]
    pub complex: Option<bool>,
    #[serde(default)]
    pub remote_area: Option<bool>,
}

/// A document an action produced.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub id: Uuid,
    pub action: String,
    pub kind: String,
    pub name: String,
    pub number: Option<String>,
    pub issued_on: Date,
    pub text: Option<String>,
    pub stage: Option<String>,
    pub stage_deadline: Option<Date>,
    pub on_time: Option<bool>,
}

/// An item as shown.
#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub id: Uuid,
    pub petition_id: Uuid,
    pub seq: i64,
    pub kind: PetitionKind,
    pub kind_label: String,
    pub level: i64,
    pub first_item: Option<Uuid>,
    pub content: String,
    pub unit: UnitRef,
    pub state: String,
    pub state_label: String,
    pub complex: bool,
    pub remote_area: bool,
    pub received_on: Date,
    pub handling_deadline: Option<Date>,
    pub accepted_on: Option<Date>,
    pub original_deadline: Option<Date>,
    pub deadline: Option<Date>,
    pub extensions: i64,
    pub extension_days: i64,
    pub closed_on: Option<Date>,
    pub closed_as: Option<String>,
    /// `on_time` or `late` once resolved.
    pub result: Option<String>,
    pub recipient: Option<String>,
    pub decision_number: Option<String>,
    /// `handling`, `handling_overdue`, `within`, `overdue`, `on_time`, `late` or `closed`.
    pub clock_status: String,
    /// Days until the deadline in force (negative: overdue), while open.
    pub days_left: Option<i64>,
    pub documents: Vec<DocumentView>,
    /// The actions possible now (permissions are checked when acting).
    pub actions: Vec<String>,
}

/// A petition as shown.
#[derive(Debug, Clone, Serialize)]
pub struct PetitionView {
    pub id: Uuid,
    pub unit: UnitRef,
    pub channel: String,
    pub anonymous: bool,
    pub petitioner: Option<Petitioner>,
    pub content: String,
    pub received_at: Ts,
    pub received_on: Date,
    pub duplicate_of: Option<Uuid>,
    pub items: Vec<ItemView>,
}

fn text_of(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(20_000).collect())
}

fn invalid(field: &str) -> AppError {
    AppError::new(ErrorCode::InvalidInput).with_detail(field.to_owned())
}

/// The status of an item's clock on `today`.
fn clock_status(i: &ItemRow, today: Date) -> (String, Option<i64>) {
    if let Some(r) = &i.result {
        return (r.clone(), None);
    }
    if i.closed_on.is_some() {
        return ("closed".to_owned(), None);
    }
    let (due, within, over) = if i.accepted_on.is_some() {
        (i.deadline, "within", "overdue")
    } else {
        (
            i.handling_deadline.or(i.deadline),
            "handling",
            "handling_overdue",
        )
    };
    match due {
        Some(d) => (
            if today > d { over } else { within }.to_owned(),
            Some((d - today).whole_days()),
        ),
        None => (within.to_owned(), None),
    }
}

async fn item_view(
    tx: &mut congso_db::Tx,
    names: &mut HashMap<Uuid, UnitRef>,
    i: &ItemRow,
    today: Date,
    with_documents: bool,
) -> AppResult<ItemView> {
    let kind = PetitionKind::parse(&i.kind)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("bad kind {}", i.kind)))?;
    let unit = match names.get(&i.unit_id) {
        Some(u) => u.clone(),
        None => {
            let u = unit_ref(tx, i.unit_id).await?;
            names.insert(i.unit_id, u.clone());
            u
        }
    };
    let documents = if with_documents {
        repo::documents_of(tx, i.id)
            .await?
            .into_iter()
            .map(|d| DocumentView {
                id: d.id,
                name: rules::document_name(&d.kind).to_owned(),
                action: d.action,
                kind: d.kind,
                number: d.number,
                issued_on: d.issued_on,
                text: d.text,
                stage: d.stage,
                stage_deadline: d.stage_deadline,
                on_time: d.on_time,
            })
            .collect()
    } else {
        vec![]
    };
    let (clock_status, days_left) = clock_status(i, today);
    Ok(ItemView {
        id: i.id,
        petition_id: i.petition_id,
        seq: i.seq,
        kind,
        kind_label: kind.label_vi().to_owned(),
        level: i.level,
        first_item: i.first_item_id,
        content: i.content.clone(),
        unit,
        state: i.state.clone(),
        state_label: PETITION_ITEM
            .state(&i.state)
            .map(|s| s.label_vi)
            .unwrap_or_default()
            .to_owned(),
        complex: i.complex,
        remote_area: i.remote,
        received_on: i.received_on,
        handling_deadline: i.handling_deadline,
        accepted_on: i.accepted_on,
        original_deadline: i.original_deadline,
        deadline: i.deadline,
        extensions: i.extensions,
        extension_days: i.extension_days,
        closed_on: i.closed_on,
        closed_as: i.closed_as.clone(),
        result: i.result.clone(),
        recipient: i.recipient.clone(),
        decision_number: i.decision_number.clone(),
        clock_status,
        days_left,
        documents,
        actions: PETITION_ITEM
            .actions_from(&i.state)
            .into_iter()
            .filter(|t| kind.allows(t.action))
            .map(|t| t.action.to_owned())
            .collect(),
    })
}

async fn petition_view(
    tx: &mut congso_db::Tx,
    p: &PetitionRow,
    today: Date,
) -> AppResult<PetitionView> {
    let mut names = HashMap::new();
    let mut items = vec![];
    for i in repo::items_of(tx, p.id).await? {
        items.push(item_view(tx, &mut names, &i, today, false).await?);
    }
    Ok(PetitionView {
        id: p.id,
        unit: unit_ref(tx, p.unit_id).await?,
        channel: p.channel.clone(),
        anonymous: p.anonymous,
        petitioner: p.petitioner_name.as_ref().map(|name| Petitioner {
            name: name.clone(),
            address: p.petitioner_address.clone(),
            id_number: p.petitioner_id_number.clone(),
            phone: p.petitioner_phone.clone(),
            email: p.petitioner_email.clone(),
        }),
        content: p.content.clone(),
        received_at: p.received_at,
        received_on: p.received_on,
        duplicate_of: p.duplicate_of,
        items,
    })
}

/// The unit where the actor handles petitions (the first such grant).
fn home_unit(actor: &Actor) -> AppResult<Uuid> {
    actor
        .grants
        .iter()
        .find(|g| g.role.grants(Permission::PetitionHandle))
        .and_then(|g| g.unit_id)
        .ok_or(AppError::forbidden())
}

/// Registers a petition (and its items). Needs `petition_handle` on the receiving unit.
pub async fn create_petition(
    app: &App,
    actor: &Actor,
    new: NewPetition,
) -> AppResult<PetitionView> {
    let now = app.now();
    let today = local_date(now.get());
    let cal = crate::calendar::working_calendar(app).await?;
    let mut tx = app.db.begin_write().await?;
    if !CHANNELS.iter().any(|(c, _)| *c == new.channel) {
        return Err(invalid("channel"));
    }
    let content = new.content.trim().to_owned();
    if content.is_empty() || content.chars().count() > 20_000 {
        return Err(invalid("content"));
    }
    let unit_id = match new.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => {
            units::by_code_on(&mut tx, code, today)
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?
                .id
        }
        None => home_unit(actor)?,
    };
    actor
        .require(&mut tx, Permission::PetitionHandle, unit_id)
        .await?;
    let petitioner = match new.petitioner {
        Some(p) => {
            let name = p.name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 200 {
                return Err(invalid("petitioner.name"));
            }
            let id_number = match text_of(&p.id_number) {
                Some(s) => Some(Cccd::parse(&s)?.as_str().to_owned()),
                None => None,
            };
            let phone = match text_of(&p.phone) {
                Some(s) => Some(Phone::parse(&s)?.as_str().to_owned()),
                None => None,
            };
            let email = match text_of(&p.email) {
                Some(s) => Some(congso_domain::Email::parse(&s)?.as_str().to_owned()),
                None => None,
            };
            Some(Petitioner {
                name,
                address: text_of(&p.address),
                id_number,
                phone,
                email,
            })
        }
        None => None,
    };
    let key = petitioner.as_ref().map(|p| match &p.id_number {
        Some(id) => format!("id:{id}"),
        None => format!(
            "name:{}|{}",
            congso_text::fold_vi(&p.name),
            congso_text::fold_vi(p.address.as_deref().unwrap_or_default())
        ),
    });
    let folded = congso_text::fold_vi(&content);
    // Duplicates: an earlier petition of the same petitioner with a similar content.
    let mut duplicate_of = None;
    if let Some(k) = &key {
        let words = congso_text::tokens(&folded);
        for earlier in repo::of_petitioner(&mut tx, k, 200).await? {
            let theirs = congso_text::tokens(&earlier.content_folded);
            if rules::similarity(&words, &theirs) >= DUPLICATE_SIMILARITY {
                duplicate_of = Some(earlier.duplicate_of.unwrap_or(earlier.id));
                break;
            }
        }
    }
    let row = PetitionRow {
        id: congso_domain::new_id(),
        unit_id,
        channel: new.channel.clone(),
        anonymous: petitioner.is_none(),
        petitioner_name: petitioner.as_ref().map(|p| p.name.clone()),
        petitioner_address: petitioner.as_ref().and_then(|p| p.address.clone()),
        petitioner_id_number: petitioner.as_ref().and_then(|p| p.id_number.clone()),
        petitioner_phone: petitioner.as_ref().and_then(|p| p.phone.clone()),
        petitioner_email: petitioner.as_ref().and_then(|p| p.email.clone()),
        petitioner_key: key,
        content,
        content_folded: folded,
        received_at: now,
        received_on: today,
        duplicate_of,
        created_by: actor.user_id,
        created_at: now,
        updated_at: now,
    };
    repo::insert_petition(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "petition",
            id: row.id,
            unit_id: Some(unit_id),
        },
        "petition.received",
        json!({ "channel": row.channel, "anonymous": row.anonymous, "duplicate_of": duplicate_of }),
        now,
    )
    .await?;
    let table = clock_table(&mut tx).await?;
    for item in new.items {
        add_item_in(&mut tx, &cal, &table, actor, &row, item, now).await?;
    }
    let v = petition_view(&mut tx, &row, today).await?;
    tx.commit().await?;
    Ok(v)
}

/// Adds a classified item to a petition. Needs `petition_handle` on the receiving unit.
pub async fn add_item(
    app: &App,
    actor: &Actor,
    petition_id: Uuid,
    new: NewItem,
) -> AppResult<ItemView> {
    let now = app.now();
    let cal = crate::calendar::working_calendar(app).await?;
    let mut tx = app.db.begin_write().await?;
    let p = repo::petition(&mut tx, petition_id)
        .await?
        .ok_or(AppError::new(ErrorCode::PetitionNotFound))?;
    if !actor.is_system
        && actor
            .roles_for(&mut tx, Permission::PetitionHandle, p.unit_id)
            .await?
            .is_empty()
    {
        // Do not tell outsiders which petitions exist.
        return Err(if may_read(&mut tx, actor, &[p.unit_id]).await? {
            AppError::forbidden()
        } else {
            AppError::new(ErrorCode::PetitionNotFound)
        });
    }
    let table = clock_table(&mut tx).await?;
    let row = add_item_in(&mut tx, &cal, &table, actor, &p, new, now).await?;
    let v = item_view(
        &mut tx,
        &mut HashMap::new(),
        &row,
        local_date(now.get()),
        true,
    )
    .await?;
    tx.commit().await?;
    Ok(v)
}

fn rule_for(
    table: &ClockTable,
    kind: PetitionKind,
    level: i64,
    stage: Stage,
) -> Option<&ClockRule> {
    table.find(kind, u8::try_from(level).unwrap_or(1), stage)
}

async fn add_item_in(
    tx: &mut congso_db::Tx,
    cal: &WorkingCalendar,
    table: &ClockTable,
    actor: &Actor,
    p: &PetitionRow,
    new: NewItem,
    now: Ts,
) -> AppResult<ItemRow> {
    actor
        .require(tx, Permission::PetitionHandle, p.unit_id)
        .await?;
    let today = local_date(now.get());
    let kind = PetitionKind::parse(&new.kind).ok_or_else(|| invalid("kind"))?;
    let content = text_of(&new.content).unwrap_or_else(|| p.content.clone());
    let unit_id = match new.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => {
            units::by_code_on(tx, code, today)
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?
                .id
        }
        None => p.unit_id,
    };
    let level = i64::from(new.level.unwrap_or(1));
    let mut first_item_id = None;
    match (kind, level) {
        (_, 1) if new.first_item.is_none() => {}
        (PetitionKind::Complaint, 2) => {
            let first_id = new.first_item.ok_or_else(|| invalid("first_item"))?;
            let first = repo::item(tx, first_id)
                .await?
                .ok_or(AppError::new(ErrorCode::PetitionNotFound).with_detail("first_item"))?;
            // A second complaint follows a first-level decision, or a first-level time limit
            // that passed without one (Luật Khiếu nại Art. 33).
            let decided = matches!(first.closed_as.as_deref(), Some("resolved" | "published"));
            let lapsed = first.closed_on.is_none() && first.deadline.is_some_and(|d| today > d);
            if first.kind != "complaint" || first.level != 1 || !(decided || lapsed) {
                return Err(AppError::new(ErrorCode::PetitionNotEligible).with_detail("first_item"));
            }
            // … within the lodging period counted from the decision or the lapsed deadline.
            let start = if decided {
                first.closed_on
            } else {
                first.deadline
            };
            if let (Some(r), Some(start)) = (
                rule_for(table, PetitionKind::Complaint, 2, Stage::Lodging),
                start,
            ) && p.received_on > r.deadline(start, false, new.remote_area, 0, &Days(cal))
            {
                return Err(AppError::new(ErrorCode::PetitionNotEligible).with_detail("lodging"));
            }
            first_item_id = Some(first.id);
        }
        _ => return Err(invalid("level")),
    }
    let received_on = p.received_on;
    let handling_deadline = rule_for(table, kind, level, Stage::Handling)
        .map(|r| r.deadline(received_on, new.complex, new.remote_area, 0, &Days(cal)));
    // A resolution clock that runs from receipt (regulation feedback) starts now.
    let deadline = rule_for(table, kind, level, Stage::Resolution)
        .filter(|r| r.start == StartEvent::Received)
        .map(|r| r.deadline(received_on, new.complex, new.remote_area, 0, &Days(cal)));
    let row = ItemRow {
        id: congso_domain::new_id(),
        petition_id: p.id,
        seq: repo::next_seq(tx, p.id).await?,
        kind: kind.as_str().to_owned(),
        level,
        first_item_id,
        content,
        unit_id,
        state: "received".to_owned(),
        complex: new.complex,
        remote: new.remote_area,
        received_on,
        handling_deadline,
        accepted_on: None,
        original_deadline: deadline,
        deadline,
        extensions: 0,
        extension_days: 0,
        closed_on: None,
        closed_as: None,
        result: None,
        recipient: None,
        decision_number: None,
        created_at: now,
        updated_at: now,
    };
    repo::insert_item(tx, &row).await?;
    audit::record(
        tx,
        actor,
        Subject {
            kind: "petition_item",
            id: row.id,
            unit_id: Some(unit_id),
        },
        "petition_item.created",
        json!({
            "petition": p.id, "kind": row.kind, "level": level, "first_item": first_item_id,
            "handling_deadline": handling_deadline.map(|d| d.to_string()),
            "deadline": deadline.map(|d| d.to_string()),
        }),
        now,
    )
    .await?;
    Ok(row)
}

/// Whether the actor may read a petition whose receiving unit or item units are `units`.
async fn may_read(tx: &mut congso_db::Tx, actor: &Actor, units: &[Uuid]) -> AppResult<bool> {
    if actor.is_system {
        return Ok(true);
    }
    for u in units {
        for perm in [Permission::PetitionHandle, Permission::ReportView] {
            if !actor.roles_for(tx, perm, *u).await?.is_empty() {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// A petition with its items (staff of its receiving or handling units).
pub async fn petition(app: &App, actor: &Actor, id: Uuid) -> AppResult<PetitionView> {
    let mut tx = app.db.begin_read().await?;
    let p = repo::petition(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::PetitionNotFound))?;
    let mut seen = vec![p.unit_id];
    seen.extend(
        repo::items_of(&mut tx, p.id)
            .await?
            .into_iter()
            .map(|i| i.unit_id),
    );
    seen.dedup();
    if !may_read(&mut tx, actor, &seen).await? {
        return Err(AppError::new(ErrorCode::PetitionNotFound));
    }
    let v = petition_view(&mut tx, &p, app.today()).await?;
    tx.commit().await?;
    Ok(v)
}

/// An item with its documents, and its petition.
pub async fn item(app: &App, actor: &Actor, id: Uuid) -> AppResult<(ItemView, PetitionView)> {
    let mut tx = app.db.begin_read().await?;
    let i = repo::item(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::PetitionNotFound))?;
    let p = repo::petition(&mut tx, i.petition_id)
        .await?
        .ok_or(AppError::new(ErrorCode::PetitionNotFound))?;
    if !may_read(&mut tx, actor, &[i.unit_id, p.unit_id]).await? {
        return Err(AppError::new(ErrorCode::PetitionNotFound));
    }
    let today = app.today();
    let v = item_view(&mut tx, &mut HashMap::new(), &i, today, true).await?;
    let pv = petition_view(&mut tx, &p, today).await?;
    tx.commit().await?;
    Ok((v, pv))
}

/// The events of an item: time, action, who, unit, note.
pub async fn timeline(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> AppResult<Vec<crate::directives::TimelineLine>> {
    let mut tx = app.db.begin_read().await?;
    let i = repo::item(&mut tx, id)
        .await?
        .ok_or(AppError::new(ErrorCode::PetitionNotFound))?;
    let p = repo::petition(&mut tx, i.petition_id)
        .await?
        .ok_or(AppError::new(ErrorCode::PetitionNotFound))?;
    if !may_read(&mut tx, actor, &[i.unit_id, p.unit_id]).await? {
        return Err(AppError::new(ErrorCode::PetitionNotFound));
    }
    let lines = audit::timeline(&mut tx, id, &["text", "reason", "recipient"]).await?;
    tx.commit().await?;
    Ok(lines)
}

/// Applies an action to an item (see `PETITION_ITEM`).
pub async fn act(
    app: &App,
    actor: &Actor,
    item_id: Uuid,
    input: ItemAction,
) -> AppResult<ItemView> {
    let now = app.now();
    let today = local_date(now.get());
    let cal = crate::calendar::working_calendar(app).await?;
    let days = Days(&cal);
    let mut tx = app.db.begin_write().await?;
    let mut row = repo::item_for_update(&mut tx, item_id)
        .await?
        .ok_or(AppError::new(ErrorCode::PetitionNotFound))?;
    let p = repo::petition(&mut tx, row.petition_id)
        .await?
        .ok_or(AppError::new(ErrorCode::PetitionNotFound))?;
    let kind = PetitionKind::parse(&row.kind)
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("bad kind {}", row.kind)))?;
    // Who may act: a role of the transition held on the item's unit (or above it).
    let roles: Vec<Role> = if actor.is_system {
        vec![]
    } else {
        roles_on(&mut tx, actor, row.unit_id).await?
    };
    let handles = actor.is_system || roles.iter().any(|r| r.grants(Permission::PetitionHandle));
    if !handles {
        return Err(if may_read(&mut tx, actor, &[p.unit_id]).await? {
            AppError::forbidden()
        } else {
            AppError::new(ErrorCode::PetitionNotFound)
        });
    }
    let t = PETITION_ITEM
        .transition(&input.action, &row.state)
        .map_err(|e| AppError::new(ErrorCode::IllegalTransition).with_detail(format!("{e:?}")))?;
    if !kind.allows(t.action) {
        return Err(
            AppError::new(ErrorCode::IllegalTransition).with_detail(format!(
                "{} for {}",
                t.action,
                kind.as_str()
            )),
        );
    }
    if !actor.is_system && !roles.iter().any(|r| t.roles.contains(r)) {
        return Err(AppError::forbidden());
    }
    for need in t.needs {
        let present = match *need {
            "recipient" => text_of(&input.recipient).is_some(),
            "text" => text_of(&input.text).is_some(),
            "reason" => text_of(&input.reason).is_some(),
            "decision_number" => text_of(&input.decision_number).is_some(),
            "days" => input.days.is_some(),
            _ => true,
        };
        if !present {
            return Err(invalid(need));
        }
    }
    let table = clock_table(&mut tx).await?;
    let resolution = rule_for(&table, kind, row.level, Stage::Resolution).cloned();
    let from = row.state.clone();
    let mut payload = json!({ "from": from });
    // The stage this action ends and its deadline.
    let stage = Stage::ended_by(t.action);
    let stage_deadline = match stage {
        Some(Stage::Handling) => row.handling_deadline,
        Some(Stage::Resolution) => row.deadline,
        Some(s @ (Stage::Refusal | Stage::SupplementRequest)) => {
            rule_for(&table, kind, row.level, s)
                .map(|r| r.deadline(row.received_on, row.complex, row.remote, 0, &days))
        }
        Some(Stage::Publication) => match (
            rule_for(&table, kind, row.level, Stage::Publication),
            row.closed_on,
        ) {
            (Some(r), Some(resolved)) => {
                Some(r.deadline(resolved, row.complex, row.remote, 0, &days))
            }
            _ => None,
        },
        Some(Stage::Lodging) | None => None,
    };
    let close = |row: &mut ItemRow, how: &str| {
        row.closed_on = Some(today);
        row.closed_as = Some(how.to_owned());
    };
    match t.action {
        "accept" => {
            if kind == PetitionKind::Denunciation && p.anonymous && !ACCEPT_ANONYMOUS_DENUNCIATIONS
            {
                return Err(AppError::new(ErrorCode::PetitionNotEligible).with_detail("anonymous"));
            }
            if let Some(c) = input.complex {
                row.complex = c;
            }
            if let Some(r) = input.remote_area {
                row.remote = r;
            }
            row.accepted_on = Some(today);
            if let Some(r) = &resolution {
                let start = match r.start {
                    StartEvent::Accepted => today,
                    _ => row.received_on,
                };
                let d = r.deadline(start, row.complex, row.remote, 0, &days);
                row.original_deadline = Some(d);
                row.deadline = Some(d);
                payload["deadline"] = json!(d.to_string());
            }
        }
        "transfer" => {
            row.recipient = text_of(&input.recipient);
            payload["recipient"] = json!(row.recipient);
            close(&mut row, "transferred");
        }
        "guide" => close(&mut row, "guided"),
        "file" => close(&mut row, "filed"),
        "refuse" => close(&mut row, "refused"),
        "extend" => {
            let r = resolution
                .as_ref()
                .ok_or(AppError::new(ErrorCode::ExtensionLimit))?;
            let n = input.days.unwrap_or(0);
            let done = u32::try_from(row.extensions).unwrap_or(u32::MAX);
            match r.check_extension(done, n) {
                Ok(()) => {}
                Err(ExtensionRefused::TooLong) => return Err(invalid("days")),
                Err(_) => {
                    return Err(AppError::new(ErrorCode::ExtensionLimit)
                        .with_detail(format!("{done} extensions")));
                }
            }
            let start = match r.start {
                StartEvent::Accepted => row.accepted_on.unwrap_or(row.received_on),
                _ => row.received_on,
            };
            row.extensions += 1;
            row.extension_days += i64::from(n);
            let extra = u32::try_from(row.extension_days).unwrap_or(u32::MAX);
            let d = r.deadline(start, row.complex, row.remote, extra, &days);
            row.deadline = Some(d);
            payload["deadline"] = json!(d.to_string());
            payload["extension"] = json!(row.extensions);
            payload["days"] = json!(n);
        }
        "resolve" => {
            row.decision_number = text_of(&input.decision_number);
            close(&mut row, "resolved");
            row.result = Some(
                if row.deadline.is_none_or(|d| rules::on_time(today, d)) {
                    "on_time"
                } else {
                    "late"
                }
                .to_owned(),
            );
            payload["result"] = json!(row.result);
        }
        "withdraw" => {
            close(&mut row, "withdrawn");
            if row.accepted_on.is_some() {
                row.result = Some(
                    if row.deadline.is_none_or(|d| rules::on_time(today, d)) {
                        "on_time"
                    } else {
                        "late"
                    }
                    .to_owned(),
                );
            }
        }
        _ => {}
    }
    row.state = match t.to {
        Target::State(s) => s.to_owned(),
        Target::Same | Target::Resume => from.clone(),
    };
    row.updated_at = now;
    repo::update_item(&mut tx, &row).await?;
    let on_time = stage_deadline.map(|d| rules::on_time(today, d));
    if let Some((doc_kind, _)) = rules::document_of(t.action, kind) {
        let doc = DocumentRow {
            id: congso_domain::new_id(),
            item_id: row.id,
            action: t.action.to_owned(),
            kind: doc_kind.to_owned(),
            number: text_of(&input.decision_number).or_else(|| text_of(&input.number)),
            issued_on: today,
            text: text_of(&input.text)
                .or_else(|| text_of(&input.reason))
                .or_else(|| text_of(&input.recipient)),
            stage: stage.map(|s| s.as_str().to_owned()),
            stage_deadline,
            on_time,
            created_by: actor.user_id,
            created_at: now,
        };
        repo::insert_document(&mut tx, &doc).await?;
        payload["document"] = json!({ "kind": doc.kind, "number": doc.number });
        // The petitioner is told by email when they gave an address (internal documents aside).
        if let Some(to) = p.petitioner_email.as_deref()
            && !matches!(doc.kind.as_str(), "phieu_luu_don" | "cong_khai")
        {
            let name = rules::document_name(&doc.kind);
            let number = doc.number.as_deref().unwrap_or("");
            crate::jobs::send_email(
                &mut tx,
                &crate::jobs::Email {
                    to: to.to_owned(),
                    subject: format!("{name} {number}").trim().to_owned(),
                    text: format!(
                        "Kính gửi {who},\n\n{name} {number} ngày {day} về nội dung đơn: {content}\n\n{text}\n\nTình trạng: {state}.\n---\nA notice about your petition ({action}).",
                        who = p.petitioner_name.as_deref().unwrap_or("Ông/Bà"),
                        day = congso_domain::time_vn::format_date_vi(today),
                        content = row.content,
                        text = doc.text.as_deref().unwrap_or(""),
                        state = PETITION_ITEM
                            .state(&row.state)
                            .map(|s| s.label_vi)
                            .unwrap_or_default(),
                        action = t.action,
                    ),
                    html: None,
                },
                now,
            )
            .await?;
            payload["emailed"] = json!(true);
        }
    }
    if let Some(s) = stage {
        payload["stage"] = json!(s.as_str());
        payload["on_time"] = json!(on_time);
    }
    for (k, v) in [("text", &input.text), ("reason", &input.reason)] {
        if let Some(x) = text_of(v) {
            payload[k] = json!(x);
        }
    }
    payload["to"] = json!(row.state);
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "petition_item",
            id: row.id,
            unit_id: Some(row.unit_id),
        },
        t.action,
        payload,
        now,
    )
    .await?;
    let v = item_view(&mut tx, &mut HashMap::new(), &row, today, true).await?;
    tx.commit().await?;
    Ok(v)
}

/// The items an officer sees in the inbox: those of the units where they handle petitions
/// (open ones by deadline, or all, newest first).
pub async fn inbox(app: &App, actor: &Actor, open_only: bool) -> AppResult<Vec<ItemView>> {
    if !actor.may_somewhere(Permission::PetitionHandle) {
        return Err(AppError::forbidden());
    }
    let today = app.today();
    let mut tx = app.db.begin_read().await?;
    let rows = repo::inbox(&mut tx, open_only, 2_000).await?;
    let mut allowed: HashMap<Uuid, bool> = HashMap::new();
    let mut names = HashMap::new();
    let mut out = vec![];
    for r in rows {
        let ok = match allowed.get(&r.unit_id) {
            Some(ok) => *ok,
            None => {
                let ok = actor.is_system
                    || !actor
                        .roles_for(&mut tx, Permission::PetitionHandle, r.unit_id)
                        .await?
                        .is_empty();
                allowed.insert(r.unit_id, ok);
                ok
            }
        };
        if ok {
            out.push(item_view(&mut tx, &mut names, &r, today, false).await?);
        }
        if out.len() >= 500 {
            break;
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// The resolution-rate report of a period.
#[derive(Debug, Clone, Serialize)]
pub struct PetitionReport {
    pub from: Date,
    pub to: Date,
    /// The day the statuses are taken (the period's end, or today if earlier).
    pub as_of: Date,
    pub unit: Option<UnitRef>,
    pub total: RateReport,
    pub by_kind: Vec<(PetitionKind, RateReport)>,
}

/// The report over `[from, to]`: items received in the period or carried over into it (received
/// before and still open at its start), optionally of one unit and the units below it. Needs
/// `report_view` or `petition_handle` on the unit; all units: the Office or a leader.
pub async fn report(
    app: &App,
    actor: &Actor,
    from: Date,
    to: Date,
    unit: Option<&str>,
) -> AppResult<PetitionReport> {
    if to < from {
        return Err(AppError::new(ErrorCode::InvalidDateRange));
    }
    let as_of = app.today().min(to);
    let mut tx = app.db.begin_read().await?;
    let city_wide = actor.is_system
        || actor.may_somewhere(Permission::DirectiveManage)
        || actor.may_somewhere(Permission::Direct);
    let unit_row = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => {
            let u = units::latest_by_code(&mut tx, code)
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?;
            let mut ok = city_wide;
            for perm in [Permission::ReportView, Permission::PetitionHandle] {
                ok |= !actor.roles_for(&mut tx, perm, u.id).await?.is_empty();
            }
            if !ok {
                return Err(AppError::forbidden());
            }
            Some(u)
        }
        None if city_wide => None,
        None => return Err(AppError::forbidden()),
    };
    let rows = repo::items_for_report(&mut tx, from, to).await?;
    let mut inside: HashMap<Uuid, bool> = HashMap::new();
    let mut total = RateReport::default();
    let mut by_kind: Vec<(PetitionKind, RateReport)> = PetitionKind::ALL
        .into_iter()
        .map(|k| (k, RateReport::default()))
        .collect();
    for r in &rows {
        if let Some(u) = &unit_row {
            let ok = match inside.get(&r.unit_id) {
                Some(ok) => *ok,
                None => {
                    let ok = units::ancestors(&mut tx, r.unit_id).await?.contains(&u.id);
                    inside.insert(r.unit_id, ok);
                    ok
                }
            };
            if !ok {
                continue;
            }
        }
        let facts = ItemFacts {
            received_on: r.received_on,
            accepted_on: r.accepted_on,
            closed_on: r.closed_on,
            closed_as: match r.closed_as.as_deref() {
                Some("resolved") => Some("resolved"),
                Some("transferred") => Some("transferred"),
                Some("guided") => Some("guided"),
                Some("filed") => Some("filed"),
                Some("refused") => Some("refused"),
                Some("withdrawn") => Some("withdrawn"),
                _ => None,
            },
            deadline: r.deadline,
        };
        let o = rules::outcome(&facts, as_of);
        let new = r.received_on >= from;
        let k = by_kind
            .iter()
            .position(|(k, _)| k.as_str() == r.kind)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("bad kind {}", r.kind)))?;
        for rep in [&mut total, &mut by_kind[k].1] {
            if new {
                rep.received_new += 1;
            } else {
                rep.carried_over += 1;
            }
            rep.add(o);
        }
    }
    tx.commit().await?;
    Ok(PetitionReport {
        from,
        to,
        as_of,
        unit: unit_row.map(|u| UnitRef {
            code: u.code,
            name: u.name,
        }),
        total,
        by_kind,
    })
}

// ---- Citizen reception (tiếp công dân) ----

/// A reception day to schedule.
#[derive(Debug, Clone, Deserialize)]
pub struct NewReceptionDay {
    /// The unit whose leader receives citizens; default: where the actor handles petitions.
    #[serde(default)]
    pub unit: Option<String>,
    /// The leader's username (or give `leader_name`).
    #[serde(default)]
    pub leader: Option<String>,
    #[serde(default)]
    pub leader_name: Option<String>,
    pub day: Date,
    pub place: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A scheduled reception day.
#[derive(Debug, Clone, Serialize)]
pub struct ReceptionDayView {
    pub id: Uuid,
    pub unit: UnitRef,
    pub leader: String,
    pub day: Date,
    pub place: String,
    pub note: Option<String>,
}

async fn unit_or_home(
    tx: &mut congso_db::Tx,
    actor: &Actor,
    unit: Option<&str>,
    today: Date,
) -> AppResult<Uuid> {
    match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => Ok(units::by_code_on(tx, code, today)
            .await?
            .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.to_owned()))?
            .id),
        None => home_unit(actor),
    }
}

/// Schedules a leader's reception day. Needs `petition_handle` on the unit.
pub async fn add_reception_day(
    app: &App,
    actor: &Actor,
    new: NewReceptionDay,
) -> AppResult<ReceptionDayView> {
    let now = app.now();
    let today = local_date(now.get());
    let mut tx = app.db.begin_write().await?;
    let unit_id = unit_or_home(&mut tx, actor, new.unit.as_deref(), today).await?;
    actor
        .require(&mut tx, Permission::PetitionHandle, unit_id)
        .await?;
    let place = new.place.trim().to_owned();
    if place.is_empty() || place.chars().count() > 500 {
        return Err(invalid("place"));
    }
    let (leader_id, leader_name) = match text_of(&new.leader) {
        Some(username) => {
            let u = users::by_username(&mut tx, &username.to_ascii_lowercase())
                .await?
                .filter(|u| u.active)
                .ok_or(AppError::new(ErrorCode::UserNotFound).with_detail(username))?;
            (Some(u.id), u.full_name)
        }
        None => (
            None,
            text_of(&new.leader_name).ok_or_else(|| invalid("leader"))?,
        ),
    };
    let row = ScheduleRow {
        id: congso_domain::new_id(),
        unit_id,
        leader_id,
        leader_name,
        day: new.day,
        place,
        note: text_of(&new.note),
        created_by: actor.user_id,
        created_at: now,
    };
    repo::insert_schedule(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "reception_day",
            id: row.id,
            unit_id: Some(unit_id),
        },
        "reception_day.scheduled",
        json!({ "day": row.day.to_string(), "leader": row.leader_name, "place": row.place }),
        now,
    )
    .await?;
    let v = ReceptionDayView {
        id: row.id,
        unit: unit_ref(&mut tx, unit_id).await?,
        leader: row.leader_name,
        day: row.day,
        place: row.place,
        note: row.note,
    };
    tx.commit().await?;
    Ok(v)
}

/// The reception schedule from `from` to `to` (public: the law requires it to be published).
pub async fn reception_days(app: &App, from: Date, to: Date) -> AppResult<Vec<ReceptionDayView>> {
    if to < from {
        return Err(AppError::new(ErrorCode::InvalidDateRange));
    }
    let mut tx = app.db.begin_read().await?;
    let mut names: HashMap<Uuid, UnitRef> = HashMap::new();
    let mut out = vec![];
    for r in repo::schedule_between(&mut tx, from, to).await? {
        let unit = match names.get(&r.unit_id) {
            Some(u) => u.clone(),
            None => {
                let u = unit_ref(&mut tx, r.unit_id).await?;
                names.insert(r.unit_id, u.clone());
                u
            }
        };
        out.push(ReceptionDayView {
            id: r.id,
            unit,
            leader: r.leader_name,
            day: r.day,
            place: r.place,
            note: r.note,
        });
    }
    tx.commit().await?;
    Ok(out)
}

/// A visit to record in the reception log.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewVisit {
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub schedule_id: Option<Uuid>,
    pub visitor_name: String,
    #[serde(default)]
    pub visitor_id_number: Option<String>,
    pub content: String,
    /// What was done: e.g. "Tiếp nhận đơn", "Hướng dẫn", "Giải thích".
    pub outcome: String,
    /// The petition registered from the visit.
    #[serde(default)]
    pub petition_id: Option<Uuid>,
}

/// One visit of the log.
#[derive(Debug, Clone, Serialize)]
pub struct VisitView {
    pub id: Uuid,
    pub unit: UnitRef,
    pub schedule_id: Option<Uuid>,
    pub received_at: Ts,
    pub visitor_name: String,
    pub visitor_id_number: Option<String>,
    pub content: String,
    pub outcome: String,
    pub petition_id: Option<Uuid>,
}

/// Records a visit. Needs `petition_handle` on the unit.
pub async fn log_visit(app: &App, actor: &Actor, new: NewVisit) -> AppResult<VisitView> {
    let now = app.now();
    let today = local_date(now.get());
    let mut tx = app.db.begin_write().await?;
    let unit_id = unit_or_home(&mut tx, actor, new.unit.as_deref(), today).await?;
    actor
        .require(&mut tx, Permission::PetitionHandle, unit_id)
        .await?;
    let name = new.visitor_name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid("visitor_name"));
    }
    let content = new.content.trim().to_owned();
    if content.is_empty() {
        return Err(invalid("content"));
    }
    let outcome = new.outcome.trim().to_owned();
    if outcome.is_empty() {
        return Err(invalid("outcome"));
    }
    let id_number = match text_of(&new.visitor_id_number) {
        Some(s) => Some(Cccd::parse(&s)?.as_str().to_owned()),
        None => None,
    };
    if let Some(s) = new.schedule_id
        && repo::schedule(&mut tx, s).await?.is_none()
    {
        return Err(invalid("schedule_id"));
    }
    if let Some(pid) = new.petition_id
        && repo::petition(&mut tx, pid).await?.is_none()
    {
        return Err(AppError::new(ErrorCode::PetitionNotFound));
    }
    let row = LogRow {
        id: congso_domain::new_id(),
        unit_id,
        schedule_id: new.schedule_id,
        received_at: now,
        visitor_name: name,
        visitor_id_number: id_number,
        content,
        outcome,
        petition_id: new.petition_id,
        created_by: actor.user_id,
        created_at: now,
    };
    repo::insert_log(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "reception_visit",
            id: row.id,
            unit_id: Some(unit_id),
        },
        "reception.visit",
        json!({ "petition": row.petition_id, "outcome": row.outcome }),
        now,
    )
    .await?;
    let v = VisitView {
        id: row.id,
        unit: unit_ref(&mut tx, unit_id).await?,
        schedule_id: row.schedule_id,
        received_at: row.received_at,
        visitor_name: row.visitor_name,
        visitor_id_number: row.visitor_id_number,
        content: row.content,
        outcome: row.outcome,
        petition_id: row.petition_id,
    };
    tx.commit().await?;
    Ok(v)
}

/// The reception log from `from` to `to` (officers who handle petitions).
pub async fn visits(app: &App, actor: &Actor, from: Date, to: Date) -> AppResult<Vec<VisitView>> {
    if !actor.may_somewhere(Permission::PetitionHandle) {
        return Err(AppError::forbidden());
    }
    if to < from {
        return Err(AppError::new(ErrorCode::InvalidDateRange));
    }
    let start = Ts::new(congso_domain::time_vn::day_start(from));
    let end = Ts::new(congso_domain::time_vn::day_start(
        to.next_day().unwrap_or(to),
    ));
    let mut tx = app.db.begin_read().await?;
    let mut out = vec![];
    let mut names: HashMap<Uuid, UnitRef> = HashMap::new();
    for r in repo::log_between(&mut tx, start, end, 1_000).await? {
        let unit = match names.get(&r.unit_id) {
            Some(u) => u.clone(),
            None => {
                let u = unit_ref(&mut tx, r.unit_id).await?;
                names.insert(r.unit_id, u.clone());
                u
            }
        };
        out.push(VisitView {
            id: r.id,
            unit,
            schedule_id: r.schedule_id,
            received_at: r.received_at,
            visitor_name: r.visitor_name,
            visitor_id_number: r.visitor_id_number,
            content: r.content,
            outcome: r.outcome,
            petition_id: r.petition_id,
        });
    }
    tx.commit().await?;
    Ok(out)
}

/// Row counts of the petition tables (tests).
pub async fn counts(app: &App) -> AppResult<(i64, i64, i64)> {
    let mut tx = app.db.begin_read().await?;
    let c = repo::counts(&mut tx).await?;
    tx.commit().await?;
    Ok(c)
}
