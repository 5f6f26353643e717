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

use std::path::PathBuf;

use super::driver::Driver;
use super::target::WalletTarget;
use crate::chain::eos::RunningEosNode;
use crate::reference::simplewallet::dapp::SwDappFault;
use crate::reference::simplewallet::wallet::{SimpleWalletFault, SimpleWalletIdentity};

super::suite::plugin_suites! {
    protocol: "simplewallet",
    dapp: {
        doc: "The SimpleWallet dApp suite.",
        reference: "reference SimpleWallet dApp",
        faults: SwDappFault,
        module: dapp_suite,
        runner: dapp_suite::SwDappSuite,
    },
    wallet: {
        doc: "The SimpleWallet wallet suite.",
        reference: "reference SimpleWallet wallet",
        faults: SimpleWalletFault,
        module: wallet_suite,
        runner: wallet_suite::SimpleWalletSuite,
        driver_and_node: wallet_driver_and_node,
    },
}

/// The driver a wallet target names and the mock EOS node its wallet pushes to.
async fn wallet_driver_and_node(
    target: &WalletTarget,
    svg_dir: PathBuf,
) -> Result<(Driver, RunningEosNode), String> {
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
    Ok((driver, running))
}
