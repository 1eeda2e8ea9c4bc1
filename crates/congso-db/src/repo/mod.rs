//! Repositories: one module per aggregate. Every function takes the open transaction of the use
//! case that calls it, so a use case's reads and writes commit or roll back together.

pub mod auth;
pub mod calendar;
pub mod directives;
pub mod dossiers;
pub mod identities;
pub mod index766;
pub mod petitions;
pub mod portal;
pub mod procedures;
pub mod reports;
pub mod settings;
pub mod site_reports;
pub mod targets;
pub mod units;
pub mod users;
