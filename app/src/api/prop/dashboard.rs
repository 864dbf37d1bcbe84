//! The prop dashboard's figures and the fee report.
use crate::error::AppError;
use crate::model::{DashboardQuery, FeeReport, ListQuery, PropDashboard, PropFilter};
#[cfg(feature = "ssr")]
use crate::server::identity::scope::Scope;
use leptos::prelude::*;

#[server(endpoint = "admin/prop/dashboard")]
pub async fn get_prop_dashboard(q: DashboardQuery) -> Result<PropDashboard, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::dashboard, state};
    ctx::serve(Access::Staff(Permission::PropDashboard), |me| async move {
        let db = &state()?.db;
        dashboard::dashboard(db, Scope::of(db, &me).await?, &q).await
    })
    .await
}

#[server(endpoint = "admin/prop/fees")]
pub async fn get_fee_report(q: ListQuery, f: PropFilter) -> Result<FeeReport, AppError> {
    use crate::api::ctx;
    use crate::domain::access::Access;
    use crate::domain::permission::Permission;
    use crate::server::{prop::fees, state};
    ctx::serve(Access::Staff(Permission::PropDashboard), |me| async move {
        let db = &state()?.db;
        let mut report = fees::report(db, &Scope::of(db, &me).await?, &q, &f, true).await?;
        crate::server::identity::scope::mask_for(&me, &mut report.page.rows);
        Ok(report)
    })
    .await
}
