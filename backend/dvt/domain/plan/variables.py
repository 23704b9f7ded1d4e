"""What `vars` a plan request may carry: a JSON object dbt gets as `--vars`, small and shallow enough to be
stored in the plan, sealed, and served back in every listing that shows the plan's request.

Unbounded nesting broke exactly that: JSON encoders stop at a few hundred levels, so one deep request made
every later response that included it fail. The walk below is iterative, so checking cannot overflow either.
"""

from __future__ import annotations

import json
import math
from typing import Any

from dvt.domain.errors import ValidationError

MAX_DEPTH = 20  # objects and lists inside one another, the vars object itself counted
MAX_BYTES = 64 * 1024  # as compact UTF-8 JSON


def check_vars(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object within the limits, else a ValidationError saying which limit."""
    if not isinstance(value, dict):
        raise ValidationError(f"vars must be a JSON object of names to values, not {_json_kind(value)}")
    deepest = 0
    pending: list[tuple[Any, int, str]] = [(value, 1, "vars")]
    while pending:
        item, depth, where = pending.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise ValidationError(f"{where} has the key {key!r}: keys of vars are strings")
                pending.append((inner, depth + 1, f"{where}.{key}"))
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            pending.extend((inner, depth + 1, f"{where}[{i}]") for i, inner in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValidationError(f"{where} is {item}: JSON numbers are finite")
        elif item is not None and not isinstance(item, str | int | float | bool):
            raise ValidationError(f"{where} is a {type(item).__name__}: vars hold JSON values only")
    if deepest > MAX_DEPTH:
        raise ValidationError(f"vars are nested {deepest} levels deep; at most {MAX_DEPTH} are accepted")
    size = len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ValidationError(f"vars are {size} bytes as JSON; at most {MAX_BYTES // 1024} KiB are accepted")
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a JSON array"
    if isinstance(value, str):
        return "a JSON string"
    if isinstance(value, bool):
        return "a JSON boolean"
    if isinstance(value, int | float):
        return "a JSON number"
    return "null" if value is None else f"a {type(value).__name__}"
