//! Wall-clock time for everything that judges expiry: the suites, the reference dApps and
//! wallets, and the mock nodes.
//!
//! A [`Clock`] is either the system clock or a *shared virtual* clock: the system clock plus
//! an offset that [`Clock::wait_until`] moves forward instead of sleeping. When a suite runs
//! against an in-process reference, the suite, the reference and its node hold clones of one
//! virtual clock, so an expiry case lets a QR code's lifetime pass at once and every party
//! sees the same time. An out-of-process peer keeps its own clock, so runs against it use
//! the system clock and really wait (with millisecond deadlines).
//!
//! Only wall-clock readings go through here. Network timeouts and deadlines are measured on
//! tokio's monotonic timer and are never advanced: a hung peer still times out.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The system clock, or a virtual clock shared by every clone (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// Milliseconds the virtual clock is ahead of the system clock; `None` for the system
    /// clock itself.
    ahead_ms: Option<Arc<AtomicU64>>,
}

impl Clock {
    /// The system clock: [`Clock::wait_until`] sleeps.
    pub fn system() -> Clock {
        Clock { ahead_ms: None }
    }

    /// A virtual clock that starts at the system time; its clones share it.
    pub fn virtual_shared() -> Clock {
        Clock {
            ahead_ms: Some(Arc::new(AtomicU64::new(0))),
        }
    }

    /// Whether waiting on this clock advances it instead of sleeping.
    pub fn is_virtual(&self) -> bool {
        self.ahead_ms.is_some()
    }

    /// The time since the Unix epoch (zero if the system clock is set before 1970).
    pub fn now(&self) -> Duration {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        match &self.ahead_ms {
            None => system,
            Some(ahead) => {
                system.saturating_add(Duration::from_millis(ahead.load(Ordering::SeqCst)))
            }
        }
    }

    /// Whole seconds since the Unix epoch.
    pub fn unix_secs(&self) -> u64 {
        self.now().as_secs()
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_ms(&self) -> u64 {
        u64::try_from(self.now().as_millis()).unwrap_or(u64::MAX)
    }

    /// Returns once the clock reads at least `deadline` (since the Unix epoch): a virtual
    /// clock is moved forward to it at once, the system clock is slept on. A deadline in the
    /// past returns at once.
    pub async fn wait_until(&self, deadline: Duration) {
        let wait = deadline.saturating_sub(self.now());
        if wait.is_zero() {
            return;
        }
        match &self.ahead_ms {
            // Rounded up to the next millisecond, so the clock reads at least the deadline.
            Some(ahead) => {
                let ms = u64::try_from(wait.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX);
                ahead
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |a| {
                        Some(a.saturating_add(ms))
                    })
                    .ok();
            }
            // Waiting for the wall clock, not for a peer: nothing else could wake this.
            None => tokio::time::sleep(wait).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_virtual_clock_reaches_the_deadline_without_sleeping_and_its_clones_follow() {
        let clock = Clock::virtual_shared();
        let clone = clock.clone();
        let deadline = clock.now() + Duration::from_secs(3600);
        let started = std::time::Instant::now();
        clock.wait_until(deadline).await;
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(clock.now() >= deadline);
        assert!(clone.now() >= deadline, "clones share the advance");
        assert!(!Clock::system().is_virtual());
        assert!(clock.is_virtual());
    }

    #[tokio::test]
    async fn the_system_clock_sleeps_until_the_deadline() {
        let clock = Clock::system();
        let deadline = clock.now() + Duration::from_millis(30);
        clock.wait_until(deadline).await;
        assert!(clock.now() >= deadline);
        // A deadline in the past returns at once.
        clock.wait_until(Duration::ZERO).await;
    }

    #[test]
    fn readings_agree_with_each_other() {
        let clock = Clock::system();
        let secs = clock.unix_secs();
        let ms = clock.unix_ms();
        assert!(ms / 1000 >= secs && ms / 1000 - secs <= 1);
    }
}
