//! Peer text made safe to print: what a peer under test sends (a reply body, a reason, a
//! path) reaches the terminal of the person running the harness, where control characters
//! and escape sequences would act (OSC 52 writes the clipboard, CSI clears the screen, a
//! newline forges a `test result: ok` line). Everything printed from a peer goes through
//! [`escape_controls`], which shows such characters as `\u{…}` escapes instead (H-5).

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character (C0 including newline and tab, DEL, C1) and every
/// bidirectional-override or invisible formatting character written as a visible `\u{…}`
/// escape; a backslash stays as it is. Borrowed when nothing needs escaping.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`escape_controls`] line by line: line breaks are kept, for a message of several lines
/// of the harness's own (a TOML error with its caret diagram) that may quote a peer.
pub fn escape_controls_in_lines(text: &str) -> String {
    text.split('\n')
        .map(escape_controls)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Control characters, and the format characters that reorder or hide text on a terminal
/// (bidirectional overrides and isolates, zero-width characters, the byte-order mark).
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_line_breaks_are_shown_not_acted_on() {
        let osc52 = "ok\u{1b}]52;c;aGk=\u{7}\ntest result: ok. 1 passed\r\u{9b}2J\u{202e}x";
        let shown = escape_controls(osc52);
        assert_eq!(
            shown,
            "ok\\u{1b}]52;c;aGk=\\u{7}\\u{a}test result: ok. 1 passed\\u{d}\\u{9b}2J\\u{202e}x"
        );
        assert!(!shown.chars().any(needs_escape));
        assert_eq!(
            escape_controls_in_lines("line 1\n\u{1b}[2Jline 2"),
            "line 1\n\\u{1b}[2Jline 2"
        );
        // Plain text, accents and a backslash pass unchanged, without a copy.
        assert!(matches!(
            escape_controls("café \\ 测试"),
            Cow::Borrowed("café \\ 测试")
        ));
    }
}
