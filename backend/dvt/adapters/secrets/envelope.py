"""AES-256-GCM envelope encryption of secret values.

Each secret version gets its own random data key (DEK), which encrypts the value; the DEK is itself
encrypted ("wrapped") under the keyring's active key-encryption key (KEK). Rotating the KEK then re-wraps
32-byte DEKs and never touches a value's ciphertext.

Associated data binds the value's ciphertext to (tenant, environment, name, version): a row copied to
another environment, tenant or version fails authentication instead of decrypting. The wrapped DEK is bound
to its KEK version, so a row whose `key_version` was edited fails too. Nonces are 96-bit random, fresh for
every encryption; each DEK encrypts exactly one message, so nonce reuse under a DEK cannot happen.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dvt.adapters.secrets import redaction
from dvt.adapters.secrets.keyring import Keyring
from dvt.domain.errors import DomainError
from dvt.domain.secrets import SealedSecret, SecretBinding

__all__ = ["EnvelopeCipher", "SealedSecret", "SecretIntegrityError", "open", "rewrap", "seal"]

NONCE_BYTES = 12
DATA_KEY_BYTES = 32


class SecretIntegrityError(DomainError):
    """A sealed secret failed authentication: tampered, moved, or wrapped under a different key."""

    code = "INTEGRITY"


def _key_associated_data(key_version: str) -> bytes:
    return f"dvt-secret-key/1|{key_version}".encode()


def _wrap(data_key: bytes, keyring: Keyring) -> tuple[str, bytes, bytes]:
    version = keyring.active_version
    nonce = os.urandom(NONCE_BYTES)
    wrapped = AESGCM(keyring.key(version)).encrypt(nonce, data_key, _key_associated_data(version))
    return version, nonce, wrapped


def _unwrap(sealed: SealedSecret, keyring: Keyring) -> bytes:
    kek = keyring.key(sealed.key_version)  # a missing version is a KeyringError that names it
    try:
        return AESGCM(kek).decrypt(sealed.key_nonce, sealed.wrapped_key, _key_associated_data(sealed.key_version))
    except InvalidTag:
        raise SecretIntegrityError(
            f"a secret's data key does not authenticate under key version {sealed.key_version!r}:"
            " the row was altered or that version holds a different key than the one that sealed it"
        ) from None


def seal(keyring: Keyring, binding: SecretBinding, value: str) -> SealedSecret:
    redaction.register(value)
    data_key = AESGCM.generate_key(bit_length=DATA_KEY_BYTES * 8)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, value.encode(), binding.associated_data())
    key_version, key_nonce, wrapped_key = _wrap(data_key, keyring)
    return SealedSecret(key_version, wrapped_key, key_nonce, nonce, ciphertext)


def open(keyring: Keyring, binding: SecretBinding, sealed: SealedSecret) -> str:
    data_key = _unwrap(sealed, keyring)
    try:
        plaintext = AESGCM(data_key).decrypt(sealed.nonce, sealed.ciphertext, binding.associated_data())
    except InvalidTag:
        raise SecretIntegrityError(
            f"secret {binding.name} version {binding.version} does not authenticate: the row was altered"
            " or copied from another environment, tenant or version"
        ) from None
    value = plaintext.decode()
    redaction.register(value)
    return value


def rewrap(sealed: SealedSecret, keyring: Keyring) -> SealedSecret:
    """The same value and ciphertext, its data key wrapped under the active KEK. A no-op if it already is."""
    if sealed.key_version == keyring.active_version:
        return sealed
    key_version, key_nonce, wrapped_key = _wrap(_unwrap(sealed, keyring), keyring)
    return SealedSecret(key_version, wrapped_key, key_nonce, sealed.nonce, sealed.ciphertext)


class EnvelopeCipher:
    """The application's `SecretCipher`, over one keyring. Every plaintext it handles becomes redacted."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    @property
    def keyring(self) -> Keyring:
        return self._keyring

    @property
    def active_key_version(self) -> str:
        return self._keyring.active_version

    def seal(self, binding: SecretBinding, value: str) -> SealedSecret:
        return seal(self._keyring, binding, value)

    def open(self, binding: SecretBinding, sealed: SealedSecret) -> str:
        return open(self._keyring, binding, sealed)

    def rewrap(self, sealed: SealedSecret) -> SealedSecret:
        return rewrap(sealed, self._keyring)


class UnconfiguredCipher:
    """Stands in when no keyring could be loaded: DVT still serves everything but secrets, and any use
    of a secret says precisely what is missing instead of the server refusing to start."""

    def __init__(self, reason: DomainError) -> None:
        self._reason = reason

    @property
    def active_key_version(self) -> str:
        raise self._reason

    def seal(self, binding: SecretBinding, value: str) -> SealedSecret:
        raise self._reason

    def open(self, binding: SecretBinding, sealed: SealedSecret) -> str:
        raise self._reason

    def rewrap(self, sealed: SealedSecret) -> SealedSecret:
        raise self._reason
