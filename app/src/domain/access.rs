//! Who may call what. `Access` is what an endpoint requires; `Principal` is who is calling.
//! `check` is the one rule every server function and handler goes through (via
//! `server::authz::authorize`).
use super::names::snake_enum;
use super::permission::{Permission, PermissionSet};
use serde::{Deserialize, Serialize};

snake_enum! {
    /// Which clients a staff role sees: the whole firm, the clients its holder owns, those of
    /// its holder and everyone under them (their team, down the supervisor chain), or the
    /// clients nobody owns yet (a pool to pick from).
    #[derive(Default)]
    DataScope {
        #[default]
        Firm => "firm",
        Own => "own",
        Team => "team",
        Unowned => "unowned",
    }
}

/// On the wire by its variant's name ("Trader"), as serde's derive wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum UserKind {
    Trader,
    Ib,
    Staff,
}

/// Through the enums' shared reader (`names::read_name`), which the main wasm file carries
/// anyway, rather than a derived one of its own.
impl<'de> Deserialize<'de> for UserKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let all = [UserKind::Trader, UserKind::Ib, UserKind::Staff];
        super::names::read_variant(d, &["Trader", "Ib", "Staff"], &all)
    }
}

impl UserKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Trader => "trader",
            UserKind::Ib => "ib",
            UserKind::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "trader" => Some(UserKind::Trader),
            "ib" => Some(UserKind::Ib),
            "staff" => Some(UserKind::Staff),
            _ => None,
        }
    }

    pub fn is_client(self) -> bool {
        matches!(self, UserKind::Trader | UserKind::Ib)
    }
}

/// What an endpoint requires of its caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any fully signed-in user (client or staff).
    SignedIn,
    /// A trader or an IB.
    Client,
    /// An IB only.
    Ib,
    /// Staff whose role grants the permission.
    Staff(Permission),
    /// Any staff user, whatever the role.
    AnyStaff,
}

/// The caller, as resolved from the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub kind: UserKind,
    pub permissions: PermissionSet,
    /// The clients a staff member sees (`Firm` for clients, who see only themselves anyway).
    pub scope: DataScope,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Denial {
    /// Nobody is signed in: sign in first.
    Unauthenticated,
    /// Signed in, but this caller may not do this.
    Forbidden,
}

pub fn check(principal: Option<&Principal>, access: Access) -> Result<(), Denial> {
    if access == Access::Public {
        return Ok(());
    }
    let p = principal.ok_or(Denial::Unauthenticated)?;
    let allowed = match access {
        Access::Public | Access::SignedIn => true,
        Access::Client => p.kind.is_client(),
        Access::Ib => p.kind == UserKind::Ib,
        Access::AnyStaff => p.kind == UserKind::Staff,
        Access::Staff(perm) => p.kind == UserKind::Staff && p.permissions.contains(perm),
    };
    if allowed {
        Ok(())
    } else {
        Err(Denial::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_kinds_read_what_they_write() {
        for kind in [UserKind::Trader, UserKind::Ib, UserKind::Staff] {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, format!("{kind:?}"));
            assert_eq!(serde_json::from_value::<UserKind>(json).unwrap(), kind);
        }
        assert!(serde_json::from_str::<UserKind>(r#""trader""#).is_err());
        assert!(serde_json::from_str::<UserKind>("0").is_err());
    }

    fn who(kind: UserKind, perms: &[Permission]) -> Principal {
        Principal {
            user_id: 1,
            kind,
            permissions: perms.iter().copied().collect(),
            scope: DataScope::Firm,
        }
    }

    #[test]
    fn scopes_are_spelled_alike() {
        crate::domain::names::spelled_alike(DataScope::ALL, DataScope::as_str, DataScope::parse);
    }

    #[test]
    fn anonymous_callers_only_reach_public_endpoints() {
        assert_eq!(check(None, Access::Public), Ok(()));
        for a in [
            Access::SignedIn,
            Access::Client,
            Access::Ib,
            Access::AnyStaff,
            Access::Staff(Permission::StaffView),
        ] {
            assert_eq!(check(None, a), Err(Denial::Unauthenticated));
        }
    }

    #[test]
    fn clients_never_pass_staff_checks_even_with_permissions() {
        // A client row can never carry permissions, but the rule must not depend on that.
        let ib = who(UserKind::Ib, &[Permission::StaffManage]);
        assert_eq!(
            check(Some(&ib), Access::Staff(Permission::StaffManage)),
            Err(Denial::Forbidden)
        );
        assert_eq!(check(Some(&ib), Access::AnyStaff), Err(Denial::Forbidden));
        assert_eq!(check(Some(&ib), Access::Ib), Ok(()));
        assert_eq!(check(Some(&ib), Access::Client), Ok(()));
    }

    #[test]
    fn traders_are_not_ibs_and_staff_are_not_clients() {
        let t = who(UserKind::Trader, &[]);
        assert_eq!(check(Some(&t), Access::Ib), Err(Denial::Forbidden));
        let s = who(UserKind::Staff, &[Permission::StaffView]);
        assert_eq!(check(Some(&s), Access::Client), Err(Denial::Forbidden));
        assert_eq!(
            check(Some(&s), Access::Staff(Permission::StaffView)),
            Ok(())
        );
        assert_eq!(
            check(Some(&s), Access::Staff(Permission::StaffManage)),
            Err(Denial::Forbidden)
        );
    }
}
