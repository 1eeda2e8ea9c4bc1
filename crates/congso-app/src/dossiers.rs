//! The one-stop dossier desk on the case engine: receipt (with the dossier code and the legal
//! appointment), every transition of `congso_domain::dossier::DOSSIER`, the legal clock (pauses
//! for supplements and payments, the one-time new appointment after an apology), the deadline
//! sweep (apology obligations, step escalation), the inbox, the public lookup, and moving open
//! dossiers to a successor unit.
//!
//! Every use case is one transaction: load (locked) → transition lookup → permission on the side's
//! unit → effects → row write → hash-chained event → notification jobs.

use std::sync::Arc;

use crate::units::UnitTree;
use congso_calendar::{
    OfficeHours, Pause, PauseReason, Regime, SlaClock, StepBudget, TimeLimit, Timeliness,
    WorkingCalendar,
};
use congso_db::repo::dossiers::{self as repo, DossierRow, InboxFilter, InboxLine, Scope};
use congso_db::repo::{procedures, units, users};
use congso_db::{Reads, Ts, Tx};
use congso_domain::case::{Side, Target, TransitionError};
use congso_domain::dossier::{CHANNELS, DOSSIER};
use congso_domain::procedure::{ChannelKind, Level, LimitUnit, ProcedureSpec};
use congso_domain::time_vn::{format_datetime_vi, from_local, local_date, to_local};
use congso_domain::{ErrorCode, Permission, Role};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Duration, PrimitiveDateTime};
use uuid::Uuid;

use crate::audit::{self, Subject};

pub mod forms;
use crate::jobs::{Email, send_email};
use crate::{Actor, App, AppError, AppResult};

/// Whether the clock stops while the applicant pays fees [R] (configurable; default yes).
pub const PAUSE_FOR_PAYMENT: bool = true;

/// The applicant of a dossier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub name: String,
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// One line of a dossier's documents checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentItem {
    pub name: String,
    #[serde(default)]
    pub originals: i64,
    #[serde(default)]
    pub copies: i64,
    /// Whether the applicant handed it in.
    #[serde(default = "yes")]
    pub provided: bool,
}

fn yes() -> bool {
    true
}

/// A dossier to receive.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub procedure_code: String,
    /// `counter`, `post` or `online`.
    pub channel: String,
    pub applicant: Applicant,
    /// The checklist; the procedure's documents when empty.
    pub documents: Vec<DocumentItem>,
    /// The receiving unit's code; the actor's one-stop unit when `None`.
    pub receiving_unit: Option<String>,
    /// For imports: the dossier code to keep and the receipt time.
    pub code: Option<String>,
    pub received_at: Option<Ts>,
}

/// The input of an action (`POST /api/v1/dossiers/{code}/actions`).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ActionInput {
    pub action: String,
    #[serde(default)]
    pub reason: Option<String>,
    /// Unit code (forward, transfer).
    #[serde(default)]
    pub to_unit: Option<String>,
    /// Username (assign).
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub amount_vnd: Option<i64>,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (apologize).
    #[serde(default)]
    pub new_appointment_at: Option<String>,
    /// Documents to supplement (request_supplement).
    #[serde(default)]
    pub items: Vec<DocumentItem>,
    #[serde(default)]
    pub note: Option<String>,
}

fn local(t: Ts) -> PrimitiveDateTime {
    to_local(t.get())
}

fn ts(p: PrimitiveDateTime) -> Ts {
    Ts::new(from_local(p))
}

fn time_limit(value: i64, unit: LimitUnit) -> TimeLimit {
    let v = u32::try_from(value.max(0)).unwrap_or(u32::MAX);
    match unit {
        LimitUnit::WorkingDays => TimeLimit::WorkingDays(v),
        LimitUnit::Days => TimeLimit::CalendarDays(v),
        LimitUnit::WorkingHours => TimeLimit::WorkingHours(v),
    }
}

fn clock_of(row: &DossierRow) -> AppResult<Option<SlaClock>> {
    row.clock
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(AppError::internal)
}

fn clock_json(c: &SlaClock) -> AppResult<String> {
    serde_json::to_string(c).map_err(AppError::internal)
}

/// What the clock needs from the environment.
struct Env {
    cal: Arc<WorkingCalendar>,
    hours: OfficeHours,
}

/// This server's copies of the calendar and the units, taken *before* a transaction starts
/// (refreshing them may need a database connection of their own). A transition then reads no
/// unit from the database: permissions, names and office hours come from the copy.
#[derive(Clone)]
pub(crate) struct Refs {
    pub cal: Arc<WorkingCalendar>,
    pub units: Arc<UnitTree>,
    pub usernames: Arc<crate::users::Usernames>,
    /// For a receipt: the published procedure (and its spec), read before the write transaction
    /// so that SQLite's only writer does not wait for those reads.
    pub procedure: Option<Arc<(procedures::ProcRow, ProcedureSpec)>>,
}

pub(crate) async fn refs(app: &App) -> AppResult<Refs> {
    Ok(Refs {
        cal: crate::calendar::working_calendar(app).await?,
        units: crate::units::tree(app).await?,
        usernames: app.usernames.clone(),
        procedure: None,
    })
}

/// The clock's environment: the calendar and the receiving unit's office hours.
fn env(refs: &Refs, receiving_unit: Uuid) -> Env {
    Env {
        cal: refs.cal.clone(),
        hours: refs.units.office_hours(receiving_unit),
    }
}

/// The procedure version a dossier is handled under.
async fn procedure_spec(tx: &mut Tx, procedure_id: Uuid, version: i64) -> AppResult<ProcedureSpec> {
    let v = procedures::version(tx, procedure_id, version)
        .await?
        .ok_or(AppError::not_found())?;
    serde_json::from_str(&v.spec).map_err(AppError::internal)
}

/// The published procedure with this code and the spec of its current version.
async fn published_procedure(
    tx: &mut Tx,
    code: &str,
) -> AppResult<(procedures::ProcRow, ProcedureSpec)> {
    let row = procedures::by_code(tx, code.trim())
        .await?
        .filter(|p| p.status == "published")
        .ok_or(AppError::new(ErrorCode::ProcedureNotFound).with_detail(code.to_owned()))?;
    let spec = procedure_spec(tx, row.id, row.version).await?;
    Ok((row, spec))
}

/// Starts the legal clock at `received`: the intake cut-off and days off move the counting base to
/// the next working day; day-based limits count from that day, hour limits from that moment.
fn start_clock(
    env: &Env,
    spec: &ProcedureSpec,
    channel: ChannelKind,
    received: PrimitiveDateTime,
) -> AppResult<SlaClock> {
    let ch = spec
        .channel(channel)
        .ok_or(AppError::new(ErrorCode::ChannelNotOffered).with_detail(channel.as_str()))?;
    let cutoff = spec.intake_cutoff.as_deref().and_then(|t| {
        time::Time::parse(t, time::macros::format_description!("[hour]:[minute]")).ok()
    });
    let limit = time_limit(ch.time_limit.value, ch.time_limit.unit);
    let base = env.cal.effective_receipt(received, cutoff);
    let started_at = match limit {
        TimeLimit::WorkingHours(_) if base == received.date() => received,
        TimeLimit::WorkingHours(_) => PrimitiveDateTime::new(base, env.hours.opening()),
        _ => PrimitiveDateTime::new(base, received.time()),
    };
    let mut clock = SlaClock::new(started_at, limit);
    clock.steps = spec
        .workflow
        .iter()
        .map(|w| StepBudget {
            name: format!("{}|{}", w.role, w.name),
            limit: match w.budget.unit {
                LimitUnit::WorkingDays => TimeLimit::WorkingHours(
                    u32::try_from(w.budget.value.max(0) * 8).unwrap_or(u32::MAX),
                ),
                _ => TimeLimit::WorkingHours(
                    u32::try_from(w.budget.value.max(0)).unwrap_or(u32::MAX),
                ),
            },
        })
        .collect();
    Ok(clock)
}

/// The workflow step of `role` that a dossier in its `index`-th step is in (steps are named
/// `role|name`; a role met again after the end uses its first step).
pub(crate) fn current_step<'a>(
    clock: &'a SlaClock,
    role: &str,
    index: usize,
) -> Option<&'a StepBudget> {
    clock
        .steps
        .iter()
        .skip(index)
        .find(|s| s.name.starts_with(role))
        .or_else(|| clock.steps.iter().find(|s| s.name.starts_with(role)))
}

/// The role whose step a dossier is in (to follow the procedure's workflow budgets).
fn stage_role(status: &str) -> &'static str {
    match status {
        "forwarded" | "assigned" => "specialist",
        "pending_approval" | "approved" => "unit_head",
        _ => "one_stop_officer",
    }
}

/// Receives a dossier at the counter, by post, or from an online submission entered by the desk:
/// status 2 "Được tiếp nhận", a new code, the appointment. Needs `dossier_receive` on the
/// receiving unit.
pub async fn receive(app: &App, actor: &Actor, new: NewDossier) -> AppResult<DossierView> {
    create(app, actor, new, false).await
}

/// An online submission by a citizen (status 1 "Mới đăng ký"): the clock starts when the desk
/// accepts it. `receiving_unit` is the desk chosen (default: the public service centre).
pub async fn submit(app: &App, actor: &Actor, new: NewDossier) -> AppResult<DossierView> {
    if actor.user_id.is_none() || actor.is_system {
        return Err(AppError::forbidden());
    }
    create(
        app,
        actor,
        NewDossier {
            channel: "online".to_owned(),
            ..new
        },
        true,
    )
    .await
}

async fn create(
    app: &App,
    actor: &Actor,
    new: NewDossier,
    online_submission: bool,
) -> AppResult<DossierView> {
    let checked = check_new(&new)?;
    let now = new.received_at.unwrap_or_else(|| app.now());
    let mut cal = refs(app).await?;
    let mut rtx = app.db.reader().await?;
    let procedure = Arc::new(published_procedure(&mut rtx, &new.procedure_code).await?);
    rtx.commit().await?;
    cal.procedure = Some(procedure.clone());
    // SQLite, a counter or post receipt with no notice to write (no email; only online
    // submissions have an account) and no code given: one command (see `receive_in_one_command`).
    if app.db.backend() == congso_db::Backend::Sqlite
        && !online_submission
        && new.code.is_none()
        && checked.email.is_none()
    {
        let (row, history) =
            receive_in_one_command(app, &cal, actor, &new, now, checked, &procedure).await?;
        return view_with(app, cal, &row, now, Some(history)).await;
    }
    let (w_app, w_cal, w_actor) = (app.clone(), cal.clone(), actor.clone());
    let row = app
        .db
        .run_write(async move {
            let mut tx = w_app.db.begin_write().await?;
            let row = create_in(
                &mut tx,
                &w_app,
                w_cal,
                &w_actor,
                &new,
                online_submission,
                now,
                checked,
                false,
            )
            .await?;
            tx.commit().await?;
            AppResult::Ok(row)
        })
        .await??;
    view_after(app, cal, &row, now).await
}

/// A counter or post receipt decided here (outside the write lock) and written by
/// `repo::commit_receipt` in one short transaction: the unit's daily counter, the dossier, its
/// first event and chain head. Returns the row and its timeline (that event).
async fn receive_in_one_command(
    app: &App,
    cal: &Refs,
    actor: &Actor,
    new: &NewDossier,
    now: Ts,
    checked: Checked,
    procedure: &(procedures::ProcRow, ProcedureSpec),
) -> AppResult<(DossierRow, Vec<congso_db::events::NamedEvent>)> {
    let receiving = receiving_unit(cal, actor, new, false, now)?
        .ok_or(AppError::new(ErrorCode::UnitNotFound))?;
    let n = decide_new(
        cal,
        actor,
        new,
        false,
        now,
        checked,
        receiving,
        &procedure.0,
        &procedure.1,
    )?;
    let event = audit::new_event(actor, n.subject(), n.action(), &n.payload, now)?.chained(None);
    let NewRow { mut row, day, .. } = n;
    repo::commit_receipt(&app.db, &mut row, day, &event).await?;
    // The answer's timeline is this first event: nothing to read back.
    let first = congso_db::events::NamedEvent {
        action: event.action,
        payload: event.payload,
        occurred_at: event.occurred_at,
        actor_id: event.actor_id,
        actor_name: event.actor_id.map(|_| actor.full_name.clone()),
        unit_name: event
            .unit_id
            .and_then(|u| cal.units.get(u))
            .map(|u| u.name.clone()),
    };
    Ok((row, vec![first]))
}

/// The view of a row just written, built in a read transaction after the commit so that the
/// write transaction (SQLite's single writer) stays short.
pub(crate) async fn view_after(
    app: &App,
    cal: Refs,
    row: &DossierRow,
    now: Ts,
) -> AppResult<DossierView> {
    view_with(app, cal, row, now, None).await
}

/// [`view_after`] with the timeline when the caller has it (then nothing is read).
async fn view_with(
    app: &App,
    cal: Refs,
    row: &DossierRow,
    now: Ts,
    history: Option<Vec<congso_db::events::NamedEvent>>,
) -> AppResult<DossierView> {
    let mut reads = Reads::Lazy(&app.db, None);
    let env = env(&cal, row.receiving_unit_id);
    let v = view(&mut reads, row, &cal, &env.hours, now, history).await?;
    reads.finish().await?;
    Ok(v)
}

fn optional<T: ToString>(
    v: &Option<String>,
    parse: impl Fn(&str) -> Result<T, ErrorCode>,
) -> AppResult<Option<String>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(x) => Ok(Some(parse(x)?.to_string())),
        None => Ok(None),
    }
}

/// Validates the channel and the applicant's data.
pub(crate) fn check_new(new: &NewDossier) -> AppResult<Checked> {
    if !CHANNELS.contains(&new.channel.as_str()) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail(format!(
            "channel {}; one of {}",
            new.channel,
            CHANNELS.join(", ")
        )));
    }
    let name = new.applicant.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 300 {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("applicant.name"));
    }
    Ok(Checked {
        name,
        email: optional(&new.applicant.email, congso_domain::Email::parse)?,
        phone: optional(&new.applicant.phone, congso_domain::Phone::parse)?,
        id_number: optional(&new.applicant.id_number, congso_domain::Cccd::parse)?,
    })
}

/// Applicant data after validation.
pub(crate) struct Checked {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    id_number: Option<String>,
}

/// The receiving unit given by code (on the receipt date) or, without one, the unit where the
/// actor is a one-stop officer. `None` for an online submission without a unit: the service
/// centre, which needs a read.
fn receiving_unit(
    cal: &Refs,
    actor: &Actor,
    new: &NewDossier,
    online_submission: bool,
    now: Ts,
) -> AppResult<Option<units::UnitRow>> {
    Ok(Some(match &new.receiving_unit {
        Some(code) => cal
            .units
            .by_code_on(code.trim(), local_date(now.get()))
            .cloned()
            .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.clone()))?,
        None if online_submission => return Ok(None),
        None => {
            let unit_id = actor
                .grants
                .iter()
                .find(|g| g.role == Role::OneStopOfficer)
                .and_then(|g| g.unit_id)
                .ok_or(AppError::forbidden())?;
            cal.units
                .get(unit_id)
                .cloned()
                .ok_or(AppError::not_found())?
        }
    }))
}

/// A new dossier decided but not written: the row (whose `code` still lacks its daily number
/// when `numbered` is false), the receiving unit, the receipt day and the first event's payload.
pub(crate) struct NewRow {
    row: DossierRow,
    receiving: units::UnitRow,
    day: time::Date,
    numbered: bool,
    payload: serde_json::Value,
}

impl NewRow {
    fn action(&self) -> &'static str {
        if self.row.status == "submitted" {
            "submit"
        } else {
            "receive"
        }
    }

    fn subject(&self) -> Subject<'static> {
        Subject {
            kind: "dossier",
            id: self.row.id,
            unit_id: Some(self.receiving.id),
        }
    }
}

/// Decides a new dossier: permission, procedure channel, processing unit, clock and appointment,
/// the code's prefix, the documents checklist. Writes nothing.
#[allow(clippy::too_many_arguments)]
fn decide_new(
    cal: &Refs,
    actor: &Actor,
    new: &NewDossier,
    online_submission: bool,
    now: Ts,
    checked: Checked,
    receiving: units::UnitRow,
    proc_row: &procedures::ProcRow,
    spec: &ProcedureSpec,
) -> AppResult<NewRow> {
    let Checked {
        name,
        email,
        phone,
        id_number,
    } = checked;
    let channel = match new.channel.as_str() {
        "counter" => ChannelKind::Counter,
        "post" => ChannelKind::Post,
        _ => ChannelKind::Online,
    };
    if !online_submission {
        actor.require_in(&cal.units, Permission::DossierReceive, receiving.id)?;
    }
    let ch = spec
        .channel(channel)
        .ok_or(AppError::new(ErrorCode::ChannelNotOffered).with_detail(channel.as_str()))?
        .clone();
    // Commune-level procedures are decided by the commune that receives them.
    let processing_unit_id = if spec.level == Level::Commune
        && matches!(
            receiving.kind.as_str(),
            "ward_committee" | "commune_committee"
        ) {
        receiving.id
    } else {
        proc_row.unit_id
    };
    if online_submission && spec.online == congso_domain::procedure::OnlineLevel::None {
        return Err(AppError::new(ErrorCode::ChannelNotOffered).with_detail("online"));
    }
    let env = env(cal, receiving.id);
    let received_local = local(now);
    let clock = if online_submission {
        None
    } else {
        Some(start_clock(&env, spec, channel, received_local)?)
    };
    let due = clock
        .as_ref()
        .and_then(|c| c.due(&env.cal, &env.hours))
        .map(ts);
    let day = received_local.date();
    let (code, numbered) = match &new.code {
        Some(c) => (c.trim().to_owned(), true),
        // The daily number is appended when the row is written (see `number`).
        None => (
            format!(
                "{}-{:02}{:02}{:02}-",
                receiving.code,
                day.year().rem_euclid(100),
                u8::from(day.month()),
                day.day(),
            ),
            false,
        ),
    };
    let documents = if new.documents.is_empty() {
        spec.documents
            .iter()
            .map(|d| DocumentItem {
                name: d.name.clone(),
                originals: d.originals,
                copies: d.copies,
                provided: true,
            })
            .collect()
    } else {
        new.documents.clone()
    };
    let row = DossierRow {
        id: congso_domain::new_id(),
        code,
        procedure_id: proc_row.id,
        procedure_version: proc_row.version,
        procedure_code: proc_row.code.clone(),
        procedure_name: proc_row.name.clone(),
        channel: channel.as_str().to_owned(),
        regime: Regime::for_receipt_date(day).code().to_owned(),
        receiving_unit_id: receiving.id,
        processing_unit_id,
        assignee_id: None,
        citizen_id: if online_submission {
            actor.user_id
        } else {
            None
        },
        status: if online_submission {
            "submitted"
        } else {
            "received"
        }
        .to_owned(),
        open: true,
        applicant_folded: congso_text::fold_vi(&name),
        applicant_name: name,
        applicant_id_number: id_number,
        applicant_phone: phone,
        applicant_email: email,
        applicant_address: new
            .applicant
            .address
            .clone()
            .filter(|s| !s.trim().is_empty()),
        documents: serde_json::to_string(&documents).map_err(AppError::internal)?,
        clock: clock.as_ref().map(clock_json).transpose()?,
        submitted_at: online_submission.then_some(now),
        received_at: (!online_submission).then_some(now),
        appointment_at: due,
        due_at: due,
        paused_since: None,
        resume_status: None,
        supplements: 0,
        fee_vnd: ch.fee_vnd,
        amount_due: None,
        apology_required_at: None,
        apology_at: None,
        forwarded_at: None,
        step_index: 0,
        step_started_at: Some(now),
        step_escalated: false,
        finished_at: None,
        returned_at: None,
        result: None,
        outcome: None,
        created_at: now,
        updated_at: now,
    };
    let payload = json!({
        "to": row.status, "channel": row.channel, "procedure": row.procedure_code, "version": row.procedure_version,
        "appointment_at": due.map(|d| d.unix_micros()), "unit": receiving.code,
    });
    Ok(NewRow {
        row,
        receiving,
        day,
        numbered,
        payload,
    })
}

/// Completes a dossier code's prefix with the day's sequence number (4 digits).
fn number(code: &mut String, seq: i64) {
    code.push_str(&format!("{seq:04}"));
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn create_in(
    tx: &mut Tx,
    app: &App,
    cal: Refs,
    actor: &Actor,
    new: &NewDossier,
    online_submission: bool,
    now: Ts,
    checked: Checked,
    quiet: bool,
) -> AppResult<DossierRow> {
    let receiving = match receiving_unit(&cal, actor, new, online_submission, now)? {
        Some(u) => u,
        None => units::list(tx, Some(local_date(now.get())))
            .await?
            .into_iter()
            .find(|u| u.kind == "service_centre")
            .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail("service_centre"))?,
    };
    let read;
    let (proc_row, spec) = match &cal.procedure {
        Some(p) if p.0.code == new.procedure_code.trim() => (&p.0, &p.1),
        _ => {
            read = published_procedure(tx, &new.procedure_code).await?;
            (&read.0, &read.1)
        }
    };
    let mut n = decide_new(
        &cal,
        actor,
        new,
        online_submission,
        now,
        checked,
        receiving,
        proc_row,
        spec,
    )?;
    if !n.numbered {
        let seq = repo::next_sequence(tx, n.receiving.id, n.day).await?;
        number(&mut n.row.code, seq);
    }
    let (action, subject) = (n.action(), n.subject());
    let NewRow {
        row,
        receiving,
        payload,
        ..
    } = n;
    repo::insert(tx, &row).await?;
    audit::record(tx, actor, subject, action, payload, now).await?;
    if !online_submission && !quiet {
        notify(
            tx,
            app,
            &row,
            "received",
            &[("unit", receiving.name.as_str())],
            now,
        )
        .await?;
    }
    Ok(row)
}

const TEMPLATES: &[(&str, &str)] = &[
    (
        "received",
        include_str!("../templates/email/vi/received.txt"),
    ),
    (
        "supplement",
        include_str!("../templates/email/vi/supplement.txt"),
    ),
    ("apology", include_str!("../templates/email/vi/apology.txt")),
    ("refused", include_str!("../templates/email/vi/refused.txt")),
    (
        "finished",
        include_str!("../templates/email/vi/finished.txt"),
    ),
];

/// The public lookup link of a dossier (printed as a QR code on the forms).
pub fn lookup_url(app: &App, code: &str) -> String {
    format!(
        "{}/tra-cuu?ma={code}",
        app.config.public_url.trim_end_matches('/')
    )
}

/// Renders an email template: the first line is the subject, the rest the text.
pub fn render_template(name: &str, vars: &[(&str, &str)]) -> Option<(String, String)> {
    let text = TEMPLATES.iter().find(|(n, _)| *n == name)?.1;
    let mut out = text.to_owned();
    for (k, v) in vars {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    let (subject, body) = out.split_once('\n')?;
    Some((subject.trim().to_owned(), body.trim_start().to_owned()))
}

/// Queues an email to the applicant (when they gave an address).
async fn notify(
    tx: &mut Tx,
    app: &App,
    row: &DossierRow,
    template: &str,
    extra: &[(&str, &str)],
    now: Ts,
) -> AppResult<()> {
    if row.applicant_email.is_none() && row.citizen_id.is_none() {
        return Ok(());
    }
    let fmt = |t: Option<Ts>| t.map(|t| format_datetime_vi(t.get())).unwrap_or_default();
    let lookup = lookup_url(app, &row.code);
    let (received, appointment, due) = (
        fmt(row.received_at),
        fmt(row.appointment_at),
        fmt(row.due_at),
    );
    let mut vars: Vec<(&str, &str)> = vec![
        ("code", &row.code),
        ("name", &row.applicant_name),
        ("procedure", &row.procedure_name),
        ("received_at", &received),
        ("appointment_at", &appointment),
        ("due_at", &due),
        ("lookup_url", &lookup),
    ];
    vars.extend_from_slice(extra);
    if let Some((subject, text)) = render_template(template, &vars) {
        // The citizen's account gets the Vietnamese part in the portal's notification list.
        if let Some(user_id) = row.citizen_id {
            let body = text
                .split("\n---\n")
                .next()
                .unwrap_or(&text)
                .trim()
                .to_owned();
            congso_db::repo::portal::insert_notification(
                tx,
                &congso_db::repo::portal::NotificationRow {
                    id: congso_domain::new_id(),
                    user_id,
                    dossier_code: Some(row.code.clone()),
                    title: subject.clone(),
                    body,
                    read_at: None,
                    created_at: now,
                },
            )
            .await?;
        }
        if let Some(to) = row.applicant_email.clone() {
            send_email(
                tx,
                &Email {
                    to,
                    subject,
                    text,
                    html: None,
                },
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// The roles the actor holds on `unit` (directly or through a unit above it).
pub(crate) async fn roles_on(tx: &mut Tx, actor: &Actor, unit: Uuid) -> AppResult<Vec<Role>> {
    let chain = units::ancestors(tx, unit).await?;
    Ok(actor
        .grants
        .iter()
        .filter(|g| g.unit_id.is_some_and(|u| chain.contains(&u)))
        .map(|g| g.role)
        .collect())
}

/// Checks that the actor may take transition `t` on the dossier; returns the unit acted on.
fn authorize(
    units: &UnitTree,
    actor: &Actor,
    t: &congso_domain::case::Transition,
    row: &DossierRow,
) -> AppResult<Uuid> {
    let sides: &[Uuid] = match t.side {
        Side::Receiving => &[row.receiving_unit_id],
        Side::Processing => &[row.processing_unit_id],
        Side::Either => &[row.processing_unit_id, row.receiving_unit_id],
    };
    if actor.is_system {
        return Ok(sides[0]);
    }
    if t.roles.contains(&Role::Citizen)
        && actor.user_id.is_some()
        && actor.user_id == row.citizen_id
    {
        return Ok(row.receiving_unit_id);
    }
    for unit in sides {
        let held = actor.roles_in(units, *unit);
        if held.iter().any(|r| t.roles.contains(r)) {
            return Ok(*unit);
        }
    }
    tracing::info!(actor = %actor.username, action = t.action, dossier = %row.code, "dossier action denied");
    Err(AppError::forbidden())
}

fn illegal(e: TransitionError) -> AppError {
    match e {
        TransitionError::UnknownAction(a) => {
            AppError::new(ErrorCode::InvalidInput).with_detail(format!("action {a}"))
        }
        TransitionError::Illegal { action, state } => {
            AppError::new(ErrorCode::IllegalTransition).with_detail(format!("{action} ← {state}"))
        }
    }
}

fn needs(input: &ActionInput, need: &str) -> bool {
    match need {
        "reason" => input
            .reason
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty()),
        "to_unit" => input
            .to_unit
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty()),
        "assignee" => input
            .assignee
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty()),
        "amount_vnd" => input.amount_vnd.is_some_and(|a| a > 0),
        "new_appointment_at" => input
            .new_appointment_at
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty()),
        _ => true,
    }
}

fn open_pause(clock: &mut SlaClock, at: PrimitiveDateTime, reason: PauseReason) {
    clock.pauses.push(Pause {
        from: at,
        to: None,
        reason,
    });
}

fn close_pause(clock: &mut SlaClock, at: PrimitiveDateTime) {
    if let Some(p) = clock.pauses.iter_mut().rev().find(|p| p.to.is_none()) {
        p.to = Some(at.max(p.from));
    }
}

fn parse_appointment(s: &str, hours: &OfficeHours) -> AppResult<PrimitiveDateTime> {
    let p = crate::calendar::parse_from(s)?;
    // A bare date means the end of office hours that day.
    if !s.contains(['T', ' ']) {
        return Ok(PrimitiveDateTime::new(p.date(), hours.closing()));
    }
    Ok(p)
}

fn timeliness_code(t: Timeliness) -> &'static str {
    match t {
        Timeliness::Early => "early",
        Timeliness::OnTime => "on_time",
        Timeliness::Late => "late",
    }
}

/// Applies an action to a dossier (see `congso_domain::dossier::TRANSITIONS`).
pub async fn act(
    app: &App,
    actor: &Actor,
    code: &str,
    input: ActionInput,
) -> AppResult<DossierView> {
    let now = app.now();
    act_at(app, actor, code, input, now).await
}

/// [`act`] at a given instant (the legacy importer replays history).
pub async fn act_at(
    app: &App,
    actor: &Actor,
    code: &str,
    input: ActionInput,
    now: Ts,
) -> AppResult<DossierView> {
    let cal = refs(app).await?;
    if app.db.backend() == congso_db::Backend::Sqlite {
        return act_optimistic(app, cal, actor, code, input, now).await;
    }
    let (w_app, w_cal, w_actor, code) = (app.clone(), cal.clone(), actor.clone(), code.to_owned());
    let row = app
        .db
        .run_write(async move {
            let mut tx = w_app.db.begin_write().await?;
            let row = act_in(&mut tx, &w_app, w_cal, &w_actor, &code, &input, now, false).await?;
            tx.commit().await?;
            AppResult::Ok(row)
        })
        .await??;
    view_after(app, cal, &row, now).await
}

/// How many times a transition is decided again when its dossier moved in between.
const OPTIMISTIC_TRIES: usize = 8;

/// [`act_at`] on SQLite: the dossier is read and the transition decided outside the write lock
/// (on a reader connection), then written in one command under it, guarded by the dossier's
/// `updated_at` and its event chain; if either moved, it is decided again. SQLite has one writer
/// and each statement is a round trip to the connection's thread, so the write lock is now held
/// for one round trip (`repo::commit_transition`) — three when the applicant gets a notice —
/// instead of five.
async fn act_optimistic(
    app: &App,
    cal: Refs,
    actor: &Actor,
    code: &str,
    input: ActionInput,
    now: Ts,
) -> AppResult<DossierView> {
    for _ in 0..OPTIMISTIC_TRIES {
        let (row, head, mut history) = repo::by_code_with_history(&app.db, code.trim())?
            .ok_or(AppError::new(ErrorCode::DossierNotFound).with_detail(code.to_owned()))?;
        let mut reads = Reads::Lazy(&app.db, None);
        let d = decide(&mut reads, &cal, actor, row, &input, now).await?;
        reads.finish().await?;
        // The answer's timeline: the one read and this transition's event.
        history.push(congso_db::events::NamedEvent {
            action: d.action.to_owned(),
            payload: serde_json::to_string(&d.payload).map_err(AppError::internal)?,
            occurred_at: now,
            actor_id: actor.user_id,
            actor_name: actor.user_id.map(|_| actor.full_name.clone()),
            unit_name: d
                .subject()
                .unit_id
                .and_then(|u| cal.units.get(u))
                .map(|u| u.name.clone()),
        });
        let event = audit::new_event(actor, d.subject(), d.action, &d.payload, now)?.chained(head);
        if !d.notifies() {
            // Nothing else to write: one transaction on the direct writer connection.
            if repo::commit_transition(&app.db, &d.row, d.before, &event).await? {
                return view_with(app, cal, &d.row, now, Some(history)).await;
            }
            continue;
        }
        let (w_app, w_cal) = (app.clone(), cal.clone());
        let written = app
            .db
            .run_write(async move {
                let mut tx = w_app.db.begin_write().await?;
                if !repo::write_transition(&mut tx, &d.row, d.before, &event).await? {
                    tx.rollback().await?;
                    return AppResult::Ok(None);
                }
                after_write(&mut tx, &w_app, &w_cal, &d, now, false).await?;
                tx.commit().await?;
                Ok(Some(d.row))
            })
            .await??;
        if let Some(row) = written {
            return view_with(app, cal, &row, now, Some(history)).await;
        }
    }
    Err(AppError::new(ErrorCode::Conflict).with_detail(code.to_owned()))
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn act_in(
    tx: &mut Tx,
    app: &App,
    cal: Refs,
    actor: &Actor,
    code: &str,
    input: &ActionInput,
    now: Ts,
    quiet: bool,
) -> AppResult<DossierRow> {
    let row = repo::by_code_for_update(tx, code.trim())
        .await?
        .ok_or(AppError::new(ErrorCode::DossierNotFound).with_detail(code.to_owned()))?;
    act_on(tx, app, &cal, actor, row, input, now, quiet).await
}

/// [`act_in`] on a row this transaction already holds: read (and, on PostgreSQL, locked) by it,
/// or written by it (the legacy importer replays a dossier's events on the row it keeps).
#[allow(clippy::too_many_arguments)]
async fn act_on(
    tx: &mut Tx,
    app: &App,
    cal: &Refs,
    actor: &Actor,
    row: DossierRow,
    input: &ActionInput,
    now: Ts,
    quiet: bool,
) -> AppResult<DossierRow> {
    let d = decide(&mut Reads::In(tx), cal, actor, row, input, now).await?;
    repo::update(tx, &d.row).await?;
    audit::record(tx, actor, d.subject(), d.action, d.payload.clone(), now).await?;
    after_write(tx, app, cal, &d, now, quiet).await?;
    Ok(d.row)
}

/// A transition decided from a read of the dossier: the new row and its event, not yet written.
pub(crate) struct Decided {
    row: DossierRow,
    /// `updated_at` as read (the optimistic writer's guard).
    before: Ts,
    action: &'static str,
    acted_unit: Uuid,
    payload: serde_json::Value,
    template: Option<&'static str>,
    reason: Option<String>,
}

impl Decided {
    /// Whether [`after_write`] has a notice to write (see [`notify`]).
    fn notifies(&self) -> bool {
        self.template.is_some()
            && (self.row.applicant_email.is_some() || self.row.citizen_id.is_some())
    }

    fn subject(&self) -> Subject<'static> {
        Subject {
            kind: "dossier",
            id: self.row.id,
            unit_id: Some(self.acted_unit),
        }
    }
}

/// Checks and computes a transition of `row` (anything else it needs is read through `reads`,
/// never written): the action must be legal in its state, have its inputs, and be the actor's to
/// take.
async fn decide(
    reads: &mut Reads<'_>,
    cal: &Refs,
    actor: &Actor,
    mut row: DossierRow,
    input: &ActionInput,
    now: Ts,
) -> AppResult<Decided> {
    let before = row.updated_at;
    let t = DOSSIER
        .transition(&input.action, &row.status)
        .map_err(illegal)?;
    if let Some(missing) = t.needs.iter().find(|n| !needs(input, n)) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail(*missing));
    }
    let acted_unit = authorize(&cal.units, actor, t, &row)?;
    let env = env(cal, row.receiving_unit_id);
    let at = local(now);
    let from = row.status.clone();
    let mut clock = clock_of(&row)?;
    let mut payload = json!({ "from": from });
    let mut template: Option<&'static str> = None;
    let reason = input.reason.clone().map(|r| r.trim().to_owned());
    if let Some(r) = &reason {
        payload["reason"] = json!(r);
    }
    if let Some(n) = input.note.as_deref().filter(|n| !n.trim().is_empty()) {
        payload["note"] = json!(n);
    }
    match t.action {
        "accept" => {
            let spec =
                procedure_spec(reads.tx().await?, row.procedure_id, row.procedure_version).await?;
            let channel = match row.channel.as_str() {
                "post" => ChannelKind::Post,
                "counter" => ChannelKind::Counter,
                _ => ChannelKind::Online,
            };
            let c = start_clock(&env, &spec, channel, at)?;
            row.received_at = Some(now);
            row.appointment_at = c.due(&env.cal, &env.hours).map(ts);
            clock = Some(c);
            template = Some("received");
        }
        "refuse" => {
            row.outcome = Some("refused".to_owned());
            template = Some("refused");
            if t.to == Target::State("finished") {
                row.finished_at = Some(now);
                row.result = clock
                    .as_ref()
                    .map(|c| timeliness_code(c.classify(&env.cal, &env.hours, at)).to_owned());
            }
        }
        "forward" | "transfer" => {
            if let Some(to) = input.to_unit.as_deref().filter(|s| !s.trim().is_empty()) {
                let unit = units::by_code_on(reads.tx().await?, to.trim(), at.date())
                    .await?
                    .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(to.to_owned()))?;
                payload["from_unit"] = json!(row.processing_unit_id);
                payload["to_unit"] = json!(unit.code);
                row.processing_unit_id = unit.id;
            }
            row.assignee_id = None;
            if t.action == "forward" {
                // Paper received after 15:00 reaches the processing unit at the start of the next
                // working day (NĐ 61/2018 as amended).
                let paper = row.channel != "online";
                let cutoff = time::Time::from_hms(15, 0, 0).unwrap_or(time::Time::MIDNIGHT);
                let delivered = if paper
                    && (at.time() > cutoff || !env.cal.is_working_day(at.date()))
                {
                    PrimitiveDateTime::new(env.cal.next_working_day(at.date()), env.hours.opening())
                } else {
                    at
                };
                row.forwarded_at = Some(ts(delivered));
                payload["delivered_at"] = json!(ts(delivered).unix_micros());
            }
        }
        "assign" => {
            let username = input
                .assignee
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let user = users::by_username(reads.tx().await?, &username)
                .await?
                .ok_or(AppError::new(ErrorCode::InvalidAssignee).with_detail(username.clone()))?;
            let mut ok = false;
            for g in users::active_grants(reads.tx().await?, user.id).await? {
                if matches!(g.role.as_str(), "specialist" | "unit_head")
                    && let Some(u) = g.unit_id
                    && cal.units.ancestors(u).contains(&row.processing_unit_id)
                {
                    ok = true;
                    break;
                }
            }
            if !ok || !user.active {
                return Err(AppError::new(ErrorCode::InvalidAssignee).with_detail(username));
            }
            row.assignee_id = Some(user.id);
            payload["assignee"] = json!(user.username);
        }
        "request_supplement" => {
            row.supplements += 1;
            if row.supplements > 1 {
                // Allowed, but the national rule counts the dossier late.
                payload["second_request"] = json!(true);
            }
            if !input.items.is_empty() {
                payload["items"] =
                    serde_json::to_value(&input.items).map_err(AppError::internal)?;
            }
            if let Some(c) = clock.as_mut() {
                open_pause(c, at, PauseReason::Supplement);
            }
            row.paused_since = Some(now);
            row.resume_status = Some(from.clone());
            template = Some("supplement");
        }
        "request_payment" => {
            row.amount_due = input.amount_vnd;
            payload["amount_vnd"] = json!(input.amount_vnd);
            if PAUSE_FOR_PAYMENT && let Some(c) = clock.as_mut() {
                open_pause(c, at, PauseReason::Other);
            }
            row.paused_since = Some(now);
            row.resume_status = Some(from.clone());
        }
        "supplement_received" | "payment_received" => {
            if let Some(c) = clock.as_mut() {
                close_pause(c, at);
            }
            row.paused_since = None;
        }
        "apologize" => {
            if row.apology_at.is_some() {
                return Err(AppError::new(ErrorCode::NewAppointmentOnce));
            }
            let new_at = parse_appointment(
                input.new_appointment_at.as_deref().unwrap_or_default(),
                &env.hours,
            )?;
            let current = clock.as_ref().map(|c| c.due_at(&env.cal, &env.hours, at));
            if current.is_some_and(|d| new_at <= d) || new_at <= at {
                return Err(AppError::new(ErrorCode::InvalidDate).with_detail("new_appointment_at"));
            }
            payload["previous_due_at"] = json!(current.map(|d| ts(d).unix_micros()));
            payload["new_appointment_at"] = json!(ts(new_at).unix_micros());
            if let Some(c) = clock.as_mut() {
                c.extended_due = Some(new_at);
            }
            row.apology_at = Some(now);
            template = Some("apology");
        }
        "finish" => {
            row.finished_at = Some(now);
            row.outcome = Some("granted".to_owned());
            row.result = clock
                .as_ref()
                .map(|c| timeliness_code(c.classify(&env.cal, &env.hours, at)).to_owned());
            template = Some("finished");
        }
        "return_result" => {
            row.returned_at = Some(now);
        }
        "withdraw" | "stop" => {
            row.outcome = Some(
                if t.action == "withdraw" {
                    "withdrawn"
                } else {
                    "stopped"
                }
                .to_owned(),
            );
            if row.received_at.is_some() {
                row.finished_at = Some(now);
            }
            if let Some(c) = clock.as_mut() {
                close_pause(c, at);
            }
            row.paused_since = None;
        }
        _ => {}
    }
    row.status = match t.to {
        Target::State(s) => s.to_owned(),
        Target::Same => from.clone(),
        Target::Resume => row
            .resume_status
            .take()
            .unwrap_or_else(|| "forwarded".to_owned()),
    };
    let state = DOSSIER
        .state(&row.status)
        .ok_or(AppError::internal(anyhow::anyhow!("unknown state")))?;
    row.open = !state.terminal;
    if stage_role(&from) != stage_role(&row.status) {
        row.step_index += 1;
        row.step_started_at = Some(now);
        row.step_escalated = false;
    }
    if let Some(c) = &clock {
        row.clock = Some(clock_json(c)?);
        if row.finished_at.is_none() {
            row.due_at = Some(ts(c.due_at(&env.cal, &env.hours, at)));
        }
    }
    row.updated_at = now;
    payload["to"] = json!(row.status);
    Ok(Decided {
        row,
        before,
        action: t.action,
        acted_unit,
        payload,
        template,
        reason,
    })
}

/// What follows the written transition in the same transaction: the applicant's notice.
async fn after_write(
    tx: &mut Tx,
    app: &App,
    cal: &Refs,
    d: &Decided,
    now: Ts,
    quiet: bool,
) -> AppResult<()> {
    if let Some(tpl) = d.template.filter(|_| !quiet) {
        let unit_name = cal
            .units
            .get(d.acted_unit)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let new_at = d
            .row
            .due_at
            .map(|t| format_datetime_vi(t.get()))
            .unwrap_or_default();
        let previous = d.payload["previous_due_at"]
            .as_i64()
            .and_then(|m| Ts::from_unix_micros(m).ok())
            .map(|t| format_datetime_vi(t.get()))
            .unwrap_or_default();
        let r = d.reason.clone().unwrap_or_default();
        let extra = [
            ("unit", unit_name.as_str()),
            ("reason", r.as_str()),
            ("new_appointment_at", new_at.as_str()),
            ("previous_due_at", previous.as_str()),
        ];
        notify(tx, app, &d.row, tpl, &extra, now).await?;
    }
    Ok(())
}

/// A unit as shown with a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

/// The status of a dossier: the national portal code and name, and the internal state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusView {
    pub code: u8,
    pub name: String,
    pub state: String,
}

/// One event of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventView {
    pub action: String,
    pub at: Ts,
    pub actor: Option<String>,
    pub unit: Option<String>,
    pub to: Option<String>,
    pub note: Option<String>,
}

/// The apology and new appointment, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApologyView {
    pub at: Ts,
    pub new_appointment_at: Option<Ts>,
}

/// A dossier as officers see it.
#[derive(Debug, Clone, Serialize)]
pub struct DossierView {
    pub code: String,
    pub status: StatusView,
    pub procedure_code: String,
    pub procedure_name: String,
    pub procedure_version: i64,
    pub channel: String,
    pub regime: String,
    pub applicant: Applicant,
    pub documents: Vec<DocumentItem>,
    pub receiving_unit: UnitRef,
    pub processing_unit: UnitRef,
    pub assignee: Option<String>,
    pub received_at: Option<Ts>,
    pub appointment_at: Option<Ts>,
    pub due_at: Option<Ts>,
    pub finished_at: Option<Ts>,
    pub returned_at: Option<Ts>,
    /// `early`, `on_time`, `late` once finished.
    pub result: Option<String>,
    pub outcome: Option<String>,
    pub supplements: i64,
    pub paused_working_days: i64,
    pub paused: bool,
    pub apology: Option<ApologyView>,
    pub apology_required: bool,
    pub fee_vnd: i64,
    pub amount_due: Option<i64>,
    /// Office minutes since the start and until the due moment (negative when overdue).
    pub elapsed_working_minutes: Option<i64>,
    pub remaining_working_minutes: Option<i64>,
    pub events: Vec<EventView>,
    pub actions: Vec<String>,
    #[serde(skip)]
    pub row: DossierRow,
}

fn paused_days(clock: &SlaClock, cal: &WorkingCalendar, now: PrimitiveDateTime) -> i64 {
    clock
        .pauses
        .iter()
        .map(|p| {
            cal.working_days_between(p.from.date(), p.to.unwrap_or(now).date())
                .max(0)
        })
        .sum()
}

pub(crate) async fn unit_ref(tx: &mut Tx, id: Uuid) -> AppResult<UnitRef> {
    let u = units::by_id(tx, id).await?.ok_or(AppError::not_found())?;
    Ok(UnitRef {
        code: u.code,
        name: u.name,
    })
}

/// The dossier as the API shows it; `history` is its timeline when the caller already has it.
async fn view(
    reads: &mut Reads<'_>,
    row: &DossierRow,
    refs: &Refs,
    hours: &OfficeHours,
    now: Ts,
    history: Option<Vec<congso_db::events::NamedEvent>>,
) -> AppResult<DossierView> {
    let (units, cal) = (refs.units.as_ref(), refs.cal.as_ref());
    let state = DOSSIER
        .state(&row.status)
        .ok_or(AppError::internal(anyhow::anyhow!(
            "unknown state {}",
            row.status
        )))?;
    let clock = clock_of(row)?;
    let at = local(now);
    let events = match history {
        Some(h) => h,
        None => congso_db::events::timeline(reads.tx().await?, row.id).await?,
    };
    let events = events
        .into_iter()
        .map(|e| {
            let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
            EventView {
                action: e.action,
                at: e.occurred_at,
                actor: match e.actor_id {
                    Some(_) => e.actor_name,
                    None => Some("Hệ thống".to_owned()),
                },
                unit: e.unit_name,
                to: p["to"].as_str().map(str::to_owned),
                note: p["reason"]
                    .as_str()
                    .or(p["note"].as_str())
                    .map(str::to_owned),
            }
        })
        .collect();
    let assignee = match row.assignee_id {
        Some(id) => match refs.usernames.cached(id) {
            Some(name) => Some(name),
            None => refs.usernames.get(reads.tx().await?, id).await?,
        },
        None => None,
    };
    let running = clock
        .as_ref()
        .filter(|_| row.finished_at.is_none() && row.open);
    Ok(DossierView {
        code: row.code.clone(),
        status: StatusView {
            code: state.portal_code,
            name: state.name_vi().to_owned(),
            state: row.status.clone(),
        },
        procedure_code: row.procedure_code.clone(),
        procedure_name: row.procedure_name.clone(),
        procedure_version: row.procedure_version,
        channel: row.channel.clone(),
        regime: row.regime.clone(),
        applicant: Applicant {
            name: row.applicant_name.clone(),
            id_number: row.applicant_id_number.clone(),
            phone: row.applicant_phone.clone(),
            email: row.applicant_email.clone(),
            address: row.applicant_address.clone(),
        },
        documents: serde_json::from_str(&row.documents).unwrap_or_default(),
        receiving_unit: units.unit_ref(row.receiving_unit_id)?,
        processing_unit: units.unit_ref(row.processing_unit_id)?,
        assignee,
        received_at: row.received_at,
        appointment_at: row.appointment_at,
        due_at: row.due_at,
        finished_at: row.finished_at,
        returned_at: row.returned_at,
        result: row.result.clone(),
        outcome: row.outcome.clone(),
        supplements: row.supplements,
        paused_working_days: clock.as_ref().map_or(0, |c| paused_days(c, cal, at)),
        paused: row.paused_since.is_some(),
        apology: row.apology_at.map(|a| ApologyView {
            at: a,
            new_appointment_at: clock.as_ref().and_then(|c| c.extended_due).map(ts),
        }),
        apology_required: row.apology_required_at.is_some() && row.apology_at.is_none(),
        fee_vnd: row.fee_vnd,
        amount_due: row.amount_due,
        elapsed_working_minutes: running.map(|c| c.elapsed_working_minutes(cal, hours, at)),
        remaining_working_minutes: running.map(|c| c.remaining_working_minutes(cal, hours, at)),
        events,
        actions: DOSSIER
            .actions_from(&row.status)
            .iter()
            .map(|t| t.action.to_owned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        row: row.clone(),
    })
}

/// Whether the actor may see a dossier: staff of the receiving or processing unit (or above),
/// or the applicant's own account.
pub(crate) async fn may_see(tx: &mut Tx, actor: &Actor, row: &DossierRow) -> AppResult<bool> {
    if actor.is_system || (actor.user_id.is_some() && actor.user_id == row.citizen_id) {
        return Ok(true);
    }
    for unit in [row.receiving_unit_id, row.processing_unit_id] {
        if roles_on(tx, actor, unit)
            .await?
            .iter()
            .any(|r| r.is_staff())
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A dossier for someone allowed to see it (others get `dossier_not_found`, so codes cannot be
/// probed).
pub async fn get(app: &App, actor: &Actor, code: &str) -> AppResult<DossierView> {
    let now = app.now();
    let cal = refs(app).await?;
    let mut tx = app.db.begin_read().await?;
    let row = repo::by_code(&mut tx, code.trim())
        .await?
        .ok_or(AppError::new(ErrorCode::DossierNotFound).with_detail(code.to_owned()))?;
    if !may_see(&mut tx, actor, &row).await? {
        return Err(AppError::new(ErrorCode::DossierNotFound).with_detail(code.to_owned()));
    }
    let env = env(&cal, row.receiving_unit_id);
    let mut v = view(&mut Reads::In(&mut tx), &row, &cal, &env.hours, now, None).await?;
    v.actions = permitted(&mut tx, actor, &row).await?;
    tx.commit().await?;
    Ok(v)
}

/// The actions the actor may take on the dossier now (state and roles both allow them).
async fn permitted(tx: &mut Tx, actor: &Actor, row: &DossierRow) -> AppResult<Vec<String>> {
    let receiving = roles_on(tx, actor, row.receiving_unit_id).await?;
    let processing = roles_on(tx, actor, row.processing_unit_id).await?;
    let owner = actor.user_id.is_some() && actor.user_id == row.citizen_id;
    let mut out: Vec<String> = vec![];
    for t in DOSSIER.actions_from(&row.status) {
        let held: Vec<Role> = match t.side {
            Side::Receiving => receiving.clone(),
            Side::Processing => processing.clone(),
            Side::Either => receiving.iter().chain(processing.iter()).copied().collect(),
        };
        let ok = actor.is_system
            || held.iter().any(|r| t.roles.contains(r))
            || (owner && t.roles.contains(&Role::Citizen));
        if ok && !out.iter().any(|a| a == t.action) {
            out.push(t.action.to_owned());
        }
    }
    Ok(out)
}

/// Staff who may be assigned a dossier of `unit_code` (specialists and heads of that unit).
pub async fn assignable(app: &App, unit_code: &str) -> AppResult<Vec<(String, String)>> {
    let mut tx = app.db.begin_read().await?;
    let unit = units::by_code_on(&mut tx, unit_code, app.today())
        .await?
        .ok_or(AppError::not_found())?;
    let staff = users::staff_of_unit(&mut tx, unit.id, &["specialist", "unit_head"]).await?;
    tx.commit().await?;
    Ok(staff.into_iter().map(|(u, n, _)| (u, n)).collect())
}

/// Hides a name but its initials: "Nguyễn Thị Hoa" → "N. T. H.".
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}."))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The public view of a dossier (`/tra-cuu`, `GET /api/v1/lookup/{code}`): no personal data but
/// the applicant's initials.
#[derive(Debug, Clone, Serialize)]
pub struct PublicView {
    pub code: String,
    pub procedure_name: String,
    pub applicant: String,
    pub status: StatusView,
    pub received_at: Option<Ts>,
    pub appointment_at: Option<Ts>,
    pub due_at: Option<Ts>,
    pub finished_at: Option<Ts>,
    pub returned_at: Option<Ts>,
    pub result: Option<String>,
    pub receiving_unit: String,
    pub processing_unit: String,
    /// (action, time, unit) of each step.
    pub steps: Vec<PublicStep>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicStep {
    pub action: String,
    pub at: Ts,
    pub unit: Option<String>,
}

pub async fn lookup(app: &App, code: &str) -> AppResult<PublicView> {
    let v = get(app, &Actor::system(), code).await?;
    Ok(PublicView {
        code: v.code,
        procedure_name: v.procedure_name,
        applicant: mask_name(&v.applicant.name),
        status: v.status,
        received_at: v.received_at,
        appointment_at: v.appointment_at,
        due_at: v.due_at,
        finished_at: v.finished_at,
        returned_at: v.returned_at,
        result: v.result,
        receiving_unit: v.receiving_unit.name,
        processing_unit: v.processing_unit.name,
        steps: v
            .events
            .into_iter()
            .map(|e| PublicStep {
                action: e.action,
                at: e.at,
                unit: e.unit,
            })
            .collect(),
    })
}

/// The tabs of the officer inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tab {
    /// Assigned to me.
    Mine,
    /// Processed by my units.
    Unit,
    /// Received at my desk (one-stop officers).
    Desk,
    /// Due within one working day.
    DueSoon,
    /// Past due.
    Overdue,
    /// Waiting for the applicant's supplement.
    Supplement,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Mine,
        Tab::Unit,
        Tab::Desk,
        Tab::DueSoon,
        Tab::Overdue,
        Tab::Supplement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Mine => "mine",
            Tab::Unit => "unit",
            Tab::Desk => "desk",
            Tab::DueSoon => "due_soon",
            Tab::Overdue => "overdue",
            Tab::Supplement => "supplement",
        }
    }

    pub fn parse(s: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// An inbox page.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub tab: Tab,
    pub lines: Vec<InboxLine>,
    pub total: i64,
    /// The count of each tab.
    pub counts: Vec<(Tab, i64)>,
}

/// The units whose dossiers the actor handles: where they receive (desk) and where they process.
fn actor_units(actor: &Actor) -> (Vec<Uuid>, Vec<Uuid>) {
    let mut desk = vec![];
    let mut processing = vec![];
    for g in &actor.grants {
        let Some(u) = g.unit_id else { continue };
        match g.role {
            Role::OneStopOfficer => desk.push(u),
            Role::Specialist | Role::UnitHead | Role::Leader => processing.push(u),
            _ => {}
        }
    }
    (desk, processing)
}

/// The officer inbox: one tab's page (most urgent first) and every tab's count.
pub async fn inbox(
    app: &App,
    actor: &Actor,
    tab: Tab,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> AppResult<Inbox> {
    let Some(me) = actor.user_id else {
        return Err(AppError::forbidden());
    };
    let now = app.now();
    let cal = crate::calendar::working_calendar(app).await?;
    // "Due soon": due before the end of the next working day.
    let soon = ts(PrimitiveDateTime::new(
        cal.next_working_day(local(now).date()),
        OfficeHours::default().closing(),
    ));
    let (desk, processing) = actor_units(actor);
    let search = search.map(str::trim).filter(|s| !s.is_empty());
    let base = InboxFilter {
        search_code: search.map(|s| s.to_ascii_uppercase()),
        search_name: search.map(congso_text::fold_vi),
        limit: limit.clamp(1, 200),
        offset: offset.max(0),
        ..InboxFilter::default()
    };
    let mut tx = app.db.begin_read().await?;
    let mut counts = vec![];
    let mut chosen = (vec![], 0);
    for t in Tab::ALL {
        let (scopes, filter): (Vec<Scope>, InboxFilter) = match t {
            Tab::Mine => (vec![Scope::Mine(me)], base.clone()),
            Tab::Unit => (
                processing.iter().map(|u| Scope::Processing(*u)).collect(),
                base.clone(),
            ),
            Tab::Desk => (
                desk.iter().map(|u| Scope::Receiving(*u)).collect(),
                base.clone(),
            ),
            Tab::DueSoon => (
                processing
                    .iter()
                    .map(|u| Scope::Processing(*u))
                    .chain(desk.iter().map(|u| Scope::Receiving(*u)))
                    .collect(),
                InboxFilter {
                    due_before: Some(soon),
                    ..base.clone()
                },
            ),
            Tab::Overdue => (
                processing
                    .iter()
                    .map(|u| Scope::Processing(*u))
                    .chain(desk.iter().map(|u| Scope::Receiving(*u)))
                    .collect(),
                InboxFilter {
                    due_before: Some(now),
                    ..base.clone()
                },
            ),
            Tab::Supplement => (
                processing
                    .iter()
                    .map(|u| Scope::Processing(*u))
                    .chain(desk.iter().map(|u| Scope::Receiving(*u)))
                    .collect(),
                InboxFilter {
                    status: Some("awaiting_supplement".to_owned()),
                    ..base.clone()
                },
            ),
        };
        let mut lines = vec![];
        let mut total = 0;
        let mut seen = std::collections::HashSet::new();
        for scope in scopes {
            let wanted = if t == tab {
                InboxFilter {
                    limit: filter.limit + filter.offset,
                    offset: 0,
                    ..filter.clone()
                }
            } else {
                InboxFilter {
                    limit: 0,
                    ..filter.clone()
                }
            };
            let (l, n) = repo::inbox(&mut tx, scope, &wanted).await?;
            total += n;
            for line in l {
                if seen.insert(line.code.clone()) {
                    lines.push(line);
                }
            }
        }
        counts.push((t, total));
        if t == tab {
            lines.sort_by(|a, b| (a.due_at, &a.code).cmp(&(b.due_at, &b.code)));
            let page = lines
                .into_iter()
                .skip(filter.offset as usize)
                .take(filter.limit as usize)
                .collect();
            chosen = (page, total);
        }
    }
    tx.commit().await?;
    Ok(Inbox {
        tab,
        lines: chosen.0,
        total: chosen.1,
        counts,
    })
}

/// What the deadline sweep did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SweepReport {
    pub apology_obligations: usize,
    pub escalations: usize,
}

/// The deadline sweep (a periodic job): for every open dossier due within one working day that is
/// not finished, creates the obligation to apologise (Mẫu 04) for the unit handling it; for every
/// step that has used up its budget, escalates once to the head of the unit.
pub async fn sweep(app: &App) -> AppResult<SweepReport> {
    let now = app.now();
    let cal = crate::calendar::working_calendar(app).await?;
    let at = local(now);
    let hours = OfficeHours::default();
    // No later than 1 working day before the due date: everything due by the end of the next
    // working day.
    let horizon = ts(PrimitiveDateTime::new(
        cal.next_working_day(at.date()),
        hours.closing(),
    ));
    let mut report = SweepReport::default();
    let mut tx = app.db.begin_write().await?;
    for mut row in repo::due_without_obligation(&mut tx, horizon, 500).await? {
        row.apology_required_at = Some(now);
        row.updated_at = now;
        repo::update(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &Actor::system(),
            Subject {
                kind: "dossier",
                id: row.id,
                unit_id: Some(row.processing_unit_id),
            },
            "apology_required",
            json!({ "due_at": row.due_at.map(|d| d.unix_micros()) }),
            now,
        )
        .await?;
        notify_unit_heads(&mut tx, &row, "apology_required", now).await?;
        report.apology_obligations += 1;
    }
    for mut row in repo::steps_started_before(&mut tx, now - Duration::hours(1), 500).await? {
        let Some(clock) = clock_of(&row)? else {
            continue;
        };
        let role = stage_role(&row.status);
        let index = usize::try_from(row.step_index).unwrap_or(0);
        let Some(step) = current_step(&clock, role, index) else {
            continue;
        };
        let budget = step.limit.office_minutes(&hours);
        let Some(started) = row.step_started_at else {
            continue;
        };
        let spent = cal.working_minutes_between(local(started), at, &hours);
        if spent <= budget {
            continue;
        }
        row.step_escalated = true;
        row.updated_at = now;
        repo::update(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &Actor::system(),
            Subject { kind: "dossier", id: row.id, unit_id: Some(row.processing_unit_id) },
            "step_overdue",
            json!({ "step": step.name.split('|').nth(1), "budget_minutes": budget, "spent_minutes": spent }),
            now,
        )
        .await?;
        notify_unit_heads(&mut tx, &row, "step_overdue", now).await?;
        report.escalations += 1;
    }
    tx.commit().await?;
    Ok(report)
}

/// Emails the heads of the unit processing a dossier.
async fn notify_unit_heads(tx: &mut Tx, row: &DossierRow, what: &str, now: Ts) -> AppResult<()> {
    let heads = users::with_role_in_unit(tx, "unit_head", row.processing_unit_id).await?;
    for (email, name) in heads {
        let (subject, text) = match what {
            "apology_required" => (
                format!(
                    "Hồ sơ {} sắp quá hạn: cần văn bản xin lỗi (Mẫu 04)",
                    row.code
                ),
                format!(
                    "Kính gửi {name},\n\nHồ sơ {} ({}) đến hạn {} nhưng chưa giải quyết xong. Theo quy định, đơn vị phải gửi văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) chậm nhất 01 ngày làm việc trước ngày hết hạn.\n---\nDossier {} is due soon and not finished: an apology with a new date (form 04) is required.",
                    row.code,
                    row.procedure_name,
                    row.due_at
                        .map(|d| format_datetime_vi(d.get()))
                        .unwrap_or_default(),
                    row.code
                ),
            ),
            _ => (
                format!("Hồ sơ {} vượt thời gian của bước xử lý", row.code),
                format!(
                    "Kính gửi {name},\n\nHồ sơ {} ({}) đã dùng hết thời gian quy định cho bước xử lý hiện tại.\n---\nDossier {} has used up the time budget of its current step.",
                    row.code, row.procedure_name, row.code
                ),
            ),
        };
        send_email(
            tx,
            &Email {
                to: email,
                subject,
                text,
                html: None,
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Moves the open dossiers processed by a closed unit to its successor (reorganisation), keeping
/// code, receipt date and clock; one event per dossier. Used inside the unit-closing transaction.
pub async fn move_to_successor(
    tx: &mut Tx,
    actor: &Actor,
    from: Uuid,
    to: Uuid,
    now: Ts,
) -> AppResult<usize> {
    let rows = repo::open_processed_by(tx, from).await?;
    let n = rows.len();
    for mut row in rows {
        row.processing_unit_id = to;
        row.assignee_id = None;
        row.updated_at = now;
        repo::update(tx, &row).await?;
        audit::record(
            tx,
            actor,
            Subject {
                kind: "dossier",
                id: row.id,
                unit_id: Some(to),
            },
            "transferred_by_reorg",
            json!({ "from_unit": from, "to_unit": to }),
            now,
        )
        .await?;
    }
    Ok(n)
}

/// One dossier of a previous one-stop system (`congso import dossiers FILE.jsonl`, one per line).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyDossier {
    pub procedure_code: String,
    /// The receiving unit's code.
    pub unit_code: String,
    pub channel: String,
    pub applicant: Applicant,
    #[serde(default)]
    pub documents: Vec<DocumentItem>,
    /// Keep this code; generated when absent.
    #[serde(default)]
    pub code: Option<String>,
    pub events: Vec<LegacyEvent>,
}

/// One step of a legacy dossier's history.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyEvent {
    /// RFC 3339, e.g. `2026-02-13T09:15:00+07:00`.
    pub at: String,
    pub action: String,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub to_unit: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub amount_vnd: Option<i64>,
    #[serde(default)]
    pub new_appointment_at: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

fn line_error(line: usize, e: impl std::fmt::Display) -> AppError {
    AppError::new(ErrorCode::ImportLineFailed).with_detail(format!("dòng/line {line}: {e}"))
}

/// Imports dossiers from a previous system, replaying each one's history through the case engine
/// at the recorded times (so appointments, pauses and results are recomputed, and a history the
/// rules forbid is refused), all in one transaction: one bad line and nothing is written. No
/// notifications are sent. Returns the number of dossiers.
pub async fn import_legacy(
    app: &App,
    text: &str,
    progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> AppResult<usize> {
    let mut parsed = vec![];
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let d: LegacyDossier = serde_json::from_str(line).map_err(|e| line_error(i + 1, e))?;
        if d.events.is_empty() {
            return Err(line_error(i + 1, "events: empty"));
        }
        let mut times = vec![];
        for e in &d.events {
            let at =
                time::OffsetDateTime::parse(&e.at, &time::format_description::well_known::Rfc3339)
                    .map_err(|_| line_error(i + 1, format!("at {:?}", e.at)))?;
            if times.last().is_some_and(|prev| at < *prev) {
                return Err(line_error(
                    i + 1,
                    format!("{} at {}: events out of order", e.action, e.at),
                ));
            }
            times.push(at);
        }
        let first = d.events[0].action.as_str();
        if first != "receive" && first != "submit" {
            return Err(line_error(
                i + 1,
                "the first event must be receive (or submit then accept)",
            ));
        }
        parsed.push((i + 1, d, times));
    }
    let total = parsed.len();
    let system = Actor::system();
    let cal = refs(app).await?;
    let mut tx = app.db.begin_write().await?;
    // The report's aggregates take the imported dossiers at the end, once (migration 0013):
    // upserting the same aggregate rows at every write of every dossier made a long import
    // slower as it went, on PostgreSQL.
    congso_db::repo::reports::defer(&mut tx).await?;
    let mut imported = Vec::with_capacity(total);
    // Each procedure is read once per import (the transaction sees no other writer's changes).
    let mut procedures: std::collections::HashMap<
        String,
        Arc<(procedures::ProcRow, ProcedureSpec)>,
    > = std::collections::HashMap::new();
    for (n, (line, d, times)) in parsed.into_iter().enumerate() {
        if let Some(code) = &d.code
            && repo::by_code(&mut tx, code).await?.is_some()
        {
            return Err(line_error(line, format!("code {code} already exists")));
        }
        let online = d.events[0].action == "submit";
        let new = NewDossier {
            procedure_code: d.procedure_code.clone(),
            channel: if online {
                "online".to_owned()
            } else {
                d.channel.clone()
            },
            applicant: d.applicant.clone(),
            documents: d.documents.clone(),
            receiving_unit: Some(d.unit_code.clone()),
            code: d.code.clone(),
            received_at: None,
        };
        let checked = check_new(&new).map_err(|e| line_error(line, e))?;
        let at0 = Ts::new(times[0]);
        let procedure = match procedures.get(new.procedure_code.trim()) {
            Some(p) => p.clone(),
            None => {
                let p = Arc::new(
                    published_procedure(&mut tx, &new.procedure_code)
                        .await
                        .map_err(|e| line_error(line, e))?,
                );
                procedures.insert(new.procedure_code.trim().to_owned(), p.clone());
                p
            }
        };
        let mut line_cal = cal.clone();
        line_cal.procedure = Some(procedure);
        let mut row = create_in(
            &mut tx, app, line_cal, &system, &new, online, at0, checked, true,
        )
        .await
        .map_err(|e| line_error(line, e))?;
        for (e, at) in d.events.iter().zip(times.iter()).skip(1) {
            let input = ActionInput {
                action: e.action.clone(),
                reason: e.reason.clone(),
                to_unit: e.to_unit.clone(),
                assignee: e.assignee.clone(),
                amount_vnd: e.amount_vnd,
                new_appointment_at: e.new_appointment_at.clone(),
                items: vec![],
                note: e.note.clone(),
            };
            row = act_on(&mut tx, app, &cal, &system, row, &input, Ts::new(*at), true)
                .await
                .map_err(|err| line_error(line, format!("{} at {}: {err}", e.action, e.at)))?;
        }
        imported.push(row.id);
        if (n + 1) % 200 == 0 || n + 1 == total {
            progress(n + 1, total);
        }
    }
    congso_db::repo::reports::settle(&mut tx, &imported).await?;
    tx.commit().await?;
    Ok(total)
}
