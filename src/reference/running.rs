//! What the reference dApps share about being a running server: the base URL they write into
//! QR codes and callbacks ([`PublicBase`]), the handle their `start` returns
//! ([`RunningServer`]), and the limits on their own requests to a node ([`NODE_LIMITS`]).
//!
//! Both reference dApps (Ontology and SimpleWallet) issue URLs under their own base before a
//! wallet ever calls them, and a listener on port 0 only learns its port once it is bound:
//! the base is therefore set once, right after binding, with the configured public URL (a
//! LAN address, a tunnel) taking precedence.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;

use crate::net::{serve, ClientLimits, ServerHandle};

/// Limits on a reference dApp's own requests to the node: a stuck node must not hold a
/// wallet's post for longer than the wallet waits for its reply.
pub const NODE_LIMITS: ClientLimits = ClientLimits {
    connect: Duration::from_secs(5),
    request: Duration::from_secs(10),
    max_body: 4 * 1024 * 1024,
};

/// The base URL a reference server writes into what it issues, without a trailing slash.
#[derive(Debug)]
pub struct PublicBase {
    /// The configured public URL, if any.
    public: Option<String>,
    /// Set once the listening address is known.
    bound: OnceLock<String>,
    /// What the base would be if a request raced the start-up (the address asked for).
    fallback: String,
}

impl PublicBase {
    /// The base for a server asked to listen on `listen`, or published as `public_url`.
    pub fn new(public_url: Option<&str>, listen: SocketAddr) -> Self {
        let public = public_url.map(|url| url.trim_end_matches('/').to_string());
        let fallback = public.clone().unwrap_or_else(|| format!("http://{listen}"));
        PublicBase {
            public,
            bound: OnceLock::new(),
            fallback,
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:8080`.
    pub fn get(&self) -> &str {
        self.bound.get().map_or(&self.fallback, String::as_str)
    }

    /// Fixes the base once the server is bound: the public URL, or the bound address.
    fn bind(&self, server: &ServerHandle) {
        // A second call keeps the first value: the base of a running server never moves.
        let _ = self
            .bound
            .set(self.public.clone().unwrap_or_else(|| server.base_url()));
    }
}

/// State a reference server's handlers share, which knows the server's public base.
pub trait HasPublicBase {
    fn public_base(&self) -> &PublicBase;
}

/// A running reference server and the state its handlers share.
#[derive(Debug)]
pub struct RunningServer<S> {
    server: ServerHandle,
    shared: Arc<S>,
}

impl<S: HasPublicBase> RunningServer<S> {
    /// Binds `listen`, serves `router` (built over `shared`) and fixes the public base.
    pub async fn start(listen: SocketAddr, shared: Arc<S>, router: Router) -> Result<Self, String> {
        let server = serve(listen, router).await?;
        // Only now is the port known when 0 was asked for.
        shared.public_base().bind(&server);
        Ok(RunningServer { server, shared })
    }

    /// The base URL its QR codes use (the public URL when one was configured).
    pub fn base_url(&self) -> String {
        self.shared.public_base().get().to_string()
    }

    /// `http://ADDR` of the listening socket.
    pub fn listen_url(&self) -> String {
        self.server.base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The state the handlers share (sessions, faults), for tests that look inside.
    pub fn shared(&self) -> &Arc<S> {
        &self.shared
    }

    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct State(PublicBase);

    impl HasPublicBase for State {
        fn public_base(&self) -> &PublicBase {
            &self.0
        }
    }

    #[tokio::test]
    async fn the_base_is_the_bound_address_unless_a_public_url_is_given() {
        let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let bound = Arc::new(State(PublicBase::new(None, loopback)));
        assert_eq!(bound.0.get(), "http://127.0.0.1:0");
        let running = RunningServer::start(loopback, bound, Router::new())
            .await
            .unwrap();
        assert_eq!(running.base_url(), running.listen_url());
        assert_ne!(running.addr().port(), 0);
        running.shutdown().await;

        let public = Arc::new(State(PublicBase::new(
            Some("https://shop.example/"),
            loopback,
        )));
        let running = RunningServer::start(loopback, public, Router::new())
            .await
            .unwrap();
        assert_eq!(running.base_url(), "https://shop.example");
        assert_ne!(running.listen_url(), running.base_url());
        running.shutdown().await;
    }
}
