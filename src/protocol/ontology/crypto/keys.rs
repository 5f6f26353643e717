//! Private and public keys: hex and WIF forms, compressed SEC1 points, seeded derivation.

use p256::ecdsa::{SigningKey, VerifyingKey};

use super::{decode_hex, sha256, sha256d};

/// Why a key could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("{field} is not valid hex: {reason}")]
    Hex { field: &'static str, reason: String },
    #[error("private key must be 32 bytes, got {0}")]
    PrivateKeyLength(usize),
    #[error("private key is zero or not below the P-256 group order")]
    PrivateKeyRange,
    // The WIF itself is a secret, so the error never repeats it.
    #[error("WIF is not base58: {reason}")]
    WifBase58 { reason: String },
    #[error("WIF must decode to 38 bytes (0x80, key, 0x01, checksum), got {0}")]
    WifLength(usize),
    #[error("WIF version byte must be 0x80, got 0x{0:02x}")]
    WifVersion(u8),
    #[error("WIF compression flag must be 0x01, got 0x{0:02x}")]
    WifCompression(u8),
    #[error("WIF checksum mismatch: computed {computed}, found {found}")]
    WifChecksum { computed: String, found: String },
    #[error("public key must be 33 bytes (compressed P-256 point), got {0}")]
    PublicKeyLength(usize),
    #[error("public key prefix must be 0x02 or 0x03 (compressed), got 0x{0:02x}")]
    PublicKeyPrefix(u8),
    #[error("public key is not a point on P-256")]
    PublicKeyNotOnCurve,
}

impl KeyError {
    /// A short stable name, used by vectors to say which rejection they expect.
    pub fn kind(&self) -> &'static str {
        match self {
            KeyError::Hex { .. } => "hex",
            KeyError::PrivateKeyLength(_)
            | KeyError::PublicKeyLength(_)
            | KeyError::WifLength(_) => "length",
            KeyError::PrivateKeyRange => "range",
            KeyError::WifBase58 { .. } => "base58",
            KeyError::WifVersion(_) => "version",
            KeyError::WifCompression(_) => "compression",
            KeyError::WifChecksum { .. } => "checksum",
            KeyError::PublicKeyPrefix(_) => "prefix",
            KeyError::PublicKeyNotOnCurve => "not-on-curve",
        }
    }
}

/// A P-256 private key.
#[derive(Clone)]
pub struct PrivateKey(SigningKey);

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material by accident; the public key identifies it well enough.
        write!(f, "PrivateKey({})", self.public_key().to_hex())
    }
}

impl PrivateKey {
    /// Reads 32 big-endian bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() != 32 {
            return Err(KeyError::PrivateKeyLength(bytes.len()));
        }
        SigningKey::from_slice(bytes)
            .map(PrivateKey)
            .map_err(|_| KeyError::PrivateKeyRange)
    }

    /// Reads 64 hex characters.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Self::from_bytes(&decode_hex("private key", text)?)
    }

    /// Reads the WIF form: base58(0x80 ‖ key ‖ 0x01 ‖ first 4 bytes of SHA-256²).
    pub fn from_wif(wif: &str) -> Result<Self, KeyError> {
        let raw = bs58::decode(wif)
            .into_vec()
            .map_err(|e| KeyError::WifBase58 {
                reason: e.to_string(),
            })?;
        if raw.len() != 38 {
            return Err(KeyError::WifLength(raw.len()));
        }
        if raw[0] != 0x80 {
            return Err(KeyError::WifVersion(raw[0]));
        }
        if raw[33] != 0x01 {
            return Err(KeyError::WifCompression(raw[33]));
        }
        let computed = &sha256d(&raw[..34])[..4];
        if computed != &raw[34..] {
            return Err(KeyError::WifChecksum {
                computed: hex::encode(computed),
                found: hex::encode(&raw[34..]),
            });
        }
        Self::from_bytes(&raw[1..33])
    }

    /// Derives a key from seed text: the first SHA-256 of
    /// `qrconform/ontology/private-key/<counter>/<seed>` that is a valid scalar.
    /// Fixed seeds give fixed keys, which is what golden vectors and reproducible mock
    /// wallets need.
    pub fn from_seed(seed: &str) -> Self {
        (0u32..)
            .find_map(|counter| {
                let digest =
                    sha256(format!("qrconform/ontology/private-key/{counter}/{seed}").as_bytes());
                Self::from_bytes(&digest).ok()
            })
            .expect("a valid scalar is found within a few tries")
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes().into()
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    pub fn to_wif(&self) -> String {
        let mut raw = Vec::with_capacity(38);
        raw.push(0x80);
        raw.extend_from_slice(&self.to_bytes());
        raw.push(0x01);
        let checksum = sha256d(&raw);
        raw.extend_from_slice(&checksum[..4]);
        bs58::encode(raw).into_string()
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(*self.0.verifying_key())
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.0
    }
}

/// A P-256 public key; serialized as the 33-byte compressed point with no type prefix, as
/// the Ontology SDKs do for the default ECDSA P-256 key type.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

impl PublicKey {
    /// Reads a 33-byte compressed point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.len() != 33 {
            return Err(KeyError::PublicKeyLength(bytes.len()));
        }
        if bytes[0] != 0x02 && bytes[0] != 0x03 {
            return Err(KeyError::PublicKeyPrefix(bytes[0]));
        }
        VerifyingKey::from_sec1_bytes(bytes)
            .map(PublicKey)
            .map_err(|_| KeyError::PublicKeyNotOnCurve)
    }

    /// Reads 66 hex characters.
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        Self::from_bytes(&decode_hex("public key", text)?)
    }

    /// Reads any SEC1 encoding (compressed or uncompressed); for external vector sets such
    /// as Wycheproof that publish uncompressed points.
    pub fn from_sec1_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        VerifyingKey::from_sec1_bytes(bytes)
            .map(PublicKey)
            .map_err(|_| KeyError::PublicKeyNotOnCurve)
    }

    pub fn to_bytes(&self) -> [u8; 33] {
        let point = self.0.to_encoded_point(true);
        let mut out = [0u8; 33];
        out.copy_from_slice(point.as_bytes());
        out
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// The affine coordinates, big-endian; used to sort keys as the Go node does.
    pub(crate) fn coordinates(&self) -> ([u8; 32], [u8; 32]) {
        let point = self.0.to_encoded_point(false);
        let mut x = [0u8; 32];
        let mut y = [0u8; 32];
        x.copy_from_slice(point.x().expect("a valid key is not the identity"));
        y.copy_from_slice(point.y().expect("uncompressed points carry y"));
        (x, y)
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.0
    }
}
