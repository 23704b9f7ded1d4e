"""CanvasState validation: what a v1 layout may hold, the message naming the first bad path, the limits, and
agreement with the exported JSON Schema contract."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from dvt.domain.canvas import MAX_BYTES, MAX_POSITIONS, validate
from dvt.domain.errors import ValidationError
from tests.conftest import ROOT
from tests.support.canvas import layout

CONTRACT = json.loads((ROOT / "schema" / "contracts" / "canvas-state.v1.schema.json").read_text())
CHECKER = jsonschema.Draft202012Validator(CONTRACT)
NODE = "model.jaffle_shop.customers"
GROUP = "folder:models/staging"


def edited(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    document = layout()
    change(document)
    return document


def position(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["positions"][NODE].update(values)


def many_positions(count: int) -> dict[str, Any]:
    return {f"model.shop.m{i}": {"x": i, "y": -i, "pinned": False} for i in range(count)}


# (document, the exact message): each refusal expressible in JSON, so the contract must refuse it too.
REFUSED = [
    ([], "the canvas state must be a JSON object"),
    (
        layout(theme="dark"),
        'unknown top-level key "theme": expected version, viewport, positions, collapsed, mode, groupBy, focus, '
        "depth, groups, expanded",
    ),
    (layout(without=("mode",)), "mode is required"),
    (layout(version=2), "version must be 1"),
    (layout(version="1"), "version must be 1"),
    (layout(viewport=[0, 0, 1]), "viewport must be an object"),
    (layout(expanded="shop"), "expanded must be a list of strings"),
    (layout(expanded=[""]), "expanded[0] must be a non-empty string"),
    (layout(viewport={"x": 0, "y": 0}), "viewport.zoom is required"),
    (layout(viewport={"x": 0, "y": 0, "zoom": 0}), "viewport.zoom must be greater than 0"),
    (layout(viewport={"x": 0, "y": 0, "zoom": -2}), "viewport.zoom must be greater than 0"),
    (layout(viewport={"x": "0", "y": 0, "zoom": 1}), "viewport.x must be a finite number"),
    (
        layout(viewport={"x": 0, "y": 0, "zoom": 1, "rotation": 0}),
        'unknown key "rotation" in viewport: expected x, y, zoom',
    ),
    (edited(position(x="1")), f'positions["{NODE}"].x must be a finite number'),
    (edited(position(y=True)), f'positions["{NODE}"].y must be a finite number'),
    (edited(position(y=None)), f'positions["{NODE}"].y must be a finite number'),
    (edited(position(pinned="yes")), f'positions["{NODE}"].pinned must be true or false'),
    (edited(position(pinned=1)), f'positions["{NODE}"].pinned must be true or false'),
    (edited(position(width=10)), f'unknown key "width" in positions["{NODE}"]: expected x, y, pinned'),
    (edited(lambda d: d["positions"][NODE].pop("pinned")), f'positions["{NODE}"].pinned is required'),
    (edited(lambda d: d["positions"].update({NODE: [0, 0]})), f'positions["{NODE}"] must be an object'),
    (
        edited(lambda d: d["positions"].update({"": {"x": 0, "y": 0, "pinned": False}})),
        "positions keys must be non-empty strings",
    ),
    (layout(positions=many_positions(MAX_POSITIONS + 1)), "positions holds 20,001 entries; at most 20,000"),
    (layout(groups=[]), "groups must be an object"),
    (edited(lambda d: d["groups"][GROUP].update(label=None)), f'groups["{GROUP}"].label must be a string'),
    (
        edited(lambda d: d["groups"][GROUP]["members"].append(3)),
        f'groups["{GROUP}"].members[2] must be a non-empty string',
    ),
    (edited(lambda d: d["groups"][GROUP].update(members="a")), f'groups["{GROUP}"].members must be a list of strings'),
    (edited(lambda d: d["groups"][GROUP].pop("members")), f'groups["{GROUP}"].members is required'),
    (layout(collapsed=GROUP), "collapsed must be a list of strings"),
    (layout(collapsed=[GROUP, ""]), "collapsed[1] must be a non-empty string"),
    (layout(mode="tree"), 'mode must be one of "focused", "overview"'),
    (layout(groupBy="owner"), 'groupBy must be one of "folder", "package", "tag", "group", "resource_type"'),
    (layout(focus=""), "focus must be a node's unique_id or null"),
    (layout(focus=7), "focus must be a node's unique_id or null"),
    (layout(depth=0), "depth must be a whole number from 1 to 10"),
    (layout(depth=11), "depth must be a whole number from 1 to 10"),
    (layout(depth=2.5), "depth must be a whole number from 1 to 10"),
    (layout(depth=True), "depth must be a whole number from 1 to 10"),
]

# Accepted, by the validator and the contract alike.
ACCEPTED = [
    layout(),
    layout(without=("groups",)),
    layout(groups={}, collapsed=[], positions={}, focus=None, mode="overview", groupBy="resource_type"),
    layout(depth=1),
    layout(depth=10.0),
    layout(viewport={"x": -1e300, "y": 1e300, "zoom": 1e-9}),
    layout(viewport=None),
    layout(expanded=["shop/models/staging"]),
    layout(positions={"model.modèle.ünïcode": {"x": 0.1, "y": 0.2, "pinned": False}}),
    layout(positions=many_positions(MAX_POSITIONS)),
]


@pytest.mark.parametrize(("document", "message"), REFUSED, ids=[m[:60] for _, m in REFUSED])
def test_a_bad_document_is_refused_with_the_path_of_its_first_problem(document: Any, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate(copy.deepcopy(document))
    assert str(refused.value) == message


@pytest.mark.parametrize("document", ACCEPTED, ids=range(len(ACCEPTED)))
def test_a_valid_document_is_accepted_as_it_was_sent(document: dict[str, Any]) -> None:
    assert validate(document) is document


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf"), 10**400])
def test_a_number_json_cannot_carry_or_a_double_cannot_hold_is_refused(number: float) -> None:
    with pytest.raises(ValidationError, match=re.escape(f'positions["{NODE}"].x must be a finite number')):
        validate(edited(position(x=number)))


def test_a_document_past_the_size_limit_is_refused_with_its_size() -> None:
    big = layout(groups={"g": {"label": "x" * MAX_BYTES, "members": []}})
    with pytest.raises(ValidationError, match=r"^the canvas state is 2,097,\d{3} bytes as JSON; at most 2,097,152$"):
        validate(big)


def test_the_size_limit_counts_the_bytes_of_utf8_not_the_characters() -> None:
    label = "é" * (MAX_BYTES // 2)  # 1 MiB of characters, 2 MiB of UTF-8
    with pytest.raises(ValidationError, match="bytes as JSON"):
        validate(layout(groups={"g": {"label": label, "members": []}}))


@pytest.mark.parametrize("document", ACCEPTED, ids=range(len(ACCEPTED)))
def test_the_contract_accepts_what_the_validator_accepts(document: dict[str, Any]) -> None:
    assert list(CHECKER.iter_errors(document)) == []


@pytest.mark.parametrize(("document", "message"), REFUSED, ids=[m[:60] for _, m in REFUSED])
def test_the_contract_refuses_what_the_validator_refuses(document: Any, message: str) -> None:
    assert list(CHECKER.iter_errors(document)) != [], message
