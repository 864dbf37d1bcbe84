use super::*;
use crate::domain::validation::Errors;
use hmac::{Hmac, Mac};
use rust_decimal::Decimal;
use sha2::Sha256;
use std::str::FromStr;

#[test]
fn signatures_cover_timestamp_nonce_and_body() {
    let secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let s = sign(secret, "1700000000", "nonce-123", b"{}");
    assert_eq!(s.len(), 64);
    assert_eq!(s, s.to_lowercase());
    assert_ne!(s, sign(secret, "1700000001", "nonce-123", b"{}"));
    assert_ne!(s, sign(secret, "1700000000", "nonce-124", b"{}"));
    assert_ne!(s, sign(secret, "1700000000", "nonce-123", b"{ }"));
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"Jefe").unwrap();
    m.update(b"what do ya want for nothing?");
    assert_eq!(
        hex::encode(m.finalize().into_bytes()),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn nonces_and_prices() {
    assert!(nonce_ok("abcDEF12_-"));
    assert!(!nonce_ok("short"));
    assert!(!nonce_ok("has space in it"));
    assert!(!nonce_ok(&"x".repeat(65)));
    let mut e = Errors::default();
    assert_eq!(
        price_of(&mut e, "p", "1.08500"),
        Some(Decimal::from_str("1.085").unwrap())
    );
    assert_eq!(price_of(&mut e, "p", "-1"), None);
    assert_eq!(price_of(&mut e, "p", "1.123456789"), None);
    assert_eq!(e.0.len(), 2);
    assert_eq!(scaled(Decimal::from_str("1.085").unwrap(), 5), 108_500);
}
