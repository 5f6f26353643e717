//! EOSIO names, assets and transactions as the SimpleWallet profile needs them
//! (simplewallet.md §2.4, §2.5, §7; profile SW-X1, SW-X2): account and action names, symbols
//! and assets, the quantity a transfer request's `amount` becomes, action and transaction
//! packing, transaction ids and signing digests, the action data layouts of the protocol's
//! built-in ABI (`<contract>::transfer`, `eosio::buyram`), and a transaction's JSON as a
//! node's `/v1/history/get_transaction` shows it under `trx.trx`.
//!
//! ```text
//! transaction = expiration:u32 LE | ref_block_num:u16 LE | ref_block_prefix:u32 LE
//!             | max_net_usage_words:varuint32 | max_cpu_usage_ms:u8 | delay_sec:varuint32
//!             | context_free_actions:vec<action> | actions:vec<action>
//!             | transaction_extensions:vec<type:u16 LE | data:bytes>
//! action      = account:name | name:name | authorization:vec<actor:name | permission:name>
//!             | data:bytes
//! name = u64 LE    vec<T> = varuint32 count | T*    bytes = varuint32 length | byte*
//! asset = amount:i64 LE | symbol:(precision:u8 | code:7 bytes ASCII, zero padded)
//! ```
//!
//! Decoding is strict and total: every read is bounds-checked, every length or count prefix
//! is checked against the bytes left before anything is allocated, varuint32s must use their
//! shortest form, strings must be UTF-8, and no byte may follow the end. The strict rules make
//! a decoded transaction pack back byte for byte, so its id is the hash of the bytes received.
//!
//! Everything here is pure: no IO, no clock, no randomness.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The largest precision EOSIO allows a symbol.
pub const MAX_PRECISION: u8 = 18;

/// The largest magnitude of an asset's amount, in units of its precision (EOSIO's
/// `asset::max_amount`, 2^62 - 1).
pub const MAX_ASSET_AMOUNT: i64 = (1 << 62) - 1;

/// The 32 characters of a name, in the order of their 5-bit values.
const NAME_CHARS: &[u8; 32] = b".12345abcdefghijklmnopqrstuvwxyz";

/// `eosio`, the system contract that owns `buyram`.
const EOSIO: Name = Name(0x5530_ea00_0000_0000);
/// `transfer`, the token action every contract of the built-in ABI shares.
const TRANSFER: Name = Name(0xcdcd_3c2d_5700_0000);
/// `buyram`.
const BUYRAM: Name = Name(0x3ebd_7348_0000_0000);

/// The fewest bytes a packed action can take: two names, an empty authorization vector and
/// empty data.
const MIN_ACTION_BYTES: u64 = 18;
/// A packed permission level: two names.
const PERMISSION_LEVEL_BYTES: u64 = 16;
/// The fewest bytes a packed transaction extension can take: its type and empty data.
const MIN_EXTENSION_BYTES: u64 = 3;

/// At most this many characters of untrusted text are quoted in an error message.
const QUOTED_CHARS: usize = 64;

/// Why text or bytes are not an EOSIO value, or JSON is not action data of the built-in ABI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EosioError {
    #[error("name is empty")]
    NameEmpty,
    #[error("name `{name}` has {length} characters; at most 13 are allowed")]
    NameLength { name: String, length: usize },
    #[error(
        "name `{name}` has `{ch}` at position {position}; only `.12345abcdefghijklmnopqrstuvwxyz` \
         are allowed"
    )]
    NameChar {
        name: String,
        ch: char,
        position: usize,
    },
    #[error(
        "name `{name}` has `{ch}` as its 13th character; only `.12345abcdefghij` are allowed there"
    )]
    NameThirteenth { name: String, ch: char },
    #[error("name `{name}` is not in normal form (trailing dots); EOSIO writes it `{normalized}`")]
    NameNotNormalized { name: String, normalized: String },
    #[error("symbol code `{code}` is not 1 to 7 letters A-Z")]
    SymbolCode { code: String },
    #[error("precision {precision} exceeds 18")]
    Precision { precision: usize },
    #[error("asset `{asset}`: {reason}")]
    AssetFormat { asset: String, reason: &'static str },
    #[error("asset `{asset}` exceeds 2^62 - 1 units in magnitude")]
    AssetRange { asset: String },
    #[error("amount `{amount}`: {reason}")]
    AmountFormat {
        amount: String,
        reason: &'static str,
    },
    #[error("amount `{amount}` is in exponent form; only plain decimals are accepted")]
    AmountExponent { amount: String },
    #[error("amount `{amount}` is negative")]
    AmountNegative { amount: String },
    #[error(
        "amount `{amount}` has {decimals} significant decimals; the token's precision is \
         {precision} and amounts are never rounded"
    )]
    AmountPrecision {
        amount: String,
        decimals: usize,
        precision: u8,
    },
    #[error("amount `{amount}` at precision {precision} exceeds 2^62 - 1 units")]
    AmountRange { amount: String, precision: u8 },
    #[error(
        "truncated at offset {offset} reading {field}: {needed} bytes needed, {available} left"
    )]
    Truncated {
        field: &'static str,
        offset: usize,
        needed: u64,
        available: usize,
    },
    #[error(
        "{field} at offset {offset} declares {length} entries needing at least {needed} bytes; \
         {available} are left"
    )]
    Length {
        field: &'static str,
        offset: usize,
        length: u64,
        needed: u64,
        available: usize,
    },
    #[error(
        "{field} at offset {offset} is not a varuint32 (more than 5 bytes, or above 4294967295)"
    )]
    VarUint { field: &'static str, offset: usize },
    #[error(
        "{field} at offset {offset} is a non-canonical varuint32 (value {value} fits a shorter form)"
    )]
    NonCanonicalVarUint {
        field: &'static str,
        offset: usize,
        value: u32,
    },
    #[error("{field} at offset {offset} is not UTF-8")]
    Utf8 { field: &'static str, offset: usize },
    #[error(
        "{field} at offset {offset}: 0x{raw:016x} is not a symbol (precision at most 18, then 1 \
         to 7 letters A-Z, zero padded)"
    )]
    SymbolBytes {
        field: &'static str,
        offset: usize,
        raw: u64,
    },
    #[error("{field} at offset {offset}: amount {amount} exceeds 2^62 - 1 in magnitude")]
    AssetAmount {
        field: &'static str,
        offset: usize,
        amount: i64,
    },
    #[error("{count} trailing bytes after the end at offset {offset}")]
    Trailing { offset: usize, count: usize },
    #[error(
        "no built-in ABI for {account}::{action}; it knows <contract>::transfer and eosio::buyram"
    )]
    UnknownAction { account: String, action: String },
    #[error("{action} data is {found}, not a JSON object")]
    DataNotObject { action: String, found: &'static str },
    #[error("{action} data lacks the field `{field}`")]
    MissingField { action: String, field: &'static str },
    #[error("{action} data has the unknown field `{field}`")]
    UnknownField { action: String, field: String },
    #[error("{action} field `{field}` is {found}; it must be a string holding {expected}")]
    FieldType {
        action: String,
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
    #[error("{action} field `{field}`: {source}")]
    FieldValue {
        action: String,
        field: &'static str,
        source: Box<EosioError>,
    },
    #[error("{action} data: {count} trailing bytes after the last field at offset {offset}")]
    DataTrailing {
        action: String,
        offset: usize,
        count: usize,
    },
}

impl EosioError {
    /// A short stable name, used by vectors and checks to say which rejection they expect.
    pub fn kind(&self) -> &'static str {
        match self {
            EosioError::NameEmpty => "name-empty",
            EosioError::NameLength { .. } => "name-length",
            EosioError::NameChar { .. } => "name-char",
            EosioError::NameThirteenth { .. } => "name-thirteenth",
            EosioError::NameNotNormalized { .. } => "name-not-normalized",
            EosioError::SymbolCode { .. } => "symbol-code",
            EosioError::Precision { .. } => "precision",
            EosioError::AssetFormat { .. } => "asset-format",
            EosioError::AssetRange { .. } => "asset-range",
            EosioError::AmountFormat { .. } => "amount-format",
            EosioError::AmountExponent { .. } => "amount-exponent",
            EosioError::AmountNegative { .. } => "amount-negative",
            EosioError::AmountPrecision { .. } => "amount-precision",
            EosioError::AmountRange { .. } => "amount-range",
            EosioError::Truncated { .. } => "truncated",
            EosioError::Length { .. } => "length",
            EosioError::VarUint { .. } => "varuint",
            EosioError::NonCanonicalVarUint { .. } => "varuint-non-canonical",
            EosioError::Utf8 { .. } => "utf8",
            EosioError::SymbolBytes { .. } => "symbol-bytes",
            EosioError::AssetAmount { .. } => "asset-amount",
            EosioError::Trailing { .. } => "trailing",
            EosioError::UnknownAction { .. } => "unknown-action",
            EosioError::DataNotObject { .. } => "data-not-object",
            EosioError::MissingField { .. } => "missing-field",
            EosioError::UnknownField { .. } => "unknown-field",
            EosioError::FieldType { .. } => "field-type",
            EosioError::FieldValue { .. } => "field-value",
            EosioError::DataTrailing { .. } => "data-trailing",
        }
    }
}

/// Untrusted text as an error quotes it: at most [`QUOTED_CHARS`] characters, so a hostile
/// megabyte of input does not become a megabyte of message.
fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// An EOSIO name (accounts, actions, permissions): up to 13 characters packed into a u64,
/// 5 bits each for the first 12 from the top, 4 bits for the 13th.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Name(pub u64);

/// The 5-bit value of a name character, or `None` for a character names cannot hold.
fn name_char_value(ch: char) -> Option<u64> {
    match ch {
        '.' => Some(0),
        '1'..='5' => Some(u64::from(ch) - u64::from('1') + 1),
        'a'..='z' => Some(u64::from(ch) - u64::from('a') + 6),
        _ => None,
    }
}

impl FromStr for Name {
    type Err = EosioError;

    /// Parses 1 to 12 characters of `.12345a-z` and an optional 13th of `.12345a-j`, in the
    /// normal form the node requires (no trailing dots, which would name the same u64 as the
    /// text without them).
    fn from_str(text: &str) -> Result<Name, EosioError> {
        if text.is_empty() {
            return Err(EosioError::NameEmpty);
        }
        let length = text.chars().count();
        if length > 13 {
            return Err(EosioError::NameLength {
                name: quoted(text),
                length,
            });
        }
        let mut value = 0u64;
        for (position, ch) in text.chars().enumerate() {
            let symbol = name_char_value(ch).ok_or_else(|| EosioError::NameChar {
                name: text.to_owned(),
                ch,
                position,
            })?;
            if position < 12 {
                value |= symbol << (64 - 5 * (position + 1));
            } else if symbol > 0x0f {
                // The 13th character has only the low 4 bits left.
                return Err(EosioError::NameThirteenth {
                    name: text.to_owned(),
                    ch,
                });
            } else {
                value |= symbol;
            }
        }
        let name = Name(value);
        let normalized = name.to_string();
        if normalized != text {
            return Err(EosioError::NameNotNormalized {
                name: text.to_owned(),
                normalized,
            });
        }
        Ok(name)
    }
}

impl fmt::Display for Name {
    /// EOSIO's `name::to_string`: all 13 characters, then trailing dots trimmed (so `Name(0)`
    /// is the empty string). Every u64 has a text form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = [b'.'; 13];
        let mut rest = self.0;
        chars[12] = NAME_CHARS[(rest & 0x0f) as usize];
        rest >>= 4;
        for slot in chars[..12].iter_mut().rev() {
            *slot = NAME_CHARS[(rest & 0x1f) as usize];
            rest >>= 5;
        }
        let end = chars.iter().rposition(|c| *c != b'.').map_or(0, |i| i + 1);
        for c in &chars[..end] {
            fmt::Write::write_char(f, char::from(*c))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Symbols and assets
// ---------------------------------------------------------------------------------------------

/// A token symbol: its precision (decimal places) and code (`EOS`).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Symbol {
    pub precision: u8,
    pub code: String,
}

fn is_symbol_code(code: &str) -> bool {
    (1..=7).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn check_symbol_code(code: &str) -> Result<(), EosioError> {
    if is_symbol_code(code) {
        Ok(())
    } else {
        Err(EosioError::SymbolCode { code: quoted(code) })
    }
}

fn check_precision(precision: usize) -> Result<(), EosioError> {
    if precision > usize::from(MAX_PRECISION) {
        Err(EosioError::Precision { precision })
    } else {
        Ok(())
    }
}

impl Symbol {
    /// A symbol with precision at most 18 and a code of 1 to 7 letters A–Z.
    pub fn new(precision: u8, code: &str) -> Result<Symbol, EosioError> {
        check_precision(usize::from(precision))?;
        check_symbol_code(code)?;
        Ok(Symbol {
            precision,
            code: code.to_owned(),
        })
    }

    /// The packed form: the precision byte, then the code's bytes, zero padded to 8 bytes.
    /// A code longer than 7 bytes (the fields are public) is cut to 7.
    fn to_bytes(&self) -> [u8; 8] {
        let mut bytes = [0u8; 8];
        bytes[0] = self.precision;
        for (slot, b) in bytes[1..].iter_mut().zip(self.code.bytes()) {
            *slot = b;
        }
        bytes
    }

    /// Reads the packed form; `None` unless it is a valid symbol.
    fn from_bytes(bytes: [u8; 8]) -> Option<Symbol> {
        let precision = bytes[0];
        let code_bytes = &bytes[1..];
        let length = code_bytes.iter().position(|b| *b == 0).unwrap_or(7);
        let (code, padding) = code_bytes.split_at(length);
        if precision > MAX_PRECISION || padding.iter().any(|b| *b != 0) {
            return None;
        }
        let code = std::str::from_utf8(code).ok()?;
        is_symbol_code(code).then(|| Symbol {
            precision,
            code: code.to_owned(),
        })
    }
}

impl fmt::Display for Symbol {
    /// EOSIO's form: `4,EOS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.precision, self.code)
    }
}

/// A quantity of a token: `amount` in units of 10^-precision of `symbol`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Asset {
    pub amount: i64,
    pub symbol: Symbol,
}

/// A non-negative decimal `digits[.digits]` split into its integer and fraction digits; `None`
/// for any other text (signs, exponents, spaces, an empty side of the point).
fn split_decimal(text: &str) -> Option<(&str, &str)> {
    let (integer, fraction) = match text.split_once('.') {
        Some((integer, fraction)) if !fraction.is_empty() => (integer, fraction),
        Some(_) => return None,
        None => (text, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!integer.is_empty() && digits(integer) && digits(fraction)).then_some((integer, fraction))
}

/// `integer.fraction` in units of 10^-precision, or `None` above [`MAX_ASSET_AMOUNT`] (or for
/// a non-digit, which the callers have already refused). The fraction must have at most
/// `precision` digits; it is padded with zeros to `precision`.
fn scaled_amount(integer: &str, fraction: &str, precision: u8) -> Option<i64> {
    let padding = usize::from(precision).checked_sub(fraction.len())?;
    let digits = integer
        .bytes()
        .chain(fraction.bytes())
        .chain(std::iter::repeat_n(b'0', padding));
    let mut value: i64 = 0;
    for digit in digits {
        // Checked at each step, so any number of leading zeros is fine and no digit count
        // can overflow.
        let digit = digit.checked_sub(b'0').filter(|d| *d <= 9)?;
        value = value.checked_mul(10)?.checked_add(i64::from(digit))?;
        if value > MAX_ASSET_AMOUNT {
            return None;
        }
    }
    Some(value)
}

impl Asset {
    /// An asset with a valid symbol and an amount of magnitude at most 2^62 - 1.
    pub fn new(amount: i64, symbol: Symbol) -> Result<Asset, EosioError> {
        Symbol::new(symbol.precision, &symbol.code)?;
        let asset = Asset { amount, symbol };
        if amount.unsigned_abs() > MAX_ASSET_AMOUNT.unsigned_abs() {
            return Err(EosioError::AssetRange {
                asset: asset.to_string(),
            });
        }
        Ok(asset)
    }

    /// SW-X1: the quantity from a transfer request's `amount` (its JSON number text, e.g.
    /// `1`, `0.5`, `12.25`) at `precision` decimals of `symbol`.
    ///
    /// Decimal arithmetic on the text, no floats, never rounding: an amount with more
    /// significant decimals than the precision, a negative amount, one in exponent form
    /// (`1e2`) or one above 2^62 - 1 units is an error. Decimals past the precision are
    /// accepted when they are all zeros (`1.50` at precision 1, or `100.0` at precision 0 as
    /// serde_json prints a float), since dropping them changes nothing.
    pub fn from_amount(amount: &str, precision: u8, symbol: &str) -> Result<Asset, EosioError> {
        let symbol = Symbol::new(precision, symbol)?;
        let shown = || quoted(amount);
        if amount.is_empty() {
            return Err(EosioError::AmountFormat {
                amount: String::new(),
                reason: "is empty",
            });
        }
        if amount.starts_with('-') {
            return Err(EosioError::AmountNegative { amount: shown() });
        }
        if amount.contains(['e', 'E']) {
            return Err(EosioError::AmountExponent { amount: shown() });
        }
        let (integer, fraction) =
            split_decimal(amount).ok_or_else(|| EosioError::AmountFormat {
                amount: shown(),
                reason: "is not a plain decimal (digits, optionally a point and more digits)",
            })?;
        let significant = fraction.trim_end_matches('0');
        if significant.len() > usize::from(precision) {
            return Err(EosioError::AmountPrecision {
                amount: shown(),
                decimals: significant.len(),
                precision,
            });
        }
        // `fraction` may carry zeros past the precision; only the significant part scales.
        let fraction = &fraction[..fraction.len().min(usize::from(precision))];
        let units =
            scaled_amount(integer, fraction, precision).ok_or_else(|| EosioError::AmountRange {
                amount: shown(),
                precision,
            })?;
        Ok(Asset {
            amount: units,
            symbol,
        })
    }

    fn to_bytes(&self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.amount.to_le_bytes());
        bytes[8..].copy_from_slice(&self.symbol.to_bytes());
        bytes
    }
}

impl FromStr for Asset {
    type Err = EosioError;

    /// Parses `<amount> <CODE>`: an optional `-`, digits, optionally a point and 1 to 18
    /// digits (their count is the precision), one space, and a code of 1 to 7 letters A–Z.
    fn from_str(text: &str) -> Result<Asset, EosioError> {
        const ONE_SPACE: &str = "amount and symbol must be separated by one space";
        let format = |reason| EosioError::AssetFormat {
            asset: quoted(text),
            reason,
        };
        let (number, code) = text.split_once(' ').ok_or_else(|| format(ONE_SPACE))?;
        if code.contains(char::is_whitespace) {
            return Err(format(ONE_SPACE));
        }
        let (negative, magnitude) = match number.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, number),
        };
        let (integer, fraction) = split_decimal(magnitude).ok_or_else(|| {
            format(
                "amount must be digits, optionally a point and more digits, after an optional `-`",
            )
        })?;
        check_symbol_code(code)?;
        check_precision(fraction.len())?;
        // check_precision bounds the length by 18, so it fits a u8.
        let precision = u8::try_from(fraction.len()).unwrap_or(MAX_PRECISION);
        let units =
            scaled_amount(integer, fraction, precision).ok_or_else(|| EosioError::AssetRange {
                asset: quoted(text),
            })?;
        Ok(Asset {
            amount: if negative { -units } else { units },
            symbol: Symbol {
                precision,
                code: code.to_owned(),
            },
        })
    }
}

impl fmt::Display for Asset {
    /// `1.0000 EOS`; precision 0 has no point (`100 SYS`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.amount < 0 { "-" } else { "" };
        let precision = usize::from(self.symbol.precision);
        // unsigned_abs, so i64::MIN (reachable through the public fields) cannot overflow.
        let digits = format!(
            "{:0>width$}",
            self.amount.unsigned_abs(),
            width = precision + 1
        );
        let (integer, fraction) = digits.split_at(digits.len() - precision);
        if precision == 0 {
            write!(f, "{sign}{integer} {}", self.symbol.code)
        } else {
            write!(f, "{sign}{integer}.{fraction} {}", self.symbol.code)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Actions and transactions
// ---------------------------------------------------------------------------------------------

/// One authorization of an action: `actor@permission`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PermissionLevel {
    pub actor: Name,
    pub permission: Name,
}

/// One contract call: `account::name`, who authorizes it, and its packed data.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Action {
    pub account: Name,
    pub name: Name,
    pub authorization: Vec<PermissionLevel>,
    pub data: Vec<u8>,
}

impl Action {
    fn pack_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.account.0.to_le_bytes());
        out.extend_from_slice(&self.name.0.to_le_bytes());
        write_varuint(out, self.authorization.len() as u64);
        for level in &self.authorization {
            out.extend_from_slice(&level.actor.0.to_le_bytes());
            out.extend_from_slice(&level.permission.0.to_le_bytes());
        }
        write_bytes(out, &self.data);
    }

    fn unpack_from(reader: &mut Reader<'_>) -> Result<Action, EosioError> {
        let account = reader.name("action account")?;
        let name = reader.name("action name")?;
        let count = reader.count("action authorization", PERMISSION_LEVEL_BYTES)?;
        let mut authorization = Vec::with_capacity(count);
        for _ in 0..count {
            authorization.push(PermissionLevel {
                actor: reader.name("authorization actor")?,
                permission: reader.name("authorization permission")?,
            });
        }
        let data = reader.bytes("action data")?.to_vec();
        Ok(Action {
            account,
            name,
            authorization,
            data,
        })
    }
}

/// An EOSIO transaction (unsigned; signatures and context-free data travel beside it).
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Transaction {
    /// Seconds since the Unix epoch (UTC) after which the node refuses it.
    pub expiration: u32,
    /// The low 16 bits of a recent block's number (TaPoS).
    pub ref_block_num: u16,
    /// Bytes 8..12 of that block's id, little-endian (TaPoS).
    pub ref_block_prefix: u32,
    pub max_net_usage_words: u32,
    pub max_cpu_usage_ms: u8,
    pub delay_sec: u32,
    pub context_free_actions: Vec<Action>,
    pub actions: Vec<Action>,
    /// `(type, data)` pairs.
    pub transaction_extensions: Vec<(u16, Vec<u8>)>,
}

impl Transaction {
    /// The packed bytes (what the id and the signing digest cover).
    pub fn pack(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(32 + (self.context_free_actions.len() + self.actions.len()) * 64);
        out.extend_from_slice(&self.expiration.to_le_bytes());
        out.extend_from_slice(&self.ref_block_num.to_le_bytes());
        out.extend_from_slice(&self.ref_block_prefix.to_le_bytes());
        write_varuint(&mut out, u64::from(self.max_net_usage_words));
        out.push(self.max_cpu_usage_ms);
        write_varuint(&mut out, u64::from(self.delay_sec));
        for actions in [&self.context_free_actions, &self.actions] {
            write_varuint(&mut out, actions.len() as u64);
            for action in actions {
                action.pack_into(&mut out);
            }
        }
        write_varuint(&mut out, self.transaction_extensions.len() as u64);
        for (kind, data) in &self.transaction_extensions {
            out.extend_from_slice(&kind.to_le_bytes());
            write_bytes(&mut out, data);
        }
        out
    }

    /// Reads a packed transaction; the whole input must be consumed.
    pub fn unpack(bytes: &[u8]) -> Result<Transaction, EosioError> {
        let mut reader = Reader::new(bytes);
        let expiration = u32::from_le_bytes(reader.array("expiration")?);
        let ref_block_num = u16::from_le_bytes(reader.array("ref_block_num")?);
        let ref_block_prefix = u32::from_le_bytes(reader.array("ref_block_prefix")?);
        let max_net_usage_words = reader.varuint32("max_net_usage_words")?;
        let [max_cpu_usage_ms] = reader.array("max_cpu_usage_ms")?;
        let delay_sec = reader.varuint32("delay_sec")?;
        let context_free_actions = reader.actions("context_free_actions")?;
        let actions = reader.actions("actions")?;
        let count = reader.count("transaction_extensions", MIN_EXTENSION_BYTES)?;
        let mut transaction_extensions = Vec::with_capacity(count);
        for _ in 0..count {
            let kind = u16::from_le_bytes(reader.array("extension type")?);
            let data = reader.bytes("extension data")?.to_vec();
            transaction_extensions.push((kind, data));
        }
        reader.finish()?;
        Ok(Transaction {
            expiration,
            ref_block_num,
            ref_block_prefix,
            max_net_usage_words,
            max_cpu_usage_ms,
            delay_sec,
            context_free_actions,
            actions,
            transaction_extensions,
        })
    }

    /// The transaction id: SHA-256 of the packed bytes.
    pub fn id(&self) -> [u8; 32] {
        Sha256::digest(self.pack()).into()
    }

    /// The id as nodes and wallets write it: 64 lower-case hex characters.
    pub fn id_hex(&self) -> String {
        hex::encode(self.id())
    }

    /// What a signer signs: SHA-256(chain id ‖ packed ‖ 32 zero bytes). The zeros stand for
    /// the digest of the context-free data, which the protocol never carries.
    pub fn signing_digest(&self, chain_id: &[u8; 32]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(chain_id);
        hasher.update(self.pack());
        hasher.update([0u8; 32]);
        hasher.finalize().into()
    }
}

/// LEB128, 7 bits a byte, low bits first. Every length written here is far below 2^32, so
/// the output is a varuint32.
fn write_varuint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_varuint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// A bounds-checked cursor over untrusted bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    fn available(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, field: &'static str, n: u64) -> Result<&'a [u8], EosioError> {
        let available = self.available();
        let truncated = EosioError::Truncated {
            field,
            offset: self.pos,
            needed: n,
            available,
        };
        if n > available as u64 {
            return Err(truncated);
        }
        // n <= available, so pos + n is within the input.
        let end = self.pos + n as usize;
        let slice = self.bytes.get(self.pos..end).ok_or(truncated)?;
        self.pos = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], EosioError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(field, N as u64)?);
        Ok(out)
    }

    fn name(&mut self, field: &'static str) -> Result<Name, EosioError> {
        Ok(Name(u64::from_le_bytes(self.array(field)?)))
    }

    /// A shortest-form LEB128 value of at most 5 bytes that fits a u32.
    fn varuint32(&mut self, field: &'static str) -> Result<u32, EosioError> {
        let offset = self.pos;
        let mut value = 0u64;
        for index in 0..5 {
            let [byte] = self.array(field)?;
            value |= u64::from(byte & 0x7f) << (7 * index);
            if byte & 0x80 == 0 {
                let value =
                    u32::try_from(value).map_err(|_| EosioError::VarUint { field, offset })?;
                // A last byte of zero after others adds nothing: a shorter form exists.
                if index > 0 && byte == 0 {
                    return Err(EosioError::NonCanonicalVarUint {
                        field,
                        offset,
                        value,
                    });
                }
                return Ok(value);
            }
        }
        Err(EosioError::VarUint { field, offset })
    }

    /// A vector's count, refused when even the smallest entries would not fit in the bytes
    /// left, so a hostile count never sizes an allocation.
    fn count(&mut self, field: &'static str, min_entry_bytes: u64) -> Result<usize, EosioError> {
        let offset = self.pos;
        let length = self.varuint32(field)?;
        let needed = u64::from(length) * min_entry_bytes;
        let available = self.available();
        if needed > available as u64 {
            return Err(EosioError::Length {
                field,
                offset,
                length: u64::from(length),
                needed,
                available,
            });
        }
        // needed <= available, so the count fits a usize.
        Ok(usize::try_from(length).unwrap_or(0))
    }

    fn bytes(&mut self, field: &'static str) -> Result<&'a [u8], EosioError> {
        let length = self.count(field, 1)?;
        self.take(field, length as u64)
    }

    fn string(&mut self, field: &'static str) -> Result<String, EosioError> {
        let offset = self.pos;
        let bytes = self.bytes(field)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| EosioError::Utf8 { field, offset })
    }

    fn asset(&mut self, field: &'static str) -> Result<Asset, EosioError> {
        let offset = self.pos;
        let amount = i64::from_le_bytes(self.array(field)?);
        let symbol_offset = self.pos;
        let raw: [u8; 8] = self.array(field)?;
        let symbol = Symbol::from_bytes(raw).ok_or(EosioError::SymbolBytes {
            field,
            offset: symbol_offset,
            raw: u64::from_le_bytes(raw),
        })?;
        if amount.unsigned_abs() > MAX_ASSET_AMOUNT.unsigned_abs() {
            return Err(EosioError::AssetAmount {
                field,
                offset,
                amount,
            });
        }
        Ok(Asset { amount, symbol })
    }

    fn actions(&mut self, field: &'static str) -> Result<Vec<Action>, EosioError> {
        let count = self.count(field, MIN_ACTION_BYTES)?;
        let mut actions = Vec::with_capacity(count);
        for _ in 0..count {
            actions.push(Action::unpack_from(self)?);
        }
        Ok(actions)
    }

    fn finish(&self) -> Result<(), EosioError> {
        match self.available() {
            0 => Ok(()),
            count => Err(EosioError::Trailing {
                offset: self.pos,
                count,
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The built-in ABI
// ---------------------------------------------------------------------------------------------

/// The types the built-in ABI's fields have.
#[derive(Clone, Copy, Debug)]
enum FieldKind {
    Name,
    Asset,
    Text,
}

impl FieldKind {
    fn expected(self) -> &'static str {
        match self {
            FieldKind::Name => "an EOSIO name",
            FieldKind::Asset => "an asset such as `1.0000 EOS`",
            FieldKind::Text => "text",
        }
    }
}

type Layout = &'static [(&'static str, FieldKind)];

/// `<any contract>::transfer`, the eosio.token layout every token contract copies.
const TRANSFER_LAYOUT: Layout = &[
    ("from", FieldKind::Name),
    ("to", FieldKind::Name),
    ("quantity", FieldKind::Asset),
    ("memo", FieldKind::Text),
];

/// `eosio::buyram`.
const BUYRAM_LAYOUT: Layout = &[
    ("payer", FieldKind::Name),
    ("receiver", FieldKind::Name),
    ("quant", FieldKind::Asset),
];

fn layout(account: Name, name: Name) -> Option<Layout> {
    if name == TRANSFER {
        Some(TRANSFER_LAYOUT)
    } else if account == EOSIO && name == BUYRAM {
        Some(BUYRAM_LAYOUT)
    } else {
        None
    }
}

fn known_layout(account: Name, name: Name) -> Result<Layout, EosioError> {
    layout(account, name).ok_or_else(|| EosioError::UnknownAction {
        account: account.to_string(),
        action: name.to_string(),
    })
}

/// One field's value.
#[derive(Clone, Debug)]
enum Field {
    Name(Name),
    Asset(Asset),
    Text(String),
}

impl Field {
    fn pack_into(&self, out: &mut Vec<u8>) {
        match self {
            Field::Name(name) => out.extend_from_slice(&name.0.to_le_bytes()),
            Field::Asset(asset) => out.extend_from_slice(&asset.to_bytes()),
            Field::Text(text) => write_bytes(out, text.as_bytes()),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Field::Name(name) => Value::String(name.to_string()),
            Field::Asset(asset) => Value::String(asset.to_string()),
            Field::Text(text) => Value::String(text.clone()),
        }
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads a JSON object into the layout's values, in layout order. Every field is required,
/// and any other key is refused: a silently dropped field would change what is signed.
fn fields_from_json(action: &str, layout: Layout, data: &Value) -> Result<Vec<Field>, EosioError> {
    let object = data.as_object().ok_or_else(|| EosioError::DataNotObject {
        action: action.to_owned(),
        found: json_type(data),
    })?;
    if let Some(unknown) = object
        .keys()
        .find(|key| !layout.iter().any(|(field, _)| field == key))
    {
        return Err(EosioError::UnknownField {
            action: action.to_owned(),
            field: quoted(unknown),
        });
    }
    let mut values = Vec::with_capacity(layout.len());
    for (field, kind) in layout.iter().copied() {
        let value = object.get(field).ok_or_else(|| EosioError::MissingField {
            action: action.to_owned(),
            field,
        })?;
        let text = value.as_str().ok_or_else(|| EosioError::FieldType {
            action: action.to_owned(),
            field,
            expected: kind.expected(),
            found: json_type(value),
        })?;
        let parsed = match kind {
            FieldKind::Name => text.parse().map(Field::Name),
            FieldKind::Asset => text.parse().map(Field::Asset),
            FieldKind::Text => Ok(Field::Text(text.to_owned())),
        };
        values.push(parsed.map_err(|source| EosioError::FieldValue {
            action: action.to_owned(),
            field,
            source: Box::new(source),
        })?);
    }
    Ok(values)
}

/// Names the action and field a decoding error happened in.
fn in_field<T>(
    action: &str,
    field: &'static str,
    result: Result<T, EosioError>,
) -> Result<T, EosioError> {
    result.map_err(|source| EosioError::FieldValue {
        action: action.to_owned(),
        field,
        source: Box::new(source),
    })
}

/// Refuses bytes after the last field of action data.
fn finish_data(action: &str, reader: &Reader<'_>) -> Result<(), EosioError> {
    match reader.available() {
        0 => Ok(()),
        count => Err(EosioError::DataTrailing {
            action: action.to_owned(),
            offset: reader.pos,
            count,
        }),
    }
}

/// Reads packed action data into the layout's values; the whole input must be consumed.
fn fields_from_bytes(action: &str, layout: Layout, data: &[u8]) -> Result<Vec<Field>, EosioError> {
    let mut reader = Reader::new(data);
    let mut values = Vec::with_capacity(layout.len());
    for (field, kind) in layout.iter().copied() {
        let value = match kind {
            FieldKind::Name => reader.name(field).map(Field::Name),
            FieldKind::Asset => reader.asset(field).map(Field::Asset),
            FieldKind::Text => reader.string(field).map(Field::Text),
        };
        values.push(in_field(action, field, value)?);
    }
    finish_data(action, &reader)?;
    Ok(values)
}

fn action_label(account: Name, name: Name) -> String {
    format!("{account}::{name}")
}

/// Packs an action's JSON data with the built-in ABI: `<any contract>::transfer`
/// `{from: name, to: name, quantity: asset, memo: string}` and `eosio::buyram`
/// `{payer: name, receiver: name, quant: asset}`. Every field is required and no other is
/// allowed; an action outside the ABI is an error naming it.
pub fn pack_action_data(account: Name, name: Name, data: &Value) -> Result<Vec<u8>, EosioError> {
    let layout = known_layout(account, name)?;
    let values = fields_from_json(&action_label(account, name), layout, data)?;
    let mut out = Vec::new();
    for value in &values {
        value.pack_into(&mut out);
    }
    Ok(out)
}

/// Unpacks an action's data with the built-in ABI into a JSON object, fields in ABI order.
pub fn unpack_action_data(account: Name, name: Name, data: &[u8]) -> Result<Value, EosioError> {
    let layout = known_layout(account, name)?;
    let values = fields_from_bytes(&action_label(account, name), layout, data)?;
    let mut object = Map::new();
    for ((field, _), value) in layout.iter().zip(&values) {
        object.insert((*field).to_owned(), value.to_json());
    }
    Ok(Value::Object(object))
}

/// The data of a token `transfer` (SW-X1).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Transfer {
    pub from: Name,
    pub to: Name,
    pub quantity: Asset,
    pub memo: String,
}

impl Transfer {
    /// The packed action data.
    pub fn pack(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(37 + self.memo.len());
        out.extend_from_slice(&self.from.0.to_le_bytes());
        out.extend_from_slice(&self.to.0.to_le_bytes());
        out.extend_from_slice(&self.quantity.to_bytes());
        write_bytes(&mut out, self.memo.as_bytes());
        out
    }

    /// Reads packed transfer data; the whole input must be consumed. Errors name the field
    /// as [`unpack_action_data`] does, under the action `transfer`.
    pub fn unpack(bytes: &[u8]) -> Result<Transfer, EosioError> {
        const ACTION: &str = "transfer";
        let mut reader = Reader::new(bytes);
        let from = in_field(ACTION, "from", reader.name("from"))?;
        let to = in_field(ACTION, "to", reader.name("to"))?;
        let quantity = in_field(ACTION, "quantity", reader.asset("quantity"))?;
        let memo = in_field(ACTION, "memo", reader.string("memo"))?;
        finish_data(ACTION, &reader)?;
        Ok(Transfer {
            from,
            to,
            quantity,
            memo,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// JSON as a node shows it
// ---------------------------------------------------------------------------------------------

/// A `time_point_sec` as EOSIO writes it: `YYYY-MM-DDTHH:MM:SS`, UTC, no zone.
pub fn format_time_point_sec(seconds: u32) -> String {
    let days = seconds / 86_400;
    let of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`,
/// restricted to non-negative days, which is all a u32 of seconds reaches).
fn civil_from_days(days: u32) -> (u32, u32, u32) {
    // Shift the epoch to 0000-03-01, so leap days fall at the end of each year.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u32::from(month <= 2);
    (year, month, day)
}

fn action_json(action: &Action) -> Value {
    let hex_data = hex::encode(&action.data);
    // A node shows the hex again under `data` when it has no ABI for the action, or the ABI
    // cannot read the bytes.
    let data = unpack_action_data(action.account, action.name, &action.data)
        .unwrap_or_else(|_| Value::String(hex_data.clone()));
    let authorization: Vec<Value> = action
        .authorization
        .iter()
        .map(|level| {
            serde_json::json!({
                "actor": level.actor.to_string(),
                "permission": level.permission.to_string(),
            })
        })
        .collect();
    serde_json::json!({
        "account": action.account.to_string(),
        "name": action.name.to_string(),
        "authorization": authorization,
        "data": data,
        "hex_data": hex_data,
    })
}

/// A transaction's JSON as a node's `/v1/history/get_transaction` shows it under `trx.trx`
/// (field order as the node writes it). Extensions are `[type, "hex"]` pairs, as fc writes a
/// `std::pair`.
pub fn transaction_json(tx: &Transaction) -> Value {
    let actions = |list: &[Action]| list.iter().map(action_json).collect::<Vec<_>>();
    let extensions: Vec<Value> = tx
        .transaction_extensions
        .iter()
        .map(|(kind, data)| serde_json::json!([kind, hex::encode(data)]))
        .collect();
    serde_json::json!({
        "expiration": format_time_point_sec(tx.expiration),
        "ref_block_num": tx.ref_block_num,
        "ref_block_prefix": tx.ref_block_prefix,
        "max_net_usage_words": tx.max_net_usage_words,
        "max_cpu_usage_ms": tx.max_cpu_usage_ms,
        "delay_sec": tx.delay_sec,
        "context_free_actions": actions(&tx.context_free_actions),
        "actions": actions(&tx.actions),
        "transaction_extensions": extensions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The EOS mainnet chain id.
    const MAINNET: &str = "aca376f206b8fc25a6ed44dbdc66547c36c6c33e3a119ffbeaef943642f0e906";

    /// `eosio.token::transfer` from `useraaaaaaaa` to `useraaaaaaab`, `1.0000 EOS`, memo
    /// `hello`: from ‖ to ‖ amount 10000 (i64 LE) ‖ symbol (4, "EOS", 8 bytes) ‖ 05 "hello".
    const TRANSFER_DATA: &str =
        "608c31c6187315d6708c31c6187315d6102700000000000004454f53000000000568656c6c6f";

    /// One action of the EOS mainnet transaction
    /// 92572b507f2813e5414ac7c3e29550894a130269565f844be08f7e551afd95aa (block of
    /// 2019-12-22T19:32:23.500): `eosio.token::transfer` by `pfp3iincv21p@active` to
    /// `eidosonecoin`, `0.0001 EOS`, memo `999827126`. The transaction is this action 90 times.
    const MAINNET_ACTION: &str = "00a6823403ea3055000000572d3ccdcd015083d8683a37eaaa00000000a8ed32322a5083d8683a37eaaa301d456a524c9353010000000000000004454f530000000009393939383237313236";
    const MAINNET_ID: &str = "92572b507f2813e5414ac7c3e29550894a130269565f844be08f7e551afd95aa";

    /// The sample transaction's packed bytes, packed independently of this module.
    const SAMPLE_TX: &str = "b2f4335bb2a104030201ac020781010100408c7a02ea3055000000000085269d000201020200a6823403ea3055000000572d3ccdcd01608c31c6187315d600000000a8ed323226608c31c6187315d6708c31c6187315d6102700000000000004454f53000000000568656c6c6f0000000000ea3055000000004873bd3e02608c31c6187315d600000000a8ed3232708c31c6187315d60000000080ab26a720608c31c6187315d6708c31c6187315d6a86100000000000004454f530000000001010002abcd";
    const SAMPLE_ID: &str = "ec6a74369989778239abbd29adf94912fcd7e67f5c2afa54e2932db03e17cf29";
    const SAMPLE_MAINNET_DIGEST: &str =
        "9f342163c769e4c205986b39284215990d1a0f068b750cc2b43d91f298c3dc3d";

    fn name(text: &str) -> Name {
        text.parse().expect("a valid test name")
    }

    fn asset(text: &str) -> Asset {
        text.parse().expect("a valid test asset")
    }

    fn bytes(hex_text: &str) -> Vec<u8> {
        hex::decode(hex_text).expect("test hex")
    }

    fn chain_id(hex_text: &str) -> [u8; 32] {
        bytes(hex_text).try_into().expect("32 bytes")
    }

    fn transfer() -> Transfer {
        Transfer {
            from: name("useraaaaaaaa"),
            to: name("useraaaaaaab"),
            quantity: asset("1.0000 EOS"),
            memo: "hello".into(),
        }
    }

    fn active(actor: &str) -> PermissionLevel {
        PermissionLevel {
            actor: name(actor),
            permission: name("active"),
        }
    }

    fn buyram_data() -> Vec<u8> {
        pack_action_data(
            name("eosio"),
            name("buyram"),
            &json!({"payer": "useraaaaaaaa", "receiver": "useraaaaaaab", "quant": "2.5000 EOS"}),
        )
        .expect("buyram packs")
    }

    /// Every field of the layout set, both action lists and an extension in use, and
    /// varuint32s of one and two bytes.
    fn sample() -> Transaction {
        Transaction {
            expiration: 1_530_131_634,
            ref_block_num: 0xa1b2,
            ref_block_prefix: 0x0102_0304,
            max_net_usage_words: 300,
            max_cpu_usage_ms: 7,
            delay_sec: 129,
            context_free_actions: vec![Action {
                account: name("eosio.null"),
                name: name("nonce"),
                authorization: vec![],
                data: vec![1, 2],
            }],
            actions: vec![
                Action {
                    account: name("eosio.token"),
                    name: name("transfer"),
                    authorization: vec![active("useraaaaaaaa")],
                    data: transfer().pack(),
                },
                Action {
                    account: name("eosio"),
                    name: name("buyram"),
                    authorization: vec![
                        active("useraaaaaaaa"),
                        PermissionLevel {
                            actor: name("useraaaaaaab"),
                            permission: name("owner"),
                        },
                    ],
                    data: buyram_data(),
                },
            ],
            transaction_extensions: vec![(1, vec![0xab, 0xcd])],
        }
    }

    fn mainnet_packed() -> Vec<u8> {
        let text = format!(
            "c9c4ff5dc0349b6d35fc000000005a{}00",
            MAINNET_ACTION.repeat(90)
        );
        bytes(&text)
    }

    /// A deterministic xorshift64 stream for the property tests.
    struct Xorshift(u64);

    impl Xorshift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    // --- names -------------------------------------------------------------------------------

    #[test]
    fn names_encode_to_their_known_values() {
        // Each value recomputed from the EOSIO algorithm (5 bits per character from the top)
        // and, for the little-endian bytes, as every EOS transaction on chain carries them.
        let known: [(&str, u64, &str); 9] = [
            ("eosio", 0x5530_ea00_0000_0000, "0000000000ea3055"),
            ("eosio.token", 0x5530_ea03_3482_a600, "00a6823403ea3055"),
            ("transfer", 0xcdcd_3c2d_5700_0000, "000000572d3ccdcd"),
            ("active", 0x3232_eda8_0000_0000, "00000000a8ed3232"),
            ("owner", 0xa726_ab80_0000_0000, "0000000080ab26a7"),
            ("buyram", 0x3ebd_7348_0000_0000, "000000004873bd3e"),
            ("useraaaaaaaa", 0xd615_7318_c631_8c60, "608c31c6187315d6"),
            ("useraaaaaaab", 0xd615_7318_c631_8c70, "708c31c6187315d6"),
            ("zzzzzzzzzzzzj", u64::MAX, "ffffffffffffffff"),
        ];
        for (text, value, le) in known {
            let parsed = name(text);
            assert_eq!(parsed, Name(value), "{text}");
            assert_eq!(hex::encode(parsed.0.to_le_bytes()), le, "{text}");
            assert_eq!(parsed.to_string(), text);
        }
        assert_eq!(name("eosio").0, 6_138_663_577_826_885_632);
        assert_eq!(name("eosio.token").0, 6_138_663_591_592_764_928);
        assert_eq!(name("transfer").0, 14_829_575_313_431_724_032);
        assert_eq!(name("active").0, 3_617_214_756_542_218_240);
        assert_eq!(name("owner").0, 12_044_502_819_693_133_824);
        assert_eq!(
            (EOSIO, TRANSFER, BUYRAM),
            (name("eosio"), name("transfer"), name("buyram"))
        );
    }

    #[test]
    fn display_trims_trailing_dots() {
        assert_eq!(Name(0).to_string(), "");
        assert_eq!(name("a.b").to_string(), "a.b");
        assert_eq!(name("1").0, 0x0800_0000_0000_0000);
        // The 13th character sits in the low 4 bits.
        assert_eq!(Name(1).to_string(), "............1");
        assert_eq!(Name(0x0f).to_string(), "............j");
    }

    #[test]
    fn every_nonzero_u64_round_trips_through_its_text() {
        let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let value = rng.next();
            let text = Name(value).to_string();
            assert_eq!(text.parse::<Name>(), Ok(Name(value)), "{value:#x} `{text}`");
        }
    }

    #[test]
    fn invalid_names_name_the_problem() {
        assert_eq!("".parse::<Name>(), Err(EosioError::NameEmpty));
        assert_eq!(
            "abcdefghijklmn".parse::<Name>(),
            Err(EosioError::NameLength {
                name: "abcdefghijklmn".into(),
                length: 14
            })
        );
        for (text, ch, position) in [
            ("Eosio", 'E', 0),
            ("eosio6", '6', 5),
            ("user 1", ' ', 4),
            ("abc0", '0', 3),
            ("naïve", 'ï', 2),
            ("a-b", '-', 1),
        ] {
            assert_eq!(
                text.parse::<Name>(),
                Err(EosioError::NameChar {
                    name: text.into(),
                    ch,
                    position
                }),
                "{text}"
            );
        }
        assert_eq!(
            "zzzzzzzzzzzzk".parse::<Name>(),
            Err(EosioError::NameThirteenth {
                name: "zzzzzzzzzzzzk".into(),
                ch: 'k'
            })
        );
        assert_eq!(
            "eosio.".parse::<Name>(),
            Err(EosioError::NameNotNormalized {
                name: "eosio.".into(),
                normalized: "eosio".into()
            })
        );
        let error = ".".parse::<Name>().unwrap_err();
        assert_eq!(error.kind(), "name-not-normalized");
        assert!(error.to_string().contains("trailing dots"), "{error}");
    }

    #[test]
    fn a_huge_name_is_quoted_short() {
        let text = "a".repeat(100_000);
        let error = text.parse::<Name>().unwrap_err();
        assert_eq!(error.kind(), "name-length");
        assert!(error.to_string().len() < 200, "{error}");
    }

    // --- symbols and assets ------------------------------------------------------------------

    #[test]
    fn symbols_validate_and_pack() {
        let eos = Symbol::new(4, "EOS").unwrap();
        assert_eq!(eos.to_string(), "4,EOS");
        assert_eq!(hex::encode(eos.to_bytes()), "04454f5300000000");
        assert_eq!(Symbol::from_bytes(eos.to_bytes()), Some(eos));
        assert!(Symbol::new(18, "ABCDEFG").is_ok());
        assert_eq!(
            Symbol::new(19, "EOS"),
            Err(EosioError::Precision { precision: 19 })
        );
        for code in ["", "eos", "ABCDEFGH", "E0S", "ÉOS"] {
            assert_eq!(
                Symbol::new(4, code),
                Err(EosioError::SymbolCode { code: code.into() }),
                "{code}"
            );
        }
        // Precision above 18, a gap in the code, a lower-case code, and no code at all.
        for raw in [
            "13454f5300000000",
            "0445004f00000000",
            "04656f7300000000",
            "0400000000000000",
        ] {
            let raw: [u8; 8] = bytes(raw).try_into().unwrap();
            assert_eq!(Symbol::from_bytes(raw), None, "{}", hex::encode(raw));
        }
    }

    #[test]
    fn assets_parse_and_display() {
        for (text, amount, precision, code) in [
            ("1.0000 EOS", 10_000, 4, "EOS"),
            ("0.0001 EOS", 1, 4, "EOS"),
            ("-1.5000 EOS", -15_000, 4, "EOS"),
            ("100 SYS", 100, 0, "SYS"),
            ("461168601842738.7903 EOS", MAX_ASSET_AMOUNT, 4, "EOS"),
            (
                "-4611686018427387903 ABCDEFG",
                -MAX_ASSET_AMOUNT,
                0,
                "ABCDEFG",
            ),
            ("0.000000000000000001 X", 1, 18, "X"),
        ] {
            let parsed = asset(text);
            assert_eq!(
                parsed,
                Asset {
                    amount,
                    symbol: Symbol::new(precision, code).unwrap()
                },
                "{text}"
            );
            assert_eq!(parsed.to_string(), text);
        }
        // Leading zeros and a negative zero are read, and written in normal form.
        assert_eq!(asset("007.50 EOS").to_string(), "7.50 EOS");
        assert_eq!(asset("-0.0000 EOS").to_string(), "0.0000 EOS");
        // Public fields can hold what parsing refuses; Display still never panics.
        let extreme = Asset {
            amount: i64::MIN,
            symbol: Symbol {
                precision: 2,
                code: "EOS".into(),
            },
        };
        assert_eq!(extreme.to_string(), "-92233720368547758.08 EOS");
        assert_eq!(
            hex::encode(asset("1.0000 EOS").to_bytes()),
            "102700000000000004454f5300000000"
        );
    }

    #[test]
    fn bad_assets_are_refused() {
        let format = |text: &str| text.parse::<Asset>().map_err(|e| e.kind());
        for text in [
            "1.0000EOS",
            "",
            "1. EOS",
            ".5 EOS",
            "--1 EOS",
            "+1 EOS",
            "1,0 EOS",
            " 1 EOS",
            "1.0.0 EOS",
            "- EOS",
            "1e3 EOS",
            "0x10 EOS",
            "1.0000  EOS",
            "1.0000 EOS ",
            "1 E\tOS",
        ] {
            assert_eq!(format(text), Err("asset-format"), "{text}");
        }
        for text in ["1.0000 eos", "1.0000 TOOLONGX", "1.0000 ", "1.0000 ÉOS"] {
            assert_eq!(format(text), Err("symbol-code"), "{text}");
        }
        assert_eq!(
            "1.0000000000000000000 EOS".parse::<Asset>(),
            Err(EosioError::Precision { precision: 19 })
        );
        for text in [
            "461168601842738.7904 EOS",
            "4611686018427387904 EOS",
            "-4611686018427387904 EOS",
            "99999999999999999999999999999999999999999 EOS",
        ] {
            assert_eq!(
                text.parse::<Asset>(),
                Err(EosioError::AssetRange { asset: text.into() }),
                "{text}"
            );
        }
        assert_eq!(
            Asset::new(MAX_ASSET_AMOUNT + 1, Symbol::new(0, "EOS").unwrap()).map_err(|e| e.kind()),
            Err("asset-range")
        );
        assert_eq!(
            Asset::new(
                1,
                Symbol {
                    precision: 4,
                    code: "eos".into()
                }
            )
            .map_err(|e| e.kind()),
            Err("symbol-code")
        );
        assert_eq!(
            Asset::new(-5, Symbol::new(1, "EOS").unwrap())
                .unwrap()
                .to_string(),
            "-0.5 EOS"
        );
    }

    #[test]
    fn from_amount_formats_to_the_precision() {
        for (amount, precision, symbol, expected) in [
            ("1", 4, "EOS", "1.0000 EOS"),
            ("0.5", 4, "EOS", "0.5000 EOS"),
            ("12.25", 4, "EOS", "12.2500 EOS"),
            ("0.0001", 4, "EOS", "0.0001 EOS"),
            ("0", 4, "EOS", "0.0000 EOS"),
            ("100.0", 0, "SYS", "100 SYS"),
            ("1.50", 1, "ABC", "1.5 ABC"),
            ("3", 0, "A", "3 A"),
            ("461168601842738.7903", 4, "EOS", "461168601842738.7903 EOS"),
            ("0.000000000000000001", 18, "X", "0.000000000000000001 X"),
        ] {
            let quantity = Asset::from_amount(amount, precision, symbol).unwrap();
            assert_eq!(quantity.to_string(), expected, "{amount} at {precision}");
            assert_eq!(quantity, asset(expected));
        }
    }

    #[test]
    fn from_amount_never_rounds_and_names_the_problem() {
        let shown = |amount: &str| amount.to_owned();
        assert_eq!(
            Asset::from_amount("1e2", 4, "EOS"),
            Err(EosioError::AmountExponent {
                amount: shown("1e2")
            })
        );
        assert_eq!(
            Asset::from_amount("1.5E-3", 4, "EOS").map_err(|e| e.kind()),
            Err("amount-exponent")
        );
        assert_eq!(
            Asset::from_amount("-1", 4, "EOS"),
            Err(EosioError::AmountNegative {
                amount: shown("-1")
            })
        );
        assert_eq!(
            Asset::from_amount("1.23456", 4, "EOS"),
            Err(EosioError::AmountPrecision {
                amount: shown("1.23456"),
                decimals: 5,
                precision: 4
            })
        );
        assert_eq!(
            Asset::from_amount("0.00001", 4, "EOS").map_err(|e| e.kind()),
            Err("amount-precision")
        );
        assert_eq!(
            Asset::from_amount("0.5", 0, "EOS").map_err(|e| e.kind()),
            Err("amount-precision")
        );
        assert_eq!(
            Asset::from_amount("461168601842738.7904", 4, "EOS"),
            Err(EosioError::AmountRange {
                amount: shown("461168601842738.7904"),
                precision: 4
            })
        );
        assert_eq!(
            Asset::from_amount(&"9".repeat(10_000), 4, "EOS").map_err(|e| e.kind()),
            Err("amount-range")
        );
        assert_eq!(
            Asset::from_amount("", 4, "EOS"),
            Err(EosioError::AmountFormat {
                amount: String::new(),
                reason: "is empty"
            })
        );
        for amount in [
            "abc", "1.", ".5", "+1", " 1", "1 ", "1,5", "0x1", "1.2.3", "NaN", "∞",
        ] {
            assert_eq!(
                Asset::from_amount(amount, 4, "EOS").map_err(|e| e.kind()),
                Err("amount-format"),
                "{amount}"
            );
        }
        assert_eq!(
            Asset::from_amount("1", 19, "EOS"),
            Err(EosioError::Precision { precision: 19 })
        );
        assert_eq!(
            Asset::from_amount("1", 4, "eos"),
            Err(EosioError::SymbolCode { code: "eos".into() })
        );
        let error = Asset::from_amount("1.23456", 4, "EOS").unwrap_err();
        assert!(error.to_string().contains("never rounded"), "{error}");
    }

    // --- varuint32 ---------------------------------------------------------------------------

    #[test]
    fn varuint32_round_trips_in_shortest_form() {
        for (value, encoded) in [
            (0u32, "00"),
            (1, "01"),
            (127, "7f"),
            (128, "8001"),
            (300, "ac02"),
            (16_383, "ff7f"),
            (16_384, "808001"),
            (u32::MAX, "ffffffff0f"),
        ] {
            let mut out = Vec::new();
            write_varuint(&mut out, u64::from(value));
            assert_eq!(hex::encode(&out), encoded);
            let mut reader = Reader::new(&out);
            assert_eq!(reader.varuint32("v"), Ok(value));
            assert_eq!(reader.finish(), Ok(()));
        }
    }

    #[test]
    fn bad_varuint32s_are_refused() {
        let read = |hex_text: &str| Reader::new(&bytes(hex_text)).varuint32("v");
        assert_eq!(
            read("8000"),
            Err(EosioError::NonCanonicalVarUint {
                field: "v",
                offset: 0,
                value: 0
            })
        );
        assert_eq!(
            read("ff8000").map_err(|e| e.kind()),
            Err("varuint-non-canonical")
        );
        // Above u32::MAX in five bytes, and a sixth byte.
        assert_eq!(
            read("ffffffff1f"),
            Err(EosioError::VarUint {
                field: "v",
                offset: 0
            })
        );
        assert_eq!(
            read("808080808001"),
            Err(EosioError::VarUint {
                field: "v",
                offset: 0
            })
        );
        assert_eq!(
            read("80"),
            Err(EosioError::Truncated {
                field: "v",
                offset: 1,
                needed: 1,
                available: 0
            })
        );
        assert_eq!(read("").map_err(|e| e.kind()), Err("truncated"));
    }

    // --- action data -------------------------------------------------------------------------

    #[test]
    fn the_transfer_vector_packs_and_unpacks() {
        assert_eq!(hex::encode(transfer().pack()), TRANSFER_DATA);
        assert_eq!(Transfer::unpack(&bytes(TRANSFER_DATA)), Ok(transfer()));
        let data = json!({
            "from": "useraaaaaaaa", "to": "useraaaaaaab", "quantity": "1.0000 EOS", "memo": "hello"
        });
        // The ABI applies to any contract's transfer (SW-X1's `contract`).
        for contract in ["eosio.token", "tethertether", "eosio"] {
            let packed = pack_action_data(name(contract), TRANSFER, &data).unwrap();
            assert_eq!(hex::encode(&packed), TRANSFER_DATA, "{contract}");
            let unpacked = unpack_action_data(name(contract), TRANSFER, &packed).unwrap();
            assert_eq!(
                unpacked.to_string(),
                r#"{"from":"useraaaaaaaa","to":"useraaaaaaab","quantity":"1.0000 EOS","memo":"hello"}"#
            );
        }
        // JSON key order does not matter on the way in.
        let shuffled = json!({
            "memo": "hello", "quantity": "1.0000 EOS", "to": "useraaaaaaab", "from": "useraaaaaaaa"
        });
        assert_eq!(
            hex::encode(pack_action_data(name("eosio.token"), TRANSFER, &shuffled).unwrap()),
            TRANSFER_DATA
        );
    }

    #[test]
    fn transfers_round_trip() {
        let long_memo = "k1=v1&k2=v2&ref=walletname ".repeat(20) + "兑换";
        for memo in ["", "k1=v1&k2=v2&ref=walletname", long_memo.as_str()] {
            let value = Transfer {
                memo: memo.to_owned(),
                quantity: asset("-0.5 ABCDEFG"),
                ..transfer()
            };
            assert_eq!(Transfer::unpack(&value.pack()), Ok(value.clone()));
        }
        // A memo of 200 bytes takes a two-byte length.
        let value = Transfer {
            memo: "m".repeat(200),
            ..transfer()
        };
        assert_eq!(&value.pack()[32..34], &[0xc8, 0x01]);
    }

    #[test]
    fn buyram_packs_and_unpacks() {
        let packed = buyram_data();
        assert_eq!(
            hex::encode(&packed),
            "608c31c6187315d6708c31c6187315d6a86100000000000004454f5300000000"
        );
        assert_eq!(
            unpack_action_data(EOSIO, BUYRAM, &packed)
                .unwrap()
                .to_string(),
            r#"{"payer":"useraaaaaaaa","receiver":"useraaaaaaab","quant":"2.5000 EOS"}"#
        );
    }

    #[test]
    fn actions_outside_the_abi_are_named() {
        let data =
            json!({"payer": "useraaaaaaaa", "receiver": "useraaaaaaab", "quant": "1.0000 EOS"});
        // buyram belongs to eosio only; sellram is not in the ABI at all.
        for (account, action) in [("eosio.token", "buyram"), ("eosio", "sellram")] {
            let expected = EosioError::UnknownAction {
                account: account.into(),
                action: action.into(),
            };
            assert_eq!(
                pack_action_data(name(account), name(action), &data),
                Err(expected.clone())
            );
            assert_eq!(
                unpack_action_data(name(account), name(action), &[]),
                Err(expected)
            );
        }
    }

    #[test]
    fn bad_action_json_is_named() {
        let pack = |data: Value| pack_action_data(name("eosio.token"), TRANSFER, &data);
        let action = || "eosio.token::transfer".to_owned();
        assert_eq!(
            pack(json!(["useraaaaaaaa"])),
            Err(EosioError::DataNotObject {
                action: action(),
                found: "an array"
            })
        );
        assert_eq!(
            pack(json!({"from": "useraaaaaaaa", "to": "useraaaaaaab", "quantity": "1.0000 EOS"})),
            Err(EosioError::MissingField {
                action: action(),
                field: "memo"
            })
        );
        assert_eq!(
            pack(json!({
                "from": "useraaaaaaaa", "to": "useraaaaaaab", "quantity": "1.0000 EOS",
                "memo": "", "amount": 1
            })),
            Err(EosioError::UnknownField {
                action: action(),
                field: "amount".into()
            })
        );
        assert_eq!(
            pack(json!({"from": "useraaaaaaaa", "to": 5, "quantity": "1.0000 EOS", "memo": ""})),
            Err(EosioError::FieldType {
                action: action(),
                field: "to",
                expected: "an EOSIO name",
                found: "a number"
            })
        );
        assert_eq!(
            pack(json!({"from": "useraaaaaaaa", "to": "b", "quantity": 1.0, "memo": ""}))
                .map_err(|e| e.kind()),
            Err("field-type")
        );
        assert_eq!(
            pack(json!({"from": "User", "to": "b", "quantity": "1.0000 EOS", "memo": ""})),
            Err(EosioError::FieldValue {
                action: action(),
                field: "from",
                source: Box::new(EosioError::NameChar {
                    name: "User".into(),
                    ch: 'U',
                    position: 0
                })
            })
        );
        let error =
            pack(json!({"from": "a", "to": "b", "quantity": "1 eos", "memo": ""})).unwrap_err();
        assert_eq!(error.kind(), "field-value");
        assert!(error.to_string().contains("`quantity`"), "{error}");
        assert_eq!(
            pack(json!({"from": "a", "to": "b", "quantity": "1.0 EOS", "memo": null}))
                .map_err(|e| e.kind()),
            Err("field-type")
        );
    }

    #[test]
    fn bad_action_bytes_are_named() {
        let data = bytes(TRANSFER_DATA);
        let unpack = |data: &[u8]| unpack_action_data(name("eosio.token"), TRANSFER, data);
        // Every truncation fails, naming the field it stopped in.
        for end in 0..data.len() {
            let error = unpack(&data[..end]).unwrap_err();
            assert_eq!(error.kind(), "field-value", "{end}");
            assert_eq!(
                Transfer::unpack(&data[..end]).map_err(|e| e.kind()),
                Err("field-value")
            );
        }
        let EosioError::FieldValue { field, source, .. } = unpack(&data[..12]).unwrap_err() else {
            panic!("a field error");
        };
        assert_eq!(field, "to");
        assert_eq!(source.kind(), "truncated");

        let mut trailing = data.clone();
        trailing.push(0);
        assert_eq!(
            unpack(&trailing),
            Err(EosioError::DataTrailing {
                action: "eosio.token::transfer".into(),
                offset: data.len(),
                count: 1
            })
        );
        assert_eq!(
            Transfer::unpack(&trailing).map_err(|e| e.kind()),
            Err("data-trailing")
        );

        // A memo length far beyond the input.
        let mut huge = data[..32].to_vec();
        huge.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
        let EosioError::FieldValue { field, source, .. } = unpack(&huge).unwrap_err() else {
            panic!("a field error");
        };
        assert_eq!(field, "memo");
        assert_eq!(
            *source,
            EosioError::Length {
                field: "memo",
                offset: 32,
                length: u64::from(u32::MAX),
                needed: u64::from(u32::MAX),
                available: 0
            }
        );

        // A memo that is not UTF-8.
        let mut latin1 = data[..32].to_vec();
        latin1.extend_from_slice(&[1, 0xe9]);
        let EosioError::FieldValue { source, .. } = unpack(&latin1).unwrap_err() else {
            panic!("a field error");
        };
        assert_eq!(
            *source,
            EosioError::Utf8 {
                field: "memo",
                offset: 32
            }
        );

        // A symbol with a lower-case code, and an amount past 2^62 - 1.
        let mut lower = data.clone();
        lower[25] = b'e';
        let EosioError::FieldValue { field, source, .. } = unpack(&lower).unwrap_err() else {
            panic!("a field error");
        };
        assert_eq!(field, "quantity");
        assert_eq!(
            *source,
            EosioError::SymbolBytes {
                field: "quantity",
                offset: 24,
                raw: 0x0000_0000_534f_6504
            }
        );
        let mut large = data.clone();
        large[16..24].copy_from_slice(&(MAX_ASSET_AMOUNT + 1).to_le_bytes());
        let EosioError::FieldValue { source, .. } = unpack(&large).unwrap_err() else {
            panic!("a field error");
        };
        assert_eq!(
            *source,
            EosioError::AssetAmount {
                field: "quantity",
                offset: 16,
                amount: MAX_ASSET_AMOUNT + 1
            }
        );
    }

    // --- transactions ------------------------------------------------------------------------

    #[test]
    fn the_sample_transaction_packs_to_its_known_bytes() {
        let tx = sample();
        assert_eq!(hex::encode(tx.pack()), SAMPLE_TX);
        assert_eq!(Transaction::unpack(&bytes(SAMPLE_TX)), Ok(tx.clone()));
        assert_eq!(tx.id_hex(), SAMPLE_ID);
        assert_eq!(hex::encode(tx.id()), SAMPLE_ID);
        assert_eq!(
            hex::encode(tx.signing_digest(&chain_id(MAINNET))),
            SAMPLE_MAINNET_DIGEST
        );
        // The digest covers the chain id.
        assert_ne!(
            tx.signing_digest(&[0; 32]),
            tx.signing_digest(&chain_id(MAINNET))
        );
    }

    #[test]
    fn a_mainnet_transaction_has_its_published_id() {
        let packed = mainnet_packed();
        let tx = Transaction::unpack(&packed).unwrap();
        assert_eq!(tx.pack(), packed);
        assert_eq!(tx.id_hex(), MAINNET_ID);
        assert_eq!(tx.expiration, 1_577_043_145);
        assert_eq!(
            (tx.ref_block_num, tx.ref_block_prefix),
            (13_504, 4_231_359_899)
        );
        assert_eq!(tx.actions.len(), 90);
        assert_eq!(
            Transfer::unpack(&tx.actions[0].data),
            Ok(Transfer {
                from: name("pfp3iincv21p"),
                to: name("eidosonecoin"),
                quantity: asset("0.0001 EOS"),
                memo: "999827126".into(),
            })
        );
        // As the block shows it (get_block's `trx.transaction`, the same shape).
        let shown = transaction_json(&tx);
        assert_eq!(shown["expiration"], "2019-12-22T19:32:25");
        assert_eq!(shown["ref_block_num"], 13_504);
        assert_eq!(shown["ref_block_prefix"], 4_231_359_899u32);
        assert_eq!(
            shown["actions"][0].to_string(),
            r#"{"account":"eosio.token","name":"transfer","authorization":[{"actor":"pfp3iincv21p","permission":"active"}],"data":{"from":"pfp3iincv21p","to":"eidosonecoin","quantity":"0.0001 EOS","memo":"999827126"},"hex_data":"5083d8683a37eaaa301d456a524c9353010000000000000004454f530000000009393939383237313236"}"#
        );
    }

    #[test]
    fn an_empty_transaction_round_trips() {
        let tx = Transaction::default();
        assert_eq!(hex::encode(tx.pack()), "00000000000000000000000000000000");
        assert_eq!(Transaction::unpack(&tx.pack()), Ok(tx));
    }

    #[test]
    fn every_truncation_of_a_transaction_is_refused() {
        let packed = bytes(SAMPLE_TX);
        for end in 0..packed.len() {
            let error = Transaction::unpack(&packed[..end]).unwrap_err();
            assert!(
                ["truncated", "length"].contains(&error.kind()),
                "{end}: {error}"
            );
        }
        assert_eq!(
            Transaction::unpack(&packed[..3]),
            Err(EosioError::Truncated {
                field: "expiration",
                offset: 0,
                needed: 4,
                available: 3
            })
        );
    }

    #[test]
    fn trailing_bytes_are_refused() {
        let mut packed = bytes(SAMPLE_TX);
        let end = packed.len();
        packed.extend_from_slice(&[0, 0]);
        assert_eq!(
            Transaction::unpack(&packed),
            Err(EosioError::Trailing {
                offset: end,
                count: 2
            })
        );
    }

    #[test]
    fn hostile_counts_allocate_nothing() {
        // The fixed header and both varuint32s zero: 13 bytes.
        let header = [0u8; 13];
        // An action count of u32::MAX with nothing behind it.
        let mut packed = header.to_vec();
        packed.extend_from_slice(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
        assert_eq!(
            Transaction::unpack(&packed),
            Err(EosioError::Length {
                field: "context_free_actions",
                offset: 13,
                length: u64::from(u32::MAX),
                needed: u64::from(u32::MAX) * MIN_ACTION_BYTES,
                available: 0
            })
        );
        // An authorization count of 2 with 31 bytes left, one short of two levels.
        let mut authorization = header.to_vec();
        authorization.extend_from_slice(&[0x00, 0x01]);
        authorization.extend_from_slice(&[0; 16]);
        authorization.push(0x02);
        authorization.extend_from_slice(&[0; 31]);
        assert_eq!(
            Transaction::unpack(&authorization),
            Err(EosioError::Length {
                field: "action authorization",
                offset: 31,
                length: 2,
                needed: 32,
                available: 31
            })
        );
        // An extension count of 2 with room for one.
        let mut extensions = header.to_vec();
        extensions.extend_from_slice(&[0x00, 0x00, 0x02, 0x01, 0x00, 0x00]);
        assert_eq!(
            Transaction::unpack(&extensions),
            Err(EosioError::Length {
                field: "transaction_extensions",
                offset: 15,
                length: 2,
                needed: 6,
                available: 3
            })
        );
        // Action data of 128 bytes with none left.
        let mut data = header.to_vec();
        data.extend_from_slice(&[0x00, 0x01]);
        data.extend_from_slice(&[0; 16]);
        data.extend_from_slice(&[0x00, 0x80, 0x01]);
        assert_eq!(
            Transaction::unpack(&data),
            Err(EosioError::Length {
                field: "action data",
                offset: 32,
                length: 128,
                needed: 128,
                available: 0
            })
        );
    }

    #[test]
    fn non_canonical_header_varuints_are_refused() {
        // max_net_usage_words written as 80 00 instead of 00.
        let packed = bytes("0000000000000000000080000000000000");
        assert_eq!(
            Transaction::unpack(&packed),
            Err(EosioError::NonCanonicalVarUint {
                field: "max_net_usage_words",
                offset: 10,
                value: 0
            })
        );
    }

    #[test]
    fn mutated_transactions_never_panic_and_repack_exactly() {
        let original = bytes(SAMPLE_TX);
        let mut rng = Xorshift(0x0123_4567_89ab_cdef);
        let mut parsed = 0;
        for _ in 0..20_000 {
            let mut mutated = original.clone();
            for _ in 0..=(rng.next() % 3) {
                let index = (rng.next() % mutated.len() as u64) as usize;
                mutated[index] = rng.next() as u8;
            }
            if rng.next() % 4 == 0 {
                let keep = (rng.next() % mutated.len() as u64) as usize;
                mutated.truncate(keep);
            }
            if let Ok(tx) = Transaction::unpack(&mutated) {
                parsed += 1;
                // Strict decoding: whatever parses is exactly what packs, so the id is the
                // hash of the bytes received.
                assert_eq!(tx.pack(), mutated);
                let _ = transaction_json(&tx);
            }
        }
        assert!(parsed > 0);
    }

    // --- JSON --------------------------------------------------------------------------------

    #[test]
    fn times_format_as_eosio_writes_them() {
        for (seconds, text) in [
            (0, "1970-01-01T00:00:00"),
            (951_782_400, "2000-02-29T00:00:00"),
            (1_530_131_634, "2018-06-27T20:33:54"),
            (1_583_020_799, "2020-02-29T23:59:59"),
            (4_102_444_800, "2100-01-01T00:00:00"),
            (u32::MAX, "2106-02-07T06:28:15"),
        ] {
            assert_eq!(format_time_point_sec(seconds), text, "{seconds}");
        }
    }

    #[test]
    fn days_count_through_every_month_of_a_leap_cycle() {
        // Walk day by day across 1970..2106 and check the calendar's own rules.
        let mut expected = (1970u32, 1u32, 1u32);
        for days in 0..49_710u32 {
            assert_eq!(civil_from_days(days), expected, "{days}");
            let (year, month, day) = expected;
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let length = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            expected = if day < length {
                (year, month, day + 1)
            } else if month < 12 {
                (year, month + 1, 1)
            } else {
                (year + 1, 1, 1)
            };
        }
    }

    #[test]
    fn the_sample_transaction_json_is_the_nodes() {
        let shown = transaction_json(&sample());
        let expected = json!({
            "expiration": "2018-06-27T20:33:54",
            "ref_block_num": 41394,
            "ref_block_prefix": 16909060,
            "max_net_usage_words": 300,
            "max_cpu_usage_ms": 7,
            "delay_sec": 129,
            "context_free_actions": [{
                "account": "eosio.null",
                "name": "nonce",
                "authorization": [],
                "data": "0102",
                "hex_data": "0102"
            }],
            "actions": [
                {
                    "account": "eosio.token",
                    "name": "transfer",
                    "authorization": [{"actor": "useraaaaaaaa", "permission": "active"}],
                    "data": {
                        "from": "useraaaaaaaa",
                        "to": "useraaaaaaab",
                        "quantity": "1.0000 EOS",
                        "memo": "hello"
                    },
                    "hex_data": TRANSFER_DATA
                },
                {
                    "account": "eosio",
                    "name": "buyram",
                    "authorization": [
                        {"actor": "useraaaaaaaa", "permission": "active"},
                        {"actor": "useraaaaaaab", "permission": "owner"}
                    ],
                    "data": {
                        "payer": "useraaaaaaaa",
                        "receiver": "useraaaaaaab",
                        "quant": "2.5000 EOS"
                    },
                    "hex_data": "608c31c6187315d6708c31c6187315d6a86100000000000004454f5300000000"
                }
            ],
            "transaction_extensions": [[1, "abcd"]]
        });
        // Compared as text, so the field order is held too.
        assert_eq!(shown.to_string(), expected.to_string());
    }

    #[test]
    fn unreadable_data_of_a_known_action_is_shown_as_hex() {
        let mut tx = Transaction::default();
        tx.actions.push(Action {
            account: name("eosio.token"),
            name: TRANSFER,
            authorization: vec![active("useraaaaaaaa")],
            data: vec![0xde, 0xad],
        });
        let shown = transaction_json(&tx);
        assert_eq!(shown["actions"][0]["data"], "dead");
        assert_eq!(shown["actions"][0]["hex_data"], "dead");
        assert_eq!(shown["context_free_actions"], json!([]));
        assert_eq!(shown["transaction_extensions"], json!([]));
    }

    #[test]
    fn every_error_is_reachable_with_its_own_kind() {
        let errors = [
            EosioError::NameEmpty,
            "abcdefghijklmn".parse::<Name>().unwrap_err(),
            "A".parse::<Name>().unwrap_err(),
            "aaaaaaaaaaaaz".parse::<Name>().unwrap_err(),
            "a.".parse::<Name>().unwrap_err(),
            Symbol::new(4, "x").unwrap_err(),
            Symbol::new(40, "X").unwrap_err(),
            "1".parse::<Asset>().unwrap_err(),
            "4611686018427387904 X".parse::<Asset>().unwrap_err(),
            Asset::from_amount("x", 4, "EOS").unwrap_err(),
            Asset::from_amount("1e1", 4, "EOS").unwrap_err(),
            Asset::from_amount("-1", 4, "EOS").unwrap_err(),
            Asset::from_amount("0.5", 0, "EOS").unwrap_err(),
            Asset::from_amount("4611686018427387904", 0, "EOS").unwrap_err(),
            Transaction::unpack(&[]).unwrap_err(),
            Transaction::unpack(&bytes("0000000000000000000000000000ff01")).unwrap_err(),
            Transaction::unpack(&bytes("00000000000000000000ffffffffff")).unwrap_err(),
            Transaction::unpack(&bytes("00000000000000000000800000")).unwrap_err(),
            Reader::new(&[1, 0xff]).string("s").unwrap_err(),
            Reader::new(&[0; 16]).asset("a").unwrap_err(),
            Reader::new(&bytes("ffffffffffffff7f04454f5300000000"))
                .asset("a")
                .unwrap_err(),
            Transaction::unpack(&[0; 17]).unwrap_err(),
            pack_action_data(EOSIO, name("sellram"), &json!({})).unwrap_err(),
            pack_action_data(EOSIO, BUYRAM, &json!(null)).unwrap_err(),
            pack_action_data(EOSIO, BUYRAM, &json!({})).unwrap_err(),
            pack_action_data(EOSIO, BUYRAM, &json!({"x": 1})).unwrap_err(),
            pack_action_data(
                EOSIO,
                BUYRAM,
                &json!({"payer": 1, "receiver": "a", "quant": "1 A"}),
            )
            .unwrap_err(),
            pack_action_data(
                EOSIO,
                BUYRAM,
                &json!({"payer": "", "receiver": "a", "quant": "1 A"}),
            )
            .unwrap_err(),
            unpack_action_data(EOSIO, BUYRAM, &[buyram_data(), vec![0]].concat()).unwrap_err(),
        ];
        let mut kinds: Vec<&str> = errors.iter().map(EosioError::kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        // One input reaches each of the enum's 29 variants.
        assert_eq!((kinds.len(), errors.len()), (29, 29), "{kinds:?}");
        for error in &errors {
            assert!(!error.to_string().is_empty());
        }
    }
}
