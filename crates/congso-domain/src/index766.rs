//! The QĐ 766/QĐ-TTg index (domain-rules §2.4): five groups, 100 points, computed from counts that
//! congso keeps (the catalogue, the dossiers and their ratings, the petitions).
//!
//! Scoring rules:
//! - rate = numerator / denominator (shown in percent, 2 decimals); no denominator ⇒ no rate;
//! - an indicator with a threshold (3.1, 3.5, 4.2, 4.3: 80%; 3.3: 50%; 5.4: 90%) earns its full
//!   points at or above it and `rate × max / threshold` below; the others earn `rate × max`;
//! - the split of a group's points among its indicators is not published [U]: it is the setting
//!   `index_766_weights` (a JSON object code → points, validated so each group still sums to its
//!   maximum), default [`Weights::shipped`];
//! - an indicator congso has no data for (1.4 DVCQG sync, 3.5/3.6 online payment, 4.3/4.4 reuse
//!   and the citizen's data store, 4.5 the population database) is `measured: false` and scores
//!   0: the total is a lower bound and never invents numbers. An indicator with nothing to count
//!   in the period (denominator 0) also scores 0. `assessable_max` sums the points of the
//!   indicators that were actually assessed, and `normalised` = total × 100 / assessable_max is
//!   the score over what congso could check.
//!
//! Indicator codes follow the official formula description, which numbers online services 3.x
//! and digitisation 4.x; the groups are listed in the order of the decision's table.

use std::collections::BTreeMap;
use std::ops::AddAssign;

use serde::{Deserialize, Serialize};

/// One of the five groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Disclosure,
    Progress,
    Digitisation,
    Online,
    Satisfaction,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Disclosure,
        Group::Progress,
        Group::Digitisation,
        Group::Online,
        Group::Satisfaction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Group::Disclosure => "disclosure",
            Group::Progress => "progress",
            Group::Digitisation => "digitisation",
            Group::Online => "online",
            Group::Satisfaction => "satisfaction",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Group::Disclosure => "Công khai, minh bạch",
            Group::Progress => "Tiến độ, kết quả giải quyết",
            Group::Digitisation => "Số hóa hồ sơ",
            Group::Online => "Cung cấp dịch vụ trực tuyến",
            Group::Satisfaction => "Mức độ hài lòng",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Group::Disclosure => "Disclosure and transparency",
            Group::Progress => "Progress and results",
            Group::Digitisation => "Digitisation of dossiers",
            Group::Online => "Online service provision",
            Group::Satisfaction => "Satisfaction",
        }
    }

    /// The group's points in the decision [V].
    pub fn max_points(self) -> f64 {
        match self {
            Group::Disclosure => 18.0,
            Group::Progress => 20.0,
            Group::Digitisation => 22.0,
            Group::Online => 22.0,
            Group::Satisfaction => 18.0,
        }
    }
}

/// The definition of an indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Definition {
    pub code: &'static str,
    pub group: Group,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    /// The rate at which the full points are earned (a fraction), if any.
    pub threshold: Option<f64>,
    /// Whether congso has the data.
    pub measured: bool,
    /// The default points [U].
    pub default_points: f64,
    /// What the numbers are, in Vietnamese.
    pub note_vi: &'static str,
    pub note_en: &'static str,
}

// A table row in positional form keeps `INDICATORS` readable.
#[allow(clippy::too_many_arguments)]
const fn def(
    code: &'static str,
    group: Group,
    name_vi: &'static str,
    name_en: &'static str,
    threshold: Option<f64>,
    measured: bool,
    default_points: f64,
    note_vi: &'static str,
    note_en: &'static str,
) -> Definition {
    Definition {
        code,
        group,
        name_vi,
        name_en,
        threshold,
        measured,
        default_points,
        note_vi,
        note_en,
    }
}

/// Every indicator congso reports, in display order.
pub const INDICATORS: [Definition; 19] = [
    def(
        "1.1",
        Group::Disclosure,
        "TTHC được công bố đúng hạn",
        "Procedures published on time",
        None,
        true,
        5.0,
        "TTHC có quyết định công bố trong kỳ: đúng hạn khi ngày công bố sớm hơn ngày có hiệu lực ít nhất 5 ngày làm việc.",
        "Procedures whose publication decision falls in the period; on time when dated at least 5 working days before the effective date.",
    ),
    def(
        "1.2",
        Group::Disclosure,
        "TTHC được cập nhật, công khai đúng hạn",
        "Procedures disclosed on time",
        None,
        true,
        4.0,
        "TTHC có quyết định công bố trong kỳ: đúng hạn khi công khai trên congso trong 5 ngày làm việc sau quyết định.",
        "Procedures whose publication decision falls in the period; on time when made public in congso within 5 working days.",
    ),
    def(
        "1.3",
        Group::Disclosure,
        "TTHC có đầy đủ thành phần bắt buộc",
        "Procedures with all mandatory components",
        None,
        true,
        4.0,
        "TTHC đang công bố có đủ 7 thành phần bắt buộc (NĐ 63/2010, Điều 8 khoản 2).",
        "Published procedures with the seven mandatory components (Decree 63/2010 Art. 8 cl. 2).",
    ),
    def(
        "1.4",
        Group::Disclosure,
        "Hồ sơ được đồng bộ lên Cổng DVCQG",
        "Dossiers synchronised to the national portal",
        None,
        false,
        5.0,
        "Chưa đo: congso chưa kết nối đồng bộ với Cổng Dịch vụ công quốc gia; không tính điểm.",
        "Not measured: congso does not synchronise with the national portal; scores 0.",
    ),
    def(
        "2.1",
        Group::Progress,
        "Hồ sơ giải quyết trước hạn, đúng hạn",
        "Dossiers handled early or on time",
        None,
        true,
        20.0,
        "(Đã giải quyết trước hạn + đúng hạn + đang giải quyết trong hạn) / (đã giải quyết + đang giải quyết) trong kỳ, theo Biểu II.06a.",
        "(Resolved early + on time + in progress within the deadline) / (resolved + in progress) in the period, from form II.06a.",
    ),
    def(
        "4.1",
        Group::Digitisation,
        "Hồ sơ có kết quả điện tử",
        "Dossiers with an electronic result",
        None,
        true,
        5.0,
        "Hồ sơ đã giải quyết trong kỳ có tệp kết quả điện tử / hồ sơ đã giải quyết trong kỳ.",
        "Dossiers resolved in the period with an electronic result file / dossiers resolved in the period.",
    ),
    def(
        "4.2",
        Group::Digitisation,
        "Hồ sơ được số hóa",
        "Dossiers digitised",
        Some(0.8),
        true,
        6.0,
        "Hồ sơ tiếp nhận trong kỳ có thành phần lưu dạng tệp (nộp trực tuyến hoặc đính kèm) / hồ sơ tiếp nhận trong kỳ. Đạt 80% được đủ điểm.",
        "Dossiers received in the period whose documents are stored as files / dossiers received. Full points from 80%.",
    ),
    def(
        "4.3",
        Group::Digitisation,
        "Tái sử dụng dữ liệu số hóa",
        "Reuse of digitised data",
        Some(0.8),
        false,
        4.0,
        "Chưa đo: congso chưa ghi nhận việc tái sử dụng giấy tờ đã số hóa; không tính điểm.",
        "Not measured: congso does not record the reuse of digitised documents; scores 0.",
    ),
    def(
        "4.4",
        Group::Digitisation,
        "Số hóa và liên kết kho dữ liệu cá nhân",
        "Digitised and linked to the citizen's data store",
        None,
        false,
        3.0,
        "Chưa đo: congso chưa liên kết kho dữ liệu cá nhân trên Cổng DVCQG; không tính điểm.",
        "Not measured: no link to the citizen's data store on the national portal; scores 0.",
    ),
    def(
        "4.5",
        Group::Digitisation,
        "Khai thác Cơ sở dữ liệu quốc gia về dân cư",
        "Use of the national population database",
        None,
        false,
        4.0,
        "Chưa đo: congso chưa kết nối CSDLQG về dân cư / VNeID; không tính điểm.",
        "Not measured: no connection to the population database / VNeID; scores 0.",
    ),
    def(
        "3.1",
        Group::Online,
        "TTHC cung cấp dịch vụ công trực tuyến",
        "Procedures offered online",
        Some(0.8),
        true,
        6.0,
        "TTHC đang công bố có dịch vụ trực tuyến (toàn trình hoặc một phần) / TTHC đang công bố. Đạt 80% được đủ điểm.",
        "Published procedures offered fully or partly online / published procedures. Full points from 80%.",
    ),
    def(
        "3.2",
        Group::Online,
        "Dịch vụ trực tuyến có phát sinh hồ sơ",
        "Online services that received dossiers",
        None,
        true,
        4.0,
        "TTHC trực tuyến có ít nhất một hồ sơ nộp trực tuyến trong kỳ / TTHC trực tuyến.",
        "Online procedures with at least one online dossier in the period / online procedures.",
    ),
    def(
        "3.3",
        Group::Online,
        "Tỷ lệ hồ sơ trực tuyến",
        "Share of dossiers received online",
        Some(0.5),
        true,
        6.0,
        "Hồ sơ tiếp nhận trực tuyến trong kỳ / hồ sơ tiếp nhận trong kỳ (Biểu II.06a). Đạt 50% được đủ điểm.",
        "Dossiers received online in the period / dossiers received (form II.06a). Full points from 50%.",
    ),
    def(
        "3.5",
        Group::Online,
        "TTHC tích hợp thanh toán trực tuyến",
        "Procedures with online payment",
        Some(0.8),
        false,
        3.0,
        "Chưa đo: congso chưa tích hợp thanh toán trực tuyến; không tính điểm.",
        "Not measured: congso has no online payment; scores 0.",
    ),
    def(
        "3.6",
        Group::Online,
        "Hồ sơ thanh toán trực tuyến",
        "Dossiers paid online",
        None,
        false,
        3.0,
        "Chưa đo: congso chưa tích hợp thanh toán trực tuyến; không tính điểm.",
        "Not measured: congso has no online payment; scores 0.",
    ),
    def(
        "5.2",
        Group::Satisfaction,
        "Tiến độ xử lý phản ánh, kiến nghị",
        "Progress of feedback and recommendations",
        None,
        true,
        6.0,
        "Văn bản xử lý phản ánh, kiến nghị ban hành trong kỳ đúng thời hạn của bước / văn bản xử lý có thời hạn.",
        "Feedback and recommendation documents issued in the period within their stage's deadline / those with a deadline.",
    ),
    def(
        "5.3",
        Group::Satisfaction,
        "Mức độ hài lòng về xử lý phản ánh, kiến nghị",
        "Satisfaction with feedback handling",
        None,
        true,
        6.0,
        "Phản ánh, kiến nghị giải quyết trong kỳ đúng hạn / đã giải quyết trong kỳ (congso chưa ghi nhận ý kiến không hài lòng, khiếu nại lại).",
        "Feedback and recommendations resolved on time in the period / resolved (dislikes and repeat complaints are not recorded).",
    ),
    def(
        "5.4",
        Group::Satisfaction,
        "Mức độ hài lòng trong giải quyết TTHC",
        "Satisfaction with procedures",
        Some(0.9),
        true,
        6.0,
        "100% − (tỷ lệ hồ sơ trễ hạn + tỷ lệ hồ sơ bị đánh giá không hài lòng) trên hồ sơ đã giải quyết trong kỳ. Đạt 90% được đủ điểm.",
        "100% − (late rate + rate of dossiers rated dissatisfied) over dossiers resolved in the period. Full points from 90%.",
    ),
    def(
        "5.1",
        Group::Satisfaction,
        "Phản ánh, kiến nghị về quy định hành chính",
        "Feedback on regulations",
        None,
        true,
        0.0,
        "Để tham khảo (mặc định 0 điểm): phản ánh về quy định hành chính / tổng phản ánh, kiến nghị tiếp nhận trong kỳ.",
        "For information (0 points by default): regulation feedback / feedback and recommendations received in the period.",
    ),
];

/// The definition of an indicator by code.
pub fn definition(code: &str) -> Option<&'static Definition> {
    INDICATORS.iter().find(|d| d.code == code)
}

/// The points of each indicator (the setting `index_766_weights`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Weights(pub BTreeMap<String, f64>);

impl Weights {
    /// The default split [U]: 1.2 = 4 and 5.4 = 6 points as published [V]; 2.1 carries the whole
    /// progress group ("on-time handling up to 20"); the rest split evenly-ish.
    pub fn shipped() -> Weights {
        Weights(
            INDICATORS
                .iter()
                .map(|d| (d.code.to_owned(), d.default_points))
                .collect(),
        )
    }

    /// The points of an indicator (the default when the map does not name it).
    pub fn points(&self, code: &str) -> f64 {
        self.0
            .get(code)
            .copied()
            .or_else(|| definition(code).map(|d| d.default_points))
            .unwrap_or(0.0)
    }

    /// The shipped weights overridden by `self`'s entries.
    pub fn merged(&self) -> Weights {
        let mut w = Weights::shipped();
        for (k, v) in &self.0 {
            w.0.insert(k.clone(), *v);
        }
        w
    }

    /// Known codes, non-negative points, and each group summing to its maximum.
    pub fn validate(&self) -> Result<(), String> {
        for (code, points) in &self.0 {
            if definition(code).is_none() {
                return Err(format!("chỉ số không tồn tại (unknown indicator): {code}"));
            }
            if !points.is_finite() || *points < 0.0 {
                return Err(format!(
                    "điểm không hợp lệ (invalid points) {code}: {points}"
                ));
            }
        }
        for g in Group::ALL {
            let sum: f64 = INDICATORS
                .iter()
                .filter(|d| d.group == g)
                .map(|d| self.points(d.code))
                .sum();
            if (sum - g.max_points()).abs() > 1e-6 {
                return Err(format!(
                    "nhóm {} cộng {sum} điểm, cần {} (group {} sums to {sum}, needs {})",
                    g.name_vi(),
                    g.max_points(),
                    g.as_str(),
                    g.max_points()
                ));
            }
        }
        Ok(())
    }
}

/// The counts an index is computed from; additive, so a subtree's facts are the sum of its units'.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// 1.1: procedures with a publication decision in the period (and both dates), and those on time.
    pub published_n: i64,
    pub published_on_time: i64,
    /// 1.2: procedures with a publication decision in the period disclosed, and those on time.
    pub disclosed_n: i64,
    pub disclosed_on_time: i64,
    /// 1.3, 3.1: published procedures, complete ones, online ones (full or partial).
    pub procedures: i64,
    pub procedures_complete: i64,
    pub procedures_online: i64,
    /// 3.2: online procedures with an online dossier received in the period.
    pub procedures_online_used: i64,
    /// Form II.06a: received in the period by channel; resolved in the period; in progress at its end.
    pub received_online: i64,
    pub received_offline: i64,
    pub resolved_early: i64,
    pub resolved_on_time: i64,
    pub resolved_late: i64,
    pub in_progress_within: i64,
    pub in_progress_overdue: i64,
    /// 4.1: dossiers resolved in the period with an electronic result.
    pub resolved_with_e_result: i64,
    /// 4.2: dossiers received in the period with their documents as files.
    pub received_digitised: i64,
    /// 5.4: dossiers resolved in the period rated "không hài lòng".
    pub resolved_dissatisfied: i64,
    /// 5.1: feedback and recommendations received in the period, those about regulations.
    pub pakn_received: i64,
    pub pakn_regulation: i64,
    /// 5.2: feedback documents issued in the period with a stage deadline, those on time.
    pub pakn_steps: i64,
    pub pakn_steps_on_time: i64,
    /// 5.3: feedback and recommendations resolved in the period, those on time.
    pub pakn_resolved: i64,
    pub pakn_resolved_on_time: i64,
}

impl AddAssign<&Facts> for Facts {
    fn add_assign(&mut self, o: &Facts) {
        self.published_n += o.published_n;
        self.published_on_time += o.published_on_time;
        self.disclosed_n += o.disclosed_n;
        self.disclosed_on_time += o.disclosed_on_time;
        self.procedures += o.procedures;
        self.procedures_complete += o.procedures_complete;
        self.procedures_online += o.procedures_online;
        self.procedures_online_used += o.procedures_online_used;
        self.received_online += o.received_online;
        self.received_offline += o.received_offline;
        self.resolved_early += o.resolved_early;
        self.resolved_on_time += o.resolved_on_time;
        self.resolved_late += o.resolved_late;
        self.in_progress_within += o.in_progress_within;
        self.in_progress_overdue += o.in_progress_overdue;
        self.resolved_with_e_result += o.resolved_with_e_result;
        self.received_digitised += o.received_digitised;
        self.resolved_dissatisfied += o.resolved_dissatisfied;
        self.pakn_received += o.pakn_received;
        self.pakn_regulation += o.pakn_regulation;
        self.pakn_steps += o.pakn_steps;
        self.pakn_steps_on_time += o.pakn_steps_on_time;
        self.pakn_resolved += o.pakn_resolved;
        self.pakn_resolved_on_time += o.pakn_resolved_on_time;
    }
}

impl Facts {
    pub fn resolved(&self) -> i64 {
        self.resolved_early + self.resolved_on_time + self.resolved_late
    }

    pub fn received(&self) -> i64 {
        self.received_online + self.received_offline
    }

    /// (numerator, denominator) of an indicator; `None` for the unmeasured ones.
    pub fn ratio(&self, code: &str) -> Option<(i64, i64)> {
        Some(match code {
            "1.1" => (self.published_on_time, self.published_n),
            "1.2" => (self.disclosed_on_time, self.disclosed_n),
            "1.3" => (self.procedures_complete, self.procedures),
            "2.1" => (
                self.resolved_early + self.resolved_on_time + self.in_progress_within,
                self.resolved() + self.in_progress_within + self.in_progress_overdue,
            ),
            "3.1" => (self.procedures_online, self.procedures),
            "3.2" => (self.procedures_online_used, self.procedures_online),
            "3.3" => (self.received_online, self.received()),
            "4.1" => (self.resolved_with_e_result, self.resolved()),
            "4.2" => (self.received_digitised, self.received()),
            "5.1" => (self.pakn_regulation, self.pakn_received),
            "5.2" => (self.pakn_steps_on_time, self.pakn_steps),
            "5.3" => (self.pakn_resolved_on_time, self.pakn_resolved),
            // 100% − (late + dissatisfied) / resolved, never below 0.
            "5.4" => (
                (self.resolved() - self.resolved_late - self.resolved_dissatisfied).max(0),
                self.resolved(),
            ),
            _ => return None,
        })
    }
}

/// Rounds to 2 decimals.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The points for a rate (a fraction) under the threshold rule.
pub fn points_for(rate: f64, max: f64, threshold: Option<f64>) -> f64 {
    let rate = rate.clamp(0.0, 1.0);
    match threshold {
        Some(t) if rate >= t => max,
        Some(t) => max * rate / t,
        None => max * rate,
    }
}

/// One scored indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    pub code: &'static str,
    pub group: Group,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub measured: bool,
    pub numerator: i64,
    pub denominator: i64,
    /// Percent, 2 decimals; `None` when unmeasured or nothing to count.
    pub rate: Option<f64>,
    /// Percent at which the full points are earned.
    pub threshold: Option<f64>,
    pub points: f64,
    pub max_points: f64,
    pub note_vi: &'static str,
    pub note_en: &'static str,
}

/// A scored group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupScore {
    pub group: Group,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    pub points: f64,
    pub max_points: f64,
    /// The points of the indicators assessed (measured, something to count).
    pub assessable_max: f64,
    pub indicators: Vec<Score>,
}

/// The index of one unit (or subtree) for one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index {
    pub total: f64,
    pub max_total: f64,
    pub assessable_max: f64,
    /// total × 100 / assessable_max (`None` when nothing was assessable).
    pub normalised: Option<f64>,
    pub groups: Vec<GroupScore>,
}

/// Scores the facts with the weights.
pub fn score(facts: &Facts, weights: &Weights) -> Index {
    let mut groups = Vec::new();
    for g in Group::ALL {
        let mut gs = GroupScore {
            group: g,
            name_vi: g.name_vi(),
            name_en: g.name_en(),
            points: 0.0,
            max_points: g.max_points(),
            assessable_max: 0.0,
            indicators: Vec::new(),
        };
        for d in INDICATORS.iter().filter(|d| d.group == g) {
            let max = weights.points(d.code);
            let ratio = if d.measured {
                facts.ratio(d.code)
            } else {
                None
            };
            let (numerator, denominator) = ratio.unwrap_or((0, 0));
            let (rate, points) = if denominator > 0 {
                let r = numerator as f64 / denominator as f64;
                gs.assessable_max += max;
                (Some(round2(r * 100.0)), points_for(r, max, d.threshold))
            } else {
                (None, 0.0)
            };
            gs.points += points;
            gs.indicators.push(Score {
                code: d.code,
                group: g,
                name_vi: d.name_vi,
                name_en: d.name_en,
                measured: d.measured,
                numerator,
                denominator,
                rate,
                threshold: d.threshold.map(|t| round2(t * 100.0)),
                points: round2(points),
                max_points: max,
                note_vi: d.note_vi,
                note_en: d.note_en,
            });
        }
        gs.points = round2(gs.points);
        groups.push(gs);
    }
    let total = round2(groups.iter().map(|g| g.points).sum());
    let assessable_max = round2(groups.iter().map(|g| g.assessable_max).sum());
    Index {
        total,
        max_total: 100.0,
        assessable_max,
        normalised: (assessable_max > 0.0).then(|| round2(total * 100.0 / assessable_max)),
        groups,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_weights_sum_to_the_groups() {
        Weights::shipped().validate().expect("shipped weights");
        let total: f64 = INDICATORS.iter().map(|d| d.default_points).sum();
        assert_eq!(total, 100.0);
    }

    #[test]
    fn thresholds() {
        assert_eq!(points_for(0.8, 6.0, Some(0.8)), 6.0);
        assert_eq!(points_for(0.95, 6.0, Some(0.8)), 6.0);
        assert!((points_for(0.4, 6.0, Some(0.8)) - 3.0).abs() < 1e-9);
        assert!((points_for(0.25, 6.0, Some(0.5)) - 3.0).abs() < 1e-9);
        assert!((points_for(0.45, 6.0, Some(0.9)) - 3.0).abs() < 1e-9);
        assert!((points_for(0.5, 20.0, None) - 10.0).abs() < 1e-9);
        assert_eq!(points_for(1.5, 4.0, None), 4.0);
    }

    #[test]
    fn weights_validation() {
        let mut w = Weights::shipped();
        w.0.insert("1.1".into(), 6.0);
        assert!(w.validate().is_err());
        w.0.insert("1.4".into(), 4.0);
        w.validate().expect("moved within group 1");
        let bad = Weights([("9.9".to_owned(), 1.0)].into_iter().collect());
        assert!(bad.validate().is_err());
        let neg = Weights([("1.1".to_owned(), -1.0)].into_iter().collect());
        assert!(neg.validate().is_err());
        // A partial map merges over the defaults.
        let partial = Weights([("2.1".to_owned(), 20.0)].into_iter().collect());
        partial.validate().expect("partial");
        assert_eq!(partial.merged().points("1.2"), 4.0);
    }

    #[test]
    fn scores_a_small_history() {
        let f = Facts {
            procedures: 10,
            procedures_complete: 9,
            procedures_online: 6,
            procedures_online_used: 3,
            received_online: 2,
            received_offline: 6,
            resolved_early: 2,
            resolved_on_time: 3,
            resolved_late: 1,
            in_progress_within: 1,
            in_progress_overdue: 1,
            resolved_dissatisfied: 1,
            ..Facts::default()
        };
        let ix = score(&f, &Weights::shipped());
        let by = |c: &str| {
            ix.groups
                .iter()
                .flat_map(|g| &g.indicators)
                .find(|s| s.code == c)
                .expect("indicator")
                .clone()
        };
        // 1.3: 9/10 × 4 = 3.6.
        assert_eq!(by("1.3").points, 3.6);
        // 2.1: (2 + 3 + 1) / (6 + 2) = 75% × 20 = 15.
        let s = by("2.1");
        assert_eq!((s.numerator, s.denominator, s.rate), (6, 8, Some(75.0)));
        assert_eq!(s.points, 15.0);
        // 3.1: 60% under the 80% threshold → 6 × 0.6 / 0.8 = 4.5.
        assert_eq!(by("3.1").points, 4.5);
        // 3.3: 25% under 50% → 3.
        assert_eq!(by("3.3").points, 3.0);
        // 5.4: (6 − 1 − 1) / 6 = 66.67% under 90% → 6 × 0.6667 / 0.9 = 4.44.
        let s = by("5.4");
        assert_eq!((s.numerator, s.denominator), (4, 6));
        assert_eq!(s.points, 4.44);
        // Unmeasured ones score nothing and do not count towards the assessable maximum.
        let s = by("1.4");
        assert!(!s.measured);
        assert_eq!((s.points, s.rate), (0.0, None));
        // No publications in the period: nothing to assess.
        assert_eq!(by("1.1").rate, None);
        let g1 = &ix.groups[0];
        assert_eq!(g1.assessable_max, 4.0);
        assert!(ix.total > 0.0 && ix.total < ix.assessable_max);
        assert_eq!(
            ix.normalised,
            Some(round2(ix.total * 100.0 / ix.assessable_max))
        );
    }

    #[test]
    fn facts_add_up() {
        let mut a = Facts {
            procedures: 1,
            pakn_resolved: 2,
            ..Facts::default()
        };
        a += &Facts {
            procedures: 2,
            pakn_resolved: 1,
            ..Facts::default()
        };
        assert_eq!((a.procedures, a.pakn_resolved), (3, 3));
    }
}
