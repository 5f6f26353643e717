//! The self-test: every suite against the reference implementations, clean and with each
//! named fault planted, and the kill matrix that proves every check can fail (H-2, H-3).
//!
//! For one suite it runs every case against the clean reference, then every case against the
//! reference with each fault planted (each fault in its own in-process reference, node and
//! harness on ephemeral loopback ports, several faults at once). From those verdicts
//! [`kill_matrix`] decides, for every case and fault, whether the case *killed* the fault:
//! it failed, and (for a negative case) its positive twin passed against the same fault, so
//! the case failed for its own reason. The suite is proven when the references pass every
//! case, every fault is killed by some case, every case kills some fault, and every kill the
//! catalogue claims happens.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::catalogue::{self, Case, Catalogue, Level};
use super::ontology::dapp_suite::{self as dapp, DappSuite};
use super::ontology::wallet_suite::{self, WalletSuite};
use super::run::Runner;
use super::simplewallet::dapp_suite::{self as sw_dapp, SwDappSuite};
use super::simplewallet::wallet_suite::{self as sw_wallet_suite, SimpleWalletSuite};
use super::{CaseOutcome, Verdict};
use crate::reference::ontology::dapp::{DappFault, RunningDapp};
use crate::reference::ontology::wallet::{RunningWallet, WalletFault};
use crate::reference::simplewallet::dapp::{RunningSwDapp, SwDappFault};
use crate::reference::simplewallet::wallet::{RunningSimpleWallet, SimpleWalletFault};
use crate::report::{
    FaultColumn, FaultTiming, Kill, KillCell, KillMatrix, KillRow, Report, RunFacts, TargetInfo,
};

/// No case may take longer than this against a reference, whatever a fault does to it.
pub const CASE_BOUND: Duration = Duration::from_secs(60);

/// A suite the self-test proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteKind {
    OntologyDapp,
    OntologyWallet,
    SimplewalletDapp,
    SimplewalletWallet,
}

impl SuiteKind {
    pub const ALL: [SuiteKind; 4] = [
        SuiteKind::OntologyDapp,
        SuiteKind::OntologyWallet,
        SuiteKind::SimplewalletDapp,
        SuiteKind::SimplewalletWallet,
    ];

    pub fn protocol(self) -> &'static str {
        match self {
            SuiteKind::OntologyDapp | SuiteKind::OntologyWallet => "ontology",
            SuiteKind::SimplewalletDapp | SuiteKind::SimplewalletWallet => "simplewallet",
        }
    }

    /// The catalogue, checked against the runner's plays.
    pub fn catalogue(self) -> Result<Catalogue, String> {
        let catalogue = match self {
            SuiteKind::OntologyDapp => catalogue::ontology_dapp(),
            SuiteKind::OntologyWallet => catalogue::ontology_wallet(),
            SuiteKind::SimplewalletDapp => catalogue::simplewallet_dapp(),
            SuiteKind::SimplewalletWallet => catalogue::simplewallet_wallet(),
        };
        match self {
            SuiteKind::OntologyDapp => dapp::check_catalogue(&catalogue)?,
            SuiteKind::OntologyWallet => wallet_suite::check_catalogue(&catalogue)?,
            SuiteKind::SimplewalletDapp => sw_dapp::check_catalogue(&catalogue)?,
            SuiteKind::SimplewalletWallet => sw_wallet_suite::check_catalogue(&catalogue)?,
        }
        Ok(catalogue)
    }

    /// The catalogue's text as embedded.
    pub fn catalogue_text(self) -> &'static str {
        match self {
            SuiteKind::OntologyDapp => catalogue::ONTOLOGY_DAPP,
            SuiteKind::OntologyWallet => catalogue::ONTOLOGY_WALLET,
            SuiteKind::SimplewalletDapp => catalogue::SIMPLEWALLET_DAPP,
            SuiteKind::SimplewalletWallet => catalogue::SIMPLEWALLET_WALLET,
        }
    }

    /// The named faults of the reference this suite runs against: name and description.
    pub fn faults(self) -> Vec<(&'static str, &'static str)> {
        match self {
            SuiteKind::OntologyDapp => DappFault::ALL
                .iter()
                .map(|f| (f.name(), f.description()))
                .collect(),
            SuiteKind::OntologyWallet => WalletFault::ALL
                .iter()
                .map(|f| (f.name(), f.description()))
                .collect(),
            SuiteKind::SimplewalletDapp => SwDappFault::ALL
                .iter()
                .map(|f| (f.name(), f.description()))
                .collect(),
            SuiteKind::SimplewalletWallet => SimpleWalletFault::ALL
                .iter()
                .map(|f| (f.name(), f.description()))
                .collect(),
        }
    }

    /// Checks `names` against the reference's faults, naming an unknown one and listing the
    /// known ones.
    pub fn check_faults(self, names: &[String]) -> Result<(), String> {
        let known = self.faults();
        match names.iter().find(|n| !known.iter().any(|(k, _)| k == n)) {
            None => Ok(()),
            Some(name) => Err(format!(
                "--fault `{name}` is not a fault of the {} (known: {})",
                self.reference_name(),
                known.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// What the reference is called in messages.
    fn reference_name(self) -> &'static str {
        match self {
            SuiteKind::OntologyDapp => "reference dApp",
            SuiteKind::OntologyWallet => "reference wallet",
            SuiteKind::SimplewalletDapp => "reference SimpleWallet dApp",
            SuiteKind::SimplewalletWallet => "reference SimpleWallet wallet",
        }
    }

    /// The reference implementation under test, as reports name it.
    pub fn target(self, faults: Vec<String>) -> TargetInfo {
        let (name, role) = match self {
            SuiteKind::OntologyDapp => ("qrconform reference dApp", "dapp"),
            SuiteKind::OntologyWallet => ("qrconform reference wallet", "wallet"),
            SuiteKind::SimplewalletDapp => ("qrconform reference SimpleWallet dApp", "dapp"),
            SuiteKind::SimplewalletWallet => ("qrconform reference SimpleWallet wallet", "wallet"),
        };
        TargetInfo {
            name: name.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            protocol: self.protocol().into(),
            role: role.into(),
            faults,
        }
    }
}

/// A reference implementation with its suite, ready to run cases.
pub enum Reference {
    Dapp(DappSuite, RunningDapp),
    Wallet(WalletSuite, RunningWallet),
    SwDapp(SwDappSuite, RunningSwDapp),
    SimplewalletWallet(SimpleWalletSuite, RunningSimpleWallet),
}

impl Reference {
    /// Starts the reference of `kind` with `faults` planted (none for the clean reference).
    pub async fn start(kind: SuiteKind, faults: &[String]) -> Result<Self, String> {
        kind.check_faults(faults)?;
        match kind {
            SuiteKind::OntologyDapp => {
                let faults: BTreeSet<DappFault> = faults
                    .iter()
                    .filter_map(|n| DappFault::from_name(n))
                    .collect();
                let (suite, dapp) = dapp::against_reference(faults).await?;
                Ok(Reference::Dapp(suite, dapp))
            }
            SuiteKind::OntologyWallet => {
                let faults: BTreeSet<WalletFault> = faults
                    .iter()
                    .filter_map(|n| WalletFault::from_name(n))
                    .collect();
                let (suite, wallet) = wallet_suite::against_reference(faults).await?;
                Ok(Reference::Wallet(suite, wallet))
            }
            SuiteKind::SimplewalletDapp => {
                let faults: BTreeSet<SwDappFault> = faults
                    .iter()
                    .filter_map(|n| SwDappFault::from_name(n))
                    .collect();
                let (suite, dapp) = sw_dapp::against_reference(faults).await?;
                Ok(Reference::SwDapp(suite, dapp))
            }
            SuiteKind::SimplewalletWallet => {
                let faults: BTreeSet<SimpleWalletFault> = faults
                    .iter()
                    .filter_map(|n| SimpleWalletFault::from_name(n))
                    .collect();
                let (suite, wallet) = sw_wallet_suite::against_reference(faults).await?;
                Ok(Reference::SimplewalletWallet(suite, wallet))
            }
        }
    }

    /// The reference implementation's base URL.
    pub fn base_url(&self) -> String {
        match self {
            Reference::Dapp(_, dapp) => dapp.base_url(),
            Reference::Wallet(_, wallet) => wallet.base_url(),
            Reference::SwDapp(_, dapp) => dapp.base_url(),
            Reference::SimplewalletWallet(_, wallet) => wallet.base_url(),
        }
    }

    /// Runs one case, bounded by [`CASE_BOUND`].
    pub async fn run(&self, case: &Case) -> CaseOutcome {
        let started = Instant::now();
        let run = async {
            match self {
                Reference::Dapp(suite, _) => suite.run_case(case).await,
                Reference::Wallet(suite, _) => suite.run_case(case).await,
                Reference::SwDapp(suite, _) => suite.run_case(case).await,
                Reference::SimplewalletWallet(suite, _) => suite.run_case(case).await,
            }
        };
        match tokio::time::timeout(CASE_BOUND, run).await {
            Ok(outcome) => outcome,
            Err(_) => CaseOutcome::conclude(
                case,
                Err((
                    Verdict::Error,
                    format!(
                        "the case did not end within {} s against the reference",
                        CASE_BOUND.as_secs()
                    ),
                )),
                Vec::new(),
                started,
                Default::default(),
                String::from("the case ends"),
            ),
        }
    }

    /// The servers of the run and the placeholders reports write for their origins.
    pub fn endpoints(&self) -> Vec<(String, String)> {
        match self {
            Reference::Dapp(suite, dapp) => {
                let mut all = suite.endpoints();
                all.push((dapp.base_url(), "<dapp>".into()));
                all
            }
            Reference::Wallet(suite, wallet) => {
                let mut all = suite.endpoints();
                all.push((wallet.base_url(), "<wallet-driver>".into()));
                all
            }
            Reference::SwDapp(suite, dapp) => {
                let mut all = suite.endpoints();
                all.push((dapp.base_url(), "<dapp>".into()));
                all
            }
            Reference::SimplewalletWallet(suite, wallet) => {
                let mut all = suite.endpoints();
                all.push((wallet.base_url(), "<wallet-driver>".into()));
                all
            }
        }
    }

    pub async fn shutdown(self) {
        match self {
            Reference::Dapp(suite, dapp) => {
                suite.shutdown().await;
                dapp.shutdown().await;
            }
            Reference::Wallet(suite, wallet) => {
                suite.shutdown().await;
                wallet.shutdown().await;
            }
            Reference::SwDapp(suite, dapp) => {
                suite.shutdown().await;
                dapp.shutdown().await;
            }
            Reference::SimplewalletWallet(suite, wallet) => {
                suite.shutdown().await;
                wallet.shutdown().await;
            }
        }
    }
}

impl Runner for Reference {
    fn run<'a>(&'a self, case: &'a Case) -> Pin<Box<dyn Future<Output = CaseOutcome> + Send + 'a>> {
        Box::pin(Reference::run(self, case))
    }

    fn stop(self) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(self.shutdown())
    }
}

/// Runs every case of `cases`, one at a time, against a fresh reference of `kind`.
pub async fn run_all(
    kind: SuiteKind,
    faults: &[String],
    cases: &[Case],
) -> Result<(Vec<CaseOutcome>, Vec<(String, String)>), String> {
    let reference = Reference::start(kind, faults).await?;
    let mut outcomes = Vec::with_capacity(cases.len());
    for case in cases {
        outcomes.push(reference.run(case).await);
    }
    let endpoints = reference.endpoints();
    reference.shutdown().await;
    Ok((outcomes, endpoints))
}

/// What one fault run gave.
#[derive(Debug, Clone)]
pub struct FaultRun {
    pub fault: String,
    pub description: String,
    pub outcomes: Vec<CaseOutcome>,
    pub elapsed: Duration,
}

/// A suite's proof: the clean run, the fault runs and the matrix drawn from them.
#[derive(Debug, Clone)]
pub struct SuiteProof {
    pub kind: SuiteKind,
    pub catalogue: Catalogue,
    pub clean: Vec<CaseOutcome>,
    pub endpoints: Vec<(String, String)>,
    pub fault_runs: Vec<FaultRun>,
    pub matrix: KillMatrix,
    pub elapsed: Duration,
}

impl SuiteProof {
    /// Whether the suite is proven: a clean reference run and a matrix with no problem.
    pub fn proven(&self) -> bool {
        self.matrix.problems.is_empty()
    }

    /// The suite's report: the clean run with its transcripts, and the kill matrix.
    pub fn report(&self) -> Report {
        let mut report = Report::build(RunFacts {
            catalogue: &self.catalogue,
            catalogue_text: self.kind.catalogue_text(),
            target: self.kind.target(Vec::new()),
            planned: self.catalogue.cases.len(),
            outcomes: &self.clean,
            baseline: None,
            exit_code: u8::from(!self.proven()),
            total_ms: self.elapsed.as_millis() as u64,
            incomplete: Vec::new(),
            partial: false,
        });
        report.redact(&self.endpoints);
        report.kill_matrix = Some(self.matrix.clone());
        report.timing.fault_runs = self
            .fault_runs
            .iter()
            .map(|r| FaultTiming {
                fault: r.fault.clone(),
                ms: r.elapsed.as_millis() as u64,
            })
            .collect();
        report
    }
}

/// Progress as the self-test goes: one call per finished run.
pub trait Progress: Send + Sync {
    /// `done` of `total` runs of `suite` have finished; `what` names the last one.
    fn run_finished(&self, suite: &str, done: usize, total: usize, what: &str, elapsed: Duration);
}

/// Proves every suite of `kinds` at once, `jobs` runs (clean or faulty, of any suite) at a
/// time, so both cores stay busy while one suite's last runs finish; the proofs come back in
/// the order of `kinds`.
pub async fn prove_all(
    kinds: &[SuiteKind],
    jobs: usize,
    progress: Arc<dyn Progress>,
) -> Result<Vec<SuiteProof>, String> {
    let permits = Arc::new(Semaphore::new(jobs.max(1)));
    let tasks: Vec<_> = kinds
        .iter()
        .map(|&kind| tokio::spawn(prove(kind, Arc::clone(&permits), Arc::clone(&progress))))
        .collect();
    let mut proofs = Vec::with_capacity(tasks.len());
    for task in tasks {
        proofs.push(
            task.await
                .map_err(|e| format!("a suite's proof stopped: {e}"))??,
        );
    }
    Ok(proofs)
}

/// Proves one suite: the clean run, then every fault, each run holding one of `permits`.
pub async fn prove(
    kind: SuiteKind,
    permits: Arc<Semaphore>,
    progress: Arc<dyn Progress>,
) -> Result<SuiteProof, String> {
    let started = Instant::now();
    let catalogue = kind.catalogue()?;
    let suite_id = catalogue.suite.id.clone();
    let faults = kind.faults();
    let total = faults.len() + 1;
    let (clean, endpoints) = {
        let _permit = permits.acquire().await;
        run_all(kind, &[], &catalogue.cases).await?
    };
    progress.run_finished(&suite_id, 1, total, "clean reference", started.elapsed());

    let cases = Arc::new(catalogue.cases.clone());
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(1));
    let mut tasks = Vec::new();
    for (name, description) in faults.iter().copied() {
        let permits = Arc::clone(&permits);
        let cases = Arc::clone(&cases);
        let progress = Arc::clone(&progress);
        let done = Arc::clone(&done);
        let suite_id = suite_id.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = permits.acquire_owned().await;
            let begun = Instant::now();
            let result = run_all(kind, &[name.to_string()], &cases).await;
            let elapsed = begun.elapsed();
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress.run_finished(&suite_id, n, total, name, elapsed);
            result.map(|(outcomes, _)| FaultRun {
                fault: name.to_string(),
                description: description.to_string(),
                outcomes,
                elapsed,
            })
        }));
    }
    let mut fault_runs = Vec::with_capacity(tasks.len());
    for task in tasks {
        let run = task
            .await
            .map_err(|e| format!("a fault run of {suite_id} stopped: {e}"))??;
        fault_runs.push(run);
    }
    let matrix = kill_matrix(&catalogue, &clean, &fault_runs);
    Ok(SuiteProof {
        kind,
        catalogue,
        clean,
        endpoints,
        fault_runs,
        matrix,
        elapsed: started.elapsed(),
    })
}

/// Whether a verdict is a failure of `case`: FAIL or TIMEOUT, or WARNING for a SHOULD case
/// (a violated SHOULD is reported as a warning).
fn failed(case: &Case, verdict: Verdict) -> bool {
    match verdict {
        Verdict::Fail | Verdict::Timeout => true,
        Verdict::Warning => case.level == Level::SHOULD,
        _ => false,
    }
}

/// Draws the kill matrix from the clean run and the fault runs (see the module docs).
pub fn kill_matrix(catalogue: &Catalogue, clean: &[CaseOutcome], runs: &[FaultRun]) -> KillMatrix {
    let verdict_in = |outcomes: &[CaseOutcome], id: &str| {
        outcomes
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.verdict)
            .unwrap_or(Verdict::Error)
    };
    let mut problems = Vec::new();
    for case in &catalogue.cases {
        match clean.iter().find(|o| o.id == case.id) {
            Some(o) if o.verdict == Verdict::Pass => {}
            Some(o) => problems.push(format!(
                "the clean reference does not pass `{}`: {} ({})",
                case.id, o.verdict, o.reason
            )),
            None => problems.push(format!(
                "`{}` did not run against the clean reference",
                case.id
            )),
        }
    }
    let rows: Vec<KillRow> = catalogue
        .cases
        .iter()
        .map(|case| {
            let cells = runs
                .iter()
                .map(|run| {
                    let verdict = verdict_in(&run.outcomes, &case.id);
                    let kill = if matches!(verdict, Verdict::Error | Verdict::Skipped) {
                        Kill::Broken
                    } else if !failed(case, verdict) {
                        Kill::Survived
                    } else {
                        match &case.twin {
                            Some(twin) if !verdict_in(&run.outcomes, twin).is_success() => {
                                Kill::WrongReason
                            }
                            _ => Kill::Killed,
                        }
                    };
                    KillCell { verdict, kill }
                })
                .collect();
            KillRow {
                case: case.id.clone(),
                twin: case.twin.clone(),
                claimed: case.faults.clone(),
                cells,
            }
        })
        .collect();
    let faults: Vec<FaultColumn> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| FaultColumn {
            name: run.fault.clone(),
            description: run.description.clone(),
            killed_by: rows
                .iter()
                .filter(|row| row.cells[i].kill == Kill::Killed)
                .map(|row| row.case.clone())
                .collect(),
        })
        .collect();
    for fault in &faults {
        if fault.killed_by.is_empty() {
            problems.push(format!("no case catches the fault `{}`", fault.name));
        }
    }
    for row in &rows {
        if !row.cells.iter().any(|c| c.kill == Kill::Killed) {
            problems.push(format!("`{}` catches no fault", row.case));
        }
        for claimed in &row.claimed {
            let Some(i) = runs.iter().position(|r| &r.fault == claimed) else {
                problems.push(format!(
                    "`{}` claims `{claimed}`, which is not a fault of the reference",
                    row.case
                ));
                continue;
            };
            let cell = row.cells[i];
            match cell.kill {
                Kill::Killed => {}
                Kill::WrongReason => problems.push(format!(
                    "`{}` fails against `{claimed}`, but so does its twin `{}`: it fails for another reason",
                    row.case,
                    row.twin.as_deref().unwrap_or("")
                )),
                Kill::Survived | Kill::Broken => problems.push(format!(
                    "`{}` claims `{claimed}`, but against it the case is {}",
                    row.case, cell.verdict
                )),
            }
        }
    }
    KillMatrix {
        faults,
        rows,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(case: &Case, verdict: Verdict) -> CaseOutcome {
        CaseOutcome::conclude(
            case,
            match verdict {
                Verdict::Pass => Ok(()),
                v => Err((v, "because".into())),
            },
            Vec::new(),
            Instant::now(),
            Default::default(),
            "x".into(),
        )
    }

    const CATALOGUE: &str = r#"
[suite]
id = "t"
protocol = "ontology"
role = "dapp"
title = "t"

[[case]]
id = "honest"
title = "honest"
clauses = ["ONT-L2"]
action = "login"
level = "MUST"
play = "honest"
expect = "accept"
faults = ["a"]

[[case]]
id = "negative"
title = "negative"
clauses = ["ONT-L5"]
action = "login"
level = "MUST"
play = "x"
expect = "reject"
twin = "honest"
faults = ["b"]
"#;

    fn run(fault: &str, verdicts: [Verdict; 2], catalogue: &Catalogue) -> FaultRun {
        FaultRun {
            fault: fault.into(),
            description: String::new(),
            outcomes: catalogue
                .cases
                .iter()
                .zip(verdicts)
                .map(|(c, v)| outcome(c, v))
                .collect(),
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn a_proven_suite_has_no_problem() {
        let catalogue = Catalogue::parse("t", CATALOGUE).unwrap();
        let clean: Vec<CaseOutcome> = catalogue
            .cases
            .iter()
            .map(|c| outcome(c, Verdict::Pass))
            .collect();
        let runs = [
            run("a", [Verdict::Fail, Verdict::Pass], &catalogue),
            run("b", [Verdict::Pass, Verdict::Fail], &catalogue),
        ];
        let matrix = kill_matrix(&catalogue, &clean, &runs);
        assert!(matrix.problems.is_empty(), "{:?}", matrix.problems);
        assert_eq!(matrix.faults[0].killed_by, vec!["honest".to_string()]);
        assert_eq!(matrix.rows[1].cells[1].kill, Kill::Killed);
    }

    #[test]
    fn a_case_whose_twin_also_fails_fails_for_the_wrong_reason() {
        let catalogue = Catalogue::parse("t", CATALOGUE).unwrap();
        let clean: Vec<CaseOutcome> = catalogue
            .cases
            .iter()
            .map(|c| outcome(c, Verdict::Pass))
            .collect();
        let runs = [
            run("a", [Verdict::Fail, Verdict::Pass], &catalogue),
            // Both fail against b: the negative case's failure proves nothing.
            run("b", [Verdict::Fail, Verdict::Fail], &catalogue),
        ];
        let matrix = kill_matrix(&catalogue, &clean, &runs);
        assert_eq!(matrix.rows[1].cells[1].kill, Kill::WrongReason);
        assert!(matrix
            .problems
            .iter()
            .any(|p| p.contains("`negative` catches no fault")));
        assert!(matrix
            .problems
            .iter()
            .any(|p| p.contains("so does its twin `honest`")));
    }

    #[test]
    fn an_uncaught_fault_a_broken_claim_and_a_failing_reference_are_problems() {
        let catalogue = Catalogue::parse("t", CATALOGUE).unwrap();
        let clean = vec![
            outcome(&catalogue.cases[0], Verdict::Pass),
            outcome(&catalogue.cases[1], Verdict::Fail),
        ];
        let runs = [
            run("a", [Verdict::Fail, Verdict::Pass], &catalogue),
            run("b", [Verdict::Pass, Verdict::Error], &catalogue),
        ];
        let matrix = kill_matrix(&catalogue, &clean, &runs);
        let text = matrix.problems.join("\n");
        assert!(
            text.contains("the clean reference does not pass `negative`"),
            "{text}"
        );
        assert!(text.contains("no case catches the fault `b`"), "{text}");
        assert!(
            text.contains("`negative` claims `b`, but against it the case is ERROR"),
            "{text}"
        );
        assert_eq!(matrix.rows[1].cells[1].kill, Kill::Broken);
    }
}
