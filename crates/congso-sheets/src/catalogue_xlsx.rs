//! The catalogue as a spreadsheet: one row per procedure, one column per component of the JSON
//! file format. Lists of text (steps, legal basis) are one item per line in the cell; lists of
//! records (channels, documents, workflow) are JSON in the cell, so a file round-trips exactly.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use congso_domain::procedure::{Field, ProcedureSpec, Publication};
use rust_xlsxwriter::{Format, Workbook};

/// The columns, in order (the header row of the sheet).
pub const COLUMNS: &[&str] = &[
    "code",
    "name",
    "field_code",
    "field_name",
    "level",
    "unit",
    "online",
    "channels",
    "documents",
    "steps",
    "applicants",
    "result",
    "legal_basis",
    "requirements",
    "fee_note",
    "implementing",
    "competent_unit",
    "publication_number",
    "publication_date",
    "effective_from",
    "intake_cutoff",
    "workflow",
];

/// The sheet name.
pub const SHEET: &str = "Thủ tục";

#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("could not write the spreadsheet: {0}")]
    Write(String),
    #[error("could not read the spreadsheet: {0}")]
    Read(String),
    /// A row that does not describe a procedure: 1-based row of the sheet (header = row 1).
    #[error("row {row}, column {column}: {message}")]
    Row {
        row: usize,
        column: String,
        message: String,
    },
}

fn w(e: impl std::fmt::Display) -> XlsxError {
    XlsxError::Write(e.to_string())
}

/// Writes the procedures to an XLSX file in memory.
pub fn write(specs: &[ProcedureSpec]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name(SHEET).map_err(w)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *name, &bold)
            .map_err(w)?;
    }
    sheet.set_freeze_panes(1, 2).map_err(w)?;
    sheet.set_column_width(1, 50).map_err(w)?;
    for (i, s) in specs.iter().enumerate() {
        let row = (i + 1) as u32;
        let json = |v: &dyn erased::Ser| v.json();
        let cells: Vec<String> = vec![
            s.code.clone(),
            s.name.clone(),
            s.field.code.clone(),
            s.field.name.clone(),
            s.level.as_str().to_owned(),
            s.unit.clone(),
            s.online.as_str().to_owned(),
            json(&s.channels),
            json(&s.documents),
            s.steps.join("\n"),
            s.applicants.clone(),
            s.result.clone(),
            s.legal_basis.join("\n"),
            s.requirements.clone().unwrap_or_default(),
            s.fee_note.clone().unwrap_or_default(),
            s.implementing.clone().unwrap_or_default(),
            s.competent_unit.clone().unwrap_or_default(),
            s.publication
                .as_ref()
                .map(|p| p.number.clone())
                .unwrap_or_default(),
            s.publication
                .as_ref()
                .map(|p| p.date.clone())
                .unwrap_or_default(),
            s.effective_from.clone().unwrap_or_default(),
            s.intake_cutoff.clone().unwrap_or_default(),
            if s.workflow.is_empty() {
                String::new()
            } else {
                json(&s.workflow)
            },
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                sheet
                    .write_string_with_format(row, c as u16, v, &wrap)
                    .map_err(w)?;
            }
        }
    }
    wb.save_to_buffer().map_err(w)
}

mod erased {
    /// Serialises any list to compact JSON (the cell format of record lists).
    pub trait Ser {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for Vec<T> {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Reads procedures from an XLSX file (the first sheet, header in row 1). Each row is turned into a
/// [`ProcedureSpec`] (shape only; the use case validates the content). Errors name the sheet row
/// and column.
pub fn read(bytes: &[u8]) -> Result<Vec<ProcedureSpec>, XlsxError> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| XlsxError::Read(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| XlsxError::Read("the workbook has no sheet".into()))?
        .map_err(|e| XlsxError::Read(e.to_string()))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .ok_or_else(|| XlsxError::Read("the sheet is empty".into()))?
        .iter()
        .map(|c| cell_text(c).trim().to_owned())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    for required in [
        "code",
        "name",
        "field_code",
        "field_name",
        "level",
        "unit",
        "online",
        "channels",
        "documents",
        "steps",
        "applicants",
        "result",
        "legal_basis",
    ] {
        if col(required).is_none() {
            return Err(XlsxError::Row {
                row: 1,
                column: required.into(),
                message: "missing column".into(),
            });
        }
    }
    if let Some(unknown) = header
        .iter()
        .find(|h| !h.is_empty() && !COLUMNS.contains(&h.as_str()))
    {
        return Err(XlsxError::Row {
            row: 1,
            column: unknown.clone(),
            message: "unknown column".into(),
        });
    }
    let mut out = vec![];
    for (i, r) in rows.enumerate() {
        let row_no = i + 2;
        let get = |name: &str| {
            col(name)
                .and_then(|c| r.get(c))
                .map(cell_text)
                .unwrap_or_default()
        };
        if r.iter().all(|c| cell_text(c).trim().is_empty()) {
            continue;
        }
        let err = |column: &str, message: String| XlsxError::Row {
            row: row_no,
            column: column.into(),
            message,
        };
        let json = |name: &str| -> Result<serde_json::Value, XlsxError> {
            let t = get(name);
            if t.trim().is_empty() {
                return Ok(serde_json::Value::Array(vec![]));
            }
            serde_json::from_str(&t).map_err(|e| err(name, format!("invalid JSON: {e}")))
        };
        let lines = |name: &str| -> Vec<String> {
            get(name)
                .lines()
                .map(str::to_owned)
                .filter(|l| !l.trim().is_empty())
                .collect()
        };
        let opt = |name: &str| -> Option<String> { Some(get(name)).filter(|s| !s.is_empty()) };
        let mut obj = serde_json::json!({
            "code": get("code"),
            "name": get("name"),
            "field": Field { code: get("field_code"), name: get("field_name") },
            "level": get("level"),
            "unit": get("unit"),
            "online": get("online"),
            "channels": json("channels")?,
            "documents": json("documents")?,
            "steps": lines("steps"),
            "applicants": get("applicants"),
            "result": get("result"),
            "legal_basis": lines("legal_basis"),
            "workflow": json("workflow")?,
        });
        for name in [
            "requirements",
            "fee_note",
            "implementing",
            "competent_unit",
            "effective_from",
            "intake_cutoff",
        ] {
            if let Some(v) = opt(name) {
                obj[name] = serde_json::Value::String(v);
            }
        }
        match (opt("publication_number"), opt("publication_date")) {
            (Some(number), Some(date)) => {
                obj["publication"] =
                    serde_json::to_value(Publication { number, date }).unwrap_or_default()
            }
            (None, None) => {}
            _ => {
                return Err(err(
                    "publication_date",
                    "give both publication_number and publication_date".into(),
                ));
            }
        }
        let spec: ProcedureSpec =
            serde_json::from_value(obj).map_err(|e| err("*", e.to_string()))?;
        out.push(spec);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use congso_domain::procedure::*;

    fn spec(code: &str) -> ProcedureSpec {
        ProcedureSpec {
            code: code.into(),
            name: "Chứng thực bản sao từ bản chính giấy tờ, văn bản".into(),
            field: Field {
                code: "CT".into(),
                name: "Chứng thực".into(),
            },
            level: Level::Commune,
            unit: "000.00.00.H57".into(),
            online: OnlineLevel::Partial,
            channels: vec![Channel {
                kind: ChannelKind::Counter,
                time_limit: Limit {
                    value: 8,
                    unit: LimitUnit::WorkingHours,
                },
                fee_vnd: 2000,
            }],
            documents: vec![Document {
                name: "Bản chính giấy tờ".into(),
                originals: 1,
                copies: 1,
                form: Some("Không".into()),
            }],
            steps: vec!["Nộp hồ sơ".into(), "Nhận kết quả".into()],
            applicants: "Cá nhân, tổ chức".into(),
            result: "Bản sao được chứng thực".into(),
            legal_basis: vec![
                "Nghị định số 23/2015/NĐ-CP".into(),
                "Thông tư số 226/2016/TT-BTC".into(),
            ],
            requirements: None,
            fee_note: Some("2.000 đồng/trang".into()),
            implementing: Some("Ủy ban nhân dân cấp xã".into()),
            competent_unit: None,
            publication: Some(Publication {
                number: "1234/QĐ-UBND".into(),
                date: "2025-07-01".into(),
            }),
            effective_from: None,
            intake_cutoff: Some("15:00".into()),
            workflow: vec![],
        }
    }

    #[test]
    fn round_trips_exactly() {
        let specs = vec![
            spec("2.000815.000.00.00.H57"),
            spec("2.000843.000.00.00.H57"),
        ];
        let bytes = write(&specs).expect("write");
        assert_eq!(&bytes[..2], b"PK", "an XLSX (zip) file");
        assert_eq!(read(&bytes).expect("read"), specs);
    }

    #[test]
    fn bad_cells_name_row_and_column() {
        let mut s = spec("2.000815.000.00.00.H57");
        s.channels.clear();
        let mut bytes = write(&[spec("2.000815.000.00.00.H58"), s]).expect("write");
        // Corrupt nothing: an empty channel list is a content problem for the use case, not a shape one.
        assert_eq!(read(&bytes).expect("read").len(), 2);
        // A sheet without a mandatory column is refused.
        let mut wb = Workbook::new();
        let sh = wb.add_worksheet();
        sh.write_string(0, 0, "code").expect("w");
        bytes = wb.save_to_buffer().expect("save");
        match read(&bytes) {
            Err(XlsxError::Row { row: 1, column, .. }) => assert_eq!(column, "name"),
            other => panic!("{other:?}"),
        }
    }
}
