//! SimpleWallet messages (simplewallet.md §2, §3, §4, §10): the four requests a QR code or
//! `simplewallet://` deep link carries, the wallet's POST bodies to the dApp's `loginUrl` and
//! `notifyUrl`, the dApp's reply, and the deep-link callback URL.
//!
//! This module owns the *shape* of those messages as the profile decides it (SW-T1, SW-T2,
//! SW-L1, SW-L2, SW-L3, the reply of SW-L4, SW-X1…X3, SW-S1): field names and the spellings
//! tolerated beside them, JSON types, fixed values, and the textual form of names, symbols,
//! amounts and timestamps. It does not verify signatures ([`crypto`](super::crypto) does;
//! `sign` is kept as text here), resolve keys, or talk to anything: it is pure.
//!
//! The same rules are written as JSON Schemas under `schemas/simplewallet/` (registered as
//! `simplewallet.<kind>`, see [`SCHEMA_KINDS`]); the tests hold the two to one verdict over a
//! list of valid and invalid instances.
//!
//! Rules, each with the clause that decides it:
//!
//! - **SW-T2.** `protocol` must be `"SimpleWallet"`, `version` `"1.0"`, and a request's
//!   `action` one of `login`, `transfer`, `transaction`, `sign` (the MYKEY `transaction` and
//!   `sign` included). The POST bodies carry `protocol` and `version` under the same rule.
//! - **Unknown members are ignored.** Real senders add their own (MYKEY's `appKey`,
//!   `orderId`, `callbackId`; MathWallet's `blockchain`), and the profile never asks for
//!   their rejection. A member present with `null` is a wrong type, not an absent member.
//! - **Tolerated spellings** (the profile's "tolerate": accepted, reported as a [`Quirk`] so
//!   a certification can warn): `Account`/`Ref` for `account`/`ref` in the POST bodies
//!   (SW-L2); `txID`/`txId` for `tx_id` (SW-X3); `transferUrl`, `contractUrl`, `signUrl`
//!   for `notifyUrl` (SW-X3, SW-S1); MYKEY's documented `ContractRequest` for `actions`
//!   (SW-X2, digest §10.2); `message` for the reply's `error` (SW-L4); a decimal
//!   string for `timestamp`, `expired`, `amount` or `precision`. Two spellings of one field in one message
//!   are an error ([`MessageError::BothSpellings`]): which one counts would be a guess.
//! - **Account names** (`from`, `to`, `contract`, `account`, an action's `account` and
//!   `name`) are EOSIO names in normal form ([`Name`]); a malformed one is an error naming
//!   the field.
//! - **`amount`** (SW-X1) is a JSON number in the spec. Its decimal text is kept exactly as
//!   sent (`1`, `0.5`, `1.0000`): [`Request::from_json`] reads it from the source text,
//!   since a parsed `f64` would lose trailing zeros. It must be a plain non-negative decimal,
//!   no exponent, with no more significant decimals than `precision` and within EOSIO's
//!   asset range ([`Asset::from_amount`]); `precision` is an integer 0…18 and `symbol` 1 to 7
//!   letters A–Z.
//! - **`timestamp`** (SW-L3, digest §10.7) is a JSON integer or a string of decimal digits;
//!   its digits are kept exactly, because they are what was signed. A float (`1.6e9`,
//!   `1606900362.0`), a sign or any non-digit is an error.
//! - **Integers** (`expired`, `precision`, the reply's `code`) follow JSON Schema: a JSON
//!   number without a fractional part, at most 2⁵³−1 (RFC 7493); `expired` may also be a
//!   string of 1 to 15 digits. The reply's `code` must not be negative (SW-L4: 0 success,
//!   > 0 failure).
//! - **Text fields** (`dappName`, `uuID`, URLs, `callback`, `sign`, `message`…) are strings
//!   kept as sent. `uuID` must not be empty: it is the login's single-use identity (SW-L4).
//!   URLs are not checked here; the harness decides which hosts it fetches (H-5).
//! - **A transaction** (SW-X2) has at least one action; each has `account`, `name`, an
//!   optional `info`, and `data` as a JSON object.
//!
//! Rules the schemas cannot state, because a schema sees numbers, not their text: the
//! exponent, float and `-0` forms of `amount` and `timestamp`, `amount` against `precision` and the
//! asset range, and timestamps above u64. The unit tests hold the types to these.

#[cfg(test)]
mod tests;
mod text;

use serde_json::{Map, Number, Value};

use super::eosio::{Asset, EosioError, Name, Symbol};
use text::quoted;

/// The `protocol` every SimpleWallet message carries (SW-T2).
pub const PROTOCOL: &str = "SimpleWallet";
/// The only released version of the protocol (SW-T2).
pub const VERSION: &str = "1.0";
/// The deep-link form of a request: this prefix, then the URL-encoded JSON (SW-T1).
pub const DEEP_LINK_PREFIX: &str = "simplewallet://eos.io?param=";
/// The longest QR text or JSON text the readers look at. The largest QR code holds under
/// 3 KB, so 64 KiB is generous for pasted links and keeps the decoders off huge inputs.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Largest integer a message may carry: 2⁵³−1, the I-JSON (RFC 7493) limit.
pub const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// The schema registry's names of the SimpleWallet message kinds, in listing order.
pub const SCHEMA_KINDS: [&str; 8] = [
    "simplewallet.login.request",
    "simplewallet.transfer.request",
    "simplewallet.transaction.request",
    "simplewallet.sign.request",
    "simplewallet.login.post",
    "simplewallet.notify.post",
    "simplewallet.sign.post",
    "simplewallet.reply",
];

// ---------------------------------------------------------------------------------------------
// Errors and quirks
// ---------------------------------------------------------------------------------------------

/// Why text or JSON is not a well-formed SimpleWallet message. Every variant about a member
/// names it (`actions[1].account` inside arrays).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// The text is longer than [`MAX_TEXT_BYTES`].
    #[error("the text is {length} bytes long; at most {limit} are read")]
    TooLong { length: usize, limit: usize },
    /// The text does not parse as JSON.
    #[error("the text is not JSON: {reason}")]
    NotJson { reason: String },
    /// The message is JSON but not an object.
    #[error("the message is {found}, not a JSON object")]
    NotObject { found: &'static str },
    /// A required member is absent (no spelling of it is present).
    #[error("missing required field `{field}`")]
    Missing { field: String },
    /// A member has the wrong JSON type (`null` included).
    #[error("field `{field}`: expected {expected}, found {found}")]
    WrongType {
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    /// A member has the right type but a value the profile does not allow.
    #[error("field `{field}`: {reason}")]
    Invalid { field: String, reason: String },
    /// Two spellings of one field are present; `field` is the documented one.
    #[error("fields `{field}` and `{other}` are two spellings of one field; only one may be sent")]
    BothSpellings { field: String, other: String },
    /// SW-T2: `protocol` is a string other than `SimpleWallet`.
    #[error("field `protocol` is {found}; it must be \"SimpleWallet\"")]
    Protocol { found: String },
    /// SW-T2: `version` is a string other than `1.0`.
    #[error("field `version` is {found}; it must be \"1.0\"")]
    Version { found: String },
    /// SW-T2: `action` is a string naming no request this profile knows.
    #[error(
        "field `action` is {found}; it must be \"login\", \"transfer\", \"transaction\" or \
         \"sign\""
    )]
    UnknownAction { found: String },
    /// A name, symbol or amount breaks an EOSIO rule; `source` says which.
    #[error("field `{field}`: {source}")]
    Eosio { field: String, source: EosioError },
    /// The text starts as a `simplewallet:` link but is not a well-formed one (SW-T1).
    #[error("bad deep link: {reason}")]
    DeepLink { reason: String },
}

impl MessageError {
    /// The field the error is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            MessageError::Missing { field }
            | MessageError::WrongType { field, .. }
            | MessageError::Invalid { field, .. }
            | MessageError::BothSpellings { field, .. }
            | MessageError::Eosio { field, .. } => Some(field),
            MessageError::Protocol { .. } => Some("protocol"),
            MessageError::Version { .. } => Some("version"),
            MessageError::UnknownAction { .. } => Some("action"),
            MessageError::TooLong { .. }
            | MessageError::NotJson { .. }
            | MessageError::NotObject { .. }
            | MessageError::DeepLink { .. } => None,
        }
    }

    /// A short stable name of the rejection, for vectors and checks that expect one.
    pub fn kind(&self) -> &'static str {
        match self {
            MessageError::TooLong { .. } => "too-long",
            MessageError::NotJson { .. } => "not-json",
            MessageError::NotObject { .. } => "not-object",
            MessageError::Missing { .. } => "missing",
            MessageError::WrongType { .. } => "wrong-type",
            MessageError::Invalid { .. } => "invalid",
            MessageError::BothSpellings { .. } => "both-spellings",
            MessageError::Protocol { .. } => "protocol",
            MessageError::Version { .. } => "version",
            MessageError::UnknownAction { .. } => "action",
            MessageError::Eosio { source, .. } => source.kind(),
            MessageError::DeepLink { .. } => "deep-link",
        }
    }

    fn invalid(field: &str, reason: impl Into<String>) -> Self {
        MessageError::Invalid {
            field: field.to_owned(),
            reason: reason.into(),
        }
    }

    fn wrong_type(field: &str, expected: &'static str, found: &Value) -> Self {
        MessageError::WrongType {
            field: field.to_owned(),
            expected,
            found: json_type_name(found),
        }
    }
}

/// A tolerated form that is not the documented one (the profile's "tolerate"): the message
/// is accepted, and a certification of the sender reports a WARNING.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Quirk {
    /// `Account` instead of `account` (the English spec's spelling; SW-L2).
    CapitalisedAccount,
    /// `Ref` instead of `ref` (the English spec's spelling; SW-L2).
    CapitalisedRef,
    /// `timestamp` as a string of digits instead of a JSON number (MYKEY SDK, TokenPocket).
    TimestampAsString,
    /// The transaction id under another name than `tx_id`: `txID` or `txId` (SW-X3).
    TxIdSpelling(String),
    /// `expired` as a string of digits instead of a JSON number (TokenPocket, UAL).
    ExpiredAsString,
    /// `amount` as a string instead of a JSON number (MathWallet samples).
    AmountAsString,
    /// `precision` as a string of digits instead of a JSON number (a request built from
    /// form fields or URL parameters, as `amount` is).
    PrecisionAsString,
    /// The notify URL under a MYKEY SDK name (`transferUrl`, `contractUrl`, `signUrl`)
    /// instead of `notifyUrl` (SW-X3, SW-S1).
    NotifyUrlSpelling(String),
    /// The reply's text under `message` (MYKEY SDK docs) instead of `error` (SW-L4).
    ReplyMessageField,
    /// A transaction's actions under `ContractRequest` (MYKEY's docs until 2020-11-13, and
    /// its web QR page still) instead of `actions` (SW-X2).
    ContractRequestSpelling,
}

impl Quirk {
    /// One sentence for a report: what was sent and what the documented form is.
    pub fn describe(&self) -> String {
        match self {
            Quirk::CapitalisedAccount => {
                "sent `Account`; the documented field is `account` (lower case)".to_owned()
            }
            Quirk::CapitalisedRef => {
                "sent `Ref`; the documented field is `ref` (lower case)".to_owned()
            }
            Quirk::TimestampAsString => {
                "sent `timestamp` as a string; the documented type is a JSON number".to_owned()
            }
            Quirk::TxIdSpelling(name) => {
                format!("sent the transaction id as `{name}`; the documented field is `tx_id`")
            }
            Quirk::ExpiredAsString => {
                "sent `expired` as a string; the documented type is a JSON number".to_owned()
            }
            Quirk::AmountAsString => {
                "sent `amount` as a string; the documented type is a JSON number".to_owned()
            }
            Quirk::PrecisionAsString => {
                "sent `precision` as a string; the documented type is a JSON number".to_owned()
            }
            Quirk::NotifyUrlSpelling(name) => {
                format!("sent the notify URL as `{name}`; the documented field is `notifyUrl`")
            }
            Quirk::ContractRequestSpelling => {
                "sent the actions as `ContractRequest`; the documented field is `actions`"
                    .to_owned()
            }
            Quirk::ReplyMessageField => {
                "sent the reply text as `message` without `error`; the documented field is \
                 `error`"
                    .to_owned()
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// A request as a QR code or deep link carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Login(LoginRequest),
    Transfer(TransferRequest),
    Transaction(TransactionRequest),
    Sign(SignRequest),
}

/// `action: "login"` (SW-L1). `expired` is absent in the deep-link form; `chain` is MYKEY's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginRequest {
    pub dapp_name: String,
    pub dapp_icon: String,
    pub uuid: String,
    pub login_url: String,
    pub expired: Option<u64>,
    pub login_memo: Option<String>,
    pub chain: Option<String>,
    pub callback: Option<String>,
}

/// `action: "transfer"` (SW-X1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub dapp_name: Option<String>,
    pub dapp_icon: Option<String>,
    pub from: Option<String>,
    pub to: String,
    /// The JSON number's decimal text exactly as sent, e.g. `1`, `0.5`, `1.0000`.
    pub amount: String,
    pub contract: String,
    pub symbol: String,
    pub precision: u8,
    pub dapp_data: Option<String>,
    pub desc: Option<String>,
    pub expired: Option<u64>,
    pub callback: Option<String>,
    /// `notifyUrl`, or MYKEY's `transferUrl`.
    pub notify_url: Option<String>,
}

/// `action: "transaction"` (MYKEY, SW-X2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionRequest {
    pub dapp_name: Option<String>,
    pub dapp_icon: Option<String>,
    pub desc: Option<String>,
    pub actions: Vec<RequestAction>,
    pub expired: Option<u64>,
    pub callback: Option<String>,
    /// `notifyUrl`, or MYKEY's `contractUrl`.
    pub notify_url: Option<String>,
}

/// One action of a transaction request: no authorization, the wallet fills in its signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestAction {
    pub account: String,
    pub name: String,
    pub info: Option<String>,
    /// The action's arguments as a JSON object, as the contract's ABI names them.
    pub data: Value,
}

/// `action: "sign"` (MYKEY, SW-S1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignRequest {
    pub dapp_name: Option<String>,
    pub dapp_icon: Option<String>,
    pub desc: Option<String>,
    pub message: String,
    pub expired: Option<u64>,
    pub callback: Option<String>,
    /// `notifyUrl`, or MYKEY's `signUrl`.
    pub notify_url: Option<String>,
}

impl Request {
    /// The `action` value: `login`, `transfer`, `transaction` or `sign`.
    pub fn action(&self) -> &'static str {
        match self {
            Request::Login(_) => "login",
            Request::Transfer(_) => "transfer",
            Request::Transaction(_) => "transaction",
            Request::Sign(_) => "sign",
        }
    }

    /// The schema registry's name for this request's kind (`simplewallet.login.request`…).
    pub fn schema_kind(&self) -> &'static str {
        match self {
            Request::Login(_) => SCHEMA_KINDS[0],
            Request::Transfer(_) => SCHEMA_KINDS[1],
            Request::Transaction(_) => SCHEMA_KINDS[2],
            Request::Sign(_) => SCHEMA_KINDS[3],
        }
    }

    /// Reads the request JSON object from its text.
    pub fn from_json(text: &str) -> Result<Request, MessageError> {
        Request::from_json_with_quirks(text).map(|(request, _)| request)
    }

    /// [`Request::from_json`], also returning the tolerated forms it met.
    pub fn from_json_with_quirks(text: &str) -> Result<(Request, Vec<Quirk>), MessageError> {
        if text.len() > MAX_TEXT_BYTES {
            return Err(MessageError::TooLong {
                length: text.len(),
                limit: MAX_TEXT_BYTES,
            });
        }
        let value: Value = serde_json::from_str(text).map_err(|e| MessageError::NotJson {
            reason: e.to_string(),
        })?;
        // The amount's own text, since the parsed number may have lost trailing zeros.
        let amount_text = text::top_level_member_text(text, "amount");
        read_request(&value, amount_text)
    }

    /// Reads a request already parsed as JSON. A numeric `amount` is then read as serde_json
    /// prints it, which drops trailing zeros (`1.0000` becomes `1.0`); prefer
    /// [`Request::from_json`] when the text is at hand.
    pub fn from_value(value: &Value) -> Result<(Request, Vec<Quirk>), MessageError> {
        read_request(value, None)
    }

    /// Reads QR text or a deep link (SW-T1): the request JSON itself, or
    /// `simplewallet://eos.io?param=<URL-encoded JSON>` with `%20` or `+` for a space and
    /// escapes in either hex case. Surrounding whitespace is ignored.
    pub fn from_qr_text(text: &str) -> Result<Request, MessageError> {
        Request::from_qr_text_with_quirks(text).map(|(request, _)| request)
    }

    /// [`Request::from_qr_text`], also returning the tolerated forms it met.
    pub fn from_qr_text_with_quirks(text: &str) -> Result<(Request, Vec<Quirk>), MessageError> {
        if text.len() > MAX_TEXT_BYTES {
            return Err(MessageError::TooLong {
                length: text.len(),
                limit: MAX_TEXT_BYTES,
            });
        }
        let text = text.trim();
        if text::is_deep_link(text) {
            Request::from_json_with_quirks(&text::deep_link_param(text)?)
        } else {
            Request::from_json_with_quirks(text)
        }
    }

    /// The request as a JSON object with the documented field names (`notifyUrl` for the
    /// notify URL), `protocol`, `version` and `action` first. `amount` becomes a JSON number;
    /// a `Value` cannot hold trailing zeros, so [`Request::to_json_text`] is the exact form.
    pub fn to_json(&self) -> Value {
        Value::Object(self.members())
    }

    /// The request as compact JSON text, with `amount` written exactly as its decimal text.
    pub fn to_json_text(&self) -> String {
        let members = self.members();
        let mut out = String::from("{");
        for (index, (key, value)) in members.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            out.push_str(&Value::String(key.clone()).to_string());
            out.push(':');
            match (self, key.as_str()) {
                (Request::Transfer(transfer), "amount") if is_plain_decimal(&transfer.amount) => {
                    out.push_str(&transfer.amount)
                }
                _ => out.push_str(&value.to_string()),
            }
        }
        out.push('}');
        out
    }

    /// `simplewallet://eos.io?param=<JSON>`, the JSON escaped as `encodeURIComponent` does.
    pub fn to_deep_link(&self) -> String {
        format!(
            "{DEEP_LINK_PREFIX}{}",
            crate::protocol::encode_uri_component(&self.to_json_text())
        )
    }

    /// When the request expires (Unix seconds), if it says.
    pub fn expired(&self) -> Option<u64> {
        match self {
            Request::Login(r) => r.expired,
            Request::Transfer(r) => r.expired,
            Request::Transaction(r) => r.expired,
            Request::Sign(r) => r.expired,
        }
    }

    /// The deep-link callback, if one is given and not empty (the MYKEY samples send
    /// `"callback":""` to mean none).
    pub fn callback(&self) -> Option<&str> {
        let callback = match self {
            Request::Login(r) => &r.callback,
            Request::Transfer(r) => &r.callback,
            Request::Transaction(r) => &r.callback,
            Request::Sign(r) => &r.callback,
        };
        callback.as_deref().filter(|c| !c.is_empty())
    }

    /// Where the wallet POSTs its result: `loginUrl` for a login, the notify URL otherwise
    /// (if given and not empty).
    pub fn post_url(&self) -> Option<&str> {
        let url = match self {
            Request::Login(r) => Some(&r.login_url),
            Request::Transfer(r) => r.notify_url.as_ref(),
            Request::Transaction(r) => r.notify_url.as_ref(),
            Request::Sign(r) => r.notify_url.as_ref(),
        };
        url.map(String::as_str).filter(|u| !u.is_empty())
    }

    fn members(&self) -> Map<String, Value> {
        let mut out = Members::header(Some(self.action()));
        match self {
            Request::Login(r) => {
                out.put("dappName", &r.dapp_name);
                out.put("dappIcon", &r.dapp_icon);
                out.put("uuID", &r.uuid);
                out.put("loginUrl", &r.login_url);
                out.put_integer("expired", r.expired);
                out.put_opt("loginMemo", &r.login_memo);
                out.put_opt("chain", &r.chain);
                out.put_opt("callback", &r.callback);
            }
            Request::Transfer(r) => {
                out.put_opt("dappName", &r.dapp_name);
                out.put_opt("dappIcon", &r.dapp_icon);
                out.put_opt("from", &r.from);
                out.put("to", &r.to);
                out.0.insert("amount".into(), amount_value(&r.amount));
                out.put("contract", &r.contract);
                out.put("symbol", &r.symbol);
                out.0.insert("precision".into(), Value::from(r.precision));
                out.put_opt("dappData", &r.dapp_data);
                out.put_opt("desc", &r.desc);
                out.put_integer("expired", r.expired);
                out.put_opt("callback", &r.callback);
                out.put_opt("notifyUrl", &r.notify_url);
            }
            Request::Transaction(r) => {
                out.put_opt("dappName", &r.dapp_name);
                out.put_opt("dappIcon", &r.dapp_icon);
                out.put_opt("desc", &r.desc);
                let actions = r.actions.iter().map(RequestAction::to_json).collect();
                out.0.insert("actions".into(), Value::Array(actions));
                out.put_integer("expired", r.expired);
                out.put_opt("callback", &r.callback);
                out.put_opt("notifyUrl", &r.notify_url);
            }
            Request::Sign(r) => {
                out.put_opt("dappName", &r.dapp_name);
                out.put_opt("dappIcon", &r.dapp_icon);
                out.put_opt("desc", &r.desc);
                out.put("message", &r.message);
                out.put_integer("expired", r.expired);
                out.put_opt("callback", &r.callback);
                out.put_opt("notifyUrl", &r.notify_url);
            }
        }
        out.0
    }
}

impl TransferRequest {
    /// The quantity the wallet transfers: `amount` at `precision` decimals of `symbol`
    /// (SW-X1), e.g. `1` at 4 `EOS` is `1.0000 EOS`. A parsed request always has one.
    pub fn quantity(&self) -> Result<Asset, EosioError> {
        Asset::from_amount(&self.amount, self.precision, &self.symbol)
    }
}

impl RequestAction {
    /// The action as the request writes it: `account`, `name`, `info` if any, `data`.
    pub fn to_json(&self) -> Value {
        let mut out = Members(Map::new());
        out.put("account", &self.account);
        out.put("name", &self.name);
        out.put_opt("info", &self.info);
        out.0.insert("data".into(), self.data.clone());
        Value::Object(out.0)
    }
}

/// A JSON number for the amount's text: an integer stays exact; a fraction goes through
/// `f64`, which is what a `Value` can hold. Text that is not a plain decimal (only possible
/// for a hand-built request) is written as a string rather than invented.
fn amount_value(amount: &str) -> Value {
    if !is_plain_decimal(amount) {
        return Value::String(amount.to_owned());
    }
    if let Ok(integer) = amount.parse::<u64>() {
        return Value::from(integer);
    }
    amount
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or_else(|| Value::String(amount.to_owned()), Value::Number)
}

/// Digits, optionally a point and more digits: the JSON number grammar without sign or
/// exponent, and with leading zeros allowed as [`Asset::from_amount`] allows them.
fn is_plain_decimal(text: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match text.split_once('.') {
        Some((integer, fraction)) => digits(integer) && digits(fraction),
        None => digits(text),
    }
}

fn read_request(
    value: &Value,
    amount_text: Option<&str>,
) -> Result<(Request, Vec<Quirk>), MessageError> {
    let mut reader = Reader::new(value, "")?;
    reader.check_header()?;
    let action = reader.required_str("action")?;
    let request = match action.as_str() {
        "login" => Request::Login(LoginRequest {
            dapp_name: reader.required_str("dappName")?,
            dapp_icon: reader.required_str("dappIcon")?,
            uuid: reader.required_nonempty_str("uuID")?,
            login_url: reader.required_str("loginUrl")?,
            expired: reader.expired()?,
            login_memo: reader.optional_str("loginMemo")?,
            chain: reader.optional_str("chain")?,
            callback: reader.optional_str("callback")?,
        }),
        "transfer" => {
            let precision = reader.precision()?;
            let symbol = reader.required_str("symbol")?;
            Symbol::new(precision, &symbol).map_err(|source| MessageError::Eosio {
                field: "symbol".to_owned(),
                source,
            })?;
            let amount = reader.amount(amount_text)?;
            Asset::from_amount(&amount, precision, &symbol).map_err(|source| {
                MessageError::Eosio {
                    field: "amount".to_owned(),
                    source,
                }
            })?;
            Request::Transfer(TransferRequest {
                dapp_name: reader.optional_str("dappName")?,
                dapp_icon: reader.optional_str("dappIcon")?,
                from: reader.optional_name("from")?,
                to: reader.required_name("to")?,
                amount,
                contract: reader.required_name("contract")?,
                symbol,
                precision,
                dapp_data: reader.optional_str("dappData")?,
                desc: reader.optional_str("desc")?,
                expired: reader.expired()?,
                callback: reader.optional_str("callback")?,
                notify_url: reader.notify_url("transferUrl")?,
            })
        }
        "transaction" => Request::Transaction(TransactionRequest {
            dapp_name: reader.optional_str("dappName")?,
            dapp_icon: reader.optional_str("dappIcon")?,
            desc: reader.optional_str("desc")?,
            actions: reader.actions()?,
            expired: reader.expired()?,
            callback: reader.optional_str("callback")?,
            notify_url: reader.notify_url("contractUrl")?,
        }),
        "sign" => Request::Sign(SignRequest {
            dapp_name: reader.optional_str("dappName")?,
            dapp_icon: reader.optional_str("dappIcon")?,
            desc: reader.optional_str("desc")?,
            message: reader.required_str("message")?,
            expired: reader.expired()?,
            callback: reader.optional_str("callback")?,
            notify_url: reader.notify_url("signUrl")?,
        }),
        _ => {
            return Err(MessageError::UnknownAction {
                found: quoted(&action),
            })
        }
    };
    Ok((request, reader.quirks))
}

// ---------------------------------------------------------------------------------------------
// The wallet's POST bodies
// ---------------------------------------------------------------------------------------------

/// Wallet → `loginUrl` (SW-L2): what the wallet signed and who signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginPost {
    pub protocol: String,
    pub version: String,
    /// Decimal digits exactly as sent, from a JSON number or a string: they were signed.
    pub timestamp: String,
    /// `SIG_K1_…`, kept as text; [`crypto`](super::crypto) decodes it.
    pub sign: String,
    pub uuid: String,
    pub account: String,
    /// `ref`: the wallet's name (MYKEY sends `mykey`).
    pub wallet_ref: String,
}

impl LoginPost {
    /// A login POST with this protocol's `protocol` and `version`.
    pub fn new(
        timestamp: impl Into<String>,
        sign: impl Into<String>,
        uuid: impl Into<String>,
        account: impl Into<String>,
        wallet_ref: impl Into<String>,
    ) -> LoginPost {
        LoginPost {
            protocol: PROTOCOL.to_owned(),
            version: VERSION.to_owned(),
            timestamp: timestamp.into(),
            sign: sign.into(),
            uuid: uuid.into(),
            account: account.into(),
            wallet_ref: wallet_ref.into(),
        }
    }

    /// Reads a login POST body, tolerating `Account`/`Ref` and a string `timestamp`.
    pub fn parse(body: &Value) -> Result<(LoginPost, Vec<Quirk>), MessageError> {
        let mut reader = Reader::new(body, "")?;
        let (protocol, version) = reader.check_header()?;
        let post = LoginPost {
            protocol,
            version,
            timestamp: reader.timestamp()?,
            sign: reader.required_str("sign")?,
            uuid: reader.required_nonempty_str("uuID")?,
            account: reader.account()?,
            wallet_ref: reader.wallet_ref()?,
        };
        Ok((post, reader.quirks))
    }

    /// The documented form: lower-case keys, `timestamp` as a JSON number. Digits beyond
    /// u64 cannot be a JSON integer here and stay a string.
    pub fn to_json(&self) -> Value {
        let mut out = Members::from_header(&self.protocol, &self.version);
        let timestamp = self
            .timestamp
            .parse::<u64>()
            .map_or_else(|_| Value::String(self.timestamp.clone()), Value::from);
        out.0.insert("timestamp".into(), timestamp);
        out.put("sign", &self.sign);
        out.put("uuID", &self.uuid);
        out.put("account", &self.account);
        out.put("ref", &self.wallet_ref);
        Value::Object(out.0)
    }

    /// What `sign` is over (SW-L3): `timestamp + account + uuID + ref`.
    pub fn signed_string(&self) -> String {
        login_signed_string(&self.timestamp, &self.account, &self.uuid, &self.wallet_ref)
    }
}

/// The login's signed string (SW-L3): the four texts joined without separators; the wallet
/// and the dApp hash its UTF-8 bytes once with SHA-256.
pub fn login_signed_string(timestamp: &str, account: &str, uuid: &str, wallet_ref: &str) -> String {
    [timestamp, account, uuid, wallet_ref].concat()
}

/// Wallet → `notifyUrl` after a transfer or transaction (SW-X3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyPost {
    pub protocol: String,
    pub version: String,
    /// The pushed transaction's id, 64 hex digits.
    pub tx_id: String,
    pub wallet_ref: String,
    pub account: String,
}

impl NotifyPost {
    /// A notify POST with this protocol's `protocol` and `version`.
    pub fn new(
        tx_id: impl Into<String>,
        wallet_ref: impl Into<String>,
        account: impl Into<String>,
    ) -> NotifyPost {
        NotifyPost {
            protocol: PROTOCOL.to_owned(),
            version: VERSION.to_owned(),
            tx_id: tx_id.into(),
            wallet_ref: wallet_ref.into(),
            account: account.into(),
        }
    }

    /// Reads a notify POST body, tolerating `txID`/`txId` and `Account`/`Ref`.
    pub fn parse(body: &Value) -> Result<(NotifyPost, Vec<Quirk>), MessageError> {
        let mut reader = Reader::new(body, "")?;
        let (protocol, version) = reader.check_header()?;
        let post = NotifyPost {
            protocol,
            version,
            tx_id: reader.tx_id()?,
            wallet_ref: reader.wallet_ref()?,
            account: reader.account()?,
        };
        Ok((post, reader.quirks))
    }

    /// The documented form: `{protocol, version, tx_id, ref, account}`.
    pub fn to_json(&self) -> Value {
        let mut out = Members::from_header(&self.protocol, &self.version);
        out.put("tx_id", &self.tx_id);
        out.put("ref", &self.wallet_ref);
        out.put("account", &self.account);
        Value::Object(out.0)
    }
}

/// Wallet → notify URL after a sign request (SW-S1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignPost {
    pub protocol: String,
    pub version: String,
    /// The message that was signed, as the request gave it.
    pub message: String,
    /// `SIG_K1_…` over SHA-256 of the message's UTF-8 bytes, kept as text.
    pub sign: String,
    pub wallet_ref: String,
    pub account: String,
}

impl SignPost {
    /// A sign POST with this protocol's `protocol` and `version`.
    pub fn new(
        message: impl Into<String>,
        sign: impl Into<String>,
        wallet_ref: impl Into<String>,
        account: impl Into<String>,
    ) -> SignPost {
        SignPost {
            protocol: PROTOCOL.to_owned(),
            version: VERSION.to_owned(),
            message: message.into(),
            sign: sign.into(),
            wallet_ref: wallet_ref.into(),
            account: account.into(),
        }
    }

    /// Reads a sign POST body, tolerating `Account`/`Ref`.
    pub fn parse(body: &Value) -> Result<(SignPost, Vec<Quirk>), MessageError> {
        let mut reader = Reader::new(body, "")?;
        let (protocol, version) = reader.check_header()?;
        let post = SignPost {
            protocol,
            version,
            message: reader.required_str("message")?,
            sign: reader.required_str("sign")?,
            wallet_ref: reader.wallet_ref()?,
            account: reader.account()?,
        };
        Ok((post, reader.quirks))
    }

    /// The documented form: `{protocol, version, message, sign, ref, account}`.
    pub fn to_json(&self) -> Value {
        let mut out = Members::from_header(&self.protocol, &self.version);
        out.put("message", &self.message);
        out.put("sign", &self.sign);
        out.put("ref", &self.wallet_ref);
        out.put("account", &self.account);
        Value::Object(out.0)
    }
}

// ---------------------------------------------------------------------------------------------
// The dApp's reply and the deep-link callback
// ---------------------------------------------------------------------------------------------

/// dApp → wallet reply to a POST (SW-L4): `{code, error}`, code 0 success, > 0 failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: i64,
    pub error: String,
}

impl Reply {
    /// `{"code":0,"error":""}`.
    pub fn success() -> Reply {
        Reply {
            code: 0,
            error: String::new(),
        }
    }

    /// A failure with a dApp-specific code (> 0) and its text.
    pub fn failure(code: i64, error: impl Into<String>) -> Reply {
        Reply {
            code,
            error: error.into(),
        }
    }

    /// Reads a reply. `message` is accepted for `error` when `error` is absent.
    pub fn parse(body: &Value) -> Result<Reply, MessageError> {
        Reply::parse_with_quirks(body).map(|(reply, _)| reply)
    }

    /// [`Reply::parse`], also returning the tolerated forms it met.
    pub fn parse_with_quirks(body: &Value) -> Result<(Reply, Vec<Quirk>), MessageError> {
        let mut reader = Reader::new(body, "")?;
        let code = reader.required_integer("code")?;
        let code = i64::try_from(code)
            .map_err(|_| MessageError::invalid("code", "exceeds the integer range"))?;
        // `message` is read (and type-checked) even beside `error`: the digest recommends
        // sending both.
        let message = reader.optional_str("message")?;
        let error = match (reader.optional_str("error")?, message) {
            (Some(error), _) => error,
            (None, Some(message)) => {
                reader.quirks.push(Quirk::ReplyMessageField);
                message
            }
            (None, None) => {
                return Err(MessageError::Missing {
                    field: "error".to_owned(),
                })
            }
        };
        Ok((Reply { code, error }, reader.quirks))
    }

    /// `{"code":…, "error":…}`.
    pub fn to_json(&self) -> Value {
        let mut out = Members(Map::new());
        out.0.insert("code".into(), Value::from(self.code));
        out.put("error", &self.error);
        Value::Object(out.0)
    }

    /// Whether the dApp accepted: code 0.
    pub fn is_success(&self) -> bool {
        self.code == 0
    }
}

/// The `result` a wallet appends to the callback (digest §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallbackResult {
    Cancelled = 0,
    Success = 1,
    Failure = 2,
}

impl CallbackResult {
    /// The number written in the URL.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The result a code stands for, if it is one of the three.
    pub fn from_code(code: u64) -> Option<CallbackResult> {
        match code {
            0 => Some(CallbackResult::Cancelled),
            1 => Some(CallbackResult::Success),
            2 => Some(CallbackResult::Failure),
            _ => None,
        }
    }
}

/// The URL a wallet opens after the user acts (SW-X3, digest §4.1, §10.13): `callback` with
/// `result=<0|1|2>` and, after a pushed transaction, `txID=<id>` added to its query. The
/// documented callbacks already hold a query, so the parameters follow with `&`; a callback
/// without one gets `?` (the spec leaves that case open, and `?` keeps the URL a URL). A
/// fragment stays at the end.
pub fn callback_url(callback: &str, result: CallbackResult, tx_id: Option<&str>) -> String {
    let (base, fragment) = match callback.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (callback, None),
    };
    let mut url = base.to_owned();
    if !url.contains('?') {
        url.push('?');
    } else if !url.ends_with(['?', '&']) {
        url.push('&');
    }
    url.push_str(&format!("result={}", result.code()));
    if let Some(tx_id) = tx_id {
        url.push_str("&txID=");
        url.push_str(&crate::protocol::encode_uri_component(tx_id));
    }
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

/// What a wallet appended to a callback URL, read back by the dApp side (SW-X3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackReturn {
    pub result: CallbackResult,
    /// `txID`, or (a quirk) MYKEY's `txId`, if present.
    pub tx_id: Option<String>,
    pub quirks: Vec<Quirk>,
}

impl CallbackReturn {
    /// Reads `result` and `txID` from the query of `url`. The wallet appends after the
    /// dApp's own query, so when a name repeats the last one counts.
    pub fn parse(url: &str) -> Result<CallbackReturn, MessageError> {
        let query = url
            .split_once('#')
            .map_or(url, |(before, _)| before)
            .split_once('?')
            .map_or("", |(_, query)| query);
        let mut result = None;
        let mut tx_id = None;
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "result" => result = Some(value),
                "txID" | "txId" => tx_id = Some((key, value)),
                _ => {}
            }
        }
        let result = result.ok_or_else(|| MessageError::Missing {
            field: "result".to_owned(),
        })?;
        let result = result
            .parse::<u64>()
            .ok()
            .and_then(CallbackResult::from_code)
            .ok_or_else(|| {
                MessageError::invalid("result", format!("{} is not 0, 1 or 2", quoted(result)))
            })?;
        let mut quirks = Vec::new();
        let tx_id = match tx_id {
            None => None,
            Some((key, value)) => {
                if key != "txID" {
                    quirks.push(Quirk::TxIdSpelling(key.to_owned()));
                }
                let decoded = text::form_decode(value.as_bytes())
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .ok_or_else(|| {
                        MessageError::invalid(
                            key,
                            format!("{} is not URL-encoded UTF-8", quoted(value)),
                        )
                    })?;
                Some(decoded)
            }
        };
        Ok(CallbackReturn {
            result,
            tx_id,
            quirks,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Reading and writing members
// ---------------------------------------------------------------------------------------------

/// "a string", "an object", …: how error messages name the JSON type found.
fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An object being read: its members, the prefix naming it inside the message
/// (`actions[0].`), and the quirks met so far.
struct Reader<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
    quirks: Vec<Quirk>,
}

impl<'a> Reader<'a> {
    fn new(value: &'a Value, prefix: &str) -> Result<Reader<'a>, MessageError> {
        match value {
            Value::Object(map) => Ok(Reader {
                map,
                prefix: prefix.to_owned(),
                quirks: Vec::new(),
            }),
            other if prefix.is_empty() => Err(MessageError::NotObject {
                found: json_type_name(other),
            }),
            other => Err(MessageError::wrong_type(
                prefix.trim_end_matches('.'),
                "an object",
                other,
            )),
        }
    }

    fn field(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// SW-T2: `protocol` and `version`, with their fixed values.
    fn check_header(&mut self) -> Result<(String, String), MessageError> {
        let protocol = self.required_str("protocol")?;
        if protocol != PROTOCOL {
            return Err(MessageError::Protocol {
                found: quoted(&protocol),
            });
        }
        let version = self.required_str("version")?;
        if version != VERSION {
            return Err(MessageError::Version {
                found: quoted(&version),
            });
        }
        Ok((protocol, version))
    }

    fn optional_str(&self, key: &str) -> Result<Option<String>, MessageError> {
        match self.map.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(other) => Err(MessageError::wrong_type(
                &self.field(key),
                "a string",
                other,
            )),
        }
    }

    fn required_str(&self, key: &str) -> Result<String, MessageError> {
        self.optional_str(key)?
            .ok_or_else(|| MessageError::Missing {
                field: self.field(key),
            })
    }

    fn required_nonempty_str(&self, key: &str) -> Result<String, MessageError> {
        let text = self.required_str(key)?;
        if text.is_empty() {
            return Err(MessageError::invalid(&self.field(key), "is empty"));
        }
        Ok(text)
    }

    fn name(&self, key: &str, text: String) -> Result<String, MessageError> {
        text.parse::<Name>()
            .map(|_| text)
            .map_err(|source| MessageError::Eosio {
                field: self.field(key),
                source,
            })
    }

    fn optional_name(&self, key: &str) -> Result<Option<String>, MessageError> {
        self.optional_str(key)?
            .map(|text| self.name(key, text))
            .transpose()
    }

    fn required_name(&self, key: &str) -> Result<String, MessageError> {
        let text = self.required_str(key)?;
        self.name(key, text)
    }

    /// A JSON Schema integer: a number without a fractional part, 0 … 2⁵³−1.
    fn integer(&self, key: &str, value: &Value) -> Result<u64, MessageError> {
        let field = self.field(key);
        let Value::Number(number) = value else {
            return Err(MessageError::wrong_type(&field, "an integer", value));
        };
        let integer = if let Some(integer) = number.as_u64() {
            integer
        } else if number.as_i64().is_some() {
            return Err(MessageError::invalid(&field, "is negative"));
        } else {
            // Neither u64 nor i64: serde_json holds it as a float.
            let float = number.as_f64().unwrap_or(f64::NAN);
            if float < 0.0 {
                return Err(MessageError::invalid(&field, "is negative"));
            }
            if !float.is_finite() || float.fract() != 0.0 {
                return Err(MessageError::invalid(
                    &field,
                    format!("{number} is not an integer"),
                ));
            }
            if float > MAX_SAFE_INTEGER as f64 {
                MAX_SAFE_INTEGER + 1
            } else {
                // Exact: an integral float at most 2^53 - 1.
                float as u64
            }
        };
        if integer > MAX_SAFE_INTEGER {
            return Err(MessageError::invalid(
                &field,
                format!("{number} exceeds 2^53 - 1"),
            ));
        }
        Ok(integer)
    }

    fn required_integer(&self, key: &str) -> Result<u64, MessageError> {
        match self.map.get(key) {
            Some(value) => self.integer(key, value),
            None => Err(MessageError::Missing {
                field: self.field(key),
            }),
        }
    }

    /// `expired`: an integer, or (a quirk) a string of 1 to 15 digits.
    fn expired(&mut self) -> Result<Option<u64>, MessageError> {
        match self.map.get("expired") {
            None => Ok(None),
            Some(Value::String(text)) => {
                let field = self.field("expired");
                if text.is_empty() || text.len() > 15 || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(MessageError::invalid(
                        &field,
                        format!("{} is not 1 to 15 decimal digits", quoted(text)),
                    ));
                }
                self.quirks.push(Quirk::ExpiredAsString);
                // At most 15 digits: always fits.
                text.parse()
                    .map(Some)
                    .map_err(|_| MessageError::invalid(&field, "is out of range"))
            }
            Some(value) => self.integer("expired", value).map(Some),
        }
    }

    /// `precision`: an integer 0 … 18, or (a quirk) a string of one or two decimal digits.
    fn precision(&mut self) -> Result<u8, MessageError> {
        let precision = match self.map.get("precision") {
            Some(Value::String(text)) => {
                if text.is_empty() || text.len() > 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(MessageError::invalid(
                        &self.field("precision"),
                        format!("{} is not 1 or 2 decimal digits", quoted(text)),
                    ));
                }
                self.quirks.push(Quirk::PrecisionAsString);
                // At most two digits: always fits.
                text.parse().unwrap_or(u64::MAX)
            }
            _ => self.required_integer("precision")?,
        };
        u8::try_from(precision)
            .ok()
            .filter(|p| *p <= super::eosio::MAX_PRECISION)
            .ok_or_else(|| {
                MessageError::invalid(&self.field("precision"), format!("{precision} exceeds 18"))
            })
    }

    /// `amount`'s decimal text: the source text of a number when known, else serde_json's
    /// rendering; a string is a quirk. The form is checked by [`Asset::from_amount`] after.
    fn amount(&mut self, source_text: Option<&str>) -> Result<String, MessageError> {
        match self.map.get("amount") {
            None => Err(MessageError::Missing {
                field: self.field("amount"),
            }),
            Some(Value::Number(number)) => {
                Ok(source_text.map_or_else(|| number.to_string(), str::to_owned))
            }
            Some(Value::String(text)) => {
                self.quirks.push(Quirk::AmountAsString);
                Ok(text.clone())
            }
            Some(other) => Err(MessageError::wrong_type(
                &self.field("amount"),
                "a number",
                other,
            )),
        }
    }

    /// `timestamp`: the digits of a JSON integer, or (a quirk) of a string, exactly.
    fn timestamp(&mut self) -> Result<String, MessageError> {
        let field = self.field("timestamp");
        let digits = |text: &str| {
            !text.is_empty() && text.len() <= 20 && text.bytes().all(|b| b.is_ascii_digit())
        };
        match self.map.get("timestamp") {
            None => Err(MessageError::Missing { field }),
            Some(Value::Number(number)) => {
                let text = number.to_string();
                if number.is_u64() && digits(&text) {
                    Ok(text)
                } else {
                    Err(MessageError::invalid(
                        &field,
                        format!(
                            "{text} is not a non-negative integer written in plain digits (the \
                             signed string uses its digits)"
                        ),
                    ))
                }
            }
            Some(Value::String(text)) => {
                if !digits(text) {
                    return Err(MessageError::invalid(
                        &field,
                        format!("{} is not 1 to 20 decimal digits", quoted(text)),
                    ));
                }
                self.quirks.push(Quirk::TimestampAsString);
                Ok(text.clone())
            }
            Some(other) => Err(MessageError::wrong_type(&field, "an integer", other)),
        }
    }

    /// The one spelling of a field that is present, from `spellings` (documented one first).
    fn spelling(&self, spellings: &[&'static str]) -> Result<Option<&'static str>, MessageError> {
        let mut present = spellings.iter().filter(|key| self.map.contains_key(**key));
        let first = present.next().copied();
        if let (Some(first), Some(other)) = (first, present.next()) {
            return Err(MessageError::BothSpellings {
                field: self.field(first),
                other: self.field(other),
            });
        }
        Ok(first)
    }

    /// `account` or (a quirk) `Account`, an EOSIO name.
    fn account(&mut self) -> Result<String, MessageError> {
        match self.spelling(&["account", "Account"])? {
            Some("Account") => {
                self.quirks.push(Quirk::CapitalisedAccount);
                self.required_name("Account")
            }
            _ => self.required_name("account"),
        }
    }

    /// `ref` or (a quirk) `Ref`.
    fn wallet_ref(&mut self) -> Result<String, MessageError> {
        match self.spelling(&["ref", "Ref"])? {
            Some("Ref") => {
                self.quirks.push(Quirk::CapitalisedRef);
                self.required_str("Ref")
            }
            _ => self.required_str("ref"),
        }
    }

    /// `tx_id`, or (a quirk) `txID` or `txId`: 64 hex digits.
    fn tx_id(&mut self) -> Result<String, MessageError> {
        let key = self
            .spelling(&["tx_id", "txID", "txId"])?
            .unwrap_or("tx_id");
        if key != "tx_id" {
            self.quirks.push(Quirk::TxIdSpelling(key.to_owned()));
        }
        let tx_id = self.required_str(key)?;
        if tx_id.len() != 64 || !tx_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(MessageError::invalid(
                &self.field(key),
                format!("{} is not 64 hex digits", quoted(&tx_id)),
            ));
        }
        Ok(tx_id)
    }

    /// `notifyUrl` or (a quirk) the MYKEY SDK's name for this action's notify URL.
    fn notify_url(&mut self, sdk_name: &'static str) -> Result<Option<String>, MessageError> {
        match self.spelling(&["notifyUrl", sdk_name])? {
            Some("notifyUrl") | None => self.optional_str("notifyUrl"),
            Some(other) => {
                self.quirks.push(Quirk::NotifyUrlSpelling(other.to_owned()));
                self.optional_str(other)
            }
        }
    }

    /// `actions` (SW-X2), or (a quirk) MYKEY's documented `ContractRequest`: a non-empty
    /// array of `{account, name, info?, data}`.
    fn actions(&mut self) -> Result<Vec<RequestAction>, MessageError> {
        let key = match self.spelling(&["actions", "ContractRequest"])? {
            Some("ContractRequest") => {
                self.quirks.push(Quirk::ContractRequestSpelling);
                "ContractRequest"
            }
            _ => "actions",
        };
        let field = self.field(key);
        let items = match self.map.get(key) {
            None => return Err(MessageError::Missing { field }),
            Some(Value::Array(items)) => items,
            Some(other) => return Err(MessageError::wrong_type(&field, "an array", other)),
        };
        if items.is_empty() {
            return Err(MessageError::invalid(&field, "has no action"));
        }
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let reader = Reader::new(item, &format!("{field}[{index}]."))?;
                let data_field = reader.field("data");
                let data = match reader.map.get("data") {
                    None => return Err(MessageError::Missing { field: data_field }),
                    Some(data @ Value::Object(_)) => data.clone(),
                    Some(other) => {
                        return Err(MessageError::wrong_type(&data_field, "an object", other))
                    }
                };
                Ok(RequestAction {
                    account: reader.required_name("account")?,
                    name: reader.required_name("name")?,
                    info: reader.optional_str("info")?,
                    data,
                })
            })
            .collect()
    }
}

/// An object being written, in member order.
struct Members(Map<String, Value>);

impl Members {
    /// `protocol`, `version` and, for a request, `action`.
    fn header(action: Option<&str>) -> Members {
        let mut out = Members::from_header(PROTOCOL, VERSION);
        if let Some(action) = action {
            out.put("action", action);
        }
        out
    }

    fn from_header(protocol: &str, version: &str) -> Members {
        let mut out = Members(Map::new());
        out.put("protocol", protocol);
        out.put("version", version);
        out
    }

    fn put(&mut self, key: &str, value: &str) {
        self.0
            .insert(key.to_owned(), Value::String(value.to_owned()));
    }

    fn put_opt(&mut self, key: &str, value: &Option<String>) {
        if let Some(value) = value {
            self.put(key, value);
        }
    }

    fn put_integer(&mut self, key: &str, value: Option<u64>) {
        if let Some(value) = value {
            self.0.insert(key.to_owned(), Value::from(value));
        }
    }
}
