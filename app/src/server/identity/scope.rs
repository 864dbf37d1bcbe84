//! Data scopes: which clients a staff member sees. Every back-office list, detail, export and
//! action that shows or touches a client's data goes through here, naming the column that holds
//! the client's id; a client outside the scope is "not found", never "forbidden" (its existence
//! is not disclosed).
use crate::domain::access::{DataScope, Principal, UserKind};
use crate::domain::crm::mask_email;
use crate::domain::permission::Permission;
use crate::error::AppError;
use crate::server::entity::user;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Select,
};
use std::collections::HashMap;

/// The clients a caller sees, resolved once per request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every client (the firm scope, and clients themselves: their own endpoints filter by id).
    Firm,
    /// The clients owned by one of these staff members.
    OwnedBy(Vec<i64>),
    /// The clients nobody owns.
    Unowned,
}

impl Scope {
    pub async fn of(db: &impl ConnectionTrait, me: &Principal) -> Result<Scope, AppError> {
        if me.kind != UserKind::Staff {
            return Ok(Scope::Firm);
        }
        Ok(match me.scope {
            DataScope::Firm => Scope::Firm,
            DataScope::Own => Scope::OwnedBy(vec![me.user_id]),
            DataScope::Team => Scope::OwnedBy(team_of(db, me.user_id).await?),
            DataScope::Unowned => Scope::Unowned,
        })
    }

    pub fn is_firm(&self) -> bool {
        *self == Scope::Firm
    }

    /// The ids of the clients in scope, as a subquery; `None` for the whole firm.
    pub fn clients(&self) -> Option<SelectStatement> {
        let mut q = Query::select();
        q.column(user::Column::Id).from(user::Entity);
        match self {
            Scope::Firm => return None,
            Scope::OwnedBy(staff) => q.and_where(user::Column::OwnerId.is_in(staff.clone())),
            Scope::Unowned => q
                .and_where(user::Column::OwnerId.is_null())
                .and_where(user::Column::Kind.ne(UserKind::Staff.as_str())),
        };
        Some(q.to_owned())
    }

    /// The email addresses of the clients in scope, as a subquery; `None` for the whole firm.
    pub fn emails(&self) -> Option<SelectStatement> {
        let mut q = self.clients()?;
        q.clear_selects();
        q.column(user::Column::Email);
        Some(q)
    }

    /// `col` (a column holding a client's user id) restricted to the clients in scope.
    pub fn condition(&self, col: impl ColumnTrait) -> Condition {
        match self.clients() {
            None => Condition::all(),
            Some(ids) => Condition::all().add(col.in_subquery(ids)),
        }
    }

    /// A select over the clients themselves (`users`) restricted to those in scope, on their
    /// owner column directly (the index on `owner_id, id` serves it; no subquery).
    pub fn restrict_clients(&self, select: Select<user::Entity>) -> Select<user::Entity> {
        match self.owners(user::Column::OwnerId) {
            Some(c) => select.filter(c),
            None => select,
        }
    }

    /// `select` restricted to the rows of clients in scope.
    pub fn restrict<E: EntityTrait>(&self, select: Select<E>, col: impl ColumnTrait) -> Select<E> {
        if self.is_firm() {
            select
        } else {
            select.filter(self.condition(col))
        }
    }

    /// The scope as raw SQL for queries written by hand: ` AND {col} IN (…)` with its values
    /// pushed onto `values` (nothing for the whole firm).
    pub fn sql(&self, col: &str, values: &mut Vec<sea_orm::Value>) -> String {
        match self {
            Scope::Firm => String::new(),
            Scope::OwnedBy(staff) => {
                let marks = vec!["?"; staff.len()].join(", ");
                values.extend(staff.iter().map(|&s| sea_orm::Value::from(s)));
                format!(" AND {col} IN (SELECT id FROM users WHERE owner_id IN ({marks}))")
            }
            Scope::Unowned => format!(
                " AND {col} IN (SELECT id FROM users WHERE owner_id IS NULL AND kind <> 'staff')"
            ),
        }
    }

    /// Rows owned by a staff member (a lead's owner): those whose owner `col` is one of the
    /// scope's staff, or nobody for the unowned pool; `None` for the whole firm.
    pub fn owners(&self, col: impl ColumnTrait) -> Option<Condition> {
        match self {
            Scope::Firm => None,
            Scope::OwnedBy(staff) => Some(Condition::all().add(col.is_in(staff.clone()))),
            Scope::Unowned => Some(Condition::all().add(col.is_null())),
        }
    }

    /// Whether a row owned by `owner` is in scope (`owners` for one row).
    pub fn owns(&self, owner: Option<i64>) -> bool {
        match self {
            Scope::Firm => true,
            Scope::OwnedBy(staff) => owner.is_some_and(|o| staff.contains(&o)),
            Scope::Unowned => owner.is_none(),
        }
    }

    /// Whether this client is in scope.
    pub fn covers(&self, client: &user::Model) -> bool {
        match self {
            Scope::Firm => true,
            Scope::OwnedBy(staff) => client.owner_id.is_some_and(|o| staff.contains(&o)),
            Scope::Unowned => client.owner_id.is_none() && client.kind != UserKind::Staff,
        }
    }

    /// Refuses (as not found) a client outside the scope.
    pub async fn check(&self, db: &impl ConnectionTrait, client: i64) -> Result<(), AppError> {
        if self.is_firm() {
            return Ok(());
        }
        let found = user::Entity::find_by_id(client).one(db).await?;
        match found {
            Some(u) if self.covers(&u) => Ok(()),
            _ => Err(AppError::NotFound),
        }
    }

    /// Refuses (as not found) a list of clients unless every one is in scope.
    pub async fn check_all(
        &self,
        db: &impl ConnectionTrait,
        clients: &[i64],
    ) -> Result<(), AppError> {
        if self.is_firm() || clients.is_empty() {
            return Ok(());
        }
        let mut ids = clients.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let covered = user::Entity::find()
            .filter(user::Column::Id.is_in(ids.clone()))
            .all(db)
            .await?
            .iter()
            .filter(|u| self.covers(u))
            .count();
        if covered == ids.len() {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}

/// A staff member and everyone under them, following supervisors down.
pub async fn team_of(db: &impl ConnectionTrait, staff: i64) -> Result<Vec<i64>, AppError> {
    let links: Vec<(i64, Option<i64>)> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .column(user::Column::SupervisorId)
        .filter(user::Column::Kind.eq(UserKind::Staff.as_str()))
        .into_tuple()
        .all(db)
        .await?;
    let mut under: HashMap<i64, Vec<i64>> = HashMap::new();
    for (id, sup) in links {
        if let Some(s) = sup {
            under.entry(s).or_default().push(id);
        }
    }
    let mut team = vec![staff];
    let mut i = 0;
    while i < team.len() {
        for &sub in under.get(&team[i]).map(Vec::as_slice).unwrap_or_default() {
            // Supervisors never form a loop (refused when set); the check keeps a bad row
            // from looping forever.
            if !team.contains(&sub) {
                team.push(sub);
            }
        }
        i += 1;
    }
    Ok(team)
}

/// A row or record showing a client's contact details, which staff without `clients.contact`
/// see masked.
pub trait Contact {
    fn mask(&mut self);
}

/// Masks `rows` unless the caller may see contact details.
pub fn mask_for<T: Contact>(me: &Principal, rows: &mut [T]) {
    if me.kind == UserKind::Staff && !me.permissions.contains(Permission::ClientsContact) {
        rows.iter_mut().for_each(Contact::mask);
    }
}

/// `rows`, masked unless the caller may see contact details.
pub fn masked<T: Contact>(me: &Principal, mut rows: Vec<T>) -> Vec<T> {
    mask_for(me, &mut rows);
    rows
}

macro_rules! contact_by_email {
    ($($t:ty),*) => {$(
        impl Contact for $t {
            fn mask(&mut self) {
                self.email = mask_email(&self.email);
            }
        }
    )*};
}

impl Contact for crate::model::ClientRow {
    fn mask(&mut self) {
        self.email = mask_email(&self.email);
        self.referrer = self.referrer.as_deref().map(mask_email);
    }
}

contact_by_email!(
    crate::model::TicketRow,
    crate::model::EntrantRow,
    crate::model::WalletRow,
    crate::model::RequestRow,
    crate::model::ParticipantRow,
    crate::model::ClientSummary,
    crate::model::AlertEventDto,
    crate::model::FeeRow
);
