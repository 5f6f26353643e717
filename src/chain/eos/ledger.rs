//! The mock EOS node's state and rules (SW-N1), without any IO: accounts and their
//! permissions, MYKEY key tables, token balances, the block chain's head, the transactions
//! it executed, the behaviours a suite switched on, and the record of requests. Time comes in
//! as a parameter (milliseconds since the Unix epoch), so expiry is tested without waiting.
//!
//! Blocks: the chain starts at block 1. Every accepted transaction is executed in a block of
//! its own, and a request that arrives at least half a second after the head block first
//! produces one empty block at the request's time, so `head_block_time` follows the node's
//! clock (eosjs and wallets compute `expiration` from it). The last irreversible block is the
//! head: the mock has instant finality. A block's id is SHA-256 of the chain id and its
//! number, with the number in the first 4 bytes big-endian as in EOSIO, so TaPoS
//! (`ref_block_num`, `ref_block_prefix`) is checked against real ids.
//!
//! A push is checked in nodeos's order: a behaviour-forced refusal, the body and its packed
//! transaction, key recovery (a signature that is not canonical is refused, as fc refuses
//! it), duplicate signatures, duplicate transaction ids, the action and authorization
//! counts, expiry and the lifetime limit, the reference block, the accounts the actions name,
//! the declared authorizations against the recovered keys (and keys that sign for nothing),
//! and then execution: `transfer` on a token contract moves balances under eosio.token's
//! checks; any other action on an existing contract is recorded without effect.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::protocol::simplewallet::crypto::{PublicKey, Signature};
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
/// At most this much of a request body is kept in the record when it is not JSON.
pub const RECORDED_BODY_BYTES: usize = 16 * 1024;
/// At most this many rows of a table are answered at once.
pub const MAX_TABLE_ROWS: usize = 1000;
/// `server_version` in `get_info`.
pub const SERVER_VERSION: &str = "qrconform";
/// `head_block_producer` in `get_info` and the producer of every block.
pub const PRODUCER: &str = "eosio";

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
    /// `tx_duplicate`, 400 for a request it cannot read, 404 for an unknown endpoint, 500
    /// otherwise).
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
            code::INVALID_HTTP_REQUEST => 400,
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
        json!({
            "code": self.status,
            "message": status_text(self.status),
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
    /// The body as JSON, or as a JSON string (at most [`RECORDED_BODY_BYTES`]) when it is
    /// not JSON; `null` when empty.
    pub body: Value,
    pub status: u16,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The transaction the request was about (pushed or asked for), lower-case hex.
    pub tx_id: Option<String>,
}

impl RecordedRequest {
    /// The request body as the record keeps it.
    pub fn body_value(body: &[u8]) -> Value {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Value::Null;
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(value) => value,
            Err(_) => {
                let cut = &body[..body.len().min(RECORDED_BODY_BYTES)];
                Value::String(String::from_utf8_lossy(cut).into_owned())
            }
        }
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
    transactions: Vec<StoredTransaction>,
    by_id: HashMap<String, usize>,
    pub behaviours: Behaviours,
    requests: Vec<RecordedRequest>,
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
    /// Reads `{signatures, compression, packed_context_free_data, packed_trx}`.
    pub fn parse(body: &Map<String, Value>) -> Result<PushRequest, NodeError> {
        let bad = |message: String| NodeError::new(code::PACKED_TRANSACTION_TYPE, message);
        match body.get("compression") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s == "none" => {}
            Some(Value::Number(n)) if n.as_u64() == Some(0) => {}
            Some(other) => {
                return Err(bad(format!(
                    "compression {other} is not supported; only \"none\" (0) is"
                )))
            }
        }
        match body.get("packed_context_free_data") {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.is_empty() => {}
            Some(_) => {
                return Err(bad(
                    "packed_context_free_data must be empty: the node takes no context-free data"
                        .into(),
                ))
            }
        }
        let packed = body
            .get("packed_trx")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("packed_trx is missing or not a string".into()))?;
        let bytes = hex::decode(packed).map_err(|e| bad(format!("packed_trx is not hex: {e}")))?;
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

/// Which permission an authorization names.
enum PermissionKind {
    Owner,
    Active,
}

impl Ledger {
    /// A chain holding `config`'s accounts, with block 1 produced at `now_ms`.
    pub fn new(config: EosNodeConfig, now_ms: u64) -> Self {
        let mut ledger = Ledger {
            chain_id: config.chain_id,
            accounts: BTreeMap::new(),
            keydata: BTreeMap::new(),
            balances: BTreeMap::new(),
            head_num: 1,
            head_time_ms: slot_time(now_ms),
            transactions: Vec::new(),
            by_id: HashMap::new(),
            behaviours: Behaviours::default(),
            requests: Vec::new(),
        };
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

    /// Produces an empty block when the clock has reached the next block slot, so the head
    /// block's time follows the clock. Called before every request is answered.
    pub fn tick(&mut self, now_ms: u64) {
        let slot = slot_time(now_ms);
        if slot > self.head_time_ms {
            self.head_num = self.head_num.saturating_add(1);
            self.head_time_ms = slot;
        }
    }

    /// Produces a block for a transaction: at the clock's slot, or the next slot after the
    /// head when the clock has not moved on.
    fn produce_block(&mut self, now_ms: u64) -> (u32, u64) {
        let time = slot_time(now_ms).max(self.head_time_ms + BLOCK_INTERVAL_MS);
        self.head_num = self.head_num.saturating_add(1);
        self.head_time_ms = time;
        (self.head_num, time)
    }

    fn head_id_hex(&self) -> String {
        hex::encode(block_id(&self.chain_id, self.head_num))
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
        let tx = &request.tx;
        let id = tx.id_hex();
        let keys = self.recover_keys(tx, &request.signatures)?;
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
        let balances = self.execute(tx)?;
        self.balances = balances;
        let stored = self.store(tx.clone(), request.signatures.clone(), now_ms, false);
        Ok(self.push_answer(&stored))
    }

    /// Puts a transaction on chain without any check or effect; its id.
    pub fn insert_executed(
        &mut self,
        tx: Transaction,
        signatures: Vec<Signature>,
        now_ms: u64,
    ) -> String {
        let id = tx.id_hex();
        if !self.by_id.contains_key(&id) {
            self.store(tx, signatures, now_ms, true);
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
        };
        self.by_id
            .insert(stored.id.clone(), self.transactions.len());
        self.transactions.push(stored.clone());
        stored
    }

    /// The public keys behind the signatures over the transaction's signing digest.
    fn recover_keys(
        &self,
        tx: &Transaction,
        signatures: &[Signature],
    ) -> Result<Vec<PublicKey>, NodeError> {
        let digest = tx.signing_digest(&self.chain_id);
        let mut keys: Vec<PublicKey> = Vec::with_capacity(signatures.len());
        for signature in signatures {
            if !signature.is_canonical() {
                return Err(NodeError::new(
                    code::FC_ASSERT,
                    "is_canonical( c ): signature is not canonical",
                ));
            }
            let key = signature.recover_digest(&digest).map_err(|e| {
                NodeError::new(
                    code::FC_ASSERT,
                    format!("unable to reconstruct public key from signature: {e}"),
                )
            })?;
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
        if expiration_ms > now_ms + MAX_TRANSACTION_LIFETIME_SECS * 1000 {
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

    /// Runs the actions on a copy of the balances; the new balances when every action
    /// succeeds.
    fn execute(
        &self,
        tx: &Transaction,
    ) -> Result<BTreeMap<(Name, Name, String), Asset>, NodeError> {
        let mut balances = self.balances.clone();
        for action in &tx.actions {
            if action.name == TRANSFER && self.is_token_contract(action.account) {
                self.token_transfer(action, &mut balances)?;
            }
        }
        Ok(balances)
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
        let actions = stored.actions_json();
        let mut traces = Vec::new();
        let mut ordinal = 0u32;
        for (index, action) in stored.tx.actions.iter().enumerate() {
            let act = actions.get(index).cloned().unwrap_or(Value::Null);
            let parent = ordinal + 1;
            for (n, receiver) in self.receivers(action).into_iter().enumerate() {
                ordinal += 1;
                let creator = if n == 0 { 0 } else { parent };
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

    /// Adds a request to the record, numbering it.
    pub fn record(&mut self, mut request: RecordedRequest) {
        request.seq = self.requests.len() as u64;
        self.requests.push(request);
    }

    pub fn requests(&self) -> &[RecordedRequest] {
        &self.requests
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
