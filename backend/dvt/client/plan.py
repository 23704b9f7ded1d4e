from typing import Optional

from .base_model import BaseModel
from .fragments import PlanFields


class Plan(BaseModel):
    plan: Optional["PlanPlan"]


PlanPlan = PlanFields
Plan.model_rebuild()
