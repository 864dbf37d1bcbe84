//! What a database needs before the server or a test uses it: the schema, then the rows that
//! every area expects to find (the firm's ledger accounts, the system roles). It sits above the
//! areas so that `infra::db` imports none of them.
use crate::server::identity::roles;
use crate::server::infra::db;
use crate::server::money::ledger;
use crate::server::trading::servers;
use sea_orm::{DatabaseConnection, DbErr};

pub async fn prepare(conn: &DatabaseConnection) -> Result<(), DbErr> {
    db::migrate(conn).await?;
    ledger::ensure_firm_accounts(conn).await?;
    servers::ensure(conn).await?;
    roles::ensure_system_roles(conn).await
}
