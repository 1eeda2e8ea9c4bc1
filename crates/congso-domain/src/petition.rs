//! Citizens' petitions (đơn): complaints, denunciations, recommendations, feedback and feedback on
//! administrative regulations (domain-rules.md §5). A letter (petition) is split into items; each
//! item has a kind, a place in the [`PETITION_ITEM`] case kind, and **statutory clocks given as
//! data** ([`ClockTable`]): per kind, complaint level and stage, the event that starts the clock,
//! the unit (days or working days), the base, complex and remote-area limits and the extension
//! policy. The shipped table ([`ClockTable::shipped`]) is the default of the `petition_clocks`
//! setting, so the [R]/[U] values can be changed without a release.
//!
//! Counting (Civil Code Art. 147–148, domain-rules §4.3): the day of the start event is not
//! counted; a limit in working days ends on the n-th working day after it; a limit in (calendar)
//! days ends n days later, and when that day is a weekly rest day or a holiday the period ends on
//! the next working day (Art. 148 — the rule domain-rules states for periods in days; a rule may
//! turn it off with `roll_to_working_day: false`).

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::Role::{Leader, OfficeStaff, Specialist, UnitHead};
use crate::case::{CaseKind, ClockEffect, Side, State, Target, Transition, tr};

/// The kinds of petition item (§5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionKind {
    /// Khiếu nại (Luật Khiếu nại 2011).
    Complaint,
    /// Tố cáo (Luật Tố cáo 2018).
    Denunciation,
    /// Kiến nghị (Luật Tiếp công dân 2013).
    Recommendation,
    /// Phản ánh (Luật Tiếp công dân 2013).
    Feedback,
    /// Phản ánh, kiến nghị về quy định hành chính (NĐ 20/2008/NĐ-CP).
    RegulationFeedback,
}

impl PetitionKind {
    pub const ALL: [PetitionKind; 5] = [
        PetitionKind::Complaint,
        PetitionKind::Denunciation,
        PetitionKind::Recommendation,
        PetitionKind::Feedback,
        PetitionKind::RegulationFeedback,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PetitionKind::Complaint => "complaint",
            PetitionKind::Denunciation => "denunciation",
            PetitionKind::Recommendation => "recommendation",
            PetitionKind::Feedback => "feedback",
            PetitionKind::RegulationFeedback => "regulation_feedback",
        }
    }

    pub fn parse(s: &str) -> Option<PetitionKind> {
        PetitionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            PetitionKind::Complaint => "Khiếu nại",
            PetitionKind::Denunciation => "Tố cáo",
            PetitionKind::Recommendation => "Kiến nghị",
            PetitionKind::Feedback => "Phản ánh",
            PetitionKind::RegulationFeedback => "Phản ánh, kiến nghị về quy định hành chính",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PetitionKind::Complaint => "Complaint",
            PetitionKind::Denunciation => "Denunciation",
            PetitionKind::Recommendation => "Recommendation",
            PetitionKind::Feedback => "Feedback",
            PetitionKind::RegulationFeedback => "Feedback on administrative regulations",
        }
    }

    /// Actions that only some kinds have (every other action of [`PETITION_ITEM`] applies to all).
    pub fn allows(self, action: &str) -> bool {
        match action {
            "extend" => self == PetitionKind::Denunciation,
            "refuse" | "request_supplement" | "publish" => self == PetitionKind::RegulationFeedback,
            _ => true,
        }
    }

    /// The document a resolution produces: a decision (complaint), a conclusion (denunciation),
    /// an answer (the others).
    pub fn resolution_document(self) -> &'static str {
        match self {
            PetitionKind::Complaint => "quyet_dinh_giai_quyet",
            PetitionKind::Denunciation => "ket_luan",
            _ => "van_ban_tra_loi",
        }
    }
}

/// How petitions arrive.
pub const CHANNELS: [(&str, &str); 3] = [
    ("reception", "Tiếp công dân trực tiếp"),
    ("post", "Qua bưu chính"),
    ("online", "Trực tuyến"),
];

/// The stages a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Handling a received letter (xử lý đơn): classify, then accept, transfer, guide or file.
    Handling,
    /// Resolution (giải quyết): decision, conclusion or answer.
    Resolution,
    /// Refusing a regulation feedback (từ chối tiếp nhận).
    Refusal,
    /// The first request to supplement a regulation feedback.
    SupplementRequest,
    /// Publishing the answer to a regulation feedback.
    Publication,
    /// Lodging a second complaint after the first decision (or after the first time limit
    /// passed without one).
    Lodging,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Handling => "handling",
            Stage::Resolution => "resolution",
            Stage::Refusal => "refusal",
            Stage::SupplementRequest => "supplement_request",
            Stage::Publication => "publication",
            Stage::Lodging => "lodging",
        }
    }

    /// The stage an action ends (and is judged on time or late against), if any.
    pub fn ended_by(action: &str) -> Option<Stage> {
        match action {
            "accept" | "transfer" | "guide" | "file" => Some(Stage::Handling),
            "resolve" => Some(Stage::Resolution),
            "refuse" => Some(Stage::Refusal),
            "request_supplement" => Some(Stage::SupplementRequest),
            "publish" => Some(Stage::Publication),
            _ => None,
        }
    }
}

/// The event a clock counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartEvent {
    /// The day the letter was received.
    Received,
    /// The day of acceptance (thụ lý).
    Accepted,
    /// The day of the resolution (for publication).
    Resolved,
}

/// The unit of a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    Days,
    WorkingDays,
}

/// How a clock may be extended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionPolicy {
    /// How many extensions at most.
    pub max_extensions: u32,
    /// The longest single extension, in the rule's unit.
    pub max_days: u32,
    /// Each extension is decided in writing (a decision number is required).
    pub needs_decision: bool,
}

/// Days counted on a calendar: implemented by the application over the legal working calendar.
pub trait DayCount {
    fn is_working_day(&self, day: Date) -> bool;
    /// The n-th working day after `start` (`start` not counted).
    fn add_working_days(&self, start: Date, n: u32) -> Date;
}

/// One statutory clock: a kind (and complaint level), a stage, and its limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockRule {
    pub kind: PetitionKind,
    /// For complaints: 1 (first) or 2 (second); `None` matches every level.
    #[serde(default)]
    pub level: Option<u8>,
    pub stage: Stage,
    pub start: StartEvent,
    pub unit: DayUnit,
    pub base: u32,
    /// Complex cases (vụ việc phức tạp); default: `base`.
    #[serde(default)]
    pub complex: Option<u32>,
    /// Remote or difficult areas (vùng sâu, vùng xa); default: `base`.
    #[serde(default)]
    pub remote: Option<u32>,
    /// Complex cases in remote areas; default: the larger of `complex` and `remote`.
    #[serde(default)]
    pub remote_complex: Option<u32>,
    #[serde(default)]
    pub extension: Option<ExtensionPolicy>,
    /// A period in days ending on a day off ends on the next working day (Civil Code Art. 148).
    #[serde(default = "yes")]
    pub roll_to_working_day: bool,
    /// Where the value comes from (law, article; confidence tag of domain-rules).
    #[serde(default)]
    pub basis: String,
}

fn yes() -> bool {
    true
}

impl ClockRule {
    /// The limit for a case's flags, before extensions.
    pub fn limit(&self, complex: bool, remote: bool) -> u32 {
        let c = self.complex.unwrap_or(self.base);
        let r = self.remote.unwrap_or(self.base);
        match (complex, remote) {
            (false, false) => self.base,
            (true, false) => c,
            (false, true) => r,
            (true, true) => self.remote_complex.unwrap_or(c.max(r)),
        }
    }

    /// The last day of the period that starts on `start` with `extra` days of extensions.
    pub fn deadline(
        &self,
        start: Date,
        complex: bool,
        remote: bool,
        extra: u32,
        cal: &dyn DayCount,
    ) -> Date {
        let n = self.limit(complex, remote).saturating_add(extra);
        match self.unit {
            DayUnit::WorkingDays => cal.add_working_days(start, n),
            DayUnit::Days => {
                let end = start
                    .checked_add(Duration::days(i64::from(n)))
                    .unwrap_or(Date::MAX);
                if n > 0 && self.roll_to_working_day && !cal.is_working_day(end) {
                    cal.add_working_days(end, 1)
                } else {
                    end
                }
            }
        }
    }

    /// Checks one more extension of `days` after `done` extensions: `Ok` or why not.
    pub fn check_extension(&self, done: u32, days: u32) -> Result<(), ExtensionRefused> {
        let Some(p) = self.extension else {
            return Err(ExtensionRefused::NotExtendable);
        };
        if done >= p.max_extensions {
            return Err(ExtensionRefused::TooMany);
        }
        if days == 0 || days > p.max_days {
            return Err(ExtensionRefused::TooLong);
        }
        Ok(())
    }
}

/// Why an extension is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRefused {
    /// The clock has no extension policy.
    NotExtendable,
    /// The number of extensions is used up.
    TooMany,
    /// Zero days, or longer than one extension may be.
    TooLong,
}

/// The statutory clocks (the `petition_clocks` setting, JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockTable {
    pub rules: Vec<ClockRule>,
}

#[allow(clippy::too_many_arguments)]
fn rule(
    kind: PetitionKind,
    level: Option<u8>,
    stage: Stage,
    start: StartEvent,
    unit: DayUnit,
    limits: (u32, Option<u32>, Option<u32>, Option<u32>),
    extension: Option<ExtensionPolicy>,
    basis: &str,
) -> ClockRule {
    ClockRule {
        kind,
        level,
        stage,
        start,
        unit,
        base: limits.0,
        complex: limits.1,
        remote: limits.2,
        remote_complex: limits.3,
        extension,
        roll_to_working_day: true,
        basis: basis.to_owned(),
    }
}

impl ClockTable {
    /// The clocks of domain-rules §5.2.
    pub fn shipped() -> ClockTable {
        use DayUnit::{Days, WorkingDays};
        use PetitionKind::*;
        use Stage::*;
        use StartEvent::{Accepted, Received, Resolved};
        let mut rules = vec![];
        // Handling a received letter: 10 days [V] (TTHC "xử lý đơn", dichvucong.gov.vn). The
        // complaint TTHC text says "10 ngày làm việc" [U]: change the unit in the setting.
        for k in [Complaint, Recommendation, Feedback] {
            rules.push(rule(
                k,
                None,
                Handling,
                Received,
                Days,
                (10, None, None, None),
                None,
                "Thủ tục xử lý đơn (dichvucong.gov.vn) [V]",
            ));
        }
        // Denunciations: record, classify and verify within 7 working days, 10 when verification
        // is needed at several places (Luật Tố cáo 2018 Art. 24) [R].
        rules.push(rule(
            Denunciation,
            None,
            Handling,
            Received,
            WorkingDays,
            (7, Some(10), None, None),
            None,
            "Luật Tố cáo 2018 Art. 24 [R]",
        ));
        // A second complaint is lodged within 30 days of the first decision (45 in remote areas),
        // or of the end of the first time limit when no decision came [V-sec].
        rules.push(rule(
            Complaint,
            Some(2),
            Lodging,
            Resolved,
            Days,
            (30, None, Some(45), None),
            None,
            "Luật Khiếu nại 2011 Art. 33 [V-sec]",
        ));
        rules.push(rule(
            Complaint,
            Some(1),
            Resolution,
            Accepted,
            Days,
            (30, Some(45), Some(45), Some(60)),
            None,
            "Luật Khiếu nại 2011 Art. 28 [V]",
        ));
        rules.push(rule(
            Complaint,
            Some(2),
            Resolution,
            Accepted,
            Days,
            (45, Some(60), Some(60), Some(70)),
            None,
            "Luật Khiếu nại 2011 Art. 37 [R]",
        ));
        rules.push(rule(
            Denunciation,
            None,
            Resolution,
            Accepted,
            Days,
            (30, None, None, None),
            Some(ExtensionPolicy {
                max_extensions: 2,
                max_days: 30,
                needs_decision: true,
            }),
            "Luật Tố cáo 2018 Art. 30 [V]",
        ));
        // Recommendations and feedback under the Law on Citizen Reception: no fixed statutory
        // limit in the reference [U]; 30 days by default.
        for k in [Recommendation, Feedback] {
            rules.push(rule(
                k,
                None,
                Resolution,
                Accepted,
                Days,
                (30, None, None, None),
                None,
                "[U] default",
            ));
        }
        // Regulation feedback: the DVCQG PAKN measures [V-sec] (QĐ 766, formula 5.2).
        for (stage, start, n) in [
            (Refusal, Received, 2),
            (SupplementRequest, Received, 5),
            (Resolution, Received, 15),
            (Publication, Resolved, 2),
        ] {
            rules.push(rule(
                RegulationFeedback,
                None,
                stage,
                start,
                WorkingDays,
                (n, None, None, None),
                None,
                "QĐ 766/QĐ-TTg, chỉ số 5.2 [V-sec]",
            ));
        }
        ClockTable { rules }
    }

    /// The rule for a kind, complaint level and stage: an exact level first, then any level.
    pub fn find(&self, kind: PetitionKind, level: u8, stage: Stage) -> Option<&ClockRule> {
        self.rules
            .iter()
            .find(|r| r.kind == kind && r.stage == stage && r.level == Some(level))
            .or_else(|| {
                self.rules
                    .iter()
                    .find(|r| r.kind == kind && r.stage == stage && r.level.is_none())
            })
    }

    /// Checks a table given by an administrator: every kind has a resolution rule, limits are
    /// positive and at most ten years.
    pub fn validate(&self) -> Result<(), String> {
        for k in PetitionKind::ALL {
            if self.find(k, 1, Stage::Resolution).is_none() {
                return Err(format!("{}: no resolution clock", k.as_str()));
            }
        }
        for r in &self.rules {
            let all = [Some(r.base), r.complex, r.remote, r.remote_complex];
            if all.iter().flatten().any(|n| *n == 0 || *n > 3650) {
                return Err(format!(
                    "{} {}: bad limit",
                    r.kind.as_str(),
                    r.stage.as_str()
                ));
            }
        }
        Ok(())
    }
}

impl Default for ClockTable {
    fn default() -> Self {
        ClockTable::shipped()
    }
}

/// On time or late: a stage ended on `done` against its `deadline`.
pub fn on_time(done: Date, deadline: Date) -> bool {
    done <= deadline
}

// ---- The item case kind ----

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
        "received",
        "Đã tiếp nhận, đang xử lý đơn",
        "Received, being handled",
        false,
    ),
    st(
        "accepted",
        "Đã thụ lý, đang giải quyết",
        "Accepted, being resolved",
        false,
    ),
    State {
        code: "resolved",
        label_vi: "Đã giải quyết",
        label_en: "Resolved",
        portal_code: 0,
        terminal: false,
        clock: ClockEffect::Stopped,
    },
    st(
        "published",
        "Đã công khai kết quả",
        "Result published",
        true,
    ),
    st(
        "transferred",
        "Đã chuyển đơn đến cơ quan có thẩm quyền",
        "Transferred to the competent body",
        true,
    ),
    st(
        "guided",
        "Đã hướng dẫn người gửi đơn",
        "Petitioner guided",
        true,
    ),
    st("filed", "Đã lưu đơn", "Filed", true),
    st("refused", "Đã từ chối tiếp nhận", "Refused", true),
    st("withdrawn", "Người gửi đã rút đơn", "Withdrawn", true),
];

const ALL_STAFF: &[crate::Role] = &[OfficeStaff, Specialist, UnitHead, Leader];
const HEADS: &[crate::Role] = &[UnitHead, Leader];

const TRANSITIONS: &[Transition] = &[
    tr(
        "accept",
        &["received"],
        Target::State("accepted"),
        ALL_STAFF,
        Side::Processing,
        &[],
        "Thụ lý",
        "Accept (thụ lý)",
    ),
    tr(
        "transfer",
        &["received"],
        Target::State("transferred"),
        ALL_STAFF,
        Side::Processing,
        &["recipient"],
        "Chuyển đơn đến cơ quan có thẩm quyền",
        "Transfer to the competent body",
    ),
    tr(
        "guide",
        &["received"],
        Target::State("guided"),
        ALL_STAFF,
        Side::Processing,
        &["text"],
        "Hướng dẫn người gửi đơn",
        "Guide the petitioner",
    ),
    tr(
        "file",
        &["received"],
        Target::State("filed"),
        ALL_STAFF,
        Side::Processing,
        &["reason"],
        "Lưu đơn",
        "File (no further action)",
    ),
    tr(
        "refuse",
        &["received"],
        Target::State("refused"),
        ALL_STAFF,
        Side::Processing,
        &["reason"],
        "Từ chối tiếp nhận",
        "Refuse",
    ),
    tr(
        "request_supplement",
        &["received", "accepted"],
        Target::Same,
        ALL_STAFF,
        Side::Processing,
        &["text"],
        "Đề nghị bổ sung thông tin",
        "Ask for more information",
    ),
    tr(
        "extend",
        &["accepted"],
        Target::Same,
        HEADS,
        Side::Processing,
        &["decision_number", "days", "reason"],
        "Gia hạn giải quyết",
        "Extend the time limit",
    ),
    tr(
        "resolve",
        &["accepted"],
        Target::State("resolved"),
        HEADS,
        Side::Processing,
        &["decision_number", "text"],
        "Ban hành quyết định / kết luận / văn bản trả lời",
        "Issue the decision, conclusion or answer",
    ),
    tr(
        "notify",
        &["received", "accepted", "resolved"],
        Target::Same,
        ALL_STAFF,
        Side::Processing,
        &["text"],
        "Gửi thông báo",
        "Send a notice",
    ),
    tr(
        "publish",
        &["resolved"],
        Target::State("published"),
        ALL_STAFF,
        Side::Processing,
        &[],
        "Công khai kết quả",
        "Publish the result",
    ),
    tr(
        "withdraw",
        &["received", "accepted"],
        Target::State("withdrawn"),
        ALL_STAFF,
        Side::Processing,
        &["reason"],
        "Ghi nhận rút đơn",
        "Record the withdrawal",
    ),
];

/// Petition items as a case kind.
pub static PETITION_ITEM: CaseKind = CaseKind {
    name: "petition_item",
    states: STATES,
    transitions: TRANSITIONS,
};

/// The document each action produces (kind code, Vietnamese name).
pub fn document_of(action: &str, kind: PetitionKind) -> Option<(&'static str, &'static str)> {
    Some(match action {
        "accept" => ("thong_bao_thu_ly", "Thông báo thụ lý"),
        "transfer" => ("phieu_chuyen_don", "Phiếu chuyển đơn"),
        "guide" => ("van_ban_huong_dan", "Văn bản hướng dẫn"),
        "file" => ("phieu_luu_don", "Phiếu đề xuất lưu đơn"),
        "refuse" => ("thong_bao_tu_choi", "Thông báo từ chối tiếp nhận"),
        "request_supplement" => ("de_nghi_bo_sung", "Văn bản đề nghị bổ sung"),
        "extend" => ("quyet_dinh_gia_han", "Quyết định gia hạn giải quyết tố cáo"),
        "resolve" => match kind {
            PetitionKind::Complaint => ("quyet_dinh_giai_quyet", "Quyết định giải quyết khiếu nại"),
            PetitionKind::Denunciation => ("ket_luan", "Kết luận nội dung tố cáo"),
            _ => ("van_ban_tra_loi", "Văn bản trả lời"),
        },
        "notify" => ("thong_bao", "Thông báo"),
        "publish" => ("cong_khai", "Công khai kết quả"),
        "withdraw" => ("don_rut", "Đơn rút"),
        _ => return None,
    })
}

/// Name of a document kind.
pub fn document_name(code: &str) -> &'static str {
    match code {
        "phieu_de_xuat_thu_ly" => "Phiếu đề xuất thụ lý",
        "thong_bao_thu_ly" => "Thông báo thụ lý",
        "phieu_chuyen_don" => "Phiếu chuyển đơn",
        "van_ban_huong_dan" => "Văn bản hướng dẫn",
        "phieu_luu_don" => "Phiếu đề xuất lưu đơn",
        "thong_bao_tu_choi" => "Thông báo từ chối tiếp nhận",
        "de_nghi_bo_sung" => "Văn bản đề nghị bổ sung",
        "quyet_dinh_gia_han" => "Quyết định gia hạn giải quyết tố cáo",
        "quyet_dinh_giai_quyet" => "Quyết định giải quyết khiếu nại",
        "ket_luan" => "Kết luận nội dung tố cáo",
        "van_ban_tra_loi" => "Văn bản trả lời",
        "thong_bao" => "Thông báo",
        "cong_khai" => "Công khai kết quả",
        "don_rut" => "Đơn rút",
        _ => "Văn bản",
    }
}

/// How close two folded texts are: the Jaccard index of their word sets (0–1).
pub fn similarity(a: &[String], b: &[String]) -> f64 {
    use std::collections::BTreeSet;
    let a: BTreeSet<&str> = a.iter().map(String::as_str).collect();
    let b: BTreeSet<&str> = b.iter().map(String::as_str).collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let inter = a.intersection(&b).count() as f64;
    let union = a.union(&b).count() as f64;
    inter / union
}

/// Two petitions of the same petitioner whose contents are at least this similar are duplicates.
pub const DUPLICATE_SIMILARITY: f64 = 0.6;

/// Anonymous denunciations are not accepted as denunciations, only used as information [R].
pub const ACCEPT_ANONYMOUS_DENUNCIATIONS: bool = false;

/// The outcome of an item for the resolution-rate report (§5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still being handled (not yet accepted, transferred, guided or filed).
    Unhandled,
    PendingWithin,
    PendingOverdue,
    ResolvedOnTime,
    ResolvedLate,
    Transferred,
    Guided,
    Filed,
    /// Refused (regulation feedback).
    Refused,
    /// Withdrawn before acceptance.
    Withdrawn,
}

/// The facts of an item the report needs (dates are local days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemFacts {
    pub received_on: Date,
    pub accepted_on: Option<Date>,
    /// The day the item left the open states, and how (`resolved`, `withdrawn`, …).
    pub closed_on: Option<Date>,
    pub closed_as: Option<&'static str>,
    /// The resolution deadline in force.
    pub deadline: Option<Date>,
}

/// An item's outcome as of `as_of` (events after it are ignored). A withdrawal after acceptance
/// counts as a resolution, on time when it came by the deadline (§5.3).
pub fn outcome(f: &ItemFacts, as_of: Date) -> Outcome {
    let accepted = f.accepted_on.is_some_and(|d| d <= as_of);
    match (f.closed_on.filter(|d| *d <= as_of), f.closed_as) {
        (Some(done), Some("resolved" | "published")) | (Some(done), Some("withdrawn"))
            if accepted =>
        {
            if f.deadline.is_none_or(|dl| on_time(done, dl)) {
                Outcome::ResolvedOnTime
            } else {
                Outcome::ResolvedLate
            }
        }
        (Some(_), Some("transferred")) => Outcome::Transferred,
        (Some(_), Some("guided")) => Outcome::Guided,
        (Some(_), Some("filed")) => Outcome::Filed,
        (Some(_), Some("refused")) => Outcome::Refused,
        (Some(_), Some(_)) if !accepted => Outcome::Withdrawn,
        _ if accepted => {
            if f.deadline.is_some_and(|dl| as_of > dl) {
                Outcome::PendingOverdue
            } else {
                Outcome::PendingWithin
            }
        }
        _ => Outcome::Unhandled,
    }
}

/// The resolution-rate report of a period (§5.3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RateReport {
    /// Received in the period.
    pub received_new: u64,
    /// Received before the period and still open at its start.
    pub carried_over: u64,
    /// Accepted (thụ lý) by the end of the period: under the body's authority.
    pub under_authority: u64,
    pub resolved_on_time: u64,
    pub resolved_late: u64,
    pub pending_within: u64,
    pub pending_overdue: u64,
    pub transferred: u64,
    pub guided: u64,
    pub filed: u64,
    pub refused: u64,
    pub withdrawn_before_acceptance: u64,
    /// Received but not yet accepted, transferred, guided or filed.
    pub unhandled: u64,
}

impl RateReport {
    pub fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Unhandled => self.unhandled += 1,
            Outcome::PendingWithin => self.pending_within += 1,
            Outcome::PendingOverdue => self.pending_overdue += 1,
            Outcome::ResolvedOnTime => self.resolved_on_time += 1,
            Outcome::ResolvedLate => self.resolved_late += 1,
            Outcome::Transferred => self.transferred += 1,
            Outcome::Guided => self.guided += 1,
            Outcome::Filed => self.filed += 1,
            Outcome::Refused => self.refused += 1,
            Outcome::Withdrawn => self.withdrawn_before_acceptance += 1,
        }
        if matches!(
            o,
            Outcome::PendingWithin
                | Outcome::PendingOverdue
                | Outcome::ResolvedOnTime
                | Outcome::ResolvedLate
        ) {
            self.under_authority += 1;
        }
    }

    pub fn resolved(&self) -> u64 {
        self.resolved_on_time + self.resolved_late
    }

    /// Resolved / under authority (carried over + newly accepted); `None` when nothing was.
    pub fn resolution_rate(&self) -> Option<f64> {
        (self.under_authority > 0).then(|| self.resolved() as f64 / self.under_authority as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// Weekends and the 2026 Tết break (14–22/2/2026) off.
    struct Cal;
    impl DayCount for Cal {
        fn is_working_day(&self, d: Date) -> bool {
            let tet = date!(2026 - 02 - 14)..=date!(2026 - 02 - 22);
            !matches!(d.weekday(), time::Weekday::Saturday | time::Weekday::Sunday)
                && !tet.contains(&d)
        }
        fn add_working_days(&self, start: Date, n: u32) -> Date {
            let mut d = start;
            let mut left = n;
            while left > 0 {
                d = d.next_day().expect("date");
                if self.is_working_day(d) {
                    left -= 1;
                }
            }
            d
        }
    }

    fn t() -> ClockTable {
        ClockTable::shipped()
    }

    #[test]
    fn the_shipped_table_is_complete_and_round_trips() {
        let table = t();
        table.validate().expect("valid");
        let json = serde_json::to_string(&table).expect("json");
        let back: ClockTable = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, table);
        for k in PetitionKind::ALL {
            assert_eq!(PetitionKind::parse(k.as_str()), Some(k));
        }
        PETITION_ITEM.check().expect("consistent case kind");
    }

    #[test]
    fn complaint_limits_by_level_complexity_and_area() {
        let table = t();
        let first = table
            .find(PetitionKind::Complaint, 1, Stage::Resolution)
            .expect("rule");
        let second = table
            .find(PetitionKind::Complaint, 2, Stage::Resolution)
            .expect("rule");
        let l = |r: &ClockRule| {
            [
                r.limit(false, false),
                r.limit(true, false),
                r.limit(false, true),
                r.limit(true, true),
            ]
        };
        assert_eq!(l(first), [30, 45, 45, 60]);
        assert_eq!(l(second), [45, 60, 60, 70]);
        // Accepted Mon 2/3/2026 + 30 days = Wed 1/4/2026.
        assert_eq!(
            first.deadline(date!(2026 - 03 - 02), false, false, 0, &Cal),
            date!(2026 - 04 - 01)
        );
        // + 45 days = Thu 16/4/2026.
        assert_eq!(
            second.deadline(date!(2026 - 03 - 02), false, false, 0, &Cal),
            date!(2026 - 04 - 16)
        );
    }

    #[test]
    fn a_period_in_days_ending_on_a_day_off_ends_on_the_next_working_day() {
        let table = t();
        let handling = table
            .find(PetitionKind::Feedback, 1, Stage::Handling)
            .expect("rule");
        // Received Wed 4/2/2026 + 10 days = Sat 14/2 (Tết break until Sun 22/2) → Mon 23/2.
        assert_eq!(
            handling.deadline(date!(2026 - 02 - 04), false, false, 0, &Cal),
            date!(2026 - 02 - 23)
        );
        let mut plain = handling.clone();
        plain.roll_to_working_day = false;
        assert_eq!(
            plain.deadline(date!(2026 - 02 - 04), false, false, 0, &Cal),
            date!(2026 - 02 - 14)
        );
        // Received Thu 5/2 + 10 days = Sun 15/2 → Mon 23/2 as well.
        assert_eq!(
            handling.deadline(date!(2026 - 02 - 05), false, false, 0, &Cal),
            date!(2026 - 02 - 23)
        );
    }

    #[test]
    fn regulation_feedback_counts_working_days_across_tet() {
        let table = t();
        let rf = |s| {
            table
                .find(PetitionKind::RegulationFeedback, 1, s)
                .expect("rule")
        };
        let received = date!(2026 - 02 - 12); // Thursday
        assert_eq!(
            rf(Stage::Refusal).deadline(received, false, false, 0, &Cal),
            date!(2026 - 02 - 23),
            "Fri 13/2, then Mon 23/2 after Tết"
        );
        assert_eq!(
            rf(Stage::SupplementRequest).deadline(received, false, false, 0, &Cal),
            date!(2026 - 02 - 26)
        );
        assert_eq!(
            rf(Stage::Resolution).deadline(received, false, false, 0, &Cal),
            date!(2026 - 03 - 12)
        );
        assert_eq!(
            rf(Stage::Publication).deadline(date!(2026 - 03 - 12), false, false, 0, &Cal),
            date!(2026 - 03 - 16)
        );
    }

    #[test]
    fn denunciations_extend_twice_at_most_by_thirty_days_each() {
        let table = t();
        let d = table
            .find(PetitionKind::Denunciation, 1, Stage::Resolution)
            .expect("rule");
        let accepted = date!(2026 - 03 - 02);
        assert_eq!(
            d.deadline(accepted, false, false, 0, &Cal),
            date!(2026 - 04 - 01)
        );
        assert_eq!(d.check_extension(0, 30), Ok(()));
        assert_eq!(
            d.deadline(accepted, false, false, 30, &Cal),
            date!(2026 - 05 - 01),
            "60 days; Fri 1/5 is a holiday in the real calendar, not in this test's"
        );
        assert_eq!(d.check_extension(1, 30), Ok(()));
        assert_eq!(
            d.deadline(accepted, false, false, 60, &Cal),
            date!(2026 - 06 - 01),
            "90 days = Sun 31/5 → Mon 1/6"
        );
        assert_eq!(d.check_extension(2, 10), Err(ExtensionRefused::TooMany));
        assert_eq!(d.check_extension(0, 31), Err(ExtensionRefused::TooLong));
        let c = table
            .find(PetitionKind::Complaint, 1, Stage::Resolution)
            .expect("rule");
        assert_eq!(
            c.check_extension(0, 10),
            Err(ExtensionRefused::NotExtendable)
        );
    }

    #[test]
    fn denunciation_handling_and_second_complaint_lodging_windows() {
        let table = t();
        let h = table
            .find(PetitionKind::Denunciation, 1, Stage::Handling)
            .expect("rule");
        // Received Thu 12/2/2026: 7 working days = Fri 13/2, 23–27/2, Mon 2/3; 10 → Thu 5/3.
        assert_eq!(
            h.deadline(date!(2026 - 02 - 12), false, false, 0, &Cal),
            date!(2026 - 03 - 02)
        );
        assert_eq!(
            h.deadline(date!(2026 - 02 - 12), true, false, 0, &Cal),
            date!(2026 - 03 - 05)
        );
        let l = table
            .find(PetitionKind::Complaint, 2, Stage::Lodging)
            .expect("rule");
        assert!(
            table
                .find(PetitionKind::Complaint, 1, Stage::Lodging)
                .is_none()
        );
        // Decided Fri 20/3/2026: 30 days = Sun 19/4 → Mon 20/4; remote 45 = Mon 4/5.
        assert_eq!(
            l.deadline(date!(2026 - 03 - 20), false, false, 0, &Cal),
            date!(2026 - 04 - 20)
        );
        assert_eq!(
            l.deadline(date!(2026 - 03 - 20), false, true, 0, &Cal),
            date!(2026 - 05 - 04)
        );
    }

    #[test]
    fn outcomes_follow_the_dates() {
        let base = ItemFacts {
            received_on: date!(2026 - 03 - 01),
            accepted_on: Some(date!(2026 - 03 - 05)),
            closed_on: None,
            closed_as: None,
            deadline: Some(date!(2026 - 04 - 04)),
        };
        assert_eq!(
            outcome(&base, date!(2026 - 04 - 04)),
            Outcome::PendingWithin
        );
        assert_eq!(
            outcome(&base, date!(2026 - 04 - 05)),
            Outcome::PendingOverdue
        );
        let done = ItemFacts {
            closed_on: Some(date!(2026 - 04 - 06)),
            closed_as: Some("resolved"),
            ..base
        };
        assert_eq!(outcome(&done, date!(2026 - 04 - 30)), Outcome::ResolvedLate);
        assert_eq!(
            outcome(&done, date!(2026 - 04 - 05)),
            Outcome::PendingOverdue,
            "resolved after the report's end"
        );
        assert_eq!(
            outcome(&base, date!(2026 - 03 - 04)),
            Outcome::Unhandled,
            "accepted after the report's end"
        );
        let moved = ItemFacts {
            accepted_on: None,
            closed_on: Some(date!(2026 - 03 - 03)),
            closed_as: Some("transferred"),
            deadline: None,
            ..base
        };
        assert_eq!(outcome(&moved, date!(2026 - 04 - 30)), Outcome::Transferred);
        let mut r = RateReport::default();
        for o in [
            Outcome::ResolvedOnTime,
            Outcome::ResolvedLate,
            Outcome::PendingOverdue,
            Outcome::PendingWithin,
            Outcome::Transferred,
        ] {
            r.add(o);
        }
        assert_eq!(r.under_authority, 4);
        assert_eq!(r.resolution_rate(), Some(0.5));
        assert_eq!(RateReport::default().resolution_rate(), None);
    }

    #[test]
    fn only_denunciations_extend_and_only_regulation_feedback_is_refused() {
        assert!(PetitionKind::Denunciation.allows("extend"));
        assert!(!PetitionKind::Complaint.allows("extend"));
        assert!(PetitionKind::RegulationFeedback.allows("refuse"));
        assert!(!PetitionKind::Feedback.allows("publish"));
        assert!(PETITION_ITEM.transition("resolve", "received").is_err());
        assert!(PETITION_ITEM.transition("accept", "filed").is_err());
    }

    #[test]
    fn similar_contents_of_the_same_person_are_duplicates() {
        let w = |s: &str| -> Vec<String> { s.split(' ').map(str::to_owned).collect() };
        assert!(
            similarity(
                &w("de nghi giai quyet tranh chap dat dai tai phuong an cuu"),
                &w("de nghi giai quyet tranh chap dat dai phuong an cuu")
            ) >= DUPLICATE_SIMILARITY
        );
        assert!(
            similarity(
                &w("khieu nai quyet dinh thu hoi dat"),
                &w("to cao can bo xa")
            ) < 0.2
        );
    }
}
