//! The money part of the demo data: groups, methods, rates, approval settings, a KYC form,
//! funded wallets, and pending requests of every kind, so a new user sees a working back
//! office at first start. Everything goes through the same services as real use, so the
//! ledger's invariants hold for the demo too. Runs once (when no payment method exists).
use crate::domain::approval::RequestKind;
use crate::error::AppError;
use crate::model::{FundsSettings, KycFormDto, KycItem, LevelDto, MethodDto};
use crate::server::approvals::{self, Submission};
use crate::server::entity::{payment_method, user};
use crate::server::infra::db::Write;
use crate::server::infra::origin::Origin;
use crate::server::{RuntimeConfig, identity::kyc, infra::uploads, money::funds, settings};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

/// The demo's people, by role in the story.
pub struct Cast {
    pub admin: i64,
    pub finance_role: i64,
    pub admin_role: i64,
    pub trader: i64,
    /// Other clients, in seeding order.
    pub clients: Vec<i64>,
}

pub(super) fn seed_origin() -> Origin {
    Origin::internal("seed")
}

/// A one-page PDF, enough to stand for an uploaded document.
pub(super) const SAMPLE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

pub async fn seed(db: &DatabaseConnection, cfg: &RuntimeConfig, c: Cast) -> Result<(), AppError> {
    if payment_method::Entity::find().count(db).await? > 0 {
        return Ok(());
    }
    let me = c.admin;
    let vip = settings::save_group(
        db,
        me,
        None,
        settings::GroupForm {
            name: "VIP",
            description: "High-volume clients: card deposits without a cap",
            is_default: false,
            visible_levels: "",
            report_months: "",
        },
    )
    .await?;
    settings::default_group(db).await?;
    let m = |direction: &str, kind: &str, name: &str, currency: &str| MethodDto {
        direction: direction.into(),
        kind: kind.into(),
        name: name.into(),
        currency: currency.into(),
        enabled: true,
        ..Default::default()
    };
    let bank_usd = settings::save_method(
        db,
        me,
        MethodDto {
            min: "50".into(),
            instructions: "Transfer to PropDesk Ltd, IBAN GB33 BUKB 2020 1555 5555 55, BIC BUKBGB22. Put your user ID in the reference.".into(),
            ..m("deposit", "bank_transfer", "Bank transfer (USD)", "USD")
        },
    )
    .await?;
    let card_usd = settings::save_method(
        db,
        me,
        MethodDto {
            min: "10".into(),
            max: "5000".into(),
            fee_bps: 150,
            ..m("deposit", "test_psp", "Card (test payment provider)", "USD")
        },
    )
    .await?;
    settings::save_method(
        db,
        me,
        MethodDto {
            min: "50".into(),
            instructions: "SEPA transfer to PropDesk Ltd, IBAN DE89 3704 0044 0532 0130 00. Put your user ID in the reference.".into(),
            ..m("deposit", "bank_transfer", "SEPA transfer (EUR)", "EUR")
        },
    )
    .await?;
    settings::save_method(
        db,
        me,
        MethodDto {
            min: "20".into(),
            group_ids: vec![vip],
            ..m(
                "deposit",
                "test_psp",
                "Crypto (test payment provider)",
                "USDT",
            )
        },
    )
    .await?;
    let card_out = settings::save_method(
        db,
        me,
        MethodDto {
            min: "20".into(),
            max: "10000".into(),
            fee_fixed: "2.00".into(),
            ..m("withdrawal", "bank_card", "Bank card (USD)", "USD")
        },
    )
    .await?;
    settings::save_method(
        db,
        me,
        MethodDto {
            min: "20".into(),
            fee_bps: 50,
            fee_cap: "25".into(),
            ..m("withdrawal", "crypto", "USDT wallet", "USDT")
        },
    )
    .await?;
    for (from, to, rate) in [
        ("USD", "EUR", "0.92"),
        ("EUR", "USD", "1.08"),
        ("USD", "USDT", "1"),
        ("USDT", "USD", "0.998"),
    ] {
        settings::save_rate(db, me, from, to, rate, 0).await?;
    }
    settings::save_funds_settings(
        db,
        me,
        FundsSettings {
            kyc_policy: vec!["withdrawal".into()],
            max_pending: 3,
            third_party_transfers: true,
        },
    )
    .await?;
    // IBs are vetted before they start; online deposits under 100 go straight in; every
    // withdrawal is checked by any administrator and then paid out by finance.
    settings::save_approval_setting(db, me, "ib_registration", "manual", "", vec![]).await?;
    settings::save_approval_setting(db, me, "deposit", "partial", "100", vec![]).await?;
    settings::save_approval_setting(
        db,
        me,
        "withdrawal",
        "manual",
        "",
        vec![
            LevelDto {
                role_ids: vec![c.admin_role],
                user_ids: vec![],
            },
            LevelDto {
                role_ids: vec![c.admin_role, c.finance_role],
                user_ids: vec![],
            },
        ],
    )
    .await?;
    let form = kyc::save_form(
        db,
        me,
        KycFormDto {
            id: 0,
            name: "Individual".into(),
            description: "For clients trading in their own name.".into(),
            fields: vec![
                KycItem {
                    key: "date_of_birth".into(),
                    label: "Date of birth".into(),
                    required: true,
                },
                KycItem {
                    key: "id_number".into(),
                    label: "ID document number".into(),
                    required: true,
                },
                KycItem {
                    key: "address".into(),
                    label: "Home address".into(),
                    required: true,
                },
            ],
            documents: vec![
                KycItem {
                    key: "id_document".into(),
                    label: "Passport or ID card".into(),
                    required: true,
                },
                KycItem {
                    key: "proof_of_address".into(),
                    label: "Proof of address".into(),
                    required: false,
                },
            ],
            active: true,
        },
    )
    .await?;

    let o = seed_origin();
    // The demo trader: verified, funded, with some history and a withdrawal waiting.
    let doc = uploads::store(
        db,
        &cfg.upload_dir,
        c.trader,
        "kyc",
        "passport.pdf",
        SAMPLE_PDF,
    )
    .await?;
    let k = kyc::submit(db, c.trader, kyc_input(form, doc.id, "demo-kyc"), &o).await?;
    approvals::approve(db, me, k.id, 1, "Documents match", &o).await?;
    let dep = funds::deposit(
        db,
        c.trader,
        deposit_input("demo-dep-1", bank_usd, "5000.00", "TT-5000"),
        &o,
    )
    .await?;
    approvals::approve(db, me, dep.id, 1, "Seen on the bank statement", &o).await?;
    let small = funds::deposit(
        db,
        c.trader,
        deposit_input("demo-dep-2", card_usd, "80.00", ""),
        &o,
    )
    .await?;
    funds::test_psp_result(db, c.trader, small.id, true, &o).await?;
    let t = funds::transfer(
        db,
        c.trader,
        funds::TransferInput {
            idempotency_key: "demo-tr-1".into(),
            from: "USD".into(),
            to: "EUR".into(),
            amount: "500".into(),
            recipient: String::new(),
        },
        &o,
    )
    .await?;
    approvals::approve(db, me, t.id, 1, "", &o).await?;
    let card = funds::add_destination(
        db,
        c.trader,
        "bank_card",
        "Visa ending 4242",
        "4242424242424242",
        "",
        &o,
    )
    .await?;
    funds::withdraw(
        db,
        c.trader,
        funds::WithdrawInput {
            idempotency_key: "demo-wd-1".into(),
            method_id: card_out,
            destination_id: card.id,
            amount: "250".into(),
        },
        &o,
    )
    .await?;

    // Other clients' pending requests: a bank deposit, a KYC, a transfer, an IB upgrade.
    if let [lena, marco, aiko, carlos, ..] = c.clients[..] {
        funds::deposit(
            db,
            lena,
            deposit_input("demo-dep-3", bank_usd, "1200.00", "LF-1200"),
            &o,
        )
        .await?;
        let doc =
            uploads::store(db, &cfg.upload_dir, marco, "kyc", "id-card.pdf", SAMPLE_PDF).await?;
        kyc::submit(db, marco, kyc_input(form, doc.id, "demo-kyc-2"), &o).await?;
        let dep = funds::deposit(
            db,
            aiko,
            deposit_input("demo-dep-4", bank_usd, "300.00", "AT-300"),
            &o,
        )
        .await?;
        approvals::approve(db, me, dep.id, 1, "", &o).await?;
        funds::transfer(
            db,
            aiko,
            funds::TransferInput {
                idempotency_key: "demo-tr-2".into(),
                from: "USD".into(),
                to: "USD".into(),
                amount: "40".into(),
                recipient: c.trader.to_string(),
            },
            &o,
        )
        .await?;
        kyc::request_ib_upgrade(db, carlos, "I run a trading community of 400 members.", &o)
            .await?;
    }
    pending_ib_registration(db, &o).await
}

fn kyc_input(form: i64, doc: i64, key: &str) -> kyc::KycInput {
    kyc::KycInput {
        idempotency_key: key.into(),
        form_id: form,
        fields: [
            ("date_of_birth", "1990-04-12"),
            ("id_number", "C01X00T47"),
            ("address", "12 Harbour Street, Hamburg"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        documents: [("id_document".to_string(), doc)].into_iter().collect(),
    }
}

fn deposit_input(key: &str, method_id: i64, amount: &str, reference: &str) -> funds::DepositInput {
    funds::DepositInput {
        idempotency_key: key.into(),
        method_id,
        amount: amount.into(),
        reference: reference.into(),
        upload_id: None,
    }
}

/// A would-be IB waiting for the firm's approval (IB registration is manual in the demo).
async fn pending_ib_registration(db: &DatabaseConnection, o: &Origin) -> Result<(), AppError> {
    let Some(u) = user::Entity::find()
        .filter(user::Column::Email.eq("priya.shah@example.com"))
        .one(db)
        .await?
    else {
        return Ok(());
    };
    let txn = db.write().await?;
    approvals::submit(
        &txn,
        Submission {
            idempotency_key: "registration".into(),
            kind: Some(RequestKind::IbRegistration),
            user_id: u.id,
            created_by: u.id,
            payload: serde_json::json!({"Country": u.country, "Phone": u.phone}),
            ..Default::default()
        },
        o,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
