"""orjson's canonical bytes of a plain document, for sealing big plans.

On a plain value (no floats, keys in the Basic Multilingual Plane: what `canonical_json_framed` hands it)
orjson with sorted keys writes exactly the bytes of the standard library's encoder, RFC 8785's form, in
about a seventh of the time. The domain stays on the standard library; the application passes this in.
"""

from __future__ import annotations

from typing import Any

import orjson

from dvt.domain.canonical import encode_plain


def plain_json(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits, which the standard library writes
        return encode_plain(value)
