//! `qrconform test wallet` as a user runs it: against the built-in reference wallet, in
//! interactive mode with this test playing the person, and the exit-code contract.

mod common;

use std::process::{Command, Stdio};

use common::{
    assert_exits_saying, free_port, planted_fault_fails, qrconform, reference_passes, scratch_dir,
    text,
};

use qrconform::net::{ClientLimits, HttpClient};
use serde_json::Value;

#[test]
fn the_reference_wallet_passes_every_case_and_exits_0() {
    let (stdout, stderr) = reference_passes(&["test", "wallet"], 84);
    assert!(stdout.contains("invoke.transfer.honest"), "{stdout}");
    // The REVIEW cases need a person: skipped, and the run is still green.
    assert!(
        stderr.contains("86 of 86 cases ran: 84 PASS, 2 SKIPPED"),
        "{stderr}"
    );
}

#[test]
fn a_planted_fault_fails_the_run_naming_the_case_and_the_reason() {
    let stdout = planted_fault_fails(&["test", "wallet"], "hash-not-reversed", "invoke.transfer");
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
    assert_exits_saying(&out, 2, "`nonsense`");
    let out = qrconform(&["test", "wallet"]);
    assert_exits_saying(&out, 2, "--target");
    let scratch = scratch_dir("test-wallet-cli");
    let broken = scratch.join("broken-wallet.toml");
    std::fs::write(&broken, "name = \"w\"\nversion = \"1\"\n[driver]\n").expect("write");
    let out = qrconform(&[
        "test",
        "wallet",
        "--target",
        broken.to_str().expect("utf-8"),
    ]);
    assert_exits_saying(&out, 2, "[driver]");
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
    assert_exits_saying(&out, 2, "identity");
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
    // The two cases judged by what the wallet shows after the dApp refuses its callback
    // ask the person, who saw it.
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{transcript}");
    assert_eq!(scanned, 20, "{transcript}");
    assert!(stdout.contains("20 passed"), "{stdout}");
    assert!(
        transcript.contains(qrconform::harness::driver::OUTCOME_PROMPT),
        "{transcript}"
    );
    assert!(transcript.contains("QR SVG: "), "{transcript}");
    let svgs = std::fs::read_dir(&svg_dir).expect("svg dir").count();
    assert_eq!(svgs, 20);
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
    let scratch = scratch_dir("test-wallet-cli");
    let target = scratch.join("command.toml");
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
    // The REVIEW cases need a person: skipped, and the run is still green.
    assert!(
        stderr.contains("86 of 86 cases ran: 84 PASS, 2 SKIPPED"),
        "{stderr}"
    );
}

/// A REVIEW case in interactive mode, with this test as the person: it scans each code with a
/// reference wallet, rejects as told, and answers what the wallet showed: yes, no (the wallet
/// did not show it), or what it showed instead. The verdict is REVIEW with those answers in
/// the report; the run is not red for it.
#[test]
fn a_review_case_records_what_the_person_says_the_wallet_showed() {
    use std::io::{BufRead, BufReader, Write};
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
    // A directory of its own: it is removed at the end.
    let dir = scratch_dir("test-wallet-cli-review");
    let target = dir.join("review.toml");
    std::fs::write(
        &target,
        format!(
            "name = \"a phone\"\nversion = \"1\"\n[driver]\ninteractive = true\npublic_key = \"{}\"\n[node]\nrest = \"127.0.0.1:{node_port}\"\nrpc = \"127.0.0.1:0\"\n[limits]\ninteractive_wait_secs = 30\n",
            identity["publicKey"].as_str().expect("publicKey")
        ),
    )
    .expect("write");
    let report = dir.join("review.json");
    let mut harness = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args([
            "test",
            "wallet",
            "--target",
            target.to_str().expect("utf-8"),
            "--svg-dir",
            dir.join("svg").to_str().expect("utf-8"),
            "--report",
            &format!("json={}", report.display()),
            "review.",
        ])
        // A terminal of 80x24: the person is told the code does not fit and where its SVG is.
        .env("COLUMNS", "80")
        .env("LINES", "24")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the harness starts");
    let mut enter = harness.stdin.take().expect("stdin");
    let stderr = harness.stderr.take().expect("stderr");
    // review.login asks two things, review.invoke.transfer three.
    let mut answers = ["y", "n", "y", "0.5 ONG", "n"].into_iter();
    let mut qr = None;
    let mut transcript = Vec::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if let Some(text) = line.strip_prefix("QR text: ") {
            qr = Some(text.to_string());
        }
        if let Some(decision) = line.strip_prefix("Decision: ") {
            assert_eq!(
                decision, "reject",
                "a REVIEW case ends with the person's reject"
            );
            let body =
                serde_json::json!({"qr": qr.take().expect("QR text first"), "approve": false});
            let reply = runtime
                .block_on(
                    http.post_json(&format!("{wallet_url}/scan"), body.to_string().into_bytes()),
                )
                .expect("the wallet answers");
            assert_eq!(reply.status, 200);
            writeln!(enter).expect("press Enter");
            enter.flush().expect("flush");
        }
        if line.starts_with(qrconform::harness::driver::REVIEW_PROMPT) {
            writeln!(
                enter,
                "{}",
                answers.next().expect("no more questions than items")
            )
            .expect("answer");
            enter.flush().expect("flush");
        }
        transcript.push(line);
    }
    let out = harness.wait_with_output().expect("the harness ends");
    let transcript = transcript.join("\n");
    assert_eq!(answers.next(), None, "every item was asked: {transcript}");
    // REVIEW never turns a run red.
    assert_eq!(out.status.code(), Some(0), "{transcript}");
    assert!(
        transcript.contains("2 of 2 cases ran: 2 REVIEW"),
        "{transcript}"
    );
    assert!(
        transcript
            .contains("Expected: the wallet shows what is listed below — the wallet pre-executes the transfer"),
        "{transcript}"
    );
    assert!(
        transcript.contains("  - the fee: 0.01 ONG at most (gasPrice 500 x gasLimit 20000)"),
        "{transcript}"
    );
    assert!(
        transcript.contains("  - the amount: 0.000000001 ONG"),
        "{transcript}"
    );
    assert!(
        transcript.contains("The terminal is too small for this QR code"),
        "{transcript}"
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("the report")).expect("JSON");
    assert_eq!(json["summary"]["review"], 2, "{json}");
    assert_eq!(json["summary"]["exit_code"], 0, "{json}");
    let case = |id: &str| {
        json["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .expect("the case")
    };
    let login = case("review.login");
    assert_eq!(login["verdict"], "REVIEW");
    assert_eq!(login["level"], "REVIEW");
    let reason = login["reason"].as_str().expect("reason");
    assert!(
        reason.contains("the dApp name `qrconform harness`: shown (the person confirmed it)"),
        "{reason}"
    );
    assert!(reason.contains("the wallet did not show it"), "{reason}");
    let transfer = case("review.invoke.transfer");
    let reason = transfer["reason"].as_str().expect("reason");
    assert!(
        reason.contains("the wallet showed `0.5 ONG` instead"),
        "{reason}"
    );
    assert!(
        transfer["observed"]
            .as_str()
            .expect("observed")
            .contains("the fee `0.01 ONG at most"),
        "{transfer}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
