//! Support's screens: the client's tickets and download centre, staff's ticket queue, one
//! ticket, and the download centre's editor.
pub mod client;
pub mod downloads;
pub mod queue;
pub mod thread;
pub mod ticket;
