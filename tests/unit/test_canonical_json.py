"""One canonical JSON (RFC 8785) for plans' fingerprints and audit hashes, checked against the `rfc8785` package."""

from __future__ import annotations

import random
import struct

import pytest
import rfc8785

from dvt.domain.canonical import canonical_json


def test_numbers_print_as_ecmascript_does() -> None:
    rng = random.Random(8785)
    samples = [0.1, 1.0, -0.5, 1e21, 1e20, 1e-7, 1e-6, 5e-324, 1.7976931348623157e308, 123.456, 2.5e22]
    samples += [struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0] for _ in range(5000)]
    samples += [round(rng.random(), rng.randint(0, 8)) * 10 ** rng.randint(-10, 25) for _ in range(5000)]
    finite = [x for x in samples if x == x and abs(x) != float("inf")]
    assert [canonical_json(x) for x in finite] == [rfc8785.dumps(x) for x in finite]


def test_members_sort_by_utf16_code_units_and_strings_escape_only_what_json_must() -> None:
    # U+1F600 sorts before U+FFFF in UTF-16 (a surrogate pair) but after it by code point.
    document = {"\uffff": 1, "\U0001f600": [2, None], "a\n": 'x\u2028\x01"\\é', "b": {"z": True, "é": False}}
    assert canonical_json(document) == rfc8785.dumps(document)


def test_documents_without_floats_take_the_fast_path_to_the_same_bytes() -> None:
    document = {"items": [{"unique_id": f"model.p.m{i}", "wave": i, "ok": i % 2 == 0} for i in range(50)], "é": "ü"}
    assert canonical_json(document) == rfc8785.dumps(document)


def test_what_json_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})
    with pytest.raises(TypeError):
        canonical_json({1: "one", "x": 1.5})
