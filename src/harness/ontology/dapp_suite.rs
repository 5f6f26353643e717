//! The dApp suite's runner: the harness plays the wallet against a dApp back end.
//!
//! For each case: fetch a fresh QR code from the target's source, decode it and check it
//! against its schema, play the case (an honest wallet or one named defect), POST the
//! callback, and judge the reply, then what the mock node saw and, when the target has one,
//! what its status probe says. Every step has the target's timeout and body cap, only
//! declared hosts are contacted, redirects are never followed, and nothing the peer sends can
//! make the runner panic: each case ends with a verdict and a reason.
//!
//! The plays (the `play` field of a case) are the wallet behaviours below; a catalogue naming
//! any other play is refused before anything runs.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::dapp_wallet::{signature_hex, HarnessWallet, SigForm};
use crate::chain::ontology::client::NodeApi;
use crate::chain::ontology::{self as chain, Node, NodeConfig, RunningNode};
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::harness::catalogue::{Case, Catalogue, Expect, Level, ProbeExpect};
use crate::harness::steps::{
    abbreviate, case_source, check_plays_and_sources, error, fail, network, qr_text, reply_object,
    skip, wait_for_expiry, Prefetched, Step,
};
use crate::harness::suite::Reproducible;
use crate::harness::target::{DappProtocol, DappTarget, QrSource, DAPP_SOURCES};
use crate::harness::{dropped_node_requests, node_exchange, CaseOutcome, Verdict};
use crate::net::{HttpClient, HttpReply};
use crate::protocol::ontology::crypto::{message_bytes, PrivateKey};
use crate::protocol::ontology::invoke::{
    build_script, parse_config, substitute_placeholders, ArgValue, BytesOrigin,
};
use crate::protocol::ontology::transport;
use crate::protocol::ontology::tx::{Payload, Transaction, TxType};
use crate::reference;
use crate::reference::ontology::dapp::{DappConfig, DappFault, RunningDapp};
use crate::transcript;

/// Every play the runner knows.
pub const PLAYS: [&str; 47] = [
    "honest",
    "sig-64-byte",
    "sig-high-s",
    "sig-bad-length",
    "sig-bad-scheme",
    "sig-r-zero",
    "sig-s-order",
    "sig-der",
    "sig-other-key",
    "user-other-address",
    "ontid-foreign-key",
    "message-unknown",
    "replay",
    "expired",
    "action-unknown",
    "missing-user",
    "missing-message",
    "missing-publickey",
    "missing-signature",
    "missing-type",
    "signature-number",
    "params-string",
    "not-json",
    "sign-text-bytes",
    "multi-reversed",
    "multi-bad-second",
    "multi-short",
    "invoke-honest",
    "invoke-unknown-hash",
    "invoke-state-0",
    "invoke-other-payment",
    "invoke-send-error",
    "publickey-camel",
    "type-account",
    "type-address",
    "version-cyano",
    "multi-extra",
    "multi-not-array",
    "result-missing",
    "invoke-version-cyano",
    "replay-concurrent",
    "message-cross-action",
    "multi-empty",
    "before-expiry",
    "invoke-event-delayed",
    "invoke-node-error",
    "replay-after-restart",
];

/// How long the mock node hides the event of the transaction in the delayed-event cases:
/// half a second, less than one block interval of the real chain, so a back end that waits
/// for the chain at all sees it appear. After four times as long the suite asks a back end
/// that answered failure meanwhile whether it confirmed the invocation in the end.
pub const EVENT_DELAY: Duration = Duration::from_millis(500);

/// The event delay against the reference dApp, which waits [`REFERENCE_EVENT_WAIT`]: short,
/// so that self-tests stay quick.
pub const REFERENCE_EVENT_DELAY: Duration = Duration::from_millis(10);

/// How long the reference dApp waits for a late event when the suite runs against it.
pub const REFERENCE_EVENT_WAIT: Duration = Duration::from_millis(50);

/// How many queries the mock node answers "nothing" for the delayed event against the
/// reference dApp, besides the delay: with a 10 ms delay, a busy machine could otherwise let
/// a reference that asks once (`no-event-wait`, `accept-missing-event`) ask late enough to
/// see the event, and the self-test's verdicts would depend on the machine's load. A back
/// end under test gets the delay alone, as a real chain gives it.
pub const REFERENCE_EVENT_HIDDEN_QUERIES: u32 = 1;

/// How many copies of one honest callback `replay-concurrent` posts at once.
pub const CONCURRENT_COPIES: usize = 10;

/// What a dApp-suite case requires of the back end, in words, from its catalogue entry.
pub fn expectation(case: &Case) -> String {
    if case.play == "replay-concurrent" {
        return format!(
            "of {CONCURRENT_COPIES} copies of one honest callback posted at once, the dApp accepts exactly one and rejects the others"
        );
    }
    if case.play == "invoke-event-delayed" {
        return match case.expect {
            Expect::Accept => "the event appears only after the callback; the dApp waits for it and confirms: a success reply, or its status probe says `confirmed` once the event is on chain".to_string(),
            _ => "the event appears only after the callback; the dApp never confirms before it is on chain: a success reply only after it appeared and was asked for, else a failure".to_string(),
        };
    }
    let mut text = match case.expect {
        Expect::Accept => {
            "the dApp accepts: error 0, desc SUCCESS, result true, the request's action and id echoed"
                .to_string()
        }
        Expect::Reject => match (case.expect_error, case.expect_error_level) {
            (Some(code), Some(Level::MUST)) => format!("the dApp rejects with error {code}"),
            (Some(code), _) => format!("the dApp rejects: error not 0 (SHOULD be {code})"),
            (None, _) => "the dApp rejects: error not 0".to_string(),
        },
        Expect::Any => "the dApp answers with a well-formed envelope".to_string(),
    };
    if case.require_event_query {
        text.push_str("; it asks the node for the event of the transaction's hash");
    }
    match case.probe {
        Some(ProbeExpect::Confirmed) => text.push_str("; its status probe says `confirmed`"),
        Some(ProbeExpect::NotConfirmed) => {
            text.push_str("; its status probe does not say `confirmed`")
        }
        None => {}
    }
    text
}

/// A decoded QR request.
#[derive(Debug, Clone)]
struct Request {
    action: String,
    version: String,
    id: Option<String>,
    params: Map<String, Value>,
}

impl Request {
    fn str_param(&self, key: &str) -> Option<&str> {
        self.params.get(key).and_then(Value::as_str)
    }
}

/// The knobs of a login or signMessage result.
#[derive(Debug, Clone, Copy)]
struct Signing {
    form: SigForm,
    /// The signature is made by another key; `publickey` still names the wallet's.
    other_signer: bool,
    /// Both the signature and `publickey` are another key's (a key the user does not own).
    foreign_key: bool,
    other_user: bool,
    /// Sign the UTF-8 bytes of the text even when `ishex` is true.
    text_bytes: bool,
}

impl Signing {
    fn honest() -> Self {
        Signing {
            form: SigForm::Scheme65,
            other_signer: false,
            foreign_key: false,
            other_user: false,
            text_bytes: false,
        }
    }
}

/// The reply to one callback, checked for the envelope.
#[derive(Debug)]
struct Reply {
    error: i64,
    desc: String,
    result: Value,
}

/// Runs dApp cases against one target, with the harness's own mock node.
pub struct DappSuite {
    target: DappTarget,
    http: HttpClient,
    running: RunningNode,
    wallet: HarnessWallet,
    nonce: AtomicU32,
    entropy: Entropy,
    clock: Clock,
    prefetched: Prefetched,
    /// How long the delayed-event cases hide the event ([`EVENT_DELAY`]).
    event_delay: Duration,
    /// How many queries for it are answered "nothing" besides ([`REFERENCE_EVENT_HIDDEN_QUERIES`]).
    event_hidden_queries: u32,
}

impl std::fmt::Debug for DappSuite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DappSuite")
            .field("target", &self.target.name)
            .finish_non_exhaustive()
    }
}

/// Checks that a catalogue uses only known plays and sources.
pub fn check_catalogue(catalogue: &Catalogue) -> Result<(), String> {
    check_plays_and_sources(catalogue, &PLAYS, &DAPP_SOURCES)
}

impl DappSuite {
    /// Starts the harness's mock node on the target's node addresses and registers the
    /// harness wallet's identity there.
    pub async fn start(target: DappTarget) -> Result<Self, String> {
        let running = chain::start(
            Node::new(NodeConfig::default()),
            target.node_rest,
            target.node_rpc,
        )
        .await
        .map_err(|e| format!("failed to start the mock node for the target: {e}"))?;
        Ok(Self::with_node(target, running))
    }

    /// Uses a node that is already running (its addresses replace the target's).
    pub fn with_node(mut target: DappTarget, running: RunningNode) -> Self {
        target.node_rest = running.rest.addr();
        target.node_rpc = running.rpc.addr();
        let wallet = HarnessWallet::new();
        wallet.register(&running.node);
        let http = target.http_client();
        DappSuite {
            target,
            http,
            running,
            wallet,
            nonce: AtomicU32::new(1),
            entropy: Entropy::os(),
            clock: Clock::system(),
            prefetched: Prefetched::default(),
            event_delay: EVENT_DELAY,
            event_hidden_queries: 0,
        }
    }

    /// Fetches the selected expiry cases' QR codes ahead of the run (see [`Prefetched`]).
    pub async fn prefetch(&self, cases: &[Case]) {
        self.prefetched
            .fill(&self.http, &self.target, cases, "ONT-T1")
            .await;
    }

    /// The origins of the servers the harness runs for this suite (the mock node's two
    /// APIs), with the placeholders reports write for them.
    pub fn endpoints(&self) -> Vec<(String, String)> {
        vec![
            (self.running.rest_url(), "<node-rest>".into()),
            (self.running.rpc_url(), "<node-rpc>".into()),
        ]
    }

    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }

    /// Where the harness's mock node listens, for the console.
    pub fn banner(&self) -> String {
        format!(
            "mock node: REST {}, JSON-RPC {}",
            self.running.rest_url(),
            self.running.rpc_url()
        )
    }

    /// Runs one case to its verdict.
    pub async fn run_case(&self, case: &Case) -> CaseOutcome {
        let started = Instant::now();
        let mut warnings = Vec::new();
        let mark = self.running.node.request_mark();
        let (judged, mut record) = transcript::capture(self.judge(case, &mut warnings)).await;
        // What the dApp asked the mock node during the case belongs to its transcript too.
        let (requests, dropped) = self.running.node.requests_since(mark);
        let mut exchanges: Vec<_> = requests
            .iter()
            .map(|r| node_exchange(r, &self.running))
            .collect();
        // A back end waiting for an event asks again and again, as often as its timing
        // makes it: each run of the same exchange is shown once, so reports stay the same
        // run after run.
        let asked = exchanges.len();
        exchanges.dedup();
        if exchanges.len() < asked {
            record.observations.push(
                "the dApp repeated requests to the node while it waited; each run of the same request is shown once".to_string(),
            );
        }
        record.exchanges.extend(exchanges);
        if dropped > 0 {
            record.observations.push(dropped_node_requests(dropped));
        }
        CaseOutcome::conclude(case, judged, warnings, started, record, expectation(case))
    }

    async fn judge(&self, case: &Case, warnings: &mut Vec<String>) -> Step<()> {
        if case.needs_probe && self.target.status.is_none() {
            return skip(
                "this case is judged by the status probe, and the target declares no `status` URL",
            );
        }
        if case.play == "replay-after-restart" && self.target.restart.is_none() {
            return skip(
                "this case restarts the back end's session store between a login and its replay, and the target declares no `restart` URL",
            );
        }
        let source = case_source(&self.target, case)?;
        let request = self.fetch_request(case, source).await?;
        match case.action.as_str() {
            "invoke" => self.play_invoke(case, &request, warnings).await,
            _ => self.play_signed(case, &request, warnings).await,
        }
    }

    // -----------------------------------------------------------------------------------
    // QR codes
    // -----------------------------------------------------------------------------------

    async fn fetch_request(&self, case: &Case, source: &QrSource) -> Step<Request> {
        let text = match self.prefetched.take(case) {
            Some(text) => text,
            None => qr_text(&self.http, source, &self.target.limits, "ONT-T1").await?,
        };
        let decoded = transport::decode(&text).or_else(|e| {
            fail(format!(
                "the QR text is not a protocol request (ONT-T1): {e}"
            ))
        })?;
        let message = if decoded.message.is_object() {
            decoded.message
        } else {
            return fail("the QR text is a URL, not the request JSON (ONT-T1)");
        };
        let action = message.get("action").and_then(Value::as_str).unwrap_or("");
        if action != case.action {
            return error(format!(
                "the source `{}` gave a `{action}` QR code, not `{}`",
                case.source.as_deref().unwrap_or(""),
                case.action
            ));
        }
        let kind = format!("{action}.request");
        let violations = crate::schema::validate(&kind, &message)
            .or_else(|e| error(format!("no schema for `{kind}`: {e}")))?;
        if let Some(v) = violations.first() {
            let clause = match action {
                "login" => "ONT-L1",
                "invoke" => "ONT-I1",
                _ => "ONT-S1",
            };
            return fail(format!(
                "the QR request breaks its schema ({clause}): {}: {}",
                v.instance_path, v.message
            ));
        }
        if let Some(expire) = message.pointer("/params/expire").and_then(Value::as_u64) {
            transcript::placeholder(expire.to_string(), "<expire>");
        }
        let request = Request {
            action: action.to_string(),
            version: message
                .get("version")
                .and_then(Value::as_str)
                .unwrap_or("v1.0.0")
                .to_string(),
            id: message
                .get("id")
                .and_then(Value::as_str)
                .map(str::to_string),
            params: message
                .get("params")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        };
        // The source's variant must be what the case needs.
        let login_type = request.str_param("type").unwrap_or("address");
        let ishex = request
            .params
            .get("ishex")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let variant_ok = match case.source.as_deref().unwrap_or("") {
            "login.address" => login_type == "address",
            "login.account" => login_type == "account",
            "login.ontid" => login_type == "ontid",
            "signMessage.text" | "signMultiMessage.text" => !ishex,
            "signMessage.hex" | "signMultiMessage.hex" => ishex,
            _ => true,
        };
        if !variant_ok {
            return error(format!(
                "the source `{}` gave a QR code of another kind (type `{login_type}`, ishex {ishex})",
                case.source.as_deref().unwrap_or("")
            ));
        }
        Ok(request)
    }

    // -----------------------------------------------------------------------------------
    // login, signMessage, signMultiMessage
    // -----------------------------------------------------------------------------------

    fn callback_url(&self, request: &Request) -> Step<String> {
        let Some(url) = request.str_param("callback") else {
            return skip("the QR code has no callback, so there is nothing to post to");
        };
        self.http
            .check_url(url)
            .map_err(|e| network("the QR code's callback", e))?;
        Ok(url.to_string())
    }

    /// The signed object `{type, user, message, publickey, signature}` for one message.
    fn signed_object(
        &self,
        login_type: &str,
        message: &str,
        ishex: bool,
        knobs: Signing,
    ) -> Step<Value> {
        let signer = if knobs.other_signer || knobs.foreign_key {
            &self.wallet.other_key
        } else {
            &self.wallet.key
        };
        let named = if knobs.foreign_key {
            &self.wallet.other_key
        } else {
            &self.wallet.key
        };
        let bytes = if knobs.text_bytes {
            message.as_bytes().to_vec()
        } else {
            message_bytes(message, ishex)
                .or_else(|e| error(format!("the dApp's message cannot be signed: {e}")))?
        };
        let user = if login_type == "ontid" {
            self.wallet.ontid.to_string()
        } else if knobs.other_user {
            crate::protocol::ontology::crypto::Address::from_public_key(
                &self.wallet.other_key.public_key(),
            )
            .to_base58()
        } else {
            self.wallet.address().to_base58()
        };
        Ok(json!({
            "type": login_type,
            "user": user,
            "message": message,
            "publickey": named.public_key().to_hex(),
            "signature": signature_hex(signer, &bytes, knobs.form),
        }))
    }

    fn knobs(play: &str) -> Signing {
        let mut knobs = Signing::honest();
        match play {
            "sig-64-byte" => knobs.form = SigForm::Plain64,
            "sig-high-s" => knobs.form = SigForm::HighS,
            "sig-bad-length" => knobs.form = SigForm::BadLength,
            "sig-bad-scheme" => knobs.form = SigForm::BadScheme,
            "sig-r-zero" => knobs.form = SigForm::RZero,
            "sig-s-order" => knobs.form = SigForm::SOrder,
            "sig-der" => knobs.form = SigForm::Der,
            "sig-other-key" => knobs.other_signer = true,
            "ontid-foreign-key" => knobs.foreign_key = true,
            "user-other-address" => knobs.other_user = true,
            "sign-text-bytes" => knobs.text_bytes = true,
            _ => {}
        }
        knobs
    }

    /// The callback body for a login or a signed-message action.
    fn signed_body(&self, case: &Case, request: &Request) -> Step<Value> {
        let knobs = Self::knobs(&case.play);
        let ishex = request
            .params
            .get("ishex")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut body = Map::new();
        body.insert("action".into(), Value::from(request.action.clone()));
        body.insert(
            "version".into(),
            Value::from(callback_version(case, request)),
        );
        if let Some(id) = &request.id {
            body.insert("id".into(), Value::from(id.clone()));
        }
        match request.action.as_str() {
            "login" => {
                // `account` and `address` are one type: wallets answer either spelling for
                // either (ONT-L2).
                let login_type = match case.play.as_str() {
                    "type-account" => "account",
                    "type-address" => "address",
                    _ => request.str_param("type").unwrap_or("address"),
                };
                let mut message = request.str_param("message").unwrap_or("").to_string();
                if case.play == "message-unknown" {
                    message.push_str("-never-issued");
                }
                body.insert(
                    "params".into(),
                    self.signed_object(login_type, &message, false, knobs)?,
                );
            }
            "signMessage" => {
                let mut message = request.str_param("message").unwrap_or("").to_string();
                if case.play == "message-unknown" {
                    message.push_str("-never-issued");
                }
                let message = message.as_str();
                body.insert("error".into(), Value::from(0));
                body.insert("desc".into(), Value::from("SUCCESS"));
                body.insert(
                    "result".into(),
                    self.signed_object("address", message, ishex, knobs)?,
                );
            }
            "signMultiMessage" => {
                let mut messages: Vec<String> = request
                    .params
                    .get("message")
                    .and_then(Value::as_array)
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if case.play == "message-unknown" {
                    if let Some(last) = messages.last_mut() {
                        last.push_str("-never-issued");
                    }
                }
                if messages.len() < 2 && case.play.starts_with("multi-") {
                    return error("the signMultiMessage QR has fewer than two messages; this case needs two or more");
                }
                let mut results = Vec::new();
                for (i, message) in messages.iter().enumerate() {
                    let mut item_knobs = knobs;
                    item_knobs.other_signer =
                        knobs.other_signer || (case.play == "multi-bad-second" && i == 1);
                    results.push(self.signed_object("address", message, ishex, item_knobs)?);
                }
                match case.play.as_str() {
                    "multi-reversed" => results.reverse(),
                    "multi-short" => {
                        results.pop();
                    }
                    // One result more than messages: the last one again.
                    "multi-extra" => {
                        if let Some(last) = results.last().cloned() {
                            results.push(last);
                        }
                    }
                    _ => {}
                }
                let result = match (case.play.as_str(), results.first()) {
                    ("multi-not-array", Some(first)) => first.clone(),
                    ("multi-empty", _) => Value::Array(Vec::new()),
                    _ => Value::Array(results),
                };
                body.insert("error".into(), Value::from(0));
                body.insert("desc".into(), Value::from("SUCCESS"));
                body.insert("result".into(), result);
            }
            other => return error(format!("no signed body for action `{other}`")),
        }
        // Shape defects.
        fn field(body: &mut Map<String, Value>) -> Option<&mut Map<String, Value>> {
            let key = if body.contains_key("params") {
                "params"
            } else {
                "result"
            };
            body.get_mut(key).and_then(Value::as_object_mut)
        }
        match case.play.as_str() {
            "action-unknown" => {
                body.insert("action".into(), Value::from("signIn"));
            }
            "missing-user" | "missing-message" | "missing-publickey" | "missing-signature"
            | "missing-type" => {
                let name = case.play.trim_start_matches("missing-");
                if let Some(params) = field(&mut body) {
                    params.remove(name);
                }
            }
            "signature-number" => {
                if let Some(params) = field(&mut body) {
                    params.insert("signature".into(), Value::from(12345));
                }
            }
            "params-string" => {
                body.insert("params".into(), Value::from(request.action.clone()));
            }
            "result-missing" => {
                body.remove("result");
            }
            // The iOS wallets' spelling of the key (ONT-L2), in every signed object.
            "publickey-camel" => {
                let rename = |object: &mut Value| {
                    if let Some(map) = object.as_object_mut() {
                        if let Some(key) = map.remove("publickey") {
                            map.insert("publicKey".into(), key);
                        }
                    }
                };
                for key in ["params", "result"] {
                    match body.get_mut(key) {
                        Some(Value::Array(items)) => items.iter_mut().for_each(rename),
                        Some(object) => rename(object),
                        None => {}
                    }
                }
            }
            _ => {}
        }
        Ok(Value::Object(body))
    }

    async fn play_signed(
        &self,
        case: &Case,
        request: &Request,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        if case.play == "message-cross-action" {
            return self.play_cross_action(case, request, warnings).await;
        }
        let url = self.callback_url(request)?;
        if case.play == "expired" {
            self.wait_for_expiry(request).await?;
        }
        if case.play == "before-expiry" {
            self.wait_until_before_expiry(request).await?;
        }
        if case.play == "not-json" {
            let reply = self
                .http
                .post_raw(&url, "application/json", b"this is { not JSON".to_vec())
                .await
                .map_err(|e| network("posting the callback", e))?;
            let reply = self.read_reply(reply, request, false, warnings)?;
            return self.expect(case, &reply, warnings);
        }
        let body = self.signed_body(case, request)?;
        let echo = case.play != "action-unknown";
        if case.play == "replay-concurrent" {
            return self.post_concurrently(&url, &body, request, warnings).await;
        }
        if matches!(case.play.as_str(), "replay" | "replay-after-restart") {
            let first = self.post(&url, &body, request, echo, warnings).await?;
            if first.error != 0 || first.result != Value::Bool(true) {
                return fail(format!(
                    "the first, honest post was not accepted (error {}, {}), so the replay cannot be judged",
                    first.error, first.desc
                ));
            }
        }
        if case.play == "replay-after-restart" {
            self.restart().await?;
        }
        let reply = self.post(&url, &body, request, echo, warnings).await?;
        self.expect(case, &reply, warnings)?;
        self.probe(case, request).await
    }

    /// Asks the back end to restart its session store (the target's `restart` hook), which
    /// answers 2xx once it serves again. The hook is part of the target's set-up, not of the
    /// protocol: when it fails, the case cannot be run.
    async fn restart(&self) -> Step<()> {
        let Some(url) = &self.target.restart else {
            return skip("the target declares no `restart` URL");
        };
        let reply = self
            .http
            .post_raw(url, "application/json", b"{}".to_vec())
            .await
            .or_else(|e| error(format!("the target's restart hook {url} failed: {e}")))?;
        if !(200..300).contains(&reply.status) {
            return error(format!(
                "the target's restart hook {url} answered HTTP {}: {}",
                reply.status,
                abbreviate(&reply.body)
            ));
        }
        transcript::observe("the harness restarted the back end's session store");
        Ok(())
    }

    /// Answers the case's QR code (issued for one action) with an honest login over its
    /// message and id, posted to the login callback of the target's `login.address` QR
    /// code: a message is issued for one action (ONT-L8).
    async fn play_cross_action(
        &self,
        case: &Case,
        request: &Request,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        let Some(source) = self.target.sources.get("login.address") else {
            return skip("this case also needs the target's `login.address` QR source");
        };
        let text = qr_text(&self.http, source, &self.target.limits, "ONT-T1").await?;
        let login = transport::decode(&text)
            .ok()
            .map(|d| d.message)
            .filter(|m| m.get("action").and_then(Value::as_str) == Some("login"))
            .ok_or((
                Verdict::Error,
                "the source `login.address` gave no login QR code".to_string(),
            ))?;
        let Some(url) = login.pointer("/params/callback").and_then(Value::as_str) else {
            return fail("the login QR code has no callback (ONT-L1)");
        };
        self.http
            .check_url(url)
            .map_err(|e| network("the login QR code's callback", e))?;
        let Some(message) = request
            .str_param("message")
            .map(str::to_string)
            .or_else(|| {
                request
                    .params
                    .get("message")
                    .and_then(Value::as_array)
                    .and_then(|m| m.first())
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
        else {
            return error("the QR code has no message to reuse");
        };
        let as_login = Request {
            action: "login".to_string(),
            ..request.clone()
        };
        let mut body = Map::new();
        body.insert("action".into(), Value::from("login"));
        body.insert("version".into(), Value::from(request.version.clone()));
        if let Some(id) = &request.id {
            body.insert("id".into(), Value::from(id.clone()));
        }
        body.insert(
            "params".into(),
            self.signed_object("address", &message, false, Signing::honest())?,
        );
        let reply = self
            .post(url, &Value::Object(body), &as_login, true, warnings)
            .await?;
        self.expect(case, &reply, warnings)
    }

    /// Posts [`CONCURRENT_COPIES`] copies of one honest callback at once: a replay check
    /// that is not atomic with the acceptance lets several through (ONT-L8: used once).
    async fn post_concurrently(
        &self,
        url: &str,
        body: &Value,
        request: &Request,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        let bytes = body.to_string().into_bytes();
        let posts = (0..CONCURRENT_COPIES)
            .map(|_| self.http.post_json(url, bytes.clone()))
            .collect();
        // Which copy wins is a race, and reports must come out the same run after run: the
        // copies' exchanges and replies are written in a fixed order (by what was answered),
        // not in the order they completed.
        let (mut replies, mut record) = transcript::capture(join_all(posts)).await;
        record
            .exchanges
            .sort_by(|a, b| (&a.response, &a.error).cmp(&(&b.response, &b.error)));
        for exchange in record.exchanges {
            transcript::exchange(exchange);
        }
        for (value, written) in record.placeholders {
            transcript::placeholder(value, written);
        }
        record.observations.sort();
        for observation in record.observations {
            transcript::observe(observation);
        }
        replies.sort_by(|a, b| match (a, b) {
            (Ok(a), Ok(b)) => a.body.cmp(&b.body),
            (Ok(_), Err(_)) => std::cmp::Ordering::Greater,
            (Err(_), Ok(_)) => std::cmp::Ordering::Less,
            (Err(a), Err(b)) => a.to_string().cmp(&b.to_string()),
        });
        let mut accepted = 0;
        for reply in replies {
            let reply = reply.map_err(|e| network("posting the callback", e))?;
            let reply = self.read_reply(reply, request, true, warnings)?;
            if reply.error == 0 {
                accepted += 1;
            }
        }
        transcript::observe(format!(
            "{accepted} of {CONCURRENT_COPIES} concurrent copies were accepted"
        ));
        match accepted {
            1 => Ok(()),
            0 => fail(format!(
                "none of {CONCURRENT_COPIES} copies of an honest callback was accepted"
            )),
            n => fail(format!(
                "{n} of {CONCURRENT_COPIES} copies of one callback posted at once were accepted; a message is used once (ONT-L8)"
            )),
        }
    }

    /// Waits until just before the QR code expires on any clock within the allowed skew of
    /// ours: until `expire - 1 - skew`, one second inside the validity a dApp clock that is
    /// `skew` ahead still sees. A QR code without `expire` never expires: it is posted at
    /// once, and must be accepted all the same.
    async fn wait_until_before_expiry(&self, request: &Request) -> Step<()> {
        let Some(expire) = request.params.get("expire").and_then(Value::as_u64) else {
            return Ok(());
        };
        let skew = self.target.limits.clock_skew_secs;
        // `wait_for_expiry(e)` waits until `e + 1 + skew`.
        let target = expire.saturating_sub(skew.saturating_mul(2).saturating_add(2));
        wait_for_expiry(target, &self.target.limits, &self.clock).await
    }

    async fn wait_for_expiry(&self, request: &Request) -> Step<()> {
        let Some(expire) = request.params.get("expire").and_then(Value::as_u64) else {
            return skip("the QR code has no `expire`, so it never expires");
        };
        wait_for_expiry(expire, &self.target.limits, &self.clock).await
    }

    async fn post(
        &self,
        url: &str,
        body: &Value,
        request: &Request,
        echo: bool,
        warnings: &mut Vec<String>,
    ) -> Step<Reply> {
        let reply = self
            .http
            .post_json(url, body.to_string().into_bytes())
            .await
            .map_err(|e| network("posting the callback", e))?;
        self.read_reply(reply, request, echo, warnings)
    }

    /// Checks the reply's HTTP status and envelope (ONT-T5…T8, ONT-L10).
    fn read_reply(
        &self,
        reply: HttpReply,
        request: &Request,
        echo: bool,
        warnings: &mut Vec<String>,
    ) -> Step<Reply> {
        let status = reply.status;
        let envelope = reply_object(&reply, "the callback", "ONT-T7", "JSON envelopes")?;
        if status != 200 {
            warnings.push(format!(
                "the reply came with HTTP {status}; dApps SHOULD answer 200 and put the verdict in `error` (ONT-T8)"
            ));
        }
        let error = match envelope.get("error") {
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64().unwrap_or_default(),
            Some(other) => {
                return fail(format!(
                    "the reply's `error` is {other}, not a JSON integer (ONT-T6)"
                ))
            }
            None => return fail(format!("the reply has no `error` (ONT-L10): {envelope}")),
        };
        if echo {
            match envelope.get("action").and_then(Value::as_str) {
                Some(action) if action == request.action => {}
                other => {
                    return fail(format!(
                        "the reply's `action` is {}, not the request's `{}` (ONT-T5)",
                        other.map_or("missing".to_string(), |a| format!("`{a}`")),
                        request.action
                    ))
                }
            }
            if let Some(id) = &request.id {
                if envelope.get("id").and_then(Value::as_str) != Some(id.as_str()) {
                    return fail(format!(
                        "the reply does not echo the request's id `{id}` (ONT-T5): id is {}",
                        envelope
                            .get("id")
                            .map_or("missing".to_string(), Value::to_string)
                    ));
                }
            }
        }
        let desc = match envelope.get("desc") {
            Some(Value::String(desc)) => desc.clone(),
            _ => {
                return fail(format!(
                    "the reply has no string `desc` (ONT-L10): {envelope}"
                ))
            }
        };
        Ok(Reply {
            error,
            desc,
            result: envelope.get("result").cloned().unwrap_or(Value::Null),
        })
    }

    fn expect(&self, case: &Case, reply: &Reply, warnings: &mut Vec<String>) -> Step<()> {
        match case.expect {
            Expect::Accept => {
                if reply.error != 0 || reply.result != Value::Bool(true) {
                    return fail(format!(
                        "expected acceptance (error 0, result true); the dApp answered error {} ({}) with result {}",
                        reply.error, reply.desc, reply.result
                    ));
                }
                if reply.desc != "SUCCESS" {
                    warnings.push(format!(
                        "a success reply's desc is `{}`, not `SUCCESS` (ONT-L10)",
                        reply.desc
                    ));
                }
            }
            Expect::Reject => {
                if reply.error == 0 {
                    return fail(format!(
                        "expected rejection; the dApp accepted it (error 0, {}, result {})",
                        reply.desc, reply.result
                    ));
                }
                if let Some(code) = case.expect_error {
                    if reply.error != code {
                        let text = format!(
                            "rejected with error {} ({}); the profile asks for {code} (ONT-T6)",
                            reply.error, reply.desc
                        );
                        match case.expect_error_level {
                            Some(Level::MUST) => return fail(text),
                            _ => warnings.push(text),
                        }
                    }
                }
            }
            Expect::Any => {}
        }
        Ok(())
    }

    /// Asks the status probe what the dApp concluded, when the case and the target have one.
    async fn probe(&self, case: &Case, request: &Request) -> Step<()> {
        let (Some(expect), Some(template), Some(id)) =
            (case.probe, &self.target.status, &request.id)
        else {
            return Ok(());
        };
        let status = self.probe_status(template, id).await?;
        let confirmed = status == "confirmed";
        match expect {
            ProbeExpect::Confirmed if !confirmed => fail(format!(
                "the chain confirmed the transaction, but the dApp's status is `{status}` (ONT-I10)"
            )),
            ProbeExpect::NotConfirmed if confirmed => fail(
                "the chain has no successful transaction for this invocation, but the dApp's status is `confirmed` (ONT-I10)",
            ),
            _ => Ok(()),
        }
    }

    /// What the status probe says of the invocation `id`.
    async fn probe_status(&self, template: &str, id: &str) -> Step<String> {
        let url = template.replace("{id}", id);
        let reply = self
            .http
            .get(&url)
            .await
            .map_err(|e| network("asking the status probe", e))?;
        let status = serde_json::from_slice::<Value>(&reply.body)
            .ok()
            .and_then(|v| v.get("status").and_then(Value::as_str).map(str::to_string));
        let Some(status) = status else {
            return fail(format!(
                "the status probe {url} answered HTTP {} without a string `status`: {}",
                reply.status,
                abbreviate(&reply.body)
            ));
        };
        transcript::observe(format!("the status probe says `{status}`"));
        Ok(status)
    }

    // -----------------------------------------------------------------------------------
    // invoke
    // -----------------------------------------------------------------------------------

    async fn play_invoke(
        &self,
        case: &Case,
        request: &Request,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        let callback = self.callback_url(request)?;
        let id = request.id.clone();
        // The earliest the delayed event can be visible (the node counts from after the
        // send, so this is never later than the node's own instant).
        let mut visible_from = None;
        let hash = match case.play.as_str() {
            "invoke-unknown-hash" => Some(self.entropy.hex(32).or_else(error)?),
            "invoke-send-error" => None,
            play => {
                let mut tx = self.build_invoke(request).await?;
                if play == "invoke-other-payment" {
                    self.redirect_payment(&mut tx)?;
                }
                if play == "invoke-state-0" {
                    self.running.node.fail_next_execution();
                }
                if play == "invoke-event-delayed" {
                    self.running
                        .node
                        .hide_next_event(self.event_delay, self.event_hidden_queries);
                    visible_from = Some(Instant::now() + self.event_delay);
                }
                let hash = tx.display_hash();
                self.running
                    .node
                    .send_raw(&tx.to_hex(), false)
                    .or_else(|e| {
                        error(format!(
                            "the harness's own node refused the transaction: {e}"
                        ))
                    })?;
                if play == "invoke-node-error" {
                    self.running.node.fail_event_queries(&hash);
                }
                Some(hash)
            }
        };
        let mut body = Map::new();
        body.insert("action".into(), Value::from("invoke"));
        body.insert(
            "version".into(),
            Value::from(callback_version(case, request)),
        );
        if let Some(id) = &id {
            body.insert("id".into(), Value::from(id.clone()));
        }
        match &hash {
            Some(hash) => {
                body.insert("error".into(), Value::from(0));
                body.insert("desc".into(), Value::from("SUCCESS"));
                body.insert("result".into(), Value::from(hash.clone()));
            }
            None => {
                body.insert("error".into(), Value::from(80001));
                body.insert("desc".into(), Value::from("SEND TX ERROR"));
                body.insert("result".into(), Value::from(1));
            }
        }
        let reply = self
            .post(&callback, &Value::Object(body), request, true, warnings)
            .await?;
        if let (Some(visible_from), Some(hash)) = (visible_from, &hash) {
            return self
                .judge_delayed(case, request, &reply, visible_from, hash)
                .await;
        }
        self.expect(case, &reply, warnings)?;
        if let Some(hash) = &hash {
            transcript::observe(if self.running.node.event_queried(hash) {
                format!("the dApp asked the node for the event of {hash}")
            } else {
                format!("the dApp did not ask the node for the event of {hash}")
            });
        }
        if case.require_event_query {
            if let Some(hash) = &hash {
                if !self.running.node.event_queried(hash) {
                    let verdict = if reply.error == 0 {
                        "accepted"
                    } else {
                        "rejected"
                    };
                    return fail(format!(
                        "the dApp {verdict} the invocation without asking the chain for the event of {hash} (ONT-I10)"
                    ));
                }
            }
        }
        self.probe(case, request).await
    }

    /// Judges an invocation whose event the node hid for [`EVENT_DELAY`] after the send: a
    /// success is due only once the event was on chain and asked for (ONT-I10); a failure
    /// while it was missing is what ONT-I10 asks, and the SHOULD case then looks for the
    /// confirmation the back end reached by waiting, in its reply or its status probe.
    async fn judge_delayed(
        &self,
        case: &Case,
        request: &Request,
        reply: &Reply,
        visible_from: Instant,
        hash: &str,
    ) -> Step<()> {
        let answered = Instant::now();
        if reply.error == 0 {
            // What the chain showed the back end before it answered decides, not the clock:
            // a success is earned only by a query the node answered with the event.
            let shown = self.running.node.event_shown_at(hash);
            if shown.is_none_or(|shown| shown > answered) {
                let asked = if self.running.node.event_queried(hash) {
                    "it asked the chain for the event, but the chain had not shown it yet"
                } else {
                    "it never asked the chain for the event"
                };
                return fail(format!(
                    "the dApp confirmed the invocation of {hash} before the chain showed it the event: {asked} (ONT-I10)"
                ));
            }
            transcript::observe("the dApp answered success once the event was on chain");
            return Ok(());
        }
        transcript::observe(format!(
            "the dApp answered error {} ({}) while the event was not yet on chain",
            reply.error, reply.desc
        ));
        if case.expect != Expect::Accept {
            return Ok(());
        }
        let Some(template) = &self.target.status else {
            return fail(format!(
                "the dApp answered error {} ({}) for a transaction whose event appeared {} ms later, and has no status probe to show it confirmed the invocation once it did (ONT-I13)",
                reply.error,
                reply.desc,
                self.event_delay.as_millis()
            ));
        };
        let Some(id) = &request.id else {
            return skip("the invoke QR code has no id to ask the status probe about");
        };
        let settle = self.event_delay * 4;
        tokio::time::sleep_until((visible_from + settle).into()).await;
        match self.probe_status(template, id).await? {
            status if status == "confirmed" => Ok(()),
            status => fail(format!(
                "the dApp answered error {} ({}) while the event was missing, and its status is `{status}` {} ms after the event appeared: it never confirmed a payment the chain holds (ONT-I13)",
                reply.error,
                reply.desc,
                settle.as_millis()
            )),
        }
    }

    /// Fetches the payload and builds the transaction an honest wallet would send.
    async fn build_invoke(&self, request: &Request) -> Step<Transaction> {
        let Some(url) = request.str_param("qrcodeUrl") else {
            return fail("the invoke QR has no qrcodeUrl (ONT-I1)");
        };
        let reply = self
            .http
            .get(url)
            .await
            .map_err(|e| network("fetching the invoke payload", e))?;
        if reply.status != 200 {
            return fail(format!(
                "the qrcodeUrl answered HTTP {}: {} (ONT-I1)",
                reply.status,
                abbreviate(&reply.body)
            ));
        }
        let payload: Value = serde_json::from_slice(&reply.body).or_else(|_| {
            fail(format!(
                "the invoke payload is not JSON (ONT-I1): {}",
                abbreviate(&reply.body)
            ))
        })?;
        let violations = crate::schema::validate("invoke.payload", &payload)
            .or_else(|e| error(format!("no schema for the invoke payload: {e}")))?;
        if let Some(v) = violations.first() {
            return fail(format!(
                "the invoke payload breaks its schema (ONT-I2): {}: {}",
                v.instance_path, v.message
            ));
        }
        let config = payload
            .pointer("/params/invokeConfig")
            .cloned()
            .unwrap_or(Value::Null);
        let address = self.wallet.address();
        let config = substitute_placeholders(
            &config,
            &address.to_base58(),
            &self.wallet.ontid.to_string(),
        );
        let call = parse_config(&config)
            .or_else(|e| fail(format!("the invokeConfig cannot be built (ONT-I3): {e}")))?;
        if let Some(payer) = call.payer {
            if payer != address {
                return error(format!(
                    "the invokeConfig names payer {}, which is not the harness wallet ({}); use `%address` or leave it out",
                    payer.to_base58(),
                    address.to_base58()
                ));
            }
        }
        let mut tx = Transaction {
            version: 0,
            tx_type: TxType::InvokeNeo,
            nonce: self.nonce.fetch_add(1, Ordering::Relaxed),
            gas_price: call.gas_price,
            gas_limit: call.gas_limit,
            payer: address,
            payload: Payload::Invoke {
                code: build_script(&call),
            },
            signatures: Vec::new(),
        };
        self.sign(&mut tx)?;
        Ok(tx)
    }

    fn sign(&self, tx: &mut Transaction) -> Step<()> {
        tx.signatures.clear();
        tx.sign_single(&self.wallet.key)
            .or_else(|e| error(format!("signing the transaction: {e}")))
    }

    /// Rebuilds a transfer so that it pays the harness wallet instead of whoever the dApp
    /// asked for: a real, successful transaction that is not the payment.
    fn redirect_payment(&self, tx: &mut Transaction) -> Step<()> {
        let call = crate::protocol::ontology::invoke::decode_script(tx.payload.code())
            .or_else(|e| error(format!("reading back the harness's own script: {e}")))?;
        let is_transfer = call.method == "transfer" && call.args.len() == 3;
        if !is_transfer {
            return skip("the dApp's invocation is not a transfer, so the harness cannot forge another payment");
        }
        let elsewhere = crate::protocol::ontology::crypto::Address::from_public_key(
            &PrivateKey::from_seed("qrconform/harness/elsewhere").public_key(),
        );
        let amount = call.args[2].as_integer().unwrap_or(0);
        let rebuilt = crate::protocol::ontology::invoke::InvokeCall {
            contract: call.contract,
            method: call.method.clone(),
            args: vec![
                ArgValue::Bytes {
                    origin: BytesOrigin::Address,
                    bytes: self.wallet.address().0.to_vec(),
                },
                ArgValue::Bytes {
                    origin: BytesOrigin::Address,
                    bytes: elsewhere.0.to_vec(),
                },
                ArgValue::Integer {
                    value: amount,
                    long: false,
                },
            ],
            payer: None,
            gas_limit: tx.gas_limit,
            gas_price: tx.gas_price,
        };
        tx.payload = Payload::Invoke {
            code: build_script(&rebuilt),
        };
        self.sign(tx)
    }
}

/// Runs every future to completion, polling them together in the calling task (so that the
/// case's task-local transcript records what each one does), and gives their outputs in order.
async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<std::pin::Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// The `version` a callback carries: the request's, or cyano-bridge's `1.0.0`, which dApps
/// accept as well as `v1.0.0` (ONT-T4).
fn callback_version(case: &Case, request: &Request) -> String {
    if case.play.ends_with("version-cyano") {
        "1.0.0".to_string()
    } else {
        request.version.clone()
    }
}

/// How long the reference dApp's QR codes live when the suite runs against it: short, so
/// that the expiry cases run instead of being skipped, and long enough for every other case.
pub const REFERENCE_QR_LIFETIME: Duration = Duration::from_secs(3);

/// The reference dApp (with `faults`) and a suite pointed at it, both on ephemeral loopback
/// ports, sharing one mock node.
pub async fn against_reference(
    faults: BTreeSet<DappFault>,
) -> Result<(DappSuite, RunningDapp), String> {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let running = chain::start(Node::new(NodeConfig::default()), loopback, loopback)
        .await
        .map_err(|e| format!("failed to start the mock node: {e}"))?;
    // The suite and the reference share one virtual clock: expiry cases pass at once.
    let clock = Clock::virtual_shared();
    let mut config = DappConfig::new(NodeApi::Rest, running.rest_url());
    config.clock = clock.clone();
    config.qr_lifetime = REFERENCE_QR_LIFETIME;
    config.faults = faults;
    config.event_wait = REFERENCE_EVENT_WAIT;
    // Reference runs are reproducible: the same session ids and messages, run after run.
    config.entropy = std::sync::Arc::new(Entropy::seeded("qrconform/reference-dapp"));
    let dapp = reference::ontology::dapp::start(config, loopback).await?;
    let base = dapp.base_url();
    let sources = [
        ("login.address", "/qr/login?type=address"),
        ("login.account", "/qr/login?type=account"),
        ("login.ontid", "/qr/login?type=ontid"),
        ("signMessage.text", "/qr/signMessage?ishex=false"),
        ("signMessage.hex", "/qr/signMessage?ishex=true"),
        ("signMultiMessage.text", "/qr/signMultiMessage?ishex=false"),
        ("signMultiMessage.hex", "/qr/signMultiMessage?ishex=true"),
        ("invoke", "/qr/invoke"),
    ]
    .map(|(key, path)| (key, path.to_string()));
    let target = DappTarget::for_reference(
        "qrconform reference dApp",
        DappProtocol::Ontology,
        &base,
        &sources,
        Some(format!("{base}/status/{{id}}")),
    );
    let target = DappTarget {
        restart: Some(format!("{base}/restart")),
        ..target
    };
    let mut suite = DappSuite::with_node(target, running);
    suite.event_delay = REFERENCE_EVENT_DELAY;
    suite.event_hidden_queries = REFERENCE_EVENT_HIDDEN_QUERIES;
    Ok((suite.reproducible("qrconform/harness-wallet", clock), dapp))
}

impl Reproducible for DappSuite {
    fn entropy_and_clock(&mut self) -> (&mut Entropy, &mut Clock) {
        (&mut self.entropy, &mut self.clock)
    }
}

crate::harness::run::impl_runner!(DappSuite, prepare = prefetch);
