//! Bounded state whatever a peer sends (profile H-5), over real loopback HTTP: each record a
//! peer can write to (the mock Ontology node's, the mock EOS node's, the harness dApp's) is
//! flooded past its bound, and stays at its bound with the dropped requests counted, bodies
//! cut to their cap with their full length kept, and a window opened before the flood still
//! reading the right requests.
//!
//! Nothing here is timed: the memory a flood costs is measured separately (docs/bounds.md).

use std::net::SocketAddr;
use std::time::Duration;

use qrconform::chain::eos::{self, EosNodeConfig};
use qrconform::chain::ontology::{self as node, Action, Api, Node, NodeConfig};
use qrconform::chain::request_log::{
    MAX_RECORDED_REQUESTS, RECORDED_BODY_BYTES, RECORDED_FIELD_BYTES,
};
use qrconform::harness::harness_dapp::{
    self as harness_dapp, HarnessDapp, MAX_ICON_FETCHES, MAX_OPEN_CASES, MAX_RECEIVED_PER_CASE,
};
use qrconform::net::{ClientLimits, HttpClient};
use serde_json::json;

fn http() -> HttpClient {
    HttpClient::new(ClientLimits {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(30),
        max_body: 1 << 20,
    })
}

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().expect("an address")
}

/// More requests than a node's record keeps.
const FLOOD: usize = MAX_RECORDED_REQUESTS + 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ontology_node_keeps_the_last_requests_and_counts_the_rest() {
    let running = node::start(Node::new(NodeConfig::default()), loopback(), loopback())
        .await
        .expect("the node starts");
    let http = http();
    // Garbage `Data`, larger than the kept body.
    let body = json!({"Action": "sendrawtransaction", "Version": "1.0.0",
        "Data": format!("zz{}", "ab".repeat(RECORDED_BODY_BYTES))})
    .to_string()
    .into_bytes();
    let url = format!("{}/api/v1/transaction", running.rest_url());
    let mark = running.node.request_mark();
    for _ in 0..FLOOD {
        let reply = http.post_json(&url, body.clone()).await.expect("an answer");
        assert_eq!(reply.status, 200);
    }
    // A method name and a hash as long as a body are cut like one.
    let long = "m".repeat(100_000);
    let rpc = json!({"jsonrpc": "2.0", "method": "getsmartcodeevent", "params": [long], "id": 1});
    http.post_json(&running.rpc_url(), rpc.to_string().into_bytes())
        .await
        .expect("an answer");
    let event = running.node.requests().pop().expect("kept");
    assert!(event
        .tx_hash
        .is_some_and(|h| h.len() <= RECORDED_FIELD_BYTES));
    let rpc = json!({"jsonrpc": "2.0", "method": long, "params": [], "id": 1});
    http.post_json(&running.rpc_url(), rpc.to_string().into_bytes())
        .await
        .expect("an answer");
    let unknown = running.node.requests().pop().expect("kept");
    assert!(unknown.target.len() <= RECORDED_FIELD_BYTES);
    // One more on the other API: the newest request is kept whatever came before.
    let rpc = json!({"jsonrpc": "2.0", "method": "getblockcount", "params": [], "id": 1});
    http.post_json(&running.rpc_url(), rpc.to_string().into_bytes())
        .await
        .expect("an answer");

    let sent = FLOOD as u64 + 3;
    let record = running.node.requests();
    assert_eq!(record.len(), MAX_RECORDED_REQUESTS);
    assert_eq!(
        running.node.dropped_requests(),
        sent - MAX_RECORDED_REQUESTS as u64
    );
    let sends = &record[..record.len() - 3];
    for r in sends {
        assert_eq!(r.action, Action::SendRawTransaction);
        assert_eq!(r.error, 42002);
        assert!(r.body.len() <= RECORDED_BODY_BYTES);
        assert_eq!(r.body_len, body.len());
    }
    let last = record.last().expect("kept");
    assert_eq!((last.api, last.action), (Api::Rpc, Action::GetHeight));
    assert_eq!(last.seq, sent - 1);
    // Sequence numbers keep counting: the window opened before the flood holds exactly the
    // kept requests, and says how many of its own were dropped.
    let (window, dropped) = running.node.requests_since(mark);
    assert_eq!(window.len(), MAX_RECORDED_REQUESTS);
    assert_eq!(dropped, sent - MAX_RECORDED_REQUESTS as u64);
    assert_eq!(window[0].seq, mark + dropped);
    running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eos_node_keeps_text_not_parsed_json_and_counts_the_rest() {
    let running = eos::start(EosNodeConfig::demo(), loopback())
        .await
        .expect("started");
    let node = running.node();
    let http = http();
    // A JSON array larger than the kept body: nodeos refuses it (not an object).
    let huge = format!("[{}0]", "0,".repeat(RECORDED_BODY_BYTES)).into_bytes();
    let url = format!("{}/v1/chain/push_transaction", running.base_url());
    let mark = node.record_mark();
    for _ in 0..FLOOD {
        let reply = http
            .post_raw(&url, "application/json", huge.clone())
            .await
            .expect("an answer");
        assert_eq!(reply.status, 400);
    }
    let record = node.record();
    assert_eq!(record.len(), MAX_RECORDED_REQUESTS);
    assert_eq!(
        node.dropped_requests(),
        (FLOOD - MAX_RECORDED_REQUESTS) as u64
    );
    for r in &record {
        assert_eq!(r.body.len(), RECORDED_BODY_BYTES);
        assert_eq!(r.body_len, huge.len());
        assert!(r.body_cut());
        assert_eq!(r.body_json(), None);
        assert_eq!(r.error_name(), Some("invalid_http_request"));
    }
    let (window, dropped) = node.record_since(mark);
    assert_eq!(window.len(), MAX_RECORDED_REQUESTS);
    assert_eq!(dropped, (FLOOD - MAX_RECORDED_REQUESTS) as u64);

    // A window opened after the flood sees only its own request, whole and readable.
    let late = node.record_mark();
    let reply = http
        .post_raw(
            &format!("{}/v1/chain/get_account", running.base_url()),
            "application/json",
            br#"{"account_name":"useraaaaaaaa"}"#.to_vec(),
        )
        .await
        .expect("an answer");
    assert_eq!(reply.status, 200);
    let (window, dropped) = node.record_since(late);
    assert_eq!((window.len(), dropped), (1, 0));
    assert_eq!(
        window[0].body_json().expect("JSON")["account_name"],
        "useraaaaaaaa"
    );
    running.shutdown().await;
}

/// A case's answer replaces the success for its own token only, and leaves with its case when
/// the record drops it, so the answers a run sets stay bounded too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_answer_is_its_own_and_leaves_with_its_case() {
    let harness = HarnessDapp::start(
        loopback(),
        None,
        qrconform::harness::ontology::wallet_suite::ontology_success,
    )
    .await
    .expect("started");
    let http = http();
    let answers = [
        harness_dapp::Answer::Json(json!({"code": 1, "error": "no"})),
        harness_dapp::Answer::NotJson {
            content_type: "text/html",
            body: "<html></html>".into(),
        },
        harness_dapp::Answer::Redirect("http://127.0.0.1:9/elsewhere".into()),
    ];
    for (i, answer) in answers.iter().enumerate() {
        harness.answer_with(&format!("odd-{i}"), answer.clone());
    }
    harness.open_case("plain");
    let post = |token: &str| {
        let url = harness.callback_url(token);
        let http = http.clone();
        async move {
            http.post_json(&url, b"{}".to_vec())
                .await
                .expect("an answer")
        }
    };
    let reply = post("odd-0").await;
    assert_eq!(
        (reply.status, reply.body.as_slice()),
        (200, &br#"{"code":1,"error":"no"}"#[..])
    );
    let reply = post("odd-1").await;
    assert_eq!(reply.content_type.as_deref(), Some("text/html"));
    assert_eq!(post("odd-2").await.status, 302);
    let plain = post("plain").await;
    assert_eq!(plain.status, 200);
    assert_ne!(plain.body, br#"{"code":1,"error":"no"}"#.to_vec());
    // Opening more cases than the record keeps drops the oldest, its answer with it.
    for i in 0..MAX_OPEN_CASES {
        harness.open_case(&format!("later-{i}"));
    }
    harness.open_case("odd-0");
    assert_ne!(
        post("odd-0").await.body,
        br#"{"code":1,"error":"no"}"#.to_vec()
    );
    harness.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_harness_dapp_keeps_open_cases_only_and_counts_the_rest() {
    let harness = HarnessDapp::start(
        loopback(),
        None,
        qrconform::harness::ontology::wallet_suite::ontology_success,
    )
    .await
    .expect("started");
    let http = http();
    let token = "case-one";
    harness.open_case(token);
    let callback = harness.callback_url(token);

    // Flood the case's callback: small posts, then a few larger than the kept body.
    let posts = 40;
    for i in 0..posts {
        let body = if i % 10 == 9 {
            vec![b'x'; harness_dapp::RECORDED_BODY_BYTES + 1000]
        } else {
            json!({"action": "login", "n": i}).to_string().into_bytes()
        };
        let reply = http.post_json(&callback, body).await.expect("an answer");
        assert_eq!(reply.status, 200);
    }
    let received = harness.received(token);
    assert_eq!(received.len(), MAX_RECEIVED_PER_CASE);
    assert_eq!(
        harness.dropped(token),
        (posts - MAX_RECEIVED_PER_CASE) as u64
    );
    let last = received.last().expect("kept");
    assert!(last.truncated, "the last post was the large one");
    assert_eq!(last.body.len(), harness_dapp::RECORDED_BODY_BYTES);
    assert_eq!(
        received[received.len() - 2].json().expect("JSON")["n"],
        posts - 2
    );

    // Unknown tokens and paths are counted, never stored.
    let base = harness.public_url().to_string();
    let unknown = 60;
    for i in 0..unknown / 2 {
        let reply = http
            .post_json(&format!("{base}/callback/stranger-{i}"), vec![b'{'; 4096])
            .await
            .expect("an answer");
        assert_eq!(reply.status, 200);
        let reply = http
            .post_json(&format!("{base}/nowhere/{i}"), vec![b'y'; 4096])
            .await
            .expect("an answer");
        assert_eq!(reply.status, 404);
    }
    assert_eq!(harness.unknown_requests(), unknown as u64);
    assert!(harness.received(&format!("stranger-{}", 0)).is_empty());

    // Icon fetches are kept, bounded.
    for _ in 0..MAX_ICON_FETCHES + 5 {
        http.get(&format!("{base}/icon.png"))
            .await
            .expect("an answer");
    }
    let (icons, dropped) = harness.icon_fetches();
    assert_eq!(icons.len(), MAX_ICON_FETCHES);
    assert_eq!(dropped, 5);

    // Opening more cases than kept closes the oldest: its record goes.
    for i in 0..MAX_OPEN_CASES {
        harness.open_case(&format!("later-{i}"));
    }
    assert!(harness.received(token).is_empty());
    let reply = http
        .post_json(&callback, b"{}".to_vec())
        .await
        .expect("an answer");
    assert_eq!(reply.status, 200);
    assert!(harness.received(token).is_empty());
    assert_eq!(harness.unknown_requests(), unknown as u64 + 1);
    harness.shutdown().await;
}
