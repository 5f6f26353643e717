//! The reference dApp's named faults: each one a realistic way a back end gets the protocol
//! wrong. The dApp suite proves itself by catching every one of them.

use std::fmt;

/// One named fault of the reference dApp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DappFault {
    /// Never verifies signatures: the signature step passes whatever the field holds.
    AcceptAnySignature,
    /// For `address`/`account` logins, never checks that `user` is the address of
    /// `publickey`.
    SkipAddressBinding,
    /// For `ontid` logins, never asks the chain whether `publickey` is a key of the ONT ID.
    SkipOntidResolution,
    /// Accepts a callback whose message it never issued (or whose session it cannot find).
    AcceptUnknownMessage,
    /// Accepts the same login (or signed message) more than once.
    AcceptReplay,
    /// Accepts callbacks after the QR code's `expire`.
    AcceptExpired,
    /// Rejects 64-byte `r ‖ s` signatures.
    Reject64ByteSignature,
    /// Rejects high-S signatures.
    RejectHighS,
    /// Verifies the UTF-8 bytes of the message even when `ishex` is true.
    IgnoreIshex,
    /// When `ishex` is true, accepts a signature over either the decoded bytes or the text.
    AcceptEitherMessageForm,
    /// Verifies only the first result of a `signMultiMessage` callback.
    MultiMessageFirstOnly,
    /// Verifies each `signMultiMessage` result over its own `message` field, without checking
    /// that the results are the issued messages, all of them, in order.
    MultiMessageAnyOrder,
    /// Confirms an invocation from a success callback without asking the chain.
    TrustInvokeCallback,
    /// Treats a hash the chain has no event for as confirmed (only `State: 0` fails).
    AcceptMissingEvent,
    /// Treats any event the chain has for the hash as success: checks neither `State` nor
    /// what the transaction paid.
    IgnoreEventState,
    /// Checks that the event succeeded but not that it paid what the dApp asked for.
    IgnoreEventContent,
    /// Marks an invocation confirmed when the wallet reports `SEND TX ERROR`.
    ConfirmFailedSend,
    /// Answers every rejection with 80003 INTERNAL ERROR.
    WrongErrorCode,
    /// Leaves `id` out of its replies.
    NoIdEcho,
    /// Answers HTTP 500 with a plain-text body to a callback it cannot parse (not JSON,
    /// missing fields, wrong types) instead of an error envelope.
    CrashOnBadInput,
}

impl DappFault {
    /// Every fault, in a fixed order.
    pub const ALL: [DappFault; 20] = [
        DappFault::AcceptAnySignature,
        DappFault::SkipAddressBinding,
        DappFault::SkipOntidResolution,
        DappFault::AcceptUnknownMessage,
        DappFault::AcceptReplay,
        DappFault::AcceptExpired,
        DappFault::Reject64ByteSignature,
        DappFault::RejectHighS,
        DappFault::IgnoreIshex,
        DappFault::AcceptEitherMessageForm,
        DappFault::MultiMessageFirstOnly,
        DappFault::MultiMessageAnyOrder,
        DappFault::TrustInvokeCallback,
        DappFault::AcceptMissingEvent,
        DappFault::IgnoreEventState,
        DappFault::IgnoreEventContent,
        DappFault::ConfirmFailedSend,
        DappFault::WrongErrorCode,
        DappFault::NoIdEcho,
        DappFault::CrashOnBadInput,
    ];

    /// The fault's name, as `--fault` and the case catalogue spell it.
    pub fn name(self) -> &'static str {
        match self {
            DappFault::AcceptAnySignature => "accept-any-signature",
            DappFault::SkipAddressBinding => "skip-address-binding",
            DappFault::SkipOntidResolution => "skip-ontid-resolution",
            DappFault::AcceptUnknownMessage => "accept-unknown-message",
            DappFault::AcceptReplay => "accept-replay",
            DappFault::AcceptExpired => "accept-expired",
            DappFault::Reject64ByteSignature => "reject-64-byte-signature",
            DappFault::RejectHighS => "reject-high-s",
            DappFault::IgnoreIshex => "ignore-ishex",
            DappFault::AcceptEitherMessageForm => "accept-either-message-form",
            DappFault::MultiMessageFirstOnly => "multi-message-first-only",
            DappFault::MultiMessageAnyOrder => "multi-message-any-order",
            DappFault::TrustInvokeCallback => "trust-invoke-callback",
            DappFault::AcceptMissingEvent => "accept-missing-event",
            DappFault::IgnoreEventState => "ignore-event-state",
            DappFault::IgnoreEventContent => "ignore-event-content",
            DappFault::ConfirmFailedSend => "confirm-failed-send",
            DappFault::WrongErrorCode => "wrong-error-code",
            DappFault::NoIdEcho => "no-id-echo",
            DappFault::CrashOnBadInput => "crash-on-bad-input",
        }
    }

    /// The fault named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// One line for `--help` and reports.
    pub fn description(self) -> &'static str {
        match self {
            DappFault::AcceptAnySignature => "never verifies signatures",
            DappFault::SkipAddressBinding => {
                "does not check that `user` is the address of `publickey`"
            }
            DappFault::SkipOntidResolution => "does not ask the chain for the ONT ID's keys",
            DappFault::AcceptUnknownMessage => "accepts messages it never issued",
            DappFault::AcceptReplay => "accepts the same login or signature twice",
            DappFault::AcceptExpired => "accepts callbacks after the QR code expired",
            DappFault::Reject64ByteSignature => "rejects 64-byte r||s signatures",
            DappFault::RejectHighS => "rejects high-S signatures",
            DappFault::IgnoreIshex => "verifies the UTF-8 text even when ishex is true",
            DappFault::AcceptEitherMessageForm => {
                "with ishex true, accepts a signature over the bytes or over the text"
            }
            DappFault::MultiMessageFirstOnly => "verifies only the first signMultiMessage result",
            DappFault::MultiMessageAnyOrder => {
                "accepts signMultiMessage results in any order or number"
            }
            DappFault::TrustInvokeCallback => {
                "confirms a successful invocation from its callback alone"
            }
            DappFault::AcceptMissingEvent => "treats a hash the chain does not know as confirmed",
            DappFault::IgnoreEventState => {
                "treats any event as success, even State 0, whatever it paid"
            }
            DappFault::IgnoreEventContent => "does not check what the confirmed transaction paid",
            DappFault::ConfirmFailedSend => "marks an invocation confirmed after SEND TX ERROR",
            DappFault::WrongErrorCode => "answers every rejection with 80003",
            DappFault::NoIdEcho => "leaves `id` out of its replies",
            DappFault::CrashOnBadInput => {
                "answers HTTP 500 in plain text to callbacks it cannot parse"
            }
        }
    }
}

impl fmt::Display for DappFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::DappFault;

    #[test]
    fn names_round_trip_and_are_unique() {
        for fault in DappFault::ALL {
            assert_eq!(DappFault::from_name(fault.name()), Some(fault));
        }
        let mut names: Vec<_> = DappFault::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), DappFault::ALL.len());
    }
}
