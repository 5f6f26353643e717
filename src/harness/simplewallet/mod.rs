//! The SimpleWallet (EOS) suites' machinery.

pub mod wallet_suite;
