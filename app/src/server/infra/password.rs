//! argon2id hashing, always off the async runtime.
use crate::error::AppError;
use crate::error::OrInternal;
use argon2::password_hash::SaltString;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use rand_core::OsRng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl HashParams {
    /// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
    pub const OWASP: HashParams = HashParams {
        m_cost_kib: 19_456,
        t_cost: 2,
        p_cost: 1,
    };
    /// Only for tests, where hundreds of hashes would otherwise dominate the run.
    pub const FAST_FOR_TESTS: HashParams = HashParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    fn hasher(self) -> Argon2<'static> {
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, None)
            .expect("valid argon2 params");
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

pub async fn hash(params: HashParams, password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        params
            .hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .or_internal("the password hashing task")?
    .or_internal("hashing a password")
}

/// Verifies against the stored hash; with no stored hash it still does the work of one
/// verification, so an unknown email takes as long as a wrong password.
pub async fn verify(
    params: HashParams,
    password: String,
    stored: Option<String>,
) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        // A valid hash of a password nobody has, made once per process.
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let stored = stored.unwrap_or_else(|| {
            DUMMY
                .get_or_init(|| {
                    let salt = SaltString::generate(&mut OsRng);
                    params
                        .hasher()
                        .hash_password(b"not-a-real-password", &salt)
                        .expect("hash")
                        .to_string()
                })
                .clone()
        });
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        // Verification uses the parameters recorded in the hash itself.
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .or_internal("the password verification task")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash(HashParams::FAST_FOR_TESTS, "correct horse".into())
            .await
            .unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify(
                HashParams::FAST_FOR_TESTS,
                "correct horse".into(),
                Some(h.clone())
            )
            .await
            .unwrap()
        );
        assert!(
            !verify(HashParams::FAST_FOR_TESTS, "wrong horse".into(), Some(h))
                .await
                .unwrap()
        );
        assert!(
            !verify(HashParams::FAST_FOR_TESTS, "x".into(), None)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn production_parameters_meet_owasp_minimum() {
        let h = hash(HashParams::OWASP, "correct horse".into())
            .await
            .unwrap();
        assert!(h.contains("m=19456,t=2,p=1"), "{h}");
    }
}
