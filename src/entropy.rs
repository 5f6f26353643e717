//! Where qrconform's own randomness comes from: the operating system, or a seed.
//!
//! The harness and the reference implementations draw the values a protocol wants fresh
//! (session ids, messages to sign, transaction nonces, case tokens) from an [`Entropy`].
//! Against a real implementation it is the operating system's. When the suites run against
//! the built-in references (the self-test, the snapshot reports) it is seeded, so two runs
//! draw the same values in the same order and their reports agree byte for byte. Values
//! stay distinct within a run: each draw hashes the seed with a draw counter.

use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

/// A source of random bytes.
#[derive(Debug)]
pub struct Entropy {
    seed: Option<[u8; 32]>,
    draws: AtomicU64,
}

impl Entropy {
    /// The operating system's randomness.
    pub fn os() -> Self {
        Entropy {
            seed: None,
            draws: AtomicU64::new(0),
        }
    }

    /// A reproducible stream named by `label`: the same label gives the same draws.
    pub fn seeded(label: &str) -> Self {
        Entropy {
            seed: Some(Sha256::digest(label.as_bytes()).into()),
            draws: AtomicU64::new(0),
        }
    }

    /// Fills `out`.
    pub fn fill(&self, out: &mut [u8]) -> Result<(), String> {
        let Some(seed) = self.seed else {
            return getrandom::fill(out)
                .map_err(|e| format!("failed to read the operating system's randomness: {e}"));
        };
        let draw = self.draws.fetch_add(1, Ordering::Relaxed);
        for (block, chunk) in out.chunks_mut(32).enumerate() {
            let digest = Sha256::new()
                .chain_update(seed)
                .chain_update(draw.to_be_bytes())
                .chain_update((block as u64).to_be_bytes())
                .finalize();
            chunk.copy_from_slice(&digest[..chunk.len()]);
        }
        Ok(())
    }

    /// `n` random bytes as lower-case hex.
    pub fn hex(&self, n: usize) -> Result<String, String> {
        let mut bytes = vec![0u8; n];
        self.fill(&mut bytes)?;
        Ok(hex::encode(bytes))
    }
}

impl Default for Entropy {
    fn default() -> Self {
        Entropy::os()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_repeats_across_streams_and_never_within_one() {
        let (a, b) = (Entropy::seeded("x"), Entropy::seeded("x"));
        let first = a.hex(40).unwrap();
        assert_eq!(first, b.hex(40).unwrap());
        assert_ne!(first, a.hex(40).unwrap());
        assert_ne!(first, Entropy::seeded("y").hex(40).unwrap());
        assert_eq!(first.len(), 80);
    }

    #[test]
    fn the_operating_system_gives_fresh_bytes() {
        let os = Entropy::os();
        assert_ne!(os.hex(16).unwrap(), os.hex(16).unwrap());
    }
}
