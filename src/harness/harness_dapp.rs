//! The harness dApp for the wallet suite: an axum server that serves each case's invoke
//! payload and receives its callbacks, under a per-case token in the path, and records the
//! requests a case can ask about (method, path, content type, body capped) so that a case can
//! ask "what did the wallet post?" and wait for it with a deadline.
//!
//! Callbacks are answered with a success, in the form the protocol's runner passes to
//! [`HarnessDapp::start`], unless a case sets another [`Answer`] for its token (a refusal, a
//! body that is not JSON, a redirect) to see what the wallet reports when the dApp says no.
//! A case's payload can likewise be served badly ([`PayloadAnswer`]: an error status, a body
//! that is not JSON, a redirect) to see that the wallet then acts on nothing.
//!
//! The record is bounded whatever the wallet sends (profile H-5): only the tokens of cases
//! the harness opened ([`HarnessDapp::open_case`]; the last [`MAX_OPEN_CASES`]) are recorded,
//! each keeping its last [`MAX_RECEIVED_PER_CASE`] requests with bodies cut to
//! [`RECORDED_BODY_BYTES`] and a count of the rest; fetches of the request icon are kept the
//! same way ([`MAX_ICON_FETCHES`]); requests to any other path or token are counted, not
//! stored. Bodies are read as they arrive, so a large one costs no more memory than its
//! kept prefix.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use tokio::sync::watch;

use crate::net::{serve, ServerHandle};

/// How much of a request body the record keeps; larger bodies are kept cut, and marked.
pub const RECORDED_BODY_BYTES: usize = 256 * 1024;

/// The largest request body read at all: a larger one is answered 413 and not recorded.
/// Bytes past [`RECORDED_BODY_BYTES`] are read and discarded, never held.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// How many cases' records the harness dApp keeps: opening one more drops the oldest
/// (suites read a case's record only while the case runs).
pub const MAX_OPEN_CASES: usize = 8;

/// How many requests the record keeps per case; older ones are dropped and counted.
pub const MAX_RECEIVED_PER_CASE: usize = 8;

/// How many fetches of the request icon (`/icon.png`) the record keeps; older ones are
/// dropped and counted.
pub const MAX_ICON_FETCHES: usize = 8;

/// The path of the icon the harness's requests name (`dappIcon`, `icon`).
pub const ICON_PATH: &str = "/icon.png";

/// One request the harness dApp received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The body was longer than [`RECORDED_BODY_BYTES`] and was cut.
    pub truncated: bool,
}

impl Received {
    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The body as a JSON object, or why it cannot be judged as one: cut (longer than the
    /// harness records), or not a JSON object. `what` names the post in the reason, and
    /// `clause` (` (ONT-T7)`, or empty) the clause that makes JSON a MUST.
    pub fn json_object(
        &self,
        what: &str,
        clause: &str,
    ) -> Result<serde_json::Map<String, Value>, String> {
        if self.truncated {
            return Err(format!("the {what} is larger than the harness records"));
        }
        match self.json() {
            Some(Value::Object(body)) => Ok(body),
            _ => Err(format!(
                "the {what} is not a JSON object{clause}: {}",
                super::wallet_steps::shorten(&String::from_utf8_lossy(&self.body))
            )),
        }
    }
}

/// The last requests of one kind, and how many older ones were dropped.
#[derive(Debug, Default, Clone)]
struct Kept {
    received: VecDeque<Received>,
    dropped: u64,
}

impl Kept {
    fn push(&mut self, received: Received, max: usize) {
        while self.received.len() >= max.max(1) {
            self.received.pop_front();
            self.dropped += 1;
        }
        self.received.push_back(received);
    }
}

#[derive(Debug, Default)]
struct Record {
    /// Per open case token.
    by_token: HashMap<String, Kept>,
    /// Open case tokens, oldest first.
    open: VecDeque<String>,
    /// Payloads to serve, per open case token.
    payloads: HashMap<String, Value>,
    /// Answers other than the success, per open case token.
    answers: HashMap<String, Answer>,
    /// Payload answers other than the payload, per open case token.
    payload_answers: HashMap<String, PayloadAnswer>,
    /// Fetches of [`ICON_PATH`].
    icon: Kept,
    /// Requests to other paths or to tokens of no open case: counted, not stored.
    unknown: u64,
}

impl Record {
    fn open(&mut self, token: &str) {
        if self.by_token.contains_key(token) {
            return;
        }
        while self.open.len() >= MAX_OPEN_CASES {
            if let Some(oldest) = self.open.pop_front() {
                self.by_token.remove(&oldest);
                self.payloads.remove(&oldest);
                self.answers.remove(&oldest);
                self.payload_answers.remove(&oldest);
            }
        }
        self.open.push_back(token.to_string());
        self.by_token.insert(token.to_string(), Kept::default());
    }
}

/// What the harness dApp answers a callback with, given the callback's body (`Null` when the
/// body is not JSON).
pub type CallbackReply = fn(&Value) -> Value;

/// How one case's callbacks are answered instead of with the [`CallbackReply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `200` with this JSON body (a protocol's failure reply).
    Json(Value),
    /// `200` with a body that is not JSON, in this content type.
    NotJson {
        content_type: &'static str,
        body: String,
    },
    /// `302 Found` to this location.
    Redirect(String),
}

/// How one case's payload URL is answered instead of with the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadAnswer {
    /// This status, with the case's payload as the body: an error page that still carries a
    /// request, so that a wallet reading bodies whatever their status acts on it.
    Status(u16),
    /// `200` with a body that is not JSON.
    NotJson,
    /// `302 Found` to this location. A fetch whose query is [`MOVED_QUERY`] is served the
    /// payload, so a location naming the payload path with that query is followed once.
    Redirect(String),
}

/// The query a redirected payload fetch carries ([`PayloadAnswer::Redirect`]).
pub const MOVED_QUERY: &str = "moved=1";

#[derive(Debug)]
struct Shared {
    record: Mutex<Record>,
    changed: watch::Sender<u64>,
    reply: CallbackReply,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The running harness dApp.
#[derive(Debug)]
pub struct HarnessDapp {
    shared: Arc<Shared>,
    server: ServerHandle,
    /// The base URL QR codes send wallets to.
    public_url: String,
}

impl HarnessDapp {
    /// Serves the harness dApp on `listen` (port 0 picks a free port); callback URLs point at
    /// `public_url` when given, else at the bound address. Every callback is answered with
    /// `reply` of its body.
    pub async fn start(
        listen: SocketAddr,
        public_url: Option<String>,
        reply: CallbackReply,
    ) -> Result<Self, String> {
        let shared = Arc::new(Shared {
            record: Mutex::new(Record::default()),
            changed: watch::Sender::new(0),
            reply,
        });
        let router = Router::new()
            .route("/payload/{token}", get(payload))
            .route("/callback/{token}", post(callback))
            .fallback(other)
            .with_state(Arc::clone(&shared));
        let server = serve(listen, router).await?;
        let public_url = public_url
            .map(|u| u.trim_end_matches('/').to_string())
            .unwrap_or_else(|| server.base_url());
        Ok(HarnessDapp {
            shared,
            server,
            public_url,
        })
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The callback URL of a case.
    pub fn callback_url(&self, token: &str) -> String {
        format!("{}/callback/{token}", self.public_url)
    }

    /// The payload URL of a case.
    pub fn payload_url(&self, token: &str) -> String {
        format!("{}/payload/{token}", self.public_url)
    }

    /// Opens a case: requests to its token's callback and payload paths are recorded from
    /// now on (requests to tokens of no open case are only counted). Opening more than
    /// [`MAX_OPEN_CASES`] drops the oldest case's record and payload.
    pub fn open_case(&self, token: &str) {
        self.shared.lock().open(token);
    }

    /// Serves `payload` at the case's payload URL (opening the case).
    pub fn set_payload(&self, token: &str, payload: Value) {
        let mut record = self.shared.lock();
        record.open(token);
        record.payloads.insert(token.to_string(), payload);
    }

    /// Answers the case's callbacks with `answer` instead of the success (opening the case).
    pub fn answer_with(&self, token: &str, answer: Answer) {
        let mut record = self.shared.lock();
        record.open(token);
        record.answers.insert(token.to_string(), answer);
    }

    /// Answers the case's payload URL with `answer` instead of the payload (opening the
    /// case; the payload is still set with [`HarnessDapp::set_payload`]).
    pub fn answer_payload_with(&self, token: &str, answer: PayloadAnswer) {
        let mut record = self.shared.lock();
        record.open(token);
        record.payload_answers.insert(token.to_string(), answer);
    }

    /// The base URL the server is bound to (the same as [`HarnessDapp::public_url`] unless
    /// a public URL was given).
    pub fn bound_url(&self) -> String {
        self.server.base_url()
    }

    /// What the case's token received so far (its last [`MAX_RECEIVED_PER_CASE`]
    /// requests).
    pub fn received(&self, token: &str) -> Vec<Received> {
        self.shared
            .lock()
            .by_token
            .get(token)
            .map(|kept| kept.received.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// How many of the case's requests were dropped to keep its record bounded.
    pub fn dropped(&self, token: &str) -> u64 {
        self.shared
            .lock()
            .by_token
            .get(token)
            .map_or(0, |kept| kept.dropped)
    }

    /// The kept fetches of the request icon, and how many older ones were dropped.
    pub fn icon_fetches(&self) -> (Vec<Received>, u64) {
        let record = self.shared.lock();
        (
            record.icon.received.iter().cloned().collect(),
            record.icon.dropped,
        )
    }

    /// How many requests went to other paths or to tokens of no open case (counted, not
    /// stored).
    pub fn unknown_requests(&self) -> u64 {
        self.shared.lock().unknown
    }

    /// The callbacks (POSTs) a case received.
    pub fn callbacks(&self, token: &str) -> Vec<Received> {
        self.received(token)
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect()
    }

    /// Waits until the case's token has received at least `count` callbacks, or `timeout`.
    pub async fn wait_for_callbacks(&self, token: &str, count: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changes = self.shared.changed.subscribe();
        loop {
            if self.callbacks(token).len() >= count {
                return true;
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.callbacks(token).len() >= count,
            }
        }
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// Where a request goes in the record.
enum Slot<'a> {
    /// A case's token (stored if the case is open, counted otherwise).
    Case(&'a str),
    Icon,
    /// Counted only.
    Unknown,
}

fn record(
    shared: &Shared,
    slot: Slot<'_>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: ReadBody,
) {
    let received = || Received {
        method: method.to_string(),
        path: uri.path().to_string(),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        truncated: body.len > body.kept.len(),
        body: body.kept.clone(),
    };
    {
        let mut record = shared.lock();
        match slot {
            Slot::Case(token) => match record.by_token.get_mut(token) {
                Some(kept) => kept.push(received(), MAX_RECEIVED_PER_CASE),
                None => record.unknown += 1,
            },
            Slot::Icon => record.icon.push(received(), MAX_ICON_FETCHES),
            Slot::Unknown => record.unknown += 1,
        }
    }
    shared.changed.send_modify(|n| *n = n.wrapping_add(1));
}

/// A request body as read: its first [`RECORDED_BODY_BYTES`] and its full length.
#[derive(Debug, Default)]
struct ReadBody {
    kept: Vec<u8>,
    len: usize,
}

/// Reads `body` as it arrives, keeping its first [`RECORDED_BODY_BYTES`] and discarding
/// the rest; `None` when it is longer than [`MAX_BODY_BYTES`] or breaks off.
async fn read_body(body: Body) -> Option<ReadBody> {
    let mut body = body;
    let mut read = ReadBody::default();
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        let data = match frame {
            None => return Some(read),
            Some(Err(_)) => return None,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                // Trailers carry no body bytes.
                Err(_) => continue,
            },
        };
        read.len = read.len.saturating_add(data.len());
        if read.len > MAX_BODY_BYTES {
            return None;
        }
        let room = RECORDED_BODY_BYTES.saturating_sub(read.kept.len());
        read.kept.extend_from_slice(&data[..data.len().min(room)]);
    }
}

fn too_large() -> Response {
    (StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n").into_response()
}

async fn payload(
    State(shared): State<Arc<Shared>>,
    Path(token): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(
        &shared,
        Slot::Case(&token),
        &method,
        &uri,
        &headers,
        ReadBody::default(),
    );
    let (payload, answer) = {
        let record = shared.lock();
        (
            record.payloads.get(&token).cloned(),
            record.payload_answers.get(&token).cloned(),
        )
    };
    let Some(payload) = payload else {
        return (StatusCode::NOT_FOUND, "no payload for this token\n").into_response();
    };
    let json = [(header::CONTENT_TYPE, "application/json")];
    match answer {
        Some(PayloadAnswer::Status(code)) => (
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            json,
            payload.to_string(),
        )
            .into_response(),
        Some(PayloadAnswer::NotJson) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body>the payload is elsewhere</body></html>\n",
        )
            .into_response(),
        Some(PayloadAnswer::Redirect(location)) if uri.query() != Some(MOVED_QUERY) => {
            (StatusCode::FOUND, [(header::LOCATION, location)], "moved\n").into_response()
        }
        _ => (StatusCode::OK, json, payload.to_string()).into_response(),
    }
}

async fn callback(
    State(shared): State<Arc<Shared>>,
    Path(token): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(body) = read_body(body).await else {
        return too_large();
    };
    // A cut body is not JSON: answer as to any other non-JSON body.
    let request: Value = if body.len > body.kept.len() {
        Value::Null
    } else {
        serde_json::from_slice(&body.kept).unwrap_or(Value::Null)
    };
    record(&shared, Slot::Case(&token), &method, &uri, &headers, body);
    let answer = shared.lock().answers.get(&token).cloned();
    match answer {
        None => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            (shared.reply)(&request).to_string(),
        )
            .into_response(),
        Some(Answer::Json(body)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response(),
        Some(Answer::NotJson { content_type, body }) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response()
        }
        Some(Answer::Redirect(location)) => {
            (StatusCode::FOUND, [(header::LOCATION, location)], "moved\n").into_response()
        }
    }
}

async fn other(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(body) = read_body(body).await else {
        return too_large();
    };
    let slot = if uri.path() == ICON_PATH {
        Slot::Icon
    } else {
        Slot::Unknown
    };
    record(&shared, slot, &method, &uri, &headers, body);
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}
