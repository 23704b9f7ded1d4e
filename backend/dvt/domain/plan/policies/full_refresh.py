"""`full_refresh`: a full refresh asked for in the request rebuilds every selected node, whatever else says."""

from __future__ import annotations

from dvt.domain.plan.context import RUNNABLE, PlanContext
from dvt.domain.plan.plan import Action, Decision


class FullRefresh:
    id = "full_refresh"
    version = "1"

    def evaluate(self, context: PlanContext) -> list[Decision]:
        if not context.request.full_refresh:
            return []
        return [
            Decision(uid, self.id, "FULL_REFRESH_REQUESTED", "a full refresh was requested", Action.RUN, final=True)
            for uid in sorted(context.selected)
            if context.nodes[uid].resource_type in RUNNABLE
        ]
