//! Configuration, layered: compiled-in defaults → `congso.toml` (or `--config FILE`) → environment
//! variables → command-line flags. `congso config default` prints a commented sample.
//!
//! Environment variables:
//! - `CONGSO_BIND`, `CONGSO_DATABASE_URL`, `CONGSO_DATA_DIR`, `CONGSO_CONFIG` (also flags)
//! - `CONGSO_PUBLIC_URL`: the address citizens use (links in emails)
//! - `CONGSO_SECURE_COOKIES=1`: mark cookies `Secure` (behind HTTPS)
//! - `CONGSO_SMTP_HOST`, `CONGSO_SMTP_PORT`, `CONGSO_SMTP_USERNAME`, `CONGSO_SMTP_PASSWORD`,
//!   `CONGSO_SMTP_SECURITY` (`starttls` | `tls` | `none`), `CONGSO_MAIL_FROM`
//! - `CONGSO_LOG` (tracing filter, default `info`), `CONGSO_LOG_FORMAT` (`pretty` | `json`)
//! - `CONGSO_DEMO_PASSWORD`: the password of the demo users (random when unset)

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
    pub secure_cookies: bool,
    pub session_idle_minutes: i64,
    pub max_body_bytes: usize,
    /// SQLite `synchronous=FULL` (survives power loss, slower) instead of `NORMAL`.
    pub sqlite_synchronous_full: bool,
    pub database_max_connections: u32,
    pub mail: MailConfig,
    pub log: LogConfig,
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
            secure_cookies: false,
            session_idle_minutes: 30,
            max_body_bytes: 2 * 1024 * 1024,
            sqlite_synchronous_full: false,
            database_max_connections: 16,
            mail: MailConfig::default(),
            log: LogConfig::default(),
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
secure_cookies = false                # CONGSO_SECURE_COOKIES=1 when served over HTTPS
session_idle_minutes = 30             # sign out after this long without activity
max_body_bytes = 2097152              # largest accepted request body
sqlite_synchronous_full = false       # true: survive power loss at some write cost
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
        set(&mut self.mail.from, "CONGSO_MAIL_FROM");
        set(&mut self.mail.smtp_host, "CONGSO_SMTP_HOST");
        set(&mut self.mail.smtp_username, "CONGSO_SMTP_USERNAME");
        set(&mut self.mail.smtp_security, "CONGSO_SMTP_SECURITY");
        set(&mut self.log.filter, "CONGSO_LOG");
        set(&mut self.log.format, "CONGSO_LOG_FORMAT");
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
