"""Selection criteria and the set operations that combine them, parsed from `--select`/`--exclude` strings
with dbt's own grammar (dbt/graph/cli.py and selector_spec.py, dbt-core 1.11).

    --select "a b"        union of a and b (space; each argument is split on single spaces)
    --select "a,b"        intersection of a and b
    --exclude c           difference: what --select chose minus what --exclude chose
    [@][N+][method[.arg...]:]value[+[N]]   one criterion; method defaults to fqn, path or file
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from dvt.domain.errors import ValidationError

RAW_SELECTOR_PATTERN = re.compile(
    r"\A"
    r"(?P<childrens_parents>(\@))?"
    r"(?P<parents>((?P<parents_depth>(\d*))\+))?"
    r"((?P<method>([\w.]+)):)?(?P<value>(.*?))"
    r"(?P<children>(\+(?P<children_depth>(\d*))))?"
    r"\Z"
)

METHOD_NAMES = frozenset(
    {
        "fqn", "tag", "group", "access", "source", "path", "file", "package", "config", "test_name",
        "test_type", "resource_type", "state", "exposure", "metric", "result", "source_status", "version",
        "semantic_model", "saved_query", "unit_test",
    }
)  # fmt: skip

# What `dbt ls` selects with no --select: every node by fqn, plus the resources fqn does not match.
DEFAULT_INCLUDES = ("fqn:*", "source:*", "exposure:*", "metric:*", "semantic_model:*")


class IndirectSelection(StrEnum):
    """Which tests come along with the resources they test (`--indirect-selection`)."""

    EAGER = "eager"  # any parent selected
    CAUTIOUS = "cautious"  # every parent selected
    BUILDABLE = "buildable"  # every parent selected or an ancestor of the selection
    EMPTY = "empty"  # none


def indirect_selection(value: Any) -> IndirectSelection:
    try:
        return IndirectSelection(str(value).lower())
    except ValueError:
        choices = ", ".join(f"'{mode}'" for mode in IndirectSelection)
        raise ValidationError(f"'{value}' is not a valid indirect selection; expected one of {choices}") from None


@dataclass(frozen=True, slots=True)
class Criterion:
    """One selection criterion: a method and value, and the graph operators around it."""

    text: str  # as written, for explanations and warnings
    method: str
    arguments: tuple[str, ...]  # config.materialized -> ("materialized",)
    value: Any  # a string from the command line; YAML selectors may give other scalars
    childrens_parents: bool = False  # @
    parents: bool = False  # N+ prefix
    parents_depth: int | None = None
    children: bool = False  # +N suffix
    children_depth: int | None = None
    indirect: IndirectSelection = IndirectSelection.EAGER

    @property
    def method_text(self) -> str:
        """The criterion without its graph operators, e.g. `config.materialized:table`."""
        return f"{'.'.join((self.method, *self.arguments))}:{self.value}"


@dataclass(frozen=True, slots=True)
class SetOperation:
    operator: Literal["union", "intersection", "difference"]
    components: tuple[Spec, ...]
    indirect: IndirectSelection = IndirectSelection.EAGER
    expect_exists: bool = False  # warn when it selects nothing (each --select/--exclude argument)
    text: str = ""


Spec = Criterion | SetOperation


def default_method(value: str) -> str:
    if "/" in value:
        return "path"
    if value.lower().endswith((".sql", ".py", ".csv")):
        return "file"
    return "fqn"


def parse_method(raw_method: str | None, value: str) -> tuple[str, tuple[str, ...]]:
    if raw_method is None:
        return default_method(value), ()
    name, *arguments = raw_method.split(".")
    if name not in METHOD_NAMES:
        raise ValidationError(f"'{name}' is not a valid method name; expected one of {', '.join(sorted(METHOD_NAMES))}")
    return name, tuple(arguments)


def _depth(raw: Any, key: str) -> int | None:
    if not raw:  # "", None, and (from YAML) 0 and False: no limit
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationError(f"Invalid node spec - could not handle {key.replace('_', ' ')} {raw}") from None


def criterion_from_dict(text: str, fields: Mapping[str, Any], indirect: IndirectSelection) -> Criterion:
    """A criterion from its parts: the regex's groups, or a YAML selector's method dict."""
    if fields.get("value") is None:
        raise ValidationError(f'Invalid node spec "{text}" - no search value!')
    value = fields["value"]
    raw_method = fields.get("method")
    method, arguments = parse_method(None if raw_method is None else str(raw_method), str(value))
    if "indirect_selection" in fields:
        indirect = indirect_selection(fields["indirect_selection"])
    criterion = Criterion(
        text=text,
        method=method,
        arguments=arguments,
        value=value,
        childrens_parents=bool(fields.get("childrens_parents")),
        parents=bool(fields.get("parents")),
        parents_depth=_depth(fields.get("parents_depth"), "parents_depth"),
        children=bool(fields.get("children")),
        children_depth=_depth(fields.get("children_depth"), "children_depth"),
        indirect=indirect,
    )
    if criterion.children and criterion.childrens_parents:
        raise ValidationError(f'Invalid node spec {text} - "@" prefix and "+" suffix are incompatible')
    return criterion


def criterion_groups(raw: str) -> dict[str, Any]:
    """The regex's named groups of one criterion string; ValidationError if it does not match."""
    match = RAW_SELECTOR_PATTERN.match(raw)
    if match is None:
        raise ValidationError(f'Invalid selector spec "{raw}"')
    return match.groupdict()


def parse_criterion(raw: str, indirect: IndirectSelection = IndirectSelection.EAGER) -> Criterion:
    return criterion_from_dict(raw, criterion_groups(raw), indirect)


def parse_union(components: Sequence[str], *, expect_exists: bool, indirect: IndirectSelection) -> SetOperation:
    """['a b', 'c,d'] -> union(a, b, intersection(c, d)), as dbt reads --select and --exclude."""
    unions: list[Spec] = []
    for argument in components:
        for raw_spec in argument.split(" "):
            parts = tuple(parse_criterion(part, indirect) for part in raw_spec.split(","))
            unions.append(SetOperation("intersection", parts, indirect, expect_exists, raw_spec))
    return SetOperation("union", tuple(unions), indirect, False, " ".join(components))


def parse_difference(
    include: Sequence[str] | None, exclude: Sequence[str] | None, indirect: IndirectSelection
) -> SetOperation:
    """--select minus --exclude. No --select means the default includes (every resource)."""
    if include is None or len(include) == 0:
        included = parse_union(DEFAULT_INCLUDES, expect_exists=False, indirect=indirect)
    else:
        included = parse_union(include, expect_exists=True, indirect=indirect)
    excluded = parse_union(exclude or (), expect_exists=True, indirect=indirect)
    return SetOperation("difference", (included, excluded), IndirectSelection.EAGER, False, "")
