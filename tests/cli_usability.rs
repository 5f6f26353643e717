//! A new user's way in: `init` writes target files the suites accept as written, a flag that
//! does not apply is refused by name (exit 2) rather than ignored, the usual TOML mistakes in
//! target files and baselines come with their fix, and `--color` decides colouring.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

fn qrconform_in(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qrconform"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output().expect("the binary runs")
}

fn qrconform(args: &[&str]) -> Output {
    qrconform_in(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh directory under the system temp dir, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(label: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "qrconform-usability-{label}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn init_writes_a_target_that_test_list_accepts_for_every_role_and_protocol() {
    let scratch = Scratch::new("init");
    for role in ["dapp", "wallet"] {
        for protocol in ["ontology", "simplewallet"] {
            let file = format!("{role}-{protocol}.toml");
            let out = qrconform_in(
                &scratch.0,
                &["init", role, "--protocol", protocol, "--out", &file],
                &[],
            );
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            assert!(out.stdout.is_empty(), "--out writes nothing to stdout");
            let written = std::fs::read_to_string(scratch.0.join(&file)).expect("written");
            // Printed and written are the same file, and it explains itself.
            let printed = qrconform_in(&scratch.0, &["init", role, "--protocol", protocol], &[]);
            assert_eq!(printed.status.code(), Some(0));
            assert_eq!(text(&printed.stdout), written);
            assert!(written.starts_with("# qrconform target"), "{written}");
            assert!(written.contains("[limits]") && written.contains("[node]"));
            let listed = qrconform_in(
                &scratch.0,
                &[
                    "test",
                    role,
                    "--protocol",
                    protocol,
                    "--target",
                    &file,
                    "--list",
                ],
                &[],
            );
            assert_eq!(
                listed.status.code(),
                Some(0),
                "{role} {protocol}: {}",
                text(&listed.stderr)
            );
            assert!(
                text(&listed.stdout).contains("[MUST] "),
                "{}",
                text(&listed.stdout)
            );
        }
    }
    // An existing file is kept unless --force.
    let before = std::fs::read_to_string(scratch.0.join("dapp-ontology.toml")).unwrap();
    let again = qrconform_in(
        &scratch.0,
        &[
            "init",
            "dapp",
            "--protocol",
            "simplewallet",
            "--out",
            "dapp-ontology.toml",
        ],
        &[],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("--force"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(scratch.0.join("dapp-ontology.toml")).unwrap(),
        before
    );
    let forced = qrconform_in(
        &scratch.0,
        &[
            "init",
            "dapp",
            "--protocol",
            "simplewallet",
            "--out",
            "dapp-ontology.toml",
            "--force",
        ],
        &[],
    );
    assert_eq!(forced.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(scratch.0.join("dapp-ontology.toml"))
            .unwrap()
            .contains("protocol = \"simplewallet\"")
    );
    // The other protocol's file is refused by `test`, naming the fix.
    let wrong = qrconform_in(
        &scratch.0,
        &["test", "dapp", "--target", "dapp-ontology.toml", "--list"],
        &[],
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert!(text(&wrong.stderr).contains("--protocol simplewallet"));
    // Usage errors exit 2.
    for args in [
        &["init"][..],
        &["init", "node"],
        &["init", "dapp", "--protocol", "eos"],
        &["init", "dapp", "--force"],
    ] {
        assert_eq!(qrconform(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_flag_that_does_not_apply_is_refused_by_name() {
    let cases: [(&[&str], &str); 12] = [
        (
            &[
                "serve",
                "node",
                "--protocol",
                "eos",
                "--rest",
                "127.0.0.1:0",
            ],
            "--rest",
        ),
        (
            &["serve", "node", "--protocol", "eos", "--rpc", "127.0.0.1:0"],
            "--rpc",
        ),
        (
            &["serve", "node", "--protocol", "eos", "--no-demo-identities"],
            "--no-demo-identities",
        ),
        (&["serve", "node", "--port", "0"], "--port"),
        (
            &[
                "serve",
                "dapp",
                "--protocol",
                "simplewallet",
                "--node-api",
                "rpc",
            ],
            "--node-api",
        ),
        (
            &[
                "serve",
                "wallet",
                "--protocol",
                "simplewallet",
                "--node-api",
                "rpc",
            ],
            "--node-api",
        ),
        (&["serve", "wallet", "--account", "alice"], "--account"),
        (&["serve", "wallet", "--mykey"], "--mykey"),
        (
            &[
                "test",
                "dapp",
                "--target",
                "reference",
                "--timeout-ms",
                "100",
            ],
            "--timeout-ms",
        ),
        (
            &[
                "test",
                "wallet",
                "--target",
                "reference",
                "--node-rest",
                "127.0.0.1:0",
            ],
            "--node-rest",
        ),
        (
            &[
                "test",
                "wallet",
                "--driver",
                "http://127.0.0.1:9",
                "--wallet-account",
                "alice",
            ],
            "--wallet-account",
        ),
        (
            &[
                "test",
                "wallet",
                "--interactive",
                "--wallet-public-key",
                "0205c8fff4b1d21f4b2ec3b48cf88004e38402933d7e914b2a0eda0de15e73ba61",
                "--wallet-ref",
                "w",
            ],
            "--wallet-ref",
        ),
    ];
    for (args, flag) in cases {
        let out = qrconform(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(flag),
            "{args:?} should name {flag}: {stderr}"
        );
    }
}

#[test]
fn toml_mistakes_in_targets_and_baselines_come_with_their_fix() {
    let scratch = Scratch::new("toml");
    let dotted = "name = \"b\"\nversion = \"1\"\n[sources]\nlogin.address = { url = \"http://127.0.0.1:8080/qr/login\" }\n";
    let late = "name = \"b\"\nversion = \"1\"\n[sources]\ninvoke = { url = \"http://127.0.0.1:8080/qr/invoke\" }\nstatus = \"http://127.0.0.1:8080/status/{id}\"\n";
    let baseline = "login.message.replay = \"replay protection ships in 2.4\"\n";
    std::fs::write(scratch.0.join("dotted.toml"), dotted).unwrap();
    std::fs::write(scratch.0.join("late.toml"), late).unwrap();
    std::fs::write(scratch.0.join("baseline.toml"), baseline).unwrap();
    let out = qrconform_in(
        &scratch.0,
        &["test", "dapp", "--target", "dotted.toml", "--list"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("hint: line 4: `login.address` is a dotted key"),
        "{}",
        text(&out.stderr)
    );
    let out = qrconform_in(
        &scratch.0,
        &["test", "dapp", "--target", "late.toml", "--list"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("`status` comes after the table header [sources]"),
        "{}",
        text(&out.stderr)
    );
    let out = qrconform_in(
        &scratch.0,
        &[
            "test",
            "dapp",
            "--target",
            "reference",
            "--expected-failures",
            "baseline.toml",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("\"login.message.replay\" = …"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn color_is_chosen_by_the_flag_and_no_color() {
    const ESC: &str = "\u{1b}[";
    let args = [
        "test",
        "dapp",
        "--target",
        "reference",
        "login.address.honest",
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Into a pipe, auto does not colour; always does, even with NO_COLOR set (an explicit
    // choice wins); never does not.
    let auto = qrconform_in(dir, &args, &[]);
    assert_eq!(auto.status.code(), Some(0), "{}", text(&auto.stderr));
    assert!(!text(&auto.stdout).contains(ESC));
    let always = qrconform_in(
        dir,
        &[&["--color", "always"][..], &args].concat(),
        &[("NO_COLOR", "1")],
    );
    assert!(
        text(&always.stdout).contains(ESC),
        "{}",
        text(&always.stdout)
    );
    // The summary on standard error colours its verdict counts the same way.
    assert!(!text(&auto.stderr).contains(ESC));
    assert!(
        text(&always.stderr).contains("\u{1b}[1;32m1 PASS\u{1b}[0m"),
        "{}",
        text(&always.stderr)
    );
    let never = qrconform_in(dir, &[&args[..], &["--color", "never"]].concat(), &[]);
    assert!(!text(&never.stderr).contains(ESC));
    assert!(!text(&never.stdout).contains(ESC));
    // The terminal QR drawing keeps its black-on-white colours under auto, even into a
    // pipe (they make it scan on dark themes), and drops them for never or NO_COLOR.
    let render = ["qr", "render", "--format", "terminal", "examples/qr.txt"];
    let coloured = qrconform_in(dir, &render, &[]);
    assert!(text(&coloured.stdout).contains(ESC));
    let plain = qrconform_in(dir, &[&render[..], &["--color", "never"]].concat(), &[]);
    assert!(!text(&plain.stdout).contains(ESC) && text(&plain.stdout).contains('█'));
    let no_color = qrconform_in(dir, &render, &[("NO_COLOR", "1")]);
    assert_eq!(no_color.stdout, plain.stdout);
    // clap's own messages follow the flag too.
    let usage = qrconform_in(dir, &["--color", "always", "--bogus"], &[]);
    assert_eq!(usage.status.code(), Some(2));
    assert!(text(&usage.stderr).contains(ESC), "{}", text(&usage.stderr));
    let usage = qrconform_in(dir, &["--color=never", "--bogus"], &[]);
    assert!(!text(&usage.stderr).contains(ESC));
    let bad = qrconform(&["--color", "sometimes", "list"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn help_texts_name_what_each_command_covers() {
    let top = text(&qrconform(&["--help"]).stdout);
    assert!(
        top.contains("init") && top.contains("--color <WHEN>"),
        "{top}"
    );
    assert!(top.contains("against a dApp back end or a wallet"), "{top}");
    let ontology = text(&qrconform(&["ontology", "--help"]).stdout);
    assert!(ontology.contains("tx"), "{ontology}");
    let dapp = text(&qrconform(&["test", "dapp", "--help"]).stdout);
    assert!(dapp.contains("or EOS for"), "{dapp}");
    let node = text(&qrconform(&["serve", "node", "--help"]).stdout);
    assert!(node.contains("not with `--protocol eos`"), "{node}");
}

/// The ```toml blocks of a document, in order.
fn toml_blocks(doc: &str) -> Vec<String> {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(doc))
        .expect("the document");
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            None if line.trim_start() == "```toml" => current = Some(String::new()),
            Some(block) if line.trim_start() == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

#[test]
fn the_target_files_and_baseline_the_docs_show_are_accepted() {
    let scratch = Scratch::new("doc-toml");
    let check = |doc: &str, index: usize, args: &[&str]| {
        let block = &toml_blocks(doc)[index];
        let file = scratch.0.join(format!("block-{index}.toml"));
        std::fs::write(&file, block).expect("write");
        let mut all: Vec<&str> = args.to_vec();
        let path = file.to_str().expect("utf-8").to_string();
        all.push(&path);
        all.push("--list");
        let out = qrconform(&all);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{doc} block {index}: {}\n{block}",
            text(&out.stderr)
        );
    };
    check("docs/targets.md", 0, &["test", "dapp", "--target"]);
    check(
        "docs/targets.md",
        1,
        &["test", "dapp", "--protocol", "simplewallet", "--target"],
    );
    check("docs/wallet-driver.md", 0, &["test", "wallet", "--target"]);
    check(
        "docs/wallet-driver.md",
        1,
        &["test", "wallet", "--protocol", "simplewallet", "--target"],
    );
    check(
        "docs/reports.md",
        0,
        &[
            "test",
            "dapp",
            "--target",
            "reference",
            "--expected-failures",
        ],
    );
}

#[test]
fn every_example_target_and_baseline_is_accepted_as_shipped() {
    let example = |name: &str| format!("{}/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let runs: [(&str, &[&str]); 6] = [
        ("backend.toml", &["test", "dapp"]),
        ("staging.toml", &["test", "dapp"]),
        (
            "eos-backend.toml",
            &["test", "dapp", "--protocol", "simplewallet"],
        ),
        ("wallet.toml", &["test", "wallet"]),
        (
            "eos-wallet.toml",
            &["test", "wallet", "--protocol", "simplewallet"],
        ),
        (
            "qrconform-baseline.toml",
            &["test", "dapp", "--target", "reference"],
        ),
    ];
    for (file, command) in runs {
        let path = example(file);
        let mut args: Vec<&str> = command.to_vec();
        if file.contains("baseline") {
            args.extend(["--expected-failures", &path]);
        } else {
            args.extend(["--target", &path]);
        }
        args.push("--list");
        let out = qrconform(&args);
        assert_eq!(out.status.code(), Some(0), "{file}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains(": test"),
            "{file} lists its cases"
        );
    }
    // Every example file is one of those above or a payload the README's commands read.
    let mut shipped: Vec<String> = std::fs::read_dir(example(""))
        .expect("examples/")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    shipped.sort();
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR")))
        .expect("README");
    for file in shipped {
        assert!(
            readme.contains(&format!("`{file}`")) || readme.contains(&format!("examples/{file}")),
            "examples/{file} is not described in the README"
        );
    }
}

#[test]
fn every_named_fault_of_the_references_is_documented() {
    use qrconform::reference::ontology::{dapp::DappFault, wallet::WalletFault};
    use qrconform::reference::simplewallet::{dapp::SwDappFault, wallet::SimpleWalletFault};
    let doc = |name: &str| {
        std::fs::read_to_string(format!("{}/docs/{name}", env!("CARGO_MANIFEST_DIR"))).expect("doc")
    };
    let by_doc: [(&str, Vec<&str>); 4] = [
        (
            "reference-dapp.md",
            DappFault::ALL.iter().map(|f| f.name()).collect(),
        ),
        (
            "reference-wallet.md",
            WalletFault::ALL.iter().map(|f| f.name()).collect(),
        ),
        (
            "simplewallet-dapp.md",
            SwDappFault::ALL.iter().map(|f| f.name()).collect(),
        ),
        (
            "reference-wallet.md",
            SimpleWalletFault::ALL.iter().map(|f| f.name()).collect(),
        ),
    ];
    for (doc_name, faults) in by_doc {
        let text = doc(doc_name);
        let missing: Vec<&str> = faults
            .into_iter()
            .filter(|fault| !text.contains(&format!("`{fault}`")))
            .collect();
        assert!(missing.is_empty(), "docs/{doc_name} lacks {missing:?}");
    }
}
