//! The harness dApp for the wallet suite: an axum server that serves each case's invoke
//! payload and receives its callbacks, under a per-case token in the path, and records every
//! request it receives (method, path, content type, body capped) so that a case can ask
//! "what did the wallet post?" and wait for it with a deadline.
//!
//! Callbacks are answered with a success: for Ontology the envelope `{action, id, error: 0,
//! desc: "SUCCESS", result: true}` ([`ontology_success`]); another protocol passes its own
//! ([`HarnessDapp::start_with_reply`]). The wallet under test is judged by what it sends, not
//! by how it copes with a dApp that says no.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::watch;

use crate::net::{serve, ServerHandle};

/// How much of a request body the record keeps; larger bodies are kept cut, and marked.
pub const RECORDED_BODY_BYTES: usize = 256 * 1024;

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
}

#[derive(Debug, Default)]
struct Record {
    /// Per case token, in arrival order.
    by_token: HashMap<String, Vec<Received>>,
    /// Payloads to serve, per case token.
    payloads: HashMap<String, Value>,
}

/// What the harness dApp answers a callback with, given the callback's body (`Null` when the
/// body is not JSON).
pub type CallbackReply = fn(&Value) -> Value;

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
    /// Serves on `listen`; QR codes use `public_url`, or `http://<bound address>`. Callbacks
    /// get the Ontology success envelope.
    pub async fn start(listen: SocketAddr, public_url: Option<String>) -> Result<Self, String> {
        Self::start_with_reply(listen, public_url, ontology_success).await
    }

    /// [`HarnessDapp::start`], answering every callback with `reply`.
    pub async fn start_with_reply(
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
            .layer(DefaultBodyLimit::max(16 * 1024 * 1024))
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

    /// Serves `payload` at the case's payload URL.
    pub fn set_payload(&self, token: &str, payload: Value) {
        self.shared
            .lock()
            .payloads
            .insert(token.to_string(), payload);
    }

    /// What the case's token received so far.
    pub fn received(&self, token: &str) -> Vec<Received> {
        self.shared
            .lock()
            .by_token
            .get(token)
            .cloned()
            .unwrap_or_default()
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

fn record(
    shared: &Shared,
    token: &str,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) {
    let truncated = body.len() > RECORDED_BODY_BYTES;
    let kept = &body[..body.len().min(RECORDED_BODY_BYTES)];
    shared
        .lock()
        .by_token
        .entry(token.to_string())
        .or_default()
        .push(Received {
            method: method.to_string(),
            path: uri.path().to_string(),
            content_type: headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            body: kept.to_vec(),
            truncated,
        });
    shared.changed.send_modify(|n| *n = n.wrapping_add(1));
}

async fn payload(
    State(shared): State<Arc<Shared>>,
    Path(token): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(&shared, &token, &method, &uri, &headers, b"");
    let payload = shared.lock().payloads.get(&token).cloned();
    match payload {
        Some(payload) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            payload.to_string(),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no payload for this token\n").into_response(),
    }
}

async fn callback(
    State(shared): State<Arc<Shared>>,
    Path(token): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&shared, &token, &method, &uri, &headers, &body);
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let reply = (shared.reply)(&request);
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        reply.to_string(),
    )
        .into_response()
}

/// The Ontology dApp's success envelope for a callback: `{action, id, error: 0, desc:
/// "SUCCESS", result: true}`, echoing the callback's `action` and `id`.
pub fn ontology_success(request: &Value) -> Value {
    let action = request.get("action").cloned().unwrap_or(Value::Null);
    let mut reply = json!({"action": action, "error": 0, "desc": "SUCCESS", "result": true});
    if let Some(id) = request.get("id").filter(|id| id.is_string()) {
        reply["id"] = id.clone();
    }
    reply
}

async fn other(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&shared, "", &method, &uri, &headers, &body);
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}
