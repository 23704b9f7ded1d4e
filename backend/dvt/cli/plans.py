"""`dvt plan`: what a run would do, node by node, and why, before it runs."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dvt.cli.common import JsonOption, TenantOption, app, run, scoped
from dvt.cli.remote import Target, remote_mode
from dvt.cli.remote.plans import PlanHeading
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
    if (found := remote_mode()) is not None:
        _plan_remotely(
            found, project, environment, select or [], exclude or [], selector, state_version, state, full_refresh, ref,
            tenant, as_json,
        )  # fmt: skip
        return

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

    from dvt.domain.plan.plan import ExecutionPlan

    stored = run(work)
    plan = ExecutionPlan.from_document(stored.document)
    heading = PlanHeading(str(stored.id), stored.status, stored.fingerprint, stored.commit_sha)
    _show(heading, plan, plan.contract_document() if as_json else {}, as_json)


def _show(heading: PlanHeading, plan: ExecutionPlan, contract: dict[str, Any], as_json: bool) -> None:
    """What `dvt plan` prints (both modes): the contract document with the plan's id, status and commit, or lines."""
    import orjson

    if as_json:
        sealed = {**contract, "plan_id": heading.id, "status": heading.status, "commit_sha": heading.commit_sha}
        # orjson: json.dumps with an indent falls back to its pure-Python encoder, seconds for a plan of 6,000 nodes
        typer.echo(orjson.dumps(sealed, option=orjson.OPT_INDENT_2).decode())
        return
    _print(heading, plan)


def _plan_remotely(
    found: Target,
    project: str,
    environment: str,
    select: list[str],
    exclude: list[str],
    selector: str | None,
    state_version: str | None,
    state: Path | None,
    full_refresh: bool,
    ref: str | None,
    tenant: str,
    as_json: bool,
) -> None:
    from dvt.cli import remote
    from dvt.cli.remote import plans as remote_plans

    if state is not None:
        typer.echo(
            "error: --state reads a local manifest; remotely, give --state-version (a graph version id)", err=True
        )
        raise typer.Exit(1)
    if state_version:
        _uuid(state_version)

    async def work() -> tuple[PlanHeading, ExecutionPlan, dict[str, Any]]:
        async with remote.connected(found) as api:
            await remote.check_tenant(api, tenant)
            return await remote_plans.create(
                api, project, environment, select=select, exclude=exclude, selector=selector,
                full_refresh=full_refresh, state_version=state_version, ref=ref,
            )  # fmt: skip

    heading, plan, contract = remote.run(work, found)
    _show(heading, plan, contract, as_json)


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


def _print(stored: PlanHeading, plan: ExecutionPlan) -> None:
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
