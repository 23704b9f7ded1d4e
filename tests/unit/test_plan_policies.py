"""The policy engine and each built-in policy, on hand-built graphs: one reason code per test."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import rfc8785

from dvt.application.plans import seal
from dvt.domain.canonical import canonical_json
from dvt.domain.graph.model import GraphNode
from dvt.domain.plan.compose import make_plan
from dvt.domain.plan.context import NodeHistory, PlanContext, PolicyConfig
from dvt.domain.plan.engine import run_policies
from dvt.domain.plan.estimate import RateCard, estimate, percentile
from dvt.domain.plan.plan import MICROS, Action, Confidence, Decision, Estimate, PlanRequest, document
from dvt.domain.plan.policies.full_refresh import FullRefresh
from dvt.domain.plan.policies.limit_cost_budget import LimitCostBudget
from dvt.domain.plan.policies.manual_approval import ManualApproval
from dvt.domain.plan.policies.partial_by_partition import PartialByPartition
from dvt.domain.plan.policies.prioritize_exposures import PrioritizeExposures
from dvt.domain.plan.policies.registry import BUILT_IN, PolicyRegistry
from dvt.domain.plan.policies.skip_if_no_change import SkipIfNoChange

SUCCESS = "2026-11-20T10:00:00Z"
PARTITIONED = {"dvt": {"partition": {"column": "day", "start_var": "from", "end_var": "to", "lookback_days": 1}}}


def node(
    uid: str, *parents: str, checksum: str = "c1", materialized: str | None = "table", meta: Any = None
) -> GraphNode:
    kind = uid.split(".")[0]
    return GraphNode(uid, kind, uid.split(".")[-1], "shop", materialized=materialized, checksum=checksum,
                     depends_on=parents, meta=meta or {})  # fmt: skip


# raw -> stg -> mart -> exposure; a test on stg; a second, independent model
NODES = [
    node("source.shop.raw.orders", materialized=None),
    node("model.shop.stg", "source.shop.raw.orders", materialized="view"),
    node("test.shop.not_null_stg", "model.shop.stg", materialized="test"),
    node("model.shop.mart", "model.shop.stg"),
    node("exposure.shop.dash", "model.shop.mart", materialized=None),
    node("model.shop.lonely"),
]


def context(
    *,
    nodes: list[GraphNode] = NODES,
    selected: set[str] | None = None,
    history: Mapping[str, NodeHistory] | None = None,
    freshness: Mapping[str, str] | None = None,
    modifications: Mapping[str, frozenset[str]] | None = None,
    new: set[str] | None = None,
    estimates: Mapping[str, Estimate] | None = None,
    budget: int | None = None,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    request: PlanRequest | None = None,
) -> PlanContext:
    by_id = {n.unique_id: n for n in nodes}
    parents = {uid: tuple(p for p in n.depends_on if p in by_id) for uid, n in by_id.items()}
    children: dict[str, list[str]] = {}
    for uid, ps in parents.items():
        for p in ps:
            children.setdefault(p, []).append(uid)
    chosen = frozenset(selected if selected is not None else by_id)
    return PlanContext(
        request=request or PlanRequest(as_of="2026-11-26"),
        nodes=by_id,
        node_uuids={uid: uuid.uuid5(uuid.NAMESPACE_URL, uid) for uid in by_id},
        parents=parents,
        children={k: tuple(sorted(v)) for k, v in children.items()},
        selected=chosen,
        selection_reasons={uid: ("test",) for uid in chosen},
        new_nodes=frozenset(new or ()),
        modifications=modifications or {},
        history=history or {},
        freshness=freshness or {},
        estimates=estimates or {},
        budget_remaining_micros=budget,
        config=PolicyConfig(config or {}),
    )


def ok(changed: frozenset[str] = frozenset(), at: str = SUCCESS) -> NodeHistory:
    return NodeHistory(last_success_at=at, changed_since_success=changed, last_status="success", durations_ms=(1000,))


ALL_OK = {uid: ok() for uid in ("model.shop.stg", "test.shop.not_null_stg", "model.shop.mart", "model.shop.lonely")}
FRESH = {"source.shop.raw.orders": "2026-11-19T00:00:00Z"}


def reasons(ctx: PlanContext, policy: Any) -> dict[str, str]:
    return {d.unique_id: d.reason for d in policy.evaluate(ctx.with_tentative(run_policies(ctx, []).actions, {}))}


# --- the engine -------------------------------------------------------------------------------------------


class Vote:
    def __init__(self, id: str, uid: str, action: Action, final: bool = False) -> None:
        self.id, self.version, self._uid, self._action, self._final = id, "1", uid, action, final

    def evaluate(self, context: PlanContext) -> list[Decision]:
        return [Decision(self._uid, self.id, "VOTE", "vote", self._action, final=self._final)]


def test_a_later_policy_overrides_an_earlier_one() -> None:
    outcome = run_policies(
        context(), [Vote("a", "model.shop.mart", Action.SKIP), Vote("b", "model.shop.mart", Action.RUN)]
    )
    assert outcome.actions["model.shop.mart"] is Action.RUN


def test_a_final_decision_is_not_overridden() -> None:
    policies = [Vote("a", "model.shop.mart", Action.SKIP, final=True), Vote("b", "model.shop.mart", Action.RUN)]
    outcome = run_policies(context(), policies)
    assert outcome.actions["model.shop.mart"] is Action.SKIP
    assert [d.policy for d in outcome.decisions["model.shop.mart"]] == ["selection", "a", "b"]


def test_nodes_dbt_build_does_not_execute_are_skipped_from_the_start() -> None:
    outcome = run_policies(context(), [])
    assert outcome.actions["source.shop.raw.orders"] is Action.SKIP
    assert outcome.decisions["exposure.shop.dash"][0].reason == "NOT_EXECUTED"


def test_the_same_inputs_give_the_same_plan_and_fingerprint() -> None:
    def build() -> tuple[bytes, str]:
        ctx = context(history=ALL_OK, freshness=FRESH)
        plan = make_plan(
            ctx, BUILT_IN, environment_id=uuid.UUID(int=1), base_version_id=None, head_version_id=uuid.UUID(int=2)
        )
        return seal(plan)

    assert build() == build()


def test_canonical_json_is_rfc_8785() -> None:
    ctx = context(
        history=ALL_OK,
        freshness=FRESH,
        estimates={"model.shop.mart": Estimate(1500, 2500, 7, 9, Confidence.HISTORY, "2 past runs", 2)},
    )
    plan = make_plan(
        ctx, BUILT_IN, environment_id=uuid.UUID(int=1), base_version_id=None, head_version_id=uuid.UUID(int=2)
    )
    assert canonical_json(document(plan)) == rfc8785.dumps(document(plan))


def test_items_run_in_waves_and_skipped_nodes_wait_for_nothing() -> None:
    plan = make_plan(
        context(), [], environment_id=uuid.UUID(int=1), base_version_id=None, head_version_id=uuid.UUID(int=2)
    )
    waves = {i.unique_id: i.wave for i in plan.items}
    assert (waves["model.shop.stg"], waves["model.shop.mart"], waves["source.shop.raw.orders"]) == (0, 1, -1)
    assert [i.wave for i in plan.items] == sorted(i.wave for i in plan.items)


def test_a_registered_policy_takes_its_place_in_the_order() -> None:
    registry = PolicyRegistry()
    registry.register(Vote("plugin", "model.shop.mart", Action.SKIP), before="limit_cost_budget")
    order = [p.id for p in registry.ordered()]
    assert order.index("plugin") == order.index("limit_cost_budget") - 1


# --- skip_if_no_change --------------------------------------------------------------------------------------


def test_an_unchanged_node_with_fresh_enough_sources_is_skipped() -> None:
    found = reasons(context(history=ALL_OK, freshness=FRESH), SkipIfNoChange())
    assert found["model.shop.stg"] == found["model.shop.mart"] == "UNCHANGED_SINCE_LAST_SUCCESS"


def test_a_node_that_never_succeeded_runs() -> None:
    assert reasons(context(freshness=FRESH), SkipIfNoChange())["model.shop.stg"] == "NEVER_SUCCEEDED"


def test_a_node_changed_since_it_last_succeeded_runs_and_says_how() -> None:
    history = {**ALL_OK, "model.shop.lonely": ok(changed=frozenset({"body", "configs"}))}
    decisions = {d.unique_id: d for d in SkipIfNoChange().evaluate(context(history=history).with_tentative(
        run_policies(context(history=history), []).actions, {}))}  # fmt: skip
    assert decisions["model.shop.lonely"].reason == "CHANGED_SINCE_LAST_SUCCESS"
    assert decisions["model.shop.lonely"].message == "changed since it last succeeded: body, configs"


def test_a_change_against_the_base_version_alone_does_not_force_a_run() -> None:
    # The node that last succeeded already had this definition: comparing with the base would rebuild it.
    changed = {"model.shop.lonely": frozenset({"body"})}
    found = reasons(context(history=ALL_OK, modifications=changed, new={"model.shop.lonely"}), SkipIfNoChange())
    assert found["model.shop.lonely"] == "UNCHANGED_SINCE_LAST_SUCCESS"


def test_a_child_of_a_node_that_runs_runs_too() -> None:
    history = {**ALL_OK, "model.shop.stg": ok(changed=frozenset({"body"}))}
    found = reasons(context(history=history, freshness=FRESH), SkipIfNoChange())
    assert (found["model.shop.stg"], found["model.shop.mart"]) == ("CHANGED_SINCE_LAST_SUCCESS", "UPSTREAM_WILL_RUN")


def test_a_parent_that_ran_after_the_node_makes_it_run() -> None:
    history = {**ALL_OK, "model.shop.stg": ok(at="2026-11-21T00:00:00Z")}
    found = reasons(context(selected={"model.shop.mart"}, history=history), SkipIfNoChange())
    assert found["model.shop.mart"] == "UPSTREAM_RAN_SINCE"


def test_a_source_loaded_after_the_last_success_makes_its_readers_run() -> None:
    found = reasons(
        context(history=ALL_OK, freshness={"source.shop.raw.orders": "2026-11-25T00:00:00Z"}), SkipIfNoChange()
    )
    assert found["model.shop.stg"] == "SOURCE_LOADED_SINCE"


def test_a_source_without_freshness_evidence_makes_its_readers_run() -> None:
    assert reasons(context(history=ALL_OK), SkipIfNoChange())["model.shop.stg"] == "NO_FRESHNESS_EVIDENCE"


def test_skipping_can_be_turned_off_per_environment() -> None:
    off = context(history=ALL_OK, freshness=FRESH, config={"skip_if_no_change": {"enabled": False}})
    assert reasons(off, SkipIfNoChange()) == {}


# --- full_refresh, prioritize_exposures, manual_approval --------------------------------------------------


def test_a_full_refresh_is_final_and_wins_over_skipping() -> None:
    ctx = context(history=ALL_OK, freshness=FRESH, request=PlanRequest(full_refresh=True, as_of="2026-11-26"))
    outcome = run_policies(ctx, [FullRefresh(), SkipIfNoChange()])
    assert outcome.actions["model.shop.mart"] is Action.RUN
    assert outcome.decisions["model.shop.mart"][1].reason == "FULL_REFRESH_REQUESTED"


def test_work_feeding_an_exposure_goes_first() -> None:
    found = {d.unique_id: d for d in PrioritizeExposures().evaluate(context())}
    assert set(found) == {"source.shop.raw.orders", "model.shop.stg", "model.shop.mart"}
    assert found["model.shop.mart"].reason == "FEEDS_EXPOSURE" and found["model.shop.mart"].priority == 0


def test_an_environment_can_require_approval_of_every_plan() -> None:
    found = ManualApproval().evaluate(context(config={"manual_approval": {"required": True, "role": "admin"}}).with_tentative(
        run_policies(context(), []).actions, {}))  # fmt: skip
    assert [(d.unique_id, d.reason, d.approval_role) for d in found] == [("", "ENVIRONMENT_REQUIRES_APPROVAL", "admin")]


# --- limit_cost_budget ------------------------------------------------------------------------------------------

COSTLY = {uid: Estimate(1000, 1000, 3 * MICROS, 3 * MICROS, Confidence.HISTORY, "1 past run", 1)
          for uid in ("model.shop.stg", "test.shop.not_null_stg", "model.shop.mart", "model.shop.lonely")}  # fmt: skip


def test_a_plan_within_budget_needs_nothing() -> None:
    assert reasons(context(estimates=COSTLY, budget=20 * MICROS), LimitCostBudget()) == {}


def test_a_plan_over_budget_needs_an_approval() -> None:
    outcome = run_policies(context(estimates=COSTLY, budget=5 * MICROS), [LimitCostBudget()])
    assert [(a.policy, a.role) for a in outcome.approvals] == [("limit_cost_budget", "admin")]
    assert "exceeds the 5.00 left" in outcome.approvals[0].reason


def test_trimming_drops_the_least_important_work_with_its_descendants() -> None:
    ctx = context(estimates=COSTLY, budget=7 * MICROS, config={"limit_cost_budget": {"mode": "trim"}})
    outcome = run_policies(ctx, [PrioritizeExposures(), LimitCostBudget()])
    skipped = sorted(
        uid for uid, a in outcome.actions.items() if a is Action.SKIP and uid.startswith(("model", "test"))
    )
    assert skipped == ["model.shop.lonely", "test.shop.not_null_stg"]
    assert outcome.actions["model.shop.mart"] is Action.RUN


# --- partial_by_partition ------------------------------------------------------------------------------------


PART = [*NODES[:-1], node("model.shop.events", "model.shop.stg", materialized="incremental", meta=PARTITIONED)]


def partial(ctx: PlanContext) -> list[Decision]:
    return PartialByPartition().evaluate(ctx.with_tentative(run_policies(ctx, []).actions, {}))


def test_an_incremental_model_with_a_partition_contract_runs_only_its_new_days() -> None:
    found = partial(context(nodes=PART, history={"model.shop.events": ok()}))
    assert [(d.reason, d.action) for d in found] == [("PARTITIONS_SINCE_LAST_SUCCESS", Action.PARTIAL)]
    assert found[0].partition == {
        "column": "day",
        "granularity": "day",
        "vars": {"from": "2026-11-19", "to": "2026-11-26"},
    }


def test_a_changed_partitioned_model_is_built_in_full() -> None:
    found = partial(
        context(
            nodes=PART, history={"model.shop.events": ok()}, modifications={"model.shop.events": frozenset({"body"})}
        )
    )
    assert [(d.reason, d.action) for d in found] == [("FULL_BUILD_AFTER_CHANGE", None)]


def test_a_partitioned_model_without_success_is_built_in_full() -> None:
    assert [d.reason for d in partial(context(nodes=PART))] == ["FULL_BUILD_NO_SUCCESS"]


def test_never_partial_without_a_contract() -> None:
    plain = [*NODES[:-1], node("model.shop.events", "model.shop.stg", materialized="incremental")]
    assert partial(context(nodes=plain, history={"model.shop.events": ok()})) == []


# --- estimates ---------------------------------------------------------------------------------------------------


def test_percentiles_are_nearest_rank() -> None:
    assert (percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5), percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)) == (
        5,
        9,
    )


def test_a_node_without_history_is_estimated_from_similar_ones() -> None:
    nodes = {n.unique_id: n for n in NODES}
    parents = {uid: n.depends_on for uid, n in nodes.items()}
    found = estimate(
        nodes,
        ["model.shop.mart", "model.shop.lonely"],
        {"model.shop.mart": [2000, 4000]},
        parents,
        RateCard(3600 * MICROS),
    )
    assert (found["model.shop.mart"].confidence, found["model.shop.mart"].p50_ms) == (Confidence.HISTORY, 2000)
    assert found["model.shop.mart"].p50_cost_micros == 2000 * MICROS // 1000
    assert found["model.shop.lonely"].confidence is Confidence.NONE  # no upstream, unlike mart: not similar


def test_a_snowflake_rate_card_prices_credits() -> None:
    card = RateCard.parse({"warehouse_size": "SMALL", "price_per_credit": 3}, "snowflake")
    assert card.hourly_micros == 6 * MICROS and card.cost_micros(1_800_000) == 3 * MICROS


def test_an_estimate_is_carried_into_the_plan() -> None:
    ctx = replace(
        context(), estimates={"model.shop.mart": Estimate(1000, 2000, 5, 9, Confidence.HISTORY, "1 past run", 1)}
    )
    plan = make_plan(ctx, [], environment_id=uuid.UUID(int=1), base_version_id=None, head_version_id=uuid.UUID(int=2))
    assert (plan.totals.p50_ms, plan.totals.p50_cost_micros) == (1000, 5)
