//! `qrconform vectors check|regen`: compare the generated golden vectors with their recipes,
//! or rewrite them.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{CliError, CmdResult, Verdict};
use crate::vectors;

#[derive(Debug, Subcommand)]
pub enum VectorsCommand {
    /// Recompute every generated vector file and compare it byte for byte with the stored
    /// one. Exits 1 naming the first vector that differs.
    Check(DirArg),
    /// Rewrite every generated vector file from its recipe (byte-identical on every run).
    /// External files (published SDK vectors, Wycheproof) are left alone.
    Regen(DirArg),
}

#[derive(Debug, Args)]
pub struct DirArg {
    /// The vector directory.
    #[arg(long, value_name = "DIR", default_value = "vectors")]
    pub dir: PathBuf,
}

pub fn run(cmd: VectorsCommand) -> CmdResult {
    match cmd {
        VectorsCommand::Check(DirArg { dir }) => {
            if !dir.is_dir() {
                return Err(CliError::new(format!(
                    "vector directory `{}` does not exist",
                    dir.display()
                )));
            }
            match vectors::check(&dir) {
                None => {
                    let recipes = vectors::recipes::all();
                    let count: usize = recipes.iter().map(|r| (r.build)().number_of_tests).sum();
                    println!(
                        "ok: {} generated files, {count} vectors, match their recipes",
                        recipes.len()
                    );
                    Ok(Verdict::Positive)
                }
                Some(mismatch) => {
                    println!("mismatch: {mismatch}");
                    println!(
                        "run `qrconform vectors regen --dir {}` if the recipe change is intended",
                        dir.display()
                    );
                    Ok(Verdict::Negative)
                }
            }
        }
        VectorsCommand::Regen(DirArg { dir }) => {
            let written = vectors::regen(&dir).map_err(|e| {
                CliError::new(format!(
                    "failed to write vectors under `{}`: {e}",
                    dir.display()
                ))
            })?;
            for path in written {
                println!("wrote {}", path.display());
            }
            Ok(Verdict::Positive)
        }
    }
}
