//! What every reference dApp's QR codes share: the base URL they send the wallet to, when
//! they were issued, how long they live, and the randomness behind their ids; and the
//! expiry rule both reference dApps apply.

use std::time::Duration;

use crate::clock::Clock;
use crate::entropy::Entropy;

/// What every QR code of one server shares.
#[derive(Debug, Clone, Copy)]
pub struct Issuer<'a> {
    /// Base URL for callbacks, posts, the icon and `qrcodeUrl`, without a trailing slash.
    pub base: &'a str,
    /// The time of issue, since the Unix epoch.
    pub now: Duration,
    pub lifetime: Duration,
    pub entropy: &'a Entropy,
}

impl<'a> Issuer<'a> {
    /// An issuer at `base`, issuing now by `clock`, codes living `lifetime`.
    pub fn new(base: &'a str, clock: &Clock, lifetime: Duration, entropy: &'a Entropy) -> Self {
        Issuer {
            base,
            now: clock.now(),
            lifetime,
            entropy,
        }
    }

    /// When a code issued now expires, in Unix seconds.
    pub fn expiry(&self) -> u64 {
        expire_after(self.now, self.lifetime)
    }

    /// The icon URL QR codes name.
    pub fn icon(&self) -> String {
        format!("{}/icon.png", self.base)
    }
}

/// `now + lifetime` in Unix seconds, rounded up: the QR code is valid for at least
/// `lifetime`.
pub fn expire_after(now: Duration, lifetime: Duration) -> u64 {
    let at = now.saturating_add(lifetime);
    at.as_secs()
        .saturating_add(u64::from(at.subsec_nanos() > 0))
}

/// Whether `now` is past `expire` (Unix seconds).
pub fn is_expired(now: Duration, expire: u64) -> bool {
    now > Duration::from_secs(expire)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_rounds_up_and_compares_strictly() {
        let now = Duration::new(100, 1);
        assert_eq!(expire_after(now, Duration::from_secs(120)), 221);
        assert_eq!(expire_after(Duration::from_secs(100), Duration::ZERO), 100);
        assert!(!is_expired(Duration::from_secs(100), 100));
        assert!(is_expired(Duration::new(100, 1), 100));
    }
}
