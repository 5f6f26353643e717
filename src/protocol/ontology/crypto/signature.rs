//! `SHA256withECDSA` signatures as the Ontology wallets exchange them: parsing the 65-byte
//! `scheme ‖ r ‖ s` and 64-byte `r ‖ s` forms with a reason for every rejection, deterministic
//! low-S signing, and verification over SHA-256 of the message bytes.

use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use p256::ecdsa::Signature;

use super::keys::{KeyError, PrivateKey, PublicKey};
use super::sha256;

/// The scheme byte of `SHA256withECDSA`, the only scheme a P-256 login signature may use.
pub const SCHEME_SHA256_WITH_ECDSA: u8 = 0x01;

/// The P-256 group order n, big-endian.
const ORDER: [u8; 32] =
    hex_literal(b"ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
/// n / 2 rounded down: an `s` above it is "high".
const HALF_ORDER: [u8; 32] =
    hex_literal(b"7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8");

const fn hex_literal(text: &[u8; 64]) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not a lower-case hex digit"),
        }
    }
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(text[2 * i]) << 4) | nibble(text[2 * i + 1]);
        i += 1;
    }
    out
}

/// Names of the Ontology signature scheme bytes (ontology-crypto's enumeration).
pub fn scheme_name(byte: u8) -> Option<&'static str> {
    Some(match byte {
        0x00 => "SHA224withECDSA",
        0x01 => "SHA256withECDSA",
        0x02 => "SHA384withECDSA",
        0x03 => "SHA512withECDSA",
        0x04 => "SHA3-224withECDSA",
        0x05 => "SHA3-256withECDSA",
        0x06 => "SHA3-384withECDSA",
        0x07 => "SHA3-512withECDSA",
        0x08 => "RIPEMD160withECDSA",
        0x09 => "SM3withSM2",
        0x0a => "SHA512withEdDSA",
        0x0b => "KECCAK256withECDSA",
        _ => return None,
    })
}

/// Why bytes are not an acceptable signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("signature is not valid hex: {0}")]
    Hex(String),
    #[error("signature is DER-encoded ({0} bytes); expected 65-byte 01‖r‖s or 64-byte r‖s")]
    Der(usize),
    #[error("signature is {0} bytes; expected 65 (01‖r‖s) or 64 (r‖s)")]
    Length(usize),
    #[error("signature scheme byte 0x{byte:02x} ({name}) is not SHA256withECDSA (0x01), the scheme of a P-256 key")]
    SchemeMismatch { byte: u8, name: &'static str },
    #[error("signature scheme byte 0x{0:02x} is unknown; expected 0x01 (SHA256withECDSA)")]
    UnknownScheme(u8),
    #[error("signature r is zero")]
    RZero,
    #[error("signature s is zero")]
    SZero,
    #[error("signature r is not below the group order n")]
    ROutOfRange,
    #[error("signature s is not below the group order n")]
    SOutOfRange,
}

impl SignatureError {
    /// A short stable name, used by vectors to say which rejection they expect.
    pub fn kind(&self) -> &'static str {
        match self {
            SignatureError::Hex(_) => "hex",
            SignatureError::Der(_) => "der",
            SignatureError::Length(_) => "length",
            SignatureError::SchemeMismatch { .. } | SignatureError::UnknownScheme(_) => "scheme",
            SignatureError::RZero => "r-zero",
            SignatureError::SZero => "s-zero",
            SignatureError::ROutOfRange => "r-range",
            SignatureError::SOutOfRange => "s-range",
        }
    }
}

/// Which of the two accepted forms a signature arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureForm {
    /// `0x01 ‖ r ‖ s` (Java and TypeScript SDKs, the mobile wallets).
    WithScheme,
    /// `r ‖ s` (the Go SDK drops the scheme byte for SHA256withECDSA).
    Plain,
}

/// A well-formed signature: both scalars in `1..n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OntSignature {
    pub form: SignatureForm,
    pub r: [u8; 32],
    pub s: [u8; 32],
}

impl OntSignature {
    /// Parses the wire bytes, rejecting every malformed family with its reason.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SignatureError> {
        let (form, body) = match bytes.len() {
            65 => {
                let scheme = bytes[0];
                if scheme != SCHEME_SHA256_WITH_ECDSA {
                    if looks_like_der(bytes) {
                        return Err(SignatureError::Der(bytes.len()));
                    }
                    return Err(match scheme_name(scheme) {
                        Some(name) => SignatureError::SchemeMismatch { byte: scheme, name },
                        None => SignatureError::UnknownScheme(scheme),
                    });
                }
                (SignatureForm::WithScheme, &bytes[1..])
            }
            64 => (SignatureForm::Plain, bytes),
            other if looks_like_der(bytes) => return Err(SignatureError::Der(other)),
            other => return Err(SignatureError::Length(other)),
        };
        Self::from_scalars(form, body)
    }

    /// Parses hex text of the wire bytes.
    pub fn from_hex(text: &str) -> Result<Self, SignatureError> {
        let bytes = hex::decode(text).map_err(|e| SignatureError::Hex(e.to_string()))?;
        Self::from_bytes(&bytes)
    }

    /// Parses a bare 64-byte IEEE P1363 `r ‖ s` (no scheme byte, no other length).
    pub fn from_p1363(bytes: &[u8]) -> Result<Self, SignatureError> {
        if bytes.len() != 64 {
            return Err(SignatureError::Length(bytes.len()));
        }
        Self::from_scalars(SignatureForm::Plain, bytes)
    }

    /// Parses a strict DER `SEQUENCE { r INTEGER, s INTEGER }`. The protocol never carries
    /// DER; this exists so external DER vector sets exercise the same verification path.
    pub fn from_der(bytes: &[u8]) -> Result<Self, SignatureError> {
        let signature = Signature::from_der(bytes).map_err(|_| SignatureError::Der(bytes.len()))?;
        Self::from_scalars(SignatureForm::Plain, &signature.to_bytes())
    }

    fn from_scalars(form: SignatureForm, body: &[u8]) -> Result<Self, SignatureError> {
        let mut r = [0u8; 32];
        let mut s = [0u8; 32];
        r.copy_from_slice(&body[..32]);
        s.copy_from_slice(&body[32..64]);
        if r == [0u8; 32] {
            return Err(SignatureError::RZero);
        }
        if s == [0u8; 32] {
            return Err(SignatureError::SZero);
        }
        if r >= ORDER {
            return Err(SignatureError::ROutOfRange);
        }
        if s >= ORDER {
            return Err(SignatureError::SOutOfRange);
        }
        Ok(OntSignature { form, r, s })
    }

    /// The bytes in the form the signature arrived in.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self.form {
            SignatureForm::WithScheme => self.to_scheme_bytes().to_vec(),
            SignatureForm::Plain => self.to_plain_bytes().to_vec(),
        }
    }

    /// `0x01 ‖ r ‖ s`.
    pub fn to_scheme_bytes(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        out[0] = SCHEME_SHA256_WITH_ECDSA;
        out[1..33].copy_from_slice(&self.r);
        out[33..].copy_from_slice(&self.s);
        out
    }

    /// `r ‖ s`.
    pub fn to_plain_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.r);
        out[32..].copy_from_slice(&self.s);
        out
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }

    /// Whether `s <= n/2`, the form the TypeScript SDK emits and wallets SHOULD emit.
    pub fn is_low_s(&self) -> bool {
        self.s <= HALF_ORDER
    }

    /// The same signature with `s` replaced by `n - s` (valid too; ECDSA is malleable).
    pub fn with_negated_s(&self) -> Self {
        let mut s = [0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let mut digit = ORDER[i] as i16 - self.s[i] as i16 - borrow;
            borrow = if digit < 0 { 1 } else { 0 };
            if digit < 0 {
                digit += 256;
            }
            s[i] = digit as u8;
        }
        OntSignature { s, ..*self }
    }

    fn to_p256(self) -> Signature {
        Signature::from_scalars(self.r, self.s).expect("scalars were range-checked at parse time")
    }
}

/// A DER SEQUENCE whose declared length matches: enough to tell a DER signature apart from
/// a wrong scheme byte or a wrong length when explaining a rejection.
fn looks_like_der(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && bytes[0] == 0x30 && bytes[1] as usize == bytes.len() - 2 && bytes[2] == 0x02
}

/// Why a signature does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("{0}")]
    PublicKey(KeyError),
    #[error("{0}")]
    Malformed(SignatureError),
    #[error("message is not hex although ishex is true: {0}")]
    MessageNotHex(String),
    #[error("signature does not verify for this public key and message")]
    Mismatch,
}

impl VerifyError {
    /// A short stable name, used by vectors to say which rejection they expect.
    pub fn kind(&self) -> &'static str {
        match self {
            VerifyError::PublicKey(_) => "public-key",
            VerifyError::Malformed(e) => e.kind(),
            VerifyError::MessageNotHex(_) => "message-hex",
            VerifyError::Mismatch => "mismatch",
        }
    }
}

/// The bytes a wallet signs for `message` (ONT-S2): its UTF-8 bytes, or the hex-decoded
/// bytes when `ishex` is true.
pub fn message_bytes(message: &str, ishex: bool) -> Result<Vec<u8>, VerifyError> {
    if ishex {
        hex::decode(message).map_err(|e| VerifyError::MessageNotHex(e.to_string()))
    } else {
        Ok(message.as_bytes().to_vec())
    }
}

/// Signs SHA-256 of `message` with an RFC 6979 nonce and normalises to low S, giving the
/// 65-byte form.
pub fn sign(key: &PrivateKey, message: &[u8]) -> OntSignature {
    let signature: Signature = key
        .signing_key()
        .sign_prehash(&sha256(message))
        .expect("a 32-byte prehash is always signable");
    let signature = signature.normalize_s().unwrap_or(signature);
    let (r, s) = signature.split_bytes();
    OntSignature {
        form: SignatureForm::WithScheme,
        r: r.into(),
        s: s.into(),
    }
}

/// Verifies over SHA-256 of `message`, accepting high S (Java and Go wallets emit it).
pub fn verify(
    key: &PublicKey,
    message: &[u8],
    signature: &OntSignature,
) -> Result<(), VerifyError> {
    key.verifying_key()
        .verify_prehash(&sha256(message), &signature.to_p256())
        .map_err(|_| VerifyError::Mismatch)
}

/// Verifies the hex forms a callback carries: the public key, the signature and the message
/// with its `ishex` flag. The error says which input is wrong.
pub fn verify_hex(
    public_key: &str,
    signature: &str,
    message: &str,
    ishex: bool,
) -> Result<(), VerifyError> {
    let key = PublicKey::from_hex(public_key).map_err(VerifyError::PublicKey)?;
    let signature = OntSignature::from_hex(signature).map_err(VerifyError::Malformed)?;
    let bytes = message_bytes(message, ishex)?;
    verify(&key, &bytes, &signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1_KEY: &str = "0fdbd5d046997da9959b1931c727c96d83dff19e8ec0244952c1e72d1cdb5bf4";

    #[test]
    fn rfc6979_low_s_matches_the_published_deterministic_vectors() {
        let key = PrivateKey::from_hex(V1_KEY).unwrap();
        assert_eq!(
            sign(&key, b"helloworld").to_hex(),
            "010936f0693e83d5d605816ceeeb4872d8a343d4c7350ef23e49614e0302d94d6f6a4af73e20ed9c818c0be6865e6096efc7b9f98fa42a33f775ff0ea1cb17703a"
        );
        assert_eq!(
            sign(&key, b"1122334").to_hex(),
            "01db9db2b69b0bb9e4f96caf2ac50930200cc4d3c1a353820e5727ad67ad83878f6f70abc5c27361c3dcbc753a5b70b65eaef205b88353c21c6064191bb25230c8"
        );
    }

    #[test]
    fn high_s_is_accepted_and_negation_round_trips() {
        let key = PrivateKey::from_hex(V1_KEY).unwrap();
        let low = sign(&key, b"1122334");
        let high = low.with_negated_s();
        assert!(!high.is_low_s());
        assert_eq!(high.to_hex(), "01db9db2b69b0bb9e4f96caf2ac50930200cc4d3c1a353820e5727ad67ad83878f908f54393d8c9e3d23438ac5a48f49a10df4f4f523c3dc689355b1a74a10f489");
        assert_eq!(high.with_negated_s(), low);
        verify(&key.public_key(), b"1122334", &high).unwrap();
    }

    #[test]
    fn every_rejection_has_its_reason() {
        let key = PrivateKey::from_hex(V1_KEY).unwrap();
        let good = sign(&key, b"m").to_scheme_bytes();
        let mut wrong_scheme = good;
        wrong_scheme[0] = 0x02;
        assert_eq!(
            OntSignature::from_bytes(&wrong_scheme).unwrap_err().kind(),
            "scheme"
        );
        wrong_scheme[0] = 0x7f;
        assert_eq!(
            OntSignature::from_bytes(&wrong_scheme).unwrap_err(),
            SignatureError::UnknownScheme(0x7f)
        );
        assert_eq!(
            OntSignature::from_bytes(&good[..63]).unwrap_err(),
            SignatureError::Length(63)
        );
        let der = sign(&key, b"m").to_p256().to_der();
        assert_eq!(
            OntSignature::from_bytes(der.as_bytes()).unwrap_err().kind(),
            "der"
        );
        let mut r_zero = good;
        r_zero[1..33].fill(0);
        assert_eq!(
            OntSignature::from_bytes(&r_zero).unwrap_err(),
            SignatureError::RZero
        );
        let mut s_order = good;
        s_order[33..].copy_from_slice(&ORDER);
        assert_eq!(
            OntSignature::from_bytes(&s_order).unwrap_err(),
            SignatureError::SOutOfRange
        );
        assert_eq!(
            verify_hex(&key.public_key().to_hex(), &hex::encode(good), "zz", true)
                .unwrap_err()
                .kind(),
            "message-hex"
        );
    }
}
