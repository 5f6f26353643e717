//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) through the library's fuzz
//! entry points on stable Rust, so CI holds every input a fuzzer has kept, including every
//! crash once fixed, to "returns without panicking" (profile clauses H-4/H-5).
//!
//! One test per target, named after it: the union of [`qrconform::fuzzing::TARGETS`] and
//! the corpus folders, so a corpus folder with no entry point, or an entry point with no
//! corpus folder, is a test of its own that fails. A further test checks that each
//! `fuzz/fuzz_targets/<target>.rs` calls its entry point.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use qrconform::fuzzing::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// Runs every file of `fuzz/corpus/<name>/` through the entry point of the target `name`.
fn replay(name: &str) -> Result<(), Failed> {
    let target = TARGETS
        .iter()
        .find(|target| target.name == name)
        .ok_or_else(|| {
            format!("fuzz/corpus/{name}/ has no entry point in qrconform::fuzzing::TARGETS")
        })?;
    let dir = fuzz_dir().join("corpus").join(name);
    let entries = std::fs::read_dir(&dir).map_err(|e| {
        format!(
            "the target `{name}` has no corpus at {}: {e}",
            dir.display()
        )
    })?;
    // Sorted, so a failure names the same first input on every run.
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(format!("the corpus of `{name}` at {} is empty", dir.display()).into());
    }
    for file in &files {
        let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        // The panic message itself goes to stderr through the default hook.
        std::panic::catch_unwind(|| (target.entry)(&data)).map_err(|_| {
            format!(
                "the fuzz entry point `{name}` panicked on {}",
                file.display()
            )
        })?;
    }
    Ok(())
}

/// Each `fuzz/fuzz_targets/<name>.rs` must call the entry point the replay runs, or the
/// fuzzer and CI would exercise different code.
fn binaries_call_their_entry_points() -> Result<(), Failed> {
    for target in TARGETS {
        let path = fuzz_dir()
            .join("fuzz_targets")
            .join(format!("{}.rs", target.name));
        let source = std::fs::read_to_string(&path)
            .map_err(|e| format!("no fuzz target at {}: {e}", path.display()))?;
        let call = format!("qrconform::fuzzing::{}(", target.name);
        if !source.contains(&call) {
            return Err(format!("{} does not call `{call}…)`", path.display()).into());
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut names: BTreeSet<String> = TARGETS.iter().map(|t| t.name.to_string()).collect();
    if let Ok(entries) = std::fs::read_dir(fuzz_dir().join("corpus")) {
        for entry in entries.flatten() {
            if entry.path().is_dir() {
                names.insert(entry.file_name().to_string_lossy().into_owned());
            }
        }
    }
    let mut trials: Vec<Trial> = names
        .into_iter()
        .map(|name| Trial::test(format!("corpus::{name}"), move || replay(&name)))
        .collect();
    trials.push(Trial::test(
        "fuzz_targets_call_their_entry_points",
        binaries_call_their_entry_points,
    ));
    libtest_mimic::run(&args, trials).exit();
}
