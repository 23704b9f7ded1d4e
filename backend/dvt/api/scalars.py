"""Scalars shared by the API's types, and the JSON scalar's input check.

Strawberry's JSON scalar takes any value. A value nested hundreds of levels deep then failed far from the
input (orjson stops at 254 levels: an INTERNAL error, or a stored plan no response could encode any more), so
the schema's JSON scalar refuses, as a GraphQL error naming the limit, input nested past `MAX_JSON_DEPTH`.
The same name, description and URL keep the exported schema unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import GraphQLError
from strawberry.scalars import JSON as _JSON
from strawberry.types.scalar import ScalarDefinition, scalar

if TYPE_CHECKING:
    JSON = Any  # strawberry's JSON is a NewType of object; to the type checker any JSON value will do
else:
    JSON = _JSON

MAX_JSON_DEPTH = 64  # objects and arrays inside one another; every JSON input of the API is far shallower

_ECMA_404 = "https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf"


def json_depth(value: Any) -> int:
    """How many objects and arrays deep `value` is, walked without recursion (it may be very deep)."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth)
            pending.extend((inner, depth + 1) for inner in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth)
            pending.extend((inner, depth + 1) for inner in item)
    return deepest


def _parse_json(value: Any) -> Any:
    depth = json_depth(value)
    if depth > MAX_JSON_DEPTH:
        raise GraphQLError(
            f"JSON input nested {depth} levels deep; at most {MAX_JSON_DEPTH} are accepted",
            extensions={"code": "VALIDATION"},
        )
    return value


CHECKED_JSON: ScalarDefinition = scalar(
    name="JSON",
    description=f"The `JSON` scalar type represents JSON values as specified by [ECMA-404]({_ECMA_404}).",
    specified_by_url=_ECMA_404,
    serialize=lambda value: value,
    parse_value=_parse_json,
)
SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {_JSON: CHECKED_JSON}

__all__ = ["JSON", "MAX_JSON_DEPTH", "SCALAR_OVERRIDES", "json_depth"]
