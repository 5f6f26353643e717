//! Recipe for `ontology/transactions.json`: the published ONG-transfer transaction, and
//! transactions built from seeded keys (single key, 2-of-3 multi-sig, WebAssembly invoke,
//! unsigned deploy), each pinned with its fields, hashes and signers; every structural
//! rejection of the strict parser built by editing those bytes; and the signature and payer
//! rejections the node answers with 45021 (profile ONT-I6, ONT-N3).
//!
//! [`check`] is the verdict the vector harness applies to each case; it lives here so the
//! unit tests below apply the same rule to the freshly built file.

use serde_json::{json, Value};

use super::keys::notes;
use crate::protocol::ontology::crypto::{
    multisig_program, sign, Address, OntSignature, PrivateKey, PublicKey,
};
use crate::protocol::ontology::tx::{Payload, Transaction, TxError, TxType};
use crate::vectors::{TestCase, TestGroup, TestResult, VectorFile};

use TestResult::{Invalid, Valid};

/// ontology-ts-sdk test/integration/transferParse.test.ts 'parseTx' (ontology-dapi.md §6).
pub const PUBLISHED_TX: &str = "00d102b56210f401000000000000400d0300000000004f4b954b7057611c02384f5756f6a34f56fc0a597500c66b144f4b954b7057611c02384f5756f6a34f56fc0a596a7cc8145ff0e5382aed9982f2137e1293256a6e9ab1e00c6a7cc80480c3c9016a7cc86c51c1087472616e736665721400000000000000000000000000000000000000020068164f6e746f6c6f67792e4e61746976652e496e766f6b6500014241018ab6942903d54ec88c42d0230b3ce405cd45cca1b9a1faf528b62ecc3f5b3041f2461d37b66e26cfae31ffa688c86206aed725ca7e84c1609890a0f2caebde2f232102981da02fcd82a1647f76935c377f00d5c6d541f346d3abdbb172cf6b9300adc7ac";
const PUBLISHED_CITATION: &str =
    "ontio/ontology-ts-sdk@908eae0:test/integration/transferParse.test.ts 'parseTx'";

/// NeoVM code of the generated invokes: push "hello", PUSH1, PACK, push "say", APPCALL and a
/// made-up 20-byte contract hash.
const INVOKE_CODE: &str = "0568656c6c6f51c1037361796767a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5";
/// A WebAssembly module header, for the 0xd2 invoke.
const WASM_CODE: &str = "0061736d0100000001040160000003020100070801046d61696e00000a040102000b";

// Byte offsets in every invoke transaction below.
const PAYER_END: usize = 42;

fn key(index: usize) -> PrivateKey {
    PrivateKey::from_seed(&format!("qrconform/vectors/tx/{index}"))
}

fn address(key: &PrivateKey) -> Address {
    Address::from_public_key(&key.public_key())
}

fn hex_const(text: &str) -> Vec<u8> {
    hex::decode(text).expect("recipe hex")
}

/// 300 bytes of code, so the code length takes the 0xfd varuint form.
fn long_code() -> Vec<u8> {
    (0..300u32).map(|i| (i * 37 + 11) as u8).collect()
}

fn invoke(nonce: u32, payer: Address, code: Vec<u8>) -> Transaction {
    Transaction {
        version: 0,
        tx_type: TxType::InvokeNeo,
        nonce,
        gas_price: 2500,
        gas_limit: 20000,
        payer,
        payload: Payload::Invoke { code },
        signatures: Vec::new(),
    }
}

fn multisig_keys() -> Vec<PublicKey> {
    (3..=5).map(|i| key(i).public_key()).collect()
}

fn multisig_address() -> Address {
    let (_, program) = multisig_program(2, &multisig_keys()).expect("2-of-3 is a valid shape");
    Address::from_program(&program)
}

fn published() -> Transaction {
    Transaction::from_hex(PUBLISHED_TX).expect("the published transaction parses")
}

/// Signed by key 1, the payer.
fn single_signed() -> Transaction {
    let signer = key(1);
    let mut tx = invoke(1, address(&signer), hex_const(INVOKE_CODE));
    tx.sign_single(&signer).expect("room for a signature");
    tx
}

/// 2-of-3 multi-sig payer, signed by keys 5 and 3 (stored in program order).
fn multisig_signed() -> Transaction {
    let mut tx = invoke(42, multisig_address(), hex_const(INVOKE_CODE));
    tx.add_multisig(2, &multisig_keys(), &[&key(5), &key(3)])
        .expect("signers hold program keys");
    tx
}

fn long_code_signed() -> Transaction {
    let signer = key(2);
    let mut tx = invoke(0xffff_fffe, address(&signer), long_code());
    tx.gas_price = 0;
    tx.gas_limit = 9_007_199_254_740_991;
    tx.sign_single(&signer).expect("room for a signature");
    tx
}

fn deploy_unsigned() -> Transaction {
    Transaction {
        version: 0,
        tx_type: TxType::Deploy,
        nonce: 7,
        gas_price: 500,
        gas_limit: 20_000_000,
        payer: address(&key(1)),
        payload: Payload::Deploy {
            code: hex_const(INVOKE_CODE),
            vm_flags: 0x01,
            name: "qrconform".into(),
            version: "1.0".into(),
            author: "qrconform".into(),
            email: "vectors@example.org".into(),
            description: "deploy vector".into(),
        },
        signatures: Vec::new(),
    }
}

pub fn build() -> VectorFile {
    let notes = notes(&[
        (
            "Published",
            "The transaction appears in the cited public source; its fields and hashes are \
             those listed in ontology-dapi.md §6.",
        ),
        (
            "Seeded",
            "Built from PrivateKey::from_seed(\"qrconform/vectors/tx/<n>\") with fixed nonces \
             and code; signatures use RFC 6979 nonces and low S over the internal hash.",
        ),
        (
            "Multisig",
            "The payer is a 2-of-3 multi-sig address; signatures follow the program's key order.",
        ),
        ("Unsigned", "The transaction carries no signature."),
        ("Deploy", "A 0xd0 deploy payload."),
        (
            "LongCode",
            "The code is 300 bytes, so its length is the 0xfd varuint form.",
        ),
        ("Truncated", "The bytes stop before the transaction ends."),
        ("Attributes", "The attribute count is not 0."),
        ("Trailing", "Bytes follow the last signature."),
        ("TxType", "The type byte is not 0xd0, 0xd1 or 0xd2."),
        (
            "NonCanonical",
            "A varuint is written in a longer form than its value needs.",
        ),
        ("TooManySignatures", "More than 16 signature entries."),
        (
            "Invocation",
            "The invocation script is not a sequence of shortest-form data pushes. Requiring \
             the shortest form is qrconform's rule (so a parsed transaction re-serializes byte \
             for byte); no SDK emits another form.",
        ),
        (
            "Utf8",
            "A deploy string is not UTF-8; qrconform's rule, deploy strings are text.",
        ),
        (
            "SigningConvention",
            "A signature over something other than the 32-byte internal hash (the reversed \
             hash, or the unsigned bytes).",
        ),
        ("Flipped", "One bit of a signature is flipped."),
        ("NonPayer", "Only keys other than the payer's signed."),
        (
            "GoForm",
            "The signature is pushed as 64-byte r‖s (PUSHBYTES64), as the Go SDK does.",
        ),
        ("HighS", "s > n/2; the node accepts either S."),
    ]);
    VectorFile::numbered(
        "ONTOLOGY-TX",
        "qrconform vectors regen (recipe tx)",
        json!({
            "recipe": "src/vectors/recipes/tx.rs",
            "seeds": "PrivateKey::from_seed(\"qrconform/vectors/tx/<n>\")",
            "citations": {"published": PUBLISHED_CITATION},
            "clauses": ["ONT-I6", "ONT-N3"],
        }),
        notes,
        vec![parse_valid_group(), parse_invalid_group(), verify_group()],
    )
}

fn parse_case(comment: &str, flags: &[&str], tx: &Transaction) -> TestCase {
    let signers = tx
        .verify_signatures()
        .expect("recipe transactions verify")
        .iter()
        .map(Address::to_base58)
        .collect::<Vec<_>>();
    let mut inputs = serde_json::Map::new();
    inputs.insert("tx".into(), tx.to_hex().into());
    inputs.extend(tx.header_json());
    inputs.insert("hash".into(), hex::encode(tx.hash()).into());
    inputs.insert("displayHash".into(), tx.display_hash().into());
    inputs.insert("signers".into(), signers.into());
    inputs.insert("payerSigned".into(), tx.check_payer_signed().is_ok().into());
    TestCase::new(comment, flags, inputs.into(), Valid)
}

fn parse_valid_group() -> TestGroup {
    let mut wasm = invoke(3, address(&key(1)), hex_const(WASM_CODE));
    wasm.tx_type = TxType::InvokeWasm;
    wasm.sign_single(&key(1)).expect("room for a signature");

    let mut cosigned = invoke(4, address(&key(1)), hex_const(INVOKE_CODE));
    cosigned.sign_single(&key(6)).expect("room for a signature");
    cosigned.sign_single(&key(1)).expect("room for a signature");

    let tests = vec![
        parse_case(
            &format!("ONG transfer from {PUBLISHED_CITATION}"),
            &["Published"],
            &published(),
        ),
        parse_case(
            "invoke signed by the payer's single key",
            &["Seeded"],
            &single_signed(),
        ),
        parse_case(
            "invoke paid by a 2-of-3 multi-sig address, signed by two of its keys",
            &["Seeded", "Multisig"],
            &multisig_signed(),
        ),
        parse_case(
            "invoke with 300-byte code, nonce 0xfffffffe, gasLimit 2^53-1",
            &["Seeded", "LongCode"],
            &long_code_signed(),
        ),
        parse_case("0xd2 invoke with WebAssembly code", &["Seeded"], &wasm),
        parse_case("two signers, the payer second", &["Seeded"], &cosigned),
        parse_case(
            "unsigned deploy",
            &["Seeded", "Deploy", "Unsigned"],
            &deploy_unsigned(),
        ),
    ];
    TestGroup::new(
        "TxParse",
        json!({"description": "Parses into exactly these fields, re-serializes byte for byte, \
                               and has these hashes and signers."}),
        tests,
    )
}

fn rejected(comment: String, flags: &[&str], bytes: &[u8], reason: &str) -> TestCase {
    TestCase::new(
        comment,
        flags,
        json!({"tx": hex::encode(bytes), "reason": reason}),
        Invalid,
    )
}

fn spliced(bytes: &[u8], at: usize, remove: usize, insert: &[u8]) -> Vec<u8> {
    let mut out = bytes[..at].to_vec();
    out.extend_from_slice(insert);
    out.extend_from_slice(&bytes[at + remove..]);
    out
}

fn parse_invalid_group() -> TestGroup {
    let published = hex_const(PUBLISHED_TX);
    // The published layout: code length at 42, code 43..160, attribute count at 160,
    // signature count at 161, invocation script length at 162, script from 163.
    let (attrs_at, sig_count_at, invocation_at) = (160, 161, 162);
    let mut tests = Vec::new();

    let truncations: &[(usize, &str)] = &[
        (0, "empty"),
        (1, "version only"),
        (10, "inside gasPrice"),
        (30, "inside the payer"),
        (PAYER_END, "before the code length"),
        (100, "inside the code"),
        (attrs_at, "before the attribute count"),
        (sig_count_at, "unsigned bytes only, no signature count"),
        (170, "inside the invocation script"),
        (
            published.len() - 1,
            "last byte of the verification script missing",
        ),
    ];
    for (len, what) in truncations {
        tests.push(rejected(
            format!("published tx truncated to {len} bytes ({what})"),
            &["Truncated"],
            &published[..*len],
            "truncated",
        ));
    }
    tests.push(rejected(
        "code length 0xfeffffffff (4 GiB) on a short transaction".into(),
        &["Truncated"],
        &spliced(&published, PAYER_END, 1, &[0xfe, 0xff, 0xff, 0xff, 0xff]),
        "truncated",
    ));

    let mut attributes = published.clone();
    attributes[attrs_at] = 0x01;
    tests.push(rejected(
        "attribute count 1".into(),
        &["Attributes"],
        &attributes,
        "attributes",
    ));

    let mut trailing = published.clone();
    trailing.push(0x00);
    tests.push(rejected(
        "published tx with one trailing 0x00".into(),
        &["Trailing"],
        &trailing,
        "trailing",
    ));
    let mut trailing = multisig_signed().to_bytes();
    trailing.push(0xff);
    tests.push(rejected(
        "multi-sig tx with one trailing 0xff".into(),
        &["Trailing"],
        &trailing,
        "trailing",
    ));

    for byte in [0xd3u8, 0x00, 0xd4] {
        let mut typed = published.clone();
        typed[1] = byte;
        tests.push(rejected(
            format!("txType 0x{byte:02x}"),
            &["TxType"],
            &typed,
            "tx-type",
        ));
    }

    tests.push(rejected(
        "code length 117 written as 0xfd 7500".into(),
        &["NonCanonical"],
        &spliced(&published, PAYER_END, 1, &[0xfd, 0x75, 0x00]),
        "varuint",
    ));
    tests.push(rejected(
        "attribute count 0 written as 0xfd 0000".into(),
        &["NonCanonical"],
        &spliced(&published, attrs_at, 1, &[0xfd, 0x00, 0x00]),
        "varuint",
    ));
    tests.push(rejected(
        "signature count 1 written as 0xfd 0100".into(),
        &["NonCanonical"],
        &spliced(&published, sig_count_at, 1, &[0xfd, 0x01, 0x00]),
        "varuint",
    ));
    let long = long_code_signed().to_bytes();
    assert_eq!(&long[PAYER_END..PAYER_END + 3], &[0xfd, 0x2c, 0x01]);
    tests.push(rejected(
        "code length 300 written as 0xfe 2c010000".into(),
        &["NonCanonical", "LongCode"],
        &spliced(&long, PAYER_END, 3, &[0xfe, 0x2c, 0x01, 0x00, 0x00]),
        "varuint",
    ));

    let entry = &published[invocation_at..];
    let mut seventeen = published[..sig_count_at].to_vec();
    seventeen.push(17);
    for _ in 0..17 {
        seventeen.extend_from_slice(entry);
    }
    tests.push(rejected(
        "17 copies of the published signature entry".into(),
        &["TooManySignatures"],
        &seventeen,
        "too-many-signatures",
    ));
    let mut huge = published[..sig_count_at].to_vec();
    huge.extend_from_slice(&[0xff; 9]);
    huge.extend_from_slice(entry);
    tests.push(rejected(
        "signature count 2^64-1".into(),
        &["TooManySignatures"],
        &huge,
        "too-many-signatures",
    ));

    let mut opcode = published.clone();
    opcode[invocation_at + 1] = 0x00;
    tests.push(rejected(
        "invocation script starts with opcode 0x00 instead of PUSHBYTES65".into(),
        &["Invocation"],
        &opcode,
        "invocation",
    ));
    // PUSHDATA1 65 <sig>: one byte longer, so the script length becomes 0x43.
    let script = &published[invocation_at + 1..invocation_at + 1 + 0x42];
    let mut pushdata = vec![0x43, 0x4c];
    pushdata.extend_from_slice(script);
    tests.push(rejected(
        "signature pushed with PUSHDATA1 instead of PUSHBYTES65".into(),
        &["Invocation"],
        &spliced(&published, invocation_at, 0x43, &pushdata),
        "invocation",
    ));

    let deploy = deploy_unsigned().to_bytes();
    // name: after the code (1-byte length + code) and vmFlags, one length byte, then text.
    let name_at = PAYER_END + 1 + hex_const(INVOKE_CODE).len() + 1 + 1;
    assert_eq!(&deploy[name_at..name_at + 9], b"qrconform");
    let mut not_utf8 = deploy.clone();
    not_utf8[name_at] = 0xff;
    tests.push(rejected(
        "deploy name starts with byte 0xff".into(),
        &["Deploy", "Utf8"],
        &not_utf8,
        "utf8",
    ));

    TestGroup::new(
        "TxParse",
        json!({"description": "Must not parse; reason is the rejection kind."}),
        tests,
    )
}

fn verify_case(
    comment: &str,
    flags: &[&str],
    tx: &Transaction,
    result: TestResult,
    reason: Option<&str>,
) -> TestCase {
    TestCase::new(
        comment,
        flags,
        json!({"tx": tx.to_hex(), "payer": tx.payer.to_base58(), "reason": reason}),
        result,
    )
}

fn with_item(tx: &Transaction, entry: usize, item: usize, bytes: Vec<u8>) -> Transaction {
    let mut tx = tx.clone();
    tx.signatures[entry].invocation[item] = bytes;
    tx
}

fn flipped(tx: &Transaction, entry: usize, item: usize, byte: usize) -> Transaction {
    let mut bytes = tx.signatures[entry].invocation[item].clone();
    bytes[byte] ^= 0x01;
    with_item(tx, entry, item, bytes)
}

fn verify_group() -> TestGroup {
    let published = published();
    let single = single_signed();
    let multisig = multisig_signed();
    let signer = key(1);
    let good = OntSignature::from_bytes(&single.signatures[0].invocation[0]).expect("65 bytes");

    let mut non_payer = invoke(5, address(&signer), hex_const(INVOKE_CODE));
    non_payer.sign_single(&key(6)).expect("room");
    non_payer.sign_single(&key(7)).expect("room");

    let mut reversed = single.hash();
    reversed.reverse();
    let over_reversed = sign(&signer, &reversed).to_scheme_bytes().to_vec();
    let over_unsigned = sign(&signer, &single.to_unsigned_bytes())
        .to_scheme_bytes()
        .to_vec();

    let mut one_of_two = invoke(42, multisig_address(), hex_const(INVOKE_CODE));
    one_of_two
        .add_multisig(2, &multisig_keys(), &[&key(4)])
        .expect("signer holds a program key");
    let mut same_twice = multisig.clone();
    let first = same_twice.signatures[0].invocation[0].clone();
    same_twice.signatures[0].invocation[1] = first;

    let mut bad_program = single.clone();
    bad_program.signatures[0].verification[34] = 0xad;

    let tests = vec![
        verify_case(
            "published tx, last byte of s flipped",
            &["Published", "Flipped"],
            &flipped(&published, 0, 0, 64),
            Invalid,
            Some("signature"),
        ),
        verify_case(
            "single-key tx, a byte of r flipped",
            &["Seeded", "Flipped"],
            &flipped(&single, 0, 0, 10),
            Invalid,
            Some("signature"),
        ),
        verify_case(
            "multi-sig tx, second signature flipped",
            &["Seeded", "Multisig", "Flipped"],
            &flipped(&multisig, 0, 1, 50),
            Invalid,
            Some("signature"),
        ),
        verify_case(
            "signed over the reversed (display-order) hash",
            &["Seeded", "SigningConvention"],
            &with_item(&single, 0, 0, over_reversed),
            Invalid,
            Some("signature"),
        ),
        verify_case(
            "signed over the unsigned bytes instead of their hash",
            &["Seeded", "SigningConvention"],
            &with_item(&single, 0, 0, over_unsigned),
            Invalid,
            Some("signature"),
        ),
        verify_case(
            "two valid signatures, neither from the payer",
            &["Seeded", "NonPayer"],
            &non_payer,
            Invalid,
            Some("payer-not-signed"),
        ),
        verify_case(
            "no signatures at all",
            &["Seeded", "Unsigned"],
            &invoke(6, address(&signer), hex_const(INVOKE_CODE)),
            Invalid,
            Some("payer-not-signed"),
        ),
        verify_case(
            "2-of-3 multi-sig with one signature",
            &["Seeded", "Multisig"],
            &one_of_two,
            Invalid,
            Some("signature-count"),
        ),
        verify_case(
            "2-of-3 multi-sig with the same signature twice",
            &["Seeded", "Multisig"],
            &same_twice,
            Invalid,
            Some("signature"),
        ),
        verify_case(
            "verification program ends in 0xad instead of CHECKSIG",
            &["Seeded"],
            &bad_program,
            Invalid,
            Some("verification"),
        ),
        verify_case(
            "the payer's signature pushed as 64 bytes",
            &["Seeded", "GoForm"],
            &with_item(&single, 0, 0, good.to_plain_bytes().to_vec()),
            Valid,
            None,
        ),
        verify_case(
            "the payer's signature with high S",
            &["Seeded", "HighS"],
            &with_item(
                &single,
                0,
                0,
                good.with_negated_s().to_scheme_bytes().to_vec(),
            ),
            Valid,
            None,
        ),
    ];
    TestGroup::new(
        "TxVerify",
        json!({"description": "Parses; then every signature must verify over the internal \
                               hash and the payer must be among the signers (node 45021)."}),
        tests,
    )
}

fn input_u64(case: &TestCase, key: &str) -> Result<u64, String> {
    case.input(key)?
        .as_u64()
        .ok_or_else(|| format!("input `{key}` is not an unsigned integer"))
}

fn compare<T: PartialEq + std::fmt::Debug>(field: &str, got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{field}: got {got:?}, expected {want:?}"))
    }
}

/// Judges one case of `ontology/transactions.json`.
pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    let text = case.input_str("tx")?;
    let parsed = Transaction::from_hex(text);
    let outcome: Result<(), TxError> = match group.kind.as_str() {
        "TxParse" => match (case.result, parsed) {
            (Valid, Ok(tx)) => return compare_fields(case, text, &tx),
            (_, Ok(_)) => Ok(()),
            (_, Err(err)) => Err(err),
        },
        "TxVerify" => {
            let tx = parsed.map_err(|e| format!("does not parse ({}): {e}", e.kind()))?;
            compare(
                "payer",
                tx.payer.to_base58().as_str(),
                case.input_str("payer")?,
            )?;
            tx.check_payer_signed()
        }
        other => return Err(format!("unknown group type `{other}`")),
    };
    let reason = case.inputs.get("reason").and_then(Value::as_str);
    match (case.result, outcome) {
        (Valid, Ok(())) | (TestResult::Acceptable, _) => Ok(()),
        (Valid, Err(err)) => Err(format!("expected valid, rejected ({}): {err}", err.kind())),
        (Invalid, Ok(())) => Err(format!(
            "expected rejection `{}`, accepted",
            reason.unwrap_or("any")
        )),
        (Invalid, Err(err)) => match reason {
            Some(want) if want != err.kind() => Err(format!(
                "rejected as `{}` ({err}), expected `{want}`",
                err.kind()
            )),
            _ => Ok(()),
        },
    }
}

fn compare_fields(case: &TestCase, text: &str, tx: &Transaction) -> Result<(), String> {
    compare("re-serialized tx", tx.to_hex().as_str(), text)?;
    compare("version", tx.version as u64, input_u64(case, "version")?)?;
    compare(
        "txType",
        format!("0x{:02x}", tx.tx_type.byte()).as_str(),
        case.input_str("txType")?,
    )?;
    compare("nonce", tx.nonce as u64, input_u64(case, "nonce")?)?;
    compare("gasPrice", tx.gas_price, input_u64(case, "gasPrice")?)?;
    compare("gasLimit", tx.gas_limit, input_u64(case, "gasLimit")?)?;
    compare(
        "payer",
        tx.payer.to_base58().as_str(),
        case.input_str("payer")?,
    )?;
    compare(
        "hash",
        hex::encode(tx.hash()).as_str(),
        case.input_str("hash")?,
    )?;
    compare(
        "displayHash",
        tx.display_hash().as_str(),
        case.input_str("displayHash")?,
    )?;
    let want_signers = case
        .input("signers")?
        .as_array()
        .ok_or("input `signers` is not an array")?
        .iter()
        .map(|v| v.as_str().ok_or("input `signers` holds a non-string"))
        .collect::<Result<Vec<_>, _>>()?;
    let signers = tx
        .verify_signatures()
        .map_err(|e| format!("signatures do not verify ({}): {e}", e.kind()))?
        .iter()
        .map(Address::to_base58)
        .collect::<Vec<_>>();
    compare(
        "signers",
        signers.iter().map(String::as_str).collect(),
        want_signers,
    )?;
    let payer_signed = case
        .input("payerSigned")?
        .as_bool()
        .ok_or("input `payerSigned` is not a boolean")?;
    match tx.check_payer_signed() {
        Ok(()) => compare("payerSigned", true, payer_signed),
        Err(TxError::PayerNotSigned { .. }) => compare("payerSigned", false, payer_signed),
        Err(err) => Err(format!("payer check failed ({}): {err}", err.kind())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_case_pins_the_spec_values() {
        let file = build();
        let case = &file.test_groups[0].tests[0];
        assert_eq!(case.flags, vec!["Published"]);
        assert_eq!(case.inputs["nonce"], 274904322);
        assert_eq!(case.inputs["gasPrice"], 500);
        assert_eq!(case.inputs["gasLimit"], 200000);
        assert_eq!(case.inputs["payer"], "AP19aGJ4GWs2qKv3PCt37r6HgM1v7EhgEM");
        assert_eq!(
            case.inputs["hash"],
            "78932ac9bae77b2ccf99a1fa858486a3630c4b69999f18e162f307f74092b988"
        );
        assert_eq!(
            case.inputs["displayHash"],
            "88b99240f707f362e1189f99694b0c63a3868485faa199cf2c7be7bac92a9378"
        );
        assert_eq!(
            case.inputs["signers"],
            json!(["AP19aGJ4GWs2qKv3PCt37r6HgM1v7EhgEM"])
        );
        assert_eq!(case.inputs["payerSigned"], true);
    }

    #[test]
    fn a_wrong_expectation_is_caught() {
        let file = build();
        let group = &file.test_groups[0];
        let mut case = group.tests[1].clone();
        case.inputs.insert("payerSigned".into(), json!(false));
        assert!(check(group, &case).is_err());
        let group = &file.test_groups[1];
        let mut case = group.tests[0].clone();
        case.inputs.insert("reason".into(), json!("trailing"));
        assert!(check(group, &case).is_err());
    }
}
