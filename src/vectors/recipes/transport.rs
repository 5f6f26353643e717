//! Recipe for `ontology/transport.json`: the QR text forms of dAPI-mobile requests
//! (ONT-T1…T3), and [`check`], the per-case verdict both the vector harness and this
//! module's tests apply.
//!
//! Expected texts are built from the encodings' definitions, not by asking the decoder:
//! the documented form with `encodeURIComponent` and padded standard Base64, the iOS
//! wallets' `URLQueryAllowedCharacterSet` escaping, a form encoder's `+` for space, and the
//! Base64 variants are each spelled out here. Every value is fixed; nothing is random.

use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};

use crate::protocol::ontology::transport::{
    decode, encode, encode_uri_component, QrForm, DEEP_LINK_PREFIX, WEBVIEW_PREFIX,
};
use crate::vectors::{TestCase, TestGroup, TestResult, VectorFile};

use TestResult::{Invalid, Valid};

/// What iOS's `URLQueryAllowedCharacterSet` escapes: everything but the alphanumerics and
/// `! $ & ' ( ) * + , - . / : ; = ? @ _ ~`.
const IOS_QUERY_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b'-')
    .remove(b'.')
    .remove(b'/')
    .remove(b':')
    .remove(b';')
    .remove(b'=')
    .remove(b'?')
    .remove(b'@')
    .remove(b'_')
    .remove(b'~');

/// What a form encoder (Java's `URLEncoder`) escapes: everything but the alphanumerics and
/// `. - * _`; it then writes a space as `+`.
const FORM_ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'*')
    .remove(b'_');

pub fn build() -> VectorFile {
    let notes = notes(&[
        (
            "DocumentedForm",
            "The text is exactly what the documented encoder emits: compact JSON; or \
             encodeURIComponent, then padded standard Base64, after \
             `ontprovider://ont.io?param=` (deep link) or `?params=` (WebView).",
        ),
        (
            "WorkedExample",
            "The getProvider request worked through by hand (JSON, encodeURIComponent, Base64), \
             pinned byte for byte.",
        ),
        (
            "NonAscii",
            "The message has non-ASCII characters, spaces and characters outside the \
             encodeURIComponent unescaped set, so every escape path is exercised.",
        ),
        (
            "Base64DelimitersUnescaped",
            "The Base64 in the query contains `+`, `/` or `=` written raw, as every reference \
             encoder leaves them. The query value is read raw (split on the first `=` only, \
             never form-decoded), so `+` stays Base64's `+` and the padding stays in the value: \
             it decodes.",
        ),
        (
            "FetchUrl",
            "An http(s) URL the wallet MAY GET (ONT-T3); decoding returns the URL as the \
             `message` string and fetches nothing.",
        ),
        (
            "LowercaseEscapes",
            "Percent escapes with lower-case hex digits, which decodeURIComponent accepts; \
             tolerated without a quirk since no reader can be misled by them.",
        ),
        (
            "SurroundingWhitespace",
            "Whitespace around the text is trimmed (quirk).",
        ),
        (
            "SlashBeforeQuery",
            "A `/` path between host and query (`ont.io/?param=`) is tolerated (quirk); any \
             other path is an error.",
        ),
        (
            "ExtraQueryParameters",
            "Query parameters besides the payload key are ignored (quirk).",
        ),
        (
            "PercentEncodedQuery",
            "The Base64 in the query is percent-encoded (`%2B`, `%2F`, `%3D`) and is unescaped \
             before Base64 decoding (quirk).",
        ),
        (
            "UrlSafeBase64",
            "The Base64 uses the URL-safe alphabet `-` `_` (quirk); mixing it with `+` or `/` is \
             an error.",
        ),
        (
            "UnpaddedBase64",
            "The Base64 has no `=` padding (quirk); partial padding is an error.",
        ),
        (
            "UnescapedCharacters",
            "The URI-encoded payload leaves characters literal that encodeURIComponent escapes: \
             the iOS wallets' URLQueryAllowedCharacterSet escaping, or no URI encoding at all \
             (quirk). A literal `+` beside a literal `:` is a real `+`.",
        ),
        (
            "PlusAsSpace",
            "The payload is form-encoded: `+` for space, every other non-alphanumeric but `. - * \
             _` escaped, no `%20` (quirk). Only when all of that holds is `+` read as a space.",
        ),
        ("Empty", "Error Empty: nothing but whitespace."),
        (
            "WrongScheme",
            "Error WrongScheme: a scheme other than ontprovider, http or https.",
        ),
        (
            "CaseSensitive",
            "Schemes, the host and the payload keys are matched case-sensitively, as Android \
             intent filters and the reference wallets' string comparisons match them.",
        ),
        (
            "WrongHost",
            "Error WrongHost: an ontprovider link whose host is not `ont.io` (or absent).",
        ),
        (
            "UnexpectedPath",
            "Error UnexpectedPath: an ontprovider link with a path other than `/`.",
        ),
        (
            "MissingPayload",
            "Error MissingPayload: no `param`/`params` key, or its value is empty.",
        ),
        (
            "DuplicatePayloadKey",
            "Error DuplicatePayloadKey: the payload key occurs twice (`param` and `params`, or \
             either repeated); wallets read different ones, so the link is refused.",
        ),
        (
            "InvalidPercentEscape",
            "Error InvalidPercentEscape: a `%` not followed by two hex digits, in the query or \
             in the decoded payload.",
        ),
        (
            "InvalidBase64",
            "Error InvalidBase64: a character outside both alphabets, mixed alphabets, misplaced \
             or partial padding, an impossible length, or non-zero trailing bits.",
        ),
        (
            "FormDecodedBase64",
            "The Base64's `+` was turned into a space by a form decoder upstream: the space is \
             not Base64, and is not turned back.",
        ),
        (
            "InvalidUtf8",
            "Error InvalidUtf8: the percent-decoded payload is not UTF-8.",
        ),
        (
            "InvalidJson",
            "Error InvalidJson: the text (JSON form) or the decoded payload is not JSON.",
        ),
        (
            "NotAnObject",
            "Error NotAnObject: valid JSON that is not an object.",
        ),
        (
            "InvalidUrl",
            "Error InvalidUrl: an http(s) URL with no host or with whitespace in it.",
        ),
    ]);
    let mut file = VectorFile::numbered(
        "ONTOLOGY-TRANSPORT",
        "qrconform vectors regen (recipe transport)",
        json!({
            "recipe": "src/vectors/recipes/transport.rs",
            "description": "Fixed requests (getProvider, login, signMessage, invoke) encoded in \
                every QR text form, texts with each tolerated deviation, and one or more texts \
                per error family. Expected texts are built from the encodings' definitions: \
                encodeURIComponent, iOS URLQueryAllowedCharacterSet, form encoding, standard \
                and URL-safe Base64.",
            "clauses": ["ONT-T1", "ONT-T2", "ONT-T3"],
            "references": [
                "ontio-cyano/CEPs CEPS/CEP1.mediawiki (QR content, deep link)",
                "ontio-cyano/cyano-bridge src/CyanoBridge.ts, src/client/qrcode.ts \
                 (params= WebView form, plain JSON QR)",
                "ontio-cyano/cyano-android wake/WakeJudgeActivity.java, \
                 scan/activity/CaptureActivity.java (param= decoding, http(s) QR)",
                "ontio-cyano/cyano-ios DAppViewController.m (URLQueryAllowedCharacterSet escaping)"
            ],
            "notCovered": "TooLong (texts over 65536 bytes) is exercised by unit tests rather \
                than by a 64 KiB vector.",
        }),
        notes,
        vec![encode_group(), decode_valid_group(), decode_invalid_group()],
    );
    file.header = vec![
        "QR text forms of Ontology dAPI-mobile requests: encode byte-exactly, decode with \
         quirks, refuse with a named error kind."
            .to_string(),
    ];
    file
}

fn notes(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect()
}

/// The getProvider request of the published encoding walkthrough.
fn get_provider() -> Value {
    json!({"action": "getProvider", "version": "v1.0.0", "id": "10ba038e"})
}

fn login() -> Value {
    json!({
        "action": "login",
        "version": "v1.0.0",
        "id": "4c1e8f2a-6b3d-4e5f-9a7b-0c2d4e6f8a1b",
        "params": {
            "type": "account",
            "dappName": "qrconform demo dApp",
            "dappIcon": "https://dapp.example/icon.png",
            "message": "login-7f3a91c2",
            "expire": 1767225600,
            "callback": "https://dapp.example/ontology/login"
        }
    })
}

/// Spaces, non-ASCII, `%`, `+`, `/`, `=`, `&`, `#`, `<>`, `?`, `:` and the unescaped
/// extras `~ * ' ( ) !`: every branch of every escaping. `???` and `~~~` put a `?` and a
/// `~` at a byte offset ≡ 2 (mod 3), where they become a Base64 `/` (iOS escaping, which
/// leaves `?` literal) and `+` (documented escaping, which leaves `~` literal).
fn sign_message() -> Value {
    json!({
        "action": "signMessage",
        "version": "v1.0.0",
        "id": "a3f9c2e1",
        "params": {
            "type": "address",
            "message": "Pay 12.5 ONG to Zoë??? «oui» — 100% sûr; 1+1=2 & a/b #1 <ok> ~~~*'()!",
            "ishex": false,
            "callback": "https://dapp.example/ontology/sign?session=42&lang=fr"
        }
    })
}

/// An invoke QR (the cyano-bridge spelling of `version`).
fn invoke() -> Value {
    json!({
        "action": "invoke",
        "version": "1.0.0",
        "id": "b7d2e904",
        "params": {
            "login": true,
            "qrcodeUrl": "https://dapp.example/ontology/qrcode/AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ",
            "callback": "https://dapp.example/ontology/invoke",
            "expire": 1767225600
        }
    })
}

fn named_messages() -> Vec<(&'static str, Value, &'static [&'static str])> {
    vec![
        (
            "getProvider",
            get_provider(),
            &["DocumentedForm", "WorkedExample"],
        ),
        ("login", login(), &["DocumentedForm"]),
        (
            "signMessage",
            sign_message(),
            &["DocumentedForm", "NonAscii"],
        ),
        ("invoke", invoke(), &["DocumentedForm"]),
    ]
}

/// The Base64 of the documented URI encoding.
fn documented_b64(message: &Value) -> String {
    STANDARD.encode(encode_uri_component(&message.to_string()))
}

fn ios_b64(message: &Value) -> String {
    STANDARD.encode(utf8_percent_encode(&message.to_string(), IOS_QUERY_ESCAPED).to_string())
}

fn form_encoded_b64(message: &Value) -> String {
    // `%20` can only come from a space: a literal `%` is itself escaped as `%25`.
    let escaped = utf8_percent_encode(&message.to_string(), FORM_ESCAPED).to_string();
    STANDARD.encode(escaped.replace("%20", "+"))
}

/// `%7B` → `%7b`: the hex digits of every escape in lower case, nothing else touched.
fn lowercase_escapes(uri_encoded: &str) -> String {
    let mut out = String::with_capacity(uri_encoded.len());
    let mut digits_left = 0;
    for c in uri_encoded.chars() {
        if digits_left > 0 {
            out.push(c.to_ascii_lowercase());
            digits_left -= 1;
        } else {
            out.push(c);
            if c == '%' {
                digits_left = 2;
            }
        }
    }
    out
}

fn deep_link(b64: &str) -> String {
    format!("{DEEP_LINK_PREFIX}{b64}")
}

fn webview(b64: &str) -> String {
    format!("{WEBVIEW_PREFIX}{b64}")
}

fn encode_group() -> TestGroup {
    let mut tests = Vec::new();
    for (name, message, flags) in named_messages() {
        let json_text = message.to_string();
        let b64 = documented_b64(&message);
        for (form, text) in [
            (QrForm::Json, json_text.clone()),
            (QrForm::DeepLink, deep_link(&b64)),
            (QrForm::Webview, webview(&b64)),
        ] {
            tests.push(TestCase::new(
                format!("{name} as {form}"),
                flags,
                json!({"message": message, "form": form.name(), "text": text}),
                Valid,
            ));
        }
    }
    TestGroup::new("encode", json!({"clauses": ["ONT-T1", "ONT-T2"]}), tests)
}

fn valid(
    comment: &str,
    flags: &[&str],
    text: String,
    form: QrForm,
    quirks: &[&str],
    message: Value,
) -> TestCase {
    TestCase::new(
        comment,
        flags,
        json!({"text": text, "form": form.name(), "quirks": quirks, "message": message}),
        Valid,
    )
}

fn decode_valid_group() -> TestGroup {
    let sign = sign_message();
    let b64 = documented_b64(&sign);
    let ios = ios_b64(&sign);
    let percent_query = |b64: &str| {
        b64.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    };
    let url_safe = URL_SAFE.encode(encode_uri_component(&sign.to_string()));
    let url_safe_no_pad = URL_SAFE_NO_PAD.encode(encode_uri_component(&sign.to_string()));
    let lowercase = STANDARD.encode(lowercase_escapes(&encode_uri_component(
        &get_provider().to_string(),
    )));
    let tests = vec![
        valid(
            "plain JSON login",
            &["DocumentedForm"],
            login().to_string(),
            QrForm::Json,
            &[],
            login(),
        ),
        valid(
            "documented deep link",
            &["DocumentedForm"],
            deep_link(&documented_b64(&invoke())),
            QrForm::DeepLink,
            &[],
            invoke(),
        ),
        valid(
            "documented WebView link",
            &["DocumentedForm"],
            webview(&documented_b64(&login())),
            QrForm::Webview,
            &[],
            login(),
        ),
        valid(
            "Base64 `+` and `=` raw in the query",
            &["DocumentedForm", "Base64DelimitersUnescaped", "NonAscii"],
            deep_link(&b64),
            QrForm::DeepLink,
            &[],
            sign.clone(),
        ),
        valid(
            "https URL",
            &["FetchUrl"],
            "https://dapp.example/ontology/qrcode/AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ".into(),
            QrForm::Url,
            &[],
            json!("https://dapp.example/ontology/qrcode/AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ"),
        ),
        valid(
            "http URL with port and query",
            &["FetchUrl"],
            "http://192.0.2.10:4027/qrcode?id=b7d2e904".into(),
            QrForm::Url,
            &[],
            json!("http://192.0.2.10:4027/qrcode?id=b7d2e904"),
        ),
        valid(
            "lower-case percent escapes",
            &["LowercaseEscapes"],
            deep_link(&lowercase),
            QrForm::DeepLink,
            &[],
            get_provider(),
        ),
        valid(
            "deep link with spaces before and CRLF after",
            &["SurroundingWhitespace"],
            format!("  {}\r\n", deep_link(&b64)),
            QrForm::DeepLink,
            &["SurroundingWhitespace"],
            sign.clone(),
        ),
        valid(
            "plain JSON with a trailing newline",
            &["SurroundingWhitespace"],
            format!("{}\n", login()),
            QrForm::Json,
            &["SurroundingWhitespace"],
            login(),
        ),
        valid(
            "slash between host and query",
            &["SlashBeforeQuery"],
            format!("ontprovider://ont.io/?param={}", documented_b64(&login())),
            QrForm::DeepLink,
            &["SlashBeforeQuery"],
            login(),
        ),
        valid(
            "extra query parameter after the payload",
            &["ExtraQueryParameters"],
            format!("{}&source=qrconform", deep_link(&b64)),
            QrForm::DeepLink,
            &["ExtraQueryParameters"],
            sign.clone(),
        ),
        valid(
            "extra query parameter before the payload",
            &["ExtraQueryParameters"],
            format!(
                "ontprovider://ont.io?v=1&params={}",
                documented_b64(&invoke())
            ),
            QrForm::Webview,
            &["ExtraQueryParameters"],
            invoke(),
        ),
        valid(
            "Base64 percent-encoded in the query (%2B, %3D)",
            &["PercentEncodedQuery"],
            deep_link(&percent_query(&b64)),
            QrForm::DeepLink,
            &["PercentEncodedQuery"],
            sign.clone(),
        ),
        valid(
            "URL-safe Base64, padded",
            &["UrlSafeBase64"],
            deep_link(&url_safe),
            QrForm::DeepLink,
            &["UrlSafeBase64"],
            sign.clone(),
        ),
        valid(
            "standard Base64 without padding",
            &["UnpaddedBase64"],
            deep_link(b64.trim_end_matches('=')),
            QrForm::DeepLink,
            &["UnpaddedBase64"],
            sign.clone(),
        ),
        valid(
            "URL-safe Base64 without padding",
            &["UrlSafeBase64", "UnpaddedBase64"],
            webview(&url_safe_no_pad),
            QrForm::Webview,
            &["UrlSafeBase64", "UnpaddedBase64"],
            sign.clone(),
        ),
        valid(
            "iOS escaping: literal `+`, `:`, `?`, `&`, `=` in the payload, Base64 `/` raw",
            &[
                "UnescapedCharacters",
                "Base64DelimitersUnescaped",
                "NonAscii",
            ],
            deep_link(&ios),
            QrForm::DeepLink,
            &["UnescapedCharacters"],
            sign.clone(),
        ),
        valid(
            "iOS escaping with the Base64 percent-encoded (%2F)",
            &["PercentEncodedQuery", "UnescapedCharacters"],
            webview(&percent_query(&ios)),
            QrForm::Webview,
            &["PercentEncodedQuery", "UnescapedCharacters"],
            sign.clone(),
        ),
        valid(
            "JSON Base64-encoded without URI encoding",
            &["UnescapedCharacters"],
            deep_link(&STANDARD.encode(login().to_string())),
            QrForm::DeepLink,
            &["UnescapedCharacters"],
            login(),
        ),
        valid(
            "form encoding: `+` for space, `%2B` for plus",
            &["PlusAsSpace", "NonAscii"],
            deep_link(&form_encoded_b64(&sign)),
            QrForm::DeepLink,
            &["PlusAsSpace"],
            sign.clone(),
        ),
    ];
    TestGroup::new(
        "decode",
        json!({"clauses": ["ONT-T1", "ONT-T2", "ONT-T3"]}),
        tests,
    )
}

fn invalid(comment: &str, flags: &[&str], text: String, error: &str) -> TestCase {
    let mut all_flags = vec![error];
    all_flags.extend_from_slice(flags);
    TestCase::new(
        comment,
        &all_flags,
        json!({"text": text, "error": error}),
        Invalid,
    )
}

fn decode_invalid_group() -> TestGroup {
    let b64 = documented_b64(&login());
    let sign_b64 = documented_b64(&sign_message());
    let payload = |uri_encoded: &str| deep_link(&STANDARD.encode(uri_encoded));
    // The documented Base64 of the signMessage request has a `+`; end it with a `_`.
    let unpadded = sign_b64.trim_end_matches('=');
    let mixed = format!("{}_", &unpadded[..unpadded.len() - 1]);
    // Seven bytes: the Base64 ends in `==`.
    let one_pad_short = STANDARD.encode("%7B%7D ");
    let tests = vec![
        invalid("empty text", &[], String::new(), "Empty"),
        invalid("whitespace only", &[], " \r\n\t".into(), "Empty"),
        invalid(
            "unknown scheme",
            &[],
            format!("ontology://ont.io?param={b64}"),
            "WrongScheme",
        ),
        invalid(
            "upper-case ontprovider scheme",
            &["CaseSensitive"],
            format!("ONTPROVIDER://ont.io?param={b64}"),
            "WrongScheme",
        ),
        invalid(
            "ftp URL",
            &[],
            "ftp://dapp.example/qrcode".into(),
            "WrongScheme",
        ),
        invalid(
            "host is a look-alike domain",
            &[],
            format!("ontprovider://ont.io.evil.example?param={b64}"),
            "WrongHost",
        ),
        invalid(
            "upper-case host",
            &["CaseSensitive"],
            format!("ontprovider://ONT.IO?param={b64}"),
            "WrongHost",
        ),
        invalid(
            "no `//` authority",
            &[],
            format!("ontprovider:ont.io?param={b64}"),
            "WrongHost",
        ),
        invalid(
            "path before the query",
            &[],
            format!("ontprovider://ont.io/login?param={b64}"),
            "UnexpectedPath",
        ),
        invalid(
            "no query",
            &[],
            "ontprovider://ont.io".into(),
            "MissingPayload",
        ),
        invalid(
            "payload under another key",
            &[],
            format!("ontprovider://ont.io?data={b64}"),
            "MissingPayload",
        ),
        invalid(
            "payload key in another case",
            &["CaseSensitive"],
            format!("ontprovider://ont.io?Param={b64}"),
            "MissingPayload",
        ),
        invalid(
            "empty payload value",
            &[],
            "ontprovider://ont.io?param=&v=1".into(),
            "MissingPayload",
        ),
        invalid(
            "both `param` and `params`",
            &[],
            format!("ontprovider://ont.io?param={b64}&params={b64}"),
            "DuplicatePayloadKey",
        ),
        invalid(
            "`param` twice",
            &[],
            format!(
                "ontprovider://ont.io?param={b64}&param={}",
                documented_b64(&invoke())
            ),
            "DuplicatePayloadKey",
        ),
        invalid(
            "truncated escape in the query",
            &[],
            deep_link(&format!("{}%3", b64.trim_end_matches('='))),
            "InvalidPercentEscape",
        ),
        invalid(
            "non-hex escape in the decoded payload",
            &[],
            payload("%7B%22id%22%3A%22%ZZ%22%7D"),
            "InvalidPercentEscape",
        ),
        invalid(
            "`%` of a literal 100% left unescaped",
            &[],
            payload("%7B%22message%22%3A%22100%%22%7D"),
            "InvalidPercentEscape",
        ),
        invalid(
            "character outside both alphabets",
            &[],
            deep_link(&b64.replacen('J', "*", 1)),
            "InvalidBase64",
        ),
        invalid(
            "Base64 `+` turned into a space",
            &["FormDecodedBase64"],
            deep_link(&sign_b64.replace('+', " ")),
            "InvalidBase64",
        ),
        invalid(
            "URL-safe and standard alphabets mixed",
            &[],
            deep_link(&mixed),
            "InvalidBase64",
        ),
        invalid(
            "padding in the middle",
            &[],
            deep_link("e30=e30="),
            "InvalidBase64",
        ),
        invalid(
            "one `=` where two are needed",
            &[],
            deep_link(&format!("{}=", one_pad_short.trim_end_matches('='))),
            "InvalidBase64",
        ),
        invalid(
            "`=` after a complete 4-character group",
            &[],
            deep_link("JTdCJTdE="),
            "InvalidBase64",
        ),
        invalid(
            "4n+1 characters",
            &[],
            deep_link("JTdCJTdEJ"),
            "InvalidBase64",
        ),
        invalid(
            "non-zero trailing bits",
            &[],
            deep_link("e31="),
            "InvalidBase64",
        ),
        invalid(
            "payload byte 0xFF",
            &[],
            payload("%7B%22message%22%3A%22%FF%22%7D"),
            "InvalidUtf8",
        ),
        invalid(
            "truncated UTF-8 sequence",
            &[],
            payload("%7B%22message%22%3A%22%C3%28%22%7D"),
            "InvalidUtf8",
        ),
        invalid("plain text", &[], "hello wallet".into(), "InvalidJson"),
        invalid(
            "truncated JSON",
            &[],
            r#"{"action":"login","version":"v1.0.0""#.into(),
            "InvalidJson",
        ),
        invalid(
            "decoded payload is truncated JSON",
            &[],
            payload("%7B%22action%22%3A%22login%22"),
            "InvalidJson",
        ),
        invalid("JSON array", &[], r#"["login"]"#.into(), "NotAnObject"),
        invalid("JSON null", &[], "null".into(), "NotAnObject"),
        invalid(
            "decoded payload is a JSON string",
            &[],
            payload("%22login%22"),
            "NotAnObject",
        ),
        invalid(
            "https URL without a host",
            &[],
            "https:///qrcode".into(),
            "InvalidUrl",
        ),
        invalid(
            "URL with a space",
            &[],
            "https://dapp.example/qr code".into(),
            "InvalidUrl",
        ),
    ];
    TestGroup::new(
        "decode",
        json!({"clauses": ["ONT-T1", "ONT-T2", "ONT-T3"]}),
        tests,
    )
}

/// Checks one case of `ontology/transport.json` against the codec: an `encode` case must
/// produce `text` byte for byte and decode back to `message` with no quirk; a valid
/// `decode` case must give `form`, `quirks` (in order) and `message`; an invalid one must
/// fail with the error kind `error`. Returns why not otherwise.
pub fn check(group: &TestGroup, case: &TestCase) -> Result<(), String> {
    let text = case.input_str("text")?;
    match group.kind.as_str() {
        "encode" => {
            let message = case.input("message")?;
            let form = form_input(case)?;
            let encoded =
                encode(message, form).map_err(|e| format!("encode failed ({}): {e}", e.kind()))?;
            if encoded != text {
                return Err(format!("encode gave {encoded:?}, expected {text:?}"));
            }
            let decoded = decode(text)
                .map_err(|e| format!("the encoded text does not decode ({}): {e}", e.kind()))?;
            compare_decoded(&decoded, form, &[], message)
        }
        "decode" => match (case.result, decode(text)) {
            (Valid | TestResult::Acceptable, Ok(decoded)) => {
                let quirks = case
                    .input("quirks")?
                    .as_array()
                    .ok_or("field `quirks` is not an array")?
                    .iter()
                    .map(|q| q.as_str().ok_or("field `quirks` holds a non-string"))
                    .collect::<Result<Vec<_>, _>>()?;
                compare_decoded(&decoded, form_input(case)?, &quirks, case.input("message")?)
            }
            (Valid, Err(err)) => Err(format!("decode failed ({}): {err}", err.kind())),
            (Invalid, Ok(decoded)) => Err(format!(
                "decoded as {} with quirks {:?} to {}, expected error {}",
                decoded.form,
                decoded.quirks.iter().map(|q| q.name()).collect::<Vec<_>>(),
                decoded.message,
                case.inputs
                    .get("error")
                    .map_or("(any)".to_string(), |e| e.to_string()),
            )),
            (Invalid | TestResult::Acceptable, Err(err)) => match case.inputs.get("error") {
                None => Ok(()),
                Some(expected) if expected.as_str() == Some(err.kind()) => Ok(()),
                Some(expected) => Err(format!(
                    "failed with {} ({err}), expected error {expected}",
                    err.kind()
                )),
            },
        },
        other => Err(format!("unknown group type `{other}`")),
    }
}

fn compare_decoded(
    decoded: &crate::protocol::ontology::transport::DecodedQr,
    form: QrForm,
    quirks: &[&str],
    message: &Value,
) -> Result<(), String> {
    if decoded.form != form {
        return Err(format!("decoded as form {}, expected {form}", decoded.form));
    }
    let got: Vec<&str> = decoded.quirks.iter().map(|q| q.name()).collect();
    if got != quirks {
        return Err(format!("quirks {got:?}, expected {quirks:?}"));
    }
    if &decoded.message != message {
        return Err(format!(
            "decoded message {}, expected {message}",
            decoded.message
        ));
    }
    Ok(())
}

fn form_input(case: &TestCase) -> Result<QrForm, String> {
    let name = case.input_str("form")?;
    QrForm::from_name(name).ok_or_else(|| format!("unknown form `{name}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ontology::transport::{TransportQuirk, ERROR_KINDS};
    use std::collections::BTreeSet;

    #[test]
    fn the_check_rejects_a_wrong_expectation() {
        let file = build();
        for group in &file.test_groups {
            let mut case = group.tests[0].clone();
            match group.kind.as_str() {
                "encode" => {
                    case.inputs.insert("text".into(), json!("{}"));
                }
                _ if case.result == Valid => {
                    case.inputs.insert("quirks".into(), json!(["PlusAsSpace"]));
                }
                _ => {
                    case.inputs.insert("error".into(), json!("InvalidBase64"));
                }
            }
            assert!(check(group, &case).is_err(), "{}", case.comment);
        }
    }

    #[test]
    fn build_is_deterministic_and_counted() {
        let file = build();
        assert_eq!(
            crate::vectors::render(&file),
            crate::vectors::render(&build())
        );
        assert_eq!(file.number_of_tests, file.cases().count());
        let counts: Vec<usize> = file.test_groups.iter().map(|g| g.tests.len()).collect();
        assert_eq!(counts, vec![12, 20, 36]);
    }

    #[test]
    fn every_flag_has_a_note_and_every_note_a_use() {
        let file = build();
        let used: BTreeSet<&str> = file
            .cases()
            .flat_map(|c| c.flags.iter().map(String::as_str))
            .collect();
        let noted: BTreeSet<&str> = file.notes.keys().map(String::as_str).collect();
        assert_eq!(used, noted);
    }

    #[test]
    fn coverage_of_quirks_and_error_kinds() {
        let file = build();
        let quirks: BTreeSet<String> = file
            .cases()
            .filter_map(|c| c.inputs.get("quirks").and_then(Value::as_array))
            .flatten()
            .filter_map(|q| q.as_str().map(str::to_string))
            .collect();
        for quirk in TransportQuirk::ALL {
            assert!(quirks.contains(quirk.name()), "no vector for quirk {quirk}");
        }
        let errors: BTreeSet<&str> = file
            .cases()
            .filter_map(|c| c.inputs.get("error").and_then(Value::as_str))
            .collect();
        for kind in ERROR_KINDS.iter().filter(|k| **k != "TooLong") {
            assert!(errors.contains(kind), "no vector for error {kind}");
        }
    }

    /// The cases built to carry raw Base64 delimiters really do.
    #[test]
    fn delimiter_cases_contain_the_delimiters() {
        let documented = documented_b64(&sign_message());
        assert!(
            documented.contains('+') && documented.ends_with('='),
            "{documented}"
        );
        let ios = ios_b64(&sign_message());
        assert!(ios.contains('/'), "{ios}");
        let url_safe = URL_SAFE.encode(encode_uri_component(&sign_message().to_string()));
        assert!(url_safe.contains('-'), "{url_safe}");
    }
}
