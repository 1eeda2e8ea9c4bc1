//! On-site reports (phản ánh hiện trường, Hue-S style) as a case kind: a citizen reports a problem
//! at a place (category, description, location, photos, normal or emergency); it is routed to the
//! responsible unit by category and commune; the unit accepts, may ask for more time (decided by
//! its head or a city leader), and resolves it with a public result or rejects it as invalid; the
//! reporter rates the result (hài lòng / chấp nhận / không hài lòng).
//!
//! The outcome is fixed when the report is handled: **on time** (by the original deadline),
//! **late with an approved extension** (after the original deadline, within an extension approved
//! before the deadline it replaced), or **late** — counted apart, as Hue-S publishes them.

use serde::Serialize;

use crate::Role;
use crate::case::{CaseKind, ClockEffect, Side, State, Target, Transition, tr};

const fn st(
    code: &'static str,
    label_vi: &'static str,
    label_en: &'static str,
    terminal: bool,
    clock: ClockEffect,
) -> State {
    State {
        code,
        label_vi,
        label_en,
        portal_code: 0,
        terminal,
        clock,
    }
}

const STATES: &[State] = &[
    st(
        "received",
        "Đã tiếp nhận, chờ đơn vị xử lý",
        "Received, waiting for the unit",
        false,
        ClockEffect::Running,
    ),
    st(
        "in_progress",
        "Đang xử lý",
        "Being handled",
        false,
        ClockEffect::Running,
    ),
    st(
        "extension_requested",
        "Đang xử lý, xin gia hạn",
        "Being handled, extension requested",
        false,
        ClockEffect::Running,
    ),
    st(
        "resolved",
        "Đã xử lý",
        "Resolved",
        true,
        ClockEffect::Stopped,
    ),
    st(
        "rejected",
        "Không thuộc phạm vi xử lý",
        "Rejected as invalid",
        true,
        ClockEffect::Stopped,
    ),
];

use Role::{Leader, Specialist, UnitHead};

const OPEN: &[&str] = &["received", "in_progress", "extension_requested"];
const HANDLERS: &[Role] = &[Specialist, UnitHead];
const DECIDERS: &[Role] = &[UnitHead, Leader];

const TRANSITIONS: &[Transition] = &[
    tr(
        "accept",
        &["received"],
        Target::State("in_progress"),
        HANDLERS,
        Side::Processing,
        &[],
        "Tiếp nhận xử lý",
        "Accept for handling",
    ),
    tr(
        "assign",
        &["received", "in_progress"],
        Target::State("in_progress"),
        HANDLERS,
        Side::Processing,
        &["assignee"],
        "Phân công xử lý",
        "Assign",
    ),
    tr(
        "request_extension",
        &["received", "in_progress"],
        Target::State("extension_requested"),
        HANDLERS,
        Side::Processing,
        &["reason", "new_deadline"],
        "Xin gia hạn",
        "Request an extension",
    ),
    tr(
        "approve_extension",
        &["extension_requested"],
        Target::State("in_progress"),
        DECIDERS,
        Side::Processing,
        &[],
        "Đồng ý gia hạn",
        "Approve the extension",
    ),
    tr(
        "refuse_extension",
        &["extension_requested"],
        Target::State("in_progress"),
        DECIDERS,
        Side::Processing,
        &["reason"],
        "Không đồng ý gia hạn",
        "Refuse the extension",
    ),
    tr(
        "resolve",
        OPEN,
        Target::State("resolved"),
        HANDLERS,
        Side::Processing,
        &["text"],
        "Cập nhật kết quả xử lý",
        "Resolve with a public result",
    ),
    tr(
        "reject",
        OPEN,
        Target::State("rejected"),
        HANDLERS,
        Side::Processing,
        &["text"],
        "Từ chối (phản ánh không hợp lệ)",
        "Reject as invalid",
    ),
];

/// On-site reports as a case kind.
pub static SITE_REPORT: CaseKind = CaseKind {
    name: "site_report",
    states: STATES,
    transitions: TRANSITIONS,
};

/// Whether a state is open in Open311 terms (`open`/`closed`).
pub fn is_open(state: &str) -> bool {
    OPEN.contains(&state)
}

/// The urgencies of a report.
pub const URGENCIES: [&str; 2] = ["normal", "emergency"];

/// The three answers of the reporter's rating (Hue-S).
pub const RATINGS: [&str; 3] = ["hai_long", "chap_nhan", "khong_hai_long"];

/// How a handled report is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Handled by the original deadline.
    OnTime,
    /// Handled after the deadline in force.
    Late,
    /// Handled after the original deadline but within an approved extension.
    LateExtended,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::OnTime, Outcome::Late, Outcome::LateExtended];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::OnTime => "on_time",
            Outcome::Late => "late",
            Outcome::LateExtended => "late_extended",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Outcome::OnTime => "Đúng hạn",
            Outcome::Late => "Trễ hạn",
            Outcome::LateExtended => "Trễ hạn có gia hạn được duyệt",
        }
    }
}

/// The outcome of a report handled at `handled` (any ordered instant type), given its original
/// deadline and the deadline in force (moved only by an approved extension).
pub fn outcome<T: PartialOrd>(handled: T, original_deadline: T, deadline: T) -> Outcome {
    if handled <= original_deadline {
        Outcome::OnTime
    } else if handled <= deadline {
        Outcome::LateExtended
    } else {
        Outcome::Late
    }
}

/// The Open311 GeoReport v2 datatypes of a service attribute.
pub const ATTRIBUTE_DATATYPES: [&str; 6] = [
    "string",
    "number",
    "datetime",
    "text",
    "singlevaluelist",
    "multivaluelist",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_case_kind_is_consistent() {
        assert_eq!(SITE_REPORT.check(), Ok(()));
        assert!(SITE_REPORT.transition("resolve", "resolved").is_err());
        assert!(SITE_REPORT.actions_from("rejected").is_empty());
        assert!(is_open("extension_requested") && !is_open("resolved"));
    }

    #[test]
    fn outcomes_are_counted_apart() {
        assert_eq!(outcome(5, 10, 10), Outcome::OnTime);
        assert_eq!(outcome(10, 10, 10), Outcome::OnTime);
        assert_eq!(outcome(12, 10, 15), Outcome::LateExtended);
        assert_eq!(outcome(16, 10, 15), Outcome::Late);
        assert_eq!(outcome(11, 10, 10), Outcome::Late);
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
    }
}
