//! The Wycheproof-style vector file model shared by generated and external vector files.
//!
//! Inputs of a test case are kept as an ordered JSON map so one model serves every family
//! (signatures, keys, transport encodings, messages) and so Wycheproof's own files parse
//! without loss.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One vector file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VectorFile {
    pub algorithm: String,
    /// What produced the file: a recipe name for generated files, `external` otherwise.
    #[serde(default)]
    pub generator: String,
    /// Provenance: the seed and recipe, or the public source and its citation.
    #[serde(default)]
    pub source: Value,
    pub number_of_tests: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header: Vec<String>,
    /// Meaning of each flag used by the tests.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub notes: Map<String, Value>,
    pub test_groups: Vec<TestGroup>,
    /// Any other top-level key of an external file (for example Wycheproof's `schema`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A group of tests sharing attributes (a key, a message kind, an encoding family).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestGroup {
    #[serde(rename = "type")]
    pub kind: String,
    /// Group attributes, for example the public key every test of the group uses.
    #[serde(flatten)]
    pub attributes: Map<String, Value>,
    pub tests: Vec<TestCase>,
}

/// One test case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    #[serde(rename = "tcId")]
    pub tc_id: u64,
    pub comment: String,
    #[serde(default)]
    pub flags: Vec<String>,
    /// The inputs and expected outputs, named per family.
    #[serde(flatten)]
    pub inputs: Map<String, Value>,
    pub result: TestResult,
}

/// The expected verdict, in Wycheproof's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TestResult {
    Valid,
    Invalid,
    /// Either verdict is allowed; counted apart in reports.
    Acceptable,
}

impl VectorFile {
    /// Builds a file, numbering the tests 1.. in order and counting them.
    pub fn numbered(
        algorithm: &str,
        generator: &str,
        source: Value,
        notes: Map<String, Value>,
        mut test_groups: Vec<TestGroup>,
    ) -> Self {
        let mut next = 1;
        for group in &mut test_groups {
            for test in &mut group.tests {
                test.tc_id = next;
                next += 1;
            }
        }
        VectorFile {
            algorithm: algorithm.to_string(),
            generator: generator.to_string(),
            source,
            number_of_tests: (next - 1) as usize,
            header: Vec::new(),
            notes,
            test_groups,
            extra: Map::new(),
        }
    }

    /// Every test case, in file order.
    pub fn cases(&self) -> impl Iterator<Item = &TestCase> {
        self.test_groups.iter().flat_map(|g| g.tests.iter())
    }
}

impl TestCase {
    /// An input by name; the error names the missing field, for check functions to return.
    pub fn input(&self, key: &str) -> Result<&Value, String> {
        self.inputs
            .get(key)
            .ok_or_else(|| format!("missing field `{key}`"))
    }

    /// A string input by name; the error names the field that is missing or not a string.
    pub fn input_str(&self, key: &str) -> Result<&str, String> {
        self.input(key)?
            .as_str()
            .ok_or_else(|| format!("field `{key}` is not a string"))
    }

    /// A case whose `tcId` is assigned later by [`VectorFile::numbered`].
    pub fn new(
        comment: impl Into<String>,
        flags: &[&str],
        inputs: Value,
        result: TestResult,
    ) -> Self {
        let inputs = match inputs {
            Value::Object(map) => map,
            other => {
                let mut map = Map::new();
                map.insert("input".into(), other);
                map
            }
        };
        TestCase {
            tc_id: 0,
            comment: comment.into(),
            flags: flags.iter().map(|f| f.to_string()).collect(),
            inputs,
            result,
        }
    }
}

impl TestGroup {
    pub fn new(kind: &str, attributes: Value, tests: Vec<TestCase>) -> Self {
        let attributes = match attributes {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        TestGroup {
            kind: kind.to_string(),
            attributes,
            tests,
        }
    }
}
