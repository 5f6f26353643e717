//! `ONTOLOGY-TX`: transactions. A valid `TxParse` case must parse into exactly its fields,
//! re-serialize byte for byte, and have its hashes, signers and `payerSigned`; an invalid one
//! must be rejected with its `reason`. A `TxVerify` case must parse, and the signature and
//! payer check must pass, or fail with its `reason`.
//!
//! The verdict lives in the library ([`qrconform::vectors::recipes::tx::check`]) so the
//! recipe's own unit tests apply exactly the rule this harness applies to the stored file.

use qrconform::vectors::{TestCase, TestGroup};

pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    qrconform::vectors::recipes::tx::check(group, case)
}
