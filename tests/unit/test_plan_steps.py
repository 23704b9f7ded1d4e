"""A job's several planned steps as one plan: each step planned on its own, joined with its items marked by step,
one set of totals and approvals, sealed and read back whole; a plan of one step is written as before steps existed."""

from __future__ import annotations

import json
import uuid

import jsonschema
import pytest

from dvt.domain.plan import plan as model
from dvt.domain.plan.compose import make_plan
from dvt.domain.plan.plan import ExecutionPlan, PlanRequest, PlanStep
from dvt.domain.plan.policies.registry import BUILT_IN
from dvt.domain.plan.steps import join_steps
from tests.unit.test_execution_plan_document import COMMITTED
from tests.unit.test_plan_policies import ALL_OK, FRESH, context

HEAD = uuid.UUID(int=2)


def planned(selected: set[str], config: dict[str, dict[str, object]] | None = None, **request: object) -> ExecutionPlan:
    return make_plan(
        context(
            history=ALL_OK,
            freshness=FRESH,
            selected=selected,
            config=config,
            request=PlanRequest(as_of="2026-12-06", **request),  # type: ignore[arg-type]
        ),
        BUILT_IN,
        environment_id=uuid.UUID(int=1),
        base_version_id=None,
        head_version_id=HEAD,
    )


def steps() -> list[tuple[str, ExecutionPlan]]:
    run = planned({"model.shop.stg", "model.shop.mart"}, select=("+mart",))
    test = planned({"test.shop.not_null_stg"}, select=("stg",))
    again = planned({"model.shop.mart"}, select=("mart",), full_refresh=True)
    return [("run", run), ("test", test), ("run", again)]


def test_the_steps_items_keep_their_step_and_the_totals_add_up() -> None:
    parts = steps()
    joined = join_steps(parts)
    assert joined.steps == tuple(PlanStep(command, p.request) for command, p in parts)
    assert joined.request == parts[0][1].request
    for index, (_, part) in enumerate(parts):
        assert [(i.unique_id, i.action) for i in joined.items_of(index)] == [
            (i.unique_id, i.action) for i in part.items
        ]
    # mart runs in two steps: two items, one per step, each counted
    assert [i.step for i in joined.items if i.unique_id == "model.shop.mart"] == [0, 2]
    assert joined.totals.run == sum(p.totals.run for _, p in parts)
    assert joined.totals.p50_cost_micros == sum(p.totals.p50_cost_micros for _, p in parts)
    assert joined.selected == tuple(sorted({u for _, p in parts for u in p.selected}))
    assert joined.explanation.startswith("Step 1 (dbt run): ") and "Step 3 (dbt run): " in joined.explanation


def test_an_approval_any_step_needs_is_the_plans_once() -> None:
    run, test, _ = steps()
    needing = (
        "run",
        planned({"model.shop.mart"}, {"manual_approval": {"required": True}}, select=("mart",), full_refresh=True),
    )
    joined = join_steps([run, needing, test, needing])
    assert joined.approvals_required, "the environment asks for an approval of what runs"
    assert len(joined.approvals_required) == len(set(joined.approvals_required)) == len(needing[1].approvals_required)


def test_a_plan_of_steps_is_sealed_read_back_and_valid_by_its_contract() -> None:
    sealed, body = join_steps(steps()).sealed()
    model._RECENT.clear()
    read = ExecutionPlan.from_document(body)
    assert read == sealed and read.to_document() == body
    document = json.loads(body)
    assert [s["command"] for s in document["steps"]] == ["run", "test", "run"]
    assert {i["step"] for i in document["items"]} == {0, 1, 2}
    jsonschema.Draft202012Validator(COMMITTED, format_checker=jsonschema.FormatChecker()).validate(
        sealed.contract_document()
    )


def test_one_step_is_its_own_plan_written_as_before_steps_existed() -> None:
    only = steps()[0]
    assert join_steps([only]) is only[1]
    document = json.loads(only[1].sealed()[1])
    assert "steps" not in document and all("step" not in i for i in document["items"])
    assert only[1].planned_steps() == (PlanStep("build", only[1].request),)


def test_steps_planned_on_different_graphs_are_not_one_plan() -> None:
    run = steps()[0]
    other = make_plan(
        context(history=ALL_OK, freshness=FRESH),
        BUILT_IN,
        environment_id=uuid.UUID(int=1),
        base_version_id=None,
        head_version_id=uuid.UUID(int=3),
    )
    with pytest.raises(ValueError, match="one graph version"):
        join_steps([run, ("build", other)])
