use crate::pages::PageHeader;
use crate::pages::identity::profile::{PasswordCard, TwoFactorCard};
use crate::ui::layout::MeCtx;
use leptos::prelude::*;

/// A staff member's own account: password, and the state of their (mandatory) two-factor.
#[component]
pub fn AdminAccountPage() -> impl IntoView {
    let MeCtx(me) = expect_context();
    view! {
        <PageHeader title="nav.my_account"/>
        <Suspense>
            {move || {
                me.get()
                    .and_then(|r| r.ok().flatten())
                    .map(|me| {
                        view! {
                            <div class="grid-2">
                                <PasswordCard/>
                                <TwoFactorCard enabled=me.totp_enabled can_disable=false/>
                            </div>
                        }
                    })
            }}
        </Suspense>
    }
}
