//! The recipes that generate qrconform's own vector files from fixed seeds.
//!
//! Each family lives in its own module; [`all`] lists every generated file in the order
//! `vectors check` examines them.

pub mod eos_crypto;
pub mod eos_packing;
pub mod invoke;
pub mod keys;
pub mod messages;
pub mod signatures;
pub mod sw_messages;
pub mod transport;
pub mod tx;

use super::Recipe;

/// Every generated vector file.
pub fn all() -> Vec<Recipe> {
    vec![
        Recipe {
            path: "ontology/keys.json",
            build: keys::build,
        },
        Recipe {
            path: "ontology/signatures.json",
            build: signatures::build,
        },
        Recipe {
            path: "ontology/transport.json",
            build: transport::build,
        },
        Recipe {
            path: "ontology/messages.json",
            build: messages::build,
        },
        Recipe {
            path: "ontology/invoke.json",
            build: invoke::build,
        },
        Recipe {
            path: "ontology/transactions.json",
            build: tx::build,
        },
        Recipe {
            path: "simplewallet/keys.json",
            build: eos_crypto::build_keys,
        },
        Recipe {
            path: "simplewallet/signatures.json",
            build: eos_crypto::build_signatures,
        },
        Recipe {
            path: "simplewallet/eosio.json",
            build: eos_packing::build,
        },
        Recipe {
            path: "simplewallet/messages.json",
            build: sw_messages::build,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vectors::{render, TestCase, TestGroup, VectorFile};

    type Check = fn(&TestGroup, &TestCase) -> Result<(), String>;
    /// A family's name, its recipe and its check.
    type Family = (&'static str, fn() -> VectorFile, Check);

    /// The families whose verdict lives in the library, so a recipe change is judged by
    /// `cargo test --lib` before any file is regenerated. (Keys and signatures are judged
    /// in `tests/vectors/`.)
    const LIBRARY_CHECKED: &[Family] = &[
        ("transport", transport::build, transport::check),
        ("messages", messages::build, messages::check),
        ("invoke", invoke::build, invoke::check),
        ("tx", tx::build, tx::check),
        ("eos keys", eos_crypto::build_keys, eos_crypto::check),
        (
            "eos signatures",
            eos_crypto::build_signatures,
            eos_crypto::check,
        ),
        ("eosio", eos_packing::build, eos_packing::check),
        ("sw messages", sw_messages::build, sw_messages::check),
    ];

    /// Every case passes its own family's check, both as built and after the rendered file
    /// is read back (the harness reads the file, not the built value).
    #[test]
    fn every_case_passes_its_check_as_built_and_as_rendered() {
        let mut failures = Vec::new();
        for (name, build, check) in LIBRARY_CHECKED {
            let built = build();
            let read_back: VectorFile =
                serde_json::from_str(&render(&built)).expect("a rendered file parses");
            assert_eq!(
                read_back, built,
                "{name}: the rendered file reads back unchanged"
            );
            for group in &read_back.test_groups {
                for case in &group.tests {
                    if let Err(reason) = check(group, case) {
                        failures.push(format!(
                            "{name} tcId {} [{}] ({}): {reason}",
                            case.tc_id, group.kind, case.comment
                        ));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
