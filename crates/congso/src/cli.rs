//! Command-line interface.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use congso_app::{Actor, App, AppConfig, SystemClock};
use congso_db::{ConnectOptions, Db};

use crate::config::{Config, SAMPLE};

#[derive(Debug, Parser)]
#[command(
    name = "congso",
    version,
    about = "Công sở điện tử — the electronic public office: procedures, one-stop dossiers, directives, petitions, KPIs."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every data command accepts.
#[derive(Debug, Args)]
pub struct Global {
    /// Database URL: sqlite://PATH (default: sqlite://<data-dir>/congso.db) or postgres://…
    #[arg(long, env = "CONGSO_DATABASE_URL", global = true)]
    pub database: Option<String>,
    /// Data directory (SQLite database, email outbox, files).
    #[arg(long, env = "CONGSO_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Configuration file (default: ./congso.toml when present).
    #[arg(long, env = "CONGSO_CONFIG", global = true)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal, the workspace and the API (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Load the demo organisation and users into an empty database.
    SeedDemo,
    /// Audit trail tools.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Administration: users and API tokens.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Import data from a file (all or nothing).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Export data to a file.
    #[command(subcommand)]
    Export(ExportCommand),
    /// The legal calendar: lunar dates, deadlines, days off (from the database with --database,
    /// else the shipped data).
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Reports: the one-stop report (Biểu II.06a), the rebuild of its aggregates, the QĐ 766 index.
    #[command(subcommand)]
    Report(crate::index766::ReportCommands),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// The procedure catalogue from FILE.json or FILE.xlsx (nothing is written if any row is bad).
    Procedures { file: PathBuf },
    /// Dossiers of a previous one-stop system from FILE.jsonl (one dossier with its events per
    /// line), replayed through the case engine; nothing is written if any line is refused.
    Dossiers { file: PathBuf },
    /// Directives with their tasks from FILE.json (an array; all or nothing).
    Directives { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The procedure catalogue (current versions, not repealed) to FILE.json or FILE.xlsx.
    Procedures { file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// One line per day: YYYY-MM-DD<TAB>lunar_day<TAB>lunar_month<TAB>lunar_year<TAB>leap.
    Lunar {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// The due date of a time limit counted from a date (the start day is not counted).
    #[command(group(clap::ArgGroup::new("limit").required(true).args(["working_days", "calendar_days", "working_hours"])))]
    Due {
        /// YYYY-MM-DD or YYYY-MM-DDTHH:MM.
        #[arg(long)]
        from: String,
        #[arg(long)]
        working_days: Option<u32>,
        #[arg(long)]
        calendar_days: Option<u32>,
        #[arg(long)]
        working_hours: Option<u32>,
    },
    /// Every non-working weekday and every make-up working day of a year:
    /// YYYY-MM-DD<TAB>kind<TAB>name.
    OffDays { year: i32 },
}

#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CONGSO_BIND")]
    pub bind: Option<String>,
    /// Do not load the demo data into an empty database.
    #[arg(long)]
    pub no_demo: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute every event hash chain; exit 0 and print `ok <N> events` when intact.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Users.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Open311 GeoReport v2 API keys (for clients that file on-site reports).
    #[command(name = "open311-key", subcommand)]
    Open311Key(Open311KeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum Open311KeyCommand {
    /// Create an Open311 API key; the key is printed on the last line (only its digest is kept).
    Create {
        /// Who the key is for (the client application).
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user with one role (in a unit, for every role but citizen).
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        password: String,
        /// citizen, one_stop_officer, specialist, unit_head, office_staff, leader, admin
        #[arg(long)]
        role: String,
        /// Unit code, e.g. 000.00.04.H57.
        #[arg(long)]
        unit: Option<String>,
        /// Full name (defaults to the username).
        #[arg(long)]
        full_name: Option<String>,
        #[arg(long)]
        email: Option<String>,
    },
    /// List users and their roles.
    List,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user; the token is printed on the last line.
    Create {
        #[arg(long)]
        user: String,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented sample congso.toml with the defaults.
    Default,
}

/// The configuration with command-line flags applied.
pub fn effective_config(global: &Global) -> anyhow::Result<Config> {
    let mut cfg = Config::load(global.config.as_deref())?;
    if let Some(d) = &global.data_dir {
        cfg.data_dir = d.clone();
    }
    if let Some(u) = &global.database {
        cfg.database_url = u.clone();
    }
    Ok(cfg)
}

/// Connects and migrates.
pub async fn open(cfg: &Config) -> anyhow::Result<Db> {
    let url = cfg.database_url();
    let db = Db::connect(
        &url,
        &ConnectOptions {
            max_connections: cfg.database_max_connections,
            sqlite_synchronous_full: cfg.sqlite_synchronous_full,
            pg_schema: None,
            sqlite_mmap_bytes: cfg.sqlite_mmap_bytes,
        },
    )
    .await
    .map_err(|e| {
        anyhow::anyhow!(
            "cannot open the database {}: {e}",
            congso_db::redact_url(&url)
        )
    })?;
    db.migrate()
        .await
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(db)
}

pub fn app(db: Db, cfg: &Config) -> anyhow::Result<App> {
    let files = congso_files::FileStore::local(&cfg.data_dir.join("files"))
        .map_err(|e| anyhow::anyhow!("cannot open the file store: {e}"))?;
    Ok(App::new(
        db,
        Arc::new(SystemClock),
        AppConfig {
            session_idle_minutes: cfg.session_idle_minutes,
            public_url: cfg.public_url.clone(),
            place_name: cfg.place_name.clone(),
            open311_jurisdiction: cfg.open311_jurisdiction.clone(),
            ..AppConfig::default()
        },
    )
    .with_files(files))
}

/// Prints the demo logins.
pub fn print_logins(logins: &[congso_app::demo::DemoLogin]) {
    println!("Tài khoản demo / demo logins:");
    for l in logins {
        println!(
            "  {:<12} mật khẩu/password: {:<18} {:<18} {}",
            l.username,
            l.password,
            l.role.as_str(),
            l.unit.as_deref().unwrap_or("—")
        );
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    if let Command::Config(ConfigCommand::Default) = command {
        print!("{SAMPLE}");
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Calendar(cmd) = command {
        return crate::calendar::run(&cli.global, cmd).await;
    }
    let mut cfg = effective_config(&cli.global)?;
    if let Command::Serve(args) = command {
        if let Some(b) = args.bind {
            cfg.bind = b;
        }
        return crate::serve::serve(cfg, args.no_demo).await;
    }
    let db = open(&cfg).await?;
    let app = app(db.clone(), &cfg)?;
    app.bootstrap().await.map_err(user_error)?;
    let code = match command {
        Command::Migrate => {
            let m = congso_db::migrator(db.backend());
            println!(
                "ok: {} migrations applied ({})",
                m.iter().count(),
                congso_db::redact_url(&cfg.database_url())
            );
            ExitCode::SUCCESS
        }
        Command::SeedDemo => {
            let pw = std::env::var("CONGSO_DEMO_PASSWORD").ok();
            match congso_app::demo::seed(&app, pw.as_deref()).await? {
                Some(logins) => {
                    print_logins(&logins);
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!(
                        "Cơ sở dữ liệu đã có dữ liệu; không nạp dữ liệu demo. / The database is not empty; demo not loaded."
                    );
                    ExitCode::FAILURE
                }
            }
        }
        Command::Audit(AuditCommand::Verify) => match congso_db::events::verify(&db).await? {
            congso_db::events::Verification::Ok { events, .. } => {
                println!("ok {events} events");
                ExitCode::SUCCESS
            }
            congso_db::events::Verification::Broken(b) => {
                println!("broken: {b}");
                ExitCode::FAILURE
            }
        },
        Command::Admin(AdminCommand::User(UserCommand::Create {
            username,
            password,
            role,
            unit,
            full_name,
            email,
        })) => {
            let u = congso_app::users::create_user(
                &app,
                &Actor::system(),
                congso_app::users::NewUser {
                    full_name: full_name.unwrap_or_else(|| username.clone()),
                    username,
                    password,
                    email,
                    phone: None,
                    role,
                    unit_code: unit,
                },
            )
            .await
            .map_err(user_error)?;
            println!("ok: created user {} ({})", u.username, u.id);
            ExitCode::SUCCESS
        }
        Command::Admin(AdminCommand::User(UserCommand::List)) => {
            let (users, total) = congso_app::users::list_users(&app, &Actor::system(), 500, 0)
                .await
                .map_err(user_error)?;
            for u in users {
                let roles: Vec<String> = u
                    .grants
                    .iter()
                    .map(|g| match &g.unit_code {
                        Some(c) => format!("{}@{c}", g.role),
                        None => g.role.clone(),
                    })
                    .collect();
                println!(
                    "{}\t{}\t{}",
                    u.user.username,
                    u.user.full_name,
                    roles.join(",")
                );
            }
            eprintln!("{total} users");
            ExitCode::SUCCESS
        }
        Command::Admin(AdminCommand::Token(TokenCommand::Create { user, name })) => {
            let token = congso_app::auth::create_token(&app, &Actor::system(), &user, &name)
                .await
                .map_err(user_error)?;
            println!("Token cho / token for {user} (chỉ hiển thị một lần / shown once):");
            println!("{token}");
            ExitCode::SUCCESS
        }
        Command::Admin(AdminCommand::Open311Key(Open311KeyCommand::Create { name })) => {
            let (row, key) =
                congso_app::site_reports::create_api_key(&app, &Actor::system(), &name)
                    .await
                    .map_err(user_error)?;
            println!(
                "Khóa Open311 cho / Open311 api_key for {} ({}) (chỉ hiển thị một lần / shown once):",
                row.name, row.id
            );
            println!("{key}");
            ExitCode::SUCCESS
        }
        Command::Import(ImportCommand::Procedures { file }) => {
            let ext = extension(&file)?;
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let specs = congso_app::catalogue::parse_file(&bytes, &ext)
                .map_err(|e| user_error(e.into()))?;
            eprintln!(
                "Kiểm tra {} thủ tục / checking {} procedures…",
                specs.len(),
                specs.len()
            );
            let progress = |done: usize, total: usize| {
                let pct = (done * 100).checked_div(total).unwrap_or(100);
                let bar = "#".repeat(pct / 4);
                eprint!("\r[{bar:<25}] {pct:>3}%  {done}/{total}");
                if done == total {
                    eprintln!();
                }
            };
            let r = congso_app::catalogue::import(&app, &Actor::system(), specs, &progress)
                .await
                .map_err(user_error)?;
            println!(
                "ok: {} mới / created, {} cập nhật / updated, {} không đổi / unchanged",
                r.created, r.updated, r.unchanged
            );
            ExitCode::SUCCESS
        }
        Command::Import(ImportCommand::Dossiers { file }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let progress = |done: usize, total: usize| {
                let pct = (done * 100).checked_div(total).unwrap_or(100);
                eprint!("\r[{:<25}] {pct:>3}%  {done}/{total}", "#".repeat(pct / 4));
                if done == total {
                    eprintln!();
                }
            };
            let n = congso_app::dossiers::import_legacy(&app, &text, &progress)
                .await
                .map_err(user_error)?;
            println!("ok: {n} hồ sơ / dossiers imported");
            ExitCode::SUCCESS
        }
        Command::Import(ImportCommand::Directives { file }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let (d, t) = congso_app::directives::import(&app, &congso_app::Actor::system(), &text)
                .await
                .map_err(user_error)?;
            println!("ok: {d} chỉ đạo, {t} nhiệm vụ / directives, tasks imported");
            ExitCode::SUCCESS
        }
        Command::Export(ExportCommand::Procedures { file }) => {
            let ext = extension(&file)?;
            let specs = congso_app::catalogue::export(&app, false)
                .await
                .map_err(user_error)?;
            let bytes = congso_app::catalogue::write_file(&specs, &ext).map_err(user_error)?;
            std::fs::write(&file, bytes)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", file.display()))?;
            println!(
                "ok: {} thủ tục / procedures → {}",
                specs.len(),
                file.display()
            );
            ExitCode::SUCCESS
        }
        Command::Report(cmd) => crate::index766::run(&app, cmd).await?,
        Command::Serve(_) | Command::Config(_) | Command::Calendar(_) => ExitCode::SUCCESS,
    };
    db.close().await;
    Ok(code)
}

fn extension(file: &std::path::Path) -> anyhow::Result<String> {
    match file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
    {
        Some(e) if e == "json" || e == "xlsx" => Ok(e),
        _ => {
            anyhow::bail!("tệp phải có đuôi .json hoặc .xlsx / the file must end in .json or .xlsx")
        }
    }
}

/// A use-case error as a console message: Vietnamese, then English, with the code.
pub fn user_error(e: congso_app::AppError) -> anyhow::Error {
    use congso_domain::Lang;
    if e.code == congso_domain::ErrorCode::Internal {
        return anyhow::anyhow!("{e}");
    }
    let detail = e.detail.map(|d| format!(" [{d}]")).unwrap_or_default();
    anyhow::anyhow!(
        "{} / {} ({}){detail}",
        e.code.message(Lang::Vi),
        e.code.message(Lang::En),
        e.code
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "congso",
            "admin",
            "token",
            "create",
            "--user",
            "admin",
            "--database",
            "sqlite://x.db",
        ])
        .expect("parses");
        assert_eq!(cli.global.database.as_deref(), Some("sqlite://x.db"));
    }
}
