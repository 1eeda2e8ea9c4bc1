//! Open311 GeoReport v2 for on-site reports, under `/open311/v2` (the specification at
//! <http://wiki.open311.org/GeoReport_v2>):
//!
//! | Method | Path | |
//! |---|---|---|
//! | GET  | `/discovery.{xml,json}` | service discovery |
//! | GET  | `/services.{xml,json}` | the categories (`services/service[]`) |
//! | GET  | `/services/{code}.{xml,json}` | a service definition (its attributes) |
//! | POST | `/requests.{xml,json}` | file a report (form-urlencoded, `api_key`) |
//! | GET  | `/requests.{xml,json}` | reports: `service_request_id` list (overrides all), `service_code` list, `start_date`/`end_date` (≤ 90 days, default the last 90), `status` list; at most 1,000 |
//! | GET  | `/requests/{id}.{xml,json}` | one report, in a one-element list |
//! | GET  | `/tokens/{token}.{xml,json}` | the id behind a token (batch services) |
//!
//! The format is chosen by the suffix. XML is written by hand (escaped, UTF-8, with the XML
//! declaration); JSON is its mechanical mapping (lists become arrays). Errors are
//! `errors/error[]` with `code` and `description`: 400 for missing or bad parameters, 403 for a
//! missing or wrong `api_key`, 404 for an unknown service, request, token or `jurisdiction_id`
//! (we serve one jurisdiction: an absent or empty `jurisdiction_id`, or ours, is accepted).
//!
//! These routes are served outside the CSRF layer: clients carry no cookie and authenticate a
//! POST with their `api_key` (see `lib.rs`). Bad input is refused before anything is written.

use std::collections::{BTreeMap, HashMap};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use congso_app::site_reports::{self, NewReport, ReportView, Reporter};
use congso_app::{AppError, AppResult};
use congso_db::Ts;
use congso_domain::ErrorCode;
use congso_domain::time_vn::VN_OFFSET;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::state::AppState;

/// The specification this endpoint implements (discovery).
pub const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// The widest `start_date`..`end_date` window, and the default one (the last 90 days).
pub const MAX_WINDOW_DAYS: i64 = 90;
/// The most requests one GET returns.
pub const MAX_REQUESTS: i64 = 1000;
/// The largest POST body.
const MAX_POST_BYTES: usize = 256 * 1024;

/// The Open311 routes (merged by `lib.rs` outside the CSRF layer).
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/open311/v2/{file}", get(top_get).post(top_post))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(one_token))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::track_metrics,
        ))
}

// ---------------------------------------------------------------------------------------------
// Values, XML and JSON

/// A response value: XML elements and their JSON mapping.
#[derive(Debug, Clone)]
pub enum V {
    Str(String),
    Num(String),
    Bool(bool),
    Null,
    /// Child elements in order.
    Obj(Vec<(&'static str, V)>),
    /// Repeated elements named by the first field (a JSON array).
    List(&'static str, Vec<V>),
}

fn s(v: impl Into<String>) -> V {
    V::Str(v.into())
}

fn opt(v: Option<impl Into<String>>) -> V {
    v.map(|x| V::Str(x.into())).unwrap_or(V::Null)
}

/// Escapes text for XML; drops characters XML 1.0 cannot carry.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

fn write_xml(out: &mut String, name: &str, v: &V) {
    match v {
        V::Null => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        V::Str(t) | V::Num(t) => {
            out.push_str(&format!("<{name}>{}</{name}>", xml_escape(t)));
        }
        V::Bool(b) => out.push_str(&format!("<{name}>{b}</{name}>")),
        V::Obj(fields) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in fields {
                write_xml(out, k, v);
            }
            out.push_str(&format!("</{name}>"));
        }
        V::List(item, items) => {
            out.push_str(&format!("<{name}>"));
            for v in items {
                write_xml(out, item, v);
            }
            out.push_str(&format!("</{name}>"));
        }
    }
}

/// The XML document `<root>…</root>` with its declaration.
pub fn to_xml(root: &str, v: &V) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    write_xml(&mut out, root, v);
    out.push('\n');
    out
}

/// The JSON mapping of a value (the root element's name is dropped).
pub fn to_json(v: &V) -> serde_json::Value {
    use serde_json::Value;
    match v {
        V::Str(t) => Value::String(t.clone()),
        V::Num(t) => t
            .parse::<serde_json::Number>()
            .map(Value::Number)
            .unwrap_or_else(|_| Value::String(t.clone())),
        V::Bool(b) => Value::Bool(*b),
        V::Null => Value::Null,
        V::Obj(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), to_json(v)))
                .collect(),
        ),
        V::List(_, items) => Value::Array(items.iter().map(to_json).collect()),
    }
}

/// The response format, from the path's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

/// Splits `name.xml` / `name.json`.
fn split_format(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    let f = match ext {
        "xml" => Format::Xml,
        "json" => Format::Json,
        _ => return None,
    };
    (!name.is_empty()).then_some((name, f))
}

fn respond(status: StatusCode, format: Format, root: &str, v: &V) -> Response {
    match format {
        Format::Xml => (
            status,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            to_xml(root, v),
        )
            .into_response(),
        Format::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            to_json(v).to_string(),
        )
            .into_response(),
    }
}

/// An Open311 error: HTTP status and `errors/error[]`.
#[derive(Debug)]
pub struct Open311Error {
    pub status: StatusCode,
    pub description: String,
}

impl Open311Error {
    fn new(status: StatusCode, description: impl Into<String>) -> Open311Error {
        Open311Error {
            status,
            description: description.into(),
        }
    }

    fn bad(description: impl Into<String>) -> Open311Error {
        Open311Error::new(StatusCode::BAD_REQUEST, description)
    }

    fn respond(self, format: Format) -> Response {
        let v = V::List(
            "error",
            vec![V::Obj(vec![
                ("code", V::Num(self.status.as_u16().to_string())),
                ("description", s(self.description)),
            ])],
        );
        respond(self.status, format, "errors", &v)
    }
}

impl From<AppError> for Open311Error {
    fn from(e: AppError) -> Open311Error {
        let status = match e.code {
            ErrorCode::Internal => {
                tracing::error!(error = %e, "open311: internal error");
                StatusCode::BAD_REQUEST
            }
            ErrorCode::Forbidden | ErrorCode::Unauthenticated => StatusCode::FORBIDDEN,
            c if c.http_status() == 404 => StatusCode::NOT_FOUND,
            _ => StatusCode::BAD_REQUEST,
        };
        let mut d = format!(
            "{} / {}",
            e.code.message(congso_domain::Lang::Vi),
            e.code.message(congso_domain::Lang::En)
        );
        if let Some(x) = &e.detail
            && e.code != ErrorCode::Internal
        {
            d.push_str(&format!(" ({x})"));
        }
        Open311Error::new(status, d)
    }
}

type R<T> = Result<T, Open311Error>;

/// An ISO 8601 date and time with the offset of Vietnam (`2026-03-02T09:00:00+07:00`).
pub fn datetime(ts: Ts) -> String {
    let at = ts.get().to_offset(VN_OFFSET);
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// Parses a W3C date-time (`2026-03-01T00:00:00Z`, with an offset) or a date (the start of the day
/// in Vietnam).
fn parse_datetime(v: &str, field: &str) -> R<OffsetDateTime> {
    let v = v.trim();
    if let Ok(t) = OffsetDateTime::parse(v, &Rfc3339) {
        return Ok(t);
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(v, fmt)
        .map(congso_domain::time_vn::day_start)
        .map_err(|_| {
            Open311Error::bad(format!(
                "{field} không hợp lệ (ISO 8601, ví dụ 2026-03-01T00:00:00+07:00) / {field} is not a W3C date-time"
            ))
        })
}

fn check_jurisdiction(st: &AppState, given: Option<&String>) -> R<()> {
    match given.map(|j| j.trim()).filter(|j| !j.is_empty()) {
        None => Ok(()),
        Some(j) if j.eq_ignore_ascii_case(&st.app.config.open311_jurisdiction) => Ok(()),
        Some(j) => Err(Open311Error::new(
            StatusCode::NOT_FOUND,
            format!("Không phục vụ jurisdiction_id {j} / unknown jurisdiction_id"),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Elements

fn service_element(c: &site_reports::Category) -> V {
    V::Obj(vec![
        ("service_code", s(&c.row.service_code)),
        ("service_name", s(&c.row.name)),
        ("description", s(&c.row.description)),
        ("metadata", V::Bool(!c.attributes.is_empty())),
        ("type", s(&c.row.service_type)),
        ("keywords", s(&c.row.keywords)),
        ("group", s(&c.row.group_name)),
    ])
}

fn request_element(r: &ReportView) -> V {
    let closed = r.status == "closed";
    let notes = if closed {
        r.result_text.clone()
    } else {
        Some(r.state_label.clone())
    };
    let num = |x: Option<f64>| x.map(|v| V::Num(format!("{v}"))).unwrap_or(V::Null);
    let address = r.address.clone().or_else(|| {
        r.area
            .as_ref()
            .map(|a| site_reports::area_name(&a.name).to_owned())
    });
    V::Obj(vec![
        ("service_request_id", s(r.id.to_string())),
        ("status", s(&r.status)),
        ("status_notes", opt(notes)),
        ("service_name", s(&r.category)),
        ("service_code", s(&r.service_code)),
        ("description", s(&r.description)),
        ("agency_responsible", s(&r.unit.name)),
        ("service_notice", V::Null),
        ("requested_datetime", s(datetime(r.created_at))),
        (
            "updated_datetime",
            s(datetime(r.handled_at.unwrap_or(r.updated_at))),
        ),
        ("expected_datetime", s(datetime(r.deadline))),
        ("address", opt(address)),
        ("address_id", opt(r.address_id.clone())),
        ("zipcode", V::Null),
        ("lat", num(r.lat)),
        ("long", num(r.lon)),
        ("media_url", opt(r.media_url.clone())),
    ])
}

// ---------------------------------------------------------------------------------------------
// Handlers

async fn top_get(
    State(st): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((name, format)) = split_format(&file) else {
        return Open311Error::new(StatusCode::NOT_FOUND, "Không có tài nguyên này / not found")
            .respond(Format::Xml);
    };
    let r = match name {
        "discovery" => Ok(discovery(&st)),
        "services" => services(&st, &q).await,
        "requests" => requests(&st, &q).await,
        _ => Err(Open311Error::new(
            StatusCode::NOT_FOUND,
            "Không có tài nguyên này / not found",
        )),
    };
    match r {
        Ok((root, v)) => respond(StatusCode::OK, format, root, &v),
        Err(e) => e.respond(format),
    }
}

fn discovery(st: &AppState) -> (&'static str, V) {
    let base = st.app.config.public_url.trim_end_matches('/').to_owned();
    let changeset = "2026-03-01T00:00:00+07:00";
    (
        "discovery",
        V::Obj(vec![
            ("changeset", s(changeset)),
            (
                "contact",
                s(format!(
                    "Cổng Dịch vụ công — phản ánh hiện trường / on-site reports: {base}/phan-anh"
                )),
            ),
            (
                "key_service",
                s(
                    "Khóa API do quản trị hệ thống cấp (congso admin open311-key create --name TÊN) / \
                     api_key issued by the administrator",
                ),
            ),
            (
                "endpoints",
                V::List(
                    "endpoint",
                    vec![V::Obj(vec![
                        ("specification", s(SPECIFICATION)),
                        ("url", s(format!("{base}/open311/v2"))),
                        ("changeset", s(changeset)),
                        ("type", s("production")),
                        (
                            "formats",
                            V::List("format", vec![s("text/xml"), s("application/json")]),
                        ),
                    ])],
                ),
            ),
        ]),
    )
}

async fn services(st: &AppState, q: &HashMap<String, String>) -> R<(&'static str, V)> {
    check_jurisdiction(st, q.get("jurisdiction_id"))?;
    let list = site_reports::categories(&st.app).await?;
    Ok((
        "services",
        V::List("service", list.iter().map(service_element).collect()),
    ))
}

async fn service_definition(
    State(st): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((code, format)) = split_format(&file) else {
        return Open311Error::new(StatusCode::NOT_FOUND, "Không có tài nguyên này / not found")
            .respond(Format::Xml);
    };
    let r: R<V> = async {
        check_jurisdiction(&st, q.get("jurisdiction_id"))?;
        let c = site_reports::category(&st.app, code).await?;
        let mut attrs = c.attributes.clone();
        attrs.sort_by_key(|a| a.order);
        Ok(V::Obj(vec![
            ("service_code", s(&c.row.service_code)),
            (
                "attributes",
                V::List(
                    "attribute",
                    attrs
                        .iter()
                        .map(|a| {
                            V::Obj(vec![
                                ("variable", V::Bool(a.variable)),
                                ("code", s(&a.code)),
                                ("datatype", s(&a.datatype)),
                                ("required", V::Bool(a.required)),
                                ("datatype_description", s(&a.datatype_description)),
                                ("order", V::Num(a.order.to_string())),
                                ("description", s(&a.description)),
                                (
                                    "values",
                                    V::List(
                                        "value",
                                        a.values
                                            .iter()
                                            .map(|(k, n)| {
                                                V::Obj(vec![("key", s(k)), ("name", s(n))])
                                            })
                                            .collect(),
                                    ),
                                ),
                            ])
                        })
                        .collect(),
                ),
            ),
        ]))
    }
    .await;
    match r {
        Ok(v) => respond(StatusCode::OK, format, "service_definition", &v),
        Err(e) => e.respond(format),
    }
}

fn split_list(v: Option<&String>) -> Vec<String> {
    v.map(|s| {
        s.split(',')
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

async fn requests(st: &AppState, q: &HashMap<String, String>) -> R<(&'static str, V)> {
    check_jurisdiction(st, q.get("jurisdiction_id"))?;
    let ids_given = split_list(q.get("service_request_id"));
    let mut query = site_reports::Query {
        limit: MAX_REQUESTS,
        ..site_reports::Query::default()
    };
    if !ids_given.is_empty() {
        // service_request_id overrides every other parameter; ids we never gave match nothing.
        query.ids = ids_given
            .iter()
            .filter_map(|i| Uuid::parse_str(i).ok())
            .collect();
        if query.ids.is_empty() {
            return Ok(("service_requests", V::List("request", vec![])));
        }
    } else {
        query.service_codes = split_list(q.get("service_code"));
        query.statuses = split_list(q.get("status"));
        if query
            .statuses
            .iter()
            .any(|s| !matches!(s.as_str(), "open" | "closed"))
        {
            return Err(Open311Error::bad(
                "status chỉ nhận open, closed / status must be open or closed",
            ));
        }
        let start = match q.get("start_date").filter(|v| !v.trim().is_empty()) {
            Some(v) => Some(parse_datetime(v, "start_date")?),
            None => None,
        };
        let end = match q.get("end_date").filter(|v| !v.trim().is_empty()) {
            Some(v) => Some(parse_datetime(v, "end_date")?),
            None => None,
        };
        let window = Duration::days(MAX_WINDOW_DAYS);
        let (from, to) = match (start, end) {
            (Some(a), Some(b)) => {
                if b < a {
                    return Err(Open311Error::bad(
                        "end_date trước start_date / end_date is before start_date",
                    ));
                }
                if b - a > window {
                    return Err(Open311Error::bad(
                        "Khoảng thời gian không quá 90 ngày / the date range may not exceed 90 days",
                    ));
                }
                (a, b)
            }
            (Some(a), None) => (a, a + window),
            (None, Some(b)) => (b - window, b),
            (None, None) => {
                let now = st.app.now().get();
                (now - window, now)
            }
        };
        query.from = Some(Ts::new(from));
        // end_date is inclusive.
        query.to = Some(Ts::new(to + Duration::microseconds(1)));
    }
    let (list, _) = site_reports::search(&st.app, &query).await?;
    Ok((
        "service_requests",
        V::List("request", list.iter().map(request_element).collect()),
    ))
}

async fn one_request(
    State(st): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((id, format)) = split_format(&file) else {
        return Open311Error::new(StatusCode::NOT_FOUND, "Không có tài nguyên này / not found")
            .respond(Format::Xml);
    };
    let r: R<V> = async {
        check_jurisdiction(&st, q.get("jurisdiction_id"))?;
        let not_found = || {
            Open311Error::new(
                StatusCode::NOT_FOUND,
                format!("Không có yêu cầu {id} / no service request {id}"),
            )
        };
        let id = Uuid::parse_str(id).map_err(|_| not_found())?;
        let query = site_reports::Query {
            ids: vec![id],
            limit: 1,
            ..site_reports::Query::default()
        };
        let (list, _) = site_reports::search(&st.app, &query).await?;
        let r = list.first().ok_or_else(not_found)?;
        Ok(V::List("request", vec![request_element(r)]))
    }
    .await;
    match r {
        Ok(v) => respond(StatusCode::OK, format, "service_requests", &v),
        Err(e) => e.respond(format),
    }
}

async fn one_token(
    State(st): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some((token, format)) = split_format(&file) else {
        return Open311Error::new(StatusCode::NOT_FOUND, "Không có tài nguyên này / not found")
            .respond(Format::Xml);
    };
    let r: R<V> = async {
        check_jurisdiction(&st, q.get("jurisdiction_id"))?;
        let id = site_reports::token(&st.app, token).await.map_err(|_| {
            Open311Error::new(
                StatusCode::NOT_FOUND,
                "Không có mã (token) này / unknown token",
            )
        })?;
        Ok(V::List(
            "request",
            vec![V::Obj(vec![
                ("service_request_id", s(id.to_string())),
                ("token", s(token)),
            ])],
        ))
    }
    .await;
    match r {
        Ok(v) => respond(StatusCode::OK, format, "service_requests", &v),
        Err(e) => e.respond(format),
    }
}

/// Reads `attribute[CODE]=v` and `attribute[CODE][]=v`.
fn attribute_name(key: &str) -> Option<&str> {
    let rest = key.strip_prefix("attribute[")?;
    let rest = rest.strip_suffix("[]").unwrap_or(rest);
    let code = rest.strip_suffix(']')?;
    (!code.is_empty() && !code.contains(['[', ']'])).then_some(code)
}

async fn top_post(State(st): State<AppState>, Path(file): Path<String>, req: Request) -> Response {
    let Some(("requests", format)) = split_format(&file) else {
        return Open311Error::new(StatusCode::NOT_FOUND, "Không có tài nguyên này / not found")
            .respond(split_format(&file).map_or(Format::Xml, |(_, f)| f));
    };
    match post_request(&st, req.into_body()).await {
        Ok(v) => respond(StatusCode::OK, format, "service_requests", &v),
        Err(e) => e.respond(format),
    }
}

async fn post_request(st: &AppState, body: Body) -> R<V> {
    let bytes = to_bytes(body, MAX_POST_BYTES)
        .await
        .map_err(|_| Open311Error::bad("Yêu cầu quá lớn / request too large"))?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| {
        Open311Error::bad(
            "Thân yêu cầu phải là application/x-www-form-urlencoded / the body must be form-urlencoded",
        )
    })?;
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut attributes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs {
        if let Some(code) = attribute_name(&k) {
            attributes.entry(code.to_owned()).or_default().push(v);
        } else {
            fields.entry(k).or_insert(v);
        }
    }
    check_jurisdiction(st, fields.get("jurisdiction_id"))?;
    let key = fields.get("api_key").map(|k| k.trim()).unwrap_or_default();
    let key_row = if key.is_empty() {
        None
    } else {
        site_reports::api_key(&st.app, key).await?
    };
    let Some(key_row) = key_row else {
        return Err(Open311Error::new(
            StatusCode::FORBIDDEN,
            "Thiếu hoặc sai api_key / missing or invalid api_key",
        ));
    };
    let get = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    if get("service_code").is_none() {
        return Err(Open311Error::bad(
            "Thiếu service_code / service_code is required",
        ));
    }
    let name = [get("first_name"), get("last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let new = NewReport {
        service_code: get("service_code").unwrap_or_default(),
        description: fields.get("description").cloned().unwrap_or_default(),
        lat: get("lat"),
        lon: get("long"),
        address: get("address_string"),
        address_id: get("address_id"),
        area: None,
        urgency: None,
        reporter_name: Some(name).filter(|n| !n.is_empty()),
        reporter_email: get("email"),
        reporter_phone: get("phone"),
        attributes,
        media_url: get("media_url"),
    };
    let filed = file_checked(st, key_row.id, new).await?;
    let notice =
        "Phản ánh đã được chuyển đến đơn vị xử lý / the report was routed to the responsible unit";
    let element = match filed.token {
        Some(t) => V::Obj(vec![
            ("token", s(t)),
            ("service_notice", s(notice)),
            ("account_id", V::Null),
        ]),
        None => V::Obj(vec![
            ("service_request_id", s(filed.row.id.to_string())),
            ("service_notice", s(notice)),
            ("account_id", V::Null),
        ]),
    };
    Ok(V::List("request", vec![element]))
}

async fn file_checked(
    st: &AppState,
    api_key_id: Uuid,
    new: NewReport,
) -> AppResult<site_reports::Filed> {
    site_reports::file(&st.app, Reporter::Open311 { api_key_id }, new, vec![]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_escaped_and_json_maps_lists_to_arrays() {
        let v = V::List(
            "service",
            vec![V::Obj(vec![
                ("service_name", s("Rác <thải> & \"nước\" 'x'\u{1}")),
                ("metadata", V::Bool(false)),
                ("lat", V::Num("16.46".to_owned())),
                ("zipcode", V::Null),
            ])],
        );
        let xml = to_xml("services", &v);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
        assert!(xml.contains(
            "<service_name>Rác &lt;thải&gt; &amp; &quot;nước&quot; &apos;x&apos;</service_name>"
        ));
        assert!(xml.contains("<zipcode/>"));
        let json = to_json(&v);
        assert_eq!(json[0]["lat"], serde_json::json!(16.46));
        assert_eq!(json[0]["metadata"], serde_json::json!(false));
    }

    #[test]
    fn formats_and_attribute_names() {
        assert_eq!(
            split_format("services.xml"),
            Some(("services", Format::Xml))
        );
        assert_eq!(split_format("a.b.json"), Some(("a.b", Format::Json)));
        assert_eq!(split_format("services.html"), None);
        assert_eq!(attribute_name("attribute[muc_do]"), Some("muc_do"));
        assert_eq!(attribute_name("attribute[loai][]"), Some("loai"));
        assert_eq!(attribute_name("attribute[]"), None);
        assert_eq!(attribute_name("attributes"), None);
    }

    #[test]
    fn datetimes_carry_the_vietnam_offset() {
        let at = time::macros::datetime!(2026-03-02 02:00:00.123 UTC);
        assert_eq!(datetime(Ts::new(at)), "2026-03-02T09:00:00+07:00");
    }
}
