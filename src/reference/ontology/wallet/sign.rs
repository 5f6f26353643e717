//! Login, signMessage and signMultiMessage: what the wallet signs, how it writes the
//! signature, and the callback it posts.
//!
//! - login (ONT-L1…L3): `user` is the base58 address, or the ONT ID for `type: "ontid"`; the
//!   signed bytes are the UTF-8 bytes of `message`; the callback is `{action: "login",
//!   version, id, params: {type, user, message, publickey, signature}}`.
//! - signMessage (ONT-S1…S3): the signed bytes are the hex-decoded message when `ishex` is
//!   true (a message that is not hex is refused before anything is signed), else its UTF-8
//!   bytes; the callback is `{action: "signMessage", version, id, error: 0, desc:
//!   "SUCCESS", result: {type: "address", user, message, publickey, signature}}`.
//! - signMultiMessage (ONT-S4): the same, `result` holding one object per message, in order.
//!
//! A signature is SHA-256 ECDSA with an RFC 6979 nonce, normalised to low S, written as hex
//! of `0x01 ‖ r ‖ s`. The signature faults change only how it is written: `high-s-signature`
//! negates `s` first, then `der-signature` writes DER (winning over `plain-64-signature`) or
//! `plain-64-signature` drops the scheme byte.

use serde_json::{Map, Value};

use super::callback::{envelope, post_callback, success, Request};
use super::{Shared, WalletFault};
use crate::protocol::driver::ScanReply;
use crate::protocol::ontology::crypto::sign;

/// Login (ONT-L1…L3).
pub(super) async fn login(shared: &Shared, req: &Request) -> ScanReply {
    match login_steps(shared, req).await {
        Ok(()) => ScanReply::completed(),
        Err(reason) => ScanReply::refused(reason),
    }
}

async fn login_steps(shared: &Shared, req: &Request) -> Result<(), String> {
    // The schema step checked `type` against ontid/account/address; missing means address.
    let login_type = req.param_str("type").unwrap_or("address");
    if login_type == "account" && shared.has(WalletFault::AccountTypeUnsupported) {
        return Err("login type `account` is not supported".to_string());
    }
    let user = if login_type == "ontid" && !shared.has(WalletFault::OntidUserAddress) {
        shared.ontid.to_string()
    } else {
        shared.address.to_base58()
    };
    let message = required(req, "message")?;
    let callback = required(req, "callback")?;
    let signature = signature_hex(shared, message.as_bytes())?;
    let mut body = envelope(shared, "login", req);
    body.insert(
        "params".into(),
        signed_object(shared, login_type, &user, message, signature),
    );
    post_callback(shared, callback, body).await
}

/// signMessage (ONT-S1…S3).
pub(super) async fn sign_message(shared: &Shared, req: &Request) -> ScanReply {
    match sign_message_steps(shared, req).await {
        Ok(()) => ScanReply::completed(),
        Err(reason) => ScanReply::refused(reason),
    }
}

async fn sign_message_steps(shared: &Shared, req: &Request) -> Result<(), String> {
    let message = required(req, "message")?;
    let callback = required(req, "callback")?;
    let bytes = signed_bytes(shared, message, ishex(req))
        .map_err(|e| format!("the message is not hex ({e}); nothing was signed"))?;
    let result = signed_object(
        shared,
        "address",
        &shared.address.to_base58(),
        message,
        signature_hex(shared, &bytes)?,
    );
    let body = if shared.has(WalletFault::SignMessageAsLogin) {
        // The Android wallet's quirk: the result posted as if it were a login.
        let mut body = envelope(shared, "login", req);
        body.insert("params".into(), result);
        body
    } else {
        success(envelope(shared, "signMessage", req), result)
    };
    post_callback(shared, callback, body).await
}

/// signMultiMessage (ONT-S4).
pub(super) async fn sign_multi_message(shared: &Shared, req: &Request) -> ScanReply {
    match sign_multi_message_steps(shared, req).await {
        Ok(()) => ScanReply::completed(),
        Err(reason) => ScanReply::refused(reason),
    }
}

async fn sign_multi_message_steps(shared: &Shared, req: &Request) -> Result<(), String> {
    let messages: Vec<&str> = req
        .params()
        .get("message")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if messages.is_empty() {
        return Err("the request has no messages".to_string());
    }
    let callback = required(req, "callback")?;
    let ishex = ishex(req);
    // Every message is read before any is signed: one that is not hex refuses them all.
    let bytes = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            signed_bytes(shared, m, ishex).map_err(|e| {
                format!("the message is not hex (message {i}: {e}); nothing was signed")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let address = shared.address.to_base58();
    let mut results = messages
        .iter()
        .zip(&bytes)
        .map(|(m, b)| {
            Ok(signed_object(
                shared,
                "address",
                &address,
                m,
                signature_hex(shared, b)?,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if shared.has(WalletFault::MultiMessageSingleResult) {
        results.truncate(1);
    }
    if shared.has(WalletFault::MultiMessageReversed) {
        results.reverse();
    }
    let result = match results.as_slice() {
        [one] if shared.has(WalletFault::MultiSingleUnwrapped) => one.clone(),
        _ => Value::Array(results),
    };
    let body = success(envelope(shared, "signMultiMessage", req), result);
    post_callback(shared, callback, body).await
}

/// `params.<key>`, which the schema step made a required string.
fn required<'a>(req: &'a Request, key: &str) -> Result<&'a str, String> {
    req.param_str(key)
        .ok_or_else(|| format!("the request has no `{key}` text"))
}

/// `params.ishex`, false when absent (ONT-S1).
fn ishex(req: &Request) -> bool {
    req.params()
        .get("ishex")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// The bytes signed for one message (ONT-S2): hex-decoded when `ishex`, else UTF-8. The
/// error is the hex decoder's reason.
fn signed_bytes(shared: &Shared, message: &str, ishex: bool) -> Result<Vec<u8>, String> {
    if !ishex && shared.has(WalletFault::AutoDetectHex) {
        // The fault guesses from the text: an even run of hex digits is taken for bytes.
        if let Ok(bytes) = hex::decode(message) {
            if !bytes.is_empty() {
                return Ok(bytes);
            }
        }
    }
    if !ishex || shared.has(WalletFault::IgnoreIshex) {
        return Ok(message.as_bytes().to_vec());
    }
    match hex::decode(message) {
        Ok(bytes) => Ok(bytes),
        Err(_) if shared.has(WalletFault::SignInvalidHex) => Ok(message.as_bytes().to_vec()),
        Err(e) => Err(e.to_string()),
    }
}

/// The signature over `bytes`, as hex, in the form the faults pick (see the module docs).
fn signature_hex(shared: &Shared, bytes: &[u8]) -> Result<String, String> {
    let mut signature = sign(&shared.key, bytes);
    if shared.has(WalletFault::HighSSignature) {
        signature = signature.with_negated_s();
    }
    if shared.has(WalletFault::DerSignature) {
        let der = p256::ecdsa::Signature::from_scalars(signature.r, signature.s)
            .map_err(|e| format!("the signature cannot be DER-encoded: {e}"))?
            .to_der();
        Ok(hex::encode(der.as_bytes()))
    } else if shared.has(WalletFault::Plain64Signature) {
        Ok(hex::encode(signature.to_plain_bytes()))
    } else {
        Ok(signature.to_hex())
    }
}

/// `{type, user, message, publickey, signature}` (`publicKey` under `publickey-camel-case`,
/// the iOS quirk).
fn signed_object(
    shared: &Shared,
    login_type: &str,
    user: &str,
    message: &str,
    signature: String,
) -> Value {
    let key_name = if shared.has(WalletFault::PublickeyCamelCase) {
        "publicKey"
    } else {
        "publickey"
    };
    let mut object = Map::new();
    object.insert("type".into(), login_type.into());
    object.insert("user".into(), user.into());
    object.insert("message".into(), message.into());
    object.insert(key_name.into(), shared.key.public_key().to_hex().into());
    object.insert("signature".into(), signature.into());
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use crate::protocol::ontology::crypto::{sign, OntSignature, PrivateKey};

    #[test]
    fn the_der_form_reads_back_as_the_same_signature() {
        let key = PrivateKey::from_seed("qrconform/test/wallet/der");
        let signature = sign(&key, b"hello");
        let der = p256::ecdsa::Signature::from_scalars(signature.r, signature.s)
            .expect("valid scalars")
            .to_der();
        let back = OntSignature::from_der(der.as_bytes()).expect("strict DER");
        assert_eq!((back.r, back.s), (signature.r, signature.s));
    }
}
