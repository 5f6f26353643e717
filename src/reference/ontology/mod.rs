//! The Ontology dAPI mobile references: a correct dApp back end ([`dapp`]) and a correct
//! wallet behind the driver protocol ([`wallet`]), each with its named faults.

pub mod dapp;
pub mod wallet;
