//! Documents congso prints: the one-stop forms of TT 01/2018/TT-VPCP (Mẫu 01–05 as PDF via typst,
//! Mẫu 06 as XLSX). The heavy document crates (typst) stay in this one leaf crate for compile
//! cost; only `congso-web` depends on it. The catalogue spreadsheet lives in `congso-sheets`.

pub mod forms;
