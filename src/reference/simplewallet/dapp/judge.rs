//! The pipelines that judge what a wallet POSTs to the reference SimpleWallet dApp, and the
//! `{code, error}` reply (SW-L4) each one ends in.
//!
//! **Login** (`POST /login`), in this order (a replay is refused as a replay even when its
//! signature is good, and the chain is asked only about posts that passed every local check):
//!
//! 1. the body is a JSON object with the login fields (SW-L2; `Account`/`Ref` tolerated);
//! 2. the `uuID` was issued by a login QR code (SW-L4);
//! 3. its QR code has not expired (SW-L5);
//! 4. the `uuID` was not used by an accepted login (SW-L4);
//! 5. `sign` is a `SIG_K1_` signature;
//! 6. it verifies over SHA-256 of `timestamp + account + uuID + ref` (SW-L3) against a key
//!    the chain holds for the account: for a MYKEY account (`active` delegated to a manager
//!    contract, or `ref` = `mykey`) the reserved key (`keydata` row 3, status 0), otherwise
//!    `active`'s keys, then `owner`'s (SW-L4);
//! 7. the `uuID` is marked used and the reply is `{code: 0, error: ""}`.
//!
//! **Transfer and transaction notifications** (`POST /notify/{order}`): the body is a notify
//! post (`tx_id`; `txID`/`txId` tolerated); the order was issued; the transaction was not
//! credited before; the chain has it (`/v1/history/get_transaction`, SW-X4) and its traces
//! hold an `eosio.token::transfer` (top-level, or inline as MYKEY's wrapped actions run) to
//! the payee, of the order's quantity, with the order's memo (or the memo followed by `&…`,
//! as wallets may append `&ref=…`), from the notifying account. Then the order is credited.
//! Orders do not expire for notifications: a payment the chain confirms late still pays.
//!
//! **Sign results** (`POST /sign/{id}`): the body is a sign post; the id was issued and not
//! used; `message` is the issued one; `sign` verifies over SHA-256 of the message against the
//! account's keys as for a login (SW-S1).
//!
//! Every [`SwDappFault`] changes exactly one of these steps; each step below says which.

use serde_json::{json, Value};

use super::qr::{Issued, Purpose, CONTRACT};
use super::{Shared, SwDappFault};
use crate::chain::eos::client::{AccountInfo, EosClientError};
use crate::protocol::simplewallet::crypto::{sha256, PublicKey, Signature};
use crate::protocol::simplewallet::eosio::Name;
use crate::protocol::simplewallet::messages::{LoginPost, NotifyPost, Reply, SignPost};
use crate::reference::issuer::is_expired;

/// The `ref` MYKEY sends, which marks its accounts when the chain does not (digest §6).
pub const MYKEY_REF: &str = "mykey";
/// The manager contract MYKEY deploys on mainnet.
pub const MYKEY_MANAGER: &str = "mykeymanager";
/// The `keydata` row of the reserved key, the one logins are signed with.
pub const RESERVED_KEY_INDEX: u32 = 3;

/// How far from its clock `timestamp-window` lets a login's timestamp be.
const TIMESTAMP_WINDOW_SECS: u64 = 300;

/// The longest rejection reason put into a reply.
const MAX_REASON_CHARS: usize = 400;

/// Why a post is refused: the reply's `code` (> 0) says which family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The body is not the post it should be.
    BadRequest = 1,
    /// The uuID, order or sign id was never issued (or was forgotten).
    Unknown = 2,
    /// The QR code expired.
    Expired = 3,
    /// The uuID, sign id or transaction was already used.
    Used = 4,
    /// The signature is malformed or made by a key the account does not hold.
    Signature = 5,
    /// The chain does not show the payment the order asks for.
    NotPaid = 6,
    /// The node could not be asked.
    Node = 7,
}

/// A refusal: its code and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub code: Code,
    pub reason: String,
}

fn reject<T>(code: Code, reason: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection {
        code,
        reason: reason.into(),
    })
}

fn node_error(e: EosClientError) -> Rejection {
    Rejection {
        code: Code::Node,
        reason: format!("the node could not be asked: {e}"),
    }
}

/// The reply body for a verdict, with the faults that change only the reply.
pub fn reply(shared: &Shared, verdict: Result<(), Rejection>) -> Value {
    if shared.has(SwDappFault::ReplySuccessFlag) {
        return match verdict {
            Ok(()) => json!({"success": true}),
            Err(r) => json!({"success": false, "message": bounded(r.reason)}),
        };
    }
    match verdict {
        Ok(()) => Reply::success().to_json(),
        Err(r) => {
            let code = if shared.has(SwDappFault::FailureCodeZero) {
                0
            } else {
                r.code as i64
            };
            Reply::failure(code, bounded(r.reason)).to_json()
        }
    }
}

fn bounded(reason: String) -> String {
    if reason.chars().count() > MAX_REASON_CHARS {
        format!(
            "{}…",
            reason.chars().take(MAX_REASON_CHARS).collect::<String>()
        )
    } else {
        reason
    }
}

/// The body as a JSON object, or why not.
pub fn json_object(body: Result<&[u8], String>) -> Result<Value, Rejection> {
    let bytes = body.map_err(|reason| Rejection {
        code: Code::BadRequest,
        reason,
    })?;
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => reject(Code::BadRequest, "the body is JSON but not an object"),
        Err(e) => reject(Code::BadRequest, format!("the body is not JSON: {e}")),
    }
}

// -------------------------------------------------------------------------------------------
// login
// -------------------------------------------------------------------------------------------

/// Judges a login post (the steps in the module docs).
pub async fn login(shared: &Shared, body: &Value) -> Result<(), Rejection> {
    // Step 1. `lowercase-keys-only` reads the documented keys and nothing else.
    if shared.has(SwDappFault::LowercaseKeysOnly) {
        for key in ["account", "ref"] {
            if body.get(key).is_none() {
                return reject(Code::BadRequest, format!("the login has no `{key}`"));
            }
        }
    }
    // `timestamp-number-only` reads the spec's JSON number and nothing else.
    if shared.has(SwDappFault::TimestampNumberOnly) && !body["timestamp"].is_number() {
        return reject(Code::BadRequest, "the login's `timestamp` is not a number");
    }
    let (post, _quirks) = LoginPost::parse(body).or_else(|e| {
        reject(
            Code::BadRequest,
            format!("the login post is malformed: {e}"),
        )
    })?;
    // No source bounds the timestamp (digest §10.7): the issued, unexpired, single-use uuID
    // is what makes a login fresh. `timestamp-window` adds a bound of its own.
    if shared.has(SwDappFault::TimestampWindow) {
        let now = shared.clock.unix_secs();
        let off = post
            .timestamp
            .parse::<u64>()
            .map_or(u64::MAX, |t| t.abs_diff(now));
        if off > TIMESTAMP_WINDOW_SECS {
            return reject(
                Code::BadRequest,
                format!("the login's timestamp is more than {TIMESTAMP_WINDOW_SECS} s from now"),
            );
        }
    }
    // Steps 2-4: the uuID's session. `accept-unknown-uuid` goes on without one.
    let issued = match shared.issued.get(&post.uuid) {
        Some(issued) if issued.purpose == Purpose::Login => Some(issued),
        _ if shared.has(SwDappFault::AcceptUnknownUuid) => None,
        _ => {
            return reject(
                Code::Unknown,
                format!("uuID `{}` was never issued", post.uuid),
            )
        }
    };
    if let Some(issued) = &issued {
        check_fresh(shared, issued)?;
    }
    // Steps 5-6.
    let signature = parse_signature(&post.sign)?;
    let digest = sha256(post.signed_string().as_bytes());
    check_signer(shared, &signature, &digest, &post.account, &post.wallet_ref).await?;
    // Step 7.
    if let Some(issued) = issued {
        mark_used(shared, &issued.id)?;
    }
    Ok(())
}

/// Steps 3 and 4 of a login or sign result: not expired, not used.
fn check_fresh(shared: &Shared, issued: &Issued) -> Result<(), Rejection> {
    if is_expired(shared.clock.now(), issued.expired) && !shared.has(SwDappFault::AcceptExpired) {
        return reject(
            Code::Expired,
            format!("the QR code expired at {}", issued.expired),
        );
    }
    if issued.used && !shared.has(SwDappFault::AcceptReplay) {
        return reject(Code::Used, format!("`{}` was already used", issued.id));
    }
    Ok(())
}

/// Marks an issued id used, refusing when a concurrent post used it first.
fn mark_used(shared: &Shared, id: &str) -> Result<(), Rejection> {
    let replay_ok = shared.has(SwDappFault::AcceptReplay);
    let first = shared.issued.update(id, |issued| {
        let first = !issued.used;
        issued.used = true;
        first
    });
    match first {
        Some(false) if !replay_ok => reject(Code::Used, format!("`{id}` was already used")),
        _ => Ok(()),
    }
}

fn parse_signature(text: &str) -> Result<Signature, Rejection> {
    text.parse::<Signature>()
        .or_else(|e| reject(Code::Signature, format!("`sign` is not a signature: {e}")))
}

/// Step 6: the signature over `digest` is by a key the chain holds for `account`.
async fn check_signer(
    shared: &Shared,
    signature: &Signature,
    digest: &[u8; 32],
    account: &str,
    wallet_ref: &str,
) -> Result<(), Rejection> {
    if shared.has(SwDappFault::AcceptAnySignature) {
        return Ok(());
    }
    if shared.has(SwDappFault::SkipAccountBinding) {
        // Whoever signed is taken to be the account.
        return signature.recover_digest(digest).map(|_| ()).or_else(|e| {
            reject(
                Code::Signature,
                format!("the signature recovers no key: {e}"),
            )
        });
    }
    let keys = account_keys(shared, account, wallet_ref).await?;
    if keys
        .iter()
        .any(|key| signature.verify_digest(digest, key).is_ok())
    {
        return Ok(());
    }
    // The signer is not named: over a tampered text it is a random key, which would only
    // make the reply differ from run to run.
    reject(
        Code::Signature,
        format!(
            "the signature does not verify against any of the {} key(s) that may sign for `{account}`",
            keys.len()
        ),
    )
}

/// The keys that may sign for `account` (step 6 of a login).
async fn account_keys(
    shared: &Shared,
    account: &str,
    wallet_ref: &str,
) -> Result<Vec<PublicKey>, Rejection> {
    account
        .parse::<Name>()
        .or_else(|e| reject(Code::BadRequest, format!("`account` `{account}`: {e}")))?;
    let info: AccountInfo = match shared.node.get_account(account).await {
        Ok(info) => info,
        Err(e @ EosClientError::Refused { .. }) => {
            return reject(
                Code::Signature,
                format!("the chain has no account `{account}`: {e}"),
            )
        }
        Err(e) => return Err(node_error(e)),
    };
    let manager = info
        .mykey_manager()
        .map(|m| m.to_string())
        .or_else(|| (wallet_ref == MYKEY_REF).then(|| MYKEY_MANAGER.to_string()));
    match manager {
        // `skip-mykey-keydata` treats MYKEY accounts as any other.
        Some(manager) if !shared.has(SwDappFault::SkipMykeyKeydata) => {
            let rows = shared
                .node
                .mykey_keys(&manager, account)
                .await
                .map_err(node_error)?;
            let status_ok = |status: u32| status == 0 || shared.has(SwDappFault::IgnoreKeyStatus);
            let row_ok =
                |index: u32| index == RESERVED_KEY_INDEX || shared.has(SwDappFault::AnyKeydataRow);
            Ok(rows
                .into_iter()
                .filter(|row| row_ok(row.index) && status_ok(row.status))
                .map(|row| row.pubkey)
                .collect())
        }
        _ => {
            let mut keys = info.active_keys;
            if !shared.has(SwDappFault::ActiveKeyOnly) {
                keys.extend(info.owner_keys);
            }
            Ok(keys)
        }
    }
}

// -------------------------------------------------------------------------------------------
// sign
// -------------------------------------------------------------------------------------------

/// Judges a sign result for the sign id `id`.
pub async fn sign(shared: &Shared, id: &str, body: &Value) -> Result<(), Rejection> {
    let (post, _quirks) = SignPost::parse(body)
        .or_else(|e| reject(Code::BadRequest, format!("the sign post is malformed: {e}")))?;
    let Some(issued) = shared.issued.get(id) else {
        return reject(
            Code::Unknown,
            format!("sign request `{id}` was never issued"),
        );
    };
    let Purpose::Sign { message } = &issued.purpose else {
        return reject(Code::Unknown, format!("`{id}` is not a sign request"));
    };
    if &post.message != message && !shared.has(SwDappFault::SignMessageUnchecked) {
        return reject(
            Code::BadRequest,
            format!("`message` is not the message issued for `{id}`"),
        );
    }
    check_fresh(shared, &issued)?;
    let signature = parse_signature(&post.sign)?;
    let mut digest = sha256(post.message.as_bytes());
    if shared.has(SwDappFault::SignDoubleHash) {
        digest = sha256(&digest);
    }
    check_signer(shared, &signature, &digest, &post.account, &post.wallet_ref).await?;
    mark_used(shared, id)
}

// -------------------------------------------------------------------------------------------
// transfer and transaction notifications
// -------------------------------------------------------------------------------------------

/// The transaction id of a notify post: `tx_id` (or a tolerated spelling); only `txID` under
/// `txid-spelling-strict`.
fn notified_tx_id(shared: &Shared, body: &Value) -> Result<NotifyPost, Rejection> {
    if shared.has(SwDappFault::TxidSpellingStrict) && body.get("txID").is_none() {
        return reject(Code::BadRequest, "the notification has no `txID`");
    }
    if shared.has(SwDappFault::TxidSnakeOnly) && body.get("tx_id").is_none() {
        return reject(Code::BadRequest, "the notification has no `tx_id`");
    }
    NotifyPost::parse(body).map(|(post, _)| post).or_else(|e| {
        reject(
            Code::BadRequest,
            format!("the notification is malformed: {e}"),
        )
    })
}

/// Judges a transfer or transaction notification for the order `order`.
pub async fn notify(shared: &Shared, order: &str, body: &Value) -> Result<(), Rejection> {
    let post = notified_tx_id(shared, body)?;
    let tx_id = post.tx_id.to_ascii_lowercase();
    let Some(issued) = shared.issued.get(order) else {
        return reject(Code::Unknown, format!("order `{order}` was never issued"));
    };
    let Purpose::Order { quantity, memo, .. } = &issued.purpose else {
        return reject(Code::Unknown, format!("`{order}` is not an order"));
    };
    if let Some(earlier) = shared.credited.get(&tx_id) {
        if !shared.has(SwDappFault::AcceptReusedTxid) {
            return reject(
                Code::Used,
                format!("transaction {tx_id} was already credited to order `{earlier}`"),
            );
        }
    }
    if !shared.has(SwDappFault::TrustNotify) {
        let Some(tx) = shared
            .node
            .get_transaction(&tx_id)
            .await
            .map_err(node_error)?
        else {
            return reject(
                Code::NotPaid,
                format!("the chain has no transaction {tx_id}"),
            );
        };
        if tx.status != "executed" {
            return reject(
                Code::NotPaid,
                format!("transaction {tx_id} is `{}`, not executed", tx.status),
            );
        }
        let mut why = vec![format!("transaction {tx_id} has no {CONTRACT}::transfer")];
        // Transfers as the traces show them, top-level or inline: a MYKEY payment is a
        // `mykeymanager::sendaction` whose transfer runs inline (digest §7).
        // `top-level-transfers-only` reads `trx.trx.actions` instead.
        let transfers = if shared.has(SwDappFault::TopLevelTransfersOnly) {
            tx.actions
                .iter()
                .filter_map(|action| action.transfer().map(|t| (action.account.clone(), t)))
                .collect()
        } else {
            tx.trace_transfers()
        };
        let paid = transfers
            .iter()
            .filter(|(contract, _)| contract == CONTRACT || shared.has(SwDappFault::IgnoreContract))
            .any(|(_, transfer)| {
                let mut wrong = Vec::new();
                if transfer.to != shared.payee && !shared.has(SwDappFault::IgnoreRecipient) {
                    wrong.push(format!("pays `{}`, not `{}`", transfer.to, shared.payee));
                }
                if &transfer.quantity != quantity && !shared.has(SwDappFault::IgnoreAmount) {
                    wrong.push(format!("pays {}, not {quantity}", transfer.quantity));
                }
                let memo_ok = transfer.memo == *memo
                    || (!shared.has(SwDappFault::MemoExact)
                        && transfer
                            .memo
                            .strip_prefix(memo.as_str())
                            .is_some_and(|rest| rest.starts_with('&')));
                if !memo_ok && !shared.has(SwDappFault::IgnoreMemo) {
                    wrong.push(format!("has memo `{}`, not `{memo}`", transfer.memo));
                }
                if transfer.from.to_string() != post.account
                    && !shared.has(SwDappFault::IgnorePayer)
                {
                    wrong.push(format!(
                        "is from `{}`, not the notifying `{}`",
                        transfer.from, post.account
                    ));
                }
                if wrong.is_empty() {
                    return true;
                }
                why = vec![format!("the transfer in {tx_id} {}", wrong.join(", "))];
                false
            });
        if !paid {
            return reject(Code::NotPaid, why.join("; "));
        }
    }
    // Credited once: of two notifications racing with the same transaction, one wins.
    let first = shared.credited.insert_new(tx_id.clone(), order.to_string());
    if !first && !shared.has(SwDappFault::AcceptReusedTxid) {
        return reject(
            Code::Used,
            format!("transaction {tx_id} was already credited"),
        );
    }
    shared.issued.update(order, |issued| {
        issued.used = true;
        if let Purpose::Order { paid_by, .. } = &mut issued.purpose {
            *paid_by = Some(tx_id);
        }
    });
    Ok(())
}
