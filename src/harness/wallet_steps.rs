//! What every wallet-suite runner does the same way, whatever the protocol: the limits of a
//! wallet run, the driver a wallet target names, a case's token, handing the QR code to the
//! driver, writing what the wallet asked of the harness dApp and the node into the
//! transcript, the words every expectation and activity line starts with, and the runner's
//! plumbing ([`wallet_runner!`]: `run_case`, `Debug`, `Reproducible`, `Runner`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::catalogue::{Case, Catalogue, Expect, Level};
use super::driver::{stdin_lines, Briefing, Console, Driver, ExpectedAction};
use super::harness_dapp::{CallbackReply, HarnessDapp, Received};
use super::steps::Step;
use super::target::{DriverSpec, WalletTarget};
use super::{dropped_node_requests, CaseOutcome};
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::net::{ClientLimits, HttpClient};
use crate::protocol::driver::{Outcome, ScanReply};
use crate::transcript::{self, Exchange, Sender};

/// Checks that a wallet catalogue uses only `plays` and the QR forms `json` and `deeplink`
/// (every wallet runner shares the forms).
pub fn check_plays_and_forms(catalogue: &Catalogue, plays: &[&str]) -> Result<(), String> {
    for case in &catalogue.cases {
        if !plays.contains(&case.play.as_str()) {
            return Err(format!("case `{}`: unknown play `{}`", case.id, case.play));
        }
        match case.form.as_deref() {
            None | Some("json") | Some("deeplink") => {}
            Some(other) => return Err(format!("case `{}`: unknown form `{other}`", case.id)),
        }
    }
    Ok(())
}

/// How long and how much, for a wallet run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletLimits {
    /// Every driver step (a scan may take this long).
    pub timeout: Duration,
    /// After the driver's answer, how long to wait for callbacks that arrive late.
    pub quiet: Duration,
    /// The largest body read from the driver.
    pub max_body: usize,
}

impl Default for WalletLimits {
    fn default() -> Self {
        WalletLimits {
            timeout: Duration::from_secs(15),
            quiet: Duration::ZERO,
            max_body: 1024 * 1024,
        }
    }
}

/// What a wallet case requires, in words: the user's decision, then `what` the wallet does.
pub fn expectation_of(case: &Case, what: &str) -> String {
    let decision = if case.approve {
        "the user approves"
    } else {
        "the user rejects"
    };
    format!("{decision}; {what}")
}

/// What the driver reported of a case, for the line that describes the wallet's activity.
pub fn describe_driver(reply: &Option<ScanReply>) -> String {
    match reply {
        Some(reply) => match &reply.reason {
            Some(reason) => format!("the driver reported `{:?}` ({reason})", reply.outcome),
            None => format!("the driver reported `{:?}`", reply.outcome),
        },
        None => "no driver report (interactive)".to_string(),
    }
}

/// The transactions the node accepted during a case (by their ids), for the line that
/// describes the wallet's activity.
pub fn describe_accepted(ids: &[String]) -> String {
    if ids.is_empty() {
        "no transaction was accepted".to_string()
    } else {
        format!("accepted transaction(s): {}", ids.join(", "))
    }
}

/// The warning for a wallet that did nothing while its driver reported something other than
/// `refused`.
pub fn warn_unless_refused(reply: Option<&ScanReply>, warnings: &mut Vec<String>) {
    if let Some(reply) = reply {
        if reply.outcome != Outcome::Refused {
            warnings.push(
                "the wallet did nothing, but its driver reported `completed` rather than `refused`"
                    .into(),
            );
        }
    }
}

/// The HTTP driver of an in-process reference wallet at `base`, under the default limits.
pub fn reference_driver(base: String) -> (Driver, WalletLimits) {
    let limits = WalletLimits::default();
    let driver = Driver::Http {
        base,
        client: limits.driver_client(),
    };
    (driver, limits)
}

/// A token for a case's URLs: unique within the run (the counter makes it so even if the
/// draw from `entropy` failed), unguessable when the entropy is the OS's.
pub fn case_token(entropy: &Entropy, next: &AtomicU64) -> String {
    let mut bytes = [0u8; 6];
    let _ = entropy.fill(&mut bytes);
    format!(
        "{}{:04x}",
        hex::encode(bytes),
        next.fetch_add(1, Ordering::Relaxed) & 0xffff
    )
}

/// Hands the case's QR text to the driver with the user's decision and returns its answer
/// (none in interactive mode). A driver that answers before the wallet is done gets the
/// quiet period: the harness waits for the first post (when `expect_post`) or for the whole
/// period, then judges.
pub(crate) async fn hand_over(
    driver: &Driver,
    harness: &HarnessDapp,
    limits: &WalletLimits,
    case: &Case,
    token: &str,
    qr: &str,
    expect_post: bool,
) -> Step<Option<ScanReply>> {
    hand_over_looking_for(driver, harness, limits, case, token, qr, expect_post, &[]).await
}

/// [`hand_over`], telling a person in interactive mode what to find on the wallet's screen
/// (`look_for`, a REVIEW case's list).
#[allow(clippy::too_many_arguments)]
async fn hand_over_looking_for(
    driver: &Driver,
    harness: &HarnessDapp,
    limits: &WalletLimits,
    case: &Case,
    token: &str,
    qr: &str,
    expect_post: bool,
    look_for: &[(String, String)],
) -> Step<Option<ScanReply>> {
    let arrived = harness.wait_for_callbacks(token, 1, Duration::from_secs(24 * 3600));
    let brief = briefing(case, look_for);
    let scan = driver.scan(&brief, qr, arrived);
    // With a web view (`--web`), the person also sees the case there, live.
    let reply = match (super::web_view::current(), driver) {
        (Some(view), Driver::Interactive { wait, .. }) => {
            view.show_qr(qr, *wait);
            let reply = super::web_view::narrate(&view, harness, token, scan).await;
            view.wait_over(&match &reply {
                Err((verdict, reason)) => format!("{verdict}: {reason}"),
                Ok(_) if harness.callbacks(token).is_empty() => {
                    "the wait is over (Enter pressed, or no callback came for a rejection); \
                     judging the case"
                        .to_string()
                }
                Ok(_) => "the wallet's callback arrived; judging the case".to_string(),
            });
            reply?
        }
        _ => scan.await?,
    };
    if !limits.quiet.is_zero() {
        if expect_post {
            harness.wait_for_callbacks(token, 1, limits.quiet).await;
        } else {
            tokio::time::sleep(limits.quiet).await;
        }
    }
    Ok(reply)
}

/// What interactive mode tells the person about `case`: the decision, what the wallet should
/// do and why (the case's `why`, else its title).
pub fn briefing<'a>(case: &'a Case, look_for: &'a [(String, String)]) -> Briefing<'a> {
    Briefing {
        case: &case.id,
        title: &case.title,
        approve: case.approve,
        expected: match case.expect {
            _ if case.level == Level::REVIEW => ExpectedAction::Show,
            Expect::Accept => ExpectedAction::Complete,
            Expect::Reject => ExpectedAction::Refuse,
            Expect::Any => ExpectedAction::Either,
        },
        why: case.why.as_deref().unwrap_or(&case.title),
        look_for,
    }
}

/// Why a REVIEW case does not run with a driver that is no person.
pub const NEEDS_A_PERSON: &str = "needs a person: a REVIEW case asks what the wallet's screen \
    showed, which only a person in interactive mode (`[driver] interactive = true`) can see";

/// The expectation of a REVIEW case, in words.
pub fn review_expectation(case: &Case) -> String {
    let items: Vec<&str> = case.show.iter().map(|s| s.what.as_str()).collect();
    format!(
        "the wallet shows the person, before the decision: {} (each as the request gives it)",
        items.join(", ")
    )
}

/// The values a REVIEW case lists, read from `values` (the request as the runner describes
/// it) at each item's JSON pointer: strings as they are, anything else as JSON.
pub fn review_items(case: &Case, values: &serde_json::Value) -> Step<Vec<(String, String)>> {
    case.show
        .iter()
        .map(|shown| {
            let value = values.pointer(&shown.at).ok_or_else(|| {
                (
                    super::Verdict::Error,
                    format!(
                        "the REVIEW case's `{}` ({}) names nothing in the request the harness made",
                        shown.at, shown.what
                    ),
                )
            })?;
            let text = match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            Ok((shown.what.clone(), text))
        })
        .collect()
}

/// The observation a case records when the peer sent the harness dApp more requests for the
/// case than its record keeps ([`crate::harness::harness_dapp::MAX_RECEIVED_PER_CASE`]).
pub fn dropped_dapp_requests(dropped: u64) -> String {
    format!(
        "{dropped} more of the peer's requests to this case's harness dApp paths were dropped \
         from its record, which keeps the last {}",
        crate::harness::harness_dapp::MAX_RECEIVED_PER_CASE
    )
}

/// Writes what the wallet asked of the harness dApp into the case's transcript.
pub fn transcribe_received(harness: &HarnessDapp, received: &[Received]) {
    for r in received {
        transcript::exchange(Exchange {
            by: Sender::Peer,
            method: r.method.clone(),
            url: format!("{}{}", harness.public_url(), r.path),
            request: (!r.body.is_empty()).then(|| transcript::body_text(&r.body)),
            status: None,
            response: None,
            error: None,
        });
    }
}

pub fn shorten(text: &str) -> String {
    if text.chars().count() > 160 {
        format!("{}…", text.chars().take(160).collect::<String>())
    } else {
        text.to_string()
    }
}

impl WalletLimits {
    /// An HTTP client for a driver under these limits.
    pub fn driver_client(&self) -> HttpClient {
        HttpClient::new(ClientLimits {
            connect: self.timeout,
            request: self.timeout,
            max_body: self.max_body,
        })
    }
}

impl WalletTarget {
    /// The limits the target sets for its run.
    pub fn limits(&self) -> WalletLimits {
        WalletLimits {
            timeout: self.timeout,
            quiet: self.quiet,
            max_body: self.max_body,
        }
    }

    /// The driver the target names; in interactive mode the wallet's identity is
    /// `interactive_identity` of the key the target gives, and the QR codes are also written
    /// as SVG files into `svg_dir`.
    pub fn driver(
        &self,
        svg_dir: PathBuf,
        interactive_identity: impl FnOnce(&str) -> Result<serde_json::Value, String>,
    ) -> Result<Driver, String> {
        Ok(match &self.driver {
            DriverSpec::Url(base) => Driver::Http {
                base: base.clone(),
                client: self
                    .limits()
                    .driver_client()
                    .trusting(self.ca_cert.as_ref()),
            },
            DriverSpec::Command(argv) => Driver::Command {
                argv: argv.clone(),
                timeout: self.timeout,
                max_output: self.max_body,
            },
            DriverSpec::Interactive { public_key } => {
                let identity = interactive_identity(public_key)?;
                std::fs::create_dir_all(&svg_dir)
                    .map_err(|e| format!("cannot create {}: {e}", svg_dir.display()))?;
                let console: Console = Arc::new(Mutex::new(Box::new(std::io::stderr())));
                Driver::Interactive {
                    identity,
                    svg_dir,
                    wait: self.interactive_wait,
                    console,
                    enter: tokio::sync::Mutex::new(stdin_lines()),
                }
            }
        })
    }
}

/// What every wallet-suite runner holds besides its protocol's node and identity: the driver,
/// the harness dApp, the limits, the case counter, and the run's entropy and clock.
pub struct WalletSide {
    pub driver: Driver,
    pub harness: HarnessDapp,
    pub limits: WalletLimits,
    next: AtomicU64,
    pub entropy: Entropy,
    pub clock: Clock,
}

impl std::fmt::Debug for WalletSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalletSide")
            .field("driver", &self.driver)
            .finish_non_exhaustive()
    }
}

impl WalletSide {
    /// Starts the harness dApp on `listen` (QR codes point at `public_url` when given),
    /// answering callbacks with the protocol's `reply`.
    pub async fn start(
        driver: Driver,
        listen: SocketAddr,
        public_url: Option<String>,
        limits: WalletLimits,
        reply: CallbackReply,
    ) -> Result<Self, String> {
        Ok(WalletSide {
            driver,
            harness: HarnessDapp::start(listen, public_url, reply).await?,
            limits,
            next: AtomicU64::new(1),
            entropy: Entropy::os(),
            clock: Clock::system(),
        })
    }

    /// A fresh token for a case, opened in the harness dApp's record.
    pub fn open_case(&self) -> String {
        let token = case_token(&self.entropy, &self.next);
        // Only the tokens of opened cases are recorded by the harness dApp.
        self.harness.open_case(&token);
        token
    }

    /// Plays a REVIEW case: skipped (needs a person) unless a person plays the wallet; else
    /// hands over the code with the list of what to look for (`values` is the request as
    /// the runner describes it, read by the case's pointers), asks the person about each
    /// item and ends with REVIEW, their answers recorded as observations and in the reason.
    /// `mint` makes the case's (token, QR text, values); it runs only with a person.
    pub async fn review(
        &self,
        case: &Case,
        mint: impl FnOnce() -> Step<(String, String, serde_json::Value)>,
    ) -> Step<()> {
        if !self.driver.is_interactive() {
            return Err((super::Verdict::Skipped, NEEDS_A_PERSON.to_string()));
        }
        let (token, qr, values) = mint()?;
        let items = review_items(case, &values)?;
        let handed = hand_over_looking_for(
            &self.driver,
            &self.harness,
            &self.limits,
            case,
            &token,
            &qr,
            false,
            &items,
        )
        .await;
        transcribe_received(&self.harness, &self.harness.received(&token));
        handed?;
        let answers = self.driver.ask_review(&case.id, &items).await;
        let mut said = Vec::with_capacity(items.len());
        for ((what, value), answer) in items.iter().zip(&answers) {
            let line = format!(
                "{what} `{}`: {}",
                crate::escape::escape_controls(value),
                answer.words()
            );
            transcript::observe(line.clone());
            said.push(line);
        }
        Err((
            super::Verdict::Review,
            format!("a person reviewed the wallet's screen: {}", said.join("; ")),
        ))
    }

    /// Hands the case's QR text to the driver (see [`hand_over`]).
    pub async fn hand_over(
        &self,
        case: &Case,
        token: &str,
        qr: &str,
        expect_post: bool,
    ) -> Step<Option<ScanReply>> {
        hand_over(
            &self.driver,
            &self.harness,
            &self.limits,
            case,
            token,
            qr,
            expect_post,
        )
        .await
    }

    /// What the wallet asked of the harness dApp for the case with `token`, written into the
    /// case's transcript followed by its requests to the node (`node_exchanges`) and what
    /// either record dropped (`dropped_node` of the node's).
    pub fn transcribe_case(
        &self,
        token: &str,
        node_exchanges: impl IntoIterator<Item = Exchange>,
        dropped_node: u64,
    ) -> Vec<Received> {
        let received = self.harness.received(token);
        let dropped_received = self.harness.dropped(token);
        transcribe_received(&self.harness, &received);
        for exchange in node_exchanges {
            transcript::exchange(exchange);
        }
        if dropped_node > 0 {
            transcript::observe(dropped_node_requests(dropped_node));
        }
        if dropped_received > 0 {
            transcript::observe(dropped_dapp_requests(dropped_received));
        }
        received
    }

    pub fn harness_url(&self) -> &str {
        self.harness.public_url()
    }

    /// The harness dApp's origin, with the placeholder reports write for it.
    pub fn endpoint(&self) -> (String, String) {
        (self.harness_url().to_string(), "<harness-dapp>".into())
    }

    pub async fn shutdown(self) {
        self.harness.shutdown().await;
    }
}

/// Runs a wallet case's `judge` inside the case's transcript scope, with the warnings it
/// gathers, and concludes the case against `expected`.
pub async fn judge_case(
    case: &Case,
    expected: String,
    judge: impl AsyncFnOnce(&mut Vec<String>) -> Step<()>,
) -> CaseOutcome {
    let started = Instant::now();
    let mut warnings = Vec::new();
    let (judged, record) = transcript::capture(judge(&mut warnings)).await;
    CaseOutcome::conclude(case, judged, warnings, started, record, expected)
}

/// Implements a wallet runner's plumbing for `$suite`, a struct with a `side: WalletSide`
/// field and the inherent `judge(&self, case, warnings)`, `endpoints`, `banner` and
/// `shutdown`, in a module with `expectation(case)`: `run_case` (the case judged inside its
/// transcript scope, see [`judge_case`]), `Debug`, [`crate::harness::suite::Reproducible`]
/// through the side's entropy and clock, and [`crate::harness::run::Runner`].
macro_rules! wallet_runner {
    ($suite:ident) => {
        impl $suite {
            /// Runs one case to its verdict.
            pub async fn run_case(
                &self,
                case: &$crate::harness::catalogue::Case,
            ) -> $crate::harness::CaseOutcome {
                // A REVIEW case mints its request as any case does; the person (or the skip,
                // without one) judges what the wallet showed of `review_values`.
                if case.level == $crate::harness::catalogue::Level::REVIEW {
                    return $crate::harness::wallet_steps::judge_case(
                        case,
                        $crate::harness::wallet_steps::review_expectation(case),
                        async |_| {
                            self.side
                                .review(case, || {
                                    let minted = self.mint(case)?;
                                    let values = self.review_values(&minted);
                                    Ok((minted.token, minted.qr, values))
                                })
                                .await
                        },
                    )
                    .await;
                }
                $crate::harness::wallet_steps::judge_case(
                    case,
                    expectation(case),
                    async |warnings| self.judge(case, warnings).await,
                )
                .await
            }
        }

        impl std::fmt::Debug for $suite {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($suite))
                    .field("side", &self.side)
                    .finish_non_exhaustive()
            }
        }

        impl $crate::harness::suite::Reproducible for $suite {
            fn entropy_and_clock(
                &mut self,
            ) -> (&mut $crate::entropy::Entropy, &mut $crate::clock::Clock) {
                (&mut self.side.entropy, &mut self.side.clock)
            }
        }

        $crate::harness::run::impl_runner!($suite);
    };
}
pub(crate) use wallet_runner;
