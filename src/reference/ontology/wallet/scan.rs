//! What a scan does, up to the action: the steps every QR code goes through before anything
//! is signed, fetched or sent, in this order:
//!
//! 1. decode the text (plain JSON, `ontprovider://` deep link or webview link; an http URL is
//!    fetched and the JSON it serves is the request, ONT-T1…T3);
//! 2. the action is one of login, signMessage, signMultiMessage, invoke, and the request
//!    matches its schema (ONT-T4, ONT-L1, ONT-S1, ONT-I1);
//! 3. the QR code has not expired (ONT-L9, ONT-I9);
//! 4. the user approved.
//!
//! Then [`sign`](super::sign) or [`invoke`](super::invoke) acts. Every refusal is a
//! [`ScanReply::refused`] with the reason in words; nothing here panics on any input.

use serde_json::Value;

use super::callback::{conforms, Action, Request};
use super::{invoke, sign, Shared, WalletFault};
use crate::protocol::driver::{ScanReply, ScanRequest};
use crate::protocol::ontology::transport::{self, QrForm};
use crate::reference::{clip, http_reason};

/// Handles one scan from start to end: the reply is sent only after every callback was
/// posted and its answer read, and every transaction sent, or after a refusal.
pub(super) async fn scan(shared: &Shared, request: &ScanRequest) -> ScanReply {
    match prepare(shared, request).await {
        Ok(req) => match req.action {
            Action::Login => sign::login(shared, &req).await,
            Action::SignMessage => sign::sign_message(shared, &req).await,
            Action::SignMultiMessage => sign::sign_multi_message(shared, &req).await,
            Action::Invoke => invoke::invoke(shared, &req).await,
        },
        Err(reason) => ScanReply::refused(reason),
    }
}

/// Steps 1–4.
async fn prepare(shared: &Shared, request: &ScanRequest) -> Result<Request, String> {
    let mut message = read_qr(shared, &request.qr).await?;
    lenient_reading(shared, &mut message);
    if shared.has(WalletFault::StrictVersion)
        && message.get("version").and_then(Value::as_str) != Some("v1.0.0")
    {
        return Err("unsupported protocol version; only `v1.0.0` is read".to_string());
    }
    let request_json = check(&message)?;
    match request_json.params().get("expire").and_then(Value::as_u64) {
        // The QR code is void once its second has passed (ONT-L9): nothing is signed, posted,
        // fetched or sent after this point.
        Some(expire) if is_expired(shared, expire) => {
            return Err("the QR code expired".to_string());
        }
        Some(expire)
            if shared.has(WalletFault::ExpireMargin)
                && shared.clock.unix_secs().saturating_add(60) > expire =>
        {
            return Err("the QR code expires within a minute".to_string());
        }
        // `expire` is optional (ONT-L1, ONT-S1, ONT-I1): without it the QR code never expires.
        None if shared.has(WalletFault::ExpireRequired) => {
            return Err("the QR code has no `expire`".to_string());
        }
        Some(_) | None => {}
    }
    // `id` is optional (ONT-T4); only its echo is required where it was given (ONT-T5).
    if request_json.id().is_none() && shared.has(WalletFault::IdRequired) {
        return Err("the request has no `id`".to_string());
    }
    if !request.approve && !shared.has(WalletFault::SignOnReject) {
        return Err("rejected by the user".to_string());
    }
    Ok(request_json)
}

/// What `unknown-action-as-login` and `any-version` read into a request before it is
/// checked: an action other than the four as `login`, any version as `v1.0.0`.
fn lenient_reading(shared: &Shared, message: &mut Value) {
    let Some(request) = message.as_object_mut() else {
        return;
    };
    if shared.has(WalletFault::UnknownActionAsLogin) {
        let known = request
            .get("action")
            .and_then(Value::as_str)
            .is_some_and(|name| Action::from_name(name).is_some());
        if !known {
            request.insert("action".into(), "login".into());
        }
    }
    if shared.has(WalletFault::AnyVersion) {
        request.insert("version".into(), "v1.0.0".into());
    }
}

/// Whether the QR code is past its `expire` second (ONT-L9), as the faults read it.
fn is_expired(shared: &Shared, expire: u64) -> bool {
    if shared.has(WalletFault::SignExpired) {
        return false;
    }
    let grace = if shared.has(WalletFault::ExpireGrace) {
        300
    } else {
        0
    };
    shared.clock.unix_secs() > expire.saturating_add(grace)
}

/// Step 1: the request object the QR text carries.
async fn read_qr(shared: &Shared, text: &str) -> Result<Value, String> {
    let decoded = transport::decode(text).map_err(|e| format!("the QR text is not usable: {e}"))?;
    if decoded.form != QrForm::Json && shared.has(WalletFault::PlainJsonOnly) {
        return Err(format!(
            "the QR text is in the {} form; only plain JSON is read",
            decoded.form
        ));
    }
    let Some(url) = decoded.url() else {
        return Ok(decoded.message);
    };
    // ONT-T3: the URL serves the request. What it serves must be the JSON itself: a URL that
    // serves another URL or a link would let one QR code send the wallet on a chase.
    let reply = shared
        .http
        .get(url)
        .await
        .map_err(|e| format!("the QR URL cannot be fetched: {}", http_reason(&e)))?;
    if reply.status != 200 {
        return Err(format!("the QR URL answered HTTP {}", reply.status));
    }
    let served = std::str::from_utf8(&reply.body)
        .map_err(|e| format!("the QR URL served text that is not UTF-8: {e}"))?;
    let served =
        transport::decode(served).map_err(|e| format!("the QR URL served no request: {e}"))?;
    if served.form != QrForm::Json {
        return Err(format!(
            "the QR URL served a {} text, not the request JSON",
            served.form
        ));
    }
    Ok(served.message)
}

/// Step 2: a supported action and a request that matches its schema.
fn check(message: &Value) -> Result<Request, String> {
    let name = match message.get("action") {
        Some(Value::String(name)) => name.as_str(),
        Some(other) => {
            return Err(clip(format!(
                "the request's action is {other}, not a string"
            )))
        }
        None => return Err("the request has no action".to_string()),
    };
    let action =
        Action::from_name(name).ok_or_else(|| clip(format!("unsupported action `{name}`")))?;
    let mut checked = message.clone();
    // The sign requests' schemas say a message must be hex when `ishex` is true. The wallet
    // checks that itself when it reads the message (sign.rs), so that its refusal says "not
    // hex" and the `sign-invalid-hex` fault can leave out exactly that check.
    if matches!(action, Action::SignMessage | Action::SignMultiMessage) {
        if let Some(ishex) = checked
            .get_mut("params")
            .and_then(|p| p.get_mut("ishex"))
            .filter(|ishex| **ishex == Value::Bool(true))
        {
            *ishex = Value::Bool(false);
        }
    }
    conforms(
        &format!("{}.request", action.name()),
        &checked,
        &format!("the {} request", action.name()),
    )?;
    Ok(Request {
        action,
        message: message.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::MAX_REASON_CHARS;
    use serde_json::json;

    #[test]
    fn check_reads_the_four_actions_and_refuses_others() {
        let login = json!({"action": "login", "version": "v1.0.0", "params": {
            "dappName": "d", "dappIcon": "i", "message": "m", "callback": "http://127.0.0.1:1/c"}});
        assert_eq!(check(&login).map(|r| r.action).ok(), Some(Action::Login));
        let other = json!({"action": "getAccount", "version": "v1.0.0", "params": {}});
        assert!(check(&other).unwrap_err().contains("unsupported action"));
        assert!(check(&json!({"version": "v1.0.0"}))
            .unwrap_err()
            .contains("no action"));
        assert!(check(&json!({"action": 5}))
            .unwrap_err()
            .contains("not a string"));
        let bad = json!({"action": "login", "version": "2", "params": {}});
        assert!(check(&bad)
            .unwrap_err()
            .contains("does not match its schema"));
    }

    #[test]
    fn a_non_hex_message_passes_the_schema_step_so_the_sign_step_can_say_why() {
        let sign = json!({"action": "signMessage", "version": "v1.0.0", "params": {
            "message": "not hex", "ishex": true, "callback": "http://127.0.0.1:1/c"}});
        let checked = check(&sign).expect("the schema step passes");
        // The request handed on is the original one.
        assert_eq!(checked.params()["ishex"], json!(true));
        let wrong_type = json!({"action": "signMessage", "version": "v1.0.0", "params": {
            "message": "aa", "ishex": "yes", "callback": "http://127.0.0.1:1/c"}});
        assert!(check(&wrong_type).is_err());
    }

    #[test]
    fn clip_cuts_on_a_character_boundary() {
        let long = "é".repeat(MAX_REASON_CHARS + 10);
        let clipped = clip(long);
        assert_eq!(clipped.chars().count(), MAX_REASON_CHARS + 1);
        assert_eq!(clip("short".into()), "short");
    }
}
