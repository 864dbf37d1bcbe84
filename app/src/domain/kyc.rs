//! Where a client's identity verification (KYC) stands.
use super::names::snake_enum;

snake_enum! {
    KycStatus {
        /// Nothing submitted yet (or the last submission was cancelled).
        NotSubmitted => "none",
        Pending => "pending",
        /// Submitted again after a rejection, waiting for review.
        Resubmitted => "resubmitted",
        Approved => "approved",
        Rejected => "rejected",
    }
}

impl KycStatus {
    /// A submission is waiting for staff.
    pub fn in_review(self) -> bool {
        matches!(self, KycStatus::Pending | KycStatus::Resubmitted)
    }

    /// The client may submit (again).
    pub fn may_submit(self) -> bool {
        matches!(self, KycStatus::NotSubmitted | KycStatus::Rejected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_spelled_alike_in_the_database_and_on_the_wire() {
        use crate::domain::names::spelled_alike as check;
        check(KycStatus::ALL, KycStatus::as_str, KycStatus::parse);
    }
}
