//! The self-test: every suite against the reference implementations, clean and with each
//! named fault planted, and the kill matrix that proves every check can fail (H-2, H-3).
//!
//! For one suite it runs every case against the clean reference, then every case against the
//! reference with each fault planted (each fault in its own in-process reference, node and
//! harness on ephemeral loopback ports, several faults at once). From those verdicts
//! [`kill_matrix`] decides, for every case and fault, whether the case *killed* the fault.
//! Nothing here knows a protocol: the suites come from the registry ([`super::suite`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::catalogue::{Case, Catalogue};
use super::kill_matrix::{kill_matrix, FaultRun, KillMatrix};
use super::run::Runner;
use super::suite::{Against, BoxFuture, Started, SuiteKind};
use super::{CaseOutcome, Verdict};

/// No case may take longer than this against a reference, whatever a fault does to it.
pub const CASE_BOUND: Duration = Duration::from_secs(60);

/// A suite started against its reference, each case bounded by [`CASE_BOUND`].
pub struct Reference {
    started: Started,
}

impl Reference {
    /// Starts the reference of `kind` with `faults` planted (none for the clean reference).
    pub async fn start(kind: SuiteKind, faults: &[String]) -> Result<Self, String> {
        let started = kind.start(Against::Reference(faults.to_vec())).await?;
        Ok(Reference { started })
    }

    /// One line for the console: the reference and where it listens.
    pub fn banner(&self) -> &str {
        &self.started.banner
    }

    /// The servers of the run and the placeholders reports write for their origins.
    pub fn endpoints(&self) -> Vec<(String, String)> {
        self.started.endpoints.clone()
    }

    /// Runs one case, bounded by [`CASE_BOUND`].
    pub async fn run_case(&self, case: &Case) -> CaseOutcome {
        let started = Instant::now();
        match tokio::time::timeout(CASE_BOUND, self.started.runner.run(case)).await {
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

    pub async fn shutdown(self) {
        self.started.runner.stop().await;
    }
}

impl Runner for Reference {
    fn run<'a>(&'a self, case: &'a Case) -> BoxFuture<'a, CaseOutcome> {
        Box::pin(self.run_case(case))
    }

    fn endpoints(&self) -> Vec<(String, String)> {
        Reference::endpoints(self)
    }

    fn banner(&self) -> String {
        self.started.banner.clone()
    }

    fn stop(self: Arc<Self>) -> BoxFuture<'static, ()> {
        match Arc::try_unwrap(self) {
            Ok(reference) => Box::pin(reference.shutdown()),
            Err(_) => Box::pin(async {}),
        }
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
        outcomes.push(reference.run_case(case).await);
    }
    let endpoints = reference.endpoints();
    reference.shutdown().await;
    Ok((outcomes, endpoints))
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

/// What a few cases of a suite prove: their clean verdicts and their rows of the kill matrix,
/// drawn from runs made now (not from a recording).
#[derive(Debug, Clone)]
pub struct CasesProof {
    /// The cases asked for, with the twins they need, in catalogue order.
    pub catalogue: Catalogue,
    pub clean: Vec<CaseOutcome>,
    /// The clean run's servers and the placeholders reports write for their origins.
    pub endpoints: Vec<(String, String)>,
    /// Every fault of the suite's reference, each with its rows for these cases.
    pub matrix: KillMatrix,
}

/// Proves the cases of `kind` named by `ids` as the self-test would, but only them: each is
/// run with its twin against the clean reference and against the reference with each named
/// fault planted, `jobs` runs at a time. A case's row of the matrix is the same as in the
/// full self-test, since a case and its twin are all a kill depends on.
pub async fn prove_cases(kind: SuiteKind, ids: &[&str], jobs: usize) -> Result<CasesProof, String> {
    let mut catalogue = kind.catalogue()?;
    let mut wanted: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    for id in ids {
        if let Some(twin) = catalogue.case(id).and_then(|c| c.twin.clone()) {
            wanted.push(twin);
        }
    }
    catalogue.cases.retain(|c| wanted.contains(&c.id));
    let (clean, endpoints) = run_all(kind, &[], &catalogue.cases).await?;
    let permits = Arc::new(Semaphore::new(jobs.max(1)));
    let cases = Arc::new(catalogue.cases.clone());
    let tasks: Vec<_> = kind
        .faults()
        .into_iter()
        .map(|(name, description)| {
            let permits = Arc::clone(&permits);
            let cases = Arc::clone(&cases);
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                let begun = Instant::now();
                let result = run_all(kind, &[name.to_string()], &cases).await;
                result.map(|(outcomes, _)| FaultRun {
                    fault: name.to_string(),
                    description: description.to_string(),
                    outcomes,
                    elapsed: begun.elapsed(),
                })
            })
        })
        .collect();
    let mut runs = Vec::with_capacity(tasks.len());
    for task in tasks {
        runs.push(
            task.await
                .map_err(|e| format!("a fault run stopped: {e}"))??,
        );
    }
    let matrix = kill_matrix(&catalogue, &clean, &runs);
    Ok(CasesProof {
        catalogue,
        clean,
        endpoints,
        matrix,
    })
}
