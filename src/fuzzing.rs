//! The fuzz entry points: one function per decoder family that reads untrusted input
//! (profile clauses H-4/H-5: never panic or hang on any input).
//!
//! Each entry point takes arbitrary bytes, feeds them to the decoders of its family and
//! discards the results. Every one must return for any input without panicking; a panic
//! here is a bug in the decoder it reached. The cargo-fuzz targets under `fuzz/` call these
//! functions, and `tests/fuzz_corpora.rs` replays the committed corpora through them on
//! stable Rust, so the two always exercise the same code. [`TARGETS`] is the registry both
//! sides name targets by; see `docs/fuzzing.md`.

use std::borrow::Cow;
use std::str::FromStr;
use std::sync::OnceLock;

use serde_json::Value;

use crate::harness::baseline::Baseline;
use crate::harness::catalogue::{self, Catalogue};
use crate::harness::target::{DappTarget, WalletTarget};
use crate::protocol::ontology::crypto::{self as ont_crypto, Address, OntId, OntSignature};
use crate::protocol::ontology::{invoke, messages, ontid, transport, tx};
use crate::protocol::simplewallet::crypto::{self as eos_crypto, PrivateKey, PublicKey, Signature};
use crate::protocol::simplewallet::eosio::{self, Asset, Name, Transfer};
use crate::protocol::simplewallet::messages::{
    CallbackReturn, LoginPost, NotifyPost, Reply, Request, SignPost,
};
use crate::schema;

/// One fuzz target: the name of its cargo-fuzz target and corpus folder, and its entry point.
pub struct FuzzTarget {
    pub name: &'static str,
    pub entry: fn(&[u8]),
}

/// Every fuzz target. A target's corpus lives in `fuzz/corpus/<name>/` and its cargo-fuzz
/// binary in `fuzz/fuzz_targets/<name>.rs`.
pub const TARGETS: &[FuzzTarget] = &[
    FuzzTarget {
        name: "ontology_qr",
        entry: ontology_qr,
    },
    FuzzTarget {
        name: "simplewallet_qr",
        entry: simplewallet_qr,
    },
    FuzzTarget {
        name: "ontology_tx",
        entry: ontology_tx,
    },
    FuzzTarget {
        name: "eos_crypto",
        entry: eos_crypto,
    },
    FuzzTarget {
        name: "eos_tx",
        entry: eos_tx,
    },
    FuzzTarget {
        name: "messages",
        entry: messages,
    },
    FuzzTarget {
        name: "config_files",
        entry: config_files,
    },
];

/// Text decoders see invalid UTF-8 replaced rather than skipped, so every input reaches them.
fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Ontology QR text and `ontprovider://` deep links (`transport::decode`); a decoded request
/// is encoded again in its form and decoded back, and read as every request kind.
pub fn ontology_qr(data: &[u8]) {
    let text = text(data);
    let Ok(decoded) = transport::decode(&text) else {
        return;
    };
    let _ = decoded.url();
    if let Ok(again) = transport::encode(&decoded.message, decoded.form) {
        let _ = transport::decode(&again);
    }
    for kind in [
        messages::MessageKind::LoginRequest,
        messages::MessageKind::SignMessageRequest,
        messages::MessageKind::SignMultiMessageRequest,
        messages::MessageKind::InvokeRequest,
    ] {
        let _ = messages::parse(kind, &decoded.message);
    }
}

/// SimpleWallet QR JSON and `simplewallet://` deep links (`Request::from_qr_text`), and the
/// callback URL a wallet returns to (`CallbackReturn::parse`). A request that reads is
/// written back out and read again.
pub fn simplewallet_qr(data: &[u8]) {
    let text = text(data);
    let _ = CallbackReturn::parse(&text);
    let Ok((request, _quirks)) = Request::from_qr_text_with_quirks(&text) else {
        return;
    };
    let _ = (request.expired(), request.callback(), request.post_url());
    if let Request::Transfer(transfer) = &request {
        let _ = transfer.quantity();
    }
    let _ = Request::from_json_with_quirks(&request.to_json_text());
    let _ = Request::from_qr_text(&request.to_deep_link());
}

/// Ontology transaction bytes (`Transaction::from_bytes`, and as hex text), NeoVM invoke
/// scripts (`invoke::decode_script`), and the key, signature and DDO encodings a chain or a
/// callback hands back.
pub fn ontology_tx(data: &[u8]) {
    if let Ok(transaction) = tx::Transaction::from_bytes(data) {
        let _ = transaction.hash();
        let _ = transaction.header_json();
        let _ = transaction.verify_signatures();
        if let tx::Payload::Invoke { code } = &transaction.payload {
            if let Ok(call) = invoke::decode_script(code) {
                let _ = call.to_notation();
            }
        }
        let _ = tx::Transaction::from_bytes(&transaction.to_bytes());
    }
    if let Ok(call) = invoke::decode_script(data) {
        let _ = call.to_notation();
    }
    let _ = ontid::decode_public_keys(data);
    let _ = ontid::decode_ddo_keys(data);
    let _ = ont_crypto::PublicKey::from_bytes(data);
    let _ = OntSignature::from_bytes(data);
    let _ = OntSignature::from_der(data);
    let text = text(data);
    let _ = tx::Transaction::from_hex(&text);
    let _ = tx::parse_display_hash(&text);
    let _ = Address::from_base58(&text);
    let _ = Address::from_display_hex(&text);
    let _ = OntId::parse(&text);
    let _ = ont_crypto::PrivateKey::from_wif(&text);
    let _ = ont_crypto::PublicKey::from_hex(&text);
    let _ = OntSignature::from_hex(&text);
}

/// EOS keys and signatures in text (`EOS…`, `PUB_K1_…`, `SIG_K1_…`, WIF) and bytes, and
/// public-key recovery from a signature over a digest.
pub fn eos_crypto(data: &[u8]) {
    let text = text(data);
    let _ = PublicKey::from_str(&text);
    let _ = PrivateKey::from_wif(&text);
    if let Ok(signature) = Signature::from_str(&text) {
        let _ = signature.recover(b"qrconform");
    }
    let _ = PublicKey::from_compressed(data.get(..33).unwrap_or(data));
    let Some(sig_bytes) = data.get(..65) else {
        return;
    };
    let Ok(signature) = Signature::from_bytes(sig_bytes) else {
        return;
    };
    let _ = (
        signature.is_canonical(),
        signature.is_high_s(),
        signature.high_s(),
    );
    let digest: [u8; 32] = match data.get(65..97) {
        Some(rest) => rest.try_into().unwrap_or_default(),
        None => eos_crypto::sha256(&data[65..]),
    };
    if let Ok(key) = signature.recover_digest(&digest) {
        let _ = signature.verify_digest(&digest, &key);
        let _ = PublicKey::from_str(&key.to_pub_k1());
    }
}

/// Packed EOS transactions (`Transaction::unpack`) and action data under the built-in ABI
/// (`unpack_action_data`, `Transfer::unpack`), and names and assets in text.
pub fn eos_tx(data: &[u8]) {
    if let Ok(transaction) = eosio::Transaction::unpack(data) {
        let _ = eosio::transaction_json(&transaction);
        let _ = transaction.signing_digest(&[0u8; 32]);
        for action in transaction
            .context_free_actions
            .iter()
            .chain(&transaction.actions)
        {
            let _ = eosio::unpack_action_data(action.account, action.name, &action.data);
        }
        let _ = eosio::Transaction::unpack(&transaction.pack());
    }
    if let Ok(transfer) = Transfer::unpack(data) {
        let _ = Transfer::unpack(&transfer.pack());
    }
    for (account, action) in [("eosio.token", "transfer"), ("eosio", "buyram")] {
        if let (Ok(account), Ok(action)) = (Name::from_str(account), Name::from_str(action)) {
            let _ = eosio::unpack_action_data(account, action, data);
        }
    }
    let text = text(data);
    if let Ok(asset) = Asset::from_str(&text) {
        let _ = Asset::from_str(&asset.to_string());
    }
    if let Ok(name) = Name::from_str(&text) {
        let _ = Name::from_str(&name.to_string());
    }
}

/// Messages against the JSON Schemas (`schema::validate`) and the serde message types of both
/// protocols. The first line names the kind (a schema kind name); the rest is the JSON text.
/// Without a newline, or with an unknown kind, the whole input is read as JSON of every kind.
pub fn messages(data: &[u8]) {
    let text = text(data);
    let (kind, json) = match text.split_once('\n') {
        Some((kind, json)) if schema::schema_text(kind.trim()).is_some() => {
            (Some(kind.trim()), json)
        }
        _ => (None, &*text),
    };
    let Ok(value) = serde_json::from_str::<Value>(json) else {
        return;
    };
    match kind {
        Some(kind) => message_of_kind(kind, json, &value),
        None => {
            for kind in schema::kind_names() {
                message_of_kind(kind, json, &value);
            }
        }
    }
}

fn message_of_kind(kind: &str, json: &str, value: &Value) {
    let _ = schema::validate(kind, value);
    if let Ok(ontology_kind) = messages::MessageKind::from_str(kind) {
        let _ = messages::parse(ontology_kind, value);
    }
    match kind {
        "invoke.request" | "invoke.payload" => {
            let config = value
                .pointer("/params/invokeConfig")
                .cloned()
                .unwrap_or(Value::Null);
            let config = invoke::substitute_placeholders(
                &config,
                "AXK2KtCfcJnSMyRzSwTuwTKgNrtx5aXfFX",
                "did:ont:AXK2KtCfcJnSMyRzSwTuwTKgNrtx5aXfFX",
            );
            if let Ok(call) = invoke::parse_config(&config) {
                let script = invoke::build_script(&call);
                let _ = invoke::decode_script(&script);
            }
        }
        "simplewallet.login.request"
        | "simplewallet.transfer.request"
        | "simplewallet.transaction.request"
        | "simplewallet.sign.request" => {
            let _ = Request::from_json_with_quirks(json);
            let _ = Request::from_value(value);
        }
        "simplewallet.login.post" => {
            let _ = LoginPost::parse(value);
        }
        "simplewallet.notify.post" => {
            let _ = NotifyPost::parse(value);
        }
        "simplewallet.sign.post" => {
            let _ = SignPost::parse(value);
        }
        "simplewallet.reply" => {
            let _ = Reply::parse_with_quirks(value);
        }
        _ => {}
    }
}

/// Target files (`DappTarget::parse`, `WalletTarget::parse`) and baselines
/// (`Baseline::parse`, against every suite's catalogue).
pub fn config_files(data: &[u8]) {
    // Parsing the embedded catalogues on every input would drown the baseline parser.
    static CATALOGUES: OnceLock<Vec<Catalogue>> = OnceLock::new();
    let text = text(data);
    let _ = DappTarget::parse("fuzz input", &text);
    let _ = WalletTarget::parse("fuzz input", &text);
    for catalogue in CATALOGUES.get_or_init(catalogue::all) {
        let _ = Baseline::parse("fuzz input", &text, catalogue);
    }
}
