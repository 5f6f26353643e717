//! `qrconform serve …`: the mock chain nodes as long-running servers, for trying a dApp back
//! end or a wallet by hand, or for a CI job that starts the node before its back end.

use std::io::Write;
use std::net::SocketAddr;

use clap::{Subcommand, ValueEnum};

use super::{CliError, CmdResult, Verdict};
use crate::chain::ontology::{self as node, Node, NodeConfig};
use crate::protocol::ontology::crypto::{OntId, PublicKey};

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
        Example: qrconform serve node --rest 127.0.0.1:0 --rpc 127.0.0.1:0"
    )]
    Node {
        /// The chain to mock.
        #[arg(long, value_enum, default_value_t = Protocol::Ontology)]
        protocol: Protocol,
        /// Address for the REST API.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:20334")]
        rest: SocketAddr,
        /// Address for the JSON-RPC API.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:20336")]
        rpc: SocketAddr,
        /// Register an ONT ID: `DID=KEY[,KEY…]`, or just `KEY` for the ONT ID of that key's
        /// own address (keys are 33-byte compressed P-256, hex). Repeatable.
        #[arg(long, value_name = "DID=KEY,…|KEY")]
        identity: Vec<String>,
        /// Start without the two demo identities.
        #[arg(long)]
        no_demo_identities: bool,
    },
}

/// The chains a node can mock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// Ontology (dAPI mobile): REST and JSON-RPC.
    Ontology,
}

impl ServeCommand {
    /// Servers must survive a peer that closes its connection mid-answer, so they keep
    /// Rust's default of ignoring SIGPIPE.
    pub fn is_long_running(&self) -> bool {
        true
    }
}

pub fn run(cmd: ServeCommand) -> CmdResult {
    match cmd {
        ServeCommand::Node {
            protocol: Protocol::Ontology,
            rest,
            rpc,
            identity,
            no_demo_identities,
        } => {
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

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(format!("failed to start the async runtime: {e}")))
}

fn serve_ontology(config: NodeConfig, rest: SocketAddr, rpc: SocketAddr) -> CmdResult {
    let identities = config.identities.clone();
    runtime()?.block_on(async move {
        let running = node::start(Node::new(config), rest, rpc)
            .await
            .map_err(CliError::new)?;
        let mut out = std::io::stdout().lock();
        // A closed stdout must not stop the node: write errors are ignored.
        let _ = writeln!(out, "mock Ontology node");
        let _ = writeln!(out, "REST listening on {}", running.rest_url());
        let _ = writeln!(out, "JSON-RPC listening on {}", running.rpc_url());
        for (ontid, keys) in &identities {
            let keys: Vec<String> = keys.iter().map(PublicKey::to_hex).collect();
            let _ = writeln!(out, "identity {ontid} keys {}", keys.join(","));
        }
        let _ = writeln!(out, "Ctrl-C stops it.");
        let _ = out.flush();
        drop(out);
        wait_for_stop_signal().await;
        running.shutdown().await;
        Ok(Verdict::Positive)
    })
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
