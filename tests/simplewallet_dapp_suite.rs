//! The SimpleWallet dApp suite against a hostile back end (H-4, H-5); its proof against the
//! reference dApp's faults (H-2, H-3) is the self-test's, in `tests/self_test.rs`.
//!
//! A stub back end whose QR sources or post URLs hang, flood, answer garbage, redirect off
//! their host, name an undeclared host, or accept everything, gets a verdict with a reason
//! from every case, within the timeout, and never hangs the run.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use qrconform::harness::catalogue::{Case, Expect, Level};
use qrconform::harness::simplewallet::dapp_suite::SwDappSuite;
use qrconform::harness::target::{DappProtocol, DappTarget, Limits, QrSource};
use qrconform::harness::{CaseOutcome, Verdict};
use qrconform::net::Origin;
use serde_json::json;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// No case may take longer than this, whatever the peer does.
const CASE_BOUND: Duration = Duration::from_secs(30);
const TEN_MB: usize = 10 * 1024 * 1024;

async fn run(suite: &SwDappSuite, case: &Case) -> CaseOutcome {
    tokio::time::timeout(CASE_BOUND, suite.run_case(case))
        .await
        .unwrap_or_else(|_| panic!("case {} did not end within {CASE_BOUND:?}", case.id))
}

/// A QR text of `action` whose post URL is `post_url`.
fn qr(action: &str, post_url: &str) -> String {
    let header = json!({"protocol": "SimpleWallet", "version": "1.0", "action": action,
        "dappName": "hostile", "dappIcon": "http://x/icon.png"});
    let mut qr = header.as_object().cloned().unwrap_or_default();
    let extra = match action {
        // An hour away: longer than the run may wait, so the expiry case is skipped.
        "login" => json!({"uuID": "hostile-uuid", "loginUrl": post_url,
            "expired": unix_now() + 3600}),
        "transfer" => json!({"to": "qrcotheracct", "amount": 1, "contract": "eosio.token",
            "symbol": "EOS", "precision": 4, "dappData": "order=1", "notifyUrl": post_url}),
        "transaction" => json!({"actions": [{"account": "eosio.token", "name": "transfer",
            "data": {"from": "qrcwalletone", "to": "qrcotheracct", "quantity": "1.0000 EOS",
                "memo": "order=2"}}], "notifyUrl": post_url}),
        _ => json!({"message": "hostile message", "notifyUrl": post_url}),
    };
    qr.extend(extra.as_object().cloned().unwrap_or_default());
    serde_json::Value::Object(qr).to_string()
}

async fn slow<T: IntoResponse>(answer: T) -> T {
    tokio::time::sleep(Duration::from_secs(120)).await;
    answer
}

async fn hostile_stub() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let qr_route = move |Path((behaviour, action)): Path<(String, String)>| {
        let base = base.clone();
        async move {
            match behaviour.as_str() {
                "hang" => slow("never".to_string()).await.into_response(),
                "huge" => "x".repeat(TEN_MB).into_response(),
                "garbage" => "<html>not a QR code</html>".into_response(),
                "redirect" => (
                    StatusCode::FOUND,
                    [(header::LOCATION, "http://192.0.2.1/qr/login")],
                )
                    .into_response(),
                "undeclared" => qr(&action, "http://192.0.2.1/post").into_response(),
                "no-expired" => {
                    let mut login: serde_json::Value =
                        serde_json::from_str(&qr(&action, &format!("{base}/post/accept-all")))
                            .unwrap_or_default();
                    if let Some(map) = login.as_object_mut() {
                        map.remove("expired");
                    }
                    login.to_string().into_response()
                }
                "deep-link" => format!(
                    "simplewallet://eos.io?param={}",
                    percent_encoding::utf8_percent_encode(
                        &qr(&action, &format!("{base}/post/accept-all")),
                        percent_encoding::NON_ALPHANUMERIC
                    )
                )
                .into_response(),
                post_behaviour => {
                    qr(&action, &format!("{base}/post/{post_behaviour}")).into_response()
                }
            }
        }
    };
    let post_route = |Path(behaviour): Path<String>| async move {
        let reply: Response = match behaviour.as_str() {
            "post-hangs" => slow("never").await.into_response(),
            "post-huge" => "x".repeat(TEN_MB).into_response(),
            "post-garbage" => "ok".into_response(),
            "post-redirects" => (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, "http://192.0.2.1/post")],
            )
                .into_response(),
            "post-success-flag" => json!({"success": true}).to_string().into_response(),
            _ => json!({"code": 0, "error": ""}).to_string().into_response(),
        };
        reply
    };
    let app = Router::new()
        .route("/qr/{behaviour}/{action}", get(qr_route))
        .route("/post/{behaviour}", post(post_route));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

fn hostile_target(addr: SocketAddr, behaviour: &str, timeout: Duration) -> DappTarget {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let sources = ["login", "transfer", "transaction", "sign"]
        .into_iter()
        .map(|action| {
            (
                action.to_string(),
                QrSource::Url(format!("http://{addr}/qr/{behaviour}/{action}")),
            )
        })
        .collect::<BTreeMap<_, _>>();
    DappTarget {
        name: "hostile".into(),
        version: "0".into(),
        protocol: DappProtocol::SimpleWallet,
        sources,
        status: None,
        restart: None,
        allowed_origins: vec![Origin::of(&format!("http://{addr}")).expect("origin")],
        node_rest: loopback,
        node_rpc: loopback,
        node_eos: loopback,
        limits: Limits {
            timeout,
            max_body: 1024 * 1024,
            clock_skew_secs: 30,
            max_expiry_wait: Duration::from_secs(1),
        },
        ca_cert: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_back_end_gets_a_verdict_with_a_reason_from_every_case_within_its_timeout() {
    let catalogue = qrconform::harness::simplewallet::DAPP.embedded_catalogue();
    let (addr, stub) = hostile_stub().await;
    let short = Duration::from_millis(100);
    let generous = Duration::from_secs(5);
    // (behaviour, expected verdict, a fragment of the reason); `None` for the verdict means
    // the case's own expectation decides (accept-all: positives pass, negatives fail).
    let behaviours = [
        ("hang", Some(Verdict::Timeout), "took longer than"),
        ("huge", Some(Verdict::Fail), "larger than"),
        ("garbage", Some(Verdict::Fail), "SW-T1"),
        // What the peer does on the wire is its FAIL (H-6), not a harness error.
        ("redirect", Some(Verdict::Fail), "HTTP 302"),
        ("undeclared", Some(Verdict::Fail), "does not declare"),
        ("post-hangs", Some(Verdict::Timeout), "took longer than"),
        ("post-huge", Some(Verdict::Fail), "larger than"),
        ("post-garbage", Some(Verdict::Fail), "not a JSON object"),
        ("post-redirects", Some(Verdict::Fail), "redirect"),
        ("post-success-flag", Some(Verdict::Fail), "SW-L4"),
        ("accept-all", None, "expected rejection"),
    ];
    let mut seen = 0;
    for (behaviour, verdict, fragment) in behaviours {
        let timeout = if verdict == Some(Verdict::Timeout) {
            short
        } else {
            generous
        };
        let suite = SwDappSuite::start(hostile_target(addr, behaviour, timeout))
            .await
            .expect("start");
        for case in &catalogue.cases {
            let started = Instant::now();
            let outcome = run(&suite, case).await;
            let elapsed = started.elapsed();
            let what = format!(
                "{behaviour} {}: {} {}",
                case.id, outcome.verdict, outcome.reason
            );
            // The stub's login QR codes expire in an hour: the expiry case cannot wait.
            let reaches_post = behaviour.starts_with("post") || behaviour == "accept-all";
            if case.play == "expired" && reaches_post {
                assert_eq!(outcome.verdict, Verdict::Skipped, "{what}");
                continue;
            }
            // A case that judges the QR code alone never sees what the back end does with a
            // post.
            if case.play == "qr-number-types" && behaviour.starts_with("post") {
                assert_eq!(outcome.verdict, Verdict::Pass, "{what}");
                continue;
            }
            // A back end that accepts everything passes every positive case and fails every
            // negative one: the suite judges replies, not the stub's intentions.
            let expected = verdict.unwrap_or(match case.expect {
                Expect::Accept => Verdict::Pass,
                _ => Verdict::Fail,
            });
            assert_eq!(as_must(case, outcome.verdict), expected, "{what}");
            if expected != Verdict::Pass {
                assert!(
                    outcome.reason.contains(fragment),
                    "{what}: lacks `{fragment}`"
                );
            }
            assert!(
                elapsed < timeout * 4 + Duration::from_secs(1),
                "{what}: took {elapsed:?}"
            );
            seen += 1;
        }
        suite.shutdown().await;
    }
    stub.abort();
    assert!(seen >= 200, "only {seen} verdicts");
}

/// A verdict as a MUST case would give it: a SHOULD case reports its failure as a WARNING.
fn as_must(case: &Case, verdict: Verdict) -> Verdict {
    match (verdict, case.level) {
        (Verdict::Warning, Level::SHOULD) => Verdict::Fail,
        (v, _) => v,
    }
}

/// QR texts the profile does not allow fail every case that reads them, naming the clause:
/// a login QR code without `expired` (SW-L1: without it the code never expires and SW-L5
/// cannot be held) and a deep link where the request JSON belongs (SW-T1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_qr_without_expired_and_a_deep_link_qr_text_fail() {
    let catalogue = qrconform::harness::simplewallet::DAPP.embedded_catalogue();
    let (addr, stub) = hostile_stub().await;
    let mut judged = 0;
    for (behaviour, fragment) in [("no-expired", "SW-L1"), ("deep-link", "SW-T1")] {
        let suite = SwDappSuite::start(hostile_target(addr, behaviour, Duration::from_secs(5)))
            .await
            .expect("start");
        for case in &catalogue.cases {
            if behaviour == "no-expired" && case.action != "login" {
                continue;
            }
            let outcome = run(&suite, case).await;
            let what = format!(
                "{behaviour} {}: {} {}",
                case.id, outcome.verdict, outcome.reason
            );
            assert_eq!(as_must(case, outcome.verdict), Verdict::Fail, "{what}");
            assert!(outcome.reason.contains(fragment), "{what}");
            judged += 1;
        }
        suite.shutdown().await;
    }
    stub.abort();
    assert!(judged > catalogue.cases.len(), "only {judged} verdicts");
}
