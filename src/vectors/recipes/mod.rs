//! The recipes that generate qrconform's own vector files from fixed seeds.
//!
//! Each family lives in its own module; [`all`] lists every generated file in the order
//! `vectors check` examines them.

pub mod invoke;
pub mod keys;
pub mod messages;
pub mod signatures;
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
    ]
}
