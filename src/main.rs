//! The `qrconform` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use qrconform::cli::{self, Cli, ColorChoice, Verdict};

fn main() -> ExitCode {
    // clap's help and usage errors follow `--color` too.
    let args: Vec<_> = std::env::args_os().collect();
    let matches = Cli::command()
        .color(ColorChoice::from_args(&args))
        .get_matches_from(args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if !cli.command.is_long_running() {
        restore_default_sigpipe();
    }
    match cli::run(cli) {
        Ok(Verdict::Positive) => ExitCode::SUCCESS,
        Ok(Verdict::Negative) => ExitCode::from(1),
        Ok(Verdict::Vacuous) => ExitCode::from(3),
        Err(err) => {
            // Errors can quote a peer (a driver's identity, a node's answer).
            eprintln!(
                "qrconform: error: {}",
                qrconform::escape::escape_controls_in_lines(&err.to_string())
            );
            ExitCode::from(2)
        }
    }
}

/// Rust ignores SIGPIPE, so printing into a closed pipe (`qrconform … | head`) would panic.
/// A command-line filter should end quietly instead, as other Unix tools do.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called once at start-up, before any other thread exists; resetting a signal
    // disposition to its default has no other effect on the process.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
