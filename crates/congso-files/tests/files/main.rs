//! congso-files: sniffing, policy, storage and download names.

mod fixtures;
mod names;
mod sniffing;
mod store;
