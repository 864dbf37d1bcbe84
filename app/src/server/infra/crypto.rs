//! Random tokens and their stored digests.
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// 256 random bits, hex-encoded: session cookies and reset links.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// Tokens are stored as their SHA-256, so a copy of the database cannot be replayed as cookies.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// An 8-character referral code without look-alike characters (no 0/O, 1/I).
pub fn referral_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    random_bytes::<8>()
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_long_random_and_digests_stable() {
        let a = super::random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, super::random_token());
        assert_eq!(super::digest("x"), super::digest("x"));
        assert_ne!(super::digest("x"), "x");
        let code = super::referral_code();
        assert!(
            crate::domain::validation::referral_code(&code)
                .unwrap()
                .is_some()
        );
    }
}
