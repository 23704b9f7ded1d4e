"""`dvt project list` and `dvt environment list` through the API: the same domain objects the local mode prints."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from dvt.cli.remote import RemoteError, local_id

if TYPE_CHECKING:
    from dvt.client import DvtClient
    from dvt.domain.tenancy import Environment, Project


def _uuid(global_id: str | None) -> uuid.UUID:
    return uuid.UUID(local_id(global_id))


async def projects(api: DvtClient, organization: str | None) -> list[Project]:
    from dvt.domain.tenancy import Project

    found = await api.projects(organization=organization)
    if found.tenant is None:
        raise RemoteError("the token acts in no tenant")
    tenant_id = _uuid(found.tenant.id)
    return [
        Project(
            id=_uuid(p.id), tenant_id=tenant_id,
            organization_id=_uuid(p.organization.id) if p.organization else uuid.UUID(int=0),
            slug=p.slug, name=p.name, repository=p.repository, subdirectory=p.subdirectory, created_at=p.created_at,
        )
        for p in found.projects
    ]  # fmt: skip


async def environments(api: DvtClient, project: str) -> list[Environment]:
    from dvt.domain.quotas import Quotas
    from dvt.domain.tenancy import Adapter, Environment

    found = await api.environments(project=project)
    if found.project is None or found.tenant is None:
        raise RemoteError("project not found")
    tenant_id, project_id = _uuid(found.tenant.id), _uuid(found.project.id)
    return [
        Environment(
            id=_uuid(e.id), tenant_id=tenant_id, project_id=project_id, slug=e.slug, name=e.name,
            adapter=Adapter(e.adapter), git_ref=e.git_ref, settings=dict(e.settings), rate_card=dict(e.rate_card),
            quotas=Quotas(e.quotas.max_concurrent_runs, e.quotas.monthly_cost_budget), policies=dict(e.policies),
            created_at=e.created_at,
        )
        for e in found.project.environments
    ]  # fmt: skip
