"""One ExecutionPlan model: written with `sealed()`, read back with `from_document()`, its contract generated from it."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import replace

import jsonschema
import pytest

from dvt.api.contracts import json_schemas
from dvt.application.plain_json import plain_json
from dvt.domain.plan import plan as model
from dvt.domain.plan.compose import make_plan
from dvt.domain.plan.plan import Action, ApprovalRequirement, ExecutionPlan, PlanItem, PlanRequest
from dvt.domain.plan.policies.registry import BUILT_IN
from tests.conftest import ROOT
from tests.unit.test_plan_policies import ALL_OK, FRESH, context

COMMITTED = json.loads((ROOT / "schema" / "contracts" / "execution-plan.v2.schema.json").read_text())


def plan() -> ExecutionPlan:
    made = make_plan(
        context(
            history=ALL_OK,
            freshness=FRESH,
            request=PlanRequest(select=("mart",), vars={"day": "2026-11-20"}, as_of="2026-11-20"),
        ),
        BUILT_IN,
        environment_id=uuid.UUID(int=1),
        base_version_id=None,
        head_version_id=uuid.UUID(int=2),
    )
    # A PARTIAL item and an approval, so every optional member of the document is exercised.
    first = replace(made.items[0], action=Action.PARTIAL, partition={"vars": {"from": "2026-11-19"}})
    return replace(
        made,
        items=(first, *made.items[1:]),
        approvals_required=(ApprovalRequirement("manual_approval", "REQUIRED", "admin"),),
    )


def test_a_sealed_plan_reads_back_as_the_same_plan_with_its_fingerprint() -> None:
    sealed, body = plan().sealed()
    assert ExecutionPlan.from_document(body) is sealed  # what was just sealed is not built again
    model._RECENT.clear()  # from here on: read from the bytes alone
    assert sealed.fingerprint == hashlib.sha256(body).hexdigest()
    assert ExecutionPlan.from_document(body) == sealed
    assert ExecutionPlan.from_document(body).to_document() == body


def test_a_decision_read_back_belongs_to_its_item() -> None:
    body = plan().sealed()[1]
    model._RECENT.clear()
    read = ExecutionPlan.from_document(body)
    assert all(d.unique_id == item.unique_id for item in read.items for d in item.decisions)


def test_what_a_run_executes_is_the_run_and_partial_items() -> None:
    read = ExecutionPlan.from_document(plan().sealed()[1])
    executed: tuple[PlanItem, ...] = read.executed()
    assert executed and {i.action for i in executed} <= {Action.RUN, Action.PARTIAL}
    assert [i for i in read.items if i not in executed] == [i for i in read.items if i.action is Action.SKIP]


def test_the_generated_contract_is_the_committed_one_and_validates_a_sealed_plan() -> None:
    generated = json_schemas()["execution-plan.v2.schema.json"]
    assert generated == COMMITTED
    validator = jsonschema.Draft202012Validator(generated, format_checker=jsonschema.FormatChecker())
    validator.validate(plan().sealed()[0].contract_document())


def test_the_contract_refuses_a_document_the_model_would_not_write() -> None:
    document = plan().sealed()[0].contract_document()
    validator = jsonschema.Draft202012Validator(COMMITTED)
    for broken in (
        {**document, "fingerprint": "nope"},
        {**document, "extra": 1},
        {**document, "items": [{**document["items"][0], "action": "MAYBE"}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(broken)


def test_a_stored_plan_is_read_as_sealed_even_where_todays_checks_would_refuse_its_request() -> None:
    document = plan().sealed()[0].contract_document()
    del document["fingerprint"]
    deep: dict[str, object] = {}
    for _ in range(250):
        deep = {"v": deep}
    document["request"]["vars"] = deep  # PlanRequest refuses vars nested past 20 levels
    body = json.dumps(document).encode()
    assert ExecutionPlan.from_document(body).request.vars == deep


def test_the_application_seals_a_plan_to_the_same_bytes_as_the_domain() -> None:
    made = plan()
    assert made.to_document(plain_json) == made.to_document()
    # A float in the vars: RFC 8785 writes 1.0 as 1, which only the general path does.
    with_floats = replace(made, request=replace(made.request, vars={"ratio": 1.0, "n": 10**30}))
    body = with_floats.to_document(plain_json)
    assert body == with_floats.to_document()
    assert b'"ratio":1}' in body
