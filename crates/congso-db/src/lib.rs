//! Database access for congso, on SQLite (embedded default) and PostgreSQL (production).
//!
//! - [`Db`] holds one typed pool per backend, chosen by the URL scheme. Every query is written once
//!   and expanded into one `match` arm per backend by the two dispatch macros below, so rustc
//!   type-checks both backends; the SQL stays in the portable subset (see `migrations/README.md`).
//! - Use cases run in one transaction: [`Db::begin_write`] (SQLite `BEGIN IMMEDIATE`, so concurrent
//!   writers queue instead of failing) or [`Db::begin_read`]. Repository functions take `&mut Tx`.
//! - Instants go through [`Ts`]; ids are UUIDv7 created by the application.

pub mod direct;
pub mod events;
pub mod jobs;
pub mod repo;
pub mod ts;

#[cfg(feature = "testing")]
pub mod bulk;
#[cfg(feature = "testing")]
pub mod testing;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};

pub use sqlx;
pub use ts::Ts;

/// Errors from this crate are sqlx errors; use [`is_unique_violation`] to recognise conflicts.
pub type DbResult<T> = Result<T, sqlx::Error>;

/// A database handle: one pool, SQLite or PostgreSQL. On SQLite also the direct connections
/// of the desk's hot path ([`direct`]).
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool, std::sync::Arc<direct::Direct>),
    Postgres(PgPool),
}

/// An open transaction on either backend.
pub enum Tx {
    Sqlite(SqliteTx),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// A SQLite transaction. A write transaction also holds the process's writer lock for its
/// database file: SQLite has one writer at a time, and queueing writers in process (FIFO, no
/// polling) replaces the busy handler's sleeps (1, 2, 5, … 100 ms), which ruin tail latency under
/// concurrent writes. Derefs to the connection, like `sqlx::Transaction`.
pub struct SqliteTx {
    tx: SqliteConn,
    _writer: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// Event-chain heads (last seq and hash; `None`: no chain yet) already read in this write
    /// transaction with their subject, so that [`events::append`] need not read them again.
    /// Exact, because the write transaction excludes every other writer.
    heads: std::collections::HashMap<uuid::Uuid, Option<(i64, String)>>,
}

impl SqliteTx {
    /// The chain head of `subject` if this write transaction already knows it.
    pub(crate) fn known_head(&self, subject: uuid::Uuid) -> Option<Option<(i64, String)>> {
        self.heads.get(&subject).cloned()
    }

    /// Remembers a chain head read (or written) in this write transaction. Ignored in a read
    /// transaction, where another writer may move the head.
    pub(crate) fn remember_head(&mut self, subject: uuid::Uuid, head: Option<(i64, String)>) {
        if self._writer.is_some() {
            self.heads.insert(subject, head);
        }
    }
}

/// A SQLite transaction, or a bare connection for reads that need no common snapshot
/// ([`Db::reader`]): each statement is then its own implicit transaction, which saves the
/// `BEGIN` and `COMMIT` round trips to the connection's worker thread.
enum SqliteConn {
    Tx(sqlx::Transaction<'static, Sqlite>),
    Plain(sqlx::pool::PoolConnection<Sqlite>),
}

impl std::ops::Deref for SqliteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &sqlx::SqliteConnection {
        match &self.tx {
            SqliteConn::Tx(t) => t,
            SqliteConn::Plain(c) => c,
        }
    }
}

impl std::ops::DerefMut for SqliteTx {
    fn deref_mut(&mut self) -> &mut sqlx::SqliteConnection {
        match &mut self.tx {
            SqliteConn::Tx(t) => t,
            SqliteConn::Plain(c) => c,
        }
    }
}

/// Where a use case reads when it needs to: the caller's transaction, or a reader
/// ([`Db::reader`]) opened on first use — so a path that usually finds what it needs in memory
/// (or on a [`direct`] connection) takes no pooled connection at all.
pub enum Reads<'a> {
    In(&'a mut Tx),
    Lazy(&'a Db, Option<Tx>),
}

impl Reads<'_> {
    /// The transaction to read in.
    pub async fn tx(&mut self) -> DbResult<&mut Tx> {
        match self {
            Reads::In(tx) => Ok(tx),
            Reads::Lazy(db, slot) => {
                let tx = match slot.take() {
                    Some(tx) => tx,
                    None => db.reader().await?,
                };
                Ok(slot.insert(tx))
            }
        }
    }

    /// Ends a reader opened here (the caller's transaction is left to the caller).
    pub async fn finish(self) -> DbResult<()> {
        match self {
            Reads::Lazy(_, Some(tx)) => tx.commit().await,
            _ => Ok(()),
        }
    }
}

/// The in-process writer lock of a SQLite database file (one per file, shared by every pool that
/// opens it).
pub(crate) fn sqlite_writer(pool: &SqlitePool) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};
    static WRITERS: LazyLock<Mutex<HashMap<std::path::PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut map = WRITERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    map.entry(file).or_default().clone()
}

/// The thread where SQLite write use cases run (see [`Db::run_write`]); `None` if it could not
/// be started (then they run where they are called).
fn sqlite_writer_runtime() -> Option<&'static tokio::runtime::Runtime> {
    use std::sync::LazyLock;
    static RT: LazyLock<Option<tokio::runtime::Runtime>> = LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("congso-sqlite-writer")
            .enable_all()
            .build()
            .map_err(|e| tracing::warn!(error = %e, "no SQLite writer thread; writes run inline"))
            .ok()
    });
    RT.as_ref()
}

/// Runs `$body` with `$pool` bound to the backend's pool. The body is compiled once per backend.
#[macro_export]
macro_rules! db_run {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool, _) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the transaction's connection. The body is compiled once per
/// backend. This and [`db_run!`] are the only dispatch macros; everything else is plain Rust.
#[macro_export]
macro_rules! tx_run {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// The backend of a handle, for the few places that need backend-specific SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Connection options beyond the URL.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Maximum pool size.
    pub max_connections: u32,
    /// SQLite only: `synchronous=FULL` instead of `NORMAL`. In WAL mode `NORMAL` already keeps every
    /// committed transaction across a process crash (SIGKILL); `FULL` also survives power loss.
    pub sqlite_synchronous_full: bool,
    /// PostgreSQL only: the schema to use (`search_path`), for isolated tests.
    pub pg_schema: Option<String>,
    /// SQLite only: how much of the database file each connection maps into memory
    /// (`PRAGMA mmap_size`; 0 turns it off). In WAL mode a connection drops its page cache whenever
    /// another connection has written, so with mapped pages that refill is a memory read instead of
    /// a `pread` system call per page. The mapping is shared by every connection (the OS page cache).
    pub sqlite_mmap_bytes: u64,
}

/// The default `sqlite_mmap_bytes`: off. Measured on the desk benchmark, mapped reads cost more
/// CPU than they save (WAL mode re-validates the mapping on every transaction).
pub const DEFAULT_SQLITE_MMAP_BYTES: u64 = 0;

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            max_connections: 16,
            sqlite_synchronous_full: false,
            pg_schema: None,
            sqlite_mmap_bytes: DEFAULT_SQLITE_MMAP_BYTES,
        }
    }
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The migrations of one backend (for the parity test and `congso migrate --status`).
pub fn migrator(backend: Backend) -> &'static sqlx::migrate::Migrator {
    match backend {
        Backend::Sqlite => &SQLITE_MIGRATOR,
        Backend::Postgres => &POSTGRES_MIGRATOR,
    }
}

/// Hides the password of a database URL for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

impl Db {
    /// Connects to `sqlite://path` (created if missing) or `postgres://…`.
    pub async fn connect(url: &str, opts: &ConnectOptions) -> DbResult<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut o = PgConnectOptions::from_str(url)?;
            if let Some(schema) = &opts.pg_schema {
                o = o.options([("search_path", schema.as_str())]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(o)
                .await?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            if let Some(path) = sqlite_path(url)
                && let Some(parent) = std::path::Path::new(&path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
            }
            let o = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(if opts.sqlite_synchronous_full {
                    SqliteSynchronous::Full
                } else {
                    SqliteSynchronous::Normal
                })
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("mmap_size", opts.sqlite_mmap_bytes.to_string());
            // No ping before handing a connection out: a local file does not go stale like a
            // network connection, and the ping is one more round trip to the worker thread per
            // transaction.
            let pool = SqlitePoolOptions::new()
                .max_connections(opts.max_connections)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(o.clone())
                .await?;
            let direct = direct::Direct::new(
                o.get_filename(),
                opts.sqlite_synchronous_full,
                opts.sqlite_mmap_bytes,
            );
            Ok(Db::Sqlite(pool, std::sync::Arc::new(direct)))
        } else {
            Err(sqlx::Error::Configuration(
                format!(
                    "unsupported database URL {:?}: use sqlite://PATH or postgres://…",
                    redact_url(url)
                )
                .into(),
            ))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(..) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self {
            Db::Sqlite(p, _) => SQLITE_MIGRATOR.run(p).await,
            Db::Postgres(p) => POSTGRES_MIGRATOR.run(p).await,
        }
    }

    /// Starts a write transaction. On SQLite this is `BEGIN IMMEDIATE`: the write lock is taken at
    /// once, so two writers never deadlock on a lock upgrade; the second waits (busy timeout).
    pub async fn begin_write(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(p, _) => {
                // The lock first, then a connection: waiting writers hold no pool connection.
                let writer = sqlite_writer(p).lock_owned().await;
                Tx::Sqlite(SqliteTx {
                    tx: SqliteConn::Tx(p.begin_with("BEGIN IMMEDIATE").await?),
                    _writer: Some(writer),
                    heads: Default::default(),
                })
            }
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Runs a write use case (`begin_write` … `commit`) to completion. On SQLite it runs on a
    /// thread of its own: a write transaction holds the database's only write lock across several
    /// round trips to the connection's thread, and on the request threads each of those waits
    /// behind other requests' work (HTTP, JSON, reads), so the lock would be held for that wait
    /// too. There, every step continues at once. The use case also completes if the caller goes
    /// away (a client that disconnects does not cut a transaction short). On PostgreSQL it runs
    /// inline. A panic in `fut` resumes in the caller.
    pub async fn run_write<T, F>(&self, fut: F) -> DbResult<T>
    where
        F: std::future::Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        match (self, sqlite_writer_runtime()) {
            (Db::Sqlite(..), Some(rt)) => match rt.spawn(fut).await {
                Ok(v) => Ok(v),
                Err(e) => match e.try_into_panic() {
                    Ok(p) => std::panic::resume_unwind(p),
                    Err(_) => Err(sqlx::Error::WorkerCrashed),
                },
            },
            _ => Ok(fut.await),
        }
    }

    /// Starts a read transaction (a consistent snapshot; never blocks writers).
    pub async fn begin_read(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(p, _) => Tx::Sqlite(SqliteTx {
                tx: SqliteConn::Tx(p.begin().await?),
                _writer: None,
                heads: Default::default(),
            }),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// A handle for a few reads that need not see one snapshot (a view built after a commit, a
    /// cache refresh). On SQLite it is a bare pooled connection, so `commit` costs nothing; on
    /// PostgreSQL a read transaction as [`Db::begin_read`]. Never write through it.
    pub async fn reader(&self) -> DbResult<Tx> {
        Ok(match self {
            Db::Sqlite(p, _) => Tx::Sqlite(SqliteTx {
                tx: SqliteConn::Plain(p.acquire().await?),
                _writer: None,
                heads: Default::default(),
            }),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> DbResult<()> {
        db_run!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|_| ()))
    }

    /// Closes the pool, waiting for connections to be returned, and the direct connections.
    pub async fn close(&self) {
        if let Db::Sqlite(pool, direct) = self {
            direct.close(pool).await;
        }
        db_run!(self, |pool| pool.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => match t.tx {
                SqliteConn::Tx(tx) => tx.commit().await,
                SqliteConn::Plain(_) => Ok(()),
            },
            Tx::Postgres(t) => t.commit().await,
        }
    }

    pub async fn rollback(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => match t.tx {
                SqliteConn::Tx(tx) => tx.rollback().await,
                SqliteConn::Plain(_) => Ok(()),
            },
            Tx::Postgres(t) => t.rollback().await,
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Whether the error is a unique-constraint violation (a conflict the user can understand).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        None
    } else {
        Some(path.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://congso:s3cret@db:5432/congso"),
            "postgres://congso:***@db:5432/congso"
        );
        assert_eq!(
            redact_url("sqlite://data/congso.db"),
            "sqlite://data/congso.db"
        );
        assert_eq!(
            sqlite_path("sqlite://data/x.db?mode=rwc").as_deref(),
            Some("data/x.db")
        );
    }
}
