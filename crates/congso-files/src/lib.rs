//! Attachments: what citizens upload with online dossiers (PDF, JPEG, PNG, DOCX, XLSX) and the
//! electronic results officers attach (PDF).
//!
//! - [`sniff`] decides the type **from the content only**, never from the file name or the
//!   declared MIME type; [`check`] applies a [`Policy`] (size limit, allow-list) and explains a
//!   refusal in Vietnamese and English ([`FileError::message_vi`], [`FileError::message_en`]).
//! - [`FileStore`] keeps accepted files in an `object_store` (a local directory, memory for tests,
//!   or any store given to [`FileStore::from_object_store`]) under a content-addressed key
//!   `sha256/ab/cd/<hex>`: the same content is stored once. A refused file is never written.
//! - [`safe_file_name`] makes a download name from what the citizen's browser sent.
//!
//! A leaf crate: no database, no web. The caller keeps a metadata row (key, hash, size, kind,
//! original name) in its transaction; see [`FileStore::delete`] for cleaning up after a failure.

mod name;
mod sniff;
mod store;

pub use name::safe_file_name;
pub use sniff::sniff;
pub use store::{FileStore, StoredFile};

/// An accepted file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Pdf,
    Jpeg,
    Png,
    Docx,
    Xlsx,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 5] = [Kind::Pdf, Kind::Jpeg, Kind::Png, Kind::Docx, Kind::Xlsx];

    /// The MIME type to serve the file with.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The usual file name extension, lower case, without the dot (`"jpg"` for JPEG).
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
        }
    }

    /// The name shown to people: `"PDF"`, `"JPEG"`, `"PNG"`, `"DOCX"`, `"XLSX"`.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Pdf => "PDF",
            Kind::Jpeg => "JPEG",
            Kind::Png => "PNG",
            Kind::Docx => "DOCX",
            Kind::Xlsx => "XLSX",
        }
    }

    /// The kind whose [`Kind::mime`] is `mime` (to read a stored metadata row back).
    pub fn from_mime(mime: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.mime() == mime)
    }
}

/// What an upload slot accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The largest accepted size in bytes (inclusive).
    pub max_bytes: u64,
    /// The accepted kinds; a file of another kind is [`FileError::Forbidden`].
    pub allowed: Vec<Kind>,
}

impl Policy {
    /// 10 MiB.
    pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;
}

impl Default for Policy {
    /// 10 MiB, all five kinds.
    fn default() -> Self {
        Policy {
            max_bytes: Self::DEFAULT_MAX_BYTES,
            allowed: Kind::ALL.to_vec(),
        }
    }
}

/// Why a file was refused or could not be stored.
///
/// `Display` is for logs (English, technical); show people [`FileError::message_vi`] or
/// [`FileError::message_en`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("file too large: {size} bytes, limit {max_bytes} bytes")]
    TooLarge { max_bytes: u64, size: u64 },
    /// The content is not an allowed kind. `detected` names what it looks like (`"HTML"`,
    /// `"EXE"`, `"ZIP"`, `"DOC/XLS"`, or an accepted kind's label when the policy excludes it),
    /// `None` when unrecognised (including a damaged ZIP). `allowed` is the policy's list, for
    /// the message.
    #[error("file type not allowed (detected: {})", .detected.unwrap_or("unknown"))]
    Forbidden {
        detected: Option<&'static str>,
        allowed: Vec<Kind>,
    },
    #[error("empty file")]
    Empty,
    /// The store failed (disk, permissions, a missing or damaged object). Details are for logs.
    #[error("file store: {0}")]
    Store(String),
}

impl FileError {
    /// The message for the person in front of the screen, in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            FileError::TooLarge { max_bytes, size } => {
                let (size, max) = sizes(*size, *max_bytes, Lang::Vi);
                format!("Tệp quá lớn: {size}, tối đa {max}.")
            }
            FileError::Forbidden { detected, allowed } => {
                let head = match detected {
                    Some(label) => format!("Không nhận tệp loại {label}."),
                    None => "Không nhận dạng được loại tệp hoặc tệp bị hỏng.".to_owned(),
                };
                if allowed.is_empty() {
                    format!("{head} Mục này không nhận tệp đính kèm.")
                } else {
                    format!("{head} Chỉ nhận tệp {}.", list(allowed, "hoặc"))
                }
            }
            FileError::Empty => "Tệp rỗng (0 byte). Vui lòng chọn lại tệp.".to_owned(),
            FileError::Store(_) => "Không lưu hoặc đọc được tệp. Vui lòng thử lại sau.".to_owned(),
        }
    }

    /// The message for the person in front of the screen, in English.
    pub fn message_en(&self) -> String {
        match self {
            FileError::TooLarge { max_bytes, size } => {
                let (size, max) = sizes(*size, *max_bytes, Lang::En);
                format!("The file is too large: {size}, at most {max}.")
            }
            FileError::Forbidden { detected, allowed } => {
                let head = match detected {
                    Some(label) => format!("{label} files are not accepted."),
                    None => "The file type was not recognised, or the file is damaged.".to_owned(),
                };
                if allowed.is_empty() {
                    format!("{head} No attachments are accepted here.")
                } else {
                    format!("{head} Only {} files are accepted.", list(allowed, "or"))
                }
            }
            FileError::Empty => "The file is empty (0 bytes). Please choose it again.".to_owned(),
            FileError::Store(_) => {
                "The file could not be stored or read. Please try again later.".to_owned()
            }
        }
    }
}

/// Checks `bytes` against `policy`: not empty, at most `max_bytes`, an allowed kind by content.
pub fn check(policy: &Policy, bytes: &[u8]) -> Result<Kind, FileError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size == 0 {
        return Err(FileError::Empty);
    }
    if size > policy.max_bytes {
        return Err(FileError::TooLarge {
            max_bytes: policy.max_bytes,
            size,
        });
    }
    let detected = match sniff::classify(bytes) {
        sniff::Class::Accepted(kind) if policy.allowed.contains(&kind) => return Ok(kind),
        sniff::Class::Accepted(kind) => Some(kind.label()),
        sniff::Class::Other(label) => Some(label),
        sniff::Class::Unknown => None,
    };
    Err(FileError::Forbidden {
        detected,
        allowed: policy.allowed.clone(),
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Vi,
    En,
}

/// "PDF, JPEG hoặc PNG" / "PDF, JPEG or PNG".
fn list(kinds: &[Kind], or: &str) -> String {
    let labels: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
    match labels.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {or} {last}", rest.join(", ")),
    }
}

/// The size and the limit, readable ("12,5 MB", "10 MB"); exact bytes when rounding would show
/// the two as equal (one byte over the limit).
fn sizes(size: u64, max: u64, lang: Lang) -> (String, String) {
    let (s, m) = (human_size(size, lang), human_size(max, lang));
    if s == m {
        (exact_size(size, lang), exact_size(max, lang))
    } else {
        (s, m)
    }
}

/// 1 KB = 1024 bytes, 1 MB = 1024 KB, one decimal ("12,5 MB" in Vietnamese, "12.5 MB").
fn human_size(bytes: u64, lang: Lang) -> String {
    const KB: u128 = 1024;
    const MB: u128 = 1024 * 1024;
    let n = u128::from(bytes);
    if n < KB {
        return exact_size(bytes, lang);
    }
    let (unit, name) = if n < MB { (KB, "KB") } else { (MB, "MB") };
    let tenths = (n * 10 + unit / 2) / unit;
    let (whole, frac) = (tenths / 10, tenths % 10);
    let whole = group(whole, lang);
    if frac == 0 {
        format!("{whole} {name}")
    } else {
        let point = if lang == Lang::Vi { ',' } else { '.' };
        format!("{whole}{point}{frac} {name}")
    }
}

/// "10.485.761 byte" / "10,485,761 bytes".
fn exact_size(bytes: u64, lang: Lang) -> String {
    let n = group(u128::from(bytes), lang);
    match lang {
        Lang::Vi => format!("{n} byte"),
        Lang::En if bytes == 1 => "1 byte".to_owned(),
        Lang::En => format!("{n} bytes"),
    }
}

/// Thousands grouped with "." (Vietnamese) or "," (English).
fn group(n: u128, lang: Lang) -> String {
    let sep = if lang == Lang::Vi { '.' } else { ',' };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_readable() {
        assert_eq!(human_size(10 * 1024 * 1024, Lang::Vi), "10 MB");
        assert_eq!(human_size(13_107_200, Lang::Vi), "12,5 MB");
        assert_eq!(human_size(13_107_200, Lang::En), "12.5 MB");
        assert_eq!(human_size(1536, Lang::Vi), "1,5 KB");
        assert_eq!(human_size(512, Lang::Vi), "512 byte");
        assert_eq!(human_size(1, Lang::En), "1 byte");
        assert_eq!(human_size(2_000 * 1024 * 1024, Lang::Vi), "2.000 MB");
        assert_eq!(exact_size(10_485_761, Lang::Vi), "10.485.761 byte");
        assert_eq!(exact_size(10_485_761, Lang::En), "10,485,761 bytes");
        assert_eq!(
            exact_size(u64::MAX, Lang::En),
            "18,446,744,073,709,551,615 bytes"
        );
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(list(&Kind::ALL, "hoặc"), "PDF, JPEG, PNG, DOCX hoặc XLSX");
        assert_eq!(list(&[Kind::Pdf], "or"), "PDF");
        assert_eq!(list(&[Kind::Pdf, Kind::Png], "or"), "PDF or PNG");
    }

    #[test]
    fn kinds_round_trip_through_mime() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_mime(kind.mime()), Some(kind));
        }
        assert_eq!(Kind::from_mime("text/html"), None);
    }
}
