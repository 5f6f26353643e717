//! Feeds libFuzzer's inputs to `qrconform::fuzzing::eos_tx`; the body lives in the library so
//! `tests/fuzz_corpora.rs` replays the same code on stable Rust.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qrconform::fuzzing::eos_tx(data));
