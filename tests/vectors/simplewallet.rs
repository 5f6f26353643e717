//! `SIMPLEWALLET-CRYPTO` (EOS keys, `SIG_K1_` signing, verification, recovery and text
//! forms), `SIMPLEWALLET-EOSIO` (names, request amounts, transfer data, transactions) and
//! `SIMPLEWALLET-MESSAGES` (message shapes: JSON Schema and serde type agree on every
//! instance, and refuse an invalid one at the same field for the same reason).
//!
//! The verdicts live in the library ([`qrconform::vectors::recipes::eos_crypto::check`] and
//! [`qrconform::vectors::recipes::eos_packing::check`], and
//! [`qrconform::vectors::recipes::sw_messages::check`]) so the recipes' own unit tests apply
//! exactly the rule this harness applies to the stored files, generated and external alike.

use qrconform::vectors::{TestCase, TestGroup};

pub fn check_crypto(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    qrconform::vectors::recipes::eos_crypto::check(group, case)
}

pub fn check_eosio(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    qrconform::vectors::recipes::eos_packing::check(group, case)
}

pub fn check_messages(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    qrconform::vectors::recipes::sw_messages::check(group, case)
}
