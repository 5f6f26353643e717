//! The Ontology dAPI mobile protocol (CEP-1 and its dApp/wallet integration documents), as
//! decided by the conformance profile's `ONT-*` clauses.
//!
//! - [`crypto`]: P-256 keys, addresses, ONT IDs, WIF, multi-sig addresses, signatures.
//! - [`invoke`]: `invokeConfig` typed values and placeholders, and the invoke script's
//!   builder and semantic decoder.
//! - [`messages`]: serde types for every request, callback and reply, and the node envelopes.
//! - [`ontid`]: the ONT ID key look-up query and the layouts of its answers.
//! - [`transport`]: QR text forms (plain JSON, `ontprovider://` deep links) and their codecs.
//! - [`tx`]: transactions: layout, strict parsing, hash, signing, signature and payer checks.

pub mod crypto;
pub mod invoke;
pub mod messages;
pub mod ontid;
pub mod transport;
pub mod tx;
