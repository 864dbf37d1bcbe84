//! The built front end under `/pkg/` (wasm, js, css), each language's translations under
//! `/i18n/` (the wasm carries none) and the pages' stylesheet, in the best coding the browser
//! takes.
//!
//! Brotli first: a fifth fewer bytes than gzip for the wasm (docs/benchmarks.md). It and zopfli's
//! gzip are too slow to make per request (seconds for the main wasm), so after the release build
//! `propdesk precompress` (`crate::precompress`) writes a `.br` and a `.gz` beside each file, each
//! sent while it is newer than its file. Otherwise each file is gzipped once (level 9) the first
//! time a browser asks for it, and the bytes are kept, keyed by the file's length and
//! modification time: the 4 MB wasm is not compressed again on every fetch (0.2 s of CPU in
//! release, 0.7 s for the debug build the browser tests load), and a rebuilt file is compressed
//! afresh. The names carry no content hash, so a browser revalidates on each load (`no-cache`) and
//! gets a 304 while the file is unchanged.
use app::i18n::{self, Locale, Part};
use app::server::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::UNIX_EPOCH;

/// The identity of one version of a file: its length and modification time.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Version {
    len: u64,
    modified_nanos: u128,
}

impl Version {
    fn etag(self) -> String {
        format!("\"{:x}-{:x}\"", self.len, self.modified_nanos)
    }
}

/// Gzipped files by path, with the version they were made from.
type Gzipped = Mutex<HashMap<std::path::PathBuf, (Version, Bytes)>>;

fn gzipped() -> &'static Gzipped {
    static CACHE: OnceLock<Gzipped> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("map") | Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Whether the browser takes `coding` (`gzip`, `br`): named or `*`, and not refused with `q=0`.
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|enc| {
            let mut parts = enc.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case(coding) || name == "*") && !refused
        })
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes)?;
    enc.finish()
}

/// Gzip by zopfli: the same format as gzip -9, about 5% smaller, at a hundred times the time.
/// Five iterations: more gave nothing on the main wasm (421,371 B at 5, 421,351 at 50, with
/// zopfli's C library).
pub(crate) fn zopfli_gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let options = zopfli::Options {
        iteration_count: std::num::NonZeroU64::new(5).expect("five is not zero"),
        ..Default::default()
    };
    let mut out = Vec::new();
    zopfli::compress(options, zopfli::Format::Gzip, bytes, &mut out)?;
    Ok(out)
}

/// Brotli at its best quality (11) and a 4 MiB window.
pub(crate) fn brotli(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        enc.write_all(bytes)?;
    }
    Ok(out)
}

/// `GET /pkg/{name}`: a file of the built front end (the folder is flat: a name with a path
/// separator or a leading dot is refused as not found).
pub async fn serve(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let opts = &state.leptos_options;
    let path = std::path::Path::new(opts.site_root.as_ref())
        .join(opts.site_pkg_dir.as_ref())
        .join(&name);
    let Ok(meta) = tokio::fs::metadata(&path).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !meta.is_file() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let version = Version {
        len: meta.len(),
        modified_nanos: modified_nanos(&meta),
    };
    let etag = version.etag();
    let mut out = answer_headers(content_type(&name), &etag);
    if unchanged(&headers, &etag) {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    for (coding, extension) in [("br", "br"), ("gzip", "gz")] {
        let copy = path.with_file_name(format!("{name}.{extension}"));
        if accepts(&headers, coding) && made_from(&copy, version).await {
            return match tokio::fs::read(&copy).await {
                Ok(bytes) => {
                    out.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
                    (StatusCode::OK, out, Body::from(bytes)).into_response()
                }
                Err(e) => failed(&copy, e),
            };
        }
    }
    let body = if accepts(&headers, "gzip") {
        match compressed(&path, version).await {
            Ok(bytes) => {
                out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                Body::from(bytes)
            }
            Err(e) => return failed(&path, e),
        }
    } else {
        match tokio::fs::read(&path).await {
            Ok(bytes) => Body::from(bytes),
            Err(e) => return failed(&path, e),
        }
    };
    (StatusCode::OK, out, body).into_response()
}

fn modified_nanos(meta: &std::fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// Whether the compressed file at `path` was made from this version of its file: it was written
/// after it. A rebuild leaves an older one behind until `propdesk precompress` runs, unsent.
async fn made_from(path: &std::path::Path, version: Version) -> bool {
    tokio::fs::metadata(path)
        .await
        .is_ok_and(|m| m.is_file() && modified_nanos(&m) >= version.modified_nanos)
}

/// The headers of every answer here: revalidate on each load (the names carry no content hash),
/// by the version's tag.
fn answer_headers(content_type: &'static str, etag: &str) -> HeaderMap {
    let mut out = HeaderMap::new();
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(etag) {
        out.insert(header::ETAG, v);
    }
    out
}

/// Whether the browser already has the version tagged `etag`.
fn unchanged(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// A file made by the server from what is compiled into it: its bytes, compressed both ways,
/// and a tag of its content.
struct Compiled {
    raw: Bytes,
    gzipped: Bytes,
    brotli: Bytes,
    etag: String,
}

impl Compiled {
    /// Made once per process, off the request threads: brotli at quality 11 and zopfli take a
    /// few tenths of a second.
    async fn once(
        cell: &'static tokio::sync::OnceCell<Compiled>,
        make: impl FnOnce() -> String + Send + 'static,
    ) -> &'static Compiled {
        cell.get_or_init(|| async move {
            match tokio::task::spawn_blocking(move || Compiled::of(make())).await {
                Ok(compiled) => compiled,
                Err(e) => std::panic::resume_unwind(e.into_panic()),
            }
        })
        .await
    }

    fn of(raw: String) -> Compiled {
        let mut hash = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&raw, &mut hash);
        Compiled {
            etag: format!("\"{:x}-{:x}\"", raw.len(), std::hash::Hasher::finish(&hash)),
            gzipped: Bytes::from(zopfli_gzip(raw.as_bytes()).unwrap_or_default()),
            brotli: Bytes::from(brotli(raw.as_bytes()).unwrap_or_default()),
            raw: Bytes::from(raw),
        }
    }

    /// The answer to `headers`: a 304 while the browser has this version, else the best coding
    /// it takes.
    fn answer(&self, content_type: &'static str, headers: &HeaderMap) -> Response {
        let mut out = answer_headers(content_type, &self.etag);
        if unchanged(headers, &self.etag) {
            return (StatusCode::NOT_MODIFIED, out).into_response();
        }
        let body = if accepts(headers, "br") && !self.brotli.is_empty() {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            self.brotli.clone()
        } else if accepts(headers, "gzip") && !self.gzipped.is_empty() {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            self.gzipped.clone()
        } else {
            self.raw.clone()
        };
        (StatusCode::OK, out, body).into_response()
    }
}

/// `GET /i18n/{code}.json` and `/i18n/{code}-rest.json`: the two parts of one language's
/// translations, made once per process from the tables compiled into the server.
pub async fn translations(Path(file): Path<String>, headers: HeaderMap) -> Response {
    static TABLES: [[tokio::sync::OnceCell<Compiled>; Part::ALL.len()]; Locale::ALL.len()] =
        [const { [const { tokio::sync::OnceCell::const_new() }; Part::ALL.len()] };
            Locale::ALL.len()];
    let Some((locale, part)) = Part::parse_file(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    Compiled::once(&TABLES[locale as usize][part as usize], move || {
        i18n::table_json(locale, part)
    })
    .await
    .answer("application/json", &headers)
}

/// `GET /style/pages.css` (`app::ui::pages_style::URL`): the pages' stylesheet, minified once
/// per process from the file compiled into the server (cargo-leptos processes only the main
/// one). Should the minifier refuse it, it is sent as written.
pub async fn pages_style(headers: HeaderMap) -> Response {
    static STYLE: tokio::sync::OnceCell<Compiled> = tokio::sync::OnceCell::const_new();
    Compiled::once(&STYLE, || minified(include_str!("../../style/pages.css")))
        .await
        .answer(content_type("pages.css"), &headers)
}

fn minified(css: &str) -> String {
    minifier::css::minify(css)
        .map(|m| m.to_string())
        .unwrap_or_else(|e| {
            tracing::error!(error = e, "the pages' stylesheet could not be minified");
            css.to_string()
        })
}

/// The gzipped bytes of this version of the file, made now if not yet.
async fn compressed(path: &std::path::Path, version: Version) -> std::io::Result<Bytes> {
    let cached = gzipped().lock().ok().and_then(|c| {
        c.get(path)
            .filter(|(v, _)| *v == version)
            .map(|(_, b)| b.clone())
    });
    if let Some(bytes) = cached {
        return Ok(bytes);
    }
    let raw = tokio::fs::read(path).await?;
    let bytes = Bytes::from(
        tokio::task::spawn_blocking(move || gzip(&raw))
            .await
            .map_err(std::io::Error::other)??,
    );
    if let Ok(mut c) = gzipped().lock() {
        c.insert(path.to_path_buf(), (version, bytes.clone()));
    }
    Ok(bytes)
}

fn failed(path: &std::path::Path, e: std::io::Error) -> Response {
    tracing::error!(path = %path.display(), error = %e, "reading a front-end file failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coding_is_taken_when_accepted_and_not_refused() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            m
        };
        assert!(accepts(&h("gzip, deflate, br"), "gzip"));
        assert!(accepts(&h("gzip, deflate, br"), "br"));
        assert!(accepts(&h("br;q=1.0, GZIP;q=0.5"), "gzip"));
        assert!(accepts(&h("*"), "gzip"));
        assert!(!accepts(&h("gzip;q=0"), "gzip"));
        assert!(!accepts(&h("br, identity"), "gzip"));
        assert!(!accepts(&h("gzip, br; q=0"), "br"));
        assert!(!accepts(&h("gzip, deflate"), "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }
}
