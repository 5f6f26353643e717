//! The mock EOS node's state and rules (SW-N1), without any IO: accounts and their
//! permissions, the ABIs of the contracts they host, MYKEY key tables, token balances, the
//! blocks, the transactions it executed, the behaviours a suite switched on, and the record
//! of requests. Time comes in as a parameter (milliseconds since the Unix epoch), so expiry
//! is tested without waiting.
//!
//! Blocks: the chain starts at block 1, and every block's time is kept, so `get_block`,
//! `get_block_info` and `get_block_header_state` answer for any block up to the head. A
//! request that arrives after the head's slot first produces the empty blocks of the slots
//! since then, at most [`TAPOS_BACKFILL_BLOCKS`] of them ending at the request's slot, so the
//! head follows the node's clock and the few blocks behind it are recent: eosjs takes TaPoS
//! from a block `blocksBehind` under the head and computes `expiration` from that block's
//! time. A new chain starts with [`GENESIS_BLOCKS`] blocks for the same reason. Every
//! accepted transaction is executed in a block of its own at the pending slot (the one after
//! the clock's); the blocks of one slot share its time, so the head never runs ahead of the
//! clock under load. The last irreversible block is the head: the mock has instant finality. A block's id is SHA-256 of
//! the chain id and its number, with the number in the first 4 bytes big-endian as in EOSIO,
//! so TaPoS (`ref_block_num`, `ref_block_prefix`) is checked against real ids.
//!
//! A push is checked in nodeos's order: a behaviour-forced refusal, the body and its packed
//! transaction (zlib-compressed or not), key recovery (a signature that is not canonical is
//! refused, as fc refuses it), duplicate signatures, duplicate transaction ids, the action and
//! authorization counts, expiry and the lifetime limit, the reference block, the accounts the
//! actions name, the declared authorizations against the recovered keys (and keys that sign
//! for nothing), and then execution: `transfer` on a token contract moves balances under
//! eosio.token's checks; any other action on an existing contract is recorded without effect.
//! Parsing and key recovery need no state but the chain id ([`PushRequest::parse`],
//! [`recover_keys`]), so the node does them before it takes its lock
//! ([`Ledger::push_recovered`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::abi::{Contract, MYKEY_LOGIC};
use super::mykey::{Forward, SENDACTION};
use crate::chain::request_log::{body_prefix, cap_field, Numbered, RequestLog};
pub use crate::chain::request_log::{
    MAX_RECORDED_REQUESTS, RECORDED_BODY_BYTES, RECORDED_FIELD_BYTES,
};
use crate::protocol::simplewallet::crypto::{PrivateKey, PublicKey, Signature};
use crate::protocol::simplewallet::eosio::{
    format_time_point_sec, transaction_json, Action, Asset, Name, PermissionLevel, Transaction,
    Transfer,
};

/// `eosio.token`.
pub const EOSIO_TOKEN: Name = Name(0x5530_ea03_3482_a600);
/// `active`.
pub const ACTIVE: Name = Name(0x3232_eda8_0000_0000);
/// `owner`.
pub const OWNER: Name = Name(0xa726_ab80_0000_0000);
/// `transfer`.
pub const TRANSFER: Name = Name(0xcdcd_3c2d_5700_0000);

/// nodeos's `max_transaction_lifetime` default: an expiration further ahead is refused.
pub const MAX_TRANSACTION_LIFETIME_SECS: u64 = 60 * 60;
/// The interval between blocks.
pub const BLOCK_INTERVAL_MS: u64 = 500;
/// eosio.token's limit on a transfer memo.
pub const MAX_MEMO_BYTES: usize = 256;
/// How deep account permissions delegate to other accounts' permissions (nodeos's default
/// `max_authority_depth` is 6).
const MAX_AUTHORITY_DEPTH: usize = 6;
/// At most this many rows of a table are answered at once.
pub const MAX_TABLE_ROWS: usize = 1000;
/// `server_version` in `get_info`.
pub const SERVER_VERSION: &str = "qrconform";
/// `head_block_producer` in `get_info` and the producer of every block.
pub const PRODUCER: &str = "eosio";
/// The seed of the key that signs every block (`producer_signature`, `block_signing_key`).
pub const PRODUCER_KEY_SEED: &str = "qrconform/eos/producer";
/// After a pause, a request produces at most this many empty blocks, one per slot up to its
/// own: enough that the blocks eosjs takes TaPoS from (`blocksBehind: 3` in its examples) are
/// recent, without producing a backlog of empty blocks for a long pause.
pub const TAPOS_BACKFILL_BLOCKS: u64 = 12;
/// The blocks a new chain starts with, the last at its creation's slot: clients take TaPoS from
/// a block a few behind the head (eosjs: `head_block_num - blocksBehind`), which a chain of one
/// block does not have.
pub const GENESIS_BLOCKS: u64 = TAPOS_BACKFILL_BLOCKS;
/// The largest transaction a zlib-compressed `packed_trx` may inflate to: nodeos's default
/// `max-body-size`, so that a small compressed body cannot make the node allocate more than
/// an uncompressed one could.
pub const MAX_INFLATED_BYTES: usize = 1024 * 1024;
/// `available_keys` of `get_required_keys` longer than this are refused.
pub const MAX_AVAILABLE_KEYS: usize = 256;

/// nodeos error codes and names used here (EOSIO `chain/exceptions.hpp`, fc exceptions).
pub mod code {
    pub const FC_ASSERT: i64 = 10;
    pub const UNSPECIFIED: i64 = 0;
    pub const TRANSACTION: i64 = 3_040_000;
    pub const TX_NO_ACTION: i64 = 3_040_002;
    pub const TX_NO_AUTHS: i64 = 3_040_003;
    pub const CFA_IRRELEVANT_AUTH: i64 = 3_040_004;
    pub const EXPIRED_TX: i64 = 3_040_005;
    pub const TX_EXP_TOO_FAR: i64 = 3_040_006;
    pub const INVALID_REF_BLOCK: i64 = 3_040_007;
    pub const TX_DUPLICATE: i64 = 3_040_008;
    pub const TX_NOT_FOUND: i64 = 3_040_011;
    pub const PACKED_TRANSACTION_TYPE: i64 = 3_010_010;
    pub const ASSERT_MESSAGE: i64 = 3_050_003;
    pub const UNKNOWN_BLOCK: i64 = 3_100_002;
    pub const TX_DUPLICATE_SIG: i64 = 3_090_001;
    pub const TX_IRRELEVANT_SIG: i64 = 3_090_002;
    pub const UNSATISFIED_AUTHORIZATION: i64 = 3_090_003;
    pub const MISSING_AUTH: i64 = 3_090_004;
    pub const INVALID_HTTP_REQUEST: i64 = 3_200_006;
}

/// A refusal as nodeos sends it: the HTTP status and the `error` object of its envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("HTTP {status}: {name} ({code}): {message}")]
pub struct NodeError {
    /// The HTTP status (nodeos: 401 for `unsatisfied_authorization`, 409 for
    /// `tx_duplicate`, 400 for a request it cannot read or an unknown block, 404 for an
    /// unknown endpoint, 500 otherwise).
    pub status: u16,
    /// The EOSIO error code (`error.code`).
    pub code: i64,
    /// `error.name`, e.g. `expired_tx_exception`.
    pub name: String,
    /// `error.what`, the exception's description.
    pub what: String,
    /// `error.details[0].message`.
    pub message: String,
}

impl NodeError {
    /// An error of the given code; the status, name and `what` follow from it.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        let (name, what) = describe(code);
        let status = match code {
            code::UNSATISFIED_AUTHORIZATION => 401,
            code::TX_DUPLICATE => 409,
            code::INVALID_HTTP_REQUEST | code::UNKNOWN_BLOCK => 400,
            _ => 500,
        };
        NodeError {
            status,
            code,
            name: name.to_string(),
            what: what.to_string(),
            message: message.into(),
        }
    }

    /// nodeos's answer to an unknown path.
    pub fn not_found() -> Self {
        NodeError {
            status: 404,
            ..NodeError::new(code::UNSPECIFIED, "Unknown Endpoint")
        }
    }

    /// `eosio_assert_message_exception` with a contract's `check` message.
    pub fn assert_message(message: &str) -> Self {
        NodeError::new(
            code::ASSERT_MESSAGE,
            format!("assertion failure with message: {message}"),
        )
    }

    /// The body nodeos answers with.
    pub fn envelope(&self) -> Value {
        // nodeos names an unknown block in the envelope's own message.
        let message = if self.code == code::UNKNOWN_BLOCK {
            "Unknown Block"
        } else {
            status_text(self.status)
        };
        json!({
            "code": self.status,
            "message": message,
            "error": {
                "code": self.code,
                "name": self.name,
                "what": self.what,
                "details": [{
                    "message": self.message,
                    "file": "",
                    "line_number": 0,
                    "method": "",
                }],
            },
        })
    }
}

/// The top-level `message` nodeos gives a status.
pub fn status_text(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "UnAuthorized",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        _ => "Internal Service Error",
    }
}

/// The `name` and `what` of an error code.
pub fn describe(code: i64) -> (&'static str, &'static str) {
    match code {
        code::FC_ASSERT => ("assert_exception", "Assert Exception"),
        code::TRANSACTION => ("transaction_exception", "Transaction exception"),
        code::TX_NO_ACTION => ("tx_no_action", "Transaction has no actions"),
        code::TX_NO_AUTHS => ("tx_no_auths", "Transaction has no authorizations"),
        code::CFA_IRRELEVANT_AUTH => (
            "cfa_irrelevant_auth",
            "Context-free action should have no required authority",
        ),
        code::EXPIRED_TX => ("expired_tx_exception", "Expired Transaction"),
        code::TX_EXP_TOO_FAR => ("tx_exp_too_far_exception", "Transaction Expiration Too Far"),
        code::INVALID_REF_BLOCK => ("invalid_ref_block_exception", "Invalid Reference Block"),
        code::TX_DUPLICATE => ("tx_duplicate", "Duplicate transaction"),
        code::TX_NOT_FOUND => ("tx_not_found", "The transaction can not be found"),
        code::PACKED_TRANSACTION_TYPE => (
            "packed_transaction_type_exception",
            "Invalid packed transaction",
        ),
        code::ASSERT_MESSAGE => (
            "eosio_assert_message_exception",
            "eosio_assert_message assertion failure",
        ),
        code::UNKNOWN_BLOCK => ("unknown_block_exception", "Unknown block"),
        code::TX_DUPLICATE_SIG => ("tx_duplicate_sig", "Duplicate signature is included"),
        code::TX_IRRELEVANT_SIG => ("tx_irrelevant_sig", "Irrelevant signature included"),
        code::UNSATISFIED_AUTHORIZATION => (
            "unsatisfied_authorization",
            "Provided keys, permissions, and delays do not satisfy declared authorizations",
        ),
        code::MISSING_AUTH => ("missing_auth_exception", "Missing required authority"),
        code::INVALID_HTTP_REQUEST => ("invalid_http_request", "invalid http request"),
        _ => ("exception", "unspecified"),
    }
}

/// An ordinary account: its `owner` and `active` keys (threshold 1, weight 1 each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    pub name: Name,
    pub owner: Vec<PublicKey>,
    pub active: Vec<PublicKey>,
}

/// One row of MYKEY's `keydata` table (simplewallet.md §6): the key at `index` (3 is the
/// reserved key dApps verify against), its `status` (0 normal, 1 frozen) and `nonce`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDataRow {
    pub index: u32,
    pub pubkey: PublicKey,
    pub status: u32,
    pub nonce: u64,
}

impl KeyDataRow {
    /// The row as `get_table_rows` shows it.
    pub fn to_json(&self) -> Value {
        json!({
            "index": self.index,
            "key": {
                "pubkey": self.pubkey.to_legacy(),
                "status": self.status,
                "nonce": self.nonce,
            },
        })
    }
}

/// A MYKEY account: its `active` and `owner` permissions name the manager contract's
/// `active` (the manager is the actor of `active`), and its keys live in the manager's
/// `keydata` table under the account's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MykeyAccountSpec {
    pub name: Name,
    /// `mykeymanager` on mainnet.
    pub manager: Name,
    pub keys: Vec<KeyDataRow>,
}

/// What a node starts with.
#[derive(Debug, Clone)]
pub struct EosNodeConfig {
    pub chain_id: [u8; 32],
    pub accounts: Vec<AccountSpec>,
    pub mykey: Vec<MykeyAccountSpec>,
    /// Initial `eosio.token` balances.
    pub balances: Vec<(Name, Asset)>,
}

/// A permission's required authority (threshold 1; every key and account weight 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Authority {
    keys: Vec<PublicKey>,
    accounts: Vec<PermissionLevel>,
}

impl Authority {
    fn to_json(&self) -> Value {
        let keys: Vec<Value> = self
            .keys
            .iter()
            .map(|k| json!({"key": k.to_legacy(), "weight": 1}))
            .collect();
        let accounts: Vec<Value> = self
            .accounts
            .iter()
            .map(|level| {
                json!({
                    "permission": {
                        "actor": level.actor.to_string(),
                        "permission": level.permission.to_string(),
                    },
                    "weight": 1,
                })
            })
            .collect();
        json!({"threshold": 1, "keys": keys, "accounts": accounts, "waits": []})
    }
}

#[derive(Debug, Clone)]
struct Account {
    owner: Authority,
    active: Authority,
    created_ms: u64,
}

/// One executed transaction, as the chain holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTransaction {
    /// 64 lower-case hex characters.
    pub id: String,
    pub tx: Transaction,
    pub signatures: Vec<Signature>,
    pub block_num: u32,
    /// Milliseconds since the Unix epoch.
    pub block_time_ms: u64,
    /// Whether it was planted without checks ([`Ledger::insert_executed`]).
    pub planted: bool,
    /// Actions the transaction's actions sent inline, shown in its traces only (as MYKEY's
    /// `mykeymanager::sendaction` forwards a token transfer, simplewallet.md §7).
    pub inline: Vec<Action>,
}

impl StoredTransaction {
    /// The block time as EOSIO writes it (`2026-01-02T03:04:05.500`).
    pub fn block_time(&self) -> String {
        format_time_ms(self.block_time_ms)
    }

    /// The token transfers among its actions: `(contract, data)` for every `transfer`
    /// whose data reads as one.
    pub fn transfers(&self) -> Vec<(Name, Transfer)> {
        self.tx
            .actions
            .iter()
            .filter(|a| a.name == TRANSFER)
            .filter_map(|a| Transfer::unpack(&a.data).ok().map(|t| (a.account, t)))
            .collect()
    }

    /// The actions with their data decoded, as `get_transaction` shows them.
    pub fn actions_json(&self) -> Value {
        transaction_json(&self.tx)["actions"].clone()
    }
}

/// Switches that make the next request misbehave.
#[derive(Debug, Clone, Default)]
pub struct Behaviours {
    /// The next `push_transaction` is refused with this error, whatever it holds.
    pub fail_next_push: Option<NodeError>,
}

/// How a request ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    Served,
    Refused { code: i64, name: String },
}

/// One request as the node saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedRequest {
    /// Arrival order, from 0.
    pub seq: u64,
    pub method: String,
    /// `/v1/chain/get_info` and so on.
    pub path: String,
    /// The body as text (UTF-8, lossy), at most [`RECORDED_BODY_BYTES`] of it: the record
    /// keeps text rather than parsed JSON, whose size in memory a peer could multiply
    /// ([`Self::body_json`] parses it when asked).
    pub body: String,
    /// The full length of the body in bytes (more than `body.len()` when it was cut; 0 when
    /// the body was refused unread).
    pub body_len: usize,
    pub status: u16,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The transaction the request was about (pushed or asked for), lower-case hex.
    pub tx_id: Option<String>,
}

impl Numbered for RecordedRequest {
    fn seq(&self) -> u64 {
        self.seq
    }
    fn set_seq(&mut self, seq: u64) {
        self.seq = seq;
    }
}

impl RecordedRequest {
    /// The body as the record keeps it: its first [`RECORDED_BODY_BYTES`] as text, and its
    /// full length.
    pub fn body_fields(body: &[u8]) -> (String, usize) {
        (body_prefix(body, RECORDED_BODY_BYTES), body.len())
    }

    /// Whether the body was longer than the record keeps.
    pub fn body_cut(&self) -> bool {
        self.body_len > self.body.len()
    }

    /// The body as JSON, when it was kept whole and is JSON.
    pub fn body_json(&self) -> Option<Value> {
        if self.body_cut() {
            return None;
        }
        serde_json::from_str(&self.body).ok()
    }

    pub fn is_refused(&self) -> bool {
        matches!(self.outcome, Outcome::Refused { .. })
    }

    /// The error name of a refusal.
    pub fn error_name(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Refused { name, .. } => Some(name),
            Outcome::Served => None,
        }
    }
}

/// The chain's state.
#[derive(Debug)]
pub struct Ledger {
    chain_id: [u8; 32],
    accounts: BTreeMap<Name, Account>,
    /// `(manager, account)` → rows by index.
    keydata: BTreeMap<(Name, Name), BTreeMap<u32, KeyDataRow>>,
    /// `(contract, account, symbol code)` → balance.
    balances: BTreeMap<(Name, Name, String), Asset>,
    head_num: u32,
    head_time_ms: u64,
    /// Every block's time (milliseconds since the epoch), block 1 first: 8 bytes a block, at
    /// most two blocks a second while requests come, and none while none do.
    block_times: Vec<u64>,
    /// The key that signs every block.
    producer: PrivateKey,
    /// In acceptance order, so also in block order.
    transactions: Vec<StoredTransaction>,
    by_id: HashMap<String, usize>,
    pub behaviours: Behaviours,
    /// The last [`MAX_RECORDED_REQUESTS`] requests.
    requests: RequestLog<RecordedRequest>,
}

/// A block's id: SHA-256(chain id ‖ number BE) with the number in the first 4 bytes.
pub fn block_id(chain_id: &[u8; 32], num: u32) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(chain_id);
    hasher.update(num.to_be_bytes());
    let mut id: [u8; 32] = hasher.finalize().into();
    id[..4].copy_from_slice(&num.to_be_bytes());
    id
}

/// TaPoS's `ref_block_prefix` of a block id: bytes 8..12, little-endian.
pub fn ref_block_prefix(id: &[u8; 32]) -> u32 {
    u32::from_le_bytes([id[8], id[9], id[10], id[11]])
}

/// A time in milliseconds since the epoch as EOSIO writes a `time_point`
/// (`YYYY-MM-DDTHH:MM:SS.mmm`).
pub fn format_time_ms(ms: u64) -> String {
    let seconds = u32::try_from(ms / 1000).unwrap_or(u32::MAX);
    format!("{}.{:03}", format_time_point_sec(seconds), ms % 1000)
}

fn slot_time(now_ms: u64) -> u64 {
    now_ms - now_ms % BLOCK_INTERVAL_MS
}

fn name_arg(field: &str, value: Option<&Value>) -> Result<Name, NodeError> {
    let text = value.and_then(Value::as_str).ok_or_else(|| {
        NodeError::new(
            code::INVALID_HTTP_REQUEST,
            format!("`{field}` is missing or not a string"),
        )
    })?;
    text.parse().map_err(|e| {
        NodeError::new(
            code::INVALID_HTTP_REQUEST,
            format!("`{field}` is not a name: {e}"),
        )
    })
}

/// A bound or limit that nodeos accepts as a number or a numeric string; `None` when absent
/// or empty.
fn number_arg(field: &str, value: Option<&Value>) -> Result<Option<u64>, NodeError> {
    let bad = || {
        NodeError::new(
            code::INVALID_HTTP_REQUEST,
            format!("`{field}` is not a non-negative integer"),
        )
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad()),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(bad),
        Some(_) => Err(bad()),
    }
}

/// The JSON object of a request body; an empty body is `{}` where nodeos allows it.
pub fn body_object(body: &[u8], empty_allowed: bool) -> Result<Map<String, Value>, NodeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return if empty_allowed {
            Ok(Map::new())
        } else {
            Err(NodeError::new(
                code::INVALID_HTTP_REQUEST,
                "A Request body is required",
            ))
        };
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(NodeError::new(
            code::INVALID_HTTP_REQUEST,
            "the request body is not a JSON object",
        )),
        Err(e) => Err(NodeError::new(
            code::INVALID_HTTP_REQUEST,
            format!("Unable to parse valid input from POST body: {e}"),
        )),
    }
}

/// A `push_transaction` body, read.
#[derive(Debug, Clone)]
pub struct PushRequest {
    pub tx: Transaction,
    pub signatures: Vec<Signature>,
}

impl PushRequest {
    /// Reads `{signatures, compression, packed_context_free_data, packed_trx}`; with
    /// `compression` `"zlib"` (or 1, as eosjs sends it) the packed fields are zlib streams,
    /// inflated to at most [`MAX_INFLATED_BYTES`].
    pub fn parse(body: &Map<String, Value>) -> Result<PushRequest, NodeError> {
        let bad = |message: String| NodeError::new(code::PACKED_TRANSACTION_TYPE, message);
        let zlib = match body.get("compression") {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) if s == "none" => false,
            Some(Value::String(s)) if s == "zlib" => true,
            Some(Value::Number(n)) if n.as_u64() == Some(0) => false,
            Some(Value::Number(n)) if n.as_u64() == Some(1) => true,
            Some(other) => {
                return Err(bad(format!(
                    "compression {other} is not supported; only \"none\" (0) and \"zlib\" (1) are"
                )))
            }
        };
        let field = |name: &str| -> Result<Vec<u8>, NodeError> {
            let text = match body.get(name) {
                None | Some(Value::Null) => "",
                Some(Value::String(s)) => s.as_str(),
                Some(_) => return Err(bad(format!("{name} is not a string"))),
            };
            let bytes = hex::decode(text).map_err(|e| bad(format!("{name} is not hex: {e}")))?;
            if zlib && !bytes.is_empty() {
                inflate(&bytes, MAX_INFLATED_BYTES).map_err(|e| bad(format!("{name}: {e}")))
            } else {
                Ok(bytes)
            }
        };
        // An empty list of context-free data packs as one zero byte once unpacked.
        let context_free = field("packed_context_free_data")?;
        if !(context_free.is_empty() || context_free == [0]) {
            return Err(bad(
                "packed_context_free_data must be empty: the node takes no context-free data"
                    .into(),
            ));
        }
        if !matches!(body.get("packed_trx"), Some(Value::String(_))) {
            return Err(bad("packed_trx is missing or not a string".into()));
        }
        let bytes = field("packed_trx")?;
        let tx = Transaction::unpack(&bytes)
            .map_err(|e| bad(format!("packed_trx is not a transaction: {e}")))?;
        let list = match body.get("signatures") {
            Some(Value::Array(list)) => list.as_slice(),
            None | Some(Value::Null) => &[],
            Some(_) => return Err(bad("signatures is not an array".into())),
        };
        let signatures = list
            .iter()
            .enumerate()
            .map(|(i, s)| {
                s.as_str()
                    .ok_or_else(|| bad(format!("signatures[{i}] is not a string")))?
                    .parse::<Signature>()
                    .map_err(|e| bad(format!("signatures[{i}]: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PushRequest { tx, signatures })
    }
}

/// Inflates a zlib stream to at most `limit` bytes: a longer result is refused once `limit`
/// is passed, so a small compressed body cannot make the node allocate more than that.
pub fn inflate(bytes: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(bytes)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("not a zlib stream: {e}"))?;
    if out.len() > limit {
        return Err(format!("it inflates to more than {limit} bytes"));
    }
    Ok(out)
}

/// Which permission an authorization names.
enum PermissionKind {
    Owner,
    Active,
}

impl Ledger {
    /// A chain holding `config`'s accounts, with [`GENESIS_BLOCKS`] blocks, the last
    /// produced at `now_ms`.
    pub fn new(config: EosNodeConfig, now_ms: u64) -> Self {
        let mut ledger = Ledger {
            chain_id: config.chain_id,
            accounts: BTreeMap::new(),
            keydata: BTreeMap::new(),
            balances: BTreeMap::new(),
            head_num: 0,
            head_time_ms: 0,
            block_times: Vec::with_capacity(GENESIS_BLOCKS as usize),
            producer: PrivateKey::from_seed(PRODUCER_KEY_SEED),
            transactions: Vec::new(),
            by_id: HashMap::new(),
            behaviours: Behaviours::default(),
            requests: RequestLog::default(),
        };
        let head_time = slot_time(now_ms);
        for behind in (0..GENESIS_BLOCKS).rev() {
            ledger.push_block(head_time.saturating_sub(behind * BLOCK_INTERVAL_MS));
        }
        for spec in config.accounts {
            ledger.add_account(spec, now_ms);
        }
        for spec in config.mykey {
            ledger.add_mykey_account(spec, now_ms);
        }
        for (account, asset) in config.balances {
            ledger.credit(EOSIO_TOKEN, account, asset);
        }
        ledger
    }

    pub fn chain_id(&self) -> [u8; 32] {
        self.chain_id
    }

    pub fn head_block_num(&self) -> u32 {
        self.head_num
    }

    pub fn head_block_time_ms(&self) -> u64 {
        self.head_time_ms
    }

    /// Adds (or replaces) an ordinary account.
    pub fn add_account(&mut self, spec: AccountSpec, now_ms: u64) {
        let account = Account {
            owner: Authority {
                keys: spec.owner,
                accounts: Vec::new(),
            },
            active: Authority {
                keys: spec.active,
                accounts: Vec::new(),
            },
            created_ms: now_ms,
        };
        self.accounts.insert(spec.name, account);
    }

    /// Adds (or replaces) a MYKEY account and its key rows; the manager account is created
    /// without keys when the chain does not have it.
    pub fn add_mykey_account(&mut self, spec: MykeyAccountSpec, now_ms: u64) {
        let delegated = Authority {
            keys: Vec::new(),
            accounts: vec![PermissionLevel {
                actor: spec.manager,
                permission: ACTIVE,
            }],
        };
        self.accounts.insert(
            spec.name,
            Account {
                owner: delegated.clone(),
                active: delegated,
                created_ms: now_ms,
            },
        );
        self.accounts.entry(spec.manager).or_insert(Account {
            owner: Authority::default(),
            active: Authority::default(),
            created_ms: now_ms,
        });
        let rows = spec.keys.into_iter().map(|row| (row.index, row)).collect();
        self.keydata.insert((spec.manager, spec.name), rows);
    }

    /// Sets the status of a MYKEY key row; `false` when the account has no such row.
    pub fn set_key_status(&mut self, account: Name, index: u32, status: u32) -> bool {
        let mut found = false;
        for ((_, scope), rows) in self.keydata.iter_mut() {
            if *scope == account {
                if let Some(row) = rows.get_mut(&index) {
                    row.status = status;
                    found = true;
                }
            }
        }
        found
    }

    /// Adds `asset` to `account`'s balance on the token `contract` (a zero asset makes the
    /// symbol known to the contract).
    pub fn credit(&mut self, contract: Name, account: Name, asset: Asset) {
        let key = (contract, account, asset.symbol.code.clone());
        match self.balances.get_mut(&key) {
            Some(balance) => balance.amount = balance.amount.saturating_add(asset.amount),
            None => {
                self.balances.insert(key, asset);
            }
        }
    }

    /// A balance, when the account holds the symbol on the contract.
    pub fn balance(&self, contract: Name, account: Name, symbol_code: &str) -> Option<Asset> {
        self.balances
            .get(&(contract, account, symbol_code.to_string()))
            .cloned()
    }

    /// Whether `transfer` on `contract` moves token balances.
    fn is_token_contract(&self, contract: Name) -> bool {
        contract == EOSIO_TOKEN || self.balances.keys().any(|(c, _, _)| *c == contract)
    }

    /// Appends a block at `time_ms`; its number.
    fn push_block(&mut self, time_ms: u64) -> u32 {
        self.head_num = self.head_num.saturating_add(1);
        self.head_time_ms = time_ms;
        self.block_times.push(time_ms);
        self.head_num
    }

    /// Produces the empty blocks of the slots the clock has reached since the head (the last
    /// [`TAPOS_BACKFILL_BLOCKS`] of them at most), so the head block's time follows the clock
    /// and the blocks just behind it are recent. Called before every request is answered.
    pub fn tick(&mut self, now_ms: u64) {
        let slot = slot_time(now_ms);
        if slot <= self.head_time_ms {
            return;
        }
        let earliest = slot.saturating_sub((TAPOS_BACKFILL_BLOCKS - 1) * BLOCK_INTERVAL_MS);
        let mut time = earliest.max(self.head_time_ms.saturating_add(BLOCK_INTERVAL_MS));
        while time <= slot {
            self.push_block(time);
            time = time.saturating_add(BLOCK_INTERVAL_MS);
        }
    }

    /// Produces the block of a transaction accepted at `now_ms`, at the pending slot (the
    /// one after the clock's). Every transaction gets a block of its own, so each push moves
    /// the head and the next transaction built on it has other TaPoS fields; blocks of one
    /// slot share its time, so the head's time never runs more than a slot ahead of the
    /// clock, however many transactions arrive.
    fn produce_block(&mut self, now_ms: u64) -> (u32, u64) {
        let time = slot_time(now_ms)
            .saturating_add(BLOCK_INTERVAL_MS)
            .max(self.head_time_ms);
        (self.push_block(time), time)
    }

    /// A block's time, when the chain has produced it.
    pub fn block_time_ms(&self, num: u32) -> Option<u64> {
        let index = usize::try_from(num.checked_sub(1)?).ok()?;
        self.block_times.get(index).copied()
    }

    /// The transactions of a block (stored in block order).
    fn block_transactions(&self, num: u32) -> &[StoredTransaction] {
        let start = self.transactions.partition_point(|t| t.block_num < num);
        let end = self.transactions.partition_point(|t| t.block_num <= num);
        &self.transactions[start..end]
    }

    fn head_id_hex(&self) -> String {
        hex::encode(block_id(&self.chain_id, self.head_num))
    }

    /// The chain's ABI of an existing account: the system contract's, a token contract's,
    /// a MYKEY manager's or MYKEY's logic contract's; `None` for an account without one.
    pub fn contract_of(&self, account: Name) -> Option<Contract> {
        if !self.accounts.contains_key(&account) {
            return None;
        }
        if account.to_string() == "eosio" {
            Some(Contract::System)
        } else if self.is_token_contract(account) {
            Some(Contract::Token)
        } else if self.keydata.keys().any(|(manager, _)| *manager == account) {
            Some(Contract::MykeyManager)
        } else if account.to_string() == MYKEY_LOGIC {
            Some(Contract::MykeyLogic)
        } else {
            None
        }
    }

    /// `get_info`.
    pub fn info(&self) -> Value {
        let head_id = self.head_id_hex();
        json!({
            "server_version": SERVER_VERSION,
            "chain_id": hex::encode(self.chain_id),
            "head_block_num": self.head_num,
            "last_irreversible_block_num": self.head_num,
            "last_irreversible_block_id": head_id,
            "last_irreversible_block_time": format_time_ms(self.head_time_ms),
            "head_block_id": head_id,
            "head_block_time": format_time_ms(self.head_time_ms),
            "head_block_producer": PRODUCER,
            "virtual_block_cpu_limit": 200_000_000,
            "virtual_block_net_limit": 1_048_576_000,
            "block_cpu_limit": 200_000,
            "block_net_limit": 1_048_576,
            "server_version_string": SERVER_VERSION,
            "fork_db_head_block_num": self.head_num,
            "fork_db_head_block_id": head_id,
        })
    }

    /// `get_account {account_name}`.
    pub fn account(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        let name = name_arg("account_name", body.get("account_name"))?;
        let account = self.accounts.get(&name).ok_or_else(|| {
            NodeError::new(
                code::UNSPECIFIED,
                format!("unknown key (eosio::chain::name): {name}"),
            )
        })?;
        let mut answer = json!({
            "account_name": name.to_string(),
            "head_block_num": self.head_num,
            "head_block_time": format_time_ms(self.head_time_ms),
            "privileged": false,
            "last_code_update": "1970-01-01T00:00:00.000",
            "created": format_time_ms(account.created_ms),
            "ram_quota": 8192,
            "net_weight": 0,
            "cpu_weight": 0,
            "net_limit": {"used": 0, "available": 0, "max": 0},
            "cpu_limit": {"used": 0, "available": 0, "max": 0},
            "ram_usage": 2996,
            "permissions": [
                {"perm_name": "active", "parent": "owner", "required_auth": account.active.to_json()},
                {"perm_name": "owner", "parent": "", "required_auth": account.owner.to_json()},
            ],
            "total_resources": null,
            "self_delegated_bandwidth": null,
            "refund_request": null,
            "voter_info": null,
        });
        if let Some(balance) = self.balance(EOSIO_TOKEN, name, "EOS") {
            answer["core_liquid_balance"] = Value::String(balance.to_string());
        }
        Ok(answer)
    }

    /// `get_table_rows {json, code, scope, table, lower_bound?, upper_bound?, limit?}`:
    /// MYKEY's `keydata` (rows by index) and a token contract's `accounts` (balances); any
    /// other table has no rows.
    pub fn table_rows(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        let code = name_arg("code", body.get("code"))?;
        let scope = name_arg("scope", body.get("scope"))?;
        let table = name_arg("table", body.get("table"))?;
        let lower = number_arg("lower_bound", body.get("lower_bound"))?.unwrap_or(0);
        let upper = number_arg("upper_bound", body.get("upper_bound"))?.unwrap_or(u64::MAX);
        let limit = number_arg("limit", body.get("limit"))?
            .unwrap_or(10)
            .clamp(1, MAX_TABLE_ROWS as u64) as usize;
        // Every table here is keyed by a number: the key index, or the symbol code's raw value.
        let rows: Vec<(u64, Value)> = match table.to_string().as_str() {
            "keydata" => self
                .keydata
                .get(&(code, scope))
                .map(|rows| {
                    rows.values()
                        .map(|row| (u64::from(row.index), row.to_json()))
                        .collect()
                })
                .unwrap_or_default(),
            "accounts" => self
                .balances
                .iter()
                .filter(|((c, a, _), _)| *c == code && *a == scope)
                .map(|(_, asset)| {
                    (
                        symbol_code_raw(&asset.symbol.code),
                        json!({"balance": asset.to_string()}),
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut selected: Vec<(u64, Value)> = rows
            .into_iter()
            .filter(|(key, _)| *key >= lower && *key <= upper)
            .collect();
        selected.sort_by_key(|(key, _)| *key);
        let more = selected.len() > limit;
        let next_key = if more {
            selected[limit].0.to_string()
        } else {
            String::new()
        };
        let rows: Vec<Value> = selected.into_iter().take(limit).map(|(_, v)| v).collect();
        Ok(json!({"rows": rows, "more": more, "next_key": next_key}))
    }

    /// `push_transaction`: checks the request and executes its transaction; the answer on
    /// success.
    pub fn push(&mut self, request: &PushRequest, now_ms: u64) -> Result<Value, NodeError> {
        let keys = recover_keys(&self.chain_id, &request.tx, &request.signatures)?;
        self.push_recovered(request, keys, now_ms)
    }

    /// `push_transaction` after key recovery: `keys` are those [`recover_keys`] found for
    /// `request` on this chain. The node recovers them before it takes its lock, since that
    /// is the costly part of a push and needs nothing but the chain id.
    pub fn push_recovered(
        &mut self,
        request: &PushRequest,
        keys: Vec<PublicKey>,
        now_ms: u64,
    ) -> Result<Value, NodeError> {
        let tx = &request.tx;
        let id = tx.id_hex();
        if self.by_id.contains_key(&id) {
            return Err(NodeError::new(
                code::TX_DUPLICATE,
                format!("duplicate transaction {id}"),
            ));
        }
        self.check_shape(tx)?;
        self.check_time(tx, now_ms)?;
        self.check_ref_block(tx)?;
        self.check_accounts(tx)?;
        self.check_authorization(tx, &keys)?;
        let (balances, inline) = self.execute(tx)?;
        self.balances = balances;
        let mut stored = self.store(tx.clone(), request.signatures.clone(), now_ms, false);
        if let Some(last) = self.transactions.last_mut() {
            last.inline.clone_from(&inline);
        }
        stored.inline = inline;
        Ok(self.push_answer(&stored))
    }

    /// Puts a transaction on chain without any check or effect, with the inline actions its
    /// traces show; its id. A transaction already on chain stays as it is.
    pub fn insert_executed(
        &mut self,
        tx: Transaction,
        signatures: Vec<Signature>,
        inline: Vec<Action>,
        now_ms: u64,
    ) -> String {
        let id = tx.id_hex();
        if !self.by_id.contains_key(&id) {
            let index = self.transactions.len();
            self.store(tx, signatures, now_ms, true);
            if let Some(stored) = self.transactions.get_mut(index) {
                stored.inline = inline;
            }
        }
        id
    }

    fn store(
        &mut self,
        tx: Transaction,
        signatures: Vec<Signature>,
        now_ms: u64,
        planted: bool,
    ) -> StoredTransaction {
        let (block_num, block_time_ms) = self.produce_block(now_ms);
        let stored = StoredTransaction {
            id: tx.id_hex(),
            tx,
            signatures,
            block_num,
            block_time_ms,
            planted,
            inline: Vec::new(),
        };
        self.by_id
            .insert(stored.id.clone(), self.transactions.len());
        self.transactions.push(stored.clone());
        stored
    }
}

/// The public keys behind the signatures over the transaction's signing digest on the chain
/// `chain_id`: one recovery per signature, refusing a signature that is not canonical or
/// recovers a key another signature already gave.
pub fn recover_keys(
    chain_id: &[u8; 32],
    tx: &Transaction,
    signatures: &[Signature],
) -> Result<Vec<PublicKey>, NodeError> {
    let digest = tx.signing_digest(chain_id);
    let mut keys: Vec<PublicKey> = Vec::with_capacity(signatures.len());
    for signature in signatures {
        if !signature.is_canonical() {
            return Err(NodeError::new(
                code::FC_ASSERT,
                "is_canonical( c ): signature is not canonical",
            ));
        }
        // One double-scalar multiplication ([`super::recover`]); the error text is the same
        // as the protocol's recovery gives.
        let key = match super::recover::recover(signature, &digest) {
            Some(key) => key,
            None => {
                let reason = signature
                    .recover_digest(&digest)
                    .err()
                    .map_or_else(|| "no key".to_string(), |e| e.to_string());
                return Err(NodeError::new(
                    code::FC_ASSERT,
                    format!("unable to reconstruct public key from signature: {reason}"),
                ));
            }
        };
        if keys.contains(&key) {
            return Err(NodeError::new(
                    code::TX_DUPLICATE_SIG,
                    format!(
                        "transaction includes more than one signature signed using the same key associated with public key: {}",
                        key.to_legacy()
                    ),
                ));
        }
        keys.push(key);
    }
    Ok(keys)
}

impl Ledger {
    fn check_shape(&self, tx: &Transaction) -> Result<(), NodeError> {
        if tx.actions.is_empty() {
            return Err(NodeError::new(
                code::TX_NO_ACTION,
                "transaction must have at least one action",
            ));
        }
        if tx.actions.iter().any(|a| a.authorization.is_empty()) {
            return Err(NodeError::new(
                code::TX_NO_AUTHS,
                "transaction must have at least one authorization",
            ));
        }
        if tx
            .context_free_actions
            .iter()
            .any(|a| !a.authorization.is_empty())
        {
            return Err(NodeError::new(
                code::CFA_IRRELEVANT_AUTH,
                "context-free actions cannot require authorization",
            ));
        }
        Ok(())
    }

    fn check_time(&self, tx: &Transaction, now_ms: u64) -> Result<(), NodeError> {
        let expiration_ms = u64::from(tx.expiration) * 1000;
        if expiration_ms <= now_ms {
            return Err(NodeError::new(
                code::EXPIRED_TX,
                format!(
                    "expired transaction {}, expiration {}, block time {}",
                    tx.id_hex(),
                    format_time_point_sec(tx.expiration),
                    format_time_ms(now_ms)
                ),
            ));
        }
        if expiration_ms > now_ms.saturating_add(MAX_TRANSACTION_LIFETIME_SECS * 1000) {
            return Err(NodeError::new(
                code::TX_EXP_TOO_FAR,
                format!(
                    "Transaction expiration is too far in the future relative to the reference time of {}, expiration is {} and the maximum transaction lifetime is {} seconds",
                    format_time_ms(now_ms),
                    format_time_point_sec(tx.expiration),
                    MAX_TRANSACTION_LIFETIME_SECS
                ),
            ));
        }
        Ok(())
    }

    /// TaPoS: the most recent block whose number ends in `ref_block_num` must have
    /// `ref_block_prefix` in its id.
    fn check_ref_block(&self, tx: &Transaction) -> Result<(), NodeError> {
        let head = self.head_num;
        let low = u32::from(tx.ref_block_num);
        let mut candidate = (head & !0xffff) | low;
        if candidate > head {
            candidate = candidate.wrapping_sub(0x1_0000);
        }
        let matches = candidate >= 1
            && candidate <= head
            && ref_block_prefix(&block_id(&self.chain_id, candidate)) == tx.ref_block_prefix;
        if matches {
            Ok(())
        } else {
            Err(NodeError::new(
                code::INVALID_REF_BLOCK,
                "Transaction's reference block did not match. Is this transaction from a different fork?",
            ))
        }
    }

    fn check_accounts(&self, tx: &Transaction) -> Result<(), NodeError> {
        for action in tx.context_free_actions.iter().chain(&tx.actions) {
            if !self.accounts.contains_key(&action.account) {
                return Err(NodeError::new(
                    code::TRANSACTION,
                    format!("action's code account '{}' does not exist", action.account),
                ));
            }
            for level in &action.authorization {
                if !self.accounts.contains_key(&level.actor) {
                    return Err(NodeError::new(
                        code::TRANSACTION,
                        format!(
                            "action's authorizing actor '{}' does not exist",
                            level.actor
                        ),
                    ));
                }
                if permission_kind(level.permission).is_none() {
                    return Err(NodeError::new(
                        code::TRANSACTION,
                        format!(
                            "action's authorizations include a non-existent permission: {{\"actor\":\"{}\",\"permission\":\"{}\"}}",
                            level.actor, level.permission
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Every declared authorization must be satisfied by the recovered keys, and every key
    /// must help satisfy one.
    fn check_authorization(&self, tx: &Transaction, keys: &[PublicKey]) -> Result<(), NodeError> {
        let mut used: BTreeSet<PublicKey> = BTreeSet::new();
        for action in &tx.actions {
            for level in &action.authorization {
                let mut satisfying = BTreeSet::new();
                if !self.satisfies(*level, keys, 0, &mut satisfying) {
                    let provided: Vec<String> = keys
                        .iter()
                        .map(|k| format!("\"{}\"", k.to_legacy()))
                        .collect();
                    return Err(NodeError::new(
                        code::UNSATISFIED_AUTHORIZATION,
                        format!(
                            "transaction declares authority '{{\"actor\":\"{}\",\"permission\":\"{}\"}}', but does not have signatures for it under a provided delay of 0 ms, provided permissions [], provided keys [{}], and a delay max limit of 3888000000 ms",
                            level.actor,
                            level.permission,
                            provided.join(",")
                        ),
                    ));
                }
                used.extend(satisfying);
            }
        }
        let irrelevant: Vec<String> = keys
            .iter()
            .filter(|k| !used.contains(k))
            .map(|k| format!("\"{}\"", k.to_legacy()))
            .collect();
        if !irrelevant.is_empty() {
            return Err(NodeError::new(
                code::TX_IRRELEVANT_SIG,
                format!(
                    "transaction bears irrelevant signatures from these keys: [{}]",
                    irrelevant.join(",")
                ),
            ));
        }
        Ok(())
    }

    /// Whether `keys` satisfy `level` (`active` by the active or the owner authority,
    /// `owner` by the owner's), collecting the keys that do.
    fn satisfies(
        &self,
        level: PermissionLevel,
        keys: &[PublicKey],
        depth: usize,
        satisfying: &mut BTreeSet<PublicKey>,
    ) -> bool {
        if depth > MAX_AUTHORITY_DEPTH {
            return false;
        }
        let Some(account) = self.accounts.get(&level.actor) else {
            return false;
        };
        let authorities: Vec<&Authority> = match permission_kind(level.permission) {
            Some(PermissionKind::Active) => vec![&account.active, &account.owner],
            Some(PermissionKind::Owner) => vec![&account.owner],
            None => return false,
        };
        for authority in authorities {
            let direct: Vec<PublicKey> = keys
                .iter()
                .filter(|k| authority.keys.contains(k))
                .copied()
                .collect();
            if !direct.is_empty() {
                satisfying.extend(direct);
                return true;
            }
            for delegate in &authority.accounts {
                if self.satisfies(*delegate, keys, depth + 1, satisfying) {
                    return true;
                }
            }
        }
        false
    }

    /// Runs the actions on a copy of the balances; the new balances and the actions sent
    /// inline when every action succeeds.
    ///
    /// A MYKEY manager's `sendaction` sends the action it forwards inline (simplewallet.md
    /// §7, [`super::mykey`]): only on behalf of an account that authorized the wrapper, and
    /// a token transfer moves balances as a top-level one does.
    #[allow(clippy::type_complexity)]
    fn execute(
        &self,
        tx: &Transaction,
    ) -> Result<(BTreeMap<(Name, Name, String), Asset>, Vec<Action>), NodeError> {
        let mut balances = self.balances.clone();
        let mut inline = Vec::new();
        for action in &tx.actions {
            if action.name == TRANSFER && self.is_token_contract(action.account) {
                self.token_transfer(action, &mut balances)?;
            } else if action.name == SENDACTION
                && self.contract_of(action.account) == Some(Contract::MykeyManager)
                && Forward::is_forward(&action.data)
            {
                let forward = Forward::from_sendaction_data(&action.data)
                    .map_err(|e| NodeError::assert_message(&e))?;
                if !action
                    .authorization
                    .iter()
                    .any(|l| l.actor == forward.signer)
                {
                    return Err(NodeError::new(
                        code::MISSING_AUTH,
                        format!("missing authority of {}", forward.signer),
                    ));
                }
                let sent = forward.action();
                if sent.name == TRANSFER && self.is_token_contract(sent.account) {
                    self.token_transfer(&sent, &mut balances)?;
                }
                inline.push(sent);
            }
        }
        Ok((balances, inline))
    }

    /// eosio.token's `transfer`, check for check.
    fn token_transfer(
        &self,
        action: &Action,
        balances: &mut BTreeMap<(Name, Name, String), Asset>,
    ) -> Result<(), NodeError> {
        let transfer = Transfer::unpack(&action.data).map_err(|e| {
            NodeError::new(
                code::ASSERT_MESSAGE,
                format!("the transfer data cannot be read: {e}"),
            )
        })?;
        let contract = action.account;
        if transfer.from == transfer.to {
            return Err(NodeError::assert_message("cannot transfer to self"));
        }
        if !action
            .authorization
            .iter()
            .any(|l| l.actor == transfer.from)
        {
            return Err(NodeError::new(
                code::MISSING_AUTH,
                format!("missing authority of {}", transfer.from),
            ));
        }
        if !self.accounts.contains_key(&transfer.to) {
            return Err(NodeError::assert_message("to account does not exist"));
        }
        let code_text = transfer.quantity.symbol.code.clone();
        let known = balances
            .iter()
            .find(|((c, _, s), _)| *c == contract && *s == code_text)
            .map(|(_, asset)| asset.symbol.clone());
        let Some(symbol) = known else {
            return Err(NodeError::assert_message("unable to find key"));
        };
        if transfer.quantity.amount <= 0 {
            return Err(NodeError::assert_message("must transfer positive quantity"));
        }
        if transfer.quantity.symbol != symbol {
            return Err(NodeError::assert_message("symbol precision mismatch"));
        }
        if transfer.memo.len() > MAX_MEMO_BYTES {
            return Err(NodeError::assert_message("memo has more than 256 bytes"));
        }
        let from_key = (contract, transfer.from, code_text.clone());
        let Some(from_balance) = balances.get_mut(&from_key) else {
            return Err(NodeError::assert_message("no balance object found"));
        };
        if from_balance.amount < transfer.quantity.amount {
            return Err(NodeError::assert_message("overdrawn balance"));
        }
        from_balance.amount -= transfer.quantity.amount;
        let to_key = (contract, transfer.to, code_text);
        match balances.get_mut(&to_key) {
            Some(balance) => {
                balance.amount = balance.amount.saturating_add(transfer.quantity.amount);
            }
            None => {
                balances.insert(to_key, transfer.quantity.clone());
            }
        }
        Ok(())
    }

    /// The accounts an action's trace notifies, in order: the contract, then for a token
    /// transfer its `from` and `to`.
    fn receivers(&self, action: &Action) -> Vec<Name> {
        let mut receivers = vec![action.account];
        if action.name == TRANSFER && self.is_token_contract(action.account) {
            if let Ok(transfer) = Transfer::unpack(&action.data) {
                for party in [transfer.from, transfer.to] {
                    if !receivers.contains(&party) {
                        receivers.push(party);
                    }
                }
            }
        }
        receivers
    }

    /// The action traces of a stored transaction, as nodeos 2.0 writes them.
    pub fn traces(&self, stored: &StoredTransaction) -> Vec<Value> {
        let inline_tx = Transaction {
            actions: stored.inline.clone(),
            ..Transaction::default()
        };
        let actions = stored.actions_json();
        let inline_actions = transaction_json(&inline_tx)["actions"].clone();
        let all = stored
            .tx
            .actions
            .iter()
            .zip(actions.as_array().into_iter().flatten())
            .map(|(action, act)| (action, act.clone(), false))
            .chain(
                stored
                    .inline
                    .iter()
                    .zip(inline_actions.as_array().into_iter().flatten())
                    .map(|(action, act)| (action, act.clone(), true)),
            );
        let mut traces = Vec::new();
        let mut ordinal = 0u32;
        for (action, act, inline) in all {
            let parent = ordinal + 1;
            for (n, receiver) in self.receivers(action).into_iter().enumerate() {
                ordinal += 1;
                // Inline actions were sent by the first action; notifications by their action.
                let creator = match (n, inline) {
                    (0, false) => 0,
                    (0, true) => 1,
                    _ => parent,
                };
                traces.push(json!({
                    "action_ordinal": ordinal,
                    "creator_action_ordinal": creator,
                    "closest_unnotified_ancestor_action_ordinal": creator,
                    "receipt": {
                        "receiver": receiver.to_string(),
                        "act_digest": hex::encode(Sha256::digest(&action.data)),
                        "global_sequence": u64::from(stored.block_num) * 100 + u64::from(ordinal),
                        "recv_sequence": 1,
                        "auth_sequence": [],
                        "code_sequence": 1,
                        "abi_sequence": 1,
                    },
                    "receiver": receiver.to_string(),
                    "act": act,
                    "context_free": false,
                    "elapsed": 0,
                    "console": "",
                    "trx_id": stored.id,
                    "block_num": stored.block_num,
                    "block_time": stored.block_time(),
                    "producer_block_id": null,
                    "account_ram_deltas": [],
                    "except": null,
                    "error_code": null,
                }));
            }
        }
        traces
    }

    fn receipt(stored: &StoredTransaction) -> Value {
        json!({
            "status": "executed",
            "cpu_usage_us": 100,
            "net_usage_words": stored.tx.pack().len().div_ceil(8) + 8,
        })
    }

    fn push_answer(&self, stored: &StoredTransaction) -> Value {
        json!({
            "transaction_id": stored.id,
            "processed": {
                "id": stored.id,
                "block_num": stored.block_num,
                "block_time": stored.block_time(),
                "producer_block_id": null,
                "receipt": Self::receipt(stored),
                "elapsed": 100,
                "net_usage": stored.tx.pack().len().div_ceil(8) * 8 + 64,
                "scheduled": false,
                "action_traces": self.traces(stored),
                "account_ram_delta": null,
                "except": null,
                "error_code": null,
            },
        })
    }

    /// `/v1/history/get_transaction {id}`.
    pub fn history(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        let id = body
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                NodeError::new(
                    code::INVALID_HTTP_REQUEST,
                    "`id` is missing or not a string",
                )
            })?
            .to_ascii_lowercase();
        let stored = self.transaction(&id).ok_or_else(|| {
            NodeError::new(
                code::TX_NOT_FOUND,
                format!("Transaction {id} not found in history"),
            )
        })?;
        let signatures: Vec<String> = stored.signatures.iter().map(ToString::to_string).collect();
        let mut trx = transaction_json(&stored.tx);
        trx["signatures"] = json!(signatures);
        trx["context_free_data"] = json!([]);
        let mut receipt = Self::receipt(stored);
        receipt["trx"] = json!([1, {
            "signatures": signatures,
            "compression": "none",
            "packed_context_free_data": "",
            "packed_trx": hex::encode(stored.tx.pack()),
        }]);
        Ok(json!({
            "id": stored.id,
            "trx": {"receipt": receipt, "trx": trx},
            "block_time": stored.block_time(),
            "block_num": stored.block_num,
            "last_irreversible_block": self.head_num,
            "traces": self.traces(stored),
        }))
    }

    /// A stored transaction by id (hex, any case).
    pub fn transaction(&self, id: &str) -> Option<&StoredTransaction> {
        self.by_id
            .get(&id.to_ascii_lowercase())
            .and_then(|i| self.transactions.get(*i))
    }

    /// Every stored transaction, in order.
    pub fn transactions(&self) -> &[StoredTransaction] {
        &self.transactions
    }

    /// Adds a request to the record, numbering it, cutting its body to
    /// [`RECORDED_BODY_BYTES`] and its other text to [`RECORDED_FIELD_BYTES`], and dropping
    /// the oldest request past [`MAX_RECORDED_REQUESTS`].
    pub fn record(&mut self, mut request: RecordedRequest) {
        cap_field(&mut request.method, RECORDED_FIELD_BYTES);
        cap_field(&mut request.path, RECORDED_FIELD_BYTES);
        if let Some(id) = &mut request.tx_id {
            cap_field(id, RECORDED_FIELD_BYTES);
        }
        if let Outcome::Refused { name, .. } = &mut request.outcome {
            cap_field(name, RECORDED_FIELD_BYTES);
        }
        request.body_len = request.body_len.max(request.body.len());
        if request.body.len() > RECORDED_BODY_BYTES {
            request.body = body_prefix(request.body.as_bytes(), RECORDED_BODY_BYTES);
        }
        self.requests.push(request);
    }

    /// The kept requests (the last [`MAX_RECORDED_REQUESTS`]), in arrival order.
    pub fn requests(&self) -> &[RecordedRequest] {
        self.requests.entries()
    }

    /// The sequence number the next request will get: a mark for
    /// [`Self::requests_since`].
    pub fn request_mark(&self) -> u64 {
        self.requests.mark()
    }

    /// The kept requests numbered `mark` or later, and how many of those were dropped.
    pub fn requests_since(&self, mark: u64) -> (&[RecordedRequest], u64) {
        (self.requests.since(mark), self.requests.dropped_since(mark))
    }

    /// How many requests were dropped from the record to keep it bounded.
    pub fn dropped_requests(&self) -> u64 {
        self.requests.dropped()
    }
}

/// The ABI endpoints and the read-only endpoints eosjs calls before a push.
impl Ledger {
    /// A block number from `block_num_or_id` (a number, a numeric string, or a block id of
    /// this chain) or `block_num`; the block must be produced.
    fn block_arg(&self, value: Option<&Value>, field: &str) -> Result<u32, NodeError> {
        let unknown = |what: &str| {
            NodeError::new(code::UNKNOWN_BLOCK, format!("Could not find block: {what}"))
        };
        let num = match value {
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| unknown(&n.to_string()))?,
            Some(Value::String(text)) if text.len() == 64 => {
                let id: [u8; 32] = hex::decode(text)
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or_else(|| unknown(text))?;
                let num = u32::from_be_bytes([id[0], id[1], id[2], id[3]]);
                if block_id(&self.chain_id, num) != id {
                    return Err(unknown(text));
                }
                num
            }
            Some(Value::String(text)) => text.trim().parse().map_err(|_| unknown(text))?,
            _ => {
                return Err(NodeError::new(
                    code::INVALID_HTTP_REQUEST,
                    format!("`{field}` is missing or not a block number or id"),
                ))
            }
        };
        match self.block_time_ms(num) {
            Some(_) => Ok(num),
            None => Err(unknown(&num.to_string())),
        }
    }

    /// A block's header fields, as `get_block`, `get_block_info` and the header state show
    /// them. The Merkle roots hash the block's transaction ids (zeros for an empty block),
    /// and the producer signs the block id: the mock keeps no real header to sign.
    fn block_header(&self, num: u32) -> Map<String, Value> {
        let id = block_id(&self.chain_id, num);
        let previous = match num {
            0 | 1 => [0u8; 32],
            n => block_id(&self.chain_id, n - 1),
        };
        let transactions = self.block_transactions(num);
        let mroot = if transactions.is_empty() {
            [0u8; 32]
        } else {
            let mut hasher = Sha256::new();
            for stored in transactions {
                hasher.update(stored.id.as_bytes());
            }
            hasher.finalize().into()
        };
        let time = self.block_time_ms(num).unwrap_or(self.head_time_ms);
        let signature = self.producer.sign_digest(&Sha256::digest(id).into());
        let mut header = Map::new();
        header.insert("timestamp".into(), json!(format_time_ms(time)));
        header.insert("producer".into(), json!(PRODUCER));
        header.insert("confirmed".into(), json!(0));
        header.insert("previous".into(), json!(hex::encode(previous)));
        header.insert("transaction_mroot".into(), json!(hex::encode(mroot)));
        header.insert("action_mroot".into(), json!(hex::encode(mroot)));
        header.insert("schedule_version".into(), json!(0));
        header.insert("new_producers".into(), Value::Null);
        header.insert("header_extensions".into(), json!([]));
        header.insert("producer_signature".into(), json!(signature.to_string()));
        header
    }

    /// `get_block {block_num_or_id}`: the signed block with its transactions, its id,
    /// number and TaPoS prefix.
    pub fn get_block(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        let num = self.block_arg(body.get("block_num_or_id"), "block_num_or_id")?;
        let id = block_id(&self.chain_id, num);
        let mut block = self.block_header(num);
        let transactions: Vec<Value> = self
            .block_transactions(num)
            .iter()
            .map(|stored| {
                let signatures: Vec<String> =
                    stored.signatures.iter().map(ToString::to_string).collect();
                let mut receipt = Self::receipt(stored);
                receipt["trx"] = json!({
                    "id": stored.id,
                    "signatures": signatures,
                    "compression": "none",
                    "packed_context_free_data": "",
                    "context_free_data": [],
                    "packed_trx": hex::encode(stored.tx.pack()),
                    "transaction": transaction_json(&stored.tx),
                });
                receipt
            })
            .collect();
        block.insert("transactions".into(), Value::Array(transactions));
        block.insert("block_extensions".into(), json!([]));
        block.insert("id".into(), json!(hex::encode(id)));
        block.insert("block_num".into(), json!(num));
        block.insert("ref_block_prefix".into(), json!(ref_block_prefix(&id)));
        Ok(Value::Object(block))
    }

    /// `get_block_info {block_num}` (nodeos 2.1): the header without transactions.
    pub fn get_block_info(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        let num = self.block_arg(body.get("block_num"), "block_num")?;
        let id = block_id(&self.chain_id, num);
        let mut info = self.block_header(num);
        info.remove("new_producers");
        info.remove("header_extensions");
        info.insert("block_num".into(), json!(num));
        info.insert("ref_block_num".into(), json!(num & 0xffff));
        info.insert("id".into(), json!(hex::encode(id)));
        info.insert("ref_block_prefix".into(), json!(ref_block_prefix(&id)));
        Ok(Value::Object(info))
    }

    /// `get_block_header_state {block_num_or_id}`: the header and the producer schedule
    /// state nodeos keeps for a block. nodeos keeps it for reversible blocks only; the mock,
    /// whose head is irreversible at once, answers it for every block.
    pub fn get_block_header_state(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        let num = self.block_arg(body.get("block_num_or_id"), "block_num_or_id")?;
        let id = block_id(&self.chain_id, num);
        let signing_key = self.producer.public_key().to_legacy();
        let mut header = self.block_header(num);
        header.remove("new_producers");
        let schedule = json!({
            "version": 0,
            "producers": [{
                "producer_name": PRODUCER,
                "authority": [0, {"threshold": 1, "keys": [{"key": signing_key, "weight": 1}]}],
            }],
        });
        Ok(json!({
            "block_num": num,
            "dpos_proposed_irreversible_blocknum": num,
            "dpos_irreversible_blocknum": num,
            "active_schedule": schedule,
            "blockroot_merkle": {"_active_nodes": [], "_node_count": num.saturating_sub(1)},
            "producer_to_last_produced": [[PRODUCER, num]],
            "producer_to_last_implied_irb": [[PRODUCER, num]],
            "valid_block_signing_authority": [0, {"threshold": 1, "keys": [{"key": signing_key, "weight": 1}]}],
            "confirm_count": [],
            "id": hex::encode(id),
            "header": header,
            "pending_schedule": {
                "schedule_lib_num": 0,
                "schedule_hash": hex::encode([0u8; 32]),
                "schedule": {"version": 0, "producers": []},
            },
            "activated_protocol_features": {"protocol_features": []},
            "additional_signatures": [],
        }))
    }

    /// The account an ABI endpoint names, which must exist (nodeos's answer for an unknown
    /// account is the one `get_account` gives).
    fn existing_account(&self, body: &Map<String, Value>) -> Result<Name, NodeError> {
        let name = name_arg("account_name", body.get("account_name"))?;
        if self.accounts.contains_key(&name) {
            Ok(name)
        } else {
            Err(NodeError::new(
                code::UNSPECIFIED,
                format!("unknown key (eosio::chain::name): {name}"),
            ))
        }
    }

    fn abi_of(&self, account: Name) -> Option<&'static super::abi::Abi> {
        self.contract_of(account).and_then(Contract::abi)
    }

    /// `get_abi {account_name}`: the ABI as JSON; without `abi` for an account that has none.
    pub fn get_abi(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        let name = self.existing_account(body)?;
        let mut answer = json!({"account_name": name.to_string()});
        if let Some(abi) = self.abi_of(name) {
            answer["abi"] = abi.json.clone();
        }
        Ok(answer)
    }

    /// `get_raw_abi {account_name, abi_hash?}`: the binary ABI in base64 with its SHA-256;
    /// the ABI itself is left out when the caller's `abi_hash` is already the current one.
    /// No account here has code, so `code_hash` is zeros.
    pub fn get_raw_abi(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        use base64::Engine as _;
        let name = self.existing_account(body)?;
        let binary: &[u8] = self.abi_of(name).map_or(&[], |abi| abi.binary.as_slice());
        let hash = hex::encode(Sha256::digest(binary));
        let mut answer = json!({
            "account_name": name.to_string(),
            "code_hash": hex::encode([0u8; 32]),
            "abi_hash": hash,
        });
        let known = body.get("abi_hash").and_then(Value::as_str) == Some(hash.as_str());
        if !known {
            answer["abi"] = json!(base64::engine::general_purpose::STANDARD.encode(binary));
        }
        Ok(answer)
    }

    /// `get_raw_code_and_abi {account_name}`: the code (none here) and the binary ABI, both
    /// in base64.
    pub fn get_raw_code_and_abi(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        use base64::Engine as _;
        let name = self.existing_account(body)?;
        let binary: &[u8] = self.abi_of(name).map_or(&[], |abi| abi.binary.as_slice());
        Ok(json!({
            "account_name": name.to_string(),
            "wasm": "",
            "abi": base64::engine::general_purpose::STANDARD.encode(binary),
        }))
    }

    /// `get_currency_balance {code, account, symbol?}`: the account's balances on the token
    /// contract `code` (of `symbol` only, when given), as asset strings.
    pub fn currency_balance(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        let contract = name_arg("code", body.get("code"))?;
        let account = name_arg("account", body.get("account"))?;
        let symbol = match body.get("symbol") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(_) => {
                return Err(NodeError::new(
                    code::INVALID_HTTP_REQUEST,
                    "`symbol` is not a string",
                ))
            }
        };
        if !self.accounts.contains_key(&contract) {
            return Err(NodeError::new(
                code::UNSPECIFIED,
                format!("unknown key (eosio::chain::name): {contract}"),
            ));
        }
        let balances: Vec<String> = self
            .balances
            .iter()
            .filter(|((c, a, s), _)| {
                *c == contract && *a == account && symbol.as_deref().is_none_or(|want| want == s)
            })
            .map(|(_, asset)| asset.to_string())
            .collect();
        Ok(json!(balances))
    }

    /// `get_required_keys {transaction, available_keys}`: which of the available keys the
    /// transaction's declared authorizations need, by the rules a push is checked by; an
    /// authorization the keys cannot satisfy is nodeos's `unsatisfied_authorization`.
    pub fn required_keys(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        let bad = |message: String| NodeError::new(code::INVALID_HTTP_REQUEST, message);
        let available = match body.get("available_keys") {
            Some(Value::Array(keys)) if keys.len() <= MAX_AVAILABLE_KEYS => keys
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    k.as_str()
                        .and_then(|text| text.parse::<PublicKey>().ok())
                        .ok_or_else(|| bad(format!("available_keys[{i}] is not a public key")))
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(Value::Array(_)) => {
                return Err(bad(format!(
                    "available_keys lists more than {MAX_AVAILABLE_KEYS} keys"
                )))
            }
            _ => return Err(bad("`available_keys` is missing or not an array".into())),
        };
        let tx = body
            .get("transaction")
            .filter(|t| t.is_object())
            .ok_or_else(|| bad("`transaction` is missing or not an object".into()))?;
        let mut levels = Vec::new();
        for list in ["context_free_actions", "actions"] {
            let actions = match tx.get(list) {
                None | Some(Value::Null) => &[][..],
                Some(Value::Array(actions)) => actions.as_slice(),
                Some(_) => return Err(bad(format!("`transaction.{list}` is not an array"))),
            };
            for (i, action) in actions.iter().enumerate() {
                let authorization = match action.get("authorization") {
                    None | Some(Value::Null) => &[][..],
                    Some(Value::Array(levels)) => levels.as_slice(),
                    Some(_) => {
                        return Err(bad(format!(
                            "`transaction.{list}[{i}].authorization` is not an array"
                        )))
                    }
                };
                for level in authorization {
                    let field = |f: &str| {
                        name_arg(
                            &format!("transaction.{list}[{i}].authorization.{f}"),
                            level.get(f),
                        )
                    };
                    levels.push(PermissionLevel {
                        actor: field("actor")?,
                        permission: field("permission")?,
                    });
                }
            }
        }
        let mut required: BTreeSet<PublicKey> = BTreeSet::new();
        for level in levels {
            let mut satisfying = BTreeSet::new();
            if !self.satisfies(level, &available, 0, &mut satisfying) {
                return Err(NodeError::new(
                    code::UNSATISFIED_AUTHORIZATION,
                    format!(
                        "transaction declares authority '{{\"actor\":\"{}\",\"permission\":\"{}\"}}', but does not have signatures for it.",
                        level.actor, level.permission
                    ),
                ));
            }
            required.extend(satisfying);
        }
        // In the order the caller listed them, each once.
        let mut keys: Vec<String> = Vec::new();
        for key in &available {
            if required.remove(key) {
                keys.push(key.to_legacy());
            }
        }
        Ok(json!({"required_keys": keys}))
    }
}

fn permission_kind(permission: Name) -> Option<PermissionKind> {
    match permission {
        OWNER => Some(PermissionKind::Owner),
        ACTIVE => Some(PermissionKind::Active),
        _ => None,
    }
}

/// A symbol code's raw value (its letters little-endian in a u64), the key of a token
/// contract's `accounts` table.
fn symbol_code_raw(code: &str) -> u64 {
    code.bytes()
        .take(7)
        .enumerate()
        .fold(0u64, |raw, (i, b)| raw | (u64::from(b) << (8 * i)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::simplewallet::crypto::PrivateKey;

    const T0: u64 = 1_800_000_000_000;
    const CHAIN: [u8; 32] = [7u8; 32];

    fn name(text: &str) -> Name {
        text.parse().expect("a valid test name")
    }

    fn key(seed: &str) -> PrivateKey {
        PrivateKey::from_seed(seed)
    }

    fn eos(text: &str) -> Asset {
        text.parse().expect("a valid test asset")
    }

    fn ledger() -> Ledger {
        let mut config = EosNodeConfig {
            chain_id: CHAIN,
            accounts: Vec::new(),
            mykey: Vec::new(),
            balances: vec![(name("alice"), eos("10.0000 EOS"))],
        };
        for account in ["alice", "bob"] {
            config.accounts.push(AccountSpec {
                name: name(account),
                owner: vec![key(&format!("{account}/owner")).public_key()],
                active: vec![key(account).public_key()],
            });
        }
        for contract in ["eosio", "eosio.token"] {
            config.accounts.push(AccountSpec {
                name: name(contract),
                owner: Vec::new(),
                active: Vec::new(),
            });
        }
        config.accounts.push(AccountSpec {
            name: name("mykeymanager"),
            owner: vec![key("manager").public_key()],
            active: vec![key("manager").public_key()],
        });
        config.mykey.push(MykeyAccountSpec {
            name: name("mykeyuser"),
            manager: name("mykeymanager"),
            keys: (0..6)
                .map(|index| KeyDataRow {
                    index,
                    pubkey: key(&format!("mykey/{index}")).public_key(),
                    status: 0,
                    nonce: u64::from(index) * 10,
                })
                .collect(),
        });
        config.balances.push((name("mykeyuser"), eos("5.0000 EOS")));
        Ledger::new(config, T0)
    }

    fn transfer_action(from: &str, to: &str, quantity: &str, actor: &str, perm: &str) -> Action {
        Action {
            account: EOSIO_TOKEN,
            name: TRANSFER,
            authorization: vec![PermissionLevel {
                actor: name(actor),
                permission: name(perm),
            }],
            data: Transfer {
                from: name(from),
                to: name(to),
                quantity: eos(quantity),
                memo: "order 1".into(),
            }
            .pack(),
        }
    }

    /// A transaction on the ledger's head block, expiring in 30 s.
    fn tx_on_head(ledger: &Ledger, actions: Vec<Action>) -> Transaction {
        let head = ledger.head_block_num();
        Transaction {
            expiration: u32::try_from(ledger.head_block_time_ms() / 1000 + 30).unwrap(),
            ref_block_num: (head & 0xffff) as u16,
            ref_block_prefix: ref_block_prefix(&block_id(&CHAIN, head)),
            actions,
            ..Transaction::default()
        }
    }

    fn signed(tx: Transaction, signers: &[&str]) -> PushRequest {
        let digest = tx.signing_digest(&CHAIN);
        let signatures = signers
            .iter()
            .map(|s| key(s).sign_digest(&digest))
            .collect();
        PushRequest { tx, signatures }
    }

    fn alice_pays(ledger: &Ledger, quantity: &str) -> Transaction {
        tx_on_head(
            ledger,
            vec![transfer_action("alice", "bob", quantity, "alice", "active")],
        )
    }

    fn refusal(result: Result<Value, NodeError>) -> NodeError {
        match result {
            Err(e) => e,
            Ok(v) => panic!("accepted: {v}"),
        }
    }

    fn balance(ledger: &Ledger, account: &str) -> i64 {
        ledger
            .balance(EOSIO_TOKEN, name(account), "EOS")
            .map_or(0, |a| a.amount)
    }

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn name_constants_are_the_names_they_say() {
        assert_eq!(EOSIO_TOKEN, name("eosio.token"));
        assert_eq!(ACTIVE, name("active"));
        assert_eq!(OWNER, name("owner"));
        assert_eq!(TRANSFER, name("transfer"));
    }

    #[test]
    fn block_ids_carry_their_number_and_give_the_tapos_prefix() {
        let id = block_id(&CHAIN, 0x0102_0304);
        assert_eq!(&id[..4], &[1, 2, 3, 4]);
        assert_ne!(block_id(&CHAIN, 5), block_id(&[8u8; 32], 5));
        assert_eq!(
            ref_block_prefix(&id),
            u32::from_le_bytes([id[8], id[9], id[10], id[11]])
        );
    }

    #[test]
    fn times_are_written_as_eosio_time_points() {
        assert_eq!(format_time_ms(1_545_138_748_500), "2018-12-18T13:12:28.500");
        assert_eq!(format_time_ms(0), "1970-01-01T00:00:00.000");
    }

    #[test]
    fn the_head_follows_the_clock_one_block_per_slot_reached() {
        let mut l = ledger();
        let genesis = GENESIS_BLOCKS as u32;
        assert_eq!(l.head_block_num(), genesis);
        assert_eq!(l.block_time_ms(genesis), Some(T0));
        assert_eq!(l.block_time_ms(1), Some(T0 - 500 * (GENESIS_BLOCKS - 1)));
        assert_eq!(l.block_time_ms(0), None);
        l.tick(T0 + 499);
        assert_eq!(l.head_block_num(), genesis, "within the slot: no block");
        l.tick(T0 + 500);
        assert_eq!(l.head_block_num(), genesis + 1);
        l.tick(T0 + 60_000);
        let backfill = TAPOS_BACKFILL_BLOCKS as u32;
        assert_eq!(
            l.head_block_num(),
            genesis + 1 + backfill,
            "the last slots' blocks, not a backlog"
        );
        assert_eq!(l.head_block_time_ms(), T0 + 60_000);
        let behind = l.head_block_num() - 3;
        assert_eq!(l.block_time_ms(behind), Some(T0 + 60_000 - 1500));
        assert_eq!(l.block_time_ms(l.head_block_num() + 1), None);
    }

    #[test]
    fn info_names_the_chain_and_its_head() {
        let l = ledger();
        let info = l.info();
        assert_eq!(info["chain_id"], hex::encode(CHAIN));
        let genesis = GENESIS_BLOCKS as u32;
        assert_eq!(info["head_block_num"], genesis);
        assert_eq!(info["last_irreversible_block_num"], genesis);
        assert_eq!(
            info["last_irreversible_block_time"],
            format_time_ms(T0).as_str()
        );
        let head_id = hex::encode(block_id(&CHAIN, genesis));
        assert_eq!(info["head_block_id"], head_id.as_str());
        assert_eq!(info["last_irreversible_block_id"], head_id.as_str());
        assert_eq!(info["head_block_time"], format_time_ms(T0).as_str());
        assert_eq!(info["head_block_producer"], "eosio");
    }

    #[test]
    fn an_account_shows_its_keys_and_a_mykey_account_its_manager() {
        let l = ledger();
        let alice = l
            .account(&object(json!({"account_name": "alice"})))
            .expect("alice");
        assert_eq!(alice["permissions"][0]["perm_name"], "active");
        assert_eq!(alice["permissions"][0]["parent"], "owner");
        assert_eq!(
            alice["permissions"][0]["required_auth"]["keys"][0]["key"],
            key("alice").public_key().to_legacy().as_str()
        );
        assert_eq!(alice["permissions"][1]["perm_name"], "owner");
        assert_eq!(
            alice["permissions"][1]["required_auth"]["keys"][0]["key"],
            key("alice/owner").public_key().to_legacy().as_str()
        );
        assert_eq!(alice["core_liquid_balance"], "10.0000 EOS");
        let mykey = l
            .account(&object(json!({"account_name": "mykeyuser"})))
            .expect("mykeyuser");
        let active = &mykey["permissions"][0]["required_auth"];
        assert_eq!(active["keys"], json!([]));
        assert_eq!(
            active["accounts"][0],
            json!({"permission": {"actor": "mykeymanager", "permission": "active"}, "weight": 1})
        );
    }

    #[test]
    fn an_unknown_or_malformed_account_name_is_refused() {
        let l = ledger();
        let e = refusal(l.account(&object(json!({"account_name": "nobody"}))));
        assert_eq!((e.status, e.code), (500, code::UNSPECIFIED));
        assert!(e.message.contains("nobody"), "{e}");
        let e = refusal(l.account(&object(json!({"account_name": "Not A Name"}))));
        assert_eq!((e.status, e.code), (400, code::INVALID_HTTP_REQUEST));
        let e = refusal(l.account(&Map::new()));
        assert_eq!(e.code, code::INVALID_HTTP_REQUEST);
    }

    fn keydata(l: &Ledger, extra: Value) -> Value {
        let mut body = object(json!({
            "json": true, "code": "mykeymanager", "scope": "mykeyuser", "table": "keydata",
        }));
        body.extend(object(extra));
        l.table_rows(&body).expect("rows")
    }

    #[test]
    fn keydata_rows_honour_lower_bound_and_limit() {
        let l = ledger();
        let reserved = keydata(&l, json!({"lower_bound": 3, "limit": 1}));
        assert_eq!(reserved["rows"].as_array().map(Vec::len), Some(1));
        assert_eq!(reserved["rows"][0]["index"], 3);
        assert_eq!(
            reserved["rows"][0]["key"]["pubkey"],
            key("mykey/3").public_key().to_legacy().as_str()
        );
        assert_eq!(reserved["rows"][0]["key"]["status"], 0);
        assert_eq!(reserved["rows"][0]["key"]["nonce"], 30);
        assert_eq!(reserved["more"], true);
        assert_eq!(reserved["next_key"], "4");
        let as_text = keydata(&l, json!({"lower_bound": "3", "limit": "2"}));
        assert_eq!(as_text["rows"][1]["index"], 4);
        let all = keydata(&l, json!({"limit": 10}));
        assert_eq!(all["rows"].as_array().map(Vec::len), Some(6));
        assert_eq!(all["more"], false);
        assert_eq!(all["next_key"], "");
        let upper = keydata(&l, json!({"lower_bound": 1, "upper_bound": 2}));
        assert_eq!(upper["rows"].as_array().map(Vec::len), Some(2));
        let e = refusal(l.table_rows(&object(json!({
            "code": "mykeymanager", "scope": "mykeyuser", "table": "keydata", "lower_bound": -1,
        }))));
        assert_eq!(e.code, code::INVALID_HTTP_REQUEST);
    }

    #[test]
    fn other_tables_and_scopes_have_no_rows_but_token_accounts_show_balances() {
        let l = ledger();
        let other = keydata(&l, json!({"scope": "alice"}));
        assert_eq!(other, json!({"rows": [], "more": false, "next_key": ""}));
        let table = l
            .table_rows(&object(
                json!({"code": "mykeymanager", "scope": "mykeyuser", "table": "other"}),
            ))
            .expect("rows");
        assert_eq!(table["rows"], json!([]));
        let balances = l
            .table_rows(&object(
                json!({"code": "eosio.token", "scope": "alice", "table": "accounts"}),
            ))
            .expect("rows");
        assert_eq!(balances["rows"], json!([{"balance": "10.0000 EOS"}]));
    }

    #[test]
    fn key_status_changes_show_in_the_rows() {
        let mut l = ledger();
        assert!(l.set_key_status(name("mykeyuser"), 3, 1));
        assert!(!l.set_key_status(name("mykeyuser"), 9, 1));
        let rows = keydata(&l, json!({"lower_bound": 3, "limit": 1}));
        assert_eq!(rows["rows"][0]["key"]["status"], 1);
    }

    #[test]
    fn a_signed_transfer_executes_moves_balances_and_is_in_history() {
        let mut l = ledger();
        let tx = alice_pays(&l, "1.5000 EOS");
        let id = tx.id_hex();
        let answer = l.push(&signed(tx, &["alice"]), T0 + 100).expect("accepted");
        assert_eq!(answer["transaction_id"], id.as_str());
        assert_eq!(answer["processed"]["receipt"]["status"], "executed");
        let pending = GENESIS_BLOCKS as u32 + 1;
        assert_eq!(answer["processed"]["block_num"], pending);
        let traces = answer["processed"]["action_traces"]
            .as_array()
            .expect("traces");
        let receivers: Vec<&str> = traces
            .iter()
            .filter_map(|t| t["receiver"].as_str())
            .collect();
        assert_eq!(receivers, ["eosio.token", "alice", "bob"]);
        assert_eq!(balance(&l, "alice"), 85_000);
        assert_eq!(balance(&l, "bob"), 15_000);
        assert_eq!(l.head_block_num(), pending);

        let history = l
            .history(&object(json!({"id": id.to_uppercase()})))
            .expect("found");
        assert_eq!(history["id"], id.as_str());
        assert_eq!(history["block_num"], pending);
        assert_eq!(history["trx"]["receipt"]["status"], "executed");
        let action = &history["trx"]["trx"]["actions"][0];
        assert_eq!(action["account"], "eosio.token");
        assert_eq!(action["name"], "transfer");
        assert_eq!(
            action["data"],
            json!({"from": "alice", "to": "bob", "quantity": "1.5000 EOS", "memo": "order 1"})
        );
        assert_eq!(
            history["trx"]["trx"]["signatures"].as_array().map(Vec::len),
            Some(1)
        );
        let stored = l.transaction(&id).expect("stored");
        assert!(!stored.planted);
        assert_eq!(stored.transfers()[0].1.quantity, eos("1.5000 EOS"));
    }

    #[test]
    fn an_unknown_transaction_is_not_found_in_history() {
        let l = ledger();
        let e = refusal(l.history(&object(json!({"id": "ab".repeat(32)}))));
        assert_eq!(
            (e.status, e.code, e.name.as_str()),
            (500, code::TX_NOT_FOUND, "tx_not_found")
        );
        let e = refusal(l.history(&Map::new()));
        assert_eq!(e.code, code::INVALID_HTTP_REQUEST);
    }

    #[test]
    fn a_signature_that_is_not_canonical_is_refused_before_anything_else() {
        let mut l = ledger();
        let mut request = signed(alice_pays(&l, "1.0000 EOS"), &["alice"]);
        request.signatures[0] = request.signatures[0].high_s();
        let e = refusal(l.push(&request, T0));
        assert_eq!(e.code, code::FC_ASSERT);
        assert_eq!(e.message, "is_canonical( c ): signature is not canonical");
        assert!(l.transactions().is_empty());
    }

    #[test]
    fn a_key_that_is_not_the_actors_is_unsatisfied_authorization() {
        let mut l = ledger();
        let e = refusal(l.push(&signed(alice_pays(&l, "1.0000 EOS"), &["bob"]), T0));
        assert_eq!((e.status, e.code), (401, code::UNSATISFIED_AUTHORIZATION));
        assert_eq!(e.name, "unsatisfied_authorization");
        let e = refusal(l.push(&signed(alice_pays(&l, "1.0000 EOS"), &[]), T0));
        assert_eq!(e.code, code::UNSATISFIED_AUTHORIZATION);
        assert_eq!(balance(&l, "alice"), 100_000);
    }

    #[test]
    fn active_takes_the_owner_key_but_owner_does_not_take_the_active_key() {
        let mut l = ledger();
        l.push(&signed(alice_pays(&l, "1.0000 EOS"), &["alice/owner"]), T0)
            .expect("the owner key satisfies active");
        let owner_tx = tx_on_head(
            &l,
            vec![transfer_action(
                "alice",
                "bob",
                "1.0000 EOS",
                "alice",
                "owner",
            )],
        );
        let e = refusal(l.push(&signed(owner_tx, &["alice"]), T0));
        assert_eq!(e.code, code::UNSATISFIED_AUTHORIZATION);
    }

    #[test]
    fn a_mykey_account_is_satisfied_through_its_manager() {
        let mut l = ledger();
        let tx = tx_on_head(
            &l,
            vec![transfer_action(
                "mykeyuser",
                "bob",
                "1.0000 EOS",
                "mykeyuser",
                "active",
            )],
        );
        let e = refusal(l.push(&signed(tx.clone(), &["mykey/3"]), T0));
        assert_eq!(
            e.code,
            code::UNSATISFIED_AUTHORIZATION,
            "keydata keys are not permissions"
        );
        l.push(&signed(tx, &["manager"]), T0)
            .expect("the manager's key");
        assert_eq!(balance(&l, "mykeyuser"), 40_000);
    }

    #[test]
    fn duplicate_and_irrelevant_signatures_are_refused() {
        let mut l = ledger();
        let tx = alice_pays(&l, "1.0000 EOS");
        let e = refusal(l.push(&signed(tx.clone(), &["alice", "alice"]), T0));
        assert_eq!(e.code, code::TX_DUPLICATE_SIG);
        let e = refusal(l.push(&signed(tx, &["alice", "bob"]), T0));
        assert_eq!(e.code, code::TX_IRRELEVANT_SIG);
        assert!(
            e.message.contains(&key("bob").public_key().to_legacy()),
            "{e}"
        );
    }

    #[test]
    fn the_same_transaction_twice_is_a_duplicate() {
        let mut l = ledger();
        let request = signed(alice_pays(&l, "1.0000 EOS"), &["alice"]);
        l.push(&request, T0).expect("first");
        let e = refusal(l.push(&request, T0));
        assert_eq!(
            (e.status, e.code, e.name.as_str()),
            (409, code::TX_DUPLICATE, "tx_duplicate")
        );
        assert_eq!(l.transactions().len(), 1);
        assert_eq!(balance(&l, "alice"), 90_000);
    }

    #[test]
    fn expiry_is_judged_against_the_clock() {
        let mut l = ledger();
        let mut tx = alice_pays(&l, "1.0000 EOS");
        tx.expiration = u32::try_from(T0 / 1000).unwrap();
        let e = refusal(l.push(&signed(tx.clone(), &["alice"]), T0));
        assert_eq!(
            (e.code, e.name.as_str()),
            (code::EXPIRED_TX, "expired_tx_exception")
        );
        tx.expiration += 1;
        l.push(&signed(tx, &["alice"]), T0)
            .expect("one second left");
        let mut far = alice_pays(&l, "2.0000 EOS");
        far.expiration = u32::try_from(T0 / 1000 + MAX_TRANSACTION_LIFETIME_SECS + 1).unwrap();
        let e = refusal(l.push(&signed(far, &["alice"]), T0));
        assert_eq!(e.code, code::TX_EXP_TOO_FAR);
    }

    #[test]
    fn a_reference_block_the_chain_does_not_have_is_refused() {
        let mut l = ledger();
        let mut tx = alice_pays(&l, "1.0000 EOS");
        tx.ref_block_prefix ^= 1;
        let e = refusal(l.push(&signed(tx, &["alice"]), T0));
        assert_eq!(
            (e.code, e.name.as_str()),
            (code::INVALID_REF_BLOCK, "invalid_ref_block_exception")
        );
        let mut ahead = alice_pays(&l, "1.0000 EOS");
        let future = l.head_block_num() + 5;
        ahead.ref_block_num = future as u16;
        ahead.ref_block_prefix = ref_block_prefix(&block_id(&CHAIN, future));
        let e = refusal(l.push(&signed(ahead, &["alice"]), T0));
        assert_eq!(
            e.code,
            code::INVALID_REF_BLOCK,
            "a block ahead of the head is not produced yet"
        );
        l.tick(T0 + 500);
        l.tick(T0 + 1000);
        let older = Transaction {
            ref_block_num: 1,
            ref_block_prefix: ref_block_prefix(&block_id(&CHAIN, 1)),
            ..alice_pays(&l, "1.0000 EOS")
        };
        l.push(&signed(older, &["alice"]), T0 + 1000)
            .expect("an older block is a valid reference");
    }

    #[test]
    fn unknown_accounts_and_permissions_are_refused() {
        let mut l = ledger();
        let mut action = transfer_action("alice", "bob", "1.0000 EOS", "alice", "active");
        action.account = name("nosuchtoken");
        let e = refusal(l.push(&signed(tx_on_head(&l, vec![action]), &["alice"]), T0));
        assert_eq!(e.code, code::TRANSACTION);
        assert!(e.message.contains("nosuchtoken"), "{e}");
        let action = transfer_action("alice", "bob", "1.0000 EOS", "nobody", "active");
        let e = refusal(l.push(&signed(tx_on_head(&l, vec![action]), &["alice"]), T0));
        assert_eq!(e.code, code::TRANSACTION);
        assert!(e.message.contains("nobody"), "{e}");
        let action = transfer_action("alice", "bob", "1.0000 EOS", "alice", "custom");
        let e = refusal(l.push(&signed(tx_on_head(&l, vec![action]), &["alice"]), T0));
        assert_eq!(e.code, code::TRANSACTION);
        assert!(e.message.contains("non-existent permission"), "{e}");
    }

    #[test]
    fn a_transaction_needs_actions_with_authorizations() {
        let mut l = ledger();
        let e = refusal(l.push(&signed(tx_on_head(&l, Vec::new()), &[]), T0));
        assert_eq!(e.code, code::TX_NO_ACTION);
        let mut action = transfer_action("alice", "bob", "1.0000 EOS", "alice", "active");
        action.authorization.clear();
        let e = refusal(l.push(&signed(tx_on_head(&l, vec![action]), &[]), T0));
        assert_eq!(e.code, code::TX_NO_AUTHS);
    }

    fn transfer_refusal(l: &mut Ledger, action: Action, signer: &str) -> NodeError {
        let tx = tx_on_head(l, vec![action]);
        refusal(l.push(&signed(tx, &[signer]), T0))
    }

    #[test]
    fn token_transfers_follow_eosio_token_checks() {
        let mut l = ledger();
        let cases = [
            (
                transfer_action("alice", "bob", "10.0001 EOS", "alice", "active"),
                "overdrawn balance",
            ),
            (
                transfer_action("alice", "alice", "1.0000 EOS", "alice", "active"),
                "cannot transfer to self",
            ),
            (
                transfer_action("alice", "nobody", "1.0000 EOS", "alice", "active"),
                "to account does not exist",
            ),
            (
                transfer_action("alice", "bob", "1.0000 XYZ", "alice", "active"),
                "unable to find key",
            ),
            (
                transfer_action("alice", "bob", "1.00 EOS", "alice", "active"),
                "symbol precision mismatch",
            ),
            (
                transfer_action("alice", "bob", "0.0000 EOS", "alice", "active"),
                "must transfer positive quantity",
            ),
            (
                transfer_action("bob", "alice", "1.0000 EOS", "bob", "active"),
                "no balance object found",
            ),
        ];
        for (action, message) in cases {
            let signer = if action.authorization[0].actor == name("bob") {
                "bob"
            } else {
                "alice"
            };
            let e = transfer_refusal(&mut l, action, signer);
            assert_eq!(e.code, code::ASSERT_MESSAGE, "{message}: {e}");
            assert_eq!(e.name, "eosio_assert_message_exception");
            assert_eq!(
                e.message,
                format!("assertion failure with message: {message}")
            );
        }
        let mut long_memo = transfer_action("alice", "bob", "1.0000 EOS", "alice", "active");
        long_memo.data = Transfer {
            from: name("alice"),
            to: name("bob"),
            quantity: eos("1.0000 EOS"),
            memo: "m".repeat(MAX_MEMO_BYTES + 1),
        }
        .pack();
        let e = transfer_refusal(&mut l, long_memo, "alice");
        assert!(e.message.ends_with("memo has more than 256 bytes"), "{e}");
        // `bob` signs for himself, but the transfer takes from `alice`.
        let e = transfer_refusal(
            &mut l,
            transfer_action("alice", "bob", "1.0000 EOS", "bob", "active"),
            "bob",
        );
        assert_eq!(e.code, code::MISSING_AUTH);
        assert_eq!(balance(&l, "alice"), 100_000, "nothing moved");
        assert!(l.transactions().is_empty());
    }

    #[test]
    fn a_failing_action_undoes_the_whole_transaction() {
        let mut l = ledger();
        let tx = tx_on_head(
            &l,
            vec![
                transfer_action("alice", "bob", "6.0000 EOS", "alice", "active"),
                transfer_action("alice", "bob", "6.0000 EOS", "alice", "active"),
            ],
        );
        let e = refusal(l.push(&signed(tx, &["alice"]), T0));
        assert!(e.message.ends_with("overdrawn balance"));
        assert_eq!(balance(&l, "alice"), 100_000);
        assert_eq!(balance(&l, "bob"), 0);
    }

    #[test]
    fn other_actions_on_existing_contracts_are_recorded_without_effect() {
        let mut l = ledger();
        let action = Action {
            account: name("mykeymanager"),
            name: name("sendinternal"),
            authorization: vec![PermissionLevel {
                actor: name("alice"),
                permission: ACTIVE,
            }],
            data: vec![1, 2, 3],
        };
        let tx = tx_on_head(&l, vec![action]);
        let id = tx.id_hex();
        l.push(&signed(tx, &["alice"]), T0).expect("accepted");
        let history = l.history(&object(json!({"id": id}))).expect("found");
        assert_eq!(history["trx"]["trx"]["actions"][0]["hex_data"], "010203");
        assert_eq!(balance(&l, "alice"), 100_000);
    }

    #[test]
    fn sendaction_by_a_mykey_account_runs_the_transfer_it_forwards_inline() {
        let mut l = ledger();
        let manager = name("mykeymanager");
        let transfer = transfer_action("mykeyuser", "bob", "2.0000 EOS", "mykeyuser", "active");
        let wrapper = super::super::mykey::sendaction(manager, &transfer, name("mykeyuser"));
        // The account's authority is its manager's: a stranger's key does not satisfy it.
        let e = refusal(l.push(&signed(tx_on_head(&l, vec![wrapper.clone()]), &["bob"]), T0));
        assert_eq!(e.code, code::UNSATISFIED_AUTHORIZATION);
        let tx = tx_on_head(&l, vec![wrapper.clone()]);
        let answer = l.push(&signed(tx, &["manager"]), T0).expect("accepted");
        assert_eq!(balance(&l, "bob"), 20_000);
        assert_eq!(balance(&l, "mykeyuser"), 30_000);
        let stored = l.transactions().last().expect("stored").clone();
        assert_eq!(stored.inline, vec![transfer.clone()]);
        let traces = answer["processed"]["action_traces"]
            .as_array()
            .expect("traces");
        assert!(traces
            .iter()
            .any(|t| t["act"]["name"] == "transfer" && t["receiver"] == "eosio.token"));
        // A wrapper forwarding on behalf of another account, or a forward whose data cannot
        // be read, is refused and moves nothing.
        let other = transfer_action("alice", "bob", "1.0000 EOS", "alice", "active");
        let mut foreign = super::super::mykey::sendaction(manager, &other, name("alice"));
        foreign.authorization = wrapper.authorization.clone();
        let e = refusal(l.push(&signed(tx_on_head(&l, vec![foreign]), &["manager"]), T0));
        assert_eq!(e.code, code::MISSING_AUTH);
        let mut truncated = wrapper.clone();
        truncated.data.truncate(12);
        let e = refusal(l.push(&signed(tx_on_head(&l, vec![truncated]), &["manager"]), T0));
        assert_eq!(e.code, code::ASSERT_MESSAGE);
        // Data that names another act (the mainnet's relayed forms) is recorded with no
        // effect: the mock does not model MYKEY's logic contract.
        let mut other_act = wrapper;
        other_act.data = vec![1, 2, 3];
        assert!(l
            .push(&signed(tx_on_head(&l, vec![other_act]), &["manager"]), T0)
            .is_ok());
        assert_eq!(balance(&l, "alice"), 100_000);
        assert_eq!(balance(&l, "bob"), 20_000);
    }

    #[test]
    fn planted_transactions_skip_every_check_and_effect() {
        let mut l = ledger();
        let mut tx = alice_pays(&l, "999.0000 EOS");
        tx.expiration = 1;
        let id = l.insert_executed(tx.clone(), Vec::new(), Vec::new(), T0);
        assert_eq!(id, tx.id_hex());
        assert_eq!(
            l.insert_executed(tx, Vec::new(), Vec::new(), T0),
            id,
            "idempotent"
        );
        assert_eq!(l.transactions().len(), 1);
        assert!(l.transaction(&id).expect("stored").planted);
        assert_eq!(balance(&l, "alice"), 100_000);
        l.history(&object(json!({"id": id}))).expect("in history");
    }

    #[test]
    fn planted_inline_actions_show_in_the_traces_only() {
        let mut l = ledger();
        let wrapper = Action {
            account: name("mykeymanager"),
            name: name("sendaction"),
            authorization: vec![PermissionLevel {
                actor: name("mykeyuser"),
                permission: ACTIVE,
            }],
            data: vec![0xaa],
        };
        let tx = tx_on_head(&l, vec![wrapper]);
        let inline = transfer_action("mykeyuser", "bob", "2.0000 EOS", "mykeyuser", "active");
        let id = l.insert_executed(tx, Vec::new(), vec![inline], T0);
        let history = l.history(&object(json!({"id": id}))).expect("found");
        let actions = history["trx"]["trx"]["actions"]
            .as_array()
            .expect("actions");
        assert_eq!(actions.len(), 1, "only the wrapper is a top-level action");
        let traces = history["traces"].as_array().expect("traces");
        let shape: Vec<(String, String, u64)> = traces
            .iter()
            .map(|t| {
                (
                    t["receiver"].as_str().unwrap_or("").to_string(),
                    format!(
                        "{}::{}",
                        t["act"]["account"].as_str().unwrap_or(""),
                        t["act"]["name"].as_str().unwrap_or("")
                    ),
                    t["creator_action_ordinal"].as_u64().unwrap_or(99),
                )
            })
            .collect();
        let expected = [
            ("mykeymanager", "mykeymanager::sendaction", 0),
            ("eosio.token", "eosio.token::transfer", 1),
            ("mykeyuser", "eosio.token::transfer", 2),
            ("bob", "eosio.token::transfer", 2),
        ]
        .map(|(r, a, c)| (r.to_string(), a.to_string(), c));
        assert_eq!(shape, expected);
        assert_eq!(traces[1]["act"]["data"]["quantity"], "2.0000 EOS");
        assert_eq!(balance(&l, "bob"), 0, "planting moves nothing");
    }

    #[test]
    fn push_bodies_are_read_strictly() {
        let l = ledger();
        let tx = alice_pays(&l, "1.0000 EOS");
        let packed = hex::encode(tx.pack());
        let good = json!({"signatures": [], "compression": "none", "packed_context_free_data": "", "packed_trx": packed});
        PushRequest::parse(&object(good.clone())).expect("good");
        let mut numeric = good.clone();
        numeric["compression"] = json!(0);
        PushRequest::parse(&object(numeric)).expect("compression 0");
        for (field, value) in [
            ("packed_trx", json!("zz")),
            ("packed_trx", json!("00")),
            ("packed_trx", json!(7)),
            ("compression", json!("gzip")),
            ("compression", json!(2)),
            ("packed_context_free_data", json!("0100")),
            ("packed_context_free_data", json!(5)),
            ("signatures", json!(["SIG_K1_garbage"])),
            ("signatures", json!([1])),
            ("signatures", json!("SIG_K1_")),
        ] {
            let mut body = good.clone();
            body[field] = value.clone();
            let e = PushRequest::parse(&object(body)).expect_err("refused");
            assert_eq!(
                e.code,
                code::PACKED_TRANSACTION_TYPE,
                "{field} = {value}: {e}"
            );
            assert!(e.message.contains(field), "{field}: {e}");
        }
    }

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).expect("compress");
        encoder.finish().expect("compress")
    }

    #[test]
    fn zlib_packed_transactions_are_inflated_and_bounded() {
        let l = ledger();
        let tx = alice_pays(&l, "1.0000 EOS");
        for compression in [json!("zlib"), json!(1)] {
            // eosjs deflates the empty context-free data too.
            let body = json!({"signatures": [], "compression": compression,
                              "packed_context_free_data": hex::encode(zlib(b"")),
                              "packed_trx": hex::encode(zlib(&tx.pack()))});
            let request = PushRequest::parse(&object(body)).expect("a zlib body reads");
            assert_eq!(request.tx, tx);
        }
        let plain = json!({"compression": "zlib", "packed_trx": hex::encode(tx.pack())});
        let e = PushRequest::parse(&object(plain)).expect_err("not zlib");
        assert!(e.message.contains("packed_trx: not a zlib stream"), "{e}");
        let mut truncated = zlib(&tx.pack());
        truncated.truncate(truncated.len() / 2);
        let body = json!({"compression": "zlib", "packed_trx": hex::encode(truncated)});
        assert!(PushRequest::parse(&object(body)).is_err(), "a cut stream");
        // A bomb: 64 MiB of zeros in a 64 KiB stream stops at the bound.
        let bomb = zlib(&vec![0u8; 64 * 1024 * 1024]);
        assert!(bomb.len() < 128 * 1024);
        let e = inflate(&bomb, MAX_INFLATED_BYTES).expect_err("too large");
        assert!(e.contains("more than"), "{e}");
        assert_eq!(
            inflate(&zlib(&[7; 100]), 100).expect("at the bound"),
            vec![7; 100]
        );
        // Every cut of a real stream, and bytes from a fixed generator, end in a value or an
        // error, never a panic, and never more than the bound.
        let stream = zlib(&tx.pack());
        for end in 0..stream.len() {
            if let Ok(out) = inflate(&stream[..end], 64) {
                assert!(out.len() <= 64);
            }
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..40)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            let mut framed = vec![0x78, 0x9c];
            framed.extend_from_slice(&bytes);
            for input in [&bytes[..], &framed[..]] {
                if let Ok(out) = inflate(input, 256) {
                    assert!(out.len() <= 256);
                }
            }
        }
    }

    #[test]
    fn blocks_answer_with_nodeos_shapes_and_their_transactions() {
        let mut l = ledger();
        let tx = alice_pays(&l, "1.0000 EOS");
        let id = tx.id_hex();
        l.push(&signed(tx, &["alice"]), T0 + 100).expect("accepted");
        let num = l.head_block_num();
        let block = l
            .get_block(&object(json!({"block_num_or_id": num})))
            .expect("the head");
        assert_eq!(block["block_num"], num);
        let block_id_hex = hex::encode(block_id(&CHAIN, num));
        assert_eq!(block["id"], block_id_hex.as_str());
        assert_eq!(
            block["ref_block_prefix"],
            ref_block_prefix(&block_id(&CHAIN, num))
        );
        assert_eq!(
            block["previous"],
            hex::encode(block_id(&CHAIN, num - 1)).as_str()
        );
        assert_eq!(block["timestamp"], format_time_ms(T0 + 500).as_str());
        assert_eq!(block["transactions"][0]["trx"]["id"], id.as_str());
        assert_eq!(block["transactions"][0]["status"], "executed");
        assert!(block["producer_signature"]
            .as_str()
            .is_some_and(|s| s.starts_with("SIG_K1_")));
        // By id, and by number as text, the same block.
        let by_id = l
            .get_block(&object(json!({"block_num_or_id": block_id_hex})))
            .expect("by id");
        assert_eq!(by_id, block);
        let by_text = l
            .get_block(&object(json!({"block_num_or_id": num.to_string()})))
            .expect("by text");
        assert_eq!(by_text, block);
        let empty = l
            .get_block(&object(json!({"block_num_or_id": 1})))
            .expect("block 1");
        assert_eq!(empty["transactions"], json!([]));
        assert_eq!(empty["previous"], hex::encode([0u8; 32]).as_str());
        let info = l
            .get_block_info(&object(json!({"block_num": num})))
            .expect("info");
        assert_eq!(info["ref_block_num"], num & 0xffff);
        assert_eq!(info["timestamp"], block["timestamp"]);
        assert!(info.get("transactions").is_none());
        let state = l
            .get_block_header_state(&object(json!({"block_num_or_id": num})))
            .expect("state");
        assert_eq!(state["header"]["timestamp"], block["timestamp"]);
        assert_eq!(state["id"], block["id"]);
        for bad in [
            json!(num + 1),
            json!(0),
            json!(-2),
            json!("x"),
            json!(hex::encode(block_id(&[9u8; 32], num))),
        ] {
            let e = l
                .get_block(&object(json!({"block_num_or_id": bad.clone()})))
                .expect_err("unknown");
            assert_eq!((e.code, e.status), (code::UNKNOWN_BLOCK, 400), "{bad}");
            assert_eq!(e.envelope()["message"], "Unknown Block");
        }
        let e = l.get_block(&object(json!({}))).expect_err("no argument");
        assert_eq!(e.code, code::INVALID_HTTP_REQUEST);
    }

    #[test]
    fn each_transaction_gets_a_block_of_its_own_at_the_pending_slot() {
        let mut l = ledger();
        let first = alice_pays(&l, "1.0000 EOS");
        let second = alice_pays(&l, "2.0000 EOS");
        let a = l.push(&signed(first, &["alice"]), T0 + 10).expect("first");
        let b = l
            .push(&signed(second, &["alice"]), T0 + 20)
            .expect("second");
        let (a, b) = (&a["processed"], &b["processed"]);
        assert_eq!(
            a["block_num"].as_u64().map(|n| n + 1),
            b["block_num"].as_u64()
        );
        assert_eq!(a["block_time"], format_time_ms(T0 + 500).as_str());
        assert_eq!(b["block_time"], a["block_time"], "one slot, one time");
        // A burst keeps the head's time within a slot of the clock.
        for n in 0..50 {
            let tx = alice_pays(&l, &format!("0.{:04} EOS", n + 1));
            l.push(&signed(tx, &["alice"]), T0 + 30).expect("burst");
        }
        assert_eq!(l.head_block_time_ms(), T0 + 500);
        let block = l
            .get_block(&object(json!({"block_num_or_id": l.head_block_num()})))
            .expect("block");
        assert_eq!(block["transactions"].as_array().map(Vec::len), Some(1));
    }

    #[test]
    fn abis_are_served_for_the_contracts_the_chain_hosts() {
        use base64::Engine as _;
        let l = ledger();
        let raw = l
            .get_raw_abi(&object(json!({"account_name": "eosio.token"})))
            .expect("eosio.token");
        let abi = Contract::Token.abi().expect("the token ABI");
        let binary = base64::engine::general_purpose::STANDARD
            .decode(raw["abi"].as_str().expect("abi"))
            .expect("base64");
        assert_eq!(binary, abi.binary);
        assert_eq!(raw["abi_hash"], hex::encode(abi.hash).as_str());
        let cached = l
            .get_raw_abi(&object(
                json!({"account_name": "eosio.token", "abi_hash": hex::encode(abi.hash)}),
            ))
            .expect("known hash");
        assert!(cached.get("abi").is_none(), "the caller has it already");
        let code_and_abi = l
            .get_raw_code_and_abi(&object(json!({"account_name": "eosio.token"})))
            .expect("eosio.token");
        assert_eq!(code_and_abi["abi"], raw["abi"]);
        assert_eq!(code_and_abi["wasm"], "");
        for (account, contract) in [
            ("eosio", Contract::System),
            ("eosio.token", Contract::Token),
            ("mykeymanager", Contract::MykeyManager),
        ] {
            assert_eq!(l.contract_of(name(account)), Some(contract), "{account}");
            let json = l
                .get_abi(&object(json!({"account_name": account})))
                .expect("an ABI");
            assert_eq!(json["abi"]["version"], "eosio::abi/1.1");
        }
        // An account without a contract: no ABI, an empty raw one.
        let plain = l
            .get_abi(&object(json!({"account_name": "alice"})))
            .expect("alice");
        assert!(plain.get("abi").is_none());
        let raw = l
            .get_raw_abi(&object(json!({"account_name": "alice"})))
            .expect("alice");
        assert_eq!(raw["abi"], "");
        assert_eq!(raw["abi_hash"], hex::encode(Sha256::digest(b"")).as_str());
        let e = l
            .get_abi(&object(json!({"account_name": "nobody"})))
            .expect_err("unknown");
        assert!(e.message.contains("nobody"), "{e}");
    }

    #[test]
    fn required_keys_follow_the_permissions() {
        let l = ledger();
        let tx = |actor: &str| {
            json!({"expiration": "2030-01-01T00:00:00", "ref_block_num": 1, "ref_block_prefix": 1,
                   "actions": [{"account": "eosio.token", "name": "transfer",
                                "authorization": [{"actor": actor, "permission": "active"}],
                                "data": "00"}]})
        };
        let alice = key("alice").public_key();
        let bob = key("bob").public_key();
        let answer = l
            .required_keys(&object(json!({
                "transaction": tx("alice"),
                "available_keys": [bob.to_string(), alice.to_string(), alice.to_legacy()],
            })))
            .expect("alice signs");
        assert_eq!(answer, json!({"required_keys": [alice.to_legacy()]}));
        // MYKEY: the account's active delegates to the manager's active.
        let manager = key("manager").public_key();
        let answer = l
            .required_keys(&object(json!({
                "transaction": tx("mykeyuser"),
                "available_keys": [alice.to_legacy(), manager.to_legacy()],
            })))
            .expect("the manager signs");
        assert_eq!(answer, json!({"required_keys": [manager.to_legacy()]}));
        let e = l
            .required_keys(&object(json!({
                "transaction": tx("alice"), "available_keys": [bob.to_legacy()],
            })))
            .expect_err("bob cannot sign for alice");
        assert_eq!(e.code, code::UNSATISFIED_AUTHORIZATION);
        for bad in [
            json!({"transaction": tx("alice")}),
            json!({"transaction": tx("alice"), "available_keys": ["EOSnot"]}),
            json!({"transaction": 5, "available_keys": []}),
            json!({"transaction": {"actions": 5}, "available_keys": []}),
        ] {
            let e = l.required_keys(&object(bad.clone())).expect_err("refused");
            assert_eq!(e.code, code::INVALID_HTTP_REQUEST, "{bad}");
        }
    }

    #[test]
    fn currency_balances_list_the_account_s_assets() {
        let l = ledger();
        let body = |v: Value| object(v);
        assert_eq!(
            l.currency_balance(&body(
                json!({"code": "eosio.token", "account": "alice", "symbol": "EOS"})
            ))
            .expect("alice"),
            json!(["10.0000 EOS"])
        );
        assert_eq!(
            l.currency_balance(&body(json!({"code": "eosio.token", "account": "alice"})))
                .expect("every symbol"),
            json!(["10.0000 EOS"])
        );
        assert_eq!(
            l.currency_balance(&body(
                json!({"code": "eosio.token", "account": "bob", "symbol": "EOS"})
            ))
            .expect("bob"),
            json!([])
        );
        assert!(l
            .currency_balance(&body(json!({"code": "nosuchtoken", "account": "bob"})))
            .is_err());
    }

    #[test]
    fn bodies_must_be_json_objects_unless_empty_is_allowed() {
        assert!(body_object(b"", true).expect("empty").is_empty());
        assert_eq!(body_object(b" ", false).expect_err("empty").status, 400);
        assert_eq!(
            body_object(b"[1]", true).expect_err("array").code,
            code::INVALID_HTTP_REQUEST
        );
        assert_eq!(body_object(b"{", true).expect_err("broken").status, 400);
        assert_eq!(
            body_object(b"\xff\xfe", true).expect_err("binary").status,
            400
        );
    }

    #[test]
    fn refusals_use_nodeos_envelopes_and_statuses() {
        let e = NodeError::assert_message("overdrawn balance");
        let envelope = e.envelope();
        assert_eq!(envelope["code"], 500);
        assert_eq!(envelope["message"], "Internal Service Error");
        assert_eq!(envelope["error"]["code"], 3_050_003);
        assert_eq!(envelope["error"]["name"], "eosio_assert_message_exception");
        assert_eq!(
            envelope["error"]["details"][0]["message"],
            "assertion failure with message: overdrawn balance"
        );
        assert_eq!(
            NodeError::new(code::UNSATISFIED_AUTHORIZATION, "").envelope()["message"],
            "UnAuthorized"
        );
        assert_eq!(NodeError::new(code::TX_DUPLICATE, "").status, 409);
        assert_eq!(NodeError::not_found().envelope()["code"], 404);
    }

    #[test]
    fn the_record_numbers_requests_in_order() {
        let mut l = ledger();
        for path in ["/a", "/b"] {
            let (body, body_len) = RecordedRequest::body_fields(b"not json");
            l.record(RecordedRequest {
                seq: 99,
                method: "POST".into(),
                path: path.into(),
                body,
                body_len,
                status: 404,
                outcome: Outcome::Refused {
                    code: 0,
                    name: "exception".into(),
                },
                tx_id: None,
            });
        }
        let seqs: Vec<u64> = l.requests().iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [0, 1]);
        assert_eq!(l.requests()[0].body, "not json");
        assert_eq!(l.requests()[0].body_json(), None);
        assert_eq!(l.requests()[1].error_name(), Some("exception"));
        assert_eq!(RecordedRequest::body_fields(b""), (String::new(), 0));
    }

    fn flood_entry(n: usize, body: &[u8]) -> RecordedRequest {
        let (body, body_len) = RecordedRequest::body_fields(body);
        RecordedRequest {
            seq: 0,
            method: "POST".into(),
            path: format!("/v1/chain/push_transaction#{n}"),
            body,
            body_len,
            status: 400,
            outcome: Outcome::Refused {
                code: code::INVALID_HTTP_REQUEST,
                name: "invalid_http_request".into(),
            },
            tx_id: None,
        }
    }

    #[test]
    fn a_flood_keeps_the_record_bounded_and_counts_what_it_dropped() {
        let mut l = ledger();
        // A JSON array much larger than the kept prefix: kept as text, cut, not parsed.
        let huge = format!("[{}0]", "0,".repeat(RECORDED_BODY_BYTES));
        let flood = MAX_RECORDED_REQUESTS * 2 + 5;
        let mark = l.request_mark();
        for n in 0..flood {
            l.record(flood_entry(n, huge.as_bytes()));
            assert!(l.requests().len() <= MAX_RECORDED_REQUESTS);
        }
        assert_eq!(l.requests().len(), MAX_RECORDED_REQUESTS);
        assert_eq!(l.dropped_requests(), (flood - MAX_RECORDED_REQUESTS) as u64);
        for r in l.requests() {
            assert_eq!(r.body.len(), RECORDED_BODY_BYTES);
            assert_eq!(r.body_len, huge.len());
            assert!(r.body_cut());
            assert_eq!(r.body_json(), None, "a cut body is not parsed");
        }
        let (kept, dropped) = l.requests_since(mark);
        assert_eq!(kept.len(), MAX_RECORDED_REQUESTS);
        assert_eq!(kept[0].seq, dropped);
        assert_eq!(dropped, (flood - MAX_RECORDED_REQUESTS) as u64);
        // A small JSON body is kept whole and still reads as JSON.
        let late = l.request_mark();
        l.record(flood_entry(flood, br#"{"account_name":"alice"}"#));
        let (kept, dropped) = l.requests_since(late);
        assert_eq!((kept.len(), dropped), (1, 0));
        assert_eq!(kept[0].body_json().expect("JSON")["account_name"], "alice");
    }
}
