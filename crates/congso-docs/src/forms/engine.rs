//! A minimal, sealed `typst::World`: the templates and fonts are compiled into the binary, the
//! only per-render inputs are `/data.json` (the form's data, already formatted) and `/qr.svg`.
//!
//! Nothing here touches the file system or the network: there is no package resolver, no
//! font scanning and no clock (`today()` returns `None`; every date on a form comes from the
//! caller). User text reaches typst only as JSON string values read with `json(..)`, so it
//! is displayed as text and never parsed as markup or code.
//!
//! A render is synchronous CPU work (tens of milliseconds in release builds); async callers
//! should run it in `tokio::task::spawn_blocking`. Renders may run concurrently.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::FormError;

/// Liberation Serif 2.1.5 (SIL OFL 1.1, see `fonts/LICENSE-OFL-1.1.txt`), metric-compatible
/// with Times New Roman.
pub(crate) const FONT_FILES: [(&str, &[u8]); 4] = [
    (
        "LiberationSerif-Regular.ttf",
        include_bytes!("../../fonts/LiberationSerif-Regular.ttf"),
    ),
    (
        "LiberationSerif-Bold.ttf",
        include_bytes!("../../fonts/LiberationSerif-Bold.ttf"),
    ),
    (
        "LiberationSerif-Italic.ttf",
        include_bytes!("../../fonts/LiberationSerif-Italic.ttf"),
    ),
    (
        "LiberationSerif-BoldItalic.ttf",
        include_bytes!("../../fonts/LiberationSerif-BoldItalic.ttf"),
    ),
];

/// The typst sources, by virtual path. `/common.typ` holds the shared layout (page, national
/// header, signature blocks, QR); each form imports it.
const TEMPLATES: [(&str, &str); 6] = [
    ("/common.typ", include_str!("../../templates/common.typ")),
    ("/mau01.typ", include_str!("../../templates/mau01.typ")),
    ("/mau02.typ", include_str!("../../templates/mau02.typ")),
    ("/mau03.typ", include_str!("../../templates/mau03.typ")),
    ("/mau04.typ", include_str!("../../templates/mau04.typ")),
    ("/mau05.typ", include_str!("../../templates/mau05.typ")),
];

const DATA_PATH: &str = "/data.json";
const QR_PATH: &str = "/qr.svg";

/// The main template of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Template {
    Mau01,
    Mau02,
    Mau03,
    Mau04,
    Mau05,
}

impl Template {
    fn path(self) -> &'static str {
        match self {
            Template::Mau01 => "/mau01.typ",
            Template::Mau02 => "/mau02.typ",
            Template::Mau03 => "/mau03.typ",
            Template::Mau04 => "/mau04.typ",
            Template::Mau05 => "/mau05.typ",
        }
    }
}

/// Everything that is the same for every render: the standard library, the parsed fonts and
/// the parsed template sources. Built once, on first use.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    sources: Vec<Source>,
    data_id: FileId,
    qr_id: FileId,
}

static SHARED: LazyLock<Result<Shared, String>> = LazyLock::new(Shared::build);

fn file_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path).map_err(|e| format!("bad virtual path {path}: {e:?}"))?;
    // `FileId::new` interns the path once per process; never use `FileId::unique` per render
    // (ids are u16 and leaked).
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

impl Shared {
    fn build() -> Result<Shared, String> {
        let mut fonts = Vec::with_capacity(FONT_FILES.len());
        for (name, bytes) in FONT_FILES {
            let font = Font::new(Bytes::new(bytes), 0)
                .ok_or_else(|| format!("embedded font {name} could not be parsed"))?;
            fonts.push(font);
        }
        let book = FontBook::from_fonts(&fonts);
        let mut sources = Vec::with_capacity(TEMPLATES.len());
        for (path, text) in TEMPLATES {
            sources.push(Source::new(file_id(path)?, text.to_owned()));
        }
        Ok(Shared {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts,
            sources,
            data_id: file_id(DATA_PATH)?,
            qr_id: file_id(QR_PATH)?,
        })
    }
}

fn shared() -> Result<&'static Shared, FormError> {
    SHARED
        .as_ref()
        .map_err(|message| FormError::Engine(message.clone()))
}

/// Parses the embedded fonts and templates now instead of on the first render (optional; a
/// server can call this at start-up so the first citizen does not wait).
pub fn warm_up() -> Result<(), FormError> {
    shared().map(|_| ())
}

/// One compilation: the shared state plus this render's data.
struct FormWorld {
    shared: &'static Shared,
    main: FileId,
    data: Bytes,
    qr: Bytes,
}

impl World for FormWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.shared
            .sources
            .iter()
            .find(|s| s.id() == id)
            .cloned()
            .ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.shared.data_id {
            Ok(self.data.clone())
        } else if id == self.shared.qr_id {
            Ok(self.qr.clone())
        } else if let Some(source) = self.shared.sources.iter().find(|s| s.id() == id) {
            Ok(Bytes::from_string(source.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // Forms never print "today": every date comes from the dossier.
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_with_slash().into())
}

fn describe(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let mut s = d.message.to_string();
            for hint in &d.hints {
                s.push_str(" (hint: ");
                s.push_str(&hint.v);
                s.push(')');
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Compiles `template` with `data` (JSON) and `qr_svg`, and exports the PDF. `ident` names
/// this document stably (the PDF `/ID` is derived from it): same ident and data, same bytes.
pub(crate) fn render(
    template: Template,
    ident: String,
    data: Vec<u8>,
    qr_svg: String,
) -> Result<Vec<u8>, FormError> {
    let shared = shared()?;
    let world = FormWorld {
        shared,
        main: file_id(template.path()).map_err(FormError::Engine)?,
        data: Bytes::new(data),
        qr: Bytes::from_string(qr_svg),
    };
    let options = typst_pdf::PdfOptions {
        // No timestamp and a stable identifier: rendering is deterministic.
        ident: Smart::Custom(ident),
        creator: Smart::Custom(Some("congso".to_owned())),
        ..typst_pdf::PdfOptions::default()
    };
    let result = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| FormError::Compile(describe(&errors)))
        .and_then(|document| {
            typst_pdf::pdf(&document, &options).map_err(|errors| FormError::Pdf(describe(&errors)))
        });
    // comemo memoises across compilations; without eviction its caches grow with every
    // distinct dossier. Keep what the last few renders used (fonts, parsed templates).
    typst::comemo::evict(10);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Vietnamese letter must have a glyph in each embedded face (the coverage typst
    /// builds from the cmap tables), or a
    /// name would print with tofu or a fallback face.
    #[test]
    fn fonts_cover_vietnamese() {
        let shared = shared().expect("fonts load");
        assert_eq!(shared.fonts.len(), FONT_FILES.len());
        let mut letters: Vec<char> = (0x1EA0..=0x1EF9).filter_map(char::from_u32).collect();
        letters.extend("đĐơƠưƯăĂâÂêÊôÔàÀáÁãÃèÈéÉìÌíÍòÒóÓõÕùÙúÚýÝĩĨũŨ".chars());
        letters.extend('A'..='Z');
        letters.extend('a'..='z');
        for (font, (name, _)) in shared.fonts.iter().zip(FONT_FILES) {
            let missing: String = letters
                .iter()
                .copied()
                .filter(|c| !font.info().coverage.contains(u32::from(*c)))
                .collect();
            assert!(missing.is_empty(), "{name} has no glyph for {missing:?}");
            assert_eq!(font.info().family, "Liberation Serif", "{name}");
        }
        assert!(shared.book.contains_family("liberation serif"));
    }
}
