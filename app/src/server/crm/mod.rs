//! CRM operations: the client's page (details, notes, tags, sign-ins, the audit records about
//! them) and what staff do to clients one at a time or in bulk (edit, suspend, reset a
//! password, assign an owner, move group, tag). Every call names the caller's data scope
//! (`identity::scope`): a client outside it is "not found". Leads and tasks, and who owns a new
//! client (`assignment`, a sign-up listener).
pub mod assignment;
pub mod clients;
pub mod home;
pub mod leads;
pub mod notes;
pub mod owners;
pub mod profile;
pub mod tags;
pub mod tasks;

/// The most clients one bulk action may touch.
pub const BULK_MAX: usize = 1000;
