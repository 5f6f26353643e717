//! The SimpleWallet (EOS, with the MYKEY extensions) plug-in: its two suites as the engine
//! sees them ([`DAPP`], [`WALLET`]), and their runners.
//!
//! - [`dapp_suite`]: the dApp suite's runner (the harness plays the wallet);
//! - [`dapp_wallet`]: the harness's EOS wallet for the dApp suite: seeded keys, the accounts
//!   it registers on the harness's mock EOS node, its signatures and transfers;
//! - [`wallet_suite`]: the wallet suite's runner (the harness plays the dApp).

pub mod dapp_suite;
pub mod dapp_wallet;
pub mod wallet_suite;

use super::catalogue::Catalogue;
use super::suite::{planted, wrong_target, Against, BoxFuture, Role, Started, Suite, SuiteKind};
use crate::reference::simplewallet::dapp::SwDappFault;
use crate::reference::simplewallet::wallet::{SimpleWalletFault, SimpleWalletIdentity};

/// The SimpleWallet dApp suite.
pub const DAPP: SuiteKind = SuiteKind(&SimpleWalletDapp);
/// The SimpleWallet wallet suite.
pub const WALLET: SuiteKind = SuiteKind(&SimpleWalletWallet);

struct SimpleWalletDapp;

impl Suite for SimpleWalletDapp {
    fn protocol(&self) -> &'static str {
        "simplewallet"
    }

    fn role(&self) -> Role {
        Role::Dapp
    }

    fn catalogue_source(&self) -> (&'static str, &'static str) {
        (
            "suites/simplewallet-dapp.toml",
            include_str!("../../../suites/simplewallet-dapp.toml"),
        )
    }

    fn check_catalogue(&self, catalogue: &Catalogue) -> Result<(), String> {
        dapp_suite::check_catalogue(catalogue)
    }

    fn reference_name(&self) -> &'static str {
        "reference SimpleWallet dApp"
    }

    fn faults(&self) -> Vec<(&'static str, &'static str)> {
        SwDappFault::ALL
            .iter()
            .map(|f| (f.name(), f.description()))
            .collect()
    }

    fn start(&self, against: Against) -> BoxFuture<'static, Result<Started, String>> {
        Box::pin(async move {
            match against {
                Against::Reference(faults) => {
                    let (suite, dapp) =
                        dapp_suite::against_reference(planted(&faults, SwDappFault::from_name))
                            .await?;
                    let url = dapp.base_url();
                    Ok(Started::alongside(
                        suite,
                        "reference SimpleWallet dApp",
                        url,
                        "<dapp>",
                        dapp.shutdown(),
                    ))
                }
                Against::Dapp(target) => {
                    let suite = dapp_suite::SwDappSuite::start(target).await?;
                    let banner = format!(
                        "{} {} (mock EOS node: {})",
                        suite.target().name,
                        suite.target().version,
                        suite.node().base_url()
                    );
                    Ok(Started::of(suite, banner))
                }
                Against::Wallet { .. } => Err(wrong_target("dApp", "a wallet")),
            }
        })
    }
}

struct SimpleWalletWallet;

impl Suite for SimpleWalletWallet {
    fn protocol(&self) -> &'static str {
        "simplewallet"
    }

    fn role(&self) -> Role {
        Role::Wallet
    }

    fn catalogue_source(&self) -> (&'static str, &'static str) {
        (
            "suites/simplewallet-wallet.toml",
            include_str!("../../../suites/simplewallet-wallet.toml"),
        )
    }

    fn check_catalogue(&self, catalogue: &Catalogue) -> Result<(), String> {
        wallet_suite::check_catalogue(catalogue)
    }

    fn reference_name(&self) -> &'static str {
        "reference SimpleWallet wallet"
    }

    fn faults(&self) -> Vec<(&'static str, &'static str)> {
        SimpleWalletFault::ALL
            .iter()
            .map(|f| (f.name(), f.description()))
            .collect()
    }

    fn start(&self, against: Against) -> BoxFuture<'static, Result<Started, String>> {
        Box::pin(async move {
            match against {
                Against::Reference(faults) => {
                    let (suite, wallet) = wallet_suite::against_reference(planted(
                        &faults,
                        SimpleWalletFault::from_name,
                    ))
                    .await?;
                    let url = wallet.base_url();
                    Ok(Started::alongside(
                        suite,
                        "reference SimpleWallet wallet",
                        url,
                        "<wallet-driver>",
                        wallet.shutdown(),
                    ))
                }
                Against::Wallet { target, svg_dir } => {
                    // An interactive wallet's identity is its key, account and ref.
                    let driver = target.driver(svg_dir, |public_key| {
                        let (Some(account), Some(wallet_ref)) =
                            (target.account.clone(), target.wallet_ref.clone())
                        else {
                            return Err("--interactive --protocol simplewallet needs \
                                        --wallet-account and --wallet-ref"
                                .to_string());
                        };
                        serde_json::to_value(SimpleWalletIdentity {
                            account,
                            public_key: public_key.to_string(),
                            wallet_ref,
                        })
                        .map_err(|e| e.to_string())
                    })?;
                    let running = wallet_suite::start_node(target.node_eos).await?;
                    let suite = wallet_suite::SimpleWalletSuite::start(
                        driver,
                        running,
                        target.listen,
                        target.public_url.clone(),
                        target.limits(),
                    )
                    .await?;
                    let banner = format!(
                        "{} {} (wallet {} key {}; harness dApp {}; mock EOS node {})",
                        target.name,
                        target.version,
                        suite.identity().account,
                        suite.identity().public_key,
                        suite.harness_url(),
                        suite.node().base_url()
                    );
                    Ok(Started::of(suite, banner))
                }
                Against::Dapp(_) => Err(wrong_target("wallet", "a dApp back end")),
            }
        })
    }
}
