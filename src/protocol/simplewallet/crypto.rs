//! EOS keys and signatures (placeholder until written).
