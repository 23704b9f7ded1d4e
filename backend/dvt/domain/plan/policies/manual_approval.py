"""`manual_approval`: an environment that wants every plan signed off (production, typically).

Off by default. Settings: `{"required": true, "role": "admin"}`.
"""

from __future__ import annotations

from dvt.domain.plan.context import PlanContext
from dvt.domain.plan.plan import Decision


class ManualApproval:
    id = "manual_approval"
    version = "1"

    def evaluate(self, context: PlanContext) -> list[Decision]:
        settings = context.config.of(self.id)
        if not settings.get("required", False) or not context.planned():
            return []
        role = str(settings.get("role", "admin"))
        return [
            Decision(
                "",
                self.id,
                "ENVIRONMENT_REQUIRES_APPROVAL",
                f"this environment requires approval by {role}",
                approval_role=role,
            )
        ]
