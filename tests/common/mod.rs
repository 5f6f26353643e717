//! Helpers shared by the integration tests that run the binary as a server.

// Each test crate uses only part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// `qrconform ARGS` running as a server; killed when dropped, so a failing test never leaves
/// it behind.
pub struct Served {
    child: Child,
    /// What it printed up to and including the line the start waited for.
    pub lines: Vec<String>,
}

impl Served {
    /// Starts `qrconform ARGS` and reads its standard output until a line that starts with
    /// `until`, for at most 30 seconds.
    pub fn start(args: &[&str], until: &str) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_qrconform"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let mut served = Served {
            child,
            lines: Vec::new(),
        };
        let stdout = served.child.stdout.take().expect("piped stdout");
        let (lines, received) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        loop {
            let line = received
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|e| {
                    panic!("{args:?} printed {:?} then nothing: {e}", served.lines)
                });
            let done = line.starts_with(until);
            served.lines.push(line);
            if done {
                return served;
            }
        }
    }

    /// The rest of the first printed line that starts with `prefix`.
    pub fn value(&self, prefix: &str) -> String {
        self.lines
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no line starts with `{prefix}` in {:?}", self.lines))
            .trim()
            .to_string()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `qrconform ARGS` to its end, with no input.
pub fn qrconform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A folder of this test process's own under the system temp dir.
pub fn scratch_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qrconform-{label}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// A loopback port that was free a moment ago: where the harness starts its node, for a
/// server started first and told to use it.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Plays the person of interactive mode for a harness started with piped stdin and stderr:
/// reads each QR text and decision it prints, hands them to the wallet driver at
/// `wallet_url` (as a phone would scan), and presses Enter when the decision is to reject or
/// the wallet refused. Returns how many QR codes were scanned, the harness's output, and
/// stderr as read.
pub fn play_the_person(mut harness: Child, wallet_url: &str) -> (usize, Output, String) {
    use std::io::Write;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let http = qrconform::net::HttpClient::new(qrconform::net::ClientLimits::default());
    let mut enter = harness.stdin.take().expect("stdin");
    let stderr = harness.stderr.take().expect("stderr");
    let mut transcript = Vec::new();
    let mut qr = None;
    let mut scanned = 0;
    // What the wallet opened for the last scan, as its driver reply says: the person saw it.
    let mut opened: Vec<String> = Vec::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if line.starts_with(qrconform::harness::driver::REVIEW_PROMPT) {
            // A REVIEW case's question about the screen: the person saw it.
            writeln!(enter, "y").expect("answer");
            enter.flush().expect("flush");
        }
        if line.starts_with(qrconform::harness::driver::OPENED_PROMPT) {
            let answer = opened.first().map_or("none", String::as_str);
            writeln!(enter, "{answer}").expect("answer");
            enter.flush().expect("flush");
        }
        if let Some(text) = line.strip_prefix("QR text: ") {
            qr = Some(text.to_string());
        }
        if let Some(decision) = line.strip_prefix("Decision: ") {
            let approve = decision == "approve";
            let body = serde_json::json!({
                "qr": qr.take().expect("the QR text comes first"),
                "approve": approve,
            });
            let reply = runtime
                .block_on(
                    http.post_json(&format!("{wallet_url}/scan"), body.to_string().into_bytes()),
                )
                .expect("the wallet answers");
            assert_eq!(reply.status, 200);
            let answer =
                serde_json::from_slice::<serde_json::Value>(&reply.body).unwrap_or_default();
            let refused = answer["outcome"] == "refused";
            opened = answer["opened"]
                .as_array()
                .map(|urls| {
                    urls.iter()
                        .filter_map(|u| u.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if !approve || refused {
                // The person rejected it, or saw the wallet refuse, and says so.
                writeln!(enter).expect("press Enter");
                enter.flush().expect("flush");
            }
            scanned += 1;
        }
        transcript.push(line);
    }
    let out = harness.wait_with_output().expect("the harness ends");
    (scanned, out, transcript.join("\n"))
}
