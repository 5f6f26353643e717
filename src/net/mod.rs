//! HTTP plumbing shared by every server and client qrconform runs: starting an axum router
//! on an address (port 0 picks a free one) and stopping it within a bound, and an HTTP client
//! that never trusts the peer (timeouts on every step, the TLS handshake included, no
//! redirects, no proxies, bodies read up to a limit) and speaks `http://` and `https://`
//! ([`tls`] owns which certificates it trusts).
//!
//! Every server holds its peers to the same limits (H-4, H-5): at most [`MAX_CONNECTIONS`]
//! connections at once (more wait in the listen backlog), [`HEADER_READ_TIMEOUT`] to send a
//! request's headers, including on a kept-alive connection waiting for its next request, and
//! [`MAX_CONNECTION_AGE`] for any connection. For the `serve` commands,
//! [`log_requests_to_stderr`] turns on one line per request.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

use crate::transcript::{self, Exchange, Sender};

pub mod tls;

pub use tls::CaCerts;

/// How long a stopping server waits for open connections before dropping them: a peer that
/// holds a connection open must not hold the harness.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// The most connections one server holds at once; further ones wait in the kernel's listen
/// backlog until one closes, so a flood of idle connections cannot exhaust the harness's
/// file descriptors or memory.
pub const MAX_CONNECTIONS: usize = 256;

/// How long a peer has to send a request's headers once the server waits for them: on a new
/// connection, and on a kept-alive one between requests. A slow or idle connection is closed
/// after this (slowloris).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest any connection lives, busy or not: a peer that trickles a body or keeps a
/// connection busy forever is cut off.
pub const MAX_CONNECTION_AGE: Duration = Duration::from_secs(300);

/// Where request lines go, once [`log_requests_to_stderr`] is called: a bounded queue that a
/// thread of its own writes to standard error.
static REQUEST_LOG: std::sync::OnceLock<std::sync::mpsc::SyncSender<String>> =
    std::sync::OnceLock::new();

/// How many request lines may wait for standard error; past that, lines are dropped rather
/// than let a slow or unread standard error hold a request.
const REQUEST_LOG_QUEUE: usize = 1024;

/// Lines dropped because standard error did not keep up (reported with the next line
/// written).
static REQUEST_LOG_DROPPED: AtomicU64 = AtomicU64::new(0);

/// Turns on, for the whole process, one line per request on standard error: method, path,
/// status, and the verdict a handler attached with [`LoggedVerdict`]. For `serve` commands,
/// so a person wiring a wallet or a back end sees why a request was refused. Lines go
/// through a bounded queue: a standard error that is a full pipe nobody reads drops lines,
/// it never stalls a server.
pub fn log_requests_to_stderr() {
    REQUEST_LOG.get_or_init(|| {
        let (lines, queued) = std::sync::mpsc::sync_channel::<String>(REQUEST_LOG_QUEUE);
        std::thread::spawn(move || {
            use std::io::Write;
            for line in queued {
                let dropped = REQUEST_LOG_DROPPED.swap(0, Ordering::Relaxed);
                let mut err = std::io::stderr().lock();
                if dropped > 0 {
                    let _ = writeln!(
                        err,
                        "({dropped} request lines dropped: standard error was full)"
                    );
                }
                let _ = writeln!(err, "{line}");
            }
        });
        lines
    });
}

/// What a handler concluded about a request (a callback accepted, or refused and why), for
/// the request log. Handlers insert it into the response's extensions.
#[derive(Debug, Clone)]
pub struct LoggedVerdict(pub String);

/// The request log's middleware: a no-op unless [`log_requests_to_stderr`] was called.
async fn log_request(request: Request, next: Next) -> Response {
    let Some(log) = REQUEST_LOG.get() else {
        return next.run(request).await;
    };
    let method = request.method().clone();
    let path = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_string(),
        |p| p.as_str().to_string(),
    );
    let response = next.run(request).await;
    let verdict = response
        .extensions()
        .get::<LoggedVerdict>()
        .map(|v| format!(" {}", crate::escape::escape_controls(&v.0)))
        .unwrap_or_default();
    // The path is the peer's: shown escaped, and cut so one line stays one line.
    let path: String = crate::escape::escape_controls(&path)
        .chars()
        .take(200)
        .collect();
    let line = format!("{method} {path} {}{verdict}", response.status().as_u16());
    if log.try_send(line).is_err() {
        REQUEST_LOG_DROPPED.fetch_add(1, Ordering::Relaxed);
    }
    response
}

/// A running server.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The address it listens on (with the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish for at most [`SHUTDOWN_GRACE`], then
    /// drops whatever is left.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Binds `addr` and serves `router` on it until the handle is shut down or dropped.
/// Failing to bind names the address.
pub async fn serve(addr: SocketAddr, router: axum::Router) -> Result<ServerHandle, String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("failed to listen on {addr}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("failed to read the address bound for {addr}: {e}"))?;
    let router = router.layer(axum::middleware::from_fn(log_request));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(accept_loop(listener, router, stopped));
    Ok(ServerHandle {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

/// Accepts connections until `stopped`, each under the limits in the module docs; then asks
/// every open connection to finish its request in flight and close, for at most
/// [`SHUTDOWN_GRACE`], and drops whatever is left.
async fn accept_loop(
    listener: TcpListener,
    router: axum::Router,
    mut stopped: oneshot::Receiver<()>,
) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (stopping, stop_signal) = watch::channel(false);
    let mut connections = JoinSet::new();
    loop {
        let permit = tokio::select! {
            _ = &mut stopped => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors or a connection reset before it was accepted: try
                // again shortly rather than spin or stop serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        while connections.try_join_next().is_some() {}
        let service = TowerToHyperService::new(router.clone());
        let mut stop_signal = stop_signal.clone();
        connections.spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT);
            let connection = builder.serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            let age = tokio::time::sleep(MAX_CONNECTION_AGE);
            tokio::pin!(age);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = &mut age => {}
                _ = stop_signal.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
    let _ = stopping.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}

/// Limits for talking to a peer that is under test.
#[derive(Debug, Clone, Copy)]
pub struct ClientLimits {
    /// Connecting, the TLS handshake included.
    pub connect: Duration,
    /// The whole exchange, body included.
    pub request: Duration,
    /// The largest response body read; more is an error.
    pub max_body: usize,
}

impl Default for ClientLimits {
    fn default() -> Self {
        ClientLimits {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(15),
            max_body: 4 * 1024 * 1024,
        }
    }
}

/// Why an exchange with a peer did not give a response body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HttpError {
    #[error("failed to reach {url}: {reason}")]
    Transport { url: String, reason: String },
    #[error("{url} took longer than {seconds:.1} s to answer")]
    Timeout { url: String, seconds: f64 },
    #[error("{url} answered with a body larger than {limit} bytes")]
    TooLarge { url: String, limit: usize },
    #[error("`{url}` is not an http:// or https:// URL the harness can fetch: {reason}")]
    BadUrl { url: String, reason: String },
    /// The TLS handshake failed: a certificate the harness does not trust (no `--ca-cert`
    /// for a private CA), a name it does not cover, or a peer that does not speak TLS.
    #[error(
        "the TLS handshake with {url} failed: {reason} (the harness trusts the operating \
         system's root certificates and those of --ca-cert or the target's ca_cert)"
    )]
    Tls { url: String, reason: String },
    #[error("{url} is on origin {origin}, which the target does not declare (H-5)")]
    OriginNotAllowed { url: String, origin: Origin },
}

/// A URL's origin: scheme, host and port (the scheme's default port when none is written).
/// The allow-list compares all three, so another port of a declared host is another origin.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub scheme: String,
    /// Lower case; an IPv6 address without brackets.
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// The origin of `url`, naming what is wrong with it.
    pub fn of(url: &str) -> Result<Origin, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| format!("`{url}` has no host"))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let port = parsed
            .port_or_known_default()
            .ok_or_else(|| format!("`{url}` has no port and its scheme has no default one"))?;
        Ok(Origin {
            scheme: parsed.scheme().to_string(),
            host,
            port,
        })
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "{}://[{}]:{}", self.scheme, self.host, self.port)
        } else {
            write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
        }
    }
}

impl HttpError {
    /// Whether the peer was too slow (a TIMEOUT verdict rather than an error).
    pub fn is_timeout(&self) -> bool {
        matches!(self, HttpError::Timeout { .. })
    }
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct HttpReply {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// An HTTP client for peers under test.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: reqwest::Client,
    limits: ClientLimits,
    /// When set, only these origins are contacted (H-5).
    allowed_origins: Option<Vec<Origin>>,
}

impl HttpClient {
    /// A client with the given limits; for `https://` it trusts the operating system's root
    /// certificates.
    pub fn new(limits: ClientLimits) -> Self {
        HttpClient {
            inner: Self::build(limits, tls::client_config(None)),
            limits,
            allowed_origins: None,
        }
    }

    /// The same client, trusting the certificates of `ca` too (a private CA's), when given.
    pub fn trusting(mut self, ca: Option<&CaCerts>) -> Self {
        if ca.is_some() {
            self.inner = Self::build(self.limits, tls::client_config(ca));
        }
        self
    }

    /// # Panics
    ///
    /// Never in practice: with a TLS configuration given whole, reqwest's builder fails only
    /// when the system resolver configuration cannot be read, and it reads none here.
    fn build(limits: ClientLimits, tls: rustls::ClientConfig) -> reqwest::Client {
        reqwest::Client::builder()
            .connect_timeout(limits.connect)
            .timeout(limits.request)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .tls_backend_preconfigured(tls)
            .build()
            .expect("an HTTP client with a rustls configuration builds")
    }

    /// The same client, restricted to `origins` (scheme, host and port).
    pub fn with_allowed_origins(mut self, origins: Vec<Origin>) -> Self {
        self.allowed_origins = Some(origins);
        self
    }

    /// Checks that `url` is an http or https URL on an allowed origin.
    pub fn check_url(&self, url: &str) -> Result<(), HttpError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| HttpError::BadUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(HttpError::BadUrl {
                url: url.to_string(),
                reason: format!("the scheme is `{}`", parsed.scheme()),
            });
        }
        let Some(allowed) = &self.allowed_origins else {
            return Ok(());
        };
        let origin = Origin::of(url).map_err(|reason| HttpError::BadUrl {
            url: url.to_string(),
            reason,
        })?;
        if allowed.contains(&origin) {
            Ok(())
        } else {
            Err(HttpError::OriginNotAllowed {
                url: url.to_string(),
                origin,
            })
        }
    }

    pub fn limits(&self) -> ClientLimits {
        self.limits
    }

    /// `GET url`.
    pub async fn get(&self, url: &str) -> Result<HttpReply, HttpError> {
        self.exchange("GET", url, None, self.inner.get(url)).await
    }

    /// `POST url` with a JSON body.
    pub async fn post_json(&self, url: &str, body: Vec<u8>) -> Result<HttpReply, HttpError> {
        let request = self
            .inner
            .post(url)
            .header("content-type", "application/json");
        self.exchange("POST", url, Some(body), request).await
    }

    /// `POST url` with an arbitrary body and content type (for malformed-input cases).
    pub async fn post_raw(
        &self,
        url: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<HttpReply, HttpError> {
        let request = self.inner.post(url).header("content-type", content_type);
        self.exchange("POST", url, Some(body), request).await
    }

    /// Makes the request (with `body`, if any) and, inside a case's transcript scope, writes
    /// it into the transcript whatever came of it. Outside a scope (the reference
    /// implementations' own traffic) nothing is copied.
    async fn exchange(
        &self,
        method: &str,
        url: &str,
        body: Option<Vec<u8>>,
        request: reqwest::RequestBuilder,
    ) -> Result<HttpReply, HttpError> {
        let recording = transcript::recording();
        let sent = body
            .as_deref()
            .filter(|_| recording)
            .map(transcript::body_text);
        let request = match body {
            Some(body) => request.body(body),
            None => request,
        };
        let result = self.send(url, request).await;
        if !recording {
            return result;
        }
        let (status, response, error) = match &result {
            Ok(reply) => (
                Some(reply.status),
                Some(transcript::body_text(&reply.body)),
                None,
            ),
            Err(e) => (None, None, Some(e.to_string())),
        };
        transcript::exchange(Exchange {
            by: Sender::Harness,
            method: method.to_string(),
            url: url.to_string(),
            request: sent,
            status,
            response,
            error,
        });
        result
    }

    async fn send(
        &self,
        url: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<HttpReply, HttpError> {
        self.check_url(url)?;
        let map = |e: reqwest::Error| {
            if e.is_timeout() {
                HttpError::Timeout {
                    url: url.to_string(),
                    seconds: self.limits.request.as_secs_f64(),
                }
            } else if let Some(failure) = tls::tls_error(&e) {
                HttpError::Tls {
                    url: url.to_string(),
                    reason: tls::failure_reason(failure),
                }
            } else {
                HttpError::Transport {
                    url: url.to_string(),
                    reason: error_chain(&e),
                }
            }
        };
        let mut response = request.send().await.map_err(map)?;
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(map)? {
            if body.len() + chunk.len() > self.limits.max_body {
                return Err(HttpError::TooLarge {
                    url: url.to_string(),
                    limit: self.limits.max_body,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpReply {
            status,
            content_type,
            body,
        })
    }
}

/// An error and its sources on one line: reqwest's top-level message alone ("error sending
/// request") hides the cause.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
