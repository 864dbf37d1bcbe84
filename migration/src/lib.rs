//! Database migrations. Each file is frozen history: it never imports live entities and is never
//! edited once merged; a change of schema is a new migration.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_ledger;
mod m20261123_000003_requests;
mod m20261123_000004_prop;
mod m20261201_000005_prop_ops;
mod m20261204_000006_live;
mod m20261204_000007_ib;
mod m20261204_000008_tree_stats;
mod m20261204_000009_offers;
mod m20261204_000010_coupons;
mod m20261204_000011_messages;
mod m20261204_000012_trading_servers;
mod m20261205_000001_crm;
mod m20261205_000002_support;
mod m20261205_000003_competitions;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_ledger::Migration),
            Box::new(m20261123_000003_requests::Migration),
            Box::new(m20261123_000004_prop::Migration),
            Box::new(m20261201_000005_prop_ops::Migration),
            Box::new(m20261204_000006_live::Migration),
            Box::new(m20261204_000007_ib::Migration),
            Box::new(m20261204_000008_tree_stats::Migration),
            Box::new(m20261204_000009_offers::Migration),
            Box::new(m20261204_000010_coupons::Migration),
            Box::new(m20261204_000011_messages::Migration),
            Box::new(m20261204_000012_trading_servers::Migration),
            Box::new(m20261205_000001_crm::Migration),
            Box::new(m20261205_000002_support::Migration),
            Box::new(m20261205_000003_competitions::Migration),
        ]
    }
}
