//! The firm's messages to its clients: who a notice goes to.
use super::names::snake_enum;

snake_enum! {
    /// Who a firm notice goes to: every client, the members of client groups, or chosen clients.
    NoticeAudience { Everyone => "everyone", Groups => "groups", List => "list" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_are_spelled_alike() {
        crate::domain::names::spelled_alike(
            NoticeAudience::ALL,
            NoticeAudience::as_str,
            NoticeAudience::parse,
        );
    }
}

/// The markup an email template may use; anything else between `<` and `>` is refused.
const TAGS: &[&str] = &["b", "strong", "i", "em", "p", "br", "ul", "ol", "li", "a"];
/// Tags that stand alone (no closing tag).
const VOID: &[&str] = &["br"];

/// Checks an email template's text: every `{placeholder}` is one of `allowed` and closed, and
/// its markup is the few tags of `TAGS`, each opened tag closed in order.
pub fn check_template(text: &str, allowed: &[&str]) -> Result<(), &'static str> {
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        if rest[i..].starts_with('}') {
            return Err("err.template_braces");
        }
        let after = &rest[i + 1..];
        let end = after.find('}').ok_or("err.template_braces")?;
        let name = &after[..end];
        if name.contains('{') {
            return Err("err.template_braces");
        }
        if !allowed.contains(&name) {
            return Err("err.template_placeholder");
        }
        rest = &after[end + 1..];
    }
    let mut open: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['<', '>']) {
        if rest[i..].starts_with('>') {
            return Err("err.template_markup");
        }
        let after = &rest[i + 1..];
        let end = after.find('>').ok_or("err.template_markup")?;
        let tag = after[..end].trim();
        let (closing, body) = match tag.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, tag.trim_end_matches('/').trim_end()),
        };
        let name = body
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(known) = TAGS.iter().find(|t| **t == name) else {
            return Err("err.template_markup");
        };
        // Only a link has an attribute: its href, to an https:// address or a placeholder.
        let attrs = body[name.len()..].trim();
        let href_ok = attrs.is_empty()
            || (*known == "a"
                && (attrs.starts_with("href=\"https://") || attrs.starts_with("href=\"{"))
                && attrs.ends_with('"')
                && attrs.matches('"').count() == 2);
        if closing && !attrs.is_empty() || !href_ok {
            return Err("err.template_markup");
        }
        if VOID.contains(known) {
            if closing {
                return Err("err.template_markup");
            }
        } else if closing {
            if open.pop() != Some(known) {
                return Err("err.template_markup");
            }
        } else {
            open.push(known);
        }
        rest = &after[end + 1..];
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err("err.template_markup")
    }
}

/// Whether a template's text uses markup (then its mail goes as HTML with a plain part).
pub fn has_markup(text: &str) -> bool {
    text.contains('<')
}

/// Fills a checked template's placeholders; in HTML (`html`) the values are escaped.
pub fn fill(text: &str, vars: &std::collections::BTreeMap<String, String>, html: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(end) => {
                let value = vars.get(&after[..end]).map(String::as_str).unwrap_or("");
                if html {
                    out.push_str(&escape(value));
                } else {
                    out.push_str(value);
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The text of a mail written with markup: tags dropped, paragraphs and breaks as new lines,
/// a link's address after its text.
pub fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find('>') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let tag = after[..end].trim().to_ascii_lowercase();
        if tag == "br" || tag == "br/" || tag == "/p" || tag == "/li" {
            out.push('\n');
        } else if tag == "li" {
            out.push_str("- ");
        } else if let Some(href) = tag.strip_prefix("a href=\"") {
            out.push_str(&format!("[{}] ", href.trim_end_matches('"')));
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod template_tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn placeholders_and_markup_are_checked() {
        let ok = ["name", "link"];
        assert_eq!(check_template("Hello {name}, open {link}", &ok), Ok(()));
        assert_eq!(
            check_template("Hello <b>{name}</b>,<br><a href=\"{link}\">open</a>", &ok),
            Ok(())
        );
        assert_eq!(
            check_template("Hello {nmae}", &ok),
            Err("err.template_placeholder")
        );
        assert_eq!(
            check_template("Hello {name", &ok),
            Err("err.template_braces")
        );
        assert_eq!(
            check_template("Hello name}", &ok),
            Err("err.template_braces")
        );
        assert_eq!(check_template("<b>Hello", &ok), Err("err.template_markup"));
        assert_eq!(
            check_template("<b><i>x</b></i>", &ok),
            Err("err.template_markup")
        );
        assert_eq!(
            check_template("<script>x</script>", &ok),
            Err("err.template_markup")
        );
        assert_eq!(
            check_template("<a href=\"javascript:x\">x</a>", &ok),
            Err("err.template_markup")
        );
        assert_eq!(
            check_template("<b onclick=\"x\">x</b>", &ok),
            Err("err.template_markup")
        );
        assert_eq!(check_template("1 > 0", &ok), Err("err.template_markup"));
    }

    #[test]
    fn filling_escapes_values_in_html_and_plain_drops_tags() {
        let vars = BTreeMap::from([("name".to_string(), "<Ana & co>".to_string())]);
        assert_eq!(fill("Hi {name}", &vars, false), "Hi <Ana & co>");
        assert_eq!(
            fill("Hi <b>{name}</b>", &vars, true),
            "Hi <b>&lt;Ana &amp; co&gt;</b>"
        );
        assert_eq!(
            plain("<p>Hi <b>&lt;Ana&gt;</b></p><p>Bye</p>"),
            "Hi <Ana>\nBye\n"
        );
    }
}
