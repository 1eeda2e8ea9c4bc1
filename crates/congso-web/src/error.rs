//! How errors become responses.
//!
//! Handlers return [`WebError`] (from any `AppError` or `ErrorCode`). Its response carries an
//! [`ErrorInfo`] extension and an empty body; the `render_errors` middleware, which knows the
//! request (path, language, user), turns it into JSON `{"error", "message", …}` for the API or a
//! full HTML page for people. Internal errors are logged with their cause chain here and shown
//! as an opaque message with the request id.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congso_app::AppError;
use congso_domain::ErrorCode;

/// Marker put on error responses for `render_errors`.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: ErrorCode,
    pub detail: Option<String>,
}

/// An error returned by a handler.
#[derive(Debug)]
pub struct WebError(pub AppError);

pub type WebResult<T> = Result<T, WebError>;

impl From<AppError> for WebError {
    fn from(e: AppError) -> WebError {
        WebError(e)
    }
}

impl From<ErrorCode> for WebError {
    fn from(c: ErrorCode) -> WebError {
        WebError(AppError::new(c))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let e = self.0;
        if e.code == ErrorCode::Internal {
            tracing::error!(error = %e, "internal error");
        }
        error_response(e.code, e.detail, e.retry_after)
    }
}

/// An empty response marked with the error (rendered later by `render_errors`).
pub fn error_response(
    code: ErrorCode,
    detail: Option<String>,
    retry_after: Option<u64>,
) -> Response {
    let status =
        StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = status.into_response();
    if let Some(secs) = retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp.extensions_mut().insert(ErrorInfo { code, detail });
    resp
}

/// The error code for a bare status produced outside our handlers (router 404/405, body limit).
pub fn code_for_status(status: StatusCode) -> Option<ErrorCode> {
    match status {
        StatusCode::NOT_FOUND => Some(ErrorCode::NotFound),
        StatusCode::METHOD_NOT_ALLOWED => Some(ErrorCode::NotFound),
        StatusCode::PAYLOAD_TOO_LARGE => Some(ErrorCode::PayloadTooLarge),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY
        | StatusCode::BAD_REQUEST => Some(ErrorCode::InvalidInput),
        StatusCode::INTERNAL_SERVER_ERROR => Some(ErrorCode::Internal),
        _ => None,
    }
}
