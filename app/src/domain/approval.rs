//! The approval engine's rules: request kinds, statuses, approval methods and who may act on a
//! request at its current level. The server applies these; nothing here touches a database.
use serde::{Deserialize, Serialize};

use super::names::snake_enum;

snake_enum! {
    /// What a request asks for. Each kind has its own approval settings and queue.
    RequestKind {
        TraderRegistration => "trader_registration",
        IbRegistration => "ib_registration",
        IbUpgrade => "ib_upgrade",
        Kyc => "kyc",
        Deposit => "deposit",
        Withdrawal => "withdrawal",
        Transfer => "transfer",
        Participation => "participation",
        LiveStep => "live_step",
        Retry => "retry",
        ProfitShare => "profit_share",
        ProfileChange => "profile_change",
    }
}

snake_enum! {
    RequestStatus {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        Cancelled => "cancelled",
    }
}

snake_enum! {
    /// The state of the money behind an online deposit (from the payment provider) or of a
    /// withdrawal's payout. Staff may correct it before approving.
    PaymentStatus {
        Pending => "pending",
        Success => "success",
        Failed => "failed",
    }
}

impl RequestKind {
    pub fn label_key(self) -> String {
        format!("appr.kind_{}", self.as_str())
    }

    /// Whether the client pays before the request is decided (an online deposit, a challenge
    /// bought directly): it cannot be approved until the payment arrives.
    pub fn paid_in_advance(self) -> bool {
        matches!(
            self,
            RequestKind::Deposit | RequestKind::Participation | RequestKind::Retry
        )
    }

    /// The method until the firm chooses one: sign-ups go straight in (as before approvals
    /// existed); everything else is looked at by a person.
    pub fn default_method(self) -> Method {
        match self {
            // A retry the trader has paid for needs no one's attention by default.
            RequestKind::TraderRegistration | RequestKind::IbRegistration | RequestKind::Retry => {
                Method::Automatic
            }
            _ => Method::Manual,
        }
    }

    /// Whether clients may cancel their own pending requests of this kind. A registration
    /// cannot be cancelled by someone who cannot sign in yet.
    pub fn client_cancellable(self) -> bool {
        !matches!(
            self,
            RequestKind::TraderRegistration
                | RequestKind::IbRegistration
                | RequestKind::LiveStep
                | RequestKind::ProfitShare
        )
    }
}

/// How requests of a kind are decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Method {
    Automatic,
    Manual,
    /// Deposits by online methods below the threshold (minor units of the request's currency)
    /// approve themselves; the rest go to people.
    Partial {
        threshold_minor: i64,
    },
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Automatic => "automatic",
            Method::Manual => "manual",
            Method::Partial { .. } => "partial",
        }
    }

    pub fn from_stored(name: &str, threshold_minor: i64) -> Option<Self> {
        match name {
            "automatic" => Some(Method::Automatic),
            "manual" => Some(Method::Manual),
            "partial" => Some(Method::Partial { threshold_minor }),
            _ => None,
        }
    }

    /// Refuses combinations the firm must not choose: money leaving the firm is always paid out
    /// by a person, and a partial threshold only makes sense for deposits.
    pub fn check(self, kind: RequestKind) -> Result<(), &'static str> {
        match (self, kind) {
            (Method::Automatic | Method::Partial { .. }, RequestKind::Withdrawal) => {
                Err("err.method_withdrawal_manual")
            }
            (Method::Partial { .. }, k) if k != RequestKind::Deposit => {
                Err("err.method_partial_deposit_only")
            }
            (Method::Partial { threshold_minor }, _) if threshold_minor <= 0 => {
                Err("err.threshold_positive")
            }
            _ => Ok(()),
        }
    }

    /// Whether a new request approves itself. Offline deposits (a bank transfer someone must
    /// find on the statement) always go to people, whatever the method says.
    pub fn approves_itself(self, kind: RequestKind, online: bool, amount_minor: i64) -> bool {
        // A profit share reaches this engine only when its stage asks for a person's review.
        if matches!(kind, RequestKind::Withdrawal | RequestKind::ProfitShare)
            || (kind == RequestKind::Deposit && !online)
        {
            return false;
        }
        match self {
            Method::Automatic => true,
            Method::Manual => false,
            Method::Partial { threshold_minor } => online && amount_minor < threshold_minor,
        }
    }
}

/// One approval level: the roles and staff users who may decide at it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub role_ids: Vec<i64>,
    pub user_ids: Vec<i64>,
}

impl Level {
    pub fn admits(&self, user_id: i64, role_id: Option<i64>) -> bool {
        self.user_ids.contains(&user_id) || role_id.is_some_and(|r| self.role_ids.contains(&r))
    }

    pub fn is_empty(&self) -> bool {
        self.role_ids.is_empty() && self.user_ids.is_empty()
    }
}

/// Whether a staff member may decide a pending request at `level` (1-based). A level the
/// settings do not name (none configured, or fewer than when the request was submitted) is
/// open to anyone holding the approvals permission, so no request can be stranded.
pub fn may_decide(levels: &[Level], level: i32, user_id: i64, role_id: Option<i64>) -> bool {
    let Some(i) = usize::try_from(level).ok().and_then(|l| l.checked_sub(1)) else {
        return false;
    };
    levels
        .get(i)
        .is_none_or(|l| l.is_empty() || l.admits(user_id, role_id))
}

/// Ids stored as "1,2,3".
pub fn parse_ids(s: &str) -> Vec<i64> {
    s.split(',').filter_map(|p| p.trim().parse().ok()).collect()
}

pub fn format_ids(ids: &[i64]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Actions a firm can put behind approved KYC.
pub const KYC_ACTIONS: &[&str] = &["deposit", "withdrawal", "transfer", "participation"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_spelled_alike_in_the_database_and_on_the_wire() {
        use crate::domain::names::spelled_alike as check;
        check(RequestKind::ALL, RequestKind::as_str, RequestKind::parse);
        check(
            RequestStatus::ALL,
            RequestStatus::as_str,
            RequestStatus::parse,
        );
        check(
            PaymentStatus::ALL,
            PaymentStatus::as_str,
            PaymentStatus::parse,
        );
    }

    #[test]
    fn names_round_trip() {
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(RequestKind::parse("nope"), None);
    }

    #[test]
    fn withdrawals_and_offline_deposits_never_approve_themselves() {
        let w = RequestKind::Withdrawal;
        assert_eq!(
            Method::Automatic.check(w),
            Err("err.method_withdrawal_manual")
        );
        assert!(!Method::Automatic.approves_itself(w, true, 1));
        assert!(!Method::Automatic.approves_itself(RequestKind::Deposit, false, 1));
        assert!(Method::Automatic.approves_itself(RequestKind::Deposit, true, 1));
        assert!(Method::Automatic.approves_itself(RequestKind::Kyc, false, 0));
    }

    #[test]
    fn partial_approves_online_deposits_below_the_threshold() {
        let p = Method::Partial {
            threshold_minor: 10_000,
        };
        assert_eq!(p.check(RequestKind::Deposit), Ok(()));
        assert_eq!(
            p.check(RequestKind::Kyc),
            Err("err.method_partial_deposit_only")
        );
        assert_eq!(
            Method::Partial { threshold_minor: 0 }.check(RequestKind::Deposit),
            Err("err.threshold_positive")
        );
        assert!(p.approves_itself(RequestKind::Deposit, true, 9_999));
        assert!(!p.approves_itself(RequestKind::Deposit, true, 10_000));
        assert!(!p.approves_itself(RequestKind::Deposit, false, 1));
    }

    #[test]
    fn only_the_current_levels_reviewers_decide() {
        let levels = vec![
            Level {
                role_ids: vec![2],
                user_ids: vec![],
            },
            Level {
                role_ids: vec![],
                user_ids: vec![7],
            },
        ];
        assert!(may_decide(&levels, 1, 5, Some(2)));
        assert!(!may_decide(&levels, 1, 7, None));
        assert!(may_decide(&levels, 2, 7, None));
        assert!(!may_decide(&levels, 2, 5, Some(2)));
        assert!(
            may_decide(&levels, 3, 7, None),
            "a level no longer configured"
        );
        assert!(!may_decide(&levels, 0, 7, None));
        assert!(may_decide(&[], 1, 1, None));
        assert_eq!(parse_ids(" 1, 2,x,3"), vec![1, 2, 3]);
        assert_eq!(format_ids(&[1, 2]), "1,2");
    }
}
