//! Server processes for the tests that need real ones: this package's `propdesk` binary.
use std::path::Path;

pub use server::probe::Server;

/// The `propdesk` binary cargo built for these tests.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_propdesk"))
}
