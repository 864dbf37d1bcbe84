// (key, English, Spanish): the prop area: challenges, participation, trading and progress.
pub static PROP_STRINGS: &[(&str, &str, &str)] = &[
];
