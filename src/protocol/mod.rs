//! Pure protocol models: serde types, transports, cryptography and codecs.
//!
//! Nothing under `protocol` performs IO, reads a clock or draws randomness except through
//! parameters, so every byte it produces is pinned by the vectors in `vectors/`.

pub mod driver;
pub mod ontology;
pub mod simplewallet;
