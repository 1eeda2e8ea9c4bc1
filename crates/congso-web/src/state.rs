//! Shared state of the HTTP surface.

use std::sync::Arc;

use congso_app::App;
use secrecy::{ExposeSecret, SecretString};

use crate::metrics::Metrics;

/// Settings of the HTTP surface.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest accepted upload (multipart body), in bytes.
    pub max_upload_bytes: usize,
    /// Log in with an OpenID Connect provider (`None`: the routes answer 404, no button).
    pub oidc: Option<OidcConfig>,
}

/// The OpenID Connect provider (the province's SSO, a VNeID-style provider).
#[derive(Clone)]
pub struct OidcConfig {
    pub issuer_url: String,
    pub client_id: String,
    /// `None` for a public client (PKCE only).
    pub client_secret: Option<SecretString>,
    /// The login button's text; `None` uses the built-in text in the page's language.
    pub label: Option<String>,
    /// Where the provider sends the browser back: `<public_url>/dang-nhap/oidc/callback`.
    pub redirect_url: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("label", &self.label)
            .field("redirect_url", &self.redirect_url)
            .finish()
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
            oidc: None,
        }
    }
}

/// What every handler can reach. Cloned for every extractor of every request, so it is one
/// reference count (the application itself holds a dozen).
#[derive(Clone)]
pub struct AppState(Arc<StateInner>);

impl std::ops::Deref for AppState {
    type Target = StateInner;
    fn deref(&self) -> &StateInner {
        &self.0
    }
}

/// The contents of [`AppState`].
pub struct StateInner {
    pub app: App,
    /// The deployment's signing key (CSRF tokens).
    pub key: Arc<Vec<u8>>,
    pub metrics: Arc<Metrics>,
    pub web: Arc<WebConfig>,
    /// The OpenID Connect provider, when configured (metadata fetched lazily and cached).
    pub oidc: Option<Arc<congso_oidc::Provider>>,
}

impl AppState {
    /// Builds the state, loading (or creating) the signing key from the database. An OpenID
    /// Connect configuration is checked here but the provider is not contacted (the server starts
    /// even when it is down).
    pub async fn new(app: App, web: WebConfig) -> congso_app::AppResult<AppState> {
        let key = congso_app::secrets::server_key(&app.db, app.now()).await?;
        let oidc = match &web.oidc {
            Some(c) => Some(Arc::new(
                congso_oidc::Provider::new(&congso_oidc::Settings {
                    issuer_url: c.issuer_url.clone(),
                    client_id: c.client_id.clone(),
                    client_secret: c
                        .client_secret
                        .as_ref()
                        .map(|s| s.expose_secret().to_owned()),
                    redirect_url: c.redirect_url.clone(),
                })
                .map_err(congso_app::AppError::internal)?,
            )),
            None => None,
        };
        Ok(AppState(Arc::new(StateInner {
            app,
            key: Arc::new(key),
            metrics: Arc::new(Metrics::default()),
            web: Arc::new(web),
            oidc,
        })))
    }
}
