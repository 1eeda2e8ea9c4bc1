//! Directive tracking (theo dõi nhiệm vụ, ý kiến chỉ đạo): the task case kind, the status
//! taxonomy of QĐ 42/2014/QĐ-TTg reports, the completion rate, and the reporting periods of
//! NĐ 09/2019/NĐ-CP (domain-rules.md §6).
//!
//! The two sides of a task are the directing side ([`Side::Receiving`]: the Office and the leader
//! who directed, on the directive's unit) and the lead unit ([`Side::Processing`]).

use serde::Serialize;
use time::{Date, Month};

use crate::Role::{Leader, OfficeStaff, Specialist, UnitHead};
use crate::case::{CaseKind, ClockEffect, Side, State, Target, Transition, tr};

const fn st(code: &'static str, vi: &'static str, en: &'static str, terminal: bool) -> State {
    State {
        code,
        label_vi: vi,
        label_en: en,
        portal_code: 0,
        terminal,
        clock: if terminal {
            ClockEffect::Stopped
        } else {
            ClockEffect::Running
        },
    }
}

const STATES: &[State] = &[
    st(
        "assigned",
        "Đã giao, chờ phân công",
        "Assigned to the unit",
        false,
    ),
    st("in_progress", "Đang thực hiện", "In progress", false),
    st(
        "extension_requested",
        "Đang xin gia hạn",
        "Extension requested",
        false,
    ),
    st(
        "completed",
        "Đã báo cáo hoàn thành, chờ xác nhận",
        "Reported complete, awaiting confirmation",
        false,
    ),
    st("confirmed", "Đã hoàn thành", "Completed", true),
    st("cancelled", "Đã hủy", "Cancelled", true),
];

const OPEN: &[&str] = &["assigned", "in_progress", "extension_requested"];

const TRANSITIONS: &[Transition] = &[
    tr(
        "assign",
        &["assigned", "in_progress"],
        Target::State("in_progress"),
        &[UnitHead],
        Side::Processing,
        &["assignee"],
        "Phân công chuyên viên",
        "Assign a specialist",
    ),
    tr(
        "report_progress",
        OPEN,
        Target::Same,
        &[Specialist, UnitHead],
        Side::Processing,
        &["text"],
        "Báo cáo tiến độ",
        "Report progress",
    ),
    tr(
        "request_extension",
        &["assigned", "in_progress"],
        Target::State("extension_requested"),
        &[Specialist, UnitHead],
        Side::Processing,
        &["reason", "new_deadline"],
        "Xin gia hạn",
        "Request an extension",
    ),
    tr(
        "approve_extension",
        &["extension_requested"],
        Target::Resume,
        &[Leader],
        Side::Receiving,
        &[],
        "Đồng ý gia hạn",
        "Approve the extension",
    ),
    tr(
        "refuse_extension",
        &["extension_requested"],
        Target::Resume,
        &[Leader],
        Side::Receiving,
        &["reason"],
        "Không đồng ý gia hạn",
        "Refuse the extension",
    ),
    tr(
        "complete",
        OPEN,
        Target::State("completed"),
        &[Specialist, UnitHead],
        Side::Processing,
        &["text"],
        "Báo cáo hoàn thành",
        "Report completion",
    ),
    tr(
        "confirm",
        &["completed"],
        Target::State("confirmed"),
        &[OfficeStaff, Leader],
        Side::Receiving,
        &[],
        "Xác nhận hoàn thành",
        "Confirm completion",
    ),
    tr(
        "reopen",
        &["completed", "confirmed"],
        Target::State("in_progress"),
        &[OfficeStaff, Leader],
        Side::Receiving,
        &["reason"],
        "Yêu cầu thực hiện lại",
        "Reopen",
    ),
    tr(
        "remind",
        OPEN,
        Target::Same,
        &[OfficeStaff, Leader],
        Side::Receiving,
        &["text"],
        "Gửi văn bản đôn đốc",
        "Send a written reminder",
    ),
    tr(
        "cancel",
        &[
            "assigned",
            "in_progress",
            "extension_requested",
            "completed",
        ],
        Target::State("cancelled"),
        &[OfficeStaff, Leader],
        Side::Receiving,
        &["reason"],
        "Hủy nhiệm vụ",
        "Cancel the task",
    ),
];

/// Directive tasks as a case kind.
pub static TASK: CaseKind = CaseKind {
    name: "task",
    states: STATES,
    transitions: TRANSITIONS,
};

/// The kinds of source document of a directive.
pub const SOURCE_KINDS: &[(&str, &str)] = &[
    ("conclusion", "Thông báo kết luận"),
    ("directive", "Văn bản chỉ đạo"),
    ("minutes", "Biên bản cuộc họp"),
    ("slip", "Phiếu chuyển"),
];

/// The status of a task in reports (QĐ 42/2014; Report 1270/BC-TCTTTg): computed, never typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Chưa hoàn thành, trong hạn.
    #[serde(rename = "in_progress_within")]
    InProgressWithin,
    /// Chưa hoàn thành, quá hạn.
    #[serde(rename = "in_progress_overdue")]
    InProgressOverdue,
    /// Đã hoàn thành đúng hạn.
    CompletedOnTime,
    /// Đã hoàn thành quá hạn.
    CompletedLate,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::InProgressWithin,
        TaskStatus::InProgressOverdue,
        TaskStatus::CompletedOnTime,
        TaskStatus::CompletedLate,
        TaskStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::InProgressWithin => "in_progress_within",
            TaskStatus::InProgressOverdue => "in_progress_overdue",
            TaskStatus::CompletedOnTime => "completed_on_time",
            TaskStatus::CompletedLate => "completed_late",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            TaskStatus::InProgressWithin => "Đang thực hiện, trong hạn",
            TaskStatus::InProgressOverdue => "Đang thực hiện, quá hạn",
            TaskStatus::CompletedOnTime => "Hoàn thành đúng hạn",
            TaskStatus::CompletedLate => "Hoàn thành quá hạn",
            TaskStatus::Cancelled => "Đã hủy",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The status on `today` of a task due on `deadline` (the approved extension's date if any) and
/// reported complete on `completed_on`. A task is late from the day after its deadline.
pub fn task_status(
    today: Date,
    deadline: Option<Date>,
    completed_on: Option<Date>,
    cancelled: bool,
) -> TaskStatus {
    if cancelled {
        return TaskStatus::Cancelled;
    }
    match (completed_on, deadline) {
        (Some(done), Some(due)) if done > due => TaskStatus::CompletedLate,
        (Some(_), _) => TaskStatus::CompletedOnTime,
        (None, Some(due)) if today > due => TaskStatus::InProgressOverdue,
        (None, _) => TaskStatus::InProgressWithin,
    }
}

/// Counts of tasks by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub completed_on_time: u64,
    pub completed_late: u64,
    pub in_progress_within: u64,
    pub in_progress_overdue: u64,
    pub cancelled: u64,
}

impl StatusCounts {
    pub fn add(&mut self, s: TaskStatus) {
        match s {
            TaskStatus::CompletedOnTime => self.completed_on_time += 1,
            TaskStatus::CompletedLate => self.completed_late += 1,
            TaskStatus::InProgressWithin => self.in_progress_within += 1,
            TaskStatus::InProgressOverdue => self.in_progress_overdue += 1,
            TaskStatus::Cancelled => self.cancelled += 1,
        }
    }

    pub fn completed(&self) -> u64 {
        self.completed_on_time + self.completed_late
    }

    /// Completed / (completed + not completed and overdue), i.e. over the tasks that fell due
    /// (domain-rules §6.3); `None` when nothing fell due.
    pub fn completion_rate(&self) -> Option<f64> {
        let due = self.completed() + self.in_progress_overdue;
        (due > 0).then(|| self.completed() as f64 / due as f64)
    }
}

/// A reporting period (NĐ 09/2019/NĐ-CP Art. 12): cut-off on the 14th, start on the 15th.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// 15th of the previous month → 14th of the month.
    Month { year: i32, month: Month },
    /// 15th of the month before the quarter → 14th of its last month.
    Quarter { year: i32, quarter: u8 },
    /// 15/12 of the previous year → 14/6.
    HalfYear { year: i32 },
    /// 15/12 of the previous year → 14/9 (a provincial addition).
    NineMonths { year: i32 },
    /// 15/12 of the previous year → 14/12.
    Year { year: i32 },
}

fn day(year: i32, month: Month, d: u8) -> Option<Date> {
    Date::from_calendar_date(year, month, d).ok()
}

impl Period {
    /// The first and last day (both inclusive), or `None` for an impossible period.
    pub fn bounds(self) -> Option<(Date, Date)> {
        let prev_dec_15 = |y: i32| day(y - 1, Month::December, 15);
        match self {
            Period::Month { year, month } => {
                let (py, pm) = if month == Month::January {
                    (year - 1, Month::December)
                } else {
                    (year, month.previous())
                };
                Some((day(py, pm, 15)?, day(year, month, 14)?))
            }
            Period::Quarter { year, quarter } => {
                if !(1..=4).contains(&quarter) {
                    return None;
                }
                let first = Month::try_from(quarter * 3 - 2).ok()?;
                let last = Month::try_from(quarter * 3).ok()?;
                let (py, pm) = if first == Month::January {
                    (year - 1, Month::December)
                } else {
                    (year, first.previous())
                };
                Some((day(py, pm, 15)?, day(year, last, 14)?))
            }
            Period::HalfYear { year } => Some((prev_dec_15(year)?, day(year, Month::June, 14)?)),
            Period::NineMonths { year } => {
                Some((prev_dec_15(year)?, day(year, Month::September, 14)?))
            }
            Period::Year { year } => Some((prev_dec_15(year)?, day(year, Month::December, 14)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_2017_report_reproduces_98_63_percent() {
        // Report 1270/BC-TCTTTg: 16,051 completed (14,068 on time, 1,983 late), 5,863 not
        // completed (5,640 within deadline, 223 overdue).
        let c = StatusCounts {
            completed_on_time: 14_068,
            completed_late: 1_983,
            in_progress_within: 5_640,
            in_progress_overdue: 223,
            cancelled: 0,
        };
        assert_eq!(c.completed(), 16_051);
        let rate = c.completion_rate().expect("rate");
        assert_eq!(format!("{:.2}", rate * 100.0), "98.63");
        // The VPCP January–August figures: 2,501 / 2,723.
        let c = StatusCounts {
            completed_on_time: 2_501,
            in_progress_overdue: 222,
            ..StatusCounts::default()
        };
        assert_eq!(
            format!("{:.2}", c.completion_rate().expect("rate") * 100.0),
            "91.85"
        );
        assert_eq!(StatusCounts::default().completion_rate(), None);
    }

    #[test]
    fn status_is_a_function_of_the_dates() {
        let due = Some(date!(2026 - 03 - 10));
        let s = |today, done| task_status(today, due, done, false);
        assert_eq!(
            s(date!(2026 - 03 - 10), None),
            TaskStatus::InProgressWithin,
            "due today is not late yet"
        );
        assert_eq!(
            s(date!(2026 - 03 - 11), None),
            TaskStatus::InProgressOverdue
        );
        assert_eq!(
            s(date!(2026 - 04 - 01), Some(date!(2026 - 03 - 10))),
            TaskStatus::CompletedOnTime
        );
        assert_eq!(
            s(date!(2026 - 04 - 01), Some(date!(2026 - 03 - 11))),
            TaskStatus::CompletedLate
        );
        assert_eq!(
            task_status(date!(2030 - 01 - 01), None, None, false),
            TaskStatus::InProgressWithin
        );
        assert_eq!(
            task_status(date!(2030 - 01 - 01), due, None, true),
            TaskStatus::Cancelled
        );
    }

    #[test]
    fn reporting_periods_run_from_the_15th_to_the_14th() {
        let b = |p: Period| p.bounds().expect("bounds");
        assert_eq!(
            b(Period::Month {
                year: 2026,
                month: Month::January
            }),
            (date!(2025 - 12 - 15), date!(2026 - 01 - 14))
        );
        assert_eq!(
            b(Period::Month {
                year: 2026,
                month: Month::March
            }),
            (date!(2026 - 02 - 15), date!(2026 - 03 - 14))
        );
        assert_eq!(
            b(Period::Quarter {
                year: 2026,
                quarter: 1
            }),
            (date!(2025 - 12 - 15), date!(2026 - 03 - 14))
        );
        assert_eq!(
            b(Period::Quarter {
                year: 2026,
                quarter: 3
            }),
            (date!(2026 - 06 - 15), date!(2026 - 09 - 14))
        );
        assert_eq!(
            b(Period::HalfYear { year: 2026 }),
            (date!(2025 - 12 - 15), date!(2026 - 06 - 14))
        );
        assert_eq!(
            b(Period::NineMonths { year: 2026 }),
            (date!(2025 - 12 - 15), date!(2026 - 09 - 14))
        );
        assert_eq!(
            b(Period::Year { year: 2026 }),
            (date!(2025 - 12 - 15), date!(2026 - 12 - 14))
        );
        assert_eq!(
            Period::Quarter {
                year: 2026,
                quarter: 5
            }
            .bounds(),
            None
        );
    }

    #[test]
    fn the_task_kind_is_consistent() {
        for t in TASK.transitions {
            for f in t.from {
                assert!(TASK.state(f).is_some(), "{} from {f}", t.action);
            }
            if let Target::State(s) = t.to {
                assert!(TASK.state(s).is_some(), "{} to {s}", t.action);
            }
        }
        assert!(
            TASK.transition("confirm", "in_progress").is_err(),
            "only a reported completion is confirmed"
        );
        assert!(TASK.transition("complete", "confirmed").is_err());
        assert!(TASK.actions_from("cancelled").is_empty());
    }
}
