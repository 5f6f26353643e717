//! `qrconform eos …` as a user runs it: every command, the exit-code contract (0 ok,
//! 1 invalid signature, 2 malformed input), errors that name the bad argument, and the
//! published and self-generated eosjs-ecc vectors reproduced byte for byte.

mod common;

use std::process::{Command, Output};

use common::copy_of_vectors;

fn qrconform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_qrconform"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .trim_end()
        .to_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a command that must succeed and returns its trimmed standard output.
fn ok(args: &[&str]) -> String {
    let output = qrconform(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}{}",
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

/// Runs a command that must fail with exit 2 and returns its standard error.
fn usage_error(args: &[&str]) -> String {
    let output = qrconform(args);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: {}{}",
        stdout(&output),
        stderr(&output)
    );
    let err = stderr(&output);
    assert!(!err.contains("panicked"), "{args:?}: {err}");
    err
}

/// The EOSIO development key (eosjs-ecc `object.test.js`).
const DEV_WIF: &str = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3";
const DEV_PUB: &str = "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV";
const DEV_PUB_K1: &str = "PUB_K1_6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5BoDq63";

/// simplewallet.md §3.4: the login string and its signature (eosjs-ecc retry nonce 2).
const LOGIN_MESSAGE: &str = "1546613919testaccount1e9467118-9321-4916-8153-4a5a9087e51eMockWallet";
const LOGIN_SIG: &str = "SIG_K1_K8cWuMtP7YaFivQmsMqJJHJeQcHZVtB2k9vTesPuyZZNWgFn8XXqhBU9r5Erb1fZYM2rAsnshPfae3aZrek11NSoqh5F3k";

/// simplewallet.md §3.3: a real MYKEY mainnet login signature and its reserved key.
const MYKEY_MESSAGE: &str = "1606900362mykeydocteste9467118-9321-4916-8153-4a5a9087e51emykeyE87E3CC788C44BB8544003AF6CEB62E8";
const MYKEY_SIG: &str = "SIG_K1_KcMxF6rNee2jsM9fge5CZWiENU4j6YLsHgKHD7n9TWvvhLSBtHE8rHV641sVdrw3JRcvCjBtGPRBHSBxzMubzw8DYVnk2e";
const MYKEY_KEY: &str = "EOS6XmD7NK12LnmtXHtdnReTYbgRV1JPeo1M1BQvrHgnz6J1nNCFZ";

#[test]
fn sign_reproduces_the_digest_vectors_byte_for_byte() {
    // (wif, message, signature): the miguelmota published output (nonce 0), then the
    // self-generated vectors that pin the retry nonces 0 to 3 (simplewallet.md §5.6, §3.4).
    let vectors = [
        (
            "5J5twkfSgL3SgWNKDsD5bjvevdmbXD5faBGcybJVAmYjCJXvpbJ",
            "hello",
            "SIG_K1_KcB1jGNsjYEE7Gby6X7KZ9z6BFVfHPey6DUayYtDagXsbzr4Tbfpq5TS2JvYzs3oMg9QGAugTyGXoTVe7DujeXpDX5KYfJ",
        ),
        (DEV_WIF, "hello", "SIG_K1_KXnnmji8S83LeKYhJYqNpWS71BCGGwRmeG6FkjyZVEHLQnZs1UitJyR8rrfNHr8MG8UkgYED3FtCgL1szwFGTqwnBfNpui"),
        (DEV_WIF, "", "SIG_K1_JucCFR7kxqSWyKXwbRZyjZJoVayhoMjTEigEHz9ShNGY5cXqYy2QoDAQv4WhA1Mg24mBkrFNd3YqP2EVBTbpESUZHjvya4"),
        (DEV_WIF, "nonce-test-0", "SIG_K1_K1EPk85gMgbqx8LUSonHGA2j1t2ACocSmG96yYhivkhw5Kzk5vCRHSUszfYCZJqQzVRCzmpcAsQ8974jFx14Fzt9xMsMfp"),
        (DEV_WIF, "nonce-test-2", "SIG_K1_KbHno8hh5MRK3sMVGk9KUEob9EmoVQVgoe3xD58v9ShoPkWhiBYsy6znsfjPn5uECtjFzwAjTkdB5bnF1nz47oyht4zz3M"),
        (DEV_WIF, "hi", "SIG_K1_KadLefBUDCecGQcNUYCDdtLuooZa9YKFRWn2PnpHibqw2ShrgNfjREbGZH7BWqkX5miTQhsx53497cSzyDHo3RfwgXTCjb"),
        (DEV_WIF, LOGIN_MESSAGE, LOGIN_SIG),
    ];
    for (wif, message, expected) in vectors {
        assert_eq!(
            ok(&["eos", "sign", "--wif", wif, "--message", message]),
            expected,
            "{message:?}"
        );
    }
}

#[test]
fn the_three_ways_of_naming_what_is_signed_agree() {
    let by_text = ok(&["eos", "sign", "--wif", DEV_WIF, "--message", "hi"]);
    let by_hex = ok(&["eos", "sign", "--wif", DEV_WIF, "--message-hex", "6869"]);
    // sha256("hi")
    let by_digest = ok(&[
        "eos",
        "sign",
        "--wif",
        DEV_WIF,
        "--digest",
        "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4",
    ]);
    assert_eq!(by_text, by_hex);
    assert_eq!(by_text, by_digest);
}

#[test]
fn sign_by_digest_gives_eosjs_output_not_the_fc_signature() {
    // simplewallet.md §5.6: fc signs this digest differently; eosjs-ecc 4.0.7's output is
    // what `sign` must give, and the fc signature must still verify and recover.
    let digest = "6cb75bc5a46a7fdb64b92efefca01ed7b060ab5e0d625226e8efbc0980c3ddc1";
    let fc = "SIG_K1_Kk1yUXAG2Cfo2qvWuJiyvaGdwZBQ1HzSf4EZ9arUTWBL4kTngLM1GSUU59bJUVAqwJ886CNQMcR7mmx323gjQGvhEU8WpX";
    let eosjs = "SIG_K1_K7ZppaTdB9w8RKCLRC9kVwMhjGgCGRmBsfTVVYuVNKoFRgh6DNHuSEyKEsQjChNG5ZuqfWcpFMbEuL3rQKxsVmMKiZM3da";
    assert_eq!(
        ok(&["eos", "sign", "--wif", DEV_WIF, "--digest", digest]),
        eosjs
    );
    for signature in [fc, eosjs] {
        assert_eq!(
            ok(&[
                "eos",
                "verify",
                "--public-key",
                DEV_PUB,
                "--signature",
                signature,
                "--digest",
                digest
            ]),
            "valid"
        );
        assert_eq!(
            ok(&[
                "eos",
                "recover",
                "--signature",
                signature,
                "--digest",
                digest
            ]),
            DEV_PUB
        );
    }
}

#[test]
fn recover_gives_the_mykey_reserved_key_of_the_mainnet_signature() {
    assert_eq!(
        ok(&[
            "eos",
            "recover",
            "--signature",
            MYKEY_SIG,
            "--message",
            MYKEY_MESSAGE
        ]),
        MYKEY_KEY
    );
    let k1 = ok(&[
        "eos",
        "recover",
        "--signature",
        MYKEY_SIG,
        "--message",
        MYKEY_MESSAGE,
        "--pub-k1",
    ]);
    assert!(k1.starts_with("PUB_K1_"), "{k1}");
    // The PUB_K1_ form names the same key.
    assert_eq!(
        ok(&[
            "eos",
            "verify",
            "--public-key",
            &k1,
            "--signature",
            MYKEY_SIG,
            "--message",
            MYKEY_MESSAGE
        ]),
        "valid"
    );
}

#[test]
fn verify_says_valid_or_invalid_with_a_reason() {
    assert_eq!(
        ok(&[
            "eos",
            "verify",
            "--public-key",
            MYKEY_KEY,
            "--signature",
            MYKEY_SIG,
            "--message",
            MYKEY_MESSAGE
        ]),
        "valid"
    );
    assert_eq!(
        ok(&[
            "eos",
            "verify",
            "--public-key",
            DEV_PUB_K1,
            "--signature",
            LOGIN_SIG,
            "--message",
            LOGIN_MESSAGE
        ]),
        "valid"
    );
    // The login string without its `ref` (the pre-2018-08-13 rule) does not verify.
    let output = qrconform(&[
        "eos",
        "verify",
        "--public-key",
        MYKEY_KEY,
        "--signature",
        MYKEY_SIG,
        "--message",
        "1606900362mykeydocteste9467118-9321-4916-8153-4a5a9087e51e",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!("invalid: the signature does not verify against {MYKEY_KEY}")
    );
    // The right message against another key.
    let output = qrconform(&[
        "eos",
        "verify",
        "--public-key",
        DEV_PUB,
        "--signature",
        MYKEY_SIG,
        "--message",
        MYKEY_MESSAGE,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("invalid: "),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_high_s_signature_is_valid_but_named_and_strict_refuses_it() {
    // The MYKEY signature with s replaced by n - s and the recovery byte's parity flipped
    // (32 → 31): ecc.verify accepts it, EOS nodes do not (not canonical).
    let high = high_s_of(MYKEY_SIG);
    let lenient = ok(&[
        "eos",
        "verify",
        "--public-key",
        MYKEY_KEY,
        "--signature",
        &high,
        "--message",
        MYKEY_MESSAGE,
    ]);
    assert_eq!(lenient, "valid (not canonical: high S)");
    let output = qrconform(&[
        "eos",
        "verify",
        "--public-key",
        MYKEY_KEY,
        "--signature",
        &high,
        "--message",
        MYKEY_MESSAGE,
        "--strict",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("not canonical (high S)"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        ok(&[
            "eos",
            "recover",
            "--signature",
            &high,
            "--message",
            MYKEY_MESSAGE
        ]),
        MYKEY_KEY
    );
}

/// The high-S twin of a `SIG_K1_` signature, built through the library.
fn high_s_of(signature: &str) -> String {
    use qrconform::protocol::simplewallet::crypto::Signature;
    let parsed: Signature = signature.parse().expect("a valid signature");
    parsed.high_s().to_string()
}

#[test]
fn keygen_prints_all_four_forms_and_a_seed_reproduces_them() {
    let seeded = ok(&["eos", "keygen", "--seed", ""]);
    let value: serde_json::Value = serde_json::from_str(&seeded).expect("keygen prints JSON");
    assert_eq!(
        value,
        serde_json::json!({
            "privateKey": "5KYZdUEo39z3FPrtuX2QbbwGnNP5zTd7yyr2SC1j299sBCnWjss",
            "pvtK1": "PVT_K1_2jH3nnhxhR3zPUcsKaWWZC9ZmZAnKm3GAnFD1xynGJE1Znuvjd",
            "publicKey": "EOS859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2HqhToVM",
            "pubK1": "PUB_K1_859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2Ht7beeX",
        })
    );
    assert_eq!(ok(&["eos", "keygen", "--seed", ""]), seeded);
    // Random keys differ and round-trip through public-key, sign and recover in both forms.
    let first: serde_json::Value =
        serde_json::from_str(&ok(&["eos", "keygen"])).expect("keygen prints JSON");
    let second: serde_json::Value =
        serde_json::from_str(&ok(&["eos", "keygen"])).expect("keygen prints JSON");
    assert_ne!(first["privateKey"], second["privateKey"]);
    for private in ["privateKey", "pvtK1"] {
        let wif = first[private].as_str().expect("a string");
        assert_eq!(ok(&["eos", "public-key", "--wif", wif]), first["publicKey"]);
        assert_eq!(
            ok(&["eos", "public-key", "--wif", wif, "--pub-k1"]),
            first["pubK1"]
        );
        let signature = ok(&["eos", "sign", "--wif", wif, "--message", "round trip"]);
        assert_eq!(
            ok(&[
                "eos",
                "recover",
                "--signature",
                &signature,
                "--message",
                "round trip"
            ]),
            first["publicKey"]
        );
    }
}

#[test]
fn public_key_accepts_both_private_key_forms() {
    assert_eq!(ok(&["eos", "public-key", "--wif", DEV_WIF]), DEV_PUB);
    assert_eq!(
        ok(&["eos", "public-key", "--wif", DEV_WIF, "--pub-k1"]),
        DEV_PUB_K1
    );
    assert_eq!(
        ok(&[
            "eos",
            "public-key",
            "--wif",
            "PVT_K1_2jH3nnhxhR3zPUcsKaWWZC9ZmZAnKm3GAnFD1xynGJE1Znuvjd"
        ]),
        "EOS859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2HqhToVM"
    );
}

#[test]
fn malformed_keys_and_signatures_exit_2_naming_the_argument() {
    // A WIF with a broken checksum: named, its reason given, the secret not echoed.
    let bad_wif = "5KYZdUEo39z3FPrtuX2QbbwGnNP5zTd7yyr2SC1j299sBCnWjsm";
    let err = usage_error(&["eos", "public-key", "--wif", bad_wif]);
    assert!(err.contains("--wif") && err.contains("checksum"), "{err}");
    assert!(!err.contains(bad_wif), "{err}");
    let err = usage_error(&["eos", "sign", "--wif", "not a key", "--message", "m"]);
    assert!(err.contains("--wif") && err.contains("base58"), "{err}");
    let err = usage_error(&[
        "eos",
        "sign",
        "--wif",
        &"5".repeat(100_000),
        "--message",
        "m",
    ]);
    assert!(err.contains("--wif"), "{err}");

    // Public keys: checksum, prefix.
    let err = usage_error(&[
        "eos",
        "verify",
        "--public-key",
        "EOS859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2HqhToVm",
        "--signature",
        MYKEY_SIG,
        "--message",
        "m",
    ]);
    assert!(
        err.contains("--public-key") && err.contains("checksum"),
        "{err}"
    );
    let err = usage_error(&[
        "eos",
        "verify",
        "--public-key",
        "MMM859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2HqhToVM",
        "--signature",
        MYKEY_SIG,
        "--message",
        "m",
    ]);
    assert!(
        err.contains("--public-key") && err.contains("neither EOS nor PUB_K1_"),
        "{err}"
    );

    // Signatures: tampered checksum, wrong prefix, wrong length; on verify and recover.
    let mut tampered = MYKEY_SIG.to_string();
    tampered.pop();
    tampered.push('f');
    for (signature, reason) in [
        (tampered.as_str(), "checksum"),
        ("SIG_R1_KcMxF6rNee2jsM9fge5CZWiENU4j6YLsHgKHD7n9", "SIG_K1_"),
        ("SIG_K1_KcMxF6rNee2jsM9fge5CZ", "not 69"),
        ("SIG_K1_0OIl", "base58"),
    ] {
        let err = usage_error(&[
            "eos",
            "verify",
            "--public-key",
            MYKEY_KEY,
            "--signature",
            signature,
            "--message",
            "m",
        ]);
        assert!(
            err.contains("--signature") && err.contains(reason),
            "{signature}: {err}"
        );
        let err = usage_error(&["eos", "recover", "--signature", signature, "--message", "m"]);
        assert!(
            err.contains("--signature") && err.contains(reason),
            "{signature}: {err}"
        );
    }

    // What is signed: bad hex, a digest of the wrong length, none or two given.
    let err = usage_error(&["eos", "sign", "--wif", DEV_WIF, "--message-hex", "zz"]);
    assert!(err.contains("--message-hex"), "{err}");
    let err = usage_error(&["eos", "sign", "--wif", DEV_WIF, "--digest", "00ff"]);
    assert!(err.contains("--digest") && err.contains("not 32"), "{err}");
    usage_error(&["eos", "sign", "--wif", DEV_WIF]);
    usage_error(&[
        "eos",
        "sign",
        "--wif",
        DEV_WIF,
        "--message",
        "a",
        "--digest",
        "00",
    ]);
}

#[test]
fn a_signature_with_r_zero_is_invalid_not_a_crash() {
    // Well-formed text (checksum and recovery byte fine) whose r is 0: verify judges it,
    // recover cannot recover a key from it.
    use qrconform::protocol::simplewallet::crypto::Signature;
    let zero_r = Signature {
        i: 31,
        r: [0; 32],
        s: [1; 32],
    }
    .to_string();
    let output = qrconform(&[
        "eos",
        "verify",
        "--public-key",
        DEV_PUB,
        "--signature",
        &zero_r,
        "--message",
        "m",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("r is not in [1, n-1]"),
        "{}",
        stdout(&output)
    );
    let err = usage_error(&["eos", "recover", "--signature", &zero_r, "--message", "m"]);
    assert!(err.contains("--signature"), "{err}");
}

#[test]
fn every_command_explains_itself_with_an_example() {
    for command in ["keygen", "public-key", "sign", "verify", "recover"] {
        let help = ok(&["eos", command, "--help"]);
        assert!(help.contains("Example"), "{command}: {help}");
    }
    let help = ok(&["eos", "--help"]);
    for command in ["keygen", "public-key", "sign", "verify", "recover"] {
        assert!(help.contains(command), "{help}");
    }
}

#[test]
fn a_changed_login_signature_makes_vectors_check_exit_1_naming_it() {
    let dir = copy_of_vectors("drift");
    let path = dir.join("simplewallet/signatures.json");
    let mut file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
    // Replace tcId 3's signature with tcId 1's: still a well-formed SIG_K1_, wrong for tcId 3.
    let tests = file["testGroups"][0]["tests"]
        .as_array_mut()
        .expect("tests");
    let other = tests[0]["signature"].clone();
    tests[2]["signature"] = other;
    let mut text = serde_json::to_string_pretty(&file).expect("serialize");
    text.push('\n');
    std::fs::write(&path, text).expect("write");
    let output = qrconform(&["vectors", "check", "--dir", dir.to_str().expect("utf-8")]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let said = stdout(&output);
    assert!(
        said.contains("simplewallet/signatures.json: tcId 3"),
        "{said}"
    );
    assert!(said.contains("field `signature`"), "{said}");
}
