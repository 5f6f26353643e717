//! Running a suite with the output cargo-test users know (libtest-mimic: `--filter`,
//! `--exact`, `--skip`, `--list`, `--format pretty|terse|json`) and the exit codes a CI can
//! trust:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | every selected MUST case ran and passed (warnings, SHOULD skips and baselined failures allowed) |
//! | 1 | a conformance failure: a FAIL or a TIMEOUT the baseline does not expect, or a stale baseline entry |
//! | 2 | a harness or configuration error (an ERROR verdict, a bad target file) |
//! | 3 | incomplete (H-1): nothing ran, a MUST case was skipped, a negative case's twin did not pass, or the run was stopped |
//!
//! Cases run one at a time: the mock node's behaviours apply to "the next send", and a
//! sequential run is also what makes reports reproducible.
//!
//! A negative case's PASS counts only when its positive twin passed in the same run (H-2):
//! the twin is run first, even when the selection left it out, and a negative whose twin did
//! not pass is not judged (SKIPPED, naming the twin) and leaves the run incomplete. A
//! [`StopSignal`] (a signal, or the run's deadline) ends the case in flight and every later
//! one as SKIPPED "not run", and the run as incomplete.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use libtest_mimic::{Arguments, Completion, Failed, FormatSetting, Trial};
use tokio::runtime::Handle;
use tokio::sync::watch;

use super::baseline::Baseline;
use super::catalogue::{Case, Level};
use super::suite::BoxFuture;
use super::{CaseOutcome, Verdict};

/// A suite that can run one case to its verdict: what a protocol plug-in's runner is to the
/// engine (see [`super::suite`]).
pub trait Runner: Send + Sync + 'static {
    fn run<'a>(&'a self, case: &'a Case) -> BoxFuture<'a, CaseOutcome>;

    /// Work done once before the first of the selected `cases` runs (the dApp suites fetch
    /// the expiry cases' QR codes, so the waits overlap the other cases).
    fn prepare<'a>(&'a self, cases: &'a [Case]) -> BoxFuture<'a, ()> {
        let _ = cases;
        Box::pin(async {})
    }

    /// The origins of the servers the suite runs (mock node, harness dApp), with the
    /// placeholders reports write for them.
    fn endpoints(&self) -> Vec<(String, String)>;

    /// Where the harness's servers for this run listen, in one line for the console.
    fn banner(&self) -> String;

    /// Stops the servers the suite runs, once the run holds the last handle on it.
    fn stop(self: Arc<Self>) -> BoxFuture<'static, ()>;
}

/// Why a run stops early: set once, by a signal handler or the run's deadline, and read by
/// every case. Clones share it.
#[derive(Debug, Clone)]
pub struct StopSignal {
    reason: Arc<watch::Sender<Option<String>>>,
}

impl Default for StopSignal {
    fn default() -> Self {
        StopSignal {
            reason: Arc::new(watch::Sender::new(None)),
        }
    }
}

impl StopSignal {
    /// Stops the run for `why` ("interrupted by SIGINT"); the first reason given stays.
    pub fn stop(&self, why: impl Into<String>) {
        let why = why.into();
        self.reason.send_if_modified(|reason| {
            if reason.is_none() {
                *reason = Some(why);
                true
            } else {
                false
            }
        });
    }

    /// Why the run was stopped, if it was.
    pub fn reason(&self) -> Option<String> {
        self.reason.borrow().clone()
    }

    /// Waits until the run is stopped, and says why.
    pub async fn stopped(&self) -> String {
        let mut receiver = self.reason.subscribe();
        loop {
            if let Some(why) = receiver.borrow_and_update().clone() {
                return why;
            }
            if receiver.changed().await.is_err() {
                // The sender lives as long as `self`: this cannot end, so wait forever.
                std::future::pending::<()>().await;
            }
        }
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
    /// Stops the run early (a signal, the deadline); `None` runs to the end.
    pub stop: Option<StopSignal>,
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
    pub baseline: Option<super::baseline::BaselineReport>,
    /// Why the run stopped before its end (a signal, the deadline), if it did.
    pub stopped: Option<String>,
    /// Negative cases not judged because their positive twin did not pass (H-2), each with
    /// the reason.
    pub twin_breaches: Vec<String>,
}

impl RunSummary {
    /// The exit code (see the module documentation). A run with a known failure says so (1)
    /// even when it is also incomplete; an incomplete run is never 0.
    pub fn exit_code(&self) -> u8 {
        if self.listed {
            return 0;
        }
        let count = |v: Verdict| self.outcomes.iter().filter(|o| o.verdict == v).count();
        if count(Verdict::Error) > 0 {
            return 2;
        }
        let failing = self
            .outcomes
            .iter()
            .filter(|o| matches!(o.verdict, Verdict::Fail | Verdict::Timeout) && !self.excused(o))
            .count();
        let stale = self.baseline.as_ref().map_or(0, |b| b.stale().count());
        if failing + stale > 0 {
            return 1;
        }
        if !self.incomplete().is_empty() {
            return 3;
        }
        0
    }

    fn excused(&self, outcome: &CaseOutcome) -> bool {
        self.baseline
            .as_ref()
            .is_some_and(|b| b.excuses(&outcome.id))
    }

    /// Why the run is incomplete (H-1), one line per reason; empty when it is complete:
    /// nothing was selected or ran, the run was stopped, a case did not finish, a MUST case
    /// was skipped for a reason other than the user's selection or the baseline, or a
    /// negative case's twin did not pass.
    pub fn incomplete(&self) -> Vec<String> {
        let mut why = Vec::new();
        if self.listed {
            return why;
        }
        if self.planned == 0 {
            why.push("no case was selected".to_string());
        }
        if let Some(stopped) = &self.stopped {
            why.push(format!("the run was stopped: {stopped}"));
        } else if self.outcomes.len() < self.planned {
            why.push(format!(
                "{} of {} selected cases did not finish",
                self.planned - self.outcomes.len(),
                self.planned
            ));
        }
        if self.planned > 0
            && self.stopped.is_none()
            && self.outcomes.iter().all(|o| o.verdict == Verdict::Skipped)
        {
            why.push("every case was skipped".to_string());
        }
        let twin_breached = |o: &CaseOutcome| {
            self.twin_breaches
                .iter()
                .any(|b| b.starts_with(&format!("{}:", o.id)))
        };
        for o in &self.outcomes {
            if o.verdict == Verdict::Skipped
                && o.level == Level::MUST
                && !self.excused(o)
                && self.stopped.is_none()
                && !twin_breached(o)
            {
                why.push(format!("MUST case {} was skipped: {}", o.id, o.reason));
            }
        }
        why.extend(self.twin_breaches.iter().cloned());
        why
    }

    /// `39 cases: 37 PASS, 1 WARNING, 1 SKIPPED` (verdicts that occurred, in a fixed order).
    pub fn tally(&self) -> String {
        self.tally_styled(false)
    }

    /// [`RunSummary::tally`], with each verdict's count coloured when `coloured`: PASS green,
    /// FAIL, TIMEOUT and ERROR red, WARNING and SKIPPED yellow.
    pub fn tally_styled(&self, coloured: bool) -> String {
        let verdicts = [
            Verdict::Pass,
            Verdict::Fail,
            Verdict::Warning,
            Verdict::Skipped,
            Verdict::Timeout,
            Verdict::Error,
            Verdict::Review,
        ];
        let parts: Vec<String> = verdicts
            .iter()
            .map(|v| (v, self.outcomes.iter().filter(|o| o.verdict == *v).count()))
            .filter(|(_, n)| *n > 0)
            .map(|(v, n)| {
                let colour = match v {
                    Verdict::Pass => "32",
                    Verdict::Warning | Verdict::Skipped => "33",
                    _ => "31",
                };
                if coloured {
                    format!("\x1b[1;{colour}m{n} {v}\x1b[0m")
                } else {
                    format!("{n} {v}")
                }
            })
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

/// `--color`: unset follows the terminal and NO_COLOR; otherwise always or never.
static COLOR: std::sync::OnceLock<Option<bool>> = std::sync::OnceLock::new();

/// Sets whether case lines are coloured, once per process (the command line's `--color`):
/// `None` colours them when standard output is a terminal and NO_COLOR is not set.
pub fn set_color(color: Option<bool>) {
    let _ = COLOR.set(color);
}

/// The `--color` choice: `None` for auto, else always (`true`) or never (`false`).
pub fn color_choice() -> Option<bool> {
    COLOR.get().copied().flatten()
}

/// Whether text for standard error is coloured: `--color`, else a terminal without
/// NO_COLOR.
pub fn stderr_coloured() -> bool {
    use std::io::IsTerminal;
    match color_choice() {
        Some(always) => always,
        None => {
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Whether a QR code drawn for the terminal keeps its black-on-white colours: they make it
/// scan on dark themes too, so `auto` keeps them even into a file, unless NO_COLOR is set;
/// `--color` decides otherwise.
pub fn qr_drawing_coloured() -> bool {
    match color_choice() {
        Some(always) => always,
        None => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

fn arguments(options: &RunOptions) -> Arguments {
    Arguments {
        color: COLOR.get().copied().flatten().map(|always| {
            if always {
                libtest_mimic::ColorSetting::Always
            } else {
                libtest_mimic::ColorSetting::Never
            }
        }),
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

/// The cases of `cases` that `options` select (FILTER, `--exact`, `--skip`), in order.
pub fn selected_cases(cases: &[Case], options: &RunOptions) -> Vec<Case> {
    let args = arguments(options);
    cases
        .iter()
        .filter(|case| {
            let trial = Trial::test(case.id.clone(), || Ok(())).with_kind(case.level.label());
            !args.is_filtered_out(&trial)
        })
        .cloned()
        .collect()
}

/// Lists the cases `options` select, as `--list` prints them, without starting anything.
pub fn list_cases(cases: &[Case], options: &RunOptions) {
    let mut args = arguments(options);
    args.list = true;
    let trials = cases
        .iter()
        .map(|case| Trial::test(case.id.clone(), || Ok(())).with_kind(case.level.label()))
        .collect();
    let _ = libtest_mimic::run(&args, trials);
}

/// Runs `cases` against `suite`, printing each result as it ends. Must be called outside the
/// async runtime that `handle` belongs to (each case blocks on it). `cases` is the whole
/// catalogue: the options select among them, and a selected negative case's twin runs too.
pub fn run_cases(
    handle: &Handle,
    suite: Arc<dyn Runner>,
    cases: &[Case],
    options: &RunOptions,
) -> RunSummary {
    let args = arguments(options);
    let results: Arc<Mutex<Vec<CaseOutcome>>> = Arc::new(Mutex::new(Vec::new()));
    let breaches: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let played = Arc::new(Played {
        suite,
        handle: handle.clone(),
        stop: options.stop.clone().unwrap_or_default(),
        outcomes: Mutex::new(HashMap::new()),
    });
    let catalogue: Arc<Vec<Case>> = Arc::new(cases.to_vec());
    let trials: Vec<Trial> = cases
        .iter()
        .map(|case| {
            let case = case.clone();
            let played = Arc::clone(&played);
            let catalogue = Arc::clone(&catalogue);
            let results = Arc::clone(&results);
            let breaches = Arc::clone(&breaches);
            let kind = case.level.label();
            let accepted = options
                .baseline
                .as_ref()
                .and_then(|b| b.entries.get(&case.id).cloned());
            Trial::ignorable_test(case.id.clone(), move || {
                let twin = case
                    .twin
                    .as_ref()
                    .and_then(|id| catalogue.iter().find(|c| &c.id == id))
                    .map(|twin| played.outcome(twin));
                let mut outcome = played.outcome(&case);
                if let Some(twin) = twin {
                    if let Some(breach) = twin_breach(&outcome, &twin) {
                        outcome.verdict = Verdict::Skipped;
                        outcome.reason = breach.clone();
                        breaches
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(format!("{}: {breach}", outcome.id));
                    }
                }
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
                    // A person's review is neither a pass nor a failure: shown, never counted.
                    Verdict::Review => Ok(Completion::ignored_with(format!("REVIEW: {reason}"))),
                    _ => Err(Failed::from(format!("{verdict}: {reason}"))),
                }
            })
            .with_kind(kind)
        })
        .collect();
    let selected: Vec<Case> = trials
        .iter()
        .zip(cases)
        .filter(|(t, _)| !args.is_filtered_out(t))
        .map(|(_, c)| c.clone())
        .collect();
    let planned = selected.len();
    if !options.list && played.stop.reason().is_none() {
        let stop = played.stop.clone();
        handle.block_on(async {
            tokio::select! {
                () = played.suite.prepare(&selected) => {}
                _ = stop.stopped() => {}
            }
        });
    }
    let _conclusion = libtest_mimic::run(&args, trials);
    let mut outcomes = results.lock().unwrap_or_else(|p| p.into_inner()).clone();
    // Keep catalogue order whatever order the trials finished in.
    outcomes.sort_by_key(|o| cases.iter().position(|c| c.id == o.id));
    let baseline = options.baseline.as_ref().map(|b| b.apply(&outcomes));
    let twin_breaches = breaches.lock().unwrap_or_else(|p| p.into_inner()).clone();
    RunSummary {
        planned,
        outcomes,
        listed: options.list,
        baseline,
        stopped: played.stop.reason(),
        twin_breaches,
    }
}

/// Each case's outcome, played at most once per run: a twin played ahead of its negative
/// case is not played again for its own trial.
struct Played {
    suite: Arc<dyn Runner>,
    handle: Handle,
    stop: StopSignal,
    outcomes: Mutex<HashMap<String, CaseOutcome>>,
}

impl Played {
    fn outcome(&self, case: &Case) -> CaseOutcome {
        if let Some(done) = self
            .outcomes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&case.id)
        {
            return done.clone();
        }
        let started = Instant::now();
        let outcome = match self.stop.reason() {
            Some(why) => not_run(case, started, format!("not run: {why}")),
            None => self.handle.block_on(async {
                tokio::select! {
                    outcome = self.suite.run(case) => outcome,
                    why = self.stop.stopped() => not_run(case, started, format!("stopped while running: {why}")),
                }
            }),
        };
        self.outcomes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(case.id.clone(), outcome.clone());
        outcome
    }
}

/// The outcome of a case the run did not let finish.
fn not_run(case: &Case, started: Instant, reason: String) -> CaseOutcome {
    CaseOutcome::conclude(
        case,
        Err((Verdict::Skipped, reason)),
        Vec::new(),
        started,
        Default::default(),
        String::from("the case runs to its end"),
    )
}

/// Why a negative case's PASS does not count (H-2): its twin did not pass in the same run,
/// so the peer may have rejected the negative for another reason than its own. `None` when
/// the PASS stands (or the case did not pass, which needs no twin to hold).
fn twin_breach(outcome: &CaseOutcome, twin: &CaseOutcome) -> Option<String> {
    if outcome.verdict != Verdict::Pass || matches!(twin.verdict, Verdict::Pass | Verdict::Warning)
    {
        return None;
    }
    Some(format!(
        "not judged: the peer rejected this case, but its positive twin {} did not pass in this run ({}: {}), so the rejection may be for another reason than the one under test (H-2)",
        twin.id, twin.verdict, twin.reason
    ))
}

/// Implements [`Runner`] for a suite from its inherent `run_case`, `endpoints`, `banner`
/// and `shutdown` (and `prefetch`, for the suites that fetch QR codes ahead).
macro_rules! impl_runner {
    ($suite:ty $(, prepare = $prepare:ident)?) => {
        impl $crate::harness::run::Runner for $suite {
            fn run<'a>(
                &'a self,
                case: &'a $crate::harness::catalogue::Case,
            ) -> $crate::harness::suite::BoxFuture<'a, $crate::harness::CaseOutcome> {
                Box::pin(self.run_case(case))
            }

            $(
            fn prepare<'a>(
                &'a self,
                cases: &'a [$crate::harness::catalogue::Case],
            ) -> $crate::harness::suite::BoxFuture<'a, ()> {
                Box::pin(self.$prepare(cases))
            }
            )?

            fn endpoints(&self) -> Vec<(String, String)> {
                <$suite>::endpoints(self)
            }

            fn banner(&self) -> String {
                <$suite>::banner(self)
            }

            fn stop(
                self: std::sync::Arc<Self>,
            ) -> $crate::harness::suite::BoxFuture<'static, ()> {
                match std::sync::Arc::try_unwrap(self) {
                    Ok(suite) => Box::pin(suite.shutdown()),
                    Err(_) => Box::pin(async {}),
                }
            }
        }
    };
}
pub(crate) use impl_runner;

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
            stopped: None,
            twin_breaches: Vec::new(),
        }
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        use Verdict::*;
        assert_eq!(summary(2, &[Pass, Warning]).exit_code(), 0);
        // A skipped MUST case leaves the run incomplete; a skipped SHOULD case does not.
        let mut must_skipped = summary(2, &[Pass, Skipped]);
        assert_eq!(must_skipped.exit_code(), 3);
        assert!(must_skipped.incomplete()[0].starts_with("MUST case x was skipped"));
        must_skipped.outcomes[1].level = crate::harness::catalogue::Level::SHOULD;
        assert_eq!(must_skipped.exit_code(), 0);
        // So does a stop, and a negative case whose twin did not pass.
        let mut stopped = summary(1, &[Pass]);
        stopped.stopped = Some("interrupted (SIGINT)".into());
        assert_eq!(stopped.exit_code(), 3);
        assert!(stopped.incomplete()[0].contains("interrupted"));
        let mut breached = summary(1, &[Skipped]);
        breached.twin_breaches = vec!["x: not judged".into()];
        assert_eq!(breached.exit_code(), 3);
        assert_eq!(
            breached.incomplete(),
            ["every case was skipped", "x: not judged"]
        );
        // A known failure is reported as such even in an incomplete run.
        stopped.outcomes[0].verdict = Fail;
        assert_eq!(stopped.exit_code(), 1);
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
    fn a_negative_pass_counts_only_when_its_twin_passed() {
        let mut negative = outcome(Verdict::Pass);
        negative.id = "login.replay".into();
        let mut twin = outcome(Verdict::Pass);
        twin.id = "login.honest".into();
        assert_eq!(twin_breach(&negative, &twin), None);
        twin.verdict = Verdict::Warning;
        assert_eq!(twin_breach(&negative, &twin), None);
        twin.verdict = Verdict::Fail;
        twin.reason = "the back end refused an honest login".into();
        let breach = twin_breach(&negative, &twin).expect("a breach");
        assert!(breach.contains("login.honest did not pass"), "{breach}");
        assert!(breach.contains("refused an honest login"), "{breach}");
        // A negative that failed stands on its own.
        negative.verdict = Verdict::Fail;
        assert_eq!(twin_breach(&negative, &twin), None);
    }

    #[tokio::test]
    async fn a_stop_signal_keeps_its_first_reason_and_wakes_waiters() {
        let stop = StopSignal::default();
        assert_eq!(stop.reason(), None);
        let waiter = tokio::spawn({
            let stop = stop.clone();
            async move { stop.stopped().await }
        });
        stop.stop("interrupted (SIGINT)");
        stop.stop("terminated (SIGTERM)");
        assert_eq!(waiter.await.unwrap(), "interrupted (SIGINT)");
        assert_eq!(stop.reason().as_deref(), Some("interrupted (SIGINT)"));
    }

    #[test]
    fn a_baseline_excuses_failures_and_a_stale_entry_fails_the_run() {
        use crate::harness::baseline::{BaselineReport, EntryReport, EntryStatus};
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
