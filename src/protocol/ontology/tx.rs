//! Ontology transactions (ontology-dapi.md §6; profile ONT-I6, ONT-N3): the unsigned and
//! signed byte layouts, the transaction hash in internal and display order, signing with a
//! single key or an m-of-n multi-sig program, and the node's signature and payer checks.
//!
//! ```text
//! unsigned = version:u8 | txType:u8 | nonce:u32 LE | gasPrice:u64 LE | gasLimit:u64 LE
//!          | payer:[20] | payload | attrCount:varuint (= 0)
//! signed   = unsigned | sigCount:varuint (<= 16) | (varbytes invocation | varbytes verification)*
//! ```
//!
//! Parsing is strict and total: every read is bounds-checked, varuints must use their
//! shortest form, attributes must be absent, at most 16 signatures, at most 1 MiB, and no
//! byte may follow the last signature. Two rules are stricter than the node, so that a parsed
//! transaction re-serializes byte for byte: an invocation script must push each signature with
//! the shortest push opcode, and deploy strings must be UTF-8.
//!
//! Everything here is pure: no IO, no clock, no randomness (signing uses RFC 6979 nonces).

use std::fmt;

use super::crypto::{
    multisig_program, sha256d, sign, single_key_program, verify, Address, OntSignature, PrivateKey,
    PublicKey,
};

/// The node's `MAX_TX_SIZE`.
pub const MAX_TX_SIZE: usize = 1024 * 1024;
/// At most this many signature entries in one transaction.
pub const MAX_SIGNATURES: usize = 16;
/// At most this many keys in one multi-sig program.
pub const MAX_MULTISIG_KEYS: usize = 16;

const OP_PUSHDATA1: u8 = 0x4c;
const OP_PUSHDATA2: u8 = 0x4d;
const OP_PUSHDATA4: u8 = 0x4e;
const OP_CHECKSIG: u8 = 0xac;
const OP_CHECKMULTISIG: u8 = 0xae;

/// Why bytes are not a transaction, or a transaction's signatures do not satisfy the node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    #[error("transaction is {0} bytes; the limit is 1048576 (MAX_TX_SIZE)")]
    TooLarge(usize),
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
        "{field} at offset {offset} is a non-canonical varuint (value {value} fits a shorter form)"
    )]
    NonCanonicalVarUint {
        field: &'static str,
        offset: usize,
        value: u64,
    },
    #[error("txType 0x{byte:02x} at offset 1 is not 0xd0 (Deploy), 0xd1 (InvokeNeo) or 0xd2 (InvokeWasm)")]
    UnknownTxType { byte: u8 },
    #[error("attribute count at offset {offset} is {count}; it must be 0")]
    Attributes { offset: usize, count: u64 },
    #[error("signature count at offset {offset} is {count}; at most 16 are allowed")]
    TooManySignatures { offset: usize, count: u64 },
    #[error("{count} trailing bytes after the transaction end at offset {offset}")]
    Trailing { offset: usize, count: usize },
    #[error("deploy field {field} at offset {offset} is not UTF-8")]
    Utf8 { field: &'static str, offset: usize },
    #[error("invocation script of signature {index}, script offset {offset}: {reason}")]
    Invocation {
        index: usize,
        offset: usize,
        reason: String,
    },
    #[error("verification script{}: {reason}", at_index(*.index))]
    Verification {
        index: Option<usize>,
        reason: String,
    },
    #[error("signature {index}, item {item}: {reason}")]
    Signature {
        index: usize,
        item: usize,
        reason: String,
    },
    #[error("signature {index} carries {found} signatures; its program needs {needed}")]
    SignatureCount {
        index: usize,
        found: usize,
        needed: usize,
    },
    #[error("no signature comes from the payer {payer} (node error 45021)")]
    PayerNotSigned { payer: String },
    #[error("transaction hash `{0}` is not 64 hex characters")]
    HashHex(String),
    #[error("transaction hex is not hex: {0}")]
    Hex(String),
    #[error("multi-sig: {0}")]
    Multisig(String),
    #[error("signer {0} is not one of the multi-sig keys, or signs twice")]
    Signer(String),
}

fn at_index(index: Option<usize>) -> String {
    index.map_or(String::new(), |i| format!(" of signature {i}"))
}

impl TxError {
    /// A short stable name, used by vectors to say which rejection they expect.
    pub fn kind(&self) -> &'static str {
        match self {
            TxError::TooLarge(_) => "too-large",
            TxError::Truncated { .. } => "truncated",
            TxError::NonCanonicalVarUint { .. } => "varuint",
            TxError::UnknownTxType { .. } => "tx-type",
            TxError::Attributes { .. } => "attributes",
            TxError::TooManySignatures { .. } => "too-many-signatures",
            TxError::Trailing { .. } => "trailing",
            TxError::Utf8 { .. } => "utf8",
            TxError::Invocation { .. } => "invocation",
            TxError::Verification { .. } => "verification",
            TxError::Signature { .. } => "signature",
            TxError::SignatureCount { .. } => "signature-count",
            TxError::PayerNotSigned { .. } => "payer-not-signed",
            TxError::HashHex(_) => "hash-hex",
            TxError::Hex(_) => "hex",
            TxError::Multisig(_) => "multisig",
            TxError::Signer(_) => "signer",
        }
    }
}

/// The transaction types this suite accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TxType {
    /// 0xd0: deploy a contract.
    Deploy,
    /// 0xd1: run NeoVM code (every dAPI invoke).
    InvokeNeo,
    /// 0xd2: run WebAssembly code.
    InvokeWasm,
}

impl TxType {
    pub fn byte(self) -> u8 {
        match self {
            TxType::Deploy => 0xd0,
            TxType::InvokeNeo => 0xd1,
            TxType::InvokeWasm => 0xd2,
        }
    }

    /// Reads the type byte; 0xd3 (EIP-155, an RLP body) and anything else is rejected.
    pub fn from_byte(byte: u8) -> Result<Self, TxError> {
        match byte {
            0xd0 => Ok(TxType::Deploy),
            0xd1 => Ok(TxType::InvokeNeo),
            0xd2 => Ok(TxType::InvokeWasm),
            byte => Err(TxError::UnknownTxType { byte }),
        }
    }
}

/// The payload; its shape follows the type (Deploy for 0xd0, Invoke otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Invoke {
        code: Vec<u8>,
    },
    Deploy {
        code: Vec<u8>,
        vm_flags: u8,
        name: String,
        version: String,
        author: String,
        email: String,
        description: String,
    },
}

impl Payload {
    /// The code bytes of either payload.
    pub fn code(&self) -> &[u8] {
        match self {
            Payload::Invoke { code } | Payload::Deploy { code, .. } => code,
        }
    }
}

/// One signature entry: the signatures the invocation script pushes and the verification
/// program (a single-key or multi-sig program) they satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxSignature {
    /// Each signature's bytes (65-byte `0x01 ‖ r ‖ s` or 64-byte `r ‖ s`).
    pub invocation: Vec<Vec<u8>>,
    /// The verification program.
    pub verification: Vec<u8>,
}

/// A parsed verification program: how many signatures it needs, and its keys in program
/// order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub m: usize,
    pub keys: Vec<PublicKey>,
}

impl TxSignature {
    /// The invocation script: each signature pushed with the shortest push opcode.
    pub fn invocation_script(&self) -> Vec<u8> {
        let mut script = Vec::new();
        for item in &self.invocation {
            push_bytes(&mut script, item);
        }
        script
    }

    /// Parses the verification program (`PUSHBYTES33 key CHECKSIG`, or
    /// `PUSH m (PUSHBYTES33 key)* PUSH n CHECKMULTISIG` with 1 <= m <= n, 2 <= n <= 16).
    pub fn program(&self) -> Result<Program, TxError> {
        parse_program(&self.verification).map_err(|reason| TxError::Verification {
            index: None,
            reason,
        })
    }

    /// The program's public keys, in program order.
    pub fn public_keys(&self) -> Result<Vec<PublicKey>, TxError> {
        self.program().map(|p| p.keys)
    }

    /// How many signatures the program needs: 1 for a single key, m for m-of-n.
    pub fn m(&self) -> Result<usize, TxError> {
        self.program().map(|p| p.m)
    }

    /// The address this entry signs for: the program hash of the verification program.
    pub fn address(&self) -> Address {
        Address::from_program(&self.verification)
    }
}

/// A transaction, signed or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    pub version: u8,
    pub tx_type: TxType,
    pub nonce: u32,
    pub gas_price: u64,
    pub gas_limit: u64,
    pub payer: Address,
    pub payload: Payload,
    pub signatures: Vec<TxSignature>,
}

impl Transaction {
    /// The unsigned bytes: everything the hash covers.
    pub fn to_unsigned_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.payload.code().len());
        out.push(self.version);
        out.push(self.tx_type.byte());
        out.extend_from_slice(&self.nonce.to_le_bytes());
        out.extend_from_slice(&self.gas_price.to_le_bytes());
        out.extend_from_slice(&self.gas_limit.to_le_bytes());
        out.extend_from_slice(&self.payer.0);
        match &self.payload {
            Payload::Invoke { code } => write_var_bytes(&mut out, code),
            Payload::Deploy {
                code,
                vm_flags,
                name,
                version,
                author,
                email,
                description,
            } => {
                write_var_bytes(&mut out, code);
                out.push(*vm_flags);
                for text in [name, version, author, email, description] {
                    write_var_bytes(&mut out, text.as_bytes());
                }
            }
        }
        write_var_uint(&mut out, 0);
        out
    }

    /// The signed bytes: the unsigned bytes, then the signature entries.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.to_unsigned_bytes();
        write_var_uint(&mut out, self.signatures.len() as u64);
        for signature in &self.signatures {
            write_var_bytes(&mut out, &signature.invocation_script());
            write_var_bytes(&mut out, &signature.verification);
        }
        out
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// Parses a signed transaction (a count of 0 signatures is a valid unsigned one).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TxError> {
        if bytes.len() > MAX_TX_SIZE {
            return Err(TxError::TooLarge(bytes.len()));
        }
        let mut reader = Reader { bytes, pos: 0 };
        let version = reader.u8("version")?;
        let tx_type = TxType::from_byte(reader.u8("txType")?)?;
        let nonce = u32::from_le_bytes(reader.array("nonce")?);
        let gas_price = u64::from_le_bytes(reader.array("gasPrice")?);
        let gas_limit = u64::from_le_bytes(reader.array("gasLimit")?);
        let payer = Address(reader.array("payer")?);
        let code = reader.var_bytes("code")?.to_vec();
        let payload = match tx_type {
            TxType::Deploy => Payload::Deploy {
                code,
                vm_flags: reader.u8("vmFlags")?,
                name: reader.var_str("name")?,
                version: reader.var_str("version")?,
                author: reader.var_str("author")?,
                email: reader.var_str("email")?,
                description: reader.var_str("description")?,
            },
            TxType::InvokeNeo | TxType::InvokeWasm => Payload::Invoke { code },
        };
        let offset = reader.pos;
        let count = reader.var_uint("attrCount")?;
        if count != 0 {
            return Err(TxError::Attributes { offset, count });
        }
        let offset = reader.pos;
        let count = reader.var_uint("sigCount")?;
        if count > MAX_SIGNATURES as u64 {
            return Err(TxError::TooManySignatures { offset, count });
        }
        let mut signatures = Vec::with_capacity(count as usize);
        for index in 0..count as usize {
            let invocation = parse_invocation(index, reader.var_bytes("invocation script")?)?;
            let verification = reader.var_bytes("verification script")?.to_vec();
            signatures.push(TxSignature {
                invocation,
                verification,
            });
        }
        if reader.pos != bytes.len() {
            return Err(TxError::Trailing {
                offset: reader.pos,
                count: bytes.len() - reader.pos,
            });
        }
        Ok(Transaction {
            version,
            tx_type,
            nonce,
            gas_price,
            gas_limit,
            payer,
            payload,
            signatures,
        })
    }

    /// Parses hex text of the signed bytes.
    pub fn from_hex(text: &str) -> Result<Self, TxError> {
        let bytes = hex::decode(text).map_err(|e| TxError::Hex(e.to_string()))?;
        Self::from_bytes(&bytes)
    }

    /// The transaction hash in internal order: SHA-256(SHA-256(unsigned bytes)). This is what
    /// is signed, and what the TypeScript SDK's `getSignContent` returns.
    pub fn hash(&self) -> [u8; 32] {
        sha256d(&self.to_unsigned_bytes())
    }

    /// The hash as the node's API and the wallet's callback show it: reversed, hex.
    /// The header as JSON, in the order `tx decode` and the vectors print it:
    /// `version`, `txType` (`0xd1`), `nonce`, `gasPrice`, `gasLimit`, `payer` (base58).
    pub fn header_json(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut header = serde_json::Map::new();
        header.insert("version".into(), self.version.into());
        header.insert(
            "txType".into(),
            format!("0x{:02x}", self.tx_type.byte()).into(),
        );
        header.insert("nonce".into(), self.nonce.into());
        header.insert("gasPrice".into(), self.gas_price.into());
        header.insert("gasLimit".into(), self.gas_limit.into());
        header.insert("payer".into(), self.payer.to_base58().into());
        header
    }

    pub fn display_hash(&self) -> String {
        let mut hash = self.hash();
        hash.reverse();
        hex::encode(hash)
    }

    /// Signs the internal hash with `key` and appends the single-key entry.
    pub fn sign_single(&mut self, key: &PrivateKey) -> Result<(), TxError> {
        self.room_for_signature()?;
        let signature = sign(key, &self.hash());
        self.signatures.push(TxSignature {
            invocation: vec![signature.to_scheme_bytes().to_vec()],
            verification: single_key_program(&key.public_key()),
        });
        Ok(())
    }

    /// Appends an `m`-of-`keys` multi-sig entry signed by `signers`, the signatures ordered
    /// as the program's sorted keys. Every signer must hold one of the keys, at most once;
    /// fewer than `m` signers give an entry that [`Transaction::verify_signatures`] rejects.
    pub fn add_multisig(
        &mut self,
        m: usize,
        keys: &[PublicKey],
        signers: &[&PrivateKey],
    ) -> Result<(), TxError> {
        self.room_for_signature()?;
        let (sorted, program) =
            multisig_program(m, keys).map_err(|e| TxError::Multisig(e.to_string()))?;
        let mut used = vec![false; signers.len()];
        for (i, signer) in signers.iter().enumerate() {
            let public = signer.public_key();
            let duplicate = signers[..i].iter().any(|s| s.public_key() == public);
            if duplicate || !sorted.contains(&public) {
                return Err(TxError::Signer(
                    Address::from_public_key(&public).to_base58(),
                ));
            }
        }
        let hash = self.hash();
        let mut invocation = Vec::new();
        for key in &sorted {
            if let Some(i) = signers.iter().position(|s| s.public_key() == *key) {
                used[i] = true;
                invocation.push(sign(signers[i], &hash).to_scheme_bytes().to_vec());
            }
        }
        debug_assert!(used.iter().all(|u| *u));
        self.signatures.push(TxSignature {
            invocation,
            verification: program,
        });
        Ok(())
    }

    fn room_for_signature(&self) -> Result<(), TxError> {
        if self.signatures.len() >= MAX_SIGNATURES {
            return Err(TxError::TooManySignatures {
                offset: self.to_unsigned_bytes().len(),
                count: self.signatures.len() as u64 + 1,
            });
        }
        Ok(())
    }

    /// Verifies every entry as the node does and returns the address of each, in order.
    ///
    /// An entry needs at least m signatures; its first m must each verify over the internal
    /// hash against a distinct key of the program (in any order). Signatures past the m-th
    /// are not examined, as on the node. A single-key program has m = 1.
    pub fn verify_signatures(&self) -> Result<Vec<Address>, TxError> {
        let hash = self.hash();
        let mut signers = Vec::with_capacity(self.signatures.len());
        for (index, entry) in self.signatures.iter().enumerate() {
            let program = entry.program().map_err(|e| match e {
                TxError::Verification { reason, .. } => TxError::Verification {
                    index: Some(index),
                    reason,
                },
                other => other,
            })?;
            if entry.invocation.len() < program.m {
                return Err(TxError::SignatureCount {
                    index,
                    found: entry.invocation.len(),
                    needed: program.m,
                });
            }
            let mut used = vec![false; program.keys.len()];
            for (item, bytes) in entry.invocation.iter().take(program.m).enumerate() {
                let signature =
                    OntSignature::from_bytes(bytes).map_err(|e| TxError::Signature {
                        index,
                        item,
                        reason: e.to_string(),
                    })?;
                let matched = program
                    .keys
                    .iter()
                    .enumerate()
                    .find(|(j, key)| !used[*j] && verify(key, &hash, &signature).is_ok());
                match matched {
                    Some((j, _)) => used[j] = true,
                    None => {
                        return Err(TxError::Signature {
                            index,
                            item,
                            reason: "does not verify over the transaction hash for any unused \
                                     key of the program"
                                .into(),
                        })
                    }
                }
            }
            signers.push(entry.address());
        }
        Ok(signers)
    }

    /// Verifies every signature, then requires the payer among the signers (else the node
    /// answers 45021).
    pub fn check_payer_signed(&self) -> Result<(), TxError> {
        if self.verify_signatures()?.contains(&self.payer) {
            Ok(())
        } else {
            Err(TxError::PayerNotSigned {
                payer: self.payer.to_base58(),
            })
        }
    }
}

impl fmt::Display for Transaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Reads a display-order hash (as the node API and callbacks show it) into internal order.
pub fn parse_display_hash(text: &str) -> Result<[u8; 32], TxError> {
    let bytes = hex::decode(text).map_err(|_| TxError::HashHex(text.to_string()))?;
    let mut hash: [u8; 32] = bytes
        .try_into()
        .map_err(|_| TxError::HashHex(text.to_string()))?;
    hash.reverse();
    Ok(hash)
}

/// `<0xFD: 1 byte | 0xFD u16 | 0xFE u32 | 0xFF u64`, little-endian.
pub fn write_var_uint(out: &mut Vec<u8>, value: u64) {
    if value < 0xfd {
        out.push(value as u8);
    } else if value <= 0xffff {
        out.push(0xfd);
        out.extend_from_slice(&(value as u16).to_le_bytes());
    } else if value <= 0xffff_ffff {
        out.push(0xfe);
        out.extend_from_slice(&(value as u32).to_le_bytes());
    } else {
        out.push(0xff);
        out.extend_from_slice(&value.to_le_bytes());
    }
}

/// A varuint length, then the bytes.
pub fn write_var_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_var_uint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// The shortest NeoVM push of `data`.
fn push_bytes(out: &mut Vec<u8>, data: &[u8]) {
    let len = data.len();
    if (1..=75).contains(&len) {
        out.push(len as u8);
    } else if len <= 0xff {
        out.push(OP_PUSHDATA1);
        out.push(len as u8);
    } else if len <= 0xffff {
        out.push(OP_PUSHDATA2);
        out.extend_from_slice(&(len as u16).to_le_bytes());
    } else {
        out.push(OP_PUSHDATA4);
        out.extend_from_slice(&(len as u32).to_le_bytes());
    }
    out.extend_from_slice(data);
}

/// Splits an invocation script into the data it pushes, requiring the shortest push form.
fn parse_invocation(index: usize, script: &[u8]) -> Result<Vec<Vec<u8>>, TxError> {
    let fail = |offset: usize, reason: String| TxError::Invocation {
        index,
        offset,
        reason,
    };
    let mut items = Vec::new();
    let mut pos = 0;
    while pos < script.len() {
        let start = pos;
        let opcode = script[pos];
        pos += 1;
        let width = match opcode {
            0x01..=0x4b => 0,
            OP_PUSHDATA1 => 1,
            OP_PUSHDATA2 => 2,
            OP_PUSHDATA4 => 4,
            other => {
                return Err(fail(
                    start,
                    format!("opcode 0x{other:02x} is not a data push"),
                ))
            }
        };
        let len = if width == 0 {
            opcode as usize
        } else {
            let Some(field) = script.get(pos..pos + width) else {
                return Err(fail(start, "push length runs past the script".into()));
            };
            pos += width;
            let mut le = [0u8; 4];
            le[..width].copy_from_slice(field);
            u32::from_le_bytes(le) as usize
        };
        let Some(data) = script.get(pos..).filter(|rest| rest.len() >= len) else {
            return Err(fail(
                start,
                format!("push of {len} bytes runs past the script"),
            ));
        };
        let data = &data[..len];
        let mut canonical = Vec::new();
        push_bytes(&mut canonical, data);
        if canonical.len() != pos - start + len {
            return Err(fail(
                start,
                format!("push of {len} bytes does not use the shortest opcode"),
            ));
        }
        pos += len;
        items.push(data.to_vec());
    }
    Ok(items)
}

/// Parses a P-256 single-key or multi-sig verification program.
fn parse_program(program: &[u8]) -> Result<Program, String> {
    let key_at = |pos: usize| -> Result<PublicKey, String> {
        match program.get(pos..pos + 34) {
            Some([33, key @ ..]) => {
                PublicKey::from_bytes(key).map_err(|e| format!("key at offset {pos}: {e}"))
            }
            _ => Err(format!("expected PUSHBYTES33 and a key at offset {pos}")),
        }
    };
    if program.len() == 35 && program[0] == 33 && program[34] == OP_CHECKSIG {
        return Ok(Program {
            m: 1,
            keys: vec![key_at(0)?],
        });
    }
    let small_int = |byte: u8| {
        (0x51..=0x60)
            .contains(&byte)
            .then(|| (byte - 0x50) as usize)
    };
    let Some(m) = program.first().copied().and_then(small_int) else {
        return Err("neither a single-key program nor PUSH m of a multi-sig program".into());
    };
    let mut keys = Vec::new();
    let mut pos = 1;
    while program.get(pos) == Some(&33) {
        keys.push(key_at(pos)?);
        pos += 34;
    }
    let n = keys.len();
    match program.get(pos..) {
        Some([count, OP_CHECKMULTISIG]) if small_int(*count) == Some(n) => {}
        _ => {
            return Err(format!(
                "after {n} keys expected PUSH {n} and CHECKMULTISIG at offset {pos}"
            ))
        }
    }
    if m > n || !(2..=MAX_MULTISIG_KEYS).contains(&n) {
        return Err(format!(
            "multi-sig needs 1 <= m <= n, 2 <= n <= 16; got m = {m}, n = {n}"
        ));
    }
    Ok(Program { m, keys })
}

/// A bounds-checked cursor: every read names its field and offset when it fails.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, field: &'static str, n: u64) -> Result<&'a [u8], TxError> {
        let available = self.bytes.len() - self.pos;
        if n > available as u64 {
            return Err(TxError::Truncated {
                field,
                offset: self.pos,
                needed: n,
                available,
            });
        }
        let out = &self.bytes[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(out)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, TxError> {
        Ok(self.take(field, 1)?[0])
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], TxError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(field, N as u64)?);
        Ok(out)
    }

    fn var_uint(&mut self, field: &'static str) -> Result<u64, TxError> {
        let offset = self.pos;
        let (value, minimum) = match self.u8(field)? {
            0xfd => (u16::from_le_bytes(self.array(field)?) as u64, 0xfd),
            0xfe => (u32::from_le_bytes(self.array(field)?) as u64, 0x1_0000),
            0xff => (u64::from_le_bytes(self.array(field)?), 0x1_0000_0000),
            small => return Ok(small as u64),
        };
        if value < minimum {
            return Err(TxError::NonCanonicalVarUint {
                field,
                offset,
                value,
            });
        }
        Ok(value)
    }

    fn var_bytes(&mut self, field: &'static str) -> Result<&'a [u8], TxError> {
        let len = self.var_uint(field)?;
        self.take(field, len)
    }

    fn var_str(&mut self, field: &'static str) -> Result<String, TxError> {
        let offset = self.pos;
        let bytes = self.var_bytes(field)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| TxError::Utf8 { field, offset })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ontology-ts-sdk@908eae0 test/integration/transferParse.test.ts 'parseTx' (an ONG
    /// transfer), as transcribed in ontology-dapi.md §6.
    const PUBLISHED_TX: &str = "00d102b56210f401000000000000400d0300000000004f4b954b7057611c02384f5756f6a34f56fc0a597500c66b144f4b954b7057611c02384f5756f6a34f56fc0a596a7cc8145ff0e5382aed9982f2137e1293256a6e9ab1e00c6a7cc80480c3c9016a7cc86c51c1087472616e736665721400000000000000000000000000000000000000020068164f6e746f6c6f67792e4e61746976652e496e766f6b6500014241018ab6942903d54ec88c42d0230b3ce405cd45cca1b9a1faf528b62ecc3f5b3041f2461d37b66e26cfae31ffa688c86206aed725ca7e84c1609890a0f2caebde2f232102981da02fcd82a1647f76935c377f00d5c6d541f346d3abdbb172cf6b9300adc7ac";

    fn published() -> Transaction {
        Transaction::from_hex(PUBLISHED_TX).expect("the published tx parses")
    }

    fn key(n: usize) -> PrivateKey {
        PrivateKey::from_seed(&format!("qrconform/tests/tx/{n}"))
    }

    fn unsigned(payer: Address) -> Transaction {
        Transaction {
            version: 0,
            tx_type: TxType::InvokeNeo,
            nonce: 7,
            gas_price: 500,
            gas_limit: 20000,
            payer,
            payload: Payload::Invoke {
                code: vec![0x00, 0xc1, 0x51],
            },
            signatures: Vec::new(),
        }
    }

    #[test]
    fn published_fields() {
        let tx = published();
        assert_eq!(tx.version, 0);
        assert_eq!(tx.tx_type, TxType::InvokeNeo);
        assert_eq!(tx.nonce, 274904322);
        assert_eq!(tx.gas_price, 500);
        assert_eq!(tx.gas_limit, 200000);
        assert_eq!(tx.payer.to_base58(), "AP19aGJ4GWs2qKv3PCt37r6HgM1v7EhgEM");
        assert_eq!(tx.payload.code().len(), 117);
        assert_eq!(tx.signatures.len(), 1);
        let entry = &tx.signatures[0];
        assert_eq!(entry.invocation.len(), 1);
        assert_eq!(entry.invocation[0].len(), 65);
        assert_eq!(entry.m().unwrap(), 1);
        assert_eq!(
            entry.public_keys().unwrap()[0].to_hex(),
            "02981da02fcd82a1647f76935c377f00d5c6d541f346d3abdbb172cf6b9300adc7"
        );
    }

    #[test]
    fn published_round_trip_and_hash() {
        let tx = published();
        assert_eq!(tx.to_hex(), PUBLISHED_TX);
        assert_eq!(
            hex::encode(tx.hash()),
            "78932ac9bae77b2ccf99a1fa858486a3630c4b69999f18e162f307f74092b988"
        );
        assert_eq!(
            tx.display_hash(),
            "88b99240f707f362e1189f99694b0c63a3868485faa199cf2c7be7bac92a9378"
        );
        assert_eq!(parse_display_hash(&tx.display_hash()).unwrap(), tx.hash());
        assert_eq!(parse_display_hash("88b9").unwrap_err().kind(), "hash-hex");
    }

    #[test]
    fn published_signature_is_over_the_internal_hash() {
        let tx = published();
        assert_eq!(tx.verify_signatures().unwrap(), vec![tx.payer]);
        tx.check_payer_signed().unwrap();
        // Not over the reversed hash, nor over the unsigned bytes.
        let entry = &tx.signatures[0];
        let signature = OntSignature::from_bytes(&entry.invocation[0]).unwrap();
        let key = entry.public_keys().unwrap()[0];
        let mut reversed = tx.hash();
        reversed.reverse();
        assert!(verify(&key, &reversed, &signature).is_err());
        assert!(verify(&key, &tx.to_unsigned_bytes(), &signature).is_err());
    }

    #[test]
    fn signed_by_another_key_fails_payer_check() {
        let payer = Address::from_public_key(&key(1).public_key());
        let mut tx = unsigned(payer);
        tx.sign_single(&key(2)).unwrap();
        let signers = tx.verify_signatures().unwrap();
        assert_eq!(
            signers,
            vec![Address::from_public_key(&key(2).public_key())]
        );
        assert_eq!(
            tx.check_payer_signed().unwrap_err().kind(),
            "payer-not-signed"
        );
        tx.sign_single(&key(1)).unwrap();
        tx.check_payer_signed().unwrap();
        let again = Transaction::from_bytes(&tx.to_bytes()).unwrap();
        assert_eq!(again, tx);
    }

    #[test]
    fn unsigned_tx_has_no_signers() {
        let tx = unsigned(Address([9; 20]));
        assert_eq!(tx.verify_signatures().unwrap(), Vec::<Address>::new());
        assert_eq!(
            tx.check_payer_signed().unwrap_err().kind(),
            "payer-not-signed"
        );
    }

    #[test]
    fn multisig_two_of_three() {
        let keys: Vec<PublicKey> = (1..=3).map(|i| key(i).public_key()).collect();
        let (_, program) = multisig_program(2, &keys).unwrap();
        let payer = Address::from_program(&program);
        let mut tx = unsigned(payer);
        let (k3, k1) = (key(3), key(1));
        tx.add_multisig(2, &keys, &[&k3, &k1]).unwrap();
        assert_eq!(tx.verify_signatures().unwrap(), vec![payer]);
        tx.check_payer_signed().unwrap();
        let entry = &tx.signatures[0];
        assert_eq!(entry.m().unwrap(), 2);
        assert_eq!(entry.public_keys().unwrap().len(), 3);
        let again = Transaction::from_hex(&tx.to_hex()).unwrap();
        assert_eq!(again, tx);

        // One signature short.
        let mut short = unsigned(payer);
        short.add_multisig(2, &keys, &[&k1]).unwrap();
        assert_eq!(
            short.verify_signatures().unwrap_err().kind(),
            "signature-count"
        );
        // The same key twice cannot satisfy two slots.
        let mut twice = short.clone();
        let first = twice.signatures[0].invocation[0].clone();
        twice.signatures[0].invocation.push(first);
        assert_eq!(twice.verify_signatures().unwrap_err().kind(), "signature");
        // A signer outside the program.
        let outsider = key(9);
        let err = unsigned(payer)
            .add_multisig(2, &keys, &[&outsider])
            .unwrap_err();
        assert_eq!(err.kind(), "signer");
        let err = unsigned(payer).add_multisig(4, &keys, &[]).unwrap_err();
        assert_eq!(err.kind(), "multisig");
    }

    #[test]
    fn flipped_signature_fails() {
        let mut tx = published();
        tx.signatures[0].invocation[0][40] ^= 0x01;
        assert_eq!(tx.verify_signatures().unwrap_err().kind(), "signature");
        assert_eq!(tx.check_payer_signed().unwrap_err().kind(), "signature");
    }

    #[test]
    fn deploy_round_trip() {
        let tx = Transaction {
            version: 0,
            tx_type: TxType::Deploy,
            nonce: 1,
            gas_price: 0,
            gas_limit: 20_000_000,
            payer: Address([1; 20]),
            payload: Payload::Deploy {
                code: vec![0x51; 300],
                vm_flags: 1,
                name: "name".into(),
                version: "1.0".into(),
                author: "author".into(),
                email: "a@example.org".into(),
                description: "déploiement".into(),
            },
            signatures: Vec::new(),
        };
        let bytes = tx.to_bytes();
        assert_eq!(Transaction::from_bytes(&bytes).unwrap(), tx);
    }

    fn bytes() -> Vec<u8> {
        hex::decode(PUBLISHED_TX).unwrap()
    }

    fn kind(bytes: &[u8]) -> &'static str {
        Transaction::from_bytes(bytes).unwrap_err().kind()
    }

    #[test]
    fn every_truncation_is_rejected() {
        let bytes = bytes();
        for len in 0..bytes.len() {
            assert_eq!(kind(&bytes[..len]), "truncated", "length {len}");
        }
    }

    #[test]
    fn structural_rejections() {
        let bytes = bytes();
        // Layout offsets: payer 22..42, code length at 42, code 43..160, attrs at 160.
        let mut attrs = bytes.clone();
        attrs[160] = 1;
        assert_eq!(kind(&attrs), "attributes");
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(kind(&trailing), "trailing");
        for byte in [0x00, 0xd3, 0xff] {
            let mut typed = bytes.clone();
            typed[1] = byte;
            assert_eq!(kind(&typed), "tx-type");
        }
        let mut wide = bytes[..42].to_vec();
        wide.extend_from_slice(&[0xfd, 0x75, 0x00]);
        wide.extend_from_slice(&bytes[43..]);
        assert_eq!(kind(&wide), "varuint");
        let mut huge = bytes[..42].to_vec();
        huge.extend_from_slice(&[0xff; 9]);
        assert_eq!(kind(&huge), "truncated");
        let mut many = bytes[..161].to_vec();
        many.push(17);
        for _ in 0..17 {
            many.extend_from_slice(&bytes[162..]);
        }
        assert_eq!(kind(&many), "too-many-signatures");
        assert_eq!(kind(&vec![0u8; MAX_TX_SIZE + 1]), "too-large");
        let mut opcode = bytes.clone();
        opcode[163] = 0x00;
        assert_eq!(kind(&opcode), "invocation");
    }

    #[test]
    fn sixteen_signatures_is_the_limit() {
        let payer = Address::from_public_key(&key(1).public_key());
        let mut tx = unsigned(payer);
        for _ in 0..MAX_SIGNATURES {
            tx.sign_single(&key(1)).unwrap();
        }
        assert_eq!(Transaction::from_bytes(&tx.to_bytes()).unwrap(), tx);
        assert_eq!(
            tx.sign_single(&key(1)).unwrap_err().kind(),
            "too-many-signatures"
        );
    }

    #[test]
    fn pushes_are_canonical() {
        let entry = TxSignature {
            invocation: vec![vec![7; 65], vec![8; 100], vec![9; 300]],
            verification: Vec::new(),
        };
        let script = entry.invocation_script();
        assert_eq!(parse_invocation(0, &script).unwrap(), entry.invocation);
        let mut long = vec![OP_PUSHDATA1, 65];
        long.extend_from_slice(&[7; 65]);
        assert_eq!(parse_invocation(0, &long).unwrap_err().kind(), "invocation");
        assert_eq!(
            parse_invocation(0, &[0x41, 1]).unwrap_err().kind(),
            "invocation"
        );
        assert_eq!(
            parse_invocation(0, &[OP_PUSHDATA2, 1]).unwrap_err().kind(),
            "invocation"
        );
    }

    #[test]
    fn malformed_programs() {
        let bad = |verification: Vec<u8>| {
            TxSignature {
                invocation: Vec::new(),
                verification,
            }
            .program()
            .unwrap_err()
            .kind()
        };
        assert_eq!(bad(vec![]), "verification");
        assert_eq!(bad(vec![0x51, 0x51, 0xae]), "verification");
        let k = key(1).public_key().to_bytes();
        let mut one_of_one = vec![0x51, 33];
        one_of_one.extend_from_slice(&k);
        one_of_one.extend_from_slice(&[0x51, 0xae]);
        assert_eq!(bad(one_of_one), "verification");
        let mut not_a_point = vec![33, 0x02];
        not_a_point.extend_from_slice(&[0xff; 32]);
        not_a_point.push(OP_CHECKSIG);
        assert_eq!(bad(not_a_point), "verification");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A small deterministic fuzz: mutate the published tx byte by byte.
        let bytes = bytes();
        for i in 0..bytes.len() {
            for value in [0x00, 0x01, 0x4c, 0xfd, 0xfe, 0xff] {
                let mut mutated = bytes.clone();
                mutated[i] = value;
                if let Ok(tx) = Transaction::from_bytes(&mutated) {
                    let _ = tx.check_payer_signed();
                    assert_eq!(tx.to_bytes(), mutated);
                }
            }
        }
    }
}
