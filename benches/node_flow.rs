//! The invoke flow a dApp and a wallet drive through the mock node, over loopback HTTP:
//! build the transaction from an invokeConfig, sign it as the payer, send it, and query its
//! event, once on REST and once on JSON-RPC. The node runs in-process on ephemeral ports;
//! each iteration uses a fresh nonce so that no send is a duplicate.
//!
//! Flows per second = 1 / the median time of one iteration.
//!
//! Run: `cargo bench --bench node_flow`.

use std::sync::atomic::{AtomicU32, Ordering};

use qrconform::chain::ontology::client::{NodeApi, NodeClient};
use qrconform::chain::ontology::{self as node, Node, NodeConfig, RunningNode};
use qrconform::net::{ClientLimits, HttpClient};
use qrconform::protocol::ontology::crypto::{Address, PrivateKey};
use qrconform::protocol::ontology::invoke::{build_script, parse_config, InvokeCall};
use qrconform::protocol::ontology::tx::{Payload, Transaction, TxType};
use serde_json::json;
use tokio::runtime::Runtime;

fn main() {
    divan::main();
}

struct Fixture {
    runtime: Runtime,
    running: RunningNode,
    key: PrivateKey,
    call: InvokeCall,
    nonce: AtomicU32,
}

fn fixture() -> Fixture {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let running = runtime
        .block_on(node::start(
            Node::new(NodeConfig::default()),
            "127.0.0.1:0".parse().expect("addr"),
            "127.0.0.1:0".parse().expect("addr"),
        ))
        .expect("the node starts");
    let key = PrivateKey::from_seed("bench/wallet");
    let from = Address::from_public_key(&key.public_key()).to_base58();
    let config = json!({
        "contractHash": "0200000000000000000000000000000000000000",
        "functions": [{"operation": "transfer", "args": [
            {"name": "from", "value": format!("Address:{from}")},
            {"name": "to", "value": "Address:AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ"},
            {"name": "amount", "value": 1000000000},
        ]}],
        "gasLimit": 20000,
        "gasPrice": 500,
    });
    let call = parse_config(&config).expect("config");
    Fixture {
        runtime,
        running,
        key,
        call,
        nonce: AtomicU32::new(1),
    }
}

fn flow(bencher: divan::Bencher, api: NodeApi) {
    let fx = fixture();
    let base = match api {
        NodeApi::Rest => fx.running.rest_url(),
        NodeApi::Rpc => fx.running.rpc_url(),
    };
    let client = NodeClient::new(api, &base, HttpClient::new(ClientLimits::default()));
    bencher.bench_local(|| {
        let mut tx = Transaction {
            version: 0,
            tx_type: TxType::InvokeNeo,
            nonce: fx.nonce.fetch_add(1, Ordering::Relaxed),
            gas_price: fx.call.gas_price,
            gas_limit: fx.call.gas_limit,
            payer: Address::from_public_key(&fx.key.public_key()),
            payload: Payload::Invoke {
                code: build_script(&fx.call),
            },
            signatures: Vec::new(),
        };
        tx.sign_single(&fx.key).expect("sign");
        fx.runtime.block_on(async {
            let hash = client.send_raw(&tx.to_hex()).await.expect("send");
            let event = client.event(&hash).await.expect("query").expect("event");
            assert_eq!(event["State"], 1);
        });
    });
}

/// Build + sign + REST send + REST event query.
#[divan::bench(sample_count = 200)]
fn build_sign_send_query_rest(bencher: divan::Bencher) {
    flow(bencher, NodeApi::Rest);
}

/// Build + sign + JSON-RPC send + JSON-RPC event query.
#[divan::bench(sample_count = 200)]
fn build_sign_send_query_rpc(bencher: divan::Bencher) {
    flow(bencher, NodeApi::Rpc);
}
