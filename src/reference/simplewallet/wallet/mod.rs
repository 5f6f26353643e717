//! The reference SimpleWallet wallet: a correct EOS wallet for the SimpleWallet protocol with
//! the MYKEY extensions (profile SW-T1, SW-T2, SW-L2, SW-L3, SW-L5, SW-X1…X3, SW-S1), behind
//! the wallet driver protocol (`docs/wallet-driver.md`), so that the SimpleWallet wallet
//! suite can prove itself on it by switching on named [`SimpleWalletFault`]s.
//!
//! - [`scan`](self::scan) owns what a scan does before acting: decode the QR text (JSON or
//!   `simplewallet://` deep link), check its expiry and the user's decision, then hand the
//!   request to its action;
//! - [`sign`](self::sign) owns login and sign: the signed string, the signature and the
//!   bodies posted to `loginUrl` and `notifyUrl`;
//! - [`push`](self::push) owns transfer and transaction: the actions, the transaction with
//!   TaPoS from the node, its signature, the push and the notification;
//! - this module holds the configuration and the identity, and starts and stops the server
//!   ([`crate::reference::driver_server`]).
//!
//! The wallet holds one account with two keys: `active` signs logins, messages and
//! transactions (its identity names it); `owner` exists so that a fault can sign with the
//! wrong one. In MYKEY mode ([`SimpleWalletConfig::mykey`]) the account is a MYKEY account
//! whose reserved key (`keydata` row 3) is `active`: logins, messages and transactions are
//! signed with it, and every action is pushed wrapped in `mykeymanager::sendaction`
//! ([`crate::chain::eos::mykey`]). It never panics on any input and never hangs: every value read from a request
//! or a peer goes through typed checks, and every outgoing request goes through
//! [`HttpClient`], which bounds time and body size.

mod callback;
mod faults;
mod push;
mod scan;
mod sign;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::chain::eos::client::EosClient;
use crate::clock::Clock;
use crate::net::{ClientLimits, HttpClient, ServerHandle};
use crate::protocol::driver::ScanRequest;
pub use crate::protocol::driver::SimpleWalletIdentity;
use crate::protocol::simplewallet::crypto::PrivateKey;
use crate::protocol::simplewallet::eosio::Name;
use crate::reference::driver_server::{serve_wallet, DriverWallet, ScanFuture};
pub use faults::SimpleWalletFault;

/// The seed of the active key `qrconform serve wallet --protocol simplewallet` uses unless
/// given one: a fixed identity, so that runs are comparable.
pub const DEFAULT_KEY_SEED: &str = "qrconform/simplewallet-wallet/active";
/// The seed of the owner key.
pub const OWNER_KEY_SEED: &str = "qrconform/simplewallet-wallet/owner";
/// The account the wallet signs for unless given one.
pub const DEFAULT_ACCOUNT: &str = "qrconformwlt";
/// The wallet's name, sent as `ref` (SW-L2, SW-X3, SW-S1).
pub const DEFAULT_REF: &str = "qrconform";
/// How long each outgoing HTTP step may take unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest body the wallet reads from a peer (a dApp's reply, the node's answers).
pub const MAX_PEER_BODY_BYTES: usize = 1024 * 1024;
/// How far ahead of the node's head block time the wallet's transactions expire.
pub const TX_LIFETIME_SECS: u32 = 120;
/// The MYKEY manager contract a MYKEY wallet pays through (mainnet's).
pub const MYKEY_MANAGER: &str = "mykeymanager";

/// How to run the reference SimpleWallet wallet.
#[derive(Debug, Clone)]
pub struct SimpleWalletConfig {
    /// The account's active key: it signs logins, messages and transactions.
    pub active: PrivateKey,
    /// The account's owner key (only the `sign-wrong-key` and `mykey-admin-key` faults use it).
    pub owner: PrivateKey,
    pub account: Name,
    pub wallet_ref: String,
    /// The EOS node's base URL, e.g. `http://127.0.0.1:8888`.
    pub node_url: String,
    /// The faults switched on; empty for the correct wallet.
    pub faults: BTreeSet<SimpleWalletFault>,
    /// The bound on each outgoing HTTP step (connect, and the whole exchange).
    pub timeout: Duration,
    /// What `expired` and the login timestamp are read from: the system clock, or the
    /// virtual clock an in-process suite shares with it.
    pub clock: Clock,
    /// A MYKEY wallet: `active` is the account's reserved key and payments go through
    /// `mykeymanager::sendaction`.
    pub mykey: bool,
}

impl SimpleWalletConfig {
    /// A correct wallet for [`DEFAULT_ACCOUNT`] with `active` as its active key and the
    /// seeded owner key, pushing through the node at `node_url`.
    pub fn new(active: PrivateKey, node_url: impl Into<String>) -> Self {
        SimpleWalletConfig {
            active,
            owner: PrivateKey::from_seed(OWNER_KEY_SEED),
            account: default_account(),
            wallet_ref: DEFAULT_REF.to_string(),
            node_url: node_url.into(),
            faults: BTreeSet::new(),
            timeout: DEFAULT_TIMEOUT,
            clock: Clock::system(),
            mykey: false,
        }
    }
}

/// [`DEFAULT_ACCOUNT`] as a name.
pub fn default_account() -> Name {
    // A constant of valid name characters, checked by a unit test.
    DEFAULT_ACCOUNT.parse().unwrap_or(Name(0))
}

/// What every scan shares.
#[derive(Debug)]
pub(crate) struct Shared {
    faults: BTreeSet<SimpleWalletFault>,
    active: PrivateKey,
    owner: PrivateKey,
    account: Name,
    wallet_ref: String,
    /// Peers under test: the dApp's loginUrl and notifyUrl.
    http: HttpClient,
    node: EosClient,
    /// The deep-link callbacks the wallet opened (`callback&result=…&txID=…`), in order.
    opened: Mutex<Vec<String>>,
    clock: Clock,
    mykey: bool,
}

impl Shared {
    /// Whether `fault` is switched on.
    fn has(&self, fault: SimpleWalletFault) -> bool {
        self.faults.contains(&fault)
    }

    /// Records a deep-link callback the wallet opens (a phone wallet would hand it to the OS).
    fn open(&self, url: String) {
        self.opened
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(url);
    }
}

impl DriverWallet for Shared {
    type Identity = SimpleWalletIdentity;

    fn identity(&self) -> SimpleWalletIdentity {
        SimpleWalletIdentity {
            account: self.account.to_string(),
            public_key: self.active.public_key().to_legacy(),
            wallet_ref: self.wallet_ref.clone(),
            mykey: self.mykey,
        }
    }

    fn scan<'a>(&'a self, request: &'a ScanRequest) -> ScanFuture<'a> {
        Box::pin(scan::scan(self, request))
    }
}

/// A running reference SimpleWallet wallet.
#[derive(Debug)]
pub struct RunningSimpleWallet {
    server: ServerHandle,
    shared: Arc<Shared>,
}

impl RunningSimpleWallet {
    /// `http://ADDR` of the driver endpoint (without a trailing slash).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// Who the wallet is, as `GET /identity` answers.
    pub fn identity(&self) -> SimpleWalletIdentity {
        self.shared.identity()
    }

    /// The deep-link callbacks the wallet opened so far (SW-X3: `callback` with `result` and,
    /// after a push, `txID`), in order.
    pub fn opened_callbacks(&self) -> Vec<String> {
        self.shared
            .opened
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Stops the server; a scan in flight finishes its current step or is dropped after the
    /// server's grace period.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// Serves the reference SimpleWallet wallet's driver endpoint on `listen` (port 0 picks a
/// free port).
pub async fn start(
    config: SimpleWalletConfig,
    listen: SocketAddr,
) -> Result<RunningSimpleWallet, String> {
    let limits = ClientLimits {
        connect: config.timeout,
        request: config.timeout,
        max_body: MAX_PEER_BODY_BYTES,
    };
    let shared = Arc::new(Shared {
        faults: config.faults,
        active: config.active,
        owner: config.owner,
        account: config.account,
        wallet_ref: config.wallet_ref,
        http: HttpClient::new(limits),
        node: EosClient::new(config.node_url, HttpClient::new(limits)),
        opened: Mutex::new(Vec::new()),
        clock: config.clock,
        mykey: config.mykey,
    });
    let server = serve_wallet(listen, shared.clone()).await?;
    Ok(RunningSimpleWallet { server, shared })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_account_is_a_valid_name() {
        assert_eq!(default_account().to_string(), DEFAULT_ACCOUNT);
    }
}
