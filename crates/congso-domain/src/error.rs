//! Stable error codes.
//!
//! # Error policy
//! - Every error a user can see has a stable `snake_case` code from [`ErrorCode`]. Codes are a public
//!   contract (API clients match on them): never rename one, only add.
//! - Each code has a message in Vietnamese (first) and English, written for the person in front of
//!   the screen: what went wrong and what to do. The JSON body is `{"error": code, "message": …}`;
//!   HTML pages show the message in the user's language.
//! - Internal failures (database down, bug) use [`ErrorCode::Internal`]: the cause chain is logged
//!   with the request id and the user sees an opaque message, never SQL or a stack trace.
//! - Bad input is always a 4xx with a clear code; nothing is half-written because every use case
//!   runs in one transaction.

use crate::Lang;

/// A stable, translatable error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Internal,
    NotFound,
    Unauthenticated,
    Forbidden,
    CsrfFailed,
    InvalidCredentials,
    TooManyAttempts,
    AccountDisabled,
    InvalidToken,
    InvalidInput,
    PayloadTooLarge,
    Conflict,
    UsernameTaken,
    InvalidUsername,
    WeakPassword,
    InvalidRole,
    RoleNeedsUnit,
    UnitNotFound,
    UnitCodeTaken,
    InvalidUnitCode,
    UnitClosed,
    UnitHasChildren,
    InvalidDate,
    InvalidDateRange,
    InvalidCalendar,
    UserNotFound,
    InvalidEmail,
    InvalidPhone,
    InvalidCccd,
    ProcedureNotFound,
    InvalidProcedure,
    ImportFailed,
    ProcedureCodeTaken,
    NothingToPublish,
    ProcedureRepealed,
    IllegalTransition,
    DossierNotFound,
    ChannelNotOffered,
    NewAppointmentOnce,
    InvalidAssignee,
    PetitionNotFound,
    ExtensionLimit,
    PetitionNotEligible,
    ImportLineFailed,
    FormNotAvailable,
    AccountExists,
    ContactRequired,
    ResetLinkInvalid,
    FileTooLarge,
    FileTypeNotAllowed,
    DocumentMissing,
    AlreadyRated,
    SiteReportNotFound,
    ServiceNotFound,
    LocationRequired,
    OidcStateInvalid,
    OidcProviderError,
    OidcTokenInvalid,
    OidcUnavailable,
}

impl ErrorCode {
    /// Every code, for exhaustive tests and documentation.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::Internal,
        ErrorCode::NotFound,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::CsrfFailed,
        ErrorCode::InvalidCredentials,
        ErrorCode::TooManyAttempts,
        ErrorCode::AccountDisabled,
        ErrorCode::InvalidToken,
        ErrorCode::InvalidInput,
        ErrorCode::PayloadTooLarge,
        ErrorCode::Conflict,
        ErrorCode::UsernameTaken,
        ErrorCode::InvalidUsername,
        ErrorCode::WeakPassword,
        ErrorCode::InvalidRole,
        ErrorCode::RoleNeedsUnit,
        ErrorCode::UnitNotFound,
        ErrorCode::UnitCodeTaken,
        ErrorCode::InvalidUnitCode,
        ErrorCode::UnitClosed,
        ErrorCode::UnitHasChildren,
        ErrorCode::InvalidDate,
        ErrorCode::InvalidDateRange,
        ErrorCode::InvalidCalendar,
        ErrorCode::UserNotFound,
        ErrorCode::InvalidEmail,
        ErrorCode::InvalidPhone,
        ErrorCode::InvalidCccd,
        ErrorCode::ProcedureNotFound,
        ErrorCode::InvalidProcedure,
        ErrorCode::ImportFailed,
        ErrorCode::ProcedureCodeTaken,
        ErrorCode::NothingToPublish,
        ErrorCode::ProcedureRepealed,
        ErrorCode::IllegalTransition,
        ErrorCode::DossierNotFound,
        ErrorCode::ChannelNotOffered,
        ErrorCode::NewAppointmentOnce,
        ErrorCode::InvalidAssignee,
        ErrorCode::PetitionNotFound,
        ErrorCode::ExtensionLimit,
        ErrorCode::PetitionNotEligible,
        ErrorCode::ImportLineFailed,
        ErrorCode::FormNotAvailable,
        ErrorCode::AccountExists,
        ErrorCode::ContactRequired,
        ErrorCode::ResetLinkInvalid,
        ErrorCode::FileTooLarge,
        ErrorCode::FileTypeNotAllowed,
        ErrorCode::DocumentMissing,
        ErrorCode::AlreadyRated,
        ErrorCode::SiteReportNotFound,
        ErrorCode::ServiceNotFound,
        ErrorCode::LocationRequired,
        ErrorCode::OidcStateInvalid,
        ErrorCode::OidcProviderError,
        ErrorCode::OidcTokenInvalid,
        ErrorCode::OidcUnavailable,
    ];

    /// The stable wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Internal => "internal",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::CsrfFailed => "csrf_failed",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::Conflict => "conflict",
            ErrorCode::UsernameTaken => "username_taken",
            ErrorCode::InvalidUsername => "invalid_username",
            ErrorCode::WeakPassword => "weak_password",
            ErrorCode::InvalidRole => "invalid_role",
            ErrorCode::RoleNeedsUnit => "role_needs_unit",
            ErrorCode::UnitNotFound => "unit_not_found",
            ErrorCode::UnitCodeTaken => "unit_code_taken",
            ErrorCode::InvalidUnitCode => "invalid_unit_code",
            ErrorCode::UnitClosed => "unit_closed",
            ErrorCode::UnitHasChildren => "unit_has_children",
            ErrorCode::InvalidDate => "invalid_date",
            ErrorCode::InvalidDateRange => "invalid_date_range",
            ErrorCode::InvalidCalendar => "invalid_calendar",
            ErrorCode::UserNotFound => "user_not_found",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::InvalidCccd => "invalid_cccd",
            ErrorCode::ProcedureNotFound => "procedure_not_found",
            ErrorCode::InvalidProcedure => "invalid_procedure",
            ErrorCode::ImportFailed => "import_failed",
            ErrorCode::ProcedureCodeTaken => "procedure_code_taken",
            ErrorCode::NothingToPublish => "nothing_to_publish",
            ErrorCode::ProcedureRepealed => "procedure_repealed",
            ErrorCode::IllegalTransition => "illegal_transition",
            ErrorCode::DossierNotFound => "dossier_not_found",
            ErrorCode::ChannelNotOffered => "channel_not_offered",
            ErrorCode::NewAppointmentOnce => "new_appointment_once",
            ErrorCode::InvalidAssignee => "invalid_assignee",
            ErrorCode::PetitionNotFound => "petition_not_found",
            ErrorCode::ExtensionLimit => "extension_limit",
            ErrorCode::PetitionNotEligible => "petition_not_eligible",
            ErrorCode::ImportLineFailed => "import_line_failed",
            ErrorCode::FormNotAvailable => "form_not_available",
            ErrorCode::AccountExists => "account_exists",
            ErrorCode::ContactRequired => "contact_required",
            ErrorCode::ResetLinkInvalid => "reset_link_invalid",
            ErrorCode::FileTooLarge => "file_too_large",
            ErrorCode::FileTypeNotAllowed => "file_type_not_allowed",
            ErrorCode::DocumentMissing => "document_missing",
            ErrorCode::AlreadyRated => "already_rated",
            ErrorCode::SiteReportNotFound => "site_report_not_found",
            ErrorCode::ServiceNotFound => "service_not_found",
            ErrorCode::LocationRequired => "location_required",
            ErrorCode::OidcStateInvalid => "oidc_state_invalid",
            ErrorCode::OidcProviderError => "oidc_provider_error",
            ErrorCode::OidcTokenInvalid => "oidc_token_invalid",
            ErrorCode::OidcUnavailable => "oidc_unavailable",
        }
    }

    /// The HTTP status this code is served with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Internal => 500,
            ErrorCode::OidcUnavailable => 503,
            ErrorCode::NotFound
            | ErrorCode::UnitNotFound
            | ErrorCode::UserNotFound
            | ErrorCode::ProcedureNotFound
            | ErrorCode::PetitionNotFound
            | ErrorCode::DossierNotFound
            | ErrorCode::SiteReportNotFound
            | ErrorCode::ServiceNotFound => 404,
            ErrorCode::Unauthenticated
            | ErrorCode::InvalidCredentials
            | ErrorCode::InvalidToken => 401,
            ErrorCode::Forbidden | ErrorCode::CsrfFailed | ErrorCode::AccountDisabled => 403,
            ErrorCode::TooManyAttempts => 429,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::Conflict
            | ErrorCode::UsernameTaken
            | ErrorCode::UnitCodeTaken
            | ErrorCode::UnitClosed
            | ErrorCode::UnitHasChildren
            | ErrorCode::ProcedureCodeTaken
            | ErrorCode::NothingToPublish
            | ErrorCode::ProcedureRepealed
            | ErrorCode::IllegalTransition
            | ErrorCode::NewAppointmentOnce
            | ErrorCode::ExtensionLimit
            | ErrorCode::PetitionNotEligible
            | ErrorCode::FormNotAvailable
            | ErrorCode::AccountExists
            | ErrorCode::AlreadyRated => 409,
            ErrorCode::FileTooLarge => 413,
            ErrorCode::FileTypeNotAllowed => 415,
            ErrorCode::InvalidInput
            | ErrorCode::InvalidUsername
            | ErrorCode::WeakPassword
            | ErrorCode::InvalidRole
            | ErrorCode::RoleNeedsUnit
            | ErrorCode::InvalidUnitCode
            | ErrorCode::InvalidDate
            | ErrorCode::InvalidDateRange
            | ErrorCode::InvalidCalendar
            | ErrorCode::InvalidEmail
            | ErrorCode::InvalidPhone
            | ErrorCode::InvalidCccd
            | ErrorCode::InvalidProcedure
            | ErrorCode::ImportFailed
            | ErrorCode::ChannelNotOffered
            | ErrorCode::InvalidAssignee
            | ErrorCode::ImportLineFailed
            | ErrorCode::ContactRequired
            | ErrorCode::ResetLinkInvalid
            | ErrorCode::DocumentMissing
            | ErrorCode::LocationRequired
            | ErrorCode::OidcStateInvalid
            | ErrorCode::OidcProviderError
            | ErrorCode::OidcTokenInvalid => 400,
        }
    }

    /// The message shown to the user, in Vietnamese or English.
    pub fn message(self, lang: Lang) -> &'static str {
        let (vi, en) = self.messages();
        match lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    fn messages(self) -> (&'static str, &'static str) {
        match self {
            ErrorCode::Internal => (
                "Hệ thống gặp sự cố. Vui lòng thử lại sau; nếu lỗi còn tiếp diễn, hãy liên hệ quản trị viên và cung cấp mã yêu cầu.",
                "Something went wrong on our side. Please try again later; if it persists, contact the administrator with the request id.",
            ),
            ErrorCode::NotFound => (
                "Không tìm thấy trang hoặc dữ liệu được yêu cầu.",
                "The page or record you asked for was not found.",
            ),
            ErrorCode::Unauthenticated => (
                "Vui lòng đăng nhập để tiếp tục.",
                "Please sign in to continue.",
            ),
            ErrorCode::Forbidden => (
                "Bạn không có quyền thực hiện thao tác này đối với đơn vị này.",
                "You do not have permission to do this for this unit.",
            ),
            ErrorCode::CsrfFailed => (
                "Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và gửi lại.",
                "The form's security token is missing or expired. Reload the page and submit again.",
            ),
            ErrorCode::InvalidCredentials => (
                "Tên đăng nhập hoặc mật khẩu không đúng.",
                "The username or password is incorrect.",
            ),
            ErrorCode::TooManyAttempts => (
                "Bạn đã nhập sai quá nhiều lần. Vui lòng chờ một lát rồi thử lại.",
                "Too many failed attempts. Please wait a moment and try again.",
            ),
            ErrorCode::AccountDisabled => (
                "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị viên.",
                "This account is disabled. Please contact the administrator.",
            ),
            ErrorCode::InvalidToken => (
                "Mã truy cập (token) không hợp lệ hoặc đã bị thu hồi.",
                "The access token is invalid or has been revoked.",
            ),
            ErrorCode::InvalidInput => (
                "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra lại các trường đã nhập.",
                "The submitted data is not valid. Please check the fields you entered.",
            ),
            ErrorCode::PayloadTooLarge => (
                "Dữ liệu hoặc tệp gửi lên vượt quá dung lượng cho phép.",
                "The request or file is larger than allowed.",
            ),
            ErrorCode::Conflict => (
                "Dữ liệu đã bị thay đổi bởi thao tác khác. Vui lòng tải lại và thử lại.",
                "The record was changed by another action. Reload and try again.",
            ),
            ErrorCode::UsernameTaken => (
                "Tên đăng nhập này đã được sử dụng.",
                "This username is already taken.",
            ),
            ErrorCode::InvalidUsername => (
                "Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số và các ký tự . _ -, dài từ 3 đến 64 ký tự.",
                "A username has 3 to 64 characters: lowercase letters without accents, digits, and . _ -.",
            ),
            ErrorCode::WeakPassword => (
                "Mật khẩu phải có ít nhất 10 ký tự.",
                "The password must have at least 10 characters.",
            ),
            ErrorCode::InvalidRole => (
                "Vai trò không hợp lệ. Các vai trò: citizen, one_stop_officer, specialist, unit_head, office_staff, leader, admin.",
                "Unknown role. Roles: citizen, one_stop_officer, specialist, unit_head, office_staff, leader, admin.",
            ),
            ErrorCode::RoleNeedsUnit => (
                "Vai trò này phải gắn với một đơn vị (mã đơn vị).",
                "This role must be held in a unit (give the unit code).",
            ),
            ErrorCode::UnitNotFound => (
                "Không tìm thấy đơn vị với mã đã cho (hoặc đơn vị không còn hiệu lực vào ngày đó).",
                "No unit with this code (or the unit was not in force on that date).",
            ),
            ErrorCode::UnitCodeTaken => (
                "Mã đơn vị này đã được dùng cho một đơn vị đang có hiệu lực.",
                "This unit code is already used by a unit in force.",
            ),
            ErrorCode::InvalidUnitCode => (
                "Mã đơn vị không đúng định dạng mã định danh (ví dụ 000.00.00.H57).",
                "The unit code is not a valid agency identifier (e.g. 000.00.00.H57).",
            ),
            ErrorCode::UnitClosed => (
                "Đơn vị đã hết hiệu lực; không thể thay đổi.",
                "The unit is closed and cannot be changed.",
            ),
            ErrorCode::UnitHasChildren => (
                "Đơn vị còn đơn vị trực thuộc đang có hiệu lực; hãy chuyển hoặc đóng các đơn vị đó trước.",
                "The unit still has sub-units in force; move or close them first.",
            ),
            ErrorCode::InvalidDate => (
                "Ngày không hợp lệ. Dùng định dạng YYYY-MM-DD hoặc dd/mm/yyyy.",
                "Invalid date. Use YYYY-MM-DD or dd/mm/yyyy.",
            ),
            ErrorCode::InvalidDateRange => (
                "Khoảng thời gian không hợp lệ: ngày kết thúc phải sau ngày bắt đầu.",
                "Invalid period: the end must be after the start.",
            ),
            ErrorCode::InvalidCalendar => (
                "Danh sách ngày nghỉ không hợp lệ: ngày nghỉ phải là ngày thường (thứ Hai–thứ Sáu), ngày làm bù phải là thứ Bảy hoặc Chủ nhật, mỗi ngày chỉ một lần và thuộc đúng năm.",
                "Invalid list of days: days off must be weekdays, make-up working days Saturdays or Sundays, each date once and within the year.",
            ),
            ErrorCode::UserNotFound => ("Không tìm thấy người dùng.", "User not found."),
            ErrorCode::InvalidEmail => (
                "Địa chỉ thư điện tử không hợp lệ.",
                "The email address is not valid.",
            ),
            ErrorCode::InvalidPhone => (
                "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0, hoặc +84).",
                "The phone number is not valid (10 digits starting with 0, or +84).",
            ),
            ErrorCode::ProcedureNotFound => (
                "Không tìm thấy thủ tục hành chính với mã đã cho.",
                "No administrative procedure with this code.",
            ),
            ErrorCode::InvalidProcedure => (
                "Thông tin thủ tục chưa đầy đủ hoặc không hợp lệ.",
                "The procedure is incomplete or invalid.",
            ),
            ErrorCode::ImportFailed => (
                "Tệp nhập không hợp lệ; chưa có dữ liệu nào được ghi. Hãy sửa dòng được chỉ ra rồi nhập lại.",
                "The import file is invalid; nothing was written. Fix the row shown and import again.",
            ),
            ErrorCode::ProcedureCodeTaken => (
                "Mã thủ tục này đã có trong danh mục.",
                "This procedure code is already in the catalogue.",
            ),
            ErrorCode::NothingToPublish => (
                "Thủ tục không có phiên bản dự thảo nào để công bố.",
                "The procedure has no draft version to publish.",
            ),
            ErrorCode::ProcedureRepealed => {
                ("Thủ tục đã bị bãi bỏ.", "The procedure has been repealed.")
            }
            ErrorCode::IllegalTransition => (
                "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ.",
                "This action is not possible in the dossier's current state.",
            ),
            ErrorCode::DossierNotFound => (
                "Không tìm thấy hồ sơ với mã đã cho.",
                "No dossier with this code.",
            ),
            ErrorCode::ChannelNotOffered => (
                "Thủ tục này không nhận hồ sơ qua cách thức đã chọn.",
                "This procedure does not accept dossiers through the chosen channel.",
            ),
            ErrorCode::NewAppointmentOnce => (
                "Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần nữa.",
                "The dossier already had a new appointment; it may be given only once.",
            ),
            ErrorCode::InvalidAssignee => (
                "Người được phân công phải là công chức của đơn vị đang giải quyết hồ sơ.",
                "The assignee must be an officer of the unit processing the dossier.",
            ),
            ErrorCode::PetitionNotFound => (
                "Không tìm thấy đơn hoặc nội dung đơn với mã đã cho.",
                "No petition or petition item with this id.",
            ),
            ErrorCode::ExtensionLimit => (
                "Không thể gia hạn thêm: đã hết số lần hoặc số ngày gia hạn pháp luật cho phép đối với loại đơn này.",
                "No further extension: the number or length of extensions the law allows for this kind of petition is used up.",
            ),
            ErrorCode::PetitionNotEligible => (
                "Đơn không đủ điều kiện để thực hiện thao tác này (ví dụ: tố cáo nặc danh không được thụ lý; khiếu nại lần hai phải gắn với khiếu nại lần đầu đã có quyết định hoặc đã hết hạn giải quyết).",
                "The petition does not qualify for this action (e.g. an anonymous denunciation is not accepted; a second complaint must follow a first complaint that was decided or whose time limit passed).",
            ),
            ErrorCode::AccountExists => (
                "Số căn cước, email hoặc số điện thoại này đã có tài khoản. Hãy đăng nhập, hoặc dùng \"Quên mật khẩu\" để đặt lại mật khẩu.",
                "An account already uses this identity number, email or phone. Log in, or use \"Forgot password\".",
            ),
            ErrorCode::ContactRequired => (
                "Cần ít nhất một địa chỉ email hoặc số điện thoại để nhận thông báo về hồ sơ.",
                "Give at least an email address or a phone number, to be told about your dossiers.",
            ),
            ErrorCode::ResetLinkInvalid => (
                "Liên kết đặt lại mật khẩu không đúng, đã dùng hoặc đã hết hạn. Hãy yêu cầu liên kết mới.",
                "This password reset link is wrong, used or expired. Ask for a new one.",
            ),
            ErrorCode::FileTooLarge => (
                "Tệp quá lớn. Hãy giảm dung lượng (ví dụ quét với độ phân giải thấp hơn) rồi gửi lại.",
                "The file is too large. Make it smaller (e.g. scan at a lower resolution) and send it again.",
            ),
            ErrorCode::FileTypeNotAllowed => (
                "Loại tệp không được chấp nhận. Chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX.",
                "This type of file is not accepted. Send PDF, JPEG, PNG, DOCX or XLSX files.",
            ),
            ErrorCode::DocumentMissing => (
                "Còn thiếu tệp của giấy tờ trong thành phần hồ sơ.",
                "A document of the checklist has no file yet.",
            ),
            ErrorCode::AlreadyRated => (
                "Ông/Bà đã đánh giá hồ sơ này.",
                "You have already rated this dossier.",
            ),
            ErrorCode::SiteReportNotFound => (
                "Không tìm thấy phản ánh hiện trường với mã đã cho.",
                "No on-site report with this id.",
            ),
            ErrorCode::ServiceNotFound => (
                "Không tìm thấy lĩnh vực phản ánh (mã dịch vụ) đã chọn.",
                "No report category (service code) with this code.",
            ),
            ErrorCode::LocationRequired => (
                "Cần cho biết vị trí: tọa độ (vĩ độ và kinh độ hợp lệ) hoặc địa chỉ.",
                "Give the location: valid coordinates (latitude and longitude) or an address.",
            ),
            ErrorCode::FormNotAvailable => (
                "Hồ sơ chưa có văn bản này (ví dụ: chưa có yêu cầu bổ sung thì chưa có Mẫu 02; hồ sơ trực tuyến chưa được tiếp nhận thì chưa có Mẫu 01).",
                "This dossier has no such form yet (e.g. no supplement request means no form 02; an online submission not yet accepted has no form 01).",
            ),
            ErrorCode::ImportLineFailed => (
                "Dòng dữ liệu không hợp lệ; chưa có hồ sơ nào được ghi.",
                "A line of the file is invalid; no dossier was written.",
            ),
            ErrorCode::OidcStateInvalid => (
                "Phiên đăng nhập bằng tài khoản định danh đã hết hạn hoặc không hợp lệ. Vui lòng đăng nhập lại từ đầu.",
                "The identity sign-in has expired or is not valid. Please start signing in again.",
            ),
            ErrorCode::OidcProviderError => (
                "Hệ thống định danh không xác nhận việc đăng nhập (bạn đã hủy hoặc yêu cầu bị từ chối). Vui lòng thử lại hoặc đăng nhập bằng tên đăng nhập và mật khẩu.",
                "The identity provider did not sign you in (you cancelled or the request was refused). Try again, or sign in with a username and password.",
            ),
            ErrorCode::OidcTokenInvalid => (
                "Không xác thực được thông tin định danh nhận từ hệ thống định danh. Vui lòng thử lại; nếu lỗi còn tiếp diễn, hãy liên hệ quản trị viên.",
                "The identity information from the identity provider could not be verified. Please try again; if it persists, contact the administrator.",
            ),
            ErrorCode::OidcUnavailable => (
                "Hệ thống định danh tạm thời không truy cập được. Vui lòng thử lại sau hoặc đăng nhập bằng tên đăng nhập và mật khẩu.",
                "The identity provider cannot be reached right now. Try again later, or sign in with a username and password.",
            ),
            ErrorCode::InvalidCccd => (
                "Số căn cước công dân phải gồm đúng 12 chữ số, bắt đầu bằng mã tỉnh hợp lệ.",
                "A citizen identity number has exactly 12 digits and starts with a valid province code.",
            ),
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_snake_case_and_translated() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
            assert!((400..600).contains(&code.http_status()));
            let vi = code.message(Lang::Vi);
            let en = code.message(Lang::En);
            assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{s}");
        }
    }
}
