//! The interactive wallet run's callback listener: an HTTP URL the harness puts in a
//! request's deep-link `callback` when a person scans with a phone, so that the URL the
//! wallet opens (`callback&result=1&txID=…`, SW-X3) is recorded as it arrives instead of
//! being typed back by the person.
//!
//! It listens on the interactive listen address the target declares (`[harness] listen`'s
//! IP, loopback by default) on a port the OS chooses, and names itself by the target's
//! `public_url` host when one is given (a phone reaches the machine by its LAN address).
//! It answers `GET /opened?case=<token>…` with a short page and keeps the URL, as the wallet
//! opened it, under the case's token; anything else is a 404. Nothing a peer sends can make
//! it grow: at most [`MAX_KEPT`] URLs are kept (the oldest dropped), each cut to
//! [`MAX_URL_CHARS`] characters, and the server's own connection and body limits apply
//! ([`crate::net::serve`]).

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;

use crate::net::{serve, ServerHandle};

/// The path of every callback URL the listener hands out.
pub const PATH: &str = "/opened";

/// The most opened URLs kept, over all cases.
pub const MAX_KEPT: usize = 256;

/// The longest opened URL kept (as the driver protocol's scan reply bounds one).
pub const MAX_URL_CHARS: usize = 8192;

/// The page a phone's browser shows after opening a callback.
const PAGE: &str = "<!doctype html><title>qrconform</title><p>qrconform recorded this callback. \
                    Return to the terminal.</p>";

#[derive(Debug, Default)]
struct Kept {
    /// `(token, URL)`, oldest first.
    urls: VecDeque<(String, String)>,
}

#[derive(Debug)]
struct Shared {
    base: String,
    kept: Mutex<Kept>,
    /// Bumped on every URL kept, to wake waiters.
    changed: watch::Sender<u64>,
}

/// A running callback listener.
#[derive(Debug)]
pub struct OpenedListener {
    shared: Arc<Shared>,
    server: ServerHandle,
}

impl OpenedListener {
    /// Listens on `ip` (port 0: the OS chooses); callback URLs name the host of
    /// `public_url` when given, else the bound address.
    pub async fn start(ip: IpAddr, public_url: Option<&str>) -> Result<Self, String> {
        // The base is known only once bound: the handler reads it from a cell set after.
        let cell: Arc<Mutex<Option<Arc<Shared>>>> = Arc::new(Mutex::new(None));
        let router = Router::new()
            .route(PATH, get(opened))
            .fallback(|| async { StatusCode::NOT_FOUND })
            .with_state(Arc::clone(&cell));
        let server = serve(SocketAddr::new(ip, 0), router)
            .await
            .map_err(|e| format!("the callback listener: {e}"))?;
        let port = server.addr().port();
        let base = match public_url.and_then(host_of) {
            Some(host) => format!("http://{host}:{port}"),
            None => server.base_url(),
        };
        let shared = Arc::new(Shared {
            base,
            kept: Mutex::new(Kept::default()),
            changed: watch::Sender::new(0),
        });
        *cell.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::clone(&shared));
        Ok(OpenedListener { shared, server })
    }

    /// The listener's origin, `http://HOST:PORT`.
    pub fn base_url(&self) -> &str {
        &self.shared.base
    }

    /// The callback URL for the case `token`: the wallet appends `&result=…&txID=…`.
    pub fn callback_url(&self, token: &str) -> String {
        format!("{}{PATH}?case={token}", self.shared.base)
    }

    /// The URLs opened for `token` so far, in order.
    pub fn opened(&self, token: &str) -> Vec<String> {
        let kept = self.shared.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.urls
            .iter()
            .filter(|(t, _)| t == token)
            .map(|(_, url)| url.clone())
            .collect()
    }

    /// The URLs opened for `token`, waiting up to `within` for the first one; empty when
    /// none came.
    pub async fn wait_opened(&self, token: &str, within: Duration) -> Vec<String> {
        let mut changed = self.shared.changed.subscribe();
        let wait = async {
            loop {
                let opened = self.opened(token);
                if !opened.is_empty() {
                    return opened;
                }
                if changed.changed().await.is_err() {
                    return Vec::new();
                }
            }
        };
        tokio::time::timeout(within, wait).await.unwrap_or_default()
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

/// `GET /opened?case=TOKEN&…`: keeps the URL under TOKEN.
async fn opened(State(cell): State<Arc<Mutex<Option<Arc<Shared>>>>>, uri: Uri) -> Response {
    let Some(shared) = cell.lock().unwrap_or_else(|p| p.into_inner()).clone() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let query = uri.query().unwrap_or("");
    let Some(token) = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("case="))
        .filter(|t| !t.is_empty())
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let url: String = format!("{}{PATH}?{query}", shared.base)
        .chars()
        .take(MAX_URL_CHARS)
        .collect();
    {
        let mut kept = shared.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.urls.len() >= MAX_KEPT {
            kept.urls.pop_front();
        }
        kept.urls.push_back((token.to_string(), url));
    }
    shared.changed.send_modify(|n| *n = n.wrapping_add(1));
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response()
}

/// The host (with IPv6 brackets) of an `http(s)://HOST[:PORT]/…` URL.
fn host_of(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let host = if authority.starts_with('[') {
        let (inside, _) = authority.split_once(']')?;
        format!("{inside}]")
    } else {
        authority
            .rsplit_once(':')
            .map_or(authority, |(h, _)| h)
            .to_string()
    };
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{ClientLimits, HttpClient};

    fn http() -> HttpClient {
        HttpClient::new(ClientLimits {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(5),
            max_body: 1 << 16,
        })
    }

    #[test]
    fn the_host_is_read_from_the_public_url() {
        assert_eq!(
            host_of("http://192.168.1.20:8099").as_deref(),
            Some("192.168.1.20")
        );
        assert_eq!(
            host_of("https://lan.example/base/").as_deref(),
            Some("lan.example")
        );
        assert_eq!(
            host_of("http://[fe80::1]:80/x").as_deref(),
            Some("[fe80::1]")
        );
        assert_eq!(host_of("no scheme"), None);
    }

    #[tokio::test]
    async fn an_opened_callback_is_kept_under_its_case_and_nothing_else_is() {
        let listener = OpenedListener::start([127, 0, 0, 1].into(), None)
            .await
            .expect("listens");
        let http = http();
        let url = format!("{}&result=1&txID=ab12", listener.callback_url("t1"));
        let reply = http.get(&url).await.expect("answered");
        assert_eq!(reply.status, 200);
        assert_eq!(listener.opened("t1"), vec![url.clone()]);
        assert!(listener.opened("t").is_empty(), "tokens match exactly");
        // Not a callback: no case, another path.
        for other in [
            format!("{}{PATH}", listener.base_url()),
            format!("{}/elsewhere?case=t1", listener.base_url()),
        ] {
            assert_eq!(http.get(&other).await.expect("answered").status, 404);
        }
        assert_eq!(listener.opened("t1").len(), 1);
        // A late opening wakes a waiter; none within the wait gives nothing.
        let waiter = listener.wait_opened("t2", Duration::from_secs(5));
        let late = format!("{}&result=0", listener.callback_url("t2"));
        let (got, _) = tokio::join!(waiter, http.get(&late));
        assert_eq!(got, vec![late]);
        assert!(listener
            .wait_opened("t3", Duration::from_millis(50))
            .await
            .is_empty());
        listener.shutdown().await;
    }

    #[tokio::test]
    async fn the_record_is_bounded_and_urls_are_cut() {
        let listener = OpenedListener::start([127, 0, 0, 1].into(), Some("http://10.0.0.9:1/"))
            .await
            .expect("listens");
        assert!(listener.base_url().starts_with("http://10.0.0.9:"));
        assert!(listener.callback_url("x").contains("/opened?case=x"));
        listener.shutdown().await;
        let listener = OpenedListener::start([127, 0, 0, 1].into(), None)
            .await
            .expect("listens");
        let http = http();
        for n in 0..MAX_KEPT + 5 {
            let url = format!("{}&n={n}", listener.callback_url("flood"));
            http.get(&url).await.expect("answered");
        }
        assert_eq!(listener.opened("flood").len(), MAX_KEPT);
        let long = format!("{}&pad={}", listener.callback_url("long"), "a".repeat(9000));
        http.get(&long).await.expect("answered");
        assert_eq!(listener.opened("long")[0].chars().count(), MAX_URL_CHARS);
        listener.shutdown().await;
    }
}
