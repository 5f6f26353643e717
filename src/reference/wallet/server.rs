//! The reference wallet's HTTP face (axum): the wallet driver protocol
//! (`docs/wallet-driver.md`). The decisions live in [`scan`](super::scan); this file only
//! translates them to HTTP.
//!
//! | route | answer |
//! |---|---|
//! | `GET /identity` | 200 JSON [`Identity`](crate::protocol::driver::Identity) |
//! | `POST /scan` | 200 JSON [`ScanReply`] once the scan is over; 400 JSON `{"error"}` for a body that is not a [`ScanRequest`] |
//!
//! Anything else is a JSON 404.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::{scan, Shared};
use crate::protocol::driver::{ScanReply, ScanRequest};

/// The largest `/scan` body read: a QR text is at most a few kilobytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The router over the shared state.
pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/identity", get(identity))
        .route("/scan", post(scan_route))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(shared)
}

fn json_reply(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn error(status: StatusCode, reason: impl Into<String>) -> Response {
    json_reply(status, &json!({"error": reason.into()}))
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not found")
}

async fn identity(State(shared): State<Arc<Shared>>) -> Response {
    match serde_json::to_value(shared.identity()) {
        Ok(body) => json_reply(StatusCode::OK, &body),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn scan_route(
    State(shared): State<Arc<Shared>>,
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
        let _one_at_a_time = shared.scanning.lock().await;
        scan::scan(&shared, &request).await
    });
    match task.await {
        Ok(reply) => reply_json(&reply),
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
    scan::conforms("driver.scan.request", &value, "the body")?;
    serde_json::from_value(value).map_err(|e| format!("the body is not a scan request: {e}"))
}

fn reply_json(reply: &ScanReply) -> Response {
    match serde_json::to_value(reply) {
        Ok(body) => json_reply(StatusCode::OK, &body),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}
