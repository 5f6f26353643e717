//! The reference SimpleWallet dApp's HTTP face (axum): routes, status codes and content
//! types. The decisions live in [`qr`] and [`judge`].
//!
//! | route | answer |
//! |---|---|
//! | `GET /qr/login` | 200 `text/plain`, the login QR text (SW-T1, SW-L1) |
//! | `GET /qr/transfer` | 200 `text/plain`, a transfer QR text opening an order |
//! | `GET /qr/transaction?account=NAME` | 200 `text/plain`, a MYKEY transaction QR text from `NAME` |
//! | `GET /qr/sign` | 200 `text/plain`, a MYKEY sign QR text |
//! | `POST /login` | 200 JSON `{code, error}` (SW-L4) |
//! | `POST /notify/{order}` | 200 JSON `{code, error}` (SW-X4) |
//! | `POST /sign/{id}` | 200 JSON `{code, error}` (SW-S1) |
//! | `GET /icon.png` | 204 |
//!
//! Replies are HTTP 200 whether the post is accepted or not: the verdict is in `code`.
//! Anything else is a plain-text 404; a bad query option is a plain-text 400.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::Value;

use super::judge::{self, Rejection};
use super::qr::{self, Issuer};
use super::{Shared, SwDappFault};
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::net::LoggedVerdict;
use crate::reference::http::{finish_router, json_reply, text, IssuesQrCodes};

/// The largest post body read: a login post is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The router over the shared state.
pub fn router(shared: Arc<Shared>) -> Router {
    let routes = Router::new()
        .route("/login", post(login))
        .route("/notify/{order}", post(notify))
        .route("/sign/{id}", post(sign));
    finish_router(routes, MAX_BODY_BYTES, shared)
}

impl IssuesQrCodes for Shared {
    fn issuing(&self) -> (&Clock, Duration, &Entropy) {
        (&self.clock, self.qr_lifetime, self.entropy.as_ref())
    }

    fn issue(
        &self,
        issuer: &Issuer<'_>,
        kind: &str,
        query: Option<&str>,
    ) -> Result<String, (StatusCode, String)> {
        let issued = match kind {
            "login" => qr::login(issuer),
            "transfer" => qr::transfer(issuer, self.payee, &self.amount),
            "transaction" => {
                let payer = qr::payer_option(query).map_err(|e| (StatusCode::BAD_REQUEST, e))?;
                qr::transaction(issuer, payer, self.payee, &self.amount)
            }
            "sign" => qr::sign(issuer),
            _ => return Err((StatusCode::NOT_FOUND, "not found".into())),
        };
        let (issued, mut qr) = issued.map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))?;
        if kind == "transfer" && self.has(SwDappFault::NumbersAsStrings) {
            qr::numbers_as_strings(&mut qr);
        }
        self.issued.insert_keyed(issued.id.clone(), issued);
        Ok(qr.to_string())
    }
}

fn reply(shared: &Shared, verdict: Result<(), Rejection>) -> Response {
    let logged = match &verdict {
        Ok(()) => "accepted".to_string(),
        Err(rejection) => format!("refused: {}", rejection.reason),
    };
    let mut response = json_reply(StatusCode::OK, &judge::reply(shared, verdict));
    response.extensions_mut().insert(LoggedVerdict(logged));
    response
}

/// Judges a post's body with `judge`, or answers a body that is not a JSON object: with a
/// `{code, error}` reply, or under `crash-on-bad-input` with a plain-text HTTP 500.
async fn answer<F, Fut>(shared: &Shared, body: &Result<Bytes, BytesRejection>, judge: F) -> Response
where
    F: FnOnce(Value) -> Fut,
    Fut: std::future::Future<Output = Result<(), Rejection>>,
{
    match judge::json_object(body_bytes(body)) {
        Ok(value) => reply(shared, judge(value).await),
        Err(_) if shared.has(SwDappFault::CrashOnBadInput) => {
            text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
        Err(rejection) => reply(shared, Err(rejection)),
    }
}

fn body_bytes(body: &Result<Bytes, BytesRejection>) -> Result<&[u8], String> {
    body.as_deref()
        .map_err(|e| format!("the body cannot be read: {e}"))
}

async fn login(State(shared): State<Arc<Shared>>, body: Result<Bytes, BytesRejection>) -> Response {
    let judged = Arc::clone(&shared);
    answer(&shared, &body, |value| async move {
        judge::login(&judged, &value).await
    })
    .await
}

async fn notify(
    State(shared): State<Arc<Shared>>,
    Path(order): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let judged = Arc::clone(&shared);
    answer(&shared, &body, |value| async move {
        judge::notify(&judged, &order, &value).await
    })
    .await
}

async fn sign(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let judged = Arc::clone(&shared);
    answer(&shared, &body, |value| async move {
        judge::sign(&judged, &id, &value).await
    })
    .await
}
