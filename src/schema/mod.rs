//! The registry of embedded JSON Schemas (draft 2020-12), one per message kind, and
//! validation against them.
//!
//! The schema files under `schemas/` are compiled into the binary with `include_str!`, so the
//! tool needs nothing on disk at run time, and each is compiled into a validator once, on
//! the first validation of its kind (never all at once: compiling is what costs time and
//! memory). Format assertions are on (`format: "uri"` is checked), and no schema refers to
//! anything outside its own file: the validator never fetches anything.
//!
//! The schemas state the same rules as the serde types in
//! [`protocol::ontology::messages`](crate::protocol::ontology::messages); the golden vectors
//! in `ontology/messages.json` hold the two to one verdict per message. The `driver.*` kinds
//! describe the wallet driver protocol (`docs/wallet-driver.md`), whose serde types live in
//! `protocol::driver` and are held to these schemas by its tests.

use std::sync::OnceLock;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

/// One embedded schema file: its kind name and its text.
struct Embedded {
    name: &'static str,
    text: &'static str,
}

macro_rules! embed {
    ($name:literal) => {
        Embedded {
            name: $name,
            text: include_str!(concat!("../../schemas/ontology/", $name, ".json")),
        }
    };
    ($name:literal, $path:literal) => {
        Embedded {
            name: $name,
            text: include_str!(concat!("../../schemas/", $path)),
        }
    };
}
/// Every embedded schema, in listing order.
const EMBEDDED: &[Embedded] = &[
    embed!("login.request"),
    embed!("login.callback"),
    embed!("signMessage.request"),
    embed!("signMessage.callback"),
    embed!("signMultiMessage.request"),
    embed!("signMultiMessage.callback"),
    embed!("invoke.request"),
    embed!("invoke.payload"),
    embed!("invoke.callback"),
    embed!("dapp.reply"),
    embed!("node.rest.envelope"),
    embed!("node.rest.send"),
    embed!("node.rpc.request"),
    embed!("node.rpc.response"),
    embed!("node.event"),
    embed!("node.preexec"),
    embed!("driver.identity"),
    embed!("driver.scan.request"),
    embed!("driver.scan.reply"),
    embed!(
        "simplewallet.login.request",
        "simplewallet/login.request.json"
    ),
    embed!(
        "simplewallet.transfer.request",
        "simplewallet/transfer.request.json"
    ),
    embed!(
        "simplewallet.transaction.request",
        "simplewallet/transaction.request.json"
    ),
    embed!(
        "simplewallet.sign.request",
        "simplewallet/sign.request.json"
    ),
    embed!("simplewallet.login.post", "simplewallet/login.post.json"),
    embed!("simplewallet.notify.post", "simplewallet/notify.post.json"),
    embed!("simplewallet.sign.post", "simplewallet/sign.post.json"),
    embed!("simplewallet.reply", "simplewallet/reply.json"),
    embed!(
        "simplewallet.driver.identity",
        "simplewallet/driver.identity.json"
    ),
    embed!("report", "report/report.json"),
];

/// Plain words for the patterns the schemas use, so a violation says "is not an absolute
/// http(s) URL" rather than printing a long regular expression. A unit test checks that
/// every pattern in the embedded schemas is listed here.
const PATTERN_PHRASES: &[(&str, &str)] = &[
    (
        r"^[Hh][Tt][Tt][Pp][Ss]?://(?:(?:[A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+|\[[0-9A-Fa-f:.]+\])(?::[0-9]*)?(?:/(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*)*(?:\?(?:(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})|[/?])*)?(?:#(?:(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})|[/?])*)?$",
        "an absolute http(s) URL (no user information)",
    ),
    (r"^[0-9a-fA-F]{40}$", "40 hex digits"),
    (
        r"^sha256:[0-9a-f]{64}$",
        "a content hash (`sha256:` and 64 lower-case hex digits)",
    ),
    (r"^[A-Z]+-[A-Z]+[0-9]+$", "a clause id (like ONT-L7)"),
    (r"^[0-9a-fA-F]{64}$", "64 hex digits"),
    (
        r"^0[23][0-9a-fA-F]{64}$",
        "a compressed public key (02 or 03, then 64 hex digits)",
    ),
    (
        r"^(?:[0-9a-fA-F]{128}|[0-9a-fA-F]{130})$",
        "a signature (128 or 130 hex digits)",
    ),
    (r"^(?:[0-9a-fA-F]{2})+$", "non-empty hex of even length"),
    (
        r"^A[1-9A-HJ-NP-Za-km-z]{33}$",
        "a base58 address (34 characters starting with A)",
    ),
    (
        r"^did:ont:A[1-9A-HJ-NP-Za-km-z]{33}$",
        "an ONT ID (did:ont: and a base58 address)",
    ),
    (
        r"^(?:%address|A[1-9A-HJ-NP-Za-km-z]{33})$",
        "a base58 address or \"%address\"",
    ),
    (
        r"^(?:[.1-5a-z]{0,11}[1-5a-z]|[.1-5a-z]{12}[1-5a-j])$",
        "an EOSIO name (up to 12 of .12345a-z and a 13th of .12345a-j, no trailing dot)",
    ),
    (r"^[A-Z]{1,7}$", "a symbol code (1 to 7 letters A-Z)"),
    (
        r"^[0-9]+(?:\.[0-9]+)?$",
        "a plain decimal (digits, optionally a point and more digits)",
    ),
    (r"^[0-9]{1,15}$", "1 to 15 decimal digits"),
    (
        r"^(?:[0-9]|1[0-8])$",
        "an integer 0 to 18 in decimal digits",
    ),
    (r"^[0-9]{1,20}$", "1 to 20 decimal digits"),
];

/// What `schema list` shows about one kind; read from the schema file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindInfo {
    /// The kind's name, as `schema validate --kind` takes it.
    pub name: &'static str,
    /// The schema's `title`.
    pub title: String,
    /// The schema's `description`.
    pub description: String,
    /// The schema's `$id`.
    pub id: String,
}

/// One way an instance breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer of the offending value (`""` for the whole instance). For a missing
    /// required member it names the member that should be there (`/params/callback`), not
    /// the object that lacks it, so the pointer says what to fix.
    pub instance_path: String,
    /// What is wrong, in the validator's words.
    pub message: String,
}

/// Why validation could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaError {
    /// No schema has that name.
    #[error("unknown message kind `{kind}`; known kinds: {}", .known.join(", "))]
    UnknownKind {
        kind: String,
        known: Vec<&'static str>,
    },
}

/// What `schema list` shows of every kind, read from the schema files once (parsing only:
/// no schema is compiled for it).
fn infos() -> &'static [KindInfo] {
    static INFOS: OnceLock<Vec<KindInfo>> = OnceLock::new();
    INFOS.get_or_init(|| {
        EMBEDDED
            .iter()
            .map(|embedded| {
                let schema = parse(embedded);
                let text = |key: &str| {
                    schema
                        .get(key)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                KindInfo {
                    name: embedded.name,
                    title: text("title"),
                    description: text("description"),
                    id: text("$id"),
                }
            })
            .collect()
    })
}

/// An embedded schema as JSON. The schemas are part of the program, so a broken one is a bug
/// in the build, not an input error; the unit tests parse and compile them all.
fn parse(embedded: &Embedded) -> Value {
    serde_json::from_str(embedded.text)
        .unwrap_or_else(|e| panic!("embedded schema `{}` is not JSON: {e}", embedded.name))
}

/// The validator of `EMBEDDED[index]`, compiled on its first use and kept for the process.
/// Compiling is per kind because it is the costly part (the URL patterns above all): a
/// process that validates one kind pays for that one, not for every schema.
fn validator(index: usize) -> &'static jsonschema::Validator {
    static VALIDATORS: [OnceLock<jsonschema::Validator>; EMBEDDED.len()] =
        [const { OnceLock::new() }; EMBEDDED.len()];
    VALIDATORS[index].get_or_init(|| {
        let embedded = &EMBEDDED[index];
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&parse(embedded))
            .unwrap_or_else(|e| panic!("embedded schema `{}` does not compile: {e}", embedded.name))
    })
}

/// Every kind with a schema, in listing order.
pub fn kinds() -> &'static [KindInfo] {
    infos()
}

/// The names of every kind, in listing order.
pub fn kind_names() -> Vec<&'static str> {
    EMBEDDED.iter().map(|embedded| embedded.name).collect()
}

/// The schema text of a kind, as embedded.
pub fn schema_text(kind: &str) -> Option<&'static str> {
    EMBEDDED
        .iter()
        .find(|embedded| embedded.name == kind)
        .map(|embedded| embedded.text)
}

/// Validates `instance` against the schema of `kind`. An empty list means valid. Violations
/// come sorted by pointer, then message, so output is stable.
pub fn validate(kind: &str, instance: &Value) -> Result<Vec<Violation>, SchemaError> {
    let index = EMBEDDED
        .iter()
        .position(|embedded| embedded.name == kind)
        .ok_or_else(|| SchemaError::UnknownKind {
            kind: kind.to_string(),
            known: kind_names(),
        })?;
    let mut violations: Vec<Violation> = validator(index)
        .iter_errors(instance)
        .map(|error| {
            let mut instance_path = error.instance_path().to_string();
            if let ValidationErrorKind::Required {
                property: Value::String(member),
            } = error.kind()
            {
                instance_path.push('/');
                instance_path.push_str(&member.replace('~', "~0").replace('/', "~1"));
            }
            let message = match error.kind() {
                ValidationErrorKind::Pattern { pattern } => PATTERN_PHRASES
                    .iter()
                    .find(|(known, _)| known == pattern)
                    .map(|(_, phrase)| format!("{} is not {phrase}", error.instance())),
                _ => None,
            }
            .unwrap_or_else(|| error.to_string());
            Violation {
                instance_path,
                message,
            }
        })
        .collect();
    violations.sort_by(|a, b| {
        (a.instance_path.as_str(), a.message.as_str())
            .cmp(&(b.instance_path.as_str(), b.message.as_str()))
    });
    violations.dedup();
    Ok(violations)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ontology::messages::MessageKind;
    use serde_json::json;

    #[test]
    fn every_schema_compiles_and_describes_itself() {
        let kinds = kinds();
        assert_eq!(kinds.len(), EMBEDDED.len());
        for index in 0..EMBEDDED.len() {
            validator(index);
        }
        for info in kinds {
            assert!(!info.title.is_empty(), "{} has no title", info.name);
            assert!(
                !info.description.is_empty(),
                "{} has no description",
                info.name
            );
            let (folder, file) = if info.name == "report" {
                ("report/", info.name)
            } else if let Some(file) = info.name.strip_prefix("simplewallet.") {
                ("simplewallet/", file)
            } else {
                ("ontology/", info.name)
            };
            assert_eq!(
                info.id,
                format!("https://qrconform.dev/schemas/{folder}{file}.json")
            );
            let schema: Value = serde_json::from_str(schema_text(info.name).unwrap()).unwrap();
            assert_eq!(
                schema["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
        }
    }

    fn collect_patterns(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, member) in map {
                    match (key.as_str(), member) {
                        ("pattern", Value::String(p)) => out.push(p.clone()),
                        _ => collect_patterns(member, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_pattern_has_a_phrase() {
        for name in kind_names() {
            let schema: Value = serde_json::from_str(schema_text(name).unwrap()).unwrap();
            let mut patterns = Vec::new();
            collect_patterns(&schema, &mut patterns);
            for pattern in patterns {
                assert!(
                    PATTERN_PHRASES.iter().any(|(known, _)| *known == pattern),
                    "{name}: no phrase for pattern {pattern}"
                );
            }
        }
    }

    #[test]
    fn kinds_match_the_serde_types() {
        // `driver.*` kinds are the harness's wallet driver protocol, not protocol messages;
        // its serde types are held to them in `protocol::driver`. The `simplewallet.*` kinds
        // are held to their types in `protocol::simplewallet::messages`.
        let protocol: Vec<&str> = kind_names()
            .into_iter()
            .filter(|k| {
                !k.starts_with("driver.") && !k.starts_with("simplewallet.") && *k != "report"
            })
            .collect();
        let names: Vec<&str> = MessageKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(protocol, names);
    }

    #[test]
    fn unknown_kind_lists_the_known_ones() {
        let err = validate("login", &json!({})).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`login`"), "{text}");
        assert!(text.contains("login.request, login.callback"), "{text}");
    }

    #[test]
    fn valid_login_request() {
        let request = json!({"action":"login","version":"v1.0.0","id":"1",
            "params":{"type":"address","dappName":"d","dappIcon":"i","message":"helloworld",
                      "expire":1546415363,"callback":"https://example.com/cb"}});
        assert_eq!(validate("login.request", &request).unwrap(), vec![]);
    }

    #[test]
    fn missing_member_is_reported_where_it_belongs() {
        let request = json!({"action":"login","version":"v1.0.0",
            "params":{"dappName":"d","dappIcon":"i","message":"helloworld"}});
        let violations = validate("login.request", &request).unwrap();
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].instance_path, "/params/callback");
        assert!(violations[0].message.contains("\"callback\""));
    }

    #[test]
    fn formats_are_asserted() {
        let request = json!({"action":"invoke","version":"v1.0.0",
            "params":{"qrcodeUrl":"http://exa mple.com/q"}});
        let violations = validate("invoke.request", &request).unwrap();
        assert!(!violations.is_empty());
        assert!(violations
            .iter()
            .all(|v| v.instance_path == "/params/qrcodeUrl"));
    }

    #[test]
    fn error_must_be_an_integer() {
        let reply = json!({"action":"login","error":"0","desc":"SUCCESS","result":true});
        let violations = validate("dapp.reply", &reply).unwrap();
        assert!(violations.iter().any(|v| v.instance_path == "/error"));
        let reply = json!({"action":"login","error":0,"desc":"SUCCESS","result":true});
        assert_eq!(validate("dapp.reply", &reply).unwrap(), vec![]);
    }

    /// The URL grammar is written twice (a schema pattern beside `format: "uri"`, and the
    /// serde types' checker); awkward URLs must get one verdict from both.
    #[test]
    fn url_grammar_agrees_with_the_serde_types() {
        use crate::protocol::ontology::messages::parse;
        let urls = [
            "http://a:99999999999/x",
            "http://[::ffff:1.2.3.4]/",
            "http://[1.2.3.4]/",
            "http://[::1",
            "http://[::1]x/",
            "http://[v1.x]/",
            "http://[::1%25eth0]/",
            "http://a/b?c#d?e/f",
            "http://a/b#c#d",
            "http://a/%41",
            "http://%41/",
            "http://a/b%",
            "http://a/b//c",
            "http://-a-/",
            "http://a..b/",
            "http://a/b;c=d",
            "http://a/@",
            "http://a/[x]",
            "http://a?b",
            "http://a#",
            "https://a:/",
            "http://a:b@c/",
            "http://é.example/",
            "http://a/\\b",
            "http://a/b\"c",
            "http:/a/b",
            "http:a",
            "Https://A.EXAMPLE/",
            "httpx://a/",
            "http://a b/",
            "http://a/\tb",
        ];
        for url in urls {
            let request = json!({"action":"invoke","version":"v1.0.0","params":{"qrcodeUrl":url}});
            let schema_ok = validate("invoke.request", &request).unwrap().is_empty();
            let serde_ok = parse(MessageKind::InvokeRequest, &request).is_ok();
            assert_eq!(
                schema_ok, serde_ok,
                "{url:?}: schema {schema_ok}, serde {serde_ok}"
            );
        }
    }

    #[test]
    fn ios_public_key_is_tolerated_but_not_both() {
        let mut callback = json!({"action":"login","version":"v1.0.0",
            "params":{"type":"account","user":"AUEKhXNsoAT27HJwwqFGbpRy8QLHUMBMPz",
                      "message":"helloworld",
                      "publicKey":"0205c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba61",
                      "signature":"01abd7ea9d79c857cd838cabbbaad3efb44a6fc4f5a5ef52ea8461d6c055b8a7cf324d1a58962988709705cefe40df5b26e88af3ca387ec5036ec7f5e6640a1754"}});
        assert_eq!(validate("login.callback", &callback).unwrap(), vec![]);
        callback["params"]["publickey"] = callback["params"]["publicKey"].clone();
        let violations = validate("login.callback", &callback).unwrap();
        assert_eq!(violations.len(), 1, "{violations:?}");
        assert_eq!(violations[0].instance_path, "/params/publickey");
    }
}
