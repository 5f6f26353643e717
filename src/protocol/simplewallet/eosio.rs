//! EOSIO binary packing (placeholder until written).
