//! The back office's approval queue and the review screen of one request.
pub mod queue;
pub mod review;
