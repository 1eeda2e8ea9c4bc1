//! The one-stop report laid out like the official form Biểu số II.06a/VPCP/KSTT ("Tình hình, kết
//! quả giải quyết TTHC tại Trung tâm Phục vụ hành chính công", domain-rules §1.11): the two-level
//! header with the 13 numbered columns, one row per unit, the total; a second sheet per unit and
//! field with the extra breakdowns (late with / without an apology, withdrawn, returned).

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// The form's number.
pub const FORM: &str = "Biểu số II.06a/VPCP/KSTT";
/// The form's title.
pub const TITLE: &str =
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG";
/// The first header row of the data (0-based); the numbered row `(1) … (13)` is `HEADER_ROW + 3`
/// and the data start below it.
pub const HEADER_ROW: u32 = 4;

/// The headers of the detail sheet after unit and field.
pub const DETAIL_HEADERS: [&str; 15] = [
    "Tiếp nhận: tổng số",
    "Trực tuyến",
    "Trực tiếp, bưu chính",
    "Kỳ trước chuyển qua",
    "Đã giải quyết: tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Quá hạn (đã có thư xin lỗi)",
    "Quá hạn (chưa có thư xin lỗi)",
    "Công dân rút hồ sơ",
    "Hồ sơ trả lại (từ chối, dừng xử lý)",
    "Đang giải quyết: tổng số",
    "Trong hạn",
    "Quá hạn",
];

/// One line of the form: the unit's name and columns 3–13.
pub struct Line<'a> {
    pub unit: &'a str,
    pub columns: [i64; 11],
}

/// One line of the detail sheet: unit, field, then the 15 values of [`DETAIL_HEADERS`].
pub struct Detail<'a> {
    pub unit: &'a str,
    pub field: &'a str,
    pub values: [i64; 15],
}

/// Writes the workbook. `period` reads like "Từ ngày 01/01/2026 đến ngày 31/12/2026";
/// `scope` names the unit reported (or the province).
pub fn write(
    period: &str,
    scope: &str,
    lines: &[Line<'_>],
    total: &[i64; 11],
    details: &[Detail<'_>],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_align(FormatAlign::Center);
    let center = Format::new().set_align(FormatAlign::Center);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let sheet = wb.add_worksheet();
    sheet.set_name("Biểu II.06a")?;
    sheet.write_string_with_format(0, 0, FORM, &bold)?;
    sheet.merge_range(1, 0, 1, 12, TITLE, &title)?;
    sheet.merge_range(2, 0, 2, 12, scope, &center)?;
    sheet.merge_range(3, 0, 3, 12, period, &center)?;
    let h = HEADER_ROW;
    sheet.merge_range(h, 0, h + 2, 0, "TT", &head)?;
    sheet.merge_range(h, 1, h + 2, 1, "Đơn vị", &head)?;
    sheet.merge_range(h, 2, h, 5, "Số hồ sơ tiếp nhận", &head)?;
    sheet.merge_range(h, 6, h, 9, "Số hồ sơ đã giải quyết", &head)?;
    sheet.merge_range(h, 10, h, 12, "Số hồ sơ đang giải quyết", &head)?;
    sheet.merge_range(h + 1, 2, h + 2, 2, "Tổng số", &head)?;
    sheet.merge_range(h + 1, 3, h + 1, 4, "Trong kỳ", &head)?;
    sheet.write_string_with_format(h + 2, 3, "Trực tuyến", &head)?;
    sheet.write_string_with_format(h + 2, 4, "Trực tiếp, dịch vụ bưu chính", &head)?;
    sheet.merge_range(h + 1, 5, h + 2, 5, "Kỳ trước chuyển qua", &head)?;
    for (c, name) in [
        (6u16, "Tổng số"),
        (7, "Trước hạn"),
        (8, "Đúng hạn"),
        (9, "Quá hạn"),
        (10, "Tổng số"),
        (11, "Trong hạn"),
        (12, "Quá hạn"),
    ] {
        sheet.merge_range(h + 1, c, h + 2, c, name, &head)?;
    }
    for c in 0..13u16 {
        sheet.write_string_with_format(h + 3, c, format!("({})", c + 1), &head)?;
        sheet.set_column_width(c, if c == 1 { 40 } else { 12 })?;
    }
    sheet.set_column_width(0, 5)?;
    let mut r = h + 4;
    for (i, l) in lines.iter().enumerate() {
        sheet.write_number_with_format(r, 0, (i + 1) as f64, &cell)?;
        sheet.write_string_with_format(r, 1, l.unit, &cell)?;
        for (j, v) in l.columns.iter().enumerate() {
            sheet.write_number_with_format(r, (j + 2) as u16, *v as f64, &cell)?;
        }
        r += 1;
    }
    sheet.write_string_with_format(r, 0, "", &head)?;
    sheet.write_string_with_format(r, 1, "Tổng cộng", &head)?;
    for (j, v) in total.iter().enumerate() {
        sheet.write_number_with_format(r, (j + 2) as u16, *v as f64, &head)?;
    }

    let d = wb.add_worksheet();
    d.set_name("Theo lĩnh vực")?;
    d.write_string_with_format(0, 0, "Đơn vị", &head)?;
    d.write_string_with_format(0, 1, "Lĩnh vực", &head)?;
    d.set_column_width(0, 40)?;
    d.set_column_width(1, 40)?;
    for (c, name) in DETAIL_HEADERS.iter().enumerate() {
        d.write_string_with_format(0, (c + 2) as u16, *name, &head)?;
        d.set_column_width((c + 2) as u16, 14)?;
    }
    for (i, x) in details.iter().enumerate() {
        let r = (i + 1) as u32;
        d.write_string_with_format(r, 0, x.unit, &cell)?;
        d.write_string_with_format(r, 1, x.field, &cell)?;
        for (j, v) in x.values.iter().enumerate() {
            d.write_number_with_format(r, (j + 2) as u16, *v as f64, &cell)?;
        }
    }
    wb.save_to_buffer()
}
