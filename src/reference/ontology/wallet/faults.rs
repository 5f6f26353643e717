//! The reference wallet's named faults: each one a way real wallets depart from the profile
//! (ontology-dapi.md §8.2). The wallet suite proves itself by catching every one of them.

use crate::reference::faults::named_faults;

named_faults! {
    WalletFault, "One named fault of the reference wallet.";
    SignExpired => "sign-expired",
        "acts on QR codes whose `expire` has passed";
    SignOnReject => "sign-on-reject",
        "acts on a QR code the user rejected";
    StrictVersion => "strict-version",
        "refuses requests whose `version` is cyano-bridge's `1.0.0` rather than `v1.0.0`";
    PlainJsonOnly => "plain-json-only",
        "refuses QR text in the ontprovider:// deep-link form";
    AccountTypeUnsupported => "account-type-unsupported",
        "refuses login QR codes of type `account`";
    OntidUserAddress => "ontid-user-address",
        "posts the base58 address as `user` for an ontid login";
    NoIdEcho => "no-id-echo",
        "leaves `id` out of its callbacks";
    PublickeyCamelCase => "publickey-camel-case",
        "names the key `publicKey` instead of `publickey` (the iOS quirk)";
    DerSignature => "der-signature",
        "sends DER-encoded signatures";
    HighSSignature => "high-s-signature",
        "sends high-S signatures";
    Plain64Signature => "plain-64-signature",
        "sends 64-byte r||s signatures without the scheme byte";
    SignMessageAsLogin => "sign-message-as-login",
        "posts signMessage results as a login (action `login`, data under `params`)";
    IgnoreIshex => "ignore-ishex",
        "signs the UTF-8 text even when `ishex` is true";
    SignInvalidHex => "sign-invalid-hex",
        "signs the text when `ishex` is true but the message is not hex";
    MultiMessageSingleResult => "multi-message-single-result",
        "answers signMultiMessage with one result, for the first message";
    MultiMessageReversed => "multi-message-reversed",
        "answers signMultiMessage with the results in reverse order";
    NoPlaceholderSubstitution => "no-placeholder-substitution",
        "leaves `%address` and `%ontid` in the invokeConfig";
    UnknownPrefixAsString => "unknown-prefix-as-string",
        "reads an argument with an unknown prefix as a String";
    TruncateLong => "truncate-long",
        "reads `Long:` values through a 64-bit float, losing precision above 2^53";
    ZeroPayerWhenMissing => "zero-payer-when-missing",
        "uses the zero address as payer when the config names none";
    IgnorePayerMismatch => "ignore-payer-mismatch",
        "builds and sends the transaction when the payer is not its address";
    SkipPreexec => "skip-preexec",
        "sends without pre-executing first";
    HashNotReversed => "hash-not-reversed",
        "reports the transaction hash in internal byte order, not display order";
    SuccessOnSendFailure => "success-on-send-failure",
        "posts a success callback when the node refused the transaction";
    MultiSingleUnwrapped => "multi-single-unwrapped",
        "answers a one-message signMultiMessage with a bare object, not an array";
    AutoDetectHex => "auto-detect-hex",
        "signs hex-looking messages as bytes even when `ishex` is false";
    ExpireRequired => "expire-required",
        "refuses QR codes that have no `expire`";
    ShallowPlaceholders => "shallow-placeholders",
        "replaces `%address` and `%ontid` only in top-level argument values";
    PayerPlaceholderOnly => "payer-placeholder-only",
        "refuses a payer written as an address, even its own, not as `%address`";
    MalformedValueAsString => "malformed-value-as-string",
        "reads a known prefix with a malformed value (`Long:12x`) as a String";
    IgnorePreexecFailure => "ignore-preexec-failure",
        "sends the transaction even when its pre-execution failed";
    CallbackRequired => "callback-required",
        "refuses an invoke QR code that has no `callback`";
    SendErrorResultText => "send-error-result-text",
        "after a failed send posts the node's message as `result` instead of 1";
    ExpireGrace => "expire-grace",
        "treats a QR code as valid until five minutes after its `expire`";
    ExpireMargin => "expire-margin",
        "refuses QR codes that expire within the next minute";
    LoginFlagRequired => "login-flag-required",
        "refuses an invoke QR code unless its `login` is true";
    IdRequired => "id-required",
        "refuses requests that have no `id`";
    IgnoreDappReply => "ignore-dapp-reply",
        "reports success whatever the dApp answers its callback (an error, a body that is not JSON)";
    PayloadStatusIgnored => "payload-status-ignored",
        "reads the invoke payload's body whatever the HTTP status it came with";
    SuccessOnPayloadFailure => "success-on-payload-failure",
        "posts a success callback when the invoke payload cannot be fetched or read";
    FollowRedirects => "follow-redirects",
        "follows redirects when fetching the invoke payload, to any origin";
    UnknownActionAsLogin => "unknown-action-as-login",
        "acts on a request of an action it does not know as a login";
    AnyVersion => "any-version",
        "acts on requests of any `version`, not only `v1.0.0` and `1.0.0`";
}

#[cfg(test)]
mod tests {
    use super::WalletFault;

    #[test]
    fn names_round_trip_and_are_unique() {
        crate::reference::faults::check_names(
            WalletFault::ALL,
            WalletFault::name,
            WalletFault::description,
            WalletFault::from_name,
        );
    }
}
