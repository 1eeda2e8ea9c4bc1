//! Configuration, layered: compiled-in defaults → `congso.toml` (or `--config FILE`) → environment
//! variables → command-line flags. `congso config default` prints a commented sample.
//!
//! Environment variables:
//! - `CONGSO_BIND`, `CONGSO_DATABASE_URL`, `CONGSO_DATA_DIR`, `CONGSO_CONFIG` (also flags)
//! - `CONGSO_PUBLIC_URL`: the address citizens use (links in emails)
//! - `CONGSO_OPEN311_JURISDICTION`: the Open311 `jurisdiction_id` served (default `hue.gov.vn`)
//! - `CONGSO_SECURE_COOKIES=1`: mark cookies `Secure` (behind HTTPS)
//! - `CONGSO_SMTP_HOST`, `CONGSO_SMTP_PORT`, `CONGSO_SMTP_USERNAME`, `CONGSO_SMTP_PASSWORD`,
//!   `CONGSO_SMTP_SECURITY` (`starttls` | `tls` | `none`), `CONGSO_MAIL_FROM`
//! - `CONGSO_LOG` (tracing filter, default `info`), `CONGSO_LOG_FORMAT` (`pretty` | `json`)
//! - `CONGSO_DEMO_PASSWORD`: the password of the demo users (random when unset)
//! - `CONGSO_OIDC_ISSUER_URL`, `CONGSO_OIDC_CLIENT_ID`: the OpenID Connect provider (login with the
//!   province's SSO / a VNeID-style provider); `CONGSO_OIDC_CLIENT_SECRET`: its client secret,
//!   accepted only from the environment (never from the file)

use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

/// The effective configuration.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub bind: String,
    /// Empty means `sqlite://<data_dir>/congso.db`.
    pub database_url: String,
    pub data_dir: PathBuf,
    pub public_url: String,
    /// The locality that starts the date line of official forms ("Huế, ngày …").
    pub place_name: String,
    /// The Open311 GeoReport v2 `jurisdiction_id` this server answers for.
    pub open311_jurisdiction: String,
    pub secure_cookies: bool,
    pub session_idle_minutes: i64,
    pub max_body_bytes: usize,
    /// SQLite `synchronous=FULL` (survives power loss, slower) instead of `NORMAL`.
    pub sqlite_synchronous_full: bool,
    /// SQLite: bytes of the database file mapped into memory (`PRAGMA mmap_size`; 0 = off).
    pub sqlite_mmap_bytes: u64,
    pub database_max_connections: u32,
    pub mail: MailConfig,
    pub log: LogConfig,
    pub oidc: OidcSection,
}

/// The `[oidc]` section: login with an OpenID Connect provider. Off while `issuer_url` is empty.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OidcSection {
    /// The issuer, exactly as in the provider's tokens; discovery reads
    /// `<issuer_url>/.well-known/openid-configuration` on first use.
    pub issuer_url: String,
    pub client_id: String,
    /// The login button's text.
    pub label: String,
    /// Only from `CONGSO_OIDC_CLIENT_SECRET`: a `client_secret` key in the file is refused.
    #[serde(skip)]
    pub client_secret: Option<SecretString>,
}

/// The default text of the OpenID Connect button (shown translated in English pages).
pub const DEFAULT_OIDC_LABEL: &str = "Đăng nhập bằng tài khoản định danh (VNeID/SSO)";

impl Default for OidcSection {
    fn default() -> Self {
        OidcSection {
            issuer_url: String::new(),
            client_id: String::new(),
            label: DEFAULT_OIDC_LABEL.into(),
            client_secret: None,
        }
    }
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    pub from: String,
    /// Empty: write `.eml` files to `<data_dir>/outbox/` instead of sending.
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_username: String,
    pub smtp_password: Option<SecretString>,
    pub smtp_security: String,
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub filter: String,
    pub format: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            database_url: String::new(),
            data_dir: PathBuf::from("./data"),
            public_url: "http://127.0.0.1:8080".into(),
            place_name: "Huế".into(),
            open311_jurisdiction: "hue.gov.vn".into(),
            secure_cookies: false,
            session_idle_minutes: 30,
            max_body_bytes: 2 * 1024 * 1024,
            sqlite_synchronous_full: false,
            sqlite_mmap_bytes: congso_db::DEFAULT_SQLITE_MMAP_BYTES,
            database_max_connections: 16,
            mail: MailConfig::default(),
            log: LogConfig::default(),
            oidc: OidcSection::default(),
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            from: "Cổng Dịch vụ công thành phố Huế <no-reply@congso.hue.gov.vn>".into(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_username: String::new(),
            smtp_password: None,
            smtp_security: "starttls".into(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            filter: "info".into(),
            format: "pretty".into(),
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &congso_db::redact_url(&self.database_url()))
            .field("data_dir", &self.data_dir)
            .field("public_url", &self.public_url)
            .field("place_name", &self.place_name)
            .field("secure_cookies", &self.secure_cookies)
            .field("smtp_host", &self.mail.smtp_host)
            .field(
                "smtp_password",
                &self.mail.smtp_password.as_ref().map(|_| "***"),
            )
            .field("oidc_issuer_url", &self.oidc.issuer_url)
            .field("oidc_client_id", &self.oidc.client_id)
            .field(
                "oidc_client_secret",
                &self.oidc.client_secret.as_ref().map(|_| "***"),
            )
            .finish_non_exhaustive()
    }
}

/// A commented sample file (`congso config default`).
pub const SAMPLE: &str = r#"# congso.toml — every key is optional; these are the defaults.
# Environment variables (CONGSO_*) override this file; command-line flags override both.

bind = "127.0.0.1:8080"              # CONGSO_BIND
database_url = ""                     # CONGSO_DATABASE_URL; empty = sqlite://<data_dir>/congso.db
                                      # PostgreSQL: "postgres://user:password@host:5432/congso"
data_dir = "./data"                   # CONGSO_DATA_DIR: database, outbox, files
public_url = "http://127.0.0.1:8080"  # CONGSO_PUBLIC_URL: used in links sent by email and QR codes
place_name = "Huế"                    # CONGSO_PLACE_NAME: the place on official forms ("Huế, ngày …")
open311_jurisdiction = "hue.gov.vn"   # CONGSO_OPEN311_JURISDICTION: the Open311 jurisdiction_id served
secure_cookies = false                # CONGSO_SECURE_COOKIES=1 when served over HTTPS
session_idle_minutes = 30             # sign out after this long without activity
max_body_bytes = 2097152              # largest accepted request body
sqlite_synchronous_full = false       # true: survive power loss at some write cost
sqlite_mmap_bytes = 0                 # bytes of the SQLite file mapped into memory; 0 = off
database_max_connections = 16

[mail]
from = "Cổng Dịch vụ công thành phố Huế <no-reply@congso.hue.gov.vn>"   # CONGSO_MAIL_FROM
smtp_host = ""                        # CONGSO_SMTP_HOST; empty = write .eml files to <data_dir>/outbox/
smtp_port = 587                       # CONGSO_SMTP_PORT
smtp_username = ""                    # CONGSO_SMTP_USERNAME
# smtp_password: set CONGSO_SMTP_PASSWORD instead of writing it here
smtp_security = "starttls"            # CONGSO_SMTP_SECURITY: starttls | tls | none

[log]
filter = "info"                       # CONGSO_LOG, e.g. "info,congso_web=debug"
format = "pretty"                     # CONGSO_LOG_FORMAT: pretty | json

[oidc]
# Login with OpenID Connect (the province's SSO / a VNeID-style provider); off while issuer_url is
# empty. Register <public_url>/dang-nhap/oidc/callback as the redirect URI at the provider.
issuer_url = ""                       # CONGSO_OIDC_ISSUER_URL, e.g. "https://sso.hue.gov.vn"
client_id = ""                        # CONGSO_OIDC_CLIENT_ID
# client_secret: set CONGSO_OIDC_CLIENT_SECRET (never written here)
label = "Đăng nhập bằng tài khoản định danh (VNeID/SSO)"   # the login button's text
"#;

impl Config {
    /// The database URL, defaulting to SQLite in the data directory.
    pub fn database_url(&self) -> String {
        if self.database_url.trim().is_empty() {
            format!("sqlite://{}", self.data_dir.join("congso.db").display())
        } else {
            self.database_url.clone()
        }
    }

    /// The web layer's OpenID Connect settings: `None` when `issuer_url` is empty.
    pub fn oidc(&self) -> anyhow::Result<Option<congso_web::OidcConfig>> {
        let o = &self.oidc;
        if o.issuer_url.trim().is_empty() {
            return Ok(None);
        }
        if o.client_id.trim().is_empty() {
            anyhow::bail!(
                "[oidc] issuer_url is set but client_id is empty (CONGSO_OIDC_CLIENT_ID)"
            );
        }
        let label = o.label.trim();
        Ok(Some(congso_web::OidcConfig {
            issuer_url: o.issuer_url.trim().to_owned(),
            client_id: o.client_id.trim().to_owned(),
            client_secret: o.client_secret.clone(),
            label: (!label.is_empty() && label != DEFAULT_OIDC_LABEL).then(|| label.to_owned()),
            redirect_url: format!(
                "{}/dang-nhap/oidc/callback",
                self.public_url.trim_end_matches('/')
            ),
        }))
    }

    /// Reads the file (if any) and applies the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut cfg = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
                toml::from_str(&text)
                    .map_err(|e| anyhow::anyhow!("invalid configuration {}: {e}", path.display()))?
            }
            None if Path::new("congso.toml").exists() => {
                let text = std::fs::read_to_string("congso.toml")?;
                toml::from_str(&text).map_err(|e| anyhow::anyhow!("invalid congso.toml: {e}"))?
            }
            None => Config::default(),
        };
        cfg.apply_env(|k| std::env::var(k).ok());
        Ok(cfg)
    }

    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) {
        let set = |target: &mut String, key: &str| {
            if let Some(v) = get(key) {
                *target = v;
            }
        };
        set(&mut self.bind, "CONGSO_BIND");
        set(&mut self.database_url, "CONGSO_DATABASE_URL");
        set(&mut self.public_url, "CONGSO_PUBLIC_URL");
        set(&mut self.place_name, "CONGSO_PLACE_NAME");
        set(
            &mut self.open311_jurisdiction,
            "CONGSO_OPEN311_JURISDICTION",
        );
        set(&mut self.mail.from, "CONGSO_MAIL_FROM");
        set(&mut self.mail.smtp_host, "CONGSO_SMTP_HOST");
        set(&mut self.mail.smtp_username, "CONGSO_SMTP_USERNAME");
        set(&mut self.mail.smtp_security, "CONGSO_SMTP_SECURITY");
        set(&mut self.log.filter, "CONGSO_LOG");
        set(&mut self.log.format, "CONGSO_LOG_FORMAT");
        set(&mut self.oidc.issuer_url, "CONGSO_OIDC_ISSUER_URL");
        set(&mut self.oidc.client_id, "CONGSO_OIDC_CLIENT_ID");
        if let Some(v) = get("CONGSO_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("CONGSO_SECURE_COOKIES") {
            self.secure_cookies = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Some(p) = get("CONGSO_SMTP_PORT").and_then(|v| v.parse().ok()) {
            self.mail.smtp_port = p;
        }
        if let Some(v) = get("CONGSO_SMTP_PASSWORD") {
            self.mail.smtp_password = Some(SecretString::from(v));
        }
        if let Some(v) = get("CONGSO_OIDC_CLIENT_SECRET").filter(|v| !v.is_empty()) {
            self.oidc.client_secret = Some(SecretString::from(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_parses_to_the_defaults() {
        let cfg: Config = toml::from_str(SAMPLE).expect("sample parses");
        let d = Config::default();
        assert_eq!(cfg.bind, d.bind);
        assert_eq!(cfg.data_dir, d.data_dir);
        assert_eq!(cfg.mail.smtp_port, d.mail.smtp_port);
        assert_eq!(cfg.database_url(), "sqlite://./data/congso.db");
        assert_eq!(cfg.oidc.label, d.oidc.label);
        assert!(
            cfg.oidc().expect("valid").is_none(),
            "OpenID Connect is off by default"
        );
    }

    #[test]
    fn oidc_from_file_and_environment_with_the_secret_only_from_the_environment() {
        let mut cfg: Config = toml::from_str(
            "public_url = \"https://dichvucong.hue.gov.vn/\"\n[oidc]\nissuer_url = \"https://sso.hue.gov.vn\"\nclient_id = \"congso\"\n",
        )
        .expect("parses");
        cfg.apply_env(|k| match k {
            "CONGSO_OIDC_CLIENT_ID" => Some("congso-prod".into()),
            "CONGSO_OIDC_CLIENT_SECRET" => Some("oidc-s3cret".into()),
            _ => None,
        });
        let o = cfg.oidc().expect("valid").expect("configured");
        assert_eq!(o.issuer_url, "https://sso.hue.gov.vn");
        assert_eq!(
            o.client_id, "congso-prod",
            "the environment overrides the file"
        );
        assert_eq!(
            o.redirect_url,
            "https://dichvucong.hue.gov.vn/dang-nhap/oidc/callback"
        );
        assert_eq!(o.label, None, "the default text is translated by the page");
        assert!(o.client_secret.is_some());
        assert!(!format!("{cfg:?}").contains("oidc-s3cret"), "redacted");
        assert!(!format!("{o:?}").contains("oidc-s3cret"), "redacted");
        assert!(
            toml::from_str::<Config>("[oidc]\nclient_secret = \"x\"\n").is_err(),
            "never from the file"
        );
        let mut half: Config = toml::from_str(
            "[oidc]\nissuer_url = \"https://sso.hue.gov.vn\"\nlabel = \"Đăng nhập SSO\"\n",
        )
        .expect("parses");
        assert!(half.oidc().is_err(), "client_id is required");
        half.oidc.client_id = "x".into();
        assert_eq!(
            half.oidc().expect("ok").expect("on").label.as_deref(),
            Some("Đăng nhập SSO")
        );
    }

    #[test]
    fn environment_overrides_file() {
        let mut cfg: Config = toml::from_str("bind = \"0.0.0.0:9000\"").expect("parses");
        cfg.apply_env(|k| match k {
            "CONGSO_BIND" => Some("127.0.0.1:7000".into()),
            "CONGSO_SMTP_PASSWORD" => Some("s3cret".into()),
            _ => None,
        });
        assert_eq!(cfg.bind, "127.0.0.1:7000");
        assert!(
            !format!("{cfg:?}").contains("s3cret"),
            "secrets are redacted"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(toml::from_str::<Config>("bindd = \"x\"").is_err());
    }
}
