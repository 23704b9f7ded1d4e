from datetime import datetime
from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel


class Environments(BaseModel):
    tenant: Optional["EnvironmentsTenant"]
    project: Optional["EnvironmentsProject"]


class EnvironmentsTenant(BaseModel):
    id: str


class EnvironmentsProject(BaseModel):
    id: str
    environments: list["EnvironmentsProjectEnvironments"]


class EnvironmentsProjectEnvironments(BaseModel):
    id: str
    slug: str
    name: str
    adapter: str
    git_ref: str = Field(alias="gitRef")
    settings: Any
    rate_card: Any = Field(alias="rateCard")
    policies: Any
    created_at: datetime | None = Field(alias="createdAt")
    quotas: "EnvironmentsProjectEnvironmentsQuotas"


class EnvironmentsProjectEnvironmentsQuotas(BaseModel):
    max_concurrent_runs: int | None = Field(alias="maxConcurrentRuns")
    monthly_cost_budget: float | None = Field(alias="monthlyCostBudget")


Environments.model_rebuild()
EnvironmentsProject.model_rebuild()
EnvironmentsProjectEnvironments.model_rebuild()
