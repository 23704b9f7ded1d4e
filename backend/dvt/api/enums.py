"""Statuses and kinds as GraphQL enums, each made from its domain enum: one source of the set of values.

Import the enums from here (not from the domain) in API types: importing this module registers them with
Strawberry. A value added to a domain enum (a run status, say) appears in the schema with it. GraphQL clients
see the members' names (`AWAITING_APPROVAL`); resolvers return and receive the domain members.
"""

from __future__ import annotations

import strawberry

from dvt.domain.graph.diff import Category
from dvt.domain.graph.model import ResourceType
from dvt.domain.plan.plan import Action, Confidence, PlanStatus
from dvt.domain.runs import NodeStatus, RunEventKind, RunStatus, Trigger

__all__ = [
    "RESOURCE_TYPE_TEXT",
    "STATUS_TEXT",
    "Action",
    "Category",
    "Confidence",
    "NodeStatus",
    "PlanStatus",
    "ResourceType",
    "RunEventKind",
    "RunStatus",
    "Trigger",
]

# The descriptions of the text fields beside `resourceType` and a node's `status`.
RESOURCE_TYPE_TEXT = "dbt's own word, lower case: what `resourceType` reads, kept when it reads UNKNOWN"
STATUS_TEXT = "The status word as stored (dbt's, lower case): what `status` reads, kept when it reads UNKNOWN"

strawberry.enum(RunStatus, name="RunStatus", description="Where a run is in its lifecycle")
strawberry.enum(
    RunEventKind,
    name="RunEventKind",
    description="What a run's event records; UNKNOWN: a kind this server does not know (a newer worker's)",
)
strawberry.enum(Trigger, name="RunTrigger", description="Who or what started a run")
strawberry.enum(
    PlanStatus, name="PlanStatus", description="EXPIRED: its time ran out or the graph changed a node it runs"
)
strawberry.enum(Action, name="PlanAction", description="What a plan does with a node")
strawberry.enum(
    Confidence, name="EstimateConfidence", description="HISTORY: the node's own runs; SIMILAR: nodes like it"
)
strawberry.enum(Category, name="ChangeCategory", description="How much a change matters to what reads the node")
# dbt's vocabularies are open: a word this server does not know reads UNKNOWN and the field beside it
# (`statusText`, `resourceTypeText`) keeps the text.
strawberry.enum(
    NodeStatus,
    name="NodeStatus",
    description="A node's status in a run or a dbt result; UNKNOWN: a word this server does not know",
)
strawberry.enum(
    ResourceType,
    name="ResourceType",
    description="A dbt resource type; UNKNOWN: a type this server does not know (a newer dbt's)",
)
