"""The diff between two graph versions, for the Diff view: what changed, how much it matters, what it impacts."""

from __future__ import annotations

import strawberry

from dvt.api import ids, permissions
from dvt.api.context import Info
from dvt.api.enums import RESOURCE_TYPE_TEXT, Category, ResourceType
from dvt.api.scalars import JSON
from dvt.domain import errors as domain
from dvt.domain.authorization import Permission
from dvt.domain.graph.diff import GraphDiff, ModifiedNode, NodeDelta


@strawberry.type
class NodeChange:
    kind: str = strawberry.field(description="body, compiled, config, relation, contract, columns, description, ...")
    category: Category
    message: str
    old: JSON | None
    new: JSON | None


@strawberry.type
class ModifiedDiffNode:
    unique_id: str
    resource_type: ResourceType
    resource_type_text: str = strawberry.field(description=RESOURCE_TYPE_TEXT)
    category: Category
    changes: list[NodeChange]
    state_modified: list[str] = strawberry.field(description="dbt's state:modified sub-kinds that select it")

    @staticmethod
    def of(node: ModifiedNode) -> ModifiedDiffNode:
        return ModifiedDiffNode(
            unique_id=node.unique_id,
            resource_type=ResourceType.read(node.resource_type),
            resource_type_text=node.resource_type,
            category=node.category,
            changes=[
                NodeChange(kind=c.kind.value, category=c.category, message=c.message, old=c.old, new=c.new)
                for c in node.changes
            ],
            state_modified=sorted(node.state_modified),
        )


@strawberry.type
class DiffNode:
    unique_id: str
    resource_type: ResourceType
    resource_type_text: str = strawberry.field(description=RESOURCE_TYPE_TEXT)
    category: Category

    @staticmethod
    def of(node: NodeDelta) -> DiffNode:
        return DiffNode(
            unique_id=node.unique_id,
            resource_type=ResourceType.read(node.resource_type),
            resource_type_text=node.resource_type,
            category=node.category,
        )


@strawberry.type
class GraphDiffType:
    added: list[DiffNode]
    removed: list[DiffNode]
    modified: list[ModifiedDiffNode]
    impacted: list[str] = strawberry.field(description="Downstream of a breaking change: must rebuild")
    changed_macros: list[str]

    @staticmethod
    def of(found: GraphDiff) -> GraphDiffType:
        return GraphDiffType(
            added=[DiffNode.of(n) for n in found.added],
            removed=[DiffNode.of(n) for n in found.removed],
            modified=[ModifiedDiffNode.of(n) for n in found.modified],
            impacted=list(found.impacted),
            changed_macros=list(found.changed_macros),
        )


@strawberry.type
class DiffQuery:
    @permissions.field(Permission.VIEW, description="What changed from one graph version to another")
    async def diff(self, info: Info, base: strawberry.ID, head: strawberry.ID) -> GraphDiffType | None:
        base_id, head_id = ids.node_uuid(base, "GraphVersion"), ids.node_uuid(head, "GraphVersion")
        if base_id is None or head_id is None:
            return None
        try:
            found = await info.context.services.plans.diff(info.context.access, base_id, head_id)
        except domain.NotFoundError:
            return None
        return GraphDiffType.of(found)
