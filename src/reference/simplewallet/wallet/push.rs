//! Transfer and transaction: the actions the wallet pushes, and the notification after.
//!
//! - transfer (SW-X1): refused when `from` names another account; otherwise one action
//!   `<contract>::transfer {from: the wallet's account, to, quantity, memo: dappData}`
//!   authorized by `account@active`, the quantity being `amount` written at `precision`
//!   decimals of `symbol` ([`Asset::from_amount`]: decimal text, never a float);
//! - transaction (SW-X2, MYKEY): every requested action, in the order given, in one
//!   transaction, each authorized by `account@active`, its data packed with the built-in ABI;
//! - both: TaPoS and expiry from the node's `get_info`, one signature over the signing digest
//!   with the active key, one push; then (SW-X3) `{protocol, version, tx_id, ref, account}`
//!   to `notifyUrl`; [`scan`](super::scan) then opens a deep link's `callback&result=1&txID=…`.
//!
//! In MYKEY mode every action is pushed wrapped in `mykeymanager::sendaction`, authorized by
//! `account@active` and signed with the reserved key; the node runs the action it forwards
//! inline.
//!
//! A push the node refuses ends the scan as refused: nothing is posted to `notifyUrl` (the
//! notification has no failure form).

use super::callback::post;
use super::{Shared, SimpleWalletFault, MYKEY_MANAGER, TX_LIFETIME_SECS};
use crate::chain::eos::client::transaction_for;
use crate::chain::eos::mykey::sendaction;
use crate::protocol::simplewallet::eosio::{
    pack_action_data, Action, Asset, Name, PermissionLevel, Transfer,
};
use crate::protocol::simplewallet::messages::{
    NotifyPost, TransactionRequest, TransferRequest, PROTOCOL, VERSION,
};

/// Transfer (SW-X1, SW-X3).
pub(super) async fn transfer(shared: &Shared, request: &TransferRequest) -> Result<String, String> {
    let own = shared.account.to_string();
    if let Some(from) = request.from.as_deref().filter(|f| !f.is_empty()) {
        if shared.has(SimpleWalletFault::RefuseExplicitFrom) {
            return Err("transfers that name `from` are not supported".to_string());
        }
        if from != own && !shared.has(SimpleWalletFault::IgnoreFrom) {
            return Err(format!(
                "the transfer is from `{from}`, not from this wallet's account `{own}`"
            ));
        }
    }
    let quantity = quantity(shared, request)?;
    let contract = name("contract", &request.contract)?;
    let memo = if shared.has(SimpleWalletFault::MemoDropped) {
        String::new()
    } else {
        request.dapp_data.clone().unwrap_or_default()
    };
    let data = Transfer {
        from: shared.account,
        to: name("to", &request.to)?,
        quantity,
        memo,
    }
    .pack();
    let action = authorized(shared, contract, transfer_name(), data);
    push_and_notify(shared, vec![action], request.notify_url.as_deref()).await
}

/// The quantity `amount` at `precision` decimals of `symbol`, or as a fault writes it.
fn quantity(shared: &Shared, request: &TransferRequest) -> Result<Asset, String> {
    let written = if shared.has(SimpleWalletFault::QuantityUnpadded) {
        format!("{} {}", request.amount, request.symbol)
            .parse::<Asset>()
            .map_err(|e| e.to_string())
    } else {
        let precision = if shared.has(SimpleWalletFault::PrecisionFixedFour) {
            4
        } else {
            request.precision
        };
        Asset::from_amount(&request.amount, precision, &request.symbol).map_err(|e| e.to_string())
    };
    written.map_err(|e| format!("the amount cannot be written as a quantity: {e}"))
}

/// Transaction (SW-X2, SW-X3).
pub(super) async fn transaction(
    shared: &Shared,
    request: &TransactionRequest,
) -> Result<String, String> {
    let mut actions = Vec::with_capacity(request.actions.len());
    for (i, requested) in request.actions.iter().enumerate() {
        let account = name(&format!("actions[{i}].account"), &requested.account)?;
        let action_name = name(&format!("actions[{i}].name"), &requested.name)?;
        let data = pack_action_data(account, action_name, &requested.data)
            .map_err(|e| format!("actions[{i}] cannot be packed: {e}"))?;
        actions.push(authorized(shared, account, action_name, data));
    }
    if actions.is_empty() {
        return Err("the transaction request has no actions".to_string());
    }
    if shared.has(SimpleWalletFault::ActionsReversed) {
        actions.reverse();
    }
    if shared.has(SimpleWalletFault::FirstActionOnly) {
        actions.truncate(1);
    }
    push_and_notify(shared, actions, request.notify_url.as_deref()).await
}

fn transfer_name() -> Name {
    // A constant of valid name characters.
    "transfer".parse().unwrap_or(Name(0))
}

fn name(field: &str, text: &str) -> Result<Name, String> {
    text.parse()
        .map_err(|e| format!("`{field}` is not an account name: {e}"))
}

/// `account::name` with `data`, authorized by the wallet's `account@active`.
fn authorized(shared: &Shared, account: Name, action_name: Name, data: Vec<u8>) -> Action {
    Action {
        account,
        name: action_name,
        authorization: vec![PermissionLevel {
            actor: shared.account,
            // A constant of valid name characters.
            permission: "active".parse().unwrap_or(Name(0)),
        }],
        data,
    }
}

/// Builds the transaction on the node's head block, signs it, pushes it and notifies; the id
/// it reports.
async fn push_and_notify(
    shared: &Shared,
    actions: Vec<Action>,
    notify_url: Option<&str>,
) -> Result<String, String> {
    let info = shared
        .node
        .get_info()
        .await
        .map_err(|e| format!("the node's get_info failed: {e}"))?;
    let chain_id = info.chain_id;
    // The fault wraps for a plain account too: nothing it forwards is executed.
    let actions = if shared.mykey || shared.has(SimpleWalletFault::SendactionForPlainAccount) {
        let manager = name("manager", MYKEY_MANAGER)?;
        actions
            .iter()
            .map(|action| sendaction(manager, action, shared.account))
            .collect()
    } else {
        actions
    };
    let tx = transaction_for(&info, actions, TX_LIFETIME_SECS);
    let digest = tx.signing_digest(&chain_id);
    let signature = shared.active.sign_digest(&digest);
    let pushed = shared.node.push_transaction(&tx, &[signature]).await;
    let tx_id = match pushed {
        Ok(id) => id,
        Err(e) if shared.has(SimpleWalletFault::NotifyOnFailedPush) => {
            // The fault: the push's outcome is not looked at.
            let _ = e;
            tx.id_hex()
        }
        Err(e) => return Err(format!("the node refused the transaction: {e}")),
    };
    let reported = if shared.has(SimpleWalletFault::NotifyTxidWrong) {
        hex::encode(digest)
    } else {
        tx_id.clone()
    };
    if let Some(url) = notify_url.filter(|u| !u.is_empty()) {
        if !shared.has(SimpleWalletFault::NoNotify) {
            let body = NotifyPost {
                protocol: PROTOCOL.to_string(),
                version: VERSION.to_string(),
                tx_id: reported.clone(),
                wallet_ref: shared.wallet_ref.clone(),
                account: shared.account.to_string(),
            }
            .to_json();
            post(shared, "notify", url, &body).await?;
        }
    }
    Ok(reported)
}
