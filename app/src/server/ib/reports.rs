//! What an IB reads of their business (their tree, its money and challenges, their
//! commissions, their downlines' requests, their prop statistics) and the back office's Fee
//! Commission Report. An IB never sees a client outside their tree; their client group caps
//! the levels they see in full and how far back their reports reach.
use super::commissions::status;
use crate::domain::approval::{RequestKind, RequestStatus};
use crate::domain::bps::Bps;
use crate::domain::ib::level_visible;
use crate::domain::money::Money;
use crate::domain::participant::ParticipantStatus;
use crate::error::AppError;
use crate::model::{
    ClientReportRow, CommissionPeriod, CommissionReport, CommissionRow, CommissionTotal,
    DownlineRow, IbPropStats, ListQuery, Page, RequestRow,
};
use crate::server::approvals;
use crate::server::entity::{
    client_group, commission_day, fee_commission, participant, participation_fee, profit_share,
    profit_share_part, rank_tier, referral_path, request, user,
};
use crate::server::identity::scope::Scope as Clients;
use crate::server::infra::list;
use crate::server::prop::tree_stats;
use crate::server::settings;
use chrono::{DateTime, Months, Utc};
use sea_orm::sea_query::{Expr, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};
use std::collections::{BTreeMap, HashMap};

/// What an IB may see: levels in full (None: all), and the earliest date of their reports.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    pub ib: i64,
    pub visible: Option<i32>,
    pub since: Option<DateTime<Utc>>,
}

pub async fn scope(db: &impl ConnectionTrait, ib: i64) -> Result<Scope, AppError> {
    let group = user::Entity::find_by_id(ib)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?
        .group_id;
    let (visible, months) = settings::ib_limits(db, group).await?;
    let since =
        months.and_then(|m| Utc::now().checked_sub_months(Months::new(Ord::max(m, 0) as u32)));
    Ok(Scope { ib, visible, since })
}

/// The ids of the IB's downlines they see in full, as a subquery.
fn visible_downlines(s: &Scope) -> SelectStatement {
    let mut q = Query::select()
        .column(referral_path::Column::DescendantId)
        .from(referral_path::Entity)
        .and_where(Expr::col(referral_path::Column::AncestorId).eq(s.ib))
        .to_owned();
    if let Some(v) = s.visible {
        q.and_where(Expr::col(referral_path::Column::Depth).lte(v));
    }
    q
}

/// The report's date range within the scope's reach.
fn range(q: &ListQuery, s: Option<&Scope>) -> Result<list::Range, AppError> {
    let (from, to) = list::date_range(q)?;
    let floor = s.and_then(|s| s.since);
    Ok((Ord::max(from, floor), to))
}

fn name(u: &user::Model) -> String {
    format!("{} {}", u.first_name, u.last_name)
}

fn sums(by_cur: BTreeMap<String, i64>) -> Vec<Money> {
    by_cur
        .into_iter()
        .filter_map(|(c, m)| Money::of(m, &c))
        .collect()
}

/// The IB's tree, nearest levels first. `parent` limits it to one client's direct clients
/// (the tree view opening a node); a parent outside the tree is "not found". `q.filter` may
/// name one level; the search finds only clients the IB sees in full.
pub async fn downlines(
    db: &impl ConnectionTrait,
    s: &Scope,
    q: &ListQuery,
    parent: Option<i64>,
    paged: bool,
) -> Result<Page<DownlineRow>, AppError> {
    use referral_path::Column as P;
    let mut select = referral_path::Entity::find().filter(P::AncestorId.eq(s.ib));
    if let Some(parent) = parent.filter(|p| *p != s.ib) {
        let d = crate::server::identity::referrals::depth_below(db, s.ib, parent)
            .await?
            .ok_or(AppError::NotFound)?;
        select = select.filter(P::Depth.eq(d + 1)).filter(
            P::DescendantId.in_subquery(
                Query::select()
                    .column(P::DescendantId)
                    .from(referral_path::Entity)
                    .and_where(Expr::col(P::AncestorId).eq(parent))
                    .and_where(Expr::col(P::Depth).eq(1))
                    .to_owned(),
            ),
        );
    } else if parent.is_some() {
        select = select.filter(P::Depth.eq(1));
    }
    if !q.filter.is_empty() {
        let level: i32 = q
            .filter
            .parse()
            .ok()
            .filter(|l| *l >= 1)
            .ok_or_else(|| AppError::field("filter", "err.filter_invalid"))?;
        select = select.filter(P::Depth.eq(level));
    }
    if let Some(ids) = list::users_matching(db, &q.q).await? {
        select = select.filter(P::DescendantId.is_in(ids));
        if let Some(v) = s.visible {
            select = select.filter(P::Depth.lte(v));
        }
    }
    select = match (q.sort.as_str(), q.desc) {
        ("joined", false) => select.order_by_asc(P::DescendantId),
        ("joined", true) => select.order_by_desc(P::DescendantId),
        (_, true) => select.order_by_desc(P::Depth).order_by_asc(P::DescendantId),
        (_, false) => select.order_by_asc(P::Depth).order_by_asc(P::DescendantId),
    };
    let (paths, total) = list::fetch(db, select, q, paged).await?;
    let ids: Vec<i64> = paths.iter().map(|p| p.descendant_id).collect();
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let groups: HashMap<i64, String> = client_group::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let direct: HashMap<i64, i64> = referral_path::Entity::find()
        .select_only()
        .column(P::AncestorId)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(P::AncestorId.is_in(ids))
        .filter(P::Depth.eq(1))
        .group_by(P::AncestorId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let rows = paths
        .iter()
        .filter_map(|p| {
            let u = users.get(&p.descendant_id)?;
            let visible = level_visible(s.visible, p.depth);
            Some(DownlineRow {
                id: u.id,
                level: p.depth,
                upline_id: u.referrer_id,
                visible,
                name: if visible { name(u) } else { String::new() },
                email: if visible {
                    u.email.clone()
                } else {
                    String::new()
                },
                is_ib: u.kind == crate::domain::access::UserKind::Ib,
                group: if visible {
                    u.group_id
                        .and_then(|g| groups.get(&g).cloned())
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                kyc: visible.then_some(u.kyc_status),
                joined: u.created_at.format("%Y-%m-%d").to_string(),
                direct: direct.get(&u.id).copied().unwrap_or(0) as u64,
            })
        })
        .collect();
    Ok(list::page(rows, total, q, paged))
}

/// Whose commissions a report lists.
#[derive(Clone, Copy, Debug)]
pub enum Whose<'a> {
    /// One IB's (their Commission page), within their scope.
    Ib(&'a Scope),
    /// Everyone's (the back office), optionally one challenge's: the fees of the clients in
    /// the staff member's data scope.
    All {
        challenge: i64,
        clients: &'a Clients,
    },
}

/// Fee commissions with their totals (of everything the filter keeps) and sums by day and
/// month. `q.filter` may name a structure; `q.q` searches recipients (the back office) or
/// clients (an IB).
pub async fn commissions(
    db: &impl ConnectionTrait,
    whose: Whose<'_>,
    q: &ListQuery,
    paged: bool,
) -> Result<CommissionReport, AppError> {
    use fee_commission::Column as C;
    let mut select = fee_commission::Entity::find();
    let scope = match whose {
        Whose::Ib(s) => {
            select = select.filter(C::RecipientId.eq(s.ib));
            Some(s)
        }
        Whose::All { challenge, clients } => {
            if challenge < 0 {
                return Err(AppError::field("challenge", "err.filter_invalid"));
            }
            if challenge > 0 {
                select = select.filter(C::ChallengeId.eq(challenge));
            }
            select = clients.restrict(select, C::BuyerId);
            None
        }
    };
    if !q.filter.is_empty() {
        let s = crate::domain::ib::Structure::parse(&q.filter)
            .ok_or_else(|| AppError::field("filter", "err.filter_invalid"))?;
        select = select.filter(C::Structure.eq(s));
    }
    if let Some(ids) = list::users_matching(db, &q.q).await? {
        select = select.filter(match whose {
            Whose::Ib(_) => C::BuyerId.is_in(ids),
            Whose::All { .. } => C::RecipientId.is_in(ids),
        });
    }
    let (from, to) = range(q, scope)?;
    if let Some(t) = from {
        select = select.filter(C::CreatedAt.gte(t));
    }
    if let Some(t) = to {
        select = select.filter(C::CreatedAt.lt(t));
    }
    // Per day and currency: (commissions, fees before discount, fees paid).
    // The rollup holds the whole firm's sums: a data scope needs the rows.
    let whole_firm = match whose {
        Whose::Ib(_) => true,
        Whose::All { clients, .. } => clients.is_firm(),
    };
    let days = if q.filter.is_empty() && q.q.trim().is_empty() && whole_firm {
        daily_from_rollup(db, whose, from, to).await?
    } else {
        daily_from_rows(db, whose, select.clone()).await?
    };
    let mut totals: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    let mut by_day: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut by_month: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (day, cur, amount, list, paid) in days {
        let t = totals.entry(cur.clone()).or_default();
        t.0 += amount;
        t.1 += list;
        t.2 += paid;
        *by_month
            .entry((day.chars().take(7).collect(), cur.clone()))
            .or_default() += amount;
        *by_day.entry((day, cur)).or_default() += amount;
    }
    let periods = |m: BTreeMap<(String, String), i64>| {
        m.into_iter()
            .filter_map(|((period, cur), a)| {
                Some(CommissionPeriod {
                    period,
                    amount: Money::of(a, &cur)?,
                })
            })
            .collect::<Vec<_>>()
    };
    // Newest first by time, then id: the indexes on (recipient or challenge, created_at) give
    // the first page without sorting every row.
    select = match (q.sort.as_str(), q.desc) {
        ("amount", true) => select.order_by_desc(C::AmountMinor),
        ("amount", false) => select.order_by_asc(C::AmountMinor),
        (_, false) => select.order_by_asc(C::CreatedAt).order_by_asc(C::Id),
        (_, true) => select.order_by_desc(C::CreatedAt).order_by_desc(C::Id),
    };
    let (found, total) = list::fetch(db, select, q, paged).await?;
    let rows = commission_rows(db, found, scope).await?;
    Ok(CommissionReport {
        page: list::page(rows, total, q, paged),
        totals: totals
            .into_iter()
            .filter_map(|(cur, (amount, list_sum, paid_sum))| {
                Some(CommissionTotal {
                    fees_before_discount: Money::of(list_sum, &cur)?,
                    fees_paid: Money::of(paid_sum, &cur)?,
                    commissions: Money::of(amount, &cur)?,
                })
            })
            .collect(),
        by_day: periods(by_day),
        by_month: periods(by_month),
    })
}

/// One day's sums in a currency: (day, currency, commissions, fees before discount, fees paid).
type DaySums = Vec<(String, String, i64, i64, i64)>;

/// The daily sums kept as commissions are paid (`commission_day`): the whole report's totals
/// without reading its rows.
async fn daily_from_rollup(
    db: &impl ConnectionTrait,
    whose: Whose<'_>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> Result<DaySums, AppError> {
    use commission_day::Column as D;
    let mut q = commission_day::Entity::find()
        .select_only()
        .column(D::Day)
        .column(D::Currency)
        .column_as(Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"), "amount")
        .column_as(Expr::cust("CAST(SUM(fees_list_minor) AS BIGINT)"), "list")
        .column_as(Expr::cust("CAST(SUM(fees_paid_minor) AS BIGINT)"), "paid");
    q = match whose {
        Whose::Ib(s) => q.filter(D::RecipientId.eq(s.ib)),
        Whose::All { challenge, .. } => {
            let q = q.filter(D::RecipientId.eq(0i64));
            if challenge > 0 {
                q.filter(D::ChallengeId.eq(challenge))
            } else {
                q
            }
        }
    };
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    if let Some(t) = from {
        q = q.filter(D::Day.gte(day(t)));
    }
    if let Some(t) = to {
        q = q.filter(D::Day.lt(day(t)));
    }
    Ok(q.group_by(D::Day)
        .group_by(D::Currency)
        .into_tuple()
        .all(db)
        .await?)
}

/// The daily sums of the rows a filter keeps (by structure or person, which the daily sums do
/// not split by): paid and reversed rows, a fee once per recipient (or once, for everyone's).
async fn daily_from_rows(
    db: &impl ConnectionTrait,
    whose: Whose<'_>,
    select: sea_orm::Select<fee_commission::Entity>,
) -> Result<DaySums, AppError> {
    use fee_commission::Column as C;
    let first_of_fee = match whose {
        Whose::Ib(_) => "fc2.recipient_id = fee_commission.recipient_id AND ",
        Whose::All { .. } => "",
    };
    let once = |col: &str| {
        format!(
            "CAST(SUM(CASE WHEN amount_minor > 0 AND id = (SELECT MIN(fc2.id) FROM fee_commission fc2 \
             WHERE {first_of_fee}fc2.fee_id = fee_commission.fee_id AND fc2.amount_minor > 0 \
             AND fc2.status IN ('paid', 'reversed')) THEN {col} ELSE 0 END) AS BIGINT)"
        )
    };
    let day_expr = crate::server::infra::db::utc_day(db.get_database_backend(), "created_at");
    Ok(select
        .filter(C::Status.is_in([status::PAID, status::REVERSED]))
        .select_only()
        .column_as(Expr::cust(day_expr.clone()), "day")
        .column(C::Currency)
        .column_as(Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"), "amount")
        .column_as(Expr::cust(once("fee_list_minor")), "list")
        .column_as(Expr::cust(once("fee_paid_minor")), "paid")
        .group_by(Expr::cust(day_expr))
        .group_by(C::Currency)
        .into_tuple()
        .all(db)
        .await?)
}

async fn commission_rows(
    db: &impl ConnectionTrait,
    found: Vec<fee_commission::Model>,
    scope: Option<&Scope>,
) -> Result<Vec<CommissionRow>, AppError> {
    let mut ids: Vec<i64> = found.iter().map(|c| c.buyer_id).collect();
    ids.extend(found.iter().map(|c| c.recipient_id));
    let users: HashMap<i64, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let challenges: HashMap<i64, String> = participant::Entity::find()
        .select_only()
        .column(participant::Column::ChallengeId)
        .column(participant::Column::ChallengeName)
        .filter(participant::Column::Id.is_in(found.iter().map(|c| c.participant_id)))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let tiers: HashMap<i64, String> = rank_tier::Entity::find()
        .filter(rank_tier::Column::Id.is_in(found.iter().filter_map(|c| c.tier_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    Ok(found
        .into_iter()
        .filter_map(|c| {
            let money = |m: i64| Money::of(m, &c.currency);
            // The level counts from the buyer, so the buyer is `level` below the recipient.
            let shown = scope.is_none_or(|s| level_visible(s.visible, c.level));
            Some(CommissionRow {
                id: c.id,
                at: c.created_at.format("%Y-%m-%d %H:%M").to_string(),
                recipient_id: c.recipient_id,
                recipient: users.get(&c.recipient_id).map(name).unwrap_or_default(),
                client: if shown {
                    users.get(&c.buyer_id).map(name).unwrap_or_default()
                } else {
                    String::new()
                },
                challenge: challenges.get(&c.challenge_id).cloned().unwrap_or_default(),
                structure: c.structure,
                level: c.level,
                tier: c
                    .tier_id
                    .and_then(|t| tiers.get(&t).cloned())
                    .unwrap_or_default(),
                fee_before_discount: money(c.fee_list_minor)?,
                fee_paid: money(c.fee_paid_minor)?,
                amount: money(c.amount_minor)?,
                status: c.status,
            })
        })
        .collect())
}

/// Each downline the IB sees in full, with their deposits, withdrawals and challenges within
/// the report range.
pub async fn client_report(
    db: &impl ConnectionTrait,
    s: &Scope,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<ClientReportRow>, AppError> {
    let visible = ListQuery {
        filter: q.filter.clone(),
        ..q.clone()
    };
    let mut tree = downlines(db, s, &visible, None, paged).await?;
    tree.rows.retain(|r| r.visible);
    let ids: Vec<i64> = tree.rows.iter().map(|r| r.id).collect();
    let (from, to) = range(q, Some(s))?;
    let mut money: HashMap<(i64, RequestKind), BTreeMap<String, i64>> = HashMap::new();
    let mut reqs = request::Entity::find()
        .select_only()
        .column(request::Column::UserId)
        .column(request::Column::Kind)
        .column(request::Column::Currency)
        .column_as(Expr::cust("CAST(SUM(amount_minor) AS BIGINT)"), "sum")
        .filter(request::Column::UserId.is_in(ids.clone()))
        .filter(
            request::Column::Kind
                .is_in([RequestKind::Deposit, RequestKind::Withdrawal].map(|k| k.as_str())),
        )
        .filter(request::Column::Status.eq(RequestStatus::Approved.as_str()));
    if let Some(t) = from {
        reqs = reqs.filter(request::Column::CreatedAt.gte(t));
    }
    if let Some(t) = to {
        reqs = reqs.filter(request::Column::CreatedAt.lt(t));
    }
    for (u, kind, cur, sum) in reqs
        .group_by(request::Column::UserId)
        .group_by(request::Column::Kind)
        .group_by(request::Column::Currency)
        .into_tuple::<(i64, RequestKind, Option<String>, Option<i64>)>()
        .all(db)
        .await?
    {
        if let Some(cur) = cur {
            *money.entry((u, kind)).or_default().entry(cur).or_default() += sum.unwrap_or(0);
        }
    }
    let mut fees: HashMap<i64, (u64, BTreeMap<String, i64>)> = HashMap::new();
    let mut f = participation_fee::Entity::find()
        .filter(participation_fee::Column::UserId.is_in(ids.clone()))
        .filter(participation_fee::Column::Kind.eq("fee"));
    if let Some(t) = from {
        f = f.filter(participation_fee::Column::CreatedAt.gte(t));
    }
    if let Some(t) = to {
        f = f.filter(participation_fee::Column::CreatedAt.lt(t));
    }
    for fee in f.all(db).await? {
        let e = fees.entry(fee.user_id).or_default();
        e.0 += 1;
        *e.1.entry(fee.currency).or_default() += fee.amount_minor;
    }
    let mut statuses: HashMap<i64, BTreeMap<ParticipantStatus, u64>> = HashMap::new();
    for (u, st) in participant::Entity::find()
        .select_only()
        .column(participant::Column::UserId)
        .column(participant::Column::Status)
        .filter(participant::Column::UserId.is_in(ids))
        .into_tuple::<(i64, ParticipantStatus)>()
        .all(db)
        .await?
    {
        *statuses.entry(u).or_default().entry(st).or_default() += 1;
    }
    let rows = tree
        .rows
        .into_iter()
        .map(|r| {
            let (purchases, fee_sums) = fees.remove(&r.id).unwrap_or_default();
            ClientReportRow {
                deposits: sums(
                    money
                        .remove(&(r.id, RequestKind::Deposit))
                        .unwrap_or_default(),
                ),
                withdrawals: sums(
                    money
                        .remove(&(r.id, RequestKind::Withdrawal))
                        .unwrap_or_default(),
                ),
                purchases,
                fees: sums(fee_sums),
                statuses: statuses
                    .remove(&r.id)
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
                id: r.id,
                level: r.level,
                name: r.name,
            }
        })
        .collect();
    Ok(Page {
        rows,
        total: tree.total,
        page: tree.page,
        per_page: tree.per_page,
    })
}

/// The requests of the downlines the IB sees in full, read-only.
pub async fn client_requests(
    db: &impl ConnectionTrait,
    s: &Scope,
    q: &ListQuery,
    paged: bool,
) -> Result<Page<RequestRow>, AppError> {
    let (from, _) = range(q, Some(s))?;
    approvals::list_for_users(db, visible_downlines(s), from, q, paged).await
}

/// The IB's prop trading statistics over the period (`q.from`, `q.to`): their whole tree's
/// participants bought in it (figures only, nobody named) and fees paid in it, kept per upline
/// by the prop area, beside the IB's own commissions and profit shares. A tree of 100,000
/// clients is never read.
///
/// The pass rate is the share of decided evaluations that were passed: a participant on a
/// live account, waiting for it or completed passed; one that failed on a demo account failed.
pub async fn prop_stats(
    db: &impl ConnectionTrait,
    s: &Scope,
    q: &ListQuery,
) -> Result<IbPropStats, AppError> {
    use ParticipantStatus as S;
    let (from, to) = range(q, Some(s))?;
    let tree = tree_stats::under(db, s.ib, from, to).await?;
    let mut by_status: BTreeMap<ParticipantStatus, u64> = BTreeMap::new();
    let mut by_stage: BTreeMap<i32, u64> = BTreeMap::new();
    let (mut funded, mut passed, mut failed) = (0, 0, 0);
    for (&(status, stage, live), &n) in &tree.participants {
        *by_status.entry(status).or_default() += n;
        *by_stage.entry(stage + 1).or_default() += n;
        if live && status == S::InProgress {
            funded += n;
        }
        if live || matches!(status, S::PendingLive | S::Completed) {
            passed += n;
        } else if status == S::Failed {
            failed += n;
        }
    }
    let mine = ListQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        ..Default::default()
    };
    let report = commissions(db, Whose::Ib(s), &mine, true).await?;
    let mut paid = profit_share::Entity::find()
        .select_only()
        .column(profit_share::Column::Id)
        .filter(profit_share::Column::Status.eq("paid"));
    if let Some(t) = from {
        paid = paid.filter(profit_share::Column::CreatedAt.gte(t));
    }
    if let Some(t) = to {
        paid = paid.filter(profit_share::Column::CreatedAt.lt(t));
    }
    let parts: Vec<(i64, i64)> = profit_share_part::Entity::find()
        .select_only()
        .column(profit_share_part::Column::ProfitShareId)
        .column(profit_share_part::Column::AmountMinor)
        .filter(profit_share_part::Column::UserId.eq(s.ib))
        .filter(profit_share_part::Column::Recipient.eq("referrer"))
        .filter(profit_share_part::Column::ProfitShareId.in_subquery(paid.into_query()))
        .into_tuple()
        .all(db)
        .await?;
    let currencies: HashMap<i64, String> = profit_share::Entity::find()
        .select_only()
        .column(profit_share::Column::Id)
        .column(profit_share::Column::Currency)
        .filter(profit_share::Column::Id.is_in(parts.iter().map(|(id, _)| *id)))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut profit_shares: BTreeMap<String, i64> = BTreeMap::new();
    for (share, amount) in parts {
        if let Some(c) = currencies.get(&share) {
            *profit_shares.entry(c.clone()).or_default() += amount;
        }
    }
    Ok(IbPropStats {
        participants: by_status.values().sum(),
        by_status: by_status.into_iter().collect(),
        by_stage: by_stage.into_iter().collect(),
        funded,
        fees: sums(tree.fees),
        commissions: report.totals.iter().map(|t| t.commissions).collect(),
        profit_shares: sums(profit_shares),
        pass_rate_bps: Bps::ratio(passed as i64, (passed + failed) as i64).map(|b| b.0),
        daily: report.by_day,
    })
}
