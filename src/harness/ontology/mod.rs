//! The Ontology dAPI mobile suites.
//!
//! - [`dapp_suite`]: the dApp suite's runner (the harness plays the wallet);
//! - [`dapp_wallet`]: the harness's Ontology wallet for the dApp suite: seeded keys, its
//!   ONT ID, signatures honest or malformed;
//! - [`wallet_suite`]: the wallet suite's runner (the harness plays the dApp).

pub mod dapp_suite;
pub mod dapp_wallet;
pub mod wallet_suite;
