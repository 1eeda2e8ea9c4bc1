//! Test support: an isolated, migrated database per test, on SQLite and on PostgreSQL.
//!
//! - SQLite: a fresh file in a temporary directory (deleted with the guard).
//! - PostgreSQL: a fresh schema `t_<uuid>` in the database named by `CONGSO_TEST_DATABASE_URL`
//!   (dropped with the guard). Without that variable the PostgreSQL half of a test is skipped,
//!   unless `CONGSO_REQUIRE_POSTGRES=1`, which makes its absence a failure (CI sets it).
//!
//! [`db_test!`](crate::db_test) writes one test body and runs it on both backends.

use std::path::{Path, PathBuf};

use crate::{ConnectOptions, Db};

/// A migrated database that lives as long as the guard.
pub struct TestDb {
    pub db: Db,
    /// The URL to reach the same database from another process (e.g. the `congso` binary).
    pub url: String,
    /// The PostgreSQL schema, if any (pass it as `search_path`).
    pub pg_schema: Option<String>,
    dir: tempfile::TempDir,
    admin_url: Option<String>,
}

/// Whether PostgreSQL tests must run (CI).
pub fn postgres_required() -> bool {
    std::env::var("CONGSO_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// The PostgreSQL URL for tests, or `None` to skip (panics when PostgreSQL is required).
pub fn postgres_url() -> Option<String> {
    match std::env::var("CONGSO_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                !postgres_required(),
                "CONGSO_REQUIRE_POSTGRES=1 but CONGSO_TEST_DATABASE_URL is not set"
            );
            None
        }
    }
}

impl TestDb {
    /// A fresh SQLite database in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("congso.db").display());
        let db = Db::connect(&url, &ConnectOptions::default())
            .await
            .expect("open sqlite");
        db.migrate().await.expect("migrate sqlite");
        TestDb {
            db,
            url,
            pg_schema: None,
            dir,
            admin_url: None,
        }
    }

    /// A fresh PostgreSQL schema, or `None` when PostgreSQL tests are not configured.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = postgres_url()?;
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let admin = Db::connect(
            &admin_url,
            &ConnectOptions {
                max_connections: 1,
                ..ConnectOptions::default()
            },
        )
        .await
        .expect("connect to CONGSO_TEST_DATABASE_URL");
        if let Db::Postgres(pool) = &admin {
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(pool)
                .await
                .expect("create test schema");
        }
        admin.close().await;
        let db = Db::connect(
            &admin_url,
            &ConnectOptions {
                max_connections: 8,
                pg_schema: Some(schema.clone()),
                ..ConnectOptions::default()
            },
        )
        .await
        .expect("connect to test schema");
        db.migrate().await.expect("migrate postgres");
        let dir = tempfile::tempdir().expect("temp dir");
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
        Some(TestDb {
            db,
            url,
            pg_schema: Some(schema),
            dir,
            admin_url: Some(admin_url),
        })
    }

    /// A scratch directory for this test (data dir, outbox, …).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (Some(schema), Some(admin_url)) = (self.pg_schema.clone(), self.admin_url.clone())
        else {
            return;
        };
        // Drop the schema on a separate thread with its own runtime: Drop cannot await.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(Db::Postgres(pool)) = Db::connect(
                    &admin_url,
                    &ConnectOptions {
                        max_connections: 1,
                        ..ConnectOptions::default()
                    },
                )
                .await
                {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP SCHEMA IF EXISTS {schema} CASCADE"
                    )))
                    .execute(&pool)
                    .await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

/// Declares a test that runs its body on SQLite and on PostgreSQL:
///
/// ```ignore
/// congso_db::db_test!(async fn finds_units(db) { /* `db: congso_db::Db` */ });
/// ```
/// expands to a module `finds_units` with tests `sqlite` and `postgres`. Inside the body, `tdb`
/// is not available; use [`TestDb`] directly when the test needs the URL or scratch directory.
#[macro_export]
macro_rules! db_test {
    (async fn $name:ident($db:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let guard = $crate::testing::TestDb::sqlite().await;
                let $db: $crate::Db = guard.db.clone();
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(guard) = $crate::testing::TestDb::postgres().await else {
                    eprintln!("skipped: CONGSO_TEST_DATABASE_URL not set");
                    return;
                };
                let $db: $crate::Db = guard.db.clone();
                $body
            }
        }
    };
}
