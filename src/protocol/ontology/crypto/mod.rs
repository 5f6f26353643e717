//! Ontology cryptography over P-256 (secp256r1): private keys (hex, WIF), compressed public
//! keys, addresses and their base58check form, ONT IDs, multi-sig addresses, and the
//! `SHA256withECDSA` signatures that login and signMessage use (profile ONT-L3…L6, ONT-S2).
//!
//! Everything here is pure and deterministic: signing uses RFC 6979 nonces, and key
//! generation from a seed hashes the seed. Errors name the field or value that is wrong.

mod address;
mod keys;
mod signature;

pub use address::{
    multisig_program, single_key_program, sort_public_keys, Address, AddressError, OntId,
    ADDRESS_VERSION, ONT_ID_PREFIX,
};
pub use keys::{KeyError, PrivateKey, PublicKey};
pub use signature::{
    message_bytes, scheme_name, sign, verify, verify_hex, OntSignature, SignatureError,
    SignatureForm, VerifyError, SCHEME_SHA256_WITH_ECDSA,
};

use sha2::{Digest, Sha256};

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// SHA-256 applied twice: base58check checksums and transaction hashes.
pub fn sha256d(data: &[u8]) -> [u8; 32] {
    sha256(&sha256(data))
}

/// RIPEMD-160 of SHA-256: the program hash that becomes an address.
pub fn hash160(data: &[u8]) -> [u8; 20] {
    use ripemd::Ripemd160;
    Ripemd160::digest(sha256(data)).into()
}

/// Decodes hex text for a named field, so an error says which input was not hex.
pub fn decode_hex(field: &'static str, text: &str) -> Result<Vec<u8>, KeyError> {
    hex::decode(text).map_err(|e| KeyError::Hex {
        field,
        reason: e.to_string(),
    })
}
