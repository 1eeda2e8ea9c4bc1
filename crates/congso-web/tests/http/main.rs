//! HTTP tests: the real router in process (no TCP), on an isolated database, on SQLite and on
//! PostgreSQL (see `http_test!`).

mod helpers;

mod api;
mod auth;
mod calendar;
mod catalogue;
mod catalogue_pages;
mod desk_pages;
mod directives;
mod dossiers;
mod forms;
mod index766;
mod oidc;
mod open311;
mod openapi;
mod pages;
mod permissions;
mod petitions;
mod portal;
mod portal_pages;
mod reports;
mod site_reports;
mod statistics;
