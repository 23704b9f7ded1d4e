"""CanvasState: one user's layout of a project's graph, saved with a revision number.

The layout is personal UI state (node positions and pins, the viewport, groups, the chosen mode); it never
changes the graph. A save names the revision it was based on, and is refused when the stored revision is
another: two browsers of one user cannot overwrite each other's work unseen.

`validate` is the one check of the document; `dvt.api.contracts.CanvasStateDoc` describes the same shape
as a JSON Schema, and a unit test holds the two in agreement.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dvt.domain.errors import ConflictError, ValidationError

CONTRACT_VERSION = 1
MAX_POSITIONS = 20_000
MAX_BYTES = 2 * 1024 * 1024  # the document as compact UTF-8 JSON
MIN_DEPTH, MAX_DEPTH = 1, 10
MODES = ("focused", "overview")
GROUP_BY = ("folder", "package", "tag", "group", "resource_type")

_REQUIRED = ("version", "viewport", "positions", "collapsed", "mode", "groupBy", "focus", "depth")
_TOP_LEVEL = (*_REQUIRED, "groups", "expanded")


@dataclass(frozen=True, slots=True)
class CanvasState:
    """A saved layout: the document as validated, and the revision it was stored as (1 for the first save)."""

    project_id: uuid.UUID
    revision: int
    document: dict[str, Any]
    updated_at: datetime


class CanvasConflictError(ConflictError):
    """A save based on a revision that is no longer the stored one; carries what is stored now (None: nothing)."""

    def __init__(self, expected: int, current: CanvasState | None) -> None:
        super().__init__(
            f"the canvas state is at revision {current.revision}, not {expected}: another save came first; "
            "load it, then save again"
            if current
            else f"no canvas state is saved yet, so save with expectedRevision 0, not {expected}"
        )
        self.expected = expected
        self.current = current


def check_expected_revision(expected: int) -> None:
    if expected < 0:
        raise ValidationError(f"expectedRevision must be 0 (nothing saved yet) or a saved revision, not {expected}")


def validate(document: object) -> dict[str, Any]:
    """The document if it is a CanvasState v1; else a ValidationError naming the first bad path."""
    if not isinstance(document, dict):
        raise ValidationError("the canvas state must be a JSON object")
    _keys(document, "", _TOP_LEVEL, _REQUIRED)
    if not _whole(document["version"]) or document["version"] != CONTRACT_VERSION:
        raise ValidationError(f"version must be {CONTRACT_VERSION}")
    if document["viewport"] is not None:  # null: the client fits the drawing to the screen
        viewport = _object(document["viewport"], "viewport")
        _keys(viewport, "viewport", ("x", "y", "zoom"))
        _number(viewport["x"], "viewport.x")
        _number(viewport["y"], "viewport.y")
        if _number(viewport["zoom"], "viewport.zoom") <= 0:
            raise ValidationError("viewport.zoom must be greater than 0")
    positions = _object(document["positions"], "positions")
    if len(positions) > MAX_POSITIONS:
        raise ValidationError(f"positions holds {len(positions):,} entries; at most {MAX_POSITIONS:,}")
    for key, position in positions.items():
        path = f"positions[{_quoted(key)}]"
        _key(key, "positions")
        _keys(_object(position, path), path, ("x", "y", "pinned"))
        _number(position["x"], f"{path}.x")
        _number(position["y"], f"{path}.y")
        if type(position["pinned"]) is not bool:
            raise ValidationError(f"{path}.pinned must be true or false")
    if "groups" in document:
        for key, group in _object(document["groups"], "groups").items():
            path = f"groups[{_quoted(key)}]"
            _key(key, "groups")
            _keys(_object(group, path), path, ("label", "members"))
            if not isinstance(group["label"], str):
                raise ValidationError(f"{path}.label must be a string")
            _strings(group["members"], f"{path}.members")
    _strings(document["collapsed"], "collapsed")
    if "expanded" in document:  # the overview's groups the user opened
        _strings(document["expanded"], "expanded")
    _choice(document["mode"], "mode", MODES)
    _choice(document["groupBy"], "groupBy", GROUP_BY)
    focus = document["focus"]
    if focus is not None and (not isinstance(focus, str) or not focus):
        raise ValidationError("focus must be a node's unique_id or null")
    depth = document["depth"]
    if not _whole(depth) or not MIN_DEPTH <= depth <= MAX_DEPTH:
        raise ValidationError(f"depth must be a whole number from {MIN_DEPTH} to {MAX_DEPTH}")
    size = len(json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_BYTES:
        raise ValidationError(f"the canvas state is {size:,} bytes as JSON; at most {MAX_BYTES:,}")
    return document


def _quoted(key: object) -> str:
    return json.dumps(key, ensure_ascii=False)


def _object(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(f"{path} must be an object")
    return value


def _keys(value: Mapping[str, Any], path: str, known: tuple[str, ...], required: tuple[str, ...] = ()) -> None:
    """Refuse keys the contract does not hold, then name the first required key missing (all known ones when
    `required` is empty)."""
    for key in value:
        if key not in known:
            where = f"key {_quoted(key)} in {path}" if path else f"top-level key {_quoted(key)}"
            raise ValidationError(f"unknown {where}: expected {', '.join(known)}")
    for key in required or known:
        if key not in value:
            raise ValidationError(f"{path + '.' if path else ''}{key} is required")


def _key(key: object, path: str) -> None:
    if not isinstance(key, str) or not key:
        raise ValidationError(f"{path} keys must be non-empty strings")


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
        raise ValidationError(f"{path} must be a finite number")
    return float(value)


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer past the range of a double: no client could show it
        return False


def _whole(value: object) -> bool:
    """An integer as JSON Schema counts them: 3 and 3.0 alike, never true or false."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _strings(value: object, path: str) -> None:
    if not isinstance(value, list):
        raise ValidationError(f"{path} must be a list of strings")
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise ValidationError(f"{path}[{index}] must be a non-empty string")


def _choice(value: object, path: str, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValidationError(f"{path} must be one of {', '.join(_quoted(a) for a in allowed)}")
