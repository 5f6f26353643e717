//! `qrconform test dapp` as a user runs it: against the built-in reference, against a target
//! file describing a back end in another process, and the exit-code contract (0 conformant,
//! 1 conformance failure, 2 configuration error, 3 nothing ran).

mod common;

use common::{
    assert_exits_saying, free_port, planted_fault_fails, qrconform, reference_passes, text,
    ScratchFile,
};

fn scratch_file(name: &str, contents: &str) -> ScratchFile {
    common::scratch_file("test-dapp-cli", name, contents)
}

#[test]
fn the_reference_passes_every_case_and_exits_0() {
    let (stdout, stderr) = reference_passes(&["test", "dapp"], 83);
    // Levels are padded to the width of `[SHOULD]`, which the suite also has.
    assert!(
        stdout.contains("test [MUST]   login.address.honest"),
        "{stdout}"
    );
    assert!(stdout.contains("0 failed"), "{stdout}");
    assert!(stderr.contains("83 of 83 cases ran: 83 PASS"), "{stderr}");
}

#[test]
fn a_planted_fault_fails_the_run_with_exit_1_naming_the_case_and_the_reason() {
    let stdout = planted_fault_fails(&["test", "dapp"], "accept-replay", "replay");
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("login.message.replay ") && l.ends_with("... FAILED")),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAIL: expected rejection; the dApp accepted it"),
        "{stdout}"
    );
}

#[test]
fn list_and_json_output_work_like_cargo_test() {
    let out = qrconform(&["test", "dapp", "--target", "reference", "--list"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("[MUST] invoke.send-error: test"));

    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        "reference",
        "--format",
        "json",
        "--exact",
        "login.address.honest",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for line in stdout.lines() {
        serde_json::from_str::<serde_json::Value>(line)
            .unwrap_or_else(|e| panic!("not JSON: {line}: {e}"));
    }
    assert!(
        stdout.contains("\"passed\": 1") || stdout.contains("\"passed\":1"),
        "{stdout}"
    );
}

#[test]
fn nothing_to_run_exits_3_and_bad_configuration_exits_2() {
    let out = qrconform(&["test", "dapp", "--target", "reference", "no-such-case"]);
    assert_exits_saying(&out, 3, "no case matched");

    let no_sources = scratch_file(
        "no-sources.toml",
        "name = \"empty\"\nversion = \"0\"\n[node]\nrest = \"127.0.0.1:0\"\nrpc = \"127.0.0.1:0\"\n",
    );
    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        no_sources.to_str().expect("utf-8"),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("the target declares no QR source `login.address`"),
        "{stdout}"
    );

    let broken = scratch_file(
        "broken.toml",
        "name = \"x\"\nversion = \"0\"\n[sources]\nlogin = { url = \"http://127.0.0.1/qr\" }\n",
    );
    let out = qrconform(&["test", "dapp", "--target", broken.to_str().expect("utf-8")]);
    assert_exits_saying(&out, 2, "sources.\"login\"");

    let out = qrconform(&["test", "dapp", "--target", "/nonexistent/target.toml"]);
    assert_exits_saying(&out, 2, "/nonexistent/target.toml");

    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        "reference",
        "--fault",
        "nonsense",
    ]);
    assert_exits_saying(&out, 2, "`nonsense`");

    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        broken.to_str().expect("utf-8"),
        "--fault",
        "accept-replay",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

fn serve_dapp(node_port: u16) -> common::Served {
    let node = format!("http://127.0.0.1:{node_port}");
    common::Served::start(
        &[
            "serve",
            "dapp",
            "--listen",
            "127.0.0.1:0",
            "--node",
            &node,
            "--qr-lifetime",
            "3",
        ],
        "Ctrl-C",
    )
}

#[test]
fn a_target_file_certifies_a_back_end_running_in_another_process() {
    let rest = free_port();
    let dapp = serve_dapp(rest);
    let base = &dapp.value("reference dApp listening on ");
    let target = format!(
        r#"name = "reference dApp, served"
version = "test"
status = "{base}/status/{{id}}"
restart = "{base}/restart"

[node]
rest = "127.0.0.1:{rest}"
rpc = "127.0.0.1:0"

[sources]
"login.address" = {{ url = "{base}/qr/login?type=address" }}
"login.account" = {{ url = "{base}/qr/login?type=account" }}
"login.ontid" = {{ url = "{base}/qr/login?type=ontid" }}
"signMessage.text" = {{ url = "{base}/qr/signMessage" }}
"signMessage.hex" = {{ url = "{base}/qr/signMessage?ishex=true" }}
"signMultiMessage.text" = {{ url = "{base}/qr/signMultiMessage" }}
"signMultiMessage.hex" = {{ url = "{base}/qr/signMultiMessage?ishex=true" }}
invoke = {{ url = "{base}/qr/invoke" }}

[limits]
timeout_ms = 5000
clock_skew_secs = 0
max_expiry_wait_secs = 10
"#
    );
    let path = scratch_file("served.toml", &target);
    let out = qrconform(&["test", "dapp", "--target", path.to_str().expect("utf-8")]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("83 of 83 cases ran: 83 PASS"), "{stderr}");
    // Without the `restart` hook the restart case is skipped, and a skipped MUST case keeps
    // the run from being conformant (H-1).
    let without = target.replace(&format!("restart = \"{base}/restart\"\n"), "");
    assert_ne!(without, target);
    let path = scratch_file("served-no-restart.toml", &without);
    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        path.to_str().expect("utf-8"),
        "login.message.replay",
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("login.message.replay.after-restart ... ignored (this case restarts"),
        "{stdout}"
    );
}
