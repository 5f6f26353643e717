//! `qrconform test dapp --protocol simplewallet` as a user runs it: against the built-in
//! reference, against a target file describing a back end in another process (`serve dapp
//! --protocol simplewallet`), and the exit-code contract (0 conformant, 1 conformance
//! failure, 2 configuration error, 3 nothing ran).

mod common;

use common::{
    assert_exits_saying, free_port, planted_fault_fails, qrconform, reference_passes, text,
    ScratchFile,
};

fn scratch_file(name: &str, contents: &str) -> ScratchFile {
    common::scratch_file("simplewallet-test-dapp-cli", name, contents)
}

const SW: [&str; 4] = ["test", "dapp", "--protocol", "simplewallet"];

fn sw(args: &[&str]) -> std::process::Output {
    let all: Vec<&str> = SW.iter().chain(args).copied().collect();
    qrconform(&all)
}

#[test]
fn the_reference_passes_every_case_and_exits_0() {
    let (stdout, _) = reference_passes(&SW, 46);
    assert!(stdout.contains("test [MUST]   login.mykey "), "{stdout}");
    assert!(
        stdout.contains("test [MUST]   transfer.txid-reused"),
        "{stdout}"
    );
}

#[test]
fn a_planted_fault_fails_the_run_with_exit_1_naming_the_case_and_the_reason() {
    let stdout = planted_fault_fails(&SW, "ignore-key-status", "login.mykey");
    assert!(
        stdout.contains("login.mykey.frozen    ... FAILED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("expected rejection (code > 0); the dApp accepted it"),
        "{stdout}"
    );
    assert!(stdout.contains("login.mykey           ... ok"), "{stdout}");
}

#[test]
fn nothing_to_run_exits_3_and_bad_configuration_exits_2() {
    let out = sw(&["--target", "reference", "no-such-case"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));

    let no_sources = scratch_file(
        "no-sources.toml",
        "name = \"empty\"\nversion = \"0\"\nprotocol = \"simplewallet\"\n[node]\neos = \"127.0.0.1:0\"\n",
    );
    let out = sw(&["--target", no_sources.to_str().expect("utf-8")]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("the target declares no QR source `login`"),
        "{stdout}"
    );

    // An Ontology target file run as SimpleWallet, and the reverse.
    let ontology = scratch_file(
        "ontology.toml",
        "name = \"x\"\nversion = \"0\"\n[sources]\n\"login.address\" = { url = \"http://127.0.0.1/qr\" }\n",
    );
    let out = sw(&["--target", ontology.to_str().expect("utf-8")]);
    assert_exits_saying(&out, 2, "--protocol ontology");
    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        no_sources.to_str().expect("utf-8"),
    ]);
    assert_exits_saying(&out, 2, "--protocol simplewallet");

    let broken = scratch_file(
        "broken.toml",
        "name = \"x\"\nversion = \"0\"\nprotocol = \"simplewallet\"\n[sources]\n\"login.address\" = { url = \"http://127.0.0.1/qr\" }\n",
    );
    let out = sw(&["--target", broken.to_str().expect("utf-8")]);
    assert_exits_saying(&out, 2, "login.address");

    let out = sw(&["--target", "reference", "--fault", "skip-address-binding"]);
    assert_exits_saying(&out, 2, "reference SimpleWallet dApp");
}

#[test]
fn a_target_file_certifies_a_back_end_running_in_another_process() {
    let eos = free_port();
    let node = format!("http://127.0.0.1:{eos}");
    let dapp = common::Served::start(
        &[
            "serve",
            "dapp",
            "--protocol",
            "simplewallet",
            "--listen",
            "127.0.0.1:0",
            "--node",
            &node,
            "--qr-lifetime",
            "3",
        ],
        "QR code:",
    );
    let base = &dapp.value("reference SimpleWallet dApp listening on ");
    let target = format!(
        r#"name = "reference SimpleWallet dApp, served"
version = "test"
protocol = "simplewallet"

[node]
eos = "127.0.0.1:{eos}"

[sources]
login = {{ url = "{base}/qr/login" }}
transfer = {{ url = "{base}/qr/transfer" }}
transaction = {{ url = "{base}/qr/transaction?account=qrcwalletone" }}
sign = {{ url = "{base}/qr/sign" }}

[limits]
timeout_ms = 5000
clock_skew_secs = 0
max_expiry_wait_secs = 10
"#
    );
    let path = scratch_file("served.toml", &target);
    let out = sw(&["--target", path.to_str().expect("utf-8")]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("46 of 46 cases ran: 46 PASS"), "{stderr}");
    assert!(
        stderr.contains("mock EOS node: http://127.0.0.1:"),
        "{stderr}"
    );
}

#[test]
fn list_shows_the_simplewallet_dapp_suite_on_its_own_protocol() {
    let out = qrconform(&["list", "--protocol", "simplewallet", "--role", "dapp"]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("simplewallet-dapp (46 cases)"), "{stdout}");
    assert!(stdout.contains("login.mykey.frozen"), "{stdout}");
    assert!(!stdout.contains("ontology-dapp"), "{stdout}");
    let all = text(&qrconform(&["list"]).stdout);
    assert!(all.contains("ontology-dapp (") && all.contains("simplewallet-dapp ("));
}
