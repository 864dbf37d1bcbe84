//! Trading competitions: staff set them up, watch and suspend entrants, end and pay them;
//! clients see those open to their group, join, and follow the board.
use crate::api::area_fn;
use crate::error::AppError;
use crate::model::{Board, CompetitionDesk, CompetitionForm, CompetitionRow, GroupDto};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::competitions::{board, entries, manage, results};

area_fn!(competitions, "competitions", () -> Vec<CompetitionRow>,
    Access::Staff(Permission::CompetitionsManage),
    |_me, st, _from| manage::list(&st.db));

area_fn!(
    /// Creates (`form[id]=0`) or changes a competition; answers its id.
    save_competition, "competitions/save", (form: CompetitionForm) -> i64,
    Access::Staff(Permission::CompetitionsManage),
    |me, st, from| manage::save(&st.db, me.user_id, form, &from));

area_fn!(
/// A competition's figures and every entrant.
competition_overview, "competitions/desk", (id: i64) -> CompetitionDesk,
Access::Staff(Permission::CompetitionsManage),
|me, st, _from| async move {
    let mut desk = manage::desk(&st.db, id).await?;
    identity::scope::mask_for(&me, &mut desk.entrants);
    Ok(desk)
});

area_fn!(
    /// The board with entrants' full names.
    staff_board, "competitions/board/staff", (id: i64) -> Board,
    Access::Staff(Permission::CompetitionsManage),
    |_me, st, _from| board::board(&st.db, id, None));

area_fn!(
    /// Suspends an entrant (the reason is shown to them) or lets them back.
    suspend_entrant, "competitions/suspend", (entry: i64, suspended: bool, #[server(default)] reason: String) -> (),
    Access::Staff(Permission::CompetitionsManage),
    |me, st, from| entries::suspend(&st.db, me.user_id, entry, suspended, &reason, &from));

area_fn!(
    /// Ends trading now: the final ranks are fixed (and prizes paid when automatic).
    end_competition, "competitions/end", (id: i64) -> (),
    Access::Staff(Permission::CompetitionsManage),
    |me, st, from| results::end_now(&st.db, me.user_id, id, &from));

area_fn!(
    /// Pays the prizes of a settled competition that waits for review; answers how many.
    pay_competition, "competitions/pay", (id: i64) -> usize,
    Access::Staff(Permission::CompetitionsManage),
    |me, st, from| results::release(&st.db, me.user_id, id, &from));

area_fn!(
    /// The client groups a competition may admit.
    competition_groups, "competitions/groups", () -> Vec<GroupDto>,
    Access::Staff(Permission::CompetitionsManage),
    |_me, st, _from| settings::groups(&st.db));

area_fn!(
    /// The competitions open to the caller's group, and those they joined.
    open_competitions, "competitions/open", () -> Vec<CompetitionRow>, Access::Client,
    |me, st, _from| manage::for_client(&st.db, me.user_id));

area_fn!(
    /// The board as the caller sees it (names masked), with their own entry.
    competition_board, "competitions/board", (id: i64) -> Board, Access::Client,
    |me, st, _from| board::board(&st.db, id, Some(me.user_id)));

area_fn!(
    /// Joins, paying the fee (less the promo code's discount) from the wallet; answers the
    /// entry's id.
    join_competition, "competitions/join", (id: i64, #[server(default)] promo_code: String) -> i64,
    Access::Client,
    |me, st, from| entries::join(&st.db, me.user_id, id, &promo_code, &from));
