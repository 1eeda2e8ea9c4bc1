//! Use cases of congso. Each public use-case function runs in **one transaction**:
//! permission check → domain rule → writes → hash-chained event → jobs, then commit. HTML handlers,
//! JSON handlers and the CLI all call these functions, so permissions, validation and audit are the
//! same on every surface.

pub mod accounts;
pub mod actor;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalogue;
pub mod clock;
pub mod demo;
pub mod directives;
pub mod dossiers;
pub mod error;
pub mod index766;
pub mod jobs;
pub mod oidc;
pub mod petitions;
pub mod portal;
pub mod reports;
pub mod secrets;
pub mod site_reports;
pub mod statistics;
pub mod targets;
pub mod units;
pub mod users;

use std::sync::Arc;

use congso_db::Db;

pub use actor::Actor;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{AppError, AppResult};

/// Settings the use cases need (the rest of the configuration lives in the binary).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// A session ends after this many minutes without a request.
    pub session_idle_minutes: i64,
    /// Consecutive failed logins for one username before the throttle starts.
    pub login_free_failures: i64,
    /// Consecutive failed logins from one address before the throttle starts (offices share
    /// addresses behind NAT, so this is higher).
    pub login_free_failures_per_ip: i64,
    /// The public base URL, used in emails.
    pub public_url: String,
    /// The locality on official forms ("Huế, ngày …").
    pub place_name: String,
    /// The Open311 `jurisdiction_id` this server answers for (requests naming another get 404).
    pub open311_jurisdiction: String,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            session_idle_minutes: 30,
            login_free_failures: 5,
            login_free_failures_per_ip: 50,
            public_url: "http://127.0.0.1:8080".to_owned(),
            place_name: "Huế".to_owned(),
            open311_jurisdiction: "hue.gov.vn".to_owned(),
        }
    }
}

/// The application: the database, the clock and the settings. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<AppConfig>,
    /// This server's copy of the legal calendar.
    pub calendar: Arc<calendar::CalendarCache>,
    /// This server's cache of public catalogue searches.
    pub catalogue: Arc<catalogue::SearchCache>,
    /// This server's copy of the units (permission checks, names, office hours).
    pub units: Arc<units::UnitCache>,
    /// Bearer tokens this server resolved in the last seconds.
    pub tokens: Arc<auth::TokenCache>,
    /// Usernames by id (they never change).
    pub usernames: Arc<users::Usernames>,
    /// Where attachments are stored (in memory until [`App::with_files`] is called).
    pub files: congso_files::FileStore,
    /// Size and type rules for uploads.
    pub file_policy: congso_files::Policy,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, config: AppConfig) -> App {
        App {
            db,
            clock,
            config: Arc::new(config),
            calendar: Arc::default(),
            catalogue: Arc::default(),
            units: Arc::default(),
            tokens: Arc::default(),
            usernames: Arc::default(),
            files: congso_files::FileStore::in_memory(),
            file_policy: congso_files::Policy::default(),
        }
    }

    /// Uses `files` to store attachments (the server: `<data-dir>/files/`).
    pub fn with_files(mut self, files: congso_files::FileStore) -> App {
        self.files = files;
        self
    }

    /// The current instant, from the application's clock.
    pub fn now(&self) -> congso_db::Ts {
        congso_db::Ts::new(self.clock.now())
    }

    /// Prepares a database for use: loads the shipped legal calendar into a database that has
    /// none. Safe to call at every start.
    pub async fn bootstrap(&self) -> AppResult<()> {
        calendar::seed_if_empty(self).await.map(|_| ())
    }

    /// Today's date in Vietnam (UTC+7).
    pub fn today(&self) -> time::Date {
        congso_domain::time_vn::local_date(self.clock.now())
    }
}
