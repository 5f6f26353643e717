//! The harness's EOS wallet for the SimpleWallet dApp suite: fixed keys, the accounts it
//! registers on the harness's mock EOS node, and the signatures and transfers it makes,
//! honest or broken in one named way.
//!
//! Keys come from fixed seeds, so every run signs the same bytes (eosjs-ecc's deterministic
//! nonces) and reports are reproducible. The accounts cover what a dApp must resolve on
//! chain (SW-L4):
//!
//! | account | keys |
//! |---|---|
//! | [`PLAIN`] | `active` one key, `owner` another |
//! | [`MYKEY`] | `active` and `owner` delegated to `mykeymanager`; `keydata` rows 0–5, row 3 the reserved key, status 0 |
//! | [`FROZEN`] | as [`MYKEY`], with row 3 frozen (status 1) |
//! | [`OTHER`] | `active` and `owner` keys of its own |
//! | [`FAKE_TOKEN`] | none: a token contract issuing its own `EOS` |
//!
//! plus a key no account holds ([`HarnessEosWallet::stranger`]). Each account starts with
//! [`BALANCE`]; [`PLAIN`] also holds as much of the `EOS` that [`FAKE_TOKEN`] issues.

use serde_json::{json, Map, Value};

use crate::chain::eos::client::{parse_time_point, transaction_for, ChainInfo};
use crate::chain::eos::{AccountSpec, EosNode, KeyDataRow, MykeyAccountSpec};
use crate::protocol::simplewallet::crypto::{PrivateKey, Signature};
use crate::protocol::simplewallet::eosio::{
    Action, Asset, Name, PermissionLevel, Transaction, Transfer,
};

/// The ordinary account the wallet logs in and pays with.
pub const PLAIN: &str = "qrcwalletone";
/// A MYKEY account whose reserved key is usable.
pub const MYKEY: &str = "qrcmykeyuser";
/// A MYKEY account whose reserved key is frozen.
pub const FROZEN: &str = "qrcmykeyfrzn";
/// Another ordinary account, whose keys are not the wallet's account's.
pub const OTHER: &str = "qrcotheracct";
/// A token contract of the harness's that issues its own `EOS`: a payment on it is not a
/// payment in `eosio.token`'s EOS, whatever its symbol says.
pub const FAKE_TOKEN: &str = "qrcfaketoken";
/// The MYKEY manager contract.
pub const MANAGER: &str = "mykeymanager";
/// The `ref` the wallet posts (its name), and MYKEY's.
pub const WALLET_REF: &str = "qrconform";
pub const MYKEY_REF: &str = "mykey";
/// What every harness account holds at the start.
pub const BALANCE: &str = "1000.0000 EOS";
/// How many `keydata` rows a MYKEY account has, and the reserved key's row.
pub const KEY_ROWS: u32 = 6;
pub const RESERVED_ROW: u32 = 3;
/// The `keydata` row of the asset key, the one MYKEY signs transfers with.
pub const ASSET_ROW: u32 = 1;
/// How long a transaction the wallet builds stays valid, in seconds.
pub const EXPIRE_IN: u32 = 60;

/// One of the constant names above (or `transfer`, `active`…) as a [`Name`].
pub(crate) fn name(text: &str) -> Name {
    // The names above are constants the tests parse; a typo shows as the account `.`.
    text.parse().unwrap_or(Name(0))
}

fn key(label: &str) -> PrivateKey {
    PrivateKey::from_seed(&format!("qrconform/harness/eos/{label}"))
}

/// The harness's EOS wallet.
#[derive(Debug)]
pub struct HarnessEosWallet {
    pub plain_active: PrivateKey,
    pub plain_owner: PrivateKey,
    /// The MYKEY account's rows, by index.
    pub mykey_rows: Vec<PrivateKey>,
    /// The frozen MYKEY account's rows, by index.
    pub frozen_rows: Vec<PrivateKey>,
    pub other_active: PrivateKey,
    pub other_owner: PrivateKey,
    /// A key no account holds.
    pub stranger: PrivateKey,
}

impl Default for HarnessEosWallet {
    fn default() -> Self {
        Self::new()
    }
}

impl HarnessEosWallet {
    pub fn new() -> Self {
        let rows = |account: &str| {
            (0..KEY_ROWS)
                .map(|i| key(&format!("{account}/{i}")))
                .collect()
        };
        HarnessEosWallet {
            plain_active: key("plain/active"),
            plain_owner: key("plain/owner"),
            mykey_rows: rows("mykey"),
            frozen_rows: rows("frozen"),
            other_active: key("other/active"),
            other_owner: key("other/owner"),
            stranger: key("stranger"),
        }
    }

    /// The reserved key of the MYKEY account.
    pub fn mykey_reserved(&self) -> &PrivateKey {
        &self.mykey_rows[RESERVED_ROW as usize]
    }

    /// The MYKEY account's asset key (row 1), the one MYKEY signs transfers with.
    pub fn mykey_asset(&self) -> &PrivateKey {
        &self.mykey_rows[ASSET_ROW as usize]
    }

    /// Registers the wallet's accounts and balances on `node`.
    pub fn register(&self, node: &EosNode) {
        node.add_account(AccountSpec {
            name: name(PLAIN),
            owner: vec![self.plain_owner.public_key()],
            active: vec![self.plain_active.public_key()],
        });
        node.add_account(AccountSpec {
            name: name(OTHER),
            owner: vec![self.other_owner.public_key()],
            active: vec![self.other_active.public_key()],
        });
        for (account, rows, frozen) in [
            (MYKEY, &self.mykey_rows, false),
            (FROZEN, &self.frozen_rows, true),
        ] {
            node.add_mykey_account(MykeyAccountSpec {
                name: name(account),
                manager: name(MANAGER),
                keys: rows
                    .iter()
                    .zip(0..)
                    .map(|(key, index)| KeyDataRow {
                        index,
                        pubkey: key.public_key(),
                        status: u32::from(frozen && index == RESERVED_ROW),
                        nonce: 0,
                    })
                    .collect(),
            });
        }
        node.add_account(AccountSpec {
            name: name(FAKE_TOKEN),
            owner: Vec::new(),
            active: Vec::new(),
        });
        if let Ok(balance) = BALANCE.parse::<Asset>() {
            for account in [PLAIN, OTHER, MYKEY, FROZEN] {
                node.credit(name(account), balance.clone());
            }
            node.credit_token(name(FAKE_TOKEN), name(PLAIN), balance);
        }
    }

    /// Makes sure `account` exists on `node` (a payee the harness learns from a QR code),
    /// without keys of its own.
    pub fn ensure_account(node: &EosNode, account: Name) {
        let mut body = Map::new();
        body.insert("account_name".into(), account.to_string().into());
        if node.inspect(|ledger| ledger.account(&body).is_err()) {
            node.add_account(AccountSpec {
                name: account,
                owner: Vec::new(),
                active: Vec::new(),
            });
        }
    }

    /// An `eosio.token::transfer` by `from@active`.
    pub fn transfer_action(contract: Name, transfer: &Transfer) -> Action {
        Action {
            account: contract,
            name: name("transfer"),
            authorization: vec![PermissionLevel {
                actor: transfer.from,
                permission: name("active"),
            }],
            data: transfer.pack(),
        }
    }

    /// Builds a transaction of `actions` on `node`'s head, signs it with `signer` and pushes
    /// it in-process (so the record holds only what the peer asked); its id, or the node's
    /// refusal.
    pub fn push(
        node: &EosNode,
        actions: Vec<Action>,
        signer: &PrivateKey,
    ) -> Result<String, String> {
        let (tx, signature) = Self::signed(node, actions, signer)?;
        let mut body = Map::new();
        body.insert("signatures".into(), json!([signature.to_string()]));
        body.insert("compression".into(), "none".into());
        body.insert("packed_context_free_data".into(), "".into());
        body.insert("packed_trx".into(), hex::encode(tx.pack()).into());
        match node.push(&body) {
            (_, Ok(answer)) => answer["transaction_id"]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("the node's answer has no transaction_id: {answer}")),
            (_, Err(e)) => Err(format!(
                "the node refused the transaction: {}",
                e.envelope()
            )),
        }
    }

    /// Puts a transaction of `actions` on chain without the node's checks (a payment that
    /// exists but is not the one asked for); its id.
    pub fn plant(
        node: &EosNode,
        actions: Vec<Action>,
        signer: &PrivateKey,
    ) -> Result<String, String> {
        let (tx, signature) = Self::signed(node, actions, signer)?;
        Ok(node.insert_executed(tx, vec![signature]))
    }

    /// Puts a MYKEY payment on chain as executed (digest §7): one top-level
    /// `<manager>::sendaction` by the payer, whose data is the packed transfer it forwards,
    /// and `transfer` itself inline, shown in the traces only. The node does not run the
    /// manager contract, so nothing moves; its id.
    pub fn plant_mykey_payment(
        node: &EosNode,
        manager: Name,
        transfer: Action,
        signer: &PrivateKey,
    ) -> Result<String, String> {
        let payer = transfer
            .authorization
            .first()
            .map(|level| level.actor)
            .ok_or("the forwarded transfer has no authorization")?;
        let wrapper = Action {
            account: manager,
            name: name("sendaction"),
            authorization: vec![PermissionLevel {
                actor: payer,
                permission: name("active"),
            }],
            data: transfer.data.clone(),
        };
        let (tx, signature) = Self::signed(node, vec![wrapper], signer)?;
        Ok(node.insert_executed_with_inline(tx, vec![signature], vec![transfer]))
    }

    fn signed(
        node: &EosNode,
        actions: Vec<Action>,
        signer: &PrivateKey,
    ) -> Result<(Transaction, Signature), String> {
        let info = chain_info(node)?;
        let tx = transaction_for(&info, actions, EXPIRE_IN);
        let signature = signer.sign_digest(&tx.signing_digest(&info.chain_id));
        Ok((tx, signature))
    }
}

/// The node's `get_info`, read in-process.
fn chain_info(node: &EosNode) -> Result<ChainInfo, String> {
    let info: Value = node.info();
    let hex32 = |field: &str| -> Result<[u8; 32], String> {
        info[field]
            .as_str()
            .and_then(|text| hex::decode(text).ok())
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| format!("the node's get_info has no 32-byte `{field}`"))
    };
    let number = |field: &str| -> Result<u32, String> {
        info[field]
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("the node's get_info has no `{field}`"))
    };
    Ok(ChainInfo {
        server_version: info["server_version"].as_str().unwrap_or("").to_string(),
        chain_id: hex32("chain_id")?,
        head_block_num: number("head_block_num")?,
        head_block_id: hex32("head_block_id")?,
        head_block_time: info["head_block_time"]
            .as_str()
            .and_then(parse_time_point)
            .ok_or("the node's get_info has no `head_block_time`")?,
        last_irreversible_block_num: number("last_irreversible_block_num")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::eos::EosNodeConfig;

    #[test]
    fn the_names_are_eos_names_and_the_keys_are_distinct() {
        for text in [PLAIN, MYKEY, FROZEN, OTHER, MANAGER, FAKE_TOKEN] {
            assert_eq!(text.parse::<Name>().unwrap().to_string(), text);
        }
        let wallet = HarnessEosWallet::new();
        let mut keys: Vec<String> = [
            &wallet.plain_active,
            &wallet.plain_owner,
            &wallet.other_active,
            &wallet.other_owner,
            &wallet.stranger,
        ]
        .iter()
        .chain(wallet.mykey_rows.iter().collect::<Vec<_>>().iter())
        .chain(wallet.frozen_rows.iter().collect::<Vec<_>>().iter())
        .map(|k| k.public_key().to_string())
        .collect();
        let n = keys.len();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }

    #[test]
    fn a_registered_wallet_pays_through_the_node_and_plants_forged_payments() {
        let node = EosNode::new(EosNodeConfig::empty([7; 32]));
        let wallet = HarnessEosWallet::new();
        wallet.register(&node);
        let payee = name("qrcdapppayee");
        HarnessEosWallet::ensure_account(&node, payee);
        let transfer = Transfer {
            from: name(PLAIN),
            to: payee,
            quantity: "1.2500 EOS".parse().unwrap(),
            memo: "order=1".into(),
        };
        let action = HarnessEosWallet::transfer_action(name("eosio.token"), &transfer);
        let id = HarnessEosWallet::push(&node, vec![action.clone()], &wallet.plain_active).unwrap();
        let stored = node.transaction(&id).unwrap();
        assert!(!stored.planted);
        assert_eq!(
            node.balance(payee, "EOS").unwrap().to_string(),
            "1.2500 EOS"
        );
        // Signed by a key the account does not hold: refused.
        let err =
            HarnessEosWallet::push(&node, vec![action.clone()], &wallet.stranger).unwrap_err();
        assert!(err.contains("refused"), "{err}");
        let planted = HarnessEosWallet::plant(&node, vec![action], &wallet.stranger).unwrap();
        assert!(node.transaction(&planted).unwrap().planted);
        assert!(
            node.record().is_empty(),
            "in-process calls are not the peer's requests"
        );
    }
}
