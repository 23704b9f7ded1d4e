"""What the dbt runner is given for a claimed run: the plan's nodes as dbt selectors, the checkout, the
environment's settings and secrets, the query tag, and the limits.

Reads only: the run was claimed in its own transaction; this reads the graph and the secrets it needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dvt.application.ports import UnitOfWorkFactory
from dvt.application.run_claim import Claim
from dvt.application.run_ports import GIT_TOKEN, QueryTag, RunLimits, RunSpec
from dvt.application.secrets import SecretService
from dvt.domain.plan.context import RUNNABLE
from dvt.domain.plan.plan import Action, ExecutionPlan, PlanItem, PlanStep
from dvt.domain.runs import RunStep
from dvt.domain.tenancy import TenantScope

# Selection methods whose answer comes from what DVT holds (earlier graphs, results, freshness), not from the
# checkout dbt sees: a request using them is passed to dbt as the plan's node list.
_DVT_ONLY_METHODS = ("state:", "result:", "source_status:")


async def run_spec(
    units: UnitOfWorkFactory,
    secrets: SecretService,
    scope: TenantScope,
    claim: Claim,
    work_dir: Path,
    state_dir: Path,
    limits: RunLimits,
) -> tuple[RunSpec, frozenset[str]]:
    """What the runner gets, and which planned nodes are ephemeral (compiled into others, never run)."""
    plan = ExecutionPlan.from_document(claim.plan.document)
    items = plan.executed()
    async with units() as uow:
        graph = await uow.graphs(scope).all_nodes(claim.plan.head_version_id)
        tenants = await uow.platform.tenants_by_ids([scope.tenant_id])
    fqn = {node.unique_id: node.fqn for _, node in graph}
    ephemeral = frozenset(node.unique_id for _, node in graph if node.materialized == "ephemeral")
    # Each planned step's selection for dbt, from its part of the plan; a plan of one step is the run's request's.
    parts = plan.steps or (PlanStep(claim.run.command, plan.request),)
    invocations = [
        _invocation(
            step.command, plan.items_of(index), claim.run.request if not plan.steps else step.request.as_document(), fqn
        )
        for index, step in enumerate(parts)
    ]
    first = invocations[0]
    planned = iter(invocations)
    steps = tuple(next(planned) if step.planned else step for step in map(RunStep.from_document, claim.run.steps))
    revealed = await secrets.reveal_for_run(scope, claim.environment.id)
    tag = QueryTag(
        run_id=claim.run.id,
        tenant=tenants[0].slug if tenants else str(scope.tenant_id),
        environment=claim.environment.slug,
        trace_id=claim.run.trace_id,
        node_uuids={i.unique_id: str(i.node_uuid) for i in items},
    )
    spec = RunSpec(
        run_id=claim.run.id,
        repository=claim.project.repository,
        git_ref=claim.environment.git_ref,
        subdirectory=claim.project.subdirectory,
        adapter=claim.environment.adapter.value,
        settings=dict(claim.environment.settings),
        secrets=revealed,
        command=first.command,
        select=first.select,
        exclude=first.exclude,
        selector=first.selector,
        indirect_selection=first.indirect_selection,
        tag=tag,
        work_dir=str(work_dir),
        state_dir=str(state_dir),
        vars=first.vars,
        full_refresh=first.full_refresh,
        limits=limits.capped(claim.run.limits),
        git_token=revealed.get(GIT_TOKEN),
        commit=claim.run.commit_sha,  # the commit it was planned from: it runs that code, whatever the branch is now
        steps=steps,
    )
    return spec, ephemeral


def _invocation(command: str, items: Sequence[PlanItem], request: dict[str, Any], fqn: dict[str, Any]) -> RunStep:
    """A planned step as dbt runs it: the request's own selection when the plan runs exactly that, else each
    node the plan runs named, and nothing dbt would add on its own; the request's vars and the partitions'."""
    selection = _as_requested(items, request)
    if selection is None:
        executed = [i for i in items if i.action is not Action.SKIP]
        listed = {"fqn:" + ".".join(fqn[i.unique_id]) for i in executed if fqn.get(i.unique_id)}
        selection = (tuple(sorted(listed)), (), None, "empty")
    select, exclude, selector, indirect = selection
    variables: dict[str, Any] = dict(request.get("vars") or {})
    for item in items:
        if item.action is not Action.SKIP:
            variables.update(((item.partition or {}).get("vars")) or {})
    return RunStep(command, select, exclude, selector, variables, bool(request.get("full_refresh")), indirect)


def _as_requested(
    items: Sequence[PlanItem], request: dict[str, Any]
) -> tuple[tuple[str, ...], tuple[str, ...], str | None, str] | None:
    """The request's own dbt selection when the plan runs exactly what it selects (no SKIP, no PARTIAL).

    dbt then selects the same nodes (DVT's selection is checked against `dbt ls`), and evaluating one
    selector per node costs dbt seconds on a large project (docs/benchmarks.md). Else None.
    """
    executed = [i for i in items if i.resource_type in RUNNABLE]  # sources, exposures: nothing to run
    if not executed or any(i.action is not Action.RUN for i in executed) or request.get("selector"):
        return None
    select, exclude = tuple(request.get("select") or ()), tuple(request.get("exclude") or ())
    if any(method in text for text in (*select, *exclude) for method in _DVT_ONLY_METHODS):
        return None
    return select or ("fqn:*",), exclude, None, str(request.get("indirect_selection") or "eager")
