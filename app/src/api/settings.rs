//! Firm settings: approval methods and levels, client groups, payment and withdrawal methods,
//! exchange rates, money limits and the KYC policy, KYC forms.
use crate::error::AppError;
use crate::model::{
    ApprovalSettingDto, FundsSettings, GroupDto, KycFormDto, KycItem, LevelDto, MethodDto, RateDto,
};
use leptos::prelude::*;

/// A staff-only server function: authorize with the permission, then run the service call.
macro_rules! settings_fn {
    ($(#[$m:meta])* $name:ident, $endpoint:literal, ($($(#[$am:meta])* $arg:ident: $ty:ty),*) -> $ret:ty, $perm:ident, |$me:ident, $db:ident| $body:expr) => {
        $(#[$m])*
        #[server(endpoint = $endpoint)]
        pub async fn $name($($(#[$am])* $arg: $ty),*) -> Result<$ret, AppError> {
            use crate::domain::{access::Access, permission::Permission};
            use crate::api::ctx;
            #[allow(unused_imports)]
            use crate::server::{settings, state, identity::kyc};
            ctx::serve(Access::Staff(Permission::$perm), |$me| async move {
                let $db = &state()?.db;
                $body.await
            })
            .await
        }
    };
}

settings_fn!(approval_settings, "settings/approvals", () -> Vec<ApprovalSettingDto>, RequestsView,
    |_me, db| settings::approval_settings(db));

settings_fn!(
    /// Sets how one request kind is decided: method, partial threshold and ordered levels.
    save_approval_setting, "settings/approvals/save",
    (kind: String, method: String, threshold: String, #[server(default)] levels: Vec<LevelDto>) -> (),
    SettingsManage,
    |me, db| settings::save_approval_setting(db, me.user_id, &kind, &method, &threshold, levels));

settings_fn!(list_groups, "settings/groups", () -> Vec<GroupDto>, SettingsManage,
    |_me, db| settings::groups(db));

settings_fn!(save_group, "settings/groups/save",
(id: Option<i64>, name: String, description: String, is_default: bool,
 #[server(default)] visible_levels: String, #[server(default)] report_months: String) -> i64,
SettingsManage,
|me, db| settings::save_group(db, me.user_id, id, settings::GroupForm {
    name: &name,
    description: &description,
    is_default,
    visible_levels: &visible_levels,
    report_months: &report_months,
}));

settings_fn!(
/// Moves a client into a client group.
assign_group, "settings/groups/assign",
(user_id: i64, group_id: i64) -> (), SettingsManage,
|me, db| async move {
    crate::server::identity::scope::Scope::of(db, &me).await?.check(db, user_id).await?;
    settings::assign_group(db, me.user_id, user_id, group_id).await
});

settings_fn!(security_settings, "settings/security", () -> crate::domain::security::SecuritySettings, SettingsManage,
    |_me, db| settings::security::security(db));

settings_fn!(
    /// Session limits, the lockout, verified sign-up and the unfamiliar sign-in alert (new
    /// limits apply from each user's next sign-in).
    save_security_settings, "settings/security/save",
    (s: crate::domain::security::SecuritySettings) -> (), SettingsManage,
    |me, db| settings::security::save_security(db, me.user_id, s));

settings_fn!(list_blacklist, "settings/blacklist", () -> Vec<crate::model::BlacklistRow>, SettingsManage,
    |_me, db| settings::security::blacklist(db));

settings_fn!(
    /// Lists an email (or `@domain`), an IP address (or network) or a country.
    add_blacklist, "settings/blacklist/add",
    (kind: String, value: String, #[server(default)] note: String) -> i64, SettingsManage,
    |me, db| settings::security::block(db, me.user_id, &kind, &value, &note));

settings_fn!(remove_blacklist, "settings/blacklist/remove", (id: i64) -> (), SettingsManage,
    |me, db| settings::security::unblock(db, me.user_id, id));

settings_fn!(
    /// Imports `kind,value[,note]` rows of CSV text.
    import_blacklist, "settings/blacklist/import",
    (csv: String) -> crate::model::ImportResult, SettingsManage,
    |me, db| settings::security::import(db, me.user_id, &csv));

settings_fn!(list_methods, "settings/methods", () -> Vec<MethodDto>, SettingsManage,
    |_me, db| settings::methods(db));

settings_fn!(
    /// Creates (`id` 0) or updates a deposit or withdrawal method.
    save_method, "settings/methods/save",
    (method: MethodDto) -> i64, SettingsManage,
    |me, db| settings::save_method(db, me.user_id, method));

settings_fn!(list_rates, "settings/rates", () -> Vec<RateDto>, SettingsManage,
    |_me, db| settings::rates(db));

settings_fn!(save_rate, "settings/rates/save",
    (from: String, to: String, rate: String, group_id: i64) -> (), SettingsManage,
    |me, db| settings::save_rate(db, me.user_id, &from, &to, &rate, group_id));

settings_fn!(delete_rate, "settings/rates/delete", (id: i64) -> (), SettingsManage,
    |me, db| settings::delete_rate(db, me.user_id, id));

settings_fn!(get_funds_settings, "settings/funds", () -> FundsSettings, SettingsManage,
    |_me, db| settings::funds_settings(db));

settings_fn!(save_funds_settings, "settings/funds/save",
    (#[server(default)] kyc_policy: Vec<String>, max_pending: u32, third_party_transfers: bool) -> (),
    SettingsManage,
    |me, db| settings::save_funds_settings(db, me.user_id, FundsSettings { kyc_policy, max_pending, third_party_transfers }));

settings_fn!(list_kyc_forms, "settings/kyc-forms", () -> Vec<KycFormDto>, SettingsManage,
    |_me, db| kyc::forms(db, false));

settings_fn!(
    /// Creates (`id` 0) or updates a KYC form.
    save_kyc_form, "settings/kyc-forms/save",
    (id: i64, name: String, description: String, #[server(default)] fields: Vec<KycItem>,
     #[server(default)] documents: Vec<KycItem>, active: bool) -> i64,
    SettingsManage,
    |me, db| kyc::save_form(db, me.user_id, KycFormDto { id, name, description, fields, documents, active }));
