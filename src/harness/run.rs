//! Running a suite with the output cargo-test users know (libtest-mimic: `--filter`,
//! `--exact`, `--skip`, `--list`, `--format pretty|terse|json`) and the exit codes a CI can
//! trust:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | every selected MUST case passed (warnings, reasoned skips and baselined failures allowed) |
//! | 1 | a conformance failure: a FAIL or a TIMEOUT the baseline does not expect, or a stale baseline entry |
//! | 2 | a harness or configuration error (an ERROR verdict, a bad target file) |
//! | 3 | nothing ran (no case selected, or every case skipped) or the run stopped early |
//!
//! Cases run one at a time: the mock node's behaviours apply to "the next send", and a
//! sequential run is also what makes reports reproducible.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use libtest_mimic::{Arguments, Completion, Failed, FormatSetting, Trial};
use tokio::runtime::Handle;

use super::catalogue::Case;
use super::dapp::DappSuite;
use super::simplewallet::dapp::SwDappSuite;
use super::wallet_suite::WalletSuite;
use super::{CaseOutcome, Verdict};
use crate::report::baseline::Baseline;

/// A suite that can run one case to its verdict.
pub trait Runner: Send + Sync + 'static {
    fn run<'a>(&'a self, case: &'a Case) -> Pin<Box<dyn Future<Output = CaseOutcome> + Send + 'a>>;

    /// Stops the servers the suite runs.
    fn stop(self) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

impl Runner for DappSuite {
    fn run<'a>(&'a self, case: &'a Case) -> Pin<Box<dyn Future<Output = CaseOutcome> + Send + 'a>> {
        Box::pin(self.run_case(case))
    }

    fn stop(self) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(self.shutdown())
    }
}

impl Runner for SwDappSuite {
    fn run<'a>(&'a self, case: &'a Case) -> Pin<Box<dyn Future<Output = CaseOutcome> + Send + 'a>> {
        Box::pin(self.run_case(case))
    }

    fn stop(self) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(self.shutdown())
    }
}

impl Runner for WalletSuite {
    fn run<'a>(&'a self, case: &'a Case) -> Pin<Box<dyn Future<Output = CaseOutcome> + Send + 'a>> {
        Box::pin(self.run_case(case))
    }

    fn stop(self) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(self.shutdown())
    }
}

/// Output style, as cargo test spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Pretty,
    Terse,
    Json,
}

/// Which cases run and how the run is shown.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Run only cases whose id contains this text (or equals it, with `exact`).
    pub filter: Option<String>,
    pub exact: bool,
    /// Leave out cases whose id contains any of these.
    pub skip: Vec<String>,
    /// Print the selected cases instead of running them.
    pub list: bool,
    pub format: Option<OutputFormat>,
    /// Failures the team has accepted for now; they pass the run, and passing cases with an
    /// entry fail it as stale.
    pub baseline: Option<Baseline>,
}

/// What a run produced.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// The cases selected to run.
    pub planned: usize,
    /// The outcomes, in catalogue order.
    pub outcomes: Vec<CaseOutcome>,
    pub listed: bool,
    /// What became of the baseline's entries.
    pub baseline: Option<crate::report::baseline::BaselineReport>,
}

impl RunSummary {
    /// The exit code (see the module documentation).
    pub fn exit_code(&self) -> u8 {
        if self.listed {
            return 0;
        }
        let count = |v: Verdict| self.outcomes.iter().filter(|o| o.verdict == v).count();
        if self.planned == 0 || self.outcomes.len() < self.planned {
            return 3;
        }
        if count(Verdict::Error) > 0 {
            return 2;
        }
        let excused = |o: &CaseOutcome| self.baseline.as_ref().is_some_and(|b| b.excuses(&o.id));
        let failing = self
            .outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::Fail | Verdict::Timeout) && !excused(o))
            .count();
        let stale = self.baseline.as_ref().map_or(0, |b| b.stale().count());
        if failing + stale > 0 {
            return 1;
        }
        if count(Verdict::Skipped) == self.outcomes.len() {
            return 3;
        }
        0
    }

    /// `39 cases: 37 PASS, 1 WARNING, 1 SKIPPED` (verdicts that occurred, in a fixed order).
    pub fn tally(&self) -> String {
        let verdicts = [
            Verdict::Pass,
            Verdict::Fail,
            Verdict::Warning,
            Verdict::Skipped,
            Verdict::Timeout,
            Verdict::Error,
        ];
        let parts: Vec<String> = verdicts
            .iter()
            .map(|v| (v, self.outcomes.iter().filter(|o| o.verdict == *v).count()))
            .filter(|(_, n)| *n > 0)
            .map(|(v, n)| format!("{n} {v}"))
            .collect();
        format!(
            "{} of {} cases ran: {}",
            self.outcomes.len(),
            self.planned,
            if parts.is_empty() {
                "none".to_string()
            } else {
                parts.join(", ")
            }
        )
    }
}

fn arguments(options: &RunOptions) -> Arguments {
    Arguments {
        filter: options.filter.clone(),
        exact: options.exact,
        skip: options.skip.clone(),
        list: options.list,
        format: options.format.map(|f| match f {
            OutputFormat::Pretty => FormatSetting::Pretty,
            OutputFormat::Terse => FormatSetting::Terse,
            OutputFormat::Json => FormatSetting::Json,
        }),
        test_threads: Some(1),
        ..Arguments::default()
    }
}

/// Runs `cases` against `suite`, printing each result as it ends. Must be called outside the
/// async runtime that `handle` belongs to (each case blocks on it).
pub fn run_cases<S: Runner>(
    handle: &Handle,
    suite: Arc<S>,
    cases: &[Case],
    options: &RunOptions,
) -> RunSummary {
    let args = arguments(options);
    let results: Arc<Mutex<Vec<CaseOutcome>>> = Arc::new(Mutex::new(Vec::new()));
    let trials: Vec<Trial> = cases
        .iter()
        .map(|case| {
            let case = case.clone();
            let suite = Arc::clone(&suite);
            let handle = handle.clone();
            let results = Arc::clone(&results);
            let kind = case.level.label();
            let accepted = options
                .baseline
                .as_ref()
                .and_then(|b| b.entries.get(&case.id).cloned());
            Trial::ignorable_test(case.id.clone(), move || {
                let outcome = handle.block_on(suite.run(&case));
                let verdict = outcome.verdict;
                let reason = outcome.reason.clone();
                results
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(outcome);
                if let Some(accepted) = accepted {
                    match verdict {
                        Verdict::Fail | Verdict::Timeout | Verdict::Warning => {
                            return Ok(Completion::ignored_with(format!(
                                "expected failure ({accepted}): {verdict}: {reason}"
                            )))
                        }
                        Verdict::Pass => {
                            return Err(Failed::from(format!(
                                "stale baseline entry: the case passes now; remove it ({accepted})"
                            )))
                        }
                        _ => {}
                    }
                }
                match verdict {
                    Verdict::Pass => Ok(Completion::Completed),
                    // A warning passes the build; its reason is in the summary after the run.
                    Verdict::Warning => Ok(Completion::Completed),
                    Verdict::Skipped => Ok(Completion::ignored_with(reason)),
                    _ => Err(Failed::from(format!("{verdict}: {reason}"))),
                }
            })
            .with_kind(kind)
        })
        .collect();
    let planned = trials.iter().filter(|t| !args.is_filtered_out(t)).count();
    let _conclusion = libtest_mimic::run(&args, trials);
    let mut outcomes = results.lock().unwrap_or_else(|p| p.into_inner()).clone();
    // Keep catalogue order whatever order the trials finished in.
    outcomes.sort_by_key(|o| cases.iter().position(|c| c.id == o.id));
    let baseline = options.baseline.as_ref().map(|b| b.apply(&outcomes));
    RunSummary {
        planned,
        outcomes,
        listed: options.list,
        baseline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn outcome(verdict: Verdict) -> CaseOutcome {
        CaseOutcome {
            id: "x".into(),
            title: String::new(),
            level: crate::harness::catalogue::Level::MUST,
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

    fn summary(planned: usize, verdicts: &[Verdict]) -> RunSummary {
        RunSummary {
            planned,
            outcomes: verdicts.iter().map(|v| outcome(*v)).collect(),
            listed: false,
            baseline: None,
        }
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        use Verdict::*;
        assert_eq!(summary(2, &[Pass, Warning]).exit_code(), 0);
        assert_eq!(summary(2, &[Pass, Skipped]).exit_code(), 0);
        assert_eq!(summary(2, &[Pass, Fail]).exit_code(), 1);
        assert_eq!(summary(2, &[Pass, Timeout]).exit_code(), 1);
        assert_eq!(summary(2, &[Fail, Error]).exit_code(), 2);
        assert_eq!(summary(2, &[Skipped, Skipped]).exit_code(), 3);
        assert_eq!(summary(0, &[]).exit_code(), 3);
        assert_eq!(summary(3, &[Pass, Pass]).exit_code(), 3);
        assert_eq!(
            summary(2, &[Pass, Skipped]).tally(),
            "2 of 2 cases ran: 1 PASS, 1 SKIPPED"
        );
    }

    #[test]
    fn a_baseline_excuses_failures_and_a_stale_entry_fails_the_run() {
        use crate::report::baseline::{BaselineReport, EntryReport, EntryStatus};
        use Verdict::*;
        let entry = |status| BaselineReport {
            file: "b.toml".into(),
            entries: vec![EntryReport {
                id: "x".into(),
                reason: "later".into(),
                status,
            }],
        };
        let mut failing = summary(1, &[Fail]);
        failing.baseline = Some(entry(EntryStatus::FailingAsExpected));
        assert_eq!(failing.exit_code(), 0);
        let mut stale = summary(1, &[Pass]);
        stale.baseline = Some(entry(EntryStatus::Stale));
        assert_eq!(stale.exit_code(), 1);
        // An ERROR is never excused: the run was not judged.
        let mut broken = summary(1, &[Error]);
        broken.baseline = Some(entry(EntryStatus::NotRun));
        assert_eq!(broken.exit_code(), 2);
    }
}
