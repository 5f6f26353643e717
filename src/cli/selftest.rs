//! `qrconform self-test`: every suite against the reference implementations, clean and with
//! every named fault planted, printed as a kill matrix (see `harness::selftest`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;

use super::test::Protocol;
use super::{runtime, CliError, CmdResult, Verdict};
use crate::harness::selftest::{prove_all, Progress, SuiteProof};
use crate::harness::suite::{self, SuiteKind};
use crate::report::{Destinations, Kill, Report, TargetInfo};

#[derive(Debug, Args)]
#[command(
    after_help = "Reading the matrix: one row per case, one column per fault of the \
    reference implementation (numbered; the legend names them). K: the case catches the fault \
    it claims; k: it catches a fault it does not claim; w: it fails, but so does its positive \
    twin, so it fails for another reason than its own; .: the fault passes the case; !: the \
    case could not be judged (ERROR or SKIPPED).\n\nExit codes: 0 every suite is proven (the \
    references pass every case, every fault is caught by some case, every case catches some \
    fault, every claimed catch holds with its twin passing); 1 a suite is not proven; 2 the \
    self-test could not run (a server failed to start, a report could not be written)."
)]
pub struct SelfTestArgs {
    /// Prove only the suites of this protocol (default: every protocol).
    #[arg(long, value_enum)]
    pub protocol: Option<Protocol>,
    /// Write each suite's report here, in every format (`<suite>.json`, `.junit.xml`, `.md`,
    /// `.html`).
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// How many runs go at once, across every suite (each run is its own reference, node and
    /// harness). The default is this machine's number of cores, which measured fastest: the
    /// runs are CPU-bound once expiry passes on the shared virtual clock.
    #[arg(long, value_name = "N", default_value_t = default_jobs())]
    pub jobs: usize,
}

/// The number of cores this process may use (1 if the system cannot say).
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Progress on standard error: one line per finished run, rewritten in place on a terminal.
struct StderrProgress {
    terminal: bool,
    lock: Mutex<()>,
}

impl Progress for StderrProgress {
    fn run_finished(&self, suite: &str, done: usize, total: usize, what: &str, elapsed: Duration) {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let line = format!(
            "self-test: {suite} [{done:>2}/{total}] {what} ({:.1} s)",
            elapsed.as_secs_f64()
        );
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r\x1b[2K{line}");
            if done == total {
                let _ = writeln!(err);
            }
        } else {
            let _ = writeln!(err, "{line}");
        }
        let _ = err.flush();
    }
}

pub fn run(args: SelfTestArgs) -> CmdResult {
    if args.jobs == 0 {
        return Err(CliError::new("--jobs must be at least 1"));
    }
    let kinds: Vec<SuiteKind> = suite::ALL
        .into_iter()
        .filter(|k| match args.protocol {
            Some(protocol) => k.protocol() == protocol.name(),
            None => true,
        })
        .collect();
    let destinations = Destinations::new(args.report_dir.clone(), &[]).map_err(CliError::new)?;
    let runtime = runtime()?;
    let progress: Arc<dyn Progress> = Arc::new(StderrProgress {
        terminal: std::io::stderr().is_terminal(),
        lock: Mutex::new(()),
    });
    let started = Instant::now();
    let proofs = runtime
        .block_on(prove_all(&kinds, args.jobs, Arc::clone(&progress)))
        .map_err(|e| CliError::new(format!("the self-test could not run: {e}")))?;
    for proof in &proofs {
        print_proof(proof);
        if !destinations.is_empty() {
            let report = Report::of_proof(proof);
            let written = destinations
                .write(&report, &proof.catalogue.suite.id)
                .map_err(CliError::new)?;
            for path in written {
                eprintln!("self-test: wrote {}", path.display());
            }
        }
    }
    let elapsed = started.elapsed();
    let cases: usize = proofs.iter().map(|p| p.catalogue.cases.len()).sum();
    let faults: usize = proofs.iter().map(|p| p.fault_runs.len()).sum();
    let runs: usize = proofs
        .iter()
        .map(|p| p.catalogue.cases.len() * (p.fault_runs.len() + 1))
        .sum();
    let proven = proofs.iter().all(SuiteProof::proven);
    println!(
        "self-test: {} suites, {cases} cases, {faults} faults, {runs} case runs in {:.1} s: {}",
        proofs.len(),
        elapsed.as_secs_f64(),
        if proven {
            "every suite is proven"
        } else {
            "NOT PROVEN (see the problems above)"
        }
    );
    Ok(if proven {
        Verdict::Positive
    } else {
        Verdict::Negative
    })
}

/// Prints one suite's kill matrix and what it proves.
fn print_proof(proof: &SuiteProof) {
    let matrix = &proof.matrix;
    let id = &proof.catalogue.suite.id;
    let passed = proof
        .clean
        .iter()
        .filter(|o| o.verdict == crate::harness::Verdict::Pass)
        .count();
    println!(
        "\n{id}: {} cases x {} faults of the {}",
        matrix.rows.len(),
        matrix.faults.len(),
        TargetInfo::reference(proof.kind, Vec::new()).name
    );
    let review = if matrix.review.is_empty() {
        String::new()
    } else {
        format!(" ({} REVIEW skipped: need a person)", matrix.review.len())
    };
    println!(
        "clean reference: {passed}/{} PASS{review} in {:.1} s",
        proof.clean.len(),
        proof
            .clean
            .iter()
            .map(|o| o.duration)
            .sum::<Duration>()
            .as_secs_f64()
    );
    println!("faults:");
    for (i, fault) in matrix.faults.iter().enumerate() {
        println!(
            "  {:>2} {:<30} caught by {}",
            i + 1,
            fault.name,
            fault.killed_by.len()
        );
    }
    let width = matrix
        .rows
        .iter()
        .map(|r| r.case.len())
        .max()
        .unwrap_or(4)
        .max(9);
    let header: String = (1..=matrix.faults.len())
        .map(|i| format!("{i:>3}"))
        .collect();
    println!("{:<width$}{header}", "case");
    for row in &matrix.rows {
        let cells: String = row
            .cells
            .iter()
            .zip(&matrix.faults)
            .map(|(cell, fault)| {
                let mark = match cell.kill {
                    Kill::Killed if !row.claimed.contains(&fault.name) => 'k',
                    other => other.mark(),
                };
                format!("{mark:>3}")
            })
            .collect();
        println!("{:<width$}{cells}", row.case);
    }
    let footer: String = matrix
        .faults
        .iter()
        .map(|f| format!("{:>3}", f.killed_by.len()))
        .collect();
    println!("{:<width$}{footer}", "caught by");
    let claims: usize = matrix.rows.iter().map(|r| r.claimed.len()).sum();
    if matrix.problems.is_empty() {
        println!(
            "{id}: proven: the reference passes every case, every fault is caught, every case catches a fault, and all {claims} claimed catches hold with their twins passing"
        );
    } else {
        println!("{id}: NOT PROVEN:");
        for problem in &matrix.problems {
            println!("  - {problem}");
        }
    }
    if !matrix.review.is_empty() {
        println!(
            "{id}: {} REVIEW cases are outside the matrix: a person judges what the wallet shows in interactive mode, so no fault can be killed with them; the clean run skips each (needs a person): {}",
            matrix.review.len(),
            matrix.review.join(", ")
        );
    }
}
