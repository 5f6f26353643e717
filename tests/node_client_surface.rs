//! What the client libraries call on the mock nodes, over real loopback HTTP with the nodes
//! in-process on OS-chosen ports: the EOS node's block, ABI, required-keys, balance and
//! send endpoints, its zlib pushes and their 202, its 404 envelope for anything else; the
//! Ontology node's ONT ID 2.0 queries and the node's text in its refusals. The libraries
//! themselves run against the binary in `tests/interop` (`.ci/run`).

mod common;

use std::io::Write;

use base64::Engine as _;
use common::{eos_transfer, http};
use qrconform::chain::eos::client::{transaction_for, EosClient, EosClientError};
use qrconform::chain::eos::{self, EosNodeConfig, RunningEosNode};
use qrconform::chain::ontology::client::{NodeApi, NodeClient};
use qrconform::chain::ontology::{self as ontology, Node, NodeConfig};
use qrconform::protocol::ontology::crypto::{OntId, PrivateKey as OntPrivateKey};
use qrconform::protocol::ontology::ontid::{query_transaction, Query};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

async fn eos_node() -> (RunningEosNode, EosClient) {
    let running = eos::start(EosNodeConfig::demo(), "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("the EOS node starts");
    let client = EosClient::new(running.base_url(), http());
    (running, client)
}

/// A transfer from the first demo account, signed with its active key.
fn signed_transfer(info: &eos::client::ChainInfo, memo: &str) -> (Vec<u8>, String) {
    let (from, seed) = eos::DEMO_ACCOUNTS[0];
    let transfer = eos_transfer(from, eos::DEMO_ACCOUNTS[1].0, "0.0001 EOS", memo);
    let tx = transaction_for(info, vec![transfer], 30);
    let signature = eos::demo_key(seed).sign_digest(&tx.signing_digest(&info.chain_id));
    (tx.pack(), signature.to_string())
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

#[tokio::test]
async fn eos_tapos_blocks_are_recent_and_consistent_with_get_info() {
    let (running, client) = eos_node().await;
    let info = client
        .call("/v1/chain/get_info", &json!({}))
        .await
        .expect("info");
    let head = info["head_block_num"].as_u64().expect("head");
    assert!(head > 3, "a new chain has blocks to take TaPoS from");
    assert_eq!(info["last_irreversible_block_id"], info["head_block_id"]);
    assert!(info["last_irreversible_block_time"].is_string());
    let behind = head - 3;
    let block = client
        .call("/v1/chain/get_block", &json!({"block_num_or_id": behind}))
        .await
        .expect("three behind");
    let id = block["id"].as_str().expect("id");
    assert_eq!(
        u32::from_str_radix(&id[..8], 16).ok(),
        u32::try_from(behind).ok()
    );
    let prefix = hex::decode(&id[16..24]).expect("hex");
    assert_eq!(
        block["ref_block_prefix"],
        u32::from_le_bytes([prefix[0], prefix[1], prefix[2], prefix[3]])
    );
    let info_block = client
        .call("/v1/chain/get_block_info", &json!({"block_num": behind}))
        .await
        .expect("info");
    assert_eq!(info_block["timestamp"], block["timestamp"]);
    let state = client
        .call(
            "/v1/chain/get_block_header_state",
            &json!({"block_num_or_id": id}),
        )
        .await
        .expect("state");
    assert_eq!(state["header"]["timestamp"], block["timestamp"]);
    let unknown = client
        .call(
            "/v1/chain/get_block",
            &json!({"block_num_or_id": head + 100}),
        )
        .await
        .expect_err("not produced");
    assert!(matches!(
        unknown,
        EosClientError::Refused {
            status: 400,
            code: 3_100_002,
            ..
        }
    ));
    running.shutdown().await;
}

#[tokio::test]
async fn eos_abis_required_keys_and_balances_answer_as_nodeos() {
    let (running, client) = eos_node().await;
    let raw = client
        .call(
            "/v1/chain/get_raw_abi",
            &json!({"account_name": "mykeymanager"}),
        )
        .await
        .expect("raw abi");
    let binary = base64::engine::general_purpose::STANDARD
        .decode(raw["abi"].as_str().expect("abi"))
        .expect("base64");
    assert!(binary.starts_with(b"\x0eeosio::abi/1.1"));
    assert_eq!(
        raw["abi_hash"],
        hex::encode(Sha256::digest(&binary)).as_str()
    );
    let code_and_abi = client
        .call(
            "/v1/chain/get_raw_code_and_abi",
            &json!({"account_name": "mykeymanager"}),
        )
        .await
        .expect("code and abi");
    assert_eq!(code_and_abi["abi"], raw["abi"]);
    let abi = client
        .call("/v1/chain/get_abi", &json!({"account_name": "eosio.token"}))
        .await
        .expect("abi");
    assert!(abi["abi"]["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .any(|a| a["name"] == "transfer"));

    let (from, seed) = eos::DEMO_ACCOUNTS[0];
    let key = eos::demo_key(seed).public_key();
    let other = eos::demo_key(eos::DEMO_ACCOUNTS[1].1).public_key();
    let required = client
        .call(
            "/v1/chain/get_required_keys",
            &json!({
                "transaction": {"actions": [{"account": "eosio.token", "name": "transfer",
                    "authorization": [{"actor": from, "permission": "active"}], "data": ""}]},
                "available_keys": [other.to_string(), key.to_string()],
            }),
        )
        .await
        .expect("required keys");
    assert_eq!(required, json!({"required_keys": [key.to_legacy()]}));

    let balance = client
        .call(
            "/v1/chain/get_currency_balance",
            &json!({"code": "eosio.token", "account": from, "symbol": "EOS"}),
        )
        .await
        .expect("balance");
    assert_eq!(balance, json!([eos::DEMO_BALANCE]));
    running.shutdown().await;
}

#[tokio::test]
async fn eos_sends_take_zlib_and_answer_202_and_unknown_paths_404() {
    let (running, client) = eos_node().await;
    let info = client.get_info().await.expect("info");
    let url = format!("{}/v1/chain/send_transaction", running.base_url());
    for (n, compressed) in [false, true].into_iter().enumerate() {
        let (packed, signature) = signed_transfer(&info, &format!("surface {n}"));
        let body = if compressed {
            json!({"signatures": [signature], "compression": 1,
                   "packed_context_free_data": hex::encode(zlib(b"")),
                   "packed_trx": hex::encode(zlib(&packed))})
        } else {
            json!({"signatures": [signature], "compression": "none",
                   "packed_context_free_data": "", "packed_trx": hex::encode(&packed)})
        };
        let reply = http()
            .post_json(&url, body.to_string().into_bytes())
            .await
            .expect("sent");
        assert_eq!(
            reply.status,
            202,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        let answer: Value = serde_json::from_slice(&reply.body).expect("JSON");
        assert_eq!(
            answer["transaction_id"],
            hex::encode(Sha256::digest(&packed)).as_str()
        );
    }
    // A zlib bomb: refused, not inflated past the bound.
    let (_, signature) = signed_transfer(&info, "bomb");
    let bomb = zlib(&vec![0u8; 8 << 20]);
    let reply = http()
        .post_json(
            &url,
            json!({"signatures": [signature], "compression": "zlib",
                   "packed_trx": hex::encode(bomb)})
            .to_string()
            .into_bytes(),
        )
        .await
        .expect("answered");
    assert_eq!(reply.status, 500);
    let answer: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_eq!(answer["error"]["name"], "packed_transaction_type_exception");
    let reply = http()
        .post_json(
            &format!("{}/v1/chain/get_producers", running.base_url()),
            b"{}".to_vec(),
        )
        .await
        .expect("answered");
    assert_eq!(reply.status, 404);
    let answer: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_eq!(answer["error"]["details"][0]["message"], "Unknown Endpoint");
    running.shutdown().await;
}

#[tokio::test]
async fn ontology_answers_ontid_2_queries_and_refusals_carry_the_node_text() {
    let running = ontology::start(
        Node::new(NodeConfig::demo()),
        "127.0.0.1:0".parse().expect("addr"),
        "127.0.0.1:0".parse().expect("addr"),
    )
    .await
    .expect("the Ontology node starts");
    let key = OntPrivateKey::from_seed(ontology::DEMO_IDENTITY_SEEDS[0]).public_key();
    let did = OntId::from_public_key(&key).to_string();
    for (api, url) in [
        (NodeApi::Rest, running.rest_url()),
        (NodeApi::Rpc, running.rpc_url()),
    ] {
        let client = NodeClient::new(api, &url, http());
        // getDocumentJson, built as ontology-ts-sdk builds it (the DID in a struct).
        let mut tx = query_transaction(&did, Query::GetPublicKeys);
        let script = qrconform::protocol::ontology::invoke::build_script(
            &qrconform::protocol::ontology::invoke::InvokeCall {
                method: "getDocumentJson".into(),
                ..qrconform::protocol::ontology::ontid::query_call(&did, Query::GetPublicKeys)
            },
        );
        tx.payload = qrconform::protocol::ontology::tx::Payload::Invoke { code: script };
        let answer = client
            .pre_execute(&tx.to_hex())
            .await
            .expect("pre-executed");
        let bytes = hex::decode(answer["Result"].as_str().expect("hex")).expect("hex");
        let document: Value = serde_json::from_slice(&bytes).expect("a JSON document");
        assert_eq!(document["id"], did.as_str());
        assert_eq!(
            document["publicKey"][0]["publicKeyHex"],
            key.to_hex().as_str()
        );
        // A refusal's message carries the node's text, not only its code.
        let unknown = "did:ont:AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ";
        let e = client
            .pre_execute(&query_transaction(unknown, Query::GetDdo).to_hex())
            .await
            .expect_err("not registered");
        assert_eq!(e.node_error(), Some(47001));
        let message = e.to_string();
        assert!(
            message.contains("SMARTCODE EXEC ERROR")
                && message.contains(&format!("{unknown} is not registered")),
            "{message}"
        );
        assert!(!message.contains('"'), "the text as it is: {message}");
    }
    let record = running.node.requests();
    let refused = record.iter().find(|r| r.error == 47001).expect("recorded");
    assert_eq!(
        refused.reply_summary(),
        "node error 47001 (SMARTCODE EXEC ERROR): did:ont:AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ is not registered"
    );
    running.shutdown().await;
}
