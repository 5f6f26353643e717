//! What the Ontology node benches share: the node started in-process on ephemeral loopback
//! ports, the ONG transfer they invoke, and its transaction signed by the payer.

use qrconform::chain::ontology::{self as ontology, Node, NodeConfig, RunningNode};
use qrconform::protocol::ontology::crypto::{Address, PrivateKey};
use qrconform::protocol::ontology::invoke::{parse_config, InvokeCall};
use qrconform::protocol::ontology::tx::{Payload, Transaction, TxType};
use serde_json::json;
use tokio::runtime::Runtime;

/// The mock Ontology node on `runtime`, REST and JSON-RPC on ports the OS chooses.
pub fn start_ontology_node(runtime: &Runtime) -> RunningNode {
    runtime
        .block_on(ontology::start(
            Node::new(NodeConfig::default()),
            "127.0.0.1:0".parse().expect("addr"),
            "127.0.0.1:0".parse().expect("addr"),
        ))
        .expect("the Ontology node starts")
}

/// An ONG transfer of `amount` from `key`'s address, as a dApp's invokeConfig asks for it.
pub fn transfer_call(key: &PrivateKey, amount: u64) -> InvokeCall {
    let from = Address::from_public_key(&key.public_key()).to_base58();
    let config = json!({
        "contractHash": "0200000000000000000000000000000000000000",
        "functions": [{"operation": "transfer", "args": [
            {"name": "from", "value": format!("Address:{from}")},
            {"name": "to", "value": "Address:AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ"},
            {"name": "amount", "value": amount},
        ]}],
        "gasLimit": 20000,
        "gasPrice": 500,
    });
    parse_config(&config).expect("config")
}

/// The invoke transaction of `call` running `code`, with `nonce`, paid and signed by `key`.
pub fn signed_invoke(
    key: &PrivateKey,
    call: &InvokeCall,
    code: Vec<u8>,
    nonce: u32,
) -> Transaction {
    let mut tx = Transaction {
        version: 0,
        tx_type: TxType::InvokeNeo,
        nonce,
        gas_price: call.gas_price,
        gas_limit: call.gas_limit,
        payer: Address::from_public_key(&key.public_key()),
        payload: Payload::Invoke { code },
        signatures: Vec::new(),
    };
    tx.sign_single(key).expect("sign");
    tx
}
