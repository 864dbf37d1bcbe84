//! Where a participant stands in a challenge they bought.
use super::names::snake_enum;

snake_enum! {
    /// A participant's state: paying, waiting for staff, trading a stage, waiting for the live
    /// step or a retry, or ended (completed, failed, rejected or cancelled).
    ParticipantStatus {
        AwaitingPayment => "awaiting_payment",
        PendingApproval => "pending_approval",
        InProgress => "in_progress",
        PendingLive => "pending_live",
        RetryPending => "retry_pending",
        Completed => "completed",
        Failed => "failed",
        Rejected => "rejected",
        Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_spelled_alike_in_the_database_and_on_the_wire() {
        use crate::domain::names::spelled_alike as check;
        check(
            ParticipantStatus::ALL,
            ParticipantStatus::as_str,
            ParticipantStatus::parse,
        );
    }
}
