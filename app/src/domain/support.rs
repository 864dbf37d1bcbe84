//! Support tickets and the download centre: their statuses, categories and the rules of who may
//! move a ticket where.
use super::names::snake_enum;

snake_enum! {
    /// Where a ticket stands. A client's message (re)opens it; staff's reply waits for the
    /// client; resolved tickets reopen on a client's message; closed ones are final.
    TicketStatus {
        Open => "open",
        Waiting => "waiting",
        Resolved => "resolved",
        Closed => "closed",
    }
}

snake_enum! {
    TicketPriority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" }
}

snake_enum! {
    /// What a ticket is about.
    TicketCategory {
        Account => "account",
        Payments => "payments",
        Challenges => "challenges",
        Platform => "platform",
        Other => "other",
    }
}

snake_enum! {
    /// A section of the download centre.
    DownloadCategory {
        Platforms => "platforms",
        Guides => "guides",
        Terms => "terms",
        Other => "other",
    }
}

snake_enum! {
    /// The system a platform download is for ("any" for guides and links that open anywhere).
    Os {
        Any => "any",
        Windows => "windows",
        Mac => "mac",
        Linux => "linux",
        Android => "android",
        Ios => "ios",
        Web => "web",
    }
}

/// The longest subject and message.
pub const SUBJECT_MAX: usize = 150;
pub const MESSAGE_MAX: usize = 5_000;
/// At most this many files on one message.
pub const ATTACHMENTS_MAX: usize = 5;

impl TicketStatus {
    /// Whether a message may still be added (a closed ticket is final).
    pub fn accepts_messages(self) -> bool {
        self != TicketStatus::Closed
    }

    /// The status after a message: the client's reopens, staff's reply waits for the client
    /// unless staff chose another; an internal note changes nothing.
    pub fn after_message(self, from_client: bool, internal: bool) -> TicketStatus {
        match (from_client, internal) {
            (_, true) => self,
            (true, false) => TicketStatus::Open,
            (false, false) => TicketStatus::Waiting,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::names::spelled_alike;

    #[test]
    fn names_are_spelled_alike() {
        spelled_alike(TicketStatus::ALL, TicketStatus::as_str, TicketStatus::parse);
        spelled_alike(
            TicketPriority::ALL,
            TicketPriority::as_str,
            TicketPriority::parse,
        );
        spelled_alike(
            TicketCategory::ALL,
            TicketCategory::as_str,
            TicketCategory::parse,
        );
        spelled_alike(
            DownloadCategory::ALL,
            DownloadCategory::as_str,
            DownloadCategory::parse,
        );
        spelled_alike(Os::ALL, Os::as_str, Os::parse);
    }

    #[test]
    fn messages_move_the_status() {
        use TicketStatus::*;
        assert_eq!(Resolved.after_message(true, false), Open);
        assert_eq!(Open.after_message(false, false), Waiting);
        assert_eq!(Waiting.after_message(false, true), Waiting);
        assert!(!Closed.accepts_messages());
    }
}
