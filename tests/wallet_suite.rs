//! The wallet suite against a hostile driver (H-4); its proof against the reference wallet's
//! faults (H-2, H-3) is the self-test's, in `tests/self_test.rs`.
//!
//! - a driver that never answers, answers garbage, posts twice or posts 10 MB gets a verdict
//!   with a reason from every case, within the timeouts.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::{get, post};
use axum::Router;
use qrconform::chain::ontology::{self as chain, Node, NodeConfig};
use qrconform::harness::catalogue::{Case, Level};
use qrconform::harness::driver::Driver;
use qrconform::harness::ontology::wallet_suite::WalletSuite;
use qrconform::harness::wallet_steps::WalletLimits;
use qrconform::harness::{CaseOutcome, Verdict};
use qrconform::net::{ClientLimits, HttpClient};
use qrconform::protocol::ontology::crypto::{sign, Address, OntId, PrivateKey};
use qrconform::protocol::ontology::transport;
use serde_json::{json, Value};

const CASE_BOUND: Duration = Duration::from_secs(60);

async fn run(suite: &WalletSuite, case: &Case) -> CaseOutcome {
    tokio::time::timeout(CASE_BOUND, suite.run_case(case))
        .await
        .unwrap_or_else(|_| panic!("case {} did not end within {CASE_BOUND:?}", case.id))
}

// ---------------------------------------------------------------------------------------
// A hostile driver
// ---------------------------------------------------------------------------------------

const TEN_MB: usize = 10 * 1024 * 1024;

fn stub_identity() -> Value {
    let key = PrivateKey::from_seed("hostile/driver").public_key();
    json!({
        "address": Address::from_public_key(&key).to_base58(),
        "publicKey": key.to_hex(),
        "ontid": OntId::from_public_key(&key).to_string(),
    })
}

/// Posts `body` to the callback of the QR code in a `/scan` request.
async fn post_to_callback(scan: &[u8], body: Vec<u8>) {
    let Ok(request) = serde_json::from_slice::<Value>(scan) else {
        return;
    };
    let Some(qr) = request.get("qr").and_then(Value::as_str) else {
        return;
    };
    let Ok(decoded) = transport::decode(qr) else {
        return;
    };
    let Some(callback) = decoded.message["params"]["callback"].as_str() else {
        return;
    };
    let client = HttpClient::new(ClientLimits::default());
    let _ = client.post_json(callback, body).await;
}

/// An honest login callback for the login QR in a `/scan` request, signed by the stub's
/// key, whose `type` is the other spelling of an account: `account` for an `address` QR
/// code and the reverse (ONT-L1: one type).
fn login_with_the_other_type(scan: &[u8]) -> Option<Value> {
    let request: Value = serde_json::from_slice(scan).ok()?;
    let decoded = transport::decode(request.get("qr")?.as_str()?).ok()?;
    let qr = decoded.message;
    let message = qr["params"]["message"].as_str()?;
    let other = match qr["params"]["type"].as_str().unwrap_or("address") {
        "address" => "account",
        "account" => "address",
        _ => return None,
    };
    let key = PrivateKey::from_seed("hostile/driver");
    Some(json!({
        "action": "login",
        "version": "v1.0.0",
        "id": qr["id"],
        "params": {
            "type": other,
            "user": Address::from_public_key(&key.public_key()).to_base58(),
            "message": message,
            "publickey": key.public_key().to_hex(),
            "signature": sign(&key, message.as_bytes()).to_hex(),
        },
    }))
}

async fn hostile_driver() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let identity = stub_identity();
    let app = Router::new()
        .route(
            "/hang/identity",
            get({
                let identity = identity.clone();
                move || async move { identity.to_string() }
            }),
        )
        .route(
            "/hang/scan",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(120)).await;
                "never"
            }),
        )
        .route(
            "/garbage/identity",
            get({
                let identity = identity.clone();
                move || async move { identity.to_string() }
            }),
        )
        .route("/garbage/scan", post(|| async { "<html>done?</html>" }))
        .route(
            "/twice/identity",
            get({
                let identity = identity.clone();
                move || async move { identity.to_string() }
            }),
        )
        .route(
            "/twice/scan",
            post(|body: Bytes| async move {
                let callback =
                    json!({"action": "login", "error": 0, "desc": "SUCCESS"}).to_string();
                post_to_callback(&body, callback.clone().into_bytes()).await;
                post_to_callback(&body, callback.into_bytes()).await;
                json!({"outcome": "completed"}).to_string()
            }),
        )
        .route(
            "/huge/identity",
            get({
                let identity = identity.clone();
                move || async move { identity.to_string() }
            }),
        )
        .route(
            "/huge/scan",
            post(|body: Bytes| async move {
                post_to_callback(&body, vec![b'x'; TEN_MB]).await;
                json!({"outcome": "completed"}).to_string()
            }),
        )
        .route(
            "/hugereply/identity",
            get(move || async move { identity.to_string() }),
        )
        .route("/hugereply/scan", post(|| async { "x".repeat(TEN_MB) }))
        .route(
            "/other-type/identity",
            get({
                let identity = stub_identity();
                move || async move { identity.to_string() }
            }),
        )
        .route(
            "/other-type/scan",
            post(|body: Bytes| async move {
                if let Some(callback) = login_with_the_other_type(&body) {
                    post_to_callback(&body, callback.to_string().into_bytes()).await;
                }
                json!({"outcome": "completed"}).to_string()
            }),
        );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_driver_gets_a_verdict_with_a_reason_from_every_case_within_its_timeout() {
    let catalogue = qrconform::harness::ontology::WALLET.embedded_catalogue();
    let (addr, stub) = hostile_driver().await;
    let short = Duration::from_millis(100);
    let generous = Duration::from_secs(5);
    // (driver path, timeout, the verdicts allowed for accept cases, a fragment of the reason)
    let behaviours: [(&str, Duration, &[Verdict], &str); 5] = [
        ("/hang", short, &[Verdict::Timeout], "took longer than"),
        ("/garbage", generous, &[Verdict::Error], "driver protocol"),
        ("/twice", generous, &[Verdict::Fail], "callbacks"),
        (
            "/huge",
            generous,
            &[Verdict::Fail],
            "larger than the harness records",
        ),
        ("/hugereply", generous, &[Verdict::Fail], "larger than"),
    ];
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut judged = 0;
    eprintln!("| hostile driver | login cases | verdicts | slowest case | timeout |\n|---|---|---|---|---|");
    for (path, timeout, allowed, fragment) in behaviours {
        let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
        let mut slowest = Duration::ZERO;
        let running = chain::start(Node::new(NodeConfig::default()), loopback, loopback)
            .await
            .expect("node");
        let driver = Driver::Http {
            base: format!("http://{addr}{path}"),
            client: HttpClient::new(ClientLimits {
                connect: timeout,
                request: timeout,
                max_body: 1024 * 1024,
            }),
        };
        let limits = WalletLimits {
            timeout,
            quiet: Duration::ZERO,
            max_body: 1024 * 1024,
        };
        let suite = WalletSuite::start(driver, running, loopback, None, limits)
            .await
            .expect("suite");
        for case in catalogue.cases.iter().filter(|c| c.action == "login") {
            let started = Instant::now();
            let outcome = run(&suite, case).await;
            let elapsed = started.elapsed();
            assert!(!outcome.reason.is_empty(), "{path} {}: no reason", case.id);
            if case.level == Level::REVIEW {
                // A driver is no person: the display duty is skipped, whatever the driver does.
                assert_eq!(outcome.verdict, Verdict::Skipped, "{path} {}", case.id);
                assert!(
                    outcome.reason.starts_with("needs a person"),
                    "{}",
                    outcome.reason
                );
                continue;
            }
            assert!(
                elapsed < timeout * 4 + Duration::from_secs(1),
                "{path} {}: {elapsed:?}",
                case.id
            );
            // Negative cases may be judged on what was (not) posted; accept cases must show
            // the driver's misbehaviour.
            if case.twin.is_none() {
                let verdict = match (outcome.verdict, case.level) {
                    (Verdict::Warning, Level::SHOULD) => Verdict::Fail,
                    (v, _) => v,
                };
                assert!(
                    allowed.contains(&verdict),
                    "{path} {}: {} {}",
                    case.id,
                    outcome.verdict,
                    outcome.reason
                );
                assert!(
                    outcome.reason.contains(fragment),
                    "{path} {}: `{}` lacks `{fragment}`",
                    case.id,
                    outcome.reason
                );
            } else {
                assert_ne!(outcome.verdict, Verdict::Pass, "{path} {}", case.id);
            }
            judged += 1;
            *verdicts.entry(outcome.verdict.to_string()).or_default() += 1;
            slowest = slowest.max(elapsed);
        }
        let summary: Vec<String> = verdicts.iter().map(|(v, n)| format!("{n} {v}")).collect();
        eprintln!(
            "| {path} | {} | {} | {slowest:.2?} | {timeout:?} |",
            verdicts.values().sum::<usize>(),
            summary.join(", ")
        );
        suite.shutdown().await;
    }
    stub.abort();
    assert!(judged >= 5 * 8, "only {judged} case runs were judged");
}

/// `account` and `address` are one type (ONT-L1): a wallet that answers an address QR code
/// with `type: "account"`, or the reverse, passes the honest logins (ONT-L2).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_answering_the_other_spelling_of_the_account_type_passes() {
    let catalogue = qrconform::harness::ontology::WALLET.embedded_catalogue();
    let (addr, stub) = hostile_driver().await;
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let running = chain::start(Node::new(NodeConfig::default()), loopback, loopback)
        .await
        .expect("node");
    let limits = WalletLimits {
        timeout: Duration::from_secs(5),
        quiet: Duration::ZERO,
        max_body: 1024 * 1024,
    };
    let driver = Driver::Http {
        base: format!("http://{addr}/other-type"),
        client: HttpClient::new(ClientLimits::default()),
    };
    let suite = WalletSuite::start(driver, running, loopback, None, limits)
        .await
        .expect("suite");
    for id in ["login.address.honest", "login.account.honest"] {
        let case = catalogue.cases.iter().find(|c| c.id == id).expect("case");
        let outcome = run(&suite, case).await;
        assert_eq!(outcome.verdict, Verdict::Pass, "{id}: {}", outcome.reason);
    }
    suite.shutdown().await;
    stub.abort();
}
