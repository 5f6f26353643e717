//! The SimpleWallet dApp suite's runner: the harness plays an EOS wallet against a dApp back
//! end, with its own accounts on the harness's mock EOS node.
//!
//! For each case: fetch a fresh QR text from the target's source, read it as a SimpleWallet
//! request (the JSON itself, SW-T1; SW-T2, held to its schema; a login's `expired`, SW-L1),
//! play the case (an honest wallet, a MYKEY payment whose transfer runs inline under
//! `mykeymanager::sendaction`, a MYKEY sign by the reserved key, the tolerated forms wallets
//! send: a string `timestamp`, `txID`/`txId`, a memo followed by `&ref=`, a timestamp a day
//! off; or one named defect: another key, a frozen MYKEY key, a replayed or unknown `uuID`
//! or sign result, an expired QR code, a tampered timestamp, a sign result over another
//! message, a transaction the chain does not have or that pays the wrong amount, account or
//! memo, a body that is not JSON…), POST to `loginUrl`
//! or `notifyUrl`, and judge the `{code, error}` reply (SW-L4: `code` an integer, 0 if and
//! only if accepted; `error` a string). Payments are on the mock node before the
//! notification, so a dApp that asks the chain (SW-X4) sees them; what the dApp asked the
//! node goes into the case's transcript.
//!
//! Every step has the target's timeout and body cap, only declared hosts are contacted,
//! redirects are never followed, and nothing the peer sends can make the runner panic.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Instant;

use serde_json::Value;

use super::dapp_wallet::{
    name, HarnessEosWallet, FAKE_TOKEN, FROZEN, MANAGER, MYKEY, MYKEY_REF, OTHER, PLAIN,
    RESERVED_ROW, WALLET_REF,
};
use crate::chain::eos::{
    self as eos, EosNode, EosNodeConfig, Outcome, RecordedRequest, RunningEosNode,
};
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::harness::catalogue::{Case, Catalogue, Expect};
use crate::harness::steps::{
    abbreviate, case_source, check_plays_and_sources, error, fail, network, qr_text, reply_object,
    skip, wait_for_expiry, Prefetched, Step,
};
use crate::harness::suite::Reproducible;
use crate::harness::target::{DappProtocol, DappTarget, QrSource, SW_DAPP_SOURCES};
use crate::harness::{dropped_node_requests, CaseOutcome};
use crate::net::{HttpClient, HttpReply};
use crate::protocol::simplewallet::crypto::{sha256, PrivateKey};
use crate::protocol::simplewallet::eosio::{
    pack_action_data, Action, Asset, Name, PermissionLevel, Transfer,
};
use crate::protocol::simplewallet::messages::{
    login_signed_string, LoginPost, NotifyPost, Quirk, Reply, Request, SignPost, TransferRequest,
};
use crate::reference::simplewallet::dapp::{
    self as reference, RunningSwDapp, SwDappConfig, SwDappFault,
};
use crate::transcript::{self, Exchange, Sender};

/// Every play the runner knows.
pub const PLAYS: [&str; 29] = [
    "honest",
    "qr-number-types",
    "owner-key",
    "mykey",
    "mykey-frozen",
    "mykey-wrong-row",
    "sig-other-key",
    "key-of-other-account",
    "replay",
    "uuid-unknown",
    "expired",
    "timestamp-tampered",
    "capitalised-keys",
    "not-json",
    "txid-unknown",
    "wrong-amount",
    "wrong-recipient",
    "wrong-memo",
    "other-payer",
    "txid-reused",
    "mykey-payment",
    "fake-token",
    "timestamp-string",
    "timestamp-past",
    "timestamp-future",
    "notify-txID",
    "notify-txId",
    "memo-ref-suffix",
    "sign-other-message",
];

/// How far off the timestamp plays put a login's timestamp.
const DAY_SECS: u64 = 86_400;

/// The harness chain's id: SHA-256 of this text.
pub const CHAIN_SEED: &str = "qrconform/harness/eos-chain";

/// Checks that a catalogue uses only known plays and sources, each case starting from the
/// action its source gives.
pub fn check_catalogue(catalogue: &Catalogue) -> Result<(), String> {
    check_plays_and_sources(catalogue, &PLAYS, &SW_DAPP_SOURCES)?;
    match catalogue
        .cases
        .iter()
        .find(|c| c.source.as_deref() != Some(&c.action))
    {
        Some(case) => Err(format!(
            "case `{}`: the source `{}` gives `{}` QR codes, not `{}`",
            case.id,
            case.source.as_deref().unwrap_or(""),
            case.source.as_deref().unwrap_or(""),
            case.action
        )),
        None => Ok(()),
    }
}

/// The `qr-number-types` play: a QR code's numbers (`amount`, `precision`, `expired`) are
/// JSON numbers (SW-X1, SW-L1). Wallets tolerate their digits as strings (the protocol
/// module reads them), so a QR code that writes strings is a quirk: at SHOULD, a WARNING.
fn number_types(quirks: &[Quirk]) -> Step<()> {
    let strings: Vec<String> = quirks
        .iter()
        .filter(|q| {
            matches!(
                q,
                Quirk::AmountAsString | Quirk::PrecisionAsString | Quirk::ExpiredAsString
            )
        })
        .map(Quirk::describe)
        .collect();
    if strings.is_empty() {
        Ok(())
    } else {
        fail(format!(
            "the QR code {} (SW-X1); wallets tolerate it, the documented form is a number",
            strings.join("; ")
        ))
    }
}

/// What a case requires of the back end, in words, from its catalogue entry.
pub fn expectation(case: &Case) -> String {
    if case.play == "qr-number-types" {
        return "the QR code writes `amount`, `precision` and `expired` as JSON numbers"
            .to_string();
    }
    match case.expect {
        Expect::Accept => "the dApp accepts: a {code, error} reply with code 0".to_string(),
        Expect::Reject => {
            "the dApp rejects: a {code, error} reply with code > 0 and the reason in error"
                .to_string()
        }
        Expect::Any => "the dApp answers with a {code, error} reply".to_string(),
    }
}

/// A request the peer made to the mock EOS node, as a transcript exchange.
fn node_exchange(request: &RecordedRequest, base: &str) -> Exchange {
    let response = match &request.outcome {
        Outcome::Served => "served".to_string(),
        Outcome::Refused { code, name } => format!("node error {code} ({name})"),
    };
    Exchange {
        by: Sender::Peer,
        method: request.method.clone(),
        url: format!("{}{}", base.trim_end_matches('/'), request.path),
        request: (!request.body.trim().is_empty())
            .then(|| transcript::kept_body_text(request.body.as_bytes(), request.body_len)),
        status: Some(request.status),
        response: Some(response),
        error: None,
    }
}

/// How the wallet signs a login or sign result in one play.
struct Signer<'a> {
    account: &'static str,
    key: &'a PrivateKey,
    wallet_ref: &'static str,
}

/// Runs SimpleWallet dApp cases against one target, with the harness's own mock EOS node.
#[derive(Debug)]
pub struct SwDappSuite {
    target: DappTarget,
    http: HttpClient,
    running: RunningEosNode,
    wallet: HarnessEosWallet,
    entropy: Entropy,
    clock: Clock,
    prefetched: Prefetched,
}

impl SwDappSuite {
    /// Starts the harness's mock EOS node on the target's `node.eos` address and registers
    /// the harness wallet's accounts there.
    pub async fn start(target: DappTarget) -> Result<Self, String> {
        let running = eos::start(
            EosNodeConfig::empty(sha256(CHAIN_SEED.as_bytes())),
            target.node_eos,
        )
        .await
        .map_err(|e| format!("failed to start the mock EOS node for the target: {e}"))?;
        Ok(Self::with_node(target, running))
    }

    /// Uses a node that is already running (its address replaces the target's).
    pub fn with_node(mut target: DappTarget, running: RunningEosNode) -> Self {
        target.node_eos = running.addr();
        let wallet = HarnessEosWallet::new();
        wallet.register(&running.node());
        let http = target.http_client();
        SwDappSuite {
            target,
            http,
            running,
            wallet,
            entropy: Entropy::os(),
            clock: Clock::system(),
            prefetched: Prefetched::default(),
        }
    }

    /// Fetches the selected expiry cases' QR codes ahead of the run (see [`Prefetched`]).
    pub async fn prefetch(&self, cases: &[Case]) {
        self.prefetched
            .fill(&self.http, &self.target, cases, "SW-T1")
            .await;
    }

    /// The origin of the mock EOS node, with the placeholder reports write for it.
    pub fn endpoints(&self) -> Vec<(String, String)> {
        vec![(self.running.base_url(), "<eos-node>".into())]
    }

    pub async fn shutdown(self) {
        self.running.shutdown().await;
    }

    fn chain(&self) -> EosNode {
        self.running.node()
    }

    /// Where the harness's mock EOS node listens, for the console.
    pub fn banner(&self) -> String {
        format!("mock EOS node: {}", self.running.base_url())
    }

    /// Runs one case to its verdict.
    pub async fn run_case(&self, case: &Case) -> CaseOutcome {
        let started = Instant::now();
        let mut warnings = Vec::new();
        // The harness's own payments go to the node in-process: the record holds only what
        // the peer asked.
        let mark = self.chain().record_mark();
        let (judged, mut record) = transcript::capture(self.judge(case, &mut warnings)).await;
        let (requests, dropped) = self.chain().record_since(mark);
        let base = self.running.base_url();
        record
            .exchanges
            .extend(requests.iter().map(|r| node_exchange(r, &base)));
        if dropped > 0 {
            record.observations.push(dropped_node_requests(dropped));
        }
        CaseOutcome::conclude(case, judged, warnings, started, record, expectation(case))
    }

    async fn judge(&self, case: &Case, warnings: &mut Vec<String>) -> Step<()> {
        let source = case_source(&self.target, case)?;
        let (request, quirks) = self.fetch_request(case, source, warnings).await?;
        let Some(url) = request.post_url().map(str::to_string) else {
            return fail(format!(
                "the {} QR code has no URL to post the result to (loginUrl or notifyUrl; SW-L1, SW-X3)",
                request.action()
            ));
        };
        self.http
            .check_url(&url)
            .map_err(|e| network("the QR code's post URL", e))?;
        if case.play == "qr-number-types" {
            return number_types(&quirks);
        }
        match &request {
            Request::Login(login) => {
                self.play_login(case, &url, &login.uuid, login.expired, warnings)
                    .await
            }
            Request::Transfer(_) | Request::Transaction(_) => {
                self.play_payment(case, &url, &request, warnings).await
            }
            Request::Sign(sign) => self.play_sign(case, &url, &sign.message, warnings).await,
        }
    }

    // -----------------------------------------------------------------------------------
    // QR codes
    // -----------------------------------------------------------------------------------

    async fn fetch_request(
        &self,
        case: &Case,
        source: &QrSource,
        warnings: &mut Vec<String>,
    ) -> Step<(Request, Vec<Quirk>)> {
        let text = match self.prefetched.take(case) {
            Some(text) => text,
            None => qr_text(&self.http, source, &self.target.limits, "SW-T1").await?,
        };
        // SW-T1: a QR code's text is the request JSON itself; the deep-link form is for
        // opening the wallet app, not for QR codes.
        let (request, quirks) = Request::from_json_with_quirks(&text).or_else(|e| {
            if Request::from_qr_text(&text).is_ok() {
                fail(format!(
                    "the QR text is a deep link, not the request JSON (SW-T1): {}",
                    abbreviate(text.as_bytes())
                ))
            } else {
                fail(format!(
                    "the QR text is not a SimpleWallet request (SW-T1, SW-T2): {e}: {}",
                    abbreviate(text.as_bytes())
                ))
            }
        })?;
        warnings.extend(
            quirks
                .iter()
                .map(|q| format!("the QR code {} (SW-T2)", q.describe())),
        );
        if request.action() != case.action {
            return error(format!(
                "the source `{}` gave a `{}` QR code, not `{}`",
                case.source.as_deref().unwrap_or(""),
                request.action(),
                case.action
            ));
        }
        // The request's JSON as the dApp wrote it, held to its schema.
        let value: Value = serde_json::from_str(&text)
            .or_else(|e| error(format!("the QR text parsed once but not twice: {e}")))?;
        let violations = crate::schema::validate(request.schema_kind(), &value)
            .or_else(|e| error(format!("the harness cannot load its own schema: {e}")))?;
        if let Some(v) = violations.first() {
            return fail(format!(
                "the QR request breaks its schema (SW-T2): {}: {}",
                v.instance_path, v.message
            ));
        }
        // SW-L1 lists `expired` among a login QR code's fields: without it the code never
        // expires, and SW-L5 could not be held.
        if matches!(request, Request::Login(_)) && request.expired().is_none() {
            return fail("the login QR code has no `expired` (SW-L1)");
        }
        if let Some(expired) = request.expired() {
            transcript::placeholder(expired.to_string(), "<expired>");
        }
        Ok((request, quirks))
    }

    // -----------------------------------------------------------------------------------
    // Replies
    // -----------------------------------------------------------------------------------

    async fn post(&self, url: &str, body: &Value, warnings: &mut Vec<String>) -> Step<Reply> {
        let reply = self
            .http
            .post_json(url, body.to_string().into_bytes())
            .await
            .map_err(|e| network("posting to the dApp", e))?;
        read_reply(reply, warnings)
    }

    /// Posts `body` and judges the reply against the case's expectation.
    async fn post_and_expect(
        &self,
        case: &Case,
        url: &str,
        body: &Value,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        let reply = self.post(url, body, warnings).await?;
        expect(case, &reply, warnings)
    }

    /// For the plays that need a first accepted post: posts it and requires acceptance.
    async fn post_first(&self, url: &str, body: &Value, warnings: &mut Vec<String>) -> Step<()> {
        let first = self.post(url, body, warnings).await?;
        if !first.is_success() {
            return fail(format!(
                "the first, honest post was not accepted (code {}: {}), so the repeat cannot be judged",
                first.code,
                abbreviate(first.error.as_bytes())
            ));
        }
        Ok(())
    }

    // -----------------------------------------------------------------------------------
    // login and sign
    // -----------------------------------------------------------------------------------

    fn signer(&self, play: &str) -> Signer<'_> {
        let wallet = &self.wallet;
        let (account, key, wallet_ref) = match play {
            "owner-key" => (PLAIN, &wallet.plain_owner, WALLET_REF),
            "mykey" => (MYKEY, wallet.mykey_reserved(), MYKEY_REF),
            "mykey-frozen" => (
                FROZEN,
                &wallet.frozen_rows[RESERVED_ROW as usize],
                MYKEY_REF,
            ),
            "mykey-wrong-row" => (MYKEY, &wallet.mykey_rows[0], MYKEY_REF),
            "sig-other-key" => (PLAIN, &wallet.stranger, WALLET_REF),
            "key-of-other-account" => (PLAIN, &wallet.other_active, WALLET_REF),
            _ => (PLAIN, &wallet.plain_active, WALLET_REF),
        };
        Signer {
            account,
            key,
            wallet_ref,
        }
    }

    async fn play_login(
        &self,
        case: &Case,
        url: &str,
        uuid: &str,
        expired: Option<u64>,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        if case.play == "expired" {
            let Some(expired) = expired else {
                return fail("the login QR code has no `expired` (SW-L1)");
            };
            wait_for_expiry(expired, &self.target.limits, &self.clock).await?;
        }
        let uuid = if case.play == "uuid-unknown" {
            self.entropy.hex(16).or_else(error)?
        } else {
            uuid.to_string()
        };
        let signer = self.signer(&case.play);
        let now = self.clock.unix_secs();
        // A day off either way: a wallet whose clock is wrong, which no clause forbids the
        // dApp to accept (see suites/clauses.toml, SW-L4).
        let timestamp = match case.play.as_str() {
            "timestamp-past" => now.saturating_sub(DAY_SECS),
            "timestamp-future" => now + DAY_SECS,
            _ => now,
        };
        let posted = if case.play == "timestamp-tampered" {
            timestamp + 1
        } else {
            timestamp
        };
        transcript::placeholder(now.to_string(), "<timestamp>");
        transcript::placeholder((now + 1).to_string(), "<timestamp+1>");
        transcript::placeholder(now.saturating_sub(DAY_SECS).to_string(), "<timestamp-1d>");
        transcript::placeholder((now + DAY_SECS).to_string(), "<timestamp+1d>");
        let signed = login_signed_string(
            &timestamp.to_string(),
            signer.account,
            &uuid,
            signer.wallet_ref,
        );
        let sign = signer.key.sign(signed.as_bytes()).to_string();
        transcript::placeholder(sign.clone(), "<login-signature>");
        let mut body = LoginPost::new(
            posted.to_string(),
            sign,
            uuid,
            signer.account,
            signer.wallet_ref,
        )
        .to_json();
        if case.play == "timestamp-string" {
            // MYKEY's SDK and TokenPocket send the digits as a string (SW-L2 tolerates it).
            body["timestamp"] = Value::String(posted.to_string());
        }
        if case.play == "capitalised-keys" {
            if let Value::Object(map) = &mut body {
                for (from, to) in [("account", "Account"), ("ref", "Ref")] {
                    if let Some(value) = map.remove(from) {
                        map.insert(to.into(), value);
                    }
                }
            }
        }
        if case.play == "replay" {
            self.post_first(url, &body, warnings).await?;
        }
        if case.play == "not-json" {
            return self.post_not_json(case, url, warnings).await;
        }
        self.post_and_expect(case, url, &body, warnings).await
    }

    /// Posts a body that is not JSON and judges the reply: a `{code > 0, error}` one (SW-L4).
    async fn post_not_json(&self, case: &Case, url: &str, warnings: &mut Vec<String>) -> Step<()> {
        let reply = self
            .http
            .post_raw(url, "application/json", b"this is { not JSON".to_vec())
            .await
            .map_err(|e| network("posting to the dApp", e))?;
        let reply = read_reply(reply, warnings)?;
        expect(case, &reply, warnings)
    }

    async fn play_sign(
        &self,
        case: &Case,
        url: &str,
        message: &str,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        if case.play == "not-json" {
            return self.post_not_json(case, url, warnings).await;
        }
        let signer = self.signer(&case.play);
        // Another message than the one issued, signed as honestly as the issued one.
        let other;
        let message = if case.play == "sign-other-message" {
            other = format!("{message} (not the message issued)");
            other.as_str()
        } else {
            message
        };
        let sign = signer.key.sign(message.as_bytes()).to_string();
        transcript::placeholder(sign.clone(), "<sign-signature>");
        let body = SignPost::new(message, sign, signer.wallet_ref, signer.account).to_json();
        if case.play == "replay" {
            self.post_first(url, &body, warnings).await?;
        }
        self.post_and_expect(case, url, &body, warnings).await
    }

    // -----------------------------------------------------------------------------------
    // transfer and transaction
    // -----------------------------------------------------------------------------------

    /// The actions an honest wallet pushes for the request, from [`PLAIN`].
    fn actions_for(&self, request: &Request) -> Step<Vec<Action>> {
        let payer = name(PLAIN);
        let authorization = vec![PermissionLevel {
            actor: payer,
            permission: name("active"),
        }];
        match request {
            Request::Transfer(transfer) => {
                if let Some(from) = transfer.from.as_deref().filter(|f| !f.is_empty()) {
                    if from != PLAIN {
                        return error(format!(
                            "the transfer QR code asks `from` = `{from}`; the harness pays from `{PLAIN}` (leave `from` out or name it)"
                        ));
                    }
                }
                let (contract, data) = requested_transfer(transfer, payer)?;
                Ok(vec![HarnessEosWallet::transfer_action(contract, &data)])
            }
            Request::Transaction(transaction) => {
                let mut actions = Vec::with_capacity(transaction.actions.len());
                for action in &transaction.actions {
                    if let Some(from) = action.data.get("from").and_then(Value::as_str) {
                        if from != PLAIN {
                            return error(format!(
                                "the transaction QR code's `{}::{}` is from `{from}`; the harness pays from `{PLAIN}` (see docs/targets.md)",
                                action.account, action.name
                            ));
                        }
                    }
                    let account: Name = action.account.parse().or_else(|e| {
                        fail(format!(
                            "an action's `account` is not an account name (SW-X2): {e}"
                        ))
                    })?;
                    let action_name: Name = action.name.parse().or_else(|e| {
                        fail(format!("an action's `name` is not a name (SW-X2): {e}"))
                    })?;
                    let data =
                        pack_action_data(account, action_name, &action.data).or_else(|e| {
                            error(format!(
                            "the harness cannot pack `{}::{}` (it knows transfer and buyram): {e}",
                            action.account, action.name
                        ))
                        })?;
                    actions.push(Action {
                        account,
                        name: action_name,
                        authorization: authorization.clone(),
                        data,
                    });
                }
                Ok(actions)
            }
            _ => error("not a payment request"),
        }
    }

    /// Changes the first token transfer among `actions` as the play says: another amount,
    /// recipient or memo, or the same on another token contract. A request without a
    /// transfer cannot be played this way.
    fn tamper(&self, play: &str, actions: &mut [Action]) -> Step<()> {
        let Some((action, mut transfer)) = actions.iter_mut().find_map(|a| {
            (a.name == name("transfer"))
                .then(|| Transfer::unpack(&a.data).ok())
                .flatten()
                .map(|t| (a, t))
        }) else {
            return skip("the request holds no token transfer, so this defect cannot be played");
        };
        match play {
            "wrong-amount" => {
                let unit = 10i64.pow(u32::from(transfer.quantity.symbol.precision.min(18)));
                let less = if transfer.quantity.amount > 1 {
                    transfer.quantity.amount / 2
                } else {
                    transfer.quantity.amount + unit
                };
                transfer.quantity = Asset::new(less, transfer.quantity.symbol.clone())
                    .or_else(|e| error(format!("another amount: {e}")))?;
            }
            "wrong-recipient" => transfer.to = name(OTHER),
            // The same quantity, symbol and memo, in the EOS another contract issues.
            "fake-token" => action.account = name(FAKE_TOKEN),
            // The wallet's name after the order's memo, as SW-X1 lets wallets append it.
            "memo-ref-suffix" => transfer.memo = format!("{}&ref={WALLET_REF}", transfer.memo),
            "wrong-memo" => {
                transfer.memo = format!(
                    "qrconform-other-order-{}",
                    self.entropy.hex(4).or_else(error)?
                );
            }
            _ => {}
        }
        action.data = transfer.pack();
        Ok(())
    }

    /// Pays a transfer request as MYKEY does (digest §7): the top-level action is the
    /// manager's `mykeymanager::sendaction` from [`MYKEY`], and the `eosio.token::transfer`
    /// runs inline, so only the transaction's traces show it. The mock node does not run
    /// the manager contract, so the transaction is put on chain as executed; its id.
    fn pay_as_mykey(&self, request: &Request) -> Step<String> {
        let Request::Transfer(transfer) = request else {
            return skip(
                "a MYKEY account pays transfer QR codes; this request names its actions' payer",
            );
        };
        if transfer
            .from
            .as_deref()
            .is_some_and(|f| !f.is_empty() && f != MYKEY)
        {
            return skip(
                "the transfer QR code names its payer (`from`), so the MYKEY account cannot pay it",
            );
        }
        let (contract, data) = requested_transfer(transfer, name(MYKEY))?;
        let chain = self.chain();
        HarnessEosWallet::ensure_account(&chain, data.to);
        let id = HarnessEosWallet::plant_mykey_payment(
            &chain,
            name(MANAGER),
            HarnessEosWallet::transfer_action(contract, &data),
            self.wallet.mykey_asset(),
        )
        .or_else(|e| error(format!("the harness could not pay on its own node: {e}")))?;
        transcript::observe(format!(
            "the harness put MYKEY transaction {id} (mykeymanager::sendaction, the transfer inline) on its node"
        ));
        Ok(id)
    }

    async fn play_payment(
        &self,
        case: &Case,
        url: &str,
        request: &Request,
        warnings: &mut Vec<String>,
    ) -> Step<()> {
        if case.play == "not-json" {
            return self.post_not_json(case, url, warnings).await;
        }
        let chain = self.chain();
        let tx_id = if case.play == "txid-unknown" {
            self.entropy.hex(32).or_else(error)?
        } else if case.play == "mykey-payment" {
            self.pay_as_mykey(request)?
        } else {
            let mut actions = self.actions_for(request)?;
            self.tamper(&case.play, &mut actions)?;
            for action in &actions {
                if let Ok(transfer) = Transfer::unpack(&action.data) {
                    HarnessEosWallet::ensure_account(&chain, transfer.to);
                }
            }
            let id = HarnessEosWallet::push(&chain, actions, &self.wallet.plain_active)
                .or_else(|e| error(format!("the harness could not pay on its own node: {e}")))?;
            transcript::observe(format!("the harness pushed transaction {id} to its node"));
            id
        };
        transcript::placeholder(tx_id.clone(), "<tx-id>");
        let (account, wallet_ref) = match case.play.as_str() {
            "other-payer" => (OTHER, WALLET_REF),
            "mykey-payment" => (MYKEY, MYKEY_REF),
            _ => (PLAIN, WALLET_REF),
        };
        let mut body = NotifyPost::new(tx_id, wallet_ref, account).to_json();
        // The spellings wallets send besides the documented `tx_id` (SW-X3): MYKEY's callback
        // and the spec's `txID`, TokenPocket's `txId`.
        if let ("notify-txID" | "notify-txId", Value::Object(map)) = (case.play.as_str(), &mut body)
        {
            if let Some(id) = map.remove("tx_id") {
                map.insert(case.play.trim_start_matches("notify-").to_string(), id);
            }
        }
        if case.play == "txid-reused" {
            self.post_first(url, &body, warnings).await?;
        }
        self.post_and_expect(case, url, &body, warnings).await
    }
}

/// The token transfer a transfer request asks `payer` to make (SW-X1): its contract and data.
fn requested_transfer(transfer: &TransferRequest, payer: Name) -> Step<(Name, Transfer)> {
    let data = Transfer {
        from: payer,
        to: transfer.to.parse().or_else(|e| {
            fail(format!(
                "the transfer's `to` is not an account name (SW-X1): {e}"
            ))
        })?,
        quantity: transfer.quantity().or_else(|e| {
            fail(format!(
                "the transfer's amount is not a quantity (SW-X1): {e}"
            ))
        })?,
        memo: transfer.dapp_data.clone().unwrap_or_default(),
    };
    let contract = transfer.contract.parse().or_else(|e| {
        fail(format!(
            "the transfer's `contract` is not an account name (SW-X1): {e}"
        ))
    })?;
    Ok((contract, data))
}

/// Checks a reply's HTTP status and its `{code, error}` body (SW-L4).
fn read_reply(reply: HttpReply, warnings: &mut Vec<String>) -> Step<Reply> {
    let body = reply_object(&reply, "the dApp", "SW-L4", "{code, error}")?;
    let (parsed, quirks) = Reply::parse_with_quirks(&body).or_else(|e| {
        fail(format!(
            "the reply is not {{code, error}} (SW-L4): {e}: {}",
            abbreviate(&reply.body)
        ))
    })?;
    warnings.extend(
        quirks
            .iter()
            .map(|q| format!("the reply {} (SW-L4)", q.describe())),
    );
    if parsed.code < 0 {
        return fail(format!(
            "the reply's code is {}; SW-L4 has 0 for success and > 0 for failure",
            parsed.code
        ));
    }
    Ok(parsed)
}

fn expect(case: &Case, reply: &Reply, warnings: &mut Vec<String>) -> Step<()> {
    match case.expect {
        Expect::Accept if !reply.is_success() => fail(format!(
            "expected acceptance (code 0); the dApp answered code {}: {}",
            reply.code,
            abbreviate(reply.error.as_bytes())
        )),
        Expect::Reject if reply.is_success() => fail(format!(
            "expected rejection (code > 0); the dApp accepted it (code 0{})",
            if reply.error.is_empty() {
                String::new()
            } else {
                format!(", error `{}`", abbreviate(reply.error.as_bytes()))
            }
        )),
        Expect::Reject => {
            if reply.error.is_empty() {
                warnings.push(format!(
                    "the rejection (code {}) gives no reason in `error` (SW-L4)",
                    reply.code
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The reference SimpleWallet dApp (with `faults`) and a suite pointed at it, both on
/// ephemeral loopback ports, sharing one mock EOS node.
pub async fn against_reference(
    faults: BTreeSet<SwDappFault>,
) -> Result<(SwDappSuite, RunningSwDapp), String> {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    // The suite, the reference and the node share one virtual clock: expiry cases pass at
    // once, and the node's blocks follow the same time.
    let clock = Clock::virtual_shared();
    let running = eos::serve_node(
        EosNode::with_clock(
            EosNodeConfig::empty(sha256(CHAIN_SEED.as_bytes())),
            clock.clone(),
        ),
        loopback,
    )
    .await
    .map_err(|e| format!("failed to start the mock EOS node: {e}"))?;
    let mut config = SwDappConfig::new(running.base_url());
    config.clock = clock.clone();
    HarnessEosWallet::ensure_account(&running.node(), config.payee);
    config.qr_lifetime = crate::harness::ontology::dapp_suite::REFERENCE_QR_LIFETIME;
    config.faults = faults;
    // Reference runs are reproducible: the same uuIDs, orders and messages, run after run.
    config.entropy = std::sync::Arc::new(Entropy::seeded("qrconform/reference-simplewallet-dapp"));
    let dapp = reference::start(config, loopback).await?;
    let base = dapp.base_url();
    let sources = [
        ("login", "/qr/login".to_string()),
        ("transfer", "/qr/transfer".to_string()),
        ("transaction", format!("/qr/transaction?account={PLAIN}")),
        ("sign", "/qr/sign".to_string()),
    ];
    let target = DappTarget::for_reference(
        "qrconform reference SimpleWallet dApp",
        DappProtocol::SimpleWallet,
        &base,
        &sources,
        None,
    );
    Ok((
        SwDappSuite::with_node(target, running).reproducible("qrconform/harness-eos-wallet", clock),
        dapp,
    ))
}

impl Reproducible for SwDappSuite {
    fn entropy_and_clock(&mut self) -> (&mut Entropy, &mut Clock) {
        (&mut self.entropy, &mut self.clock)
    }
}

crate::harness::run::impl_runner!(SwDappSuite, prepare = prefetch);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalogue_uses_known_plays_and_sources() {
        let catalogue = crate::harness::simplewallet::DAPP.embedded_catalogue();
        check_catalogue(&catalogue).unwrap();
        let mut bad = catalogue.clone();
        bad.cases[0].play = "dance".into();
        assert!(check_catalogue(&bad).unwrap_err().contains("dance"));
        let mut bad = catalogue.clone();
        bad.cases[0].source = Some("sign".into());
        assert!(check_catalogue(&bad).unwrap_err().contains("not `login`"));
        let faults: Vec<&str> = SwDappFault::ALL.iter().map(|f| f.name()).collect();
        for case in &catalogue.cases {
            for fault in &case.faults {
                assert!(faults.contains(&fault.as_str()), "{}: {fault}", case.id);
            }
        }
    }

    #[test]
    fn a_long_error_from_the_peer_is_abbreviated_in_the_reason() {
        let catalogue = crate::harness::simplewallet::DAPP.embedded_catalogue();
        let honest = catalogue
            .cases
            .iter()
            .find(|c| c.expect == Expect::Accept)
            .expect("a positive case");
        let reply = Reply::failure(5, "x".repeat(100_000));
        let (_, reason) = expect(honest, &reply, &mut Vec::new()).unwrap_err();
        assert!(reason.len() < 1_000, "{} bytes", reason.len());
        assert!(reason.contains("code 5"), "{reason}");
    }

    #[test]
    fn a_reply_must_be_code_and_error() {
        let reply = |body: &str| HttpReply {
            status: 200,
            content_type: Some("application/json".into()),
            body: body.as_bytes().to_vec(),
        };
        let mut warnings = Vec::new();
        assert_eq!(
            read_reply(reply(r#"{"code":0,"error":""}"#), &mut warnings).unwrap(),
            Reply::success()
        );
        for bad in [
            r#"{"success":true}"#,
            "[]",
            "not json",
            r#"{"code":"0","error":""}"#,
            r#"{"code":-1,"error":""}"#,
        ] {
            let (verdict, reason) = read_reply(reply(bad), &mut warnings).unwrap_err();
            assert_eq!(verdict, crate::harness::Verdict::Fail, "{bad}");
            assert!(reason.contains("SW-L4"), "{bad}: {reason}");
        }
        assert!(warnings.is_empty());
        read_reply(reply(r#"{"code":0,"message":""}"#), &mut warnings).unwrap();
        assert_eq!(warnings.len(), 1);
    }
}
