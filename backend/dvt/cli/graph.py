"""Ingesting dbt artifacts and exporting the GraphQL schema."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dvt.cli.common import JsonOption, TenantOption, app, plain, run, scoped, settings_pairs
from dvt.cli.remote import Target, remote_mode, remotely
from dvt.domain.errors import DomainError
from dvt.domain.tenancy import DEFAULT_TENANT

if TYPE_CHECKING:
    from dvt.application.ingest import ArtifactFile
    from dvt.application.records import IngestReport

ARTIFACT_NAMES = ("manifest.json", "catalog.json", "run_results.json", "sources.json")


def _artifact_files(paths: Sequence[Path]) -> list[ArtifactFile]:
    from dvt.application.ingest import ArtifactFile

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
        "made_current": report.made_current,
        "nodes": counts.get("nodes", 0),
        "sources": counts.get("sources", 0),
        "exposures": counts.get("exposures", 0),
        "metrics": counts.get("metrics", 0),
        "edges": report.edges,
        "artifacts": [plain(a) for a in report.artifacts],
        "warnings": list(report.warnings),
    }


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="A dbt target/ folder or artifact files")],
    project: Annotated[str, typer.Option(help="Project slug (created on first use)")],
    environment: Annotated[str, typer.Option(help="Environment slug (created on first use)")],
    repository: Annotated[
        str | None, typer.Option(help="Git repository of the project, recorded when the project is created")
    ] = None,
    settings: Annotated[
        list[str] | None, typer.Option("--set", help="Connection setting KEY=VALUE of an environment created here")
    ] = None,
    commit: Annotated[
        str | None,
        typer.Option(help="The git commit (full sha) the manifest was built from: runs of it reuse this graph"),
    ] = None,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """Ingest dbt artifacts into the environment's next graph version."""
    if (found := remote_mode()) is not None:
        _ingest_remotely(found, paths, project, environment, repository, settings, commit, tenant, as_json)
        return

    async def work() -> IngestReport:
        from dvt.application.ingest import IngestTarget

        files = _artifact_files(paths)
        first = paths[0].resolve()
        guessed = str(first.parent if first.name == "target" or first.is_file() else first)
        async with scoped(tenant) as (built, access):
            pairs = settings_pairs(settings or [])
            target = IngestTarget(
                project, environment, repository=repository or guessed, settings=pairs, commit_sha=commit
            )
            return await built.ingest.ingest(access, target, files)

    _show_report(_report_json(run(work)), as_json)


def _show_report(report: dict[str, Any], as_json: bool) -> None:
    """What `dvt ingest` prints (both modes)."""
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    what = "new graph version" if report["created"] else "unchanged graph version"
    if report["made_current"]:
        what = "earlier graph version, current again:"
    typer.echo(f"{what} {report['graph_version_id']}: {report['nodes']} nodes, {report['edges']} edges")
    for warning in report["warnings"]:
        typer.echo(f"warning: {warning}", err=True)


def _ingest_remotely(
    found: Target,
    paths: list[Path],
    project: str,
    environment: str,
    repository: str | None,
    settings: list[str] | None,
    commit: str | None,
    tenant: str,
    as_json: bool,
) -> None:
    from dvt.cli.remote import graph as remote_graph

    given = [name for name, value in (("--repository", repository), ("--set", settings), ("--commit", commit)) if value]
    if given:
        typer.echo(f"error: {', '.join(given)}: not available through the API yet (ingest with the database)", err=True)
        raise typer.Exit(1)
    try:
        files = [(f.name, f.data) for f in _artifact_files(paths)]
    except (DomainError, OSError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    _show_report(remotely(found, tenant, lambda api: remote_graph.ingest(api, project, environment, files)), as_json)


@app.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL schema (SDL); `make test` compares it with schema/schema.graphql."""
    from dvt.api.schema import create_schema

    sys.stdout.write(create_schema().as_str() + "\n")


@app.command("export-contracts")
def export_contracts(
    out: Annotated[Path, typer.Option(help="Folder to write the JSON Schemas to")] = Path("schema/contracts"),
) -> None:
    """Write the JSON Schemas of DVT's documents (LogicalGraph, ...); `make test` checks them for drift."""
    from dvt.api.contracts import json_schemas

    out.mkdir(parents=True, exist_ok=True)
    for name, document in json_schemas().items():
        (out / name).write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        typer.echo(f"wrote {out / name}")
