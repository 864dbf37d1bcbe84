//! The reference bridge's demo (`propdesk seed-demo-bridge`, which `scripts/run.sh --with-bridge`
//! runs): a demo trading server "Demo platform" reached through the bridge `demo-platform`, and
//! the "Platform Challenge" whose evaluation runs on it (its funded stage on the simulator).
//! Only then: without the bridge running, a stage on it would never open.
use crate::domain::challenge::{ChallengeDef, StageDef};
use crate::error::{AppError, OrInternal};
use crate::model::ServerForm;
use crate::server::entity::{bridge, challenge, trading_server, user};
use crate::server::infra::origin::Origin;
use crate::server::prop::challenges;
use crate::server::trading::servers;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

const SERVER: &str = "Demo platform";
const CHALLENGE: &str = "Platform Challenge";

/// Makes sure the demo platform and its challenge exist (the demo data set first); the bridge's
/// name and secret.
pub async fn seed(db: &DatabaseConnection) -> Result<(String, String), AppError> {
    let admin = user::Entity::find()
        .filter(user::Column::Email.eq(super::DEMO_ADMIN.0))
        .one(db)
        .await?
        .or_internal("the demo data set is loaded before the demo bridge")?
        .id;
    let o = Origin::internal("seed");
    let found = trading_server::Entity::find()
        .filter(trading_server::Column::Name.eq(SERVER))
        .one(db)
        .await?;
    let server = match found {
        Some(s) => s.id,
        None => {
            let form = ServerForm {
                name: SERVER.into(),
                environment: "demo".into(),
                currencies: "USD".into(),
                leverages: "30, 100".into(),
                groups: "demo\\prop-usd".into(),
                enabled: true,
                silence_secs: "120".into(),
                stale_secs: "300".into(),
                command_ttl_secs: "3600".into(),
                ..Default::default()
            };
            servers::save(db, admin, form, &o).await?.id
        }
    };
    let exists = challenge::Entity::find()
        .filter(challenge::Column::Name.eq(CHALLENGE))
        .one(db)
        .await?
        .is_some();
    if !exists {
        let mut def = ChallengeDef::example();
        def.name = CHALLENGE.into();
        def.types = vec!["1-Step".into()];
        let p = &mut def.packages[0];
        p.name = "Platform 10K".into();
        p.stages = vec![
            StageDef {
                server_id: Some(server),
                min_trading_days: 1,
                ..StageDef::demo_default()
            },
            StageDef::live_default(),
        ];
        let id = challenges::save(db, admin, None, def, &o).await?;
        challenges::publish(db, admin, id, &o).await?;
    }
    let bridge_id = trading_server::Entity::find_by_id(server)
        .one(db)
        .await?
        .and_then(|s| s.bridge_id)
        .or_internal("the demo platform's bridge")?;
    let b = bridge::Entity::find_by_id(bridge_id)
        .one(db)
        .await?
        .or_internal("the demo platform's bridge")?;
    Ok((b.name, b.secret))
}
