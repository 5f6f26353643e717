//! `ONTOLOGY-INVOKE`: `invokeConfig` typed values, placeholders and invoke scripts. An
//! `InvokeArgParse` case must parse to its `notation` or fail with its `reason` at its
//! `path`; an `InvokeScriptBuild` case must build its `code` byte for byte; an
//! `InvokeScriptDecode` case must decode to its `decoded` form and perform its `call` (or
//! fail with its `reason`, `mismatch` when it decodes to another call); an
//! `InvokePlaceholders` case must substitute to its `expected` config.
//!
//! The verdict lives in the library ([`qrconform::vectors::recipes::invoke::check`]) so the
//! recipe's own unit tests apply exactly the rule this harness applies to the stored file.

use qrconform::vectors::{TestCase, TestGroup};

pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    qrconform::vectors::recipes::invoke::check(group, case)
}
