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

use super::catalogue::Catalogue;
use super::suite::{planted, wrong_target, Against, BoxFuture, Role, Started, Suite, SuiteKind};
use crate::chain::ontology::{self as chain, Node, NodeConfig};
use crate::protocol::driver::Identity;
use crate::protocol::ontology::crypto::{Address, OntId, PublicKey};
use crate::reference::ontology::dapp::DappFault;
use crate::reference::ontology::wallet::WalletFault;

/// The Ontology dApp suite.
pub const DAPP: SuiteKind = SuiteKind(&OntologyDapp);
/// The Ontology wallet suite.
pub const WALLET: SuiteKind = SuiteKind(&OntologyWallet);

struct OntologyDapp;

impl Suite for OntologyDapp {
    fn protocol(&self) -> &'static str {
        "ontology"
    }

    fn role(&self) -> Role {
        Role::Dapp
    }

    fn catalogue_source(&self) -> (&'static str, &'static str) {
        (
            "suites/ontology-dapp.toml",
            include_str!("../../../suites/ontology-dapp.toml"),
        )
    }

    fn check_catalogue(&self, catalogue: &Catalogue) -> Result<(), String> {
        dapp_suite::check_catalogue(catalogue)
    }

    fn reference_name(&self) -> &'static str {
        "reference dApp"
    }

    fn faults(&self) -> Vec<(&'static str, &'static str)> {
        DappFault::ALL
            .iter()
            .map(|f| (f.name(), f.description()))
            .collect()
    }

    fn start(&self, against: Against) -> BoxFuture<'static, Result<Started, String>> {
        Box::pin(async move {
            match against {
                Against::Reference(faults) => {
                    let (suite, dapp) =
                        dapp_suite::against_reference(planted(&faults, DappFault::from_name))
                            .await?;
                    let url = dapp.base_url();
                    Ok(Started::alongside(
                        suite,
                        "reference dApp",
                        url,
                        "<dapp>",
                        dapp.shutdown(),
                    ))
                }
                Against::Dapp(target) => {
                    let suite = dapp_suite::DappSuite::start(target).await?;
                    let banner = format!(
                        "{} {} (mock node: REST {}, JSON-RPC {})",
                        suite.target().name,
                        suite.target().version,
                        suite.node().rest_url(),
                        suite.node().rpc_url()
                    );
                    Ok(Started::of(suite, banner))
                }
                Against::Wallet { .. } => Err(wrong_target("dApp", "a wallet")),
            }
        })
    }
}

struct OntologyWallet;

impl Suite for OntologyWallet {
    fn protocol(&self) -> &'static str {
        "ontology"
    }

    fn role(&self) -> Role {
        Role::Wallet
    }

    fn catalogue_source(&self) -> (&'static str, &'static str) {
        (
            "suites/ontology-wallet.toml",
            include_str!("../../../suites/ontology-wallet.toml"),
        )
    }

    fn check_catalogue(&self, catalogue: &Catalogue) -> Result<(), String> {
        wallet_suite::check_catalogue(catalogue)
    }

    fn reference_name(&self) -> &'static str {
        "reference wallet"
    }

    fn faults(&self) -> Vec<(&'static str, &'static str)> {
        WalletFault::ALL
            .iter()
            .map(|f| (f.name(), f.description()))
            .collect()
    }

    fn start(&self, against: Against) -> BoxFuture<'static, Result<Started, String>> {
        Box::pin(async move {
            match against {
                Against::Reference(faults) => {
                    let (suite, wallet) =
                        wallet_suite::against_reference(planted(&faults, WalletFault::from_name))
                            .await?;
                    let url = wallet.base_url();
                    Ok(Started::alongside(
                        suite,
                        "reference wallet",
                        url,
                        "<wallet-driver>",
                        wallet.shutdown(),
                    ))
                }
                Against::Wallet { target, svg_dir } => {
                    let running = chain::start(
                        Node::new(NodeConfig::default()),
                        target.node_rest,
                        target.node_rpc,
                    )
                    .await
                    .map_err(|e| format!("failed to start the mock node: {e}"))?;
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
                    let banner = format!(
                        "{} {} (wallet {}; harness dApp {}; mock node: REST {}, JSON-RPC {})",
                        target.name,
                        target.version,
                        suite.identity().address,
                        suite.harness_url(),
                        suite.node().rest_url(),
                        suite.node().rpc_url()
                    );
                    Ok(Started::of(suite, banner))
                }
                Against::Dapp(_) => Err(wrong_target("wallet", "a dApp back end")),
            }
        })
    }
}
