//! The IB programme's figure on the prop dashboard: the fee commissions paid on the scope's
//! challenges (reversals subtract), on the day of their fee.
use super::commissions::status;
use crate::server::prop::dashboard::Scope;

crate::register_dashboard_figure!("ib.dash_commissions", |db, scope: &Scope| {
    Box::pin(async move {
        let head = format!(
            "SELECT fc.challenge_id, fc.currency, CAST(SUM(fc.amount_minor) AS BIGINT) AS amount \
             FROM fee_commission fc JOIN participant p ON p.id = fc.participant_id \
             WHERE fc.status IN ('{}', '{}')",
            status::PAID,
            status::REVERSED
        );
        scope
            .sums(
                db,
                "fc.created_at",
                &head,
                "GROUP BY fc.challenge_id, fc.currency",
            )
            .await
    })
});
