"""Walking the GraphQL schema: root fields, argument values to try, and a selection of everything.

Used by the isolation suite, so a field added tomorrow is attacked tomorrow without editing the test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
)

MAX_COMBINATIONS = 12  # argument combinations tried per field and role


def named(type_: Any) -> GraphQLNamedType:
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        type_ = type_.of_type
    return type_  # type: ignore[no-any-return]


def root_fields(schema: GraphQLSchema) -> Iterator[tuple[str, str, GraphQLField]]:
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        if root is None:
            continue
        for name, definition in sorted(root.fields.items()):
            yield operation, name, definition
    if schema.subscription_type is not None:
        for name, definition in sorted(schema.subscription_type.fields.items()):
            yield "subscription", name, definition


def selection(type_: Any, depth: int = 3) -> str:
    """Every scalar field, and object fields to `depth`, with no arguments needed."""
    target = named(type_)
    if isinstance(target, GraphQLScalarType) or (
        not hasattr(target, "fields") and not isinstance(target, GraphQLUnionType)
    ):
        return ""
    if isinstance(target, GraphQLUnionType):
        parts = [f"... on {member.name} {selection(member, depth)}" for member in target.types]
        return "{ __typename " + " ".join(p for p in parts if not p.endswith(" ")) + " }"
    assert isinstance(target, (GraphQLObjectType, GraphQLInterfaceType))
    picked = ["__typename"]
    for name, definition in sorted(target.fields.items()):
        required = [a for a in definition.args.values() if isinstance(a.type, GraphQLNonNull)]
        if required:
            continue
        inner = named(definition.type)
        if isinstance(inner, GraphQLScalarType) or (
            not hasattr(inner, "fields") and not isinstance(inner, GraphQLUnionType)
        ):
            picked.append(name)
        elif depth > 0:
            nested = selection(inner, depth - 1)
            if nested:
                picked.append(f"{name} {nested}")
    return "{ " + " ".join(picked) + " }"


@dataclass
class Candidates:
    """Values from the victim tenant to feed an attacker's arguments."""

    ids: list[str]  # global ids and raw uuids of every object of the victim
    strings: dict[str, list[str]]  # by argument name: slugs, unique_ids, ...
    fallback: list[str]


def _values_for(argument_name: str, argument: GraphQLArgument | Any, candidates: Candidates) -> list[Any]:
    inner = named(argument.type)
    if isinstance(inner, GraphQLInputObjectType):
        fields = {name: _values_for(name, f, candidates) for name, f in inner.fields.items()}
        required = {n: v for n, v in fields.items() if isinstance(inner.fields[n].type, GraphQLNonNull)}
        optional = {n: v for n, v in fields.items() if n not in required and v}
        out = []
        for combo in itertools.islice(itertools.product(*required.values()), MAX_COMBINATIONS):
            value = dict(zip(required, combo, strict=True))
            out.append(value | {n: v[0] for n, v in optional.items()})
        return out
    if inner.name in ("ID", "UUID"):
        return list(candidates.ids)
    if inner.name == "String":
        return candidates.strings.get(argument_name, candidates.fallback)
    if inner.name == "Int":
        return [1]
    if inner.name == "Boolean":
        return [True]
    if inner.name == "JSON":
        return [{}]
    return []  # uploads and the like: the field is tried without them where they are optional


def argument_sets(definition: GraphQLField, candidates: Candidates) -> list[dict[str, Any]]:
    names = list(definition.args)
    if not names:
        return [{}]
    options = []
    for name in names:
        values = _values_for(name, definition.args[name], candidates)
        if isinstance(definition.args[name].type, GraphQLNonNull):
            if not values:
                return []
            options.append(values)
        else:
            options.append([None, *values[:2]])
    sets = []
    for combo in itertools.islice(itertools.product(*options), MAX_COMBINATIONS):
        sets.append({n: v for n, v in zip(names, combo, strict=True) if v is not None})
    return sets


def document(
    operation: str, name: str, definition: GraphQLField, arguments: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """A document calling one root field with variables, selecting all it can."""
    declared = ", ".join(f"${a}: {definition.args[a].type}" for a in arguments)
    passed = ", ".join(f"{a}: ${a}" for a in arguments)
    head = f"{operation}({declared})" if declared else operation
    call = f"{name}({passed})" if passed else name
    return f"{head} {{ {call} {selection(definition.type)} }}", arguments


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
