//! qrconform: a conformance test suite and mock wallet/dApp harness for scan-to-sign
//! wallet protocols (Ontology dAPI mobile; EOS SimpleWallet).
//!
//! The library owns everything; the binary (`src/main.rs`) only parses the command line,
//! calls into [`cli`] and maps the outcome to an exit code. See `ARCHITECTURE.md` for the
//! code map and the invariants each module keeps.

pub mod chain;
pub mod cli;
pub mod clock;
pub mod entropy;
pub mod escape;
pub mod fuzzing;
pub mod harness;
pub mod net;
pub mod protocol;
pub mod reference;
pub mod render;
pub mod report;
pub mod schema;
pub mod transcript;
pub mod vectors;
