//! Addresses (program hashes) in base58check and display-hex form, ONT IDs, and multi-sig
//! programs with the key order the Go node uses.

use std::fmt;

use super::keys::PublicKey;
use super::{hash160, sha256d};

/// The base58check version byte of every Ontology address (so they all start with `A`).
pub const ADDRESS_VERSION: u8 = 0x17;

/// The prefix of an ONT ID.
pub const ONT_ID_PREFIX: &str = "did:ont:";

/// NeoVM opcodes used in verification programs.
const OP_CHECKSIG: u8 = 0xac;
const OP_CHECKMULTISIG: u8 = 0xae;
/// The node's limit on keys in one multi-sig program.
const MULTISIG_MAX_KEYS: usize = 16;

/// Why an address, ONT ID or multi-sig program could not be read or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("address `{address}` is not base58: {reason}")]
    Base58 { address: String, reason: String },
    #[error("address `{address}` decodes to {length} bytes; expected 25 (version, 20-byte hash, checksum)")]
    Length { address: String, length: usize },
    #[error("address `{address}` has version byte 0x{version:02x}; expected 0x17")]
    Version { address: String, version: u8 },
    #[error("address `{address}` has a bad checksum: computed {computed}, found {found}")]
    Checksum {
        address: String,
        computed: String,
        found: String,
    },
    #[error("address hex `{0}` is not 40 hex characters")]
    Hex(String),
    #[error("ONT ID `{0}` does not start with `did:ont:`")]
    OntIdPrefix(String),
    #[error("ONT ID `{ontid}` has an invalid address part: {source}")]
    OntIdAddress {
        ontid: String,
        source: Box<AddressError>,
    },
    #[error("multi-sig needs 1 <= m <= n, 2 <= n <= 16; got m = {m}, n = {n}")]
    MultisigShape { m: usize, n: usize },
}

impl AddressError {
    /// A short stable name, used by vectors to say which rejection they expect.
    pub fn kind(&self) -> &'static str {
        match self {
            AddressError::Base58 { .. } => "base58",
            AddressError::Length { .. } => "length",
            AddressError::Version { .. } => "version",
            AddressError::Checksum { .. } => "checksum",
            AddressError::Hex(_) => "hex",
            AddressError::OntIdPrefix(_) => "prefix",
            AddressError::OntIdAddress { .. } => "address",
            AddressError::MultisigShape { .. } => "shape",
        }
    }
}

/// A 20-byte program hash, kept in serialization order (the order scripts and transactions
/// carry). The node's JSON shows the reversed order; see [`Address::to_display_hex`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address(pub [u8; 20]);

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({})", self.to_base58())
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base58())
    }
}

impl Address {
    /// The address of a verification program: RIPEMD-160(SHA-256(program)).
    pub fn from_program(program: &[u8]) -> Self {
        Address(hash160(program))
    }

    /// The single-key address: program `PUSHBYTES33 ‖ key ‖ CHECKSIG`.
    pub fn from_public_key(key: &PublicKey) -> Self {
        Self::from_program(&single_key_program(key))
    }

    /// Decodes base58check, checking length, version and checksum in that order.
    pub fn from_base58(text: &str) -> Result<Self, AddressError> {
        let raw = bs58::decode(text)
            .into_vec()
            .map_err(|e| AddressError::Base58 {
                address: text.to_string(),
                reason: e.to_string(),
            })?;
        if raw.len() != 25 {
            return Err(AddressError::Length {
                address: text.to_string(),
                length: raw.len(),
            });
        }
        if raw[0] != ADDRESS_VERSION {
            return Err(AddressError::Version {
                address: text.to_string(),
                version: raw[0],
            });
        }
        let computed = &sha256d(&raw[..21])[..4];
        if computed != &raw[21..] {
            return Err(AddressError::Checksum {
                address: text.to_string(),
                computed: hex::encode(computed),
                found: hex::encode(&raw[21..]),
            });
        }
        let mut hash = [0u8; 20];
        hash.copy_from_slice(&raw[1..21]);
        Ok(Address(hash))
    }

    pub fn to_base58(&self) -> String {
        let mut raw = Vec::with_capacity(25);
        raw.push(ADDRESS_VERSION);
        raw.extend_from_slice(&self.0);
        let checksum = sha256d(&raw);
        raw.extend_from_slice(&checksum[..4]);
        bs58::encode(raw).into_string()
    }

    /// Hex in serialization order.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Hex in display order (reversed), as the node prints contract addresses.
    pub fn to_display_hex(&self) -> String {
        let mut reversed = self.0;
        reversed.reverse();
        hex::encode(reversed)
    }

    /// Reads display-order hex (for example a `contractHash`).
    pub fn from_display_hex(text: &str) -> Result<Self, AddressError> {
        let bytes = hex::decode(text).map_err(|_| AddressError::Hex(text.to_string()))?;
        let mut hash: [u8; 20] = bytes
            .try_into()
            .map_err(|_| AddressError::Hex(text.to_string()))?;
        hash.reverse();
        Ok(Address(hash))
    }
}

/// The single-key verification program.
pub fn single_key_program(key: &PublicKey) -> Vec<u8> {
    let mut program = Vec::with_capacity(35);
    program.push(33);
    program.extend_from_slice(&key.to_bytes());
    program.push(OP_CHECKSIG);
    program
}

/// An ONT ID: `did:ont:` followed by a base58 address.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OntId(pub Address);

impl fmt::Debug for OntId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OntId({self})")
    }
}

impl fmt::Display for OntId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ONT_ID_PREFIX}{}", self.0.to_base58())
    }
}

impl OntId {
    /// The ONT ID a key would register under. A registered ONT ID's keys can change, so
    /// this is a naming convention, never proof that a key controls an ONT ID (ONT-L7).
    pub fn from_public_key(key: &PublicKey) -> Self {
        OntId(Address::from_public_key(key))
    }

    pub fn parse(text: &str) -> Result<Self, AddressError> {
        let rest = text
            .strip_prefix(ONT_ID_PREFIX)
            .ok_or_else(|| AddressError::OntIdPrefix(text.to_string()))?;
        Address::from_base58(rest)
            .map(OntId)
            .map_err(|source| AddressError::OntIdAddress {
                ontid: text.to_string(),
                source: Box::new(source),
            })
    }
}

/// Sorts keys as the Go node's `keypair.SortPublicKeys` does for P-256 keys: key type and
/// curve are equal, so by X as a big-endian integer, then Y.
pub fn sort_public_keys(keys: &mut [PublicKey]) {
    keys.sort_by_cached_key(|key| key.coordinates());
}

/// The `m`-of-`n` multi-sig program: `PUSH m ‖ (PUSHBYTES33 key)* ‖ PUSH n ‖ CHECKMULTISIG`,
/// keys in the node's order. Returns the sorted keys and the program.
pub fn multisig_program(
    m: usize,
    keys: &[PublicKey],
) -> Result<(Vec<PublicKey>, Vec<u8>), AddressError> {
    let n = keys.len();
    if m == 0 || m > n || !(2..=MULTISIG_MAX_KEYS).contains(&n) {
        return Err(AddressError::MultisigShape { m, n });
    }
    let mut sorted = keys.to_vec();
    sort_public_keys(&mut sorted);
    let mut program = Vec::with_capacity(3 + 34 * n);
    program.push(push_small_int(m));
    for key in &sorted {
        program.push(33);
        program.extend_from_slice(&key.to_bytes());
    }
    program.push(push_small_int(n));
    program.push(OP_CHECKMULTISIG);
    Ok((sorted, program))
}

/// `PUSH1`..`PUSH16` (0x51..0x60).
fn push_small_int(value: usize) -> u8 {
    debug_assert!((1..=16).contains(&value));
    0x50 + value as u8
}
