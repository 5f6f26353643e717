//! The harness: case catalogues, targets, the runners that play one side of the protocol
//! against an implementation under test, and the verdicts they reach.
//!
//! - [`catalogue`]: the embedded `suites/*.toml`, read and checked;
//! - [`target`]: what a run is pointed at, validated from a target file;
//! - [`wallet`]: the harness wallet's keys and the signatures it makes, honest or broken;
//! - [`dapp`]: the dApp suite's runner (the harness plays the wallet);
//! - [`wallet_suite`]: the wallet suite's runner (the harness plays the dApp), its harness
//!   dApp and its drivers;
//! - [`run`]: running a set of cases with cargo-test-style output and the exit-code contract.

pub mod catalogue;
pub mod dapp;
pub mod run;
pub mod target;
pub mod wallet;
pub mod wallet_suite;

use std::fmt;
use std::time::{Duration, Instant};

use serde::Serialize;

use catalogue::{Case, Level};

/// What one case concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    /// The peer did what the clause requires.
    Pass,
    /// A MUST was violated.
    Fail,
    /// A SHOULD was violated, or a tolerated quirk was seen.
    Warning,
    /// The case could not run against this target (the reason says why).
    Skipped,
    /// The peer did not answer within the limit.
    Timeout,
    /// The harness or the target's configuration failed; the peer was not judged.
    Error,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Warning => "WARNING",
            Verdict::Skipped => "SKIPPED",
            Verdict::Timeout => "TIMEOUT",
            Verdict::Error => "ERROR",
        }
    }

    /// Whether the case ran and the peer was judged conformant on its MUSTs.
    pub fn is_success(self) -> bool {
        matches!(self, Verdict::Pass | Verdict::Warning)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseOutcome {
    pub id: String,
    pub level: Level,
    pub clauses: Vec<String>,
    pub verdict: Verdict,
    /// Why, in words: what was expected and what was observed. Empty only for a clean PASS.
    pub reason: String,
    #[serde(skip)]
    pub duration: Duration,
}

impl CaseOutcome {
    /// A case's outcome from what its judge concluded: a clean run is PASS, or WARNING with
    /// the warnings gathered on the way; a FAIL of a SHOULD case is a WARNING.
    pub fn conclude(
        case: &Case,
        judged: Result<(), (Verdict, String)>,
        warnings: Vec<String>,
        started: Instant,
    ) -> Self {
        let (mut verdict, mut reason) = match judged {
            Ok(()) if warnings.is_empty() => (Verdict::Pass, String::new()),
            Ok(()) => (Verdict::Warning, warnings.join("; ")),
            Err((verdict, reason)) => (verdict, reason),
        };
        if verdict == Verdict::Fail && case.level == Level::SHOULD {
            verdict = Verdict::Warning;
            reason = format!("SHOULD: {reason}");
        }
        CaseOutcome {
            id: case.id.clone(),
            level: case.level,
            clauses: case.clauses.clone(),
            verdict,
            reason,
            duration: started.elapsed(),
        }
    }
}
