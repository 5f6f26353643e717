//! Recipe for `ontology/signatures.json`: login/signMessage signatures from seeded keys,
//! the valid forms a dApp MUST accept (65-byte, 64-byte, high-S) and every malformed family
//! it MUST reject, each invalid case naming the rejection it expects (`reason`).

use serde_json::json;

use crate::protocol::ontology::crypto::{sign, Address, OntSignature, PrivateKey};
use crate::vectors::{TestCase, TestGroup, TestResult, VectorFile};

use super::keys::notes;
use TestResult::{Invalid, Valid};

/// The P-256 group order n, big-endian hex.
const ORDER_HEX: &str = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551";

/// Messages signed by every key: ASCII, digits that look like hex, non-ASCII, JSON-ish text.
const MESSAGES: &[&str] = &[
    "helloworld",
    "1122334",
    "qrconform login 7f3a: 签名 ✓",
    "{\"nonce\":42}",
];

pub fn build() -> VectorFile {
    let groups = (1..=3).map(key_group).collect();
    let notes = notes(&[
        (
            "Deterministic",
            "The signature is sign(privateKey, message): RFC 6979 nonce, low S, 65-byte form.",
        ),
        (
            "HighS",
            "s > n/2; valid, and dApps MUST accept it (ONT-L4).",
        ),
        (
            "Plain64",
            "64-byte r‖s without the scheme byte; valid, dApps MUST accept it (ONT-L4).",
        ),
        (
            "Hex",
            "ishex is true: the signed bytes are the hex-decoded message (ONT-S2).",
        ),
        (
            "Der",
            "DER-encoded signature; the protocol never uses DER (ONT-L5).",
        ),
        ("WrongScheme", "The scheme byte is not 0x01."),
        ("Truncated", "Bytes removed from the end."),
        ("Extended", "Bytes appended at the end."),
        ("RZero", "r = 0."),
        ("SZero", "s = 0."),
        ("ROutOfRange", "r >= n."),
        ("SOutOfRange", "s >= n."),
        ("OtherKey", "Signed by a different key than the group's."),
        ("OtherMessage", "Signed over a different message."),
        (
            "IshexConfusion",
            "Signed over the UTF-8 bytes but checked as hex, or the reverse.",
        ),
        (
            "NotHex",
            "ishex is true but the message is not hex: nothing may be signed or accepted.",
        ),
    ]);
    VectorFile::numbered(
        "ONTOLOGY-SIGNATURES",
        "qrconform vectors regen (recipe signatures)",
        json!({
            "recipe": "src/vectors/recipes/signatures.rs",
            "seeds": "PrivateKey::from_seed(\"qrconform/vectors/signatures/<n>\")",
            "clauses": ["ONT-L3", "ONT-L4", "ONT-L5", "ONT-S2"],
        }),
        notes,
        groups,
    )
}

fn key(index: usize) -> PrivateKey {
    PrivateKey::from_seed(&format!("qrconform/vectors/signatures/{index}"))
}

fn test(
    comment: String,
    flags: &[&str],
    message: &str,
    ishex: bool,
    signature: String,
    result: TestResult,
    reason: Option<&str>,
) -> TestCase {
    TestCase::new(
        comment,
        flags,
        json!({"message": message, "ishex": ishex, "signature": signature, "reason": reason}),
        result,
    )
}

fn key_group(index: usize) -> TestGroup {
    let signer = key(index);
    let other = key(index + 100);
    let public = signer.public_key();
    let mut tests = Vec::new();
    for message in MESSAGES {
        let good = sign(&signer, message.as_bytes());
        tests.extend(families(&signer, &other, message, &good));
    }
    // ishex: the signed bytes are the decoded hex, and confusing the two is caught.
    let hex_message = "aabbccdd0011";
    let over_bytes = sign(&signer, &hex::decode(hex_message).expect("recipe hex"));
    let over_text = sign(&signer, hex_message.as_bytes());
    tests.push(test(
        format!("ishex message {hex_message}"),
        &["Deterministic", "Hex"],
        hex_message,
        true,
        over_bytes.to_hex(),
        Valid,
        None,
    ));
    tests.push(test(
        "hex-decoded signature checked as UTF-8".into(),
        &["IshexConfusion"],
        hex_message,
        false,
        over_bytes.to_hex(),
        Invalid,
        Some("mismatch"),
    ));
    tests.push(test(
        "UTF-8 signature checked as hex".into(),
        &["IshexConfusion"],
        hex_message,
        true,
        over_text.to_hex(),
        Invalid,
        Some("mismatch"),
    ));
    tests.push(test(
        "ishex with a message that is not hex".into(),
        &["NotHex"],
        "hello",
        true,
        over_text.to_hex(),
        Invalid,
        Some("message-hex"),
    ));
    tests.push(test(
        "ishex with an odd number of hex digits".into(),
        &["NotHex"],
        "abc",
        true,
        over_text.to_hex(),
        Invalid,
        Some("message-hex"),
    ));
    TestGroup::new(
        "OntologySignatureVerify",
        json!({
            "privateKey": signer.to_hex(),
            "publicKey": public.to_hex(),
            "address": Address::from_public_key(&public).to_base58(),
        }),
        tests,
    )
}

/// Every family for one message signed by `signer`.
fn families(
    signer: &PrivateKey,
    other: &PrivateKey,
    message: &str,
    good: &OntSignature,
) -> Vec<TestCase> {
    let scheme = good.to_scheme_bytes();
    let plain = good.to_plain_bytes();
    let with_scheme_byte = |byte: u8| {
        let mut bytes = scheme;
        bytes[0] = byte;
        hex::encode(bytes)
    };
    let with_r = |r: &str| format!("01{r}{}", hex::encode(good.s));
    let with_s = |s: &str| format!("01{}{s}", hex::encode(good.r));
    let der = p256::ecdsa::Signature::from_scalars(good.r, good.s)
        .expect("a signed pair is in range")
        .to_der();
    let other_message = format!("{message}.");
    let short = |what: &str| format!("{what} of \"{message}\"");
    vec![
        test(
            short("signature"),
            &["Deterministic"],
            message,
            false,
            good.to_hex(),
            Valid,
            None,
        ),
        test(
            short("64-byte signature"),
            &["Plain64"],
            message,
            false,
            hex::encode(plain),
            Valid,
            None,
        ),
        test(
            short("high-S signature"),
            &["HighS"],
            message,
            false,
            good.with_negated_s().to_hex(),
            Valid,
            None,
        ),
        test(
            short("high-S 64-byte signature"),
            &["HighS", "Plain64"],
            message,
            false,
            hex::encode(good.with_negated_s().to_plain_bytes()),
            Valid,
            None,
        ),
        test(
            short("DER signature"),
            &["Der"],
            message,
            false,
            hex::encode(der.as_bytes()),
            Invalid,
            Some("der"),
        ),
        test(
            short("DER signature behind a 0x01 scheme byte"),
            &["Der"],
            message,
            false,
            format!("01{}", hex::encode(der.as_bytes())),
            Invalid,
            Some("length"),
        ),
        test(
            short("scheme byte 0x02 (SHA384withECDSA)"),
            &["WrongScheme"],
            message,
            false,
            with_scheme_byte(0x02),
            Invalid,
            Some("scheme"),
        ),
        test(
            short("scheme byte 0x00 (SHA224withECDSA)"),
            &["WrongScheme"],
            message,
            false,
            with_scheme_byte(0x00),
            Invalid,
            Some("scheme"),
        ),
        test(
            short("scheme byte 0x09 (SM3withSM2)"),
            &["WrongScheme"],
            message,
            false,
            with_scheme_byte(0x09),
            Invalid,
            Some("scheme"),
        ),
        test(
            short("scheme byte 0xff (unknown)"),
            &["WrongScheme"],
            message,
            false,
            with_scheme_byte(0xff),
            Invalid,
            Some("scheme"),
        ),
        // 65 bytes minus one is 64 and parses as r‖s: it is rejected by verification, not by shape.
        test(
            short("last byte dropped"),
            &["Truncated"],
            message,
            false,
            hex::encode(&scheme[..64]),
            Invalid,
            Some("mismatch"),
        ),
        test(
            short("last two bytes dropped"),
            &["Truncated"],
            message,
            false,
            hex::encode(&scheme[..63]),
            Invalid,
            Some("length"),
        ),
        test(
            short("r only"),
            &["Truncated"],
            message,
            false,
            hex::encode(&scheme[..33]),
            Invalid,
            Some("length"),
        ),
        test(
            short("empty signature"),
            &["Truncated"],
            message,
            false,
            String::new(),
            Invalid,
            Some("length"),
        ),
        test(
            short("zero byte appended"),
            &["Extended"],
            message,
            false,
            format!("{}00", good.to_hex()),
            Invalid,
            Some("length"),
        ),
        test(
            short("scheme byte prepended twice"),
            &["Extended"],
            message,
            false,
            format!("01{}", good.to_hex()),
            Invalid,
            Some("length"),
        ),
        test(
            short("r = 0"),
            &["RZero"],
            message,
            false,
            with_r(&"00".repeat(32)),
            Invalid,
            Some("r-zero"),
        ),
        test(
            short("s = 0"),
            &["SZero"],
            message,
            false,
            with_s(&"00".repeat(32)),
            Invalid,
            Some("s-zero"),
        ),
        test(
            short("r = n"),
            &["ROutOfRange"],
            message,
            false,
            with_r(ORDER_HEX),
            Invalid,
            Some("r-range"),
        ),
        test(
            short("r = 2^256 - 1"),
            &["ROutOfRange"],
            message,
            false,
            with_r(&"ff".repeat(32)),
            Invalid,
            Some("r-range"),
        ),
        test(
            short("s = n"),
            &["SOutOfRange"],
            message,
            false,
            with_s(ORDER_HEX),
            Invalid,
            Some("s-range"),
        ),
        test(
            short("s = 2^256 - 1"),
            &["SOutOfRange"],
            message,
            false,
            with_s(&"ff".repeat(32)),
            Invalid,
            Some("s-range"),
        ),
        test(
            short("signature by another key"),
            &["OtherKey"],
            message,
            false,
            sign(other, message.as_bytes()).to_hex(),
            Invalid,
            Some("mismatch"),
        ),
        test(
            short("signature over another message"),
            &["OtherMessage"],
            message,
            false,
            sign(signer, other_message.as_bytes()).to_hex(),
            Invalid,
            Some("mismatch"),
        ),
        test(
            short("signature over the double SHA-256 of the message"),
            &["OtherMessage"],
            message,
            false,
            sign(
                signer,
                &crate::protocol::ontology::crypto::sha256(message.as_bytes()),
            )
            .to_hex(),
            Invalid,
            Some("mismatch"),
        ),
    ]
}
