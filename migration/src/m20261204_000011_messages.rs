//! Firm notices: a title and text in each language, to every client, client groups or chosen
//! clients, now or at a set time, optionally with a coupon (granted on delivery) or a link.
//! Delivered as a notification to each recipient, which pops up at their next sign-in.
//! Email templates: the firm's wording of each email in each language (the code's wording
//! when there is none), and mail written with markup keeps its HTML beside the plain text.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("firm_notice")
                .col(big_pk_auto("id"))
                // JSON: {locale: text}; the firm's default language is always there.
                .col(text("title"))
                .col(text("body"))
                .col(string("link"))
                .col(big_integer_null("coupon_id"))
                // everyone | groups | list
                .col(string("audience"))
                // JSON arrays: the groups of a groups audience, the clients of a list.
                .col(text("group_ids"))
                .col(text("user_ids"))
                .col(timestamp_with_time_zone("send_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(integer("recipients"))
                .col(big_integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_firm_notice_due")
                .table(Alias::new("firm_notice"))
                .col(Alias::new("sent_at"))
                .col(Alias::new("send_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("mail_template")
                .col(string("key"))
                .col(string("locale"))
                .col(string("subject"))
                .col(text("body"))
                .col(big_integer("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .primary_key(Index::create().col("key").col("locale"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Alias::new("mail_outbox"))
                .add_column(text_null("html"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Alias::new("mail_outbox"))
                .drop_column(Alias::new("html"))
                .to_owned(),
        )
        .await?;
        for t in ["mail_template", "firm_notice"] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
