//! The node's JSON-RPC 2.0 face (ONT-N2), POSTed to `/` (ontology-dapi.md §7.2).
//!
//! Answers are `{"jsonrpc": "2.0", "error": <code>, "desc": <ErrMap>, "result": …, "id": <echo>}`
//! with HTTP 200:
//!
//! | method | params | answer |
//! |---|---|---|
//! | `sendrawtransaction` | `[hex]`, or `[hex, 1]` to pre-execute (the number 1 only) | display hash, or `{State, Gas, Result, Notify}` |
//! | `getsmartcodeevent` | `[hash]` | the event, or `null` when unknown |
//! | `getsmartcodeevent` | `[height]` | the events of that block, or `null` when none |
//! | `getblockcount` | `[]` | height + 1 |
//! | `getrawtransaction` | `[hash]` or `[hash, 1]` | hex, or the transaction as JSON; unknown is `44001` |
//!
//! An unknown method gets the real node's odd answer: `error 42001` with a JSON-RPC error
//! object as `result`, and neither `jsonrpc` nor `desc`. A body that is not a JSON object with
//! a string `method` is `41003`; bad params are `42002`. Every request is recorded (bounded:
//! see [`crate::chain::request_log`]).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};

use super::ledger::{check, code, error_desc};
use super::rest::{transaction_json, MAX_BODY_BYTES};
use super::{Action, Api, Node, NodeError, RecordedRequest, SendReply};
use crate::chain::request_log::{body_prefix, RECORDED_BODY_BYTES};

/// The JSON-RPC router over `node`.
pub fn router(node: Node) -> Router {
    Router::new()
        .route("/", post(handle))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(node)
}

fn reply(body: Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn answer(id: Value, error: i64, result: Value) -> Response {
    reply(json!({
        "jsonrpc": "2.0",
        "error": error,
        "desc": error_desc(error),
        "result": result,
        "id": id,
    }))
}

/// What one call produced, before it is put in the envelope.
struct Outcome {
    action: Action,
    tx_hash: Option<String>,
    result: Result<Value, NodeError>,
}

async fn handle(State(node): State<Node>, body: Bytes) -> Response {
    let request = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(fields)) => fields,
        _ => return malformed(&node, &body),
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let Some(method) = request.get("method").and_then(Value::as_str) else {
        return malformed(&node, &body);
    };
    let params = match request.get("params") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => {
            let outcome = Outcome {
                action: action_of(method),
                tx_hash: None,
                result: Err(NodeError::new(code::INVALID_PARAMS, "")),
            };
            return finish(&node, method, id, outcome, &body);
        }
    };
    let outcome = match method {
        "sendrawtransaction" => send(&node, &params),
        "getsmartcodeevent" => event(&node, &params),
        "getblockcount" => Outcome {
            action: Action::GetHeight,
            tx_hash: None,
            result: Ok(Value::from(u64::from(node.height()) + 1)),
        },
        "getrawtransaction" => raw_transaction(&node, &params),
        _ => {
            record(
                &node,
                Action::Unknown,
                method,
                None,
                (code::INVALID_METHOD, "Method not found"),
                &body,
            );
            return reply(json!({
                "error": code::INVALID_METHOD,
                "result": {
                    "code": -32601,
                    "message": "Method not found",
                    "data": "The called method was not found on the server",
                },
                "id": id,
            }));
        }
    };
    finish(&node, method, id, outcome, &body)
}

fn action_of(method: &str) -> Action {
    match method {
        "sendrawtransaction" => Action::SendRawTransaction,
        "getsmartcodeevent" => Action::GetEvent,
        "getblockcount" => Action::GetHeight,
        "getrawtransaction" => Action::GetTransaction,
        _ => Action::Unknown,
    }
}

fn finish(node: &Node, method: &str, id: Value, outcome: Outcome, body: &[u8]) -> Response {
    let reply = match &outcome.result {
        Ok(_) => (code::SUCCESS, ""),
        Err(e) => (e.error, e.result.as_str()),
    };
    record(node, outcome.action, method, outcome.tx_hash, reply, body);
    match outcome.result {
        Ok(result) => answer(id, code::SUCCESS, result),
        Err(e) => answer(id, e.error, Value::String(e.result)),
    }
}

fn malformed(node: &Node, body: &[u8]) -> Response {
    record(
        node,
        Action::Unknown,
        "",
        None,
        (code::ILLEGAL_DATAFORMAT, ""),
        body,
    );
    answer(
        Value::Null,
        code::ILLEGAL_DATAFORMAT,
        Value::String(String::new()),
    )
}

/// Records a request with the node error code of its answer and, for a refusal, the text
/// the node put in `result`.
fn record(
    node: &Node,
    action: Action,
    method: &str,
    tx_hash: Option<String>,
    (error, reply): (i64, &str),
    body: &[u8],
) {
    node.record(RecordedRequest {
        seq: 0,
        api: Api::Rpc,
        action,
        target: method.to_string(),
        tx_hash: tx_hash.map(|h| h.to_ascii_lowercase()),
        error,
        reply: reply.to_string(),
        body: body_prefix(body, RECORDED_BODY_BYTES),
        body_len: body.len(),
    });
}

fn bad_params() -> NodeError {
    NodeError::new(code::INVALID_PARAMS, "")
}

fn send(node: &Node, params: &[Value]) -> Outcome {
    // Only the number 1 asks for pre-execution (`params[1].(float64) == 1`).
    let pre_exec = params.get(1).and_then(Value::as_f64) == Some(1.0);
    let action = if pre_exec {
        Action::PreExec
    } else {
        Action::SendRawTransaction
    };
    let Some(data) = params.first().and_then(Value::as_str) else {
        return Outcome {
            action,
            tx_hash: None,
            result: Err(bad_params()),
        };
    };
    let checked = check(data, pre_exec);
    let tx_hash = checked.as_ref().ok().map(|c| c.tx.display_hash());
    let result = checked
        .and_then(|c| node.submit(c))
        .map(|reply| match reply {
            SendReply::Hash(hash) => Value::String(hash),
            SendReply::PreExec(result) => result,
        });
    Outcome {
        action,
        tx_hash,
        result,
    }
}

fn event(node: &Node, params: &[Value]) -> Outcome {
    match params.first() {
        Some(Value::String(hash)) => Outcome {
            action: Action::GetEvent,
            tx_hash: Some(hash.clone()),
            // Unknown: `result: null`.
            result: node.event(hash).map(|e| e.unwrap_or(Value::Null)),
        },
        Some(Value::Number(n)) => {
            let result = match n.as_u64().and_then(|h| u32::try_from(h).ok()) {
                Some(height) => {
                    let events = node.events_at(height);
                    Ok(if events.is_empty() {
                        Value::Null
                    } else {
                        Value::Array(events)
                    })
                }
                None => Err(bad_params()),
            };
            Outcome {
                action: Action::GetEvent,
                tx_hash: None,
                result,
            }
        }
        _ => Outcome {
            action: Action::GetEvent,
            tx_hash: None,
            result: Err(bad_params()),
        },
    }
}

fn raw_transaction(node: &Node, params: &[Value]) -> Outcome {
    let Some(hash) = params.first().and_then(Value::as_str) else {
        return Outcome {
            action: Action::GetTransaction,
            tx_hash: None,
            result: Err(bad_params()),
        };
    };
    let verbose = params.get(1).and_then(Value::as_f64) == Some(1.0);
    let result = node.transaction(hash).and_then(|found| match found {
        Some((tx, height)) if verbose => Ok(transaction_json(&tx, height)),
        Some((tx, _)) => Ok(Value::String(tx.to_hex())),
        None => Err(NodeError::new(
            code::UNKNOWN_TRANSACTION,
            "unknown transaction",
        )),
    });
    Outcome {
        action: Action::GetTransaction,
        tx_hash: Some(hash.to_string()),
        result,
    }
}

/// A JSON-RPC request body.
pub fn request(method: &str, params: Vec<Value>, id: u64) -> Value {
    let mut fields = Map::new();
    fields.insert("jsonrpc".into(), Value::from("2.0"));
    fields.insert("method".into(), Value::from(method));
    fields.insert("params".into(), Value::Array(params));
    fields.insert("id".into(), Value::from(id));
    Value::Object(fields)
}
