//! Enums stored and sent by a stable snake_case name: the database column, the JSON on the
//! wire and `as_str` spell each variant the same way (a test of each enum checks it).

/// Declares such an enum: `snake_enum! { Name { Variant => "variant", … } }` gives it `ALL`,
/// `as_str`, `parse`, `Display` and serde (as a string: [`read_name`]) in the same spelling.
/// The server's entity layer stores them as text columns (`server::entity::columns`).
macro_rules! snake_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vm])* $variant),* }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::domain::names::read_variant(d, &[$($s),*], Self::ALL)
            }
        }

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

/// Reads one of `names` as the variant at its position in `all` (the same order).
pub fn read_variant<'de, D: serde::Deserializer<'de>, T: Copy>(
    d: D,
    names: &'static [&'static str],
    all: &[T],
) -> Result<T, D::Error> {
    read_name(d, names).map(|i| all[i])
}

/// Reads one of `names` and gives its position. The enums' serde goes through here rather than
/// serde's derive, which compiles a reader of variant names, bytes and indices into the wasm per
/// enum and per format; this one is compiled once per format (docs/benchmarks.md).
pub fn read_name<'de, D: serde::Deserializer<'de>>(
    d: D,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    struct Name(&'static [&'static str]);
    impl serde::de::Visitor<'_> for Name {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "one of {}", self.0.join(", "))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<usize, E> {
            self.0
                .iter()
                .position(|n| *n == v)
                .ok_or_else(|| E::unknown_variant(v, self.0))
        }
    }
    d.deserialize_str(Name(names))
}

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
    for wrong in [
        serde_json::json!("no_such_name"),
        serde_json::json!(0),
        serde_json::json!(null),
    ] {
        assert!(
            serde_json::from_value::<T>(wrong.clone()).is_err(),
            "{wrong}"
        );
    }
}
