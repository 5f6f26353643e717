//! A client for a nodeos HTTP API (SW-N1, SW-L4, SW-X4): what a SimpleWallet dApp back end
//! and wallet ask of the chain — the head for TaPoS, an account's keys, MYKEY's `keydata`
//! rows, pushing a signed transaction, and a transaction by id from the history API.
//!
//! It talks to any node, so it trusts none: the [`HttpClient`] bounds time and body size, an
//! answer that is not what nodeos sends is an error naming what was wrong, and a refusal
//! comes back with nodeos's error code and name.

use serde_json::{json, Value};

use super::http::{GET_ACCOUNT, GET_INFO, GET_TABLE_ROWS, GET_TRANSACTION, PUSH_TRANSACTION};
use super::ledger::{ref_block_prefix, KeyDataRow};
use crate::net::{HttpClient, HttpError};
use crate::protocol::simplewallet::crypto::{PublicKey, Signature};
use crate::protocol::simplewallet::eosio::{Action, Name, PermissionLevel, Transaction, Transfer};

/// Why a call gave no usable answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EosClientError {
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The node refused with nodeos's error envelope.
    #[error("the node refused with HTTP {status}, error {code} ({name}): {message}")]
    Refused {
        status: u16,
        code: i64,
        name: String,
        message: String,
    },
    #[error("{url} answered HTTP {status} without nodeos's error envelope")]
    Status { url: String, status: u16 },
    #[error("{url} did not answer as nodeos does: {reason}")]
    Answer { url: String, reason: String },
}

impl EosClientError {
    /// nodeos's error code, when the node refused.
    pub fn eosio_code(&self) -> Option<i64> {
        match self {
            EosClientError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// nodeos's error name (`expired_tx_exception`…), when the node refused.
    pub fn error_name(&self) -> Option<&str> {
        match self {
            EosClientError::Refused { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// What `get_info` says, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainInfo {
    pub server_version: String,
    pub chain_id: [u8; 32],
    pub head_block_num: u32,
    pub head_block_id: [u8; 32],
    /// Seconds since the epoch (the milliseconds dropped).
    pub head_block_time: u32,
    pub last_irreversible_block_num: u32,
}

/// What `get_account` says about the two permissions the protocol looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub account_name: String,
    pub active_keys: Vec<PublicKey>,
    pub owner_keys: Vec<PublicKey>,
    /// The accounts `active` delegates to (for a MYKEY account, the manager contract).
    pub active_accounts: Vec<PermissionLevel>,
}

impl AccountInfo {
    /// The MYKEY manager contract: the actor of `active`'s first account permission
    /// (simplewallet.md §6).
    pub fn mykey_manager(&self) -> Option<Name> {
        self.active_accounts.first().map(|level| level.actor)
    }
}

/// One action of a transaction from the history API.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryAction {
    pub account: String,
    pub name: String,
    pub authorization: Vec<(String, String)>,
    /// The decoded data, or the hex again when the node has no ABI for it.
    pub data: Value,
    pub hex_data: Vec<u8>,
}

impl HistoryAction {
    /// The data as a token transfer, when it is one.
    pub fn transfer(&self) -> Option<Transfer> {
        (self.name == "transfer")
            .then(|| Transfer::unpack(&self.hex_data).ok())
            .flatten()
    }
}

/// A transaction as `/v1/history/get_transaction` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryTransaction {
    pub id: String,
    pub block_num: u32,
    pub block_time: String,
    /// `trx.receipt.status` (`executed` for a transaction that went through).
    pub status: String,
    /// `trx.trx.actions`.
    pub actions: Vec<HistoryAction>,
    pub signatures: Vec<String>,
    /// The whole answer.
    pub raw: Value,
}

impl HistoryTransaction {
    /// Every `transfer` a contract executed in this transaction, top-level or inline, read
    /// from the traces (the contract's own trace, not the notifications): where a MYKEY
    /// payment shows, since its top-level action is `mykeymanager::sendaction`
    /// (simplewallet.md §7). Traces whose data is not a transfer are skipped.
    pub fn trace_transfers(&self) -> Vec<(String, Transfer)> {
        self.raw["traces"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .filter(|t| t["act"]["name"] == "transfer" && t["receiver"] == t["act"]["account"])
            .filter_map(|t| {
                let contract = t["act"]["account"].as_str()?.to_string();
                let data = hex::decode(t["act"]["hex_data"].as_str()?).ok()?;
                Some((contract, Transfer::unpack(&data).ok()?))
            })
            .collect()
    }
}

/// A transaction of `actions` that expires `expire_in` seconds after the head block, with
/// TaPoS on the head block (as eosjs builds one).
pub fn transaction_for(info: &ChainInfo, actions: Vec<Action>, expire_in: u32) -> Transaction {
    Transaction {
        expiration: info.head_block_time.saturating_add(expire_in),
        ref_block_num: (info.head_block_num & 0xffff) as u16,
        ref_block_prefix: ref_block_prefix(&info.head_block_id),
        actions,
        ..Transaction::default()
    }
}

/// Parses EOSIO's `YYYY-MM-DDTHH:MM:SS[.mmm]` (UTC) into seconds since the epoch.
pub fn parse_time_point(text: &str) -> Option<u32> {
    let (date, time) = text.split_once('T')?;
    let time = time.split('.').next()?;
    let mut date_parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (
        date_parts.next()??,
        date_parts.next()??,
        date_parts.next()??,
    );
    let mut time_parts = time.split(':').map(|p| p.parse::<i64>().ok());
    let (hour, minute, second) = (
        time_parts.next()??,
        time_parts.next()??,
        time_parts.next()??,
    );
    if date_parts.next().is_some()
        || time_parts.next().is_some()
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || !(0..24).contains(&hour)
        || !(0..60).contains(&minute)
        || !(0..=60).contains(&second)
    {
        return None;
    }
    // Days from civil (H. Hinnant), with March as the first month.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let m = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    u32::try_from(days * 86_400 + hour * 3600 + minute * 60 + second).ok()
}

fn hex32(text: &str) -> Option<[u8; 32]> {
    let bytes = hex::decode(text).ok()?;
    bytes.try_into().ok()
}

/// A client for one node.
#[derive(Debug, Clone)]
pub struct EosClient {
    http: HttpClient,
    /// `http://host:port`, no trailing slash.
    base: String,
}

impl EosClient {
    pub fn new(base_url: impl Into<String>, http: HttpClient) -> Self {
        let base: String = base_url.into();
        EosClient {
            http,
            base: base.trim_end_matches('/').to_string(),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// POSTs `body` to `path`; the answer's JSON on a 2xx status (nodeos answers a push with
    /// 202), nodeos's refusal otherwise.
    pub async fn call(&self, path: &str, body: &Value) -> Result<Value, EosClientError> {
        let url = format!("{}{path}", self.base);
        let reply = self
            .http
            .post_json(&url, body.to_string().into_bytes())
            .await?;
        let parsed = serde_json::from_slice::<Value>(&reply.body).ok();
        if (200..300).contains(&reply.status) {
            return parsed.ok_or_else(|| EosClientError::Answer {
                url,
                reason: "the body is not JSON".into(),
            });
        }
        let error = parsed.as_ref().and_then(|v| v.get("error"));
        match error.and_then(|e| e.get("code")).and_then(Value::as_i64) {
            Some(code) => {
                let error = error.unwrap_or(&Value::Null);
                Err(EosClientError::Refused {
                    status: reply.status,
                    code,
                    name: error["name"].as_str().unwrap_or("").to_string(),
                    message: error["details"][0]["message"]
                        .as_str()
                        .or_else(|| error["what"].as_str())
                        .unwrap_or("")
                        .to_string(),
                })
            }
            None => Err(EosClientError::Status {
                url,
                status: reply.status,
            }),
        }
    }

    fn answer_error(&self, path: &str, reason: impl Into<String>) -> EosClientError {
        EosClientError::Answer {
            url: format!("{}{path}", self.base),
            reason: reason.into(),
        }
    }

    /// `get_info`, read.
    pub async fn get_info(&self) -> Result<ChainInfo, EosClientError> {
        let v = self.call(GET_INFO, &json!({})).await?;
        let bad =
            |field: &str| self.answer_error(GET_INFO, format!("`{field}` is missing or malformed"));
        let u32_field = |field: &str| {
            v[field]
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| bad(field))
        };
        Ok(ChainInfo {
            server_version: v["server_version"].as_str().unwrap_or("").to_string(),
            chain_id: v["chain_id"]
                .as_str()
                .and_then(hex32)
                .ok_or_else(|| bad("chain_id"))?,
            head_block_num: u32_field("head_block_num")?,
            head_block_id: v["head_block_id"]
                .as_str()
                .and_then(hex32)
                .ok_or_else(|| bad("head_block_id"))?,
            head_block_time: v["head_block_time"]
                .as_str()
                .and_then(parse_time_point)
                .ok_or_else(|| bad("head_block_time"))?,
            last_irreversible_block_num: u32_field("last_irreversible_block_num")?,
        })
    }

    /// `get_account`: the `active` and `owner` keys and `active`'s account permissions.
    pub async fn get_account(&self, account: &str) -> Result<AccountInfo, EosClientError> {
        let v = self
            .call(GET_ACCOUNT, &json!({"account_name": account}))
            .await?;
        let permissions = v["permissions"]
            .as_array()
            .ok_or_else(|| self.answer_error(GET_ACCOUNT, "`permissions` is not an array"))?;
        let find = |perm: &str| {
            permissions
                .iter()
                .find(|p| p["perm_name"] == perm)
                .map(|p| &p["required_auth"])
        };
        let keys = |perm: &str| -> Result<Vec<PublicKey>, EosClientError> {
            let Some(auth) = find(perm) else {
                return Ok(Vec::new());
            };
            auth["keys"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .map(|k| {
                    k["key"]
                        .as_str()
                        .and_then(|text| text.parse::<PublicKey>().ok())
                        .ok_or_else(|| {
                            self.answer_error(
                                GET_ACCOUNT,
                                format!("a key of `{perm}` is not a public key: {k}"),
                            )
                        })
                })
                .collect()
        };
        let active_accounts = find("active")
            .and_then(|auth| auth["accounts"].as_array())
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|a| {
                let level = &a["permission"];
                let name = |field: &str| level[field].as_str().and_then(|t| t.parse::<Name>().ok());
                match (name("actor"), name("permission")) {
                    (Some(actor), Some(permission)) => Ok(PermissionLevel { actor, permission }),
                    _ => Err(self.answer_error(
                        GET_ACCOUNT,
                        format!("an account of `active` is not a permission level: {a}"),
                    )),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AccountInfo {
            account_name: v["account_name"].as_str().unwrap_or(account).to_string(),
            active_keys: keys("active")?,
            owner_keys: keys("owner")?,
            active_accounts,
        })
    }

    /// One page of `keydata` rows of `account` in `manager`'s table, from index `lower_bound`.
    async fn keydata_page(
        &self,
        manager: &str,
        account: &str,
        lower_bound: u64,
        limit: u32,
    ) -> Result<(Vec<KeyDataRow>, bool), EosClientError> {
        let body = json!({
            "json": true, "code": manager, "scope": account, "table": "keydata",
            "lower_bound": lower_bound, "limit": limit,
        });
        let v = self.call(GET_TABLE_ROWS, &body).await?;
        let rows = v["rows"]
            .as_array()
            .ok_or_else(|| self.answer_error(GET_TABLE_ROWS, "`rows` is not an array"))?;
        let rows = rows
            .iter()
            .map(|row| {
                let read = || {
                    Some(KeyDataRow {
                        index: u32::try_from(row["index"].as_u64()?).ok()?,
                        pubkey: row["key"]["pubkey"].as_str()?.parse().ok()?,
                        status: u32::try_from(row["key"]["status"].as_u64()?).ok()?,
                        nonce: row["key"]["nonce"].as_u64()?,
                    })
                };
                read().ok_or_else(|| {
                    self.answer_error(GET_TABLE_ROWS, format!("a keydata row is malformed: {row}"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((rows, v["more"].as_bool().unwrap_or(false)))
    }

    /// Every `keydata` row of a MYKEY account (simplewallet.md §6).
    pub async fn mykey_keys(
        &self,
        manager: &str,
        account: &str,
    ) -> Result<Vec<KeyDataRow>, EosClientError> {
        const PAGE: u32 = 50;
        // A node that says "more" forever cannot keep the client paging forever.
        const MAX_PAGES: usize = 20;
        let mut all: Vec<KeyDataRow> = Vec::new();
        let mut lower = 0u64;
        for _ in 0..MAX_PAGES {
            let (rows, more) = self.keydata_page(manager, account, lower, PAGE).await?;
            let last = rows.last().map(|r| u64::from(r.index));
            all.extend(rows);
            match last {
                Some(last) if more => lower = last + 1,
                _ => break,
            }
        }
        Ok(all)
    }

    /// The `keydata` row at `index` as the MYKEY SDK asks for it (`lower_bound: index,
    /// limit: 1`); `None` when the first row at or after it has another index.
    pub async fn mykey_key(
        &self,
        manager: &str,
        account: &str,
        index: u32,
    ) -> Result<Option<KeyDataRow>, EosClientError> {
        let (rows, _) = self
            .keydata_page(manager, account, u64::from(index), 1)
            .await?;
        Ok(rows.into_iter().next().filter(|row| row.index == index))
    }

    /// Pushes a signed transaction; its id as the node gives it.
    pub async fn push_transaction(
        &self,
        tx: &Transaction,
        signatures: &[Signature],
    ) -> Result<String, EosClientError> {
        let signatures: Vec<String> = signatures.iter().map(ToString::to_string).collect();
        let body = json!({
            "signatures": signatures,
            "compression": "none",
            "packed_context_free_data": "",
            "packed_trx": hex::encode(tx.pack()),
        });
        let v = self.call(PUSH_TRANSACTION, &body).await?;
        match v["transaction_id"].as_str() {
            Some(id) if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Ok(id.to_ascii_lowercase())
            }
            _ => Err(self.answer_error(
                PUSH_TRANSACTION,
                "`transaction_id` is missing or not 64 hex digits",
            )),
        }
    }

    /// A transaction from the history API; `None` when the node says it has none
    /// (`tx_not_found`, or any refusal naming the id as unknown with HTTP 404/500 and code
    /// 3040011).
    pub async fn get_transaction(
        &self,
        id: &str,
    ) -> Result<Option<HistoryTransaction>, EosClientError> {
        let v = match self.call(GET_TRANSACTION, &json!({"id": id})).await {
            Ok(v) => v,
            Err(EosClientError::Refused { code, .. })
                if code == super::ledger::code::TX_NOT_FOUND =>
            {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        let bad = |reason: &str| self.answer_error(GET_TRANSACTION, reason.to_string());
        let actions = v["trx"]["trx"]["actions"]
            .as_array()
            .ok_or_else(|| bad("`trx.trx.actions` is not an array"))?
            .iter()
            .map(|a| {
                let authorization = a["authorization"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .map(|l| {
                        (
                            l["actor"].as_str().unwrap_or("").to_string(),
                            l["permission"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect();
                Ok(HistoryAction {
                    account: a["account"].as_str().unwrap_or("").to_string(),
                    name: a["name"].as_str().unwrap_or("").to_string(),
                    authorization,
                    data: a["data"].clone(),
                    hex_data: a["hex_data"]
                        .as_str()
                        .and_then(|h| hex::decode(h).ok())
                        .ok_or_else(|| bad("an action's `hex_data` is not hex"))?,
                })
            })
            .collect::<Result<Vec<_>, EosClientError>>()?;
        Ok(Some(HistoryTransaction {
            id: v["id"].as_str().unwrap_or("").to_string(),
            block_num: v["block_num"]
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| bad("`block_num` is missing"))?,
            block_time: v["block_time"].as_str().unwrap_or("").to_string(),
            status: v["trx"]["receipt"]["status"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            actions,
            signatures: v["trx"]["trx"]["signatures"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or(&[])
                .iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect(),
            raw: v,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::eos::ledger::{block_id, format_time_ms};

    #[test]
    fn time_points_parse_back_to_their_seconds() {
        for ms in [
            0u64,
            1_545_138_748_500,
            1_796_524_729_000,
            4_102_444_800_000,
        ] {
            assert_eq!(
                parse_time_point(&format_time_ms(ms)).map(u64::from),
                Some(ms / 1000),
                "{ms}"
            );
        }
        assert_eq!(parse_time_point("2018-12-18T13:12:28"), Some(1_545_138_748));
        for bad in [
            "",
            "2018-12-18",
            "2018-13-18T13:12:28",
            "2018-12-18T24:00:00",
            "2018-12-18T13:12",
            "2018-12-18T13:12:28:01",
            "x-12-18T13:12:28",
            "1969-12-31T23:59:59",
        ] {
            assert_eq!(parse_time_point(bad), None, "{bad}");
        }
    }

    #[test]
    fn transactions_take_tapos_and_expiry_from_the_head() {
        let head_block_id = block_id(&[1u8; 32], 0x0001_2345);
        let info = ChainInfo {
            server_version: String::new(),
            chain_id: [1u8; 32],
            head_block_num: 0x0001_2345,
            head_block_id,
            head_block_time: 1_000,
            last_irreversible_block_num: 0x0001_2345,
        };
        let tx = transaction_for(&info, Vec::new(), 30);
        assert_eq!(tx.expiration, 1_030);
        assert_eq!(tx.ref_block_num, 0x2345);
        assert_eq!(tx.ref_block_prefix, ref_block_prefix(&head_block_id));
        assert_eq!(
            transaction_for(&info, Vec::new(), u32::MAX).expiration,
            u32::MAX
        );
    }
}
