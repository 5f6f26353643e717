//! Unit tests of the SimpleWallet messages: the MYKEY SDK samples, every field rule, the
//! deep-link codec, the login's signed string, the callback URL, the tolerated spellings,
//! agreement with the JSON Schemas, and no panic on truncated or garbage input.

use serde_json::{json, Value};

use super::*;
use crate::protocol::simplewallet::crypto::{PrivateKey, PublicKey, Signature};
use crate::schema::validate;

/// The MYKEY SDK sample login request JSON (digest §2.1; fastjson sorts the keys).
const MYKEY_LOGIN_JSON: &str = r#"{"action":"login","callback":"","dappIcon":"https://bihu.com/favicon.ico","dappName":"币乎","loginMemo":"备注信息","loginUrl":"http://172.16.11.168:8086/api/login/callback","protocol":"SimpleWallet","uuID":"dhsajkhdasjkhdklsah","version":"1.0"}"#;

/// The MYKEY SDK sample transfer request JSON (digest §2.1; fastjson sorts the keys).
const MYKEY_TRANSFER_JSON: &str = r#"{"action":"transfer","amount":1,"callback":"","contract":"eosio.token","dappData":"memo","dappIcon":"https://bihu.com/favicon.ico","dappName":"币乎","desc":"描述信息","from":"kddkkdskkkss","precision":4,"protocol":"SimpleWallet","symbol":"EOS","to":"zerochlworld","version":"1.0"}"#;

/// The MYKEY SDK sample transaction request JSON (digest §2.1; fastjson sorts the keys).
const MYKEY_TRANSACTION_JSON: &str = r#"{"action":"transaction","actions":[{"account":"eosio","data":{"payer":"kddkkdskkkss","quant":"1.0000 EOS","receiver":"kddkkdskkkss"},"info":"购买ram","name":"buyram"},{"account":"eosio.token","data":{"from":"kddkkdskkkss","memo":"测试测试","quantity":"0.0001 EOS","to":"zerochlworld"},"info":"转账到某某某","name":"transfer"}],"callback":"","dappIcon":"https://bihu.com/favicon.ico","dappName":"币乎","desc":"合约方法总描述","protocol":"SimpleWallet","version":"1.0"}"#;

/// The MYKEY SDK sample sign request JSON (digest §2.1; fastjson sorts the keys).
const MYKEY_SIGN_JSON: &str = r#"{"action":"sign","callback":"","dappIcon":"https://bihu.com/favicon.ico","dappName":"币乎","message":"你好你好，这里需要签名","protocol":"SimpleWallet","signUrl":"http://172.16.11.168:8086/api/login/callback","version":"1.0"}"#;

/// The same request as the SDK sample's deep link: `URLEncoder` form, lower-case escapes.
const MYKEY_LOGIN_LINK: &str = "simplewallet://eos.io?param=%7b%22action%22%3a%22login%22%2c%22callback%22%3a%22%22%2c%22dappIcon%22%3a%22https%3a%2f%2fbihu.com%2ffavicon.ico%22%2c%22dappName%22%3a%22%e5%b8%81%e4%b9%8e%22%2c%22loginMemo%22%3a%22%e5%a4%87%e6%b3%a8%e4%bf%a1%e6%81%af%22%2c%22loginUrl%22%3a%22http%3a%2f%2f172.16.11.168%3a8086%2fapi%2flogin%2fcallback%22%2c%22protocol%22%3a%22SimpleWallet%22%2c%22uuID%22%3a%22dhsajkhdasjkhdklsah%22%2c%22version%22%3a%221.0%22%7d";

/// The same request as the SDK sample's deep link: `URLEncoder` form, lower-case escapes.
const MYKEY_TRANSFER_LINK: &str = "simplewallet://eos.io?param=%7b%22action%22%3a%22transfer%22%2c%22amount%22%3a1%2c%22callback%22%3a%22%22%2c%22contract%22%3a%22eosio.token%22%2c%22dappData%22%3a%22memo%22%2c%22dappIcon%22%3a%22https%3a%2f%2fbihu.com%2ffavicon.ico%22%2c%22dappName%22%3a%22%e5%b8%81%e4%b9%8e%22%2c%22desc%22%3a%22%e6%8f%8f%e8%bf%b0%e4%bf%a1%e6%81%af%22%2c%22from%22%3a%22kddkkdskkkss%22%2c%22precision%22%3a4%2c%22protocol%22%3a%22SimpleWallet%22%2c%22symbol%22%3a%22EOS%22%2c%22to%22%3a%22zerochlworld%22%2c%22version%22%3a%221.0%22%7d";

/// The same request as the SDK sample's deep link: `URLEncoder` form, lower-case escapes.
const MYKEY_TRANSACTION_LINK: &str = "simplewallet://eos.io?param=%7b%22action%22%3a%22transaction%22%2c%22actions%22%3a%5b%7b%22account%22%3a%22eosio%22%2c%22data%22%3a%7b%22payer%22%3a%22kddkkdskkkss%22%2c%22quant%22%3a%221.0000+EOS%22%2c%22receiver%22%3a%22kddkkdskkkss%22%7d%2c%22info%22%3a%22%e8%b4%ad%e4%b9%b0ram%22%2c%22name%22%3a%22buyram%22%7d%2c%7b%22account%22%3a%22eosio.token%22%2c%22data%22%3a%7b%22from%22%3a%22kddkkdskkkss%22%2c%22memo%22%3a%22%e6%b5%8b%e8%af%95%e6%b5%8b%e8%af%95%22%2c%22quantity%22%3a%220.0001+EOS%22%2c%22to%22%3a%22zerochlworld%22%7d%2c%22info%22%3a%22%e8%bd%ac%e8%b4%a6%e5%88%b0%e6%9f%90%e6%9f%90%e6%9f%90%22%2c%22name%22%3a%22transfer%22%7d%5d%2c%22callback%22%3a%22%22%2c%22dappIcon%22%3a%22https%3a%2f%2fbihu.com%2ffavicon.ico%22%2c%22dappName%22%3a%22%e5%b8%81%e4%b9%8e%22%2c%22desc%22%3a%22%e5%90%88%e7%ba%a6%e6%96%b9%e6%b3%95%e6%80%bb%e6%8f%8f%e8%bf%b0%22%2c%22protocol%22%3a%22SimpleWallet%22%2c%22version%22%3a%221.0%22%7d";

/// The same request as the SDK sample's deep link: `URLEncoder` form, lower-case escapes.
const MYKEY_SIGN_LINK: &str = "simplewallet://eos.io?param=%7b%22action%22%3a%22sign%22%2c%22callback%22%3a%22%22%2c%22dappIcon%22%3a%22https%3a%2f%2fbihu.com%2ffavicon.ico%22%2c%22dappName%22%3a%22%e5%b8%81%e4%b9%8e%22%2c%22message%22%3a%22%e4%bd%a0%e5%a5%bd%e4%bd%a0%e5%a5%bd%ef%bc%8c%e8%bf%99%e9%87%8c%e9%9c%80%e8%a6%81%e7%ad%be%e5%90%8d%22%2c%22protocol%22%3a%22SimpleWallet%22%2c%22signUrl%22%3a%22http%3a%2f%2f172.16.11.168%3a8086%2fapi%2flogin%2fcallback%22%2c%22version%22%3a%221.0%22%7d";

const SAMPLES: [(&str, &str, &str); 4] = [
    ("login", MYKEY_LOGIN_JSON, MYKEY_LOGIN_LINK),
    ("transfer", MYKEY_TRANSFER_JSON, MYKEY_TRANSFER_LINK),
    (
        "transaction",
        MYKEY_TRANSACTION_JSON,
        MYKEY_TRANSACTION_LINK,
    ),
    ("sign", MYKEY_SIGN_JSON, MYKEY_SIGN_LINK),
];

fn schema_valid(kind: &str, value: &Value) -> bool {
    validate(kind, value).expect("known kind").is_empty()
}

/// A minimal valid request of each action, to break one field at a time.
fn base(action: &str) -> Value {
    let mut value = json!({"protocol": "SimpleWallet", "version": "1.0", "action": action});
    let members = match action {
        "login" => json!({"dappName": "d", "dappIcon": "i", "uuID": "u-1",
                          "loginUrl": "http://127.0.0.1/login", "expired": 1_700_000_000u64}),
        "transfer" => json!({"to": "alice", "amount": 1, "contract": "eosio.token",
                             "symbol": "EOS", "precision": 4}),
        "transaction" => json!({"actions": [{"account": "eosio.token", "name": "transfer",
            "data": {"from": "bob", "to": "alice", "quantity": "1.0000 EOS", "memo": ""}}]}),
        "sign" => json!({"message": "hello"}),
        _ => unreachable!("test actions"),
    };
    for (key, member) in members.as_object().unwrap() {
        value[key] = member.clone();
    }
    value
}

fn login_post() -> Value {
    json!({"protocol": "SimpleWallet", "version": "1.0", "timestamp": 1606900362u64,
           "sign": "SIG_K1_x", "uuID": "e9467118-9321-4916-8153-4a5a9087e51e",
           "account": "mykeydoctest", "ref": "mykey"})
}

fn notify_post() -> Value {
    json!({"protocol": "SimpleWallet", "version": "1.0", "tx_id": "ab".repeat(32),
           "ref": "mykey", "account": "mykeydoctest"})
}

fn sign_post() -> Value {
    json!({"protocol": "SimpleWallet", "version": "1.0", "message": "hello",
           "sign": "SIG_K1_x", "ref": "mykey", "account": "mykeydoctest"})
}

fn parse_request(value: &Value) -> Result<(Request, Vec<Quirk>), MessageError> {
    Request::from_json_with_quirks(&value.to_string())
}

fn request_error(value: &Value) -> MessageError {
    parse_request(value).expect_err("the request must be refused")
}

/// The error must be about `field` and of `kind`: a refusal for another reason fails.
#[track_caller]
fn assert_refused(error: &MessageError, field: &str, kind: &str) {
    assert_eq!(error.field(), Some(field), "{error}");
    assert_eq!(error.kind(), kind, "{error}");
    assert!(error.to_string().contains(field), "{error}");
}

// ---------------------------------------------------------------------------------------------
// The MYKEY SDK samples
// ---------------------------------------------------------------------------------------------

#[test]
fn the_sdk_deep_links_decode_byte_for_byte_to_their_json() {
    for (action, json_text, link) in SAMPLES {
        assert_eq!(text::deep_link_param(link).unwrap(), json_text, "{action}");
        let from_link = Request::from_qr_text(link).unwrap();
        let from_json = Request::from_qr_text(json_text).unwrap();
        assert_eq!(from_link, from_json, "{action}");
        assert_eq!(from_link.action(), action);
        assert!(schema_valid(
            from_link.schema_kind(),
            &serde_json::from_str(json_text).unwrap()
        ));
    }
}

#[test]
fn the_sdk_samples_read_as_documented() {
    let Request::Login(login) = Request::from_json(MYKEY_LOGIN_JSON).unwrap() else {
        panic!("not a login")
    };
    assert_eq!(login.dapp_name, "币乎");
    assert_eq!(login.uuid, "dhsajkhdasjkhdklsah");
    assert_eq!(
        login.login_url,
        "http://172.16.11.168:8086/api/login/callback"
    );
    assert_eq!(login.login_memo.as_deref(), Some("备注信息"));
    assert_eq!(login.expired, None);
    assert_eq!(login.callback.as_deref(), Some(""));

    let (request, quirks) = Request::from_json_with_quirks(MYKEY_TRANSFER_JSON).unwrap();
    assert_eq!(quirks, vec![]);
    // The empty callback of the samples means none.
    assert_eq!(request.callback(), None);
    let Request::Transfer(transfer) = request else {
        panic!("not a transfer")
    };
    assert_eq!(transfer.amount, "1");
    assert_eq!(transfer.quantity().unwrap().to_string(), "1.0000 EOS");
    assert_eq!(transfer.from.as_deref(), Some("kddkkdskkkss"));
    assert_eq!(transfer.to, "zerochlworld");
    assert_eq!(transfer.dapp_data.as_deref(), Some("memo"));

    let Request::Transaction(transaction) = Request::from_json(MYKEY_TRANSACTION_JSON).unwrap()
    else {
        panic!("not a transaction")
    };
    let names: Vec<_> = transaction
        .actions
        .iter()
        .map(|a| format!("{}::{}", a.account, a.name))
        .collect();
    assert_eq!(names, ["eosio::buyram", "eosio.token::transfer"]);
    assert_eq!(transaction.actions[0].data["quant"], "1.0000 EOS");
    assert_eq!(transaction.actions[1].info.as_deref(), Some("转账到某某某"));

    let (request, quirks) = Request::from_json_with_quirks(MYKEY_SIGN_JSON).unwrap();
    assert_eq!(quirks, vec![Quirk::NotifyUrlSpelling("signUrl".into())]);
    assert_eq!(
        request.post_url(),
        Some("http://172.16.11.168:8086/api/login/callback")
    );
    let Request::Sign(sign) = request else {
        panic!("not a sign request")
    };
    assert_eq!(sign.message, "你好你好，这里需要签名");
}

#[test]
fn every_request_survives_to_json_and_the_deep_link() {
    for (action, json_text, _) in SAMPLES {
        let request = Request::from_json(json_text).unwrap();
        let value = request.to_json();
        assert!(
            schema_valid(request.schema_kind(), &value),
            "{action}: {value}"
        );
        assert_eq!(value["protocol"], PROTOCOL);
        assert_eq!(value["action"], action);
        let (again, quirks) = Request::from_value(&value).unwrap();
        assert_eq!(again, request, "{action}");
        // The documented `notifyUrl` is what is written back, so no quirk is left.
        assert_eq!(quirks, vec![], "{action}");
        let link = request.to_deep_link();
        assert!(link.starts_with(DEEP_LINK_PREFIX));
        assert!(!link.contains('+'), "{link}");
        assert_eq!(Request::from_qr_text(&link).unwrap(), request, "{action}");
        assert_eq!(
            Request::from_json(&request.to_json_text()).unwrap(),
            request,
            "{action}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// SW-T2 and the common rules
// ---------------------------------------------------------------------------------------------

#[test]
fn protocol_version_and_action_are_fixed() {
    for action in ["login", "transfer", "transaction", "sign"] {
        assert!(parse_request(&base(action)).is_ok(), "{action}");
        let mut value = base(action);
        value["protocol"] = json!("simplewallet");
        assert_refused(&request_error(&value), "protocol", "protocol");
        let mut value = base(action);
        value["version"] = json!("1.0.1");
        assert_refused(&request_error(&value), "version", "version");
        let mut value = base(action);
        value["version"] = json!(1.0);
        assert_refused(&request_error(&value), "version", "wrong-type");
        let mut value = base(action);
        value.as_object_mut().unwrap().remove("protocol");
        assert_refused(&request_error(&value), "protocol", "missing");
    }
    let mut value = base("login");
    value["action"] = json!("signMessage");
    assert_refused(&request_error(&value), "action", "action");
    value.as_object_mut().unwrap().remove("action");
    assert_refused(&request_error(&value), "action", "missing");
}

#[test]
fn unknown_members_are_ignored_and_null_is_a_wrong_type() {
    let mut value = base("transfer");
    value["appKey"] = json!("k");
    value["orderId"] = json!(12);
    value["blockchain"] = json!("eosio");
    assert!(parse_request(&value).is_ok());
    value["desc"] = Value::Null;
    assert_refused(&request_error(&value), "desc", "wrong-type");
}

#[test]
fn a_request_must_be_a_json_object_within_the_size_limit() {
    assert_eq!(Request::from_json("[1]").unwrap_err().kind(), "not-object");
    assert_eq!(Request::from_json("{").unwrap_err().kind(), "not-json");
    let huge = format!("{{\"x\":\"{}\"}}", "a".repeat(MAX_TEXT_BYTES));
    assert_eq!(Request::from_json(&huge).unwrap_err().kind(), "too-long");
    assert_eq!(Request::from_qr_text(&huge).unwrap_err().kind(), "too-long");
}

// ---------------------------------------------------------------------------------------------
// SW-L1: login
// ---------------------------------------------------------------------------------------------

#[test]
fn login_requires_its_fields() {
    for field in ["dappName", "dappIcon", "uuID", "loginUrl"] {
        let mut value = base("login");
        value.as_object_mut().unwrap().remove(field);
        assert_refused(&request_error(&value), field, "missing");
        let mut value = base("login");
        value[field] = json!(7);
        assert_refused(&request_error(&value), field, "wrong-type");
    }
    let mut value = base("login");
    value["uuID"] = json!("");
    assert_refused(&request_error(&value), "uuID", "invalid");
    // The deep-link form has no `expired`; MYKEY adds `chain`.
    let mut value = base("login");
    value.as_object_mut().unwrap().remove("expired");
    value["chain"] = json!("EOS");
    value["callback"] = json!("app://x?action=login");
    let Request::Login(login) = parse_request(&value).unwrap().0 else {
        panic!("not a login")
    };
    assert_eq!(login.expired, None);
    assert_eq!(login.chain.as_deref(), Some("EOS"));
}

#[test]
fn expired_is_an_integer_or_a_digit_string_quirk() {
    let read = |expired: Value| {
        let mut value = base("login");
        value["expired"] = expired;
        parse_request(&value)
    };
    let (request, quirks) = read(json!(1_700_000_000u64)).unwrap();
    assert_eq!((request.expired(), quirks), (Some(1_700_000_000), vec![]));
    let (request, quirks) = read(json!(1.7e9)).unwrap();
    assert_eq!((request.expired(), quirks), (Some(1_700_000_000), vec![]));
    let (request, quirks) = read(json!("1700000000")).unwrap();
    assert_eq!(
        (request.expired(), quirks),
        (Some(1_700_000_000), vec![Quirk::ExpiredAsString])
    );
    for bad in [
        json!(-1),
        json!(1.5),
        json!(9_007_199_254_740_992u64),
        json!(""),
    ] {
        assert_refused(&read(bad.clone()).unwrap_err(), "expired", "invalid");
    }
    for bad in ["17e8", " 1", "-1", "1234567890123456"] {
        assert_refused(&read(json!(bad)).unwrap_err(), "expired", "invalid");
    }
    assert_refused(&read(json!(true)).unwrap_err(), "expired", "wrong-type");
}

// ---------------------------------------------------------------------------------------------
// SW-X1: transfer
// ---------------------------------------------------------------------------------------------

fn transfer_with(key: &str, member: Value) -> Result<(Request, Vec<Quirk>), MessageError> {
    let mut value = base("transfer");
    value[key] = member;
    parse_request(&value)
}

#[test]
fn transfer_requires_its_fields() {
    for field in ["to", "amount", "contract", "symbol", "precision"] {
        let mut value = base("transfer");
        value.as_object_mut().unwrap().remove(field);
        assert_refused(&request_error(&value), field, "missing");
    }
}

#[test]
fn the_amount_keeps_its_exact_text() {
    let text = r#"{"protocol":"SimpleWallet","version":"1.0","action":"transfer","to":"alice",
        "amount":1.0000,"contract":"eosio.token","symbol":"EOS","precision":4}"#;
    let Request::Transfer(transfer) = Request::from_json(text).unwrap() else {
        panic!("not a transfer")
    };
    assert_eq!(transfer.amount, "1.0000");
    assert_eq!(transfer.quantity().unwrap().to_string(), "1.0000 EOS");
    let request = Request::Transfer(transfer);
    assert!(request.to_json_text().contains(r#""amount":1.0000,"#));
    assert!(request.to_deep_link().contains("%22amount%22%3A1.0000%2C"));
    // A `Value` cannot carry trailing zeros: it is the number 1.0.
    assert_eq!(request.to_json()["amount"], json!(1.0));
    for (amount, expected) in [
        ("0.5", "0.5000 EOS"),
        ("12", "12.0000 EOS"),
        ("0.0001", "0.0001 EOS"),
    ] {
        let text = text.replace("1.0000", amount);
        let Request::Transfer(transfer) = Request::from_json(&text).unwrap() else {
            panic!("not a transfer")
        };
        assert_eq!(transfer.amount, amount);
        assert_eq!(transfer.quantity().unwrap().to_string(), expected);
    }
    // Nested members named `amount` and escaped keys do not confuse the reader.
    let nested = text.replace(
        r#""to":"alice","#,
        r#""x":{"amount":7},"y":["amount",2],"to":"alice","#,
    );
    let Request::Transfer(transfer) = Request::from_json(&nested).unwrap() else {
        panic!("not a transfer")
    };
    assert_eq!(transfer.amount, "1.0000");
    let escaped = text.replace(r#""amount":1.0000"#, r#""\u0061mount":2.50"#);
    let Request::Transfer(transfer) = Request::from_json(&escaped).unwrap() else {
        panic!("not a transfer")
    };
    assert_eq!(transfer.amount, "2.50");
}

#[test]
fn the_amount_must_be_a_plain_non_negative_decimal_within_precision() {
    let refused = |amount: Value, kind: &str| {
        let error = transfer_with("amount", amount.clone()).unwrap_err();
        assert_refused(&error, "amount", kind);
    };
    refused(json!(-1), "amount-negative");
    refused(json!("1e2"), "amount-exponent");
    refused(json!("-0.5"), "amount-negative");
    refused(json!("abc"), "amount-format");
    refused(json!(" 1"), "amount-format");
    refused(json!("1."), "amount-format");
    refused(json!("0.00001"), "amount-precision");
    refused(json!("4611686018427387904"), "amount-range");
    refused(json!(true), "wrong-type");
    // The exponent form of a JSON number is refused from its text.
    let text = base("transfer")
        .to_string()
        .replace(r#""amount":1"#, r#""amount":1E2"#);
    let error = Request::from_json(&text).unwrap_err();
    assert_refused(&error, "amount", "amount-exponent");
    // A string is tolerated with a quirk.
    let (request, quirks) = transfer_with("amount", json!("0.5")).unwrap();
    assert_eq!(quirks, vec![Quirk::AmountAsString]);
    let Request::Transfer(transfer) = request else {
        panic!("not a transfer")
    };
    assert_eq!(transfer.amount, "0.5");
}

#[test]
fn precision_symbol_and_account_names_are_checked() {
    assert!(transfer_with("precision", json!(18)).is_ok());
    assert!(transfer_with("precision", json!(0)).is_ok());
    assert_refused(
        &transfer_with("precision", json!(19)).unwrap_err(),
        "precision",
        "invalid",
    );
    assert_refused(
        &transfer_with("precision", json!(-1)).unwrap_err(),
        "precision",
        "invalid",
    );
    // A string of digits is tolerated, as a quirk; anything else in a string is not.
    let (_, quirks) = transfer_with("precision", json!("4")).unwrap();
    assert!(quirks.contains(&Quirk::PrecisionAsString), "{quirks:?}");
    for text in ["", "4.0", "-1", "019", " 4"] {
        assert_refused(
            &transfer_with("precision", json!(text)).unwrap_err(),
            "precision",
            "invalid",
        );
    }
    assert_refused(
        &transfer_with("precision", json!("19")).unwrap_err(),
        "precision",
        "invalid",
    );
    assert_refused(
        &transfer_with("precision", json!(true)).unwrap_err(),
        "precision",
        "wrong-type",
    );
    assert_refused(
        &transfer_with("symbol", json!("eos")).unwrap_err(),
        "symbol",
        "symbol-code",
    );
    assert_refused(
        &transfer_with("symbol", json!("ABCDEFGH")).unwrap_err(),
        "symbol",
        "symbol-code",
    );
    for field in ["to", "contract", "from"] {
        assert_refused(
            &transfer_with(field, json!("Alice")).unwrap_err(),
            field,
            "name-char",
        );
        assert_refused(
            &transfer_with(field, json!("")).unwrap_err(),
            field,
            "name-empty",
        );
        assert_refused(
            &transfer_with(field, json!("abcdefghijklmn")).unwrap_err(),
            field,
            "name-length",
        );
        assert_refused(
            &transfer_with(field, json!("alice.")).unwrap_err(),
            field,
            "name-not-normalized",
        );
        assert_refused(
            &transfer_with(field, json!(1)).unwrap_err(),
            field,
            "wrong-type",
        );
    }
}

#[test]
fn the_notify_url_has_one_spelling_at_a_time() {
    let (request, quirks) = transfer_with("notifyUrl", json!("http://d/n")).unwrap();
    assert_eq!((request.post_url(), quirks), (Some("http://d/n"), vec![]));
    let (request, quirks) = transfer_with("transferUrl", json!("http://d/t")).unwrap();
    assert_eq!(
        (request.post_url(), quirks),
        (
            Some("http://d/t"),
            vec![Quirk::NotifyUrlSpelling("transferUrl".into())]
        )
    );
    let mut value = base("transfer");
    value["notifyUrl"] = json!("http://d/n");
    value["transferUrl"] = json!("http://d/t");
    assert_refused(&request_error(&value), "notifyUrl", "both-spellings");
    // Another action's SDK name is just an unknown member.
    let (request, quirks) = transfer_with("signUrl", json!("http://d/s")).unwrap();
    assert_eq!((request.post_url(), quirks), (None, vec![]));
    let mut value = base("transaction");
    value["contractUrl"] = json!("http://d/c");
    let (request, quirks) = parse_request(&value).unwrap();
    assert_eq!(request.post_url(), Some("http://d/c"));
    assert_eq!(quirks, vec![Quirk::NotifyUrlSpelling("contractUrl".into())]);
}

// ---------------------------------------------------------------------------------------------
// SW-X2, SW-S1: transaction and sign
// ---------------------------------------------------------------------------------------------

#[test]
fn contract_request_is_read_as_actions_with_a_quirk_and_never_beside_them() {
    let documented = base("transaction");
    let mut value = documented.clone();
    let actions = value.as_object_mut().unwrap().remove("actions").unwrap();
    value["ContractRequest"] = actions.clone();
    let (request, quirks) = parse_request(&value).unwrap();
    assert_eq!(quirks, vec![Quirk::ContractRequestSpelling]);
    assert_eq!(request, parse_request(&documented).unwrap().0);
    assert_eq!(
        request.to_json()["actions"],
        actions,
        "written as documented"
    );
    let schema = |v: &Value| {
        crate::schema::validate("simplewallet.transaction.request", v)
            .unwrap()
            .is_empty()
    };
    assert!(schema(&value) && schema(&documented));
    let mut both = documented.clone();
    both["ContractRequest"] = actions;
    assert_refused(&request_error(&both), "actions", "both-spellings");
    assert!(!schema(&both));
    let mut neither = documented;
    neither.as_object_mut().unwrap().remove("actions");
    assert_refused(&request_error(&neither), "actions", "missing");
    assert!(!schema(&neither));
    let mut empty = value;
    empty["ContractRequest"] = json!([]);
    assert_refused(&request_error(&empty), "ContractRequest", "invalid");
    assert!(!schema(&empty));
}

#[test]
fn transaction_actions_are_checked_one_by_one() {
    let mut value = base("transaction");
    value["actions"] = json!([]);
    assert_refused(&request_error(&value), "actions", "invalid");
    value["actions"] = json!({});
    assert_refused(&request_error(&value), "actions", "wrong-type");
    value["actions"] = json!([{"account": "eosio", "name": "buyram", "data": {}}, 3]);
    assert_refused(&request_error(&value), "actions[1]", "wrong-type");
    value["actions"] = json!([{"account": "eosio", "name": "buyram", "data": {}},
                              {"account": "EOSIO", "name": "x", "data": {}}]);
    assert_refused(&request_error(&value), "actions[1].account", "name-char");
    value["actions"] = json!([{"account": "eosio", "name": "buy_ram", "data": {}}]);
    assert_refused(&request_error(&value), "actions[0].name", "name-char");
    value["actions"] = json!([{"account": "eosio", "name": "buyram", "data": "{}"}]);
    assert_refused(&request_error(&value), "actions[0].data", "wrong-type");
    value["actions"] = json!([{"account": "eosio", "name": "buyram"}]);
    assert_refused(&request_error(&value), "actions[0].data", "missing");
    value["actions"] = json!([{"account": "eosio", "name": "buyram", "info": 1, "data": {}}]);
    assert_refused(&request_error(&value), "actions[0].info", "wrong-type");
}

#[test]
fn sign_requires_a_message() {
    let mut value = base("sign");
    value.as_object_mut().unwrap().remove("message");
    assert_refused(&request_error(&value), "message", "missing");
    value["message"] = json!(["x"]);
    assert_refused(&request_error(&value), "message", "wrong-type");
}

// ---------------------------------------------------------------------------------------------
// SW-T1: deep links
// ---------------------------------------------------------------------------------------------

/// `link` with the hex digits of every percent escape in lower case, the rest unchanged.
fn lower_case_escapes(link: &str) -> String {
    let mut out = String::new();
    let mut rest = link;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..=at]);
        let escape = &rest[at + 1..at + 3];
        out.push_str(&escape.to_lowercase());
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

#[test]
fn deep_links_accept_plus_and_percent_20_in_either_hex_case() {
    let json_text =
        r#"{"protocol":"SimpleWallet","version":"1.0","action":"sign","message":"a b+c"}"#;
    let plus = "simplewallet://eos.io?param=%7B%22protocol%22%3A%22SimpleWallet%22%2C%22version%22%3A%221.0%22%2C%22action%22%3A%22sign%22%2C%22message%22%3A%22a+b%2Bc%22%7D";
    let percent = plus.replace("a+b", "a%20b");
    let lower = lower_case_escapes(&percent);
    for link in [plus.to_owned(), percent, lower] {
        assert_eq!(text::deep_link_param(&link).unwrap(), json_text, "{link}");
        let Request::Sign(sign) = Request::from_qr_text(&link).unwrap() else {
            panic!("not a sign request")
        };
        assert_eq!(sign.message, "a b+c");
    }
}

#[test]
fn deep_link_round_trip_escapes_spaces_as_percent_20() {
    let mut value = base("sign");
    value["message"] = json!("hello world & more = 100% +");
    value["callback"] = json!("app://x?a=1&b=2");
    let request = parse_request(&value).unwrap().0;
    let link = request.to_deep_link();
    assert!(link.contains("%20"), "{link}");
    assert!(
        !link.contains(' ') && !link.contains('+') && !link.contains('&'),
        "{link}"
    );
    assert_eq!(Request::from_qr_text(&link).unwrap(), request);
    // A `+` form of the same link reads the same.
    assert_eq!(
        Request::from_qr_text(&link.replace("%20", "+")).unwrap(),
        request
    );
}

#[test]
fn deep_link_forms_and_errors() {
    let json_param = crate::protocol::encode_uri_component(&base("sign").to_string());
    let ok = |link: String| Request::from_qr_text(&link).map(|r| r.action());
    assert_eq!(
        ok(format!("simplewallet://eos.io/?param={json_param}")),
        Ok("sign")
    );
    assert_eq!(
        ok(format!("SimpleWallet://eos.io?x=1&param={json_param}&y")),
        Ok("sign")
    );
    assert_eq!(
        ok(format!("  simplewallet://eos.io?param={json_param}#f \n")),
        Ok("sign")
    );
    let bad = |link: String| {
        let error = Request::from_qr_text(&link).unwrap_err();
        assert_eq!(error.kind(), "deep-link", "{link}: {error}");
        error.to_string()
    };
    assert!(bad("simplewallet://eos.io".into()).contains("`?`"));
    assert!(bad("simplewallet://eos.io?x=1".into()).contains("no `param`"));
    assert!(
        bad(format!("simplewallet://eos.io?param={json_param}&param=1")).contains("more than one")
    );
    assert!(bad("simplewallet://eos.io?param=%7".into()).contains("`%7`"));
    assert!(bad("simplewallet://eos.io?param=%zz".into()).contains("`%zz`"));
    assert!(bad("simplewallet://eos.io?param=%ff".into()).contains("UTF-8"));
    assert!(bad("simplewallet://eos.iox?param=1".into()).contains("`?`"));
    assert!(bad("simplewallet://other.host?param=1".into()).contains("does not start with"));
    assert!(bad("SIMPLEWALLET:x".into()).contains("does not start with"));
    // Other schemes are not deep links; they are read as JSON and refused as such.
    let error = Request::from_qr_text(&format!("mathwallet://mathwallet.org?param={json_param}"));
    assert_eq!(error.unwrap_err().kind(), "not-json");
}

// ---------------------------------------------------------------------------------------------
// SW-L2, SW-L3: the login POST
// ---------------------------------------------------------------------------------------------

#[test]
fn login_signed_string_matches_the_published_vectors() {
    // Digest §3.3: the real MYKEY mainnet login, whose signature also covers mykeyUID.
    let signed = login_signed_string(
        "1606900362",
        "mykeydoctest",
        "e9467118-9321-4916-8153-4a5a9087e51e",
        "mykey",
    );
    assert_eq!(
        signed,
        "1606900362mykeydocteste9467118-9321-4916-8153-4a5a9087e51emykey"
    );
    let with_uid = format!("{signed}E87E3CC788C44BB8544003AF6CEB62E8");
    let signature: Signature = "SIG_K1_KcMxF6rNee2jsM9fge5CZWiENU4j6YLsHgKHD7n9TWvvhLSBtHE8rHV641sVdrw3JRcvCjBtGPRBHSBxzMubzw8DYVnk2e".parse().unwrap();
    let key: PublicKey = "EOS6XmD7NK12LnmtXHtdnReTYbgRV1JPeo1M1BQvrHgnz6J1nNCFZ"
        .parse()
        .unwrap();
    assert_eq!(signature.recover(with_uid.as_bytes()).unwrap(), key);

    // Digest §3.4: the dev key's login, signed as eosjs-ecc 4.0.7 signs.
    let (post, quirks) = LoginPost::parse(&json!({
        "protocol": "SimpleWallet", "version": "1.0", "timestamp": 1546613919u64,
        "sign": "SIG_K1_K8cWuMtP7YaFivQmsMqJJHJeQcHZVtB2k9vTesPuyZZNWgFn8XXqhBU9r5Erb1fZYM2rAsnshPfae3aZrek11NSoqh5F3k",
        "uuID": "e9467118-9321-4916-8153-4a5a9087e51e", "account": "testaccount1", "ref": "MockWallet"
    }))
    .unwrap();
    assert_eq!(quirks, vec![]);
    assert_eq!(
        post.signed_string(),
        "1546613919testaccount1e9467118-9321-4916-8153-4a5a9087e51eMockWallet"
    );
    let private =
        PrivateKey::from_wif("5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3").unwrap();
    assert_eq!(
        private.sign(post.signed_string().as_bytes()).to_string(),
        post.sign
    );
    let signature: Signature = post.sign.parse().unwrap();
    signature
        .verify(post.signed_string().as_bytes(), &private.public_key())
        .unwrap();
}

#[test]
fn login_post_reads_the_documented_form_and_writes_it_back() {
    let body = login_post();
    let (post, quirks) = LoginPost::parse(&body).unwrap();
    assert_eq!(quirks, vec![]);
    assert_eq!(post.timestamp, "1606900362");
    assert_eq!(post.wallet_ref, "mykey");
    assert_eq!(post.to_json(), body);
    let built = LoginPost::new(
        "1606900362",
        "SIG_K1_x",
        "e9467118-9321-4916-8153-4a5a9087e51e",
        "mykeydoctest",
        "mykey",
    );
    assert_eq!(built, post);
}

#[test]
fn login_post_tolerates_capitalised_keys_and_a_string_timestamp() {
    let mut body = login_post();
    let map = body.as_object_mut().unwrap();
    let account = map.remove("account").unwrap();
    let wallet_ref = map.remove("ref").unwrap();
    map.insert("Account".into(), account);
    map.insert("Ref".into(), wallet_ref);
    map.insert("timestamp".into(), json!("1606900362"));
    let (post, quirks) = LoginPost::parse(&body).unwrap();
    assert_eq!(
        quirks,
        vec![
            Quirk::TimestampAsString,
            Quirk::CapitalisedAccount,
            Quirk::CapitalisedRef
        ]
    );
    assert_eq!(post.account, "mykeydoctest");
    assert_eq!(post.wallet_ref, "mykey");
    // Written back in the documented form.
    assert_eq!(post.to_json(), login_post());
    for quirk in quirks {
        assert!(quirk.describe().contains('`'), "{quirk:?}");
    }
    // Both spellings at once are ambiguous.
    let mut body = login_post();
    body["Account"] = json!("other");
    let error = LoginPost::parse(&body).unwrap_err();
    assert_refused(&error, "account", "both-spellings");
    assert!(error.to_string().contains("`Account`"));
    let mut body = login_post();
    body["Ref"] = json!("x");
    assert_refused(
        &LoginPost::parse(&body).unwrap_err(),
        "ref",
        "both-spellings",
    );
}

#[test]
fn the_timestamp_keeps_its_digits_and_refuses_other_forms() {
    let read = |timestamp: Value| {
        let mut body = login_post();
        body["timestamp"] = timestamp;
        LoginPost::parse(&body)
    };
    // Leading zeros in the string form are signed as sent, so they are kept.
    assert_eq!(
        read(json!("0001606900362")).unwrap().0.timestamp,
        "0001606900362"
    );
    assert_eq!(read(json!(0)).unwrap().0.timestamp, "0");
    for bad in [
        json!(1.6e9),
        json!(1606900362.0),
        json!(-1),
        json!("1.6e9"),
        json!("-1"),
        json!(" 1606900362"),
        json!(""),
        json!("160690036200000000000"),
    ] {
        assert_refused(&read(bad.clone()).unwrap_err(), "timestamp", "invalid");
    }
    assert_refused(&read(json!(null)).unwrap_err(), "timestamp", "wrong-type");
    let mut body = login_post();
    body.as_object_mut().unwrap().remove("timestamp");
    assert_refused(
        &LoginPost::parse(&body).unwrap_err(),
        "timestamp",
        "missing",
    );
}

#[test]
fn login_post_requires_its_fields() {
    for field in [
        "protocol",
        "version",
        "timestamp",
        "sign",
        "uuID",
        "account",
        "ref",
    ] {
        let mut body = login_post();
        body.as_object_mut().unwrap().remove(field);
        assert_refused(&LoginPost::parse(&body).unwrap_err(), field, "missing");
    }
    let mut body = login_post();
    body["account"] = json!("MyKey");
    assert_refused(
        &LoginPost::parse(&body).unwrap_err(),
        "account",
        "name-char",
    );
    let mut body = login_post();
    body["sign"] = json!(1);
    assert_refused(&LoginPost::parse(&body).unwrap_err(), "sign", "wrong-type");
    let mut body = login_post();
    body["protocol"] = json!("MYKEYSimple");
    assert_refused(
        &LoginPost::parse(&body).unwrap_err(),
        "protocol",
        "protocol",
    );
    assert_eq!(
        LoginPost::parse(&json!("x")).unwrap_err().kind(),
        "not-object"
    );
}

// ---------------------------------------------------------------------------------------------
// SW-X3, SW-S1: notify and sign POSTs
// ---------------------------------------------------------------------------------------------

#[test]
fn all_three_tx_id_spellings_are_read() {
    let tx_id = "ab".repeat(32);
    for (key, quirk) in [
        ("tx_id", None),
        ("txID", Some(Quirk::TxIdSpelling("txID".into()))),
        ("txId", Some(Quirk::TxIdSpelling("txId".into()))),
    ] {
        let mut body = notify_post();
        let map = body.as_object_mut().unwrap();
        map.remove("tx_id");
        map.insert(key.into(), json!(tx_id));
        let (post, quirks) = NotifyPost::parse(&body).unwrap();
        assert_eq!(post.tx_id, tx_id, "{key}");
        assert_eq!(quirks, quirk.into_iter().collect::<Vec<_>>(), "{key}");
        assert_eq!(post.to_json(), notify_post(), "{key}");
        assert!(schema_valid("simplewallet.notify.post", &body), "{key}");
    }
    let mut body = notify_post();
    body["txID"] = json!(tx_id);
    assert_refused(
        &NotifyPost::parse(&body).unwrap_err(),
        "tx_id",
        "both-spellings",
    );
    let mut body = notify_post();
    body["tx_id"] = json!("ab".repeat(31));
    assert_refused(&NotifyPost::parse(&body).unwrap_err(), "tx_id", "invalid");
    body.as_object_mut().unwrap().remove("tx_id");
    assert_refused(&NotifyPost::parse(&body).unwrap_err(), "tx_id", "missing");
    assert_eq!(
        NotifyPost::new(tx_id, "mykey", "mykeydoctest").to_json(),
        notify_post()
    );
}

#[test]
fn notify_and_sign_posts_tolerate_capitalised_keys() {
    for body in [notify_post(), sign_post()] {
        let mut capitalised = body.clone();
        let map = capitalised.as_object_mut().unwrap();
        let account = map.remove("account").unwrap();
        map.insert("Account".into(), account);
        let wallet_ref = map.remove("ref").unwrap();
        map.insert("Ref".into(), wallet_ref);
        let quirks = if body.get("message").is_some() {
            let (post, quirks) = SignPost::parse(&capitalised).unwrap();
            assert_eq!(post.to_json(), body);
            quirks
        } else {
            let (post, quirks) = NotifyPost::parse(&capitalised).unwrap();
            assert_eq!(post.to_json(), body);
            quirks
        };
        assert_eq!(
            quirks,
            vec![Quirk::CapitalisedRef, Quirk::CapitalisedAccount]
        );
    }
}

#[test]
fn sign_post_reads_and_writes_the_documented_form() {
    let (post, quirks) = SignPost::parse(&sign_post()).unwrap();
    assert_eq!(quirks, vec![]);
    assert_eq!(
        post,
        SignPost::new("hello", "SIG_K1_x", "mykey", "mykeydoctest")
    );
    assert_eq!(post.to_json(), sign_post());
    for field in ["message", "sign", "ref", "account"] {
        let mut body = sign_post();
        body.as_object_mut().unwrap().remove(field);
        assert_refused(&SignPost::parse(&body).unwrap_err(), field, "missing");
    }
}

// ---------------------------------------------------------------------------------------------
// SW-L4: the reply
// ---------------------------------------------------------------------------------------------

#[test]
fn reply_reads_code_and_error_and_tolerates_message() {
    assert_eq!(Reply::success().to_json(), json!({"code": 0, "error": ""}));
    assert!(Reply::success().is_success());
    let failure = Reply::failure(3, "uuID reused");
    assert!(!failure.is_success());
    assert_eq!(Reply::parse(&failure.to_json()).unwrap(), failure);
    let (reply, quirks) = Reply::parse_with_quirks(&json!({"code": 0, "message": "ok"})).unwrap();
    assert_eq!(
        (reply.error.as_str(), quirks),
        ("ok", vec![Quirk::ReplyMessageField])
    );
    let (reply, quirks) =
        Reply::parse_with_quirks(&json!({"code": 0, "error": "", "message": "m"})).unwrap();
    assert_eq!((reply, quirks), (Reply::success(), vec![]));
    assert_refused(
        &Reply::parse(&json!({"code": 0})).unwrap_err(),
        "error",
        "missing",
    );
    assert_refused(
        &Reply::parse(&json!({"error": ""})).unwrap_err(),
        "code",
        "missing",
    );
    assert_refused(
        &Reply::parse(&json!({"code": -1, "error": ""})).unwrap_err(),
        "code",
        "invalid",
    );
    assert_refused(
        &Reply::parse(&json!({"code": 0.5, "error": ""})).unwrap_err(),
        "code",
        "invalid",
    );
    assert_refused(
        &Reply::parse(&json!({"code": "0", "error": ""})).unwrap_err(),
        "code",
        "wrong-type",
    );
    assert_refused(
        &Reply::parse(&json!({"code": 0, "error": 0})).unwrap_err(),
        "error",
        "wrong-type",
    );
    assert_eq!(
        Reply::parse(&json!({"code": 1.0, "error": "x"}))
            .unwrap()
            .code,
        1
    );
}

// ---------------------------------------------------------------------------------------------
// The callback URL
// ---------------------------------------------------------------------------------------------

#[test]
fn callback_url_appends_result_and_tx_id() {
    let tx = "ab".repeat(32);
    assert_eq!(
        callback_url(
            "appABC://abc.com?action=login",
            CallbackResult::Success,
            None
        ),
        "appABC://abc.com?action=login&result=1"
    );
    assert_eq!(
        callback_url(
            "https://abc.com?action=login&qrcID=123",
            CallbackResult::Success,
            Some(&tx)
        ),
        format!("https://abc.com?action=login&qrcID=123&result=1&txID={tx}")
    );
    assert_eq!(
        callback_url("app://x", CallbackResult::Cancelled, None),
        "app://x?result=0"
    );
    assert_eq!(
        callback_url("app://x?", CallbackResult::Failure, None),
        "app://x?result=2"
    );
    assert_eq!(
        callback_url("app://x?a=1&", CallbackResult::Failure, None),
        "app://x?a=1&result=2"
    );
    assert_eq!(
        callback_url("app://x/p#frag", CallbackResult::Success, Some("a b")),
        "app://x/p?result=1&txID=a%20b#frag"
    );
    for code in 0..3 {
        assert_eq!(CallbackResult::from_code(code).unwrap().code() as u64, code);
    }
    assert_eq!(CallbackResult::from_code(3), None);
}

#[test]
fn callback_returns_read_back_what_callback_url_wrote() {
    let tx = "ab".repeat(32);
    for (result, tx_id) in [
        (CallbackResult::Success, Some(tx.as_str())),
        (CallbackResult::Cancelled, None),
        (CallbackResult::Failure, None),
    ] {
        let url = callback_url("app://x?action=transfer&result=9#f", result, tx_id);
        let read = CallbackReturn::parse(&url).unwrap();
        assert_eq!(read.result, result, "{url}");
        assert_eq!(read.tx_id.as_deref(), tx_id, "{url}");
        assert_eq!(read.quirks, vec![], "{url}");
    }
    let read = CallbackReturn::parse(&format!("app://x?result=1&txId={tx}")).unwrap();
    assert_eq!(read.tx_id.as_deref(), Some(tx.as_str()));
    assert_eq!(read.quirks, vec![Quirk::TxIdSpelling("txId".into())]);
    assert_refused(
        &CallbackReturn::parse("app://x?a=1").unwrap_err(),
        "result",
        "missing",
    );
    assert_refused(
        &CallbackReturn::parse("app://x?result=3").unwrap_err(),
        "result",
        "invalid",
    );
    assert_refused(
        &CallbackReturn::parse("app://x?result=").unwrap_err(),
        "result",
        "invalid",
    );
    assert_refused(
        &CallbackReturn::parse("app://x?result=1&txID=%zz").unwrap_err(),
        "txID",
        "invalid",
    );
}

// ---------------------------------------------------------------------------------------------
// The schemas
// ---------------------------------------------------------------------------------------------

/// Reads `value` as the message `kind` names, with the serde type's rules.
fn type_accepts(kind: &str, value: &Value) -> bool {
    match kind {
        "simplewallet.login.post" => LoginPost::parse(value).is_ok(),
        "simplewallet.notify.post" => NotifyPost::parse(value).is_ok(),
        "simplewallet.sign.post" => SignPost::parse(value).is_ok(),
        "simplewallet.reply" => Reply::parse(value).is_ok(),
        request => Request::from_json(&value.to_string()).is_ok_and(|r| r.schema_kind() == request),
    }
}

/// `base` with `edits` applied: a `null` edit removes the member.
fn edited(base: &Value, edits: Value) -> Value {
    let mut value = base.clone();
    for (key, edit) in edits.as_object().unwrap() {
        let map = value.as_object_mut().unwrap();
        if edit.is_null() {
            map.remove(key);
        } else {
            map.insert(key.clone(), edit.clone());
        }
    }
    value
}

#[test]
fn the_serde_types_and_the_schemas_agree() {
    let login = base("login");
    let transfer = base("transfer");
    let transaction = base("transaction");
    let sign = base("sign");
    let tx = "ab".repeat(32);
    let mut cases: Vec<(&str, Value, bool)> = vec![
        ("simplewallet.login.request", login.clone(), true),
        (
            "simplewallet.login.request",
            edited(
                &login,
                json!({"expired": null, "loginMemo": "m", "chain": "ANY", "callback": "", "appKey": 1}),
            ),
            true,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"expired": "1700000000"})),
            true,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"expired": "1700000000000000"})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"expired": -1})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"expired": 1.5})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"uuID": ""})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"uuID": null})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"loginUrl": null})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"dappName": 1})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"protocol": "SimpleWallet2"})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"version": "1.1"})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"action": "transfer"})),
            false,
        ),
        (
            "simplewallet.login.request",
            edited(&login, json!({"chain": null, "loginMemo": false})),
            false,
        ),
        ("simplewallet.transfer.request", transfer.clone(), true),
        (
            "simplewallet.transfer.request",
            edited(
                &transfer,
                json!({"amount": 0.5, "from": "bob", "dappData": "k=v", "desc": "d", "transferUrl": "http://n"}),
            ),
            true,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"amount": "12.3400"})),
            true,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"amount": "1e3"})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"amount": -1})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"amount": "-1"})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"amount": null})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"precision": 19})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"precision": 18})),
            true,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"precision": "4"})),
            true,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"precision": "19"})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"precision": "4.0"})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"symbol": "Eos"})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"to": "a.b.c"})),
            true,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"to": "abcdefghijklj"})),
            true,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"to": "abcdefghijklk"})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"to": "a."})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"contract": "eosio_token"})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(&transfer, json!({"from": ""})),
            false,
        ),
        (
            "simplewallet.transfer.request",
            edited(
                &transfer,
                json!({"notifyUrl": "http://a", "transferUrl": "http://b"}),
            ),
            false,
        ),
        (
            "simplewallet.transaction.request",
            transaction.clone(),
            true,
        ),
        (
            "simplewallet.transaction.request",
            serde_json::from_str(MYKEY_TRANSACTION_JSON).unwrap(),
            true,
        ),
        (
            "simplewallet.transaction.request",
            edited(&transaction, json!({"actions": []})),
            false,
        ),
        (
            "simplewallet.transaction.request",
            edited(
                &transaction,
                json!({"actions": [{"account": "eosio", "name": "x"}]}),
            ),
            false,
        ),
        (
            "simplewallet.transaction.request",
            edited(
                &transaction,
                json!({"actions": [{"account": "eosio", "name": "x", "data": []}]}),
            ),
            false,
        ),
        (
            "simplewallet.transaction.request",
            edited(&transaction, json!({"contractUrl": "http://c"})),
            true,
        ),
        (
            "simplewallet.transaction.request",
            edited(
                &transaction,
                json!({"contractUrl": "http://c", "notifyUrl": "http://c"}),
            ),
            false,
        ),
        ("simplewallet.sign.request", sign.clone(), true),
        (
            "simplewallet.sign.request",
            serde_json::from_str(MYKEY_SIGN_JSON).unwrap(),
            true,
        ),
        (
            "simplewallet.sign.request",
            edited(&sign, json!({"message": null})),
            false,
        ),
        (
            "simplewallet.sign.request",
            edited(&sign, json!({"signUrl": 1})),
            false,
        ),
        ("simplewallet.login.post", login_post(), true),
        (
            "simplewallet.login.post",
            edited(
                &login_post(),
                json!({"timestamp": "1606900362", "account": null, "Account": "mykeydoctest", "ref": null, "Ref": "mykey"}),
            ),
            true,
        ),
        (
            "simplewallet.login.post",
            edited(&login_post(), json!({"Account": "mykeydoctest"})),
            false,
        ),
        (
            "simplewallet.login.post",
            edited(&login_post(), json!({"account": null})),
            false,
        ),
        (
            "simplewallet.login.post",
            edited(&login_post(), json!({"ref": null})),
            false,
        ),
        (
            "simplewallet.login.post",
            edited(&login_post(), json!({"timestamp": "1.6e9"})),
            false,
        ),
        (
            "simplewallet.login.post",
            edited(&login_post(), json!({"timestamp": -5})),
            false,
        ),
        (
            "simplewallet.login.post",
            edited(&login_post(), json!({"timestamp": true})),
            false,
        ),
        (
            "simplewallet.login.post",
            edited(&login_post(), json!({"uuID": ""})),
            false,
        ),
        (
            "simplewallet.login.post",
            edited(&login_post(), json!({"sign": null})),
            false,
        ),
        (
            "simplewallet.login.post",
            edited(&login_post(), json!({"version": "1.0.1"})),
            false,
        ),
        ("simplewallet.notify.post", notify_post(), true),
        (
            "simplewallet.notify.post",
            edited(&notify_post(), json!({"tx_id": null, "txId": tx})),
            true,
        ),
        (
            "simplewallet.notify.post",
            edited(&notify_post(), json!({"tx_id": null})),
            false,
        ),
        (
            "simplewallet.notify.post",
            edited(&notify_post(), json!({"txId": tx})),
            false,
        ),
        (
            "simplewallet.notify.post",
            edited(&notify_post(), json!({"tx_id": "xyz"})),
            false,
        ),
        (
            "simplewallet.notify.post",
            edited(&notify_post(), json!({"account": "A"})),
            false,
        ),
        ("simplewallet.sign.post", sign_post(), true),
        (
            "simplewallet.sign.post",
            edited(&sign_post(), json!({"message": null})),
            false,
        ),
        (
            "simplewallet.sign.post",
            edited(&sign_post(), json!({"Ref": "x"})),
            false,
        ),
        ("simplewallet.reply", json!({"code": 0, "error": ""}), true),
        (
            "simplewallet.reply",
            json!({"code": 2, "message": "no"}),
            true,
        ),
        (
            "simplewallet.reply",
            json!({"code": 0, "error": "", "message": ""}),
            true,
        ),
        ("simplewallet.reply", json!({"code": 0}), false),
        (
            "simplewallet.reply",
            json!({"code": -1, "error": ""}),
            false,
        ),
        (
            "simplewallet.reply",
            json!({"code": "0", "error": ""}),
            false,
        ),
        (
            "simplewallet.reply",
            json!({"code": 0, "error": null}),
            false,
        ),
        ("simplewallet.reply", json!([0]), false),
    ];
    for (action, json_text, _) in SAMPLES {
        let value: Value = serde_json::from_str(json_text).unwrap();
        cases.push((
            Request::from_json(json_text).unwrap().schema_kind(),
            value.clone(),
            true,
        ));
        // Each request is not any other kind of request.
        for other in ["login", "transfer", "transaction", "sign"]
            .into_iter()
            .filter(|o| *o != action)
        {
            let kind = format!("simplewallet.{other}.request");
            assert!(!schema_valid(&kind, &value), "{action} as {kind}");
        }
    }
    for (kind, value, expected) in &cases {
        assert_eq!(
            schema_valid(kind, value),
            *expected,
            "schema, {kind}: {value}"
        );
        assert_eq!(
            type_accepts(kind, value),
            *expected,
            "type, {kind}: {value}"
        );
    }
    // Every kind is covered with both verdicts.
    for kind in SCHEMA_KINDS {
        for verdict in [true, false] {
            assert!(
                cases.iter().any(|(k, _, v)| *k == kind && *v == verdict),
                "{kind} has no {verdict} case"
            );
        }
    }
}

#[test]
fn rules_only_the_types_state_are_held_by_the_types() {
    // A schema sees 1E2 as the number 100 and 1606900362.0 as an integer; their text is
    // refused by the types (exponent amounts, float timestamps), as the module doc says.
    let text = base("transfer")
        .to_string()
        .replace(r#""amount":1"#, r#""amount":1E2"#);
    assert!(schema_valid(
        "simplewallet.transfer.request",
        &serde_json::from_str(&text).unwrap()
    ));
    assert!(Request::from_json(&text).is_err());
    let float = edited(&login_post(), json!({"timestamp": 1606900362.0}));
    assert!(schema_valid("simplewallet.login.post", &float));
    assert!(LoginPost::parse(&float).is_err());
    // Too many decimals for the precision.
    let decimals = edited(&base("transfer"), json!({"amount": 0.00001}));
    assert!(schema_valid("simplewallet.transfer.request", &decimals));
    assert!(parse_request(&decimals).is_err());
}

#[test]
fn the_schema_kinds_are_registered() {
    let names = crate::schema::kind_names();
    for kind in SCHEMA_KINDS {
        assert!(names.contains(&kind), "{kind}");
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------------------------

/// A small deterministic generator (xorshift), so the garbage is the same on every run.
struct Garbage(u64);

impl Garbage {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn read_everything(text: &str) {
    let _ = Request::from_qr_text_with_quirks(text);
    let _ = Request::from_json_with_quirks(text);
    let _ = text::top_level_member_text(text, "amount");
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        let _ = Request::from_value(&value);
        let _ = LoginPost::parse(&value);
        let _ = NotifyPost::parse(&value);
        let _ = SignPost::parse(&value);
        let _ = Reply::parse_with_quirks(&value);
    }
    let _ = CallbackReturn::parse(text);
}

#[test]
fn truncated_and_garbled_input_never_panics() {
    let mut texts: Vec<String> = SAMPLES
        .iter()
        .flat_map(|(_, json_text, link)| [json_text.to_string(), link.to_string()])
        .collect();
    texts.push(login_post().to_string());
    texts.push(notify_post().to_string());
    texts.push(sign_post().to_string());
    texts.push(r#"{"amount":"\"}","x":[{"a":"]"}],"amount":1.5e-3}"#.to_owned());
    for text in &texts {
        for end in (0..=text.len()).filter(|end| text.is_char_boundary(*end)) {
            read_everything(&text[..end]);
            read_everything(&text[end..]);
        }
    }
    let mut garbage = Garbage(0x9e37_79b9_7f4a_7c15);
    let alphabet: &[u8] = b"{}[]\":,.-+eE0123456789 %aA\\ufz";
    for text in &texts {
        for _ in 0..200 {
            let mut bytes = text.as_bytes().to_vec();
            for _ in 0..1 + garbage.next() % 4 {
                let at = (garbage.next() % bytes.len() as u64) as usize;
                bytes[at] = alphabet[(garbage.next() % alphabet.len() as u64) as usize];
            }
            read_everything(&String::from_utf8_lossy(&bytes));
        }
    }
    for _ in 0..2000 {
        let length = garbage.next() % 64;
        let bytes: Vec<u8> = (0..length)
            .map(|_| alphabet[(garbage.next() % alphabet.len() as u64) as usize])
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        read_everything(&text);
        read_everything(&format!("simplewallet://eos.io?param={text}"));
    }
    // Deep nesting is refused by serde_json's recursion limit, not a stack overflow.
    read_everything(&format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)));
}
