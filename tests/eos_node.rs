//! The mock EOS node over real loopback HTTP (SW-N1).
//!
//! `serve_node_eos_answers_like_nodeos` starts the binary as a user does (`qrconform serve
//! node --protocol eos --port 0`), reads the printed address and demo keys, and runs the
//! chain's whole surface through the client: info, accounts, MYKEY keydata, a signed transfer
//! pushed and found in history, and every refusal of a push. The other tests run the node
//! in-process to plant transactions, switch behaviours, move its clock and read its record.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{eos_transfer, http, name};
use qrconform::chain::eos::client::{transaction_for, ChainInfo, EosClient, EosClientError};
use qrconform::chain::eos::{
    self, AccountSpec, EosNodeConfig, KeyDataRow, MykeyAccountSpec, NodeError, Outcome,
    RunningEosNode,
};
use qrconform::protocol::simplewallet::crypto::{PrivateKey, PublicKey, Signature};
use qrconform::protocol::simplewallet::eosio::{Action, Asset, PermissionLevel, Transaction};
use serde_json::{json, Value};

fn asset(text: &str) -> Asset {
    text.parse().expect("a valid test asset")
}

fn transfer(from: &str, to: &str, quantity: &str, memo: &str) -> Action {
    eos_transfer(from, to, quantity, memo)
}

fn sign(tx: &Transaction, chain_id: &[u8; 32], keys: &[&PrivateKey]) -> Vec<Signature> {
    let digest = tx.signing_digest(chain_id);
    keys.iter().map(|k| k.sign_digest(&digest)).collect()
}

/// What a refusal's code and name are; panics on anything else.
fn refused<T: std::fmt::Debug>(result: Result<T, EosClientError>) -> (i64, String) {
    match result {
        Err(EosClientError::Refused { code, name, .. }) => (code, name),
        other => panic!("not a node refusal: {other:?}"),
    }
}

/// The whole surface, through the client, against any node holding the demo accounts.
async fn scenario(client: &EosClient, sender: &PrivateKey) {
    let info: ChainInfo = client.get_info().await.expect("get_info");
    assert_eq!(info.chain_id, EosNodeConfig::demo().chain_id);
    assert_eq!(&info.head_block_id[..4], &info.head_block_num.to_be_bytes());
    assert_eq!(info.last_irreversible_block_num, info.head_block_num);

    let account = client.get_account("useraaaaaaaa").await.expect("account");
    assert_eq!(account.active_keys, vec![sender.public_key()]);
    assert_eq!(account.owner_keys.len(), 1);
    assert!(account.active_accounts.is_empty());
    assert_eq!(account.mykey_manager(), None);
    let (code, _) = refused(client.get_account("nosuchuser").await);
    assert_eq!(code, 0);

    let mykey = client.get_account("mykeyuser111").await.expect("mykey");
    assert!(mykey.active_keys.is_empty());
    assert_eq!(mykey.mykey_manager(), Some(name("mykeymanager")));
    let rows = client
        .mykey_keys("mykeymanager", "mykeyuser111")
        .await
        .expect("keydata");
    assert_eq!(
        rows.iter().map(|r| r.index).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4, 5]
    );
    let reserved = client
        .mykey_key("mykeymanager", "mykeyuser111", 3)
        .await
        .expect("row 3")
        .expect("present");
    assert_eq!(reserved, rows[3]);
    assert_eq!(
        reserved.pubkey,
        eos::demo_key(&format!("{}/3", eos::DEMO_MYKEY_ACCOUNT.2)).public_key()
    );
    assert_eq!(reserved.status, 0);
    assert!(client
        .mykey_keys("mykeymanager", "useraaaaaaaa")
        .await
        .expect("no rows")
        .is_empty());

    // A signed transfer, pushed, then found with its decoded data.
    let tx = transaction_for(
        &info,
        vec![transfer(
            "useraaaaaaaa",
            "qrconformdap",
            "1.2500 EOS",
            "order-7",
        )],
        60,
    );
    let signatures = sign(&tx, &info.chain_id, &[sender]);
    let id = client
        .push_transaction(&tx, &signatures)
        .await
        .expect("pushed");
    assert_eq!(id, tx.id_hex());
    let found = client
        .get_transaction(&id)
        .await
        .expect("history")
        .expect("found");
    assert_eq!(found.id, id);
    assert_eq!(found.status, "executed");
    assert!(found.block_num > info.head_block_num);
    assert_eq!(found.actions.len(), 1);
    assert_eq!(found.actions[0].account, "eosio.token");
    assert_eq!(
        found.actions[0].data,
        json!({"from": "useraaaaaaaa", "to": "qrconformdap", "quantity": "1.2500 EOS", "memo": "order-7"})
    );
    let paid = found.actions[0].transfer().expect("a transfer");
    assert_eq!(paid.quantity, asset("1.2500 EOS"));
    assert_eq!(found.signatures, vec![signatures[0].to_string()]);
    assert_eq!(
        found.raw["traces"].as_array().map(|t| t
            .iter()
            .filter_map(|t| t["receiver"].as_str())
            .collect::<Vec<_>>()),
        Some(vec!["eosio.token", "useraaaaaaaa", "qrconformdap"])
    );
    assert_eq!(
        client
            .get_transaction(&"00".repeat(32))
            .await
            .expect("asked"),
        None
    );

    // Every refusal, each for its own reason.
    let (code, name) = refused(client.push_transaction(&tx, &signatures).await);
    assert_eq!((code, name.as_str()), (3_040_008, "tx_duplicate"));

    let info = client.get_info().await.expect("get_info");
    let fresh = |memo: &str, quantity: &str| {
        transaction_for(
            &info,
            vec![transfer("useraaaaaaaa", "qrconformdap", quantity, memo)],
            60,
        )
    };
    let tx = fresh("high-s", "0.0001 EOS");
    let high_s = vec![sign(&tx, &info.chain_id, &[sender])[0].high_s()];
    let (code, _) = refused(client.push_transaction(&tx, &high_s).await);
    assert_eq!(code, 10, "not canonical");

    let stranger = PrivateKey::from_seed("eos-node-test/stranger");
    let tx = fresh("wrong-key", "0.0001 EOS");
    let (code, name) = refused(
        client
            .push_transaction(&tx, &sign(&tx, &info.chain_id, &[&stranger]))
            .await,
    );
    assert_eq!(
        (code, name.as_str()),
        (3_090_003, "unsatisfied_authorization")
    );

    let wrong_chain = fresh("wrong-chain", "0.0001 EOS");
    let (code, _) = refused(
        client
            .push_transaction(&wrong_chain, &sign(&wrong_chain, &[0u8; 32], &[sender]))
            .await,
    );
    assert_eq!(code, 3_090_003, "signed for another chain");

    let mut expired = fresh("expired", "0.0001 EOS");
    expired.expiration = info.head_block_time.saturating_sub(1);
    let (code, name) = refused(
        client
            .push_transaction(&expired, &sign(&expired, &info.chain_id, &[sender]))
            .await,
    );
    assert_eq!((code, name.as_str()), (3_040_005, "expired_tx_exception"));

    let mut unknown_ref = fresh("unknown-ref", "0.0001 EOS");
    unknown_ref.ref_block_prefix ^= 0xffff_ffff;
    let (code, name) = refused(
        client
            .push_transaction(&unknown_ref, &sign(&unknown_ref, &info.chain_id, &[sender]))
            .await,
    );
    assert_eq!(
        (code, name.as_str()),
        (3_040_007, "invalid_ref_block_exception")
    );

    let overdrawn = fresh("overdrawn", "5000.0000 EOS");
    match client
        .push_transaction(&overdrawn, &sign(&overdrawn, &info.chain_id, &[sender]))
        .await
    {
        Err(EosClientError::Refused { code, message, .. }) => {
            assert_eq!(code, 3_050_003);
            assert!(message.ends_with("overdrawn balance"), "{message}");
        }
        other => panic!("not refused as overdrawn: {other:?}"),
    }
}

/// Raw requests a hostile peer might send, and nodeos's answers to them.
async fn garbage(base: &str) {
    let http = http();
    let post = |path: &str, body: Vec<u8>| {
        let http = http.clone();
        let url = format!("{base}{path}");
        async move {
            let reply = http
                .post_raw(&url, "application/json", body)
                .await
                .expect("an answer");
            let json: Value = serde_json::from_slice(&reply.body).expect("a JSON answer");
            (reply.status, json)
        }
    };
    let (status, body) = post("/v1/chain/get_info", Vec::new()).await;
    assert_eq!(status, 200, "get_info takes an empty body: {body}");
    for (path, body) in [
        ("/v1/chain/push_transaction", b"".to_vec()),
        ("/v1/chain/push_transaction", b"{".to_vec()),
        ("/v1/chain/push_transaction", b"[]".to_vec()),
        ("/v1/chain/get_account", b"\xff\x00\xfe".to_vec()),
        ("/v1/chain/get_table_rows", b"null".to_vec()),
        ("/v1/history/get_transaction", b"{\"id\": 7}".to_vec()),
    ] {
        let (status, answer) = post(path, body.clone()).await;
        assert_eq!(status, 400, "{path} {body:?}: {answer}");
        assert_eq!(answer["error"]["name"], "invalid_http_request");
    }
    for packed in ["zz", "", "00ff", &"ab".repeat(5000)] {
        let body = json!({"signatures": [], "compression": "none", "packed_trx": packed});
        let (status, answer) =
            post("/v1/chain/push_transaction", body.to_string().into_bytes()).await;
        assert_eq!(status, 500, "{answer}");
        assert_eq!(answer["error"]["code"], 3_010_010);
    }
    let (status, answer) = post("/v1/chain/nope", b"{}".to_vec()).await;
    assert_eq!(status, 404);
    assert_eq!(answer["code"], 404);
    assert_eq!(answer["error"]["details"][0]["message"], "Unknown Endpoint");
    let reply = http
        .get(&format!("{base}/v1/chain/get_info"))
        .await
        .expect("GET works as on nodeos");
    assert_eq!(reply.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_node_eos_answers_like_nodeos() {
    let served = common::Served::start(
        &["serve", "node", "--protocol", "eos", "--port", "0"],
        "Ctrl-C",
    );
    let base = served.value("HTTP listening on ");
    let chain_id = served.value("chain_id ");
    assert_eq!(chain_id, hex::encode(EosNodeConfig::demo().chain_id));
    // `account useraaaaaaaa active EOS… WIF owner EOS… WIF`
    let line = served.value("account useraaaaaaaa ");
    let words: Vec<&str> = line.split_whitespace().collect();
    let sender = PrivateKey::from_wif(words[2]).expect("the printed WIF");
    assert_eq!(sender.public_key().to_string(), words[1]);
    assert!(served
        .value("mykey mykeyuser111 manager mykeymanager keydata 3 ")
        .starts_with("EOS"));

    let client = EosClient::new(base.clone(), http());
    scenario(&client, &sender).await;
    garbage(&base).await;
}

#[test]
fn serve_node_refuses_flags_of_the_other_chain() {
    let out = common::qrconform(&["serve", "node", "--port", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::text(&out.stderr).contains("--port is for --protocol eos"));
    let out = common::qrconform(&[
        "serve",
        "node",
        "--protocol",
        "eos",
        "--port",
        "0",
        "--identity",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::text(&out.stderr).contains("Ontology node"));
}

async fn in_process(config: EosNodeConfig) -> (RunningEosNode, EosClient) {
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("an address");
    let running = eos::start(config, addr).await.expect("started");
    let client = EosClient::new(running.base_url(), http());
    (running, client)
}

fn sender() -> PrivateKey {
    eos::demo_key(eos::DEMO_ACCOUNTS[0].1)
}

#[tokio::test]
async fn the_scenario_runs_in_process_too_and_moves_balances() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    scenario(&client, &sender()).await;
    let node = running.node();
    assert_eq!(
        node.balance(name("useraaaaaaaa"), "EOS"),
        Some(asset("998.7500 EOS"))
    );
    assert_eq!(
        node.balance(name("qrconformdap"), "EOS"),
        Some(asset("1001.2500 EOS"))
    );
    assert_eq!(
        node.transactions().len(),
        1,
        "refusals leave nothing on chain"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn every_request_is_recorded_served_or_refused() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    let node = running.node();
    client.get_info().await.expect("info");
    let _ = client.get_account("nosuchuser").await;
    let info = client.get_info().await.expect("info");
    let tx = transaction_for(
        &info,
        vec![transfer("useraaaaaaaa", "qrconformdap", "1.0000 EOS", "")],
        30,
    );
    let id = client
        .push_transaction(&tx, &sign(&tx, &info.chain_id, &[&sender()]))
        .await
        .expect("pushed");
    let _ = client.get_transaction(&id).await;
    let record = node.record();
    let paths: Vec<&str> = record.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/v1/chain/get_info",
            "/v1/chain/get_account",
            "/v1/chain/get_info",
            "/v1/chain/push_transaction",
            "/v1/history/get_transaction",
        ]
    );
    assert_eq!(record[0].outcome, Outcome::Served);
    assert_eq!(
        record[1].outcome,
        Outcome::Refused {
            code: 0,
            name: "exception".into()
        }
    );
    assert_eq!(record[1].status, 500);
    assert_eq!(
        record[1].body_json().expect("JSON")["account_name"],
        "nosuchuser"
    );
    assert_eq!(record[3].tx_id.as_deref(), Some(id.as_str()));
    assert_eq!(record[3].method, "POST");
    assert_eq!(record[4].tx_id.as_deref(), Some(id.as_str()));
    let seqs: Vec<u64> = record.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [0, 1, 2, 3, 4]);
    running.shutdown().await;
}

#[tokio::test]
async fn wait_for_wakes_on_a_request_and_gives_up_at_its_deadline() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    let node = running.node();
    let pushed = |r: &[eos::RecordedRequest]| {
        r.iter()
            .any(|r| r.path == "/v1/chain/push_transaction" && !r.is_refused())
    };
    assert!(
        !node.wait_for(pushed, Duration::from_millis(50)).await,
        "nothing pushed yet"
    );
    let pusher = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let info = client.get_info().await.expect("info");
        let tx = transaction_for(
            &info,
            vec![transfer("useraaaaaaaa", "qrconformdap", "1.0000 EOS", "")],
            30,
        );
        client
            .push_transaction(&tx, &sign(&tx, &info.chain_id, &[&sender()]))
            .await
            .expect("pushed")
    });
    let started = std::time::Instant::now();
    assert!(node.wait_for(pushed, Duration::from_secs(10)).await);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "woken by the push"
    );
    let id = pusher.await.expect("the pusher");
    assert!(node.transaction(&id).is_some());
    running.shutdown().await;
}

#[tokio::test]
async fn a_forced_refusal_refuses_the_next_push_only() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    let node = running.node();
    node.fail_next_push(NodeError::assert_message("the chain says no"));
    let info = client.get_info().await.expect("info");
    let tx = transaction_for(
        &info,
        vec![transfer("useraaaaaaaa", "qrconformdap", "1.0000 EOS", "")],
        30,
    );
    let signatures = sign(&tx, &info.chain_id, &[&sender()]);
    match client.push_transaction(&tx, &signatures).await {
        Err(EosClientError::Refused { code, message, .. }) => {
            assert_eq!(code, 3_050_003);
            assert!(message.contains("the chain says no"));
        }
        other => panic!("not refused: {other:?}"),
    }
    assert_eq!(
        node.record().last().and_then(|r| r.tx_id.clone()),
        Some(tx.id_hex()),
        "the refused push is recorded with its id"
    );
    client
        .push_transaction(&tx, &signatures)
        .await
        .expect("the next one goes through");
    running.shutdown().await;
}

#[tokio::test]
async fn a_forced_refusal_no_push_used_can_be_withdrawn() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    let node = running.node();
    assert!(!node.cancel_push_failure(), "nothing armed yet");
    node.fail_next_push(NodeError::assert_message("the chain says no"));
    assert!(node.cancel_push_failure(), "armed and unused");
    assert!(!node.cancel_push_failure(), "withdrawn once");
    let info = client.get_info().await.expect("info");
    let tx = transaction_for(
        &info,
        vec![transfer("useraaaaaaaa", "qrconformdap", "1.0000 EOS", "")],
        30,
    );
    let signatures = sign(&tx, &info.chain_id, &[&sender()]);
    client
        .push_transaction(&tx, &signatures)
        .await
        .expect("a withdrawn refusal refuses nothing");
    running.shutdown().await;
}

#[tokio::test]
async fn planted_transactions_are_found_without_checks() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    let node = running.node();
    // A "payment" of the wrong amount, never signed, which the chain still shows.
    let tx = Transaction {
        expiration: 1,
        actions: vec![transfer(
            "useraaaaaaaa",
            "qrconformdap",
            "0.0001 EOS",
            "order-9",
        )],
        ..Transaction::default()
    };
    let id = node.insert_executed(tx, Vec::new());
    let found = client
        .get_transaction(&id)
        .await
        .expect("asked")
        .expect("found");
    assert_eq!(
        found.actions[0].transfer().map(|t| t.quantity),
        Some(asset("0.0001 EOS"))
    );
    assert!(node.transaction(&id).expect("stored").planted);
    assert_eq!(
        found.trace_transfers().len(),
        1,
        "a top-level transfer shows in its trace"
    );
    assert_eq!(
        node.balance(name("useraaaaaaaa"), "EOS"),
        Some(asset("1000.0000 EOS")),
        "planting moves nothing"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn accounts_keys_and_clock_can_be_changed_while_serving() {
    let chain_id = [3u8; 32];
    let (running, client) = in_process(EosNodeConfig::empty(chain_id)).await;
    let node = running.node();
    assert_eq!(node.chain_id(), chain_id);
    let alice = PrivateKey::from_seed("eos-node-test/alice");
    node.add_account(AccountSpec {
        name: name("alice"),
        owner: vec![alice.public_key()],
        active: vec![alice.public_key()],
    });
    node.add_account(AccountSpec {
        name: name("bob"),
        owner: Vec::new(),
        active: Vec::new(),
    });
    node.credit(name("alice"), asset("3.0000 EOS"));
    let row_key = |i: u32| -> PublicKey { PrivateKey::from_seed(&format!("row/{i}")).public_key() };
    node.add_mykey_account(MykeyAccountSpec {
        name: name("carol"),
        manager: name("mykeymanager"),
        keys: (0..4)
            .map(|index| KeyDataRow {
                index,
                pubkey: row_key(index),
                status: 0,
                nonce: 1,
            })
            .collect(),
    });
    assert!(node.set_key_status(name("carol"), 3, 1));
    let reserved = client
        .mykey_key("mykeymanager", "carol", 3)
        .await
        .expect("row")
        .expect("present");
    assert_eq!((reserved.pubkey, reserved.status), (row_key(3), 1));
    assert_eq!(
        client
            .mykey_key("mykeymanager", "carol", 7)
            .await
            .expect("asked"),
        None
    );
    assert_eq!(
        client
            .get_account("alice")
            .await
            .expect("alice")
            .active_keys,
        vec![alice.public_key()]
    );

    // A transaction built on a fixed clock expires when the clock passes it.
    let now_ms = 1_900_000_000_000;
    node.set_time(Some(now_ms));
    let info = client.get_info().await.expect("info");
    assert_eq!(u64::from(info.head_block_time), now_ms / 1000);
    let tx = transaction_for(&info, vec![transfer("alice", "bob", "1.0000 EOS", "")], 30);
    let signatures = sign(&tx, &chain_id, &[&alice]);
    node.set_time(Some(now_ms + 31_000));
    let (code, _) = refused(client.push_transaction(&tx, &signatures).await);
    assert_eq!(code, 3_040_005);
    node.set_time(Some(now_ms + 29_000));
    client
        .push_transaction(&tx, &signatures)
        .await
        .expect("in time");
    assert_eq!(node.balance(name("bob"), "EOS"), Some(asset("1.0000 EOS")));
    let before = client.get_info().await.expect("info");
    node.set_time(None);
    assert!(node.now_ms() < now_ms, "back on the system clock");
    let after = client.get_info().await.expect("info");
    assert_eq!(
        (after.head_block_num, after.head_block_time),
        (before.head_block_num, before.head_block_time),
        "the head never goes back with the clock"
    );
    running.shutdown().await;
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413_and_recorded() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    let node = running.node();
    let reply = http()
        .post_raw(
            &format!("{}/v1/chain/push_transaction", client.base_url()),
            "application/json",
            vec![b' '; 2 * 1024 * 1024],
        )
        .await;
    // The node answers before reading the rest, so the client may see the connection close
    // while it is still writing; the record says what the node did either way.
    if let Ok(reply) = reply {
        assert_eq!(reply.status, 413);
        let answer: Value = serde_json::from_slice(&reply.body).expect("JSON");
        assert_eq!(answer["message"], "Payload Too Large");
    }
    let refused_413 = |r: &[eos::RecordedRequest]| {
        r.iter().any(|r| {
            r.path == "/v1/chain/push_transaction"
                && r.status == 413
                && r.error_name() == Some("invalid_http_request")
        })
    };
    assert!(node.wait_for(refused_413, Duration::from_secs(5)).await);
    client.get_info().await.expect("still serving");
    running.shutdown().await;
}

#[tokio::test]
async fn a_mykey_payment_shows_its_transfer_in_the_traces() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    let node = running.node();
    let wrapper = Action {
        account: name("mykeymanager"),
        name: name("sendaction"),
        authorization: vec![PermissionLevel {
            actor: name("mykeyuser111"),
            permission: name("active"),
        }],
        data: vec![1, 2, 3],
    };
    let tx = Transaction {
        expiration: 1,
        actions: vec![wrapper],
        ..Transaction::default()
    };
    let inline = transfer("mykeyuser111", "qrconformdap", "3.0000 EOS", "order-3");
    let id = node.insert_executed_with_inline(tx, Vec::new(), vec![inline]);
    let found = client
        .get_transaction(&id)
        .await
        .expect("asked")
        .expect("found");
    assert_eq!(found.actions.len(), 1);
    assert_eq!(found.actions[0].name, "sendaction");
    assert_eq!(found.actions[0].transfer(), None);
    let transfers = found.trace_transfers();
    assert_eq!(
        transfers.len(),
        1,
        "one execution, notifications not counted"
    );
    assert_eq!(transfers[0].0, "eosio.token");
    assert_eq!(transfers[0].1.to, name("qrconformdap"));
    assert_eq!(transfers[0].1.quantity, asset("3.0000 EOS"));
    running.shutdown().await;
}

/// A tiny deterministic generator, so the garbage is the same on every run.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[tokio::test]
async fn no_body_makes_the_node_fail_to_answer() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    let node = running.node();
    let http = http();
    let mut rng = Xorshift(0x5eed_1234_abcd_ef01);
    let samples: Vec<Vec<u8>> = vec![
        json!({"account_name": 12}).to_string().into_bytes(),
        json!({"code": "mykeymanager", "scope": "mykeyuser111", "table": "keydata", "limit": 1e300}).to_string().into_bytes(),
        json!({"code": "mykeymanager", "scope": "mykeyuser111", "table": "keydata", "lower_bound": "18446744073709551616"}).to_string().into_bytes(),
        json!({"code": "mykeymanager", "scope": "mykeyuser111", "table": "keydata", "limit": 0, "upper_bound": 0}).to_string().into_bytes(),
        json!({"signatures": ["SIG_K1_"], "packed_trx": "00"}).to_string().into_bytes(),
        json!({"signatures": null, "packed_trx": null, "compression": {}}).to_string().into_bytes(),
        json!({"id": "zz"}).to_string().into_bytes(),
        "[".repeat(10_000).into_bytes(),
    ];
    let random: Vec<Vec<u8>> = (0..40)
        .map(|i| {
            let len = (rng.next() % 300) as usize + i;
            (0..len).map(|_| rng.next() as u8).collect()
        })
        .collect();
    let paths = [
        "/v1/chain/get_info",
        "/v1/chain/get_account",
        "/v1/chain/get_table_rows",
        "/v1/chain/push_transaction",
        "/v1/history/get_transaction",
    ];
    let mut sent = 0;
    for body in samples.iter().chain(&random) {
        for path in paths {
            let reply = http
                .post_raw(
                    &format!("{}{path}", client.base_url()),
                    "application/json",
                    body.clone(),
                )
                .await
                .expect("an answer");
            let answer: Value = serde_json::from_slice(&reply.body).expect("JSON");
            if reply.status != 200 {
                assert_eq!(answer["code"], reply.status, "{path}: {answer}");
                assert!(answer["error"]["name"].is_string(), "{path}: {answer}");
            }
            sent += 1;
        }
    }
    assert_eq!(node.record().len(), sent, "every request is in the record");
    client.get_info().await.expect("still serving");
    running.shutdown().await;
}

#[tokio::test]
async fn the_client_names_what_a_node_got_wrong() {
    use axum::routing::any;
    let answers = axum::Router::new()
        .route("/v1/chain/get_info", any(|| async { "not json" }))
        .route(
            "/v1/chain/get_account",
            any(|| async { (axum::http::StatusCode::BAD_GATEWAY, "down") }),
        )
        .route(
            "/v1/chain/get_table_rows",
            any(|| async { json!({"rows": [{"index": "three"}], "more": false}).to_string() }),
        )
        .route(
            "/v1/chain/push_transaction",
            any(|| async { json!({"transaction_id": "short"}).to_string() }),
        )
        .route(
            "/v1/history/get_transaction",
            any(|| async { json!({"id": "ab", "trx": {}}).to_string() }),
        );
    let server = qrconform::net::serve("127.0.0.1:0".parse().expect("addr"), answers)
        .await
        .expect("serving");
    let client = EosClient::new(server.base_url(), http());
    assert!(matches!(
        client.get_info().await,
        Err(EosClientError::Answer { .. })
    ));
    assert!(matches!(
        client.get_account("alice").await,
        Err(EosClientError::Status { status: 502, .. })
    ));
    assert!(matches!(
        client.mykey_keys("mykeymanager", "alice").await,
        Err(EosClientError::Answer { .. })
    ));
    let tx = Transaction::default();
    assert!(matches!(
        client.push_transaction(&tx, &[]).await,
        Err(EosClientError::Answer { .. })
    ));
    match client.get_transaction("ab").await {
        Err(e @ EosClientError::Answer { .. }) => {
            assert!(e.to_string().contains("trx.trx.actions"), "{e}")
        }
        other => panic!("not an answer error: {other:?}"),
    }
    server.shutdown().await;
}

/// What eosjs's `JsonRpc.getRequiredKeys` sends before signing a MYKEY account's
/// transaction: the transaction (actions with hex data, empty lists) and its keys in the
/// `PUB_K1_` form; nodeos answers with the keys the declared authorizations need, in the
/// legacy `EOS…` form, following the account's delegation to its manager. A key that is only
/// a `keydata` row (the admin key) authorizes nothing.
#[tokio::test]
async fn required_keys_follow_a_mykey_accounts_delegation_to_its_manager() {
    let (running, client) = in_process(EosNodeConfig::demo()).await;
    let node = running.node();
    let reserved = PrivateKey::from_seed("qrconform/test/mykey-reserved").public_key();
    let admin = PrivateKey::from_seed("qrconform/test/mykey-admin").public_key();
    let nobody = PrivateKey::from_seed("qrconform/test/nobody").public_key();
    node.add_account(AccountSpec {
        name: name("qrcmanager11"),
        owner: vec![nobody],
        active: vec![reserved],
    });
    node.add_mykey_account(MykeyAccountSpec {
        name: name("qrcmykeyusr1"),
        manager: name("qrcmanager11"),
        keys: (0..4)
            .map(|index| KeyDataRow {
                index,
                pubkey: match index {
                    0 => admin,
                    3 => reserved,
                    _ => nobody,
                },
                status: 0,
                nonce: 0,
            })
            .collect(),
    });
    let ask = |actor: &str, permission: &str, available: Vec<String>| {
        json!({
            "transaction": {
                "expiration": "2026-12-07T00:00:30", "ref_block_num": 1,
                "ref_block_prefix": 2, "max_net_usage_words": 0, "max_cpu_usage_ms": 0,
                "delay_sec": 0, "context_free_actions": [], "transaction_extensions": [],
                "actions": [{"account": "qrcmanager11", "name": "sendaction",
                    "authorization": [{"actor": actor, "permission": permission}],
                    "data": "00"}],
            },
            "available_keys": available,
        })
    };
    let both = vec![admin.to_string(), reserved.to_string()];
    for (actor, permission) in [
        ("qrcmykeyusr1", "active"),
        ("qrcmykeyusr1", "owner"),
        ("qrcmanager11", "active"),
    ] {
        let required = client
            .call(
                "/v1/chain/get_required_keys",
                &ask(actor, permission, both.clone()),
            )
            .await
            .unwrap_or_else(|e| panic!("{actor}@{permission}: {e}"));
        assert_eq!(
            required,
            json!({"required_keys": [reserved.to_legacy()]}),
            "{actor}@{permission}"
        );
    }
    let (code, name_) = refused(
        client
            .call(
                "/v1/chain/get_required_keys",
                &ask("qrcmykeyusr1", "active", vec![admin.to_string()]),
            )
            .await,
    );
    assert_eq!(
        (code, name_.as_str()),
        (3_090_003, "unsatisfied_authorization")
    );
    running.shutdown().await;
}
