"""Every root field declares the permission it needs; scoped objects are shown only where it holds.

Two gates, both from the caller's grants: `Requires` refuses a field at once when no grant anywhere in
the tenant gives its permission (a viewer never reaches `ingestArtifacts`), and the object-level checks
below hide what the caller may not see on its own scope (a project viewer sees that project only).
Another tenant's objects never get this far: repositories do not return them.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.dataloader import DataLoader
from strawberry.extensions import FieldExtension
from strawberry.types.field import StrawberryField

from dvt.api.context import Info
from dvt.api.ids import resolve_by_uuid
from dvt.api.mutations import answering
from dvt.domain.audit import AuditResult
from dvt.domain.authorization import Permission, environment_scope, organization_scope, project_scope
from dvt.domain.errors import DomainError

T = TypeVar("T")
R = TypeVar("R", bound="InEnvironment")


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


async def environment_scope_of(info: Info, environment_id: uuid.UUID) -> str | None:
    """The scope path of an environment, through the request's loaders (batched)."""
    environment = await info.context.loaders.environment.load(environment_id)
    if environment is None:
        return None
    project = await info.context.loaders.project.load(environment.project_id)
    if project is None:
        return None
    return environment_scope(project.organization_id, project.id, environment.id)


async def can_see_environment(info: Info, environment_id: uuid.UUID) -> bool:
    scope = await environment_scope_of(info, environment_id)
    return scope is not None and info.context.access.can(Permission.VIEW, scope)


class InEnvironment(Protocol):
    @property
    def environment_id(self) -> uuid.UUID: ...


async def visible_nodes(
    info: Info, loader: DataLoader[uuid.UUID, Any], node_ids: Iterable[str], to_type: Callable[[R], T]
) -> list[T | None]:
    """Relay's node(id:) for objects of an environment: found in the tenant, and viewable by the caller."""
    found = await resolve_by_uuid(loader, node_ids, lambda record: record)
    return [to_type(r) if r is not None and await can_see_environment(info, r.environment_id) else None for r in found]


def can_see_project(info: Info, organization_id: uuid.UUID, project_id: uuid.UUID) -> bool:
    """A project is shown to whoever may view it or something inside it."""
    return info.context.access.reaches(Permission.VIEW, project_scope(organization_id, project_id))


def can_see_organization(info: Info, organization_id: uuid.UUID) -> bool:
    return info.context.access.reaches(Permission.VIEW, organization_scope(organization_id))


def subscription(permission: Permission, **kwargs: Any) -> Any:
    """A subscription that declares its permission; the resolver checks it on the run's own scope."""
    return strawberry.subscription(extensions=[Declares(permission)], **kwargs)


class Declares(Requires):
    """The permission of a subscription: refused at once without a grant anywhere, then checked by the
    resolver on the run's own scope. It hands the async generator on instead of awaiting it."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self._gate(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self._gate(info)
        return next_(source, info, **kwargs)  # the subscription's async generator, handed on unstarted
