//! The reference SimpleWallet wallet's named faults: each one a way real EOS wallets depart
//! from the profile (simplewallet.md §8, §10), one step of one pipeline each. The SimpleWallet
//! wallet suite proves itself by catching every one of them.

use crate::reference::faults::named_faults;

named_faults! {
    SimpleWalletFault, "One named fault of the reference SimpleWallet wallet.";
    SignExpired => "sign-expired",
        "acts on requests whose `expired` has passed";
    ChainEosOnly => "chain-eos-only",
        "refuses a login whose `chain` is not `EOS`, though MYKEY's `ANY` means EOS for an EOS account";
    ChainIgnored => "chain-ignored",
        "logs in with its EOS account whatever the login's `chain` asks for, `ETH` included";
    ChainNamedRefused => "chain-named-refused",
        "refuses every login that names a `chain`, even `EOS`, as if the member were unknown to the protocol";
    ExpiryGrace => "expiry-grace",
        "acts on requests up to five minutes after their `expired`, allowing for clock drift";
    SignOnReject => "sign-on-reject",
        "acts on a request the user rejected";
    AnyProtocol => "any-protocol",
        "acts on a request whose `protocol` is not `SimpleWallet`";
    AnyVersion => "any-version",
        "acts on a request whose `version` is not `1.0`";
    NotifyUrlOnly => "notify-url-only",
        "reads the notify URL only as `notifyUrl`, so a request naming MYKEY's `transferUrl`, `contractUrl` or `signUrl` has nowhere to post";
    ActionsKeyOnly => "actions-key-only",
        "reads a transaction request's actions only as `actions`, refusing MYKEY's documented `ContractRequest`";
    AmountNumberOnly => "amount-number-only",
        "refuses a transfer whose `amount` is a string of digits rather than a JSON number";
    PrecisionNumberOnly => "precision-number-only",
        "refuses a transfer whose `precision` is a string of digits rather than a JSON number";
    CallbackNeverOpened => "callback-never-opened",
        "never opens a deep link's `callback`";
    CallbackNoTxid => "callback-no-txid",
        "opens the callback after a push with `result=1` but without `txID`";
    CallbackCancelAsFailure => "callback-cancel-as-failure",
        "opens the callback with `result=2` (failure) when the user cancels, not `result=0`";
    CallbackFailureAsCancel => "callback-failure-as-cancel",
        "opens the callback with `result=0` (cancel) when the request failed, not `result=2`";
    IgnoreDappReply => "ignore-dapp-reply",
        "takes any answer to its post (a failure code, a body that is not JSON, a redirect) as the dApp's acceptance";
    PlusAsPlus => "plus-as-plus",
        "reads `+` in a simplewallet:// deep link as a plus sign, not a space";
    CapitalisedKeys => "capitalised-keys",
        "posts the login with `Account` and `Ref`, as the English translation of the spec writes them";
    DoubleSha256 => "double-sha256",
        "signs the login string's SHA-256 hashed a second time";
    SeparatorInSignedString => "separator-in-signed-string",
        "signs `timestamp|account|uuID|ref` rather than the plain concatenation";
    TimestampMillis => "timestamp-millis",
        "writes the login timestamp in milliseconds rather than seconds";
    HighSSignature => "high-s-signature",
        "sends high-S (non-canonical) login signatures";
    IgnoreFrom => "ignore-from",
        "pays from its own account when the transfer's `from` names another one";
    RefuseExplicitFrom => "refuse-explicit-from",
        "refuses every transfer whose request names `from`, its own account included";
    QuantityUnpadded => "quantity-unpadded",
        "writes the quantity as the amount's text (`1 EOS`), not padded to the precision";
    PrecisionFixedFour => "precision-fixed-four",
        "formats every quantity with four decimals, whatever the request's `precision`";
    MemoDropped => "memo-dropped",
        "leaves the transfer's memo empty instead of using `dappData`";
    ActionsReversed => "actions-reversed",
        "pushes a transaction request's actions in reverse order";
    FirstActionOnly => "first-action-only",
        "pushes only the first action of a transaction request";
    NotifyTxidWrong => "notify-txid-wrong",
        "reports the transaction's signing digest as `tx_id` instead of its id";
    NoNotify => "no-notify",
        "pushes the transaction but never posts to `notifyUrl`";
    NotifyOnFailedPush => "notify-on-failed-push",
        "posts a success notification when the node refused the transaction";
    SignHexDecoded => "sign-hex-decoded",
        "signs the bytes of a `0x`-prefixed hex message instead of its UTF-8 text";
    SignWrongKey => "sign-wrong-key",
        "signs messages with its owner key, not the active key it names";
    MykeyAdminKey => "mykey-admin-key",
        "as a MYKEY wallet, signs logins with its admin (owner) key, not the reserved key at `keydata` index 3 that dApps verify with";
    SendactionForPlainAccount => "sendaction-for-plain-account",
        "wraps every payment in `mykeymanager::sendaction` as MYKEY does, though its account is not a MYKEY account, so no transfer is executed";
}

#[cfg(test)]
mod tests {
    use super::SimpleWalletFault;

    #[test]
    fn names_round_trip_and_are_unique() {
        crate::reference::faults::check_names(
            SimpleWalletFault::ALL,
            SimpleWalletFault::name,
            SimpleWalletFault::description,
            SimpleWalletFault::from_name,
        );
    }
}
