//! `qrconform eos …`: EOS keys, `SIG_K1_` signing, verification and key recovery, as an
//! integrator uses them to answer "why does my back end reject this SimpleWallet login?"
//! (profile SW-L3, SW-S1).
//!
//! Every command accepts both key forms (legacy WIF or `PVT_K1_`; `EOS…` or `PUB_K1_`) and
//! signs or checks exactly what eosjs-ecc 4.0.7 does: one SHA-256 of the message bytes, or a
//! 32-byte digest given as is.

use clap::{Args, Subcommand};
use serde_json::json;

use super::{print_json, CliError, CmdResult, Verdict};
use crate::protocol::simplewallet::crypto::{
    sha256, CryptoError, PrivateKey, PublicKey, Signature,
};

#[derive(Debug, Subcommand)]
pub enum EosCommand {
    /// Generate a key pair and print {privateKey, pvtK1, publicKey, pubK1} as JSON: the
    /// legacy WIF and `PVT_K1_` forms of the private key, the `EOS…` and `PUB_K1_` forms of
    /// the public key.
    ///
    /// Example: qrconform eos keygen --seed alice
    Keygen {
        /// Derive the key as eosjs-ecc `seedPrivate` does (the scalar is SHA-256 of the text)
        /// instead of drawing it from the operating system's randomness; the same seed always
        /// gives the same key.
        #[arg(long, value_name = "TEXT")]
        seed: Option<String>,
    },
    /// Print the public key of a private key (`EOS…`, or `PUB_K1_…` with --pub-k1).
    ///
    /// Example: qrconform eos public-key --wif 5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3
    PublicKey {
        /// Private key: legacy WIF (`5…`) or `PVT_K1_…`.
        #[arg(long, value_name = "WIF")]
        wif: String,
        /// Print the `PUB_K1_…` form instead of `EOS…`.
        #[arg(long)]
        pub_k1: bool,
    },
    /// Sign as a SimpleWallet wallet does for login and sign (eosjs-ecc 4.0.7 `ecc.sign`:
    /// SHA-256 once, RFC 6979 with the retry nonces, canonical low S) and print the
    /// `SIG_K1_…` signature, byte-identical to eosjs-ecc's.
    ///
    /// Example: qrconform eos sign --wif 5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3
    /// --message 1546613919testaccount1e9467118-9321-4916-8153-4a5a9087e51eMockWallet
    Sign {
        /// Private key: legacy WIF (`5…`) or `PVT_K1_…`.
        #[arg(long, value_name = "WIF")]
        wif: String,
        #[command(flatten)]
        message: SignedArg,
    },
    /// Verify a signature as a dApp back end does (eosjs-ecc `ecc.verify`). Prints `valid`
    /// (exit 0) or `invalid: <reason>` (exit 1). A valid signature that EOS nodes would refuse
    /// as not canonical (high S, short r or s) is `valid (not canonical…)`, or invalid with
    /// --strict.
    ///
    /// Example (a real MYKEY login, profile SW-L3):
    /// qrconform eos verify --public-key EOS6XmD7NK12LnmtXHtdnReTYbgRV1JPeo1M1BQvrHgnz6J1nNCFZ
    /// --signature SIG_K1_KcMxF6rNee2jsM9fge5CZWiENU4j6YLsHgKHD7n9TWvvhLSBtHE8rHV641sVdrw3JRcvCjBtGPRBHSBxzMubzw8DYVnk2e
    /// --message 1606900362mykeydocteste9467118-9321-4916-8153-4a5a9087e51emykeyE87E3CC788C44BB8544003AF6CEB62E8
    Verify {
        /// Public key: `EOS…` or `PUB_K1_…`.
        #[arg(long, value_name = "KEY")]
        public_key: String,
        /// The `SIG_K1_…` signature as the login POST carries it.
        #[arg(long, value_name = "SIG")]
        signature: String,
        #[command(flatten)]
        message: SignedArg,
        /// Also require the canonical form EOS nodes enforce (SW-L3).
        #[arg(long)]
        strict: bool,
    },
    /// Recover the public key that made a signature (eosjs-ecc `ecc.recover`) and print it
    /// (`EOS…`, or `PUB_K1_…` with --pub-k1).
    ///
    /// Example (prints EOS6XmD7NK12LnmtXHtdnReTYbgRV1JPeo1M1BQvrHgnz6J1nNCFZ):
    /// qrconform eos recover
    /// --signature SIG_K1_KcMxF6rNee2jsM9fge5CZWiENU4j6YLsHgKHD7n9TWvvhLSBtHE8rHV641sVdrw3JRcvCjBtGPRBHSBxzMubzw8DYVnk2e
    /// --message 1606900362mykeydocteste9467118-9321-4916-8153-4a5a9087e51emykeyE87E3CC788C44BB8544003AF6CEB62E8
    Recover {
        /// The `SIG_K1_…` signature.
        #[arg(long, value_name = "SIG")]
        signature: String,
        #[command(flatten)]
        message: SignedArg,
        /// Print the `PUB_K1_…` form instead of `EOS…`.
        #[arg(long)]
        pub_k1: bool,
    },
}

/// What is signed: a message (its SHA-256 is the digest) or the 32-byte digest itself.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct SignedArg {
    /// The message text; the SHA-256 of its UTF-8 bytes is signed.
    #[arg(long, value_name = "TEXT")]
    message: Option<String>,
    /// The message as hex; the SHA-256 of the decoded bytes is signed.
    #[arg(long, value_name = "HEX")]
    message_hex: Option<String>,
    /// The 32-byte digest as 64 hex characters, signed as is (eosjs-ecc `signHash`).
    #[arg(long, value_name = "HEX")]
    digest: Option<String>,
}

impl SignedArg {
    /// The 32 bytes the signature covers.
    fn digest(&self) -> Result<[u8; 32], CliError> {
        if let Some(text) = &self.message {
            return Ok(sha256(text.as_bytes()));
        }
        if let Some(hex_text) = &self.message_hex {
            let bytes = hex::decode(hex_text).map_err(|e| {
                CliError::new(format!(
                    "--message-hex `{}` is not hex: {e}",
                    abbreviate(hex_text)
                ))
            })?;
            return Ok(sha256(&bytes));
        }
        if let Some(hex_text) = &self.digest {
            let bytes = hex::decode(hex_text).map_err(|e| {
                CliError::new(format!(
                    "--digest `{}` is not hex: {e}",
                    abbreviate(hex_text)
                ))
            })?;
            return <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
                CliError::new(format!(
                    "--digest `{}` is {} bytes, not 32",
                    abbreviate(hex_text),
                    bytes.len()
                ))
            });
        }
        Err(CliError::new("give --message, --message-hex or --digest"))
    }
}

pub fn run(cmd: EosCommand) -> CmdResult {
    match cmd {
        EosCommand::Keygen { seed } => {
            let key = match seed {
                Some(seed) => PrivateKey::from_seed(&seed),
                None => super::random_key(PrivateKey::from_bytes)?,
            };
            print_json(&keygen_json(&key));
            Ok(Verdict::Positive)
        }
        EosCommand::PublicKey { wif, pub_k1 } => {
            let key = parse_private_key(&wif)?;
            println!("{}", key_text(&key.public_key(), pub_k1));
            Ok(Verdict::Positive)
        }
        EosCommand::Sign { wif, message } => {
            let key = parse_private_key(&wif)?;
            println!("{}", key.sign_digest(&message.digest()?));
            Ok(Verdict::Positive)
        }
        EosCommand::Verify {
            public_key,
            signature,
            message,
            strict,
        } => {
            let key = parse_public_key(&public_key)?;
            let signature = parse_signature(&signature)?;
            let digest = message.digest()?;
            match signature.verify_digest(&digest, &key) {
                Ok(()) => match non_canonical_reason(&signature) {
                    None => {
                        println!("valid");
                        Ok(Verdict::Positive)
                    }
                    Some(reason) if strict => {
                        println!("invalid: not canonical ({reason}); EOS nodes refuse it");
                        Ok(Verdict::Negative)
                    }
                    Some(reason) => {
                        // eosjs-ecc accepts it; say what a node would object to without failing.
                        println!("valid (not canonical: {reason})");
                        Ok(Verdict::Positive)
                    }
                },
                Err(reason) => {
                    println!("invalid: {reason}");
                    Ok(Verdict::Negative)
                }
            }
        }
        EosCommand::Recover {
            signature,
            message,
            pub_k1,
        } => {
            let signature = parse_signature(&signature)?;
            let digest = message.digest()?;
            let key = signature
                .recover_digest(&digest)
                .map_err(|e| CliError::new(format!("--signature: no key can be recovered: {e}")))?;
            println!("{}", key_text(&key, pub_k1));
            Ok(Verdict::Positive)
        }
    }
}

/// The JSON `eos keygen` prints.
fn keygen_json(key: &PrivateKey) -> serde_json::Value {
    let public = key.public_key();
    json!({
        "privateKey": key.to_wif(),
        "pvtK1": key.to_pvt_k1(),
        "publicKey": public.to_legacy(),
        "pubK1": public.to_pub_k1(),
    })
}

fn key_text(key: &PublicKey, pub_k1: bool) -> String {
    if pub_k1 {
        key.to_pub_k1()
    } else {
        key.to_legacy()
    }
}

/// Why EOS nodes would refuse a signature that verifies, or `None` if it is canonical.
fn non_canonical_reason(signature: &Signature) -> Option<&'static str> {
    if signature.is_canonical() {
        None
    } else if signature.is_high_s() {
        Some("high S")
    } else {
        Some("r or s is not exactly 32 bytes in DER")
    }
}

fn parse_private_key(text: &str) -> Result<PrivateKey, CliError> {
    // Never echo what may be a secret key back: the library's error quotes its input, so
    // only the length and the kind of problem are shown.
    PrivateKey::from_wif(text).map_err(|e| {
        let reason = match e {
            CryptoError::Text { reason, .. } => reason,
            other => other.to_string(),
        };
        CliError::new(format!(
            "--wif ({} characters) is not a private key (WIF or PVT_K1_): {reason}",
            text.chars().count()
        ))
    })
}

fn parse_public_key(text: &str) -> Result<PublicKey, CliError> {
    text.parse::<PublicKey>()
        .map_err(|e| CliError::new(format!("--public-key `{}`: {e}", abbreviate(text))))
}

fn parse_signature(text: &str) -> Result<Signature, CliError> {
    text.parse::<Signature>()
        .map_err(|e| CliError::new(format!("--signature `{}`: {e}", abbreviate(text))))
}

/// An input echoed in an error (a SIG_K1_ signature is 101 characters: shown whole).
fn abbreviate(text: &str) -> String {
    super::abbreviate(text, 110)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keygen_json_holds_all_four_forms_of_the_seeded_key() {
        let value = keygen_json(&PrivateKey::from_seed(""));
        assert_eq!(
            value["privateKey"],
            "5KYZdUEo39z3FPrtuX2QbbwGnNP5zTd7yyr2SC1j299sBCnWjss"
        );
        assert_eq!(
            value["pvtK1"],
            "PVT_K1_2jH3nnhxhR3zPUcsKaWWZC9ZmZAnKm3GAnFD1xynGJE1Znuvjd"
        );
        assert_eq!(
            value["publicKey"],
            "EOS859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2HqhToVM"
        );
        assert_eq!(
            value["pubK1"],
            "PUB_K1_859gxfnXyUriMgUeThh1fWv3oqcpLFyHa3TfFYC4PK2Ht7beeX"
        );
    }

    #[test]
    fn a_bad_wif_error_names_the_argument_without_echoing_it() {
        let wif = "5KYZdUEo39z3FPrtuX2QbbwGnNP5zTd7yyr2SC1j299sBCnWjsm";
        let err = parse_private_key(wif).unwrap_err().to_string();
        assert!(err.starts_with("--wif"), "{err}");
        assert!(err.contains("checksum"), "{err}");
        assert!(!err.contains(wif), "{err}");
    }

    #[test]
    fn a_high_s_signature_is_named_as_such() {
        let key = PrivateKey::from_seed("x");
        let signature = key.sign(b"m");
        assert_eq!(non_canonical_reason(&signature), None);
        assert_eq!(non_canonical_reason(&signature.high_s()), Some("high S"));
    }
}
