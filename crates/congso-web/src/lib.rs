//! The HTTP surface of congso: the public portal, the officer workspace, the administration pages,
//! the JSON API under `/api/v1` (OpenAPI at `/api/openapi.json`), `/healthz` and `/metrics`.
//!
//! Request pipeline (outermost first): request id → trace → error rendering → security headers →
//! context (caller, language, CSRF token) → CSRF check → route (with metrics).

pub mod api;
pub mod cookies;
pub mod ctx;
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod open311;
pub mod pages;
pub mod state;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use congso_domain::ErrorCode;
use rust_embed::RustEmbed;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use state::{AppState, OidcConfig, WebConfig};

use crate::error::WebError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "congso API",
        description = "JSON API of congso, the electronic public office (công sở điện tử). Errors are \
            `{\"error\": code, \"message\": …}` with a stable snake_case code; messages are Vietnamese \
            unless `Accept-Language: en`. Authenticate with `Authorization: Bearer <token>` from \
            `POST /api/v1/auth/token`.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&SecurityAddon),
    tags(
        (name = "auth", description = "Tokens and identity"),
        (name = "units", description = "Organisation units (temporal)"),
        (name = "users", description = "Users and roles"),
        (name = "calendar", description = "The legal calendar: lunar dates, days off, deadlines"),
        (name = "procedures", description = "The administrative procedure catalogue"),
        (name = "dossiers", description = "The one-stop desk: dossiers and their lifecycle"),
        (name = "directives", description = "Directive tracking: leaders' directives, tasks to units, the report"),
        (name = "petitions", description = "Citizens' petitions: complaints, denunciations, recommendations, feedback; statutory clocks; the resolution-rate report; citizen reception"),
        (name = "portal", description = "The citizen portal: a citizen's own dossiers, online submission, supplements, ratings"),
        (name = "site_reports", description = "On-site reports (phản ánh hiện trường): the public list, statistics, the unit's actions, the reporter's rating (Open311 GeoReport v2 is at /open311/v2)"),
    )
)]
struct ApiDoc;

struct SecurityAddon;

impl utoipa::Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::auth::create_token))
        .routes(routes!(api::auth::me))
        .routes(routes!(api::units::list, api::units::create))
        .routes(routes!(api::units::close))
        .routes(routes!(api::units::set_office_hours))
        .routes(routes!(api::users::list, api::users::create))
        .routes(routes!(api::calendar::lunar))
        .routes(routes!(api::calendar::due))
        .routes(routes!(api::calendar::off_days))
        .routes(routes!(api::calendar::put_year, api::calendar::delete_year))
        .routes(routes!(api::calendar::put_rules))
        .routes(routes!(api::procedures::search, api::procedures::create))
        .routes(routes!(api::procedures::disclosure))
        .routes(routes!(api::procedures::get, api::procedures::edit))
        .routes(routes!(api::procedures::publish))
        .routes(routes!(api::procedures::repeal))
        .routes(routes!(api::dossiers::inbox, api::dossiers::receive))
        .routes(routes!(api::dossiers::get))
        .routes(routes!(api::dossiers::act))
        .routes(routes!(api::dossiers::lookup))
        .merge(
            // Uploads: the whole request may carry several files (each within the file policy).
            OpenApiRouter::new()
                .routes(routes!(api::portal::list, api::portal::submit))
                .routes(routes!(api::portal::supplement))
                .layer(axum::extract::DefaultBodyLimit::max(PORTAL_UPLOAD_LIMIT)),
        )
        .routes(routes!(api::directives::create))
        .routes(routes!(api::directives::get))
        .routes(routes!(api::directives::add_task))
        .routes(routes!(api::directives::act))
        .routes(routes!(api::directives::list))
        .routes(routes!(api::directives::report))
        .routes(routes!(api::petitions::create))
        .routes(routes!(api::petitions::get))
        .routes(routes!(api::petitions::add_item))
        .routes(routes!(api::petitions::inbox))
        .routes(routes!(api::petitions::get_item))
        .routes(routes!(api::petitions::act))
        .routes(routes!(api::petitions::report))
        .routes(routes!(api::petitions::schedule, api::petitions::add_day))
        .routes(routes!(api::petitions::log, api::petitions::add_visit))
        .routes(routes!(api::portal::get))
        .routes(routes!(api::portal::rate))
        .routes(routes!(api::portal::download))
        .routes(routes!(api::site_reports::list))
        .routes(routes!(api::site_reports::get))
        .routes(routes!(api::site_reports::act))
        .routes(routes!(api::site_reports::rate))
        .routes(routes!(api::site_reports::stats))
        .routes(routes!(api::reports::one_stop))
        .routes(routes!(api::reports::one_stop_csv))
        .routes(routes!(api::reports::one_stop_xlsx))
        .routes(routes!(api::reports_766::index))
        .routes(routes!(api::reports_766::put_weights))
        .routes(routes!(api::targets::list, api::targets::create))
        .routes(routes!(api::targets::get))
        .routes(routes!(api::targets::record_value))
}

/// The largest request of the portal's upload endpoints (all files together).
pub const PORTAL_UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// The API router and its OpenAPI document.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", api_routes())
        .split_for_parts()
}

/// The OpenAPI document as JSON text.
pub fn openapi_json() -> String {
    api().1.to_pretty_json().unwrap_or_default()
}

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

async fn static_asset(Path(path): Path<String>) -> Response {
    let Some(file) = Assets::get(&path) else {
        return WebError::from(ErrorCode::NotFound).into_response();
    };
    let mime = match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        file.data.into_owned(),
    )
        .into_response()
}

async fn healthz(State(st): State<AppState>) -> Response {
    match st.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn metrics_text(State(st): State<AppState>) -> Response {
    let counts = congso_db::jobs::counts(&st.app.db)
        .await
        .unwrap_or_default();
    let body = st.metrics.render(&[
        (
            "congso_jobs_pending",
            "Jobs waiting to run.",
            counts.pending as f64,
        ),
        (
            "congso_jobs_running",
            "Jobs claimed by a worker.",
            counts.running as f64,
        ),
        (
            "congso_jobs_failed",
            "Jobs that failed for good.",
            counts.failed as f64,
        ),
    ]);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

async fn track_metrics(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let resp = next.run(req).await;
    st.metrics
        .observe(&method, &route, resp.status().as_u16(), start.elapsed());
    resp
}

async fn not_found() -> WebError {
    ErrorCode::NotFound.into()
}

async fn openapi_doc(State(doc): State<Arc<String>>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        doc.as_str().to_owned(),
    )
        .into_response()
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = api();
    let doc = Arc::new(openapi.to_pretty_json().unwrap_or_default());
    let max_body = state.web.max_body_bytes;

    let routes = Router::new()
        .route("/", get(pages::home::home))
        .route(
            "/dang-nhap",
            get(pages::auth::login_form).post(pages::auth::login_submit),
        )
        .route("/dang-nhap/oidc", get(pages::oidc::start))
        .route("/dang-nhap/oidc/callback", get(pages::oidc::callback))
        .route("/dang-xuat", post(pages::auth::logout))
        .route("/ngon-ngu/{lang}", get(pages::auth::switch_language))
        .route("/can-bo", get(pages::desk::inbox))
        .route(
            "/can-bo/tiep-nhan",
            get(pages::desk::receive_form).post(pages::desk::receive),
        )
        .route("/can-bo/chuyen-hang-loat", post(pages::desk::bulk_forward))
        .route("/can-bo/ho-so/{code}", get(pages::desk::dossier))
        .route("/can-bo/ho-so/{code}/thao-tac", post(pages::desk::act))
        .route("/tra-cuu", get(pages::desk::lookup))
        .route("/don-thu", get(pages::petitions::inbox))
        .route(
            "/don-thu/tiep-nhan",
            get(pages::petitions::new_form).post(pages::petitions::new_submit),
        )
        .route("/don-thu/bao-cao", get(pages::petitions::report))
        .route("/don-thu/noi-dung/{id}", get(pages::petitions::item))
        .route(
            "/don-thu/noi-dung/{id}/thao-tac",
            post(pages::petitions::item_act),
        )
        .route("/tiep-cong-dan", get(pages::petitions::reception))
        .route("/tiep-cong-dan/lich", post(pages::petitions::reception_day))
        .route("/tiep-cong-dan/so", post(pages::petitions::reception_visit))
        .route("/chi-dao", get(pages::directives::dashboard))
        .route("/chi-dao/bao-cao.xlsx", get(pages::directives::export))
        .route("/chi-dao/nhiem-vu/{id}", get(pages::directives::task))
        .route(
            "/chi-dao/nhiem-vu/{id}/thao-tac",
            post(pages::directives::task_act).layer(axum::extract::DefaultBodyLimit::max(
                state.web.max_upload_bytes,
            )),
        )
        .route(
            "/chi-dao/nhiem-vu/{id}/tep/{file}",
            get(pages::directives::task_file),
        )
        .route(
            "/chi-dao/giao-viec",
            get(pages::directives::new_form).post(pages::directives::new_submit),
        )
        .route(
            "/dang-ky",
            get(pages::portal::register_form).post(pages::portal::register_submit),
        )
        .route(
            "/quen-mat-khau",
            get(pages::portal::forgot_form).post(pages::portal::forgot_submit),
        )
        .route(
            "/dat-lai-mat-khau",
            get(pages::portal::reset_form).post(pages::portal::reset_submit),
        )
        .route(
            "/tai-khoan",
            get(pages::portal::profile).post(pages::portal::profile_submit),
        )
        .route("/thong-bao", get(pages::portal::notifications))
        .route("/ho-so-cua-toi", get(pages::portal::my_dossiers))
        .route("/ho-so-cua-toi/{code}", get(pages::portal::my_dossier))
        .route(
            "/ho-so-cua-toi/{code}/danh-gia",
            post(pages::portal::my_rate),
        )
        .route(
            "/ho-so-cua-toi/{code}/rut",
            post(pages::portal::my_withdraw),
        )
        .route(
            "/ho-so-cua-toi/{code}/tep/{id}",
            get(pages::portal::my_file),
        )
        .route(
            "/dossiers/{code}/tep/{id}",
            get(pages::portal::officer_file),
        )
        .route(
            "/ho-so-cua-toi/{code}/bo-sung",
            post(pages::portal::my_supplement).layer(axum::extract::DefaultBodyLimit::max(
                state.web.max_upload_bytes,
            )),
        )
        .route(
            "/nop-truc-tuyen/{code}",
            get(pages::portal::submit_step)
                .post(pages::portal::submit_step_post)
                .layer(axum::extract::DefaultBodyLimit::max(
                    state.web.max_upload_bytes,
                )),
        )
        .route(
            "/can-bo/ho-so/{code}/hoan-thanh",
            post(pages::portal::officer_finish).layer(axum::extract::DefaultBodyLimit::max(
                state.web.max_upload_bytes,
            )),
        )
        .route("/phan-anh", get(pages::site_reports::list))
        .route("/thong-ke", get(pages::statistics::page))
        .route("/can-bo/chi-so-766", get(pages::statistics::dashboard))
        .route("/thong-ke/du-lieu.csv", get(pages::statistics::data_csv))
        .route("/thong-ke/du-lieu.json", get(pages::statistics::data_json))
        .route(
            "/phan-anh/gui",
            get(pages::site_reports::new_form)
                .post(pages::site_reports::new_submit)
                .layer(axum::extract::DefaultBodyLimit::max(
                    state.web.max_upload_bytes,
                )),
        )
        .route("/phan-anh/{id}", get(pages::site_reports::report))
        .route("/phan-anh/{id}/danh-gia", post(pages::site_reports::rate))
        .route(
            "/phan-anh/{id}/anh/{media}",
            get(pages::site_reports::photo),
        )
        .route("/can-bo/phan-anh", get(pages::site_reports::inbox))
        .route("/can-bo/phan-anh/{id}", get(pages::site_reports::handle))
        .route(
            "/can-bo/phan-anh/{id}/thao-tac",
            post(pages::site_reports::act).layer(axum::extract::DefaultBodyLimit::max(
                state.web.max_upload_bytes,
            )),
        )
        .route("/dossiers/so-theo-doi.xlsx", get(pages::forms::book_xlsx))
        .route("/dossiers/{code}/{file}", get(pages::forms::form_pdf))
        .route("/ho-so/{code}/{file}", get(pages::forms::form_pdf))
        .route("/quan-tri", get(pages::admin::admin_home))
        .route(
            "/quan-tri/nguoi-dung",
            get(pages::admin::users).post(pages::admin::users_create),
        )
        .route(
            "/quan-tri/don-vi",
            get(pages::admin::units).post(pages::admin::units_create),
        )
        .route("/lich-lam-viec", get(pages::calendar::public_calendar))
        .route("/thu-tuc", get(pages::procedures::search_page))
        .route("/thu-tuc/danh-muc", get(pages::procedures::directory))
        .route("/thu-tuc/{code}", get(pages::procedures::detail))
        .route(
            "/quan-tri/lich",
            get(pages::calendar::admin_calendar).post(pages::calendar::admin_calendar_save),
        )
        .route("/quan-tri/thu-tuc", get(pages::admin_procedures::list))
        .route(
            "/quan-tri/thu-tuc/moi",
            get(pages::admin_procedures::new_form).post(pages::admin_procedures::create),
        )
        .route(
            "/quan-tri/thu-tuc/nhap",
            post(pages::admin_procedures::import).layer(axum::extract::DefaultBodyLimit::max(
                state.web.max_upload_bytes,
            )),
        )
        .route(
            "/quan-tri/thu-tuc/{file}",
            get(pages::admin_procedures::export),
        )
        .route(
            "/quan-tri/thu-tuc/{code}/sua",
            get(pages::admin_procedures::edit_form).post(pages::admin_procedures::edit),
        )
        .route(
            "/quan-tri/thu-tuc/{code}/cong-bo",
            post(pages::admin_procedures::publish),
        )
        .route(
            "/quan-tri/thu-tuc/{code}/bai-bo",
            post(pages::admin_procedures::repeal),
        )
        .route("/static/{*path}", get(static_asset))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .merge(api_router)
        .route_layer(middleware::from_fn_with_state(state.clone(), track_metrics))
        .merge(
            Router::new()
                .route("/api/openapi.json", get(openapi_doc))
                .with_state(doc),
        )
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(max_body));

    let x_request_id = HeaderName::from_static("x-request-id");
    routes
        .layer(middleware::from_fn_with_state(state.clone(), ctx::csrf))
        .layer(middleware::from_fn_with_state(state.clone(), ctx::context))
        // Open311 clients carry no cookie and sign a POST with their api_key: outside the CSRF
        // check (and the session context), under the same headers and error pages.
        .merge(open311::routes(&state))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                 form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(middleware::from_fn(ctx::render_errors))
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .with_state(state)
}
