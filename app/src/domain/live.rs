//! What the live stream tells a browser: that a topic changed, and which of its things when
//! there is one. A page reads again what it shows when its topic changes, so an event carries
//! no figures: the page's own server function (with its own access check) reads them.
use super::names::snake_enum;
use serde::{Deserialize, Serialize};

snake_enum! {
    /// What changed.
    Topic {
        /// A participant's account figures, progress, decision or warnings (ref: participant).
        Participant => "participant",
        /// A risk alert fired (ref: the alert).
        Alert => "alert",
        /// A request entered, moved in or left the approval queue (ref: the request).
        Queue => "queue",
        /// The user's own request moved (ref: the request).
        Request => "request",
        /// The user has a new notification.
        Notification => "notification",
        /// An IB earned (or lost to a refund) a fee commission (ref: the commission).
        Commission => "commission",
        /// A support ticket was opened, answered or moved (ref: the ticket).
        Ticket => "ticket",
        /// A competition's board moved (ref: the competition).
        Leaderboard => "leaderboard",
    }
}

/// One event as the stream sends it (`data:` of a server-sent event whose `id:` is `id`).
/// Ids grow by one per event in commit order, so a browser that reconnects with the last id it
/// saw receives exactly what it missed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEvent {
    pub id: i64,
    pub topic: Topic,
    #[serde(rename = "ref")]
    pub ref_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_spelled_alike() {
        crate::domain::names::spelled_alike(Topic::ALL, Topic::as_str, Topic::parse);
    }

    #[test]
    fn an_event_on_the_wire() {
        let e = LiveEvent {
            id: 7,
            topic: Topic::Participant,
            ref_id: Some(3),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"id":7,"topic":"participant","ref":3}"#);
        assert_eq!(serde_json::from_str::<LiveEvent>(&json).unwrap(), e);
    }
}
