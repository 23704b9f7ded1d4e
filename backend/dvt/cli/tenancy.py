"""Tenants, organizations, projects and environments."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dvt.cli.common import JsonOption, OrgOption, TenantOption, group, run, scoped, services, settings_pairs, show
from dvt.cli.remote import remote_mode, remotely
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import DEFAULT_ORGANIZATION, DEFAULT_TENANT

tenant_app = group("tenant", "Tenants.")
org_app = group("org", "Organizations of a tenant.")
project_app = group("project", "dbt projects.")
environment_app = group("environment", "Environments of a project.")


@tenant_app.command("create")
def tenant_create(slug: str, name: Annotated[str | None, typer.Option()] = None, as_json: JsonOption = False) -> None:
    async def work() -> Any:
        async with services() as built:
            return await built.tenancy.create_tenant(SYSTEM, slug, name)

    show(run(work), as_json, lambda t: f"created tenant {t.slug} ({t.id})")


@tenant_app.command("list")
def tenant_list(as_json: JsonOption = False) -> None:
    async def work() -> Any:
        async with services() as built:
            return await built.tenancy.tenants()

    show(run(work), as_json, lambda t: f"{t.slug}\t{t.name}\t{t.id}")


@tenant_app.command("rate-limit")
def tenant_rate_limit(
    slug: str,
    per_minute: Annotated[
        int | None, typer.Option("--per-minute", help="Requests per minute per caller in this tenant (0: none)")
    ] = None,
    server_default: Annotated[
        bool, typer.Option("--default", help="Back to the server's DVT_RATE_LIMIT_PER_MINUTE")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Override the server's rate limit for one tenant (platform administrators: this CLI on the server)."""
    if (per_minute is None) == (not server_default):
        raise typer.BadParameter("give --per-minute N or --default")

    async def work() -> Any:
        async with services() as built:
            return await built.tenancy.set_rate_limit(SYSTEM, slug, None if server_default else per_minute)

    def line(t: Any) -> str:
        limit = "the server's" if t.rate_limit_per_minute is None else f"{t.rate_limit_per_minute} per minute"
        return f"tenant {t.slug}: rate limit {limit}"

    show(run(work), as_json, line)


@org_app.command("create")
def org_create(
    slug: str,
    tenant: TenantOption = DEFAULT_TENANT,
    name: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOption = False,
) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import tenancy as remote_tenancy

        created = remotely(found, tenant, lambda api: remote_tenancy.create_organization(api, slug, name))
        show(created, as_json, _organization_created)
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            return await built.tenancy.create_organization(access, slug, name)

    show(run(work), as_json, _organization_created)


def _organization_created(o: Any) -> str:
    return f"created organization {o.slug} ({o.id})"


@org_app.command("list")
def org_list(tenant: TenantOption = DEFAULT_TENANT, as_json: JsonOption = False) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import tenancy as remote_tenancy

        show(remotely(found, tenant, remote_tenancy.organizations), as_json, _organization_line)
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            return await built.tenancy.organizations(access)

    show(run(work), as_json, _organization_line)


def _organization_line(o: Any) -> str:
    return f"{o.slug}\t{o.name}\t{o.id}"


@project_app.command("create")
def project_create(
    slug: str,
    repository: Annotated[str, typer.Option(help="Git URL or local path of the dbt project")],
    subdirectory: Annotated[str | None, typer.Option(help="Folder of dbt_project.yml inside it")] = None,
    org: OrgOption = DEFAULT_ORGANIZATION,
    tenant: TenantOption = DEFAULT_TENANT,
    name: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOption = False,
) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import tenancy as remote_tenancy

        created = remotely(
            found, tenant, lambda api: remote_tenancy.create_project(api, slug, repository, subdirectory, org, name)
        )
        show(created, as_json, _project_created)
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            return await built.tenancy.create_project(
                access, slug, repository, subdirectory=subdirectory, organization=org, name=name
            )

    show(run(work), as_json, _project_created)


def _project_created(p: Any) -> str:
    return f"created project {p.slug} ({p.id})"


@project_app.command("list")
def project_list(
    org: Annotated[str | None, typer.Option("--org")] = None,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import tenancy as remote_tenancy

        listed = remotely(found, tenant, lambda api: remote_tenancy.projects(api, org))
        show(listed, as_json, _project_line)
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            return await built.tenancy.projects(access, org)

    show(run(work), as_json, _project_line)


def _project_line(p: Any) -> str:
    return f"{p.slug}\t{p.repository}\t{p.id}"


@environment_app.command("create")
def environment_create(
    slug: str,
    project: Annotated[str, typer.Option(help="Project slug")],
    adapter: Annotated[str, typer.Option(help="duckdb, postgres or snowflake")],
    ref: Annotated[str, typer.Option("--ref", help="Git ref to run")] = "HEAD",
    settings: Annotated[list[str] | None, typer.Option("--set", help="Connection setting KEY=VALUE")] = None,
    tenant: TenantOption = DEFAULT_TENANT,
    name: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOption = False,
) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import tenancy as remote_tenancy

        pairs = _pairs(settings or [])
        created = remotely(
            found, tenant, lambda api: remote_tenancy.create_environment(api, project, slug, adapter, ref, pairs, name)
        )
        show(created, as_json, _environment_created)
        return

    async def work() -> Any:
        pairs = settings_pairs(settings or [])
        async with scoped(tenant) as (built, access):
            return await built.tenancy.create_environment(
                access, project, slug, adapter, git_ref=ref, settings=pairs, name=name
            )

    show(run(work), as_json, _environment_created)


def _environment_created(e: Any) -> str:
    return f"created environment {e.slug} ({e.id})"


def _pairs(settings: list[str]) -> dict[str, str]:
    """--set KEY=VALUE pairs; a malformed one is one line and exit code 1, as in the local mode."""
    from dvt.domain.errors import DomainError

    try:
        return settings_pairs(settings)
    except DomainError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


@environment_app.command("list")
def environment_list(
    project: Annotated[str, typer.Option(help="Project slug")],
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import tenancy as remote_tenancy

        show(remotely(found, tenant, lambda api: remote_tenancy.environments(api, project)), as_json, _environment_line)
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            owner = await built.tenancy.project(access, project)
            return await built.tenancy.environments(access, [owner.id])

    show(run(work), as_json, _environment_line)


def _environment_line(e: Any) -> str:
    return f"{e.slug}\t{e.adapter.value}\t{e.git_ref}\t{e.id}"
