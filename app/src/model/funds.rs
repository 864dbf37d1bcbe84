//! DTOs of wallets, requests and approvals, methods, KYC and firm settings. Balances travel as
//! `Money`; amounts people type travel as the text they typed ("1250.00") beside a currency
//! code, and are parsed and checked on the server.
use crate::domain::access::UserKind;
use crate::domain::approval::{PaymentStatus, RequestKind, RequestStatus};
use crate::domain::kyc::KycStatus;
use crate::domain::money::Money;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A client's wallet in one currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WalletDto {
    pub balance: Money,
    /// Held for pending withdrawals and transfers.
    pub held: Money,
    /// Balance − held: what the client can spend.
    pub available: Money,
}

impl WalletDto {
    pub fn currency(&self) -> &'static str {
        self.balance.code()
    }
}

impl WalletRow {
    pub fn currency(&self) -> &'static str {
        self.balance.code()
    }
}

/// A row of the back office's wallets list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WalletRow {
    pub user_id: i64,
    pub client: String,
    pub email: String,
    pub balance: Money,
    pub held: Money,
    pub available: Money,
}

/// A deposit or withdrawal method as configured by the firm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct MethodDto {
    pub id: i64,
    /// deposit | withdrawal
    pub direction: String,
    /// bank_transfer | test_psp | bank_card | crypto
    pub kind: String,
    pub name: String,
    pub currency: String,
    /// Empty for no limit.
    pub min: String,
    pub max: String,
    /// Hundredths of a percent: 150 = 1.5%.
    pub fee_bps: i64,
    pub fee_fixed: String,
    /// Empty for no cap.
    pub fee_cap: String,
    /// Groups that see the method; empty = every group.
    pub group_ids: Vec<i64>,
    pub instructions: String,
    pub enabled: bool,
}

impl MethodDto {
    /// Online methods report a payment status; offline ones are checked by a person.
    pub fn is_online(&self) -> bool {
        self.kind == "test_psp"
    }
}

/// A saved withdrawal destination (a bank card or a crypto address), shown masked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DestinationDto {
    pub id: i64,
    /// bank_card | crypto
    pub kind: String,
    pub label: String,
    pub details: String,
}

/// A request as it appears in lists (the client's history, the approval queues).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestRow {
    pub id: i64,
    pub kind: RequestKind,
    pub user_id: i64,
    pub client: String,
    pub email: String,
    pub status: RequestStatus,
    pub level: i32,
    pub levels: i32,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub fee: Option<String>,
    /// For money moving outside the firm.
    pub payment_status: Option<PaymentStatus>,
    pub method: Option<String>,
    pub reason: String,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "super::instant::read_option")]
    pub decided_at: Option<DateTime<Utc>>,
    /// Whether the caller may cancel it now (clients) or decide it now (staff).
    pub actionable: bool,
}

/// One line of a request's review log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewDto {
    #[serde(deserialize_with = "super::instant::read")]
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub level: i32,
    /// submitted | approved | rejected | cancelled | edited | auto_approved | payment_status
    pub action: String,
    pub comment: String,
}

/// A file a client uploaded, served at `url` to its owner and to staff only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UploadDto {
    pub id: i64,
    pub purpose: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub url: String,
}

/// The client as the review page shows them beside a request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub kind: UserKind,
    pub country: String,
    pub status: String,
    pub kyc_status: KycStatus,
    pub group_id: Option<i64>,
    pub group: String,
    #[serde(deserialize_with = "super::instant::read")]
    pub created_at: DateTime<Utc>,
    pub wallets: Vec<WalletDto>,
}

/// Everything the review page needs about one request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub row: RequestRow,
    /// Labelled values: what the client entered (KYC fields, transfer target, destination…).
    pub details: Vec<(String, String)>,
    pub reference: String,
    pub reviews: Vec<ReviewDto>,
    pub uploads: Vec<UploadDto>,
    pub client: ClientSummary,
    /// The client's other requests, newest first.
    pub history: Vec<RequestRow>,
    /// Whether this staff member may decide at the current level.
    pub can_decide: bool,
    /// Deposits and withdrawals: the amount may be edited before approval.
    pub can_edit_amount: bool,
    /// Online deposits and withdrawals: the payment status may be edited.
    pub can_edit_payment: bool,
}

/// Pending counts of one request kind, for the queue tabs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueCount {
    pub kind: String,
    pub pending: u64,
    /// Pending at a level this staff member may decide.
    pub mine: u64,
}

/// A wallet posting in the transactions report (signed: + into the wallet).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransactionRow {
    pub id: i64,
    pub entry_id: i64,
    #[serde(deserialize_with = "super::instant::read")]
    pub at: DateTime<Utc>,
    pub user_id: i64,
    pub client: String,
    pub currency: String,
    /// deposit | withdrawal | transfer | adjustment | …
    pub kind: String,
    pub amount: String,
    pub memo: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct LevelDto {
    pub role_ids: Vec<i64>,
    pub user_ids: Vec<i64>,
}

/// How one request kind is decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalSettingDto {
    pub kind: String,
    /// automatic | manual | partial
    pub method: String,
    /// Partial: online deposits below this amount (in any currency's units) approve themselves.
    pub threshold: String,
    pub levels: Vec<LevelDto>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupDto {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub is_default: bool,
    pub members: u64,
    /// How many downline levels its IBs see in full; None: all.
    pub visible_levels: Option<i32>,
    /// How many months back its IBs' reports reach; None: no limit.
    pub report_months: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateDto {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub rate: String,
    /// 0 = every group.
    pub group_id: i64,
}

/// A field or a document a KYC form asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct KycItem {
    pub key: String,
    pub label: String,
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct KycFormDto {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub fields: Vec<KycItem>,
    pub documents: Vec<KycItem>,
    pub active: bool,
}

/// The client's KYC page: where they stand and what they can fill in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KycOverview {
    pub status: KycStatus,
    /// Why the last submission was rejected, if it was.
    pub reason: String,
    pub forms: Vec<KycFormDto>,
    pub submissions: Vec<RequestRow>,
    /// Actions the firm keeps behind approved KYC.
    pub policy: Vec<String>,
}

/// Firm-wide money settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FundsSettings {
    /// Actions that need approved KYC: deposit, withdrawal, transfer, participation.
    pub kyc_policy: Vec<String>,
    /// Most pending requests of one kind a client may have at once.
    pub max_pending: u32,
    /// Whether clients may send money to other clients.
    pub third_party_transfers: bool,
}

/// The client's funds page in one call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FundsOverview {
    pub wallets: Vec<WalletDto>,
    pub deposit_methods: Vec<MethodDto>,
    pub withdrawal_methods: Vec<MethodDto>,
    pub destinations: Vec<DestinationDto>,
    pub third_party_transfers: bool,
    /// Actions blocked until KYC is approved (empty when KYC is approved).
    pub kyc_blocked: Vec<String>,
}

/// What a transfer would credit, before the client confirms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransferQuote {
    pub amount: String,
    pub from: String,
    pub credited: String,
    pub to: String,
    pub rate: String,
}
