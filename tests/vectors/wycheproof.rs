//! Wycheproof `EcdsaVerify` (DER), `EcdsaP1363Verify` and `EcdsaBitcoinVerify` files, each
//! run through the verification path its curve's protocol uses: P-256/SHA-256 through the
//! Ontology path (`OntSignature`, `verify`), secp256k1/SHA-256 through the EOS path
//! (`simplewallet::crypto::Signature::verify_digest` over SHA-256 of the message). The group's
//! `publicKey.curve` picks the path. `acceptable` cases may go either way (the harness labels
//! them apart).
//!
//! Any case qrconform judges differently from Wycheproof is listed in
//! [`EXPECTED_DIFFERENCES`] with its reason; a listed case must still differ (an entry that no
//! longer applies fails), and every other case must agree.

use qrconform::protocol::ontology::crypto::{verify, OntSignature, PublicKey, SignatureError};
use qrconform::protocol::simplewallet::crypto as eos;
use qrconform::vectors::{TestCase, TestGroup, TestResult};

/// `(group type, curve, tcId, why qrconform's verdict differs)`.
const EXPECTED_DIFFERENCES: &[(&str, &str, u64, &str)] = &[];

#[derive(Clone, Copy)]
enum Encoding {
    Der,
    P1363,
    /// DER, and s must be at most n/2 (Bitcoin's non-malleability rule).
    DerLowS,
}

pub fn check_p1363(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    check_with(group, case, Encoding::P1363)
}

pub fn check_der(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    check_with(group, case, Encoding::Der)
}

pub fn check_bitcoin(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    check_with(group, case, Encoding::DerLowS)
}

fn check_with(group: &TestGroup, case: &TestCase, encoding: Encoding) -> Result<(), String> {
    let public_key = group
        .attributes
        .get("publicKey")
        .ok_or("group has no publicKey")?;
    let curve = public_key
        .get("curve")
        .and_then(|c| c.as_str())
        .ok_or("group has no publicKey.curve")?;
    let uncompressed = public_key
        .get("uncompressed")
        .and_then(|k| k.as_str())
        .ok_or("group has no publicKey.uncompressed")?;
    let key = hex::decode(uncompressed).map_err(|e| e.to_string())?;
    let message = hex::decode(case.input_str("msg")?).map_err(|e| format!("msg: {e}"))?;
    let signature = hex::decode(case.input_str("sig")?).map_err(|e| format!("sig: {e}"))?;
    let outcome = match curve {
        "secp256r1" => verify_p256(&key, &message, &signature, encoding),
        "secp256k1" => verify_k256(&key, &message, &signature, encoding),
        other => return Err(format!("no verification path for curve `{other}`")),
    };
    let expected_difference = EXPECTED_DIFFERENCES
        .iter()
        .find(|(kind, c, id, _)| *kind == group.kind && *c == curve && *id == case.tc_id);
    let agrees = match (case.result, &outcome) {
        (TestResult::Valid, Ok(()))
        | (TestResult::Invalid, Err(_))
        | (TestResult::Acceptable, _) => Ok(()),
        (TestResult::Valid, Err(reason)) => Err(format!("expected valid, rejected: {reason}")),
        (TestResult::Invalid, Ok(())) => Err("expected invalid, accepted".into()),
    };
    match (expected_difference, agrees) {
        (None, agrees) => agrees,
        (Some(_), Err(_)) => Ok(()),
        (Some((_, _, _, why)), Ok(())) => Err(format!(
            "listed as an expected difference ({why}), but qrconform now agrees with Wycheproof; \
             remove the entry"
        )),
    }
}

fn verify_p256(
    key: &[u8],
    message: &[u8],
    signature: &[u8],
    encoding: Encoding,
) -> Result<(), String> {
    let parse: fn(&[u8]) -> Result<OntSignature, SignatureError> = match encoding {
        Encoding::P1363 => OntSignature::from_p1363,
        Encoding::Der => OntSignature::from_der,
        Encoding::DerLowS => return Err("no Bitcoin rule for P-256".into()),
    };
    // Wycheproof's public keys are all valid points; a rejection would be our bug and shows
    // up as a failed valid case.
    let key = PublicKey::from_sec1_bytes(key).map_err(|e| format!("public key rejected: {e}"))?;
    let signature = parse(signature).map_err(|e| e.to_string())?;
    verify(&key, message, &signature).map_err(|e| e.to_string())
}

/// The EOS path reads the compact `i ‖ r ‖ s` form; the encodings here carry `r` and `s`
/// only, so they are parsed (strict DER, or exactly 64 bytes) and given a recovery byte,
/// which verification does not read.
fn verify_k256(
    key: &[u8],
    message: &[u8],
    signature: &[u8],
    encoding: Encoding,
) -> Result<(), String> {
    let compressed = k256::ecdsa::VerifyingKey::from_sec1_bytes(key)
        .map_err(|e| format!("public key rejected: {e}"))?
        .to_encoded_point(true);
    let key = eos::PublicKey::from_compressed(compressed.as_bytes())
        .map_err(|e| format!("public key rejected: {e}"))?;
    let (r, s): ([u8; 32], [u8; 32]) = match encoding {
        Encoding::P1363 => {
            if signature.len() != 64 {
                return Err(format!("{} bytes, not 64 (r ‖ s)", signature.len()));
            }
            let mut r = [0u8; 32];
            let mut s = [0u8; 32];
            r.copy_from_slice(&signature[..32]);
            s.copy_from_slice(&signature[32..]);
            (r, s)
        }
        Encoding::Der | Encoding::DerLowS => {
            let parsed = k256::ecdsa::Signature::from_der(signature)
                .map_err(|_| format!("not a strict DER signature ({} bytes)", signature.len()))?;
            let (r, s) = parsed.split_bytes();
            (r.into(), s.into())
        }
    };
    let signature = eos::Signature { i: 31, r, s };
    if matches!(encoding, Encoding::DerLowS) && signature.is_high_s() {
        return Err("s > n/2 (high S)".into());
    }
    signature
        .verify_digest(&eos::sha256(message), &key)
        .map_err(|e| e.to_string())
}
