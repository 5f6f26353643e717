//! `qrconform test …`: run a conformance suite against an implementation under test.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand, ValueEnum};

use super::{runtime, CliError, CmdResult, Verdict};
use crate::harness::baseline::{Baseline, EntryStatus};
use crate::harness::catalogue::Catalogue;
use crate::harness::run::{
    list_cases, run_cases, selected_cases, OutputFormat, RunOptions, RunSummary, StopSignal,
};
use crate::harness::steps::preflight;
use crate::harness::suite::{self, Against, Role, Started, SuiteKind};
use crate::harness::target::{DappTarget, DriverSpec, WalletTarget, MAX_TIMEOUT_MS};
use crate::harness::web_view::{self, Observed, WebView};
use crate::harness::Verdict as CaseVerdict;
use crate::net::CaCerts;
use crate::protocol::ontology::crypto::PublicKey;
use crate::protocol::simplewallet::crypto::PublicKey as EosPublicKey;
use crate::report::{Destinations, Report, RunFacts, TargetInfo};

// The command line is parsed once per process; the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum TestCommand {
    /// Certify a dApp back end: the harness plays an honest and a malicious wallet.
    ///
    /// For each case the harness fetches a fresh QR code from the target, plays the wallet
    /// (honestly, or with one named defect: a bad signature, a replay, a key that is not the
    /// user's, an expired QR code, a transaction the chain never saw…), posts the callback
    /// and judges the reply, what the back end asked the mock node, and (when declared) its
    /// status probe. The harness runs the protocol's mock node (Ontology, or EOS for
    /// SimpleWallet) on the target's declared ports.
    #[command(
        after_help = "Exit codes: 0 every selected MUST case ran and passed; 1 a \
        conformance failure (FAIL or TIMEOUT); 2 a harness or configuration error (a bad \
        target file, a back end not reachable before the first case); 3 incomplete: a MUST \
        case skipped, a negative case whose positive twin did not pass, nothing selected, or \
        the run stopped (Ctrl-C, SIGTERM, --deadline-secs; reports are still written, marked \
        partial).\n\nTargets: `reference` runs the built-in reference dApp in-process \
        (with --fault to plant named defects); otherwise a target file, see docs/targets.md \
        (`qrconform init dapp --protocol P --out FILE` writes one to start from; `--list` \
        checks it without starting anything).\n\n\
        https targets: the harness trusts the operating system's root certificates \
        (SSL_CERT_FILE or SSL_CERT_DIR replace them) and those of --ca-cert FILE or the \
        target's ca_cert. A certificate it cannot verify is a set-up error (exit 2) naming \
        the URL and the TLS error, not the back end's FAIL."
    )]
    Dapp(DappArgs),
    /// Certify a wallet: the harness plays the dApp (and runs the protocol's mock node).
    ///
    /// For each case the harness mints a QR code (plain JSON or deep link), hands it to the
    /// wallet through a driver with the user's decision (approve or reject), and judges what
    /// the wallet did: its callbacks (content type, envelope, id echo, user, key, signatures
    /// over the right bytes) and the transaction that reached the mock node (decoded back to
    /// the requested call, payer, gas, pre-execution, the reported hash).
    #[command(
        after_help = "Drivers: `--target reference` drives the built-in reference \
        wallet (with --fault to plant named defects); a target file names a driver URL \
        (docs/wallet-driver.md), a driver command, or interactive mode; or give \
        --driver URL, --driver-command CMD, or --interactive --wallet-public-key HEX.\n\n\
        Interactive mode shows each QR code in the terminal and writes it as SVG, prints the \
        text payload and the decision to take, and waits (with a deadline) for the wallet; \
        give --listen 0.0.0.0:PORT and --callback-base http://<LAN address>:PORT so a phone \
        can reach the harness. --web 127.0.0.1:0 also shows each case on a local web page \
        (its URL is printed): the QR code large, its text, the decision and why, the time \
        left, the live status and the tally.\n\nSimpleWallet (--protocol simplewallet): the harness \
        runs a mock EOS node (--eos-node ADDR, default 127.0.0.1:8888) holding the wallet's \
        account; interactive mode needs --wallet-public-key EOS…, --wallet-account and \
        --wallet-ref; a target file says protocol = \"simplewallet\" (`qrconform init wallet \
        --protocol P --out FILE` writes one to start from).\n\nThe node, --listen, \
        --callback-base and --timeout-ms flags configure the harness for a wallet under test; \
        with --target reference they are refused.\n\nAn https:// \
        driver is verified against the operating system's root certificates and those of \
        --ca-cert FILE (or the target's ca_cert); a certificate the harness cannot verify \
        is a set-up error (exit 2).\n\nExit codes as for `test dapp`."
    )]
    Wallet(WalletArgs),
}

#[derive(Debug, Args)]
pub struct WalletArgs {
    /// The protocol under test.
    #[arg(long, value_enum, default_value_t = Protocol::Ontology)]
    pub protocol: Protocol,
    /// `reference`, or a wallet target file (TOML). Not needed with --driver,
    /// --driver-command or --interactive.
    #[arg(long, value_name = "reference|FILE")]
    pub target: Option<String>,
    /// With `--target reference`: plant this named fault in the reference wallet.
    /// Repeatable; `qrconform serve wallet --help` lists them.
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    /// Drive a wallet through the driver protocol at this base URL.
    #[arg(long, value_name = "URL", conflicts_with_all = ["target", "driver_command", "interactive"])]
    pub driver: Option<String>,
    /// Drive a wallet through this command (split on spaces, run without a shell).
    #[arg(long, value_name = "CMD", conflicts_with_all = ["target", "interactive"])]
    pub driver_command: Option<String>,
    /// A person scans each QR code with the wallet.
    #[arg(long, requires = "wallet_public_key", conflicts_with = "target")]
    pub interactive: bool,
    /// With --interactive: the wallet's public key, which names it (Ontology: hex; SimpleWallet:
    /// `EOS…`, the key its signatures verify with).
    #[arg(long, value_name = "KEY", requires = "interactive")]
    pub wallet_public_key: Option<String>,
    /// With --interactive --protocol simplewallet: the EOS account the wallet signs for.
    #[arg(long, value_name = "NAME", requires = "interactive")]
    pub wallet_account: Option<String>,
    /// With --interactive --protocol simplewallet: the name the wallet sends as `ref`.
    #[arg(long, value_name = "NAME", requires = "interactive")]
    pub wallet_ref: Option<String>,
    /// With --interactive --protocol simplewallet: the account is a MYKEY account whose
    /// reserved key is --wallet-public-key (a target file's `[driver] mykey = true`).
    #[arg(long, requires = "interactive")]
    pub wallet_mykey: bool,
    /// With --protocol simplewallet: where the harness's mock EOS node listens (the wallet
    /// under test pushes there) [default: 127.0.0.1:8888].
    #[arg(long, value_name = "ADDR")]
    pub eos_node: Option<SocketAddr>,
    /// With --protocol ontology: where the harness's mock node serves its REST API (the
    /// wallet under test pre-executes and sends there) [default: 127.0.0.1:20334; port 0
    /// picks a free one].
    #[arg(long, value_name = "ADDR")]
    pub node_rest: Option<SocketAddr>,
    /// With --protocol ontology: where the harness's mock node serves JSON-RPC
    /// [default: 127.0.0.1:20336; port 0 picks a free one].
    #[arg(long, value_name = "ADDR")]
    pub node_rpc: Option<SocketAddr>,
    /// Where the harness dApp listens (default 127.0.0.1 on a free port).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// The base URL QR codes send the wallet to (for a phone on the LAN).
    #[arg(long, value_name = "URL")]
    pub callback_base: Option<String>,
    /// Where interactive mode writes the QR codes as SVG (default: a temporary folder,
    /// removed when the run ends).
    #[arg(long, value_name = "DIR")]
    pub svg_dir: Option<PathBuf>,
    /// In interactive mode, also show each case on a web page served at ADDR (port 0 picks a
    /// free one; the URL is printed): the QR code large, its text, the decision and why, the
    /// time left, the live status and the tally. Loopback only unless --web-lan is given.
    #[arg(long, value_name = "ADDR")]
    pub web: Option<SocketAddr>,
    /// Let --web listen on an address other than loopback (the page is read-only, but shows
    /// every case's QR code, and so its callback token, to whoever can reach it).
    #[arg(long, requires = "web")]
    pub web_lan: bool,
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Timeout for every driver step, overriding the target file's.
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
    /// Trust the CA certificates in this PEM file (one or more) for an https driver, besides
    /// the operating system's; replaces the target file's ca_cert.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DappArgs {
    /// The protocol under test.
    #[arg(long, value_enum, default_value_t = Protocol::Ontology)]
    pub protocol: Protocol,
    /// `reference`, or a target file (TOML) describing the back end.
    #[arg(long, value_name = "reference|FILE")]
    pub target: String,
    /// With `--target reference`: plant this named fault in the reference dApp.
    /// Repeatable; `qrconform serve dapp --help` lists them.
    #[arg(long = "fault", value_name = "NAME")]
    pub faults: Vec<String>,
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Timeout for every network step, overriding the target file's (not with --target
    /// reference).
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
    /// Trust the CA certificates in this PEM file (one or more) for https URLs, besides the
    /// operating system's: a back end behind a private CA. Replaces the target file's ca_cert.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

/// Which cases run and how they are shown, as cargo test does it.
#[derive(Debug, Args)]
pub struct SelectArgs {
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
    /// End the run after this many seconds as if interrupted: the case in flight stops, the
    /// rest are not run, the reports are written marked partial, and the exit code is 3.
    #[arg(long, value_name = "SECS")]
    pub deadline_secs: Option<u64>,
}

/// Where the run's report goes, and the baseline it is judged with.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Write the report in every format into DIR: `<suite>.json`, `<suite>.junit.xml`,
    /// `<suite>.md` and `<suite>.html`.
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
    /// Write the report in one format to one file: FORMAT is json, junit, markdown or html.
    /// Repeatable.
    #[arg(long = "report", value_name = "FORMAT=PATH")]
    pub reports: Vec<String>,
    /// A baseline of accepted failures (TOML: `"case.id" = "reason"`). Those failures pass
    /// the run; an entry whose case now passes fails it as stale.
    #[arg(long, value_name = "FILE")]
    pub expected_failures: Option<PathBuf>,
}

impl ReportArgs {
    fn destinations(&self) -> Result<Destinations, CliError> {
        Destinations::new(self.report_dir.clone(), &self.reports).map_err(CliError::new)
    }

    fn baseline(&self, catalogue: &Catalogue) -> Result<Option<Baseline>, CliError> {
        self.expected_failures
            .as_deref()
            .map(|path| Baseline::from_file(path, catalogue).map_err(CliError::new))
            .transpose()
    }
}

impl SelectArgs {
    fn options(&self) -> RunOptions {
        RunOptions {
            filter: self.filter.clone(),
            exact: self.exact,
            skip: self.skip.clone(),
            list: self.list,
            format: self.format,
            baseline: None,
            stop: Some(StopSignal::default()),
        }
    }

    /// The run's deadline, if one was given.
    fn deadline(&self) -> Result<Option<Duration>, CliError> {
        match self.deadline_secs {
            Some(0) => Err(CliError::new("--deadline-secs must be at least 1")),
            secs => Ok(secs.map(Duration::from_secs)),
        }
    }

    /// JSON output and listings keep stderr quiet too.
    fn quiet(&self) -> bool {
        self.list || self.format == Some(OutputFormat::Json)
    }
}

/// Protocols a suite exists for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Protocol {
    /// Ontology dAPI mobile.
    Ontology,
    /// SimpleWallet (EOS, with the MYKEY extensions).
    Simplewallet,
}

impl Protocol {
    /// The registered suite of this protocol for `role`.
    pub fn suite(self, role: Role) -> Result<SuiteKind, CliError> {
        suite::find(self.name(), role).ok_or_else(|| {
            CliError::new(format!(
                "no {} suite is registered for {}",
                role.name(),
                self.name()
            ))
        })
    }

    /// The name catalogues and target files use.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Ontology => "ontology",
            Protocol::Simplewallet => "simplewallet",
        }
    }
}

pub fn run(cmd: TestCommand) -> CmdResult {
    match cmd {
        TestCommand::Dapp(args) => run_dapp(args),
        TestCommand::Wallet(args) => run_wallet(args),
    }
}

fn run_dapp(args: DappArgs) -> CmdResult {
    let kind = args.protocol.suite(Role::Dapp)?;
    let catalogue = kind.catalogue().map_err(CliError::new)?;
    kind.check_faults(&args.faults).map_err(CliError::new)?;
    let destinations = args.report.destinations()?;
    let mut options = args.select.options();
    options.baseline = args.report.baseline(&catalogue)?;
    let runtime = runtime()?;
    let run = Run {
        kind,
        catalogue: &catalogue,
        options: &options,
        quiet: args.select.quiet(),
        destinations: &destinations,
        deadline: args.select.deadline()?,
    };
    if args.target == "reference" {
        refuse_ca_cert_for_reference(args.ca_cert.as_deref())?;
        if args.timeout_ms.is_some() {
            return Err(CliError::new(
                "--timeout-ms overrides a target file's limits.timeout_ms; the reference runs \
                 under its own limits",
            ));
        }
        return run_reference(&runtime, &run, &args.faults);
    }
    if !args.faults.is_empty() {
        return Err(CliError::new(
            "--fault plants faults in the reference dApp; it needs --target reference",
        ));
    }
    let mut target =
        DappTarget::from_file(Path::new(&args.target)).map_err(|e| CliError::new(e.to_string()))?;
    if let Some(ms) = args.timeout_ms {
        check_timeout_ms(ms)?;
        target.limits.timeout = Duration::from_millis(ms);
    }
    if let Some(path) = &args.ca_cert {
        target.ca_cert = Some(read_ca_cert(path)?);
    }
    if target.protocol.name() != args.protocol.name() {
        return Err(CliError::new(format!(
            "the target file is for protocol `{}`; run it with --protocol {}",
            target.protocol.name(),
            target.protocol.name()
        )));
    }
    if options.list {
        // The file is valid: list what would run without binding its ports.
        list_cases(&catalogue.cases, &options);
        return Ok(Verdict::Positive);
    }
    let info = TargetInfo {
        name: target.name.clone(),
        version: target.version.clone(),
        ..TargetInfo::reference(kind, Vec::new())
    };
    runtime
        .block_on(preflight(&target))
        .map_err(|e| set_up_failed(&run, info.clone(), e))?;
    let started = runtime
        .block_on(kind.start(Against::Dapp(target)))
        .map_err(|e| set_up_failed(&run, info.clone(), e))?;
    if !run.quiet {
        eprintln!("target: {}", started.banner);
    }
    conclude(&execute(&runtime, started, &run, info)?)
}

/// Runs the suite against the built-in reference with `faults` planted.
fn run_reference(runtime: &tokio::runtime::Runtime, run: &Run<'_>, faults: &[String]) -> CmdResult {
    let mut faults = faults.to_vec();
    faults.sort();
    faults.dedup();
    let started = runtime
        .block_on(run.kind.start(Against::Reference(faults.clone())))
        .map_err(CliError::new)?;
    let target = TargetInfo::reference(run.kind, faults.clone());
    if !run.quiet {
        eprintln!(
            "target: {} (faults: {})",
            started.banner,
            if faults.is_empty() {
                "none".to_string()
            } else {
                faults.join(", ")
            }
        );
    }
    conclude(&execute(runtime, started, run, target)?)
}

/// `--ca-cert FILE`: the CA certificates it holds, or an error naming it.
fn read_ca_cert(path: &Path) -> Result<CaCerts, CliError> {
    CaCerts::from_pem_file(path).map_err(|e| CliError::new(format!("--ca-cert: {e}")))
}

/// The built-in references are served over plain http in-process: a CA for them is a
/// mistake worth saying.
fn refuse_ca_cert_for_reference(ca_cert: Option<&Path>) -> Result<(), CliError> {
    match ca_cert {
        Some(_) => Err(CliError::new(
            "--ca-cert is for https targets; the built-in reference is served over plain http \
             in-process (it needs a target file or a driver URL)",
        )),
        None => Ok(()),
    }
}

/// `--timeout-ms` must be positive and at most [`MAX_TIMEOUT_MS`].
fn check_timeout_ms(ms: u64) -> Result<(), CliError> {
    if ms == 0 || ms > MAX_TIMEOUT_MS {
        return Err(CliError::new(format!(
            "--timeout-ms is {ms}; it must be between 1 and {MAX_TIMEOUT_MS}"
        )));
    }
    Ok(())
}

/// One run's settings besides the suite and its target.
struct Run<'a> {
    kind: SuiteKind,
    catalogue: &'a Catalogue,
    options: &'a RunOptions,
    quiet: bool,
    destinations: &'a Destinations,
    /// The run ends as interrupted after this long.
    deadline: Option<Duration>,
}

/// Stops the run on SIGINT, SIGTERM or its deadline, whichever comes first; a second SIGINT
/// after that exits at once (130), for a peer that will not let go.
async fn stop_on_signal_or_deadline(stop: StopSignal, deadline: Option<Duration>) {
    #[cfg(unix)]
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let terminated = async {
        #[cfg(unix)]
        if let Some(terminate) = terminate.as_mut() {
            terminate.recv().await;
            return;
        }
        std::future::pending::<()>().await
    };
    let expired = async {
        match deadline {
            Some(deadline) => tokio::time::sleep(deadline).await,
            None => std::future::pending::<()>().await,
        }
    };
    let why = tokio::select! {
        _ = tokio::signal::ctrl_c() => "interrupted (SIGINT)".to_string(),
        _ = terminated => "terminated (SIGTERM)".to_string(),
        _ = expired => format!(
            "its deadline of {} s passed (--deadline-secs)",
            deadline.unwrap_or_default().as_secs()
        ),
    };
    eprintln!("qrconform: stopping: {why}; writing what ran so far");
    stop.stop(why);
    if tokio::signal::ctrl_c().await.is_ok() {
        eprintln!("qrconform: interrupted again: exiting at once");
        std::process::exit(130);
    }
}

/// Runs the catalogue's cases against the started suite, stops it, reports the tally and
/// writes the report files.
fn execute(
    runtime: &tokio::runtime::Runtime,
    suite: Started,
    run: &Run<'_>,
    target: TargetInfo,
) -> Result<RunSummary, CliError> {
    let Started {
        runner: suite,
        endpoints,
        ..
    } = suite;
    let started = Instant::now();
    let watcher = run
        .options
        .stop
        .clone()
        .filter(|_| !run.options.list)
        .map(|stop| runtime.spawn(stop_on_signal_or_deadline(stop, run.deadline)));
    let summary = run_cases(
        runtime.handle(),
        Arc::clone(&suite),
        &run.catalogue.cases,
        run.options,
    );
    let elapsed = started.elapsed();
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    runtime.block_on(suite.stop());
    report(&summary, elapsed, run.quiet);
    if !summary.listed && !run.destinations.is_empty() {
        let mut report = Report::build(RunFacts {
            catalogue: run.catalogue,
            catalogue_text: run.kind.catalogue_text(),
            target,
            planned: summary.planned,
            outcomes: &summary.outcomes,
            baseline: summary.baseline.clone(),
            exit_code: summary.exit_code(),
            total_ms: elapsed.as_millis() as u64,
            incomplete: summary.incomplete(),
            partial: summary.stopped.is_some(),
        });
        report.redact(&endpoints);
        let written = run
            .destinations
            .write(&report, &run.catalogue.suite.id)
            .map_err(CliError::new)?;
        if !run.quiet {
            for path in written {
                eprintln!("qrconform: wrote {}", path.display());
            }
        }
    }
    Ok(summary)
}

/// The harness could not set up the run (a driver failing at `/identity`, a node port it
/// cannot bind, a back end not reachable before the first case): every selected case is
/// ERROR with `reason`, the requested reports are still written, and the error exits 2.
fn set_up_failed(run: &Run<'_>, target: TargetInfo, reason: String) -> CliError {
    if run.options.list || run.destinations.is_empty() {
        return CliError::new(reason);
    }
    let started = Instant::now();
    let outcomes: Vec<_> = selected_cases(&run.catalogue.cases, run.options)
        .iter()
        .map(|case| {
            crate::harness::CaseOutcome::conclude(
                case,
                Err((
                    CaseVerdict::Error,
                    format!("the run could not start: {reason}"),
                )),
                Vec::new(),
                started,
                Default::default(),
                String::from("the harness sets up the run"),
            )
        })
        .collect();
    let report = Report::build(RunFacts {
        catalogue: run.catalogue,
        catalogue_text: run.kind.catalogue_text(),
        target,
        planned: outcomes.len(),
        outcomes: &outcomes,
        baseline: None,
        exit_code: 2,
        total_ms: 0,
        incomplete: Vec::new(),
        partial: false,
    });
    match run.destinations.write(&report, &run.catalogue.suite.id) {
        Ok(written) => {
            if !run.quiet {
                for path in written {
                    eprintln!("qrconform: wrote {}", path.display());
                }
            }
            CliError::new(reason)
        }
        Err(e) => CliError::new(format!(
            "{reason}; and the report could not be written: {e}"
        )),
    }
}

/// Maps a run to the exit-code contract.
fn conclude(summary: &RunSummary) -> CmdResult {
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

/// The first flag given that only a wallet under test uses (the harness's addresses and
/// limits), if any.
fn wallet_flags_for_a_target(args: &WalletArgs) -> Option<&'static str> {
    [
        ("--eos-node", args.eos_node.is_some()),
        ("--node-rest", args.node_rest.is_some()),
        ("--node-rpc", args.node_rpc.is_some()),
        ("--listen", args.listen.is_some()),
        ("--callback-base", args.callback_base.is_some()),
        ("--timeout-ms", args.timeout_ms.is_some()),
    ]
    .into_iter()
    .find(|(_, given)| *given)
    .map(|(flag, _)| flag)
}

/// The wallet target the flags describe, when they describe one.
fn wallet_target_from_flags(args: &WalletArgs) -> Result<Option<WalletTarget>, CliError> {
    let driver = if let Some(url) = &args.driver {
        DriverSpec::Url(url.trim_end_matches('/').to_string())
    } else if let Some(command) = &args.driver_command {
        let argv: Vec<String> = command.split_whitespace().map(str::to_string).collect();
        if argv.is_empty() {
            return Err(CliError::new("--driver-command is empty"));
        }
        DriverSpec::Command(argv)
    } else if args.interactive {
        let key = args.wallet_public_key.clone().unwrap_or_default();
        match args.protocol {
            Protocol::Ontology => {
                PublicKey::from_hex(&key)
                    .map_err(|e| CliError::new(format!("--wallet-public-key `{key}`: {e}")))?;
            }
            Protocol::Simplewallet => {
                key.parse::<EosPublicKey>()
                    .map_err(|e| CliError::new(format!("--wallet-public-key `{key}`: {e}")))?;
            }
        }
        DriverSpec::Interactive { public_key: key }
    } else {
        return Ok(None);
    };
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    Ok(Some(WalletTarget {
        name: "wallet under test".into(),
        version: "unknown".into(),
        protocol: args.protocol.name().to_string(),
        driver,
        account: args.wallet_account.clone(),
        wallet_ref: args.wallet_ref.clone(),
        mykey: args.wallet_mykey,
        listen: loopback,
        public_url: None,
        node_rest: SocketAddr::from(([127, 0, 0, 1], 20334)),
        node_rpc: SocketAddr::from(([127, 0, 0, 1], 20336)),
        node_eos: SocketAddr::from(([127, 0, 0, 1], crate::chain::eos::DEFAULT_PORT)),
        timeout: Duration::from_secs(15),
        quiet: Duration::ZERO,
        max_body: 1024 * 1024,
        interactive_wait: Duration::from_secs(120),
        ca_cert: None,
    }))
}

fn run_wallet(args: WalletArgs) -> CmdResult {
    let kind = args.protocol.suite(Role::Wallet)?;
    let catalogue = kind.catalogue().map_err(CliError::new)?;
    kind.check_faults(&args.faults).map_err(CliError::new)?;
    let destinations = args.report.destinations()?;
    let mut options = args.select.options();
    options.baseline = args.report.baseline(&catalogue)?;
    let runtime = runtime()?;
    let run = Run {
        kind,
        catalogue: &catalogue,
        options: &options,
        quiet: args.select.quiet(),
        destinations: &destinations,
        deadline: args.select.deadline()?,
    };
    if args.web.is_some() && args.target.as_deref() == Some("reference") {
        return Err(CliError::new(
            "--web shows interactive mode's cases; the reference wallet needs no person",
        ));
    }
    if args.target.as_deref() == Some("reference") {
        refuse_ca_cert_for_reference(args.ca_cert.as_deref())?;
        if let Some(flag) = wallet_flags_for_a_target(&args) {
            return Err(CliError::new(format!(
                "{flag} configures the harness for a wallet under test; the reference wallet \
                 runs in-process on ports the system chooses"
            )));
        }
        return run_reference(&runtime, &run, &args.faults);
    }
    if !args.faults.is_empty() {
        return Err(CliError::new(
            "--fault plants faults in the reference wallet; it needs --target reference",
        ));
    }
    let mut target =
        match (&args.target, wallet_target_from_flags(&args)?) {
            (Some(path), None) => WalletTarget::from_file(Path::new(path))
                .map_err(|e| CliError::new(e.to_string()))?,
            (None, Some(target)) => target,
            _ => return Err(CliError::new(
                "give --target reference|FILE, --driver URL, --driver-command CMD or --interactive",
            )),
        };
    if target.protocol != args.protocol.name() {
        return Err(CliError::new(format!(
            "the target file is for protocol `{}`; run it with --protocol {}",
            target.protocol, target.protocol
        )));
    }
    if let Some(ms) = args.timeout_ms {
        check_timeout_ms(ms)?;
        target.timeout = Duration::from_millis(ms);
    }
    if args.protocol == Protocol::Ontology {
        let simplewallet_only = [
            ("--wallet-account", args.wallet_account.is_some()),
            ("--wallet-ref", args.wallet_ref.is_some()),
            ("--wallet-mykey", args.wallet_mykey),
        ];
        if let Some((flag, _)) = simplewallet_only.iter().find(|(_, given)| *given) {
            return Err(CliError::new(format!(
                "{flag} names a SimpleWallet wallet; give --protocol simplewallet"
            )));
        }
    }
    if let Some(path) = &args.ca_cert {
        target.ca_cert = Some(read_ca_cert(path)?);
    }
    // A node flag for the other protocol's node would be ignored: say so instead.
    let (wrong_node_flag, node) = match args.protocol {
        Protocol::Ontology => (args.eos_node.map(|_| "--eos-node"), "the Ontology"),
        Protocol::Simplewallet => (
            args.node_rest
                .map(|_| "--node-rest")
                .or(args.node_rpc.map(|_| "--node-rpc")),
            "the EOS",
        ),
    };
    if let Some(flag) = wrong_node_flag {
        return Err(CliError::new(format!(
            "{flag} is for the other protocol's node; {node} suite's node takes {}",
            match args.protocol {
                Protocol::Ontology => "--node-rest and --node-rpc",
                Protocol::Simplewallet => "--eos-node",
            }
        )));
    }
    if let Some(eos) = args.eos_node {
        target.node_eos = eos;
    }
    if let Some(rest) = args.node_rest {
        target.node_rest = rest;
    }
    if let Some(rpc) = args.node_rpc {
        target.node_rpc = rpc;
    }
    if let Some(listen) = args.listen {
        target.listen = listen;
    }
    if let Some(base) = &args.callback_base {
        target.public_url = Some(base.trim_end_matches('/').to_string());
    }
    let web = match args.web {
        None => None,
        Some(_) if !matches!(target.driver, DriverSpec::Interactive { .. }) => {
            return Err(CliError::new(
                "--web shows interactive mode's cases; it needs --interactive or a target file \
                 with `interactive = true`",
            ))
        }
        Some(addr) if !args.web_lan && !web_view::is_loopback(addr) => {
            return Err(CliError::new(format!(
                "--web {addr} is not a loopback address; the page shows every QR code (and its \
                 callback token) to whoever reaches it: give --web-lan to serve it there anyway"
            )))
        }
        Some(_) if options.list => None,
        Some(addr) => {
            let view = WebView::new();
            view.set_planned(selected_cases(&catalogue.cases, &options).len());
            let server = runtime
                .block_on(web_view::serve(addr, view.clone()))
                .map_err(|e| CliError::new(format!("--web: {e}")))?;
            eprintln!("web view: {}/", server.base_url());
            Some((view, server))
        }
    };
    if options.list {
        // The target is valid: list what would run without starting the driver or the node.
        list_cases(&catalogue.cases, &options);
        return Ok(Verdict::Positive);
    }
    // The QR codes lead to the harness dApp, which stops with the run: a folder the run
    // chose for them is removed with it; a folder the user named is left as it is.
    let (svg_dir, _run_svg_dir) = match args.svg_dir.clone() {
        Some(dir) => (dir, None),
        None => {
            let dir = std::env::temp_dir().join(format!("qrconform-qr-{}", std::process::id()));
            (dir.clone(), Some(RemovedOnDrop(dir)))
        }
    };
    let info = TargetInfo {
        name: target.name.clone(),
        version: target.version.clone(),
        ..TargetInfo::reference(kind, Vec::new())
    };
    let mut started = runtime
        .block_on(kind.start(Against::Wallet { target, svg_dir }))
        .map_err(|e| set_up_failed(&run, info.clone(), e))?;
    if !run.quiet {
        eprintln!("target: {}", started.banner);
    }
    let Some((view, server)) = web else {
        return conclude(&execute(&runtime, started, &run, info)?);
    };
    started.runner = Arc::new(Observed::new(started.runner, view));
    let summary = execute(&runtime, started, &run, info);
    runtime.block_on(server.shutdown());
    conclude(&summary?)
}

/// A folder the run made for itself, removed (with what it holds) when the run ends.
struct RemovedOnDrop(PathBuf);

impl Drop for RemovedOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
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
    if let Some(baseline) = &summary.baseline {
        for entry in &baseline.entries {
            match entry.status {
                EntryStatus::FailingAsExpected => eprintln!(
                    "expected failure: {} ({}, in {})",
                    entry.id, entry.reason, baseline.file
                ),
                EntryStatus::Stale => eprintln!(
                    "stale baseline entry: {} passes now; remove it from {} ({})",
                    entry.id, baseline.file, entry.reason
                ),
                EntryStatus::NotRun => eprintln!(
                    "baseline entry not judged: {} did not pass or fail in this run ({})",
                    entry.id, entry.reason
                ),
            }
        }
    }
    eprintln!(
        "qrconform: {} in {:.1} s",
        summary.tally_styled(crate::harness::run::stderr_coloured()),
        elapsed.as_secs_f64()
    );

    if let Some(baseline) = &summary.baseline {
        let expected = baseline
            .entries
            .iter()
            .filter(|e| e.status == EntryStatus::FailingAsExpected)
            .count();
        eprintln!(
            "qrconform: baseline {}: {expected} failure(s) expected, {} stale entr{}",
            baseline.file,
            baseline.stale().count(),
            if baseline.stale().count() == 1 {
                "y"
            } else {
                "ies"
            }
        );
    }
    if summary.planned == 0 {
        eprintln!("qrconform: no case matched the filter; nothing ran (exit 3)");
        return;
    }
    let incomplete = summary.incomplete();
    if !incomplete.is_empty() {
        eprintln!(
            "qrconform: the run is incomplete (H-1), so it is not conformant (exit {}):",
            summary.exit_code()
        );
        for why in &incomplete {
            eprintln!("  - {why}");
        }
    }
}
