//! Recipes for `simplewallet/keys.json` and `simplewallet/signatures.json` (EOS keys and
//! `SIG_K1_` signatures, profile SW-L3 and SW-S1), and [`check`], the verdict of the
//! `SIMPLEWALLET-CRYPTO` family that the vector harness applies to these files and to the
//! external `simplewallet/eosjs_ecc.json` and `simplewallet/mykey.json`.
//!
//! The group type picks the operation a case exercises:
//!
//! - `EosPrivateKey`: `input` (WIF or `PVT_K1_`) parses to `privateKey` (hex) and writes back
//!   as `wif`, `pvtK1`, `publicKey`, `pubK1`, `compressed`; with `seed`, `seedPrivate(seed)`
//!   is that key. Invalid: the rejection `reason`. Generated cases give every form; external
//!   ones only `publicKey` and the forms their source publishes.
//! - `EosPublicKey`: `input` (`EOS…` or `PUB_K1_…`) parses to `compressed` and writes back as
//!   `publicKey` and `pubK1` (the last two only when given). Invalid: the rejection `reason`.
//! - `EosSign`: the group's `privateKey` signs `message` (UTF-8, hashed once) or `digest`
//!   (signed as is) giving `signature`, byte for byte, after `nonce` retries when given; the
//!   signature is canonical, verifies and recovers the group's `publicKey`.
//! - `EosVerify`: `signature` over `message` or `digest` verifies against the group's
//!   `publicKey` (or fails for `reason`); `recovers` is the key recovery gives; `canonical`
//!   is whether EOS nodes accept its form; `eosjsSigns: false` says the group's `privateKey`
//!   signing the same digest must give another signature (a signer other than eosjs-ecc).
//! - `EosSignatureText`: `signature` parses and is canonical, or is refused for `reason`.
//!
//! In `EosSign` and `EosVerify`, a `login` object `{timestamp, account, uuID, ref}` (with
//! MYKEY's `mykeyUID`, when given) must join to `message` with no separators (SW-L3).
//!
//! Rejection reasons: `base58`, `length`, `checksum`, `prefix`, `version`,
//! `compression-flag`, `key-range`, `point`, `recovery-byte`, `non-canonical`,
//! `scalar-range`, `mismatch`, `unrecoverable`.

use ripemd::{Digest as _, Ripemd160};
use serde_json::{json, Map, Value};

use crate::protocol::simplewallet::crypto::{
    sha256, CryptoError, PrivateKey, PublicKey, Signature,
};
use crate::vectors::{TestCase, TestGroup, TestResult, VectorFile};

use TestResult::{Invalid, Valid};

/// The order of secp256k1, big-endian.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

// ---------------------------------------------------------------------------------------------
// The verdict
// ---------------------------------------------------------------------------------------------

/// Judges one case of a `SIMPLEWALLET-CRYPTO` file.
pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    match group.kind.as_str() {
        "EosPrivateKey" => check_private_key(case),
        "EosPublicKey" => check_public_key(case),
        "EosSign" => check_sign(group, case),
        "EosVerify" => check_verify(group, case),
        "EosSignatureText" => check_signature_text(case),
        other => Err(format!("unknown group type `{other}`")),
    }
}

/// Compares a library outcome with the case's `result` and `reason`.
fn judge<T>(case: &TestCase, outcome: Result<T, CryptoError>) -> Result<Option<T>, String> {
    match (case.result, outcome) {
        (Valid, Ok(value)) => Ok(Some(value)),
        (Valid, Err(e)) => Err(format!("expected valid, rejected as `{}`: {e}", e.kind())),
        (Invalid, Ok(_)) => Err(format!(
            "expected rejection `{}`, accepted",
            case.input_str("reason").unwrap_or("any")
        )),
        (Invalid, Err(e)) => {
            let want = case.input_str("reason")?;
            let got = e.kind();
            if want == got {
                Ok(None)
            } else {
                Err(format!("rejected as `{got}` ({e}), expected `{want}`"))
            }
        }
        (TestResult::Acceptable, _) => Ok(None),
    }
}

fn same(field: &str, want: &str, got: &str) -> Result<(), String> {
    if want == got {
        Ok(())
    } else {
        Err(format!("`{field}`: expected {want}, got {got}"))
    }
}

/// Compares an expected text with the library's, when the case gives it: external vectors
/// carry only the forms their source publishes.
fn same_if_given(case: &TestCase, field: &str, got: &str) -> Result<(), String> {
    match case.inputs.get(field) {
        None => Ok(()),
        Some(want) => same(
            field,
            want.as_str().ok_or(format!("`{field}` is not a string"))?,
            got,
        ),
    }
}

fn check_private_key(case: &TestCase) -> Result<(), String> {
    let input = case.input_str("input")?;
    let Some(key) = judge(case, PrivateKey::from_wif(input))? else {
        return Ok(());
    };
    same_if_given(case, "privateKey", &hex::encode(key.to_bytes()))?;
    same_if_given(case, "wif", &key.to_wif())?;
    same_if_given(case, "pvtK1", &key.to_pvt_k1())?;
    check_public_forms(case, &key.public_key())?;
    if let Some(seed) = case.inputs.get("seed").and_then(Value::as_str) {
        let seeded = PrivateKey::from_seed(seed);
        same(
            "seed",
            &hex::encode(seeded.to_bytes()),
            &hex::encode(key.to_bytes()),
        )?;
    }
    Ok(())
}

/// `publicKey` is required; `pubK1` and `compressed` are compared when given.
fn check_public_forms(case: &TestCase, key: &PublicKey) -> Result<(), String> {
    same("publicKey", case.input_str("publicKey")?, &key.to_legacy())?;
    same_if_given(case, "pubK1", &key.to_pub_k1())?;
    same_if_given(case, "compressed", &hex::encode(key.compressed()))
}

fn check_public_key(case: &TestCase) -> Result<(), String> {
    let input = case.input_str("input")?;
    match judge(case, input.parse::<PublicKey>())? {
        Some(key) => check_public_forms(case, &key),
        None => Ok(()),
    }
}

/// The digest a case covers: SHA-256 of `message` (UTF-8), or `digest` as is.
fn case_digest(case: &TestCase) -> Result<[u8; 32], String> {
    if let Some(message) = case.inputs.get("message").and_then(Value::as_str) {
        return Ok(sha256(message.as_bytes()));
    }
    let bytes = hex::decode(case.input_str("digest")?).map_err(|e| format!("`digest`: {e}"))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| "`digest` is not 32 bytes".to_string())
}

fn group_public_key(group: &TestGroup) -> Result<PublicKey, String> {
    let text = group
        .attributes
        .get("publicKey")
        .and_then(Value::as_str)
        .ok_or("group has no `publicKey`")?;
    text.parse().map_err(|e| format!("group `publicKey`: {e}"))
}

fn group_private_key(group: &TestGroup) -> Result<PrivateKey, String> {
    let text = group
        .attributes
        .get("privateKey")
        .and_then(Value::as_str)
        .ok_or("group has no `privateKey`")?;
    PrivateKey::from_wif(text).map_err(|e| format!("group `privateKey`: {e}"))
}

/// A `login` object `{timestamp, account, uuID, ref}` (and MYKEY's `mykeyUID`, when given)
/// must join, with no separators, to the case's `message` (SW-L3).
fn check_login(case: &TestCase) -> Result<(), String> {
    let Some(login) = case.inputs.get("login") else {
        return Ok(());
    };
    let part = |name: &str| {
        login
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("`login.{name}` is missing or not a string"))
    };
    let mut joined = format!(
        "{}{}{}{}",
        part("timestamp")?,
        part("account")?,
        part("uuID")?,
        part("ref")?
    );
    if login.get("mykeyUID").is_some() {
        joined.push_str(part("mykeyUID")?);
    }
    same(
        "message (timestamp + account + uuID + ref)",
        case.input_str("message")?,
        &joined,
    )
}

fn check_sign(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    if case.result != Valid {
        return Err("EosSign cases are valid by construction".into());
    }
    let key = group_private_key(group)?;
    let public = group_public_key(group)?;
    same(
        "group publicKey",
        &public.to_legacy(),
        &key.public_key().to_legacy(),
    )?;
    check_login(case)?;
    let digest = case_digest(case)?;
    let (signature, nonce) = key.sign_digest_counting(&digest);
    same(
        "signature",
        case.input_str("signature")?,
        &signature.to_string(),
    )?;
    if let Some(want) = case.inputs.get("nonce") {
        if want.as_u64() != Some(u64::from(nonce)) {
            return Err(format!(
                "`nonce`: expected {want}, eosjs-ecc's retry count is {nonce}"
            ));
        }
    }
    if !signature.is_canonical() {
        return Err("the signature is not canonical".into());
    }
    signature
        .verify_digest(&digest, &public)
        .map_err(|e| format!("the signature does not verify: {e}"))?;
    let recovered = signature
        .recover_digest(&digest)
        .map_err(|e| format!("no key recovered: {e}"))?;
    same("recovered key", &public.to_legacy(), &recovered.to_legacy())
}

fn check_verify(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    let public = group_public_key(group)?;
    let signature: Signature = case
        .input_str("signature")?
        .parse()
        .map_err(|e| format!("`signature` does not parse: {e}"))?;
    check_login(case)?;
    let digest = case_digest(case)?;
    judge(case, signature.verify_digest(&digest, &public))?;
    if let Some(want) = case.inputs.get("recovers").and_then(Value::as_str) {
        let got = signature
            .recover_digest(&digest)
            .map_err(|e| format!("no key recovered: {e}"))?;
        same("recovers", want, &got.to_legacy())?;
    }
    if let Some(want) = case.inputs.get("canonical").and_then(Value::as_bool) {
        if signature.is_canonical() != want {
            return Err(format!("`canonical`: expected {want}"));
        }
    }
    if case.inputs.get("eosjsSigns").and_then(Value::as_bool) == Some(false) {
        let ours = group_private_key(group)?.sign_digest(&digest);
        if ours == signature {
            return Err(
                "eosjs-ecc signing reproduces a signature marked as another signer's".into(),
            );
        }
    }
    Ok(())
}

fn check_signature_text(case: &TestCase) -> Result<(), String> {
    // The library checks the canonical rule apart from parsing (eosjs-ecc reads what nodes
    // refuse), so a text that parses but is not canonical is judged in its own step.
    let outcome = match case.input_str("signature")?.parse::<Signature>() {
        Err(e) => Err((e.kind(), e.to_string())),
        Ok(signature) if !signature.is_canonical() => {
            Err(("non-canonical", "r or s is not 32 bytes in DER".to_string()))
        }
        Ok(_) => Ok(()),
    };
    match (case.result, outcome) {
        (Valid, Ok(())) | (TestResult::Acceptable, _) => Ok(()),
        (Valid, Err((kind, detail))) => {
            Err(format!("expected valid, rejected as `{kind}`: {detail}"))
        }
        (Invalid, Ok(())) => Err(format!(
            "expected rejection `{}`, accepted",
            case.input_str("reason").unwrap_or("any")
        )),
        (Invalid, Err((kind, detail))) => {
            let want = case.input_str("reason")?;
            if want == kind {
                Ok(())
            } else {
                Err(format!(
                    "rejected as `{kind}` ({detail}), expected `{want}`"
                ))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Shared building blocks
// ---------------------------------------------------------------------------------------------

fn notes(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect()
}

fn ripemd_k1(parts: &[&[u8]]) -> [u8; 4] {
    let mut hasher = Ripemd160::new();
    for part in parts {
        hasher.update(part);
    }
    let digest = hasher.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

fn sha256d4(bytes: &[u8]) -> [u8; 4] {
    let digest = sha256(&sha256(bytes));
    [digest[0], digest[1], digest[2], digest[3]]
}

/// base58 of `payload ‖ checksum`.
fn b58(payload: &[u8], checksum: [u8; 4]) -> String {
    let mut bytes = payload.to_vec();
    bytes.extend_from_slice(&checksum);
    bs58::encode(bytes).into_string()
}

/// A legacy WIF of arbitrary payload bytes, with a correct double-SHA-256 checksum.
fn wif_of(payload: &[u8]) -> String {
    b58(payload, sha256d4(payload))
}

/// A `PVT_K1_` text of arbitrary key bytes, with a correct K1 checksum.
fn pvt_k1_of(key: &[u8]) -> String {
    format!("PVT_K1_{}", b58(key, ripemd_k1(&[key, b"K1"])))
}

/// An `EOS…` text of arbitrary point bytes, with a correct legacy checksum.
fn eos_of(point: &[u8]) -> String {
    format!("EOS{}", b58(point, ripemd_k1(&[point])))
}

/// A `SIG_K1_` text of arbitrary bytes, with a correct K1 checksum.
fn sig_k1_of(bytes: &[u8]) -> String {
    format!("SIG_K1_{}", b58(bytes, ripemd_k1(&[bytes, b"K1"])))
}

/// Replaces the last character of a base58 text with another base58 character, which
/// changes the checksum bytes and nothing before them.
fn flip_last(text: &str) -> String {
    let mut flipped = text.to_string();
    let last = flipped.pop().unwrap_or('1');
    flipped.push(if last == '2' { '3' } else { '2' });
    flipped
}

fn private_key_valid(
    comment: &str,
    flags: &[&str],
    input: &str,
    key: &PrivateKey,
    seed: Option<&str>,
) -> TestCase {
    let public = key.public_key();
    let mut inputs = json!({
        "input": input,
        "privateKey": hex::encode(key.to_bytes()),
        "wif": key.to_wif(),
        "pvtK1": key.to_pvt_k1(),
        "publicKey": public.to_legacy(),
        "pubK1": public.to_pub_k1(),
        "compressed": hex::encode(public.compressed()),
    });
    if let Some(seed) = seed {
        inputs["seed"] = Value::String(seed.to_string());
    }
    TestCase::new(comment, flags, inputs, Valid)
}

fn invalid(comment: &str, flags: &[&str], field: &str, text: &str, reason: &str) -> TestCase {
    TestCase::new(
        comment,
        flags,
        json!({ field: text, "reason": reason }),
        Invalid,
    )
}

// ---------------------------------------------------------------------------------------------
// keys.json
// ---------------------------------------------------------------------------------------------

/// The seeds of the generated keys (eosjs-ecc `seedPrivate`), including an empty and a
/// non-ASCII one.
const SEEDS: &[&str] = &[
    "",
    "qrconform",
    "qrconform-eos-wallet",
    "qrconform-eos-dapp",
    "mykeydoctest",
    "ключ",
    "🔑 seed with spaces",
    "0",
];

pub fn build_keys() -> VectorFile {
    let mut private_cases = Vec::new();
    let mut public_cases = Vec::new();
    for seed in SEEDS {
        let key = PrivateKey::from_seed(seed);
        let shown = format!("{seed:?}");
        private_cases.push(private_key_valid(
            &format!("seedPrivate({shown}), read from its WIF"),
            &["Seeded"],
            &key.to_wif(),
            &key,
            Some(seed),
        ));
        private_cases.push(private_key_valid(
            &format!("seedPrivate({shown}), read from its PVT_K1_ form"),
            &["Seeded"],
            &key.to_pvt_k1(),
            &key,
            Some(seed),
        ));
        let public = key.public_key();
        for input in [public.to_legacy(), public.to_pub_k1()] {
            public_cases.push(TestCase::new(
                format!(
                    "public key of seedPrivate({shown}), {} form",
                    if input.starts_with("EOS") {
                        "EOS"
                    } else {
                        "PUB_K1_"
                    }
                ),
                &["Seeded"],
                json!({
                    "input": input,
                    "publicKey": public.to_legacy(),
                    "pubK1": public.to_pub_k1(),
                    "compressed": hex::encode(public.compressed()),
                }),
                Valid,
            ));
        }
    }

    let key = PrivateKey::from_seed("qrconform");
    let d = key.to_bytes();
    let versioned = |version: u8, tail: &[u8]| {
        let mut payload = vec![version];
        payload.extend_from_slice(&d);
        payload.extend_from_slice(tail);
        payload
    };
    private_cases.push(private_key_valid(
        "WIF with the compression flag 01 after the key (eosjs-ecc strips it)",
        &["CompressionFlag"],
        &wif_of(&versioned(0x80, &[0x01])),
        &key,
        None,
    ));
    let mut zero_payload = vec![0x80];
    zero_payload.extend_from_slice(&[0u8; 32]);
    let mut order_payload = vec![0x80];
    order_payload.extend_from_slice(&ORDER);
    let mut short_key = vec![0x80];
    short_key.extend_from_slice(&d[..31]);
    let pvt_body = key.to_pvt_k1();
    let over_long = format!("5{}", "K".repeat(200));
    for (comment, text, reason) in [
        (
            "WIF whose checksum is altered",
            flip_last(&key.to_wif()),
            "checksum",
        ),
        (
            "WIF with version byte 0x81 and a correct checksum",
            wif_of(&versioned(0x81, &[])),
            "version",
        ),
        (
            "WIF with version byte 0x00 and a correct checksum",
            wif_of(&versioned(0x00, &[])),
            "version",
        ),
        (
            "WIF with 31 key bytes and a correct checksum",
            wif_of(&short_key),
            "length",
        ),
        (
            "WIF whose 33rd key byte is 02, not the compression flag",
            wif_of(&versioned(0x80, &[0x02])),
            "compression-flag",
        ),
        ("WIF of the scalar 0", wif_of(&zero_payload), "key-range"),
        (
            "WIF of the scalar n (the group order)",
            wif_of(&order_payload),
            "key-range",
        ),
        (
            "WIF with a character outside base58 (0)",
            key.to_wif().replacen('5', "0", 1),
            "base58",
        ),
        ("empty text", String::new(), "length"),
        ("201 characters", over_long, "length"),
        (
            "PVT_K1_ whose checksum is altered",
            flip_last(&pvt_body),
            "checksum",
        ),
        (
            "PVT_K1_ with the legacy WIF's checksum rule",
            format!("PVT_K1_{}", b58(&d, sha256d4(&d))),
            "checksum",
        ),
        (
            "PVT_K1_ with 31 key bytes and a correct checksum",
            pvt_k1_of(&d[..31]),
            "length",
        ),
        (
            "PVT_K1_ of the scalar 0",
            pvt_k1_of(&[0u8; 32]),
            "key-range",
        ),
        (
            "PVT_K1_ with an empty body",
            "PVT_K1_".to_string(),
            "length",
        ),
    ] {
        private_cases.push(invalid(comment, &["Malformed"], "input", &text, reason));
    }

    let public = key.public_key();
    let point = public.compressed();
    let legacy_body = public.to_legacy()[3..].to_string();
    let k1_body = public.to_pub_k1()[7..].to_string();
    // x = 5 has no y on secp256k1 (5^3 + 7 = 132 is not a square mod p).
    let mut off_curve = [0u8; 33];
    off_curve[0] = 0x02;
    off_curve[32] = 5;
    let mut prefix_four = point;
    prefix_four[0] = 0x04;
    for (comment, text, reason) in [
        (
            "EOS key whose checksum is altered",
            flip_last(&public.to_legacy()),
            "checksum",
        ),
        (
            "PUB_K1_ key whose checksum is altered",
            flip_last(&public.to_pub_k1()),
            "checksum",
        ),
        (
            "PUB_K1_ prefix on the EOS form's body (legacy checksum)",
            format!("PUB_K1_{legacy_body}"),
            "checksum",
        ),
        (
            "EOS prefix on the PUB_K1_ form's body (K1 checksum)",
            format!("EOS{k1_body}"),
            "checksum",
        ),
        (
            "lower-case eos prefix",
            format!("eos{legacy_body}"),
            "prefix",
        ),
        ("no prefix", legacy_body.clone(), "prefix"),
        ("PUB_R1_ prefix", format!("PUB_R1_{k1_body}"), "prefix"),
        (
            "32-byte point with a correct checksum",
            eos_of(&point[..32]),
            "length",
        ),
        (
            "x = 5, not on the curve, with a correct checksum",
            eos_of(&off_curve),
            "point",
        ),
        (
            "SEC1 tag 04 on a 33-byte point, with a correct checksum",
            eos_of(&prefix_four),
            "point",
        ),
        (
            "a character outside base58 (l)",
            format!("EOSl{}", &legacy_body[1..]),
            "base58",
        ),
        ("EOS with nothing after it", "EOS".to_string(), "length"),
    ] {
        public_cases.push(invalid(comment, &["Malformed"], "input", &text, reason));
    }

    VectorFile::numbered(
        "SIMPLEWALLET-CRYPTO",
        "qrconform vectors recipes::eos_crypto::build_keys",
        json!({
            "recipe": "seeded keys: the scalar is SHA-256 of the seed (eosjs-ecc seedPrivate); \
                       malformed texts are built from the seed `qrconform`'s key with correct \
                       checksums wherever the property under test is not the checksum",
            "clauses": ["SW-L3", "SW-L4"],
            "digest": "shared spec simplewallet.md §5.1, §5.2",
        }),
        notes(&[
            (
                "Seeded",
                "The key is PrivateKey::from_seed(seed), eosjs-ecc seedPrivate.",
            ),
            (
                "CompressionFlag",
                "A 38-byte WIF (key ‖ 01); eosjs-ecc fromBuffer strips the flag.",
            ),
            (
                "Malformed",
                "The text must be refused for the named `reason`.",
            ),
        ]),
        vec![
            TestGroup::new("EosPrivateKey", json!({}), private_cases),
            TestGroup::new("EosPublicKey", json!({}), public_cases),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// signatures.json
// ---------------------------------------------------------------------------------------------

/// The login POST fields of generated case `index` (SW-L2): decimal seconds, an account,
/// a uuID and the wallet's `ref`.
fn login_fields(index: u32) -> (String, String, String, String) {
    const ACCOUNTS: &[&str] = &[
        "testaccount1",
        "mykeydoctest",
        "eosio.token",
        "alice.x",
        "b1",
    ];
    const REFS: &[&str] = &["MockWallet", "mykey", "TokenPocket", "MathWallet"];
    let timestamp = (1_546_613_919u64 + u64::from(index) * 3_607).to_string();
    let account = ACCOUNTS[index as usize % ACCOUNTS.len()].to_string();
    let seed = sha256(format!("uuID {index}").as_bytes());
    let h = hex::encode(&seed[..16]);
    let uuid = format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    );
    let reference = REFS[index as usize % REFS.len()].to_string();
    (timestamp, account, uuid, reference)
}

/// How many login cases each retry count 0..=3 gets.
const LOGINS_PER_NONCE: usize = 2;

pub fn build_signatures() -> VectorFile {
    let wallet = PrivateKey::from_seed("qrconform-eos-wallet");
    let public = wallet.public_key();

    // Login signatures, picked in index order until every retry count 0..=3 has its share.
    let mut per_nonce = [0usize; 4];
    let mut login_cases = Vec::new();
    for index in 0..400u32 {
        if per_nonce.iter().all(|n| *n >= LOGINS_PER_NONCE) {
            break;
        }
        let (timestamp, account, uuid, reference) = login_fields(index);
        let message = format!("{timestamp}{account}{uuid}{reference}");
        let digest = sha256(message.as_bytes());
        let (signature, nonce) = wallet.sign_digest_counting(&digest);
        let Some(slot) = per_nonce.get_mut(nonce as usize) else {
            continue;
        };
        if *slot >= LOGINS_PER_NONCE {
            continue;
        }
        *slot += 1;
        login_cases.push(TestCase::new(
            format!("login signature, eosjs-ecc retry nonce {nonce}"),
            &["Login"],
            json!({
                "login": {"timestamp": timestamp, "account": account, "uuID": uuid, "ref": reference},
                "message": message,
                "digest": hex::encode(digest),
                "signature": signature.to_string(),
                "nonce": nonce,
            }),
            Valid,
        ));
    }

    // Plain messages (the MYKEY sign action, SW-S1) and raw digests.
    let mut message_cases = Vec::new();
    for message in [
        "",
        "hello",
        "Sign this to prove you own the account",
        "签名 ✓ ключ",
        "line\nbreak\ttab",
    ] {
        let (signature, nonce) = wallet.sign_digest_counting(&sha256(message.as_bytes()));
        message_cases.push(TestCase::new(
            format!("message {message:?}"),
            &["Message"],
            json!({"message": message, "signature": signature.to_string(), "nonce": nonce}),
            Valid,
        ));
    }
    for (comment, digest) in [
        ("digest of 32 zero bytes", [0u8; 32]),
        (
            "digest of 32 0xff bytes (above n; used raw by eosjs-ecc's nonce)",
            [0xffu8; 32],
        ),
    ] {
        let (signature, nonce) = wallet.sign_digest_counting(&digest);
        message_cases.push(TestCase::new(
            comment,
            &["Digest"],
            json!({"digest": hex::encode(digest), "signature": signature.to_string(), "nonce": nonce}),
            Valid,
        ));
    }
    let mut sign_cases = login_cases;
    sign_cases.extend(message_cases);

    // Verification and recovery of signatures eosjs-ecc reads but did not write.
    let message = "1546613919testaccount1e9467118-9321-4916-8153-4a5a9087e51eqrconform";
    let digest = sha256(message.as_bytes());
    let good = wallet.sign_digest(&digest);
    let high = good.high_s();
    let other = PrivateKey::from_seed("qrconform-eos-dapp").public_key();
    let mut verify_cases = vec![
        TestCase::new(
            "the signature as signed",
            &["Reference"],
            json!({"message": message, "signature": good.to_string(), "recovers": public.to_legacy(), "canonical": true}),
            Valid,
        ),
        TestCase::new(
            "high-S twin (s → n - s, recovery parity flipped): verifies, not canonical",
            &["HighS"],
            json!({"message": message, "signature": high.to_string(), "recovers": public.to_legacy(), "canonical": false}),
            Valid,
        ),
    ];
    let mut flipped = good;
    flipped.i = if (good.i - 27) & 1 == 1 {
        good.i - 1
    } else {
        good.i + 1
    };
    let wrong_parity_key = flipped
        .recover_digest(&digest)
        .map(|k| k.to_legacy())
        .unwrap_or_default();
    verify_cases.push(TestCase::new(
        "recovery byte's parity flipped: verifies (verify ignores i), recovers another key",
        &["RecoveryByte"],
        json!({"message": message, "signature": flipped.to_string(), "recovers": wrong_parity_key, "canonical": true}),
        Valid,
    ));
    let mut uncompressed = good;
    uncompressed.i = good.i - 4;
    verify_cases.push(TestCase::new(
        "recovery byte 27–30 (no compressed flag): read as the same recovery id",
        &["RecoveryByte"],
        json!({"message": message, "signature": uncompressed.to_string(), "recovers": public.to_legacy(), "canonical": true}),
        Valid,
    ));
    verify_cases.push(TestCase::new(
        "login string without `ref` (the rule before 2018-08-13)",
        &["WrongMessage"],
        json!({"message": &message[..message.len() - "qrconform".len()], "signature": good.to_string(), "reason": "mismatch"}),
        Invalid,
    ));
    verify_cases.push(TestCase::new(
        "digest hashed twice (a published sample's mistake)",
        &["WrongMessage"],
        json!({"digest": hex::encode(sha256(&digest)), "signature": good.to_string(), "reason": "mismatch"}),
        Invalid,
    ));
    let other_sig = PrivateKey::from_seed("qrconform-eos-dapp").sign_digest(&digest);
    verify_cases.push(TestCase::new(
        "signed by another key",
        &["WrongKey"],
        json!({"message": message, "signature": other_sig.to_string(), "recovers": other.to_legacy(), "reason": "mismatch"}),
        Invalid,
    ));
    for (comment, r, s) in [
        ("r = 0", [0u8; 32], good.s),
        ("s = 0", good.r, [0u8; 32]),
        ("r = n", ORDER, good.s),
        ("s = n", good.r, ORDER),
        ("r = 2^256 - 1", [0xff; 32], good.s),
    ] {
        let bad = Signature { i: good.i, r, s };
        verify_cases.push(TestCase::new(
            comment,
            &["ScalarRange"],
            json!({"message": message, "signature": bad.to_string(), "reason": "scalar-range"}),
            Invalid,
        ));
    }

    // Signature texts: each malformation alone, everything else correct.
    let bytes = good.to_bytes();
    let text = good.to_string();
    let body = &text["SIG_K1_".len()..];
    let with_i = |i: u8| {
        let mut b = bytes;
        b[0] = i;
        sig_k1_of(&b)
    };
    let mut short_r = bytes;
    short_r[1] = 0x00;
    short_r[2] = 0x12;
    let mut text_cases = vec![
        TestCase::new(
            "a canonical signature",
            &["Reference"],
            json!({"signature": text}),
            Valid,
        ),
        TestCase::new(
            "recovery byte 27",
            &["RecoveryByte"],
            json!({"signature": with_i(27)}),
            Valid,
        ),
        TestCase::new(
            "recovery byte 34",
            &["RecoveryByte"],
            json!({"signature": with_i(34)}),
            Valid,
        ),
    ];
    let mut with_extra = bytes.to_vec();
    with_extra.push(0);
    for (comment, malformed, reason) in [
        ("checksum altered", flip_last(&text), "checksum"),
        ("legacy checksum (RIPEMD-160 of the bytes, without K1)", format!("SIG_K1_{}", b58(&bytes, ripemd_k1(&[&bytes]))), "checksum"),
        ("SIG_R1_ prefix", format!("SIG_R1_{body}"), "prefix"),
        ("lower-case sig_k1_ prefix", format!("sig_k1_{body}"), "prefix"),
        ("no prefix", body.to_string(), "prefix"),
        ("130 hex characters (eosjs-ecc Signature.from reads them; the protocol carries SIG_K1_)", hex::encode(bytes), "prefix"),
        ("64 bytes (no recovery byte) with a correct checksum", sig_k1_of(&bytes[1..]), "length"),
        ("66 bytes with a correct checksum", sig_k1_of(&with_extra), "length"),
        ("empty body", "SIG_K1_".to_string(), "length"),
        ("a character outside base58 (0)", format!("SIG_K1_0{}", &body[1..]), "base58"),
        ("recovery byte 26", with_i(26), "recovery-byte"),
        ("recovery byte 35", with_i(35), "recovery-byte"),
        ("recovery byte 0", with_i(0), "recovery-byte"),
        ("recovery byte 255", with_i(255), "recovery-byte"),
        ("high S (not canonical)", high.to_string(), "non-canonical"),
        ("r of 31 bytes in DER (not canonical)", sig_k1_of(&short_r), "non-canonical"),
    ] {
        text_cases.push(invalid(comment, &["Malformed"], "signature", &malformed, reason));
    }

    VectorFile::numbered(
        "SIMPLEWALLET-CRYPTO",
        "qrconform vectors recipes::eos_crypto::build_signatures",
        json!({
            "recipe": "signatures by seedPrivate(\"qrconform-eos-wallet\") with eosjs-ecc 4.0.7's \
                       algorithm; login strings timestamp + account + uuID + ref from fixed \
                       fields, taken in order until each retry count 0..3 has two",
            "clauses": ["SW-L3", "SW-S1"],
            "digest": "shared spec simplewallet.md §3.1, §5.3, §5.4, §5.5",
        }),
        notes(&[
            (
                "Login",
                "The login string of SW-L3; `login` holds the POST fields it joins.",
            ),
            (
                "Message",
                "A message signed as the MYKEY sign action does (SW-S1).",
            ),
            (
                "Digest",
                "A 32-byte digest signed as is (eosjs-ecc signHash).",
            ),
            (
                "Reference",
                "The unaltered signature the other cases derive from.",
            ),
            (
                "HighS",
                "s > n/2: eosjs-ecc verify accepts it; EOS nodes refuse it (not canonical).",
            ),
            (
                "RecoveryByte",
                "eosjs-ecc reads i in 27..34 as recovery id (i - 27) & 3.",
            ),
            (
                "WrongMessage",
                "The signature is checked against the wrong bytes.",
            ),
            ("WrongKey", "The signature is another key's."),
            (
                "ScalarRange",
                "r or s outside [1, n-1], with a correct text checksum.",
            ),
            (
                "Malformed",
                "The text must be refused for the named `reason`.",
            ),
        ]),
        vec![
            TestGroup::new(
                "EosSign",
                json!({"privateKey": wallet.to_wif(), "publicKey": public.to_legacy()}),
                sign_cases,
            ),
            TestGroup::new(
                "EosVerify",
                json!({"publicKey": public.to_legacy()}),
                verify_cases,
            ),
            TestGroup::new("EosSignatureText", json!({}), text_cases),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_retry_count_from_0_to_3_has_its_login_cases() {
        let file = build_signatures();
        let mut counts = [0usize; 4];
        for case in file.cases().filter(|c| c.flags == ["Login"]) {
            let nonce = case.inputs["nonce"].as_u64().expect("a nonce") as usize;
            counts[nonce] += 1;
        }
        assert_eq!(counts, [LOGINS_PER_NONCE; 4]);
    }

    #[test]
    fn a_wrong_reason_fails_the_check() {
        let file = build_keys();
        let group = &file.test_groups[0];
        let mut case = group
            .tests
            .iter()
            .find(|c| c.result == Invalid)
            .expect("an invalid case")
            .clone();
        case.inputs.insert("reason".into(), json!("point"));
        let err = check(group, &case).unwrap_err();
        assert!(err.contains("expected `point`"), "{err}");
    }

    #[test]
    fn a_changed_signature_fails_the_sign_check() {
        let file = build_signatures();
        let group = &file.test_groups[0];
        let mut case = group.tests[0].clone();
        case.inputs.insert(
            "signature".into(),
            json!(flip_last(case.input_str("signature").unwrap())),
        );
        assert!(check(group, &case).unwrap_err().contains("`signature`"));
        let mut case = group.tests[0].clone();
        case.inputs.insert("nonce".into(), json!(9));
        assert!(check(group, &case).unwrap_err().contains("`nonce`"));
        let mut case = group.tests[0].clone();
        case.inputs["login"]["ref"] = json!("other");
        assert!(check(group, &case).unwrap_err().contains("uuID + ref"));
    }
}
