//! A `view!` attribute closure without braces ends at the first `<` or `>` the macro sees, so
//! `disabled=move || step.get() >= 4` renders the rest of the tag as text and the element loses
//! its handlers. Such closures must be braced: `disabled=move || { step.get() >= 4 }`.
use std::path::Path;

/// The unbraced closure bodies of `attr=move |..| body` on one line that compare with `<`/`>`.
fn unbraced_comparisons(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("=move |") {
        let after = &rest[at + "=move |".len()..];
        let Some(close) = after.find('|') else { break };
        let body = after[close + 1..].trim_start();
        rest = &after[close + 1..];
        if body.starts_with(['{', '(']) || body.starts_with("view!") {
            continue;
        }
        // The closure's own text: up to the next attribute of the tag.
        let end = [
            " on:", " class", " prop:", " attr:", " style", " aria-", " data-",
        ]
        .iter()
        .filter_map(|s| body.find(s))
        .min()
        .unwrap_or(body.len());
        let own = &body[..end];
        if own.contains("<=") || own.contains(">=") || own.contains(" < ") || own.contains(" > ") {
            found.push(own.to_string());
        }
    }
    found
}

fn scan(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read source folder") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            scan(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read source file");
            for (n, line) in text.lines().enumerate() {
                for body in unbraced_comparisons(line) {
                    out.push(format!("{}:{}: {body}", path.display(), n + 1));
                }
            }
        }
    }
}

#[test]
fn view_attribute_closures_with_comparisons_are_braced() {
    let mut found = Vec::new();
    scan(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(
        found.is_empty(),
        "brace these view! attribute closures:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_the_defect_it_guards_against() {
    let tag = r#"<button disabled=move || step.get() >= 4 on:click=move |_| next()>"#;
    assert_eq!(unbraced_comparisons(tag), vec!["step.get() >= 4"]);
    let fixed = r#"<button disabled=move || { step.get() >= 4 } on:click=move |_| next()>"#;
    assert!(unbraced_comparisons(fixed).is_empty());
}
