//! The wasm splitter's loader (`__wasm_split.*.js`, which cargo-leptos writes beside the lazy
//! files), rewritten shorter before it is compressed and sent. Every first visit downloads it.
//!
//! The splitter writes, per shared file (`chunk_N.wasm`, 740 of them), a comment naming every area
//! that uses it and a five-line loader that differs from the others only in N; and per lazy area
//! a loader with the list of the shared files it needs. The rewrite keeps the splitter's own
//! runtime (`makeLoad`, `wrapAsyncCb`, …, everything before the first loader) and makes the same
//! loaders in a loop: 213 KB → 23 KB, 9.4 → 4.6 KB in gzip; and each area's list of files as
//! runs of numbers (`runs`): 25.5 → 15.3 KB, 5.2 → 4.7 KB in gzip (`docs/benchmarks.md`).
//!
//! It only rewrites a loader it reads in full: anything else it is given (another splitter
//! version, a loader already rewritten) is left as it is, which stays correct, only longer.

/// cargo-leptos's loader for the lazy files.
pub fn is_split_loader(path: &std::path::Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("__wasm_split.") && n.ends_with(".js"))
}

/// Rewrites the loader of a built front end's folder (`pkg/`) in place, without compressing it
/// (`propdesk precompress --loader-only`, for the browser tests' build); true when it changed.
pub fn rewrite_in(dir: &std::path::Path) -> std::io::Result<bool> {
    let mut changed = false;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if is_split_loader(&path)
            && let Some(shorter) = rewrite(&std::fs::read(&path)?)
        {
            std::fs::write(&path, shorter)?;
            changed = true;
        }
    }
    Ok(changed)
}

/// The loader rewritten, or None when there is nothing to rewrite or it is not read in full.
pub fn rewrite(js: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(js).ok()?;
    let lines: Vec<&str> = text.lines().filter(|l| !is_comment(l)).collect();
    let compact = compact(&lines);
    if compact.is_none() && lines.len() == text.lines().count() {
        return None;
    }
    Some(
        compact
            .unwrap_or_else(|| lines.join("\n") + "\n")
            .into_bytes(),
    )
}

/// A comment alone on its line, as the splitter writes them. A `/*` inside code is left alone.
fn is_comment(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 4
        && line.starts_with("/*")
        && line.ends_with("*/")
        && !line[2..line.len() - 2].contains("*/")
}

/// One loader as the splitter writes it (`js.rs`'s `write_loaders`, wasm_split_cli_support 0.2):
///
/// ```js
/// const __chunk_25 = makeLoad(() => {                   // or: export const NAME = wrapAsyncCb(makeLoad(() => {
///     const src = fetch(new URL("./chunk_25.wasm", import.meta.url));
///     return async (imports) => WRAP(WebAssembly.instantiateStreaming(src, imports));
/// }
/// , []);                                                // or: , [__chunk_25, __chunk_31]));
/// ```
///
/// WRAP is empty, or `debugWrap` in a debug build.
struct Loader<'a> {
    /// The shared file's number, or the lazy area's exported name.
    kind: Kind<'a>,
    file: &'a str,
    wrap: &'a str,
    deps: Vec<u32>,
}

enum Kind<'a> {
    Chunk(u32),
    Area(&'a str),
}

const LOADER_LINES: usize = 5;

fn read_loader<'a>(l: &[&'a str]) -> Option<Loader<'a>> {
    let [first, fetch, instantiate, "}", last] = l else {
        return None;
    };
    let file = fetch
        .strip_prefix("    const src = fetch(new URL(\"./")?
        .strip_suffix("\", import.meta.url));")?;
    let wrap = instantiate
        .strip_prefix("    return async (imports) => ")?
        .strip_suffix("(WebAssembly.instantiateStreaming(src, imports));")?;
    if !is_identifier(file.trim_end_matches(".wasm")) || !(wrap.is_empty() || is_identifier(wrap)) {
        return None;
    }
    if let Some(n) = first
        .strip_prefix("const __chunk_")
        .and_then(|r| r.strip_suffix(" = makeLoad(() => {"))
    {
        let n: u32 = n.parse().ok()?;
        // A shared file needs nothing else, and its name is its number.
        return (*last == ", []);" && file == format!("chunk_{n}.wasm")).then_some(Loader {
            kind: Kind::Chunk(n),
            file,
            wrap,
            deps: Vec::new(),
        });
    }
    let name = first
        .strip_prefix("export const ")?
        .strip_suffix(" = wrapAsyncCb(makeLoad(() => {")?;
    let list = last.strip_prefix(", [")?.strip_suffix("]));")?;
    let deps = list
        .split(", ")
        .filter(|d| !d.is_empty())
        .map(|d| d.strip_prefix("__chunk_")?.parse().ok())
        .collect::<Option<Vec<u32>>>()?;
    is_identifier(name).then_some(Loader {
        kind: Kind::Area(name),
        file,
        wrap,
        deps,
    })
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The runtime, then the same loaders: the shared files' in a loop over their numbers (which the
/// splitter gives in one run), each area's through one function with its list of numbers.
fn compact(lines: &[&str]) -> Option<String> {
    let start = lines.iter().position(|l| {
        l.starts_with("const __chunk_")
            || (l.starts_with("export const ") && l.contains("makeLoad"))
    })?;
    let (runtime, rest) = lines.split_at(start);
    if rest.len() % LOADER_LINES != 0 {
        return None;
    }
    let loaders = rest
        .chunks(LOADER_LINES)
        .map(read_loader)
        .collect::<Option<Vec<_>>>()?;
    let wrap = loaders[0].wrap;
    if loaders.iter().any(|l| l.wrap != wrap) {
        return None;
    }
    let chunks: Vec<u32> = loaders
        .iter()
        .filter_map(|l| match l.kind {
            Kind::Chunk(n) => Some(n),
            Kind::Area(_) => None,
        })
        .collect();
    let (first, last) = match (chunks.first(), chunks.last()) {
        (Some(&f), Some(&l)) => (f, l),
        _ => (1, 0),
    };
    let in_one_run = chunks.iter().zip(first..).all(|(&n, m)| n == m);
    let known = |d: &u32| (first..=last).contains(d);
    if !in_one_run || loaders.iter().any(|l| !l.deps.iter().all(known)) {
        return None;
    }
    let fetch = |file: &str| {
        format!(
            "makeLoad(() => {{\n        const src = fetch(new URL({file}, import.meta.url));\n        \
             return async (imports) => {wrap}(WebAssembly.instantiateStreaming(src, imports));\n    }}"
        )
    };
    let mut js = runtime.join("\n");
    js.push_str(&format!(
        "\nconst __chunks = [];\nfor (let n = {first}; n <= {last}; n++) {{\n    __chunks[n] = {}, []);\n}}\n",
        fetch("`./chunk_${n}.wasm`")
    ));
    js.push_str(&format!(
        "function areaLoader(file, runs) {{\n    const deps = [];\n    for (const run of runs.split(\",\").filter(Boolean)) {{\n        \
         const [a, b = a] = run.split(\"-\").map(Number);\n        for (let n = a; n <= b; n++) deps.push(__chunks[n]);\n    }}\n    \
         return wrapAsyncCb({}, deps));\n}}\n",
        fetch("file")
    ));
    for l in &loaders {
        if let Kind::Area(name) = l.kind {
            js.push_str(&format!(
                "export const {name} = areaLoader(\"./{}\", \"{}\");\n",
                l.file,
                runs(&l.deps)
            ));
        }
    }
    Some(js)
}

/// An area's shared files as runs of numbers, `25,27-30`: most areas need long runs of them
/// (the approvals' 225 in one), and a list of every number was a sixth of the loader in gzip.
fn runs(deps: &[u32]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < deps.len() {
        let mut j = i;
        while j + 1 < deps.len() && deps[j + 1] == deps[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            deps[i].to_string()
        } else {
            format!("{}-{}", deps[i], deps[j])
        });
        i = j + 1;
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNTIME: &str = "import { initSync } from \"./propdesk.js\";\nfunction makeLoad(fetcher, deps) {\n    return () => {};\n}";

    fn chunk(n: u32, wrap: &str) -> String {
        format!(
            "/* a_1, b_2 */\nconst __chunk_{n} = makeLoad(() => {{\n    const src = fetch(new URL(\"./chunk_{n}.wasm\", import.meta.url));\n    return async (imports) => {wrap}(WebAssembly.instantiateStreaming(src, imports));\n}}\n, []);\n"
        )
    }

    fn area(name: &str, deps: &[u32], wrap: &str) -> String {
        let deps: Vec<String> = deps.iter().map(|d| format!("__chunk_{d}")).collect();
        format!(
            "export const __wasm_split_load_{name} = wrapAsyncCb(makeLoad(() => {{\n    const src = fetch(new URL(\"./split_{name}.wasm\", import.meta.url));\n    return async (imports) => {wrap}(WebAssembly.instantiateStreaming(src, imports));\n}}\n, [{}]));\n",
            deps.join(", ")
        )
    }

    fn loader(wrap: &str) -> String {
        format!(
            "{RUNTIME}\n{}{}{}{}{}",
            chunk(25, wrap),
            chunk(26, wrap),
            chunk(27, wrap),
            area("trading_1", &[25, 27], wrap),
            area("sign_in_1", &[], wrap)
        )
    }

    #[test]
    fn the_loaders_are_made_in_a_loop_with_the_runtime_kept() {
        let out = String::from_utf8(rewrite(loader("").as_bytes()).unwrap()).unwrap();
        assert_eq!(
            out,
            format!(
                "{RUNTIME}\nconst __chunks = [];\nfor (let n = 25; n <= 27; n++) {{\n    __chunks[n] = makeLoad(() => {{\n        const src = fetch(new URL(`./chunk_${{n}}.wasm`, import.meta.url));\n        return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n    }}, []);\n}}\nfunction areaLoader(file, runs) {{\n    const deps = [];\n    for (const run of runs.split(\",\").filter(Boolean)) {{\n        const [a, b = a] = run.split(\"-\").map(Number);\n        for (let n = a; n <= b; n++) deps.push(__chunks[n]);\n    }}\n    return wrapAsyncCb(makeLoad(() => {{\n        const src = fetch(new URL(file, import.meta.url));\n        return async (imports) => (WebAssembly.instantiateStreaming(src, imports));\n    }}, deps));\n}}\nexport const __wasm_split_load_trading_1 = areaLoader(\"./split_trading_1.wasm\", \"25,27\");\nexport const __wasm_split_load_sign_in_1 = areaLoader(\"./split_sign_in_1.wasm\", \"\");\n"
            )
        );
        // Rewritten once: a second run finds nothing to do.
        assert_eq!(rewrite(out.as_bytes()), None);
    }

    #[test]
    fn an_areas_files_are_written_as_runs() {
        assert_eq!(runs(&[28, 29, 30, 33, 35, 36]), "28-30,33,35-36");
        assert_eq!(runs(&[7]), "7");
        assert_eq!(runs(&[]), "");
        assert_eq!(runs(&[5, 4]), "5,4");
    }

    #[test]
    fn a_debug_builds_wrapper_is_kept() {
        let out = String::from_utf8(rewrite(loader("debugWrap").as_bytes()).unwrap()).unwrap();
        assert_eq!(out.matches("debugWrap(WebAssembly").count(), 2, "{out}");
    }

    #[test]
    fn a_loader_not_read_in_full_only_loses_its_comments() {
        let without_comments = |js: &str| {
            js.lines()
                .filter(|l| !l.starts_with("/*"))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        };
        // An area needing a file the loader does not make, numbers not in one run, two wrappers,
        // an empty module's loader, and a line of its own.
        let cases = [
            format!("{RUNTIME}\n{}{}", chunk(25, ""), area("a_1", &[26], "")),
            format!("{RUNTIME}\n{}{}", chunk(25, ""), chunk(27, "")),
            format!("{RUNTIME}\n{}{}", chunk(25, ""), chunk(26, "debugWrap")),
            format!(
                "{RUNTIME}\n{}const __chunk_26 = makeLoad(() => async (_imp) => ({{}}), []);\n",
                chunk(25, "")
            ),
            format!("{RUNTIME}\n{}console.log(1);\n", chunk(25, "")),
        ];
        for js in cases {
            let out = String::from_utf8(rewrite(js.as_bytes()).unwrap()).unwrap();
            assert_eq!(out, without_comments(&js));
        }
        assert_eq!(
            rewrite(b"const x = 1; /* kept */\nconst y = \"/*\";\n"),
            None
        );
        // Two comments on one line with code between them are code.
        assert_eq!(rewrite(b"/* a */ f(); /* b */\n"), None);
    }
}
