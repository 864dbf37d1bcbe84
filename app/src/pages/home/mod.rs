//! Each portal's landing screen: figures from several areas at a glance.
pub mod client;
pub mod staff;
