from typing import Optional

from .base_model import BaseModel


class Environment(BaseModel):
    environment: Optional["EnvironmentEnvironment"]


class EnvironmentEnvironment(BaseModel):
    id: str
    slug: str


Environment.model_rebuild()
