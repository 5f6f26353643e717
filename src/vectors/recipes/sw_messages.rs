//! `SIMPLEWALLET-MESSAGES` (`vectors/simplewallet/messages.json`): valid and invalid instances
//! of every SimpleWallet message kind ([`SCHEMA_KINDS`]) — the four requests as JSON and as
//! `simplewallet://` deep links (spaces as `%20` and as `+`), the login, notify and sign POST
//! bodies with the spellings the profile tolerates, and the dApp's reply.
//!
//! Each case's `message` must get the case's verdict from the kind's JSON Schema
//! (`schemas/simplewallet/<kind>.json`) and from the serde type alike (invariant 2). A valid
//! case lists the quirks the reader must record (`quirks`, none when absent); an invalid case
//! names the field it breaks (`breaks`, as [`MessageError::field`] writes it, `""` for the
//! whole message) and the rejection (`reason`, [`MessageError::kind`]), and the schema must
//! report a violation at or under that field. A request case may also carry `text`, the QR
//! text or deep link of the same message, which must read exactly as `message` does. Login
//! and sign POSTs carry real signatures from a seeded key over `login_signed_string` (or the
//! signed message), and a case with `publicKey` must verify against it.

use serde_json::{json, Map, Value};

use crate::protocol::simplewallet::crypto::{PrivateKey, PublicKey, Signature};
use crate::protocol::simplewallet::eosio::{Action, Name, PermissionLevel, Transaction, Transfer};
use crate::protocol::simplewallet::messages::{
    login_signed_string, LoginPost, MessageError, NotifyPost, Quirk, Reply, Request, SignPost,
    SCHEMA_KINDS,
};
use crate::schema;
use crate::vectors::{TestCase, TestGroup, TestResult, VectorFile};

use TestResult::{Invalid, Valid};

/// The seed of the wallet key that signs the POSTs (eosjs-ecc `seedPrivate`).
const WALLET_SEED: &str = "qrconform/simplewallet/messages/wallet";
const ACCOUNT: &str = "qrcwallet111";
const DAPP_ACCOUNT: &str = "qrcdapp11111";
const WALLET_REF: &str = "qrconform";
const UUID: &str = "5f1d0c3e-7a2b-4c9d-8e6f-0a1b2c3d4e5f";
const TIMESTAMP: u64 = 1_700_000_000;
const EXPIRED: u64 = 1_700_000_600;
const DAPP_NAME: &str = "QR Conform Demo";
const DAPP_ICON: &str = "https://dapp.example/icon.png";
const LOGIN_URL: &str = "https://dapp.example/login";
const NOTIFY_URL: &str = "https://dapp.example/notify";
const CALLBACK: &str = "https://dapp.example/return?order=42";
const SIGN_MESSAGE: &str = "Sign in to QR Conform Demo at 1700000000";

// Flags.
const DOCUMENTED: &str = "Documented";
const OPTIONAL: &str = "OptionalMembers";
const EXTENSION: &str = "MykeyExtension";
const LINK: &str = "DeepLink";
const QUIRK: &str = "Quirk";
const EXTRA: &str = "ExtraMember";
const SIGNED: &str = "Signed";
const HEADER: &str = "Header";
const MISSING: &str = "MissingField";
const TYPE: &str = "WrongType";
const VALUE: &str = "BadValue";
const SPELLINGS: &str = "BothSpellings";

fn notes() -> Map<String, Value> {
    let mut notes = Map::new();
    for (flag, text) in [
        (
            DOCUMENTED,
            "The documented form, every member spelled as the profile writes it.",
        ),
        (
            OPTIONAL,
            "Only the required members, or optional ones left out.",
        ),
        (
            EXTENSION,
            "A member the MYKEY extensions add (chain, callback, transaction, sign).",
        ),
        (
            LINK,
            "`text` is the request as a simplewallet:// deep link (spaces as %20 or +) or \
             QR text; it must read exactly as `message`.",
        ),
        (
            QUIRK,
            "A tolerated spelling or type: accepted, and the reader must record the quirks \
             the case lists.",
        ),
        (EXTRA, "An unknown member, which both readers ignore."),
        (
            SIGNED,
            "`sign` is a real SIG_K1_ signature by `publicKey` over the signed string (SW-L3) \
             or the signed message (SW-S1).",
        ),
        (
            HEADER,
            "`protocol`, `version` or `action` is wrong (SW-T2).",
        ),
        (MISSING, "A required member is absent; `breaks` names it."),
        (TYPE, "A member has the wrong JSON type (null included)."),
        (
            VALUE,
            "A member has the right type but a value the profile does not allow.",
        ),
        (
            SPELLINGS,
            "Two spellings of one field in one message; `breaks` names the documented one.",
        ),
    ] {
        notes.insert(flag.into(), json!(text));
    }
    notes
}

/// Builds `simplewallet/messages.json`.
pub fn build() -> VectorFile {
    let mut file = VectorFile::numbered(
        "SIMPLEWALLET-MESSAGES",
        "qrconform vectors regen (recipe sw_messages)",
        json!({
            "recipe": "src/vectors/recipes/sw_messages.rs",
            "description": "For every SimpleWallet message kind (login, transfer, transaction \
                and sign requests as JSON and as deep links; login, notify and sign POST \
                bodies; the dApp's reply): documented forms, tolerated spellings with the \
                quirks they raise, and invalid messages that differ from a valid one in one \
                member. Each case must get the same verdict from the kind's JSON Schema \
                (schemas/simplewallet/<kind>.json) and its serde type; an invalid case names \
                the field it breaks and the rejection reason. POST signatures are real, by a \
                key seeded from `qrconform/simplewallet/messages/wallet`.",
            "clauses": [
                "SW-T1", "SW-T2", "SW-L1", "SW-L2", "SW-L3", "SW-L4", "SW-X1", "SW-X2",
                "SW-X3", "SW-S1"
            ],
        }),
        notes(),
        vec![
            login_request(),
            transfer_request(),
            transaction_request(),
            sign_request(),
            login_post(),
            notify_post(),
            sign_post(),
            reply(),
        ],
    );
    file.header = vec![
        "Shapes of SimpleWallet messages: each message is valid or invalid for its kind, by \
         the JSON Schema and by the serde types alike; `breaks` and `reason` say why an \
         invalid one is refused, `quirks` what a valid one tolerates."
            .to_string(),
    ];
    file
}

// ---------------------------------------------------------------------------------------
// Building cases
// ---------------------------------------------------------------------------------------

/// The cases of one kind, collected in order.
struct Family {
    kind: &'static str,
    clauses: &'static [&'static str],
    tests: Vec<TestCase>,
}

impl Family {
    fn new(kind: &'static str, clauses: &'static [&'static str]) -> Self {
        Family {
            kind,
            clauses,
            tests: Vec::new(),
        }
    }

    fn push_valid(&mut self, comment: &str, flags: &[&str], mut inputs: Map<String, Value>) {
        if inputs.get("quirks").is_some_and(|q| q == &json!([])) {
            inputs.remove("quirks");
        }
        self.tests
            .push(TestCase::new(comment, flags, Value::Object(inputs), Valid));
    }

    fn valid(&mut self, comment: &str, flags: &[&str], message: Value, quirks: &[&str]) {
        let mut inputs = Map::new();
        inputs.insert("message".into(), message);
        inputs.insert("quirks".into(), json!(quirks));
        self.push_valid(comment, flags, inputs);
    }

    /// A request given both as JSON and as QR text or a deep link.
    fn valid_text(&mut self, comment: &str, flags: &[&str], message: Value, text: String) {
        let mut inputs = Map::new();
        inputs.insert("message".into(), message);
        inputs.insert("text".into(), json!(text));
        self.push_valid(comment, flags, inputs);
    }

    /// A POST signed by `key`.
    fn valid_signed(&mut self, comment: &str, flags: &[&str], message: Value, quirks: &[&str]) {
        let mut inputs = Map::new();
        inputs.insert("message".into(), message);
        inputs.insert(
            "publicKey".into(),
            json!(wallet_key().public_key().to_legacy()),
        );
        inputs.insert("quirks".into(), json!(quirks));
        self.push_valid(comment, flags, inputs);
    }

    fn invalid(
        &mut self,
        comment: &str,
        flags: &[&str],
        message: Value,
        breaks: &str,
        reason: &str,
    ) {
        self.tests.push(TestCase::new(
            comment,
            flags,
            json!({ "message": message, "breaks": breaks, "reason": reason }),
            Invalid,
        ));
    }

    fn invalid_text(
        &mut self,
        comment: &str,
        flags: &[&str],
        message: Value,
        text: String,
        (breaks, reason): (&str, &str),
    ) {
        self.tests.push(TestCase::new(
            comment,
            flags,
            json!({ "message": message, "text": text, "breaks": breaks, "reason": reason }),
            Invalid,
        ));
    }

    fn group(self) -> TestGroup {
        let name = self.kind.trim_start_matches("simplewallet.");
        TestGroup::new(
            name,
            json!({
                "kind": self.kind,
                "schema": format!("https://qrconform.dev/schemas/simplewallet/{name}.json"),
                "clauses": self.clauses,
            }),
            self.tests,
        )
    }
}

/// `base` with `edits` applied, in order: a `null` edit removes the member; a new member is
/// appended.
fn edited(base: &Value, edits: Value) -> Value {
    let mut value = base.clone();
    if let (Some(map), Value::Object(edits)) = (value.as_object_mut(), edits) {
        for (key, edit) in edits {
            if edit.is_null() {
                map.shift_remove(&key);
            } else {
                map.insert(key, edit);
            }
        }
    }
    value
}

/// `base` with `key` set to JSON `null` (a wrong type, not an absent member).
fn nulled(base: &Value, key: &str) -> Value {
    let mut value = base.clone();
    if let Some(map) = value.as_object_mut() {
        map.insert(key.into(), Value::Null);
    }
    value
}

/// `base` with the member `from` renamed to `to`, in place.
fn renamed(base: &Value, from: &str, to: &str) -> Value {
    let mut out = Map::new();
    for (key, member) in base.as_object().into_iter().flatten() {
        let key = if key == from { to } else { key.as_str() };
        out.insert(key.to_owned(), member.clone());
    }
    Value::Object(out)
}

fn wallet_key() -> PrivateKey {
    PrivateKey::from_seed(WALLET_SEED)
}

/// The request's deep link, spaces as `%20` (what `encodeURIComponent` writes).
fn deep_link(message: &Value) -> String {
    Request::from_json(&message.to_string())
        .map(|request| request.to_deep_link())
        .unwrap_or_else(|e| panic!("recipe bug: a link of an unreadable request: {e}"))
}

/// The same link with `+` for each space, as form encoding writes it.
fn plus_link(message: &Value) -> String {
    deep_link(message).replace("%20", "+")
}

/// A deep link of any JSON, escaped by hand (the library only writes links of valid
/// requests): the characters `encodeURIComponent` keeps stay, everything else is `%XX`.
fn raw_link(message: &Value) -> String {
    let mut link = String::from("simplewallet://eos.io?param=");
    for byte in message.to_string().bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            link.push(byte as char);
        } else {
            link.push_str(&format!("%{byte:02X}"));
        }
    }
    link
}

fn header(action: &str) -> Value {
    json!({"protocol": "SimpleWallet", "version": "1.0", "action": action})
}

/// Cases every request shares: the header rules (SW-T2), a non-object, an extra member.
fn request_header_cases(f: &mut Family, base: &Value, other: &Value) {
    let other_action = other["action"].as_str().unwrap_or("");
    f.valid(
        "an unknown member (MYKEY's appKey) is ignored",
        &[EXTRA],
        edited(base, json!({"appKey": "qrconform-demo"})),
        &[],
    );
    f.invalid(
        "protocol \"SimpleWallet2\"",
        &[HEADER],
        edited(base, json!({"protocol": "SimpleWallet2"})),
        "protocol",
        "protocol",
    );
    f.invalid(
        "version \"2.0\"",
        &[HEADER],
        edited(base, json!({"version": "2.0"})),
        "version",
        "version",
    );
    f.invalid(
        "version as the number 1",
        &[HEADER, TYPE],
        edited(base, json!({"version": 1})),
        "version",
        "wrong-type",
    );
    f.invalid(
        "protocol missing",
        &[HEADER, MISSING],
        edited(base, json!({"protocol": null})),
        "protocol",
        "missing",
    );
    f.invalid(
        "action in upper case",
        &[HEADER],
        edited(
            base,
            json!({"action": base["action"].as_str().unwrap_or("").to_uppercase()}),
        ),
        "action",
        "action",
    );
    f.invalid(
        &format!("a valid {other_action} request is not this kind"),
        &[HEADER],
        other.clone(),
        "action",
        "action",
    );
    f.invalid(
        "a JSON array, not an object",
        &[TYPE],
        json!([base.clone()]),
        "",
        "not-object",
    );
}

/// Cases every request with an optional `expired` shares.
fn expired_cases(f: &mut Family, base: &Value) {
    f.valid(
        "expired as a string of digits (TokenPocket, UAL)",
        &[QUIRK],
        edited(base, json!({"expired": EXPIRED.to_string()})),
        &["expired-as-string"],
    );
    f.invalid(
        "expired negative",
        &[VALUE],
        edited(base, json!({"expired": -1})),
        "expired",
        "invalid",
    );
    f.invalid(
        "expired with a fraction",
        &[VALUE],
        edited(base, json!({"expired": 1_700_000_600.5})),
        "expired",
        "invalid",
    );
    f.invalid(
        "expired as a string of 16 digits",
        &[VALUE],
        edited(base, json!({"expired": "1700000600000000"})),
        "expired",
        "invalid",
    );
    f.invalid(
        "expired null",
        &[TYPE],
        nulled(base, "expired"),
        "expired",
        "wrong-type",
    );
}

/// Cases every request with a notify URL shares: the MYKEY SDK spelling (a quirk) and both
/// spellings at once.
fn notify_url_cases(f: &mut Family, base: &Value, sdk_name: &str) {
    f.valid(
        &format!("the notify URL as MYKEY's {sdk_name}"),
        &[QUIRK],
        renamed(base, "notifyUrl", sdk_name),
        &[&format!("notify-url-spelling:{sdk_name}")],
    );
    f.invalid(
        &format!("notifyUrl and {sdk_name} both present"),
        &[SPELLINGS],
        edited(base, json!({ sdk_name: NOTIFY_URL })),
        "notifyUrl",
        "both-spellings",
    );
    f.invalid(
        "notifyUrl as a number",
        &[TYPE],
        edited(base, json!({"notifyUrl": 1})),
        "notifyUrl",
        "wrong-type",
    );
}

/// Cases every request shares for its QR text forms (SW-T1).
fn text_cases(f: &mut Family, base: &Value) {
    f.valid_text(
        "as a deep link, spaces as %20",
        &[LINK],
        base.clone(),
        deep_link(base),
    );
    f.valid_text(
        "as a deep link, spaces as +",
        &[LINK],
        base.clone(),
        plus_link(base),
    );
    f.valid_text(
        "as indented JSON text with surrounding whitespace",
        &[LINK],
        base.clone(),
        format!(
            "\n  {}  \n",
            serde_json::to_string_pretty(base).unwrap_or_default()
        ),
    );
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// A valid login request with every member it may carry.
fn login_base() -> Value {
    edited(
        &header("login"),
        json!({
            "dappName": DAPP_NAME,
            "dappIcon": DAPP_ICON,
            "uuID": UUID,
            "loginUrl": LOGIN_URL,
            "expired": EXPIRED,
            "loginMemo": "Sign in to QR Conform Demo",
        }),
    )
}

fn login_request() -> TestGroup {
    let mut f = Family::new("simplewallet.login.request", &["SW-T1", "SW-T2", "SW-L1"]);
    let base = login_base();
    f.valid(
        "the documented login request",
        &[DOCUMENTED],
        base.clone(),
        &[],
    );
    text_cases(&mut f, &base);
    f.valid(
        "without expired and loginMemo (the deep-link form)",
        &[OPTIONAL],
        edited(&base, json!({"expired": null, "loginMemo": null})),
        &[],
    );
    let mykey = edited(&base, json!({"chain": "eos", "callback": CALLBACK}));
    f.valid(
        "with MYKEY's chain and callback",
        &[EXTENSION],
        mykey.clone(),
        &[],
    );
    f.valid_text(
        "with MYKEY's chain and callback, as a deep link",
        &[EXTENSION, LINK],
        mykey,
        deep_link(&edited(
            &base,
            json!({"chain": "eos", "callback": CALLBACK}),
        )),
    );
    request_header_cases(&mut f, &base, &transfer_base());
    expired_cases(&mut f, &base);
    for member in ["dappName", "dappIcon", "uuID", "loginUrl"] {
        f.invalid(
            &format!("{member} missing"),
            &[MISSING],
            edited(&base, json!({ member: null })),
            member,
            "missing",
        );
        f.invalid(
            &format!("{member} null"),
            &[TYPE],
            nulled(&base, member),
            member,
            "wrong-type",
        );
    }
    f.invalid(
        "uuID empty: it is the login's single-use identity",
        &[VALUE],
        edited(&base, json!({"uuID": ""})),
        "uuID",
        "invalid",
    );
    f.invalid(
        "dappName a number",
        &[TYPE],
        edited(&base, json!({"dappName": 1})),
        "dappName",
        "wrong-type",
    );
    f.invalid(
        "loginMemo a number",
        &[TYPE],
        edited(&base, json!({"loginMemo": 7})),
        "loginMemo",
        "wrong-type",
    );
    let bad = edited(&base, json!({"uuID": ""}));
    f.invalid_text(
        "uuID empty, in a deep link",
        &[LINK, VALUE],
        bad.clone(),
        raw_link(&bad).replace("%20", "+"),
        ("uuID", "invalid"),
    );
    f.group()
}

/// A valid transfer request with every member it may carry.
fn transfer_base() -> Value {
    edited(
        &header("transfer"),
        json!({
            "dappName": DAPP_NAME,
            "dappIcon": DAPP_ICON,
            "from": ACCOUNT,
            "to": DAPP_ACCOUNT,
            "amount": 0.5,
            "contract": "eosio.token",
            "symbol": "EOS",
            "precision": 4,
            "dappData": "order 42",
            "desc": "Pay for one coffee",
            "expired": EXPIRED,
            "callback": CALLBACK,
            "notifyUrl": NOTIFY_URL,
        }),
    )
}

fn transfer_request() -> TestGroup {
    let mut f = Family::new(
        "simplewallet.transfer.request",
        &["SW-T1", "SW-T2", "SW-X1"],
    );
    let base = transfer_base();
    f.valid(
        "the documented transfer request",
        &[DOCUMENTED],
        base.clone(),
        &[],
    );
    text_cases(&mut f, &base);
    let minimal = edited(
        &header("transfer"),
        json!({"to": DAPP_ACCOUNT, "amount": 1, "contract": "eosio.token", "symbol": "EOS",
               "precision": 4}),
    );
    f.valid(
        "only to, amount, contract, symbol and precision",
        &[OPTIONAL],
        minimal,
        &[],
    );
    f.valid(
        "an integral amount at precision 0",
        &[OPTIONAL],
        edited(
            &base,
            json!({"amount": 3, "precision": 0, "symbol": "TOKEN",
                             "contract": "qrctoken1111"}),
        ),
        &[],
    );
    f.valid(
        "amount as a decimal string (MathWallet samples)",
        &[QUIRK],
        edited(&base, json!({"amount": "0.5000"})),
        &["amount-as-string"],
    );
    notify_url_cases(&mut f, &base, "transferUrl");
    request_header_cases(&mut f, &base, &sign_base());
    expired_cases(&mut f, &base);
    for member in ["to", "amount", "contract", "symbol", "precision"] {
        f.invalid(
            &format!("{member} missing"),
            &[MISSING],
            edited(&base, json!({ member: null })),
            member,
            "missing",
        );
    }
    f.invalid(
        "amount null",
        &[TYPE],
        nulled(&base, "amount"),
        "amount",
        "wrong-type",
    );
    f.invalid(
        "amount negative",
        &[VALUE],
        edited(&base, json!({"amount": -0.5})),
        "amount",
        "amount-negative",
    );
    f.invalid(
        "to in upper case is not an EOSIO name",
        &[VALUE],
        edited(&base, json!({"to": "QrcDapp11111"})),
        "to",
        "name-char",
    );
    f.invalid(
        "from with 13 characters",
        &[VALUE],
        edited(&base, json!({"from": "qrcwallet1111z"})),
        "from",
        "name-length",
    );
    f.invalid(
        "contract a number",
        &[TYPE],
        edited(&base, json!({"contract": 1})),
        "contract",
        "wrong-type",
    );
    f.invalid(
        "symbol in lower case",
        &[VALUE],
        edited(&base, json!({"symbol": "eos"})),
        "symbol",
        "symbol-code",
    );
    f.invalid(
        "symbol of eight letters",
        &[VALUE],
        edited(&base, json!({"symbol": "EOSEOSEO"})),
        "symbol",
        "symbol-code",
    );
    f.invalid(
        "precision 19",
        &[VALUE],
        edited(&base, json!({"precision": 19})),
        "precision",
        "invalid",
    );
    f.valid(
        "precision as a string of digits",
        &[QUIRK],
        edited(&base, json!({"precision": "4"})),
        &["precision-as-string"],
    );
    f.invalid(
        "precision as a string of more than 18",
        &[VALUE],
        edited(&base, json!({"precision": "19"})),
        "precision",
        "invalid",
    );
    f.invalid(
        "precision as a decimal string",
        &[VALUE],
        edited(&base, json!({"precision": "4.0"})),
        "precision",
        "invalid",
    );
    f.invalid(
        "precision a boolean",
        &[TYPE],
        edited(&base, json!({"precision": true})),
        "precision",
        "wrong-type",
    );
    f.invalid(
        "desc a number",
        &[TYPE],
        edited(&base, json!({"desc": 42})),
        "desc",
        "wrong-type",
    );
    let bad = edited(&base, json!({"to": "QrcDapp11111"}));
    f.invalid_text(
        "to in upper case, in a deep link",
        &[LINK, VALUE],
        bad.clone(),
        raw_link(&bad),
        ("to", "name-char"),
    );
    f.group()
}

fn transfer_action(memo: &str) -> Value {
    json!({
        "account": "eosio.token",
        "name": "transfer",
        "info": "Pay 0.5000 EOS",
        "data": {"from": ACCOUNT, "to": DAPP_ACCOUNT, "quantity": "0.5000 EOS", "memo": memo},
    })
}

/// A valid transaction request with every member it may carry.
fn transaction_base() -> Value {
    edited(
        &header("transaction"),
        json!({
            "dappName": DAPP_NAME,
            "dappIcon": DAPP_ICON,
            "desc": "Pay for one coffee",
            "actions": [transfer_action("coffee")],
            "expired": EXPIRED,
            "callback": CALLBACK,
            "notifyUrl": NOTIFY_URL,
        }),
    )
}

fn transaction_request() -> TestGroup {
    let mut f = Family::new(
        "simplewallet.transaction.request",
        &["SW-T1", "SW-T2", "SW-X2"],
    );
    let base = transaction_base();
    f.valid(
        "the documented transaction request",
        &[DOCUMENTED],
        base.clone(),
        &[],
    );
    text_cases(&mut f, &base);
    let buyram = json!({
        "account": "eosio",
        "name": "buyram",
        "data": {"payer": ACCOUNT, "receiver": ACCOUNT, "quant": "0.1000 EOS"},
    });
    f.valid(
        "two actions, the second without info",
        &[DOCUMENTED],
        edited(
            &base,
            json!({"actions": [transfer_action("coffee"), buyram.clone()]}),
        ),
        &[],
    );
    f.valid(
        "only actions",
        &[OPTIONAL],
        edited(
            &header("transaction"),
            json!({"actions": [transfer_action("")]}),
        ),
        &[],
    );
    f.valid(
        "an action with empty data",
        &[OPTIONAL],
        edited(
            &base,
            json!({"actions": [{"account": "qrcdapp11111", "name": "ping", "data": {}}]}),
        ),
        &[],
    );
    notify_url_cases(&mut f, &base, "contractUrl");
    request_header_cases(&mut f, &base, &login_base());
    expired_cases(&mut f, &base);
    f.invalid(
        "actions missing",
        &[MISSING],
        edited(&base, json!({"actions": null})),
        "actions",
        "missing",
    );
    f.invalid(
        "actions empty",
        &[VALUE],
        edited(&base, json!({"actions": []})),
        "actions",
        "invalid",
    );
    f.invalid(
        "actions an object",
        &[TYPE],
        edited(&base, json!({"actions": transfer_action("coffee")})),
        "actions",
        "wrong-type",
    );
    let action = transfer_action("coffee");
    f.invalid(
        "the first action's data as a string",
        &[TYPE],
        edited(
            &base,
            json!({"actions": [edited(&action, json!({"data": "{}"}))]}),
        ),
        "actions[0].data",
        "wrong-type",
    );
    f.invalid(
        "the first action without a name",
        &[MISSING],
        edited(
            &base,
            json!({"actions": [edited(&action, json!({"name": null}))]}),
        ),
        "actions[0].name",
        "missing",
    );
    f.invalid(
        "the second action's account in upper case",
        &[VALUE],
        edited(
            &base,
            json!({"actions": [action.clone(), edited(&buyram, json!({"account": "EOSIO"}))]}),
        ),
        "actions[1].account",
        "name-char",
    );
    f.invalid(
        "the first action's info a number",
        &[TYPE],
        edited(
            &base,
            json!({"actions": [edited(&action, json!({"info": 1}))]}),
        ),
        "actions[0].info",
        "wrong-type",
    );
    f.group()
}

/// A valid sign request with every member it may carry.
fn sign_base() -> Value {
    edited(
        &header("sign"),
        json!({
            "dappName": DAPP_NAME,
            "dappIcon": DAPP_ICON,
            "desc": "Prove you hold the account",
            "message": SIGN_MESSAGE,
            "expired": EXPIRED,
            "callback": CALLBACK,
            "notifyUrl": NOTIFY_URL,
        }),
    )
}

fn sign_request() -> TestGroup {
    let mut f = Family::new("simplewallet.sign.request", &["SW-T1", "SW-T2", "SW-S1"]);
    let base = sign_base();
    f.valid(
        "the documented sign request",
        &[DOCUMENTED],
        base.clone(),
        &[],
    );
    text_cases(&mut f, &base);
    f.valid(
        "only message",
        &[OPTIONAL],
        edited(&header("sign"), json!({"message": SIGN_MESSAGE})),
        &[],
    );
    let unicode = edited(&base, json!({"message": "签名 + 100% ✓"}));
    f.valid_text(
        "a message with non-ASCII text, + and %, as a deep link",
        &[LINK],
        unicode.clone(),
        deep_link(&unicode),
    );
    notify_url_cases(&mut f, &base, "signUrl");
    request_header_cases(&mut f, &base, &transaction_base());
    expired_cases(&mut f, &base);
    f.invalid(
        "message missing",
        &[MISSING],
        edited(&base, json!({"message": null})),
        "message",
        "missing",
    );
    f.invalid(
        "message a number",
        &[TYPE],
        edited(&base, json!({"message": 42})),
        "message",
        "wrong-type",
    );
    f.invalid(
        "message null",
        &[TYPE],
        nulled(&base, "message"),
        "message",
        "wrong-type",
    );
    f.group()
}

// ---------------------------------------------------------------------------------------
// The wallet's POST bodies and the reply
// ---------------------------------------------------------------------------------------

fn login_post() -> TestGroup {
    let mut f = Family::new("simplewallet.login.post", &["SW-T2", "SW-L2", "SW-L3"]);
    let key = wallet_key();
    let timestamp = TIMESTAMP.to_string();
    let signed = login_signed_string(&timestamp, ACCOUNT, UUID, WALLET_REF);
    let sign = key.sign(signed.as_bytes()).to_string();
    let base =
        LoginPost::new(timestamp.as_str(), sign.as_str(), UUID, ACCOUNT, WALLET_REF).to_json();
    f.valid_signed(
        "the documented login POST",
        &[DOCUMENTED, SIGNED],
        base.clone(),
        &[],
    );
    f.valid_signed(
        "timestamp as a string of digits (MYKEY SDK, TokenPocket)",
        &[QUIRK, SIGNED],
        edited(&base, json!({"timestamp": timestamp})),
        &["timestamp-as-string"],
    );
    f.valid_signed(
        "Account and Ref capitalised, as the English spec writes them",
        &[QUIRK, SIGNED],
        renamed(&renamed(&base, "account", "Account"), "ref", "Ref"),
        &["capitalised-account", "capitalised-ref"],
    );
    f.valid_signed(
        "Ref capitalised alone",
        &[QUIRK, SIGNED],
        renamed(&base, "ref", "Ref"),
        &["capitalised-ref"],
    );
    let mykey_ref = "mykey";
    let mykey_sign = key
        .sign(login_signed_string(&timestamp, ACCOUNT, UUID, mykey_ref).as_bytes())
        .to_string();
    f.valid_signed(
        "ref \"mykey\", as MYKEY sends it",
        &[DOCUMENTED, SIGNED],
        LoginPost::new(timestamp.as_str(), mykey_sign, UUID, ACCOUNT, mykey_ref).to_json(),
        &[],
    );
    f.valid_signed(
        "an unknown member is ignored",
        &[EXTRA, SIGNED],
        edited(&base, json!({"publicKey": key.public_key().to_legacy()})),
        &[],
    );
    f.invalid(
        "protocol \"simplewallet\"",
        &[HEADER],
        edited(&base, json!({"protocol": "simplewallet"})),
        "protocol",
        "protocol",
    );
    f.invalid(
        "version \"1\"",
        &[HEADER],
        edited(&base, json!({"version": "1"})),
        "version",
        "version",
    );
    for member in ["timestamp", "sign", "uuID"] {
        f.invalid(
            &format!("{member} missing"),
            &[MISSING],
            edited(&base, json!({ member: null })),
            member,
            "missing",
        );
    }
    f.invalid(
        "sign null",
        &[TYPE],
        nulled(&base, "sign"),
        "sign",
        "wrong-type",
    );
    f.invalid(
        "timestamp negative",
        &[VALUE],
        edited(&base, json!({"timestamp": -1})),
        "timestamp",
        "invalid",
    );
    f.invalid(
        "timestamp as a string with a sign",
        &[VALUE],
        edited(&base, json!({"timestamp": format!("+{timestamp}")})),
        "timestamp",
        "invalid",
    );
    f.invalid(
        "timestamp as a boolean",
        &[TYPE],
        edited(&base, json!({"timestamp": true})),
        "timestamp",
        "wrong-type",
    );
    f.invalid(
        "uuID empty",
        &[VALUE],
        edited(&base, json!({"uuID": ""})),
        "uuID",
        "invalid",
    );
    f.invalid(
        "account not an EOSIO name",
        &[VALUE],
        edited(&base, json!({"account": "Qrc.Wallet"})),
        "account",
        "name-char",
    );
    f.invalid(
        "account and Account both present",
        &[SPELLINGS],
        edited(&base, json!({"Account": ACCOUNT})),
        "account",
        "both-spellings",
    );
    f.invalid(
        "ref and Ref both present",
        &[SPELLINGS],
        edited(&base, json!({"Ref": WALLET_REF})),
        "ref",
        "both-spellings",
    );
    f.invalid(
        "account missing in both spellings",
        &[MISSING],
        edited(&base, json!({"account": null})),
        "account",
        "missing",
    );
    f.invalid(
        "a JSON string, not an object",
        &[TYPE],
        json!("login"),
        "",
        "not-object",
    );
    f.group()
}

/// The id of a transfer the wallet pushed: a real EOSIO transaction id.
fn pushed_tx_id() -> String {
    let name = |text: &str| -> Name {
        text.parse()
            .unwrap_or_else(|e| panic!("recipe bug: name {text}: {e}"))
    };
    let transfer = Transfer {
        from: name(ACCOUNT),
        to: name(DAPP_ACCOUNT),
        quantity: "0.5000 EOS"
            .parse()
            .unwrap_or_else(|e| panic!("recipe bug: asset: {e}")),
        memo: "coffee".into(),
    };
    Transaction {
        expiration: 1_700_000_060,
        ref_block_num: 0x2a2a,
        ref_block_prefix: 0x0102_0304,
        actions: vec![Action {
            account: name("eosio.token"),
            name: name("transfer"),
            authorization: vec![PermissionLevel {
                actor: name(ACCOUNT),
                permission: name("active"),
            }],
            data: transfer.pack(),
        }],
        ..Transaction::default()
    }
    .id_hex()
}

fn notify_post() -> TestGroup {
    let mut f = Family::new("simplewallet.notify.post", &["SW-T2", "SW-X3"]);
    let tx_id = pushed_tx_id();
    let base = NotifyPost::new(tx_id.as_str(), WALLET_REF, ACCOUNT).to_json();
    f.valid(
        "the documented notify POST",
        &[DOCUMENTED],
        base.clone(),
        &[],
    );
    for spelling in ["txID", "txId"] {
        f.valid(
            &format!("the transaction id as {spelling}"),
            &[QUIRK],
            renamed(&base, "tx_id", spelling),
            &[&format!("tx-id-spelling:{spelling}")],
        );
    }
    f.valid(
        "Account and Ref capitalised",
        &[QUIRK],
        renamed(&renamed(&base, "account", "Account"), "ref", "Ref"),
        &["capitalised-ref", "capitalised-account"],
    );
    f.valid(
        "an unknown member is ignored",
        &[EXTRA],
        edited(&base, json!({"blockchain": "eos"})),
        &[],
    );
    f.invalid(
        "version \"1.1\"",
        &[HEADER],
        edited(&base, json!({"version": "1.1"})),
        "version",
        "version",
    );
    f.invalid(
        "tx_id missing in every spelling",
        &[MISSING],
        edited(&base, json!({"tx_id": null})),
        "tx_id",
        "missing",
    );
    f.invalid(
        "tx_id a number",
        &[TYPE],
        edited(&base, json!({"tx_id": 1})),
        "tx_id",
        "wrong-type",
    );
    f.invalid(
        "tx_id and txID both present",
        &[SPELLINGS],
        edited(&base, json!({"txID": tx_id})),
        "tx_id",
        "both-spellings",
    );
    f.invalid(
        "ref missing",
        &[MISSING],
        edited(&base, json!({"ref": null})),
        "ref",
        "missing",
    );
    f.invalid(
        "account with a thirteenth character beyond j",
        &[VALUE],
        edited(&base, json!({"account": "qrcwallet111z"})),
        "account",
        "name-thirteenth",
    );
    f.group()
}

fn sign_post() -> TestGroup {
    let mut f = Family::new("simplewallet.sign.post", &["SW-T2", "SW-S1"]);
    let key = wallet_key();
    let sign = key.sign(SIGN_MESSAGE.as_bytes()).to_string();
    let base = SignPost::new(SIGN_MESSAGE, sign.as_str(), WALLET_REF, ACCOUNT).to_json();
    f.valid_signed(
        "the documented sign POST",
        &[DOCUMENTED, SIGNED],
        base.clone(),
        &[],
    );
    f.valid_signed(
        "Account and Ref capitalised",
        &[QUIRK, SIGNED],
        renamed(&renamed(&base, "account", "Account"), "ref", "Ref"),
        &["capitalised-ref", "capitalised-account"],
    );
    let unicode = "签名 ✓";
    f.valid_signed(
        "a non-ASCII message, signed over its UTF-8 bytes",
        &[DOCUMENTED, SIGNED],
        SignPost::new(
            unicode,
            key.sign(unicode.as_bytes()).to_string(),
            WALLET_REF,
            ACCOUNT,
        )
        .to_json(),
        &[],
    );
    f.invalid(
        "protocol missing",
        &[HEADER, MISSING],
        edited(&base, json!({"protocol": null})),
        "protocol",
        "missing",
    );
    for member in ["message", "sign"] {
        f.invalid(
            &format!("{member} missing"),
            &[MISSING],
            edited(&base, json!({ member: null })),
            member,
            "missing",
        );
        f.invalid(
            &format!("{member} null"),
            &[TYPE],
            nulled(&base, member),
            member,
            "wrong-type",
        );
    }
    f.invalid(
        "account missing in both spellings",
        &[MISSING],
        edited(&base, json!({"account": null})),
        "account",
        "missing",
    );
    f.invalid(
        "Account not an EOSIO name",
        &[VALUE],
        renamed(
            &edited(&base, json!({"account": "qrc wallet"})),
            "account",
            "Account",
        ),
        "Account",
        "name-char",
    );
    f.group()
}

fn reply() -> TestGroup {
    let mut f = Family::new("simplewallet.reply", &["SW-L4"]);
    f.valid(
        "success: code 0, empty error",
        &[DOCUMENTED],
        Reply::success().to_json(),
        &[],
    );
    f.valid(
        "failure: code 1 with its text",
        &[DOCUMENTED],
        Reply::failure(1, "the uuID has expired").to_json(),
        &[],
    );
    f.valid(
        "the text as message, without error (MYKEY SDK docs)",
        &[QUIRK],
        json!({"code": 0, "message": ""}),
        &["reply-message-field"],
    );
    f.valid(
        "both error and message, as the digest recommends",
        &[DOCUMENTED],
        json!({"code": 2, "error": "signature mismatch", "message": "signature mismatch"}),
        &[],
    );
    f.valid(
        "an unknown member is ignored",
        &[EXTRA],
        json!({"code": 0, "error": "", "data": {"session": "s-1"}}),
        &[],
    );
    f.invalid(
        "code missing",
        &[MISSING],
        json!({"error": ""}),
        "code",
        "missing",
    );
    f.invalid(
        "code negative",
        &[VALUE],
        json!({"code": -1, "error": "no"}),
        "code",
        "invalid",
    );
    f.invalid(
        "code with a fraction",
        &[VALUE],
        json!({"code": 0.5, "error": ""}),
        "code",
        "invalid",
    );
    f.invalid(
        "code as a string",
        &[TYPE],
        json!({"code": "0", "error": ""}),
        "code",
        "wrong-type",
    );
    f.invalid(
        "neither error nor message",
        &[MISSING],
        json!({"code": 0}),
        "error",
        "missing",
    );
    f.invalid(
        "error a number",
        &[TYPE],
        json!({"code": 1, "error": 1}),
        "error",
        "wrong-type",
    );
    f.invalid(
        "message a number beside error",
        &[TYPE],
        json!({"code": 1, "error": "no", "message": 1}),
        "message",
        "wrong-type",
    );
    f.invalid(
        "a JSON array, not an object",
        &[TYPE],
        json!([0, ""]),
        "",
        "not-object",
    );
    f.group()
}

// ---------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------

/// A stable name of a quirk, as vectors list it.
pub fn quirk_name(quirk: &Quirk) -> String {
    match quirk {
        Quirk::CapitalisedAccount => "capitalised-account".into(),
        Quirk::CapitalisedRef => "capitalised-ref".into(),
        Quirk::TimestampAsString => "timestamp-as-string".into(),
        Quirk::TxIdSpelling(name) => format!("tx-id-spelling:{name}"),
        Quirk::ExpiredAsString => "expired-as-string".into(),
        Quirk::AmountAsString => "amount-as-string".into(),
        Quirk::PrecisionAsString => "precision-as-string".into(),
        Quirk::NotifyUrlSpelling(name) => format!("notify-url-spelling:{name}"),
        Quirk::ReplyMessageField => "reply-message-field".into(),
        Quirk::ContractRequestSpelling => "contract-request-spelling".into(),
    }
}

/// What the serde type made of a message: the quirks it tolerated, or the field and reason
/// of its refusal.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Accepted(Vec<String>),
    Refused {
        field: String,
        reason: String,
        message: String,
    },
}

fn outcome<T>(parsed: Result<(T, Vec<Quirk>), MessageError>) -> Outcome {
    match parsed {
        Ok((_, quirks)) => Outcome::Accepted(quirks.iter().map(quirk_name).collect()),
        Err(e) => Outcome::Refused {
            field: e.field().unwrap_or("").to_owned(),
            reason: e.kind().to_owned(),
            message: e.to_string(),
        },
    }
}

/// A request read from its text, held to the kind: another action is refused at `action`.
fn request_outcome(kind: &str, parsed: Result<(Request, Vec<Quirk>), MessageError>) -> Outcome {
    match parsed {
        Ok((request, _)) if request.schema_kind() != kind => Outcome::Refused {
            field: "action".into(),
            reason: "action".into(),
            message: format!("a {} request, not {kind}", request.action()),
        },
        other => outcome(other),
    }
}

/// The serde type's reading of the case, after checking that its `text` (if any) reads as
/// its `message`.
fn read(kind: &str, case: &TestCase, message: &Value) -> Result<Outcome, String> {
    Ok(match kind {
        "simplewallet.login.post" => outcome(LoginPost::parse(message)),
        "simplewallet.notify.post" => outcome(NotifyPost::parse(message)),
        "simplewallet.sign.post" => outcome(SignPost::parse(message)),
        "simplewallet.reply" => outcome(Reply::parse_with_quirks(message)),
        request if SCHEMA_KINDS.contains(&request) => {
            let parsed = Request::from_json_with_quirks(&message.to_string());
            if let Some(text) = case.inputs.get("text") {
                let text = text.as_str().ok_or("`text` is not a string")?;
                let from_text = Request::from_qr_text_with_quirks(text);
                if from_text != parsed {
                    return Err(format!(
                        "the QR text reads as {from_text:?}, the JSON as {parsed:?}"
                    ));
                }
            }
            request_outcome(request, parsed)
        }
        other => return Err(format!("unknown message kind `{other}`")),
    })
}

/// `actions[1].account` as the JSON pointer `/actions/1/account`; `""` stays the root.
fn pointer(field: &str) -> String {
    if field.is_empty() {
        return String::new();
    }
    let mut out = String::from("/");
    for c in field.chars() {
        match c {
            '.' | '[' => out.push('/'),
            ']' => {}
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `path` is `pointer` or lies inside it, segment-wise.
fn within(path: &str, pointer: &str) -> bool {
    path == pointer
        || path
            .strip_prefix(pointer)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// A valid signed POST must verify: over the login's signed string, or the signed message.
fn check_signature(kind: &str, case: &TestCase, message: &Value) -> Result<(), String> {
    let Some(key) = case.inputs.get("publicKey") else {
        return Ok(());
    };
    let key: PublicKey = key
        .as_str()
        .ok_or("`publicKey` is not a string")?
        .parse()
        .map_err(|e| format!("`publicKey`: {e}"))?;
    let (signed, sign) = match kind {
        "simplewallet.login.post" => {
            let (post, _) = LoginPost::parse(message).map_err(|e| e.to_string())?;
            (post.signed_string(), post.sign)
        }
        "simplewallet.sign.post" => {
            let (post, _) = SignPost::parse(message).map_err(|e| e.to_string())?;
            (post.message, post.sign)
        }
        other => return Err(format!("`publicKey` on a {other} case")),
    };
    let signature: Signature = sign.parse().map_err(|e| format!("`sign`: {e}"))?;
    signature
        .verify(signed.as_bytes(), &key)
        .map_err(|e| format!("`sign` over {signed:?}: {e}"))
}

/// Judges one case of `simplewallet/messages.json`: the schema of the group's kind and the
/// serde type must give the case's verdict; a valid case must raise exactly the quirks it
/// lists (and verify, when it names a `publicKey`); an invalid one must be refused by the
/// serde type at `breaks` for `reason`, and by the schema at or under that field.
pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    let kind = group
        .attributes
        .get("kind")
        .and_then(Value::as_str)
        .ok_or("the group has no string `kind`")?;
    let message = case.input("message")?;
    let violations = schema::validate(kind, message).map_err(|e| e.to_string())?;
    let listed = || {
        violations
            .iter()
            .map(|v| format!("`{}`: {}", v.instance_path, v.message))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let read = read(kind, case, message)?;
    match case.result {
        Valid => {
            if !violations.is_empty() {
                return Err(format!("the schema rejects a valid message: {}", listed()));
            }
            let quirks = match read {
                Outcome::Accepted(quirks) => quirks,
                Outcome::Refused { message, .. } => {
                    return Err(format!("the serde type rejects a valid message: {message}"))
                }
            };
            let mut want: Vec<String> = match case.inputs.get("quirks") {
                None => Vec::new(),
                Some(listed) => serde_json::from_value(listed.clone())
                    .map_err(|e| format!("`quirks` is not a list of names: {e}"))?,
            };
            let mut got = quirks;
            want.sort();
            got.sort();
            if want != got {
                return Err(format!("quirks recorded: {got:?}, listed: {want:?}"));
            }
            check_signature(kind, case, message)
        }
        Invalid => {
            let breaks = case.input_str("breaks")?;
            let reason = case.input_str("reason")?;
            if violations.is_empty() {
                return Err("the schema accepts an invalid message".into());
            }
            let at = pointer(breaks);
            // A field with two spellings is required, and kept to one spelling, by a
            // `oneOf`/`anyOf` over the object that holds it, so the schema reports those
            // two rejections at that object.
            let holder = match reason {
                "missing" | "both-spellings" => at.rfind('/').map(|i| &at[..i]),
                _ => None,
            };
            let placed = |path: &str| within(path, &at) || holder == Some(path);
            if !violations.iter().any(|v| placed(&v.instance_path)) {
                return Err(format!(
                    "no schema violation at or under `{at}`: {}",
                    listed()
                ));
            }
            match read {
                Outcome::Accepted(_) => Err("the serde type accepts an invalid message".into()),
                Outcome::Refused {
                    field,
                    reason: got,
                    message,
                } => {
                    if field != breaks || got != reason {
                        Err(format!(
                            "the serde type refuses `{field}` as `{got}` ({message}), expected \
                             `{breaks}` as `{reason}`"
                        ))
                    } else {
                        Ok(())
                    }
                }
            }
        }
        TestResult::Acceptable => Err("`acceptable` is not used by message vectors".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn one_group_per_schema_kind_in_order_each_with_valid_and_invalid_cases() {
        let file = build();
        let kinds: Vec<&str> = file
            .test_groups
            .iter()
            .map(|g| g.attributes["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, SCHEMA_KINDS);
        for group in &file.test_groups {
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
                    panic!("tcId {} and {other} share {:?}", case.tc_id, case.comment);
                }
            }
        }
        let unused: Vec<_> = explained.iter().filter(|f| !used.contains(**f)).collect();
        assert!(unused.is_empty(), "notes explain unused flags: {unused:?}");
    }

    #[test]
    fn the_file_is_deterministic_and_small() {
        let rendered = crate::vectors::render(&build());
        assert_eq!(rendered, crate::vectors::render(&build()));
        assert!(rendered.len() < 200_000, "{} bytes", rendered.len());
    }

    #[test]
    fn deep_links_use_both_space_escapes() {
        let file = build();
        let links: Vec<&str> = file
            .cases()
            .filter_map(|c| c.inputs.get("text").and_then(Value::as_str))
            .filter(|t| t.starts_with("simplewallet://"))
            .collect();
        assert!(links.iter().any(|l| l.contains("%20")));
        assert!(links.iter().any(|l| l.contains('+') && !l.contains("%20")));
    }

    fn find<'f>(file: &'f VectorFile, kind: &str, comment: &str) -> (&'f TestGroup, TestCase) {
        let group = file
            .test_groups
            .iter()
            .find(|g| g.attributes["kind"] == kind)
            .unwrap();
        let case = group.tests.iter().find(|c| c.comment == comment).unwrap();
        (group, case.clone())
    }

    #[test]
    fn the_check_catches_wrong_verdicts_reasons_fields_quirks_and_signatures() {
        let file = build();
        let (group, valid) = find(
            &file,
            "simplewallet.login.post",
            "the documented login POST",
        );
        check(group, &valid).unwrap();
        let mut flipped = valid.clone();
        flipped.result = Invalid;
        flipped.inputs.insert("breaks".into(), json!("sign"));
        flipped.inputs.insert("reason".into(), json!("invalid"));
        assert!(check(group, &flipped).is_err());

        let mut forged = valid.clone();
        let other = PrivateKey::from_seed("someone else").sign(b"x").to_string();
        forged.inputs["message"]["sign"] = json!(other);
        assert!(check(group, &forged).unwrap_err().contains("`sign`"));

        let (_, quirky) = find(&file, "simplewallet.login.post", "Ref capitalised alone");
        let mut unlisted = quirky.clone();
        unlisted.inputs.remove("quirks");
        assert!(check(group, &unlisted).unwrap_err().contains("quirks"));

        let (_, invalid) = find(&file, "simplewallet.login.post", "uuID empty");
        check(group, &invalid).unwrap();
        let mut elsewhere = invalid.clone();
        elsewhere.inputs.insert("breaks".into(), json!("sign"));
        assert!(check(group, &elsewhere).is_err());
        let mut other_reason = invalid;
        other_reason
            .inputs
            .insert("reason".into(), json!("missing"));
        assert!(check(group, &other_reason)
            .unwrap_err()
            .contains("`missing`"));

        let (group, link) = find(
            &file,
            "simplewallet.sign.request",
            "as a deep link, spaces as +",
        );
        let mut mismatched = link;
        mismatched.inputs["message"]["message"] = json!("another message");
        assert!(check(group, &mismatched).unwrap_err().contains("QR text"));
    }

    #[test]
    fn pointer_and_within_are_segment_wise() {
        assert_eq!(pointer("actions[1].account"), "/actions/1/account");
        assert_eq!(pointer("uuID"), "/uuID");
        assert_eq!(pointer(""), "");
        assert!(within("/actions/1/account", "/actions"));
        assert!(!within("/notifyUrlx", "/notifyUrl"));
    }
}
