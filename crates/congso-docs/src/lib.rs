//! Documents congso reads and writes: the procedure catalogue as XLSX (same columns as the JSON
//! file format). PDF forms will live here too, so heavy document crates stay in one leaf crate.

pub mod catalogue_xlsx;
