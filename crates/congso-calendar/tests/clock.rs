//! The SLA clock: pauses, extensions, status and timeliness.
//!
//! March 2026 has no holiday: Monday 2, 9, 16, 23, 30.

use std::sync::OnceLock;

use congso_calendar::{
    CalendarData, ClockPolicy, ClockStatus, OfficeHours, Pause, PauseReason, SlaClock, StepBudget,
    StepBudgetError, TimeLimit, Timeliness, WorkingCalendar,
};
use time::PrimitiveDateTime;
use time::macros::datetime;

fn cal() -> &'static WorkingCalendar {
    static CAL: OnceLock<WorkingCalendar> = OnceLock::new();
    CAL.get_or_init(|| WorkingCalendar::new(&CalendarData::shipped()))
}

fn oh() -> OfficeHours {
    OfficeHours::default()
}

fn pause(from: PrimitiveDateTime, to: Option<PrimitiveDateTime>, reason: PauseReason) -> Pause {
    Pause { from, to, reason }
}

/// 10 working days received Monday 2/3/2026 08:00: due Monday 16/3/2026 17:00.
fn ten_days() -> SlaClock {
    SlaClock::new(datetime!(2026-03-02 08:00), TimeLimit::WorkingDays(10))
}

#[test]
fn base_due() {
    assert_eq!(
        ten_days().due(cal(), &oh()),
        Some(datetime!(2026-03-16 17:00))
    );
}

#[test]
fn pause_of_three_working_days_moves_due_three_working_days() {
    let mut c = ten_days();
    // Paused Monday 9/3 08:00, resumed Thursday 12/3 08:00 = 3 working days (10, 11, 12).
    c.pauses.push(pause(
        datetime!(2026-03-09 08:00),
        Some(datetime!(2026-03-12 08:00)),
        PauseReason::Supplement,
    ));
    let due = c.due(cal(), &oh()).expect("no open pause");
    assert_eq!(due, datetime!(2026-03-19 17:00));
    assert_eq!(
        cal().working_days_between(datetime!(2026-03-16 17:00).date(), due.date()),
        3
    );

    // A second pause counts the same way: Monday 16/3 → Wednesday 18/3 = 2 more.
    c.pauses.push(pause(
        datetime!(2026-03-16 09:00),
        Some(datetime!(2026-03-18 10:00)),
        PauseReason::WaitingOtherAgency,
    ));
    assert_eq!(c.due(cal(), &oh()), Some(datetime!(2026-03-23 17:00)));

    // An extension replaces the due date (pauses are not added to it).
    c.extended_due = Some(datetime!(2026-03-20 17:00));
    assert_eq!(c.due(cal(), &oh()), Some(datetime!(2026-03-20 17:00)));
}

#[test]
fn pause_day_rules() {
    let due = |p: Pause| {
        let mut c = ten_days();
        c.pauses.push(p);
        c.due(cal(), &oh()).expect("closed")
    };
    let s = PauseReason::Supplement;
    // Same-day pause counts 0 days.
    assert_eq!(
        due(pause(
            datetime!(2026-03-03 08:00),
            Some(datetime!(2026-03-03 16:00)),
            s
        )),
        datetime!(2026-03-16 17:00)
    );
    // Overnight pause counts the resume day: 1.
    assert_eq!(
        due(pause(
            datetime!(2026-03-03 16:00),
            Some(datetime!(2026-03-04 08:00)),
            s
        )),
        datetime!(2026-03-17 17:00)
    );
    // Over a weekend: Friday → Monday = 1 working day.
    assert_eq!(
        due(pause(
            datetime!(2026-03-06 10:00),
            Some(datetime!(2026-03-09 10:00)),
            s
        )),
        datetime!(2026-03-17 17:00)
    );
    // A pause starting after the due moment (already overdue) does not move it.
    assert_eq!(
        due(pause(
            datetime!(2026-03-17 08:00),
            Some(datetime!(2026-03-20 08:00)),
            s
        )),
        datetime!(2026-03-16 17:00)
    );
    // Overlapping pauses are merged: 9/3→11/3 and 10/3→12/3 = 9/3→12/3 = 3, not 2 + 2.
    let mut c = ten_days();
    c.pauses.push(pause(
        datetime!(2026-03-09 08:00),
        Some(datetime!(2026-03-11 08:00)),
        s,
    ));
    c.pauses.push(pause(
        datetime!(2026-03-10 08:00),
        Some(datetime!(2026-03-12 08:00)),
        PauseReason::Other,
    ));
    assert_eq!(c.due(cal(), &oh()), Some(datetime!(2026-03-19 17:00)));
}

#[test]
fn open_pause() {
    let mut c = ten_days();
    c.pauses.push(pause(
        datetime!(2026-03-09 08:00),
        None,
        PauseReason::Supplement,
    ));
    assert_eq!(c.due(cal(), &oh()), None, "unknown while paused");
    // Seen on Thursday 12/3: paused 3 working days so far.
    let now = datetime!(2026-03-12 10:00);
    assert_eq!(c.due_at(cal(), &oh(), now), datetime!(2026-03-19 17:00));
    assert_eq!(c.status(cal(), &oh(), now), ClockStatus::Paused);
    assert!(c.is_paused(now) && !c.is_paused(datetime!(2026-03-06 10:00)));
    // An extension is known even during a pause.
    c.extended_due = Some(datetime!(2026-04-01 17:00));
    assert_eq!(c.due(cal(), &oh()), Some(datetime!(2026-04-01 17:00)));
}

#[test]
fn second_supplement_is_late() {
    let mut c = ten_days();
    c.pauses.push(pause(
        datetime!(2026-03-03 08:00),
        Some(datetime!(2026-03-04 08:00)),
        PauseReason::Supplement,
    ));
    let early = datetime!(2026-03-05 10:00);
    assert_eq!(c.classify(cal(), &oh(), early), Timeliness::Early);
    // Waiting for another agency does not count as a supplement request.
    c.pauses.push(pause(
        datetime!(2026-03-04 09:00),
        Some(datetime!(2026-03-04 10:00)),
        PauseReason::WaitingOtherAgency,
    ));
    assert_eq!(c.classify(cal(), &oh(), early), Timeliness::Early);
    c.pauses.push(pause(
        datetime!(2026-03-04 11:00),
        Some(datetime!(2026-03-05 08:00)),
        PauseReason::Supplement,
    ));
    assert_eq!(c.supplement_count(), 2);
    assert_eq!(c.classify(cal(), &oh(), early), Timeliness::Late);
    c.policy = ClockPolicy {
        second_supplement_is_late: false,
        ..ClockPolicy::default()
    };
    assert_eq!(c.classify(cal(), &oh(), early), Timeliness::Early);
}

#[test]
fn classification_by_due_date() {
    let c = ten_days(); // due Monday 16/3 17:00
    let class = |t| c.classify(cal(), &oh(), t);
    assert_eq!(class(datetime!(2026-03-13 16:59)), Timeliness::Early);
    assert_eq!(class(datetime!(2026-03-16 08:00)), Timeliness::OnTime);
    assert_eq!(
        class(datetime!(2026-03-16 18:30)),
        Timeliness::OnTime,
        "same date after closing"
    );
    assert_eq!(class(datetime!(2026-03-17 07:00)), Timeliness::Late);
    // With an extension to 20/3 the case finished 17/3 is early, 20/3 on time.
    let mut e = ten_days();
    e.extended_due = Some(datetime!(2026-03-20 17:00));
    assert_eq!(
        e.classify(cal(), &oh(), datetime!(2026-03-17 07:00)),
        Timeliness::Early
    );
    assert_eq!(
        e.classify(cal(), &oh(), datetime!(2026-03-20 09:00)),
        Timeliness::OnTime
    );
    assert_eq!(
        e.classify(cal(), &oh(), datetime!(2026-03-23 09:00)),
        Timeliness::Late
    );
}

#[test]
fn status_over_time() {
    let c = ten_days(); // due Monday 16/3 17:00, threshold 1 working day = 480 min
    let status = |t| c.status(cal(), &oh(), t);
    assert_eq!(status(datetime!(2026-03-02 08:00)), ClockStatus::Running);
    // Friday 13/3 10:00: 300 min left on Friday + 480 on Monday.
    assert_eq!(status(datetime!(2026-03-13 10:00)), ClockStatus::Running);
    // Friday 17:00: exactly one working day left.
    assert_eq!(status(datetime!(2026-03-13 17:00)), ClockStatus::DueSoon);
    assert_eq!(status(datetime!(2026-03-16 08:00)), ClockStatus::DueSoon);
    // After closing on the due date: still due today, not overdue.
    assert_eq!(status(datetime!(2026-03-16 20:00)), ClockStatus::DueSoon);
    assert_eq!(status(datetime!(2026-03-17 08:00)), ClockStatus::Overdue);
    // Remaining minutes are negative when overdue.
    assert_eq!(
        c.remaining_working_minutes(cal(), &oh(), datetime!(2026-03-16 08:00)),
        420
    );
    assert_eq!(
        c.remaining_working_minutes(cal(), &oh(), datetime!(2026-03-17 09:00)),
        -120
    );
    // A 3-day threshold makes Wednesday 11/3 17:00 "due soon".
    let mut d = ten_days();
    d.policy.due_soon_working_days = 3;
    assert_eq!(
        d.status(cal(), &oh(), datetime!(2026-03-11 17:00)),
        ClockStatus::DueSoon
    );
    assert_eq!(
        d.status(cal(), &oh(), datetime!(2026-03-11 16:00)),
        ClockStatus::Running
    );
}

#[test]
fn elapsed_minutes_exclude_pauses() {
    let mut c = SlaClock::new(datetime!(2026-03-02 09:00), TimeLimit::WorkingHours(8));
    assert_eq!(
        c.elapsed_working_minutes(cal(), &oh(), datetime!(2026-03-02 15:00)),
        240
    );
    c.pauses.push(pause(
        datetime!(2026-03-02 10:00),
        Some(datetime!(2026-03-02 14:00)),
        PauseReason::Supplement,
    ));
    assert_eq!(
        c.elapsed_working_minutes(cal(), &oh(), datetime!(2026-03-02 15:00)),
        120
    );
    // In the middle of the pause only the minutes before it count.
    assert_eq!(
        c.elapsed_working_minutes(cal(), &oh(), datetime!(2026-03-02 13:45)),
        60
    );
    assert_eq!(
        c.elapsed_working_minutes(cal(), &oh(), datetime!(2026-03-01 13:45)),
        0
    );
}

#[test]
fn hour_based_limit_with_pauses() {
    // 8 office hours from Monday 09:00 → Tuesday 09:00.
    let mut c = SlaClock::new(datetime!(2026-03-02 09:00), TimeLimit::WorkingHours(8));
    assert_eq!(c.due(cal(), &oh()), Some(datetime!(2026-03-03 09:00)));
    // Paused 10:00–14:00: 90 + 30 office minutes → due Tuesday 11:00.
    c.pauses.push(pause(
        datetime!(2026-03-02 10:00),
        Some(datetime!(2026-03-02 14:00)),
        PauseReason::WaitingOtherAgency,
    ));
    assert_eq!(c.due(cal(), &oh()), Some(datetime!(2026-03-03 11:00)));
    // An overnight pause 16:30 → Tuesday 07:30 costs 30 + 30 minutes.
    c.pauses.push(pause(
        datetime!(2026-03-02 16:30),
        Some(datetime!(2026-03-03 07:30)),
        PauseReason::Other,
    ));
    assert_eq!(c.due(cal(), &oh()), Some(datetime!(2026-03-03 14:00)));
    // Hour limits are judged to the minute.
    assert_eq!(
        c.classify(cal(), &oh(), datetime!(2026-03-03 14:00)),
        Timeliness::OnTime
    );
    assert_eq!(
        c.classify(cal(), &oh(), datetime!(2026-03-03 14:01)),
        Timeliness::Late
    );
    assert_eq!(
        c.classify(cal(), &oh(), datetime!(2026-03-02 16:00)),
        Timeliness::Early
    );
    assert_eq!(
        c.status(cal(), &oh(), datetime!(2026-03-03 14:01)),
        ClockStatus::Overdue
    );
    assert_eq!(
        c.status(cal(), &oh(), datetime!(2026-03-02 15:00)),
        ClockStatus::DueSoon
    );
}

#[test]
fn calendar_day_limit_with_pause() {
    // 30 calendar days from 1/8/2025 = Sun 31/8 → Wed 3/9 (1/9, 2/9 off).
    let mut c = SlaClock::new(datetime!(2025-08-01 09:00), TimeLimit::CalendarDays(30));
    assert_eq!(c.due(cal(), &oh()), Some(datetime!(2025-09-03 17:00)));
    // A 5-calendar-day pause: nominal end 5/9 (Friday), a working day.
    c.pauses.push(pause(
        datetime!(2025-08-10 09:00),
        Some(datetime!(2025-08-15 09:00)),
        PauseReason::Supplement,
    ));
    assert_eq!(c.due(cal(), &oh()), Some(datetime!(2025-09-05 17:00)));
}

#[test]
fn step_budgets() {
    let mut c = ten_days();
    let step = |name: &str, n| StepBudget {
        name: name.to_owned(),
        limit: TimeLimit::WorkingDays(n),
    };
    c.steps = vec![
        step("Tiếp nhận", 1),
        step("Thẩm định", 7),
        step("Phê duyệt", 2),
    ];
    assert_eq!(c.validate_steps(), Ok(()));
    let dues = c
        .step_dues(cal(), &oh(), datetime!(2026-03-02 08:00))
        .expect("valid");
    let got: Vec<(&str, PrimitiveDateTime)> =
        dues.iter().map(|s| (s.name.as_str(), s.due)).collect();
    assert_eq!(
        got,
        vec![
            ("Tiếp nhận", datetime!(2026-03-03 17:00)),
            ("Thẩm định", datetime!(2026-03-12 17:00)),
            ("Phê duyệt", datetime!(2026-03-16 17:00)),
        ]
    );
    assert_eq!(
        dues.last().map(|s| s.due),
        c.due(cal(), &oh()),
        "the last step ends with the case"
    );
    // A pause during step 2 moves steps 2 and 3 only.
    c.pauses.push(pause(
        datetime!(2026-03-05 08:00),
        Some(datetime!(2026-03-09 08:00)),
        PauseReason::Supplement,
    ));
    let dues = c
        .step_dues(cal(), &oh(), datetime!(2026-03-10 08:00))
        .expect("valid");
    assert_eq!(dues[0].due, datetime!(2026-03-03 17:00));
    assert_eq!(dues[1].due, datetime!(2026-03-16 17:00));
    assert_eq!(dues[2].due, datetime!(2026-03-18 17:00));
    // Errors.
    c.steps = vec![step("A", 3), step("B", 5)];
    assert_eq!(
        c.validate_steps(),
        Err(StepBudgetError::SumMismatch {
            steps: 8,
            total: 10
        })
    );
    assert!(
        c.step_dues(cal(), &oh(), datetime!(2026-03-02 08:00))
            .is_err()
    );
    c.steps = vec![
        step("A", 9),
        StepBudget {
            name: "B".to_owned(),
            limit: TimeLimit::WorkingHours(8),
        },
    ];
    assert_eq!(
        c.validate_steps(),
        Err(StepBudgetError::UnitMismatch {
            step: "B".to_owned()
        })
    );
    c.steps.clear();
    assert_eq!(c.validate_steps(), Ok(()));
}

#[test]
fn clock_serde_round_trip() {
    let mut c = ten_days();
    c.pauses.push(pause(
        datetime!(2026-03-09 08:00),
        None,
        PauseReason::WaitingOtherAgency,
    ));
    let json = serde_json::to_value(&c).expect("serialize");
    assert_eq!(
        json["limit"],
        serde_json::json!({"unit": "working_days", "value": 10})
    );
    assert_eq!(json["pauses"][0]["reason"], "waiting_other_agency");
    assert_eq!(
        serde_json::from_value::<SlaClock>(json).expect("deserialize"),
        c
    );
    // Optional fields may be omitted.
    let minimal = serde_json::json!({"started_at": json_time(c.started_at), "limit": {"unit": "working_hours", "value": 4}});
    let m: SlaClock = serde_json::from_value(minimal).expect("minimal");
    assert!(m.pauses.is_empty() && m.policy == ClockPolicy::default());
}

fn json_time(t: PrimitiveDateTime) -> serde_json::Value {
    serde_json::to_value(t).expect("time serializes")
}
