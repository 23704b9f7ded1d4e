"""A mutation's declared domain errors must each have a member in its result union, checked when it is defined."""

from __future__ import annotations

from typing import Annotated

import pytest
import strawberry

from dvt.api import permissions
from dvt.api.errors import ConflictError, NotFoundError, ValidationError, error_type
from dvt.api.mutations import answering
from dvt.domain import errors as domain
from dvt.domain.authorization import Permission
from dvt.domain.canvas import CanvasConflictError


@strawberry.type
class Thing:
    name: str


ThingResult = Annotated[Thing | NotFoundError | ValidationError, strawberry.union("ThingResult")]


def test_a_mutation_declaring_an_error_its_union_lacks_fails_when_defined() -> None:
    with pytest.raises(TypeError, match=r"make_thing may raise NotFoundError, ConflictError.*no member ConflictError"):

        @strawberry.type
        class Mutation:
            @permissions.mutation(Permission.EDIT, raises=(domain.NotFoundError, domain.ConflictError))
            async def make_thing(self) -> ThingResult:
                return Thing(name="x")


def test_an_error_subclass_needs_the_member_of_its_family() -> None:
    assert error_type(CanvasConflictError) is ConflictError
    with pytest.raises(TypeError, match="no member ConflictError"):
        answering((CanvasConflictError,))(_makes_a_thing)


async def _makes_a_thing() -> ThingResult:
    raise domain.NotFoundError("no such thing")


async def test_a_declared_error_is_answered_with_its_member() -> None:
    answer = await answering((domain.NotFoundError,))(_makes_a_thing)()
    assert isinstance(answer, NotFoundError) and answer.message == "no such thing"


async def test_an_undeclared_error_is_not_turned_into_a_member() -> None:
    async def conflicting() -> ThingResult:
        raise domain.ConflictError("taken")

    with pytest.raises(domain.ConflictError):
        await answering((domain.NotFoundError,))(conflicting)()
