//! MYKEY's `sendaction` as the mock node runs it: the data format a MYKEY account's wrapper
//! carries, and the action it forwards (simplewallet.md §7).
//!
//! On mainnet `mykeymanager::sendaction {act, bin_data}` carries `sendexternal`, whose data
//! holds a `forward {target_contract, act, signer, data}` for the logic contract to verify
//! and send inline. The mock skips the logic contract's own signature: `act` is `forward`
//! and `bin_data` is the packed `forward` itself, in the field order of the manager's ABI
//! (`abi/mykeymanager.json`). The node sends `target_contract::act` inline, authorized by
//! `signer@active`, and its traces show it. Pure.

use crate::protocol::simplewallet::eosio::{Action, Name, PermissionLevel};

/// `forward`, as a name: the only `act` the mock's `sendaction` runs.
pub const FORWARD: Name = Name(0x5d2f_c35d_2000_0000);
/// `sendaction`, as a name.
pub const SENDACTION: Name = Name(0xc2a6_9323_2ea4_c000);
/// `active`, as a name.
const ACTIVE: Name = Name(0x3232_eda8_0000_0000);

/// The action a `sendaction` forwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forward {
    pub target_contract: Name,
    pub act: Name,
    /// The MYKEY account on whose behalf the action runs.
    pub signer: Name,
    pub data: Vec<u8>,
}

impl Forward {
    /// The forward of `action`, on behalf of `signer`.
    pub fn of(action: &Action, signer: Name) -> Forward {
        Forward {
            target_contract: action.account,
            act: action.name,
            signer,
            data: action.data.clone(),
        }
    }

    /// The action the node sends inline: `target_contract::act`, authorized by
    /// `signer@active`.
    pub fn action(&self) -> Action {
        Action {
            account: self.target_contract,
            name: self.act,
            authorization: vec![PermissionLevel {
                actor: self.signer,
                permission: ACTIVE,
            }],
            data: self.data.clone(),
        }
    }

    /// `sendaction {act: forward, bin_data: <this forward, packed>}`, packed.
    pub fn sendaction_data(&self) -> Vec<u8> {
        let mut forward = Vec::with_capacity(32 + self.data.len());
        forward.extend_from_slice(&self.target_contract.0.to_le_bytes());
        forward.extend_from_slice(&self.act.0.to_le_bytes());
        forward.extend_from_slice(&self.signer.0.to_le_bytes());
        write_bytes(&mut forward, &self.data);
        let mut out = Vec::with_capacity(16 + forward.len());
        out.extend_from_slice(&FORWARD.0.to_le_bytes());
        write_bytes(&mut out, &forward);
        out
    }

    /// Whether `sendaction` data names `forward`, the act the mock runs. Other acts (the
    /// mainnet's `sendexternal`, …) go through MYKEY's logic contract, which the mock does
    /// not model: they are recorded with no effect, as before the mock ran any.
    pub fn is_forward(bytes: &[u8]) -> bool {
        Reader(bytes).name("act").is_ok_and(|act| act == FORWARD)
    }

    /// Reads a `sendaction`'s packed data; the whole input must be consumed and `act` must
    /// be `forward`.
    pub fn from_sendaction_data(bytes: &[u8]) -> Result<Forward, String> {
        let mut outer = Reader(bytes);
        let act = outer.name("act")?;
        if act != FORWARD {
            return Err(format!("sendaction's `act` is `{act}`, not `forward`"));
        }
        let bin_data = outer.bytes("bin_data")?;
        outer.finish()?;
        let mut inner = Reader(bin_data);
        let forward = Forward {
            target_contract: inner.name("target_contract")?,
            act: inner.name("act")?,
            signer: inner.name("signer")?,
            data: inner.bytes("data")?.to_vec(),
        };
        inner.finish()?;
        Ok(forward)
    }
}

/// `action` wrapped for a MYKEY account: `<manager>::sendaction` authorized by
/// `signer@active`, forwarding `action` on `signer`'s behalf.
pub fn sendaction(manager: Name, action: &Action, signer: Name) -> Action {
    Action {
        account: manager,
        name: SENDACTION,
        authorization: vec![PermissionLevel {
            actor: signer,
            permission: ACTIVE,
        }],
        data: Forward::of(action, signer).sendaction_data(),
    }
}

fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut len = bytes.len() as u64;
    loop {
        let low = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            out.push(low);
            break;
        }
        out.push(low | 0x80);
    }
    out.extend_from_slice(bytes);
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &str) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err(format!("sendaction data ends inside `{field}`"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn name(&mut self, field: &str) -> Result<Name, String> {
        let mut raw = [0u8; 8];
        raw.copy_from_slice(self.take(8, field)?);
        Ok(Name(u64::from_le_bytes(raw)))
    }

    fn bytes(&mut self, field: &str) -> Result<&'a [u8], String> {
        let mut len: u64 = 0;
        for shift in (0..35).step_by(7) {
            let byte = self.take(1, field)?[0];
            len |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                let len = usize::try_from(len).map_err(|_| format!("`{field}` is too long"))?;
                return self.take(len, field);
            }
        }
        Err(format!("the length of `{field}` is not a varuint32"))
    }

    fn finish(&self) -> Result<(), String> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "sendaction data has {} byte(s) past its fields",
                self.0.len()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_constants_spell_their_names() {
        assert_eq!(FORWARD, "forward".parse().unwrap());
        assert_eq!(SENDACTION, "sendaction".parse().unwrap());
        assert_eq!(ACTIVE, "active".parse().unwrap());
    }

    #[test]
    fn sendaction_data_round_trips_and_garbage_is_refused() {
        let forward = Forward {
            target_contract: "eosio.token".parse().unwrap(),
            act: "transfer".parse().unwrap(),
            signer: "mykeyuser".parse().unwrap(),
            data: vec![7; 200],
        };
        let data = forward.sendaction_data();
        assert_eq!(Forward::from_sendaction_data(&data), Ok(forward.clone()));
        for cut in 0..data.len() {
            assert!(
                Forward::from_sendaction_data(&data[..cut]).is_err(),
                "{cut}"
            );
        }
        let mut long = data.clone();
        long.push(0);
        assert!(Forward::from_sendaction_data(&long).is_err());
        let mut other_act = data;
        other_act[0] ^= 0x10;
        assert!(Forward::from_sendaction_data(&other_act).is_err());
        assert!(Forward::from_sendaction_data(&[0xff; 40]).is_err());
        let action = forward.action();
        assert_eq!(action.authorization[0].actor, forward.signer);
        assert_eq!(Forward::of(&action, forward.signer), forward);
    }
}
