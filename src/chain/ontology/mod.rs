//! The mock Ontology node (profile ONT-N1…ONT-N4): REST on one port, JSON-RPC 2.0 on
//! another, one shared [`Node`] behind both.
//!
//! - [`ledger`] holds the state and the rules (pure; time is a parameter);
//! - [`exec`] runs a transaction's script: ONT/ONG transfers, ONT ID look-ups and
//!   registrations, a generic notification for anything else;
//! - [`rest`] and [`rpc`] are the two HTTP faces, with the real node's envelopes, error codes
//!   and not-found answers (ontology-dapi.md §7);
//! - [`client`] speaks both APIs, for the harness, the reference dApp, tests and benchmarks.
//!
//! One lock guards the ledger; a send reads its transaction and verifies each signature once
//! before taking it ([`ledger::check`]), so the lock is held only to apply the outcome.
//!
//! [`Node`] is the handle suites hold: it switches behaviours for the next request
//! ([`Node::fail_next_send`], [`Node::fail_next_execution`], [`Node::hide_next_event`],
//! [`Node::fail_event_queries`]),
//! registers identities, and answers "what was asked of the chain?" from the request record,
//! waiting for a request with a deadline instead of sleeping. The record keeps the last
//! [`ledger::MAX_RECORDED_REQUESTS`] requests with bodies cut to
//! [`ledger::RECORDED_BODY_BYTES`] ([`crate::chain::request_log`]); a suite marks where a
//! case starts ([`Node::request_mark`]) and reads what came since ([`Node::requests_since`]).

pub mod client;
pub mod exec;
pub mod ledger;
pub mod rest;
pub mod rpc;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::net::{serve, ServerHandle};
use crate::protocol::ontology::crypto::{OntId, PrivateKey, PublicKey};
use crate::protocol::ontology::tx::Transaction;
pub use ledger::{Action, Api, RecordedRequest, SendReply};

/// The default REST port of a real node.
pub const DEFAULT_REST_PORT: u16 = 20334;
/// The default JSON-RPC port of a real node.
pub const DEFAULT_RPC_PORT: u16 = 20336;

/// A refusal: the node error code and the text the node puts in `Result`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("node error {error} ({}): {result}", ledger::error_desc(*error))]
pub struct NodeError {
    pub error: i64,
    pub result: String,
}

impl NodeError {
    pub fn new(error: i64, result: impl Into<String>) -> Self {
        NodeError {
            error,
            result: result.into(),
        }
    }
}

/// The identities a node starts with.
#[derive(Debug, Clone, Default)]
pub struct NodeConfig {
    pub identities: Vec<(OntId, Vec<PublicKey>)>,
}

/// Seeds of the identities `serve node` preloads, so that a dApp can be tried against the
/// node at once; their keys are printed at start-up.
pub const DEMO_IDENTITY_SEEDS: [&str; 2] =
    ["qrconform/node/identity/1", "qrconform/node/identity/2"];

impl NodeConfig {
    /// The demo identities: each seed's key, under the ONT ID its own address gives.
    pub fn demo() -> Self {
        let identities = DEMO_IDENTITY_SEEDS
            .iter()
            .map(|seed| {
                let key = PrivateKey::from_seed(seed).public_key();
                (OntId::from_public_key(&key), vec![key])
            })
            .collect();
        NodeConfig { identities }
    }
}

#[derive(Debug)]
struct Shared {
    ledger: Mutex<ledger::Ledger>,
    /// Bumped after every change, so waiters wake without polling.
    changed: watch::Sender<u64>,
}

/// A shared handle to one node's state.
#[derive(Debug, Clone)]
pub struct Node {
    shared: Arc<Shared>,
}

impl Node {
    pub fn new(config: NodeConfig) -> Self {
        let mut ledger = ledger::Ledger::new();
        for (ontid, keys) in config.identities {
            ledger.register_identity(&ontid, keys);
        }
        Node {
            shared: Arc::new(Shared {
                ledger: Mutex::new(ledger),
                changed: watch::Sender::new(0),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, ledger::Ledger> {
        // A panic while holding the lock cannot leave the ledger half-updated in a way that
        // matters to a mock; keep serving.
        self.shared
            .ledger
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the ledger and wakes every waiter.
    fn update<T>(&self, f: impl FnOnce(&mut ledger::Ledger) -> T) -> T {
        let out = f(&mut self.lock());
        self.shared.changed.send_modify(|n| *n = n.wrapping_add(1));
        out
    }

    /// Answers a query that may count against a hidden event ([`ledger::EventDelay`]) or
    /// mark one shown. Waiters are not woken: nothing they wait for changes (the request
    /// itself is recorded, and wakes them, through [`Node::record`]), and event queries are
    /// the node's busiest path.
    fn query<T>(&self, f: impl FnOnce(&mut ledger::Ledger) -> T) -> T {
        f(&mut self.lock())
    }

    /// Reads the ledger.
    pub fn inspect<T>(&self, f: impl FnOnce(&ledger::Ledger) -> T) -> T {
        f(&self.lock())
    }

    /// `sendrawtransaction` with or without pre-execution. The bytes are read and the
    /// signatures verified before the lock is taken ([`ledger::check`]), so concurrent sends
    /// verify in parallel and hold the lock only to apply the outcome.
    pub fn send_raw(&self, data: &str, pre_exec: bool) -> Result<SendReply, NodeError> {
        self.submit(ledger::check(data, pre_exec)?)
    }

    /// Applies a transaction [`ledger::check`] read and verified.
    pub fn submit(&self, checked: ledger::Checked) -> Result<SendReply, NodeError> {
        self.update(|l| l.submit(checked, Instant::now()))
    }

    /// The visible event of a display hash; `Ok(None)` when the node has none (yet).
    pub fn event(&self, display_hash: &str) -> Result<Option<serde_json::Value>, NodeError> {
        self.query(|l| l.event(display_hash, Instant::now()))
    }

    /// The visible events sealed at a height.
    pub fn events_at(&self, height: u32) -> Vec<serde_json::Value> {
        self.query(|l| l.events_at(height, Instant::now()))
    }

    /// When a query was first answered with the event of this display hash: from then on a
    /// back end can know the chain has it.
    pub fn event_shown_at(&self, display_hash: &str) -> Option<Instant> {
        self.inspect(|l| l.event_shown_at(display_hash))
    }

    /// An accepted transaction and its height.
    pub fn transaction(&self, display_hash: &str) -> Result<Option<(Transaction, u32)>, NodeError> {
        self.inspect(|l| {
            l.transaction(display_hash)
                .map(|t| t.map(|s| (s.tx.clone(), s.height)))
        })
    }

    /// Every accepted transaction, in order.
    pub fn accepted_transactions(&self) -> Vec<Transaction> {
        self.inspect(|l| l.accepted().map(|s| s.tx.clone()).collect())
    }

    pub fn height(&self) -> u32 {
        self.inspect(ledger::Ledger::height)
    }

    /// Refuses the next send with `error` (for example 45001 or a pool error).
    pub fn fail_next_send(&self, error: i64) {
        self.update(|l| l.behaviours.fail_next_send = Some(error));
    }

    /// Records the next accepted transaction's event with `State: 0`.
    pub fn fail_next_execution(&self) {
        self.update(|l| l.behaviours.fail_next_execution = true);
    }

    /// Makes the next accepted transaction's event visible only after `delay` (at most
    /// [`ledger::MAX_EVENT_DELAY`]).
    pub fn delay_next_event(&self, delay: Duration) {
        self.hide_next_event(delay, 0);
    }

    /// Makes the next accepted transaction's event visible only once `delay` has passed and
    /// `hidden_queries` queries for it were answered "nothing" ([`ledger::EventDelay`]).
    pub fn hide_next_event(&self, delay: Duration, hidden_queries: u32) {
        self.update(|l| {
            l.behaviours.delay_next_event = Some(ledger::EventDelay {
                at_least: delay,
                hidden_queries,
            })
        });
    }

    /// Answers every query for the event of `display_hash` with the node's internal error
    /// (45001), until another hash is named.
    pub fn fail_event_queries(&self, display_hash: &str) {
        self.update(|l| l.behaviours.failing_event_query = Some(display_hash.to_string()));
    }

    /// Registers (or replaces) an identity's keys.
    pub fn register_identity(&self, ontid: &OntId, keys: Vec<PublicKey>) {
        self.update(|l| l.register_identity(ontid, keys));
    }

    /// The keys of a registered identity.
    pub fn identity_keys(&self, ontid: &str) -> Option<Vec<PublicKey>> {
        self.inspect(|l| l.identity_keys(ontid).map(<[_]>::to_vec))
    }

    /// Adds a request to the record.
    pub fn record(&self, request: RecordedRequest) {
        self.update(|l| l.record(request));
    }

    /// The kept requests (the last [`ledger::MAX_RECORDED_REQUESTS`]), in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inspect(|l| l.requests().to_vec())
    }

    /// The sequence number the next request will get: a mark for [`Self::requests_since`].
    pub fn request_mark(&self) -> u64 {
        self.inspect(ledger::Ledger::request_mark)
    }

    /// The kept requests numbered `mark` or later, and how many of those were dropped to
    /// keep the record bounded.
    pub fn requests_since(&self, mark: u64) -> (Vec<RecordedRequest>, u64) {
        self.inspect(|l| {
            let (kept, dropped) = l.requests_since(mark);
            (kept.to_vec(), dropped)
        })
    }

    /// How many requests were dropped from the record to keep it bounded.
    pub fn dropped_requests(&self) -> u64 {
        self.inspect(ledger::Ledger::dropped_requests)
    }

    /// Whether anyone asked for the event of `display_hash` (either API, any case).
    pub fn event_queried(&self, display_hash: &str) -> bool {
        self.inspect(|l| {
            l.requests().iter().any(|r| {
                r.action == Action::GetEvent
                    && r.tx_hash
                        .as_deref()
                        .is_some_and(|h| h.eq_ignore_ascii_case(display_hash))
            })
        })
    }

    /// Waits until `probe` finds something in the ledger, or `timeout` passes.
    pub async fn wait_for<T>(
        &self,
        timeout: Duration,
        mut probe: impl FnMut(&ledger::Ledger) -> Option<T>,
    ) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        // Subscribe before looking, so a change between the look and the wait still wakes us.
        let mut changes = self.shared.changed.subscribe();
        loop {
            if let Some(found) = self.inspect(&mut probe) {
                return Some(found);
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.inspect(&mut probe),
            }
        }
    }

    /// Waits for a request matching `filter`.
    pub async fn wait_for_request(
        &self,
        timeout: Duration,
        filter: impl Fn(&RecordedRequest) -> bool,
    ) -> Option<RecordedRequest> {
        self.wait_for(timeout, |l| {
            l.requests().iter().find(|r| filter(r)).cloned()
        })
        .await
    }
}

/// A node served on two addresses.
#[derive(Debug)]
pub struct RunningNode {
    pub node: Node,
    pub rest: ServerHandle,
    pub rpc: ServerHandle,
}

impl RunningNode {
    /// `http://ADDR` of the REST API.
    pub fn rest_url(&self) -> String {
        self.rest.base_url()
    }

    /// `http://ADDR` of the JSON-RPC API (requests are POSTed to `/`).
    pub fn rpc_url(&self) -> String {
        self.rpc.base_url()
    }

    pub async fn shutdown(self) {
        self.rest.shutdown().await;
        self.rpc.shutdown().await;
    }
}

/// Serves `node` over REST on `rest` and JSON-RPC on `rpc` (port 0 picks a free port).
pub async fn start(node: Node, rest: SocketAddr, rpc: SocketAddr) -> Result<RunningNode, String> {
    let rest_server = serve(rest, rest::router(node.clone())).await?;
    let rpc_server = serve(rpc, rpc::router(node.clone())).await?;
    Ok(RunningNode {
        node,
        rest: rest_server,
        rpc: rpc_server,
    })
}
