from typing import Optional

from .base_model import BaseModel
from .fragments import SecretFields


class Secrets(BaseModel):
    environment: Optional["SecretsEnvironment"]


class SecretsEnvironment(BaseModel):
    id: str
    secrets: list["SecretsEnvironmentSecrets"]


SecretsEnvironmentSecrets = SecretFields
Secrets.model_rebuild()
SecretsEnvironment.model_rebuild()
