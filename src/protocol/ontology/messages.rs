//! Serde types for every Ontology dAPI-mobile message the suite reads or writes: the QR
//! requests (`login`, `signMessage`, `signMultiMessage`, `invoke`), the invoke payload served
//! at `qrcodeUrl`, the wallet's callbacks, the dApp back end's reply, and the mock node's REST
//! and JSON-RPC envelopes, events and pre-execution results.
//!
//! This module owns the *shape* of those messages as the conformance profile decides it
//! (`ONT-T4`…`ONT-T6`, `ONT-L1`/`L2`/`L10`, `ONT-S1`/`S3`/`S4`, `ONT-I1`/`I2`/`I7`/`I8`,
//! `ONT-N1`…`ONT-N4`): which fields exist, their JSON types, their fixed values and their
//! textual formats (hex lengths, base58 address shape, absolute http(s) URLs). It does not
//! verify signatures, derive addresses or decode typed invoke arguments; those belong to
//! [`crypto`](super::crypto) and the invoke codec. The same rules are written a second time as
//! JSON Schemas under `schemas/ontology/`; the golden vectors in `ontology/messages.json`
//! keep the two in agreement through [`parse`].
//!
//! Rules shared by every type here:
//!
//! - **Unknown members are ignored** (and dropped when re-serialized). The profile never asks
//!   for their rejection, and real senders add keys (cyano-bridge's `needTimeout`, CEP-1's
//!   single-step `invokeConfig` in QR params, `IsEvm` on newer nodes' notifications).
//! - **Known members are strict**: a wrong JSON type, a missing required member or a
//!   malformed value is an error naming the member's JSON pointer (RFC 6901); a member that
//!   is present with `null` is a wrong type, not an absent one.
//! - **Integers** follow JSON Schema: any JSON number without a fractional part
//!   (`80001` and `80001.0` alike), limited to the interoperable range ±(2⁵³−1) of
//!   RFC 7493, which is what the JavaScript wallets and bridges can carry exactly.
//!
//! Every type implements [`Deserialize`] through [`FromJson`], so `serde_json::from_value`
//! and [`parse`] apply exactly the same rules; [`FromJson`] additionally returns a typed
//! [`MessageError`] instead of serde's string error.

use std::fmt;
use std::str::FromStr;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Largest integer magnitude a message may carry: 2⁵³−1, the I-JSON (RFC 7493) limit.
pub const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// The `desc` that goes with error 0 in every dApi reply and node envelope.
pub const SUCCESS_DESC: &str = "SUCCESS";

/// The `desc` of a failed send in an invoke callback (`ONT-I8`).
pub const SEND_TX_ERROR_DESC: &str = "SEND TX ERROR";

/// The node's JSON-RPC "method not found" error: the only answer without `jsonrpc`/`desc`.
pub const RPC_METHOD_NOT_FOUND: i64 = 42001;

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Why a JSON value is not a well-formed message. Every variant names the offending member
/// by its JSON pointer; the empty pointer is the message itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// A required member is absent. The pointer names where it should be.
    #[error("missing required field `{}`", show_pointer(.pointer))]
    Missing { pointer: String },
    /// A member has the wrong JSON type.
    #[error("field `{}`: expected {expected}, found {found}", show_pointer(.pointer))]
    WrongType {
        pointer: String,
        expected: &'static str,
        found: &'static str,
    },
    /// A member has the right type but a value the profile does not allow.
    #[error("field `{}`: {reason}", show_pointer(.pointer))]
    Invalid { pointer: String, reason: String },
}

impl MessageError {
    /// The JSON pointer of the member that is wrong (`""` for the whole message).
    pub fn pointer(&self) -> &str {
        match self {
            MessageError::Missing { pointer }
            | MessageError::WrongType { pointer, .. }
            | MessageError::Invalid { pointer, .. } => pointer,
        }
    }

    fn invalid(pointer: &str, reason: impl Into<String>) -> Self {
        MessageError::Invalid {
            pointer: pointer.to_string(),
            reason: reason.into(),
        }
    }

    fn wrong_type(pointer: &str, expected: &'static str, found: &Value) -> Self {
        MessageError::WrongType {
            pointer: pointer.to_string(),
            expected,
            found: json_type_name(found),
        }
    }
}

fn show_pointer(pointer: &str) -> &str {
    if pointer.is_empty() {
        "(root)"
    } else {
        pointer
    }
}

/// A message kind name that [`MessageKind::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown message kind `{0}`")]
pub struct UnknownKind(pub String);

// ---------------------------------------------------------------------------------------
// Message kinds
// ---------------------------------------------------------------------------------------

/// Every message kind, named as its schema file and vector group are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MessageKind {
    /// [`LoginRequest`]: `login.request`.
    LoginRequest,
    /// [`LoginCallback`]: `login.callback`.
    LoginCallback,
    /// [`SignMessageRequest`]: `signMessage.request`.
    SignMessageRequest,
    /// [`SignMessageCallback`]: `signMessage.callback`.
    SignMessageCallback,
    /// [`SignMultiMessageRequest`]: `signMultiMessage.request`.
    SignMultiMessageRequest,
    /// [`SignMultiMessageCallback`]: `signMultiMessage.callback`.
    SignMultiMessageCallback,
    /// [`InvokeRequest`]: `invoke.request`.
    InvokeRequest,
    /// [`InvokePayload`]: `invoke.payload`.
    InvokePayload,
    /// [`InvokeCallback`]: `invoke.callback`.
    InvokeCallback,
    /// [`DappReply`]: `dapp.reply`.
    DappReply,
    /// [`RestEnvelope`]: `node.rest.envelope`.
    NodeRestEnvelope,
    /// [`RestSend`]: `node.rest.send`.
    NodeRestSend,
    /// [`RpcRequest`]: `node.rpc.request`.
    NodeRpcRequest,
    /// [`RpcResponse`]: `node.rpc.response`.
    NodeRpcResponse,
    /// [`SmartContractEvent`]: `node.event`.
    NodeEvent,
    /// [`PreExecResult`]: `node.preexec`.
    NodePreExec,
}

impl MessageKind {
    /// Every kind, in the order schemas and vector groups are listed.
    pub const ALL: [MessageKind; 16] = [
        MessageKind::LoginRequest,
        MessageKind::LoginCallback,
        MessageKind::SignMessageRequest,
        MessageKind::SignMessageCallback,
        MessageKind::SignMultiMessageRequest,
        MessageKind::SignMultiMessageCallback,
        MessageKind::InvokeRequest,
        MessageKind::InvokePayload,
        MessageKind::InvokeCallback,
        MessageKind::DappReply,
        MessageKind::NodeRestEnvelope,
        MessageKind::NodeRestSend,
        MessageKind::NodeRpcRequest,
        MessageKind::NodeRpcResponse,
        MessageKind::NodeEvent,
        MessageKind::NodePreExec,
    ];

    /// The stable name (`login.request`, `node.event`, …).
    pub fn name(self) -> &'static str {
        match self {
            MessageKind::LoginRequest => "login.request",
            MessageKind::LoginCallback => "login.callback",
            MessageKind::SignMessageRequest => "signMessage.request",
            MessageKind::SignMessageCallback => "signMessage.callback",
            MessageKind::SignMultiMessageRequest => "signMultiMessage.request",
            MessageKind::SignMultiMessageCallback => "signMultiMessage.callback",
            MessageKind::InvokeRequest => "invoke.request",
            MessageKind::InvokePayload => "invoke.payload",
            MessageKind::InvokeCallback => "invoke.callback",
            MessageKind::DappReply => "dapp.reply",
            MessageKind::NodeRestEnvelope => "node.rest.envelope",
            MessageKind::NodeRestSend => "node.rest.send",
            MessageKind::NodeRpcRequest => "node.rpc.request",
            MessageKind::NodeRpcResponse => "node.rpc.response",
            MessageKind::NodeEvent => "node.event",
            MessageKind::NodePreExec => "node.preexec",
        }
    }
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for MessageKind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MessageKind::ALL
            .into_iter()
            .find(|kind| kind.name() == s)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

/// Reads `value` as a message of `kind`, with the same rules serde applies, and discards the
/// result. Used to hold the serde types and the JSON Schemas to one verdict per vector.
pub fn parse(kind: MessageKind, value: &Value) -> Result<(), MessageError> {
    fn check<T: FromJson>(value: &Value) -> Result<(), MessageError> {
        T::from_json(value).map(drop)
    }
    match kind {
        MessageKind::LoginRequest => check::<LoginRequest>(value),
        MessageKind::LoginCallback => check::<LoginCallback>(value),
        MessageKind::SignMessageRequest => check::<SignMessageRequest>(value),
        MessageKind::SignMessageCallback => check::<SignMessageCallback>(value),
        MessageKind::SignMultiMessageRequest => check::<SignMultiMessageRequest>(value),
        MessageKind::SignMultiMessageCallback => check::<SignMultiMessageCallback>(value),
        MessageKind::InvokeRequest => check::<InvokeRequest>(value),
        MessageKind::InvokePayload => check::<InvokePayload>(value),
        MessageKind::InvokeCallback => check::<InvokeCallback>(value),
        MessageKind::DappReply => check::<DappReply>(value),
        MessageKind::NodeRestEnvelope => check::<RestEnvelope>(value),
        MessageKind::NodeRestSend => check::<RestSend>(value),
        MessageKind::NodeRpcRequest => check::<RpcRequest>(value),
        MessageKind::NodeRpcResponse => check::<RpcResponse>(value),
        MessageKind::NodeEvent => check::<SmartContractEvent>(value),
        MessageKind::NodePreExec => check::<PreExecResult>(value),
    }
}

// ---------------------------------------------------------------------------------------
// Reading JSON with pointers
// ---------------------------------------------------------------------------------------

/// Reads a value of this type from JSON, naming the JSON pointer of the first member that
/// breaks a rule. [`Deserialize`] for every message type goes through this.
pub trait FromJson: Sized {
    /// Reads `value`, which sits at pointer `at` inside the whole message.
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError>;

    /// Reads a whole message.
    fn from_json(value: &Value) -> Result<Self, MessageError> {
        Self::from_json_at(value, "")
    }
}

/// Implements `Deserialize` by way of `FromJson`, so both paths share one set of rules.
macro_rules! deserialize_via_from_json {
    ($($ty:ty),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(deserializer)?;
                <$ty as FromJson>::from_json(&value).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

/// "a string", "an object", …: how error messages name the JSON type found.
pub(crate) fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The pointer of member `key` of the value at `at` (RFC 6901 escaping).
fn child(at: &str, key: &str) -> String {
    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn item(at: &str, index: usize) -> String {
    format!("{at}/{index}")
}

/// A value quoted for an error message, cut short so a hostile input cannot flood a report.
fn quoted(s: &str) -> String {
    const LIMIT: usize = 72;
    if s.chars().count() <= LIMIT {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(LIMIT).collect();
        format!("{head:?}…")
    }
}

/// An object being read, with the pointer it sits at.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    at: &'a str,
}

impl<'a> Obj<'a> {
    fn new(value: &'a Value, at: &'a str) -> Result<Self, MessageError> {
        match value {
            Value::Object(map) => Ok(Obj { map, at }),
            other => Err(MessageError::wrong_type(at, "an object", other)),
        }
    }

    fn ptr(&self, key: &str) -> String {
        child(self.at, key)
    }

    fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    fn req<T: FromJson>(&self, key: &str) -> Result<T, MessageError> {
        match self.map.get(key) {
            Some(value) => T::from_json_at(value, &self.ptr(key)),
            None => Err(MessageError::Missing {
                pointer: self.ptr(key),
            }),
        }
    }

    fn opt<T: FromJson>(&self, key: &str) -> Result<Option<T>, MessageError> {
        self.map
            .get(key)
            .map(|value| T::from_json_at(value, &self.ptr(key)))
            .transpose()
    }

    /// A member that must be present but may be `null` (the node's `Notify`).
    fn req_nullable<T: FromJson>(&self, key: &str) -> Result<Option<T>, MessageError> {
        match self.map.get(key) {
            Some(Value::Null) => Ok(None),
            Some(value) => T::from_json_at(value, &self.ptr(key)).map(Some),
            None => Err(MessageError::Missing {
                pointer: self.ptr(key),
            }),
        }
    }

    /// A member whose value must equal `expected` exactly (`action`, `Version`, `jsonrpc`).
    fn literal(&self, key: &str, expected: &str) -> Result<(), MessageError> {
        let pointer = self.ptr(key);
        match self.map.get(key) {
            None => Err(MessageError::Missing { pointer }),
            Some(Value::String(s)) if s == expected => Ok(()),
            Some(other) => Err(MessageError::invalid(
                &pointer,
                format!("expected {}, found {}", quoted(expected), describe(other)),
            )),
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => quoted(s),
        other => json_type_name(other).to_string(),
    }
}

impl FromJson for Value {
    fn from_json_at(value: &Value, _at: &str) -> Result<Self, MessageError> {
        Ok(value.clone())
    }
}

impl FromJson for String {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(MessageError::wrong_type(at, "a string", other)),
        }
    }
}

impl FromJson for bool {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(MessageError::wrong_type(at, "a boolean", other)),
        }
    }
}

/// An integer in the JSON Schema sense (no fractional part), within ±(2⁵³−1).
impl FromJson for i64 {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let Value::Number(number) = value else {
            return Err(MessageError::wrong_type(at, "an integer", value));
        };
        let out_of_range = || {
            MessageError::invalid(
                at,
                format!("{number} is outside the interoperable integer range ±(2^53-1)"),
            )
        };
        let n = if let Some(n) = number.as_i64() {
            n
        } else if number.is_u64() {
            return Err(out_of_range());
        } else {
            let f = number.as_f64().unwrap_or(f64::NAN);
            if f.fract() != 0.0 {
                return Err(MessageError::invalid(
                    at,
                    format!("expected an integer, found {number}"),
                ));
            }
            if f.abs() > MAX_SAFE_INTEGER as f64 {
                return Err(out_of_range());
            }
            // Exact: |f| ≤ 2^53 − 1 and f has no fractional part.
            f as i64
        };
        if !(-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&n) {
            return Err(out_of_range());
        }
        Ok(n)
    }
}

/// A non-negative integer within 2⁵³−1 (gas, expiry times, indices).
impl FromJson for u64 {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let n = i64::from_json_at(value, at)?;
        u64::try_from(n)
            .map_err(|_| MessageError::invalid(at, format!("must not be negative, found {n}")))
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| T::from_json_at(v, &item(at, i)))
                .collect(),
            other => Err(MessageError::wrong_type(at, "an array", other)),
        }
    }
}

fn non_empty(s: String, at: &str) -> Result<String, MessageError> {
    if s.is_empty() {
        Err(MessageError::invalid(at, "must not be empty"))
    } else {
        Ok(s)
    }
}

fn non_empty_vec<T>(items: Vec<T>, at: &str) -> Result<Vec<T>, MessageError> {
    if items.is_empty() {
        Err(MessageError::invalid(at, "must have at least one element"))
    } else {
        Ok(items)
    }
}

// ---------------------------------------------------------------------------------------
// Textual formats
// ---------------------------------------------------------------------------------------

fn is_hex_of_len(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Non-empty, even-length hex: a whole number of bytes.
fn is_hex_bytes(s: &str) -> bool {
    !s.is_empty() && s.len() % 2 == 0 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_base58_char(b: u8) -> bool {
    matches!(b, b'1'..=b'9' | b'A'..=b'H' | b'J'..=b'N' | b'P'..=b'Z' | b'a'..=b'k' | b'm'..=b'z')
}

/// The shape of an Ontology base58 address: version byte 0x17 always encodes to a leading
/// `A`, and 25 bytes always encode to 34 characters. The checksum is the crypto module's.
fn is_address_shape(s: &str) -> bool {
    s.len() == 34 && s.starts_with('A') && s.bytes().all(is_base58_char)
}

fn is_ontid_shape(s: &str) -> bool {
    s.strip_prefix("did:ont:").is_some_and(is_address_shape)
}

fn is_unreserved_or_sub_delim(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&b)
}

/// Whether `s` consists of RFC 3986 characters allowed by `allowed` and valid `%HH`
/// escapes.
fn uri_chars(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let escape_ok = bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit();
            if !escape_ok {
                return false;
            }
            i += 3;
        } else if allowed(bytes[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

fn is_pchar(b: u8) -> bool {
    is_unreserved_or_sub_delim(b) || b == b':' || b == b'@'
}

/// Checks an absolute `http`/`https` URL: RFC 3986 syntax, a non-empty host (a registered
/// name, an IPv4 address or a bracketed IPv6 address), an optional numeric port, no user
/// information. The JSON Schemas state the same grammar as a `pattern` next to
/// `format: "uri"`; keep the two in step.
fn check_http_url(s: &str) -> Result<(), &'static str> {
    let (scheme, rest) = s
        .split_once("://")
        .ok_or("not an absolute URL (no `scheme://`)")?;
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return Err("the scheme is not http or https");
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let port = if let Some(bracketed) = authority.strip_prefix('[') {
        let (address, after) = bracketed
            .split_once(']')
            .ok_or("unterminated IPv6 address")?;
        if address.parse::<std::net::Ipv6Addr>().is_err() {
            return Err("the host is not a valid IPv6 address");
        }
        match after {
            "" => "",
            _ => after
                .strip_prefix(':')
                .ok_or("junk after the IPv6 address")?,
        }
    } else {
        let (host, port) = authority.split_once(':').unwrap_or((authority, ""));
        if host.is_empty() {
            return Err("the host is empty");
        }
        if !uri_chars(host, is_unreserved_or_sub_delim) {
            return Err(
                "the host has characters a URL does not allow (user information is not accepted)",
            );
        }
        port
    };
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err("the port is not a number");
    }
    let (before_fragment, fragment) = match tail.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (tail, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (before_fragment, None),
    };
    if !uri_chars(path, |b| is_pchar(b) || b == b'/') {
        return Err("the path has characters a URL does not allow");
    }
    let query_char = |b: u8| is_pchar(b) || b == b'/' || b == b'?';
    if query.is_some_and(|q| !uri_chars(q, query_char)) {
        return Err("the query has characters a URL does not allow");
    }
    if fragment.is_some_and(|f| !uri_chars(f, query_char)) {
        return Err("the fragment has characters a URL does not allow");
    }
    Ok(())
}

/// A string newtype whose content is checked on reading.
macro_rules! checked_string {
    ($(#[$meta:meta])* $name:ident, $what:literal, $check:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Checks `s` and wraps it.
            pub fn new(s: impl Into<String>) -> Result<Self, MessageError> {
                Self::from_json_at(&Value::String(s.into()), "")
            }

            /// The text as received.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromJson for $name {
            fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
                let s = String::from_json_at(value, at)?;
                let check: fn(&str) -> Result<(), &'static str> = $check;
                match check(&s) {
                    Ok(()) => Ok($name(s)),
                    Err(why) => Err(MessageError::invalid(
                        at,
                        format!("{} is not {}: {why}", quoted(&s), $what),
                    )),
                }
            }
        }

        deserialize_via_from_json!($name);
    };
}

fn require(ok: bool, why: &'static str) -> Result<(), &'static str> {
    if ok {
        Ok(())
    } else {
        Err(why)
    }
}

checked_string!(
    /// An absolute `http`/`https` URL (callbacks, `qrcodeUrl`).
    HttpUrl,
    "an absolute http(s) URL",
    check_http_url
);

checked_string!(
    /// A contract address in display (reversed) order: 40 hex digits.
    ContractHash,
    "a contract hash",
    |s| require(is_hex_of_len(s, 40), "expected 40 hex digits")
);

checked_string!(
    /// A transaction hash in display (reversed) order: 64 hex digits.
    TxHash,
    "a transaction hash",
    |s| require(is_hex_of_len(s, 64), "expected 64 hex digits")
);

checked_string!(
    /// A P-256 public key as a 33-byte compressed point: `02`/`03` and 64 hex digits.
    PublicKeyHex,
    "a compressed public key",
    |s| require(
        is_hex_of_len(s, 66) && (s.starts_with("02") || s.starts_with("03")),
        "expected 02 or 03 followed by 64 hex digits"
    )
);

checked_string!(
    /// A signature in hex: 65 bytes (`scheme ‖ r ‖ s`) or 64 bytes (`r ‖ s`). Which
    /// scheme bytes and values are acceptable is the crypto module's decision (`ONT-L5`).
    SignatureHex,
    "a signature",
    |s| require(
        is_hex_of_len(s, 128) || is_hex_of_len(s, 130),
        "expected 128 or 130 hex digits"
    )
);

checked_string!(
    /// Serialized bytes in hex: non-empty and of even length.
    HexData,
    "hex data",
    |s| require(is_hex_bytes(s), "expected a non-empty, even number of hex digits")
);

checked_string!(
    /// The invoke `payer`: a base58 address or the placeholder `%address` (`ONT-I4`).
    Payer,
    "a payer",
    |s| require(
        s == "%address" || is_address_shape(s),
        "expected a base58 address or \"%address\""
    )
);

impl Payer {
    /// Whether this is the `%address` placeholder the wallet replaces with its address.
    pub fn is_placeholder(&self) -> bool {
        self.0 == "%address"
    }
}

/// A string that must equal one fixed value; serializes as that value.
macro_rules! literal_string {
    ($(#[$meta:meta])* $name:ident = $value:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct $name;

        impl $name {
            /// The only value.
            pub const VALUE: &'static str = $value;
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($value)
            }
        }

        impl FromJson for $name {
            fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
                match value {
                    Value::String(s) if s == $value => Ok($name),
                    other => Err(MessageError::invalid(
                        at,
                        format!("expected {:?}, found {}", $value, describe(other)),
                    )),
                }
            }
        }

        deserialize_via_from_json!($name);
    };
}

literal_string!(
    /// The node's `Version`, always `"1.0.0"`.
    NodeVersion = "1.0.0"
);
literal_string!(
    /// JSON-RPC's `jsonrpc`, always `"2.0"`.
    JsonRpcVersion = "2.0"
);
literal_string!(
    /// The REST send body's `Action`, always `"sendrawtransaction"`.
    SendRawTransaction = "sendrawtransaction"
);

// ---------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------

/// The protocol `version` of a dApi message (`ONT-T4`). Both spellings are conformant; the
/// variant records which one was used so a reply can echo it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Version {
    /// `"v1.0.0"`, as every document writes it.
    #[default]
    #[serde(rename = "v1.0.0")]
    Prefixed,
    /// `"1.0.0"`, as cyano-bridge sends it.
    #[serde(rename = "1.0.0")]
    Bare,
}

impl Version {
    /// The text on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::Prefixed => "v1.0.0",
            Version::Bare => "1.0.0",
        }
    }
}

impl FromJson for Version {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        match String::from_json_at(value, at)?.as_str() {
            "v1.0.0" => Ok(Version::Prefixed),
            "1.0.0" => Ok(Version::Bare),
            other => Err(MessageError::invalid(
                at,
                format!("expected \"v1.0.0\" or \"1.0.0\", found {}", quoted(other)),
            )),
        }
    }
}

/// Which identity signs (`ONT-L1`): an ONT ID, or an account. `account` and `address` are
/// synonyms; both are kept so a message re-serializes as it arrived.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LoginType {
    /// `"ontid"`: `user` is `did:ont:<base58>`.
    Ontid,
    /// `"account"` (CEP-1, English docs, iOS wallets).
    Account,
    /// `"address"` (newer Chinese docs); also what a missing `type` means.
    #[default]
    Address,
}

impl LoginType {
    /// Whether the signer is an ONT ID.
    pub fn is_ontid(self) -> bool {
        self == LoginType::Ontid
    }

    /// `account` folded into `address`.
    pub fn normalized(self) -> LoginType {
        match self {
            LoginType::Account => LoginType::Address,
            other => other,
        }
    }
}

impl FromJson for LoginType {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        match String::from_json_at(value, at)?.as_str() {
            "ontid" => Ok(LoginType::Ontid),
            "account" => Ok(LoginType::Account),
            "address" => Ok(LoginType::Address),
            other => Err(MessageError::invalid(
                at,
                format!(
                    "expected \"ontid\", \"account\" or \"address\", found {}",
                    quoted(other)
                ),
            )),
        }
    }
}

/// The dApi error codes (`ONT-T6`). On the wire `error` is a JSON integer; no other code
/// exists in any source (`8001` and string errors are known wallet bugs), so others are
/// rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// `0`, `SUCCESS`.
    Success,
    /// `80001`, `PARAMS ERROR` (also `SEND TX ERROR` for a failed send).
    ParamsError,
    /// `80002`, method error: the action is unknown.
    MethodError,
    /// `80003`, internal error.
    InternalError,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 4] = [
        ErrorCode::Success,
        ErrorCode::ParamsError,
        ErrorCode::MethodError,
        ErrorCode::InternalError,
    ];

    /// The integer on the wire.
    pub fn code(self) -> i64 {
        match self {
            ErrorCode::Success => 0,
            ErrorCode::ParamsError => 80001,
            ErrorCode::MethodError => 80002,
            ErrorCode::InternalError => 80003,
        }
    }

    /// The code for an integer, if it is one of the four.
    pub fn from_code(code: i64) -> Option<Self> {
        ErrorCode::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The usual `desc` for the code.
    pub fn default_desc(self) -> &'static str {
        match self {
            ErrorCode::Success => SUCCESS_DESC,
            ErrorCode::ParamsError => "PARAMS ERROR",
            ErrorCode::MethodError => "METHOD ERROR",
            ErrorCode::InternalError => "INTERNAL ERROR",
        }
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

impl FromJson for ErrorCode {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let code = i64::from_json_at(value, at)?;
        ErrorCode::from_code(code).ok_or_else(|| {
            MessageError::invalid(
                at,
                format!("{code} is not a dApi error code (0, 80001, 80002, 80003)"),
            )
        })
    }
}

/// A node execution `State`: 1 succeeded, 0 failed (`ONT-I10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExecState {
    /// `0`.
    Failed,
    /// `1`.
    Succeeded,
}

impl Serialize for ExecState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(match self {
            ExecState::Failed => 0,
            ExecState::Succeeded => 1,
        })
    }
}

impl FromJson for ExecState {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        match i64::from_json_at(value, at)? {
            0 => Ok(ExecState::Failed),
            1 => Ok(ExecState::Succeeded),
            other => Err(MessageError::invalid(
                at,
                format!("expected 0 or 1, found {other}"),
            )),
        }
    }
}

/// A JSON-RPC `id`: a string, a number or `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct RpcId(pub Value);

impl FromJson for RpcId {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        match value {
            Value::String(_) | Value::Number(_) | Value::Null => Ok(RpcId(value.clone())),
            other => Err(MessageError::wrong_type(
                at,
                "a string, a number or null",
                other,
            )),
        }
    }
}

deserialize_via_from_json!(Version, LoginType, ErrorCode, ExecState, RpcId);

// ---------------------------------------------------------------------------------------
// The request envelope
// ---------------------------------------------------------------------------------------

/// The `params` of one request (or request-shaped callback) and the `action` it goes with.
pub trait Params: FromJson + Serialize {
    /// The `action` the envelope must carry.
    const ACTION: &'static str;
}

/// `{action, version, id?, params}` (`ONT-T4`). `action` is fixed by the params type, so it
/// is checked on reading and written on serializing but not stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Request<P> {
    /// `version`, either spelling.
    pub version: Version,
    /// `id`, optional; a non-empty string when present.
    pub id: Option<String>,
    /// The action's parameters.
    pub params: P,
}

impl<P: Params> Request<P> {
    /// The envelope's `action`.
    pub fn action(&self) -> &'static str {
        P::ACTION
    }
}

fn read_id(obj: &Obj<'_>) -> Result<Option<String>, MessageError> {
    obj.opt::<String>("id")?
        .map(|id| non_empty(id, &obj.ptr("id")))
        .transpose()
}

impl<P: Params> FromJson for Request<P> {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        obj.literal("action", P::ACTION)?;
        Ok(Request {
            version: obj.req("version")?,
            id: read_id(&obj)?,
            params: obj.req("params")?,
        })
    }
}

impl<'de, P: Params> Deserialize<'de> for Request<P> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_json(&value).map_err(serde::de::Error::custom)
    }
}

impl<P: Params> Serialize for Request<P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("action", P::ACTION)?;
        map.serialize_entry("version", &self.version)?;
        if let Some(id) = &self.id {
            map.serialize_entry("id", id)?;
        }
        map.serialize_entry("params", &self.params)?;
        map.end()
    }
}

// ---------------------------------------------------------------------------------------
// login
// ---------------------------------------------------------------------------------------

/// A login QR request: `{action:"login", version, id?, params}` (`ONT-L1`).
pub type LoginRequest = Request<LoginParams>;

/// The `params` of a login QR request (`ONT-L1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginParams {
    /// `type`; a missing `type` reads as [`LoginType::Address`].
    #[serde(rename = "type")]
    pub login_type: LoginType,
    /// `dappName`, shown to the user.
    pub dapp_name: String,
    /// `dappIcon`, shown to the user; any string (the documents' own example is not a URL).
    pub dapp_icon: String,
    /// `message`, the dApp's nonce; never empty.
    pub message: String,
    /// `expire`, Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire: Option<u64>,
    /// `callback`, where the wallet POSTs the signed login.
    pub callback: HttpUrl,
}

impl FromJson for LoginParams {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(LoginParams {
            login_type: obj.opt("type")?.unwrap_or_default(),
            dapp_name: obj.req("dappName")?,
            dapp_icon: obj.req("dappIcon")?,
            message: non_empty(obj.req("message")?, &obj.ptr("message"))?,
            expire: obj.opt("expire")?,
            callback: obj.req("callback")?,
        })
    }
}

impl Params for LoginParams {
    const ACTION: &'static str = "login";
}

/// What a signer returns for one message: the body of a login callback's `params` and of a
/// signMessage callback's `result` (`ONT-L2`, `ONT-S3`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedMessage {
    /// `type`, required here (the wallet states what it signed as).
    #[serde(rename = "type")]
    pub login_type: LoginType,
    /// `user`: `did:ont:<base58>` for `ontid`, a base58 address otherwise. Only the shape is
    /// checked here; the binding to `publickey` is `ONT-L6`/`ONT-L7`, checked by crypto.
    pub user: String,
    /// `message`, as the request gave it; never empty.
    pub message: String,
    /// `publickey`.
    pub publickey: PublicKeyHex,
    /// `signature`.
    pub signature: SignatureHex,
}

/// A field-name quirk that a reader tolerated. The profile names each quirk, and the suite
/// reports it as a warning against the peer that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quirk {
    /// `publicKey` (camel case) instead of `publickey`, as both iOS wallets send it in the
    /// login callback (`ONT-L2`), and one of them in sign results (`ONT-S6`).
    PublicKeyCamelCase,
}

impl Quirk {
    /// The profile clause that tolerates the quirk.
    pub fn clause(self) -> &'static str {
        match self {
            Quirk::PublicKeyCamelCase => "ONT-L2",
        }
    }

    /// One line for a report.
    pub fn description(self) -> &'static str {
        match self {
            Quirk::PublicKeyCamelCase => {
                "`publicKey` (camel case, iOS wallets) used instead of `publickey`"
            }
        }
    }
}

impl fmt::Display for Quirk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// Reads a signed-message object. With `tolerate_camel`, `publicKey` may stand in for
/// `publickey` (never both: which one was signed for would be ambiguous) and is recorded.
fn read_signed(
    value: &Value,
    at: &str,
    tolerate_camel: bool,
) -> Result<(SignedMessage, Vec<Quirk>), MessageError> {
    let obj = Obj::new(value, at)?;
    let login_type: LoginType = obj.req("type")?;
    let user: String = obj.req("user")?;
    let user_ok = if login_type.is_ontid() {
        is_ontid_shape(&user)
    } else {
        is_address_shape(&user)
    };
    if !user_ok {
        let expected = if login_type.is_ontid() {
            "an ONT ID (did:ont:<base58 address>) since type is \"ontid\""
        } else {
            "a base58 address since type is not \"ontid\""
        };
        return Err(MessageError::invalid(
            &obj.ptr("user"),
            format!("{} is not {expected}", quoted(&user)),
        ));
    }
    let message = non_empty(obj.req("message")?, &obj.ptr("message"))?;
    let mut quirks = Vec::new();
    let publickey = if tolerate_camel && obj.has("publicKey") {
        if obj.has("publickey") {
            return Err(MessageError::invalid(
                &obj.ptr("publickey"),
                "must not appear together with `publicKey`",
            ));
        }
        quirks.push(Quirk::PublicKeyCamelCase);
        obj.req("publicKey")?
    } else {
        obj.req("publickey")?
    };
    let signature = obj.req("signature")?;
    Ok((
        SignedMessage {
            login_type,
            user,
            message,
            publickey,
            signature,
        },
        quirks,
    ))
}

/// Sign results tolerate `publicKey` as logins do (ONT-S6: cyano-ios-oc's signMessage sends
/// it too); only the login callback keeps the quirks it saw, for its report.
impl FromJson for SignedMessage {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        read_signed(value, at, true).map(|(signed, _)| signed)
    }
}

/// The body the wallet POSTs to a login callback: `{action:"login", version, id?, params}`.
pub type LoginCallback = Request<LoginCallbackParams>;

/// The `params` of a login callback (`ONT-L2`): a [`SignedMessage`], plus the quirks the
/// reader tolerated to get it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoginCallbackParams {
    /// The signed login.
    #[serde(flatten)]
    pub signed: SignedMessage,
    /// Quirks seen on reading (the iOS `publicKey`). Never serialized: the suite's own
    /// messages always use the documented spelling.
    #[serde(skip)]
    pub quirks: Vec<Quirk>,
}

impl FromJson for LoginCallbackParams {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let (signed, quirks) = read_signed(value, at, true)?;
        Ok(LoginCallbackParams { signed, quirks })
    }
}

impl Params for LoginCallbackParams {
    const ACTION: &'static str = "login";
}

impl LoginCallback {
    /// The quirks tolerated while reading this callback; empty for a documented one.
    pub fn quirks(&self) -> &[Quirk] {
        &self.params.quirks
    }
}

// ---------------------------------------------------------------------------------------
// signMessage / signMultiMessage
// ---------------------------------------------------------------------------------------

/// A signMessage QR request (`ONT-S1`).
pub type SignMessageRequest = Request<SignMessageParams>;

/// A signMultiMessage QR request (`ONT-S1`).
pub type SignMultiMessageRequest = Request<SignMultiMessageParams>;

/// The `params` of a signMessage request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignMessageParams {
    /// `type`; missing reads as [`LoginType::Address`], as for login.
    #[serde(rename = "type")]
    pub login_type: LoginType,
    /// `message`; never empty, and non-empty even-length hex when `ishex` is true (`ONT-S2`).
    pub message: String,
    /// `ishex`, default false.
    pub ishex: bool,
    /// `expire`, Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire: Option<u64>,
    /// `callback`.
    pub callback: HttpUrl,
}

/// The `params` of a signMultiMessage request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignMultiMessageParams {
    /// `type`; missing reads as [`LoginType::Address`].
    #[serde(rename = "type")]
    pub login_type: LoginType,
    /// `message`: at least one message, each non-empty (hex when `ishex` is true).
    pub message: Vec<String>,
    /// `ishex`, default false.
    pub ishex: bool,
    /// `expire`, Unix seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire: Option<u64>,
    /// `callback`.
    pub callback: HttpUrl,
}

/// `ONT-S2`: a wallet must not sign a "hex" message that is not hex, so such a request is
/// malformed rather than merely unusual.
fn check_hex_message(message: &str, ishex: bool, at: &str) -> Result<(), MessageError> {
    if ishex && !is_hex_bytes(message) {
        return Err(MessageError::invalid(
            at,
            format!(
                "{} is not hex although ishex is true (expected a non-empty, even number of hex digits)",
                quoted(message)
            ),
        ));
    }
    Ok(())
}

impl FromJson for SignMessageParams {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        let login_type = obj.opt("type")?.unwrap_or_default();
        let message = non_empty(obj.req("message")?, &obj.ptr("message"))?;
        let ishex = obj.opt("ishex")?.unwrap_or(false);
        check_hex_message(&message, ishex, &obj.ptr("message"))?;
        Ok(SignMessageParams {
            login_type,
            message,
            ishex,
            expire: obj.opt("expire")?,
            callback: obj.req("callback")?,
        })
    }
}

impl FromJson for SignMultiMessageParams {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        let login_type = obj.opt("type")?.unwrap_or_default();
        let at_message = obj.ptr("message");
        let message: Vec<String> = non_empty_vec(obj.req("message")?, &at_message)?;
        for (i, m) in message.iter().enumerate() {
            if m.is_empty() {
                return Err(MessageError::invalid(
                    &item(&at_message, i),
                    "must not be empty",
                ));
            }
        }
        let ishex = obj.opt("ishex")?.unwrap_or(false);
        for (i, m) in message.iter().enumerate() {
            check_hex_message(m, ishex, &item(&at_message, i))?;
        }
        Ok(SignMultiMessageParams {
            login_type,
            message,
            ishex,
            expire: obj.opt("expire")?,
            callback: obj.req("callback")?,
        })
    }
}

impl Params for SignMessageParams {
    const ACTION: &'static str = "signMessage";
}

impl Params for SignMultiMessageParams {
    const ACTION: &'static str = "signMultiMessage";
}

/// The verdict part of a callback: `error`, `desc` and `result` together.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    /// `error: 0`, `desc: "SUCCESS"`, and the action's result.
    Success(T),
    /// A non-zero dApi error code with its `desc` and whatever `result` came with it.
    Failure {
        error: ErrorCode,
        desc: String,
        result: Value,
    },
}

/// Reads `error`, `desc` and `result`: `result` must be present; with error 0 the `desc`
/// must be `"SUCCESS"` and the result must read as `T`.
fn read_outcome<T>(
    obj: &Obj<'_>,
    read_result: impl FnOnce(&Value, &str) -> Result<T, MessageError>,
) -> Result<Outcome<T>, MessageError> {
    let error: ErrorCode = obj.req("error")?;
    let desc: String = obj.req("desc")?;
    let result: Value = obj.req("result")?;
    if error == ErrorCode::Success {
        if desc != SUCCESS_DESC {
            return Err(MessageError::invalid(
                &obj.ptr("desc"),
                format!("expected \"SUCCESS\" with error 0, found {}", quoted(&desc)),
            ));
        }
        Ok(Outcome::Success(read_result(&result, &obj.ptr("result"))?))
    } else {
        Ok(Outcome::Failure {
            error,
            desc,
            result,
        })
    }
}

fn serialize_callback<S: Serializer, T: Serialize>(
    serializer: S,
    action: &str,
    version: Option<Version>,
    id: Option<&String>,
    outcome: &Outcome<T>,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry("action", action)?;
    if let Some(version) = version {
        map.serialize_entry("version", &version)?;
    }
    if let Some(id) = id {
        map.serialize_entry("id", id)?;
    }
    match outcome {
        Outcome::Success(result) => {
            map.serialize_entry("error", &ErrorCode::Success)?;
            map.serialize_entry("desc", SUCCESS_DESC)?;
            map.serialize_entry("result", result)?;
        }
        Outcome::Failure {
            error,
            desc,
            result,
        } => {
            map.serialize_entry("error", error)?;
            map.serialize_entry("desc", desc)?;
            map.serialize_entry("result", result)?;
        }
    }
    map.end()
}

/// The body the wallet POSTs after a signMessage request (`ONT-S3`): the data under
/// `result` (not `params`), and `action` is `"signMessage"` (not `"login"`, which is what the
/// Android wallet sends).
#[derive(Debug, Clone, PartialEq)]
pub struct SignMessageCallback {
    /// `version`, required.
    pub version: Version,
    /// `id`, echoed when the request had one.
    pub id: Option<String>,
    /// `error`, `desc`, `result`.
    pub outcome: Outcome<SignedMessage>,
}

/// The body the wallet POSTs after a signMultiMessage request (`ONT-S4`): on success
/// `result` is an array with one signed message per requested message.
#[derive(Debug, Clone, PartialEq)]
pub struct SignMultiMessageCallback {
    /// `version`, required.
    pub version: Version,
    /// `id`, echoed when the request had one.
    pub id: Option<String>,
    /// `error`, `desc`, `result`.
    pub outcome: Outcome<Vec<SignedMessage>>,
}

impl FromJson for SignMessageCallback {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        obj.literal("action", "signMessage")?;
        let version = obj.req("version")?;
        let id = read_id(&obj)?;
        let outcome = read_outcome(&obj, SignedMessage::from_json_at)?;
        Ok(SignMessageCallback {
            version,
            id,
            outcome,
        })
    }
}

impl FromJson for SignMultiMessageCallback {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        obj.literal("action", "signMultiMessage")?;
        let version = obj.req("version")?;
        let id = read_id(&obj)?;
        let outcome = read_outcome(&obj, |result, at| {
            non_empty_vec(Vec::<SignedMessage>::from_json_at(result, at)?, at)
        })?;
        Ok(SignMultiMessageCallback {
            version,
            id,
            outcome,
        })
    }
}

impl Serialize for SignMessageCallback {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_callback(
            serializer,
            "signMessage",
            Some(self.version),
            self.id.as_ref(),
            &self.outcome,
        )
    }
}

impl Serialize for SignMultiMessageCallback {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_callback(
            serializer,
            "signMultiMessage",
            Some(self.version),
            self.id.as_ref(),
            &self.outcome,
        )
    }
}

// ---------------------------------------------------------------------------------------
// invoke
// ---------------------------------------------------------------------------------------

/// An invoke QR request (`ONT-I1`).
pub type InvokeRequest = Request<InvokeParams>;

/// The `params` of an invoke QR request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvokeParams {
    /// `qrcodeUrl`: where the wallet GETs the [`InvokePayload`].
    pub qrcode_url: HttpUrl,
    /// `callback`, optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<HttpUrl>,
    /// `expire`, Unix seconds, optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expire: Option<u64>,
    /// `login`, informational.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login: Option<bool>,
}

impl FromJson for InvokeParams {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(InvokeParams {
            qrcode_url: obj.req("qrcodeUrl")?,
            callback: obj.opt("callback")?,
            expire: obj.opt("expire")?,
            login: obj.opt("login")?,
        })
    }
}

impl Params for InvokeParams {
    const ACTION: &'static str = "invoke";
}

/// What `GET qrcodeUrl` returns (`ONT-I1`): `{action:"invoke", version, id?, params}`.
pub type InvokePayload = Request<InvokePayloadParams>;

/// The `params` of an invoke payload.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvokePayloadParams {
    /// `invokeConfig`.
    pub invoke_config: InvokeConfig,
}

impl FromJson for InvokePayloadParams {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(InvokePayloadParams {
            invoke_config: obj.req("invokeConfig")?,
        })
    }
}

impl Params for InvokePayloadParams {
    const ACTION: &'static str = "invoke";
}

/// `invokeConfig` (`ONT-I2`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvokeConfig {
    /// `contractHash`, display order.
    pub contract_hash: ContractHash,
    /// `functions`, at least one; wallets use the first.
    pub functions: Vec<InvokeFunction>,
    /// `payer`; missing means the wallet's address (`ONT-I5`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer: Option<Payer>,
    /// `gasLimit`.
    pub gas_limit: u64,
    /// `gasPrice`.
    pub gas_price: u64,
}

impl FromJson for InvokeConfig {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(InvokeConfig {
            contract_hash: obj.req("contractHash")?,
            functions: non_empty_vec(obj.req("functions")?, &obj.ptr("functions"))?,
            payer: obj.opt("payer")?,
            gas_limit: obj.req("gasLimit")?,
            gas_price: obj.req("gasPrice")?,
        })
    }
}

/// One entry of `functions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvokeFunction {
    /// `operation`, the method name; never empty.
    pub operation: String,
    /// `args`, possibly empty.
    pub args: Vec<InvokeArg>,
}

impl FromJson for InvokeFunction {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(InvokeFunction {
            operation: non_empty(obj.req("operation")?, &obj.ptr("operation"))?,
            args: obj.req("args")?,
        })
    }
}

/// One argument: `{name, value}`. `value` is a typed value (`ONT-I3`) left as JSON here; the
/// invoke codec decides whether its prefixes and contents are acceptable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvokeArg {
    /// `name`, informational.
    pub name: String,
    /// `value`, any JSON; required.
    pub value: Value,
}

impl FromJson for InvokeArg {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(InvokeArg {
            name: obj.req("name")?,
            value: obj.req("value")?,
        })
    }
}

/// The body the wallet POSTs after an invoke (`ONT-I7`, `ONT-I8`): the tx hash on success;
/// on a failed send exactly `error: 80001, desc: "SEND TX ERROR", result: 1`. `version` is
/// optional here because every source's example omits it.
#[derive(Debug, Clone, PartialEq)]
pub struct InvokeCallback {
    /// `version`, optional.
    pub version: Option<Version>,
    /// `id`, echoed when the request had one.
    pub id: Option<String>,
    /// `error`, `desc`, `result`.
    pub outcome: Outcome<TxHash>,
}

impl InvokeCallback {
    /// The failure callback for a send the node refused (`ONT-I8`).
    pub fn send_tx_error(version: Option<Version>, id: Option<String>) -> Self {
        InvokeCallback {
            version,
            id,
            outcome: Outcome::Failure {
                error: ErrorCode::ParamsError,
                desc: SEND_TX_ERROR_DESC.to_string(),
                result: Value::from(1),
            },
        }
    }
}

impl FromJson for InvokeCallback {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        obj.literal("action", "invoke")?;
        let version = obj.opt("version")?;
        let id = read_id(&obj)?;
        let outcome = read_outcome(&obj, TxHash::from_json_at)?;
        if let Outcome::Failure {
            error,
            desc,
            result,
        } = &outcome
        {
            // `SEND TX ERROR` has one documented form; a variant of it (the iOS 8001, a
            // string result) is a different, undocumented message.
            if desc == SEND_TX_ERROR_DESC {
                if *error != ErrorCode::ParamsError {
                    return Err(MessageError::invalid(
                        &obj.ptr("error"),
                        format!(
                            "expected 80001 with \"SEND TX ERROR\", found {}",
                            error.code()
                        ),
                    ));
                }
                if result.as_f64() != Some(1.0) {
                    return Err(MessageError::invalid(
                        &obj.ptr("result"),
                        format!("expected 1 with \"SEND TX ERROR\", found {result}"),
                    ));
                }
            }
        }
        Ok(InvokeCallback {
            version,
            id,
            outcome,
        })
    }
}

impl Serialize for InvokeCallback {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_callback(
            serializer,
            "invoke",
            self.version,
            self.id.as_ref(),
            &self.outcome,
        )
    }
}

// ---------------------------------------------------------------------------------------
// dApp reply
// ---------------------------------------------------------------------------------------

/// What a dApp back end answers to a callback (`ONT-T5`…`ONT-T7`, `ONT-L10`): a JSON object
/// echoing `action` (and `id`), an integer `error`, a `desc` (`"SUCCESS"` with 0), a
/// `result` (`true` for an accepted login).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DappReply {
    /// `action`, echoed; any non-empty string, since a reply to an unknown action (80002)
    /// echoes that action.
    pub action: String,
    /// `version`, optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    /// `id`, optional.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `error`.
    pub error: ErrorCode,
    /// `desc`.
    pub desc: String,
    /// `result`, required, any JSON.
    pub result: Value,
}

impl FromJson for DappReply {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        let action = non_empty(obj.req("action")?, &obj.ptr("action"))?;
        let version = obj.opt("version")?;
        let id = read_id(&obj)?;
        let error: ErrorCode = obj.req("error")?;
        let desc: String = obj.req("desc")?;
        let result = obj.req("result")?;
        if error == ErrorCode::Success && desc != SUCCESS_DESC {
            return Err(MessageError::invalid(
                &obj.ptr("desc"),
                format!("expected \"SUCCESS\" with error 0, found {}", quoted(&desc)),
            ));
        }
        Ok(DappReply {
            action,
            version,
            id,
            error,
            desc,
            result,
        })
    }
}

// ---------------------------------------------------------------------------------------
// The node
// ---------------------------------------------------------------------------------------

/// Every REST response of the node (`ONT-N1`): `{Action, Desc, Error, Result, Version}`.
/// The node rewrites `Desc` from `Error`, so error 0 always comes with `"SUCCESS"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestEnvelope {
    /// `Action`, the handler's name.
    pub action: String,
    /// `Desc`.
    pub desc: String,
    /// `Error`, any node code.
    pub error: i64,
    /// `Result`, required (`""` for an unknown hash).
    pub result: Value,
    /// `Version`, `"1.0.0"`.
    pub version: NodeVersion,
}

impl FromJson for RestEnvelope {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        let action = obj.req("Action")?;
        let desc: String = obj.req("Desc")?;
        let error: i64 = obj.req("Error")?;
        let result = obj.req("Result")?;
        let version = obj.req("Version")?;
        if error == 0 && desc != SUCCESS_DESC {
            return Err(MessageError::invalid(
                &obj.ptr("Desc"),
                format!("expected \"SUCCESS\" with Error 0, found {}", quoted(&desc)),
            ));
        }
        Ok(RestEnvelope {
            action,
            desc,
            error,
            result,
            version,
        })
    }
}

/// The body of `POST /api/v1/transaction[?preExec=1]` (`ONT-N1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestSend {
    /// `Action`, `"sendrawtransaction"`.
    pub action: SendRawTransaction,
    /// `Version`, `"1.0.0"`.
    pub version: NodeVersion,
    /// `Data`, the signed transaction in hex.
    pub data: HexData,
}

impl FromJson for RestSend {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(RestSend {
            action: obj.req("Action")?,
            version: obj.req("Version")?,
            data: obj.req("Data")?,
        })
    }
}

/// A JSON-RPC 2.0 request to the node (`ONT-N2`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RpcRequest {
    /// `jsonrpc`, `"2.0"`.
    pub jsonrpc: JsonRpcVersion,
    /// `method`, non-empty.
    pub method: String,
    /// `params`, positional.
    pub params: Vec<Value>,
    /// `id`, required (the suite never sends notifications).
    pub id: RpcId,
}

impl FromJson for RpcRequest {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(RpcRequest {
            jsonrpc: obj.req("jsonrpc")?,
            method: non_empty(obj.req("method")?, &obj.ptr("method"))?,
            params: obj.req("params")?,
            id: obj.req("id")?,
        })
    }
}

/// The node's JSON-RPC answer (`ONT-N2`, `ONT-N3`): `{jsonrpc, error, desc, result, id}`.
/// The real node leaves out `jsonrpc` and `desc` in its method-not-found answer (error
/// 42001) only, so they are optional there and required otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RpcResponse {
    /// `jsonrpc`, `"2.0"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jsonrpc: Option<JsonRpcVersion>,
    /// `error`, any node code.
    pub error: i64,
    /// `desc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub desc: Option<String>,
    /// `result`, required (`null` for an unknown hash).
    pub result: Value,
    /// `id`, echoed.
    pub id: RpcId,
}

impl FromJson for RpcResponse {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        let jsonrpc = obj.opt("jsonrpc")?;
        let error: i64 = obj.req("error")?;
        let desc: Option<String> = obj.opt("desc")?;
        let result = obj.req("result")?;
        let id = obj.req("id")?;
        if error != RPC_METHOD_NOT_FOUND {
            if jsonrpc.is_none() {
                return Err(MessageError::Missing {
                    pointer: obj.ptr("jsonrpc"),
                });
            }
            if desc.is_none() {
                return Err(MessageError::Missing {
                    pointer: obj.ptr("desc"),
                });
            }
        }
        if let Some(desc) = &desc {
            if error == 0 && desc != SUCCESS_DESC {
                return Err(MessageError::invalid(
                    &obj.ptr("desc"),
                    format!("expected \"SUCCESS\" with error 0, found {}", quoted(desc)),
                ));
            }
        }
        Ok(RpcResponse {
            jsonrpc,
            error,
            desc,
            result,
            id,
        })
    }
}

/// One entry of `Notify`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Notify {
    /// `ContractAddress`, display order.
    pub contract_address: ContractHash,
    /// `States`: an array (`["transfer", from, to, amount]`) or a hex string; required.
    pub states: Value,
    /// `IsEvm`, added by newer nodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_evm: Option<bool>,
}

impl FromJson for Notify {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(Notify {
            contract_address: obj.req("ContractAddress")?,
            states: obj.req("States")?,
            is_evm: obj.opt("IsEvm")?,
        })
    }
}

/// A transaction's execution record (`ONT-N4`), as `getsmartcodeevent` returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SmartContractEvent {
    /// `TxHash`, display order.
    pub tx_hash: TxHash,
    /// `State`.
    pub state: ExecState,
    /// `GasConsumed`.
    pub gas_consumed: u64,
    /// `Notify`: present, `null` when there are no notifications.
    pub notify: Option<Vec<Notify>>,
    /// `GasStepUsed` (nodes since 2021).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gas_step_used: Option<u64>,
    /// `TxIndex` (nodes since 2021).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_index: Option<u64>,
    /// `CreatedContract` (nodes since 2021).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_contract: Option<ContractHash>,
}

impl FromJson for SmartContractEvent {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(SmartContractEvent {
            tx_hash: obj.req("TxHash")?,
            state: obj.req("State")?,
            gas_consumed: obj.req("GasConsumed")?,
            notify: obj.req_nullable("Notify")?,
            gas_step_used: obj.opt("GasStepUsed")?,
            tx_index: obj.opt("TxIndex")?,
            created_contract: obj.opt("CreatedContract")?,
        })
    }
}

/// The `Result` of a pre-executed transaction (`ONT-N1`, `ONT-N2`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PreExecResult {
    /// `State`.
    pub state: ExecState,
    /// `Gas`.
    pub gas: u64,
    /// `Result`: a hex string or nested arrays of them; required.
    pub result: Value,
    /// `Notify`: present, `null` when there are no notifications.
    pub notify: Option<Vec<Notify>>,
}

impl FromJson for PreExecResult {
    fn from_json_at(value: &Value, at: &str) -> Result<Self, MessageError> {
        let obj = Obj::new(value, at)?;
        Ok(PreExecResult {
            state: obj.req("State")?,
            gas: obj.req("Gas")?,
            result: obj.req("Result")?,
            notify: obj.req_nullable("Notify")?,
        })
    }
}

deserialize_via_from_json!(
    LoginParams,
    SignedMessage,
    LoginCallbackParams,
    SignMessageParams,
    SignMultiMessageParams,
    SignMessageCallback,
    SignMultiMessageCallback,
    InvokeParams,
    InvokePayloadParams,
    InvokeConfig,
    InvokeFunction,
    InvokeArg,
    InvokeCallback,
    DappReply,
    RestEnvelope,
    RestSend,
    RpcRequest,
    RpcResponse,
    Notify,
    SmartContractEvent,
    PreExecResult,
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PUBLIC_KEY: &str = "0205c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba61";
    const ADDRESS: &str = "AUEKhXNsoAT27HJwwqFGbpRy8QLHUMBMPz";
    const SIGNATURE: &str = "01abd7ea9d79c857cd838cabbbaad3efb44a6fc4f5a5ef52ea8461d6c055b8a7cf324d1a58962988709705cefe40df5b26e88af3ca387ec5036ec7f5e6640a1754";

    fn err_pointer(kind: MessageKind, value: Value) -> String {
        parse(kind, &value)
            .expect_err("the message should be rejected")
            .pointer()
            .to_string()
    }

    /// ontology-dapi.md §2.2, with the placeholder `type` ("ontid or account") made concrete.
    #[test]
    fn doc_login_request_parses() {
        let value = json!({
            "action": "login",
            "version": "v1.0.0",
            "id": "10ba038e-48da-487b-96e8-8d3b99b6d18a",
            "params": {
                "type": "ontid",
                "dappName": "dapp Name",
                "dappIcon": "dapp Icon",
                "message": "helloworld",
                "expire": 1546415363,
                "callback": "http://101.132.193.149:4027/blockchain/v1/common/test-onto-login"
            }
        });
        let request: LoginRequest = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(request.action(), "login");
        assert_eq!(request.params.login_type, LoginType::Ontid);
        assert_eq!(request.params.expire, Some(1546415363));
        assert_eq!(serde_json::to_value(&request).unwrap(), value);
    }

    #[test]
    fn doc_login_request_with_placeholder_type_is_rejected() {
        let value = json!({
            "action": "login", "version": "v1.0.0",
            "params": {"type": "ontid or account", "dappName": "d", "dappIcon": "i",
                       "message": "helloworld", "callback": "http://example.com/cb"}
        });
        assert_eq!(
            err_pointer(MessageKind::LoginRequest, value),
            "/params/type"
        );
    }

    #[test]
    fn missing_type_reads_as_address_and_account_is_kept() {
        let mut value = json!({
            "action": "login", "version": "1.0.0",
            "params": {"dappName": "d", "dappIcon": "i", "message": "m",
                       "callback": "https://example.com/cb"}
        });
        let request = LoginRequest::from_json(&value).unwrap();
        assert_eq!(request.version, Version::Bare);
        assert_eq!(request.params.login_type, LoginType::Address);
        value["params"]["type"] = json!("account");
        let request = LoginRequest::from_json(&value).unwrap();
        assert_eq!(request.params.login_type, LoginType::Account);
        assert_eq!(request.params.login_type.normalized(), LoginType::Address);
    }

    /// ontology-dapi.md §2.2 callback body, with a concrete `type`.
    #[test]
    fn doc_login_callback_parses_without_quirks() {
        let value = json!({
            "action": "login",
            "version": "v1.0.0",
            "id": "10ba038e-48da-487b-96e8-8d3b99b6d18a",
            "params": {
                "type": "ontid",
                "user": "did:ont:AUEKhXNsoAT27HJwwqFGbpRy8QLHUMBMPz",
                "message": "helloworld",
                "publickey": PUBLIC_KEY,
                "signature": SIGNATURE
            }
        });
        let callback: LoginCallback = serde_json::from_value(value.clone()).unwrap();
        assert!(callback.quirks().is_empty());
        assert_eq!(callback.params.signed.publickey.as_str(), PUBLIC_KEY);
        assert_eq!(serde_json::to_value(&callback).unwrap(), value);
    }

    #[test]
    fn ios_public_key_spelling_is_tolerated_and_recorded() {
        let value = json!({
            "action": "login", "version": "v1.0.0", "id": "1",
            "params": {"type": "account", "user": ADDRESS, "message": "helloworld",
                       "publicKey": PUBLIC_KEY, "signature": SIGNATURE}
        });
        let callback = LoginCallback::from_json(&value).unwrap();
        assert_eq!(callback.quirks(), &[Quirk::PublicKeyCamelCase]);
        assert_eq!(callback.quirks()[0].clause(), "ONT-L2");
        // Re-serialized in the documented spelling.
        let out = serde_json::to_value(&callback).unwrap();
        assert_eq!(out["params"]["publickey"], PUBLIC_KEY);
        assert!(out["params"].get("publicKey").is_none());
    }

    #[test]
    fn both_public_key_spellings_are_ambiguous() {
        let value = json!({
            "action": "login", "version": "v1.0.0",
            "params": {"type": "account", "user": ADDRESS, "message": "helloworld",
                       "publickey": PUBLIC_KEY, "publicKey": PUBLIC_KEY, "signature": SIGNATURE}
        });
        assert_eq!(
            err_pointer(MessageKind::LoginCallback, value),
            "/params/publickey"
        );
    }

    #[test]
    fn user_shape_follows_type() {
        let value = json!({
            "action": "login", "version": "v1.0.0",
            "params": {"type": "ontid", "user": ADDRESS, "message": "helloworld",
                       "publickey": PUBLIC_KEY, "signature": SIGNATURE}
        });
        assert_eq!(
            err_pointer(MessageKind::LoginCallback, value),
            "/params/user"
        );
    }

    /// ontology-dapi.md §2.3, with concrete `type` and `user` values.
    #[test]
    fn doc_sign_message_examples_parse() {
        let request = json!({"action":"signMessage","version":"v1.0.0","id":"10ba038e",
            "params":{"type":"address","message":"helloworld","ishex":false,
                      "callback":"http://101.132.193.149:4027/blockchain/v1/common/test-onto-login"}});
        parse(MessageKind::SignMessageRequest, &request).unwrap();
        let multi = json!({"action":"signMultiMessage","version":"v1.0.0","id":"10ba038e",
            "params":{"type":"address","message":["aabbccdd"],"ishex":true,
                      "callback":"http://101.132.193.149:4027/blockchain/v1/common/test-onto-login"}});
        parse(MessageKind::SignMultiMessageRequest, &multi).unwrap();
        let signed = json!({"type":"address","user":ADDRESS,"message":"helloworld",
                            "publickey":PUBLIC_KEY,"signature":SIGNATURE});
        let callback = json!({"action":"signMessage","version":"v1.0.0","id":"10ba038e",
            "error":0,"desc":"SUCCESS","result":signed});
        let parsed = SignMessageCallback::from_json(&callback).unwrap();
        assert!(matches!(parsed.outcome, Outcome::Success(_)));
        assert_eq!(serde_json::to_value(&parsed).unwrap(), callback);
        let multi_callback = json!({"action":"signMultiMessage","version":"v1.0.0","id":"10ba038e",
            "error":0,"desc":"SUCCESS","result":[signed]});
        parse(MessageKind::SignMultiMessageCallback, &multi_callback).unwrap();
    }

    #[test]
    fn hex_flag_requires_hex_messages() {
        let request = json!({"action":"signMultiMessage","version":"v1.0.0",
            "params":{"message":["aabb","xyz"],"ishex":true,"callback":"http://a.example/cb"}});
        assert_eq!(
            err_pointer(MessageKind::SignMultiMessageRequest, request),
            "/params/message/1"
        );
        let request = json!({"action":"signMessage","version":"v1.0.0",
            "params":{"message":"abc","ishex":true,"callback":"http://a.example/cb"}});
        assert_eq!(
            err_pointer(MessageKind::SignMessageRequest, request),
            "/params/message"
        );
    }

    #[test]
    fn android_sign_message_callback_is_rejected() {
        // The Android wallet posts signMessage results as a login callback.
        let callback = json!({"action":"login","version":"v1.0.0","error":0,"desc":"SUCCESS",
            "result":{"type":"address","user":ADDRESS,"message":"m",
                      "publickey":PUBLIC_KEY,"signature":SIGNATURE}});
        assert_eq!(
            err_pointer(MessageKind::SignMessageCallback, callback),
            "/action"
        );
    }

    /// ontology-dapi.md §2.4: the QR, the payload and both callbacks.
    #[test]
    fn doc_invoke_examples_parse() {
        let qr = json!({"action":"invoke","version":"v1.0.0","id":"10ba038e-48da-487b-96e8-8d3b99b6d18a",
            "params":{"login":true,"callback":"http://101.132.193.149:4027/invoke/callback",
                      "expire":1546415363,
                      "qrcodeUrl":"http://101.132.193.149:4027/qrcode/AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ"}});
        let request = InvokeRequest::from_json(&qr).unwrap();
        assert_eq!(request.params.login, Some(true));
        let payload = json!({
            "action": "invoke",
            "version": "v1.0.0",
            "id": "10ba038e-48da-487b-96e8-8d3b99b6d18a",
            "params": {"invokeConfig": {
                "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
                "functions": [{
                    "operation": "method name",
                    "args": [
                        {"name": "arg0-list", "value": [true, 100, "Long:100000000000", "Address:AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ", "ByteArray:aabb", "String:hello", [true, 100], {"key": 6}]},
                        {"name": "arg1-map", "value": {"key": "String:hello", "key1": "ByteArray:aabb", "key2": "Long:100000000000", "key3": true, "key4": 100, "key5": [100], "key6": {"key": 6}}},
                        {"name": "arg2-str", "value": "String:test"}
                    ]
                }],
                "payer": "AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ",
                "gasLimit": 20000,
                "gasPrice": 500
            }}
        });
        let parsed = InvokePayload::from_json(&payload).unwrap();
        assert_eq!(parsed.params.invoke_config.functions[0].args.len(), 3);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), payload);
        let ok = json!({"action":"invoke","id":"1","error":0,"desc":"SUCCESS",
            "result":"8ba2e5fc3d7a8d8cd3b37d4a1e4fc9c83e1b9c3e1e4a8a8e0f1f2f3f4f5f6f7f"});
        parse(MessageKind::InvokeCallback, &ok).unwrap();
        let failed =
            json!({"action":"invoke","id":"1","error":80001,"desc":"SEND TX ERROR","result":1});
        let parsed = InvokeCallback::from_json(&failed).unwrap();
        assert_eq!(
            parsed,
            InvokeCallback::send_tx_error(None, Some("1".into()))
        );
        assert_eq!(serde_json::to_value(&parsed).unwrap(), failed);
        // The iOS typo.
        let typo =
            json!({"action":"invoke","id":"1","error":8001,"desc":"SEND TX ERROR","result":1});
        assert_eq!(err_pointer(MessageKind::InvokeCallback, typo), "/error");
    }

    /// ontology-dapi.md §2.2: both replies of the dApp back end.
    #[test]
    fn doc_dapp_replies_parse() {
        let ok = json!({"action":"login","version":"v1.0.0","id":"1","error":0,"desc":"SUCCESS","result":true});
        parse(MessageKind::DappReply, &ok).unwrap();
        let bad = json!({"action":"login","id":"1","error":80001,"desc":"PARAMS ERROR","result":1});
        let reply = DappReply::from_json(&bad).unwrap();
        assert_eq!(reply.error, ErrorCode::ParamsError);
        assert_eq!(serde_json::to_value(&reply).unwrap(), bad);
        let string_error = json!({"action":"login","error":"0","desc":"SUCCESS","result":true});
        assert_eq!(err_pointer(MessageKind::DappReply, string_error), "/error");
    }

    #[test]
    fn integers_follow_json_schema() {
        let reply = json!({"action":"login","error":80001.0,"desc":"PARAMS ERROR","result":1});
        parse(MessageKind::DappReply, &reply).unwrap();
        let reply = json!({"action":"login","error":80001.5,"desc":"PARAMS ERROR","result":1});
        assert_eq!(err_pointer(MessageKind::DappReply, reply), "/error");
        let mut request = json!({"action":"invoke","version":"v1.0.0",
            "params":{"qrcodeUrl":"http://a.example/q","expire":9007199254740992u64}});
        assert_eq!(
            err_pointer(MessageKind::InvokeRequest, request.clone()),
            "/params/expire"
        );
        request["params"]["expire"] = json!(-1);
        assert_eq!(
            err_pointer(MessageKind::InvokeRequest, request),
            "/params/expire"
        );
    }

    /// ontology-dapi.md §7.1: the documented pre-exec answer and the mainnet event.
    #[test]
    fn doc_node_examples_parse() {
        let envelope = json!({"Action":"sendrawtransaction","Desc":"SUCCESS","Error":0,
            "Result":{"Notify":[{"States":["transfer","AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ","AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ",1],
                                 "ContractAddress":"0100000000000000000000000000000000000000"}],
                      "State":1,"Gas":20000,"Result":"01"},
            "Version":"1.0.0"});
        let parsed = RestEnvelope::from_json(&envelope).unwrap();
        let preexec = PreExecResult::from_json(&parsed.result).unwrap();
        assert_eq!(preexec.state, ExecState::Succeeded);
        let event = json!({"TxHash":"8ba2e5fc3d7a8d8cd3b37d4a1e4fc9c83e1b9c3e1e4a8a8e0f1f2f3f4f5f6f7f",
            "State":1,"GasConsumed":10000000,
            "Notify":[{"ContractAddress":"0200000000000000000000000000000000000000",
                       "States":["transfer","AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ","AecaeSEBkt5GcBCxwz1F41TvdjX3dnKBkJ",10000000]},
                      {"ContractAddress":"0b4c91c1ebaa5a0beb97bd5a3367be89efb98aae",
                       "States":"7472616e73666572204f6e672073756363656564"}],
            "GasStepUsed":1000,"TxIndex":0,"CreatedContract":"0000000000000000000000000000000000000000"});
        let parsed = SmartContractEvent::from_json(&event).unwrap();
        assert_eq!(parsed.notify.as_ref().map(Vec::len), Some(2));
        assert_eq!(serde_json::to_value(&parsed).unwrap(), event);
        let none = json!({"TxHash":"8ba2e5fc3d7a8d8cd3b37d4a1e4fc9c83e1b9c3e1e4a8a8e0f1f2f3f4f5f6f7f",
            "State":0,"GasConsumed":0,"Notify":null});
        assert_eq!(SmartContractEvent::from_json(&none).unwrap().notify, None);
        let missing = json!({"TxHash":"8ba2e5fc3d7a8d8cd3b37d4a1e4fc9c83e1b9c3e1e4a8a8e0f1f2f3f4f5f6f7f",
            "State":0,"GasConsumed":0});
        assert_eq!(err_pointer(MessageKind::NodeEvent, missing), "/Notify");
    }

    #[test]
    fn rpc_method_not_found_may_omit_jsonrpc_and_desc() {
        let answer =
            json!({"error":42001,"result":{"code":-32601,"message":"Method not found"},"id":1});
        parse(MessageKind::NodeRpcResponse, &answer).unwrap();
        let answer = json!({"error":0,"result":null,"id":1});
        assert_eq!(
            err_pointer(MessageKind::NodeRpcResponse, answer),
            "/jsonrpc"
        );
    }

    #[test]
    fn http_urls() {
        for good in [
            "http://example.com",
            "HTTPS://example.com:8443/a/b?c=d&e=%20#frag",
            "http://127.0.0.1:4027/blockchain/v1/common/test-onto-login",
            "http://[::1]:8080/cb",
            "http://example.com:/x",
        ] {
            assert!(check_http_url(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "/relative/callback",
            "example.com/cb",
            "ftp://example.com/cb",
            "http://",
            "http:///path",
            "http://user@example.com/",
            "http://example.com/a b",
            "http://example.com/%zz",
            "http://example.com:80x/",
            "http://[::g]/",
            "http://example.com/#a#b",
            "javascript:alert(1)",
        ] {
            assert!(check_http_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in MessageKind::ALL {
            assert_eq!(kind.name().parse::<MessageKind>(), Ok(kind));
        }
        assert_eq!(
            "login".parse::<MessageKind>(),
            Err(UnknownKind("login".into()))
        );
    }

    #[test]
    fn errors_name_the_field() {
        let value = json!({"action":"login","version":"v1.0.0",
            "params":{"dappName":"d","dappIcon":"i","message":"m"}});
        let err = LoginRequest::from_json(&value).unwrap_err();
        assert_eq!(err.to_string(), "missing required field `/params/callback`");
        let err = serde_json::from_value::<LoginRequest>(json!([])).unwrap_err();
        assert!(err.to_string().contains("(root)"), "{err}");
    }
}
