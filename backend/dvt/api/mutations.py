"""What every mutation shares: expected failures become union members, never exceptions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from dvt.api.errors import to_error
from dvt.domain.errors import DomainError

T = TypeVar("T")
R = TypeVar("R")


async def attempt(call: Awaitable[T], ok: Callable[[T], R]) -> Any:
    """Await an application call and map its result, or its expected failure to a typed error."""
    try:
        return ok(await call)
    except DomainError as error:
        return to_error(error)
