//! Faults between the reference bridge and PropDesk, at the process level: the same scripted
//! trading runs twice side by side, once cleanly and once through a proxy that drops replies
//! (so the bridge sends again), kills PropDesk (SIGKILL) as an acknowledgement reaches it, and
//! kills the bridge as a snapshot batch and as a deal reach PropDesk, restarting each. Both runs
//! must end with the same balances, deals, commands and decisions: no deal counted twice, no
//! command lost or carried out twice.
mod common;

use app::server::entity::{bridge_command, deal, trading_account};
use app::server::prop::participants;
use common::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use server::probe::Server;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a run ends with, by the platform's logins (the same in both runs: the platform numbers
/// its accounts in the order of the create commands).
#[derive(Debug, PartialEq)]
struct Outcome {
    /// login → (balance, equity, status, open positions, participant's status)
    accounts: BTreeMap<String, (i64, i64, String, i32, String)>,
    /// (login, ticket, profit) of every deal PropDesk counted.
    deals: Vec<(String, String, i64)>,
    /// (kind, login, status) of every command.
    commands: Vec<(String, String, String)>,
    /// What the platform holds: its accounts and the commands it carried out.
    platform: (u64, u64),
}

async fn outcome(db: &DatabaseConnection, demo: &Demo) -> Outcome {
    let all = trading_account::Entity::find().all(db).await.unwrap();
    let login: BTreeMap<i64, String> = all.iter().map(|a| (a.id, a.login.clone())).collect();
    let mut accounts = BTreeMap::new();
    for a in &all {
        let p = participation(db, a.participant_id.unwrap()).await;
        let row = (
            a.balance,
            a.equity,
            a.status.clone(),
            a.open_positions,
            p.status.to_string(),
        );
        accounts.insert(a.login.clone(), row);
    }
    let deals = deal::Entity::find()
        .order_by_asc(deal::Column::Ticket)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (login[&d.account_id].clone(), d.ticket, d.profit_minor))
        .collect();
    let commands = bridge_command::Entity::find()
        .order_by_asc(bridge_command::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.kind, login[&c.account_id].clone(), c.status))
        .collect();
    let status = demo.call("GET", "/status", "").await;
    Outcome {
        accounts,
        deals,
        commands,
        platform: (
            status["accounts"].as_u64().unwrap(),
            status["commands_done"].as_u64().unwrap(),
        ),
    }
}

/// Three traders on a challenge whose first stage runs on the platform: two earn 100.00 on a
/// lot, one of them asks for a new password, and the third breaches the daily loss; the run
/// ends when PropDesk and the platform agree on everything.
async fn scenario(tag: &str, plan: Plan) -> (Outcome, [usize; 3]) {
    let (db, url) = fresh_db().await;
    let admin = admin(&db).await;
    let server = bridge_server(&db, admin, "Demo platform", "demo").await;
    let challenge = on_the_platform(&db, admin, server.0).await;
    let mut ps = Vec::new();
    for i in 0..3 {
        ps.push(participant(&db, admin, &format!("t{i}@example.com"), challenge).await);
    }
    let dir = scratch(&format!("faults-{tag}"));
    let propdesk = Server::start(&propdesk(), &url, &dir).await;
    let port = free_port();
    let demo = Arc::new(Demo::new(&server, port, &dir, 700_001));
    let proxy = Proxy::start(propdesk, demo.clone(), plan, port).await;
    proxy.start_bridge().await;

    let dbr = &db;
    let mut accs = Vec::new();
    for &p in &ps {
        let id = participation(&db, p).await.account_id.unwrap();
        until("the account to open", || async move {
            account(dbr, id).await.status == "active"
        })
        .await;
        accs.push(account(&db, id).await);
    }

    // Two traders buy a lot each at 1.08500 and close it at 1.08600: 100.00 each.
    demo.set_price("1.08500").await;
    let mut tickets = Vec::new();
    for a in &accs[..2] {
        tickets.push(demo.buy(a, "1.00").await);
        let id = a.id;
        until("the position in PropDesk", || async move {
            account(dbr, id).await.open_positions == 1
        })
        .await;
    }
    demo.set_price("1.08600").await;
    for (a, t) in accs[..2].iter().zip(&tickets) {
        demo.close(a, *t).await;
        let id = a.id;
        until("the closing deal", || async move {
            account(dbr, id).await.balance == 1_010_000
        })
        .await;
    }

    // The first asks for a new password: a command the platform carries out once.
    let p0 = participation(&db, ps[0]).await;
    participants::reset_password(&db, p0.user_id, p0.id, &here())
        .await
        .unwrap();

    // The third buys at 1.08600 and the price falls to 1.07900: 700.00 lost, over 500.00 a day.
    demo.buy(&accs[2], "1.00").await;
    demo.set_price("1.07900").await;
    let third = accs[2].id;
    until("the breach", || async move {
        account(dbr, third).await.status == "failed"
    })
    .await;

    // Everything settles: every planned fault made and none under way, every command carried
    // out and acknowledged, every deal accepted.
    proxy.settled().await;
    until("the commands and deals to settle", || async {
        let waiting = bridge_command::Entity::find()
            .filter(bridge_command::Column::Status.ne("acked"))
            .all(dbr)
            .await
            .unwrap();
        let status = demo.call("GET", "/status", "").await;
        waiting.is_empty() && status["deals_waiting"] == 0
    })
    .await;
    let out = outcome(&db, &demo).await;
    let injected = proxy.injected();
    if let Some(mut bridge) = proxy.procs.lock().await.bridge.take() {
        bridge.start_kill().unwrap();
    }
    if let Some(server) = proxy.procs.lock().await.propdesk.take() {
        server.stop().await;
    }
    (out, injected)
}

#[tokio::test]
async fn faults_between_the_bridge_and_propdesk_change_nothing() {
    let faults = Plan {
        drop_reply_every: 5,
        kill_propdesk_at_ack: 2,
        kill_bridge_at_batch: 4,
        kill_bridge_at_deal: 2,
    };
    let ((clean, none), (faulty, injected)) = tokio::join!(
        scenario("clean", Plan::default()),
        scenario("faulty", faults)
    );
    assert_eq!(none, [0, 0, 0]);
    let [dropped, propdesk_killed, bridge_killed] = injected;
    assert!(dropped > 0);
    assert_eq!((propdesk_killed, bridge_killed), (1, 2));
    assert_eq!(faulty, clean);
    // And the clean run is the one the script describes.
    let balances: Vec<i64> = clean.accounts.values().map(|a| a.0).collect();
    assert_eq!(balances, [1_010_000, 1_010_000, 1_000_000]);
    let statuses: Vec<&str> = clean.accounts.values().map(|a| a.4.as_str()).collect();
    assert_eq!(statuses, ["in_progress", "in_progress", "failed"]);
    let kinds: Vec<&str> = clean.commands.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        kinds,
        ["create", "create", "create", "reset_password", "disable"]
    );
    assert_eq!(clean.deals.len(), 2);
    assert_eq!(clean.platform, (3, 5));
}
