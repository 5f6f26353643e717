//! The small HTTP answers every reference dApp server gives the same way: plain text, JSON,
//! the plain-text 404 for anything unknown, and the empty icon; and the routes and limits
//! every reference dApp router ends with, `GET /qr/{kind}` issuing QR codes with the
//! dApp's [`Issuer`].

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use super::issuer::Issuer;
use super::running::HasPublicBase;
use crate::clock::Clock;
use crate::entropy::Entropy;

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

/// What a reference dApp issues for `GET /qr/{kind}?query`: the QR text (its session kept
/// by the dApp), or the status and plain-text reason refusing the request (an unknown kind,
/// a bad option).
pub trait IssuesQrCodes: HasPublicBase + Send + Sync + 'static {
    /// The clock, lifetime and entropy every QR code of the dApp is issued with (the base
    /// is its public base).
    fn issuing(&self) -> (&Clock, std::time::Duration, &Entropy);

    /// The QR text of `kind` by `issuer`, its session kept; or the refusal.
    fn issue(
        &self,
        issuer: &Issuer<'_>,
        kind: &str,
        query: Option<&str>,
    ) -> Result<String, (StatusCode, String)>;
}

async fn qr_code<S: IssuesQrCodes>(
    State(shared): State<Arc<S>>,
    Path(kind): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (clock, lifetime, entropy) = shared.issuing();
    let issuer = Issuer::new(shared.public_base().get(), clock, lifetime, entropy);
    match shared.issue(&issuer, &kind, query.as_deref()) {
        Ok(qr) => text(StatusCode::OK, qr),
        Err((status, reason)) => text(status, reason),
    }
}

/// Completes a reference dApp's `routes`: `GET /qr/{kind}` issuing its QR codes, the icon
/// QR codes name, the 404 for any other path or method, bodies cut at `max_body` bytes,
/// and the shared state.
pub fn finish_router<S: IssuesQrCodes>(
    routes: Router<Arc<S>>,
    max_body: usize,
    shared: Arc<S>,
) -> Router {
    routes
        .route("/qr/{kind}", get(qr_code::<S>))
        .route("/icon.png", get(icon))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(shared)
}
