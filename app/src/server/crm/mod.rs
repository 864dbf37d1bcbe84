//! CRM operations: the client's page (details, notes, tags, sign-ins, the audit records about
//! them) and what staff do to clients one at a time or in bulk (edit, suspend, reset a
//! password, assign an owner, move group, tag). Every call names the caller's data scope
//! (`identity::scope`): a client outside it is "not found".
pub mod clients;
pub mod notes;
pub mod owners;
pub mod tags;

/// The most clients one bulk action may touch.
pub const BULK_MAX: usize = 1000;
