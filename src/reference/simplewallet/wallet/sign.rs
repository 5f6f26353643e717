//! Login and sign: what the wallet signs, how, and the bodies it posts.
//!
//! - login (SW-L2, SW-L3): `timestamp` is the wallet's clock in Unix seconds; the signed
//!   string is `timestamp + account + uuID + ref` with no separators; `sign` is eosjs-ecc's
//!   `ecc.sign` of it (one SHA-256, canonical `SIG_K1_`); the body `{protocol, version,
//!   timestamp, sign, uuID, account, ref}` goes to `loginUrl` with lower-case keys and the
//!   timestamp as a JSON number.
//! - sign (SW-S1): `sign` is `ecc.sign` of the message's UTF-8 bytes with the active key;
//!   the body `{protocol, version, message, sign, ref, account}` goes to `notifyUrl` (or
//!   MYKEY's `signUrl`, which the message layer reads into the same field).

use super::callback::post;
use super::{Shared, SimpleWalletFault};
use crate::protocol::simplewallet::crypto::{sha256, Signature};
use crate::protocol::simplewallet::messages::{
    login_signed_string, LoginPost, LoginRequest, SignPost, SignRequest, PROTOCOL, VERSION,
};

/// Login (SW-L2, SW-L3).
pub(super) async fn login(shared: &Shared, request: &LoginRequest) -> Result<(), String> {
    let timestamp = if shared.has(SimpleWalletFault::TimestampMillis) {
        shared.clock.unix_secs().saturating_mul(1000)
    } else {
        shared.clock.unix_secs()
    }
    .to_string();
    let account = shared.account.to_string();
    let signed = if shared.has(SimpleWalletFault::SeparatorInSignedString) {
        format!(
            "{timestamp}|{account}|{}|{}",
            request.uuid, shared.wallet_ref
        )
    } else {
        login_signed_string(&timestamp, &account, &request.uuid, &shared.wallet_ref)
    };
    // A MYKEY account's logins are verified with its reserved key (SW-L4), which is the
    // wallet's `active`; the fault signs with the admin key instead.
    let key = if shared.mykey && shared.has(SimpleWalletFault::MykeyAdminKey) {
        &shared.owner
    } else {
        &shared.active
    };
    let signature = if shared.has(SimpleWalletFault::DoubleSha256) {
        key.sign_digest(&sha256(&sha256(signed.as_bytes())))
    } else {
        key.sign(signed.as_bytes())
    };
    let signature = if shared.has(SimpleWalletFault::HighSSignature) {
        signature.high_s()
    } else {
        signature
    };
    let post_body = LoginPost {
        protocol: PROTOCOL.to_string(),
        version: VERSION.to_string(),
        timestamp,
        sign: signature.to_string(),
        uuid: request.uuid.clone(),
        account,
        wallet_ref: shared.wallet_ref.clone(),
    };
    let mut body = post_body.to_json();
    if shared.has(SimpleWalletFault::CapitalisedKeys) {
        if let Some(object) = body.as_object_mut() {
            for (lower, upper) in [("account", "Account"), ("ref", "Ref")] {
                if let Some(value) = object.remove(lower) {
                    object.insert(upper.to_string(), value);
                }
            }
        }
    }
    post(shared, "login", &request.login_url, &body).await
}

/// Sign (SW-S1).
pub(super) async fn sign(shared: &Shared, request: &SignRequest) -> Result<(), String> {
    let Some(url) = request.notify_url.as_deref().filter(|u| !u.is_empty()) else {
        return Err(
            "the sign request names no notifyUrl or signUrl to post the signature to".into(),
        );
    };
    let key = if shared.has(SimpleWalletFault::SignWrongKey) {
        &shared.owner
    } else {
        &shared.active
    };
    let signature: Signature = match hex_body(&request.message) {
        Some(bytes) if shared.has(SimpleWalletFault::SignHexDecoded) => key.sign(&bytes),
        _ => key.sign(request.message.as_bytes()),
    };
    let body = SignPost {
        protocol: PROTOCOL.to_string(),
        version: VERSION.to_string(),
        message: request.message.clone(),
        sign: signature.to_string(),
        wallet_ref: shared.wallet_ref.clone(),
        account: shared.account.to_string(),
    }
    .to_json();
    post(shared, "sign", url, &body).await
}

/// The bytes of a `0x`-prefixed hex message (what the `sign-hex-decoded` fault signs).
fn hex_body(message: &str) -> Option<Vec<u8>> {
    message
        .strip_prefix("0x")
        .filter(|rest| !rest.is_empty())
        .and_then(|rest| hex::decode(rest).ok())
}

#[cfg(test)]
mod tests {
    use super::hex_body;

    #[test]
    fn only_a_0x_prefixed_hex_message_has_a_hex_body() {
        assert_eq!(hex_body("0x0a0b"), Some(vec![0x0a, 0x0b]));
        assert_eq!(hex_body("0a0b"), None);
        assert_eq!(hex_body("0x"), None);
        assert_eq!(hex_body("0xzz"), None);
    }
}
