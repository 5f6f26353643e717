//! The reference dApp's HTTP face (axum): routes, status codes and content types. The
//! decisions live in [`qr`](super::qr) and [`callback`](super::callback); this file only
//! translates them to HTTP.
//!
//! | route | answer |
//! |---|---|
//! | `GET /qr/login?type=address\|account\|ontid` | 200 `text/plain`, the QR text (ONT-T1) |
//! | `GET /qr/signMessage?ishex=true\|false` | 200 `text/plain` |
//! | `GET /qr/signMultiMessage?ishex=true\|false` | 200 `text/plain` |
//! | `GET /qr/invoke` | 200 `text/plain` |
//! | `GET /payload/{id}` | 200 JSON invoke payload; 404 for an unknown id |
//! | `POST /callback/{kind}` | 200 JSON reply envelope (ONT-T8); 404 for another kind |
//! | `GET /status/{id}` | 200 JSON session status; 404 JSON for an unknown id |
//! | `POST /restart` | 200: the session store as a restart leaves it (the suite's `restart` hook) |
//! | `GET /icon.png` | 204 |
//!
//! Anything else is a plain-text 404. A bad query option is a plain-text 400.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};

use super::callback::{self, Outcome};
use super::qr::{self, Issuer};
use super::session::Kind;
use super::{DappFault, Shared};
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::net::LoggedVerdict;
use crate::reference::http::{finish_router, json_reply, text, IssuesQrCodes};

/// `POST /restart`: the session store as a restart of the back end leaves it. The store is
/// the reference's durable memory, so every session survives as it was, the replay check's
/// `accepted` included; `replay-after-restart` loses that flag, as a back end whose replay
/// check lived in memory would.
async fn restart(State(shared): State<Arc<Shared>>) -> Response {
    if shared.has(DappFault::ReplayAfterRestart) {
        shared
            .sessions
            .update_all(|session| session.accepted = false);
    }
    (StatusCode::OK, "restarted\n").into_response()
}

/// The largest callback body read: a signMultiMessage callback is a few kilobytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The router over the shared state.
pub fn router(shared: Arc<Shared>) -> Router {
    let routes = Router::new()
        .route("/payload/{id}", get(payload))
        .route("/callback/{kind}", post(callback_route))
        .route("/status/{id}", get(status))
        .route("/restart", post(restart));
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
        let bad_option = |e: String| (StatusCode::BAD_REQUEST, e);
        let issued = match Kind::from_name(kind) {
            Some(Kind::Login) => qr::login(issuer, qr::login_type(query).map_err(bad_option)?),
            Some(kind @ (Kind::SignMessage | Kind::SignMultiMessage)) => {
                qr::sign(issuer, kind, qr::ishex(query).map_err(bad_option)?)
            }
            Some(Kind::Invoke) => qr::invoke(issuer),
            None => return Err((StatusCode::NOT_FOUND, "not found".into())),
        };
        let (session, qr) = issued.map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))?;
        self.sessions.insert(session);
        Ok(qr.to_string())
    }
}

fn unknown_id() -> Response {
    json_reply(StatusCode::NOT_FOUND, &json!({"error": "unknown id"}))
}

async fn payload(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.sessions.get(&id) {
        Some(session) if session.kind == Kind::Invoke => json_reply(
            StatusCode::OK,
            &qr::payload(&session.id, &shared.payee, shared.amount),
        ),
        _ => unknown_id(),
    }
}

async fn status(State(shared): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    match shared.sessions.get(&id) {
        Some(session) => json_reply(StatusCode::OK, &session.status_json()),
        None => unknown_id(),
    }
}

async fn callback_route(
    State(shared): State<Arc<Shared>>,
    Path(kind): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(kind) = Kind::from_name(&kind) else {
        return text(StatusCode::NOT_FOUND, "not found");
    };
    let body = body
        .as_deref()
        .map_err(|e| format!("the body cannot be read: {e}"));
    match callback::handle(&shared, kind, body).await {
        Outcome::Crash => text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"),
        Outcome::Reply {
            id,
            error,
            desc,
            result,
        } => {
            let mut reply = Map::new();
            reply.insert("action".into(), kind.name().into());
            // A callback without a string id has nothing to echo (ONT-T5 asks for the
            // echo only where the request had one); `null` would break the reply schema.
            if !shared.has(DappFault::NoIdEcho) && !id.is_null() {
                reply.insert("id".into(), id);
            }
            let logged = if error == 0 {
                "accepted".to_string()
            } else {
                format!("refused: {error} {desc}: {result}")
            };
            reply.insert("error".into(), error.into());
            reply.insert("desc".into(), desc.into());
            reply.insert("result".into(), result);
            let mut response = json_reply(StatusCode::OK, &Value::Object(reply));
            response.extensions_mut().insert(LoggedVerdict(logged));
            response
        }
    }
}
