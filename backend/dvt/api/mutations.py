"""What every mutation shares: a use case's expected failures become members of the mutation's result union.

A mutation declares the domain errors its use case may raise (`@permissions.mutation(..., raises=(...))`).
When the module defining it is imported, each declared error must map (`errors.error_type`) to a member of
the union the resolver returns, else the import fails naming the gap: no union can silently miss a failure
its use case reports. At run time a declared error is answered with its member; anything else propagates
(an undeclared domain error as a top-level GraphQL error, a bug masked behind its trace id).
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from dvt.api.errors import error_type, to_error
from dvt.domain.errors import DomainError

Resolver = TypeVar("Resolver", bound=Callable[..., Awaitable[Any]])


def answering(raises: tuple[type[DomainError], ...]) -> Callable[[Resolver], Resolver]:
    """Answer the declared domain errors with the resolver's union members; check the union at definition."""

    def decorate(resolver: Resolver) -> Resolver:
        members = result_members(resolver)
        missing = sorted({error_type(kind).__name__ for kind in raises} - {m.__name__ for m in members})
        if missing:
            raise TypeError(
                f"mutation {resolver.__qualname__} may raise {', '.join(k.__name__ for k in raises)}, but its result "
                f"union has no member {', '.join(missing)}: add it to the union"
            )

        @functools.wraps(resolver)
        async def answer(*args: Any, **kwargs: Any) -> Any:
            try:
                return await resolver(*args, **kwargs)
            except raises as error:
                return to_error(error)

        return typing.cast(Resolver, answer)

    return decorate


def result_members(resolver: Callable[..., Any]) -> frozenset[type]:
    """The types a resolver's return annotation (a plain type, a union, or an Annotated strawberry union) allows."""
    hint = resolver.__annotations__.get("return")
    if isinstance(hint, str):  # postponed annotations: the names are the resolver's module's, already defined
        hint = eval(hint, resolver.__globals__)
    if typing.get_origin(hint) is typing.Annotated:
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return frozenset(typing.get_args(hint))
    return frozenset({hint}) if isinstance(hint, type) else frozenset()
