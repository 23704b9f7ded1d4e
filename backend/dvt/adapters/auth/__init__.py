"""Authentication adapters: OIDC verification, DVT's local issuer, password hashing, API token format."""
