//! The reference wallet over real loopback HTTP: the mock node, the wallet and a small
//! recording dApp run in-process on ephemeral ports; each test hands the wallet a QR code
//! through the driver protocol (`POST /scan`) and looks at what reached the dApp and the node.
//!
//! The first half pins the correct wallet (ONT-T*, ONT-L*, ONT-S*, ONT-I*); the second half
//! has one test per [`WalletFault`], each showing the one behaviour its fault changes. The
//! last tests run `qrconform serve wallet` as a user does.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use qrconform::chain::ontology::client::NodeApi;
use qrconform::chain::ontology::{self as chain, Action, Node, NodeConfig, RunningNode};
use qrconform::net::{serve, ClientLimits, HttpClient, HttpReply, ServerHandle};
use qrconform::protocol::driver::{Identity, Outcome, ScanReply};
use qrconform::protocol::ontology::crypto::{
    verify_hex, Address, OntId, OntSignature, PrivateKey, SignatureError,
};
use qrconform::protocol::ontology::invoke::{
    decode_script, matches, parse_config, substitute_placeholders, DecodedCall,
};
use qrconform::protocol::ontology::transport::{encode, QrForm};
use qrconform::protocol::ontology::tx::Transaction;
use qrconform::reference::ontology::wallet::{self, RunningWallet, WalletConfig, WalletFault};
use qrconform::schema;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// the recording dApp
// ---------------------------------------------------------------------------------------

/// One request the test dApp received.
#[derive(Debug, Clone)]
struct Hit {
    method: Method,
    path: String,
    content_type: Option<String>,
    /// The body as JSON (`Value::String` of the text when it is not JSON).
    body: Value,
}

/// A dApp that records every request, answers every POST with a success envelope, and
/// serves whatever text a test put under a path.
#[derive(Clone, Default)]
struct Dapp {
    hits: Arc<Mutex<Vec<Hit>>>,
    served: Arc<Mutex<HashMap<String, String>>>,
    /// Answers other than the usual, per path: status, `Location`, content type, body.
    raw: Arc<Mutex<HashMap<String, RawAnswer>>>,
}

/// An answer a test sets for one path of the test dApp.
#[derive(Clone)]
struct RawAnswer {
    status: u16,
    location: Option<String>,
    content_type: &'static str,
    body: String,
}

impl Dapp {
    fn router(self) -> Router {
        Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let dapp = self.clone();
                async move { dapp.handle(method, uri, headers, body) }
            },
        )
    }

    fn handle(&self, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
        let text = String::from_utf8_lossy(&body).to_string();
        let hit = Hit {
            method: method.clone(),
            path: uri.path().to_string(),
            content_type: headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        };
        self.hits.lock().unwrap().push(hit.clone());
        if let Some(raw) = self.raw.lock().unwrap().get(uri.path()).cloned() {
            let mut response = (
                StatusCode::from_u16(raw.status).expect("a status"),
                [(header::CONTENT_TYPE, raw.content_type)],
                raw.body,
            )
                .into_response();
            if let Some(location) = raw.location {
                response
                    .headers_mut()
                    .insert(header::LOCATION, location.parse().expect("a location"));
            }
            return response;
        }
        if method == Method::POST {
            let reply = json!({"action": hit.body["action"], "id": hit.body["id"],
                               "error": 0, "desc": "SUCCESS", "result": true});
            return (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                reply.to_string(),
            )
                .into_response();
        }
        match self.served.lock().unwrap().get(uri.path()) {
            Some(text) => (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                text.clone(),
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        }
    }
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
        request: Duration::from_secs(30),
        max_body: 1 << 20,
    })
}

fn key() -> PrivateKey {
    PrivateKey::from_seed("qrconform/test/reference-wallet")
}

fn address() -> String {
    Address::from_public_key(&key().public_key()).to_base58()
}

fn ontid() -> String {
    OntId::from_public_key(&key().public_key()).to_string()
}

fn stranger() -> String {
    let other = PrivateKey::from_seed("qrconform/test/reference-wallet/stranger");
    Address::from_public_key(&other.public_key()).to_base58()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// The mock node, the wallet under test and the recording dApp.
struct Env {
    chain: RunningNode,
    wallet: RunningWallet,
    dapp: Dapp,
    dapp_server: ServerHandle,
    http: HttpClient,
}

async fn env(faults: &[WalletFault]) -> Env {
    env_with(NodeApi::Rest, faults).await
}

async fn env_with(api: NodeApi, faults: &[WalletFault]) -> Env {
    let chain = chain::start(Node::new(NodeConfig::default()), loopback(), loopback())
        .await
        .expect("the mock node starts");
    let url = match api {
        NodeApi::Rest => chain.rest_url(),
        NodeApi::Rpc => chain.rpc_url(),
    };
    let mut config = WalletConfig::new(key(), api, url);
    config.faults = faults.iter().copied().collect();
    let wallet = wallet::start(config, loopback())
        .await
        .expect("the wallet starts");
    let dapp = Dapp::default();
    let dapp_server = serve(loopback(), dapp.clone().router())
        .await
        .expect("the dApp starts");
    Env {
        chain,
        wallet,
        dapp,
        dapp_server,
        http: http(),
    }
}

impl Env {
    fn node(&self) -> &Node {
        &self.chain.node
    }

    fn dapp_url(&self, path: &str) -> String {
        format!("{}{path}", self.dapp_server.base_url())
    }

    /// Serves `text` at `path` on the dApp.
    fn serve_text(&self, path: &str, text: String) {
        self.dapp
            .served
            .lock()
            .unwrap()
            .insert(path.to_string(), text);
    }

    /// Answers requests to `path` with `answer` instead of the usual.
    fn answer(&self, path: &str, answer: RawAnswer) {
        self.dapp
            .raw
            .lock()
            .unwrap()
            .insert(path.to_string(), answer);
    }

    fn hits(&self) -> Vec<Hit> {
        self.dapp.hits.lock().unwrap().clone()
    }

    /// Every callback the dApp received.
    fn callbacks(&self) -> Vec<Hit> {
        self.hits()
            .into_iter()
            .filter(|h| h.method == Method::POST)
            .collect()
    }

    /// The one callback the dApp received.
    fn callback(&self) -> Hit {
        let callbacks = self.callbacks();
        assert_eq!(callbacks.len(), 1, "{callbacks:#?}");
        callbacks.into_iter().next().expect("one callback")
    }

    async fn post_scan(&self, body: Vec<u8>) -> HttpReply {
        let url = format!("{}/scan", self.wallet.base_url());
        self.http
            .post_json(&url, body)
            .await
            .expect("the wallet answers")
    }

    /// Hands the wallet a QR text and the user's decision; its reply.
    async fn scan_text(&self, qr: &str, approve: bool) -> ScanReply {
        let body = json!({"qr": qr, "approve": approve})
            .to_string()
            .into_bytes();
        let reply = self.post_scan(body).await;
        assert_eq!(reply.status, 200, "{}", text(&reply.body));
        assert_eq!(reply.content_type.as_deref(), Some("application/json"));
        let value: Value = serde_json::from_slice(&reply.body).expect("JSON reply");
        assert_valid("driver.scan.reply", &value);
        serde_json::from_value(value).expect("a scan reply")
    }

    /// Scans a request as plain JSON, approved.
    async fn scan(&self, qr: &Value) -> ScanReply {
        self.scan_text(&qr.to_string(), true).await
    }

    fn login_qr(&self, login_type: Option<&str>) -> Value {
        let mut qr = json!({"action": "login", "version": "v1.0.0", "id": "login-1", "params": {
            "dappName": "test dApp", "dappIcon": "http://127.0.0.1/icon.png",
            "message": "qrconform login nonce 42", "expire": now() + 600,
            "callback": self.dapp_url("/callback/login")}});
        if let Some(login_type) = login_type {
            qr["params"]["type"] = json!(login_type);
        }
        qr
    }

    fn sign_qr(&self, message: &str, ishex: bool) -> Value {
        json!({"action": "signMessage", "version": "v1.0.0", "id": "sign-1", "params": {
            "type": "address", "message": message, "ishex": ishex, "expire": now() + 600,
            "callback": self.dapp_url("/callback/signMessage")}})
    }

    fn multi_qr(&self, messages: &[&str], ishex: bool) -> Value {
        json!({"action": "signMultiMessage", "version": "v1.0.0", "id": "multi-1", "params": {
            "type": "address", "message": messages, "ishex": ishex, "expire": now() + 600,
            "callback": self.dapp_url("/callback/signMultiMessage")}})
    }

    /// An invoke QR code whose payload (served by the dApp) carries `config`.
    fn invoke_qr(&self, config: Value) -> Value {
        let payload = json!({"action": "invoke", "version": "v1.0.0", "id": "invoke-1",
                             "params": {"invokeConfig": config}});
        self.serve_text("/payload/invoke-1", payload.to_string());
        json!({"action": "invoke", "version": "v1.0.0", "id": "invoke-1", "params": {
            "login": true, "qrcodeUrl": self.dapp_url("/payload/invoke-1"),
            "callback": self.dapp_url("/callback/invoke"), "expire": now() + 600}})
    }

    /// What the node was asked to do with transactions, in order, with the transaction and
    /// the node's error code.
    fn tx_requests(&self) -> Vec<(Action, i64, Transaction)> {
        self.node()
            .requests()
            .into_iter()
            .filter(|r| matches!(r.action, Action::PreExec | Action::SendRawTransaction))
            .map(|r| {
                let body: Value = serde_json::from_str(&r.body).expect("a JSON request");
                let data = body["Data"]
                    .as_str()
                    .or_else(|| body["params"][0].as_str())
                    .expect("the transaction hex");
                let tx = Transaction::from_hex(data).expect("a transaction");
                (r.action, r.error, tx)
            })
            .collect()
    }

    /// The one transaction the node accepted.
    fn accepted(&self) -> Transaction {
        let txs = self.node().accepted_transactions();
        assert_eq!(txs.len(), 1, "{txs:#?}");
        txs.into_iter().next().expect("one transaction")
    }

    async fn shutdown(self) {
        self.wallet.shutdown().await;
        self.dapp_server.shutdown().await;
        self.chain.shutdown().await;
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn assert_valid(kind: &str, value: &Value) {
    let violations = schema::validate(kind, value).expect("known kind");
    assert!(violations.is_empty(), "{kind}: {violations:?} in {value}");
}

fn assert_completed(reply: &ScanReply) {
    assert_eq!(reply.outcome, Outcome::Completed, "{reply:?}");
}

/// Asserts a refusal whose reason contains `why`.
fn assert_refused(reply: &ScanReply, why: &str) {
    assert_eq!(reply.outcome, Outcome::Refused, "{reply:?}");
    let reason = reply.reason.as_deref().unwrap_or_default();
    assert!(reason.contains(why), "reason `{reason}` lacks `{why}`");
}

/// The keys of a JSON object, in order.
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect()
}

/// A NeoVM contract call: an address from `%address`, a Long, a string, an integer.
fn config() -> Value {
    json!({
        "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
        "functions": [{"operation": "transfer", "args": [
            {"name": "from", "value": "Address:%address"},
            {"name": "amount", "value": "Long:100000000000"},
            {"name": "memo", "value": "String:hello"},
            {"name": "n", "value": 100}
        ]}],
        "payer": "%address",
        "gasLimit": 20000,
        "gasPrice": 500
    })
}

/// The call the wallet should build for `config`.
fn decoded(tx: &Transaction) -> DecodedCall {
    decode_script(tx.payload.code()).expect("the script decodes")
}

// ---------------------------------------------------------------------------------------
// the correct wallet: the driver protocol
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_matches_the_key() {
    let env = env(&[]).await;
    let reply = env
        .http
        .get(&format!("{}/identity", env.wallet.base_url()))
        .await
        .expect("the wallet answers");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_type.as_deref(), Some("application/json"));
    let value: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert_valid("driver.identity", &value);
    let identity: Identity = serde_json::from_value(value).expect("an identity");
    let expected = Identity {
        address: address(),
        public_key: key().public_key().to_hex(),
        ontid: ontid(),
    };
    assert_eq!(identity, expected);
    assert_eq!(env.wallet.identity(), expected);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_scan_bodies_get_a_400_and_other_routes_a_404() {
    let env = env(&[]).await;
    for body in [
        &b"not json"[..],
        br#"{"qr": "x"}"#,
        br#"{"qr": "x", "approve": "yes"}"#,
        br#"{"qr": "", "approve": true}"#,
        br#"{"qr": "x", "approve": true, "extra": 1}"#,
        br#"[]"#,
    ] {
        let reply = env.post_scan(body.to_vec()).await;
        assert_eq!(reply.status, 400, "{}", text(body));
        let error: Value = serde_json::from_slice(&reply.body).expect("JSON error");
        assert!(error["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    let base = env.wallet.base_url();
    for path in ["/", "/scan", "/nothing"] {
        let reply = env
            .http
            .get(&format!("{base}{path}"))
            .await
            .expect("answer");
        assert_eq!(reply.status, 404, "{path}");
    }
    let reply = env
        .http
        .post_json(&format!("{base}/identity"), b"{}".to_vec())
        .await
        .expect("answer");
    assert_eq!(reply.status, 404);
    assert!(env.hits().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_qr_texts_and_other_actions_are_refused_with_a_reason() {
    let env = env(&[]).await;
    for (qr, why) in [
        ("hello", "not usable"),
        ("ontprovider://ont.io?param=%%%", "not usable"),
        ("ftp://example.com/x", "not usable"),
        (
            r#"{"action": "getAccount", "version": "v1.0.0", "params": {}}"#,
            "unsupported action",
        ),
        (
            r#"{"action": "login", "version": "v1.0.0", "params": {}}"#,
            "schema",
        ),
    ] {
        assert_refused(&env.scan_text(qr, true).await, why);
    }
    assert!(env.hits().is_empty());
    assert!(env.node().requests().is_empty());
    env.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// the correct wallet: login
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_posts_one_callback_with_the_exact_body_and_a_signature_that_verifies() {
    let env = env(&[]).await;
    let qr = env.login_qr(Some("address"));
    assert_valid("login.request", &qr);
    assert_completed(&env.scan(&qr).await);
    let hit = env.callback();
    assert_eq!(hit.path, "/callback/login");
    assert_eq!(hit.content_type.as_deref(), Some("application/json"));
    let body = &hit.body;
    assert_valid("login.callback", body);
    assert_eq!(keys(body), ["action", "version", "id", "params"]);
    assert_eq!(body["action"], "login");
    assert_eq!(body["version"], "v1.0.0");
    assert_eq!(body["id"], "login-1");
    let params = &body["params"];
    assert_eq!(
        keys(params),
        ["type", "user", "message", "publickey", "signature"]
    );
    assert_eq!(params["type"], "address");
    assert_eq!(params["user"], address().as_str());
    assert_eq!(params["message"], qr["params"]["message"]);
    assert_eq!(params["publickey"], key().public_key().to_hex().as_str());
    let signature = params["signature"].as_str().expect("signature");
    assert_eq!(signature.len(), 130, "65 bytes");
    let parsed = OntSignature::from_hex(signature).expect("well formed");
    assert!(parsed.is_low_s());
    verify_hex(
        &key().public_key().to_hex(),
        signature,
        qr["params"]["message"].as_str().expect("message"),
        false,
    )
    .expect("the signature verifies over the message's UTF-8 bytes");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_types_pick_the_user_and_echo_the_type() {
    let env = env(&[]).await;
    for (login_type, want_type, user) in [
        (Some("ontid"), "ontid", ontid()),
        (Some("account"), "account", address()),
        (None, "address", address()),
    ] {
        let mut qr = env.login_qr(login_type);
        // The cyano-bridge version and no id: nothing to echo.
        qr["version"] = json!("1.0.0");
        qr.as_object_mut().expect("object").remove("id");
        assert_completed(&env.scan(&qr).await);
        let hit = env.callbacks().pop().expect("a callback");
        assert_eq!(hit.body["params"]["type"], want_type);
        assert_eq!(hit.body["params"]["user"], user.as_str());
        assert_eq!(hit.body["version"], "1.0.0");
        assert!(hit.body.get("id").is_none(), "{}", hit.body);
    }
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deep_link_webview_and_url_forms_work_too() {
    let env = env(&[]).await;
    let qr = env.login_qr(None);
    for form in [QrForm::DeepLink, QrForm::Webview] {
        let text = encode(&qr, form).expect("encodes");
        assert_completed(&env.scan_text(&text, true).await);
    }
    // ONT-T3: an http URL serving the request.
    env.serve_text("/qr/login", qr.to_string());
    assert_completed(&env.scan_text(&env.dapp_url("/qr/login"), true).await);
    assert_eq!(env.callbacks().len(), 3);
    // A URL that serves nothing usable is refused with the reason.
    assert_refused(
        &env.scan_text(&env.dapp_url("/qr/missing"), true).await,
        "HTTP 404",
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_qr_code_is_refused_and_nothing_is_posted() {
    let env = env(&[]).await;
    let mut login = env.login_qr(None);
    login["params"]["expire"] = json!(now() - 60);
    assert_refused(&env.scan(&login).await, "expired");
    let mut invoke = env.invoke_qr(config());
    invoke["params"]["expire"] = json!(now() - 60);
    assert_refused(&env.scan(&invoke).await, "expired");
    // Nothing posted, and not even the payload fetched (ONT-I9).
    assert!(env.hits().is_empty(), "{:?}", env.hits());
    assert!(env.node().requests().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_qr_code_is_refused_and_nothing_is_posted() {
    let env = env(&[]).await;
    let reply = env.scan_text(&env.login_qr(None).to_string(), false).await;
    assert_refused(&reply, "rejected by the user");
    let reply = env
        .scan_text(&env.invoke_qr(config()).to_string(), false)
        .await;
    assert_refused(&reply, "rejected by the user");
    assert!(env.hits().is_empty());
    assert!(env.node().requests().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_that_cannot_be_reached_is_a_refusal_naming_it() {
    let env = env(&[]).await;
    let mut qr = env.login_qr(None);
    // Port 9 (discard) on loopback: nothing listens there.
    qr["params"]["callback"] = json!("http://127.0.0.1:9/callback/login");
    assert_refused(&env.scan(&qr).await, "the callback failed");
    env.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// the correct wallet: signMessage and signMultiMessage
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_message_signs_the_text_or_the_decoded_hex() {
    let env = env(&[]).await;
    let pk = key().public_key().to_hex();
    for (message, ishex) in [("hello, dApp", false), ("deadbeef00ff", true)] {
        assert_completed(&env.scan(&env.sign_qr(message, ishex)).await);
        let hit = env.callbacks().pop().expect("a callback");
        assert_eq!(hit.path, "/callback/signMessage");
        assert_eq!(hit.content_type.as_deref(), Some("application/json"));
        let body = &hit.body;
        assert_valid("signMessage.callback", body);
        assert_eq!(
            keys(body),
            ["action", "version", "id", "error", "desc", "result"]
        );
        assert_eq!(body["action"], "signMessage");
        assert_eq!(body["id"], "sign-1");
        assert_eq!(body["error"], 0);
        assert_eq!(body["desc"], "SUCCESS");
        let result = &body["result"];
        assert_eq!(
            keys(result),
            ["type", "user", "message", "publickey", "signature"]
        );
        assert_eq!(result["user"], address().as_str());
        assert_eq!(result["message"], message);
        let signature = result["signature"].as_str().expect("signature");
        verify_hex(&pk, signature, message, ishex).expect("signed over the right bytes");
        if ishex {
            assert!(verify_hex(&pk, signature, message, false).is_err());
        }
    }
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_is_not_hex_with_ishex_is_refused_and_nothing_is_posted() {
    let env = env(&[]).await;
    assert_refused(
        &env.scan(&env.sign_qr("not hex at all", true)).await,
        "the message is not hex",
    );
    assert_refused(
        &env.scan(&env.multi_qr(&["aabb", "xyz1"], true)).await,
        "the message is not hex",
    );
    assert!(env.hits().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_multi_message_gives_one_result_per_message_in_order() {
    let env = env(&[]).await;
    let pk = key().public_key().to_hex();
    let messages = ["first", "second", "third"];
    assert_completed(&env.scan(&env.multi_qr(&messages, false)).await);
    let hit = env.callback();
    assert_eq!(hit.path, "/callback/signMultiMessage");
    assert_valid("signMultiMessage.callback", &hit.body);
    assert_eq!(hit.body["action"], "signMultiMessage");
    let results = hit.body["result"].as_array().expect("an array");
    assert_eq!(results.len(), messages.len());
    for (result, message) in results.iter().zip(messages) {
        assert_eq!(result["message"], message);
        let signature = result["signature"].as_str().expect("signature");
        verify_hex(&pk, signature, message, false).expect("each over its own message");
    }
    // Hex messages are decoded one by one.
    assert_completed(&env.scan(&env.multi_qr(&["00", "ff01"], true)).await);
    let hit = env.callbacks().pop().expect("a callback");
    for (result, message) in hit.body["result"]
        .as_array()
        .expect("array")
        .iter()
        .zip(["00", "ff01"])
    {
        let signature = result["signature"].as_str().expect("signature");
        verify_hex(&pk, signature, message, true).expect("over the decoded bytes");
    }
    env.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// the correct wallet: invoke
// ---------------------------------------------------------------------------------------

/// Checks that the node holds one transaction doing what `config` says, paid and signed by
/// the wallet, pre-executed before it was sent; the transaction.
fn assert_invoked(env: &Env, config: &Value) -> Transaction {
    let tx = env.accepted();
    let want = parse_config(&substitute_placeholders(config, &address(), &ontid()))
        .expect("the config parses");
    assert!(matches(&want, &decoded(&tx)), "{:?}", decoded(&tx));
    assert_eq!(tx.payer.to_base58(), address());
    assert_eq!((tx.version, tx.gas_limit, tx.gas_price), (0, 20000, 500));
    tx.check_payer_signed().expect("the payer signed");
    let actions: Vec<Action> = env.tx_requests().iter().map(|r| r.0).collect();
    assert_eq!(actions, [Action::PreExec, Action::SendRawTransaction]);
    tx
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoke_pre_executes_sends_and_reports_the_display_hash() {
    for api in [NodeApi::Rest, NodeApi::Rpc] {
        let env = env_with(api, &[]).await;
        let qr = env.invoke_qr(config());
        assert_valid("invoke.request", &qr);
        assert_completed(&env.scan(&qr).await);
        let tx = assert_invoked(&env, &config());
        let callbacks = env.callbacks();
        assert_eq!(callbacks.len(), 1);
        let hit = &callbacks[0];
        assert_eq!(hit.path, "/callback/invoke");
        assert_eq!(hit.content_type.as_deref(), Some("application/json"));
        assert_valid("invoke.callback", &hit.body);
        assert_eq!(
            hit.body,
            json!({"action": "invoke", "version": "v1.0.0", "id": "invoke-1",
                   "error": 0, "desc": "SUCCESS", "result": tx.display_hash()})
        );
        // The payload was fetched once, before anything reached the node.
        let gets: Vec<_> = env
            .hits()
            .into_iter()
            .filter(|h| h.method == Method::GET)
            .collect();
        assert_eq!(gets.len(), 1);
        assert_eq!(gets[0].path, "/payload/invoke-1");
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoke_without_a_payer_or_a_callback_still_sends() {
    let env = env(&[]).await;
    let mut config = config();
    config.as_object_mut().expect("object").remove("payer");
    let mut qr = env.invoke_qr(config.clone());
    qr["params"]
        .as_object_mut()
        .expect("object")
        .remove("callback");
    assert_completed(&env.scan(&qr).await);
    assert_invoked(&env, &config);
    assert!(env.callbacks().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payer_that_is_not_the_wallet_is_refused_and_nothing_reaches_the_node() {
    let env = env(&[]).await;
    let mut config = config();
    config["payer"] = json!(stranger());
    assert_refused(
        &env.scan(&env.invoke_qr(config)).await,
        "the payer is not this wallet",
    );
    assert!(env.node().requests().is_empty());
    assert!(env.callbacks().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_the_node_refuses_posts_send_tx_error() {
    let env = env(&[]).await;
    env.node().fail_next_send(45016);
    let qr = env.invoke_qr(config());
    assert_completed(&env.scan(&qr).await);
    assert!(env.node().accepted_transactions().is_empty());
    let hit = env.callback();
    assert_valid("invoke.callback", &hit.body);
    assert_eq!(
        hit.body,
        json!({"action": "invoke", "version": "v1.0.0", "id": "invoke-1",
               "error": 80001, "desc": "SEND TX ERROR", "result": 1})
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_prefix_or_a_bad_payload_is_refused_before_the_node() {
    let env = env(&[]).await;
    let mut config = config();
    config["functions"][0]["args"][3]["value"] = json!("Integer:5");
    assert_refused(&env.scan(&env.invoke_qr(config)).await, "Integer:5");
    // A payload that breaks its schema.
    let qr = env.invoke_qr(json!({"contractHash": "zz"}));
    assert_refused(&env.scan(&qr).await, "invoke payload");
    // A payload URL that serves nothing.
    let mut qr = env.invoke_qr(self::config());
    qr["params"]["qrcodeUrl"] = json!(env.dapp_url("/payload/missing"));
    assert_refused(&env.scan(&qr).await, "HTTP 404");
    assert!(env.node().requests().is_empty());
    assert!(env.callbacks().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_scans_of_one_invoke_give_two_transactions() {
    let env = env(&[]).await;
    let qr = env.invoke_qr(config());
    let (a, b) = tokio::join!(env.scan(&qr), env.scan(&qr));
    assert_completed(&a);
    assert_completed(&b);
    // Random nonces: the second is not a duplicate of the first.
    assert_eq!(env.node().accepted_transactions().len(), 2);
    // One scan at a time: each pre-execution is followed by its own send.
    let actions: Vec<Action> = env.tx_requests().iter().map(|r| r.0).collect();
    assert_eq!(
        actions,
        [
            Action::PreExec,
            Action::SendRawTransaction,
            Action::PreExec,
            Action::SendRawTransaction
        ]
    );
    env.shutdown().await;
}

// ---------------------------------------------------------------------------------------
// one test per fault
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_sign_expired_signs_and_posts_an_expired_login() {
    let env = env(&[WalletFault::SignExpired]).await;
    let mut qr = env.login_qr(None);
    qr["params"]["expire"] = json!(now() - 60);
    assert_completed(&env.scan(&qr).await);
    assert_eq!(env.callback().body["action"], "login");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_sign_on_reject_posts_a_login_the_user_rejected() {
    let env = env(&[WalletFault::SignOnReject]).await;
    let reply = env.scan_text(&env.login_qr(None).to_string(), false).await;
    assert_completed(&reply);
    assert_eq!(env.callback().body["action"], "login");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_plain_json_only_refuses_the_deep_link() {
    let env = env(&[WalletFault::PlainJsonOnly]).await;
    let qr = env.login_qr(None);
    let link = encode(&qr, QrForm::DeepLink).expect("encodes");
    assert_refused(&env.scan_text(&link, true).await, "deeplink");
    assert!(env.callbacks().is_empty());
    assert_completed(&env.scan(&qr).await);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_strict_version_refuses_the_cyano_bridge_version() {
    // The correct wallet reads both spellings (ONT-T4) and echoes the one it was given.
    let correct = env(&[]).await;
    let mut cyano = correct.login_qr(None);
    cyano["version"] = json!("1.0.0");
    assert_completed(&correct.scan(&cyano).await);
    assert_eq!(correct.callback().body["version"], "1.0.0");
    correct.shutdown().await;
    let env = env(&[WalletFault::StrictVersion]).await;
    let mut cyano = env.login_qr(None);
    cyano["version"] = json!("1.0.0");
    assert_refused(&env.scan(&cyano).await, "version");
    assert!(env.callbacks().is_empty());
    assert_completed(&env.scan(&env.login_qr(None)).await);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_account_type_unsupported_refuses_an_account_login() {
    let env = env(&[WalletFault::AccountTypeUnsupported]).await;
    assert_refused(&env.scan(&env.login_qr(Some("account"))).await, "account");
    assert!(env.callbacks().is_empty());
    assert_completed(&env.scan(&env.login_qr(Some("address"))).await);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_ontid_user_address_posts_the_address_for_an_ontid_login() {
    let env = env(&[WalletFault::OntidUserAddress]).await;
    assert_completed(&env.scan(&env.login_qr(Some("ontid"))).await);
    let params = &env.callback().body["params"];
    assert_eq!(params["type"], "ontid");
    assert_eq!(params["user"], address().as_str());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_no_id_echo_leaves_id_out_of_every_callback() {
    let env = env(&[WalletFault::NoIdEcho]).await;
    assert_completed(&env.scan(&env.login_qr(None)).await);
    assert_completed(&env.scan(&env.sign_qr("hi", false)).await);
    assert_completed(&env.scan(&env.invoke_qr(config())).await);
    let callbacks = env.callbacks();
    assert_eq!(callbacks.len(), 3);
    for hit in callbacks {
        assert!(hit.body.get("id").is_none(), "{}", hit.body);
        assert!(hit.body.get("action").is_some());
    }
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_publickey_camel_case_names_the_key_public_key() {
    let env = env(&[WalletFault::PublickeyCamelCase]).await;
    assert_completed(&env.scan(&env.login_qr(None)).await);
    let params = &env.callback().body["params"];
    assert_eq!(
        keys(params),
        ["type", "user", "message", "publicKey", "signature"]
    );
    assert_eq!(params["publicKey"], key().public_key().to_hex().as_str());
    env.shutdown().await;
}

/// The login signature a faulty wallet posted, as text.
async fn login_signature(fault: WalletFault) -> (String, String) {
    let env = env(&[fault]).await;
    let qr = env.login_qr(None);
    assert_completed(&env.scan(&qr).await);
    let signature = env.callback().body["params"]["signature"]
        .as_str()
        .expect("signature")
        .to_string();
    env.shutdown().await;
    let message = qr["params"]["message"]
        .as_str()
        .expect("message")
        .to_string();
    (signature, message)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_der_signature_sends_a_der_encoded_signature() {
    let (signature, message) = login_signature(WalletFault::DerSignature).await;
    let bytes = hex::decode(&signature).expect("hex");
    assert!(matches!(
        OntSignature::from_bytes(&bytes),
        Err(SignatureError::Der(_))
    ));
    let der = OntSignature::from_der(&bytes).expect("strict DER");
    let as_65 = hex::encode(der.to_scheme_bytes());
    verify_hex(&key().public_key().to_hex(), &as_65, &message, false)
        .expect("the same signature underneath");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_high_s_signature_sends_a_high_s_signature() {
    let (signature, message) = login_signature(WalletFault::HighSSignature).await;
    assert_eq!(signature.len(), 130);
    let parsed = OntSignature::from_hex(&signature).expect("well formed");
    assert!(!parsed.is_low_s());
    verify_hex(&key().public_key().to_hex(), &signature, &message, false)
        .expect("high S still verifies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_plain_64_signature_drops_the_scheme_byte() {
    let (signature, message) = login_signature(WalletFault::Plain64Signature).await;
    assert_eq!(signature.len(), 128);
    verify_hex(&key().public_key().to_hex(), &signature, &message, false).expect("r||s verifies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_sign_message_as_login_posts_a_login_body() {
    let env = env(&[WalletFault::SignMessageAsLogin]).await;
    assert_completed(&env.scan(&env.sign_qr("hello", false)).await);
    let hit = env.callback();
    assert_eq!(hit.path, "/callback/signMessage");
    assert_eq!(keys(&hit.body), ["action", "version", "id", "params"]);
    assert_eq!(hit.body["action"], "login");
    assert_eq!(hit.body["params"]["message"], "hello");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_ignore_ishex_signs_the_hex_text() {
    let env = env(&[WalletFault::IgnoreIshex]).await;
    assert_completed(&env.scan(&env.sign_qr("deadbeef", true)).await);
    let signature = env.callback().body["result"]["signature"]
        .as_str()
        .expect("signature")
        .to_string();
    let pk = key().public_key().to_hex();
    verify_hex(&pk, &signature, "deadbeef", false).expect("over the text");
    assert!(verify_hex(&pk, &signature, "deadbeef", true).is_err());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_sign_invalid_hex_signs_and_posts_a_message_that_is_not_hex() {
    let env = env(&[WalletFault::SignInvalidHex]).await;
    assert_completed(&env.scan(&env.sign_qr("not hex", true)).await);
    let signature = env.callback().body["result"]["signature"]
        .as_str()
        .expect("signature")
        .to_string();
    verify_hex(&key().public_key().to_hex(), &signature, "not hex", false)
        .expect("over the UTF-8 text");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_multi_message_single_result_answers_only_the_first_message() {
    let env = env(&[WalletFault::MultiMessageSingleResult]).await;
    assert_completed(&env.scan(&env.multi_qr(&["a", "b", "c"], false)).await);
    let body = env.callback().body;
    let results = body["result"].as_array().expect("an array");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["message"], "a");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_multi_message_reversed_answers_in_reverse_order() {
    let env = env(&[WalletFault::MultiMessageReversed]).await;
    assert_completed(&env.scan(&env.multi_qr(&["a", "b", "c"], false)).await);
    let body = env.callback().body;
    let order: Vec<&str> = body["result"]
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["message"].as_str().expect("message"))
        .collect();
    assert_eq!(order, ["c", "b", "a"]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_no_placeholder_substitution_leaves_percent_address_in_the_config() {
    let env = env(&[WalletFault::NoPlaceholderSubstitution]).await;
    // `%address` is no base58 address: the config cannot be used at all.
    assert_refused(&env.scan(&env.invoke_qr(config())).await, "%address");
    assert!(env.node().requests().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_unknown_prefix_as_string_sends_integer_5_as_a_string() {
    let env = env(&[WalletFault::UnknownPrefixAsString]).await;
    let mut config = config();
    config["functions"][0]["args"][3]["value"] = json!("Integer:5");
    assert_completed(&env.scan(&env.invoke_qr(config)).await);
    let call = decoded(&env.accepted());
    assert_eq!(
        call.args[3].to_notation(),
        json!(format!("ByteArray:{}", hex::encode("Integer:5")))
    );
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_truncate_long_loses_precision_above_2_pow_53() {
    let env = env(&[WalletFault::TruncateLong]).await;
    let mut config = config();
    config["functions"][0]["args"][1]["value"] = json!("Long:9007199254740993");
    assert_completed(&env.scan(&env.invoke_qr(config)).await);
    let call = decoded(&env.accepted());
    assert_eq!(call.args[1].as_integer(), Some(9_007_199_254_740_992));
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_zero_payer_when_missing_pays_with_the_zero_address() {
    let env = env(&[WalletFault::ZeroPayerWhenMissing]).await;
    let mut config = config();
    config.as_object_mut().expect("object").remove("payer");
    assert_completed(&env.scan(&env.invoke_qr(config)).await);
    let requests = env.tx_requests();
    assert!(!requests.is_empty());
    for (_, _, tx) in &requests {
        assert_eq!(tx.payer, Address([0; 20]));
    }
    // The node refuses a payer that did not sign (45021), and the wallet says so.
    assert!(env.node().accepted_transactions().is_empty());
    assert_eq!(env.callback().body["error"], 80001);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_ignore_payer_mismatch_sends_with_another_payer() {
    let env = env(&[WalletFault::IgnorePayerMismatch]).await;
    let mut config = config();
    config["payer"] = json!(stranger());
    assert_completed(&env.scan(&env.invoke_qr(config)).await);
    let sends: Vec<_> = env
        .tx_requests()
        .into_iter()
        .filter(|r| r.0 == Action::SendRawTransaction)
        .collect();
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].2.payer.to_base58(), stranger());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_skip_preexec_sends_without_pre_executing() {
    let env = env(&[WalletFault::SkipPreexec]).await;
    assert_completed(&env.scan(&env.invoke_qr(config())).await);
    env.accepted();
    let actions: Vec<Action> = env.tx_requests().iter().map(|r| r.0).collect();
    assert_eq!(actions, [Action::SendRawTransaction]);
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_hash_not_reversed_reports_the_internal_order() {
    let env = env(&[WalletFault::HashNotReversed]).await;
    assert_completed(&env.scan(&env.invoke_qr(config())).await);
    let tx = env.accepted();
    let result = env.callback().body["result"].clone();
    assert_eq!(result, json!(hex::encode(tx.hash())));
    assert_ne!(result, json!(tx.display_hash()));
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_success_on_send_failure_posts_success_after_a_refused_send() {
    let env = env(&[WalletFault::SuccessOnSendFailure]).await;
    env.node().fail_next_send(45016);
    assert_completed(&env.scan(&env.invoke_qr(config())).await);
    assert!(env.node().accepted_transactions().is_empty());
    let body = env.callback().body;
    assert_eq!(body["error"], 0);
    assert_eq!(body["desc"], "SUCCESS");
    let (_, _, sent) = env
        .tx_requests()
        .into_iter()
        .find(|r| r.0 == Action::SendRawTransaction)
        .expect("a send");
    assert_eq!(body["result"], json!(sent.display_hash()));
    env.shutdown().await;
}

/// A fault added to `WalletFault` without a test here would be a fault nobody showed to
/// differ.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_multi_single_unwrapped_answers_one_message_with_a_bare_object() {
    let env = env(&[WalletFault::MultiSingleUnwrapped]).await;
    assert_completed(&env.scan(&env.multi_qr(&["aabbccdd"], true)).await);
    let body = env.callback().body;
    assert!(body["result"].is_object(), "{body}");
    assert_eq!(body["result"]["message"], "aabbccdd");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_auto_detect_hex_signs_hex_looking_text_as_bytes() {
    let env = env(&[WalletFault::AutoDetectHex]).await;
    assert_completed(&env.scan(&env.sign_qr("deadbeef", false)).await);
    let signature = env.callback().body["result"]["signature"]
        .as_str()
        .expect("signature")
        .to_string();
    let pk = key().public_key().to_hex();
    verify_hex(&pk, &signature, "deadbeef", true).expect("over the bytes");
    assert!(verify_hex(&pk, &signature, "deadbeef", false).is_err());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_expire_required_refuses_a_qr_code_without_expire() {
    let env = env(&[WalletFault::ExpireRequired]).await;
    let mut qr = env.login_qr(None);
    qr["params"]
        .as_object_mut()
        .expect("params")
        .remove("expire");
    assert_refused(&env.scan(&qr).await, "no `expire`");
    assert!(env.callbacks().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_shallow_placeholders_leaves_nested_percent_address() {
    let mut config = config();
    config["functions"][0]["args"][3]["value"] =
        json!(["Address:%address", {"k": "String:%ontid"}]);
    // The clean wallet replaces them at any depth.
    let clean = env(&[]).await;
    assert_completed(&clean.scan(&clean.invoke_qr(config.clone())).await);
    clean.accepted();
    clean.shutdown().await;
    let env = env(&[WalletFault::ShallowPlaceholders]).await;
    assert_refused(&env.scan(&env.invoke_qr(config)).await, "not usable");
    assert!(env.node().accepted_transactions().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_payer_placeholder_only_refuses_its_own_address_written_out() {
    let mut config = config();
    config["payer"] = json!(address());
    let clean = env(&[]).await;
    assert_completed(&clean.scan(&clean.invoke_qr(config.clone())).await);
    clean.accepted();
    clean.shutdown().await;
    let env = env(&[WalletFault::PayerPlaceholderOnly]).await;
    assert_refused(&env.scan(&env.invoke_qr(config)).await, "not `%address`");
    assert!(env.node().accepted_transactions().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_malformed_value_as_string_sends_long_12x_as_a_string() {
    let mut config = config();
    config["functions"][0]["args"][3]["value"] = json!("Long:12x");
    let clean = env(&[]).await;
    assert_refused(
        &clean.scan(&clean.invoke_qr(config.clone())).await,
        "not usable",
    );
    assert!(clean.node().accepted_transactions().is_empty());
    clean.shutdown().await;
    let env = env(&[WalletFault::MalformedValueAsString]).await;
    assert_completed(&env.scan(&env.invoke_qr(config)).await);
    let call = decoded(&env.accepted());
    assert_eq!(
        call.args[3].to_notation(),
        json!(format!("ByteArray:{}", hex::encode("Long:12x")))
    );
    env.shutdown().await;
}

/// A look-up of an ONT ID nobody registered: its pre-execution fails on the mock node.
fn failing_config() -> Value {
    let stranger = PrivateKey::from_seed("qrconform/test/unregistered").public_key();
    json!({
        "contractHash": "0300000000000000000000000000000000000000",
        "functions": [{"operation": "getDDO", "args": [
            {"name": "ontid", "value": format!("String:did:ont:{}",
                Address::from_public_key(&stranger).to_base58())}
        ]}],
        "payer": "%address",
        "gasLimit": 20000,
        "gasPrice": 500
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_ignore_preexec_failure_sends_after_a_failed_pre_execution() {
    let clean = env(&[]).await;
    clean.scan(&clean.invoke_qr(failing_config())).await;
    assert!(clean.node().accepted_transactions().is_empty());
    assert_eq!(clean.callback().body["desc"], "SEND TX ERROR");
    clean.shutdown().await;
    let env = env(&[WalletFault::IgnorePreexecFailure]).await;
    assert_completed(&env.scan(&env.invoke_qr(failing_config())).await);
    env.accepted();
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_callback_required_refuses_an_invoke_without_callback() {
    let clean = env(&[]).await;
    let mut qr = clean.invoke_qr(config());
    qr["params"]
        .as_object_mut()
        .expect("params")
        .remove("callback");
    assert_completed(&clean.scan(&qr).await);
    clean.accepted();
    assert!(clean.callbacks().is_empty());
    clean.shutdown().await;
    let env = env(&[WalletFault::CallbackRequired]).await;
    let mut qr = env.invoke_qr(config());
    qr["params"]
        .as_object_mut()
        .expect("params")
        .remove("callback");
    assert_refused(&env.scan(&qr).await, "no `callback`");
    assert!(env.node().accepted_transactions().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_send_error_result_text_puts_the_reason_in_result() {
    let env = env(&[WalletFault::SendErrorResultText]).await;
    env.node().fail_next_send(45016);
    env.scan(&env.invoke_qr(config())).await;
    let body = env.callback().body;
    assert_eq!(body["error"], 80001);
    assert_eq!(body["desc"], "SEND TX ERROR");
    assert!(body["result"].is_string(), "{body}");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_expire_grace_signs_a_qr_code_that_expired_a_minute_ago() {
    let env = env(&[WalletFault::ExpireGrace]).await;
    let mut qr = env.login_qr(None);
    qr["params"]["expire"] = json!(now() - 60);
    assert_completed(&env.scan(&qr).await);
    env.callback();
    // Beyond its five minutes it refuses.
    qr["params"]["expire"] = json!(now() - 600);
    assert_refused(&env.scan(&qr).await, "expired");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_expire_margin_refuses_a_qr_code_that_expires_soon() {
    let env = env(&[WalletFault::ExpireMargin]).await;
    let mut qr = env.login_qr(None);
    qr["params"]["expire"] = json!(now() + 30);
    assert_refused(&env.scan(&qr).await, "within a minute");
    assert!(env.callbacks().is_empty());
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_id_required_refuses_a_request_without_id() {
    let clean = env(&[]).await;
    let mut qr = clean.login_qr(None);
    qr.as_object_mut().expect("request").remove("id");
    assert_completed(&clean.scan(&qr).await);
    assert!(clean.callback().body.get("id").is_none());
    clean.shutdown().await;
    let env = env(&[WalletFault::IdRequired]).await;
    assert_refused(&env.scan(&qr).await, "no `id`");
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_login_flag_required_refuses_an_invoke_with_login_false() {
    let clean = env(&[]).await;
    let mut qr = clean.invoke_qr(config());
    qr["params"]["login"] = json!(false);
    assert_completed(&clean.scan(&qr).await);
    clean.accepted();
    clean.shutdown().await;
    let env = env(&[WalletFault::LoginFlagRequired]).await;
    let mut qr = env.invoke_qr(config());
    qr["params"]["login"] = json!(false);
    assert_refused(&env.scan(&qr).await, "does not ask for a login");
    assert!(env.node().accepted_transactions().is_empty());
    env.shutdown().await;
}

fn refusal() -> RawAnswer {
    RawAnswer {
        status: 200,
        location: None,
        content_type: "application/json",
        body: json!({"action": "login", "id": "login-1", "error": 80001,
            "desc": "PARAMS ERROR", "result": 1})
        .to_string(),
    }
}

fn html() -> RawAnswer {
    RawAnswer {
        status: 200,
        location: None,
        content_type: "text/html",
        body: "<html>busy</html>".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_ignore_dapp_reply_reports_success_for_a_refused_or_unreadable_reply() {
    for (answer, why) in [(refusal(), "error 80001"), (html(), "not a JSON object")] {
        let clean = env(&[]).await;
        clean.answer("/callback/login", answer.clone());
        let qr = clean.login_qr(None);
        // The callback is posted whole; the refusal is in the scan's outcome.
        assert_refused(&clean.scan(&qr).await, why);
        assert_eq!(clean.callback().body["action"], json!("login"));
        clean.shutdown().await;
        let env = env(&[WalletFault::IgnoreDappReply]).await;
        env.answer("/callback/login", answer);
        assert_completed(&env.scan(&env.login_qr(None)).await);
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_payload_status_ignored_acts_on_a_500_that_carries_a_request() {
    for faults in [vec![], vec![WalletFault::PayloadStatusIgnored]] {
        let env = env(&faults).await;
        let qr = env.invoke_qr(config());
        let payload = env.dapp.served.lock().unwrap()["/payload/invoke-1"].clone();
        env.answer(
            "/payload/invoke-1",
            RawAnswer {
                status: 500,
                location: None,
                content_type: "application/json",
                body: payload,
            },
        );
        let reply = env.scan(&qr).await;
        if faults.is_empty() {
            assert_refused(&reply, "HTTP 500");
            assert!(env.node().accepted_transactions().is_empty());
            assert!(env.callbacks().is_empty());
        } else {
            assert_completed(&reply);
            env.accepted();
        }
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_success_on_payload_failure_posts_success_without_a_transaction() {
    for faults in [vec![], vec![WalletFault::SuccessOnPayloadFailure]] {
        let env = env(&faults).await;
        let qr = env.invoke_qr(config());
        env.answer("/payload/invoke-1", html());
        let reply = env.scan(&qr).await;
        assert!(env.node().accepted_transactions().is_empty());
        if faults.is_empty() {
            assert_refused(&reply, "not JSON");
            assert!(env.callbacks().is_empty());
        } else {
            assert_completed(&reply);
            assert_eq!(env.callback().body["error"], json!(0));
        }
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_follow_redirects_fetches_the_payload_from_another_origin() {
    for faults in [vec![], vec![WalletFault::FollowRedirects]] {
        let env = env(&faults).await;
        let mut qr = env.invoke_qr(config());
        // The QR code names 127.0.0.1; the redirect sends the wallet to localhost.
        let elsewhere =
            env.dapp_url("/payload/invoke-1")
                .replacen("://127.0.0.1:", "://localhost:", 1);
        env.answer(
            "/moved/invoke-1",
            RawAnswer {
                status: 302,
                location: Some(elsewhere),
                content_type: "text/plain",
                body: "moved".into(),
            },
        );
        qr["params"]["qrcodeUrl"] = json!(env.dapp_url("/moved/invoke-1"));
        let reply = env.scan(&qr).await;
        if faults.is_empty() {
            assert_refused(&reply, "HTTP 302");
            assert!(env.node().accepted_transactions().is_empty());
        } else {
            assert_completed(&reply);
            env.accepted();
        }
        env.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_unknown_action_as_login_signs_a_request_of_an_unknown_action() {
    let clean = env(&[]).await;
    let mut qr = clean.login_qr(None);
    qr["action"] = json!("qrconformUnknown");
    assert_refused(&clean.scan(&qr).await, "unsupported action");
    assert!(clean.callbacks().is_empty());
    clean.shutdown().await;
    let env = env(&[WalletFault::UnknownActionAsLogin]).await;
    let mut qr = env.login_qr(None);
    qr["action"] = json!("qrconformUnknown");
    assert_completed(&env.scan(&qr).await);
    assert_eq!(env.callback().body["action"], json!("login"));
    env.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_any_version_acts_on_a_version_the_profile_does_not_know() {
    let clean = env(&[]).await;
    let mut qr = clean.login_qr(None);
    qr["version"] = json!("v2.0.0");
    assert_refused(&clean.scan(&qr).await, "schema");
    clean.shutdown().await;
    let env = env(&[WalletFault::AnyVersion]).await;
    let mut qr = env.login_qr(None);
    qr["version"] = json!("v2.0.0");
    assert_completed(&env.scan(&qr).await);
    env.callback();
    env.shutdown().await;
}

#[test]
fn every_fault_has_its_test() {
    let source = include_str!("reference_wallet.rs");
    for fault in WalletFault::ALL {
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
fn serve_wallet_refuses_an_unknown_fault_naming_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args([
            "serve",
            "wallet",
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
    assert!(stderr.contains("sign-expired"), "{stderr}");
}

#[test]
fn serve_wallet_refuses_a_bad_key_without_echoing_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args([
            "serve",
            "wallet",
            "--listen",
            "127.0.0.1:0",
            "--key",
            "secretsecret",
        ])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("--key"), "{stderr}");
    assert!(!stderr.contains("secretsecret"), "{stderr}");
}

#[test]
fn serve_wallet_help_lists_every_fault() {
    let output = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args(["serve", "wallet", "--help"])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(0));
    let stdout = text(&output.stdout);
    for fault in WalletFault::ALL {
        assert!(
            stdout.contains(fault.name()),
            "{fault} missing from {stdout}"
        );
        assert!(stdout.contains(fault.description()), "{fault}: {stdout}");
    }
}

#[test]
fn serve_wallet_prints_its_address_and_identity() {
    let served = common::Served::start(
        &[
            "serve",
            "wallet",
            "--listen",
            "127.0.0.1:0",
            "--node",
            "http://127.0.0.1:9",
            "--fault",
            "skip-preexec",
            "--fault",
            "der-signature",
        ],
        "Ctrl-C",
    );
    let base = served.value("reference wallet listening on ");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    assert_eq!(served.value("faults: "), "der-signature, skip-preexec");
    let seeded = PrivateKey::from_seed(wallet::DEFAULT_KEY_SEED).public_key();
    let expected = Identity {
        address: Address::from_public_key(&seeded).to_base58(),
        public_key: seeded.to_hex(),
        ontid: OntId::from_public_key(&seeded).to_string(),
    };
    assert_eq!(served.value("address "), expected.address);
    assert_eq!(served.value("publicKey "), expected.public_key);
    assert_eq!(served.value("ontid "), expected.ontid);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let reply = runtime
        .block_on(http().get(&format!("{base}/identity")))
        .expect("the served wallet answers");
    assert_eq!(reply.status, 200);
    let identity: Identity = serde_json::from_slice(&reply.body).expect("an identity");
    assert_eq!(identity, expected);
}
