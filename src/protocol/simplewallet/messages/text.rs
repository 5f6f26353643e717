//! The text forms around the JSON: the `simplewallet://` deep link (SW-T1) and the exact
//! source text of a top-level JSON number, which serde_json's `Value` does not keep.

use super::{MessageError, DEEP_LINK_PREFIX};

/// The scheme and authority every SimpleWallet deep link starts with (`simplewallet://eos.io`).
const DEEP_LINK_ORIGIN: &str = "simplewallet://eos.io";

/// At most this many characters of untrusted text are quoted in an error message.
const QUOTED_CHARS: usize = 64;

/// Untrusted text as an error quotes it: JSON-style quotes, cut after [`QUOTED_CHARS`]
/// characters so a hostile megabyte does not become a megabyte of message.
pub(super) fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{:?}…", &text[..end]),
        None => format!("{text:?}"),
    }
}

/// Whether `text` is meant as a deep link rather than JSON: it starts with the scheme
/// `simplewallet:`, compared case-insensitively as URI schemes are. Whether the rest is a
/// well-formed link is [`deep_link_param`]'s question, so a wrong host gets a deep-link error
/// rather than "not JSON".
pub(super) fn is_deep_link(text: &str) -> bool {
    const SCHEME: &str = "simplewallet:";
    text.get(..SCHEME.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(SCHEME))
}

/// Whether `text` starts with `simplewallet://eos.io`, the scheme in any case.
fn has_deep_link_origin(text: &str) -> bool {
    text.get(..DEEP_LINK_ORIGIN.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(DEEP_LINK_ORIGIN))
}

/// The JSON text a deep link carries in its `param` query value (SW-T1).
///
/// The link is `simplewallet://eos.io`, an optional `/`, then a query holding `param`; other
/// query parameters are ignored (senders add their own). The value is form-decoded: `+` is
/// a space and `%XX` is a byte in either hex case; a `%` not followed by two hex digits, a
/// repeated `param`, or bytes that are not UTF-8 are errors.
pub(super) fn deep_link_param(link: &str) -> Result<String, MessageError> {
    let bad = |reason: String| MessageError::DeepLink { reason };
    if !has_deep_link_origin(link) {
        return Err(bad(format!(
            "{} does not start with `{DEEP_LINK_PREFIX}`",
            quoted(link)
        )));
    }
    let rest = &link[DEEP_LINK_ORIGIN.len()..];
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let query = rest.strip_prefix('?').ok_or_else(|| {
        bad(format!(
            "expected `?` after `{DEEP_LINK_ORIGIN}`, found {}",
            quoted(rest)
        ))
    })?;
    // A fragment is not part of the query.
    let query = query.split_once('#').map_or(query, |(query, _)| query);
    let mut found = None;
    for pair in query.split('&') {
        let Some(value) = pair.strip_prefix("param=") else {
            continue;
        };
        if found.is_some() {
            return Err(bad("the query has more than one `param`".to_owned()));
        }
        found = Some(value);
    }
    let value = found.ok_or_else(|| bad("the query has no `param`".to_owned()))?;
    let bytes = form_decode(value.as_bytes())?;
    String::from_utf8(bytes).map_err(|e| {
        bad(format!(
            "the decoded `param` is not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// `application/x-www-form-urlencoded` decoding of one value: `+` is a space, `%XX` a byte.
pub(super) fn form_decode(bytes: &[u8]) -> Result<Vec<u8>, MessageError> {
    let hex = |b: Option<&u8>| b.and_then(|&b| char::from(b).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(high), Some(low)) => {
                    // Two hex digits are below 256.
                    out.push((high * 16 + low) as u8);
                    i += 3;
                }
                _ => {
                    let end = (i + 3).min(bytes.len());
                    return Err(MessageError::DeepLink {
                        reason: format!(
                            "bad percent escape `{}` at offset {i} of `param`",
                            String::from_utf8_lossy(&bytes[i..end])
                        ),
                    });
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The source text of the last member named `wanted` of the top-level object in `json`.
///
/// `json` must already have parsed as JSON (the caller parsed it with serde_json first), so
/// this scanner only finds boundaries; it returns `None` for anything it does not expect
/// rather than guessing. The last member wins because serde_json keeps the last of
/// duplicated keys too. Nesting is tracked with a counter, never by recursion.
pub(super) fn top_level_member_text<'t>(json: &'t str, wanted: &str) -> Option<&'t str> {
    let bytes = json.as_bytes();
    let mut i = skip_whitespace(bytes, 0);
    if bytes.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    let mut found = None;
    loop {
        i = skip_whitespace(bytes, i);
        match bytes.get(i)? {
            b'}' => return found,
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let key_end = string_end(bytes, i)?;
        // Keys may hold escapes (`"\u0061mount"`); serde_json reads them as it did before.
        let key: String = serde_json::from_str(json.get(i..key_end)?).ok()?;
        i = skip_whitespace(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        i = skip_whitespace(bytes, i + 1);
        let value_end = value_end(bytes, i)?;
        if key == wanted {
            found = Some(json.get(i..value_end)?);
        }
        i = value_end;
    }
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while bytes
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// The index just past the string starting at `bytes[start] == b'"'`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The index just past the JSON value starting at `bytes[start]`.
fn value_end(bytes: &[u8], start: usize) -> Option<usize> {
    match bytes.get(start)? {
        b'"' => string_end(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = start;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}
