//! `ONTOLOGY-SIGNATURES`: verify each signature as a dApp must (ONT-L3…L5, ONT-S2) and, for
//! `Deterministic` cases, re-sign and require the same bytes.

use qrconform::protocol::ontology::crypto::{
    message_bytes, sign, verify_hex, Address, PrivateKey, PublicKey,
};
use qrconform::vectors::{TestCase, TestGroup};

use crate::{expect_outcome, group_str};

pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    let public_key = group_str(group, "publicKey").ok_or("group has no publicKey")?;
    let message = case.input_str("message")?;
    let signature = case.input_str("signature")?;
    let ishex = case
        .inputs
        .get("ishex")
        .and_then(|v| v.as_bool())
        .unwrap_or(false);

    // The group's key material must agree with itself before any signature is judged.
    let key = PublicKey::from_hex(public_key).map_err(|e| format!("group publicKey: {e}"))?;
    if let Some(address) = group_str(group, "address") {
        let derived = Address::from_public_key(&key).to_base58();
        if derived != address {
            return Err(format!(
                "group address {address} is not the key's address {derived}"
            ));
        }
    }

    expect_outcome(
        case,
        verify_hex(public_key, signature, message, ishex).map_err(|e| e.kind()),
    )?;

    if case.flags.iter().any(|f| f == "Deterministic") {
        let private = PrivateKey::from_hex(
            group_str(group, "privateKey").ok_or("Deterministic case without group privateKey")?,
        )
        .map_err(|e| format!("group privateKey: {e}"))?;
        if private.public_key() != key {
            return Err("group privateKey does not match publicKey".into());
        }
        let bytes = message_bytes(message, ishex).map_err(|e| e.to_string())?;
        let produced = sign(&private, &bytes).to_hex();
        if produced != signature {
            return Err(format!("sign() produced {produced}"));
        }
    }
    Ok(())
}
