"""RFC 8785 canonical JSON (JCS): the one byte form that plans' fingerprints and audit hashes are taken over.

Standard library only, so the domain seals its own documents: members sorted by their UTF-16 code units,
no insignificant whitespace, strings escaped as JSON requires and nothing more, numbers as ECMAScript
prints them. Documents without floats or astral-plane keys (every plan) take the C encoder's path.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

_encode_string = json.encoder.encode_basestring  # escapes only what JSON must, keeps the rest as UTF-8
_fast = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)


def canonical_json(value: Any) -> bytes:
    """`value` (dicts, lists, tuples, str, int, float, bool, None) as RFC 8785 canonical UTF-8 bytes."""
    if _plain(value):
        # Same bytes as the general path: sorting by code point equals sorting by UTF-16 below U+10000,
        # and integers print alike; a test checks both against the `rfc8785` package.
        return encode_plain(value)
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts).encode()


def encode_plain(value: Any) -> bytes:
    """The canonical bytes of a plain value (no floats, no keys outside the Basic Multilingual Plane)."""
    return _fast.encode(value).encode()


def canonical_json_framed(value: Any, free: Iterable[Any], plain: Callable[[Any], bytes] = encode_plain) -> bytes:
    """`canonical_json(value)` for a document whose shape its writer fixes: every member outside the `free`
    values (what callers put in, such as dbt vars) is known to be plain, so only those are walked.

    A plan of thousands of items is mostly such a frame: walking all of it cost more than encoding it.
    `plain` encodes it when it is plain: `encode_plain`, or an encoder that writes the same bytes faster.
    """
    if all(_plain(part) for part in free):
        return plain(value)
    return canonical_json(value)


def _plain(value: Any) -> bool:
    """No floats, no keys outside the Basic Multilingual Plane: the C encoder's output is canonical.

    Exact type checks, not isinstance: this walks every value of a plan of thousands of nodes.
    """
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is dict:
            for key in item:
                if type(key) is not str or (not key.isascii() and max(key) > "\uffff"):
                    return False
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        else:
            return False  # a float, or a type the general path writes or refuses
    return True


def _write(value: Any, parts: list[str]) -> None:
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, str):
        parts.append(_encode_string(value))
    elif isinstance(value, int):
        parts.append(str(value))
    elif isinstance(value, float):
        parts.append(_number(value))
    elif isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("canonical JSON object keys must be strings")
        parts.append("{")
        for n, key in enumerate(sorted(value, key=lambda k: k.encode("utf-16-be"))):
            if n:
                parts.append(",")
            parts.append(_encode_string(key))
            parts.append(":")
            _write(value[key], parts)
        parts.append("}")
    elif isinstance(value, list | tuple):
        parts.append("[")
        for n, member in enumerate(value):
            if n:
                parts.append(",")
            _write(member, parts)
        parts.append("]")
    else:
        raise TypeError(f"{type(value).__name__} is not JSON")


def _number(value: float) -> str:
    """ECMAScript's Number.prototype.toString of a finite double (RFC 8785 section 3.2.2.3)."""
    if not math.isfinite(value):
        raise ValueError("canonical JSON has no NaN or Infinity")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that round-trip, as ECMAScript does; only the layout differs.
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    n = len(whole) + int(exponent or 0)  # value = 0.digits x 10^n
    significant = digits.lstrip("0")
    n -= len(digits) - len(significant)
    digits = significant.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e > 0 else "-") + str(abs(e))
    return sign + text
