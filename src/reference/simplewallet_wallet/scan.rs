//! What a scan does before the wallet acts, in this order:
//!
//! 1. decode the text: the request JSON, or a `simplewallet://eos.io?param=` deep link whose
//!    `param` is URL-encoded (`+` and `%20` are spaces, SW-T1);
//! 2. the request is SimpleWallet 1.0 with one of the four actions and its fields (SW-T2);
//! 3. its `expired` has not passed (SW-L5: nothing is signed, posted or pushed after that);
//! 4. the user approved.
//!
//! Then [`sign`](super::sign) or [`push`](super::push) acts. Every refusal is a
//! [`ScanReply::refused`] with the reason in words; nothing here panics on any input.

use serde_json::Value;

use super::{push, sign, Shared, SimpleWalletFault};
use crate::net::HttpReply;
use crate::protocol::driver::{ScanReply, ScanRequest};
use crate::protocol::simplewallet::messages::{
    callback_url, CallbackResult, Reply, Request, DEEP_LINK_PREFIX,
};
use crate::reference::{clip, http_reason, now_secs};

/// Handles one scan from start to end: the reply is sent only after every post was answered
/// and every transaction pushed, or after a refusal.
pub(super) async fn scan(shared: &Shared, request: &ScanRequest) -> ScanReply {
    let outcome = match prepare(shared, request) {
        Ok(Request::Login(login)) => sign::login(shared, &login).await,
        Ok(Request::Sign(sign_request)) => sign::sign(shared, &sign_request).await,
        Ok(Request::Transfer(transfer)) => push::transfer(shared, &transfer).await,
        Ok(Request::Transaction(transaction)) => push::transaction(shared, &transaction).await,
        Err(reason) => Err(reason),
    };
    match outcome {
        Ok(()) => ScanReply::completed(),
        Err(reason) => ScanReply::refused(clip(reason)),
    }
}

/// Steps 1–4.
fn prepare(shared: &Shared, request: &ScanRequest) -> Result<Request, String> {
    let text = request.qr.trim();
    let parsed = if shared.has(SimpleWalletFault::PlusAsPlus) && text.starts_with(DEEP_LINK_PREFIX)
    {
        // A percent-decoder that knows nothing of form encoding: `+` stays a plus.
        Request::from_qr_text(&text.replace('+', "%2B"))
    } else {
        Request::from_qr_text(text)
    };
    let parsed = parsed.map_err(|e| format!("the QR text is not a SimpleWallet request: {e}"))?;
    if let Some(expired) = parsed.expired() {
        if now_secs() > expired && !shared.has(SimpleWalletFault::SignExpired) {
            return Err(format!("the request expired at {expired}"));
        }
    }
    if !request.approve && !shared.has(SimpleWalletFault::SignOnReject) {
        return Err("rejected by the user".to_string());
    }
    Ok(parsed)
}

/// POSTs `body` as JSON to the dApp and reads its `{code, error}` reply (SW-L4): a failure
/// code, an unreadable reply or an exchange that did not happen is an error naming `what`.
pub(super) async fn post(
    shared: &Shared,
    what: &str,
    url: &str,
    body: &Value,
) -> Result<(), String> {
    let reply = shared
        .http
        .post_json(url, body.to_string().into_bytes())
        .await
        .map_err(|e| format!("the {what} post failed: {}", http_reason(&e)))?;
    read_reply(what, &reply)
}

fn read_reply(what: &str, reply: &HttpReply) -> Result<(), String> {
    let value: Value = serde_json::from_slice(&reply.body).map_err(|_| {
        format!(
            "the dApp answered the {what} post with HTTP {} and a body that is not JSON",
            reply.status
        )
    })?;
    let parsed = Reply::parse(&value)
        .map_err(|e| format!("the dApp's answer to the {what} post is not {{code, error}}: {e}"))?;
    if parsed.is_success() {
        Ok(())
    } else {
        Err(format!(
            "the dApp refused the {what}: code {}, {}",
            parsed.code, parsed.error
        ))
    }
}

/// In deep-link mode (the request names a `callback`), the wallet opens it with the outcome
/// (SW-X3: `result` 1 success, 2 failure, and `txID` after a push).
pub(super) fn open_callback(
    shared: &Shared,
    callback: Option<&str>,
    succeeded: bool,
    tx_id: Option<&str>,
) {
    if let Some(callback) = callback.filter(|c| !c.is_empty()) {
        let result = if succeeded {
            CallbackResult::Success
        } else {
            CallbackResult::Failure
        };
        shared.open(callback_url(callback, result, tx_id));
    }
}
