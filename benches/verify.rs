//! `ontology verify` on qrconform's path against a bare p256 verification of the same
//! signature, in the same run, so the ratio shows what parsing, range checks and the
//! protocol's error reporting cost on top of the curve arithmetic.
//!
//! Run: `cargo bench --bench verify`.

use divan::black_box;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use qrconform::protocol::ontology::crypto::verify_hex;

/// The published CEP-1 login example (digest vector V1).
const PUBLIC_KEY: &str = "0205c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba61";
const SIGNATURE: &str = "01abd7ea9d79c857cd838cabbbaad3efb44a6fc4f5a5ef52ea8461d6c055b8a7cf324d1a58962988709705cefe40df5b26e88af3ca387ec5036ec7f5e6640a1754";
const MESSAGE: &str = "helloworld";

fn main() {
    divan::main();
}

/// What a dApp back end does with a login callback: hex public key, hex signature and the
/// message in, verdict out.
#[divan::bench]
fn ontology_verify_from_hex() {
    verify_hex(
        black_box(PUBLIC_KEY),
        black_box(SIGNATURE),
        black_box(MESSAGE),
        false,
    )
    .expect("V1 verifies");
}

/// The floor: p256 alone, key and signature already parsed.
#[divan::bench]
fn bare_p256_verify(bencher: divan::Bencher) {
    let key = VerifyingKey::from_sec1_bytes(&hex::decode(PUBLIC_KEY).expect("hex")).expect("key");
    let signature =
        Signature::from_slice(&hex::decode(SIGNATURE).expect("hex")[1..]).expect("signature");
    bencher.bench_local(|| {
        key.verify(black_box(MESSAGE.as_bytes()), black_box(&signature))
            .expect("V1 verifies")
    });
}
