//! The engine's contract with a protocol: the [`Suite`] trait a protocol plug-in implements
//! for each role it certifies, and the registry ([`ALL`]) that the self-test, `list`, `test`
//! and the reports iterate over.
//!
//! The engine (catalogue, targets, the run, the self-test and its kill matrix, drivers,
//! transcripts) knows no protocol. A plug-in (`harness/ontology/`, `harness/simplewallet/`)
//! says what its catalogue is, which plays its runner knows, which faults its reference can
//! plant, and how to start the runner — against its in-process reference and mock node, or
//! against a target — as a [`Runner`] that plays one case to its verdict.

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use super::catalogue::{Case, Catalogue};
use super::run::Runner;
use super::target::{DappTarget, WalletTarget};
use super::CaseOutcome;
use crate::clock::Clock;
use crate::entropy::Entropy;
use crate::reference::faults::NamedFault;

/// A boxed future that can cross threads.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The role of the implementation a suite tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// dApp back ends: the harness plays the wallet.
    Dapp,
    /// Wallets: the harness plays the dApp.
    Wallet,
}

impl Role {
    /// The name catalogues, target files and reports use.
    pub fn name(self) -> &'static str {
        match self {
            Role::Dapp => "dapp",
            Role::Wallet => "wallet",
        }
    }
}

/// What a suite is started against.
pub enum Against {
    /// The built-in reference with these named faults planted (none for the clean one),
    /// in-process, sharing one virtual clock with the runner and the mock node.
    Reference(Vec<String>),
    /// The dApp back end a target file describes (dApp suites).
    Dapp(DappTarget),
    /// A wallet behind a driver (wallet suites); in interactive mode the QR codes are also
    /// written as SVG files into `svg_dir`.
    Wallet {
        target: WalletTarget,
        svg_dir: PathBuf,
    },
}

/// A suite ready to run cases.
pub struct Started {
    pub runner: Arc<dyn Runner>,
    /// The origins of the servers the suite runs (mock node, harness dApp, the reference),
    /// with the placeholders reports write for them.
    pub endpoints: Vec<(String, String)>,
    /// One line for the console: what is under test and where the harness listens.
    pub banner: String,
}

impl Started {
    /// A runner against a target; the banner is what the runner says of itself.
    pub fn of(runner: impl Runner) -> Self {
        Started {
            endpoints: runner.endpoints(),
            banner: runner.banner(),
            runner: Arc::new(runner),
        }
    }

    /// A runner against an in-process reference listening at `url`; `stop_reference` stops
    /// it after the runner. The reference's origin is written as [`REFERENCE_PLACEHOLDER`]
    /// until [`SuiteDef`] names it for its role.
    pub fn alongside(
        runner: impl Runner,
        url: String,
        stop_reference: impl Future<Output = ()> + Send + 'static,
    ) -> Self {
        let mut endpoints = runner.endpoints();
        endpoints.push((url.clone(), REFERENCE_PLACEHOLDER.to_string()));
        Started {
            runner: Arc::new(WithReference {
                runner,
                stop_reference: Mutex::new(Some(Box::pin(stop_reference))),
            }),
            endpoints,
            banner: url,
        }
    }
}

/// How [`Started::alongside`] writes the reference's origin before its role names it.
pub const REFERENCE_PLACEHOLDER: &str = "<reference>";

/// A runner and the in-process reference it plays against, stopped together.
struct WithReference<R> {
    runner: R,
    stop_reference: Mutex<Option<BoxFuture<'static, ()>>>,
}

impl<R: Runner> Runner for WithReference<R> {
    fn run<'a>(&'a self, case: &'a Case) -> BoxFuture<'a, CaseOutcome> {
        self.runner.run(case)
    }

    fn prepare<'a>(&'a self, cases: &'a [Case]) -> BoxFuture<'a, ()> {
        self.runner.prepare(cases)
    }

    fn endpoints(&self) -> Vec<(String, String)> {
        self.runner.endpoints()
    }

    fn banner(&self) -> String {
        self.runner.banner()
    }

    fn stop(self: Arc<Self>) -> BoxFuture<'static, ()> {
        let Ok(this) = Arc::try_unwrap(self) else {
            return Box::pin(async {});
        };
        let stop_reference = this.stop_reference.into_inner().ok().flatten();
        Box::pin(async move {
            Arc::new(this.runner).stop().await;
            if let Some(stop) = stop_reference {
                stop.await;
            }
        })
    }
}

/// The error for a suite started against the other role's target.
fn wrong_target(suite_role: &str, given: &str) -> String {
    format!("the {suite_role} suite cannot run against {given}")
}

/// One suite of one protocol, as a protocol plug-in implements it.
pub trait Suite: Send + Sync + 'static {
    /// The protocol's name, as catalogues and target files spell it.
    fn protocol(&self) -> &'static str;
    /// The role of the implementations this suite tests.
    fn role(&self) -> Role;
    /// The catalogue's file name and text, as embedded (`suites/<protocol>-<role>.toml`).
    fn catalogue_source(&self) -> (&'static str, &'static str);
    /// Checks that a catalogue uses only the plays and QR sources the runner knows.
    fn check_catalogue(&self, catalogue: &Catalogue) -> Result<(), String>;
    /// What the built-in reference is called in messages and reports.
    fn reference_name(&self) -> &'static str;
    /// The reference's named faults: name and description.
    fn faults(&self) -> Vec<(&'static str, &'static str)>;
    /// Starts the runner (and what it needs: mock node, harness dApp, the reference) against
    /// `against`. Fault names have been checked against [`Suite::faults`].
    fn start(&self, against: Against) -> BoxFuture<'static, Result<Started, String>>;
}

/// How a suite starts against a target of its role.
pub enum StartTarget {
    /// A dApp suite: against the back end a target file describes.
    Dapp(fn(DappTarget) -> BoxFuture<'static, Result<Started, String>>),
    /// A wallet suite: against a wallet behind the driver a target names; interactive QR
    /// codes are also written as SVG files into the directory given.
    Wallet(fn(WalletTarget, PathBuf) -> BoxFuture<'static, Result<Started, String>>),
}

/// A suite as a protocol plug-in declares it: data and the functions that start its runner.
/// It implements [`Suite`] for any reference whose faults are [`NamedFault`]s.
pub struct SuiteDef<F> {
    /// The protocol's name, as catalogues and target files spell it.
    pub protocol: &'static str,
    /// The catalogue's file name and text, as embedded.
    pub catalogue: (&'static str, &'static str),
    /// What the built-in reference is called in messages and reports.
    pub reference_name: &'static str,
    /// Checks that a catalogue uses only the plays and QR sources the runner knows.
    pub check_catalogue: fn(&Catalogue) -> Result<(), String>,
    /// Starts the runner against the in-process reference with these faults planted.
    pub start_reference: fn(BTreeSet<F>) -> BoxFuture<'static, Result<Started, String>>,
    /// Starts the runner against a target; its variant is the suite's role.
    pub start_target: StartTarget,
}

impl<F: NamedFault> Suite for SuiteDef<F> {
    fn protocol(&self) -> &'static str {
        self.protocol
    }

    fn role(&self) -> Role {
        match self.start_target {
            StartTarget::Dapp(_) => Role::Dapp,
            StartTarget::Wallet(_) => Role::Wallet,
        }
    }

    fn catalogue_source(&self) -> (&'static str, &'static str) {
        self.catalogue
    }

    fn check_catalogue(&self, catalogue: &Catalogue) -> Result<(), String> {
        (self.check_catalogue)(catalogue)
    }

    fn reference_name(&self) -> &'static str {
        self.reference_name
    }

    fn faults(&self) -> Vec<(&'static str, &'static str)> {
        F::all()
            .iter()
            .map(|f| (f.name(), f.description()))
            .collect()
    }

    fn start(&self, against: Against) -> BoxFuture<'static, Result<Started, String>> {
        // What the console calls the peer: the reference and where it listens, or the
        // target's name and version before what the runner says of itself.
        let (started, title) = match (against, &self.start_target) {
            (Against::Reference(names), _) => {
                let planted = F::all()
                    .iter()
                    .copied()
                    .filter(|f| names.iter().any(|n| n == f.name()))
                    .collect();
                ((self.start_reference)(planted), None)
            }
            (Against::Dapp(target), StartTarget::Dapp(start)) => {
                let title = format!("{} {}", target.name, target.version);
                (start(target), Some(title))
            }
            (Against::Wallet { target, svg_dir }, StartTarget::Wallet(start)) => {
                let title = format!("{} {}", target.name, target.version);
                (start(target, svg_dir), Some(title))
            }
            (Against::Dapp(_), StartTarget::Wallet(_)) => {
                return Box::pin(async { Err(wrong_target("wallet", "a dApp back end")) });
            }
            (Against::Wallet { .. }, StartTarget::Dapp(_)) => {
                return Box::pin(async { Err(wrong_target("dApp", "a wallet")) });
            }
        };
        let reference_name = self.reference_name;
        let placeholder = match self.role() {
            Role::Dapp => "<dapp>",
            Role::Wallet => "<wallet-driver>",
        };
        Box::pin(async move {
            let mut started = started.await?;
            started.banner = match title {
                Some(title) => format!("{title} ({})", started.banner),
                None => format!("qrconform {reference_name} at {}", started.banner),
            };
            for (_, written) in &mut started.endpoints {
                if written == REFERENCE_PLACEHOLDER {
                    *written = placeholder.to_string();
                }
            }
            Ok(started)
        })
    }
}

/// A runner whose random values and time can be fixed, for runs against the in-process
/// references that report the same bytes every time.
pub trait Reproducible: Sized {
    /// The runner's source of random values and its clock.
    fn entropy_and_clock(&mut self) -> (&mut Entropy, &mut Clock);

    /// The same runner drawing its random values from a stream seeded with `label`, and
    /// reading time from `clock`: the virtual clock it shares with an in-process reference,
    /// so expiry passes without sleeping.
    fn reproducible(mut self, label: &str, clock: Clock) -> Self {
        let (entropy, own) = self.entropy_and_clock();
        *entropy = Entropy::seeded(label);
        *own = clock;
        self
    }
}

/// A registered suite: a cheap, copyable handle on a plug-in's [`Suite`].
#[derive(Clone, Copy)]
pub struct SuiteKind(pub &'static dyn Suite);

/// Declares a plug-in's two suites, `DAPP` and `WALLET`, from what differs between
/// plug-ins: the protocol's name (the catalogues are `suites/<protocol>-dapp.toml` and
/// `suites/<protocol>-wallet.toml`), each reference's name and fault type, each runner's
/// module and type, and how the wallet suite gets the driver and mock node for a target
/// (`driver_and_node(&WalletTarget, svg_dir)`: an interactive wallet's identity and the node
/// are the protocol's own). Each runner module provides `check_catalogue` and
/// `against_reference(faults)`, which returns the runner with the running reference (its
/// `base_url()` and `shutdown()`); the dApp runner type has `start(DappTarget)`, the wallet
/// runner type `start(driver, node, listen, public_url, limits)`.
macro_rules! plugin_suites {
    (
        protocol: $protocol:literal,
        dapp: {
            doc: $dapp_doc:literal,
            reference: $dapp_reference:literal,
            faults: $dapp_fault:ty,
            module: $dapp_module:ident,
            runner: $dapp_runner:ty $(,)?
        },
        wallet: {
            doc: $wallet_doc:literal,
            reference: $wallet_reference:literal,
            faults: $wallet_fault:ty,
            module: $wallet_module:ident,
            runner: $wallet_runner:ty,
            driver_and_node: $wallet_driver_and_node:path
            $(, start_reference: $wallet_start_reference:path)?
            $(, start_target: $wallet_start_target:path)? $(,)?
        } $(,)?
    ) => {
        #[doc = $dapp_doc]
        pub const DAPP: $crate::harness::suite::SuiteKind =
            $crate::harness::suite::SuiteKind(&$crate::harness::suite::SuiteDef::<$dapp_fault> {
                protocol: $protocol,
                catalogue: (
                    concat!("suites/", $protocol, "-dapp.toml"),
                    include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/suites/",
                        $protocol,
                        "-dapp.toml"
                    )),
                ),
                reference_name: $dapp_reference,
                check_catalogue: $dapp_module::check_catalogue,
                start_reference: |faults| {
                    Box::pin(async move {
                        let (suite, reference) = $dapp_module::against_reference(faults).await?;
                        Ok::<_, String>($crate::harness::suite::Started::alongside(
                            suite,
                            reference.base_url(),
                            reference.shutdown(),
                        ))
                    })
                },
                start_target: $crate::harness::suite::StartTarget::Dapp(|target| {
                    Box::pin(async move {
                        Ok::<_, String>($crate::harness::suite::Started::of(
                            <$dapp_runner>::start(target).await?,
                        ))
                    })
                }),
            });

        #[doc = $wallet_doc]
        pub const WALLET: $crate::harness::suite::SuiteKind =
            $crate::harness::suite::SuiteKind(&$crate::harness::suite::SuiteDef::<$wallet_fault> {
                protocol: $protocol,
                catalogue: (
                    concat!("suites/", $protocol, "-wallet.toml"),
                    include_str!(concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/suites/",
                        $protocol,
                        "-wallet.toml"
                    )),
                ),
                reference_name: $wallet_reference,
                check_catalogue: $wallet_module::check_catalogue,
                start_reference: |faults| {
                    Box::pin(async move {
                        $crate::harness::suite::plugin_suites!(
                            @wallet_reference $wallet_module, faults $(, $wallet_start_reference)?
                        )
                    })
                },
                start_target: $crate::harness::suite::StartTarget::Wallet(|target, svg_dir| {
                    Box::pin(async move {
                        $crate::harness::suite::plugin_suites!(
                            @wallet_target $wallet_runner, $wallet_driver_and_node, target, svg_dir
                            $(, $wallet_start_target)?
                        )
                    })
                }),
            });
    };
    // The wallet suite's reference: the plug-in's own start when it names one (a suite that
    // proves itself against more than one reference wallet), else its module's.
    (@wallet_reference $module:ident, $faults:ident) => {{
        let (suite, reference) = $module::against_reference($faults).await?;
        Ok::<_, String>($crate::harness::suite::Started::alongside(
            suite,
            reference.base_url(),
            reference.shutdown(),
        ))
    }};
    (@wallet_reference $module:ident, $faults:ident, $start:path) => {
        $start($faults).await
    };
    // A wallet target: the plug-in's own start when it names one (one that wraps the runner),
    // else the driver and node it names, handed to the runner.
    (@wallet_target $runner:ty, $driver_and_node:path, $target:ident, $svg_dir:ident) => {{
        let (driver, node) = $driver_and_node(&$target, $svg_dir).await?;
        let suite = <$runner>::start(
            driver,
            node,
            $target.listen,
            $target.public_url.clone(),
            $target.limits(),
        )
        .await?;
        Ok::<_, String>($crate::harness::suite::Started::of(suite))
    }};
    (@wallet_target $runner:ty, $driver_and_node:path, $target:ident, $svg_dir:ident, $start:path) => {
        $start($target, $svg_dir).await
    };
}
pub(crate) use plugin_suites;

/// Every suite, in listing order.
pub const ALL: [SuiteKind; 4] = [
    super::ontology::DAPP,
    super::ontology::WALLET,
    super::simplewallet::DAPP,
    super::simplewallet::WALLET,
];

/// The suite of `protocol` for `role`, if one is registered.
pub fn find(protocol: &str, role: Role) -> Option<SuiteKind> {
    ALL.into_iter()
        .find(|k| k.protocol() == protocol && k.role() == role)
}

impl PartialEq for SuiteKind {
    fn eq(&self, other: &Self) -> bool {
        self.protocol() == other.protocol() && self.role() == other.role()
    }
}

impl Eq for SuiteKind {}

impl fmt::Debug for SuiteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SuiteKind({}-{})", self.protocol(), self.role().name())
    }
}

impl SuiteKind {
    pub fn protocol(self) -> &'static str {
        self.0.protocol()
    }

    pub fn role(self) -> Role {
        self.0.role()
    }

    /// The catalogue's text as embedded.
    pub fn catalogue_text(self) -> &'static str {
        self.0.catalogue_source().1
    }

    /// The embedded catalogue, parsed (not checked against the runner's plays).
    ///
    /// # Panics
    ///
    /// If the embedded file is broken; `cargo test` checks every one, so a release never is.
    pub fn embedded_catalogue(self) -> Catalogue {
        let (name, text) = self.0.catalogue_source();
        Catalogue::parse(name, text)
            .unwrap_or_else(|e| panic!("the embedded catalogue is broken: {e}"))
    }

    /// The catalogue, checked against the runner's plays and sources.
    pub fn catalogue(self) -> Result<Catalogue, String> {
        let (name, text) = self.0.catalogue_source();
        let catalogue = Catalogue::parse(name, text).map_err(|e| e.to_string())?;
        self.0.check_catalogue(&catalogue)?;
        Ok(catalogue)
    }

    /// The named faults of the reference this suite runs against: name and description.
    pub fn faults(self) -> Vec<(&'static str, &'static str)> {
        self.0.faults()
    }

    /// What the reference is called in messages and reports.
    pub fn reference_name(self) -> &'static str {
        self.0.reference_name()
    }

    /// Checks `names` against the reference's faults, naming an unknown one and listing the
    /// known ones.
    pub fn check_faults(self, names: &[String]) -> Result<(), String> {
        let known = self.faults();
        match names.iter().find(|n| !known.iter().any(|(k, _)| k == n)) {
            None => Ok(()),
            Some(name) => Err(format!(
                "--fault `{name}` is not a fault of the {} (known: {})",
                self.reference_name(),
                known.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// Starts the suite against `against` (see [`Suite::start`]); unknown fault names are
    /// refused first.
    pub async fn start(self, against: Against) -> Result<Started, String> {
        if let Against::Reference(faults) = &against {
            self.check_faults(faults)?;
        }
        self.0.start(against).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_catalogue_is_well_formed_and_known_to_its_runner() {
        for kind in ALL {
            let catalogue = kind.catalogue().unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            assert_eq!(catalogue.suite.protocol, kind.protocol());
            assert_eq!(catalogue.suite.role, kind.role().name());
            assert_eq!(
                catalogue.suite.id,
                format!("{}-{}", kind.protocol(), kind.role().name())
            );
        }
    }

    #[test]
    fn each_protocol_and_role_has_one_suite() {
        for kind in ALL {
            assert_eq!(find(kind.protocol(), kind.role()), Some(kind));
        }
        assert_eq!(find("bitcoin", Role::Dapp), None);
    }
}
