"""Environment secrets: names, what is known about a stored version, and the sealed form at rest.

A secret's value never appears here. The domain knows names, versions and which key-encryption key wraps a
version; the value exists in plaintext only while it is sealed and when the runner hands it to dbt as
`DBT_ENV_SECRET_<NAME>` (dbt scrubs variables with that prefix from its own logs and never renders them
into the manifest).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from dvt.domain.errors import ValidationError

ENV_PREFIX = "DBT_ENV_SECRET_"
MAX_NAME_LENGTH = 64
# Private keys in PEM are a few KiB; anything far bigger is a mistake, not a credential.
MAX_VALUE_BYTES = 64 * 1024

# Upper snake case: words of capitals and digits joined by single underscores, starting with a letter.
_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")


def check_secret_name(name: str) -> str:
    if not 1 <= len(name) <= MAX_NAME_LENGTH or not _NAME.match(name):
        raise ValidationError(
            f"invalid secret name {name[:65]!r}: use 1-{MAX_NAME_LENGTH} upper-case letters,"
            " digits and single inner underscores, starting with a letter (e.g. PG_PASSWORD)"
        )
    if name.startswith(ENV_PREFIX):
        # Users paste the variable name they saw in profiles.yml; storing it twice-prefixed would break runs.
        raise ValidationError(
            f"secret name {name!r} already carries the {ENV_PREFIX} prefix: store it as"
            f" {name.removeprefix(ENV_PREFIX)!r}"
        )
    return name


def check_secret_value(value: str) -> str:
    """Values go into an environment variable: non-empty, no NUL, bounded. The message never quotes it."""
    if not value:
        raise ValidationError("a secret value must not be empty")
    if "\x00" in value:
        raise ValidationError("a secret value must not contain a NUL character (it becomes an env variable)")
    if len(value.encode()) > MAX_VALUE_BYTES:
        raise ValidationError(f"a secret value must be at most {MAX_VALUE_BYTES} bytes")
    return value


def env_var_name(name: str) -> str:
    """The variable the dbt runner receives, e.g. PG_PASSWORD -> DBT_ENV_SECRET_PG_PASSWORD."""
    return ENV_PREFIX + check_secret_name(name)


@dataclass(frozen=True, slots=True)
class SecretMetadata:
    """Everything the API may show about one version of a secret: never the value."""

    environment_id: uuid.UUID
    name: str
    version: int
    key_version: str  # the key-encryption key that currently wraps this version's data key
    created_at: datetime
    rotated_at: datetime | None  # last time its data key was re-wrapped under a newer key version
    retired_at: datetime | None  # replaced or retired; kept, never deleted, until its environment goes

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name

    @property
    def current(self) -> bool:
        return self.retired_at is None


@dataclass(frozen=True, slots=True)
class SecretBinding:
    """Where a sealed value belongs: the AEAD associated data, so a row moved anywhere else fails to open."""

    tenant_id: uuid.UUID
    environment_id: uuid.UUID
    name: str
    version: int

    def associated_data(self) -> bytes:
        # UUIDs are fixed-width and names cannot contain the separator, so the encoding is unambiguous.
        return f"dvt-secret/1|{self.tenant_id}|{self.environment_id}|{self.name}|{self.version}".encode()


@dataclass(frozen=True, slots=True)
class SealedSecret:
    """One version at rest: a value encrypted under its own data key, the data key wrapped under a KEK."""

    key_version: str
    wrapped_key: bytes
    key_nonce: bytes
    nonce: bytes
    ciphertext: bytes

    def __repr__(self) -> str:
        # Ciphertext is harmless, but a repr full of bytes only ever makes logs noisy.
        return f"SealedSecret(key_version={self.key_version!r}, ciphertext={len(self.ciphertext)} bytes)"
