//! The text a dAPI-mobile QR code (or deep link) carries, and its codec.
//!
//! Four forms exist (profile clauses ONT-T1…T3):
//!
//! | form | text | clause |
//! |---|---|---|
//! | [`QrForm::Json`] | the request JSON object itself | ONT-T1 (what dApps emit) |
//! | [`QrForm::DeepLink`] | `ontprovider://ont.io?param=<b64>` | ONT-T2 (wake-up link) |
//! | [`QrForm::Webview`] | `ontprovider://ont.io?params=<b64>` | ONT-T2 (in-wallet WebView) |
//! | [`QrForm::Url`] | an `http`/`https` URL the wallet MAY GET | ONT-T3 |
//!
//! where `<b64>` is standard, padded Base64 of the compact JSON after
//! `encodeURIComponent`. [`encode`] produces exactly that documented form. [`decode`]
//! accepts the documented form and the deviations real encoders produce (unpadded or
//! URL-safe Base64, a percent-encoded query, the lighter iOS escaping, `+` for space,
//! surrounding whitespace), and reports each deviation as a [`TransportQuirk`] so a
//! certification can warn about it. Anything else is a [`TransportError`] that names the
//! offending part of the text.
//!
//! The module is pure: the URL form is returned as text and never fetched here.

use std::fmt;

pub use crate::protocol::encode_uri_component;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, DecodeError, Engine};
use serde_json::Value;

/// Longest QR text [`decode`] looks at, and longest text [`encode`] produces. The largest QR
/// code holds under 3 KB of bytes, so 64 KiB is generous for pasted links while keeping the
/// Base64 and JSON decoders away from megabyte inputs.
pub const MAX_QR_TEXT_BYTES: usize = 64 * 1024;

/// The scheme of the Ontology provider deep links.
pub const SCHEME: &str = "ontprovider";
/// The host of the Ontology provider deep links.
pub const HOST: &str = "ont.io";
/// The documented wake-up link prefix (query key `param`, singular).
pub const DEEP_LINK_PREFIX: &str = "ontprovider://ont.io?param=";
/// The documented in-wallet WebView prefix (query key `params`, plural).
pub const WEBVIEW_PREFIX: &str = "ontprovider://ont.io?params=";

/// Decoders that take the data part without its padding: padding is validated by hand
/// first so its errors can name the offset, and so a missing padding becomes a quirk.
const STANDARD_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);
const URL_SAFE_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Which of the four QR text forms a text is (or is to be encoded as).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QrForm {
    /// The request JSON object as plain text (ONT-T1).
    Json,
    /// `ontprovider://ont.io?param=<b64>`: the wake-up deep link (ONT-T2).
    DeepLink,
    /// `ontprovider://ont.io?params=<b64>`: the in-wallet WebView message (ONT-T2).
    Webview,
    /// An `http`/`https` URL the wallet MAY GET to obtain the JSON (ONT-T3).
    Url,
}

impl QrForm {
    /// Every form, in declaration order.
    pub const ALL: [QrForm; 4] = [QrForm::Json, QrForm::DeepLink, QrForm::Webview, QrForm::Url];

    /// The form's name in vectors and command output.
    pub fn name(self) -> &'static str {
        match self {
            QrForm::Json => "json",
            QrForm::DeepLink => "deeplink",
            QrForm::Webview => "webview",
            QrForm::Url => "url",
        }
    }

    /// The form called `name` (as [`QrForm::name`] spells it).
    pub fn from_name(name: &str) -> Option<QrForm> {
        QrForm::ALL.into_iter().find(|form| form.name() == name)
    }
}

impl fmt::Display for QrForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A deviation from the documented form that [`decode`] tolerates (ONT-T2's "SHOULD
/// accept"), reported so a certification can record a warning.
///
/// Declaration order is the order in which the decoder meets them, and the order in which
/// [`DecodedQr::quirks`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TransportQuirk {
    /// Whitespace before or after the text (a scanner's or a copy-paste's trailing newline).
    SurroundingWhitespace,
    /// `ontprovider://ont.io/?param=…`: a `/` path before the query.
    SlashBeforeQuery,
    /// Query parameters other than the one payload key.
    ExtraQueryParameters,
    /// The Base64 in the query is itself percent-encoded (`%2B`, `%2F`, `%3D`).
    PercentEncodedQuery,
    /// Base64 with the URL-safe alphabet (`-` and `_` for `+` and `/`).
    UrlSafeBase64,
    /// Base64 without its `=` padding.
    UnpaddedBase64,
    /// The URI-encoded payload leaves characters literal that `encodeURIComponent` escapes
    /// (the iOS wallets' lighter escaping, or no escaping at all).
    UnescapedCharacters,
    /// The URI-encoded payload uses `+` for space (form encoding, as `URLEncoder` does).
    PlusAsSpace,
}

impl TransportQuirk {
    /// Every quirk, in declaration order.
    pub const ALL: [TransportQuirk; 8] = [
        TransportQuirk::SurroundingWhitespace,
        TransportQuirk::SlashBeforeQuery,
        TransportQuirk::ExtraQueryParameters,
        TransportQuirk::PercentEncodedQuery,
        TransportQuirk::UrlSafeBase64,
        TransportQuirk::UnpaddedBase64,
        TransportQuirk::UnescapedCharacters,
        TransportQuirk::PlusAsSpace,
    ];

    /// The quirk's name in vectors and command output (the variant name).
    pub fn name(self) -> &'static str {
        match self {
            TransportQuirk::SurroundingWhitespace => "SurroundingWhitespace",
            TransportQuirk::SlashBeforeQuery => "SlashBeforeQuery",
            TransportQuirk::ExtraQueryParameters => "ExtraQueryParameters",
            TransportQuirk::PercentEncodedQuery => "PercentEncodedQuery",
            TransportQuirk::UrlSafeBase64 => "UrlSafeBase64",
            TransportQuirk::UnpaddedBase64 => "UnpaddedBase64",
            TransportQuirk::UnescapedCharacters => "UnescapedCharacters",
            TransportQuirk::PlusAsSpace => "PlusAsSpace",
        }
    }

    /// The quirk called `name` (as [`TransportQuirk::name`] spells it).
    pub fn from_name(name: &str) -> Option<TransportQuirk> {
        TransportQuirk::ALL
            .into_iter()
            .find(|quirk| quirk.name() == name)
    }

    /// One sentence saying how the text departs from the documented form.
    pub fn description(self) -> &'static str {
        match self {
            TransportQuirk::SurroundingWhitespace => {
                "the text has whitespace before or after it, which was trimmed"
            }
            TransportQuirk::SlashBeforeQuery => {
                "the deep link has a `/` between the host and the query (`ont.io/?…`)"
            }
            TransportQuirk::ExtraQueryParameters => {
                "the deep link has query parameters besides the payload, which were ignored"
            }
            TransportQuirk::PercentEncodedQuery => {
                "the Base64 in the query is percent-encoded; the documented form leaves it raw"
            }
            TransportQuirk::UrlSafeBase64 => {
                "the payload uses the URL-safe Base64 alphabet; the documented form is standard Base64"
            }
            TransportQuirk::UnpaddedBase64 => {
                "the payload's Base64 has no `=` padding; the documented form is padded"
            }
            TransportQuirk::UnescapedCharacters => {
                "the URI-encoded JSON leaves characters literal that encodeURIComponent escapes"
            }
            TransportQuirk::PlusAsSpace => {
                "the URI-encoded JSON writes spaces as `+`; encodeURIComponent writes `%20`"
            }
        }
    }
}

impl fmt::Display for TransportQuirk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a QR text decodes to.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedQr {
    pub form: QrForm,
    /// The request: a JSON object for the `json`, `deeplink` and `webview` forms. For
    /// [`QrForm::Url`] it is the URL itself as a JSON string (the request is whatever that
    /// URL serves, which only a network step can learn); see [`DecodedQr::url`].
    pub message: Value,
    /// Deviations from the documented form, in [`TransportQuirk`] declaration order, each at
    /// most once. Empty for a text in exactly the documented form.
    pub quirks: Vec<TransportQuirk>,
}

impl DecodedQr {
    /// The URL to GET, for the [`QrForm::Url`] form.
    pub fn url(&self) -> Option<&str> {
        match (self.form, &self.message) {
            (QrForm::Url, Value::String(url)) => Some(url),
            _ => None,
        }
    }
}

/// Why a text is not a dAPI-mobile QR text (or a message cannot be encoded as one).
/// Each variant's message names the offending part of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    #[error("the QR text is empty")]
    Empty,
    #[error("the QR text is {len} bytes long, over the {max}-byte limit; it was not decoded")]
    TooLong { len: usize, max: usize },
    #[error("{}", wrong_scheme_message(.scheme))]
    WrongScheme { scheme: String },
    #[error("{}", wrong_host_message(.host))]
    WrongHost { host: String },
    #[error(
        "the deep link has the path `{path}`; expected `ontprovider://ont.io?param=…` with no path"
    )]
    UnexpectedPath { path: String },
    #[error("{}", missing_payload_message(*.key))]
    MissingPayload { key: Option<&'static str> },
    #[error(
        "the deep link carries its payload twice (`{first}` and then `{second}`); wallets \
         disagree on which one they read, so the link is ambiguous"
    )]
    DuplicatePayloadKey {
        first: &'static str,
        second: &'static str,
    },
    #[error("bad percent escape `{escape}` at byte offset {offset} of {part}")]
    InvalidPercentEscape {
        part: String,
        offset: usize,
        escape: String,
    },
    #[error("the `{key}` query value is not Base64 at offset {offset}: {reason}")]
    InvalidBase64 {
        key: &'static str,
        offset: usize,
        reason: String,
    },
    #[error(
        "the decoded payload is not UTF-8: byte 0x{byte:02X} at offset {offset} \
         (after Base64 and percent decoding)"
    )]
    InvalidUtf8 { offset: usize, byte: u8 },
    #[error("the {part} is not JSON: {detail}")]
    InvalidJson { part: &'static str, detail: String },
    #[error("the {part} is {found}, not the JSON object a request must be")]
    NotAnObject {
        part: &'static str,
        found: &'static str,
    },
    #[error("the http(s) URL is not usable: {reason}")]
    InvalidUrl { reason: String },
}

impl TransportError {
    /// The error's family, as vectors name it (the variant name).
    pub fn kind(&self) -> &'static str {
        match self {
            TransportError::Empty => "Empty",
            TransportError::TooLong { .. } => "TooLong",
            TransportError::WrongScheme { .. } => "WrongScheme",
            TransportError::WrongHost { .. } => "WrongHost",
            TransportError::UnexpectedPath { .. } => "UnexpectedPath",
            TransportError::MissingPayload { .. } => "MissingPayload",
            TransportError::DuplicatePayloadKey { .. } => "DuplicatePayloadKey",
            TransportError::InvalidPercentEscape { .. } => "InvalidPercentEscape",
            TransportError::InvalidBase64 { .. } => "InvalidBase64",
            TransportError::InvalidUtf8 { .. } => "InvalidUtf8",
            TransportError::InvalidJson { .. } => "InvalidJson",
            TransportError::NotAnObject { .. } => "NotAnObject",
            TransportError::InvalidUrl { .. } => "InvalidUrl",
        }
    }
}

/// Every [`TransportError::kind`], for tools that validate vector files.
pub const ERROR_KINDS: [&str; 13] = [
    "Empty",
    "TooLong",
    "WrongScheme",
    "WrongHost",
    "UnexpectedPath",
    "MissingPayload",
    "DuplicatePayloadKey",
    "InvalidPercentEscape",
    "InvalidBase64",
    "InvalidUtf8",
    "InvalidJson",
    "NotAnObject",
    "InvalidUrl",
];

fn wrong_scheme_message(scheme: &str) -> String {
    let known = [SCHEME, "http", "https"];
    match known.iter().find(|k| k.eq_ignore_ascii_case(scheme)) {
        // Android intent filters and the reference wallet's test for an `http` prefix both
        // match case-sensitively, so an upper-case scheme would not reach the wallet at all.
        Some(lower) => format!(
            "scheme `{scheme}` must be written `{lower}`: wallets match schemes case-sensitively"
        ),
        None => format!(
            "scheme `{scheme}` is not supported: a QR text is a JSON object, an \
             `ontprovider://ont.io` deep link or an http(s) URL"
        ),
    }
}

fn wrong_host_message(host: &str) -> String {
    if host.is_empty() {
        "the deep link has no host; expected `ontprovider://ont.io`".to_string()
    } else {
        format!("the deep link's host is `{host}`, not `{HOST}` (matched case-sensitively)")
    }
}

fn missing_payload_message(key: Option<&str>) -> String {
    match key {
        Some(key) => format!("the deep link's `{key}` query parameter is empty"),
        None => "the deep link has no `param` or `params` query parameter".to_string(),
    }
}

/// Decodes a scanned or pasted QR text.
///
/// Never panics; any input that is not one of the four forms (give or take the tolerated
/// quirks) is a [`TransportError`].
pub fn decode(text: &str) -> Result<DecodedQr, TransportError> {
    if text.len() > MAX_QR_TEXT_BYTES {
        return Err(TransportError::TooLong {
            len: text.len(),
            max: MAX_QR_TEXT_BYTES,
        });
    }
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(TransportError::Empty);
    }
    let mut quirks = Vec::new();
    if trimmed.len() != text.len() {
        quirks.push(TransportQuirk::SurroundingWhitespace);
    }
    let (form, message) = match split_scheme(trimmed) {
        None => (QrForm::Json, parse_object(trimmed, "QR text")?),
        Some((SCHEME, rest)) => decode_provider_link(rest, &mut quirks)?,
        Some(("http" | "https", _)) => {
            check_url(trimmed)?;
            (QrForm::Url, Value::String(trimmed.to_string()))
        }
        Some((scheme, _)) => {
            return Err(TransportError::WrongScheme {
                scheme: scheme.to_string(),
            })
        }
    };
    quirks.sort();
    quirks.dedup();
    Ok(DecodedQr {
        form,
        message,
        quirks,
    })
}

/// Encodes a request as QR text of the given form, in exactly the documented encoding.
///
/// `Json` gives the compact JSON text; `DeepLink` and `Webview` give the prefix followed by
/// standard padded Base64 of `encodeURIComponent(compact JSON)`. For `Url`, `message` must
/// be a JSON string holding an http(s) URL, which is returned as it is (the mirror of
/// [`decode`]). Compact JSON is what `JSON.stringify` gives for the values requests
/// contain (strings, integers, booleans, arrays, objects in their given key order).
pub fn encode(message: &Value, form: QrForm) -> Result<String, TransportError> {
    let text = match form {
        QrForm::Json => compact_object(message)?,
        QrForm::DeepLink => format!("{DEEP_LINK_PREFIX}{}", wrap_payload(message)?),
        QrForm::Webview => format!("{WEBVIEW_PREFIX}{}", wrap_payload(message)?),
        QrForm::Url => match message {
            Value::String(url) => {
                match split_scheme(url) {
                    Some(("http" | "https", _)) => {}
                    Some((scheme, _)) => {
                        return Err(TransportError::WrongScheme {
                            scheme: scheme.to_string(),
                        })
                    }
                    None => {
                        return Err(TransportError::InvalidUrl {
                            reason: "it has no `http://` or `https://` scheme".to_string(),
                        })
                    }
                }
                check_url(url)?;
                url.clone()
            }
            other => {
                return Err(TransportError::InvalidUrl {
                    reason: format!(
                        "the url form carries the URL as a JSON string, not {}",
                        super::messages::json_type_name(other)
                    ),
                })
            }
        },
    };
    // Keeps the round trip total: whatever `encode` emits, `decode` reads.
    if text.len() > MAX_QR_TEXT_BYTES {
        return Err(TransportError::TooLong {
            len: text.len(),
            max: MAX_QR_TEXT_BYTES,
        });
    }
    Ok(text)
}

fn compact_object(message: &Value) -> Result<String, TransportError> {
    if !message.is_object() {
        return Err(TransportError::NotAnObject {
            part: "message",
            found: super::messages::json_type_name(message),
        });
    }
    // `Value`'s Display is the compact serializer, which cannot fail.
    Ok(message.to_string())
}

fn wrap_payload(message: &Value) -> Result<String, TransportError> {
    let json = compact_object(message)?;
    Ok(STANDARD.encode(encode_uri_component(&json)))
}

/// Splits `scheme:rest` when `text` starts with an RFC 3986 scheme. JSON text never does
/// (it starts with `{`, `[`, `"`, a digit, `-`, or a bare `true`/`false`/`null` with no
/// colon after it), so this also tells the JSON form from the URI forms.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    let scheme = &text[..colon];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, &text[colon + 1..]))
}

/// Decodes what follows `ontprovider:`.
fn decode_provider_link(
    rest: &str,
    quirks: &mut Vec<TransportQuirk>,
) -> Result<(QrForm, Value), TransportError> {
    let Some(after_slashes) = rest.strip_prefix("//") else {
        return Err(TransportError::WrongHost {
            host: String::new(),
        });
    };
    let authority_end = after_slashes
        .find(['/', '?', '#'])
        .unwrap_or(after_slashes.len());
    let host = &after_slashes[..authority_end];
    if host != HOST {
        return Err(TransportError::WrongHost {
            host: host.to_string(),
        });
    }
    let mut rest = &after_slashes[authority_end..];
    if rest.starts_with('/') {
        let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
        let path = &rest[..path_end];
        if path != "/" {
            return Err(TransportError::UnexpectedPath {
                path: path.to_string(),
            });
        }
        quirks.push(TransportQuirk::SlashBeforeQuery);
        rest = &rest[path_end..];
    }
    // A `#` is not special: Base64 never contains it, so one inside the payload value fails
    // as an invalid Base64 character, which names it.
    let Some(query) = rest.strip_prefix('?') else {
        return Err(TransportError::MissingPayload { key: None });
    };

    let mut payload: Option<(&'static str, &str)> = None;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        // Split on the first `=` only: unescaped Base64 padding stays in the value.
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key: &'static str = match key {
            "param" => "param",
            "params" => "params",
            _ => {
                quirks.push(TransportQuirk::ExtraQueryParameters);
                continue;
            }
        };
        if let Some((first, _)) = payload {
            return Err(TransportError::DuplicatePayloadKey { first, second: key });
        }
        payload = Some((key, value));
    }
    let Some((key, value)) = payload else {
        return Err(TransportError::MissingPayload { key: None });
    };
    if value.is_empty() {
        return Err(TransportError::MissingPayload { key: Some(key) });
    }
    let form = if key == "param" {
        QrForm::DeepLink
    } else {
        QrForm::Webview
    };

    // The value is taken raw, never form-decoded: a `+` here is Base64's `+`, not a space,
    // which is how the documented (unescaped) form must be read.
    let base64_text = if value.contains('%') {
        quirks.push(TransportQuirk::PercentEncodedQuery);
        strict_percent_decode(value.as_bytes(), &format!("the `{key}` query value"))?
    } else {
        value.as_bytes().to_vec()
    };
    let uri_encoded = decode_base64(key, &base64_text, quirks)?;
    let json = decode_uri_payload(&uri_encoded, quirks)?;
    Ok((form, parse_object(&json, "decoded payload")?))
}

/// Decodes every `%XX`, refusing a `%` not followed by two hex digits. (The
/// `percent-encoding` crate passes such a `%` through; `decodeURIComponent` throws, and so
/// does this.)
fn strict_percent_decode(bytes: &[u8], part: &str) -> Result<Vec<u8>, TransportError> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(percent_escape_at(bytes, i, part)?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// The byte the escape starting at `bytes[i] == b'%'` stands for.
fn percent_escape_at(bytes: &[u8], i: usize, part: &str) -> Result<u8, TransportError> {
    let hex = |b: u8| char::from(b).to_digit(16);
    match (
        bytes.get(i + 1).and_then(|&b| hex(b)),
        bytes.get(i + 2).and_then(|&b| hex(b)),
    ) {
        // Two hex digits are < 256.
        (Some(high), Some(low)) => Ok((high * 16 + low) as u8),
        _ => {
            let end = (i + 3).min(bytes.len());
            Err(TransportError::InvalidPercentEscape {
                part: part.to_string(),
                offset: i,
                escape: String::from_utf8_lossy(&bytes[i..end]).into_owned(),
            })
        }
    }
}

/// Decodes Base64 in either alphabet, padded or not, recording which it was.
fn decode_base64(
    key: &'static str,
    value: &[u8],
    quirks: &mut Vec<TransportQuirk>,
) -> Result<Vec<u8>, TransportError> {
    let error = |offset: usize, reason: String| TransportError::InvalidBase64 {
        key,
        offset,
        reason,
    };
    let data_len = value.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    let mut standard_at = None;
    let mut url_safe_at = None;
    for (i, &b) in value[..data_len].iter().enumerate() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => {}
            b'+' | b'/' => {
                standard_at.get_or_insert(i);
            }
            b'-' | b'_' => {
                url_safe_at.get_or_insert(i);
            }
            b'=' => return Err(error(i, "padding `=` before the end of the value".into())),
            other => return Err(error(i, describe_byte(other))),
        }
    }
    if let (Some(standard), Some(url_safe)) = (standard_at, url_safe_at) {
        return Err(error(
            standard.max(url_safe),
            format!(
                "the URL-safe alphabet (`{}` at offset {url_safe}) is mixed with the standard \
                 one (`{}` at offset {standard})",
                char::from(value[url_safe]),
                char::from(value[standard])
            ),
        ));
    }
    let data = &value[..data_len];
    let padding = value.len() - data_len;
    match (data.len() % 4, padding) {
        (1, _) => {
            return Err(error(
                data.len(),
                "a length of 4n+1 characters, which no Base64 encoder produces".into(),
            ))
        }
        (_, 3..) => {
            return Err(error(
                data_len,
                "more than two `=` padding characters".into(),
            ))
        }
        (0, 0) => {}
        (0, _) => {
            return Err(error(
                data_len,
                "padding after a complete 4-character group".into(),
            ))
        }
        (_, 0) => quirks.push(TransportQuirk::UnpaddedBase64),
        (rem, pad) if rem + pad != 4 => {
            return Err(error(
                data_len,
                format!("{pad} `=` of padding where {} are needed", 4 - rem),
            ))
        }
        _ => {}
    }
    let engine = if url_safe_at.is_some() {
        quirks.push(TransportQuirk::UrlSafeBase64);
        &URL_SAFE_ANY_PADDING
    } else {
        &STANDARD_ANY_PADDING
    };
    engine.decode(data).map_err(|err| match err {
        DecodeError::InvalidByte(offset, byte) => error(offset, describe_byte(byte)),
        DecodeError::InvalidLength(len) => error(len, "a length no Base64 encoder produces".into()),
        DecodeError::InvalidLastSymbol(offset, byte) => error(
            offset,
            format!(
                "{} leaves non-zero trailing bits (not canonical Base64)",
                describe_byte(byte)
            ),
        ),
        DecodeError::InvalidPadding => error(data_len, "invalid padding".into()),
    })
}

/// Undoes the URI encoding of the Base64-decoded payload.
///
/// A full percent-decode, since iOS escapes fewer characters than `encodeURIComponent`.
/// `+` is the ambiguous character: form encoders (Java `URLEncoder`, `quote_plus`) write a
/// space as `+`, while the iOS encoding leaves a real `+` literal. Both can be told apart
/// without guessing: a form encoder escapes every other character outside `A-Z a-z 0-9
/// - _ . *` (a JSON object's `{`, `"` and `:` among them) and never writes `%20`, whereas the
/// iOS encoding always leaves a JSON object's `:` literal. So `+` means a space only when
/// nothing else in the payload is literal outside the `encodeURIComponent` set and no `%20`
/// occurs; otherwise it is a literal `+`.
fn decode_uri_payload(
    bytes: &[u8],
    quirks: &mut Vec<TransportQuirk>,
) -> Result<String, TransportError> {
    const PART: &str = "the Base64-decoded payload";
    let mut has_plus = false;
    let mut has_escaped_space = false;
    let mut other_literal = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                has_escaped_space |= percent_escape_at(bytes, i, PART)? == b' ';
                i += 3;
                continue;
            }
            b'+' => has_plus = true,
            b if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) => {}
            _ => other_literal = true,
        }
        i += 1;
    }
    let plus_as_space = has_plus && !other_literal && !has_escaped_space;
    if plus_as_space {
        quirks.push(TransportQuirk::PlusAsSpace);
    } else if has_plus || other_literal {
        quirks.push(TransportQuirk::UnescapedCharacters);
    }

    let decoded = if plus_as_space {
        // Every `+` is literal here (a form encoder writes a real `+` as `%2B`), and a space
        // cannot disturb an escape, so swap them before the percent-decode.
        let spaced: Vec<u8> = bytes
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        strict_percent_decode(&spaced, PART)?
    } else {
        strict_percent_decode(bytes, PART)?
    };
    String::from_utf8(decoded).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        TransportError::InvalidUtf8 {
            offset,
            byte: err.as_bytes()[offset],
        }
    })
}

/// Parses `text` as the JSON object a request is.
fn parse_object(text: &str, part: &'static str) -> Result<Value, TransportError> {
    let value: Value = serde_json::from_str(text).map_err(|err| TransportError::InvalidJson {
        part,
        detail: err.to_string(),
    })?;
    if value.is_object() {
        Ok(value)
    } else {
        Err(TransportError::NotAnObject {
            part,
            found: super::messages::json_type_name(&value),
        })
    }
}

/// Checks that an `http://`/`https://` text could be fetched: it has a host, and no
/// whitespace or control characters (which a URL cannot contain and a scanner should not
/// invent). Fetch policy (which hosts, redirects) belongs to the harness, not here.
fn check_url(url: &str) -> Result<(), TransportError> {
    if let Some((offset, c)) = url
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || c.is_control())
    {
        return Err(TransportError::InvalidUrl {
            reason: format!("{} at offset {offset}", describe_char(c)),
        });
    }
    let after_scheme = url.split_once(':').map_or("", |(_, rest)| rest);
    let Some(after_slashes) = after_scheme.strip_prefix("//") else {
        return Err(TransportError::InvalidUrl {
            reason: "the scheme is not followed by `//`".to_string(),
        });
    };
    let authority = &after_slashes[..after_slashes
        .find(['/', '?', '#'])
        .unwrap_or(after_slashes.len())];
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = match host_and_port.rsplit_once(':') {
        // A bracketed IPv6 literal contains colons of its own.
        Some((host, port)) if !port.contains(']') => host,
        _ => host_and_port,
    };
    if host.is_empty() {
        return Err(TransportError::InvalidUrl {
            reason: "it has no host".to_string(),
        });
    }
    Ok(())
}

fn describe_byte(byte: u8) -> String {
    if byte.is_ascii() {
        describe_char(char::from(byte))
    } else {
        format!("byte 0x{byte:02X}")
    }
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        c if c.is_control() || c.is_whitespace() => format!("character U+{:04X}", u32::from(c)),
        c => format!("character `{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The getProvider request worked through by hand: JSON, encodeURIComponent, Base64.
    const WORKED_JSON: &str = r#"{"action":"getProvider","version":"v1.0.0","id":"10ba038e"}"#;
    const WORKED_URI: &str = "%7B%22action%22%3A%22getProvider%22%2C%22version%22%3A%22v1.0.0%22%2C%22id%22%3A%2210ba038e%22%7D";
    const WORKED_B64: &str = "JTdCJTIyYWN0aW9uJTIyJTNBJTIyZ2V0UHJvdmlkZXIlMjIlMkMlMjJ2ZXJzaW9uJTIyJTNBJTIydjEuMC4wJTIyJTJDJTIyaWQlMjIlM0ElMjIxMGJhMDM4ZSUyMiU3RA==";

    fn worked_message() -> Value {
        serde_json::from_str(WORKED_JSON).expect("the worked example is JSON")
    }

    fn deep_link(b64: &str) -> String {
        format!("{DEEP_LINK_PREFIX}{b64}")
    }

    #[test]
    fn worked_example_encodes_byte_exactly() {
        let message = worked_message();
        assert_eq!(encode_uri_component(WORKED_JSON), WORKED_URI);
        assert_eq!(encode(&message, QrForm::Json).unwrap(), WORKED_JSON);
        assert_eq!(
            encode(&message, QrForm::DeepLink).unwrap(),
            deep_link(WORKED_B64)
        );
        assert_eq!(
            encode(&message, QrForm::Webview).unwrap(),
            format!("ontprovider://ont.io?params={WORKED_B64}")
        );
    }

    #[test]
    fn worked_example_decodes_without_quirks() {
        for form in [QrForm::Json, QrForm::DeepLink, QrForm::Webview] {
            let text = encode(&worked_message(), form).unwrap();
            let decoded = decode(&text).unwrap();
            assert_eq!(decoded.form, form);
            assert_eq!(decoded.message, worked_message());
            assert!(decoded.quirks.is_empty(), "{form}: {:?}", decoded.quirks);
        }
    }

    #[test]
    fn unreserved_set_is_left_alone_and_the_rest_escaped() {
        assert_eq!(encode_uri_component("AZaz09-_.!~*'()"), "AZaz09-_.!~*'()");
        assert_eq!(
            encode_uri_component(" +/=?&#%:é"),
            "%20%2B%2F%3D%3F%26%23%25%3A%C3%A9"
        );
    }

    #[test]
    fn each_tolerated_deviation_is_a_quirk() {
        let message = json!({"action": "signMessage", "params": {"message": "~~~ a b"}});
        let b64 = STANDARD.encode(encode_uri_component(&message.to_string()));
        assert!(b64.contains('+') && b64.ends_with('='), "{b64}");
        let cases = [
            (
                format!(" {}\r\n", deep_link(&b64)),
                vec![TransportQuirk::SurroundingWhitespace],
            ),
            (
                format!("ontprovider://ont.io/?param={b64}"),
                vec![TransportQuirk::SlashBeforeQuery],
            ),
            (
                format!("{}&src=web", deep_link(&b64)),
                vec![TransportQuirk::ExtraQueryParameters],
            ),
            (
                deep_link(&b64.replace('+', "%2B").replace('=', "%3D")),
                vec![TransportQuirk::PercentEncodedQuery],
            ),
            (
                deep_link(&b64.replace('+', "-")),
                vec![TransportQuirk::UrlSafeBase64],
            ),
            (
                deep_link(b64.trim_end_matches('=')),
                vec![TransportQuirk::UnpaddedBase64],
            ),
            (
                deep_link(&STANDARD.encode(message.to_string())),
                vec![TransportQuirk::UnescapedCharacters],
            ),
            (
                deep_link(
                    &STANDARD
                        .encode(encode_uri_component(&message.to_string()).replace("%20", "+")),
                ),
                vec![TransportQuirk::PlusAsSpace],
            ),
        ];
        for (text, quirks) in cases {
            let decoded = decode(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(decoded.message, message, "{text}");
            assert_eq!(decoded.quirks, quirks, "{text}");
        }
    }

    #[test]
    fn literal_plus_beside_literal_colon_stays_a_plus() {
        // The iOS encoding escapes `{`, `"` and space but leaves `:` and `+` literal.
        let payload = r#"%7B%22message%22:%221+1%20=%202%22%7D"#;
        let decoded = decode(&deep_link(&STANDARD.encode(payload))).unwrap();
        assert_eq!(decoded.message, json!({"message": "1+1 = 2"}));
        assert_eq!(decoded.quirks, vec![TransportQuirk::UnescapedCharacters]);
    }

    #[test]
    fn webview_key_gives_webview_form() {
        let decoded = decode(&format!("ontprovider://ont.io?params={WORKED_B64}")).unwrap();
        assert_eq!(decoded.form, QrForm::Webview);
    }

    #[test]
    fn urls_are_returned_not_fetched() {
        let decoded = decode("https://dapp.example/qr/1?x=y").unwrap();
        assert_eq!(decoded.form, QrForm::Url);
        assert_eq!(decoded.url(), Some("https://dapp.example/qr/1?x=y"));
        let url = Value::String("http://[::1]:8080/q".into());
        assert_eq!(encode(&url, QrForm::Url).unwrap(), "http://[::1]:8080/q");
        assert_eq!(decode("http://[::1]:8080/q").unwrap().message, url);
    }

    fn kind_of(text: &str) -> &'static str {
        match decode(text) {
            Ok(decoded) => panic!("{text:?} decoded to {decoded:?}"),
            Err(err) => {
                // Every message is a sentence of its own, never empty.
                assert!(!err.to_string().is_empty());
                err.kind()
            }
        }
    }

    #[test]
    fn each_error_family_is_distinct() {
        let big = "x".repeat(MAX_QR_TEXT_BYTES + 1);
        let cases: &[(&str, &str)] = &[
            ("", "Empty"),
            (" \n\t", "Empty"),
            (&big, "TooLong"),
            ("ontology://ont.io?param=e30=", "WrongScheme"),
            ("ONTPROVIDER://ont.io?param=e30=", "WrongScheme"),
            ("ontprovider://ont.com?param=e30=", "WrongHost"),
            ("ontprovider:ont.io?param=e30=", "WrongHost"),
            ("ontprovider://ont.io/login?param=e30=", "UnexpectedPath"),
            ("ontprovider://ont.io", "MissingPayload"),
            ("ontprovider://ont.io?data=e30=", "MissingPayload"),
            ("ontprovider://ont.io?param=", "MissingPayload"),
            (
                "ontprovider://ont.io?param=e30=&params=e30=",
                "DuplicatePayloadKey",
            ),
            ("ontprovider://ont.io?param=e30%3", "InvalidPercentEscape"),
            (
                "ontprovider://ont.io?param=JTdCJTdH",
                "InvalidPercentEscape",
            ),
            ("ontprovider://ont.io?param=e3*=", "InvalidBase64"),
            ("ontprovider://ont.io?param=a+b_", "InvalidBase64"),
            ("ontprovider://ont.io?param=e30==", "InvalidBase64"),
            ("ontprovider://ont.io?param=e30=#x", "InvalidBase64"),
            ("ontprovider://ont.io?param=e3=0", "InvalidBase64"),
            ("ontprovider://ont.io?param=e3012", "InvalidBase64"),
            ("ontprovider://ont.io?param=e31=", "InvalidBase64"),
            ("ontprovider://ont.io?param=JUZG", "InvalidUtf8"),
            ("ontprovider://ont.io?param=e30i", "InvalidJson"),
            ("{\"action\":", "InvalidJson"),
            ("hello", "InvalidJson"),
            ("[\"login\"]", "NotAnObject"),
            ("null", "NotAnObject"),
            ("ontprovider://ont.io?param=WzFd", "NotAnObject"),
            ("https://", "InvalidUrl"),
            ("https://:80/x", "InvalidUrl"),
            ("https://dapp.example/a b", "InvalidUrl"),
        ];
        for (text, kind) in cases {
            assert_eq!(kind_of(text), *kind, "{text:?}");
        }
    }

    #[test]
    fn messages_name_the_offending_part() {
        let err = decode("ontprovider://ont.io?param=e3*=").unwrap_err();
        assert!(
            err.to_string().contains("`param`") && err.to_string().contains("offset 2"),
            "{err}"
        );
        assert!(err.to_string().contains("`*`"), "{err}");
        let err = decode("ontprovider://ont.io?params=e30%3").unwrap_err();
        assert!(
            err.to_string().contains("`%3`") && err.to_string().contains("`params`"),
            "{err}"
        );
        let err = decode("ontprovider://ont.io?param=JUZG").unwrap_err();
        assert!(err.to_string().contains("0xFF"), "{err}");
        let err = decode("ontprovider://evil.example?param=e30=").unwrap_err();
        assert!(err.to_string().contains("`evil.example`"), "{err}");
        let err = decode("HTTPS://dapp.example/").unwrap_err();
        assert!(err.to_string().contains("`https`"), "{err}");
    }

    #[test]
    fn encode_refuses_what_decode_would_refuse() {
        assert_eq!(
            encode(&json!([1]), QrForm::Json).unwrap_err().kind(),
            "NotAnObject"
        );
        assert_eq!(
            encode(&json!("x"), QrForm::DeepLink).unwrap_err().kind(),
            "NotAnObject"
        );
        assert_eq!(
            encode(&json!({}), QrForm::Url).unwrap_err().kind(),
            "InvalidUrl"
        );
        assert_eq!(
            encode(&json!("ftp://x/"), QrForm::Url).unwrap_err().kind(),
            "WrongScheme"
        );
        let huge = json!({"message": "~".repeat(MAX_QR_TEXT_BYTES)});
        assert_eq!(
            encode(&huge, QrForm::DeepLink).unwrap_err().kind(),
            "TooLong"
        );
    }

    #[test]
    fn names_round_trip() {
        for form in QrForm::ALL {
            assert_eq!(QrForm::from_name(form.name()), Some(form));
        }
        for quirk in TransportQuirk::ALL {
            assert_eq!(TransportQuirk::from_name(quirk.name()), Some(quirk));
        }
        assert_eq!(ERROR_KINDS.len(), 13);
    }

    /// Bytes that stress every branch: escapes cut short, stray padding, mixed alphabets,
    /// non-ASCII. None may panic.
    #[test]
    fn never_panics_on_awkward_input() {
        let pieces = [
            "",
            "%",
            "%2",
            "%zz",
            "%C3",
            "=",
            "==",
            "+",
            "-",
            "/",
            "_",
            "#",
            "?",
            "&",
            "é",
            "\u{0}",
            "e30",
            "JSU",
            "param=",
            "params=",
            "ontprovider://ont.io?param=",
            "//",
            ":",
            "{",
            "}",
        ];
        for a in pieces {
            for b in pieces {
                for prefix in [
                    "",
                    DEEP_LINK_PREFIX,
                    WEBVIEW_PREFIX,
                    "https://",
                    "ontprovider:",
                ] {
                    let _ = decode(&format!("{prefix}{a}{b}"));
                    let _ = decode(&format!("{prefix}{}", STANDARD.encode(format!("{a}{b}"))));
                }
            }
        }
    }
}
