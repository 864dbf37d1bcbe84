//! The permission matrix: every server function × every kind of caller. Each function must
//! refuse every caller its rule excludes (401 for anonymous, 403 for the signed-in) and let the
//! others through. The table below is the specification; a server function missing from it
//! fails the test.
use crate::common;
use app::domain::access::{self, Access, Principal, UserKind};
use app::domain::challenge::ChallengeDef;
use app::domain::permission::{Permission, PermissionSet};
use common::make_user;

const Q: &str =
    "query[page]=0&query[per_page]=20&query[sort]=&query[desc]=false&query[q]=&query[filter]=";

/// What each endpoint requires. `Session` endpoints belong to an unfinished sign-in (second
/// factor or enrollment): anonymous callers are refused, and the positive case is covered in
/// `auth.rs`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Rule {
    Is(Access),
    Session,
}

pub(crate) fn matrix() -> Vec<(&'static str, Rule, String)> {
    use Permission::*;
    use Rule::*;
    vec![
        ("/api/auth/me", Is(Access::Public), String::new()),
        (
            "/api/auth/register",
            Is(Access::Public),
            "kind=trader&email=&password=&first_name=&last_name=&country=&phone=&referral_code="
                .into(),
        ),
        (
            "/api/auth/login",
            Is(Access::Public),
            "email=x%40example.com&password=".into(),
        ),
        (
            "/api/auth/admin-login",
            Is(Access::Public),
            "email=x%40example.com&password=".into(),
        ),
        ("/api/auth/verify-totp", Session, "code=123456".into()),
        ("/api/auth/logout", Is(Access::Public), String::new()),
        (
            "/api/auth/change-password",
            Is(Access::SignedIn),
            "current_password=&new_password=".into(),
        ),
        (
            "/api/auth/forgot-password",
            Is(Access::Public),
            "email=nobody%40example.com".into(),
        ),
        (
            "/api/auth/reset-password",
            Is(Access::Public),
            "token=x&password=long-enough-pw".into(),
        ),
        ("/api/auth/totp-setup", Session, String::new()),
        ("/api/auth/totp-confirm", Session, "code=12".into()),
        (
            "/api/auth/totp-disable",
            Is(Access::Client),
            "password=x&code=123456".into(),
        ),
        (
            "/api/auth/preferences",
            Is(Access::Public),
            "theme=Dark".into(),
        ),
        (
            "/api/notifications/feed",
            Is(Access::SignedIn),
            String::new(),
        ),
        (
            "/api/notifications/read-all",
            Is(Access::SignedIn),
            String::new(),
        ),
        ("/api/ib/overview", Is(Access::Ib), String::new()),
        ("/api/ib/tree", Is(Access::Ib), format!("{Q}&parent=0")),
        ("/api/ib/commissions", Is(Access::Ib), Q.into()),
        ("/api/ib/client-report", Is(Access::Ib), Q.into()),
        ("/api/ib/client-requests", Is(Access::Ib), Q.into()),
        ("/api/ib/prop-stats", Is(Access::Ib), Q.into()),
        ("/api/ib/links", Is(Access::Ib), Q.into()),
        (
            "/api/ib/links/create",
            Is(Access::Ib),
            "form[name]=&form[target]=register&form[challenge_id]=0".into(),
        ),
        ("/api/ib/links/archive", Is(Access::Ib), "id=0".into()),
        ("/api/ib/rank-sets", Is(Access::Staff(IbView)), String::new()),
        (
            "/api/ib/rank-sets/save",
            Is(Access::Staff(IbManage)),
            "form[id]=0&form[name]=".into(),
        ),
        ("/api/ib/client", Is(Access::Staff(IbView)), "client=0".into()),
        ("/api/ib/tier", Is(Access::Staff(IbManage)), "client=0&tier=0".into()),
        (
            "/api/ib/upline",
            Is(Access::Staff(IbManage)),
            "client=0&upline=0".into(),
        ),
        (
            "/api/ib/fee-report",
            Is(Access::Staff(IbView)),
            format!("{Q}&challenge=0"),
        ),
        ("/api/ib/firm-links", Is(Access::Staff(IbView)), Q.into()),
        (
            "/api/ib/firm-links/create",
            Is(Access::Staff(IbManage)),
            "form[name]=&form[target]=register&form[challenge_id]=0".into(),
        ),
        (
            "/api/ib/firm-links/archive",
            Is(Access::Staff(IbManage)),
            "id=0".into(),
        ),
        ("/api/offers/mine", Is(Access::Client), String::new()),
        ("/api/offers/coupons", Is(Access::Staff(OffersView)), Q.into()),
        ("/api/offers/choices", Is(Access::Staff(OffersView)), String::new()),
        (
            "/api/offers/coupons/save",
            Is(Access::Staff(OffersManage)),
            "form[title]=".into(),
        ),
        (
            "/api/offers/coupons/grant",
            Is(Access::Staff(OffersManage)),
            "id=0&clients=".into(),
        ),
        (
            "/api/offers/coupons/revoke",
            Is(Access::Staff(OffersManage)),
            "id=0".into(),
        ),
        ("/api/offers/promo-codes", Is(Access::Staff(OffersView)), Q.into()),
        (
            "/api/offers/promo-codes/save",
            Is(Access::Staff(OffersManage)),
            "form[code]=".into(),
        ),
        (
            "/api/offers/promo-codes/state",
            Is(Access::Staff(OffersManage)),
            "id=0&to=enabled".into(),
        ),
        (
            "/api/offers/promo-codes/delete",
            Is(Access::Staff(OffersManage)),
            "id=0".into(),
        ),
        ("/api/messages/notices", Is(Access::Staff(NoticesManage)), Q.into()),
        (
            "/api/messages/notices/choices",
            Is(Access::Staff(NoticesManage)),
            String::new(),
        ),
        (
            "/api/messages/notices/send",
            Is(Access::Staff(NoticesManage)),
            "form[title_en]=".into(),
        ),
        ("/api/messages/templates", Is(Access::Staff(NoticesManage)), String::new()),
        (
            "/api/messages/template",
            Is(Access::Staff(NoticesManage)),
            "key=welcome&locale=en".into(),
        ),
        (
            "/api/messages/templates/save",
            Is(Access::Staff(NoticesManage)),
            "text[key]=welcome&text[locale]=en".into(),
        ),
        (
            "/api/messages/templates/reset",
            Is(Access::Staff(NoticesManage)),
            "key=welcome&locale=en".into(),
        ),
        (
            "/api/messages/templates/preview",
            Is(Access::Staff(NoticesManage)),
            "text[key]=welcome&text[locale]=en".into(),
        ),
        (
            "/api/messages/templates/test",
            Is(Access::Staff(NoticesManage)),
            "text[key]=welcome&text[locale]=en".into(),
        ),
        ("/api/messages/outbox", Is(Access::Staff(NoticesManage)), Q.into()),
        ("/api/messages/popup", Is(Access::Client), String::new()),
        ("/api/messages/popup/close", Is(Access::Client), "id=0".into()),
        (
            "/api/admin/stats",
            Is(Access::Staff(DashboardView)),
            String::new(),
        ),
        (
            "/api/admin/clients",
            Is(Access::Staff(ClientsView)),
            Q.into(),
        ),
        ("/api/admin/staff", Is(Access::Staff(StaffView)), Q.into()),
        ("/api/admin/staff/choices", Is(Access::AnyStaff), String::new()),
        (
            "/api/auth/verify-email",
            Is(Access::Public),
            "email=nobody%40example.com&code=000000".into(),
        ),
        (
            "/api/auth/resend-verification",
            Is(Access::Public),
            "email=nobody%40example.com".into(),
        ),
        ("/api/auth/sessions", Is(Access::SignedIn), String::new()),
        ("/api/auth/sessions/end", Is(Access::SignedIn), "id=x".into()),
        ("/api/auth/phone/send-code", Is(Access::Client), String::new()),
        ("/api/auth/phone/verify", Is(Access::Client), "code=000000".into()),
        ("/api/settings/security", Is(Access::Staff(SettingsManage)), String::new()),
        (
            "/api/settings/security/save",
            Is(Access::Staff(SettingsManage)),
            "s[lockout_failures]=1".into(),
        ),
        ("/api/settings/blacklist", Is(Access::Staff(SettingsManage)), String::new()),
        (
            "/api/settings/blacklist/add",
            Is(Access::Staff(SettingsManage)),
            "kind=email&value=x".into(),
        ),
        (
            "/api/settings/blacklist/remove",
            Is(Access::Staff(SettingsManage)),
            "id=0".into(),
        ),
        (
            "/api/settings/blacklist/import",
            Is(Access::Staff(SettingsManage)),
            "csv=".into(),
        ),
        ("/api/crm/client", Is(Access::Staff(ClientsView)), "id=0".into()),
        (
            "/api/crm/client/edit",
            Is(Access::Staff(ClientsManage)),
            "id=0&edit[first_name]=A".into(),
        ),
        (
            "/api/crm/client/suspend",
            Is(Access::Staff(ClientsManage)),
            "id=0&suspended=true&reason=x".into(),
        ),
        (
            "/api/crm/client/reset-password",
            Is(Access::Staff(ClientsManage)),
            "id=0".into(),
        ),
        (
            "/api/crm/client/note",
            Is(Access::Staff(ClientsManage)),
            "id=0&body=x".into(),
        ),
        (
            "/api/crm/clients/owner",
            Is(Access::Staff(ClientsManage)),
            "ids[0]=0&owner_id=0".into(),
        ),
        (
            "/api/crm/clients/group",
            Is(Access::Staff(ClientsManage)),
            "ids[0]=0&group_id=0".into(),
        ),
        (
            "/api/crm/clients/tag",
            Is(Access::Staff(ClientsManage)),
            "ids[0]=0&tag=x&on=true".into(),
        ),
        ("/api/crm/groups", Is(Access::Staff(ClientsManage)), String::new()),
        ("/api/crm/leads", Is(Access::Staff(ClientsView)), Q.into()),
        (
            "/api/crm/leads/save",
            Is(Access::Staff(ClientsManage)),
            "form[name]=".into(),
        ),
        ("/api/crm/tasks", Is(Access::Staff(ClientsView)), Q.into()),
        (
            "/api/support/tickets/open",
            Is(Access::Client),
            "ticket[subject]=".into(),
        ),
        ("/api/support/tickets/mine", Is(Access::Client), Q.into()),
        ("/api/support/tickets/one", Is(Access::Client), "id=0".into()),
        (
            "/api/support/tickets/reply",
            Is(Access::Client),
            "reply[ticket_id]=0".into(),
        ),
        ("/api/support/tickets/close", Is(Access::Client), "id=0".into()),
        ("/api/support/queue", Is(Access::Staff(TicketsView)), Q.into()),
        (
            "/api/support/queue/counts",
            Is(Access::Staff(TicketsView)),
            String::new(),
        ),
        ("/api/support/ticket", Is(Access::Staff(TicketsView)), "id=0".into()),
        (
            "/api/support/ticket/reply",
            Is(Access::Staff(TicketsManage)),
            "reply[ticket_id]=0".into(),
        ),
        (
            "/api/support/ticket/update",
            Is(Access::Staff(TicketsManage)),
            "update[ticket_id]=0".into(),
        ),
        (
            "/api/support/response-times",
            Is(Access::Staff(TicketsView)),
            Q.into(),
        ),
        (
            "/api/support/downloads",
            Is(Access::Staff(DownloadsManage)),
            String::new(),
        ),
        (
            "/api/support/downloads/save",
            Is(Access::Staff(DownloadsManage)),
            "form[title_en]=".into(),
        ),
        (
            "/api/support/downloads/remove",
            Is(Access::Staff(DownloadsManage)),
            "id=0".into(),
        ),
        (
            "/api/support/downloads/groups",
            Is(Access::Staff(DownloadsManage)),
            String::new(),
        ),
        (
            "/api/support/downloads/upload",
            Is(Access::Staff(DownloadsManage)),
            common::multipart("download", "x.txt", b"not a document"),
        ),
        ("/api/support/downloads/mine", Is(Access::Client), String::new()),
        ("/api/competitions", Is(Access::Staff(CompetitionsManage)), String::new()),
        (
            "/api/competitions/save",
            Is(Access::Staff(CompetitionsManage)),
            "form[name]=".into(),
        ),
        ("/api/competitions/desk", Is(Access::Staff(CompetitionsManage)), "id=0".into()),
        (
            "/api/competitions/board/staff",
            Is(Access::Staff(CompetitionsManage)),
            "id=0".into(),
        ),
        (
            "/api/competitions/suspend",
            Is(Access::Staff(CompetitionsManage)),
            "entry=0&suspended=true&reason=x".into(),
        ),
        ("/api/competitions/end", Is(Access::Staff(CompetitionsManage)), "id=0".into()),
        ("/api/competitions/pay", Is(Access::Staff(CompetitionsManage)), "id=0".into()),
        (
            "/api/competitions/groups",
            Is(Access::Staff(CompetitionsManage)),
            String::new(),
        ),
        ("/api/competitions/open", Is(Access::Client), String::new()),
        ("/api/competitions/board", Is(Access::Client), "id=0".into()),
        ("/api/competitions/join", Is(Access::Client), "id=0".into()),
        (
            "/api/crm/tasks/month",
            Is(Access::Staff(ClientsView)),
            "month=2026-12".into(),
        ),
        (
            "/api/crm/tasks/save",
            Is(Access::Staff(ClientsView)),
            "form[title]=".into(),
        ),
        (
            "/api/crm/tasks/done",
            Is(Access::Staff(ClientsView)),
            "id=0&done=true".into(),
        ),
        ("/api/crm/assignment", Is(Access::Staff(SettingsManage)), String::new()),
        ("/api/profile/policy", Is(Access::SignedIn), String::new()),
        (
            "/api/crm/profile-policy/save",
            Is(Access::Staff(SettingsManage)),
            "policy[editable][0]=phone".into(),
        ),
        ("/api/profile/update", Is(Access::Client), "edit[phone]=".into()),
        ("/api/home/summary", Is(Access::Client), String::new()),
        (
            "/api/crm/assignment/save",
            Is(Access::Staff(SettingsManage)),
            "rule[kind]=none".into(),
        ),
        (
            "/api/crm/client/requests",
            Is(Access::Staff(RequestsView)),
            format!("id=0&{Q}"),
        ),
        (
            "/api/crm/client/challenges",
            Is(Access::Staff(ParticipantsView)),
            "id=0".into(),
        ),
        (
            "/api/crm/client/deposit-methods",
            Is(Access::Staff(ClientsManage)),
            "id=0".into(),
        ),
        (
            "/api/crm/client/deposit",
            Is(Access::Staff(ClientsManage)),
            "id=0&idempotency_key=k&method_id=0&amount=1".into(),
        ),
        (
            "/api/admin/staff/create",
            Is(Access::Staff(StaffManage)),
            "email=&first_name=&last_name=&role_id=0&password=".into(),
        ),
        (
            "/api/admin/staff/update",
            Is(Access::Staff(StaffManage)),
            "id=0&email=&first_name=&last_name=&role_id=0".into(),
        ),
        (
            "/api/admin/staff/set-disabled",
            Is(Access::Staff(StaffManage)),
            "id=0&disabled=true".into(),
        ),
        (
            "/api/admin/staff/reset",
            Is(Access::Staff(StaffManage)),
            "id=0".into(),
        ),
        (
            "/api/admin/roles",
            Is(Access::Staff(StaffView)),
            String::new(),
        ),
        (
            "/api/admin/roles/save",
            Is(Access::Staff(RolesManage)),
            "name=&description=&permissions[0]=staff.view".into(),
        ),
        (
            "/api/admin/roles/delete",
            Is(Access::Staff(RolesManage)),
            "id=0".into(),
        ),
        ("/api/admin/audit", Is(Access::Staff(AuditView)), Q.into()),
        ("/api/funds/overview", Is(Access::Client), String::new()),
        (
            "/api/funds/deposit",
            Is(Access::Client),
            "idempotency_key=k&method_id=0&amount=1&reference=".into(),
        ),
        (
            "/api/funds/test-psp/pay",
            Is(Access::Client),
            "request_id=0&succeed=true".into(),
        ),
        (
            "/api/funds/withdraw",
            Is(Access::Client),
            "idempotency_key=k&method_id=0&destination_id=0&amount=1".into(),
        ),
        (
            "/api/funds/transfer-quote",
            Is(Access::Client),
            "from=USD&to=EUR&amount=1&recipient=".into(),
        ),
        (
            "/api/funds/transfer",
            Is(Access::Client),
            "idempotency_key=k&from=USD&to=USD&amount=1&recipient=".into(),
        ),
        (
            "/api/funds/destinations/add",
            Is(Access::Client),
            "kind=bank_card&label=&number=&network=".into(),
        ),
        (
            "/api/funds/destinations/remove",
            Is(Access::Client),
            "id=0".into(),
        ),
        ("/api/funds/transactions", Is(Access::Client), Q.into()),
        ("/api/requests/mine", Is(Access::Client), Q.into()),
        ("/api/requests/cancel", Is(Access::Client), "id=0".into()),
        (
            "/api/requests/ib-upgrade",
            Is(Access::Client),
            "reason=".into(),
        ),
        ("/api/kyc/overview", Is(Access::Client), String::new()),
        (
            "/api/kyc/submit",
            Is(Access::Client),
            "idempotency_key=k&form_id=0".into(),
        ),
        (
            "/api/files/upload",
            Is(Access::Client),
            common::multipart("kyc", "x.txt", b"not a document"),
        ),
        (
            "/api/approvals/counts",
            Is(Access::Staff(RequestsView)),
            String::new(),
        ),
        (
            "/api/approvals/list",
            Is(Access::Staff(RequestsView)),
            format!("kind=&mine=false&{Q}"),
        ),
        (
            "/api/approvals/detail",
            Is(Access::Staff(RequestsView)),
            "id=0".into(),
        ),
        (
            "/api/approvals/approve",
            Is(Access::Staff(RequestsDecide)),
            "id=0&level=1&comment=".into(),
        ),
        (
            "/api/approvals/reject",
            Is(Access::Staff(RequestsDecide)),
            "id=0&reason=x".into(),
        ),
        (
            "/api/approvals/edit-amount",
            Is(Access::Staff(RequestsDecide)),
            "id=0&amount=1&comment=".into(),
        ),
        (
            "/api/approvals/payment-status",
            Is(Access::Staff(RequestsDecide)),
            "id=0&status=success&comment=".into(),
        ),
        ("/api/wallets/list", Is(Access::Staff(FundsView)), Q.into()),
        (
            "/api/wallets/client",
            Is(Access::Staff(FundsView)),
            "user_id=0".into(),
        ),
        (
            "/api/wallets/adjust",
            Is(Access::Staff(FundsAdjust)),
            "idempotency_key=k&user_id=0&currency=USD&direction=deposit&amount=0&comment=".into(),
        ),
        (
            "/api/wallets/transactions",
            Is(Access::Staff(FundsView)),
            Q.into(),
        ),
        (
            "/api/settings/approvals",
            Is(Access::Staff(RequestsView)),
            String::new(),
        ),
        (
            "/api/settings/approvals/save",
            Is(Access::Staff(SettingsManage)),
            "kind=nope&method=manual&threshold=".into(),
        ),
        (
            "/api/settings/groups",
            Is(Access::Staff(SettingsManage)),
            String::new(),
        ),
        (
            "/api/settings/groups/save",
            Is(Access::Staff(SettingsManage)),
            "name=&description=&is_default=false".into(),
        ),
        (
            "/api/settings/groups/assign",
            Is(Access::Staff(SettingsManage)),
            "user_id=0&group_id=0".into(),
        ),
        (
            "/api/settings/methods",
            Is(Access::Staff(SettingsManage)),
            String::new(),
        ),
        (
            "/api/settings/methods/save",
            Is(Access::Staff(SettingsManage)),
            "method[id]=0&method[direction]=x&method[kind]=x&method[name]=&method[currency]=USD&method[min]=&method[max]=&method[fee_bps]=0&method[fee_fixed]=&method[fee_cap]=&method[instructions]=&method[enabled]=true".into(),
        ),
        (
            "/api/settings/rates",
            Is(Access::Staff(SettingsManage)),
            String::new(),
        ),
        (
            "/api/settings/rates/save",
            Is(Access::Staff(SettingsManage)),
            "from=USD&to=USD&rate=1&group_id=0".into(),
        ),
        (
            "/api/settings/rates/delete",
            Is(Access::Staff(SettingsManage)),
            "id=0".into(),
        ),
        (
            "/api/settings/funds",
            Is(Access::Staff(SettingsManage)),
            String::new(),
        ),
        (
            "/api/settings/funds/save",
            Is(Access::Staff(SettingsManage)),
            "max_pending=0&third_party_transfers=false".into(),
        ),
        (
            "/api/settings/kyc-forms",
            Is(Access::Staff(SettingsManage)),
            String::new(),
        ),
        (
            "/api/settings/kyc-forms/save",
            Is(Access::Staff(SettingsManage)),
            "id=0&name=&description=&active=true".into(),
        ),
        ("/api/prop/challenges", Is(Access::Client), String::new()),
        (
            "/api/prop/quote",
            Is(Access::Client),
            "challenge_id=0&package_key=".into(),
        ),
        (
            "/api/prop/participate",
            Is(Access::Client),
            "idempotency_key=k&challenge_id=0&package_key=&pay_method=wallet".into(),
        ),
        ("/api/prop/mine", Is(Access::Client), String::new()),
        ("/api/prop/participant", Is(Access::Client), "id=0".into()),
        (
            "/api/prop/retry",
            Is(Access::Client),
            "idempotency_key=k&participant_id=0".into(),
        ),
        (
            "/api/prop/account/reset-password",
            Is(Access::Client),
            "participant_id=0".into(),
        ),
        ("/api/trade/quotes", Is(Access::SignedIn), String::new()),
        (
            "/api/trade/open",
            Is(Access::Client),
            "account_id=0&symbol=EURUSD&side=buy&volume=1&stop_loss=&take_profit=".into(),
        ),
        ("/api/trade/close", Is(Access::Client), "position_id=0".into()),
        (
            "/api/admin/challenges",
            Is(Access::Staff(ChallengesManage)),
            String::new(),
        ),
        (
            "/api/admin/challenge",
            Is(Access::Staff(ChallengesManage)),
            "id=0".into(),
        ),
        (
            "/api/admin/challenge/save",
            Is(Access::Staff(ChallengesManage)),
            // This one takes JSON (see `call`): a definition that parses, so the refusal is the
            // authorization's, not the decoder's.
            serde_json::json!({"id": 0, "def": ChallengeDef::example()}).to_string(),
        ),
        (
            "/api/admin/challenge/act",
            Is(Access::Staff(ChallengesManage)),
            "id=0&action=publish".into(),
        ),
        (
            "/api/admin/participants",
            Is(Access::Staff(ParticipantsView)),
            format!("{}&f[challenge]=0&f[package]=&f[stage]=0&f[data_type]=&f[ib]=0", Q.replace("query[", "q[")),
        ),
        ("/api/admin/prop/choices", Is(Access::AnyStaff), String::new()),
        (
            "/api/admin/participant/data-type",
            Is(Access::Staff(ParticipantsTag)),
            "id=0&data_type=demo".into(),
        ),
        (
            "/api/admin/participant/settle",
            Is(Access::Staff(ProfitShareSettle)),
            "id=0".into(),
        ),
        (
            "/api/admin/profit-shares",
            Is(Access::Staff(ParticipantsView)),
            format!("{}&f[challenge]=0&f[package]=&f[stage]=0&f[data_type]=&f[ib]=0", Q.replace("query[", "q[")),
        ),
        (
            "/api/admin/prop/dashboard",
            Is(Access::Staff(PropDashboard)),
            "q[challenge]=0&q[from]=&q[to]=&q[currency]=".into(),
        ),
        (
            "/api/admin/prop/fees",
            Is(Access::Staff(PropDashboard)),
            format!("{}&f[challenge]=0&f[package]=&f[stage]=0&f[data_type]=&f[ib]=0", Q.replace("query[", "q[")),
        ),
        (
            "/api/admin/alerts/feed",
            Is(Access::Staff(RiskAlertsView)),
            "since=0&source=".into(),
        ),
        (
            "/api/admin/alerts/ack",
            Is(Access::Staff(RiskAlertsView)),
            "id=0".into(),
        ),
        (
            "/api/admin/alerts/rules",
            Is(Access::Staff(RiskAlertsView)),
            String::new(),
        ),
        (
            "/api/admin/alerts/rules/save",
            Is(Access::Staff(RiskAlertsManage)),
            "id=0&name=&kind=account_profit&threshold=&min_profit=&step=&symbol=&environment=all&challenge_id=0&enabled=true".into(),
        ),
        (
            "/api/admin/alerts/rules/delete",
            Is(Access::Staff(RiskAlertsManage)),
            "id=0".into(),
        ),
        (
            "/api/admin/alerts/settings",
            Is(Access::Staff(RiskAlertsView)),
            String::new(),
        ),
        (
            "/api/admin/alerts/settings/save",
            Is(Access::Staff(RiskAlertsManage)),
            "daily_loss=50&max_loss=50&period_end_days=3".into(),
        ),
        (
            "/api/admin/participant",
            Is(Access::Staff(ParticipantsView)),
            "id=0".into(),
        ),
        (
            "/api/admin/participant/advance",
            Is(Access::Staff(ParticipantsAdvance)),
            "id=0&comment=".into(),
        ),
        (
            "/api/admin/sim/price",
            Is(Access::Staff(PlatformManage)),
            "symbol=EURUSD&price=&running=false".into(),
        ),
        (
            "/api/admin/sim/advance-day",
            Is(Access::Staff(PlatformManage)),
            String::new(),
        ),
        (
            "/api/admin/sim/status",
            Is(Access::Staff(PlatformManage)),
            String::new(),
        ),
        (
            "/api/admin/servers",
            Is(Access::Staff(PlatformManage)),
            String::new(),
        ),
        (
            "/api/admin/servers/choices",
            Is(Access::Staff(ChallengesManage)),
            String::new(),
        ),
        (
            "/api/admin/servers/save",
            Is(Access::Staff(PlatformManage)),
            "form[id]=0".into(),
        ),
    ]
}

#[test]
fn every_server_function_is_in_the_matrix_and_has_a_readable_path() {
    let listed: std::collections::BTreeSet<String> = matrix()
        .into_iter()
        .map(|(p, _, _)| p.to_string())
        .collect();
    let registered: std::collections::BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.to_string())
        .collect();
    assert_eq!(
        listed, registered,
        "the matrix and the registered server functions differ"
    );
    for p in &registered {
        assert!(
            p.starts_with("/api/")
                && p[5..]
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '/' || c == '-'),
            "{p}"
        );
    }
}

/// The server refuses callers without a finished sign-in before it reads any argument, except on
/// the endpoints it lists as public or as sign-in steps: those lists must say what this table
/// says.
#[test]
fn the_servers_lists_of_open_endpoints_match_the_matrix() {
    use std::collections::BTreeSet;
    let rows = |want: fn(&Rule) -> bool| -> BTreeSet<&'static str> {
        matrix()
            .into_iter()
            .filter(|(_, rule, _)| want(rule))
            .map(|(p, _, _)| p)
            .collect()
    };
    let public = rows(|r| matches!(r, Rule::Is(Access::Public)));
    let steps = rows(|r| matches!(r, Rule::Session));
    let listed = |l: &[&'static str]| l.iter().copied().collect::<BTreeSet<_>>();
    assert_eq!(listed(app::api::PUBLIC_ENDPOINTS), public);
    assert_eq!(listed(app::api::SIGN_IN_STEP_ENDPOINTS), steps);
}

/// Posts a row's body: form fields as a browser's form sends them, or, for the functions that
/// take JSON (`input = Json`), a JSON object with that content type.
async fn call(c: &common::Client, path: &str, body: &str) -> common::Reply {
    if !body.starts_with('{') {
        return c.call(path, body).await;
    }
    use axum::http::{Request, header};
    let mut req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::HOST, "127.0.0.1:3000");
    if let Some(cookie) = &c.cookie {
        req = req.header(header::COOKIE, cookie);
    }
    c.send(req.body(axum::body::Body::from(body.to_string())).unwrap())
        .await
}

on_both!(
    every_endpoint_refuses_every_role_that_lacks_its_permission,
    |db| {
        // A staff role with one permission, to show that staff are scoped by permission.
        let (mut c, admin) = common::signed_in(
            &db,
            UserKind::Staff,
            "admin@example.com",
            Some("Administrator"),
        )
        .await;
        let saved = c
            .call(
                "/api/admin/roles/save",
                "name=Dashboard+only&description=&permissions[0]=dashboard.view",
            )
            .await;
        assert_eq!(saved.status, 200, "{}", saved.body);
        let callers: Vec<(
            &str,
            Option<app::server::entity::user::Model>,
            Option<Principal>,
        )> = {
            let trader = make_user(&db, UserKind::Trader, "t@example.com", None).await;
            let ib = make_user(&db, UserKind::Ib, "ib@example.com", None).await;
            let viewer = make_user(
                &db,
                UserKind::Staff,
                "viewer@example.com",
                Some("Dashboard only"),
            )
            .await;
            let p = |u: &app::server::entity::user::Model, kind, perms: PermissionSet| Principal {
                user_id: u.id,
                kind,
                permissions: perms,
                scope: app::domain::access::DataScope::Firm,
            };
            vec![
                ("anonymous", None, None),
                (
                    "trader",
                    Some(trader.clone()),
                    Some(p(&trader, UserKind::Trader, PermissionSet::default())),
                ),
                (
                    "ib",
                    Some(ib.clone()),
                    Some(p(&ib, UserKind::Ib, PermissionSet::default())),
                ),
                (
                    "dashboard-only staff",
                    Some(viewer.clone()),
                    Some(p(
                        &viewer,
                        UserKind::Staff,
                        [Permission::DashboardView].into_iter().collect(),
                    )),
                ),
                (
                    "administrator",
                    Some(admin.clone()),
                    Some(p(&admin, UserKind::Staff, PermissionSet::all())),
                ),
            ]
        };
        let mut refusals = 0;
        for (path, rule, body) in matrix() {
            for (who, user, principal) in &callers {
                // A fresh session per call: some calls (sign-out) end the session they use.
                c.cookie = match user {
                    Some(u) => Some(common::cookie_for(&db, u).await),
                    None => None,
                };
                let r = call(&c, path, &body).await;
                let expected = match rule {
                    Rule::Is(a) => access::check(principal.as_ref(), a),
                    Rule::Session if principal.is_none() => Err(access::Denial::Unauthenticated),
                    Rule::Session => continue,
                };
                match expected {
                    Err(access::Denial::Unauthenticated) => {
                        assert_eq!(r.status, 401, "{path} as {who}: {}", r.body)
                    }
                    Err(access::Denial::Forbidden) => {
                        assert_eq!(r.status, 403, "{path} as {who}: {}", r.body)
                    }
                    Ok(()) => assert!(
                        ![401, 403].contains(&r.status.as_u16()),
                        "{path} as {who} was refused: {} {}",
                        r.status,
                        r.body
                    ),
                }
                if expected.is_err() {
                    refusals += 1;
                }
            }
        }
        assert!(
            refusals > 40,
            "the matrix exercised only {refusals} refusals"
        );
    }
);
