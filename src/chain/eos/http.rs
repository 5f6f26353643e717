//! The node's HTTP face (SW-N1): nodeos's paths, JSON bodies in and out, and its error
//! envelope `{code, message, error:{code, name, what, details:[{message}]}}` with nodeos's
//! HTTP statuses. The rules live in [`super::ledger`]; this layer reads bodies, records
//! every request (served or refused; the record is bounded, see
//! [`crate::chain::request_log`]) and writes answers.
//!
//! | path | body | answer |
//! |---|---|---|
//! | `/v1/chain/get_info` | none or `{}` | the chain's head, its last irreversible block and id |
//! | `/v1/chain/get_block` | `{block_num_or_id}` | the block with its transactions, id, number and `ref_block_prefix` |
//! | `/v1/chain/get_block_info` | `{block_num}` | the block's header, id, number and TaPoS fields |
//! | `/v1/chain/get_block_header_state` | `{block_num_or_id}` | the header and producer state |
//! | `/v1/chain/get_account` | `{account_name}` | permissions with their keys and accounts |
//! | `/v1/chain/get_abi` | `{account_name}` | the ABI as JSON |
//! | `/v1/chain/get_raw_abi` | `{account_name, abi_hash?}` | the binary ABI (base64) and its hash |
//! | `/v1/chain/get_raw_code_and_abi` | `{account_name}` | no code, and the binary ABI (base64) |
//! | `/v1/chain/get_table_rows` | `{code, scope, table, lower_bound?, upper_bound?, limit?}` | `{rows, more, next_key}` |
//! | `/v1/chain/get_currency_balance` | `{code, account, symbol?}` | the balances as asset strings |
//! | `/v1/chain/get_required_keys` | `{transaction, available_keys}` | `{required_keys}` |
//! | `/v1/chain/push_transaction`, `/v1/chain/send_transaction` | `{signatures, compression, packed_context_free_data, packed_trx}` | HTTP 202 `{transaction_id, processed}` |
//! | `/v1/history/get_transaction` | `{id, block_num_hint?}` | the transaction, its block and traces |
//!
//! nodeos takes any method on these paths, and so does this face. A body larger than
//! [`MAX_BODY_BYTES`] is refused with 413, a body that is not a JSON object with 400
//! (`invalid_http_request`), and any other path with nodeos's 404 envelope. Successful
//! pushes answer 202, as nodeos's chain API does, and everything else 200.

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{Map, Value};

use super::ledger::{body_object, code, NodeError, Outcome, RecordedRequest};
use super::EosNode;

/// The largest request body read (nodeos's `max-body-size` default is 1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub const GET_INFO: &str = "/v1/chain/get_info";
pub const GET_BLOCK: &str = "/v1/chain/get_block";
pub const GET_BLOCK_INFO: &str = "/v1/chain/get_block_info";
pub const GET_BLOCK_HEADER_STATE: &str = "/v1/chain/get_block_header_state";
pub const GET_ACCOUNT: &str = "/v1/chain/get_account";
pub const GET_ABI: &str = "/v1/chain/get_abi";
pub const GET_RAW_ABI: &str = "/v1/chain/get_raw_abi";
pub const GET_RAW_CODE_AND_ABI: &str = "/v1/chain/get_raw_code_and_abi";
pub const GET_TABLE_ROWS: &str = "/v1/chain/get_table_rows";
pub const GET_CURRENCY_BALANCE: &str = "/v1/chain/get_currency_balance";
pub const GET_REQUIRED_KEYS: &str = "/v1/chain/get_required_keys";
pub const PUSH_TRANSACTION: &str = "/v1/chain/push_transaction";
pub const SEND_TRANSACTION: &str = "/v1/chain/send_transaction";
pub const GET_TRANSACTION: &str = "/v1/history/get_transaction";

/// The endpoints served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Info,
    Block,
    BlockInfo,
    BlockHeaderState,
    Account,
    Abi,
    RawAbi,
    RawCodeAndAbi,
    TableRows,
    CurrencyBalance,
    RequiredKeys,
    Push,
    History,
}

/// Every path and its endpoint.
const ROUTES: [(&str, Endpoint); 14] = [
    (GET_INFO, Endpoint::Info),
    (GET_BLOCK, Endpoint::Block),
    (GET_BLOCK_INFO, Endpoint::BlockInfo),
    (GET_BLOCK_HEADER_STATE, Endpoint::BlockHeaderState),
    (GET_ACCOUNT, Endpoint::Account),
    (GET_ABI, Endpoint::Abi),
    (GET_RAW_ABI, Endpoint::RawAbi),
    (GET_RAW_CODE_AND_ABI, Endpoint::RawCodeAndAbi),
    (GET_TABLE_ROWS, Endpoint::TableRows),
    (GET_CURRENCY_BALANCE, Endpoint::CurrencyBalance),
    (GET_REQUIRED_KEYS, Endpoint::RequiredKeys),
    (PUSH_TRANSACTION, Endpoint::Push),
    (SEND_TRANSACTION, Endpoint::Push),
    (GET_TRANSACTION, Endpoint::History),
];

/// The router over `node`.
pub fn router(node: EosNode) -> Router {
    let route = |endpoint: Endpoint| {
        any(
            move |State(node): State<EosNode>, method: Method, uri: Uri, body: Body| async move {
                answer(&node, Some(endpoint), method, uri, body).await
            },
        )
    };
    ROUTES
        .iter()
        .fold(Router::new(), |router, (path, endpoint)| {
            router.route(path, route(*endpoint))
        })
        .fallback(
            |State(node): State<EosNode>, method: Method, uri: Uri, body: Body| async move {
                answer(&node, None, method, uri, body).await
            },
        )
        .with_state(node)
}

fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body.to_string(),
    )
        .into_response();
    // The `serve node --protocol eos` request log says why a request was refused, in
    // nodeos's words (the error's name and what).
    if let Some(error) = body.get("error").filter(|_| !status.is_success()) {
        let word = |key: &str| {
            error
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        response
            .extensions_mut()
            .insert(crate::net::LoggedVerdict(format!(
                "refused: {} {}",
                word("name"),
                word("what")
            )));
    }
    response
}

async fn answer(
    node: &EosNode,
    endpoint: Option<Endpoint>,
    method: Method,
    uri: Uri,
    body: Body,
) -> Response {
    let path = uri.path().to_string();
    let ((body, body_len), outcome, tx_id) = match to_bytes(body, MAX_BODY_BYTES).await {
        Err(_) => {
            let error = NodeError {
                status: 413,
                ..NodeError::new(
                    code::INVALID_HTTP_REQUEST,
                    format!("the request body exceeds {MAX_BODY_BYTES} bytes"),
                )
            };
            ((String::new(), 0), Err(error), None)
        }
        Ok(bytes) => {
            let (outcome, tx_id) = serve(node, endpoint, &bytes);
            (RecordedRequest::body_fields(&bytes), outcome, tx_id)
        }
    };
    let (status, reply) = match &outcome {
        // nodeos's chain API answers an accepted push with 202 Accepted.
        Ok(value) if endpoint == Some(Endpoint::Push) => (202, value.clone()),
        Ok(value) => (200, value.clone()),
        Err(error) => (error.status, error.envelope()),
    };
    node.add_to_record(RecordedRequest {
        seq: 0,
        method: method.to_string(),
        path,
        body,
        body_len,
        status,
        outcome: match &outcome {
            Ok(_) => Outcome::Served,
            Err(error) => Outcome::Refused {
                code: error.code,
                name: error.name.clone(),
            },
        },
        tx_id,
    });
    json_response(status, &reply)
}

/// The answer to one request, and the transaction it was about.
fn serve(
    node: &EosNode,
    endpoint: Option<Endpoint>,
    bytes: &[u8],
) -> (Result<Value, NodeError>, Option<String>) {
    let Some(endpoint) = endpoint else {
        return (Err(NodeError::not_found()), None);
    };
    let fields = match body_object(bytes, endpoint == Endpoint::Info) {
        Ok(fields) => fields,
        Err(error) => return (Err(error), None),
    };
    let read = |f: fn(&super::ledger::Ledger, &Map<String, Value>) -> Result<Value, NodeError>| {
        (node.read(|l| f(l, &fields)), None)
    };
    match endpoint {
        Endpoint::Info => (Ok(node.info()), None),
        Endpoint::Block => read(super::ledger::Ledger::get_block),
        Endpoint::BlockInfo => read(super::ledger::Ledger::get_block_info),
        Endpoint::BlockHeaderState => read(super::ledger::Ledger::get_block_header_state),
        Endpoint::Account => (node.account(&fields), None),
        Endpoint::Abi => read(super::ledger::Ledger::get_abi),
        Endpoint::RawAbi => read(super::ledger::Ledger::get_raw_abi),
        Endpoint::RawCodeAndAbi => read(super::ledger::Ledger::get_raw_code_and_abi),
        Endpoint::TableRows => (node.table_rows(&fields), None),
        Endpoint::CurrencyBalance => read(super::ledger::Ledger::currency_balance),
        Endpoint::RequiredKeys => read(super::ledger::Ledger::required_keys),
        Endpoint::Push => {
            let (id, outcome) = node.push(&fields);
            (outcome, id)
        }
        Endpoint::History => {
            let id = fields
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase);
            (node.history(&fields), id)
        }
    }
}
