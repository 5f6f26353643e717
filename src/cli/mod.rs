//! The command line: argument types (clap derive), validation into typed inputs, and the
//! exit-code contract every subcommand keeps.
//!
//! Exit codes: `0` success or a positive verdict; `1` a negative verdict (an invalid
//! signature, a schema violation, a vector mismatch, a conformance failure); `2` a usage,
//! input, harness or configuration error (clap's own usage errors already exit 2); `3` a
//! incomplete suite run (a MUST case skipped, a negative case whose twin did not pass, nothing
//! selected, or a run stopped early). Malformed input never panics: every decoder returns a
//! typed error that names the input, and [`CliError`] carries it to `main`.

pub mod eos;
pub mod explain;
pub mod init;
pub mod list;
pub mod ontology;
pub mod qr;
pub mod schema;
pub mod selftest;
pub mod serve;
pub mod test;
pub mod vectors;

use std::io::Read;
use std::path::Path;

use clap::{Parser, Subcommand};

/// Largest input a command reads from a file or standard input. QR payloads and protocol
/// messages are a few kilobytes; the bound keeps a stray `cat /dev/zero |` from exhausting
/// memory.
pub const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

/// Conformance suite and mock wallet/dApp harness for scan-to-sign wallet protocols.
#[derive(Debug, Parser)]
#[command(name = "qrconform", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 ok, 1 negative verdict (a conformance failure), 2 usage, input, \
    harness or configuration error, 3 an incomplete suite run (a MUST case skipped, a negative \
    case whose twin did not pass, nothing selected, or the run stopped early)."
)]
pub struct Cli {
    /// When to colour the output; `auto` colours it on a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`: when the output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    // No variant docs: clap would list them under `--color` in every command's help.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// The choice the command line makes, read before clap parses it so that clap's own
    /// help and error messages follow it too; `auto` when absent or unreadable.
    pub fn from_args(args: &[std::ffi::OsString]) -> clap::ColorChoice {
        let mut value = None;
        let mut words = args.iter().skip(1).map(|a| a.to_string_lossy());
        while let Some(word) = words.next() {
            if word == "--" {
                break;
            }
            if let Some(given) = word.strip_prefix("--color=") {
                value = Some(given.to_string());
            } else if word == "--color" {
                value = words.next().map(|w| w.to_string());
            }
        }
        match value.as_deref() {
            Some("always") => clap::ColorChoice::Always,
            Some("never") => clap::ColorChoice::Never,
            _ => clap::ColorChoice::Auto,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented target file for `test dapp` or `test wallet` to start from.
    #[command(
        after_help = "Example: qrconform init dapp --protocol ontology --out backend.toml\n\n\
        The file declares every source, port and limit with what it means, and `qrconform test \
        dapp|wallet --protocol P --target FILE --list` accepts it as written. Without --out it \
        is printed on standard output; an existing file is kept unless --force is given."
    )]
    Init(init::InitArgs),
    /// Prove the suites: run them against the reference implementations, clean and with
    /// every named fault, and print the kill matrix.
    SelfTest(selftest::SelfTestArgs),
    /// List the cases of the embedded suites with the clauses each checks.
    List(list::ListArgs),
    /// Explain one case (its clauses, seeds, play, expectation, twin and the faults it is
    /// proven to kill) or one clause (its text, duties and the cases citing it).
    Explain(explain::ExplainArgs),
    /// Ontology keys, addresses, signatures, verification and transactions (build, decode,
    /// hash).
    #[command(subcommand)]
    Ontology(ontology::OntologyCommand),
    /// EOS keys, SIG_K1_ signatures, verification and key recovery (SimpleWallet).
    #[command(subcommand)]
    Eos(eos::EosCommand),
    /// Decode, encode and render QR code text of either protocol (plain JSON and deep links).
    #[command(subcommand)]
    Qr(qr::QrCommand),
    /// List the embedded JSON Schemas and validate messages against them.
    #[command(subcommand)]
    Schema(schema::SchemaCommand),
    /// Run a conformance suite against a dApp back end or a wallet (or a reference).
    #[command(subcommand)]
    Test(Box<test::TestCommand>),
    /// Run a mock chain node (Ontology or EOS), a reference dApp or a reference wallet as a
    /// server.
    #[command(subcommand)]
    Serve(serve::ServeCommand),
    /// Check or regenerate the golden vectors.
    #[command(subcommand)]
    Vectors(vectors::VectorsCommand),
}

/// How a command that ran to the end judged its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Exit 0.
    Positive,
    /// Exit 1: the input was well-formed and the answer is "no".
    Negative,
    /// Exit 3: a suite run in which nothing ran, or that stopped early.
    Vacuous,
}

/// A usage or input error: exit 2. The message names the input that is wrong.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

impl CliError {
    pub fn new(message: impl Into<String>) -> Self {
        CliError(message.into())
    }
}

/// Every subcommand's result.
pub type CmdResult = Result<Verdict, CliError>;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> CmdResult {
    crate::harness::run::set_color(match cli.color {
        ColorChoice::Auto => None,
        ColorChoice::Always => Some(true),
        ColorChoice::Never => Some(false),
    });
    match cli.command {
        Command::Init(args) => init::run(args),
        Command::Eos(cmd) => eos::run(cmd),
        Command::Explain(args) => explain::run(args),
        Command::List(args) => list::run(args),
        Command::Ontology(cmd) => ontology::run(cmd),
        Command::Qr(cmd) => qr::run(cmd),
        Command::Schema(cmd) => schema::run(cmd),
        Command::SelfTest(args) => selftest::run(args),
        Command::Serve(cmd) => serve::run(cmd),
        Command::Test(cmd) => test::run(*cmd),
        Command::Vectors(cmd) => vectors::run(cmd),
    }
}

impl Command {
    /// Whether the command runs a server (which must survive peers closing connections
    /// mid-answer, so keeps ignoring SIGPIPE).
    pub fn is_long_running(&self) -> bool {
        match self {
            Command::Serve(cmd) => cmd.is_long_running(),
            _ => false,
        }
    }
}

/// Reads a whole input named on the command line: a file path, or `-`/nothing for standard
/// input, bounded by [`MAX_INPUT_BYTES`] and required to be UTF-8.
pub fn read_input(source: Option<&str>) -> Result<String, CliError> {
    let (name, bytes) = match source {
        None | Some("-") => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::new(format!("failed to read standard input: {e}")))?;
            ("standard input".to_string(), bytes)
        }
        Some(path) => {
            let file = std::fs::File::open(Path::new(path))
                .map_err(|e| CliError::new(format!("failed to open input file `{path}`: {e}")))?;
            let mut bytes = Vec::new();
            file.take(MAX_INPUT_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::new(format!("failed to read input file `{path}`: {e}")))?;
            (format!("input file `{path}`"), bytes)
        }
    };
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(CliError::new(format!(
            "{name} is larger than {MAX_INPUT_BYTES} bytes; refusing to read it"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        CliError::new(format!(
            "{name} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Parses JSON text read from `name`, naming the input and the position on failure.
pub fn parse_json(name: &str, text: &str) -> Result<serde_json::Value, CliError> {
    serde_json::from_str(text).map_err(|e| CliError::new(format!("{name} is not valid JSON: {e}")))
}

/// The async runtime the network commands run on (two workers: the machine CI uses has two
/// cores, and the servers and suites are IO-bound).
pub fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(format!("failed to start the async runtime: {e}")))
}

/// Prints a JSON value, pretty, followed by a newline.
pub fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values serialize")
    );
}

/// A private key drawn from the operating system's randomness: `from_bytes` of 32 random
/// bytes. Almost every 32-byte string is a valid scalar; the rare one that is not is drawn
/// again.
pub(crate) fn random_key<K, E>(
    from_bytes: impl Fn(&[u8; 32]) -> Result<K, E>,
) -> Result<K, CliError> {
    for _ in 0..16 {
        if let Ok(key) = from_bytes(&os_random::<32>()?) {
            return Ok(key);
        }
    }
    Err(CliError::new(
        "failed to draw a valid private key from the operating system's randomness",
    ))
}

/// `text` as an error message shows it: inputs are echoed so the user sees which one is
/// wrong, but past `max` characters only the start and the length, as a megabyte of text
/// helps nobody.
pub(crate) fn abbreviate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!(
            "{}… ({} characters)",
            text.chars().take(max).collect::<String>(),
            text.chars().count()
        )
    }
}

/// `N` bytes from the operating system's randomness (fresh keys and nonces).
pub(crate) fn os_random<const N: usize>() -> Result<[u8; N], CliError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        CliError::new(format!(
            "failed to read the operating system's randomness: {e}"
        ))
    })?;
    Ok(bytes)
}
