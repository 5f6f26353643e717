//! `ONTOLOGY-TRANSPORT`: QR text forms. An `encode` case must produce its `text` byte for
//! byte and decode back to its `message`; a `decode` case must give its `form`, `quirks`
//! and `message`, or fail with its `error` kind.
//!
//! The verdict lives in the library ([`qrconform::vectors::recipes::transport::check`]) so
//! the recipe's own unit tests apply exactly the rule this harness applies to the stored
//! file.

use qrconform::vectors::{TestCase, TestGroup};

pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    qrconform::vectors::recipes::transport::check(group, case)
}
