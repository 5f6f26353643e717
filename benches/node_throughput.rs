//! Sends per second the mock nodes accept, at 1, 16 and 64 requests in flight: the Ontology
//! node's REST `POST /api/v1/transaction` (a signed ONG transfer, each with its own nonce)
//! and the EOS node's `POST /v1/chain/push_transaction` (a signed `eosio.token::transfer`,
//! each with its own memo).
//!
//! Each node runs in-process on its own two-worker runtime, as `serve node` runs it. The
//! transactions of a sample are built and signed before the sample starts, so the timed part
//! is the node's work (reading, checking, executing and answering) plus a minimal HTTP/1.1
//! keep-alive client on one thread: one connection per request in flight, each sending its
//! next request when the answer to the last one is in. A sample runs for
//! [`SAMPLE`] or until its transactions run out; its rate is the accepted sends over the time
//! taken. Every answer is checked: a refused send stops the bench.
//!
//! Run: `cargo bench --bench node_throughput` (medians of [`SAMPLES`] samples after a warm-up);
//! `-- --quick` runs one short sample per level, as a smoke test.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{signed_invoke, start_ontology_node, transfer_call};
use qrconform::chain::eos::{self, EosNodeConfig, RunningEosNode};
use qrconform::chain::ontology::RunningNode;
use qrconform::protocol::ontology::crypto::PrivateKey;
use qrconform::protocol::ontology::invoke::{build_script, InvokeCall};
use qrconform::protocol::simplewallet::crypto::PrivateKey as EosPrivateKey;
use qrconform::protocol::simplewallet::eosio::{
    Action, Asset, Name, PermissionLevel, Transaction as EosTransaction, Transfer,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::runtime::Runtime;

/// How long one sample runs at most.
const SAMPLE: Duration = Duration::from_secs(1);
/// Samples per level; the median is reported.
const SAMPLES: usize = 5;
/// Requests in flight.
const LEVELS: [usize; 3] = [1, 16, 64];
/// The fewest transactions prepared for a sample.
const MIN_POOL: usize = 2_000;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick" || a == "--test");
    let (samples, sample) = if quick {
        (1, Duration::from_millis(200))
    } else {
        (SAMPLES, SAMPLE)
    };
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("the server runtime");
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("the client runtime");
    let mut rows = Vec::new();
    let ontology = OntologyBench::start(&server);
    rows.push(("ontology", measure(&ontology, &client, samples, sample)));
    let eos = EosBench::start(&server);
    rows.push(("eos", measure(&eos, &client, samples, sample)));
    println!();
    println!("node      | {:>10} | {:>10} | {:>10}", "1", "16", "64");
    for (name, medians) in rows {
        let cells: Vec<String> = medians.iter().map(|r| format!("{r:>10.0}")).collect();
        println!("{name:<9} | {}", cells.join(" | "));
    }
    println!("(sends/s, median of {samples} sample(s) of at most {sample:?} each)");
}

/// A node under test: where to send, and a source of ready request bodies.
trait Target {
    fn name(&self) -> &'static str;
    fn addr(&self) -> SocketAddr;
    fn path(&self) -> &'static str;
    /// `count` distinct, signed request bodies the node will accept now.
    fn bodies(&self, count: usize) -> Vec<Vec<u8>>;
    /// Whether an answer is an acceptance.
    fn accepted(&self, status: u16, body: &[u8]) -> bool;
}

fn measure(target: &dyn Target, client: &Runtime, samples: usize, sample: Duration) -> Vec<f64> {
    let mut medians = Vec::new();
    let mut expected_rate = 0.0f64;
    for in_flight in LEVELS {
        let mut rates = Vec::new();
        // One warm-up sample, then the measured ones.
        for n in 0..=samples {
            let want = (expected_rate * sample.as_secs_f64() * 1.5) as usize;
            let pool = target.bodies(want.max(MIN_POOL));
            let rate = client.block_on(run_sample(target, in_flight, pool, sample));
            expected_rate = expected_rate.max(rate);
            if n > 0 {
                rates.push(rate);
            }
        }
        rates.sort_by(f64::total_cmp);
        let median = rates[rates.len() / 2];
        println!(
            "{} {in_flight:>2} in flight: {:>6.0} sends/s (samples {})",
            target.name(),
            median,
            rates
                .iter()
                .map(|r| format!("{r:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        medians.push(median);
    }
    medians
}

async fn run_sample(
    target: &dyn Target,
    in_flight: usize,
    pool: Vec<Vec<u8>>,
    sample: Duration,
) -> f64 {
    let pool = Arc::new(pool);
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let mut connections = Vec::new();
    for _ in 0..in_flight {
        let stream = TcpStream::connect(target.addr()).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        connections.push(stream);
    }
    let started = Instant::now();
    let deadline = started + sample;
    let mut tasks = tokio::task::JoinSet::new();
    for mut stream in connections {
        let pool = pool.clone();
        let next = next.clone();
        let done = done.clone();
        let head = format!(
            "POST {} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\n",
            target.path(),
            target.addr()
        );
        tasks.spawn(async move {
            let mut answers = Vec::new();
            let mut buf = Vec::with_capacity(16 * 1024);
            while Instant::now() < deadline {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = pool.get(i) else { break };
                let mut request = head.clone().into_bytes();
                request.extend_from_slice(
                    format!("content-length: {}\r\n\r\n", body.len()).as_bytes(),
                );
                request.extend_from_slice(body);
                stream.write_all(&request).await.expect("send");
                let (status, answer) = read_response(&mut stream, &mut buf).await;
                answers.push((status, answer));
                done.fetch_add(1, Ordering::Relaxed);
            }
            answers
        });
    }
    let mut all = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        all.extend(joined.expect("a client task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    for (status, answer) in &all {
        assert!(
            target.accepted(*status, answer),
            "{} refused a send: HTTP {status} {}",
            target.name(),
            String::from_utf8_lossy(answer)
        );
    }
    done.load(Ordering::Relaxed) as f64 / elapsed
}

/// Reads one HTTP/1.1 response with a `content-length` body; its status and body.
async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> (u16, Vec<u8>) {
    loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let status = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .expect("a status line");
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .expect("a content-length");
            let total = end + 4 + length;
            while buf.len() < total {
                read_more(stream, buf).await;
            }
            let body = buf[end + 4..total].to_vec();
            buf.drain(..total);
            return (status, body);
        }
        read_more(stream, buf).await;
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) {
    let mut chunk = [0u8; 8192];
    let n = stream.read(&mut chunk).await.expect("read");
    assert!(n > 0, "the node closed the connection");
    buf.extend_from_slice(&chunk[..n]);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

struct OntologyBench {
    running: RunningNode,
    key: PrivateKey,
    call: InvokeCall,
    nonce: AtomicUsize,
}

impl OntologyBench {
    fn start(server: &Runtime) -> Self {
        let running = start_ontology_node(server);
        let key = PrivateKey::from_seed("bench/throughput");
        OntologyBench {
            running,
            call: transfer_call(&key, 1),
            key,
            nonce: AtomicUsize::new(1),
        }
    }
}

impl Target for OntologyBench {
    fn name(&self) -> &'static str {
        "ontology"
    }
    fn addr(&self) -> SocketAddr {
        self.running.rest.addr()
    }
    fn path(&self) -> &'static str {
        "/api/v1/transaction"
    }
    fn bodies(&self, count: usize) -> Vec<Vec<u8>> {
        let code = build_script(&self.call);
        (0..count)
            .map(|_| {
                let nonce = self.nonce.fetch_add(1, Ordering::Relaxed) as u32;
                let tx = signed_invoke(&self.key, &self.call, code.clone(), nonce);
                json!({"Action": "sendrawtransaction", "Version": "1.0.0", "Data": tx.to_hex()})
                    .to_string()
                    .into_bytes()
            })
            .collect()
    }
    fn accepted(&self, status: u16, body: &[u8]) -> bool {
        status == 200 && serde_json::from_slice::<Value>(body).is_ok_and(|v| v["Error"] == 0)
    }
}

struct EosBench {
    running: RunningEosNode,
    key: EosPrivateKey,
    memo: AtomicUsize,
}

impl EosBench {
    fn start(server: &Runtime) -> Self {
        let running = server
            .block_on(eos::start(
                EosNodeConfig::demo(),
                "127.0.0.1:0".parse().expect("addr"),
            ))
            .expect("the EOS node starts");
        let (_, seed) = eos::DEMO_ACCOUNTS[0];
        EosBench {
            running,
            key: eos::demo_key(seed),
            memo: AtomicUsize::new(0),
        }
    }
}

fn name(text: &str) -> Name {
    text.parse().expect("a name")
}

impl Target for EosBench {
    fn name(&self) -> &'static str {
        "eos"
    }
    fn addr(&self) -> SocketAddr {
        self.running.addr()
    }
    fn path(&self) -> &'static str {
        "/v1/chain/push_transaction"
    }
    fn bodies(&self, count: usize) -> Vec<Vec<u8>> {
        let node = self.running.node();
        let info = node.info();
        let chain_id = node.chain_id();
        let head_num = info["head_block_num"].as_u64().expect("head") as u32;
        let head_id: [u8; 32] = hex::decode(info["head_block_id"].as_str().expect("id"))
            .expect("hex")
            .try_into()
            .expect("32 bytes");
        let expiration = (node.now_ms() / 1000) as u32 + 600;
        let quantity: Asset = "0.0001 EOS".parse().expect("asset");
        (0..count)
            .map(|_| {
                let memo = format!("bench {}", self.memo.fetch_add(1, Ordering::Relaxed));
                let transfer = Transfer {
                    from: name(eos::DEMO_ACCOUNTS[0].0),
                    to: name(eos::DEMO_ACCOUNTS[1].0),
                    quantity: quantity.clone(),
                    memo,
                };
                let tx = EosTransaction {
                    expiration,
                    ref_block_num: (head_num & 0xffff) as u16,
                    ref_block_prefix: u32::from_le_bytes([
                        head_id[8],
                        head_id[9],
                        head_id[10],
                        head_id[11],
                    ]),
                    actions: vec![Action {
                        account: name("eosio.token"),
                        name: name("transfer"),
                        authorization: vec![PermissionLevel {
                            actor: name(eos::DEMO_ACCOUNTS[0].0),
                            permission: name("active"),
                        }],
                        data: transfer.pack(),
                    }],
                    ..EosTransaction::default()
                };
                let signature = self.key.sign_digest(&tx.signing_digest(&chain_id));
                json!({
                    "signatures": [signature.to_string()],
                    "compression": "none",
                    "packed_context_free_data": "",
                    "packed_trx": hex::encode(tx.pack()),
                })
                .to_string()
                .into_bytes()
            })
            .collect()
    }
    fn accepted(&self, status: u16, body: &[u8]) -> bool {
        (200..300).contains(&status)
            && serde_json::from_slice::<Value>(body).is_ok_and(|v| v["transaction_id"].is_string())
    }
}
