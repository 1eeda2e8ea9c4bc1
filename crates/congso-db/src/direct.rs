//! Direct SQLite access for the one-stop desk's hot path (a transition's read and write, a
//! receipt's write): synchronous calls into SQLite on the calling thread, through rusqlite.
//!
//! sqlx runs each SQLite connection on a thread of its own: every statement is a message to that
//! thread and each result a message back (a wake-up of a sleeping thread each way), and a pooled
//! connection is pinged on its way back to the pool (two more). On the desk benchmark (2 cores)
//! these hand-offs — over 100 context switches per dossier — cost more CPU than SQLite's own
//! work. Here a statement is a function call: the same database file, the same pragmas, the same
//! in-process writer lock ([`crate::sqlite_writer`]) as sqlx's write transactions, so both kinds
//! of writer queue behind each other in process. The SQL and the parameter lists are the ones the
//! sqlx path uses (`$N` parameters bound by name through [`Binder`], as sqlx binds them).
//!
//! A write never blocks the async runtime on another process: the writer connection does not wait
//! in SQLite's busy handler; while another process holds the database's write lock, [`Direct::write`]
//! sleeps asynchronously and tries again.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};

use crate::{DbResult, Ts};

/// How many idle reader connections are kept (more are opened when needed and closed after).
const IDLE_READERS: usize = 8;

/// How long a write waits for another process's write lock before it fails (as the sqlx pool's
/// busy timeout).
const WRITE_LOCK_WAIT: Duration = Duration::from_secs(10);

/// The direct connections of one SQLite database file.
pub struct Direct {
    file: PathBuf,
    pragmas: String,
    writer: Mutex<Option<Connection>>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for Direct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Direct").field("file", &self.file).finish()
    }
}

impl Direct {
    /// Direct access to `file` with the pool's settings (connections open on first use).
    pub(crate) fn new(file: &Path, synchronous_full: bool, mmap_bytes: u64) -> Direct {
        Direct {
            file: file.to_path_buf(),
            pragmas: format!(
                "PRAGMA foreign_keys = ON; PRAGMA synchronous = {}; PRAGMA mmap_size = {mmap_bytes};",
                if synchronous_full { "FULL" } else { "NORMAL" }
            ),
            writer: Mutex::new(None),
            readers: Mutex::new(Vec::new()),
        }
    }

    fn open(&self, busy: Duration) -> DbResult<Connection> {
        let c = Connection::open_with_flags(
            &self.file,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(error)?;
        c.execute_batch(&self.pragmas).map_err(error)?;
        c.busy_timeout(busy).map_err(error)?;
        c.set_prepared_statement_cache_capacity(32);
        Ok(c)
    }

    /// Runs `f` on a reader connection. Each statement outside an explicit transaction reads
    /// its own snapshot (WAL mode: readers never wait for the writer).
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> DbResult<T> {
        let idle = self
            .readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let conn = match idle {
            Some(c) => c,
            None => self.open(WRITE_LOCK_WAIT)?,
        };
        let out = f(&conn).map_err(error);
        if conn.is_autocommit() {
            let mut idle = self
                .readers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if idle.len() < IDLE_READERS {
                idle.push(conn);
            }
        }
        out
    }

    /// Runs `f` in a write transaction (`BEGIN IMMEDIATE`) under the process's writer lock of
    /// `pool`'s file: `Some` commits, `None` or an error rolls back. Nothing is awaited between
    /// `BEGIN` and `COMMIT`, so a caller that goes away cannot cut the transaction short.
    pub async fn write<T>(
        &self,
        pool: &sqlx::SqlitePool,
        mut f: impl FnMut(&Connection) -> rusqlite::Result<Option<T>>,
    ) -> DbResult<Option<T>> {
        let _writer = crate::sqlite_writer(pool).lock_owned().await;
        let started = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match self.try_write(&mut f) {
                Err(Busy) if started.elapsed() < WRITE_LOCK_WAIT => {
                    // Another process writes: wait without holding a runtime thread.
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(Busy) => {
                    return Err(error(rusqlite::Error::SqliteFailure(
                        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                        Some("database is locked by another process".to_owned()),
                    )));
                }
                Ok(out) => return out,
            }
        }
    }

    /// Closes the direct connections (after the write in progress, if any). Later calls open
    /// new ones.
    pub(crate) async fn close(&self, pool: &sqlx::SqlitePool) {
        let _writer = crate::sqlite_writer(pool).lock_owned().await;
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        self.readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// One attempt of [`Direct::write`]; `Err(Busy)` if the write lock could not be taken.
    fn try_write<T>(
        &self,
        f: &mut impl FnMut(&Connection) -> rusqlite::Result<Option<T>>,
    ) -> Result<DbResult<Option<T>>, Busy> {
        let mut slot = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.is_none() {
            match self.open(Duration::ZERO) {
                Ok(c) => *slot = Some(c),
                Err(e) => return Ok(Err(e)),
            }
        }
        let Some(conn) = slot.as_mut() else {
            return Ok(Err(sqlx::Error::PoolClosed));
        };
        match conn.execute_batch("BEGIN IMMEDIATE") {
            Ok(()) => {}
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                return Err(Busy);
            }
            Err(e) => return Ok(Err(error(e))),
        }
        let out = f(conn);
        let end = match &out {
            Ok(Some(_)) => conn.execute_batch("COMMIT"),
            _ => conn.execute_batch("ROLLBACK"),
        };
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            // Still in the transaction (a failed COMMIT or ROLLBACK): never reuse this connection.
            *slot = None;
        }
        // The use case's own error first; else what ending the transaction said.
        Ok(match (out, end) {
            (Err(e), _) => Err(error(e)),
            (Ok(_), Err(e)) => Err(error(e)),
            (Ok(v), Ok(())) => Ok(v),
        })
    }
}

/// The write lock is held by another process.
struct Busy;

/// Binds `$N` parameters the way sqlx does for SQLite: the `N`th value bound goes to every place
/// `$N` appears, so the sqlx path's SQL and `.bind(…)` chains serve both.
pub(crate) struct Binder<'a, 'c> {
    stmt: &'a mut rusqlite::Statement<'c>,
    n: usize,
    err: Option<rusqlite::Error>,
}

impl<'a, 'c> Binder<'a, 'c> {
    pub(crate) fn new(stmt: &'a mut rusqlite::Statement<'c>) -> Self {
        stmt.clear_bindings();
        Binder {
            stmt,
            n: 0,
            err: None,
        }
    }

    pub(crate) fn bind<T: ToSql>(mut self, value: T) -> Self {
        self.n += 1;
        if self.err.is_none() {
            match self.stmt.parameter_index(&format!("${}", self.n)) {
                Ok(Some(i)) => {
                    if let Err(e) = self.stmt.raw_bind_parameter(i, value) {
                        self.err = Some(e);
                    }
                }
                Ok(None) => {}
                Err(e) => self.err = Some(e),
            }
        }
        self
    }

    /// The statement with its values bound (or the first binding error).
    pub(crate) fn done(self) -> rusqlite::Result<&'a mut rusqlite::Statement<'c>> {
        match self.err {
            Some(e) => Err(e),
            None => Ok(self.stmt),
        }
    }
}

impl ToSql for Ts {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.unix_micros()))
    }
}

impl FromSql for Ts {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Ts::from_unix_micros(value.as_i64()?).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// A SQLite error from a direct call, as a sqlx database error (so that
/// [`crate::is_unique_violation`] and the application's error mapping treat both paths alike).
#[derive(Debug)]
struct DirectError {
    message: String,
    source: rusqlite::Error,
}

impl std::fmt::Display for DirectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DirectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl sqlx::error::DatabaseError for DirectError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        match &self.source {
            rusqlite::Error::SqliteFailure(e, _) => Some(e.extended_code.to_string().into()),
            _ => None,
        }
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        use sqlx::error::ErrorKind;
        match &self.source {
            rusqlite::Error::SqliteFailure(e, _) => match e.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    ErrorKind::UniqueViolation
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
                ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
                ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
                _ => ErrorKind::Other,
            },
            _ => ErrorKind::Other,
        }
    }
}

/// A rusqlite error as this crate's error type.
pub(crate) fn error(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(..) => sqlx::Error::Database(Box::new(DirectError {
            message: e.to_string(),
            source: e,
        })),
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) => sqlx::Error::Decode(Box::new(e)),
        other => sqlx::Error::Protocol(format!("SQLite: {other}")),
    }
}
