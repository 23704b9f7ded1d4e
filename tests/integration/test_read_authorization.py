"""Read use cases decide what a caller may see: called with an Access that has no visible scope, they return nothing.

One tenant holds environment A (project P, organization `default`) with a graph version, artifacts, results,
freshness, a plan, a run with its nodes, events and a log chunk, a secret and a saved layout; and environment B in
another organization. Every read use case of the application is called for A's objects by three callers:
the tenant's administrator (who sees them: the control that makes each case able to fail), a signed-in user
without any grant in the tenant, and a user who views environment B only. The last two get nothing.

A public method of a service that is neither a case here nor listed as a command or a process-level call fails
`test_every_read_use_case_has_a_case`: whoever adds a read use case adds its case too.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.access import Access
from dvt.application.audit_ports import AuditQuery
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.job_records import JobFireRecord, JobRecord
from dvt.application.jobs import JobDefinition
from dvt.application.ports import NodeFilter
from dvt.application.records import (
    ArtifactRecord,
    GraphVersionRecord,
    InvocationRecord,
    NodeSummary,
    Page,
    PlanRecord,
)
from dvt.application.run_records import RunQuery, RunRecord
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.authorization import TENANT_SCOPE, environment_scope
from dvt.domain.errors import NotFoundError, PermissionDeniedError
from dvt.domain.identity import SYSTEM, Actor, ActorKind
from dvt.domain.jobs import FireOutcome, JobStep
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.runs import Trigger
from dvt.domain.tenancy import Environment, Organization, Project, Tenant, TenantScope
from tests.conftest import FIXTURES
from tests.support.canvas import layout

JAFFLE = "yu-iskw__dbt-artifacts-parser"
FILES = (
    f"{JAFFLE}/manifest_1.12__v12__jaffle_shop.json",
    f"{JAFFLE}/catalog_1.12__v1__jaffle_shop.json",
    f"{JAFFLE}/run_results_1.12__v6__jaffle_shop.json",
)
FRESHNESS = "Nigel-Brown__learn-dbt/sources__2022-10-13_dbt1.2.1_warn.json"
CALLERS = ("admin", "nobody", "elsewhere")  # the first sees A's objects; the others must see none


@dataclass
class World:
    tenant: Tenant
    organization: Organization
    project: Project
    environment: Environment
    other_organization: Organization
    other_project: Project
    other_environment: Environment
    version: GraphVersionRecord
    node: NodeSummary
    artifact: ArtifactRecord
    invocation: InvocationRecord
    freshness: InvocationRecord
    plan: PlanRecord
    run: RunRecord
    job: JobRecord
    callers: dict[str, Access]

    def theirs(self, item: Any) -> bool:
        """Whether this is B's side, which the user of environment B may see."""
        mine = {self.other_organization.id, self.other_project.id, self.other_environment.id}
        return getattr(item, "id", None) in mine


async def _named(app: Services, access: Access, labels: list[str]) -> list[str]:
    """The names a caller is told for these actors (a label given back unchanged names no one)."""
    names = await app.identity.actor_names(access, labels)
    return [name for name, label in zip(names, labels, strict=True) if name != label]


def _file(name: str) -> ArtifactFile:
    return ArtifactFile((FIXTURES / name).name, (FIXTURES / name).read_bytes())


async def _user(app: Services, tenant: Tenant, name: str) -> Access:
    return await app.access.access_for(Actor(ActorKind.USER, f"{name}-{uuid.uuid4().hex[:6]}", tenant.id))


async def _holding(
    invocations: list[InvocationRecord], read: Callable[[InvocationRecord], Awaitable[list[Any]]]
) -> Any:
    """The first invocation this read finds rows of (node results, source freshness)."""
    for invocation in invocations:
        if await read(invocation):
            return invocation
    raise AssertionError("no invocation holds these rows")


@pytest.fixture(scope="module")
async def world(app: Services, settings: Settings) -> World:
    tenant = await app.tenancy.create_tenant(SYSTEM, f"r-{uuid.uuid4().hex[:10]}")
    system = Access.system(TenantScope(tenant.id))
    report = await app.ingest.ingest(system, IngestTarget("p", "a"), [_file(n) for n in FILES])
    await app.ingest.ingest(system, IngestTarget("p", "a"), [_file(FRESHNESS)])
    environment = await app.tenancy.environment(system, "p", "a")
    project = await app.tenancy.project(system, "p")
    organization = (await app.tenancy.organizations_by_ids(system, [project.organization_id]))[0]
    other_organization = await app.tenancy.create_organization(system, "elsewhere")
    other_project = await app.tenancy.create_project(system, "q", "/nowhere", organization="elsewhere")
    other_environment = await app.tenancy.create_environment(system, "q", "b", "duckdb")
    assert report.graph_version_id is not None
    version = (await app.graph.versions_by_ids(system, [report.graph_version_id]))[0]
    node = (await app.graph.nodes(system, version.id, NodeFilter(resource_types=("model",)), None, 1)).items[0]
    invocations = (await app.graph.invocations(system, environment.id, None, 10)).items
    invocation = await _holding(invocations, lambda i: app.graph.results_of(system, [i.id]))
    freshness = await _holding(invocations, lambda i: app.graph.freshness_of(system, [i.id]))
    artifact = (await app.graph.artifacts_of(system, [version.id]))[0]
    plan = await app.plans.create(system, environment.id, PlanRequest(select=(node.name,)))
    run = await app.runs.trigger(system, environment.id, plan_id=plan.id, trigger=Trigger.API)
    nightly = JobDefinition(name="nightly", steps=(JobStep.parse(f"build -s {node.name}"),), cron="0 2 * * *")
    job = await app.jobs.create(system, environment.id, nightly)
    await app.jobs.trigger(system, job.id)  # a fire and a run of the job
    await app.secrets.put(system, environment.id, "WAREHOUSE_PASSWORD", "hunter2")
    engine = create_engine(settings.database_url or "", pool_size=1)
    async with SqlUnitOfWork(create_session_factory(engine)) as uow:
        await uow.runs(system.scope).append_log(run.id, "dbt", ["a line of the run's log"])
        fire = JobFireRecord(uuid.uuid4(), job.id, datetime.now(UTC), Trigger.SCHEDULE.value, FireOutcome.MISSED.value)
        await uow.job_definitions(system.scope).add_fire(fire)  # a schedule's occurrence of the job
        await uow.commit()
    await engine.dispose()

    admin, nobody, elsewhere = [await _user(app, tenant, n) for n in CALLERS]
    await app.access.grant(system, admin.actor.label, "admin", TENANT_SCOPE)
    where_b = environment_scope(other_organization.id, other_project.id, other_environment.id)
    await app.access.grant(system, elsewhere.actor.label, "viewer", where_b)
    admin_access = await app.access.access_for(admin.actor)
    await app.canvas.save(admin_access, project.id, 0, layout())
    await app.identity.create_api_token(system, "ci", ["viewer"])
    callers = {
        "admin": admin_access,
        "nobody": await app.access.access_for(nobody.actor),
        "elsewhere": await app.access.access_for(elsewhere.actor),
    }
    return World(
        tenant, organization, project, environment, other_organization, other_project, other_environment,
        version, node, artifact, invocation, freshness, plan, run, job, callers,
    )  # fmt: skip


Call = Callable[[Services, World, Access], Awaitable[Any]]


async def _first(batches: AsyncGenerator[Any]) -> Any:
    """The first batch a follow hands out (a run that has events has a first batch); the follow ends then."""
    async with contextlib.aclosing(batches) as follow:
        async for batch in follow:
            return batch
    return []


async def _counted(counts: Awaitable[dict[Any, int]]) -> int:
    """Counts per object as one number: none for a caller who sees none of them."""
    return sum((await counts).values())


# Every read use case, called for environment A's objects. `tenant_wide`: it is about the tenant itself, which the
# user of environment B legitimately sees, so only the caller without any grant must get nothing from it.
CASES: dict[str, tuple[Call, bool]] = {
    "tenancy.tenants_by_ids": (lambda app, w, a: app.tenancy.tenants_by_ids(a, [w.tenant.id]), True),
    "tenancy.organizations": (lambda app, w, a: app.tenancy.organizations(a), False),
    "tenancy.organizations_by_ids": (lambda app, w, a: app.tenancy.organizations_by_ids(a, [w.organization.id]), False),
    "tenancy.projects": (lambda app, w, a: app.tenancy.projects(a), False),
    "tenancy.project": (lambda app, w, a: app.tenancy.project(a, w.project.slug), False),
    "tenancy.projects_of": (lambda app, w, a: app.tenancy.projects_of(a, [w.organization.id]), False),
    "tenancy.projects_by_ids": (lambda app, w, a: app.tenancy.projects_by_ids(a, [w.project.id]), False),
    "tenancy.environments": (lambda app, w, a: app.tenancy.environments(a, [w.project.id]), False),
    "tenancy.environments_by_ids": (lambda app, w, a: app.tenancy.environments_by_ids(a, [w.environment.id]), False),
    "tenancy.environment": (lambda app, w, a: app.tenancy.environment(a, w.project.slug, w.environment.slug), False),
    "graph.versions": (lambda app, w, a: app.graph.versions(a, w.environment.id, None, 10), False),
    "graph.latest_versions": (lambda app, w, a: app.graph.latest_versions(a, [w.environment.id]), False),
    "graph.versions_by_ids": (lambda app, w, a: app.graph.versions_by_ids(a, [w.version.id]), False),
    "graph.nodes": (lambda app, w, a: app.graph.nodes(a, w.version.id, NodeFilter(), None, 10), False),
    "graph.count_nodes": (lambda app, w, a: app.graph.count_nodes(a, w.version.id, NodeFilter()), False),
    "graph.edges": (lambda app, w, a: app.graph.edges(a, w.version.id, None, 10), False),
    "graph.document": (lambda app, w, a: app.graph.document(a, w.version.id), False),
    "graph.summaries": (lambda app, w, a: app.graph.summaries(a, [(w.version.id, w.node.node_uuid)]), False),
    "graph.details": (lambda app, w, a: app.graph.details(a, [(w.version.id, w.node.node_uuid)]), False),
    "graph.descriptions": (lambda app, w, a: app.graph.descriptions(a, [(w.version.id, w.node.node_uuid)]), False),
    "graph.node_by_unique_id": (
        lambda app, w, a: app.graph.node_by_unique_id(a, w.version.id, w.node.unique_id),
        False,
    ),
    "graph.lineage": (lambda app, w, a: app.graph.lineage(a, w.version.id, w.node.node_uuid, 1, 1), False),
    "graph.tests_of": (lambda app, w, a: app.graph.tests_of(a, [(w.version.id, w.node.node_uuid)]), False),
    "graph.artifacts_of": (lambda app, w, a: app.graph.artifacts_of(a, [w.version.id]), False),
    "graph.artifacts_by_ids": (lambda app, w, a: app.graph.artifacts_by_ids(a, [w.artifact.id]), False),
    "graph.artifact_content": (lambda app, w, a: app.graph.artifact_content(a, w.artifact.id), False),
    "graph.artifact_download": (lambda app, w, a: app.graph.artifact_download(a, w.artifact.id), False),
    "graph.invocations_by_ids": (lambda app, w, a: app.graph.invocations_by_ids(a, [w.invocation.id]), False),
    "graph.invocations": (lambda app, w, a: app.graph.invocations(a, w.environment.id, None, 10), False),
    "graph.invocation": (
        lambda app, w, a: app.graph.invocation(a, w.environment.id, w.invocation.invocation_id),
        False,
    ),
    "graph.results_of": (lambda app, w, a: app.graph.results_of(a, [w.invocation.id]), False),
    "graph.freshness_of": (lambda app, w, a: app.graph.freshness_of(a, [w.freshness.id]), False),
    "graph.history": (lambda app, w, a: app.graph.history(a, [(w.environment.id, w.node.node_uuid)], 10), False),
    "plans.plan": (lambda app, w, a: app.plans.plan(a, w.plan.id), False),
    "plans.plans_by_ids": (lambda app, w, a: app.plans.plans_by_ids(a, [w.plan.id]), False),
    "plans.plans": (lambda app, w, a: app.plans.plans(a, w.environment.id, None, 10), False),
    "plans.status": (lambda app, w, a: app.plans.status(a, w.plan), False),
    "plans.diff": (lambda app, w, a: app.plans.diff(a, w.version.id, w.version.id), False),
    "runs.run": (lambda app, w, a: app.runs.run(a, w.run.id), False),
    "runs.runs_by_ids": (lambda app, w, a: app.runs.runs_by_ids(a, [w.run.id]), False),
    "runs.runs": (lambda app, w, a: app.runs.runs(a, w.environment.id, RunQuery()), False),
    "runs.nodes": (lambda app, w, a: app.runs.nodes(a, [w.run.id]), False),
    "runs.node_page": (lambda app, w, a: app.runs.node_page(a, w.run.id, None, 0, 10), False),
    "runs.node_counts": (lambda app, w, a: _counted(app.runs.node_counts(a, [w.run.id])), False),
    "runs.events": (lambda app, w, a: app.runs.events(a, w.run.id, 0, 100), False),
    "runs.logs": (lambda app, w, a: app.runs.logs(a, w.run.id, 0, 100), False),
    "runs.follow_events": (lambda app, w, a: _first(app.runs.follow_events(a, w.run.id, 0)), False),
    "runs.follow_logs": (lambda app, w, a: _first(app.runs.follow_logs(a, w.run.id, 0)), False),
    "jobs.job": (lambda app, w, a: app.jobs.job(a, w.job.id), False),
    "jobs.jobs_by_ids": (lambda app, w, a: app.jobs.jobs_by_ids(a, [w.job.id]), False),
    "jobs.jobs": (lambda app, w, a: app.jobs.jobs(a, w.environment.id), False),
    "jobs.job_named": (lambda app, w, a: app.jobs.job_named(a, w.environment.id, w.job.name), False),
    "jobs.fires": (lambda app, w, a: app.jobs.fires(a, w.job.id), False),
    "jobs.runs": (lambda app, w, a: app.jobs.runs(a, w.job.id, RunQuery()), False),
    "secrets.list": (lambda app, w, a: app.secrets.list(a, w.environment.id), False),
    "canvas.load": (lambda app, w, a: app.canvas.load(a, w.project.id), False),
    "audit.log": (lambda app, w, a: app.audit.log(a, AuditQuery(), None, 10), False),
    "access.grants": (lambda app, w, a: app.access.grants(a), False),
    "identity.api_tokens": (lambda app, w, a: app.identity.api_tokens(a), False),
    "identity.actor_names": (lambda app, w, a: _named(app, a, [w.run.actor]), True),
}

# Not read use cases of a caller: commands (each checks `access.require` on its exact scope), and what DVT's own
# processes call before or outside any caller's request. Adding a method here needs a reason as good as these.
NOT_READS = {
    # commands
    "tenancy.create_tenant", "tenancy.create_organization", "tenancy.create_project", "tenancy.create_environment",
    "tenancy.set_quotas", "ingest.ingest", "access.grant", "access.revoke", "identity.create_api_token",
    "identity.revoke_api_token", "identity.create_account", "identity.change_password", "secrets.put",
    "secrets.retire", "plans.create", "plans.approve", "plans.reject", "plans.configure", "runs.trigger",
    "runs.cancel", "runs.retry", "canvas.save", "jobs.create", "jobs.update", "jobs.delete", "jobs.pause",
    "jobs.resume", "jobs.trigger",
    # a command's part, handed the command's own transaction: a job's fire triggering or cancelling its runs, a
    # run's end telling the jobs chained after it
    "runs.trigger_in", "runs.trigger_many_in", "runs.cancel_in", "runs.ended", "runs.end_in", "jobs.run_ended",
    # no read: the next fire times computed from a job record the caller already holds
    "jobs.next_fires",
    # the scheduler of each process, acting as DVT
    "scheduler.run", "scheduler.tick",
    # a command's part, handed the command's own transaction: drafting the plan a trigger runs
    "plans.draft", "plans.draft_steps",
    # signing in, before there is an Access: the tenant named by a login, the caller's own credentials
    "tenancy.tenant", "tenancy.ensure_default", "access.access_for", "identity.authenticate_bearer",
    "identity.verify_bearer", "identity.login", "identity.bootstrap_admin", "rate_limiter.check",
    "rate_limiter.limit_of",
    "credentials.admit", "credentials.check",
    # the platform, outside any tenant: the CLI of a platform administrator on the server
    "tenancy.tenants", "tenancy.set_rate_limit", "audit.verify", "audit.platform_log", "audit.record_apart", "audit.record_denied",
    "secrets.rotate_keys",
    # workers and the dispatcher, acting as DVT inside a command's own transaction
    "secrets.reveal_for_run", "plans.staleness", "runs.dispatch", "runs.dispatch_in", "runs.sweep", "runs.prune", "runs.plan_decided",
    "run_executor.execute", "run_executor.maintain", "health.readiness",
    # a worker planning a run triggered without a plan: DVT acting for a run its trigger authorized
    "commits.graph_of", "run_planner.plan", "runs.planned", "runs.planning_failed",
}  # fmt: skip


def _public_methods() -> set[str]:
    found: set[str] = set()
    for field in dataclasses.fields(Services):
        service = inspect.get_annotations(Services, eval_str=True)[field.name]
        if not inspect.isclass(service) or not service.__module__.startswith("dvt.application."):
            continue  # settings: page sizes, flags
        found |= {
            f"{field.name}.{name}" for name, _ in inspect.getmembers(service, inspect.isfunction) if name[0] != "_"
        }
    return found


def test_every_read_use_case_has_a_case() -> None:
    methods = _public_methods()
    unclassified = methods - set(CASES) - NOT_READS
    assert not unclassified, f"read use cases without a case in {__name__}.CASES: {sorted(unclassified)}"
    assert not (set(CASES) | NOT_READS) - methods, "cases of methods that are gone"


def _shown(result: Any, world: World) -> list[Any]:
    """What a result shows of environment A's side."""
    if isinstance(result, Page):
        items = result.items
    elif isinstance(result, (list, tuple)):
        items = [i for part in result for i in (part if isinstance(part, (list, tuple)) else [part])]
    elif isinstance(result, int) and not isinstance(result, bool):
        items = [result] if result else []
    else:
        items = [] if result is None else [result]
    return [i for i in items if i is not None and not world.theirs(i)]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", sorted(CASES))
async def test_a_read_shows_nothing_to_a_caller_who_may_not_view_it(
    app: Services, world: World, case: str, caller: str
) -> None:
    call, tenant_wide = CASES[case]
    access = world.callers[caller]
    try:
        shown = _shown(await call(app, world, access), world)
    except NotFoundError:
        shown = []
    except PermissionDeniedError:
        # Refusing is for tenant-wide administration (audit log, API tokens); an object of environment A is never
        # "forbidden" to these callers, it is not found, as another tenant's is (no existence oracle).
        assert caller != "admin" and case in ("audit.log", "identity.api_tokens"), f"{case} refused {caller}"
        shown = []
    if caller == "admin" or (caller == "elsewhere" and tenant_wide):
        # The tenant itself is visible to whoever may view anything in it: a grant elsewhere in it shows it too.
        assert shown, f"{case}: {caller} sees what it may (the control of this case)"
    else:
        assert shown == [], f"{case} showed {caller} {shown!r}"
