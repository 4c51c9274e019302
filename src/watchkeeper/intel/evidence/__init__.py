"""Evidence packages: collected records and raw input, hashed, hash-chained, signed (Ed25519)."""
