//! SimpleWallet messages (placeholder until written).
