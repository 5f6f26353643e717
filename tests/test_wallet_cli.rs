//! `qrconform test wallet` as a user runs it: against the built-in reference wallet, in
//! interactive mode with this test playing the person, and the exit-code contract.

mod common;

use std::process::{Command, Stdio};

use common::{free_port, qrconform, scratch_dir, text};

use qrconform::net::{ClientLimits, HttpClient};
use serde_json::Value;

#[test]
fn the_reference_wallet_passes_every_case_and_exits_0() {
    let out = qrconform(&["test", "wallet", "--target", "reference"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("invoke.transfer.honest"), "{stdout}");
    assert!(stderr.contains("84 of 84 cases ran: 84 PASS"), "{stderr}");
}

#[test]
fn a_planted_fault_fails_the_run_naming_the_case_and_the_reason() {
    let out = qrconform(&[
        "test",
        "wallet",
        "--target",
        "reference",
        "--fault",
        "hash-not-reversed",
        "invoke.transfer",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("invoke.transfer.honest ... FAILED"),
        "{stdout}"
    );
    assert!(stdout.contains("internal byte order"), "{stdout}");
}

#[test]
fn configuration_errors_exit_2_and_empty_runs_exit_3() {
    let out = qrconform(&["test", "wallet", "--target", "reference", "no-such-case"]);
    assert_eq!(out.status.code(), Some(3));
    let out = qrconform(&[
        "test",
        "wallet",
        "--target",
        "reference",
        "--fault",
        "nonsense",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("`nonsense`"));
    let out = qrconform(&["test", "wallet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--target"),
        "{}",
        text(&out.stderr)
    );
    let broken = scratch_dir("test-wallet-cli").join("broken-wallet.toml");
    std::fs::write(&broken, "name = \"w\"\nversion = \"1\"\n[driver]\n").expect("write");
    let out = qrconform(&[
        "test",
        "wallet",
        "--target",
        broken.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("[driver]"),
        "{}",
        text(&out.stderr)
    );
    // A driver that is not there: every case ends in ERROR, and the run says so.
    let out = qrconform(&[
        "test",
        "wallet",
        "--driver",
        "http://127.0.0.1:9",
        "--node-rest",
        "127.0.0.1:0",
        "--node-rpc",
        "127.0.0.1:0",
        "--timeout-ms",
        "500",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("identity"),
        "{}",
        text(&out.stderr)
    );
}

/// `serve wallet` in another process, using the node the harness will start on `node_port`;
/// and its base URL.
fn serve_wallet(node_port: u16) -> (common::Served, String) {
    let node = format!("http://127.0.0.1:{node_port}");
    let wallet = common::Served::start(
        &[
            "serve",
            "wallet",
            "--listen",
            "127.0.0.1:0",
            "--node",
            &node,
        ],
        "Ctrl-C",
    );
    let url = wallet.value("reference wallet listening on ");
    (wallet, url)
}

/// Interactive mode, with this test as the person: it reads the QR text and the decision the
/// harness prints, hands them to a reference wallet (as a phone would scan), and presses Enter
/// when told to reject.
#[test]
fn interactive_mode_is_played_by_a_person_reading_the_printed_payload() {
    let node_port = free_port();
    let (_wallet, wallet_url) = serve_wallet(node_port);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = HttpClient::new(ClientLimits::default());
    let identity = runtime
        .block_on(http.get(&format!("{wallet_url}/identity")))
        .expect("identity");
    let identity: Value = serde_json::from_slice(&identity.body).expect("JSON");
    let dir = scratch_dir("test-wallet-cli");
    let target = dir.join("interactive.toml");
    std::fs::write(
        &target,
        format!(
            "name = \"a phone\"\nversion = \"1\"\n[driver]\ninteractive = true\npublic_key = \"{}\"\n[node]\nrest = \"127.0.0.1:{node_port}\"\nrpc = \"127.0.0.1:0\"\n[limits]\ninteractive_wait_secs = 30\n",
            identity["publicKey"].as_str().expect("publicKey")
        ),
    )
    .expect("write");
    let svg_dir = dir.join("svg");
    let harness = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args([
            "test",
            "wallet",
            "--target",
            target.to_str().expect("utf-8"),
            "--svg-dir",
            svg_dir.to_str().expect("utf-8"),
            "login.",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the harness starts");
    let (scanned, out, transcript) = common::play_the_person(harness, &wallet_url);
    let stdout = text(&out.stdout);
    // The two cases judged by the scan's outcome (what the wallet shows after the dApp
    // refuses its callback) cannot be seen through a person: skipped without a scan, and a
    // skipped MUST case leaves the run incomplete (H-1).
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{transcript}");
    assert_eq!(scanned, 18, "{transcript}");
    assert!(stdout.contains("18 passed"), "{stdout}");
    assert!(stdout.contains("2 ignored"), "{stdout}");
    assert!(transcript.contains("QR SVG: "), "{transcript}");
    let svgs = std::fs::read_dir(&svg_dir).expect("svg dir").count();
    assert_eq!(svgs, 18);
}

/// The command driver: a small program per request, here a Python script forwarding to a
/// reference wallet served in another process.
#[test]
fn a_driver_command_drives_a_wallet_through_the_environment() {
    if Command::new("python3").arg("--version").output().is_err() {
        panic!("python3 is needed for the command-driver test (CI installs it)");
    }
    let node_port = free_port();
    let (_wallet, wallet_url) = serve_wallet(node_port);
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/command_driver.py"
    );
    let target = scratch_dir("test-wallet-cli").join("command.toml");
    std::fs::write(
        &target,
        format!(
            "name = \"command-driven\"\nversion = \"1\"\n[driver]\ncommand = [\"python3\", \"{script}\", \"{wallet_url}\"]\n[node]\nrest = \"127.0.0.1:{node_port}\"\nrpc = \"127.0.0.1:0\"\n"
        ),
    )
    .expect("write");
    let out = qrconform(&[
        "test",
        "wallet",
        "--target",
        target.to_str().expect("utf-8"),
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("84 of 84 cases ran: 84 PASS"), "{stderr}");
}
