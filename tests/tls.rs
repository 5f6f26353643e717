//! https targets: the harness verifies a peer's certificate against the operating system's
//! roots and `--ca-cert`; a certificate it cannot verify is a set-up ERROR (exit 2) naming
//! the URL and the TLS error, a handshake is bounded by the step timeout, and a back end
//! behind a private CA passes when the CA is given. The certificates are the committed
//! loopback-only pair in tests/fixtures/tls (see tests/fixtures/README.md).

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{free_port, qrconform, scratch_dir, text};
use qrconform::harness::steps::network;
use qrconform::harness::Verdict;
use qrconform::net::{tls, CaCerts, ClientLimits, HttpClient, HttpError};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// The server side of the fixture: the leaf certificate the test CA signed, and its key.
fn server_config() -> Arc<rustls::ServerConfig> {
    let certs = vec![CertificateDer::from_pem_file(fixture("leaf.pem")).expect("leaf.pem")];
    let key = PrivateKeyDer::from_pem_file(fixture("leaf.key")).expect("leaf.key");
    let config = rustls::ServerConfig::builder_with_provider(tls::crypto_provider())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("the fixture's certificate and key match");
    Arc::new(config)
}

/// What a TLS front does with each connection once the handshake is done.
#[derive(Clone, Copy)]
enum Behind {
    /// Relay the bytes to a plain-http server at this address.
    Relay(SocketAddr),
    /// Answer one request with `200 ok` and close.
    Ok,
}

/// A TLS server on a loopback port, on a runtime of its own thread; stopped when dropped.
struct TlsFront {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TlsFront {
    fn start(listener: std::net::TcpListener, behind: Behind) -> Self {
        let addr = listener.local_addr().expect("addr");
        listener.set_nonblocking(true).expect("nonblocking");
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let acceptor = tokio_rustls::TlsAcceptor::from(server_config());
                loop {
                    let stream = tokio::select! {
                        _ = &mut stopped => break,
                        accepted = listener.accept() => match accepted {
                            Ok((stream, _)) => stream,
                            Err(_) => continue,
                        },
                    };
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        let Ok(Ok(mut tls)) =
                            tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream))
                                .await
                        else {
                            return;
                        };
                        match behind {
                            Behind::Relay(backend) => {
                                if let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await
                                {
                                    let _ = tokio::time::timeout(
                                        Duration::from_secs(60),
                                        tokio::io::copy_bidirectional(&mut tls, &mut plain),
                                    )
                                    .await;
                                }
                            }
                            Behind::Ok => {
                                let mut request = vec![0u8; 4096];
                                let _ = tls.read(&mut request).await;
                                let _ = tls
                                    .write_all(
                                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                                    )
                                    .await;
                                let _ = tls.shutdown().await;
                            }
                        }
                    });
                }
            });
        });
        TlsFront {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn loopback_listener() -> std::net::TcpListener {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback")
}

fn limits(timeout: Duration) -> ClientLimits {
    ClientLimits {
        connect: timeout,
        request: timeout,
        max_body: 1024,
    }
}

#[tokio::test]
async fn a_private_ca_is_trusted_only_when_given_and_an_untrusted_certificate_is_an_error() {
    let front = TlsFront::start(loopback_listener(), Behind::Ok);
    let ca = CaCerts::from_pem_file(&fixture("ca.pem")).expect("ca.pem");
    for host in ["127.0.0.1", "localhost"] {
        let url = format!("https://{host}:{}/qr", front.addr.port());
        let trusting = HttpClient::new(limits(Duration::from_secs(5))).trusting(Some(&ca));
        let reply = trusting.get(&url).await.expect("trusted");
        assert_eq!((reply.status, reply.body.as_slice()), (200, &b"ok"[..]));

        let err = HttpClient::new(limits(Duration::from_secs(5)))
            .get(&url)
            .await
            .unwrap_err();
        let HttpError::Tls { url: named, reason } = &err else {
            panic!("not a TLS error: {err:?}");
        };
        assert_eq!(named, &url);
        assert!(reason.contains("UnknownIssuer"), "{reason}");
        let shown = err.to_string();
        assert!(
            shown.contains(&url) && shown.contains("--ca-cert"),
            "{shown}"
        );
        // The harness's set-up, not the back end's failure.
        let (verdict, why) = network("fetching the QR code", err);
        assert_eq!(verdict, Verdict::Error);
        assert!(why.contains("invalid peer certificate"), "{why}");
    }
}

#[tokio::test]
async fn a_peer_that_never_answers_the_handshake_times_out_within_the_step_timeout() {
    // Accepts connections (the kernel's backlog does) and never says a word.
    let silent = loopback_listener();
    let url = format!("https://{}/qr", silent.local_addr().expect("addr"));
    let timeout = Duration::from_millis(400);
    let started = Instant::now();
    let err = HttpClient::new(limits(timeout))
        .get(&url)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(network("step", err).0, Verdict::Timeout);

    let addr = silent.local_addr().expect("addr");
    let started = Instant::now();
    let handshake =
        tls::handshake("127.0.0.1", addr.port(), tls::client_config(None), timeout).await;
    assert!(
        matches!(handshake, Err(tls::HandshakeError::Timeout(_))),
        "{handshake:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    drop(silent);
}

/// The reference dApp in another process, behind a TLS front whose address its QR codes
/// name, and a target file for it in `folder` (which the caller removes).
fn reference_dapp_behind_tls(
    folder: &Path,
    ca_cert: Option<&str>,
) -> (common::Served, TlsFront, PathBuf) {
    let front_listener = loopback_listener();
    let base = format!(
        "https://127.0.0.1:{}",
        front_listener.local_addr().expect("addr").port()
    );
    let rest = free_port();
    let node = format!("http://127.0.0.1:{rest}");
    let dapp = common::Served::start(
        &[
            "serve",
            "dapp",
            "--listen",
            "127.0.0.1:0",
            "--node",
            &node,
            "--qr-lifetime",
            "3",
            "--public-url",
            &base,
        ],
        "Ctrl-C",
    );
    let plain: SocketAddr = dapp
        .value("reference dApp listening on ")
        .trim_start_matches("http://")
        .parse()
        .expect("the dApp's address");
    let front = TlsFront::start(front_listener, Behind::Relay(plain));
    let ca_line = ca_cert.map_or(String::new(), |path| format!("ca_cert = \"{path}\"\n"));
    let target = format!(
        r#"name = "reference dApp behind TLS"
version = "test"
status = "{base}/status/{{id}}"
restart = "{base}/restart"
{ca_line}
[node]
rest = "127.0.0.1:{rest}"
rpc = "127.0.0.1:0"

[sources]
"login.address" = {{ url = "{base}/qr/login?type=address" }}
"login.account" = {{ url = "{base}/qr/login?type=account" }}
"login.ontid" = {{ url = "{base}/qr/login?type=ontid" }}
"signMessage.text" = {{ url = "{base}/qr/signMessage" }}
"signMessage.hex" = {{ url = "{base}/qr/signMessage?ishex=true" }}
"signMultiMessage.text" = {{ url = "{base}/qr/signMultiMessage" }}
"signMultiMessage.hex" = {{ url = "{base}/qr/signMultiMessage?ishex=true" }}
invoke = {{ url = "{base}/qr/invoke" }}

[limits]
timeout_ms = 5000
clock_skew_secs = 0
max_expiry_wait_secs = 10
"#
    );
    let path = folder.join("target.toml");
    std::fs::write(&path, target).expect("write the target file");
    (dapp, front, path)
}

#[test]
fn a_back_end_behind_a_private_ca_passes_with_ca_cert_and_is_a_set_up_error_without() {
    let folder = scratch_dir("tls-flag");
    let (dapp, front, target) = reference_dapp_behind_tls(&folder, None);
    let target_arg = target.to_str().expect("utf-8");
    let ca = fixture("ca.pem");

    let out = qrconform(&[
        "test",
        "dapp",
        "--protocol",
        "ontology",
        "--target",
        target_arg,
        "--ca-cert",
        ca.to_str().expect("utf-8"),
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains("83 of 83 cases ran: 83 PASS"), "{stderr}");

    let out = qrconform(&["test", "dapp", "--target", target_arg]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let base = format!("https://127.0.0.1:{}", front.addr.port());
    // The first URL source in key order.
    assert!(
        stderr.contains(&format!(
            "the TLS handshake with the QR source `invoke` ({base}/qr/invoke) failed"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("invalid peer certificate: UnknownIssuer") && stderr.contains("--ca-cert"),
        "{stderr}"
    );
    assert!(stderr.contains("Nothing was judged"), "{stderr}");

    // A CA file that is not one is refused before anything runs.
    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        target_arg,
        "--ca-cert",
        fixture("leaf.key").to_str().expect("utf-8"),
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--ca-cert") && stderr.contains("leaf.key"),
        "{stderr}"
    );
    drop((dapp, front));
}

#[test]
fn a_target_files_ca_cert_is_read_relative_to_the_file() {
    // The CA sits beside the target file, which names it by a relative path; the harness
    // runs in another working directory.
    let folder = scratch_dir("tls-relative");
    std::fs::copy(fixture("ca.pem"), folder.join("private-ca.pem")).expect("copy the CA");
    let (dapp, front, target) = reference_dapp_behind_tls(&folder, Some("private-ca.pem"));
    assert_ne!(std::env::current_dir().expect("cwd"), folder.to_path_buf());
    let out = qrconform(&[
        "test",
        "dapp",
        "--target",
        target.to_str().expect("utf-8"),
        "--exact",
        "login.address.honest",
    ]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    drop((dapp, front));
}

#[test]
fn a_wallet_driver_behind_a_private_ca_is_driven_with_ca_cert_and_refused_without() {
    let front_listener = loopback_listener();
    let front_url = format!(
        "https://127.0.0.1:{}",
        front_listener.local_addr().expect("addr").port()
    );
    let rest = free_port();
    let node = format!("http://127.0.0.1:{rest}");
    let wallet = common::Served::start(
        &[
            "serve",
            "wallet",
            "--listen",
            "127.0.0.1:0",
            "--node",
            &node,
        ],
        "Ctrl-C",
    );
    let plain: SocketAddr = wallet
        .value("reference wallet listening on ")
        .trim_start_matches("http://")
        .parse()
        .expect("the wallet's address");
    let front = TlsFront::start(front_listener, Behind::Relay(plain));
    let rest_addr = format!("127.0.0.1:{rest}");
    let ca = fixture("ca.pem");
    let args = [
        "test",
        "wallet",
        "--driver",
        &front_url,
        "--node-rest",
        &rest_addr,
        "--node-rpc",
        "127.0.0.1:0",
        "--exact",
        "login.address.honest",
    ];

    let mut trusting = args.to_vec();
    trusting.extend(["--ca-cert", ca.to_str().expect("utf-8")]);
    let out = qrconform(&trusting);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");

    let out = qrconform(&args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the TLS handshake with {front_url}/identity failed"
        )) && stderr.contains("invalid peer certificate: UnknownIssuer"),
        "{stderr}"
    );
    drop((wallet, front));
}
