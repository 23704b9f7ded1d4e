"""`dvt plan`: what a run would do, node by node, and why, before it runs."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dvt.cli.common import JsonOption, TenantOption, app, run, scoped
from dvt.domain.errors import ValidationError
from dvt.domain.tenancy import DEFAULT_TENANT

if TYPE_CHECKING:
    from dvt.application.records import PlanRecord
    from dvt.domain.graph.model import Manifest
    from dvt.domain.plan.plan import ExecutionPlan

Strings = Annotated[list[str] | None, typer.Option(help="Repeatable")]


@app.command()
def plan(
    project: Annotated[str, typer.Option(help="Project slug")],
    environment: Annotated[str, typer.Option(help="Environment slug")],
    select: Annotated[list[str] | None, typer.Option("--select", "-s", help="dbt selection (repeatable)")] = None,
    exclude: Annotated[list[str] | None, typer.Option("--exclude", help="dbt exclusion (repeatable)")] = None,
    selector: Annotated[str | None, typer.Option(help="A YAML selector of the project")] = None,
    state_version: Annotated[str | None, typer.Option(help="Graph version id to compare with")] = None,
    state: Annotated[Path | None, typer.Option(help="A manifest.json (or its target/ folder) to compare with")] = None,
    full_refresh: Annotated[bool, typer.Option("--full-refresh", help="Rebuild everything selected")] = False,
    ref: Annotated[
        str | None,
        typer.Option(
            help="Plan the commit this branch, tag or sha names (parsed by dbt if new), not the current graph"
        ),
    ] = None,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """Plan what `dbt build` would do: RUN / SKIP / PARTIAL per node, why, in which wave, at what cost."""
    if state_version and state:
        raise typer.BadParameter("give --state-version or --state, not both")

    async def work() -> PlanRecord:
        from dvt.domain.plan.plan import PlanRequest

        manifest = _state_manifest(state) if state else None
        request = PlanRequest(
            select=tuple(select or ()),
            exclude=tuple(exclude or ()),
            selector=selector,
            full_refresh=full_refresh,
            state_version_id=_uuid(state_version) if state_version else None,
            state_manifest_sha256=manifest[1] if manifest else None,
        )
        async with scoped(tenant) as (built, access):
            found = await built.tenancy.environment(access, project, environment)
            return await built.plans.create(access, found.id, request, manifest[0] if manifest else None, ref=ref)

    import orjson

    from dvt.domain.plan.plan import ExecutionPlan

    stored = run(work)
    plan = ExecutionPlan.from_document(stored.document)
    if as_json:
        sealed = {
            **plan.contract_document(), "plan_id": str(stored.id), "status": stored.status,
            "commit_sha": stored.commit_sha,
        }  # fmt: skip
        # orjson: json.dumps with an indent falls back to its pure-Python encoder, seconds for a plan of 6,000 nodes
        typer.echo(orjson.dumps(sealed, option=orjson.OPT_INDENT_2).decode())
        return
    _print(stored, plan)


def _uuid(raw: str) -> Any:
    import uuid

    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError(f"invalid graph version id {raw!r}") from None


def _state_manifest(path: Path) -> tuple[Manifest, str]:
    from dvt.adapters.artifacts.readers import read_artifact
    from dvt.domain.graph.model import Manifest

    file = path / "manifest.json" if path.is_dir() else path
    data = file.read_bytes()
    artifact = read_artifact(str(file), data)
    if not isinstance(artifact, Manifest):
        raise ValidationError(f"{file}: --state takes a manifest, not a {artifact.metadata.kind.value}")
    return artifact, hashlib.sha256(data).hexdigest()


def _print(stored: PlanRecord, plan: ExecutionPlan) -> None:
    from dvt.domain.plan.plan import MICROS, Action

    typer.echo(f"plan {stored.id} ({stored.status}) fingerprint {stored.fingerprint}")
    if stored.commit_sha:
        typer.echo(f"planned on commit {stored.commit_sha}")
    typer.echo(plan.explanation)
    for item in plan.items:
        if item.action is Action.SKIP and item.decisions[-1].reason == "NOT_EXECUTED":
            continue
        why = item.decisions[-1].message
        seconds = item.estimate.p50_ms / 1000
        cost = item.estimate.p50_cost_micros / MICROS
        typer.echo(f"  wave {item.wave:>3}  {item.action.value:<7} {item.unique_id}  ~{seconds:.1f}s {cost:.4f}  {why}")
    for approval in plan.approvals_required:
        typer.echo(f"approval required ({approval.role}): {approval.reason}")
