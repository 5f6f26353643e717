//! The per-case transcript: every HTTP exchange a case made or received, and what the harness
//! observed of the peer on the way, for the reports.
//!
//! A runner wraps one case in [`capture`]; inside it, every request the harness's
//! [`crate::net::HttpClient`] makes is written down by the client itself, and the runner's
//! checks add their observations with [`observe`]. The scope is task-local so the helpers deep
//! in a runner that make requests need no extra parameter, and so that two suites running at
//! once on one runtime (the self-test's fault runs) never mix their records. Outside a scope,
//! recording does nothing.
//!
//! Bodies are kept up to [`BODY_CAP`] bytes, with a marker saying how much was cut, so a peer
//! that floods cannot bloat a report.

use std::future::Future;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// The most of a body a transcript (and so a report) keeps of each request or response;
/// the rest is cut and the cut marked with the full length.
pub const BODY_CAP: usize = 4096;

/// Who sent the request of an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sender {
    /// The harness asked the peer (or its QR source, driver or status probe).
    Harness,
    /// The peer asked one of the harness's servers (the mock node, the harness dApp).
    Peer,
}

/// One HTTP exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub by: Sender,
    pub method: String,
    pub url: String,
    /// The request body, capped; absent when there was none.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request: Option<String>,
    /// The HTTP status; absent when no response came.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub status: Option<u16>,
    /// The response body (capped), or for requests the peer made to the mock node, the
    /// node's error code.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub response: Option<String>,
    /// Why no response came (timeout, refused, too large, not allowed).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
}

/// What a case's scope gathered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    pub exchanges: Vec<Exchange>,
    pub observations: Vec<String>,
    /// Values that differ from run to run (a clock-derived `expire`), each with the
    /// placeholder reports write for it.
    pub placeholders: Vec<(String, String)>,
}

tokio::task_local! {
    static CURRENT: Arc<Mutex<Record>>;
}

/// Runs `future` with a fresh record and returns its output with what was recorded.
pub async fn capture<F: Future>(future: F) -> (F::Output, Record) {
    let record = Arc::new(Mutex::new(Record::default()));
    let output = CURRENT.scope(Arc::clone(&record), future).await;
    let record = record.lock().unwrap_or_else(|p| p.into_inner()).clone();
    (output, record)
}

fn with_current(f: impl FnOnce(&mut Record)) {
    let _ = CURRENT.try_with(|record| f(&mut record.lock().unwrap_or_else(|p| p.into_inner())));
}

/// Whether the current task is inside a [`capture`] scope.
pub fn recording() -> bool {
    CURRENT.try_with(|_| ()).is_ok()
}

/// Adds an exchange to the current record, if there is one.
pub fn exchange(exchange: Exchange) {
    with_current(|r| r.exchanges.push(exchange));
}

/// Adds an observation (what the peer did, in words) to the current record, if there is one.
pub fn observe(text: impl Into<String>) {
    let text = text.into();
    with_current(|r| r.observations.push(text));
}

/// Marks `value` as one that differs from run to run (a time, a deep link that carries one):
/// reports write `placeholder` for it, so two runs of the same case read the same.
pub fn placeholder(value: impl Into<String>, placeholder: impl Into<String>) {
    let pair = (value.into(), placeholder.into());
    with_current(|r| r.placeholders.push(pair));
}

/// A body as transcript text: UTF-8 (lossy), at most [`BODY_CAP`] bytes, with a marker
/// saying how much was cut.
pub fn body_text(bytes: &[u8]) -> String {
    kept_body_text(bytes, bytes.len())
}

/// Like [`body_text`], for a body of `full_len` bytes of which only `kept` (a prefix) is at
/// hand, as the mock nodes' records keep them: the marker counts what the record cut too.
pub fn kept_body_text(kept: &[u8], full_len: usize) -> String {
    let full_len = full_len.max(kept.len());
    if kept.len() <= BODY_CAP && full_len == kept.len() {
        return String::from_utf8_lossy(kept).into_owned();
    }
    let mut cut = kept.len().min(BODY_CAP);
    // Cut on a character boundary when the body is text.
    while cut > 0 && cut < kept.len() && (kept[cut] & 0xC0) == 0x80 {
        cut -= 1;
    }
    format!(
        "{}… [{} of {} bytes cut]",
        String::from_utf8_lossy(&kept[..cut]),
        full_len - cut,
        full_len
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_inside_a_scope_only() {
        observe("outside");
        assert!(!recording());
        let ((), record) = capture(async {
            assert!(recording());
            observe("inside");
            exchange(Exchange {
                by: Sender::Harness,
                method: "GET".into(),
                url: "http://x/".into(),
                request: None,
                status: Some(200),
                response: Some("{}".into()),
                error: None,
            });
        })
        .await;
        assert_eq!(record.observations, vec!["inside".to_string()]);
        assert_eq!(record.exchanges.len(), 1);
    }

    #[tokio::test]
    async fn two_scopes_at_once_keep_their_own_records() {
        let a = capture(async {
            tokio::task::yield_now().await;
            observe("a");
        });
        let b = capture(async {
            observe("b");
            tokio::task::yield_now().await;
        });
        let (((), ra), ((), rb)) = tokio::join!(a, b);
        assert_eq!(ra.observations, vec!["a".to_string()]);
        assert_eq!(rb.observations, vec!["b".to_string()]);
    }

    #[test]
    fn bodies_are_capped_on_a_character_boundary() {
        let long = "é".repeat(BODY_CAP);
        let text = body_text(long.as_bytes());
        assert!(text.ends_with(&format!(
            "[{} of {} bytes cut]",
            long.len() - BODY_CAP,
            long.len()
        )));
        assert!(text.len() < BODY_CAP + 40);
        assert_eq!(body_text(b"short"), "short");
    }

    #[test]
    fn a_kept_prefix_is_marked_with_the_full_length() {
        assert_eq!(kept_body_text(b"abc", 3), "abc");
        assert_eq!(kept_body_text(b"abc", 10), "abc… [7 of 10 bytes cut]");
        let kept = vec![b'x'; 3 * BODY_CAP];
        let text = kept_body_text(&kept, 1_000_000);
        assert!(text.ends_with(&format!("[{} of 1000000 bytes cut]", 1_000_000 - BODY_CAP)));
        assert!(text.len() < BODY_CAP + 40);
    }
}
