//! The dossier (hồ sơ một cửa) as a case kind: states mapped to the national portal's status codes
//! (TrangThaiHoSo 1–10) and the transitions of NĐ 61/2018 (as amended) and NĐ 118/2025
//! (reference/domain-rules.md §1.2–§1.8).

use crate::Role;
use crate::case::{CaseKind, ClockEffect, Side, State, Target, Transition, tr};

use ClockEffect::*;
use Role::*;

const fn st(
    code: &'static str,
    label_vi: &'static str,
    label_en: &'static str,
    portal_code: u8,
    terminal: bool,
    clock: ClockEffect,
) -> State {
    State {
        code,
        label_vi,
        label_en,
        portal_code,
        terminal,
        clock,
    }
}

/// States. Internal states refine the portal codes (4 = forwarded, assigned, pending approval,
/// approved).
pub const STATES: &[State] = &[
    st(
        "submitted",
        "Mới đăng ký",
        "Submitted online",
        1,
        false,
        NotStarted,
    ),
    st("received", "Được tiếp nhận", "Received", 2, false, Running),
    st(
        "refused_intake",
        "Không được tiếp nhận",
        "Not accepted",
        3,
        true,
        Stopped,
    ),
    st(
        "forwarded",
        "Đang xử lý (đã chuyển cơ quan giải quyết)",
        "Processing (forwarded)",
        4,
        false,
        Running,
    ),
    st(
        "assigned",
        "Đang xử lý (chuyên viên thụ lý)",
        "Processing (assigned)",
        4,
        false,
        Running,
    ),
    st(
        "pending_approval",
        "Đang xử lý (chờ phê duyệt)",
        "Processing (awaiting approval)",
        4,
        false,
        Running,
    ),
    st(
        "approved",
        "Đang xử lý (đã phê duyệt)",
        "Processing (approved)",
        4,
        false,
        Running,
    ),
    st(
        "awaiting_supplement",
        "Yêu cầu bổ sung giấy tờ",
        "Supplement requested",
        5,
        false,
        Paused,
    ),
    st(
        "awaiting_payment",
        "Yêu cầu thực hiện nghĩa vụ tài chính",
        "Payment requested",
        6,
        false,
        Paused,
    ),
    st(
        "withdrawn",
        "Công dân yêu cầu rút hồ sơ",
        "Withdrawn by the applicant",
        7,
        true,
        Stopped,
    ),
    st(
        "stopped",
        "Dừng xử lý",
        "Processing stopped",
        8,
        true,
        Stopped,
    ),
    st(
        "finished",
        "Đã xử lý xong",
        "Result ready",
        9,
        false,
        Stopped,
    ),
    st(
        "returned",
        "Đã trả kết quả",
        "Result returned",
        10,
        true,
        Stopped,
    ),
];

const PROCESSING: &[&str] = &["forwarded", "assigned", "pending_approval", "approved"];
const OPEN_BEFORE_RESULT: &[&str] = &[
    "submitted",
    "received",
    "forwarded",
    "assigned",
    "pending_approval",
    "approved",
    "awaiting_supplement",
    "awaiting_payment",
];

/// Transitions (the action names are the API contract).
pub const TRANSITIONS: &[Transition] = &[
    tr(
        "accept",
        &["submitted"],
        Target::State("received"),
        &[OneStopOfficer],
        Side::Receiving,
        &[],
        "Tiếp nhận hồ sơ trực tuyến",
        "Accept the online submission",
    ),
    tr(
        "refuse",
        &["submitted", "received"],
        Target::State("refused_intake"),
        &[OneStopOfficer],
        Side::Receiving,
        &["reason"],
        "Từ chối tiếp nhận (Mẫu 03)",
        "Refuse to receive (form 03)",
    ),
    tr(
        "refuse",
        PROCESSING,
        Target::State("finished"),
        &[Specialist, UnitHead, Leader],
        Side::Processing,
        &["reason"],
        "Từ chối giải quyết (Mẫu 03)",
        "Refuse (form 03)",
    ),
    tr(
        "forward",
        &["received"],
        Target::State("forwarded"),
        &[OneStopOfficer],
        Side::Receiving,
        &[],
        "Chuyển cơ quan giải quyết",
        "Forward for processing",
    ),
    tr(
        "transfer",
        &["forwarded", "assigned"],
        Target::State("forwarded"),
        &[UnitHead, Leader],
        Side::Processing,
        &["to_unit"],
        "Chuyển liên thông",
        "Transfer to another unit",
    ),
    tr(
        "assign",
        &["forwarded", "assigned"],
        Target::State("assigned"),
        &[UnitHead, Leader],
        Side::Processing,
        &["assignee"],
        "Phân công thụ lý",
        "Assign",
    ),
    tr(
        "submit_for_approval",
        &["assigned"],
        Target::State("pending_approval"),
        &[Specialist, UnitHead],
        Side::Processing,
        &[],
        "Trình phê duyệt",
        "Submit for approval",
    ),
    tr(
        "approve",
        &["assigned", "pending_approval"],
        Target::State("approved"),
        &[UnitHead, Leader],
        Side::Processing,
        &[],
        "Phê duyệt",
        "Approve",
    ),
    tr(
        "request_supplement",
        &["received", "forwarded", "assigned", "pending_approval"],
        Target::State("awaiting_supplement"),
        &[OneStopOfficer, Specialist, UnitHead],
        Side::Either,
        &["reason"],
        "Yêu cầu bổ sung (Mẫu 02)",
        "Request a supplement (form 02)",
    ),
    tr(
        "supplement_received",
        &["awaiting_supplement"],
        Target::Resume,
        &[OneStopOfficer, Specialist, UnitHead, Citizen],
        Side::Either,
        &[],
        "Đã nhận hồ sơ bổ sung",
        "Supplement received",
    ),
    tr(
        "request_payment",
        &[
            "received",
            "forwarded",
            "assigned",
            "pending_approval",
            "approved",
        ],
        Target::State("awaiting_payment"),
        &[OneStopOfficer, Specialist, UnitHead],
        Side::Either,
        &["amount_vnd"],
        "Yêu cầu nộp phí, lệ phí",
        "Request payment",
    ),
    tr(
        "payment_received",
        &["awaiting_payment"],
        Target::Resume,
        &[OneStopOfficer, Specialist, UnitHead],
        Side::Either,
        &[],
        "Đã nhận phí, lệ phí",
        "Payment received",
    ),
    tr(
        "apologize",
        &[
            "received",
            "forwarded",
            "assigned",
            "pending_approval",
            "approved",
            "awaiting_payment",
        ],
        Target::Same,
        &[UnitHead, Leader, OneStopOfficer],
        Side::Either,
        &["reason", "new_appointment_at"],
        "Xin lỗi, hẹn lại ngày trả (Mẫu 04)",
        "Apologise, new appointment (form 04)",
    ),
    tr(
        "finish",
        &["approved"],
        Target::State("finished"),
        &[Specialist, UnitHead, Leader],
        Side::Processing,
        &[],
        "Hoàn thành, chuyển kết quả",
        "Finish (result ready)",
    ),
    tr(
        "return_result",
        &["finished"],
        Target::State("returned"),
        &[OneStopOfficer],
        Side::Receiving,
        &[],
        "Trả kết quả",
        "Return the result",
    ),
    tr(
        "withdraw",
        OPEN_BEFORE_RESULT,
        Target::State("withdrawn"),
        &[OneStopOfficer, Citizen],
        Side::Receiving,
        &[],
        "Rút hồ sơ theo yêu cầu",
        "Withdraw at the applicant's request",
    ),
    tr(
        "stop",
        PROCESSING,
        Target::State("stopped"),
        &[UnitHead, Leader],
        Side::Processing,
        &["reason"],
        "Dừng xử lý",
        "Stop processing",
    ),
];

/// The dossier case kind.
pub static DOSSIER: CaseKind = CaseKind {
    name: "dossier",
    states: STATES,
    transitions: TRANSITIONS,
};

/// Dossier channels (KenhThucHien).
pub const CHANNELS: &[&str] = &["counter", "online", "post"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::TransitionError;

    #[test]
    fn the_definition_is_consistent() {
        assert_eq!(DOSSIER.check(), Ok(()));
        let codes: Vec<u8> = STATES.iter().map(|s| s.portal_code).collect();
        for c in 1..=10 {
            assert!(codes.contains(&c), "portal code {c} has a state");
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(
            DOSSIER.transition("forward", "received").map(|t| t.to),
            Ok(Target::State("forwarded"))
        );
        assert_eq!(
            DOSSIER.transition("forward", "returned"),
            Err(TransitionError::Illegal {
                action: "forward".into(),
                state: "returned".into()
            })
        );
        assert_eq!(
            DOSSIER.transition("fly", "received"),
            Err(TransitionError::UnknownAction("fly".into()))
        );
        // `refuse` means two things depending on the state.
        assert_eq!(
            DOSSIER.transition("refuse", "received").map(|t| t.side),
            Ok(Side::Receiving)
        );
        assert_eq!(
            DOSSIER.transition("refuse", "assigned").map(|t| t.side),
            Ok(Side::Processing)
        );
        assert!(DOSSIER.actions_from("returned").is_empty());
    }
}
