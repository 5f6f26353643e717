//! Recipe for `simplewallet/eosio.json` (EOSIO packing as SimpleWallet transfers and
//! transactions need it, profile SW-X1, SW-X2, SW-X4), and [`check`], the verdict of the
//! `SIMPLEWALLET-EOSIO` family.
//!
//! The group type picks what a case exercises:
//!
//! - `EosioName`: `name` parses to `value` (decimal u64) packed as `packed` (8 bytes LE) and
//!   writes back unchanged; or is refused for `reason`.
//! - `EosioAsset`: a transfer request's `amount` at `precision` decimals of `symbol` becomes
//!   `asset` (`units` of 10^-precision), which parses back to the same asset; or is refused.
//! - `EosioTransfer`: `<contract>::transfer` data: `data` (JSON) packs to `packed` and
//!   unpacks back; or the JSON or bytes are refused for `reason`.
//! - `EosioTransaction`: `packed` unpacks to `transaction` (a node's JSON), packs back byte
//!   for byte, has id `id` and, for the group's `chainId`, signing digest `signingDigest`,
//!   which the group's `privateKey` signs as `signature` (eosjs-ecc, retry `nonce`); or the
//!   bytes are refused for `reason`.
//!
//! Reasons are [`EosioError::kind`] names.

use serde_json::{json, Map, Value};

use crate::protocol::simplewallet::crypto::PrivateKey;
use crate::protocol::simplewallet::eosio::{
    pack_action_data, transaction_json, unpack_action_data, Action, Asset, EosioError, Name,
    PermissionLevel, Transaction, Transfer,
};
use crate::vectors::{TestCase, TestGroup, TestResult, VectorFile};

use TestResult::{Invalid, Valid};

/// The EOS mainnet chain id.
const MAINNET_CHAIN_ID: &str = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906";

// ---------------------------------------------------------------------------------------------
// The verdict
// ---------------------------------------------------------------------------------------------

/// Judges one case of a `SIMPLEWALLET-EOSIO` file.
pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    match group.kind.as_str() {
        "EosioName" => check_name(case),
        "EosioAsset" => check_asset(case),
        "EosioTransfer" => check_transfer(case),
        "EosioTransaction" => check_transaction(group, case),
        other => Err(format!("unknown group type `{other}`")),
    }
}

/// Compares a library outcome with the case's `result` and `reason`.
fn judge<T>(case: &TestCase, outcome: Result<T, EosioError>) -> Result<Option<T>, String> {
    match (case.result, outcome) {
        (Valid, Ok(value)) => Ok(Some(value)),
        (Valid, Err(e)) => Err(format!("expected valid, rejected as `{}`: {e}", e.kind())),
        (Invalid, Ok(_)) => Err(format!(
            "expected rejection `{}`, accepted",
            case.input_str("reason").unwrap_or("any")
        )),
        (Invalid, Err(e)) => {
            let want = case.input_str("reason")?;
            if want == e.kind() {
                Ok(None)
            } else {
                Err(format!(
                    "rejected as `{}` ({e}), expected `{want}`",
                    e.kind()
                ))
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

fn hex_input(case: &TestCase, field: &str) -> Result<Vec<u8>, String> {
    hex::decode(case.input_str(field)?).map_err(|e| format!("`{field}`: {e}"))
}

fn check_name(case: &TestCase) -> Result<(), String> {
    let text = case.input_str("name")?;
    let Some(name) = judge(case, text.parse::<Name>())? else {
        return Ok(());
    };
    same("value", case.input_str("value")?, &name.0.to_string())?;
    same(
        "packed",
        case.input_str("packed")?,
        &hex::encode(name.0.to_le_bytes()),
    )?;
    same("name written back", text, &name.to_string())
}

fn check_asset(case: &TestCase) -> Result<(), String> {
    let amount = case.input_str("amount")?;
    let precision = case
        .input("precision")?
        .as_u64()
        .and_then(|p| u8::try_from(p).ok())
        .ok_or("`precision` is not a number in 0..=255")?;
    let symbol = case.input_str("symbol")?;
    let Some(asset) = judge(case, Asset::from_amount(amount, precision, symbol))? else {
        return Ok(());
    };
    let text = case.input_str("asset")?;
    same("asset", text, &asset.to_string())?;
    let units = case
        .input("units")?
        .as_i64()
        .ok_or("`units` is not an integer")?;
    if asset.amount != units {
        return Err(format!("`units`: expected {units}, got {}", asset.amount));
    }
    let parsed: Asset = text
        .parse()
        .map_err(|e| format!("`asset` does not parse back: {e}"))?;
    if parsed != asset {
        return Err(format!("`asset` parses back as {parsed}"));
    }
    Ok(())
}

fn check_transfer(case: &TestCase) -> Result<(), String> {
    let contract: Name = case
        .input_str("contract")?
        .parse()
        .map_err(|e| format!("`contract`: {e}"))?;
    let transfer: Name = "transfer".parse().map_err(|e: EosioError| e.to_string())?;
    if let Some(data) = case.inputs.get("data") {
        let Some(packed) = judge(case, pack_action_data(contract, transfer, data))? else {
            return Ok(());
        };
        same("packed", case.input_str("packed")?, &hex::encode(&packed))?;
        let unpacked = unpack_action_data(contract, transfer, &packed)
            .map_err(|e| format!("the packed data does not unpack: {e}"))?;
        if &unpacked != data {
            return Err(format!("unpacks as {unpacked}"));
        }
        let typed = Transfer::unpack(&packed).map_err(|e| format!("Transfer::unpack: {e}"))?;
        return same(
            "Transfer::pack",
            &hex::encode(&packed),
            &hex::encode(typed.pack()),
        );
    }
    let bytes = hex_input(case, "packed")?;
    judge(case, unpack_action_data(contract, transfer, &bytes))?;
    Ok(())
}

fn check_transaction(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    let bytes = hex_input(case, "packed")?;
    let Some(tx) = judge(case, Transaction::unpack(&bytes))? else {
        return Ok(());
    };
    same(
        "packed (packed back)",
        &hex::encode(&bytes),
        &hex::encode(tx.pack()),
    )?;
    let json = case.input("transaction")?;
    if &transaction_json(&tx) != json {
        return Err(format!(
            "`transaction`: the bytes read as {}",
            transaction_json(&tx)
        ));
    }
    same("id", case.input_str("id")?, &tx.id_hex())?;
    let chain_id = group
        .attributes
        .get("chainId")
        .and_then(Value::as_str)
        .ok_or("group has no `chainId`")?;
    let chain_id: [u8; 32] = hex::decode(chain_id)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("group `chainId` is not 32 bytes of hex")?;
    let digest = tx.signing_digest(&chain_id);
    same(
        "signingDigest",
        case.input_str("signingDigest")?,
        &hex::encode(digest),
    )?;
    let key = group
        .attributes
        .get("privateKey")
        .and_then(Value::as_str)
        .ok_or("group has no `privateKey`")?;
    let key = PrivateKey::from_wif(key).map_err(|e| format!("group `privateKey`: {e}"))?;
    let (signature, nonce) = key.sign_digest_counting(&digest);
    same(
        "signature",
        case.input_str("signature")?,
        &signature.to_string(),
    )?;
    if case.input("nonce")?.as_u64() != Some(u64::from(nonce)) {
        return Err(format!("`nonce`: eosjs-ecc's retry count is {nonce}"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The recipe
// ---------------------------------------------------------------------------------------------

fn notes(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect()
}

/// A name the recipe spells correctly; an invalid one is a bug in this file.
fn name(text: &str) -> Name {
    text.parse().unwrap_or(Name(0))
}

fn name_cases() -> Vec<TestCase> {
    let mut cases = Vec::new();
    for text in [
        "eosio",
        "eosio.token",
        "mykeydoctest",
        "testaccount1",
        "mykeymanager",
        "a",
        "1",
        "a.b.c",
        "zzzzzzzzzzzz",
        "zzzzzzzzzzzzj",
        "12345abcdefgh",
        "transfer",
        "active",
    ] {
        let value = name(text);
        cases.push(TestCase::new(
            format!("name `{text}`"),
            &["Name"],
            json!({"name": text, "value": value.0.to_string(), "packed": hex::encode(value.0.to_le_bytes())}),
            Valid,
        ));
    }
    for (comment, text, reason) in [
        ("empty", "", "name-empty"),
        ("14 characters", "abcdefghijklm1", "name-length"),
        ("upper-case letter", "Eosio", "name-char"),
        ("digit 6", "user6", "name-char"),
        ("space", "a b", "name-char"),
        ("hyphen", "my-account", "name-char"),
        (
            "13th character k (only .1-5a-j fit in 4 bits)",
            "zzzzzzzzzzzzk",
            "name-thirteenth",
        ),
        ("trailing dot", "eosio.", "name-not-normalized"),
    ] {
        cases.push(TestCase::new(
            format!("name: {comment}"),
            &["Malformed"],
            json!({"name": text, "reason": reason}),
            Invalid,
        ));
    }
    cases
}

fn asset_cases() -> Vec<TestCase> {
    let mut cases = Vec::new();
    for (amount, precision, symbol) in [
        ("1", 4, "EOS"),
        ("0.5", 4, "EOS"),
        ("12.25", 4, "EOS"),
        ("0.0001", 4, "EOS"),
        ("100", 0, "SYS"),
        ("100.0", 0, "SYS"),
        ("1.50", 1, "TKN"),
        ("0", 4, "EOS"),
        ("000123.4", 2, "ABCDEFG"),
        ("4611686018427387903", 0, "MAX"),
        ("4611686018.427387903", 9, "MAX"),
        ("1", 18, "WEI"),
    ] {
        let asset = Asset::from_amount(amount, precision, symbol);
        let (text, units) = match &asset {
            Ok(asset) => (asset.to_string(), asset.amount),
            Err(_) => (String::new(), 0),
        };
        cases.push(TestCase::new(
            format!("amount {amount} at precision {precision} of {symbol}"),
            &["Amount"],
            json!({"amount": amount, "precision": precision, "symbol": symbol, "asset": text, "units": units}),
            Valid,
        ));
    }
    for (comment, amount, precision, symbol, reason) in [
        (
            "more decimals than the precision",
            "1.00001",
            4,
            "EOS",
            "amount-precision",
        ),
        (
            "decimals at precision 0",
            "1.5",
            0,
            "SYS",
            "amount-precision",
        ),
        ("negative", "-1", 4, "EOS", "amount-negative"),
        ("exponent form", "1e2", 4, "EOS", "amount-exponent"),
        ("empty", "", 4, "EOS", "amount-format"),
        (
            "point with no digits after",
            "1.",
            4,
            "EOS",
            "amount-format",
        ),
        ("a space inside", "1 0", 4, "EOS", "amount-format"),
        (
            "above 2^62 - 1 units",
            "4611686018427387904",
            0,
            "MAX",
            "amount-range",
        ),
        (
            "above 2^62 - 1 units once scaled",
            "461168601842738.7904",
            4,
            "EOS",
            "amount-range",
        ),
        ("precision 19", "1", 19, "EOS", "precision"),
        ("lower-case symbol", "1", 4, "eos", "symbol-code"),
        ("symbol of 8 letters", "1", 4, "ABCDEFGH", "symbol-code"),
        ("empty symbol", "1", 4, "", "symbol-code"),
    ] {
        cases.push(TestCase::new(
            format!("amount: {comment}"),
            &["Malformed"],
            json!({"amount": amount, "precision": precision, "symbol": symbol, "reason": reason}),
            Invalid,
        ));
    }
    cases
}

fn transfer_data(from: &str, to: &str, quantity: &str, memo: &str) -> Value {
    json!({"from": from, "to": to, "quantity": quantity, "memo": memo})
}

fn transfer_cases() -> Vec<TestCase> {
    let mut cases = Vec::new();
    let transfer = name("transfer");
    for (contract, data) in [
        (
            "eosio.token",
            transfer_data("testaccount1", "mykeydoctest", "1.0000 EOS", "qrconform"),
        ),
        (
            "eosio.token",
            transfer_data("useraaaaaaaa", "useraaaaaaab", "1.0000 EOS", "hello"),
        ),
        ("eosio.token", transfer_data("a", "b", "0.0001 EOS", "")),
        (
            "everipediaiq",
            transfer_data("alice.x", "bob.y", "12.500 IQ", "订单 #42 ✓"),
        ),
        (
            "mytokencontr",
            transfer_data("testaccount1", "eosio", "100 SYS", &"m".repeat(256)),
        ),
    ] {
        let packed = pack_action_data(name(contract), transfer, &data)
            .map(hex::encode)
            .unwrap_or_default();
        cases.push(TestCase::new(
            format!("{contract}::transfer of {}", data["quantity"]),
            &["Transfer"],
            json!({"contract": contract, "data": data, "packed": packed}),
            Valid,
        ));
    }
    let good = transfer_data("testaccount1", "mykeydoctest", "1.0000 EOS", "qrconform");
    let mut missing = good.clone();
    if let Some(object) = missing.as_object_mut() {
        object.remove("memo");
    }
    let mut extra = good.clone();
    extra["dappData"] = json!("x");
    let mut number = good.clone();
    number["quantity"] = json!(1.0);
    for (comment, data, reason) in [
        ("memo missing", missing, "missing-field"),
        ("a field the action does not have", extra, "unknown-field"),
        ("quantity as a JSON number", number, "field-type"),
        (
            "quantity without a symbol",
            transfer_data("testaccount1", "mykeydoctest", "1.0000", "m"),
            "field-value",
        ),
        (
            "invalid account name",
            transfer_data("TestAccount", "mykeydoctest", "1.0000 EOS", "m"),
            "field-value",
        ),
        (
            "data not an object",
            json!(["testaccount1", "mykeydoctest", "1.0000 EOS", ""]),
            "data-not-object",
        ),
    ] {
        cases.push(TestCase::new(
            format!("transfer data: {comment}"),
            &["Malformed"],
            json!({"contract": "eosio.token", "data": data, "reason": reason}),
            Invalid,
        ));
    }
    let packed = pack_action_data(name("eosio.token"), transfer, &good).unwrap_or_default();
    let mut trailing = packed.clone();
    trailing.push(0);
    for (comment, bytes, reason) in [
        (
            "packed data with a byte after the memo",
            trailing,
            "data-trailing",
        ),
        (
            "packed data cut inside the quantity",
            packed[..20].to_vec(),
            "field-value",
        ),
    ] {
        cases.push(TestCase::new(
            format!("transfer bytes: {comment}"),
            &["Malformed"],
            json!({"contract": "eosio.token", "packed": hex::encode(bytes), "reason": reason}),
            Invalid,
        ));
    }
    cases
}

fn action(account: &str, action_name: &str, actor: &str, data: Vec<u8>) -> Action {
    Action {
        account: name(account),
        name: name(action_name),
        authorization: vec![PermissionLevel {
            actor: name(actor),
            permission: name("active"),
        }],
        data,
    }
}

fn packed_data(account: &str, action_name: &str, data: &Value) -> Vec<u8> {
    pack_action_data(name(account), name(action_name), data).unwrap_or_default()
}

/// The transactions of the file: a plain transfer, transfers in other tokens, a transfer
/// with `buyram`, an action outside the built-in ABI, and the header fields at their
/// multi-byte encodings.
fn transactions() -> Vec<(&'static str, Transaction)> {
    let header = Transaction {
        expiration: 1_546_614_219,
        ref_block_num: 0x1234,
        ref_block_prefix: 0xdead_beef,
        ..Transaction::default()
    };
    let simple = Transaction {
        actions: vec![action(
            "eosio.token",
            "transfer",
            "testaccount1",
            packed_data(
                "eosio.token",
                "transfer",
                &transfer_data("testaccount1", "mykeydoctest", "1.0000 EOS", "qrconform"),
            ),
        )],
        ..header.clone()
    };
    let with_ram = Transaction {
        actions: vec![
            simple.actions[0].clone(),
            action(
                "eosio",
                "buyram",
                "testaccount1",
                packed_data(
                    "eosio",
                    "buyram",
                    &json!({"payer": "testaccount1", "receiver": "testaccount1", "quant": "0.5000 EOS"}),
                ),
            ),
        ],
        ..header.clone()
    };
    let other_token = Transaction {
        expiration: 1_700_000_000,
        ref_block_num: 0xffff,
        ref_block_prefix: 1,
        actions: vec![action(
            "mytokencontr",
            "transfer",
            "alice.x",
            packed_data(
                "mytokencontr",
                "transfer",
                &transfer_data("alice.x", "bob.y", "100 SYS", "订单 #42 ✓"),
            ),
        )],
        ..Transaction::default()
    };
    let unknown_abi = Transaction {
        actions: vec![action(
            "mykeymanager",
            "sendaction",
            "mykeydoctest",
            vec![0x01, 0x02, 0xff],
        )],
        ..header.clone()
    };
    let wide_header = Transaction {
        max_net_usage_words: 300,
        max_cpu_usage_ms: 255,
        delay_sec: 16_384,
        context_free_actions: vec![Action {
            account: name("eosio.null"),
            name: name("nonce"),
            authorization: Vec::new(),
            data: b"qrconform".to_vec(),
        }],
        transaction_extensions: vec![(1, vec![0x00, 0x2a])],
        ..simple.clone()
    };
    vec![
        ("eosio.token::transfer, 1.0000 EOS", simple),
        ("transfer and eosio::buyram in one transaction", with_ram),
        (
            "a token contract's transfer at precision 0, non-ASCII memo",
            other_token,
        ),
        (
            "an action outside the built-in ABI (data shown as hex)",
            unknown_abi,
        ),
        (
            "multi-byte varuints, a context-free action and an extension",
            wide_header,
        ),
    ]
}

fn transaction_cases(key: &PrivateKey, chain_id: &[u8; 32]) -> Vec<TestCase> {
    let mut cases = Vec::new();
    let list = transactions();
    for (comment, tx) in &list {
        let digest = tx.signing_digest(chain_id);
        let (signature, nonce) = key.sign_digest_counting(&digest);
        cases.push(TestCase::new(
            *comment,
            &["Transaction"],
            json!({
                "transaction": transaction_json(tx),
                "packed": hex::encode(tx.pack()),
                "id": tx.id_hex(),
                "signingDigest": hex::encode(digest),
                "signature": signature.to_string(),
                "nonce": nonce,
            }),
            Valid,
        ));
    }
    let packed = list[0].1.pack();
    let mut trailing = packed.clone();
    trailing.push(0);
    // max_net_usage_words (offset 10) is 0, written in one byte; 80 00 is its two-byte form.
    let mut long_varuint = packed[..10].to_vec();
    long_varuint.extend_from_slice(&[0x80, 0x00]);
    long_varuint.extend_from_slice(&packed[11..]);
    // The actions count (offset 13, after an empty context-free list) claims 2^28 actions.
    let mut huge_count = packed[..13].to_vec();
    huge_count.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x01]);
    huge_count.extend_from_slice(&packed[14..]);
    for (comment, bytes, reason) in [
        ("a byte after the extensions", trailing, "trailing"),
        (
            "cut before the extensions count",
            packed[..packed.len() - 1].to_vec(),
            "truncated",
        ),
        ("empty", Vec::new(), "truncated"),
        (
            "max_net_usage_words 0 written in two bytes",
            long_varuint,
            "varuint-non-canonical",
        ),
        (
            "an actions count larger than the bytes left",
            huge_count,
            "length",
        ),
    ] {
        cases.push(TestCase::new(
            format!("packed transaction: {comment}"),
            &["Malformed"],
            json!({"packed": hex::encode(bytes), "reason": reason}),
            Invalid,
        ));
    }
    cases
}

pub fn build() -> VectorFile {
    let key = PrivateKey::from_seed("qrconform-eos-wallet");
    let mut chain_id = [0u8; 32];
    if let Ok(bytes) = hex::decode(MAINNET_CHAIN_ID) {
        chain_id.copy_from_slice(&bytes);
    }
    VectorFile::numbered(
        "SIMPLEWALLET-EOSIO",
        "qrconform vectors recipes::eos_packing::build",
        json!({
            "recipe": "fixed names, request amounts, transfer data and transactions; signatures \
                       by seedPrivate(\"qrconform-eos-wallet\") over the mainnet signing digest",
            "clauses": ["SW-X1", "SW-X2", "SW-X3", "SW-X4"],
            "digest": "shared spec simplewallet.md §2.4, §2.5, §7",
        }),
        notes(&[
            ("Name", "An EOSIO name: 12 characters of .1-5a-z and a 13th of .1-5a-j, packed in a u64."),
            ("Amount", "A transfer request's amount, precision and symbol (SW-X1) as the quantity the wallet pushes."),
            ("Transfer", "`<contract>::transfer` action data {from, to, quantity, memo}."),
            ("Transaction", "A whole transaction: bytes, node JSON, id, signing digest and an eosjs-ecc signature."),
            ("Malformed", "Must be refused for the named `reason` (EosioError::kind)."),
        ]),
        vec![
            TestGroup::new("EosioName", json!({}), name_cases()),
            TestGroup::new("EosioAsset", json!({}), asset_cases()),
            TestGroup::new("EosioTransfer", json!({}), transfer_cases()),
            TestGroup::new(
                "EosioTransaction",
                json!({
                    "chainId": MAINNET_CHAIN_ID,
                    "privateKey": key.to_wif(),
                    "publicKey": key.public_key().to_legacy(),
                }),
                transaction_cases(&key, &chain_id),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tampered_transaction_fails_for_the_field_that_changed() {
        let file = build();
        let group = file
            .test_groups
            .iter()
            .find(|g| g.kind == "EosioTransaction")
            .expect("a transaction group");
        let mut case = group.tests[0].clone();
        case.inputs.insert("id".into(), json!("00".repeat(32)));
        assert!(check(group, &case).unwrap_err().contains("`id`"));
        let mut case = group.tests[0].clone();
        case.inputs["transaction"]["ref_block_num"] = json!(1);
        assert!(check(group, &case).unwrap_err().contains("`transaction`"));
    }
}
