//! A client for an Ontology node's REST or JSON-RPC API: what a dApp back end asks of the
//! chain (send, pre-execute, event by hash, height, ONT ID keys), with every answer checked
//! for the node's envelope and every refusal surfaced with its code.
//!
//! It talks to any node, so it trusts none: the [`HttpClient`] bounds time and body size, and
//! an answer that is not the documented envelope is an error naming what was wrong.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value;

use super::rpc;
use crate::net::{HttpClient, HttpError};
use crate::protocol::ontology::crypto::PublicKey;
use crate::protocol::ontology::ontid::{decode_public_keys, query_transaction, Query};

/// Which API a client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeApi {
    Rest,
    Rpc,
}

impl NodeApi {
    pub fn name(self) -> &'static str {
        match self {
            NodeApi::Rest => "REST",
            NodeApi::Rpc => "JSON-RPC",
        }
    }
}

/// Why a call gave no usable answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NodeClientError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url} did not answer with the node's envelope: {reason}")]
    Envelope { url: String, reason: String },
    /// The node answered with a non-zero error code; the message carries the node's own
    /// description and text, which say why (a script that fails, a signature that does not
    /// verify), not only the code.
    #[error(
        "the node refused with error {error}{}: {}",
        paren(desc),
        reply_text(result)
    )]
    Refused {
        error: i64,
        desc: String,
        result: Value,
    },
    #[error("the ONT ID answer cannot be read: {0}")]
    Identity(String),
}

/// ` (DESC)`, or nothing for a code the node has no description for.
fn paren(desc: &str) -> String {
    if desc.is_empty() {
        String::new()
    } else {
        format!(" ({desc})")
    }
}

/// The node's `Result` as text: a string as it is (without JSON quotes), anything else as
/// JSON, and `""` shown as "(no text)".
fn reply_text(result: &Value) -> String {
    match result {
        Value::String(text) if text.is_empty() => "(no text)".to_string(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

impl NodeClientError {
    /// The node's error code, when the node refused.
    pub fn node_error(&self) -> Option<i64> {
        match self {
            NodeClientError::Refused { error, .. } => Some(*error),
            _ => None,
        }
    }
}

/// A client for one node API.
#[derive(Debug)]
pub struct NodeClient {
    http: HttpClient,
    api: NodeApi,
    /// `http://host:port`, no trailing slash.
    base: String,
    next_id: AtomicU64,
}

impl NodeClient {
    pub fn new(api: NodeApi, base_url: &str, http: HttpClient) -> Self {
        NodeClient {
            http,
            api,
            base: base_url.trim_end_matches('/').to_string(),
            next_id: AtomicU64::new(1),
        }
    }

    pub fn api(&self) -> NodeApi {
        self.api
    }

    /// Sends a signed transaction; the display hash on success.
    pub async fn send_raw(&self, tx_hex: &str) -> Result<String, NodeClientError> {
        let result = match self.api {
            NodeApi::Rest => self.rest_send(tx_hex, false).await?,
            NodeApi::Rpc => {
                self.rpc_call("sendrawtransaction", vec![Value::from(tx_hex)])
                    .await?
            }
        };
        match result {
            Value::String(hash) => Ok(hash),
            other => Err(self.envelope_error(format!("the hash is {other}, not a string"))),
        }
    }

    /// Pre-executes a transaction; the `{State, Gas, Result, Notify}` object.
    pub async fn pre_execute(&self, tx_hex: &str) -> Result<Value, NodeClientError> {
        let result = match self.api {
            NodeApi::Rest => self.rest_send(tx_hex, true).await?,
            NodeApi::Rpc => {
                self.rpc_call(
                    "sendrawtransaction",
                    vec![Value::from(tx_hex), Value::from(1)],
                )
                .await?
            }
        };
        if result.is_object() {
            Ok(result)
        } else {
            Err(self.envelope_error(format!("the pre-execution result is {result}")))
        }
    }

    /// The event of a display hash; `None` when the node has none (REST `""`, RPC `null`).
    pub async fn event(&self, display_hash: &str) -> Result<Option<Value>, NodeClientError> {
        let result = match self.api {
            NodeApi::Rest => {
                let url = format!("{}/api/v1/smartcode/event/txhash/{display_hash}", self.base);
                self.rest_get(&url).await?
            }
            NodeApi::Rpc => {
                self.rpc_call("getsmartcodeevent", vec![Value::from(display_hash)])
                    .await?
            }
        };
        match result {
            Value::Null => Ok(None),
            Value::String(s) if s.is_empty() => Ok(None),
            event @ Value::Object(_) => Ok(Some(event)),
            other => Err(self.envelope_error(format!("the event is {other}"))),
        }
    }

    /// The current block height.
    pub async fn height(&self) -> Result<u64, NodeClientError> {
        match self.api {
            NodeApi::Rest => {
                let url = format!("{}/api/v1/block/height", self.base);
                let result = self.rest_get(&url).await?;
                result
                    .as_u64()
                    .ok_or_else(|| self.envelope_error(format!("the height is {result}")))
            }
            NodeApi::Rpc => {
                let result = self.rpc_call("getblockcount", Vec::new()).await?;
                result
                    .as_u64()
                    .and_then(|count| count.checked_sub(1))
                    .ok_or_else(|| self.envelope_error(format!("the block count is {result}")))
            }
        }
    }

    /// The current keys of an ONT ID, by pre-executing `getPublicKeys` (ONT-L7).
    pub async fn identity_keys(&self, ontid: &str) -> Result<Vec<PublicKey>, NodeClientError> {
        let tx = query_transaction(ontid, Query::GetPublicKeys);
        let result = self.pre_execute(&tx.to_hex()).await?;
        let answer = result
            .get("Result")
            .and_then(Value::as_str)
            .ok_or_else(|| self.envelope_error("the pre-execution has no hex `Result`".into()))?;
        let bytes = hex::decode(answer)
            .map_err(|e| NodeClientError::Identity(format!("`Result` is not hex: {e}")))?;
        decode_public_keys(&bytes)
            .map(|keys| keys.into_iter().map(|(_, key)| key).collect())
            .map_err(|e| NodeClientError::Identity(e.to_string()))
    }

    fn envelope_error(&self, reason: String) -> NodeClientError {
        NodeClientError::Envelope {
            url: self.base.clone(),
            reason,
        }
    }

    async fn rest_send(&self, tx_hex: &str, pre_exec: bool) -> Result<Value, NodeClientError> {
        let url = if pre_exec {
            format!("{}/api/v1/transaction?preExec=1", self.base)
        } else {
            format!("{}/api/v1/transaction", self.base)
        };
        let body = serde_json::json!({
            "Action": "sendrawtransaction",
            "Version": "1.0.0",
            "Data": tx_hex,
        });
        let reply = self
            .http
            .post_json(&url, body.to_string().into_bytes())
            .await?;
        self.rest_result(&url, reply.status, &reply.body)
    }

    async fn rest_get(&self, url: &str) -> Result<Value, NodeClientError> {
        let reply = self.http.get(url).await?;
        self.rest_result(url, reply.status, &reply.body)
    }

    /// Checks a REST answer's envelope and gives its `Result`, or the refusal.
    fn rest_result(&self, url: &str, status: u16, body: &[u8]) -> Result<Value, NodeClientError> {
        if status != 200 {
            return Err(NodeClientError::Status {
                url: url.to_string(),
                status,
            });
        }
        let envelope: Value =
            serde_json::from_slice(body).map_err(|e| NodeClientError::Envelope {
                url: url.to_string(),
                reason: format!("not JSON: {e}"),
            })?;
        let error = envelope
            .get("Error")
            .and_then(Value::as_i64)
            .ok_or_else(|| NodeClientError::Envelope {
                url: url.to_string(),
                reason: "no integer `Error`".into(),
            })?;
        let result = envelope.get("Result").cloned().unwrap_or(Value::Null);
        if error != 0 {
            return Err(NodeClientError::Refused {
                error,
                desc: envelope
                    .get("Desc")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                result,
            });
        }
        Ok(result)
    }

    async fn rpc_call(&self, method: &str, params: Vec<Value>) -> Result<Value, NodeClientError> {
        let url = format!("{}/", self.base);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let body = rpc::request(method, params, id);
        let reply = self
            .http
            .post_json(&url, body.to_string().into_bytes())
            .await?;
        if reply.status != 200 {
            return Err(NodeClientError::Status {
                url,
                status: reply.status,
            });
        }
        let answer: Value =
            serde_json::from_slice(&reply.body).map_err(|e| NodeClientError::Envelope {
                url: url.clone(),
                reason: format!("not JSON: {e}"),
            })?;
        if answer.get("id") != Some(&Value::from(id)) {
            return Err(NodeClientError::Envelope {
                url,
                reason: format!("the answer's `id` is not {id}"),
            });
        }
        let error = answer.get("error").and_then(Value::as_i64).ok_or_else(|| {
            NodeClientError::Envelope {
                url: url.clone(),
                reason: "no integer `error`".into(),
            }
        })?;
        let result = answer.get("result").cloned().unwrap_or(Value::Null);
        if error != 0 {
            return Err(NodeClientError::Refused {
                error,
                desc: answer
                    .get("desc")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                result,
            });
        }
        Ok(result)
    }
}
