"""Password hashing for local accounts: argon2id through argon2-cffi.

Hashing costs tens of milliseconds of CPU on purpose, so it runs in a worker thread (argon2-cffi releases
the GIL) and never stalls the event loop serving other requests.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MAX_PASSWORD_CHARS = 1024  # long enough for any passphrase, short enough not to be a lever


class Argon2Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        # argon2-cffi's defaults follow RFC 9106's recommended low-memory profile.
        self._hasher = hasher or PasswordHasher()

    async def hash(self, password: str) -> str:
        if len(password) > MAX_PASSWORD_CHARS:
            raise ValueError(f"passwords are limited to {MAX_PASSWORD_CHARS} characters")
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        if len(password) > MAX_PASSWORD_CHARS:
            return False
        try:
            return await asyncio.to_thread(self._hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than today's, so a login can upgrade it."""
        try:
            return self._hasher.check_needs_rehash(password_hash)
        except (InvalidHashError, ValueError):
            return True
