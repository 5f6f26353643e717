//! `qrconform ontology …`: keys, addresses, signing and verification as an integrator uses
//! them to answer "why does my back end reject this login?".

use clap::{Args, Subcommand};
use serde_json::json;

use super::{parse_json, print_json, read_input, CliError, CmdResult, Verdict};
use crate::protocol::ontology::crypto::{
    message_bytes, sign, verify, Address, KeyError, OntId, OntSignature, PrivateKey, PublicKey,
    VerifyError,
};
use crate::protocol::ontology::invoke;
use crate::protocol::ontology::tx::{Payload, Transaction, TxType};

#[derive(Debug, Subcommand)]
pub enum OntologyCommand {
    /// Generate a key pair and print {privateKey, publicKey, address, ontid, wif} as JSON.
    Keygen {
        /// Derive the key from this text instead of the operating system's randomness;
        /// the same seed always gives the same key.
        #[arg(long, value_name = "TEXT")]
        seed: Option<String>,
    },
    /// Print the base58 address of a compressed public key.
    Address {
        /// 33-byte compressed P-256 public key, hex.
        #[arg(long, value_name = "HEX")]
        public_key: String,
    },
    /// Sign a message as a wallet does for login and signMessage (SHA-256, RFC 6979, low S,
    /// 65-byte 01‖r‖s) and print the signature hex.
    Sign {
        /// Private key: 64 hex characters, or WIF.
        #[arg(long, value_name = "HEX|WIF")]
        private_key: String,
        #[command(flatten)]
        message: MessageArg,
    },
    /// Verify a signature as a dApp back end must (65- or 64-byte, high S accepted).
    /// Prints `valid` (exit 0) or `invalid: <reason>` (exit 1).
    Verify {
        /// 33-byte compressed P-256 public key, hex.
        #[arg(long, value_name = "HEX")]
        public_key: String,
        /// Signature hex as the callback carries it.
        #[arg(long, value_name = "HEX")]
        signature: String,
        #[command(flatten)]
        message: MessageArg,
    },
    /// Decode, hash and build transactions.
    #[command(subcommand)]
    Tx(TxCommand),
}

#[derive(Debug, Subcommand)]
pub enum TxCommand {
    /// Decode a transaction: header, payer, display hash, the call its script performs
    /// (NeoVM or native form, either SDK's integer encoding) and its signatures, each
    /// verified. Exits 1 when the payer's signature does not verify.
    Decode {
        /// Transaction hex (signed or unsigned form), or `-` to read it from standard input.
        #[arg(value_name = "HEX|-")]
        tx: String,
    },
    /// Print a transaction's hash in display order (the form nodes and callbacks use).
    Hash {
        /// Transaction hex, or `-` to read it from standard input.
        #[arg(value_name = "HEX|-")]
        tx: String,
    },
    /// Build and sign the transaction a wallet makes from an invokeConfig: placeholders
    /// substituted, payer defaulted to the key's address, Java-SDK script encoding,
    /// signed by the payer. Prints the signed transaction hex.
    Build {
        /// JSON file with an `invokeConfig` object, or the whole qrcodeUrl payload that
        /// holds one under `params`; `-` for standard input.
        #[arg(long, value_name = "FILE|-")]
        config: String,
        /// The wallet's private key (64 hex characters or WIF); it must be the payer's.
        #[arg(long, value_name = "HEX|WIF")]
        private_key: String,
        /// The transaction nonce; random when absent.
        #[arg(long, value_name = "N")]
        nonce: Option<u32>,
    },
}

/// The signed message: text (UTF-8 bytes are signed) or hex (the decoded bytes are signed,
/// as with `ishex: true`).
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct MessageArg {
    /// The message text; its UTF-8 bytes are signed.
    #[arg(long, value_name = "TEXT")]
    message: Option<String>,
    /// The message as hex (`ishex: true`); the decoded bytes are signed.
    #[arg(long, value_name = "HEX")]
    message_hex: Option<String>,
}

impl MessageArg {
    fn bytes(&self) -> Result<Vec<u8>, CliError> {
        match (&self.message, &self.message_hex) {
            (Some(text), _) => Ok(text.as_bytes().to_vec()),
            (None, Some(hex_text)) => message_bytes(hex_text, true)
                .map_err(|e| CliError::new(format!("--message-hex `{hex_text}`: {e}"))),
            (None, None) => Err(CliError::new("give --message or --message-hex")),
        }
    }
}

pub fn run(cmd: OntologyCommand) -> CmdResult {
    match cmd {
        OntologyCommand::Keygen { seed } => {
            let key = match seed {
                Some(seed) => PrivateKey::from_seed(&seed),
                None => super::random_key(|bytes| PrivateKey::from_bytes(bytes))?,
            };
            let public = key.public_key();
            let address = Address::from_public_key(&public);
            print_json(&json!({
                "privateKey": key.to_hex(),
                "publicKey": public.to_hex(),
                "address": address.to_base58(),
                "ontid": OntId(address).to_string(),
                "wif": key.to_wif(),
            }));
            Ok(Verdict::Positive)
        }
        OntologyCommand::Address { public_key } => {
            let key = parse_public_key(&public_key)?;
            println!("{}", Address::from_public_key(&key).to_base58());
            Ok(Verdict::Positive)
        }
        OntologyCommand::Sign {
            private_key,
            message,
        } => {
            let key = parse_private_key(&private_key)?;
            println!("{}", sign(&key, &message.bytes()?).to_hex());
            Ok(Verdict::Positive)
        }
        OntologyCommand::Verify {
            public_key,
            signature,
            message,
        } => {
            let key = parse_public_key(&public_key)?;
            let bytes = message.bytes()?;
            let signature_bytes = hex::decode(&signature).map_err(|e| {
                CliError::new(format!(
                    "--signature `{}` is not hex: {e}",
                    abbreviate(&signature)
                ))
            })?;
            let outcome = OntSignature::from_bytes(&signature_bytes)
                .map_err(VerifyError::Malformed)
                .and_then(|sig| verify(&key, &bytes, &sig).map(|()| sig));
            match outcome {
                Ok(sig) => {
                    // A valid signature can still miss a SHOULD; say so without failing.
                    let mut notes = Vec::new();
                    if !sig.is_low_s() {
                        notes.push("high S");
                    }
                    if sig.form == crate::protocol::ontology::crypto::SignatureForm::Plain {
                        notes.push("64-byte form without scheme byte");
                    }
                    if notes.is_empty() {
                        println!("valid");
                    } else {
                        println!("valid ({})", notes.join(", "));
                    }
                    Ok(Verdict::Positive)
                }
                Err(reason) => {
                    println!("invalid: {reason}");
                    Ok(Verdict::Negative)
                }
            }
        }
        OntologyCommand::Tx(cmd) => run_tx(cmd),
    }
}

fn run_tx(cmd: TxCommand) -> CmdResult {
    match cmd {
        TxCommand::Decode { tx } => {
            let tx = read_transaction(&tx)?;
            print_json(&describe_transaction(&tx));
            // The decoding is the output either way; the exit code is the verdict on the
            // signatures, as for `verify` (exit 1 when the payer's signature does not hold).
            Ok(if tx.check_payer_signed().is_ok() {
                Verdict::Positive
            } else {
                Verdict::Negative
            })
        }
        TxCommand::Hash { tx } => {
            println!("{}", read_transaction(&tx)?.display_hash());
            Ok(Verdict::Positive)
        }
        TxCommand::Build {
            config,
            private_key,
            nonce,
        } => {
            let key = parse_private_key(&private_key)?;
            let name = if config == "-" {
                "standard input".to_string()
            } else {
                format!("--config `{config}`")
            };
            let document = parse_json(&name, &read_input(Some(&config))?)?;
            let invoke_config = document
                .pointer("/params/invokeConfig")
                .or_else(|| document.get("invokeConfig"))
                .unwrap_or(&document);
            let address = Address::from_public_key(&key.public_key());
            let ontid = OntId(address).to_string();
            // ONT-I4: placeholders are replaced before anything else reads the config.
            let substituted =
                invoke::substitute_placeholders(invoke_config, &address.to_base58(), &ontid);
            let call = invoke::parse_config(&substituted)
                .map_err(|e| CliError::new(format!("{name}: {e}")))?;
            // ONT-I5: a wallet pays only for itself.
            let payer = match call.payer {
                None => address,
                Some(payer) if payer == address => payer,
                Some(payer) => {
                    return Err(CliError::new(format!(
                        "{name}: payer {payer} is not the signing key's address {address}; a wallet refuses to pay for another account"
                    )))
                }
            };
            let nonce = match nonce {
                Some(nonce) => nonce,
                None => random_nonce()?,
            };
            let mut tx = Transaction {
                version: 0,
                tx_type: TxType::InvokeNeo,
                nonce,
                gas_price: call.gas_price,
                gas_limit: call.gas_limit,
                payer,
                payload: Payload::Invoke {
                    code: invoke::build_script(&call),
                },
                signatures: Vec::new(),
            };
            tx.sign_single(&key)
                .map_err(|e| CliError::new(format!("failed to sign the transaction: {e}")))?;
            println!("{}", tx.to_hex());
            Ok(Verdict::Positive)
        }
    }
}

fn read_transaction(source: &str) -> Result<Transaction, CliError> {
    let (name, text) = if source == "-" {
        ("standard input".to_string(), read_input(None)?)
    } else {
        (
            format!("transaction `{}`", abbreviate(source)),
            source.to_string(),
        )
    };
    Transaction::from_hex(text.trim()).map_err(|e| CliError::new(format!("{name}: {e}")))
}

/// The JSON `tx decode` prints.
fn describe_transaction(tx: &Transaction) -> serde_json::Value {
    let call = match &tx.payload {
        Payload::Invoke { code } => match invoke::decode_script(code) {
            Ok(call) => call.to_notation(),
            Err(e) => json!({ "error": e.to_string(), "code": hex::encode(code) }),
        },
        Payload::Deploy { .. } => json!(null),
    };
    let signatures: Vec<_> = tx
        .signatures
        .iter()
        .map(|sig| {
            json!({
                "publicKeys": sig.public_keys().map(|keys| keys.iter().map(PublicKey::to_hex).collect::<Vec<_>>()).unwrap_or_default(),
                "m": sig.m().ok(),
                "address": sig.address().to_base58(),
                "signatures": sig.invocation.iter().map(hex::encode).collect::<Vec<_>>(),
            })
        })
        .collect();
    let verification = match tx.check_payer_signed() {
        Ok(()) => "valid".to_string(),
        Err(e) => format!("invalid: {e}"),
    };
    let mut description = tx.header_json();
    description.insert("hash".into(), tx.display_hash().into());
    description.insert("invoke".into(), call);
    description.insert("signatures".into(), signatures.into());
    description.insert("verification".into(), verification.into());
    description.into()
}

fn random_nonce() -> Result<u32, CliError> {
    Ok(u32::from_le_bytes(super::os_random::<4>()?))
}

fn parse_public_key(text: &str) -> Result<PublicKey, CliError> {
    PublicKey::from_hex(text)
        .map_err(|e| CliError::new(format!("--public-key `{}`: {e}", abbreviate(text))))
}

/// An Ontology private key as the commands take it: 64 hex digits, else WIF.
pub(super) fn hex_or_wif(text: &str) -> Result<PrivateKey, KeyError> {
    let looks_hex = text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit());
    if looks_hex {
        PrivateKey::from_hex(text)
    } else {
        PrivateKey::from_wif(text)
    }
}

fn parse_private_key(text: &str) -> Result<PrivateKey, CliError> {
    // Never echo what may be a secret key back in full.
    hex_or_wif(text).map_err(|e| {
        CliError::new(format!(
            "--private-key ({} characters): {e}",
            text.chars().count()
        ))
    })
}

/// An input echoed in an error.
fn abbreviate(text: &str) -> String {
    super::abbreviate(text, 80)
}
