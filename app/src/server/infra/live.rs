//! Live events: an outbox table that every server instance tails.
//!
//! A service calls `emit` in the transaction that makes a change, so the event becomes visible
//! exactly when the change does (a rolled-back change sends nothing, a crash loses nothing),
//! on every instance at once. Each instance runs one `Hub`: it reads the new rows every
//! `TAIL_EVERY` (one read by primary key) and hands them, in id order, to the streams of the
//! browsers connected to it, which pass on what their user may see (`Event::visible_to`).
//!
//! Order. SQLite commits one writer at a time, so ids become visible in order. PostgreSQL takes
//! an id from its sequence when a row is inserted, and a transaction that took id 5 may commit
//! after the one that took 6. The hub therefore hands on only an unbroken run of ids, and waits
//! for a missing one until `GAP_WAIT` has passed (a rolled-back transaction leaves a hole for
//! ever). A browser that reconnects with the last id it saw thus receives exactly what it
//! missed (`since`).
use crate::domain::access::{self, Access, Principal, UserKind};
use crate::domain::live::{LiveEvent, Topic};
use crate::domain::permission::Permission;
use crate::error::AppError;
use crate::server::entity::live_event;
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// How often a hub reads the table: the most an event waits before it leaves this instance.
const TAIL_EVERY: Duration = Duration::from_millis(20);
/// How long a hole in the ids is waited for before it is taken for a rollback.
const GAP_WAIT: Duration = Duration::from_secs(2);
/// Rows read at once; a hub that falls further behind reads again at once.
const BATCH: u64 = 1000;
/// Events a slow stream may fall behind by before it catches up from the table instead.
const CHANNEL: usize = 1024;

/// Who may see an event: one user (the trader or IB it concerns), staff whose role grants a
/// permission, or both; neither is every signed-in user (public news, such as a competition's
/// board moving).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    pub user: Option<i64>,
    pub staff: Option<Permission>,
}

impl Audience {
    pub fn user(id: i64) -> Self {
        Self {
            user: Some(id),
            staff: None,
        }
    }

    pub fn staff(permission: Permission) -> Self {
        Self {
            user: None,
            staff: Some(permission),
        }
    }

    /// Every signed-in user.
    pub fn everyone() -> Self {
        Self::default()
    }

    /// The user, and staff with the permission.
    pub fn user_and_staff(id: i64, permission: Permission) -> Self {
        Self {
            user: Some(id),
            staff: Some(permission),
        }
    }
}

/// Records an event in the caller's transaction.
pub async fn emit(
    db: &impl ConnectionTrait,
    to: Audience,
    topic: Topic,
    ref_id: Option<i64>,
) -> Result<(), AppError> {
    emit_many(db, [(to, topic, ref_id)]).await
}

/// Records several events in one statement (a bridge batch touches many participants).
pub async fn emit_many(
    db: &impl ConnectionTrait,
    events: impl IntoIterator<Item = (Audience, Topic, Option<i64>)>,
) -> Result<(), AppError> {
    let now = Utc::now();
    let rows: Vec<_> = events
        .into_iter()
        .map(|(to, topic, ref_id)| live_event::ActiveModel {
            topic: Set(topic),
            ref_id: Set(ref_id),
            user_id: Set(to.user),
            permission: Set(to.staff.map(|p| p.name().to_string())),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        live_event::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// An event with its audience, as the hub hands it to the streams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub event: LiveEvent,
    pub to: Audience,
}

impl Event {
    fn of(row: live_event::Model) -> Self {
        let staff = row.permission.as_deref().and_then(Permission::from_name);
        // A permission this build does not know is seen by no one (not by everyone): user 0
        // is nobody.
        let user = match (&row.permission, staff) {
            (Some(_), None) => row.user_id.or(Some(0)),
            _ => row.user_id,
        };
        Self {
            event: LiveEvent {
                id: row.id,
                topic: row.topic,
                ref_id: row.ref_id,
            },
            to: Audience { user, staff },
        }
    }

    /// Whether the signed-in `who` may receive it: it is for everyone, it is theirs, or they
    /// are staff with the permission it names.
    pub fn visible_to(&self, who: &Principal) -> bool {
        self.to == Audience::everyone()
            || self.to.user == Some(who.user_id)
            || self
                .to
                .staff
                .is_some_and(|p| access::check(Some(who), Access::Staff(p)).is_ok())
    }
}

/// The events after `after`, up to and including `upto`, in id order; at most `limit`
/// (`None` when there are more: the caller starts afresh instead).
pub async fn since(
    db: &impl ConnectionTrait,
    after: i64,
    upto: i64,
    limit: u64,
) -> Result<Option<Vec<Event>>, AppError> {
    use live_event::Column as C;
    let rows = live_event::Entity::find()
        .filter(C::Id.gt(after))
        .filter(C::Id.lte(upto))
        .order_by_asc(C::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    if rows.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(rows.into_iter().map(Event::of).collect()))
}

/// The events older than a day are deleted: a browser away for longer starts afresh.
async fn prune(db: &DatabaseConnection) -> Result<usize, AppError> {
    let r = live_event::Entity::delete_many()
        .filter(live_event::Column::CreatedAt.lt(Utc::now() - chrono::Duration::days(1)))
        .exec(db)
        .await?;
    Ok(r.rows_affected as usize)
}

crate::register_job!(
    crate::server::infra::jobs::Schedule::Hourly,
    10,
    "live_prune",
    |db| Box::pin(prune(db))
);

/// One instance's fan-out: the last id it handed on, and the open streams, found by user (an
/// event for one trader wakes that trader's streams only, not every stream of the instance) and
/// for staff by permission.
pub struct Hub {
    head: AtomicI64,
    streams: Mutex<Streams>,
    closing: watch::Sender<bool>,
}

#[derive(Default)]
struct Streams {
    next: u64,
    by_user: HashMap<i64, Vec<Outlet>>,
    /// Staff streams: an event for a permission goes to those that hold it.
    staff: Vec<Outlet>,
}

struct Outlet {
    id: u64,
    who: Principal,
    sender: mpsc::Sender<Arc<Event>>,
    /// Set when the channel was full and an event was dropped: the stream reads the table.
    lagged: Arc<AtomicBool>,
}

/// A stream's end of the hub: the events its user may see, in id order. Dropping it leaves.
pub struct Subscription {
    hub: Arc<Hub>,
    id: u64,
    user: i64,
    events: mpsc::Receiver<Arc<Event>>,
    lagged: Arc<AtomicBool>,
}

/// Events were dropped for a slow stream: it catches up from the table.
pub struct Lagged;

impl Subscription {
    /// The next event, `Err(Lagged)` when some were dropped since the last call, or `None`
    /// when the hub is gone.
    pub async fn recv(&mut self) -> Option<Result<Arc<Event>, Lagged>> {
        if self.lagged.swap(false, Ordering::SeqCst) {
            return Some(Err(Lagged));
        }
        self.events.recv().await.map(Ok)
    }

    /// How far this stream has read when nothing waits for it: the hub's head, if its channel
    /// is empty (every event of its user up to the head has then been received).
    pub fn read_up_to(&self) -> Option<i64> {
        let head = self.hub.head();
        (self.events.is_empty() && !self.lagged.load(Ordering::SeqCst)).then_some(head)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut streams = self.hub.lock();
        let id = self.id;
        if let Some(list) = streams.by_user.get_mut(&self.user) {
            list.retain(|o| o.id != id);
            if list.is_empty() {
                streams.by_user.remove(&self.user);
            }
        }
        streams.staff.retain(|o| o.id != id);
    }
}

impl Hub {
    /// A hub tailing `db` from its newest event on (it reads which that is first).
    pub fn start(db: DatabaseConnection) -> Arc<Hub> {
        let hub = Arc::new(Hub {
            head: AtomicI64::new(0),
            streams: Mutex::new(Streams::default()),
            closing: watch::channel(false).0,
        });
        tokio::spawn(tail(Arc::downgrade(&hub), db));
        hub
    }

    /// The last id handed on: every event up to it has been.
    pub fn head(&self) -> i64 {
        self.head.load(Ordering::SeqCst)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Streams> {
        // A panic while holding it leaves the lists whole: every change is one push or retain.
        self.streams.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Opens a stream's end for `who`: from now on it receives the events they may see.
    pub fn subscribe(self: &Arc<Self>, who: Principal) -> Subscription {
        let (sender, events) = mpsc::channel(CHANNEL);
        let lagged = Arc::new(AtomicBool::new(false));
        let mut streams = self.lock();
        streams.next += 1;
        let id = streams.next;
        let user = who.user_id;
        let outlet = Outlet {
            id,
            who,
            sender,
            lagged: lagged.clone(),
        };
        if outlet.who.kind == UserKind::Staff {
            streams.staff.push(outlet);
        } else {
            streams.by_user.entry(user).or_default().push(outlet);
        }
        Subscription {
            hub: self.clone(),
            id,
            user,
            events,
            lagged,
        }
    }

    /// Hands an event to the streams that may see it.
    fn deliver(&self, e: Event) {
        let e = Arc::new(e);
        let streams = self.lock();
        // An event for everyone goes to every user's streams; one for a user, to theirs.
        let to_users: Vec<&Vec<Outlet>> = if e.to == Audience::everyone() {
            streams.by_user.values().collect()
        } else {
            e.to.user
                .and_then(|u| streams.by_user.get(&u))
                .into_iter()
                .collect()
        };
        let to_staff = streams.staff.iter().filter(|o| e.visible_to(&o.who));
        for o in to_users.into_iter().flatten().chain(to_staff) {
            if o.sender.try_send(e.clone()).is_err() {
                o.lagged.store(true, Ordering::SeqCst);
            }
        }
    }

    /// Ends every stream (the server is stopping; browsers reconnect to another instance).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once `close` has been called.
    pub async fn closed(&self) {
        let mut rx = self.closing.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }
}

/// Reads new rows until the hub is dropped.
async fn tail(hub: Weak<Hub>, db: DatabaseConnection) {
    let newest = loop {
        let read = live_event::Entity::find()
            .select_only()
            .column_as(live_event::Column::Id.max(), "m")
            .into_tuple::<Option<i64>>()
            .one(&db)
            .await;
        match read {
            Ok(newest) => break newest.flatten(),
            Err(e) => tracing::warn!(error = %e, "live events: cannot read the table"),
        }
        // A hub dropped while the database was away (a test's) stops trying.
        if hub.strong_count() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    match hub.upgrade() {
        Some(hub) => hub.head.store(newest.unwrap_or(0), Ordering::SeqCst),
        None => return,
    }
    // The table was empty: the first id seen (not 1 once older rows were pruned) begins the run.
    let mut any_first = newest.is_none();
    let mut gap: Option<(i64, Instant)> = None;
    let mut tick = tokio::time::interval(TAIL_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(hub) = hub.upgrade() else { return };
        loop {
            let head = hub.head();
            let rows = match live_event::Entity::find()
                .filter(live_event::Column::Id.gt(head))
                .order_by_asc(live_event::Column::Id)
                .limit(BATCH)
                .all(&db)
                .await
            {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "live events: cannot read the table");
                    break;
                }
            };
            let full = rows.len() as u64 == BATCH;
            let mut next = head + 1;
            for row in rows {
                if row.id != next && !any_first {
                    let waited = match gap {
                        Some((id, since)) if id == next => since.elapsed() >= GAP_WAIT,
                        _ => {
                            gap = Some((next, Instant::now()));
                            false
                        }
                    };
                    if !waited {
                        break;
                    }
                    tracing::debug!(
                        from = next,
                        to = row.id - 1,
                        "live events: ids never committed"
                    );
                }
                any_first = false;
                gap = None;
                next = row.id + 1;
                // Handed on before the head moves: a stream that reads the head has every
                // event up to it in its channel or behind it.
                let id = row.id;
                hub.deliver(Event::of(row));
                hub.head.store(id, Ordering::SeqCst);
            }
            if !full || hub.head() == head {
                break;
            }
        }
    }
}
