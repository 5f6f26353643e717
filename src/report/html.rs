//! The HTML writer: the report as one self-contained page to open in a browser or attach to
//! a CI run.
//!
//! The page carries everything inline (a `<style>` block and a few lines of script) and loads
//! nothing: no fonts, images or scripts from elsewhere, so it reads the same from a CI
//! artifact, an e-mail or a disk with no network. The script only adds a verdict filter above
//! the cases; with scripts off the filter stays hidden and the page is complete. It shows, in
//! order:
//!
//! - a header: the suite's title, the target (name, version, protocol, role, planted faults)
//!   and the result in words with a coloured badge;
//! - needs attention: what a reader must act on first (the cases whose verdict
//!   [`super::needs_attention`] picks, each with its reason and the full text of the clauses
//!   it checks; why the run is incomplete; stale baseline entries; the kill matrix's
//!   problems), or a line saying there is nothing;
//! - a summary: a bar and counts by verdict, with planned, ran, expected failures and stale
//!   entries;
//! - the kill matrix of a self-test: cases by faults, coloured by [`Kill`], with the
//!   catalogue's claims outlined and marked `K` (an unclaimed catch `k`), a "killed by" row
//!   and the problems;
//! - clause coverage: each clause, its level, full text, verdict and links to the cases that
//!   check it;
//! - the cases: one `<details id="case-…">` each, open when the case did not pass, with its
//!   clauses (with their text), why the case exists, level, verdict, reason, expectation,
//!   observation, baseline note and transcript (each exchange's sender, method, URL, status,
//!   what ended it in words where HTTP has no status for it, and bodies, JSON pretty-printed);
//! - the baseline, when the run had one;
//! - a footer: the generator's version, the vector set and catalogue hashes, the total time.
//!
//! Everything written into the page goes through `esc` (text and attribute values alike)
//! or, for element ids, `anchor`: reasons, observations, URLs and bodies are written by the
//! implementation under test and must stay text.

use std::fmt::Write;

use super::{
    exchange_status, exit_code_word, kill_mark, needs_attention, pretty_body, seconds, CaseReport,
    Kill, KillMatrix, Report,
};
use crate::harness::baseline::{BaselineReport, EntryStatus};
use crate::harness::Verdict;
use crate::transcript::{Exchange, Sender};

/// Every verdict, in the order the page lists them.
const VERDICTS: [Verdict; 7] = [
    Verdict::Pass,
    Verdict::Fail,
    Verdict::Warning,
    Verdict::Skipped,
    Verdict::Timeout,
    Verdict::Error,
    Verdict::Review,
];

const STYLE: &str = r#"
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--link:#0969da;
--pass:#1a7f37;--fail:#cf222e;--warning:#d4a72c;--skipped:#6e7781;--timeout:#8250df;--error:#82071e;--review:#0969da;
--k-killed:#aceebb;--k-wrong:#ffe58f;--k-survived:transparent;--k-broken:#ffcecb}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--bg:#0d1117;
--soft:#151b23;--link:#4493f8;--k-killed:#1f5f2f;--k-wrong:#6b5200;--k-broken:#7d1f22}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",sans-serif;color:var(--fg);background:var(--bg)}
header,nav,main,footer{max-width:1200px;margin:0 auto;padding:0 1.25rem}
header{padding-top:1.25rem}
h1{font-size:1.6rem;margin:0 0 .5rem}
h2{font-size:1.25rem;margin:2rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1rem 0 .5rem}
a{color:var(--link)}
code,pre{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,monospace;font-size:.86em}
.muted{color:var(--muted)}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}
.meta dt{color:var(--muted)}.meta dd{margin:0;overflow-wrap:anywhere}
.result{font-size:1.05rem;margin:.75rem 0}
nav{margin:.75rem auto;font-size:.9rem}nav a{margin-right:1rem}
.badge{display:inline-block;padding:0 .55rem;border-radius:1rem;color:#fff;font-weight:600;font-size:.78rem;line-height:1.55;letter-spacing:.02em;white-space:nowrap;vertical-align:.1em}
.badge.big{font-size:.95rem;padding:.1rem .8rem}
.v-pass{background:var(--pass)}.v-fail{background:var(--fail)}.v-warning{background:var(--warning);color:#1f2328}
.v-skipped{background:var(--skipped)}.v-timeout{background:var(--timeout)}.v-error{background:var(--error)}.v-review{background:var(--review)}
.tag{display:inline-block;padding:0 .45rem;border:1px solid var(--line);border-radius:.3rem;font-size:.75rem;color:var(--muted);white-space:nowrap}
.tag.stale{border-color:var(--fail);color:var(--fail)}
.bar{display:flex;height:.9rem;border-radius:.45rem;overflow:hidden;margin:.5rem 0;background:var(--soft)}
.counts{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.25rem .55rem;text-align:left;vertical-align:top}
thead th,tfoot th,tfoot td{background:var(--soft)}
details.case{border:1px solid var(--line);border-radius:.4rem;margin:.45rem 0}
details.case>summary{cursor:pointer;padding:.45rem .7rem;list-style-position:outside}
details.case[open]>summary{border-bottom:1px solid var(--line);background:var(--soft)}
details.case>summary code{font-weight:600}
.case-body{padding:.5rem .9rem .8rem}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.25rem 0}
.facts dt{color:var(--muted)}.facts dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.transcript{padding-left:1.5rem;margin:.25rem 0}
.exchange{margin:.5rem 0}
.ex-head{display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:baseline}
.ex-head .url{overflow-wrap:anywhere}
.who{font-size:.8rem;color:var(--muted);white-space:nowrap}
.by-peer .who{color:var(--timeout)}
.status-err{color:var(--fail)}
.bodies{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:.5rem;margin-top:.25rem}
.bodies figure{margin:0;min-width:0}.bodies figcaption{font-size:.75rem;color:var(--muted)}
pre{margin:0;padding:.4rem .55rem;background:var(--soft);border:1px solid var(--line);border-radius:.3rem;white-space:pre-wrap;overflow-wrap:anywhere;max-height:24rem;overflow:auto}
.filter{margin:.5rem 0;font-size:.9rem}.filter label{margin-right:.9rem;white-space:nowrap}
.matrix td{text-align:center;font-family:ui-monospace,Menlo,Consolas,monospace;min-width:1.8rem;padding:.15rem .3rem}
.matrix th.fault{vertical-align:bottom;padding:.4rem .2rem}
.matrix th.fault span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:500;font-size:.82rem}
.k-killed{background:var(--k-killed)}.k-wrong{background:var(--k-wrong)}.k-survived{background:var(--k-survived);color:var(--muted)}.k-broken{background:var(--k-broken)}
.claimed{outline:2px solid var(--fg);outline-offset:-3px}
.legend span.k{display:inline-block;min-width:1.5rem;text-align:center;border:1px solid var(--line);margin:0 .2rem 0 .6rem;font-family:ui-monospace,Menlo,Consolas,monospace}
.twin{display:block;font-size:.75rem;color:var(--muted);font-weight:400}
.ok{color:var(--pass)}
#attention{border:2px solid var(--fail);border-radius:.5rem;padding:0 1rem .5rem;margin-top:1rem}
#attention.clear{border-color:var(--pass)}
#attention h2{border:0;margin-top:.75rem}
.attention{list-style:none;padding:0;margin:.25rem 0}.attention>li{margin:.45rem 0}
.attention .why{margin:.15rem 0 0 1.2rem;font-size:.9rem}
.cited{margin:.1rem 0;padding-left:1.2rem;white-space:normal}.cited li{margin:.1rem 0}
.label{font-size:.85rem;color:var(--muted)}
footer{margin-top:2.5rem;padding-top:.75rem;padding-bottom:1.5rem;border-top:1px solid var(--line);font-size:.82rem;color:var(--muted)}
footer code{overflow-wrap:anywhere}
"#;

/// Shows the filter (hidden without scripts) and hides the cases whose verdict is unticked.
const SCRIPT: &str = r#"(function(){var f=document.getElementById("filter");if(!f)return;f.hidden=false;
f.addEventListener("change",function(){var on={};f.querySelectorAll("input").forEach(function(i){on[i.value]=i.checked;});
document.querySelectorAll("details.case").forEach(function(d){d.hidden=!on[d.getAttribute("data-verdict")];});});})();"#;

/// The report as one self-contained HTML page.
pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    // Writing to a `String` cannot fail.
    let _ = write_page(&mut out, report);
    out
}

fn write_page(out: &mut String, report: &Report) -> std::fmt::Result {
    let s = &report.summary;
    writeln!(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>{}: {} — {} {} — {}</title>",
        esc(&report.generator.name),
        esc(&report.suite.title),
        esc(&report.target.name),
        esc(&report.target.version),
        exit_code_word(s.exit_code)
    )?;
    writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>")?;

    writeln!(out, "<header>")?;
    writeln!(out, "<h1>{}</h1>", esc(&report.suite.title))?;
    writeln!(out, "<dl class=\"meta\">")?;
    let target = &report.target;
    writeln!(
        out,
        "<dt>Target</dt><dd><strong>{}</strong> {}</dd>",
        esc(&target.name),
        esc(&target.version)
    )?;
    writeln!(
        out,
        "<dt>Protocol</dt><dd>{}</dd>\n<dt>Role under test</dt><dd>{}</dd>",
        esc(&target.protocol),
        esc(&target.role)
    )?;
    let faults = if target.faults.is_empty() {
        "none".to_string()
    } else {
        target
            .faults
            .iter()
            .map(|f| format!("<code>{}</code>", esc(f)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(out, "<dt>Planted faults</dt><dd>{faults}</dd>")?;
    writeln!(
        out,
        "<dt>Suite</dt><dd><code>{}</code> ({}, {})</dd>\n</dl>",
        esc(&report.suite.id),
        esc(&report.suite.protocol),
        esc(&report.suite.role)
    )?;
    writeln!(
        out,
        "<p class=\"result\"><span class=\"badge big {}\">{}</span> {} <span class=\"muted\">(exit code {})</span></p>",
        result_class(s.exit_code),
        exit_code_word(s.exit_code),
        esc(&s.result),
        s.exit_code
    )?;
    if s.partial {
        writeln!(
            out,
            "<p class=\"result\"><strong>Partial report</strong>: the run was stopped before its end; it holds what ran so far.</p>"
        )?;
    }
    if !s.incomplete.is_empty() {
        // The reasons are listed once, under "Needs attention" just below.
        writeln!(
            out,
            "<p>Incomplete (H-1), so not conformant: <a href=\"#attention\">{} reason{}</a>.</p>",
            s.incomplete.len(),
            if s.incomplete.len() == 1 { "" } else { "s" }
        )?;
    }
    writeln!(out, "</header>")?;

    write!(
        out,
        "<nav><a href=\"#attention\">Needs attention</a><a href=\"#summary\">Summary</a>"
    )?;
    if report.kill_matrix.is_some() {
        write!(out, "<a href=\"#kill-matrix\">Kill matrix</a>")?;
    }
    write!(
        out,
        "<a href=\"#clauses\">Clauses</a><a href=\"#cases\">Cases</a>"
    )?;
    if report.baseline.is_some() {
        write!(out, "<a href=\"#baseline\">Baseline</a>")?;
    }
    writeln!(out, "</nav>\n<main>")?;

    write_attention(out, report)?;
    write_summary(out, report)?;
    if let Some(matrix) = &report.kill_matrix {
        write_kill_matrix(out, report, matrix)?;
    }
    write_clauses(out, report)?;
    write_cases(out, report)?;
    if let Some(baseline) = &report.baseline {
        write_baseline(out, report, baseline)?;
    }
    writeln!(out, "</main>")?;

    writeln!(
        out,
        "<footer>{} {} · vector set <code>{}</code> · catalogue <code>{}</code> · total {}</footer>",
        esc(&report.generator.name),
        esc(&report.generator.version),
        esc(&report.generator.vector_set),
        esc(&report.suite.catalogue),
        seconds(report.timing.total_ms)
    )?;
    writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>")
}

fn count(report: &Report, verdict: Verdict) -> usize {
    let s = &report.summary;
    match verdict {
        Verdict::Pass => s.pass,
        Verdict::Fail => s.fail,
        Verdict::Warning => s.warning,
        Verdict::Skipped => s.skipped,
        Verdict::Timeout => s.timeout,
        Verdict::Error => s.error,
        Verdict::Review => s.review,
    }
}

/// The clauses a case checks, each with its level and full text.
fn write_cited_clauses(out: &mut String, report: &Report, case: &CaseReport) -> std::fmt::Result {
    writeln!(out, "<ul class=\"cited\">")?;
    for id in &case.clauses {
        match report.clause(id) {
            Some(clause) => writeln!(
                out,
                "<li><code>{}</code> <span class=\"label\">{}</span> {}</li>",
                esc(id),
                esc(clause.level.as_deref().unwrap_or("")),
                esc(clause.text.as_deref().unwrap_or(""))
            )?,
            None => writeln!(out, "<li><code>{}</code></li>", esc(id))?,
        }
    }
    writeln!(out, "</ul>")
}

fn write_attention(out: &mut String, report: &Report) -> std::fmt::Result {
    let cases: Vec<&CaseReport> = report
        .cases
        .iter()
        .filter(|c| needs_attention(c.verdict))
        .collect();
    let stale: Vec<_> = report
        .baseline
        .iter()
        .flat_map(|b| b.entries.iter())
        .filter(|e| e.status == EntryStatus::Stale)
        .collect();
    let problems: &[String] = report
        .kill_matrix
        .as_ref()
        .map_or(&[], |m| m.problems.as_slice());
    let incomplete = &report.summary.incomplete;
    let clear =
        cases.is_empty() && stale.is_empty() && problems.is_empty() && incomplete.is_empty();
    writeln!(
        out,
        "<section id=\"attention\"{}>\n<h2>Needs attention</h2>",
        if clear { " class=\"clear\"" } else { "" }
    )?;
    if clear {
        return writeln!(
            out,
            "<p class=\"ok\">Nothing: no case failed, timed out or could not be judged, the run is complete{}.</p>\n</section>",
            if report.kill_matrix.is_some() {
                " and the kill matrix proves every case"
            } else {
                ""
            }
        );
    }
    if !incomplete.is_empty() {
        writeln!(
            out,
            "<p>The run is incomplete (H-1), so not conformant:</p>\n<ul>"
        )?;
        for why in incomplete {
            writeln!(out, "<li>{}</li>", esc(why))?;
        }
        writeln!(out, "</ul>")?;
    }
    if !cases.is_empty() {
        writeln!(out, "<ol class=\"attention\">")?;
        for case in cases {
            write!(
                out,
                "<li>{} {} {}",
                badge(case.verdict),
                case_link(&case.id),
                esc(&case.title)
            )?;
            if case.expected_failure.is_some() {
                write!(out, " <span class=\"tag\">expected failure</span>")?;
            }
            writeln!(
                out,
                "<div class=\"why\"><strong>Reason:</strong> {}",
                esc(&case.reason)
            )?;
            write_cited_clauses(out, report, case)?;
            writeln!(out, "</div></li>")?;
        }
        writeln!(out, "</ol>")?;
    }
    if !stale.is_empty() {
        writeln!(
            out,
            "<p>Stale baseline entries: these cases now pass, so their entries must go.</p>\n<ul>"
        )?;
        for entry in stale {
            writeln!(
                out,
                "<li>{} — {}</li>",
                case_link(&entry.id),
                esc(&entry.reason)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    if !problems.is_empty() {
        writeln!(
            out,
            "<p>The kill matrix does not prove the suite (see <a href=\"#kill-matrix\">the matrix</a>):</p>\n<ul>"
        )?;
        for problem in problems {
            writeln!(out, "<li>{}</li>", esc(problem))?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "</section>")
}

fn write_summary(out: &mut String, report: &Report) -> std::fmt::Result {
    let s = &report.summary;
    writeln!(out, "<section id=\"summary\">\n<h2>Summary</h2>")?;
    let words: Vec<String> = VERDICTS
        .iter()
        .map(|&v| format!("{} {}", count(report, v), v))
        .collect();
    write!(
        out,
        "<div class=\"bar\" role=\"img\" aria-label=\"{}\">",
        words.join(", ")
    )?;
    for verdict in VERDICTS {
        let n = count(report, verdict);
        if n > 0 {
            write!(
                out,
                "<span class=\"{}\" style=\"flex-grow:{n}\" title=\"{n} {verdict}\"></span>",
                verdict_class(verdict)
            )?;
        }
    }
    writeln!(out, "</div>\n<ul class=\"counts\">")?;
    writeln!(out, "<li>planned <strong>{}</strong></li>", s.planned)?;
    writeln!(out, "<li>ran <strong>{}</strong></li>", s.ran)?;
    for verdict in VERDICTS {
        writeln!(
            out,
            "<li>{} <strong>{}</strong></li>",
            badge(verdict),
            count(report, verdict)
        )?;
    }
    writeln!(
        out,
        "<li>expected failures <strong>{}</strong></li>",
        s.expected_failures
    )?;
    writeln!(out, "<li>stale <strong>{}</strong></li>", s.stale)?;
    writeln!(out, "</ul>\n</section>")
}

fn write_clauses(out: &mut String, report: &Report) -> std::fmt::Result {
    writeln!(out, "<section id=\"clauses\">\n<h2>Clause coverage</h2>")?;
    if report.clauses.is_empty() {
        return writeln!(
            out,
            "<p class=\"muted\">No clause was checked.</p>\n</section>"
        );
    }
    writeln!(
        out,
        "<div class=\"scroll\"><table>\n<thead><tr><th>Clause</th><th>Level</th><th>Text</th><th>Verdict</th><th>Cases</th></tr></thead>\n<tbody>"
    )?;
    for clause in &report.clauses {
        let links: Vec<String> = clause.cases.iter().map(|c| case_link(c)).collect();
        writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&clause.id),
            esc(clause.level.as_deref().unwrap_or("")),
            esc(clause.text.as_deref().unwrap_or("")),
            badge(clause.verdict),
            links.join(", ")
        )?;
    }
    writeln!(out, "</tbody>\n</table></div>\n</section>")
}

fn write_cases(out: &mut String, report: &Report) -> std::fmt::Result {
    writeln!(
        out,
        "<section id=\"cases\">\n<h2>Cases ({})</h2>",
        report.cases.len()
    )?;
    write!(out, "<form id=\"filter\" class=\"filter\" hidden>Show: ")?;
    for verdict in VERDICTS {
        write!(
            out,
            "<label><input type=\"checkbox\" value=\"{verdict}\" checked> {verdict} ({})</label>",
            count(report, verdict)
        )?;
    }
    writeln!(out, "</form>")?;
    for case in &report.cases {
        write_case(out, report, case)?;
    }
    writeln!(out, "</section>")
}

fn write_case(out: &mut String, report: &Report, case: &CaseReport) -> std::fmt::Result {
    let stale = report
        .baseline
        .iter()
        .flat_map(|b| b.entries.iter())
        .find(|e| e.id == case.id && e.status == EntryStatus::Stale);
    // What passed cleanly stays folded; everything else is what a reader opened the page for.
    let open = if case.verdict != Verdict::Pass || stale.is_some() {
        " open"
    } else {
        ""
    };
    writeln!(
        out,
        "<details class=\"case\" id=\"{}\" data-verdict=\"{}\"{open}>",
        anchor(&case.id),
        case.verdict
    )?;
    write!(
        out,
        "<summary>{} <code>{}</code> {}",
        badge(case.verdict),
        esc(&case.id),
        esc(&case.title)
    )?;
    if case.expected_failure.is_some() {
        write!(out, " <span class=\"tag\">expected failure</span>")?;
    }
    if stale.is_some() {
        write!(
            out,
            " <span class=\"tag stale\">stale baseline entry</span>"
        )?;
    }
    writeln!(
        out,
        "</summary>\n<div class=\"case-body\">\n<dl class=\"facts\">"
    )?;
    write!(out, "<dt>Clauses</dt><dd>")?;
    write_cited_clauses(out, report, case)?;
    writeln!(out, "</dd>")?;
    writeln!(out, "<dt>Why</dt><dd>{}</dd>", esc(&report.case_why(case)))?;
    writeln!(out, "<dt>Level</dt><dd>{}</dd>", case.level.label())?;
    writeln!(out, "<dt>Verdict</dt><dd>{}</dd>", badge(case.verdict))?;
    if !case.reason.is_empty() {
        writeln!(out, "<dt>Reason</dt><dd>{}</dd>", esc(&case.reason))?;
    }
    writeln!(out, "<dt>Expected</dt><dd>{}</dd>", esc(&case.expected))?;
    writeln!(out, "<dt>Observed</dt><dd>{}</dd>", esc(&case.observed))?;
    if let Some(accepted) = &case.expected_failure {
        writeln!(
            out,
            "<dt>Expected failure</dt><dd>the baseline accepts this failure: {}</dd>",
            esc(accepted)
        )?;
    }
    if let Some(entry) = stale {
        let file = report.baseline.as_ref().map_or("", |b| b.file.as_str());
        writeln!(
            out,
            "<dt>Baseline</dt><dd>stale: the case now passes, so its entry must be removed from {} (it said: {})</dd>",
            esc(file),
            esc(&entry.reason)
        )?;
    }
    if let Some(timing) = report.timing.cases.iter().find(|t| t.id == case.id) {
        writeln!(out, "<dt>Time</dt><dd>{:.3} ms</dd>", timing.ms)?;
    }
    writeln!(out, "</dl>")?;
    if case.transcript.is_empty() {
        writeln!(out, "<p class=\"muted\">No HTTP exchange was recorded.</p>")?;
    } else {
        writeln!(
            out,
            "<h3>Transcript ({} exchange{})</h3>\n<ol class=\"transcript\">",
            case.transcript.len(),
            if case.transcript.len() == 1 { "" } else { "s" }
        )?;
        for exchange in &case.transcript {
            write_exchange(out, exchange)?;
        }
        writeln!(out, "</ol>")?;
    }
    writeln!(out, "</div>\n</details>")
}

fn write_exchange(out: &mut String, exchange: &Exchange) -> std::fmt::Result {
    let (class, who) = match exchange.by {
        Sender::Harness => ("by-harness", "harness → peer"),
        Sender::Peer => ("by-peer", "peer → harness"),
    };
    write!(
        out,
        "<li class=\"exchange {class}\"><div class=\"ex-head\"><span class=\"who\">{who}</span> <code>{}</code> <code class=\"url\">{}</code>",
        esc(&exchange.method),
        esc(&exchange.url)
    )?;
    let label = exchange_status(exchange);
    match (exchange.status, &exchange.error, &label) {
        (Some(status), _, _) => write!(out, " <span class=\"status\">{status}</span>")?,
        (None, Some(_), _) | (None, None, Some(_)) => {}
        (None, None, None) => write!(out, " <span class=\"muted\">no HTTP status</span>")?,
    }
    if let Some(label) = &label {
        write!(out, " <span class=\"label\">{}</span>", esc(label))?;
    }
    if let Some(error) = &exchange.error {
        write!(
            out,
            " <span class=\"status-err\">error: {}</span>",
            esc(error)
        )?;
    }
    write!(out, "</div>")?;
    if exchange.request.is_some() || exchange.response.is_some() {
        write!(out, "<div class=\"bodies\">")?;
        for (label, body) in [
            ("request", &exchange.request),
            ("response", &exchange.response),
        ] {
            if let Some(body) = body {
                // A whole JSON body reads better pretty-printed; anything else, or a body
                // cut at the transcript's cap, is shown as sent.
                let (shown, note) = match pretty_body(body) {
                    Some(pretty) => (pretty, " (JSON, pretty-printed)"),
                    None => (body.clone(), ""),
                };
                write!(
                    out,
                    "<figure><figcaption>{label}{note}</figcaption><pre>{}</pre></figure>",
                    esc(&shown)
                )?;
            }
        }
        write!(out, "</div>")?;
    }
    writeln!(out, "</li>")
}

fn write_baseline(
    out: &mut String,
    report: &Report,
    baseline: &BaselineReport,
) -> std::fmt::Result {
    writeln!(
        out,
        "<section id=\"baseline\">\n<h2>Baseline</h2>\n<p>Expected failures from <code>{}</code>.</p>",
        esc(&baseline.file)
    )?;
    if baseline.entries.is_empty() {
        return writeln!(
            out,
            "<p class=\"muted\">The baseline has no entry.</p>\n</section>"
        );
    }
    writeln!(
        out,
        "<div class=\"scroll\"><table>\n<thead><tr><th>Case</th><th>Status</th><th>Reason</th></tr></thead>\n<tbody>"
    )?;
    for entry in &baseline.entries {
        let status = match entry.status {
            EntryStatus::FailingAsExpected => "failing as expected".to_string(),
            EntryStatus::Stale => {
                "<span class=\"tag stale\">stale</span> the case now passes: remove the entry"
                    .to_string()
            }
            EntryStatus::NotRun => "<span class=\"muted\">not run</span>".to_string(),
        };
        let case = if report.cases.iter().any(|c| c.id == entry.id) {
            case_link(&entry.id)
        } else {
            format!("<code>{}</code>", esc(&entry.id))
        };
        writeln!(
            out,
            "<tr><td>{case}</td><td>{status}</td><td>{}</td></tr>",
            esc(&entry.reason)
        )?;
    }
    writeln!(out, "</tbody>\n</table></div>\n</section>")
}

fn write_kill_matrix(out: &mut String, report: &Report, matrix: &KillMatrix) -> std::fmt::Result {
    writeln!(out, "<section id=\"kill-matrix\">\n<h2>Kill matrix</h2>")?;
    writeln!(
        out,
        "<p class=\"legend\">Each case against each planted fault:\
<span class=\"k k-killed\">K</span>killed, as the catalogue claims\
<span class=\"k k-killed\">k</span>killed, not claimed\
<span class=\"k k-wrong\">w</span>failed, but so did its twin: not for its own reason\
<span class=\"k k-survived\">.</span>survived\
<span class=\"k k-broken\">!</span>broken (ERROR or SKIPPED)\
<span class=\"k claimed\">&nbsp;</span>claimed by the catalogue</p>"
    )?;
    writeln!(
        out,
        "<div class=\"scroll\"><table class=\"matrix\">\n<thead><tr><th>Case</th>"
    )?;
    for fault in &matrix.faults {
        writeln!(
            out,
            "<th class=\"fault\" scope=\"col\" title=\"{}: {}\"><span>{}</span></th>",
            esc(&fault.name),
            esc(&fault.description),
            esc(&fault.name)
        )?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    for row in &matrix.rows {
        let case = if report.cases.iter().any(|c| c.id == row.case) {
            case_link(&row.case)
        } else {
            format!("<code>{}</code>", esc(&row.case))
        };
        let twin = match &row.twin {
            Some(twin) => format!("<span class=\"twin\">twin: {}</span>", esc(twin)),
            None => String::new(),
        };
        write!(out, "<tr><th scope=\"row\">{case}{twin}</th>")?;
        for (i, fault) in matrix.faults.iter().enumerate() {
            let Some(cell) = row.cells.get(i) else {
                // A short row is a malformed matrix: an empty cell keeps the columns aligned.
                write!(out, "<td></td>")?;
                continue;
            };
            let claimed = row.claimed.contains(&fault.name);
            write!(
                out,
                "<td class=\"{}{}\" title=\"{}: {}, {}{}\">{}</td>",
                kill_class(cell.kill),
                if claimed { " claimed" } else { "" },
                esc(&fault.name),
                cell.verdict,
                kill_words(cell.kill),
                if claimed { " (claimed)" } else { "" },
                esc(&kill_mark(cell.kill, claimed).to_string())
            )?;
        }
        writeln!(out, "</tr>")?;
    }
    write!(out, "</tbody>\n<tfoot><tr><th scope=\"row\">killed by</th>")?;
    for fault in &matrix.faults {
        write!(
            out,
            "<td title=\"{}\">{}</td>",
            esc(&fault.killed_by.join(", ")),
            fault.killed_by.len()
        )?;
    }
    writeln!(out, "</tr></tfoot>\n</table></div>")?;
    if matrix.problems.is_empty() {
        writeln!(
            out,
            "<p class=\"ok\">Every fault is caught by at least one case, every case catches at least one fault, every claim holds.</p>"
        )?;
    } else {
        writeln!(out, "<h3>Problems</h3>\n<ul class=\"problems\">")?;
        for problem in &matrix.problems {
            writeln!(out, "<li>{}</li>", esc(problem))?;
        }
        writeln!(out, "</ul>")?;
    }
    if !matrix.review.is_empty() {
        let ids: Vec<String> = matrix
            .review
            .iter()
            .map(|id| format!("<code>{}</code>", esc(id)))
            .collect();
        writeln!(
            out,
            "<p class=\"muted\">Outside the matrix, REVIEW cases (a person judges what the wallet shows; no automated run can catch a fault with them): {}</p>",
            ids.join(", ")
        )?;
    }
    writeln!(out, "</section>")
}

fn badge(verdict: Verdict) -> String {
    format!(
        "<span class=\"badge {}\">{verdict}</span>",
        verdict_class(verdict)
    )
}

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Pass => "v-pass",
        Verdict::Fail => "v-fail",
        Verdict::Warning => "v-warning",
        Verdict::Skipped => "v-skipped",
        Verdict::Timeout => "v-timeout",
        Verdict::Error => "v-error",
        Verdict::Review => "v-review",
    }
}

/// The result badge takes the colour of the verdict the exit code stands for.
fn result_class(exit_code: u8) -> &'static str {
    match exit_code {
        0 => "v-pass",
        1 => "v-fail",
        2 => "v-error",
        _ => "v-skipped",
    }
}

fn kill_class(kill: Kill) -> &'static str {
    match kill {
        Kill::Killed => "k-killed",
        Kill::WrongReason => "k-wrong",
        Kill::Survived => "k-survived",
        Kill::Broken => "k-broken",
    }
}

fn kill_words(kill: Kill) -> &'static str {
    match kill {
        Kill::Killed => "killed",
        Kill::WrongReason => "failed, but not for its own reason",
        Kill::Survived => "survived",
        Kill::Broken => "broken",
    }
}

fn case_link(id: &str) -> String {
    format!("<a href=\"#{}\"><code>{}</code></a>", anchor(id), esc(id))
}

/// The element id of a case's details: `case-` and the id, with every byte outside
/// `[A-Za-z0-9.-]` written as `_` and two hex digits. `_` is escaped too, which keeps the
/// mapping one-to-one: two case ids never share an element id.
fn anchor(case_id: &str) -> String {
    let mut out = String::from("case-");
    for byte in case_id.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-' {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "_{byte:02x}");
        }
    }
    out
}

/// Text as HTML, for element content and quoted attribute values alike. Control characters
/// other than line breaks and tabs have no business in a page and are shown as U+FFFD.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            '\r' => {}
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::report::fixture::{sample, HOSTILE};
    const HOSTILE_ESCAPED: &str =
        "&lt;script&gt;alert(1)&lt;/script&gt; | cell\nnext line ]]&gt; &amp; &quot;q&quot; &#39;a&#39;";

    /// The page from the opening tag of the element with `id` to the end of that element's
    /// kind (`</details>`, `</section>`).
    fn element<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
        let start = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no element {id}"));
        let len = html[start..].find(end).expect("the element ends");
        &html[start..start + len]
    }

    #[test]
    fn html_is_one_self_contained_page() {
        let html = render(&sample());
        assert!(html
            .starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"));
        assert!(html.ends_with("</body>\n</html>\n"));
        assert!(html.contains(
            "<title>qrconform: Ontology dAPI mobile: dApp back end — reference-dapp 1.2.3 — NOT CONFORMANT</title>"
        ));
        // Nothing is fetched from elsewhere.
        for outside in ["src=", "<link", "@import", "url(", "http://", "https://"] {
            assert!(!html.contains(outside), "{outside}");
        }
        assert_eq!(html.matches("<script>").count(), 1);
        // The filter needs the script; without it the form stays hidden.
        assert!(html.contains("<form id=\"filter\" class=\"filter\" hidden>"));
        for (open, close) in [
            ("<details", "</details>"),
            ("<section", "</section>"),
            ("<table", "</table>"),
            ("<pre>", "</pre>"),
        ] {
            assert_eq!(
                html.matches(open).count(),
                html.matches(close).count(),
                "{open}"
            );
        }
        assert_eq!(html, render(&sample()));
    }

    #[test]
    fn html_header_and_summary() {
        let html = render(&sample());
        let header = &html[html.find("<header>").unwrap()..html.find("</header>").unwrap()];
        assert!(header.contains("<h1>Ontology dAPI mobile: dApp back end</h1>"));
        assert!(header.contains("<strong>reference-dapp</strong> 1.2.3"));
        assert!(header.contains("<dd>ontology-dapi-mobile</dd>"));
        assert!(header.contains("<code>no-id-echo</code>, <code>reject-high-s</code>"));
        assert!(header.contains(
            "<span class=\"badge big v-fail\">NOT CONFORMANT</span> not conformant: a case failed"
        ));
        let summary = element(&html, "summary", "</section>");
        assert!(summary.contains(
            "aria-label=\"2 PASS, 2 FAIL, 1 WARNING, 1 SKIPPED, 1 TIMEOUT, 1 ERROR, 1 REVIEW\""
        ));
        assert!(summary
            .contains("<li><span class=\"badge v-review\">REVIEW</span> <strong>1</strong></li>"));
        assert!(summary.contains(
            "<li><span class=\"badge v-timeout\">TIMEOUT</span> <strong>1</strong></li>"
        ));
        assert!(summary.contains("<li>stale <strong>1</strong></li>"));
        assert!(html.contains(
            "<footer>qrconform 0.1.0 · vector set <code>sha256:vvvv</code> · catalogue <code>sha256:cccc</code> · total 61.005 s</footer>"
        ));
    }

    #[test]
    fn html_links_clauses_to_cases() {
        let html = render(&sample());
        let clauses = element(&html, "clauses", "</section>");
        assert!(clauses.contains(
            "<tr><td><code>ONT-L8</code></td><td>MUST</td><td><code>message</code>"
        ) || clauses.contains("<tr><td><code>ONT-L8</code></td><td>MUST</td><td>`message` MUST be one the dApp issued"));
        assert!(clauses.contains(
            "<td><span class=\"badge v-fail\">FAIL</span></td><td><a href=\"#case-login.expired\"><code>login.expired</code></a></td></tr>"
        ));
        assert!(html.contains(
            "<details class=\"case\" id=\"case-login.expired\" data-verdict=\"FAIL\" open>"
        ));
    }

    #[test]
    fn html_opens_with_what_needs_attention_then_the_kill_matrix() {
        let html = render(&sample());
        let at = |id: &str| html.find(&format!("<section id=\"{id}\"")).unwrap();
        assert!(at("attention") < at("summary"));
        assert!(at("summary") < at("kill-matrix"));
        assert!(at("kill-matrix") < at("clauses") && at("clauses") < at("cases"));
        let attention = element(&html, "attention", "</section>");
        // FAIL, TIMEOUT and ERROR are listed; PASS, WARNING and SKIPPED are not.
        for id in [
            "login.expired",
            "login.message.replay",
            "invoke.event.slow",
            "login.ontid.honest",
        ] {
            assert!(attention.contains(&format!("href=\"#case-{id}\"")), "{id}");
        }
        for id in ["login.signature.high-s", "invoke.source.missing"] {
            assert!(!attention.contains(&format!("href=\"#case-{id}\"")), "{id}");
        }
        // Each with its reason (escaped) and the full text of its clauses.
        assert!(attention.contains(HOSTILE_ESCAPED));
        assert!(attention.contains("<code>ONT-L8</code> <span class=\"label\">MUST</span> `message` MUST be one the dApp issued"));
        assert!(attention.contains("the replayed login was accepted"));
        assert!(attention.contains("<span class=\"tag\">expected failure</span>"));
        // What is not a case: the stale entry, the incomplete run, the matrix's problems.
        assert!(attention.contains("Stale baseline entries"));
        assert!(attention.contains("no case kills the fault `accept-any-signature`"));
        // A run with nothing to act on says so.
        let mut clean = sample();
        clean.cases.retain(|c| c.verdict == Verdict::Pass);
        clean.baseline = None;
        clean.kill_matrix = None;
        clean.summary.incomplete.clear();
        let clean = render(&clean);
        let attention = element(&clean, "attention", "</section>");
        assert!(attention.contains("class=\"clear\"") && attention.contains("Nothing:"));
    }

    #[test]
    fn html_says_why_each_case_exists_and_reads_transcripts() {
        let html = render(&sample());
        let expired = element(&html, "case-login.expired", "</details>");
        assert!(expired.contains("<dt>Why</dt><dd>A MUST case: it checks ONT-L8 (MUST), which decide the seeds&#39; 001 §Login; 002 §1. Login. A negative case: its twin login.address.honest"));
        // A body that is not whole JSON (a raw line break in a string) is shown as sent.
        let honest = element(&html, "case-login.address.honest", "</details>");
        assert!(honest.contains("<figcaption>request</figcaption>"));

        let mut report = sample();
        let mut exchange = report.cases[0].transcript[1].clone();
        exchange.error = None;
        exchange.response = Some("node answered error 0 (SUCCESS)".into());
        let mut refused = exchange.clone();
        refused.response = Some("node error 45016 (GAS PRICE TOO LOW)".into());
        let mut received = exchange.clone();
        received.response = None;
        let mut scan = report.cases[0].transcript[0].clone();
        scan.url = "<wallet-driver>/scan".into();
        scan.response = Some("{\"outcome\":\"completed\"}".into());
        scan.request = Some(serde_json::json!({"action": "login", "note": HOSTILE}).to_string());
        report.cases[0].transcript = vec![exchange, refused, received, scan];
        let html = render(&report);
        let honest = element(&html, "case-login.address.honest", "</details>");
        assert!(!honest.contains("no HTTP status"), "{honest}");
        assert!(honest.contains("<span class=\"label\">node: accepted</span>"));
        assert!(honest.contains("<span class=\"label\">node: refused (error 45016)</span>"));
        assert!(honest.contains("<span class=\"label\">received by the harness</span>"));
        assert!(honest.contains("<span class=\"status\">200</span> <span class=\"label\">driver: scan reply (completed)</span>"));
        // A JSON body is pretty-printed, still escaped, its line break kept as JSON's `\n`.
        assert!(honest.contains(
            "<figcaption>request (JSON, pretty-printed)</figcaption><pre>{\n  &quot;action&quot;: &quot;login&quot;,\n  &quot;note&quot;: &quot;&lt;script&gt;"
        ), "{honest}");
        assert!(honest.contains("| cell\\nnext line"));
        assert!(!honest.contains("<script>"));
    }

    #[test]
    fn html_details_each_case() {
        let html = render(&sample());
        // A clean pass is folded; anything else, and a stale pass, is open.
        assert!(html.contains(
            "<details class=\"case\" id=\"case-login.address.honest\" data-verdict=\"PASS\">"
        ));
        assert!(html.contains(
            "<details class=\"case\" id=\"case-login.account.honest\" data-verdict=\"PASS\" open>"
        ));
        for verdict in VERDICTS {
            assert!(
                html.contains(&format!("data-verdict=\"{verdict}\"")),
                "{verdict}"
            );
        }
        let replay = element(&html, "case-login.message.replay", "</details>");
        assert!(replay.contains("<span class=\"tag\">expected failure</span>"));
        assert!(
            replay.contains("the baseline accepts this failure: replay protection ships in 2.4")
        );
        assert!(replay.contains("<dt>Level</dt><dd>MUST</dd>"));
        assert!(replay.contains("<dt>Reason</dt><dd>the replayed login was accepted</dd>"));
        assert!(replay.contains("<dt>Expected</dt><dd>the back end rejects the login"));
        assert!(replay.contains("<dt>Time</dt><dd>0.000 ms</dd>"));
        let stale = element(&html, "case-login.account.honest", "</details>");
        assert!(stale.contains("stale: the case now passes"));
        assert!(stale.contains("No HTTP exchange was recorded."));

        let honest = element(&html, "case-login.address.honest", "</details>");
        assert!(honest.contains("<h3>Transcript (2 exchanges)</h3>"));
        assert!(honest.contains(
            "<li class=\"exchange by-harness\"><div class=\"ex-head\"><span class=\"who\">harness → peer</span> <code>POST</code> <code class=\"url\">&lt;dapp&gt;/login?x=&quot;&gt;&lt;script&gt;</code> <span class=\"status\">200</span></div>"
        ));
        assert!(honest.contains(
            "<span class=\"who\">peer → harness</span> <code>GET</code> <code class=\"url\">&lt;node&gt;/api/v1/smartcode/event/txhash/00</code> <span class=\"status-err\">error: timed out after 5 s</span>"
        ));
        assert!(honest.contains(&format!(
            "<figure><figcaption>response</figcaption><pre>TRANSCRIPT-BODY {HOSTILE_ESCAPED}</pre></figure>"
        )));
        assert!(honest.contains("<figcaption>response</figcaption><pre>node error 0</pre>"));
    }

    #[test]
    fn html_shows_the_baseline_and_the_kill_matrix() {
        let html = render(&sample());
        let baseline = element(&html, "baseline", "</section>");
        assert!(baseline.contains("<code>baseline.toml</code>"));
        assert!(baseline.contains(
            "<tr><td><a href=\"#case-login.account.honest\"><code>login.account.honest</code></a></td><td><span class=\"tag stale\">stale</span>"
        ));

        let matrix = element(&html, "kill-matrix", "</section>");
        assert!(matrix.contains(&format!(
            "<th class=\"fault\" scope=\"col\" title=\"accept-any-signature: accepts any signature {HOSTILE_ESCAPED}\"><span>accept-any-signature</span></th>"
        )));
        assert!(matrix.contains(
            "<td class=\"k-killed claimed\" title=\"no-id-echo: FAIL, killed (claimed)\">K</td>"
        ));
        assert!(matrix.contains("<td class=\"k-wrong\" title=\"no-id-echo: FAIL, failed, but not for its own reason\">w</td>"));
        // A catch the catalogue does not claim.
        assert!(
            matrix.contains("<td class=\"k-killed\" title=\"reject-high-s: FAIL, killed\">k</td>")
        );
        assert!(matrix.contains("<td class=\"k-survived claimed\""));
        assert!(
            matrix.contains("<td class=\"k-broken\" title=\"reject-high-s: ERROR, broken\">!</td>")
        );
        assert!(matrix.contains("<span class=\"twin\">twin: login.address.honest</span>"));
        assert!(matrix.contains(
            "<tfoot><tr><th scope=\"row\">killed by</th><td title=\"login.address.honest\">1</td><td title=\"\">0</td><td title=\"login.signature.high-s\">1</td></tr></tfoot>"
        ));
        assert!(matrix.contains("<h3>Problems</h3>"));
        assert!(
            matrix.contains("<li>no case kills the fault `accept-any-signature` &lt;script&gt;")
        );

        let mut report = sample();
        report.baseline = None;
        report.kill_matrix.as_mut().unwrap().problems.clear();
        let html = render(&report);
        assert!(!html.contains("id=\"baseline\""));
        assert!(html.contains("every claim holds."));
        report.kill_matrix = None;
        assert!(!render(&report).contains("kill-matrix"));
    }

    #[test]
    fn html_keeps_hostile_text_inert() {
        let mut report = sample();
        report.cases[2].id = "odd id\"><img onerror=x>/é_".into();
        report.clauses[3].cases = vec![report.cases[2].id.clone()];
        report.cases[2].title = "</summary></details><script>alert(2)</script>\u{0}".into();
        let html = render(&report);
        // The page's one script is its own.
        assert_eq!(html.matches("<script").count(), 1);
        assert!(!html.contains("<img"));
        assert!(!html.contains("alert(1)</script>"));
        assert!(!html.contains('\u{0}'));
        assert!(html.contains(&format!("<dt>Reason</dt><dd>{HOSTILE_ESCAPED}</dd>")));
        let id = "case-odd_20id_22_3e_3cimg_20onerror_3dx_3e_2f_c3_a9_5f";
        assert!(html.contains(&format!("<details class=\"case\" id=\"{id}\"")));
        assert!(html.contains(&format!("<a href=\"#{id}\"><code>odd id&quot;&gt;&lt;img")));
        assert_eq!(
            html.matches("<details").count(),
            html.matches("</details>").count()
        );
        // Ids stay one-to-one.
        assert_ne!(anchor("a b"), anchor("a_20b"));
        assert!(anchor("x y.z-Q_")
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)));
    }
}
