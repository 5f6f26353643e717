//! `qrconform serve …`: the mock chain nodes, the reference dApp back end and the reference
//! wallet as long-running servers, for trying a dApp back end or a wallet by hand, or for a
//! CI job that starts them before the implementation under test.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use clap::{Subcommand, ValueEnum};

use super::test::Protocol as SuiteProtocol;
use super::{runtime, CliError, CmdResult, Verdict};
use crate::chain::eos::{self, EosNodeConfig};
use crate::chain::ontology::client::NodeApi;
use crate::chain::ontology::{self as node, Node, NodeConfig};
use crate::protocol::ontology::crypto::{OntId, PrivateKey, PublicKey};
use crate::protocol::simplewallet::crypto::PrivateKey as EosPrivateKey;
use crate::reference::faults::NamedFault;
use crate::reference::ontology::dapp::{self, DappConfig, DappFault};
use crate::reference::ontology::wallet::{self, WalletConfig, WalletFault, DEFAULT_KEY_SEED};
use crate::reference::simplewallet::dapp::{self as simplewallet_dapp, SwDappConfig, SwDappFault};
use crate::reference::simplewallet::wallet::{
    self as sw_wallet, SimpleWalletConfig, SimpleWalletFault,
};

#[derive(Debug, Subcommand)]
pub enum ServeCommand {
    /// Run a mock chain node until interrupted (Ctrl-C or SIGTERM).
    ///
    /// The Ontology node serves REST (`/api/v1/...`) and JSON-RPC 2.0 (POST `/`) with the
    /// real node's envelopes and error codes: it verifies every signature and the payer's
    /// (45021), refuses duplicates (45002), executes ONT/ONG transfers and ONT ID look-ups,
    /// and keeps every event queryable by hash. Port 0 picks a free port; the addresses are
    /// printed once both are listening.
    #[command(
        after_help = "Preloaded identities (unless --no-demo-identities): two ONT IDs \
        whose keys are printed at start-up; add more with --identity.\n\n\
        Example: qrconform serve node --rest 127.0.0.1:0 --rpc 127.0.0.1:0\n\n\
        With --protocol eos the node serves nodeos's HTTP API on one port (--port): \
        /v1/chain/get_info, get_account, get_table_rows (MYKEY keydata), push_transaction \
        (signatures, TaPoS, expiry, authorizations, eosio.token balances) and \
        /v1/history/get_transaction; its demo accounts' names, keys and WIFs are printed at \
        start-up.\n\n\
        Example: qrconform serve node --protocol eos --port 0"
    )]
    Node {
        /// The chain to mock.
        #[arg(long, value_enum, default_value_t = Protocol::Ontology)]
        protocol: Protocol,
        /// Address for the Ontology node's REST API (not with `--protocol eos`)
        /// [default: 127.0.0.1:20334].
        #[arg(long, value_name = "ADDR")]
        rest: Option<SocketAddr>,
        /// Address for the Ontology node's JSON-RPC API (not with `--protocol eos`)
        /// [default: 127.0.0.1:20336].
        #[arg(long, value_name = "ADDR")]
        rpc: Option<SocketAddr>,
        /// Register an ONT ID: `DID=KEY[,KEY…]`, or just `KEY` for the ONT ID of that key's
        /// own address (keys are 33-byte compressed P-256, hex). Repeatable; Ontology only.
        #[arg(long, value_name = "DID=KEY,…|KEY")]
        identity: Vec<String>,
        /// Start without the two demo identities (Ontology only).
        #[arg(long)]
        no_demo_identities: bool,
        /// The port of the EOS node's HTTP API on 127.0.0.1 (`--protocol eos` only; 0 picks
        /// a free port) [default: 8888].
        #[arg(long, value_name = "PORT", conflicts_with_all = ["rest", "rpc"])]
        port: Option<u16>,
    },
    /// Run the reference dApp back end until interrupted (Ctrl-C or SIGTERM).
    ///
    /// A correct Ontology dApp back end: it serves QR codes (`GET /qr/login`,
    /// `/qr/signMessage`, `/qr/signMultiMessage`, `/qr/invoke`), the invoke payload
    /// (`/payload/{id}`), judges wallet callbacks (`POST /callback/{action}`: signatures,
    /// address or on-chain ONT ID binding, unknown messages, replays, expiry, and the chain's
    /// event for invocations) and reports each session at `/status/{id}`. Named faults make
    /// it wrong in one realistic way each, to see a suite catch them.
    ///
    /// With `--protocol simplewallet`, a correct SimpleWallet (EOS, MYKEY) dApp back end: QR
    /// codes at `/qr/login`, `/qr/transfer`, `/qr/transaction?account=NAME` and `/qr/sign`;
    /// it judges login posts (`POST /login`: uuID, expiry, replay, the signature against the
    /// account's keys on the EOS node, MYKEY's reserved key), transfer and transaction
    /// notifications (`POST /notify/{order}`, confirmed with the node's history API) and sign
    /// results (`POST /sign/{id}`), replying `{code, error}`.
    #[command(after_help = dapp_after_help())]
    Dapp {
        /// The protocol the back end speaks.
        #[arg(long, value_enum, default_value_t = SuiteProtocol::Ontology)]
        protocol: SuiteProtocol,
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Base URL of the node the dApp asks (for example the one `qrconform serve node`
        /// runs) [default: http://127.0.0.1:20334 for ontology, http://127.0.0.1:8888 for
        /// simplewallet].
        #[arg(long, value_name = "URL")]
        node: Option<String>,
        /// Which API of the Ontology node to use: REST (`/api/v1/...`) or JSON-RPC (POST `/`)
        /// [default: rest]; not with `--protocol simplewallet`.
        #[arg(long, value_enum, value_name = "API")]
        node_api: Option<NodeApiArg>,
        /// Switch on a named fault (repeatable); the list is below.
        #[arg(long = "fault", value_name = "NAME")]
        faults: Vec<String>,
        /// How long each QR code stays valid, in seconds (its `expire`); at most a year.
        #[arg(long, value_name = "SECS", default_value_t = 120,
              value_parser = clap::value_parser!(u64).range(..=MAX_QR_LIFETIME_SECS))]
        qr_lifetime: u64,
        /// Base URL to put into QR codes (callbacks, icon, qrcodeUrl) instead of
        /// `http://<listen address>`: for wallets that reach the server through a LAN address
        /// or a tunnel.
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,
    },
    /// Run the reference wallet until interrupted (Ctrl-C or SIGTERM).
    ///
    /// A correct Ontology dAPI-mobile wallet behind the wallet driver protocol
    /// (docs/wallet-driver.md): `GET /identity` says who it is, `POST /scan` with `{"qr":
    /// TEXT, "approve": BOOL}` makes it act on a QR code (login, signMessage,
    /// signMultiMessage, invoke: sign, post the callback, pre-execute and send the
    /// transaction) and answers `{"outcome": "completed"|"refused", "reason"}` once it is
    /// done. Named faults make it wrong in one realistic way each, to see a suite catch them.
    ///
    /// With `--protocol simplewallet`: a correct SimpleWallet (EOS) wallet for one account
    /// (`--account`, key `--key`) behind the same driver protocol: `GET /identity` answers
    /// `{"account", "publicKey", "ref"}` (and `"mykey": true` with `--mykey`); `POST /scan`
    /// takes the request JSON or a `simplewallet://` deep link and logs in (POST to
    /// loginUrl), signs (POST to notifyUrl), or builds, signs and pushes a transfer or
    /// transaction through `--node` and notifies.
    #[command(after_help = wallet_after_help())]
    Wallet {
        /// The protocol the wallet speaks.
        #[arg(long, value_enum, default_value_t = WalletProtocol::Ontology)]
        protocol: WalletProtocol,
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8090")]
        listen: SocketAddr,
        /// Base URL of the node the wallet sends transactions through (for example the one
        /// `qrconform serve node` runs) [default: http://127.0.0.1:20334 for Ontology,
        /// http://127.0.0.1:8888 for SimpleWallet].
        #[arg(long, value_name = "URL")]
        node: Option<String>,
        /// Which API of the Ontology node to use: REST (`/api/v1/...`) or JSON-RPC (POST `/`)
        /// [default: rest]; not with `--protocol simplewallet`.
        #[arg(long, value_enum, value_name = "API")]
        node_api: Option<NodeApiArg>,
        /// The wallet's private key: Ontology 64 hex digits or WIF [default: the key seeded
        /// from `qrconform/reference-wallet`]; SimpleWallet the active key, WIF or `PVT_K1_`
        /// [default: the key seeded from `qrconform/simplewallet-wallet/active`].
        #[arg(long, value_name = "HEX|WIF")]
        key: Option<String>,
        /// With --protocol simplewallet: the EOS account the wallet signs for
        /// [default: qrconformwlt].
        #[arg(long, value_name = "NAME")]
        account: Option<String>,
        /// With --protocol simplewallet: a MYKEY wallet, whose account is a MYKEY account
        /// with `--key` as its reserved key, paying through `mykeymanager::sendaction`; its
        /// identity says `"mykey": true`.
        #[arg(long)]
        mykey: bool,
        /// Switch on a named fault (repeatable); the lists are below.
        #[arg(long = "fault", value_name = "NAME")]
        faults: Vec<String>,
    },
}

/// The protocols a reference wallet speaks.
pub use super::test::Protocol as WalletProtocol;

/// The longest `--qr-lifetime`: a year keeps `expire` far inside the integers JSON peers
/// read exactly.
const MAX_QR_LIFETIME_SECS: u64 = 365 * 24 * 60 * 60;

/// The node APIs the reference dApp can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NodeApiArg {
    /// The REST API (`/api/v1/...`).
    Rest,
    /// JSON-RPC 2.0 (POST `/`).
    Rpc,
}

impl From<NodeApiArg> for NodeApi {
    fn from(api: NodeApiArg) -> Self {
        match api {
            NodeApiArg::Rest => NodeApi::Rest,
            NodeApiArg::Rpc => NodeApi::Rpc,
        }
    }
}

/// Who has a reference's faults, for error messages.
trait FaultOwner: NamedFault {
    const OWNER: &'static str;
}

impl FaultOwner for DappFault {
    const OWNER: &'static str = "the reference dApp";
}

impl FaultOwner for SimpleWalletFault {
    const OWNER: &'static str = "the reference SimpleWallet wallet";
}

impl FaultOwner for SwDappFault {
    const OWNER: &'static str = "the reference SimpleWallet dApp";
}

impl FaultOwner for WalletFault {
    const OWNER: &'static str = "the reference wallet";
}

/// The width clap wraps help text at when it does not know the terminal's.
const HELP_WIDTH: usize = 100;

/// A `--help` closing text: every fault with what it changes, then `example`. Names and
/// descriptions share a line when every line fits [`HELP_WIDTH`]; otherwise each description
/// goes on its own indented line, since clap would wrap long lines to column 0.
fn faults_after_help<F: NamedFault>(example: &str) -> String {
    let mut text = String::from("Faults (--fault NAME, repeatable):\n");
    let width = F::all().iter().map(|f| f.name().len()).max().unwrap_or(0);
    let fits = F::all()
        .iter()
        .all(|f| 2 + width + 2 + f.description().chars().count() <= HELP_WIDTH);
    for fault in F::all() {
        if fits {
            text.push_str(&format!(
                "  {:width$}  {}\n",
                fault.name(),
                fault.description()
            ));
        } else {
            text.push_str(&format!(
                "  {}\n      {}\n",
                fault.name(),
                fault.description()
            ));
        }
    }
    text.push_str("\nExample: ");
    text.push_str(example);
    text
}

/// `serve dapp --help`'s closing text: the Ontology faults, then the SimpleWallet ones.
fn dapp_after_help() -> String {
    let ontology = faults_after_help::<DappFault>(
        "qrconform serve dapp --listen 127.0.0.1:0 --node http://127.0.0.1:20334 \
         --fault skip-address-binding",
    );
    let simplewallet = faults_after_help::<SwDappFault>(
        "qrconform serve dapp --protocol simplewallet --listen 127.0.0.1:0 \
         --node http://127.0.0.1:8888 --fault skip-mykey-keydata",
    );
    format!("Ontology (--protocol ontology). {ontology}\n\nSimpleWallet (--protocol simplewallet). {simplewallet}")
}

/// `serve wallet --help`'s closing text: the faults of each protocol's wallet.
fn wallet_after_help() -> String {
    let ontology = faults_after_help::<WalletFault>(
        "qrconform serve wallet --listen 127.0.0.1:0 \
         --fault sign-expired",
    );
    let simplewallet = faults_after_help::<SimpleWalletFault>(
        "qrconform serve wallet --protocol simplewallet --listen 127.0.0.1:0 \
         --node http://127.0.0.1:8888 --fault ignore-from",
    );
    format!("Ontology wallet. {ontology}\n\nSimpleWallet wallet (--protocol simplewallet). {simplewallet}")
}

/// The chains a node can mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// Ontology (dAPI mobile): REST and JSON-RPC.
    Ontology,
    /// EOS (SimpleWallet, MYKEY): nodeos's HTTP API.
    Eos,
}

impl ServeCommand {
    /// Servers must survive a peer that closes its connection mid-answer, so they keep
    /// Rust's default of ignoring SIGPIPE.
    pub fn is_long_running(&self) -> bool {
        true
    }
}

pub fn run(cmd: ServeCommand) -> CmdResult {
    // A person wiring a wallet or a back end to these servers sees every request, and why
    // a callback was refused, on standard error.
    crate::net::log_requests_to_stderr();
    match cmd {
        ServeCommand::Node {
            protocol: Protocol::Ontology,
            rest,
            rpc,
            identity,
            no_demo_identities,
            port,
        } => {
            if port.is_some() {
                return Err(CliError::new(
                    "--port is for --protocol eos; the Ontology node takes --rest and --rpc",
                ));
            }
            let rest = rest.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 20334)));
            let rpc = rpc.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 20336)));
            let mut config = if no_demo_identities {
                NodeConfig::default()
            } else {
                NodeConfig::demo()
            };
            for spec in &identity {
                config.identities.push(parse_identity(spec)?);
            }
            serve_ontology(config, rest, rpc)
        }
        ServeCommand::Node {
            protocol: Protocol::Eos,
            rest,
            rpc,
            identity,
            no_demo_identities,
            port,
        } => {
            let ontology_only = [
                ("--rest", rest.is_some()),
                ("--rpc", rpc.is_some()),
                ("--identity", !identity.is_empty()),
                ("--no-demo-identities", no_demo_identities),
            ];
            if let Some((flag, _)) = ontology_only.iter().find(|(_, given)| *given) {
                return Err(CliError::new(format!(
                    "{flag} is for the Ontology node; the EOS node (--protocol eos) takes --port"
                )));
            }
            let addr = SocketAddr::from(([127, 0, 0, 1], port.unwrap_or(eos::DEFAULT_PORT)));
            serve_eos(EosNodeConfig::demo(), addr)
        }
        ServeCommand::Dapp {
            protocol: SuiteProtocol::Simplewallet,
            listen,
            node,
            node_api,
            faults,
            qr_lifetime,
            public_url,
        } => {
            if node_api.is_some() {
                return Err(CliError::new(
                    "--node-api is for the Ontology dApp; the SimpleWallet dApp asks the EOS \
                     node's HTTP API at --node",
                ));
            }
            let node = node.unwrap_or_else(|| format!("http://127.0.0.1:{}", eos::DEFAULT_PORT));
            let mut config = SwDappConfig::new(check_url("--node", &node)?);
            config.faults = parse_faults(&faults)?;
            config.qr_lifetime = Duration::from_secs(qr_lifetime);
            config.public_url = public_url
                .as_deref()
                .map(|url| check_url("--public-url", url))
                .transpose()?;
            serve_simplewallet_dapp(config, listen)
        }
        ServeCommand::Dapp {
            protocol: SuiteProtocol::Ontology,
            listen,
            node,
            node_api,
            faults,
            qr_lifetime,
            public_url,
        } => {
            let node = node.unwrap_or_else(|| "http://127.0.0.1:20334".to_string());
            let node_api = node_api.unwrap_or(NodeApiArg::Rest);
            let mut config = DappConfig::new(node_api.into(), check_url("--node", &node)?);
            config.faults = parse_faults(&faults)?;
            config.qr_lifetime = Duration::from_secs(qr_lifetime);
            config.public_url = public_url
                .as_deref()
                .map(|url| check_url("--public-url", url))
                .transpose()?;
            serve_dapp(config, listen)
        }
        ServeCommand::Wallet {
            protocol: WalletProtocol::Simplewallet,
            listen,
            node,
            node_api,
            key,
            account,
            mykey,
            faults,
        } => {
            if node_api.is_some() {
                return Err(CliError::new(
                    "--node-api is for the Ontology wallet; the SimpleWallet wallet pushes \
                     through the EOS node's HTTP API at --node",
                ));
            }
            let account = account.unwrap_or_else(|| sw_wallet::DEFAULT_ACCOUNT.to_string());
            let active = match key {
                Some(text) => parse_eos_private_key(&text)?,
                None => EosPrivateKey::from_seed(sw_wallet::DEFAULT_KEY_SEED),
            };
            let node = node
                .unwrap_or_else(|| format!("http://127.0.0.1:{}", crate::chain::eos::DEFAULT_PORT));
            let mut config = SimpleWalletConfig::new(active, check_url("--node", &node)?);
            config.account = account.trim().parse().map_err(|e| {
                CliError::new(format!(
                    "--account `{account}` is not an EOS account name: {e}"
                ))
            })?;
            config.faults = parse_faults(&faults)?;
            config.mykey = mykey;
            serve_simplewallet_wallet(config, listen)
        }
        ServeCommand::Wallet {
            protocol: WalletProtocol::Ontology,
            listen,
            node,
            node_api,
            key,
            account,
            mykey,
            faults,
        } => {
            if account.is_some() || mykey {
                return Err(CliError::new(format!(
                    "{} is for --protocol simplewallet; an Ontology wallet is named by its key \
                     (--key)",
                    if account.is_some() {
                        "--account"
                    } else {
                        "--mykey"
                    }
                )));
            }
            let node_api = node_api.unwrap_or(NodeApiArg::Rest);
            let key = match key {
                Some(text) => parse_private_key(&text)?,
                None => PrivateKey::from_seed(DEFAULT_KEY_SEED),
            };
            let node = node.unwrap_or_else(|| "http://127.0.0.1:20334".to_string());
            let mut config = WalletConfig::new(key, node_api.into(), check_url("--node", &node)?);
            config.faults = parse_faults(&faults)?;
            serve_wallet(config, listen)
        }
    }
}

/// Reads `--fault` names; an unknown one lists the valid names.
fn parse_faults<F: FaultOwner>(names: &[String]) -> Result<BTreeSet<F>, CliError> {
    names
        .iter()
        .map(|name| {
            let wanted = name.trim();
            F::all()
                .iter()
                .copied()
                .find(|f| f.name() == wanted)
                .ok_or_else(|| {
                    let known: Vec<&str> = F::all().iter().map(|f| f.name()).collect();
                    CliError::new(format!(
                        "--fault `{name}` is not a fault of {}; the faults are: {}",
                        F::OWNER,
                        known.join(", ")
                    ))
                })
        })
        .collect()
}

/// `--key`: 64 hex digits, else WIF. The error never echoes what may be a secret key.
fn parse_private_key(text: &str) -> Result<PrivateKey, CliError> {
    let text = text.trim();
    super::ontology::hex_or_wif(text).map_err(|e| {
        CliError::new(format!(
            "--key ({} characters) is neither 64 hex digits nor a WIF key: {e}",
            text.chars().count()
        ))
    })
}

/// `--key` for an EOS wallet: WIF or `PVT_K1_`. The error never echoes what may be a secret
/// key.
fn parse_eos_private_key(text: &str) -> Result<EosPrivateKey, CliError> {
    let text = text.trim();
    EosPrivateKey::from_wif(text).map_err(|_| {
        CliError::new(format!(
            "--key ({} characters) is neither a WIF nor a PVT_K1_ EOS private key",
            text.chars().count()
        ))
    })
}

/// An `http://` or `https://` URL with a host, without a trailing slash.
fn check_url(flag: &str, url: &str) -> Result<String, CliError> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => {
            Ok(url.trim_end_matches('/').to_string())
        }
        _ => Err(CliError::new(format!(
            "{flag} `{url}` is not an http:// or https:// URL with a host"
        ))),
    }
}

/// Reads `DID=KEY[,KEY…]` or `KEY`.
fn parse_identity(spec: &str) -> Result<(OntId, Vec<PublicKey>), CliError> {
    let key = |text: &str| {
        PublicKey::from_hex(text.trim())
            .map_err(|e| CliError::new(format!("--identity `{spec}`: public key `{text}`: {e}")))
    };
    match spec.split_once('=') {
        Some((did, keys)) => {
            let ontid = OntId::parse(did.trim())
                .map_err(|e| CliError::new(format!("--identity `{spec}`: ONT ID `{did}`: {e}")))?;
            let keys = keys.split(',').map(key).collect::<Result<Vec<_>, _>>()?;
            Ok((ontid, keys))
        }
        None => {
            let key = key(spec)?;
            Ok((OntId::from_public_key(&key), vec![key]))
        }
    }
}

fn serve_ontology(config: NodeConfig, rest: SocketAddr, rpc: SocketAddr) -> CmdResult {
    let identities = config.identities.clone();
    runtime()?.block_on(async move {
        let running = node::start(Node::new(config), rest, rpc)
            .await
            .map_err(CliError::new)?;
        let mut lines = vec![
            "mock Ontology node".to_string(),
            format!("REST listening on {}", running.rest_url()),
            format!("JSON-RPC listening on {}", running.rpc_url()),
        ];
        for (ontid, keys) in &identities {
            let keys: Vec<String> = keys.iter().map(PublicKey::to_hex).collect();
            lines.push(format!("identity {ontid} keys {}", keys.join(",")));
        }
        announce(&lines);
        wait_for_stop_signal().await;
        running.shutdown().await;
        Ok(Verdict::Positive)
    })
}

/// The start-up banner of the EOS node: where it listens, its chain id, and each demo
/// account's keys with their WIFs, so a person can sign for them by hand.
fn eos_banner(base_url: &str, config: &EosNodeConfig) -> Vec<String> {
    let mut lines = vec![
        "mock EOS node".to_string(),
        format!("HTTP listening on {base_url}"),
        format!("chain_id {}", hex::encode(config.chain_id)),
    ];
    for (name, seed) in eos::DEMO_ACCOUNTS {
        let active = eos::demo_key(seed);
        let owner = eos::demo_key(&format!("{seed}/owner"));
        lines.push(format!(
            "account {name} active {} {} owner {} {}",
            active.public_key(),
            active.to_wif(),
            owner.public_key(),
            owner.to_wif()
        ));
    }
    let manager = eos::demo_key(eos::DEMO_MANAGER_SEED);
    let (mykey, manager_name, seed) = eos::DEMO_MYKEY_ACCOUNT;
    lines.push(format!(
        "account {manager_name} active {} {}",
        manager.public_key(),
        manager.to_wif()
    ));
    for index in 0..6 {
        let key = eos::demo_key(&format!("{seed}/{index}"));
        lines.push(format!(
            "mykey {mykey} manager {manager_name} keydata {index} {} {}",
            key.public_key(),
            key.to_wif()
        ));
    }
    lines.push(format!("balances eosio.token {} each", eos::DEMO_BALANCE));
    lines
}

fn serve_eos(config: EosNodeConfig, addr: SocketAddr) -> CmdResult {
    runtime()?.block_on(async move {
        let running = eos::start(config.clone(), addr)
            .await
            .map_err(CliError::new)?;
        announce(&eos_banner(&running.base_url(), &config));
        wait_for_stop_signal().await;
        running.shutdown().await;
        Ok(Verdict::Positive)
    })
}

fn serve_dapp(config: DappConfig, listen: SocketAddr) -> CmdResult {
    let faults: Vec<&str> = config.faults.iter().map(|f| f.name()).collect();
    let node = format!("{} {}", config.node_api.name(), config.node_url);
    runtime()?.block_on(async move {
        let running = dapp::start(config, listen).await.map_err(CliError::new)?;
        let lines = dapp_banner(
            "reference dApp",
            &running.listen_url(),
            &running.base_url(),
            vec![format!("node {node}")],
            &faults,
            &[
                "/qr/login",
                "/qr/signMessage",
                "/qr/signMultiMessage",
                "/qr/invoke",
            ],
        );
        announce(&lines);
        wait_for_stop_signal().await;
        running.shutdown().await;
        Ok(Verdict::Positive)
    })
}

/// The start-up line naming the faults a reference runs with.
fn faults_line(faults: &[&str]) -> String {
    if faults.is_empty() {
        "faults: none".to_string()
    } else {
        format!("faults: {}", faults.join(", "))
    }
}

/// A reference dApp's start-up lines: where it listens and sends wallets, what it asks,
/// its faults, and where its QR codes are.
fn dapp_banner(
    what: &str,
    listening: &str,
    base: &str,
    about: Vec<String>,
    faults: &[&str],
    qr_paths: &[&str],
) -> Vec<String> {
    let mut lines = vec![format!("{what} listening on {listening}")];
    if base != listening {
        lines.push(format!("QR codes send wallets to {base}"));
    }
    lines.extend(about);
    lines.push(faults_line(faults));
    for path in qr_paths {
        lines.push(format!("QR code: {listening}{path}"));
    }
    lines
}

fn serve_simplewallet_dapp(config: SwDappConfig, listen: SocketAddr) -> CmdResult {
    let faults: Vec<&str> = config.faults.iter().map(|f| f.name()).collect();
    let node = config.node_url.clone();
    let payee = config.payee;
    let amount = config.amount.clone();
    runtime()?.block_on(async move {
        let running = simplewallet_dapp::start(config, listen)
            .await
            .map_err(CliError::new)?;
        let lines = dapp_banner(
            "reference SimpleWallet dApp",
            &running.listen_url(),
            &running.base_url(),
            vec![
                format!("EOS node {node}"),
                format!("transfers ask {amount} EOS for {payee}"),
            ],
            &faults,
            &[
                "/qr/login",
                "/qr/transfer",
                "/qr/transaction?account=NAME",
                "/qr/sign",
            ],
        );
        announce(&lines);
        wait_for_stop_signal().await;
        running.shutdown().await;
        Ok(Verdict::Positive)
    })
}

fn serve_wallet(config: WalletConfig, listen: SocketAddr) -> CmdResult {
    let faults: Vec<&str> = config.faults.iter().map(|f| f.name()).collect();
    let node = format!("{} {}", config.node_api.name(), config.node_url);
    runtime()?.block_on(async move {
        let running = wallet::start(config, listen).await.map_err(CliError::new)?;
        let identity = running.identity();
        let base = running.base_url();
        let lines = vec![
            format!("reference wallet listening on {base}"),
            format!("address {}", identity.address),
            format!("publicKey {}", identity.public_key),
            format!("ontid {}", identity.ontid),
            format!("node {node}"),
            faults_line(&faults),
            format!("driver: GET {base}/identity, POST {base}/scan"),
        ];
        announce(&lines);
        wait_for_stop_signal().await;
        running.shutdown().await;
        Ok(Verdict::Positive)
    })
}

fn serve_simplewallet_wallet(config: SimpleWalletConfig, listen: SocketAddr) -> CmdResult {
    let faults: Vec<&str> = config.faults.iter().map(|f| f.name()).collect();
    let node = config.node_url.clone();
    runtime()?.block_on(async move {
        let running = sw_wallet::start(config, listen)
            .await
            .map_err(CliError::new)?;
        let identity = running.identity();
        let base = running.base_url();
        let lines = vec![
            format!("reference SimpleWallet wallet listening on {base}"),
            format!("account {}", identity.account),
            format!("publicKey {}", identity.public_key),
            format!("ref {}", identity.wallet_ref),
            format!("node {node}"),
            faults_line(&faults),
            format!("driver: GET {base}/identity, POST {base}/scan"),
        ];
        announce(&lines);
        wait_for_stop_signal().await;
        running.shutdown().await;
        Ok(Verdict::Positive)
    })
}

/// Prints what a server is and where, then how to stop it. A closed stdout must not stop the
/// server, so write errors are ignored.
fn announce(lines: &[String]) {
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "Ctrl-C stops it.");
    let _ = out.flush();
}

async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
