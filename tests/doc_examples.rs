//! The README's and docs/' console examples, run as written: each ```console block is a
//! trycmd case (`$ ` a command, `> ` its continuation, then its output and, after `? `, a
//! non-zero exit), so an example whose output drifts from what the binary prints fails
//! here. Output that differs per run (ports, keys drawn from the system, times) is redacted
//! with `[..]` (part of a line) and `...` (whole lines). Commands run from the repository
//! root, where `examples/` holds every file they read. Blocks that start servers or need
//! other programs are marked `console,ignore`.

#[test]
fn readme_and_docs_examples() {
    trycmd::TestCases::new()
        .timeout(std::time::Duration::from_secs(60))
        // Help text wraps at the terminal's width, or at COLUMNS when there is no terminal.
        .env("COLUMNS", "100")
        .case("README.md")
        .case("docs/*.md");
}
