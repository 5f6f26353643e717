//! What the mock node does with a transaction's script (ONT-N4, ONT-L7): a deterministic
//! stand-in for the virtual machine that knows the few calls the protocol uses.
//!
//! The script is read with [`decode_script`], the same semantic decoder the wallet suite
//! uses, so anything a reference wallet may build is understood and anything else fails
//! execution with the decoder's reason. Then:
//!
//! - **ONT/ONG `transfer`** (contracts `01…`/`02…`): one state `[from, to, amount]` or a list
//!   of states. Each `from` must have signed the transaction (the real contract's
//!   `CheckWitness`), and amounts must not be negative. Each state notifies
//!   `["transfer", from, to, amount]` (base58 addresses, amount as a number) and the
//!   result is `"01"`. Balances are not modelled: a mock node that refused transfers for want
//!   of funds would only make suites depend on a faucet.
//! - **ONT ID** (contract `03…`): `getPublicKeys(did)` answers `uint32 LE index ‖ varbytes(key)` per key with
//!   indices from 1, and `getDDO(did)` answers `varbytes(keys as above) ‖
//!   varbytes(attributes) ‖ varbytes(recovery) ‖ varbytes(controller) ‖ varbytes(new
//!   recovery)`, the last four empty (ontology-dapi.md §3.4); for an identity that is not
//!   registered they fail. ONT ID 2.0's JSON queries answer as the native contract's
//!   `query.go` does, in UTF-8 JSON bytes: `getPublicKeysJson(did)` the keys as `[{id:
//!   "did#keys-N", type: "EcdsaSecp256r1VerificationKey2019", controller: did, publicKeyHex}]`,
//!   `getDocumentJson(did)` the DID document (`@context`, `id`, `publicKey`, `authentication`
//!   naming each key, no controller, recovery, service or attributes, times 0, no proof),
//!   `getKeyState(did, index)` `in use` (or a failure for an index the identity does not
//!   have), `getControllerJson(did)` `null`, and `getAttributes(did)` and
//!   `getServiceJson(did, id)` nothing; for an identity that is not registered they all
//!   succeed with an empty result, as the contract's `isValid` check makes them.
//!   `regIDWithPublicKey(did, key)` registers an identity when the key's address signed, and
//!   notifies `["Register", did]`; the node applies that only when the transaction is
//!   committed, never on pre-execution.
//! - **Anything else** succeeds with one generic notification from the called contract:
//!   `[hex(method), args…]`, each argument as NeoVM states are shown (hex strings, arrays of
//!   them), and result `"01"`.
//!
//! Gas is flat: [`GAS_PER_CALL`] units per transaction, so `GasConsumed` is the gas price
//! times that. Pre-execution (`witnesses: None`) skips the witness checks: wallets
//! pre-execute before or after signing, and the real node's answer to an unsigned transfer
//! would only say "sign first".
//!
//! Everything here is pure.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::protocol::ontology::crypto::{Address, OntId, PublicKey};
use crate::protocol::ontology::invoke::{
    decode_script, is_native, minimal_le, DecodedArg, DecodedCall,
};
use crate::protocol::ontology::ontid::{encode_ddo, encode_public_keys};
use crate::protocol::ontology::tx::Transaction;

/// Gas units every transaction uses (the real node's minimum gas limit).
pub const GAS_PER_CALL: u64 = 20_000;

/// The identities the node knows: ONT ID (`did:ont:…`) → its current public keys in index
/// order (index 1 first).
pub type Registry = BTreeMap<String, Vec<PublicKey>>;

/// The outcome of running one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    /// Why execution failed; `None` for success (`State: 1`).
    pub failure: Option<String>,
    /// Gas units used.
    pub gas: u64,
    /// The return value (hex string); `""` after a failure.
    pub result: Value,
    /// Notifications in emission order; empty after a failure.
    pub notify: Vec<Value>,
    /// A state change to apply when the transaction is committed.
    pub effect: Option<Effect>,
}

/// A state change a committed transaction makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    RegisterIdentity { ontid: String, key: PublicKey },
}

impl Execution {
    /// `State` as the node reports it: 1 success, 0 failure.
    pub fn state(&self) -> u8 {
        u8::from(self.failure.is_none())
    }

    fn failed(reason: impl Into<String>) -> Self {
        Execution {
            failure: Some(reason.into()),
            gas: GAS_PER_CALL,
            result: Value::String(String::new()),
            notify: Vec::new(),
            effect: None,
        }
    }

    fn succeeded(result: Value, notify: Vec<Value>) -> Self {
        Execution {
            failure: None,
            gas: GAS_PER_CALL,
            result,
            notify,
            effect: None,
        }
    }
}

/// Runs `tx` against `registry`. `witnesses` are the addresses that signed it (checked on
/// send); `None` means pre-execution, where witness checks are skipped.
pub fn execute(tx: &Transaction, registry: &Registry, witnesses: Option<&[Address]>) -> Execution {
    let call = match decode_script(tx.payload.code()) {
        Ok(call) => call,
        Err(e) => return Execution::failed(format!("the script cannot be executed: {e}")),
    };
    let id = if is_native(&call.contract) {
        Some(call.contract.0[19])
    } else {
        None
    };
    match (id, call.method.as_str()) {
        (Some(1 | 2), "transfer") => transfer(&call, witnesses),
        (Some(3), method) => ontid(&call, method, registry, witnesses),
        _ => Execution::succeeded(
            Value::String("01".into()),
            vec![notification(&call.contract, generic_states(&call))],
        ),
    }
}

fn notification(contract: &Address, states: Value) -> Value {
    json!({ "ContractAddress": contract.to_display_hex(), "States": states })
}

fn generic_states(call: &DecodedCall) -> Value {
    let mut states = vec![Value::String(hex::encode(call.method.as_bytes()))];
    states.extend(call.args.iter().map(neovm_state));
    Value::Array(states)
}

/// How a NeoVM notification shows a stack item: bytes as hex, integers as minimal
/// little-endian hex (0 as `""`), booleans as `"01"`/`""`, containers as arrays.
fn neovm_state(arg: &DecodedArg) -> Value {
    match arg {
        DecodedArg::Bytes(bytes) => Value::String(hex::encode(bytes)),
        DecodedArg::Integer(v) => Value::String(hex::encode(integer_bytes(*v))),
        DecodedArg::Bool(b) => Value::String(if *b { "01".into() } else { String::new() }),
        DecodedArg::Array(items) | DecodedArg::Struct(items) => {
            Value::Array(items.iter().map(neovm_state).collect())
        }
        DecodedArg::Map(entries) => Value::Array(
            entries
                .iter()
                .map(|(k, v)| Value::Array(vec![Value::String(hex::encode(k)), neovm_state(v)]))
                .collect(),
        ),
    }
}

/// NeoVM's integer bytes: minimal little-endian two's complement, empty for zero.
fn integer_bytes(value: i64) -> Vec<u8> {
    if value == 0 {
        Vec::new()
    } else {
        minimal_le(value)
    }
}

/// One transfer state: from, to, amount.
type TransferState = (Address, Address, i64);

fn transfer_states(args: &[DecodedArg]) -> Result<Vec<TransferState>, String> {
    fn state(items: &[DecodedArg]) -> Result<TransferState, String> {
        let address = |item: &DecodedArg, what: &str| match item {
            DecodedArg::Bytes(b) => <[u8; 20]>::try_from(b.as_slice())
                .map(Address)
                .map_err(|_| format!("transfer `{what}` is {} bytes, not 20", b.len())),
            _ => Err(format!("transfer `{what}` is not a byte string")),
        };
        match items {
            [from, to, amount] => {
                let amount = amount
                    .as_integer()
                    .ok_or("transfer `amount` is not an integer")?;
                if amount < 0 {
                    return Err(format!("transfer amount {amount} is negative"));
                }
                Ok((address(from, "from")?, address(to, "to")?, amount))
            }
            _ => Err(format!(
                "a transfer state has {} items, not [from, to, amount]",
                items.len()
            )),
        }
    }
    match args {
        [DecodedArg::Array(states)] => states
            .iter()
            .map(|s| match s {
                DecodedArg::Struct(items) => state(items),
                _ => Err("a transfer state is not a struct".to_string()),
            })
            .collect(),
        items => state(items).map(|s| vec![s]),
    }
}

fn transfer(call: &DecodedCall, witnesses: Option<&[Address]>) -> Execution {
    let states = match transfer_states(&call.args) {
        Ok(states) if !states.is_empty() => states,
        Ok(_) => return Execution::failed("transfer of no states"),
        Err(reason) => return Execution::failed(reason),
    };
    if let Some(witnesses) = witnesses {
        if let Some((from, _, _)) = states.iter().find(|(from, _, _)| !witnesses.contains(from)) {
            return Execution::failed(format!(
                "transfer from {} is not signed by that address (CheckWitness failed)",
                from.to_base58()
            ));
        }
    }
    let notify = states
        .iter()
        .map(|(from, to, amount)| {
            notification(
                &call.contract,
                json!(["transfer", from.to_base58(), to.to_base58(), amount]),
            )
        })
        .collect();
    Execution::succeeded(Value::String("01".into()), notify)
}

/// ONT ID 2.0 describes a P-256 key this way (`keyType` in the contract's `owner.go`).
const P256_KEY_TYPE: &str = "EcdsaSecp256r1VerificationKey2019";

/// The DID document contexts every ONT ID 2.0 document starts with.
const DEFAULT_CONTEXTS: [&str; 2] = [
    "https://www.w3.org/ns/did/v1",
    "https://ontid.ont.io/did/v1",
];

/// `getPublicKeysJson`'s entries, in key order.
fn public_keys_json(did: &str, keys: &[PublicKey]) -> Vec<Value> {
    keys.iter()
        .enumerate()
        .map(|(i, key)| {
            json!({
                "id": format!("{did}#keys-{}", i + 1),
                "type": P256_KEY_TYPE,
                "controller": did,
                "publicKeyHex": key.to_hex(),
            })
        })
        .collect()
}

/// `getDocumentJson`'s document for an identity registered with its keys.
fn document_json(did: &str, keys: &[PublicKey]) -> Value {
    let authentication: Vec<Value> = (1..=keys.len())
        .map(|i| Value::String(format!("{did}#keys-{i}")))
        .collect();
    json!({
        "@context": DEFAULT_CONTEXTS,
        "id": did,
        "publicKey": public_keys_json(did, keys),
        "authentication": authentication,
        "controller": null,
        "recovery": null,
        "service": [],
        "attribute": null,
        "created": 0,
        "updated": 0,
        "proof": "",
    })
}

/// A query's successful answer: `bytes` as the hex `Result`.
fn answer(bytes: &[u8]) -> Execution {
    Execution::succeeded(Value::String(hex::encode(bytes)), Vec::new())
}

fn did_argument(call: &DecodedCall) -> Result<String, String> {
    match call.args.first() {
        Some(DecodedArg::Bytes(bytes)) => String::from_utf8(bytes.clone())
            .map_err(|_| "the ONT ID argument is not UTF-8".to_string()),
        _ => Err(format!("`{}` expects the ONT ID as bytes", call.method)),
    }
}

fn ontid(
    call: &DecodedCall,
    method: &str,
    registry: &Registry,
    witnesses: Option<&[Address]>,
) -> Execution {
    let did = match did_argument(call) {
        Ok(did) => did,
        Err(reason) => return Execution::failed(reason),
    };
    match method {
        "getPublicKeysJson" | "getDocumentJson" | "getKeyState" | "getAttributes"
        | "getControllerJson" | "getServiceJson" => ontid_v2_query(call, method, &did, registry),
        "getPublicKeys" | "getDDO" => match registry.get(&did) {
            Some(keys) => {
                let bytes = if method == "getDDO" {
                    encode_ddo(keys)
                } else {
                    encode_public_keys(keys)
                };
                Execution::succeeded(Value::String(hex::encode(bytes)), Vec::new())
            }
            None => Execution::failed(format!("{did} is not registered")),
        },
        "regIDWithPublicKey" => {
            if OntId::parse(&did).is_err() {
                return Execution::failed(format!("`{did}` is not an ONT ID"));
            }
            let key = match call.args.get(1) {
                Some(DecodedArg::Bytes(bytes)) if call.args.len() == 2 => {
                    match PublicKey::from_bytes(bytes) {
                        Ok(key) => key,
                        Err(e) => return Execution::failed(format!("public key: {e}")),
                    }
                }
                _ => {
                    return Execution::failed("regIDWithPublicKey expects [ontid, public key]");
                }
            };
            if registry.contains_key(&did) {
                return Execution::failed(format!("{did} is already registered"));
            }
            if let Some(witnesses) = witnesses {
                if !witnesses.contains(&Address::from_public_key(&key)) {
                    return Execution::failed(
                        "the registering key did not sign the transaction (CheckWitness failed)",
                    );
                }
            }
            let mut run = Execution::succeeded(
                Value::String("01".into()),
                vec![notification(&call.contract, json!(["Register", did]))],
            );
            run.effect = Some(Effect::RegisterIdentity { ontid: did, key });
            run
        }
        other => Execution::failed(format!(
            "the mock node's ONT ID contract has no method `{other}`"
        )),
    }
}

/// ONT ID 2.0's queries (see the module documentation).
fn ontid_v2_query(call: &DecodedCall, method: &str, did: &str, registry: &Registry) -> Execution {
    let Some(keys) = registry.get(did) else {
        // The contract's `isValid` check: an unknown identity answers nothing.
        return answer(b"");
    };
    match method {
        "getPublicKeysJson" => answer(
            Value::Array(public_keys_json(did, keys))
                .to_string()
                .as_bytes(),
        ),
        "getDocumentJson" => answer(document_json(did, keys).to_string().as_bytes()),
        "getKeyState" => {
            let index = call.args.get(1).and_then(DecodedArg::as_integer);
            match index {
                Some(i) if i >= 1 && usize::try_from(i).is_ok_and(|i| i <= keys.len()) => {
                    answer(b"in use")
                }
                Some(_) => Execution::failed("get key state failed: invalid key index"),
                None => Execution::failed("get key state failed: argument 1 error"),
            }
        }
        "getControllerJson" => answer(b"null"),
        // No attributes and no services are registered on the mock.
        _ => answer(b""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ontology::crypto::PrivateKey;
    use crate::protocol::ontology::invoke::{build_script, ArgValue, BytesOrigin, InvokeCall};
    use crate::protocol::ontology::tx::{Payload, TxType};

    fn tx_calling(contract: Address, method: &str, args: Vec<ArgValue>) -> Transaction {
        let call = InvokeCall {
            contract,
            method: method.into(),
            args,
            payer: None,
            gas_limit: 20_000,
            gas_price: 500,
        };
        Transaction {
            version: 0,
            tx_type: TxType::InvokeNeo,
            nonce: 1,
            gas_price: 500,
            gas_limit: 20_000,
            payer: Address([0; 20]),
            payload: Payload::Invoke {
                code: build_script(&call),
            },
            signatures: Vec::new(),
        }
    }

    fn native(id: u8) -> Address {
        let mut hash = [0u8; 20];
        hash[19] = id;
        Address(hash)
    }

    fn bytes(origin: BytesOrigin, bytes: &[u8]) -> ArgValue {
        ArgValue::Bytes {
            origin,
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn a_transfer_notifies_each_state_and_checks_the_sender_signed() {
        let from = Address::from_public_key(&PrivateKey::from_seed("from").public_key());
        let to = Address::from_public_key(&PrivateKey::from_seed("to").public_key());
        let tx = tx_calling(
            native(1),
            "transfer",
            vec![
                bytes(BytesOrigin::Address, &from.0),
                bytes(BytesOrigin::Address, &to.0),
                ArgValue::Integer {
                    value: 7,
                    long: false,
                },
            ],
        );
        let run = execute(&tx, &Registry::new(), Some(&[from]));
        assert_eq!(run.state(), 1);
        assert_eq!(
            run.notify,
            vec![json!({
                "ContractAddress": "0100000000000000000000000000000000000000",
                "States": ["transfer", from.to_base58(), to.to_base58(), 7]
            })]
        );
        let forged = execute(&tx, &Registry::new(), Some(&[to]));
        assert_eq!(forged.state(), 0);
        assert!(forged.failure.unwrap().contains("CheckWitness"));
        assert!(forged.notify.is_empty());
        // Pre-execution skips the witness check.
        assert_eq!(execute(&tx, &Registry::new(), None).state(), 1);
    }

    #[test]
    fn identity_queries_answer_the_registered_keys_and_fail_for_unknown_ids() {
        let key = PrivateKey::from_seed("id").public_key();
        let did = OntId::from_public_key(&key).to_string();
        let mut registry = Registry::new();
        registry.insert(did.clone(), vec![key]);
        let query = tx_calling(
            native(3),
            "getPublicKeys",
            vec![bytes(BytesOrigin::String, did.as_bytes())],
        );
        let run = execute(&query, &registry, None);
        let want = format!("0100000021{}", key.to_hex());
        assert_eq!(run.result, Value::String(want.clone()));
        let ddo = execute(
            &tx_calling(
                native(3),
                "getDDO",
                vec![bytes(BytesOrigin::String, did.as_bytes())],
            ),
            &registry,
            None,
        );
        assert_eq!(ddo.result, Value::String(format!("26{want}00000000")));
        assert_eq!(execute(&query, &Registry::new(), None).state(), 0);
    }

    fn ontid_call(method: &str, args: Vec<ArgValue>) -> Transaction {
        tx_calling(native(3), method, args)
    }

    fn utf8_result(run: &Execution) -> String {
        let bytes = hex::decode(run.result.as_str().unwrap_or("")).expect("hex");
        String::from_utf8(bytes).expect("UTF-8")
    }

    #[test]
    fn ontid_2_json_queries_answer_as_the_native_contract() {
        let key = PrivateKey::from_seed("id2").public_key();
        let did = OntId::from_public_key(&key).to_string();
        let mut registry = Registry::new();
        registry.insert(did.clone(), vec![key]);
        let did_arg = || bytes(BytesOrigin::String, did.as_bytes());
        let keys = execute(
            &ontid_call("getPublicKeysJson", vec![did_arg()]),
            &registry,
            None,
        );
        assert_eq!(keys.state(), 1);
        let keys: Value = serde_json::from_str(&utf8_result(&keys)).expect("JSON");
        assert_eq!(
            keys,
            json!([{"id": format!("{did}#keys-1"), "type": "EcdsaSecp256r1VerificationKey2019",
                    "controller": did, "publicKeyHex": key.to_hex()}])
        );
        let document = execute(
            &ontid_call("getDocumentJson", vec![did_arg()]),
            &registry,
            None,
        );
        let document: Value = serde_json::from_str(&utf8_result(&document)).expect("JSON");
        assert_eq!(document["id"], did.as_str());
        assert_eq!(document["@context"][1], "https://ontid.ont.io/did/v1");
        assert_eq!(document["publicKey"], keys);
        assert_eq!(document["authentication"], json!([format!("{did}#keys-1")]));
        let state = |index: i64| {
            execute(
                &ontid_call(
                    "getKeyState",
                    vec![
                        did_arg(),
                        ArgValue::Integer {
                            value: index,
                            long: false,
                        },
                    ],
                ),
                &registry,
                None,
            )
        };
        assert_eq!(utf8_result(&state(1)), "in use");
        assert_eq!(state(2).state(), 0);
        assert_eq!(state(0).state(), 0);
        let controller = execute(
            &ontid_call("getControllerJson", vec![did_arg()]),
            &registry,
            None,
        );
        assert_eq!(utf8_result(&controller), "null");
        // An identity that is not registered: success with nothing, as `isValid` makes it.
        for method in ["getPublicKeysJson", "getDocumentJson", "getAttributes"] {
            let run = execute(&ontid_call(method, vec![did_arg()]), &Registry::new(), None);
            assert_eq!(
                (run.state(), run.result.clone()),
                (1, json!("")),
                "{method}"
            );
        }
        let unknown = execute(&ontid_call("getNothing", vec![did_arg()]), &registry, None);
        assert!(unknown.failure.is_some_and(|f| f.contains("getNothing")));
    }

    #[test]
    fn other_contracts_get_a_generic_notification() {
        let contract = Address([0xab; 20]);
        let tx = tx_calling(
            contract,
            "put",
            vec![
                bytes(BytesOrigin::String, b"k"),
                ArgValue::Integer {
                    value: 256,
                    long: false,
                },
                ArgValue::Bool(true),
            ],
        );
        let run = execute(&tx, &Registry::new(), Some(&[]));
        assert_eq!(
            run.notify,
            vec![json!({
                "ContractAddress": contract.to_display_hex(),
                "States": ["707574", "6b", "0001", "01"]
            })]
        );
    }

    #[test]
    fn an_unreadable_script_fails_execution_with_the_reason() {
        let mut tx = tx_calling(native(1), "transfer", Vec::new());
        tx.payload = Payload::Invoke {
            code: vec![0xff, 0x00],
        };
        let run = execute(&tx, &Registry::new(), None);
        assert_eq!(run.state(), 0);
        assert!(run.failure.unwrap().contains("cannot be executed"));
    }
}
