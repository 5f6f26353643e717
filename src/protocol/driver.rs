//! The wallet driver protocol (`docs/wallet-driver.md`): how the harness hands a QR code to a
//! wallet under test and learns when the wallet is done with it. Like the shims conformance
//! runners use to drive TLS stacks, it is small on purpose:
//!
//! - `GET /identity` → [`Identity`]: who the wallet is;
//! - `POST /scan` with [`ScanRequest`] → [`ScanReply`], answered once the wallet has finished
//!   acting on the QR code (every callback posted, every transaction sent) or has refused it.
//!
//! The JSON Schemas `driver.identity`, `driver.scan.request` and `driver.scan.reply` state the
//! same shapes; the tests below hold the two together. Pure: serde types only.

use serde::{Deserialize, Serialize};

/// `GET /identity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// Base58 address.
    pub address: String,
    /// 33-byte compressed P-256 key, hex.
    #[serde(rename = "publicKey")]
    pub public_key: String,
    /// `did:ont:<base58>`.
    pub ontid: String,
}

/// `GET /identity` on the driver of a SimpleWallet (EOS) wallet: the `simplewallet.driver.identity`
/// schema states the same shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimpleWalletIdentity {
    /// The EOS account the wallet signs for.
    pub account: String,
    /// The key its signatures verify with (`EOS…` or `PUB_K1_…`): its active key.
    #[serde(rename = "publicKey")]
    pub public_key: String,
    /// The wallet's name, as it sends it in `ref` (SW-L2, SW-X3, SW-S1).
    #[serde(rename = "ref")]
    pub wallet_ref: String,
    /// A MYKEY wallet: the account is a MYKEY account whose reserved key (`keydata` row 3)
    /// is `publicKey`, and it may pay through `mykeymanager::sendaction` (simplewallet.md
    /// §6, §7). Absent means `false`, an ordinary account.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mykey: bool,
}

/// The body of `POST /scan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanRequest {
    /// The QR code's text exactly as displayed.
    pub qr: String,
    /// The user's decision.
    pub approve: bool,
}

/// What the wallet did with a QR code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Completed,
    Refused,
}

/// The answer to `POST /scan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReply {
    pub outcome: Outcome,
    /// Why the wallet refused (required with `refused`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The URLs the wallet opened while acting on the QR code, in order (a SimpleWallet deep
    /// link's `callback` with its `result`, SW-X3). Absent: the driver does not report them;
    /// empty: the wallet opened none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened: Option<Vec<String>>,
}

impl ScanReply {
    pub fn completed() -> Self {
        ScanReply {
            outcome: Outcome::Completed,
            reason: None,
            opened: None,
        }
    }

    pub fn refused(reason: impl Into<String>) -> Self {
        ScanReply {
            outcome: Outcome::Refused,
            reason: Some(reason.into()),
            opened: None,
        }
    }

    /// The same reply, reporting the URLs the wallet opened.
    pub fn with_opened(mut self, opened: Vec<String>) -> Self {
        self.opened = Some(opened);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::validate;
    use serde_json::{json, Value};

    fn valid(kind: &str, value: &Value) -> bool {
        validate(kind, value).expect("known kind").is_empty()
    }

    #[test]
    fn the_serde_types_and_the_schemas_agree() {
        let identity = Identity {
            address: "AUEKhXNsoAT27HJwwqFGbpRy8QLHUMBMPz".into(),
            public_key: "0205c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba61".into(),
            ontid: "did:ont:AUEKhXNsoAT27HJwwqFGbpRy8QLHUMBMPz".into(),
        };
        assert!(valid(
            "driver.identity",
            &serde_json::to_value(&identity).unwrap()
        ));
        let request = ScanRequest {
            qr: "{}".into(),
            approve: true,
        };
        assert!(valid(
            "driver.scan.request",
            &serde_json::to_value(&request).unwrap()
        ));
        for reply in [
            ScanReply::completed(),
            ScanReply::refused("expired"),
            ScanReply::completed().with_opened(vec!["app://cb?a=1&result=1&txID=ab".into()]),
            ScanReply::refused("rejected by the user").with_opened(Vec::new()),
        ] {
            let value = serde_json::to_value(&reply).unwrap();
            assert!(valid("driver.scan.reply", &value), "{value}");
            assert_eq!(serde_json::from_value::<ScanReply>(value).unwrap(), reply);
        }
        // What the schema refuses, the types refuse too, and the other way round.
        for bad in [
            json!({"qr": "x"}),
            json!({"qr": "x", "approve": "yes"}),
            json!({"qr": "x", "approve": true, "extra": 1}),
        ] {
            assert!(!valid("driver.scan.request", &bad), "{bad}");
            assert!(serde_json::from_value::<ScanRequest>(bad).is_err());
        }
        for bad in [
            json!({"outcome": "done"}),
            json!({}),
            json!({"outcome": "completed", "opened": "app://cb"}),
            json!({"outcome": "completed", "opened": [1]}),
        ] {
            assert!(!valid("driver.scan.reply", &bad), "{bad}");
            assert!(serde_json::from_value::<ScanReply>(bad).is_err());
        }
        // A refusal must say why: a rule only the schema states, checked by the harness.
        assert!(!valid("driver.scan.reply", &json!({"outcome": "refused"})));
    }

    #[test]
    fn the_simplewallet_identity_and_its_schema_agree() {
        let kind = "simplewallet.driver.identity";
        let identity = SimpleWalletIdentity {
            account: "qrconformwlt".into(),
            public_key: "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV".into(),
            wallet_ref: "qrconform".into(),
            mykey: false,
        };
        let value = serde_json::to_value(&identity).unwrap();
        assert_eq!(
            value,
            json!({"account": "qrconformwlt", "publicKey": identity.public_key, "ref": "qrconform"})
        );
        assert!(valid(kind, &value));
        assert_eq!(
            serde_json::from_value::<SimpleWalletIdentity>(value).unwrap(),
            identity
        );
        let mykey = SimpleWalletIdentity {
            mykey: true,
            ..identity.clone()
        };
        let value = serde_json::to_value(&mykey).unwrap();
        assert_eq!(value["mykey"], true);
        assert!(valid(kind, &value));
        assert_eq!(
            serde_json::from_value::<SimpleWalletIdentity>(value).unwrap(),
            mykey
        );
        let bad = json!({"account": "qrconformwlt", "publicKey": identity.public_key, "ref": "r", "mykey": "yes"});
        assert!(!valid(kind, &bad));
        assert!(serde_json::from_value::<SimpleWalletIdentity>(bad).is_err());
        // What the schema refuses, the type refuses too (missing fields, a wrong type, an
        // unknown field); a malformed account name is a rule only the schema states.
        for bad in [
            json!({"account": "qrconformwlt", "publicKey": identity.public_key}),
            json!({"account": 5, "publicKey": identity.public_key, "ref": "r"}),
            json!({"account": "qrconformwlt", "publicKey": identity.public_key, "ref": "r", "x": 1}),
        ] {
            assert!(!valid(kind, &bad), "{bad}");
            assert!(serde_json::from_value::<SimpleWalletIdentity>(bad).is_err());
        }
        assert!(!valid(
            kind,
            &json!({"account": "Not A Name", "publicKey": identity.public_key, "ref": "r"})
        ));
    }
}
