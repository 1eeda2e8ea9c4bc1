//! [`AppError`]: what a use case returns when it refuses or fails. See the error policy in
//! `congso_domain::error`.

use congso_domain::ErrorCode;

/// A use-case error: a stable code, an optional safe detail for the user (e.g. which field), and for
/// internal errors the cause (logged, never shown).
#[derive(Debug)]
pub struct AppError {
    pub code: ErrorCode,
    /// Extra information safe to show (a field name, an offending value the user typed).
    pub detail: Option<String>,
    /// For `too_many_attempts`: seconds until the next attempt is allowed.
    pub retry_after: Option<u64>,
    /// The underlying cause of an internal error.
    pub source: Option<anyhow::Error>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode) -> AppError {
        AppError {
            code,
            detail: None,
            retry_after: None,
            source: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> AppError {
        self.detail = Some(detail.into());
        self
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> AppError {
        AppError {
            code: ErrorCode::Internal,
            detail: None,
            retry_after: None,
            source: Some(e.into()),
        }
    }

    pub fn forbidden() -> AppError {
        AppError::new(ErrorCode::Forbidden)
    }

    pub fn not_found() -> AppError {
        AppError::new(ErrorCode::NotFound)
    }
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> AppError {
        AppError::new(code)
    }
}

impl From<congso_db::sqlx::Error> for AppError {
    fn from(e: congso_db::sqlx::Error) -> AppError {
        if congso_db::is_unique_violation(&e) {
            AppError {
                code: ErrorCode::Conflict,
                detail: None,
                retry_after: None,
                source: Some(e.into()),
            }
        } else {
            AppError::internal(e)
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(d) = &self.detail {
            write!(f, " ({d})")?;
        }
        if let Some(s) = &self.source {
            write!(f, ": {s:#}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AppError {}
