//! Login with OpenID Connect against a small provider written here and served on loopback.
//!
//! The browser's side runs in process (the real router through `oneshot`; the provider's
//! `/authorize` through its own router), while the server's OpenID Connect client makes real HTTP
//! requests to the provider (discovery, JWKS, token). The provider signs ID tokens with an RSA key
//! made at test time, takes its time from the application's fixed clock, and misbehaves on demand.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use congso_app::{Clock, FixedClock};
use congso_db::repo::{identities, users};
use congso_web::{OidcConfig, WebConfig};
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, rand_core::OsRng};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::helpers::{Browser, TestApp, TestResponse};
use crate::http_test;

const CLIENT_ID: &str = "congso-thu-nghiem";
const CLIENT_SECRET: &str = "bi-mat-thu-nghiem-2026";
const REDIRECT_URI: &str = "http://127.0.0.1:8080/dang-nhap/oidc/callback";

/// How the provider should misbehave on the next logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Honest,
    /// `/authorize` answers `error=access_denied`.
    Deny,
    WrongNonce,
    WrongAudience,
    WrongIssuer,
    BadSignature,
    Expired,
}

/// The person signing in at the provider.
#[derive(Debug, Clone)]
struct Person {
    sub: String,
    name: String,
    email: String,
}

struct Grant {
    nonce: String,
    challenge: String,
    redirect_uri: String,
    person: Person,
}

struct ProviderState {
    issuer: String,
    /// The signing key and its id (`kid`).
    key: Mutex<(String, RsaPrivateKey)>,
    clock: Arc<FixedClock>,
    mode: Mutex<Mode>,
    person: Mutex<Person>,
    codes: Mutex<HashMap<String, Grant>>,
    token_calls: AtomicUsize,
}

/// The loopback OpenID Connect provider.
struct Provider {
    issuer: String,
    state: Arc<ProviderState>,
    router: Router,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Provider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn random_hex() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Provider {
    async fn start(clock: Arc<FixedClock>) -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let issuer = format!("http://{}", listener.local_addr().expect("addr"));
        let key = RsaPrivateKey::new(&mut OsRng, 2048).expect("RSA key");
        let state = Arc::new(ProviderState {
            issuer: issuer.clone(),
            key: Mutex::new(("khoa-1".into(), key)),
            clock,
            mode: Mutex::new(Mode::Honest),
            person: Mutex::new(Person {
                sub: "079301000001".into(),
                name: "Trần Thị Bình".into(),
                email: "binh.tran@example.vn".into(),
            }),
            codes: Mutex::new(HashMap::new()),
            token_calls: AtomicUsize::new(0),
        });
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(state.clone());
        let served = router.clone();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, served).await;
        });
        Provider {
            issuer,
            state,
            router,
            task,
        }
    }

    fn config(&self) -> WebConfig {
        WebConfig {
            oidc: Some(OidcConfig {
                issuer_url: self.issuer.clone(),
                client_id: CLIENT_ID.into(),
                client_secret: Some(CLIENT_SECRET.to_owned().into()),
                label: None,
                redirect_url: REDIRECT_URI.into(),
            }),
            ..WebConfig::default()
        }
    }

    fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().expect("lock") = mode;
    }

    fn set_person(&self, sub: &str, name: &str) {
        let mut p = self.state.person.lock().expect("lock");
        p.sub = sub.into();
        p.name = name.into();
    }

    /// Replaces the signing key (a new `kid`); the JWKS serves only the new one.
    fn rotate_key(&self) {
        let key = RsaPrivateKey::new(&mut OsRng, 2048).expect("RSA key");
        *self.state.key.lock().expect("lock") = ("khoa-2".into(), key);
    }

    fn token_calls(&self) -> usize {
        self.state.token_calls.load(Ordering::SeqCst)
    }

    /// The browser at the provider: follows the authorization URL (the person approves at once)
    /// and returns where the provider sends it back.
    async fn approve(&self, authorize_url: &str) -> String {
        let path = authorize_url
            .strip_prefix(&self.issuer)
            .unwrap_or_else(|| panic!("{authorize_url} is not at the provider {}", self.issuer));
        let req = Request::builder()
            .uri(path)
            .body(Body::empty())
            .expect("req");
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = to_bytes(resp.into_body(), 1 << 20).await.expect("body");
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "{}",
            String::from_utf8_lossy(&body)
        );
        location.expect("provider redirect")
    }
}

async fn discovery(State(st): State<Arc<ProviderState>>) -> Response {
    let i = &st.issuer;
    axum::Json(serde_json::json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "jwks_uri": format!("{i}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "scopes_supported": ["openid", "profile", "email"],
        "code_challenge_methods_supported": ["S256"],
    }))
    .into_response()
}

async fn jwks(State(st): State<Arc<ProviderState>>) -> Response {
    let (kid, key) = st.key.lock().expect("lock").clone();
    let public = key.to_public_key();
    axum::Json(serde_json::json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
        "n": b64(&public.n().to_bytes_be()),
        "e": b64(&public.e().to_bytes_be()),
    }]}))
    .into_response()
}

fn bad_request(what: &str) -> Response {
    (StatusCode::BAD_REQUEST, format!("provider: {what}")).into_response()
}

async fn authorize(
    State(st): State<Arc<ProviderState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if p("response_type") != "code" {
        return bad_request("response_type");
    }
    if p("client_id") != CLIENT_ID {
        return bad_request("client_id");
    }
    if p("redirect_uri") != REDIRECT_URI {
        return bad_request("redirect_uri");
    }
    let scopes: Vec<&str> = p("scope").split(' ').collect();
    if !["openid", "profile", "email"]
        .iter()
        .all(|s| scopes.contains(s))
    {
        return bad_request("scope");
    }
    if p("code_challenge_method") != "S256" || p("code_challenge").is_empty() {
        return bad_request("PKCE");
    }
    if p("state").is_empty() || p("nonce").is_empty() {
        return bad_request("state and nonce");
    }
    let mode = *st.mode.lock().expect("lock");
    let back = if mode == Mode::Deny {
        serde_urlencoded::to_string([
            ("error", "access_denied"),
            ("error_description", "Người dùng từ chối"),
            ("state", p("state")),
        ])
    } else {
        let code = random_hex();
        st.codes.lock().expect("lock").insert(
            code.clone(),
            Grant {
                nonce: p("nonce").to_owned(),
                challenge: p("code_challenge").to_owned(),
                redirect_uri: p("redirect_uri").to_owned(),
                person: st.person.lock().expect("lock").clone(),
            },
        );
        serde_urlencoded::to_string([("code", code.as_str()), ("state", p("state"))])
    }
    .expect("query");
    Redirect::to(&format!("{}?{back}", p("redirect_uri"))).into_response()
}

fn token_error(error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(serde_json::json!({ "error": error })),
    )
        .into_response()
}

async fn token(
    State(st): State<Arc<ProviderState>>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    st.token_calls.fetch_add(1, Ordering::SeqCst);
    // client_secret_basic: base64(id:secret), each form-urlencoded (ours need no escaping).
    let expected = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    if headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        != Some(expected.as_str())
    {
        return token_error("invalid_client");
    }
    let p = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    if p("grant_type") != "authorization_code" {
        return token_error("unsupported_grant_type");
    }
    // A code is used once.
    let Some(grant) = st.codes.lock().expect("lock").remove(p("code")) else {
        return token_error("invalid_grant");
    };
    if p("redirect_uri") != grant.redirect_uri {
        return token_error("invalid_grant");
    }
    if b64(&Sha256::digest(p("code_verifier").as_bytes())) != grant.challenge {
        return token_error("invalid_grant");
    }
    let mode = *st.mode.lock().expect("lock");
    let now = st.clock.now().unix_timestamp();
    let access_token = random_hex();
    let digest = Sha256::digest(access_token.as_bytes());
    let claims = serde_json::json!({
        "iss": if mode == Mode::WrongIssuer { "http://127.0.0.1:1" } else { st.issuer.as_str() },
        "sub": grant.person.sub,
        "aud": if mode == Mode::WrongAudience { "ung-dung-khac" } else { CLIENT_ID },
        "iat": now,
        "exp": if mode == Mode::Expired { now - 60 } else { now + 300 },
        "nonce": if mode == Mode::WrongNonce { "nonce-khac" } else { grant.nonce.as_str() },
        "at_hash": b64(&digest[..16]),
        "name": grant.person.name,
        "email": grant.person.email,
        "email_verified": true,
    });
    let (kid, key) = st.key.lock().expect("lock").clone();
    let header = serde_json::json!({"alg": "RS256", "typ": "JWT", "kid": kid});
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let mut signature = SigningKey::<rsa::sha2::Sha256>::new(key)
        .sign(input.as_bytes())
        .to_vec();
    if mode == Mode::BadSignature {
        signature[10] ^= 0x55;
    }
    axum::Json(serde_json::json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": format!("{input}.{}", b64(&signature)),
    }))
    .into_response()
}

/// The path and query of a URL on our server (the test router is addressed by path).
fn local(url: &str) -> String {
    url.strip_prefix("http://127.0.0.1:8080")
        .unwrap_or_else(|| panic!("{url} is not on our server"))
        .to_owned()
}

async fn oidc_app(app: TestApp) -> (TestApp, Provider) {
    let provider = Provider::start(app.clock.clone()).await;
    let app = app.with_web(provider.config()).await;
    (app, provider)
}

/// Starts a login (`/dang-nhap/oidc?…`) and lets the provider approve it: returns our callback
/// path with the code and state.
async fn to_callback(b: &mut Browser<'_>, provider: &Provider, start: &str) -> String {
    let r = b.get(start).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to_provider = r.location().expect("location").to_owned();
    local(&provider.approve(&to_provider).await)
}

async fn user_count(app: &TestApp) -> i64 {
    let mut tx = app.app.db.begin_read().await.expect("tx");
    users::count(&mut tx).await.expect("count")
}

fn assert_refused(r: &TestResponse, code: &str, b: &Browser<'_>) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{code}: {}", r.body);
    assert!(r.body.contains(code), "{code}: {}", r.body);
    assert!(!b.cookies.contains_key("congso_sid"), "{code}: no session");
    assert!(
        !b.cookies.contains_key("congso_oidc"),
        "{code}: pending login cleared"
    );
}

http_test!(async fn full_flow_creates_a_citizen_and_a_second_login_reuses_it(app) {
    let (app, provider) = oidc_app(app).await;
    let mut b = app.browser();
    let page = b.get("/dang-nhap?next=/can-bo").await;
    assert!(page.body.contains("Đăng nhập bằng tài khoản định danh (VNeID/SSO)"), "{}", page.body);
    assert!(page.body.contains("href=\"/dang-nhap/oidc?next=/can-bo\""), "{}", page.body);

    let r = b.get("/dang-nhap/oidc?next=/can-bo").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to_provider = r.location().expect("location").to_owned();
    assert!(to_provider.starts_with(&format!("{}/authorize?", provider.issuer)), "{to_provider}");
    for part in ["response_type=code", "code_challenge_method=S256", "state=", "nonce=", "client_id=congso-thu-nghiem"] {
        assert!(to_provider.contains(part), "{part} in {to_provider}");
    }
    let cookie = r.set_cookies().into_iter().find(|c| c.starts_with("congso_oidc=")).expect("pending cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Max-Age=600", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }
    let callback = local(&provider.approve(&to_provider).await);
    assert!(callback.starts_with("/dang-nhap/oidc/callback?code="), "{callback}");

    let events = app.event_count().await;
    let users_before = user_count(&app).await;
    let r = b.get(&callback).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/can-bo"), "back to next");
    assert!(b.cookies.contains_key("congso_sid"), "signed in");
    assert!(!b.cookies.contains_key("congso_oidc"), "pending login cleared");
    assert_eq!(provider.token_calls(), 1);
    assert_eq!(user_count(&app).await, users_before + 1);
    assert_eq!(app.event_count().await, events + 2, "user.created and user.logged_in");

    let mut tx = app.app.db.begin_read().await.expect("tx");
    let link = identities::by_issuer_subject(&mut tx, &provider.issuer, "079301000001")
        .await.expect("q").expect("identity linked");
    let user = users::by_id(&mut tx, link.user_id).await.expect("q").expect("user");
    assert_eq!(user.full_name, "Trần Thị Bình");
    assert_eq!(user.email.as_deref(), Some("binh.tran@example.vn"));
    assert_eq!(user.password_hash, None);
    assert!(user.username.starts_with("tran-thi-binh-"), "{}", user.username);
    let grants = users::active_grants(&mut tx, user.id).await.expect("grants");
    assert_eq!(grants.len(), 1);
    assert_eq!((grants[0].role.as_str(), grants[0].unit_id), ("citizen", None));
    let chain = congso_db::events::for_subject(&mut tx, user.id).await.expect("events");
    let actions: Vec<&str> = chain.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["user.created", "user.logged_in"]);
    assert!(chain[1].payload.contains("\"via\":\"oidc\""), "{}", chain[1].payload);
    drop(tx);

    // The session works: the portal greets the citizen; the officers' workspace stays closed.
    let home = b.get("/").await;
    assert!(home.body.contains("Trần Thị Bình") && home.body.contains("Đăng xuất"), "{}", home.body);
    assert_eq!(b.get("/can-bo").await.status, StatusCode::FORBIDDEN);

    // A second login with the same subject (another device, no next) reuses the account.
    let mut other = app.browser();
    let callback = to_callback(&mut other, &provider, "/dang-nhap/oidc").await;
    let r = other.get(&callback).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/"), "a citizen lands on the portal");
    assert!(other.cookies.contains_key("congso_sid"));
    assert_ne!(other.cookies.get("congso_sid"), b.cookies.get("congso_sid"), "a new session");
    assert_eq!(user_count(&app).await, users_before + 1, "no second account");
    assert_eq!(app.session_count(&user.username).await, 2);
    assert_eq!(app.event_count().await, events + 3, "only user.logged_in");

    // Replaying the used callback fails: the pending login is gone.
    let r = other.get(&callback).await;
    assert_refused(&r, "oidc_state_invalid", &app.browser());

    // Another person at the provider gets another account.
    provider.set_person("079301000002", "Lê Văn Cường");
    let mut third = app.browser();
    let callback = to_callback(&mut third, &provider, "/dang-nhap/oidc").await;
    assert_eq!(third.get(&callback).await.status, StatusCode::SEE_OTHER);
    assert_eq!(user_count(&app).await, users_before + 2);
});

http_test!(async fn a_wrong_or_missing_state_is_refused_in_vietnamese(app) {
    let (app, provider) = oidc_app(app).await;
    let users_before = user_count(&app).await;
    let mut b = app.browser();
    let callback = to_callback(&mut b, &provider, "/dang-nhap/oidc").await;
    let (path, _) = callback.split_once("&state=").expect("state in callback");
    let r = b.get(&format!("{path}&state=trang-thai-gia")).await;
    assert_refused(&r, "oidc_state_invalid", &b);
    assert!(r.body.contains("Phiên đăng nhập bằng tài khoản định danh đã hết hạn hoặc không hợp lệ"), "{}", r.body);
    assert_eq!(provider.token_calls(), 0, "the code was never exchanged");

    // The right state from a browser that did not start the login (no cookie): refused.
    let mut b = app.browser();
    let callback = to_callback(&mut b, &provider, "/dang-nhap/oidc").await;
    let mut stranger = app.browser();
    assert_refused(&stranger.get(&callback).await, "oidc_state_invalid", &stranger);
    // A forged cookie: refused.
    stranger.cookies.insert("congso_oidc".into(), "eyJzIjoieCJ9.AAAA".into());
    assert_refused(&stranger.get(&callback).await, "oidc_state_invalid", &stranger);
    // A pending login older than ten minutes: refused.
    app.clock.advance(time::Duration::minutes(11));
    assert_refused(&b.get(&callback).await, "oidc_state_invalid", &b);
    assert_eq!(provider.token_calls(), 0);
    assert_eq!(user_count(&app).await, users_before);
});

http_test!(async fn id_tokens_that_fail_verification_are_refused_and_create_nobody(app) {
    let (app, provider) = oidc_app(app).await;
    let users_before = user_count(&app).await;
    let events = app.event_count().await;
    for mode in [Mode::WrongNonce, Mode::WrongAudience, Mode::WrongIssuer, Mode::BadSignature, Mode::Expired] {
        provider.set_mode(mode);
        let mut b = app.browser();
        let callback = to_callback(&mut b, &provider, "/dang-nhap/oidc").await;
        let r = b.get(&callback).await;
        assert_refused(&r, "oidc_token_invalid", &b);
        assert!(r.body.contains("Không xác thực được thông tin định danh"), "{mode:?}: {}", r.body);
    }
    assert_eq!(user_count(&app).await, users_before, "no account created");
    assert_eq!(app.event_count().await, events, "nothing recorded");

    // The person cancels at the provider: its error is shown, nothing is exchanged.
    provider.set_mode(Mode::Deny);
    let calls = provider.token_calls();
    let mut b = app.browser();
    let callback = to_callback(&mut b, &provider, "/dang-nhap/oidc").await;
    let r = b.get(&callback).await;
    assert_refused(&r, "oidc_provider_error", &b);
    assert!(r.body.contains("access_denied"), "{}", r.body);
    assert_eq!(provider.token_calls(), calls);

    // Honest again: the same login works.
    provider.set_mode(Mode::Honest);
    let mut b = app.browser();
    let callback = to_callback(&mut b, &provider, "/dang-nhap/oidc").await;
    assert_eq!(b.get(&callback).await.status, StatusCode::SEE_OTHER);
    assert_eq!(user_count(&app).await, users_before + 1);

    // The provider rotates its signing key: the server fetches the new key set and goes on.
    provider.rotate_key();
    let mut b = app.browser();
    let callback = to_callback(&mut b, &provider, "/dang-nhap/oidc").await;
    let r = b.get(&callback).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(b.cookies.contains_key("congso_sid"));
});

http_test!(async fn next_must_be_a_local_path(app) {
    let (app, provider) = oidc_app(app).await;
    for evil in ["https://evil.example", "//evil.example", "/\\evil.example"] {
        let mut b = app.browser();
        let start = format!("/dang-nhap/oidc?next={}", congso_web::pages::encode_component(evil));
        let callback = to_callback(&mut b, &provider, &start).await;
        let r = b.get(&callback).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{evil}: {}", r.body);
        assert_eq!(r.location(), Some("/"), "{evil} ignored");
    }
});

http_test!(async fn a_disabled_account_cannot_log_in_with_its_identity(app) {
    let (app, provider) = oidc_app(app).await;
    let mut b = app.browser();
    let callback = to_callback(&mut b, &provider, "/dang-nhap/oidc").await;
    assert_eq!(b.get(&callback).await.status, StatusCode::SEE_OTHER);
    let mut tx = app.app.db.begin_write().await.expect("tx");
    let link = identities::by_issuer_subject(&mut tx, &provider.issuer, "079301000001")
        .await.expect("q").expect("linked");
    congso_db::tx_run!(&mut tx, |c| congso_db::sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(false).bind(link.user_id).execute(c).await.map(|_| ())).expect("disable");
    tx.commit().await.expect("commit");
    let mut b = app.browser();
    let callback = to_callback(&mut b, &provider, "/dang-nhap/oidc").await;
    let r = b.get(&callback).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("account_disabled") && r.body.contains("Tài khoản đã bị khóa"), "{}", r.body);
    assert!(!b.cookies.contains_key("congso_sid"));
});

http_test!(async fn without_configuration_there_is_no_route_and_no_button(app) {
    let mut b = app.browser();
    assert_eq!(b.get("/dang-nhap/oidc").await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get("/dang-nhap/oidc/callback?code=x&state=y").await.status, StatusCode::NOT_FOUND);
    let page = b.get("/dang-nhap").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("/dang-nhap/oidc"), "{}", page.body);
    assert!(!page.body.contains("tài khoản định danh"), "{}", page.body);
});

http_test!(async fn a_provider_that_is_down_does_not_stop_the_server(app) {
    // A closed loopback port: the server starts, shows the button, and answers 503 on use.
    let web = WebConfig {
        oidc: Some(OidcConfig {
            issuer_url: "http://127.0.0.1:9".into(),
            client_id: CLIENT_ID.into(),
            client_secret: None,
            label: Some("Đăng nhập qua SSO tỉnh".into()),
            redirect_url: REDIRECT_URI.into(),
        }),
        ..WebConfig::default()
    };
    let app = app.with_web(web).await;
    let mut b = app.browser();
    let page = b.get("/dang-nhap").await;
    assert!(page.body.contains("Đăng nhập qua SSO tỉnh"), "configured label: {}", page.body);
    let r = b.get("/dang-nhap/oidc").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(r.body.contains("oidc_unavailable") && r.body.contains("Hệ thống định danh tạm thời không truy cập được"), "{}", r.body);
    assert!(!b.cookies.contains_key("congso_oidc"));
});

http_test!(async fn the_english_page_translates_the_default_button(app) {
    let (app, _provider) = oidc_app(app).await;
    let mut b = app.browser();
    b.cookies.insert("congso_lang".into(), "en".into());
    let page = b.get("/dang-nhap").await;
    assert!(page.body.contains("Sign in with your digital identity (VNeID/SSO)"), "{}", page.body);
});
