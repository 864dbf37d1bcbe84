//! `propdesk precompress`: after a release build, a brotli and a gzip copy beside each file of
//! the front end (`{name}.br`, `{name}.gz`), which `assets` sends while they are newer than their
//! file. Made here and not per request: brotli at its best quality and zopfli's gzip (5% smaller
//! than gzip -9, and any gzip decoder reads it) take seconds for the main wasm.
//!
//! It first rewrites the wasm splitter's loader shorter (`crate::split_loader`): a browser
//! downloads it on every first visit.
use crate::split_loader;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one run did, for its line of output.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
    pub compressed: usize,
    pub up_to_date: usize,
}

/// Compresses every file of `dir` (flat, as `pkg/` is) whose copies are missing or older than
/// it, on every core.
pub fn run(dir: &Path) -> std::io::Result<Summary> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let copy_or_hidden =
            name.starts_with('.') || name.ends_with(".br") || name.ends_with(".gz");
        if entry.file_type()?.is_file() && !copy_or_hidden {
            files.push((entry.metadata()?.len(), entry.path()));
        }
    }
    // The largest first, so that no core is left with a large file at the end.
    files.sort_by_key(|(len, _)| std::cmp::Reverse(*len));
    let next = AtomicUsize::new(0);
    let compressed = AtomicUsize::new(0);
    let failure = Mutex::new(None);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some((_, path)) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    match compress(path) {
                        Ok(true) => {
                            compressed.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(false) => {}
                        Err(e) => {
                            *failure.lock().unwrap_or_else(|p| p.into_inner()) = Some(
                                std::io::Error::new(e.kind(), format!("{}: {e}", path.display())),
                            );
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let compressed = compressed.into_inner();
    Ok(Summary {
        compressed,
        up_to_date: files.len() - compressed,
    })
}

/// Writes both copies of one file unless both are newer than it; true when it wrote them.
fn compress(path: &Path) -> std::io::Result<bool> {
    let (br, gz) = (copy_path(path, "br"), copy_path(path, "gz"));
    let modified = std::fs::metadata(path)?.modified()?;
    let fresh = |copy: &Path| {
        std::fs::metadata(copy)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= modified)
    };
    if fresh(&br) && fresh(&gz) {
        return Ok(false);
    }
    let mut bytes = std::fs::read(path)?;
    if split_loader::is_split_loader(path)
        && let Some(shorter) = split_loader::rewrite(&bytes)
    {
        std::fs::write(path, &shorter)?;
        bytes = shorter;
    }
    // A server reading a copy meanwhile sees the old one or the new one, never half of one.
    write_atomically(&br, &crate::assets::brotli(&bytes)?)?;
    write_atomically(&gz, &crate::assets::zopfli_gzip(&bytes)?)?;
    Ok(true)
}

fn copy_path(path: &Path, coding: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(coding);
    PathBuf::from(name)
}

/// Through a hidden file (the server refuses names with a leading dot), then renamed.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let partial = path.with_file_name(format!(".{name}.partial"));
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn both_copies_decode_to_the_file_and_a_second_run_does_nothing() {
        let dir = std::env::temp_dir().join(format!("pd-precompress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let body = "fn main() { println!(\"propdesk\"); }\n".repeat(500);
        std::fs::write(dir.join("propdesk.wasm"), &body).unwrap();
        std::fs::write(
            dir.join("__wasm_split.______.js"),
            format!("/* areas */\n{body}"),
        )
        .unwrap();
        assert_eq!(
            run(&dir).unwrap(),
            Summary {
                compressed: 2,
                up_to_date: 0
            }
        );
        for name in ["propdesk.wasm", "__wasm_split.______.js"] {
            let mut gunzipped = String::new();
            flate2::read::GzDecoder::new(
                &std::fs::read(dir.join(format!("{name}.gz"))).unwrap()[..],
            )
            .read_to_string(&mut gunzipped)
            .unwrap();
            assert_eq!(gunzipped, body, "{name}.gz");
            let mut unbrotlied = String::new();
            brotli::Decompressor::new(
                &std::fs::read(dir.join(format!("{name}.br"))).unwrap()[..],
                4096,
            )
            .read_to_string(&mut unbrotlied)
            .unwrap();
            assert_eq!(unbrotlied, body, "{name}.br");
        }
        assert_eq!(
            run(&dir).unwrap(),
            Summary {
                compressed: 0,
                up_to_date: 2
            }
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
