//! `qrconform init …`: writes a commented target file for `test dapp` or `test wallet`, with
//! every key the target reader knows (`harness::target`) explained where it stands, so a new
//! user starts from a file the suite accepts as written and edits only what differs.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::test::Protocol;
use super::{CliError, CmdResult, Verdict};

/// What the target file describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InitRole {
    /// A dApp back end (`qrconform test dapp --target FILE`).
    Dapp,
    /// A wallet behind a driver (`qrconform test wallet --target FILE`).
    Wallet,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// What the target file describes: a dApp back end or a wallet.
    #[arg(value_enum)]
    pub role: InitRole,
    /// The protocol the implementation under test speaks.
    #[arg(long, value_enum, default_value_t = Protocol::Ontology)]
    pub protocol: Protocol,
    /// Write the file here instead of printing it on standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// With --out: replace the file if it exists.
    #[arg(long, requires = "out")]
    pub force: bool,
}

pub fn run(args: InitArgs) -> CmdResult {
    let text = template(args.role, args.protocol);
    let Some(path) = args.out else {
        print!("{text}");
        return Ok(Verdict::Positive);
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::new(format!(
                "`{}` exists; give --force to replace it, or another --out",
                path.display()
            ))
        } else {
            CliError::new(format!("cannot write `{}`: {e}", path.display()))
        }
    })?;
    file.write_all(text.as_bytes())
        .map_err(|e| CliError::new(format!("cannot write `{}`: {e}", path.display())))?;
    let role = match args.role {
        InitRole::Dapp => "dapp",
        InitRole::Wallet => "wallet",
    };
    eprintln!(
        "qrconform: wrote {}; check it with: qrconform test {role} --protocol {} --target {} --list",
        path.display(),
        args.protocol.name(),
        path.display()
    );
    Ok(Verdict::Positive)
}

/// The target file for `role` and `protocol`.
pub fn template(role: InitRole, protocol: Protocol) -> &'static str {
    match (role, protocol) {
        (InitRole::Dapp, Protocol::Ontology) => ONTOLOGY_DAPP,
        (InitRole::Dapp, Protocol::Simplewallet) => SIMPLEWALLET_DAPP,
        (InitRole::Wallet, Protocol::Ontology) => ONTOLOGY_WALLET,
        (InitRole::Wallet, Protocol::Simplewallet) => SIMPLEWALLET_WALLET,
    }
}

const ONTOLOGY_DAPP: &str = r#"# qrconform target: an Ontology dAPI-mobile dApp back end under test.
# Check it:  qrconform test dapp --protocol ontology --target THIS_FILE --list
# Run it:    qrconform test dapp --protocol ontology --target THIS_FILE
# Every key is described in docs/targets.md. The URLs below are the paths the reference
# dApp serves (`qrconform serve dapp --listen 127.0.0.1:8080`); replace them with your back
# end's.

name = "my-dapp-backend"       # shown in reports
version = "0.1.0"              # the version under test, shown in reports
protocol = "ontology"          # ontology (the default) or simplewallet

# Top-level keys must come before the first [table]: a key written after a table header
# belongs to that table.

# Optional status probe: GET with {id} replaced by the QR request's id, answering
# {"status": "confirmed" | "failed" | "pending" | "accepted" | "rejected", ...}. With it,
# the invoke cases also check that the back end's conclusion matches the chain.
# status = "http://127.0.0.1:8080/status/{id}"

# Restart hook: POST here restarts the back end's session store as a restart of the back
# end would (what it persists survives, what it keeps only in memory is lost), answering 2xx
# once it serves again. The MUST case login.message.replay.after-restart needs it: without
# it that case is skipped and the run is not conformant (H-1, exit 3).
# restart = "http://127.0.0.1:8080/restart"

# Origins (scheme, host and port) the harness may contact besides those of the sources and
# the status probe, which are always allowed: a callback served on another port, say.
# Nothing else is ever contacted; redirects are never followed.
# allowed_origins = ["http://127.0.0.1:8081"]

[node]
# The harness starts its mock Ontology node here before the first case. Configure the back
# end to ask this node for events and ONT ID keys. Port 0 is not useful here: the back end
# must know the port in advance.
rest = "127.0.0.1:20334"       # REST API (the real node's default port)
rpc = "127.0.0.1:20336"        # JSON-RPC API (the real node's default port)

[sources]
# Where a fresh QR code of each kind comes from: `url` (GET; the body is the QR text, plain
# JSON or an ontprovider:// deep link) or `command` (run without a shell; its standard
# output is the QR text), e.g. { command = ["./scripts/mint-qr", "login"] }.
# Keys with a dot must stay quoted. A case whose source is missing is SKIPPED, and a
# skipped MUST case leaves the run incomplete (exit 3): delete what your back end does not
# offer and --skip those cases (or list them in an --expected-failures baseline).
"login.address" = { url = "http://127.0.0.1:8080/qr/login?type=address" }      # login, type address (or none)
"login.account" = { url = "http://127.0.0.1:8080/qr/login?type=account" }      # login, type account
"login.ontid" = { url = "http://127.0.0.1:8080/qr/login?type=ontid" }          # login, type ontid
"signMessage.text" = { url = "http://127.0.0.1:8080/qr/signMessage?ishex=false" }
"signMessage.hex" = { url = "http://127.0.0.1:8080/qr/signMessage?ishex=true" }
"signMultiMessage.text" = { url = "http://127.0.0.1:8080/qr/signMultiMessage?ishex=false" }
"signMultiMessage.hex" = { url = "http://127.0.0.1:8080/qr/signMultiMessage?ishex=true" }
invoke = { url = "http://127.0.0.1:8080/qr/invoke" }                           # invoke with qrcodeUrl and callback

[limits]
timeout_ms = 5000              # every network step and every source command (at most 600000)
max_body_bytes = 1048576       # the largest body read from the back end
clock_skew_secs = 1            # allowed difference between the harness's clock and the
                               # back end's (at most 3600)
max_expiry_wait_secs = 120     # the longest wait for a QR code to expire; a longer-lived
                               # code SKIPs its expiry case (at most 3600)
"#;

const SIMPLEWALLET_DAPP: &str = r#"# qrconform target: a SimpleWallet (EOS, MYKEY) dApp back end under test.
# Check it:  qrconform test dapp --protocol simplewallet --target THIS_FILE --list
# Run it:    qrconform test dapp --protocol simplewallet --target THIS_FILE
# Every key is described in docs/targets.md and docs/simplewallet-dapp.md. The URLs below
# are the paths the reference dApp serves (`qrconform serve dapp --protocol simplewallet
# --listen 127.0.0.1:8080`); replace them with your back end's.

name = "my-eos-dapp-backend"   # shown in reports
version = "0.1.0"              # the version under test, shown in reports
protocol = "simplewallet"      # must match --protocol

# Top-level keys must come before the first [table]: a key written after a table header
# belongs to that table.

# Origins (scheme, host and port) the harness may contact besides those of the sources:
# a loginUrl or notifyUrl served on another port, say. Nothing else is ever contacted;
# redirects are never followed.
# allowed_origins = ["http://127.0.0.1:8081"]

[node]
# The harness starts its mock EOS node (nodeos's HTTP API) here before the first case.
# Configure the back end to use it for get_account, get_table_rows and history
# get_transaction.
eos = "127.0.0.1:8888"         # nodeos's default port

[sources]
# Where a fresh QR code of each kind comes from: `url` (GET; the body is the request JSON
# itself, not a simplewallet:// deep link) or `command` (run without a shell; its standard
# output is the QR text), e.g. { command = ["./scripts/mint-qr", "sign"] }.
# A case whose source is missing is SKIPPED, and a skipped MUST case leaves the run
# incomplete (exit 3): delete what your back end does not offer and --skip those cases.
login = { url = "http://127.0.0.1:8080/qr/login" }          # uuID, loginUrl, expired
transfer = { url = "http://127.0.0.1:8080/qr/transfer" }    # to, amount, contract, symbol, precision, notifyUrl
# MYKEY transaction: its actions are paid from the harness account `qrcwalletone`.
transaction = { url = "http://127.0.0.1:8080/qr/transaction?account=qrcwalletone" }
sign = { url = "http://127.0.0.1:8080/qr/sign" }            # MYKEY sign: message, notifyUrl

[limits]
timeout_ms = 5000              # every network step and every source command (at most 600000)
max_body_bytes = 1048576       # the largest body read from the back end
clock_skew_secs = 1            # allowed difference between the harness's clock and the
                               # back end's (at most 3600)
max_expiry_wait_secs = 120     # the longest wait for a QR code to expire; a longer-lived
                               # code SKIPs its expiry case (at most 3600)
"#;

const ONTOLOGY_WALLET: &str = r#"# qrconform target: an Ontology dAPI-mobile wallet under test.
# Check it:  qrconform test wallet --protocol ontology --target THIS_FILE --list
# Run it:    qrconform test wallet --protocol ontology --target THIS_FILE
# Every key is described in docs/wallet-driver.md. The driver URL below is where the
# reference wallet listens (`qrconform serve wallet --listen 127.0.0.1:8090`).

name = "my-wallet"             # shown in reports
version = "0.1.0"              # the version under test, shown in reports
protocol = "ontology"          # ontology (the default) or simplewallet

[driver]
# How the harness hands a QR code to the wallet: exactly one of `url` (the driver protocol,
# docs/wallet-driver.md), `command` (a driver program, run without a shell) or
# `interactive = true` (a person scans each code; needs public_key).
url = "http://127.0.0.1:8090"
# command = ["./drive-wallet", "--device", "emulator-5554"]
# interactive = true
# public_key = "02…"           # with interactive: the wallet's key (hex), which names it
quiet_ms = 0                   # after the driver answers, wait this long for late callbacks

[harness]
# The harness dApp that the QR codes send the wallet to.
listen = "127.0.0.1:0"         # 0 picks a free port; 0.0.0.0:8099 for a phone on the LAN
# public_url = "http://192.168.1.20:8099"   # the base URL put into QR codes, for a phone

[node]
# The harness starts its mock Ontology node here; configure the wallet to pre-execute and
# send transactions through it.
rest = "127.0.0.1:20334"       # REST API (the real node's default port)
rpc = "127.0.0.1:20336"        # JSON-RPC API (the real node's default port)

[limits]
timeout_ms = 15000             # each driver step (a scan may take this long; at most 600000)
max_body_bytes = 1048576       # the largest answer read from the driver or the wallet
interactive_wait_secs = 120    # how long interactive mode waits for the person (at most 3600)
"#;

const SIMPLEWALLET_WALLET: &str = r#"# qrconform target: a SimpleWallet (EOS, MYKEY) wallet under test.
# Check it:  qrconform test wallet --protocol simplewallet --target THIS_FILE --list
# Run it:    qrconform test wallet --protocol simplewallet --target THIS_FILE
# Every key is described in docs/wallet-driver.md. The driver URL below is where the
# reference wallet listens (`qrconform serve wallet --protocol simplewallet --listen
# 127.0.0.1:8091`).

name = "my-eos-wallet"         # shown in reports
version = "0.1.0"              # the version under test, shown in reports
protocol = "simplewallet"      # must match --protocol

[driver]
# How the harness hands a request to the wallet: exactly one of `url` (the driver protocol,
# docs/wallet-driver.md; GET /identity names the account), `command` (a driver program, run
# without a shell) or `interactive = true` (a person scans each code).
url = "http://127.0.0.1:8091"
# command = ["./drive-wallet"]
# interactive = true
# public_key = "EOS…"          # with interactive: the key its signatures verify with,
# account = "myaccount123"     # the account it signs for,
# ref = "mywallet"             # the name it sends as `ref`,
# mykey = true                 # and whether the account is a MYKEY account
quiet_ms = 0                   # after the driver answers, wait this long for late posts

[harness]
# The harness dApp that loginUrl and notifyUrl point at.
listen = "127.0.0.1:0"         # 0 picks a free port; 0.0.0.0:8099 for a phone on the LAN
# public_url = "http://192.168.1.20:8099"   # the base URL put into requests, for a phone

[node]
# The harness starts its mock EOS node here, holding the wallet's account; configure the
# wallet to push transactions through it.
eos = "127.0.0.1:8888"         # nodeos's default port

[limits]
timeout_ms = 15000             # each driver step (at most 600000)
max_body_bytes = 1048576       # the largest answer read from the driver or the wallet
interactive_wait_secs = 120    # how long interactive mode waits for the person (at most 3600)
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harness::target::{DappTarget, Limits, WalletTarget};

    #[test]
    fn every_template_is_a_valid_target_of_its_role_and_protocol() {
        for protocol in [Protocol::Ontology, Protocol::Simplewallet] {
            let dapp = DappTarget::parse("t", template(InitRole::Dapp, protocol)).unwrap();
            assert_eq!(dapp.protocol.name(), protocol.name());
            // Every source the suite knows is declared, and the limits are the defaults.
            assert_eq!(dapp.sources.len(), dapp.protocol.sources().len());
            assert_eq!(dapp.limits, Limits::default());
            let wallet = WalletTarget::parse("t", template(InitRole::Wallet, protocol)).unwrap();
            assert_eq!(wallet.protocol, protocol.name());
        }
    }
}
