"""Plans follow git: a run plans from the commit its environment's branch names now, parsed by dbt once per
commit, and executes that commit. Real git repositories, real `dbt parse` and `dbt build`, real workers."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from dvt.application.access import Access
from dvt.application.jobs import JobDefinition
from dvt.application.run_records import RunQuery, RunRecord
from dvt.application.services import Services
from dvt.domain.errors import ValidationError
from dvt.domain.identity import SYSTEM
from dvt.domain.jobs import AfterOutcome, JobStep
from dvt.domain.plan.plan import ExecutionPlan, PlanRequest
from dvt.domain.runs import RunStatus
from dvt.domain.tenancy import TenantScope
from tests.runs.conftest import FINISH_SECONDS, Place, finished
from tests.support.dbt_repos import demo_repo, git

STG_CUSTOMERS = "models/staging/stg_customers.sql"
CHANGED_CUSTOMERS = (
    (Path(__file__).resolve().parents[2] / "examples/demo_shop" / STG_CUSTOMERS)
    .read_text()
    .replace("lower(email) as email", "lower(trim(email)) as email")
)
# A Jinja error dbt reports while parsing: the call's parenthesis is never closed.
BROKEN_JINJA = "select * from {{ ref('stg_orders' }}\n"


async def unconnected_place(services: Services, repo: Path) -> Place:
    """A project known only by its git repository: no artifacts were ever uploaded."""
    tenant = await services.tenancy.create_tenant(SYSTEM, f"t-{uuid.uuid4().hex[:10]}")
    scope = TenantScope(tenant.id)
    access = Access.system(scope)
    await services.tenancy.create_project(access, "shop", str(repo))
    environment = await services.tenancy.create_environment(
        access, "shop", "dev", "duckdb", git_ref="main", settings={"path": "demo.duckdb"}
    )
    return Place(services, scope, access, environment, repo, tenant.slug)


def commit(repo: Path, changes: dict[str, str], message: str = "change") -> str:
    for path, text in changes.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


async def planned(services: Services, place: Place, run: RunRecord) -> RunRecord:
    """The run once a worker has planned it (or failed it in planning)."""
    async with asyncio.timeout(FINISH_SECONDS):
        while run.status in (RunStatus.QUEUED.value, RunStatus.PLANNING.value):
            await asyncio.sleep(0.2)
            found = await services.runs.run(place.access, run.id)
            assert found is not None
            run = found
    return run


async def test_a_repository_with_nothing_uploaded_runs_from_its_branch_head(
    app: Services, tmp_path: Path, worker: object
) -> None:
    repo = demo_repo(tmp_path / "shop")
    place = await unconnected_place(app, repo)
    head = git(repo, "rev-parse", "HEAD").strip()

    run = await app.runs.trigger(place.access, place.environment.id, request=PlanRequest())
    assert run.plan_id is None  # planned by a worker, from the branch, once its turn comes

    done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.SUCCESS.value, done.reason
    assert done.commit_sha == head
    assert done.plan_id is not None
    plan = await app.plans.plan(place.access, done.plan_id)
    assert plan is not None and plan.commit_sha == head
    nodes = {n.unique_id: n.status for n in await app.runs.nodes(place.access, [run.id])}
    assert nodes["model.demo_shop.stg_customers"] == "success"
    events = await app.runs.events(place.access, run.id, 0, 1000)
    moves = [e.status for e in events if e.kind == "status"]
    assert moves[:3] == ["queued", "planning", "awaiting_worker"]


async def test_the_same_commit_is_parsed_once_and_a_new_commit_plans_what_it_changed(
    app: Services, tmp_path: Path, worker: object
) -> None:
    repo = demo_repo(tmp_path / "shop")
    place = await unconnected_place(app, repo)
    first = await app.commits.graph_of(place.scope, place.environment.id)
    again = await app.commits.graph_of(place.scope, place.environment.id)
    assert first.parsed and not again.parsed
    assert again.version.id == first.version.id and again.commit_sha == first.commit_sha

    changed = commit(repo, {STG_CUSTOMERS: CHANGED_CUSTOMERS})
    run = await app.runs.trigger(place.access, place.environment.id, request=PlanRequest(select=("state:modified+",)))
    run = await planned(app, place, run)
    assert run.commit_sha == changed and run.plan_id is not None, run.reason
    plan = await app.plans.plan(place.access, run.plan_id)
    assert plan is not None and plan.commit_sha == changed
    assert plan.base_version_id == first.version.id  # compared with the commit the branch named before

    graph = await app.graph.document(place.access, plan.head_version_id)  # to name stg_customers' descendants
    names = {n["node_uuid"]: n["unique_id"] for n in graph["nodes"]}
    children: dict[str, set[str]] = {}
    for edge in graph["edges"]:
        children.setdefault(names[edge["parent_uuid"]], set()).add(names[edge["child_uuid"]])
    expected, frontier = set(), {"model.demo_shop.stg_customers"}
    while frontier:
        expected |= frontier
        frontier = {c for u in frontier for c in children.get(u, ())} - expected
    assert set(ExecutionPlan.from_document(plan.document).selected) == expected
    assert "model.demo_shop.stg_orders" not in expected  # a sibling: not modified, not a child


async def test_a_commit_dbt_cannot_parse_fails_the_run_in_planning_with_dbts_message(
    app: Services, tmp_path: Path, worker: object
) -> None:
    repo = demo_repo(tmp_path / "shop", {"models/marts/finance/broken.sql": BROKEN_JINJA})
    place = await unconnected_place(app, repo)

    run = await app.runs.trigger(place.access, place.environment.id, request=PlanRequest())
    done = await finished(app, place.scope, run.id)

    assert done.status == RunStatus.FAILED.value
    assert done.reason is not None and done.reason.startswith("parse_failed: "), done.reason
    assert "broken" in done.reason  # dbt names the model it could not parse
    assert done.plan_id is None
    events = await app.runs.events(place.access, run.id, 0, 1000)
    assert [e.status for e in events if e.kind == "status"] == ["queued", "planning", "failed"]
    page = await app.graph.versions(place.access, place.environment.id, None, 10)
    assert page.items == []  # nothing was ingested


async def test_a_preview_of_another_branch_plans_its_commit_and_leaves_the_environments_graph(
    app: Services, tmp_path: Path
) -> None:
    repo = demo_repo(tmp_path / "shop")
    place = await unconnected_place(app, repo)
    current = await app.commits.graph_of(place.scope, place.environment.id)
    git(repo, "checkout", "-q", "-b", "feature")
    feature = commit(repo, {STG_CUSTOMERS: CHANGED_CUSTOMERS})
    git(repo, "checkout", "-q", "main")

    request = PlanRequest(select=("state:modified",))
    plan = await app.plans.create(place.access, place.environment.id, request, ref="feature")

    assert plan.commit_sha == feature
    assert plan.base_version_id == current.version.id
    selected = ExecutionPlan.from_document(plan.document).selected
    assert {u for u in selected if not u.startswith("test.")} == {"model.demo_shop.stg_customers"}  # + its tests
    [still] = await app.graph.latest_versions(place.access, [place.environment.id])
    assert still is not None and still.id == current.version.id  # a preview is not the environment's graph

    with pytest.raises(ValidationError, match="no-such-branch"):
        await app.plans.create(place.access, place.environment.id, request, ref="no-such-branch")


async def test_a_run_failed_in_planning_starts_the_jobs_chained_after_its_job_on_failure(
    app: Services, tmp_path: Path, worker: object
) -> None:
    repo = demo_repo(tmp_path / "shop", {"models/marts/finance/broken.sql": BROKEN_JINJA})
    place = await unconnected_place(app, repo)
    load = await app.jobs.create(
        place.access, place.environment.id, JobDefinition(name="load", steps=(JobStep.parse("build"),))
    )
    chained = JobDefinition(
        name="alert", steps=(JobStep.parse("test"),), after_job_id=load.id, after_outcome=AfterOutcome.FAILURE
    )
    alert = await app.jobs.create(place.access, place.environment.id, chained)

    run = await app.jobs.trigger(place.access, load.id)
    done = await finished(app, place.scope, run.id)

    assert done.status == RunStatus.FAILED.value and (done.reason or "").startswith("parse_failed: ")
    [followed] = (await app.jobs.runs(place.access, alert.id, RunQuery())).items
    assert followed.trigger == "job_completion"
