//! The translation tables, one per area or key group: (key, English, Spanish). Compiled into
//! the server only; the browser loads one language's table from it (`super::table_url`).
mod approvals;
mod challenges;
mod competitions;
mod crm;
mod errors;
mod frame;
mod ib;
mod identity;
mod messages;
mod money;
mod offers;
mod prop;
mod settings;
mod support;
mod trading;

/// Every table, one per area or key group.
pub(super) fn all_strings()
-> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    errors::ERRORS
        .iter()
        .chain(frame::FRAME)
        .chain(identity::IDENTITY)
        .chain(crm::CRM)
        .chain(approvals::APPROVALS)
        .chain(money::MONEY)
        .chain(settings::SETTINGS)
        .chain(ib::IB)
        .chain(offers::OFFERS)
        .chain(messages::MESSAGES)
        .chain(prop::PROP)
        .chain(support::SUPPORT)
        .chain(competitions::COMPETITIONS)
        .chain(challenges::CHALLENGES)
        .chain(trading::TRADING)
}
