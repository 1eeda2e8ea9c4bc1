//! The two migration folders must stay in step: same versions, same tables and views, same
//! columns (PostgreSQL's `information_schema.columns` lists views too).

use std::collections::{BTreeMap, BTreeSet};

use congso_db::testing::TestDb;
use congso_db::{Backend, Db, migrator};

#[test]
fn migration_versions_and_names_match() {
    let list = |b| {
        migrator(b)
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect::<Vec<_>>()
    };
    let sqlite = list(Backend::Sqlite);
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, list(Backend::Postgres));
}

async fn columns(db: &Db) -> BTreeMap<String, BTreeSet<String>> {
    let rows: Vec<(String, String)> = match db {
        Db::Sqlite(p, _) => sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p \
             WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' \
             AND m.name NOT GLOB '*_fts*'",
        )
        .fetch_all(p)
        .await
        .expect("sqlite columns"),
        Db::Postgres(p) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
        )
        .fetch_all(p)
        .await
        .expect("pg columns"),
    };
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (t, c) in rows {
        // Backend-specific by design: PostgreSQL's generated full-text vector (SQLite uses the
        // FTS5 virtual table procedure_fts, excluded above).
        if (t.as_str(), c.as_str()) == ("procedures", "search_tsv") {
            continue;
        }
        map.entry(t).or_default().insert(c);
    }
    map
}

#[tokio::test]
async fn migrated_schemas_have_the_same_tables_and_columns() {
    let sqlite = TestDb::sqlite().await;
    let Some(pg) = TestDb::postgres().await else {
        eprintln!("skipped: CONGSO_TEST_DATABASE_URL not set");
        return;
    };
    let a = columns(&sqlite.db).await;
    let b = columns(&pg.db).await;
    assert!(a.contains_key("events") && a.contains_key("jobs"), "{a:?}");
    assert_eq!(a, b);
}
