//! Every server qrconform runs holds its peers to the same limits (H-4, H-5): an idle or
//! slow connection is closed after the header-read timeout, no more than the connection cap
//! are served at once, and the `serve` commands log one line per request with the verdict.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use qrconform::net::{serve, HEADER_READ_TIMEOUT, MAX_CONNECTIONS};

/// Reads from `stream` until the server closes it, or `limit` passes; how long it took.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    stream.set_read_timeout(Some(limit)).expect("read timeout");
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(started.elapsed())
            }
            Err(_) => return None,
        }
    }
}

/// Starts `qrconform ARGS` with both output streams piped, and reads standard output up to
/// the line starting with `prefix` (followed by `http://ADDR`); the child and that address.
/// Standard error is left for the test to read, or not.
fn spawn_serve(args: &[&str], prefix: &str) -> (std::process::Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let addr = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix(prefix)
                .and_then(|rest| rest.trim().strip_prefix("http://"))
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no line starts with `{prefix}`"));
    let addr = addr.trim().parse().expect("an address");
    (child, addr)
}

#[test]
fn serve_dapp_closes_idle_connections_and_logs_each_request_with_its_verdict() {
    let (mut child, addr) = spawn_serve(
        &[
            "serve",
            "dapp",
            "--listen",
            "127.0.0.1:0",
            "--node",
            "http://127.0.0.1:9",
        ],
        "reference dApp listening on",
    );
    let (lines, logged) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });

    // A connection that never sends a byte, and one kept alive after a request.
    let mut idle = TcpStream::connect(addr).expect("connect");
    let mut kept = TcpStream::connect(addr).expect("connect");
    kept.write_all(b"GET /icon.png HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("request");
    let mut head = [0u8; 12];
    kept.read_exact(&mut head).expect("an answer");
    assert_eq!(&head, b"HTTP/1.1 204");
    let limit = HEADER_READ_TIMEOUT + Duration::from_secs(10);
    assert!(
        closed_within(&mut idle, limit).is_some(),
        "an idle connection outlived {limit:?}"
    );
    assert!(
        closed_within(&mut kept, limit).is_some(),
        "an idle kept-alive connection outlived {limit:?}"
    );

    // A callback the dApp refuses is logged with the reason.
    let mut post = TcpStream::connect(addr).expect("connect");
    let body = "this is { not JSON";
    write!(
        post,
        "POST /callback/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("request");
    let mut answer = String::new();
    let _ = post.read_to_string(&mut answer);
    let wanted = [
        "GET /icon.png 204",
        "POST /callback/login 200 refused: 80001",
    ];
    let mut seen = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while seen.len() < wanted.len() && Instant::now() < deadline {
        if let Ok(line) = logged.recv_timeout(Duration::from_millis(200)) {
            if wanted.iter().any(|w| line.starts_with(w)) {
                seen.push(line);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(seen.len(), 2, "logged: {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_than_the_connection_cap_are_served_at_once() {
    let router = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    let server = serve(SocketAddr::from(([127, 0, 0, 1], 0)), router)
        .await
        .expect("serve");
    let addr = server.addr();
    // Fill the cap with connections that send nothing.
    let mut idle = Vec::with_capacity(MAX_CONNECTIONS);
    for _ in 0..MAX_CONNECTIONS {
        idle.push(tokio::net::TcpStream::connect(addr).await.expect("connect"));
    }
    // Give the server a moment to accept them all, then ask for more.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = qrconform::net::HttpClient::new(qrconform::net::ClientLimits {
        connect: Duration::from_secs(5),
        request: Duration::from_millis(500),
        max_body: 1024,
    });
    let url = format!("http://{addr}/");
    let waiting = client.get(&url).await;
    assert!(
        waiting.as_ref().is_err_and(|e| e.is_timeout()),
        "a connection past the cap was served: {waiting:?}"
    );
    // One connection closes: the next request is served (with time to spare on a busy
    // machine).
    idle.pop();
    let patient = qrconform::net::HttpClient::new(qrconform::net::ClientLimits::default());
    let served = patient.get(&url).await;
    assert!(served.as_ref().is_ok_and(|r| r.status == 200), "{served:?}");
    drop(idle);
    server.shutdown().await;
}

/// The request log never stalls a server: with standard error a pipe nobody reads, every
/// request is still answered (lines past the queue are dropped, not waited for).
#[test]
fn an_unread_standard_error_does_not_stall_a_serve_command() {
    let (mut child, addr) = spawn_serve(
        &[
            "serve",
            "node",
            "--rest",
            "127.0.0.1:0",
            "--rpc",
            "127.0.0.1:0",
        ],
        "REST listening on",
    );
    // Each request logs about 40 bytes: 5,000 of them overfill a 64 KiB pipe many times.
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    for i in 0..5000 {
        stream
            .write_all(b"GET /api/v1/block/height HTTP/1.1\r\nHost: x\r\n\r\n")
            .expect("request");
        let mut status = String::new();
        reader
            .read_line(&mut status)
            .unwrap_or_else(|e| panic!("request {i} was not answered: {e}"));
        assert!(status.starts_with("HTTP/1.1 200"), "request {i}: {status}");
        // Skip the headers and the body (Content-Length).
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).expect("header");
            if header == "\r\n" {
                break;
            }
            if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().expect("length");
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).expect("body");
    }
    let _ = child.kill();
    let _ = child.wait();
}
