"""Your saved layout of a project's graph: read it, save it against the revision it was based on."""

from __future__ import annotations

from typing import Annotated

import strawberry

from dvt.api import ids, permissions
from dvt.api.canvas.types import STATE, CanvasConflictError, CanvasStateType
from dvt.api.context import Info
from dvt.api.errors import NotFoundError, PermissionDeniedError, ValidationError
from dvt.api.scalars import JSON
from dvt.domain import canvas
from dvt.domain import errors as domain
from dvt.domain.authorization import Permission


@strawberry.input
class SaveCanvasStateInput:
    project_id: strawberry.ID
    expected_revision: int = strawberry.field(
        description="The revision your layout was based on: 0 before the first save. Another one is a conflict"
    )
    state: JSON = strawberry.field(description=STATE)


SaveCanvasStateResult = Annotated[
    CanvasStateType | CanvasConflictError | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("SaveCanvasStateResult"),
]


@strawberry.type
class CanvasQuery:
    @permissions.field(Permission.VIEW, description="Your saved layout of a project's graph; null until you save one")
    async def canvas_state(self, info: Info, project_id: strawberry.ID) -> CanvasStateType | None:
        project = ids.node_uuid(project_id, "Project")
        if project is None:
            return None
        try:
            found = await info.context.services.canvas.load(info.context.access, project)
        except domain.NotFoundError:
            return None
        return CanvasStateType.of(found) if found else None


@strawberry.type
class CanvasMutation:
    # A stale revision is answered with the canvas's own conflict member (it carries the saved revision).
    @permissions.mutation(
        Permission.VIEW,
        raises=(domain.ValidationError, domain.NotFoundError, domain.PermissionDeniedError),
        description="Save your layout of a project's graph if it is still at expectedRevision",
    )
    async def save_canvas_state(self, info: Info, input: SaveCanvasStateInput) -> SaveCanvasStateResult:
        project = ids.project_id(input.project_id)
        try:
            saved = await info.context.services.canvas.save(
                info.context.access, project, input.expected_revision, input.state
            )
        except canvas.CanvasConflictError as conflict:
            return CanvasConflictError.of(conflict)
        return CanvasStateType.of(saved)
