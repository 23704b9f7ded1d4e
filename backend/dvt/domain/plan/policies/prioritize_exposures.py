"""`prioritize_exposures`: within each wave, work that feeds an exposure (a dashboard, an app) goes first.

The DAG still decides what waits for what; this only orders nodes of the same wave.
"""

from __future__ import annotations

from dvt.domain.plan.context import PlanContext
from dvt.domain.plan.plan import Decision

FEEDS_EXPOSURE = 0


class PrioritizeExposures:
    id = "prioritize_exposures"
    version = "1"

    def evaluate(self, context: PlanContext) -> list[Decision]:
        if not context.config.enabled(self.id):
            return []
        fed: dict[str, set[str]] = {}
        for uid, node in context.nodes.items():
            if node.resource_type != "exposure":
                continue
            stack = list(context.parents.get(uid, ()))
            seen: set[str] = set()
            while stack:
                current = stack.pop()
                if current in seen:
                    continue
                seen.add(current)
                fed.setdefault(current, set()).add(node.name)
                stack.extend(context.parents.get(current, ()))
        out = []
        for uid in sorted(context.selected):
            exposures = sorted(fed.get(uid, ()))
            if exposures:
                named = ", ".join(exposures[:3]) + (f" and {len(exposures) - 3} more" if len(exposures) > 3 else "")
                out.append(Decision(uid, self.id, "FEEDS_EXPOSURE", f"feeds {named}", priority=FEEDS_EXPOSURE))
        return out
