//! ONT ID key look-ups (profile ONT-L7; ontology-dapi.md §3.4): the pre-executed query a dApp
//! sends to the ONT ID native contract (`0300…00`), and the byte layouts of its answers.
//!
//! - `getPublicKeys(did)` answers, per current key, `uint32 LE index ‖ varbytes(key)`, with
//!   indices from 1 (key id `did:ont:…#keys-N`);
//! - `getDDO(did)` answers `varbytes(public keys as above) ‖ varbytes(attributes) ‖
//!   varbytes(recovery) ‖ varbytes(controller) ‖ varbytes(new recovery)`; nodes before ONT ID
//!   2.0 stop after the recovery field, so only the first field is required when reading.
//!
//! A key is stored in the node's serialized form: a P-256 key as its 33-byte compressed
//! point, other key types as `algorithm ‖ curve ‖ point` (ECDSA is `0x12`, P-256 curve `0x01`).
//! Reading accepts P-256 in both forms and refuses every other type by name.
//!
//! Everything here is pure.

use super::crypto::{Address, PublicKey};
use super::invoke::{build_script, ArgValue, BytesOrigin, InvokeCall};
use super::tx::{write_var_bytes, write_var_uint, Payload, Transaction, TxType};

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OntIdError {
    #[error("the answer is truncated at byte {offset}")]
    Truncated { offset: usize },
    #[error("key {index} is not a P-256 key ({reason})")]
    Key { index: u32, reason: String },
}

/// The two look-up methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Query {
    GetPublicKeys,
    GetDdo,
}

impl Query {
    pub fn method(self) -> &'static str {
        match self {
            Query::GetPublicKeys => "getPublicKeys",
            Query::GetDdo => "getDDO",
        }
    }
}

/// The ONT ID native contract, `0300000000000000000000000000000000000000` in display form.
pub fn contract() -> Address {
    let mut hash = [0u8; 20];
    hash[19] = 3;
    Address(hash)
}

/// The call a look-up performs: the contract, the method, the ONT ID's UTF-8 bytes.
pub fn query_call(ontid: &str, query: Query) -> InvokeCall {
    InvokeCall {
        contract: contract(),
        method: query.method().into(),
        args: vec![ArgValue::Bytes {
            origin: BytesOrigin::String,
            bytes: ontid.as_bytes().to_vec(),
        }],
        payer: None,
        gas_limit: 20_000,
        gas_price: 0,
    }
}

/// The unsigned transaction a dApp pre-executes to look up `ontid` (payer zero, nonce 0:
/// pre-execution needs neither).
pub fn query_transaction(ontid: &str, query: Query) -> Transaction {
    let call = query_call(ontid, query);
    Transaction {
        version: 0,
        tx_type: TxType::InvokeNeo,
        nonce: 0,
        gas_price: call.gas_price,
        gas_limit: call.gas_limit,
        payer: Address([0; 20]),
        payload: Payload::Invoke {
            code: build_script(&call),
        },
        signatures: Vec::new(),
    }
}

/// `getPublicKeys`'s answer for `keys` (indices from 1).
pub fn encode_public_keys(keys: &[PublicKey]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let index = u32::try_from(i + 1).unwrap_or(u32::MAX);
        out.extend_from_slice(&index.to_le_bytes());
        write_var_bytes(&mut out, &key.to_bytes());
    }
    out
}

/// `getDDO`'s answer for `keys`, with the four other fields empty.
pub fn encode_ddo(keys: &[PublicKey]) -> Vec<u8> {
    let mut out = Vec::new();
    write_var_bytes(&mut out, &encode_public_keys(keys));
    for _ in 0..4 {
        write_var_uint(&mut out, 0);
    }
    out
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], OntIdError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|end| *end <= self.bytes.len())
            .ok_or(OntIdError::Truncated { offset: self.pos })?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn var_uint(&mut self) -> Result<u64, OntIdError> {
        let first = self.take(1)?[0];
        let width = match first {
            0xfd => 2,
            0xfe => 4,
            0xff => 8,
            small => return Ok(u64::from(small)),
        };
        let mut value = [0u8; 8];
        value[..width].copy_from_slice(self.take(width)?);
        Ok(u64::from_le_bytes(value))
    }

    fn var_bytes(&mut self) -> Result<&'a [u8], OntIdError> {
        let at = self.pos;
        let len =
            usize::try_from(self.var_uint()?).map_err(|_| OntIdError::Truncated { offset: at })?;
        self.take(len)
    }
}

/// Reads `getPublicKeys`'s answer into `(index, key)` pairs.
pub fn decode_public_keys(bytes: &[u8]) -> Result<Vec<(u32, PublicKey)>, OntIdError> {
    let mut cursor = Cursor { bytes, pos: 0 };
    let mut keys = Vec::new();
    while cursor.pos < bytes.len() {
        let index = u32::from_le_bytes(
            cursor
                .take(4)?
                .try_into()
                .map_err(|_| OntIdError::Truncated { offset: cursor.pos })?,
        );
        let raw = cursor.var_bytes()?;
        let point = match raw {
            [0x12, 0x01, point @ ..] if point.len() == 33 => point,
            point if point.len() == 33 => point,
            [algorithm, ..] => {
                return Err(OntIdError::Key {
                    index,
                    reason: format!("{} bytes, algorithm byte {algorithm:#04x}", raw.len()),
                })
            }
            [] => {
                return Err(OntIdError::Key {
                    index,
                    reason: "empty".into(),
                })
            }
        };
        let key = PublicKey::from_bytes(point).map_err(|e| OntIdError::Key {
            index,
            reason: e.to_string(),
        })?;
        keys.push((index, key));
    }
    Ok(keys)
}

/// Reads the public keys out of `getDDO`'s answer; the fields after them are not read.
pub fn decode_ddo_keys(bytes: &[u8]) -> Result<Vec<(u32, PublicKey)>, OntIdError> {
    let mut cursor = Cursor { bytes, pos: 0 };
    decode_public_keys(cursor.var_bytes()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ontology::crypto::PrivateKey;
    use crate::protocol::ontology::invoke::decode_script;

    #[test]
    fn answers_round_trip_and_accept_the_typed_key_form() {
        let keys = vec![
            PrivateKey::from_seed("a").public_key(),
            PrivateKey::from_seed("b").public_key(),
        ];
        let indexed: Vec<_> = vec![(1, keys[0]), (2, keys[1])];
        assert_eq!(
            decode_public_keys(&encode_public_keys(&keys)).unwrap(),
            indexed
        );
        assert_eq!(decode_ddo_keys(&encode_ddo(&keys)).unwrap(), indexed);

        let mut typed = vec![1, 0, 0, 0, 35, 0x12, 0x01];
        typed.extend_from_slice(&keys[0].to_bytes());
        assert_eq!(decode_public_keys(&typed).unwrap(), vec![(1, keys[0])]);
    }

    #[test]
    fn malformed_answers_are_refused_without_panicking() {
        assert_eq!(
            decode_public_keys(&[1, 0, 0]),
            Err(OntIdError::Truncated { offset: 0 })
        );
        assert!(matches!(
            decode_public_keys(&[1, 0, 0, 0, 3, 0x13, 0x01, 0x02]),
            Err(OntIdError::Key { index: 1, .. })
        ));
        assert!(decode_ddo_keys(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
    }

    #[test]
    fn the_query_calls_the_ontid_contract_with_the_did_bytes() {
        let tx = query_transaction("did:ont:AXYZ", Query::GetDdo);
        let call = decode_script(tx.payload.code()).unwrap();
        assert_eq!(
            call.contract.to_display_hex(),
            "0300000000000000000000000000000000000000"
        );
        assert_eq!(call.method, "getDDO");
        assert_eq!(
            call.to_notation()["args"][0],
            "ByteArray:6469643a6f6e743a4158595a"
        );
    }
}
