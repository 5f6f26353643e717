//! The SimpleWallet wallet suite against a hostile driver (H-4), and a wallet whose identity
//! is unusable; its proof against the reference wallet's faults (H-2, H-3) is the
//! self-test's, in `tests/self_test.rs`.
//!
//! - a driver that never answers, answers garbage, posts twice, posts 10 MB or answers 10 MB
//!   gets a verdict with a reason from every case, within the timeouts;
//! - the reference wallet as a MYKEY wallet (a MYKEY account, the reserved key, payments
//!   through `mykeymanager::sendaction`) passes every case, and the faults of the duties a
//!   MYKEY wallet shares with a plain one are caught through the wrapper, and a fault only a
//!   MYKEY wallet shows (its login signed with the admin key) is caught in MYKEY mode only.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::routing::{get, post};
use axum::Router;
use qrconform::chain::eos::ledger::NodeError;
use qrconform::harness::catalogue::{Case, Level};
use qrconform::harness::driver::Driver;
use qrconform::harness::simplewallet::wallet_suite::{
    against_reference, against_reference_as, start_node, SimpleWalletSuite,
};
use qrconform::harness::wallet_steps::WalletLimits;
use qrconform::harness::{CaseOutcome, Verdict};
use qrconform::net::{ClientLimits, HttpClient};
use qrconform::protocol::simplewallet::crypto::PrivateKey;
use qrconform::protocol::simplewallet::messages::Request;
use qrconform::reference::simplewallet::wallet::SimpleWalletFault;
use serde_json::{json, Value};

const CASE_BOUND: Duration = Duration::from_secs(60);
const TEN_MB: usize = 10 * 1024 * 1024;

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

async fn run(suite: &SimpleWalletSuite, case: &Case) -> CaseOutcome {
    tokio::time::timeout(CASE_BOUND, suite.run_case(case))
        .await
        .unwrap_or_else(|_| panic!("case {} did not end within {CASE_BOUND:?}", case.id))
}

/// One case against the reference wallet with `faults` (a MYKEY wallet when `mykey`), both
/// stopped after it.
async fn run_against_reference(
    faults: BTreeSet<SimpleWalletFault>,
    mykey: bool,
    case: &Case,
) -> CaseOutcome {
    let (suite, wallet) = against_reference_as(faults, mykey)
        .await
        .expect("reference");
    let outcome = run(&suite, case).await;
    suite.shutdown().await;
    wallet.shutdown().await;
    outcome
}

fn stub_identity() -> Value {
    let key = PrivateKey::from_seed("hostile/eos-driver").public_key();
    json!({"account": "hostiledrvr1", "publicKey": key.to_legacy(), "ref": "hostile"})
}

/// Posts `body` to the loginUrl or notifyUrl of the request in a `/scan` body.
async fn post_to_dapp(scan: &[u8], body: Vec<u8>) {
    let Ok(request) = serde_json::from_slice::<Value>(scan) else {
        return;
    };
    let Some(qr) = request.get("qr").and_then(Value::as_str) else {
        return;
    };
    let Ok(parsed) = Request::from_qr_text(qr) else {
        return;
    };
    let Some(url) = parsed.post_url() else {
        return;
    };
    let client = HttpClient::new(ClientLimits::default());
    let _ = client.post_json(url, body).await;
}

async fn hostile_driver() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let identity = stub_identity().to_string();
    let mut app = Router::new();
    for path in ["/hang", "/garbage", "/twice", "/huge", "/hugereply"] {
        let identity = identity.clone();
        app = app.route(
            &format!("{path}/identity"),
            get(move || async move { identity }),
        );
    }
    let app = app
        .route(
            "/hang/scan",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(120)).await;
                "never"
            }),
        )
        .route("/garbage/scan", post(|| async { "<html>done?</html>" }))
        .route(
            "/twice/scan",
            post(|body: Bytes| async move {
                let post = json!({"protocol": "SimpleWallet", "version": "1.0"}).to_string();
                post_to_dapp(&body, post.clone().into_bytes()).await;
                post_to_dapp(&body, post.into_bytes()).await;
                json!({"outcome": "completed"}).to_string()
            }),
        )
        .route(
            "/huge/scan",
            post(|body: Bytes| async move {
                post_to_dapp(&body, vec![b'x'; TEN_MB]).await;
                json!({"outcome": "completed"}).to_string()
            }),
        )
        .route("/hugereply/scan", post(|| async { "x".repeat(TEN_MB) }))
        .route(
            "/payeeidentity/identity",
            get(|| async {
                let mut identity = stub_identity();
                identity["account"] = json!("qrcpayee1111");
                identity.to_string()
            }),
        )
        .route(
            "/badidentity/identity",
            get(|| async {
                json!({"account": "Not An Account", "publicKey": "x", "ref": ""}).to_string()
            }),
        );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

fn driver(addr: SocketAddr, path: &str, timeout: Duration) -> Driver {
    Driver::Http {
        base: format!("http://{addr}{path}"),
        client: HttpClient::new(ClientLimits {
            connect: timeout,
            request: timeout,
            max_body: 1024 * 1024,
        }),
    }
}

fn limits(timeout: Duration) -> WalletLimits {
    WalletLimits {
        timeout,
        quiet: Duration::ZERO,
        max_body: 1024 * 1024,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_driver_gets_a_verdict_with_a_reason_from_every_case_within_its_timeout() {
    let catalogue = qrconform::harness::simplewallet::WALLET.embedded_catalogue();
    let (addr, stub) = hostile_driver().await;
    let short = Duration::from_millis(100);
    let generous = Duration::from_secs(5);
    // (driver path, timeout, the verdict of accept cases, a fragment of the reason for
    // login and sign cases, and for transfer and transaction cases)
    let behaviours: [(&str, Duration, Verdict, &str, &str); 5] = [
        (
            "/hang",
            short,
            Verdict::Timeout,
            "took longer than",
            "took longer than",
        ),
        (
            "/garbage",
            generous,
            Verdict::Error,
            "driver protocol",
            "driver protocol",
        ),
        (
            "/twice",
            generous,
            Verdict::Fail,
            "posted 2 times",
            "no transaction reached the node",
        ),
        (
            "/huge",
            generous,
            Verdict::Fail,
            "larger than the harness records",
            "no transaction reached the node",
        ),
        (
            "/hugereply",
            generous,
            Verdict::Fail,
            "larger than",
            "larger than",
        ),
    ];
    let mut judged = 0;
    eprintln!(
        "| hostile driver | cases | verdicts | slowest case | timeout |\n|---|---|---|---|---|"
    );
    for (path, timeout, verdict, post_fragment, push_fragment) in behaviours {
        let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
        let mut slowest = Duration::ZERO;
        let running = start_node(loopback()).await.expect("node");
        let suite = SimpleWalletSuite::start(
            driver(addr, path, timeout),
            running,
            loopback(),
            None,
            limits(timeout),
        )
        .await
        .expect("suite");
        for case in &catalogue.cases {
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
                judged += 1;
                continue;
            }
            assert!(
                elapsed < timeout * 4 + Duration::from_secs(1),
                "{path} {}: {elapsed:?}",
                case.id
            );
            if case.twin.is_none() {
                let seen = match (outcome.verdict, case.level) {
                    (Verdict::Warning, Level::SHOULD) => Verdict::Fail,
                    (v, _) => v,
                };
                assert_eq!(seen, verdict, "{path} {}: {}", case.id, outcome.reason);
                let fragment = match case.action.as_str() {
                    "login" | "sign" => post_fragment,
                    _ => push_fragment,
                };
                assert!(
                    outcome.reason.contains(fragment),
                    "{path} {}: `{}` lacks `{fragment}`",
                    case.id,
                    outcome.reason
                );
            } else {
                // A negative case is judged on what was (not) posted or pushed: a driver that
                // posts anything, hangs or answers garbage never passes it.
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
    assert_eq!(judged, 5 * catalogue.cases.len());
}

/// The suite started against the stub driver's `path`, with its own node.
async fn start_against(
    addr: SocketAddr,
    path: &str,
    timeout: Duration,
) -> Result<SimpleWalletSuite, String> {
    let running = start_node(loopback()).await.expect("node");
    SimpleWalletSuite::start(
        driver(addr, path, timeout),
        running,
        loopback(),
        None,
        limits(timeout),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_whose_identity_breaks_the_schema_or_cannot_be_reached_is_refused_with_a_reason() {
    let (addr, stub) = hostile_driver().await;
    let timeout = Duration::from_secs(2);
    let err = start_against(addr, "/badidentity", timeout)
        .await
        .expect_err("an unusable identity");
    assert!(err.contains("simplewallet.driver.identity"), "{err}");
    // A driver that serves an Ontology identity is not a SimpleWallet wallet either.
    let err = start_against(addr, "/nothing-here", timeout)
        .await
        .expect_err("no identity");
    assert!(err.contains("identity"), "{err}");
    // An account the harness's node holds for itself would make every verdict mislead.
    let err = start_against(addr, "/payeeidentity", timeout)
        .await
        .expect_err("the payee's account");
    assert!(err.contains("`qrcpayee1111` is one the harness"), "{err}");
    stub.abort();
}

/// A push the node refuses is judged on what it carried, as the harness decodes it from the
/// node's record, not on the wallet's own account of the refusal; and a refusal armed on the
/// node (as the refused-push case arms it) never outlives the case it was armed for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_push_is_judged_on_its_content_and_an_unused_refusal_is_withdrawn() {
    let catalogue = qrconform::harness::simplewallet::WALLET.embedded_catalogue();
    let case = |id: &str| {
        catalogue
            .cases
            .iter()
            .find(|c| c.id == id)
            .expect("a catalogue case")
    };
    let faults = [SimpleWalletFault::QuantityUnpadded].into_iter().collect();
    let (suite, wallet) = against_reference(faults).await.expect("reference");
    let outcome = run(&suite, case("transfer.honest")).await;
    assert_eq!(outcome.verdict, Verdict::Fail, "{}", outcome.reason);
    assert!(
        outcome
            .reason
            .contains("the node refused the wallet's push")
            && outcome.reason.contains(r#""quantity":"1 EOS""#)
            && outcome.reason.contains(r#""quantity":"1.0000 EOS""#),
        "{}",
        outcome.reason
    );
    suite.shutdown().await;
    wallet.shutdown().await;
    // A refusal armed for a case in which the wallet pushes nothing (here: it refuses every
    // transfer that names `from`) is withdrawn with the case: the next case's push goes through.
    let faults = [SimpleWalletFault::RefuseExplicitFrom]
        .into_iter()
        .collect();
    let (suite, wallet) = against_reference(faults).await.expect("reference");
    let refused = suite.node().node();
    refused.fail_next_push(NodeError::new(3_050_003, "armed by the test"));
    let outcome = run(&suite, case("transfer.from.own")).await;
    assert_eq!(outcome.verdict, Verdict::Fail, "{}", outcome.reason);
    assert!(
        outcome.reason.contains("not supported"),
        "{}",
        outcome.reason
    );
    let outcome = run(&suite, case("transfer.honest")).await;
    assert_eq!(outcome.verdict, Verdict::Pass, "{}", outcome.reason);
    suite.shutdown().await;
    wallet.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_as_a_mykey_wallet_passes_every_case_and_its_faults_are_caught() {
    let catalogue = qrconform::harness::simplewallet::WALLET.embedded_catalogue();
    let case = |id: &str| {
        catalogue
            .cases
            .iter()
            .find(|c| c.id == id)
            .expect("a catalogue case")
    };
    let (suite, wallet) = against_reference_as(Default::default(), true)
        .await
        .expect("reference");
    assert!(wallet.identity().mykey);
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for case in catalogue.cases.iter().filter(|c| c.level != Level::REVIEW) {
        let outcome = run(&suite, case).await;
        assert_eq!(
            outcome.verdict,
            Verdict::Pass,
            "{}: {}",
            case.id,
            outcome.reason
        );
        *tally.entry(format!("{:?}", outcome.verdict)).or_default() += 1;
    }
    let judged = catalogue
        .cases
        .iter()
        .filter(|c| c.level != Level::REVIEW)
        .count();
    assert_eq!(tally.get("Pass"), Some(&judged));
    // The payments went through the wrapper, and the node ran the transfers inline.
    let node = suite.node().node();
    let wrapped = node
        .transactions()
        .iter()
        .filter(|t| {
            t.tx.actions
                .iter()
                .all(|a| a.name.to_string() == "sendaction")
                && !t.inline.is_empty()
        })
        .count();
    assert!(wrapped >= 3, "{wrapped} MYKEY payments on chain");
    suite.shutdown().await;
    wallet.shutdown().await;

    // Faults of the shared duties, caught in MYKEY mode as in plain mode: the transfer the
    // wrapper executes is judged, and signatures are verified against the reserved key.
    for (fault, id, words) in [
        (
            SimpleWalletFault::MemoDropped,
            "transfer.honest",
            r#""memo":"""#,
        ),
        (SimpleWalletFault::SignWrongKey, "sign.honest", "made by"),
        (
            SimpleWalletFault::ActionsReversed,
            "transaction.actions",
            "not in the requested order",
        ),
    ] {
        for mykey in [false, true] {
            let faults = [fault].into_iter().collect();
            let outcome = run_against_reference(faults, mykey, case(id)).await;
            assert_eq!(
                outcome.verdict,
                Verdict::Fail,
                "{fault:?} mykey={mykey}: {}",
                outcome.reason
            );
            assert!(
                outcome.reason.contains(words),
                "{fault:?} mykey={mykey}: {}",
                outcome.reason
            );
        }
    }

    // Wrapping a plain account's payment executes nothing: caught in plain mode; in MYKEY
    // mode it is what the wallet does anyway.
    for (mykey, verdict) in [(false, Verdict::Fail), (true, Verdict::Pass)] {
        let faults = [SimpleWalletFault::SendactionForPlainAccount]
            .into_iter()
            .collect();
        let outcome = run_against_reference(faults, mykey, case("transfer.honest")).await;
        assert_eq!(
            outcome.verdict, verdict,
            "mykey={mykey}: {}",
            outcome.reason
        );
        if verdict == Verdict::Fail {
            assert!(
                outcome.reason.contains("mykeymanager::sendaction"),
                "{}",
                outcome.reason
            );
        }
    }

    // A fault only a MYKEY wallet shows: its login signed with the admin key rather than the
    // reserved key passes as a plain wallet (which has no reserved key) and fails as MYKEY.
    for (mykey, verdict) in [(false, Verdict::Pass), (true, Verdict::Fail)] {
        let faults = [SimpleWalletFault::MykeyAdminKey].into_iter().collect();
        let (suite, wallet) = against_reference_as(faults, mykey)
            .await
            .expect("reference");
        let outcome = run(&suite, case("login.honest")).await;
        assert_eq!(
            outcome.verdict, verdict,
            "mykey={mykey}: {}",
            outcome.reason
        );
        suite.shutdown().await;
        wallet.shutdown().await;
    }
}
