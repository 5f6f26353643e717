//! `qrconform test wallet --protocol simplewallet` and `serve wallet --protocol simplewallet`
//! as a user runs them: the built-in reference, a wallet served in another process behind the
//! HTTP driver, a command driver, interactive mode with this test playing the person, and the
//! exit-code contract.

mod common;

use std::process::{Command, Stdio};

use common::{
    assert_exits_saying, free_port, planted_fault_fails, qrconform, reference_passes, scratch_dir,
    text,
};

use qrconform::net::{ClientLimits, HttpClient};
use serde_json::Value;

const CASES: usize = 53;
/// The REVIEW cases (display duties a person judges): skipped without a person.
const REVIEW_CASES: usize = 4;

/// `qrconform test wallet --protocol simplewallet`.
const SW_TEST: [&str; 4] = ["test", "wallet", "--protocol", "simplewallet"];

/// `qrconform <command> wallet --protocol simplewallet ARGS` run to its end.
fn simplewallet(command: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec![command, "wallet", "--protocol", "simplewallet"];
    all.extend_from_slice(args);
    qrconform(&all)
}

#[test]
fn the_reference_simplewallet_wallet_passes_every_case_and_exits_0() {
    let (stdout, stderr) = reference_passes(&SW_TEST, CASES);
    assert!(stdout.contains("transaction.actions"), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "{all} of {all} cases ran: {CASES} PASS, {REVIEW_CASES} SKIPPED",
            all = CASES + REVIEW_CASES
        )),
        "{stderr}"
    );
}

#[test]
fn a_planted_fault_fails_the_run_naming_the_case_and_the_reason() {
    let stdout = planted_fault_fails(&SW_TEST, "actions-reversed", "transaction.actions");
    assert!(
        stdout.contains("transaction.actions ... FAILED"),
        "{stdout}"
    );
    assert!(stdout.contains("not in the requested order"), "{stdout}");
}

#[test]
fn the_suite_is_listed_and_configuration_errors_exit_2() {
    let out = qrconform(&["list", "--protocol", "simplewallet"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("simplewallet-wallet (57 cases)"),
        "{stdout}"
    );
    assert!(stdout.contains("transfer.from.foreign"), "{stdout}");
    let out = simplewallet(
        "test",
        &["--target", "reference", "--fault", "hash-not-reversed"],
    );
    assert_exits_saying(&out, 2, "reference SimpleWallet wallet");
    // An Ontology wallet's target file is not run as a SimpleWallet wallet.
    let scratch = scratch_dir("simplewallet-cli");
    let file = scratch.join("ontology-wallet.toml");
    std::fs::write(
        &file,
        "name = \"w\"\nversion = \"1\"\n[driver]\nurl = \"http://127.0.0.1:9\"\n",
    )
    .expect("write");
    let out = simplewallet("test", &["--target", file.to_str().expect("utf-8")]);
    assert_exits_saying(&out, 2, "--protocol ontology");
    let out = simplewallet(
        "test",
        &[
            "--interactive",
            "--wallet-public-key",
            "0205c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba61",
        ],
    );
    assert_exits_saying(&out, 2, "--wallet-public-key");
    // A driver that is not there: the identity cannot be learnt, and the run says so.
    let out = simplewallet(
        "test",
        &[
            "--driver",
            "http://127.0.0.1:9",
            "--eos-node",
            "127.0.0.1:0",
            "--timeout-ms",
            "500",
        ],
    );
    assert_exits_saying(&out, 2, "identity");
    let out = simplewallet("serve", &["--account", "Bad Name"]);
    assert_exits_saying(&out, 2, "--account");
    let out = simplewallet("serve", &["--key", "5Knotakey"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !text(&out.stderr).contains("5Knotakey"),
        "the key is never echoed"
    );
}

/// `serve wallet --protocol simplewallet` in another process, pushing to the node the
/// harness will start on `node_port`; and its base URL.
fn serve_wallet(node_port: u16, faults: &[&str]) -> (common::Served, String) {
    let node = format!("http://127.0.0.1:{node_port}");
    let mut args = vec![
        "serve",
        "wallet",
        "--protocol",
        "simplewallet",
        "--listen",
        "127.0.0.1:0",
        "--node",
        &node,
    ];
    for fault in faults {
        args.extend(["--fault", fault]);
    }
    let wallet = common::Served::start(&args, "Ctrl-C");
    let url = wallet.value("reference SimpleWallet wallet listening on ");
    (wallet, url)
}

/// A served wallet, declared by flags (clean) and by a SimpleWallet target file (with a
/// fault).
#[test]
fn a_served_wallet_is_certified_through_the_http_driver_and_its_faults_fail_the_run() {
    for (faults, code) in [(&[][..], 0), (&["memo-dropped"][..], 1)] {
        let node_port = free_port();
        let (wallet, wallet_url) = serve_wallet(node_port, faults);
        assert_eq!(wallet.value("account "), "qrconformwlt");
        let node = format!("127.0.0.1:{node_port}");
        let scratch = scratch_dir("simplewallet-cli");
        let file = scratch.join(format!("served-{node_port}.toml"));
        std::fs::write(
            &file,
            format!("name = \"served\"\nversion = \"1\"\nprotocol = \"simplewallet\"\n[driver]\nurl = \"{wallet_url}\"\n[node]\neos = \"{node}\"\n"),
        )
        .expect("write");
        let declared: Vec<&str> = if faults.is_empty() {
            vec!["--driver", &wallet_url, "--eos-node", &node]
        } else {
            vec!["--target", file.to_str().expect("utf-8")]
        };
        let mut args = vec!["test", "wallet", "--protocol", "simplewallet"];
        args.extend(declared);
        let out = qrconform(&args);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(
            out.status.code(),
            Some(code),
            "{faults:?}\n{stdout}\n{stderr}"
        );
        if code == 1 {
            assert!(
                stdout
                    .lines()
                    .any(|l| l.contains("transfer.honest ") && l.ends_with("FAILED")),
                "{stdout}"
            );
        }
    }
}

/// The command driver: the Python script of the Ontology tests forwards to a SimpleWallet
/// wallet just as well, since the driver protocol is the same.
#[test]
fn a_driver_command_drives_a_simplewallet_wallet_through_the_environment() {
    if Command::new("python3").arg("--version").output().is_err() {
        panic!("python3 is needed for the command-driver test (CI installs it)");
    }
    let node_port = free_port();
    let (_wallet, wallet_url) = serve_wallet(node_port, &[]);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/command_driver.py"
    );
    let command = format!("python3 {script} {wallet_url}");
    let node = format!("127.0.0.1:{node_port}");
    let out = simplewallet("test", &["--driver-command", &command, "--eos-node", &node]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "{all} of {all} cases ran: {CASES} PASS, {REVIEW_CASES} SKIPPED",
            all = CASES + REVIEW_CASES
        )),
        "{stderr}"
    );
}

/// The harness in interactive mode against a served reference wallet, with `select` (a case
/// filter and its options) after the flags; the served wallet and its URL stay alive with it.
fn interactive_harness(
    label: &str,
    select: &[&str],
) -> (
    common::Served,
    String,
    std::process::Child,
    common::ScratchDir,
) {
    let node_port = free_port();
    let (wallet, wallet_url) = serve_wallet(node_port, &[]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = HttpClient::new(ClientLimits::default());
    let identity = runtime
        .block_on(http.get(&format!("{wallet_url}/identity")))
        .expect("identity");
    let identity: Value = serde_json::from_slice(&identity.body).expect("JSON");
    let scratch = scratch_dir(label);
    let svg_dir = scratch.join("svg");
    let node = format!("127.0.0.1:{node_port}");
    let harness = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args([
            "test",
            "wallet",
            "--protocol",
            "simplewallet",
            "--interactive",
            "--wallet-public-key",
            identity["publicKey"].as_str().expect("publicKey"),
            "--wallet-account",
            identity["account"].as_str().expect("account"),
            "--wallet-ref",
            identity["ref"].as_str().expect("ref"),
            "--eos-node",
            &node,
            "--svg-dir",
            svg_dir.to_str().expect("utf-8"),
        ])
        .args(select)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the harness starts");
    (wallet, wallet_url, harness, scratch)
}

/// Interactive mode, with this test as the person: it reads the QR text and the decision the
/// harness prints, hands them to a reference wallet (as a phone would scan), presses Enter
/// when the wallet refuses or the decision is to reject, and lets the phone open the
/// callbacks the wallet opened.
#[test]
fn interactive_mode_is_played_by_a_person_reading_the_printed_request() {
    let (_wallet, wallet_url, harness, scratch) = interactive_harness("simplewallet-cli", &[]);
    let (scanned, out, transcript) = common::play_the_person(harness, &wallet_url);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{transcript}");
    let cases = CASES + REVIEW_CASES;
    assert_eq!(scanned, cases, "{transcript}");
    assert!(stdout.contains(&format!("{CASES} passed")), "{stdout}");
    // The person answered every REVIEW question (the helper says yes).
    assert!(
        stdout.contains(&format!("{REVIEW_CASES} ignored")),
        "{stdout}"
    );
    assert!(
        transcript.contains("Shown? review.transfer: did the wallet show the amount `1`?"),
        "{transcript}"
    );
    assert!(
        transcript.contains("simplewallet://eos.io?param="),
        "{transcript}"
    );
    // The deep-link callbacks are the harness's listener, which heard every one the phone
    // opened: the person was never asked to type one.
    assert!(transcript.contains("/opened?case="), "{transcript}");
    assert!(
        !transcript.contains(qrconform::harness::driver::OPENED_PROMPT),
        "{transcript}"
    );
    let svgs = std::fs::read_dir(scratch.join("svg"))
        .expect("svg dir")
        .count();
    assert_eq!(svgs, cases);
}

/// A callback the phone never opens on the harness's listener is asked for instead: the
/// person types the URL the wallet opened, and the case is judged on it.
#[test]
fn interactive_mode_asks_for_a_callback_the_listener_did_not_hear() {
    let (_wallet, wallet_url, harness, _scratch) = interactive_harness(
        "simplewallet-cli-typed",
        &["sign.callback.success", "--exact"],
    );
    let (scanned, out, transcript) = common::play_the_person_opening(harness, &wallet_url, false);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{transcript}");
    assert_eq!(scanned, 1, "{transcript}");
    assert!(
        transcript.contains(qrconform::harness::driver::OPENED_PROMPT),
        "{transcript}"
    );
    assert!(stdout.contains("1 passed"), "{stdout}");
}
