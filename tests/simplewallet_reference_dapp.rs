//! The reference SimpleWallet dApp over loopback, as a wallet meets it: its QR codes, its
//! replies to honest and broken login posts, transfer and transaction notifications and sign
//! results, and each named fault changing exactly the verdict it names (the suite's proof
//! of the same faults is the self-test's, in `tests/self_test.rs`).

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use qrconform::chain::eos::{self as eos, EosNode, EosNodeConfig, RunningEosNode};
use qrconform::clock::Clock;
use qrconform::harness::simplewallet::dapp_wallet::{
    HarnessEosWallet, FAKE_TOKEN, FROZEN, MYKEY, MYKEY_REF, OTHER, PLAIN, RESERVED_ROW, WALLET_REF,
};
use qrconform::net::{ClientLimits, HttpClient};
use qrconform::protocol::simplewallet::crypto::{sha256, PrivateKey};
use qrconform::protocol::simplewallet::eosio::{Name, Transfer};
use qrconform::protocol::simplewallet::messages::{
    login_signed_string, LoginPost, NotifyPost, Request, SignPost,
};
use qrconform::reference::simplewallet::dapp::{
    self as reference, RunningSwDapp, SwDappConfig, SwDappFault,
};
use serde_json::{json, Value};

struct Fixture {
    node: RunningEosNode,
    dapp: RunningSwDapp,
    http: HttpClient,
    wallet: HarnessEosWallet,
    /// The dApp's and the node's clock: virtual, so expiry tests move it instead of sleeping.
    clock: Clock,
}

async fn fixture(faults: &[SwDappFault], lifetime: Duration) -> Fixture {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let clock = Clock::virtual_shared();
    let node = eos::serve_node(
        EosNode::with_clock(EosNodeConfig::empty([9; 32]), clock.clone()),
        loopback,
    )
    .await
    .expect("node");
    let wallet = HarnessEosWallet::new();
    wallet.register(&node.node());
    let mut config = SwDappConfig::new(node.base_url());
    HarnessEosWallet::ensure_account(&node.node(), config.payee);
    config.faults = faults.iter().copied().collect::<BTreeSet<_>>();
    config.qr_lifetime = lifetime;
    config.clock = clock.clone();
    let dapp = reference::start(config, loopback).await.expect("dApp");
    Fixture {
        node,
        dapp,
        http: HttpClient::new(ClientLimits::default()),
        wallet,
        clock,
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn name(text: &str) -> Name {
    text.parse().expect("name")
}

impl Fixture {
    /// Lets `time` pass on the virtual clock.
    async fn pass(&self, time: Duration) {
        self.clock.wait_until(self.clock.now() + time).await;
    }

    async fn qr(&self, path: &str) -> Request {
        let reply = self
            .http
            .get(&format!("{}{path}", self.dapp.base_url()))
            .await
            .expect("QR");
        assert_eq!(reply.status, 200, "{path}");
        let text = String::from_utf8(reply.body).expect("UTF-8");
        Request::from_qr_text(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
    }

    async fn post(&self, url: &str, body: Vec<u8>) -> Value {
        let reply = self.http.post_json(url, body).await.expect("post");
        assert_eq!(
            reply.status, 200,
            "replies are HTTP 200 whatever the verdict"
        );
        serde_json::from_slice(&reply.body).expect("a JSON reply")
    }

    /// A login QR code and the post URL.
    async fn login_qr(&self) -> (String, String) {
        match self.qr("/qr/login").await {
            Request::Login(login) => (login.uuid, login.login_url),
            other => panic!("not a login: {other:?}"),
        }
    }

    async fn login_as(&self, account: &str, key: &PrivateKey, wallet_ref: &str) -> Value {
        let (uuid, url) = self.login_qr().await;
        self.post(
            &url,
            login_body(account, key, wallet_ref, &uuid)
                .to_string()
                .into_bytes(),
        )
        .await
    }

    /// A transfer QR code; pays it with `change` applied and notifies; the reply.
    async fn pay(&self, change: impl Fn(&mut Transfer), notifier: &str) -> (Value, String, String) {
        self.pay_on("eosio.token", change, notifier).await
    }

    /// As [`Fixture::pay`], the transfer on the token contract `contract`.
    async fn pay_on(
        &self,
        contract: &str,
        change: impl Fn(&mut Transfer),
        notifier: &str,
    ) -> (Value, String, String) {
        let Request::Transfer(request) = self.qr("/qr/transfer").await else {
            panic!("not a transfer")
        };
        let mut transfer = Transfer {
            from: name(PLAIN),
            to: name(&request.to),
            quantity: request.quantity().expect("quantity"),
            memo: request.dapp_data.clone().unwrap_or_default(),
        };
        change(&mut transfer);
        let action = HarnessEosWallet::transfer_action(name(contract), &transfer);
        let id = HarnessEosWallet::push(&self.node.node(), vec![action], &self.wallet.plain_active)
            .expect("pushed");
        let url = request.notify_url.expect("notifyUrl");
        let reply = self.notify(&url, &id, notifier).await;
        (reply, url, id)
    }

    /// A transfer QR code paid as MYKEY pays: `mykeymanager::sendaction` on top, the
    /// transfer inline (in the traces only); the reply to its notification.
    async fn pay_as_mykey(&self) -> Value {
        let Request::Transfer(request) = self.qr("/qr/transfer").await else {
            panic!("not a transfer")
        };
        let transfer = Transfer {
            from: name(MYKEY),
            to: name(&request.to),
            quantity: request.quantity().expect("quantity"),
            memo: request.dapp_data.clone().unwrap_or_default(),
        };
        let id = HarnessEosWallet::plant_mykey_payment(
            &self.node.node(),
            name("mykeymanager"),
            HarnessEosWallet::transfer_action(name("eosio.token"), &transfer),
            self.wallet.mykey_asset(),
        )
        .expect("planted");
        let stored = self.node.node().transaction(&id).expect("stored");
        assert!(
            stored.transfers().is_empty(),
            "no top-level transfer: {stored:?}"
        );
        self.notify(&request.notify_url.expect("notifyUrl"), &id, MYKEY)
            .await
    }

    async fn notify(&self, url: &str, tx_id: &str, account: &str) -> Value {
        let body = NotifyPost::new(tx_id, WALLET_REF, account).to_json();
        self.post(url, body.to_string().into_bytes()).await
    }

    async fn sign_with(&self, key: &PrivateKey, digest_twice: bool) -> Value {
        let Request::Sign(request) = self.qr("/qr/sign").await else {
            panic!("not a sign request")
        };
        let signature = if digest_twice {
            key.sign_digest(&sha256(&sha256(request.message.as_bytes())))
        } else {
            key.sign(request.message.as_bytes())
        };
        let body = SignPost::new(&request.message, signature.to_string(), WALLET_REF, PLAIN);
        self.post(
            &request.notify_url.expect("notifyUrl"),
            body.to_json().to_string().into_bytes(),
        )
        .await
    }

    async fn shutdown(self) {
        self.dapp.shutdown().await;
        self.node.shutdown().await;
    }
}

fn login_body(account: &str, key: &PrivateKey, wallet_ref: &str, uuid: &str) -> Value {
    login_body_at(now(), account, key, wallet_ref, uuid)
}

/// A login signed over `timestamp`, whatever the time is.
fn login_body_at(
    timestamp: u64,
    account: &str,
    key: &PrivateKey,
    wallet_ref: &str,
    uuid: &str,
) -> Value {
    let timestamp = timestamp.to_string();
    let signed = login_signed_string(&timestamp, account, uuid, wallet_ref);
    let sign = key.sign(signed.as_bytes()).to_string();
    LoginPost::new(timestamp, sign, uuid, account, wallet_ref).to_json()
}

fn code(reply: &Value) -> i64 {
    reply["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("no integer code: {reply}"))
}

fn accepted(reply: &Value) -> bool {
    code(reply) == 0
}

const LIFETIME: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qr_codes_carry_the_protocol_their_urls_and_a_fresh_reference() {
    let f = fixture(&[], LIFETIME).await;
    let (first, url) = f.login_qr().await;
    let (second, _) = f.login_qr().await;
    assert_ne!(first, second, "every login QR code has a fresh uuID");
    assert_eq!(url, format!("{}/login", f.dapp.base_url()));
    let Request::Transfer(transfer) = f.qr("/qr/transfer").await else {
        panic!()
    };
    assert_eq!(transfer.to, reference::DEFAULT_PAYEE);
    assert_eq!(transfer.quantity().unwrap().to_string(), "1.2500 EOS");
    assert!(transfer.dapp_data.unwrap().starts_with("order="));
    assert!(transfer.expired.is_some());
    let Request::Transaction(tx) = f.qr(&format!("/qr/transaction?account={PLAIN}")).await else {
        panic!()
    };
    assert_eq!(tx.actions[0].data["from"], PLAIN);
    for (path, status) in [("/qr/transaction", 400), ("/qr/nope", 404), ("/nope", 404)] {
        let reply = f
            .http
            .get(&format!("{}{path}", f.dapp.base_url()))
            .await
            .unwrap();
        assert_eq!(reply.status, status, "{path}");
    }
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_are_judged_against_the_keys_on_chain() {
    let f = fixture(&[], LIFETIME).await;
    let w = &f.wallet;
    let reply = f.login_as(PLAIN, &w.plain_active, WALLET_REF).await;
    assert_eq!(reply, json!({"code": 0, "error": ""}));
    assert!(accepted(
        &f.login_as(PLAIN, &w.plain_owner, WALLET_REF).await
    ));
    assert!(accepted(
        &f.login_as(MYKEY, w.mykey_reserved(), MYKEY_REF).await
    ));
    let refusals = [
        (FROZEN, &w.frozen_rows[RESERVED_ROW as usize], MYKEY_REF),
        (MYKEY, &w.mykey_rows[0], MYKEY_REF),
        (PLAIN, &w.stranger, WALLET_REF),
        (PLAIN, &w.other_active, WALLET_REF),
        ("nosuchacct", &w.plain_active, WALLET_REF),
    ];
    for (account, key, wallet_ref) in refusals {
        let reply = f.login_as(account, key, wallet_ref).await;
        assert_eq!(code(&reply), 5, "{account}: {reply}");
        assert!(!reply["error"].as_str().unwrap().is_empty(), "{reply}");
    }
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_uuid_counts_once_must_be_issued_and_expires() {
    // Replays and unknown uuIDs on long-lived QR codes, so a slow machine cannot turn them
    // into expiries; the expiry on a 1 s code.
    let f = fixture(&[], LIFETIME).await;
    let w = &f.wallet;
    let (uuid, url) = f.login_qr().await;
    let body = login_body(PLAIN, &w.plain_active, WALLET_REF, &uuid).to_string();
    assert!(accepted(&f.post(&url, body.clone().into_bytes()).await));
    assert_eq!(code(&f.post(&url, body.into_bytes()).await), 4, "replay");
    let unknown = login_body(PLAIN, &w.plain_active, WALLET_REF, "never-issued").to_string();
    assert_eq!(code(&f.post(&url, unknown.into_bytes()).await), 2);
    f.shutdown().await;
    let f = fixture(&[], Duration::from_secs(1)).await;
    let (uuid, url) = f.login_qr().await;
    // `expired` is the issue time plus 1 s rounded up: at most 2 s away.
    f.pass(Duration::from_millis(2100)).await;
    let late = login_body(PLAIN, &f.wallet.plain_active, WALLET_REF, &uuid).to_string();
    assert_eq!(code(&f.post(&url, late.into_bytes()).await), 3, "expired");
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signature_covers_the_timestamp_and_capitalised_keys_are_tolerated() {
    let f = fixture(&[], LIFETIME).await;
    let (uuid, url) = f.login_qr().await;
    let mut body = login_body(PLAIN, &f.wallet.plain_active, WALLET_REF, &uuid);
    let tampered = body["timestamp"].as_u64().unwrap() + 1;
    body["timestamp"] = json!(tampered);
    assert_eq!(code(&f.post(&url, body.to_string().into_bytes()).await), 5);
    let (uuid, url) = f.login_qr().await;
    let mut body = login_body(PLAIN, &f.wallet.plain_active, WALLET_REF, &uuid);
    let map = body.as_object_mut().unwrap();
    let account = map.remove("account").unwrap();
    let wallet_ref = map.remove("ref").unwrap();
    map.insert("Account".into(), account);
    map.insert("Ref".into(), wallet_ref);
    assert!(accepted(&f.post(&url, body.to_string().into_bytes()).await));
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_gets_a_code_1_reply_and_never_a_panic() {
    let mut f = fixture(&[], LIFETIME).await;
    let base = f.dapp.base_url();
    let bodies: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"not json".to_vec(),
        b"[]".to_vec(),
        b"{}".to_vec(),
        br#"{"protocol":"SimpleWallet","version":"1.0","timestamp":1.5e9}"#.to_vec(),
        br#"{"protocol":"SimpleWallet","version":"1.0","timestamp":1,"sign":"SIG_K1_x","uuID":"u","account":"BAD NAME","ref":"r"}"#.to_vec(),
        vec![0xff; 300],
    ];
    for path in ["/login", "/notify/none", "/sign/none"] {
        for body in &bodies {
            let reply = f.post(&format!("{base}{path}"), body.clone()).await;
            assert_eq!(code(&reply), 1, "{path}: {reply}");
        }
    }
    let huge = vec![b'{'; 200 * 1024];
    let reply = f
        .http
        .post_json(&format!("{base}/login"), huge)
        .await
        .unwrap();
    assert!(
        reply.status == 200 || reply.status == 413,
        "{}",
        reply.status
    );
    // The server closes a connection it answered 413 on without reading the rest of the
    // body, and a pooled client can race that close; a fresh client keeps this check about
    // the server still serving, not about reusing that connection.
    f.http = HttpClient::new(ClientLimits::default());
    assert!(
        f.login_as(PLAIN, &f.wallet.plain_active, WALLET_REF)
            .await
            .get("code")
            == Some(&json!(0)),
        "still serving"
    );
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_are_confirmed_on_chain_once() {
    let f = fixture(&[], LIFETIME).await;
    let (reply, url, id) = f.pay(|_| {}, PLAIN).await;
    assert_eq!(reply, json!({"code": 0, "error": ""}));
    assert_eq!(code(&f.notify(&url, &id, PLAIN).await), 4, "credited once");
    let (reply, _, _) = f.pay(|t| t.quantity.amount -= 1, PLAIN).await;
    assert_eq!(code(&reply), 6, "{reply}");
    let (reply, _, _) = f.pay(|t| t.to = name(OTHER), PLAIN).await;
    assert_eq!(code(&reply), 6, "{reply}");
    let (reply, _, _) = f.pay(|t| t.memo = "order=elsewhere".into(), PLAIN).await;
    assert_eq!(code(&reply), 6, "{reply}");
    let (reply, _, _) = f.pay(|_| {}, OTHER).await;
    assert_eq!(code(&reply), 6, "{reply}");
    let (reply, _, _) = f.pay_on(FAKE_TOKEN, |_| {}, PLAIN).await;
    assert_eq!(code(&reply), 6, "a fake EOS does not pay: {reply}");
    let (reply, _, _) = f.pay(|t| t.memo.push_str("&ref=qrconform"), PLAIN).await;
    assert!(accepted(&reply), "a wallet may append &ref=…: {reply}");
    let Request::Transfer(request) = f.qr("/qr/transfer").await else {
        panic!()
    };
    let url = request.notify_url.unwrap();
    assert_eq!(code(&f.notify(&url, &"ab".repeat(32), PLAIN).await), 6);
    // The reference asked the chain.
    assert!(f
        .node
        .node()
        .record()
        .iter()
        .any(|r| r.path == "/v1/history/get_transaction"));
    f.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mykey_payment_whose_transfer_runs_inline_is_found_in_the_traces() {
    let f = fixture(&[], LIFETIME).await;
    let reply = f.pay_as_mykey().await;
    assert!(accepted(&reply), "{reply}");
    let f_top = fixture(&[SwDappFault::TopLevelTransfersOnly], LIFETIME).await;
    let reply = f_top.pay_as_mykey().await;
    assert_eq!(code(&reply), 6, "no top-level transfer: {reply}");
    f.shutdown().await;
    f_top.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_results_are_verified_over_sha256_of_the_message() {
    let f = fixture(&[], LIFETIME).await;
    assert!(accepted(&f.sign_with(&f.wallet.plain_active, false).await));
    assert_eq!(code(&f.sign_with(&f.wallet.stranger, false).await), 5);
    assert_eq!(code(&f.sign_with(&f.wallet.plain_active, true).await), 5);
    f.shutdown().await;
}

/// Each fault, with a post the clean reference rejects (or accepts) and the faulty one
/// judges the other way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_turns_exactly_the_verdict_it_names() {
    use SwDappFault as F;
    async fn probe(f: &Fixture, fault: SwDappFault) -> bool {
        let w = &f.wallet;
        match fault {
            F::AcceptAnySignature => accepted(&f.login_as(PLAIN, &w.stranger, WALLET_REF).await),
            F::SkipAccountBinding => {
                accepted(&f.login_as(PLAIN, &w.other_active, WALLET_REF).await)
            }
            F::ActiveKeyOnly => accepted(&f.login_as(PLAIN, &w.plain_owner, WALLET_REF).await),
            F::SkipMykeyKeydata => {
                accepted(&f.login_as(MYKEY, w.mykey_reserved(), MYKEY_REF).await)
            }
            F::IgnoreKeyStatus => {
                let key = &w.frozen_rows[RESERVED_ROW as usize];
                accepted(&f.login_as(FROZEN, key, MYKEY_REF).await)
            }
            F::AnyKeydataRow => accepted(&f.login_as(MYKEY, &w.mykey_rows[0], MYKEY_REF).await),
            F::AcceptReplay => {
                let (uuid, url) = f.login_qr().await;
                let body = login_body(PLAIN, &w.plain_active, WALLET_REF, &uuid).to_string();
                f.post(&url, body.clone().into_bytes()).await;
                accepted(&f.post(&url, body.into_bytes()).await)
            }
            F::AcceptUnknownUuid => {
                let (_, url) = f.login_qr().await;
                let body = login_body(PLAIN, &w.plain_active, WALLET_REF, "forged").to_string();
                accepted(&f.post(&url, body.into_bytes()).await)
            }
            F::AcceptExpired => unreachable!("judged in its own test"),
            F::LowercaseKeysOnly => {
                let (uuid, url) = f.login_qr().await;
                let mut body = login_body(PLAIN, &w.plain_active, WALLET_REF, &uuid);
                let account = body.as_object_mut().unwrap().remove("account").unwrap();
                body["Account"] = account;
                accepted(&f.post(&url, body.to_string().into_bytes()).await)
            }
            F::ReplySuccessFlag => {
                let reply = f.login_as(PLAIN, &w.plain_active, WALLET_REF).await;
                reply.get("code").is_some()
            }
            F::FailureCodeZero => {
                let reply = f.login_as(PLAIN, &w.stranger, WALLET_REF).await;
                code(&reply) == 0 && !reply["error"].as_str().unwrap_or("").is_empty()
            }
            F::NumbersAsStrings => {
                let url = format!("{}/qr/transfer", f.dapp.base_url());
                let reply = f.http.get(&url).await.expect("QR");
                let qr: Value = serde_json::from_slice(&reply.body).expect("JSON");
                qr["amount"].is_string() && qr["precision"] == json!("4")
            }
            F::TimestampNumberOnly => {
                let (uuid, url) = f.login_qr().await;
                let mut body = login_body(PLAIN, &w.plain_active, WALLET_REF, &uuid);
                body["timestamp"] = json!(body["timestamp"].to_string());
                accepted(&f.post(&url, body.to_string().into_bytes()).await)
            }
            F::TimestampWindow => {
                let (uuid, url) = f.login_qr().await;
                let body = login_body_at(now() - 86_400, PLAIN, &w.plain_active, WALLET_REF, &uuid);
                accepted(&f.post(&url, body.to_string().into_bytes()).await)
            }
            F::MemoExact => {
                let (reply, _, _) = f.pay(|t| t.memo.push_str("&ref=qrconform"), PLAIN).await;
                accepted(&reply)
            }
            F::TxidSnakeOnly => {
                let Request::Transfer(request) = f.qr("/qr/transfer").await else {
                    panic!()
                };
                let transfer = Transfer {
                    from: name(PLAIN),
                    to: name(&request.to),
                    quantity: request.quantity().expect("quantity"),
                    memo: request.dapp_data.clone().unwrap_or_default(),
                };
                let action = HarnessEosWallet::transfer_action(name("eosio.token"), &transfer);
                let id = HarnessEosWallet::push(&f.node.node(), vec![action], &w.plain_active)
                    .expect("pushed");
                let mut body = NotifyPost::new(&id, WALLET_REF, PLAIN).to_json();
                let tx_id = body.as_object_mut().unwrap().remove("tx_id").unwrap();
                body["txID"] = tx_id;
                let url = request.notify_url.expect("notifyUrl");
                accepted(&f.post(&url, body.to_string().into_bytes()).await)
            }
            F::SignMessageUnchecked => {
                let Request::Sign(request) = f.qr("/qr/sign").await else {
                    panic!("not a sign request")
                };
                let message = format!("{} and more", request.message);
                let signature = w.plain_active.sign(message.as_bytes());
                let body = SignPost::new(&message, signature.to_string(), WALLET_REF, PLAIN);
                let url = request.notify_url.expect("notifyUrl");
                accepted(&f.post(&url, body.to_json().to_string().into_bytes()).await)
            }
            F::TopLevelTransfersOnly => accepted(&f.pay_as_mykey().await),
            F::TrustNotify => {
                let Request::Transfer(request) = f.qr("/qr/transfer").await else {
                    panic!()
                };
                let url = request.notify_url.unwrap();
                accepted(&f.notify(&url, &"cd".repeat(32), PLAIN).await)
            }
            F::IgnoreContract => accepted(&f.pay_on(FAKE_TOKEN, |_| {}, PLAIN).await.0),
            F::IgnoreAmount => accepted(&f.pay(|t| t.quantity.amount /= 2, PLAIN).await.0),
            F::IgnoreRecipient => accepted(&f.pay(|t| t.to = name(OTHER), PLAIN).await.0),
            F::IgnoreMemo => accepted(&f.pay(|t| t.memo = "order=x".into(), PLAIN).await.0),
            F::IgnorePayer => accepted(&f.pay(|_| {}, OTHER).await.0),
            F::AcceptReusedTxid => {
                let (_, url, id) = f.pay(|_| {}, PLAIN).await;
                accepted(&f.notify(&url, &id, PLAIN).await)
            }
            F::TxidSpellingStrict => !accepted(&f.pay(|_| {}, PLAIN).await.0),
            F::SignDoubleHash => !accepted(&f.sign_with(&w.plain_active, false).await),
            F::CrashOnBadInput => {
                let url = format!("{}/login", f.dapp.base_url());
                let reply = f.http.post_json(&url, b"not json".to_vec()).await.unwrap();
                reply.status == 200
            }
        }
    }
    for &fault in SwDappFault::ALL {
        if fault == SwDappFault::AcceptExpired {
            continue;
        }
        let clean = fixture(&[], LIFETIME).await;
        let faulty = fixture(&[fault], LIFETIME).await;
        let (before, after) = (probe(&clean, fault).await, probe(&faulty, fault).await);
        // `reply-success-flag` turns "has a code" from true to false; every other probe
        // turns a refusal into an acceptance (or the reverse for the strict faults).
        assert_ne!(before, after, "{fault}: the fault changes nothing");
        clean.shutdown().await;
        faulty.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_expired_takes_a_login_after_expired() {
    for (faults, expected) in [(vec![], 3), (vec![SwDappFault::AcceptExpired], 0)] {
        let f = fixture(&faults, Duration::from_secs(1)).await;
        let (uuid, url) = f.login_qr().await;
        f.pass(Duration::from_millis(2100)).await;
        let body = login_body(PLAIN, &f.wallet.plain_active, WALLET_REF, &uuid).to_string();
        assert_eq!(
            code(&f.post(&url, body.into_bytes()).await),
            expected,
            "{faults:?}"
        );
        f.shutdown().await;
    }
}
