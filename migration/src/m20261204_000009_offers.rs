//! Offers: promo codes (a code a client types at checkout for a discount on a challenge fee,
//! with its use count per client, whether it combines with a coupon, its validity and its
//! lifecycle: not enabled, enabled, disabled), and each use of an offer by a purchase.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("promo_code")
                .col(big_pk_auto("id"))
                .col(string("code").unique_key())
                .col(string("name"))
                // fixed | percent: minor units of `currency`, or basis points.
                .col(string("discount_kind"))
                .col(big_integer("discount_value"))
                .col(string_null("currency"))
                // None: unlimited within the validity period.
                .col(integer_null("per_client"))
                .col(boolean("combinable"))
                .col(timestamp_with_time_zone_null("valid_from"))
                .col(timestamp_with_time_zone_null("valid_to"))
                // not_enabled | enabled | disabled
                .col(string("state"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        // One row per offer a purchase used; a refunded purchase gives it back (returned).
        m.create_table(
            Table::create()
                .table("offer_use")
                .col(big_pk_auto("id"))
                // promo_code (coupons will be the other kind)
                .col(string("kind"))
                .col(big_integer("offer_id"))
                .col(big_integer("user_id"))
                .col(big_integer("participant_id"))
                .col(string("currency"))
                .col(big_integer("discount_minor"))
                // used | returned
                .col(string("status"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_offer_use_offer")
                .table(Alias::new("offer_use"))
                .col(Alias::new("kind"))
                .col(Alias::new("offer_id"))
                .col(Alias::new("user_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_offer_use_participant")
                .table(Alias::new("offer_use"))
                .col(Alias::new("participant_id"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["offer_use", "promo_code"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
