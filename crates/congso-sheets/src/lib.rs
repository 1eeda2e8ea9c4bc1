//! Spreadsheets congso reads and writes (XLSX): the procedure catalogue (same columns as the JSON
//! file format) the directive report and the one-stop report (Biểu II.06a). Kept apart from the PDF forms (`congso-docs`, which pulls in typst) so the use
//! cases build quickly.

pub mod catalogue_xlsx;
pub mod directive_report;
pub mod onestop_report;
