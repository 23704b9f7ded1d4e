"""Key-encryption keys (KEKs): versioned 256-bit keys from `DVT_SECRET_KEYS` or the local key file.

`DVT_SECRET_KEYS` is `VERSION:BASE64,VERSION:BASE64,...`. Every listed key can unwrap; the last one listed
is active and wraps every new data key. Rotating without downtime, on any number of replicas:

1. append a new key (`k1:...,k2:...`) and restart the replicas one by one;
2. once every replica has it, run `dvt secrets rotate`: it re-wraps each stored data key under `k2`;
3. drop `k1` from the list on the next restart.

Error messages describe an entry by its position, never by its text: a mistyped entry may be key material.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import os
import re
import secrets
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from dvt.domain.errors import ValidationError

log = logging.getLogger(__name__)

ENV_VARIABLE = "DVT_SECRET_KEYS"
KEY_FILE = "secret-keys"
KEY_BYTES = 32
FIRST_VERSION = "k1"
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


class KeyringError(ValidationError):
    """A key configuration DVT refuses, or a stored secret wrapped under a key it was not given."""


class Keyring:
    """Versioned KEKs in the order given; the last is active. Its repr names versions, never keys."""

    __slots__ = ("_keys", "_source")

    def __init__(self, entries: Sequence[tuple[str, bytes]], *, source: str = ENV_VARIABLE) -> None:
        if not entries:
            raise KeyringError(f"{source} holds no keys")
        self._source = source
        self._keys: dict[str, bytes] = {}
        for position, (version, key) in enumerate(entries, start=1):
            if not _VERSION.match(version):
                raise KeyringError(_bad_version(source, position))
            if len(key) != KEY_BYTES:
                raise KeyringError(f"entry {position} of {source}: a key must be exactly {KEY_BYTES} bytes")
            if version in self._keys:
                raise KeyringError(f"entry {position} of {source}: key version {version!r} is listed twice")
            self._keys[version] = bytes(key)

    @property
    def active_version(self) -> str:
        return next(reversed(self._keys))

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(self._keys)

    @property
    def source(self) -> str:
        return self._source

    def key(self, version: str) -> bytes:
        try:
            return self._keys[version]
        except KeyError:
            raise KeyringError(
                f"a secret is wrapped under key version {version!r}, which {self._source} does not hold"
                f" (it holds {', '.join(self._keys)}): add that key back to decrypt it"
            ) from None

    def active_key(self) -> bytes:
        return self._keys[self.active_version]

    def __repr__(self) -> str:
        return f"Keyring(versions={list(self._keys)}, active={self.active_version!r}, source={self._source!r})"

    __str__ = __repr__


def _bad_version(source: str, position: int) -> str:
    return (
        f"entry {position} of {source}: the key version must be 1-32 letters, digits, '.', '_' or '-'"
        " starting with a letter or digit, followed by ':' and the base64 key"
    )


def _decode(text: str, source: str, position: int) -> bytes:
    # Accept both base64 alphabets: keys pasted from `openssl rand -base64 32` or from URL-safe tools.
    normalized = text.strip().replace("-", "+").replace("_", "/")
    try:
        key = base64.b64decode(normalized, validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"entry {position} of {source}: the key is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise KeyringError(
            f"entry {position} of {source}: the key decodes to {len(key)} bytes, expected {KEY_BYTES}"
            " (make one with `openssl rand -base64 32`)"
        )
    return key


def parse_keyring(text: str, *, source: str = ENV_VARIABLE) -> Keyring:
    """Parse `VERSION:BASE64[,VERSION:BASE64...]`; newlines also separate; `#` lines are skipped."""
    entries: list[tuple[str, bytes]] = []
    lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
    raw = [e.strip() for line in lines for e in line.split(",")]
    for position, entry in enumerate((e for e in raw if e), start=1):
        version, colon, encoded = entry.partition(":")
        version = version.strip()
        if not colon or not _VERSION.match(version):
            raise KeyringError(_bad_version(source, position))
        entries.append((version, _decode(encoded, source, position)))
    if not entries:
        raise KeyringError(f"{source} is set but holds no keys: expected VERSION:BASE64[,VERSION:BASE64...]")
    return Keyring(entries, source=source)


def key_entry(version: str) -> str:
    """A fresh `VERSION:BASE64` entry for an operator to append to DVT_SECRET_KEYS or the key file."""
    if not _VERSION.match(version):
        raise KeyringError(_bad_version("the new key", 1))
    return f"{version}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


@contextlib.contextmanager
def _private_temporary(directory: Path) -> Iterator[Path]:
    path = directory / f".{KEY_FILE}.{secrets.token_hex(8)}.tmp"
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def generate_local_keyring(data_dir: Path) -> Keyring:
    """The embedded default's KEK: DATA_DIR/secret-keys (mode 0600), created once and reused after."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / KEY_FILE
    source = str(path)
    if not path.exists():
        with _private_temporary(data_dir) as temporary:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(
                    "# DVT key-encryption keys: VERSION:BASE64, the last line is active. Back this file up:\n"
                    "# secrets stored in this data dir cannot be decrypted without it.\n"
                    f"{key_entry(FIRST_VERSION)}\n"
                )
                handle.flush()
                os.fsync(handle.fileno())
            try:
                # link() refuses an existing target: of two processes starting at once, exactly one wins,
                # and neither can ever read a half-written file.
                os.link(temporary, path)
            except FileExistsError:
                pass
            else:
                log.warning(
                    "created secret key file %s (key version %s) with mode 0600; back it up: secrets"
                    " stored in this data dir cannot be decrypted without it",
                    path,
                    FIRST_VERSION,
                )
                return parse_keyring(path.read_text(), source=source)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("secret key file %s is readable by others (mode %o): chmod 600 it", path, mode)
    keyring = parse_keyring(path.read_text(), source=source)
    log.info("using secret key file %s (active key version %s)", path, keyring.active_version)
    return keyring


def load_keyring(secret_keys: str | None, data_dir: Path, *, allow_local: bool = True) -> Keyring:
    """`DVT_SECRET_KEYS` when set, else the local key file in the data dir (the embedded default).

    Pass `allow_local=False` when the database is shared (DVT_DATABASE_URL set): replicas that each made
    their own key file could not read each other's secrets.
    """
    if secret_keys is not None and secret_keys.strip():
        return parse_keyring(secret_keys)
    if not allow_local:
        raise KeyringError(
            f"{ENV_VARIABLE} is required with a shared database, so every replica holds the same keys:"
            f" set it to e.g. {FIRST_VERSION}:$(openssl rand -base64 32)"
        )
    return generate_local_keyring(data_dir)
