//! Repository tests. Every test runs on SQLite and on PostgreSQL (see `congso_db::db_test!`).

mod events;
mod jobs;
mod parity;
mod repos;
