//! The mock node's state and rules (ONT-N3, ONT-N4), without any IO: the transactions it
//! accepted and their events, the block height, the ONT ID registry, the behaviours a suite
//! switched on, and the record of requests. Time comes in as a parameter, so delayed events
//! are tested without waiting.
//!
//! A send is checked in the real node's order: the hex (`42002`), the transaction bytes
//! (`43001`), then a behaviour-forced failure, then every signature and the payer's
//! (`45021`), then duplicates (`45002`). Reading the bytes and verifying the signatures need
//! no state ([`check`]: one verification per signature, the payer looked up among the
//! signers), so the node does them before it takes its lock and the ledger only applies the
//! outcome in order ([`Ledger::submit`]). An accepted transaction is executed at once
//! ([`super::exec`]) and sealed in its own block; its event becomes visible at once, or after
//! the delay a suite asked for. Looking up a hash the node does not have (or whose event is
//! not yet visible) answers "nothing", which the REST and RPC layers turn into the real
//! node's not-found forms.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{json, Value};

use super::exec::{execute, Effect, Execution, Registry};
use super::NodeError;
use crate::chain::request_log::{body_prefix, cap_field, Numbered, RequestLog};
pub use crate::chain::request_log::{
    MAX_RECORDED_REQUESTS, RECORDED_BODY_BYTES, RECORDED_FIELD_BYTES,
};
use crate::protocol::ontology::crypto::{Address, OntId, PublicKey};
use crate::protocol::ontology::tx::{parse_display_hash, Transaction, TxError};

/// Node error codes used here (ontology-dapi.md §7.3).
pub mod code {
    pub const SUCCESS: i64 = 0;
    pub const ILLEGAL_DATAFORMAT: i64 = 41003;
    pub const INVALID_METHOD: i64 = 42001;
    pub const INVALID_PARAMS: i64 = 42002;
    pub const INVALID_TRANSACTION: i64 = 43001;
    pub const UNKNOWN_TRANSACTION: i64 = 44001;
    pub const INTERNAL_ERROR: i64 = 45001;
    pub const DUPLICATED_TX: i64 = 45002;
    pub const VERIFY_SIGNATURE: i64 = 45021;
    pub const SMARTCODE_EXEC_ERROR: i64 = 47001;
}

/// The `Desc` the real node gives a code (its `ErrMap`); codes it has no entry for give
/// `""`.
pub fn error_desc(error: i64) -> &'static str {
    match error {
        0 => "SUCCESS",
        41001 => "SESSION EXPIRED",
        41002 => "SERVICE CEILING",
        41003 => "ILLEGAL DATAFORMAT",
        41004 => "INVALID VERSION",
        42001 => "INVALID METHOD",
        42002 => "INVALID PARAMS",
        43001 => "INVALID TRANSACTION",
        43002 => "INVALID ASSET",
        43003 => "INVALID BLOCK",
        44001 => "UNKNOWN TRANSACTION",
        44002 => "UNKNOWN ASSET",
        44003 => "UNKNOWN BLOCK",
        44004 => "UNKNOWN CONTRACT",
        45001 => "INTERNAL ERROR",
        47001 => "SMARTCODE EXEC ERROR",
        47002 => "SMARTCODE PREPARE EXEC ERROR",
        -2 => "INTERNAL ERROR, ErrNoCode",
        -1 => "INTERNAL ERROR, ErrUnknown",
        45002 => "INTERNAL ERROR, ErrDuplicatedTx",
        45003 => "INTERNAL ERROR, ErrDuplicateInput",
        45004 => "INTERNAL ERROR, ErrAssetPrecision",
        45005 => "INTERNAL ERROR, ErrTransactionBalance",
        45006 => "INTERNAL ERROR, ErrAttributeProgram",
        45007 => "INTERNAL ERROR, ErrTransactionContracts",
        45008 => "INTERNAL ERROR, ErrTransactionPayload",
        45009 => "INTERNAL ERROR, ErrDoubleSpend",
        45010 => "INTERNAL ERROR, ErrTxHashDuplicate",
        45011 => "INTERNAL ERROR, ErrStateUpdaterVaild",
        45012 => "INTERNAL ERROR, ErrSummaryAsset",
        45013 => "INTERNAL ERROR, ErrXmitFail",
        45014 => "INTERNAL ERROR, ErrNoAccount",
        _ => "",
    }
}

/// Which API a request came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Api {
    Rest,
    Rpc,
}

/// What a request asked, in the node's own words, whichever API carried it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Send a transaction for inclusion.
    SendRawTransaction,
    /// Pre-execute a transaction (`?preExec=1` or `[hex, 1]`).
    PreExec,
    /// Ask for the event of a hash (`getsmartcodeevent`).
    GetEvent,
    /// Ask for a transaction by hash.
    GetTransaction,
    /// Ask for the height or block count.
    GetHeight,
    /// Anything the node does not serve.
    Unknown,
}

/// One request as the node saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedRequest {
    /// Arrival order, from 0.
    pub seq: u64,
    pub api: Api,
    pub action: Action,
    /// `GET /api/v1/…` for REST; the JSON-RPC method name for RPC.
    pub target: String,
    /// The transaction hash the request is about, in lower-case display hex: the hash
    /// asked for, or the hash of the transaction sent.
    pub tx_hash: Option<String>,
    /// The node error code of the answer (0 for success).
    pub error: i64,
    /// For a refusal, the text the node answered in `Result` (the reason: a script that
    /// fails, a signature that does not verify); empty on success. At most
    /// [`RECORDED_FIELD_BYTES`].
    pub reply: String,
    /// The request body, at most [`RECORDED_BODY_BYTES`] of it.
    pub body: String,
    /// The full length of the request body in bytes (more than `body.len()` when it was
    /// cut).
    pub body_len: usize,
}

impl RecordedRequest {
    /// The answer in a line, for a transcript: `node error 0`, or a refusal's code with the
    /// node's description and text, e.g. `node error 47001 (SMARTCODE EXEC ERROR):
    /// did:ont:… is not registered`.
    pub fn reply_summary(&self) -> String {
        let desc = error_desc(self.error);
        let mut line = format!("node error {}", self.error);
        if self.error != code::SUCCESS && !desc.is_empty() {
            line.push_str(&format!(" ({desc})"));
        }
        if !self.reply.is_empty() {
            line.push_str(&format!(": {}", self.reply));
        }
        line
    }
}

impl Numbered for RecordedRequest {
    fn seq(&self) -> u64 {
        self.seq
    }
    fn set_seq(&mut self, seq: u64) {
        self.seq = seq;
    }
}

/// One accepted transaction.
#[derive(Debug, Clone)]
pub struct StoredTx {
    pub tx: Transaction,
    pub height: u32,
    /// Position among the block's transactions (always 0: one transaction per block).
    pub index: u32,
    pub execution: Execution,
    /// When its event becomes visible.
    pub visible_at: Instant,
    /// How many more queries for its event are answered "nothing", whenever they come: a
    /// delay counted in queries as well as in time (see [`EventDelay`]).
    pub hidden_queries: u32,
    /// When a query was first answered with its event.
    pub shown_at: Option<Instant>,
}

/// How the next accepted transaction's event is hidden: until `at_least` has passed since
/// the send and `hidden_queries` queries for it have been answered "nothing". A delay in
/// time alone is what a real chain shows; the count makes a test of a peer that runs beside
/// the harness independent of how busy the machine is (a peer that asks once is always
/// answered "nothing", however late it asks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventDelay {
    pub at_least: Duration,
    pub hidden_queries: u32,
}

impl StoredTx {
    /// Whether a query at `now` sees the event.
    fn visible(&self, now: Instant) -> bool {
        self.visible_at <= now && self.hidden_queries == 0
    }

    /// Answers one query at `now` for the event: its visibility, counting a hidden answer
    /// against [`StoredTx::hidden_queries`] and a visible one as shown.
    fn query(&mut self, now: Instant) -> bool {
        if self.visible(now) {
            self.shown_at.get_or_insert(now);
            true
        } else {
            self.hidden_queries = self.hidden_queries.saturating_sub(1);
            false
        }
    }

    /// The event (`ExecuteNotify`) as the node reports it.
    pub fn event_json(&self) -> Value {
        let run = &self.execution;
        json!({
            "TxHash": self.tx.display_hash(),
            "State": run.state(),
            "GasConsumed": run.gas.saturating_mul(self.tx.gas_price),
            "Notify": notify_json(&run.notify),
            "GasStepUsed": run.gas,
            "TxIndex": self.index,
            "CreatedContract": "0000000000000000000000000000000000000000",
        })
    }
}

/// `Notify` is `null` when empty, as the node's nil slice serializes.
fn notify_json(notify: &[Value]) -> Value {
    if notify.is_empty() {
        Value::Null
    } else {
        Value::Array(notify.to_vec())
    }
}

/// What a suite switched on for the next request of its kind.
#[derive(Debug, Clone, Default)]
pub struct Behaviours {
    /// Refuse the next send with this error code.
    pub fail_next_send: Option<i64>,
    /// Record the next accepted transaction's event with `State: 0`.
    pub fail_next_execution: bool,
    /// Hide the next accepted transaction's event (for at most [`MAX_EVENT_DELAY`] and
    /// [`MAX_HIDDEN_QUERIES`] queries).
    pub delay_next_event: Option<EventDelay>,
    /// Answer every query for this display hash's event with an internal error, as a node
    /// that cannot serve it would (one hash at a time: setting another replaces it).
    pub failing_event_query: Option<String>,
}

/// The most queries a suite may have answered "nothing" for one event.
pub const MAX_HIDDEN_QUERIES: u32 = 16;

/// The longest a suite may hide an event: a run must end, whatever a case asks.
pub const MAX_EVENT_DELAY: Duration = Duration::from_secs(60);

/// A send's answer: the display hash, or a pre-execution result.
#[derive(Debug, Clone, PartialEq)]
pub enum SendReply {
    Hash(String),
    PreExec(Value),
}

/// The whole node state.
#[derive(Debug, Default)]
pub struct Ledger {
    txs: HashMap<[u8; 32], StoredTx>,
    /// Internal hashes in acceptance order.
    order: Vec<[u8; 32]>,
    height: u32,
    registry: Registry,
    pub behaviours: Behaviours,
    /// The last [`MAX_RECORDED_REQUESTS`] requests.
    requests: RequestLog<RecordedRequest>,
}

impl Ledger {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers (or replaces) an identity's keys.
    pub fn register_identity(&mut self, ontid: &OntId, keys: Vec<PublicKey>) {
        self.registry.insert(ontid.to_string(), keys);
    }

    /// The keys of a registered identity.
    pub fn identity_keys(&self, ontid: &str) -> Option<&[PublicKey]> {
        self.registry.get(ontid).map(Vec::as_slice)
    }

    /// The current block height (0 before the first accepted transaction).
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Handles `sendrawtransaction`: pre-executes, or checks and accepts, `data` (hex).
    pub fn send(
        &mut self,
        data: &str,
        pre_exec: bool,
        now: Instant,
    ) -> Result<SendReply, NodeError> {
        self.submit(check(data, pre_exec)?, now)
    }

    /// Applies a transaction [`check`] read (and, for a send, verified): pre-executes it, or
    /// accepts it after the forced failure a suite armed, the signatures' outcome and the
    /// duplicate check, in that order.
    pub fn submit(&mut self, checked: Checked, now: Instant) -> Result<SendReply, NodeError> {
        let Checked { tx, witnesses } = checked;
        let Some(witnesses) = witnesses else {
            let run = execute(&tx, &self.registry, None);
            return match run.failure {
                None => Ok(SendReply::PreExec(json!({
                    "State": 1,
                    "Gas": run.gas,
                    "Result": run.result,
                    "Notify": notify_json(&run.notify),
                }))),
                Some(reason) => Err(NodeError::new(code::SMARTCODE_EXEC_ERROR, reason)),
            };
        };
        if let Some(error) = self.behaviours.fail_next_send.take() {
            return Err(NodeError::new(
                error,
                "the node was told to refuse this transaction",
            ));
        }
        let witnesses = witnesses?;
        let hash = tx.hash();
        if self.txs.contains_key(&hash) {
            return Err(NodeError::new(
                code::DUPLICATED_TX,
                "transaction is already in the ledger",
            ));
        }
        let mut execution = execute(&tx, &self.registry, Some(&witnesses));
        if std::mem::take(&mut self.behaviours.fail_next_execution) && execution.failure.is_none() {
            execution = Execution {
                failure: Some("the node was told to fail this execution".into()),
                result: Value::String(String::new()),
                notify: Vec::new(),
                effect: None,
                ..execution
            };
        }
        if let Some(Effect::RegisterIdentity { ontid, key }) = execution.effect.clone() {
            self.registry.insert(ontid, vec![key]);
        }
        let delay = self.behaviours.delay_next_event.take().unwrap_or_default();
        self.height += 1;
        let display = tx.display_hash();
        self.txs.insert(
            hash,
            StoredTx {
                tx,
                height: self.height,
                index: 0,
                execution,
                visible_at: now + delay.at_least.min(MAX_EVENT_DELAY),
                hidden_queries: delay.hidden_queries.min(MAX_HIDDEN_QUERIES),
                shown_at: None,
            },
        );
        self.order.push(hash);
        Ok(SendReply::Hash(display))
    }

    /// The stored transaction with this display hash, whether or not its event is visible.
    /// A hash that is not 64 hex characters is `42002`.
    pub fn transaction(&self, display_hash: &str) -> Result<Option<&StoredTx>, NodeError> {
        let hash = parse_hash(display_hash)?;
        Ok(self.txs.get(&hash))
    }

    /// The event of a hash, when it exists and is visible at `now`. A query: it counts
    /// against a hidden event's queries, and marks a visible one shown.
    pub fn event(&mut self, display_hash: &str, now: Instant) -> Result<Option<Value>, NodeError> {
        if self
            .behaviours
            .failing_event_query
            .as_deref()
            .is_some_and(|h| h.eq_ignore_ascii_case(display_hash))
        {
            return Err(NodeError::new(
                code::INTERNAL_ERROR,
                "the event cannot be read",
            ));
        }
        let Some(stored) = self.txs.get_mut(&parse_hash(display_hash)?) else {
            return Ok(None);
        };
        Ok(stored.query(now).then(|| stored.event_json()))
    }

    /// When a query was first answered with the event of this display hash.
    pub fn event_shown_at(&self, display_hash: &str) -> Option<Instant> {
        self.transaction(display_hash).ok().flatten()?.shown_at
    }

    /// The visible events of the transactions sealed at `height`: a query for each of them.
    pub fn events_at(&mut self, height: u32, now: Instant) -> Vec<Value> {
        let txs = &mut self.txs;
        self.order
            .iter()
            .filter_map(|h| {
                let stored = txs.get_mut(h)?;
                (stored.height == height && stored.query(now)).then(|| stored.event_json())
            })
            .collect()
    }

    /// Every accepted transaction, in acceptance order.
    pub fn accepted(&self) -> impl Iterator<Item = &StoredTx> {
        self.order.iter().filter_map(|h| self.txs.get(h))
    }

    /// Adds a request to the record, numbering it, cutting its body to
    /// [`RECORDED_BODY_BYTES`] and its other text to [`RECORDED_FIELD_BYTES`], and dropping
    /// the oldest request past [`MAX_RECORDED_REQUESTS`].
    pub fn record(&mut self, mut request: RecordedRequest) {
        cap_field(&mut request.target, RECORDED_FIELD_BYTES);
        cap_field(&mut request.reply, RECORDED_FIELD_BYTES);
        if let Some(hash) = &mut request.tx_hash {
            cap_field(hash, RECORDED_FIELD_BYTES);
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

fn parse_hash(display_hash: &str) -> Result<[u8; 32], NodeError> {
    parse_display_hash(display_hash)
        .map_err(|e| NodeError::new(code::INVALID_PARAMS, e.to_string()))
}

/// A transaction read from `sendrawtransaction`'s hex, with, for a send, what its
/// signatures showed: the addresses that signed, or the `45021` refusal.
#[derive(Debug, Clone)]
pub struct Checked {
    pub tx: Transaction,
    /// `None` for a pre-execution, which skips the signatures.
    pub witnesses: Option<Result<Vec<Address>, NodeError>>,
}

/// Reads `data` (hex, `42002`; a transaction, `43001`) and, unless `pre_exec`, verifies its
/// signatures once each and that the payer is among the signers. Pure, so the node runs it
/// outside its lock; a failed verification is kept for [`Ledger::submit`], which reports it
/// after a behaviour-forced failure as the real node's order has it.
pub fn check(data: &str, pre_exec: bool) -> Result<Checked, NodeError> {
    let bytes = hex::decode(data.trim()).map_err(|e| {
        NodeError::new(
            code::INVALID_PARAMS,
            format!("the transaction is not hex: {e}"),
        )
    })?;
    let tx = Transaction::from_bytes(&bytes)
        .map_err(|e| NodeError::new(code::INVALID_TRANSACTION, e.to_string()))?;
    let witnesses = (!pre_exec).then(|| {
        let signers = tx.verify_signatures().map_err(signature_error)?;
        if signers.contains(&tx.payer) {
            Ok(signers)
        } else {
            Err(signature_error(TxError::PayerNotSigned {
                payer: tx.payer.to_base58(),
            }))
        }
    });
    Ok(Checked { tx, witnesses })
}

fn signature_error(e: TxError) -> NodeError {
    NodeError::new(code::VERIFY_SIGNATURE, format!("[Validator] {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ontology::crypto::{Address, PrivateKey};
    use crate::protocol::ontology::invoke::{build_script, ArgValue, BytesOrigin, InvokeCall};
    use crate::protocol::ontology::tx::{Payload, TxType};

    fn transfer(key: &PrivateKey, nonce: u32, payer: Option<&PrivateKey>) -> Transaction {
        let from = Address::from_public_key(&key.public_key());
        let mut ont = [0u8; 20];
        ont[19] = 1;
        let call = InvokeCall {
            contract: Address(ont),
            method: "transfer".into(),
            args: vec![
                ArgValue::Bytes {
                    origin: BytesOrigin::Address,
                    bytes: from.0.to_vec(),
                },
                ArgValue::Bytes {
                    origin: BytesOrigin::Address,
                    bytes: vec![7; 20],
                },
                ArgValue::Integer {
                    value: 1,
                    long: false,
                },
            ],
            payer: None,
            gas_limit: 20_000,
            gas_price: 500,
        };
        let payer_key = payer.unwrap_or(key);
        let mut tx = Transaction {
            version: 0,
            tx_type: TxType::InvokeNeo,
            nonce,
            gas_price: 500,
            gas_limit: 20_000,
            payer: Address::from_public_key(&payer_key.public_key()),
            payload: Payload::Invoke {
                code: build_script(&call),
            },
            signatures: Vec::new(),
        };
        tx.sign_single(key).expect("one signature fits");
        tx
    }

    #[test]
    fn sends_are_checked_in_the_node_order() {
        let key = PrivateKey::from_seed("ledger");
        let other = PrivateKey::from_seed("other");
        let now = Instant::now();
        let mut ledger = Ledger::new();
        let err = |r: Result<SendReply, NodeError>| r.unwrap_err().error;
        assert_eq!(err(ledger.send("zz", false, now)), code::INVALID_PARAMS);
        assert_eq!(
            err(ledger.send("00", false, now)),
            code::INVALID_TRANSACTION
        );
        let tx = transfer(&key, 1, None);
        let SendReply::Hash(hash) = ledger.send(&tx.to_hex(), false, now).unwrap() else {
            panic!("a send answers a hash");
        };
        assert_eq!(hash, tx.display_hash());
        assert_eq!(ledger.height(), 1);
        assert_eq!(
            err(ledger.send(&tx.to_hex(), false, now)),
            code::DUPLICATED_TX
        );
        // Signed by `key`, but the payer is `other`.
        let foreign = transfer(&key, 2, Some(&other));
        assert_eq!(
            err(ledger.send(&foreign.to_hex(), false, now)),
            code::VERIFY_SIGNATURE
        );
        let event = ledger.event(&hash, now).unwrap().unwrap();
        assert_eq!(event["State"], 1);
        assert_eq!(event["GasConsumed"], 500 * 20_000);
        assert_eq!(ledger.event(&"00".repeat(32), now).unwrap(), None);
        assert_eq!(
            ledger.event("xyz", now).unwrap_err().error,
            code::INVALID_PARAMS
        );
    }

    #[test]
    fn behaviours_apply_to_the_next_send_only() {
        let key = PrivateKey::from_seed("behaviours");
        let now = Instant::now();
        let mut ledger = Ledger::new();
        ledger.behaviours.fail_next_send = Some(45013);
        let first = transfer(&key, 1, None);
        assert_eq!(
            ledger.send(&first.to_hex(), false, now).unwrap_err().error,
            45013
        );
        // The refused transaction was not kept: sending it again succeeds.
        assert!(ledger.send(&first.to_hex(), false, now).is_ok());

        ledger.behaviours.fail_next_execution = true;
        let second = transfer(&key, 2, None);
        ledger.send(&second.to_hex(), false, now).unwrap();
        let event = ledger.event(&second.display_hash(), now).unwrap().unwrap();
        assert_eq!(event["State"], 0);
        assert_eq!(event["Notify"], Value::Null);

        ledger.behaviours.delay_next_event = Some(EventDelay {
            at_least: Duration::from_secs(5),
            hidden_queries: 0,
        });
        let third = transfer(&key, 3, None);
        ledger.send(&third.to_hex(), false, now).unwrap();
        let hash = third.display_hash();
        assert_eq!(ledger.event(&hash, now).unwrap(), None);
        let later = now + Duration::from_secs(5);
        assert_eq!(ledger.event(&hash, later).unwrap().unwrap()["State"], 1);

        let fourth = transfer(&key, 4, None);
        ledger.send(&fourth.to_hex(), false, now).unwrap();
        assert_eq!(
            ledger.event(&fourth.display_hash(), now).unwrap().unwrap()["State"],
            1
        );

        // A delay is bounded, whatever a suite asks.
        ledger.behaviours.delay_next_event = Some(EventDelay {
            at_least: Duration::from_secs(86_400),
            hidden_queries: 0,
        });
        let fifth = transfer(&key, 5, None);
        ledger.send(&fifth.to_hex(), false, now).unwrap();
        let hash = fifth.display_hash();
        assert_eq!(ledger.event(&hash, now).unwrap(), None);
        assert!(ledger
            .event(&hash, now + MAX_EVENT_DELAY)
            .unwrap()
            .is_some());

        // A failing query answers the node's internal error for that hash only.
        ledger.behaviours.failing_event_query = Some(hash.to_uppercase());
        assert_eq!(
            ledger
                .event(&hash, now + MAX_EVENT_DELAY)
                .unwrap_err()
                .error,
            code::INTERNAL_ERROR
        );
        assert!(ledger.event(&fourth.display_hash(), now).unwrap().is_some());

        // Hidden for queries as well as for time: the first query is answered "nothing"
        // however late it comes, and only an answered query makes the event shown.
        ledger.behaviours.delay_next_event = Some(EventDelay {
            at_least: Duration::from_millis(10),
            hidden_queries: 1,
        });
        let sixth = transfer(&key, 6, None);
        ledger.send(&sixth.to_hex(), false, now).unwrap();
        let hash = sixth.display_hash();
        let late = now + Duration::from_secs(60);
        assert_eq!(ledger.event_shown_at(&hash), None);
        assert_eq!(ledger.event(&hash, late).unwrap(), None);
        assert_eq!(ledger.event_shown_at(&hash), None);
        let height = ledger.transaction(&hash).unwrap().unwrap().height;
        assert_eq!(ledger.events_at(height, late).len(), 1);
        assert_eq!(ledger.event_shown_at(&hash), Some(late));
        // A count is bounded too.
        ledger.behaviours.delay_next_event = Some(EventDelay {
            at_least: Duration::ZERO,
            hidden_queries: u32::MAX,
        });
        let seventh = transfer(&key, 7, None);
        ledger.send(&seventh.to_hex(), false, now).unwrap();
        let hash = seventh.display_hash();
        for _ in 0..MAX_HIDDEN_QUERIES {
            assert_eq!(ledger.event(&hash, now).unwrap(), None);
        }
        assert!(ledger.event(&hash, now).unwrap().is_some());
    }

    #[test]
    fn pre_execution_neither_stores_nor_checks_signatures() {
        let key = PrivateKey::from_seed("preexec");
        let other = PrivateKey::from_seed("other");
        let now = Instant::now();
        let mut ledger = Ledger::new();
        let tx = transfer(&key, 1, Some(&other));
        let SendReply::PreExec(result) = ledger.send(&tx.to_hex(), true, now).unwrap() else {
            panic!("pre-execution answers a result");
        };
        assert_eq!(result["State"], 1);
        assert_eq!(result["Notify"][0]["States"][0], "transfer");
        assert_eq!(ledger.height(), 0);
        assert_eq!(
            ledger.transaction(&tx.display_hash()).unwrap().map(|_| ()),
            None
        );
    }

    #[test]
    fn recorded_bodies_are_capped_on_a_character_boundary() {
        let mut ledger = Ledger::new();
        ledger.record(RecordedRequest {
            seq: 99,
            api: Api::Rest,
            action: Action::Unknown,
            target: format!("GET /{}", "t".repeat(100_000)),
            tx_hash: Some("h".repeat(100_000)),
            error: 0,
            reply: "r".repeat(100_000),
            body: "é".repeat(RECORDED_BODY_BYTES),
            body_len: 0,
        });
        let kept = &ledger.requests()[0];
        assert_eq!(kept.seq, 0);
        assert!(kept.target.len() <= RECORDED_FIELD_BYTES);
        assert!(kept
            .tx_hash
            .as_ref()
            .is_some_and(|h| h.len() <= RECORDED_FIELD_BYTES));
        assert!(kept.reply.len() <= RECORDED_FIELD_BYTES);
        assert!(kept.body.len() <= RECORDED_BODY_BYTES);
        assert_eq!(kept.body_len, 2 * RECORDED_BODY_BYTES);
    }

    #[test]
    fn a_refusal_is_summarised_with_the_node_s_text() {
        let mut request = garbage(0);
        request.error = code::SMARTCODE_EXEC_ERROR;
        request.reply = "did:ont:x is not registered".into();
        assert_eq!(
            request.reply_summary(),
            "node error 47001 (SMARTCODE EXEC ERROR): did:ont:x is not registered"
        );
        request.error = code::SUCCESS;
        request.reply = String::new();
        assert_eq!(request.reply_summary(), "node error 0");
    }

    #[test]
    fn each_signature_is_verified_once_and_the_payer_found_among_the_signers() {
        let key = PrivateKey::from_seed("ledger/once");
        let checked = check(&transfer(&key, 1, None).to_hex(), false).expect("reads");
        let signers = checked.witnesses.expect("a send").expect("verifies");
        assert_eq!(signers, vec![Address::from_public_key(&key.public_key())]);
        // Pre-execution skips the signatures.
        let unsigned = check(&transfer(&key, 2, None).to_hex(), true).expect("reads");
        assert!(unsigned.witnesses.is_none());
        let other = PrivateKey::from_seed("ledger/payer");
        let paid_by_other = check(&transfer(&key, 3, Some(&other)).to_hex(), false).expect("reads");
        let e = paid_by_other
            .witnesses
            .expect("a send")
            .expect_err("payer did not sign");
        assert_eq!(e.error, code::VERIFY_SIGNATURE);
        assert!(e.result.contains("payer"), "{e}");
    }

    fn garbage(n: usize) -> RecordedRequest {
        RecordedRequest {
            seq: 0,
            api: Api::Rest,
            action: Action::SendRawTransaction,
            target: format!("POST /api/v1/transaction #{n}"),
            tx_hash: None,
            error: code::INVALID_PARAMS,
            reply: String::new(),
            body: "x".repeat(2 * RECORDED_BODY_BYTES),
            body_len: 2 * RECORDED_BODY_BYTES,
        }
    }

    #[test]
    fn a_flood_keeps_the_record_bounded_and_counts_what_it_dropped() {
        let mut ledger = Ledger::new();
        let flood = MAX_RECORDED_REQUESTS * 3 + 17;
        let mark = ledger.request_mark();
        for n in 0..flood {
            ledger.record(garbage(n));
            assert!(ledger.requests().len() <= MAX_RECORDED_REQUESTS);
        }
        assert_eq!(ledger.requests().len(), MAX_RECORDED_REQUESTS);
        assert_eq!(
            ledger.dropped_requests(),
            (flood - MAX_RECORDED_REQUESTS) as u64
        );
        assert!(ledger
            .requests()
            .iter()
            .all(|r| r.body.len() == RECORDED_BODY_BYTES && r.body_len == 2 * RECORDED_BODY_BYTES));
        let last = ledger.requests().last().expect("kept");
        assert_eq!(last.seq, flood as u64 - 1);
        assert_eq!(
            last.target,
            format!("POST /api/v1/transaction #{}", flood - 1)
        );
        // A window opened before the flood sees what is kept and counts what is not.
        let (kept, dropped) = ledger.requests_since(mark);
        assert_eq!(kept.len(), MAX_RECORDED_REQUESTS);
        assert_eq!(dropped, (flood - MAX_RECORDED_REQUESTS) as u64);
        // A window opened late is untouched by older drops.
        let late = ledger.request_mark();
        ledger.record(garbage(flood));
        let (kept, dropped) = ledger.requests_since(late);
        assert_eq!((kept.len(), dropped), (1, 0));
        assert_eq!(kept[0].seq, late);
    }
}
