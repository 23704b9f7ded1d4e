"""Each user's saved layout of a project's graph: read it, and save it by compare-and-set on its revision."""

from __future__ import annotations

import uuid
from typing import Any

from dvt.application.access import Access
from dvt.application.ports import UnitOfWorkFactory
from dvt.application.tenancy import visible_project
from dvt.domain.canvas import CanvasConflictError, CanvasState, check_expected_revision, validate


class CanvasService:
    """A layout belongs to the caller's actor (a user or an API token alike), per project, keyed by its label
    (`user:SUB`, `token:ID`) so a user and a token never share one. Whoever may view the project may keep a
    layout of it: saving one changes nothing anybody else sees."""

    def __init__(self, units: UnitOfWorkFactory) -> None:
        self._units = units

    async def load(self, access: Access, project_id: uuid.UUID) -> CanvasState | None:
        """The caller's saved layout of the project; None until the first save."""
        async with self._units() as uow:
            await visible_project(uow, access, project_id)
            return await uow.canvases(access.scope).get(project_id, access.actor.label)

    async def save(self, access: Access, project_id: uuid.UUID, expected_revision: int, document: Any) -> CanvasState:
        """Store the layout as the next revision if the stored one is `expected_revision` (0 before the first
        save); else CanvasConflictError carrying the stored layout, which stays as it was."""
        check_expected_revision(expected_revision)
        checked = validate(document)
        async with self._units() as uow:
            await visible_project(uow, access, project_id)
            canvases = uow.canvases(access.scope)
            saved = await canvases.save(project_id, access.actor.label, expected_revision, checked)
            if saved is None:
                raise CanvasConflictError(expected_revision, await canvases.get(project_id, access.actor.label))
            # Not audited per save: a layout is the user's own UI state and changes nothing anyone else sees.
            await uow.commit()
        return saved
