//! Invoke (ONT-I1…I9): from the QR code's `qrcodeUrl` to a transaction on the node and the
//! outcome posted to `callback`, in this order:
//!
//! 1. GET `qrcodeUrl` (no redirect followed); a `200` whose body matches the `invoke.payload`
//!    schema, else the QR code is refused with nothing sent or posted;
//! 2. replace `%address` and `%ontid` in the invokeConfig (ONT-I4), before anything reads it;
//! 3. parse the config (ONT-I2, ONT-I3): an unknown prefix or a malformed value refuses the
//!    QR code, and no transaction is built;
//! 4. the payer: none means the wallet; another address refuses the QR code, with no
//!    transaction and no callback (ONT-I5; the profile allows an 80001 callback, this wallet
//!    posts none, as the reference mobile wallets do);
//! 5. build the transaction (version 0, type 0xd1, random nonce, the config's gas, the Java
//!    SDK's script) and sign it as the payer (ONT-I6);
//! 6. pre-execute it, then send it (ONT-I7); either refusal is a failed send;
//! 7. POST `{error: 0, desc: "SUCCESS", result: <display hash>}`, or after a failed send
//!    `{error: 80001, desc: "SEND TX ERROR", result: 1}` (ONT-I8); no `callback`, no POST.
//!
//! The faults on this path each change one of these steps (named at each step).

use serde_json::Value;

use super::callback::{conforms, envelope, post_callback, success, Request};
use super::{Shared, WalletFault};
use crate::protocol::driver::ScanReply;
use crate::protocol::ontology::crypto::Address;
use crate::protocol::ontology::invoke::{
    build_script, parse_arg, parse_config, substitute_placeholders,
};
use crate::protocol::ontology::tx::{Payload, Transaction, TxType};
use crate::reference::http_reason;

/// The typed-value prefixes that exist (ONT-I3).
const KNOWN_PREFIXES: [&str; 4] = ["String", "ByteArray", "Long", "Address"];

/// Invoke, from the QR code to the callback.
pub(super) async fn invoke(shared: &Shared, req: &Request) -> ScanReply {
    match invoke_steps(shared, req).await {
        Ok(()) => ScanReply::completed(),
        Err(reason) => ScanReply::refused(reason),
    }
}

async fn invoke_steps(shared: &Shared, req: &Request) -> Result<(), String> {
    let url = req
        .param_str("qrcodeUrl")
        .ok_or_else(|| "the request has no `qrcodeUrl` text".to_string())?;
    let payload = match fetch_payload(shared, url).await {
        Ok(payload) => payload,
        Err(reason) => {
            // `success-on-payload-failure`: a success with no transaction behind it.
            if let (true, Some(callback)) = (
                shared.has(WalletFault::SuccessOnPayloadFailure),
                req.param_str("callback"),
            ) {
                let body = success(envelope(shared, "invoke", req), "".into());
                post_callback(shared, callback, body).await?;
                return Ok(());
            }
            return Err(reason);
        }
    };
    let config = payload
        .get("params")
        .and_then(|p| p.get("invokeConfig"))
        .ok_or_else(|| "the invoke payload has no invokeConfig".to_string())?;
    // `login` is informational (ONT-I1); `login-flag-required` insists on it.
    if shared.has(WalletFault::LoginFlagRequired)
        && req.params().get("login").and_then(Value::as_bool) != Some(true)
    {
        return Err("the invoke request does not ask for a login".to_string());
    }
    // `callback` is optional (ONT-I1); `callback-required` refuses before anything is built.
    if req.param_str("callback").is_none() && shared.has(WalletFault::CallbackRequired) {
        return Err("the invoke request has no `callback`".to_string());
    }
    let tx = build(shared, config)?;
    let sent = send(shared, &tx).await;
    let Some(callback) = req.param_str("callback") else {
        // Nobody to tell: the transaction (or its refusal) is on the node for the dApp to
        // find.
        return Ok(());
    };
    let hash = if shared.has(WalletFault::HashNotReversed) {
        hex::encode(tx.hash())
    } else {
        tx.display_hash()
    };
    let body = match sent {
        Ok(()) => success(envelope(shared, "invoke", req), hash.into()),
        Err(_) if shared.has(WalletFault::SuccessOnSendFailure) => {
            success(envelope(shared, "invoke", req), hash.into())
        }
        Err(reason) => {
            let mut body = envelope(shared, "invoke", req);
            body.insert("error".into(), 80001.into());
            body.insert("desc".into(), "SEND TX ERROR".into());
            let result = if shared.has(WalletFault::SendErrorResultText) {
                reason.into()
            } else {
                1.into()
            };
            body.insert("result".into(), result);
            body
        }
    };
    post_callback(shared, callback, body).await
}

/// Step 1: the payload served at `qrcodeUrl`: a `200` JSON body, read from that URL itself
/// (no redirect is followed, ONT-I12).
async fn fetch_payload(shared: &Shared, url: &str) -> Result<Value, String> {
    let (status, body) = if shared.has(WalletFault::FollowRedirects) {
        fetch_following_redirects(shared, url).await?
    } else {
        let reply =
            shared.http.get(url).await.map_err(|e| {
                format!("the invoke payload cannot be fetched: {}", http_reason(&e))
            })?;
        (reply.status, reply.body)
    };
    let reply = crate::net::HttpReply {
        status,
        content_type: None,
        body,
    };
    if reply.status != 200 && !shared.has(WalletFault::PayloadStatusIgnored) {
        return Err(format!(
            "the invoke payload URL answered HTTP {}",
            reply.status
        ));
    }
    let payload: Value = serde_json::from_slice(&reply.body)
        .map_err(|e| format!("the invoke payload is not JSON: {e}"))?;
    conforms("invoke.payload", &payload, "the invoke payload")?;
    Ok(payload)
}

/// `follow-redirects`: the payload fetched as an HTTP client's defaults would, following up
/// to three redirects wherever they lead; the body is still capped and the time bounded.
async fn fetch_following_redirects(shared: &Shared, url: &str) -> Result<(u16, Vec<u8>), String> {
    let limits = shared.http.limits();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(3))
        .no_proxy()
        // The crate builds reqwest without a default TLS provider: hand it the harness's.
        .tls_backend_preconfigured(crate::net::tls::client_config(None))
        .connect_timeout(limits.connect)
        .timeout(limits.request)
        .build()
        .map_err(|e| format!("no HTTP client: {e}"))?;
    let cannot = |e: reqwest::Error| format!("the invoke payload cannot be fetched: {e}");
    let mut reply = client.get(url).send().await.map_err(cannot)?;
    let status = reply.status().as_u16();
    let mut body = Vec::new();
    while let Some(chunk) = reply.chunk().await.map_err(cannot)? {
        if body.len().saturating_add(chunk.len()) > limits.max_body {
            return Err("the invoke payload is larger than the wallet reads".to_string());
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, body))
}

/// Steps 2–5: the signed transaction the config describes.
fn build(shared: &Shared, config: &Value) -> Result<Transaction, String> {
    let address = shared.address.to_base58();
    // `payer-placeholder-only` looks at the payer as written, before substitution.
    if shared.has(WalletFault::PayerPlaceholderOnly) {
        if let Some(Value::String(payer)) = config.get("payer") {
            if !payer.is_empty() && payer != "%address" {
                return Err(format!(
                    "the payer is written as `{payer}`, not `%address`; nothing was sent"
                ));
            }
        }
    }
    let mut config = if shared.has(WalletFault::NoPlaceholderSubstitution) {
        config.clone()
    } else if shared.has(WalletFault::ShallowPlaceholders) {
        shallow_substitution(config, &address, &shared.ontid.to_string())
    } else {
        substitute_placeholders(config, &address, &shared.ontid.to_string())
    };
    if shared.has(WalletFault::MalformedValueAsString) {
        rewrite_arg_strings(&mut config, malformed_value_as_string);
    }
    if shared.has(WalletFault::UnknownPrefixAsString) {
        rewrite_arg_strings(&mut config, unknown_prefix_as_string);
    }
    if shared.has(WalletFault::TruncateLong) {
        rewrite_arg_strings(&mut config, long_through_f64);
    }
    let call = parse_config(&config).map_err(|e| format!("the invokeConfig is not usable: {e}"))?;
    let payer = match call.payer {
        None if shared.has(WalletFault::ZeroPayerWhenMissing) => Address([0; 20]),
        None => shared.address,
        Some(payer) if payer == shared.address => payer,
        Some(payer) if shared.has(WalletFault::IgnorePayerMismatch) => payer,
        Some(payer) => {
            return Err(format!(
                "the payer is not this wallet: the invokeConfig names {payer}, this wallet is \
                 {address}; nothing was sent"
            ))
        }
    };
    let mut tx = Transaction {
        version: 0,
        tx_type: TxType::InvokeNeo,
        nonce: random_nonce(shared)?,
        gas_price: call.gas_price,
        gas_limit: call.gas_limit,
        payer,
        payload: Payload::Invoke {
            code: build_script(&call),
        },
        signatures: Vec::new(),
    };
    tx.sign_single(&shared.key)
        .map_err(|e| format!("the transaction cannot be signed: {e}"))?;
    Ok(tx)
}

/// Step 6: pre-execute (unless `skip-preexec`), then send. The error says which refused.
async fn send(shared: &Shared, tx: &Transaction) -> Result<(), String> {
    let tx_hex = tx.to_hex();
    if !shared.has(WalletFault::SkipPreexec) {
        let judged = pre_execute(shared, &tx_hex).await;
        // `ignore-preexec-failure` pre-executes but sends whatever the answer was.
        if !shared.has(WalletFault::IgnorePreexecFailure) {
            judged?;
        }
    }
    shared
        .node
        .send_raw(&tx_hex)
        .await
        .map(|_| ())
        .map_err(|e| format!("the node refused the transaction: {e}"))
}

/// The pre-execution's verdict: an error, or a failed execution, refuses the send.
async fn pre_execute(shared: &Shared, tx_hex: &str) -> Result<(), String> {
    let result = shared
        .node
        .pre_execute(tx_hex)
        .await
        .map_err(|e| format!("the pre-execution failed: {e}"))?;
    // A real node can answer a failed execution with `State: 0` rather than an error.
    if result.get("State").and_then(Value::as_i64) == Some(0) {
        return Err("the pre-execution failed: State 0".to_string());
    }
    Ok(())
}

/// A fresh random nonce: two scans of one QR code must give two transactions, or the node
/// refuses the second as a duplicate.
fn random_nonce(shared: &Shared) -> Result<u32, String> {
    let mut bytes = [0u8; 4];
    shared.entropy.fill(&mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

/// Applies `rewrite` to every string inside every `functions[*].args[*].value` (nested
/// arrays and map values included; map keys are names, not values).
fn rewrite_arg_strings(config: &mut Value, rewrite: fn(&str) -> Option<String>) {
    let Some(functions) = config.get_mut("functions").and_then(Value::as_array_mut) else {
        return;
    };
    for function in functions {
        let Some(args) = function.get_mut("args").and_then(Value::as_array_mut) else {
            continue;
        };
        for arg in args {
            if let Some(value) = arg.get_mut("value") {
                rewrite_strings(value, rewrite);
            }
        }
    }
}

/// Depth is bounded by the JSON parser's own nesting limit.
fn rewrite_strings(value: &mut Value, rewrite: fn(&str) -> Option<String>) {
    match value {
        Value::String(text) => {
            if let Some(new) = rewrite(text) {
                *text = new;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite_strings(i, rewrite)),
        Value::Object(map) => map.values_mut().for_each(|v| rewrite_strings(v, rewrite)),
        _ => {}
    }
}

/// `unknown-prefix-as-string`: a value whose prefix (the text before the first `:`, or the
/// whole text) is not a known one becomes `String:<the whole text>`.
fn unknown_prefix_as_string(text: &str) -> Option<String> {
    let prefix = text.split_once(':').map_or(text, |(prefix, _)| prefix);
    if KNOWN_PREFIXES.contains(&prefix) {
        None
    } else {
        Some(format!("String:{text}"))
    }
}

/// `truncate-long`: `Long:<n>` read as a 64-bit float, then cast to an integer, as a
/// JavaScript wallet reads it (precision above 2^53 is lost).
fn long_through_f64(text: &str) -> Option<String> {
    let number = text.strip_prefix("Long:")?.parse::<f64>().ok()?;
    // `as` saturates; only finite values are rewritten, so NaN never becomes 0.
    number
        .is_finite()
        .then(|| format!("Long:{}", number as i64))
}

/// `malformed-value-as-string`: a value with a known prefix that does not parse as that
/// type (`Long:12x`, `ByteArray:xyz`) becomes `String:<the whole text>`.
fn malformed_value_as_string(text: &str) -> Option<String> {
    let prefix = text.split_once(':').map(|(prefix, _)| prefix)?;
    let malformed = KNOWN_PREFIXES.contains(&prefix)
        && parse_arg(&Value::String(text.to_string()), "value").is_err();
    malformed.then(|| format!("String:{text}"))
}

/// `shallow-placeholders`: `%address` and `%ontid` replaced in the payer and in argument
/// values that are strings themselves; arrays and maps are left as written.
fn shallow_substitution(config: &Value, address: &str, ontid: &str) -> Value {
    let replace = |text: &str| text.replace("%address", address).replace("%ontid", ontid);
    let mut config = config.clone();
    if let Some(Value::String(payer)) = config.get_mut("payer") {
        *payer = replace(payer);
    }
    if let Some(functions) = config.get_mut("functions").and_then(Value::as_array_mut) {
        for function in functions {
            let Some(args) = function.get_mut("args").and_then(Value::as_array_mut) else {
                continue;
            };
            for arg in args {
                if let Some(Value::String(text)) = arg.get_mut("value") {
                    *text = replace(text);
                }
            }
        }
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_prefixes_become_strings_and_known_ones_stay() {
        assert_eq!(
            unknown_prefix_as_string("Integer:5").as_deref(),
            Some("String:Integer:5")
        );
        assert_eq!(
            unknown_prefix_as_string("plain").as_deref(),
            Some("String:plain")
        );
        for known in ["String:a", "ByteArray:aa", "Long:1", "Address:A"] {
            assert_eq!(unknown_prefix_as_string(known), None);
        }
    }

    #[test]
    fn longs_lose_precision_above_2_pow_53() {
        assert_eq!(
            long_through_f64("Long:9007199254740993").as_deref(),
            Some("Long:9007199254740992")
        );
        assert_eq!(long_through_f64("Long:100").as_deref(), Some("Long:100"));
        assert_eq!(long_through_f64("Long:x"), None);
        assert_eq!(long_through_f64("Long:NaN"), None);
        assert_eq!(long_through_f64("String:1"), None);
    }

    #[test]
    fn rewrites_reach_nested_values_but_not_keys_or_other_fields() {
        let mut config = json!({
            "contractHash": "Integer:1",
            "functions": [{"operation": "Integer:op", "args": [
                {"name": "a", "value": ["Integer:1", {"Integer:k": "Integer:2"}]},
                {"name": "b", "value": 7}
            ]}]
        });
        rewrite_arg_strings(&mut config, unknown_prefix_as_string);
        assert_eq!(config["contractHash"], "Integer:1");
        assert_eq!(config["functions"][0]["operation"], "Integer:op");
        assert_eq!(
            config["functions"][0]["args"][0]["value"],
            json!(["String:Integer:1", {"Integer:k": "String:Integer:2"}])
        );
        assert_eq!(config["functions"][0]["args"][1]["value"], 7);
    }
}
