//! Trading servers: the simulator is there from the start; a bridge server is registered with
//! its secret shown once; bad forms change nothing; the challenge editor refuses a stage its
//! server cannot serve; a stage on a bridge server opens its account there with a `create`
//! command (carrying the account group), which the server's health counts.
use crate::common::prop::{
    admin_with_still_feed, evaluation_stage, publish, trader_in, usd_challenge,
};
use crate::common::{self, code, here};
use app::domain::challenge::{ChallengeDef, Environment, StageDef};
use app::model::ServerForm;
use app::server::entity::{bridge_command, trading_account};
use app::server::prop::challenges;
use app::server::trading::{bridge, servers};
use chrono::Utc;
use sea_orm::{DatabaseConnection, EntityTrait};

fn form(name: &str) -> ServerForm {
    ServerForm {
        id: 0,
        name: name.into(),
        environment: "demo".into(),
        currencies: "USD, eur".into(),
        leverages: "30, 1:100".into(),
        groups: "demo\\prop-usd, demo\\vip".into(),
        enabled: true,
        silence_secs: "120".into(),
        stale_secs: "300".into(),
        command_ttl_secs: "3600".into(),
    }
}

fn on(server: Option<i64>, env: Environment, group: &str) -> StageDef {
    StageDef {
        environment: env,
        server_id: server,
        account_group: group.into(),
        ..evaluation_stage()
    }
}

async fn refused(db: &DatabaseConnection, admin: i64, def: ChallengeDef, field: &str) -> String {
    let before = common::count(db, "challenge").await;
    let e = challenges::save(db, admin, None, def, &here())
        .await
        .unwrap_err();
    assert_eq!(common::count(db, "challenge").await, before);
    code(e, field)
}

on_both!(
    a_bridge_server_offers_what_it_says_and_opens_its_stages_accounts,
    |db| {
        let admin = admin_with_still_feed(&db).await;
        let list = servers::list(&db, Utc::now()).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(
            (list[0].kind.as_str(), list[0].name.as_str()),
            ("simulator", "Simulator")
        );

        // Bad forms are refused and register nothing.
        for (bad, field, want) in [
            (
                ServerForm {
                    name: " ".into(),
                    ..form("x")
                },
                "name",
                "err.required",
            ),
            (
                ServerForm {
                    name: "---".into(),
                    ..form("x")
                },
                "name",
                "err.server_name_invalid",
            ),
            (
                ServerForm {
                    currencies: "USD, XYZ".into(),
                    ..form("x")
                },
                "currencies",
                "err.currency_unknown",
            ),
            (
                ServerForm {
                    currencies: String::new(),
                    ..form("x")
                },
                "currencies",
                "err.required",
            ),
            (
                ServerForm {
                    leverages: "0".into(),
                    ..form("x")
                },
                "leverages",
                "err.server_leverages_invalid",
            ),
            (
                ServerForm {
                    leverages: "１００".into(),
                    ..form("x")
                },
                "leverages",
                "err.server_leverages_invalid",
            ),
            (
                ServerForm {
                    environment: "paper".into(),
                    ..form("x")
                },
                "environment",
                "err.invalid",
            ),
            (
                ServerForm {
                    silence_secs: "5".into(),
                    ..form("x")
                },
                "silence_secs",
                "err.server_secs",
            ),
            (
                ServerForm {
                    command_ttl_secs: "99999999999".into(),
                    ..form("x")
                },
                "command_ttl_secs",
                "err.server_secs",
            ),
            (
                ServerForm {
                    id: 9_999,
                    ..form("x")
                },
                "",
                "",
            ),
        ] {
            let e = servers::save(&db, admin, bad, &here()).await.unwrap_err();
            if field.is_empty() {
                assert_eq!(e, app::error::AppError::NotFound);
            } else {
                assert_eq!(code(e, field), want);
            }
        }
        assert_eq!(common::count(&db, "trading_server").await, 1);
        assert_eq!(common::count(&db, "bridge").await, 0);

        let saved = servers::save(&db, admin, form("MT5 Demo"), &here())
            .await
            .unwrap();
        assert_eq!(saved.bridge_name, "mt5-demo");
        assert_eq!(saved.secret.as_ref().map(String::len), Some(64));
        let e = servers::save(&db, admin, form("MT5 Demo"), &here())
            .await
            .unwrap_err();
        assert_eq!(code(e, "name"), "err.name_taken");
        let demo = saved.id;
        let live = servers::save(
            &db,
            admin,
            ServerForm {
                environment: "live".into(),
                groups: String::new(),
                ..form("MT5 Live")
            },
            &here(),
        )
        .await
        .unwrap()
        .id;
        // The bridge signs with the name and secret it was given.
        let b = bridge::authenticate(
            &db,
            "mt5-demo",
            &Utc::now().timestamp().to_string(),
            "nonce-12345",
            &bridge::sign(
                saved.secret.as_deref().unwrap(),
                &Utc::now().timestamp().to_string(),
                "nonce-12345",
                b"",
            ),
            b"",
            Utc::now(),
        )
        .await;
        assert!(b.is_ok(), "{b:?}");

        // Stages their server cannot serve are refused under the stage's field.
        let at = "packages.0.stages.0.server_id";
        let def = |stages| usd_challenge("On the bridge", stages);
        let mut eur = def(vec![on(Some(demo), Environment::Demo, "")]);
        eur.packages[0].currency = "USDT".into();
        assert_eq!(refused(&db, admin, eur, at).await, "err.server_currency");
        let mut lev = def(vec![on(Some(demo), Environment::Demo, "")]);
        lev.packages[0].leverage = 50;
        assert_eq!(refused(&db, admin, lev, at).await, "err.server_leverage");
        assert_eq!(
            refused(
                &db,
                admin,
                def(vec![on(Some(demo), Environment::Live, "")]),
                at
            )
            .await,
            "err.server_environment"
        );
        assert_eq!(
            refused(
                &db,
                admin,
                def(vec![on(Some(9_999), Environment::Demo, "")]),
                at
            )
            .await,
            "err.server_unknown"
        );
        assert_eq!(
            refused(
                &db,
                admin,
                def(vec![on(Some(demo), Environment::Demo, "real\\x")]),
                "packages.0.stages.0.account_group"
            )
            .await,
            "err.server_group"
        );
        let off = servers::list(&db, Utc::now()).await.unwrap();
        let live_row = off.iter().find(|s| s.id == live).unwrap();
        let mut f = form("MT5 Live");
        f.id = live;
        f.environment = "live".into();
        f.groups = String::new();
        f.enabled = false;
        assert!(!live_row.bridge_name.is_empty());
        servers::save(&db, admin, f, &here()).await.unwrap();
        assert_eq!(
            refused(
                &db,
                admin,
                def(vec![
                    on(Some(demo), Environment::Demo, ""),
                    on(Some(live), Environment::Live, "")
                ]),
                "packages.0.stages.1.server_id"
            )
            .await,
            "err.server_disabled"
        );

        // A stage on the demo bridge: its account opens there, in the chosen group, by a command.
        let ch = publish(
            &db,
            admin,
            def(vec![on(Some(demo), Environment::Demo, "demo\\vip")]),
        )
        .await;
        let (_t, _p, acc) = trader_in(&db, admin, ch, "trader@example.com", "150.00").await;
        let acc = trading_account::Entity::find_by_id(acc)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(acc.platform, "bridge");
        assert_eq!(acc.account_group, "demo\\vip");
        let cmds = bridge_command::Entity::find().all(&db).await.unwrap();
        assert_eq!(cmds.len(), 1);
        assert_eq!(cmds[0].kind, "create");
        assert_eq!(Some(cmds[0].bridge_id), acc.bridge_id);
        let payload: serde_json::Value = serde_json::from_str(&cmds[0].payload).unwrap();
        assert_eq!(payload["group"], "demo\\vip");
        assert_eq!(payload["login"], acc.login.as_str());
        let row = servers::list(&db, Utc::now())
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.id == demo)
            .unwrap();
        assert_eq!((row.health.accounts, row.health.commands_waiting), (1, 1));
        assert!(row.health.lag_secs.is_some());
        // Not a word from the bridge yet: silent only after its limit.
        assert!(!row.health.silent);
        let later = servers::list(&db, Utc::now() + chrono::Duration::seconds(121))
            .await
            .unwrap();
        assert!(later.iter().any(|s| s.id == demo && s.health.silent));

        // A stage on no server runs on the simulator, as before.
        let sim = publish(&db, admin, def(vec![evaluation_stage()])).await;
        let (_t, _p, acc) = trader_in(&db, admin, sim, "sim@example.com", "150.00").await;
        let acc = trading_account::Entity::find_by_id(acc)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((acc.platform.as_str(), acc.bridge_id), ("sim", None));

        // A bridge registered from the command line gets its demo server.
        bridge::create(&db, "cli-bridge").await.unwrap();
        assert_eq!(common::count(&db, "trading_server").await, 4);
    }
);
