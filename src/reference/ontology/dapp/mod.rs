//! The reference dApp back end: a correct Ontology dApp server (profile ONT-T*, ONT-L*,
//! ONT-S*, ONT-I*) that the wallet suites run against, and that the dApp suite proves
//! itself on by switching on named [`DappFault`]s.
//!
//! - [`qr`] builds the QR texts and the invoke payload, and reads `GET /qr/...` options;
//! - [`session`] owns what the back end remembers per QR code (bounded), its clock and its
//!   randomness;
//! - [`callback`] owns the callback pipeline: parse, action, shape, session, expiry, replay,
//!   signatures, binding (address or on-chain ONT ID), and the invoke check against the
//!   chain. Each fault changes exactly one step of it;
//! - [`server`] is the HTTP face (axum): routes, status codes, content types, envelopes;
//! - this module holds the configuration and starts and stops the server.
//!
//! The server must never panic on any input: every request-derived value goes through typed
//! checks, and every failure becomes a reply.

pub mod callback;
mod faults;
pub mod qr;
pub mod server;
pub mod session;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::chain::ontology::client::{NodeApi, NodeClient};
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::net::HttpClient;
use crate::protocol::ontology::crypto::{Address, PrivateKey};
use crate::reference::running::{HasPublicBase, PublicBase, RunningServer, NODE_LIMITS};
pub use faults::DappFault;
use session::Sessions;

/// The seed of the default payee: a fixed address, so that runs are comparable.
pub const PAYEE_SEED: &str = "qrconform/reference-dapp/payee";
/// How long a QR code lives unless configured.
pub const DEFAULT_QR_LIFETIME: Duration = Duration::from_secs(120);

/// How to run the reference dApp.
#[derive(Debug, Clone)]
pub struct DappConfig {
    /// Which API of the node it asks (events, ONT ID keys).
    pub node_api: NodeApi,
    /// The node's base URL, e.g. `http://127.0.0.1:20334`.
    pub node_url: String,
    /// The base URL put into callbacks, `dappIcon` and `qrcodeUrl`; `None` means
    /// `http://<bound address>`. Needed when wallets reach the server through another name
    /// (a LAN address, a tunnel).
    pub public_url: Option<String>,
    /// `expire` = time of issue + this, in Unix seconds rounded up.
    pub qr_lifetime: Duration,
    /// The faults switched on; empty for the correct back end.
    pub faults: BTreeSet<DappFault>,
    /// Who invoke payments go to.
    pub payee: Address,
    /// The ONG amount each invoke asks for.
    pub amount: u64,
    /// How long an invoke callback waits for a late event ([`callback::EVENT_WAIT`] by
    /// default).
    pub event_wait: Duration,
    /// Where session ids and messages come from (the OS unless a reproducible run seeds it).
    pub entropy: Arc<Entropy>,
    /// What `expire` is measured against: the system clock, or the virtual clock an
    /// in-process suite shares with it.
    pub clock: Clock,
}

impl DappConfig {
    /// A correct back end on `node_url`: QR codes live 120 s, payments of 1 ONG go to the
    /// address of [`PAYEE_SEED`].
    pub fn new(node_api: NodeApi, node_url: impl Into<String>) -> Self {
        DappConfig {
            node_api,
            node_url: node_url.into(),
            public_url: None,
            qr_lifetime: DEFAULT_QR_LIFETIME,
            faults: BTreeSet::new(),
            payee: Address::from_public_key(&PrivateKey::from_seed(PAYEE_SEED).public_key()),
            amount: 1,
            event_wait: callback::EVENT_WAIT,
            entropy: Arc::new(Entropy::os()),
            clock: Clock::system(),
        }
    }
}

/// What every request handler shares.
#[derive(Debug)]
pub struct Shared {
    pub faults: BTreeSet<DappFault>,
    pub payee: Address,
    pub amount: u64,
    pub event_wait: Duration,
    pub qr_lifetime: Duration,
    pub sessions: Sessions,
    pub node: NodeClient,
    pub entropy: Arc<Entropy>,
    pub clock: Clock,
    /// Callbacks being judged right now: `replay-race` holds an accepted login back only
    /// while another copy may be racing it.
    pub callbacks_in_flight: std::sync::atomic::AtomicUsize,
    /// The base URL for QR texts, fixed once the listening address is known.
    base: PublicBase,
}

impl Shared {
    /// Whether `fault` is switched on.
    pub fn has(&self, fault: DappFault) -> bool {
        self.faults.contains(&fault)
    }
}

impl HasPublicBase for Shared {
    fn public_base(&self) -> &PublicBase {
        &self.base
    }
}

/// A running reference dApp.
pub type RunningDapp = RunningServer<Shared>;

/// Serves the reference dApp on `listen` (port 0 picks a free port).
pub async fn start(config: DappConfig, listen: SocketAddr) -> Result<RunningDapp, String> {
    let node = NodeClient::new(
        config.node_api,
        &config.node_url,
        HttpClient::new(NODE_LIMITS),
    );
    let shared = Arc::new(Shared {
        faults: config.faults,
        payee: config.payee,
        amount: config.amount,
        event_wait: config.event_wait,
        qr_lifetime: config.qr_lifetime,
        entropy: config.entropy,
        clock: config.clock,
        sessions: Sessions::default(),
        node,
        callbacks_in_flight: std::sync::atomic::AtomicUsize::new(0),
        base: PublicBase::new(config.public_url.as_deref(), listen),
    });
    RunningServer::start(listen, shared.clone(), server::router(shared)).await
}
