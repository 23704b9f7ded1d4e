"""What a caller may see. Every read use case filters what it returns through here, in the application layer.

Repositories already keep each tenant to itself; these functions keep a caller to the environments, projects
and organizations its grants let it view. Whatever it may not view is absent (None, an empty page, left out of
a batch), exactly as another tenant's object is: a read never tells "forbidden" from "does not exist".
Lookups are batched and kept for the request (`Access.whereabouts`), so a DataLoader's batch costs the same
statements whatever its size. See docs/decisions/0006-read-authorization.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from dvt.application.access import Access
from dvt.application.ports import UnitOfWork
from dvt.domain.authorization import TENANT_SCOPE, Permission, environment_scope, organization_scope, project_scope
from dvt.domain.tenancy import Environment, Organization, Project


class InEnvironment(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def environment_id(self) -> uuid.UUID: ...


E = TypeVar("E", bound=InEnvironment)
Fetch = Callable[[list[uuid.UUID]], Awaitable[Sequence[E]]]


async def environment_scopes(
    uow: UnitOfWork, access: Access, environment_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The scope path of each of these environments of the caller's tenant; unknown ones are left out."""
    known = access.whereabouts.scopes
    missing = list({e for e in environment_ids if e not in known})
    if missing:
        environments = await uow.tenancy(access.scope).environments_by_ids(missing)
        await _place(uow, access, environments)
        for environment_id in missing:
            known.setdefault(environment_id, None)
    return {e: where for e in environment_ids if (where := known.get(e)) is not None}


async def _place(uow: UnitOfWork, access: Access, environments: Sequence[Environment]) -> None:
    """Keep the scope paths of these environments of the tenant, looking up only projects not seen yet."""
    organizations = access.whereabouts.organizations
    unseen = list({e.project_id for e in environments if e.project_id not in organizations})
    if unseen:
        note_projects(access, await uow.tenancy(access.scope).projects_by_ids(unseen))
    for e in environments:
        if (organization := organizations.get(e.project_id)) is not None:
            access.whereabouts.scopes[e.id] = environment_scope(organization, e.project_id, e.id)


def note_projects(access: Access, projects: Iterable[Project]) -> None:
    """Remember each project's organization (a tenancy read already has them): environments below need no lookup."""
    access.whereabouts.organizations.update((p.id, p.organization_id) for p in projects)


async def seen_environments(uow: UnitOfWork, access: Access, found: Sequence[Environment]) -> list[Environment]:
    """Those of these environments (just read) the caller may view: only their projects are looked up."""
    await _place(uow, access, [e for e in found if e.id not in access.whereabouts.scopes])
    known = access.whereabouts.scopes
    return [e for e in found if (where := known.get(e.id)) is not None and access.can(Permission.VIEW, where)]


def note(access: Access, kind: str, found: Iterable[InEnvironment]) -> None:
    """Remember which environment these records (of one kind, as the tenant's repository returned them) belong to,
    so a batch reading below them (a run's nodes, an invocation's results) need not look them up again. Where a
    record is decides nothing by itself: whether its environment is visible is still checked on every read."""
    places = access.whereabouts.environments
    for record in found:
        places[(kind, record.id)] = record.environment_id


async def visible_environments(
    uow: UnitOfWork, access: Access, environment_ids: Iterable[uuid.UUID], permission: Permission = Permission.VIEW
) -> set[uuid.UUID]:
    """Those of these environments on which the caller holds the permission (VIEW unless told)."""
    wanted = set(environment_ids)
    if not wanted:
        return set()
    found = await environment_scopes(uow, access, wanted)  # DVT itself too: another tenant's is not found
    return {e for e, where in found.items() if access.can(permission, where)}


async def environment_visible(
    uow: UnitOfWork, access: Access, environment_id: uuid.UUID, permission: Permission = Permission.VIEW
) -> bool:
    return environment_id in await visible_environments(uow, access, [environment_id], permission)


async def only_visible(
    uow: UnitOfWork, access: Access, kind: str, found: Sequence[E], permission: Permission = Permission.VIEW
) -> list[E]:
    """The records (of one kind: run, plan, version...) whose environment the caller may view, in their order."""
    note(access, kind, found)
    visible = await visible_environments(uow, access, {r.environment_id for r in found}, permission)
    return [r for r in found if r.environment_id in visible]


async def visible_ids(
    uow: UnitOfWork,
    access: Access,
    kind: str,
    ids: Iterable[uuid.UUID],
    fetch: Fetch[E],
    permission: Permission = Permission.VIEW,
) -> set[uuid.UUID]:
    """Those of these ids (of one kind) whose environment the caller may view; `fetch` finds the ones not yet placed
    in this request, in one batch."""
    wanted = set(ids)
    places = access.whereabouts.environments
    missing = [i for i in wanted if (kind, i) not in places]
    if missing:
        found = await fetch(missing)
        for i in missing:  # after the await: a batch running meanwhile must not take "being fetched" for absent
            places.setdefault((kind, i), None)
        for record in found:
            places[(kind, record.id)] = record.environment_id
    environment_of = {i: e for i in wanted if (e := places[(kind, i)]) is not None}
    visible = await visible_environments(uow, access, set(environment_of.values()), permission)
    return {i for i, e in environment_of.items() if e in visible}


def sees_tenant(access: Access) -> bool:
    """A caller sees its own tenant once it may view anything in it."""
    return access.reaches(Permission.VIEW, TENANT_SCOPE)


def sees_organization(access: Access, organization: Organization) -> bool:
    """An organization is shown to whoever may view it or something inside it (to show the way there)."""
    return access.reaches(Permission.VIEW, organization_scope(organization.id))


def sees_project(access: Access, project: Project) -> bool:
    """A project is shown to whoever may view it or something inside it."""
    return access.reaches(Permission.VIEW, project_scope(project.organization_id, project.id))
