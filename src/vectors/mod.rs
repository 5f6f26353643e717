//! Golden vectors: the Wycheproof-style file model, the deterministic recipes that generate
//! qrconform's own vector files, and the `check`/`regen` operations over a vector directory.
//!
//! Generated files are a pure function of the recipes in [`recipes`] (fixed seeds, no clock,
//! no randomness), so `regen` is byte-identical run after run and `check` can name the first
//! vector that differs. External files (published SDK vectors, Wycheproof) are committed as
//! they were transcribed or copied and are never rewritten.

pub mod model;
pub mod recipes;

use std::fmt;
use std::path::{Path, PathBuf};

pub use model::{TestCase, TestGroup, TestResult, VectorFile};

/// A generated vector file: where it lives under the vector directory and how to build it.
pub struct Recipe {
    /// Path relative to the vector directory, with `/` separators.
    pub path: &'static str,
    /// Builds the file's content from fixed seeds.
    pub build: fn() -> VectorFile,
}

/// The text a recipe's file must contain, byte for byte.
pub fn render(file: &VectorFile) -> String {
    // serde_json's pretty printer is stable for a given value; the trailing newline keeps
    // the files friendly to line-oriented tools and diffs.
    let mut text = serde_json::to_string_pretty(file).expect("vector files serialize");
    text.push('\n');
    text
}

/// Why a vector directory does not match the recipes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The file is absent or unreadable.
    Missing { path: PathBuf, reason: String },
    /// The file is not a vector file at all.
    Unparsable { path: PathBuf, reason: String },
    /// A test case differs (or is missing/extra); `tc_id` names it.
    Vector {
        path: PathBuf,
        tc_id: u64,
        comment: String,
        detail: String,
    },
    /// The file differs outside its test cases (header fields, group attributes, layout).
    File { path: PathBuf, detail: String },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Missing { path, reason } => {
                write!(
                    f,
                    "{}: cannot read generated vector file: {reason}",
                    path.display()
                )
            }
            Mismatch::Unparsable { path, reason } => {
                write!(f, "{}: not a vector file: {reason}", path.display())
            }
            Mismatch::Vector {
                path,
                tc_id,
                comment,
                detail,
            } => {
                write!(
                    f,
                    "{}: tcId {tc_id} ({comment}) differs: {detail}",
                    path.display()
                )
            }
            Mismatch::File { path, detail } => write!(f, "{}: {detail}", path.display()),
        }
    }
}

/// Recomputes every generated file and compares it with what is in `dir`.
/// Returns the first mismatch, in recipe order, or `None` when everything matches.
pub fn check(dir: &Path) -> Option<Mismatch> {
    recipes::all()
        .iter()
        .find_map(|recipe| check_one(dir, recipe))
}

fn check_one(dir: &Path, recipe: &Recipe) -> Option<Mismatch> {
    let path = dir.join(recipe.path);
    let on_disk = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) => {
            return Some(Mismatch::Missing {
                path,
                reason: err.to_string(),
            })
        }
    };
    let expected = (recipe.build)();
    let expected_text = render(&expected);
    if on_disk == expected_text {
        return None;
    }
    let actual: VectorFile = match serde_json::from_str(&on_disk) {
        Ok(file) => file,
        Err(err) => {
            return Some(Mismatch::Unparsable {
                path,
                reason: err.to_string(),
            })
        }
    };
    Some(first_difference(path, &expected, &actual))
}

/// Names the first test case that differs between the recomputed and the stored file.
fn first_difference(path: PathBuf, expected: &VectorFile, actual: &VectorFile) -> Mismatch {
    let expected_cases = expected.cases().collect::<Vec<_>>();
    let actual_cases = actual.cases().collect::<Vec<_>>();
    for (i, want) in expected_cases.iter().enumerate() {
        match actual_cases.get(i) {
            None => {
                return Mismatch::Vector {
                    path,
                    tc_id: want.tc_id,
                    comment: want.comment.clone(),
                    detail: "missing from the stored file".into(),
                }
            }
            Some(got) if got != want => {
                let detail = describe_case_difference(want, got);
                return Mismatch::Vector {
                    path,
                    tc_id: want.tc_id,
                    comment: want.comment.clone(),
                    detail,
                };
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = actual_cases.get(expected_cases.len()) {
        return Mismatch::Vector {
            path,
            tc_id: extra.tc_id,
            comment: extra.comment.clone(),
            detail: "not produced by the recipe".into(),
        };
    }
    let detail = if render(actual) == render(expected) {
        "layout differs from `qrconform vectors regen` output (whitespace or key order)".into()
    } else {
        "file header or group attributes differ".into()
    };
    Mismatch::File { path, detail }
}

fn describe_case_difference(want: &TestCase, got: &TestCase) -> String {
    if want.tc_id != got.tc_id {
        return format!("stored tcId is {}", got.tc_id);
    }
    if want.result != got.result {
        return format!("result {:?} expected, stored {:?}", want.result, got.result);
    }
    for (key, value) in &want.inputs {
        if got.inputs.get(key) != Some(value) {
            return format!(
                "field `{key}` expected {value}, stored {}",
                got.inputs
                    .get(key)
                    .map_or("nothing".to_string(), |v| v.to_string())
            );
        }
    }
    if let Some(key) = got.inputs.keys().find(|k| !want.inputs.contains_key(*k)) {
        return format!("unexpected field `{key}`");
    }
    if want.flags != got.flags {
        return format!("flags expected {:?}, stored {:?}", want.flags, got.flags);
    }
    "comment differs".into()
}

/// Writes every generated file under `dir`, creating folders as needed.
/// Returns the paths written.
pub fn regen(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for recipe in recipes::all() {
        let path = dir.join(recipe.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, render(&(recipe.build)()))?;
        written.push(path);
    }
    Ok(written)
}
