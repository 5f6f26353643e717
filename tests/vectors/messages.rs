//! `ONTOLOGY-MESSAGES`: message shapes. Each case's message must get the case's verdict
//! from the JSON Schema of the group's kind and from that kind's serde type alike, and an
//! invalid message must be rejected by both at or under the member its `breaks` pointer
//! names; a login callback must record the `publicKey` quirk exactly when flagged `Quirk`.
//!
//! The verdict lives in the library ([`qrconform::vectors::recipes::messages::check`]) so
//! the recipe's own unit tests apply exactly the rule this harness applies to the stored
//! file.

use qrconform::vectors::{TestCase, TestGroup};

pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    qrconform::vectors::recipes::messages::check(group, case)
}
