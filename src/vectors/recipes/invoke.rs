//! Recipe for `ontology/invoke.json`: `invokeConfig` typed values (ONT-I3), placeholders
//! (ONT-I4) and the invoke script (ONT-I6), and [`check`], the per-case verdict both the
//! vector harness and this module's tests apply.
//!
//! The scripts of the derived `transferOng` example (Java and TS encodings) and of the
//! parseTx ONG transfer are external values, pinned literally. The other build cases pin
//! the Java-encoding builder's output for fixed configs, and the other TS-encoded decode
//! cases come from the TS-encoding builder; the decoder and the semantic comparison check
//! them against the typed call independently of those builders. Every value is fixed.

use serde_json::{json, Value};

use crate::protocol::ontology::crypto::Address;
use crate::protocol::ontology::invoke::{
    build_script, build_script_as, decode_script, matches, parse_arg, parse_config,
    substitute_placeholders, IntEncoding, InvokeCall,
};
use crate::vectors::{TestCase, TestGroup, TestResult, VectorFile};

use super::keys::notes;
use TestResult::{Invalid, Valid};

/// The contract, operation and arguments of the derived example in the protocol digest.
const EXAMPLE_CONTRACT: &str = "16edbe366d1337eb510c2ff61099424c94aeef02";
const EXAMPLE_JAVA: &str = "0164510500e87648170101148f651d459b4f146380dab28e7cfb9d4bb9c3fcd10668656467736756c10b7472616e736665724f6e676702efae944c429910f62f0c51eb37136d36beed16";
const EXAMPLE_TS: &str = "086400000000000000510800e876481700000051148f651d459b4f146380dab28e7cfb9d4bb9c3fcd10668656467736756c10b7472616e736665724f6e676702efae944c429910f62f0c51eb37136d36beed16";
/// The code of the ontology-ts-sdk parseTx transaction (an ONG transfer).
const PARSE_TX_CODE: &str = "00c66b144f4b954b7057611c02384f5756f6a34f56fc0a596a7cc8145ff0e5382aed9982f2137e1293256a6e9ab1e00c6a7cc80480c3c9016a7cc86c51c1087472616e736665721400000000000000000000000000000000000000020068164f6e746f6c6f67792e4e61746976652e496e766f6b65";
const PARSE_TX_FROM: &str = "AP19aGJ4GWs2qKv3PCt37r6HgM1v7EhgEM";
const PARSE_TX_TO_HEX: &str = "5ff0e5382aed9982f2137e1293256a6e9ab1e00c";
const ADDRESS: &str = "AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ";
const ONT: &str = "0100000000000000000000000000000000000000";
const ONG: &str = "0200000000000000000000000000000000000000";
const ONT_ID: &str = "0300000000000000000000000000000000000000";
/// Where [`check`] says a value sits when it parses a lone typed value.
const ARG_PATH: &str = "functions[0].args[0].value";

pub fn build() -> VectorFile {
    let notes = notes(&[
        (
            "DerivedExample",
            "The transferOng example of the protocol digest: the same call in the Java and the \
             TS ledgerCompatible encodings, pinned byte for byte.",
        ),
        (
            "ParseTx",
            "The code of the ontology-ts-sdk parseTx transaction, a native ONG transfer.",
        ),
        (
            "JavaEncoding",
            "Integers as minimal little-endian two's complement bytes (0 as PUSH0); PACK counts \
             1..16 as PUSH1..PUSH16.",
        ),
        (
            "TsEncoding",
            "Integers -1 and 1..15 as opcodes, others as 8-byte little-endian two's \
             complement (a negative other than -1 sign-extended: what TS means, where TS \
             itself zero-pads); PACK counts too.",
        ),
        (
            "Native",
            "A native contract, called through SYSCALL Ontology.Native.Invoke.",
        ),
        (
            "Map",
            "A map argument: NEWMAP TOALTSTACK, DUPFROMALTSTACK key value SETITEM per entry \
             (PUSH0 ADD after integers, PUSH0 BOOLOR after booleans), FROMALTSTACK.",
        ),
        (
            "Int64Edge",
            "The smallest or largest signed 64-bit integer, or one past it.",
        ),
        (
            "Mismatch",
            "The script decodes but performs a different call than the one given.",
        ),
    ]);
    VectorFile::numbered(
        "ONTOLOGY-INVOKE",
        "qrconform vectors regen (recipe invoke)",
        json!({
            "recipe": "src/vectors/recipes/invoke.rs",
            "external": [
                "derived transferOng example (Java and TS encodings), protocol digest §5.3",
                "ontology-ts-sdk test/integration/transferParse.test.ts 'parseTx' (code bytes)",
            ],
            "clauses": ["ONT-I2", "ONT-I3", "ONT-I4", "ONT-I6"],
        }),
        notes,
        vec![
            arg_parse_group(),
            build_group(),
            decode_group(),
            placeholder_group(),
        ],
    )
}

// ---------------------------------------------------------------------------------------
// groups
// ---------------------------------------------------------------------------------------

fn arg_parse_group() -> TestGroup {
    let valid = |comment: &str, flags: &[&str], value: Value, notation: Value| {
        TestCase::new(
            comment,
            flags,
            json!({"value": value, "notation": notation}),
            Valid,
        )
    };
    let same =
        |comment: &str, flags: &[&str], value: Value| valid(comment, flags, value.clone(), value);
    let invalid = |comment: &str, flags: &[&str], value: Value, reason: &str, path: &str| {
        TestCase::new(
            comment,
            flags,
            json!({"value": value, "reason": reason, "path": path}),
            Invalid,
        )
    };
    let p = ARG_PATH;
    let tests = vec![
        same("boolean true", &[], json!(true)),
        same("boolean false", &[], json!(false)),
        same("JSON integer 0", &[], json!(0)),
        same("JSON integer -1", &[], json!(-1)),
        same("JSON integer 100", &[], json!(100)),
        same("JSON integer i64 max", &["Int64Edge"], json!(i64::MAX)),
        same("JSON integer i64 min", &["Int64Edge"], json!(i64::MIN)),
        same("Long zero", &[], json!("Long:0")),
        same("Long 100000000000", &[], json!("Long:100000000000")),
        same(
            "Long i64 max",
            &["Int64Edge"],
            json!("Long:9223372036854775807"),
        ),
        same(
            "Long i64 min",
            &["Int64Edge"],
            json!("Long:-9223372036854775808"),
        ),
        valid(
            "Long with leading zeros",
            &[],
            json!("Long:007"),
            json!("Long:7"),
        ),
        same("String ASCII", &[], json!("String:hedgsg")),
        same("String empty", &[], json!("String:")),
        same("String non-ASCII", &[], json!("String:签名 ✓ ü")),
        same("String with a colon in the body", &[], json!("String:a:b")),
        same("ByteArray", &[], json!("ByteArray:00ff10")),
        same("ByteArray empty", &[], json!("ByteArray:")),
        valid(
            "ByteArray upper-case hex",
            &[],
            json!("ByteArray:DEADBEEF"),
            json!("ByteArray:deadbeef"),
        ),
        same("Address", &[], json!(format!("Address:{ADDRESS}"))),
        same("empty array", &[], json!([])),
        same(
            "nested arrays of every kind",
            &[],
            json!([1, ["String:x", [true, "Long:-5"]], "ByteArray:01"]),
        ),
        same(
            "map keeps insertion order",
            &["Map"],
            json!({"b": 1, "a": "String:x", "c": false}),
        ),
        same(
            "nested map with arrays",
            &["Map"],
            json!({"m": {"k": [1, "Long:2"]}, "addr": format!("Address:{ADDRESS}")}),
        ),
        invalid("Int: prefix", &[], json!("Int:5"), "prefix", p),
        invalid("Integer: prefix", &[], json!("Integer:5"), "prefix", p),
        invalid(
            "Hex: prefix (Punica CLI only)",
            &[],
            json!("Hex:00ff"),
            "prefix",
            p,
        ),
        invalid("plain string", &[], json!("hedgsg"), "prefix", p),
        invalid("empty string", &[], json!(""), "prefix", p),
        invalid("prefix in lower case", &[], json!("string:x"), "prefix", p),
        invalid("prefix with a space", &[], json!("String :x"), "prefix", p),
        invalid("ByteArray odd length", &[], json!("ByteArray:0"), "hex", p),
        invalid("ByteArray not hex", &[], json!("ByteArray:zz"), "hex", p),
        invalid("ByteArray with 0x", &[], json!("ByteArray:0x00"), "hex", p),
        invalid(
            "Address bad checksum",
            &[],
            json!("Address:AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLz"),
            "address",
            p,
        ),
        invalid(
            "Address not base58",
            &[],
            json!("Address:0OIl"),
            "address",
            p,
        ),
        invalid("Address empty", &[], json!("Address:"), "address", p),
        invalid(
            "Address as display hex",
            &[],
            json!("Address:8f651d459b4f146380dab28e7cfb9d4bb9c3fcd1"),
            "address",
            p,
        ),
        invalid("Long empty", &[], json!("Long:"), "decimal", p),
        invalid("Long minus only", &[], json!("Long:-"), "decimal", p),
        invalid("Long with plus sign", &[], json!("Long:+1"), "decimal", p),
        invalid("Long with a space", &[], json!("Long: 1"), "decimal", p),
        invalid("Long exponent", &[], json!("Long:1e3"), "decimal", p),
        invalid("Long fraction", &[], json!("Long:1.0"), "decimal", p),
        invalid("Long hex", &[], json!("Long:0x10"), "decimal", p),
        invalid(
            "Long i64 max + 1",
            &["Int64Edge"],
            json!("Long:9223372036854775808"),
            "range",
            p,
        ),
        invalid(
            "Long i64 min - 1",
            &["Int64Edge"],
            json!("Long:-9223372036854775809"),
            "range",
            p,
        ),
        invalid(
            "Long far beyond 64 bits",
            &[],
            json!("Long:100000000000000000000000"),
            "range",
            p,
        ),
        invalid(
            "JSON integer i64 max + 1",
            &["Int64Edge"],
            json!(9_223_372_036_854_775_808u64),
            "range",
            p,
        ),
        invalid("JSON fraction", &[], json!(1.5), "float", p),
        invalid("JSON integral float", &[], json!(1.0), "float", p),
        invalid("null", &[], Value::Null, "null", p),
        invalid(
            "null inside an array",
            &[],
            json!([1, [true, null]]),
            "null",
            &format!("{p}[1][1]"),
        ),
        invalid(
            "unknown prefix inside a map",
            &["Map"],
            json!({"a": 1, "b": {"c": "Int:1"}}),
            "prefix",
            &format!("{p}.b.c"),
        ),
        invalid(
            "malformed value deep in an array",
            &[],
            json!(["String:ok", "Long:1", ["ByteArray:abc"]]),
            "hex",
            &format!("{p}[2][0]"),
        ),
    ];
    TestGroup::new("InvokeArgParse", json!({"argPath": ARG_PATH}), tests)
}

/// An invokeConfig for `contract`/`operation` with one `{name, value}` per argument.
fn config(contract: &str, operation: &str, args: &[Value]) -> Value {
    let args: Vec<Value> = args
        .iter()
        .enumerate()
        .map(|(i, value)| json!({"name": format!("arg{i}"), "value": value}))
        .collect();
    json!({
        "contractHash": contract,
        "functions": [{"operation": operation, "args": args}],
        "gasLimit": 20000,
        "gasPrice": 500,
    })
}

fn example_args() -> Vec<Value> {
    vec![
        json!("String:hedgsg"),
        json!(format!("Address:{ADDRESS}")),
        json!(1),
        json!("Long:100000000000"),
        json!(true),
        json!(100),
    ]
}

fn parse_tx_to() -> String {
    let bytes: [u8; 20] = hex::decode(PARSE_TX_TO_HEX)
        .expect("fixed hex")
        .try_into()
        .expect("20 bytes");
    Address(bytes).to_base58()
}

/// Fixed configs and their flags, shared by the build and decode groups.
fn fixed_configs() -> Vec<(&'static str, Vec<&'static str>, Value)> {
    let c = EXAMPLE_CONTRACT;
    let from = format!("Address:{PARSE_TX_FROM}");
    let to = format!("Address:{}", parse_tx_to());
    vec![
        ("no arguments", vec![], config(c, "name", &[])),
        (
            "integer edges",
            vec!["Int64Edge"],
            config(
                c,
                "ints",
                &[
                    json!(0),
                    json!(-1),
                    json!(15),
                    json!(16),
                    json!(127),
                    json!(128),
                    json!(-128),
                    json!(-129),
                    json!(i64::MAX),
                    json!(i64::MIN),
                    json!("Long:-9223372036854775808"),
                ],
            ),
        ),
        (
            "booleans and byte pushes up to PUSHDATA2",
            vec![],
            config(
                c,
                "bytes",
                &[
                    json!(false),
                    json!(true),
                    json!("ByteArray:"),
                    json!(format!("String:{}", "x".repeat(75))),
                    json!(format!("String:{}", "y".repeat(76))),
                    json!(format!("ByteArray:{}", "ab".repeat(256))),
                ],
            ),
        ),
        (
            "nested arrays",
            vec![],
            config(
                c,
                "nested",
                &[json!([1, [2, "String:x", []], "ByteArray:ff"])],
            ),
        ),
        (
            "seventeen arguments (PACK count beyond PUSH16)",
            vec![],
            config(c, "many", &(1..=17).map(|i| json!(i)).collect::<Vec<_>>()),
        ),
        (
            "map argument",
            vec!["Map"],
            config(
                c,
                "put",
                &[
                    json!("String:key"),
                    json!({
                        "name": "String:alice",
                        "age": 30,
                        "ok": true,
                        "owner": format!("Address:{ADDRESS}"),
                        "tags": ["String:a", 2],
                    }),
                ],
            ),
        ),
        (
            "native ONG transfer (parseTx values)",
            vec!["Native", "ParseTx"],
            config(ONG, "transfer", &[json!(from), json!(to), json!(30000000)]),
        ),
        (
            "native ONT transfer",
            vec!["Native"],
            config(
                ONT,
                "transfer",
                &[
                    json!(format!("Address:{ADDRESS}")),
                    json!(from),
                    json!("Long:1000"),
                ],
            ),
        ),
        (
            "native ONT approve (Struct without the array)",
            vec!["Native"],
            config(
                ONT,
                "approve",
                &[json!(format!("Address:{ADDRESS}")), json!(to), json!(5)],
            ),
        ),
        (
            "native ONT ID getDDO (argument pushed as it is)",
            vec!["Native"],
            config(
                ONT_ID,
                "getDDO",
                &[json!(format!("String:did:ont:{ADDRESS}"))],
            ),
        ),
    ]
}

fn java_code(config: &Value) -> String {
    hex::encode(build_script(
        &parse_config(config).expect("fixed configs parse"),
    ))
}

fn ts_code(config: &Value) -> String {
    let call = parse_config(config).expect("fixed configs parse");
    hex::encode(build_script_as(&call, IntEncoding::TsLedger))
}

fn build_group() -> TestGroup {
    let mut tests = vec![TestCase::new(
        "derived transferOng example",
        &["DerivedExample", "JavaEncoding"],
        json!({
            "config": config(EXAMPLE_CONTRACT, "transferOng", &example_args()),
            "code": EXAMPLE_JAVA,
        }),
        Valid,
    )];
    for (comment, mut flags, config) in fixed_configs() {
        flags.push("JavaEncoding");
        let code = if comment.contains("parseTx") {
            PARSE_TX_CODE.to_string()
        } else {
            java_code(&config)
        };
        tests.push(TestCase::new(
            comment,
            &flags,
            json!({"config": config, "code": code}),
            Valid,
        ));
    }
    TestGroup::new("InvokeScriptBuild", json!({"encoding": "java"}), tests)
}

/// The call a decode case performs: `{contractHash, operation, args}` in typed notation.
fn call_of(config: &Value) -> Value {
    let function = &config["functions"][0];
    json!({
        "contractHash": config["contractHash"],
        "operation": function["operation"],
        "args": function["args"]
            .as_array()
            .map(|a| a.iter().map(|arg| arg["value"].clone()).collect::<Vec<_>>())
            .unwrap_or_default(),
    })
}

fn decoded_of(code: &str) -> Value {
    decode_script(&hex::decode(code).expect("fixed hex"))
        .expect("fixed scripts decode")
        .to_notation()
}

fn decode_group() -> TestGroup {
    let example = config(EXAMPLE_CONTRACT, "transferOng", &example_args());
    let valid = |comment: String, flags: &[&str], code: String, config: &Value| {
        let decoded = decoded_of(&code);
        TestCase::new(
            comment,
            flags,
            json!({"code": code, "call": call_of(config), "decoded": decoded}),
            Valid,
        )
    };
    let mut tests = vec![
        valid(
            "derived transferOng example, Java encoding".into(),
            &["DerivedExample", "JavaEncoding"],
            EXAMPLE_JAVA.into(),
            &example,
        ),
        valid(
            "derived transferOng example, TS encoding".into(),
            &["DerivedExample", "TsEncoding"],
            EXAMPLE_TS.into(),
            &example,
        ),
    ];
    for (comment, flags, config) in fixed_configs() {
        let parse_tx = comment.contains("parseTx");
        let mut java_flags = flags.clone();
        java_flags.push("JavaEncoding");
        let code = if parse_tx {
            PARSE_TX_CODE.to_string()
        } else {
            java_code(&config)
        };
        tests.push(valid(
            format!("{comment}, Java encoding"),
            &java_flags,
            code,
            &config,
        ));
        let ts = ts_code(&config);
        if !parse_tx && ts != java_code(&config) {
            let mut ts_flags = flags.clone();
            ts_flags.push("TsEncoding");
            tests.push(valid(
                format!("{comment}, TS encoding"),
                &ts_flags,
                ts,
                &config,
            ));
        }
    }
    // Decodes, but is not the call given: 101 instead of 100, bytes instead of a string.
    let mut other = example_args();
    other[5] = json!(101);
    tests.push(TestCase::new(
        "Java example against a call with 101 for 100",
        &["DerivedExample", "Mismatch"],
        json!({"code": EXAMPLE_JAVA, "call": call_of(&config(EXAMPLE_CONTRACT, "transferOng", &other)), "reason": "mismatch"}),
        Invalid,
    ));
    tests.push(TestCase::new(
        "TS example against another operation",
        &["DerivedExample", "Mismatch"],
        json!({"code": EXAMPLE_TS, "call": call_of(&config(EXAMPLE_CONTRACT, "transferOnt", &example_args())), "reason": "mismatch"}),
        Invalid,
    ));
    let mut fewer = example_args();
    fewer.pop();
    tests.push(TestCase::new(
        "Java example against a call with one argument fewer",
        &["DerivedExample", "Mismatch"],
        json!({"code": EXAMPLE_JAVA, "call": call_of(&config(EXAMPLE_CONTRACT, "transferOng", &fewer)), "reason": "mismatch"}),
        Invalid,
    ));
    let invalid = |comment: &str, code: String, reason: &str| {
        TestCase::new(
            comment,
            &[],
            json!({"code": code, "reason": reason}),
            Invalid,
        )
    };
    let java = EXAMPLE_JAVA;
    let appcall_tail = &java[java.len() - 42..];
    tests.extend([
        invalid("empty script", String::new(), "truncated"),
        invalid(
            "Java example without the last contract byte",
            java[..java.len() - 2].into(),
            "truncated",
        ),
        invalid(
            "Java example cut inside the Long push",
            java[..10].into(),
            "truncated",
        ),
        invalid(
            "Java example without its APPCALL",
            java[..java.len() - 42].into(),
            "truncated",
        ),
        invalid(
            "native transfer cut inside the syscall name",
            PARSE_TX_CODE[..PARSE_TX_CODE.len() - 4].into(),
            "truncated",
        ),
        invalid(
            "PUSHDATA2 longer than the script",
            format!("4dff0001{appcall_tail}"),
            "truncated",
        ),
        invalid(
            "PUSHDATA4 length near 4 GiB",
            format!("4effffffff00{appcall_tail}"),
            "truncated",
        ),
        invalid(
            "Java example with a byte after the contract",
            format!("{java}00"),
            "shape",
        ),
        invalid("an extra item below the call", format!("51{java}"), "shape"),
        invalid(
            "PACK of more items than the stack holds",
            format!("0152c10161{appcall_tail}"),
            "shape",
        ),
        invalid(
            "APPCALL with no arguments array",
            format!("0161{appcall_tail}"),
            "shape",
        ),
        invalid(
            "the arguments are bytes, not an array",
            format!("01010161{appcall_tail}"),
            "shape",
        ),
        invalid(
            "SYSCALL of another name",
            format!(
                "{}{}",
                &PARSE_TX_CODE[..PARSE_TX_CODE.len() - 46],
                hex::encode(b"\x16Ontology.Runtime.Notif")
            ),
            "shape",
        ),
        invalid(
            "struct appended to itself",
            format!("00c66b6a6a7cc86c51c10161{appcall_tail}"),
            "shape",
        ),
        invalid(
            "SETITEM with an array key",
            format!("c76b6a00c10101c46c51c10161{appcall_tail}"),
            "shape",
        ),
        invalid("JMP opcode", format!("620300{appcall_tail}"), "opcode"),
        invalid("RET opcode", "66".into(), "opcode"),
        invalid("0xff", "ff".into(), "opcode"),
    ]);
    TestGroup::new("InvokeScriptDecode", json!({}), tests)
}

fn placeholder_group() -> TestGroup {
    let address = ADDRESS;
    let ontid = format!("did:ont:{ADDRESS}");
    let case = |comment: &str, config: Value, expected: Value| {
        TestCase::new(
            comment,
            &[],
            json!({"config": config, "address": address, "ontid": ontid, "expected": expected}),
            Valid,
        )
    };
    let base = |payer: Option<&str>, args: &[Value]| {
        let mut c = config(EXAMPLE_CONTRACT, "register", args);
        if let Some(payer) = payer {
            c["payer"] = json!(payer);
        }
        c
    };
    let tests = vec![
        case(
            "payer %address",
            base(Some("%address"), &[]),
            base(Some(address), &[]),
        ),
        case(
            "Address:%address and String:%ontid in arguments",
            base(None, &[json!("Address:%address"), json!("String:%ontid")]),
            base(
                None,
                &[
                    json!(format!("Address:{address}")),
                    json!(format!("String:{ontid}")),
                ],
            ),
        ),
        case(
            "several occurrences in one string",
            base(None, &[json!("String:%address,%address;%ontid")]),
            base(
                None,
                &[json!(format!("String:{address},{address};{ontid}"))],
            ),
        ),
        case(
            "inside nested arrays and map values",
            base(
                None,
                &[json!([["Address:%address"], {"who": "String:%ontid"}])],
            ),
            base(
                None,
                &[json!([[format!("Address:{address}")], {"who": format!("String:{ontid}")}])],
            ),
        ),
        case(
            "map keys are left alone",
            base(None, &[json!({"%address": "String:%address"})]),
            base(None, &[json!({"%address": format!("String:{address}")})]),
        ),
        case(
            "no placeholder: unchanged",
            base(Some(address), &[json!("String:%addres"), json!(7)]),
            base(Some(address), &[json!("String:%addres"), json!(7)]),
        ),
        case(
            "upper-case %ADDRESS is not a placeholder",
            base(Some("%ADDRESS"), &[]),
            base(Some("%ADDRESS"), &[]),
        ),
    ];
    TestGroup::new("InvokePlaceholders", json!({}), tests)
}

// ---------------------------------------------------------------------------------------
// verdict
// ---------------------------------------------------------------------------------------

/// Reads a decode case's `call` into an [`InvokeCall`] (gas and payer play no part).
fn read_call(call: &Value) -> Result<InvokeCall, String> {
    let contract = call["contractHash"]
        .as_str()
        .and_then(|h| Address::from_display_hex(h).ok())
        .ok_or("call.contractHash is not 40 hex characters")?;
    let method = call["operation"]
        .as_str()
        .ok_or("call.operation is not a string")?
        .to_string();
    let args = call["args"]
        .as_array()
        .ok_or("call.args is not an array")?
        .iter()
        .enumerate()
        .map(|(i, v)| parse_arg(v, &format!("call.args[{i}]")).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(InvokeCall {
        contract,
        method,
        args,
        payer: None,
        gas_limit: 0,
        gas_price: 0,
    })
}

fn expect_rejection(case: &TestCase, kind: &str) -> Result<(), String> {
    match (
        case.result,
        case.inputs.get("reason").and_then(Value::as_str),
    ) {
        (TestResult::Invalid, Some(want)) if want != kind => {
            Err(format!("rejected as `{kind}`, expected `{want}`"))
        }
        (TestResult::Valid, _) => Err(format!("expected valid, rejected as `{kind}`")),
        _ => Ok(()),
    }
}

/// The verdict on one case of `ontology/invoke.json`.
pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    match group.kind.as_str() {
        "InvokeArgParse" => {
            let path = group
                .attributes
                .get("argPath")
                .and_then(Value::as_str)
                .unwrap_or(ARG_PATH);
            match parse_arg(case.input("value")?, path) {
                Ok(parsed) => {
                    if case.result == Invalid {
                        return Err(format!("accepted as {parsed:?}, expected a rejection"));
                    }
                    let notation = parsed.to_notation();
                    if &notation != case.input("notation")? {
                        return Err(format!(
                            "notation {notation}, expected {}",
                            case.inputs["notation"]
                        ));
                    }
                    Ok(())
                }
                Err(err) => {
                    expect_rejection(case, err.kind())?;
                    match case.inputs.get("path").and_then(Value::as_str) {
                        Some(want) if err.path() != Some(want) => Err(format!(
                            "error names path {:?}, expected {want:?} ({err})",
                            err.path()
                        )),
                        _ => Ok(()),
                    }
                }
            }
        }
        "InvokeScriptBuild" => {
            let call = parse_config(case.input("config")?).map_err(|e| e.to_string())?;
            let want = case.input_str("code")?;
            let built = hex::encode(build_script(&call));
            if built != want {
                return Err(format!("built {built}, expected {want}"));
            }
            let decoded = decode_script(&build_script(&call)).map_err(|e| e.to_string())?;
            if !matches(&call, &decoded) {
                return Err(format!(
                    "the built script decodes to {}",
                    decoded.to_notation()
                ));
            }
            Ok(())
        }
        "InvokeScriptDecode" => {
            let code = hex::decode(case.input_str("code")?)
                .map_err(|e| format!("field `code` is not hex: {e}"))?;
            let decoded = match decode_script(&code) {
                Ok(decoded) => decoded,
                Err(err) => return expect_rejection(case, err.kind()),
            };
            if let Some(want) = case.inputs.get("decoded") {
                let got = decoded.to_notation();
                if &got != want {
                    return Err(format!("decoded {got}, expected {want}"));
                }
            }
            let performs = match case.inputs.get("call") {
                Some(call) => matches(&read_call(call)?, &decoded),
                None => true,
            };
            match (case.result, performs) {
                (Valid | TestResult::Acceptable, true) => Ok(()),
                (Valid, false) => Err(format!(
                    "decoded {} does not perform the call",
                    decoded.to_notation()
                )),
                (Invalid, false) => expect_rejection(case, "mismatch"),
                (Invalid, true) => Err(format!(
                    "decoded {} and it performs the call; expected a rejection",
                    decoded.to_notation()
                )),
                (TestResult::Acceptable, false) => Ok(()),
            }
        }
        "InvokePlaceholders" => {
            let out = substitute_placeholders(
                case.input("config")?,
                case.input_str("address")?,
                case.input_str("ontid")?,
            );
            if &out != case.input("expected")? {
                return Err(format!("substituted to {out}"));
            }
            Ok(())
        }
        other => Err(format!("unknown group type `{other}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_tx_config_builds_the_verified_code() {
        let (_, _, config) = fixed_configs()
            .into_iter()
            .find(|(c, _, _)| c.contains("parseTx"))
            .expect("parseTx case");
        assert_eq!(java_code(&config), PARSE_TX_CODE);
    }
}
