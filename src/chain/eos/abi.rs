//! The ABIs of the contracts the mock EOS node hosts (SW-N1), and their binary form.
//!
//! eosjs fetches a contract's ABI before it serializes an action for it: eosjs 20 and 21 ask
//! `get_raw_code_and_abi`, eosjs 22 `get_raw_abi`, and both read the `abi` field as the
//! base64 of the binary `abi_def`; `get_abi` answers the same ABI as JSON. The ABIs are data
//! files in `abi/` (field names and types of the real contracts' actions and tables):
//!
//! - `eosio.token.json`: eosio.token's actions and its `accounts` and `stat` tables, served
//!   for `eosio.token` and for every other token contract the node moves balances on;
//! - `eosio.json`: the system contract's actions a SimpleWallet request may carry
//!   (`buyram`, `buyrambytes`, `sellram`, `delegatebw`, `undelegatebw`, `newaccount`,
//!   `updateauth`, `voteproducer`), with the `authority` structs they use;
//! - `mykeymanager.json`: MYKEY's manager contract, served for every MYKEY manager account:
//!   `sendaction(name act, bytes bin_data)`, `forward(name target_contract, name act, name
//!   signer, bytes data)` (the field order is the one mainnet's action bytes carry), and the
//!   `keydata` table whose rows are `{index, key: {pubkey, status, nonce}}`
//!   (simplewallet.md §6; the struct names and the integer widths of `index`, `status` and
//!   `nonce` are the mock's, since no source shows them);
//! - `mykeylogica1.json`: MYKEY's logic contract: `sendexternal(signature sig, bytes data)`,
//!   which `sendaction` wraps, `sendinternal` and `freeze`.
//!
//! [`encode_abi`] writes an `abi_def` as nodeos stores it: `version`, `types`, `structs`,
//! `actions`, `tables`, `ricardian_clauses`, `error_messages`, `abi_extensions`, then the
//! `variants` binary extension (abi/1.1). Everything here is pure.

use std::sync::OnceLock;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::protocol::simplewallet::eosio::Name;

/// The contracts whose ABI the node serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contract {
    /// `eosio.token`, and any other token contract.
    Token,
    /// `eosio`.
    System,
    /// A MYKEY manager (`mykeymanager` on mainnet).
    MykeyManager,
    /// MYKEY's logic contract (`mykeylogica1`).
    MykeyLogic,
}

/// The account name of MYKEY's logic contract on mainnet.
pub const MYKEY_LOGIC: &str = "mykeylogica1";

/// One served ABI: its JSON (what `get_abi` answers), its binary form and the binary's
/// SHA-256 (`abi_hash`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Abi {
    pub json: Value,
    pub binary: Vec<u8>,
    pub hash: [u8; 32],
}

impl Contract {
    fn source(self) -> &'static str {
        match self {
            Contract::Token => include_str!("abi/eosio.token.json"),
            Contract::System => include_str!("abi/eosio.json"),
            Contract::MykeyManager => include_str!("abi/mykeymanager.json"),
            Contract::MykeyLogic => include_str!("abi/mykeylogica1.json"),
        }
    }

    /// The contract's ABI, read and encoded on first use. `None` only if a data file is
    /// broken, which the tests rule out; the node then answers as for an account without one.
    pub fn abi(self) -> Option<&'static Abi> {
        static ABIS: OnceLock<[Option<Abi>; 4]> = OnceLock::new();
        let all = ABIS.get_or_init(|| {
            [
                Contract::Token,
                Contract::System,
                Contract::MykeyManager,
                Contract::MykeyLogic,
            ]
            .map(|c| load(c.source()).ok())
        });
        let index = match self {
            Contract::Token => 0,
            Contract::System => 1,
            Contract::MykeyManager => 2,
            Contract::MykeyLogic => 3,
        };
        all[index].as_ref()
    }
}

/// Reads an ABI's JSON text and encodes it.
pub fn load(text: &str) -> Result<Abi, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let binary = encode_abi(&json)?;
    let hash = Sha256::digest(&binary).into();
    Ok(Abi { json, binary, hash })
}

fn write_varuint32(out: &mut Vec<u8>, value: usize) {
    let mut value = value as u64;
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn write_string(out: &mut Vec<u8>, text: &str) {
    write_varuint32(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

/// Reads an `abi_def` field of the JSON; a missing array is empty.
fn list<'a>(object: &'a Value, field: &str) -> Result<&'a [Value], String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(format!("`{field}` is {other}, not an array")),
    }
}

fn text<'a>(object: &'a Value, field: &str) -> Result<&'a str, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("`{field}` is {other}, not a string")),
    }
}

fn write_text(out: &mut Vec<u8>, object: &Value, field: &str) -> Result<(), String> {
    write_string(out, text(object, field)?);
    Ok(())
}

fn write_name(out: &mut Vec<u8>, object: &Value, field: &str) -> Result<(), String> {
    let value = text(object, field)?;
    let name: Name = value
        .parse()
        .map_err(|e| format!("`{field}` `{value}` is not a name: {e}"))?;
    out.extend_from_slice(&name.0.to_le_bytes());
    Ok(())
}

fn write_texts(out: &mut Vec<u8>, object: &Value, field: &str) -> Result<(), String> {
    let items = list(object, field)?;
    write_varuint32(out, items.len());
    for item in items {
        let text = item
            .as_str()
            .ok_or_else(|| format!("an item of `{field}` is {item}, not a string"))?;
        write_string(out, text);
    }
    Ok(())
}

/// Writes each item of the array `field` with `item`, after its count.
fn write_list(
    out: &mut Vec<u8>,
    abi: &Value,
    field: &str,
    item: impl Fn(&mut Vec<u8>, &Value) -> Result<(), String>,
) -> Result<(), String> {
    let items = list(abi, field)?;
    write_varuint32(out, items.len());
    for (i, value) in items.iter().enumerate() {
        item(out, value).map_err(|e| format!("{field}[{i}]: {e}"))?;
    }
    Ok(())
}

/// The binary `abi_def` of an ABI's JSON, as nodeos stores and `get_raw_abi` serves it.
pub fn encode_abi(abi: &Value) -> Result<Vec<u8>, String> {
    if !abi.is_object() {
        return Err("the ABI is not a JSON object".into());
    }
    let version = text(abi, "version")?;
    if !version.starts_with("eosio::abi/1.") {
        return Err(format!("version `{version}` is not eosio::abi/1.x"));
    }
    let mut out = Vec::new();
    write_string(&mut out, version);
    write_list(&mut out, abi, "types", |out, t| {
        write_text(out, t, "new_type_name")?;
        write_text(out, t, "type")
    })?;
    write_list(&mut out, abi, "structs", |out, s| {
        write_text(out, s, "name")?;
        write_text(out, s, "base")?;
        write_list(out, s, "fields", |out, f| {
            write_text(out, f, "name")?;
            write_text(out, f, "type")
        })
    })?;
    write_list(&mut out, abi, "actions", |out, a| {
        write_name(out, a, "name")?;
        write_text(out, a, "type")?;
        write_text(out, a, "ricardian_contract")
    })?;
    write_list(&mut out, abi, "tables", |out, t| {
        write_name(out, t, "name")?;
        write_text(out, t, "index_type")?;
        write_texts(out, t, "key_names")?;
        write_texts(out, t, "key_types")?;
        write_text(out, t, "type")
    })?;
    write_list(&mut out, abi, "ricardian_clauses", |out, c| {
        write_text(out, c, "id")?;
        write_text(out, c, "body")
    })?;
    write_list(&mut out, abi, "error_messages", |out, m| {
        let code = m
            .get("error_code")
            .and_then(Value::as_u64)
            .ok_or("`error_code` is not an unsigned integer")?;
        out.extend_from_slice(&code.to_le_bytes());
        write_text(out, m, "error_msg")
    })?;
    write_list(&mut out, abi, "abi_extensions", |out, e| {
        let tag = e
            .get("tag")
            .and_then(Value::as_u64)
            .and_then(|t| u16::try_from(t).ok())
            .ok_or("`tag` is not a uint16")?;
        out.extend_from_slice(&tag.to_le_bytes());
        let value = hex::decode(text(e, "value")?).map_err(|e| format!("`value`: {e}"))?;
        write_varuint32(out, value.len());
        out.extend_from_slice(&value);
        Ok(())
    })?;
    write_list(&mut out, abi, "variants", |out, v| {
        write_text(out, v, "name")?;
        write_texts(out, v, "types")
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_served_abi_reads_and_encodes() {
        for contract in [
            Contract::Token,
            Contract::System,
            Contract::MykeyManager,
            Contract::MykeyLogic,
        ] {
            let abi = load(contract.source()).expect("the data file encodes");
            assert_eq!(contract.abi(), Some(&abi));
            assert_eq!(abi.hash, <[u8; 32]>::from(Sha256::digest(&abi.binary)));
            // Every action's type is a struct of the ABI.
            let structs: Vec<&str> = abi.json["structs"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s["name"].as_str())
                .collect();
            for action in abi.json["actions"].as_array().into_iter().flatten() {
                let ty = action["type"].as_str().unwrap_or("");
                assert!(structs.contains(&ty), "{contract:?}: action type {ty}");
            }
        }
    }

    #[test]
    fn the_binary_form_is_abi_def_field_by_field() {
        let abi = json!({
            "version": "eosio::abi/1.1",
            "types": [{"new_type_name": "account_name", "type": "name"}],
            "structs": [{"name": "hi", "base": "", "fields": [{"name": "user", "type": "name"}]}],
            "actions": [{"name": "hi", "type": "hi", "ricardian_contract": ""}],
            "tables": [{"name": "accounts", "index_type": "i64", "key_names": ["k"],
                        "key_types": ["uint64"], "type": "hi"}],
            "ricardian_clauses": [],
            "error_messages": [{"error_code": 7, "error_msg": "x"}],
            "abi_extensions": [{"tag": 1, "value": "ab"}],
            "variants": [{"name": "v", "types": ["int8", "name"]}],
        });
        let mut want = Vec::new();
        want.push(14);
        want.extend_from_slice(b"eosio::abi/1.1");
        want.extend_from_slice(b"\x01\x0caccount_name\x04name");
        want.extend_from_slice(b"\x01\x02hi\x00\x01\x04user\x04name");
        want.push(1);
        want.extend_from_slice(&"hi".parse::<Name>().unwrap().0.to_le_bytes());
        want.extend_from_slice(b"\x02hi\x00");
        want.push(1);
        want.extend_from_slice(&"accounts".parse::<Name>().unwrap().0.to_le_bytes());
        want.extend_from_slice(b"\x03i64\x01\x01k\x01\x06uint64\x02hi");
        want.push(0);
        want.extend_from_slice(b"\x01\x07\0\0\0\0\0\0\0\x01x");
        want.extend_from_slice(b"\x01\x01\x00\x01\xab");
        want.extend_from_slice(b"\x01\x01v\x02\x04int8\x04name");
        assert_eq!(encode_abi(&abi).expect("encodes"), want);
    }

    #[test]
    fn broken_abis_are_refused_with_the_field() {
        let bad_action = json!({"version": "eosio::abi/1.1", "actions": [{"name": "NOT A NAME"}]});
        let e = encode_abi(&bad_action).expect_err("refused");
        assert!(e.contains("actions[0]"), "{e}");
        assert!(encode_abi(&json!({"version": "eosio::abi/2.0"})).is_err());
        assert!(encode_abi(&json!([])).is_err());
        assert!(encode_abi(&json!({"version": "eosio::abi/1.0", "structs": 5})).is_err());
    }

    #[test]
    fn long_strings_take_a_multi_byte_length() {
        let mut out = Vec::new();
        write_string(&mut out, &"a".repeat(300));
        assert_eq!(&out[..2], &[0xac, 0x02]);
        assert_eq!(out.len(), 302);
    }
}
