//! The layering rules of `docs/architecture.md`, checked on the source text:
//! - `domain` is pure: it names nothing outside `domain`, and no framework (`leptos`, `sea_orm`,
//!   `tokio`, `axum`, `http`), written out in full or imported;
//! - `ui` holds plain components: it names neither `pages` nor `server`;
//! - services (`server`) never name `api`, `pages` or `ui`;
//! - `server::infra` and `server::entity` name no business area;
//! - business areas (`server::<area>`) import each other without a loop.
//!
//! Paths are read wherever they are written (`use` lines, grouped imports and full paths in
//! code). `KNOWN` lists the breaches left to remove: a new breach fails, and so does a listed one
//! that is gone (take it off the list).
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Breaches that remain (none now; list one here only with the issue that removes it).
const KNOWN: &[&str] = &[];

const FRAMEWORKS: &[&str] = &[
    "leptos",
    "leptos_axum",
    "leptos_router",
    "sea_orm",
    "tokio",
    "axum",
    "http",
];
/// What sits above the areas and may import all of them.
const COMPOSITION: &[&str] = &["seed", "setup", "mod"];

/// The unit a file belongs to: `domain`, `ui`, `server/infra`, `server/prop`, …
fn unit_of(rel: &str) -> String {
    let parts: Vec<&str> = rel.split('/').collect();
    match parts.as_slice() {
        ["server", file] => format!("server/{}", file.trim_end_matches(".rs")),
        ["server", area, ..] => format!("server/{area}"),
        [first, ..] => first.trim_end_matches(".rs").to_string(),
        [] => String::new(),
    }
}

/// Every `crate::…` path a text names, as its first two segments (`server/prop`, `pages`),
/// grouped imports (`crate::{i18n, server::{prop::x, trading}}`) expanded.
fn named_units(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            path_units(rest, None, &mut out);
        }
    }
    out
}

/// The units named by the path at the start of `path` (after `crate::`, or after
/// `crate::server::` when `in_server`).
fn path_units(path: &str, in_server: Option<()>, out: &mut BTreeSet<String>) {
    if let Some(group) = path.strip_prefix('{') {
        for item in top_items(group) {
            path_units(item, in_server, out);
        }
        return;
    }
    let first = ident(path);
    if first.is_empty() {
        return;
    }
    if in_server.is_some() {
        out.insert(server_unit(first));
        return;
    }
    match path[first.len()..].strip_prefix("::") {
        Some(tail) if first == "server" => path_units(tail, Some(()), out),
        _ => {
            out.insert(first.to_string());
        }
    }
}

/// The comma-separated items of a `{…}` group, up to its closing brace.
fn top_items(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(group[start..i].trim());
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(group[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

/// `state`, `finish` and `AppState` are items of `server/mod.rs`, the rest are folders or files.
fn server_unit(name: &str) -> String {
    if name.starts_with(char::is_uppercase)
        || ["state", "finish", "set_error_status"].contains(&name)
    {
        "server/mod".into()
    } else {
        format!("server/{name}")
    }
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The text without its comments (a path in a doc comment is a link, not a dependency).
fn code_only(text: &str) -> String {
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A framework path (`sea_orm::…`, `use tokio;`).
fn names_framework(text: &str) -> Option<&'static str> {
    for code in text.lines() {
        for f in FRAMEWORKS {
            for (at, _) in code.match_indices(f) {
                let before = code[..at].chars().last();
                let after = &code[at + f.len()..];
                let starts = !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
                if starts && (after.starts_with("::") || after.starts_with(';')) {
                    return Some(f);
                }
            }
        }
    }
    None
}

/// The breaches in a set of files (path relative to `app/src`, text).
fn breaches(files: &[(String, String)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut areas: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in files {
        let unit = unit_of(rel);
        let text = &code_only(text);
        let names = named_units(text);
        let top = |n: &str| n.split('/').next().unwrap_or("").to_string();
        if unit == "domain" {
            for n in names.iter().filter(|n| top(n) != "domain") {
                out.insert(format!("domain → {} ({rel})", top(n)));
            }
            if let Some(f) = names_framework(text) {
                out.insert(format!("domain → {f} ({rel})"));
            }
        }
        if unit == "ui" {
            for n in names
                .iter()
                .filter(|n| ["pages", "server"].contains(&top(n).as_str()))
            {
                out.insert(format!("ui → {} ({rel})", top(n)));
            }
        }
        if let Some(area) = unit.strip_prefix("server/") {
            for n in names
                .iter()
                .filter(|n| ["api", "pages", "ui"].contains(&top(n).as_str()))
            {
                out.insert(format!("server → {} ({rel})", top(n)));
            }
            let targets: BTreeSet<String> = names
                .iter()
                .filter_map(|n| n.strip_prefix("server/"))
                .filter(|t| *t != area && *t != "mod" && *t != "entity")
                .map(str::to_string)
                .collect();
            if ["infra", "entity"].contains(&area) {
                for t in targets.iter().filter(|t| *t != "infra") {
                    out.insert(format!(
                        "{area} → {t} (server/{})",
                        rel.trim_start_matches("server/")
                    ));
                }
            } else if !COMPOSITION.contains(&area) {
                areas.entry(area.to_string()).or_default().extend(
                    targets
                        .into_iter()
                        .filter(|t| t != "infra" && !COMPOSITION.contains(&t.as_str())),
                );
            }
        }
    }
    for cycle in loops(&areas) {
        out.insert(format!("area loop: {}", cycle.join(" → ")));
    }
    out
}

/// The loops of the area graph: for each strongly connected group of two or more areas, one
/// cycle through its smallest member, written from it and back to it.
fn loops(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            for m in g.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for a in g.keys() {
        if done.contains(a) || !reach(a).contains(a) {
            continue;
        }
        // The shortest way back to `a`, breadth first.
        let mut prev: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([a.clone()]);
        'search: while let Some(n) = queue.pop_front() {
            for m in g.get(&n).into_iter().flatten() {
                if m == a {
                    let mut path = vec![a.clone()];
                    let mut at = n.clone();
                    while &at != a {
                        path.push(at.clone());
                        at = prev[&at].clone();
                    }
                    path.push(a.clone());
                    let last = path.len() - 1;
                    path[1..last].reverse();
                    done.extend(path.iter().cloned());
                    out.push(path);
                    break 'search;
                }
                if !prev.contains_key(m) {
                    prev.insert(m.clone(), n.clone());
                    queue.push_back(m.clone());
                }
            }
        }
    }
    out
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read source folder") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((
                rel,
                std::fs::read_to_string(&path).expect("read source file"),
            ));
        }
    }
}

#[test]
fn the_layers_keep_their_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let found = breaches(&files);
    let known: BTreeSet<String> = KNOWN.iter().map(|s| s.to_string()).collect();
    let new: Vec<_> = found.difference(&known).collect();
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        new.is_empty(),
        "imports that break the layering rules (docs/architecture.md): {new:#?}"
    );
    assert!(
        gone.is_empty(),
        "fixed, take them off KNOWN in this test: {gone:#?}"
    );
}

#[test]
fn the_check_sees_a_bad_import() {
    let file = |p: &str, t: &str| (p.to_string(), t.to_string());
    let found = breaches(&[
        file(
            "domain/money.rs",
            "fn f() { crate::server::infra::db::migrate(); }",
        ),
        file(
            "domain/rules.rs",
            "pub fn g() -> sea_orm::DbErr { todo!() }",
        ),
        file("ui/table.rs", "use crate::{i18n, pages::admin::x};"),
        file(
            "server/infra/audit.rs",
            "use crate::server::{entity::user, money::ledger};",
        ),
        file(
            "server/money/funds.rs",
            "use crate::server::{approvals, prop::fees};",
        ),
        file(
            "server/prop/fees.rs",
            "use crate::server::money::ledger; use crate::api::x;",
        ),
        file(
            "server/approvals/mod.rs",
            "//! Holds money (crate::server::money) in a comment only.",
        ),
    ]);
    let want: BTreeSet<String> = [
        "domain → server (domain/money.rs)",
        "domain → sea_orm (domain/rules.rs)",
        "ui → pages (ui/table.rs)",
        "infra → money (server/infra/audit.rs)",
        "server → api (server/prop/fees.rs)",
        "area loop: money → prop → money",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(found, want);
}

/// Every server function enters through `api::ctx::serve` (or `serve_public`), which checks the
/// caller and sets the HTTP status of an error: a function that skipped it would answer without
/// asking who calls. A function may hand over to a helper of its file that enters there.
#[test]
fn every_server_function_enters_through_serve() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    let mut skipped = Vec::new();
    for (rel, text) in &files {
        let text = code_only(text);
        // The body of each item: from its `fn` to the first closing brace at the line's start.
        let bodies: Vec<(&str, &str)> = text
            .match_indices("fn ")
            .filter_map(|(at, _)| {
                let rest = &text[at + 3..];
                let name = ident(rest);
                let end = rest.find("\n}\n").or_else(|| rest.find("\n        }\n"))?;
                Some((name, &rest[..end]))
            })
            .collect();
        let entering: Vec<&str> = bodies
            .iter()
            .filter(|(_, b)| b.contains("ctx::serve"))
            .map(|(n, _)| *n)
            .collect();
        for chunk in text.split("#[server(").skip(1) {
            let Some((name, body)) = chunk
                .find("fn ")
                .and_then(|at| bodies.iter().find(|(n, _)| *n == ident(&chunk[at + 3..])))
            else {
                continue;
            };
            let enters = body.contains("ctx::serve")
                || entering.iter().any(|h| body.contains(&format!("{h}(")));
            if !enters {
                skipped.push(format!("{rel}: {name}"));
            }
        }
    }
    assert!(
        skipped.is_empty(),
        "server functions that do not enter through api::ctx::serve: {skipped:#?}"
    );
}
