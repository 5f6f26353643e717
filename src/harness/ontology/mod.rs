//! The Ontology dAPI mobile plug-in: its two suites as the engine sees them
//! ([`DAPP`], [`WALLET`]), and their runners.
//!
//! - [`dapp_suite`]: the dApp suite's runner (the harness plays the wallet);
//! - [`dapp_wallet`]: the harness's Ontology wallet for the dApp suite: seeded keys, its
//!   ONT ID, signatures honest or malformed;
//! - [`wallet_suite`]: the wallet suite's runner (the harness plays the dApp).

pub mod dapp_suite;
pub mod dapp_wallet;
pub mod wallet_suite;

use std::path::PathBuf;

use super::driver::Driver;
use super::target::WalletTarget;
use crate::chain::ontology::{self as chain, Node, NodeConfig, RunningNode};
use crate::protocol::driver::Identity;
use crate::protocol::ontology::crypto::{Address, OntId, PublicKey};
use crate::reference::ontology::dapp::DappFault;
use crate::reference::ontology::wallet::WalletFault;

super::suite::plugin_suites! {
    protocol: "ontology",
    dapp: {
        doc: "The Ontology dApp suite.",
        reference: "reference dApp",
        faults: DappFault,
        module: dapp_suite,
        runner: dapp_suite::DappSuite,
    },
    wallet: {
        doc: "The Ontology wallet suite.",
        reference: "reference wallet",
        faults: WalletFault,
        module: wallet_suite,
        runner: wallet_suite::WalletSuite,
        driver_and_node: wallet_driver_and_node,
    },
}

/// The driver a wallet target names and the mock node its wallet sends to.
async fn wallet_driver_and_node(
    target: &WalletTarget,
    svg_dir: PathBuf,
) -> Result<(Driver, RunningNode), String> {
    let running = chain::start(
        Node::new(NodeConfig::default()),
        target.node_rest,
        target.node_rpc,
    )
    .await
    .map_err(|e| format!("failed to start the mock node: {e}"))?;
    // An interactive wallet's identity follows from its key.
    let driver = target.driver(svg_dir, |public_key| {
        let key = PublicKey::from_hex(public_key).map_err(|e| e.to_string())?;
        let identity = Identity {
            address: Address::from_public_key(&key).to_base58(),
            public_key: key.to_hex(),
            ontid: OntId::from_public_key(&key).to_string(),
        };
        serde_json::to_value(identity).map_err(|e| e.to_string())
    })?;
    Ok((driver, running))
}
