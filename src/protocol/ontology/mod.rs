//! The Ontology dAPI mobile protocol (CEP-1 and its dApp/wallet integration documents), as
//! decided by the conformance profile's `ONT-*` clauses.
//!
//! - [`crypto`]: P-256 keys, addresses, ONT IDs, WIF, multi-sig addresses, signatures.
//! - [`messages`]: serde types for every request, callback and reply, and the node envelopes.
//! - [`transport`]: QR text forms (plain JSON, `ontprovider://` deep links) and their codecs.

pub mod crypto;
pub mod messages;
pub mod transport;
