//! Targets: what the harness is pointed at. A dApp target file (TOML, `docs/targets.md`)
//! declares the back end's name and version, where fresh QR codes come from, the ports on
//! which the harness starts the mock node, an optional status probe, the origins the harness
//! may contact, a private CA it trusts for `https://` (`ca_cert`), and the limits it runs
//! under. Reading a file validates it into [`DappTarget`];
//! every mistake is an error naming the field.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::net::{CaCerts, Origin};

/// The QR sources a dApp target may declare, and what each must produce.
pub const DAPP_SOURCES: [(&str, &str); 8] = [
    ("login.address", "a login QR with type address (or no type)"),
    ("login.account", "a login QR with type account"),
    ("login.ontid", "a login QR with type ontid"),
    ("signMessage.text", "a signMessage QR with ishex false"),
    ("signMessage.hex", "a signMessage QR with ishex true"),
    (
        "signMultiMessage.text",
        "a signMultiMessage QR with ishex false",
    ),
    (
        "signMultiMessage.hex",
        "a signMultiMessage QR with ishex true",
    ),
    ("invoke", "an invoke QR (with qrcodeUrl and callback)"),
];

/// The QR sources a SimpleWallet dApp target may declare, and what each must produce.
pub const SW_DAPP_SOURCES: [(&str, &str); 4] = [
    ("login", "a login QR (uuID, loginUrl, expired)"),
    (
        "transfer",
        "a transfer QR (to, amount, contract, symbol, precision, notifyUrl)",
    ),
    (
        "transaction",
        "a MYKEY transaction QR whose actions are from the harness account `qrcwalletone`",
    ),
    ("sign", "a MYKEY sign QR (message, notifyUrl)"),
];

/// The protocol a dApp target speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DappProtocol {
    Ontology,
    SimpleWallet,
}

impl DappProtocol {
    /// The sources a target of this protocol may declare.
    pub fn sources(self) -> &'static [(&'static str, &'static str)] {
        match self {
            DappProtocol::Ontology => &DAPP_SOURCES,
            DappProtocol::SimpleWallet => &SW_DAPP_SOURCES,
        }
    }

    /// The name target files and `--protocol` use.
    pub fn name(self) -> &'static str {
        match self {
            DappProtocol::Ontology => "ontology",
            DappProtocol::SimpleWallet => "simplewallet",
        }
    }
}

/// Where a fresh QR code comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrSource {
    /// GET this URL; the body is the QR text.
    Url(String),
    /// Run this program with these arguments (no shell); its standard output is the QR text.
    Command(Vec<String>),
}

/// How long and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Every network step and every source command.
    pub timeout: Duration,
    /// The largest body read from the peer.
    pub max_body: usize,
    /// Allowed difference between the harness clock and the dApp's.
    pub clock_skew_secs: u64,
    /// The longest the harness waits for a QR code to expire; a longer wait skips the
    /// expiry case, and a skipped MUST case leaves the run incomplete.
    pub max_expiry_wait: Duration,
}

/// The longest `timeout_ms` a target file or `--timeout-ms` may set: ten minutes. A step
/// that needs longer is a hung peer, and a run must end.
pub const MAX_TIMEOUT_MS: u64 = 600_000;
/// The largest `clock_skew_secs` and `max_expiry_wait_secs`: an hour.
pub const MAX_WAIT_SECS: u64 = 3600;

impl Default for Limits {
    /// Defaults that let every expiry case run against a back end on the same machine whose
    /// QR codes live up to a minute (profile: "no default may make an expiry case
    /// unrunnable"): a second of skew (one clock, or two NTP-synchronised ones) and up to two
    /// minutes of waiting, most of which overlaps the other cases (the expiry cases' QR codes
    /// are fetched first).
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(5),
            max_body: 1024 * 1024,
            clock_skew_secs: 1,
            max_expiry_wait: Duration::from_secs(120),
        }
    }
}

impl Limits {
    /// The limits of runs against the built-in references: loopback, one machine and one
    /// clock, and short QR lifetimes, so expiry cases run quickly.
    pub fn for_reference() -> Limits {
        Limits {
            timeout: Duration::from_secs(5),
            max_body: 1024 * 1024,
            clock_skew_secs: 0,
            max_expiry_wait: Duration::from_secs(10),
        }
    }
}

/// A validated dApp target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DappTarget {
    pub name: String,
    pub version: String,
    /// `protocol` in the file; Ontology when absent.
    pub protocol: DappProtocol,
    pub sources: BTreeMap<String, QrSource>,
    /// `GET` with `{id}` replaced by the request id → `{"status": …}`.
    pub status: Option<String>,
    /// `POST` here restarts the back end's session store as a restart of the back end would
    /// (what it persists survives, what it holds only in memory is lost), answering 2xx once
    /// it serves again. Without it the cases that need a restart are skipped.
    pub restart: Option<String>,
    /// The origins (scheme, host, port) the harness may contact (H-5): those of the URL
    /// sources and the status probe, and any the file adds.
    pub allowed_origins: Vec<Origin>,
    pub node_rest: SocketAddr,
    pub node_rpc: SocketAddr,
    /// Where the harness serves the mock EOS node (SimpleWallet targets).
    pub node_eos: SocketAddr,
    pub limits: Limits,
    /// CA certificates trusted for `https://` besides the operating system's (`ca_cert`
    /// in the file, `--ca-cert` on the command line).
    pub ca_cert: Option<CaCerts>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    version: String,
    #[serde(default)]
    protocol: Option<String>,
    #[serde(default)]
    node: RawNode,
    #[serde(default)]
    sources: BTreeMap<String, RawSource>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    restart: Option<String>,
    /// Origins the harness may contact besides those of the sources and the status probe
    /// (a callback served on another port, say).
    #[serde(default)]
    allowed_origins: Option<Vec<String>>,
    /// Replaced by `allowed_origins`; read only to say so.
    #[serde(default)]
    allowed_hosts: Option<toml::Value>,
    /// A PEM file of CA certificates to trust for https, relative to the target file.
    #[serde(default)]
    ca_cert: Option<String>,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    rest: Option<String>,
    rpc: Option<String>,
    /// SimpleWallet targets (dApp and wallet): where the harness's mock EOS node listens.
    eos: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    url: Option<String>,
    command: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    timeout_ms: Option<u64>,
    max_body_bytes: Option<usize>,
    clock_skew_secs: Option<u64>,
    max_expiry_wait_secs: Option<u64>,
}

/// Refuses a limit above its bound, naming it.
fn check_bound(field: &str, value: Option<u64>, max: u64) -> Result<(), String> {
    match value {
        Some(value) if value > max => Err(format!("{field} is {value}; at most {max} is allowed")),
        _ => Ok(()),
    }
}

/// Why a target file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("target {origin}: {reason}")]
pub struct TargetError {
    pub origin: String,
    pub reason: String,
}

/// Only Ontology has suites today.
fn check_protocol(protocol: Option<&str>, suite: &str) -> Result<(), String> {
    match protocol {
        None | Some("ontology") => Ok(()),
        Some(other) => Err(format!(
            "protocol `{other}` is not supported by the {suite} suite (ontology)"
        )),
    }
}

/// The top-level keys of a dApp target file and of a wallet target file.
const DAPP_TOP_LEVEL: [&str; 6] = [
    "name",
    "version",
    "protocol",
    "status",
    "allowed_origins",
    "allowed_hosts",
];
const WALLET_TOP_LEVEL: [&str; 3] = ["name", "version", "protocol"];

/// `message` (a TOML or field error in `text`) with the fix for the two usual mistakes, when
/// `text` shows one: an unquoted dotted key (TOML reads `login.address = …` as nested tables,
/// so a dotted case id or source name must be quoted), or a top-level key written after a
/// table header (where it belongs to that table). `top_level` names the file's top-level keys.
pub(crate) fn with_toml_hint(message: String, text: &str, top_level: &[&str]) -> String {
    let mut hints = Vec::new();
    if let Some((line, key)) = first_unquoted_dotted_key(text) {
        hints.push(format!(
            "line {line}: `{key}` is a dotted key, which TOML reads as nested tables; quote a \
             dotted case id or source name: \"{key}\" = …"
        ));
    }
    let mut table = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            table = Some(line.to_string());
            continue;
        }
        let key = line.split('=').next().unwrap_or("").trim();
        if let Some(header) = &table {
            if line.contains('=') && top_level.contains(&key) {
                hints.push(format!(
                    "line {}: `{key}` comes after the table header {header}, so it belongs to \
                     that table; move it above the first [table]",
                    i + 1
                ));
                break;
            }
        }
    }
    if hints.is_empty() {
        message
    } else {
        format!("{message}\nhint: {}", hints.join("\nhint: "))
    }
}

/// The first line (1-based) whose key is dotted and unquoted, with the key.
fn first_unquoted_dotted_key(text: &str) -> Option<(usize, String)> {
    text.lines().enumerate().find_map(|(i, raw)| {
        let line = raw.trim();
        let (key, _) = line.split_once('=')?;
        let key = key.trim();
        let bare = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        (key.contains('.') && key.split('.').all(bare)).then(|| (i + 1, key.to_string()))
    })
}

/// A `[node]` or `[harness]` address, or its default.
fn socket_addr(
    origin: &str,
    field: &str,
    value: Option<String>,
    default: &str,
) -> Result<SocketAddr, TargetError> {
    let text = value.unwrap_or_else(|| default.to_string());
    text.parse().map_err(|e| TargetError {
        origin: origin.to_string(),
        reason: format!("{field} `{text}` is not an address like 127.0.0.1:20334: {e}"),
    })
}

/// A target file's text, and its name for errors.
fn read_target(path: &Path) -> Result<(String, String), TargetError> {
    let origin = format!("`{}`", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| TargetError {
        origin: origin.clone(),
        reason: format!("cannot be read: {e}"),
    })?;
    Ok((origin, text))
}

/// A `ca_cert` file, relative to the folder of the target file that names it.
fn ca_cert(dir: &Path, file: Option<&str>) -> Result<Option<CaCerts>, String> {
    file.map(|file| CaCerts::from_pem_file(&dir.join(file)).map_err(|e| format!("ca_cert: {e}")))
        .transpose()
}

fn host_of(url: &str) -> Result<String, String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("`{url}` is not an http:// or https:// URL"));
    }
    Ok(parsed
        .host_str()
        .ok_or_else(|| format!("`{url}` has no host"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase())
}

impl DappTarget {
    /// The client the dApp suites talk to this back end with: the target's timeout on every
    /// step, its body bound, its private CA trusted, only its declared origins reachable.
    pub fn http_client(&self) -> crate::net::HttpClient {
        crate::net::HttpClient::new(crate::net::ClientLimits {
            connect: self.limits.timeout,
            request: self.limits.timeout,
            max_body: self.limits.max_body,
        })
        .trusting(self.ca_cert.as_ref())
        .with_allowed_origins(self.allowed_origins.clone())
    }

    /// The target an in-process reference dApp at `base` is: its QR `sources` (source name,
    /// path below `base`), its status probe, its origin the only one allowed, and the
    /// reference's limits. The node addresses are the harness's to fill in.
    pub fn for_reference(
        name: &str,
        protocol: DappProtocol,
        base: &str,
        sources: &[(&str, String)],
        status: Option<String>,
    ) -> Self {
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        DappTarget {
            name: name.into(),
            version: env!("CARGO_PKG_VERSION").into(),
            protocol,
            sources: sources
                .iter()
                .map(|(key, path)| (key.to_string(), QrSource::Url(format!("{base}{path}"))))
                .collect(),
            status,
            restart: None,
            allowed_origins: crate::net::Origin::of(base).into_iter().collect(),
            node_rest: loopback,
            node_rpc: loopback,
            node_eos: loopback,
            limits: Limits::for_reference(),
            ca_cert: None,
        }
    }

    /// Reads and validates a target file.
    pub fn from_file(path: &Path) -> Result<Self, TargetError> {
        let (origin, text) = read_target(path)?;
        Self::parse_in(&origin, &text, path.parent().unwrap_or(Path::new("")))
    }

    /// Validates target text; `origin` names it in errors, and a `ca_cert` path is taken
    /// from the working directory.
    pub fn parse(origin: &str, text: &str) -> Result<Self, TargetError> {
        Self::parse_in(origin, text, Path::new(""))
    }

    /// Validates target text whose relative paths are relative to `dir`.
    fn parse_in(origin: &str, text: &str, dir: &Path) -> Result<Self, TargetError> {
        let fail = |reason: String| TargetError {
            origin: origin.to_string(),
            reason,
        };
        let raw: RawTarget = toml::from_str(text)
            .map_err(|e| fail(with_toml_hint(e.to_string(), text, &DAPP_TOP_LEVEL)))?;
        let protocol = match raw.protocol.as_deref() {
            Some("simplewallet") => DappProtocol::SimpleWallet,
            other => {
                check_protocol(other, "dApp").map_err(fail)?;
                DappProtocol::Ontology
            }
        };
        let mut sources = BTreeMap::new();
        let mut origins = Vec::new();
        for (key, source) in raw.sources {
            if !protocol.sources().iter().any(|(known, _)| *known == key) {
                let known: Vec<&str> = protocol.sources().iter().map(|(k, _)| *k).collect();
                return Err(fail(format!(
                    "sources.\"{key}\" is not a source the suite uses (known: {})",
                    known.join(", ")
                )));
            }
            let source = match (source.url, source.command) {
                (Some(url), None) => {
                    host_of(&url).map_err(|e| fail(format!("sources.\"{key}\": {e}")))?;
                    origins.push(
                        Origin::of(&url).map_err(|e| fail(format!("sources.\"{key}\": {e}")))?,
                    );
                    QrSource::Url(url)
                }
                (None, Some(command)) if !command.is_empty() && !command[0].is_empty() => {
                    QrSource::Command(command)
                }
                (None, Some(_)) => {
                    return Err(fail(format!("sources.\"{key}\".command is empty")));
                }
                _ => {
                    return Err(fail(format!(
                        "sources.\"{key}\" needs exactly one of `url` and `command`"
                    )));
                }
            };
            sources.insert(key, source);
        }
        if let Some(status) = &raw.status {
            if !status.contains("{id}") {
                return Err(fail(format!(
                    "status `{status}` has no `{{id}}` placeholder"
                )));
            }
            let probe = status.replace("{id}", "x");
            host_of(&probe).map_err(|e| fail(format!("status: {e}")))?;
            origins.push(Origin::of(&probe).map_err(|e| fail(format!("status: {e}")))?);
        }
        if let Some(restart) = &raw.restart {
            host_of(restart).map_err(|e| fail(format!("restart: {e}")))?;
            origins.push(Origin::of(restart).map_err(|e| fail(format!("restart: {e}")))?);
        }
        if raw.allowed_hosts.is_some() {
            return Err(fail(
                "allowed_hosts was replaced by allowed_origins, which also names the scheme and \
                 port: allowed_origins = [\"http://127.0.0.1:8081\"] (the origins of the sources \
                 and the status probe are allowed already)"
                    .into(),
            ));
        }
        for (i, url) in raw.allowed_origins.iter().flatten().enumerate() {
            host_of(url).map_err(|e| fail(format!("allowed_origins[{i}]: {e}")))?;
            origins.push(Origin::of(url).map_err(|e| fail(format!("allowed_origins[{i}]: {e}")))?);
        }
        origins.sort();
        origins.dedup();
        let allowed_origins = origins;
        let addr = |field: &str, value: Option<String>, default: &str| {
            socket_addr(origin, field, value, default)
        };
        let defaults = Limits::default();
        let limits = Limits {
            timeout: raw
                .limits
                .timeout_ms
                .map(Duration::from_millis)
                .unwrap_or(defaults.timeout),
            max_body: raw.limits.max_body_bytes.unwrap_or(defaults.max_body),
            clock_skew_secs: raw
                .limits
                .clock_skew_secs
                .unwrap_or(defaults.clock_skew_secs),
            max_expiry_wait: raw
                .limits
                .max_expiry_wait_secs
                .map(Duration::from_secs)
                .unwrap_or(defaults.max_expiry_wait),
        };
        if limits.timeout.is_zero() || limits.max_body == 0 {
            return Err(fail(
                "limits.timeout_ms and limits.max_body_bytes must be positive".into(),
            ));
        }
        check_bound("limits.timeout_ms", raw.limits.timeout_ms, MAX_TIMEOUT_MS).map_err(fail)?;
        check_bound(
            "limits.clock_skew_secs",
            raw.limits.clock_skew_secs,
            MAX_WAIT_SECS,
        )
        .map_err(fail)?;
        check_bound(
            "limits.max_expiry_wait_secs",
            raw.limits.max_expiry_wait_secs,
            MAX_WAIT_SECS,
        )
        .map_err(fail)?;
        Ok(DappTarget {
            name: raw.name,
            version: raw.version,
            protocol,
            sources,
            status: raw.status,
            restart: raw.restart,
            allowed_origins,
            node_rest: addr("node.rest", raw.node.rest, "127.0.0.1:20334")?,
            node_rpc: addr("node.rpc", raw.node.rpc, "127.0.0.1:20336")?,
            node_eos: addr("node.eos", raw.node.eos, "127.0.0.1:8888")?,
            limits,
            ca_cert: ca_cert(dir, raw.ca_cert.as_deref()).map_err(fail)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "shop"
version = "1.2.3"
status = "http://localhost:8080/status/{id}"
[node]
rest = "127.0.0.1:0"
rpc = "127.0.0.1:0"
[sources]
"login.address" = { url = "http://127.0.0.1:8080/qr/login" }
invoke = { command = ["./mint", "invoke"] }
"#;

    #[test]
    fn a_restart_hook_is_read_and_its_origin_allowed() {
        let t = DappTarget::parse("t", GOOD).unwrap();
        assert_eq!(t.restart, None);
        let with = GOOD.replace(
            "status =",
            "restart = \"http://127.0.0.1:9090/admin/restart\"\nstatus =",
        );
        let t = DappTarget::parse("t", &with).unwrap();
        assert_eq!(
            t.restart.as_deref(),
            Some("http://127.0.0.1:9090/admin/restart")
        );
        assert!(t
            .allowed_origins
            .iter()
            .any(|o| o.to_string() == "http://127.0.0.1:9090"));
        let bad = GOOD.replace("status =", "restart = \"not a url\"\nstatus =");
        let err = DappTarget::parse("t", &bad).unwrap_err().to_string();
        assert!(err.contains("restart"), "{err}");
    }

    #[test]
    fn a_good_file_resolves_with_origins_from_its_urls() {
        let t = DappTarget::parse("t", GOOD).unwrap();
        assert_eq!(t.name, "shop");
        let shown: Vec<String> = t.allowed_origins.iter().map(Origin::to_string).collect();
        assert_eq!(shown, ["http://127.0.0.1:8080", "http://localhost:8080"]);
        // The file can add an origin; the old host list is refused with the fix.
        let added = GOOD.replace(
            "status =",
            "allowed_origins = [\"http://127.0.0.1:8081\"]\nstatus =",
        );
        let t = DappTarget::parse("t", &added).unwrap();
        assert_eq!(t.allowed_origins.len(), 3);
        let old = GOOD.replace("status =", "allowed_hosts = [\"127.0.0.1\"]\nstatus =");
        let err = DappTarget::parse("t", &old).unwrap_err().to_string();
        assert!(
            err.contains("allowed_origins = [\"http://127.0.0.1:8081\"]"),
            "{err}"
        );
        assert_eq!(t.sources.len(), 2);
        assert_eq!(t.limits, Limits::default());
        assert_eq!(t.node_rest.port(), 0);
    }

    #[test]
    fn a_simplewallet_target_declares_its_own_sources_and_the_eos_node() {
        let text = r#"
name = "eos shop"
version = "2"
protocol = "simplewallet"
[node]
eos = "127.0.0.1:0"
[sources]
login = { url = "http://127.0.0.1:8080/qr/login" }
transaction = { url = "http://127.0.0.1:8080/qr/transaction?account=qrcwalletone" }
"#;
        let t = DappTarget::parse("t", text).unwrap();
        assert_eq!(t.protocol, DappProtocol::SimpleWallet);
        assert_eq!(t.node_eos.port(), 0);
        assert_eq!(t.sources.len(), 2);
        let err = DappTarget::parse("t", &text.replace("login =", "\"login.address\" ="))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("login.address") && err.contains("transfer"),
            "{err}"
        );
        let ontology = DappTarget::parse("t", GOOD).unwrap();
        assert_eq!(ontology.protocol, DappProtocol::Ontology);
        assert_eq!(ontology.node_eos.port(), 8888);
        let err = DappTarget::parse("t", &text.replace("simplewallet", "bitcoin"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("bitcoin"), "{err}");
    }

    #[test]
    fn the_usual_toml_mistakes_get_their_fix() {
        let dotted = GOOD.replace("\"login.address\" =", "login.address =");
        let err = DappTarget::parse("t", &dotted).unwrap_err().to_string();
        assert!(
            err.contains("hint: line 9: `login.address` is a dotted key")
                && err.contains("\"login.address\" = …"),
            "{err}"
        );
        let late = format!("{GOOD}allowed_origins = [\"http://127.0.0.1:8081\"]\n");
        let err = DappTarget::parse("t", &late).unwrap_err().to_string();
        assert!(
            err.contains("`allowed_origins` comes after the table header [sources]"),
            "{err}"
        );
        let wallet = "name = \"w\"\n[driver]\nurl = \"http://127.0.0.1:1\"\nversion = \"1\"\n";
        let err = WalletTarget::parse("t", wallet).unwrap_err().to_string();
        assert!(
            err.contains("`version` comes after the table header [driver]"),
            "{err}"
        );
        // A correct file has no hint to give.
        let err = DappTarget::parse("t", &GOOD.replace("name = \"shop\"", ""))
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hint"), "{err}");
    }

    #[test]
    fn mistakes_name_the_field() {
        let cases = [
            (
                GOOD.replace("\"login.address\"", "\"login.bogus\""),
                "login.bogus",
            ),
            (GOOD.replace("{id}", ""), "placeholder"),
            (
                GOOD.replace("http://127.0.0.1:8080/qr/login", "ftp://x/qr"),
                "not an http:// or https:// URL",
            ),
            (
                GOOD.replace(
                    "version = ",
                    "ca_cert = \"/nonexistent/ca.pem\"\nversion = ",
                ),
                "ca_cert: the CA certificate file `/nonexistent/ca.pem` cannot be read",
            ),
            (
                GOOD.replace("[\"./mint\", \"invoke\"]", "[]"),
                "command is empty",
            ),
            (
                GOOD.replace("rest = \"127.0.0.1:0\"", "rest = \"localhost\""),
                "node.rest",
            ),
            (GOOD.replace("name = \"shop\"", ""), "name"),
            (GOOD.replace("version = ", "bogus = 1\nversion = "), "bogus"),
        ];
        for (text, needle) in cases {
            let err = DappTarget::parse("t", &text).unwrap_err().to_string();
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }
}

/// How the wallet suite reaches the wallet under test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DriverSpec {
    /// The driver protocol at this base URL.
    Url(String),
    /// A driver command (no shell).
    Command(Vec<String>),
    /// A person scans; the wallet's public key (hex) names it.
    Interactive { public_key: String },
}

/// A validated wallet target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletTarget {
    pub name: String,
    pub version: String,
    /// `protocol` in the file: `ontology` (the default) or `simplewallet`.
    pub protocol: String,
    pub driver: DriverSpec,
    /// SimpleWallet interactive mode: the account and `ref` the wallet's identity names
    /// (`[driver] account`, `ref`); a driver answers `GET /identity` itself.
    pub account: Option<String>,
    pub wallet_ref: Option<String>,
    /// SimpleWallet interactive mode: the account is a MYKEY account (`[driver] mykey`),
    /// as a driver's identity says with `mykey`.
    pub mykey: bool,
    /// Where the harness dApp listens.
    pub listen: SocketAddr,
    /// The base URL QR codes send the wallet to (a LAN address for a phone).
    pub public_url: Option<String>,
    pub node_rest: SocketAddr,
    pub node_rpc: SocketAddr,
    /// SimpleWallet: where the harness's mock EOS node listens (`[node] eos`).
    pub node_eos: SocketAddr,
    /// Each driver step.
    pub timeout: Duration,
    /// Waiting for late callbacks after the driver's answer.
    pub quiet: Duration,
    pub max_body: usize,
    /// How long interactive mode waits for the person.
    pub interactive_wait: Duration,
    /// CA certificates trusted for an `https://` driver besides the operating system's
    /// (`ca_cert` in the file, `--ca-cert` on the command line).
    pub ca_cert: Option<CaCerts>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWalletTarget {
    name: String,
    version: String,
    #[serde(default)]
    protocol: Option<String>,
    /// A PEM file of CA certificates to trust for an https driver, relative to the file.
    #[serde(default)]
    ca_cert: Option<String>,
    driver: RawDriver,
    #[serde(default)]
    harness: RawHarness,
    #[serde(default)]
    node: RawNode,
    #[serde(default)]
    limits: RawWalletLimits,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDriver {
    url: Option<String>,
    command: Option<Vec<String>>,
    #[serde(default)]
    interactive: bool,
    public_key: Option<String>,
    /// SimpleWallet interactive mode: the wallet's account and `ref`.
    account: Option<String>,
    #[serde(rename = "ref")]
    wallet_ref: Option<String>,
    /// SimpleWallet interactive mode: the account is a MYKEY account.
    #[serde(default)]
    mykey: bool,
    quiet_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHarness {
    listen: Option<String>,
    public_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWalletLimits {
    timeout_ms: Option<u64>,
    max_body_bytes: Option<usize>,
    interactive_wait_secs: Option<u64>,
}

impl WalletTarget {
    /// Reads and validates a wallet target file.
    pub fn from_file(path: &Path) -> Result<Self, TargetError> {
        let (origin, text) = read_target(path)?;
        Self::parse_in(&origin, &text, path.parent().unwrap_or(Path::new("")))
    }

    /// Validates wallet target text; `origin` names it in errors, and a `ca_cert` path is
    /// taken from the working directory.
    pub fn parse(origin: &str, text: &str) -> Result<Self, TargetError> {
        Self::parse_in(origin, text, Path::new(""))
    }

    /// Validates wallet target text whose relative paths are relative to `dir`.
    fn parse_in(origin: &str, text: &str, dir: &Path) -> Result<Self, TargetError> {
        let fail = |reason: String| TargetError {
            origin: origin.to_string(),
            reason,
        };
        let raw: RawWalletTarget = toml::from_str(text)
            .map_err(|e| fail(with_toml_hint(e.to_string(), text, &WALLET_TOP_LEVEL)))?;
        let protocol = match raw.protocol.as_deref() {
            None | Some("ontology") => "ontology",
            Some("simplewallet") => "simplewallet",
            Some(other) => {
                return Err(fail(format!(
                "protocol `{other}` is not supported by the wallet suites (ontology, simplewallet)"
            )))
            }
        };
        let simplewallet = protocol == "simplewallet";
        if !simplewallet
            && (raw.driver.account.is_some() || raw.driver.wallet_ref.is_some() || raw.driver.mykey)
        {
            return Err(fail(
                "driver.account, driver.ref and driver.mykey name a SimpleWallet wallet; set protocol = \"simplewallet\"".into(),
            ));
        }
        if simplewallet && raw.driver.interactive {
            for (field, value) in [
                ("account", &raw.driver.account),
                ("ref", &raw.driver.wallet_ref),
            ] {
                if value.as_deref().is_none_or(str::is_empty) {
                    return Err(fail(format!(
                        "driver.interactive for a SimpleWallet wallet needs driver.{field}"
                    )));
                }
            }
        }
        let driver = match (raw.driver.url, raw.driver.command, raw.driver.interactive) {
            (Some(url), None, false) => {
                host_of(&url).map_err(|e| fail(format!("driver.url: {e}")))?;
                DriverSpec::Url(url.trim_end_matches('/').to_string())
            }
            (None, Some(command), false) if !command.is_empty() && !command[0].is_empty() => {
                DriverSpec::Command(command)
            }
            (None, None, true) => {
                let key = raw.driver.public_key.ok_or_else(|| {
                    fail("driver.interactive needs driver.public_key (the wallet's key)".into())
                })?;
                let checked = if simplewallet {
                    key.parse::<crate::protocol::simplewallet::crypto::PublicKey>()
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                } else {
                    crate::protocol::ontology::crypto::PublicKey::from_hex(&key)
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                };
                checked.map_err(|e| fail(format!("driver.public_key: {e}")))?;
                DriverSpec::Interactive { public_key: key }
            }
            _ => {
                return Err(fail(
                    "[driver] needs exactly one of `url`, a non-empty `command`, or `interactive = true`"
                        .into(),
                ))
            }
        };
        let addr = |field: &str, value: Option<String>, default: &str| {
            socket_addr(origin, field, value, default)
        };
        if let Some(url) = &raw.harness.public_url {
            host_of(url).map_err(|e| fail(format!("harness.public_url: {e}")))?;
        }
        let timeout = Duration::from_millis(raw.limits.timeout_ms.unwrap_or(15_000));
        if timeout.is_zero() {
            return Err(fail("limits.timeout_ms must be positive".into()));
        }
        check_bound("limits.timeout_ms", raw.limits.timeout_ms, MAX_TIMEOUT_MS).map_err(fail)?;
        check_bound(
            "limits.interactive_wait_secs",
            raw.limits.interactive_wait_secs,
            MAX_WAIT_SECS,
        )
        .map_err(fail)?;
        Ok(WalletTarget {
            name: raw.name,
            version: raw.version,
            protocol: protocol.to_string(),
            driver,
            account: raw.driver.account,
            wallet_ref: raw.driver.wallet_ref,
            mykey: raw.driver.mykey,
            listen: addr("harness.listen", raw.harness.listen, "127.0.0.1:0")?,
            public_url: raw.harness.public_url,
            node_rest: addr("node.rest", raw.node.rest, "127.0.0.1:20334")?,
            node_rpc: addr("node.rpc", raw.node.rpc, "127.0.0.1:20336")?,
            node_eos: addr("node.eos", raw.node.eos, "127.0.0.1:8888")?,
            timeout,
            quiet: Duration::from_millis(raw.driver.quiet_ms.unwrap_or(0)),
            max_body: raw.limits.max_body_bytes.unwrap_or(1024 * 1024),
            interactive_wait: Duration::from_secs(raw.limits.interactive_wait_secs.unwrap_or(120)),
            ca_cert: ca_cert(dir, raw.ca_cert.as_deref()).map_err(fail)?,
        })
    }
}

#[cfg(test)]
mod wallet_target_tests {
    use super::*;

    #[test]
    fn each_driver_form_parses_and_mistakes_name_the_field() {
        let url = WalletTarget::parse(
            "t",
            "name = \"w\"\nversion = \"1\"\n[driver]\nurl = \"http://127.0.0.1:8090/\"\n",
        )
        .unwrap();
        assert_eq!(url.driver, DriverSpec::Url("http://127.0.0.1:8090".into()));
        assert_eq!(url.node_rest.port(), 20334);
        let cmd = WalletTarget::parse(
            "t",
            "name = \"w\"\nversion = \"1\"\n[driver]\ncommand = [\"./drive\"]\nquiet_ms = 200\n",
        )
        .unwrap();
        assert_eq!(cmd.quiet, Duration::from_millis(200));
        let key = "0205c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba61";
        let person = WalletTarget::parse("t", &format!("name = \"w\"\nversion = \"1\"\n[driver]\ninteractive = true\npublic_key = \"{key}\"\n[harness]\nlisten = \"0.0.0.0:8099\"\npublic_url = \"http://192.168.1.20:8099\"\n")).unwrap();
        assert!(matches!(person.driver, DriverSpec::Interactive { .. }));
        let eos = "EOS5Xf3nybSZ2AEXs6mkkFPkk9iMN6YaPy7kJDoY3wBAYr52tJTXy";
        let sw = WalletTarget::parse("t", &format!("name = \"w\"\nversion = \"1\"\nprotocol = \"simplewallet\"\n[driver]\ninteractive = true\npublic_key = \"{eos}\"\naccount = \"alice\"\nref = \"mywallet\"\n[node]\neos = \"127.0.0.1:18888\"\n")).unwrap();
        assert_eq!(sw.protocol, "simplewallet");
        assert_eq!(sw.account.as_deref(), Some("alice"));
        assert_eq!(sw.wallet_ref.as_deref(), Some("mywallet"));
        assert!(!sw.mykey);
        let mykey = WalletTarget::parse("t", &format!("name = \"w\"\nversion = \"1\"\nprotocol = \"simplewallet\"\n[driver]\ninteractive = true\npublic_key = \"{eos}\"\naccount = \"alice\"\nref = \"mywallet\"\nmykey = true\n")).unwrap();
        assert!(mykey.mykey);
        assert!(WalletTarget::parse(
            "t",
            "name = \"w\"\nversion = \"1\"\n[driver]\nurl = \"http://127.0.0.1:1\"\nmykey = true\n"
        )
        .is_err());
        assert_eq!(sw.node_eos.port(), 18888);
        assert_eq!(url.protocol, "ontology");
        assert_eq!(url.node_eos.port(), 8888);
        for (text, needle) in [
            (format!("name = \"w\"\nversion = \"1\"\nprotocol = \"simplewallet\"\n[driver]\ninteractive = true\npublic_key = \"{eos}\"\nref = \"r\"\n"), "driver.account"),
            (format!("name = \"w\"\nversion = \"1\"\nprotocol = \"simplewallet\"\n[driver]\ninteractive = true\npublic_key = \"{key}\"\naccount = \"a\"\nref = \"r\"\n"), "driver.public_key"),
            ("name = \"w\"\nversion = \"1\"\n[driver]\nurl = \"http://x\"\naccount = \"a\"\n".to_string(), "simplewallet"),
            ("name = \"w\"\nversion = \"1\"\nprotocol = \"tron\"\n[driver]\nurl = \"http://x\"\n".to_string(), "`tron`"),
        ] {
            let err = WalletTarget::parse("t", &text).unwrap_err().to_string();
            assert!(err.contains(needle), "{needle}: {err}");
        }
        for (text, needle) in [
            ("name = \"w\"\nversion = \"1\"\n[driver]\n", "exactly one"),
            ("name = \"w\"\nversion = \"1\"\n[driver]\nurl = \"http://x\"\ncommand = [\"a\"]\n", "exactly one"),
            ("name = \"w\"\nversion = \"1\"\n[driver]\ninteractive = true\n", "public_key"),
            ("name = \"w\"\nversion = \"1\"\n[driver]\nurl = \"ftp://x\"\n", "driver.url"),
            ("name = \"w\"\nversion = \"1\"\n[driver]\nurl = \"http://x\"\n[harness]\nlisten = \"nope\"\n", "harness.listen"),
        ] {
            let err = WalletTarget::parse("t", text).unwrap_err().to_string();
            assert!(err.contains(needle), "{needle}: {err}");
        }
    }
}
