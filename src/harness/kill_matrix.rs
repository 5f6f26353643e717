//! The kill matrix: every case against every named fault, and what that proves (H-2, H-3).
//!
//! A case *kills* a fault when it fails against the reference with that fault planted and,
//! for a negative case, its positive twin passes against the same fault, so the case failed
//! for its own reason. A suite is proven when the clean reference passes every case, every
//! fault is killed by some case, every case kills some fault, and every kill the catalogue
//! claims happens. The report layer shows the matrix; this module draws it.
//!
//! REVIEW cases (display duties a person judges in interactive mode) are outside the
//! matrix: an automated run cannot see a screen, so no fault can be killed with them. They
//! name no fault, get no row, and are listed apart; the proof requires only that the clean
//! reference run skips each of them (the reference has no person to ask) and never passes
//! or fails one.

use serde::{Deserialize, Serialize};

use super::catalogue::{Case, Catalogue, Level};
use super::{CaseOutcome, Verdict};

/// How a case fared against one fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kill {
    /// The case failed, and (for a negative case) its positive twin passed: the fault was
    /// caught for the case's own reason.
    Killed,
    /// The case failed, but so did its twin: it fails for another reason than its own.
    WrongReason,
    /// The case passed: it does not see this fault.
    Survived,
    /// The case could not be judged (ERROR or SKIPPED).
    Broken,
}

impl Kill {
    /// One character for a matrix cell.
    pub fn mark(self) -> char {
        match self {
            Kill::Killed => 'K',
            Kill::WrongReason => 'w',
            Kill::Survived => '.',
            Kill::Broken => '!',
        }
    }
}

/// One cell of the kill matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KillCell {
    pub verdict: Verdict,
    pub kill: Kill,
}

/// One fault, a column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultColumn {
    pub name: String,
    pub description: String,
    /// The cases that kill it.
    pub killed_by: Vec<String>,
}

/// One case, a row of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KillRow {
    pub case: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub twin: Option<String>,
    /// The faults the catalogue says this case catches.
    pub claimed: Vec<String>,
    /// One cell per fault, in the order of `faults`.
    pub cells: Vec<KillCell>,
}

/// Every case against every fault, and what that proves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KillMatrix {
    pub faults: Vec<FaultColumn>,
    pub rows: Vec<KillRow>,
    /// Why the matrix does not prove the suite (empty when it does): a fault no case kills,
    /// a case that kills no fault, a claim the run does not bear out.
    pub problems: Vec<String>,
    /// The REVIEW cases, outside the matrix: a person judges them, no fault can be killed
    /// with them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<String>,
}

/// What one fault run gave.
#[derive(Debug, Clone)]
pub struct FaultRun {
    pub fault: String,
    pub description: String,
    pub outcomes: Vec<CaseOutcome>,
    pub elapsed: std::time::Duration,
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
    let (review, proved): (Vec<&Case>, Vec<&Case>) = catalogue
        .cases
        .iter()
        .partition(|case| case.level == Level::REVIEW);
    for case in &review {
        match clean.iter().find(|o| o.id == case.id) {
            Some(o) if o.verdict == Verdict::Skipped => {}
            Some(o) => problems.push(format!(
                "the REVIEW case `{}` was not skipped by the automated clean run: {} ({})",
                case.id, o.verdict, o.reason
            )),
            None => problems.push(format!(
                "`{}` did not run against the clean reference",
                case.id
            )),
        }
    }
    for case in &proved {
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
    let rows: Vec<KillRow> = proved
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
        review: review.iter().map(|case| case.id.clone()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

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

    /// The test catalogue and its clean run: every case passes.
    fn catalogue_and_clean_run() -> (Catalogue, Vec<CaseOutcome>) {
        let catalogue = Catalogue::parse("t", CATALOGUE).unwrap();
        let clean = catalogue
            .cases
            .iter()
            .map(|c| outcome(c, Verdict::Pass))
            .collect();
        (catalogue, clean)
    }

    #[test]
    fn a_proven_suite_has_no_problem() {
        let (catalogue, clean) = catalogue_and_clean_run();
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
        let (catalogue, clean) = catalogue_and_clean_run();
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

    #[test]
    fn a_review_case_is_outside_the_matrix_and_must_be_skipped_by_the_automated_run() {
        let text = format!(
            "{CATALOGUE}\n[[case]]\nid = \"review\"\ntitle = \"r\"\nclauses = [\"ONT-D1\"]\naction = \"login\"\nlevel = \"REVIEW\"\nplay = \"honest\"\nexpect = \"accept\"\nfaults = []\nshow = [{{ what = \"name\", at = \"/n\" }}]\n"
        );
        let catalogue = Catalogue::parse("t", &text).unwrap();
        let verdicts = |review: Verdict| {
            vec![
                outcome(&catalogue.cases[0], Verdict::Pass),
                outcome(&catalogue.cases[1], Verdict::Pass),
                outcome(&catalogue.cases[2], review),
            ]
        };
        let run = |fault: &str, verdicts: [Verdict; 3]| FaultRun {
            fault: fault.into(),
            description: String::new(),
            outcomes: catalogue
                .cases
                .iter()
                .zip(verdicts)
                .map(|(c, v)| outcome(c, v))
                .collect(),
            elapsed: Duration::ZERO,
        };
        let runs = [
            run("a", [Verdict::Fail, Verdict::Pass, Verdict::Skipped]),
            run("b", [Verdict::Pass, Verdict::Fail, Verdict::Skipped]),
        ];
        // Skipped by the clean run, no row, listed apart: proven.
        let matrix = kill_matrix(&catalogue, &verdicts(Verdict::Skipped), &runs);
        assert!(matrix.problems.is_empty(), "{:?}", matrix.problems);
        assert_eq!(matrix.rows.len(), 2);
        assert_eq!(matrix.review, vec!["review".to_string()]);
        // An automated run that passes (or judges) a REVIEW case is a problem.
        for verdict in [Verdict::Pass, Verdict::Review, Verdict::Fail] {
            let matrix = kill_matrix(&catalogue, &verdicts(verdict), &runs);
            assert!(
                matrix
                    .problems
                    .iter()
                    .any(|p| p.contains("the REVIEW case `review` was not skipped")),
                "{verdict}: {:?}",
                matrix.problems
            );
        }
    }
}
