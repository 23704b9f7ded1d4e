"""AES-GCM envelopes, the keyring and secret names: no database."""

from __future__ import annotations

import base64
import dataclasses
import logging
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest

from dvt.adapters.secrets import envelope
from dvt.adapters.secrets.envelope import SecretIntegrityError
from dvt.adapters.secrets.keyring import (
    KEY_FILE,
    Keyring,
    KeyringError,
    generate_local_keyring,
    key_entry,
    load_keyring,
    parse_keyring,
)
from dvt.domain.errors import ValidationError
from dvt.domain.secrets import (
    SealedSecret,
    SecretBinding,
    check_secret_name,
    check_secret_value,
    env_var_name,
)

K1 = bytes(range(32))
K2 = bytes(range(100, 132))
K1_TEXT = base64.b64encode(K1).decode()
K2_TEXT = base64.b64encode(K2).decode()
VALUE = "s3cr3t-warehouse-password"
BINDING = SecretBinding(uuid.uuid4(), uuid.uuid4(), "PG_PASSWORD", 1)


def _keyring(*entries: tuple[str, bytes]) -> Keyring:
    return Keyring(list(entries))


def _flip(data: bytes, index: int = 0) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]


def test_a_sealed_value_opens_to_itself() -> None:
    keyring = _keyring(("k1", K1))
    sealed = envelope.seal(keyring, BINDING, VALUE)
    assert envelope.open(keyring, BINDING, sealed) == VALUE


def test_sealing_never_stores_the_value_or_reuses_keys_or_nonces() -> None:
    keyring = _keyring(("k1", K1))
    first, second = (envelope.seal(keyring, BINDING, VALUE) for _ in range(2))
    assert VALUE.encode() not in first.ciphertext
    assert (len(first.nonce), len(first.key_nonce), first.key_version) == (12, 12, "k1")
    assert first.ciphertext != second.ciphertext and first.wrapped_key != second.wrapped_key
    assert first.nonce != second.nonce


@pytest.mark.parametrize(
    "elsewhere",
    [
        dataclasses.replace(BINDING, tenant_id=uuid.uuid4()),
        dataclasses.replace(BINDING, environment_id=uuid.uuid4()),
        dataclasses.replace(BINDING, name="PG_PASSWORD_2"),
        dataclasses.replace(BINDING, version=2),
    ],
    ids=["tenant", "environment", "name", "version"],
)
def test_a_value_bound_elsewhere_does_not_open(elsewhere: SecretBinding) -> None:
    keyring = _keyring(("k1", K1))
    sealed = envelope.seal(keyring, BINDING, VALUE)
    with pytest.raises(SecretIntegrityError):
        envelope.open(keyring, elsewhere, sealed)


@pytest.mark.parametrize("field", ["ciphertext", "nonce", "wrapped_key", "key_nonce"])
def test_a_tampered_byte_does_not_open(field: str) -> None:
    keyring = _keyring(("k1", K1))
    sealed = envelope.seal(keyring, BINDING, VALUE)
    parts: dict[str, Any] = {**dataclasses.asdict(sealed), field: _flip(getattr(sealed, field))}
    tampered = SealedSecret(**parts)
    with pytest.raises(SecretIntegrityError):
        envelope.open(keyring, BINDING, tampered)


def test_a_relabelled_key_version_does_not_open() -> None:
    # Two versions that happen to hold the same key: the label is authenticated too.
    keyring = _keyring(("k1", K1), ("k2", K1))
    sealed = envelope.seal(_keyring(("k1", K1)), BINDING, VALUE)
    with pytest.raises(SecretIntegrityError):
        envelope.open(keyring, BINDING, dataclasses.replace(sealed, key_version="k2"))


def test_rewrap_moves_the_data_key_to_the_active_key_without_touching_the_value() -> None:
    sealed = envelope.seal(_keyring(("k1", K1)), BINDING, VALUE)
    rewrapped = envelope.rewrap(sealed, _keyring(("k1", K1), ("k2", K2)))
    assert rewrapped.key_version == "k2"
    assert (rewrapped.ciphertext, rewrapped.nonce) == (sealed.ciphertext, sealed.nonce)
    assert envelope.open(_keyring(("k2", K2)), BINDING, rewrapped) == VALUE


def test_rewrap_under_the_active_key_is_a_no_op() -> None:
    keyring = _keyring(("k1", K1), ("k2", K2))
    sealed = envelope.seal(keyring, BINDING, VALUE)
    assert envelope.rewrap(sealed, keyring) is sealed


def test_the_old_key_still_opens_rows_not_yet_rotated() -> None:
    sealed = envelope.seal(_keyring(("k1", K1)), BINDING, VALUE)
    both = _keyring(("k1", K1), ("k2", K2))
    assert envelope.open(both, BINDING, sealed) == VALUE
    assert envelope.seal(both, BINDING, VALUE).key_version == "k2"


def test_a_row_under_a_dropped_key_names_the_missing_version() -> None:
    sealed = envelope.seal(_keyring(("k1", K1)), BINDING, VALUE)
    with pytest.raises(KeyringError, match="'k1'"):
        envelope.open(_keyring(("k2", K2)), BINDING, sealed)


def test_the_last_listed_key_is_active_and_all_listed_keys_decrypt() -> None:
    keyring = parse_keyring(f"k1:{K1_TEXT}, k2:{K2_TEXT}")
    assert (keyring.active_version, keyring.versions) == ("k2", ("k1", "k2"))
    assert (keyring.key("k1"), keyring.active_key()) == (K1, K2)


def test_url_safe_base64_and_newlines_are_accepted() -> None:
    url_safe = base64.urlsafe_b64encode(bytes([251] * 32)).decode()
    keyring = parse_keyring(f"# comment\nold:{K1_TEXT}\nnew:{url_safe}\n")
    assert keyring.key("new") == bytes([251] * 32)


@pytest.mark.parametrize(
    "text",
    [
        K1_TEXT,  # version forgotten: the whole entry is key material
        f"k1:{K1_TEXT[:-4]}",  # 29 bytes
        f"k1:{K1_TEXT}!!",  # not base64
        f"k1:{K1_TEXT},k1:{K2_TEXT}",  # version twice
        f"{K1_TEXT}:k1",  # reversed
        f"k 1:{K1_TEXT}",  # bad version
        f"k1:{base64.b64encode(K1 + K2).decode()}",  # 64 bytes
        " , ",
    ],
    ids=["no-version", "short", "not-base64", "duplicate", "reversed", "bad-version", "long", "empty"],
)
def test_keyring_errors_never_contain_key_material(text: str) -> None:
    with pytest.raises(KeyringError) as caught:
        parse_keyring(text)
    message = str(caught.value)
    assert "DVT_SECRET_KEYS" in message
    for material in (K1_TEXT, K2_TEXT, base64.b64encode(K1 + K2).decode()):
        assert not any(material[i : i + 8] in message for i in range(len(material) - 8))


def test_a_keyring_never_shows_its_keys() -> None:
    keyring = parse_keyring(f"k1:{K1_TEXT},k2:{K2_TEXT}")
    shown = f"{keyring!r} {keyring!s}"
    assert "k1" in shown and K1_TEXT[:8] not in shown and K2_TEXT[:8] not in shown


def test_the_local_key_file_is_made_once_private_and_reused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="dvt.adapters.secrets.keyring"):
        first = generate_local_keyring(tmp_path)
        second = generate_local_keyring(tmp_path)
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.active_key() == second.active_key() and first.active_version == "k1"
    assert "created secret key file" in caplog.text and str(path) in caplog.text
    assert base64.b64encode(first.active_key()).decode() not in caplog.text
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]  # no temporary left behind


def test_the_local_key_file_is_refused_when_the_database_is_shared(tmp_path: Path) -> None:
    with pytest.raises(KeyringError, match="DVT_SECRET_KEYS is required"):
        load_keyring(None, tmp_path, allow_local=False)
    assert load_keyring(f"k9:{K1_TEXT}", tmp_path, allow_local=False).active_version == "k9"
    assert not (tmp_path / KEY_FILE).exists()


def test_a_new_key_entry_parses() -> None:
    assert parse_keyring(key_entry("k2")).active_version == "k2"


@pytest.mark.parametrize("name", ["PG_PASSWORD", "A", "K2", "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE", "A" * 64])
def test_upper_snake_names_are_accepted(name: str) -> None:
    assert env_var_name(name) == f"DBT_ENV_SECRET_{name}"


@pytest.mark.parametrize(
    "name",
    ["", "pg_password", "PG-PASSWORD", "_PG", "PG_", "PG__PASSWORD", "2FA", "A" * 65, "DBT_ENV_SECRET_X"],
)
def test_other_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        check_secret_name(name)


@pytest.mark.parametrize("value", ["", "a\x00b", "x" * (64 * 1024 + 1)])
def test_unusable_values_are_refused_without_quoting_them(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_secret_value(value)
    assert value not in str(caught.value) or not value
