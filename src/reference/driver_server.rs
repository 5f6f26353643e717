//! The HTTP face (axum) both reference wallets share: the wallet driver protocol
//! (`docs/wallet-driver.md`). What a scan does and who the wallet is are the wallet's own
//! ([`DriverWallet`]: its identity and scan, implemented by its state); this file only
//! translates them to HTTP and serves them ([`serve_wallet`]).
//!
//! | route | answer |
//! |---|---|
//! | `GET /identity` | 200 JSON: the wallet's identity (its protocol's `driver.identity` shape) |
//! | `POST /scan` | 200 JSON [`ScanReply`] once the scan is over; 400 JSON `{"error"}` for a body that is not a [`ScanRequest`] |
//!
//! Anything else is a JSON 404.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use crate::net::{serve, ServerHandle};
use crate::protocol::driver::{ScanReply, ScanRequest};
use crate::reference::http::json_reply;
use crate::schema;

/// The largest `/scan` body read: a QR text is at most a few kilobytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A scan in progress.
pub(crate) type ScanFuture<'a> = Pin<Box<dyn Future<Output = ScanReply> + Send + 'a>>;

/// What a reference wallet's state gives the driver protocol: who it is, and what a scan does.
pub(crate) trait DriverWallet: Send + Sync + 'static {
    /// The protocol's `driver.identity` shape.
    type Identity: serde::Serialize;

    /// Who the wallet is, as `GET /identity` answers.
    fn identity(&self) -> Self::Identity;

    /// Acts on one QR code and says what came of it.
    fn scan<'a>(&'a self, request: &'a ScanRequest) -> ScanFuture<'a>;
}

/// Serves `wallet`'s driver endpoint on `listen` (port 0 picks a free port).
pub(crate) async fn serve_wallet<S: DriverWallet>(
    listen: SocketAddr,
    wallet: Arc<S>,
) -> Result<ServerHandle, String> {
    serve(listen, router(wallet)).await
}

/// The router's state: the wallet, and the lock that runs one scan at a time, so a second
/// driver request waits for the first to finish and the harness can attribute every
/// callback and transaction to one QR code.
struct Served<S> {
    wallet: Arc<S>,
    scanning: tokio::sync::Mutex<()>,
}

/// The router over a wallet.
fn router<S: DriverWallet>(wallet: Arc<S>) -> Router {
    let served = Arc::new(Served {
        wallet,
        scanning: tokio::sync::Mutex::new(()),
    });
    Router::new()
        .route("/identity", get(identity::<S>))
        .route("/scan", post(scan_route::<S>))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(served)
}

fn error(status: StatusCode, reason: impl Into<String>) -> Response {
    json_reply(status, &json!({"error": reason.into()}))
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not found")
}

async fn identity<S: DriverWallet>(State(served): State<Arc<Served<S>>>) -> Response {
    match serde_json::to_value(served.wallet.identity()) {
        Ok(body) => json_reply(StatusCode::OK, &body),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn scan_route<S: DriverWallet>(
    State(served): State<Arc<Served<S>>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let request = match body {
        Ok(body) => match parse_scan_request(&body) {
            Ok(request) => request,
            Err(reason) => return error(StatusCode::BAD_REQUEST, reason),
        },
        Err(rejection) => {
            return error(
                rejection.status(),
                format!("the body cannot be read: {rejection}"),
            )
        }
    };
    // The scan runs in its own task: a driver that hangs up mid-scan must not cut a scan off
    // between sending a transaction and posting its callback. The lock is taken inside the
    // task, so scans also run one at a time when their drivers are gone.
    let task = tokio::spawn(async move {
        let _one_at_a_time = served.scanning.lock().await;
        served.wallet.scan(&request).await
    });
    match task.await {
        Ok(reply) => match serde_json::to_value(&reply) {
            Ok(body) => json_reply(StatusCode::OK, &body),
            Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        },
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the scan did not finish: {e}"),
        ),
    }
}

/// The body as a [`ScanRequest`], checked against the `driver.scan.request` schema too (an
/// empty `qr` is malformed, not a QR code to refuse).
fn parse_scan_request(body: &[u8]) -> Result<ScanRequest, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let violations = schema::validate("driver.scan.request", &value).map_err(|e| e.to_string())?;
    if let Some(first) = violations.first() {
        return Err(crate::reference::clip(format!(
            "the body does not match its schema at `{}`: {}",
            first.instance_path, first.message
        )));
    }
    serde_json::from_value(value).map_err(|e| format!("the body is not a scan request: {e}"))
}
