//! `qrconform list`: the cases of the embedded suites, with the clauses each checks.

use clap::{Args, ValueEnum};
use serde_json::{json, Value};

use super::test::Protocol;
use super::{print_json, CliError, CmdResult, Verdict};
use crate::harness::catalogue::{self, Catalogue};

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
    Ontology wallet suite. The JSON form also lists the profile's clauses, the duties each \
    puts on dApps and wallets, and the cases that check them."
)]
pub struct ListArgs {
    /// Only the suites of this protocol.
    #[arg(long, value_enum)]
    pub protocol: Option<Protocol>,
    /// Only the suites that test this role.
    #[arg(long, value_enum)]
    pub role: Option<Role>,
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
            "cases": s.cases.iter().map(|c| json!({
                "id": c.id,
                "title": c.title,
                "level": c.level.label(),
                "clauses": c.clauses,
                "negative": c.is_negative(),
                "twin": c.twin,
                "faults": c.faults,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "clauses": clauses,
    })
}
