//! A hand-built report for the writers' tests: every verdict (REVIEW too), an expected failure, a stale
//! baseline entry, a transcript from both senders, a three-fault kill matrix with a problem,
//! and text a hostile peer could have written.

use crate::harness::baseline::{BaselineReport, EntryReport, EntryStatus};
use crate::harness::catalogue::Level;
use crate::harness::Verdict;
use crate::report::{
    exit_code_words, CaseReport, CaseTiming, ClauseCoverage, FaultColumn, FaultTiming, Generator,
    Kill, KillCell, KillMatrix, KillRow, Report, SuiteInfo, Summary, TargetInfo, Timing,
    SCHEMA_VERSION,
};
use crate::transcript::{Exchange, Sender};

/// Text a peer under test could put in a reason, a URL or a body.
pub const HOSTILE: &str = "<script>alert(1)</script> | cell\nnext line ]]> & \"q\" 'a'";

pub fn case(
    id: &str,
    level: Level,
    verdict: Verdict,
    clauses: &[&str],
    reason: &str,
    transcript: Vec<Exchange>,
) -> CaseReport {
    CaseReport {
        id: id.into(),
        title: format!("the case {id}"),
        clauses: clauses.iter().map(|c| c.to_string()).collect(),
        level,
        verdict,
        reason: reason.into(),
        expected: "the back end rejects the login with error 80001".into(),
        observed: format!("the back end answered {HOSTILE}"),
        expected_failure: None,
        twin: None,
        transcript,
    }
}

/// A small report with every verdict, an expected failure, a stale baseline entry, a
/// transcript from both senders and a three-fault kill matrix with a problem.
pub fn sample() -> Report {
    let transcript = vec![
        Exchange {
            by: Sender::Harness,
            method: "POST".into(),
            url: "<dapp>/login?x=\"><script>".into(),
            request: Some(format!("{{\"action\":\"login\",\"note\":\"{HOSTILE}\"}}")),
            status: Some(200),
            response: Some(format!("TRANSCRIPT-BODY {HOSTILE}")),
            error: None,
        },
        Exchange {
            by: Sender::Peer,
            method: "GET".into(),
            url: "<node>/api/v1/smartcode/event/txhash/00".into(),
            request: None,
            status: None,
            response: Some("node error 0".into()),
            error: Some("timed out after 5 s".into()),
        },
    ];
    let mut cases = vec![
        case(
            "login.address.honest",
            Level::MUST,
            Verdict::Pass,
            &["ONT-L2", "ONT-L10"],
            "",
            transcript,
        ),
        case(
            "login.account.honest",
            Level::MUST,
            Verdict::Pass,
            &["ONT-L1"],
            "",
            vec![],
        ),
        case(
            "login.expired",
            Level::MUST,
            Verdict::Fail,
            &["ONT-L8"],
            HOSTILE,
            vec![],
        ),
        case(
            "login.message.replay",
            Level::MUST,
            Verdict::Fail,
            &["ONT-L9"],
            "the replayed login was accepted",
            vec![],
        ),
        case(
            "login.signature.high-s",
            Level::SHOULD,
            Verdict::Warning,
            &["ONT-L4"],
            "SHOULD: the back end normalised S",
            vec![],
        ),
        case(
            "invoke.event.slow",
            Level::MUST,
            Verdict::Timeout,
            &["ONT-I3"],
            "no answer within 10 s",
            vec![],
        ),
        case(
            "invoke.source.missing",
            Level::MUST,
            Verdict::Skipped,
            &["ONT-I1"],
            "the target has no invoke QR source",
            vec![],
        ),
        case(
            "login.ontid.honest",
            Level::MUST,
            Verdict::Error,
            &["ONT-L7"],
            "the mock node did not start",
            vec![],
        ),
        case(
            "login.display.review",
            Level::REVIEW,
            Verdict::Review,
            &["ONT-D1"],
            "a person reviewed it: dApp name: shown; dApp icon: the wallet did not show it",
            vec![],
        ),
    ];
    cases[2].twin = Some("login.address.honest".into());
    cases[3].expected_failure = Some("replay protection ships in 2.4 (ticket 1182)".into());
    let clauses = cases
        .iter()
        .flat_map(|c| {
            c.clauses.iter().map(|cl| {
                let clause = crate::harness::catalogue::clause(cl);
                ClauseCoverage {
                    id: cl.clone(),
                    level: clause.as_ref().map(|c| c.level.label().to_string()),
                    text: clause.as_ref().map(|c| c.text.clone()),
                    seeds: clause.map(|c| c.seeds).unwrap_or_default(),
                    cases: vec![c.id.clone()],
                    verdict: c.verdict,
                }
            })
        })
        .collect();
    let cell = |kill: Kill| KillCell {
        verdict: match kill {
            Kill::Killed | Kill::WrongReason => Verdict::Fail,
            Kill::Survived => Verdict::Pass,
            Kill::Broken => Verdict::Error,
        },
        kill,
    };
    let kill_matrix = KillMatrix {
        faults: vec![
            FaultColumn {
                name: "no-id-echo".into(),
                description: "the back end does not echo the request id".into(),
                killed_by: vec!["login.address.honest".into()],
            },
            FaultColumn {
                name: "accept-any-signature".into(),
                description: format!("accepts any signature {HOSTILE}"),
                killed_by: vec![],
            },
            FaultColumn {
                name: "reject-high-s".into(),
                description: "rejects high-S signatures".into(),
                killed_by: vec!["login.signature.high-s".into()],
            },
        ],
        rows: vec![
            KillRow {
                case: "login.address.honest".into(),
                twin: None,
                claimed: vec!["no-id-echo".into()],
                cells: vec![
                    cell(Kill::Killed),
                    cell(Kill::Survived),
                    cell(Kill::Survived),
                ],
            },
            KillRow {
                case: "login.expired".into(),
                twin: Some("login.address.honest".into()),
                claimed: vec!["accept-any-signature".into()],
                cells: vec![
                    cell(Kill::WrongReason),
                    cell(Kill::Survived),
                    cell(Kill::Broken),
                ],
            },
            KillRow {
                case: "login.signature.high-s".into(),
                twin: None,
                // A catch the catalogue does not claim (`k`).
                claimed: vec![],
                cells: vec![
                    cell(Kill::Survived),
                    cell(Kill::Survived),
                    cell(Kill::Killed),
                ],
            },
        ],
        problems: vec![format!(
            "no case kills the fault `accept-any-signature` {HOSTILE}"
        )],
        review: vec!["login.display.review".into()],
    };
    Report {
        schema_version: SCHEMA_VERSION,
        generator: Generator {
            name: "qrconform".into(),
            version: "0.1.0".into(),
            vector_set: "sha256:vvvv".into(),
        },
        suite: SuiteInfo {
            id: "ontology-dapp".into(),
            title: "Ontology dAPI mobile: dApp back end".into(),
            protocol: "ontology-dapi-mobile".into(),
            role: "dapp".into(),
            catalogue: "sha256:cccc".into(),
        },
        target: TargetInfo {
            name: "reference-dapp".into(),
            version: "1.2.3".into(),
            protocol: "ontology-dapi-mobile".into(),
            role: "dapp".into(),
            faults: vec!["no-id-echo".into(), "reject-high-s".into()],
        },
        summary: Summary {
            planned: 9,
            ran: 9,
            pass: 2,
            fail: 2,
            warning: 1,
            skipped: 1,
            timeout: 1,
            error: 1,
            review: 1,
            expected_failures: 1,
            stale: 1,
            exit_code: 1,
            result: exit_code_words(1).into(),
            incomplete: Vec::new(),
            partial: false,
        },
        clauses,
        timing: Timing {
            total_ms: 61_005,
            cases: cases
                .iter()
                .map(|c| CaseTiming {
                    id: c.id.clone(),
                    ms: 0.0,
                })
                .collect(),
            fault_runs: kill_matrix
                .faults
                .iter()
                .map(|f| FaultTiming {
                    fault: f.name.clone(),
                    ms: 0,
                })
                .collect(),
        },
        cases,
        baseline: Some(BaselineReport {
            file: "baseline.toml".into(),
            entries: vec![
                EntryReport {
                    id: "login.account.honest".into(),
                    reason: "accounts were broken in 2.3".into(),
                    status: EntryStatus::Stale,
                },
                EntryReport {
                    id: "login.message.replay".into(),
                    reason: "replay protection ships in 2.4 (ticket 1182)".into(),
                    status: EntryStatus::FailingAsExpected,
                },
            ],
        }),
        kill_matrix: Some(kill_matrix),
    }
}
