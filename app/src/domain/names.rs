//! Enums stored and sent by a stable snake_case name: the database column, the JSON on the
//! wire and `as_str` spell each variant the same way (a test of each enum checks it).

/// Declares such an enum: `snake_enum! { Name { Variant => "variant", … } }` gives it `ALL`,
/// `as_str`, `parse`, `Display` and serde in the same spelling. The server's entity layer
/// stores them as text columns (`server::entity::columns`).
macro_rules! snake_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The stable name stored in the database and used in URLs and translation keys.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use snake_enum;

/// For a unit test of each enum: serde, `as_str` and `parse` agree on every variant.
#[cfg(test)]
pub(crate) fn spelled_alike<T>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    parse: fn(&str) -> Option<T>,
) where
    T: Copy + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
{
    for &v in all {
        let s = as_str(v);
        assert_eq!(serde_json::to_value(v).unwrap(), s, "{v:?}");
        assert_eq!(serde_json::from_value::<T>(s.into()).unwrap(), v);
        assert_eq!(parse(s), Some(v));
    }
}
