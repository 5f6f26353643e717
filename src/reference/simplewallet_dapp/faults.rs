//! The reference SimpleWallet dApp's named faults: each one a realistic way an EOS dApp back
//! end gets the protocol wrong, changing exactly one step of its pipeline. The SimpleWallet
//! dApp suite proves itself by catching every one of them.

use std::fmt;

/// One named fault of the reference SimpleWallet dApp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SwDappFault {
    /// Reads `sign` as a `SIG_K1_` string but never verifies it.
    AcceptAnySignature,
    /// Recovers the signer and accepts it without asking the chain whether the key is the
    /// account's.
    SkipAccountBinding,
    /// Verifies against the account's `active` keys only, with no `owner` fallback.
    ActiveKeyOnly,
    /// Judges MYKEY accounts by their `get_account` keys, never reading `keydata`.
    SkipMykeyKeydata,
    /// Accepts the reserved key of a MYKEY account whatever its `status` (frozen too).
    IgnoreKeyStatus,
    /// Accepts the key of any `keydata` row, not only the reserved one (index 3).
    AnyKeydataRow,
    /// Accepts the same `uuID` more than once.
    AcceptReplay,
    /// Accepts a login whose `uuID` it never issued.
    AcceptUnknownUuid,
    /// Accepts a login after the QR code's `expired`.
    AcceptExpired,
    /// Reads only the lower-case `account`/`ref` keys, so a capitalised `Account`/`Ref` post
    /// is refused.
    LowercaseKeysOnly,
    /// Replies `{"success": true|false}` instead of `{code, error}`.
    ReplySuccessFlag,
    /// Rejects with `code: 0` (the reason still in `error`).
    FailureCodeZero,
    /// Credits a transfer from its notification alone, never asking the chain.
    TrustNotify,
    /// Looks for the transfer among the transaction's top-level actions only, so a MYKEY
    /// payment (a `mykeymanager::sendaction` whose transfer runs inline) is never found.
    TopLevelTransfersOnly,
    /// Takes a `transfer` on any token contract for the asked one, so a fake `EOS` pays.
    IgnoreContract,
    /// Does not check the quantity the transaction paid.
    IgnoreAmount,
    /// Does not check whom the transaction paid.
    IgnoreRecipient,
    /// Does not check the transfer's memo against the order.
    IgnoreMemo,
    /// Does not check that the transfer is from the notifying account.
    IgnorePayer,
    /// Credits the same transaction every time it is notified.
    AcceptReusedTxid,
    /// Reads the transaction id only from `txID`, so the documented `tx_id` is refused.
    TxidSpellingStrict,
    /// Verifies sign results over SHA-256 applied twice to the message.
    SignDoubleHash,
    /// Answers HTTP 500 in plain text to a post whose body is not JSON, instead of a
    /// `{code, error}` reply.
    CrashOnBadInput,
}

impl SwDappFault {
    /// Every fault, in a fixed order.
    pub const ALL: [SwDappFault; 23] = [
        SwDappFault::AcceptAnySignature,
        SwDappFault::SkipAccountBinding,
        SwDappFault::ActiveKeyOnly,
        SwDappFault::SkipMykeyKeydata,
        SwDappFault::IgnoreKeyStatus,
        SwDappFault::AnyKeydataRow,
        SwDappFault::AcceptReplay,
        SwDappFault::AcceptUnknownUuid,
        SwDappFault::AcceptExpired,
        SwDappFault::LowercaseKeysOnly,
        SwDappFault::ReplySuccessFlag,
        SwDappFault::FailureCodeZero,
        SwDappFault::TrustNotify,
        SwDappFault::TopLevelTransfersOnly,
        SwDappFault::IgnoreContract,
        SwDappFault::IgnoreAmount,
        SwDappFault::IgnoreRecipient,
        SwDappFault::IgnoreMemo,
        SwDappFault::IgnorePayer,
        SwDappFault::AcceptReusedTxid,
        SwDappFault::TxidSpellingStrict,
        SwDappFault::SignDoubleHash,
        SwDappFault::CrashOnBadInput,
    ];

    /// The fault's name, as `--fault` and the case catalogue spell it.
    pub fn name(self) -> &'static str {
        match self {
            SwDappFault::AcceptAnySignature => "accept-any-signature",
            SwDappFault::SkipAccountBinding => "skip-account-binding",
            SwDappFault::ActiveKeyOnly => "active-key-only",
            SwDappFault::SkipMykeyKeydata => "skip-mykey-keydata",
            SwDappFault::IgnoreKeyStatus => "ignore-key-status",
            SwDappFault::AnyKeydataRow => "any-keydata-row",
            SwDappFault::AcceptReplay => "accept-replay",
            SwDappFault::AcceptUnknownUuid => "accept-unknown-uuid",
            SwDappFault::AcceptExpired => "accept-expired",
            SwDappFault::LowercaseKeysOnly => "lowercase-keys-only",
            SwDappFault::ReplySuccessFlag => "reply-success-flag",
            SwDappFault::FailureCodeZero => "failure-code-zero",
            SwDappFault::TrustNotify => "trust-notify",
            SwDappFault::TopLevelTransfersOnly => "top-level-transfers-only",
            SwDappFault::IgnoreContract => "ignore-contract",
            SwDappFault::IgnoreAmount => "ignore-amount",
            SwDappFault::IgnoreRecipient => "ignore-recipient",
            SwDappFault::IgnoreMemo => "ignore-memo",
            SwDappFault::IgnorePayer => "ignore-payer",
            SwDappFault::AcceptReusedTxid => "accept-reused-txid",
            SwDappFault::TxidSpellingStrict => "txid-spelling-strict",
            SwDappFault::SignDoubleHash => "sign-double-hash",
            SwDappFault::CrashOnBadInput => "crash-on-bad-input",
        }
    }

    /// The fault named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// One line for `--help` and reports.
    pub fn description(self) -> &'static str {
        match self {
            SwDappFault::AcceptAnySignature => "never verifies login or sign signatures",
            SwDappFault::SkipAccountBinding => {
                "accepts whatever key signed, never asking the chain for the account's keys"
            }
            SwDappFault::ActiveKeyOnly => "verifies against active keys only, no owner fallback",
            SwDappFault::SkipMykeyKeydata => {
                "judges MYKEY accounts by get_account keys, never reading keydata"
            }
            SwDappFault::IgnoreKeyStatus => "accepts a frozen MYKEY reserved key (status not 0)",
            SwDappFault::AnyKeydataRow => "accepts the key of any keydata row, not only index 3",
            SwDappFault::AcceptReplay => "accepts the same uuID twice",
            SwDappFault::AcceptUnknownUuid => "accepts a uuID it never issued",
            SwDappFault::AcceptExpired => "accepts logins after the QR code expired",
            SwDappFault::LowercaseKeysOnly => "refuses login posts spelling Account/Ref",
            SwDappFault::ReplySuccessFlag => "replies {success: bool} instead of {code, error}",
            SwDappFault::FailureCodeZero => "rejects with code 0",
            SwDappFault::TrustNotify => "credits a transfer from its notification alone",
            SwDappFault::TopLevelTransfersOnly => {
                "finds transfers among top-level actions only, missing MYKEY's inline ones"
            }
            SwDappFault::IgnoreContract => {
                "takes a transfer on any token contract, so a fake EOS pays"
            }
            SwDappFault::IgnoreAmount => "does not check the quantity paid",
            SwDappFault::IgnoreRecipient => "does not check whom the transfer paid",
            SwDappFault::IgnoreMemo => "does not check the transfer's memo against the order",
            SwDappFault::IgnorePayer => "does not check that the notifying account paid",
            SwDappFault::AcceptReusedTxid => "credits the same transaction every time",
            SwDappFault::TxidSpellingStrict => "reads only txID, refusing the documented tx_id",
            SwDappFault::SignDoubleHash => "verifies sign results over SHA-256 twice",
            SwDappFault::CrashOnBadInput => "answers HTTP 500 in plain text to a body not JSON",
        }
    }
}

impl fmt::Display for SwDappFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::SwDappFault;

    #[test]
    fn names_round_trip_and_are_unique() {
        for fault in SwDappFault::ALL {
            assert_eq!(SwDappFault::from_name(fault.name()), Some(fault));
            assert!(!fault.description().is_empty());
        }
        let mut names: Vec<_> = SwDappFault::ALL.iter().map(|f| f.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SwDappFault::ALL.len());
    }
}
