"""A plan request checks itself when made (issue 11, D1 and D8): selections in dbt's grammar only, vars a
small, shallow JSON object."""

from __future__ import annotations

from typing import Any

import pytest

from dvt.domain.errors import ValidationError
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.plan.variables import MAX_BYTES, MAX_DEPTH, check_vars


def nested(depth: int, inner: Any = 1, container: str = "object") -> Any:
    value = inner
    for _ in range(depth):
        value = {"v": value} if container == "object" else [value]
    return value


def test_vars_at_the_depth_limit_pass_and_one_level_more_is_refused_naming_both() -> None:
    assert check_vars(nested(MAX_DEPTH)) == nested(MAX_DEPTH)
    with pytest.raises(ValidationError, match=f"nested {MAX_DEPTH + 1} levels deep; at most {MAX_DEPTH}"):
        check_vars(nested(MAX_DEPTH + 1))
    with pytest.raises(ValidationError, match="nested 21 levels"):
        check_vars({"v": nested(MAX_DEPTH, container="list")})


def test_vars_thousands_deep_are_refused_without_overflowing() -> None:
    with pytest.raises(ValidationError, match="nested 100001 levels deep"):
        check_vars({"v": nested(100_000, container="list")})


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({1: "a"}, "keys of vars are strings"),
        ({"a": {"b": {2: 1}}}, "vars.a.b has the key 2"),
        ({"a": [1, float("nan")]}, r"vars.a\[1\] is nan"),
        ({"a": float("inf")}, "finite"),
        ({"a": object()}, "JSON values only"),
        ({"a": "x" * MAX_BYTES}, "at most 64 KiB"),
        ([], "not a JSON array"),
        (None, "not null"),
    ],
)
def test_vars_that_are_not_a_small_json_object_are_refused(value: Any, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        check_vars(value)


def test_a_request_checks_every_part_when_made() -> None:
    request = PlanRequest(select=("orders+",), exclude=("tag:slow",), selector=None, indirect_selection="CAUTIOUS")
    assert request.indirect_selection == "cautious"
    for bad in (
        {"select": ("orders", "--empty")},
        {"exclude": ("a b",)},
        {"selector": "--project-dir=/x"},
        {"indirect_selection": "eager --empty"},
        {"vars": nested(MAX_DEPTH + 1)},
        {"select": "orders"},
    ):
        with pytest.raises(ValidationError):
            PlanRequest(**bad)  # type: ignore[arg-type]
