//! The SimpleWallet signature path on secp256k1 and the EOSIO transaction digest:
//! eosjs-ecc 4.0.7 signing (a message whose first nonce gives a canonical signature, and one
//! that needs the retry nonce 2), verify, recover, `SIG_K1_` parsing, and packing an
//! `eosio.token::transfer` transaction into its id and signing digest; and bare k256
//! recoverable signing of the same digest, the floor `eos sign` is measured against.
//!
//! The messages, key and signatures are those of `vectors/simplewallet/eosjs_ecc.json`; each
//! bench checks its output once before timing, so a wrong result fails the run rather than
//! being measured.
//!
//! Run: `cargo bench --bench eos` (`-- --test` runs each bench once).

use divan::black_box;
use qrconform::protocol::simplewallet::crypto::{sha256, PrivateKey, PublicKey, Signature};
use qrconform::protocol::simplewallet::eosio::{
    Action, Asset, Name, PermissionLevel, Transaction, Transfer,
};

/// eosjs-ecc's development key.
const DEV_WIF: &str = "5KQwrPbwdL6PhXujxW37FSSQZ1JiwsST4cqQzDeyXtP79zkvFD3";
const DEV_PUB: &str = "EOS6MRyAjQq8ud7hVNYcfnVPJqcVpscN5So8BhtHuGYqET5GDW5CV";

/// First attempt canonical (eosjs_ecc.json tc16).
const FIRST_ATTEMPT: &str = "hi";
const FIRST_ATTEMPT_SIGNATURE: &str = "SIG_K1_KadLefBUDCecGQcNUYCDdtLuooZa9YKFRWn2PnpHibqw2ShrgNfjREbGZH7BWqkX5miTQhsx53497cSzyDHo3RfwgXTCjb";

/// A login string whose first two attempts are not canonical (eosjs_ecc.json tc21, nonce 2).
const RETRY: &str = "1546613919testaccount1e9467118-9321-4916-8153-4a5a9087e51eMockWallet";
const RETRY_SIGNATURE: &str = "SIG_K1_K8cWuMtP7YaFivQmsMqJJHJeQcHZVtB2k9vTesPuyZZNWgFn8XXqhBU9r5Erb1fZYM2rAsnshPfae3aZrek11NSoqh5F3k";

/// The EOS mainnet chain id.
const MAINNET: [u8; 32] = [
    0xac, 0xa3, 0x76, 0xf2, 0x06, 0xb8, 0xfc, 0x25, 0xa6, 0xed, 0x44, 0xdb, 0xdc, 0x66, 0x54, 0x7c,
    0x36, 0xc6, 0xc3, 0x3e, 0x3a, 0x11, 0x9f, 0xfb, 0xea, 0xef, 0x94, 0x36, 0x42, 0xf0, 0xe9, 0x06,
];

fn main() {
    divan::main();
}

fn dev_key() -> PrivateKey {
    PrivateKey::from_wif(DEV_WIF).expect("the development key")
}

fn dev_public() -> PublicKey {
    DEV_PUB.parse().expect("the development public key")
}

fn signature(text: &str) -> Signature {
    text.parse().expect("a vector signature")
}

/// `eos sign` of a message whose attempt 0 is canonical: one RFC 6979 nonce and one ECDSA
/// signature, whose recovery byte comes from the nonce point.
#[divan::bench]
fn eos_sign_first_attempt(bencher: divan::Bencher) {
    let key = dev_key();
    let (first, attempt) = key.sign_digest_counting(&sha256(FIRST_ATTEMPT.as_bytes()));
    assert_eq!(
        (first.to_string().as_str(), attempt),
        (FIRST_ATTEMPT_SIGNATURE, 0)
    );
    bencher.bench_local(|| key.sign(black_box(FIRST_ATTEMPT.as_bytes())));
}

/// `eos sign` of a message that needs the retry nonce 2: three nonces and signatures.
#[divan::bench]
fn eos_sign_retry_nonce_2(bencher: divan::Bencher) {
    let key = dev_key();
    let (first, attempt) = key.sign_digest_counting(&sha256(RETRY.as_bytes()));
    assert_eq!((first.to_string().as_str(), attempt), (RETRY_SIGNATURE, 2));
    bencher.bench_local(|| key.sign(black_box(RETRY.as_bytes())));
}

/// The floor `eos sign` is held to: k256's own recoverable signing of the same digest with
/// the same key (RFC 6979, low S, the recovery id from the nonce point), bare of any EOS
/// encoding and of eosjs-ecc's raw-digest nonce.
#[divan::bench]
fn k256_sign_recoverable_bare(bencher: divan::Bencher) {
    let key = k256::ecdsa::SigningKey::from_bytes(&dev_key().to_bytes().into())
        .expect("the development key");
    let digest = sha256(FIRST_ATTEMPT.as_bytes());
    let (_, recid) = key.sign_prehash_recoverable(&digest).expect("signs");
    assert!(recid.to_byte() < 4);
    bencher
        .bench_local(|| key.sign_prehash_recoverable(&sha256(black_box(FIRST_ATTEMPT.as_bytes()))));
}

/// `eos verify`: a parsed signature and key, the login string in.
#[divan::bench]
fn eos_verify(bencher: divan::Bencher) {
    let key = dev_public();
    let sig = signature(RETRY_SIGNATURE);
    sig.verify(RETRY.as_bytes(), &key).expect("tc21 verifies");
    bencher.bench_local(|| black_box(&sig).verify(black_box(RETRY.as_bytes()), black_box(&key)));
}

/// `eos recover`: the public key from a parsed signature and the login string.
#[divan::bench]
fn eos_recover(bencher: divan::Bencher) {
    let sig = signature(RETRY_SIGNATURE);
    assert_eq!(
        sig.recover(RETRY.as_bytes()).expect("tc21 recovers"),
        dev_public()
    );
    bencher.bench_local(|| black_box(&sig).recover(black_box(RETRY.as_bytes())));
}

/// `SIG_K1_` text to a signature: base58, length, RIPEMD-160 checksum, recovery byte.
#[divan::bench]
fn sig_k1_parse() -> Signature {
    black_box(RETRY_SIGNATURE)
        .parse()
        .expect("a vector signature")
}

/// One `eosio.token::transfer` of `1.0000 EOS` from `useraaaaaaaa@active`, memo `hello`.
fn transfer_transaction() -> Transaction {
    let name = |text: &str| -> Name { text.parse().expect("a valid name") };
    let transfer = Transfer {
        from: name("useraaaaaaaa"),
        to: name("useraaaaaaab"),
        quantity: "1.0000 EOS".parse::<Asset>().expect("a valid asset"),
        memo: "hello".into(),
    };
    Transaction {
        expiration: 1_546_614_019,
        ref_block_num: 0x1234,
        ref_block_prefix: 0x5678_9abc,
        actions: vec![Action {
            account: name("eosio.token"),
            name: name("transfer"),
            authorization: vec![PermissionLevel {
                actor: name("useraaaaaaaa"),
                permission: name("active"),
            }],
            data: transfer.pack(),
        }],
        ..Transaction::default()
    }
}

/// What a wallet does before signing a transfer: pack the action data and the transaction,
/// then take its id and its mainnet signing digest.
#[divan::bench]
fn transfer_pack_id_digest(bencher: divan::Bencher) {
    let tx = transfer_transaction();
    bencher.bench_local(|| {
        let tx = black_box(&tx);
        let packed = tx.pack();
        (packed, tx.id(), tx.signing_digest(black_box(&MAINNET)))
    });
}

/// The whole wallet step for a transfer: the signing digest, then eosjs-ecc signing of it.
#[divan::bench]
fn transfer_digest_and_sign(bencher: divan::Bencher) {
    let key = dev_key();
    let tx = transfer_transaction();
    let signature = key.sign_digest(&tx.signing_digest(&MAINNET));
    assert_eq!(
        signature
            .recover_digest(&tx.signing_digest(&MAINNET))
            .expect("the transfer signature recovers"),
        dev_public()
    );
    bencher.bench_local(|| key.sign_digest(&black_box(&tx).signing_digest(&MAINNET)));
}
