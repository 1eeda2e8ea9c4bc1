//! The public statistics page `/thong-ke` (no login): per unit and year, server-rendered SVG charts
//! (each with `<title>`, `<desc>` and a data table beside it; no JavaScript), and the open data
//! export of the same aggregates (`/thong-ke/du-lieu.csv`, `/thong-ke/du-lieu.json`).

use std::collections::HashMap;
use std::fmt::Write as _;

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use congso_app::AppError;
use congso_app::dossiers::UnitRef;
use congso_app::statistics::{self, Statistics};
use congso_domain::ErrorCode;

use super::Page;
use crate::ctx::Ctx;
use crate::error::WebResult;
use crate::state::AppState;

/// XML/HTML text escaping for the hand-written SVG.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
    s.replace('.', ",")
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{}%", num(v)))
        .unwrap_or_else(|| "—".to_owned())
}

/// A "nice" upper bound for an axis.
fn nice_max(v: f64) -> f64 {
    if v <= 5.0 {
        return 5.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= v {
            return m * mag;
        }
    }
    10.0 * mag
}

const TEXT: &str = "#1a1a1a";
const BLUE: &str = "#1f5fa8";
const GREEN: &str = "#2e6b30";
const TRACK: &str = "#dde3ea";

fn svg_open(id: &str, w: u32, h: u32, title: &str, desc: &str) -> String {
    format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// Vertical bars per category, one colour per series; values above the bars.
fn bar_chart(
    id: &str,
    title: &str,
    desc: &str,
    labels: &[String],
    series: &[(&str, &str, Vec<Option<f64>>)],
    fixed_max: Option<f64>,
    suffix: &str,
) -> String {
    let (w, h, left, bottom, top) = (680.0, 280.0, 44.0, 56.0, 16.0);
    let plot_h = h - bottom - top;
    let max = fixed_max.unwrap_or_else(|| {
        nice_max(
            series
                .iter()
                .flat_map(|s| s.2.iter().copied().flatten())
                .fold(0.0, f64::max),
        )
    });
    let mut s = svg_open(id, w as u32, h as u32, title, desc);
    // Axis and grid.
    for i in 0..=4 {
        let v = max * f64::from(i) / 4.0;
        let y = top + plot_h - plot_h * f64::from(i) / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{TRACK}\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"{TEXT}\">{}</text>",
            w - 8.0,
            left - 4.0,
            y + 4.0,
            esc(&num(v))
        );
    }
    let n = labels.len().max(1) as f64;
    let slot = (w - left - 8.0) / n;
    let k = series.len().max(1) as f64;
    let bw = (slot * 0.8 / k).min(28.0);
    for (i, label) in labels.iter().enumerate() {
        let x0 = left + slot * i as f64 + (slot - bw * k) / 2.0;
        for (j, (_, colour, values)) in series.iter().enumerate() {
            let value = values.get(i).copied().flatten();
            let v = value.unwrap_or(0.0);
            let shown = value.map_or_else(|| "—".to_owned(), |v| format!("{}{suffix}", num(v)));
            let bh = if max > 0.0 {
                plot_h * (v / max).min(1.0)
            } else {
                0.0
            };
            let x = x0 + bw * j as f64;
            let y = top + plot_h - bh;
            let _ = write!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{TEXT}\">{}</text>",
                (bw - 2.0).max(1.0),
                x + bw / 2.0,
                y - 3.0,
                esc(&shown)
            );
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{TEXT}\">{}</text>",
            left + slot * i as f64 + slot / 2.0,
            top + plot_h + 16.0,
            esc(label)
        );
    }
    // Legend.
    let mut lx = left;
    for (name, colour, _) in series {
        let _ = write!(
            s,
            "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{TEXT}\">{}</text>",
            h - 22.0,
            lx + 16.0,
            h - 12.0,
            esc(name)
        );
        lx += 24.0 + 8.0 * name.chars().count() as f64;
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars: value out of a maximum per line.
fn hbar_chart(id: &str, title: &str, desc: &str, lines: &[(String, f64, f64, String)]) -> String {
    let (w, row, left) = (680.0, 30.0, 250.0);
    let h = 12.0 + row * lines.len().max(1) as f64;
    let mut s = svg_open(id, w as u32, h as u32, title, desc);
    let bar_w = w - left - 90.0;
    for (i, (label, value, max, text)) in lines.iter().enumerate() {
        let y = 8.0 + row * i as f64;
        let filled = if *max > 0.0 {
            bar_w * (value / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\" fill=\"{TEXT}\">{}</text><rect x=\"{left}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"18\" fill=\"{TRACK}\"/><rect x=\"{left}\" y=\"{y:.1}\" width=\"{filled:.1}\" height=\"18\" fill=\"{BLUE}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{TEXT}\">{}</text>",
            left - 6.0,
            y + 13.0,
            esc(label),
            left + bar_w + 6.0,
            y + 13.0,
            esc(text)
        );
    }
    s.push_str("</svg>");
    s
}

pub struct MonthRow {
    pub month: String,
    pub received: i64,
    pub resolved: i64,
    pub on_time: i64,
    pub rate: String,
}

pub struct GroupRow {
    pub name: String,
    pub points: String,
    pub max: String,
    pub assessable: String,
}

pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub total: String,
    pub normalised: String,
}

pub struct TargetRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub goal: String,
    pub value: String,
    pub progress: String,
    pub achieved: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "statistics.html")]
pub struct StatisticsPage {
    pub page: Page,
    pub units: Vec<UnitRef>,
    pub years: Vec<i32>,
    pub sel_unit: String,
    pub year: i32,
    pub scope: String,
    pub period: String,
    pub on_time: String,
    pub on_time_detail: String,
    pub directives: String,
    pub directives_detail: String,
    pub petitions: String,
    pub petitions_detail: String,
    pub index_total: String,
    pub index_detail: String,
    pub months: Vec<MonthRow>,
    pub chart_flow: String,
    pub chart_rate: String,
    pub groups: Vec<GroupRow>,
    pub chart_766: String,
    pub unit_rows: Vec<UnitRow>,
    pub targets: Vec<TargetRow>,
    pub chart_targets: String,
    pub data_query: String,
}

fn filters(q: &HashMap<String, String>) -> WebResult<(Option<i32>, Option<String>)> {
    let year = match q.get("nam").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        Some(y) => Some(
            y.parse::<i32>()
                .map_err(|_| AppError::new(ErrorCode::InvalidDate).with_detail(y.to_owned()))?,
        ),
        None => None,
    };
    let unit = q
        .get("don-vi")
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    Ok((year, unit))
}

fn month_label(m: &str) -> String {
    // `YYYY-MM` → `T3` (tháng 3).
    m.rsplit('-')
        .next()
        .and_then(|x| x.parse::<u8>().ok())
        .map(|x| format!("T{x}"))
        .unwrap_or_else(|| m.to_owned())
}

/// `GET /thong-ke?don-vi=&nam=`.
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<StatisticsPage> {
    let (year, unit) = filters(&q)?;
    let s = statistics::public(&st.app, year, unit.as_deref()).await?;
    let t = congso_web_messages(&ctx);
    let labels: Vec<String> = s.months.iter().map(|m| month_label(&m.month)).collect();
    let scope = s
        .unit
        .as_ref()
        .map(|u| format!("{} ({})", u.name, u.code))
        .unwrap_or_else(|| t.get("stats-province").to_owned());
    let chart_flow = bar_chart(
        "c-flow",
        &format!("{} — {} {}", t.get("stats-flow"), scope, s.year),
        &s.months
            .iter()
            .map(|m| {
                format!(
                    "{}: {} {}, {} {}",
                    m.month,
                    m.received,
                    t.get("stats-received"),
                    m.resolved,
                    t.get("stats-resolved")
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        &labels,
        &[
            (
                t.get("stats-received"),
                BLUE,
                s.months.iter().map(|m| Some(m.received as f64)).collect(),
            ),
            (
                t.get("stats-resolved"),
                GREEN,
                s.months.iter().map(|m| Some(m.resolved as f64)).collect(),
            ),
        ],
        None,
        "",
    );
    let chart_rate = bar_chart(
        "c-rate",
        &format!("{} — {} {}", t.get("stats-on-time-rate"), scope, s.year),
        &s.months
            .iter()
            .map(|m| format!("{}: {}", m.month, pct(m.on_time_rate)))
            .collect::<Vec<_>>()
            .join("; "),
        &labels,
        &[(
            t.get("stats-on-time-rate"),
            BLUE,
            s.months.iter().map(|m| m.on_time_rate).collect(),
        )],
        Some(100.0),
        "%",
    );
    let group_lines: Vec<(String, f64, f64, String)> = s
        .index
        .index
        .groups
        .iter()
        .map(|g| {
            (
                if ctx.lang.tag() == "en" {
                    g.name_en
                } else {
                    g.name_vi
                }
                .to_owned(),
                g.points,
                g.max_points,
                format!("{} / {}", num(g.points), num(g.max_points)),
            )
        })
        .collect();
    let chart_766 = hbar_chart(
        "c-766",
        &format!("{} — {} {}", t.get("stats-766"), scope, s.year),
        &group_lines
            .iter()
            .map(|(n, _, _, v)| format!("{n}: {v}"))
            .collect::<Vec<_>>()
            .join("; "),
        &group_lines,
    );
    let target_lines: Vec<(String, f64, f64, String)> = s
        .targets
        .iter()
        .map(|x| {
            (
                format!("{} {}", x.code, x.name.chars().take(30).collect::<String>()),
                x.progress.unwrap_or(0.0),
                100.0,
                pct(x.progress),
            )
        })
        .collect();
    let chart_targets = hbar_chart(
        "c-targets",
        t.get("stats-targets"),
        &s.targets
            .iter()
            .map(|x| {
                format!(
                    "{}: {} / {}{}",
                    x.name,
                    x.value.map(num).unwrap_or_else(|| "—".into()),
                    num(x.goal),
                    x.measure_unit
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        &target_lines,
    );
    let today = st.app.today();
    let mut data_pairs = vec![("nam", s.year.to_string())];
    if let Some(u) = &unit {
        data_pairs.push(("don-vi", u.clone()));
    }
    let page = StatisticsPage {
        page: Page::new(&ctx, "stats-title"),
        units: statistics::units(&st.app).await?,
        years: (2020..=today.year()).rev().collect(),
        sel_unit: unit.unwrap_or_default(),
        year: s.year,
        period: format!(
            "{} – {}",
            congso_domain::time_vn::format_date_vi(s.from),
            congso_domain::time_vn::format_date_vi(s.to)
        ),
        scope,
        on_time: pct(s.on_time.rate),
        on_time_detail: format!("{} / {}", s.on_time.numerator, s.on_time.denominator),
        directives: pct(s.directives.rate),
        directives_detail: format!("{} / {}", s.directives.numerator, s.directives.denominator),
        petitions: pct(s.petitions.rate),
        petitions_detail: format!("{} / {}", s.petitions.numerator, s.petitions.denominator),
        index_total: num(s.index.index.total),
        index_detail: format!(
            "{} / {}",
            num(s.index.index.assessable_max),
            num(s.index.index.max_total)
        ),
        months: s
            .months
            .iter()
            .map(|m| MonthRow {
                month: m.month.clone(),
                received: m.received,
                resolved: m.resolved,
                on_time: m.on_time,
                rate: pct(m.on_time_rate),
            })
            .collect(),
        chart_flow,
        chart_rate,
        groups: s
            .index
            .index
            .groups
            .iter()
            .map(|g| GroupRow {
                name: if ctx.lang.tag() == "en" {
                    g.name_en
                } else {
                    g.name_vi
                }
                .to_owned(),
                points: num(g.points),
                max: num(g.max_points),
                assessable: num(g.assessable_max),
            })
            .collect(),
        chart_766,
        unit_rows: s
            .index_rows
            .iter()
            .map(|r| UnitRow {
                code: r.unit.as_ref().map(|u| u.code.clone()).unwrap_or_default(),
                name: r.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
                total: num(r.index.total),
                normalised: pct(r.index.normalised),
            })
            .collect(),
        targets: s
            .targets
            .iter()
            .map(|x| TargetRow {
                code: x.code.clone(),
                name: x.name.clone(),
                unit: x
                    .unit
                    .as_ref()
                    .map(|u| u.name.clone())
                    .unwrap_or_else(|| t.get("stats-province").to_owned()),
                goal: format!(
                    "{} {}{}",
                    if x.comparison == "at_most" {
                        "≤"
                    } else {
                        "≥"
                    },
                    num(x.goal),
                    x.measure_unit
                ),
                value: x
                    .value
                    .map(|v| format!("{}{}", num(v), x.measure_unit))
                    .unwrap_or_else(|| "—".to_owned()),
                progress: pct(x.progress),
                achieved: match x.achieved {
                    Some(true) => t.get("stats-achieved").to_owned(),
                    Some(false) => t.get("stats-not-achieved").to_owned(),
                    None => "—".to_owned(),
                },
            })
            .collect(),
        chart_targets,
        data_query: serde_urlencoded::to_string(&data_pairs).unwrap_or_default(),
    };
    Ok(page)
}

fn congso_web_messages(ctx: &Ctx) -> &'static crate::i18n::Messages {
    crate::i18n::messages(ctx.lang)
}

/// `GET /thong-ke/du-lieu.json`: the statistics as JSON (open data).
pub async fn data_json(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let (year, unit) = filters(&q)?;
    let s = statistics::public(&st.app, year, unit.as_deref()).await?;
    Ok(([(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")], Json(s)).into_response())
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn opt(x: Option<f64>) -> String {
    x.map(|v| format!("{v}")).unwrap_or_default()
}

/// The statistics as CSV rows `section,key,name,numerator,denominator,value`.
pub fn to_csv(s: &Statistics) -> String {
    let mut out = String::from("\u{feff}section,key,name,numerator,denominator,value\r\n");
    let mut row = |section: &str, key: &str, name: &str, n: String, d: String, v: String| {
        let _ = write!(
            out,
            "{},{},{},{},{},{}\r\n",
            csv_field(section),
            csv_field(key),
            csv_field(name),
            n,
            d,
            v
        );
    };
    let scope = s
        .unit
        .as_ref()
        .map(|u| u.code.clone())
        .unwrap_or_else(|| "province".to_owned());
    row(
        "scope",
        &scope,
        &s.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
        String::new(),
        String::new(),
        format!("{}..{}", s.from, s.to),
    );
    for m in &s.months {
        row(
            "one_stop_month",
            &m.month,
            "received",
            String::new(),
            String::new(),
            m.received.to_string(),
        );
        row(
            "one_stop_month",
            &m.month,
            "resolved",
            String::new(),
            String::new(),
            m.resolved.to_string(),
        );
        row(
            "one_stop_month",
            &m.month,
            "on_time_rate",
            m.on_time.to_string(),
            m.resolved.to_string(),
            opt(m.on_time_rate),
        );
    }
    for (key, name, r) in [
        ("one_stop_on_time_rate", "Tỷ lệ hồ sơ đúng hạn", s.on_time),
        (
            "directive_completion_rate",
            "Tỷ lệ hoàn thành nhiệm vụ",
            s.directives,
        ),
        (
            "petition_resolution_rate",
            "Tỷ lệ giải quyết đơn thư",
            s.petitions,
        ),
    ] {
        row(
            "rate",
            key,
            name,
            r.numerator.to_string(),
            r.denominator.to_string(),
            opt(r.rate),
        );
    }
    let ix = &s.index.index;
    row(
        "index766",
        "total",
        "Tổng điểm",
        String::new(),
        String::new(),
        ix.total.to_string(),
    );
    for g in &ix.groups {
        row(
            "index766_group",
            g.group.as_str(),
            g.name_vi,
            String::new(),
            g.max_points.to_string(),
            g.points.to_string(),
        );
        for i in &g.indicators {
            row(
                "index766_indicator",
                i.code,
                i.name_vi,
                i.numerator.to_string(),
                i.denominator.to_string(),
                i.points.to_string(),
            );
        }
    }
    for r in &s.index_rows {
        if let Some(u) = &r.unit {
            row(
                "index766_unit",
                &u.code,
                &u.name,
                String::new(),
                String::new(),
                r.index.total.to_string(),
            );
        }
    }
    for t in &s.targets {
        row(
            "target",
            &format!("{}/{}", t.term, t.code),
            &t.name,
            opt(t.value),
            t.goal.to_string(),
            opt(t.progress),
        );
    }
    out
}

/// `GET /thong-ke/du-lieu.csv`: the statistics as CSV (open data, UTF-8 with a BOM).
pub async fn data_csv(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<Response> {
    let (year, unit) = filters(&q)?;
    let s = statistics::public(&st.app, year, unit.as_deref()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"thong-ke.csv\"",
            ),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        to_csv(&s),
    )
        .into_response())
}

// ---- The leaders' drill-down (logged in) ----

pub struct IndicatorLine {
    pub code: String,
    pub name: String,
    pub measured: bool,
    pub numerator: i64,
    pub denominator: i64,
    pub rate: String,
    pub points: String,
    pub max: String,
    pub note: String,
}

pub struct ChildLine {
    pub code: String,
    pub name: String,
    pub total: String,
    pub groups: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "index766_dashboard.html")]
pub struct DashboardPage {
    pub page: Page,
    pub from: String,
    pub to: String,
    pub unit: String,
    pub path: Vec<UnitRef>,
    pub total: String,
    pub assessable: String,
    pub group_names: Vec<String>,
    pub groups: Vec<GroupRow>,
    pub indicators: Vec<IndicatorLine>,
    pub children: Vec<ChildLine>,
    pub fields: Vec<congso_app::index766::FieldLine>,
    pub procedures: Vec<(String, String, String, String, String)>,
    pub link_query: String,
}

/// `GET /can-bo/chi-so-766?don-vi=&tu=&den=`: the QĐ 766 index of a unit with its sub-units,
/// fields and procedures (`report_view` on the unit; the Office and leaders everywhere).
pub async fn dashboard(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HashMap<String, String>>,
) -> WebResult<DashboardPage> {
    let actor = ctx.user()?;
    let (from, to) = crate::api::period_this_year(
        &st,
        q.get("tu").map(String::as_str),
        q.get("den").map(String::as_str),
    )?;
    let d = congso_app::index766::drill(
        &st.app,
        actor,
        from,
        to,
        q.get("don-vi").map(String::as_str),
    )
    .await?;
    let en = ctx.lang.tag() == "en";
    let ix = &d.report.total.index;
    let unit = d
        .report
        .unit
        .as_ref()
        .map(|u| u.code.clone())
        .unwrap_or_default();
    let pairs = vec![("tu", from.to_string()), ("den", to.to_string())];
    Ok(DashboardPage {
        page: Page::new(&ctx, "i766-title"),
        from: from.to_string(),
        to: to.to_string(),
        unit,
        path: d.path.clone(),
        total: num(ix.total),
        assessable: num(ix.assessable_max),
        group_names: ix
            .groups
            .iter()
            .map(|g| if en { g.name_en } else { g.name_vi }.to_owned())
            .collect(),
        groups: ix
            .groups
            .iter()
            .map(|g| GroupRow {
                name: if en { g.name_en } else { g.name_vi }.to_owned(),
                points: num(g.points),
                max: num(g.max_points),
                assessable: num(g.assessable_max),
            })
            .collect(),
        indicators: ix
            .groups
            .iter()
            .flat_map(|g| g.indicators.iter())
            .map(|i| IndicatorLine {
                code: i.code.to_owned(),
                name: if en { i.name_en } else { i.name_vi }.to_owned(),
                measured: i.measured,
                numerator: i.numerator,
                denominator: i.denominator,
                rate: pct(i.rate),
                points: num(i.points),
                max: num(i.max_points),
                note: if en { i.note_en } else { i.note_vi }.to_owned(),
            })
            .collect(),
        children: d
            .children
            .iter()
            .map(|c| ChildLine {
                code: c.unit.as_ref().map(|u| u.code.clone()).unwrap_or_default(),
                name: c.unit.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
                total: num(c.index.total),
                groups: c.index.groups.iter().map(|g| num(g.points)).collect(),
            })
            .collect(),
        fields: d.fields.clone(),
        procedures: d
            .procedures
            .iter()
            .map(|p| {
                let yes_no = |b: bool| if b { "✓" } else { "✗" }.to_owned();
                (
                    p.code.clone(),
                    p.name.clone(),
                    p.online.clone(),
                    yes_no(p.complete),
                    p.published_on_time
                        .map(yes_no)
                        .unwrap_or_else(|| "—".to_owned()),
                )
            })
            .collect(),
        link_query: serde_urlencoded::to_string(&pairs).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_text_is_escaped_and_axes_are_nice() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(nice_max(3.0), 5.0);
        assert_eq!(nice_max(17.0), 20.0);
        assert_eq!(nice_max(230.0), 250.0);
        assert_eq!(num(98.5), "98,5");
        assert_eq!(num(100.0), "100");
        let svg = bar_chart(
            "x",
            "T<",
            "D",
            &["T1".into()],
            &[("a", BLUE, vec![Some(3.0)])],
            None,
            "",
        );
        assert!(svg.contains("<title id=\"x-t\">T&lt;</title>") && svg.contains("role=\"img\""));
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }
}
