// (key, English, Spanish): the back office's prop pages: challenge editor, participants, platform.
pub static PROP_ADMIN_STRINGS: &[(&str, &str, &str)] = &[
];
