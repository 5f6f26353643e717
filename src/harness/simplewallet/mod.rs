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
use std::sync::Arc;

use super::catalogue::Case;
use super::driver::Driver;
use super::opened_listener::OpenedListener;
use super::run::Runner;
use super::suite::{BoxFuture, Started, REFERENCE_PLACEHOLDER};
use super::target::{DriverSpec, WalletTarget};
use super::{CaseOutcome, Verdict};
use crate::chain::eos::RunningEosNode;
use crate::reference::simplewallet::dapp::SwDappFault;
use crate::reference::simplewallet::wallet::{
    RunningSimpleWallet, SimpleWalletFault, SimpleWalletIdentity,
};

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
        start_reference: wallet_against_reference,
        start_target: wallet_against_target,
    },
}

/// The reference wallet proves the suite in both of its profiles: every case runs against a
/// plain wallet and against a MYKEY wallet (a MYKEY account, the reserved key, payments
/// through `mykeymanager::sendaction`), each with `faults` planted, so a fault only a MYKEY
/// wallet shows is caught, and the clean reference must pass every case as both.
async fn wallet_against_reference(faults: BTreeSet<SimpleWalletFault>) -> Result<Started, String> {
    let (plain, plain_wallet) = wallet_suite::against_reference_as(faults.clone(), false).await?;
    let (mykey, mykey_wallet) = match wallet_suite::against_reference_as(faults, true).await {
        Ok(started) => started,
        Err(e) => {
            plain.shutdown().await;
            plain_wallet.shutdown().await;
            return Err(e);
        }
    };
    let runner = BothProfiles {
        mykey_url: mykey_wallet.base_url(),
        plain,
        mykey,
        mykey_wallet: std::sync::Mutex::new(Some(mykey_wallet)),
    };
    Ok(Started::alongside(
        runner,
        plain_wallet.base_url(),
        plain_wallet.shutdown(),
    ))
}

/// One suite run against the plain reference wallet and the MYKEY one: a case's outcome is
/// the plain wallet's unless that passed and the MYKEY wallet's did not.
struct BothProfiles {
    plain: wallet_suite::SimpleWalletSuite,
    mykey: wallet_suite::SimpleWalletSuite,
    mykey_url: String,
    mykey_wallet: std::sync::Mutex<Option<RunningSimpleWallet>>,
}

impl Runner for BothProfiles {
    fn run<'a>(&'a self, case: &'a Case) -> BoxFuture<'a, CaseOutcome> {
        Box::pin(async move {
            let plain = self.plain.run_case(case).await;
            if plain.verdict != Verdict::Pass {
                return plain;
            }
            let mut mykey = self.mykey.run_case(case).await;
            if mykey.verdict != Verdict::Pass {
                mykey.reason = format!("as a MYKEY wallet: {}", mykey.reason);
                return mykey;
            }
            plain
        })
    }

    fn endpoints(&self) -> Vec<(String, String)> {
        let mut endpoints = self.plain.endpoints();
        endpoints.extend(self.mykey.endpoints());
        endpoints.push((self.mykey_url.clone(), REFERENCE_PLACEHOLDER.to_string()));
        endpoints
    }

    fn banner(&self) -> String {
        format!("{} (and as a MYKEY wallet)", self.plain.banner())
    }

    fn stop(self: Arc<Self>) -> BoxFuture<'static, ()> {
        let Ok(this) = Arc::try_unwrap(self) else {
            return Box::pin(async {});
        };
        let wallet = this.mykey_wallet.into_inner().ok().flatten();
        Box::pin(async move {
            this.plain.shutdown().await;
            this.mykey.shutdown().await;
            if let Some(wallet) = wallet {
                wallet.shutdown().await;
            }
        })
    }
}

/// A wallet target: its driver and node, and in interactive mode the listener that records
/// the deep-link callbacks a person's phone opens.
async fn wallet_against_target(target: WalletTarget, svg_dir: PathBuf) -> Result<Started, String> {
    let (driver, running) = wallet_driver_and_node(&target, svg_dir).await?;
    // A person's phone opens deep-link callbacks: an HTTP listener on the interactive
    // listen address records them (the typed prompt stays the fallback).
    let listener = match target.driver {
        DriverSpec::Interactive { .. } => {
            Some(OpenedListener::start(target.listen.ip(), target.public_url.as_deref()).await?)
        }
        _ => None,
    };
    let suite = wallet_suite::SimpleWalletSuite::start(
        driver,
        running,
        target.listen,
        target.public_url.clone(),
        target.limits(),
    )
    .await?;
    let suite = match listener {
        Some(listener) => suite.with_opened_listener(listener),
        None => suite,
    };
    Ok(Started::of(suite))
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
