//! The report model of a run and the writers that turn it into files: JSON (held to its own
//! schema, `schemas/report/report.json`), JUnit XML, Markdown and a self-contained HTML page.
//!
//! A [`Report`] is built once from what a run produced (the outcomes of its cases with their
//! transcripts, the baseline applied to them, and for the self-test the kill matrix), and
//! every writer reads only the report. Everything in a report outside its `timing` section is
//! a function of the catalogue, the target and what the peer did: two runs of the same suite
//! against the same reference give byte-identical JSON once `timing` is set aside. Values the
//! harness knows vary from run to run (the ephemeral addresses of in-process servers, the
//! clock-derived `expire` of a QR code) are written as named placeholders (`<dapp>`,
//! `<expire>`) by [`Report::redact`].
//!
//! - the baseline model ([`crate::harness::baseline`]) is the run's; the report carries what it concluded;
//! - [`junit`], [`markdown`], [`html`]: the writers besides JSON;
//! - [`Format`] and [`write`]: choosing writers from the command line.

#[cfg(test)]
mod fixture;
pub mod html;
pub mod junit;
pub mod markdown;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::harness::baseline;
use crate::harness::catalogue::{Catalogue, Level};
pub use crate::harness::kill_matrix::{FaultColumn, Kill, KillCell, KillMatrix, KillRow};
use crate::harness::selftest::SuiteProof;
use crate::harness::suite::SuiteKind;
use crate::harness::{CaseOutcome, Verdict};
use crate::transcript::Exchange;

/// The version of the report model. Raised on any change a reader could notice.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole report of one suite's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub generator: Generator,
    pub suite: SuiteInfo,
    pub target: TargetInfo,
    pub summary: Summary,
    /// Every clause the suite's cases name, with the cases that check it.
    pub clauses: Vec<ClauseCoverage>,
    pub cases: Vec<CaseReport>,
    /// The baseline the run was judged with, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub baseline: Option<baseline::BaselineReport>,
    /// For a self-test: every case against every named fault.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub kill_matrix: Option<KillMatrix>,
    /// Durations: the one section that differs between two runs of the same thing.
    pub timing: Timing,
}

/// What wrote the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generator {
    pub name: String,
    pub version: String,
    /// `sha256:` of the golden vector set this build checks itself against.
    pub vector_set: String,
}

/// The suite that ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuiteInfo {
    pub id: String,
    pub title: String,
    pub protocol: String,
    pub role: String,
    /// `sha256:` of the catalogue text, as embedded.
    pub catalogue: String,
}

/// What the suite ran against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetInfo {
    pub name: String,
    pub version: String,
    pub protocol: String,
    /// The role of the implementation under test: `dapp` or `wallet`.
    pub role: String,
    /// Faults planted in a reference implementation (empty for a real target).
    #[serde(default)]
    pub faults: Vec<String>,
}

impl TargetInfo {
    /// The built-in reference of `kind` with `faults` planted, as reports name it.
    pub fn reference(kind: SuiteKind, faults: Vec<String>) -> Self {
        TargetInfo {
            name: format!("qrconform {}", kind.reference_name()),
            version: env!("CARGO_PKG_VERSION").into(),
            protocol: kind.protocol().into(),
            role: kind.role().name().into(),
            faults,
        }
    }
}

/// The counts and the exit code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Cases selected to run.
    pub planned: usize,
    /// Cases that reached a verdict.
    pub ran: usize,
    pub pass: usize,
    pub fail: usize,
    pub warning: usize,
    pub skipped: usize,
    pub timeout: usize,
    pub error: usize,
    /// Cases a person reviewed (REVIEW): neither passed nor failed, they never change the
    /// exit code. Absent when none.
    #[serde(skip_serializing_if = "is_zero", default)]
    pub review: usize,
    /// FAIL, TIMEOUT or WARNING verdicts the baseline expected.
    pub expected_failures: usize,
    /// Baseline entries whose case now passes.
    pub stale: usize,
    /// The process exit code the run maps to (0, 1, 2 or 3).
    pub exit_code: u8,
    /// The exit code in words.
    pub result: String,
    /// Why the run is incomplete (H-1): a skipped MUST case, a negative case whose twin did
    /// not pass, a stop. Absent when the run is complete.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub incomplete: Vec<String>,
    /// The run was stopped before its end (a signal, its deadline): the report holds what
    /// ran so far.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub partial: bool,
}

/// One clause and the cases that check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseCoverage {
    pub id: String,
    /// The clause's level (`MUST`, `SHOULD`, `MAY`), from the clause index.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub level: Option<String>,
    /// The clause's full text, as the profile words it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub text: Option<String>,
    /// The seed passages the clause decides.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub seeds: Vec<String>,
    pub cases: Vec<String>,
    /// The worst verdict among those cases (PASS when all passed).
    pub verdict: Verdict,
}

/// One case's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseReport {
    pub id: String,
    pub title: String,
    pub clauses: Vec<String>,
    pub level: Level,
    pub verdict: Verdict,
    /// Why, in words; empty only for a clean PASS.
    pub reason: String,
    /// What the case requires of the peer.
    pub expected: String,
    /// What the peer did.
    pub observed: String,
    /// The baseline's reason when the baseline expects this case to fail.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected_failure: Option<String>,
    /// The positive case this negative case differs from only in the property under test.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub twin: Option<String>,
    /// Every HTTP exchange of the case, bodies capped.
    pub transcript: Vec<Exchange>,
}

impl Report {
    /// The clause's entry in the coverage, with its text.
    pub fn clause(&self, id: &str) -> Option<&ClauseCoverage> {
        self.clauses.iter().find(|c| c.id == id)
    }

    /// Why a case exists, in a sentence or two: the clauses it checks with their levels, the
    /// seed passages they decide, and for a negative case the twin it is measured against.
    pub fn case_why(&self, case: &CaseReport) -> String {
        let clauses: Vec<String> = case
            .clauses
            .iter()
            .map(
                |id| match self.clause(id).and_then(|c| c.level.as_deref()) {
                    Some(level) => format!("{id} ({level})"),
                    None => id.clone(),
                },
            )
            .collect();
        let mut seeds: Vec<&str> = Vec::new();
        for id in &case.clauses {
            for seed in self
                .clause(id)
                .map(|c| c.seeds.as_slice())
                .unwrap_or_default()
            {
                if !seeds.contains(&seed.as_str()) {
                    seeds.push(seed);
                }
            }
        }
        let mut why = format!(
            "A {} case: it checks {}",
            case.level.label(),
            clauses.join(", ")
        );
        if seeds.is_empty() {
            why.push_str(", the profile's own decisions.");
        } else {
            why.push_str(&format!(", which decide the seeds' {}.", seeds.join("; ")));
        }
        if let Some(twin) = &case.twin {
            why.push_str(&format!(
                " A negative case: its twin {twin} differs only in the property under test, \
                 so this case counts only when the twin passes (H-2)."
            ));
        }
        why
    }
}

/// A kill-matrix cell as one character: `K` a catch the catalogue claims, `k` a catch it does
/// not claim, and otherwise [`Kill::mark`] (`w` a failure whose twin failed too, `.`, `!`).
pub fn kill_mark(kill: Kill, claimed: bool) -> char {
    match kill {
        Kill::Killed if !claimed => 'k',
        other => other.mark(),
    }
}

/// Whether a verdict puts a case in the "needs attention" list a report opens with: what a
/// reader must act on before anything else. Exhaustive, so a new verdict takes a side.
pub fn needs_attention(verdict: Verdict) -> bool {
    match verdict {
        // A REVIEW is a person's answers on what the wallet showed: a reader reads them.
        Verdict::Fail | Verdict::Timeout | Verdict::Error | Verdict::Review => true,
        Verdict::Pass | Verdict::Warning | Verdict::Skipped => false,
    }
}

/// What ended an exchange that has no HTTP status of its own, or says more than its status,
/// in words: the mock node's answer (`node: accepted`, `node: refused (error 45016)`), a
/// request the harness's servers received, a wallet driver's scan reply. `None` for a plain
/// HTTP exchange, whose status says it all.
///
/// It reads the transcript's conventions: the harness writes a node's answer as `node
/// answered error 0 …`, `node error <code> …` or `served` (`harness::node_exchange` and the
/// plug-ins' own), a request one of its servers received with no status or answer, and a
/// driver's `/scan` reply as the JSON `{"outcome": …}` of the driver protocol.
pub fn exchange_status(exchange: &Exchange) -> Option<String> {
    use crate::transcript::Sender;
    if exchange.error.is_some() {
        // The error says what ended it.
        return None;
    }
    let response = exchange.response.as_deref();
    if exchange.by == Sender::Peer {
        if let Some(response) = response {
            if response.starts_with("node answered error 0") || response == "served" {
                return Some("node: accepted".into());
            }
            if let Some(rest) = response.strip_prefix("node error ") {
                let code: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                return Some(if code == "0" {
                    "node: accepted".into()
                } else {
                    format!("node: refused (error {code})")
                });
            }
        }
        if exchange.status.is_none() && response.is_none() {
            return Some("received by the harness".into());
        }
        return None;
    }
    if exchange.url.ends_with("/scan") {
        let outcome = response
            .and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok())
            .and_then(|v| {
                v.get("outcome")
                    .and_then(|o| o.as_str())
                    .map(str::to_string)
            });
        if let Some(outcome) = outcome {
            return Some(format!(
                "driver: scan reply ({})",
                crate::escape::escape_controls(&outcome.chars().take(40).collect::<String>())
            ));
        }
    }
    None
}

/// The largest pretty-printed body a report writes; a longer one is shown as sent.
pub const MAX_PRETTY_BODY: usize = 16 * 1024;

/// A body pretty-printed when it is a whole JSON object or array (bodies cut at the
/// transcript's cap are not, and stay as sent), bounded by [`MAX_PRETTY_BODY`]. Strings in it
/// keep JSON's escapes, so control characters stay visible as `\u…`.
pub fn pretty_body(body: &str) -> Option<String> {
    let trimmed = body.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let pretty = serde_json::to_string_pretty(&value).ok()?;
    (pretty.len() <= MAX_PRETTY_BODY && pretty != body).then_some(pretty)
}

/// Durations, in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Timing {
    pub total_ms: u64,
    /// One entry per case of the run, in case order.
    pub cases: Vec<CaseTiming>,
    /// For a self-test: one entry per fault run.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub fault_runs: Vec<FaultTiming>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseTiming {
    pub id: String,
    /// Milliseconds, to the microsecond: a case against an in-process reference can take
    /// well under one.
    pub ms: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultTiming {
    pub fault: String,
    pub ms: u64,
}

/// `sha256:<hex>` of some bytes.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The hash of the generated golden vector set: every recipe's path and rendered file, in
/// recipe order. Computed once per process.
pub fn vector_set_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let mut hasher = Sha256::new();
        for recipe in crate::vectors::recipes::all() {
            hasher.update(recipe.path.as_bytes());
            hasher.update([0]);
            hasher.update(crate::vectors::render(&(recipe.build)()).as_bytes());
            hasher.update([0]);
        }
        format!("sha256:{}", hex::encode(hasher.finalize()))
    })
}

/// The exit code in words (see `harness::run`).
pub fn exit_code_words(code: u8) -> &'static str {
    match code {
        0 => "conformant: every selected MUST case ran and passed",
        1 => "not conformant: a case failed or timed out, or a baseline entry is stale",
        2 => "not judged: a harness or configuration error",
        _ => "incomplete: nothing ran, a MUST case was skipped, a negative case's twin did not pass, or the run was stopped",
    }
}

/// The exit code as one word, for result lines and badges.
pub fn exit_code_word(code: u8) -> &'static str {
    match code {
        0 => "CONFORMANT",
        1 => "NOT CONFORMANT",
        2 => "NOT JUDGED",
        _ => "INCOMPLETE",
    }
}

/// Milliseconds as seconds, to the millisecond.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

/// What a report is built from.
pub struct RunFacts<'a> {
    pub catalogue: &'a Catalogue,
    /// The catalogue's text as embedded, for its hash.
    pub catalogue_text: &'a str,
    pub target: TargetInfo,
    pub planned: usize,
    pub outcomes: &'a [CaseOutcome],
    pub baseline: Option<baseline::BaselineReport>,
    pub exit_code: u8,
    pub total_ms: u64,
    /// Why the run is incomplete (empty when it is complete).
    pub incomplete: Vec<String>,
    /// Whether the run was stopped before its end.
    pub partial: bool,
}

impl Report {
    /// A suite's self-test report: the clean run with its transcripts, and the kill matrix.
    pub fn of_proof(proof: &SuiteProof) -> Report {
        let mut report = Report::build(RunFacts {
            catalogue: &proof.catalogue,
            catalogue_text: proof.kind.catalogue_text(),
            target: TargetInfo::reference(proof.kind, Vec::new()),
            planned: proof.catalogue.cases.len(),
            outcomes: &proof.clean,
            baseline: None,
            exit_code: u8::from(!proof.proven()),
            total_ms: proof.elapsed.as_millis() as u64,
            incomplete: Vec::new(),
            partial: false,
        });
        report.redact(&proof.endpoints);
        report.kill_matrix = Some(proof.matrix.clone());
        report.timing.fault_runs = proof
            .fault_runs
            .iter()
            .map(|r| FaultTiming {
                fault: r.fault.clone(),
                ms: r.elapsed.as_millis() as u64,
            })
            .collect();
        report
    }

    /// Builds the report of a run.
    pub fn build(facts: RunFacts<'_>) -> Report {
        let count = |v: Verdict| facts.outcomes.iter().filter(|o| o.verdict == v).count();
        let expected: BTreeMap<&str, &str> = facts
            .baseline
            .iter()
            .flat_map(|b| b.entries.iter())
            .filter(|e| e.status == baseline::EntryStatus::FailingAsExpected)
            .map(|e| (e.id.as_str(), e.reason.as_str()))
            .collect();
        let cases: Vec<CaseReport> = facts
            .outcomes
            .iter()
            .map(|o| {
                let mut case = CaseReport {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    clauses: o.clauses.clone(),
                    level: o.level,
                    verdict: o.verdict,
                    reason: o.reason.clone(),
                    expected: o.expected.clone(),
                    observed: o.observed.clone(),
                    expected_failure: expected.get(o.id.as_str()).map(|r| r.to_string()),
                    twin: facts.catalogue.case(&o.id).and_then(|c| c.twin.clone()),
                    transcript: o.transcript.clone(),
                };
                case.redact(&o.placeholders);
                case
            })
            .collect();
        let mut coverage: BTreeMap<String, (Vec<String>, Verdict)> = BTreeMap::new();
        for case in &cases {
            for clause in &case.clauses {
                let entry = coverage
                    .entry(clause.clone())
                    .or_insert_with(|| (Vec::new(), Verdict::Pass));
                entry.0.push(case.id.clone());
                entry.1 = worse(entry.1, case.verdict);
            }
        }
        let index = crate::harness::catalogue::clauses();
        let mut clauses: Vec<ClauseCoverage> = coverage
            .into_iter()
            .map(|(id, (cases, verdict))| {
                let clause = index.iter().find(|c| c.id == id);
                ClauseCoverage {
                    level: clause.map(|c| c.level.label().to_string()),
                    text: clause.map(|c| c.text.clone()),
                    seeds: clause.map(|c| c.seeds.clone()).unwrap_or_default(),
                    id,
                    cases,
                    verdict,
                }
            })
            .collect();
        clauses.sort_by_key(|c| clause_order(&c.id));
        let stale = facts.baseline.as_ref().map_or(0, |b| {
            b.entries
                .iter()
                .filter(|e| e.status == baseline::EntryStatus::Stale)
                .count()
        });
        Report {
            schema_version: SCHEMA_VERSION,
            generator: Generator {
                name: "qrconform".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                vector_set: vector_set_hash().to_string(),
            },
            suite: SuiteInfo {
                id: facts.catalogue.suite.id.clone(),
                title: facts.catalogue.suite.title.clone(),
                protocol: facts.catalogue.suite.protocol.clone(),
                role: facts.catalogue.suite.role.clone(),
                catalogue: content_hash(facts.catalogue_text.as_bytes()),
            },
            target: facts.target,
            summary: Summary {
                planned: facts.planned,
                ran: facts.outcomes.len(),
                pass: count(Verdict::Pass),
                fail: count(Verdict::Fail),
                warning: count(Verdict::Warning),
                skipped: count(Verdict::Skipped),
                timeout: count(Verdict::Timeout),
                error: count(Verdict::Error),
                review: count(Verdict::Review),
                expected_failures: expected.len(),
                stale,
                exit_code: facts.exit_code,
                result: exit_code_words(facts.exit_code).into(),
                incomplete: facts.incomplete,
                partial: facts.partial,
            },
            clauses,
            cases,
            baseline: facts.baseline,
            kill_matrix: None,
            timing: Timing {
                total_ms: facts.total_ms,
                cases: facts
                    .outcomes
                    .iter()
                    .map(|o| CaseTiming {
                        id: o.id.clone(),
                        ms: o.duration.as_micros() as f64 / 1000.0,
                    })
                    .collect(),
                fault_runs: Vec::new(),
            },
        }
    }

    /// Replaces, everywhere in the transcripts, reasons and observations, each `(value,
    /// placeholder)` pair's value by its placeholder: the addresses of servers on ephemeral
    /// ports, so that a report says the same thing run after run.
    pub fn redact(&mut self, pairs: &[(String, String)]) {
        for case in &mut self.cases {
            case.redact(pairs);
        }
    }

    /// The report as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("reports serialize");
        text.push('\n');
        text
    }

    /// Checks the report against its own schema; a violation is a harness bug.
    pub fn check_schema(&self) -> Result<(), String> {
        let value = serde_json::to_value(self).map_err(|e| e.to_string())?;
        let violations = crate::schema::validate("report", &value).map_err(|e| e.to_string())?;
        match violations.first() {
            None => Ok(()),
            Some(v) => Err(format!(
                "the report breaks its schema at {}: {}",
                v.instance_path, v.message
            )),
        }
    }
}

impl CaseReport {
    /// Writes each `(value, placeholder)` pair's placeholder for its value in the case's
    /// reason, observation and transcript. Longer values go first, so an origin is never cut
    /// by a shorter value it contains.
    fn redact(&mut self, pairs: &[(String, String)]) {
        let mut pairs: Vec<&(String, String)> =
            pairs.iter().filter(|(v, _)| !v.is_empty()).collect();
        if pairs.is_empty() {
            return;
        }
        pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        let apply = |text: &mut String| {
            for (value, placeholder) in &pairs {
                if text.contains(value.as_str()) {
                    *text = replace_whole(text, value, placeholder);
                }
            }
        };
        apply(&mut self.reason);
        apply(&mut self.observed);
        for exchange in &mut self.transcript {
            apply(&mut exchange.url);
            for text in [
                &mut exchange.request,
                &mut exchange.response,
                &mut exchange.error,
            ]
            .into_iter()
            .flatten()
            {
                apply(text);
            }
        }
    }
}

/// Replaces `value` in `text` where it is not part of a longer word: a number inside a hex
/// string or an address inside a longer one is left alone.
fn replace_whole(text: &str, value: &str, placeholder: &str) -> String {
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    let value_starts_word = value
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let value_ends_word = value
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(value) {
        let before = rest[..at].chars().last();
        let after = rest[at + value.len()..].chars().next();
        let joined = (value_starts_word && is_word(before)) || (value_ends_word && is_word(after));
        out.push_str(&rest[..at]);
        out.push_str(if joined { value } else { placeholder });
        rest = &rest[at + value.len()..];
    }
    out.push_str(rest);
    out
}

/// Which of two verdicts a clause reports: the worse one.
fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn worse(a: Verdict, b: Verdict) -> Verdict {
    let rank = |v: Verdict| match v {
        Verdict::Pass => 0,
        Verdict::Review => 1,
        Verdict::Skipped => 2,
        Verdict::Warning => 3,
        Verdict::Timeout => 4,
        Verdict::Fail => 5,
        Verdict::Error => 6,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// Sorts clause ids as the profile lists them: family, section (transport, login, transfer,
/// signing, invocation, node), then number.
pub fn clause_order(id: &str) -> (String, usize, String, u32) {
    const SECTIONS: &str = "TLXSIN";
    let (family, rest) = id.split_once('-').unwrap_or((id, ""));
    let letters: String = rest.chars().take_while(|c| !c.is_ascii_digit()).collect();
    let section = match letters.chars().next() {
        Some(c) if letters.len() == 1 => SECTIONS.find(c).unwrap_or(SECTIONS.len()),
        _ => SECTIONS.len(),
    };
    let number = rest[letters.len()..].parse().unwrap_or(0);
    (family.to_string(), section, letters, number)
}

/// A report file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Json,
    Junit,
    Markdown,
    Html,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Json, Format::Junit, Format::Markdown, Format::Html];

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// The file extension `--report-dir` uses.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Junit => "junit.xml",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "junit" | "xml" => Some(Format::Junit),
            "markdown" | "md" => Some(Format::Markdown),
            "html" => Some(Format::Html),
            _ => None,
        }
    }

    /// The report in this format.
    pub fn render(self, report: &Report) -> String {
        match self {
            Format::Json => report.to_json(),
            Format::Junit => junit::render(report),
            Format::Markdown => markdown::render(report),
            Format::Html => html::render(report),
        }
    }
}

/// Where reports go: `--report-dir DIR` (every format) and `--report FORMAT=PATH`.
#[derive(Debug, Clone, Default)]
pub struct Destinations {
    pub dir: Option<PathBuf>,
    pub files: Vec<(Format, PathBuf)>,
}

impl Destinations {
    /// Parses the `--report` values (`FORMAT=PATH`).
    pub fn new(dir: Option<PathBuf>, specs: &[String]) -> Result<Self, String> {
        let mut files = Vec::new();
        for spec in specs {
            let Some((format, path)) = spec.split_once('=') else {
                return Err(format!(
                    "--report `{spec}` is not FORMAT=PATH (formats: json, junit, markdown, html)"
                ));
            };
            let format = Format::from_name(format).ok_or_else(|| {
                format!(
                    "--report `{spec}`: `{format}` is not a format (json, junit, markdown, html)"
                )
            })?;
            if path.is_empty() {
                return Err(format!("--report `{spec}` names no file"));
            }
            files.push((format, PathBuf::from(path)));
        }
        Ok(Destinations { dir, files })
    }

    pub fn is_empty(&self) -> bool {
        self.dir.is_none() && self.files.is_empty()
    }

    /// Writes `report` to every destination; in the directory, as `<stem>.<extension>`.
    /// Returns the paths written.
    pub fn write(&self, report: &Report, stem: &str) -> Result<Vec<PathBuf>, String> {
        report.check_schema()?;
        let mut written = Vec::new();
        if let Some(dir) = &self.dir {
            std::fs::create_dir_all(dir).map_err(|e| {
                format!("cannot create the report directory {}: {e}", dir.display())
            })?;
            for format in Format::ALL {
                let path = dir.join(format!("{stem}.{}", format.extension()));
                write_file(&path, &format.render(report))?;
                written.push(path);
            }
        }
        for (format, path) in &self.files {
            write_file(path, &format.render(report))?;
            written.push(path.clone());
        }
        Ok(written)
    }
}

/// Writes a file whole: to a temporary name beside it, then renamed, so a reader never sees
/// half a report.
fn write_file(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| format!("cannot write the report {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_replaces_whole_values_only() {
        assert_eq!(
            replace_whole(
                "http://127.0.0.1:4000/x and 17000000001 and a17000000001 and 1700000000",
                "1700000000",
                "<expire>"
            ),
            "http://127.0.0.1:4000/x and 17000000001 and a17000000001 and <expire>"
        );
        assert_eq!(
            replace_whole(
                "GET http://127.0.0.1:4000/x",
                "http://127.0.0.1:4000",
                "<dapp>"
            ),
            "GET <dapp>/x"
        );
    }

    #[test]
    fn clauses_sort_as_the_profile_lists_them() {
        let mut ids = vec!["ONT-L10", "ONT-L2", "ONT-I1", "ONT-T1", "H-2"];
        ids.sort_by_key(|id| clause_order(id));
        assert_eq!(ids, vec!["H-2", "ONT-T1", "ONT-L2", "ONT-L10", "ONT-I1"]);
    }

    #[test]
    fn report_destinations_name_bad_input() {
        assert!(Destinations::new(None, &["json".into()])
            .unwrap_err()
            .contains("FORMAT=PATH"));
        assert!(Destinations::new(None, &["pdf=x.pdf".into()])
            .unwrap_err()
            .contains("`pdf` is not a format"));
        let d = Destinations::new(None, &["junit=out/r.xml".into()]).unwrap();
        assert_eq!(d.files, vec![(Format::Junit, PathBuf::from("out/r.xml"))]);
    }
}
