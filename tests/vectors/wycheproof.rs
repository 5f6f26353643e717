//! Wycheproof `EcdsaVerify` (DER) and `EcdsaP1363Verify` files over P-256/SHA-256, run
//! through the same parse-and-verify path the Ontology protocol uses. `acceptable` cases
//! may go either way (the harness labels them apart).

use qrconform::protocol::ontology::crypto::{verify, OntSignature, PublicKey, SignatureError};
use qrconform::vectors::{TestCase, TestGroup, TestResult};

pub fn check_p1363(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    check_with(group, case, OntSignature::from_p1363)
}

pub fn check_der(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    check_with(group, case, OntSignature::from_der)
}

fn check_with(
    group: &TestGroup,
    case: &TestCase,
    parse: fn(&[u8]) -> Result<OntSignature, SignatureError>,
) -> Result<(), String> {
    let uncompressed = group
        .attributes
        .get("publicKey")
        .and_then(|k| k.get("uncompressed"))
        .and_then(|k| k.as_str())
        .ok_or("group has no publicKey.uncompressed")?;
    let key = PublicKey::from_sec1_bytes(&hex::decode(uncompressed).map_err(|e| e.to_string())?);
    let message = hex::decode(case.input_str("msg")?).map_err(|e| format!("msg: {e}"))?;
    let signature = hex::decode(case.input_str("sig")?).map_err(|e| format!("sig: {e}"))?;
    let outcome = match key {
        // Wycheproof's public keys are all valid points; a rejection would be our bug and
        // shows up as a failed valid case.
        Err(e) => Err(format!("public key rejected: {e}")),
        Ok(key) => parse(&signature)
            .map_err(|e| e.to_string())
            .and_then(|sig| verify(&key, &message, &sig).map_err(|e| e.to_string())),
    };
    match (case.result, outcome) {
        (TestResult::Valid, Ok(()))
        | (TestResult::Invalid, Err(_))
        | (TestResult::Acceptable, _) => Ok(()),
        (TestResult::Valid, Err(reason)) => Err(format!("expected valid, rejected: {reason}")),
        (TestResult::Invalid, Ok(())) => Err("expected invalid, accepted".into()),
    }
}
