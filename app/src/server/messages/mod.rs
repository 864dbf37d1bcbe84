//! The firm's messages to its clients: notices to everyone, client groups or chosen clients,
//! now or at a set time, delivered as notifications that pop up at the next sign-in
//! (`notices`).
pub mod notices;
pub mod templates;
