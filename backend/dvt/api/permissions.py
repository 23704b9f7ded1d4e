"""Every root field declares the permission it needs.

`Requires` refuses a field at once when no grant anywhere in the tenant gives its permission (a viewer never
reaches `ingestArtifacts`). What a caller may see on its own scope (a project viewer sees that project only)
is decided below the API, by the application's read use cases, which return nothing else
(application/visibility.py); another tenant's objects are not even found by the repositories.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.types.field import StrawberryField

from dvt.api.context import Info
from dvt.api.mutations import answering
from dvt.domain.audit import AuditResult
from dvt.domain.authorization import Permission
from dvt.domain.errors import DomainError


class Requires(FieldExtension):
    """The permission a field needs. The schema test walks every root field and fails without one.

    `None` declares a field any authenticated caller may use (who am I, change my password).
    """

    def __init__(self, permission: Permission | None) -> None:
        self.permission = permission

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self._gate(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any) -> Any:
        self._gate(info)
        return await next_(source, info, **kwargs)

    def _gate(self, info: Info) -> None:
        if self.permission is None:
            return
        access = info.context.access
        if access.actor.must_change_password:
            raise GraphQLError(
                "change your one-time password first (changePassword): nothing else is allowed until then",
                extensions={"code": "PASSWORD_CHANGE_REQUIRED"},
            )
        if not access.authorizer.holds_anywhere(self.permission):
            details = {"permission": self.permission.value, "field": info.field_name}
            access.denials.append(access.event("access.denied", "field", info.field_name, details, AuditResult.DENIED))
            raise GraphQLError(
                f"{self.permission.value} permission needed for {info.field_name}",
                extensions={"code": "PERMISSION_DENIED"},
            )


def field(permission: Permission | None, **kwargs: Any) -> Any:
    """A query field that declares its permission."""
    return strawberry.field(extensions=[Requires(permission)], **kwargs)


def mutation(permission: Permission | None, *, raises: tuple[type[DomainError], ...], **kwargs: Any) -> Any:
    """A mutation that declares its permission (the use case checks it again on the exact scope) and the domain
    errors its use case may raise, each answered with a member of its result union (checked when defined)."""

    def decorate(resolver: Callable[..., Awaitable[Any]]) -> Any:
        return strawberry.mutation(extensions=[Requires(permission)], **kwargs)(answering(raises)(resolver))

    return decorate


def declaration(definition: StrawberryField) -> Requires | None:
    """The field's declared permission, or None when it declares none (which the schema test refuses)."""
    return next((e for e in definition.extensions if isinstance(e, Requires)), None)


def subscription(permission: Permission, **kwargs: Any) -> Any:
    """A subscription that declares its permission; the use case checks it on the run's own scope."""
    return strawberry.subscription(extensions=[Declares(permission)], **kwargs)


class Declares(Requires):
    """The permission of a subscription: refused at once without a grant anywhere, then checked by the
    use case on the run's own scope. It hands the async generator on instead of awaiting it."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self._gate(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self._gate(info)
        return next_(source, info, **kwargs)  # the subscription's async generator, handed on unstarted
