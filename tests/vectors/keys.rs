//! `ONTOLOGY-KEYS`: key derivation, address/WIF/public-key/ONT ID decoding, multi-sig
//! programs and address encoding, each field that a case carries compared with the library.

use qrconform::protocol::ontology::crypto::{
    multisig_program, single_key_program, Address, OntId, PrivateKey, PublicKey,
};
use qrconform::vectors::{TestCase, TestGroup};

use crate::{expect_outcome, optional_str};

pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    match group.kind.as_str() {
        "OntologyKeyDerivation" => derivation(case),
        "OntologyAddressDecode" => {
            let outcome = Address::from_base58(case.input_str("address")?);
            if let (Ok(address), Some(hex)) = (&outcome, optional_str(case, "addressHex")) {
                same("addressHex", hex, &address.to_hex())?;
            }
            expect_outcome(case, outcome.map(|_| ()).map_err(|e| e.kind()))
        }
        "OntologyWifDecode" => {
            let outcome = PrivateKey::from_wif(case.input_str("wif")?);
            if let (Ok(key), Some(hex)) = (&outcome, optional_str(case, "privateKey")) {
                same("privateKey", hex, &key.to_hex())?;
            }
            expect_outcome(case, outcome.map(|_| ()).map_err(|e| e.kind()))
        }
        "OntologyPublicKeyDecode" => expect_outcome(
            case,
            PublicKey::from_hex(case.input_str("publicKey")?)
                .map(|_| ())
                .map_err(|e| e.kind()),
        ),
        "OntologyOntIdParse" => {
            let outcome = OntId::parse(case.input_str("ontid")?);
            if let (Ok(ontid), Some(address)) = (&outcome, optional_str(case, "address")) {
                same("address", address, &ontid.0.to_base58())?;
            }
            expect_outcome(case, outcome.map(|_| ()).map_err(|e| e.kind()))
        }
        "OntologyMultisig" => multisig(case),
        "OntologyAddressEncode" => {
            let address = Address::from_display_hex(case.input_str("addressDisplayHex")?)
                .map_err(|e| e.to_string())?;
            same("address", case.input_str("address")?, &address.to_base58())?;
            let decoded =
                Address::from_base58(case.input_str("address")?).map_err(|e| e.to_string())?;
            same(
                "addressDisplayHex",
                case.input_str("addressDisplayHex")?,
                &decoded.to_display_hex(),
            )
        }
        other => Err(format!("unknown group type `{other}`")),
    }
}

fn same(field: &str, expected: &str, actual: &str) -> Result<(), String> {
    if expected == actual {
        Ok(())
    } else {
        Err(format!("{field}: expected {expected}, computed {actual}"))
    }
}

/// Every field present is checked; external vectors carry only what their source published.
fn derivation(case: &TestCase) -> Result<(), String> {
    let private = match optional_str(case, "privateKey") {
        Some(hex) => Some(PrivateKey::from_hex(hex).map_err(|e| e.to_string())?),
        None => None,
    };
    if let (Some(seed), Some(key)) = (optional_str(case, "seed"), &private) {
        same(
            "privateKey from seed",
            &key.to_hex(),
            &PrivateKey::from_seed(seed).to_hex(),
        )?;
    }
    if let (Some(wif), Some(key)) = (optional_str(case, "wif"), &private) {
        same("wif", wif, &key.to_wif())?;
        same(
            "privateKey from wif",
            &key.to_hex(),
            &PrivateKey::from_wif(wif)
                .map_err(|e| e.to_string())?
                .to_hex(),
        )?;
    }
    let public = match (optional_str(case, "publicKey"), &private) {
        (Some(hex), key) => {
            let public = PublicKey::from_hex(hex).map_err(|e| e.to_string())?;
            if let Some(key) = key {
                same("publicKey", hex, &key.public_key().to_hex())?;
            }
            public
        }
        (None, Some(key)) => key.public_key(),
        (None, None) => return Err("case has neither privateKey nor publicKey".into()),
    };
    let address = Address::from_public_key(&public);
    if let Some(script) = optional_str(case, "verificationScript") {
        same(
            "verificationScript",
            script,
            &hex::encode(single_key_program(&public)),
        )?;
    }
    same("address", case.input_str("address")?, &address.to_base58())?;
    if let Some(hex) = optional_str(case, "addressHex") {
        same("addressHex", hex, &address.to_hex())?;
    }
    if let Some(hex) = optional_str(case, "addressDisplayHex") {
        same("addressDisplayHex", hex, &address.to_display_hex())?;
    }
    if let Some(ontid) = optional_str(case, "ontid") {
        same("ontid", ontid, &OntId(address).to_string())?;
        same(
            "ontid parsed",
            &OntId::parse(ontid)
                .map_err(|e| e.to_string())?
                .0
                .to_base58(),
            &address.to_base58(),
        )?;
    }
    Ok(())
}

fn multisig(case: &TestCase) -> Result<(), String> {
    let m = case
        .inputs
        .get("m")
        .and_then(|v| v.as_u64())
        .ok_or("input `m` missing")? as usize;
    let keys = case
        .inputs
        .get("publicKeys")
        .and_then(|v| v.as_array())
        .ok_or("input `publicKeys` missing")?
        .iter()
        .map(|v| PublicKey::from_hex(v.as_str().unwrap_or_default()).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let outcome = multisig_program(m, &keys);
    if let Ok((sorted, program)) = &outcome {
        let sorted_hex = sorted.iter().map(PublicKey::to_hex).collect::<Vec<_>>();
        let expected: Vec<String> = serde_json::from_value(
            case.inputs
                .get("sortedPublicKeys")
                .cloned()
                .unwrap_or_default(),
        )
        .map_err(|e| format!("sortedPublicKeys: {e}"))?;
        if sorted_hex != expected {
            return Err(format!(
                "sorted keys: expected {expected:?}, computed {sorted_hex:?}"
            ));
        }
        same("program", case.input_str("program")?, &hex::encode(program))?;
        let address = Address::from_program(program);
        same("address", case.input_str("address")?, &address.to_base58())?;
        if let Some(hex) = optional_str(case, "addressHex") {
            same("addressHex", hex, &address.to_hex())?;
        }
    }
    expect_outcome(case, outcome.map(|_| ()).map_err(|e| e.kind()))
}
