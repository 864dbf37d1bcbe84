//! Who is asking: every service takes it, for throttling and the audit log.

#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub ip: String,
    pub user_agent: String,
    /// The two-letter country the trusted proxy says the request came from ("" unknown).
    pub country: String,
}

impl Origin {
    /// Work the server does by itself (scheduled jobs, decisions of the rules engine) or on
    /// behalf of a tool (`"seed"`): no address, the agent names the source in the audit log.
    pub fn internal(agent: &str) -> Self {
        Origin {
            ip: String::new(),
            user_agent: agent.into(),
            country: String::new(),
        }
    }
}
