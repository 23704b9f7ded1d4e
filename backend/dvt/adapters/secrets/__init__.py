"""Secrets at rest: versioned key-encryption keys, AES-GCM envelopes, and redaction of values from logs."""
