"""A user's saved layout of a project's graph, and the conflict a stale save meets."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from dvt.api.errors import Error, ErrorCode
from dvt.api.scalars import JSON
from dvt.domain import canvas

STATE = "The CanvasState v1 document (schema/contracts/canvas-state.v1.schema.json)"


@strawberry.type(name="CanvasState")
class CanvasStateType:
    """Your layout of a project's graph: positions, viewport, groups, mode. It never changes the graph."""

    project_id: strawberry.ID = strawberry.field(description="The project's global id")
    revision: int = strawberry.field(description="Counts the saves: 1 after the first; pass it to the next save")
    state: JSON = strawberry.field(description=STATE)
    updated_at: datetime

    @staticmethod
    def of(saved: canvas.CanvasState) -> CanvasStateType:
        return CanvasStateType(
            project_id=strawberry.ID(relay.to_base64("Project", saved.project_id)),
            revision=saved.revision,
            state=saved.document,
            updated_at=saved.updated_at,
        )


@strawberry.type
class CanvasConflictError(Error):
    """The save was based on a revision that is no longer the stored one; nothing was written."""

    current: CanvasStateType | None = strawberry.field(description="What is stored now; null when nothing is")

    @staticmethod
    def of(conflict: canvas.CanvasConflictError) -> CanvasConflictError:
        current = CanvasStateType.of(conflict.current) if conflict.current else None
        return CanvasConflictError(message=str(conflict), code=ErrorCode.CONFLICT, current=current)
