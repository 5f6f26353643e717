//! `qrconform qr`: decode, encode and render the text of dAPI-mobile and SimpleWallet QR
//! codes.
//!
//! The codecs themselves are [`crate::protocol::ontology::transport`] and
//! [`crate::protocol::simplewallet::messages`]; this module reads the input, picks the
//! protocol the text is in, prints the result and turns decoding errors into exit code 2.

use clap::{Subcommand, ValueEnum};
use qrcode::QrCode;
use serde_json::{json, Value};

use super::{parse_json, print_json, read_input, CliError, CmdResult, Verdict};
use crate::protocol::ontology::transport::{self, QrForm};
use crate::protocol::simplewallet::messages as sw;
use crate::render::{self, render_svg};

#[derive(Debug, Subcommand)]
pub enum QrCommand {
    /// Decode QR text into its form, its quirks and the request it carries.
    ///
    /// Accepts plain JSON (ONT-T1), `ontprovider://ont.io?param=…` and `?params=…` deep links
    /// (ONT-T2) and http(s) URLs (ONT-T3, returned as the "message" string, not fetched).
    /// Prints `{"form": "json|deeplink|webview|url", "quirks": [...], "message": ...}`;
    /// each quirk (a tolerated deviation from the documented encoding) is also named as a
    /// warning on standard error. Exits 2 when the text is not decodable.
    ///
    /// SimpleWallet text (a `simplewallet://eos.io?param=…` deep link, spaces as `+` or
    /// `%20`, or JSON with a `protocol` member, SW-T1, SW-T2) prints
    /// `{"protocol": "simplewallet", "form": "json|deeplink", "quirks": [...], "request": ...}`
    /// with the request in its documented field names.
    Decode {
        /// The QR text; `-` or nothing reads it from standard input (one trailing newline
        /// is dropped).
        #[arg(value_name = "TEXT|-")]
        text: Option<String>,
    },
    /// Encode a JSON request as QR text, in exactly the documented encoding.
    ///
    /// `deeplink` and `webview` give `ontprovider://ont.io?param=` (or `params=`) followed by
    /// standard padded Base64 of encodeURIComponent(compact JSON). With `--protocol
    /// simplewallet`, the request is checked as a SimpleWallet request first; `json` gives
    /// its compact JSON and `deeplink` `simplewallet://eos.io?param=` followed by
    /// encodeURIComponent(compact JSON) (SW-T1).
    Encode {
        /// The form of the QR text to produce.
        #[arg(long, value_enum)]
        form: EncodeForm,
        /// The protocol the request is in.
        #[arg(long, value_enum, default_value_t = QrProtocol::Ontology)]
        protocol: QrProtocol,
        /// A file holding the JSON request object; `-` or nothing reads standard input.
        #[arg(value_name = "FILE|-")]
        file: Option<String>,
    },
    /// Draw QR text as a scannable QR code.
    ///
    /// Error correction level M, or L when the text only fits at L.
    Render {
        /// A file holding the QR text; `-` or nothing reads standard input (one trailing
        /// newline is dropped).
        #[arg(value_name = "FILE|-")]
        file: Option<String>,
        /// Where the code is meant to be seen.
        #[arg(long, value_enum, default_value_t = RenderFormat::Terminal)]
        format: RenderFormat,
    },
}

/// The forms `qr encode` produces from a JSON request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EncodeForm {
    /// The compact JSON text itself (what dApps put in QR codes).
    Json,
    /// `ontprovider://ont.io?param=<base64>` (wake-up deep link).
    Deeplink,
    /// `ontprovider://ont.io?params=<base64>` (in-wallet WebView message).
    Webview,
}

impl From<EncodeForm> for QrForm {
    fn from(form: EncodeForm) -> QrForm {
        match form {
            EncodeForm::Json => QrForm::Json,
            EncodeForm::Deeplink => QrForm::DeepLink,
            EncodeForm::Webview => QrForm::Webview,
        }
    }
}

/// The protocols `qr encode` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QrProtocol {
    /// Ontology dAPI mobile.
    Ontology,
    /// SimpleWallet (EOS, with the MYKEY extensions).
    Simplewallet,
}

/// How `qr render` draws the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RenderFormat {
    /// Unicode half blocks with ANSI colours forcing black modules on white, so the code
    /// scans on dark- and light-themed terminals alike.
    Terminal,
    /// A standalone SVG document.
    Svg,
}

/// Runs a `qr` subcommand.
pub fn run(cmd: QrCommand) -> CmdResult {
    match cmd {
        QrCommand::Decode { text } => decode(text),
        QrCommand::Encode {
            form,
            protocol: QrProtocol::Simplewallet,
            file,
        } => encode_simplewallet(form, file),
        QrCommand::Encode { form, file, .. } => encode(form.into(), file),
        QrCommand::Render { file, format } => render(file, format),
    }
}

fn decode(text: Option<String>) -> CmdResult {
    let text = match text.as_deref() {
        None | Some("-") => without_trailing_newline(read_input(None)?),
        Some(text) => text.to_string(),
    };
    if is_simplewallet(&text) {
        return decode_simplewallet(&text);
    }
    let decoded = transport::decode(&text).map_err(|e| {
        // A file's name given where the text belongs is the usual slip: say how to read it.
        let hint = if std::path::Path::new(text.trim()).is_file() {
            format!(
                " (`{}` is a file: give its text, or read it with `qrconform qr decode - < FILE`)",
                crate::escape::escape_controls(text.trim())
            )
        } else {
            String::new()
        };
        CliError::new(format!("{e}{hint}"))
    })?;
    for quirk in &decoded.quirks {
        eprintln!("qrconform: warning: {quirk}: {}", quirk.description());
    }
    let quirks: Vec<&str> = decoded.quirks.iter().map(|q| q.name()).collect();
    print_json(&json!({
        "form": decoded.form.name(),
        "quirks": quirks,
        "message": decoded.message,
    }));
    Ok(Verdict::Positive)
}

/// Whether QR text is SimpleWallet's: its deep-link scheme, or a JSON object naming a
/// `protocol` (Ontology requests have none, SW-T2).
fn is_simplewallet(text: &str) -> bool {
    const SCHEME: &str = "simplewallet:";
    let text = text.trim();
    if text
        .get(..SCHEME.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(SCHEME))
    {
        return true;
    }
    text.len() <= sw::MAX_TEXT_BYTES
        && serde_json::from_str::<Value>(text).is_ok_and(|v| v.get("protocol").is_some())
}

fn decode_simplewallet(text: &str) -> CmdResult {
    let form = if text.trim_start().starts_with('{') {
        "json"
    } else {
        "deeplink"
    };
    let (request, quirks) = sw::Request::from_qr_text_with_quirks(text)
        .map_err(|e| CliError::new(format!("not a SimpleWallet request: {e}")))?;
    let quirks: Vec<String> = quirks.iter().map(sw::Quirk::describe).collect();
    for quirk in &quirks {
        eprintln!("qrconform: warning: the request {quirk}");
    }
    print_json(&json!({
        "protocol": "simplewallet",
        "form": form,
        "quirks": quirks,
        "request": request.to_json(),
    }));
    Ok(Verdict::Positive)
}

fn encode_simplewallet(form: EncodeForm, file: Option<String>) -> CmdResult {
    let name = input_name(file.as_deref());
    let text = read_input(file.as_deref())?;
    let (request, quirks) = sw::Request::from_json_with_quirks(text.trim())
        .map_err(|e| CliError::new(format!("{name} is not a SimpleWallet request: {e}")))?;
    for quirk in &quirks {
        eprintln!(
            "qrconform: warning: the request {}; the output writes the documented form",
            quirk.describe()
        );
    }
    match form {
        EncodeForm::Json => println!("{}", request.to_json_text()),
        EncodeForm::Deeplink => println!("{}", request.to_deep_link()),
        EncodeForm::Webview => {
            return Err(CliError::new(
                "SimpleWallet has no webview form; use --form json or --form deeplink",
            ))
        }
    }
    Ok(Verdict::Positive)
}

fn encode(form: QrForm, file: Option<String>) -> CmdResult {
    let name = input_name(file.as_deref());
    let message: Value = parse_json(&name, &read_input(file.as_deref())?)?;
    let text = transport::encode(&message, form)
        .map_err(|e| CliError::new(format!("cannot encode {name}: {e}")))?;
    println!("{text}");
    Ok(Verdict::Positive)
}

fn render(file: Option<String>, format: RenderFormat) -> CmdResult {
    let text = without_trailing_newline(read_input(file.as_deref())?);
    let code = build_code(&text)?;
    match format {
        RenderFormat::Terminal => print!(
            "{}",
            render::render_terminal_styled(&code, crate::harness::run::qr_drawing_coloured())
        ),
        RenderFormat::Svg => println!("{}", render_svg(&code)),
    }
    Ok(Verdict::Positive)
}

/// How [`read_input`] names its source in messages.
fn input_name(file: Option<&str>) -> String {
    match file {
        None | Some("-") => "standard input".to_string(),
        Some(path) => format!("input file `{path}`"),
    }
}

/// Drops the one newline `echo` and editors leave at the end of a file; anything more is
/// part of the text (and `decode` reports it as a quirk).
fn without_trailing_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    text
}

fn build_code(text: &str) -> Result<QrCode, CliError> {
    render::build_code(text).map_err(CliError::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{render_terminal, MAX_QR_BYTES, QUIET_ZONE};

    #[test]
    fn simplewallet_text_is_told_from_ontology_text() {
        assert!(is_simplewallet("simplewallet://eos.io?param=%7B%7D"));
        assert!(is_simplewallet("SimpleWallet://eos.io?param=x"));
        assert!(is_simplewallet(r#" {"protocol":"SimpleWallet"}"#));
        assert!(is_simplewallet(r#"{"protocol":"OtherWallet"}"#));
        assert!(!is_simplewallet(r#"{"action":"login","params":{}}"#));
        assert!(!is_simplewallet("ontprovider://ont.io?param=e30="));
        assert!(!is_simplewallet("not json"));
    }

    #[test]
    fn both_space_encodings_of_a_simplewallet_deep_link_decode_alike() {
        let json = r#"{"protocol":"SimpleWallet","version":"1.0","action":"sign","message":"a b","notifyUrl":"http://d/s"}"#;
        let (request, _) = sw::Request::from_json_with_quirks(json).unwrap();
        let link = request.to_deep_link();
        assert!(link.contains("a%20b"), "{link}");
        let plus = link.replace("a%20b", "a+b");
        for text in [&link, &plus] {
            assert!(is_simplewallet(text));
            let (decoded, _) = sw::Request::from_qr_text_with_quirks(text).unwrap();
            assert_eq!(decoded, request, "{text}");
        }
    }

    #[test]
    fn trailing_newline_is_trimmed_once() {
        assert_eq!(without_trailing_newline("abc\n".into()), "abc");
        assert_eq!(without_trailing_newline("abc\r\n".into()), "abc");
        assert_eq!(without_trailing_newline("abc\n\n".into()), "abc\n");
        assert_eq!(without_trailing_newline("abc".into()), "abc");
    }

    #[test]
    fn terminal_rendering_has_two_rows_per_line_and_a_quiet_zone() {
        let code = build_code("{}").unwrap();
        let side = code.width() + 2 * QUIET_ZONE;
        let text = render_terminal(&code);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), side.div_ceil(2));
        for line in &lines {
            let cells = line
                .trim_start_matches("\x1b[30;47m")
                .trim_end_matches("\x1b[0m");
            assert_eq!(cells.chars().count(), side);
        }
        // The first two lines are all quiet zone; the finder pattern's top edge follows.
        assert!(lines[0].contains(&" ".repeat(side)));
        assert!(lines[2].contains('▄') || lines[2].contains('█'));
    }

    #[test]
    fn svg_is_a_standalone_document() {
        let svg = render_svg(&build_code("https://dapp.example/q").unwrap());
        assert!(svg.starts_with("<?xml"));
        assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn too_long_text_is_an_input_error() {
        let Err(err) = build_code(&"~".repeat(MAX_QR_BYTES + 1)) else {
            panic!("a text over {MAX_QR_BYTES} bytes rendered");
        };
        assert!(err.to_string().contains("does not fit"), "{err}");
        assert!(build_code(&"~".repeat(MAX_QR_BYTES)).is_ok());
        assert!(build_code("").is_err());
    }
}
