"""ExecutionPlan v2: for every selected node, RUN / SKIP / PARTIAL, why, in which wave, at what cost.

A plan holds no floats: durations are integer milliseconds and costs integer micro-units of the rate
card's currency, so its canonical JSON is the same on every machine and its fingerprint is stable.

These classes are the plan's one model: it is written with `ExecutionPlan.to_document()` / `sealed()`,
read back with `ExecutionPlan.from_document()`, and its JSON Schema contract is generated from the field
types and the `schema` metadata below (`dvt export-contracts`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from dvt.domain.canonical import canonical_json_framed, encode_plain
from dvt.domain.graph.selection import check_selections, check_selector_name
from dvt.domain.graph.selection.criteria import indirect_selection
from dvt.domain.plan.variables import check_vars

CONTRACT = "dvt.execution-plan.v2"
MICROS = 1_000_000  # cost micro-units per currency unit


def _schema(description: str | None = None, **keywords: Any) -> dict[str, Any]:
    """A field's JSON Schema keywords for the contract (`document=False`: not part of the document;
    `required=False`: a member the document holds only when it says something)."""
    return {**({"description": description} if description else {}), **keywords}


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

    unique_id: str = field(metadata=_schema(document=False))  # the item holds it in the document
    policy: str
    reason: str = field(metadata=_schema("A stable reason code, e.g. UNCHANGED_SINCE_LAST_SUCCESS"))
    message: str  # for people
    action: Action | None = None
    final: bool = False
    priority: int | None = None
    approval_role: str | None = None
    partition: dict[str, Any] | None = None  # with PARTIAL: the partition contract and the vars dbt gets


@dataclass(frozen=True, slots=True)
class Estimate:
    p50_ms: int = field(metadata=_schema(minimum=0))
    p90_ms: int = field(metadata=_schema(minimum=0))
    p50_cost_micros: int = field(metadata=_schema("Micro-units of the rate card's currency", minimum=0))
    p90_cost_micros: int = field(metadata=_schema(minimum=0))
    confidence: Confidence
    evidence: str  # "12 past runs", "similar: 40 incremental models", "no history"
    runs: int = field(default=0, metadata=_schema(minimum=0))


ZERO_ESTIMATE = Estimate(0, 0, 0, 0, Confidence.NONE, "no history")


@dataclass(frozen=True, slots=True)
class PlanItem:
    node_uuid: uuid.UUID
    unique_id: str
    resource_type: str
    action: Action
    decisions: tuple[Decision, ...] = field(metadata=_schema("In the order the policies made them", minItems=1))
    wave: int = field(metadata=_schema("Topological level among what runs; -1 when skipped", minimum=-1))
    priority: int  # lower first within a wave (exposure-feeding work first)
    estimate: Estimate
    partition: dict[str, Any] | None = field(
        default=None, metadata=_schema("PARTIAL only: the partition contract and dbt vars")
    )
    step: int = field(
        default=0,
        metadata=_schema(
            "The index in `steps` of the step this item belongs to (a plan with steps only)", minimum=0, required=False
        ),
    )


@dataclass(frozen=True, slots=True)
class PlanRequest:
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    selector: str | None = None
    indirect_selection: str = field(default="eager", metadata=_schema(enum=["eager", "cautious", "buildable", "empty"]))
    full_refresh: bool = False
    vars: dict[str, Any] = field(default_factory=dict)
    state_version_id: uuid.UUID | None = None  # the base to compare with; None: the previous version
    state_manifest_sha256: str | None = None  # or a manifest given as the state (`--state PATH`)
    # The day the plan is made for (ISO date): an input, so the same inputs plan the same.
    as_of: str = field(default="", metadata=_schema(pattern=r"^\d{4}-\d{2}-\d{2}$"))

    def __post_init__(self) -> None:
        # Checked here, so no request exists that dbt could read as options or that a plan could not store.
        object.__setattr__(self, "select", check_selections("selection", self.select))
        object.__setattr__(self, "exclude", check_selections("exclusion", self.exclude))
        if self.selector is not None:
            object.__setattr__(self, "selector", check_selector_name(self.selector))
        object.__setattr__(self, "indirect_selection", indirect_selection(self.indirect_selection).value)
        object.__setattr__(self, "vars", check_vars(self.vars))

    @classmethod
    def from_document(cls, data: Mapping[str, Any]) -> PlanRequest:
        """A request as `as_document` wrote it, checked again (a run planned by a worker keeps it this way)."""
        state = data.get("state_version_id")
        return cls(
            select=tuple(data.get("select") or ()),
            exclude=tuple(data.get("exclude") or ()),
            selector=data.get("selector"),
            indirect_selection=data.get("indirect_selection") or "eager",
            full_refresh=bool(data.get("full_refresh")),
            vars=dict(data.get("vars") or {}),
            state_version_id=uuid.UUID(state) if state else None,
            state_manifest_sha256=data.get("state_manifest_sha256"),
            as_of=data.get("as_of") or "",
        )

    def as_document(self) -> dict[str, Any]:
        """The request as the plan's document (and a run's row) holds it."""
        return {
            "select": list(self.select),
            "exclude": list(self.exclude),
            "selector": self.selector,
            "indirect_selection": self.indirect_selection,
            "full_refresh": self.full_refresh,
            "vars": self.vars,
            "state_version_id": str(self.state_version_id) if self.state_version_id else None,
            "as_of": self.as_of,
            "state_manifest_sha256": self.state_manifest_sha256,
        }


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One planned dbt command of a job's run and its request; its items are those whose `step` is its index."""

    command: str = field(metadata=_schema(enum=["build", "run", "test", "seed", "snapshot"]))
    request: PlanRequest


@dataclass(frozen=True, slots=True)
class ApprovalRequirement:
    policy: str
    reason: str
    role: str  # the role whose holders may approve (on the environment)


@dataclass(frozen=True, slots=True)
class Totals:
    run: int = field(metadata=_schema(minimum=0))
    skip: int = field(metadata=_schema(minimum=0))
    partial: int = field(metadata=_schema(minimum=0))
    p50_ms: int = field(metadata=_schema(minimum=0))
    p90_ms: int = field(metadata=_schema(minimum=0))
    p50_cost_micros: int = field(metadata=_schema(minimum=0))
    p90_cost_micros: int = field(metadata=_schema(minimum=0))
    budget_remaining_micros: int | None


@dataclass(frozen=True, slots=True)
class PolicyRef:
    id: str
    version: str


@dataclass(frozen=True, slots=True)
class ExecutionPlan:
    """What `dbt build` would do, node by node, why, in which order and at what cost; sealed by `fingerprint`,
    the sha256 of the canonical JSON (RFC 8785) of every other member."""

    environment_id: uuid.UUID
    base_version_id: uuid.UUID | None
    head_version_id: uuid.UUID
    request: PlanRequest
    selected: tuple[str, ...] = field(metadata=_schema("The raw selection in dbt's semantics, sorted"))
    items: tuple[PlanItem, ...] = field(metadata=_schema("In execution order: wave, priority, unique_id"))
    totals: Totals
    approvals_required: tuple[ApprovalRequirement, ...]
    explanation: str
    policies: tuple[PolicyRef, ...]
    steps: tuple[PlanStep, ...] = field(
        default=(),
        metadata=_schema(
            "A job's planned steps in order, when it has several: each is planned as a plan of its own would be, "
            "and `request` is the first's. Absent: one step, the request's",
            required=False,
        ),
    )
    contract: str = field(default=CONTRACT, metadata=_schema(const=CONTRACT))
    fingerprint: str = field(default="", metadata=_schema(pattern="^[0-9a-f]{64}$"))  # empty until sealed

    def to_document(self, plain: Callable[[Any], bytes] = encode_plain) -> bytes:
        """The stored form: canonical JSON of every member but the fingerprint, which is its sha256.

        `plain` writes a plain document (`canonical_json_framed`); the application passes a faster one."""
        # Every member is an int, a str, a bool or None by its type, but the request and the partitions,
        # which hold what users wrote (vars): only they can need the general path.
        free: list[Any] = [self.request.as_document()]
        free += [i.partition for i in self.items if i.partition is not None]
        free += [d.partition for i in self.items for d in i.decisions if d.partition is not None]
        free += [s.request.as_document() for s in self.steps]
        return canonical_json_framed(document(self), free, plain)

    def sealed(self, plain: Callable[[Any], bytes] = encode_plain) -> tuple[ExecutionPlan, bytes]:
        """The plan with its fingerprint, and the document bytes the fingerprint seals."""
        body = self.to_document(plain)
        sealed = replace(self, fingerprint=hashlib.sha256(body).hexdigest())
        _remember(body, sealed)  # what reads it back next (the answer to createPlan) builds nothing again
        return sealed, body

    @classmethod
    def from_document(cls, body: bytes) -> ExecutionPlan:
        """A stored plan read back; its fingerprint is that of the bytes, so it is the one they were sealed with.

        A stored plan never changes, so the last few read (or sealed) are kept: a request, a dispatch and a
        status check of one big plan build its objects once.
        """
        found = _RECENT.get(body)
        if found is None:
            found = _plan(json.loads(body), hashlib.sha256(body).hexdigest())
            _remember(body, found)
        return found

    def contract_document(self) -> dict[str, Any]:
        """The whole plan as its contract describes it: the document and the fingerprint that seals it."""
        return {**document(self), "fingerprint": self.fingerprint}

    def executed(self) -> tuple[PlanItem, ...]:
        """The RUN and PARTIAL items: exactly what a run of the plan executes."""
        return tuple(i for i in self.items if i.action is not Action.SKIP)

    def items_of(self, step: int) -> tuple[PlanItem, ...]:
        """The items of one planned step (all of them when the plan has one)."""
        return tuple(i for i in self.items if i.step == step)

    def planned_steps(self) -> tuple[PlanStep, ...]:
        """The plan's steps; a plan of one request is one step, of the build command's semantics."""
        return self.steps or (PlanStep("build", self.request),)


def document(plan: ExecutionPlan) -> dict[str, Any]:
    """The plan as the JSON document its contract describes (without the fingerprint, which seals it)."""
    return {
        "contract": plan.contract,
        "environment_id": str(plan.environment_id),
        "base_version_id": str(plan.base_version_id) if plan.base_version_id else None,
        "head_version_id": str(plan.head_version_id),
        "request": plan.request.as_document(),
        "selected": list(plan.selected),
        "items": _items(plan.items, stepped=bool(plan.steps)),
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
        # Only a plan of several steps says so: a plan of one is written (and sealed) as before steps existed.
        **({"steps": [_step(s) for s in plan.steps]} if plan.steps else {}),
    }


def _step(step: PlanStep) -> dict[str, Any]:
    return {"command": step.command, "request": step.request.as_document()}


def _items(items: tuple[PlanItem, ...], *, stepped: bool = False) -> list[dict[str, Any]]:
    # An estimate is shared by the many items with the same history: written once, the same dict in each.
    # str() of a StrEnum member is its value, without the enum's `.value` property (thousands of items).
    written: dict[int, dict[str, Any]] = {}
    out = []
    for i in items:
        e = i.estimate
        estimate = written.get(id(e))
        if estimate is None:
            estimate = written[id(e)] = {
                "p50_ms": e.p50_ms,
                "p90_ms": e.p90_ms,
                "p50_cost_micros": e.p50_cost_micros,
                "p90_cost_micros": e.p90_cost_micros,
                "confidence": str(e.confidence),
                "evidence": e.evidence,
                "runs": e.runs,
            }
        out.append(
            {
                "node_uuid": str(i.node_uuid),
                "unique_id": i.unique_id,
                "resource_type": i.resource_type,
                "action": str(i.action),
                "decisions": [_decision(d) for d in i.decisions],
                "wave": i.wave,
                "priority": i.priority,
                "estimate": estimate,
                "partition": i.partition,
                **({"step": i.step} if stepped else {}),
            }
        )
    return out


def _decision(d: Decision) -> dict[str, Any]:
    return {
        "policy": d.policy,
        "reason": d.reason,
        "message": d.message,
        "action": str(d.action) if d.action else None,
        "final": d.final,
        "priority": d.priority,
        "approval_role": d.approval_role,
        "partition": d.partition,
    }


_RECENT: OrderedDict[bytes, ExecutionPlan] = OrderedDict()
RECENT_PLANS = 8


def _remember(body: bytes, plan: ExecutionPlan) -> None:
    _RECENT[body] = plan
    _RECENT.move_to_end(body)
    while len(_RECENT) > RECENT_PLANS:
        _RECENT.popitem(last=False)


def _plan(raw: dict[str, Any], fingerprint: str) -> ExecutionPlan:
    totals = raw["totals"]
    return ExecutionPlan(
        environment_id=uuid.UUID(raw["environment_id"]),
        base_version_id=_uuid(raw["base_version_id"]),
        head_version_id=uuid.UUID(raw["head_version_id"]),
        request=_request(raw["request"]),
        selected=tuple(raw["selected"]),
        items=tuple(_item(i) for i in raw["items"]),
        totals=Totals(**totals),
        approvals_required=tuple(ApprovalRequirement(**a) for a in raw["approvals_required"]),
        explanation=raw["explanation"],
        policies=tuple(PolicyRef(**p) for p in raw["policies"]),
        steps=tuple(PlanStep(s["command"], _request(s["request"])) for s in raw.get("steps", ())),
        contract=raw["contract"],
        fingerprint=fingerprint,
    )


def _request(request: dict[str, Any]) -> PlanRequest:
    # Read as sealed, not checked again: a plan stored before a check existed is still served whole.
    return _as_stored(
        PlanRequest,
        select=tuple(request["select"]),
        exclude=tuple(request["exclude"]),
        selector=request["selector"],
        indirect_selection=request["indirect_selection"],
        full_refresh=request["full_refresh"],
        vars=request["vars"],
        state_version_id=_uuid(request["state_version_id"]),
        state_manifest_sha256=request.get("state_manifest_sha256"),
        as_of=request["as_of"],
    )


def _item(raw: dict[str, Any]) -> PlanItem:
    unique_id, e = raw["unique_id"], raw["estimate"]
    return PlanItem(
        node_uuid=uuid.UUID(raw["node_uuid"]),
        unique_id=unique_id,
        resource_type=raw["resource_type"],
        action=Action(raw["action"]),
        decisions=tuple(
            Decision(
                unique_id=unique_id,
                policy=d["policy"],
                reason=d["reason"],
                message=d["message"],
                action=Action(d["action"]) if d["action"] else None,
                final=d["final"],
                priority=d["priority"],
                approval_role=d["approval_role"],
                partition=d["partition"],
            )
            for d in raw["decisions"]
        ),
        wave=raw["wave"],
        priority=raw["priority"],
        estimate=Estimate(
            p50_ms=e["p50_ms"],
            p90_ms=e["p90_ms"],
            p50_cost_micros=e["p50_cost_micros"],
            p90_cost_micros=e["p90_cost_micros"],
            confidence=Confidence(e["confidence"]),
            evidence=e["evidence"],
            runs=e["runs"],
        ),
        partition=raw["partition"],
        step=raw.get("step", 0),
    )


def _as_stored(cls: type[PlanRequest], **values: Any) -> PlanRequest:
    stored = object.__new__(cls)
    for name, value in values.items():
        object.__setattr__(stored, name, value)
    return stored


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None
