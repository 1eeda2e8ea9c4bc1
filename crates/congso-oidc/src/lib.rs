//! The OpenID Connect relying party of congso: log in with the province's SSO or a VNeID-style
//! identity provider (authorization code flow with PKCE).
//!
//! - [`Provider::new`] only checks the settings; it does no IO, so the server starts even when the
//!   provider is down. Discovery (`/.well-known/openid-configuration` and the JWKS) happens on
//!   first use and is cached for [`METADATA_TTL`] (so key rotation is picked up).
//! - [`Provider::begin`] returns the authorization URL (scopes `openid profile email`) with a fresh
//!   `state`, `nonce` and PKCE (S256) verifier, which the caller keeps (congso: in a signed,
//!   short-lived cookie) until the callback.
//! - [`Provider::finish`] exchanges the code (with the verifier and the client credentials), then
//!   verifies the ID token: signature against the provider's keys, issuer, audience (this client
//!   only), nonce and expiry (against the caller's clock).
//!
//! This crate knows nothing of the database or the web framework; it is a leaf so that the HTTP
//! client and the JOSE code compile once and are used only by `congso-web`.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreClientAuthMethod, CoreProviderMetadata,
    CoreTokenResponse,
};
use openidconnect::{
    AuthType, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, SignatureVerificationError, TokenResponse, reqwest,
};

/// How long discovered metadata (endpoints and signing keys) is reused before it is fetched again.
pub const METADATA_TTL: Duration = Duration::from_secs(3600);
/// Timeout of one request to the provider.
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// What congso needs to know to talk to the provider.
#[derive(Clone)]
pub struct Settings {
    /// The issuer, exactly as the provider writes it in its tokens (`https://sso.example.vn`).
    pub issuer_url: String,
    pub client_id: String,
    /// `None` for a public client (PKCE only).
    pub client_secret: Option<String>,
    /// Where the provider sends the browser back: `<public_url>/dang-nhap/oidc/callback`.
    pub redirect_url: String,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "***"))
            .field("redirect_url", &self.redirect_url)
            .finish()
    }
}

/// Why a step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The settings are not usable (a malformed URL).
    #[error("invalid OpenID Connect settings: {0}")]
    Config(String),
    /// The provider could not be reached or answered nonsense (discovery, network, 5xx).
    #[error("identity provider unavailable: {0}")]
    Unavailable(String),
    /// The provider refused the code, or the ID token failed verification.
    #[error("identity provider response rejected: {0}")]
    Rejected(String),
}

/// The start of a login: send the browser to `url`; keep the rest for [`Provider::finish`].
#[derive(Debug, Clone)]
pub struct Authorization {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// The verified identity from the ID token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub preferred_username: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub phone: Option<String>,
    pub phone_verified: bool,
}

/// A configured provider with its cached metadata. Share it behind an `Arc`.
pub struct Provider {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    redirect: RedirectUrl,
    http: reqwest::Client,
    cache: RwLock<Option<(Instant, Arc<CoreProviderMetadata>)>>,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id.as_str())
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// Checks the settings and builds the HTTP client (no request is made).
    pub fn new(settings: &Settings) -> Result<Provider, Error> {
        let issuer = IssuerUrl::new(settings.issuer_url.trim().to_owned())
            .map_err(|e| Error::Config(format!("issuer_url: {e}")))?;
        if !matches!(issuer.url().scheme(), "https" | "http") {
            return Err(Error::Config("issuer_url must be an http(s) URL".into()));
        }
        let client_id = settings.client_id.trim();
        if client_id.is_empty() {
            return Err(Error::Config("client_id is empty".into()));
        }
        let redirect = RedirectUrl::new(settings.redirect_url.clone())
            .map_err(|e| Error::Config(format!("redirect_url: {e}")))?;
        let http = reqwest::ClientBuilder::new()
            // Following redirects would expose the server to SSRF through a hostile provider.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .connect_timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Provider {
            issuer,
            client_id: ClientId::new(client_id.to_owned()),
            client_secret: settings
                .client_secret
                .clone()
                .filter(|s| !s.is_empty())
                .map(ClientSecret::new),
            redirect,
            http,
            cache: RwLock::new(None),
        })
    }

    /// The issuer URL as configured.
    pub fn issuer(&self) -> &str {
        self.issuer.as_str()
    }

    /// The provider's metadata and keys: cached, fetched when missing or older than the TTL.
    async fn metadata(&self, refresh: bool) -> Result<Arc<CoreProviderMetadata>, Error> {
        if !refresh
            && let Ok(guard) = self.cache.read()
            && let Some((at, meta)) = guard.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(meta.clone());
        }
        let meta = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| Error::Unavailable(format!("discovery: {}", error_chain(&e))))?;
        let meta = Arc::new(meta);
        if let Ok(mut guard) = self.cache.write() {
            *guard = Some((Instant::now(), meta.clone()));
        }
        Ok(meta)
    }

    fn client(&self, meta: &CoreProviderMetadata) -> RpClient {
        let client = CoreClient::from_provider_metadata(
            meta.clone(),
            self.client_id.clone(),
            self.client_secret.clone(),
        )
        .set_redirect_uri(self.redirect.clone());
        // client_secret_basic is the default; use client_secret_post when that is all the
        // provider accepts.
        let methods = meta.token_endpoint_auth_methods_supported();
        let post_only = methods.is_some_and(|m| {
            m.contains(&CoreClientAuthMethod::ClientSecretPost)
                && !m.contains(&CoreClientAuthMethod::ClientSecretBasic)
        });
        if post_only {
            client.set_auth_type(AuthType::RequestBody)
        } else {
            client
        }
    }

    /// Starts a login: the authorization URL with a fresh state, nonce and PKCE challenge.
    pub async fn begin(&self) -> Result<Authorization, Error> {
        let meta = self.metadata(false).await?;
        let client = self.client(&meta);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Finishes a login: exchanges `code` and verifies the ID token (signature, issuer, audience,
    /// `nonce`, expiry at `now`).
    pub async fn finish(
        &self,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
        now: SystemTime,
    ) -> Result<Identity, Error> {
        let meta = self.metadata(false).await?;
        let client = self.client(&meta);
        let request = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| Error::Unavailable(format!("no token endpoint: {e}")))?;
        let response = request
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| match &e {
                RequestTokenError::ServerResponse(r) => {
                    Error::Rejected(format!("token endpoint: {r}"))
                }
                RequestTokenError::Request(_) => {
                    Error::Unavailable(format!("token endpoint: {}", error_chain(&e)))
                }
                _ => Error::Rejected(format!("token endpoint: {}", error_chain(&e))),
            })?;
        let now_utc = to_chrono(now);
        let nonce = Nonce::new(nonce.to_owned());
        match verify(&client, &response, &nonce, now_utc) {
            // The provider may have rotated its keys since they were cached: fetch them again once.
            Err(None) => {
                let fresh = self.metadata(true).await?;
                verify(&self.client(&fresh), &response, &nonce, now_utc).map_err(|e| {
                    e.unwrap_or_else(|| Error::Rejected("ID token: no matching key".into()))
                })
            }
            Err(Some(e)) => Err(e),
            Ok(identity) => Ok(identity),
        }
    }
}

/// The relying-party client built from discovered metadata.
type RpClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// Verifies the ID token of a token response. `Err(None)`: signed with a key the cached JWKS
/// does not have (worth refreshing the keys once).
fn verify(
    client: &RpClient,
    response: &CoreTokenResponse,
    nonce: &Nonce,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Identity, Option<Error>> {
    let id_token = response
        .id_token()
        .ok_or_else(|| Error::Rejected("the token response has no id_token".into()))?;
    let verifier = client.id_token_verifier().set_time_fn(move || now);
    let claims = id_token.claims(&verifier, nonce).map_err(|e| match e {
        ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        ) => None,
        e => Some(Error::Rejected(format!("ID token: {}", error_chain(&e)))),
    })?;
    // The access token must be the one the ID token was issued with, when it says so.
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token
            .signing_alg()
            .map_err(|e| Error::Rejected(format!("ID token: {e}")))?;
        let key = id_token
            .signing_key(&verifier)
            .map_err(|e| Error::Rejected(format!("ID token: {e}")))?;
        let actual = openidconnect::AccessTokenHash::from_token(response.access_token(), alg, key)
            .map_err(|e| Error::Rejected(format!("at_hash: {e}")))?;
        if actual != *expected {
            return Err(Some(Error::Rejected("at_hash does not match".into())));
        }
    }
    let localized = |c: Option<&openidconnect::LocalizedClaim<openidconnect::EndUserName>>| {
        c.and_then(|c| c.get(None)).map(|n| n.as_str().to_owned())
    };
    Ok(Identity {
        issuer: claims.issuer().as_str().to_owned(),
        subject: claims.subject().as_str().to_owned(),
        name: localized(claims.name()),
        given_name: claims
            .given_name()
            .and_then(|c| c.get(None))
            .map(|n| n.as_str().to_owned()),
        family_name: claims
            .family_name()
            .and_then(|c| c.get(None))
            .map(|n| n.as_str().to_owned()),
        preferred_username: claims.preferred_username().map(|u| u.as_str().to_owned()),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email_verified().unwrap_or(false),
        phone: claims.phone_number().map(|p| p.as_str().to_owned()),
        phone_verified: claims.phone_number_verified().unwrap_or(false),
    })
}

fn to_chrono(t: SystemTime) -> chrono::DateTime<chrono::Utc> {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    chrono::DateTime::from_timestamp(d.as_secs() as i64, d.subsec_nanos()).unwrap_or_default()
}

/// An error with its sources, on one line (no secrets: URLs and provider messages only).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            issuer_url: "https://sso.example.vn".into(),
            client_id: "congso".into(),
            client_secret: Some("bi-mat".into()),
            redirect_url: "https://congso.example.vn/dang-nhap/oidc/callback".into(),
        }
    }

    #[test]
    fn settings_are_checked_without_network_and_the_secret_is_redacted() {
        let p = Provider::new(&settings()).expect("valid");
        assert_eq!(p.issuer(), "https://sso.example.vn");
        assert!(!format!("{:?}", settings()).contains("bi-mat"));
        assert!(!format!("{p:?}").contains("bi-mat"));
        let mut bad = settings();
        bad.issuer_url = "not a url".into();
        assert!(matches!(Provider::new(&bad), Err(Error::Config(_))));
        let mut bad = settings();
        bad.client_id = " ".into();
        assert!(matches!(Provider::new(&bad), Err(Error::Config(_))));
    }

    #[tokio::test]
    async fn an_unreachable_provider_is_unavailable_not_a_panic() {
        let mut s = settings();
        // A closed port on loopback: connection refused at once.
        s.issuer_url = "http://127.0.0.1:9".into();
        let p = Provider::new(&s).expect("valid");
        assert!(matches!(p.begin().await, Err(Error::Unavailable(_))));
    }
}
