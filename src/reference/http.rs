//! The small HTTP answers every reference dApp server gives the same way: plain text, JSON,
//! the plain-text 404 for anything unknown, and the empty icon.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

/// A `text/plain` answer.
pub fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

/// An `application/json` answer.
pub fn json_reply(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// The answer to any route or method the server does not know.
pub async fn not_found() -> Response {
    text(StatusCode::NOT_FOUND, "not found")
}

/// `GET /icon.png`: the `dappIcon` QR codes name, with nothing to show.
pub async fn icon() -> StatusCode {
    StatusCode::NO_CONTENT
}
