//! The SimpleWallet (EOS) suites' machinery.
//!
//! - [`dapp_wallet`]: the harness's EOS wallet for the dApp suite: seeded keys, the accounts
//!   it registers on the harness's mock EOS node, its signatures and transfers;
//! - [`dapp`]: the SimpleWallet dApp suite's runner (the harness plays the wallet);
//! - [`wallet_suite`]: the SimpleWallet wallet suite's runner (the harness plays the dApp).

pub mod dapp;
pub mod dapp_wallet;
pub mod wallet_suite;
