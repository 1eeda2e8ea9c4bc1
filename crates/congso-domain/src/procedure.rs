//! Administrative procedures (thủ tục hành chính) as published in the catalogue.
//!
//! [`ProcedureSpec`] is the import/export and API shape of one procedure version (the JSON file
//! format is a contract). [`ProcedureSpec::validate`] checks the mandatory components of NĐ
//! 63/2010 Art. 8 cl. 2 and the shape rules, reporting the first offending field.

use serde::{Deserialize, Serialize};

/// Level of government that handles the procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Cấp tỉnh / thành phố trực thuộc trung ương.
    Province,
    /// Cấp xã (ward or commune).
    Commune,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Commune => "commune",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "province" => Some(Level::Province),
            "commune" => Some(Level::Commune),
            _ => None,
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            Level::Province => "Cấp tỉnh",
            Level::Commune => "Cấp xã",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Level::Province => "Province level",
            Level::Commune => "Commune level",
        }
    }
}

/// Online public service level (NĐ 42/2022).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Toàn trình: the whole procedure online.
    Full,
    /// Một phần: submission online, some steps in person.
    Partial,
    /// Not available online.
    None,
}

impl OnlineLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            OnlineLevel::Full => "full",
            OnlineLevel::Partial => "partial",
            OnlineLevel::None => "none",
        }
    }
    pub fn parse(s: &str) -> Option<OnlineLevel> {
        match s {
            "full" => Some(OnlineLevel::Full),
            "partial" => Some(OnlineLevel::Partial),
            "none" => Some(OnlineLevel::None),
            _ => None,
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            OnlineLevel::Full => "Dịch vụ công trực tuyến toàn trình",
            OnlineLevel::Partial => "Dịch vụ công trực tuyến một phần",
            OnlineLevel::None => "Chưa cung cấp trực tuyến",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            OnlineLevel::Full => "Fully online",
            OnlineLevel::Partial => "Partly online",
            OnlineLevel::None => "Not online",
        }
    }
}

/// How a dossier is submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Trực tiếp (at the counter).
    Counter,
    /// Trực tuyến.
    Online,
    /// Dịch vụ bưu chính công ích.
    Post,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Counter => "counter",
            ChannelKind::Online => "online",
            ChannelKind::Post => "post",
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            ChannelKind::Counter => "Trực tiếp",
            ChannelKind::Online => "Trực tuyến",
            ChannelKind::Post => "Dịch vụ bưu chính",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            ChannelKind::Counter => "In person",
            ChannelKind::Online => "Online",
            ChannelKind::Post => "By post",
        }
    }
    /// The national portal's KenhThucHien code (1 counter, 2 online, 3 post).
    pub fn portal_code(self) -> u8 {
        match self {
            ChannelKind::Counter => 1,
            ChannelKind::Online => 2,
            ChannelKind::Post => 3,
        }
    }
}

/// Unit of a time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    /// Ngày làm việc.
    WorkingDays,
    /// Ngày (calendar days).
    Days,
    /// Giờ làm việc.
    WorkingHours,
}

impl LimitUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            LimitUnit::WorkingDays => "working_days",
            LimitUnit::Days => "days",
            LimitUnit::WorkingHours => "working_hours",
        }
    }
    pub fn parse(s: &str) -> Option<LimitUnit> {
        match s {
            "working_days" => Some(LimitUnit::WorkingDays),
            "days" => Some(LimitUnit::Days),
            "working_hours" => Some(LimitUnit::WorkingHours),
            _ => None,
        }
    }
    pub fn label_vi(self) -> &'static str {
        match self {
            LimitUnit::WorkingDays => "ngày làm việc",
            LimitUnit::Days => "ngày",
            LimitUnit::WorkingHours => "giờ làm việc",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            LimitUnit::WorkingDays => "working days",
            LimitUnit::Days => "days",
            LimitUnit::WorkingHours => "working hours",
        }
    }
}

/// A time limit such as 5 working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    pub value: i64,
    pub unit: LimitUnit,
}

impl Limit {
    /// Approximate length in working hours, to compare limits of different units (8 working
    /// hours a day; 7 calendar days ≈ 5 working days).
    pub fn approx_working_hours(self) -> i64 {
        match self.unit {
            LimitUnit::WorkingHours => self.value,
            LimitUnit::WorkingDays => self.value * 8,
            LimitUnit::Days => self.value * 8 * 5 / 7,
        }
    }
}

/// A submission channel with its time limit and fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub kind: ChannelKind,
    pub time_limit: Limit,
    /// Fees and charges in VND (0 when free).
    pub fee_vnd: i64,
}

/// A document of the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub name: String,
    /// Number of originals (bản chính).
    pub originals: i64,
    /// Number of copies (bản sao).
    pub copies: i64,
    /// Form or template to fill in (mẫu đơn, tờ khai).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
}

/// The publication decision (quyết định công bố) of the province.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    pub number: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// A field (lĩnh vực).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub code: String,
    pub name: String,
}

/// One step of the internal workflow with its time budget (the one-stop desk uses these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowStep {
    pub name: String,
    /// `one_stop_officer`, `specialist`, `unit_head` or `leader`.
    pub role: String,
    pub budget: Limit,
}

/// One version of a procedure, in the file format of `congso import procedures`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureSpec {
    pub code: String,
    pub name: String,
    pub field: Field,
    pub level: Level,
    /// The unit that publishes and is responsible for the procedure (agency code).
    pub unit: String,
    pub online: OnlineLevel,
    pub channels: Vec<Channel>,
    pub documents: Vec<Document>,
    pub steps: Vec<String>,
    pub applicants: String,
    pub result: String,
    pub legal_basis: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirements: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_note: Option<String>,
    /// Cơ quan thực hiện, as text (e.g. "Ủy ban nhân dân cấp xã").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementing: Option<String>,
    /// Cơ quan có thẩm quyền quyết định, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competent_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<Publication>,
    /// First day the (latest) legal basis applies, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<String>,
    /// Receipts after this time (`HH:MM`) count from the next working day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intake_cutoff: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workflow: Vec<WorkflowStep>,
}

/// What is wrong with a procedure: the field (JSON path) and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for SpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn err(field: impl Into<String>, message: impl Into<String>) -> SpecError {
    SpecError {
        field: field.into(),
        message: message.into(),
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && {
            let m: u8 = s[5..7].parse().unwrap_or(0);
            let d: u8 = s[8..10].parse().unwrap_or(0);
            (1..=12).contains(&m) && (1..=31).contains(&d)
        }
}

/// Whether a procedure code looks like `d.dddddd` plus an optional agency suffix.
pub fn valid_code(code: &str) -> bool {
    let mut parts = code.split('.');
    let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
        return false;
    };
    a.len() == 1
        && a.bytes().all(|c| c.is_ascii_digit())
        && b.len() == 6
        && b.bytes().all(|c| c.is_ascii_digit())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 6 && p.bytes().all(|c| c.is_ascii_alphanumeric()))
        && code.len() <= 64
}

impl ProcedureSpec {
    /// The shortest time limit among the channels (what a citizen is told first).
    pub fn shortest_limit(&self) -> Option<Limit> {
        self.channels
            .iter()
            .map(|c| c.time_limit)
            .min_by_key(|l| (l.approx_working_hours(), l.unit))
    }

    /// The channel of a kind, if offered.
    pub fn channel(&self, kind: ChannelKind) -> Option<&Channel> {
        self.channels.iter().find(|c| c.kind == kind)
    }

    /// Checks the shape rules and the mandatory components (NĐ 63/2010 Art. 8 cl. 2): name, steps,
    /// channels, documents, time limit, applicants, implementing unit, result. Returns the first
    /// problem found.
    pub fn validate(&self) -> Result<(), SpecError> {
        if !valid_code(&self.code) {
            return Err(err(
                "code",
                "mã thủ tục phải có dạng 1.001193 hoặc 1.001193.000.00.00.H57 (code must look like 1.001193[.suffix])",
            ));
        }
        let text = |name: &str, v: &str, max: usize| -> Result<(), SpecError> {
            if v.trim().is_empty() {
                Err(err(name, "bắt buộc (required)"))
            } else if v.chars().count() > max {
                Err(err(
                    name,
                    format!("dài quá {max} ký tự (longer than {max} characters)"),
                ))
            } else {
                Ok(())
            }
        };
        text("name", &self.name, 1000)?;
        text("field.code", &self.field.code, 64)?;
        text("field.name", &self.field.name, 300)?;
        text("unit", &self.unit, 64)?;
        text("applicants", &self.applicants, 5000)?;
        text("result", &self.result, 5000)?;
        if self.channels.is_empty() {
            return Err(err(
                "channels",
                "cần ít nhất một cách thức thực hiện (at least one channel)",
            ));
        }
        let mut seen = vec![];
        for (i, c) in self.channels.iter().enumerate() {
            if seen.contains(&c.kind) {
                return Err(err(
                    format!("channels[{i}].kind"),
                    "cách thức bị lặp (duplicate channel)",
                ));
            }
            seen.push(c.kind);
            if c.time_limit.value < 0 {
                return Err(err(
                    format!("channels[{i}].time_limit.value"),
                    "thời hạn không được âm (negative time limit)",
                ));
            }
            if c.time_limit.value > 3650 {
                return Err(err(
                    format!("channels[{i}].time_limit.value"),
                    "thời hạn quá lớn (time limit too large)",
                ));
            }
            if c.fee_vnd < 0 {
                return Err(err(
                    format!("channels[{i}].fee_vnd"),
                    "phí, lệ phí không được âm (negative fee)",
                ));
            }
            if c.kind == ChannelKind::Online && self.online == OnlineLevel::None {
                return Err(err(
                    format!("channels[{i}].kind"),
                    "có kênh trực tuyến nhưng online = none (online channel but online is none)",
                ));
            }
        }
        if self.documents.is_empty() {
            return Err(err(
                "documents",
                "cần ít nhất một thành phần hồ sơ (at least one document)",
            ));
        }
        for (i, d) in self.documents.iter().enumerate() {
            text(&format!("documents[{i}].name"), &d.name, 2000)?;
            if d.originals < 0 || d.copies < 0 {
                return Err(err(
                    format!("documents[{i}]"),
                    "số bản không được âm (negative count)",
                ));
            }
        }
        if self.steps.iter().all(|s| s.trim().is_empty()) {
            return Err(err("steps", "cần trình tự thực hiện (steps required)"));
        }
        if self.legal_basis.iter().all(|s| s.trim().is_empty()) {
            return Err(err(
                "legal_basis",
                "cần căn cứ pháp lý (legal basis required)",
            ));
        }
        if let Some(p) = &self.publication {
            text("publication.number", &p.number, 200)?;
            if !is_date(&p.date) {
                return Err(err(
                    "publication.date",
                    "ngày phải có dạng YYYY-MM-DD (date must be YYYY-MM-DD)",
                ));
            }
        }
        if let Some(d) = &self.effective_from
            && !is_date(d)
        {
            return Err(err(
                "effective_from",
                "ngày phải có dạng YYYY-MM-DD (date must be YYYY-MM-DD)",
            ));
        }
        if let Some(t) = &self.intake_cutoff {
            let ok = t.len() == 5
                && t.as_bytes()[2] == b':'
                && t[..2].parse::<u8>().is_ok_and(|h| h < 24)
                && t[3..].parse::<u8>().is_ok_and(|m| m < 60);
            if !ok {
                return Err(err(
                    "intake_cutoff",
                    "giờ phải có dạng HH:MM (time must be HH:MM)",
                ));
            }
        }
        if !self.workflow.is_empty() {
            let mut total = 0;
            for (i, w) in self.workflow.iter().enumerate() {
                text(&format!("workflow[{i}].name"), &w.name, 300)?;
                if !matches!(
                    w.role.as_str(),
                    "one_stop_officer" | "specialist" | "unit_head" | "leader"
                ) {
                    return Err(err(
                        format!("workflow[{i}].role"),
                        "vai trò không hợp lệ (invalid role)",
                    ));
                }
                if w.budget.value < 1 {
                    return Err(err(
                        format!("workflow[{i}].budget.value"),
                        "phải từ 1 trở lên (must be at least 1)",
                    ));
                }
                total += match w.budget.unit {
                    LimitUnit::WorkingHours => w.budget.value,
                    LimitUnit::WorkingDays => w.budget.value * 8,
                    LimitUnit::Days => {
                        return Err(err(
                            format!("workflow[{i}].budget.unit"),
                            "dùng giờ hoặc ngày làm việc (use working hours or days)",
                        ));
                    }
                };
            }
            if let Some(counter) = self.channel(ChannelKind::Counter).or(self.channels.first()) {
                let limit = counter.time_limit;
                let expected = match limit.unit {
                    LimitUnit::WorkingHours => Some(limit.value),
                    LimitUnit::WorkingDays => Some(limit.value * 8),
                    LimitUnit::Days => None,
                };
                if let Some(expected) = expected
                    && expected != total
                {
                    return Err(err(
                        "workflow",
                        format!(
                            "tổng thời gian các bước ({total} giờ) khác thời hạn ({expected} giờ làm việc) (step budgets add up to {total} h, the limit is {expected} h)"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The seven mandatory components of NĐ 63/2010 Art. 8 cl. 2 that QĐ 766 indicator 1.3 checks:
    /// name, steps, channels, documents, time limit, applicants, implementing unit.
    pub fn has_complete_components(&self) -> bool {
        !self.name.trim().is_empty()
            && self.steps.iter().any(|s| !s.trim().is_empty())
            && !self.channels.is_empty()
            && !self.documents.is_empty()
            && self.channels.iter().all(|c| c.time_limit.value >= 0)
            && !self.applicants.trim().is_empty()
            && (!self.unit.trim().is_empty()
                || self
                    .implementing
                    .as_deref()
                    .is_some_and(|s| !s.trim().is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn sample() -> ProcedureSpec {
        ProcedureSpec {
            code: "1.001193.000.00.00.H57".into(),
            name: "Đăng ký khai sinh".into(),
            field: Field {
                code: "HT".into(),
                name: "Hộ tịch".into(),
            },
            level: Level::Commune,
            unit: "000.00.00.H57".into(),
            online: OnlineLevel::Full,
            channels: vec![
                Channel {
                    kind: ChannelKind::Counter,
                    time_limit: Limit {
                        value: 8,
                        unit: LimitUnit::WorkingHours,
                    },
                    fee_vnd: 0,
                },
                Channel {
                    kind: ChannelKind::Online,
                    time_limit: Limit {
                        value: 8,
                        unit: LimitUnit::WorkingHours,
                    },
                    fee_vnd: 0,
                },
            ],
            documents: vec![Document {
                name: "Tờ khai đăng ký khai sinh".into(),
                originals: 1,
                copies: 0,
                form: None,
            }],
            steps: vec!["Nộp hồ sơ".into(), "Trả kết quả".into()],
            applicants: "Công dân Việt Nam".into(),
            result: "Giấy khai sinh".into(),
            legal_basis: vec!["Luật Hộ tịch số 60/2014/QH13".into()],
            requirements: None,
            fee_note: None,
            implementing: Some("Ủy ban nhân dân cấp xã".into()),
            competent_unit: None,
            publication: None,
            effective_from: None,
            intake_cutoff: Some("15:00".into()),
            workflow: vec![
                WorkflowStep {
                    name: "Tiếp nhận".into(),
                    role: "one_stop_officer".into(),
                    budget: Limit {
                        value: 2,
                        unit: LimitUnit::WorkingHours,
                    },
                },
                WorkflowStep {
                    name: "Xử lý".into(),
                    role: "specialist".into(),
                    budget: Limit {
                        value: 6,
                        unit: LimitUnit::WorkingHours,
                    },
                },
            ],
        }
    }

    #[test]
    fn a_good_spec_validates_and_round_trips() {
        let s = sample();
        assert_eq!(s.validate(), Ok(()));
        assert!(s.has_complete_components());
        let json = serde_json::to_string(&s).expect("json");
        assert_eq!(
            serde_json::from_str::<ProcedureSpec>(&json).expect("parse"),
            s
        );
        assert_eq!(
            s.shortest_limit(),
            Some(Limit {
                value: 8,
                unit: LimitUnit::WorkingHours
            })
        );
    }

    #[test]
    fn problems_name_their_field() {
        let mut s = sample();
        s.channels[0].fee_vnd = -1;
        assert_eq!(
            s.validate().map_err(|e| e.field),
            Err("channels[0].fee_vnd".into())
        );
        let mut s = sample();
        s.channels[1].time_limit.value = -2;
        assert_eq!(
            s.validate().map_err(|e| e.field),
            Err("channels[1].time_limit.value".into())
        );
        let mut s = sample();
        s.applicants = " ".into();
        assert_eq!(s.validate().map_err(|e| e.field), Err("applicants".into()));
        let mut s = sample();
        s.workflow[1].budget.value = 5;
        assert_eq!(s.validate().map_err(|e| e.field), Err("workflow".into()));
        let mut s = sample();
        s.code = "khai-sinh".into();
        assert_eq!(s.validate().map_err(|e| e.field), Err("code".into()));
        let mut s = sample();
        s.online = OnlineLevel::None;
        assert_eq!(
            s.validate().map_err(|e| e.field),
            Err("channels[1].kind".into())
        );
        let bad = serde_json::from_str::<ProcedureSpec>(r#"{"code":"1.000001","extra":1}"#);
        assert!(bad.is_err());
    }

    #[test]
    fn codes() {
        assert!(valid_code("1.001193"));
        assert!(valid_code("1.001193.000.00.00.H57"));
        assert!(valid_code("2.000815.000.00.00.H55.02"));
        assert!(!valid_code("1.1193"));
        assert!(!valid_code("1.001193..H57"));
    }
}
