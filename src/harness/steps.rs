//! What every dApp-suite runner does the same way, whatever the protocol: the early end of a
//! case as a verdict and a reason, network failures mapped to verdicts, the case's QR source
//! and a fresh QR text from it (a URL or a command) under the target's limits, a peer's reply
//! read as a JSON object, and waiting out a QR code's expiry.

use std::time::Duration;

use serde_json::Value;

use super::catalogue::{Case, Catalogue};
use super::target::{DappTarget, Limits, QrSource};
use super::Verdict;
use crate::clock::Clock;
use crate::net::{HttpClient, HttpError, HttpReply};
use crate::transcript;

/// An early end of a case: its verdict and reason.
pub type Stop = (Verdict, String);
/// One step of a case: its value, or the case's end.
pub type Step<T> = Result<T, Stop>;

pub fn fail<T>(reason: impl Into<String>) -> Step<T> {
    Err((Verdict::Fail, reason.into()))
}

pub fn error<T>(reason: impl Into<String>) -> Step<T> {
    Err((Verdict::Error, reason.into()))
}

pub fn skip<T>(reason: impl Into<String>) -> Step<T> {
    Err((Verdict::Skipped, reason.into()))
}

/// Checks that every case of a dApp catalogue names one of `plays` and one of `sources`.
pub fn check_plays_and_sources(
    catalogue: &Catalogue,
    plays: &[&str],
    sources: &[(&str, &str)],
) -> Result<(), String> {
    for case in &catalogue.cases {
        if !plays.contains(&case.play.as_str()) {
            return Err(format!("case `{}`: unknown play `{}`", case.id, case.play));
        }
        let source = case.source.as_deref().unwrap_or("");
        if !sources.iter().any(|(s, _)| *s == source) {
            return Err(format!(
                "case `{}`: unknown or missing source `{source}`",
                case.id
            ));
        }
    }
    Ok(())
}

/// The target's QR source that `case` names, or a SKIP saying which source is missing and
/// what it must produce.
pub fn case_source<'a>(target: &'a DappTarget, case: &Case) -> Step<&'a QrSource> {
    let wanted = case.source.as_deref().unwrap_or("");
    target.sources.get(wanted).ok_or_else(|| {
        let what = target
            .protocol
            .sources()
            .iter()
            .find(|(s, _)| *s == wanted)
            .map_or("", |(_, what)| *what);
        (
            Verdict::Skipped,
            format!("the target declares no QR source `{wanted}` ({what})"),
        )
    })
}

/// A network failure as a verdict (H-6): too slow is TIMEOUT; everything else the peer did
/// on the wire is its FAIL: a refused or reset connection, garbage instead of HTTP, a body
/// over the cap, a URL it gave that is malformed or on an origin the target does not declare.
/// A QR source that cannot be reached at all is caught once, before the first case
/// ([`preflight`]), as the harness's set-up ERROR. A failed TLS handshake is an ERROR too:
/// no clause puts a duty on certificates, and the harness cannot tell a peer's bad
/// certificate from a CA it was not given (`--ca-cert`).
pub fn network(step: &str, e: HttpError) -> Stop {
    match e {
        HttpError::Timeout { .. } => (Verdict::Timeout, format!("{step}: {e}")),
        HttpError::Tls { .. } => (Verdict::Error, format!("{step}: {e}")),
        HttpError::OriginNotAllowed { .. }
        | HttpError::BadUrl { .. }
        | HttpError::Transport { .. }
        | HttpError::TooLarge { .. } => (Verdict::Fail, format!("{step}: {e} (H-6)")),
    }
}

/// Checks, before the first case, that every URL source of `target` accepts a connection
/// (and, for `https://`, completes a TLS handshake with the certificates the run trusts), so
/// that a back end that is not running, or whose certificate the harness was not told to
/// trust, is one set-up error, not one per case. Names the first source that fails.
pub async fn preflight(target: &DappTarget) -> Result<(), String> {
    for (key, source) in &target.sources {
        let QrSource::Url(url) = source else { continue };
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| format!("the QR source `{key}` ({url}) is not a URL: {e}"))?;
        let host = parsed.host_str().unwrap_or_default().to_string();
        let port = parsed.port_or_known_default().unwrap_or(80);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if parsed.scheme() == "https" {
            use crate::net::tls::{client_config, handshake, HandshakeError};
            let config = client_config(target.ca_cert.as_ref());
            let failed = match handshake(host, port, config, target.limits.timeout).await {
                Ok(()) => continue,
                Err(HandshakeError::Connect(e)) => format!(
                    "the QR source `{key}` ({url}) cannot be reached: {e}; is the back end running? Nothing was judged"
                ),
                Err(HandshakeError::Timeout(timeout)) => format!(
                    "the QR source `{key}` ({url}) did not complete a TLS handshake within {:.1} s; is the back end running? Nothing was judged",
                    timeout.as_secs_f64()
                ),
                Err(HandshakeError::Tls(reason)) => format!(
                    "the TLS handshake with the QR source `{key}` ({url}) failed: {reason}; the harness trusts the operating system's root certificates and those of --ca-cert or the target's ca_cert. Nothing was judged"
                ),
            };
            return Err(failed);
        }
        let connect = tokio::net::TcpStream::connect((host, port));
        match tokio::time::timeout(target.limits.timeout, connect).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                return Err(format!(
                    "the QR source `{key}` ({url}) cannot be reached: {e}; is the back end running? Nothing was judged"
                ))
            }
            Err(_) => {
                return Err(format!(
                    "the QR source `{key}` ({url}) did not accept a connection within {:.1} s; is the back end running? Nothing was judged",
                    target.limits.timeout.as_secs_f64()
                ))
            }
        }
    }
    Ok(())
}

/// A peer's body for a reason: lossy UTF-8, trimmed, at most 160 characters.
pub fn abbreviate(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    if text.chars().count() > 160 {
        format!("{}…", text.chars().take(160).collect::<String>())
    } else {
        text.to_string()
    }
}

/// A peer's reply to a post, read as a JSON object: the exchange is observed, and a
/// redirect, a server error or a body that is not a JSON object is a FAIL. `who` names the
/// peer in the reasons ("the callback"), `clause` the clause a bad reply breaks, and `shape`
/// what replies must be ("JSON envelopes").
pub fn reply_object(reply: &HttpReply, who: &str, clause: &str, shape: &str) -> Step<Value> {
    let status = reply.status;
    transcript::observe(format!(
        "{who} answered HTTP {status}: {}",
        abbreviate(&reply.body)
    ));
    if (300..400).contains(&status) {
        return fail(format!(
            "{who} answered a redirect (HTTP {status}) instead of a reply; redirects are not followed ({clause})"
        ));
    }
    if status >= 500 {
        return fail(format!(
            "{who} answered HTTP {status}: {} ({clause}: replies are {shape})",
            abbreviate(&reply.body)
        ));
    }
    match serde_json::from_slice(&reply.body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => fail(format!(
            "the reply (HTTP {status}) is not a JSON object ({clause}): {}",
            abbreviate(&reply.body)
        )),
    }
}

/// The instant by which a QR code whose `expire` (or `expired`) is the Unix second `expire`
/// has expired on any clock within `skew_secs` of ours: the end of that second (a back end
/// comparing whole seconds sees `now > expire` only then) plus the skew. Exact to the
/// millisecond; `expire` comes from the peer and the skew from a target file, so neither may
/// overflow.
pub fn expiry_deadline(expire: u64, skew_secs: u64) -> Duration {
    Duration::from_secs(expire.saturating_add(1).saturating_add(skew_secs))
}

/// Waits on `clock` until [`expiry_deadline`] has passed, or skips the case when that is
/// longer than the run may wait. On a virtual clock (an in-process reference) the time
/// passes at once; on the system clock the run sleeps until the deadline, to the millisecond.
pub async fn wait_for_expiry(expire: u64, limits: &Limits, clock: &Clock) -> Step<()> {
    let deadline = expiry_deadline(expire, limits.clock_skew_secs);
    let wait = deadline.saturating_sub(clock.now());
    if wait > limits.max_expiry_wait {
        return skip(format!(
            "the QR code expires in {:.1} s (plus {} s of allowed clock skew), longer than the {} s the run may wait (limits.max_expiry_wait_secs)",
            wait.saturating_sub(Duration::from_secs(limits.clock_skew_secs.saturating_add(1)))
                .as_secs_f64(),
            limits.clock_skew_secs,
            limits.max_expiry_wait.as_secs()
        ));
    }
    clock.wait_until(deadline).await;
    Ok(())
}

/// QR texts fetched before the run's first case for the cases that wait for expiry, so
/// that their QR codes' lifetimes pass while the other cases run; each is taken once, by its
/// case. A fetch that fails here is left to the case, which fetches again and judges.
#[derive(Debug, Default)]
pub struct Prefetched(std::sync::Mutex<std::collections::HashMap<String, String>>);

impl Prefetched {
    /// Fetches the QR texts of the selected expiry cases (`play = "expired"`).
    pub async fn fill(&self, http: &HttpClient, target: &DappTarget, cases: &[Case], clause: &str) {
        for case in cases.iter().filter(|c| c.play == "expired") {
            let Ok(source) = case_source(target, case) else {
                continue;
            };
            if let Ok(text) = qr_text(http, source, &target.limits, clause).await {
                self.0
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(case.id.clone(), text);
            }
        }
    }

    /// The QR text fetched ahead for `case`, once.
    pub fn take(&self, case: &Case) -> Option<String> {
        let text = self
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&case.id)?;
        transcript::observe(
            "the QR code was fetched before the run's first case, so its lifetime passed while other cases ran",
        );
        Some(text)
    }
}

/// A fresh QR text from `source`: the body of a GET, or a command's standard output, trimmed.
/// `clause` names the profile clause a non-UTF-8 text breaks.
pub async fn qr_text(
    http: &HttpClient,
    source: &QrSource,
    limits: &Limits,
    clause: &str,
) -> Step<String> {
    let bytes = match source {
        QrSource::Url(url) => {
            let reply = http
                .get(url)
                .await
                .map_err(|e| network("fetching the QR code", e))?;
            if reply.status != 200 {
                return fail(format!(
                    "the QR source {url} answered HTTP {} instead of a QR text (H-6): {}",
                    reply.status,
                    abbreviate(&reply.body)
                ));
            }
            reply.body
        }
        QrSource::Command(argv) => run_command(argv, limits).await?,
    };
    String::from_utf8(bytes)
        .map(|t| t.trim().to_string())
        .or_else(|e| fail(format!("the QR text is not UTF-8 ({clause}): {e}")))
}

/// A command's whole process group, killed when this is dropped: a case that ends (done,
/// timed out, or stopped by a signal) leaves no child or grandchild of a QR or driver
/// command running. The command must have been started in its own group
/// ([`own_process_group`]).
pub(crate) struct ProcessGroup(Option<u32>);

impl ProcessGroup {
    pub(crate) fn of(child: &tokio::process::Child) -> Self {
        ProcessGroup(child.id())
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(pgid) = self.0.and_then(|id| i32::try_from(id).ok()) {
            // SAFETY: kill(2) takes plain integers; a group that has already exited makes
            // it fail with ESRCH, which is ignored.
            unsafe {
                libc::kill(-pgid, libc::SIGKILL);
            }
        }
    }
}

/// Starts `command` in a process group of its own, so [`ProcessGroup`] can end it with its
/// children.
pub(crate) fn own_process_group(command: &mut tokio::process::Command) {
    #[cfg(unix)]
    command.process_group(0);
    #[cfg(not(unix))]
    let _ = command;
}

async fn run_command(argv: &[String], limits: &Limits) -> Step<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let Some(program) = argv.first() else {
        return error("the QR command is empty");
    };
    let mut command = tokio::process::Command::new(program);
    command
        .args(&argv[1..])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        // Nothing reads its standard error: a pipe would fill and stall a chatty command.
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    own_process_group(&mut command);
    let mut child = command
        .spawn()
        .or_else(|e| error(format!("the QR command `{program}` cannot start: {e}")))?;
    let _group = ProcessGroup::of(&child);
    let limit = limits.max_body;
    let mut stdout = child.stdout.take().ok_or((
        Verdict::Error,
        "the QR command has no standard output".to_string(),
    ))?;
    let read = async {
        let mut out = Vec::new();
        (&mut stdout)
            .take((limit as u64).saturating_add(1))
            .read_to_end(&mut out)
            .await
            .map(|_| out)
    };
    let out = match tokio::time::timeout(limits.timeout, read).await {
        Err(_) => {
            return Err((
                Verdict::Timeout,
                format!(
                    "the QR command `{program}` did not finish within {:.1} s",
                    limits.timeout.as_secs_f64()
                ),
            ))
        }
        Ok(Err(e)) => return error(format!("reading the QR command's output: {e}")),
        Ok(Ok(out)) => out,
    };
    if out.len() > limit {
        return fail(format!("the QR command printed more than {limit} bytes"));
    }
    let status = tokio::time::timeout(limits.timeout, child.wait())
        .await
        .map_err(|_| (Verdict::Timeout, "the QR command did not exit".to_string()))?
        .or_else(|e| error(format!("waiting for the QR command: {e}")))?;
    if !status.success() {
        return error(format!("the QR command `{program}` exited with {status}"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_abbreviated_on_a_character_boundary() {
        let text = "é".repeat(200);
        let short = abbreviate(text.as_bytes());
        assert_eq!(short.chars().count(), 161);
        assert!(short.ends_with('…'));
        assert_eq!(abbreviate(b"  ok \n"), "ok");
    }

    #[test]
    fn a_case_whose_source_the_target_lacks_is_skipped_naming_what_it_needs() {
        let catalogue = crate::harness::simplewallet::DAPP.embedded_catalogue();
        let case = catalogue
            .cases
            .iter()
            .find(|c| c.source.as_deref() == Some("sign"))
            .expect("a sign case");
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let mut target = DappTarget {
            name: "t".into(),
            version: "1".into(),
            protocol: crate::harness::target::DappProtocol::SimpleWallet,
            sources: Default::default(),
            status: None,
            restart: None,
            allowed_origins: Vec::new(),
            node_rest: loopback,
            node_rpc: loopback,
            node_eos: loopback,
            limits: Limits::default(),
            ca_cert: None,
        };
        let (verdict, reason) = case_source(&target, case).unwrap_err();
        assert_eq!(verdict, Verdict::Skipped);
        assert!(
            reason.contains("`sign` (a MYKEY sign QR (message, notifyUrl))"),
            "{reason}"
        );
        let source = QrSource::Url("http://127.0.0.1:1/qr/sign".into());
        target.sources.insert("sign".into(), source.clone());
        assert_eq!(case_source(&target, case), Ok(&source));
    }

    #[tokio::test]
    async fn an_expiry_wait_near_the_end_of_time_does_not_overflow() {
        let limits = Limits {
            clock_skew_secs: u64::MAX,
            ..Limits::default()
        };
        for clock in [Clock::system(), Clock::virtual_shared()] {
            let (verdict, _) = wait_for_expiry(u64::MAX, &limits, &clock)
                .await
                .unwrap_err();
            assert_eq!(verdict, Verdict::Skipped);
        }
    }

    #[tokio::test]
    async fn an_expiry_wait_ends_just_after_the_expire_second_plus_the_skew() {
        let limits = Limits {
            clock_skew_secs: 2,
            max_expiry_wait: std::time::Duration::from_secs(3600),
            ..Limits::default()
        };
        let clock = Clock::virtual_shared();
        let expire = clock.unix_secs() + 60;
        wait_for_expiry(expire, &limits, &clock).await.unwrap();
        // The whole `expire` second and the skew have passed, and not a second more.
        let now = clock.now();
        assert!(now >= expiry_deadline(expire, 2));
        assert!(now < expiry_deadline(expire, 2) + std::time::Duration::from_millis(2));
        assert_eq!(expiry_deadline(expire, 2).as_secs(), expire + 3);
        // Too long a wait is a skip that says how long, not a sleep.
        let short = Limits {
            max_expiry_wait: std::time::Duration::from_secs(10),
            ..limits
        };
        let (verdict, reason) = wait_for_expiry(clock.unix_secs() + 100, &short, &clock)
            .await
            .unwrap_err();
        assert_eq!(verdict, Verdict::Skipped);
        assert!(reason.contains("longer than the 10 s"), "{reason}");
    }

    #[tokio::test]
    async fn a_command_source_gives_its_output_and_a_failing_one_an_error() {
        let limits = Limits::default();
        let http = HttpClient::new(crate::net::ClientLimits {
            connect: limits.timeout,
            request: limits.timeout,
            max_body: limits.max_body,
        });
        let echo = QrSource::Command(vec!["echo".into(), " {\"a\":1} ".into()]);
        assert_eq!(
            qr_text(&http, &echo, &limits, "SW-T1").await,
            Ok("{\"a\":1}".to_string())
        );
        // A command that writes much to standard error still gives its QR text.
        let chatty = QrSource::Command(vec![
            "sh".into(),
            "-c".into(),
            "head -c 300000 /dev/zero >&2; echo '{}'".into(),
        ]);
        assert_eq!(
            qr_text(&http, &chatty, &limits, "SW-T1").await,
            Ok("{}".to_string())
        );
        let missing = QrSource::Command(vec!["/nonexistent/qr-command".into()]);
        let (verdict, reason) = qr_text(&http, &missing, &limits, "SW-T1")
            .await
            .unwrap_err();
        assert_eq!(verdict, Verdict::Error);
        assert!(reason.contains("cannot start"), "{reason}");
    }
}
