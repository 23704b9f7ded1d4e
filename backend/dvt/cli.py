"""The `dvt` command: serve, migrate, ingest, and the tenancy objects, each with --json."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.records import IngestReport
from dvt.application.services import Services
from dvt.bootstrap import database_url, services
from dvt.config import Settings
from dvt.domain.errors import DomainError
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import DEFAULT_ORGANIZATION, DEFAULT_TENANT, TenantScope

T = TypeVar("T")
ARTIFACT_NAMES = ("manifest.json", "catalog.json", "run_results.json", "sources.json")

app = typer.Typer(no_args_is_help=True, add_completion=False, help="DVT: the control plane for dbt.")
tenant_app = typer.Typer(no_args_is_help=True, help="Tenants.")
org_app = typer.Typer(no_args_is_help=True, help="Organizations of a tenant.")
project_app = typer.Typer(no_args_is_help=True, help="dbt projects.")
environment_app = typer.Typer(no_args_is_help=True, help="Environments of a project.")
app.add_typer(tenant_app, name="tenant")
app.add_typer(org_app, name="org")
app.add_typer(project_app, name="project")
app.add_typer(environment_app, name="environment")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON")]
TenantOption = Annotated[str, typer.Option("--tenant", help="Tenant slug")]
OrgOption = Annotated[str, typer.Option("--org", help="Organization slug")]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (uuid.UUID, datetime, Path)):
        return str(value)
    return value


def _print(value: Any, as_json: bool, line: Callable[[Any], str]) -> None:
    if as_json:
        typer.echo(json.dumps(_plain(value), indent=2, sort_keys=True))
    elif isinstance(value, list):
        for item in value:
            typer.echo(line(item))
    else:
        typer.echo(line(value))


@asynccontextmanager
async def _scoped(tenant: str) -> AsyncIterator[tuple[Services, Access]]:
    """The CLI talks to the database directly, so it acts as DVT itself (audited as the system actor)."""
    async with services(Settings()) as built:
        found = await built.tenancy.tenant(tenant)
        yield built, Access.system(TenantScope(found.id))


def _run(work: Callable[[], Awaitable[T]]) -> T:
    """Run a command; an expected failure is one line on stderr and exit code 1, never a traceback."""
    try:
        return asyncio.run(work())  # type: ignore[arg-type]
    except (DomainError, OSError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None


@app.command()
def migrate() -> None:
    """Apply database migrations (dvt serve does this on start too)."""
    from dvt.adapters.db.migrate import upgrade

    upgrade(database_url(Settings()))
    typer.echo("database is up to date")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Start the API (GraphQL at /graphql) and the SPA."""
    import uvicorn

    from dvt.api.app import create_app

    settings = Settings()
    host, port = host or settings.host, port or settings.port

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async with services(settings) as built:
            app.router.routes[:] = create_app(built, spa_dir=_spa_dir()).routes
            typer.echo(f"DVT is running at http://{host}:{port}/ (GraphQL at http://{host}:{port}/graphql)")
            yield

    from starlette.applications import Starlette

    uvicorn.run(Starlette(lifespan=lifespan), host=host, port=port, log_level=settings.log_level)


def _spa_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "frontend" / "dist"


def _artifact_files(paths: Sequence[Path]) -> list[ArtifactFile]:
    files: list[ArtifactFile] = []
    for path in paths:
        if path.is_dir():
            found = [path / name for name in ARTIFACT_NAMES if (path / name).is_file()]
            if not found:
                raise DomainError(f"{path}: no dbt artifacts here (looked for {', '.join(ARTIFACT_NAMES)})")
            files.extend(ArtifactFile(str(f), f.read_bytes()) for f in found)
        elif path.is_file():
            files.append(ArtifactFile(str(path), path.read_bytes()))
        else:
            raise DomainError(f"{path}: no such file or folder")
    return files


def _report_json(report: IngestReport) -> dict[str, Any]:
    counts = report.counts
    return {
        "graph_version_id": str(report.graph_version_id) if report.graph_version_id else None,
        "created": report.created,
        "nodes": counts.get("nodes", 0),
        "sources": counts.get("sources", 0),
        "exposures": counts.get("exposures", 0),
        "metrics": counts.get("metrics", 0),
        "edges": report.edges,
        "artifacts": [_plain(a) for a in report.artifacts],
        "warnings": list(report.warnings),
    }


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="A dbt target/ folder or artifact files")],
    project: Annotated[str, typer.Option(help="Project slug (created on first use)")],
    environment: Annotated[str, typer.Option(help="Environment slug (created on first use)")],
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """Ingest dbt artifacts into the environment's next graph version."""

    async def work() -> IngestReport:
        files = _artifact_files(paths)
        first = paths[0].resolve()
        repository = str(first.parent if first.name == "target" or first.is_file() else first)
        async with _scoped(tenant) as (built, access):
            target = IngestTarget(project, environment, repository=repository)
            return await built.ingest.ingest(access, target, files)

    report = _run(work)
    if as_json:
        typer.echo(json.dumps(_report_json(report), indent=2))
        return
    what = "new graph version" if report.created else "unchanged graph version"
    typer.echo(f"{what} {report.graph_version_id}: {report.counts.get('nodes', 0)} nodes, {report.edges} edges")
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)


@tenant_app.command("create")
def tenant_create(slug: str, name: Annotated[str | None, typer.Option()] = None, as_json: JsonOption = False) -> None:
    async def work() -> Any:
        async with services(Settings()) as built:
            return await built.tenancy.create_tenant(SYSTEM, slug, name)

    _print(_run(work), as_json, lambda t: f"created tenant {t.slug} ({t.id})")


@tenant_app.command("list")
def tenant_list(as_json: JsonOption = False) -> None:
    async def work() -> Any:
        async with services(Settings()) as built:
            return await built.tenancy.tenants()

    _print(_run(work), as_json, lambda t: f"{t.slug}\t{t.name}\t{t.id}")


@org_app.command("create")
def org_create(
    slug: str,
    tenant: TenantOption = DEFAULT_TENANT,
    name: Annotated[str | None, typer.Option()] = None,
    as_json: JsonOption = False,
) -> None:
    async def work() -> Any:
        async with _scoped(tenant) as (built, access):
            return await built.tenancy.create_organization(access, slug, name)

    _print(_run(work), as_json, lambda o: f"created organization {o.slug} ({o.id})")


@org_app.command("list")
def org_list(tenant: TenantOption = DEFAULT_TENANT, as_json: JsonOption = False) -> None:
    async def work() -> Any:
        async with _scoped(tenant) as (built, access):
            return await built.tenancy.organizations(access.scope)

    _print(_run(work), as_json, lambda o: f"{o.slug}\t{o.name}\t{o.id}")


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
    async def work() -> Any:
        async with _scoped(tenant) as (built, access):
            return await built.tenancy.create_project(
                access, slug, repository, subdirectory=subdirectory, organization=org, name=name
            )

    _print(_run(work), as_json, lambda p: f"created project {p.slug} ({p.id})")


@project_app.command("list")
def project_list(
    org: Annotated[str | None, typer.Option("--org")] = None,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    async def work() -> Any:
        async with _scoped(tenant) as (built, access):
            return await built.tenancy.projects(access.scope, org)

    _print(_run(work), as_json, lambda p: f"{p.slug}\t{p.repository}\t{p.id}")


def _settings_pairs(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise DomainError(f"--set takes KEY=VALUE, got {pair!r}")
        out[key] = value
    return out


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
    async def work() -> Any:
        pairs = _settings_pairs(settings or [])
        async with _scoped(tenant) as (built, access):
            return await built.tenancy.create_environment(
                access, project, slug, adapter, git_ref=ref, settings=pairs, name=name
            )

    _print(_run(work), as_json, lambda e: f"created environment {e.slug} ({e.id})")


@environment_app.command("list")
def environment_list(
    project: Annotated[str, typer.Option(help="Project slug")],
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    async def work() -> Any:
        async with _scoped(tenant) as (built, access):
            owner = await built.tenancy.project(access.scope, project)
            return await built.tenancy.environments(access.scope, [owner.id])

    _print(_run(work), as_json, lambda e: f"{e.slug}\t{e.adapter.value}\t{e.git_ref}\t{e.id}")


@app.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL schema (SDL); `make test` compares it with schema/schema.graphql."""
    from dvt.api.schema import create_schema

    sys.stdout.write(create_schema().as_str() + "\n")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
