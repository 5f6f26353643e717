//! The reference dApp's named faults: each one a realistic way a back end gets the protocol
//! wrong. The dApp suite proves itself by catching every one of them.

use crate::reference::faults::named_faults;

named_faults! {
    DappFault, "One named fault of the reference dApp.";
    AcceptAnySignature => "accept-any-signature",
        "never verifies signatures";
    SkipAddressBinding => "skip-address-binding",
        "does not check that `user` is the address of `publickey`";
    SkipOntidResolution => "skip-ontid-resolution",
        "does not ask the chain for the ONT ID's keys";
    AcceptUnknownMessage => "accept-unknown-message",
        "accepts messages it never issued";
    AcceptReplay => "accept-replay",
        "accepts the same login or signature twice";
    AcceptExpired => "accept-expired",
        "accepts callbacks after the QR code expired";
    Reject64ByteSignature => "reject-64-byte-signature",
        "rejects 64-byte r||s signatures";
    RejectHighS => "reject-high-s",
        "rejects high-S signatures";
    IgnoreIshex => "ignore-ishex",
        "verifies the UTF-8 text even when ishex is true";
    AcceptEitherMessageForm => "accept-either-message-form",
        "with ishex true, accepts a signature over the bytes or over the text";
    MultiMessageFirstOnly => "multi-message-first-only",
        "verifies only the first signMultiMessage result";
    MultiMessageAnyOrder => "multi-message-any-order",
        "accepts signMultiMessage results in any order or number";
    TrustInvokeCallback => "trust-invoke-callback",
        "confirms a successful invocation from its callback alone";
    AcceptMissingEvent => "accept-missing-event",
        "treats a hash the chain does not know as confirmed";
    IgnoreEventState => "ignore-event-state",
        "treats any event as success, even State 0, whatever it paid";
    IgnoreEventContent => "ignore-event-content",
        "does not check what the confirmed transaction paid";
    ConfirmFailedSend => "confirm-failed-send",
        "marks an invocation confirmed after SEND TX ERROR";
    WrongErrorCode => "wrong-error-code",
        "answers every rejection with 80003";
    NoIdEcho => "no-id-echo",
        "leaves `id` out of its replies";
    CrashOnBadInput => "crash-on-bad-input",
        "answers HTTP 500 in plain text to callbacks it cannot parse";
    RejectPublickeyCamelCase => "reject-publickey-camel-case",
        "refuses signed objects that name the key `publicKey` (the iOS spelling)";
    StrictLoginType => "strict-login-type",
        "wants the login callback's `type` spelled as the QR code's (`account` vs `address`)";
    StrictVersion => "strict-version",
        "refuses callbacks whose `version` is cyano-bridge's `1.0.0` rather than `v1.0.0`";
    ExpireEarly => "expire-early",
        "treats a QR code as expired five seconds before its `expire`";
    SessionAnyKind => "session-any-kind",
        "finds a callback's session by id alone, whatever action issued it";
    ReplayRace => "replay-race",
        "checks for a replay before a slow store write and never again (check-then-set)";
    ConfirmOnNodeError => "confirm-on-node-error",
        "confirms an invocation when the node cannot be asked for its event";
    NoEventWait => "no-event-wait",
        "asks the chain once and fails an invocation whose event is not there yet";
    ReplayAfterRestart => "replay-after-restart",
        "keeps its sessions across a restart but not which were used (the replay check lived in memory)";
}

#[cfg(test)]
mod tests {
    use super::DappFault;

    #[test]
    fn names_round_trip_and_are_unique() {
        for &fault in DappFault::ALL {
            assert_eq!(DappFault::from_name(fault.name()), Some(fault));
        }
        let mut names: Vec<_> = DappFault::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), DappFault::ALL.len());
    }
}
