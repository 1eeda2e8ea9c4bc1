//! `TestApp`: the real application wired on a test database with a fixed clock, and a `Browser`
//! that keeps cookies between requests.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use congso_app::{App, AppConfig, FixedClock};
use congso_db::testing::TestDb;
use congso_web::{AppState, WebConfig};
use time::macros::datetime;
use tower::ServiceExt;

/// The demo password used in tests.
pub const PW: &str = "mat-khau-demo-2026";

#[allow(dead_code)]
pub struct TestApp {
    pub guard: TestDb,
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub state: AppState,
    pub router: Router,
}

/// Runs the body on SQLite and on PostgreSQL with a fresh `TestApp` named `$app`.
#[macro_export]
macro_rules! http_test {
    (async fn $name:ident($app:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $app =
                    $crate::helpers::TestApp::new(congso_db::testing::TestDb::sqlite().await).await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = congso_db::testing::TestDb::postgres().await else {
                    eprintln!("skipped: CONGSO_TEST_DATABASE_URL not set");
                    return;
                };
                let $app = $crate::helpers::TestApp::new(db).await;
                $body
            }
        }
    };
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// The value of the hidden `csrf_token` field of the first form.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no csrf field in {}", self.body))
            + marker.len();
        let end = self.body[start..].find('"').expect("closing quote") + start;
        self.body[start..end].to_owned()
    }
}

impl TestApp {
    pub async fn new(guard: TestDb) -> TestApp {
        let clock = Arc::new(FixedClock::new(datetime!(2026-03-02 09:00 +7)));
        let app = App::new(guard.db.clone(), clock.clone(), AppConfig::default());
        app.bootstrap().await.expect("bootstrap");
        congso_app::demo::seed(&app, Some(PW))
            .await
            .expect("seed")
            .expect("empty db");
        let state = AppState::new(app.clone(), WebConfig::default())
            .await
            .expect("state");
        let router = congso_web::router(state.clone());
        TestApp {
            guard,
            app,
            clock,
            state,
            router,
        }
    }

    /// The same application and database served with other web settings (e.g. an OpenID Connect
    /// provider); the demo data, clock and server key stay.
    #[allow(dead_code)]
    pub async fn with_web(self, web: WebConfig) -> TestApp {
        let state = AppState::new(self.app.clone(), web).await.expect("state");
        let router = congso_web::router(state.clone());
        TestApp {
            state,
            router,
            ..self
        }
    }

    pub async fn send(&self, req: Request<Body>) -> TestResponse {
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = to_bytes(resp.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub fn browser(&self) -> Browser<'_> {
        Browser {
            app: self,
            cookies: HashMap::new(),
        }
    }

    /// A JSON API request with an optional bearer token.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> TestResponse {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(json) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json.to_string())),
            None => b.body(Body::empty()),
        };
        self.send(req.expect("request")).await
    }

    /// A multipart POST with a bearer token: text fields, then file parts `(part name, file
    /// name, bytes)`.
    pub async fn multipart(
        &self,
        path: &str,
        token: Option<&str>,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> TestResponse {
        let (content_type, body) = multipart_body(fields, files);
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(body)).expect("request")).await
    }

    /// A GET with an optional bearer token, returning the raw bytes (downloads).
    pub async fn get_bytes(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut b = Request::builder().uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let resp = self
            .router
            .clone()
            .oneshot(b.body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = to_bytes(resp.into_body(), 64 * 1024 * 1024)
            .await
            .expect("body")
            .to_vec();
        (status, headers, bytes)
    }

    /// The actor of a demo user, for calling use cases directly.
    pub async fn actor(&self, username: &str) -> congso_app::Actor {
        let mut tx = self.app.db.begin_read().await.expect("tx");
        let u = congso_db::repo::users::by_username(&mut tx, username)
            .await
            .expect("q")
            .expect("user");
        congso_app::Actor::load(&mut tx, &u).await.expect("actor")
    }

    /// A bearer token for a demo user, through the API.
    pub async fn token(&self, username: &str) -> String {
        let r = self
            .api(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(serde_json::json!({"username": username, "password": PW})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json()["token"].as_str().expect("token").to_owned()
    }

    pub async fn event_count(&self) -> i64 {
        let mut tx = self.app.db.begin_read().await.expect("tx");
        congso_db::events::count(&mut tx).await.expect("count")
    }

    pub async fn unit_count(&self) -> i64 {
        let mut tx = self.app.db.begin_read().await.expect("tx");
        congso_db::repo::units::count(&mut tx).await.expect("count")
    }

    pub async fn session_count(&self, username: &str) -> i64 {
        let mut tx = self.app.db.begin_read().await.expect("tx");
        let u = congso_db::repo::users::by_username(&mut tx, username)
            .await
            .expect("q")
            .expect("user");
        congso_db::repo::auth::count_sessions_of(&mut tx, u.id)
            .await
            .expect("count")
    }
}

/// A browser: keeps cookies, follows nothing automatically.
pub struct Browser<'a> {
    pub app: &'a TestApp,
    pub cookies: HashMap<String, String>,
}

impl Browser<'_> {
    fn absorb(&mut self, r: &TestResponse) {
        for c in r.set_cookies() {
            let first = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = first.split_once('=') {
                if v.is_empty() || c.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        let req = Request::builder()
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("req");
        let r = self.app.send(req).await;
        self.absorb(&r);
        r
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(fields).expect("form");
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .expect("req");
        let r = self.app.send(req).await;
        self.absorb(&r);
        r
    }

    /// Signs in through the HTML form (GET the form for its CSRF token, then POST it).
    pub async fn login(&mut self, username: &str, password: &str) -> TestResponse {
        let form = self.get("/dang-nhap").await;
        assert_eq!(form.status, StatusCode::OK);
        let token = form.csrf();
        self.post_form(
            "/dang-nhap",
            &[
                ("csrf_token", &token),
                ("username", username),
                ("password", password),
                ("next", ""),
            ],
        )
        .await
    }
}

impl Browser<'_> {
    /// Posts a multipart form with one file part named `file` and text fields.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        bytes: &[u8],
    ) -> TestResponse {
        let boundary = "congso-test-boundary-7d1";
        let mut body: Vec<u8> = vec![];
        for (k, v) in fields {
            body.extend(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .expect("req");
        let r = self.app.send(req).await;
        self.absorb(&r);
        r
    }

    /// Posts a multipart form: text fields and file parts `(part name, file name, bytes)`.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> TestResponse {
        let (content_type, body) = multipart_body(fields, files);
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("req");
        let r = self.app.send(req).await;
        self.absorb(&r);
        r
    }

    /// GETs raw bytes (downloads).
    pub async fn get_bytes(&mut self, path: &str) -> (StatusCode, Vec<u8>) {
        let req = Request::builder()
            .uri(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("req");
        let resp = self
            .app
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("infallible");
        let status = resp.status();
        (
            status,
            to_bytes(resp.into_body(), 64 * 1024 * 1024)
                .await
                .expect("body")
                .to_vec(),
        )
    }
}

/// The text of a PDF, extracted by poppler's `pdftotext` (a real reader, not our renderer), with
/// every run of white space (line wraps, page breaks) as one space.
pub fn pdf_text(bytes: &[u8]) -> String {
    assert!(
        bytes.starts_with(b"%PDF-"),
        "not a PDF: {:?}",
        String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext not found ({e}): install the Debian package poppler-utils")
        });
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8 text");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A `multipart/form-data` body and its content type.
pub fn multipart_body(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----WebKitFormBoundaryCongSo4F2a9";
    let mut body: Vec<u8> = vec![];
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (part, file_name, bytes) in files {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A small valid PDF (one empty page), with `marker` in a comment so files differ.
pub fn tiny_pdf(marker: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {marker}\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n").into_bytes()
}

/// A 1×1 PNG.
pub const TINY_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];
