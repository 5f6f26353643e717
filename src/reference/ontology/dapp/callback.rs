//! The callback pipeline: how the reference dApp judges what a wallet POSTs to
//! `/callback/{kind}` and what it answers.
//!
//! Login and the sign actions go through nine steps, in this order (the order matters: a
//! replay must be refused as a replay even when its signature is good, and the chain is asked
//! only about callbacks that passed every local check):
//!
//! 1. the body is a JSON object (ONT-T7);
//! 2. `action` is the callback's kind (80002 otherwise, ONT-T6);
//! 3. the shape matches the kind's callback schema (ONT-L2, ONT-S3, ONT-S4);
//! 4. the session exists and the message(s) are the issued one(s), in order (ONT-L8, ONT-S4);
//! 5. the QR code has not expired (ONT-L9);
//! 6. the session was not accepted before (ONT-L8);
//! 7. each signature is well formed and verifies over the signed bytes (ONT-L3…L5, ONT-S2);
//! 8. `user` is bound to `publickey`: the address derived from it (ONT-L6), or a current key
//!    of the ONT ID on chain (ONT-L7);
//! 9. the session is marked accepted and the reply is `{error: 0, desc: "SUCCESS", result:
//!    true}` (ONT-L10).
//!
//! Invoke callbacks go through steps 1–4 (the session by id, no message), then the chain is
//! asked for the transaction's event, which must exist, have `State: 1` and pay the asked
//! amount to the payee (ONT-I10): the callback itself is never proof.
//!
//! Every [`DappFault`] changes exactly one of these steps; `faults.rs` names them and this file
//! says at each step which one applies. Three readings are worth stating:
//!
//! - `accept-any-signature` skips step 7 and waives the signature's form in step 3 (the
//!   schema's hex-length pattern is a signature check); `signature` must still be text.
//! - `accept-unknown-message` lets a callback whose id or message is unknown go on without a
//!   session; a callback for an issued message is judged as usual (so replays of it are still
//!   refused), and the fault changes nothing else.
//! - `ignore-event-state` confirms an invocation as soon as the chain has an event for it: a
//!   failed transaction notifies nothing, so checking the content after ignoring the state
//!   would hide the fault.

use std::time::Duration;

use serde_json::Value;

use super::qr::ONG_CONTRACT;
use super::session::{Kind, Session, Status};
use super::{DappFault, Shared};
use crate::chain::ontology::client::NodeClientError;
use crate::protocol::ontology::crypto::{
    message_bytes, verify, Address, OntId, OntSignature, PublicKey,
};
use crate::reference::issuer::is_expired;
use crate::schema;

/// The most results a signMultiMessage callback may carry: each one costs a signature check
/// and maybe a node query, and no QR code asks for more than a few messages.
pub const MAX_RESULTS: usize = 64;

/// The longest rejection reason put into a reply; schema violations quote the offending value,
/// which can be as large as the body.
const MAX_REASON_CHARS: usize = 400;

/// What the server answers to a callback.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A reply envelope: `{action, id, error, desc, result}` (the server adds `action` and
    /// decides about `id`).
    Reply {
        /// The callback's `id` when it is a string, else `null` (and the reply has no `id`).
        id: Value,
        error: i64,
        desc: &'static str,
        result: Value,
    },
    /// HTTP 500 with a plain-text body (the `crash-on-bad-input` fault).
    Crash,
}

/// The dApi error codes a reply can carry (ONT-T6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// 80001 PARAMS ERROR: the callback is wrong.
    Params,
    /// 80002 METHOD ERROR: the callback is for another action.
    Method,
    /// 80003 INTERNAL ERROR: the back end could not decide (the node did not answer).
    Internal,
}

impl Code {
    pub fn error(self) -> i64 {
        match self {
            Code::Params => 80001,
            Code::Method => 80002,
            Code::Internal => 80003,
        }
    }

    pub fn desc(self) -> &'static str {
        match self {
            Code::Params => "PARAMS ERROR",
            Code::Method => "METHOD ERROR",
            Code::Internal => "INTERNAL ERROR",
        }
    }
}

/// Why a callback is refused.
#[derive(Debug, Clone, PartialEq)]
struct Rejection {
    code: Code,
    reason: String,
    /// The body could not be read as the callback it claims to be (steps 1 and 3): the
    /// failures `crash-on-bad-input` answers with HTTP 500.
    unreadable: bool,
}

impl Rejection {
    fn params(reason: impl Into<String>) -> Self {
        Rejection {
            code: Code::Params,
            reason: reason.into(),
            unreadable: false,
        }
    }

    fn unreadable(reason: impl Into<String>) -> Self {
        Rejection {
            unreadable: true,
            ..Rejection::params(reason)
        }
    }

    fn method(reason: impl Into<String>) -> Self {
        Rejection {
            code: Code::Method,
            ..Rejection::params(reason)
        }
    }

    fn internal(reason: impl Into<String>) -> Self {
        Rejection {
            code: Code::Internal,
            ..Rejection::params(reason)
        }
    }
}

/// Judges one callback of `kind`. `body` is the request body, or why it could not be read
/// (too large).
pub async fn handle(shared: &Shared, kind: Kind, body: Result<&[u8], String>) -> Outcome {
    // Step 1: a JSON object.
    let value = match body
        .and_then(|bytes| serde_json::from_slice::<Value>(bytes).map_err(|e| e.to_string()))
    {
        Ok(value @ Value::Object(_)) => value,
        Ok(other) => {
            let what = json_type(&other);
            return finish(
                shared,
                Value::Null,
                Err(Rejection::unreadable(format!(
                    "the body is a JSON {what}, not an object"
                ))),
            );
        }
        Err(e) => {
            return finish(
                shared,
                Value::Null,
                Err(Rejection::unreadable(format!("the body is not JSON: {e}"))),
            )
        }
    };
    let id = match value.get("id") {
        Some(id @ Value::String(_)) => id.clone(),
        _ => Value::Null,
    };
    use std::sync::atomic::Ordering;
    shared.callbacks_in_flight.fetch_add(1, Ordering::SeqCst);
    let verdict = judge(shared, kind, &value).await;
    shared.callbacks_in_flight.fetch_sub(1, Ordering::SeqCst);
    finish(shared, id, verdict)
}

/// Turns a verdict into the reply, applying the faults that change only the reply.
fn finish(shared: &Shared, id: Value, verdict: Result<Value, Rejection>) -> Outcome {
    match verdict {
        Ok(result) => Outcome::Reply {
            id,
            error: 0,
            desc: "SUCCESS",
            result,
        },
        Err(rejection) => {
            if rejection.unreadable && shared.has(DappFault::CrashOnBadInput) {
                return Outcome::Crash;
            }
            let code = if shared.has(DappFault::WrongErrorCode) {
                Code::Internal
            } else {
                rejection.code
            };
            Outcome::Reply {
                id,
                error: code.error(),
                desc: code.desc(),
                result: Value::String(bounded(rejection.reason)),
            }
        }
    }
}

fn bounded(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(MAX_REASON_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Steps 2 onwards.
async fn judge(shared: &Shared, kind: Kind, body: &Value) -> Result<Value, Rejection> {
    // Step 2: the action.
    match body.get("action") {
        Some(Value::String(action)) if action == kind.name() => {}
        Some(Value::String(action)) => {
            return Err(Rejection::method(format!(
                "`action` is \"{action}\" but this is the {} callback",
                kind.name()
            )))
        }
        Some(other) => {
            return Err(Rejection::method(format!(
                "`action` is a JSON {}, not \"{}\"",
                json_type(other),
                kind.name()
            )))
        }
        None => {
            return Err(Rejection::method(format!(
                "`action` is missing; this is the {} callback",
                kind.name()
            )))
        }
    }
    // `strict-version` reads only the documented spelling (ONT-T4 accepts both).
    if shared.has(DappFault::StrictVersion)
        && body.get("version").and_then(Value::as_str) != Some("v1.0.0")
    {
        return Err(Rejection::params(
            "unsupported version: only `v1.0.0` is read",
        ));
    }
    // Step 3: the shape.
    let schema_kind = format!("{}.callback", kind.name());
    // `accept-any-signature` never looks inside the signature, so its form (which the schema
    // checks) is waived too; the field must still be there as text.
    let waived;
    let shaped = if shared.has(DappFault::AcceptAnySignature) {
        waived = waive_signature_form(body);
        &waived
    } else {
        body
    };
    let violations = schema::validate(&schema_kind, shaped)
        .map_err(|e| Rejection::internal(format!("the back end has no schema: {e}")))?;
    if !violations.is_empty() {
        let described: Vec<String> = violations
            .iter()
            .take(3)
            .map(|v| {
                let at = if v.instance_path.is_empty() {
                    "the body"
                } else {
                    v.instance_path.as_str()
                };
                format!("{at}: {}", v.message)
            })
            .collect();
        return Err(Rejection::unreadable(format!(
            "the {} callback is malformed: {}",
            kind.name(),
            described.join("; ")
        )));
    }
    let id = body.get("id").and_then(Value::as_str);
    match kind {
        Kind::Invoke => invoke(shared, id, body).await,
        _ => {
            let items = signed_items(kind, body)?;
            // `reject-publickey-camel-case` reads only the documented key name (ONT-L2
            // tolerates the iOS spelling).
            if shared.has(DappFault::RejectPublickeyCamelCase)
                && signed_objects(body).any(|o| o.get("publickey").is_none())
            {
                return Err(Rejection::params("`publickey` is missing"));
            }
            let found = id
                .and_then(|id| shared.sessions.get(id))
                // A message is issued for one action (`session-any-kind` forgets which).
                .filter(|s| s.kind == kind || shared.has(DappFault::SessionAnyKind));
            let found_id = found.as_ref().map(|s| s.id.clone());
            let verdict = judge_signed(shared, kind, found, &items).await;
            // A refusal is remembered on the session it names, unless the session already
            // reached its good end (a replay must not undo an accepted login) or the back end
            // itself could not decide.
            if let (Err(rejection), Some(id)) = (&verdict, found_id) {
                if rejection.code != Code::Internal {
                    mark(
                        shared,
                        &id,
                        Status::Rejected,
                        Some(rejection.reason.clone()),
                    );
                }
            }
            verdict
        }
    }
}

/// The signed objects of a login or sign callback: `params`, `result`, or each of `result`'s
/// items.
fn signed_objects(body: &Value) -> impl Iterator<Item = &Value> {
    let params = body.get("params").into_iter();
    let result: Vec<&Value> = match body.get("result") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(result) => vec![result],
        None => Vec::new(),
    };
    params.chain(result)
}

/// A copy of `body` with every signed object's string `signature` replaced by a well-formed
/// one, so that schema validation ignores what the signatures hold.
fn waive_signature_form(body: &Value) -> Value {
    fn waive(signed: &mut Value) {
        if let Some(signature) = signed.get_mut("signature") {
            if signature.is_string() {
                *signature = Value::String("01".repeat(65));
            }
        }
    }
    let mut copy = body.clone();
    if let Some(params) = copy.get_mut("params") {
        waive(params);
    }
    match copy.get_mut("result") {
        Some(Value::Array(results)) => results.iter_mut().for_each(waive),
        Some(result) => waive(result),
        None => {}
    }
    copy
}

/// Sets a session's status unless it is already accepted or confirmed.
fn mark(shared: &Shared, id: &str, status: Status, reason: Option<String>) {
    shared.sessions.update(id, |s| {
        if !s.status.is_settled_good() {
            s.status = status;
            s.reason = reason.map(bounded);
        }
    });
}

/// One signed message as a login or sign callback carries it.
#[derive(Debug, Clone)]
struct Signed {
    /// `login_type`: `address`, `account` or `ontid`.
    login_type: String,
    user: String,
    message: String,
    publickey: String,
    signature: String,
    /// How replies name it: `""` for a single message, `result[i]: ` for a multi one.
    label: String,
}

/// Step 3, second half: what the schema cannot say (a sign callback must report success) and
/// reading the fields out.
fn signed_items(kind: Kind, body: &Value) -> Result<Vec<Signed>, Rejection> {
    let item = |obj: &Value, label: String| -> Result<Signed, Rejection> {
        let field = |name: &str| {
            obj.get(name)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| {
                    Rejection::unreadable(format!("{label}`{name}` is missing or not a string"))
                })
        };
        let publickey = match obj.get("publickey") {
            Some(_) => field("publickey")?,
            // The iOS wallets' spelling (ONT-L2): tolerated.
            None => field("publicKey")?,
        };
        Ok(Signed {
            login_type: field("type")?,
            user: field("user")?,
            message: field("message")?,
            publickey,
            signature: field("signature")?,
            label,
        })
    };
    match kind {
        Kind::Login => {
            let params = body
                .get("params")
                .ok_or_else(|| Rejection::unreadable("`params` is missing"))?;
            Ok(vec![item(params, String::new())?])
        }
        _ => {
            let error = body.get("error").and_then(Value::as_i64);
            if error != Some(0) {
                let desc = body.get("desc").and_then(Value::as_str).unwrap_or("");
                return Err(Rejection::unreadable(format!(
                    "the wallet reported error {} ({desc}) instead of a signature",
                    error.map_or_else(|| "?".to_string(), |e| e.to_string())
                )));
            }
            let result = body
                .get("result")
                .ok_or_else(|| Rejection::unreadable("`result` is missing"))?;
            if kind == Kind::SignMultiMessage {
                let results = result
                    .as_array()
                    .ok_or_else(|| Rejection::unreadable("`result` is not an array"))?;
                if results.is_empty() || results.len() > MAX_RESULTS {
                    return Err(Rejection::unreadable(format!(
                        "`result` has {} entries; 1 to {MAX_RESULTS} are accepted",
                        results.len()
                    )));
                }
                results
                    .iter()
                    .enumerate()
                    .map(|(i, r)| item(r, format!("result[{i}]: ")))
                    .collect()
            } else {
                Ok(vec![item(result, String::new())?])
            }
        }
    }
}

/// Steps 4 to 9 of a login or sign callback.
async fn judge_signed(
    shared: &Shared,
    kind: Kind,
    found: Option<Session>,
    items: &[Signed],
) -> Result<Value, Rejection> {
    // Step 4: the session and its message(s).
    let (session, ishex, checked) = match_session(shared, kind, found, items)?;
    // `strict-login-type` wants the QR code's spelling back, though `account` and `address`
    // are one type (ONT-L1, ONT-L2).
    if let (Some(session), Kind::Login) = (&session, kind) {
        if shared.has(DappFault::StrictLoginType)
            && checked.iter().any(|i| i.login_type != session.login_type)
        {
            return Err(Rejection::params(format!(
                "`type` must be `{}`, as the QR code asked",
                session.login_type
            )));
        }
    }
    if let Some(session) = &session {
        // Step 5: expiry (`accept-expired` skips it).
        let now = shared.clock.now();
        // `expire-early` keeps a safety margin the profile does not allow: valid means
        // valid until the `expire` second has passed (ONT-L9).
        let expire = if shared.has(DappFault::ExpireEarly) {
            session.expire.saturating_sub(5)
        } else {
            session.expire
        };
        if !shared.has(DappFault::AcceptExpired) && is_expired(now, expire) {
            // The reply names the deadline but not the clock: a reply that reads the same run
            // after run keeps the reference's reports reproducible.
            return Err(Rejection::params(format!(
                "expired: the QR code expired at {}",
                session.expire
            )));
        }
        // Step 6: replay (`accept-replay` skips it).
        if !shared.has(DappFault::AcceptReplay) && session.accepted {
            return Err(replay(kind));
        }
    }
    // Step 7: the signatures (`accept-any-signature` skips it).
    if !shared.has(DappFault::AcceptAnySignature) {
        let ishex = ishex && !shared.has(DappFault::IgnoreIshex);
        for item in &checked {
            check_signature(shared, item, ishex)?;
        }
    }
    // Step 8: the binding of `user` to `publickey`.
    for item in &checked {
        check_binding(shared, item).await?;
    }
    // Step 9: accept. The replay check is repeated under the lock: two copies of one login
    // racing through the steps above must not both be accepted.
    if let Some(session) = &session {
        // `replay-race` trusts step 6 and writes after a slow store round trip: copies that
        // passed step 6 together are all accepted. The trip is a tenth of a second, far
        // longer than a burst of loopback posts takes to arrive, while another callback is
        // being judged, and 5 ms (time for a burst's other copies to arrive) otherwise, so
        // that the many cases posting one callback at a time do not wait a tenth each.
        if shared.has(DappFault::ReplayRace) {
            let racing = shared
                .callbacks_in_flight
                .load(std::sync::atomic::Ordering::SeqCst)
                > 1;
            tokio::time::sleep(std::time::Duration::from_millis(if racing {
                100
            } else {
                5
            }))
            .await;
            shared.sessions.update(&session.id, |s| {
                s.accepted = true;
                s.status = Status::Accepted;
                s.reason = None;
            });
            return Ok(Value::Bool(true));
        }
        let allow_replay = shared.has(DappFault::AcceptReplay);
        let replayed = shared.sessions.update(&session.id, |s| {
            if s.accepted && !allow_replay {
                return true;
            }
            s.accepted = true;
            s.status = Status::Accepted;
            s.reason = None;
            false
        });
        if replayed == Some(true) {
            return Err(replay(kind));
        }
    }
    Ok(Value::Bool(true))
}

fn replay(kind: Kind) -> Rejection {
    Rejection::params(format!("replay: this {} was already accepted", kind.name()))
}

/// Step 4: the session the callback answers and the items whose messages it issued. Gives
/// the session (none when `accept-unknown-message` let an unknown one through), whether the
/// messages are hex, and the items steps 7 and 8 check.
fn match_session<'a>(
    shared: &Shared,
    kind: Kind,
    found: Option<Session>,
    items: &'a [Signed],
) -> Result<(Option<Session>, bool, Vec<&'a Signed>), Rejection> {
    let unknown = |why: String| Rejection::params(format!("unknown message: {why}"));
    if kind == Kind::SignMultiMessage {
        let session =
            found.ok_or_else(|| unknown("no signMultiMessage QR code has this id".into()))?;
        let issued = &session.messages;
        // `accept-unknown-message` goes on without the session when a result's message was
        // never issued, as it does for one message.
        if shared.has(DappFault::AcceptUnknownMessage)
            && items.iter().any(|i| !issued.contains(&i.message))
        {
            return Ok((None, session.ishex, items.iter().collect()));
        }
        let checked: Vec<&Signed> = if shared.has(DappFault::MultiMessageFirstOnly) {
            // The fault reads `result[0]` only and ignores the rest and the length.
            match (items.first(), issued.first()) {
                (Some(first), Some(want)) if first.message == *want => vec![first],
                _ => return Err(unknown("result[0] is not the first issued message".into())),
            }
        } else if shared.has(DappFault::MultiMessageAnyOrder) {
            // The fault checks membership only: any order, any number, repeats.
            if let Some(stray) = items.iter().find(|i| !issued.contains(&i.message)) {
                return Err(unknown(format!(
                    "{}the message was never issued",
                    stray.label
                )));
            }
            items.iter().collect()
        } else {
            if items.len() != issued.len() {
                return Err(unknown(format!(
                    "{} messages were issued but {} results arrived",
                    issued.len(),
                    items.len()
                )));
            }
            if let Some((i, _)) = items
                .iter()
                .zip(issued)
                .enumerate()
                .find(|(_, (item, want))| item.message != **want)
            {
                return Err(unknown(format!(
                    "result[{i}] is not issued message {i}: results must be the issued \
                     messages, in order"
                )));
            }
            items.iter().collect()
        };
        let ishex = session.ishex;
        return Ok((Some(session), ishex, checked));
    }
    let issued_matches = |s: &Session| {
        s.messages.first().map(String::as_str) == items.first().map(|i| i.message.as_str())
    };
    match found {
        Some(session) if issued_matches(&session) => {
            let ishex = session.ishex;
            Ok((Some(session), ishex, items.iter().collect()))
        }
        // The fault goes on without a session: no expiry, no replay memory. The signature is
        // checked over the message as sent, read as the session (if any) said.
        other if shared.has(DappFault::AcceptUnknownMessage) => {
            Ok((None, other.is_some_and(|s| s.ishex), items.iter().collect()))
        }
        Some(_) => Err(unknown(
            "the message is not the one issued for this id".into(),
        )),
        None => Err(unknown(format!("no {} QR code has this id", kind.name()))),
    }
}

fn public_key(item: &Signed) -> Result<PublicKey, Rejection> {
    PublicKey::from_hex(&item.publickey).map_err(|e| {
        Rejection::params(format!("{}`publickey` is not a P-256 key: {e}", item.label))
    })
}

/// Step 7 for one item.
fn check_signature(shared: &Shared, item: &Signed, ishex: bool) -> Result<(), Rejection> {
    let label = &item.label;
    let signature = OntSignature::from_hex(&item.signature)
        .map_err(|e| Rejection::params(format!("{label}the signature is malformed: {e}")))?;
    if shared.has(DappFault::Reject64ByteSignature) && signature.to_bytes().len() == 64 {
        return Err(Rejection::params(format!(
            "{label}64-byte signatures are not accepted"
        )));
    }
    if shared.has(DappFault::RejectHighS) && !signature.is_low_s() {
        return Err(Rejection::params(format!(
            "{label}high-S signatures are not accepted"
        )));
    }
    let key = public_key(item)?;
    let mismatch = || {
        Rejection::params(format!(
            "{label}the signature does not verify for this public key and message"
        ))
    };
    // `accept-either-message-form` falls back to the text when the decoded bytes (or the
    // decoding) fail.
    if ishex && shared.has(DappFault::AcceptEitherMessageForm) {
        let over_bytes = message_bytes(&item.message, true)
            .is_ok_and(|bytes| verify(&key, &bytes, &signature).is_ok());
        if over_bytes || verify(&key, item.message.as_bytes(), &signature).is_ok() {
            return Ok(());
        }
        return Err(mismatch());
    }
    let bytes = message_bytes(&item.message, ishex)
        .map_err(|e| Rejection::params(format!("{label}{e}")))?;
    verify(&key, &bytes, &signature).map_err(|_| mismatch())
}

/// Step 8 for one item.
async fn check_binding(shared: &Shared, item: &Signed) -> Result<(), Rejection> {
    let label = &item.label;
    if item.login_type == "ontid" {
        let ontid = OntId::parse(&item.user)
            .map_err(|e| Rejection::params(format!("{label}`user` is not an ONT ID: {e}")))?;
        if shared.has(DappFault::SkipOntidResolution) {
            return Ok(());
        }
        let key = public_key(item)?;
        return match shared.node.identity_keys(&ontid.to_string()).await {
            Ok(keys) if keys.contains(&key) => Ok(()),
            Ok(_) => Err(Rejection::params(format!(
                "{label}{} is not a current key of {ontid}",
                key.to_hex()
            ))),
            Err(e @ NodeClientError::Refused { .. }) => Err(Rejection::params(format!(
                "{label}the chain does not resolve {ontid}: {e}"
            ))),
            Err(e) => Err(Rejection::internal(format!(
                "the node could not be asked for the keys of {ontid}: {e}"
            ))),
        };
    }
    if shared.has(DappFault::SkipAddressBinding) {
        return Ok(());
    }
    let address = Address::from_public_key(&public_key(item)?).to_base58();
    if address != item.user {
        return Err(Rejection::params(format!(
            "{label}`user` {} is not the address of `publickey` ({address})",
            item.user
        )));
    }
    Ok(())
}

/// Steps 4 onwards of an invoke callback.
async fn invoke(shared: &Shared, id: Option<&str>, body: &Value) -> Result<Value, Rejection> {
    let session = id
        .and_then(|id| shared.sessions.get(id))
        .filter(|s| s.kind == Kind::Invoke)
        .ok_or_else(|| Rejection::params("unknown message: no invoke QR code has this id"))?;
    let confirm = || {
        mark(shared, &session.id, Status::Confirmed, None);
        Ok(Value::Bool(true))
    };
    let error = body.get("error").and_then(Value::as_i64).unwrap_or(-1);
    if error != 0 {
        // `confirm-failed-send` believes the invocation happened anyway.
        if shared.has(DappFault::ConfirmFailedSend) {
            return confirm();
        }
        // The wallet says the send failed (ONT-I8): acknowledged, and the payment failed.
        let desc = body.get("desc").and_then(Value::as_str).unwrap_or("");
        mark(
            shared,
            &session.id,
            Status::Failed,
            Some(format!("the wallet reported error {error} ({desc})")),
        );
        return Ok(Value::Bool(false));
    }
    let hash = match body.get("result") {
        Some(Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            hash
        }
        _ => {
            return Err(Rejection::params(
                "`result` is not a transaction hash (64 hex digits)",
            ))
        }
    };
    // `trust-invoke-callback` takes the success callback as proof.
    if shared.has(DappFault::TrustInvokeCallback) {
        return confirm();
    }
    // ONT-I10: the chain, not the callback, says whether the payment happened.
    let fail = |reason: String| {
        mark(shared, &session.id, Status::Failed, Some(reason.clone()));
        Rejection::params(reason)
    };
    // A transaction the wallet just sent may not be executed yet: the event is asked for
    // until it appears or [`EVENT_WAIT`] has passed (`no-event-wait` asks once).
    let waited_until = tokio::time::Instant::now() + shared.event_wait;
    let event = loop {
        match shared.node.event(hash).await {
            Ok(Some(event)) => break event,
            // `accept-missing-event` fails only what the chain says failed.
            Ok(None) if shared.has(DappFault::AcceptMissingEvent) => return confirm(),
            Ok(None)
                if !shared.has(DappFault::NoEventWait)
                    && tokio::time::Instant::now() < waited_until =>
            {
                // A tenth of the wait between asks, within bounds: a short wait (the
                // in-process reference's) still asks several times.
                tokio::time::sleep((shared.event_wait / 10).clamp(MIN_EVENT_POLL, EVENT_POLL))
                    .await;
            }
            Ok(None) => return Err(fail(format!("the chain has no event for {hash}"))),
            // `confirm-on-node-error` takes a node that cannot answer for one that agrees.
            Err(_) if shared.has(DappFault::ConfirmOnNodeError) => return confirm(),
            // Not a verdict on the payment: the back end could not decide (80003), and the
            // invocation stays pending.
            Err(e) => {
                return Err(Rejection::internal(format!(
                    "the node could not be asked for the event of {hash}: {e}"
                )))
            }
        }
    };
    // `ignore-event-state` takes the event's existence for success: neither its state nor
    // what it paid is looked at.
    if shared.has(DappFault::IgnoreEventState) {
        return confirm();
    }
    if event.get("State").and_then(Value::as_i64) != Some(1) {
        let state = event
            .get("State")
            .map_or_else(|| "missing".to_string(), Value::to_string);
        return Err(fail(format!(
            "the transaction {hash} failed on chain (State {state})"
        )));
    }
    let payee = shared.payee.to_base58();
    // `ignore-event-content` stops at the state.
    if !shared.has(DappFault::IgnoreEventContent) && !pays(&event, &payee, shared.amount) {
        return Err(fail(format!(
            "the transaction did not pay {} ONG to {payee}",
            shared.amount
        )));
    }
    confirm()
}

/// How long the dApp waits by default for the event of a transaction the wallet reports
/// sent: longer than the dApp suite's delayed event, short enough to answer within a
/// wallet's timeout.
pub const EVENT_WAIT: Duration = Duration::from_millis(1500);

/// How often, at most, the dApp asks for an event while it waits.
const EVENT_POLL: Duration = Duration::from_millis(100);

/// How often, at least: a loopback node answers in well under this.
const MIN_EVENT_POLL: Duration = Duration::from_millis(5);

/// Whether an event notifies an ONG transfer of `amount` to `payee`, from anyone.
fn pays(event: &Value, payee: &str, amount: u64) -> bool {
    let Some(notify) = event.get("Notify").and_then(Value::as_array) else {
        return false;
    };
    notify.iter().any(|entry| {
        let ong = entry
            .get("ContractAddress")
            .and_then(Value::as_str)
            .is_some_and(|c| c.eq_ignore_ascii_case(ONG_CONTRACT));
        let paid = match entry
            .get("States")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([op, _from, to, value]) => {
                op.as_str() == Some("transfer")
                    && to.as_str() == Some(payee)
                    && value.as_u64() == Some(amount)
            }
            _ => false,
        };
        ong && paid
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pays_needs_the_ong_contract_the_payee_and_the_amount() {
        let payee = "AKnF1jzu8mGJJL3KZmxLRmcVjsV3Q9gdHr";
        let event = |contract: &str, to: &str, amount: u64| {
            json!({"State": 1, "Notify": [
                {"ContractAddress": "0100000000000000000000000000000000000000", "States": ["transfer", "A", payee, amount]},
                {"ContractAddress": contract, "States": ["transfer", "A", to, amount]},
            ]})
        };
        assert!(pays(&event(ONG_CONTRACT, payee, 1), payee, 1));
        assert!(!pays(&event(ONG_CONTRACT, payee, 2), payee, 1));
        assert!(!pays(&event(ONG_CONTRACT, "Aother", 1), payee, 1));
        assert!(!pays(
            &event("0300000000000000000000000000000000000000", payee, 1),
            payee,
            1
        ));
        assert!(!pays(&json!({"State": 1, "Notify": null}), payee, 1));
    }

    #[test]
    fn reasons_are_bounded_on_a_character_boundary() {
        let long = "é".repeat(MAX_REASON_CHARS + 10);
        let cut = bounded(long);
        assert_eq!(cut.chars().count(), MAX_REASON_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(bounded("short".into()), "short");
    }

    #[test]
    fn codes_have_their_numbers_and_words() {
        assert_eq!(
            (Code::Params.error(), Code::Params.desc()),
            (80001, "PARAMS ERROR")
        );
        assert_eq!(
            (Code::Method.error(), Code::Method.desc()),
            (80002, "METHOD ERROR")
        );
        assert_eq!(
            (Code::Internal.error(), Code::Internal.desc()),
            (80003, "INTERNAL ERROR")
        );
    }
}
