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

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::suite::{StartTarget, Started, SuiteDef, SuiteKind};
use super::target::{DappTarget, WalletTarget};
use crate::reference::simplewallet::dapp::SwDappFault;
use crate::reference::simplewallet::wallet::{SimpleWalletFault, SimpleWalletIdentity};

/// The SimpleWallet dApp suite.
pub const DAPP: SuiteKind = SuiteKind(&SuiteDef::<SwDappFault> {
    protocol: "simplewallet",
    catalogue: (
        "suites/simplewallet-dapp.toml",
        include_str!("../../../suites/simplewallet-dapp.toml"),
    ),
    reference_name: "reference SimpleWallet dApp",
    check_catalogue: dapp_suite::check_catalogue,
    start_reference: |faults| Box::pin(dapp_against_reference(faults)),
    start_target: StartTarget::Dapp(|target| Box::pin(dapp_against_target(target))),
});

/// The SimpleWallet wallet suite.
pub const WALLET: SuiteKind = SuiteKind(&SuiteDef::<SimpleWalletFault> {
    protocol: "simplewallet",
    catalogue: (
        "suites/simplewallet-wallet.toml",
        include_str!("../../../suites/simplewallet-wallet.toml"),
    ),
    reference_name: "reference SimpleWallet wallet",
    check_catalogue: wallet_suite::check_catalogue,
    start_reference: |faults| Box::pin(wallet_against_reference(faults)),
    start_target: StartTarget::Wallet(|target, svg_dir| {
        Box::pin(wallet_against_target(target, svg_dir))
    }),
});

async fn dapp_against_reference(faults: BTreeSet<SwDappFault>) -> Result<Started, String> {
    let (suite, dapp) = dapp_suite::against_reference(faults).await?;
    Ok(Started::alongside(suite, dapp.base_url(), dapp.shutdown()))
}

async fn dapp_against_target(target: DappTarget) -> Result<Started, String> {
    Ok(Started::of(dapp_suite::SwDappSuite::start(target).await?))
}

async fn wallet_against_reference(faults: BTreeSet<SimpleWalletFault>) -> Result<Started, String> {
    let (suite, wallet) = wallet_suite::against_reference(faults).await?;
    Ok(Started::alongside(
        suite,
        wallet.base_url(),
        wallet.shutdown(),
    ))
}

async fn wallet_against_target(target: WalletTarget, svg_dir: PathBuf) -> Result<Started, String> {
    // An interactive wallet's identity is its key, account and ref.
    let driver = target.driver(svg_dir, |public_key| {
        let (Some(account), Some(wallet_ref)) = (target.account.clone(), target.wallet_ref.clone())
        else {
            return Err(
                "--interactive --protocol simplewallet needs --wallet-account and --wallet-ref"
                    .to_string(),
            );
        };
        serde_json::to_value(SimpleWalletIdentity {
            account,
            public_key: public_key.to_string(),
            wallet_ref,
            mykey: target.mykey,
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
    Ok(Started::of(suite))
}
