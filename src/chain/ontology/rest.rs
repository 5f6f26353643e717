//! The node's REST face (ONT-N1): the routes a dApp back end or a wallet uses, each answering
//! in the real node's envelope `{Action, Desc, Error, Result, Version: "1.0.0"}` with HTTP 200
//! and `Desc` taken from the error code (ontology-dapi.md §7.1).
//!
//! | route | `Action` | not found |
//! |---|---|---|
//! | `POST /api/v1/transaction[?preExec=1]`, body `{Action, Version, Data}` | `sendrawtransaction` | |
//! | `GET /api/v1/smartcode/event/txhash/{hash}` | `getsmartcodeeventbyhash` | `Error 0`, `Result ""` |
//! | `GET /api/v1/transaction/{hash}[?raw=1]` | `gettransaction` | `44001` |
//! | `GET /api/v1/block/height` | `getblockheight` | |
//!
//! `preExec` and `raw` are read from the query string only, as the real node does; a body
//! that is not a JSON object is `41003`, a missing or non-string `Data` `42002`. Any other
//! path or method is a plain-text HTTP 404, like the real router's `http.NotFound`. Every
//! request, served or not, goes into the node's record (bounded: see
//! [`crate::chain::request_log`]).

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::ledger::check;
use super::ledger::{code, error_desc};
use super::{Action, Api, Node, NodeError, RecordedRequest, SendReply};
use crate::chain::request_log::{body_prefix, RECORDED_BODY_BYTES};
use crate::protocol::ontology::crypto::Address;
use crate::protocol::ontology::tx::{Payload, Transaction};

/// The largest request body accepted: a 1 MiB transaction is 2 MiB of hex, plus the
/// envelope.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024 + 4096;

/// The REST router over `node`.
pub fn router(node: Node) -> Router {
    Router::new()
        .route("/api/v1/transaction", post(send_transaction))
        .route("/api/v1/smartcode/event/txhash/{hash}", get(event_by_hash))
        .route("/api/v1/transaction/{hash}", get(transaction_by_hash))
        .route("/api/v1/block/height", get(block_height))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(node)
}

/// The envelope every REST answer uses.
pub fn envelope(action: &str, error: i64, result: Value) -> Response {
    let body = json!({
        "Action": action,
        "Desc": error_desc(error),
        "Error": error,
        "Result": result,
        "Version": "1.0.0",
    });
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json;charset=utf-8"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body.to_string(),
    )
        .into_response();
    // The `serve node` request log says why a send was refused.
    if error != 0 {
        response
            .extensions_mut()
            .insert(crate::net::LoggedVerdict(format!(
                "refused: {error} {}",
                error_desc(error)
            )));
    }
    response
}

/// Whether the query string sets `key=1`.
fn query_flag(query: Option<&str>, key: &str) -> bool {
    query
        .unwrap_or("")
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .any(|(k, v)| k == key && v == "1")
}

fn target(method: &str, path: &str, query: Option<&str>) -> String {
    match query {
        Some(q) => format!("{method} {path}?{q}"),
        None => format!("{method} {path}"),
    }
}

/// Records a request with the node error code of its answer and, for a refusal, the text
/// the node put in `Result`.
fn record(
    node: &Node,
    action: Action,
    target: String,
    tx_hash: Option<String>,
    (error, reply): (i64, &str),
    body: &[u8],
) {
    node.record(RecordedRequest {
        seq: 0,
        api: Api::Rest,
        action,
        target,
        tx_hash: tx_hash.map(|h| h.to_ascii_lowercase()),
        error,
        reply: reply.to_string(),
        body: body_prefix(body, RECORDED_BODY_BYTES),
        body_len: body.len(),
    });
}

async fn send_transaction(
    State(node): State<Node>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    const ACTION: &str = "sendrawtransaction";
    let pre_exec = query_flag(query.as_deref(), "preExec");
    let action = if pre_exec {
        Action::PreExec
    } else {
        Action::SendRawTransaction
    };
    let target = target("POST", "/api/v1/transaction", query.as_deref());
    let data = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(fields)) => match fields.get("Data") {
            Some(Value::String(data)) => Ok(data.clone()),
            _ => Err(NodeError::new(code::INVALID_PARAMS, "")),
        },
        _ => Err(NodeError::new(code::ILLEGAL_DATAFORMAT, "")),
    };
    let checked = data.and_then(|data| check(&data, pre_exec));
    // The hash is recorded for pre-executions and refusals too, when the bytes parse.
    let hash = checked.as_ref().ok().map(|c| c.tx.display_hash());
    let outcome = checked.and_then(|checked| node.submit(checked));
    let reply = match &outcome {
        Ok(_) => (code::SUCCESS, ""),
        Err(e) => (e.error, e.result.as_str()),
    };
    record(&node, action, target, hash, reply, &body);
    match outcome {
        Ok(SendReply::Hash(hash)) => envelope(ACTION, code::SUCCESS, Value::String(hash)),
        Ok(SendReply::PreExec(result)) => envelope(ACTION, code::SUCCESS, result),
        Err(e) => envelope(ACTION, e.error, Value::String(e.result)),
    }
}

async fn event_by_hash(State(node): State<Node>, Path(hash): Path<String>) -> Response {
    const ACTION: &str = "getsmartcodeeventbyhash";
    let target = format!("GET /api/v1/smartcode/event/txhash/{hash}");
    let (error, result) = match node.event(&hash) {
        Ok(Some(event)) => (code::SUCCESS, event),
        // Unknown or not yet executed: success with an empty string, not 44001.
        Ok(None) => (code::SUCCESS, Value::String(String::new())),
        Err(e) => (e.error, Value::String(String::new())),
    };
    record(
        &node,
        Action::GetEvent,
        target,
        Some(hash),
        (error, ""),
        b"",
    );
    envelope(ACTION, error, result)
}

async fn transaction_by_hash(
    State(node): State<Node>,
    Path(hash): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    const ACTION: &str = "gettransaction";
    let raw = query_flag(query.as_deref(), "raw");
    let target = target(
        "GET",
        &format!("/api/v1/transaction/{hash}"),
        query.as_deref(),
    );
    let (error, result) = match node.transaction(&hash) {
        Ok(Some((tx, _))) if raw => (code::SUCCESS, Value::String(tx.to_hex())),
        Ok(Some((tx, height))) => (code::SUCCESS, transaction_json(&tx, height)),
        Ok(None) => (code::UNKNOWN_TRANSACTION, Value::String(String::new())),
        Err(e) => (e.error, Value::String(String::new())),
    };
    record(
        &node,
        Action::GetTransaction,
        target,
        Some(hash),
        (error, ""),
        b"",
    );
    envelope(ACTION, error, result)
}

async fn block_height(State(node): State<Node>) -> Response {
    record(
        &node,
        Action::GetHeight,
        "GET /api/v1/block/height".into(),
        None,
        (code::SUCCESS, ""),
        b"",
    );
    envelope("getblockheight", code::SUCCESS, Value::from(node.height()))
}

async fn not_found(State(node): State<Node>, method: Method, uri: Uri, body: Bytes) -> Response {
    record(
        &node,
        Action::Unknown,
        target(method.as_str(), uri.path(), uri.query()),
        None,
        (0, "404 page not found"),
        &body,
    );
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "404 page not found\n",
    )
        .into_response()
}

/// A transaction as the real node's `TransactionInfo` shows it.
pub fn transaction_json(tx: &Transaction, height: u32) -> Value {
    let sigs: Vec<Value> = tx
        .signatures
        .iter()
        .map(|s| {
            let program = s.program().ok();
            json!({
                "PubKeys": program.as_ref().map(|p| p.keys.iter().map(|k| k.to_hex()).collect::<Vec<_>>()),
                "M": program.as_ref().map(|p| p.m),
                "SigData": s.invocation.iter().map(hex::encode).collect::<Vec<_>>(),
            })
        })
        .collect();
    let payload = match &tx.payload {
        Payload::Invoke { code } => json!({ "Code": hex::encode(code) }),
        Payload::Deploy {
            code,
            vm_flags,
            name,
            version,
            author,
            email,
            description,
        } => json!({
            "Code": hex::encode(code),
            "VmType": vm_flags,
            "Name": name,
            "CodeVersion": version,
            "Author": author,
            "Email": email,
            "Description": description,
        }),
    };
    json!({
        "Version": tx.version,
        "Nonce": tx.nonce,
        "GasPrice": tx.gas_price,
        "GasLimit": tx.gas_limit,
        "Payer": Address::to_base58(&tx.payer),
        "TxType": tx.tx_type.byte(),
        "Payload": payload,
        "Attributes": [],
        "Sigs": sigs,
        "Hash": tx.display_hash(),
        "Height": height,
    })
}

#[cfg(test)]
mod tests {
    use super::query_flag;

    #[test]
    fn flags_come_from_the_query_string_only_when_exactly_one() {
        assert!(query_flag(Some("preExec=1"), "preExec"));
        assert!(query_flag(Some("a=b&preExec=1"), "preExec"));
        assert!(!query_flag(Some("preExec=true"), "preExec"));
        assert!(!query_flag(Some("preexec=1"), "preExec"));
        assert!(!query_flag(None, "preExec"));
    }
}
