//! `qrconform explain ID`: one case or one clause, told in full.
//!
//! For a case (`login.expired`, or `ontology-dapp:login.expired` for one suite's): in each
//! suite that has it, its title, level, action, what the harness plays, what the case
//! expects, its twin, its clauses with their full text and the seed passages they decide,
//! and the named faults that kill it. The kills are proven when the command runs: the case
//! and its twin are played against the clean reference and against the reference with each
//! fault planted, exactly as the self-test does (`harness::selftest::prove_cases`), so what
//! is printed is what the code does today, never a claim copied from the catalogue.
//!
//! For a clause (`ONT-L9`): its full text, level, duties, seed passages and the cases that
//! cite it in each suite. An unknown id exits 2 naming the nearest case and clause ids.

use clap::{Args, ValueEnum};
use serde_json::{json, Value};

use super::{print_json, runtime, CliError, CmdResult, Verdict};
use crate::escape::escape_controls;
use crate::harness::catalogue::{self, Case, Catalogue, Clause};
use crate::harness::kill_matrix::Kill;
use crate::harness::selftest::{prove_cases, CasesProof};
use crate::harness::suite::{self, SuiteKind};
use crate::transcript::{Exchange, Sender};

/// How the explanation is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
#[command(after_help = "A case id names the case in every suite that has it \
    (`login.expired` is in the Ontology dApp and wallet suites and both SimpleWallet ones); \
    `SUITE:CASE` (`ontology-dapp:login.expired`) names one. The faults that kill a case are \
    proven by running it and its twin against the reference, clean and with each named fault \
    (a few seconds per suite); `--no-proof` prints only what the catalogue claims.\n\n\
    Exit codes: 0 explained; 2 an unknown id (the nearest ids are named) or a proof that \
    could not run.")]
pub struct ExplainArgs {
    /// A case id (`login.expired`, `ontology-dapp:login.expired`) or a clause id (`ONT-L9`).
    pub id: String,
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Do not run the proof; print the faults the catalogue claims, marked as claims.
    #[arg(long)]
    pub no_proof: bool,
    /// How many proof runs go at once.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub jobs: usize,
}

pub fn run(args: ExplainArgs) -> CmdResult {
    if args.jobs == 0 {
        return Err(CliError::new("--jobs must be at least 1"));
    }
    let id = args.id.trim();
    if let Some(clause) = catalogue::clause(&id.to_ascii_uppercase()) {
        let value = clause_json(&clause);
        match args.format {
            ExplainFormat::Json => print_json(&value),
            ExplainFormat::Text => print!("{}", clause_text(&clause)),
        }
        return Ok(Verdict::Positive);
    }
    let (suite_filter, case_id) = match id.split_once(':') {
        Some((suite, case)) => (Some(suite), case),
        None => (None, id),
    };
    let found: Vec<(SuiteKind, Catalogue)> = suite::ALL
        .into_iter()
        .map(|kind| (kind, kind.embedded_catalogue()))
        .filter(|(_, c)| suite_filter.is_none_or(|s| c.suite.id == s))
        .filter(|(_, c)| c.case(case_id).is_some())
        .collect();
    if let Some(suite) = suite_filter {
        let suites: Vec<String> = catalogue::all().into_iter().map(|c| c.suite.id).collect();
        if !suites.iter().any(|s| s == suite) {
            return Err(CliError::new(format!(
                "`{}` is not a suite (suites: {})",
                escape_controls(suite),
                suites.join(", ")
            )));
        }
    }
    if found.is_empty() {
        return Err(CliError::new(format!(
            "`{}` is neither a case{} nor a clause id{}",
            escape_controls(id),
            suite_filter.map_or(String::new(), |s| format!(" of {}", escape_controls(s))),
            nearest_hint(case_id)
        )));
    }
    let mut explained = Vec::new();
    for (kind, catalogue) in &found {
        let proof = if args.no_proof {
            None
        } else {
            let rt = runtime()?;
            let proof = rt
                .block_on(prove_cases(*kind, &[case_id], args.jobs))
                .map_err(|e| {
                    CliError::new(format!(
                        "the proof of `{case_id}` in {} could not run: {e}",
                        catalogue.suite.id
                    ))
                })?;
            Some(proof)
        };
        let case = catalogue.case(case_id).expect("found above");
        explained.push(case_json(*kind, catalogue, case, proof.as_ref()));
    }
    match args.format {
        ExplainFormat::Json => {
            print_json(&json!({"kind": "case", "id": case_id, "suites": explained}))
        }
        ExplainFormat::Text => {
            for (i, value) in explained.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                print!("{}", case_text(value));
            }
        }
    }
    Ok(Verdict::Positive)
}

/// A clause with its full text, seeds, duties and the cases citing it in each suite.
fn clause_json(clause: &Clause) -> Value {
    let cited_by: Vec<Value> = catalogue::all()
        .iter()
        .filter(|c| c.suite.protocol == clause.protocol)
        .map(|c| {
            json!({
                "suite": c.suite.id,
                "cases": c.cases.iter()
                    .filter(|case| case.clauses.contains(&clause.id))
                    .map(|case| json!({"id": case.id, "level": case.level.label(), "title": case.title}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut value = serde_json::to_value(clause).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("kind".into(), json!("clause"));
        map.insert("cited_by".into(), json!(cited_by));
    }
    value
}

fn clause_text(clause: &Clause) -> String {
    let mut out = String::new();
    let implied = if clause.level_implied {
        " (a plain requirement: the profile makes it a MUST)"
    } else {
        ""
    };
    out.push_str(&format!(
        "{} ({}): {}{implied}\n\n",
        clause.id,
        clause.protocol,
        clause.level.label()
    ));
    out.push_str(&indent(&wrap(&clause.text, 88), "  "));
    out.push('\n');
    out.push_str(&format!(
        "  seeds     {}\n",
        if clause.seeds.is_empty() {
            "none: the profile's own decision".to_string()
        } else {
            clause.seeds.join("; ")
        }
    ));
    out.push_str(&format!(
        "  duties    {}\n",
        if clause.duties.is_empty() {
            format!(
                "none ({})",
                clause.note.as_deref().unwrap_or("no duty on a peer")
            )
        } else {
            clause.duties.join(", ")
        }
    ));
    for suite in catalogue::all()
        .iter()
        .filter(|c| c.suite.protocol == clause.protocol)
    {
        let cases: Vec<&Case> = suite
            .cases
            .iter()
            .filter(|c| c.clauses.contains(&clause.id))
            .collect();
        out.push_str(&format!(
            "  {} ({} case{})\n",
            suite.suite.id,
            cases.len(),
            if cases.len() == 1 { "" } else { "s" }
        ));
        let width = cases.iter().map(|c| c.id.len()).max().unwrap_or(0);
        for case in cases {
            out.push_str(&format!(
                "    {:<width$}  {:<6}  {}\n",
                case.id,
                case.level.label(),
                case.title
            ));
        }
    }
    out
}

/// The words a seed section about `action` is headed with (`001 §Message Signature` for
/// `signMessage`); empty for an action no seed describes apart.
fn section_words(action: &str) -> &'static [&'static str] {
    match action {
        "login" => &["login"],
        "signMessage" | "signMultiMessage" => &["signature"],
        "invoke" => &["invocation", "pre-executing"],
        "transaction" => &["call contract"],
        "sign" => &["sign"],
        _ => &[],
    }
}

/// Of the seed passages a case's clauses decide, those about the case's own action; all of
/// them when none is (a clause shared by every action, such as expiry, names each action's
/// section, and the case rests on its own).
fn seeds_for_action(seeds: Vec<String>, action: &str) -> Vec<String> {
    let words = section_words(action);
    let own: Vec<String> = seeds
        .iter()
        .filter(|seed| {
            let section = seed
                .split_once('§')
                .map_or("", |(_, s)| s)
                .to_ascii_lowercase();
            words.iter().any(|w| section.contains(w))
        })
        .cloned()
        .collect();
    if own.is_empty() {
        seeds
    } else {
        own
    }
}

/// One suite's case, with its proof when one ran.
fn case_json(
    kind: SuiteKind,
    catalogue: &Catalogue,
    case: &Case,
    proof: Option<&CasesProof>,
) -> Value {
    let clauses: Vec<Value> = case
        .clauses
        .iter()
        .map(|id| match catalogue::clause(id) {
            Some(c) => json!({
                "id": c.id, "level": c.level.label(), "level_implied": c.level_implied,
                "text": c.text, "seeds": c.seeds,
            }),
            None => json!({"id": id}),
        })
        .collect();
    let mut seeds: Vec<String> = Vec::new();
    for id in &case.clauses {
        for seed in catalogue::clause(id).map(|c| c.seeds).unwrap_or_default() {
            if !seeds.contains(&seed) {
                seeds.push(seed);
            }
        }
    }
    let seeds = seeds_for_action(seeds, &case.action);
    let descriptions = kind.faults();
    let describe = |name: &str| {
        descriptions
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, d)| d)
            .to_string()
    };
    let twin = case
        .twin
        .as_ref()
        .map(|t| json!({"id": t, "title": catalogue.case(t).map(|c| c.title.clone())}));
    let proof_value = proof.map(|p| proof_json(p, case, &describe));
    json!({
        "suite": catalogue.suite.id,
        "suite_title": catalogue.suite.title,
        "reference": kind.reference_name(),
        "case": super::list::case_json(case),
        "twin": twin,
        "clauses": clauses,
        "seeds": seeds,
        "claimed_faults": case.faults.iter().map(|f| json!({"name": f, "description": describe(f)})).collect::<Vec<_>>(),
        "proof": proof_value,
    })
}

/// `text` with the origins of the proof's ephemeral servers written as their placeholders
/// (`<dapp>`), longest first, as reports write them.
fn redact(text: &str, endpoints: &[(String, String)]) -> String {
    let mut pairs: Vec<&(String, String)> =
        endpoints.iter().filter(|(v, _)| !v.is_empty()).collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
    let mut text = text.to_string();
    for (value, placeholder) in pairs {
        text = text.replace(value.as_str(), placeholder);
    }
    text
}

fn proof_json(proof: &CasesProof, case: &Case, describe: &dyn Fn(&str) -> String) -> Value {
    let clean = proof.clean.iter().find(|o| o.id == case.id);
    // The servers' origins and the case's clock-derived values (`<expire>`), as in reports.
    let mut pairs = proof.endpoints.clone();
    pairs.extend(clean.map(|o| o.placeholders.clone()).unwrap_or_default());
    let r = |text: &str| redact(text, &pairs);
    let twin_clean = case
        .twin
        .as_ref()
        .and_then(|t| proof.clean.iter().find(|o| &o.id == t));
    let row = proof.matrix.rows.iter().find(|r| r.case == case.id);
    let cells = |kill: Kill| -> Vec<Value> {
        row.map(|row| {
            proof
                .matrix
                .faults
                .iter()
                .zip(&row.cells)
                .filter(|(_, cell)| cell.kill == kill)
                .map(|(fault, cell)| {
                    json!({
                        "fault": fault.name,
                        "description": describe(&fault.name),
                        "claimed": case.faults.contains(&fault.name),
                        "verdict": cell.verdict.label(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let killed = cells(Kill::Killed);
    let claimed_not_killed: Vec<&String> = case
        .faults
        .iter()
        .filter(|f| !killed.iter().any(|k| k["fault"] == f.as_str()))
        .collect();
    json!({
        "faults_run": proof.matrix.faults.len(),
        "clean": clean.map(|o| json!({
            "verdict": o.verdict.label(),
            "reason": r(&o.reason),
            "expected": r(&o.expected),
            "observed": r(&o.observed),
            "transcript": o.transcript.iter().map(|e| r(&exchange_line(e))).collect::<Vec<_>>(),
        })),
        "twin_clean": twin_clean.map(|o| o.verdict.label()),
        "killed": killed,
        "wrong_reason": cells(Kill::WrongReason),
        "broken": cells(Kill::Broken),
        "claimed_not_killed": claimed_not_killed,
    })
}

/// One exchange in a line: who asked, the method and URL, and how it ended.
fn exchange_line(exchange: &Exchange) -> String {
    let by = match exchange.by {
        Sender::Harness => "harness →",
        Sender::Peer => "peer →",
    };
    let label = crate::report::exchange_status(exchange);
    let end = match (exchange.status, &exchange.error, label) {
        (Some(status), _, Some(label)) => format!("HTTP {status}, {label}"),
        (Some(status), _, None) => format!("HTTP {status}"),
        (None, Some(error), _) => format!("no answer: {error}"),
        (None, None, Some(label)) => label,
        (None, None, None) => exchange
            .response
            .as_deref()
            .map_or("no answer", first_line)
            .to_string(),
    };
    escape_controls(&format!("{by} {} {}: {end}", exchange.method, exchange.url)).into_owned()
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn case_text(value: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let case = &value["case"];
    let mut out = String::new();
    out.push_str(&format!(
        "{} in {} ({})\n",
        s(&case["id"]),
        s(&value["suite"]),
        s(&value["suite_title"])
    ));
    out.push_str(&format!("  title     {}\n", s(&case["title"])));
    out.push_str(&format!("  level     {}\n", s(&case["level"])));
    let mut start = s(&case["action"]);
    if let Some(source) = case["source"].as_str() {
        start.push_str(&format!(" (the target's QR source `{source}`)"));
    }
    if let Some(form) = case["form"].as_str() {
        start.push_str(&format!(" (the QR text as {form})"));
    }
    out.push_str(&format!("  action    {start}\n"));
    let approve = if case["approve"] == json!(false) {
        " (the wallet's user refuses)"
    } else {
        ""
    };
    out.push_str(&format!("  plays     {}{approve}\n", s(&case["play"])));
    let mut expect = s(&case["expect"]);
    if let Some(code) = case["expect_error"].as_i64() {
        expect.push_str(&format!(
            " with error {code} ({})",
            s(&case["expect_error_level"])
        ));
    }
    if let Some(probe) = case["probe"].as_str() {
        expect.push_str(&format!("; the status probe says {probe}"));
    }
    out.push_str(&format!("  expects   {expect}\n"));
    match value["twin"].as_object() {
        Some(twin) => out.push_str(&format!(
            "  twin      {} ({})\n",
            twin["id"].as_str().unwrap_or(""),
            twin["title"].as_str().unwrap_or("")
        )),
        None => out.push_str("  twin      none: a positive case\n"),
    }
    out.push_str("  clauses\n");
    for clause in value["clauses"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "    {} ({})\n",
            s(&clause["id"]),
            s(&clause["level"])
        ));
        out.push_str(&indent(&wrap(&s(&clause["text"]), 84), "      "));
    }
    let seeds: Vec<String> = value["seeds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(s)
        .collect();
    out.push_str(&format!(
        "  seeds     {}\n",
        if seeds.is_empty() {
            "none: its clauses are the profile's own".to_string()
        } else {
            seeds.join("; ")
        }
    ));
    let proof = &value["proof"];
    if proof.is_null() {
        out.push_str("  faults    claimed by the catalogue, not proven in this run:\n");
        for fault in value["claimed_faults"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "    {}: {}\n",
                s(&fault["name"]),
                s(&fault["description"])
            ));
        }
        return out;
    }
    let clean = &proof["clean"];
    out.push_str(&format!(
        "  against the clean {}: {}{}\n",
        s(&value["reference"]),
        s(&clean["verdict"]),
        match clean["reason"].as_str() {
            Some(r) if !r.is_empty() => format!(" ({r})"),
            _ => String::new(),
        }
    ));
    for (label, key) in [("expected", "expected"), ("observed", "observed")] {
        let wrapped = indent(&wrap(&s(&clean[key]), 74), "              ");
        out.push_str(&format!("    {label:<8}  {}", wrapped.trim_start()));
    }
    out.push_str("    exchanges\n");
    for line in clean["transcript"].as_array().into_iter().flatten() {
        out.push_str(&format!("      {}\n", s(line)));
    }
    if let Some(twin) = proof["twin_clean"].as_str() {
        out.push_str(&format!(
            "    its twin against the clean reference: {twin}\n"
        ));
    }
    let killed = proof["killed"].as_array().cloned().unwrap_or_default();
    out.push_str(&format!(
        "  killed    {} of the {} faults of the reference (proven now: the case fails{})\n",
        killed.len(),
        proof["faults_run"],
        if value["twin"].is_null() {
            ""
        } else {
            " and its twin passes"
        }
    ));
    for fault in &killed {
        let claim = if fault["claimed"] == json!(true) {
            "K"
        } else {
            "k"
        };
        out.push_str(&format!(
            "    {claim} {} ({}): {}\n",
            s(&fault["fault"]),
            s(&fault["verdict"]),
            s(&fault["description"])
        ));
    }
    for fault in proof["wrong_reason"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "    w {} ({}, but its twin fails too): {}\n",
            s(&fault["fault"]),
            s(&fault["verdict"]),
            s(&fault["description"])
        ));
    }
    for fault in proof["broken"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "    ! {} ({}): could not be judged\n",
            s(&fault["fault"]),
            s(&fault["verdict"])
        ));
    }
    for fault in proof["claimed_not_killed"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "    claimed by the catalogue but NOT killed now: {}\n",
            s(fault)
        ));
    }
    out.push_str("    (K: a catch the catalogue claims; k: a catch it does not claim; w: fails for another reason)\n");
    out
}

/// `text` wrapped at `width` columns, one line per row, each ending in a newline.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn indent(text: &str, prefix: &str) -> String {
    text.lines().map(|l| format!("{prefix}{l}\n")).collect()
}

/// Edit distance between two short ids, case-insensitive.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_ascii_lowercase().chars().collect();
    let b: Vec<char> = b.to_ascii_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The case and clause ids nearest to `id`, at most five, nearest first.
pub fn nearest(id: &str) -> Vec<String> {
    // Ids are bounded (a long argument is cut before the comparison).
    let id: String = id.chars().take(80).collect();
    let mut candidates: Vec<String> = catalogue::clauses().into_iter().map(|c| c.id).collect();
    for catalogue in catalogue::all() {
        for case in catalogue.cases {
            if !candidates.contains(&case.id) {
                candidates.push(case.id);
            }
        }
    }
    let mut scored: Vec<(usize, String)> = candidates
        .into_iter()
        .map(|c| {
            // A candidate that contains the id (or the reverse) is near whatever its length.
            let contained = c.to_ascii_lowercase().contains(&id.to_ascii_lowercase())
                || id.to_ascii_lowercase().contains(&c.to_ascii_lowercase());
            let d = if contained && !id.is_empty() {
                c.len().abs_diff(id.len()).min(3)
            } else {
                distance(&id, &c)
            };
            (d, c)
        })
        .filter(|(d, c)| *d <= (c.len().max(id.len()) / 2).max(2))
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, c)| c).collect()
}

/// `; nearest: a, b` for an error message, or nothing when nothing is near.
pub fn nearest_hint(id: &str) -> String {
    let near = nearest(id);
    if near.is_empty() {
        String::from(" (`qrconform list` lists the cases)")
    } else {
        format!("; nearest: {}", near.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_ids_are_the_close_ones() {
        assert_eq!(distance("login.expird", "login.expired"), 1);
        let near = nearest("login.expird");
        assert_eq!(near.first().map(String::as_str), Some("login.expired"));
        assert!(nearest("ONT-L99").contains(&"ONT-L9".to_string()));
        assert!(nearest("zzzzzzzzzzzzzzzzzzzzzzz").is_empty());
    }

    #[test]
    fn every_clause_explains_with_its_text_and_citing_cases() {
        for clause in catalogue::clauses() {
            let text = clause_text(&clause);
            assert!(text.contains(&clause.id));
            let first_word = clause.text.split_whitespace().next().unwrap();
            assert!(text.contains(first_word), "{}", clause.id);
            let value = clause_json(&clause);
            assert_eq!(value["text"], json!(clause.text));
        }
        let l9 = clause_text(&catalogue::clause("ONT-L9").unwrap());
        assert!(
            l9.contains("ontology-dapp") && l9.contains("login.expired"),
            "{l9}"
        );
    }

    #[test]
    fn a_case_rests_on_the_seed_sections_of_its_own_action() {
        let seeds = vec![
            "003 §login (QR code data format)".to_string(),
            "003 §Call Contract".to_string(),
            "003 §sign (data format)".to_string(),
        ];
        assert_eq!(seeds_for_action(seeds.clone(), "login"), seeds[..1]);
        assert_eq!(seeds_for_action(seeds.clone(), "transaction"), seeds[1..2]);
        assert_eq!(seeds_for_action(seeds.clone(), "sign"), seeds[2..]);
        // No section of its own: every passage its clauses decide.
        assert_eq!(seeds_for_action(seeds.clone(), "transfer"), seeds);
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let text = "a b c d e f g h i j k l m n o p";
        assert_eq!(
            wrap(text, 5)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            text
        );
        assert!(wrap(text, 5).lines().all(|l| l.len() <= 5));
    }
}
