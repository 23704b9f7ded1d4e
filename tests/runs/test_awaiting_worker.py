"""`awaiting_worker`: a run whose plan is approved and whose job waits in the queue reads so, apart from a run
still waiting for a person's approval; it holds its concurrent-run slot and can be canceled."""

from __future__ import annotations

import uuid

from dvt.application.services import Services
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.quotas import Quotas
from dvt.domain.runs import RunStatus
from tests.runs.conftest import Place, finished, workers


async def status_events(app: Services, place: Place, run_id: uuid.UUID) -> list[str | None]:
    events = await app.runs.events(place.access, run_id, 0, 10_000)
    return [e.status for e in events if e.kind == "status"]


async def test_a_run_waits_for_approval_then_for_a_worker_then_runs(app: Services, place: Place) -> None:
    await app.plans.configure(place.access, place.environment.id, {"manual_approval": {"required": True}}, {})
    plan = await app.plans.create(place.access, place.environment.id, PlanRequest(select=("raw_orders",)))
    assert plan.status == "draft"
    run = await app.runs.trigger(place.access, place.environment.id, plan_id=plan.id)
    assert run.status == RunStatus.AWAITING_APPROVAL.value
    await app.plans.approve(place.access, plan.id, plan.fingerprint)
    approved = await app.runs.run(place.access, run.id)
    assert approved is not None and approved.status == RunStatus.AWAITING_WORKER.value
    assert approved.reason == "plan approved: waiting for a worker"
    async with workers(app):
        done = await finished(app, place.scope, run.id)
    assert done.status == RunStatus.SUCCESS.value, done.reason
    assert await status_events(app, place, run.id) == [
        "queued", "planning", "awaiting_approval", "awaiting_worker", "running", "success",
    ]  # fmt: skip


async def test_a_run_waiting_for_a_worker_holds_its_slot_and_is_canceled_at_once(app: Services, place: Place) -> None:
    await app.tenancy.set_quotas(place.access, Quotas(max_concurrent_runs=1), place.environment.id)
    plan = await app.plans.create(place.access, place.environment.id, PlanRequest(select=("raw_orders",)))
    if plan.status == "draft":
        plan = await app.plans.approve(place.access, plan.id, plan.fingerprint)
    first = await app.runs.trigger(place.access, place.environment.id, plan_id=plan.id)
    second = await app.runs.trigger(place.access, place.environment.id, plan_id=plan.id)
    assert (first.status, second.status) == (RunStatus.AWAITING_WORKER.value, RunStatus.QUEUED.value)
    canceled = await app.runs.cancel(place.access, first.id)
    assert canceled.status == RunStatus.CANCELED.value
    moved = await app.runs.run(place.access, second.id)  # the slot it held is free again
    assert moved is not None and moved.status == RunStatus.AWAITING_WORKER.value
    await app.runs.cancel(place.access, second.id)
    # a worker handed the canceled run's job leaves it canceled
    assert await app.run_executor.execute(place.scope.tenant_id, first.id) is None
    again = await app.runs.run(place.access, first.id)
    assert again is not None and again.status == RunStatus.CANCELED.value
