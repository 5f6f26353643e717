//! TLS for the harness's HTTP client (`https://` peers): which certificates it trusts — the
//! operating system's roots, read once per process, plus the CA certificates a run adds
//! (`--ca-cert`, a target file's `ca_cert`) — the rustls configuration built from them on
//! the `ring` provider, a handshake on its own (the pre-flight check), and the TLS error
//! behind a failed exchange.
//!
//! A TLS failure is never the peer's FAIL: the profile puts no duty on certificates, and the
//! harness cannot tell a peer's bad certificate from a trust it was not given. Callers make
//! it a set-up ERROR that names the URL and the TLS error.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, RootCertStore};

/// CA certificates a run trusts besides the operating system's: one PEM file holding one or
/// more `CERTIFICATE` blocks, each checked on loading to be a usable trust anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaCerts {
    path: PathBuf,
    certs: Arc<Vec<CertificateDer<'static>>>,
}

/// The largest CA file read: a bundle of every public root is about 250 KiB.
const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;

impl CaCerts {
    /// Reads the PEM file at `path`; every mistake names the file.
    pub fn from_pem_file(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let size = std::fs::metadata(path)
            .map_err(|e| format!("the CA certificate file `{shown}` cannot be read: {e}"))?
            .len();
        if size > MAX_CA_FILE_BYTES {
            return Err(format!(
                "the CA certificate file `{shown}` is {size} bytes; at most {MAX_CA_FILE_BYTES} are read"
            ));
        }
        let text = std::fs::read(path)
            .map_err(|e| format!("the CA certificate file `{shown}` cannot be read: {e}"))?;
        let certs = CertificateDer::pem_slice_iter(&text)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("the CA certificate file `{shown}` is not valid PEM: {e}"))?;
        if certs.is_empty() {
            return Err(format!(
                "the CA certificate file `{shown}` holds no PEM `CERTIFICATE` block"
            ));
        }
        let mut store = RootCertStore::empty();
        for (i, cert) in certs.iter().enumerate() {
            store.add(cert.clone()).map_err(|e| {
                format!(
                    "certificate {} of `{shown}` cannot be a trust anchor: {e}",
                    i + 1
                )
            })?;
        }
        Ok(CaCerts {
            path: path.to_path_buf(),
            certs: Arc::new(certs),
        })
    }

    /// The file the certificates came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many certificates the file holds.
    pub fn len(&self) -> usize {
        self.certs.len()
    }

    /// Never: a file without a certificate is refused on loading.
    pub fn is_empty(&self) -> bool {
        self.certs.is_empty()
    }
}

/// The operating system's root certificates, as rustls-native-certs finds them: the files
/// `SSL_CERT_FILE` and `SSL_CERT_DIR` name when set, otherwise the system's bundle (on Linux,
/// where OpenSSL keeps it).
#[derive(Debug)]
pub struct OsRoots {
    pub store: RootCertStore,
    /// Why some or all of them could not be loaded.
    pub problems: Vec<String>,
}

impl OsRoots {
    /// The roots of one load, and what went wrong with it.
    pub fn from_result(result: rustls_native_certs::CertificateResult) -> Self {
        let mut store = RootCertStore::empty();
        let (_, unusable) = store.add_parsable_certificates(result.certs);
        let mut problems: Vec<String> = result.errors.iter().map(|e| e.to_string()).collect();
        if unusable > 0 {
            problems.push(format!(
                "{unusable} certificates found could not be used as roots"
            ));
        }
        OsRoots { store, problems }
    }

    /// Why an https peer cannot be verified by these roots when there are none: what went
    /// wrong loading them, and the ways to give some.
    pub fn empty_note(&self) -> Option<String> {
        if !self.store.is_empty() {
            return None;
        }
        let why = if self.problems.is_empty() {
            "none were found".to_string()
        } else {
            self.problems.join("; ")
        };
        Some(format!(
            "no root certificates of the operating system were loaded ({why}); set \
             SSL_CERT_FILE or give --ca-cert"
        ))
    }
}

/// The operating system's roots, loaded on first use and kept for the process.
pub fn os_roots() -> &'static OsRoots {
    static ROOTS: OnceLock<OsRoots> = OnceLock::new();
    ROOTS.get_or_init(|| OsRoots::from_result(rustls_native_certs::load_native_certs()))
}

/// The client configuration trusting the operating system's roots and `extra`, on the
/// `ring` provider, offering HTTP/1.1 only (the client speaks nothing else).
pub fn client_config(extra: Option<&CaCerts>) -> ClientConfig {
    static OS_ONLY: OnceLock<ClientConfig> = OnceLock::new();
    match extra {
        None => OS_ONLY
            .get_or_init(|| build_config(os_roots().store.clone()))
            .clone(),
        Some(extra) => {
            let mut roots = os_roots().store.clone();
            // Each was checked to be a usable anchor when the file was read.
            roots.add_parsable_certificates(extra.certs.iter().cloned());
            build_config(roots)
        }
    }
}

/// The `ring` provider: it builds from crates.io alone, where aws-lc-rs needs cmake and a C
/// toolchain. rustls marks it deprecated for its lack of post-quantum key exchange, which a
/// conformance harness talking to a test back end does not need.
#[allow(deprecated)]
pub fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn build_config(roots: RootCertStore) -> ClientConfig {
    let mut config = ClientConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// The TLS error behind a failed exchange, if it was one: rustls's error somewhere down the
/// chain, possibly inside `io::Error`s (hyper-rustls wraps tokio-rustls's), whose `source`
/// skips what they wrap.
pub fn tls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(e);
    while let Some(cause) = next {
        let mut wrapped = Some(cause);
        while let Some(inner) = wrapped {
            if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                return Some(tls);
            }
            wrapped = inner
                .downcast_ref::<std::io::Error>()
                .and_then(std::io::Error::get_ref)
                .map(|inner| inner as &(dyn std::error::Error + 'static));
        }
        next = cause.source();
    }
    None
}

/// A TLS failure's reason: rustls's words, and why nothing could be trusted when the
/// operating system gave no roots and the run no CA.
pub fn failure_reason(tls: &rustls::Error) -> String {
    match os_roots().empty_note() {
        Some(note) => format!("{tls} ({note})"),
        None => tls.to_string(),
    }
}

/// Why [`handshake`] did not complete.
#[derive(Debug)]
pub enum HandshakeError {
    /// The TCP connection was refused or failed.
    Connect(std::io::Error),
    /// The TLS handshake failed; rustls's words.
    Tls(String),
    /// Connecting and the handshake took longer than this together.
    Timeout(Duration),
}

/// Connects to `host:port` and completes a TLS handshake for `host` under `config`, within
/// `timeout` for both.
pub async fn handshake(
    host: &str,
    port: u16,
    config: ClientConfig,
    timeout: Duration,
) -> Result<(), HandshakeError> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| HandshakeError::Tls(format!("`{host}` is not a name TLS can verify: {e}")))?;
    let attempt = async {
        let stream = tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(HandshakeError::Connect)?;
        tokio_rustls::TlsConnector::from(Arc::new(config))
            .connect(name, stream)
            .await
            .map_err(|e| {
                HandshakeError::Tls(tls_error(&e).map_or_else(|| e.to_string(), failure_reason))
            })
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(HandshakeError::Timeout(timeout)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/tls")
            .join(name)
    }

    #[test]
    fn the_operating_system_roots_load_or_say_why_not() {
        let roots = os_roots();
        match roots.empty_note() {
            None => assert!(!roots.store.is_empty()),
            Some(note) => assert!(note.contains("SSL_CERT_FILE"), "{note}"),
        }
        // On this machine's kind (Debian, ca-certificates) the bundle is there.
        if Path::new("/etc/ssl/certs/ca-certificates.crt").exists()
            && std::env::var_os("SSL_CERT_FILE").is_none()
        {
            assert!(roots.store.len() > 10, "{} roots", roots.store.len());
        }
    }

    #[test]
    fn a_bundle_file_loads_as_roots_and_a_missing_one_says_why() {
        let loaded = OsRoots::from_result(rustls_native_certs::load_certs_from_paths(
            Some(&fixture("ca.pem")),
            None,
        ));
        assert_eq!(loaded.store.len(), 1);
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.empty_note(), None);

        let missing = OsRoots::from_result(rustls_native_certs::load_certs_from_paths(
            Some(Path::new("/nonexistent/qrconform-roots.pem")),
            None,
        ));
        assert!(missing.store.is_empty());
        let note = missing.empty_note().expect("a note");
        assert!(
            note.contains("/nonexistent/qrconform-roots.pem") && note.contains("--ca-cert"),
            "{note}"
        );
    }

    #[test]
    fn a_ca_file_holds_certificates_or_is_refused_naming_it() {
        let ca = CaCerts::from_pem_file(&fixture("ca.pem")).unwrap();
        assert_eq!(ca.len(), 1);
        // Two certificates in one file are both read.
        let both = std::env::temp_dir().join(format!("qrconform-tls-{}.pem", std::process::id()));
        let text = std::fs::read_to_string(fixture("ca.pem")).unwrap()
            + &std::fs::read_to_string(fixture("leaf.pem")).unwrap();
        std::fs::write(&both, text).unwrap();
        let read = CaCerts::from_pem_file(&both);
        std::fs::remove_file(&both).unwrap();
        assert_eq!(read.unwrap().len(), 2);

        let err = CaCerts::from_pem_file(&fixture("leaf.key")).unwrap_err();
        assert!(
            err.contains("leaf.key") && err.contains("CERTIFICATE"),
            "{err}"
        );
        let err = CaCerts::from_pem_file(Path::new("/nonexistent/ca.pem")).unwrap_err();
        assert!(err.contains("/nonexistent/ca.pem"), "{err}");
    }
}
