//! SimpleWallet for EOS, with the MYKEY extensions (profile clauses `SW-*`): pure models.
//!
//! - [`crypto`]: EOS keys (WIF, `PVT_K1_`, `EOS…`, `PUB_K1_`), `SIG_K1_` signatures, verify,
//!   recover, the canonical rule, and signing byte-identical to eosjs-ecc 4.0.7;
//! - [`eosio`]: EOSIO names, symbols and assets, action and transaction packing, transaction
//!   ids and signing digests, and the action data layouts the protocol uses;
//! - [`messages`]: the requests (QR text and `simplewallet://` deep links), the wallet's POST
//!   bodies and the dApp's replies, with the spellings the profile tolerates.

pub mod crypto;
pub mod eosio;
pub mod messages;
