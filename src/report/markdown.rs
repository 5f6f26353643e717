//! The Markdown writer: the report as a GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`)
//! or a pull-request comment.
//!
//! It is a summary, not the record: it says what needs attention and leaves the transcripts to
//! the JSON and HTML reports, so that it stays far below the 1 MiB a job summary may hold even
//! for a suite of hundreds of cases (every text cell is also cut to a few hundred characters).
//! In order:
//!
//! ```markdown
//! ## qrconform: Ontology dAPI mobile: dApp back end — reference-dapp 1.2.3
//!
//! Result: **NOT CONFORMANT** (exit code 1) — not conformant: a case failed or timed out, ...
//!
//! | planned | ran | PASS | FAIL | WARNING | SKIPPED | TIMEOUT | ERROR | expected failures | stale |
//! |--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|
//! | 8 | 8 | 2 | 2 | 1 | 1 | 1 | 1 | 1 | 1 |
//!
//! ### Needs attention
//! | case | level | verdict | clauses | reason |
//! ...
//! <details><summary>The clauses these cases cite</summary> each clause's full text </details>
//! ### Stale baseline entries
//! <details><summary>Clause coverage (9 clauses)</summary> ... </details>
//! <details><summary>All cases (9)</summary> ... </details>
//! ### Kill matrix
//! | case | no-id-echo | accept-any-signature | reject-high-s |
//! ...   (K a claimed catch, k an unclaimed one, w a wrong-reason failure)
//! <sub>qrconform 0.1.0 · vector set sha256:… · catalogue sha256:… · total 1.234 s</sub>
//! ```
//!
//! Every text that came from the run (reasons, titles, ids, fault descriptions) goes through
//! `inline`: a peer's answer ends up in reasons, and the page GitHub renders from this file
//! must show it as text, never as a table break, a link or markup.

use std::fmt::Write;

use super::{exit_code_word, seconds, KillMatrix, Report};
use crate::harness::baseline::EntryStatus;
use crate::harness::Verdict;

/// Above this many faults the matrix's headers become `f1`, `f2`, … with a legend, so the
/// table stays narrow enough to read.
const MAX_NAMED_FAULTS: usize = 12;

/// The most characters of one reason, title or problem the summary shows.
const CELL_CHARS: usize = 400;

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    // Writing to a `String` cannot fail.
    let _ = write_report(&mut out, report);
    out
}

fn write_report(out: &mut String, report: &Report) -> std::fmt::Result {
    let s = &report.summary;
    writeln!(
        out,
        "## {}: {} — {} {}\n",
        inline(&report.generator.name),
        inline(&report.suite.title),
        inline(&report.target.name),
        inline(&report.target.version)
    )?;
    writeln!(
        out,
        "Result: **{}** (exit code {}) — {}\n",
        exit_code_word(s.exit_code),
        s.exit_code,
        inline(&s.result)
    )?;
    if s.partial {
        writeln!(
            out,
            "**Partial report**: the run was stopped before its end; it holds what ran so far.\n"
        )?;
    }
    if !s.incomplete.is_empty() {
        writeln!(out, "Incomplete (H-1), so not conformant:\n")?;
        for why in &s.incomplete {
            writeln!(out, "- {}", inline(why))?;
        }
        writeln!(out)?;
    }
    // The REVIEW column only when a person reviewed a case: automated runs have none.
    let (review_head, review_rule, review_cell) = if s.review > 0 {
        (" REVIEW |", "--:|", format!(" {} |", s.review))
    } else {
        ("", "", String::new())
    };
    writeln!(
        out,
        "| planned | ran | PASS | FAIL | WARNING | SKIPPED | TIMEOUT | ERROR |{review_head} expected failures | stale |"
    )?;
    writeln!(
        out,
        "|--:|--:|--:|--:|--:|--:|--:|--:|{review_rule}--:|--:|"
    )?;
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |{review_cell} {} | {} |\n",
        s.planned,
        s.ran,
        s.pass,
        s.fail,
        s.warning,
        s.skipped,
        s.timeout,
        s.error,
        s.expected_failures,
        s.stale
    )?;

    writeln!(out, "### Needs attention\n")?;
    // Every verdict but a clean PASS is listed here; the HTML page's shorter list of what
    // must be acted on is `report::needs_attention`.
    let attention: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.verdict != Verdict::Pass)
        .collect();
    if attention.is_empty() {
        writeln!(out, "Every case passed.\n")?;
    } else {
        writeln!(out, "| case | level | verdict | clauses | reason |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for case in &attention {
            let (verdict, reason) = match &case.expected_failure {
                Some(accepted) => (
                    format!("{} (expected failure)", case.verdict),
                    format!(
                        "{} (baseline: {})",
                        inline(&clip(&case.reason)),
                        inline(&clip(accepted))
                    ),
                ),
                None => (case.verdict.to_string(), inline(&clip(&case.reason))),
            };
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                inline(&case.id),
                case.level.label(),
                verdict,
                inline(&case.clauses.join(", ")),
                reason
            )?;
        }
        writeln!(out)?;
        // Why each listed case exists: the clauses it checks, in full.
        let mut cited: Vec<&str> = Vec::new();
        for case in &attention {
            for id in &case.clauses {
                if !cited.contains(&id.as_str()) {
                    cited.push(id);
                }
            }
        }
        writeln!(
            out,
            "<details><summary>The clauses these cases check ({})</summary>\n",
            cited.len()
        )?;
        for id in cited {
            match report
                .clause(id)
                .and_then(|c| c.text.as_deref().map(|t| (c, t)))
            {
                Some((clause, text)) => writeln!(
                    out,
                    "- **{}** ({}): {}",
                    inline(id),
                    inline(clause.level.as_deref().unwrap_or("")),
                    inline(&clip(text))
                )?,
                None => writeln!(out, "- **{}**", inline(id))?,
            }
        }
        writeln!(out, "\n</details>\n")?;
    }

    if let Some(baseline) = &report.baseline {
        let stale: Vec<_> = baseline
            .entries
            .iter()
            .filter(|e| e.status == EntryStatus::Stale)
            .collect();
        if !stale.is_empty() {
            writeln!(out, "### Stale baseline entries\n")?;
            writeln!(
                out,
                "These cases now pass: remove their entries from {}.\n",
                inline(&baseline.file)
            )?;
            for entry in stale {
                writeln!(
                    out,
                    "- {}: {}",
                    inline(&entry.id),
                    inline(&clip(&entry.reason))
                )?;
            }
            writeln!(out)?;
        }
    }

    // GitHub renders Markdown inside `<details>` only after a blank line.
    writeln!(
        out,
        "<details><summary>Clause coverage ({} clauses)</summary>\n",
        report.clauses.len()
    )?;
    writeln!(out, "| clause | level | verdict | cases |")?;
    writeln!(out, "|---|---|---|--:|")?;
    for clause in &report.clauses {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            inline(&clause.id),
            inline(clause.level.as_deref().unwrap_or("")),
            clause.verdict,
            clause.cases.len()
        )?;
    }
    writeln!(out, "\n</details>\n")?;

    writeln!(
        out,
        "<details><summary>All cases ({})</summary>\n",
        report.cases.len()
    )?;
    writeln!(out, "| case | verdict | title |")?;
    writeln!(out, "|---|---|---|")?;
    for case in &report.cases {
        writeln!(
            out,
            "| {} | {} | {} |",
            inline(&case.id),
            case.verdict,
            inline(&clip(&case.title))
        )?;
    }
    writeln!(out, "\n</details>\n")?;

    if let Some(matrix) = &report.kill_matrix {
        write_kill_matrix(out, matrix)?;
    }

    writeln!(
        out,
        "<sub>{} {} · vector set {} · catalogue {} · total {}</sub>",
        inline(&report.generator.name),
        inline(&report.generator.version),
        inline(&report.generator.vector_set),
        inline(&report.suite.catalogue),
        seconds(report.timing.total_ms)
    )
}

fn write_kill_matrix(out: &mut String, matrix: &KillMatrix) -> std::fmt::Result {
    writeln!(out, "### Kill matrix\n")?;
    let indexed = matrix.faults.len() > MAX_NAMED_FAULTS;
    let header = |i: usize, name: &str| {
        if indexed {
            format!("f{}", i + 1)
        } else {
            inline(name)
        }
    };
    write!(out, "| case |")?;
    for (i, fault) in matrix.faults.iter().enumerate() {
        write!(out, " {} |", header(i, &fault.name))?;
    }
    write!(out, "\n|---|")?;
    for _ in &matrix.faults {
        write!(out, ":-:|")?;
    }
    writeln!(out)?;
    for row in &matrix.rows {
        write!(out, "| {} |", inline(&row.case))?;
        for i in 0..matrix.faults.len() {
            // A row shorter than the fault list is a malformed matrix; show the gap, not a
            // shifted table.
            match row.cells.get(i) {
                Some(cell) => write!(
                    out,
                    " {} |",
                    super::kill_mark(cell.kill, row.claimed.contains(&matrix.faults[i].name))
                )?,
                None => write!(out, "  |")?,
            }
        }
        writeln!(out)?;
    }
    write!(out, "| **killed by** |")?;
    for fault in &matrix.faults {
        write!(out, " {} |", fault.killed_by.len())?;
    }
    writeln!(out, "\n")?;
    writeln!(
        out,
        "K killed, as the catalogue claims · k killed, not claimed · w failed, but so did its \
         twin (not for its own reason) · . survived · ! broken (ERROR or SKIPPED)\n"
    )?;
    if indexed {
        for (i, fault) in matrix.faults.iter().enumerate() {
            writeln!(
                out,
                "- f{}: {} — {}",
                i + 1,
                inline(&fault.name),
                inline(&clip(&fault.description))
            )?;
        }
        writeln!(out)?;
    }
    if matrix.problems.is_empty() {
        writeln!(
            out,
            "Every fault is caught by at least one case, every case catches at least one fault, \
             every claim holds.\n"
        )?;
    } else {
        writeln!(out, "**Problems**\n")?;
        for problem in &matrix.problems {
            writeln!(out, "- {}", inline(&clip(problem)))?;
        }
        writeln!(out)?;
    }
    if !matrix.review.is_empty() {
        writeln!(
            out,
            "Outside the matrix, REVIEW cases (a person judges what the wallet shows; no \
             automated run can catch a fault with them): {}\n",
            matrix
                .review
                .iter()
                .map(|id| format!("`{}`", inline(id)))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    Ok(())
}

/// At most [`CELL_CHARS`] characters of `text`, cut on a character boundary.
fn clip(text: &str) -> String {
    match text.char_indices().nth(CELL_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Text made safe for a table cell or a list item: it stays on its line (line breaks become
/// `<br>`), cannot end a cell (`|`), open markup (`<`, `&`) or form a link, emphasis or code
/// span (the Markdown punctuation is backslash-escaped).
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::report::fixture::sample;
    use crate::report::{CaseReport, FaultColumn};

    /// The lines of the section that starts with `heading`, up to the next blank line after
    /// its table or list.
    fn section<'a>(md: &'a str, heading: &str) -> Vec<&'a str> {
        let start = md
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading} in\n{md}"));
        md[start..]
            .lines()
            .skip_while(|l| !l.starts_with('|') && !l.starts_with("- "))
            .take_while(|l| !l.is_empty())
            .collect()
    }

    #[test]
    fn markdown_says_the_result_first() {
        let md = render(&sample());
        let mut lines = md.lines();
        assert_eq!(
            lines.next(),
            Some("## qrconform: Ontology dAPI mobile: dApp back end — reference-dapp 1.2.3")
        );
        assert_eq!(lines.next(), Some(""));
        assert_eq!(
            lines.next(),
            Some(
                "Result: **NOT CONFORMANT** (exit code 1) — not conformant: a case failed or \
                 timed out, or a baseline entry is stale"
            )
        );
        assert!(md.contains(
            "| planned | ran | PASS | FAIL | WARNING | SKIPPED | TIMEOUT | ERROR | REVIEW | expected failures | stale |\n\
             |--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n\
             | 9 | 9 | 2 | 2 | 1 | 1 | 1 | 1 | 1 | 1 | 1 |\n"
        ));
        assert!(md.ends_with(
            "<sub>qrconform 0.1.0 · vector set sha256:vvvv · catalogue sha256:cccc · total 61.005 s</sub>\n"
        ));
        assert_eq!(md, render(&sample()));
    }

    #[test]
    fn markdown_lists_every_case_that_needs_attention() {
        let md = render(&sample());
        let rows = section(&md, "### Needs attention");
        assert_eq!(rows.len(), 2 + 7, "{rows:#?}");
        assert!(rows.iter().any(|r| r.starts_with(
            "| login.display.review | REVIEW | REVIEW | ONT-D1 | a person reviewed it:"
        )));
        assert!(rows.iter().any(|r| r.starts_with(
            "| login.message.replay | MUST | FAIL (expected failure) | ONT-L9 | the replayed \
             login was accepted (baseline: replay protection ships in 2.4 (ticket 1182)) |"
        )));
        assert!(rows
            .contains(&"| invoke.event.slow | MUST | TIMEOUT | ONT-I3 | no answer within 10 s |"));
        assert!(rows.contains(
            &"| login.signature.high-s | SHOULD | WARNING | ONT-L4 | SHOULD: the back end normalised S |"
        ));
        assert!(!rows.iter().any(|r| r.contains("login.address.honest")));

        let stale = section(&md, "### Stale baseline entries");
        assert_eq!(
            stale,
            vec!["- login.account.honest: accounts were broken in 2.3"]
        );

        let mut clean = sample();
        clean.cases.retain(|c| c.verdict == Verdict::Pass);
        clean.baseline = None;
        let md = render(&clean);
        assert!(md.contains("### Needs attention\n\nEvery case passed.\n"));
        assert!(!md.contains("Stale baseline"));
    }

    #[test]
    fn markdown_folds_coverage_and_the_case_list() {
        let md = render(&sample());
        assert!(md.contains(
            "<details><summary>Clause coverage (10 clauses)</summary>\n\n| clause | level | verdict | cases |\n"
        ));
        assert!(md.contains("| ONT-L8 | MUST | FAIL | 1 |\n"));
        // The clauses the listed cases check, in full.
        assert!(md.contains("<details><summary>The clauses these cases check"));
        assert!(md.contains("- **ONT-L8** (MUST): \\`message\\` MUST be one the dApp issued"));
        assert!(md
            .contains("<details><summary>All cases (9)</summary>\n\n| case | verdict | title |\n"));
        assert!(md.contains("| login.address.honest | PASS | the case login.address.honest |\n"));
        assert_eq!(
            md.matches("<details>").count(),
            md.matches("</details>").count()
        );
        // Never the transcripts.
        assert!(!md.contains("TRANSCRIPT-BODY"));
        assert!(!md.contains("smartcode"));
    }

    #[test]
    fn markdown_draws_the_kill_matrix() {
        let md = render(&sample());
        let rows = section(&md, "### Kill matrix");
        assert_eq!(
            rows,
            vec![
                "| case | no-id-echo | accept-any-signature | reject-high-s |",
                "|---|:-:|:-:|:-:|",
                "| login.address.honest | K | . | . |",
                "| login.expired | w | . | ! |",
                "| login.signature.high-s | . | . | k |",
                "| **killed by** | 1 | 0 | 1 |",
            ]
        );
        assert!(md.contains("**Problems**\n\n- no case kills the fault \\`accept-any-signature\\`"));
        assert!(md.contains("Outside the matrix, REVIEW cases"));

        let mut report = sample();
        let matrix = report.kill_matrix.as_mut().unwrap();
        matrix.problems.clear();
        let template = matrix.faults[0].clone();
        for i in 0..12 {
            matrix.faults.push(FaultColumn {
                name: format!("extra-{i}"),
                ..template.clone()
            });
        }
        let md = render(&report);
        assert!(md.contains("| case | f1 | f2 | f3 | f4 |"));
        assert!(md.contains("- f1: no-id-echo — the back end does not echo the request id\n"));
        assert!(md.contains("- f15: extra-11 — "));
        // Rows too short for the fault list keep their columns.
        assert!(md.contains("| login.address.honest | K | . | . |  |"));
        assert!(md.contains("every claim holds."));
    }

    #[test]
    fn markdown_keeps_hostile_text_inert() {
        let md = render(&sample());
        assert!(!md.contains("<script>"), "{md}");
        assert!(
            md.contains("&lt;script&gt;alert(1)&lt;/script&gt; \\| cell<br>next line \\]\\]&gt;")
        );
        // Every row of a table keeps the table's columns: a `|` from the peer is escaped.
        let mut columns = None;
        for line in md.lines() {
            if !line.starts_with('|') {
                columns = None;
                continue;
            }
            let pipes = line.replace("\\|", "").matches('|').count();
            assert_eq!(*columns.get_or_insert(pipes), pipes, "{line}");
        }
        // Nothing the peer writes becomes a link, an image or a code span.
        assert_eq!(inline("[x](https://evil)"), "\\[x\\](https://evil)");
        assert_eq!(inline("![i](x)"), "!\\[i\\](x)");
        assert_eq!(inline("`a`\r\nb\rc"), "\\`a\\`<br>b<br>c");
        assert_eq!(inline("a\u{1b}[0m"), "a \\[0m");
    }

    #[test]
    fn markdown_stays_small_for_a_large_suite() {
        let mut report = sample();
        let template = report.cases[2].clone();
        for i in 0..200 {
            report.cases.push(CaseReport {
                id: format!("bulk.{i}"),
                reason: "x".repeat(100_000),
                ..template.clone()
            });
        }
        let md = render(&report);
        assert!(md.len() < 256 * 1024, "{} bytes", md.len());
        assert!(md.contains(&format!("{}…", "x".repeat(CELL_CHARS))));
    }
}
