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

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::suite::{StartTarget, Started, SuiteDef, SuiteKind};
use super::target::{DappTarget, WalletTarget};
use crate::chain::ontology::{self as chain, Node, NodeConfig};
use crate::protocol::driver::Identity;
use crate::protocol::ontology::crypto::{Address, OntId, PublicKey};
use crate::reference::ontology::dapp::DappFault;
use crate::reference::ontology::wallet::WalletFault;

/// The Ontology dApp suite.
pub const DAPP: SuiteKind = SuiteKind(&SuiteDef::<DappFault> {
    protocol: "ontology",
    catalogue: (
        "suites/ontology-dapp.toml",
        include_str!("../../../suites/ontology-dapp.toml"),
    ),
    reference_name: "reference dApp",
    check_catalogue: dapp_suite::check_catalogue,
    start_reference: |faults| Box::pin(dapp_against_reference(faults)),
    start_target: StartTarget::Dapp(|target| Box::pin(dapp_against_target(target))),
});

/// The Ontology wallet suite.
pub const WALLET: SuiteKind = SuiteKind(&SuiteDef::<WalletFault> {
    protocol: "ontology",
    catalogue: (
        "suites/ontology-wallet.toml",
        include_str!("../../../suites/ontology-wallet.toml"),
    ),
    reference_name: "reference wallet",
    check_catalogue: wallet_suite::check_catalogue,
    start_reference: |faults| Box::pin(wallet_against_reference(faults)),
    start_target: StartTarget::Wallet(|target, svg_dir| {
        Box::pin(wallet_against_target(target, svg_dir))
    }),
});

async fn dapp_against_reference(faults: BTreeSet<DappFault>) -> Result<Started, String> {
    let (suite, dapp) = dapp_suite::against_reference(faults).await?;
    Ok(Started::alongside(suite, dapp.base_url(), dapp.shutdown()))
}

async fn dapp_against_target(target: DappTarget) -> Result<Started, String> {
    Ok(Started::of(dapp_suite::DappSuite::start(target).await?))
}

async fn wallet_against_reference(faults: BTreeSet<WalletFault>) -> Result<Started, String> {
    let (suite, wallet) = wallet_suite::against_reference(faults).await?;
    Ok(Started::alongside(
        suite,
        wallet.base_url(),
        wallet.shutdown(),
    ))
}

async fn wallet_against_target(target: WalletTarget, svg_dir: PathBuf) -> Result<Started, String> {
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
    let suite = wallet_suite::WalletSuite::start(
        driver,
        running,
        target.listen,
        target.public_url.clone(),
        target.limits(),
    )
    .await?;
    Ok(Started::of(suite))
}
