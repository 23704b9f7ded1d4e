"""Scalars shared by the API's types."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    JSON = Any  # strawberry's JSON is a NewType of object; to the type checker any JSON value will do
else:
    from strawberry.scalars import JSON

__all__ = ["JSON"]
