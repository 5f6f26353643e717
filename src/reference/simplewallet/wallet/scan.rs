//! What a scan does before the wallet acts, in this order:
//!
//! 1. decode the text: the request JSON, or a `simplewallet://eos.io?param=` deep link whose
//!    `param` is URL-encoded (`+` and `%20` are spaces, SW-T1);
//! 2. the request is SimpleWallet 1.0 with one of the four actions and its fields (SW-T2);
//! 3. its `expired` has not passed (SW-L5: nothing is signed, posted or pushed after that);
//! 4. the user approved.
//!
//! Then [`sign`](super::sign) or [`push`](super::push) acts. Every refusal is a
//! [`ScanReply::refused`] with the reason in words; nothing here panics on any input. In
//! deep-link mode this module also opens the request's `callback` with the outcome (SW-X3),
//! and every reply reports the URLs the scan opened (`opened`, empty when none).

use serde_json::Value;

use super::{push, sign, Shared, SimpleWalletFault};
use crate::protocol::driver::{ScanReply, ScanRequest};
use crate::protocol::simplewallet::messages::{
    callback_url, CallbackResult, MessageError, Quirk, Request, DEEP_LINK_PREFIX, PROTOCOL, VERSION,
};
use crate::reference::clip;

/// Handles one scan from start to end: the reply is sent only after every post was answered
/// and every transaction pushed, or after a refusal. In deep-link mode the request's
/// `callback` is opened with the outcome (SW-X3): `result=0` when the user rejected, `1`
/// (with `txID` after a push) on success, `2` when the wallet or a peer refused.
pub(super) async fn scan(shared: &Shared, request: &ScanRequest) -> ScanReply {
    let parsed = match decode(shared, request) {
        Ok(parsed) => parsed,
        // Without a request there is no callback to open.
        Err(reason) => return ScanReply::refused(clip(reason)).with_opened(Vec::new()),
    };
    let callback = parsed.callback().map(str::to_owned);
    let outcome = match admit(shared, request, &parsed) {
        Ok(()) => act(shared, &parsed).await.map_err(Refusal::Failed),
        Err(refusal) => Err(refusal),
    };
    let (result, tx_id) = match &outcome {
        Ok(tx_id) => (CallbackResult::Success, tx_id.as_deref()),
        Err(Refusal::Rejected) => (CallbackResult::Cancelled, None),
        Err(Refusal::Failed(_)) => (CallbackResult::Failure, None),
    };
    let result = callback_fault(shared, result);
    let tx_id = tx_id.filter(|_| !shared.has(SimpleWalletFault::CallbackNoTxid));
    // The driver reports what the wallet opened, so a harness can judge it (SW-X3).
    let mut opened = Vec::new();
    if let Some(callback) = &callback {
        if !shared.has(SimpleWalletFault::CallbackNeverOpened) {
            let url = callback_url(callback, result, tx_id);
            shared.open(url.clone());
            opened.push(url);
        }
    }
    let reply = match outcome {
        Ok(_) => ScanReply::completed(),
        Err(Refusal::Rejected) => ScanReply::refused(REJECTED),
        Err(Refusal::Failed(reason)) => ScanReply::refused(clip(reason)),
    };
    reply.with_opened(opened)
}

/// The callback's `result` as the faults that change only it write it: a cancel told as a
/// failure, or a failed push told as a cancel.
fn callback_fault(shared: &Shared, result: CallbackResult) -> CallbackResult {
    match result {
        CallbackResult::Cancelled if shared.has(SimpleWalletFault::CallbackCancelAsFailure) => {
            CallbackResult::Failure
        }
        CallbackResult::Failure if shared.has(SimpleWalletFault::CallbackFailureAsCancel) => {
            CallbackResult::Cancelled
        }
        other => other,
    }
}

/// The action (SW-L2, SW-S1, SW-X1, SW-X2); after a push, the id it reports.
async fn act(shared: &Shared, parsed: &Request) -> Result<Option<String>, String> {
    match parsed {
        Request::Login(login) => sign::login(shared, login).await.map(|()| None),
        Request::Sign(sign_request) => sign::sign(shared, sign_request).await.map(|()| None),
        Request::Transfer(transfer) => push::transfer(shared, transfer).await.map(Some),
        Request::Transaction(transaction) => push::transaction(shared, transaction).await.map(Some),
    }
}

/// How long after `expired` the `expiry-grace` fault still acts on a request.
const EXPIRY_GRACE_SECS: u64 = 300;

/// The reason a scan the user rejected is refused with.
const REJECTED: &str = "rejected by the user";

/// Why a scan that read a request did not complete.
enum Refusal {
    /// The user said no (the callback's `result=0`).
    Rejected,
    /// The wallet or a peer refused, for the reason given (`result=2`).
    Failed(String),
}

/// Steps 1 and 2: the text as a SimpleWallet request.
fn decode(shared: &Shared, request: &ScanRequest) -> Result<Request, String> {
    let text = request.qr.trim();
    let parsed = if shared.has(SimpleWalletFault::PlusAsPlus) && text.starts_with(DEEP_LINK_PREFIX)
    {
        // A percent-decoder that knows nothing of form encoding: `+` stays a plus.
        Request::from_qr_text_with_quirks(&text.replace('+', "%2B"))
    } else {
        Request::from_qr_text_with_quirks(text)
    };
    let (parsed, quirks) = match parsed {
        Err(e @ (MessageError::Protocol { .. } | MessageError::Version { .. })) => {
            header_blind(shared, text).ok_or(e)
        }
        other => other,
    }
    .map_err(|e| format!("the QR text is not a SimpleWallet request: {e}"))?;
    if let Request::Login(login) = &parsed {
        check_chain(shared, login.chain.as_deref())?;
    }
    for quirk in &quirks {
        match quirk {
            Quirk::NotifyUrlSpelling(name) if shared.has(SimpleWalletFault::NotifyUrlOnly) => {
                return Err(format!(
                    "the request has no `notifyUrl` (it names `{name}`, which this wallet does not read)"
                ))
            }
            Quirk::ContractRequestSpelling if shared.has(SimpleWalletFault::ActionsKeyOnly) => {
                return Err("the transaction request has no `actions`".to_string())
            }
            Quirk::AmountAsString if shared.has(SimpleWalletFault::AmountNumberOnly) => {
                return Err("the request's `amount` is not a number".to_string())
            }
            Quirk::PrecisionAsString if shared.has(SimpleWalletFault::PrecisionNumberOnly) => {
                return Err("the request's `precision` is not a number".to_string())
            }
            _ => {}
        }
    }
    Ok(parsed)
}

/// A login's `chain` (SW-L1, SW-L6): absent, `EOS` or `ANY` (EOS first, and this wallet has
/// an EOS account) is this wallet's chain; any other names an account it does not have, and
/// signing with its EOS account would answer a question the dApp did not ask.
fn check_chain(shared: &Shared, chain: Option<&str>) -> Result<(), String> {
    let Some(chain) = chain else {
        return Ok(());
    };
    if shared.has(SimpleWalletFault::ChainNamedRefused) {
        return Err(format!("the login names a chain (`{chain}`)"));
    }
    let ours = match chain {
        "EOS" => true,
        "ANY" => !shared.has(SimpleWalletFault::ChainEosOnly),
        _ => shared.has(SimpleWalletFault::ChainIgnored),
    };
    if ours {
        Ok(())
    } else {
        Err(format!(
            "the login asks for chain `{chain}`; this wallet has an EOS account only"
        ))
    }
}

/// The request as `any-protocol` or `any-version` reads QR JSON: the header the fault does
/// not check is taken to be SimpleWallet 1.0's. `None` when the fault is off or the text is
/// not a JSON object.
fn header_blind(shared: &Shared, text: &str) -> Option<(Request, Vec<Quirk>)> {
    if !shared.has(SimpleWalletFault::AnyProtocol) && !shared.has(SimpleWalletFault::AnyVersion) {
        return None;
    }
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    if shared.has(SimpleWalletFault::AnyProtocol) {
        map.insert("protocol".into(), PROTOCOL.into());
    }
    if shared.has(SimpleWalletFault::AnyVersion) {
        map.insert("version".into(), VERSION.into());
    }
    Request::from_value(&Value::Object(map)).ok()
}

/// Steps 3 and 4: an expired request is a failure, a rejected one is the user's cancel.
fn admit(shared: &Shared, request: &ScanRequest, parsed: &Request) -> Result<(), Refusal> {
    if let Some(expired) = parsed.expired() {
        // `expiry-grace` allows for clock drift the wallet has not measured.
        let grace = if shared.has(SimpleWalletFault::ExpiryGrace) {
            EXPIRY_GRACE_SECS
        } else {
            0
        };
        if shared.clock.unix_secs() > expired.saturating_add(grace)
            && !shared.has(SimpleWalletFault::SignExpired)
        {
            return Err(Refusal::Failed(format!("the request expired at {expired}")));
        }
    }
    if !request.approve && !shared.has(SimpleWalletFault::SignOnReject) {
        return Err(Refusal::Rejected);
    }
    Ok(())
}
