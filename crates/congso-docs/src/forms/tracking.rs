//! Mẫu 06 "SỔ THEO DÕI HỒ SƠ" (tracking book) as XLSX, with the columns of TT 01/2018/TT-VPCP.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use time::Date;

use super::{Agency, FormError};

/// One line of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingRow {
    /// STT.
    pub number: u32,
    pub dossier_code: String,
    /// Tên TTHC.
    pub procedure: String,
    /// Số lượng hồ sơ (bộ).
    pub sets: u32,
    /// Tên cá nhân, tổ chức.
    pub applicant: String,
    /// Địa chỉ, số điện thoại.
    pub contact: String,
    /// Cơ quan chủ trì giải quyết.
    pub lead_unit: String,
    /// Ngày nhận hồ sơ.
    pub received: Option<Date>,
    /// Ngày hẹn trả kết quả.
    pub appointment: Option<Date>,
    /// Ngày chuyển hồ sơ đến cơ quan giải quyết.
    pub forwarded: Option<Date>,
    /// Ngày nhận kết quả từ cơ quan giải quyết.
    pub result_received: Option<Date>,
    /// Ngày trả kết quả cho cá nhân, tổ chức.
    pub returned: Option<Date>,
    pub note: Option<String>,
}

/// The 14 columns, left to right, as printed in the header (the five date columns sit under a
/// merged "Ngày, tháng, năm" cell).
pub const TRACKING_COLUMNS: [&str; 14] = [
    "STT",
    "Mã hồ sơ",
    "Tên TTHC",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả cho cá nhân, tổ chức",
    "Ký nhận",
    "Ghi chú",
];

/// The merged group header over columns 7–11.
pub const DATE_GROUP: &str = "Ngày, tháng, năm";
/// The book title.
pub const TITLE: &str = "SỔ THEO DÕI HỒ SƠ";
/// The sheet name.
pub const SHEET: &str = "Sổ theo dõi hồ sơ";
/// 0-based row of the first header row; the second header row follows, then the data.
pub const HEADER_ROW: u32 = 5;
/// 0-based row of the first data line.
pub const FIRST_DATA_ROW: u32 = HEADER_ROW + 2;

const FIRST_DATE_COL: u16 = 7;
const LAST_DATE_COL: u16 = 11;
const WIDTHS: [f64; 14] = [
    5.0, 26.0, 34.0, 9.0, 22.0, 26.0, 22.0, 11.0, 11.0, 12.0, 12.0, 12.0, 10.0, 16.0,
];

fn x(e: impl std::fmt::Display) -> FormError {
    FormError::Xlsx(e.to_string())
}

fn excel_date(d: Date) -> Result<ExcelDateTime, FormError> {
    let year = u16::try_from(d.year()).map_err(x)?;
    ExcelDateTime::from_ymd(year, u8::from(d.month()), d.day()).map_err(x)
}

/// Writes the tracking book of `agency` for `period` ("Tháng 02 năm 2026") as an XLSX file in
/// memory: one sheet, A4 landscape, header rows repeated on every printed page, dates as
/// real Excel dates shown `dd/mm/yyyy`.
pub fn tracking_book_06(
    agency: &Agency,
    period: &str,
    rows: &[TrackingRow],
) -> Result<Vec<u8>, FormError> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    write_sheet(sheet, agency, period, rows)?;
    wb.save_to_buffer().map_err(x)
}

fn write_sheet(
    sheet: &mut Worksheet,
    agency: &Agency,
    period: &str,
    rows: &[TrackingRow],
) -> Result<(), FormError> {
    let font = |f: Format| f.set_font_name("Times New Roman").set_font_size(12);
    let centre_bold = font(Format::new().set_bold().set_align(FormatAlign::Center));
    let title = font(Format::new().set_bold().set_align(FormatAlign::Center)).set_font_size(14);
    let italic_centre = font(Format::new().set_italic().set_align(FormatAlign::Center));
    let head = font(
        Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin),
    );
    let cell = font(
        Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin),
    );
    let number = cell.clone().set_align(FormatAlign::Center);
    let date = number.clone().set_num_format("dd/mm/yyyy");

    let last_col = (TRACKING_COLUMNS.len() - 1) as u16;
    sheet.set_name(SHEET).map_err(x)?;
    for (c, w) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(c as u16, *w).map_err(x)?;
    }
    sheet
        .merge_range(0, 0, 0, 4, &agency.parent.to_uppercase(), &centre_bold)
        .map_err(x)?;
    sheet
        .merge_range(1, 0, 1, 4, &agency.name.to_uppercase(), &centre_bold)
        .map_err(x)?;
    sheet
        .merge_range(2, 0, 2, last_col, TITLE, &title)
        .map_err(x)?;
    sheet
        .merge_range(3, 0, 3, last_col, period, &italic_centre)
        .map_err(x)?;

    // Two header rows: single columns span both; the five dates sit under their group.
    let (h1, h2) = (HEADER_ROW, HEADER_ROW + 1);
    for (c, name) in TRACKING_COLUMNS.iter().enumerate() {
        let c = c as u16;
        if (FIRST_DATE_COL..=LAST_DATE_COL).contains(&c) {
            sheet
                .write_string_with_format(h2, c, *name, &head)
                .map_err(x)?;
        } else {
            sheet.merge_range(h1, c, h2, c, name, &head).map_err(x)?;
        }
    }
    sheet
        .merge_range(h1, FIRST_DATE_COL, h1, LAST_DATE_COL, DATE_GROUP, &head)
        .map_err(x)?;
    sheet.set_row_height(h2, 48).map_err(x)?;

    for (i, r) in rows.iter().enumerate() {
        let row = FIRST_DATA_ROW + i as u32;
        sheet
            .write_number_with_format(row, 0, f64::from(r.number), &number)
            .map_err(x)?;
        let texts = [
            (1, r.dossier_code.as_str()),
            (2, r.procedure.as_str()),
            (4, r.applicant.as_str()),
            (5, r.contact.as_str()),
            (6, r.lead_unit.as_str()),
            (13, r.note.as_deref().unwrap_or("")),
        ];
        for (c, s) in texts {
            sheet
                .write_string_with_format(row, c, s, &cell)
                .map_err(x)?;
        }
        sheet
            .write_number_with_format(row, 3, f64::from(r.sets), &number)
            .map_err(x)?;
        let dates = [
            r.received,
            r.appointment,
            r.forwarded,
            r.result_received,
            r.returned,
        ];
        for (k, d) in dates.into_iter().enumerate() {
            let c = FIRST_DATE_COL + k as u16;
            match d {
                Some(d) => {
                    sheet
                        .write_datetime_with_format(row, c, excel_date(d)?, &date)
                        .map_err(x)?;
                }
                None => {
                    sheet.write_blank(row, c, &cell).map_err(x)?;
                }
            }
        }
        // Ký nhận: left blank for the signature.
        sheet.write_blank(row, 12, &cell).map_err(x)?;
    }

    sheet.set_freeze_panes(FIRST_DATA_ROW, 2).map_err(x)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(h1, h2).map_err(x)?;
    Ok(())
}
