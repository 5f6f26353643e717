//! The reference SimpleWallet wallet's behaviour over loopback, correct and with faults: the
//! driver protocol, what it posts to the dApp and what it pushes to the mock EOS node.
//! (That the wallet suite catches every fault is the self-test's to prove.)

use std::collections::BTreeSet;
use std::net::SocketAddr;

use qrconform::chain::eos::{AccountSpec, RunningEosNode};
use qrconform::harness::harness_dapp::{HarnessDapp, Received};
use qrconform::harness::simplewallet::wallet_suite::{deep_link, start_node};
use qrconform::net::{ClientLimits, HttpClient};
use qrconform::protocol::driver::{Outcome, ScanReply};
use qrconform::protocol::simplewallet::crypto::{sha256, PrivateKey, PublicKey, Signature};
use qrconform::protocol::simplewallet::eosio::{unpack_action_data, Asset, Name, Transaction};
use qrconform::protocol::simplewallet::messages::login_signed_string;
use qrconform::reference::simplewallet::wallet::{
    self as reference, RunningSimpleWallet, SimpleWalletConfig, SimpleWalletFault, DEFAULT_ACCOUNT,
    DEFAULT_KEY_SEED, OWNER_KEY_SEED,
};
use qrconform::schema::validate;
use serde_json::{json, Value};

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn name(text: &str) -> Name {
    text.parse().expect("a valid name")
}

fn active() -> PrivateKey {
    PrivateKey::from_seed(DEFAULT_KEY_SEED)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn succeed(_: &Value) -> Value {
    json!({"code": 0, "error": ""})
}

fn refuse(_: &Value) -> Value {
    json!({"code": 17, "error": "uuID unknown"})
}

struct Env {
    node: RunningEosNode,
    dapp: HarnessDapp,
    wallet: RunningSimpleWallet,
    http: HttpClient,
}

async fn env(faults: &[SimpleWalletFault]) -> Env {
    env_with(faults, succeed).await
}

async fn env_with(faults: &[SimpleWalletFault], reply: fn(&Value) -> Value) -> Env {
    let node = start_node(loopback()).await.expect("node");
    let key = active().public_key();
    let other = PrivateKey::from_seed("test/others").public_key();
    node.node().add_account(AccountSpec {
        name: name(DEFAULT_ACCOUNT),
        owner: vec![PrivateKey::from_seed(OWNER_KEY_SEED).public_key()],
        active: vec![key],
    });
    for account in ["payee1111111", "qrctoken1111"] {
        node.node().add_account(AccountSpec {
            name: name(account),
            owner: vec![other],
            active: vec![other],
        });
    }
    node.node().credit(
        name(DEFAULT_ACCOUNT),
        "100.0000 EOS".parse::<Asset>().expect("asset"),
    );
    let dapp = HarnessDapp::start(loopback(), None, reply)
        .await
        .expect("dapp");
    let mut config = SimpleWalletConfig::new(active(), node.base_url());
    config.faults = faults.iter().copied().collect::<BTreeSet<_>>();
    let wallet = reference::start(config, loopback()).await.expect("wallet");
    Env {
        node,
        dapp,
        wallet,
        http: HttpClient::new(ClientLimits::default()),
    }
}

impl Env {
    async fn scan(&self, qr: &str, approve: bool) -> ScanReply {
        let body = json!({"qr": qr, "approve": approve}).to_string();
        let reply = self
            .http
            .post_json(
                &format!("{}/scan", self.wallet.base_url()),
                body.into_bytes(),
            )
            .await
            .expect("scan");
        assert_eq!(
            reply.status,
            200,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        serde_json::from_slice(&reply.body).expect("a scan reply")
    }

    fn posts(&self, token: &str) -> Vec<Value> {
        self.dapp
            .callbacks(token)
            .iter()
            .map(|r: &Received| r.json().expect("JSON"))
            .collect()
    }

    fn transactions(&self) -> Vec<Transaction> {
        self.node
            .node()
            .transactions()
            .into_iter()
            .map(|t| t.tx)
            .collect()
    }

    fn pushes(&self) -> usize {
        self.node
            .node()
            .record()
            .iter()
            .filter(|r| r.path.ends_with("/push_transaction"))
            .count()
    }

    fn request(&self, action: &str, token: &str, extra: Value) -> Value {
        let mut request = json!({
            "protocol": "SimpleWallet", "version": "1.0", "action": action,
            "dappName": "test dapp", "dappIcon": "http://127.0.0.1/icon.png",
            "expired": now() + 600,
        });
        self.dapp.open_case(token);
        let url = self.dapp.callback_url(token);
        match action {
            "login" => {
                request["uuID"] = json!(format!("uuid-{token}"));
                request["loginUrl"] = json!(url);
            }
            _ => request["notifyUrl"] = json!(url),
        }
        if let (Some(request), Value::Object(extra)) = (request.as_object_mut(), extra) {
            request.extend(extra);
        }
        request
    }

    fn transfer(&self, token: &str, extra: Value) -> Value {
        let mut request = self.request(
            "transfer",
            token,
            json!({"to": "payee1111111", "amount": 1, "contract": "eosio.token",
                   "symbol": "EOS", "precision": 4, "dappData": "order 42"}),
        );
        if let (Some(request), Value::Object(extra)) = (request.as_object_mut(), extra) {
            request.extend(extra);
        }
        request
    }
}

fn assert_completed(reply: &ScanReply) {
    assert_eq!(reply.outcome, Outcome::Completed, "{:?}", reply.reason);
}

fn assert_refused(reply: &ScanReply, why: &str) {
    assert_eq!(reply.outcome, Outcome::Refused);
    let reason = reply.reason.as_deref().unwrap_or("");
    assert!(reason.contains(why), "`{reason}` lacks `{why}`");
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

fn signature(post: &Value) -> Signature {
    post["sign"]
        .as_str()
        .expect("sign")
        .parse()
        .expect("SIG_K1_")
}

fn the_transfer(tx: &Transaction) -> Value {
    assert_eq!(tx.actions.len(), 1);
    let action = &tx.actions[0];
    unpack_action_data(action.account, action.name, &action.data).expect("transfer data")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_identity_names_the_account_the_active_key_and_ref_and_meets_its_schema() {
    let env = env(&[]).await;
    let reply = env
        .http
        .get(&format!("{}/identity", env.wallet.base_url()))
        .await
        .expect("identity");
    let body: Value = serde_json::from_slice(&reply.body).expect("JSON");
    assert!(validate("simplewallet.driver.identity", &body)
        .expect("known kind")
        .is_empty());
    assert_eq!(body["account"], DEFAULT_ACCOUNT);
    assert_eq!(body["publicKey"], active().public_key().to_legacy());
    assert_eq!(body["ref"], "qrconform");
    assert_eq!(env.wallet.identity().account, DEFAULT_ACCOUNT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_scan_bodies_get_a_400_and_other_routes_a_404() {
    let env = env(&[]).await;
    let scan = format!("{}/scan", env.wallet.base_url());
    for body in [
        &b"not json"[..],
        b"{\"qr\": 5}",
        b"{\"qr\": \"\", \"approve\": true}",
    ] {
        let reply = env
            .http
            .post_json(&scan, body.to_vec())
            .await
            .expect("post");
        assert_eq!(reply.status, 400, "{}", String::from_utf8_lossy(body));
    }
    let reply = env
        .http
        .get(&format!("{}/nowhere", env.wallet.base_url()))
        .await
        .expect("get");
    assert_eq!(reply.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_and_foreign_requests_are_refused_with_a_reason_and_nothing_happens() {
    let env = env(&[]).await;
    let login = env.request("login", "g", json!({})).to_string();
    let mut texts = vec![
        "garbage".to_string(),
        "{".to_string(),
        "simplewallet://eos.io?param=%7".to_string(),
        json!({"protocol": "SimpleWallet", "version": "1.0", "action": "openUrl"}).to_string(),
        login.replace("SimpleWallet", "TokenPocket"),
        login.replace("\"1.0\"", "\"2.0\""),
        env.transfer("g", json!({"amount": "1e3"})).to_string(),
        env.transfer("g", json!({"to": "Not A Name"})).to_string(),
        env.request(
            "transaction",
            "g",
            json!({"actions": [{"account": "eosio", "name": "unknownact", "data": {}}]}),
        )
        .to_string(),
        "\u{0}".repeat(100),
    ];
    // Every prefix of a real request too: a torn QR code never panics the wallet.
    texts.extend((1..login.len()).step_by(7).map(|n| login[..n].to_string()));
    for text in &texts {
        let reply = env.scan(text, true).await;
        assert_eq!(reply.outcome, Outcome::Refused, "{text}");
        assert!(!reply.reason.unwrap_or_default().is_empty(), "{text}");
    }
    assert!(env.posts("g").is_empty());
    assert_eq!(env.pushes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_posts_the_seven_lower_case_fields_signed_over_the_plain_concatenation() {
    let env = env(&[]).await;
    let request = env.request("login", "login", json!({"loginMemo": "hello"}));
    assert_completed(&env.scan(&request.to_string(), true).await);
    let posts = env.posts("login");
    assert_eq!(posts.len(), 1);
    let post = &posts[0];
    assert_eq!(
        keys(post),
        [
            "account",
            "protocol",
            "ref",
            "sign",
            "timestamp",
            "uuID",
            "version"
        ]
    );
    assert!(validate("simplewallet.login.post", post)
        .expect("known kind")
        .is_empty());
    assert_eq!(post["uuID"], request["uuID"]);
    assert_eq!(post["account"], DEFAULT_ACCOUNT);
    let timestamp = post["timestamp"].as_u64().expect("a JSON number");
    assert!(timestamp.abs_diff(now()) <= 5, "{timestamp}");
    let signed = login_signed_string(
        &timestamp.to_string(),
        DEFAULT_ACCOUNT,
        request["uuID"].as_str().expect("uuID"),
        "qrconform",
    );
    let sig = signature(post);
    assert!(sig.is_canonical());
    sig.verify(signed.as_bytes(), &active().public_key())
        .expect("the login signature verifies");
    assert!(env.wallet.opened_callbacks().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_with_plus_and_percent_20_is_read_and_its_callback_opened() {
    let env = env(&[]).await;
    let request = env.request(
        "login",
        "link",
        json!({"loginMemo": "with spaces", "callback": "app://back?x=1"}),
    );
    let link = deep_link(&request);
    assert!(link.contains('+') && link.contains("%20"), "{link}");
    assert_completed(&env.scan(&link, true).await);
    assert_eq!(env.posts("link").len(), 1);
    assert_eq!(env.wallet.opened_callbacks(), ["app://back?x=1&result=1"]);
    // A wallet that reads `+` as a plus cannot read the JSON.
    let env = self::env(&[SimpleWalletFault::PlusAsPlus]).await;
    let request = env.request("login", "plus", json!({"loginMemo": "with spaces"}));
    assert_refused(
        &env.scan(&deep_link(&request), true).await,
        "not a SimpleWallet request",
    );
    assert!(env.posts("plus").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_callback_says_cancelled_when_rejected_and_failed_when_refused() {
    let env = env(&[]).await;
    let rejected = env.request("login", "no", json!({"callback": "app://back?x=1"}));
    assert_refused(&env.scan(&deep_link(&rejected), false).await, "rejected");
    let expired = env.request(
        "login",
        "old",
        json!({"callback": "app://back?x=2", "expired": now() - 60}),
    );
    assert_refused(&env.scan(&deep_link(&expired), true).await, "expired");
    let foreign = env.transfer(
        "foreign",
        json!({"from": "payee1111111", "callback": "app://back?x=3"}),
    );
    assert_refused(&env.scan(&foreign.to_string(), true).await, "payee1111111");
    assert_eq!(
        env.wallet.opened_callbacks(),
        [
            "app://back?x=1&result=0",
            "app://back?x=2&result=2",
            "app://back?x=3&result=2"
        ]
    );
    assert!(env.posts("no").is_empty() && env.posts("old").is_empty());
    assert_eq!(env.pushes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_and_rejected_requests_post_and_push_nothing_unless_a_fault_says_so() {
    let env = env(&[]).await;
    let expired = env.request("login", "old", json!({"expired": now() - 60}));
    assert_refused(&env.scan(&expired.to_string(), true).await, "expired");
    let transfer = env.transfer("oldtx", json!({"expired": now() - 60}));
    assert_refused(&env.scan(&transfer.to_string(), true).await, "expired");
    let fresh = env.request("login", "no", json!({}));
    assert_refused(&env.scan(&fresh.to_string(), false).await, "rejected");
    assert!(env.posts("old").is_empty() && env.posts("no").is_empty());
    assert!(env.posts("oldtx").is_empty());
    assert_eq!(env.pushes(), 0);
    let env = self::env(&[
        SimpleWalletFault::SignExpired,
        SimpleWalletFault::SignOnReject,
    ])
    .await;
    let expired = env.request("login", "old", json!({"expired": now() - 60}));
    assert_completed(&env.scan(&expired.to_string(), false).await);
    assert_eq!(env.posts("old").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_pushes_the_padded_quantity_and_the_memo_then_notifies_the_id_on_chain() {
    let env = env(&[]).await;
    let request = env.transfer("pay", json!({"callback": "app://paid"}));
    assert_completed(&env.scan(&request.to_string(), true).await);
    let txs = env.transactions();
    assert_eq!(txs.len(), 1);
    let tx = &txs[0];
    assert_eq!(tx.actions[0].account, name("eosio.token"));
    assert_eq!(tx.actions[0].name, name("transfer"));
    assert_eq!(tx.actions[0].authorization.len(), 1);
    assert_eq!(tx.actions[0].authorization[0].actor, name(DEFAULT_ACCOUNT));
    assert_eq!(tx.actions[0].authorization[0].permission, name("active"));
    assert_eq!(
        the_transfer(tx),
        json!({"from": DEFAULT_ACCOUNT, "to": "payee1111111", "quantity": "1.0000 EOS", "memo": "order 42"})
    );
    let posts = env.posts("pay");
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0],
        json!({"protocol": "SimpleWallet", "version": "1.0", "tx_id": tx.id_hex(),
               "ref": "qrconform", "account": DEFAULT_ACCOUNT})
    );
    assert_eq!(
        env.wallet.opened_callbacks(),
        [format!("app://paid?result=1&txID={}", tx.id_hex())]
    );
    // `from` naming the wallet's own account is paid; a fractional amount is padded.
    let own = env.transfer(
        "own",
        json!({"from": DEFAULT_ACCOUNT, "amount": 0.5, "precision": 8, "symbol": "QRC",
               "contract": "qrctoken1111"}),
    );
    assert_completed(&env.scan(&own.to_string(), true).await);
    let txs = env.transactions();
    assert_eq!(the_transfer(&txs[1])["quantity"], "0.50000000 QRC");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_from_another_account_is_refused_and_nothing_is_pushed() {
    let env = env(&[]).await;
    let request = env.transfer("foreign", json!({"from": "payee1111111"}));
    assert_refused(&env.scan(&request.to_string(), true).await, "payee1111111");
    assert_eq!(env.pushes(), 0);
    assert!(env.posts("foreign").is_empty());
    let env = self::env(&[SimpleWalletFault::IgnoreFrom]).await;
    let request = env.transfer("foreign", json!({"from": "payee1111111"}));
    assert_completed(&env.scan(&request.to_string(), true).await);
    assert_eq!(
        the_transfer(&env.transactions()[0])["from"],
        DEFAULT_ACCOUNT
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_the_node_refuses_notifies_nothing_and_opens_the_callback_with_result_2() {
    let env = env(&[]).await;
    // More than the account holds: the node refuses the push.
    let request = env.transfer("broke", json!({"amount": 5000, "callback": "app://x?a=b"}));
    assert_refused(
        &env.scan(&request.to_string(), true).await,
        "the node refused",
    );
    assert_eq!(env.pushes(), 1);
    assert!(env.transactions().is_empty());
    assert!(env.posts("broke").is_empty());
    assert_eq!(env.wallet.opened_callbacks(), ["app://x?a=b&result=2"]);
    let env = self::env(&[SimpleWalletFault::NotifyOnFailedPush]).await;
    let request = env.transfer("broke", json!({"amount": 5000}));
    assert_completed(&env.scan(&request.to_string(), true).await);
    assert_eq!(env.posts("broke").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_pushes_every_action_in_order_in_one_transaction() {
    let actions = json!([
        {"account": "eosio", "name": "buyram", "info": "ram",
         "data": {"payer": DEFAULT_ACCOUNT, "receiver": DEFAULT_ACCOUNT, "quant": "0.1000 EOS"}},
        {"account": "eosio.token", "name": "transfer",
         "data": {"from": DEFAULT_ACCOUNT, "to": "payee1111111", "quantity": "0.0001 EOS", "memo": "m"}},
    ]);
    for (faults, order) in [
        (vec![], vec!["buyram", "transfer"]),
        (
            vec![SimpleWalletFault::ActionsReversed],
            vec!["transfer", "buyram"],
        ),
        (vec![SimpleWalletFault::FirstActionOnly], vec!["buyram"]),
    ] {
        let env = env(&faults).await;
        let request = env.request("transaction", "tx", json!({"actions": actions}));
        assert_completed(&env.scan(&request.to_string(), true).await);
        let txs = env.transactions();
        assert_eq!(txs.len(), 1);
        let names: Vec<String> = txs[0].actions.iter().map(|a| a.name.to_string()).collect();
        assert_eq!(names, order, "{faults:?}");
        assert_eq!(env.posts("tx")[0]["tx_id"], txs[0].id_hex());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_posts_a_signature_over_the_utf8_message_by_the_active_key() {
    let env = env(&[]).await;
    for (token, message) in [("text", "héllo, wallet"), ("hexlike", "0x0a0b0c")] {
        let request = env.request("sign", token, json!({"message": message}));
        assert_completed(&env.scan(&request.to_string(), true).await);
        let post = &env.posts(token)[0];
        assert_eq!(
            keys(post),
            ["account", "message", "protocol", "ref", "sign", "version"]
        );
        assert_eq!(post["message"], message);
        signature(post)
            .verify(message.as_bytes(), &active().public_key())
            .expect("verifies over the UTF-8 text");
    }
    // MYKEY's `signUrl` names the same endpoint.
    let mut request = env.request("sign", "signurl", json!({"message": "m"}));
    let url = request["notifyUrl"].take();
    request.as_object_mut().expect("object").remove("notifyUrl");
    request["signUrl"] = url;
    assert_completed(&env.scan(&request.to_string(), true).await);
    assert_eq!(env.posts("signurl").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dapp_that_refuses_the_login_makes_the_scan_a_refusal_naming_its_code() {
    let env = env_with(&[], refuse).await;
    let request = env.request("login", "refused", json!({}));
    assert_refused(&env.scan(&request.to_string(), true).await, "code 17");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_changes_one_step() {
    let key = active().public_key();
    let login = |env: &Env, token: &str| env.request("login", token, json!({}));
    // Login faults.
    let env = env(&[SimpleWalletFault::CapitalisedKeys]).await;
    assert_completed(&env.scan(&login(&env, "a").to_string(), true).await);
    assert_eq!(
        keys(&env.posts("a")[0]),
        [
            "Account",
            "Ref",
            "protocol",
            "sign",
            "timestamp",
            "uuID",
            "version"
        ]
    );
    let env = self::env(&[SimpleWalletFault::TimestampMillis]).await;
    assert_completed(&env.scan(&login(&env, "a").to_string(), true).await);
    let millis = env.posts("a")[0]["timestamp"].as_u64().expect("number");
    assert!(millis / 1000 >= now() - 5, "{millis}");
    for fault in [
        SimpleWalletFault::DoubleSha256,
        SimpleWalletFault::SeparatorInSignedString,
        SimpleWalletFault::HighSSignature,
    ] {
        let env = self::env(&[fault]).await;
        let request = login(&env, "a");
        assert_completed(&env.scan(&request.to_string(), true).await);
        let post = &env.posts("a")[0];
        let signed = login_signed_string(
            &post["timestamp"].to_string(),
            DEFAULT_ACCOUNT,
            request["uuID"].as_str().expect("uuID"),
            "qrconform",
        );
        let sig = signature(post);
        match fault {
            SimpleWalletFault::DoubleSha256 => {
                assert!(sig.verify(signed.as_bytes(), &key).is_err());
                sig.verify_digest(&sha256(&sha256(signed.as_bytes())), &key)
                    .expect("over the double hash");
            }
            SimpleWalletFault::SeparatorInSignedString => {
                assert!(sig.verify(signed.as_bytes(), &key).is_err());
            }
            _ => {
                sig.verify(signed.as_bytes(), &key).expect("still verifies");
                assert!(!sig.is_canonical());
            }
        }
    }
    // Transfer faults.
    // On a contract that keeps no balances, so that the node takes the quantity as written
    // (eosio.token refuses a symbol of the wrong precision).
    let elsewhere = json!({"contract": "qrctoken1111", "symbol": "QRC"});
    for (fault, field, want) in [
        (SimpleWalletFault::QuantityUnpadded, "quantity", "1 QRC"),
        (SimpleWalletFault::MemoDropped, "memo", ""),
    ] {
        let env = self::env(&[fault]).await;
        let request = env.transfer("t", elsewhere.clone());
        assert_completed(&env.scan(&request.to_string(), true).await);
        assert_eq!(the_transfer(&env.transactions()[0])[field], want, "{fault}");
    }
    let env = self::env(&[SimpleWalletFault::QuantityUnpadded]).await;
    let request = env.transfer("t", json!({}));
    assert_refused(&env.scan(&request.to_string(), true).await, "precision");
    let env = self::env(&[SimpleWalletFault::PrecisionFixedFour]).await;
    let request = env.transfer(
        "t",
        json!({"amount": 0.5, "precision": 8, "symbol": "QRC", "contract": "qrctoken1111"}),
    );
    assert_completed(&env.scan(&request.to_string(), true).await);
    assert_eq!(
        the_transfer(&env.transactions()[0])["quantity"],
        "0.5000 QRC"
    );
    let env = self::env(&[SimpleWalletFault::RefuseExplicitFrom]).await;
    let request = env.transfer("t", json!({"from": DEFAULT_ACCOUNT}));
    assert_refused(&env.scan(&request.to_string(), true).await, "`from`");
    let env = self::env(&[SimpleWalletFault::NotifyTxidWrong]).await;
    assert_completed(
        &env.scan(&env.transfer("t", json!({})).to_string(), true)
            .await,
    );
    assert_ne!(env.posts("t")[0]["tx_id"], env.transactions()[0].id_hex());
    let env = self::env(&[SimpleWalletFault::NoNotify]).await;
    assert_completed(
        &env.scan(&env.transfer("t", json!({})).to_string(), true)
            .await,
    );
    assert_eq!(env.transactions().len(), 1);
    assert!(env.posts("t").is_empty());
    // Sign faults.
    let env = self::env(&[SimpleWalletFault::SignWrongKey]).await;
    let request = env.request("sign", "s", json!({"message": "m"}));
    assert_completed(&env.scan(&request.to_string(), true).await);
    let owner: PublicKey = PrivateKey::from_seed(OWNER_KEY_SEED).public_key();
    assert_eq!(
        signature(&env.posts("s")[0])
            .recover(b"m")
            .expect("recovers"),
        owner
    );
    let env = self::env(&[SimpleWalletFault::SignHexDecoded]).await;
    let request = env.request("sign", "s", json!({"message": "0x0a0b"}));
    assert_completed(&env.scan(&request.to_string(), true).await);
    signature(&env.posts("s")[0])
        .verify(&[0x0a, 0x0b], &key)
        .expect("over the decoded bytes");
}
