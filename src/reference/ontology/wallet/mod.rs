//! The reference wallet: a correct Ontology dAPI-mobile wallet (profile ONT-T*, ONT-L*,
//! ONT-S*, ONT-I*) that speaks the wallet driver protocol (`docs/wallet-driver.md`,
//! [`crate::protocol::driver`]), so that the wallet suite can prove itself on it by switching
//! on named [`WalletFault`]s.
//!
//! - [`scan`](self::scan) owns what a scan does: decode the QR text, check its schema, its
//!   expiry and the user's decision, then hand the request to its action;
//! - [`sign`](self::sign) owns login, signMessage and signMultiMessage: the signed bytes, the
//!   signature's encoding and the callback bodies;
//! - [`invoke`](self::invoke) owns invoke: the payload, the invokeConfig, the payer, the
//!   transaction, pre-execution and sending, and the outcome callback;
//! - [`callback`](self::callback) holds the admitted request and the callback both acts post;
//! - this module holds the configuration and the identity, and serves them and the scan
//!   behind the driver protocol's HTTP face ([`crate::reference::driver_server`]).
//!
//! The wallet must never panic on any input and never hang: every value derived from a
//! request or a peer's answer goes through typed checks, and every outgoing request goes
//! through [`HttpClient`], which bounds time and body size.

mod callback;
mod faults;
mod invoke;
mod scan;
mod sign;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::chain::ontology::client::{NodeApi, NodeClient};
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::net::{ClientLimits, HttpClient, ServerHandle};
use crate::protocol::driver::{Identity, ScanRequest};
use crate::protocol::ontology::crypto::{Address, OntId, PrivateKey};
use crate::reference::driver_server::{serve_wallet, DriverWallet, ScanFuture};
pub use faults::WalletFault;

/// The seed of the key `qrconform serve wallet` uses unless given one: a fixed identity, so
/// that runs are comparable.
pub const DEFAULT_KEY_SEED: &str = "qrconform/reference-wallet";
/// How long each outgoing HTTP step may take unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest body the wallet reads from a peer (a QR URL, a payload, a callback reply, the
/// node): every one of them is a few kilobytes.
pub const MAX_PEER_BODY_BYTES: usize = 1024 * 1024;

/// How to run the reference wallet.
#[derive(Debug, Clone)]
pub struct WalletConfig {
    /// The wallet's only key: it signs logins and messages, and pays for invocations.
    pub key: PrivateKey,
    /// Which API of the node it pre-executes and sends through.
    pub node_api: NodeApi,
    /// The node's base URL, e.g. `http://127.0.0.1:20334`.
    pub node_url: String,
    /// The faults switched on; empty for the correct wallet.
    pub faults: BTreeSet<WalletFault>,
    /// The bound on each outgoing HTTP step (connect, and the whole exchange).
    pub timeout: Duration,
    /// Where transaction nonces come from (the OS unless a reproducible run seeds it).
    pub entropy: Arc<Entropy>,
    /// What a QR code's `expire` is judged by: the system clock, or the virtual clock an
    /// in-process suite shares with it.
    pub clock: Clock,
}

impl WalletConfig {
    /// A correct wallet holding `key`, sending through the node at `node_url`, with
    /// [`DEFAULT_TIMEOUT`] on each outgoing step.
    pub fn new(key: PrivateKey, node_api: NodeApi, node_url: impl Into<String>) -> Self {
        WalletConfig {
            key,
            node_api,
            node_url: node_url.into(),
            faults: BTreeSet::new(),
            timeout: DEFAULT_TIMEOUT,
            entropy: Arc::new(Entropy::os()),
            clock: Clock::system(),
        }
    }
}

/// What every request handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    faults: BTreeSet<WalletFault>,
    key: PrivateKey,
    /// The key's base58 address, as `user`, payer and `%address`.
    address: Address,
    /// The ONT ID of the key's address, as `user` and `%ontid`.
    ontid: OntId,
    /// Peers under test: the QR URL, the payload, the callbacks.
    http: HttpClient,
    node: NodeClient,
    entropy: Arc<Entropy>,
    clock: Clock,
}

impl Shared {
    /// Whether `fault` is switched on.
    fn has(&self, fault: WalletFault) -> bool {
        self.faults.contains(&fault)
    }
}

impl DriverWallet for Shared {
    type Identity = Identity;

    fn identity(&self) -> Identity {
        Identity {
            address: self.address.to_base58(),
            public_key: self.key.public_key().to_hex(),
            ontid: self.ontid.to_string(),
        }
    }

    fn scan<'a>(&'a self, request: &'a ScanRequest) -> ScanFuture<'a> {
        Box::pin(scan::scan(self, request))
    }
}

/// A running reference wallet.
#[derive(Debug)]
pub struct RunningWallet {
    server: ServerHandle,
    shared: Arc<Shared>,
}

impl RunningWallet {
    /// `http://ADDR` of the driver endpoint (without a trailing slash).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// Who the wallet is, as `GET /identity` answers.
    pub fn identity(&self) -> Identity {
        self.shared.identity()
    }

    /// Stops the server; a scan in flight finishes its current step or is dropped after the
    /// server's grace period.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// Serves the reference wallet's driver endpoint on `listen` (port 0 picks a free port).
pub async fn start(config: WalletConfig, listen: SocketAddr) -> Result<RunningWallet, String> {
    let limits = ClientLimits {
        connect: config.timeout,
        request: config.timeout,
        max_body: MAX_PEER_BODY_BYTES,
    };
    let public_key = config.key.public_key();
    let shared = Arc::new(Shared {
        faults: config.faults,
        address: Address::from_public_key(&public_key),
        ontid: OntId::from_public_key(&public_key),
        key: config.key,
        http: HttpClient::new(limits),
        node: NodeClient::new(config.node_api, &config.node_url, HttpClient::new(limits)),
        entropy: config.entropy,
        clock: config.clock,
    });
    let server = serve_wallet(listen, shared.clone()).await?;
    Ok(RunningWallet { server, shared })
}
