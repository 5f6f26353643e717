//! EOS keys and signatures on secp256k1, as eosjs-ecc 4.0.7 writes and reads them.
//!
//! This module owns the text forms — legacy WIF and `PVT_K1_` private keys, `EOS…` and
//! `PUB_K1_` public keys, `SIG_K1_` signatures with their RIPEMD-160 checksums — and the
//! signature operations a SimpleWallet dApp and wallet need: verify, recover, the canonical
//! rule EOS nodes enforce, and signing byte-identical to eosjs-ecc's `ecc.sign`.
//!
//! Signing follows eosjs-ecc 4.0.7 exactly (simplewallet.md §5.4): attempt `c = 0, 1, …`
//! draws its nonce by RFC 6979 from `h = digest` (attempt 0) or `h = sha256(digest ‖ c zero
//! bytes)`, signs the *original* digest, normalises to low S, and keeps the first signature
//! whose DER `r` and `s` are both exactly 32 bytes. Other EOS signers (fc, eos-go) pick other
//! nonces; their signatures verify but are not byte-identical, so vectors pin this path.

use std::fmt;
use std::str::FromStr;

use k256::ecdsa::{RecoveryId, Signature as EcdsaSignature, VerifyingKey};
use k256::elliptic_curve::bigint::U256;
use k256::elliptic_curve::ops::Reduce;
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::elliptic_curve::PrimeField;
use k256::{FieldBytes, ProjectivePoint, Scalar};
use ripemd::Ripemd160;
use sha2::{Digest, Sha256};

/// The longest key or signature text accepted; real ones are at most 101 characters.
const MAX_TEXT: usize = 200;

/// The order of secp256k1, big-endian.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// Which rule a key or signature text broke; the message beside it says how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextErrorKind {
    /// Longer than any real key or signature text.
    TooLong,
    /// A character outside the base58 alphabet.
    Base58,
    /// The decoded bytes have the wrong length for the layout.
    Length,
    /// The checksum (SHA-256d or RIPEMD-160) does not match.
    Checksum,
    /// None of the prefixes the form allows (`EOS`, `PUB_K1_`, `SIG_K1_`).
    Prefix,
    /// A legacy WIF whose version byte is not 0x80.
    Version,
    /// A 33-byte WIF key whose last byte is not the compression flag 0x01.
    CompressionFlag,
    /// A signature whose recovery byte is outside 27–34.
    RecoveryByte,
    /// A public key that is not a point on secp256k1.
    Point,
}

impl TextErrorKind {
    /// A short stable name, used by vectors and checks to say which rejection they expect.
    pub fn as_str(self) -> &'static str {
        match self {
            // An over-long text is refused for its length before it is decoded.
            TextErrorKind::TooLong | TextErrorKind::Length => "length",
            TextErrorKind::Base58 => "base58",
            TextErrorKind::Checksum => "checksum",
            TextErrorKind::Prefix => "prefix",
            TextErrorKind::Version => "version",
            TextErrorKind::CompressionFlag => "compression-flag",
            TextErrorKind::RecoveryByte => "recovery-byte",
            TextErrorKind::Point => "point",
        }
    }
}

/// Why a key or signature text, or a signature check, was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("`{text}` is not a {what}: {reason}")]
    Text {
        what: &'static str,
        text: String,
        kind: TextErrorKind,
        reason: String,
    },
    #[error("the private key is not a scalar in [1, n-1]")]
    PrivateKeyRange,
    #[error("the public key is not a point on secp256k1 in compressed form")]
    PublicKeyPoint,
    #[error("the signature is {0} bytes, not 65 (i ‖ r ‖ s)")]
    SignatureLength(usize),
    #[error("the signature's recovery byte is {0}, not 27–34")]
    RecoveryByte(u8),
    #[error("the signature's {0} is not in [1, n-1]")]
    ScalarRange(&'static str),
    #[error("no public key can be recovered from the signature")]
    Unrecoverable,
    #[error("the signature does not verify against {0}")]
    Mismatch(String),
}

impl CryptoError {
    /// A short stable name, used by vectors and checks to say which rejection they expect.
    pub fn kind(&self) -> &'static str {
        match self {
            CryptoError::Text { kind, .. } => kind.as_str(),
            CryptoError::PrivateKeyRange => "key-range",
            CryptoError::PublicKeyPoint => "point",
            CryptoError::SignatureLength(_) => "length",
            CryptoError::RecoveryByte(_) => "recovery-byte",
            CryptoError::ScalarRange(_) => "scalar-range",
            CryptoError::Unrecoverable => "unrecoverable",
            CryptoError::Mismatch(_) => "mismatch",
        }
    }
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn ripemd160_prefix(parts: &[&[u8]]) -> [u8; 4] {
    let mut hasher = Ripemd160::new();
    for part in parts {
        hasher.update(part);
    }
    let digest = hasher.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

fn field(bytes: &[u8; 32]) -> FieldBytes {
    FieldBytes::from(*bytes)
}

fn sha256d_prefix(bytes: &[u8]) -> [u8; 4] {
    let digest = sha256(&sha256(bytes));
    [digest[0], digest[1], digest[2], digest[3]]
}

/// Decodes base58 text bounded by [`MAX_TEXT`], naming `what` in errors.
fn base58(what: &'static str, text: &str, body: &str) -> Result<Vec<u8>, CryptoError> {
    if text.len() > MAX_TEXT {
        return Err(text_error(
            what,
            text,
            TextErrorKind::TooLong,
            format!("longer than {MAX_TEXT} characters"),
        ));
    }
    bs58::decode(body).into_vec().map_err(|e| {
        text_error(
            what,
            text,
            TextErrorKind::Base58,
            format!("not base58 ({e})"),
        )
    })
}

fn text_error(
    what: &'static str,
    text: &str,
    kind: TextErrorKind,
    reason: impl Into<String>,
) -> CryptoError {
    let shown: String = text.chars().take(120).collect();
    CryptoError::Text {
        what,
        text: shown,
        kind,
        reason: reason.into(),
    }
}

/// A secp256k1 private key.
#[derive(Clone)]
pub struct PrivateKey {
    scalar: Scalar,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The scalar stays out of logs and transcripts; the public key names the key.
        write!(f, "PrivateKey({})", self.public_key())
    }
}

impl PrivateKey {
    /// The key with scalar `d` (big-endian), which must be in [1, n-1].
    pub fn from_bytes(d: &[u8; 32]) -> Result<Self, CryptoError> {
        let scalar: Option<Scalar> = Scalar::from_repr(field(d)).into();
        match scalar {
            Some(scalar) if !bool::from(scalar.is_zero()) => Ok(PrivateKey { scalar }),
            _ => Err(CryptoError::PrivateKeyRange),
        }
    }

    /// eosjs-ecc `seedPrivate`: the scalar is `sha256(seed)`.
    pub fn from_seed(seed: &str) -> Self {
        let mut digest = sha256(seed.as_bytes());
        // A digest outside [1, n-1] has probability about 2^-128; re-hashing keeps the
        // function total without changing any key eosjs-ecc can produce.
        loop {
            if let Ok(key) = PrivateKey::from_bytes(&digest) {
                return key;
            }
            digest = sha256(&digest);
        }
    }

    /// A legacy WIF (`5…`: base58 of `0x80 ‖ d ‖ sha256d[0..4]`, optionally with the
    /// compression flag `01` after `d`) or a `PVT_K1_` key (base58 of
    /// `d ‖ ripemd160(d ‖ "K1")[0..4]`).
    pub fn from_wif(text: &str) -> Result<Self, CryptoError> {
        const WHAT: &str = "private key (WIF or PVT_K1_)";
        if let Some(body) = text.strip_prefix("PVT_K1_") {
            let bytes = base58(WHAT, text, body)?;
            if bytes.len() != 36 {
                return Err(text_error(
                    WHAT,
                    text,
                    TextErrorKind::Length,
                    format!("{} bytes, not 36 (key ‖ checksum)", bytes.len()),
                ));
            }
            let (d, checksum) = bytes.split_at(32);
            if ripemd160_prefix(&[d, b"K1"]) != checksum {
                return Err(text_error(
                    WHAT,
                    text,
                    TextErrorKind::Checksum,
                    "the K1 checksum does not match",
                ));
            }
            let mut key = [0u8; 32];
            key.copy_from_slice(d);
            return PrivateKey::from_bytes(&key);
        }
        let bytes = base58(WHAT, text, text)?;
        if bytes.len() != 37 && bytes.len() != 38 {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::Length,
                format!("{} bytes, not 37 (0x80 ‖ key ‖ checksum)", bytes.len()),
            ));
        }
        let (payload, checksum) = bytes.split_at(bytes.len() - 4);
        if sha256d_prefix(payload) != checksum {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::Checksum,
                "the checksum does not match",
            ));
        }
        if payload[0] != 0x80 {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::Version,
                format!("version byte 0x{:02x}, not 0x80", payload[0]),
            ));
        }
        if payload.len() == 34 && payload[33] != 0x01 {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::CompressionFlag,
                "33 key bytes not ending in 0x01",
            ));
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&payload[1..33]);
        PrivateKey::from_bytes(&key)
    }

    /// The scalar, big-endian.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.scalar.to_repr().into()
    }

    /// The legacy WIF eosjs-ecc writes (`toWif`).
    pub fn to_wif(&self) -> String {
        let mut payload = Vec::with_capacity(37);
        payload.push(0x80);
        payload.extend_from_slice(&self.to_bytes());
        let checksum = sha256d_prefix(&payload);
        payload.extend_from_slice(&checksum);
        bs58::encode(payload).into_string()
    }

    /// The `PVT_K1_` form.
    pub fn to_pvt_k1(&self) -> String {
        let d = self.to_bytes();
        let mut payload = d.to_vec();
        payload.extend_from_slice(&ripemd160_prefix(&[&d, b"K1"]));
        format!("PVT_K1_{}", bs58::encode(payload).into_string())
    }

    pub fn public_key(&self) -> PublicKey {
        let point = (ProjectivePoint::GENERATOR * self.scalar).to_affine();
        let encoded = point.to_encoded_point(true);
        let mut compressed = [0u8; 33];
        compressed.copy_from_slice(encoded.as_bytes());
        PublicKey { compressed }
    }

    /// eosjs-ecc `ecc.sign(message, key)`: one SHA-256 of the bytes, then [`Self::sign_digest`].
    pub fn sign(&self, message: &[u8]) -> Signature {
        self.sign_digest(&sha256(message))
    }

    /// eosjs-ecc `Signature.signHash`: the first canonical signature of the retry sequence.
    pub fn sign_digest(&self, digest: &[u8; 32]) -> Signature {
        self.sign_digest_counting(digest).0
    }

    /// [`Self::sign_digest`], with the attempt that gave the signature (eosjs-ecc's `nonce`).
    pub fn sign_digest_counting(&self, digest: &[u8; 32]) -> (Signature, u32) {
        let e = <Scalar as Reduce<U256>>::reduce_bytes(&field(digest));
        let d = self.to_bytes();
        let mut attempt: u32 = 0;
        loop {
            let h = if attempt == 0 {
                *digest
            } else {
                let mut extended = digest.to_vec();
                extended.resize(32 + attempt as usize, 0);
                sha256(&extended)
            };
            if let Some((r, s, recid)) = self.sign_with_nonce(&d, &h, &e) {
                // 27 (compact) + 4 (compressed key) + the recovery id.
                let candidate = Signature {
                    i: 31 + recid,
                    r: r.to_repr().into(),
                    s: s.to_repr().into(),
                };
                if candidate.is_canonical() {
                    return (candidate, attempt);
                }
            }
            attempt = attempt.wrapping_add(1);
        }
    }

    /// One ECDSA signature with the RFC 6979 nonce of `h` (used raw, as eosjs-ecc does),
    /// normalised to low S, with its recovery id; `None` when the nonce gives `r = 0` or
    /// `s = 0`.
    ///
    /// eosjs-ecc finds the recovery id by trying `i` = 0..3 until the recovered key is the
    /// signer's. Only one `i` recovers it, and it is the one the nonce point `R = kG` fixes:
    /// bit 0 is the parity of R's y (flipped when S is negated, which negates R), bit 1 says
    /// R's x was at least the group order (so `r = x - n`). Reading it from R gives the same
    /// byte without four key recoveries; a test compares the two rules on many keys.
    fn sign_with_nonce(
        &self,
        d: &[u8; 32],
        h: &[u8; 32],
        e: &Scalar,
    ) -> Option<(Scalar, Scalar, u8)> {
        let k_bytes = rfc6979::generate_k::<Sha256, _>(&field(d), &field(&ORDER), &field(h), b"");
        let k: Option<Scalar> = Scalar::from_repr(k_bytes).into();
        let k = k?;
        let point = (ProjectivePoint::GENERATOR * k).to_affine();
        let x = point.x();
        let r = <Scalar as Reduce<U256>>::reduce_bytes(&x);
        if bool::from(r.is_zero()) {
            return None;
        }
        let k_inv: Option<Scalar> = k.invert().into();
        let s = k_inv? * (*e + r * self.scalar);
        if bool::from(s.is_zero()) {
            return None;
        }
        // x ≥ n exactly when reducing it changed it.
        let x_reduced = r.to_repr() != x;
        let y_odd = bool::from(point.y_is_odd());
        let high = bool::from(s.is_high());
        let s = if high { -s } else { s };
        let recid = u8::from(y_odd ^ high) | (u8::from(x_reduced) << 1);
        Some((r, s, recid))
    }
}

/// A secp256k1 public key (33-byte compressed SEC1 point).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey {
    compressed: [u8; 33],
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_legacy())
    }
}

impl PublicKey {
    /// A compressed SEC1 point that is on the curve.
    pub fn from_compressed(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != 33 || !(bytes[0] == 2 || bytes[0] == 3) {
            return Err(CryptoError::PublicKeyPoint);
        }
        VerifyingKey::from_sec1_bytes(bytes).map_err(|_| CryptoError::PublicKeyPoint)?;
        let mut compressed = [0u8; 33];
        compressed.copy_from_slice(bytes);
        Ok(PublicKey { compressed })
    }

    pub fn compressed(&self) -> [u8; 33] {
        self.compressed
    }

    /// `EOS` + base58(point ‖ ripemd160(point)[0..4]), the form eosjs-ecc writes.
    pub fn to_legacy(&self) -> String {
        let mut payload = self.compressed.to_vec();
        payload.extend_from_slice(&ripemd160_prefix(&[&self.compressed]));
        format!("EOS{}", bs58::encode(payload).into_string())
    }

    /// `PUB_K1_` + base58(point ‖ ripemd160(point ‖ "K1")[0..4]).
    pub fn to_pub_k1(&self) -> String {
        let mut payload = self.compressed.to_vec();
        payload.extend_from_slice(&ripemd160_prefix(&[&self.compressed, b"K1"]));
        format!("PUB_K1_{}", bs58::encode(payload).into_string())
    }

    fn verifying_key(&self) -> Result<VerifyingKey, CryptoError> {
        VerifyingKey::from_sec1_bytes(&self.compressed).map_err(|_| CryptoError::PublicKeyPoint)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_legacy())
    }
}

impl FromStr for PublicKey {
    type Err = CryptoError;

    /// `EOS…` or `PUB_K1_…`.
    fn from_str(text: &str) -> Result<Self, CryptoError> {
        const WHAT: &str = "public key (EOS… or PUB_K1_…)";
        let (body, k1) = if let Some(body) = text.strip_prefix("PUB_K1_") {
            (body, true)
        } else if let Some(body) = text.strip_prefix("EOS") {
            (body, false)
        } else {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::Prefix,
                "it starts with neither EOS nor PUB_K1_",
            ));
        };
        let bytes = base58(WHAT, text, body)?;
        if bytes.len() != 37 {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::Length,
                format!("{} bytes, not 37 (point ‖ checksum)", bytes.len()),
            ));
        }
        let (point, checksum) = bytes.split_at(33);
        let expected = if k1 {
            ripemd160_prefix(&[point, b"K1"])
        } else {
            ripemd160_prefix(&[point])
        };
        if expected != checksum {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::Checksum,
                "the checksum does not match",
            ));
        }
        PublicKey::from_compressed(point).map_err(|_| {
            text_error(
                WHAT,
                text,
                TextErrorKind::Point,
                "the point is not on secp256k1",
            )
        })
    }
}

/// A compact EOS signature: recovery byte `i` (31–34 as eosjs-ecc writes it; 27–34 read),
/// then `r` and `s`, big-endian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub i: u8,
    pub r: [u8; 32],
    pub s: [u8; 32],
}

impl Signature {
    pub fn to_bytes(&self) -> [u8; 65] {
        let mut bytes = [0u8; 65];
        bytes[0] = self.i;
        bytes[1..33].copy_from_slice(&self.r);
        bytes[33..].copy_from_slice(&self.s);
        bytes
    }

    /// `i ‖ r ‖ s`; `i` must be 27–34 (eosjs-ecc `fromBuffer`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != 65 {
            return Err(CryptoError::SignatureLength(bytes.len()));
        }
        if !(27..=34).contains(&bytes[0]) {
            return Err(CryptoError::RecoveryByte(bytes[0]));
        }
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&bytes[1..33]);
        s.copy_from_slice(&bytes[33..]);
        Ok(Signature { i: bytes[0], r, s })
    }

    /// fc's `is_canonical`, the rule EOS nodes apply: `r` and `s` are each exactly 32 bytes
    /// in DER (top bit clear, and not a zero byte followed by a clear top bit).
    pub fn is_canonical(&self) -> bool {
        let fits = |x: &[u8; 32]| x[0] & 0x80 == 0 && !(x[0] == 0 && x[1] & 0x80 == 0);
        fits(&self.r) && fits(&self.s)
    }

    /// Whether `s` is above n/2 (a malleated signature; never canonical).
    pub fn is_high_s(&self) -> bool {
        let s: Option<Scalar> = Scalar::from_repr(field(&self.s)).into();
        s.map(|s| bool::from(s.is_high())).unwrap_or(false)
    }

    /// The same signature with `s` replaced by `n - s`: it still verifies (eosjs-ecc accepts
    /// it) but is not canonical, which EOS nodes refuse.
    pub fn high_s(&self) -> Signature {
        let s: Option<Scalar> = Scalar::from_repr(field(&self.s)).into();
        match s {
            Some(s) => {
                // The recovery id's low bit is R's y parity, which negating s flips. For
                // i in 27–34 that is `i ^ 1` on `i - 27`; any other byte is kept as it is
                // (it recovers nothing either way) rather than wrapping.
                let flipped = match self.i.checked_sub(27) {
                    Some(offset) if offset <= 7 => 27 + (offset ^ 1),
                    _ => self.i,
                };
                Signature {
                    i: flipped,
                    r: self.r,
                    s: (-s).to_repr().into(),
                }
            }
            None => *self,
        }
    }

    fn scalars(&self) -> Result<(Scalar, Scalar), CryptoError> {
        let r: Option<Scalar> = Scalar::from_repr(field(&self.r)).into();
        let s: Option<Scalar> = Scalar::from_repr(field(&self.s)).into();
        let r = r
            .filter(|r| !bool::from(r.is_zero()))
            .ok_or(CryptoError::ScalarRange("r"))?;
        let s = s
            .filter(|s| !bool::from(s.is_zero()))
            .ok_or(CryptoError::ScalarRange("s"))?;
        Ok((r, s))
    }

    /// The low-S form k256 works with, and the recovery id that goes with it.
    fn normalised(&self) -> Result<(EcdsaSignature, u8), CryptoError> {
        if !(27..=34).contains(&self.i) {
            return Err(CryptoError::RecoveryByte(self.i));
        }
        let (r, s) = self.scalars()?;
        let mut recid = (self.i - 27) & 3;
        let s = if bool::from(s.is_high()) {
            // n - s goes with the point -R, whose y has the other parity.
            recid ^= 1;
            -s
        } else {
            s
        };
        let signature =
            EcdsaSignature::from_scalars(r, s).map_err(|_| CryptoError::ScalarRange("r"))?;
        Ok((signature, recid))
    }

    /// eosjs-ecc `recoverHash`: the key that made this signature over `digest`.
    pub fn recover_digest(&self, digest: &[u8; 32]) -> Result<PublicKey, CryptoError> {
        let (signature, recid) = self.normalised()?;
        let recid = RecoveryId::from_byte(recid).ok_or(CryptoError::Unrecoverable)?;
        let key = VerifyingKey::recover_from_prehash(digest, &signature, recid)
            .map_err(|_| CryptoError::Unrecoverable)?;
        PublicKey::from_compressed(key.to_encoded_point(true).as_bytes())
    }

    /// eosjs-ecc `ecc.recover(signature, message)`: one SHA-256, then recover.
    pub fn recover(&self, message: &[u8]) -> Result<PublicKey, CryptoError> {
        self.recover_digest(&sha256(message))
    }

    /// eosjs-ecc `verifyHash`: the plain ECDSA equation, with no low-S requirement (check
    /// [`Self::is_canonical`] separately where EOS node rules apply).
    pub fn verify_digest(&self, digest: &[u8; 32], key: &PublicKey) -> Result<(), CryptoError> {
        use k256::ecdsa::signature::hazmat::PrehashVerifier;
        let (signature, _) = self.normalised()?;
        key.verifying_key()?
            .verify_prehash(digest, &signature)
            .map_err(|_| CryptoError::Mismatch(key.to_legacy()))
    }

    /// eosjs-ecc `ecc.verify(signature, message, key)`: one SHA-256, then verify.
    pub fn verify(&self, message: &[u8], key: &PublicKey) -> Result<(), CryptoError> {
        self.verify_digest(&sha256(message), key)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        let mut payload = bytes.to_vec();
        payload.extend_from_slice(&ripemd160_prefix(&[&bytes, b"K1"]));
        write!(f, "SIG_K1_{}", bs58::encode(payload).into_string())
    }
}

impl FromStr for Signature {
    type Err = CryptoError;

    /// `SIG_K1_` + base58(i ‖ r ‖ s ‖ ripemd160(i ‖ r ‖ s ‖ "K1")[0..4]).
    fn from_str(text: &str) -> Result<Self, CryptoError> {
        const WHAT: &str = "SIG_K1_ signature";
        let Some(body) = text.strip_prefix("SIG_K1_") else {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::Prefix,
                "it does not start with SIG_K1_",
            ));
        };
        let bytes = base58(WHAT, text, body)?;
        if bytes.len() != 69 {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::Length,
                format!("{} bytes, not 69 (i ‖ r ‖ s ‖ checksum)", bytes.len()),
            ));
        }
        let (payload, checksum) = bytes.split_at(65);
        if ripemd160_prefix(&[payload, b"K1"]) != checksum {
            return Err(text_error(
                WHAT,
                text,
                TextErrorKind::Checksum,
                "the K1 checksum does not match",
            ));
        }
        Signature::from_bytes(payload).map_err(|e| {
            // The payload is 65 bytes by now, so the recovery byte is what can be wrong.
            let kind = match e {
                CryptoError::SignatureLength(_) => TextErrorKind::Length,
                _ => TextErrorKind::RecoveryByte,
            };
            text_error(WHAT, text, kind, e.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV_WIF: &str = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3";
    const DEV_PUB: &str = "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV";

    #[test]
    fn the_eosjs_key_vectors_hold() {
        let key = PrivateKey::from_seed("");
        assert_eq!(
            key.to_wif(),
            "5KYZdUEo39z3FPrtuX2QbbwGnNP5zTd7yyr2SC1j299sBCnWjss"
        );
        assert_eq!(
            key.public_key().to_legacy(),
            "EOS859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2HqhToVM"
        );
        assert_eq!(
            key.public_key().to_pub_k1(),
            "PUB_K1_859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2Ht7beeX"
        );
        let dev = PrivateKey::from_wif(DEV_WIF).unwrap();
        assert_eq!(
            hex::encode(dev.to_bytes()),
            "d2653ff7cbb2d8ff129ac27ef5781ce68b2558c41a74af1f2ddca635cbeef07d"
        );
        assert_eq!(dev.public_key().to_legacy(), DEV_PUB);
        assert_eq!(
            hex::encode(dev.public_key().compressed()),
            "02c0ded2bc1f1305fb0faac5e6c03ee3a1924234985427b6167ca569d13df435cf"
        );
        let pvt = PrivateKey::from_wif("PVT_K1_2jH3nnhxhR3zPUcsKaWWZC9ZmZAnKm3GAnFD1xynGJE1Znuvjd")
            .unwrap();
        assert_eq!(pvt.to_bytes(), key.to_bytes());
        assert_eq!(
            pvt.to_pvt_k1(),
            "PVT_K1_2jH3nnhxhR3zPUcsKaWWZC9ZmZAnKm3GAnFD1xynGJE1Znuvjd"
        );
        let parsed: PublicKey = "PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63"
            .parse()
            .unwrap();
        assert_eq!(parsed.to_legacy(), DEV_PUB);
    }

    #[test]
    fn bad_key_texts_are_refused_with_a_reason() {
        for bad in [
            "EOS859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2HqhToVm",
            "MMM859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2HqhToVM",
            "EOS0OIl",
            "",
        ] {
            assert!(bad.parse::<PublicKey>().is_err(), "{bad}");
        }
        let err = PrivateKey::from_wif("5KYZdUEo39z3FPrtuX2QbbwGnNP5zTd7yyr2SC1j299sBCnWjsm")
            .unwrap_err();
        assert!(err.to_string().contains("checksum"), "{err}");
        assert!(PrivateKey::from_wif(&"5".repeat(5000)).is_err());
        assert!(PrivateKey::from_bytes(&[0u8; 32]).is_err());
        assert!(PrivateKey::from_bytes(&ORDER).is_err());
    }

    #[test]
    fn signing_is_byte_identical_to_eosjs_ecc() {
        // The published eosjs-ecc output (first attempt canonical).
        let key =
            PrivateKey::from_wif("5J5twkfSgL3SgWNKDsD5bjvevdmbXD5faBGcybJVAmYjCJXvpbJ").unwrap();
        assert_eq!(
            key.public_key().to_legacy(),
            "EOS68vRVaNgCvStaUmxQsKoHANU1Uypo4BQLWSNEM8KBiCAWW8deh"
        );
        assert_eq!(
            key.sign(b"hello").to_string(),
            "SIG_K1_KcB1jGNsjYEE7Gby6X7KZ9z6BFVfHPey6DUayYtDagXsbzr4Tbfpq5TS2JvYzs3oMg9QGAugTyGXoTVe7DujeXpDX5KYfJ"
        );
        // The retry path: attempts 1, 2 and 3.
        let dev = PrivateKey::from_wif(DEV_WIF).unwrap();
        for (message, attempt, expected) in [
            ("hello", 1, "SIG_K1_KXnnmji8S83LeKYhJYqNpWS71BCGGwRmeG6FkjyZVEHLQnZs1UitJyR8rrfNHr8MG8UkgYED3FtCgL1szwFGTqwnBfNpui"),
            ("hi", 0, "SIG_K1_KadLefBUDCecGQcNUYCDdtLuooZa9YKFRWn2PnpHibqw2ShrgNfjREbGZH7BWqkX5miTQhsx53497cSzyDHo3RfwgXTCjb"),
            ("", 3, "SIG_K1_JucCFR7kxqSWyKXwbRZyjZJoVayhoMjTEigEHz9ShNGY5cXqYy2QoDAQv4WhA1Mg24mBkrFNd3YqP2EVBTbpESUZHjvya4"),
            ("1546613919testaccount1e9467118-9321-4916-8153-4a5a9087e51eMockWallet", 2, "SIG_K1_K8cWuMtP7YaFivQmsMqJJHJeQcHZVtB2k9vTesPuyZZNWgFn8XXqhBU9r5Erb1fZYM2rAsnshPfae3aZrek11NSoqh5F3k"),
        ] {
            let (signature, used) = dev.sign_digest_counting(&sha256(message.as_bytes()));
            assert_eq!(signature.to_string(), expected, "{message:?}");
            assert_eq!(used, attempt, "{message:?}");
            assert!(signature.is_canonical());
            assert_eq!(signature.recover(message.as_bytes()).unwrap(), dev.public_key());
        }
    }

    /// eosjs-ecc's own rule for the recovery byte: the first `i` in 0..4 whose recovered key
    /// is the signer's.
    fn recovery_byte_by_search(signature: &Signature, digest: &[u8; 32], ours: &PublicKey) -> u8 {
        let mut candidate = *signature;
        (31..35)
            .find(|&i| {
                candidate.i = i;
                candidate.recover_digest(digest).ok().as_ref() == Some(ours)
            })
            .expect("some recovery id recovers the signer")
    }

    #[test]
    fn the_recovery_byte_read_from_r_is_the_one_eosjs_ecc_searches_for() {
        let mut flipped = 0;
        for n in 0..2000u32 {
            let key = PrivateKey::from_seed(&format!("recovery-{n}"));
            let message = format!("message {n} {}", "x".repeat((n % 7) as usize));
            let digest = sha256(message.as_bytes());
            let (signature, _) = key.sign_digest_counting(&digest);
            let searched = recovery_byte_by_search(&signature, &digest, &key.public_key());
            assert_eq!(signature.i, searched, "key {n}, message {message:?}");
            flipped += usize::from(signature.i % 2 == 0);
        }
        // Both parities occur, so the low-S flip was exercised both ways.
        assert!(flipped > 500 && flipped < 1500, "{flipped}");
    }

    #[test]
    fn the_mykey_mainnet_signature_recovers_to_its_reserved_key() {
        let message = "1606900362mykeydocteste9467118-9321-4916-8153-4a5a9087e51emykeyE87E3CC788C44BB8544003AF6CEB62E8";
        let signature: Signature = "SIG_K1_KcMxF6rNee2jsM9fge5CZWiENU4j6YLsHgKHD7n9TWvvhLSBtHE8rHV641sVdrw3JRcvCjBtGPRBHSBxzMubzw8DYVnk2e".parse().unwrap();
        assert_eq!(signature.i, 32);
        let key = signature.recover(message.as_bytes()).unwrap();
        assert_eq!(
            key.to_legacy(),
            "EOS6XmD7NK12LnmtXHtdnReTYbgRV1JPeo1M1BQvrHgnz6J1nNCFZ"
        );
        signature.verify(message.as_bytes(), &key).unwrap();
        // Double hashing (a published sample's mistake) does not recover the key.
        assert_ne!(
            signature
                .recover_digest(&sha256(&sha256(message.as_bytes())))
                .ok(),
            Some(key)
        );
    }

    #[test]
    fn high_s_verifies_but_is_not_canonical() {
        let dev = PrivateKey::from_wif(DEV_WIF).unwrap();
        let signature = dev.sign(b"hi");
        let high = signature.high_s();
        assert!(high.is_high_s() && !high.is_canonical());
        high.verify(b"hi", &dev.public_key()).unwrap();
        assert_eq!(high.recover(b"hi").unwrap(), dev.public_key());
        let other = PrivateKey::from_seed("other").public_key();
        let err = signature.verify(b"hi", &other).unwrap_err();
        assert!(err.to_string().contains(&other.to_legacy()), "{err}");
        assert!(signature.verify(b"ho", &dev.public_key()).is_err());
    }

    #[test]
    fn high_s_keeps_a_recovery_byte_outside_27_to_34_instead_of_wrapping() {
        let dev = PrivateKey::from_wif(DEV_WIF).unwrap();
        let signature = dev.sign(b"hi");
        // Every valid byte flips the parity bit and stays in its 27–30 or 31–34 block.
        for (i, flipped) in [(27, 28), (28, 27), (30, 29), (31, 32), (32, 31), (34, 33)] {
            assert_eq!(Signature { i, ..signature }.high_s().i, flipped, "i = {i}");
        }
        for i in [0, 26, 35, 254, 255] {
            let high = Signature { i, ..signature }.high_s();
            assert_eq!(high.i, i);
            assert_eq!(high.s, signature.high_s().s);
        }
    }

    #[test]
    fn each_text_rejection_has_its_kind() {
        let key = PrivateKey::from_seed("kinds");
        let pvt_body =
            bs58::encode([key.to_bytes().as_slice(), &[0, 0, 0, 0]].concat()).into_string();
        let mut wif_bytes = vec![0x81];
        wif_bytes.extend_from_slice(&key.to_bytes());
        let checksum = sha256d_prefix(&wif_bytes);
        wif_bytes.extend_from_slice(&checksum);
        let mut flagged = vec![0x80];
        flagged.extend_from_slice(&key.to_bytes());
        flagged.push(0x02);
        let flag_checksum = sha256d_prefix(&flagged);
        flagged.extend_from_slice(&flag_checksum);
        let private = |text: &str| PrivateKey::from_wif(text).unwrap_err();
        assert_eq!(private(&"5".repeat(MAX_TEXT + 1)).kind(), "length");
        assert_eq!(private("5KYZ0").kind(), "base58");
        assert_eq!(private("5KYZ").kind(), "length");
        assert_eq!(private(&format!("PVT_K1_{pvt_body}")).kind(), "checksum");
        assert_eq!(
            private(&bs58::encode(&wif_bytes).into_string()).kind(),
            "version"
        );
        assert_eq!(
            private(&bs58::encode(&flagged).into_string()).kind(),
            "compression-flag"
        );

        let public = |text: &str| text.parse::<PublicKey>().unwrap_err();
        assert_eq!(public("PUB_R1_abc").kind(), "prefix");
        let mut off_curve = vec![0x02];
        off_curve.extend_from_slice(&[0xff; 32]);
        let off_checksum = ripemd160_prefix(&[&off_curve]);
        off_curve.extend_from_slice(&off_checksum);
        let err = public(&format!("EOS{}", bs58::encode(&off_curve).into_string()));
        assert_eq!(err.kind(), "point");
        assert!(err.to_string().contains("not on secp256k1"), "{err}");

        let mut bytes = key.sign(b"m").to_bytes().to_vec();
        bytes[0] = 26;
        let checksum = ripemd160_prefix(&[&bytes, b"K1"]);
        bytes.extend_from_slice(&checksum);
        let text = format!("SIG_K1_{}", bs58::encode(&bytes).into_string());
        let err = text.parse::<Signature>().unwrap_err();
        assert_eq!(err.kind(), "recovery-byte");
        // The message still quotes the text it refused.
        assert!(err.to_string().contains(&text), "{err}");
        assert_eq!(
            "SIG_R1_x".parse::<Signature>().unwrap_err().kind(),
            "prefix"
        );
    }

    #[test]
    fn bad_signature_texts_are_refused_with_a_reason() {
        let good = PrivateKey::from_seed("x").sign(b"m").to_string();
        let mut tampered = good.clone();
        tampered.pop();
        tampered.push(if good.ends_with('1') { '2' } else { '1' });
        for bad in [
            tampered.as_str(),
            "SIG_R1_abc",
            "SIG_K1_",
            "SIG_K1_0OIl",
            "hello",
        ] {
            assert!(bad.parse::<Signature>().is_err(), "{bad}");
        }
        let mut bytes = good.parse::<Signature>().unwrap().to_bytes();
        bytes[0] = 40;
        assert_eq!(
            Signature::from_bytes(&bytes),
            Err(CryptoError::RecoveryByte(40))
        );
        let zero = Signature {
            i: 31,
            r: [0; 32],
            s: [1; 32],
        };
        assert_eq!(zero.recover(b"m"), Err(CryptoError::ScalarRange("r")));
        let big = Signature {
            i: 31,
            r: [1; 32],
            s: [0xff; 32],
        };
        assert!(big
            .verify(b"m", &PrivateKey::from_seed("x").public_key())
            .is_err());
    }
}
