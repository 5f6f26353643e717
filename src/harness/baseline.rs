//! Baselines: the failures a team has accepted for now (`--expected-failures FILE`).
//!
//! The file is TOML, one entry per case, the case id as the key and the reason as the value:
//!
//! ```toml
//! "login.message.replay" = "replay protection ships in 2.4 (ticket 1182)"
//! ```
//!
//! A reason is required: a baseline without reasons is how failures become invisible. An
//! entry whose case fails (FAIL, TIMEOUT, or WARNING) no longer fails the run; an entry whose
//! case now passes is **stale** and fails the run, so the file shrinks as the implementation
//! improves. An entry whose case did not run (filtered out, SKIPPED, ERROR) is kept and
//! reported as not run. Entries naming no case of the suite are a configuration error.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::harness::catalogue::Catalogue;
use crate::harness::{CaseOutcome, Verdict};

/// A baseline as read from its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    /// Where it was read from, for messages and the report.
    pub file: String,
    /// Case id → reason, in id order.
    pub entries: BTreeMap<String, String>,
}

/// What became of one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryStatus {
    /// The case failed, as the baseline says it does.
    FailingAsExpected,
    /// The case passed: the entry must go.
    Stale,
    /// The case did not reach a pass or a failure in this run.
    NotRun,
}

/// One entry and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryReport {
    pub id: String,
    pub reason: String,
    pub status: EntryStatus,
}

/// The baseline as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineReport {
    pub file: String,
    pub entries: Vec<EntryReport>,
}

impl BaselineReport {
    pub fn stale(&self) -> impl Iterator<Item = &EntryReport> {
        self.entries
            .iter()
            .filter(|e| e.status == EntryStatus::Stale)
    }

    /// Whether the baseline expects `id` to fail and it did.
    pub fn excuses(&self, id: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.id == id && e.status == EntryStatus::FailingAsExpected)
    }
}

impl Baseline {
    /// Reads and checks a baseline file against the suite's catalogue.
    pub fn from_file(path: &Path, catalogue: &Catalogue) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
        Self::parse(&path.display().to_string(), &text, catalogue)
    }

    /// Parses a baseline's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str, catalogue: &Catalogue) -> Result<Self, String> {
        let hint = |message: String| super::target::with_toml_hint(message, text, &[]);
        let table: toml::Table = toml::from_str(text)
            .map_err(|e| hint(format!("the baseline {file} is not valid TOML: {e}")))?;
        let mut entries = BTreeMap::new();
        for (id, value) in table {
            let Some(reason) = value.as_str() else {
                return Err(hint(format!(
                    "the baseline {file}: `{id}` must map to a reason (a string), not {}",
                    value.type_str()
                )));
            };
            if reason.trim().is_empty() {
                return Err(format!(
                    "the baseline {file}: `{id}` has an empty reason; say why the failure is accepted"
                ));
            }
            if catalogue.case(&id).is_none() {
                return Err(format!(
                    "the baseline {file}: `{id}` is not a case of the suite `{}`",
                    catalogue.suite.id
                ));
            }
            entries.insert(id, reason.trim().to_string());
        }
        Ok(Baseline {
            file: file.to_string(),
            entries,
        })
    }

    /// Judges each entry against the run's outcomes.
    pub fn apply(&self, outcomes: &[CaseOutcome]) -> BaselineReport {
        let entries = self
            .entries
            .iter()
            .map(|(id, reason)| {
                let status = match outcomes.iter().find(|o| &o.id == id).map(|o| o.verdict) {
                    Some(Verdict::Pass) => EntryStatus::Stale,
                    Some(Verdict::Fail | Verdict::Timeout | Verdict::Warning) => {
                        EntryStatus::FailingAsExpected
                    }
                    Some(Verdict::Skipped | Verdict::Error | Verdict::Review) | None => {
                        EntryStatus::NotRun
                    }
                };
                EntryReport {
                    id: id.clone(),
                    reason: reason.clone(),
                    status,
                }
            })
            .collect();
        BaselineReport {
            file: self.file.clone(),
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::catalogue::Level;
    use std::time::Duration;

    fn outcome(id: &str, verdict: Verdict) -> CaseOutcome {
        CaseOutcome {
            id: id.into(),
            title: String::new(),
            level: Level::MUST,
            clauses: vec![],
            verdict,
            reason: String::new(),
            expected: String::new(),
            observed: String::new(),
            transcript: vec![],
            placeholders: vec![],
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn entries_need_a_reason_and_a_known_case() {
        let catalogue = crate::harness::ontology::DAPP.embedded_catalogue();
        let err = Baseline::parse("b.toml", "\"login.expired\" = \"  \"", &catalogue).unwrap_err();
        assert!(err.contains("empty reason"), "{err}");
        let err = Baseline::parse("b.toml", "\"login.expired\" = 3", &catalogue).unwrap_err();
        assert!(err.contains("must map to a reason"), "{err}");
        let err = Baseline::parse("b.toml", "\"no.such\" = \"x\"", &catalogue).unwrap_err();
        assert!(err.contains("not a case of the suite"), "{err}");
        let err = Baseline::parse("b.toml", "this is not toml", &catalogue).unwrap_err();
        assert!(err.contains("not valid TOML"), "{err}");
        // An unquoted dotted id is a table to TOML: the error says to quote it.
        let err = Baseline::parse("b.toml", "login.expired = \"later\"", &catalogue).unwrap_err();
        assert!(
            err.contains("hint: line 1: `login.expired` is a dotted key")
                && err.contains("\"login.expired\" = …"),
            "{err}"
        );
    }

    #[test]
    fn a_passing_entry_is_stale_and_a_failing_one_is_expected() {
        let catalogue = crate::harness::ontology::DAPP.embedded_catalogue();
        let baseline = Baseline::parse(
            "b.toml",
            "\"login.expired\" = \"no expiry yet\"\n\"login.message.replay\" = \"later\"\n\"login.message.unknown\" = \"later\"",
            &catalogue,
        )
        .unwrap();
        let report = baseline.apply(&[
            outcome("login.expired", Verdict::Fail),
            outcome("login.message.replay", Verdict::Pass),
        ]);
        let status: Vec<(&str, EntryStatus)> = report
            .entries
            .iter()
            .map(|e| (e.id.as_str(), e.status))
            .collect();
        assert_eq!(
            status,
            vec![
                ("login.expired", EntryStatus::FailingAsExpected),
                ("login.message.replay", EntryStatus::Stale),
                ("login.message.unknown", EntryStatus::NotRun),
            ]
        );
        assert!(report.excuses("login.expired"));
        assert!(!report.excuses("login.message.replay"));
        assert_eq!(report.stale().count(), 1);
    }
}
