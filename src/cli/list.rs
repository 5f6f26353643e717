//! `qrconform list`: the cases of the embedded suites, with the clauses each checks, filtered
//! by protocol, role, clause, action and level.

use clap::{Args, ValueEnum};
use serde_json::{json, Value};

use super::test::Protocol;
use super::{print_json, CliError, CmdResult, Verdict};
use crate::harness::catalogue::{self, Case, Catalogue, Level};

/// The role of the implementation a suite tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// Suites that test dApp back ends (the harness plays the wallet).
    Dapp,
    /// Suites that test wallets (the harness plays the dApp).
    Wallet,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Dapp => "dapp",
            Role::Wallet => "wallet",
        }
    }
}

/// A case's level, as `--level` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelFilter {
    Must,
    Should,
    /// Display duties a person judges in interactive mode.
    Review,
}

impl LevelFilter {
    fn level(self) -> Level {
        match self {
            LevelFilter::Must => Level::MUST,
            LevelFilter::Should => Level::SHOULD,
            LevelFilter::Review => Level::REVIEW,
        }
    }
}

/// How the listing is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One line per case: id, level, clauses, title.
    Text,
    /// One JSON document: the suites, their cases, and the profile's clauses.
    Json,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Filters combine: `--protocol ontology --role wallet` lists the \
    Ontology wallet suite; `--clause ONT-L9 --level must` its MUST cases citing ONT-L9. The \
    JSON form carries every catalogue field of each case and also lists the profile's \
    clauses (full text, duties, seed passages) and the cases that check them. \
    `qrconform explain ID` tells one case or clause in full."
)]
pub struct ListArgs {
    /// Only the suites of this protocol.
    #[arg(long, value_enum)]
    pub protocol: Option<Protocol>,
    /// Only the suites that test this role.
    #[arg(long, value_enum)]
    pub role: Option<Role>,
    /// Only the cases citing this clause (`ONT-L9`).
    #[arg(long, value_name = "ID")]
    pub clause: Option<String>,
    /// Only the cases starting from this action (`login`, `signMessage`, `transfer`, …).
    #[arg(long, value_name = "NAME")]
    pub action: Option<String>,
    /// Only the cases of this level (as listed: `MUST`, or `must`).
    #[arg(long, value_enum, ignore_case = true)]
    pub level: Option<LevelFilter>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

pub fn run(args: ListArgs) -> CmdResult {
    let suites: Vec<Catalogue> = catalogue::all()
        .into_iter()
        .filter(|c| match args.protocol {
            Some(protocol) => c.suite.protocol == protocol.name(),
            None => true,
        })
        .filter(|c| args.role.is_none_or(|r| r.name() == c.suite.role))
        .collect();
    if suites.is_empty() {
        return Err(CliError::new("no suite matches --protocol and --role"));
    }
    if let Some(id) = &args.clause {
        if catalogue::clause(id).is_none() {
            return Err(CliError::new(format!(
                "`{id}` is not a clause of the profile{}",
                super::explain::nearest_hint(id)
            )));
        }
    }
    if let Some(action) = &args.action {
        let actions: std::collections::BTreeSet<&str> = suites
            .iter()
            .flat_map(|s| s.cases.iter().map(|c| c.action.as_str()))
            .collect();
        if !actions.contains(action.as_str()) {
            return Err(CliError::new(format!(
                "no case of these suites starts from the action `{action}` (actions: {})",
                actions.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let selected = |case: &Case| {
        args.clause
            .as_ref()
            .is_none_or(|id| case.clauses.contains(id))
            && args.action.as_ref().is_none_or(|a| &case.action == a)
            && args.level.is_none_or(|l| case.level == l.level())
    };
    let filtering = args.clause.is_some() || args.action.is_some() || args.level.is_some();
    let suites: Vec<Catalogue> = suites
        .into_iter()
        .map(|mut suite| {
            suite.cases.retain(|c| selected(c));
            suite
        })
        // A suite none of whose cases pass the case filters is left out.
        .filter(|suite| !filtering || !suite.cases.is_empty())
        .collect();
    if suites.is_empty() {
        return Err(CliError::new(
            "no case matches --clause, --action and --level in the selected suites",
        ));
    }
    match args.format {
        ListFormat::Text => {
            for suite in &suites {
                println!(
                    "{} ({} cases): {}",
                    suite.suite.id,
                    suite.cases.len(),
                    suite.suite.title
                );
                let width = suite.cases.iter().map(|c| c.id.len()).max().unwrap_or(0);
                for case in &suite.cases {
                    println!(
                        "  {:<width$}  {:<6}  {}  {}",
                        case.id,
                        case.level.label(),
                        case.clauses.join(","),
                        case.title
                    );
                }
            }
        }
        ListFormat::Json => print_json(&listing(&suites)),
    }
    Ok(Verdict::Positive)
}

/// The JSON listing of `suites`, with the clauses of their protocols.
pub fn listing(suites: &[Catalogue]) -> Value {
    let protocols: Vec<&str> = suites.iter().map(|s| s.suite.protocol.as_str()).collect();
    let clauses: Vec<Value> = catalogue::clauses()
        .into_iter()
        .filter(|c| protocols.contains(&c.protocol.as_str()))
        .map(|c| {
            // Case ids repeat across suites (each has its `login.address.honest`), so each
            // is named with its suite.
            let checked_by: Vec<String> = suites
                .iter()
                .flat_map(|s| s.cases.iter().map(move |case| (s, case)))
                .filter(|(_, case)| case.clauses.contains(&c.id))
                .map(|(s, case)| format!("{}:{}", s.suite.id, case.id))
                .collect();
            let mut value = serde_json::to_value(&c).unwrap_or(Value::Null);
            if let Value::Object(map) = &mut value {
                map.insert("checked_by".into(), json!(checked_by));
            }
            value
        })
        .collect();
    json!({
        "suites": suites.iter().map(|s| json!({
            "id": s.suite.id,
            "protocol": s.suite.protocol,
            "role": s.suite.role,
            "title": s.suite.title,
            "cases": s.cases.iter().map(case_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "clauses": clauses,
    })
}

/// Every catalogue field of a case, and whether it is negative.
pub fn case_json(case: &Case) -> Value {
    let mut value = serde_json::to_value(case).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert("negative".into(), json!(case.is_negative()));
    }
    value
}
