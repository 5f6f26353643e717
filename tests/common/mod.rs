//! Helpers shared by the integration tests: the binary run to its end or as a server,
//! scratch folders and files that are removed when the test is done with them, an HTTP
//! client for the servers under test, and EOS names and transfers.

// Each test crate uses only part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use qrconform::protocol::simplewallet::eosio::{Action, Name, PermissionLevel, Transfer};

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

/// The tests' HTTP client for the loopback servers they start.
pub fn http() -> qrconform::net::HttpClient {
    qrconform::net::HttpClient::new(qrconform::net::ClientLimits {
        connect: Duration::from_secs(5),
        request: Duration::from_secs(10),
        max_body: 1 << 20,
    })
}

/// An EOS name the test spells correctly.
pub fn name(text: &str) -> Name {
    text.parse().expect("a valid test name")
}

/// `eosio.token::transfer` of `quantity` from `from` (its active permission) to `to`.
pub fn eos_transfer(from: &str, to: &str, quantity: &str, memo: &str) -> Action {
    Action {
        account: name("eosio.token"),
        name: name("transfer"),
        authorization: vec![PermissionLevel {
            actor: name(from),
            permission: name("active"),
        }],
        data: Transfer {
            from: name(from),
            to: name(to),
            quantity: quantity.parse().expect("a valid test asset"),
            memo: memo.to_string(),
        }
        .pack(),
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

/// `qrconform ARGS --target reference` (ARGS name the command, the role and any protocol):
/// exits 0 with every one of its `cases` cases passed. Returns stdout and stderr.
pub fn reference_passes(args: &[&str], cases: usize) -> (String, String) {
    let out = qrconform(&[args, &["--target", "reference"]].concat());
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    // REVIEW cases, which need a person, are skipped beside the passes.
    let passed = format!("cases ran: {cases} PASS");
    assert!(stderr.contains(&passed), "{stderr}");
    (stdout, stderr)
}

/// `qrconform ARGS --target reference --fault FAULT FILTER`: the run fails (exit 1).
/// Returns stdout, where the failed case and its reason are.
pub fn planted_fault_fails(args: &[&str], fault: &str, filter: &str) -> String {
    let out = qrconform(&[args, &["--target", "reference", "--fault", fault, filter]].concat());
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    stdout
}

/// A run that ended with exit `code`, its stderr saying `words`.
pub fn assert_exits_saying(out: &Output, code: i32, words: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(stderr.contains(words), "{stderr}");
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh, empty folder under the system temp dir, unique per test process and call, and
/// removed with everything in it when dropped (a failing test's too, as it unwinds).
pub struct ScratchDir(PathBuf);

impl Deref for ScratchDir {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for ScratchDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A [`ScratchDir`] named after `label`; keep it bound while its files are in use.
pub fn scratch_dir(label: &str) -> ScratchDir {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "qrconform-{label}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    ScratchDir(dir)
}

/// A file in a [`ScratchDir`] of its own, removed with it when dropped.
pub struct ScratchFile {
    _dir: ScratchDir,
    path: PathBuf,
}

impl Deref for ScratchFile {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for ScratchFile {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

/// `contents` written to a file `name` in a fresh scratch folder named after `label`.
pub fn scratch_file(label: &str, name: &str, contents: &str) -> ScratchFile {
    let dir = scratch_dir(label);
    let path = dir.join(name);
    std::fs::write(&path, contents).expect("scratch file");
    ScratchFile { _dir: dir, path }
}

/// `from` and everything below it copied into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

/// A fresh copy of the committed vector directory in a scratch folder.
pub fn copy_of_vectors(label: &str) -> ScratchDir {
    let dir = scratch_dir(label);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors"), &dir);
    dir
}

/// A loopback port that was free a moment ago: where the harness starts its node, for a
/// server started first and told to use it.
///
/// The port is released before the harness binds it, so it comes from below the range the
/// kernel hands out for port 0 and for outgoing connections
/// (`/proc/sys/net/ipv4/ip_local_port_range`): a port taken from that range could be given
/// to another test's listener or client in between. Within one test binary a counter keeps
/// two calls from naming the same port; cargo runs the test binaries one at a time.
pub fn free_port() -> u16 {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    const FLOOR: usize = 10_000;
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse::<usize>().ok())
        .filter(|low| *low > FLOOR + 1_000)
        .unwrap_or(32_768);
    let span = ephemeral_low - FLOOR;
    // Where this binary starts counting: its process id spreads binaries over the span.
    let start = std::process::id() as usize % span;
    for _ in 0..span {
        let offset = (start + NEXT.fetch_add(1, Ordering::Relaxed)) % span;
        let port = u16::try_from(FLOOR + offset).expect("below 65536");
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free loopback port between {FLOOR} and {ephemeral_low}")
}

/// Plays the person of interactive mode for a harness started with piped stdin and stderr:
/// reads each QR text and decision it prints, hands them to the wallet driver at
/// `wallet_url` (as a phone would scan), and presses Enter when the decision is to reject or
/// the wallet refused. Returns how many QR codes were scanned, the harness's output, and
/// stderr as read.
pub fn play_the_person(harness: Child, wallet_url: &str) -> (usize, Output, String) {
    play_the_person_opening(harness, wallet_url, true)
}

/// [`play_the_person`], the phone opening the wallet's HTTP callbacks when `open_callbacks`,
/// else leaving them unopened, so the person types them when asked.
pub fn play_the_person_opening(
    mut harness: Child,
    wallet_url: &str,
    open_callbacks: bool,
) -> (usize, Output, String) {
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
    let mut last_refused = false;
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if line.starts_with(qrconform::harness::driver::REVIEW_PROMPT) {
            // A REVIEW case's question about the screen: the person saw it.
            writeln!(enter, "y").expect("answer");
            enter.flush().expect("flush");
        }
        if line.starts_with(qrconform::harness::driver::OUTCOME_PROMPT) {
            // The person saw what the wallet showed for the last scan.
            writeln!(enter, "{}", if last_refused { "n" } else { "y" }).expect("answer");
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
            let approve = decision.starts_with("approve");
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
            last_refused = refused;
            opened = answer["opened"]
                .as_array()
                .map(|urls| {
                    urls.iter()
                        .filter_map(|u| u.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            // The phone opens what the wallet opened: an HTTP callback reaches the harness's
            // callback listener (interactive mode) by itself.
            for url in opened
                .iter()
                .filter(|u| open_callbacks && u.starts_with("http://"))
            {
                let _ = runtime.block_on(http.get(url));
            }
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
