//! Malformed server function requests, explained: which argument is missing or what could not
//! be read, in plain words for the 400 answer (never the decoder's own message).
use super::AppError;
use leptos::server_fn::error::ServerFnErrorErr;

/// The server's view of a server function framework error: the request's fault, or ours.
pub(super) fn from_request_error(e: &ServerFnErrorErr) -> AppError {
    match e {
        ServerFnErrorErr::MissingArg(name) => AppError::BadRequest(match ident(name) {
            Some(name) => format!("missing argument `{name}`"),
            None => "an argument is missing".into(),
        }),
        ServerFnErrorErr::Args(detail) | ServerFnErrorErr::Deserialization(detail) => {
            AppError::BadRequest(plain_words(detail))
        }
        ServerFnErrorErr::Request(_) | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
            AppError::BadRequest("the request could not be read".into())
        }
        ServerFnErrorErr::Registration(_)
        | ServerFnErrorErr::ServerError(_)
        | ServerFnErrorErr::MiddlewareError(_)
        | ServerFnErrorErr::Serialization(_)
        | ServerFnErrorErr::Response(_) => AppError::Internal,
    }
}

/// A name as the request spelt it (an argument, an allowed value), if it is a plain word.
fn ident(s: &str) -> Option<&str> {
    (!s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
    .then_some(s)
}

/// The backticked words after `after` in a decoder's message.
fn quoted<'a>(detail: &'a str, after: &str) -> Vec<&'a str> {
    detail
        .split_once(after)
        .map(|(_, rest)| rest.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default()
}

/// The first word between `quote`s after `after` in a decoder's message.
fn quoted_by<'a>(detail: &'a str, after: &str, quote: char) -> Option<&'a str> {
    detail.split_once(after)?.1.split(quote).nth(1)
}

/// What was wrong with a request's arguments, from the decoder's message, in words that name
/// only what the request itself said (argument names, allowed values): never the decoder, types
/// or code paths, and never the value sent (it may be huge, or a secret).
fn plain_words(detail: &str) -> String {
    let lower = detail.to_ascii_lowercase();
    let first_ident = |after: &str| quoted(detail, after).first().and_then(|n| ident(n));
    if let Some(name) = first_ident("missing field ") {
        return format!("missing argument `{name}`");
    }
    if let Some(name) = first_ident("duplicate field ") {
        return format!("argument `{name}` is given more than once");
    }
    if lower.contains("multiple values for one key") {
        return match quoted_by(detail, "key: ", '"').and_then(ident) {
            Some(name) => format!("argument `{name}` is given more than once"),
            None => "an argument is given more than once".into(),
        };
    }
    if lower.contains("utf-8") || lower.contains("utf8") {
        return "the request body is not UTF-8 text".into();
    }
    if lower.contains("length limit") {
        return "the request body is too large".into();
    }
    if lower.contains("unknown variant") {
        let choices: Vec<String> = quoted(detail, "expected")
            .into_iter()
            .filter_map(ident)
            .take(30)
            .map(|c| format!("`{c}`"))
            .collect();
        return if choices.is_empty() {
            "a value is not one of the allowed choices".into()
        } else {
            format!(
                "a value is not one of the allowed choices: {}",
                choices.join(", ")
            )
        };
    }
    if lower.contains("`true` or `false`") || lower.contains("expected a boolean") {
        return "a yes/no value is not `true` or `false`".into();
    }
    // A number was expected: the decoder's own words, or serde's "expected i64" and kin.
    let expects_number = lower.split("expected ").skip(1).any(|rest| {
        let bits: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .skip(1)
            .collect();
        matches!(rest.chars().next(), Some('i' | 'u' | 'f'))
            && (bits == "size" || (!bits.is_empty() && bits.chars().all(|c| c.is_ascii_digit())))
    });
    if expects_number
        || [
            "invalid digit",
            "number too",
            "parse integer",
            "float literal",
        ]
        .iter()
        .any(|w| lower.contains(w))
    {
        return "a number is malformed or out of range".into();
    }
    if [
        "invalid type",
        "invalid value",
        "invalid length",
        // The form decoder's words for a value, a list and a group in each other's place.
        "got a map",
        "got a sequence",
        "got an orderedsequence",
        "non-map structure",
        "non-seq structure",
        "could not convert",
        "not appear to be an enum",
        "unitvariant",
        "expected unit",
        "no value to deserialize",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return "a value is of the wrong kind (text, a number, a list or a group)".into();
    }
    if lower.contains(" at line ") {
        return "the body is not valid JSON".into();
    }
    if lower.contains("parsing failed") {
        return "the form is malformed".into();
    }
    "the arguments could not be read".into()
}
