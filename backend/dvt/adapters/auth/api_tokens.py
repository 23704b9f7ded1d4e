"""API tokens for machines and CI: `dvt_<token id>_<secret>`.

The secret is 32 random bytes, so it cannot be guessed or brute-forced from its hash: a plain sha256 is
enough, and a slow password hash would only add latency to every API call. Only the hash is stored; the
token id lets the server find the row without scanning.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import uuid

from dvt.application.identity_ports import MintedApiToken

PREFIX = "dvt_"
_SECRET_BYTES = 32
# 32 hex digits of the id, then 43 base64url characters of the secret (no padding).
_TOKEN = re.compile(r"dvt_([0-9a-f]{32})_([A-Za-z0-9_-]{43})")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


class ApiTokenCodec:
    def mint(self) -> MintedApiToken:
        token_id = uuid.uuid4()
        secret = base64.urlsafe_b64encode(secrets.token_bytes(_SECRET_BYTES)).rstrip(b"=").decode("ascii")
        return MintedApiToken(token_id, f"{PREFIX}{token_id.hex}_{secret}", _hash(secret))

    def looks_like(self, bearer: str) -> bool:
        return bearer.startswith(PREFIX)

    def parse(self, plaintext: str) -> tuple[uuid.UUID, str] | None:
        match = _TOKEN.fullmatch(plaintext) if len(plaintext) < 128 else None
        if match is None:
            return None
        return uuid.UUID(hex=match.group(1)), match.group(2)

    def matches(self, secret: str, secret_hash: str) -> bool:
        return hmac.compare_digest(_hash(secret), secret_hash)
