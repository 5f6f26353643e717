//! Key recovery for the EOS node's pushes, at the cost of one scalar multiplication pair.
//!
//! [`Signature::recover_digest`] recovers through `ecdsa`'s `recover_from_prehash`, which
//! after computing the key verifies the signature with it once more: a second double-scalar
//! multiplication, half the cost of every push. That check cannot fail for a key recovered
//! from a valid `R`: with `Q = r⁻¹(s·R − z·G)`, verification computes `(z·G + r·Q)/s = R`,
//! whose x is `r`. So the node recovers `Q` directly and refuses exactly what
//! `recover_digest` refuses: a recovery byte outside 27..=34, `r` or `s` zero or not below the
//! group order, an `R` that is not on the curve, and the point at infinity. A high `s` is
//! taken as fc takes it, as `n − s` with the other parity (the node refuses non-canonical
//! signatures before it recovers, as nodeos does). The tests check both recoveries agree.

use k256::elliptic_curve::bigint::{CheckedAdd, Encoding, U256};
use k256::elliptic_curve::ops::{LinearCombination, Reduce};
use k256::elliptic_curve::point::DecompressPoint;
use k256::elliptic_curve::scalar::IsHigh;
use k256::elliptic_curve::sec1::ToEncodedPoint;
use k256::elliptic_curve::subtle::Choice;
use k256::elliptic_curve::{Curve, PrimeField};
use k256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar, Secp256k1};

use crate::protocol::simplewallet::crypto::{PublicKey, Signature};

/// The public key behind `signature` over `digest`; `None` when there is none.
pub fn recover(signature: &Signature, digest: &[u8; 32]) -> Option<PublicKey> {
    if !(27..=34).contains(&signature.i) {
        return None;
    }
    let scalar = |bytes: &[u8; 32]| -> Option<Scalar> {
        Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(*bytes)))
            .filter(|v| !bool::from(v.is_zero()))
    };
    let r = scalar(&signature.r)?;
    let mut s = scalar(&signature.s)?;
    let mut recid = (signature.i - 27) & 3;
    if bool::from(s.is_high()) {
        // n − s goes with the point −R, whose y has the other parity.
        recid ^= 1;
        s = -s;
    }
    // Bit 1: R's x was at least n and was reduced to r.
    let x = if recid & 2 != 0 {
        let restored = U256::from_be_bytes(signature.r).checked_add(&Secp256k1::ORDER);
        Option::<U256>::from(restored)?.to_be_bytes()
    } else {
        signature.r
    };
    let big_r: AffinePoint = Option::from(AffinePoint::decompress(
        &FieldBytes::from(x),
        Choice::from(recid & 1),
    ))?;
    let z = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(*digest));
    let r_inv: Scalar = Option::from(r.invert())?;
    let u1 = -(r_inv * z);
    let u2 = r_inv * s;
    let q = ProjectivePoint::lincomb(
        &ProjectivePoint::GENERATOR,
        &u1,
        &ProjectivePoint::from(big_r),
        &u2,
    );
    if q == ProjectivePoint::IDENTITY {
        return None;
    }
    PublicKey::from_compressed(q.to_affine().to_encoded_point(true).as_bytes()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::simplewallet::crypto::{sha256, PrivateKey};

    #[test]
    fn agrees_with_recover_digest_on_signatures_and_on_garbage() {
        let mut checked = 0;
        for n in 0..40u32 {
            let key = PrivateKey::from_seed(&format!("recover/{n}"));
            let digest = sha256(format!("digest {n}").as_bytes());
            let good = key.sign_digest(&digest);
            assert_eq!(recover(&good, &digest), Some(key.public_key()));
            let mut variants = vec![good];
            for i in [0, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 255] {
                variants.push(Signature { i, ..good });
            }
            let mut high = good;
            let s = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(good.s)))
                .expect("a scalar");
            high.s = (-s).to_repr().into();
            variants.push(high);
            variants.push(Signature { r: [0; 32], ..good });
            variants.push(Signature { s: [0; 32], ..good });
            variants.push(Signature {
                r: [0xff; 32],
                ..good
            });
            variants.push(Signature {
                s: [0xff; 32],
                ..good
            });
            let mut other_r = good;
            other_r.r[31] ^= 1;
            variants.push(other_r);
            for variant in &variants {
                let slow = variant.recover_digest(&digest).ok();
                assert_eq!(recover(variant, &digest), slow, "{variant:?}");
                checked += 1;
            }
        }
        assert!(checked > 500);
    }
}
