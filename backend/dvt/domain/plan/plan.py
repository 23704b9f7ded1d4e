"""ExecutionPlan v2: for every selected node, RUN / SKIP / PARTIAL, why, in which wave, at what cost.

A plan holds no floats: durations are integer milliseconds and costs integer micro-units of the rate
card's currency, so its canonical JSON is the same on every machine and its fingerprint is stable.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dvt.domain.graph.selection import check_selections, check_selector_name
from dvt.domain.graph.selection.criteria import indirect_selection
from dvt.domain.plan.variables import check_vars

CONTRACT = "dvt.execution-plan.v2"
MICROS = 1_000_000  # cost micro-units per currency unit


class Action(StrEnum):
    RUN = "RUN"
    SKIP = "SKIP"
    PARTIAL = "PARTIAL"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


class Confidence(StrEnum):
    HISTORY = "history"  # this node's own past runs
    SIMILAR = "similar"  # nodes like it (same materialization, similar upstream size): low confidence
    NONE = "none"  # nothing to go on: estimated at zero, flagged


@dataclass(frozen=True, slots=True)
class Decision:
    """One policy's word on one node (or, with `unique_id` empty, on the whole plan) and why.

    `action` sets the node's action (None only informs); `final` keeps it from later policies;
    `priority` orders work within a wave; `approval_role` asks for an approval by that role.
    """

    unique_id: str
    policy: str
    reason: str  # a stable reason code, e.g. UNCHANGED_SINCE_LAST_SUCCESS
    message: str  # for people
    action: Action | None = None
    final: bool = False
    priority: int | None = None
    approval_role: str | None = None
    partition: dict[str, Any] | None = None  # with PARTIAL: the partition contract and the vars dbt gets


@dataclass(frozen=True, slots=True)
class Estimate:
    p50_ms: int
    p90_ms: int
    p50_cost_micros: int
    p90_cost_micros: int
    confidence: Confidence
    evidence: str  # "12 past runs", "similar: 40 incremental models", "no history"
    runs: int = 0


ZERO_ESTIMATE = Estimate(0, 0, 0, 0, Confidence.NONE, "no history")


@dataclass(frozen=True, slots=True)
class PlanItem:
    node_uuid: uuid.UUID
    unique_id: str
    resource_type: str
    action: Action
    decisions: tuple[Decision, ...]
    wave: int  # topological level among the nodes the plan runs (0 first)
    priority: int  # lower first within a wave (exposure-feeding work first)
    estimate: Estimate
    partition: dict[str, Any] | None = None  # PARTIAL only: the contract and the vars dbt gets


@dataclass(frozen=True, slots=True)
class PlanRequest:
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    selector: str | None = None
    indirect_selection: str = "eager"
    full_refresh: bool = False
    vars: dict[str, Any] = field(default_factory=dict)
    state_version_id: uuid.UUID | None = None  # the base to compare with; None: the previous version
    state_manifest_sha256: str | None = None  # or a manifest given as the state (`--state PATH`)
    as_of: str = ""  # the day the plan is made for (ISO date): an input, so the same inputs plan the same

    def __post_init__(self) -> None:
        # Checked here, so no request exists that dbt could read as options or that a plan could not store.
        object.__setattr__(self, "select", check_selections("selection", self.select))
        object.__setattr__(self, "exclude", check_selections("exclusion", self.exclude))
        if self.selector is not None:
            object.__setattr__(self, "selector", check_selector_name(self.selector))
        object.__setattr__(self, "indirect_selection", indirect_selection(self.indirect_selection).value)
        object.__setattr__(self, "vars", check_vars(self.vars))


@dataclass(frozen=True, slots=True)
class ApprovalRequirement:
    policy: str
    reason: str
    role: str  # the role whose holders may approve (on the environment)


@dataclass(frozen=True, slots=True)
class Totals:
    run: int
    skip: int
    partial: int
    p50_ms: int
    p90_ms: int
    p50_cost_micros: int
    p90_cost_micros: int
    budget_remaining_micros: int | None


@dataclass(frozen=True, slots=True)
class PolicyRef:
    id: str
    version: str


@dataclass(frozen=True, slots=True)
class ExecutionPlan:
    environment_id: uuid.UUID
    base_version_id: uuid.UUID | None
    head_version_id: uuid.UUID
    request: PlanRequest
    selected: tuple[str, ...]  # the raw selection in dbt's semantics, sorted
    items: tuple[PlanItem, ...]  # in execution order: wave, priority, unique_id
    totals: Totals
    approvals_required: tuple[ApprovalRequirement, ...]
    explanation: str
    policies: tuple[PolicyRef, ...]
    contract: str = CONTRACT


def document(plan: ExecutionPlan) -> dict[str, Any]:
    """The plan as the JSON document its contract describes (without the fingerprint, which seals it)."""
    return {
        "contract": plan.contract,
        "environment_id": str(plan.environment_id),
        "base_version_id": str(plan.base_version_id) if plan.base_version_id else None,
        "head_version_id": str(plan.head_version_id),
        "request": {
            "select": list(plan.request.select),
            "exclude": list(plan.request.exclude),
            "selector": plan.request.selector,
            "indirect_selection": plan.request.indirect_selection,
            "full_refresh": plan.request.full_refresh,
            "vars": plan.request.vars,
            "state_version_id": str(plan.request.state_version_id) if plan.request.state_version_id else None,
            "as_of": plan.request.as_of,
            "state_manifest_sha256": plan.request.state_manifest_sha256,
        },
        "selected": list(plan.selected),
        "items": [
            {
                "node_uuid": str(i.node_uuid),
                "unique_id": i.unique_id,
                "resource_type": i.resource_type,
                "action": i.action.value,
                "decisions": [_decision(d) for d in i.decisions],
                "wave": i.wave,
                "priority": i.priority,
                "estimate": {
                    "p50_ms": i.estimate.p50_ms,
                    "p90_ms": i.estimate.p90_ms,
                    "p50_cost_micros": i.estimate.p50_cost_micros,
                    "p90_cost_micros": i.estimate.p90_cost_micros,
                    "confidence": i.estimate.confidence.value,
                    "evidence": i.estimate.evidence,
                    "runs": i.estimate.runs,
                },
                "partition": i.partition,
            }
            for i in plan.items
        ],
        "totals": {
            "run": plan.totals.run,
            "skip": plan.totals.skip,
            "partial": plan.totals.partial,
            "p50_ms": plan.totals.p50_ms,
            "p90_ms": plan.totals.p90_ms,
            "p50_cost_micros": plan.totals.p50_cost_micros,
            "p90_cost_micros": plan.totals.p90_cost_micros,
            "budget_remaining_micros": plan.totals.budget_remaining_micros,
        },
        "approvals_required": [
            {"policy": a.policy, "reason": a.reason, "role": a.role} for a in plan.approvals_required
        ],
        "explanation": plan.explanation,
        "policies": [{"id": p.id, "version": p.version} for p in plan.policies],
    }


def _decision(d: Decision) -> dict[str, Any]:
    return {
        "policy": d.policy,
        "reason": d.reason,
        "message": d.message,
        "action": d.action.value if d.action else None,
        "final": d.final,
        "priority": d.priority,
        "approval_role": d.approval_role,
        "partition": d.partition,
    }
