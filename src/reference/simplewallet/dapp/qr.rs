//! What the reference SimpleWallet dApp shows before any post: the QR texts (the request JSON
//! itself, SW-T1, with `protocol`, `version` and `action`, SW-T2) for login (SW-L1), transfer,
//! MYKEY transaction and MYKEY sign, and what it remembers about each ([`Issued`]).
//!
//! Login QR codes carry a fresh `uuID` and the `loginUrl`; transfer and transaction QR codes
//! open an order whose reference travels in `dappData` (the transfer's memo) and whose
//! `notifyUrl` names it; sign QR codes carry a fresh message and a `notifyUrl` naming it.

use serde_json::{json, Value};

use crate::protocol::simplewallet::eosio::{Asset, Name};
pub use crate::reference::issuer::Issuer;

/// The protocol fields every request carries (SW-T2).
pub const PROTOCOL: &str = "SimpleWallet";
pub const VERSION: &str = "1.0";
/// The name wallets show for this dApp.
pub const DAPP_NAME: &str = "qrconform reference dApp";
/// The token every transfer asks for.
pub const CONTRACT: &str = "eosio.token";
pub const SYMBOL: &str = "EOS";
pub const PRECISION: u8 = 4;

/// What an issued QR code is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    /// A login; the key is the `uuID`.
    Login,
    /// A payment (a transfer request, or a transaction request's transfer action); the key
    /// is the order id.
    Order {
        /// What the transfer must pay.
        quantity: Asset,
        /// The memo it must carry (the request's `dappData`).
        memo: String,
        /// The transaction id that paid it, once credited.
        paid_by: Option<String>,
    },
    /// A message to sign; the key is the sign id.
    Sign { message: String },
}

/// One issued QR code, as the back end remembers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Issued {
    pub id: String,
    pub purpose: Purpose,
    /// Unix seconds after which the QR code is void.
    pub expired: u64,
    /// Whether a post was accepted for it (the replay check's memory).
    pub used: bool,
}

impl Issuer<'_> {
    fn header(&self, action: &str) -> serde_json::Map<String, Value> {
        let mut map = serde_json::Map::new();
        map.insert("protocol".into(), PROTOCOL.into());
        map.insert("version".into(), VERSION.into());
        map.insert("dappName".into(), DAPP_NAME.into());
        map.insert("dappIcon".into(), self.icon().into());
        map.insert("action".into(), action.into());
        map
    }
}

/// The login QR code (SW-L1): a fresh uuID (16 random bytes, hex).
pub fn login(issuer: &Issuer<'_>) -> Result<(Issued, Value), String> {
    let uuid = issuer.entropy.hex(16)?;
    let expired = issuer.expiry();
    let mut qr = issuer.header("login");
    qr.insert("uuID".into(), uuid.clone().into());
    qr.insert("loginUrl".into(), format!("{}/login", issuer.base).into());
    qr.insert("expired".into(), expired.into());
    qr.insert("loginMemo".into(), "qrconform login".into());
    let issued = Issued {
        id: uuid,
        purpose: Purpose::Login,
        expired,
        used: false,
    };
    Ok((issued, Value::Object(qr)))
}

/// A new order paying `quantity` to `payee`, and its notify URL.
fn order(issuer: &Issuer<'_>, quantity: Asset) -> Result<(Issued, String), String> {
    let id = issuer.entropy.hex(8)?;
    let issued = Issued {
        purpose: Purpose::Order {
            quantity,
            memo: format!("order={id}"),
            paid_by: None,
        },
        expired: issuer.expiry(),
        used: false,
        id: id.clone(),
    };
    Ok((issued, format!("{}/notify/{id}", issuer.base)))
}

/// The order's memo.
fn memo_of(issued: &Issued) -> String {
    match &issued.purpose {
        Purpose::Order { memo, .. } => memo.clone(),
        _ => String::new(),
    }
}

/// The quantity `amount` EOS asks for.
pub fn quantity(amount: &str) -> Result<Asset, String> {
    Asset::from_amount(amount, PRECISION, SYMBOL)
        .map_err(|e| format!("the amount `{amount}` is not a quantity of {SYMBOL}: {e}"))
}

/// The transfer QR code (SW-X1 from the dApp's side): `amount` EOS to `payee`, the order in
/// `dappData`.
pub fn transfer(issuer: &Issuer<'_>, payee: Name, amount: &str) -> Result<(Issued, Value), String> {
    let (issued, notify_url) = order(issuer, quantity(amount)?)?;
    // `amount` is a JSON number (SW-X1); the configured text is a plain decimal.
    let number: Value = serde_json::from_str(amount)
        .map_err(|e| format!("the amount `{amount}` is not a JSON number: {e}"))?;
    let mut qr = issuer.header("transfer");
    qr.insert("to".into(), payee.to_string().into());
    qr.insert("amount".into(), number);
    qr.insert("contract".into(), CONTRACT.into());
    qr.insert("symbol".into(), SYMBOL.into());
    qr.insert("precision".into(), PRECISION.into());
    qr.insert("dappData".into(), memo_of(&issued).into());
    qr.insert("desc".into(), "qrconform order".into());
    qr.insert("expired".into(), issued.expired.into());
    qr.insert("notifyUrl".into(), notify_url.into());
    Ok((issued, Value::Object(qr)))
}

/// A transfer QR code with its `amount` and `precision` written as strings of their digits
/// (the `numbers-as-strings` fault): the form a request assembled from text fields takes.
pub fn numbers_as_strings(qr: &mut Value) {
    for key in ["amount", "precision"] {
        if let Some(value) = qr.get_mut(key) {
            if value.is_number() {
                *value = Value::String(value.to_string());
            }
        }
    }
}

/// The MYKEY transaction QR code (SW-X2): one `eosio.token::transfer` action from `payer` to
/// `payee`, the order in the memo.
pub fn transaction(
    issuer: &Issuer<'_>,
    payer: Name,
    payee: Name,
    amount: &str,
) -> Result<(Issued, Value), String> {
    let quantity = quantity(amount)?;
    let (issued, notify_url) = order(issuer, quantity.clone())?;
    let mut qr = issuer.header("transaction");
    qr.insert("desc".into(), "qrconform order".into());
    qr.insert(
        "actions".into(),
        json!([{
            "account": CONTRACT,
            "name": "transfer",
            "info": "pay the order",
            "data": {
                "from": payer.to_string(),
                "to": payee.to_string(),
                "quantity": quantity.to_string(),
                "memo": memo_of(&issued),
            },
        }]),
    );
    qr.insert("expired".into(), issued.expired.into());
    qr.insert("notifyUrl".into(), notify_url.into());
    Ok((issued, Value::Object(qr)))
}

/// The MYKEY sign QR code (SW-S1): a fresh message to sign.
pub fn sign(issuer: &Issuer<'_>) -> Result<(Issued, Value), String> {
    let id = issuer.entropy.hex(8)?;
    let message = format!("qrconform-sign-{}", issuer.entropy.hex(16)?);
    let expired = issuer.expiry();
    let mut qr = issuer.header("sign");
    qr.insert("desc".into(), "prove you hold the account".into());
    qr.insert("message".into(), message.clone().into());
    qr.insert("expired".into(), expired.into());
    qr.insert(
        "notifyUrl".into(),
        format!("{}/sign/{id}", issuer.base).into(),
    );
    let issued = Issued {
        id,
        purpose: Purpose::Sign { message },
        expired,
        used: false,
    };
    Ok((issued, Value::Object(qr)))
}

/// The `account` query option of `GET /qr/transaction` (the payer the actions name).
pub fn payer_option(query: Option<&str>) -> Result<Name, String> {
    let value = query
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("account="))
        .ok_or("`/qr/transaction` needs `?account=NAME`: the account the actions are from")?;
    value
        .parse::<Name>()
        .map_err(|e| format!("`account={value}` is not an EOS account name: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entropy::Entropy;
    use std::time::Duration;

    fn issuer(entropy: &Entropy) -> Issuer<'_> {
        Issuer {
            base: "http://127.0.0.1:1",
            now: Duration::from_secs(1_000),
            lifetime: Duration::from_secs(60),
            entropy,
        }
    }

    #[test]
    fn each_qr_code_carries_the_protocol_header_and_its_urls() {
        let entropy = Entropy::seeded("t");
        let issuer = issuer(&entropy);
        let payee: Name = "qrcdapppayee".parse().unwrap();
        let (login, login_qr) = login(&issuer).unwrap();
        assert_eq!(login_qr["uuID"], login.id.as_str());
        assert_eq!(login_qr["loginUrl"], "http://127.0.0.1:1/login");
        assert_eq!(login_qr["expired"], 1_060);
        let (order, transfer_qr) = transfer(&issuer, payee, "1.25").unwrap();
        assert_eq!(transfer_qr["amount"].to_string(), "1.25");
        assert_eq!(transfer_qr["dappData"], format!("order={}", order.id));
        assert_eq!(
            transfer_qr["notifyUrl"],
            format!("http://127.0.0.1:1/notify/{}", order.id)
        );
        let (_, transaction_qr) =
            transaction(&issuer, "qrcwalletone".parse().unwrap(), payee, "1.25").unwrap();
        assert_eq!(
            transaction_qr["actions"][0]["data"]["quantity"],
            "1.2500 EOS"
        );
        let (signed, sign_qr) = sign(&issuer).unwrap();
        assert_eq!(
            sign_qr["notifyUrl"],
            format!("http://127.0.0.1:1/sign/{}", signed.id)
        );
        for qr in [login_qr, transfer_qr, transaction_qr, sign_qr] {
            assert_eq!(qr["protocol"], PROTOCOL);
            assert_eq!(qr["version"], VERSION);
        }
    }

    #[test]
    fn the_transaction_payer_option_is_required_and_checked() {
        assert_eq!(
            payer_option(Some("account=qrcwalletone"))
                .unwrap()
                .to_string(),
            "qrcwalletone"
        );
        assert!(payer_option(None).unwrap_err().contains("?account="));
        assert!(payer_option(Some("account=NOT_A_NAME")).is_err());
    }
}
