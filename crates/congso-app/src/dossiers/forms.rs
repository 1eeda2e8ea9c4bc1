//! The facts printed on the official one-stop forms (TT 01/2018/TT-VPCP, Mẫu 01–06), gathered
//! from a dossier, its procedure version and its event history. Rendering (typst, XLSX) happens in
//! the web layer with `congso-docs`; this module only reads, so a form always shows what the
//! timeline recorded.

use congso_calendar::{OfficeHours, SlaClock, WorkingCalendar};
use congso_db::Ts;
use congso_db::events::{self, EventRow};
use congso_db::repo::dossiers::{self as repo, DossierRow};
use congso_db::repo::{units, users};
use congso_domain::procedure::{ChannelKind, LimitUnit};
use congso_domain::{ErrorCode, Permission};
use time::{Date, PrimitiveDateTime};
use uuid::Uuid;

use super::{
    DocumentItem, DossierView, clock_of, env, local, may_see, procedure_spec, refs, stage_role,
    view,
};
use crate::{Actor, App, AppError, AppResult};

/// A unit as printed in a form's header: its superior body and its own name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormAgency {
    pub parent: String,
    pub name: String,
    pub kind: String,
}

/// A notice issued on a dossier (a supplement request or a refusal): when, by whom, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub at: Ts,
    pub officer: String,
    pub officer_phone: Option<String>,
    pub agency: FormAgency,
    pub reason: String,
    pub items: Vec<DocumentItem>,
}

/// The apology and new appointment (Mẫu 04).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApologyFacts {
    pub at: Ts,
    pub agency: FormAgency,
    pub signer: String,
    pub reason: String,
    pub previous_due: Option<Ts>,
    pub new_due: Option<Ts>,
}

/// One hand-over of the control sheet (Mẫu 05).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverFacts {
    pub at: Ts,
    pub giver_unit: String,
    pub receiver_unit: String,
    pub giver: String,
    pub receiver: String,
    /// `early`, `on_time` or `late`: the step handed over against its budget (the whole dossier
    /// against its appointment when the result goes back to the applicant).
    pub result: Option<&'static str>,
    pub note: Option<String>,
}

/// Everything the forms of one dossier print.
#[derive(Debug, Clone)]
pub struct FormFacts {
    pub dossier: DossierView,
    pub receiving: FormAgency,
    pub processing: FormAgency,
    /// The officer who received the dossier (or accepted the online submission).
    pub receiving_officer: Option<String>,
    /// The time limit of the channel, e.g. "05 ngày làm việc".
    pub legal_time: String,
    pub supplement: Option<Notice>,
    pub refusal: Option<Notice>,
    pub apology: Option<ApologyFacts>,
    pub handovers: Vec<HandoverFacts>,
    /// Units the dossier was transferred to or consulted (liên thông), by name.
    pub coordinating_units: Vec<String>,
    pub lookup_url: String,
    pub place: String,
    /// Whether the actor is the applicant (who may print forms 01–04 only).
    pub viewer_is_applicant: bool,
}

/// The facts of a dossier's forms, for someone allowed to see the dossier.
pub async fn form_facts(app: &App, actor: &Actor, code: &str) -> AppResult<FormFacts> {
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
    let dossier = view(
        &mut super::Reads::In(&mut tx),
        &row,
        &cal,
        &env.hours,
        now,
        None,
    )
    .await?;
    let spec = procedure_spec(&mut tx, row.procedure_id, row.procedure_version).await?;
    let channel = match row.channel.as_str() {
        "post" => ChannelKind::Post,
        "counter" => ChannelKind::Counter,
        _ => ChannelKind::Online,
    };
    let legal_time = spec
        .channel(channel)
        .map(|c| limit_words(c.time_limit.value, c.time_limit.unit))
        .unwrap_or_default();
    let events = events::for_subject(&mut tx, row.id).await?;
    let mut people = People::default();
    let receiving = agency(&mut tx, row.receiving_unit_id).await?;
    let processing = agency(&mut tx, row.processing_unit_id).await?;
    let mut receiving_officer = None;
    let mut supplement = None;
    let mut refusal = None;
    let mut apology = None;
    let mut coordinating_units: Vec<String> = vec![];
    for e in &events {
        let p = payload(e);
        match e.action.as_str() {
            "receive" | "accept" => {
                receiving_officer = people.name(&mut tx, e.actor_id).await?;
            }
            "request_supplement" | "refuse" => {
                let (officer, officer_phone) = people.contact(&mut tx, e.actor_id).await?;
                let notice = Notice {
                    at: e.occurred_at,
                    officer: officer.unwrap_or_default(),
                    officer_phone,
                    agency: match e.unit_id {
                        Some(u) => agency(&mut tx, u).await?,
                        None => receiving.clone(),
                    },
                    reason: p["reason"].as_str().unwrap_or_default().to_owned(),
                    items: serde_json::from_value(p["items"].clone()).unwrap_or_default(),
                };
                if e.action == "refuse" {
                    refusal = Some(notice);
                } else {
                    supplement = Some(notice);
                }
            }
            "apologize" => {
                apology = Some(ApologyFacts {
                    at: e.occurred_at,
                    agency: match e.unit_id {
                        Some(u) => agency(&mut tx, u).await?,
                        None => processing.clone(),
                    },
                    signer: people.name(&mut tx, e.actor_id).await?.unwrap_or_default(),
                    reason: p["reason"].as_str().unwrap_or_default().to_owned(),
                    previous_due: micros(&p["previous_due_at"]),
                    new_due: micros(&p["new_appointment_at"]),
                });
            }
            "transfer" => {
                if let Some(code) = p["to_unit"].as_str()
                    && let Some(u) = units::latest_by_code(&mut tx, code).await?
                    && !coordinating_units.contains(&u.name)
                {
                    coordinating_units.push(u.name);
                }
            }
            _ => {}
        }
    }
    let clock = clock_of(&row)?;
    let handovers = handovers(
        &mut tx,
        &mut people,
        &row,
        &events,
        clock.as_ref(),
        Step {
            cal: env.cal.as_ref(),
            hours: &env.hours,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(FormFacts {
        viewer_is_applicant: actor.user_id.is_some() && actor.user_id == row.citizen_id,
        dossier,
        receiving,
        processing,
        receiving_officer,
        legal_time,
        supplement,
        refusal,
        apology,
        handovers,
        coordinating_units,
        lookup_url: super::lookup_url(app, &row.code),
        place: app.config.place_name.clone(),
    })
}

/// One row of the tracking book (Mẫu 06).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookLine {
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub contact: String,
    pub processing_unit: String,
    pub received: Option<Date>,
    pub appointment: Option<Date>,
    pub forwarded: Option<Date>,
    pub finished: Option<Date>,
    pub returned: Option<Date>,
    pub result: Option<String>,
    pub outcome: Option<String>,
}

/// The tracking book (Mẫu 06) of a receiving unit: the dossiers it received from `from` to `to`
/// inclusive (dates in UTC+7), in order of receipt. Needs `dossier_receive` (the one-stop desk)
/// or `report_view` on the unit.
pub async fn tracking_book(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    from: Date,
    to: Date,
) -> AppResult<(FormAgency, Vec<BookLine>)> {
    if to < from || (to - from).whole_days() > 366 {
        return Err(AppError::new(ErrorCode::InvalidDate).with_detail("to"));
    }
    let mut tx = app.db.begin_read().await?;
    let unit = units::latest_by_code(&mut tx, unit_code.trim())
        .await?
        .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(unit_code.to_owned()))?;
    let allowed = actor.is_system
        || !actor
            .roles_for(&mut tx, Permission::DossierReceive, unit.id)
            .await?
            .is_empty()
        || !actor
            .roles_for(&mut tx, Permission::ReportView, unit.id)
            .await?
            .is_empty();
    if !allowed {
        return Err(AppError::forbidden());
    }
    let start = Ts::new(congso_domain::time_vn::day_start(from));
    let end = Ts::new(congso_domain::time_vn::day_start(
        to.next_day().unwrap_or(to),
    ));
    let rows = repo::received_between(&mut tx, unit.id, start, end, 100_000).await?;
    let mut names: std::collections::HashMap<Uuid, String> = std::collections::HashMap::new();
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let processing_unit = match names.get(&r.processing_unit_id) {
            Some(n) => n.clone(),
            None => {
                let n = units::by_id(&mut tx, r.processing_unit_id)
                    .await?
                    .map(|u| u.name)
                    .unwrap_or_default();
                names.insert(r.processing_unit_id, n.clone());
                n
            }
        };
        let day = |t: Option<Ts>| t.map(|t| local(t).date());
        lines.push(BookLine {
            contact: [r.applicant_address.clone(), r.applicant_phone.clone()]
                .into_iter()
                .flatten()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join("; "),
            code: r.code,
            procedure: r.procedure_name,
            applicant: r.applicant_name,
            processing_unit,
            received: day(r.received_at),
            appointment: day(r.appointment_at),
            forwarded: day(r.forwarded_at),
            finished: day(r.finished_at),
            returned: day(r.returned_at),
            result: r.result,
            outcome: r.outcome,
        });
    }
    let agency = agency(&mut tx, unit.id).await?;
    tx.commit().await?;
    Ok((agency, lines))
}

/// "05 ngày làm việc", "08 giờ làm việc", "30 ngày".
fn limit_words(value: i64, unit: LimitUnit) -> String {
    let n = if (0..10).contains(&value) {
        format!("0{value}")
    } else {
        value.to_string()
    };
    match unit {
        LimitUnit::WorkingDays => format!("{n} ngày làm việc"),
        LimitUnit::WorkingHours => format!("{n} giờ làm việc"),
        LimitUnit::Days => format!("{n} ngày"),
    }
}

fn payload(e: &EventRow) -> serde_json::Value {
    serde_json::from_str(&e.payload).unwrap_or_default()
}

fn micros(v: &serde_json::Value) -> Option<Ts> {
    v.as_i64().and_then(|m| Ts::from_unix_micros(m).ok())
}

async fn agency(tx: &mut congso_db::Tx, id: Uuid) -> AppResult<FormAgency> {
    let u = units::by_id(tx, id).await?.ok_or(AppError::not_found())?;
    let parent = match u.parent_id {
        Some(p) => units::by_id(tx, p)
            .await?
            .map(|p| p.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(FormAgency {
        parent,
        name: u.name,
        kind: u.kind,
    })
}

/// Names and phones of the people on a timeline, looked up once each.
#[derive(Default)]
struct People {
    seen: std::collections::HashMap<Uuid, (String, Option<String>)>,
}

impl People {
    async fn contact(
        &mut self,
        tx: &mut congso_db::Tx,
        id: Option<Uuid>,
    ) -> AppResult<(Option<String>, Option<String>)> {
        let Some(id) = id else {
            return Ok((None, None));
        };
        if !self.seen.contains_key(&id)
            && let Some(u) = users::by_id(tx, id).await?
        {
            self.seen.insert(id, (u.full_name, u.phone));
        }
        Ok(self
            .seen
            .get(&id)
            .map_or((None, None), |(n, p)| (Some(n.clone()), p.clone())))
    }

    async fn name(
        &mut self,
        tx: &mut congso_db::Tx,
        id: Option<Uuid>,
    ) -> AppResult<Option<String>> {
        Ok(self.contact(tx, id).await?.0)
    }

    async fn by_username(&mut self, tx: &mut congso_db::Tx, username: &str) -> AppResult<String> {
        Ok(users::by_username(tx, username)
            .await?
            .map_or_else(|| username.to_owned(), |u| u.full_name))
    }
}

struct Step<'a> {
    cal: &'a WorkingCalendar,
    hours: &'a OfficeHours,
}

impl Step<'_> {
    /// A step that began at `start` and was handed over at `at`, against a budget of
    /// `budget` office minutes: late past the budget, on time on the day the budget runs out,
    /// early before that day.
    fn judge(&self, start: PrimitiveDateTime, at: PrimitiveDateTime, budget: i64) -> &'static str {
        let spent = self.cal.working_minutes_between(start, at, self.hours);
        let due = self.cal.add_working_minutes(
            start,
            u32::try_from(budget.max(0)).unwrap_or(u32::MAX),
            self.hours,
        );
        if spent > budget {
            "late"
        } else if at.date() < due.date() {
            "early"
        } else {
            "on_time"
        }
    }
}

/// The hand-overs of a dossier (Mẫu 05): every forward, transfer, assignment, submission for
/// approval, approval, finish and return, with who gave and who received it. The receiver is
/// the person who acted next on the dossier (a unit's clerk or head receives a forwarded
/// dossier), or the applicant for the return of the result.
async fn handovers(
    tx: &mut congso_db::Tx,
    people: &mut People,
    row: &DossierRow,
    events: &[EventRow],
    clock: Option<&SlaClock>,
    step: Step<'_>,
) -> AppResult<Vec<HandoverFacts>> {
    const HANDOVERS: [&str; 7] = [
        "forward",
        "transfer",
        "assign",
        "submit_for_approval",
        "approve",
        "finish",
        "return_result",
    ];
    let budget_of = |role: &str, index: usize| -> Option<i64> {
        Some(
            super::current_step(clock?, role, index)?
                .limit
                .office_minutes(step.hours),
        )
    };
    let mut unit_names: std::collections::HashMap<Uuid, String> = std::collections::HashMap::new();
    let mut out = vec![];
    let mut step_start: Option<PrimitiveDateTime> = row.received_at.map(local);
    let mut step_index = 0usize;
    for (i, e) in events.iter().enumerate() {
        let p = payload(e);
        let at = local(e.occurred_at);
        let from = p["from"].as_str().unwrap_or_default().to_owned();
        let to = p["to"].as_str().unwrap_or_default().to_owned();
        if matches!(e.action.as_str(), "receive" | "accept") {
            step_start = Some(at);
        }
        if HANDOVERS.contains(&e.action.as_str()) {
            let giver_unit = match e.unit_id {
                Some(u) => unit_name(tx, &mut unit_names, u).await?,
                None => String::new(),
            };
            let (receiver_unit, receiver) = match e.action.as_str() {
                "forward" | "transfer" => {
                    let unit = match p["to_unit"].as_str() {
                        Some(code) => units::latest_by_code(tx, code).await?.map(|u| u.name),
                        None => None,
                    }
                    .unwrap_or_else(|| giver_unit.clone());
                    (unit, next_actor(tx, people, &events[i + 1..]).await?)
                }
                "assign" => (
                    giver_unit.clone(),
                    Some(
                        people
                            .by_username(tx, p["assignee"].as_str().unwrap_or_default())
                            .await?,
                    ),
                ),
                "finish" => (
                    unit_name(tx, &mut unit_names, row.receiving_unit_id).await?,
                    next_actor(tx, people, &events[i + 1..]).await?,
                ),
                "return_result" => (
                    "Tổ chức, cá nhân".to_owned(),
                    Some(row.applicant_name.clone()),
                ),
                _ => (
                    giver_unit.clone(),
                    next_actor(tx, people, &events[i + 1..]).await?,
                ),
            };
            let result = if e.action == "return_result" {
                row.result.as_deref().map(|r| match r {
                    "early" => "early",
                    "late" => "late",
                    _ => "on_time",
                })
            } else {
                let role = stage_role(&from);
                match (step_start, budget_of(role, step_index)) {
                    (Some(start), Some(budget)) => Some(step.judge(start, at, budget)),
                    _ => None,
                }
            };
            out.push(HandoverFacts {
                at: e.occurred_at,
                giver_unit,
                receiver_unit,
                giver: people.name(tx, e.actor_id).await?.unwrap_or_default(),
                receiver: receiver.unwrap_or_default(),
                result,
                note: p["note"]
                    .as_str()
                    .or(p["reason"].as_str())
                    .map(str::to_owned),
            });
        }
        if !from.is_empty() && !to.is_empty() && stage_role(&from) != stage_role(&to) {
            step_index += 1;
            step_start = Some(at);
        }
    }
    Ok(out)
}

async fn unit_name(
    tx: &mut congso_db::Tx,
    cache: &mut std::collections::HashMap<Uuid, String>,
    id: Uuid,
) -> AppResult<String> {
    if let Some(n) = cache.get(&id) {
        return Ok(n.clone());
    }
    let n = units::by_id(tx, id)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    cache.insert(id, n.clone());
    Ok(n)
}

/// The first person who acted after a hand-over (the one who received it).
async fn next_actor(
    tx: &mut congso_db::Tx,
    people: &mut People,
    rest: &[EventRow],
) -> AppResult<Option<String>> {
    match rest.iter().find(|e| e.actor_id.is_some()) {
        Some(e) => people.name(tx, e.actor_id).await,
        None => Ok(None),
    }
}
