//! Verdicts that hold against back ends nobody here wrote, run as a user runs them (the
//! binary, a target file, a back end in another process or a stub on an OS-chosen loopback
//! port):
//!
//! - a back end that accepts expired logins fails `login.expired` with the target's default
//!   limits, in both protocols (H-1: an expiry case must not be skipped by default);
//! - against a back end that rejects every callback, no negative case passes: each names its
//!   twin, which did not pass (H-2, in every run);
//! - garbage on the wire and a back end that drops the connection are the peer's FAIL; a back
//!   end that is not running is one set-up error before the first case (H-6);
//! - SIGINT, or the run's deadline, stops a run against a back end that hangs: exit 3, every
//!   report written and marked partial, and no process of a QR command left (H-1).

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, qrconform, scratch_dir, text};
use qrconform::harness::catalogue::Expect;
use serde_json::{json, Value};

fn scratch_file(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("scratch file");
    path
}

/// How the stub back end answers.
#[derive(Clone, Copy)]
enum Stub {
    /// Serves login QR codes (callback to itself) and rejects every callback with a valid
    /// PARAMS ERROR envelope.
    RejectsEverything,
    /// Answers every request with bytes that are not HTTP.
    Garbage,
    /// Serves QR codes, then drops the connection of every callback without an answer.
    CrashesOnCallback,
    /// Accepts connections and never answers.
    Hangs,
    /// Serves login QR codes whose callback is on another port of the same host.
    CallbackOnPort(u16),
    /// Serves QR codes and answers callbacks with terminal escape sequences: an OSC 52
    /// clipboard write, a screen clear and a forged result line.
    EscapeSequences,
}

/// Starts a stub back end on an OS-chosen loopback port; it serves until the test ends.
fn stub(behaviour: Stub) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            std::thread::spawn(move || answer(stream, addr, behaviour));
        }
    });
    addr
}

/// Reads one request (head and a Content-Length body, bounded) and answers it as
/// `behaviour` says.
fn answer(mut stream: TcpStream, addr: SocketAddr, behaviour: Stub) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    if let Stub::Hangs = behaviour {
        std::thread::sleep(Duration::from_secs(60));
        return;
    }
    let mut request = Vec::new();
    let mut byte = [0u8; 1];
    while !request.ends_with(b"\r\n\r\n") && request.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => request.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&request).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0)
        .min(1024 * 1024);
    let mut body = vec![0u8; length];
    if stream.read_exact(&mut body).is_err() {
        return;
    }
    let reply = |stream: &mut TcpStream, value: &Value| {
        let body = value.to_string();
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    };
    let is_get = head.starts_with("GET ");
    match behaviour {
        Stub::Garbage => {
            let _ = stream.write_all(b"\x00\x01this is not HTTP\r\n\r\n");
        }
        Stub::RejectsEverything
        | Stub::CrashesOnCallback
        | Stub::CallbackOnPort(_)
        | Stub::EscapeSequences
            if is_get =>
        {
            let expire = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs()
                + 600;
            let id = format!("{:016x}", rand_id(&head));
            let qr = json!({
                "action": "login",
                "version": "v1.0.0",
                "id": id,
                "params": {
                    "type": "address",
                    "dappName": "stub",
                    "dappIcon": format!("http://{addr}/icon.png"),
                    "message": format!("stub login {id}"),
                    "expire": expire,
                    "callback": match behaviour {
                        Stub::CallbackOnPort(port) => format!("http://127.0.0.1:{port}/callback"),
                        _ => format!("http://{addr}/callback"),
                    },
                },
            });
            reply(&mut stream, &qr);
        }
        Stub::RejectsEverything => {
            let posted: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            reply(
                &mut stream,
                &json!({
                    "action": posted.get("action").cloned().unwrap_or(json!("login")),
                    "id": posted.get("id").cloned().unwrap_or(Value::Null),
                    "error": 80001,
                    "desc": "PARAMS ERROR",
                    "result": "rejected",
                    "version": "v1.0.0",
                }),
            );
        }
        Stub::EscapeSequences => {
            let body = "\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J\ntest result: ok. 99 passed; 0 failed";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
        // A crash: the connection ends without a byte of an answer.
        Stub::CrashesOnCallback | Stub::Hangs | Stub::CallbackOnPort(_) => {}
    }
}

/// A QR id that differs from request to request.
fn rand_id(seed: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write(seed.as_bytes());
    hasher.finish()
}

/// An Ontology target file with one login source and no `[limits]`.
fn login_target(dir: &Path, source: &str) -> PathBuf {
    target_file(dir, &format!("\"login.address\" = {source}\n"), "")
}

/// `test dapp` with a target whose `login.address` source is the stub at `addr`, running
/// only the honest address login: its output.
fn honest_login_against(dir: &Path, addr: SocketAddr) -> std::process::Output {
    let target = login_target(dir, &format!("{{ url = \"http://{addr}/qr\" }}"));
    qrconform(&[
        "test",
        "dapp",
        "--target",
        target.to_str().expect("utf-8"),
        "--exact",
        "login.address.honest",
    ])
}

/// An Ontology target file in `dir` with these `[sources]` lines and `[limits]` lines, its
/// node on a port that was free a moment ago.
fn target_file(dir: &Path, sources: &str, limits: &str) -> PathBuf {
    let node = free_port();
    scratch_file(
        dir,
        "target.toml",
        &format!(
            "name = \"stub\"\nversion = \"0\"\n\n[node]\nrest = \"127.0.0.1:{node}\"\nrpc = \"127.0.0.1:0\"\n\n[sources]\n{sources}\n[limits]\n{limits}\n"
        ),
    )
}

#[test]
fn a_back_end_that_accepts_expired_logins_fails_with_the_default_limits_in_both_protocols() {
    for protocol in ["ontology", "simplewallet"] {
        let dir = scratch_dir(&format!("accept-expired-{protocol}"));
        let node = free_port();
        let node_url = format!("http://127.0.0.1:{node}");
        let dapp = common::Served::start(
            &[
                "serve",
                "dapp",
                "--protocol",
                protocol,
                "--listen",
                "127.0.0.1:0",
                "--node",
                &node_url,
                "--qr-lifetime",
                "1",
                "--fault",
                "accept-expired",
            ],
            if protocol == "ontology" {
                "Ctrl-C"
            } else {
                "QR code:"
            },
        );
        let (target, case) = if protocol == "ontology" {
            let base = dapp.value("reference dApp listening on ");
            (
                format!(
                    "name = \"served\"\nversion = \"0\"\n\n[node]\nrest = \"127.0.0.1:{node}\"\nrpc = \"127.0.0.1:0\"\n\n[sources]\n\"login.address\" = {{ url = \"{base}/qr/login?type=address\" }}\n"
                ),
                "login.expired",
            )
        } else {
            let base = dapp.value("reference SimpleWallet dApp listening on ");
            (
                format!(
                    "name = \"served\"\nversion = \"0\"\nprotocol = \"simplewallet\"\n\n[node]\neos = \"127.0.0.1:{node}\"\n\n[sources]\nlogin = {{ url = \"{base}/qr/login\" }}\n"
                ),
                "login.expired",
            )
        };
        // No [limits]: the defaults must let the expiry case run.
        let path = scratch_file(&dir, "served.toml", &target);
        let out = qrconform(&[
            "test",
            "dapp",
            "--protocol",
            protocol,
            "--target",
            path.to_str().expect("utf-8"),
            "--exact",
            case,
        ]);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{protocol}: {stdout}\n{stderr}");
        let line = stdout
            .lines()
            .find(|l| l.contains(case) && l.contains("FAILED"))
            .unwrap_or_else(|| panic!("{protocol}: no failing {case} in {stdout}"));
        assert!(!line.contains("SKIPPED"), "{line}");
        assert!(
            stdout.contains("FAIL:") && stdout.to_lowercase().contains("expired"),
            "{protocol}: {stdout}"
        );
    }
}

#[test]
fn against_a_back_end_that_rejects_every_callback_no_negative_case_passes() {
    let dir = scratch_dir("rejects-everything");
    let addr = stub(Stub::RejectsEverything);
    let target = login_target(&dir, &format!("{{ url = \"http://{addr}/qr\" }}"));
    let report = dir.join("report.json");
    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        target.to_str().expect("utf-8"),
        "--report",
        &format!("json={}", report.display()),
        // The stub's QR codes live ten minutes: too long to wait for.
        "--skip",
        "login.expired",
        "login.",
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    // The honest logins fail: a conformance failure, whatever else the run is.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("JSON");
    let catalogue = qrconform::harness::ontology::DAPP.embedded_catalogue();
    let mut negatives = 0;
    for case in report["cases"].as_array().expect("cases") {
        let id = case["id"].as_str().expect("id");
        let entry = catalogue
            .cases
            .iter()
            .find(|c| c.id == id)
            .expect("a catalogue case");
        // The stub serves address logins only and has no restart hook: the cases of other
        // sources, and the restart case, are skipped for want of one, which is not the twin
        // rule's business.
        let reason = case["reason"].as_str().unwrap_or_default();
        if entry.expect == Expect::Accept
            || reason.contains("declares no QR source")
            || reason.contains("declares no `restart` URL")
        {
            continue;
        }
        negatives += 1;
        let twin = entry.twin.as_deref().expect("a twin");
        assert_ne!(case["verdict"], "PASS", "{id}: {case}");
        // A case that fails on its own (a replay whose first, honest post was refused)
        // needs no twin; one that the back end rejected as it should is not judged.
        if case["verdict"] == "FAIL" {
            continue;
        }
        assert_eq!(case["verdict"], "SKIPPED", "{id}: {case}");
        assert!(
            reason.contains(&format!("{twin} did not pass")) && reason.contains("H-2"),
            "{id}: {reason}"
        );
    }
    assert!(negatives >= 8, "only {negatives} negative cases ran");
    let incomplete = report["summary"]["incomplete"]
        .as_array()
        .expect("the run is incomplete");
    assert!(
        incomplete
            .iter()
            .any(|why| why.as_str().unwrap_or("").contains("did not pass")),
        "{incomplete:?}"
    );
    assert!(stderr.contains("the run is incomplete (H-1)"), "{stderr}");
}

#[test]
fn garbage_and_a_crash_are_the_peers_fail_and_a_back_end_not_running_is_one_set_up_error() {
    let dir = scratch_dir("wire-faults");
    for (behaviour, fragment) in [
        (Stub::Garbage, "H-6"),
        (Stub::CrashesOnCallback, "posting the callback"),
    ] {
        let out = honest_login_against(&dir, stub(behaviour));
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
        assert!(stdout.contains("FAIL:"), "{stdout}");
        assert!(stdout.contains(fragment), "{stdout}");
        assert!(!stdout.contains("ERROR"), "{stdout}");
    }
    // Nothing listens on a port that was free a moment ago.
    let port = free_port();
    let target = login_target(&dir, &format!("{{ url = \"http://127.0.0.1:{port}/qr\" }}"));
    let out = qrconform(&["test", "dapp", "--target", target.to_str().expect("utf-8")]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert_eq!(
        stderr.matches("cannot be reached").count(),
        1,
        "one pre-flight message: {stderr}"
    );
    assert!(stderr.contains("is the back end running?"), "{stderr}");
    assert!(!stdout.contains("test "), "no case ran: {stdout}");
}

/// Waits up to 10 s for `child` to exit; kills it and fails the test if it does not.
fn exit_code_within(child: &mut std::process::Child, what: &str) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what}: still running 10 s after it was told to stop");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether a process whose command line contains `marker` is still running.
fn running(marker: &str) -> bool {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .any(|cmdline| {
            String::from_utf8_lossy(&cmdline)
                .replace('\0', " ")
                .contains(marker)
        })
}

/// The four reports in `dir`, each marked partial in its own way.
fn assert_partial_reports(dir: &Path) {
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("ontology-dapp.json")).expect("JSON report"),
    )
    .expect("JSON");
    assert_eq!(json["summary"]["partial"], true, "{}", json["summary"]);
    assert_eq!(json["summary"]["exit_code"], 3);
    let markdown = std::fs::read_to_string(dir.join("ontology-dapp.md")).expect("Markdown");
    assert!(markdown.contains("**Partial report**"), "{markdown}");
    let html = std::fs::read_to_string(dir.join("ontology-dapp.html")).expect("HTML");
    assert!(html.contains("Partial report"));
    let junit = std::fs::read_to_string(dir.join("ontology-dapp.junit.xml")).expect("JUnit");
    assert!(
        junit.contains(r#"<property name="partial" value="true"/>"#),
        "{junit}"
    );
}

#[cfg(unix)]
#[test]
fn sigint_stops_a_run_against_a_hanging_back_end_with_partial_reports_and_no_process_left() {
    let dir = scratch_dir("sigint");
    let addr = stub(Stub::Hangs);
    // One source hangs on the network; the other is a command whose child and grandchild
    // would outlive the run if their process group were not ended.
    let target = target_file(
        &dir,
        &format!(
            "\"login.address\" = {{ url = \"http://{addr}/qr\" }}\n\"login.ontid\" = {{ command = [\"sh\", \"-c\", \"sleep 3141 & sleep 3142\"] }}"
        ),
        "timeout_ms = 60000",
    );
    let reports = dir.join("reports");
    let mut child = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args([
            "test",
            "dapp",
            "--target",
            target.to_str().expect("utf-8"),
            "--report-dir",
            reports.to_str().expect("utf-8"),
            "--exact",
            "login.ontid.honest",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    std::thread::sleep(Duration::from_secs(2));
    assert!(running("sleep 3142"), "the QR command is running");
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) with the pid of our own child.
    unsafe {
        libc::kill(pid, libc::SIGINT);
    }
    let code = exit_code_within(&mut child, "SIGINT");
    let mut stderr = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("interrupted (SIGINT)"), "{stderr}");
    assert_partial_reports(&reports);
    let gone = Instant::now() + Duration::from_secs(2);
    while (running("sleep 3141") || running("sleep 3142")) && Instant::now() < gone {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !running("sleep 3141") && !running("sleep 3142"),
        "the QR command's processes outlived the run"
    );
}

#[test]
fn a_run_past_its_deadline_ends_like_an_interrupted_one() {
    let dir = scratch_dir("deadline");
    let addr = stub(Stub::Hangs);
    let target = target_file(
        &dir,
        &format!("\"login.address\" = {{ url = \"http://{addr}/qr\" }}"),
        "timeout_ms = 60000",
    );
    let reports = dir.join("reports");
    let started = Instant::now();
    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        target.to_str().expect("utf-8"),
        "--report-dir",
        reports.to_str().expect("utf-8"),
        "--deadline-secs",
        "1",
        "login.address",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("--deadline-secs"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the deadline did not end the run"
    );
    assert_partial_reports(&reports);
    // Bounds on limits are named.
    let bad = target_file(
        &dir,
        &format!("\"login.address\" = {{ url = \"http://{addr}/qr\" }}"),
        "timeout_ms = 86400000",
    );
    let out = qrconform(&["test", "dapp", "--target", bad.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("limits.timeout_ms is 86400000; at most 600000"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_callback_on_an_undeclared_port_of_a_declared_host_is_never_contacted() {
    let dir = scratch_dir("undeclared-port");
    // A listener on another port of 127.0.0.1 counts every connection it gets.
    let other = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = other.local_addr().expect("addr").port();
    let contacted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    std::thread::spawn({
        let contacted = std::sync::Arc::clone(&contacted);
        move || {
            for _ in other.incoming() {
                contacted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
    });
    let out = honest_login_against(&dir, stub(Stub::CallbackOnPort(port)));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!(
            "origin http://127.0.0.1:{port}, which the target does not declare"
        )),
        "{stdout}"
    );
    assert_eq!(
        contacted.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the undeclared origin was contacted"
    );
}

/// Under a pseudo-terminal (util-linux `script`), what a peer sends is printed escaped: no
/// clipboard write, no screen clear, no forged result line.
#[cfg(target_os = "linux")]
#[test]
fn escape_sequences_from_a_peer_reach_the_terminal_escaped() {
    let dir = scratch_dir("escapes");
    let addr = stub(Stub::EscapeSequences);
    let target = login_target(&dir, &format!("{{ url = \"http://{addr}/qr\" }}"));
    let command = format!(
        "{} test dapp --target {} --exact login.address.honest",
        env!("CARGO_BIN_EXE_qrconform"),
        target.display()
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .expect("util-linux script runs");
    let shown = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    // The harness's own colours are the only escape sequences on the terminal.
    for raw in ["\u{1b}]52", "\u{1b}[2J", "\u{7}"] {
        assert!(
            !shown.contains(raw),
            "{raw:?} reached the terminal: {shown:?}"
        );
    }
    assert!(shown.contains("\\u{1b}]52;c;cHduZWQ="), "{shown}");
    assert!(
        !shown.lines().any(|l| l.starts_with("test result: ok. 99")),
        "{shown}"
    );
}

/// A wallet driver that fails at `/identity` still gets its reports: every selected case
/// ERROR with the reason, exit 2 (H-6: the run could not be set up).
#[test]
fn a_driver_that_fails_at_identity_still_gets_a_report() {
    let dir = scratch_dir("identity-fails");
    let addr = stub(Stub::Garbage);
    let reports = dir.join("reports");
    let out = qrconform(&[
        "test",
        "wallet",
        "--driver",
        &format!("http://{addr}"),
        "--node-rest",
        "127.0.0.1:0",
        "--node-rpc",
        "127.0.0.1:0",
        "--report-dir",
        reports.to_str().expect("utf-8"),
        "login.",
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("identity"), "{stderr}");
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(reports.join("ontology-wallet.json")).expect("JSON report"),
    )
    .expect("JSON");
    assert_eq!(json["summary"]["exit_code"], 2);
    let cases = json["cases"].as_array().expect("cases");
    assert!(!cases.is_empty());
    for case in cases {
        assert!(case["id"].as_str().unwrap().starts_with("login."), "{case}");
        assert_eq!(case["verdict"], "ERROR", "{case}");
        assert!(
            case["reason"]
                .as_str()
                .unwrap()
                .starts_with("the run could not start:"),
            "{case}"
        );
    }
    for file in [
        "ontology-wallet.md",
        "ontology-wallet.html",
        "ontology-wallet.junit.xml",
    ] {
        assert!(reports.join(file).exists(), "{file}");
    }
}
