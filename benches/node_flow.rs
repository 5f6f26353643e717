//! The invoke flow a dApp and a wallet drive through the mock node, over loopback HTTP:
//! build the transaction from an invokeConfig, sign it as the payer, send it, and query its
//! event, once on REST and once on JSON-RPC. The node runs in-process on ephemeral ports;
//! each iteration uses a fresh nonce so that no send is a duplicate.
//!
//! Flows per second = 1 / the median time of one iteration.
//!
//! Run: `cargo bench --bench node_flow`.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use common::{signed_invoke, start_ontology_node, transfer_call};
use qrconform::chain::ontology::client::{NodeApi, NodeClient};
use qrconform::chain::ontology::RunningNode;
use qrconform::net::{ClientLimits, HttpClient};
use qrconform::protocol::ontology::crypto::PrivateKey;
use qrconform::protocol::ontology::invoke::{build_script, InvokeCall};
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
    let running = start_ontology_node(&runtime);
    let key = PrivateKey::from_seed("bench/wallet");
    let call = transfer_call(&key, 1000000000);
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
        let tx = signed_invoke(
            &fx.key,
            &fx.call,
            build_script(&fx.call),
            fx.nonce.fetch_add(1, Ordering::Relaxed),
        );
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
