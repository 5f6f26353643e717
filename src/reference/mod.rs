//! The reference implementations the suites are proven against: a correct dApp back end and
//! a correct wallet, each with a set of named faults.
//!
//! A fault is a behaviour of the implementation ("skip the address binding"), never a switch
//! keyed by a case: the references do not import the harness and cannot know which check is
//! judging them (ARCHITECTURE.md, invariant 6).

pub(crate) mod driver_server;
pub mod faults;
pub mod http;
pub mod issuer;
pub mod ontology;
pub mod running;
pub mod simplewallet;
pub mod store;

use crate::net::HttpError;

/// The longest reason the reference wallets put into a refusal: schema violations and peer
/// errors quote what they read, which can be as large as the QR text.
pub(crate) const MAX_REASON_CHARS: usize = 400;

/// An HTTP error in words, clipped.
pub(crate) fn http_reason(e: &HttpError) -> String {
    clip(e.to_string())
}

/// `text` cut to [`MAX_REASON_CHARS`] characters (on a character boundary).
pub(crate) fn clip(text: String) -> String {
    match text.char_indices().nth(MAX_REASON_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}
