//! The reference dApp back end over real loopback HTTP: the mock node and the dApp run
//! in-process on ephemeral ports, and each test plays a wallet against them with the
//! library's own signing and transaction building.
//!
//! The first half pins the correct back end (ONT-T*, ONT-L*, ONT-S*, ONT-I*); the second half
//! has one test per [`DappFault`], each showing the one behaviour its fault changes. The last
//! tests run `qrconform serve dapp` as a user does.

mod common;

use std::net::SocketAddr;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use qrconform::chain::ontology::client::NodeApi;
use qrconform::chain::ontology::{self as chain, Node, NodeConfig, RunningNode, SendReply};
use qrconform::clock::Clock;
use qrconform::net::{ClientLimits, HttpClient, HttpReply};
use qrconform::protocol::ontology::crypto::{sign, Address, OntId, OntSignature, PrivateKey};
use qrconform::protocol::ontology::invoke::{build_script, parse_config, substitute_placeholders};
use qrconform::protocol::ontology::tx::{Payload, Transaction, TxType};
use qrconform::reference::ontology::dapp::{self, DappConfig, DappFault, RunningDapp};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// the wallet side
// ---------------------------------------------------------------------------------------

fn wallet() -> PrivateKey {
    PrivateKey::from_seed("qrconform/test/reference-dapp/wallet")
}

fn stranger() -> PrivateKey {
    PrivateKey::from_seed("qrconform/test/reference-dapp/stranger")
}

fn address(key: &PrivateKey) -> String {
    Address::from_public_key(&key.public_key()).to_base58()
}

fn ontid(key: &PrivateKey) -> OntId {
    OntId::from_public_key(&key.public_key())
}

/// The signed object `{type, user, message, publickey, signature}`.
fn signed(login_type: &str, user: &str, message: &str, key: &PrivateKey, bytes: &[u8]) -> Value {
    json!({
        "type": login_type,
        "user": user,
        "message": message,
        "publickey": key.public_key().to_hex(),
        "signature": sign(key, bytes).to_hex(),
    })
}

/// An honest login callback for a login QR code, signed by `key`.
fn login_callback(qr: &Value, key: &PrivateKey) -> Value {
    let login_type = qr["params"]["type"].as_str().unwrap_or("address");
    let message = qr["params"]["message"].as_str().expect("message");
    let user = if login_type == "ontid" {
        ontid(key).to_string()
    } else {
        address(key)
    };
    json!({
        "action": "login",
        "version": "v1.0.0",
        "id": qr["id"],
        "params": signed(login_type, &user, message, key, message.as_bytes()),
    })
}

/// The bytes a wallet signs for a message (ONT-S2).
fn bytes_of(message: &str, ishex: bool) -> Vec<u8> {
    if ishex {
        hex::decode(message).expect("hex message")
    } else {
        message.as_bytes().to_vec()
    }
}

/// An honest signMessage callback.
fn sign_callback(qr: &Value, key: &PrivateKey) -> Value {
    let message = qr["params"]["message"].as_str().expect("message");
    let ishex = qr["params"]["ishex"].as_bool().unwrap_or(false);
    json!({
        "action": "signMessage",
        "version": "v1.0.0",
        "id": qr["id"],
        "error": 0,
        "desc": "SUCCESS",
        "result": signed("address", &address(key), message, key, &bytes_of(message, ishex)),
    })
}

/// An honest signMultiMessage callback: one signed object per message, in order.
fn multi_callback(qr: &Value, key: &PrivateKey) -> Value {
    let ishex = qr["params"]["ishex"].as_bool().unwrap_or(false);
    let results: Vec<Value> = qr["params"]["message"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            let m = m.as_str().expect("message text");
            signed("address", &address(key), m, key, &bytes_of(m, ishex))
        })
        .collect();
    json!({
        "action": "signMultiMessage",
        "version": "v1.0.0",
        "id": qr["id"],
        "error": 0,
        "desc": "SUCCESS",
        "result": results,
    })
}

/// What a wallet posts when sending failed (ONT-I8).
fn send_error_callback(qr: &Value) -> Value {
    json!({"action": "invoke", "version": "v1.0.0", "id": qr["id"], "error": 80001, "desc": "SEND TX ERROR", "result": 1})
}

fn invoke_callback(qr: &Value, hash: &str) -> Value {
    json!({"action": "invoke", "version": "v1.0.0", "id": qr["id"], "error": 0, "desc": "SUCCESS", "result": hash})
}

/// Replaces a login callback's signature.
fn with_signature(mut body: Value, signature: &str) -> Value {
    body["params"]["signature"] = json!(signature);
    body
}

fn login_signature(body: &Value) -> OntSignature {
    OntSignature::from_hex(body["params"]["signature"].as_str().expect("signature"))
        .expect("a well-formed signature")
}

// ---------------------------------------------------------------------------------------
// the servers
// ---------------------------------------------------------------------------------------

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn http() -> HttpClient {
    HttpClient::new(ClientLimits {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(20),
        max_body: 1 << 20,
    })
}

/// A mock node and a reference dApp that asks it, both on loopback.
struct Env {
    chain: RunningNode,
    dapp: RunningDapp,
    http: HttpClient,
    /// The dApp's clock: virtual, so expiry tests move it instead of sleeping.
    clock: Clock,
}

async fn env(faults: &[DappFault]) -> Env {
    env_with(NodeApi::Rest, |config| {
        config.faults = faults.iter().copied().collect()
    })
    .await
}

async fn env_with(api: NodeApi, tune: impl FnOnce(&mut DappConfig)) -> Env {
    let chain = chain::start(Node::new(NodeConfig::default()), loopback(), loopback())
        .await
        .expect("the mock node starts");
    let url = match api {
        NodeApi::Rest => chain.rest_url(),
        NodeApi::Rpc => chain.rpc_url(),
    };
    let mut config = DappConfig::new(api, url);
    let clock = Clock::virtual_shared();
    config.clock = clock.clone();
    tune(&mut config);
    let dapp = dapp::start(config, loopback())
        .await
        .expect("the dApp starts");
    Env {
        chain,
        dapp,
        http: http(),
        clock,
    }
}

impl Env {
    fn node(&self) -> &Node {
        &self.chain.node
    }

    async fn get(&self, path: &str) -> HttpReply {
        let url = format!("{}{path}", self.dapp.base_url());
        self.http.get(&url).await.expect("the dApp answers")
    }

    /// A QR code's text, checked to be served as plain text and to be the request JSON.
    async fn qr(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, 200, "{path}: {}", text(&reply.body));
        assert_eq!(
            reply.content_type.as_deref(),
            Some("text/plain; charset=utf-8")
        );
        let qr: Value = serde_json::from_slice(&reply.body).expect("the QR text is JSON");
        let action = qr["action"].as_str().expect("action").to_string();
        assert_valid(&format!("{action}.request"), &qr);
        qr
    }

    async fn post_raw(&self, kind: &str, body: Vec<u8>) -> HttpReply {
        let url = format!("{}/callback/{kind}", self.dapp.base_url());
        self.http
            .post_json(&url, body)
            .await
            .expect("the dApp answers")
    }

    /// Posts a callback and reads the JSON reply (HTTP 200, application/json).
    async fn post(&self, kind: &str, body: &Value) -> Value {
        let reply = self.post_raw(kind, body.to_string().into_bytes()).await;
        envelope(&reply)
    }

    async fn status(&self, id: &Value) -> Value {
        let reply = self
            .get(&format!("/status/{}", id.as_str().expect("id")))
            .await;
        assert_eq!(reply.status, 200);
        serde_json::from_slice(&reply.body).expect("status JSON")
    }

    /// Builds and sends the transfer an honest wallet makes for an invoke QR code, with
    /// `tune` editing the substituted invokeConfig first; the display hash.
    async fn pay(&self, qr: &Value, tune: impl FnOnce(&mut Value)) -> String {
        static NONCE: AtomicU32 = AtomicU32::new(1);
        let key = wallet();
        let url = qr["params"]["qrcodeUrl"].as_str().expect("qrcodeUrl");
        let reply = self.http.get(url).await.expect("the payload is served");
        assert_eq!(reply.status, 200);
        assert_eq!(reply.content_type.as_deref(), Some("application/json"));
        let payload: Value = serde_json::from_slice(&reply.body).expect("payload JSON");
        assert_valid("invoke.payload", &payload);
        let mut config = substitute_placeholders(
            &payload["params"]["invokeConfig"],
            &address(&key),
            &ontid(&key).to_string(),
        );
        tune(&mut config);
        let call = parse_config(&config).expect("the config parses");
        let mut tx = Transaction {
            version: 0,
            tx_type: TxType::InvokeNeo,
            nonce: NONCE.fetch_add(1, Ordering::Relaxed),
            gas_price: call.gas_price,
            gas_limit: call.gas_limit,
            payer: Address::from_public_key(&key.public_key()),
            payload: Payload::Invoke {
                code: build_script(&call),
            },
            signatures: Vec::new(),
        };
        tx.sign_single(&key).expect("signing");
        match self.node().send_raw(&tx.to_hex(), false) {
            Ok(SendReply::Hash(hash)) => hash,
            other => panic!("the node did not accept the transfer: {other:?}"),
        }
    }

    async fn shutdown(self) {
        self.dapp.shutdown().await;
        self.chain.shutdown().await;
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_valid(kind: &str, value: &Value) {
    let violations = qrconform::schema::validate(kind, value).expect("known kind");
    assert!(violations.is_empty(), "{kind}: {violations:?} in {value}");
}

/// A callback reply: HTTP 200, `application/json`, a `dapp.reply` envelope.
fn envelope(reply: &HttpReply) -> Value {
    assert_eq!(reply.status, 200, "{}", text(&reply.body));
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let value: Value = serde_json::from_slice(&reply.body).expect("the reply is JSON");
    // A callback without a string `id` is answered without one (nothing to echo).
    assert_ne!(value.get("id"), Some(&Value::Null), "{value}");
    assert_valid("dapp.reply", &value);
    value
}

fn assert_success(reply: &Value, action: &str, id: &Value) {
    assert_eq!(
        reply,
        &json!({"action": action, "id": id, "error": 0, "desc": "SUCCESS", "result": true})
    );
}

/// A rejection with `code`; the reason, in words, is returned.
fn assert_rejected(reply: &Value, code: i64) -> String {
    assert_eq!(reply["error"], code, "{reply}");
    let desc = match code {
        80001 => "PARAMS ERROR",
        80002 => "METHOD ERROR",
        _ => "INTERNAL ERROR",
    };
    assert_eq!(reply["desc"], desc, "{reply}");
    reply["result"].as_str().expect("a reason").to_string()
}

/// Moves the dApp's virtual clock until the QR code's `expire` is in the past.
async fn wait_past_expiry(env: &Env, qr: &Value) {
    let expire = Duration::from_secs(qr["params"]["expire"].as_u64().expect("expire"));
    env.clock
        .wait_until(expire + Duration::from_millis(50))
        .await;
}

/// The dApp with a zero QR lifetime: every code expires within the second.
async fn short_lived(faults: &[DappFault]) -> Env {
    env_with(NodeApi::Rest, |config| {
        config.qr_lifetime = Duration::ZERO;
        config.faults = faults.iter().copied().collect();
    })
    .await
}

// ---------------------------------------------------------------------------------------
// the correct back end
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn honest_address_login_is_accepted_with_the_success_envelope() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login").await;
    let base = env.dapp.base_url();
    assert_eq!(qr["version"], "v1.0.0");
    assert_eq!(qr["params"]["type"], "address");
    assert_eq!(qr["params"]["dappName"], "qrconform reference dApp");
    assert_eq!(qr["params"]["dappIcon"], format!("{base}/icon.png"));
    assert_eq!(qr["params"]["callback"], format!("{base}/callback/login"));
    assert!(qr["id"].as_str().is_some_and(|id| id.len() == 16));
    let expire = qr["params"]["expire"].as_u64().expect("expire");
    let now = env.clock.unix_secs();
    assert!(
        (now + 119..=now + 121).contains(&expire),
        "{expire} vs {now}"
    );
    assert_eq!(
        env.status(&qr["id"]).await,
        json!({"id": qr["id"], "action": "login", "status": "pending", "reason": null})
    );

    let reply = env.post("login", &login_callback(&qr, &wallet())).await;
    assert_success(&reply, "login", &qr["id"]);
    assert_eq!(
        env.status(&qr["id"]).await,
        json!({"id": qr["id"], "action": "login", "status": "accepted", "reason": null})
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_login_and_the_camel_case_public_key_are_accepted() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login?type=account").await;
    assert_eq!(qr["params"]["type"], "account");
    let mut body = login_callback(&qr, &wallet());
    let params = body["params"].as_object_mut().expect("params");
    let key = params.remove("publickey").expect("publickey");
    params.insert("publicKey".into(), key);
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_login_twice_is_refused_as_a_replay() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login").await;
    let body = login_callback(&qr, &wallet());
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    let second = env.post("login", &body).await;
    assert_eq!(second["id"], qr["id"]);
    let reason = assert_rejected(&second, 80001);
    assert!(reason.contains("replay"), "{reason}");
    // The replay does not undo the accepted login.
    assert_eq!(env.status(&qr["id"]).await["status"], "accepted");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signature_by_another_key_is_rejected() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login").await;
    let message = qr["params"]["message"].as_str().expect("message");
    let forged = sign(&stranger(), message.as_bytes()).to_hex();
    let reply = env
        .post(
            "login",
            &with_signature(login_callback(&qr, &wallet()), &forged),
        )
        .await;
    let reason = assert_rejected(&reply, 80001);
    assert!(reason.contains("does not verify"), "{reason}");
    let status = env.status(&qr["id"]).await;
    assert_eq!(status["status"], "rejected");
    assert_eq!(status["reason"], reason.as_str());
    // A rejection is not final: the honest callback still logs in.
    let honest = env.post("login", &login_callback(&qr, &wallet())).await;
    assert_success(&honest, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_signatures_are_rejected() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login").await;
    let honest = login_callback(&qr, &wallet());
    let good = honest["params"]["signature"]
        .as_str()
        .expect("sig")
        .to_string();
    let cases = [
        format!("02{}", &good[2..]),      // unknown scheme byte
        format!("01{}", "00".repeat(64)), // r = 0
        format!("01{}", "ff".repeat(64)), // r out of range
    ];
    for bad in cases {
        let reply = env
            .post("login", &with_signature(honest.clone(), &bad))
            .await;
        let reason = assert_rejected(&reply, 80001);
        assert!(reason.contains("malformed"), "{bad}: {reason}");
    }
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_that_is_another_keys_address_is_rejected() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login").await;
    let mut body = login_callback(&qr, &wallet());
    body["params"]["user"] = json!(address(&stranger()));
    let reason = assert_rejected(&env.post("login", &body).await, 80001);
    assert!(
        reason.contains("is not the address of `publickey`"),
        "{reason}"
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ontid_login_needs_the_key_on_chain() {
    let env = env(&[]).await;
    let key = wallet();
    // Not registered: the node refuses the look-up.
    let qr = env.qr("/qr/login?type=ontid").await;
    let reason = assert_rejected(&env.post("login", &login_callback(&qr, &key)).await, 80001);
    assert!(reason.contains("does not resolve"), "{reason}");
    // Registered with another key: the signing key is not one of its keys.
    env.node()
        .register_identity(&ontid(&key), vec![stranger().public_key()]);
    let qr = env.qr("/qr/login?type=ontid").await;
    let reason = assert_rejected(&env.post("login", &login_callback(&qr, &key)).await, 80001);
    assert!(reason.contains("is not a current key"), "{reason}");
    // Registered with this key (among others): accepted.
    env.node().register_identity(
        &ontid(&key),
        vec![stranger().public_key(), key.public_key()],
    );
    let qr = env.qr("/qr/login?type=ontid").await;
    assert_success(
        &env.post("login", &login_callback(&qr, &key)).await,
        "login",
        &qr["id"],
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ontid_login_works_over_json_rpc_too() {
    let env = env_with(NodeApi::Rpc, |_| {}).await;
    let key = wallet();
    env.node()
        .register_identity(&ontid(&key), vec![key.public_key()]);
    let qr = env.qr("/qr/login?type=ontid").await;
    assert_success(
        &env.post("login", &login_callback(&qr, &key)).await,
        "login",
        &qr["id"],
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_node_is_an_internal_error() {
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
    let env = env_with(NodeApi::Rest, |config| {
        config.node_url = "http://127.0.0.1:9".into()
    })
    .await;
    let key = wallet();
    let qr = env.qr("/qr/login?type=ontid").await;
    let reason = assert_rejected(&env.post("login", &login_callback(&qr, &key)).await, 80003);
    assert!(reason.contains("could not be asked"), "{reason}");
    // The back end could not decide, so the session is not rejected.
    assert_eq!(env.status(&qr["id"]).await["status"], "pending");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_byte_and_high_s_signatures_are_accepted() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login").await;
    let body = login_callback(&qr, &wallet());
    let plain = hex::encode(login_signature(&body).to_plain_bytes());
    assert_success(
        &env.post("login", &with_signature(body, &plain)).await,
        "login",
        &qr["id"],
    );
    let qr = env.qr("/qr/login").await;
    let body = login_callback(&qr, &wallet());
    let high = login_signature(&body).with_negated_s();
    assert!(!high.is_low_s());
    assert_success(
        &env.post("login", &with_signature(body, &high.to_hex()))
            .await,
        "login",
        &qr["id"],
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_message_or_id_is_rejected() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login").await;
    let mut body = login_callback(&qr, &wallet());
    let message = format!(
        "{}-never-issued",
        qr["params"]["message"].as_str().expect("m")
    );
    body["params"] = signed(
        "address",
        &address(&wallet()),
        &message,
        &wallet(),
        message.as_bytes(),
    );
    let reason = assert_rejected(&env.post("login", &body).await, 80001);
    assert!(reason.contains("unknown message"), "{reason}");
    let mut body = login_callback(&qr, &wallet());
    body["id"] = json!("0000000000000000");
    let reply = env.post("login", &body).await;
    assert_eq!(reply["id"], "0000000000000000");
    assert!(assert_rejected(&reply, 80001).contains("unknown message"));
    // A signMessage session cannot answer a login.
    let sign_qr = env.qr("/qr/signMessage").await;
    let mut body = login_callback(&qr, &wallet());
    body["id"] = sign_qr["id"].clone();
    assert!(assert_rejected(&env.post("login", &body).await, 80001).contains("unknown message"));
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_login_is_rejected() {
    let env = short_lived(&[]).await;
    let qr = env.qr("/qr/login").await;
    wait_past_expiry(&env, &qr).await;
    let reason = assert_rejected(
        &env.post("login", &login_callback(&qr, &wallet())).await,
        80001,
    );
    assert!(reason.contains("expired"), "{reason}");
    assert_eq!(env.status(&qr["id"]).await["status"], "rejected");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_message_is_verified_over_the_hex_decoded_bytes() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/signMessage?ishex=true").await;
    assert_eq!(qr["params"]["ishex"], true);
    assert_eq!(
        qr["params"]["callback"],
        format!("{}/callback/signMessage", env.dapp.base_url())
    );
    let message = qr["params"]["message"].as_str().expect("message");
    assert_eq!(hex::decode(message).expect("hex").len(), 32);
    assert_success(
        &env.post("signMessage", &sign_callback(&qr, &wallet()))
            .await,
        "signMessage",
        &qr["id"],
    );
    assert_eq!(env.status(&qr["id"]).await["status"], "accepted");
    // The UTF-8 bytes of the hex text are not what was asked for.
    let qr = env.qr("/qr/signMessage?ishex=true").await;
    let mut body = sign_callback(&qr, &wallet());
    let message = qr["params"]["message"].as_str().expect("message");
    body["result"]["signature"] = json!(sign(&wallet(), message.as_bytes()).to_hex());
    assert_rejected(&env.post("signMessage", &body).await, 80001);
    // Text messages are signed as text.
    let qr = env.qr("/qr/signMessage").await;
    assert_eq!(qr["params"]["ishex"], false);
    assert_success(
        &env.post("signMessage", &sign_callback(&qr, &wallet()))
            .await,
        "signMessage",
        &qr["id"],
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_callback_reporting_an_error_is_not_a_signature() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/signMessage").await;
    let body = json!({"action": "signMessage", "version": "v1.0.0", "id": qr["id"], "error": 80001, "desc": "PARAMS ERROR", "result": "not hex"});
    let reason = assert_rejected(&env.post("signMessage", &body).await, 80001);
    assert!(reason.contains("reported error 80001"), "{reason}");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_multi_message_needs_every_message_in_order() {
    let env = env(&[]).await;
    for path in ["/qr/signMultiMessage", "/qr/signMultiMessage?ishex=true"] {
        let qr = env.qr(path).await;
        assert_eq!(qr["params"]["message"].as_array().map(Vec::len), Some(3));
        assert_success(
            &env.post("signMultiMessage", &multi_callback(&qr, &wallet()))
                .await,
            "signMultiMessage",
            &qr["id"],
        );
    }
    let qr = env.qr("/qr/signMultiMessage").await;
    let mut reversed = multi_callback(&qr, &wallet());
    reversed["result"]
        .as_array_mut()
        .expect("results")
        .reverse();
    let reason = assert_rejected(&env.post("signMultiMessage", &reversed).await, 80001);
    assert!(reason.contains("in order"), "{reason}");
    let mut short = multi_callback(&qr, &wallet());
    short["result"].as_array_mut().expect("results").pop();
    assert_rejected(&env.post("signMultiMessage", &short).await, 80001);
    let mut bad_second = multi_callback(&qr, &wallet());
    let second = bad_second["result"][1]["message"]
        .as_str()
        .expect("m")
        .to_string();
    bad_second["result"][1]["signature"] = json!(sign(&stranger(), second.as_bytes()).to_hex());
    let reason = assert_rejected(&env.post("signMultiMessage", &bad_second).await, 80001);
    assert!(reason.starts_with("result[1]: "), "{reason}");
    assert_eq!(env.status(&qr["id"]).await["status"], "rejected");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoke_paid_on_chain_is_confirmed() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/invoke").await;
    let base = env.dapp.base_url();
    let id = qr["id"].as_str().expect("id");
    assert_eq!(
        qr["params"],
        json!({
            "login": true,
            "qrcodeUrl": format!("{base}/payload/{id}"),
            "callback": format!("{base}/callback/invoke"),
            "expire": qr["params"]["expire"],
        })
    );
    let payload: Value =
        serde_json::from_slice(&env.get(&format!("/payload/{id}")).await.body).expect("JSON");
    let payee =
        Address::from_public_key(&PrivateKey::from_seed(dapp::PAYEE_SEED).public_key()).to_base58();
    assert_eq!(
        payload,
        json!({"action": "invoke", "version": "v1.0.0", "id": id, "params": {"invokeConfig": {
            "contractHash": "0200000000000000000000000000000000000000",
            "functions": [{"operation": "transfer", "args": [
                {"name": "from", "value": "Address:%address"},
                {"name": "to", "value": format!("Address:{payee}")},
                {"name": "amount", "value": 1},
            ]}],
            "payer": "%address",
            "gasLimit": 20000,
            "gasPrice": 500,
        }}})
    );
    let hash = env.pay(&qr, |_| {}).await;
    assert_success(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        "invoke",
        &qr["id"],
    );
    assert!(env.node().event_queried(&hash));
    assert_eq!(
        env.status(&qr["id"]).await,
        json!({"id": id, "action": "invoke", "status": "confirmed", "reason": null})
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoke_with_a_hash_the_chain_does_not_know_fails() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/invoke").await;
    let hash = "ab".repeat(32);
    let reason = assert_rejected(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        80001,
    );
    assert_eq!(reason, format!("the chain has no event for {hash}"));
    let status = env.status(&qr["id"]).await;
    assert_eq!(status["status"], "failed");
    assert_eq!(status["reason"], reason.as_str());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoke_that_failed_or_paid_the_wrong_amount_fails() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/invoke").await;
    env.node().fail_next_execution();
    let hash = env.pay(&qr, |_| {}).await;
    let reason = assert_rejected(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        80001,
    );
    assert!(reason.contains("State 0"), "{reason}");
    assert_eq!(env.status(&qr["id"]).await["status"], "failed");

    let qr = env.qr("/qr/invoke").await;
    let hash = env
        .pay(&qr, |config| {
            config["functions"][0]["args"][2]["value"] = json!(2)
        })
        .await;
    let reason = assert_rejected(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        80001,
    );
    assert!(reason.contains("did not pay"), "{reason}");
    assert_eq!(env.status(&qr["id"]).await["status"], "failed");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_error_is_acknowledged_and_the_invoke_fails() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/invoke").await;
    assert_eq!(
        env.post("invoke", &send_error_callback(&qr)).await,
        json!({"action": "invoke", "id": qr["id"], "error": 0, "desc": "SUCCESS", "result": false})
    );
    let status = env.status(&qr["id"]).await;
    assert_eq!(status["status"], "failed");
    assert_eq!(
        status["reason"],
        "the wallet reported error 80001 (SEND TX ERROR)"
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_that_are_not_callbacks_get_an_80001_envelope() {
    let env = env(&[]).await;
    for body in [
        &b"this is { not JSON"[..],
        b"[1, 2]",
        b"",
        &[0xff, 0xfe][..],
    ] {
        let reply = envelope(&env.post_raw("login", body.to_vec()).await);
        assert_eq!(reply["action"], "login");
        assert_eq!(reply["id"], Value::Null);
        assert_rejected(&reply, 80001);
    }
    // A shape defect names the field.
    let qr = env.qr("/qr/login").await;
    let mut body = login_callback(&qr, &wallet());
    body["params"]["signature"] = json!(12345);
    let reply = env.post("login", &body).await;
    assert_eq!(reply["id"], qr["id"]);
    let reason = assert_rejected(&reply, 80001);
    assert!(reason.contains("/params/signature"), "{reason}");
    // An `id` that is not a string is not echoed.
    body["id"] = json!(7);
    assert_eq!(env.post("login", &body).await["id"], Value::Null);
    // A body over the 1 MiB limit.
    let big = format!("{{\"pad\": \"{}\"}}", "a".repeat(1_100_000));
    let reply = envelope(&env.post_raw("login", big.into_bytes()).await);
    assert_rejected(&reply, 80001);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_for_another_action_is_a_method_error() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login").await;
    let mut body = login_callback(&qr, &wallet());
    body["action"] = json!("signIn");
    let reply = env.post("login", &body).await;
    assert_eq!(reply["action"], "login");
    assert_eq!(reply["id"], qr["id"]);
    assert_rejected(&reply, 80002);
    body.as_object_mut().expect("object").remove("action");
    assert_rejected(&env.post("login", &body).await, 80002);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_routes_answer_404_400_or_204() {
    let env = env(&[]).await;
    assert_eq!(env.post_raw("signIn", b"{}".to_vec()).await.status, 404);
    let unknown = env.get("/status/0123456789abcdef").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(
        serde_json::from_slice::<Value>(&unknown.body).expect("JSON"),
        json!({"error": "unknown id"})
    );
    assert_eq!(env.get("/payload/0123456789abcdef").await.status, 404);
    // A login id is not an invoke payload.
    let qr = env.qr("/qr/login").await;
    let id = qr["id"].as_str().expect("id");
    assert_eq!(env.get(&format!("/payload/{id}")).await.status, 404);
    let bad = env.get("/qr/login?type=did").await;
    assert_eq!(bad.status, 400);
    assert!(text(&bad.body).contains("`type`"));
    assert_eq!(env.get("/qr/signMessage?ishex=yes").await.status, 400);
    assert_eq!(env.get("/qr/transfer").await.status, 404);
    assert_eq!(env.get("/icon.png").await.status, 204);
    assert_eq!(env.get("/").await.status, 404);
    assert_eq!(env.get("/callback/login").await.status, 404);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_url_goes_into_the_qr_codes() {
    let env = env_with(NodeApi::Rest, |config| {
        config.public_url = Some("https://dapp.example/".into())
    })
    .await;
    assert_eq!(env.dapp.base_url(), "https://dapp.example");
    let url = format!("{}/qr/invoke", env.dapp.listen_url());
    let reply = env.http.get(&url).await.expect("answers");
    let qr: Value = serde_json::from_slice(&reply.body).expect("JSON");
    let id = qr["id"].as_str().expect("id");
    assert_eq!(
        qr["params"]["qrcodeUrl"],
        format!("https://dapp.example/payload/{id}")
    );
    assert_eq!(
        qr["params"]["callback"],
        "https://dapp.example/callback/invoke"
    );
    env.dapp.shutdown().await;
    env.chain.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// one test per fault
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_accept_any_signature_accepts_a_signature_that_cannot_even_be_parsed() {
    let env = env(&[DappFault::AcceptAnySignature]).await;
    let qr = env.qr("/qr/login").await;
    let garbage = format!("01{}", "00".repeat(64));
    let body = with_signature(login_callback(&qr, &wallet()), &garbage);
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    // Not even the signature's form is looked at, only that it is text.
    for garbage in ["", "not hex at all", "3044022000"] {
        let qr = env.qr("/qr/login").await;
        let body = with_signature(login_callback(&qr, &wallet()), garbage);
        assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    }
    let qr = env.qr("/qr/login").await;
    let mut body = login_callback(&qr, &wallet());
    body["params"]["signature"] = json!(12345);
    assert_rejected(&env.post("login", &body).await, 80001);
    // The other steps still run: the address binding still holds.
    let qr = env.qr("/qr/login").await;
    let mut body = with_signature(login_callback(&qr, &wallet()), &garbage);
    body["params"]["user"] = json!(address(&stranger()));
    assert_rejected(&env.post("login", &body).await, 80001);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_skip_address_binding_accepts_another_keys_address() {
    let env = env(&[DappFault::SkipAddressBinding]).await;
    let qr = env.qr("/qr/login").await;
    let mut body = login_callback(&qr, &wallet());
    body["params"]["user"] = json!(address(&stranger()));
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_skip_ontid_resolution_accepts_an_unregistered_ontid() {
    let env = env(&[DappFault::SkipOntidResolution]).await;
    let qr = env.qr("/qr/login?type=ontid").await;
    assert_success(
        &env.post("login", &login_callback(&qr, &wallet())).await,
        "login",
        &qr["id"],
    );
    assert!(env.node().requests().is_empty(), "the node was asked");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_accept_unknown_message_accepts_a_message_never_issued() {
    let env = env(&[DappFault::AcceptUnknownMessage]).await;
    let message = "qrconform-login-made-up";
    let body = json!({
        "action": "login",
        "version": "v1.0.0",
        "id": "0000000000000000",
        "params": signed("address", &address(&wallet()), message, &wallet(), message.as_bytes()),
    });
    assert_success(
        &env.post("login", &body).await,
        "login",
        &json!("0000000000000000"),
    );
    // An issued message still goes through every step, replay included.
    let qr = env.qr("/qr/login").await;
    let body = login_callback(&qr, &wallet());
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    assert_rejected(&env.post("login", &body).await, 80001);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_accept_replay_accepts_the_same_login_twice() {
    let env = env(&[DappFault::AcceptReplay]).await;
    let qr = env.qr("/qr/login").await;
    let body = login_callback(&qr, &wallet());
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_accept_expired_accepts_a_login_after_its_qr_code_expired() {
    let env = short_lived(&[DappFault::AcceptExpired]).await;
    let qr = env.qr("/qr/login").await;
    wait_past_expiry(&env, &qr).await;
    assert_success(
        &env.post("login", &login_callback(&qr, &wallet())).await,
        "login",
        &qr["id"],
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_reject_64_byte_signature_rejects_r_s_signatures() {
    let env = env(&[DappFault::Reject64ByteSignature]).await;
    let qr = env.qr("/qr/login").await;
    let body = login_callback(&qr, &wallet());
    let plain = hex::encode(login_signature(&body).to_plain_bytes());
    let reason = assert_rejected(
        &env.post("login", &with_signature(body.clone(), &plain))
            .await,
        80001,
    );
    assert!(reason.contains("64-byte"), "{reason}");
    // The 65-byte form still passes.
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_reject_high_s_rejects_high_s_signatures() {
    let env = env(&[DappFault::RejectHighS]).await;
    let qr = env.qr("/qr/login").await;
    let body = login_callback(&qr, &wallet());
    let high = login_signature(&body).with_negated_s().to_hex();
    let reason = assert_rejected(
        &env.post("login", &with_signature(body.clone(), &high))
            .await,
        80001,
    );
    assert!(reason.contains("high-S"), "{reason}");
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_ignore_ishex_verifies_the_text_of_a_hex_message() {
    let env = env(&[DappFault::IgnoreIshex]).await;
    let qr = env.qr("/qr/signMessage?ishex=true").await;
    let message = qr["params"]["message"].as_str().expect("message");
    let mut body = sign_callback(&qr, &wallet());
    body["result"]["signature"] = json!(sign(&wallet(), message.as_bytes()).to_hex());
    assert_success(
        &env.post("signMessage", &body).await,
        "signMessage",
        &qr["id"],
    );
    // The honest signature over the decoded bytes no longer verifies.
    let qr = env.qr("/qr/signMessage?ishex=true").await;
    assert_rejected(
        &env.post("signMessage", &sign_callback(&qr, &wallet()))
            .await,
        80001,
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_accept_either_message_form_accepts_a_signature_over_the_hex_text() {
    let env = env(&[DappFault::AcceptEitherMessageForm]).await;
    let qr = env.qr("/qr/signMessage?ishex=true").await;
    let message = qr["params"]["message"].as_str().expect("message");
    let mut body = sign_callback(&qr, &wallet());
    body["result"]["signature"] = json!(sign(&wallet(), message.as_bytes()).to_hex());
    assert_success(
        &env.post("signMessage", &body).await,
        "signMessage",
        &qr["id"],
    );
    // The honest signature over the decoded bytes still passes, and a stranger's fails.
    let qr = env.qr("/qr/signMessage?ishex=true").await;
    assert_success(
        &env.post("signMessage", &sign_callback(&qr, &wallet()))
            .await,
        "signMessage",
        &qr["id"],
    );
    let qr = env.qr("/qr/signMessage?ishex=true").await;
    let message = qr["params"]["message"].as_str().expect("message");
    let mut body = sign_callback(&qr, &wallet());
    body["result"]["signature"] = json!(sign(&stranger(), message.as_bytes()).to_hex());
    assert_rejected(&env.post("signMessage", &body).await, 80001);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_multi_message_first_only_ignores_every_result_after_the_first() {
    let env = env(&[DappFault::MultiMessageFirstOnly]).await;
    let qr = env.qr("/qr/signMultiMessage").await;
    let mut body = multi_callback(&qr, &wallet());
    let second = body["result"][1]["message"]
        .as_str()
        .expect("m")
        .to_string();
    body["result"][1]["signature"] = json!(sign(&stranger(), second.as_bytes()).to_hex());
    body["result"][2]["message"] = json!("never issued");
    assert_success(
        &env.post("signMultiMessage", &body).await,
        "signMultiMessage",
        &qr["id"],
    );
    let qr = env.qr("/qr/signMultiMessage").await;
    let mut short = multi_callback(&qr, &wallet());
    short["result"].as_array_mut().expect("results").truncate(1);
    assert_success(
        &env.post("signMultiMessage", &short).await,
        "signMultiMessage",
        &qr["id"],
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_multi_message_any_order_accepts_reversed_results() {
    let env = env(&[DappFault::MultiMessageAnyOrder]).await;
    let qr = env.qr("/qr/signMultiMessage").await;
    let mut body = multi_callback(&qr, &wallet());
    body["result"].as_array_mut().expect("results").reverse();
    assert_success(
        &env.post("signMultiMessage", &body).await,
        "signMultiMessage",
        &qr["id"],
    );
    // Each result is still verified over its own message.
    let qr = env.qr("/qr/signMultiMessage").await;
    let mut body = multi_callback(&qr, &wallet());
    let first = body["result"][0]["message"]
        .as_str()
        .expect("m")
        .to_string();
    body["result"][0]["signature"] = json!(sign(&stranger(), first.as_bytes()).to_hex());
    assert_rejected(&env.post("signMultiMessage", &body).await, 80001);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_trust_invoke_callback_confirms_without_asking_the_chain() {
    let env = env(&[DappFault::TrustInvokeCallback]).await;
    let qr = env.qr("/qr/invoke").await;
    let hash = "cd".repeat(32);
    assert_success(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        "invoke",
        &qr["id"],
    );
    assert!(!env.node().event_queried(&hash));
    assert_eq!(env.status(&qr["id"]).await["status"], "confirmed");
    // A reported send error is still a failure.
    let qr = env.qr("/qr/invoke").await;
    assert_eq!(
        env.post("invoke", &send_error_callback(&qr)).await["result"],
        false
    );
    assert_eq!(env.status(&qr["id"]).await["status"], "failed");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_accept_missing_event_confirms_a_hash_the_chain_does_not_know() {
    let env = env(&[DappFault::AcceptMissingEvent]).await;
    let qr = env.qr("/qr/invoke").await;
    let hash = "cd".repeat(32);
    assert_success(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        "invoke",
        &qr["id"],
    );
    assert!(env.node().event_queried(&hash));
    assert_eq!(env.status(&qr["id"]).await["status"], "confirmed");
    // An event with State 0 still fails.
    let qr = env.qr("/qr/invoke").await;
    env.node().fail_next_execution();
    let hash = env.pay(&qr, |_| {}).await;
    assert_rejected(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        80001,
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_no_event_wait_fails_an_invocation_whose_event_is_late() {
    for (faults, confirmed) in [(vec![], true), (vec![DappFault::NoEventWait], false)] {
        let env = env(&faults).await;
        let qr = env.qr("/qr/invoke").await;
        env.node()
            .delay_next_event(std::time::Duration::from_millis(300));
        let hash = env.pay(&qr, |_| {}).await;
        let reply = env.post("invoke", &invoke_callback(&qr, &hash)).await;
        if confirmed {
            // The dApp waited for the event and found it.
            assert_success(&reply, "invoke", &qr["id"]);
            assert_eq!(env.status(&qr["id"]).await["status"], "confirmed");
        } else {
            assert_rejected(&reply, 80001);
        }
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_confirm_on_node_error_confirms_what_the_node_could_not_tell() {
    for (faults, confirmed) in [(vec![], false), (vec![DappFault::ConfirmOnNodeError], true)] {
        let env = env(&faults).await;
        let qr = env.qr("/qr/invoke").await;
        let hash = env.pay(&qr, |_| {}).await;
        env.node().fail_event_queries(&hash);
        let reply = env.post("invoke", &invoke_callback(&qr, &hash)).await;
        let status = env.status(&qr["id"]).await["status"].clone();
        if confirmed {
            assert_success(&reply, "invoke", &qr["id"]);
            assert_eq!(status, "confirmed");
        } else {
            // The back end could not decide: 80003, and the invocation is not confirmed.
            assert_rejected(&reply, 80003);
            assert_ne!(status, "confirmed");
        }
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_replay_after_restart_accepts_a_login_replayed_after_a_restart() {
    for (faults, replay_accepted) in [(vec![], false), (vec![DappFault::ReplayAfterRestart], true)]
    {
        let env = env(&faults).await;
        let qr = env.qr("/qr/login").await;
        let body = login_callback(&qr, &wallet());
        assert_success(&env.post("login", &body).await, "login", &qr["id"]);
        let restarted = env
            .http
            .post_raw(
                &format!("{}/restart", env.dapp.base_url()),
                "application/json",
                b"{}".to_vec(),
            )
            .await
            .expect("the restart is answered");
        assert_eq!(restarted.status, 200);
        // The session survived the restart: the login still counts.
        assert_eq!(env.status(&qr["id"]).await["status"], "accepted");
        let replay = env.post("login", &body).await;
        if replay_accepted {
            assert_success(&replay, "login", &qr["id"]);
        } else {
            assert_rejected(&replay, 80001);
        }
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_confirm_failed_send_confirms_after_send_tx_error() {
    let env = env(&[DappFault::ConfirmFailedSend]).await;
    let qr = env.qr("/qr/invoke").await;
    assert_success(
        &env.post("invoke", &send_error_callback(&qr)).await,
        "invoke",
        &qr["id"],
    );
    assert_eq!(env.status(&qr["id"]).await["status"], "confirmed");
    // A success callback is still checked against the chain.
    let qr = env.qr("/qr/invoke").await;
    assert_rejected(
        &env.post("invoke", &invoke_callback(&qr, &"ab".repeat(32)))
            .await,
        80001,
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_ignore_event_state_confirms_a_failed_transaction() {
    let env = env(&[DappFault::IgnoreEventState]).await;
    let qr = env.qr("/qr/invoke").await;
    env.node().fail_next_execution();
    let hash = env.pay(&qr, |_| {}).await;
    assert_success(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        "invoke",
        &qr["id"],
    );
    assert!(env.node().event_queried(&hash));
    assert_eq!(env.status(&qr["id"]).await["status"], "confirmed");
    // Nor is what it paid looked at.
    let qr = env.qr("/qr/invoke").await;
    let hash = env
        .pay(&qr, |config| {
            config["functions"][0]["args"][2]["value"] = json!(2)
        })
        .await;
    assert_success(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        "invoke",
        &qr["id"],
    );
    // A hash the chain does not know still fails.
    let qr = env.qr("/qr/invoke").await;
    assert_rejected(
        &env.post("invoke", &invoke_callback(&qr, &"ef".repeat(32)))
            .await,
        80001,
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_ignore_event_content_confirms_a_payment_to_someone_else() {
    let env = env(&[DappFault::IgnoreEventContent]).await;
    let qr = env.qr("/qr/invoke").await;
    let elsewhere = address(&stranger());
    let hash = env
        .pay(&qr, |config| {
            config["functions"][0]["args"][1]["value"] = json!(format!("Address:{elsewhere}"))
        })
        .await;
    assert_success(
        &env.post("invoke", &invoke_callback(&qr, &hash)).await,
        "invoke",
        &qr["id"],
    );
    // A missing event is still a failure.
    let qr = env.qr("/qr/invoke").await;
    assert_rejected(
        &env.post("invoke", &invoke_callback(&qr, &"ef".repeat(32)))
            .await,
        80001,
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_wrong_error_code_answers_every_rejection_with_80003() {
    let env = env(&[DappFault::WrongErrorCode]).await;
    let qr = env.qr("/qr/login").await;
    let mut wrong_action = login_callback(&qr, &wallet());
    wrong_action["action"] = json!("signIn");
    assert_rejected(&env.post("login", &wrong_action).await, 80003);
    let mut other_user = login_callback(&qr, &wallet());
    other_user["params"]["user"] = json!(address(&stranger()));
    assert_rejected(&env.post("login", &other_user).await, 80003);
    assert_rejected(
        &envelope(&env.post_raw("login", b"not JSON".to_vec()).await),
        80003,
    );
    // Success is untouched.
    assert_success(
        &env.post("login", &login_callback(&qr, &wallet())).await,
        "login",
        &qr["id"],
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_no_id_echo_leaves_id_out_of_every_reply() {
    let env = env(&[DappFault::NoIdEcho]).await;
    let qr = env.qr("/qr/login").await;
    let body = login_callback(&qr, &wallet());
    let accepted = env.post("login", &body).await;
    assert_eq!(
        accepted,
        json!({"action": "login", "error": 0, "desc": "SUCCESS", "result": true})
    );
    let replay = env.post("login", &body).await;
    assert!(replay.get("id").is_none(), "{replay}");
    assert_rejected(&replay, 80001);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_crash_on_bad_input_answers_500_in_plain_text() {
    let env = env(&[DappFault::CrashOnBadInput]).await;
    let crash = env.post_raw("login", b"this is { not JSON".to_vec()).await;
    assert_eq!(crash.status, 500);
    assert_eq!(
        crash.content_type.as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(text(&crash.body), "Internal Server Error");
    let qr = env.qr("/qr/login").await;
    let mut missing = login_callback(&qr, &wallet());
    missing["params"]
        .as_object_mut()
        .expect("params")
        .remove("signature");
    assert_eq!(
        env.post_raw("login", missing.to_string().into_bytes())
            .await
            .status,
        500
    );
    // A well-formed callback that is wrong still gets its envelope.
    let mut other_user = login_callback(&qr, &wallet());
    other_user["params"]["user"] = json!(address(&stranger()));
    assert_rejected(&env.post("login", &other_user).await, 80001);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_reject_publickey_camel_case_refuses_the_ios_spelling() {
    let env = env(&[DappFault::RejectPublickeyCamelCase]).await;
    let qr = env.qr("/qr/login").await;
    let mut body = login_callback(&qr, &wallet());
    let key = body["params"]["publickey"].take();
    let params = body["params"].as_object_mut().expect("params");
    params.remove("publickey");
    params.insert("publicKey".into(), key);
    assert_rejected(&env.post("login", &body).await, 80001);
    // The documented spelling still passes.
    let qr = env.qr("/qr/login").await;
    let body = login_callback(&qr, &wallet());
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_strict_login_type_refuses_account_for_address() {
    let env = env(&[DappFault::StrictLoginType]).await;
    let qr = env.qr("/qr/login?type=address").await;
    let mut body = login_callback(&qr, &wallet());
    body["params"]["type"] = json!("account");
    assert_rejected(&env.post("login", &body).await, 80001);
    // The QR code's own spelling still passes.
    let qr = env.qr("/qr/login?type=account").await;
    let body = login_callback(&qr, &wallet());
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_strict_version_refuses_cyano_bridges_version() {
    let env = env(&[DappFault::StrictVersion]).await;
    let qr = env.qr("/qr/login").await;
    let mut body = login_callback(&qr, &wallet());
    body["version"] = json!("1.0.0");
    assert_rejected(&env.post("login", &body).await, 80001);
    body["version"] = json!("v1.0.0");
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clean_reference_accepts_every_spelling_real_wallets_send() {
    let env = env(&[]).await;
    let qr = env.qr("/qr/login?type=address").await;
    let mut body = login_callback(&qr, &wallet());
    body["params"]["type"] = json!("account");
    body["version"] = json!("1.0.0");
    let key = body["params"]["publickey"].take();
    let params = body["params"].as_object_mut().expect("params");
    params.remove("publickey");
    params.insert("publicKey".into(), key);
    assert_success(&env.post("login", &body).await, "login", &qr["id"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_replay_race_accepts_two_copies_posted_together() {
    for (faults, accepted) in [(vec![], 1), (vec![DappFault::ReplayRace], 2)] {
        let env = env(&faults).await;
        let qr = env.qr("/qr/login").await;
        let body = login_callback(&qr, &wallet());
        let (a, b) = tokio::join!(env.post("login", &body), env.post("login", &body));
        let successes = [a, b].iter().filter(|r| r["error"] == 0).count();
        assert_eq!(successes, accepted, "{faults:?}");
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_session_any_kind_accepts_a_login_over_a_sign_message() {
    for (faults, accepted) in [(vec![], false), (vec![DappFault::SessionAnyKind], true)] {
        let env = env(&faults).await;
        let qr = env.qr("/qr/signMessage").await;
        let message = qr["params"]["message"].as_str().expect("message");
        let body = json!({
            "action": "login",
            "version": "v1.0.0",
            "id": qr["id"],
            "params": signed("address", &address(&wallet()), message, &wallet(), message.as_bytes()),
        });
        let reply = env.post("login", &body).await;
        assert_eq!(reply["error"] == 0, accepted, "{faults:?}: {reply}");
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_expire_early_rejects_a_login_before_its_qr_code_expired() {
    for (faults, accepted) in [(vec![], true), (vec![DappFault::ExpireEarly], false)] {
        let env = env(&faults).await;
        let qr = env.qr("/qr/login").await;
        let expire = qr["params"]["expire"].as_u64().expect("expire");
        // Three seconds before `expire`, well inside the QR code's life.
        env.clock.wait_until(Duration::from_secs(expire - 3)).await;
        let reply = env.post("login", &login_callback(&qr, &wallet())).await;
        assert_eq!(reply["error"] == 0, accepted, "{faults:?}: {reply}");
        env.shutdown().await;
    }
}

/// A fault added to `DappFault` without a test here would be a fault nobody showed to differ.
#[test]
fn every_fault_has_its_test() {
    let source = include_str!("reference_dapp.rs");
    for fault in DappFault::ALL {
        let test = format!("async fn fault_{}_", fault.name().replace('-', "_"));
        assert!(
            source.contains(&test),
            "no test `{test}…` for the fault {fault}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// the command line
// ---------------------------------------------------------------------------------------

#[test]
fn serve_dapp_refuses_an_unknown_fault_naming_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args([
            "serve",
            "dapp",
            "--listen",
            "127.0.0.1:0",
            "--fault",
            "nonsense",
        ])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("nonsense"), "{stderr}");
    assert!(stderr.contains("accept-any-signature"), "{stderr}");
}

#[test]
fn serve_dapp_help_lists_every_fault() {
    let output = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args(["serve", "dapp", "--help"])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    for fault in DappFault::ALL {
        assert!(
            stdout.contains(fault.name()),
            "{fault} missing from {stdout}"
        );
        assert!(stdout.contains(fault.description()), "{fault}: {stdout}");
    }
}

#[test]
fn serve_dapp_prints_its_address_and_serves_qr_codes() {
    let served = common::Served::start(
        &[
            "serve",
            "dapp",
            "--listen",
            "127.0.0.1:0",
            "--node",
            "http://127.0.0.1:9",
            "--fault",
            "no-id-echo",
            "--fault",
            "accept-replay",
        ],
        "Ctrl-C",
    );
    let base = served.value("reference dApp listening on ");
    assert_eq!(served.value("faults: "), "accept-replay, no-id-echo");
    assert!(
        served
            .lines
            .contains(&format!("QR code: {base}/qr/signMultiMessage")),
        "{:?}",
        served.lines
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let reply = runtime
        .block_on(http().get(&format!("{base}/qr/login?type=ontid")))
        .expect("the served dApp answers");
    assert_eq!(reply.status, 200);
    let qr: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_eq!(qr["params"]["callback"], format!("{base}/callback/login"));
}
