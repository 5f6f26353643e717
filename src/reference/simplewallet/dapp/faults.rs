//! The reference SimpleWallet dApp's named faults: each one a realistic way an EOS dApp back
//! end gets the protocol wrong, changing exactly one step of its pipeline. The SimpleWallet
//! dApp suite proves itself by catching every one of them.

use crate::reference::faults::named_faults;

named_faults! {
    SwDappFault, "One named fault of the reference SimpleWallet dApp.";
    AcceptAnySignature => "accept-any-signature",
        "never verifies login or sign signatures";
    SkipAccountBinding => "skip-account-binding",
        "accepts whatever key signed, never asking the chain for the account's keys";
    ActiveKeyOnly => "active-key-only",
        "verifies against active keys only, no owner fallback";
    SkipMykeyKeydata => "skip-mykey-keydata",
        "judges MYKEY accounts by get_account keys, never reading keydata";
    IgnoreKeyStatus => "ignore-key-status",
        "accepts a frozen MYKEY reserved key (status not 0)";
    AnyKeydataRow => "any-keydata-row",
        "accepts the key of any keydata row, not only index 3";
    AcceptReplay => "accept-replay",
        "accepts the same uuID twice";
    AcceptUnknownUuid => "accept-unknown-uuid",
        "accepts a uuID it never issued";
    AcceptExpired => "accept-expired",
        "accepts logins after the QR code expired";
    LowercaseKeysOnly => "lowercase-keys-only",
        "refuses login posts spelling Account/Ref";
    NumbersAsStrings => "numbers-as-strings",
        "writes the transfer QR code's `amount` and `precision` as strings of digits, not JSON numbers";
    TimestampNumberOnly => "timestamp-number-only",
        "refuses a login whose `timestamp` is a string of digits, as MYKEY's SDK sends it";
    TimestampWindow => "timestamp-window",
        "refuses a login whose `timestamp` is more than five minutes from its own clock";
    ReplySuccessFlag => "reply-success-flag",
        "replies {success: bool} instead of {code, error}";
    FailureCodeZero => "failure-code-zero",
        "rejects with code 0";
    TrustNotify => "trust-notify",
        "credits a transfer from its notification alone";
    TopLevelTransfersOnly => "top-level-transfers-only",
        "finds transfers among top-level actions only, missing MYKEY's inline ones";
    IgnoreContract => "ignore-contract",
        "takes a transfer on any token contract, so a fake EOS pays";
    IgnoreAmount => "ignore-amount",
        "does not check the quantity paid";
    IgnoreRecipient => "ignore-recipient",
        "does not check whom the transfer paid";
    IgnoreMemo => "ignore-memo",
        "does not check the transfer's memo against the order";
    MemoExact => "memo-exact",
        "requires the memo to be the order's exactly, refusing the `&ref=` suffix wallets may append";
    IgnorePayer => "ignore-payer",
        "does not check that the notifying account paid";
    AcceptReusedTxid => "accept-reused-txid",
        "credits the same transaction every time";
    TxidSpellingStrict => "txid-spelling-strict",
        "reads only txID, refusing the documented tx_id";
    TxidSnakeOnly => "txid-snake-only",
        "reads only the documented tx_id, refusing the txID and txId that wallets send";
    SignDoubleHash => "sign-double-hash",
        "verifies sign results over SHA-256 twice";
    SignMessageUnchecked => "sign-message-unchecked",
        "verifies a sign result over the message it carries, never comparing it with the one issued";
    CrashOnBadInput => "crash-on-bad-input",
        "answers HTTP 500 in plain text to a body not JSON";
}

#[cfg(test)]
mod tests {
    use super::SwDappFault;

    #[test]
    fn names_round_trip_and_are_unique() {
        crate::reference::faults::check_names(
            SwDappFault::ALL,
            SwDappFault::name,
            SwDappFault::description,
            SwDappFault::from_name,
        );
    }
}
