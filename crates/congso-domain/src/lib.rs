//! Domain types and rules of congso: roles and permissions, organisation units, validated newtypes
//! ("parse, don't validate"), stable error codes with their Vietnamese and English messages, and the
//! local time zone (UTC+7). This crate does no IO and knows nothing of HTTP or SQL.

pub mod case;
pub mod directive;
pub mod dossier;
pub mod error;
pub mod index766;
pub mod lang;
pub mod newtypes;
pub mod petition;
pub mod procedure;
pub mod role;
pub mod site_report;
pub mod time_vn;
pub mod unit;

pub use error::ErrorCode;
pub use lang::Lang;
pub use newtypes::{Cccd, Email, Phone, Username};
pub use role::{Permission, Role};
pub use unit::{AgencyCode, RelationKind, UnitKind};

/// A new time-ordered identifier (UUIDv7). Every table uses these as primary keys so that rows can be
/// spread over a distributed database without a hot sequence.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
