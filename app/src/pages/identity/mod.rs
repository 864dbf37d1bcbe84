//! Sign-in, sign-up and the account: both portals' sign-in screens, the client's profile and
//! KYC, and the back office's staff, roles, own account and audit log.
pub mod audit;
pub mod client_auth;
pub mod kyc;
pub mod profile;
pub mod roles;
pub mod signin;
pub mod staff;
pub mod staff_account;
pub mod staff_login;
