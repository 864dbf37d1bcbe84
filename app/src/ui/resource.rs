//! Resources whose server-rendered value the browser decodes from bytes, as it decodes the
//! server functions' answers. leptos's default codec reads a resource with `serde_json::from_str`
//! and server functions read with `from_slice`: every type that comes both ways (the signed-in
//! user, notifications, popups, every page's `Result<_, AppError>`) had its deserializer compiled
//! twice into the wasm, once per reader (docs/benchmarks.md, front-end bundle).
use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};

/// JSON, decoded from the string's bytes.
pub struct Json;

impl<T: serde::Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: serde::de::DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(json: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(json.as_bytes())
    }
}

/// `Resource::new` with the [`Json`] codec: loaded on the server, sent with the page, refetched
/// in the browser when `source` changes.
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, Json>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_value_comes_back_as_it_went() {
        let value: Result<Vec<(String, i64)>, String> = Ok(vec![("ñ€".into(), -7)]);
        let json = <Json as Encoder<_>>::encode(&value).unwrap();
        assert_eq!(
            <Json as Decoder<Result<Vec<(String, i64)>, String>>>::decode(&json).unwrap(),
            value
        );
        assert!(<Json as Decoder<Vec<i64>>>::decode("[1,").is_err());
    }

    /// `Resource::new` (leptos's codec) would bring the second JSON reader back into the wasm.
    #[test]
    fn every_resource_is_made_here() {
        let offenders: Vec<_> = crate::rust_sources()
            .into_iter()
            .filter(|path| !path.ends_with("ui/resource.rs"))
            .filter(|path| {
                let bare = std::fs::read_to_string(path)
                    .unwrap()
                    .replace("LocalResource::new(", "");
                bare.contains("Resource::new(") || bare.contains("Resource::new_blocking(")
            })
            .collect();
        assert!(
            offenders.is_empty(),
            "use ui::resource::resource in {offenders:?}"
        );
    }
}
