//! The self-test as tests (H-2, H-3): each suite proven against every named fault of its
//! reference implementation, and its report held to the committed snapshot in `reports/`.
//!
//! A suite is proven when the clean reference passes every case, every fault is caught by
//! some case, every case catches some fault, and every catch the catalogue claims happens
//! with the case's positive twin passing against the same fault.
//!
//! The snapshots are the reports of these runs (timing set aside), in JSON, Markdown and
//! JUnit. Any drift fails the test; `INSTA_UPDATE=always cargo test --test self_test`
//! rewrites them (or `cargo insta review` with cargo-insta installed), and the diff is
//! reviewed like code.

use std::sync::Arc;
use std::time::Duration;

use qrconform::harness::selftest::{prove, Progress, SuiteProof};
use qrconform::harness::suite::SuiteKind;
use qrconform::harness::{ontology, simplewallet};
use qrconform::report::{Format, Report};
use tokio::sync::Semaphore;

struct Quiet;

impl Progress for Quiet {
    fn run_finished(&self, _: &str, _: usize, _: usize, _: &str, _: Duration) {}
}

/// A report with its durations zeroed: what the snapshots hold.
fn without_timing(mut report: Report) -> Report {
    report.timing.total_ms = 0;
    for case in &mut report.timing.cases {
        case.ms = 0.0;
    }
    for run in &mut report.timing.fault_runs {
        run.ms = 0;
    }
    report
}

fn print_matrix(proof: &SuiteProof) {
    let matrix = &proof.matrix;
    eprintln!("{}:", proof.catalogue.suite.id);
    for row in &matrix.rows {
        let cells: String = row.cells.iter().map(|c| c.kill.mark()).collect();
        eprintln!("  {:<40} {cells}", row.case);
    }
}

async fn proven_and_snapshotted(kind: SuiteKind) {
    let proof = prove(kind, Arc::new(Semaphore::new(4)), Arc::new(Quiet))
        .await
        .expect("the self-test runs");
    print_matrix(&proof);
    assert!(
        proof.proven(),
        "{} is not proven:\n{}",
        proof.catalogue.suite.id,
        proof.matrix.problems.join("\n")
    );
    let report = without_timing(Report::of_proof(&proof));
    report.check_schema().expect("the report meets its schema");
    let id = proof.catalogue.suite.id.clone();
    insta::with_settings!({
        snapshot_path => "../reports",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(format!("{id}.json"), Format::Json.render(&report));
        insta::assert_snapshot!(format!("{id}.md"), Format::Markdown.render(&report));
        insta::assert_snapshot!(format!("{id}.junit.xml"), Format::Junit.render(&report));
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dapp_suite_is_proven_and_its_report_matches_the_snapshot() {
    proven_and_snapshotted(ontology::DAPP).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wallet_suite_is_proven_and_its_report_matches_the_snapshot() {
    proven_and_snapshotted(ontology::WALLET).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simplewallet_wallet_suite_is_proven_and_its_report_matches_the_snapshot() {
    proven_and_snapshotted(simplewallet::WALLET).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simplewallet_dapp_suite_is_proven_and_its_report_matches_the_snapshot() {
    proven_and_snapshotted(simplewallet::DAPP).await;
}
