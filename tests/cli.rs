//! The command-line contract: exit codes (0 ok, 1 negative verdict, 2 usage or input error),
//! error messages that name the bad input, and no panic on any input.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{copy_of_vectors, scratch_dir};

fn qrconform(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // A command that does not read stdin may close it early; that is not a failure here.
    let _ = child.stdin.take().expect("piped stdin").write_all(stdin);
    child.wait_with_output().expect("the binary finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PUBLIC_KEY: &str = "0205c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba61";
const SIGNATURE: &str = "01abd7ea9d79c857cd838cabbbaad3efb44a6fc4f5a5ef52ea8461d6c055b8a7cf324d1a58962988709705cefe40df5b26e88af3ca387ec5036ec7f5e6640a1754";

#[test]
fn garbage_into_every_command_exits_2_naming_the_input_without_panicking() {
    let missing = "/nonexistent/qrconform-input.json";
    let scratch = scratch_dir("garbage");
    let not_json = scratch.join("not-json.txt");
    std::fs::write(&not_json, "this is {not json").expect("write");
    let not_json = not_json.to_str().expect("utf-8 path");
    let huge_qr_text = "x".repeat(8000);
    let zero_key = "00".repeat(32);
    let some_key = "11".repeat(32);
    // (arguments, stdin, a fragment the error must contain)
    let cases: Vec<(Vec<&str>, &[u8], &str)> = vec![
        (
            vec!["serve", "node", "--rest", "127.0.0.1:0", "--identity", "zz"],
            b"",
            "--identity `zz`",
        ),
        (
            vec![
                "serve",
                "node",
                "--rest",
                "127.0.0.1:0",
                "--identity",
                "did:ont:nope=02aa",
            ],
            b"",
            "ONT ID `did:ont:nope`",
        ),
        (
            vec!["serve", "node", "--rest", "localhost-ish"],
            b"",
            "localhost-ish",
        ),
        (
            vec!["ontology", "address", "--public-key", "zz"],
            b"",
            "--public-key `zz`",
        ),
        (
            vec!["ontology", "address", "--public-key", "04aa"],
            b"",
            "--public-key",
        ),
        (
            vec![
                "ontology",
                "sign",
                "--private-key",
                "not-a-key",
                "--message",
                "m",
            ],
            b"",
            "--private-key",
        ),
        (
            vec![
                "ontology",
                "sign",
                "--private-key",
                &zero_key,
                "--message",
                "m",
            ],
            b"",
            "--private-key",
        ),
        (
            vec![
                "ontology",
                "sign",
                "--private-key",
                &some_key,
                "--message-hex",
                "xyz",
            ],
            b"",
            "--message-hex `xyz`",
        ),
        (
            vec![
                "ontology",
                "verify",
                "--public-key",
                PUBLIC_KEY,
                "--signature",
                "not hex",
                "--message",
                "m",
            ],
            b"",
            "--signature `not hex`",
        ),
        (
            vec![
                "ontology",
                "verify",
                "--public-key",
                "",
                "--signature",
                SIGNATURE,
                "--message",
                "m",
            ],
            b"",
            "--public-key",
        ),
        (
            vec![
                "ontology",
                "verify",
                "--public-key",
                PUBLIC_KEY,
                "--signature",
                SIGNATURE,
            ],
            b"",
            "--message",
        ),
        (vec!["ontology", "keygen", "--seed"], b"", "--seed"),
        (
            vec!["qr", "decode", "ontprovider://ont.io?param=%%%"],
            b"",
            "param",
        ),
        (
            vec!["qr", "decode", "garbage that is no QR text"],
            b"",
            "QR text",
        ),
        (
            vec!["qr", "decode", not_json],
            b"",
            "is a file: give its text, or read it with `qrconform qr decode - < FILE`",
        ),
        (
            vec!["qr", "decode", "-"],
            b"\xff\xfe\x00binary",
            "standard input",
        ),
        (
            vec!["qr", "encode", "--form", "deeplink", missing],
            b"",
            missing,
        ),
        (
            vec!["qr", "encode", "--form", "deeplink", not_json],
            b"",
            not_json,
        ),
        (
            vec!["qr", "encode", "--form", "carrier-pigeon", "-"],
            b"{}",
            "carrier-pigeon",
        ),
        (
            vec!["qr", "render", "--format", "svg", "-"],
            huge_qr_text.as_bytes(),
            "QR",
        ),
        (
            vec!["qr", "render", "--format", "svg", missing],
            b"",
            missing,
        ),
        (
            vec!["schema", "validate", "--kind", "no.such.kind", "-"],
            b"{}",
            "no.such.kind",
        ),
        (
            vec!["schema", "validate", "--kind", "login.request", missing],
            b"",
            missing,
        ),
        (
            vec!["schema", "validate", "--kind", "login.request", not_json],
            b"",
            not_json,
        ),
        (
            vec!["schema", "validate", "--kind", "login.request", "-"],
            b"\x00\x01\x02",
            "standard input",
        ),
        (vec!["vectors", "check", "--dir", missing], b"", missing),
        (vec!["ontology", "tx", "decode", "00d1ff"], b"", "`00d1ff`"),
        (vec!["ontology", "tx", "decode", "-"], b"zz", "standard input"),
        (vec!["ontology", "tx", "hash", "not hex"], b"", "`not hex`"),
        (vec!["ontology", "tx", "build", "--config", not_json, "--private-key", &some_key], b"", not_json),
        (vec!["ontology", "tx", "build", "--config", "-", "--private-key", &some_key], b"{\"contractHash\":\"16edbe366d1337eb510c2ff61099424c94aeef02\",\"functions\":[{\"operation\":\"m\",\"args\":[{\"name\":\"a\",\"value\":\"Int:5\"}]}],\"gasLimit\":20000,\"gasPrice\":500}", "args[0]"),
        (vec!["no-such-command"], b"", "no-such-command"),
    ];
    for (args, stdin, names) in cases {
        let out = qrconform(&args, stdin);
        let stderr = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} should exit 2; stderr: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        assert!(
            stderr.contains(names),
            "{args:?}: the error should name `{names}`; stderr: {stderr}"
        );
    }
}

#[test]
fn verify_says_valid_or_invalid_with_a_reason() {
    let valid = qrconform(
        &[
            "ontology",
            "verify",
            "--public-key",
            PUBLIC_KEY,
            "--signature",
            SIGNATURE,
            "--message",
            "helloworld",
        ],
        b"",
    );
    assert_eq!(valid.status.code(), Some(0));
    assert_eq!(text(&valid.stdout).trim(), "valid");

    let other_message = qrconform(
        &[
            "ontology",
            "verify",
            "--public-key",
            PUBLIC_KEY,
            "--signature",
            SIGNATURE,
            "--message",
            "hello world",
        ],
        b"",
    );
    assert_eq!(other_message.status.code(), Some(1));
    assert_eq!(
        text(&other_message.stdout).trim(),
        "invalid: signature does not verify for this public key and message"
    );

    let seventy_bytes = "ab".repeat(70);
    let truncated = qrconform(
        &[
            "ontology",
            "verify",
            "--public-key",
            PUBLIC_KEY,
            "--signature",
            &seventy_bytes,
            "--message",
            "helloworld",
        ],
        b"",
    );
    assert_eq!(truncated.status.code(), Some(1));
    assert!(
        text(&truncated.stdout).starts_with("invalid: signature is 70 bytes"),
        "{}",
        text(&truncated.stdout)
    );
}

#[test]
fn keygen_with_a_seed_is_reproducible_and_sign_round_trips() {
    let first = qrconform(&["ontology", "keygen", "--seed", "cli-test"], b"");
    let second = qrconform(&["ontology", "keygen", "--seed", "cli-test"], b"");
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(first.stdout, second.stdout);
    let keys: serde_json::Value =
        serde_json::from_slice(&first.stdout).expect("keygen prints JSON");
    let field = |name: &str| keys[name].as_str().expect(name).to_string();
    let address = qrconform(
        &["ontology", "address", "--public-key", &field("publicKey")],
        b"",
    );
    assert_eq!(text(&address.stdout).trim(), field("address"));
    assert_eq!(field("ontid"), format!("did:ont:{}", field("address")));
    for private_key in [field("privateKey"), field("wif")] {
        let signature = qrconform(
            &[
                "ontology",
                "sign",
                "--private-key",
                &private_key,
                "--message-hex",
                "aabbcc",
            ],
            b"",
        );
        assert_eq!(
            signature.status.code(),
            Some(0),
            "{}",
            text(&signature.stderr)
        );
        let verdict = qrconform(
            &[
                "ontology",
                "verify",
                "--public-key",
                &field("publicKey"),
                "--signature",
                text(&signature.stdout).trim(),
                "--message-hex",
                "aabbcc",
            ],
            b"",
        );
        assert_eq!(text(&verdict.stdout).trim(), "valid");
    }
}

#[test]
fn vectors_check_passes_on_the_committed_files_and_regen_is_byte_identical() {
    let check = qrconform(&["vectors", "check"], b"");
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let dir = scratch_dir("regen");
    let regen = qrconform(
        &["vectors", "regen", "--dir", dir.to_str().expect("utf-8")],
        b"",
    );
    assert_eq!(regen.status.code(), Some(0));
    for recipe in qrconform::vectors::recipes::all() {
        let committed = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("vectors")
                .join(recipe.path),
        )
        .expect("committed file");
        let regenerated = std::fs::read(dir.join(recipe.path)).expect("regenerated file");
        assert!(
            committed == regenerated,
            "{} differs after regen",
            recipe.path
        );
    }
}

#[test]
fn a_flipped_byte_makes_vectors_check_exit_1_naming_the_vector() {
    let dir = copy_of_vectors("flip");
    let path = dir.join("ontology/signatures.json");
    let mut file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    // Flip one bit of the signature of tcId 17, keeping the file well-formed JSON.
    let case = file["testGroups"][0]["tests"]
        .as_array_mut()
        .expect("tests")
        .iter_mut()
        .find(|case| case["tcId"] == 17)
        .expect("tcId 17 exists");
    let signature = case["signature"].as_str().expect("signature").to_string();
    let last = signature.chars().last().expect("non-empty");
    let flipped = format!(
        "{}{}",
        &signature[..signature.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    case["signature"] = serde_json::Value::String(flipped);
    let mut text_out = serde_json::to_string_pretty(&file).expect("serialize");
    text_out.push('\n');
    std::fs::write(&path, text_out).expect("write");

    let out = qrconform(
        &["vectors", "check", "--dir", dir.to_str().expect("utf-8")],
        b"",
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("ontology/signatures.json: tcId 17"),
        "{stdout}"
    );
    assert!(stdout.contains("field `signature`"), "{stdout}");
}

/// The transaction of the digest's section 6 (an ONG transfer published with the
/// TypeScript SDK's parse test).
const PUBLISHED_TX: &str = "00d102b56210f401000000000000400d0300000000004f4b954b7057611c02384f5756f6a34f56fc0a597500c66b144f4b954b7057611c02384f5756f6a34f56fc0a596a7cc8145ff0e5382aed9982f2137e1293256a6e9ab1e00c6a7cc80480c3c9016a7cc86c51c1087472616e736665721400000000000000000000000000000000000000020068164f6e746f6c6f67792e4e61746976652e496e766f6b6500014241018ab6942903d54ec88c42d0230b3ce405cd45cca1b9a1faf528b62ecc3f5b3041f2461d37b66e26cfae31ffa688c86206aed725ca7e84c1609890a0f2caebde2f232102981da02fcd82a1647f76935c377f00d5c6d541f346d3abdbb172cf6b9300adc7ac";

#[test]
fn tx_decode_of_the_published_transaction_gives_its_hash_payer_and_call() {
    let out = qrconform(&["ontology", "tx", "decode", PUBLISHED_TX], b"");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let tx: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        tx["hash"],
        "88b99240f707f362e1189f99694b0c63a3868485faa199cf2c7be7bac92a9378"
    );
    assert_eq!(tx["payer"], "AP19aGJ4GWs2qKv3PCt37r6HgM1v7EhgEM");
    assert_eq!(tx["nonce"], 274904322);
    assert_eq!(
        tx["invoke"]["contractHash"],
        "0200000000000000000000000000000000000000"
    );
    assert_eq!(tx["invoke"]["operation"], "transfer");
    assert_eq!(tx["verification"], "valid");
    // A signature that does not hold is still decoded, and the verdict is exit 1.
    let tampered = PUBLISHED_TX.replacen("8ab6942903", "8ab6942904", 1);
    assert_ne!(tampered, PUBLISHED_TX);
    let out = qrconform(&["ontology", "tx", "decode", &tampered], b"");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let tx: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        tx["verification"].as_str().unwrap().starts_with("invalid"),
        "{tx}"
    );
    let hash = qrconform(&["ontology", "tx", "hash", "-"], PUBLISHED_TX.as_bytes());
    assert_eq!(
        text(&hash.stdout).trim(),
        "88b99240f707f362e1189f99694b0c63a3868485faa199cf2c7be7bac92a9378"
    );
}

#[test]
fn tx_build_pays_with_the_wallet_and_refuses_a_foreign_payer() {
    let dir = scratch_dir("tx-build");
    let config = |payer: &str| {
        serde_json::json!({"params": {"invokeConfig": {
            "contractHash": "16edbe366d1337eb510c2ff61099424c94aeef02",
            "functions": [{"operation": "transferOng", "args": [
                {"name": "to", "value": "Address:%address"}, {"name": "amount", "value": "Long:100000000000"}]}],
            "payer": payer, "gasLimit": 20000, "gasPrice": 500}}})
        .to_string()
    };
    let own = dir.join("own.json");
    std::fs::write(&own, config("%address")).expect("write");
    let key = "0fdbd5d046997da9959b1931c727c96d83dff19e8ec0244952c1e72d1cdb5bf4";
    let built = qrconform(
        &[
            "ontology",
            "tx",
            "build",
            "--config",
            own.to_str().expect("utf-8"),
            "--private-key",
            key,
            "--nonce",
            "7",
        ],
        b"",
    );
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let decoded = qrconform(
        &["ontology", "tx", "decode", text(&built.stdout).trim()],
        b"",
    );
    let tx: serde_json::Value = serde_json::from_slice(&decoded.stdout).expect("JSON");
    assert_eq!(tx["payer"], "AUEKhXNsoAT27HJwwqFGbpRy8QLHUMBMPz");
    assert_eq!(tx["nonce"], 7);
    assert_eq!(tx["verification"], "valid");
    assert_eq!(
        tx["invoke"]["args"][0],
        "ByteArray:88a2125932c9eeff270858dc9e9b49600365601f"
    );

    let foreign = dir.join("foreign.json");
    std::fs::write(&foreign, config("AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ")).expect("write");
    let refused = qrconform(
        &[
            "ontology",
            "tx",
            "build",
            "--config",
            foreign.to_str().expect("utf-8"),
            "--private-key",
            key,
        ],
        b"",
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("payer AUr5QUfeBADq6BMY6Tp5yuMsUNGpsD7nLZ"),
        "{}",
        text(&refused.stderr)
    );
    assert!(
        refused.stdout.is_empty(),
        "nothing is built for a foreign payer"
    );
}

#[test]
fn serve_node_on_a_port_in_use_exits_2_naming_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let out = qrconform(
        &["serve", "node", "--rest", &addr, "--rpc", "127.0.0.1:0"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains(&format!("failed to listen on {addr}")),
        "{}",
        text(&out.stderr)
    );
}
