//! The firm's messages to its clients: who a notice goes to.
use super::names::snake_enum;

snake_enum! {
    /// Who a firm notice goes to: every client, the members of client groups, or chosen clients.
    NoticeAudience { Everyone => "everyone", Groups => "groups", List => "list" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_are_spelled_alike() {
        crate::domain::names::spelled_alike(
            NoticeAudience::ALL,
            NoticeAudience::as_str,
            NoticeAudience::parse,
        );
    }
}
