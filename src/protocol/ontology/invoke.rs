//! The `invokeConfig` codec (profile `ONT-I2`…`ONT-I4`, `ONT-I6`): typed argument values,
//! placeholder substitution, the NeoVM script a wallet builds from a config, and a semantic
//! decoder that reads such a script back.
//!
//! Everything here is pure: no IO, no clock, no randomness.
//!
//! # Typed values (`ONT-I3`)
//!
//! [`parse_arg`] reads one `value` into an [`ArgValue`]: JSON booleans; JSON integers;
//! `String:<utf8>`; `ByteArray:<hex>`; `Long:<decimal>`; `Address:<base58>`; arrays; and
//! objects (maps with string keys, insertion order kept). Both integer forms hold the full
//! signed 64-bit range and nothing beyond: a value that does not fit is an error, never
//! truncated (Java's `BigInteger.longValue()` silently wraps; a conformance checker must not).
//! Byte values remember their origin (`String`, `ByteArray`, `Address`) and integers whether
//! they were written as `Long:`, so [`ArgValue::to_notation`] gives the notation back (hex in
//! lower case, decimals without leading zeros). Every refusal is an [`InvokeError`] naming
//! the JSON path of the offending value, for example `functions[0].args[1].value[3]`.
//!
//! [`parse_config`] reads the whole config into an [`InvokeCall`]. Only `functions[0]` is
//! used, as every reference wallet does (they build one transaction per function and send
//! `transactions[0]`); later functions are not even parsed.
//!
//! # Placeholders (`ONT-I4`)
//!
//! [`substitute_placeholders`] replaces `%address` and `%ontid` inside every JSON string
//! *value* of the config, before anything else reads it. Object keys are left alone: no
//! field name or map key of the protocol is a placeholder site, and replacing inside decoded
//! strings (rather than in the JSON text, as the Android wallet does) cannot break the JSON.
//!
//! # Script construction (`ONT-I6`)
//!
//! [`build_script`] emits the Java SDK's bytes, as cyano-android (the reference provider)
//! does; [`build_script_as`] can also emit the TS SDK's `ledgerCompatible` integer form
//! (cyano-ios). The two differ only in how integers are pushed:
//!
//! | integer | [`IntEncoding::Java`] | [`IntEncoding::TsLedger`] |
//! |---|---|---|
//! | 0 | `00` | `00` |
//! | -1 | `01 ff` | `4f` (PUSHM1) |
//! | 1..=15 | minimal LE two's complement as bytes (`01 01`) | `51`..`5f` (PUSH1..PUSH15) |
//! | other | minimal LE two's complement as bytes (`01 64`) | 8-byte LE two's complement (`08 6400000000000000`) |
//! | `PACK` count | 1..=16 as `51`..`60`, else as bytes | as the integer column |
//!
//! (TS pads a negative number's hex with zeros, which changes its value; this module
//! sign-extends instead, so the TS form of a negative integer other than -1 is what TS
//! means, not what it emits.)
//!
//! Common to both: byte values (and the operation name) are pushed with PUSHBYTES1..75 or
//! PUSHDATA1/2/4 (an empty value is `00`); `true` is `51` and `false` is `00`; an array
//! pushes its items in reverse, then its length, then `PACK` (`c1`); a map is `NEWMAP`
//! `TOALTSTACK`, then per entry `DUPFROMALTSTACK` push(key utf8) push(value) `SETITEM`, then
//! `FROMALTSTACK`, where an integer value is followed by `PUSH0 ADD` and a boolean by `PUSH0
//! BOOLOR` so the contract sees a number and a boolean rather than bytes.
//!
//! A NeoVM contract call is: the arguments as an array (reverse order, count, `PACK`),
//! push(operation), `APPCALL` (`67`) and the 20-byte contract in serialization order.
//!
//! A native contract (display hex `XX00…00`: ONT `01…`, ONG `02…`, ONT ID `03…`, and the
//! other system contracts) is called through `SYSCALL Ontology.Native.Invoke`: the argument
//! item, push(method), push(contract), `PUSH0` (version), `SYSCALL` (`68`) and the name as a
//! length-prefixed string. The argument item is:
//! - ONT/ONG `transfer` with `[from, to, amount]` (two 20-byte values and an integer): a
//!   one-element array holding `Struct(from, to, amount)`, the verified layout
//!   `00c66b 14<from> 6a7cc8 14<to> 6a7cc8 <amount> 6a7cc8 6c 51c1`;
//! - ONT ID `getDDO` with one argument: that argument pushed as it is;
//! - anything else: `Struct(args)` built the same way (`PUSH0 NEWSTRUCT TOALTSTACK`, per item
//!   push `DUPFROMALTSTACK SWAP APPEND`, `FROMALTSTACK`), without the array around it: only
//!   `transfer` takes a list of states.
//!
//! # Decoding
//!
//! [`decode_script`] runs the script on a small NeoVM stack model that knows only the opcodes
//! above (every other opcode is refused), so it reads the Java and the TS forms alike, and
//! both the `APPCALL` and the native `SYSCALL` endings. Every read is bounds-checked and the
//! work is bounded by the script length; no input panics. Bytes lose their origin on the
//! stack, so decoded bytes are rendered canonically as `ByteArray:<hex>`; see
//! [`DecodedCall::to_notation`]. Native calls are unwrapped to the argument list the builder
//! started from: `[Struct(a, b, c)]` for `transfer` and `Struct(args)` become the items.
//!
//! [`matches()`] compares a parsed call with a decoded one semantically; the call's declared
//! type picks the interpretation of each stack item, because the stack cannot tell `01 64`
//! (bytes) from 100:
//! - `String:`, `ByteArray:`, `Address:` equal a pushed byte string with the same bytes;
//! - an integer (JSON or `Long:`) equals an item whose integer value is the same: an opcode
//!   push (`PUSHM1`, `PUSH1`..`PUSH16`), a `PUSH0 ADD` result, or pushed bytes of at most 8
//!   read as little-endian two's complement (so `01 64` and `08 6400000000000000` are both
//!   100, and the empty push is 0);
//! - a boolean equals an item whose integer value is 1 (`true`) or 0 (`false`), or a `BOOLOR`
//!   result: NeoVM's `PUSHT` is `PUSH1`, and `PUSHF` the empty push;
//! - arrays compare item by item; maps compare as sets of entries, since the Java SDK pushes a
//!   `HashMap` in no fixed order.

use serde_json::{Map, Value};

use super::crypto::Address;

/// Why a config, a typed value or a script was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvokeError {
    #[error("{path}: `{text}` has no known type prefix (String:, ByteArray:, Long:, Address:)")]
    Prefix { path: String, text: String },
    #[error("{path}: ByteArray value is not hex: {reason}")]
    Hex { path: String, reason: String },
    #[error("{path}: Address value is not a base58 address: {reason}")]
    Address { path: String, reason: String },
    #[error("{path}: Long value `{text}` is not a decimal integer")]
    Decimal { path: String, text: String },
    #[error("{path}: integer `{text}` does not fit a signed 64-bit integer")]
    Range { path: String, text: String },
    #[error("{path}: `{text}` is not an integer; typed values have no fractions or exponents")]
    Float { path: String, text: String },
    #[error("{path}: null is not a typed value")]
    Null { path: String },
    #[error("{path}: {reason}")]
    Config { path: String, reason: String },
    #[error("script ends at offset {offset}: {reason}")]
    Truncated { offset: usize, reason: String },
    #[error("script opcode 0x{opcode:02x} at offset {offset} has no place in an invoke script")]
    Opcode { offset: usize, opcode: u8 },
    #[error("script at offset {offset}: {reason}")]
    Shape { offset: usize, reason: String },
}

impl InvokeError {
    /// A short stable name, used by vectors to say which rejection they expect.
    pub fn kind(&self) -> &'static str {
        match self {
            InvokeError::Prefix { .. } => "prefix",
            InvokeError::Hex { .. } => "hex",
            InvokeError::Address { .. } => "address",
            InvokeError::Decimal { .. } => "decimal",
            InvokeError::Range { .. } => "range",
            InvokeError::Float { .. } => "float",
            InvokeError::Null { .. } => "null",
            InvokeError::Config { .. } => "config",
            InvokeError::Truncated { .. } => "truncated",
            InvokeError::Opcode { .. } => "opcode",
            InvokeError::Shape { .. } => "shape",
        }
    }

    /// The JSON path a parse error names; `None` for script errors.
    pub fn path(&self) -> Option<&str> {
        match self {
            InvokeError::Prefix { path, .. }
            | InvokeError::Hex { path, .. }
            | InvokeError::Address { path, .. }
            | InvokeError::Decimal { path, .. }
            | InvokeError::Range { path, .. }
            | InvokeError::Float { path, .. }
            | InvokeError::Null { path }
            | InvokeError::Config { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// Where a byte value came from, so its notation can be given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BytesOrigin {
    /// `String:<utf8>`.
    String,
    /// `ByteArray:<hex>`.
    ByteArray,
    /// `Address:<base58>`: the 20-byte program hash.
    Address,
}

/// One typed argument value (`ONT-I3`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    Bool(bool),
    /// An integer; `long` is true when it was written `Long:<decimal>`.
    Integer {
        value: i64,
        long: bool,
    },
    /// A byte string and the notation it was written in.
    Bytes {
        origin: BytesOrigin,
        bytes: Vec<u8>,
    },
    Array(Vec<ArgValue>),
    /// String keys in the order the config gave them.
    Map(Vec<(String, ArgValue)>),
}

impl ArgValue {
    /// The typed-value notation of this value (the inverse of [`parse_arg`], up to hex case
    /// and leading zeros).
    pub fn to_notation(&self) -> Value {
        match self {
            ArgValue::Bool(b) => Value::Bool(*b),
            ArgValue::Integer { value, long: false } => Value::from(*value),
            ArgValue::Integer { value, long: true } => Value::String(format!("Long:{value}")),
            ArgValue::Bytes { origin, bytes } => Value::String(match origin {
                // Built from a `&str`, so always UTF-8; lossy only for hand-made values.
                BytesOrigin::String => format!("String:{}", String::from_utf8_lossy(bytes)),
                BytesOrigin::ByteArray => format!("ByteArray:{}", hex::encode(bytes)),
                BytesOrigin::Address => match <[u8; 20]>::try_from(bytes.as_slice()) {
                    Ok(hash) => format!("Address:{}", Address(hash).to_base58()),
                    Err(_) => format!("ByteArray:{}", hex::encode(bytes)),
                },
            }),
            ArgValue::Array(items) => Value::Array(items.iter().map(|i| i.to_notation()).collect()),
            ArgValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_notation()))
                    .collect(),
            ),
        }
    }
}

/// The call a config describes: `functions[0]` of `invokeConfig` (`ONT-I2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeCall {
    /// `contractHash`, read from display order.
    pub contract: Address,
    /// `functions[0].operation`.
    pub method: String,
    /// `functions[0].args[*].value`; the names are informational and dropped.
    pub args: Vec<ArgValue>,
    /// `payer`; `None` when absent, null or empty (the wallet then pays, `ONT-I5`).
    pub payer: Option<Address>,
    pub gas_limit: u64,
    pub gas_price: u64,
}

/// Reads one typed value; `path` names it in errors.
pub fn parse_arg(value: &Value, path: &str) -> Result<ArgValue, InvokeError> {
    match value {
        Value::Bool(b) => Ok(ArgValue::Bool(*b)),
        Value::Number(n) => {
            if let Some(v) = n.as_i64() {
                Ok(ArgValue::Integer {
                    value: v,
                    long: false,
                })
            } else if n.is_u64() {
                Err(InvokeError::Range {
                    path: path.to_string(),
                    text: n.to_string(),
                })
            } else {
                Err(InvokeError::Float {
                    path: path.to_string(),
                    text: n.to_string(),
                })
            }
        }
        Value::Null => Err(InvokeError::Null {
            path: path.to_string(),
        }),
        Value::String(text) => parse_typed_string(text, path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_arg(item, &format!("{path}[{i}]")))
            .collect::<Result<_, _>>()
            .map(ArgValue::Array),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| Ok((k.clone(), parse_arg(v, &format!("{path}.{k}"))?)))
            .collect::<Result<_, _>>()
            .map(ArgValue::Map),
    }
}

fn parse_typed_string(text: &str, path: &str) -> Result<ArgValue, InvokeError> {
    let unknown = || InvokeError::Prefix {
        path: path.to_string(),
        text: text.to_string(),
    };
    // The prefix is everything before the first colon, compared exactly: `string:` and
    // `Int:` are as unknown as a plain string.
    let (prefix, body) = text.split_once(':').ok_or_else(unknown)?;
    let bytes = |origin, bytes| Ok(ArgValue::Bytes { origin, bytes });
    match prefix {
        "String" => bytes(BytesOrigin::String, body.as_bytes().to_vec()),
        "ByteArray" => match hex::decode(body) {
            Ok(raw) => bytes(BytesOrigin::ByteArray, raw),
            Err(e) => Err(InvokeError::Hex {
                path: path.to_string(),
                reason: e.to_string(),
            }),
        },
        "Address" => match Address::from_base58(body) {
            Ok(address) => bytes(BytesOrigin::Address, address.0.to_vec()),
            Err(e) => Err(InvokeError::Address {
                path: path.to_string(),
                reason: e.to_string(),
            }),
        },
        "Long" => parse_long(body, path).map(|value| ArgValue::Integer { value, long: true }),
        _ => Err(unknown()),
    }
}

/// `-?[0-9]+`, within i64. No `+`, no spaces, no exponent: what a decimal means must not
/// depend on how lenient a parser is.
fn parse_long(body: &str, path: &str) -> Result<i64, InvokeError> {
    let digits = body.strip_prefix('-').unwrap_or(body);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvokeError::Decimal {
            path: path.to_string(),
            text: body.to_string(),
        });
    }
    // Only overflow is left once the syntax is checked.
    body.parse::<i64>().map_err(|_| InvokeError::Range {
        path: path.to_string(),
        text: body.to_string(),
    })
}

/// Reads an `invokeConfig` into the call its first function describes.
pub fn parse_config(config: &Value) -> Result<InvokeCall, InvokeError> {
    let config_error = |path: &str, reason: &str| InvokeError::Config {
        path: path.to_string(),
        reason: reason.to_string(),
    };
    let obj = config
        .as_object()
        .ok_or_else(|| config_error("invokeConfig", "not an object"))?;
    let contract_text = obj
        .get("contractHash")
        .and_then(Value::as_str)
        .ok_or_else(|| config_error("contractHash", "missing or not a string"))?;
    let contract = Address::from_display_hex(contract_text)
        .map_err(|_| config_error("contractHash", "not 40 hex characters"))?;
    let function = obj
        .get("functions")
        .and_then(Value::as_array)
        .and_then(|f| f.first())
        .and_then(Value::as_object)
        .ok_or_else(|| {
            config_error(
                "functions",
                "missing, empty, or its first entry is not an object",
            )
        })?;
    let method = function
        .get("operation")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| config_error("functions[0].operation", "missing, empty or not a string"))?
        .to_string();
    let raw_args = function
        .get("args")
        .and_then(Value::as_array)
        .ok_or_else(|| config_error("functions[0].args", "missing or not an array"))?;
    let args = raw_args
        .iter()
        .enumerate()
        .map(|(i, arg)| {
            let value = arg
                .as_object()
                .and_then(|a| a.get("value"))
                .ok_or_else(|| {
                    config_error(
                        &format!("functions[0].args[{i}]"),
                        "not an object with a `value`",
                    )
                })?;
            parse_arg(value, &format!("functions[0].args[{i}].value"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let payer = match obj.get("payer") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => {
            Some(Address::from_base58(s).map_err(|e| InvokeError::Address {
                path: "payer".into(),
                reason: e.to_string(),
            })?)
        }
        Some(_) => return Err(config_error("payer", "not a string")),
    };
    let gas = |key: &str| {
        obj.get(key)
            .and_then(Value::as_u64)
            .ok_or_else(|| config_error(key, "missing or not a non-negative integer"))
    };
    Ok(InvokeCall {
        contract,
        method,
        args,
        payer,
        gas_limit: gas("gasLimit")?,
        gas_price: gas("gasPrice")?,
    })
}

/// Replaces `%address` and `%ontid` in every string value of `config` (keys untouched).
pub fn substitute_placeholders(config: &Value, address: &str, ontid: &str) -> Value {
    match config {
        Value::String(s) => Value::String(s.replace("%address", address).replace("%ontid", ontid)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| substitute_placeholders(i, address, ontid))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), substitute_placeholders(v, address, ontid)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// script construction
// ---------------------------------------------------------------------------------------

const PUSH0: u8 = 0x00;
const PUSHBYTES75: u8 = 0x4b;
const PUSHDATA1: u8 = 0x4c;
const PUSHDATA2: u8 = 0x4d;
const PUSHDATA4: u8 = 0x4e;
const PUSHM1: u8 = 0x4f;
const PUSH1: u8 = 0x51;
const PUSH16: u8 = 0x60;
const APPCALL: u8 = 0x67;
const SYSCALL: u8 = 0x68;
const DUPFROMALTSTACK: u8 = 0x6a;
const TOALTSTACK: u8 = 0x6b;
const FROMALTSTACK: u8 = 0x6c;
const SWAP: u8 = 0x7c;
const ADD: u8 = 0x93;
const BOOLOR: u8 = 0x9b;
const PACK: u8 = 0xc1;
const SETITEM: u8 = 0xc4;
const NEWSTRUCT: u8 = 0xc6;
const NEWMAP: u8 = 0xc7;
const APPEND: u8 = 0xc8;

/// The syscall a native contract call ends with.
pub const NATIVE_INVOKE: &str = "Ontology.Native.Invoke";

/// How integers are pushed; see the module documentation's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntEncoding {
    /// The Java SDK (cyano-android): minimal little-endian bytes.
    Java,
    /// The TS SDK with `ledgerCompatible` (cyano-ios): opcodes for -1 and 1..=15, else
    /// 8-byte little-endian.
    TsLedger,
}

/// A native contract: display hex `XX` followed by 38 zeros (serialization order: 19 zero
/// bytes, then a non-zero one).
pub fn is_native(contract: &Address) -> bool {
    contract.0[..19].iter().all(|b| *b == 0) && contract.0[19] != 0
}

const ONT_CONTRACT: u8 = 1;
const ONG_CONTRACT: u8 = 2;
const ONTID_CONTRACT: u8 = 3;

/// The Java SDK's script for `call` (`build_script_as(call, IntEncoding::Java)`).
///
/// # Panics
///
/// Only for a hand-built byte value longer than 4 GiB, which no push opcode can carry.
pub fn build_script(call: &InvokeCall) -> Vec<u8> {
    build_script_as(call, IntEncoding::Java)
}

/// The script for `call` with the given integer encoding.
///
/// # Panics
///
/// As [`build_script`].
pub fn build_script_as(call: &InvokeCall, ints: IntEncoding) -> Vec<u8> {
    let mut e = Emitter {
        out: Vec::new(),
        ints,
    };
    if is_native(&call.contract) {
        e.native_args(call);
        e.push_bytes(call.method.as_bytes());
        e.push_bytes(&call.contract.0);
        e.out.push(PUSH0);
        e.out.push(SYSCALL);
        // SYSCALL takes its name as a length-prefixed string (22 < 0xfd: one length byte).
        e.out.push(NATIVE_INVOKE.len() as u8);
        e.out.extend_from_slice(NATIVE_INVOKE.as_bytes());
    } else {
        e.array(&call.args);
        e.push_bytes(call.method.as_bytes());
        e.out.push(APPCALL);
        e.out.extend_from_slice(&call.contract.0);
    }
    e.out
}

struct Emitter {
    out: Vec<u8>,
    ints: IntEncoding,
}

impl Emitter {
    fn push_bytes(&mut self, data: &[u8]) {
        let len = data.len();
        if len <= PUSHBYTES75 as usize {
            self.out.push(len as u8);
        } else if len <= 0xff {
            self.out.extend_from_slice(&[PUSHDATA1, len as u8]);
        } else if len <= 0xffff {
            self.out.push(PUSHDATA2);
            self.out.extend_from_slice(&(len as u16).to_le_bytes());
        } else {
            let len = u32::try_from(len).expect("no push opcode carries more than 4 GiB");
            self.out.push(PUSHDATA4);
            self.out.extend_from_slice(&len.to_le_bytes());
        }
        self.out.extend_from_slice(data);
    }

    fn integer(&mut self, value: i64) {
        match (self.ints, value) {
            (_, 0) => self.out.push(PUSH0),
            (IntEncoding::Java, v) => self.push_bytes(&minimal_le(v)),
            (IntEncoding::TsLedger, -1) => self.out.push(PUSHM1),
            (IntEncoding::TsLedger, 1..=15) => self.out.push(PUSH1 - 1 + value as u8),
            (IntEncoding::TsLedger, v) => self.push_bytes(&v.to_le_bytes()),
        }
    }

    /// A `PACK` count: Java's `emitPushInteger` uses PUSH1..PUSH16; TS's `pushInt` is its
    /// ordinary integer rule.
    fn count(&mut self, n: usize) {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        match (self.ints, n) {
            (IntEncoding::Java, 1..=16) => self.out.push(PUSH1 - 1 + n as u8),
            _ => self.integer(n),
        }
    }

    fn value(&mut self, value: &ArgValue) {
        match value {
            ArgValue::Bool(true) => self.out.push(PUSH1),
            ArgValue::Bool(false) => self.out.push(PUSH0),
            ArgValue::Integer { value, .. } => self.integer(*value),
            ArgValue::Bytes { bytes, .. } => self.push_bytes(bytes),
            ArgValue::Array(items) => self.array(items),
            ArgValue::Map(entries) => {
                self.out.extend_from_slice(&[NEWMAP, TOALTSTACK]);
                for (key, value) in entries {
                    self.out.push(DUPFROMALTSTACK);
                    self.push_bytes(key.as_bytes());
                    self.value(value);
                    // Turn pushed bytes into a number or a boolean, as both SDKs do.
                    match value {
                        ArgValue::Integer { .. } => self.out.extend_from_slice(&[PUSH0, ADD]),
                        ArgValue::Bool(_) => self.out.extend_from_slice(&[PUSH0, BOOLOR]),
                        _ => {}
                    }
                    self.out.push(SETITEM);
                }
                self.out.push(FROMALTSTACK);
            }
        }
    }

    fn array(&mut self, items: &[ArgValue]) {
        for item in items.iter().rev() {
            self.value(item);
        }
        self.count(items.len());
        self.out.push(PACK);
    }

    fn structure(&mut self, items: &[ArgValue]) {
        self.out.extend_from_slice(&[PUSH0, NEWSTRUCT, TOALTSTACK]);
        for item in items {
            self.value(item);
            self.out.extend_from_slice(&[DUPFROMALTSTACK, SWAP, APPEND]);
        }
        self.out.push(FROMALTSTACK);
    }

    fn native_args(&mut self, call: &InvokeCall) {
        let id = call.contract.0[19];
        let is_transfer = (id == ONT_CONTRACT || id == ONG_CONTRACT)
            && call.method == "transfer"
            && matches!(
                call.args.as_slice(),
                [ArgValue::Bytes { bytes: from, .. }, ArgValue::Bytes { bytes: to, .. }, ArgValue::Integer { .. }]
                    if from.len() == 20 && to.len() == 20
            );
        if is_transfer {
            // `transfer` takes a list of states: one state, in a one-element array.
            self.structure(&call.args);
            self.count(1);
            self.out.push(PACK);
        } else if id == ONTID_CONTRACT && call.method == "getDDO" && call.args.len() == 1 {
            self.value(&call.args[0]);
        } else {
            self.structure(&call.args);
        }
    }
}

/// Minimal little-endian two's complement (Java's `BigInteger.toByteArray`, reversed).
pub fn minimal_le(value: i64) -> Vec<u8> {
    let mut bytes = value.to_le_bytes().to_vec();
    while bytes.len() > 1 {
        let last = bytes[bytes.len() - 1];
        let sign_of_next = bytes[bytes.len() - 2] & 0x80;
        if (last == 0x00 && sign_of_next == 0) || (last == 0xff && sign_of_next != 0) {
            bytes.pop();
        } else {
            break;
        }
    }
    bytes
}

// ---------------------------------------------------------------------------------------
// decoding
// ---------------------------------------------------------------------------------------

/// Which ending a script has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallForm {
    /// `APPCALL` + contract.
    NeoVm,
    /// `SYSCALL Ontology.Native.Invoke`.
    Native,
}

/// A stack item the script leaves as an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodedArg {
    /// A pushed byte string (including the empty push `00`).
    Bytes(Vec<u8>),
    /// An opcode-pushed number (`PUSHM1`, `PUSH1`..`PUSH16`) or an `ADD` result.
    Integer(i64),
    /// A `BOOLOR` result.
    Bool(bool),
    Array(Vec<DecodedArg>),
    Struct(Vec<DecodedArg>),
    /// Keys are the pushed bytes; entries in `SETITEM` order.
    Map(Vec<(Vec<u8>, DecodedArg)>),
}

impl DecodedArg {
    /// The integer the item stands for: numbers as they are, booleans as 0/1, byte strings
    /// of at most 8 bytes as little-endian two's complement. `None` otherwise.
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            DecodedArg::Integer(v) => Some(*v),
            DecodedArg::Bool(b) => Some(i64::from(*b)),
            DecodedArg::Bytes(bytes) => le_integer(bytes),
            _ => None,
        }
    }

    /// Canonical rendering: bytes as `ByteArray:<hex>`, numbers and booleans as JSON, arrays
    /// as arrays, a struct as `{"Struct": [...]}`, a map as an object keyed by the key's
    /// UTF-8 text (or `ByteArray:<hex>` when it is not UTF-8).
    pub fn to_notation(&self) -> Value {
        match self {
            DecodedArg::Bytes(b) => Value::String(format!("ByteArray:{}", hex::encode(b))),
            DecodedArg::Integer(v) => Value::from(*v),
            DecodedArg::Bool(b) => Value::Bool(*b),
            DecodedArg::Array(items) => {
                Value::Array(items.iter().map(|i| i.to_notation()).collect())
            }
            DecodedArg::Struct(items) => {
                let mut map = Map::new();
                map.insert(
                    "Struct".into(),
                    Value::Array(items.iter().map(|i| i.to_notation()).collect()),
                );
                Value::Object(map)
            }
            DecodedArg::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| {
                        let key = match std::str::from_utf8(k) {
                            Ok(text) => text.to_string(),
                            Err(_) => format!("ByteArray:{}", hex::encode(k)),
                        };
                        (key, v.to_notation())
                    })
                    .collect(),
            ),
        }
    }
}

fn le_integer(bytes: &[u8]) -> Option<i64> {
    if bytes.len() > 8 {
        return None;
    }
    let fill = match bytes.last() {
        Some(last) if last & 0x80 != 0 => 0xff,
        _ => 0x00,
    };
    let mut full = [fill; 8];
    full[..bytes.len()].copy_from_slice(bytes);
    Some(i64::from_le_bytes(full))
}

/// What a script calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedCall {
    pub form: CallForm,
    pub contract: Address,
    pub method: String,
    pub args: Vec<DecodedArg>,
}

impl DecodedCall {
    /// `{"form": "neovm"|"native", "contractHash": <display hex>, "operation", "args"}`.
    pub fn to_notation(&self) -> Value {
        serde_json::json!({
            "form": match self.form {
                CallForm::NeoVm => "neovm",
                CallForm::Native => "native",
            },
            "contractHash": self.contract.to_display_hex(),
            "operation": self.method,
            "args": self.args.iter().map(|a| a.to_notation()).collect::<Vec<_>>(),
        })
    }
}

/// Whether `decoded` performs `call`; see the module documentation for the rules.
pub fn matches(call: &InvokeCall, decoded: &DecodedCall) -> bool {
    call.contract == decoded.contract
        && call.method == decoded.method
        && call.args.len() == decoded.args.len()
        && call
            .args
            .iter()
            .zip(&decoded.args)
            .all(|(want, got)| arg_matches(want, got))
}

/// Whether one stack item is the typed value `want`.
pub fn arg_matches(want: &ArgValue, got: &DecodedArg) -> bool {
    match want {
        ArgValue::Bytes { bytes, .. } => matches!(got, DecodedArg::Bytes(b) if b == bytes),
        ArgValue::Integer { value, .. } => got.as_integer() == Some(*value),
        ArgValue::Bool(b) => got.as_integer() == Some(i64::from(*b)),
        ArgValue::Array(items) => match got {
            DecodedArg::Array(got_items) => {
                items.len() == got_items.len()
                    && items.iter().zip(got_items).all(|(w, g)| arg_matches(w, g))
            }
            _ => false,
        },
        ArgValue::Map(entries) => match got {
            DecodedArg::Map(got_entries) => {
                entries.len() == got_entries.len()
                    && entries.iter().all(|(key, value)| {
                        got_entries
                            .iter()
                            .find(|(k, _)| k == key.as_bytes())
                            .is_some_and(|(_, v)| arg_matches(value, v))
                    })
            }
            _ => false,
        },
    }
}

/// Stack items by index into an arena, so `DUPFROMALTSTACK` shares the collection it copies
/// (NeoVM collections are references: appending to the copy appends to the original).
#[derive(Debug, Clone)]
enum Node {
    Bytes(Vec<u8>),
    Integer(i64),
    Bool(bool),
    Array(Vec<usize>),
    Struct(Vec<usize>),
    Map(Vec<(Vec<u8>, usize)>),
}

/// Caps on nesting and on the items a decoded call may expand to; shared collections could
/// otherwise expand exponentially or, appended to themselves, forever.
const MAX_DEPTH: usize = 32;
const MAX_ITEMS: usize = 4096;

struct Machine<'a> {
    code: &'a [u8],
    pos: usize,
    nodes: Vec<Node>,
    stack: Vec<usize>,
    alt: Vec<usize>,
}

/// Reads a script back into the call it performs; see the module documentation.
pub fn decode_script(code: &[u8]) -> Result<DecodedCall, InvokeError> {
    let mut m = Machine {
        code,
        pos: 0,
        nodes: Vec::new(),
        stack: Vec::new(),
        alt: Vec::new(),
    };
    loop {
        let at = m.pos;
        let opcode = *code.get(at).ok_or(InvokeError::Truncated {
            offset: at,
            reason: "no APPCALL or SYSCALL ending".into(),
        })?;
        m.pos += 1;
        match opcode {
            PUSH0 => m.push(Node::Bytes(Vec::new())),
            0x01..=PUSHBYTES75 => {
                let data = m.take(opcode as usize, at)?.to_vec();
                m.push(Node::Bytes(data));
            }
            PUSHDATA1 | PUSHDATA2 | PUSHDATA4 => {
                let width = match opcode {
                    PUSHDATA1 => 1,
                    PUSHDATA2 => 2,
                    _ => 4,
                };
                let mut len = [0u8; 8];
                len[..width].copy_from_slice(m.take(width, at)?);
                let len = usize::try_from(u64::from_le_bytes(len)).unwrap_or(usize::MAX);
                let data = m.take(len, at)?.to_vec();
                m.push(Node::Bytes(data));
            }
            PUSHM1 => m.push(Node::Integer(-1)),
            PUSH1..=PUSH16 => m.push(Node::Integer(i64::from(opcode - PUSH1 + 1))),
            DUPFROMALTSTACK => {
                let top = *m
                    .alt
                    .last()
                    .ok_or_else(|| shape(at, "DUPFROMALTSTACK on an empty alt stack"))?;
                m.stack.push(top);
            }
            TOALTSTACK => {
                let item = m.pop(at)?;
                m.alt.push(item);
            }
            FROMALTSTACK => {
                let item = m
                    .alt
                    .pop()
                    .ok_or_else(|| shape(at, "FROMALTSTACK on an empty alt stack"))?;
                m.stack.push(item);
            }
            SWAP => {
                let b = m.pop(at)?;
                let a = m.pop(at)?;
                m.stack.push(b);
                m.stack.push(a);
            }
            ADD => {
                let b = m.pop_integer(at)?;
                let a = m.pop_integer(at)?;
                let sum = a
                    .checked_add(b)
                    .ok_or_else(|| shape(at, "ADD overflows 64 bits"))?;
                m.push(Node::Integer(sum));
            }
            BOOLOR => {
                let b = m.pop_bool(at)?;
                let a = m.pop_bool(at)?;
                m.push(Node::Bool(a || b));
            }
            PACK => {
                let n = m.pop_integer(at)?;
                let n = usize::try_from(n)
                    .ok()
                    .filter(|n| *n <= m.stack.len())
                    .ok_or_else(|| shape(at, format!("PACK of {n} items")))?;
                // The top of the stack becomes the first item.
                let items = m
                    .stack
                    .split_off(m.stack.len() - n)
                    .into_iter()
                    .rev()
                    .collect();
                m.push(Node::Array(items));
            }
            NEWSTRUCT => {
                let n = m.pop_integer(at)?;
                if n != 0 {
                    return Err(shape(at, "NEWSTRUCT with a non-zero size"));
                }
                m.push(Node::Struct(Vec::new()));
            }
            NEWMAP => m.push(Node::Map(Vec::new())),
            APPEND => {
                let item = m.pop(at)?;
                let target = m.pop(at)?;
                match &mut m.nodes[target] {
                    Node::Array(items) | Node::Struct(items) => items.push(item),
                    _ => return Err(shape(at, "APPEND to something not an array or struct")),
                }
            }
            SETITEM => {
                let value = m.pop(at)?;
                let key = m.pop(at)?;
                let target = m.pop(at)?;
                let Node::Bytes(key) = m.nodes[key].clone() else {
                    return Err(shape(at, "SETITEM with a key that is not bytes"));
                };
                match &mut m.nodes[target] {
                    Node::Map(entries) => match entries.iter_mut().find(|(k, _)| *k == key) {
                        Some(entry) => entry.1 = value,
                        None => entries.push((key, value)),
                    },
                    _ => return Err(shape(at, "SETITEM on something not a map")),
                }
            }
            APPCALL => return m.finish_appcall(at),
            SYSCALL => return m.finish_syscall(at),
            other => {
                return Err(InvokeError::Opcode {
                    offset: at,
                    opcode: other,
                })
            }
        }
    }
}

fn shape(offset: usize, reason: impl Into<String>) -> InvokeError {
    InvokeError::Shape {
        offset,
        reason: reason.into(),
    }
}

impl<'a> Machine<'a> {
    fn take(&mut self, n: usize, at: usize) -> Result<&'a [u8], InvokeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.code.len())
            .ok_or_else(|| InvokeError::Truncated {
                offset: at,
                reason: format!(
                    "needs {n} more bytes, has {}",
                    self.code.len().saturating_sub(self.pos)
                ),
            })?;
        let data = &self.code[self.pos..end];
        self.pos = end;
        Ok(data)
    }

    fn push(&mut self, node: Node) {
        self.nodes.push(node);
        self.stack.push(self.nodes.len() - 1);
    }

    fn pop(&mut self, at: usize) -> Result<usize, InvokeError> {
        self.stack
            .pop()
            .ok_or_else(|| shape(at, "pops an empty stack"))
    }

    fn pop_integer(&mut self, at: usize) -> Result<i64, InvokeError> {
        let item = self.pop(at)?;
        match &self.nodes[item] {
            Node::Integer(v) => Some(*v),
            Node::Bool(b) => Some(i64::from(*b)),
            Node::Bytes(bytes) => le_integer(bytes),
            _ => None,
        }
        .ok_or_else(|| shape(at, "expects an integer of at most 8 bytes"))
    }

    fn pop_bool(&mut self, at: usize) -> Result<bool, InvokeError> {
        let item = self.pop(at)?;
        Ok(match &self.nodes[item] {
            Node::Integer(v) => *v != 0,
            Node::Bool(b) => *b,
            Node::Bytes(bytes) => bytes.iter().any(|b| *b != 0),
            _ => true,
        })
    }

    fn pop_bytes(&mut self, at: usize, what: &str) -> Result<Vec<u8>, InvokeError> {
        let item = self.pop(at)?;
        match &self.nodes[item] {
            Node::Bytes(bytes) => Ok(bytes.clone()),
            _ => Err(shape(at, format!("{what} is not a byte string"))),
        }
    }

    fn pop_method(&mut self, at: usize) -> Result<String, InvokeError> {
        let raw = self.pop_bytes(at, "the method")?;
        String::from_utf8(raw).map_err(|_| shape(at, "the method is not UTF-8"))
    }

    fn expect_empty(&self, at: usize) -> Result<(), InvokeError> {
        if !self.stack.is_empty() || !self.alt.is_empty() {
            return Err(shape(at, "items left on the stack besides the call"));
        }
        if self.pos != self.code.len() {
            return Err(shape(self.pos, "bytes after the call"));
        }
        Ok(())
    }

    fn finish_appcall(&mut self, at: usize) -> Result<DecodedCall, InvokeError> {
        let hash: [u8; 20] = self
            .take(20, at)?
            .try_into()
            .map_err(|_| shape(at, "APPCALL needs 20 bytes"))?;
        let method = self.pop_method(at)?;
        let args_node = self.pop(at)?;
        self.expect_empty(at)?;
        let mut budget = MAX_ITEMS;
        let args = match self.convert(args_node, 0, &mut budget, at)? {
            DecodedArg::Array(items) => items,
            _ => return Err(shape(at, "the arguments are not an array")),
        };
        Ok(DecodedCall {
            form: CallForm::NeoVm,
            contract: Address(hash),
            method,
            args,
        })
    }

    fn finish_syscall(&mut self, at: usize) -> Result<DecodedCall, InvokeError> {
        let len = *self.take(1, at)?.first().unwrap_or(&0) as usize;
        if len >= 0xfd {
            return Err(shape(at, "SYSCALL name longer than a one-byte length"));
        }
        let name = self.take(len, at)?;
        if name != NATIVE_INVOKE.as_bytes() {
            return Err(shape(
                at,
                format!(
                    "SYSCALL `{}`, not {NATIVE_INVOKE}",
                    String::from_utf8_lossy(name)
                ),
            ));
        }
        let version = self.pop_integer(at)?;
        if version != 0 {
            return Err(shape(at, format!("native invoke version {version}, not 0")));
        }
        let hash: [u8; 20] = self
            .pop_bytes(at, "the contract")?
            .try_into()
            .map_err(|_| shape(at, "the contract is not 20 bytes"))?;
        let method = self.pop_method(at)?;
        let args_node = self.stack.pop();
        self.expect_empty(at)?;
        let mut budget = MAX_ITEMS;
        let args = match args_node {
            None => Vec::new(),
            Some(node) => match self.convert(node, 0, &mut budget, at)? {
                DecodedArg::Struct(items) => items,
                // One state in a one-element array: a `transfer`.
                DecodedArg::Array(mut items)
                    if items.len() == 1 && matches!(items[0], DecodedArg::Struct(_)) =>
                {
                    match items.pop() {
                        Some(DecodedArg::Struct(inner)) => inner,
                        _ => Vec::new(),
                    }
                }
                other => vec![other],
            },
        };
        Ok(DecodedCall {
            form: CallForm::Native,
            contract: Address(hash),
            method,
            args,
        })
    }

    fn convert(
        &self,
        node: usize,
        depth: usize,
        budget: &mut usize,
        at: usize,
    ) -> Result<DecodedArg, InvokeError> {
        if depth > MAX_DEPTH || *budget == 0 {
            return Err(shape(at, "arguments nest too deeply or expand too far"));
        }
        *budget -= 1;
        let list = |items: &[usize], budget: &mut usize| {
            items
                .iter()
                .map(|i| self.convert(*i, depth + 1, budget, at))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(match &self.nodes[node] {
            Node::Bytes(b) => DecodedArg::Bytes(b.clone()),
            Node::Integer(v) => DecodedArg::Integer(*v),
            Node::Bool(b) => DecodedArg::Bool(*b),
            Node::Array(items) => DecodedArg::Array(list(items, budget)?),
            Node::Struct(items) => DecodedArg::Struct(list(items, budget)?),
            Node::Map(entries) => DecodedArg::Map(
                entries
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.convert(*v, depth + 1, budget, at)?)))
                    .collect::<Result<Vec<_>, InvokeError>>()?,
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EXAMPLE_JAVA: &str = "0164510500e87648170101148f651d459b4f146380dab28e7cfb9d4bb9c3fcd10668656467736756c10b7472616e736665724f6e676702efae944c429910f62f0c51eb37136d36beed16";
    const EXAMPLE_TS: &str = "086400000000000000510800e876481700000051148f651d459b4f146380dab28e7cfb9d4bb9c3fcd10668656467736756c10b7472616e736665724f6e676702efae944c429910f62f0c51eb37136d36beed16";
    /// The code of the §6 parseTx transaction: an ONG transfer.
    const NATIVE_TRANSFER: &str = "00c66b144f4b954b7057611c02384f5756f6a34f56fc0a596a7cc8145ff0e5382aed9982f2137e1293256a6e9ab1e00c6a7cc80480c3c9016a7cc86c51c1087472616e736665721400000000000000000000000000000000000000020068164f6e746f6c6f67792e4e61746976652e496e766f6b65";

    fn example_config() -> Value {
        json!({
            "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
            "functions": [{
                "operation": "transferOng",
                "args": [
                    {"name": "a", "value": "String:hedgsg"},
                    {"name": "b", "value": "Address:AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ"},
                    {"name": "c", "value": 1},
                    {"name": "d", "value": "Long:100000000000"},
                    {"name": "e", "value": true},
                    {"name": "f", "value": 100},
                ],
            }],
            "gasLimit": 20000,
            "gasPrice": 500,
        })
    }

    #[test]
    fn example_builds_java_bytes_and_ts_bytes() {
        let call = parse_config(&example_config()).unwrap();
        assert_eq!(hex::encode(build_script(&call)), EXAMPLE_JAVA);
        assert_eq!(
            hex::encode(build_script_as(&call, IntEncoding::TsLedger)),
            EXAMPLE_TS
        );
    }

    #[test]
    fn both_example_encodings_decode_to_the_call() {
        let call = parse_config(&example_config()).unwrap();
        for code in [EXAMPLE_JAVA, EXAMPLE_TS] {
            let decoded = decode_script(&hex::decode(code).unwrap()).unwrap();
            assert_eq!(decoded.form, CallForm::NeoVm);
            assert_eq!(
                decoded.contract.to_display_hex(),
                "16edbe366d1337eb510c2ff61099424c94aeef02"
            );
            assert_eq!(decoded.method, "transferOng");
            assert!(matches(&call, &decoded), "{code}");
        }
    }

    #[test]
    fn native_transfer_decodes_and_rebuilds() {
        let code = hex::decode(NATIVE_TRANSFER).unwrap();
        let decoded = decode_script(&code).unwrap();
        assert_eq!(decoded.form, CallForm::Native);
        assert_eq!(
            decoded.contract.to_display_hex(),
            "0200000000000000000000000000000000000000"
        );
        assert_eq!(decoded.method, "transfer");
        let from = Address::from_base58("AP19aGJ4GWs2qKv3PCt37r6HgM1v7EhgEM").unwrap();
        assert_eq!(decoded.args[0], DecodedArg::Bytes(from.0.to_vec()));
        assert_eq!(decoded.args[2].as_integer(), Some(30_000_000));
        let to = match &decoded.args[1] {
            DecodedArg::Bytes(b) => Address(b.as_slice().try_into().unwrap()),
            other => panic!("{other:?}"),
        };
        let config = json!({
            "contractHash": "0200000000000000000000000000000000000000",
            "functions": [{"operation": "transfer", "args": [
                {"name": "from", "value": "Address:AP19aGJ4GWs2qKv3PCt37r6HgM1v7EhgEM"},
                {"name": "to", "value": format!("Address:{to}")},
                {"name": "amount", "value": 30000000},
            ]}],
            "gasLimit": 200000, "gasPrice": 500,
        });
        let call = parse_config(&config).unwrap();
        assert!(matches(&call, &decoded));
        assert_eq!(build_script(&call), code);
    }

    #[test]
    fn typed_values_and_their_notation() {
        let value = json!([
            true, -9223372036854775808i64, "Long:9223372036854775807", "String:ü",
            "ByteArray:00ff", "Address:AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ",
            {"b": 1, "a": ["String:x"]}
        ]);
        let parsed = parse_arg(&value, "v").unwrap();
        assert_eq!(parsed.to_notation(), value);
    }

    #[test]
    fn refusals_name_kind_and_path() {
        let cases = [
            (json!("Int:5"), "prefix"),
            (json!("plain"), "prefix"),
            (json!("Hex:00"), "prefix"),
            (json!("ByteArray:0"), "hex"),
            (
                json!("Address:AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLz"),
                "address",
            ),
            (json!("Long:1e3"), "decimal"),
            (json!("Long:+1"), "decimal"),
            (json!("Long:"), "decimal"),
            (json!("Long:9223372036854775808"), "range"),
            (json!(9223372036854775808u64), "range"),
            (json!(1.5), "float"),
            (Value::Null, "null"),
        ];
        for (value, kind) in cases {
            let err = parse_arg(&json!([0, [1, value.clone()]]), "x").unwrap_err();
            assert_eq!(err.kind(), kind, "{value}");
            assert_eq!(err.path(), Some("x[1][1]"));
        }
    }

    #[test]
    fn placeholders_replace_values_only() {
        let config = json!({"payer": "%address", "%address": ["Address:%address", "%ontid!"]});
        let out = substitute_placeholders(&config, "A1", "did:ont:A1");
        assert_eq!(
            out,
            json!({"payer": "A1", "%address": ["Address:A1", "did:ont:A1!"]})
        );
    }

    #[test]
    fn minimal_le_matches_java() {
        assert_eq!(minimal_le(100), vec![0x64]);
        assert_eq!(minimal_le(128), vec![0x80, 0x00]);
        assert_eq!(minimal_le(-1), vec![0xff]);
        assert_eq!(minimal_le(-128), vec![0x80]);
        assert_eq!(minimal_le(-129), vec![0x7f, 0xff]);
        assert_eq!(minimal_le(i64::MIN).len(), 8);
    }

    #[test]
    fn maps_round_trip_through_both_encodings() {
        let config = json!({
            "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
            "functions": [{"operation": "put", "args": [{"name": "m", "value":
                {"k": "String:v", "n": 16, "b": false, "l": [1, -1]}}]}],
            "gasLimit": 1, "gasPrice": 1,
        });
        let call = parse_config(&config).unwrap();
        for ints in [IntEncoding::Java, IntEncoding::TsLedger] {
            let decoded = decode_script(&build_script_as(&call, ints)).unwrap();
            assert!(matches(&call, &decoded), "{ints:?}: {decoded:?}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let java = hex::decode(EXAMPLE_JAVA).unwrap();
        for cut in 0..java.len() {
            assert!(decode_script(&java[..cut]).is_err());
        }
        // A struct appended to itself is refused, not followed forever.
        let cyclic = format!(
            "00c66b6a6a7cc86c51c10161{}",
            &EXAMPLE_JAVA[EXAMPLE_JAVA.len() - 42..]
        );
        let err = decode_script(&hex::decode(cyclic).unwrap()).unwrap_err();
        assert_eq!(err.kind(), "shape");
        // Shared arrays doubling at every level stay within the item budget.
        let mut doubling = String::from("0051c1");
        for _ in 0..40 {
            doubling.push_str("6b6a6c52c1");
        }
        doubling.push_str(&format!(
            "51c10161{}",
            &EXAMPLE_JAVA[EXAMPLE_JAVA.len() - 42..]
        ));
        assert!(decode_script(&hex::decode(doubling).unwrap()).is_err());
        let mut seed = 0x1234_5678u32;
        for _ in 0..2000 {
            let len = (seed % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            let _ = decode_script(&bytes);
        }
    }
}
