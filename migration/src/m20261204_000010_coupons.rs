//! Coupons: an offer staff grant to clients (to everyone new, every client, client groups, a
//! list, or those who sign up through a promotional link), with its card, its discount, its
//! limits (in all and per client), its validity and the challenges and packages it covers;
//! each grant to a client; and, on every offer use, the fee before the discounts and the fee
//! paid (a coupon's revenue before and after discount).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("coupon")
                .col(big_pk_auto("id"))
                .col(string("title"))
                .col(string("colour"))
                .col(text("body"))
                // fixed | percent, as a promo code's.
                .col(string("discount_kind"))
                .col(big_integer("discount_value"))
                .col(string_null("currency"))
                // None: unlimited.
                .col(integer_null("total_limit"))
                .col(integer_null("per_client"))
                .col(timestamp_with_time_zone_null("valid_from"))
                .col(timestamp_with_time_zone_null("valid_to"))
                // new_clients | existing_clients | groups | list
                .col(string("audience"))
                // JSON: the client groups of a groups audience.
                .col(text("group_ids"))
                // JSON: [{challenge_id, package}] it covers; [] covers every challenge.
                .col(text("scope"))
                // Whether it also takes its discount off the retry fees of what it bought.
                .col(boolean("on_retry"))
                // A promotional link's code: sign-ups through it are granted the coupon.
                .col(string_null("link_code"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("coupon_grant")
                .col(big_pk_auto("id"))
                .col(big_integer("coupon_id"))
                .col(big_integer("user_id"))
                // staff | signup | link
                .col(string("source"))
                .col(big_integer_null("granted_by"))
                .col(timestamp_with_time_zone("granted_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_coupon_grant")
                .table(Alias::new("coupon_grant"))
                .col(Alias::new("coupon_id"))
                .col(Alias::new("user_id"))
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_coupon_grant_user")
                .table(Alias::new("coupon_grant"))
                .col(Alias::new("user_id"))
                .to_owned(),
        )
        .await?;
        for col in ["list_minor", "paid_minor"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("offer_use"))
                    .add_column(big_integer(col).default(0))
                    .to_owned(),
            )
            .await?;
        }
        // Uses so far were promo codes alone: the fee paid is the participant's, the fee
        // before discount that plus the code's discount.
        m.get_connection()
            .execute_unprepared(
                "UPDATE offer_use SET paid_minor = \
                 (SELECT fee_minor FROM participant WHERE participant.id = offer_use.participant_id)",
            )
            .await?;
        m.get_connection()
            .execute_unprepared("UPDATE offer_use SET list_minor = paid_minor + discount_minor")
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["list_minor", "paid_minor"] {
            m.alter_table(
                Table::alter()
                    .table(Alias::new("offer_use"))
                    .drop_column(Alias::new(col))
                    .to_owned(),
            )
            .await?;
        }
        for t in ["coupon_grant", "coupon"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
