//! Interactive mode's web view: one self-contained page, served on a loopback address, that
//! shows the case a person is playing — its id and title, its QR code large, the QR text,
//! the decision to take and why, the time left — with what has happened in the case so far
//! (the QR code shown, callbacks arriving, the wait ending, the verdict) and the run's tally.
//! The page polls a small JSON state ([`STATE_PATH`]) every [`POLL_MS`] and updates itself; a
//! phone scans a large, steady image far more easily than a code drawn in a terminal. The
//! page is read-only: the person still answers in the terminal.
//!
//! A [`WebView`] is the shared state. The CLI serves it ([`serve`]) and wraps the suite's
//! runner in an [`Observed`] runner, which makes the view current for each case (a
//! task-local, as the transcript is) and concludes the case with its outcome; the wallet
//! steps tell the current view ([`current`]) what they show and what arrives.
//!
//! Nothing the peer sent is trusted here either: every text is cut to [`MAX_TEXT_CHARS`] and
//! shown with control characters escaped (as in the terminal), the state keeps the last
//! [`MAX_EVENTS`] events of a case, the first render is HTML-escaped and later ones set
//! `textContent` only, the JSON writes `<`, `>` and `&` as `\u` escapes, every answer carries
//! a strict Content-Security-Policy (the inline script and style by hash, nothing external),
//! only `GET` is served, and a `Host` that is neither an IP literal nor `localhost` is refused
//! (a web page elsewhere cannot reach the view through DNS rebinding). The server is the
//! crate's ([`crate::net::serve`]): header-read timeout, connection cap and age.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::catalogue::{Case, Expect};
use super::harness_dapp::HarnessDapp;
use super::run::Runner;
use super::suite::BoxFuture;
use super::{CaseOutcome, Verdict};
use crate::escape::escape_controls;
use crate::net::{serve as serve_router, ServerHandle};

/// How often the page asks for the state, in milliseconds.
pub const POLL_MS: u64 = 500;

/// How many events of the current case the state keeps; older ones are dropped and counted.
pub const MAX_EVENTS: usize = 32;

/// The longest text the state keeps (a title, a reason, an event); longer ones are cut with
/// `…`. A QR text is never longer than a QR code holds ([`crate::render::MAX_QR_BYTES`]).
pub const MAX_TEXT_CHARS: usize = 4000;

/// The page.
pub const PAGE_PATH: &str = "/";
/// The JSON state the page polls.
pub const STATE_PATH: &str = "/state.json";
/// The current case's QR code as SVG (a blank square while none is shown).
pub const QR_PATH: &str = "/qr.svg";

/// How long the page waits for one poll before it says it is not connected.
const POLL_TIMEOUT_MS: u64 = 2000;

tokio::task_local! {
    static CURRENT: WebView;
}

/// The view of the case being played, if the run shows one (`--web`).
pub fn current() -> Option<WebView> {
    CURRENT.try_with(WebView::clone).ok()
}

/// Adds an event to the current view's case, if the run shows one.
pub fn note_current(text: &str) {
    if let Some(view) = current() {
        view.note(text);
    }
}

/// The shared state of the page: cheap to clone, every clone the same view.
#[derive(Clone, Default)]
pub struct WebView {
    state: Arc<Mutex<ViewState>>,
}

impl std::fmt::Debug for WebView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebView")
    }
}

#[derive(Default)]
struct ViewState {
    /// Bumps whenever the QR code changes, so the page fetches the new image.
    qr_seq: u64,
    /// The cases the run selected, when known.
    planned: Option<usize>,
    case: Option<CaseState>,
    tally: Tally,
    /// The case concluded before the current one.
    last: Option<Concluded>,
}

struct CaseState {
    id: String,
    title: String,
    clauses: Vec<String>,
    approve: bool,
    decision: &'static str,
    why: String,
    /// The QR text as shown (control characters escaped), once shown.
    qr_text: Option<String>,
    /// The QR code as SVG, once shown.
    svg: Option<String>,
    /// When the person's wait ends.
    deadline: Option<Instant>,
    wait: Option<Duration>,
    started: Instant,
    status: String,
    events: VecDeque<Event>,
    dropped_events: u64,
    verdict: Option<Concluded>,
}

#[derive(Clone, Serialize)]
struct Event {
    /// Milliseconds since the case began.
    at_ms: u64,
    text: String,
}

#[derive(Clone, Serialize)]
struct Concluded {
    id: String,
    verdict: Verdict,
    reason: String,
}

#[derive(Default, Clone, Copy, Serialize)]
#[serde(rename_all = "UPPERCASE")]
struct Tally {
    pass: usize,
    fail: usize,
    warning: usize,
    skipped: usize,
    timeout: usize,
    error: usize,
    review: usize,
}

impl Tally {
    fn add(&mut self, verdict: Verdict) {
        let count = match verdict {
            Verdict::Pass => &mut self.pass,
            Verdict::Fail => &mut self.fail,
            Verdict::Warning => &mut self.warning,
            Verdict::Skipped => &mut self.skipped,
            Verdict::Timeout => &mut self.timeout,
            Verdict::Error => &mut self.error,
            Verdict::Review => &mut self.review,
        };
        *count += 1;
    }

    fn done(&self) -> usize {
        self.pass
            + self.fail
            + self.warning
            + self.skipped
            + self.timeout
            + self.error
            + self.review
    }

    /// The tally in words. A negative case's twin runs too when it was not selected, so
    /// the count done can pass the count selected.
    fn line(&self, planned: Option<usize>) -> String {
        let of = planned.map_or(String::new(), |n| format!(" ({n} selected)"));
        format!(
            "{} done{of}: {} PASS, {} FAIL, {} WARNING, {} SKIPPED, {} TIMEOUT, {} ERROR, {} REVIEW",
            self.done(),
            self.pass,
            self.fail,
            self.warning,
            self.skipped,
            self.timeout,
            self.error,
            self.review
        )
    }
}

/// The JSON the page polls.
#[derive(Serialize)]
struct Snapshot {
    qr_seq: u64,
    planned: Option<usize>,
    done: usize,
    tally: Tally,
    tally_line: String,
    case: Option<CaseSnapshot>,
    last: Option<Concluded>,
}

#[derive(Serialize)]
struct CaseSnapshot {
    id: String,
    title: String,
    clauses: Vec<String>,
    approve: bool,
    decision: &'static str,
    why: String,
    qr_text: Option<String>,
    /// Milliseconds left of the person's wait, when a QR code is shown.
    remaining_ms: Option<u64>,
    wait_ms: Option<u64>,
    status: String,
    events: Vec<Event>,
    dropped_events: u64,
    verdict: Option<Concluded>,
}

/// `text` with control characters escaped, cut to [`MAX_TEXT_CHARS`].
fn shown(text: &str) -> String {
    let escaped = escape_controls(text);
    if escaped.chars().count() > MAX_TEXT_CHARS {
        let mut cut: String = escaped.chars().take(MAX_TEXT_CHARS).collect();
        cut.push('…');
        cut
    } else {
        escaped.into_owned()
    }
}

/// What the person does for `case`, and why.
fn decision_and_why(case: &Case) -> (&'static str, String) {
    const ENTER: &str = "Once the wallet has refused, or you have rejected the request, press \
                         Enter in the terminal.";
    match (case.approve, case.expect) {
        (false, _) => (
            "Reject",
            format!(
                "Scan the QR code, then reject (decline) the request in the wallet. The case \
                 checks that a wallet whose user declines does not act: no success callback, \
                 nothing signed or sent. {ENTER}"
            ),
        ),
        (true, Expect::Reject) => {
            // Why the request is defective (the catalogue's `why`) and the honest case it
            // departs from, so the person knows what the wallet should notice.
            let about: Vec<String> = case
                .why
                .iter()
                .cloned()
                .chain(
                    case.twin
                        .iter()
                        .map(|twin| format!("the negative of {twin}")),
                )
                .collect();
            let about = if about.is_empty() {
                String::new()
            } else {
                format!(" ({})", about.join("; "))
            };
            (
                "Approve if asked",
                format!(
                    "Scan the QR code, and approve if the wallet asks at all. The request is \
                     defective on purpose{about}: a conforming wallet refuses it by itself and \
                     does not act. {ENTER}"
                ),
            )
        }
        (true, Expect::Accept) => (
            "Approve",
            "Scan the QR code, then approve the request in the wallet. A conforming wallet \
             acts on it, and correctly: the case judges its callback and, for a transaction, \
             what reached the mock node. The wait ends when the callback arrives."
                .to_string(),
        ),
        (true, Expect::Any) => (
            "Approve",
            "Scan the QR code, then approve the request in the wallet; the case judges by what \
             the wallet does."
                .to_string(),
        ),
    }
}

impl WebView {
    pub fn new() -> Self {
        WebView::default()
    }

    fn lock(&self) -> MutexGuard<'_, ViewState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many cases the run selected.
    pub fn set_planned(&self, planned: usize) {
        self.lock().planned = Some(planned);
    }

    /// A case begins: its id, title, decision and why; no QR code yet.
    pub fn begin(&self, case: &Case) {
        let (decision, why) = decision_and_why(case);
        let mut state = self.lock();
        state.qr_seq += 1;
        state.case = Some(CaseState {
            id: shown(&case.id),
            title: shown(&case.title),
            clauses: case.clauses.iter().take(32).map(|c| shown(c)).collect(),
            approve: case.approve,
            decision,
            why,
            qr_text: None,
            svg: None,
            deadline: None,
            wait: None,
            started: Instant::now(),
            status: "Preparing the case's QR code".into(),
            events: VecDeque::new(),
            dropped_events: 0,
            verdict: None,
        });
    }

    /// The case's QR code is shown to the person, who has `wait` to act on it. The SVG is
    /// drawn from `qr`, the same text the terminal shows.
    pub fn show_qr(&self, qr: &str, wait: Duration) {
        let svg = crate::render::build_code(qr).map(|code| qr_svg(&code));
        let mut state = self.lock();
        state.qr_seq += 1;
        let Some(case) = state.case.as_mut() else {
            return;
        };
        case.qr_text = Some(shown(qr));
        case.deadline = Some(Instant::now() + wait);
        case.wait = Some(wait);
        let text = match svg {
            Ok(svg) => {
                case.svg = Some(svg);
                format!(
                    "QR code shown: scan it with the wallet ({}); waiting up to {} s",
                    case.decision.to_lowercase(),
                    wait.as_secs()
                )
            }
            Err(e) => {
                case.svg = None;
                format!("the QR code cannot be drawn: {e}")
            }
        };
        push_event(case, &text);
    }

    /// Something happened in the current case: it becomes the status, and an event.
    pub fn note(&self, text: &str) {
        if let Some(case) = self.lock().case.as_mut() {
            push_event(case, text);
        }
    }

    /// The person's wait is over (the case is being judged).
    pub fn wait_over(&self, text: &str) {
        if let Some(case) = self.lock().case.as_mut() {
            case.deadline = None;
            push_event(case, text);
        }
    }

    /// A case ended with `outcome`: the tally counts it.
    pub fn conclude(&self, outcome: &CaseOutcome) {
        let concluded = Concluded {
            id: shown(&outcome.id),
            verdict: outcome.verdict,
            reason: shown(&outcome.reason),
        };
        let mut state = self.lock();
        state.tally.add(outcome.verdict);
        if let Some(case) = state.case.as_mut() {
            if case.id == concluded.id {
                case.deadline = None;
                case.verdict = Some(concluded.clone());
                let text = if concluded.reason.is_empty() {
                    format!("{}", concluded.verdict)
                } else {
                    format!("{}: {}", concluded.verdict, concluded.reason)
                };
                push_event(case, &text);
            }
        }
        state.last = Some(concluded);
    }

    /// The state as the page reads it.
    fn snapshot(&self) -> Snapshot {
        let state = self.lock();
        let now = Instant::now();
        Snapshot {
            qr_seq: state.qr_seq,
            planned: state.planned,
            done: state.tally.done(),
            tally: state.tally,
            tally_line: state.tally.line(state.planned),
            case: state.case.as_ref().map(|case| CaseSnapshot {
                id: case.id.clone(),
                title: case.title.clone(),
                clauses: case.clauses.clone(),
                approve: case.approve,
                decision: case.decision,
                why: case.why.clone(),
                qr_text: case.qr_text.clone(),
                remaining_ms: case
                    .deadline
                    .map(|d| d.saturating_duration_since(now).as_millis() as u64),
                wait_ms: case.wait.map(|w| w.as_millis() as u64),
                status: case.status.clone(),
                events: case.events.iter().cloned().collect(),
                dropped_events: case.dropped_events,
                verdict: case.verdict.clone(),
            }),
            last: state.last.clone(),
        }
    }

    /// The JSON state, with `<`, `>` and `&` written as `\u` escapes so that no browser can
    /// take any of it for markup.
    pub fn state_json(&self) -> String {
        let json = serde_json::to_string(&self.snapshot()).unwrap_or_else(|_| "{}".into());
        json.replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }

    /// The current QR code as SVG, or a blank square while none is shown.
    pub fn qr_svg(&self) -> String {
        self.lock()
            .case
            .as_ref()
            .and_then(|case| case.svg.clone())
            .unwrap_or_else(|| {
                r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 29 29"><rect width="29" height="29" fill="#eeeeee"/></svg>"##.to_string()
            })
    }

    /// The page, with the current state rendered in (HTML-escaped) so that it is whole on
    /// its first paint; the script keeps it current.
    pub fn page(&self) -> String {
        let s = self.snapshot();
        let case = s.case.as_ref();
        let text = |f: fn(&CaseSnapshot) -> String, none: &str| {
            html_escape(&case.map_or(none.to_string(), f))
        };
        let events: String = case
            .map(|c| {
                c.events
                    .iter()
                    .map(|e| format!("<li>{}</li>", html_escape(&event_line(e))))
                    .collect()
            })
            .unwrap_or_default();
        let decision_class = match case.map(|c| c.approve) {
            Some(true) => "approve",
            Some(false) => "reject",
            None => "",
        };
        fill(
            PAGE,
            &[
                ("STYLE", STYLE.to_string()),
                ("SCRIPT", script().to_string()),
                ("QR_SEQ", s.qr_seq.to_string()),
                ("DECISION_CLASS", decision_class.to_string()),
                (
                    "CASE_ID",
                    text(|c| c.id.clone(), "waiting for the first case"),
                ),
                ("TITLE", text(|c| c.title.clone(), "")),
                ("CLAUSES", text(|c| c.clauses.join(", "), "")),
                ("DECISION", text(|c| c.decision.to_string(), "")),
                ("WHY", text(|c| c.why.clone(), "")),
                ("STATUS", text(|c| c.status.clone(), "")),
                ("COUNTDOWN", html_escape(&countdown(case))),
                (
                    "QR_TEXT",
                    text(|c| c.qr_text.clone().unwrap_or_default(), ""),
                ),
                ("EVENTS", events),
                ("TALLY", html_escape(&s.tally_line)),
                (
                    "LAST",
                    html_escape(&s.last.as_ref().map_or(String::new(), last_line)),
                ),
            ],
        )
    }
}

/// `template` with each `{{KEY}}` replaced by its value, in one pass (a value that itself
/// holds `{{KEY}}` stays as it is).
fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 4096);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").and_then(|end| {
            values
                .iter()
                .find(|(k, _)| *k == &after[..end])
                .map(|(_, v)| (end, v))
        }) {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn push_event(case: &mut CaseState, text: &str) {
    let text = shown(text);
    while case.events.len() >= MAX_EVENTS {
        case.events.pop_front();
        case.dropped_events += 1;
    }
    case.events.push_back(Event {
        at_ms: case.started.elapsed().as_millis() as u64,
        text: text.clone(),
    });
    case.status = text;
}

fn event_line(event: &Event) -> String {
    format!("{:.1} s: {}", event.at_ms as f64 / 1000.0, event.text)
}

fn last_line(last: &Concluded) -> String {
    if last.reason.is_empty() {
        format!("Last case: {} {}", last.id, last.verdict)
    } else {
        format!("Last case: {} {}: {}", last.id, last.verdict, last.reason)
    }
}

fn countdown(case: Option<&CaseSnapshot>) -> String {
    match case.and_then(|c| c.remaining_ms) {
        Some(ms) => format!("{} s", ms.div_ceil(1000)),
        None => "–".into(),
    }
}

/// `text` safe between tags and in a quoted attribute.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A QR code as SVG that scales to whatever size the page gives it (a view box, one path of
/// dark modules on a white square with the standard quiet zone).
fn qr_svg(code: &qrcode::QrCode) -> String {
    let width = code.width();
    let quiet = crate::render::QUIET_ZONE;
    let side = width + 2 * quiet;
    let mut path = String::new();
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let _ = write!(path, "M{} {}h1v1h-1z", i % width + quiet, i / width + quiet);
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#ffffff"/><path fill="#000000" d="{path}"/></svg>"##
    )
}

/// The Content-Security-Policy of every answer: nothing but this origin's image and state,
/// and the page's own inline script and style, named by their hashes.
pub fn content_security_policy() -> String {
    let hash = |text: &str| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text));
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src 'self'; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hash(script()),
        hash(STYLE)
    )
}

/// Whether `addr` may serve the view without `--web-lan`: loopback only, since the page
/// shows every QR code and its case's token.
pub fn is_loopback(addr: SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// Serves `view` on `addr` (port 0 picks a free port) until the handle is shut down or
/// dropped.
pub async fn serve(addr: SocketAddr, view: WebView) -> Result<ServerHandle, String> {
    let csp = HeaderValue::from_str(&content_security_policy())
        .map_err(|e| format!("the web view's Content-Security-Policy: {e}"))?;
    let router = Router::new()
        .route(PAGE_PATH, get(page))
        .route(STATE_PATH, get(state))
        .route(QR_PATH, get(qr))
        .fallback(not_found)
        .layer(middleware::from_fn(move |request, next| {
            guard(csp.clone(), request, next)
        }))
        .with_state(view);
    serve_router(addr, router).await
}

async fn page(State(view): State<WebView>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        view.page(),
    )
        .into_response()
}

async fn state(State(view): State<WebView>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        view.state_json(),
    )
        .into_response()
}

async fn qr(State(view): State<WebView>) -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml")], view.qr_svg()).into_response()
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

/// Whether a `Host` header names this machine by an IP literal or `localhost`: a DNS name
/// could be rebound to the view's address by a page elsewhere, so none is answered.
fn host_is_literal(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((v6, port)) => {
                return v6.parse::<std::net::Ipv6Addr>().is_ok()
                    && (port.is_empty()
                        || port
                            .strip_prefix(':')
                            .is_some_and(|p| p.parse::<u16>().is_ok()));
            }
            None => return false,
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) if port.parse::<u16>().is_ok() => name,
            Some(_) => return false,
            None => host,
        },
    };
    name.eq_ignore_ascii_case("localhost") || name.parse::<IpAddr>().is_ok()
}

/// Refuses other `Host`s, and sets the security headers on every answer.
async fn guard(csp: HeaderValue, request: Request, next: Next) -> Response {
    let host_ok = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(host_is_literal);
    let mut response = if host_ok {
        next.run(request).await
    } else {
        (
            StatusCode::FORBIDDEN,
            "the web view answers only requests to an IP address or localhost\n",
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// Hands `work` (the driver's scan) on, telling `view` of each callback the case's token
/// receives meanwhile (the last [`crate::harness::harness_dapp::MAX_RECEIVED_PER_CASE`]).
pub async fn narrate<T>(
    view: &WebView,
    harness: &HarnessDapp,
    token: &str,
    work: impl Future<Output = T>,
) -> T {
    let watch = async {
        let mut seen = 0;
        loop {
            let arrived = harness
                .wait_for_callbacks(token, seen + 1, Duration::from_secs(24 * 3600))
                .await;
            let callbacks = harness.callbacks(token);
            if !arrived || callbacks.len() <= seen {
                // The record is full (or the wait ran out): nothing more to tell.
                std::future::pending::<()>().await;
            }
            for callback in callbacks.iter().skip(seen) {
                seen += 1;
                view.note(&format!(
                    "callback {seen} arrived: {} {} ({}, {} bytes{})",
                    callback.method,
                    callback.path,
                    callback
                        .content_type
                        .as_deref()
                        .unwrap_or("no content type"),
                    callback.body.len(),
                    if callback.truncated { ", cut" } else { "" }
                ));
            }
        }
    };
    tokio::select! {
        out = work => out,
        () = watch => unreachable!("the watch never ends"),
    }
}

/// A runner that shows each case on a [`WebView`]: the view is current while the case runs,
/// and the outcome goes into its tally.
pub struct Observed {
    inner: Arc<dyn Runner>,
    view: WebView,
}

impl Observed {
    pub fn new(inner: Arc<dyn Runner>, view: WebView) -> Self {
        Observed { inner, view }
    }
}

impl Runner for Observed {
    fn run<'a>(&'a self, case: &'a Case) -> BoxFuture<'a, CaseOutcome> {
        Box::pin(async move {
            self.view.begin(case);
            let outcome = CURRENT.scope(self.view.clone(), self.inner.run(case)).await;
            self.view.conclude(&outcome);
            outcome
        })
    }

    fn prepare<'a>(&'a self, cases: &'a [Case]) -> BoxFuture<'a, ()> {
        self.inner.prepare(cases)
    }

    fn endpoints(&self) -> Vec<(String, String)> {
        self.inner.endpoints()
    }

    fn banner(&self) -> String {
        self.inner.banner()
    }

    fn stop(self: Arc<Self>) -> BoxFuture<'static, ()> {
        match Arc::try_unwrap(self) {
            Ok(observed) => observed.inner.stop(),
            Err(_) => Box::pin(async {}),
        }
    }
}

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>qrconform: interactive wallet run</title>
<style>{{STYLE}}</style>
</head>
<body data-qr-seq="{{QR_SEQ}}">
<main>
<section id="code"><img id="qr" src="/qr.svg?seq={{QR_SEQ}}" alt="the case's QR code"></section>
<section id="info">
<p id="conn" class="muted">Not live yet</p>
<h1 id="case-id">{{CASE_ID}}</h1>
<p id="title">{{TITLE}}</p>
<p class="muted">Clauses: <span id="clauses">{{CLAUSES}}</span></p>
<p id="decision" class="decision {{DECISION_CLASS}}">{{DECISION}}</p>
<p id="why">{{WHY}}</p>
<p class="big">Time left: <strong id="countdown">{{COUNTDOWN}}</strong></p>
<p>Status: <strong id="status">{{STATUS}}</strong></p>
<ol id="events">{{EVENTS}}</ol>
<h2>QR text</h2>
<pre id="qr-text">{{QR_TEXT}}</pre>
<h2>Run</h2>
<p id="tally">{{TALLY}}</p>
<p id="last" class="muted">{{LAST}}</p>
<p class="muted">Answer in the terminal; this page only shows the run.</p>
</section>
</main>
<script>{{SCRIPT}}</script>
</body>
</html>
"#;

const STYLE: &str = "
body { margin: 0; font: 16px/1.4 system-ui, sans-serif; background: #f4f4f4; color: #111; }
main { display: flex; flex-wrap: wrap; gap: 16px; padding: 16px; }
#code { flex: 0 0 auto; align-self: flex-start; background: #fff; padding: 8px; }
#qr { display: block; width: min(88vh, 56vw, 900px); height: auto; aspect-ratio: 1; }
#info { flex: 1 1 320px; min-width: 0; }
h1 { font-size: 22px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 16px; margin: 16px 0 4px; }
.muted { color: #555; font-size: 14px; }
.big { font-size: 20px; }
.decision { font-size: 28px; font-weight: bold; margin: 8px 0; }
.decision.approve { color: #0a6b1f; }
.decision.reject { color: #a4120c; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #fff; padding: 8px; max-height: 30vh; overflow: auto; font-size: 12px; }
#events { font-size: 14px; max-height: 25vh; overflow: auto; }
";

/// The page's script, with the poll period and timeout written in.
fn script() -> &'static str {
    static SCRIPT_TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SCRIPT_TEXT.get_or_init(|| {
        SCRIPT_TEMPLATE
            .replace("POLL_MS", &POLL_MS.to_string())
            .replace("POLL_TIMEOUT", &POLL_TIMEOUT_MS.to_string())
    })
}

const SCRIPT_TEMPLATE: &str = "
(function () {
  'use strict';
  var qrSeq = Number(document.body.getAttribute('data-qr-seq'));
  var deadline = null;
  var shownLines = '';
  function el(id) { return document.getElementById(id); }
  function set(id, text) {
    var e = el(id);
    if (e.textContent !== text) { e.textContent = text; }
  }
  function tick() {
    if (deadline === null) { set('countdown', '\\u2013'); return; }
    var left = Math.max(0, deadline - Date.now());
    set('countdown', Math.ceil(left / 1000) + ' s');
  }
  function render(s) {
    var c = s.case;
    if (c) {
      set('case-id', c.id);
      set('title', c.title);
      set('clauses', c.clauses.join(', '));
      set('decision', c.decision);
      el('decision').className = 'decision ' + (c.approve ? 'approve' : 'reject');
      set('why', c.why);
      set('status', c.status);
      set('qr-text', c.qr_text === null ? '' : c.qr_text);
      deadline = c.remaining_ms === null ? null : Date.now() + c.remaining_ms;
      var list = el('events');
      var lines = c.events.map(function (e) { return (e.at_ms / 1000).toFixed(1) + ' s: ' + e.text; });
      if (c.dropped_events > 0) { lines.unshift(c.dropped_events + ' earlier events not kept'); }
      if (shownLines !== JSON.stringify(lines)) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        lines.forEach(function (line) {
          var item = document.createElement('li');
          item.textContent = line;
          list.appendChild(item);
        });
        shownLines = JSON.stringify(lines);
      }
    }
    set('tally', s.tally_line);
    var last = s.last;
    set('last', last ? 'Last case: ' + last.id + ' ' + last.verdict + (last.reason ? ': ' + last.reason : '') : '');
    if (s.qr_seq !== qrSeq) {
      qrSeq = s.qr_seq;
      el('qr').src = '/qr.svg?seq=' + qrSeq;
    }
    tick();
  }
  function poll() {
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, POLL_TIMEOUT);
    fetch('/state.json', { cache: 'no-store', credentials: 'omit', signal: abort.signal })
      .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
      .then(function (s) { render(s); set('conn', 'Live'); })
      .catch(function () {
        deadline = null;
        set('conn', 'Not connected: the run has ended (the terminal has its summary), or the harness cannot be reached');
      })
      .then(function () { clearTimeout(timer); setTimeout(poll, POLL_MS); });
  }
  setInterval(tick, 250);
  poll();
})();
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ip_literals_and_localhost_are_answered() {
        for host in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "localhost:1",
            "LOCALHOST",
            "[::1]:80",
            "[::1]",
            "192.168.1.20:9000",
        ] {
            assert!(host_is_literal(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:80",
            "127.0.0.1.nip.io:80",
            "localhost.evil:1",
            "[::1",
            "[::1]x",
            "127.0.0.1:port",
            "",
        ] {
            assert!(!host_is_literal(host), "{host}");
        }
    }

    #[test]
    fn the_template_is_filled_in_one_pass() {
        let filled = fill(
            "<p>{{A}}</p><p>{{B}}</p>{{UNKNOWN}}{{",
            &[("A", "{{B}}".into()), ("B", "b".into())],
        );
        assert_eq!(filled, "<p>{{B}}</p><p>b</p>{{UNKNOWN}}{{");
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn events_and_texts_stay_bounded() {
        let view = WebView::new();
        let catalogue =
            crate::harness::suite::find("ontology", crate::harness::suite::Role::Wallet)
                .expect("suite")
                .catalogue()
                .expect("catalogue");
        view.begin(&catalogue.cases[0]);
        for i in 0..(MAX_EVENTS * 3) {
            view.note(&format!("{i}: {}", "x".repeat(MAX_TEXT_CHARS * 2)));
        }
        let state: serde_json::Value = serde_json::from_str(&view.state_json()).expect("JSON");
        let events = state["case"]["events"].as_array().expect("events");
        assert_eq!(events.len(), MAX_EVENTS);
        assert_eq!(state["case"]["dropped_events"], (MAX_EVENTS * 2) as u64);
        let last = events.last().expect("an event")["text"]
            .as_str()
            .expect("text");
        assert!(last.starts_with(&format!("{}: ", MAX_EVENTS * 3 - 1)));
        assert_eq!(last.chars().count(), MAX_TEXT_CHARS + 1);
    }
}
