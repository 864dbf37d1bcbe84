//! Accounts, roles, sessions, password resets, login throttling, notifications, the audit log and
//! the mail outbox.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn index(table: &str, name: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(Alias::new(table));
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("role")
                .col(big_pk_auto("id"))
                .col(string_uniq("name"))
                .col(string("description").default(""))
                // Space-separated permission names; the catalogue lives in app::domain::permission.
                .col(text("permissions"))
                .col(boolean("is_system").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(big_pk_auto("id"))
                // trader | ib | staff
                .col(string("kind"))
                .col(string_uniq("email"))
                .col(string("password_hash"))
                .col(string("first_name"))
                .col(string("last_name"))
                .col(string("country").default(""))
                .col(string("phone").default(""))
                // active | pending | disabled
                .col(string("status"))
                .col(big_integer_null("role_id"))
                .col(string_null("referral_code").unique_key())
                .col(big_integer_null("referrer_id"))
                .col(string_null("totp_secret"))
                .col(boolean("totp_enabled").default(false))
                // The last 30-second step whose code was accepted: a code works once.
                .col(big_integer_null("totp_last_step"))
                .col(string("theme").default("light"))
                .col(string("locale").default("en"))
                .col(timestamp_with_time_zone_null("last_login_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("users", "role_id")
                        .to("role", "id")
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("users", "referrer_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("users", "idx_users_kind", &["kind", "id"]))
            .await?;
        m.create_index(index("users", "idx_users_referrer", &["referrer_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("session")
                // SHA-256 of the cookie token: a leaked table cannot be replayed as cookies.
                .col(string("id").primary_key())
                .col(big_integer("user_id"))
                // full | mfa (password checked, TOTP code pending) | enroll (staff must set up TOTP)
                .col(string("stage"))
                .col(string("ip").default(""))
                .col(string("user_agent").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("session", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("session", "idx_session_user", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("password_reset")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("password_reset", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("login_attempt")
                .col(big_pk_auto("id"))
                .col(string("email"))
                .col(string("ip"))
                .col(boolean("success"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "login_attempt",
            "idx_login_attempt_email",
            &["email", "at"],
        ))
        .await?;
        m.create_index(index(
            "login_attempt",
            "idx_login_attempt_ip",
            &["ip", "at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("notification")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                // A message key translated when shown, so a language switch applies to old ones too.
                .col(string("kind"))
                .col(text("data"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("notification", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "notification",
            "idx_notification_user",
            &["user_id", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_pk_auto("id"))
                .col(big_integer_null("actor_id"))
                .col(string("action"))
                .col(string("target_type"))
                .col(big_integer_null("target_id"))
                .col(text("detail"))
                .col(string("ip").default(""))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "audit_log",
            "idx_audit_target",
            &["target_type", "target_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("mail_outbox")
                .col(big_pk_auto("id"))
                .col(string("to_addr"))
                .col(string("subject"))
                .col(text("body"))
                .col(integer("attempts").default(0))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                // A sender claims a row until this time, so several instances never send one mail twice.
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "mail_outbox",
            "idx_mail_outbox_pending",
            &["sent_at", "id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "mail_outbox",
            "audit_log",
            "notification",
            "login_attempt",
            "password_reset",
            "session",
            "users",
            "role",
        ] {
            m.drop_table(Table::drop().table(Alias::new(t)).to_owned())
                .await?;
        }
        Ok(())
    }
}
