"""One canonical JSON (RFC 8785) for plans' fingerprints and audit hashes, checked against the `rfc8785` package."""

from __future__ import annotations

import random
import struct

import pytest
import rfc8785

from dvt.application.plain_json import plain_json
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


def _plain_document(rng: random.Random) -> dict[str, object]:
    def char() -> str:
        while True:  # any code point but surrogates, which no str of a document holds
            code = rng.choice((rng.randint(0, 0x7F), rng.randint(0, 0xFFFF), rng.randint(0, 0x10FFFF)))
            if not 0xD800 <= code <= 0xDFFF:
                return chr(code)

    keys = ["".join(char() for _ in range(rng.randint(0, 4))) for _ in range(6)]
    document: dict[str, object] = {k: "".join(char() for _ in range(8)) for k in keys if not k or max(k) <= "\uffff"}
    document["n"] = [rng.randint(-(2**53), 2**53), True, None, ("tuple", 1)]  # rfc8785 holds to I-JSON's range
    document["nested"] = {"b": [{"z": 1, "a": "x\n\x00\u2028"}], "a": {}}
    return document


def test_orjson_writes_a_plain_document_as_the_standard_library_does() -> None:
    rng = random.Random(8785)
    for _ in range(3000):
        document = _plain_document(rng)
        assert plain_json(document) == canonical_json(document) == rfc8785.dumps(document)
    wide = {"top": 2**64 - 1, "bottom": -(2**63)}  # orjson's range, beyond I-JSON's
    assert plain_json(wide) == canonical_json(wide)
    beyond = {"big": 2**70, "negative": -(2**64)}  # orjson refuses integers beyond 64 bits: the fallback
    assert plain_json(beyond) == canonical_json(beyond)
