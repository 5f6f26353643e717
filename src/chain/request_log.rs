//! The bounded request record the mock nodes share (profile H-5: a node keeps bounded state
//! whatever a peer sends): a ring of the last [`MAX_RECORDED_REQUESTS`] requests, each body
//! kept as a prefix of at most [`RECORDED_BODY_BYTES`] with its full length, and a count of
//! the requests that fell out of the ring.
//!
//! Every request gets a sequence number from a counter that never goes back, so a suite
//! that marks "requests since N" ([`RequestLog::mark`], [`RequestLog::since`]) keeps its
//! window when older requests are dropped, and learns how many of its own were lost
//! ([`RequestLog::dropped_since`]).

/// How many requests a node's record keeps; older ones are dropped (and counted).
pub const MAX_RECORDED_REQUESTS: usize = 1024;

/// How much of a request body a node's record keeps (a prefix; the full length is kept
/// beside it).
pub const RECORDED_BODY_BYTES: usize = 16 * 1024;

/// How much of each short field of a recorded request (method, path or JSON-RPC method,
/// transaction hash or id) the record keeps: these come from the peer too, and a JSON-RPC
/// method name or a hash asked for can be as long as the body.
pub const RECORDED_FIELD_BYTES: usize = 512;

/// A record entry that carries its sequence number.
pub trait Numbered {
    fn seq(&self) -> u64;
    fn set_seq(&mut self, seq: u64);
}

/// The last `capacity` entries, numbered from 0 in arrival order.
///
/// Entries live in a `Vec` so readers get a slice. Dropping the oldest entry on every push
/// would move the whole slice each time; instead up to a quarter of `capacity` dropped
/// entries stay allocated (invisible) and are removed together, which keeps a push O(1)
/// amortised and memory at most 1.25 × `capacity` entries.
#[derive(Debug, Clone)]
pub struct RequestLog<T> {
    entries: Vec<T>,
    capacity: usize,
    /// The sequence number of the next entry: also how many were ever pushed.
    next_seq: u64,
}

impl<T: Numbered> Default for RequestLog<T> {
    fn default() -> Self {
        Self::with_capacity(MAX_RECORDED_REQUESTS)
    }
}

impl<T: Numbered> RequestLog<T> {
    /// A log keeping the last `capacity` entries (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        RequestLog {
            entries: Vec::new(),
            capacity: capacity.max(1),
            next_seq: 0,
        }
    }

    /// Numbers `entry`, adds it, and drops the oldest past the capacity; its number.
    pub fn push(&mut self, mut entry: T) -> u64 {
        let seq = self.next_seq;
        entry.set_seq(seq);
        self.next_seq += 1;
        let slack = self.capacity / 4;
        if self.entries.len() >= self.capacity + slack {
            let excess = self.entries.len() + 1 - self.capacity;
            self.entries.drain(..excess);
        }
        self.entries.push(entry);
        seq
    }

    /// The kept entries, oldest first (at most the capacity).
    pub fn entries(&self) -> &[T] {
        let start = self.entries.len().saturating_sub(self.capacity);
        &self.entries[start..]
    }

    /// The number the next entry will get: a mark for [`Self::since`].
    pub fn mark(&self) -> u64 {
        self.next_seq
    }

    /// How many entries were ever pushed.
    pub fn total(&self) -> u64 {
        self.next_seq
    }

    /// How many entries were dropped to keep the bound.
    pub fn dropped(&self) -> u64 {
        self.next_seq - self.entries().len() as u64
    }

    /// The kept entries numbered `mark` or later.
    pub fn since(&self, mark: u64) -> &[T] {
        let entries = self.entries();
        let first = entries.partition_point(|e| e.seq() < mark);
        &entries[first..]
    }

    /// How many entries numbered `mark` or later were dropped.
    pub fn dropped_since(&self, mark: u64) -> u64 {
        let first_kept = self.entries().first().map_or(self.next_seq, Numbered::seq);
        first_kept.saturating_sub(mark)
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

/// The first `cap` bytes of `body` as text (UTF-8, lossy, cut on a character boundary),
/// without converting the rest.
pub fn body_prefix(body: &[u8], cap: usize) -> String {
    let raw = &body[..body.len().min(cap)];
    let mut text = String::from_utf8_lossy(raw).into_owned();
    // Lossy conversion turns each bad byte into three; cut back to the cap.
    if text.len() > cap {
        let mut end = cap;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

/// Cuts `text` to at most `cap` bytes on a character boundary, marking the cut with `…`
/// (so a cut field never equals an uncut one).
pub fn cap_field(text: &mut String, cap: usize) {
    if text.len() <= cap {
        return;
    }
    let mut end = cap.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push('…');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Entry(u64);

    impl Numbered for Entry {
        fn seq(&self) -> u64 {
            self.0
        }
        fn set_seq(&mut self, seq: u64) {
            self.0 = seq;
        }
    }

    #[test]
    fn keeps_the_last_entries_and_counts_the_dropped() {
        let mut log = RequestLog::with_capacity(8);
        for _ in 0..5 {
            log.push(Entry(99));
        }
        assert_eq!(log.entries().len(), 5);
        assert_eq!(log.dropped(), 0);
        for _ in 0..1000 {
            log.push(Entry(99));
            assert!(log.entries().len() <= 8);
            assert!(log.entries.len() <= 10, "the slack stays bounded");
        }
        assert_eq!(log.total(), 1005);
        assert_eq!(log.entries().len(), 8);
        assert_eq!(log.dropped(), 1005 - 8);
        let seqs: Vec<u64> = log.entries().iter().map(|e| e.0).collect();
        assert_eq!(seqs, (997..1005).collect::<Vec<_>>());
    }

    #[test]
    fn a_window_keeps_its_place_when_old_entries_go() {
        let mut log = RequestLog::with_capacity(4);
        log.push(Entry(0));
        let mark = log.mark();
        assert!(log.since(mark).is_empty());
        log.push(Entry(0));
        log.push(Entry(0));
        assert_eq!(log.since(mark), [Entry(1), Entry(2)]);
        assert_eq!(log.dropped_since(mark), 0);
        for _ in 0..5 {
            log.push(Entry(0));
        }
        // Entries 1..=3 are gone; 4..=7 are kept.
        assert_eq!(log.since(mark).len(), 4);
        assert_eq!(log.since(mark)[0], Entry(4));
        assert_eq!(log.dropped_since(mark), 3);
        assert_eq!(log.dropped_since(log.mark()), 0);
        assert!(log.since(log.mark()).is_empty());
    }

    #[test]
    fn fields_are_capped_and_marked() {
        let mut short = "GET /".to_string();
        cap_field(&mut short, 8);
        assert_eq!(short, "GET /");
        let mut long = "é".repeat(100);
        cap_field(&mut long, 10);
        assert!(long.len() <= 10);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn prefixes_are_capped_on_a_character_boundary() {
        assert_eq!(body_prefix(b"short", 16), "short");
        let long = "é".repeat(100);
        let text = body_prefix(long.as_bytes(), 11);
        assert_eq!(text, "é".repeat(5));
        let garbage = vec![0xffu8; 100];
        assert!(body_prefix(&garbage, 10).len() <= 10);
    }
}
