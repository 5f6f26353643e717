//! Recipe for `ontology/messages.json`: one group per message kind, each with the documents'
//! own examples, the variations the profile accepts, and one or more messages per way of
//! breaking the kind's shape; and [`check`], the per-case verdict both the vector harness and
//! this module's tests apply.
//!
//! Every message is written out from fixed values (the documents' key, address, signature
//! and URLs); invalid messages are a valid base with exactly one member removed, retyped or
//! given a malformed value, and `breaks` names that member's JSON pointer. A case therefore
//! pins three verdicts at once: the schema's, the serde types', and where both say the fault
//! is.

use serde_json::{json, Map, Value};

use crate::protocol::ontology::messages::{self, FromJson, LoginCallback, MessageKind};
use crate::schema;
use crate::vectors::{TestCase, TestGroup, TestResult, VectorFile};

use TestResult::{Invalid, Valid};

// Fixed values: the documents' example key pair, address and signature (ontology-dapi.md
// §3.5 V1), their example ids and URLs, and the CEP-1 callback test vector (V2).
const PUBLIC_KEY: &str = "0205c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba61";
const ADDRESS: &str = "AUEKhXNsoAT27HJwwqFGbpRy8QLHUMBMPz";
const ONT_ID: &str = "did:ont:AUEKhXNsoAT27HJwwqFGbpRy8QLHUMBMPz";
const SIGNATURE: &str = "01abd7ea9d79c857cd838cabbbaad3efb44a6fc4f5a5ef52ea8461d6c055b8a7cf324d1a58962988709705cefe40df5b26e88af3ca387ec5036ec7f5e6640a1754";
const MESSAGE: &str = "helloworld";
const MESSAGE_HEX: &str = "68656c6c6f776f726c64";
const ID: &str = "10ba038e-48da-487b-96e8-8d3b99b6d18a";
const CALLBACK: &str = "http://101.132.193.149:4027/blockchain/v1/common/test-onto-login";
const EXPIRE: u64 = 1546415363;
const INVOKE_CALLBACK: &str = "http://101.132.193.149:4027/invoke/callback";
const QRCODE_URL: &str = "http://101.132.193.149:4027/qrcode/AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ";
const PAYER: &str = "AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ";
const CONTRACT: &str = "16edbe366d1337eb510c2ff61099424c94aeef02";
const CEP1_USER: &str = "AazEvfQPcQ2GEFFPLF1ZLwQ7K5jDn81hve";
const CEP1_MESSAGE: &str = "1122334";
const CEP1_PUBLIC_KEY: &str = "035384561673e76c7e3003e705e4aa7aee67714c8b68d62dd1fb3221f48c5d3da0";
const CEP1_SIGNATURE: &str = "01ed0ee7d21dd1020eaae497e0ef9bc18174234e2917e78ec3fae056fd6e2ab166d87235eac2b8ec1062fd4b6f7d9b2a8c5ceb635483959182259a20bf99e5cad6";
/// A fixed transaction hash in display order (its transaction is immaterial here).
const TX_HASH: &str = "6a4b1f0e2c5d8a7b9e3f1c2d4b6a8e0f7c9d1b3a5e2f4c6d8b0a1e3c5f7d9b2a";
/// A fixed, short transaction hex for the node's send bodies (its content is immaterial).
const TX_HEX: &str = "00d1e8f3a5b200000000f401000000000000204e000000000000";
const NATIVE_ONG: &str = "0200000000000000000000000000000000000000";
const NATIVE_ONT: &str = "0100000000000000000000000000000000000000";

// Flags: what a case exercises. `notes()` explains each.
const DOC: &str = "DocExample";
const VARIANT: &str = "Variant";
const QUIRK: &str = "Quirk";
const EXTRA: &str = "ExtraMember";
const INTEGRAL: &str = "IntegralNumber";
const MISSING: &str = "MissingField";
const TYPE: &str = "WrongType";
const ERROR_STRING: &str = "ErrorAsString";
const FORMAT: &str = "BadFormat";
const VALUE: &str = "BadValue";
const EMPTY: &str = "EmptyValue";
const RANGE: &str = "IntegerRange";
const BUG: &str = "KnownBug";
const AMBIGUOUS: &str = "Ambiguous";

fn notes() -> Map<String, Value> {
    [
        (
            DOC,
            "A message from the documents (ontology-dapi.md §2, §7), with placeholder values \
             such as \"ontid or account\" made concrete.",
        ),
        (
            VARIANT,
            "A conformant variation: an optional member left out or given, the other \
             allowed spelling (\"1.0.0\", \"account\"/\"address\"), a failure outcome, \
             upper-case hex.",
        ),
        (
            QUIRK,
            "A known quirk the profile tolerates (the iOS wallets' `publicKey`): valid, and \
             the reader must record it so the suite can warn about it.",
        ),
        (
            EXTRA,
            "A member the profile does not define: ignored by readers, never a reason to \
             reject.",
        ),
        (
            INTEGRAL,
            "An integer written with a zero fraction (80001.0): an integer in the JSON Schema \
             sense, accepted by both the schema and the serde types.",
        ),
        (MISSING, "A required member is absent; `breaks` names it."),
        (
            TYPE,
            "A member (or the message itself) has the wrong JSON type, including null and \
             JSON text embedded as a string.",
        ),
        (
            ERROR_STRING,
            "`error` is a string (\"0\", \"80001\"); ONT-T6 requires a JSON integer.",
        ),
        (
            FORMAT,
            "A string with the wrong format: hex of the wrong length or alphabet, a 0x \
             prefix, a relative or non-http(s) URL, a malformed address or ONT ID.",
        ),
        (
            VALUE,
            "A value outside the allowed set: another action, version, login type, error \
             code or execution state, or a desc that does not go with the error code.",
        ),
        (
            EMPTY,
            "An empty string or array where the profile requires content.",
        ),
        (
            RANGE,
            "An integer that is negative where a count or time is expected, or beyond \
             ±(2^53-1), the range JSON peers carry exactly (RFC 7493).",
        ),
        (
            BUG,
            "What a reference implementation is known to send (Android's signMessage \
             callback, the iOS 8001 code, the Android invoke callback without action): \
             non-conformant.",
        ),
        (
            AMBIGUOUS,
            "Both `publickey` and `publicKey`: which key was meant is ambiguous, so the \
             message is rejected even though each spelling alone is accepted.",
        ),
    ]
    .into_iter()
    .map(|(flag, text)| (flag.to_string(), Value::String(text.to_string())))
    .collect()
}

/// Builds `ontology/messages.json`.
pub fn build() -> VectorFile {
    let mut file = VectorFile::numbered(
        "ONTOLOGY-MESSAGES",
        "qrconform vectors regen (recipe messages)",
        json!({
            "recipe": "src/vectors/recipes/messages.rs",
            "description": "For every Ontology dAPI-mobile message kind (QR requests, invoke \
                payload, wallet callbacks, dApp reply, node REST/JSON-RPC envelopes, events, \
                pre-execution results): the documents' examples, the variations the profile \
                accepts, and invalid messages that differ from a valid one in exactly one \
                member. Each case must get the same verdict from the kind's JSON Schema \
                (schemas/ontology/<kind>.json) and from its serde type, and an invalid case \
                must be rejected by both at the member `breaks` names (a JSON pointer; a \
                missing member is named where it should be).",
            "clauses": [
                "ONT-T4", "ONT-T5", "ONT-T6", "ONT-T7", "ONT-L1", "ONT-L2", "ONT-L10",
                "ONT-S1", "ONT-S2", "ONT-S3", "ONT-S4", "ONT-I1", "ONT-I2", "ONT-I7",
                "ONT-I8", "ONT-N1", "ONT-N2", "ONT-N3", "ONT-N4"
            ],
            "references": [
                "ontio-cyano/CEPs CEPS/CEP1.mediawiki (envelope, login, callback test vector)",
                "ontio/documentation dev-website-docs dApp-Integration/02-DAppDocking-QRcode.md \
                 and docs-cn Wallet-Integration/03-WalletDocking-scan-qrcode.md (login, \
                 signMessage, signMultiMessage, invoke)",
                "ontio-cyano/cyano-bridge src/client/proxy.ts (version \"1.0.0\")",
                "ontio-cyano/cyano-ios OntoPayLoginViewController.m (publicKey)",
                "ontio/ontology http/base/rest/result.go, http/base/rpc/rpc.go, \
                 common/common.go (node envelopes, events, pre-execution)"
            ],
        }),
        notes(),
        vec![
            login_request(),
            login_callback(),
            sign_message_request(),
            sign_message_callback(),
            sign_multi_message_request(),
            sign_multi_message_callback(),
            invoke_request(),
            invoke_payload(),
            invoke_callback(),
            dapp_reply(),
            node_rest_envelope(),
            node_rest_send(),
            node_rpc_request(),
            node_rpc_response(),
            node_event(),
            node_preexec(),
        ],
    );
    file.header = vec![
        "Shapes of Ontology dAPI-mobile messages: each message is valid or invalid for its \
         kind, by the JSON Schema and by the serde types alike; `breaks` names the member an \
         invalid message gets wrong."
            .to_string(),
    ];
    file
}

// ---------------------------------------------------------------------------------------
// Building cases
// ---------------------------------------------------------------------------------------

/// The cases of one kind, collected in order.
struct Family {
    kind: MessageKind,
    clauses: &'static [&'static str],
    tests: Vec<TestCase>,
}

impl Family {
    fn new(kind: MessageKind, clauses: &'static [&'static str]) -> Self {
        Family {
            kind,
            clauses,
            tests: Vec::new(),
        }
    }

    fn valid(&mut self, comment: &str, flags: &[&str], message: Value) {
        self.tests.push(TestCase::new(
            comment,
            flags,
            json!({ "message": message }),
            Valid,
        ));
    }

    fn invalid(&mut self, comment: &str, flags: &[&str], breaks: &str, message: Value) {
        self.tests.push(TestCase::new(
            comment,
            flags,
            json!({ "message": message, "breaks": breaks }),
            Invalid,
        ));
    }

    fn group(self) -> TestGroup {
        let name = self.kind.name();
        TestGroup::new(
            name,
            json!({
                "kind": name,
                "schema": format!("https://qrconform.dev/schemas/ontology/{name}.json"),
                "clauses": self.clauses,
            }),
            self.tests,
        )
    }
}

/// Splits a JSON pointer into its parent and its last, unescaped, segment.
fn split_pointer(pointer: &str) -> (&str, String) {
    let at = pointer
        .rfind('/')
        .unwrap_or_else(|| panic!("recipe bug: `{pointer}` is not a member pointer"));
    let last = pointer[at + 1..].replace("~1", "/").replace("~0", "~");
    (&pointer[..at], last)
}

/// `base` with the member at `pointer` set to `value` (replaced in place, or appended; an
/// array index one past the end appends).
fn set(base: &Value, pointer: &str, value: Value) -> Value {
    let mut out = base.clone();
    let (parent, last) = split_pointer(pointer);
    match out.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(last, value);
        }
        Some(Value::Array(items)) => {
            let index: usize = last.parse().expect("recipe bug: array index");
            if index == items.len() {
                items.push(value);
            } else {
                items[index] = value;
            }
        }
        _ => panic!("recipe bug: no container at `{parent}`"),
    }
    out
}

/// `base` without the member at `pointer`; the other members keep their order.
fn remove(base: &Value, pointer: &str) -> Value {
    let mut out = base.clone();
    let (parent, last) = split_pointer(pointer);
    match out.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&last)
                .unwrap_or_else(|| panic!("recipe bug: nothing at `{pointer}`"));
        }
        _ => panic!("recipe bug: no object at `{parent}`"),
    }
    out
}

/// Cases every request-shaped message shares (`{action, version, id?, params}`).
fn request_envelope_cases(f: &mut Family, base: &Value, other_action: &str) {
    let action = base["action"]
        .as_str()
        .expect("base has an action")
        .to_string();
    f.valid(
        "version \"1.0.0\", as cyano-bridge sends it (ONT-T4)",
        &[VARIANT],
        set(base, "/version", json!("1.0.0")),
    );
    f.valid(
        "no id: it is optional (ONT-T4)",
        &[VARIANT],
        remove(base, "/id"),
    );
    f.valid(
        "an extra top-level member (needTimeout) is ignored",
        &[EXTRA],
        set(base, "/needTimeout", json!(false)),
    );
    f.invalid(
        "the message is an array, not an object",
        &[TYPE],
        "",
        json!([base]),
    );
    f.invalid(
        "action missing",
        &[MISSING],
        "/action",
        remove(base, "/action"),
    );
    f.invalid(
        &format!("action is {other_action:?}"),
        &[VALUE],
        "/action",
        set(base, "/action", json!(other_action)),
    );
    f.invalid(
        "action in upper case: actions are case-sensitive",
        &[VALUE],
        "/action",
        set(base, "/action", json!(action.to_uppercase())),
    );
    f.invalid(
        "action is a number",
        &[TYPE],
        "/action",
        set(base, "/action", json!(1)),
    );
    f.invalid(
        "version missing",
        &[MISSING],
        "/version",
        remove(base, "/version"),
    );
    f.invalid(
        "version \"v1.0\"",
        &[VALUE],
        "/version",
        set(base, "/version", json!("v1.0")),
    );
    f.invalid(
        "version \"v2.0.0\"",
        &[VALUE],
        "/version",
        set(base, "/version", json!("v2.0.0")),
    );
    f.invalid(
        "version is the number 1.0",
        &[TYPE],
        "/version",
        set(base, "/version", json!(1.0)),
    );
    f.invalid(
        "id is a number",
        &[TYPE],
        "/id",
        set(base, "/id", json!(12345)),
    );
    f.invalid("id is null", &[TYPE], "/id", set(base, "/id", Value::Null));
    f.invalid("id is empty", &[EMPTY], "/id", set(base, "/id", json!("")));
    f.invalid(
        "params missing",
        &[MISSING],
        "/params",
        remove(base, "/params"),
    );
    let params_text = serde_json::to_string(&base["params"]).expect("JSON serializes");
    f.invalid(
        "params is JSON text inside a string",
        &[TYPE],
        "/params",
        set(base, "/params", json!(params_text)),
    );
    f.invalid(
        "params is an array",
        &[TYPE],
        "/params",
        set(base, "/params", json!([base["params"].clone()])),
    );
    f.invalid(
        "params is null",
        &[TYPE],
        "/params",
        set(base, "/params", Value::Null),
    );
}

/// Cases every `{action, version, id, error, desc, result}` callback shares. `success` is a
/// valid success callback; `failure` a valid failure callback of the same action.
fn callback_envelope_cases(
    f: &mut Family,
    success: &Value,
    other_action: &str,
    version_required: bool,
) {
    f.valid(
        "no id: the request had none (ONT-T5)",
        &[VARIANT],
        remove(success, "/id"),
    );
    f.valid(
        "version \"1.0.0\" (ONT-T4)",
        &[VARIANT],
        set(success, "/version", json!("1.0.0")),
    );
    if version_required {
        f.invalid(
            "version missing",
            &[MISSING],
            "/version",
            remove(success, "/version"),
        );
    } else {
        f.valid(
            "no version: every source's example omits it",
            &[VARIANT],
            remove(success, "/version"),
        );
    }
    f.valid(
        "failure: error 80001, desc \"PARAMS ERROR\", result 1",
        &[VARIANT],
        set(
            &set(
                &set(success, "/error", json!(80001)),
                "/desc",
                json!("PARAMS ERROR"),
            ),
            "/result",
            json!(1),
        ),
    );
    f.valid(
        "failure: error 80003, desc \"INTERNAL ERROR\", result \"\"",
        &[VARIANT],
        set(
            &set(
                &set(success, "/error", json!(80003)),
                "/desc",
                json!("INTERNAL ERROR"),
            ),
            "/result",
            json!(""),
        ),
    );
    f.invalid(
        "the body is an array, not an object (ONT-T7)",
        &[TYPE],
        "",
        json!([success]),
    );
    f.invalid(
        "action missing",
        &[MISSING],
        "/action",
        remove(success, "/action"),
    );
    f.invalid(
        &format!("action is {other_action:?}"),
        &[VALUE],
        "/action",
        set(success, "/action", json!(other_action)),
    );
    f.invalid(
        "action is a number",
        &[TYPE],
        "/action",
        set(success, "/action", json!(0)),
    );
    f.invalid(
        "version \"v1\"",
        &[VALUE],
        "/version",
        set(success, "/version", json!("v1")),
    );
    f.invalid(
        "id is a number",
        &[TYPE],
        "/id",
        set(success, "/id", json!(7)),
    );
    f.invalid(
        "error missing",
        &[MISSING],
        "/error",
        remove(success, "/error"),
    );
    f.invalid(
        "error is the string \"0\" (ONT-T6)",
        &[ERROR_STRING],
        "/error",
        set(success, "/error", json!("0")),
    );
    f.invalid(
        "error is the string \"80001\" (ONT-T6)",
        &[ERROR_STRING],
        "/error",
        set(
            &set(
                &set(success, "/error", json!("80001")),
                "/desc",
                json!("PARAMS ERROR"),
            ),
            "/result",
            json!(1),
        ),
    );
    f.invalid(
        "error is null",
        &[TYPE],
        "/error",
        set(success, "/error", Value::Null),
    );
    f.invalid(
        "error is true",
        &[TYPE],
        "/error",
        set(success, "/error", json!(true)),
    );
    f.invalid(
        "error 1 is not a dApi code",
        &[VALUE],
        "/error",
        set(&set(success, "/error", json!(1)), "/desc", json!("ERROR")),
    );
    f.invalid(
        "error -1 is not a dApi code",
        &[VALUE],
        "/error",
        set(&set(success, "/error", json!(-1)), "/desc", json!("ERROR")),
    );
    f.invalid(
        "error 80004 is not a dApi code",
        &[VALUE],
        "/error",
        set(
            &set(success, "/error", json!(80004)),
            "/desc",
            json!("ERROR"),
        ),
    );
    f.invalid(
        "error 0.5 is not an integer",
        &[TYPE],
        "/error",
        set(success, "/error", json!(0.5)),
    );
    f.invalid(
        "desc missing",
        &[MISSING],
        "/desc",
        remove(success, "/desc"),
    );
    f.invalid(
        "desc is a number",
        &[TYPE],
        "/desc",
        set(success, "/desc", json!(0)),
    );
    f.invalid(
        "error 0 with desc \"success\" (lower case)",
        &[VALUE],
        "/desc",
        set(success, "/desc", json!("success")),
    );
    f.invalid(
        "error 0 with desc \"PARAMS ERROR\"",
        &[VALUE],
        "/desc",
        set(success, "/desc", json!("PARAMS ERROR")),
    );
    f.invalid(
        "result missing",
        &[MISSING],
        "/result",
        remove(success, "/result"),
    );
    f.invalid(
        "error 0 with result null",
        &[TYPE],
        "/result",
        set(success, "/result", Value::Null),
    );
}

/// Cases for an absolute http(s) URL member at `pointer`; `required` says whether leaving
/// it out is invalid.
fn url_cases(f: &mut Family, base: &Value, pointer: &str, required: bool) {
    let name = split_pointer(pointer).1;
    if required {
        f.invalid(
            &format!("{name} missing"),
            &[MISSING],
            pointer,
            remove(base, pointer),
        );
    } else {
        f.valid(
            &format!("no {name}: it is optional"),
            &[VARIANT],
            remove(base, pointer),
        );
    }
    f.valid(
        &format!("{name} over https with a port, a query and a fragment"),
        &[VARIANT],
        set(
            base,
            pointer,
            json!("https://dapp.example.com:8443/api/v1/cb?session=a1%20b2&x=1#top"),
        ),
    );
    f.valid(
        &format!("{name} on an IPv6 loopback address"),
        &[VARIANT],
        set(base, pointer, json!("http://[::1]:8080/cb")),
    );
    f.valid(
        &format!("{name} with an upper-case scheme"),
        &[VARIANT],
        set(base, pointer, json!("HTTP://dapp.example.com/cb")),
    );
    let bad: &[(&str, &str)] = &[
        (
            "is a relative path",
            "/blockchain/v1/common/test-onto-login",
        ),
        (
            "has no scheme",
            "101.132.193.149:4027/blockchain/v1/common/test-onto-login",
        ),
        ("is an ftp URL", "ftp://101.132.193.149/cb"),
        ("is a javascript: URL", "javascript:alert(1)"),
        (
            "uses the wallet's own deep-link scheme",
            "ontprovider://ont.io?param=e30%3D",
        ),
        ("has an empty host", "http:///cb"),
        (
            "has user information before the host",
            "http://user:secret@dapp.example.com/cb",
        ),
        (
            "has a space in the path",
            "http://dapp.example.com/call back",
        ),
        (
            "has a broken percent escape",
            "http://dapp.example.com/cb%zz",
        ),
        ("has a non-numeric port", "http://dapp.example.com:port/cb"),
        ("is the empty string", ""),
    ];
    for (what, url) in bad {
        f.invalid(
            &format!("{name} {what}"),
            &[FORMAT],
            pointer,
            set(base, pointer, json!(url)),
        );
    }
    f.invalid(
        &format!("{name} is a number"),
        &[TYPE],
        pointer,
        set(base, pointer, json!(4027)),
    );
    f.invalid(
        &format!("{name} is null"),
        &[TYPE],
        pointer,
        set(base, pointer, Value::Null),
    );
}

/// Cases for an optional `expire` member at `pointer`.
fn expire_cases(f: &mut Family, base: &Value, pointer: &str) {
    f.valid(
        "no expire: it is optional",
        &[VARIANT],
        remove(base, pointer),
    );
    f.valid(
        "expire written as 1546415363.0",
        &[INTEGRAL],
        set(base, pointer, json!(1546415363.0)),
    );
    f.invalid(
        "expire is a string of digits",
        &[TYPE],
        pointer,
        set(base, pointer, json!(EXPIRE.to_string())),
    );
    f.invalid(
        "expire has a fraction",
        &[TYPE],
        pointer,
        set(base, pointer, json!(1546415363.5)),
    );
    f.invalid(
        "expire is negative",
        &[RANGE],
        pointer,
        set(base, pointer, json!(-1)),
    );
    f.invalid(
        "expire is 2^53, beyond the exact JSON range",
        &[RANGE],
        pointer,
        set(base, pointer, json!(9_007_199_254_740_992u64)),
    );
    f.invalid(
        "expire is null",
        &[TYPE],
        pointer,
        set(base, pointer, Value::Null),
    );
}

/// Cases for an optional login `type` member at `pointer` (missing means "address").
fn request_type_cases(f: &mut Family, base: &Value, pointer: &str) {
    let current = base.pointer(pointer).and_then(Value::as_str);
    for (value, comment) in [
        ("account", "type \"account\""),
        ("address", "type \"address\", the synonym of account"),
        ("ontid", "type \"ontid\""),
    ] {
        // The base itself is already a case of its group.
        if current != Some(value) {
            f.valid(comment, &[VARIANT], set(base, pointer, json!(value)));
        }
    }
    f.valid(
        "no type: it means \"address\"",
        &[VARIANT],
        remove(base, pointer),
    );
    f.invalid(
        "type is the documents' placeholder \"ontid or account\"",
        &[VALUE],
        pointer,
        set(base, pointer, json!("ontid or account")),
    );
    f.invalid(
        "type \"ONTID\": values are case-sensitive",
        &[VALUE],
        pointer,
        set(base, pointer, json!("ONTID")),
    );
    f.invalid(
        "type \"identity\"",
        &[VALUE],
        pointer,
        set(base, pointer, json!("identity")),
    );
    f.invalid(
        "type is null",
        &[TYPE],
        pointer,
        set(base, pointer, Value::Null),
    );
}

/// A signed-message object (login callback `params`, signMessage `result`).
fn signed(login_type: &str, user: &str, message: &str, publickey: &str, signature: &str) -> Value {
    json!({
        "type": login_type,
        "user": user,
        "message": message,
        "publickey": publickey,
        "signature": signature,
    })
}

fn doc_signed_account() -> Value {
    signed("account", ADDRESS, MESSAGE, PUBLIC_KEY, SIGNATURE)
}

/// Cases for the members of a signed-message object at `at` inside `base`.
fn signed_cases(f: &mut Family, base: &Value, at: &str) {
    let p = |member: &str| format!("{at}/{member}");
    if base.pointer(&p("type")) != Some(&json!("address")) {
        f.valid(
            "type \"address\" with a base58 user",
            &[VARIANT],
            set(base, &p("type"), json!("address")),
        );
    }
    f.valid(
        "type \"ontid\" with an ONT ID user",
        &[VARIANT],
        set(
            &set(base, &p("type"), json!("ontid")),
            &p("user"),
            json!(ONT_ID),
        ),
    );
    f.valid(
        "the CEP-1 callback test vector (03 key, high-S signature: shape only here)",
        &[DOC],
        set(
            base,
            at,
            signed(
                "account",
                CEP1_USER,
                CEP1_MESSAGE,
                CEP1_PUBLIC_KEY,
                CEP1_SIGNATURE,
            ),
        ),
    );
    f.valid(
        "64-byte r||s signature without the scheme byte (ONT-L4)",
        &[VARIANT],
        set(base, &p("signature"), json!(&SIGNATURE[2..])),
    );
    f.valid(
        "upper-case hex key and signature",
        &[VARIANT],
        set(
            &set(base, &p("publickey"), json!(PUBLIC_KEY.to_uppercase())),
            &p("signature"),
            json!(SIGNATURE.to_uppercase()),
        ),
    );
    f.valid(
        "a non-ASCII message",
        &[VARIANT],
        set(base, &p("message"), json!("登录 helloworld")),
    );
    f.valid(
        "an extra member next to the signature",
        &[EXTRA],
        set(base, &p("deviceName"), json!("Pixel")),
    );
    f.invalid(
        "type missing",
        &[MISSING],
        &p("type"),
        remove(base, &p("type")),
    );
    f.invalid(
        "type is the documents' placeholder \"ontid or account\"",
        &[VALUE],
        &p("type"),
        set(base, &p("type"), json!("ontid or account")),
    );
    f.invalid(
        "type is a number",
        &[TYPE],
        &p("type"),
        set(base, &p("type"), json!(1)),
    );
    f.invalid(
        "type \"ontid\" but user is a bare address",
        &[FORMAT],
        &p("user"),
        set(base, &p("type"), json!("ontid")),
    );
    f.invalid(
        "type \"account\" but user is an ONT ID",
        &[FORMAT],
        &p("user"),
        set(base, &p("user"), json!(ONT_ID)),
    );
    f.invalid(
        "user missing",
        &[MISSING],
        &p("user"),
        remove(base, &p("user")),
    );
    f.invalid(
        "user is a number",
        &[TYPE],
        &p("user"),
        set(base, &p("user"), json!(23)),
    );
    f.invalid(
        "user is empty",
        &[FORMAT],
        &p("user"),
        set(base, &p("user"), json!("")),
    );
    f.invalid(
        "user has a character outside base58 (0)",
        &[FORMAT],
        &p("user"),
        set(
            base,
            &p("user"),
            json!("AUEKhXNsoAT27HJwwqFGbpRy8QLHUMBM0z"),
        ),
    );
    f.invalid(
        "user is one character short",
        &[FORMAT],
        &p("user"),
        set(base, &p("user"), json!(&ADDRESS[..33])),
    );
    f.invalid(
        "user is a hex script hash instead of base58",
        &[FORMAT],
        &p("user"),
        set(
            base,
            &p("user"),
            json!("88a2125932c9eeff270858dc9e9b49600365601f"),
        ),
    );
    f.invalid(
        "message missing",
        &[MISSING],
        &p("message"),
        remove(base, &p("message")),
    );
    f.invalid(
        "message is empty",
        &[EMPTY],
        &p("message"),
        set(base, &p("message"), json!("")),
    );
    f.invalid(
        "message is a number",
        &[TYPE],
        &p("message"),
        set(base, &p("message"), json!(1122334)),
    );
    f.invalid(
        "publickey missing",
        &[MISSING],
        &p("publickey"),
        remove(base, &p("publickey")),
    );
    f.invalid(
        "publickey uncompressed (04, 65 bytes: the same key)",
        &[FORMAT],
        &p("publickey"),
        set(
            base,
            &p("publickey"),
            json!("0405c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba6151033ac1f71c0bcddb07296519f6a26762b97b36217a909b0c5bb18fe2a91baa"),
        ),
    );
    f.invalid(
        "publickey with an 04 prefix and 32 bytes",
        &[FORMAT],
        &p("publickey"),
        set(
            base,
            &p("publickey"),
            json!(format!("04{}", &PUBLIC_KEY[2..])),
        ),
    );
    f.invalid(
        "publickey without its prefix byte",
        &[FORMAT],
        &p("publickey"),
        set(base, &p("publickey"), json!(&PUBLIC_KEY[2..])),
    );
    f.invalid(
        "publickey with a 0x prefix",
        &[FORMAT],
        &p("publickey"),
        set(base, &p("publickey"), json!(format!("0x{PUBLIC_KEY}"))),
    );
    f.invalid(
        "publickey is not hex",
        &[FORMAT],
        &p("publickey"),
        set(
            base,
            &p("publickey"),
            json!(format!("{}zz", &PUBLIC_KEY[..64])),
        ),
    );
    f.invalid(
        "signature missing",
        &[MISSING],
        &p("signature"),
        remove(base, &p("signature")),
    );
    f.invalid(
        "signature is a number",
        &[TYPE],
        &p("signature"),
        set(base, &p("signature"), json!(1)),
    );
    f.invalid(
        "signature of 66 bytes",
        &[FORMAT],
        &p("signature"),
        set(base, &p("signature"), json!(format!("{SIGNATURE}00"))),
    );
    f.invalid(
        "signature of 63 bytes",
        &[FORMAT],
        &p("signature"),
        set(base, &p("signature"), json!(&SIGNATURE[..126])),
    );
    f.invalid(
        "signature DER-encoded (the same r and s; ONT-L5)",
        &[FORMAT],
        &p("signature"),
        set(
            base,
            &p("signature"),
            json!("3045022100abd7ea9d79c857cd838cabbbaad3efb44a6fc4f5a5ef52ea8461d6c055b8a7cf0220324d1a58962988709705cefe40df5b26e88af3ca387ec5036ec7f5e6640a1754"),
        ),
    );
    f.invalid(
        "signature in Base64 (the Java SDK's test form)",
        &[FORMAT],
        &p("signature"),
        set(base, &p("signature"), json!("AYUi0ZgY7ZGN9Msr42prWjsghbcQ6yGaRL34RSUwQr949JMXuhrbjWCYIO3UV1FbFbNKG0YZByYHkffu800pNMw=")),
    );
    f.invalid(
        "signature with a 0x prefix",
        &[FORMAT],
        &p("signature"),
        set(
            base,
            &p("signature"),
            json!(format!("0x{}", &SIGNATURE[2..])),
        ),
    );
}

// ---------------------------------------------------------------------------------------
// The groups
// ---------------------------------------------------------------------------------------

fn login_request() -> TestGroup {
    let mut f = Family::new(MessageKind::LoginRequest, &["ONT-T4", "ONT-L1"]);
    let doc = json!({
        "action": "login",
        "version": "v1.0.0",
        "id": ID,
        "params": {
            "type": "ontid",
            "dappName": "dapp Name",
            "dappIcon": "dapp Icon",
            "message": MESSAGE,
            "expire": EXPIRE,
            "callback": CALLBACK
        }
    });
    f.valid(
        "the documents' login QR (type \"ontid or account\" made \"ontid\")",
        &[DOC],
        doc.clone(),
    );
    request_envelope_cases(&mut f, &doc, "signMessage");
    request_type_cases(&mut f, &doc, "/params/type");
    f.valid(
        "dappIcon as an https URL",
        &[VARIANT],
        set(
            &doc,
            "/params/dappIcon",
            json!("https://dapp.example.com/icon.png"),
        ),
    );
    f.valid(
        "a non-ASCII message",
        &[VARIANT],
        set(&doc, "/params/message", json!("登录 helloworld")),
    );
    f.valid(
        "an extra params member",
        &[EXTRA],
        set(&doc, "/params/chain", json!("MainNet")),
    );
    f.invalid(
        "dappName missing",
        &[MISSING],
        "/params/dappName",
        remove(&doc, "/params/dappName"),
    );
    f.invalid(
        "dappName is a number",
        &[TYPE],
        "/params/dappName",
        set(&doc, "/params/dappName", json!(7)),
    );
    f.invalid(
        "dappIcon missing",
        &[MISSING],
        "/params/dappIcon",
        remove(&doc, "/params/dappIcon"),
    );
    f.invalid(
        "dappIcon is null",
        &[TYPE],
        "/params/dappIcon",
        set(&doc, "/params/dappIcon", Value::Null),
    );
    f.invalid(
        "message missing",
        &[MISSING],
        "/params/message",
        remove(&doc, "/params/message"),
    );
    f.invalid(
        "message is empty (ONT-L1)",
        &[EMPTY],
        "/params/message",
        set(&doc, "/params/message", json!("")),
    );
    f.invalid(
        "message is a number",
        &[TYPE],
        "/params/message",
        set(&doc, "/params/message", json!(1122334)),
    );
    f.invalid(
        "message is an array",
        &[TYPE],
        "/params/message",
        set(&doc, "/params/message", json!([MESSAGE])),
    );
    expire_cases(&mut f, &doc, "/params/expire");
    url_cases(&mut f, &doc, "/params/callback", true);
    f.group()
}

fn login_callback() -> TestGroup {
    let mut f = Family::new(MessageKind::LoginCallback, &["ONT-T4", "ONT-T5", "ONT-L2"]);
    let doc = json!({
        "action": "login",
        "version": "v1.0.0",
        "id": ID,
        "params": signed("ontid", ONT_ID, MESSAGE, PUBLIC_KEY, SIGNATURE)
    });
    f.valid(
        "the documents' login callback (type made \"ontid\")",
        &[DOC],
        doc.clone(),
    );
    let account = set(&doc, "/params", doc_signed_account());
    f.valid("an account login", &[VARIANT], account.clone());
    request_envelope_cases(&mut f, &account, "signMessage");
    signed_cases(&mut f, &account, "/params");
    let camel = |v: &Value| {
        let key = v["params"]["publickey"].clone();
        set(&remove(v, "/params/publickey"), "/params/publicKey", key)
    };
    f.valid(
        "publicKey (camel case), as the iOS wallets send it (ONT-L2)",
        &[QUIRK],
        camel(&account),
    );
    f.valid(
        "publicKey (camel case) in an ONT ID login",
        &[QUIRK],
        camel(&doc),
    );
    f.invalid(
        "both publickey and publicKey",
        &[AMBIGUOUS],
        "/params/publickey",
        set(&account, "/params/publicKey", json!(PUBLIC_KEY)),
    );
    f.invalid(
        "publicKey (camel case) but malformed",
        &[QUIRK, FORMAT],
        "/params/publicKey",
        set(
            &camel(&account),
            "/params/publicKey",
            json!(&PUBLIC_KEY[..64]),
        ),
    );
    f.invalid(
        "the data under result with error/desc (the WebView response shape) instead of params",
        &[MISSING],
        "/params",
        json!({"action": "login", "version": "v1.0.0", "id": ID, "error": 0, "desc": "SUCCESS",
               "result": doc_signed_account()}),
    );
    f.group()
}

fn sign_message_request() -> TestGroup {
    let mut f = Family::new(
        MessageKind::SignMessageRequest,
        &["ONT-T4", "ONT-S1", "ONT-S2"],
    );
    let doc = json!({
        "action": "signMessage",
        "version": "v1.0.0",
        "id": ID,
        "params": {
            "type": "address",
            "message": MESSAGE,
            "ishex": false,
            "callback": CALLBACK
        }
    });
    f.valid(
        "the documents' signMessage QR (type \"ontid or address\" made \"address\")",
        &[DOC],
        doc.clone(),
    );
    request_envelope_cases(&mut f, &doc, "login");
    f.invalid(
        "action is \"signMultiMessage\" with a single message",
        &[VALUE],
        "/action",
        set(&doc, "/action", json!("signMultiMessage")),
    );
    request_type_cases(&mut f, &doc, "/params/type");
    f.valid(
        "no ishex: it defaults to false",
        &[VARIANT],
        remove(&doc, "/params/ishex"),
    );
    f.valid(
        "ishex true with the hex of \"helloworld\"",
        &[VARIANT],
        set(
            &set(&doc, "/params/ishex", json!(true)),
            "/params/message",
            json!(MESSAGE_HEX),
        ),
    );
    f.valid(
        "ishex true with upper-case hex",
        &[VARIANT],
        set(
            &set(&doc, "/params/ishex", json!(true)),
            "/params/message",
            json!(MESSAGE_HEX.to_uppercase()),
        ),
    );
    f.valid(
        "a hex-looking message with ishex false is text",
        &[VARIANT],
        set(&doc, "/params/message", json!("aabbccdd")),
    );
    f.valid(
        "with expire (CEP-1)",
        &[VARIANT],
        set(&doc, "/params/expire", json!(EXPIRE)),
    );
    f.valid(
        "with dappName and dappIcon, as login has them",
        &[EXTRA],
        set(
            &set(&doc, "/params/dappName", json!("dapp Name")),
            "/params/dappIcon",
            json!("dapp Icon"),
        ),
    );
    f.invalid(
        "message missing",
        &[MISSING],
        "/params/message",
        remove(&doc, "/params/message"),
    );
    f.invalid(
        "message is empty",
        &[EMPTY],
        "/params/message",
        set(&doc, "/params/message", json!("")),
    );
    f.invalid(
        "message is an array (the signMultiMessage shape)",
        &[TYPE],
        "/params/message",
        set(&doc, "/params/message", json!([MESSAGE])),
    );
    f.invalid(
        "message is a number",
        &[TYPE],
        "/params/message",
        set(&doc, "/params/message", json!(1122334)),
    );
    f.invalid(
        "ishex is the string \"false\"",
        &[TYPE],
        "/params/ishex",
        set(&doc, "/params/ishex", json!("false")),
    );
    f.invalid(
        "ishex is 0",
        &[TYPE],
        "/params/ishex",
        set(&doc, "/params/ishex", json!(0)),
    );
    f.invalid(
        "ishex is null",
        &[TYPE],
        "/params/ishex",
        set(&doc, "/params/ishex", Value::Null),
    );
    f.invalid(
        "ishex true but the message is not hex (ONT-S2)",
        &[FORMAT],
        "/params/message",
        set(&doc, "/params/ishex", json!(true)),
    );
    f.invalid(
        "ishex true with an odd number of hex digits",
        &[FORMAT],
        "/params/message",
        set(
            &set(&doc, "/params/ishex", json!(true)),
            "/params/message",
            json!("abc"),
        ),
    );
    f.invalid(
        "ishex true with a 0x prefix",
        &[FORMAT],
        "/params/message",
        set(
            &set(&doc, "/params/ishex", json!(true)),
            "/params/message",
            json!(format!("0x{MESSAGE_HEX}")),
        ),
    );
    expire_cases(
        &mut f,
        &set(&doc, "/params/expire", json!(EXPIRE)),
        "/params/expire",
    );
    url_cases(&mut f, &doc, "/params/callback", true);
    f.group()
}

fn sign_multi_message_request() -> TestGroup {
    let mut f = Family::new(
        MessageKind::SignMultiMessageRequest,
        &["ONT-T4", "ONT-S1", "ONT-S2"],
    );
    let doc = json!({
        "action": "signMultiMessage",
        "version": "v1.0.0",
        "id": ID,
        "params": {
            "type": "address",
            "message": ["aabbccdd"],
            "ishex": true,
            "callback": CALLBACK
        }
    });
    f.valid(
        "the documents' signMultiMessage QR (type made \"address\")",
        &[DOC],
        doc.clone(),
    );
    request_envelope_cases(&mut f, &doc, "signMessage");
    request_type_cases(&mut f, &doc, "/params/type");
    let text = set(
        &set(&doc, "/params/ishex", json!(false)),
        "/params/message",
        json!([MESSAGE, CEP1_MESSAGE]),
    );
    f.valid("two text messages", &[VARIANT], text.clone());
    f.valid(
        "no ishex: text messages",
        &[VARIANT],
        remove(&text, "/params/ishex"),
    );
    f.valid(
        "two hex messages",
        &[VARIANT],
        set(&doc, "/params/message", json!(["aabbccdd", MESSAGE_HEX])),
    );
    f.valid(
        "with expire",
        &[VARIANT],
        set(&doc, "/params/expire", json!(EXPIRE)),
    );
    f.invalid(
        "message missing",
        &[MISSING],
        "/params/message",
        remove(&doc, "/params/message"),
    );
    f.invalid(
        "message is a single string (the signMessage shape)",
        &[TYPE],
        "/params/message",
        set(&doc, "/params/message", json!("aabbccdd")),
    );
    f.invalid(
        "message is an empty array",
        &[EMPTY],
        "/params/message",
        set(&doc, "/params/message", json!([])),
    );
    f.invalid(
        "message holds an empty string",
        &[EMPTY],
        "/params/message/0",
        set(&text, "/params/message", json!([""])),
    );
    f.invalid(
        "message holds a number",
        &[TYPE],
        "/params/message/1",
        set(&doc, "/params/message", json!(["aabbccdd", 5])),
    );
    f.invalid(
        "message holds a nested array",
        &[TYPE],
        "/params/message/0",
        set(&doc, "/params/message", json!([["aabbccdd"]])),
    );
    f.invalid(
        "message holds null",
        &[TYPE],
        "/params/message/0",
        set(&doc, "/params/message", json!([null])),
    );
    f.invalid(
        "ishex true but the second message is not hex (ONT-S2)",
        &[FORMAT],
        "/params/message/1",
        set(&doc, "/params/message", json!(["aabbccdd", MESSAGE])),
    );
    f.invalid(
        "ishex true with an odd-length message",
        &[FORMAT],
        "/params/message/0",
        set(&doc, "/params/message", json!(["aabbccd"])),
    );
    f.invalid(
        "ishex is the string \"true\"",
        &[TYPE],
        "/params/ishex",
        set(&doc, "/params/ishex", json!("true")),
    );
    expire_cases(
        &mut f,
        &set(&doc, "/params/expire", json!(EXPIRE)),
        "/params/expire",
    );
    url_cases(&mut f, &doc, "/params/callback", true);
    f.group()
}

fn sign_message_success() -> Value {
    json!({
        "action": "signMessage",
        "version": "v1.0.0",
        "id": ID,
        "error": 0,
        "desc": "SUCCESS",
        "result": signed("address", ADDRESS, MESSAGE, PUBLIC_KEY, SIGNATURE)
    })
}

fn sign_message_callback() -> TestGroup {
    let mut f = Family::new(
        MessageKind::SignMessageCallback,
        &["ONT-T4", "ONT-T5", "ONT-T6", "ONT-S2", "ONT-S3", "ONT-S6"],
    );
    let doc = sign_message_success();
    f.valid(
        "the documents' signMessage callback (type and user made concrete)",
        &[DOC],
        doc.clone(),
    );
    callback_envelope_cases(&mut f, &doc, "signMultiMessage", true);
    signed_cases(&mut f, &doc, "/result");
    f.invalid(
        "action \"login\", as the Android wallet posts signMessage results",
        &[BUG],
        "/action",
        set(&doc, "/action", json!("login")),
    );
    f.invalid(
        "the data under params instead of result (the Android shape)",
        &[BUG, MISSING],
        "/result",
        set(&remove(&doc, "/result"), "/params", doc["result"].clone()),
    );
    f.valid(
        "publicKey (camel case), as cyano-ios-oc's signMessage sends it (ONT-S6)",
        &[QUIRK],
        set(
            &remove(&doc, "/result/publickey"),
            "/result/publicKey",
            json!(PUBLIC_KEY),
        ),
    );
    f.invalid(
        "result is an array (the signMultiMessage shape)",
        &[TYPE],
        "/result",
        set(&doc, "/result", json!([doc["result"].clone()])),
    );
    f.invalid(
        "result is true",
        &[TYPE],
        "/result",
        set(&doc, "/result", json!(true)),
    );
    f.group()
}

fn sign_multi_message_callback() -> TestGroup {
    let mut f = Family::new(
        MessageKind::SignMultiMessageCallback,
        &["ONT-T4", "ONT-T5", "ONT-T6", "ONT-S3", "ONT-S4"],
    );
    let one = signed("address", ADDRESS, MESSAGE, PUBLIC_KEY, SIGNATURE);
    let two = signed(
        "account",
        CEP1_USER,
        CEP1_MESSAGE,
        CEP1_PUBLIC_KEY,
        CEP1_SIGNATURE,
    );
    let base = set(
        &sign_message_success(),
        "/action",
        json!("signMultiMessage"),
    );
    let base = set(&base, "/result", json!([one.clone()]));
    f.valid(
        "one signed message in an array (ONT-S4)",
        &[VARIANT],
        base.clone(),
    );
    let pair = set(&base, "/result", json!([one.clone(), two.clone()]));
    f.valid(
        "two signed messages, in request order",
        &[VARIANT],
        pair.clone(),
    );
    callback_envelope_cases(&mut f, &base, "signMessage", true);
    f.invalid(
        "action \"login\" (the Android habit)",
        &[BUG],
        "/action",
        set(&base, "/action", json!("login")),
    );
    f.invalid(
        "result is a single object (the signMessage shape)",
        &[TYPE],
        "/result",
        set(&base, "/result", one.clone()),
    );
    f.invalid(
        "result is an empty array",
        &[EMPTY],
        "/result",
        set(&base, "/result", json!([])),
    );
    f.invalid(
        "the second element lacks its signature",
        &[MISSING],
        "/result/1/signature",
        remove(&pair, "/result/1/signature"),
    );
    f.invalid(
        "the second element is a string",
        &[TYPE],
        "/result/1",
        set(&pair, "/result/1", json!(CEP1_SIGNATURE)),
    );
    f.invalid(
        "the first element has a malformed key",
        &[FORMAT],
        "/result/0/publickey",
        set(&pair, "/result/0/publickey", json!(&PUBLIC_KEY[2..])),
    );
    f.invalid(
        "the first element's user does not fit its type",
        &[FORMAT],
        "/result/0/user",
        set(&pair, "/result/0/type", json!("ontid")),
    );
    f.invalid(
        "the first element has an empty message",
        &[EMPTY],
        "/result/0/message",
        set(&pair, "/result/0/message", json!("")),
    );
    f.group()
}

fn invoke_request() -> TestGroup {
    let mut f = Family::new(MessageKind::InvokeRequest, &["ONT-T4", "ONT-I1"]);
    let doc = json!({
        "action": "invoke",
        "version": "v1.0.0",
        "id": ID,
        "params": {
            "login": true,
            "callback": INVOKE_CALLBACK,
            "expire": EXPIRE,
            "qrcodeUrl": QRCODE_URL
        }
    });
    f.valid("the documents' invoke QR", &[DOC], doc.clone());
    request_envelope_cases(&mut f, &doc, "invokeRead");
    f.invalid(
        "action \"signTransaction\"",
        &[VALUE],
        "/action",
        set(&doc, "/action", json!("signTransaction")),
    );
    f.valid(
        "no login: it is informational",
        &[VARIANT],
        remove(&doc, "/params/login"),
    );
    f.valid(
        "login false",
        &[VARIANT],
        set(&doc, "/params/login", json!(false)),
    );
    f.valid(
        "only qrcodeUrl",
        &[VARIANT],
        json!({"action": "invoke", "version": "v1.0.0", "params": {"qrcodeUrl": QRCODE_URL}}),
    );
    f.valid(
        "CEP-1's single-step extras (invokeConfig, message) are ignored",
        &[EXTRA],
        set(
            &set(&doc, "/params/message", json!("pay")),
            "/params/invokeConfig",
            json!({}),
        ),
    );
    f.invalid(
        "login is the string \"true\"",
        &[TYPE],
        "/params/login",
        set(&doc, "/params/login", json!("true")),
    );
    f.invalid(
        "login is 1",
        &[TYPE],
        "/params/login",
        set(&doc, "/params/login", json!(1)),
    );
    expire_cases(&mut f, &doc, "/params/expire");
    url_cases(&mut f, &doc, "/params/qrcodeUrl", true);
    url_cases(&mut f, &doc, "/params/callback", false);
    f.group()
}

fn doc_invoke_payload() -> Value {
    json!({
        "action": "invoke",
        "version": "v1.0.0",
        "id": ID,
        "params": {
            "invokeConfig": {
                "contractHash": CONTRACT,
                "functions": [{
                    "operation": "method name",
                    "args": [{
                        "name": "arg0-list",
                        "value": [true, 100, "Long:100000000000", "Address:AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ", "ByteArray:aabb", "String:hello", [true, 100], {"key": 6}]
                    }, {
                        "name": "arg1-map",
                        "value": {"key": "String:hello", "key1": "ByteArray:aabb", "key2": "Long:100000000000", "key3": true, "key4": 100, "key5": [100], "key6": {"key": 6}}
                    }, {
                        "name": "arg2-str",
                        "value": "String:test"
                    }]
                }],
                "payer": PAYER,
                "gasLimit": 20000,
                "gasPrice": 500
            }
        }
    })
}

fn invoke_payload() -> TestGroup {
    let mut f = Family::new(MessageKind::InvokePayload, &["ONT-T4", "ONT-I1", "ONT-I2"]);
    let doc = doc_invoke_payload();
    let c = "/params/invokeConfig";
    let p = |member: &str| format!("{c}/{member}");
    f.valid("the documents' invoke payload", &[DOC], doc.clone());
    request_envelope_cases(&mut f, &doc, "invokeRead");
    f.valid(
        "no payer: the wallet pays (ONT-I5)",
        &[VARIANT],
        remove(&doc, &p("payer")),
    );
    f.valid(
        "payer \"%address\" (ONT-I4)",
        &[VARIANT],
        set(&doc, &p("payer"), json!("%address")),
    );
    f.valid(
        "an ONG transfer to the native contract",
        &[VARIANT],
        set(
            &set(&doc, &p("contractHash"), json!(NATIVE_ONG)),
            &p("functions"),
            json!([{"operation": "transfer", "args": [
                {"name": "from", "value": "Address:%address"},
                {"name": "to", "value": format!("Address:{PAYER}")},
                {"name": "amount", "value": "Long:1000000000"}
            ]}]),
        ),
    );
    f.valid(
        "upper-case contract hash",
        &[VARIANT],
        set(&doc, &p("contractHash"), json!(CONTRACT.to_uppercase())),
    );
    f.valid(
        "a function without arguments",
        &[VARIANT],
        set(
            &doc,
            &p("functions"),
            json!([{"operation": "name", "args": []}]),
        ),
    );
    f.valid(
        "two functions (wallets use the first)",
        &[VARIANT],
        set(
            &doc,
            &p("functions/1"),
            json!({"operation": "name", "args": []}),
        ),
    );
    f.valid(
        "an unknown value prefix is the invoke codec's to refuse (ONT-I3), not the shape's",
        &[VARIANT],
        set(&doc, &p("functions/0/args/2/value"), json!("Int:5")),
    );
    f.valid(
        "CEP-1's signature member is ignored",
        &[EXTRA],
        set(&doc, &p("signature"), json!([{"m": 1, "signers": [PAYER]}])),
    );
    f.valid(
        "gasPrice written as 500.0",
        &[INTEGRAL],
        set(&doc, &p("gasPrice"), json!(500.0)),
    );
    f.invalid("invokeConfig missing", &[MISSING], c, remove(&doc, c));
    f.invalid(
        "invokeConfig is an array",
        &[TYPE],
        c,
        set(&doc, c, json!([doc["params"]["invokeConfig"].clone()])),
    );
    f.invalid(
        "contractHash missing",
        &[MISSING],
        &p("contractHash"),
        remove(&doc, &p("contractHash")),
    );
    f.invalid(
        "contractHash of 39 hex digits",
        &[FORMAT],
        &p("contractHash"),
        set(&doc, &p("contractHash"), json!(&CONTRACT[..39])),
    );
    f.invalid(
        "contractHash of 42 hex digits",
        &[FORMAT],
        &p("contractHash"),
        set(&doc, &p("contractHash"), json!(format!("{CONTRACT}00"))),
    );
    f.invalid(
        "contractHash with a 0x prefix",
        &[FORMAT],
        &p("contractHash"),
        set(&doc, &p("contractHash"), json!(format!("0x{CONTRACT}"))),
    );
    f.invalid(
        "contractHash is not hex",
        &[FORMAT],
        &p("contractHash"),
        set(
            &doc,
            &p("contractHash"),
            json!(format!("{}zz", &CONTRACT[..38])),
        ),
    );
    f.invalid(
        "contractHash is a base58 address",
        &[FORMAT],
        &p("contractHash"),
        set(&doc, &p("contractHash"), json!(PAYER)),
    );
    f.invalid(
        "functions missing",
        &[MISSING],
        &p("functions"),
        remove(&doc, &p("functions")),
    );
    f.invalid(
        "functions is empty",
        &[EMPTY],
        &p("functions"),
        set(&doc, &p("functions"), json!([])),
    );
    f.invalid(
        "functions is an object",
        &[TYPE],
        &p("functions"),
        set(
            &doc,
            &p("functions"),
            doc["params"]["invokeConfig"]["functions"][0].clone(),
        ),
    );
    f.invalid(
        "a function is a string",
        &[TYPE],
        &p("functions/0"),
        set(&doc, &p("functions/0"), json!("method name")),
    );
    f.invalid(
        "operation missing",
        &[MISSING],
        &p("functions/0/operation"),
        remove(&doc, &p("functions/0/operation")),
    );
    f.invalid(
        "operation is empty",
        &[EMPTY],
        &p("functions/0/operation"),
        set(&doc, &p("functions/0/operation"), json!("")),
    );
    f.invalid(
        "operation is a number",
        &[TYPE],
        &p("functions/0/operation"),
        set(&doc, &p("functions/0/operation"), json!(1)),
    );
    f.invalid(
        "args missing",
        &[MISSING],
        &p("functions/0/args"),
        remove(&doc, &p("functions/0/args")),
    );
    f.invalid(
        "args is an object",
        &[TYPE],
        &p("functions/0/args"),
        set(
            &doc,
            &p("functions/0/args"),
            json!({"name": "a", "value": 1}),
        ),
    );
    f.invalid(
        "an argument is a bare value",
        &[TYPE],
        &p("functions/0/args/2"),
        set(&doc, &p("functions/0/args/2"), json!("String:test")),
    );
    f.invalid(
        "an argument without a name",
        &[MISSING],
        &p("functions/0/args/2/name"),
        remove(&doc, &p("functions/0/args/2/name")),
    );
    f.invalid(
        "an argument without a value",
        &[MISSING],
        &p("functions/0/args/2/value"),
        remove(&doc, &p("functions/0/args/2/value")),
    );
    f.invalid(
        "an argument name is a number",
        &[TYPE],
        &p("functions/0/args/0/name"),
        set(&doc, &p("functions/0/args/0/name"), json!(0)),
    );
    f.invalid(
        "payer is an ONT ID",
        &[FORMAT],
        &p("payer"),
        set(&doc, &p("payer"), json!(format!("did:ont:{PAYER}"))),
    );
    f.invalid(
        "payer \"%ontid\"",
        &[FORMAT],
        &p("payer"),
        set(&doc, &p("payer"), json!("%ontid")),
    );
    f.invalid(
        "payer is empty",
        &[FORMAT],
        &p("payer"),
        set(&doc, &p("payer"), json!("")),
    );
    f.invalid(
        "payer is null",
        &[TYPE],
        &p("payer"),
        set(&doc, &p("payer"), Value::Null),
    );
    f.invalid(
        "gasLimit missing",
        &[MISSING],
        &p("gasLimit"),
        remove(&doc, &p("gasLimit")),
    );
    f.invalid(
        "gasLimit is a string",
        &[TYPE],
        &p("gasLimit"),
        set(&doc, &p("gasLimit"), json!("20000")),
    );
    f.invalid(
        "gasLimit is negative",
        &[RANGE],
        &p("gasLimit"),
        set(&doc, &p("gasLimit"), json!(-20000)),
    );
    f.invalid(
        "gasPrice missing",
        &[MISSING],
        &p("gasPrice"),
        remove(&doc, &p("gasPrice")),
    );
    f.invalid(
        "gasPrice has a fraction",
        &[TYPE],
        &p("gasPrice"),
        set(&doc, &p("gasPrice"), json!(500.5)),
    );
    f.invalid(
        "gasPrice is 2^53",
        &[RANGE],
        &p("gasPrice"),
        set(&doc, &p("gasPrice"), json!(9_007_199_254_740_992u64)),
    );
    f.group()
}

fn invoke_callback() -> TestGroup {
    let mut f = Family::new(
        MessageKind::InvokeCallback,
        &["ONT-T5", "ONT-T6", "ONT-I7", "ONT-I8"],
    );
    let success =
        json!({"action": "invoke", "id": ID, "error": 0, "desc": "SUCCESS", "result": TX_HASH});
    let failed =
        json!({"action": "invoke", "id": ID, "error": 80001, "desc": "SEND TX ERROR", "result": 1});
    f.valid(
        "the documents' success callback (ONT-I7)",
        &[DOC],
        success.clone(),
    );
    f.valid(
        "the documents' failed-send callback (ONT-I8)",
        &[DOC],
        failed.clone(),
    );
    f.valid(
        "with version",
        &[VARIANT],
        set(&success, "/version", json!("v1.0.0")),
    );
    f.valid(
        "upper-case tx hash",
        &[VARIANT],
        set(&success, "/result", json!(TX_HASH.to_uppercase())),
    );
    callback_envelope_cases(
        &mut f,
        &set(&success, "/version", json!("v1.0.0")),
        "login",
        false,
    );
    f.invalid(
        "no action, as the Android wallet posts it",
        &[BUG, MISSING],
        "/action",
        remove(&success, "/action"),
    );
    f.invalid(
        "error 8001 with \"SEND TX ERROR\" (the iOS typo)",
        &[BUG, VALUE],
        "/error",
        set(&failed, "/error", json!(8001)),
    );
    f.invalid(
        "\"SEND TX ERROR\" with error 80003",
        &[VALUE],
        "/error",
        set(&failed, "/error", json!(80003)),
    );
    f.invalid(
        "\"SEND TX ERROR\" with result \"1\" (a string)",
        &[VALUE],
        "/result",
        set(&failed, "/result", json!("1")),
    );
    f.invalid(
        "\"SEND TX ERROR\" with result 0",
        &[VALUE],
        "/result",
        set(&failed, "/result", json!(0)),
    );
    f.invalid(
        "\"SEND TX ERROR\" with error 0",
        &[VALUE],
        "/desc",
        set(&failed, "/error", json!(0)),
    );
    f.invalid(
        "tx hash of 62 hex digits",
        &[FORMAT],
        "/result",
        set(&success, "/result", json!(&TX_HASH[..62])),
    );
    f.invalid(
        "tx hash with a 0x prefix",
        &[FORMAT],
        "/result",
        set(&success, "/result", json!(format!("0x{TX_HASH}"))),
    );
    f.invalid(
        "tx hash is not hex",
        &[FORMAT],
        "/result",
        set(&success, "/result", json!(format!("{}zz", &TX_HASH[..62]))),
    );
    f.invalid(
        "tx hash is a number",
        &[TYPE],
        "/result",
        set(&success, "/result", json!(1)),
    );
    f.invalid(
        "tx hash in an object",
        &[TYPE],
        "/result",
        set(&success, "/result", json!({"txHash": TX_HASH})),
    );
    f.group()
}

fn dapp_reply() -> TestGroup {
    let mut f = Family::new(
        MessageKind::DappReply,
        &["ONT-T5", "ONT-T6", "ONT-T7", "ONT-L10"],
    );
    let ok = json!({"action": "login", "version": "v1.0.0", "id": ID, "error": 0, "desc": "SUCCESS", "result": true});
    let bad =
        json!({"action": "login", "id": ID, "error": 80001, "desc": "PARAMS ERROR", "result": 1});
    f.valid("the documents' success reply (ONT-L10)", &[DOC], ok.clone());
    f.valid("the documents' failure reply", &[DOC], bad.clone());
    f.valid(
        "no version, no id",
        &[VARIANT],
        remove(&remove(&ok, "/version"), "/id"),
    );
    f.valid(
        "version \"1.0.0\"",
        &[VARIANT],
        set(&ok, "/version", json!("1.0.0")),
    );
    f.valid(
        "80002 echoing an unknown action",
        &[VARIANT],
        json!({"action": "transfer", "id": ID, "error": 80002, "desc": "METHOD ERROR", "result": ""}),
    );
    f.valid(
        "80003 with an object result",
        &[VARIANT],
        set(
            &set(&bad, "/error", json!(80003)),
            "/result",
            json!({"reason": "database"}),
        ),
    );
    f.valid(
        "a reply to a signMessage callback",
        &[VARIANT],
        set(&ok, "/action", json!("signMessage")),
    );
    f.valid("result null", &[VARIANT], set(&bad, "/result", Value::Null));
    f.valid(
        "error written as 80001.0",
        &[INTEGRAL],
        set(&bad, "/error", json!(80001.0)),
    );
    f.valid(
        "an extra member",
        &[EXTRA],
        set(&ok, "/token", json!("abc")),
    );
    f.invalid(
        "the reply is the string \"SUCCESS\" (ONT-T7)",
        &[TYPE],
        "",
        json!("SUCCESS"),
    );
    f.invalid(
        "the reply is an array (ONT-T7)",
        &[TYPE],
        "",
        json!([ok.clone()]),
    );
    f.invalid(
        "action missing",
        &[MISSING],
        "/action",
        remove(&ok, "/action"),
    );
    f.invalid(
        "action is empty",
        &[EMPTY],
        "/action",
        set(&ok, "/action", json!("")),
    );
    f.invalid(
        "action is a number",
        &[TYPE],
        "/action",
        set(&ok, "/action", json!(1)),
    );
    f.invalid(
        "version \"2\"",
        &[VALUE],
        "/version",
        set(&ok, "/version", json!("2")),
    );
    f.invalid("id is a number", &[TYPE], "/id", set(&ok, "/id", json!(1)));
    f.invalid("id is empty", &[EMPTY], "/id", set(&ok, "/id", json!("")));
    f.invalid("error missing", &[MISSING], "/error", remove(&ok, "/error"));
    f.invalid(
        "error is the string \"0\" (ONT-T6)",
        &[ERROR_STRING],
        "/error",
        set(&ok, "/error", json!("0")),
    );
    f.invalid(
        "error is the string \"80001\" (ONT-T6)",
        &[ERROR_STRING],
        "/error",
        set(&bad, "/error", json!("80001")),
    );
    f.invalid(
        "error is the string \"no wallet\" (the iOS WebView)",
        &[ERROR_STRING, BUG],
        "/error",
        set(
            &set(&bad, "/error", json!("no wallet")),
            "/desc",
            json!("ERROR"),
        ),
    );
    f.invalid(
        "error is false",
        &[TYPE],
        "/error",
        set(&ok, "/error", json!(false)),
    );
    f.invalid(
        "error 8001 (the iOS typo)",
        &[VALUE, BUG],
        "/error",
        set(&bad, "/error", json!(8001)),
    );
    f.invalid(
        "error 500",
        &[VALUE],
        "/error",
        set(&bad, "/error", json!(500)),
    );
    f.invalid(
        "error 80001.5",
        &[TYPE],
        "/error",
        set(&bad, "/error", json!(80001.5)),
    );
    f.invalid("desc missing", &[MISSING], "/desc", remove(&ok, "/desc"));
    f.invalid(
        "desc is null",
        &[TYPE],
        "/desc",
        set(&ok, "/desc", Value::Null),
    );
    f.invalid(
        "error 0 with desc \"OK\"",
        &[VALUE],
        "/desc",
        set(&ok, "/desc", json!("OK")),
    );
    f.invalid(
        "result missing",
        &[MISSING],
        "/result",
        remove(&ok, "/result"),
    );
    f.invalid(
        "capitalised keys (Error, Desc) as iOS reads them",
        &[MISSING],
        "/error",
        json!({"action": "login", "id": ID, "Error": 0, "Desc": "SUCCESS", "result": true}),
    );
    f.group()
}

fn node_rest_envelope() -> TestGroup {
    let mut f = Family::new(MessageKind::NodeRestEnvelope, &["ONT-N1", "ONT-N3"]);
    let doc = json!({
        "Action": "sendrawtransaction",
        "Desc": "SUCCESS",
        "Error": 0,
        "Result": {
            "Notify": [{"States": ["transfer", PAYER, "AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ", 1],
                        "ContractAddress": NATIVE_ONT}],
            "State": 1,
            "Gas": 20000,
            "Result": "01"
        },
        "Version": "1.0.0"
    });
    f.valid("the documents' pre-execution answer", &[DOC], doc.clone());
    f.valid(
        "a sent transaction's hash",
        &[VARIANT],
        json!({"Action": "sendrawtransaction", "Desc": "SUCCESS", "Error": 0, "Result": TX_HASH, "Version": "1.0.0"}),
    );
    f.valid(
        "an unknown hash: Error 0 and Result \"\" (ONT-N3)",
        &[VARIANT],
        json!({"Action": "getsmartcodeeventbyhash", "Desc": "SUCCESS", "Error": 0, "Result": "", "Version": "1.0.0"}),
    );
    f.valid(
        "44001 UNKNOWN TRANSACTION",
        &[VARIANT],
        json!({"Action": "gettransaction", "Desc": "UNKNOWN TRANSACTION", "Error": 44001, "Result": "", "Version": "1.0.0"}),
    );
    f.valid(
        "45021 with the empty Desc the node gives it",
        &[VARIANT],
        json!({"Action": "sendrawtransaction", "Desc": "", "Error": 45021, "Result": "signature verify error", "Version": "1.0.0"}),
    );
    f.valid(
        "the block height",
        &[VARIANT],
        json!({"Action": "getblockheight", "Desc": "SUCCESS", "Error": 0, "Result": 1024, "Version": "1.0.0"}),
    );
    f.valid("Result null", &[VARIANT], set(&doc, "/Result", Value::Null));
    f.valid("an extra member", &[EXTRA], set(&doc, "/Id", json!(1)));
    f.invalid(
        "the envelope is an array",
        &[TYPE],
        "",
        json!([doc.clone()]),
    );
    for member in ["Action", "Desc", "Error", "Result", "Version"] {
        let pointer = format!("/{member}");
        f.invalid(
            &format!("{member} missing"),
            &[MISSING],
            &pointer,
            remove(&doc, &pointer),
        );
    }
    f.invalid(
        "Action is a number",
        &[TYPE],
        "/Action",
        set(&doc, "/Action", json!(1)),
    );
    f.invalid(
        "Desc is null",
        &[TYPE],
        "/Desc",
        set(&doc, "/Desc", Value::Null),
    );
    f.invalid(
        "Error is the string \"0\"",
        &[ERROR_STRING],
        "/Error",
        set(&doc, "/Error", json!("0")),
    );
    f.invalid(
        "Error has a fraction",
        &[TYPE],
        "/Error",
        set(&doc, "/Error", json!(0.5)),
    );
    f.invalid(
        "Error 0 with Desc \"\"",
        &[VALUE],
        "/Desc",
        set(&doc, "/Desc", json!("")),
    );
    f.invalid(
        "Version \"v1.0.0\"",
        &[VALUE],
        "/Version",
        set(&doc, "/Version", json!("v1.0.0")),
    );
    f.invalid(
        "Version 1",
        &[TYPE],
        "/Version",
        set(&doc, "/Version", json!(1)),
    );
    f.invalid(
        "lower-case member names",
        &[MISSING],
        "/Action",
        json!({"action": "sendrawtransaction", "desc": "SUCCESS", "error": 0, "result": TX_HASH, "version": "1.0.0"}),
    );
    f.group()
}

fn node_rest_send() -> TestGroup {
    let mut f = Family::new(MessageKind::NodeRestSend, &["ONT-N1"]);
    let body = json!({"Action": "sendrawtransaction", "Version": "1.0.0", "Data": TX_HEX});
    f.valid("a send body", &[VARIANT], body.clone());
    f.valid(
        "upper-case hex",
        &[VARIANT],
        set(&body, "/Data", json!(TX_HEX.to_uppercase())),
    );
    f.valid(
        "the ts-sdk's PreExec member is ignored (the query string decides)",
        &[EXTRA],
        set(&body, "/PreExec", json!("1")),
    );
    f.invalid("the body is an array", &[TYPE], "", json!([body.clone()]));
    f.invalid(
        "Action missing",
        &[MISSING],
        "/Action",
        remove(&body, "/Action"),
    );
    f.invalid(
        "Action \"sendtransaction\"",
        &[VALUE],
        "/Action",
        set(&body, "/Action", json!("sendtransaction")),
    );
    f.invalid(
        "Action \"SendRawTransaction\"",
        &[VALUE],
        "/Action",
        set(&body, "/Action", json!("SendRawTransaction")),
    );
    f.invalid(
        "Version missing",
        &[MISSING],
        "/Version",
        remove(&body, "/Version"),
    );
    f.invalid(
        "Version \"1.0\"",
        &[VALUE],
        "/Version",
        set(&body, "/Version", json!("1.0")),
    );
    f.invalid("Data missing", &[MISSING], "/Data", remove(&body, "/Data"));
    f.invalid(
        "Data is empty",
        &[FORMAT],
        "/Data",
        set(&body, "/Data", json!("")),
    );
    f.invalid(
        "Data has an odd number of hex digits",
        &[FORMAT],
        "/Data",
        set(&body, "/Data", json!(&TX_HEX[1..])),
    );
    f.invalid(
        "Data with a 0x prefix",
        &[FORMAT],
        "/Data",
        set(&body, "/Data", json!(format!("0x{TX_HEX}"))),
    );
    f.invalid(
        "Data is not hex",
        &[FORMAT],
        "/Data",
        set(&body, "/Data", json!("00d1zz")),
    );
    f.invalid(
        "Data is an array of hex",
        &[TYPE],
        "/Data",
        set(&body, "/Data", json!([TX_HEX])),
    );
    f.group()
}

fn node_rpc_request() -> TestGroup {
    let mut f = Family::new(MessageKind::NodeRpcRequest, &["ONT-N2"]);
    let send =
        json!({"jsonrpc": "2.0", "method": "sendrawtransaction", "params": [TX_HEX], "id": 1});
    f.valid("sendrawtransaction", &[VARIANT], send.clone());
    f.valid(
        "sendrawtransaction with pre-execution (the number 1)",
        &[VARIANT],
        set(&send, "/params/1", json!(1)),
    );
    f.valid(
        "getsmartcodeevent by hash, string id",
        &[VARIANT],
        json!({"jsonrpc": "2.0", "method": "getsmartcodeevent", "params": [TX_HASH], "id": "q1"}),
    );
    f.valid(
        "getblockcount, no params, id null",
        &[VARIANT],
        json!({"jsonrpc": "2.0", "method": "getblockcount", "params": [], "id": null}),
    );
    f.valid(
        "a method the node does not know is still a request",
        &[VARIANT],
        set(&send, "/method", json!("getversion")),
    );
    f.invalid(
        "the request is an array (a batch)",
        &[TYPE],
        "",
        json!([send.clone()]),
    );
    f.invalid(
        "jsonrpc missing",
        &[MISSING],
        "/jsonrpc",
        remove(&send, "/jsonrpc"),
    );
    f.invalid(
        "jsonrpc \"1.0\"",
        &[VALUE],
        "/jsonrpc",
        set(&send, "/jsonrpc", json!("1.0")),
    );
    f.invalid(
        "jsonrpc is the number 2.0",
        &[TYPE],
        "/jsonrpc",
        set(&send, "/jsonrpc", json!(2.0)),
    );
    f.invalid(
        "method missing",
        &[MISSING],
        "/method",
        remove(&send, "/method"),
    );
    f.invalid(
        "method is empty",
        &[EMPTY],
        "/method",
        set(&send, "/method", json!("")),
    );
    f.invalid(
        "method is a number",
        &[TYPE],
        "/method",
        set(&send, "/method", json!(1)),
    );
    f.invalid(
        "params missing",
        &[MISSING],
        "/params",
        remove(&send, "/params"),
    );
    f.invalid(
        "params is an object",
        &[TYPE],
        "/params",
        set(&send, "/params", json!({"tx": TX_HEX})),
    );
    f.invalid(
        "params is a string",
        &[TYPE],
        "/params",
        set(&send, "/params", json!(TX_HEX)),
    );
    f.invalid(
        "id missing (a notification)",
        &[MISSING],
        "/id",
        remove(&send, "/id"),
    );
    f.invalid(
        "id is an object",
        &[TYPE],
        "/id",
        set(&send, "/id", json!({"n": 1})),
    );
    f.invalid("id is true", &[TYPE], "/id", set(&send, "/id", json!(true)));
    f.group()
}

fn node_rpc_response() -> TestGroup {
    let mut f = Family::new(MessageKind::NodeRpcResponse, &["ONT-N2", "ONT-N3"]);
    let ok = json!({"jsonrpc": "2.0", "error": 0, "desc": "SUCCESS", "result": TX_HASH, "id": 1});
    f.valid("a sent transaction's hash", &[VARIANT], ok.clone());
    f.valid(
        "an unknown event: result null (ONT-N3)",
        &[VARIANT],
        set(&ok, "/result", Value::Null),
    );
    f.valid(
        "a pre-execution result",
        &[VARIANT],
        set(
            &ok,
            "/result",
            json!({"State": 1, "Gas": 20000, "Result": "01", "Notify": null}),
        ),
    );
    f.valid(
        "47001 SMARTCODE EXEC ERROR",
        &[VARIANT],
        json!({"jsonrpc": "2.0", "error": 47001, "desc": "SMARTCODE EXEC ERROR", "result": "[NeoVmService] vm execution error", "id": 1}),
    );
    f.valid(
        "method not found, without jsonrpc and desc as the node sends it",
        &[VARIANT],
        json!({"error": 42001, "result": {"code": -32601, "message": "Method not found", "data": "The called method was not found on the server"}, "id": 1}),
    );
    f.valid("a string id", &[VARIANT], set(&ok, "/id", json!("q1")));
    f.valid("a null id", &[VARIANT], set(&ok, "/id", Value::Null));
    f.invalid("the response is an array", &[TYPE], "", json!([ok.clone()]));
    f.invalid(
        "jsonrpc missing",
        &[MISSING],
        "/jsonrpc",
        remove(&ok, "/jsonrpc"),
    );
    f.invalid(
        "jsonrpc \"1.0\"",
        &[VALUE],
        "/jsonrpc",
        set(&ok, "/jsonrpc", json!("1.0")),
    );
    f.invalid("error missing", &[MISSING], "/error", remove(&ok, "/error"));
    f.invalid(
        "error is the string \"0\"",
        &[ERROR_STRING],
        "/error",
        set(&ok, "/error", json!("0")),
    );
    f.invalid(
        "error is a JSON-RPC error object",
        &[TYPE],
        "/error",
        set(
            &ok,
            "/error",
            json!({"code": -32601, "message": "Method not found"}),
        ),
    );
    f.invalid("desc missing", &[MISSING], "/desc", remove(&ok, "/desc"));
    f.invalid(
        "desc is a number",
        &[TYPE],
        "/desc",
        set(&ok, "/desc", json!(0)),
    );
    f.invalid(
        "error 0 with desc \"\"",
        &[VALUE],
        "/desc",
        set(&ok, "/desc", json!("")),
    );
    f.invalid(
        "result missing",
        &[MISSING],
        "/result",
        remove(&ok, "/result"),
    );
    f.invalid("id missing", &[MISSING], "/id", remove(&ok, "/id"));
    f.invalid(
        "id is an array",
        &[TYPE],
        "/id",
        set(&ok, "/id", json!([1])),
    );
    f.group()
}

fn doc_event() -> Value {
    json!({
        "TxHash": TX_HASH,
        "State": 1,
        "GasConsumed": 10000000,
        "Notify": [
            {"ContractAddress": NATIVE_ONG, "States": ["transfer", PAYER, "AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ", 10000000]},
            {"ContractAddress": "0b4c91c1ebaa5a0beb97bd5a3367be89efb98aae", "States": ["3131315f7061796f72646572", "ae8a", "9100", "3135", "80969800"]},
            {"ContractAddress": "0b4c91c1ebaa5a0beb97bd5a3367be89efb98aae", "States": "7472616e73666572204f6e672073756363656564"}
        ],
        "GasStepUsed": 1000,
        "TxIndex": 0,
        "CreatedContract": "0000000000000000000000000000000000000000"
    })
}

fn node_event() -> TestGroup {
    let mut f = Family::new(MessageKind::NodeEvent, &["ONT-N3", "ONT-N4", "ONT-I10"]);
    let doc = doc_event();
    f.valid(
        "the documents' mainnet event, with the fields newer nodes add",
        &[DOC],
        doc.clone(),
    );
    let core = remove(
        &remove(&remove(&doc, "/GasStepUsed"), "/TxIndex"),
        "/CreatedContract",
    );
    f.valid(
        "the four core fields only (older nodes)",
        &[VARIANT],
        core.clone(),
    );
    f.valid(
        "Notify null: no notifications",
        &[VARIANT],
        set(&core, "/Notify", Value::Null),
    );
    f.valid("Notify empty", &[VARIANT], set(&core, "/Notify", json!([])));
    f.valid(
        "State 0: the transaction failed",
        &[VARIANT],
        set(&core, "/State", json!(0)),
    );
    f.valid(
        "IsEvm on a notification (newer nodes)",
        &[VARIANT],
        set(&doc, "/Notify/0/IsEvm", json!(false)),
    );
    f.valid(
        "upper-case TxHash",
        &[VARIANT],
        set(&doc, "/TxHash", json!(TX_HASH.to_uppercase())),
    );
    f.invalid("the event is an array", &[TYPE], "", json!([doc.clone()]));
    for member in ["TxHash", "State", "GasConsumed", "Notify"] {
        let pointer = format!("/{member}");
        f.invalid(
            &format!("{member} missing"),
            &[MISSING],
            &pointer,
            remove(&doc, &pointer),
        );
    }
    f.invalid(
        "TxHash of 63 hex digits",
        &[FORMAT],
        "/TxHash",
        set(&doc, "/TxHash", json!(&TX_HASH[..63])),
    );
    f.invalid(
        "TxHash with a 0x prefix",
        &[FORMAT],
        "/TxHash",
        set(&doc, "/TxHash", json!(format!("0x{TX_HASH}"))),
    );
    f.invalid("State 2", &[VALUE], "/State", set(&doc, "/State", json!(2)));
    f.invalid(
        "State \"1\"",
        &[TYPE],
        "/State",
        set(&doc, "/State", json!("1")),
    );
    f.invalid(
        "State true",
        &[TYPE],
        "/State",
        set(&doc, "/State", json!(true)),
    );
    f.invalid(
        "GasConsumed negative",
        &[RANGE],
        "/GasConsumed",
        set(&doc, "/GasConsumed", json!(-1)),
    );
    f.invalid(
        "GasConsumed is a string",
        &[TYPE],
        "/GasConsumed",
        set(&doc, "/GasConsumed", json!("10000000")),
    );
    f.invalid(
        "Notify is an object",
        &[TYPE],
        "/Notify",
        set(&doc, "/Notify", doc["Notify"][0].clone()),
    );
    f.invalid(
        "Notify is \"\"",
        &[TYPE],
        "/Notify",
        set(&doc, "/Notify", json!("")),
    );
    f.invalid(
        "a notification is a string",
        &[TYPE],
        "/Notify/0",
        set(&doc, "/Notify/0", json!("transfer")),
    );
    f.invalid(
        "a notification without ContractAddress",
        &[MISSING],
        "/Notify/1/ContractAddress",
        remove(&doc, "/Notify/1/ContractAddress"),
    );
    f.invalid(
        "a notification without States",
        &[MISSING],
        "/Notify/2/States",
        remove(&doc, "/Notify/2/States"),
    );
    f.invalid(
        "a ContractAddress in base58",
        &[FORMAT],
        "/Notify/0/ContractAddress",
        set(&doc, "/Notify/0/ContractAddress", json!(PAYER)),
    );
    f.invalid(
        "IsEvm is a string",
        &[TYPE],
        "/Notify/0/IsEvm",
        set(&doc, "/Notify/0/IsEvm", json!("false")),
    );
    f.invalid(
        "GasStepUsed is a string",
        &[TYPE],
        "/GasStepUsed",
        set(&doc, "/GasStepUsed", json!("1000")),
    );
    f.invalid(
        "TxIndex negative",
        &[RANGE],
        "/TxIndex",
        set(&doc, "/TxIndex", json!(-1)),
    );
    f.invalid(
        "CreatedContract of 38 hex digits",
        &[FORMAT],
        "/CreatedContract",
        set(&doc, "/CreatedContract", json!(&NATIVE_ONG[..38])),
    );
    f.group()
}

fn node_preexec() -> TestGroup {
    let mut f = Family::new(MessageKind::NodePreExec, &["ONT-N1", "ONT-N2", "ONT-I7"]);
    let doc = json!({
        "Notify": [{"States": ["transfer", PAYER, "AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ", 1],
                    "ContractAddress": NATIVE_ONT}],
        "State": 1,
        "Gas": 20000,
        "Result": "01"
    });
    f.valid("the documents' pre-execution result", &[DOC], doc.clone());
    f.valid("Notify null", &[VARIANT], set(&doc, "/Notify", Value::Null));
    f.valid(
        "a nested array Result",
        &[VARIANT],
        set(&doc, "/Result", json!(["01", ["aabb", "00"]])),
    );
    f.valid(
        "an empty Result",
        &[VARIANT],
        set(&doc, "/Result", json!("")),
    );
    f.valid("State 0", &[VARIANT], set(&doc, "/State", json!(0)));
    f.invalid(
        "the result is a hex string, not an object",
        &[TYPE],
        "",
        json!("01"),
    );
    for member in ["State", "Gas", "Result", "Notify"] {
        let pointer = format!("/{member}");
        f.invalid(
            &format!("{member} missing"),
            &[MISSING],
            &pointer,
            remove(&doc, &pointer),
        );
    }
    f.invalid("State 2", &[VALUE], "/State", set(&doc, "/State", json!(2)));
    f.invalid(
        "State null",
        &[TYPE],
        "/State",
        set(&doc, "/State", Value::Null),
    );
    f.invalid(
        "Gas is a string",
        &[TYPE],
        "/Gas",
        set(&doc, "/Gas", json!("20000")),
    );
    f.invalid(
        "Gas negative",
        &[RANGE],
        "/Gas",
        set(&doc, "/Gas", json!(-20000)),
    );
    f.invalid(
        "Gas has a fraction",
        &[TYPE],
        "/Gas",
        set(&doc, "/Gas", json!(20000.5)),
    );
    f.invalid(
        "Notify is a string",
        &[TYPE],
        "/Notify",
        set(&doc, "/Notify", json!("transfer")),
    );
    f.invalid(
        "a notification with a short ContractAddress",
        &[FORMAT],
        "/Notify/0/ContractAddress",
        set(&doc, "/Notify/0/ContractAddress", json!("01")),
    );
    f.group()
}

// ---------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------

/// Whether `path` is `pointer` or lies inside it (segment-wise: `/params/callbackUrl` is not
/// inside `/params/callback`).
fn within(path: &str, pointer: &str) -> bool {
    path == pointer
        || path
            .strip_prefix(pointer)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Judges one case of `ontology/messages.json`: the schema of the group's kind and the serde
/// type of that kind must both give the case's verdict; for an invalid case both must put
/// the fault at or under `breaks` (the schema in at least one violation, serde in the error
/// it returns); a login callback must report the `publicKey` quirk exactly when the case is
/// flagged `Quirk`.
pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    let kind_name = group
        .attributes
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or(&group.kind);
    let kind: MessageKind = kind_name.parse().map_err(|e| format!("{e}"))?;
    let message = case
        .inputs
        .get("message")
        .ok_or("input `message` missing")?;
    let expect_valid = match case.result {
        Valid => true,
        Invalid => false,
        TestResult::Acceptable => return Err("`acceptable` is not used by message vectors".into()),
    };
    let violations = schema::validate(kind_name, message).map_err(|e| e.to_string())?;
    let listed = || {
        violations
            .iter()
            .map(|v| format!("`{}`: {}", v.instance_path, v.message))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if violations.is_empty() != expect_valid {
        return Err(if expect_valid {
            format!("the schema rejects a valid message: {}", listed())
        } else {
            "the schema accepts an invalid message".to_string()
        });
    }
    let parsed = messages::parse(kind, message);
    match (&parsed, expect_valid) {
        (Err(e), true) => return Err(format!("the serde types reject a valid message: {e}")),
        (Ok(()), false) => return Err("the serde types accept an invalid message".into()),
        _ => {}
    }
    let breaks = case.inputs.get("breaks");
    if expect_valid {
        if breaks.is_some() {
            return Err("a valid case has `breaks`".into());
        }
        if kind == MessageKind::LoginCallback {
            let callback = LoginCallback::from_json(message).map_err(|e| e.to_string())?;
            let flagged = case.flags.iter().any(|f| f == QUIRK);
            if callback.quirks().is_empty() == flagged {
                return Err(format!(
                    "quirks recorded: {:?}, but the case is {}flagged {QUIRK}",
                    callback.quirks(),
                    if flagged { "" } else { "not " }
                ));
            }
        }
        return Ok(());
    }
    let breaks = breaks
        .and_then(Value::as_str)
        .ok_or("an invalid case needs a string `breaks`")?;
    if !violations.iter().any(|v| within(&v.instance_path, breaks)) {
        return Err(format!(
            "no schema violation at or under `{breaks}`: {}",
            listed()
        ));
    }
    if let Err(e) = parsed {
        if !within(e.pointer(), breaks) {
            return Err(format!(
                "the serde types reject it at `{}`, not at or under `{breaks}`: {e}",
                e.pointer()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn numbering_is_consecutive_and_counted() {
        let file = build();
        let ids: Vec<u64> = file.cases().map(|c| c.tc_id).collect();
        assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
        assert_eq!(file.number_of_tests, ids.len());
    }

    #[test]
    fn one_group_per_kind_in_order() {
        let file = build();
        let kinds: Vec<&str> = file.test_groups.iter().map(|g| g.kind.as_str()).collect();
        let expected: Vec<&str> = MessageKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(kinds, expected);
        for group in &file.test_groups {
            assert_eq!(group.attributes["kind"], group.kind.as_str());
            assert!(
                group.tests.iter().any(|c| c.result == Valid),
                "{}",
                group.kind
            );
            assert!(
                group.tests.iter().any(|c| c.result == Invalid),
                "{}",
                group.kind
            );
        }
    }

    #[test]
    fn invalid_cases_name_what_they_break_and_valid_ones_do_not() {
        for case in build().cases() {
            let breaks = case.inputs.get("breaks");
            match case.result {
                Invalid => assert!(
                    breaks.and_then(Value::as_str).is_some(),
                    "tcId {} has no breaks",
                    case.tc_id
                ),
                _ => assert!(breaks.is_none(), "tcId {} is valid with breaks", case.tc_id),
            }
        }
    }

    #[test]
    fn flags_are_explained_and_comments_unique_per_group() {
        let file = build();
        let explained: BTreeSet<&String> = file.notes.keys().collect();
        let mut used = BTreeSet::new();
        for group in &file.test_groups {
            let mut seen = BTreeMap::new();
            for case in &group.tests {
                assert!(!case.flags.is_empty(), "tcId {} has no flag", case.tc_id);
                for flag in &case.flags {
                    assert!(explained.contains(flag), "flag {flag} is not in notes");
                    used.insert(flag.clone());
                }
                if let Some(other) = seen.insert(case.comment.clone(), case.tc_id) {
                    panic!(
                        "tcId {} and {other} in {} share the comment {:?}",
                        case.tc_id, group.kind, case.comment
                    );
                }
            }
        }
        let unused: Vec<_> = explained.iter().filter(|f| !used.contains(**f)).collect();
        assert!(unused.is_empty(), "notes explain unused flags: {unused:?}");
    }

    #[test]
    fn a_quirk_flag_must_match_what_the_reader_records() {
        let file = build();
        let group = file
            .test_groups
            .iter()
            .find(|g| g.kind == "login.callback")
            .unwrap();
        let quirky = group.tests.iter().find(|c| c.flags == [QUIRK]).unwrap();
        let mut unflagged = quirky.clone();
        unflagged.flags = vec![VARIANT.to_string()];
        assert!(check(group, &unflagged).is_err());
    }

    #[test]
    fn the_file_is_deterministic() {
        assert_eq!(
            crate::vectors::render(&build()),
            crate::vectors::render(&build())
        );
    }

    #[test]
    fn the_check_catches_wrong_verdicts_and_wrong_places() {
        let file = build();
        let group = &file.test_groups[0];
        let valid = group.tests.iter().find(|c| c.result == Valid).unwrap();
        let mut flipped = valid.clone();
        flipped.result = Invalid;
        flipped.inputs.insert("breaks".into(), json!(""));
        assert!(check(group, &flipped).is_err());
        let invalid = group
            .tests
            .iter()
            .find(|c| c.inputs.get("breaks") == Some(&json!("/params/callback")))
            .unwrap();
        let mut elsewhere = invalid.clone();
        elsewhere
            .inputs
            .insert("breaks".into(), json!("/params/message"));
        let reason = check(group, &elsewhere).unwrap_err();
        assert!(reason.contains("/params/message"), "{reason}");
        let mut unflagged = valid.clone();
        unflagged.inputs.remove("message");
        assert!(check(group, &unflagged).is_err());
    }

    #[test]
    fn within_is_segment_wise() {
        assert!(within("/params/callback", "/params/callback"));
        assert!(within("/params/message/1", "/params/message"));
        assert!(within("/params", ""));
        assert!(!within("/params/callbackUrl", "/params/callback"));
        assert!(!within("/params", "/params/callback"));
    }
}
