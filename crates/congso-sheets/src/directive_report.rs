//! The directive report as a spreadsheet: a summary sheet (one row per lead unit, then the total,
//! with the completion rate) and the list of overdue tasks.

use congso_domain::directive::StatusCounts;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use time::Date;

/// The summary sheet's column headers.
pub const HEADERS: [&str; 8] = [
    "Đơn vị chủ trì",
    "Hoàn thành đúng hạn",
    "Hoàn thành quá hạn",
    "Đang thực hiện trong hạn",
    "Đang thực hiện quá hạn",
    "Đã hủy",
    "Tổng số",
    "Tỷ lệ hoàn thành (%)",
];

/// One overdue task: content, lead unit, deadline, days overdue.
pub struct Overdue<'a> {
    pub content: &'a str,
    pub unit: &'a str,
    pub deadline: Date,
    pub days: i64,
}

fn rate(c: &StatusCounts) -> Option<f64> {
    c.completion_rate().map(|r| (r * 10_000.0).round() / 100.0)
}

/// Writes the report; `title` and `period` head the first sheet.
pub fn write(
    title: &str,
    period: &str,
    rows: &[(String, StatusCounts)],
    total: &StatusCounts,
    overdue: &[Overdue<'_>],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let date = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("dd/mm/yyyy");
    let sheet = wb.add_worksheet();
    sheet.set_name("Tổng hợp")?;
    sheet.write_string_with_format(0, 0, title, &bold)?;
    sheet.write_string(1, 0, period)?;
    sheet.set_column_width(0, 40)?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, *h, &head)?;
        if c > 0 {
            sheet.set_column_width(c as u16, 14)?;
        }
    }
    let mut r = 4u32;
    let line = |sheet: &mut rust_xlsxwriter::Worksheet,
                r: u32,
                name: &str,
                c: &StatusCounts,
                f: &Format|
     -> Result<(), XlsxError> {
        sheet.write_string_with_format(r, 0, name, f)?;
        let n = [
            c.completed_on_time,
            c.completed_late,
            c.in_progress_within,
            c.in_progress_overdue,
            c.cancelled,
            c.completed_on_time
                + c.completed_late
                + c.in_progress_within
                + c.in_progress_overdue
                + c.cancelled,
        ];
        for (i, v) in n.iter().enumerate() {
            sheet.write_number_with_format(r, (i + 1) as u16, *v as f64, f)?;
        }
        match rate(c) {
            Some(x) => sheet.write_number_with_format(r, 7, x, f)?,
            None => sheet.write_string_with_format(r, 7, "—", f)?,
        };
        Ok(())
    };
    for (name, c) in rows {
        line(sheet, r, name, c, &cell)?;
        r += 1;
    }
    line(sheet, r, "Tổng cộng", total, &head)?;
    let od = wb.add_worksheet();
    od.set_name("Quá hạn")?;
    for (c, h) in [
        "STT",
        "Nhiệm vụ",
        "Đơn vị chủ trì",
        "Thời hạn",
        "Số ngày quá hạn",
    ]
    .iter()
    .enumerate()
    {
        od.write_string_with_format(0, c as u16, *h, &head)?;
    }
    od.set_column_width(1, 60)?;
    od.set_column_width(2, 30)?;
    od.set_column_width(3, 12)?;
    for (i, o) in overdue.iter().enumerate() {
        let r = (i + 1) as u32;
        od.write_number_with_format(r, 0, (i + 1) as f64, &cell)?;
        od.write_string_with_format(r, 1, o.content, &cell)?;
        od.write_string_with_format(r, 2, o.unit, &cell)?;
        let d = rust_xlsxwriter::ExcelDateTime::from_ymd(
            u16::try_from(o.deadline.year()).unwrap_or(1900),
            u8::from(o.deadline.month()),
            o.deadline.day(),
        )?;
        od.write_datetime_with_format(r, 3, &d, &date)?;
        od.write_number_with_format(r, 4, o.days as f64, &cell)?;
    }
    wb.save_to_buffer()
}
