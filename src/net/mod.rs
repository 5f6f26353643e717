//! HTTP plumbing shared by every server and client qrconform runs: starting an axum router
//! on an address (port 0 picks a free one) and stopping it within a bound, and an HTTP client
//! that never trusts the peer (timeouts on every step, no redirects, no proxies, bodies read
//! up to a limit).

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::transcript::{self, Exchange, Sender};

/// How long a stopping server waits for open connections before dropping them: a peer that
/// holds a connection open must not hold the harness.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

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
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, router).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        // An accept error ends the server; the handle's owner sees the port stop answering.
        let _ = server.await;
    });
    Ok(ServerHandle {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

/// Limits for talking to a peer that is under test.
#[derive(Debug, Clone, Copy)]
pub struct ClientLimits {
    /// Connecting.
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
    #[error("`{url}` is not an http:// URL the harness can fetch: {reason}")]
    BadUrl { url: String, reason: String },
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
    /// A client with the given limits.
    ///
    /// # Panics
    ///
    /// Never in practice: without TLS, reqwest's builder fails only when the system resolver
    /// configuration cannot be read, and it reads none here.
    pub fn new(limits: ClientLimits) -> Self {
        let inner = reqwest::Client::builder()
            .connect_timeout(limits.connect)
            .timeout(limits.request)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .expect("a plain HTTP client builds");
        HttpClient {
            inner,
            limits,
            allowed_origins: None,
        }
    }

    /// The same client, restricted to `origins` (scheme, host and port).
    pub fn with_allowed_origins(mut self, origins: Vec<Origin>) -> Self {
        self.allowed_origins = Some(origins);
        self
    }

    /// Checks that `url` is an http URL on an allowed origin.
    pub fn check_url(&self, url: &str) -> Result<(), HttpError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| HttpError::BadUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        if parsed.scheme() != "http" {
            return Err(HttpError::BadUrl {
                url: url.to_string(),
                reason: format!(
                    "the scheme is `{}`; this build speaks plain http (loopback and LAN targets)",
                    parsed.scheme()
                ),
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
