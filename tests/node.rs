//! The mock Ontology node over real loopback HTTP (ONT-N1…ONT-N4).
//!
//! `serve_node_answers_like_the_real_node_on_rest_and_rpc` starts the binary as a user does
//! (`qrconform serve node --rest 127.0.0.1:0 --rpc 127.0.0.1:0`), reads the printed ports and
//! runs one scenario on each API: pre-execute a built transfer, send it, query its event,
//! resend it, send one signed by a key that is not the payer, query an unknown hash. The other
//! tests run the node in-process to switch its behaviours and read its request record.

mod common;

use std::time::Duration;

use qrconform::chain::ontology::client::{NodeApi, NodeClient, NodeClientError};
use qrconform::chain::ontology::{self as node, Action, Api, Node, NodeConfig};
use qrconform::net::{ClientLimits, HttpClient};
use qrconform::protocol::ontology::crypto::{Address, OntId, PrivateKey};
use qrconform::protocol::ontology::invoke::{build_script, parse_config};
use qrconform::protocol::ontology::tx::{Payload, Transaction, TxType};
use serde_json::{json, Value};

const ONT: &str = "0100000000000000000000000000000000000000";

/// The binary running `serve node`, and the two addresses it printed.
struct ServedNode {
    _served: common::Served,
    rest: String,
    rpc: String,
}

fn serve_node() -> ServedNode {
    let served = common::Served::start(
        &[
            "serve",
            "node",
            "--rest",
            "127.0.0.1:0",
            "--rpc",
            "127.0.0.1:0",
        ],
        "Ctrl-C",
    );
    ServedNode {
        rest: served.value("REST listening on "),
        rpc: served.value("JSON-RPC listening on "),
        _served: served,
    }
}

fn http() -> HttpClient {
    HttpClient::new(ClientLimits {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(10),
        max_body: 1 << 20,
    })
}

/// The transaction a wallet builds for an ONT transfer config, signed by `signer` while
/// `payer` pays.
fn transfer(signer: &PrivateKey, payer: &PrivateKey, nonce: u32, amount: i64) -> Transaction {
    let from = Address::from_public_key(&signer.public_key()).to_base58();
    let to = Address::from_public_key(&PrivateKey::from_seed("recipient").public_key()).to_base58();
    let config = json!({
        "contractHash": ONT,
        "functions": [{"operation": "transfer", "args": [
            {"name": "from", "value": format!("Address:{from}")},
            {"name": "to", "value": format!("Address:{to}")},
            {"name": "amount", "value": amount},
        ]}],
        "gasLimit": 20000,
        "gasPrice": 500,
    });
    let call = parse_config(&config).expect("the config parses");
    let mut tx = Transaction {
        version: 0,
        tx_type: TxType::InvokeNeo,
        nonce,
        gas_price: call.gas_price,
        gas_limit: call.gas_limit,
        payer: Address::from_public_key(&payer.public_key()),
        payload: Payload::Invoke {
            code: build_script(&call),
        },
        signatures: Vec::new(),
    };
    tx.sign_single(signer).expect("signing");
    tx
}

fn assert_schema(kind: &str, value: &Value) {
    let violations = qrconform::schema::validate(kind, value).expect("known schema");
    assert!(violations.is_empty(), "{kind}: {violations:?} in {value}");
}

fn refused(result: Result<impl std::fmt::Debug, NodeClientError>) -> i64 {
    match result {
        Err(e) => e
            .node_error()
            .unwrap_or_else(|| panic!("not a node refusal: {e}")),
        Ok(v) => panic!("accepted: {v:?}"),
    }
}

/// The scenario the issue names, on one API. `nonce` keeps the two APIs' transactions apart.
async fn scenario(client: &NodeClient, nonce: u32) {
    let api = client.api().name();
    let wallet = PrivateKey::from_seed("node-test/wallet");
    let stranger = PrivateKey::from_seed("node-test/stranger");
    let tx = transfer(&wallet, &wallet, nonce, 7);
    let hex = tx.to_hex();
    let height_before = client.height().await.expect("height");

    // Pre-execution shows the transfer.
    let pre = client.pre_execute(&hex).await.expect("pre-execution");
    assert_schema("node.preexec", &pre);
    assert_eq!(pre["State"], 1, "{api}");
    assert_eq!(pre["Notify"][0]["ContractAddress"], ONT, "{api}");
    let from = Address::from_public_key(&wallet.public_key()).to_base58();
    assert_eq!(pre["Notify"][0]["States"][0], "transfer", "{api}");
    assert_eq!(
        pre["Notify"][0]["States"][1],
        Value::from(from.clone()),
        "{api}"
    );
    assert_eq!(pre["Notify"][0]["States"][3], 7, "{api}");
    assert_eq!(
        client.height().await.expect("height"),
        height_before,
        "{api}: pre-execution commits nothing"
    );

    // Send: the display hash comes back.
    let hash = client.send_raw(&hex).await.expect("send");
    assert_eq!(hash, tx.display_hash(), "{api}");
    assert_eq!(
        client.height().await.expect("height"),
        height_before + 1,
        "{api}"
    );

    // Its event: State 1 with the transfer.
    let event = client
        .event(&hash)
        .await
        .expect("event query")
        .expect("event exists");
    assert_schema("node.event", &event);
    assert_eq!(event["TxHash"], Value::from(hash.clone()), "{api}");
    assert_eq!(event["State"], 1, "{api}");
    assert_eq!(event["Notify"][0]["States"][1], Value::from(from), "{api}");

    // Resend: duplicate.
    assert_eq!(refused(client.send_raw(&hex).await), 45002, "{api}");

    // Signed by a key that is not the payer's.
    let foreign = transfer(&stranger, &wallet, nonce + 1, 7);
    assert_eq!(
        refused(client.send_raw(&foreign.to_hex()).await),
        45021,
        "{api}"
    );
    assert_eq!(
        client
            .event(&foreign.display_hash())
            .await
            .expect("event query"),
        None,
        "{api}: a refused transaction has no event"
    );

    // An unknown hash: no event.
    assert_eq!(
        client.event(&"ab".repeat(32)).await.expect("event query"),
        None,
        "{api}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_node_answers_like_the_real_node_on_rest_and_rpc() {
    let served = serve_node();
    let rest = NodeClient::new(NodeApi::Rest, &served.rest, http());
    let rpc = NodeClient::new(NodeApi::Rpc, &served.rpc, http());
    scenario(&rest, 100).await;
    scenario(&rpc, 200).await;

    // The exact not-found forms (ontology-dapi.md §7).
    let unknown = "cd".repeat(32);
    let reply = http()
        .get(&format!(
            "{}/api/v1/smartcode/event/txhash/{unknown}",
            served.rest
        ))
        .await
        .expect("REST event");
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/json;charset=utf-8")
    );
    let envelope: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_schema("node.rest.envelope", &envelope);
    assert_eq!(
        envelope,
        json!({"Action": "getsmartcodeeventbyhash", "Desc": "SUCCESS", "Error": 0, "Result": "", "Version": "1.0.0"})
    );
    let reply = http()
        .post_json(
            &format!("{}/", served.rpc),
            json!({"jsonrpc": "2.0", "method": "getsmartcodeevent", "params": [unknown], "id": "q1"})
                .to_string()
                .into_bytes(),
        )
        .await
        .expect("RPC event");
    let answer: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_schema("node.rpc.response", &answer);
    assert_eq!(
        answer,
        json!({"jsonrpc": "2.0", "error": 0, "desc": "SUCCESS", "result": null, "id": "q1"})
    );

    // A transaction the node does not have is 44001 on the transaction route.
    let reply = http()
        .get(&format!("{}/api/v1/transaction/{unknown}", served.rest))
        .await
        .expect("REST transaction");
    let envelope: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_eq!(envelope["Error"], 44001);
    assert_eq!(envelope["Desc"], "UNKNOWN TRANSACTION");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_the_real_node_codes() {
    let running = node::start(
        Node::new(NodeConfig::default()),
        "127.0.0.1:0".parse().unwrap(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("the node starts");
    let http = http();
    let rest_send = format!("{}/api/v1/transaction", running.rest_url());
    let send = |body: &'static str| {
        let http = http.clone();
        let url = rest_send.clone();
        async move {
            let reply = http
                .post_json(&url, body.as_bytes().to_vec())
                .await
                .expect("reply");
            serde_json::from_slice::<Value>(&reply.body).expect("JSON")["Error"].clone()
        }
    };
    assert_eq!(send("not json").await, 41003);
    assert_eq!(send(r#"{"Action":"sendrawtransaction"}"#).await, 42002);
    assert_eq!(send(r#"{"Data":"zz"}"#).await, 42002);
    assert_eq!(send(r#"{"Data":"00d1"}"#).await, 43001);

    let reply = http
        .get(&format!("{}/api/v1/nothing", running.rest_url()))
        .await
        .expect("reply");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body, b"404 page not found\n");

    let rpc = format!("{}/", running.rpc_url());
    let call = |body: Value| {
        let http = http.clone();
        let url = rpc.clone();
        async move {
            let reply = http
                .post_json(&url, body.to_string().into_bytes())
                .await
                .expect("reply");
            serde_json::from_slice::<Value>(&reply.body).expect("JSON")
        }
    };
    assert_eq!(
        call(json!({"jsonrpc": "2.0", "method": "nosuchmethod", "params": [], "id": 3})).await,
        json!({"error": 42001, "result": {"code": -32601, "message": "Method not found",
            "data": "The called method was not found on the server"}, "id": 3})
    );
    let bad =
        call(json!({"jsonrpc": "2.0", "method": "getsmartcodeevent", "params": [true], "id": 4}))
            .await;
    assert_eq!(bad["error"], 42002);
    assert_eq!(
        call(json!({"jsonrpc": "2.0", "method": "getblockcount", "params": [], "id": 5})).await
            ["result"],
        1
    );

    // Every one of those requests is in the record, on the API that carried it.
    let record = running.node.requests();
    assert_eq!(record.iter().filter(|r| r.api == Api::Rest).count(), 5);
    assert_eq!(record.iter().filter(|r| r.api == Api::Rpc).count(), 3);
    assert_eq!(record[0].error, 41003);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behaviours_switch_for_one_send_and_the_record_answers_who_asked() {
    let running = node::start(
        Node::new(NodeConfig::default()),
        "127.0.0.1:0".parse().unwrap(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("the node starts");
    let node = running.node.clone();
    let rest = NodeClient::new(NodeApi::Rest, &running.rest_url(), http());
    let rpc = NodeClient::new(NodeApi::Rpc, &running.rpc_url(), http());
    let wallet = PrivateKey::from_seed("node-test/behaviours");

    // Fail the next send: refused with the chosen code, then the same bytes go through.
    node.fail_next_send(45016);
    let first = transfer(&wallet, &wallet, 1, 1);
    assert_eq!(refused(rest.send_raw(&first.to_hex()).await), 45016);
    assert_eq!(
        rest.send_raw(&first.to_hex()).await.expect("send"),
        first.display_hash()
    );

    // State 0 for the next execution.
    node.fail_next_execution();
    let second = transfer(&wallet, &wallet, 2, 1);
    let hash = rpc.send_raw(&second.to_hex()).await.expect("send");
    let event = rpc.event(&hash).await.expect("query").expect("event");
    assert_eq!(event["State"], 0);
    assert_eq!(event["Notify"], Value::Null);

    // A delayed event: absent at first, present once the delay has passed.
    node.delay_next_event(Duration::from_millis(300));
    let third = transfer(&wallet, &wallet, 3, 1);
    let hash = rest.send_raw(&third.to_hex()).await.expect("send");
    assert_eq!(rest.event(&hash).await.expect("query"), None);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let event = loop {
        if let Some(event) = rest.event(&hash).await.expect("query") {
            break event;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the delayed event never appeared"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(event["State"], 1);

    // A transfer whose `from` did not sign executes with State 0 (CheckWitness).
    let stranger = PrivateKey::from_seed("node-test/stranger");
    let mut forged = transfer(&wallet, &stranger, 4, 1);
    forged.signatures.clear();
    forged.sign_single(&stranger).expect("sign");
    let hash = rest
        .send_raw(&forged.to_hex())
        .await
        .expect("payer signed, so accepted");
    assert_eq!(
        rest.event(&hash).await.expect("query").expect("event")["State"],
        0
    );

    // The record: who asked for which event, on which API.
    assert!(node.event_queried(&second.display_hash()));
    assert!(node.event_queried(&second.display_hash().to_uppercase()));
    assert!(!node.event_queried(&"00".repeat(32)));
    let asked = node
        .wait_for_request(Duration::from_secs(5), |r| {
            r.api == Api::Rpc && r.action == Action::GetEvent
        })
        .await
        .expect("the RPC event query is recorded");
    assert_eq!(asked.target, "getsmartcodeevent");
    assert_eq!(
        asked.tx_hash.as_deref(),
        Some(second.display_hash().as_str())
    );

    // Waiting for a request that comes later wakes on arrival, not on a timer.
    let later = transfer(&wallet, &wallet, 5, 1).display_hash();
    let waiter = {
        let node = node.clone();
        let later = later.clone();
        tokio::spawn(async move {
            node.wait_for_request(Duration::from_secs(10), |r| {
                r.tx_hash.as_deref() == Some(later.as_str())
            })
            .await
        })
    };
    let _ = rpc.event(&later).await.expect("query");
    assert!(waiter.await.expect("join").is_some());
    assert!(node
        .wait_for_request(Duration::from_millis(50), |r| r.target == "never")
        .await
        .is_none());
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identities_resolve_through_pre_executed_look_ups() {
    let config = NodeConfig::demo();
    let (demo_id, demo_keys) = config.identities[0].clone();
    let running = node::start(
        Node::new(config),
        "127.0.0.1:0".parse().unwrap(),
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .expect("the node starts");
    for client in [
        NodeClient::new(NodeApi::Rest, &running.rest_url(), http()),
        NodeClient::new(NodeApi::Rpc, &running.rpc_url(), http()),
    ] {
        let keys = client
            .identity_keys(&demo_id.to_string())
            .await
            .expect("look-up");
        assert_eq!(keys, demo_keys);
        assert_eq!(
            refused(client.identity_keys("did:ont:AUnknownIdentity").await),
            47001
        );
    }

    // An identity registered at run time, with a key that does not derive its ONT ID
    // (ONT-L7 allows that).
    let key = PrivateKey::from_seed("node-test/identity").public_key();
    let ontid = OntId::from_public_key(&PrivateKey::from_seed("node-test/other").public_key());
    running.node.register_identity(&ontid, vec![key]);
    let rest = NodeClient::new(NodeApi::Rest, &running.rest_url(), http());
    assert_eq!(
        rest.identity_keys(&ontid.to_string())
            .await
            .expect("look-up"),
        vec![key]
    );

    // Registration on chain: regIDWithPublicKey signed by the key.
    let owner = PrivateKey::from_seed("node-test/registrant");
    let did = OntId::from_public_key(&owner.public_key()).to_string();
    let config = json!({
        "contractHash": "0300000000000000000000000000000000000000",
        "functions": [{"operation": "regIDWithPublicKey", "args": [
            {"name": "ontid", "value": format!("String:{did}")},
            {"name": "publicKey", "value": format!("ByteArray:{}", owner.public_key().to_hex())},
        ]}],
        "gasLimit": 20000, "gasPrice": 500,
    });
    let call = parse_config(&config).expect("config");
    let mut tx = Transaction {
        version: 0,
        tx_type: TxType::InvokeNeo,
        nonce: 9,
        gas_price: 500,
        gas_limit: 20000,
        payer: Address::from_public_key(&owner.public_key()),
        payload: Payload::Invoke {
            code: build_script(&call),
        },
        signatures: Vec::new(),
    };
    tx.sign_single(&owner).expect("sign");
    let hash = rest.send_raw(&tx.to_hex()).await.expect("send");
    let event = rest.event(&hash).await.expect("query").expect("event");
    assert_eq!(event["Notify"][0]["States"], json!(["Register", did]));
    assert_eq!(
        rest.identity_keys(&did).await.expect("look-up"),
        vec![owner.public_key()]
    );
    running.shutdown().await;
}
