//! Recipe for `ontology/keys.json`: keys, WIFs, addresses, ONT IDs and multi-sig addresses
//! derived from fixed seeds, and every malformed family of their encodings built from the
//! encoding's structure (not by asking the decoder what it rejects).

use serde_json::{json, Map, Value};

use crate::protocol::ontology::crypto::{
    multisig_program, sha256d, Address, OntId, PrivateKey, PublicKey, ADDRESS_VERSION,
};
use crate::vectors::{TestCase, TestGroup, TestResult, VectorFile};

use TestResult::{Invalid, Valid};

/// Seeds for the derived keys; fixed forever, since the vectors pin what they produce.
fn seeded_key(index: usize) -> PrivateKey {
    PrivateKey::from_seed(&format!("qrconform/vectors/keys/{index}"))
}

pub fn build() -> VectorFile {
    let groups = vec![
        derivation_group(),
        address_decode_group(),
        wif_decode_group(),
        public_key_decode_group(),
        ontid_group(),
        multisig_group(),
    ];
    let notes = notes(&[
        ("Seeded", "The private key is PrivateKey::from_seed(seed)."),
        ("Checksum", "The base58check checksum is wrong."),
        ("Version", "The version byte is wrong."),
        ("Length", "The decoded length is wrong."),
        (
            "Base58",
            "The text has characters outside the base58 alphabet.",
        ),
        ("Compression", "The WIF lacks the 0x01 compressed-key flag."),
        ("Prefix", "The encoding's prefix is wrong."),
        ("Hex", "The text is not hex."),
        ("NotOnCurve", "The x coordinate has no point on P-256."),
        (
            "GoSortOrder",
            "Multi-sig keys are sorted by X then Y as big integers, as the Go node does.",
        ),
        (
            "Shape",
            "The multi-sig m-of-n is outside 1 <= m <= n, 2 <= n <= 16.",
        ),
    ]);
    VectorFile::numbered(
        "ONTOLOGY-KEYS",
        "qrconform vectors regen (recipe keys)",
        json!({
            "recipe": "src/vectors/recipes/keys.rs",
            "seeds": "PrivateKey::from_seed(\"qrconform/vectors/keys/<n>\")",
            "clauses": ["ONT-L6", "ONT-L7"],
        }),
        notes,
        groups,
    )
}

pub(crate) fn notes(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect()
}

fn derivation_group() -> TestGroup {
    let tests = (1..=8)
        .map(|i| {
            let seed = format!("qrconform/vectors/keys/{i}");
            let key = seeded_key(i);
            let public = key.public_key();
            let address = Address::from_public_key(&public);
            TestCase::new(
                format!("key derived from seed {i}"),
                &["Seeded"],
                json!({
                    "seed": seed,
                    "privateKey": key.to_hex(),
                    "wif": key.to_wif(),
                    "publicKey": public.to_hex(),
                    "address": address.to_base58(),
                    "addressHex": address.to_hex(),
                    "addressDisplayHex": address.to_display_hex(),
                    "ontid": OntId(address).to_string(),
                }),
                Valid,
            )
        })
        .collect();
    TestGroup::new("OntologyKeyDerivation", json!({}), tests)
}

/// base58(version ‖ payload ‖ checksum) with each part under the recipe's control.
fn base58check(version: u8, payload: &[u8], corrupt_checksum: bool) -> String {
    let mut raw = vec![version];
    raw.extend_from_slice(payload);
    let mut checksum = sha256d(&raw)[..4].to_vec();
    if corrupt_checksum {
        checksum[3] ^= 0x01;
    }
    raw.extend_from_slice(&checksum);
    bs58::encode(raw).into_string()
}

fn address_decode_group() -> TestGroup {
    let hash = Address::from_public_key(&seeded_key(1).public_key()).0;
    let valid = base58check(ADDRESS_VERSION, &hash, false);
    let case = |comment: &str, flag: &str, address: String, reason: &str| {
        TestCase::new(
            comment,
            &[flag],
            json!({"address": address, "reason": reason}),
            Invalid,
        )
    };
    let tests = vec![
        TestCase::new(
            "well-formed address",
            &[],
            json!({"address": valid, "reason": null, "addressHex": hex::encode(hash)}),
            Valid,
        ),
        case(
            "checksum off by one bit",
            "Checksum",
            base58check(ADDRESS_VERSION, &hash, true),
            "checksum",
        ),
        case(
            "version 0x18 with its own valid checksum",
            "Version",
            base58check(0x18, &hash, false),
            "version",
        ),
        case(
            "Bitcoin P2PKH version 0x00",
            "Version",
            base58check(0x00, &hash, false),
            "version",
        ),
        case(
            "19-byte hash",
            "Length",
            base58check(ADDRESS_VERSION, &hash[..19], false),
            "length",
        ),
        case(
            "21-byte hash",
            "Length",
            base58check(ADDRESS_VERSION, &[&hash[..], &[0u8]].concat(), false),
            "length",
        ),
        case("empty text", "Length", String::new(), "length"),
        case(
            "character 0 outside the alphabet",
            "Base58",
            format!("0{}", &valid[1..]),
            "base58",
        ),
        case(
            "character l outside the alphabet",
            "Base58",
            format!("{}l", &valid[..valid.len() - 1]),
            "base58",
        ),
        case(
            "ONT ID given where an address is expected",
            "Base58",
            format!("did:ont:{valid}"),
            "base58",
        ),
    ];
    TestGroup::new("OntologyAddressDecode", json!({}), tests)
}

fn wif_decode_group() -> TestGroup {
    let key = seeded_key(2).to_bytes();
    let wif = |version: u8, body: &[u8], corrupt: bool| base58check(version, body, corrupt);
    let compressed = [&key[..], &[0x01]].concat();
    let case = |comment: &str, flag: &str, text: String, reason: &str| {
        TestCase::new(
            comment,
            &[flag],
            json!({"wif": text, "reason": reason}),
            Invalid,
        )
    };
    let tests = vec![
        TestCase::new(
            "well-formed WIF",
            &[],
            json!({"wif": wif(0x80, &compressed, false), "reason": null, "privateKey": hex::encode(key)}),
            Valid,
        ),
        case(
            "checksum off by one bit",
            "Checksum",
            wif(0x80, &compressed, true),
            "checksum",
        ),
        case(
            "version 0xef (testnet)",
            "Version",
            wif(0xef, &compressed, false),
            "version",
        ),
        case(
            "uncompressed-key WIF (no 0x01 flag)",
            "Compression",
            wif(0x80, &key, false),
            "length",
        ),
        case(
            "flag 0x00 instead of 0x01",
            "Compression",
            wif(0x80, &[&key[..], &[0x00]].concat(), false),
            "compression",
        ),
        case(
            "character O outside the alphabet",
            "Base58",
            format!("O{}", &wif(0x80, &compressed, false)[1..]),
            "base58",
        ),
    ];
    TestGroup::new("OntologyWifDecode", json!({}), tests)
}

fn public_key_decode_group() -> TestGroup {
    let public = seeded_key(3).public_key().to_bytes();
    // The smallest x above the key's own that is not on the curve, found by walking x.
    let off_curve = (0u8..=255)
        .map(|delta| {
            let mut candidate = public;
            candidate[32] = candidate[32].wrapping_add(delta);
            candidate
        })
        .find(|candidate| PublicKey::from_sec1_bytes(candidate).is_err())
        .expect("about half of all x values have no point");
    let case = |comment: &str, flag: &str, text: String, reason: &str| {
        TestCase::new(
            comment,
            &[flag],
            json!({"publicKey": text, "reason": reason}),
            Invalid,
        )
    };
    let mut prefix_05 = public;
    prefix_05[0] = 0x05;
    let tests = vec![
        TestCase::new(
            "compressed point",
            &[],
            json!({"publicKey": hex::encode(public), "reason": null}),
            Valid,
        ),
        case(
            "32 bytes: prefix dropped",
            "Length",
            hex::encode(&public[1..]),
            "length",
        ),
        case(
            "34 bytes: trailing zero",
            "Length",
            hex::encode([&public[..], &[0]].concat()),
            "length",
        ),
        case(
            "uncompressed 65-byte point",
            "Length",
            format!("04{}{}", hex::encode(&public[1..]), "00".repeat(32)),
            "length",
        ),
        case("prefix 0x05", "Prefix", hex::encode(prefix_05), "prefix"),
        case(
            "x with no point on the curve",
            "NotOnCurve",
            hex::encode(off_curve),
            "not-on-curve",
        ),
        case(
            "odd number of hex digits",
            "Hex",
            hex::encode(public)[1..].to_string(),
            "hex",
        ),
    ];
    TestGroup::new("OntologyPublicKeyDecode", json!({}), tests)
}

fn ontid_group() -> TestGroup {
    let address = Address::from_public_key(&seeded_key(4).public_key()).to_base58();
    let tests = vec![
        TestCase::new(
            "ONT ID",
            &[],
            json!({"ontid": format!("did:ont:{address}"), "address": address, "reason": null}),
            Valid,
        ),
        TestCase::new(
            "bare address",
            &["Prefix"],
            json!({"ontid": address, "reason": "prefix"}),
            Invalid,
        ),
        TestCase::new(
            "upper-case method",
            &["Prefix"],
            json!({"ontid": format!("did:ONT:{address}"), "reason": "prefix"}),
            Invalid,
        ),
        TestCase::new(
            "other DID method",
            &["Prefix"],
            json!({"ontid": format!("did:eth:{address}"), "reason": "prefix"}),
            Invalid,
        ),
        TestCase::new(
            "checksum broken in the address part",
            &["Checksum"],
            json!({"ontid": format!("did:ont:{}", base58check(ADDRESS_VERSION, &Address::from_base58(&address).expect("recipe address").0, true)), "reason": "address"}),
            Invalid,
        ),
        TestCase::new(
            "empty address part",
            &["Length"],
            json!({"ontid": "did:ont:", "reason": "address"}),
            Invalid,
        ),
    ];
    TestGroup::new("OntologyOntIdParse", json!({}), tests)
}

fn multisig_group() -> TestGroup {
    let keys = |range: std::ops::Range<usize>| {
        range
            .map(|i| seeded_key(i).public_key())
            .collect::<Vec<_>>()
    };
    let valid = |m: usize, public_keys: Vec<PublicKey>| {
        let (sorted, program) = multisig_program(m, &public_keys).expect("recipe shapes are valid");
        TestCase::new(
            format!("{m}-of-{} multi-sig", public_keys.len()),
            &["GoSortOrder"],
            json!({
                "m": m,
                "publicKeys": public_keys.iter().map(PublicKey::to_hex).collect::<Vec<_>>(),
                "sortedPublicKeys": sorted.iter().map(PublicKey::to_hex).collect::<Vec<_>>(),
                "program": hex::encode(&program),
                "address": Address::from_program(&program).to_base58(),
                "reason": null,
            }),
            Valid,
        )
    };
    let invalid = |comment: &str, m: usize, public_keys: Vec<PublicKey>| {
        TestCase::new(
            comment,
            &["Shape"],
            json!({"m": m, "publicKeys": public_keys.iter().map(PublicKey::to_hex).collect::<Vec<_>>(), "reason": "shape"}),
            Invalid,
        )
    };
    let tests = vec![
        valid(1, keys(10..12)),
        valid(2, keys(10..12)),
        valid(2, keys(12..15)),
        valid(3, keys(15..20)),
        valid(16, keys(20..36)),
        invalid("m = 0", 0, keys(10..12)),
        invalid("m > n", 3, keys(10..12)),
        invalid("a single key", 1, keys(10..11)),
        invalid("17 keys", 2, keys(20..37)),
    ];
    TestGroup::new("OntologyMultisig", json!({}), tests)
}
