//! The wallet suite's runner: the harness plays the dApp against a wallet under test.
//!
//! For each case the harness dApp ([`crate::harness::harness_dapp`]) mints the case's QR code (plain JSON or deep
//! link) under a fresh token, serves its invoke payload and receives its callbacks; the
//! driver ([`crate::harness::driver`]) hands the QR text and the user's decision to the wallet and reports
//! when the wallet is done. The case then judges what was observed: the callbacks (content
//! type, envelope, id echo, user, key, signatures over the right bytes), and for invoke the
//! transaction that reached the mock node (decoded back to the requested call, payer, gas,
//! pre-execution, the hash the callback reports). Nothing waits for a fixed time: the driver
//! answers when the wallet is done, and an optional quiet period waits for late callbacks
//! with a deadline.

use std::collections::BTreeSet;
use std::net::SocketAddr;

use serde_json::{json, Map, Value};

use crate::chain::ontology::client::NodeApi;
use crate::chain::ontology::ledger::RecordedRequest;
use crate::chain::ontology::{self as chain, Action, Node, NodeConfig, RunningNode};
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::harness::catalogue::{Case, Catalogue, Expect};
use crate::harness::driver::Driver;
use crate::harness::harness_dapp::{Answer, PayloadAnswer, Received, MOVED_QUERY};
use crate::harness::steps::{error, fail, skip, Step};
use crate::harness::suite::Reproducible;
use crate::harness::wallet_steps::{
    check_plays_and_forms, describe_accepted, describe_driver, expectation_of, reference_driver,
    shorten, warn_unless_refused, WalletLimits, WalletSide,
};
use crate::harness::{node_exchange, Verdict};
use crate::protocol::driver::{Identity, Outcome};
use crate::protocol::ontology::crypto::{
    message_bytes, verify, Address, OntId, OntSignature, PrivateKey, PublicKey,
};
use crate::protocol::ontology::invoke::{
    decode_script, matches, parse_config, substitute_placeholders,
};
use crate::protocol::ontology::transport::{self, QrForm};
use crate::protocol::ontology::tx::{Transaction, TxType};
use crate::reference;
use crate::reference::ontology::wallet::{RunningWallet, WalletConfig, WalletFault};
use crate::transcript::{self};

/// Every play the wallet runner knows.
pub const PLAYS: [&str; 76] = [
    "login-address",
    "login-version-cyano",
    "login-account",
    "login-ontid",
    "login-low-s",
    "login-65-byte",
    "login-publickey-name",
    "login-expired",
    "sign-text",
    "sign-hex",
    "sign-invalid-hex",
    "multi-text",
    "invoke-transfer",
    "invoke-typed-args",
    "invoke-payer-missing",
    "invoke-payer-foreign",
    "invoke-preexec",
    "invoke-send-failure",
    "invoke-unknown-prefix",
    "invoke-expired",
    "multi-seed-hex",
    "multi-invalid-hex",
    "sign-hexlike-text",
    "multi-hexlike-text",
    "sign-expired",
    "multi-expired",
    "login-no-expire",
    "invoke-seed-001",
    "invoke-seed-002",
    "invoke-nested-placeholders",
    "invoke-payer-literal",
    "invoke-ont-transfer",
    "invoke-malformed-value",
    "invoke-preexec-failing",
    "invoke-no-callback",
    "login-expired-recently",
    "login-expiring-soon",
    "login-no-id",
    "sign-no-expire",
    "multi-no-expire",
    "invoke-no-expire",
    "sign-no-id",
    "multi-no-id",
    "invoke-no-id",
    "sign-version-cyano",
    "multi-version-cyano",
    "invoke-version-cyano",
    "sign-expired-recently",
    "multi-expired-recently",
    "invoke-expired-recently",
    "sign-expiring-soon",
    "multi-expiring-soon",
    "invoke-expiring-soon",
    "invoke-login-false",
    "invoke-login-absent",
    "login-dapp-refuses",
    "sign-dapp-refuses",
    "multi-dapp-refuses",
    "login-dapp-not-json",
    "sign-dapp-not-json",
    "multi-dapp-not-json",
    "invoke-payload-404",
    "invoke-payload-500",
    "invoke-payload-not-json",
    "invoke-payload-redirect",
    "invoke-payload-redirect-off-origin",
    "login-unknown-action",
    "login-version-unknown",
    "login-expire-boundary",
    "sign-expire-boundary",
    "multi-expire-boundary",
    "invoke-expire-boundary",
    "login-expired-boundary",
    "sign-expired-boundary",
    "multi-expired-boundary",
    "invoke-expired-boundary",
];

/// The clock skew the wallet suite allows a wallet's clock (either way) at the expiry
/// boundary: a request whose `expire` is one second past `now + skew` is valid on every
/// clock within the skew, and one whose `expire` is one second before `now - skew` has
/// expired on every such clock (ONT-L9). Half a minute, as the SimpleWallet suite allows.
pub const WALLET_CLOCK_SKEW_SECS: u64 = 30;

/// Why a case judged by the scan's outcome was not judged: neither the driver nor the person
/// said what the wallet showed.
const INTERACTIVE_OUTCOME: &str = "the driver does not report the scan's outcome (interactive) and the person gave no answer in time, so whether the wallet showed success cannot be seen";

/// The plays where the harness dApp answers the wallet's callback with a refusal or a body
/// that is not JSON, and the wallet must not report success (ONT-T10).
fn dapp_refuses(play: &str) -> bool {
    play.ends_with("-dapp-refuses") || play.ends_with("-dapp-not-json")
}

/// Checks that a catalogue uses only plays this runner knows.
pub fn check_catalogue(catalogue: &Catalogue) -> Result<(), String> {
    check_plays_and_forms(catalogue, &PLAYS)
}

/// What one case observed.
struct Observed {
    reply: Option<crate::protocol::driver::ScanReply>,
    callbacks: Vec<Received>,
    payload_fetched: bool,
    /// Transactions the node accepted during the case.
    transactions: Vec<Transaction>,
    /// Every accepted transaction was pre-executed before it was sent.
    preexec_before_send: bool,
    /// Transactions submitted to the node (pre-executed or sent, accepted or not), as the
    /// node's record names them.
    submitted: Vec<String>,
}

/// What a wallet-suite case requires of the wallet, in words, from its catalogue entry.
pub fn expectation(case: &Case) -> String {
    let what = match (case.expect, case.play.as_str()) {
        (_, "invoke-send-failure") => {
            "the wallet reports the failed send with the whole SEND TX ERROR envelope {action: invoke, id, error: 80001, desc: SEND TX ERROR, result: 1} and never a success".to_string()
        }
        (_, "invoke-no-callback") => {
            "the wallet sends the requested transaction and, having no callback, posts nothing".to_string()
        }
        (_, play) if dapp_refuses(play) => format!(
            "the wallet completes the {} with one well-formed callback; the harness dApp refuses it, and the wallet's driver reports `refused`, not success",
            case.action
        ),
        (_, "invoke-payload-redirect") => {
            "the wallet either follows the redirect within the payload's origin and completes the invoke, or acts on nothing: never a success without the requested transaction".to_string()
        }
        (Expect::Accept, _) => format!(
            "the wallet completes the {}: one well-formed callback, signed over the right bytes, and (for invoke) the requested transaction at the node",
            case.action
        ),
        _ => "the wallet does not act: no success callback, no transaction at the node".to_string(),
    };
    expectation_of(case, &what)
}

/// What the wallet did during a case, in one line.
fn describe_activity(
    reply: &Option<crate::protocol::driver::ScanReply>,
    received: &[Received],
    transactions: &[Transaction],
    node_requests: &[RecordedRequest],
) -> String {
    let driver = describe_driver(reply);
    let posts = received.iter().filter(|r| r.method == "POST").count();
    let gets = received.iter().filter(|r| r.method == "GET").count();
    let txs: Vec<String> = transactions.iter().map(|t| t.display_hash()).collect();
    format!(
        "{driver}; {posts} callback(s) and {gets} payload fetch(es) reached the harness dApp; {} request(s) reached the node; {}",
        node_requests.len(),
        describe_accepted(&txs)
    )
}

/// A case's QR code and what it asked for.
struct Minted {
    token: String,
    qr: String,
    request: Value,
    /// The invoke config, as served.
    config: Option<Value>,
}

/// Runs wallet cases against one wallet, with the harness's own dApp and mock node.
pub struct WalletSuite {
    side: WalletSide,
    identity: Identity,
    running: RunningNode,
}

impl WalletSuite {
    /// Starts the harness dApp on `listen` (QR codes point at `public_url` when given) and
    /// uses `running` as the node; asks the driver who the wallet is.
    pub async fn start(
        driver: Driver,
        running: RunningNode,
        listen: SocketAddr,
        public_url: Option<String>,
        limits: WalletLimits,
    ) -> Result<Self, String> {
        let identity = driver
            .identity()
            .await
            .map_err(|e| format!("failed to learn the wallet's identity: {e}"))?;
        let key = PublicKey::from_hex(&identity.public_key)
            .map_err(|e| format!("the wallet's publicKey: {e}"))?;
        if let Ok(ontid) = OntId::parse(&identity.ontid) {
            running.node.register_identity(&ontid, vec![key]);
        }
        Ok(WalletSuite {
            side: WalletSide::start(driver, listen, public_url, limits, ontology_success).await?,
            identity,
            running,
        })
    }

    /// The origins of the servers the harness runs for this suite (the harness dApp, the
    /// mock node's two APIs), with the placeholders reports write for them.
    pub fn endpoints(&self) -> Vec<(String, String)> {
        vec![
            self.side.endpoint(),
            (self.running.rest_url(), "<node-rest>".into()),
            (self.running.rpc_url(), "<node-rpc>".into()),
        ]
    }

    pub async fn shutdown(self) {
        self.side.shutdown().await;
        self.running.shutdown().await;
    }

    /// The wallet and where the harness's servers listen, for the console.
    pub fn banner(&self) -> String {
        format!(
            "wallet {}; harness dApp {}; mock node: REST {}, JSON-RPC {}",
            self.identity.address,
            self.side.harness_url(),
            self.running.rest_url(),
            self.running.rpc_url()
        )
    }

    /// What a REVIEW case's pointers read: the request and its invoke config as served, the
    /// wallet's address (the sender a transfer's `%address` names), the transfer's asset
    /// and amount as the pre-execution's Notify states them, and the fee (gasPrice times
    /// gasLimit, in ONG).
    fn review_values(&self, minted: &Minted) -> Value {
        let config = minted.config.clone().unwrap_or(Value::Null);
        let asset = match config["contractHash"].as_str() {
            Some("0100000000000000000000000000000000000000") => "ONT",
            Some("0200000000000000000000000000000000000000") => "ONG",
            _ => "a contract's token",
        };
        let amount = config["functions"][0]["args"]
            .as_array()
            .and_then(|args| args.iter().find(|a| a["name"] == "amount"))
            .map(|a| match asset {
                // ONG counts in 10^-9 ONG; ONT is indivisible.
                "ONG" => format!("{} ONG", ong_units(a["value"].as_u64().unwrap_or(0))),
                _ => format!("{} {asset}", a["value"]),
            });
        let fee = match (config["gasPrice"].as_u64(), config["gasLimit"].as_u64()) {
            (Some(price), Some(limit)) => Some(format!(
                "{} ONG at most (gasPrice {price} x gasLimit {limit})",
                ong_units(price.saturating_mul(limit))
            )),
            _ => None,
        };
        json!({
            "request": minted.request,
            "config": config,
            "wallet": self.identity.address,
            "amount": amount,
            "fee": fee,
        })
    }

    async fn judge(&self, case: &Case, warnings: &mut Vec<String>) -> Step<()> {
        let minted = self.mint(case)?;
        let before_txs = self.running.node.accepted_transactions().len();
        let request_mark = self.running.node.request_mark();
        if case.play == "invoke-send-failure" {
            self.running.node.fail_next_send(45016);
        }
        let expect_callback = (case.expect == Expect::Accept && case.play != "invoke-no-callback")
            || case.play == "invoke-send-failure";
        let mut reply = self
            .side
            .hand_over(case, &minted.token, &minted.qr, expect_callback)
            .await?;
        // What the wallet made of the dApp's refusal is what it showed: a person playing the
        // wallet saw it, and says so (other drivers report it in their scan reply).
        if reply.is_none() && dapp_refuses(&case.play) {
            reply = match self.side.driver.ask_success_shown(&case.id).await {
                Some(true) => Some(crate::protocol::driver::ScanReply::completed()),
                Some(false) => Some(crate::protocol::driver::ScanReply::refused(
                    "the person saw the wallet show no success",
                )),
                None => None,
            };
        }
        let (new_requests, dropped_requests) = self.running.node.requests_since(request_mark);
        let new_requests = new_requests.as_slice();
        let transactions: Vec<Transaction> = self
            .running
            .node
            .accepted_transactions()
            .into_iter()
            .skip(before_txs)
            .collect();
        let preexec_before_send = transactions.iter().all(|tx| {
            let hash = tx.display_hash();
            let pre = new_requests
                .iter()
                .position(|r| r.action == Action::PreExec && r.tx_hash.as_deref() == Some(&hash));
            let sent = new_requests.iter().position(|r| {
                r.action == Action::SendRawTransaction && r.tx_hash.as_deref() == Some(&hash)
            });
            matches!((pre, sent), (Some(p), Some(s)) if p < s)
        });
        let submitted = new_requests
            .iter()
            .filter(|r| matches!(r.action, Action::PreExec | Action::SendRawTransaction))
            .map(|r| {
                format!(
                    "{} {}",
                    r.target,
                    r.tx_hash.as_deref().unwrap_or("(unparsable transaction)")
                )
            })
            .collect();
        // What the wallet asked of the harness's servers belongs to the case's transcript.
        let received = self.side.transcribe_case(
            &minted.token,
            new_requests.iter().map(|r| node_exchange(r, &self.running)),
            dropped_requests,
        );
        transcript::observe(describe_activity(
            &reply,
            &received,
            &transactions,
            new_requests,
        ));
        let observed = Observed {
            reply,
            callbacks: received
                .iter()
                .filter(|r| r.method == "POST")
                .cloned()
                .collect(),
            payload_fetched: received.iter().any(|r| r.method == "GET"),
            transactions,
            preexec_before_send,
            submitted,
        };
        // A redirect within the payload's origin may be followed or not (ONT-I12): what is
        // judged is that the wallet does one or the other whole.
        let acted = !observed.transactions.is_empty() || !observed.submitted.is_empty();
        match case.expect {
            Expect::Accept => self.judge_accepted(case, &minted, &observed, warnings),
            _ if case.play == "invoke-payload-redirect" && acted => {
                self.judge_accepted(case, &minted, &observed, warnings)
            }
            _ => self.judge_refused(case, &minted, &observed, warnings),
        }
    }

    // -----------------------------------------------------------------------------------
    // QR codes
    // -----------------------------------------------------------------------------------

    fn mint(&self, case: &Case) -> Step<Minted> {
        let token = self.side.open_case();
        let callback = self.side.harness.callback_url(&token);
        let now = self.side.clock.unix_secs();
        let expire = match case.play.as_str() {
            play if play.ends_with("-expired") => now.saturating_sub(600),
            // Near the boundary, on both sides: a minute past `expire` is expired for any
            // clock within a minute of the harness's; half a minute ahead is valid for the
            // time a scan takes.
            play if play.ends_with("-expired-recently") => now.saturating_sub(60),
            play if play.ends_with("-expiring-soon") => now + 30,
            // The boundary itself: valid on every clock within the skew, or expired on every
            // one.
            play if play.ends_with("-expire-boundary") => now + WALLET_CLOCK_SKEW_SECS + 1,
            play if play.ends_with("-expired-boundary") => {
                now.saturating_sub(WALLET_CLOCK_SKEW_SECS + 1)
            }
            _ => now + 600,
        };
        transcript::placeholder(expire.to_string(), "<expire>");
        let dapp_icon = format!("{}/icon.png", self.side.harness.public_url());
        let random = {
            let mut bytes = [0u8; 16];
            self.side.entropy.fill(&mut bytes).or_else(error)?;
            hex::encode(bytes)
        };
        let mut config = None;
        let mut params = match case.action.as_str() {
            "login" => {
                let login_type = match case.play.as_str() {
                    "login-account" => "account",
                    "login-ontid" => "ontid",
                    _ => "address",
                };
                json!({"type": login_type, "dappName": "qrconform harness", "dappIcon": dapp_icon,
                    "message": format!("qrconform-login-{random}"), "expire": expire, "callback": callback})
            }
            "signMessage" => {
                let (message, ishex) = match case.play.as_str() {
                    "sign-hex" => (random.clone(), true),
                    // Hex digits with ishex false: the text is what is signed (ONT-S2).
                    "sign-hexlike-text" => (random.clone(), false),
                    "sign-invalid-hex" => (format!("not hex: {random}"), true),
                    _ => (format!("qrconform sign {random}"), false),
                };
                json!({"type": "address", "dappName": "qrconform harness", "dappIcon": dapp_icon,
                    "message": message, "ishex": ishex, "expire": expire, "callback": callback})
            }
            "signMultiMessage" => {
                let (messages, ishex) = match case.play.as_str() {
                    // The seeds' only signMultiMessage example, verbatim (seeds 001, 002).
                    "multi-seed-hex" => (vec!["aabbccdd".to_string()], true),
                    "multi-invalid-hex" => (
                        vec!["aabbccdd".to_string(), format!("not hex: {random}")],
                        true,
                    ),
                    "multi-hexlike-text" => (vec!["aabbccdd".to_string(), random.clone()], false),
                    _ => (
                        (1..=3)
                            .map(|i| format!("qrconform multi {i} {random}"))
                            .collect(),
                        false,
                    ),
                };
                json!({"type": "address", "dappName": "qrconform harness", "dappIcon": dapp_icon,
                    "message": messages, "ishex": ishex, "expire": expire, "callback": callback})
            }
            "invoke" => {
                let invoke_config = invoke_config(&case.play, &self.identity.address);
                self.side.harness.set_payload(
                    &token,
                    json!({"action": "invoke", "version": "v1.0.0", "id": token,
                        "params": {"invokeConfig": invoke_config}}),
                );
                config = Some(invoke_config);
                json!({"login": true, "qrcodeUrl": self.side.harness.payload_url(&token),
                    "callback": callback, "expire": expire})
            }
            other => return error(format!("no QR code for action `{other}`")),
        };
        // `expire` and an invoke's `callback` are optional (ONT-L1, ONT-S1, ONT-I1).
        if case.play.ends_with("-no-expire") {
            params.as_object_mut().map(|p| p.remove("expire"));
        }
        if case.play == "invoke-no-callback" {
            params.as_object_mut().map(|p| p.remove("callback"));
        }
        // `login` is informational (ONT-I1): false or absent changes nothing.
        match case.play.as_str() {
            "invoke-login-false" => params["login"] = json!(false),
            "invoke-login-absent" => {
                params.as_object_mut().map(|p| p.remove("login"));
            }
            _ => {}
        }
        let request = {
            // ONT-T4: cyano-bridge writes `1.0.0`; wallets accept both spellings.
            let version = if case.play.ends_with("-version-cyano") {
                "1.0.0"
            } else {
                "v1.0.0"
            };
            let mut request =
                json!({"action": case.action, "version": version, "id": token, "params": params});
            // `id` is optional (ONT-T4): the harness tells its cases apart by URL path.
            if case.play.ends_with("-no-id") {
                request.as_object_mut().map(|r| r.remove("id"));
            }
            // An action and a version the profile does not know (ONT-T4, ONT-T11), on a
            // request that is a login in every other respect.
            match case.play.as_str() {
                "login-unknown-action" => request["action"] = json!("qrconformUnknown"),
                "login-version-unknown" => request["version"] = json!("v2.0.0"),
                _ => {}
            }
            request
        };
        let form = match case.form.as_deref() {
            Some("deeplink") => QrForm::DeepLink,
            _ => QrForm::Json,
        };
        self.answer_badly(case, &token)?;
        let qr = transport::encode(&request, form)
            .or_else(|e| error(format!("cannot write the QR text: {e}")))?;
        if form == QrForm::DeepLink {
            // The deep link encodes the request, `expire` included, past recognition.
            transcript::placeholder(qr.clone(), "<deep link of the request>");
        }
        Ok(Minted {
            token,
            qr,
            request,
            config,
        })
    }

    /// Sets how the harness dApp answers a case whose dApp is not perfect: its callback
    /// refused or answered with a body that is not JSON, its payload URL answering an error,
    /// a body that is not JSON or a redirect.
    fn answer_badly(&self, case: &Case, token: &str) -> Step<()> {
        let harness = &self.side.harness;
        let play = case.play.as_str();
        if play.ends_with("-dapp-refuses") {
            // The seeds' failure reply (ONT-L10), echoing the action and id.
            harness.answer_with(
                token,
                Answer::Json(json!({"action": case.action, "id": token, "error": 80001,
                    "desc": "PARAMS ERROR", "result": 1})),
            );
        } else if play.ends_with("-dapp-not-json") {
            harness.answer_with(
                token,
                Answer::NotJson {
                    content_type: "text/html",
                    body: "<html><body>Service Unavailable</body></html>\n".into(),
                },
            );
        }
        let payload_url = harness.payload_url(token);
        let moved = format!("{payload_url}?{MOVED_QUERY}");
        let answer = match play {
            "invoke-payload-404" => PayloadAnswer::Status(404),
            "invoke-payload-500" => PayloadAnswer::Status(500),
            "invoke-payload-not-json" => PayloadAnswer::NotJson,
            "invoke-payload-redirect" => PayloadAnswer::Redirect(moved),
            "invoke-payload-redirect-off-origin" => {
                PayloadAnswer::Redirect(other_origin(&moved, &harness.bound_url()).ok_or((
                    Verdict::Skipped,
                    "the harness dApp has no second origin to redirect to (its public URL is neither loopback name nor its bound address)".to_string(),
                ))?)
            }
            _ => return Ok(()),
        };
        harness.answer_payload_with(token, answer);
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // judging
    // -----------------------------------------------------------------------------------

    fn judge_refused(
        &self,
        case: &Case,
        minted: &Minted,
        observed: &Observed,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        if let Some(tx) = observed.transactions.first() {
            return fail(format!(
                "a transaction ({}) reached the node; the wallet must not send one here",
                tx.display_hash()
            ));
        }
        // Sending is expected (and refused by the node) only when the case makes it fail, and
        // pre-executing is expected when the pre-execution is what fails.
        if !matches!(
            case.play.as_str(),
            "invoke-send-failure" | "invoke-preexec-failing"
        ) {
            if let Some(request) = observed.submitted.first() {
                return fail(format!(
                    "the wallet built a transaction and submitted it to the node ({request}); it must not build one here"
                ));
            }
        }
        for callback in &observed.callbacks {
            let body = callback.json().unwrap_or(Value::Null);
            let error_code = body.get("error").and_then(Value::as_i64);
            // A login callback has no `error`: any post is a signed login (but for a request
            // of an unknown action, only a post without an error code is a success).
            let login = case.action == "login" && case.play != "login-unknown-action";
            let success = login || error_code == Some(0) || error_code.is_none();
            if success {
                return fail(format!(
                    "the wallet posted a success callback: {}",
                    shorten(&String::from_utf8_lossy(&callback.body))
                ));
            }
        }
        if case.play == "invoke-send-failure" {
            let reported = observed.callbacks.iter().find(|c| {
                let body = c.json().unwrap_or(Value::Null);
                body.get("error").and_then(Value::as_i64) == Some(80001)
                    && body.get("desc").and_then(Value::as_str) == Some("SEND TX ERROR")
            });
            if let Some(callback) = reported {
                // ONT-I8 writes the whole envelope; ONT-T5 asks for the action and id echoed.
                let body = callback.json().unwrap_or(Value::Null);
                let id = minted.request.get("id").and_then(Value::as_str);
                if body.get("action").and_then(Value::as_str) != Some("invoke") {
                    return fail(format!(
                        "the SEND TX ERROR callback's action is {}, not `invoke` (ONT-I8, ONT-T5)",
                        body.get("action")
                            .map_or("missing".to_string(), Value::to_string)
                    ));
                }
                if id.is_some() && body.get("id").and_then(Value::as_str) != id {
                    return fail(format!(
                        "the SEND TX ERROR callback does not echo the request's id (ONT-I8, ONT-T5): id is {}",
                        body.get("id")
                            .map_or("missing".to_string(), Value::to_string)
                    ));
                }
                if body.get("result") != Some(&json!(1)) {
                    return fail(format!(
                        "the SEND TX ERROR callback's result is {}, not 1 (ONT-I8)",
                        body.get("result")
                            .map_or("missing".to_string(), Value::to_string)
                    ));
                }
            } else {
                return fail(if observed.submitted.is_empty() {
                    "no transaction reached the node (the harness had armed it to refuse one), and the wallet did not post {error: 80001, desc: \"SEND TX ERROR\"} (ONT-I8)".to_string()
                } else {
                    format!(
                        "the node refused the transaction ({}), and the wallet did not post {{error: 80001, desc: \"SEND TX ERROR\"}} (ONT-I8)",
                        observed.submitted.join(", ")
                    )
                });
            }
        } else if case.play != "invoke-preexec-failing" {
            // After a failed pre-execution the wallet may report it by callback (ONT-I8's
            // envelope), and its driver may fairly call that `completed`.
            warn_unless_refused(observed.reply.as_ref(), warnings);
        }
        Ok(())
    }

    fn judge_accepted(
        &self,
        case: &Case,
        minted: &Minted,
        observed: &Observed,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        if dapp_refuses(&case.play) {
            // The callback is judged as any other; then what the wallet made of the answer.
            self.judge_callback(case, minted, observed, warnings)?;
            let answered = if case.play.ends_with("-dapp-refuses") {
                "error 80001 (PARAMS ERROR)"
            } else {
                "a body that is not JSON"
            };
            return match &observed.reply {
                None => skip(INTERACTIVE_OUTCOME),
                Some(reply) if reply.outcome != Outcome::Refused => fail(format!(
                    "the harness dApp answered the {} callback with {answered}, yet the wallet's driver reported `{:?}`: the wallet shows success for what the dApp refused (ONT-T10)",
                    case.action, reply.outcome
                )),
                Some(_) => Ok(()),
            };
        }
        if let Some(reply) = &observed.reply {
            if reply.outcome == Outcome::Refused {
                return fail(format!(
                    "the wallet refused the QR code: {}",
                    reply.reason.as_deref().unwrap_or("no reason given")
                ));
            }
        }
        self.judge_callback(case, minted, observed, warnings)
    }

    /// The callback of a wallet that acted: one, JSON, the action and id echoed, and what
    /// the action puts in it.
    fn judge_callback(
        &self,
        case: &Case,
        minted: &Minted,
        observed: &Observed,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        if case.play == "invoke-no-callback" {
            if let Some(callback) = observed.callbacks.first() {
                return fail(format!(
                    "the QR code has no callback, yet the wallet posted to the harness: {}",
                    shorten(&String::from_utf8_lossy(&callback.body))
                ));
            }
            if !observed.payload_fetched {
                return fail("the wallet never fetched the qrcodeUrl payload (ONT-I1)");
            }
            let tx = Self::one_transaction(observed)?;
            return self.check_transaction(case, minted, observed, tx, warnings);
        }
        let callback = match observed.callbacks.as_slice() {
            [] => return fail("the wallet posted no callback"),
            [one] => one,
            many => {
                return fail(format!(
                    "the wallet posted {} callbacks for one QR code",
                    many.len()
                ))
            }
        };
        let content_type = callback.content_type.as_deref().unwrap_or("");
        if !content_type
            .to_ascii_lowercase()
            .starts_with("application/json")
        {
            return fail(format!(
                "the callback's Content-Type is `{content_type}`, not application/json (ONT-T7)"
            ));
        }
        let body = match callback.json_object("callback body", " (ONT-T7)") {
            Ok(body) => body,
            Err(reason) => return fail(reason),
        };
        let action = body.get("action").and_then(Value::as_str).unwrap_or("");
        if action != case.action {
            return fail(format!(
                "the callback's action is `{action}`, not `{}` (ONT-T5, ONT-S3)",
                case.action
            ));
        }
        // The echo is required where the request had an `id` (ONT-T5).
        let id = minted.request.get("id").and_then(Value::as_str);
        if id.is_some() && body.get("id").and_then(Value::as_str) != id {
            let id = id.unwrap_or_default();
            return fail(format!(
                "the callback does not echo the request's id `{id}` (ONT-T5): id is {}",
                body.get("id")
                    .map_or("missing".to_string(), Value::to_string)
            ));
        }
        match case.action.as_str() {
            "login" => {
                let params = body.get("params").and_then(Value::as_object).ok_or((
                    Verdict::Fail,
                    "the login callback has no `params` object (ONT-L2)".to_string(),
                ))?;
                let qr_type = minted.request["params"]["type"]
                    .as_str()
                    .unwrap_or("address");
                // `account` and `address` are one type (ONT-L1): a wallet may answer either
                // spelling for either (ONT-L2); `ontid` is its own.
                let same_type = |t: &str| {
                    t == qr_type || (qr_type != "ontid" && matches!(t, "account" | "address"))
                };
                if !params
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(same_type)
                {
                    return fail(format!(
                        "the callback's type is {}, not the QR code's `{qr_type}` (ONT-L2)",
                        params
                            .get("type")
                            .map_or("missing".to_string(), Value::to_string)
                    ));
                }
                let message = minted.request["params"]["message"].as_str().unwrap_or("");
                self.check_signed(case, params, message, false, qr_type == "ontid", warnings)
            }
            "signMessage" | "signMultiMessage" => {
                if body.get("error").and_then(Value::as_i64) != Some(0) {
                    return fail(format!(
                        "the callback's error is {}, not 0 (ONT-S3)",
                        body.get("error")
                            .map_or("missing".to_string(), Value::to_string)
                    ));
                }
                let ishex = minted.request["params"]["ishex"].as_bool().unwrap_or(false);
                if case.action == "signMessage" {
                    let result = body.get("result").and_then(Value::as_object).ok_or((
                        Verdict::Fail,
                        "the signMessage callback has no `result` object (ONT-S3)".to_string(),
                    ))?;
                    let message = minted.request["params"]["message"].as_str().unwrap_or("");
                    return self.check_signed(case, result, message, ishex, false, warnings);
                }
                let messages: Vec<&str> = minted.request["params"]["message"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let results = body.get("result").and_then(Value::as_array).ok_or((
                    Verdict::Fail,
                    "the signMultiMessage callback's result is not an array (ONT-S4)".to_string(),
                ))?;
                if results.len() != messages.len() {
                    return fail(format!(
                        "{} results for {} messages (ONT-S4)",
                        results.len(),
                        messages.len()
                    ));
                }
                for (i, (result, message)) in results.iter().zip(&messages).enumerate() {
                    let result = result.as_object().ok_or((
                        Verdict::Fail,
                        format!("result[{i}] is not an object (ONT-S4)"),
                    ))?;
                    self.check_signed(case, result, message, ishex, false, warnings)
                        .map_err(|(v, r)| (v, format!("result[{i}]: {r}")))?;
                }
                Ok(())
            }
            "invoke" => self.check_invoke(case, minted, observed, &body, warnings),
            other => error(format!("no checks for action `{other}`")),
        }
    }

    /// Checks one `{type, user, message, publickey, signature}` object.
    fn check_signed(
        &self,
        case: &Case,
        object: &Map<String, Value>,
        message: &str,
        ishex: bool,
        ontid: bool,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        let user = object.get("user").and_then(Value::as_str).unwrap_or("");
        let want_user = if ontid {
            &self.identity.ontid
        } else {
            &self.identity.address
        };
        if user != want_user {
            return fail(format!(
                "user is `{user}`, not the wallet's `{want_user}` (ONT-L2)"
            ));
        }
        if object.get("message").and_then(Value::as_str) != Some(message) {
            return fail(format!(
                "message is {}, not the QR code's (ONT-L2)",
                object
                    .get("message")
                    .map_or("missing".to_string(), Value::to_string)
            ));
        }
        let key = match (object.get("publickey"), object.get("publicKey")) {
            (Some(Value::String(key)), _) => key.clone(),
            (None, Some(Value::String(key))) => {
                let text = "the key is named `publicKey`, not `publickey` (a quirk dApps tolerate; ONT-L2)";
                if case.play == "login-publickey-name" {
                    return fail(text);
                }
                warnings.push(text.into());
                key.clone()
            }
            _ => return fail("no publickey (ONT-L2)"),
        };
        if !key.eq_ignore_ascii_case(&self.identity.public_key) {
            return fail(format!(
                "publickey {key} is not the wallet's {} (ONT-L2)",
                self.identity.public_key
            ));
        }
        let public_key = PublicKey::from_hex(&key).or_else(|e| fail(format!("publickey: {e}")))?;
        let signature_hex = object
            .get("signature")
            .and_then(Value::as_str)
            .unwrap_or("");
        let signature = OntSignature::from_hex(signature_hex)
            .or_else(|e| fail(format!("the signature is not 01||r||s hex (ONT-L3): {e}")))?;
        let bytes = message_bytes(message, ishex)
            .or_else(|e| error(format!("the harness's own message: {e}")))?;
        if verify(&public_key, &bytes, &signature).is_err() {
            let what = if ishex {
                "the hex-decoded message"
            } else {
                "the UTF-8 message"
            };
            return fail(format!(
                "the signature does not verify over {what} with the wallet's key (ONT-L3, ONT-S2)"
            ));
        }
        if signature.to_bytes().len() == 64 {
            let text =
                "the signature is 64-byte r||s; wallets SHOULD send 65-byte 01||r||s (ONT-L3)";
            if case.play == "login-65-byte" {
                return fail(text);
            }
            warnings.push(text.into());
        }
        if !signature.is_low_s() {
            let text = "the signature has a high S; wallets SHOULD send low-S (ONT-L3)";
            if case.play == "login-low-s" {
                return fail(text);
            }
            warnings.push(text.into());
        }
        Ok(())
    }

    fn check_invoke(
        &self,
        case: &Case,
        minted: &Minted,
        observed: &Observed,
        body: &Map<String, Value>,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        if !observed.payload_fetched {
            return fail("the wallet never fetched the qrcodeUrl payload (ONT-I1)");
        }
        if body.get("error").and_then(Value::as_i64) != Some(0) {
            return fail(format!(
                "the invoke callback reports error {} ({}), not success",
                body.get("error")
                    .map_or("missing".to_string(), Value::to_string),
                body.get("desc")
                    .map_or("no desc".to_string(), Value::to_string)
            ));
        }
        let tx = Self::one_transaction(observed)?;
        let hash = tx.display_hash();
        let reported = body.get("result").and_then(Value::as_str).unwrap_or("");
        if !reported.eq_ignore_ascii_case(&hash) {
            let reversed = hex::decode(reported)
                .map(|mut bytes| {
                    bytes.reverse();
                    hex::encode(bytes)
                })
                .unwrap_or_default();
            let why = if reversed.eq_ignore_ascii_case(&hash) {
                " (it is the hash in internal byte order, not display order)"
            } else {
                ""
            };
            return fail(format!(
                "the callback reports `{reported}`, but the transaction's display hash is {hash}{why} (ONT-I7)"
            ));
        }
        self.check_transaction(case, minted, observed, tx, warnings)
    }

    /// The one transaction a case's QR code may put on the node.
    fn one_transaction(observed: &Observed) -> Step<&Transaction> {
        match observed.transactions.as_slice() {
            [] => fail("no transaction reached the node"),
            [tx] => Ok(tx),
            many => fail(format!(
                "{} transactions reached the node for one QR code",
                many.len()
            )),
        }
    }

    /// Checks the transaction against the requested call: payer, version and type, gas, the
    /// script read back by meaning, and the pre-execution before the send.
    fn check_transaction(
        &self,
        case: &Case,
        minted: &Minted,
        observed: &Observed,
        tx: &Transaction,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        let wallet = Address::from_base58(&self.identity.address)
            .or_else(|e| error(format!("the wallet's address: {e}")))?;
        if tx.payer != wallet {
            return fail(format!(
                "the transaction's payer is {}, not the wallet's {} (ONT-I5)",
                tx.payer.to_base58(),
                self.identity.address
            ));
        }
        if tx.version != 0 || tx.tx_type != TxType::InvokeNeo {
            return fail(format!(
                "the transaction is version {} type {:#04x}, not version 0 type 0xd1 (ONT-I6)",
                tx.version,
                tx.tx_type.byte()
            ));
        }
        let config = minted.config.clone().unwrap_or(Value::Null);
        let expected =
            substitute_placeholders(&config, &self.identity.address, &self.identity.ontid);
        let call = parse_config(&expected)
            .or_else(|e| error(format!("the harness's own config does not parse: {e}")))?;
        if tx.gas_limit != call.gas_limit || tx.gas_price != call.gas_price {
            return fail(format!(
                "gas limit/price are {}/{}, not the config's {}/{} (ONT-I6)",
                tx.gas_limit, tx.gas_price, call.gas_limit, call.gas_price
            ));
        }
        let decoded = decode_script(tx.payload.code()).or_else(|e| {
            fail(format!(
                "the transaction's script cannot be read (ONT-I6): {e}"
            ))
        })?;
        if !matches(&call, &decoded) {
            return fail(format!(
                "the transaction performs {}, not the requested call {} (ONT-I3, ONT-I4, ONT-I6)",
                decoded.to_notation(),
                json!({"contractHash": call.contract.to_display_hex(), "operation": call.method,
                    "args": call.args.iter().map(|a| a.to_notation()).collect::<Vec<_>>()})
            ));
        }
        if !observed.preexec_before_send {
            let text = "the wallet did not pre-execute the transaction before sending it (ONT-I7)";
            if case.play == "invoke-preexec" {
                return fail(text);
            }
            warnings.push(text.into());
        }
        Ok(())
    }
}

/// `url` on another origin of the same server: `127.0.0.1` and `localhost` swapped, or else
/// the server's bound address; `None` when neither gives another origin.
fn other_origin(url: &str, bound: &str) -> Option<String> {
    for (from, to) in [
        ("://127.0.0.1:", "://localhost:"),
        ("://localhost:", "://127.0.0.1:"),
    ] {
        if url.contains(from) {
            return Some(url.replacen(from, to, 1));
        }
    }
    let (scheme, rest) = url.split_once("://")?;
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    let other = format!("{}{path}", bound.trim_end_matches('/'));
    (!other.starts_with(&format!("{scheme}://{}", &rest[..rest.len() - path.len()])))
        .then_some(other)
}

/// An ONT ID no one registers on the harness's node.
fn unregistered_ontid() -> String {
    let key = PrivateKey::from_seed("qrconform/harness/unregistered").public_key();
    format!("did:ont:{}", Address::from_public_key(&key).to_base58())
}

/// The address every harness invoke pays.
fn payee() -> Address {
    Address::from_public_key(&PrivateKey::from_seed("qrconform/harness/payee").public_key())
}

/// The invokeConfig in seeds 001 and 002 (section "invoke"), verbatim but for the payer:
/// the seeds' `AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ` is someone else's address, which a wallet
/// must refuse (ONT-I5, checked by `invoke.payer.foreign`), so the payer is `%address`, as
/// the seeds' own note allows. Seed 002 adds a ByteArray and an integer argument.
fn seed_config(extended: bool) -> Value {
    let mut args = vec![
        json!({"name": "arg0-list", "value": [true, 100, "Long:100000000000",
            "Address:AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ", "ByteArray:aabb", "String:hello",
            [true, 100], {"key": 6}]}),
        json!({"name": "arg1-map", "value": {"key": "String:hello", "key1": "ByteArray:aabb",
            "key2": "Long:100000000000", "key3": true, "key4": 100, "key5": [100],
            "key6": {"key": 6}}}),
    ];
    if extended {
        args.push(json!({"name": "arg2-ByteArray", "value": "ByteArray:aabbcc"}));
        args.push(json!({"name": "arg3-int", "value": 100}));
        args.push(json!({"name": "arg4-str", "value": "String:test"}));
    } else {
        args.push(json!({"name": "arg2-str", "value": "String:test"}));
    }
    json!({
        "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
        "functions": [{"operation": "method name", "args": args}],
        "payer": "%address",
        "gasLimit": 20000,
        "gasPrice": 500,
    })
}

/// The invokeConfig a play serves; `wallet` is the wallet's base58 address.
fn invoke_config(play: &str, wallet: &str) -> Value {
    let payee = payee().to_base58();
    let transfer = |amount: Value| {
        json!([
            {"name": "from", "value": "Address:%address"},
            {"name": "to", "value": format!("Address:{payee}")},
            {"name": "amount", "value": amount},
        ])
    };
    let ong = "0200000000000000000000000000000000000000";
    match play {
        "invoke-typed-args" => json!({
            "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
            "functions": [{"operation": "putAll", "args": [
                {"name": "who", "value": "String:%ontid"},
                {"name": "blob", "value": "ByteArray:0a0b0c"},
                {"name": "beyondDouble", "value": "Long:9007199254740993"},
                {"name": "max", "value": "Long:9223372036854775807"},
                {"name": "min", "value": "Long:-9223372036854775808"},
                {"name": "owner", "value": "Address:%address"},
                {"name": "flag", "value": true},
                {"name": "count", "value": 1000},
                {"name": "list", "value": [1, "String:two", false]},
                {"name": "map", "value": {"key": "String:value", "n": 7}},
            ]}],
            "payer": "%address",
            "gasLimit": 30000,
            "gasPrice": 500,
        }),
        "invoke-seed-001" => seed_config(false),
        "invoke-seed-002" => seed_config(true),
        // `%address` and `%ontid` inside arrays and maps, at two depths (ONT-I4: anywhere).
        "invoke-nested-placeholders" => json!({
            "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
            "functions": [{"operation": "putAll", "args": [
                {"name": "list", "value": ["Address:%address", ["String:%ontid", 1]]},
                {"name": "map", "value": {"owner": "Address:%address",
                    "inner": {"who": "String:%ontid"}}},
            ]}],
            "payer": "%address",
            "gasLimit": 30000,
            "gasPrice": 500,
        }),
        // The payer written as the wallet's own address, not as `%address` (ONT-I5).
        "invoke-payer-literal" => json!({
            "contractHash": ong,
            "functions": [{"operation": "transfer", "args": transfer(json!(1))}],
            "payer": wallet,
            "gasLimit": 20000,
            "gasPrice": 500,
        }),
        "invoke-ont-transfer" => json!({
            "contractHash": "0100000000000000000000000000000000000000",
            "functions": [{"operation": "transfer", "args": transfer(json!(1))}],
            "payer": "%address",
            "gasLimit": 20000,
            "gasPrice": 500,
        }),
        // Known prefixes, malformed values: a NeoVM call, so that a wallet reading them as
        // Strings builds a transaction that executes.
        "invoke-malformed-value" => json!({
            "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
            "functions": [{"operation": "putAll", "args": [
                {"name": "count", "value": "Long:12x"},
                {"name": "blob", "value": "ByteArray:zz"},
            ]}],
            "payer": "%address",
            "gasLimit": 30000,
            "gasPrice": 500,
        }),
        // A look-up of an ONT ID the chain does not know: the mock node's pre-execution
        // answers with an error (Error > 0), and the send would execute with State 0.
        "invoke-preexec-failing" => json!({
            "contractHash": "0300000000000000000000000000000000000000",
            "functions": [{"operation": "getDDO", "args": [
                {"name": "ontid", "value": format!("String:{}", unregistered_ontid())},
            ]}],
            "payer": "%address",
            "gasLimit": 20000,
            "gasPrice": 500,
        }),
        "invoke-payer-missing" => json!({
            "contractHash": ong,
            "functions": [{"operation": "transfer", "args": transfer(json!(1))}],
            "gasLimit": 20000,
            "gasPrice": 500,
        }),
        "invoke-payer-foreign" => json!({
            "contractHash": ong,
            "functions": [{"operation": "transfer", "args": transfer(json!(1))}],
            "payer": payee,
            "gasLimit": 20000,
            "gasPrice": 500,
        }),
        // A NeoVM call, so that a wallet reading the value as a String builds a transaction
        // that executes: the refusal is then visible as a transaction that should not exist.
        "invoke-unknown-prefix" => json!({
            "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
            "functions": [{"operation": "putAll", "args": [
                {"name": "count", "value": "Integer:5"},
            ]}],
            "payer": "%address",
            "gasLimit": 30000,
            "gasPrice": 500,
        }),
        _ => json!({
            "contractHash": ong,
            "functions": [{"operation": "transfer", "args": transfer(json!(1))}],
            "payer": "%address",
            "gasLimit": 20000,
            "gasPrice": 500,
        }),
    }
}

/// An amount in ONG's smallest unit (10^-9 ONG) written in ONG, without trailing zeros.
fn ong_units(units: u64) -> String {
    let whole = units / 1_000_000_000;
    let fraction = units % 1_000_000_000;
    if fraction == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", format!("{fraction:09}").trim_end_matches('0'))
    }
}

/// The reference wallet (with `faults`) and a suite driving it over the driver protocol,
/// both on ephemeral loopback ports, sharing one mock node.
pub async fn against_reference(
    faults: BTreeSet<WalletFault>,
) -> Result<(WalletSuite, RunningWallet), String> {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let running = chain::start(Node::new(NodeConfig::default()), loopback, loopback)
        .await
        .map_err(|e| format!("failed to start the mock node: {e}"))?;
    let mut config = WalletConfig::new(
        PrivateKey::from_seed("qrconform/reference-wallet"),
        NodeApi::Rest,
        running.rest_url(),
    );
    config.faults = faults;
    let clock = Clock::virtual_shared();
    config.clock = clock.clone();
    // Reference runs are reproducible: the same nonces and tokens, run after run.
    config.entropy = std::sync::Arc::new(Entropy::seeded("qrconform/reference-wallet"));
    let wallet = reference::ontology::wallet::start(config, loopback).await?;
    let (driver, limits) = reference_driver(wallet.base_url());
    let suite = WalletSuite::start(driver, running, loopback, None, limits)
        .await?
        .reproducible("qrconform/harness-dapp", clock);
    Ok((suite, wallet))
}

/// The Ontology dApp's success envelope for a callback: `{action, id, error: 0, desc:
/// "SUCCESS", result: true}`, echoing the callback's `action` and `id`.
pub fn ontology_success(request: &Value) -> Value {
    let action = request.get("action").cloned().unwrap_or(Value::Null);
    let mut reply = json!({"action": action, "error": 0, "desc": "SUCCESS", "result": true});
    if let Some(id) = request.get("id").filter(|id| id.is_string()) {
        reply["id"] = id.clone();
    }
    reply
}

crate::harness::wallet_steps::wallet_runner!(WalletSuite);
