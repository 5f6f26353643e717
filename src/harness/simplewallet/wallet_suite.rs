//! The SimpleWallet wallet suite's runner: the harness plays the dApp (and runs the mock EOS
//! node) against a wallet under test.
//!
//! At start the harness asks the driver who the wallet is (`simplewallet.driver.identity`:
//! account, active key, ref, and whether it is a MYKEY wallet) and registers that account and
//! key on its own mock node with a balance: an ordinary account with the key as owner and
//! active, or a MYKEY account delegating to `mykeymanager` with the key as its reserved key
//! (`keydata` row 3), against which its logins and signatures are then verified. Every case
//! applies to both kinds of wallet, with the same verdicts. For each case it mints the case's request (QR JSON, or a `simplewallet://` deep
//! link writing spaces both as `+` and as `%20`) whose `loginUrl`/`notifyUrl` point at the
//! harness dApp under a fresh token, hands it to the driver with the user's decision, and
//! judges what the wallet did:
//!
//! - login (SW-L2, SW-L3): one POST with lower-case keys (`Account`/`Ref` are a WARNING), the
//!   uuID echoed, the wallet's account and ref, a timestamp in Unix seconds within the skew of
//!   the harness clock, and a canonical `SIG_K1_` signature that verifies with the wallet's
//!   key over SHA-256 of `timestamp + account + uuID + ref`;
//! - transfer and transaction (SW-X1…X3): the one transaction the node accepted, decoded: the
//!   contract, action, `account@active` authorization, `from/to/quantity/memo`, the actions
//!   in the requested order; then one notification whose `tx_id` is that transaction's id.
//!   A `mykeymanager::sendaction` is judged as the action the node executed inline for it
//!   (its traces), so a MYKEY payment counts for what it pays (simplewallet.md §7);
//! - sign (SW-S1): one POST whose `sign` verifies over SHA-256 of the UTF-8 message;
//! - refusals (SW-L5, SW-X1, SW-T2: an expired request, a foreign `from`, another
//!   `protocol` or `version`, the user's cancel): nothing posted to the dApp and nothing
//!   pushed to the node;
//! - the deep-link callback (SW-X3), for requests that carry one: the driver's `opened` list
//!   holds it exactly once, with `result=1` and the pushed transaction's `txID` after a push,
//!   `result=1` after a sign, `result=0` after a cancel and `result=2` after a failure. In
//!   interactive mode the callback is the harness's listener
//!   ([`crate::harness::opened_listener`]), which records what the phone opens; when it hears
//!   nothing the person is asked which URL the wallet opened; a driver that does not report
//!   `opened` leaves those cases SKIPPED;
//! - a login's `chain`: `EOS` and `ANY` are the wallet's, `ETH` is refused (SW-L6);
//! - MYKEY's names for the notify URL (`transferUrl`, `contractUrl`, `signUrl`) and an
//!   `amount` or `precision` written as a string are sent by their cases, and the wallet is
//!   judged as for the documented forms;
//! - a push the node refuses (SW-X3): the wallet pushed the transfer, and posts no
//!   notification for it. A push the node refused in an accept case is judged on the
//!   transaction it carried, decoded from the node's record, not on the wallet's account
//!   of the refusal.
//!
//! Nothing waits for a fixed time: the driver answers when the wallet is done, and an
//! optional quiet period waits for late posts with a deadline. The judging helpers shared with
//! the Ontology wallet suite (verdict steps, the harness dApp, the drivers, the limits) live in
//! [`crate::harness::ontology::wallet_suite`].

use std::collections::BTreeSet;
use std::net::SocketAddr;

use serde_json::{json, Map, Value};

use crate::chain::eos::ledger::{NodeError, Outcome as NodeOutcome, PushRequest, RecordedRequest};
use crate::chain::eos::mykey::{Forward, SENDACTION};
use crate::chain::eos::{
    self, AccountSpec, EosNode, EosNodeConfig, KeyDataRow, MykeyAccountSpec, RunningEosNode,
};
use crate::clock::Clock;
use crate::harness::catalogue::{Case, Catalogue, Expect};
use crate::harness::driver::Driver;
use crate::harness::harness_dapp::{Answer, Received};
use crate::harness::opened_listener::OpenedListener;
use crate::harness::steps::{error, fail, skip, Step};
use crate::harness::suite::Reproducible;
use crate::harness::wallet_steps::{
    check_plays_and_forms, describe_accepted, describe_driver, expectation_of, reference_driver,
    shorten, warn_unless_refused, WalletLimits, WalletSide,
};
use crate::protocol::driver::{Outcome, ScanReply};
use crate::protocol::simplewallet::crypto::{sha256, PrivateKey, PublicKey, Signature};
use crate::protocol::simplewallet::eosio::{
    unpack_action_data, Action, Asset, Name, PermissionLevel, Transaction,
};
use crate::protocol::simplewallet::messages::{
    login_signed_string, CallbackResult, CallbackReturn, PROTOCOL, VERSION,
};
use crate::reference::simplewallet::wallet::{
    self as reference, RunningSimpleWallet, SimpleWalletConfig, SimpleWalletFault,
    SimpleWalletIdentity,
};
use crate::transcript::{self, Exchange, Sender};

/// The schema kind of a SimpleWallet driver's `GET /identity` answer.
pub const IDENTITY_KIND: &str = "simplewallet.driver.identity";

/// Every play the runner knows.
pub const PLAYS: [&str; 45] = [
    "login",
    "login-chain-eos",
    "login-chain-eth",
    "transfer-precision-string",
    "login-lower-case",
    "login-expired",
    "login-wrong-protocol",
    "login-wrong-version",
    "transfer-wrong-protocol",
    "transfer-wrong-version",
    "transaction-wrong-protocol",
    "transaction-wrong-version",
    "sign-wrong-protocol",
    "sign-wrong-version",
    "transfer-transfer-url",
    "transfer-amount-string",
    "transaction-expired",
    "transaction-contract-url",
    "transaction-contract-request",
    "sign-expired",
    "sign-sign-url",
    "transfer-callback",
    "transfer-push-refused-callback",
    "transaction-push-refused",
    "transaction-push-refused-callback",
    "transaction-callback",
    "sign-callback",
    "login-chain-any",
    "login-expired-boundary",
    "transfer-expired-boundary",
    "transaction-expired-boundary",
    "sign-expired-boundary",
    "login-dapp-refuses-callback",
    "sign-dapp-refuses-callback",
    "sign-dapp-not-json-callback",
    "sign-dapp-redirect-callback",
    "transfer",
    "transfer-precision",
    "transfer-from-own",
    "transfer-from-foreign",
    "transfer-expired",
    "transfer-push-refused",
    "transaction",
    "sign",
    "sign-hex-text",
];

/// How far the wallet's login timestamp may be from the harness clock (profile: 30 s).
pub const TIMESTAMP_SKEW_SECS: u64 = 30;

/// How long interactive mode waits, after the scan, for the wallet to open a case's callback
/// on the listener before asking the person.
pub const OPENED_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// How long, after the listener heard a callback, Enter presses meant for the case's scan
/// are passed over.
pub const ENTER_SETTLE: std::time::Duration = std::time::Duration::from_secs(1);

/// How long ago the boundary cases' requests expired: one second past the skew the harness
/// allows a wallet's clock, so a wallet within it sees them expired (SW-L5).
pub const EXPIRY_BOUNDARY_SECS: u64 = TIMESTAMP_SKEW_SECS + 1;

/// The account every harness transfer pays.
pub const PAYEE: &str = "qrcpayee1111";
/// Another account than the wallet's, named as `from` by the foreign-transfer case.
pub const STRANGER: &str = "qrcstranger1";
/// A token contract outside `eosio.token`, for the precision case.
pub const TOKEN_CONTRACT: &str = "qrctoken1111";
/// The MYKEY manager contract a MYKEY wallet's account delegates to (mainnet's).
pub const MYKEY_MANAGER: &str = "mykeymanager";
/// The accounts the harness's node holds for its own requests (a wallet may not be one).
pub const HARNESS_ACCOUNTS: [&str; 6] = [
    PAYEE,
    STRANGER,
    TOKEN_CONTRACT,
    "eosio",
    "eosio.token",
    MYKEY_MANAGER,
];
/// How many `keydata` rows the harness gives a MYKEY wallet's account, and the reserved
/// key's row, which holds the wallet's key (simplewallet.md §6).
pub const MYKEY_KEY_ROWS: u32 = 6;
pub const MYKEY_RESERVED_ROW: u32 = 3;

/// What the wallet's account holds on the harness's node at the start.
pub const OPENING_BALANCE: &str = "1000.0000 EOS";

/// The EOSIO error the node answers the push the harness makes it refuse with
/// (`eosio_assert_message_exception`, as a contract's refusal reads).
pub const PUSH_REFUSAL_CODE: i64 = 3_050_003;

/// The chain the harness's node runs: a fixed id, so that reference runs sign the same bytes.
pub const CHAIN_SEED: &str = "qrconform/harness/eos-chain";

/// The node's fixed clock in reference runs (2099-01-01T00:00:00Z), so that TaPoS, expiry,
/// ids and signatures are the same run after run. It lies ahead of the system clock the node
/// starts on, so fixing it moves the head forward by one block, never backwards.
pub const REFERENCE_NODE_TIME_MS: u64 = 4_070_908_800_000;

/// Checks that a catalogue uses only plays and forms this runner knows.
pub fn check_catalogue(catalogue: &Catalogue) -> Result<(), String> {
    check_plays_and_forms(catalogue, &PLAYS)
}

/// What a SimpleWallet wallet-suite case requires of the wallet, in words.
pub fn expectation(case: &Case) -> String {
    let what = match (case.expect, base_play(&case.play)) {
        (_, play) if dapp_says_no(play) => {
            "the wallet posts its result, the harness dApp does not accept it, and the wallet opens the request's callback with result=2".to_string()
        }
        (_, play) if is_push_refused(play) => {
            "the wallet pushes the transaction, the node refuses it, and the wallet posts no success notification".to_string()
        }
        (Expect::Accept, _) => match case.action.as_str() {
            "login" => "the wallet posts one well-formed login to loginUrl, signed by its key over timestamp+account+uuID+ref".to_string(),
            "sign" => "the wallet posts one well-formed sign result to notifyUrl, signed by its key over the UTF-8 message".to_string(),
            _ => "the wallet pushes the requested transaction (one, accepted by the node) and posts one notification naming its id".to_string(),
        },
        _ => "the wallet does not act: nothing posted to the dApp, nothing pushed to the node"
            .to_string(),
    };
    expectation_of(case, &what)
}

/// A case's request and what the harness asked for.
struct Minted {
    token: String,
    qr: String,
    request: Value,
}

/// What one case observed.
struct Observed {
    reply: Option<ScanReply>,
    /// POSTs to the case's token (loginUrl or notifyUrl).
    posts: Vec<Received>,
    /// Transactions the node accepted during the case.
    transactions: Vec<Transaction>,
    /// For each of them, the actions it executed: a `mykeymanager::sendaction` replaced by
    /// the action the node sent inline for it (its traces), every other action as it is.
    executed: Vec<Vec<Action>>,
    /// push_transaction requests the node received during the case, accepted or not.
    pushes: usize,
    /// The pushes the node refused, decoded where their body is a transaction, with the
    /// node's error name.
    refused: Vec<(Option<Transaction>, String)>,
}

/// Runs SimpleWallet wallet cases against one wallet, with the harness's own dApp and mock
/// EOS node.
pub struct SimpleWalletSuite {
    side: WalletSide,
    identity: SimpleWalletIdentity,
    key: PublicKey,
    account: Name,
    running: RunningEosNode,
    /// Interactive mode: the HTTP callback the wallet's deep-link callbacks go to, so what
    /// the wallet opened is recorded rather than typed.
    opened_listener: Option<OpenedListener>,
}

/// The harness dApp's answer to every post: SimpleWallet's success `{code: 0, error: ""}`
/// (SW-L4).
fn success_reply(_: &Value) -> Value {
    json!({"code": 0, "error": ""})
}

fn name(text: &str) -> Name {
    // Only called on this module's constants, which are valid names (a unit test checks).
    text.parse().unwrap_or(Name(0))
}

impl SimpleWalletSuite {
    /// Starts the harness dApp on `listen` (requests point at `public_url` when given), asks
    /// the driver who the wallet is, and registers its account, key and balance on `running`.
    pub async fn start(
        driver: Driver,
        running: RunningEosNode,
        listen: SocketAddr,
        public_url: Option<String>,
        limits: WalletLimits,
    ) -> Result<Self, String> {
        let identity: SimpleWalletIdentity = driver
            .identity_as(IDENTITY_KIND)
            .await
            .map_err(|e| format!("failed to learn the wallet's identity: {e}"))?;
        let key: PublicKey = identity
            .public_key
            .parse()
            .map_err(|e| format!("the wallet's publicKey: {e}"))?;
        let account: Name = identity
            .account
            .parse()
            .map_err(|e| format!("the wallet's account: {e}"))?;
        if HARNESS_ACCOUNTS.iter().any(|own| name(own) == account) {
            // Registering it would replace the wallet's key with the harness's, and a
            // transfer to the payee would be one to itself: every verdict would mislead.
            return Err(format!(
                "the wallet's account `{account}` is one the harness's node uses itself ({}); give the wallet another account",
                HARNESS_ACCOUNTS.join(", ")
            ));
        }
        register(&running.node(), account, key, identity.mykey)?;
        Ok(SimpleWalletSuite {
            side: WalletSide::start(driver, listen, public_url, limits, success_reply).await?,
            identity,
            key,
            account,
            running,
            opened_listener: None,
        })
    }

    /// Puts `listener`'s URL in the requests' deep-link `callback` (interactive mode), and
    /// judges the callback by what it records, asking the person only when it recorded
    /// nothing.
    pub fn with_opened_listener(mut self, listener: OpenedListener) -> Self {
        self.opened_listener = Some(listener);
        self
    }

    /// The origins of the servers the harness runs for this suite, with the placeholders
    /// reports write for them.
    pub fn endpoints(&self) -> Vec<(String, String)> {
        let mut endpoints = vec![
            self.side.endpoint(),
            (self.running.base_url(), "<eos-node>".into()),
        ];
        if let Some(listener) = &self.opened_listener {
            endpoints.push((
                listener.base_url().to_string(),
                "<callback-listener>".into(),
            ));
        }
        endpoints
    }

    pub fn node(&self) -> &RunningEosNode {
        &self.running
    }

    pub async fn shutdown(self) {
        self.side.shutdown().await;
        self.running.shutdown().await;
        if let Some(listener) = self.opened_listener {
            listener.shutdown().await;
        }
    }

    /// The wallet and where the harness's servers listen, for the console.
    pub fn banner(&self) -> String {
        format!(
            "wallet {}{} key {}; harness dApp {}; mock EOS node {}",
            self.identity.account,
            if self.identity.mykey {
                " (MYKEY account, reserved key)"
            } else {
                ""
            },
            self.identity.public_key,
            self.side.harness_url(),
            self.running.base_url()
        )
    }

    /// What a REVIEW case's pointers read: the request as the QR code carries it, and the
    /// wallet's account (the payer a transfer names none for).
    fn review_values(&self, minted: &Minted) -> Value {
        json!({"request": minted.request, "wallet": self.identity.account})
    }

    async fn judge(&self, case: &Case, warnings: &mut Vec<String>) -> Step<()> {
        let minted = self.mint(case)?;
        let node = self.running.node();
        let before_txs = node.transactions().len();
        let request_mark = node.record_mark();
        if let Some(answer) = self.dapp_answer(&case.play) {
            self.side.harness.answer_with(&minted.token, answer);
        }
        if is_push_refused(&case.play) {
            node.fail_next_push(NodeError::new(
                PUSH_REFUSAL_CODE,
                "the harness refuses this push to see what the wallet reports",
            ));
        }
        let reply = self
            .side
            .hand_over(
                case,
                &minted.token,
                &minted.qr,
                case.expect == Expect::Accept,
            )
            .await;
        // A wallet that never pushed leaves the refusal armed: it must not refuse the next
        // case's push, whatever the verdict of this one.
        node.cancel_push_failure();
        let reply = reply?;
        let (new_requests, dropped_requests) = node.record_since(request_mark);
        let new_requests = new_requests.as_slice();
        let stored: Vec<_> = node.transactions().into_iter().skip(before_txs).collect();
        let executed: Vec<Vec<Action>> = stored
            .iter()
            .map(|s| executed_actions(&s.tx, &s.inline))
            .collect();
        let transactions: Vec<Transaction> = stored.into_iter().map(|s| s.tx).collect();
        let received = self.side.transcribe_case(
            &minted.token,
            new_requests.iter().map(|r| node_exchange(r, &self.running)),
            dropped_requests,
        );
        let pushes = new_requests
            .iter()
            .filter(|r| r.path.ends_with("/push_transaction"))
            .count();
        let refused = new_requests
            .iter()
            .filter(|r| r.path.ends_with("/push_transaction"))
            .filter_map(|r| match &r.outcome {
                NodeOutcome::Refused { code, name } => Some((
                    r.body_json()
                        .as_ref()
                        .and_then(Value::as_object)
                        .and_then(|body| PushRequest::parse(body).ok())
                        .map(|push| push.tx),
                    format!("{code} {name}"),
                )),
                NodeOutcome::Served => None,
            })
            .collect();
        let posts: Vec<Received> = received
            .into_iter()
            .filter(|r| r.method == "POST")
            .collect();
        transcript::observe(describe_activity(&reply, &posts, &transactions, pushes));
        let observed = Observed {
            reply,
            posts,
            transactions,
            executed,
            pushes,
            refused,
        };
        let callback = minted.request.get("callback").and_then(Value::as_str);
        // Interactive mode has no scan reply: the callback listener heard what the wallet
        // opened, or else the person says it.
        let asked = match (callback, &observed.reply) {
            (Some(_), None) => {
                let heard = match &self.opened_listener {
                    Some(listener) => listener.wait_opened(&minted.token, OPENED_GRACE).await,
                    None => Vec::new(),
                };
                if heard.is_empty() {
                    crate::harness::web_view::note_current(
                        "the terminal asks which URL the wallet opened: answer there",
                    );
                    self.side
                        .driver
                        .ask_opened(&case.id)
                        .await
                        .map(|opened| ScanReply::completed().with_opened(opened))
                } else {
                    self.side
                        .driver
                        .opened_heard(&case.id, &heard, ENTER_SETTLE)
                        .await;
                    Some(ScanReply::completed().with_opened(heard))
                }
            }
            _ => None,
        };
        let tx_id = match case.expect {
            Expect::Accept => self.judge_accepted(case, &minted, &observed, warnings)?,
            _ => judge_refused(case, &observed, warnings).map(|()| None)?,
        };
        match callback {
            Some(callback) => check_callback(
                case,
                callback,
                observed.reply.as_ref().or(asked.as_ref()),
                tx_id.as_deref(),
                warnings,
            ),
            None => Ok(()),
        }
    }

    /// How the harness dApp answers the play's post when not with a success: a failure
    /// code (SW-L4), a body that is not JSON, or a redirect.
    fn dapp_answer(&self, play: &str) -> Option<Answer> {
        let play = base_play(play);
        if play.ends_with("-dapp-refuses") {
            Some(Answer::Json(json!({
                "code": 1,
                "error": "the harness dApp refuses this post to see what the wallet reports",
            })))
        } else if play.ends_with("-dapp-not-json") {
            Some(Answer::NotJson {
                content_type: "text/html",
                body: "<html><body>502 Bad Gateway</body></html>".into(),
            })
        } else if play.ends_with("-dapp-redirect") {
            Some(Answer::Redirect(format!(
                "{}/elsewhere",
                self.side.harness.public_url()
            )))
        } else {
            None
        }
    }

    // -----------------------------------------------------------------------------------
    // requests
    // -----------------------------------------------------------------------------------

    fn mint(&self, case: &Case) -> Step<Minted> {
        let token = self.side.open_case();
        let notify = self.side.harness.callback_url(&token);
        let now = self.side.clock.unix_secs();
        let play = base_play(&case.play);
        let expired = if play.ends_with("-expired") {
            now.saturating_sub(600)
        } else if play.ends_with("-expired-boundary") {
            now.saturating_sub(EXPIRY_BOUNDARY_SECS)
        } else {
            now + 600
        };
        transcript::placeholder(expired.to_string(), "<expired>");
        let random = {
            let mut bytes = [0u8; 16];
            self.side.entropy.fill(&mut bytes).or_else(error)?;
            hex::encode(bytes)
        };
        let mut request = Map::new();
        request.insert("protocol".into(), PROTOCOL.into());
        request.insert("version".into(), VERSION.into());
        request.insert("action".into(), case.action.clone().into());
        request.insert("dappName".into(), "qrconform harness".into());
        request.insert(
            "dappIcon".into(),
            format!("{}/icon.png", self.side.harness.public_url()).into(),
        );
        request.insert("expired".into(), expired.into());
        let account = self.identity.account.clone();
        match case.action.as_str() {
            "login" => {
                request.insert("uuID".into(), format!("qrconform-{random}").into());
                request.insert("loginUrl".into(), notify.into());
                request.insert("loginMemo".into(), "qrconform login check".into());
                // MYKEY's `chain` (SW-L1, SW-L6): `EOS`, or `ANY`, which means EOS when the
                // wallet has an EOS account; `ETH` asks for an account the wallet does not have.
                let chain = match play {
                    "login-chain-any" => Some("ANY"),
                    "login-chain-eos" => Some("EOS"),
                    "login-chain-eth" => Some("ETH"),
                    _ => None,
                };
                if let Some(chain) = chain {
                    request.insert("chain".into(), chain.into());
                }
            }
            "transfer" => {
                let (amount, contract, symbol, precision) = match play {
                    "transfer-precision" => (json!(0.5), TOKEN_CONTRACT, "QRC", json!(8)),
                    // A precision written as its digits, at a precision other than EOS's four,
                    // so that reading it as a default shows in the quantity.
                    "transfer-precision-string" => (json!(0.5), TOKEN_CONTRACT, "QRC", json!("8")),
                    // MathWallet's samples write the amount as a string.
                    "transfer-amount-string" => (json!("1"), "eosio.token", "EOS", json!(4)),
                    _ => (json!(1), "eosio.token", "EOS", json!(4)),
                };
                match play {
                    "transfer-from-own" => {
                        request.insert("from".into(), account.into());
                    }
                    "transfer-from-foreign" => {
                        request.insert("from".into(), STRANGER.into());
                    }
                    _ => {}
                }
                request.insert("to".into(), PAYEE.into());
                request.insert("amount".into(), amount);
                request.insert("contract".into(), contract.into());
                request.insert("symbol".into(), symbol.into());
                request.insert("precision".into(), precision);
                request.insert(
                    "dappData".into(),
                    format!("qrconform order {random}").into(),
                );
                request.insert("desc".into(), "qrconform transfer check".into());
                request.insert("notifyUrl".into(), notify.into());
            }
            "transaction" => {
                request.insert("desc".into(), "qrconform transaction check".into());
                request.insert(
                    "actions".into(),
                    json!([
                        {"account": "eosio", "name": "buyram", "info": "buy RAM",
                         "data": {"payer": account, "receiver": account, "quant": "0.1000 EOS"}},
                        {"account": "eosio.token", "name": "transfer", "info": "pay the order",
                         "data": {"from": account, "to": PAYEE, "quantity": "0.0001 EOS",
                                  "memo": format!("qrconform order {random}")}},
                    ]),
                );
                request.insert("notifyUrl".into(), notify.into());
            }
            "sign" => {
                let message = match play {
                    "sign-hex-text" => format!("0x{random}"),
                    _ => format!("qrconform sign {random}"),
                };
                request.insert("desc".into(), "qrconform sign check".into());
                request.insert("message".into(), message.into());
                request.insert("notifyUrl".into(), notify.into());
            }
            other => return error(format!("no request for action `{other}`")),
        }
        // The header a wallet must refuse (SW-T2): another protocol, or another version.
        if case.play.ends_with("-wrong-protocol") {
            request.insert("protocol".into(), "OtherWallet".into());
        }
        if case.play.ends_with("-wrong-version") {
            request.insert("version".into(), "2.0".into());
        }
        // MYKEY's SDK names for the notify URL (SW-X3, SW-S1 tolerate them).
        let mykey_url = match case.play.as_str() {
            "transfer-transfer-url" => Some("transferUrl"),
            "transaction-contract-url" => Some("contractUrl"),
            "sign-sign-url" => Some("signUrl"),
            _ => None,
        };
        if let Some(key) = mykey_url {
            if let Some(url) = request.remove("notifyUrl") {
                request.insert(key.into(), url);
            }
        }
        // MYKEY's documented name for the actions (digest §10.2).
        if play == "transaction-contract-request" {
            if let Some(actions) = request.remove("actions") {
                request.insert("ContractRequest".into(), actions);
            }
        }
        // A deep link's `callback` (SW-X3): the dApp app the wallet returns to, named for
        // the case so that only this case's opening counts.
        // In interactive mode it is the harness's callback listener, which records what the
        // phone opens.
        if case.play.ends_with(CALLBACK_SUFFIX) {
            let callback = match &self.opened_listener {
                Some(listener) => listener.callback_url(&token),
                None => format!("{CALLBACK_SCHEME}?case={token}"),
            };
            request.insert("callback".into(), callback.into());
        }
        let request = Value::Object(request);
        let qr = match case.form.as_deref() {
            Some("deeplink") => {
                let link = deep_link(&request);
                // The link encodes `expired`, past recognition.
                transcript::placeholder(link.clone(), "<deep link of the request>");
                link
            }
            _ => request.to_string(),
        };
        Ok(Minted { token, qr, request })
    }

    // -----------------------------------------------------------------------------------
    // judging
    // -----------------------------------------------------------------------------------

    /// Judges an accept case; after a push, the id of the transaction on chain.
    fn judge_accepted(
        &self,
        case: &Case,
        minted: &Minted,
        observed: &Observed,
        warnings: &mut Vec<String>,
    ) -> Step<Option<String>> {
        // What reached the node is judged first: a wallet whose push the node refused is
        // judged on what it pushed, not on its own account of the refusal.
        let pushed = match case.action.as_str() {
            "transfer" | "transaction" if observed.pushes > 0 => {
                Some(self.check_transaction(case, minted, observed)?)
            }
            _ => None,
        };
        if let Some(reply) = &observed.reply {
            // When the dApp says no, the wallet is right to report a refusal.
            if reply.outcome == Outcome::Refused && !dapp_says_no(&case.play) {
                return fail(format!(
                    "the wallet refused the request: {}",
                    reply.reason.as_deref().unwrap_or("no reason given")
                ));
            }
        }
        let pushed = match (case.action.as_str(), pushed) {
            ("transfer" | "transaction", None) => {
                Some(self.check_transaction(case, minted, observed)?)
            }
            (_, pushed) => pushed,
        };
        let body = match observed.posts.as_slice() {
            [] if pushed.is_some() => return fail(
                "the wallet pushed the transaction but posted no notification to notifyUrl (SW-X3)",
            ),
            [] => return fail("the wallet posted nothing to the dApp"),
            [one] => one,
            many => {
                return fail(format!(
                    "the wallet posted {} times for one request",
                    many.len()
                ))
            }
        };
        let body = match body.json_object("post's body", "") {
            Ok(body) => body,
            Err(reason) => return fail(reason),
        };
        check_envelope(&self.identity, case, &body, warnings)?;
        match (case.action.as_str(), pushed) {
            ("login", _) => self
                .check_login(case, minted, &body, warnings)
                .map(|()| None),
            ("sign", _) => self.check_sign(minted, &body).map(|()| None),
            (_, Some(tx_id)) => check_notify(&body, &tx_id, warnings).map(|()| Some(tx_id)),
            (other, None) => error(format!("no checks for action `{other}`")),
        }
    }

    fn check_login(
        &self,
        case: &Case,
        minted: &Minted,
        body: &Map<String, Value>,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        let uuid = minted.request["uuID"].as_str().unwrap_or("");
        if body.get("uuID").and_then(Value::as_str) != Some(uuid) {
            return fail(format!(
                "`uuID` is {}, not the request's \"{uuid}\" (SW-L2)",
                shown(body.get("uuID"))
            ));
        }
        let timestamp = match body.get("timestamp") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(text)) => {
                warnings.push("`timestamp` is a string; the spec writes a number (SW-L2)".into());
                text.clone()
            }
            other => {
                return fail(format!(
                    "`timestamp` is {}, not a number of seconds (SW-L2)",
                    shown(other)
                ))
            }
        };
        transcript::placeholder(timestamp.clone(), "<timestamp>");
        let seconds: u64 = timestamp.parse().or_else(|_| {
            fail(format!(
                "`timestamp` {timestamp} is not a whole number of seconds (SW-L2)"
            ))
        })?;
        let now = self.side.clock.unix_secs();
        if seconds.abs_diff(now) > TIMESTAMP_SKEW_SECS {
            let why = if seconds / 1000 > now.saturating_sub(TIMESTAMP_SKEW_SECS) {
                " (it reads as milliseconds)"
            } else {
                ""
            };
            return fail(format!(
                "`timestamp` {timestamp} is not Unix seconds within {TIMESTAMP_SKEW_SECS} s of the harness clock{why} (SW-L2, SW-L3)"
            ));
        }
        let account = lower_or_capitalised(case, body, "account", &mut Vec::new())?.unwrap_or("");
        let wallet_ref = lower_or_capitalised(case, body, "ref", &mut Vec::new())?.unwrap_or("");
        let signed = login_signed_string(&timestamp, account, uuid, wallet_ref);
        self.check_signature(
            body,
            signed.as_bytes(),
            "timestamp+account+uuID+ref",
            "SW-L3",
        )
    }

    fn check_sign(&self, minted: &Minted, body: &Map<String, Value>) -> Step<()> {
        let message = minted.request["message"].as_str().unwrap_or("");
        if body.get("message").and_then(Value::as_str) != Some(message) {
            return fail(format!(
                "`message` is {}, not the request's (SW-S1)",
                shown(body.get("message"))
            ));
        }
        self.check_signature(body, message.as_bytes(), "the UTF-8 message", "SW-S1")
    }

    /// `sign` is a canonical `SIG_K1_` signature by the wallet's key over SHA-256 of `signed`.
    fn check_signature(
        &self,
        body: &Map<String, Value>,
        signed: &[u8],
        what: &str,
        clause: &str,
    ) -> Step<()> {
        let text = body.get("sign").and_then(Value::as_str).unwrap_or("");
        transcript::placeholder(text.to_string(), "<signature>");
        let signature: Signature = text
            .parse()
            .or_else(|e| fail(format!("`sign` is not a SIG_K1_ signature ({clause}): {e}")))?;
        if signature.verify(signed, &self.key).is_err() {
            let hint = if signature
                .verify_digest(&sha256(&sha256(signed)), &self.key)
                .is_ok()
            {
                " (it verifies over SHA-256 applied twice)"
            } else {
                match signature.recover(signed) {
                    Ok(key) => return fail(format!(
                        "`sign` over SHA-256 of {what} was made by {key}, not the wallet's {} ({clause})",
                        self.identity.public_key
                    )),
                    Err(_) => "",
                }
            };
            return fail(format!(
                "`sign` does not verify with the wallet's key {} over SHA-256 of {what}{hint} ({clause})",
                self.identity.public_key
            ));
        }
        if !signature.is_canonical() {
            return fail(format!(
                "`sign` is not canonical (high S or a short r/s), which EOS nodes and eosjs-ecc refuse ({clause})"
            ));
        }
        Ok(())
    }

    /// The one transaction the node accepted, its actions those requested; its id.
    fn check_transaction(&self, case: &Case, minted: &Minted, observed: &Observed) -> Step<String> {
        let wanted = self.expected_actions(case, minted)?;
        let tx = match observed.transactions.as_slice() {
            [] => {
                let Some((pushed, error)) = observed.refused.last() else {
                    return fail("no transaction reached the node");
                };
                let what = format!(
                    "the node refused the wallet's push ({error}, {} push(es) in all)",
                    observed.pushes
                );
                return match pushed {
                    Some(tx) => {
                        compare_actions(&forwarded_actions(tx), &wanted, self.account)
                            .or_else(|(_, why)| fail(format!("{what}: {why}")))?;
                        fail(format!("{what}, though it carries the requested actions"))
                    }
                    None => fail(format!(
                        "{what}: its body, as the node recorded it, is not a transaction"
                    )),
                };
            }
            [tx] => tx,
            many => {
                return fail(format!(
                    "{} transactions reached the node for one request",
                    many.len()
                ))
            }
        };
        let id = tx.id_hex();
        transcript::placeholder(id.clone(), "<transaction id>");
        let executed = observed.executed.first().map_or(&tx.actions, |e| e);
        if executed != &tx.actions {
            transcript::observe(format!(
                "the transaction's actions ({}) executed {}: judged on what they executed (simplewallet.md §7)",
                describe_actions(&tx.actions),
                describe_actions(executed)
            ));
        }
        compare_actions(executed, &wanted, self.account)?;
        Ok(id)
    }

    /// The actions a correct wallet pushes for the minted request.
    fn expected_actions(&self, case: &Case, minted: &Minted) -> Step<Vec<Action>> {
        let active = PermissionLevel {
            actor: self.account,
            permission: name("active"),
        };
        let build = |account: &str, action: &str, data: &Value| -> Step<Action> {
            let account: Name = account
                .parse()
                .or_else(|e| error(format!("the harness's own contract `{account}`: {e}")))?;
            let action_name: Name = action
                .parse()
                .or_else(|e| error(format!("the harness's own action `{action}`: {e}")))?;
            let data =
                crate::protocol::simplewallet::eosio::pack_action_data(account, action_name, data)
                    .or_else(|e| error(format!("the harness's own action data: {e}")))?;
            Ok(Action {
                account,
                name: action_name,
                authorization: vec![active],
                data,
            })
        };
        let request = &minted.request;
        match case.action.as_str() {
            "transfer" => {
                let amount = match &request["amount"] {
                    Value::String(text) => text.clone(),
                    number => number.to_string(),
                };
                // The harness writes `precision` as a number, or its digits as a string.
                let precision = match &request["precision"] {
                    Value::String(text) => text.parse::<u64>().ok(),
                    number => number.as_u64(),
                }
                .and_then(|p| u8::try_from(p).ok())
                .unwrap_or(0);
                let symbol = request["symbol"].as_str().unwrap_or("");
                let quantity = Asset::from_amount(&amount, precision, symbol)
                    .or_else(|e| error(format!("the harness's own amount: {e}")))?;
                let data = json!({
                    "from": self.identity.account,
                    "to": request["to"],
                    "quantity": quantity.to_string(),
                    "memo": request["dappData"],
                });
                Ok(vec![build(
                    request["contract"].as_str().unwrap_or(""),
                    "transfer",
                    &data,
                )?])
            }
            _ => request
                .get("actions")
                .or_else(|| request.get("ContractRequest"))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|a| {
                    build(
                        a["account"].as_str().unwrap_or(""),
                        a["name"].as_str().unwrap_or(""),
                        &a["data"],
                    )
                })
                .collect(),
        }
    }
}

crate::harness::wallet_steps::wallet_runner!(SimpleWalletSuite);

/// The pushed `actions` are the `wanted` ones: the same number, in order, each with the same
/// contract, name, authorization and data (SW-X1, SW-X2).
fn compare_actions(actions: &[Action], wanted: &[Action], account: Name) -> Step<()> {
    if actions.len() != wanted.len() {
        return fail(format!(
            "the transaction has {} action(s) ({}), not the {} requested ({}) (SW-X1, SW-X2)",
            actions.len(),
            describe_actions(actions),
            wanted.len(),
            describe_actions(wanted)
        ));
    }
    for (i, (got, want)) in actions.iter().zip(wanted).enumerate() {
        if (got.account, got.name) != (want.account, want.name) {
            return fail(format!(
                "action {i} is {}::{}, not {}::{}: the actions are not in the requested order ({}) (SW-X2)",
                got.account,
                got.name,
                want.account,
                want.name,
                describe_actions(actions)
            ));
        }
        if got.authorization != want.authorization {
            return fail(format!(
                "action {i} is authorized by {}, not {}@active (SW-X1)",
                got.authorization
                    .iter()
                    .map(|p| format!("{}@{}", p.actor, p.permission))
                    .collect::<Vec<_>>()
                    .join(", "),
                account
            ));
        }
        if got.data != want.data && !memo_with_ref_suffix(got, want) {
            let show = |a: &Action| {
                unpack_action_data(a.account, a.name, &a.data)
                    .map(|v| v.to_string())
                    .unwrap_or_else(|_| hex::encode(&a.data))
            };
            return fail(format!(
                "action {i} ({}::{}) carries {}, not {} (SW-X1, SW-X2)",
                got.account,
                got.name,
                show(got),
                show(want)
            ));
        }
    }
    Ok(())
}

/// Whether `got` is the `want`ed transfer with `&ref=<wallet>` appended to its memo, which
/// the protocol lets wallets do and dApps must accept (SW-X1): not a failure of the wallet.
fn memo_with_ref_suffix(got: &Action, want: &Action) -> bool {
    let (Ok(mut got_data), Ok(want_data)) = (
        unpack_action_data(got.account, got.name, &got.data),
        unpack_action_data(want.account, want.name, &want.data),
    ) else {
        return false;
    };
    let (Some(got_memo), Some(want_memo)) = (
        got_data
            .get("memo")
            .and_then(Value::as_str)
            .map(str::to_string),
        want_data.get("memo").and_then(Value::as_str),
    ) else {
        return false;
    };
    let Some(suffix) = got_memo
        .strip_prefix(want_memo)
        .and_then(|rest| rest.strip_prefix("&ref="))
    else {
        return false;
    };
    got_data["memo"] = want_memo.into();
    if got_data != want_data {
        return false;
    }
    transcript::observe(format!(
        "the memo carries the wallet's `&ref={suffix}` after dappData, which SW-X1 allows"
    ));
    true
}

/// What `tx` executed, given the actions the node sent inline for it: each
/// `mykeymanager::sendaction` stands for the action it forwarded (MYKEY pays that way,
/// simplewallet.md §7), in order; a wrapper the node ran nothing for stays as it is, and
/// fails the comparison under its own name.
fn executed_actions(tx: &Transaction, inline: &[Action]) -> Vec<Action> {
    let mut sent = inline.iter();
    tx.actions
        .iter()
        .map(|action| {
            if is_sendaction(action) {
                sent.next().cloned().unwrap_or_else(|| action.clone())
            } else {
                action.clone()
            }
        })
        .collect()
}

/// What a refused `tx` would have executed: each `mykeymanager::sendaction` read as the
/// action its data forwards.
fn forwarded_actions(tx: &Transaction) -> Vec<Action> {
    tx.actions
        .iter()
        .map(|action| match Forward::from_sendaction_data(&action.data) {
            Ok(forward) if is_sendaction(action) => forward.action(),
            _ => action.clone(),
        })
        .collect()
}

fn is_sendaction(action: &Action) -> bool {
    action.account == name(MYKEY_MANAGER) && action.name == SENDACTION
}

/// Starts the harness's mock EOS node on `listen`: an empty chain (the system contracts
/// only) with the harness's fixed chain id.
pub async fn start_node(listen: SocketAddr) -> Result<RunningEosNode, String> {
    let chain_id = crate::protocol::simplewallet::crypto::sha256(CHAIN_SEED.as_bytes());
    eos::start(EosNodeConfig::empty(chain_id), listen)
        .await
        .map_err(|e| format!("failed to start the mock EOS node: {e}"))
}

/// A request the wallet made to the mock node, as a transcript exchange.
fn node_exchange(request: &RecordedRequest, running: &RunningEosNode) -> Exchange {
    Exchange {
        by: Sender::Peer,
        method: request.method.clone(),
        url: format!("{}{}", running.base_url(), request.path),
        request: (!request.body.trim().is_empty())
            .then(|| transcript::kept_body_text(request.body.as_bytes(), request.body_len)),
        status: Some(request.status),
        response: match &request.outcome {
            NodeOutcome::Served => None,
            NodeOutcome::Refused { code, name } => Some(format!("node error {code} {name}")),
        },
        error: None,
    }
}

/// Registers the wallet's account with a balance, the payee, another account and the
/// contracts the requests name, on the harness's node. An ordinary account has the wallet's
/// key as owner and active; a MYKEY account delegates both to [`MYKEY_MANAGER`] (whose
/// `active` is the wallet's key) and has the wallet's key as its reserved key (`keydata`
/// row 3), the other rows keys of the harness's.
fn register(node: &EosNode, account: Name, key: PublicKey, mykey: bool) -> Result<(), String> {
    let nobody = PrivateKey::from_seed("qrconform/harness/eos-accounts").public_key();
    for other in HARNESS_ACCOUNTS {
        node.add_account(AccountSpec {
            name: name(other),
            owner: vec![nobody],
            active: vec![nobody],
        });
    }
    if mykey {
        // The account's `owner` and `active` delegate to the manager, and the node holds
        // `keydata` keys to be no permissions: the manager's `active` takes the wallet's
        // key, standing in for MYKEY's relay, so that the wallet's own signature authorizes
        // its account's transactions.
        node.add_account(AccountSpec {
            name: name(MYKEY_MANAGER),
            owner: vec![nobody],
            active: vec![key],
        });
        node.add_mykey_account(MykeyAccountSpec {
            name: account,
            manager: name(MYKEY_MANAGER),
            keys: (0..MYKEY_KEY_ROWS)
                .map(|index| KeyDataRow {
                    index,
                    pubkey: if index == MYKEY_RESERVED_ROW {
                        key
                    } else {
                        PrivateKey::from_seed(&format!("qrconform/harness/mykey-row/{index}"))
                            .public_key()
                    },
                    status: 0,
                    nonce: 0,
                })
                .collect(),
        });
    } else {
        node.add_account(AccountSpec {
            name: account,
            owner: vec![key],
            active: vec![key],
        });
    }
    let balance: Asset = OPENING_BALANCE
        .parse()
        .map_err(|e| format!("the opening balance: {e}"))?;
    node.credit(account, balance);
    Ok(())
}

/// The post's `key` in lower case; the capitalised spelling (`Account`, `Ref`) is a WARNING,
/// or a failure in the case that checks the spelling (SW-L2).
fn lower_or_capitalised<'a>(
    case: &Case,
    body: &'a Map<String, Value>,
    key: &str,
    warnings: &mut Vec<String>,
) -> Step<Option<&'a str>> {
    if let Some(value) = body.get(key) {
        return Ok(value.as_str());
    }
    let mut capitalised = key.to_string();
    if let Some(first) = capitalised.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    match body.get(&capitalised) {
        Some(value) => {
            let text = format!(
                "the post names `{capitalised}`, not `{key}` (the English translation's spelling; the spec writes lower case, SW-L2)"
            );
            if case.play == "login-lower-case" {
                return fail(text);
            }
            if !warnings.contains(&text) {
                warnings.push(text);
            }
            Ok(value.as_str())
        }
        None => Ok(None),
    }
}

/// `protocol`, `version`, `account` and `ref` of any post (SW-L2, SW-X3, SW-S1).
fn check_envelope(
    identity: &SimpleWalletIdentity,
    case: &Case,
    body: &Map<String, Value>,
    warnings: &mut Vec<String>,
) -> Step<()> {
    for (key, want) in [("protocol", PROTOCOL), ("version", VERSION)] {
        if body.get(key).and_then(Value::as_str) != Some(want) {
            return fail(format!(
                "`{key}` is {}, not \"{want}\"",
                shown(body.get(key))
            ));
        }
    }
    for (key, want) in [
        ("account", identity.account.as_str()),
        ("ref", identity.wallet_ref.as_str()),
    ] {
        let value = lower_or_capitalised(case, body, key, warnings)?;
        if value != Some(want) {
            return fail(format!(
                "`{key}` is {}, not the wallet's \"{want}\"",
                // Not a string shows as the JSON it is; absent shows as missing.
                value.map_or_else(|| shown(body.get(key)), |v| format!("\"{v}\""))
            ));
        }
    }
    Ok(())
}

/// The notification names the transaction on chain (SW-X3).
fn check_notify(body: &Map<String, Value>, tx_id: &str, warnings: &mut Vec<String>) -> Step<()> {
    let reported = match (body.get("tx_id"), body.get("txID"), body.get("txId")) {
        (Some(id), _, _) => id,
        (None, Some(id), _) | (None, None, Some(id)) => {
            warnings.push(
                "the notification names the id `txID`/`txId`; MYKEY's notify body writes `tx_id` (SW-X3)"
                    .into(),
            );
            id
        }
        _ => return fail("the notification has no `tx_id` (SW-X3)"),
    };
    let reported = reported.as_str().unwrap_or("");
    if !reported.eq_ignore_ascii_case(tx_id) {
        return fail(format!(
            "the notification's tx_id is `{reported}`, but the transaction on chain is {tx_id} (SW-X3)"
        ));
    }
    Ok(())
}

fn judge_refused(case: &Case, observed: &Observed, warnings: &mut Vec<String>) -> Step<()> {
    if let Some(tx) = observed.transactions.first() {
        return fail(format!(
            "a transaction ({}: {}) reached the node; the wallet must not push one here",
            tx.id_hex(),
            describe_actions(&tx.actions)
        ));
    }
    let push_refused = is_push_refused(&case.play);
    if observed.pushes > 0 && !push_refused {
        return fail(format!(
            "the wallet pushed {} transaction(s) to the node (refused there); it must not build one here",
            observed.pushes
        ));
    }
    if let Some(post) = observed.posts.first() {
        let what = if push_refused {
            "a notification for a transaction the node refused (SW-X3)"
        } else {
            "to the dApp (SW-L5: nothing is signed or posted)"
        };
        return fail(format!(
            "the wallet posted {what}: {}",
            shorten(&String::from_utf8_lossy(&post.body))
        ));
    }
    if push_refused && observed.pushes == 0 {
        // Silence proves nothing here unless the node had a push to refuse.
        return fail(format!(
            "the wallet pushed nothing for an approved {}, so the node had no push to refuse ({})",
            case.action,
            if case.action == "transaction" {
                "SW-X2"
            } else {
                "SW-X1"
            }
        ));
    }
    warn_unless_refused(observed.reply.as_ref(), warnings);
    Ok(())
}

/// The suffix of the plays whose request carries a deep link's `callback`.
const CALLBACK_SUFFIX: &str = "-callback";

/// The dApp app a case's `callback` names, a custom scheme as MYKEY's docs show it
/// (`custom://`): the wallet hands it to the phone, and the driver reports it.
pub const CALLBACK_SCHEME: &str = "qrconform-dapp://callback";

/// Whether the harness dApp answers the play's post with something other than a success.
fn dapp_says_no(play: &str) -> bool {
    ["-dapp-refuses", "-dapp-not-json", "-dapp-redirect"]
        .iter()
        .any(|suffix| base_play(play).ends_with(suffix))
}

/// Whether the harness makes the node refuse the play's push.
fn is_push_refused(play: &str) -> bool {
    base_play(play).ends_with("-push-refused")
}

/// A play without the suffix that only adds a `callback` to its request.
fn base_play(play: &str) -> &str {
    play.strip_suffix(CALLBACK_SUFFIX).unwrap_or(play)
}

/// The deep-link callback the wallet opened (SW-X3): exactly once, `result=1` with the pushed
/// transaction's `txID` after a push, `result=1` after a login or sign, `result=0` after the
/// user's cancel, `result=2` after a failure.
fn check_callback(
    case: &Case,
    callback: &str,
    reply: Option<&ScanReply>,
    tx_id: Option<&str>,
    warnings: &mut Vec<String>,
) -> Step<()> {
    let Some(opened) = reply.and_then(|r| r.opened.as_ref()) else {
        return skip(
            "neither the driver's scan reply (`opened`) nor the person (interactive) said which URLs the wallet opened, so the deep-link callback (SW-X3) cannot be judged",
        );
    };
    for url in opened {
        transcript::observe(format!("the wallet opened {}", shorten(url)));
    }
    let ours: Vec<&String> = opened.iter().filter(|u| u.starts_with(callback)).collect();
    let url = match ours.as_slice() {
        [one] => *one,
        [] => {
            return fail(format!(
                "the wallet did not open the request's callback {callback} ({} other URL(s) opened) (SW-X3)",
                opened.len()
            ))
        }
        many => {
            return fail(format!(
                "the wallet opened the callback {} times for one request (SW-X3)",
                many.len()
            ))
        }
    };
    let returned = CallbackReturn::parse(url).or_else(|e| {
        fail(format!(
            "the callback the wallet opened does not carry a result (SW-X3): {e}: {}",
            shorten(url)
        ))
    })?;
    let (want, why) = match case.expect {
        Expect::Accept if dapp_says_no(&case.play) => (
            CallbackResult::Failure,
            "the dApp did not accept what the wallet posted",
        ),
        Expect::Accept => (CallbackResult::Success, "the wallet acted"),
        _ if !case.approve => (CallbackResult::Cancelled, "the user cancelled"),
        _ => (CallbackResult::Failure, "the request failed"),
    };
    if returned.result != want {
        return fail(format!(
            "the callback carries result={}; {why}, so SW-X3 writes result={} (0 cancel, 1 success, 2 failure)",
            returned.result.code(),
            want.code()
        ));
    }
    warnings.extend(
        returned
            .quirks
            .iter()
            .map(|q| format!("the callback {} (SW-X3)", q.describe())),
    );
    if let Some(tx_id) = tx_id {
        match returned.tx_id.as_deref() {
            None => {
                return fail(format!(
                    "the callback carries result=1 but no txID; SW-X3 adds the pushed transaction's id ({tx_id})"
                ))
            }
            Some(id) if !id.eq_ignore_ascii_case(tx_id) => {
                return fail(format!(
                    "the callback's txID is `{}`, but the transaction on chain is {tx_id} (SW-X3)",
                    shorten(id)
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// What the wallet did during a case, in one line.
fn describe_activity(
    reply: &Option<ScanReply>,
    posts: &[Received],
    transactions: &[Transaction],
    pushes: usize,
) -> String {
    let driver = describe_driver(reply);
    let txs: Vec<String> = transactions.iter().map(Transaction::id_hex).collect();
    format!(
        "{driver}; {} post(s) reached the harness dApp; {pushes} push(es) reached the node; {}",
        posts.len(),
        describe_accepted(&txs)
    )
}

fn describe_actions(actions: &[Action]) -> String {
    actions
        .iter()
        .map(|a| format!("{}::{}", a.account, a.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn shown(value: Option<&Value>) -> String {
    value.map_or("missing".to_string(), |v| shorten(&v.to_string()))
}

/// The request as a `simplewallet://` deep link (SW-T1) that writes the spaces between JSON
/// tokens as `+` and the spaces inside strings as `%20`, with upper-case escapes, so a wallet
/// must read both forms.
pub fn deep_link(request: &Value) -> String {
    let mut link = String::from(crate::protocol::simplewallet::messages::DEEP_LINK_PREFIX);
    let mut in_string = false;
    let mut escaped = false;
    // Compact JSON has spaces only inside strings; one is added after each `,` and `:`
    // between tokens, written as `+`.
    for c in request.to_string().chars() {
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '_' | '.' | '~' => link.push(c),
            _ => {
                let mut buf = [0u8; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    link.push_str(&format!("%{byte:02X}"));
                }
            }
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' || c == ':' {
            link.push('+');
        }
    }
    link
}

/// The reference SimpleWallet wallet (with `faults`) and a suite driving it over the driver
/// protocol, both on ephemeral loopback ports, sharing one mock EOS node.
pub async fn against_reference(
    faults: BTreeSet<SimpleWalletFault>,
) -> Result<(SimpleWalletSuite, RunningSimpleWallet), String> {
    against_reference_as(faults, false).await
}

/// [`against_reference`], the wallet a MYKEY wallet when `mykey` (its identity says so, and
/// the harness registers its account as a MYKEY account).
pub async fn against_reference_as(
    faults: BTreeSet<SimpleWalletFault>,
    mykey: bool,
) -> Result<(SimpleWalletSuite, RunningSimpleWallet), String> {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let running = start_node(loopback).await?;
    // Reference runs are reproducible: blocks, TaPoS and expiry come from a fixed clock.
    running.node().set_time(Some(REFERENCE_NODE_TIME_MS));
    let mut config = SimpleWalletConfig::new(
        PrivateKey::from_seed(reference::DEFAULT_KEY_SEED),
        running.base_url(),
    );
    config.faults = faults;
    config.mykey = mykey;
    let clock = Clock::virtual_shared();
    config.clock = clock.clone();
    let wallet = reference::start(config, loopback).await?;
    let (driver, limits) = reference_driver(wallet.base_url());
    let suite = SimpleWalletSuite::start(driver, running, loopback, None, limits)
        .await?
        .reproducible("qrconform/simplewallet-harness-dapp", clock);
    Ok((suite, wallet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_callback_is_judged_on_what_the_driver_reports_it_opened() {
        use crate::harness::Verdict;
        let callback = format!("{CALLBACK_SCHEME}?case=t1");
        let mut accept = case("transfer-callback");
        accept.expect = Expect::Accept;
        let mut cancel = accept.clone();
        cancel.expect = Expect::Reject;
        cancel.approve = false;
        let mut failure = accept.clone();
        failure.expect = Expect::Reject;
        let id = "ab".repeat(32);
        let judge = |case: &Case, reply: Option<ScanReply>, tx: Option<&str>| {
            check_callback(case, &callback, reply.as_ref(), tx, &mut Vec::new())
        };
        let opened = |urls: &[String]| Some(ScanReply::completed().with_opened(urls.to_vec()));
        let url = |suffix: &str| format!("{callback}&{suffix}");
        // What a correct wallet opens.
        judge(
            &accept,
            opened(&[url(&format!("result=1&txID={id}"))]),
            Some(&id),
        )
        .unwrap();
        judge(&accept, opened(&[url("result=1")]), None).unwrap();
        judge(&cancel, opened(&[url("result=0")]), None).unwrap();
        judge(&failure, opened(&[url("result=2")]), None).unwrap();
        // A driver that cannot see what the wallet opened leaves the case unjudged.
        assert_eq!(
            judge(&accept, Some(ScanReply::completed()), None)
                .unwrap_err()
                .0,
            Verdict::Skipped
        );
        assert_eq!(judge(&accept, None, None).unwrap_err().0, Verdict::Skipped);
        // Everything else is the wallet's failure, naming the clause.
        for (case, urls, tx) in [
            (&accept, vec![], Some(id.as_str())),
            (&accept, vec![url("result=1")], Some(id.as_str())),
            (
                &accept,
                vec![url(&format!("result=1&txID={}", "cd".repeat(32)))],
                Some(id.as_str()),
            ),
            (&accept, vec![url("result=1"), url("result=1")], None),
            (&accept, vec!["other://x?result=1".to_string()], None),
            (&accept, vec![url("result=9")], None),
            (&cancel, vec![url("result=2")], None),
            (&failure, vec![url("result=0")], None),
        ] {
            let (verdict, reason) = judge(case, opened(&urls), tx).unwrap_err();
            assert_eq!(verdict, Verdict::Fail, "{urls:?}: {reason}");
            assert!(reason.contains("SW-X3"), "{urls:?}: {reason}");
        }
    }

    fn case(play: &str) -> Case {
        let catalogue = crate::harness::simplewallet::WALLET.embedded_catalogue();
        let mut case = catalogue.cases[0].clone();
        case.play = play.to_string();
        case
    }

    fn transfer(memo: &str, amount: &str) -> Action {
        let name = |n: &str| n.parse::<Name>().expect("name");
        Action {
            account: name("eosio.token"),
            name: name("transfer"),
            authorization: vec![PermissionLevel {
                actor: name("wallettester"),
                permission: name("active"),
            }],
            data: crate::protocol::simplewallet::eosio::Transfer {
                from: name("wallettester"),
                to: name("qrcpayee"),
                quantity: Asset::from_amount(amount, 4, "EOS").expect("asset"),
                memo: memo.to_string(),
            }
            .pack(),
        }
    }

    #[test]
    fn a_memo_with_the_wallets_ref_suffix_is_the_requested_transfer() {
        let account: Name = "wallettester".parse().expect("name");
        let want = [transfer("order 42", "1.25")];
        // SW-X1: dappData, optionally followed by `&ref=<wallet name>`.
        assert_eq!(
            compare_actions(&[transfer("order 42&ref=mykey", "1.25")], &want, account),
            Ok(())
        );
        assert_eq!(compare_actions(&want, &want, account), Ok(()));
        // Anything else in the memo, or the suffix on another change, is still a failure.
        for (memo, amount) in [
            ("order 42&other=1", "1.25"),
            ("order 4&ref=mykey", "1.25"),
            ("order 42&ref=mykey", "1.26"),
        ] {
            let (verdict, reason) =
                compare_actions(&[transfer(memo, amount)], &want, account).unwrap_err();
            assert_eq!(verdict, crate::harness::Verdict::Fail, "{memo} {amount}");
            assert!(reason.contains("carries"), "{reason}");
        }
    }

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn capitalised_keys_are_read_with_a_warning_and_fail_the_case_that_checks_them() {
        let body = object(json!({"Account": "alice", "ref": "w"}));
        let mut warnings = Vec::new();
        let login = case("login");
        assert_eq!(
            lower_or_capitalised(&login, &body, "account", &mut warnings),
            Ok(Some("alice"))
        );
        assert_eq!(
            lower_or_capitalised(&login, &body, "ref", &mut warnings),
            Ok(Some("w"))
        );
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("`Account`"));
        // The same spelling twice is one warning.
        lower_or_capitalised(&login, &body, "account", &mut warnings).unwrap();
        assert_eq!(warnings.len(), 1);
        let (verdict, reason) =
            lower_or_capitalised(&case("login-lower-case"), &body, "account", &mut Vec::new())
                .unwrap_err();
        assert_eq!(verdict, crate::harness::Verdict::Fail);
        assert!(reason.contains("SW-L2"), "{reason}");
        let empty = Map::new();
        assert_eq!(
            lower_or_capitalised(&login, &empty, "account", &mut Vec::new()),
            Ok(None)
        );
    }

    #[test]
    fn every_post_carries_the_protocol_and_the_wallets_account_and_ref() {
        let identity = SimpleWalletIdentity {
            account: "qrconformwlt".into(),
            public_key: String::new(),
            wallet_ref: "qrconform".into(),
            mykey: false,
        };
        let good = json!({"protocol": "SimpleWallet", "version": "1.0",
                          "account": "qrconformwlt", "ref": "qrconform"});
        let login = case("login");
        assert!(check_envelope(&identity, &login, &object(good.clone()), &mut Vec::new()).is_ok());
        let reason = |change: Value| {
            let mut body = object(good.clone());
            body.extend(object(change));
            check_envelope(&identity, &login, &body, &mut Vec::new())
                .unwrap_err()
                .1
        };
        assert!(reason(json!({"version": "2.0"})).contains("`version` is \"2.0\""));
        assert!(reason(json!({"account": "someoneelse"})).contains("\"someoneelse\""));
        // A value of the wrong type is shown as it is, not as missing.
        assert!(reason(json!({"ref": 7})).contains("`ref` is 7,"));
        let mut body = object(good.clone());
        body.remove("ref");
        let (_, missing) = check_envelope(&identity, &login, &body, &mut Vec::new()).unwrap_err();
        assert!(missing.contains("`ref` is missing"), "{missing}");
    }

    #[test]
    fn the_notification_must_name_the_id_on_chain_in_any_tolerated_spelling() {
        let id = "ab".repeat(32);
        let mut warnings = Vec::new();
        assert!(check_notify(&object(json!({"tx_id": id})), &id, &mut warnings).is_ok());
        assert!(warnings.is_empty());
        assert!(check_notify(
            &object(json!({"tx_id": id.to_uppercase()})),
            &id,
            &mut warnings
        )
        .is_ok());
        for spelling in ["txID", "txId"] {
            let mut warnings = Vec::new();
            assert!(check_notify(&object(json!({spelling: id})), &id, &mut warnings).is_ok());
            assert_eq!(warnings.len(), 1, "{spelling}");
        }
        let (_, reason) = check_notify(
            &object(json!({"tx_id": "cd".repeat(32)})),
            &id,
            &mut warnings,
        )
        .unwrap_err();
        assert!(reason.contains("on chain"), "{reason}");
        let (_, reason) = check_notify(&object(json!({})), &id, &mut warnings).unwrap_err();
        assert!(reason.contains("no `tx_id`"), "{reason}");
        let (_, reason) =
            check_notify(&object(json!({"tx_id": 5})), &id, &mut warnings).unwrap_err();
        assert!(reason.contains("on chain"), "{reason}");
    }

    #[test]
    fn a_refusal_is_judged_on_posts_and_pushes_and_a_completed_report_is_a_warning() {
        let nothing = Observed {
            reply: Some(ScanReply::completed()),
            posts: Vec::new(),
            transactions: Vec::new(),
            executed: Vec::new(),
            pushes: 0,
            refused: Vec::new(),
        };
        let mut warnings = Vec::new();
        assert!(judge_refused(&case("login-expired"), &nothing, &mut warnings).is_ok());
        assert_eq!(warnings.len(), 1);
        let pushed = Observed {
            reply: Some(ScanReply::refused("no")),
            posts: Vec::new(),
            transactions: Vec::new(),
            executed: Vec::new(),
            pushes: 1,
            refused: Vec::new(),
        };
        let (_, reason) =
            judge_refused(&case("transfer-expired"), &pushed, &mut Vec::new()).unwrap_err();
        assert!(reason.contains("pushed 1"), "{reason}");
        // The refused push is the point of this play; a post fails it, and so does no push
        // at all (nothing was refused, so the silence after it shows nothing).
        assert!(judge_refused(&case("transfer-push-refused"), &pushed, &mut Vec::new()).is_ok());
        let (_, reason) =
            judge_refused(&case("transfer-push-refused"), &nothing, &mut Vec::new()).unwrap_err();
        assert!(reason.contains("pushed nothing"), "{reason}");
        let notified = Observed {
            reply: Some(ScanReply::completed()),
            posts: vec![Received {
                method: "POST".into(),
                path: "/cb".into(),
                content_type: Some("application/json".into()),
                body: b"{}".to_vec(),
                truncated: false,
            }],
            transactions: Vec::new(),
            executed: Vec::new(),
            pushes: 1,
            refused: Vec::new(),
        };
        let (_, reason) =
            judge_refused(&case("transfer-push-refused"), &notified, &mut Vec::new()).unwrap_err();
        assert!(reason.contains("refused (SW-X3)"), "{reason}");
    }

    #[test]
    fn pushed_actions_must_match_the_requested_ones_in_number_order_authority_and_data() {
        let account = name("qrconformwlt");
        let action = |contract: &str, data: &[u8], actor: Name| Action {
            account: name(contract),
            name: name("transfer"),
            authorization: vec![PermissionLevel {
                actor,
                permission: name("active"),
            }],
            data: data.to_vec(),
        };
        let wanted = [
            action("eosio.token", b"a", account),
            action(TOKEN_CONTRACT, b"b", account),
        ];
        assert!(compare_actions(&wanted, &wanted, account).is_ok());
        let reason = |actions: &[Action]| compare_actions(actions, &wanted, account).unwrap_err().1;
        assert!(reason(&wanted[..1]).contains("1 action(s)"));
        let reversed = [wanted[1].clone(), wanted[0].clone()];
        assert!(reason(&reversed).contains("not in the requested order"));
        let foreign = [
            action("eosio.token", b"a", name(STRANGER)),
            wanted[1].clone(),
        ];
        assert!(reason(&foreign).contains("authorized by qrcstranger1@active"));
        let other_data = [wanted[0].clone(), action(TOKEN_CONTRACT, b"c", account)];
        assert!(reason(&other_data).starts_with("action 1"));
    }

    #[test]
    fn the_constants_are_valid_names_and_assets() {
        for text in HARNESS_ACCOUNTS.into_iter().chain(["active"]) {
            assert_eq!(name(text).to_string(), text);
        }
        assert_eq!(
            OPENING_BALANCE.parse::<Asset>().unwrap().to_string(),
            OPENING_BALANCE
        );
    }

    #[test]
    fn the_deep_link_writes_structural_spaces_as_plus_and_string_spaces_as_percent_20() {
        let link = deep_link(&json!({"a": "b c", "d": 1}));
        assert_eq!(
            link,
            format!(
                "{}%7B%22a%22%3A+%22b%20c%22%2C+%22d%22%3A+1%7D",
                crate::protocol::simplewallet::messages::DEEP_LINK_PREFIX
            )
        );
    }
}
