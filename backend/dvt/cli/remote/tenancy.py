"""`dvt org create|list`, `dvt project create|list` and `dvt environment create|list` through the API: the same
domain objects the local mode prints."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from dvt.cli.remote import RemoteError, checked, local_id

if TYPE_CHECKING:
    from dvt.client import DvtClient
    from dvt.domain.tenancy import Environment, Organization, Project


def _uuid(global_id: str | None) -> uuid.UUID:
    return uuid.UUID(local_id(global_id))


async def organizations(api: DvtClient) -> list[Organization]:
    found = await api.organizations()
    if found.tenant is None:
        raise RemoteError("the token acts in no tenant")
    tenant_id = _uuid(found.tenant.id)
    return [_organization(o, tenant_id) for o in found.organizations]


async def create_organization(api: DvtClient, slug: str, name: str | None) -> Organization:
    from dvt.client.input_types import CreateOrganizationInput

    created = checked(
        (await api.create_organization(input=CreateOrganizationInput(slug=slug, name=name))).create_organization
    )
    return _organization(created, await token_tenant(api))


def _organization(o: Any, tenant_id: uuid.UUID) -> Organization:
    from dvt.domain.tenancy import Organization

    return Organization(id=_uuid(o.id), tenant_id=tenant_id, slug=o.slug, name=o.name, created_at=o.created_at)


async def projects(api: DvtClient, organization: str | None) -> list[Project]:
    found = await api.projects(organization=organization)
    if found.tenant is None:
        raise RemoteError("the token acts in no tenant")
    tenant_id = _uuid(found.tenant.id)
    return [_project(p, tenant_id) for p in found.projects]


async def environments(api: DvtClient, project: str) -> list[Environment]:
    found = await api.environments(project=project)
    if found.project is None or found.tenant is None:
        raise RemoteError("project not found")
    tenant_id, project_id = _uuid(found.tenant.id), _uuid(found.project.id)
    return [_environment(e, tenant_id, project_id) for e in found.project.environments]


async def create_project(
    api: DvtClient, slug: str, repository: str, subdirectory: str | None, organization: str, name: str | None
) -> Project:
    from dvt.client.input_types import CreateProjectInput

    created = checked(
        (
            await api.create_project(
                input=CreateProjectInput(
                    slug=slug, repository=repository, subdirectory=subdirectory, organization=organization, name=name
                )
            )
        ).create_project
    )
    return _project(created, await token_tenant(api))


async def create_environment(
    api: DvtClient, project: str, slug: str, adapter: str, git_ref: str, settings: dict[str, str], name: str | None
) -> Environment:
    from dvt.client.input_types import CreateEnvironmentInput

    created: Any = checked(
        (
            await api.create_environment(
                input=CreateEnvironmentInput(
                    project=project, slug=slug, adapter=adapter, gitRef=git_ref, settings=settings, name=name
                )
            )
        ).create_environment
    )
    if created.project is None:
        raise RemoteError("project not found")
    return _environment(created, await token_tenant(api), _uuid(created.project.id))


async def token_tenant(api: DvtClient) -> uuid.UUID:
    """The token's tenant, which the local mode's objects carry."""
    found = (await api.viewer()).tenant
    if found is None:
        raise RemoteError("the token acts in no tenant")
    return _uuid(found.id)


def _project(p: Any, tenant_id: uuid.UUID) -> Project:
    """A project of the API (the `projects` list's or `createProject`'s) as the local mode's domain object."""
    from dvt.domain.tenancy import Project

    return Project(
        id=_uuid(p.id), tenant_id=tenant_id,
        organization_id=_uuid(p.organization.id) if p.organization else uuid.UUID(int=0),
        slug=p.slug, name=p.name, repository=p.repository, subdirectory=p.subdirectory, created_at=p.created_at,
    )  # fmt: skip


def _environment(e: Any, tenant_id: uuid.UUID, project_id: uuid.UUID) -> Environment:
    from dvt.domain.quotas import Quotas
    from dvt.domain.tenancy import Adapter, Environment

    return Environment(
        id=_uuid(e.id), tenant_id=tenant_id, project_id=project_id, slug=e.slug, name=e.name,
        adapter=Adapter(e.adapter), git_ref=e.git_ref, settings=dict(e.settings), rate_card=dict(e.rate_card),
        quotas=Quotas(e.quotas.max_concurrent_runs, e.quotas.monthly_cost_budget), policies=dict(e.policies),
        created_at=e.created_at,
    )  # fmt: skip
