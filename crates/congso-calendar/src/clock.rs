//! The SLA clock of a case: due date with pauses and extensions, status and timeliness.
//!
//! # Rules
//!
//! * **Base due**: [`WorkingCalendar::due`] of the limit from [`SlaClock::started_at`]
//!   (the counting base — apply [`WorkingCalendar::effective_receipt`] before). For
//!   day-based limits the due *moment* is the closing time (17:00) of the due date.
//! * **Pauses** (supplement requests, waiting for another agency, …) push the due date
//!   back by their length, measured in the limit's unit:
//!   * working days: the working days in `(pause date, resume date]`, i.e. the day the
//!     pause starts is not counted and the resume day is (like Art. 147). Paused Monday
//!     08:00, resumed Thursday 08:00 → 3 working days → due 3 working days later. A pause
//!     that starts and ends on the same day counts 0;
//!   * calendar days: `resume date − pause date` days;
//!   * working hours: the office minutes inside the pause.
//!
//!   Overlapping pauses are merged first. A pause only counts if it starts no later than
//!   the due moment reached so far (a pause recorded after the case is already overdue
//!   does not cure the delay). An **open** pause has an unknown length: [`SlaClock::due`]
//!   returns `None` while one is open, and the `*_at(now)` queries treat it as ending at
//!   `now`.
//! * **Extension** ([`SlaClock::extended_due`]: an approved extension, or the new
//!   appointment given with an apology letter) **replaces** the computed due moment;
//!   pauses are not added to it.
//! * **Timeliness** (DVCQG rule, see the reference's checkable fact 7): for day-based
//!   limits a case finished before the due *date* is early, on the due date on time,
//!   after it late; for hour-based limits a case finished after the due moment is late.
//!   A case with more than one supplement request counts as late
//!   ([`ClockPolicy::second_supplement_is_late`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

use crate::working::{OfficeHours, TimeLimit, WorkingCalendar};

/// Why the clock is stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// Waiting for the applicant to supplement the dossier (yêu cầu bổ sung).
    Supplement,
    /// Waiting for another agency's opinion or data.
    WaitingOtherAgency,
    /// Any other lawful suspension.
    Other,
}

/// A stop of the clock from `from` until `to` (`None`: still stopped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// When the clock stopped.
    pub from: PrimitiveDateTime,
    /// When it restarted; `None` while the pause is open.
    pub to: Option<PrimitiveDateTime>,
    /// Why.
    pub reason: PauseReason,
}

/// A step of the procedure with its share of the total limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepBudget {
    /// Step name, e.g. "Thẩm định".
    pub name: String,
    /// The step's budget, in the unit of the total limit.
    pub limit: TimeLimit,
}

/// The due moment of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDue {
    /// Step name.
    pub name: String,
    /// When the step must be finished (steps run one after the other from the start).
    pub due: PrimitiveDateTime,
}

/// Why step budgets are inconsistent with the total limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepBudgetError {
    /// A step's unit differs from the total limit's unit.
    UnitMismatch {
        /// The step.
        step: String,
    },
    /// The budgets do not add up to the total.
    SumMismatch {
        /// Sum of the step budgets.
        steps: u64,
        /// The total limit's value.
        total: u32,
    },
}

impl fmt::Display for StepBudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnitMismatch { step } => write!(
                f,
                "step {step:?} uses a different unit than the total limit"
            ),
            Self::SumMismatch { steps, total } => {
                write!(f, "step budgets add up to {steps}, the limit is {total}")
            }
        }
    }
}

impl std::error::Error for StepBudgetError {}

/// Policy knobs of the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClockPolicy {
    /// More than one supplement request makes the case late (DVCQG). Default `true`.
    pub second_supplement_is_late: bool,
    /// [`ClockStatus::DueSoon`] when at most this many working days (of office hours) are
    /// left. Default 1.
    pub due_soon_working_days: u32,
}

impl Default for ClockPolicy {
    fn default() -> Self {
        Self {
            second_supplement_is_late: true,
            due_soon_working_days: 1,
        }
    }
}

/// State of a running case at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// Counting, more than the due-soon threshold left.
    Running,
    /// Counting, at most the threshold left (or past closing time on the due date).
    DueSoon,
    /// Past the due date (day-based limits) or moment (hour-based limits).
    Overdue,
    /// A pause is in progress.
    Paused,
}

/// Outcome of a finished case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Finished before the due date (trước hạn).
    Early,
    /// Finished on the due date (đúng hạn).
    OnTime,
    /// Finished after the due date, or more than one supplement request (trễ hạn).
    Late,
}

/// The SLA clock of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaClock {
    /// Counting base (receipt moment after any cut-off adjustment).
    pub started_at: PrimitiveDateTime,
    /// Total time limit.
    pub limit: TimeLimit,
    /// Pauses, in any order.
    #[serde(default)]
    pub pauses: Vec<Pause>,
    /// Approved extension or new appointment: replaces the computed due moment.
    #[serde(default)]
    pub extended_due: Option<PrimitiveDateTime>,
    /// Optional per-step budgets; must add up to `limit` ([`SlaClock::validate_steps`]).
    #[serde(default)]
    pub steps: Vec<StepBudget>,
    /// Policy.
    #[serde(default)]
    pub policy: ClockPolicy,
}

impl SlaClock {
    /// A clock with no pause, extension or steps and the default policy.
    pub fn new(started_at: PrimitiveDateTime, limit: TimeLimit) -> Self {
        Self {
            started_at,
            limit,
            pauses: Vec::new(),
            extended_due: None,
            steps: Vec::new(),
            policy: ClockPolicy::default(),
        }
    }

    /// The due moment, or `None` while a pause is open (its length is unknown). An
    /// extension is returned as is, even during a pause.
    pub fn due(&self, cal: &WorkingCalendar, hours: &OfficeHours) -> Option<PrimitiveDateTime> {
        if let Some(ext) = self.extended_due {
            return Some(ext);
        }
        if self.pauses.iter().any(|p| p.to.is_none()) {
            return None;
        }
        Some(self.due_for(self.limit, cal, hours, &self.merged_pauses(None)))
    }

    /// The due moment as seen at `now`: an open pause is taken to end at `now`.
    pub fn due_at(
        &self,
        cal: &WorkingCalendar,
        hours: &OfficeHours,
        now: PrimitiveDateTime,
    ) -> PrimitiveDateTime {
        match self.extended_due {
            Some(ext) => ext,
            None => self.due_for(self.limit, cal, hours, &self.merged_pauses(Some(now))),
        }
    }

    /// Office minutes elapsed from the start to `now`, excluding pauses (0 before start).
    pub fn elapsed_working_minutes(
        &self,
        cal: &WorkingCalendar,
        hours: &OfficeHours,
        now: PrimitiveDateTime,
    ) -> i64 {
        if now <= self.started_at {
            return 0;
        }
        let paused: i64 = self
            .merged_pauses(Some(now))
            .iter()
            .filter(|(f, _)| *f < now)
            .map(|&(f, t)| cal.working_secs_between(f, t.min(now), hours))
            .sum();
        (cal.working_secs_between(self.started_at, now, hours) - paused).max(0) / 60
    }

    /// Office minutes from `now` to [`SlaClock::due_at`]; negative when overdue.
    pub fn remaining_working_minutes(
        &self,
        cal: &WorkingCalendar,
        hours: &OfficeHours,
        now: PrimitiveDateTime,
    ) -> i64 {
        cal.working_minutes_between(now, self.due_at(cal, hours, now), hours)
    }

    /// Whether the clock is stopped at `now`.
    pub fn is_paused(&self, now: PrimitiveDateTime) -> bool {
        self.pauses
            .iter()
            .any(|p| p.from <= now && p.to.is_none_or(|t| now < t))
    }

    /// Status at `now`.
    pub fn status(
        &self,
        cal: &WorkingCalendar,
        hours: &OfficeHours,
        now: PrimitiveDateTime,
    ) -> ClockStatus {
        if self.is_paused(now) {
            return ClockStatus::Paused;
        }
        let due = self.due_at(cal, hours, now);
        if self.is_after_due(now, due) {
            return ClockStatus::Overdue;
        }
        let threshold =
            i64::from(self.policy.due_soon_working_days) * i64::from(hours.daily_minutes());
        if cal.working_minutes_between(now, due, hours) <= threshold {
            ClockStatus::DueSoon
        } else {
            ClockStatus::Running
        }
    }

    /// Timeliness of a case finished at `finished_at`.
    pub fn classify(
        &self,
        cal: &WorkingCalendar,
        hours: &OfficeHours,
        finished_at: PrimitiveDateTime,
    ) -> Timeliness {
        if self.policy.second_supplement_is_late && self.supplement_count() > 1 {
            return Timeliness::Late;
        }
        let due = self.due_at(cal, hours, finished_at);
        if self.is_after_due(finished_at, due) {
            Timeliness::Late
        } else if finished_at.date() < due.date() {
            Timeliness::Early
        } else {
            Timeliness::OnTime
        }
    }

    /// Number of supplement pauses.
    pub fn supplement_count(&self) -> usize {
        self.pauses
            .iter()
            .filter(|p| p.reason == PauseReason::Supplement)
            .count()
    }

    /// Checks that the step budgets use the total's unit and add up to it. No steps is
    /// valid.
    pub fn validate_steps(&self) -> Result<(), StepBudgetError> {
        if self.steps.is_empty() {
            return Ok(());
        }
        if let Some(s) = self.steps.iter().find(|s| !s.limit.same_unit(self.limit)) {
            return Err(StepBudgetError::UnitMismatch {
                step: s.name.clone(),
            });
        }
        let steps: u64 = self.steps.iter().map(|s| u64::from(s.limit.value())).sum();
        if steps != u64::from(self.limit.value()) {
            return Err(StepBudgetError::SumMismatch {
                steps,
                total: self.limit.value(),
            });
        }
        Ok(())
    }

    /// Due moment of each step, the steps running one after the other from the start:
    /// step k is due when the budgets of steps 1..=k have run out, with the pauses
    /// applied as for the total (open pauses end at `now`). The extension does not move
    /// step dues.
    pub fn step_dues(
        &self,
        cal: &WorkingCalendar,
        hours: &OfficeHours,
        now: PrimitiveDateTime,
    ) -> Result<Vec<StepDue>, StepBudgetError> {
        self.validate_steps()?;
        let pauses = self.merged_pauses(Some(now));
        let mut cumulative = 0u32;
        Ok(self
            .steps
            .iter()
            .map(|s| {
                cumulative = cumulative.saturating_add(s.limit.value());
                StepDue {
                    name: s.name.clone(),
                    due: self.due_for(self.limit.with_value(cumulative), cal, hours, &pauses),
                }
            })
            .collect())
    }

    /// Late test at the limit's granularity: the date for day-based limits, the moment
    /// for hour-based ones.
    fn is_after_due(&self, t: PrimitiveDateTime, due: PrimitiveDateTime) -> bool {
        if self.limit.is_day_based() {
            t.date() > due.date()
        } else {
            t > due
        }
    }

    /// Pauses clipped to start at `started_at`, open ones closed at `now` (or dropped when
    /// `now` is `None`), sorted and merged.
    fn merged_pauses(
        &self,
        now: Option<PrimitiveDateTime>,
    ) -> Vec<(PrimitiveDateTime, PrimitiveDateTime)> {
        let mut spans: Vec<_> = self
            .pauses
            .iter()
            .filter_map(|p| {
                let from = p.from.max(self.started_at);
                let to = p.to.or(now.map(|n| n.max(p.from)))?;
                (to > from).then_some((from, to))
            })
            .collect();
        spans.sort();
        let mut merged: Vec<(PrimitiveDateTime, PrimitiveDateTime)> =
            Vec::with_capacity(spans.len());
        for (f, t) in spans {
            match merged.last_mut() {
                Some(last) if f <= last.1 => last.1 = last.1.max(t),
                _ => merged.push((f, t)),
            }
        }
        merged
    }

    /// Due moment of `limit` with the pauses applied in order (see the module docs).
    fn due_for(
        &self,
        limit: TimeLimit,
        cal: &WorkingCalendar,
        hours: &OfficeHours,
        pauses: &[(PrimitiveDateTime, PrimitiveDateTime)],
    ) -> PrimitiveDateTime {
        let start = self.started_at;
        let at = |extra: u64| -> PrimitiveDateTime {
            match limit {
                TimeLimit::WorkingHours(h) => {
                    let minutes = u64::from(h) * 60 + extra;
                    cal.add_working_minutes(
                        start,
                        u32::try_from(minutes).unwrap_or(u32::MAX),
                        hours,
                    )
                }
                _ => {
                    let n = u32::try_from(u64::from(limit.value()) + extra).unwrap_or(u32::MAX);
                    cal.due(start, limit.with_value(n), hours)
                }
            }
        };
        let mut extra = 0u64;
        let mut due = at(0);
        for &(f, t) in pauses {
            if f > due {
                break;
            }
            let length = match limit {
                TimeLimit::WorkingDays(_) => cal.working_days_between(f.date(), t.date()),
                TimeLimit::CalendarDays(_) => (t.date() - f.date()).whole_days(),
                TimeLimit::WorkingHours(_) => cal.working_minutes_between(f, t, hours),
            };
            extra += u64::try_from(length).unwrap_or(0);
            due = at(extra);
        }
        due
    }
}
