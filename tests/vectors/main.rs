//! Every vector in `vectors/` as a named trial: `<folder>::<file>::tc<N>`, for example
//! `ontology::signatures::tc17`, `simplewallet::mykey::tc1` or
//! `wycheproof::ecdsa_secp256r1_sha256_p1363_test::tc3`.
//!
//! Each family has one `check` function (its own module) that judges one test case against
//! the library; this file only finds the files, dispatches by `algorithm` and reports. A file
//! whose algorithm no family claims is itself a failing trial, so a new vector file cannot
//! sit unchecked. Besides the per-vector trials, `vectors::check` runs as one more trial so
//! `cargo test` also fails when the generated files drift from their recipes.

mod invoke;
mod keys;
mod messages;
mod signatures;
mod simplewallet;
mod transport;
mod tx;
mod wycheproof;

use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use qrconform::vectors::{TestCase, TestGroup, TestResult, VectorFile};

type Check = fn(&TestGroup, &TestCase) -> Result<(), String>;

fn family(file: &VectorFile) -> Option<Check> {
    match file.algorithm.as_str() {
        "ONTOLOGY-KEYS" => Some(keys::check),
        "ONTOLOGY-SIGNATURES" => Some(signatures::check),
        "ONTOLOGY-TRANSPORT" => Some(transport::check),
        "ONTOLOGY-MESSAGES" => Some(messages::check),
        "ONTOLOGY-INVOKE" => Some(invoke::check),
        "ONTOLOGY-TX" => Some(tx::check),
        "SIMPLEWALLET-CRYPTO" => Some(simplewallet::check_crypto),
        "SIMPLEWALLET-EOSIO" => Some(simplewallet::check_eosio),
        "SIMPLEWALLET-MESSAGES" => Some(simplewallet::check_messages),
        "ECDSA" => match file.extra.get("schema").and_then(|s| s.as_str()) {
            Some("ecdsa_p1363_verify_schema_v1.json") => Some(wycheproof::check_p1363),
            Some("ecdsa_verify_schema_v1.json") => Some(wycheproof::check_der),
            Some("ecdsa_bitcoin_verify_schema.json") => Some(wycheproof::check_bitcoin),
            _ => None,
        },
        _ => None,
    }
}

fn vector_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

fn vector_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", folder.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `ontology::signatures` for `vectors/ontology/signatures.json`.
fn trial_prefix(dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(dir).unwrap_or(path).with_extension("");
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("::")
}

fn trials_for(dir: &Path, path: &Path) -> Vec<Trial> {
    let prefix = trial_prefix(dir, path);
    let file: VectorFile = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
    {
        Ok(file) => file,
        Err(reason) => {
            return vec![Trial::test(format!("{prefix}::file"), move || {
                Err(Failed::from(format!("not a vector file: {reason}")))
            })]
        }
    };
    let Some(check) = family(&file) else {
        let algorithm = file.algorithm.clone();
        return vec![Trial::test(format!("{prefix}::file"), move || {
            Err(Failed::from(format!(
                "no checker for algorithm `{algorithm}`"
            )))
        })];
    };
    let mut trials = Vec::new();
    let declared = file.number_of_tests;
    let actual = file.cases().count();
    trials.push(Trial::test(format!("{prefix}::count"), move || {
        if declared == actual {
            Ok(())
        } else {
            Err(Failed::from(format!(
                "numberOfTests says {declared}, the file has {actual}"
            )))
        }
    }));
    for group in &file.test_groups {
        for case in &group.tests {
            let group = TestGroup {
                tests: Vec::new(),
                ..group.clone()
            };
            let case = case.clone();
            let kind = match case.result {
                TestResult::Valid => "valid",
                TestResult::Invalid => "invalid",
                TestResult::Acceptable => "acceptable",
            };
            trials.push(
                Trial::test(format!("{prefix}::tc{}", case.tc_id), move || {
                    check(&group, &case).map_err(|reason| {
                        Failed::from(format!("tcId {} ({}): {reason}", case.tc_id, case.comment))
                    })
                })
                .with_kind(kind),
            );
        }
    }
    trials
}

fn main() {
    let args = Arguments::from_args();
    let dir = vector_dir();
    let mut trials: Vec<Trial> = vector_files(&dir)
        .iter()
        .flat_map(|path| trials_for(&dir, path))
        .collect();
    let recipe_dir = dir.clone();
    trials.push(Trial::test(
        "generated::match_recipes",
        move || match qrconform::vectors::check(&recipe_dir) {
            None => Ok(()),
            Some(mismatch) => Err(Failed::from(mismatch.to_string())),
        },
    ));
    libtest_mimic::run(&args, trials).exit();
}

/// Reads an optional string input (absent or null → None).
pub fn optional_str<'a>(case: &'a TestCase, key: &str) -> Option<&'a str> {
    case.inputs.get(key).and_then(|v| v.as_str())
}

/// Reads a string attribute of a group.
pub fn group_str<'a>(group: &'a TestGroup, key: &str) -> Option<&'a str> {
    group.attributes.get(key).and_then(|v| v.as_str())
}

/// Compares an expected rejection (`reason`) with the error kind the library gave.
pub fn expect_outcome(case: &TestCase, outcome: Result<(), &'static str>) -> Result<(), String> {
    let reason = optional_str(case, "reason");
    match (case.result, outcome) {
        (TestResult::Valid, Ok(())) | (TestResult::Acceptable, _) => Ok(()),
        (TestResult::Valid, Err(kind)) => Err(format!("expected valid, rejected as `{kind}`")),
        (TestResult::Invalid, Ok(())) => Err(format!(
            "expected rejection `{}`, accepted",
            reason.unwrap_or("any")
        )),
        (TestResult::Invalid, Err(kind)) => match reason {
            Some(want) if want != kind => Err(format!("rejected as `{kind}`, expected `{want}`")),
            _ => Ok(()),
        },
    }
}
