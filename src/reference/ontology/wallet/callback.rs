//! The request a scan admitted, as the acting steps ([`sign`](super::sign),
//! [`invoke`](super::invoke)) read it, and the callback they post back: its envelope, its
//! success form, the POST itself, and the schema check every body goes through. The scan
//! ([`scan`](super::scan)) and the acting steps both depend on this module, never on each
//! other's.

use serde_json::{Map, Value};

use super::{Shared, WalletFault};
use crate::reference::{clip, http_reason};
use crate::schema;

/// The actions the wallet acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Action {
    Login,
    SignMessage,
    SignMultiMessage,
    Invoke,
}

impl Action {
    pub(super) fn from_name(name: &str) -> Option<Self> {
        match name {
            "login" => Some(Action::Login),
            "signMessage" => Some(Action::SignMessage),
            "signMultiMessage" => Some(Action::SignMultiMessage),
            "invoke" => Some(Action::Invoke),
            _ => None,
        }
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::SignMessage => "signMessage",
            Action::SignMultiMessage => "signMultiMessage",
            Action::Invoke => "invoke",
        }
    }
}

/// A request that passed steps 1–4: its action and the request object.
#[derive(Debug, Clone)]
pub(super) struct Request {
    pub action: Action,
    pub message: Value,
}

impl Request {
    /// `params`, which the schema requires to be an object.
    pub fn params(&self) -> &Value {
        &self.message["params"]
    }

    /// `params.<key>` as text, when it is text.
    pub fn param_str(&self, key: &str) -> Option<&str> {
        self.params().get(key).and_then(Value::as_str)
    }

    /// The request's `version`, echoed by every callback.
    pub fn version(&self) -> Value {
        self.message.get("version").cloned().unwrap_or(Value::Null)
    }

    /// The request's `id`, when it has one to echo (ONT-T5).
    pub fn id(&self) -> Option<&Value> {
        self.message.get("id").filter(|id| !id.is_null())
    }
}

/// Checks `value` against the schema of `kind`; the refusal names `what`, the first
/// violation and how many there are.
pub(super) fn conforms(kind: &str, value: &Value, what: &str) -> Result<(), String> {
    let violations = schema::validate(kind, value).map_err(|e| e.to_string())?;
    match violations.first() {
        None => Ok(()),
        Some(first) => {
            let at = if first.instance_path.is_empty() {
                String::new()
            } else {
                format!(" at `{}`", first.instance_path)
            };
            Err(clip(format!(
                "{what} does not match its schema{at}: {} ({} violation(s))",
                first.message,
                violations.len()
            )))
        }
    }
}

/// The start of every callback body: `action`, the request's `version`, and its `id` (left
/// out when the request had none, or under `no-id-echo`, ONT-T5).
pub(super) fn envelope(shared: &Shared, action: &str, req: &Request) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("action".into(), action.into());
    body.insert("version".into(), req.version());
    if let Some(id) = req.id() {
        if !shared.has(WalletFault::NoIdEcho) {
            body.insert("id".into(), id.clone());
        }
    }
    body
}

/// Completes an envelope as a success: `error: 0`, `desc: "SUCCESS"`, `result`.
pub(super) fn success(mut body: Map<String, Value>, result: Value) -> Map<String, Value> {
    body.insert("error".into(), 0.into());
    body.insert("desc".into(), "SUCCESS".into());
    body.insert("result".into(), result);
    body
}

/// POSTs a callback body as JSON (ONT-T7) and reads the answer: the dApp's verdict is its
/// `error` (ONT-L10), so a reply that is not a JSON object, or whose `error` is not 0, is a
/// refusal the wallet reports rather than a success (ONT-T10). `ignore-dapp-reply` reports
/// success whatever came back.
pub(super) async fn post_callback(
    shared: &Shared,
    url: &str,
    body: Map<String, Value>,
) -> Result<(), String> {
    let bytes = Value::Object(body).to_string().into_bytes();
    let reply = shared
        .http
        .post_json(url, bytes)
        .await
        .map_err(|e| format!("the callback failed: {}", http_reason(&e)))?;
    if shared.has(WalletFault::IgnoreDappReply) {
        return Ok(());
    }
    dapp_verdict(reply.status, &reply.body)
}

/// What the dApp's reply to a callback says: `Ok` for `error: 0`, else why not.
fn dapp_verdict(status: u16, body: &[u8]) -> Result<(), String> {
    let Ok(Value::Object(reply)) = serde_json::from_slice::<Value>(body) else {
        return Err(format!(
            "the dApp answered the callback with HTTP {status} and a body that is not a JSON object"
        ));
    };
    match reply.get("error").and_then(Value::as_i64) {
        Some(0) => Ok(()),
        Some(code) => Err(clip(format!(
            "the dApp refused the callback: error {code} ({})",
            reply
                .get("desc")
                .and_then(Value::as_str)
                .unwrap_or("no desc")
        ))),
        None => Err("the dApp's reply to the callback has no integer `error`".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::dapp_verdict;

    #[test]
    fn only_an_error_0_envelope_is_the_dapps_acceptance() {
        assert!(dapp_verdict(
            200,
            br#"{"action":"login","error":0,"desc":"SUCCESS","result":true}"#
        )
        .is_ok());
        // The verdict is in `error`, whatever the status (ONT-T8).
        assert!(dapp_verdict(400, br#"{"error":0}"#).is_ok());
        let refused = dapp_verdict(200, br#"{"error":80001,"desc":"PARAMS ERROR","result":1}"#);
        assert!(refused.unwrap_err().contains("80001"));
        assert!(dapp_verdict(200, b"<html>ok</html>").is_err());
        assert!(dapp_verdict(200, b"[0]").is_err());
        assert!(dapp_verdict(200, br#"{"error":"0"}"#).is_err());
    }
}
