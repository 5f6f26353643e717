//! The JUnit XML writer: the report as CI systems ingest test results (GitLab's test
//! reports, Jenkins, the GitHub test-reporter actions).
//!
//! The document has one `<testsuite>` named after the suite id with one `<testcase>` per case
//! (name = case id, classname = suite id), and, for a self-test, a second `<testsuite>` named
//! `<suite id>.kill-matrix`:
//!
//! ```xml
//! <?xml version="1.0" encoding="UTF-8"?>
//! <testsuites name="qrconform" tests="9" skipped="2" failures="3" errors="1" time="0.000">
//!     <testsuite name="ontology-dapp" tests="7" ...>
//!         <properties>
//!             <property name="target.name" value="reference-dapp"/>
//!             ...
//!         </properties>
//!         <testcase name="login.expired" classname="ontology-dapp" time="0.000">
//!             <properties>
//!                 <property name="clause" value="ONT-L8"/>
//!                 <property name="level" value="MUST"/>
//!                 <property name="verdict" value="FAIL"/>
//!                 <property name="expected" value="..."/>
//!             </properties>
//!             <failure message="..." type="FAIL">expected: ...
//! observed: ...
//! why: ...
//! ONT-L8 (MUST): the clause's full text</failure>
//!         </testcase>
//!     </testsuite>
//!     <testsuite name="ontology-dapp.kill-matrix" ...>
//!         <testcase name="fault:no-id-echo" .../>
//!         <testcase name="problems" .../>
//!     </testsuite>
//! </testsuites>
//! ```
//!
//! A CI system knows only passed, failed, errored and skipped, so the verdicts map onto them:
//! PASS and WARNING pass (a WARNING carries its reason in `system-out`), FAIL and TIMEOUT
//! fail, ERROR errors, SKIPPED skips, and REVIEW (a person's answers on what the wallet
//! showed) is a skip of type `REVIEW`, counted neither way. A failure the baseline expects is reported as skipped,
//! so it neither breaks the build nor disappears, and a stale baseline entry fails its
//! (passing) case, as it fails the run. Escaping is quick-junit's, which also drops the
//! control characters XML cannot carry.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report as Junit, TestCase, TestCaseStatus, TestSuite};

use super::{CaseReport, KillMatrix, Report};
use crate::harness::baseline::{EntryReport, EntryStatus};
use crate::harness::Verdict;

/// The report as JUnit XML.
pub fn render(report: &Report) -> String {
    let mut junit = Junit::new(report.generator.name.as_str());
    junit.set_time(millis(report.timing.total_ms));
    junit.add_test_suite(case_suite(report));
    if let Some(matrix) = &report.kill_matrix {
        junit.add_test_suite(kill_suite(report, matrix));
    }
    // Serialising into memory has no I/O to fail, and every input is already a `str`.
    junit
        .to_string()
        .expect("a JUnit report serialises into memory")
}

fn millis(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

/// Case durations are kept to the microsecond; a negative or non-finite value (never written
/// by the harness) reads as zero.
fn fractional_millis(ms: f64) -> Duration {
    Duration::try_from_secs_f64(ms / 1000.0).unwrap_or_default()
}

fn case_suite(report: &Report) -> TestSuite {
    let mut suite = TestSuite::new(report.suite.id.as_str());
    let case_ms: f64 = report.timing.cases.iter().map(|t| t.ms).sum();
    suite.set_time(fractional_millis(case_ms));
    let target = &report.target;
    suite.add_properties([
        Property::new("target.name", &target.name),
        Property::new("target.version", &target.version),
        Property::new("target.protocol", &target.protocol),
        Property::new("target.role", &target.role),
        Property::new("target.faults", target.faults.join(",")),
        Property::new("suite.title", &report.suite.title),
        Property::new(
            format!("{}.version", report.generator.name),
            &report.generator.version,
        ),
        Property::new("vector_set", &report.generator.vector_set),
        Property::new("catalogue", &report.suite.catalogue),
        Property::new("exit_code", report.summary.exit_code.to_string()),
        Property::new("result", &report.summary.result),
    ]);
    if report.summary.partial {
        suite.add_property(Property::new("partial", "true"));
    }
    for (i, why) in report.summary.incomplete.iter().enumerate() {
        suite.add_property(Property::new(format!("incomplete.{}", i + 1), why.as_str()));
    }
    let stale: Vec<&EntryReport> = report
        .baseline
        .iter()
        .flat_map(|b| b.entries.iter())
        .filter(|e| e.status == EntryStatus::Stale)
        .collect();
    let file = report.baseline.as_ref().map_or("", |b| b.file.as_str());
    for case in &report.cases {
        let entry = stale.iter().copied().find(|e| e.id == case.id);
        suite.add_test_case(case_test(report, case, entry, file));
    }
    // A stale entry always names a case that ran and passed; should one ever name no case of
    // the report, it still has to fail the suite rather than vanish.
    for entry in stale
        .iter()
        .filter(|e| !report.cases.iter().any(|c| c.id == e.id))
    {
        let mut test = TestCase::new(entry.id.as_str(), stale_status(entry, file));
        test.set_classname(report.suite.id.as_str());
        suite.add_test_case(test);
    }
    suite
}

fn case_test(
    report: &Report,
    case: &CaseReport,
    stale: Option<&EntryReport>,
    baseline_file: &str,
) -> TestCase {
    // A failure's description says what was expected and seen, why the case exists, and the
    // full text of the clauses it checks.
    let mut expected_observed = format!(
        "expected: {}\nobserved: {}\nwhy: {}",
        case.expected,
        case.observed,
        report.case_why(case)
    );
    for id in &case.clauses {
        if let Some((level, text)) = report
            .clause(id)
            .and_then(|c| Some((c.level.as_deref()?, c.text.as_deref()?)))
        {
            expected_observed.push_str(&format!("\n{id} ({level}): {text}"));
        }
    }
    let mut system_out = None;
    let status = if let Some(entry) = stale {
        stale_status(entry, baseline_file)
    } else if let Some(accepted) = &case.expected_failure {
        let mut status = TestCaseStatus::skipped();
        status
            .set_message(format!(
                "expected failure (baseline): {accepted}; verdict {}: {}",
                case.verdict, case.reason
            ))
            .set_description(expected_observed);
        status
    } else {
        match case.verdict {
            Verdict::Pass => TestCaseStatus::success(),
            Verdict::Warning => {
                system_out = Some(format!("WARNING: {}", case.reason));
                TestCaseStatus::success()
            }
            Verdict::Fail | Verdict::Timeout | Verdict::Error => {
                let kind = if case.verdict == Verdict::Error {
                    NonSuccessKind::Error
                } else {
                    NonSuccessKind::Failure
                };
                let mut status = TestCaseStatus::non_success(kind);
                status
                    .set_type(case.verdict.label())
                    .set_message(case.reason.as_str())
                    .set_description(expected_observed);
                status
            }
            Verdict::Skipped => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(case.reason.as_str());
                status
            }
            // A person's review is neither a pass nor a failure: a skip typed REVIEW, with
            // the person's answers as its message.
            Verdict::Review => {
                let mut status = TestCaseStatus::skipped();
                status
                    .set_type(case.verdict.label())
                    .set_message(case.reason.as_str())
                    .set_description(expected_observed);
                status
            }
        }
    };
    let mut test = TestCase::new(case.id.as_str(), status);
    test.set_classname(report.suite.id.as_str());
    if let Some(timing) = report.timing.cases.iter().find(|t| t.id == case.id) {
        test.set_time(fractional_millis(timing.ms));
    }
    test.add_properties(case.clauses.iter().map(|c| Property::new("clause", c)));
    test.add_properties([
        Property::new("level", case.level.label()),
        Property::new("verdict", case.verdict.label()),
        Property::new("expected", &case.expected),
    ]);
    if let Some(out) = system_out {
        test.set_system_out(out);
    }
    test
}

fn stale_status(entry: &EntryReport, baseline_file: &str) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    status
        .set_type("STALE-BASELINE")
        .set_message(format!(
            "stale baseline entry: the case now passes; remove `{}` from the baseline {baseline_file}",
            entry.id
        ))
        .set_description(format!("baseline reason: {}", entry.reason));
    status
}

fn kill_suite(report: &Report, matrix: &KillMatrix) -> TestSuite {
    let name = format!("{}.kill-matrix", report.suite.id);
    let mut suite = TestSuite::new(name.as_str());
    let fault_ms: u64 = report.timing.fault_runs.iter().map(|t| t.ms).sum();
    suite.set_time(millis(fault_ms));
    for fault in &matrix.faults {
        let status = if fault.killed_by.is_empty() {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_type("SURVIVED")
                .set_message(format!("no case kills the fault `{}`", fault.name))
                .set_description(fault.description.as_str());
            status
        } else {
            TestCaseStatus::success()
        };
        let mut test = TestCase::new(format!("fault:{}", fault.name), status);
        test.set_classname(name.as_str());
        if let Some(timing) = report
            .timing
            .fault_runs
            .iter()
            .find(|t| t.fault == fault.name)
        {
            test.set_time(millis(timing.ms));
        }
        test.add_property(Property::new("description", &fault.description));
        if !fault.killed_by.is_empty() {
            test.set_system_out(format!("killed by: {}", fault.killed_by.join(", ")));
        }
        suite.add_test_case(test);
    }
    let status = if matrix.problems.is_empty() {
        TestCaseStatus::success()
    } else {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let count = matrix.problems.len();
        status
            .set_type("KILL-MATRIX")
            .set_message(format!(
                "the kill matrix does not prove the suite: {count} problem{}",
                if count == 1 { "" } else { "s" }
            ))
            .set_description(matrix.problems.join("\n"));
        status
    };
    let mut test = TestCase::new("problems", status);
    test.set_classname(name.as_str());
    suite.add_test_case(test);
    suite
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::report::fixture::{sample, HOSTILE};

    fn status_of<'a>(junit: &'a Junit, suite: usize, name: &str) -> &'a TestCaseStatus {
        &junit.test_suites[suite]
            .test_cases
            .iter()
            .find(|t| t.name.as_str() == name)
            .unwrap_or_else(|| panic!("no testcase {name}"))
            .status
    }

    fn message(status: &TestCaseStatus) -> &str {
        match status {
            TestCaseStatus::Success { .. } => "",
            TestCaseStatus::NonSuccess { message, .. }
            | TestCaseStatus::Skipped { message, .. } => message.as_deref().unwrap_or(""),
        }
    }

    fn ty(status: &TestCaseStatus) -> &str {
        match status {
            TestCaseStatus::Success { .. } => "",
            TestCaseStatus::NonSuccess { ty, .. } | TestCaseStatus::Skipped { ty, .. } => {
                ty.as_deref().unwrap_or("")
            }
        }
    }

    #[test]
    fn junit_is_well_formed_and_its_counts_add_up() {
        let xml = render(&sample());
        assert!(
            xml.starts_with(r#"<?xml version="1.0" encoding="UTF-8"?>"#),
            "{xml}"
        );
        assert_eq!(xml.matches("<testsuite ").count(), 2);
        assert_eq!(xml.matches("</testsuite>").count(), 2);
        assert_eq!(xml.matches("<testsuites ").count(), 1);
        assert_eq!(xml.matches("</testsuites>").count(), 1);
        let parsed = Junit::deserialize_from_str(&xml).expect("the XML parses");
        let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
        for suite in &parsed.test_suites {
            let count = |f: fn(&TestCaseStatus) -> bool| {
                suite.test_cases.iter().filter(|t| f(&t.status)).count()
            };
            assert_eq!(
                suite.tests,
                suite.test_cases.len(),
                "{}",
                suite.name.as_str()
            );
            assert_eq!(
                suite.failures,
                count(|s| matches!(
                    s,
                    TestCaseStatus::NonSuccess {
                        kind: NonSuccessKind::Failure,
                        ..
                    }
                ))
            );
            assert_eq!(
                suite.errors,
                count(|s| matches!(
                    s,
                    TestCaseStatus::NonSuccess {
                        kind: NonSuccessKind::Error,
                        ..
                    }
                ))
            );
            assert_eq!(
                suite.skipped,
                count(|s| matches!(s, TestCaseStatus::Skipped { .. }))
            );
            tests += suite.tests;
            failures += suite.failures;
            errors += suite.errors;
            skipped += suite.skipped;
        }
        assert_eq!(
            (parsed.tests, parsed.failures, parsed.errors, parsed.skipped),
            (tests, failures, errors, skipped)
        );
        // Nine cases; three faults and the problems case.
        assert_eq!(parsed.test_suites[0].tests, 9);
        assert_eq!(parsed.test_suites[1].tests, 4);
        assert_eq!(
            parsed.test_suites[1].name.as_str(),
            "ontology-dapp.kill-matrix"
        );
    }

    #[test]
    fn junit_maps_each_verdict() {
        let xml = render(&sample());
        let junit = Junit::deserialize_from_str(&xml).unwrap();
        let suite = &junit.test_suites[0];
        assert_eq!(suite.name.as_str(), "ontology-dapp");
        assert!(suite
            .test_cases
            .iter()
            .all(|t| t.classname.as_deref() == Some("ontology-dapp")
                && t.time == Some(Duration::ZERO)));

        assert!(matches!(
            status_of(&junit, 0, "login.address.honest"),
            TestCaseStatus::Success { .. }
        ));
        let fail = status_of(&junit, 0, "login.expired");
        assert!(matches!(
            fail,
            TestCaseStatus::NonSuccess { kind: NonSuccessKind::Failure, description: Some(d), .. }
                if d.as_str().starts_with("expected: the back end rejects")
                    && d.as_str().contains("\nobserved: the back end answered")
        ));
        assert_eq!(ty(fail), "FAIL");
        assert_eq!(message(fail), HOSTILE);
        let timeout = status_of(&junit, 0, "invoke.event.slow");
        assert_eq!(ty(timeout), "TIMEOUT");
        assert_eq!(message(timeout), "no answer within 10 s");
        assert!(matches!(
            status_of(&junit, 0, "login.ontid.honest"),
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Error,
                ..
            }
        ));
        // REVIEW: a skip of type REVIEW carrying the person's answers, neither pass nor fail.
        let review = status_of(&junit, 0, "login.display.review");
        assert!(matches!(review, TestCaseStatus::Skipped { .. }));
        assert!(message(review).contains("the wallet did not show it"));
        let skipped = status_of(&junit, 0, "invoke.source.missing");
        assert!(matches!(skipped, TestCaseStatus::Skipped { .. }));
        assert_eq!(message(skipped), "the target has no invoke QR source");

        let warning = suite
            .test_cases
            .iter()
            .find(|t| t.name.as_str() == "login.signature.high-s")
            .unwrap();
        assert!(matches!(warning.status, TestCaseStatus::Success { .. }));
        assert_eq!(
            warning.system_out.as_deref(),
            Some("WARNING: SHOULD: the back end normalised S")
        );

        let expected = status_of(&junit, 0, "login.message.replay");
        assert!(matches!(expected, TestCaseStatus::Skipped { .. }));
        assert_eq!(
            message(expected),
            "expected failure (baseline): replay protection ships in 2.4 (ticket 1182); \
             verdict FAIL: the replayed login was accepted"
        );

        let stale = status_of(&junit, 0, "login.account.honest");
        assert_eq!(ty(stale), "STALE-BASELINE");
        assert!(message(stale).contains("now passes"), "{}", message(stale));
        assert!(message(stale).contains("remove"), "{}", message(stale));
    }

    #[test]
    fn junit_carries_properties() {
        let junit = Junit::deserialize_from_str(&render(&sample())).unwrap();
        let suite = &junit.test_suites[0];
        let prop = |name: &str| {
            suite
                .properties
                .iter()
                .find(|p| p.name.as_str() == name)
                .map(|p| p.value.as_str().to_string())
                .unwrap_or_else(|| panic!("no property {name}"))
        };
        assert_eq!(prop("target.name"), "reference-dapp");
        assert_eq!(prop("target.version"), "1.2.3");
        assert_eq!(prop("target.protocol"), "ontology-dapi-mobile");
        assert_eq!(prop("target.role"), "dapp");
        assert_eq!(prop("target.faults"), "no-id-echo,reject-high-s");
        assert_eq!(prop("qrconform.version"), "0.1.0");
        assert_eq!(prop("vector_set"), "sha256:vvvv");
        assert_eq!(prop("catalogue"), "sha256:cccc");
        assert_eq!(prop("exit_code"), "1");

        let case = suite
            .test_cases
            .iter()
            .find(|t| t.name.as_str() == "login.address.honest")
            .unwrap();
        let props: Vec<(&str, &str)> = case
            .properties
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            props,
            vec![
                ("clause", "ONT-L2"),
                ("clause", "ONT-L10"),
                ("level", "MUST"),
                ("verdict", "PASS"),
                (
                    "expected",
                    "the back end rejects the login with error 80001"
                ),
            ]
        );
    }

    #[test]
    fn junit_reports_the_kill_matrix() {
        let junit = Junit::deserialize_from_str(&render(&sample())).unwrap();
        let killed = junit.test_suites[1]
            .test_cases
            .iter()
            .find(|t| t.name.as_str() == "fault:no-id-echo")
            .unwrap();
        assert!(matches!(killed.status, TestCaseStatus::Success { .. }));
        assert_eq!(
            killed.system_out.as_deref(),
            Some("killed by: login.address.honest")
        );
        assert_eq!(
            killed.classname.as_deref(),
            Some("ontology-dapp.kill-matrix")
        );
        let survived = status_of(&junit, 1, "fault:accept-any-signature");
        assert_eq!(ty(survived), "SURVIVED");
        let problems = status_of(&junit, 1, "problems");
        assert!(matches!(
            problems,
            TestCaseStatus::NonSuccess { description: Some(d), .. }
                if d.as_str().contains("no case kills the fault `accept-any-signature`")
        ));

        let mut clean = sample();
        clean.kill_matrix.as_mut().unwrap().problems.clear();
        let junit = Junit::deserialize_from_str(&render(&clean)).unwrap();
        assert!(matches!(
            status_of(&junit, 1, "problems"),
            TestCaseStatus::Success { .. }
        ));

        clean.kill_matrix = None;
        let xml = render(&clean);
        assert_eq!(xml.matches("<testsuite ").count(), 1);
    }

    #[test]
    fn junit_keeps_hostile_text_inert() {
        let mut report = sample();
        report.cases[2].reason.push_str("\u{1b}[31m\u{0}");
        let xml = render(&report);
        assert!(!xml.contains("<script>"), "{xml}");
        assert!(!xml.contains("]]>"), "{xml}");
        assert!(
            xml.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{xml}"
        );
        assert!(!xml.contains('\u{0}') && !xml.contains('\u{1b}'));
        // And it comes back as written once parsed.
        let junit = Junit::deserialize_from_str(&xml).unwrap();
        assert_eq!(message(status_of(&junit, 0, "login.expired")), HOSTILE);
    }

    #[test]
    fn junit_is_a_function_of_the_report() {
        assert_eq!(render(&sample()), render(&sample()));
    }
}
