//! The reference wallet's place behind the shared driver protocol face
//! ([`crate::reference::driver_server`]): its identity and its scans. The decisions live in
//! [`scan`](super::scan).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use serde_json::Value;

use super::{scan, Shared};
use crate::protocol::driver::{ScanReply, ScanRequest};
use crate::reference::driver_server::{self, DriverWallet};

impl DriverWallet for Shared {
    fn identity_json(&self) -> Result<Value, String> {
        serde_json::to_value(self.identity()).map_err(|e| e.to_string())
    }

    fn scan<'a>(
        &'a self,
        request: &'a ScanRequest,
    ) -> Pin<Box<dyn Future<Output = ScanReply> + Send + 'a>> {
        Box::pin(scan::scan(self, request))
    }

    fn scanning(&self) -> &tokio::sync::Mutex<()> {
        &self.scanning
    }
}

/// The router over the shared state.
pub(super) fn router(shared: Arc<Shared>) -> Router {
    driver_server::router(shared)
}
