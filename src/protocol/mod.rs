//! Pure protocol models: serde types, transports, cryptography and codecs.
//!
//! Nothing under `protocol` performs IO, reads a clock or draws randomness except through
//! parameters, so every byte it produces is pinned by the vectors in `vectors/`.

pub mod driver;
pub mod ontology;
pub mod simplewallet;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// The characters `encodeURIComponent` (and Android's `Uri.encode`) leave alone besides
/// letters and digits: `- _ . ! ~ * ' ( )`. Both protocols' deep links are written with it,
/// so a space is `%20` (never `+`) and reads the same under either decoding.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// `encodeURIComponent` of `text` (upper-case hex escapes).
pub fn encode_uri_component(text: &str) -> String {
    utf8_percent_encode(text, URI_COMPONENT).to_string()
}
