//! The dApp suite against a hostile back end (H-4, H-5); its proof against the reference
//! dApp's faults (H-2, H-3) is the self-test's, in `tests/self_test.rs`.
//!
//! - a stub back end that hangs, floods, answers garbage, redirects off its host or names an
//!   undeclared callback host gets a verdict with a reason from every case, within the
//!   timeout, and never hangs the run.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use qrconform::harness::catalogue::Case;
use qrconform::harness::ontology::dapp_suite::DappSuite;
use qrconform::harness::target::{DappProtocol, DappTarget, Limits, QrSource};
use qrconform::harness::{CaseOutcome, Verdict};
use qrconform::net::Origin;

/// No case may take longer than this, whatever the peer does.
const CASE_BOUND: Duration = Duration::from_secs(30);

async fn run(suite: &DappSuite, case: &Case) -> CaseOutcome {
    tokio::time::timeout(CASE_BOUND, suite.run_case(case))
        .await
        .unwrap_or_else(|_| panic!("case {} did not end within {CASE_BOUND:?}", case.id))
}

// ---------------------------------------------------------------------------------------
// A hostile back end
// ---------------------------------------------------------------------------------------

const TEN_MB: usize = 10 * 1024 * 1024;

fn login_qr(base: &str, callback_path: &str) -> String {
    serde_json::json!({
        "action": "login", "version": "v1.0.0", "id": "hostile1",
        "params": {"type": "address", "dappName": "hostile", "dappIcon": "x",
            "message": "hostile-message", "callback": format!("{base}{callback_path}")}
    })
    .to_string()
}

async fn hostile_stub() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let qr = |path: &'static str| {
        let text = login_qr(&base, path);
        move || {
            let text = text.clone();
            async move { text }
        }
    };
    let app = Router::new()
        .route(
            "/qr/hang",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(120)).await;
                "never"
            }),
        )
        .route("/qr/huge", get(|| async { "x".repeat(TEN_MB) }))
        .route(
            "/qr/garbage",
            get(|| async { "<html>not a QR code</html>" }),
        )
        .route(
            "/qr/redirect",
            get(|| async {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, "http://192.0.2.1/qr/login")],
                )
                    .into_response()
            }),
        )
        .route("/qr/undeclared-callback", {
            let text = login_qr("http://192.0.2.1", "/callback");
            get(move || {
                let text = text.clone();
                async move { text }
            })
        })
        .route("/qr/callback-hangs", get(qr("/cb/hang")))
        .route("/qr/callback-huge", get(qr("/cb/huge")))
        .route("/qr/callback-garbage", get(qr("/cb/garbage")))
        .route("/qr/callback-redirects", get(qr("/cb/redirect")))
        .route(
            "/cb/hang",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(120)).await;
                "never"
            }),
        )
        .route("/cb/huge", post(|| async { "x".repeat(TEN_MB) }))
        .route("/cb/garbage", post(|| async { "ok" }))
        .route(
            "/cb/redirect",
            post(|| async {
                (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, "http://192.0.2.1/callback")],
                )
                    .into_response()
            }),
        );
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, task)
}

fn hostile_target(addr: SocketAddr, path: &str, timeout: Duration) -> DappTarget {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    DappTarget {
        name: "hostile".into(),
        version: "0".into(),
        protocol: DappProtocol::Ontology,
        sources: BTreeMap::from([(
            "login.address".to_string(),
            QrSource::Url(format!("http://{addr}{path}")),
        )]),
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
    let catalogue = qrconform::harness::ontology::DAPP.embedded_catalogue();
    let (addr, stub) = hostile_stub().await;
    // A peer that hangs is given a short timeout, so the test is quick; the others get a
    // generous one, so that a loaded machine cannot turn their FAIL into a TIMEOUT.
    let short = Duration::from_millis(100);
    let generous = Duration::from_secs(5);
    // (QR path, expected verdict, a fragment of the reason)
    let behaviours = [
        ("/qr/hang", Verdict::Timeout, "took longer than"),
        ("/qr/huge", Verdict::Fail, "larger than"),
        ("/qr/garbage", Verdict::Fail, "ONT-T1"),
        // What the peer does on the wire is its FAIL (H-6), not a harness error.
        ("/qr/redirect", Verdict::Fail, "HTTP 302"),
        ("/qr/undeclared-callback", Verdict::Fail, "does not declare"),
        ("/qr/callback-hangs", Verdict::Timeout, "took longer than"),
        ("/qr/callback-huge", Verdict::Fail, "larger than"),
        ("/qr/callback-garbage", Verdict::Fail, "not a JSON object"),
        ("/qr/callback-redirects", Verdict::Fail, "redirect"),
    ];
    let login_cases: Vec<&Case> = catalogue
        .cases
        .iter()
        .filter(|c| c.source.as_deref() == Some("login.address"))
        .collect();
    let mut seen = 0;
    eprintln!(
        "| hostile behaviour | cases | verdict | slowest case | timeout |\n|---|---|---|---|---|"
    );
    for (path, verdict, fragment) in behaviours {
        let mut slowest = Duration::ZERO;
        let mut judged = 0;
        let timeout = if verdict == Verdict::Timeout {
            short
        } else {
            generous
        };
        let suite = DappSuite::start(hostile_target(addr, path, timeout))
            .await
            .expect("start");
        for case in &login_cases {
            let started = Instant::now();
            let outcome = run(&suite, case).await;
            let elapsed = started.elapsed();
            assert!(!outcome.reason.is_empty(), "{path} {}: no reason", case.id);
            // Expiry waits are skipped: the stub's QR codes have no `expire`; and the stub
            // declares no `restart` hook.
            if case.play == "expired" || case.play == "replay-after-restart" {
                assert!(
                    matches!(outcome.verdict, Verdict::Skipped) || outcome.verdict == verdict,
                    "{path} {}: {} {}",
                    case.id,
                    outcome.verdict,
                    outcome.reason
                );
                continue;
            }
            assert_eq!(
                outcome.verdict, verdict,
                "{path} {}: {}",
                case.id, outcome.reason
            );
            assert!(
                outcome.reason.contains(fragment),
                "{path} {}: `{}` lacks `{fragment}`",
                case.id,
                outcome.reason
            );
            // A case takes at most a few steps of at most the timeout each.
            assert!(
                elapsed < timeout * 4 + Duration::from_secs(1),
                "{path} {}: took {elapsed:?}",
                case.id
            );
            seen += 1;
            judged += 1;
            slowest = slowest.max(elapsed);
        }
        eprintln!("| {path} | {judged} | {verdict} | {slowest:.2?} | {timeout:?} |");
        suite.shutdown().await;
    }
    stub.abort();
    assert!(seen >= 9 * 20, "only {seen} case runs were judged");
}
