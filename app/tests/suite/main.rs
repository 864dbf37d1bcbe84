//! The app crate's integration tests, one binary (each file would otherwise be a crate of its
//! own, linked against the whole application again).
mod layering;
mod profit_share_props;
mod rules_props;
mod view_attributes;
