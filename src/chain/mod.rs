//! Mock chain nodes: everything a wallet or a dApp back end under test talks to on chain,
//! served on loopback so that a whole suite runs offline.
//!
//! A node here is deliberately small: it keeps what was sent, executes the few contract calls
//! the protocols use (token transfers, identity look-ups) and answers with the real node's
//! envelopes, codes and not-found forms. It also records every request it received and can be
//! told to misbehave for one request, so that suites can check what a peer asked the chain
//! and how it copes with a chain that says no. That record is bounded whatever a peer sends
//! ([`request_log`]).

pub mod eos;
pub mod ontology;
pub mod request_log;
