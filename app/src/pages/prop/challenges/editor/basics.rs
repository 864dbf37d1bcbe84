//! Step 1: the challenge's name, texts, types, time zone and start.
use super::fields::*;
use crate::domain::challenge::ChallengeDef;
use crate::domain::challenge::text::*;
use leptos::prelude::*;

// Step 1: basics
// ---------------------------------------------------------------------------------------------

pub(super) fn basics(ed: Ed) -> impl IntoView {
    let d = ed.def.get_untracked();
    let details = |lang: &str| d.details.get(lang).cloned().unwrap_or_default();
    let set_details = |lang: &'static str| {
        move |d: &mut ChallengeDef, v: &str| -> Result<(), &'static str> {
            if v.trim().is_empty() {
                d.details.remove(lang);
            } else {
                d.details.insert(lang.to_string(), v.to_string());
            }
            Ok(())
        }
    };
    let required = Opts {
        required: true,
        ..Opts::default()
    };
    view! {
        {text_input(ed, "name".into(), "chal.name", d.name.clone(), required, |d, v| {
            d.name = v.to_string();
            Ok(())
        })}
        <div class="form-row">
            {text_input(
                ed,
                "types".into(),
                "chal.types",
                d.types.join(", "),
                Opts { hint: Some("chal.types_hint"), ..Opts::default() },
                |d, v| {
                    d.types = parse_types(v);
                    Ok(())
                },
            )}
            {text_input(
                ed,
                "time_zone".into(),
                "chal.time_zone",
                d.time_zone.clone(),
                Opts { hint: Some("chal.time_zone_hint"), placeholder: Some("Europe/London"), required: true, ..Opts::default() },
                |d, v| {
                    d.time_zone = v.trim().to_string();
                    Ok(())
                },
            )}
        </div>
        <div class="form-row">
            {text_input(
                ed,
                "starts_at".into(),
                "chal.starts_at",
                datetime_text(&d.starts_at),
                Opts { kind: Some("datetime-local"), hint: Some("chal.starts_at_hint"), required: true, ..Opts::default() },
                |d, v| {
                    d.starts_at = parse_datetime(v)?;
                    Ok(())
                },
            )}
            {text_input(
                ed,
                "day_ends_at".into(),
                "chal.day_ends_at",
                if d.day_ends_at.is_empty() { "00:00".to_string() } else { d.day_ends_at.clone() },
                Opts { kind: Some("time"), hint: Some("chal.day_ends_at_hint"), ..Opts::default() },
                |d, v| {
                    // Midnight is stored as nothing: the zone alone, as before the setting.
                    d.day_ends_at = if v == "00:00" { String::new() } else { v.to_string() };
                    Ok(())
                },
            )}
        </div>
        <div class="form-row">
            {text_input(
                ed,
                "cover_url".into(),
                "chal.cover_url",
                d.cover_url.clone(),
                Opts { kind: Some("url"), hint: Some("chal.url_hint"), ..Opts::default() },
                |d, v| {
                    d.cover_url = v.trim().to_string();
                    Ok(())
                },
            )}
            {text_input(
                ed,
                "poster_url".into(),
                "chal.poster_url",
                d.poster_url.clone(),
                Opts { kind: Some("url"), hint: Some("chal.url_hint"), ..Opts::default() },
                |d, v| {
                    d.poster_url = v.trim().to_string();
                    Ok(())
                },
            )}
        </div>
        <div class="form-row">
            {text_input(
                ed,
                "details.en".into(),
                "chal.details_en",
                details("en"),
                Opts { multiline: true, ..Opts::default() },
                set_details("en"),
            )}
            {text_input(
                ed,
                "details.es".into(),
                "chal.details_es",
                details("es"),
                Opts { multiline: true, ..Opts::default() },
                set_details("es"),
            )}
        </div>
        {check_input(ed, "details_first".into(), "chal.details_first", d.details_first, |d, on| {
            d.details_first = on
        })}
    }
}

// ---------------------------------------------------------------------------------------------
