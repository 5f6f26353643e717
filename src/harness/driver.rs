//! Drivers: how the wallet suite reaches the wallet under test (`docs/wallet-driver.md`).
//!
//! - **HTTP**: the driver protocol (`GET /identity`, `POST /scan`), answered when the wallet
//!   is done, so no fixed wait is needed;
//! - **command**: a program run once per request, with `QRCONFORM_REQUEST` (`identity` or
//!   `scan`), `QRCONFORM_QR` and `QRCONFORM_APPROVE` in its environment; it prints the
//!   driver protocol's JSON answer on standard output;
//! - **interactive**: a person scans the QR code shown in the terminal (and written as SVG)
//!   with a phone; the harness prints the text payload and the decision to take, then waits,
//!   with a deadline, for the wallet's callback or for the person to press Enter.
//!
//! None of them is trusted: every step has a timeout and a body cap, and every answer is
//! checked against the driver protocol's schema.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::harness::Verdict;
use crate::net::{HttpClient, HttpError};
use crate::protocol::driver::{Identity, ScanReply, ScanRequest};

/// An early end of a step: its verdict and reason.
pub type Stop = (Verdict, String);

/// Where the interactive mode prints its instructions (stderr in the CLI, a buffer in tests).
pub type Console = Arc<Mutex<Box<dyn Write + Send>>>;

/// A way to reach the wallet under test.
pub enum Driver {
    Http {
        base: String,
        client: HttpClient,
    },
    Command {
        argv: Vec<String>,
        timeout: Duration,
        max_output: usize,
    },
    Interactive {
        /// The wallet's identity as its protocol's `driver.identity` states it, given on the
        /// command line (a person has no driver to ask).
        identity: serde_json::Value,
        svg_dir: PathBuf,
        wait: Duration,
        console: Console,
        /// Lines typed by the person (Enter presses), read on a thread of their own.
        enter: tokio::sync::Mutex<mpsc::UnboundedReceiver<String>>,
    },
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Driver::Http { base, .. } => write!(f, "Driver::Http({base})"),
            Driver::Command { argv, .. } => write!(f, "Driver::Command({argv:?})"),
            Driver::Interactive { .. } => write!(f, "Driver::Interactive"),
        }
    }
}

/// The longest opened URL kept from the person's answer (`driver.scan.reply`'s bound).
const MAX_OPENED_URL_CHARS: usize = 8192;

/// How interactive mode starts the line that asks the person what the wallet opened.
pub const OPENED_PROMPT: &str = "Opened URL?";

/// Reads standard input lines on a thread of its own, for the interactive mode.
pub fn stdin_lines() -> mpsc::UnboundedReceiver<String> {
    let (send, receive) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut line = String::new();
        loop {
            line.clear();
            match std::io::BufRead::read_line(&mut stdin.lock(), &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if send.send(line.trim().to_string()).is_err() {
                        break;
                    }
                }
            }
        }
    });
    receive
}

fn network(step: &str, e: HttpError) -> Stop {
    match e {
        HttpError::Timeout { .. } => (Verdict::Timeout, format!("{step}: {e}")),
        HttpError::TooLarge { .. } => (Verdict::Fail, format!("{step}: {e}")),
        _ => (Verdict::Error, format!("{step}: {e}")),
    }
}

/// An identity answer checked against the schema `kind`, then read as `T`.
fn parse_identity<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    kind: &str,
    origin: &str,
) -> Result<T, String> {
    let violations = crate::schema::validate(kind, &value).map_err(|e| e.to_string())?;
    if let Some(v) = violations.first() {
        return Err(format!(
            "{origin} breaks the {kind} schema: {}: {}",
            v.instance_path, v.message
        ));
    }
    serde_json::from_value(value).map_err(|e| format!("{origin}: {e}"))
}

fn identity_json(bytes: &[u8], origin: &str) -> Result<serde_json::Value, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("{origin} is not JSON: {e}"))
}

/// Checks a scan answer against the driver protocol.
fn parse_scan_reply(bytes: &[u8], origin: &str) -> Result<ScanReply, Stop> {
    let shown = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| {
        (
            Verdict::Error,
            format!("{origin} is not the driver protocol's JSON: {shown}"),
        )
    })?;
    let violations = crate::schema::validate("driver.scan.reply", &value)
        .map_err(|e| (Verdict::Error, e.to_string()))?;
    if let Some(v) = violations.first() {
        return Err((
            Verdict::Error,
            format!(
                "{origin} breaks the driver.scan.reply schema: {}: {}",
                v.instance_path, v.message
            ),
        ));
    }
    serde_json::from_value(value).map_err(|e| (Verdict::Error, format!("{origin}: {e}")))
}

impl Driver {
    /// Who the (Ontology) wallet is.
    pub async fn identity(&self) -> Result<Identity, String> {
        self.identity_as("driver.identity").await
    }

    /// Who the wallet is, in the identity shape of its protocol: the answer is checked
    /// against the schema `kind` and read as `T`.
    pub async fn identity_as<T: serde::de::DeserializeOwned>(
        &self,
        kind: &str,
    ) -> Result<T, String> {
        match self {
            Driver::Http { base, client } => {
                let url = format!("{base}/identity");
                let reply = client.get(&url).await.map_err(|e| e.to_string())?;
                if reply.status != 200 {
                    return Err(format!("{url} answered HTTP {}", reply.status));
                }
                parse_identity(identity_json(&reply.body, &url)?, kind, &url)
            }
            Driver::Command { .. } => {
                let out = self
                    .run_command(&[("QRCONFORM_REQUEST", "identity")])
                    .await
                    .map_err(|(_, reason)| reason)?;
                let origin = "the driver command's identity answer";
                parse_identity(identity_json(&out, origin)?, kind, origin)
            }
            Driver::Interactive { identity, .. } => {
                parse_identity(identity.clone(), kind, "the identity given for the wallet")
            }
        }
    }

    /// Hands the wallet a QR code. `Ok(Some(reply))` is the driver's answer; `Ok(None)` means
    /// the driver gives none (interactive mode) and the case judges by what it observes.
    /// `arrived` resolves to true when the wallet's first callback arrives: it ends the
    /// interactive wait early.
    pub async fn scan(
        &self,
        case: &str,
        title: &str,
        qr: &str,
        approve: bool,
        arrived: impl std::future::Future<Output = bool>,
    ) -> Result<Option<ScanReply>, Stop> {
        match self {
            Driver::Http { base, client } => {
                let url = format!("{base}/scan");
                let body = serde_json::to_vec(&ScanRequest {
                    qr: qr.to_string(),
                    approve,
                })
                .map_err(|e| (Verdict::Error, e.to_string()))?;
                let reply = client
                    .post_json(&url, body)
                    .await
                    .map_err(|e| network("the driver's /scan", e))?;
                if reply.status != 200 {
                    return Err((
                        Verdict::Error,
                        format!("the driver's /scan answered HTTP {}", reply.status),
                    ));
                }
                parse_scan_reply(&reply.body, "the driver's /scan answer").map(Some)
            }
            Driver::Command { .. } => {
                let decision = if approve { "true" } else { "false" };
                let out = self
                    .run_command(&[
                        ("QRCONFORM_REQUEST", "scan"),
                        ("QRCONFORM_QR", qr),
                        ("QRCONFORM_APPROVE", decision),
                    ])
                    .await?;
                parse_scan_reply(&out, "the driver command's scan answer").map(Some)
            }
            Driver::Interactive {
                svg_dir,
                wait,
                console,
                enter,
                ..
            } => {
                let svg_path = svg_dir.join(format!("{case}.svg"));
                let code = crate::render::build_code(qr).map_err(|e| (Verdict::Error, e))?;
                std::fs::write(&svg_path, crate::render::render_svg(&code)).map_err(|e| {
                    (
                        Verdict::Error,
                        format!("cannot write {}: {e}", svg_path.display()),
                    )
                })?;
                {
                    let mut out = console.lock().unwrap_or_else(|p| p.into_inner());
                    let _ = writeln!(out, "\n== {case}: {title}");
                    let drawing = crate::render::render_terminal_styled(
                        &code,
                        crate::harness::run::qr_drawing_coloured(),
                    );
                    let _ = write!(out, "{drawing}");
                    let _ = writeln!(out, "QR SVG: {}", svg_path.display());
                    let _ = writeln!(out, "QR text: {qr}");
                    let _ = writeln!(
                        out,
                        "Decision: {}",
                        if approve { "approve" } else { "reject" }
                    );
                    let _ = writeln!(
                        out,
                        "Waiting up to {} s for the wallet; press Enter once it has refused, or you have rejected it.",
                        wait.as_secs()
                    );
                    let _ = out.flush();
                }
                let mut enter = enter.lock().await;
                // Only an arrival ends the wait early; a bounded wait that gave up does not.
                let arrived = async {
                    if !arrived.await {
                        std::future::pending::<()>().await;
                    }
                };
                tokio::select! {
                    _ = tokio::time::sleep(*wait) => {
                        if approve {
                            Err((Verdict::Timeout, format!("nothing arrived within {} s of showing the QR code", wait.as_secs())))
                        } else {
                            Ok(None)
                        }
                    }
                    _ = enter.recv() => Ok(None),
                    _ = arrived => Ok(None),
                }
            }
        }
    }

    /// In interactive mode, asks the person which URL the wallet opened for the case just
    /// scanned (a deep link's callback): the URL, or `none`. Empty lines (Enter presses meant
    /// for the scan) are passed over. `None` for the other drivers, whose scan reply says it,
    /// and when the person gives no answer within the wait.
    pub async fn ask_opened(&self, case: &str) -> Option<Vec<String>> {
        let Driver::Interactive {
            wait,
            console,
            enter,
            ..
        } = self
        else {
            return None;
        };
        {
            let mut out = console.lock().unwrap_or_else(|p| p.into_inner());
            let _ = writeln!(
                out,
                "{OPENED_PROMPT} {case}: type the URL the wallet opened (its callback), or `none`, then Enter"
            );
            let _ = out.flush();
        }
        let mut enter = enter.lock().await;
        let answer = async {
            while let Some(line) = enter.recv().await {
                match line.trim() {
                    "" => continue,
                    "none" => return Some(Vec::new()),
                    // As long as the scan reply's schema lets a URL be.
                    url => return Some(vec![url.chars().take(MAX_OPENED_URL_CHARS).collect()]),
                }
            }
            None
        };
        tokio::time::timeout(*wait, answer).await.ok().flatten()
    }

    async fn run_command(&self, env: &[(&str, &str)]) -> Result<Vec<u8>, Stop> {
        use tokio::io::AsyncReadExt;
        let Driver::Command {
            argv,
            timeout,
            max_output,
        } = self
        else {
            return Err((Verdict::Error, "not a command driver".into()));
        };
        let mut command = tokio::process::Command::new(&argv[0]);
        command
            .args(&argv[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        crate::harness::steps::own_process_group(&mut command);
        let mut child = command.spawn().map_err(|e| {
            (
                Verdict::Error,
                format!("the driver command `{}` cannot start: {e}", argv[0]),
            )
        })?;
        let _group = crate::harness::steps::ProcessGroup::of(&child);
        let mut stdout = child.stdout.take().ok_or((
            Verdict::Error,
            "the driver command has no stdout".to_string(),
        ))?;
        let read = async {
            let mut out = Vec::new();
            (&mut stdout)
                .take(*max_output as u64 + 1)
                .read_to_end(&mut out)
                .await
                .map(|_| out)
        };
        let out = match tokio::time::timeout(*timeout, read).await {
            Err(_) => {
                return Err((
                    Verdict::Timeout,
                    format!(
                        "the driver command did not answer within {:.1} s",
                        timeout.as_secs_f64()
                    ),
                ))
            }
            Ok(Err(e)) => return Err((Verdict::Error, format!("reading the driver command: {e}"))),
            Ok(Ok(out)) => out,
        };
        if out.len() > *max_output {
            return Err((
                Verdict::Fail,
                format!("the driver command printed more than {max_output} bytes"),
            ));
        }
        let status = tokio::time::timeout(*timeout, child.wait())
            .await
            .map_err(|_| {
                (
                    Verdict::Timeout,
                    "the driver command did not exit".to_string(),
                )
            })?
            .map_err(|e| {
                (
                    Verdict::Error,
                    format!("waiting for the driver command: {e}"),
                )
            })?;
        if !status.success() {
            return Err((
                Verdict::Error,
                format!("the driver command exited with {status}"),
            ));
        }
        Ok(out)
    }
}
