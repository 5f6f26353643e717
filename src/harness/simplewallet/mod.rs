//! The SimpleWallet (EOS, with the MYKEY extensions) suites.
//!
//! - [`dapp_suite`]: the dApp suite's runner (the harness plays the wallet);
//! - [`dapp_wallet`]: the harness's EOS wallet for the dApp suite: seeded keys, the accounts
//!   it registers on the harness's mock EOS node, its signatures and transfers;
//! - [`wallet_suite`]: the wallet suite's runner (the harness plays the dApp).

pub mod dapp_suite;
pub mod dapp_wallet;
pub mod wallet_suite;
