//! Interactive mode's web view (`test wallet --interactive --web ADDR`): the page and its JSON
//! state over HTTP with a hostile case shown escaped, the requests it refuses, the addresses
//! the command line refuses, and — in headless Chromium — a run whose page a phone could scan:
//! the QR code decoded from a screenshot (zbarimg) is the case's QR text, byte for byte.
//!
//! The browser test needs `chromium` and `zbarimg` on PATH (CI installs them) and fails
//! without them; `QRCONFORM_SKIP_BROWSER=1` skips it on a machine that has neither.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{free_port, qrconform, text};
use qrconform::harness::suite::{self, Role};
use qrconform::harness::web_view::{self, WebView};
use qrconform::harness::{CaseOutcome, Verdict};
use qrconform::net::{ClientLimits, HttpClient};
use serde_json::Value;

/// A folder of the test's own, removed when dropped (the test leaves no files behind).
struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("qrconform-web-view-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The harness under test, killed if the test ends before it does.
struct Running(Option<std::process::Child>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One HTTP/1.1 request with the `Host` given: status, headers (lower-cased), body.
fn request(addr: SocketAddr, method: &str, path: &str, host: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, head.to_lowercase(), body.to_string())
}

fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    request(addr, "GET", path, &addr.to_string())
}

/// A case whose title and QR text try to break out of the page, its script and the terminal.
#[test]
fn the_page_and_its_state_show_a_hostile_case_escaped() {
    let catalogue = suite::find("ontology", Role::Wallet)
        .expect("the Ontology wallet suite")
        .catalogue()
        .expect("its catalogue");
    let mut case = catalogue.cases[0].clone();
    case.title = "</title></script><script>alert('title')</script>".into();
    let qr =
        "{\"x\":\"</pre><script>alert(1)</script><img src=x onerror=alert(2)>\u{1b}[2J&amp;\"}";
    let view = WebView::new();
    view.set_planned(3);
    view.begin(&case);
    view.show_qr(qr, Duration::from_secs(60));
    view.note("callback 1 arrived: POST /callback/<b>bold</b>");

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime
        .block_on(web_view::serve(
            "127.0.0.1:0".parse().unwrap(),
            view.clone(),
        ))
        .expect("the view serves");
    let addr = server.addr();

    let (status, head, page) = get(addr, "/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html"), "{head}");
    let csp = head
        .lines()
        .find_map(|l| l.strip_prefix("content-security-policy: "))
        .expect("a Content-Security-Policy");
    assert!(
        csp.starts_with("default-src 'none'; script-src 'sha256-"),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("http"),
        "{csp}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    // The page's one script is its own; the peer's text is there, escaped.
    assert_eq!(page.matches("<script").count(), 1, "{page}");
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(
        page.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;\\u{1b}[2J&amp;amp;"),
        "{page}"
    );
    assert!(
        page.contains("&lt;/title&gt;&lt;/script&gt;&lt;script&gt;alert(&#39;title&#39;)"),
        "{page}"
    );
    assert!(
        page.contains("POST /callback/&lt;b&gt;bold&lt;/b&gt;"),
        "{page}"
    );
    assert!(page.contains("login.address.honest"), "{page}");

    let (status, head, json) = get(addr, "/state.json");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: application/json"), "{head}");
    // No markup character appears raw in the JSON, yet it reads back to the same text.
    assert!(!json.contains(['<', '>', '&']), "{json}");
    let state: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        state["case"]["qr_text"],
        qrconform::escape::escape_controls(qr).as_ref()
    );
    assert_eq!(state["case"]["title"], case.title);
    assert_eq!(state["case"]["id"], case.id);
    assert_eq!(state["case"]["decision"], "Approve");
    assert!(state["case"]["remaining_ms"].as_u64().expect("a countdown") <= 60_000);
    assert_eq!(state["planned"], 3);

    // The QR code is drawn from the raw text (not the escaped one shown).
    let (status, head, svg) = get(addr, "/qr.svg");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: image/svg+xml"), "{head}");
    let expected = qrconform::render::build_code(qr).expect("a code");
    assert!(
        svg.contains(&format!(
            "viewBox=\"0 0 {0} {0}\"",
            expected.width() + 2 * qrconform::render::QUIET_ZONE
        )),
        "{svg}"
    );

    // The verdict and the tally follow the outcome.
    let outcome = CaseOutcome::conclude(
        &case,
        Err((Verdict::Fail, "the wallet said <b>no</b>".into())),
        Vec::new(),
        Instant::now(),
        Default::default(),
        String::new(),
    );
    view.conclude(&outcome);
    let (_, _, json) = get(addr, "/state.json");
    let state: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(state["tally"]["FAIL"], 1);
    assert_eq!(state["done"], 1);
    assert_eq!(state["last"]["verdict"], "FAIL");
    assert_eq!(state["last"]["reason"], "the wallet said <b>no</b>");
    assert_eq!(state["case"]["remaining_ms"], Value::Null);

    // A name that could be rebound to this address, other methods, other paths: refused.
    let (status, head, _) = request(addr, "GET", "/state.json", "attacker.example");
    assert_eq!(status, 403);
    assert!(head.contains("content-security-policy"), "{head}");
    assert_eq!(
        request(addr, "POST", "/state.json", &addr.to_string()).0,
        405
    );
    assert_eq!(get(addr, "/anything").0, 404);
    assert_eq!(
        request(addr, "GET", "/", &format!("localhost:{}", addr.port())).0,
        200
    );
    runtime.block_on(server.shutdown());
}

#[test]
fn the_command_line_refuses_a_web_view_it_cannot_serve_safely() {
    let key = "03c99c889bc94df2beeb1bc0b973b92b94e44f9a3e4b11f28ae3e17a8d46e59749";
    let out = qrconform(&[
        "test",
        "wallet",
        "--interactive",
        "--wallet-public-key",
        key,
        "--web",
        "0.0.0.0:0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--web-lan"),
        "{}",
        text(&out.stderr)
    );
    let out = qrconform(&[
        "test",
        "wallet",
        "--target",
        "reference",
        "--web",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--web"), "{}", text(&out.stderr));
    let out = qrconform(&[
        "test",
        "wallet",
        "--driver",
        "http://127.0.0.1:9",
        "--web",
        "127.0.0.1:0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--interactive"),
        "{}",
        text(&out.stderr)
    );
}

/// Whether the browser test is to be skipped on this machine (never in CI).
fn browser_skipped() -> bool {
    if std::env::var("QRCONFORM_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("QRCONFORM_SKIP_BROWSER=1: the browser test is skipped");
        return true;
    }
    for tool in ["chromium", "zbarimg"] {
        let found = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        assert!(
            found,
            "`{tool}` is not on PATH: install chromium and zbar-tools (CI does), or set \
             QRCONFORM_SKIP_BROWSER=1 to skip this test"
        );
    }
    false
}

/// Loads `url` in headless Chromium, screenshots it, and decodes the QR code in it.
fn scan_screenshot(url: &str, dir: &Path) -> String {
    let profile = dir.join("profile");
    let shot = dir.join("page.png");
    let _ = std::fs::remove_dir_all(&profile);
    std::fs::create_dir_all(&profile).expect("profile dir");
    // Chromium writes crash-report settings and a dconf cache under HOME whatever its
    // profile folder is: give it one inside the scratch folder.
    let home = dir.join("home");
    let out = Command::new("chromium")
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            "--window-size=1000,1000",
            &format!("--screenshot={}", shot.display()),
            url,
        ])
        .stdin(Stdio::null())
        .output()
        .expect("chromium runs");
    assert!(
        shot.exists(),
        "chromium wrote no screenshot: {}",
        text(&out.stderr)
    );
    let decoded = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(&shot)
        .output()
        .expect("zbarimg runs");
    assert!(
        decoded.status.success(),
        "zbarimg found no QR code in the screenshot"
    );
    let decoded = text(&decoded.stdout);
    // zbarimg ends each symbol with a newline.
    decoded.strip_suffix('\n').unwrap_or(&decoded).to_string()
}

/// A run in interactive mode with the web view, this test as the person: at each case it
/// loads the page in headless Chromium, decodes the QR code in the screenshot and compares it
/// with the QR text the terminal printed, then hands that text to a reference wallet (as a
/// phone would) and answers in the terminal as the person does.
#[test]
fn a_phone_decodes_the_web_view_s_qr_code_as_the_case_s_qr_text() {
    if browser_skipped() {
        return;
    }
    let scratch = Scratch::new("browser");
    let node_port = free_port();
    let node = format!("http://127.0.0.1:{node_port}");
    let _wallet = common::Served::start(
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
    let wallet_url = _wallet.value("reference wallet listening on ");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = HttpClient::new(ClientLimits::default());
    let identity = runtime
        .block_on(http.get(&format!("{wallet_url}/identity")))
        .expect("identity");
    let identity: Value = serde_json::from_slice(&identity.body).expect("JSON");
    let key = identity["publicKey"].as_str().expect("publicKey");
    let svg_dir = scratch.0.join("svg");
    let mut child = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args([
            "test",
            "wallet",
            "--interactive",
            "--wallet-public-key",
            key,
            "--node-rest",
            &format!("127.0.0.1:{node_port}"),
            "--node-rpc",
            "127.0.0.1:0",
            "--svg-dir",
            svg_dir.to_str().expect("utf-8"),
            "--web",
            "127.0.0.1:0",
            // A plain JSON login, its deep-link form, and one the person rejects.
            "login.",
            "--skip",
            "cyano",
            "--skip",
            "account",
            "--skip",
            "ontid",
            "--skip",
            "signature",
            "--skip",
            "publickey",
            "--skip",
            "expire",
            "--skip",
            "id.absent",
            "--skip",
            "dapp-",
            "--skip",
            "unknown",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the harness starts");
    let mut enter = child.stdin.take().expect("stdin");
    let stderr = child.stderr.take().expect("stderr");
    let mut harness = Running(Some(child));
    let mut web = None;
    let mut case_id = None;
    let mut qr = None;
    let mut scanned = Vec::new();
    let mut previous_case: Option<String> = None;
    let mut transcript = Vec::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        transcript.push(line.clone());
        if let Some(url) = line.strip_prefix("web view: ") {
            web = Some(url.to_string());
        }
        if let Some(rest) = line.strip_prefix("== ") {
            case_id = rest.split_once(": ").map(|(id, _)| id.to_string());
        }
        if let Some(text) = line.strip_prefix("QR text: ") {
            qr = Some(text.to_string());
        }
        let Some(decision) = line.strip_prefix("Decision: ") else {
            continue;
        };
        let qr = qr.take().expect("the QR text comes before the decision");
        let url = web.clone().expect("the web view's URL comes first");
        // The page shows this case and this QR code, and a phone reads it back exactly.
        let state = runtime
            .block_on(http.get(&format!("{url}state.json")))
            .expect("the state");
        let state: Value = serde_json::from_slice(&state.body).expect("JSON");
        assert_eq!(state["case"]["id"].as_str(), case_id.as_deref());
        assert_eq!(state["case"]["qr_text"].as_str(), Some(qr.as_str()));
        // The cases before this one are in the tally, the last of them by name.
        assert_eq!(state["tally"]["PASS"], scanned.len(), "{state}");
        assert_eq!(state["planned"], 3, "{state}");
        if let Some(previous) = &previous_case {
            assert_eq!(state["last"]["id"].as_str(), Some(previous.as_str()));
            assert_eq!(state["last"]["verdict"], "PASS", "{state}");
        }
        previous_case = case_id.clone();
        let decoded = scan_screenshot(&url, &scratch.0);
        assert_eq!(decoded, qr, "the QR code decoded from the page");
        eprintln!("decoded from the page: {decoded}");
        scanned.push(decoded);
        let approve = decision.starts_with("approve");
        let body = serde_json::json!({ "qr": qr, "approve": approve });
        let reply = runtime
            .block_on(http.post_json(&format!("{wallet_url}/scan"), body.to_string().into_bytes()))
            .expect("the wallet answers");
        assert_eq!(reply.status, 200);
        let answer: Value = serde_json::from_slice(&reply.body).unwrap_or_default();
        if !approve || answer["outcome"] == "refused" {
            writeln!(enter).expect("press Enter");
            enter.flush().expect("flush");
        }
    }
    let out = harness
        .0
        .take()
        .expect("the harness")
        .wait_with_output()
        .expect("the harness ends");
    let transcript = transcript.join("\n");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{transcript}",
        text(&out.stdout)
    );
    assert_eq!(scanned.len(), 3, "{transcript}");
    assert!(scanned[1].starts_with("ontprovider://"), "{scanned:?}");
}
