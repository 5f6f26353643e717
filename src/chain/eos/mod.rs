//! The mock EOS node (profile SW-N1): the nodeos HTTP API a SimpleWallet wallet and a dApp
//! back end use, on one port, over one shared [`EosNode`].
//!
//! - [`ledger`] holds the state and the rules (pure; time is a parameter): accounts and their
//!   permissions, MYKEY's `keydata` table (simplewallet.md §6), eosio.token balances, blocks
//!   and TaPoS, the checks of `push_transaction`, the keys a transaction requires, the
//!   history of executed transactions;
//! - [`abi`] holds the ABIs of the contracts the node hosts (data files) and their binary
//!   form, for eosjs's ABI endpoints;
//! - [`mykey`] holds the data of MYKEY's `sendaction` as the node runs it (pure);
//! - [`http`] is the axum face, with nodeos's paths, answers and error envelopes;
//! - [`client`] speaks that API, for the reference dApp, the reference wallet and the
//!   harness.
//!
//! [`EosNode`] is the handle suites hold: it adds accounts and balances, plants executed
//! transactions, switches the next push to a refusal ([`EosNode::fail_next_push`]), and
//! answers "what was asked of the chain?" from the request record, waiting for a change with
//! a deadline instead of sleeping. The record keeps the last
//! [`ledger::MAX_RECORDED_REQUESTS`] requests, each body as text cut to
//! [`ledger::RECORDED_BODY_BYTES`] ([`crate::chain::request_log`]); a suite marks where a
//! case starts ([`EosNode::record_mark`]) and reads what came since
//! ([`EosNode::record_since`]).
//!
//! One lock guards the ledger, so requests queue for it; a push reads its body and recovers
//! the signatures' keys before it takes the lock, so concurrent pushes recover in parallel
//! and hold the lock only for the ledger's checks and effects. [`recover`] recovers a key
//! with one double-scalar multiplication, not the two of a recovery that verifies again.

pub mod abi;
pub mod client;
pub mod http;
pub mod ledger;
pub mod mykey;
pub mod recover;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Map, Value};
use tokio::sync::watch;

use crate::clock::Clock;
use crate::net::{serve, ServerHandle};
use crate::protocol::simplewallet::crypto::{PrivateKey, Signature};
use crate::protocol::simplewallet::eosio::{Action, Asset, Name, Transaction};
pub use ledger::{
    AccountSpec, EosNodeConfig, KeyDataRow, MykeyAccountSpec, NodeError, Outcome, RecordedRequest,
    StoredTransaction,
};

/// nodeos's default HTTP port.
pub const DEFAULT_PORT: u16 = 8888;

/// The demo chain's id seed: its chain id is SHA-256 of this text.
pub const DEMO_CHAIN_SEED: &str = "qrconform/eos/chain";

/// The demo chain's ordinary accounts and the seeds of their keys (owner: `<seed>/owner`,
/// active: `<seed>`), so a wallet or a dApp can be tried against the node at once.
pub const DEMO_ACCOUNTS: [(&str, &str); 3] = [
    ("useraaaaaaaa", "qrconform/eos/useraaaaaaaa"),
    ("useraaaaaaab", "qrconform/eos/useraaaaaaab"),
    ("qrconformdap", "qrconform/eos/qrconformdap"),
];

/// The demo MYKEY account, its manager, and the seed of its key rows (`<seed>/<index>` for
/// indexes 0 to 5; index 3 is the reserved key).
pub const DEMO_MYKEY_ACCOUNT: (&str, &str, &str) =
    ("mykeyuser111", "mykeymanager", "qrconform/eos/mykeyuser111");

/// The seed of the demo manager contract's active key.
pub const DEMO_MANAGER_SEED: &str = "qrconform/eos/mykeymanager";

/// Each demo account's initial `eosio.token` balance.
pub const DEMO_BALANCE: &str = "1000.0000 EOS";

fn demo_name(text: &str) -> Name {
    // The demo names are constants checked by the tests; a typo shows as the account `.`.
    text.parse().unwrap_or(Name(0))
}

/// A demo key from its seed.
pub fn demo_key(seed: &str) -> PrivateKey {
    PrivateKey::from_seed(seed)
}

impl EosNodeConfig {
    /// An empty chain with `chain_id` and the system contracts `eosio` and `eosio.token`.
    pub fn empty(chain_id: [u8; 32]) -> Self {
        let contract = |name: &str| AccountSpec {
            name: demo_name(name),
            owner: Vec::new(),
            active: Vec::new(),
        };
        EosNodeConfig {
            chain_id,
            accounts: vec![contract("eosio"), contract("eosio.token")],
            mykey: Vec::new(),
            balances: Vec::new(),
        }
    }

    /// The demo chain `serve node --protocol eos` runs: [`DEMO_ACCOUNTS`], the MYKEY account
    /// [`DEMO_MYKEY_ACCOUNT`] under a manager whose active key is [`DEMO_MANAGER_SEED`]'s,
    /// and [`DEMO_BALANCE`] each.
    pub fn demo() -> Self {
        let chain_id = crate::protocol::simplewallet::crypto::sha256(DEMO_CHAIN_SEED.as_bytes());
        let mut config = EosNodeConfig::empty(chain_id);
        let balance: Option<Asset> = DEMO_BALANCE.parse().ok();
        for (name, seed) in DEMO_ACCOUNTS {
            config.accounts.push(AccountSpec {
                name: demo_name(name),
                owner: vec![demo_key(&format!("{seed}/owner")).public_key()],
                active: vec![demo_key(seed).public_key()],
            });
            if let Some(balance) = &balance {
                config.balances.push((demo_name(name), balance.clone()));
            }
        }
        let (name, manager, seed) = DEMO_MYKEY_ACCOUNT;
        // MYKEY's logic contract, whose ABI reads what `sendaction` wraps.
        config.accounts.push(AccountSpec {
            name: demo_name(abi::MYKEY_LOGIC),
            owner: Vec::new(),
            active: Vec::new(),
        });
        config.accounts.push(AccountSpec {
            name: demo_name(manager),
            owner: vec![demo_key(DEMO_MANAGER_SEED).public_key()],
            active: vec![demo_key(DEMO_MANAGER_SEED).public_key()],
        });
        config.mykey.push(MykeyAccountSpec {
            name: demo_name(name),
            manager: demo_name(manager),
            keys: (0..6)
                .map(|index| KeyDataRow {
                    index,
                    pubkey: demo_key(&format!("{seed}/{index}")).public_key(),
                    status: 0,
                    nonce: 0,
                })
                .collect(),
        });
        if let Some(balance) = balance {
            config.balances.push((demo_name(name), balance));
        }
        config
    }
}

#[derive(Debug)]
struct State {
    ledger: ledger::Ledger,
    /// The running clock: the system's, or the virtual one an in-process suite shares.
    clock: Clock,
    /// A time the node is held at instead (milliseconds since the epoch), set by tests.
    fixed_ms: Option<u64>,
}

impl State {
    fn now_ms(&self) -> u64 {
        self.fixed_ms.unwrap_or_else(|| self.clock.unix_ms())
    }
}

#[derive(Debug)]
struct Shared {
    /// The chain id, fixed at creation: key recovery needs it before the lock is taken.
    chain_id: [u8; 32],
    state: Mutex<State>,
    /// Bumped after every change, so waiters wake without polling.
    changed: watch::Sender<u64>,
}

/// A shared handle to one EOS node's state.
#[derive(Debug, Clone)]
pub struct EosNode {
    shared: Arc<Shared>,
}

impl EosNode {
    /// A node holding `config`, on the system clock.
    pub fn new(config: EosNodeConfig) -> Self {
        Self::with_clock(config, Clock::system())
    }

    /// A node holding `config`, on `clock` (a virtual clock shared with an in-process suite
    /// and reference).
    pub fn with_clock(config: EosNodeConfig, clock: Clock) -> Self {
        let chain_id = config.chain_id;
        let ledger = ledger::Ledger::new(config, clock.unix_ms());
        EosNode {
            shared: Arc::new(Shared {
                chain_id,
                state: Mutex::new(State {
                    ledger,
                    clock,
                    fixed_ms: None,
                }),
                changed: watch::Sender::new(0),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the ledger half-updated in a way that
        // matters to a mock; keep serving.
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the ledger with the current time and wakes every waiter.
    fn update<T>(&self, f: impl FnOnce(&mut ledger::Ledger, u64) -> T) -> T {
        let out = {
            let mut state = self.lock();
            let now = state.now_ms();
            f(&mut state.ledger, now)
        };
        self.shared.changed.send_modify(|n| *n = n.wrapping_add(1));
        out
    }

    /// Reads the ledger.
    pub fn inspect<T>(&self, f: impl FnOnce(&ledger::Ledger) -> T) -> T {
        f(&self.lock().ledger)
    }

    pub fn chain_id(&self) -> [u8; 32] {
        self.shared.chain_id
    }

    /// The clock in milliseconds since the epoch.
    pub fn now_ms(&self) -> u64 {
        self.lock().now_ms()
    }

    /// Holds the node's clock at `unix_ms`, or (with `None`) returns it to its running clock.
    pub fn set_time(&self, unix_ms: Option<u64>) {
        self.lock().fixed_ms = unix_ms;
        self.shared.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    pub fn add_account(&self, spec: AccountSpec) {
        self.update(|l, now| l.add_account(spec, now));
    }

    pub fn add_mykey_account(&self, spec: MykeyAccountSpec) {
        self.update(|l, now| l.add_mykey_account(spec, now));
    }

    /// Adds to an `eosio.token` balance.
    pub fn credit(&self, account: Name, asset: Asset) {
        self.update(|l, _| l.credit(ledger::EOSIO_TOKEN, account, asset));
    }

    /// Adds to a balance on any token contract (its `transfer` then moves balances).
    pub fn credit_token(&self, contract: Name, account: Name, asset: Asset) {
        self.update(|l, _| l.credit(contract, account, asset));
    }

    /// An `eosio.token` balance.
    pub fn balance(&self, account: Name, symbol_code: &str) -> Option<Asset> {
        self.inspect(|l| l.balance(ledger::EOSIO_TOKEN, account, symbol_code))
    }

    /// Sets a MYKEY key row's status (0 normal, 1 frozen); `false` without such a row.
    pub fn set_key_status(&self, account: Name, index: u32, status: u32) -> bool {
        self.update(|l, _| l.set_key_status(account, index, status))
    }

    /// An executed transaction by id (hex, any case).
    pub fn transaction(&self, id_hex: &str) -> Option<StoredTransaction> {
        self.inspect(|l| l.transaction(id_hex).cloned())
    }

    /// Every executed transaction, in order.
    pub fn transactions(&self) -> Vec<StoredTransaction> {
        self.inspect(|l| l.transactions().to_vec())
    }

    /// Puts a transaction on chain without HTTP, checks or effects (for example a "paid"
    /// transfer with the wrong amount); its id.
    pub fn insert_executed(&self, tx: Transaction, signatures: Vec<Signature>) -> String {
        self.update(|l, now| l.insert_executed(tx, signatures, Vec::new(), now))
    }

    /// Like [`Self::insert_executed`], with `inline` actions the transaction's traces show as
    /// sent by its first action: a MYKEY payment is `mykeymanager::sendaction` on top and the
    /// `eosio.token::transfer` inline (simplewallet.md §7).
    pub fn insert_executed_with_inline(
        &self,
        tx: Transaction,
        signatures: Vec<Signature>,
        inline: Vec<Action>,
    ) -> String {
        self.update(|l, now| l.insert_executed(tx, signatures, inline, now))
    }

    /// Refuses the next `push_transaction` with `error`, whatever it holds.
    pub fn fail_next_push(&self, error: NodeError) {
        self.update(|l, _| l.behaviours.fail_next_push = Some(error));
    }

    /// Withdraws a refusal [`Self::fail_next_push`] armed that no push has used; whether one
    /// was still armed.
    pub fn cancel_push_failure(&self) -> bool {
        self.update(|l, _| l.behaviours.fail_next_push.take().is_some())
    }

    /// The kept requests (the last [`ledger::MAX_RECORDED_REQUESTS`]), in arrival order.
    pub fn record(&self) -> Vec<RecordedRequest> {
        self.inspect(|l| l.requests().to_vec())
    }

    /// The sequence number the next request will get: a mark for [`Self::record_since`].
    pub fn record_mark(&self) -> u64 {
        self.inspect(ledger::Ledger::request_mark)
    }

    /// The kept requests numbered `mark` or later, and how many of those were dropped to
    /// keep the record bounded.
    pub fn record_since(&self, mark: u64) -> (Vec<RecordedRequest>, u64) {
        self.inspect(|l| {
            let (kept, dropped) = l.requests_since(mark);
            (kept.to_vec(), dropped)
        })
    }

    /// How many requests were dropped from the record to keep it bounded.
    pub fn dropped_requests(&self) -> u64 {
        self.inspect(ledger::Ledger::dropped_requests)
    }

    /// Adds a request to the record.
    pub fn add_to_record(&self, request: RecordedRequest) {
        self.update(|l, _| l.record(request));
    }

    /// Waits until `pred` holds for the kept record, or `deadline` passes; whether it held.
    pub async fn wait_for(
        &self,
        pred: impl Fn(&[RecordedRequest]) -> bool,
        deadline: Duration,
    ) -> bool {
        let until = tokio::time::Instant::now() + deadline;
        // Subscribe before looking, so a change between the look and the wait still wakes us.
        let mut changes = self.shared.changed.subscribe();
        loop {
            if self.inspect(|l| pred(l.requests())) {
                return true;
            }
            match tokio::time::timeout_at(until, changes.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.inspect(|l| pred(l.requests())),
            }
        }
    }

    /// Advances the head to the clock (see [`ledger`]); every request does this first.
    pub fn tick(&self) {
        self.update(|l, now| l.tick(now));
    }

    /// `get_info`.
    pub fn info(&self) -> Value {
        self.update(|l, now| {
            l.tick(now);
            l.info()
        })
    }

    /// `get_account`.
    pub fn account(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        self.update(|l, now| {
            l.tick(now);
            l.account(body)
        })
    }

    /// `get_table_rows`.
    pub fn table_rows(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        self.update(|l, now| {
            l.tick(now);
            l.table_rows(body)
        })
    }

    /// `push_transaction` and `send_transaction`: a forced refusal first, then the body,
    /// then the ledger's checks. The body is read and the keys recovered before the lock is
    /// taken; their errors are reported after a forced refusal all the same.
    pub fn push(&self, body: &Map<String, Value>) -> (Option<String>, Result<Value, NodeError>) {
        let request = ledger::PushRequest::parse(body);
        let id = request.as_ref().ok().map(|r| r.tx.id_hex());
        let recovered = request.and_then(|r| {
            let keys = ledger::recover_keys(&self.shared.chain_id, &r.tx, &r.signatures)?;
            Ok((r, keys))
        });
        self.update(|l, now| {
            l.tick(now);
            if let Some(error) = l.behaviours.fail_next_push.take() {
                return (id, Err(error));
            }
            (
                id,
                recovered.and_then(|(r, keys)| l.push_recovered(&r, keys, now)),
            )
        })
    }

    /// Runs a read-only endpoint of the ledger after advancing the head to the clock.
    pub fn read(
        &self,
        f: impl FnOnce(&ledger::Ledger) -> Result<Value, NodeError>,
    ) -> Result<Value, NodeError> {
        self.update(|l, now| {
            l.tick(now);
            f(l)
        })
    }

    /// `/v1/history/get_transaction`.
    pub fn history(&self, body: &Map<String, Value>) -> Result<Value, NodeError> {
        self.update(|l, now| {
            l.tick(now);
            l.history(body)
        })
    }
}

/// A node served on one address.
#[derive(Debug)]
pub struct RunningEosNode {
    node: EosNode,
    server: ServerHandle,
}

impl RunningEosNode {
    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn node(&self) -> EosNode {
        self.node.clone()
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// Serves a new node holding `config` on `addr` (port 0 picks a free port).
pub async fn start(config: EosNodeConfig, addr: SocketAddr) -> Result<RunningEosNode, String> {
    serve_node(EosNode::new(config), addr).await
}

/// Serves an existing node on `addr`.
pub async fn serve_node(node: EosNode, addr: SocketAddr) -> Result<RunningEosNode, String> {
    let server = serve(addr, http::router(node.clone())).await?;
    Ok(RunningEosNode { node, server })
}
