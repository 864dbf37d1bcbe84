//! The catalogue of staff permissions. Roles are sets of these names; the names are stored in the
//! database, so a name must never change once released.
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

macro_rules! permissions {
    ($($variant:ident => $name:literal, $label:literal;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Permission { $($variant),* }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),*];

            /// The stable name stored in roles.
            pub fn name(self) -> &'static str {
                match self { $(Permission::$variant => $name),* }
            }

            /// The i18n key of the human label.
            pub fn label_key(self) -> &'static str {
                match self { $(Permission::$variant => $label),* }
            }

            pub fn from_name(name: &str) -> Option<Permission> {
                match name { $($name => Some(Permission::$variant),)* _ => None }
            }
        }
    };
}

permissions! {
    DashboardView => "dashboard.view", "perm.dashboard_view";
    ClientsView => "clients.view", "perm.clients_view";
    ClientsManage => "clients.manage", "perm.clients_manage";
    ClientsContact => "clients.contact", "perm.clients_contact";
    StaffView => "staff.view", "perm.staff_view";
    StaffManage => "staff.manage", "perm.staff_manage";
    RolesManage => "roles.manage", "perm.roles_manage";
    AuditView => "audit.view", "perm.audit_view";
    RequestsView => "requests.view", "perm.requests_view";
    RequestsDecide => "requests.decide", "perm.requests_decide";
    FundsView => "money.view", "perm.funds_view";
    FundsAdjust => "money.adjust", "perm.funds_adjust";
    SettingsManage => "firm.settings", "perm.settings_manage";
    ChallengesManage => "challenges.manage", "perm.challenges_manage";
    ParticipantsView => "participants.view", "perm.participants_view";
    ParticipantsAdvance => "participants.advance", "perm.participants_advance";
    PlatformManage => "platforms.manage", "perm.platform_manage";
    ParticipantsTag => "participants.tag", "perm.participants_tag";
    ProfitShareSettle => "profit_share.settle", "perm.profit_share_settle";
    PropDashboard => "prop_dashboard.view", "perm.prop_dashboard";
    RiskAlertsView => "risk_alerts.view", "perm.risk_alerts_view";
    RiskAlertsManage => "risk_alerts.manage", "perm.risk_alerts_manage";
    IbView => "ib_programme.view", "perm.ib_view";
    IbManage => "ib_programme.manage", "perm.ib_manage";
    OffersView => "offers.view", "perm.offers_view";
    OffersManage => "offers.manage", "perm.offers_manage";
    NoticesManage => "notices.manage", "perm.notices_manage";
    TicketsView => "tickets.view", "perm.tickets_view";
    TicketsManage => "tickets.manage", "perm.tickets_manage";
    DownloadsManage => "downloads.manage", "perm.downloads_manage";
    CompetitionsManage => "competitions.manage", "perm.competitions_manage";
}

/// A role's permissions. Stored as space-separated names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionSet(BTreeSet<Permission>);

impl PermissionSet {
    pub fn all() -> Self {
        Self(Permission::ALL.iter().copied().collect())
    }

    pub fn contains(&self, p: Permission) -> bool {
        self.0.contains(&p)
    }

    pub fn iter(&self) -> impl Iterator<Item = Permission> + '_ {
        self.0.iter().copied()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Parses stored names, ignoring names this build does not know (a newer build may have
    /// written them; they grant nothing here).
    pub fn parse(stored: &str) -> Self {
        Self(
            stored
                .split_whitespace()
                .filter_map(Permission::from_name)
                .collect(),
        )
    }

    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = BTreeSet::new();
        for p in Permission::ALL {
            assert_eq!(Permission::from_name(p.name()), Some(*p));
            assert!(seen.insert(p.name()), "duplicate name {}", p.name());
        }
    }

    #[test]
    fn stored_form_round_trips_and_ignores_unknown_names() {
        let set: PermissionSet = [Permission::StaffView, Permission::AuditView]
            .into_iter()
            .collect();
        assert_eq!(PermissionSet::parse(&set.to_stored()), set);
        assert_eq!(
            PermissionSet::parse("staff.view  future.thing"),
            [Permission::StaffView].into_iter().collect()
        );
    }
}
