//! The reference implementations the suites are proven against: a correct dApp back end and
//! a correct wallet, each with a set of named faults.
//!
//! A fault is a behaviour of the implementation ("skip the address binding"), never a switch
//! keyed by a case: the references do not import the harness and cannot know which check is
//! judging them (ARCHITECTURE.md, invariant 6).

pub mod dapp;
pub mod http;
pub mod simplewallet_dapp;
pub mod store;
pub mod wallet;
