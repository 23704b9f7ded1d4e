"""Statuses and kinds as GraphQL enums, each made from its domain enum: one source of the set of values.

Import the enums from here (not from the domain) in API types: importing this module registers them with
Strawberry. A value added to a domain enum (a run status, say) appears in the schema with it. GraphQL clients
see the members' names (`AWAITING_APPROVAL`); resolvers return and receive the domain members.
"""

from __future__ import annotations

import strawberry

from dvt.domain.graph.diff import Category
from dvt.domain.plan.plan import Action, Confidence, PlanStatus
from dvt.domain.runs import RunStatus, Trigger

__all__ = ["Action", "Category", "Confidence", "PlanStatus", "RunStatus", "Trigger"]

strawberry.enum(RunStatus, name="RunStatus", description="Where a run is in its lifecycle")
strawberry.enum(Trigger, name="RunTrigger", description="Who or what started a run")
strawberry.enum(
    PlanStatus, name="PlanStatus", description="EXPIRED: its time ran out or the graph changed a node it runs"
)
strawberry.enum(Action, name="PlanAction", description="What a plan does with a node")
strawberry.enum(
    Confidence, name="EstimateConfidence", description="HISTORY: the node's own runs; SIMILAR: nodes like it"
)
strawberry.enum(Category, name="ChangeCategory", description="How much a change matters to what reads the node")
