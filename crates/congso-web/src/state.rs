//! Shared state of the HTTP surface.

use std::sync::Arc;

use congso_app::App;

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
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    /// The deployment's signing key (CSRF tokens).
    pub key: Arc<Vec<u8>>,
    pub metrics: Arc<Metrics>,
    pub web: Arc<WebConfig>,
}

impl AppState {
    /// Builds the state, loading (or creating) the signing key from the database.
    pub async fn new(app: App, web: WebConfig) -> congso_app::AppResult<AppState> {
        let key = congso_app::secrets::server_key(&app.db, app.now()).await?;
        Ok(AppState {
            app,
            key: Arc::new(key),
            metrics: Arc::new(Metrics::default()),
            web: Arc::new(web),
        })
    }
}
