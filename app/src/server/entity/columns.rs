//! Domain enums as text columns: each is stored by its `as_str` name, and a name the code does
//! not know reads as a database error rather than a panic. (The domain names no database, so
//! the SeaORM traits are implemented here rather than derived there.)
use crate::domain::access::{DataScope, UserKind};
use crate::domain::approval::{PaymentStatus, RequestKind, RequestStatus};
use crate::domain::competition::{EntryStatus, Measure, PayoutMode};
use crate::domain::ib::Structure;
use crate::domain::kyc::KycStatus;
use crate::domain::live::Topic;
use crate::domain::messages::NoticeAudience;
use crate::domain::money::AccountKind;
use crate::domain::offers::{CouponAudience, PromoState};
use crate::domain::participant::ParticipantStatus;
use crate::domain::profit_share::SettlementStatus;
use crate::domain::support::{DownloadCategory, Os, TicketCategory, TicketPriority, TicketStatus};

macro_rules! text_column {
    ($($name:ty),* $(,)?) => {$(
        impl From<$name> for sea_orm::Value {
            fn from(v: $name) -> Self {
                v.as_str().into()
            }
        }

        impl sea_orm::TryGetable for $name {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let s = String::try_get_by(res, idx)?;
                <$name>::parse(&s).ok_or_else(|| {
                    sea_orm::TryGetError::DbErr(sea_orm::DbErr::Type(format!(
                        "`{s}` is not a {}",
                        stringify!($name)
                    )))
                })
            }
        }

        impl sea_orm::sea_query::ValueType for $name {
            fn try_from(v: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let s = <String as sea_orm::sea_query::ValueType>::try_from(v)?;
                <$name>::parse(&s).ok_or(sea_orm::sea_query::ValueTypeErr)
            }
            fn type_name() -> String {
                stringify!($name).to_owned()
            }
            fn array_type() -> sea_orm::sea_query::ArrayType {
                sea_orm::sea_query::ArrayType::String
            }
            fn column_type() -> sea_orm::sea_query::ColumnType {
                sea_orm::sea_query::ColumnType::String(sea_orm::sea_query::StringLen::None)
            }
        }

        impl sea_orm::sea_query::Nullable for $name {
            fn null() -> sea_orm::Value {
                sea_orm::Value::String(None)
            }
        }

        impl sea_orm::IntoActiveValue<$name> for $name {
            fn into_active_value(self) -> sea_orm::ActiveValue<$name> {
                sea_orm::ActiveValue::Set(self)
            }
        }
    )*};
}

text_column!(
    RequestKind,
    RequestStatus,
    PaymentStatus,
    UserKind,
    DataScope,
    ParticipantStatus,
    SettlementStatus,
    KycStatus,
    AccountKind,
    Topic,
    Structure,
    PromoState,
    CouponAudience,
    NoticeAudience,
    TicketStatus,
    TicketPriority,
    TicketCategory,
    DownloadCategory,
    Os,
    Measure,
    PayoutMode,
    EntryStatus,
);
