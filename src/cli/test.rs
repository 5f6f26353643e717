//! `qrconform test …`: run a conformance suite against an implementation under test.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};

use super::{runtime, CliError, CmdResult, Verdict};
use crate::harness::catalogue::{self, Catalogue};
use crate::harness::dapp::{against_reference, check_catalogue, DappSuite};
use crate::harness::run::{run_dapp_cases, OutputFormat, RunOptions, RunSummary};
use crate::harness::target::DappTarget;
use crate::harness::Verdict as CaseVerdict;
use crate::reference::dapp::DappFault;

#[derive(Debug, Subcommand)]
pub enum TestCommand {
    /// Certify a dApp back end: the harness plays an honest and a malicious wallet.
    ///
    /// For each case the harness fetches a fresh QR code from the target, plays the wallet
    /// (honestly, or with one named defect: a bad signature, a replay, a key that is not the
    /// user's, an expired QR code, a transaction the chain never saw…), posts the callback
    /// and judges the reply, what the back end asked the mock node, and (when declared) its
    /// status probe. The harness runs the mock Ontology node on the target's declared ports.
    #[command(
        after_help = "Exit codes: 0 every MUST case passed; 1 a conformance failure \
        (FAIL or TIMEOUT); 2 a harness or configuration error; 3 nothing ran, or the run \
        was partial.\n\nTargets: `reference` runs the built-in reference dApp in-process \
        (with --fault to plant named defects); otherwise a target file, see docs/targets.md."
    )]
    Dapp(DappArgs),
}

#[derive(Debug, Args)]
pub struct DappArgs {
    /// The protocol under test.
    #[arg(long, value_enum, default_value_t = Protocol::Ontology)]
    pub protocol: Protocol,
    /// `reference`, or a target file (TOML) describing the back end.
    #[arg(long, value_name = "reference|FILE")]
    pub target: String,
    /// With `--target reference`: plant this named fault in the reference dApp. Repeatable.
    /// Names: accept-any-signature, skip-address-binding, skip-ontid-resolution,
    /// accept-unknown-message, accept-replay, accept-expired, reject-64-byte-signature,
    /// reject-high-s, ignore-ishex, multi-message-first-only, multi-message-any-order,
    /// trust-invoke-callback, ignore-event-state, ignore-event-content, wrong-error-code,
    /// no-id-echo, crash-on-bad-input.
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Run only the cases whose id contains this text.
    #[arg(value_name = "FILTER")]
    pub filter: Option<String>,
    /// Match FILTER (and --skip) against whole case ids.
    #[arg(long)]
    pub exact: bool,
    /// Leave out the cases whose id contains this text. Repeatable.
    #[arg(long, value_name = "TEXT")]
    pub skip: Vec<String>,
    /// List the selected cases instead of running them.
    #[arg(long)]
    pub list: bool,
    /// Output style, as cargo test's.
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Timeout for every network step, overriding the target file's.
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
}

/// Protocols a suite exists for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// Ontology dAPI mobile.
    Ontology,
}

pub fn run(cmd: TestCommand) -> CmdResult {
    match cmd {
        TestCommand::Dapp(args) => run_dapp(args),
    }
}

fn parse_faults(names: &[String]) -> Result<BTreeSet<DappFault>, CliError> {
    names
        .iter()
        .map(|name| {
            DappFault::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = DappFault::ALL.iter().map(|f| f.name()).collect();
                CliError::new(format!(
                    "--fault `{name}` is not a fault of the reference dApp (known: {})",
                    known.join(", ")
                ))
            })
        })
        .collect()
}

fn run_dapp(args: DappArgs) -> CmdResult {
    let Protocol::Ontology = args.protocol;
    let catalogue: Catalogue = catalogue::ontology_dapp();
    check_catalogue(&catalogue).map_err(CliError::new)?;
    let faults = parse_faults(&args.faults)?;
    let runtime = runtime()?;
    let options = RunOptions {
        filter: args.filter.clone(),
        exact: args.exact,
        skip: args.skip.clone(),
        list: args.list,
        format: args.format,
    };
    let quiet = args.list || args.format == Some(OutputFormat::Json);
    let (suite, reference) = if args.target == "reference" {
        let (suite, dapp) = runtime
            .block_on(against_reference(faults.clone()))
            .map_err(CliError::new)?;
        if !quiet {
            let planted: Vec<&str> = faults.iter().map(|f| f.name()).collect();
            eprintln!(
                "target: qrconform reference dApp at {} (faults: {})",
                dapp.base_url(),
                if planted.is_empty() {
                    "none".to_string()
                } else {
                    planted.join(", ")
                }
            );
        }
        (suite, Some(dapp))
    } else {
        if !faults.is_empty() {
            return Err(CliError::new(
                "--fault plants faults in the reference dApp; it needs --target reference",
            ));
        }
        let mut target = DappTarget::from_file(Path::new(&args.target))
            .map_err(|e| CliError::new(e.to_string()))?;
        if let Some(ms) = args.timeout_ms {
            if ms == 0 {
                return Err(CliError::new("--timeout-ms must be positive"));
            }
            target.limits.timeout = Duration::from_millis(ms);
        }
        let suite = runtime
            .block_on(DappSuite::start(target))
            .map_err(CliError::new)?;
        if !quiet {
            eprintln!(
                "target: {} {} (mock node: REST {}, JSON-RPC {})",
                suite.target().name,
                suite.target().version,
                suite.node().rest_url(),
                suite.node().rpc_url()
            );
        }
        (suite, None)
    };
    let started = Instant::now();
    let suite = Arc::new(suite);
    let summary = run_dapp_cases(
        runtime.handle(),
        Arc::clone(&suite),
        &catalogue.cases,
        &options,
    );
    let elapsed = started.elapsed();
    if let Ok(suite) = Arc::try_unwrap(suite) {
        runtime.block_on(suite.shutdown());
    }
    if let Some(dapp) = reference {
        runtime.block_on(dapp.shutdown());
    }
    report(&summary, elapsed, quiet);
    match summary.exit_code() {
        0 => Ok(Verdict::Positive),
        1 => Ok(Verdict::Negative),
        2 => Err(CliError::new(format!(
            "the run was not trustworthy: {}",
            summary
                .outcomes
                .iter()
                .filter(|o| o.verdict == CaseVerdict::Error)
                .map(|o| format!("{}: {}", o.id, o.reason))
                .collect::<Vec<_>>()
                .join("; ")
        ))),
        _ => Ok(Verdict::Vacuous),
    }
}

fn report(summary: &RunSummary, elapsed: Duration, quiet: bool) {
    if quiet {
        return;
    }
    for outcome in &summary.outcomes {
        if outcome.verdict == CaseVerdict::Warning {
            eprintln!("warning: {}: {}", outcome.id, outcome.reason);
        }
    }
    eprintln!(
        "qrconform: {} in {:.1} s",
        summary.tally(),
        elapsed.as_secs_f64()
    );
    if summary.planned == 0 {
        eprintln!("qrconform: no case matched the filter; nothing ran (exit 3)");
    } else if summary.exit_code() == 3 {
        eprintln!("qrconform: no case could run against this target (exit 3)");
    }
}
