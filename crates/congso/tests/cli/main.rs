//! Tests of the `congso` binary itself, on SQLite and on PostgreSQL.

mod audit;
mod calendar;
mod catalogue;
mod directives;
mod durability;
mod open311;
mod reports;
mod support;
