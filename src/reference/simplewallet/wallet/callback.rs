//! The posts the acting steps ([`sign`](super::sign), [`push`](super::push)) send back to the
//! dApp, and how they read its `{code, error}` reply (SW-L4). The scan
//! ([`scan`](super::scan)) and the acting steps both depend on this module, never on each
//! other's.

use serde_json::Value;

use super::{Shared, SimpleWalletFault};
use crate::net::HttpReply;
use crate::protocol::simplewallet::messages::Reply;
use crate::reference::http_reason;

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
    if shared.has(SimpleWalletFault::IgnoreDappReply) {
        // Posted is taken as done, whatever the dApp answered.
        return Ok(());
    }
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
