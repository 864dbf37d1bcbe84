//! The IB programme's server functions: the IB's own area (`portal`: their link and tree,
//! commissions, clients' report and requests, prop statistics, promotional links) and the
//! back office's (`staff`: rank sets, tiers, uplines, the Fee Commission Report, the firm's
//! links).
pub mod portal;
pub mod staff;
pub use portal::*;
pub use staff::*;
