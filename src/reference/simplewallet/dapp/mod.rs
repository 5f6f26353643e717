//! The reference SimpleWallet dApp back end: a correct EOS dApp server (profile SW-T1, SW-T2,
//! SW-L1, SW-L4, SW-L5, SW-X4, and the MYKEY `transaction` and `sign` extensions) that the
//! SimpleWallet dApp suite proves itself on by switching on named [`SwDappFault`]s.
//!
//! - [`qr`] builds the QR texts (login, transfer, transaction, sign) and what the back end
//!   remembers about each ([`qr::Issued`]);
//! - [`judge`] owns the pipelines that judge the wallet's posts: login (`loginUrl`),
//!   transfer and transaction notifications (`notifyUrl`, confirmed on chain), and sign
//!   results. Each fault changes exactly one step of them;
//! - [`server`] is the HTTP face (axum): routes, status codes, content types, replies;
//! - this module holds the configuration and starts and stops the server.
//!
//! The server never panics on any input: every request-derived value goes through typed
//! checks, and every failure becomes a `{code, error}` reply.

mod faults;
pub mod judge;
pub mod qr;
pub mod server;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::chain::eos::client::EosClient;
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::net::HttpClient;
use crate::protocol::simplewallet::eosio::Name;
use crate::reference::running::{HasPublicBase, PublicBase, RunningServer, NODE_LIMITS};
use crate::reference::store::BoundedStore;
pub use faults::SwDappFault;

/// The account transfers go to unless configured.
pub const DEFAULT_PAYEE: &str = "qrcdapppayee";
/// The amount each transfer asks for, as a request's `amount` writes it (4 decimals of EOS).
pub const DEFAULT_AMOUNT: &str = "1.25";
/// How long a QR code lives unless configured.
pub const DEFAULT_QR_LIFETIME: Duration = Duration::from_secs(120);

/// How to run the reference SimpleWallet dApp.
#[derive(Debug, Clone)]
pub struct SwDappConfig {
    /// The EOS node's base URL, e.g. `http://127.0.0.1:8888`.
    pub node_url: String,
    /// The base URL put into `loginUrl`, `notifyUrl` and `dappIcon`; `None` means
    /// `http://<bound address>`.
    pub public_url: Option<String>,
    /// `expired` = time of issue + this, in Unix seconds rounded up.
    pub qr_lifetime: Duration,
    /// The faults switched on; empty for the correct back end.
    pub faults: BTreeSet<SwDappFault>,
    /// Who transfers go to.
    pub payee: Name,
    /// The `amount` every transfer asks for, in EOS (`eosio.token`, precision 4).
    pub amount: String,
    /// Where uuIDs, order ids and messages come from (the OS unless a reproducible run seeds
    /// it).
    pub entropy: Arc<Entropy>,
    /// What `expired` is measured against: the system clock, or the virtual clock an
    /// in-process suite shares with it.
    pub clock: Clock,
}

impl SwDappConfig {
    /// A correct back end on `node_url`: QR codes live 120 s, transfers of 1.2500 EOS go to
    /// [`DEFAULT_PAYEE`].
    pub fn new(node_url: impl Into<String>) -> Self {
        SwDappConfig {
            node_url: node_url.into(),
            public_url: None,
            qr_lifetime: DEFAULT_QR_LIFETIME,
            faults: BTreeSet::new(),
            payee: DEFAULT_PAYEE.parse().unwrap_or(Name(0)),
            amount: DEFAULT_AMOUNT.to_string(),
            entropy: Arc::new(Entropy::os()),
            clock: Clock::system(),
        }
    }
}

/// What every request handler shares.
#[derive(Debug)]
pub struct Shared {
    pub faults: BTreeSet<SwDappFault>,
    pub payee: Name,
    pub amount: String,
    pub qr_lifetime: Duration,
    /// Every issued QR code by its uuID, order id or sign id.
    pub issued: BoundedStore<qr::Issued>,
    /// Every credited transaction id, with the order it paid.
    pub credited: BoundedStore<String>,
    pub node: EosClient,
    pub entropy: Arc<Entropy>,
    pub clock: Clock,
    /// The base URL for QR texts, fixed once the listening address is known.
    base: PublicBase,
}

impl Shared {
    /// Whether `fault` is switched on.
    pub fn has(&self, fault: SwDappFault) -> bool {
        self.faults.contains(&fault)
    }
}

impl HasPublicBase for Shared {
    fn public_base(&self) -> &PublicBase {
        &self.base
    }
}

/// A running reference SimpleWallet dApp.
pub type RunningSwDapp = RunningServer<Shared>;

/// Serves the reference SimpleWallet dApp on `listen` (port 0 picks a free port).
pub async fn start(config: SwDappConfig, listen: SocketAddr) -> Result<RunningSwDapp, String> {
    crate::protocol::simplewallet::eosio::Asset::from_amount(
        &config.amount,
        qr::PRECISION,
        qr::SYMBOL,
    )
    .map_err(|e| format!("the transfer amount `{}` is not usable: {e}", config.amount))?;
    let node = EosClient::new(config.node_url.clone(), HttpClient::new(NODE_LIMITS));
    let shared = Arc::new(Shared {
        faults: config.faults,
        payee: config.payee,
        amount: config.amount,
        qr_lifetime: config.qr_lifetime,
        issued: BoundedStore::default(),
        credited: BoundedStore::default(),
        node,
        entropy: config.entropy,
        clock: config.clock,
        base: PublicBase::new(config.public_url.as_deref(), listen),
    });
    RunningServer::start(listen, shared.clone(), server::router(shared)).await
}
