//! Drivers: how the wallet suite reaches the wallet under test (`docs/wallet-driver.md`).
//!
//! - **HTTP**: the driver protocol (`GET /identity`, `POST /scan`), answered when the wallet
//!   is done, so no fixed wait is needed;
//! - **command**: a program run once per request, with `QRCONFORM_REQUEST` (`identity` or
//!   `scan`), `QRCONFORM_QR` and `QRCONFORM_APPROVE` in its environment; it prints the
//!   driver protocol's JSON answer on standard output;
//! - **interactive**: a person scans the QR code shown in the terminal (and written as SVG)
//!   with a phone; the harness prints the text payload, what the wallet should do and why,
//!   the decision to take and a countdown, then waits, with a deadline, for the wallet's
//!   callback or for the person to press Enter; for a REVIEW case it then asks the person
//!   what the wallet showed.
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

/// How interactive mode starts each line that asks the person about what the wallet showed
/// (a REVIEW case).
pub const REVIEW_PROMPT: &str = "Shown?";

/// How interactive mode asks whether the wallet showed the person success (a case judged by
/// what the wallet reports, which a driver's scan reply says and a person sees).
pub const OUTCOME_PROMPT: &str = "Success shown?";

/// The longest answer kept from the person's review of a screen.
const MAX_REVIEW_ANSWER_CHARS: usize = 200;

/// What the wallet should do with a case's request, as the catalogue expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedAction {
    /// Complete it (sign, send, post the callback).
    Complete,
    /// Refuse it: no success, nothing signed or sent.
    Refuse,
    /// Either; the case judges by other means.
    Either,
    /// Show the person what the briefing lists (a REVIEW case).
    Show,
}

/// What interactive mode tells the person about a case before the scan.
#[derive(Debug, Clone)]
pub struct Briefing<'a> {
    pub case: &'a str,
    pub title: &'a str,
    /// The decision the person takes in the wallet.
    pub approve: bool,
    pub expected: ExpectedAction,
    /// Why the wallet should act so (the case's `why`, else its title).
    pub why: &'a str,
    /// For a REVIEW case, what to find on the wallet's screen: (what, value).
    pub look_for: &'a [(String, String)],
}

/// What the person said the wallet showed, for one thing a REVIEW case lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewAnswer {
    Shown,
    /// The person says the wallet did not show it.
    NotShown,
    /// The person typed what the wallet showed instead.
    ShowedInstead(String),
    /// No answer within the wait.
    NoAnswer,
}

impl ReviewAnswer {
    /// The answer in words, for the transcript and the reason.
    pub fn words(&self) -> String {
        match self {
            ReviewAnswer::Shown => "shown (the person confirmed it)".to_string(),
            ReviewAnswer::NotShown => "the wallet did not show it".to_string(),
            ReviewAnswer::ShowedInstead(text) => format!(
                "the wallet showed `{}` instead",
                crate::escape::escape_controls(text)
            ),
            ReviewAnswer::NoAnswer => "no answer from the person within the wait".to_string(),
        }
    }
}

/// The text that briefs the person about one case: what the wallet should do and why, what
/// to look for (REVIEW), the QR text, the code drawn to fit the terminal (or why it is not),
/// the decision to take and the time left. The `Decision:` line comes last but one.
fn briefing_text(
    brief: &Briefing<'_>,
    qr: &str,
    code: &qrcode::QrCode,
    svg: &str,
    wait: Duration,
    deadline: u64,
) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    // The person approves a defective request too, when the wallet asks: the case is about
    // whether the wallet refuses it by itself, which the line must not leave in doubt.
    let decision = match (brief.approve, brief.expected) {
        (false, _) => "reject",
        (true, ExpectedAction::Refuse) => {
            "approve if the wallet asks (a conforming wallet refuses by itself)"
        }
        (true, _) => "approve",
    };
    let expected = match brief.expected {
        ExpectedAction::Complete => "the wallet completes it",
        ExpectedAction::Refuse => "refuse",
        ExpectedAction::Either => "either outcome",
        ExpectedAction::Show => "the wallet shows what is listed below",
    };
    let _ = writeln!(out, "\n== {}: {}", brief.case, brief.title);
    // The QR text is the harness's own, but a case may carry a peer's words into it.
    let _ = writeln!(out, "QR text: {}", crate::escape::escape_controls(qr));
    let _ = writeln!(out, "Expected: {expected} — {}", brief.why);
    if !brief.look_for.is_empty() {
        let _ = writeln!(
            out,
            "Look at the wallet's screen before deciding; it should show:"
        );
        for (what, value) in brief.look_for {
            let _ = writeln!(out, "  - {what}: {}", crate::escape::escape_controls(value));
        }
    }
    // What follows the code (its SVG path, the decision, the wait) is written first so its
    // height is known: the code is drawn last but these and the countdown's lines, and must
    // stay on screen whole while the person scans, so a line the terminal wraps counts twice.
    let mut after = String::new();
    let _ = writeln!(after, "QR SVG: {svg}");
    let _ = writeln!(after, "Decision: {decision}");
    let _ = writeln!(
        after,
        "Waiting up to {} s (until {} UTC) for the wallet; press Enter once it has refused, or you have rejected it.",
        wait.as_secs(),
        clock_time(deadline)
    );
    let size = crate::render::terminal_size();
    let below =
        screen_lines(&after, size.map(|(columns, _)| columns)) + countdown_marks(wait).len();
    let coloured = crate::harness::run::qr_drawing_coloured();
    match crate::render::render_fitted(code, size, below, svg, coloured) {
        Ok(drawn) => out.push_str(&drawn),
        Err(too_small) => {
            let _ = writeln!(out, "{too_small}");
        }
    }
    out.push_str(&after);
    out
}

/// How many lines `text` takes on a terminal `columns` wide (each line at least one; a longer
/// one wraps), or its line count when the width is unknown.
fn screen_lines(text: &str, columns: Option<usize>) -> usize {
    text.lines()
        .map(|line| match columns {
            Some(columns) if columns > 0 => line.chars().count().div_ceil(columns).max(1),
            _ => 1,
        })
        .sum()
}

/// `HH:MM:SS` of a Unix time, UTC.
fn clock_time(unix: u64) -> String {
    let day = unix % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

/// The seconds left at which the countdown speaks: every half minute, then 10 and 5.
fn countdown_marks(wait: Duration) -> Vec<u64> {
    let total = wait.as_secs();
    let mut marks: Vec<u64> = (1..)
        .map(|n| n * 30)
        .take_while(|m| *m < total)
        .chain([10, 5].into_iter().filter(|m| *m < total))
        .collect();
    marks.sort_unstable_by(|a, b| b.cmp(a));
    marks.dedup();
    marks
}

/// Tells the person the case's time left at each of [`countdown_marks`], one line each (a
/// line, not a carriage return, so the person's typing is never overwritten); never ends.
async fn countdown(console: &Console, case: &str, wait: Duration) {
    let start = tokio::time::Instant::now();
    for left in countdown_marks(wait) {
        tokio::time::sleep_until(start + wait - Duration::from_secs(left)).await;
        let mut out = console.lock().unwrap_or_else(|p| p.into_inner());
        let _ = writeln!(out, "  {left} s left for {case}");
        let _ = out.flush();
    }
    std::future::pending::<()>().await;
}

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
        brief: &Briefing<'_>,
        qr: &str,
        arrived: impl std::future::Future<Output = bool>,
    ) -> Result<Option<ScanReply>, Stop> {
        let approve = brief.approve;
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
            Driver::Interactive { .. } => self.scan_interactive(brief, qr, arrived).await,
        }
    }

    /// Whether a person plays the wallet (interactive mode): only then can a REVIEW case
    /// ask what the wallet showed.
    pub fn is_interactive(&self) -> bool {
        matches!(self, Driver::Interactive { .. })
    }

    /// Interactive mode's scan: writes the code as SVG, briefs the person (what to do, what
    /// the wallet should do and why, what to look for, the code), then waits for the
    /// wallet's first callback, an Enter press or the end of the wait, counting down.
    async fn scan_interactive(
        &self,
        brief: &Briefing<'_>,
        qr: &str,
        arrived: impl std::future::Future<Output = bool>,
    ) -> Result<Option<ScanReply>, Stop> {
        let Driver::Interactive {
            svg_dir,
            wait,
            console,
            enter,
            ..
        } = self
        else {
            return Err((Verdict::Error, "not the interactive driver".into()));
        };
        let svg_path = svg_dir.join(format!("{}.svg", brief.case));
        let code = crate::render::build_code(qr).map_err(|e| (Verdict::Error, e))?;
        std::fs::write(&svg_path, crate::render::render_svg(&code)).map_err(|e| {
            (
                Verdict::Error,
                format!("cannot write {}: {e}", svg_path.display()),
            )
        })?;
        let deadline = crate::clock::Clock::system().unix_secs() + wait.as_secs();
        {
            let mut out = console.lock().unwrap_or_else(|p| p.into_inner());
            let _ = write!(
                out,
                "{}",
                briefing_text(
                    brief,
                    qr,
                    &code,
                    &svg_path.display().to_string(),
                    *wait,
                    deadline
                )
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
                if brief.approve {
                    Err((Verdict::Timeout, format!("nothing arrived within {} s of showing the QR code", wait.as_secs())))
                } else {
                    Ok(None)
                }
            }
            _ = enter.recv() => Ok(None),
            _ = arrived => Ok(None),
            _ = countdown(console, brief.case, *wait) => Ok(None),
        }
    }

    /// In interactive mode, asks the person, for each thing a REVIEW case lists, whether the
    /// wallet showed it: `y`, `n`, or what it showed instead. One answer per item, in order;
    /// an item left unanswered within the wait is recorded as such. Empty for the other
    /// drivers (a machine cannot see the screen).
    pub async fn ask_review(&self, case: &str, items: &[(String, String)]) -> Vec<ReviewAnswer> {
        let Driver::Interactive {
            wait,
            console,
            enter,
            ..
        } = self
        else {
            return Vec::new();
        };
        let mut enter = enter.lock().await;
        let mut answers = Vec::with_capacity(items.len());
        for (what, value) in items {
            {
                let mut out = console.lock().unwrap_or_else(|p| p.into_inner());
                let _ = writeln!(
                    out,
                    "{REVIEW_PROMPT} {case}: did the wallet show {what} `{}`? y = yes, n = no (it did not show it), or type what it showed, then Enter",
                    crate::escape::escape_controls(value)
                );
                let _ = out.flush();
            }
            let answer = async {
                while let Some(line) = enter.recv().await {
                    match line.trim() {
                        // Enter presses meant for the scan are passed over.
                        "" => continue,
                        "y" | "Y" | "yes" => return ReviewAnswer::Shown,
                        "n" | "N" | "no" => return ReviewAnswer::NotShown,
                        other => {
                            return ReviewAnswer::ShowedInstead(
                                other.chars().take(MAX_REVIEW_ANSWER_CHARS).collect(),
                            )
                        }
                    }
                }
                ReviewAnswer::NoAnswer
            };
            answers.push(
                tokio::time::timeout(*wait, answer)
                    .await
                    .unwrap_or(ReviewAnswer::NoAnswer),
            );
        }
        answers
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

    /// In interactive mode, asks the person whether the wallet showed success for the case
    /// just scanned: `Some(true)` for `y`, `Some(false)` for `n` (it showed a failure or a
    /// refusal). Empty lines (Enter presses meant for the scan) are passed over. `None` for
    /// the other drivers, whose scan reply says it, and when no answer comes within the wait.
    pub async fn ask_success_shown(&self, case: &str) -> Option<bool> {
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
                "{OUTCOME_PROMPT} {case}: did the wallet tell you it succeeded? y = it showed success, n = it showed a failure or a refusal, then Enter"
            );
            let _ = out.flush();
        }
        let mut enter = enter.lock().await;
        let answer = async {
            while let Some(line) = enter.recv().await {
                match line.trim().to_ascii_lowercase().as_str() {
                    "y" | "yes" => return Some(true),
                    "n" | "no" => return Some(false),
                    _ => continue,
                }
            }
            None
        };
        tokio::time::timeout(*wait, answer).await.ok().flatten()
    }

    /// In interactive mode, once the harness's callback listener heard what the wallet opened
    /// for `case`: says so, and passes over the Enter presses that come within `settle` (a
    /// person who saw the wallet refuse presses Enter after the harness already saw the scan
    /// end; left unread, that press would end the next case's wait).
    pub async fn opened_heard(&self, case: &str, urls: &[String], settle: Duration) {
        let Driver::Interactive { console, enter, .. } = self else {
            return;
        };
        {
            let mut out = console.lock().unwrap_or_else(|p| p.into_inner());
            for url in urls {
                let _ = writeln!(out, "Callback recorded for {case}: {url}");
            }
            let _ = out.flush();
        }
        let mut enter = enter.lock().await;
        let _ = tokio::time::timeout(settle, async { while enter.recv().await.is_some() {} }).await;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_countdown_speaks_every_half_minute_then_at_10_and_5() {
        assert_eq!(
            countdown_marks(Duration::from_secs(120)),
            vec![90, 60, 30, 10, 5]
        );
        assert_eq!(countdown_marks(Duration::from_secs(30)), vec![10, 5]);
        assert_eq!(countdown_marks(Duration::from_secs(5)), Vec::<u64>::new());
    }

    #[test]
    fn a_line_the_terminal_wraps_counts_once_per_screen_line() {
        let text = "short\n\n".to_string() + &"x".repeat(81) + "\n";
        assert_eq!(screen_lines(&text, Some(80)), 4);
        assert_eq!(screen_lines(&text, Some(81)), 3);
        assert_eq!(screen_lines(&text, None), 3);
    }

    #[test]
    fn the_briefing_says_what_the_wallet_should_do_and_why_and_ends_with_the_decision() {
        let look_for = [("the fee".to_string(), "0.01 ONG\u{1b}[2J".to_string())];
        let brief = Briefing {
            case: "login.expired",
            title: "The wallet refuses an expired login",
            approve: true,
            expected: ExpectedAction::Refuse,
            why: "the request expired ten minutes before it was shown",
            look_for: &look_for,
        };
        let code = crate::render::build_code("{}").unwrap();
        let text = briefing_text(
            &brief,
            "{}",
            &code,
            "/tmp/x.svg",
            Duration::from_secs(90),
            3600 + 61,
        );
        assert!(
            text.contains("Expected: refuse — the request expired ten minutes before it was shown"),
            "{text}"
        );
        // What the screen should show is escaped: a peer never writes to the terminal.
        assert!(text.contains("  - the fee: 0.01 ONG\\u{1b}[2J"), "{text}");
        assert!(
            text.contains("Waiting up to 90 s (until 01:01:01 UTC)"),
            "{text}"
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[lines.len() - 2],
            "Decision: approve if the wallet asks (a conforming wallet refuses by itself)"
        );
        assert_eq!(lines[lines.len() - 3], "QR SVG: /tmp/x.svg");
    }

    #[test]
    fn review_answers_read_as_words() {
        assert_eq!(ReviewAnswer::NotShown.words(), "the wallet did not show it");
        assert!(ReviewAnswer::ShowedInstead("2 ONG".into())
            .words()
            .contains("`2 ONG`"));
    }
}
