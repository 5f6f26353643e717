//! `qrconform schema`: list the embedded JSON Schemas and validate messages against them.
//!
//! `validate` prints `valid` (exit 0) or one `<instance path>: <message>` line per violation
//! (exit 1); an unknown kind, an unreadable input or text that is not JSON is an input error
//! (exit 2) naming what was wrong.

use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use super::{parse_json, print_json, read_input, CliError, CmdResult, Verdict};
use crate::schema;

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// List every message kind that has a schema, with the schema's title.
    List(ListArgs),
    /// Validate one JSON message against the schema of its kind.
    ///
    /// Prints `valid` and exits 0 when the message conforms; otherwise prints one line per
    /// violation, `<JSON pointer>: <what is wrong>`, and exits 1. A missing required member
    /// is reported at the pointer where it belongs. `(root)` stands for the whole message.
    #[command(after_help = "Exit codes: 0 valid, 1 invalid, 2 unknown kind or unreadable input.")]
    Validate(ValidateArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format: `text` prints `<kind>  <title>` per line; `json` prints an array of
    /// `{name, title, description, id}` objects.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// How `schema list` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One line per kind.
    Text,
    /// A JSON array.
    Json,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Message kind to validate against, for example `login.request` or `node.event`
    /// (`qrconform schema list` shows them all).
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// JSON file to validate; `-` or nothing reads standard input.
    #[arg(value_name = "FILE|-")]
    pub input: Option<String>,
}

/// Runs a `schema` subcommand.
pub fn run(cmd: SchemaCommand) -> CmdResult {
    match cmd {
        SchemaCommand::List(args) => list(&args),
        SchemaCommand::Validate(args) => validate(&args),
    }
}

fn list(args: &ListArgs) -> CmdResult {
    let kinds = schema::kinds();
    match args.format {
        ListFormat::Text => {
            let width = kinds.iter().map(|k| k.name.len()).max().unwrap_or(0);
            for kind in kinds {
                println!("{:width$}  {}", kind.name, kind.title);
            }
        }
        ListFormat::Json => {
            let listing: Vec<_> = kinds
                .iter()
                .map(|k| {
                    json!({
                        "name": k.name,
                        "title": k.title,
                        "description": k.description,
                        "id": k.id,
                    })
                })
                .collect();
            print_json(&listing.into());
        }
    }
    Ok(Verdict::Positive)
}

fn validate(args: &ValidateArgs) -> CmdResult {
    // Check the kind before reading anything, so a typo does not wait on standard input.
    if schema::schema_text(&args.kind).is_none() {
        return Err(CliError::new(format!(
            "unknown message kind `{}` given to --kind; known kinds: {}",
            args.kind,
            schema::kind_names().join(", ")
        )));
    }
    let name = match args.input.as_deref() {
        None | Some("-") => "standard input".to_string(),
        Some(path) => format!("input file `{path}`"),
    };
    let text = read_input(args.input.as_deref())?;
    let instance = parse_json(&name, &text)?;
    let violations =
        schema::validate(&args.kind, &instance).map_err(|e| CliError::new(e.to_string()))?;
    if violations.is_empty() {
        println!("valid");
        return Ok(Verdict::Positive);
    }
    for violation in &violations {
        let path = if violation.instance_path.is_empty() {
            "(root)"
        } else {
            &violation.instance_path
        };
        println!("{path}: {}", violation.message);
    }
    Ok(Verdict::Negative)
}
