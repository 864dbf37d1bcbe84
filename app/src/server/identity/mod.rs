//! Who people are: client and staff accounts, sign-in and sessions, permissions, KYC, and the
//! referral tree.
pub mod accounts;
pub mod auth;
pub mod authz;
pub mod clients;
pub mod kyc;
pub mod referrals;
pub mod requests;
pub mod roles;
pub mod scope;
pub mod session;
pub mod staff;
pub mod verification;
