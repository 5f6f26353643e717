//! The harness: case catalogues, targets, the runners that play one side of the protocol
//! against an implementation under test, and the verdicts they reach.
//!
//! - [`catalogue`]: the embedded `suites/*.toml`, read and checked;
//! - [`target`]: what a run is pointed at, validated from a target file;
//! - [`wallet`]: the harness wallet's keys and the signatures it makes, honest or broken;
//! - [`dapp`]: the dApp suite's runner (the harness plays the wallet);
//! - [`wallet_suite`]: the wallet suite's runner (the harness plays the dApp), its harness
//!   dApp and its drivers;
//! - [`simplewallet`]: the SimpleWallet (EOS) suites' runners;
//! - [`steps`]: what every dApp-suite runner shares: verdict steps, network failures, QR
//!   sources;
//! - [`run`]: running a set of cases with cargo-test-style output and the exit-code contract.

pub mod baseline;
pub mod catalogue;
pub mod driver;
pub mod harness_dapp;
pub mod kill_matrix;
pub mod ontology;
pub mod opened_listener;
pub mod run;
pub mod selftest;
pub mod simplewallet;
pub mod steps;
pub mod suite;
pub mod target;
pub mod wallet_steps;
pub mod web_view;

use std::fmt;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::chain::ontology::ledger::{Api, RecordedRequest};
use crate::chain::ontology::RunningNode;
use crate::transcript::{self, Exchange, Record, Sender};
use catalogue::{Case, Level};

/// What one case concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    /// A person judged what the wallet showed (a display duty, REVIEW level); the reason
    /// holds their answers. Neither a pass nor a failure: it never changes the exit code.
    Review,
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
            Verdict::Review => "REVIEW",
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
    pub title: String,
    pub level: Level,
    pub clauses: Vec<String>,
    pub verdict: Verdict,
    /// Why, in words: what was expected and what was observed. Empty only for a clean PASS.
    pub reason: String,
    /// What the case requires of the peer, in words.
    pub expected: String,
    /// What the harness saw the peer do, in words.
    pub observed: String,
    /// Every HTTP exchange of the case.
    pub transcript: Vec<Exchange>,
    /// Values of this case that differ from run to run, with their report placeholders.
    #[serde(skip)]
    pub placeholders: Vec<(String, String)>,
    #[serde(skip)]
    pub duration: Duration,
}

impl CaseOutcome {
    /// A case's outcome from what its judge concluded: a clean run is PASS, or WARNING with
    /// the warnings gathered on the way; a FAIL of a SHOULD case is a WARNING. `record` is
    /// what the case's transcript scope gathered; `expected` says what the case requires.
    pub fn conclude(
        case: &Case,
        judged: Result<(), (Verdict, String)>,
        warnings: Vec<String>,
        started: Instant,
        record: Record,
        expected: String,
    ) -> Self {
        let (mut verdict, mut reason) = match judged {
            Ok(()) if warnings.is_empty() => (Verdict::Pass, String::new()),
            Ok(()) => (Verdict::Warning, warnings.join("; ")),
            Err((verdict, reason)) => (verdict, reason),
        };
        // Reasons quote the peer, and they are printed to a terminal.
        reason = crate::escape::escape_controls(&reason).into_owned();
        if verdict == Verdict::Fail && case.level == Level::SHOULD {
            verdict = Verdict::Warning;
            reason = format!("SHOULD: {reason}");
        }
        let observed = if record.observations.is_empty() {
            "nothing: the case ended before the peer was asked anything".to_string()
        } else {
            record.observations.join("; ")
        };
        CaseOutcome {
            id: case.id.clone(),
            title: case.title.clone(),
            level: case.level,
            clauses: case.clauses.clone(),
            verdict,
            reason,
            expected,
            observed,
            transcript: record.exchanges,
            placeholders: record.placeholders,
            duration: started.elapsed(),
        }
    }
}

/// A request the peer made to the mock node, as a transcript exchange.
pub fn node_exchange(request: &RecordedRequest, running: &RunningNode) -> Exchange {
    let (base, method, path) = match request.api {
        Api::Rest => {
            let (method, path) = request
                .target
                .split_once(' ')
                .unwrap_or(("GET", request.target.as_str()));
            (running.rest_url(), method.to_string(), path.to_string())
        }
        Api::Rpc => (
            running.rpc_url(),
            "POST".to_string(),
            format!("/ ({})", request.target),
        ),
    };
    Exchange {
        by: Sender::Peer,
        method,
        url: format!("{}{path}", base.trim_end_matches('/')),
        request: (request.body_len > 0)
            .then(|| transcript::kept_body_text(request.body.as_bytes(), request.body_len)),
        status: None,
        // The node's own words for a refusal (its error text and what it said), so a
        // transcript shows why, not only a code.
        response: Some(if request.error == 0 {
            "node answered error 0 (SUCCESS)".to_string()
        } else {
            request.reply_summary()
        }),
        error: None,
    }
}

/// The observation a case records when the peer sent the mock node more requests during the
/// case than the node's record keeps
/// ([`crate::chain::request_log::MAX_RECORDED_REQUESTS`]).
pub fn dropped_node_requests(dropped: u64) -> String {
    format!(
        "{dropped} of the peer's requests to the mock node during this case were dropped from \
         the node's record, which keeps the last {}",
        crate::chain::request_log::MAX_RECORDED_REQUESTS
    )
}
