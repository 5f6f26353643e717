//! What the reference dApp shows and serves before any callback: the QR texts (the request
//! JSON itself, ONT-T1) for login, signMessage, signMultiMessage and invoke, the invoke
//! payload served at `qrcodeUrl` (ONT-I1, ONT-I2), and the query-string options of
//! `GET /qr/...`.
//!
//! Every QR code opens a [`Session`] holding what the callback will be judged against.

use percent_encoding::percent_decode_str;
use serde_json::{json, Value};

use super::session::{Kind, Session};
use crate::protocol::ontology::crypto::Address;
pub use crate::reference::issuer::Issuer;

/// The protocol version every request carries (the documented form, ONT-T4).
pub const VERSION: &str = "v1.0.0";
/// The name wallets show for this dApp.
pub const DAPP_NAME: &str = "qrconform reference dApp";
/// The ONG native contract, display order: invoke payments are ONG transfers.
pub const ONG_CONTRACT: &str = "0200000000000000000000000000000000000000";
/// Gas the invoke payload asks for: the node's minimum limit at the usual price.
pub const GAS_LIMIT: u64 = 20_000;
pub const GAS_PRICE: u64 = 500;
/// How many messages a signMultiMessage QR code asks to sign.
pub const MULTI_MESSAGES: usize = 3;

impl Issuer<'_> {
    fn callback(&self, kind: Kind) -> String {
        format!("{}/callback/{}", self.base, kind.name())
    }

    /// A fresh session id: 8 random bytes as hex.
    fn new_id(&self) -> Result<String, String> {
        self.entropy.hex(8)
    }

    /// A message to sign: readable text, or 32 random bytes as lower-case hex when `ishex`.
    fn new_message(&self, prefix: &str, ishex: bool) -> Result<String, String> {
        if ishex {
            self.entropy.hex(32)
        } else {
            Ok(format!("qrconform-{prefix}-{}", self.entropy.hex(16)?))
        }
    }
}

/// The login QR code (ONT-L1) for `login_type` (`address`, `account` or `ontid`).
pub fn login(issuer: &Issuer<'_>, login_type: &str) -> Result<(Session, Value), String> {
    let id = issuer.new_id()?;
    let message = issuer.new_message("login", false)?;
    let expire = issuer.expiry();
    let qr = json!({
        "action": Kind::Login.name(),
        "version": VERSION,
        "id": id,
        "params": {
            "type": login_type,
            "dappName": DAPP_NAME,
            "dappIcon": issuer.icon(),
            "message": message,
            "expire": expire,
            "callback": issuer.callback(Kind::Login),
        },
    });
    let mut session = Session::new(id, Kind::Login, vec![message], expire);
    session.login_type = login_type.to_string();
    Ok((session, qr))
}

/// The signMessage (one message) or signMultiMessage QR code (ONT-S1).
pub fn sign(issuer: &Issuer<'_>, kind: Kind, ishex: bool) -> Result<(Session, Value), String> {
    let id = issuer.new_id()?;
    let (messages, message) = if kind == Kind::SignMultiMessage {
        let messages = (0..MULTI_MESSAGES)
            .map(|_| issuer.new_message("sign", ishex))
            .collect::<Result<Vec<_>, _>>()?;
        let value = json!(messages);
        (messages, value)
    } else {
        let message = issuer.new_message("sign", ishex)?;
        (vec![message.clone()], Value::String(message))
    };
    let expire = issuer.expiry();
    let qr = json!({
        "action": kind.name(),
        "version": VERSION,
        "id": id,
        "params": {
            "type": "address",
            "dappName": DAPP_NAME,
            "dappIcon": issuer.icon(),
            "message": message,
            "ishex": ishex,
            "expire": expire,
            "callback": issuer.callback(kind),
        },
    });
    let mut session = Session::new(id, kind, messages, expire);
    session.ishex = ishex;
    Ok((session, qr))
}

/// The invoke QR code (ONT-I1): it points at the payload rather than carrying it.
pub fn invoke(issuer: &Issuer<'_>) -> Result<(Session, Value), String> {
    let id = issuer.new_id()?;
    let expire = issuer.expiry();
    let qr = json!({
        "action": Kind::Invoke.name(),
        "version": VERSION,
        "id": id,
        "params": {
            "login": true,
            "qrcodeUrl": format!("{}/payload/{id}", issuer.base),
            "callback": issuer.callback(Kind::Invoke),
            "expire": expire,
        },
    });
    Ok((Session::new(id, Kind::Invoke, Vec::new(), expire), qr))
}

/// The payload served at `qrcodeUrl` (ONT-I2): an ONG transfer of `amount` from the wallet
/// (`%address`, ONT-I4) to `payee`, paid by the wallet.
pub fn payload(id: &str, payee: &Address, amount: u64) -> Value {
    json!({
        "action": Kind::Invoke.name(),
        "version": VERSION,
        "id": id,
        "params": {
            "invokeConfig": {
                "contractHash": ONG_CONTRACT,
                "functions": [{
                    "operation": "transfer",
                    "args": [
                        {"name": "from", "value": "Address:%address"},
                        {"name": "to", "value": format!("Address:{}", payee.to_base58())},
                        {"name": "amount", "value": amount},
                    ],
                }],
                "payer": "%address",
                "gasLimit": GAS_LIMIT,
                "gasPrice": GAS_PRICE,
            },
        },
    })
}

/// The first value of `key` in a query string, percent- and `+`-decoded.
pub fn query_param(query: Option<&str>, key: &str) -> Option<String> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        (decode(k) == key).then(|| decode(v))
    })
}

/// `?type=`: `address` (the default), `account` or `ontid` (ONT-L1).
pub fn login_type(query: Option<&str>) -> Result<&'static str, String> {
    match query_param(query, "type").as_deref() {
        None | Some("address") => Ok("address"),
        Some("account") => Ok("account"),
        Some("ontid") => Ok("ontid"),
        Some(other) => Err(format!(
            "`type` must be address, account or ontid, not `{other}`"
        )),
    }
}

/// `?ishex=`: `false` (the default) or `true`.
pub fn ishex(query: Option<&str>) -> Result<bool, String> {
    match query_param(query, "ishex").as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(format!("`ishex` must be true or false, not `{other}`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entropy::Entropy;
    use crate::protocol::ontology::crypto::PrivateKey;
    use crate::schema;
    use std::time::Duration;

    fn issuer() -> Issuer<'static> {
        Issuer {
            base: "http://127.0.0.1:8080",
            now: Duration::new(1_700_000_000, 5),
            lifetime: Duration::from_secs(120),
            entropy: &ENTROPY,
        }
    }

    static ENTROPY: std::sync::LazyLock<Entropy> = std::sync::LazyLock::new(Entropy::os);

    fn assert_valid(kind: &str, value: &Value) {
        let violations = schema::validate(kind, value).expect("known kind");
        assert!(violations.is_empty(), "{kind}: {violations:?} in {value}");
    }

    #[test]
    fn every_qr_code_and_the_payload_match_their_schemas() {
        let issuer = issuer();
        for login_type in ["address", "account", "ontid"] {
            let (session, qr) = login(&issuer, login_type).expect("login");
            assert_valid("login.request", &qr);
            assert_eq!(qr["params"]["type"], login_type);
            assert_eq!(qr["params"]["expire"], 1_700_000_121u64);
            assert_eq!(qr["params"]["message"], session.messages[0].as_str());
            assert_eq!(qr["id"], session.id.as_str());
            assert_eq!(session.id.len(), 16);
        }
        for ishex in [false, true] {
            let (session, qr) = sign(&issuer, Kind::SignMessage, ishex).expect("sign");
            assert_valid("signMessage.request", &qr);
            assert_eq!(session.ishex, ishex);
            let message = &session.messages[0];
            assert_eq!(
                hex::decode(message).is_ok_and(|b| b.len() == 32),
                ishex,
                "{message}"
            );
            let (session, qr) = sign(&issuer, Kind::SignMultiMessage, ishex).expect("multi");
            assert_valid("signMultiMessage.request", &qr);
            assert_eq!(session.messages.len(), MULTI_MESSAGES);
            assert_eq!(qr["params"]["message"], json!(session.messages));
            assert_eq!(
                qr["params"]["callback"],
                "http://127.0.0.1:8080/callback/signMultiMessage"
            );
        }
        let (session, qr) = invoke(&issuer).expect("invoke");
        assert_valid("invoke.request", &qr);
        assert_eq!(
            qr["params"]["qrcodeUrl"],
            format!("http://127.0.0.1:8080/payload/{}", session.id)
        );
        let payee = Address::from_public_key(&PrivateKey::from_seed("p").public_key());
        let payload = payload(&session.id, &payee, 3);
        assert_valid("invoke.payload", &payload);
        let config = crate::protocol::ontology::invoke::substitute_placeholders(
            &payload["params"]["invokeConfig"],
            &payee.to_base58(),
            "",
        );
        assert!(crate::protocol::ontology::invoke::parse_config(&config).is_ok());
    }

    #[test]
    fn query_options_have_defaults_and_refuse_other_values() {
        assert_eq!(login_type(None), Ok("address"));
        assert_eq!(login_type(Some("type=ontid&x=1")), Ok("ontid"));
        assert_eq!(login_type(Some("x=1&type=account")), Ok("account"));
        assert!(login_type(Some("type=did")).is_err());
        assert_eq!(ishex(Some("ishex=true")), Ok(true));
        assert_eq!(
            ishex(Some("ishex")),
            Err("`ishex` must be true or false, not ``".into())
        );
        assert_eq!(
            query_param(Some("a=b%20c+d"), "a").as_deref(),
            Some("b c d")
        );
        assert_eq!(query_param(Some("%ff=%ff"), "a"), None);
    }
}
