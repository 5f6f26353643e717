//! The reference dApp's memory: one [`Session`] per QR code it issued, kept in a bounded
//! store, and how QR lifetimes are judged (the clock itself is the shared [`Clock`]).
//!
//! [`Clock`]: crate::clock::Clock
//!
//! A session is what the back end must remember to judge a callback later (ONT-L8): the
//! message(s) it issued, how they are signed (`ishex`), when the QR code expires, and whether a
//! callback was already accepted (so a replay can be refused). The store is bounded because
//! anyone who can reach `/qr/...` can create sessions; when it is full the oldest session is
//! forgotten, which only turns that session's late callback into an "unknown message".

use serde_json::{json, Value};

use crate::reference::store::BoundedStore;

/// The most sessions kept at once.
pub const MAX_SESSIONS: usize = crate::reference::store::MAX_ENTRIES;

/// The actions a QR code can ask for; also the callback kinds (`POST /callback/{kind}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Login,
    SignMessage,
    SignMultiMessage,
    Invoke,
}

impl Kind {
    /// The protocol's spelling, as `action` and the callback path use it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Login => "login",
            Kind::SignMessage => "signMessage",
            Kind::SignMultiMessage => "signMultiMessage",
            Kind::Invoke => "invoke",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [
            Kind::Login,
            Kind::SignMessage,
            Kind::SignMultiMessage,
            Kind::Invoke,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

/// Where a session stands, as `GET /status/{id}` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Issued; no callback settled it yet.
    Pending,
    /// A login or signature was accepted.
    Accepted,
    /// The last callback for a login or signature was refused.
    Rejected,
    /// The chain confirmed the invocation.
    Confirmed,
    /// The invocation failed: the wallet reported it, or the chain does not confirm it.
    Failed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Confirmed => "confirmed",
            Status::Failed => "failed",
        }
    }

    /// Whether the session already reached its good end. A later bad callback (a replay, a
    /// forgery) must not undo that: the status answers "did the user log in / pay?".
    pub fn is_settled_good(self) -> bool {
        matches!(self, Status::Accepted | Status::Confirmed)
    }
}

/// One issued QR code.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: String,
    pub kind: Kind,
    /// The issued message(s): one for login and signMessage, several for signMultiMessage,
    /// none for invoke.
    pub messages: Vec<String>,
    /// The login `type` asked for (`address` for the sign actions; unused for invoke).
    pub login_type: String,
    /// Whether the message(s) are hex to be decoded before signing (ONT-S2).
    pub ishex: bool,
    /// Unix seconds after which the QR code is void.
    pub expire: u64,
    pub status: Status,
    /// Why the session was rejected or failed.
    pub reason: Option<String>,
    /// Whether a callback was accepted (the replay check's memory).
    pub accepted: bool,
}

impl Session {
    /// A pending session.
    pub fn new(id: String, kind: Kind, messages: Vec<String>, expire: u64) -> Self {
        Session {
            id,
            kind,
            messages,
            login_type: "address".into(),
            ishex: false,
            expire,
            status: Status::Pending,
            reason: None,
            accepted: false,
        }
    }

    /// The `GET /status/{id}` body.
    pub fn status_json(&self) -> Value {
        json!({
            "id": self.id,
            "action": self.kind.name(),
            "status": self.status.name(),
            "reason": self.reason,
        })
    }
}

/// The bounded session store, shared by every request.
pub type Sessions = BoundedStore<Session>;

impl Sessions {
    /// Stores a session under its id, forgetting the oldest ones beyond the capacity.
    pub fn insert(&self, session: Session) {
        self.insert_keyed(session.id.clone(), session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str) -> Session {
        Session::new(id.into(), Kind::Login, vec!["m".into()], 0)
    }

    #[test]
    fn the_store_forgets_the_oldest_beyond_its_capacity() {
        let store = Sessions::with_capacity(2);
        store.insert(session("a"));
        store.insert(session("b"));
        store.insert(session("c"));
        assert_eq!(store.len(), 2);
        assert!(store.get("a").is_none());
        assert!(store.get("b").is_some() && store.get("c").is_some());
        assert_eq!(
            store.update("c", |s| {
                s.status = Status::Accepted;
                s.status
            }),
            Some(Status::Accepted)
        );
        assert_eq!(store.get("c").map(|s| s.status), Some(Status::Accepted));
        assert!(store.update("a", |_| ()).is_none());
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [
            Kind::Login,
            Kind::SignMessage,
            Kind::SignMultiMessage,
            Kind::Invoke,
        ] {
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(Kind::from_name("Login"), None);
    }
}
