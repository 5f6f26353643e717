//! Reports, baselines and listings as a user gets them from the command line.
//!
//! - `--report-dir` writes every format, the JSON meets its own schema (checked by
//!   `qrconform schema validate --kind report`, as a user would), and two runs agree byte for
//!   byte outside `timing`;
//! - `--report FORMAT=PATH` writes one format, and bad specs exit 2;
//! - `--expected-failures`: an expected failure passes the run, a stale entry fails it, and an
//!   entry without a reason or naming no case is a configuration error;
//! - `qrconform list` shows the cases with their clauses, filters them by clause, action and
//!   level, its JSON carries every catalogue field, and every clause of the profile that puts
//!   a duty on a dApp or a wallet is checked by a case of that role's suite;
//! - `qrconform explain` tells a case (with the faults it is proven to kill, from runs made
//!   then) or a clause in full, and names the nearest ids for an unknown one.

mod common;

use std::path::Path;

use common::{qrconform, scratch_dir, text};
use serde_json::Value;

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).expect("the report is JSON")
}

fn without_timing(mut report: Value) -> String {
    report
        .as_object_mut()
        .expect("an object")
        .remove("timing")
        .expect("a timing section");
    serde_json::to_string_pretty(&report).unwrap()
}

#[test]
fn a_report_dir_gets_every_format_and_the_json_meets_its_schema_and_reproduces() {
    let dir = scratch_dir("report-dir");
    let first = dir.join("first");
    let second = dir.join("second");
    for out in [&first, &second] {
        let run = qrconform(&[
            "test",
            "wallet",
            "--target",
            "reference",
            "--report-dir",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    }
    for name in [
        "ontology-wallet.json",
        "ontology-wallet.junit.xml",
        "ontology-wallet.md",
        "ontology-wallet.html",
    ] {
        let meta = std::fs::metadata(first.join(name)).expect(name);
        assert!(meta.len() > 200, "{name} is nearly empty");
    }
    let json_path = first.join("ontology-wallet.json");
    let valid = qrconform(&[
        "schema",
        "validate",
        "--kind",
        "report",
        json_path.to_str().unwrap(),
    ]);
    assert_eq!(
        (valid.status.code(), text(&valid.stdout).trim().to_string()),
        (Some(0), "valid".to_string()),
        "{}",
        text(&valid.stdout)
    );
    let report = read_json(&json_path);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["summary"]["exit_code"], 0);
    assert_eq!(report["target"]["name"], "qrconform reference wallet");
    let case = &report["cases"][0];
    assert!(
        case["transcript"].as_array().is_some_and(|t| !t.is_empty()),
        "a case has its transcript: {case}"
    );
    // Ephemeral addresses and clock-derived values are written as placeholders.
    let body = report.to_string();
    assert!(body.contains("<wallet-driver>/scan"), "{body}");
    assert!(!body.contains("127.0.0.1"), "an ephemeral address leaked");
    // Two runs: byte for byte the same outside `timing`.
    assert_eq!(
        without_timing(report),
        without_timing(read_json(&second.join("ontology-wallet.json")))
    );
    let junit = std::fs::read_to_string(first.join("ontology-wallet.junit.xml")).unwrap();
    assert!(junit.contains("login.address.honest"), "{junit}");
    let html = std::fs::read_to_string(first.join("ontology-wallet.html")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..80.min(html.len())]
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn one_format_goes_to_one_file_and_a_bad_spec_exits_2() {
    let dir = scratch_dir("report-one");
    let junit = dir.join("out").join("junit.xml");
    let spec = format!("junit={}", junit.display());
    let run = qrconform(&[
        "test",
        "wallet",
        "--target",
        "reference",
        "login.",
        "--report",
        &spec,
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let xml = std::fs::read_to_string(&junit).expect("the JUnit file");
    assert!(xml.contains("<testsuite"), "{xml}");
    for bad in ["pdf=x.pdf", "json", "json="] {
        let run = qrconform(&["test", "wallet", "--target", "reference", "--report", bad]);
        assert_eq!(run.status.code(), Some(2), "--report {bad}");
        assert!(
            text(&run.stderr).contains("--report"),
            "{}",
            text(&run.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_baseline_excuses_its_failures_and_fails_the_run_when_an_entry_is_stale() {
    let dir = scratch_dir("baseline");
    let baseline = dir.join("baseline.toml");
    // The replay fault fails login.message.replay (and its concurrent and after-restart
    // forms), sign.text.replay and multi.message.replay: all accepted.
    std::fs::write(
        &baseline,
        "\"login.message.replay\" = \"replay protection ships in 2.4\"\n\
         \"sign.text.replay\" = \"replay protection ships in 2.4\"\n\
         \"multi.message.replay\" = \"replay protection ships in 2.4\"\n\
         \"login.message.replay.concurrent\" = \"replay protection ships in 2.4\"\n\
         \"login.message.replay.after-restart\" = \"replay protection ships in 2.4\"\n",
    )
    .unwrap();
    let path = baseline.to_str().unwrap();
    let report = dir.join("r.json");
    let spec = format!("json={}", report.display());
    let run = qrconform(&[
        "test",
        "dapp",
        "--target",
        "reference",
        "--fault",
        "accept-replay",
        "replay",
        "--expected-failures",
        path,
        "--report",
        &spec,
    ]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("expected failure: login.message.replay (replay protection ships in 2.4"),
        "{stderr}"
    );
    let json = read_json(&report);
    assert_eq!(json["summary"]["expected_failures"], 5);
    assert_eq!(
        json["cases"][0]["expected_failure"],
        "replay protection ships in 2.4"
    );

    // Against the clean reference the same entries are stale: the run fails.
    let run = qrconform(&[
        "test",
        "dapp",
        "--target",
        "reference",
        "replay",
        "--expected-failures",
        path,
        "--report",
        &spec,
    ]);
    let stderr = text(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("stale baseline entry: login.message.replay passes now; remove it"),
        "{stderr}"
    );
    let json = read_json(&report);
    assert_eq!(json["summary"]["stale"], 5);
    assert_eq!(json["baseline"]["entries"][0]["status"], "stale");

    for (content, expected) in [
        ("\"login.message.replay\" = \"\"", "empty reason"),
        ("\"no.such.case\" = \"why\"", "not a case of the suite"),
        ("\"login.message.replay\" = 1", "must map to a reason"),
    ] {
        std::fs::write(&baseline, content).unwrap();
        let run = qrconform(&[
            "test",
            "dapp",
            "--target",
            "reference",
            "--expected-failures",
            path,
        ]);
        assert_eq!(run.status.code(), Some(2), "{content}");
        assert!(
            text(&run.stderr).contains(expected),
            "{}",
            text(&run.stderr)
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn list_shows_cases_with_clauses_and_filters_by_protocol_and_role() {
    let all = qrconform(&["list"]);
    assert_eq!(all.status.code(), Some(0));
    let out = text(&all.stdout);
    assert!(out.contains("ontology-dapp ("), "{out}");
    assert!(out.contains("ontology-wallet ("), "{out}");
    assert!(out.contains("login.message.replay"), "{out}");
    assert!(out.contains("ONT-L8"), "{out}");
    let wallet = text(&qrconform(&["list", "--role", "wallet"]).stdout);
    assert!(wallet.contains("ontology-wallet (") && !wallet.contains("ontology-dapp ("));
    let bad = qrconform(&["list", "--role", "node"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn every_duty_the_profile_puts_on_a_peer_is_checked_by_a_case_of_its_role() {
    let run = qrconform(&["list", "--format", "json"]);
    assert_eq!(run.status.code(), Some(0));
    let listing: Value = serde_json::from_slice(&run.stdout).expect("JSON");
    let suites = listing["suites"].as_array().expect("suites");
    let role_of = |suite: &str| {
        suites
            .iter()
            .find(|s| s["id"] == suite)
            .map(|s| s["role"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    let protocols: Vec<&str> = suites
        .iter()
        .filter_map(|s| s["protocol"].as_str())
        .collect();
    let clauses = listing["clauses"].as_array().expect("clauses");
    let mut duties = 0;
    let mut uncovered = Vec::new();
    for clause in clauses {
        let protocol = clause["protocol"].as_str().unwrap_or("");
        assert!(protocols.contains(&protocol), "{clause}");
        let checked_by: Vec<&str> = clause["checked_by"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for duty in clause["duties"].as_array().unwrap() {
            let duty = duty.as_str().unwrap();
            // Every duty binds a suite of its protocol and role, and some case of that suite
            // checks it.
            duties += 1;
            assert!(
                suites
                    .iter()
                    .any(|s| s["protocol"] == protocol && s["role"] == duty),
                "no {protocol} suite for the {duty} duty of {}",
                clause["id"]
            );
            let covered = checked_by
                .iter()
                .any(|c| role_of(c.split(':').next().unwrap_or("")) == duty);
            if !covered {
                uncovered.push(format!("{} ({duty})", clause["id"]));
            }
        }
    }
    // The Ontology profile alone puts 43 duties on dApps and wallets.
    assert!(duties >= 43, "only {duties} duties listed");
    assert!(uncovered.is_empty(), "no case checks: {uncovered:?}");
}

#[test]
fn list_filters_by_clause_action_and_level_and_its_json_carries_every_field() {
    let run = qrconform(&[
        "list",
        "--protocol",
        "ontology",
        "--role",
        "dapp",
        "--clause",
        "ONT-L9",
        "--format",
        "json",
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let listing: Value = serde_json::from_slice(&run.stdout).expect("JSON");
    let cases = listing["suites"][0]["cases"].as_array().expect("cases");
    assert!(cases.iter().any(|c| c["id"] == "login.expired"));
    for case in cases {
        assert!(case["clauses"]
            .as_array()
            .unwrap()
            .contains(&"ONT-L9".into()));
        // Every catalogue field, not a cut summary.
        for field in [
            "title", "action", "source", "level", "play", "expect", "twin", "faults",
        ] {
            assert!(case.get(field).is_some(), "{field} missing in {case}");
        }
    }
    let clause = listing["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ONT-L9")
        .expect("ONT-L9");
    assert!(clause["text"]
        .as_str()
        .unwrap()
        .contains("dApps MUST reject"));

    let should = text(&qrconform(&["list", "--level", "should", "--action", "login"]).stdout);
    assert!(
        should.contains("login.signature.low-s") || should.contains("SHOULD"),
        "{should}"
    );
    assert!(!should.contains(" MUST "), "{should}");
    assert!(!should.contains("invoke."), "{should}");

    // A level as the listing prints it, and the display duties a person reviews.
    let review = text(&qrconform(&["list", "--level", "REVIEW"]).stdout);
    assert!(review.contains("review.login"), "{review}");
    assert!(!review.contains(" MUST "), "{review}");
    assert!(!review.contains(" SHOULD "), "{review}");

    let unknown = qrconform(&["list", "--clause", "ONT-L99"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("ONT-L9"),
        "{}",
        text(&unknown.stderr)
    );
    let none = qrconform(&["list", "--clause", "ONT-T3"]);
    assert_eq!(none.status.code(), Some(2), "no case cites a MAY clause");
    let action = qrconform(&["list", "--action", "teleport"]);
    assert_eq!(action.status.code(), Some(2));
}

#[test]
fn explain_tells_a_case_with_its_proven_kills_and_a_clause_with_its_cases() {
    let run = qrconform(&["explain", "ontology-dapp:login.expired", "--format", "json"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let explained: Value = serde_json::from_slice(&run.stdout).expect("JSON");
    let suite = &explained["suites"][0];
    assert_eq!(suite["suite"], "ontology-dapp");
    assert_eq!(suite["twin"]["id"], "login.address.honest");
    assert!(suite["clauses"][0]["text"]
        .as_str()
        .unwrap()
        .contains("dApps MUST reject a login whose QR has expired"));
    let proof = &suite["proof"];
    assert_eq!(proof["clean"]["verdict"], "PASS");
    assert_eq!(proof["twin_clean"], "PASS");
    // The claimed fault is killed in the run the command made, for the case's own reason.
    let killed: Vec<&str> = proof["killed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["fault"].as_str())
        .collect();
    assert!(killed.contains(&"accept-expired"), "{killed:?}");
    assert!(proof["claimed_not_killed"].as_array().unwrap().is_empty());

    let all = text(&qrconform(&["explain", "login.expired", "--no-proof"]).stdout);
    for suite in [
        "ontology-dapp",
        "ontology-wallet",
        "simplewallet-dapp",
        "simplewallet-wallet",
    ] {
        assert!(all.contains(&format!("login.expired in {suite}")), "{all}");
    }
    assert!(all.contains("not proven in this run"), "{all}");

    let clause = qrconform(&["explain", "ONT-L9"]);
    assert_eq!(clause.status.code(), Some(0));
    let clause = text(&clause.stdout);
    assert!(
        clause.contains("dApps") && clause.contains("login.expired"),
        "{clause}"
    );

    let unknown = qrconform(&["explain", "login.expird"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains("nearest: login.expired"),
        "{}",
        text(&unknown.stderr)
    );
}
