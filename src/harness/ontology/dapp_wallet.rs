//! The harness wallet: fixed keys, the identity it registers on the mock node, and the
//! signatures it makes, honest or broken in one named way.
//!
//! Keys come from fixed seeds, so every run signs the same bytes (RFC 6979) and reports are
//! reproducible. The ONT ID is derived from a separate identity key while the wallet signs
//! with its own key, so an honest ONT ID login also shows that the dApp resolves the keys on
//! chain rather than deriving them from the ONT ID (ONT-L7).

use crate::chain::ontology::Node;
use crate::protocol::ontology::crypto::{sign, Address, OntId, OntSignature, PrivateKey};

/// The P-256 group order n, big-endian.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// How a signature is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigForm {
    /// `01 ‖ r ‖ s`, low S: what a conformant wallet sends.
    Scheme65,
    /// `r ‖ s` (64 bytes), which dApps must accept.
    Plain64,
    /// `01 ‖ r ‖ n − s`: valid, high S, which dApps must accept.
    HighS,
    /// The 65 bytes without their last two: 63 bytes.
    BadLength,
    /// Scheme byte 0x02 (SHA384withECDSA), not the P-256 scheme.
    BadScheme,
    /// r = 0.
    RZero,
    /// s = n, out of range.
    SOrder,
    /// DER `SEQUENCE { r, s }`.
    Der,
}

/// The harness wallet.
#[derive(Debug)]
pub struct HarnessWallet {
    pub key: PrivateKey,
    /// A key that belongs to nobody the dApp knows.
    pub other_key: PrivateKey,
    /// The wallet's ONT ID: derived from a separate identity key, registered with `key`.
    pub ontid: OntId,
}

impl Default for HarnessWallet {
    fn default() -> Self {
        Self::new()
    }
}

impl HarnessWallet {
    pub fn new() -> Self {
        let identity = PrivateKey::from_seed("qrconform/harness/identity");
        HarnessWallet {
            key: PrivateKey::from_seed("qrconform/harness/wallet"),
            other_key: PrivateKey::from_seed("qrconform/harness/other"),
            ontid: OntId::from_public_key(&identity.public_key()),
        }
    }

    pub fn address(&self) -> Address {
        Address::from_public_key(&self.key.public_key())
    }

    /// Registers the wallet's ONT ID with its key on `node`.
    pub fn register(&self, node: &Node) {
        node.register_identity(&self.ontid, vec![self.key.public_key()]);
    }
}

/// Signs `bytes` with `key` and presents the signature in `form`, as hex.
pub fn signature_hex(key: &PrivateKey, bytes: &[u8], form: SigForm) -> String {
    let signature = sign(key, bytes);
    let scheme = signature.to_scheme_bytes();
    let (r, s) = (&scheme[1..33], &scheme[33..65]);
    let joined = |parts: &[&[u8]]| hex::encode(parts.concat());
    match form {
        SigForm::Scheme65 => hex::encode(scheme),
        SigForm::Plain64 => hex::encode(signature.to_plain_bytes()),
        SigForm::HighS => hex::encode(high_s(&signature).to_scheme_bytes()),
        SigForm::BadLength => hex::encode(&scheme[..63]),
        SigForm::BadScheme => joined(&[&[0x02], r, s]),
        SigForm::RZero => joined(&[&[0x01], &[0u8; 32], s]),
        SigForm::SOrder => joined(&[&[0x01], r, &P256_ORDER]),
        SigForm::Der => hex::encode(der(r, s)),
    }
}

fn high_s(signature: &OntSignature) -> OntSignature {
    // RFC 6979 signing gives low S; the negation is the equally valid high-S twin.
    if signature.is_low_s() {
        signature.with_negated_s()
    } else {
        *signature
    }
}

fn der_integer(value: &[u8]) -> Vec<u8> {
    let mut bytes: Vec<u8> = value.iter().copied().skip_while(|b| *b == 0).collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    let mut out = vec![0x02, bytes.len() as u8];
    out.extend(bytes);
    out
}

fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
    let body = [der_integer(r), der_integer(s)].concat();
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ontology::crypto::verify;

    #[test]
    fn accepted_forms_verify_and_malformed_forms_are_refused_for_their_reason() {
        let wallet = HarnessWallet::new();
        let key = wallet.key.public_key();
        let message = b"qrconform";
        for form in [SigForm::Scheme65, SigForm::Plain64, SigForm::HighS] {
            let sig = OntSignature::from_hex(&signature_hex(&wallet.key, message, form)).unwrap();
            assert!(verify(&key, message, &sig).is_ok(), "{form:?}");
        }
        let high =
            OntSignature::from_hex(&signature_hex(&wallet.key, message, SigForm::HighS)).unwrap();
        assert!(!high.is_low_s());
        let refused =
            |form| OntSignature::from_hex(&signature_hex(&wallet.key, message, form)).unwrap_err();
        assert_eq!(refused(SigForm::BadLength).kind(), "length");
        assert_eq!(refused(SigForm::Der).kind(), "der");
        assert_eq!(refused(SigForm::BadScheme).kind(), "scheme");
        assert_eq!(refused(SigForm::RZero).kind(), "r-zero");
        assert_eq!(refused(SigForm::SOrder).kind(), "s-range");
    }
}
