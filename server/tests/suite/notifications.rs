//! The notification feed behind the bell, through the real router on SQLite and PostgreSQL:
//! the unread count covers every unread notification, not only the page shown, and each user
//! sees only their own.
use crate::common;
use app::domain::access::UserKind;
use app::server::infra::notify;
use common::{make_user, signed_in};
use std::collections::BTreeMap;

async fn push(db: &sea_orm::DatabaseConnection, user_id: i64, n: usize) {
    for _ in 0..n {
        notify::push(db, user_id, "notice.welcome", BTreeMap::new())
            .await
            .unwrap();
    }
}

on_both!(feed_counts_every_unread_notification, |db| {
    let (client, me) = signed_in(&db, UserKind::Trader, "feed@test.dev", None).await;
    let other = make_user(&db, UserKind::Trader, "other@test.dev", None).await;
    let (quiet, quiet_user) = signed_in(&db, UserKind::Trader, "quiet@test.dev", None).await;
    push(&db, me.id, 25).await;
    notify::mark_all_read(&db, me.id).await.unwrap();
    push(&db, me.id, 3).await;
    push(&db, other.id, 2).await;

    let feed = client.call("/api/notifications/feed", "").await.json();
    assert_eq!(feed["unread"], 3, "{feed}");
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 20, "one page of 20, the newest first");
    let read: Vec<bool> = items.iter().map(|n| n["read"].as_bool().unwrap()).collect();
    assert_eq!(read[..3], [false; 3], "the three unread are the newest");
    assert!(read[3..].iter().all(|r| *r));
    let ids: Vec<i64> = items.iter().map(|n| n["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");

    // Everything read: the count is zero, not missing, and the read ones still show.
    notify::mark_all_read(&db, quiet_user.id).await.unwrap();
    let all_read = quiet.call("/api/notifications/feed", "").await.json();
    assert_eq!(all_read["unread"], 0, "{all_read}");
    let shown = all_read["items"].as_array().unwrap();
    assert!(shown.iter().all(|n| n["read"] == true), "{all_read}");
});
