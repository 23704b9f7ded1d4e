from typing import Literal, Optional, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode


class IngestArtifacts(BaseModel):
    ingest_artifacts: Union[
        "IngestArtifactsIngestArtifactsIngestResult",
        "IngestArtifactsIngestArtifactsArtifactRejectedError",
        "IngestArtifactsIngestArtifactsValidationError",
        "IngestArtifactsIngestArtifactsNotFoundError",
        "IngestArtifactsIngestArtifactsPermissionDeniedError",
    ] = Field(alias="ingestArtifacts", discriminator="typename__")


class IngestArtifactsIngestArtifactsIngestResult(BaseModel):
    typename__: Literal["IngestResult"] = Field(alias="__typename")
    graph_version: Optional["IngestArtifactsIngestArtifactsIngestResultGraphVersion"] = Field(alias="graphVersion")
    created: bool
    made_current: bool = Field(alias="madeCurrent")
    nodes: int
    sources: int
    exposures: int
    metrics: int
    edges: int
    artifacts: list["IngestArtifactsIngestArtifactsIngestResultArtifacts"]
    warnings: list[str]


class IngestArtifactsIngestArtifactsIngestResultGraphVersion(BaseModel):
    id: str


class IngestArtifactsIngestArtifactsIngestResultArtifacts(BaseModel):
    kind: str
    file_name: str = Field(alias="fileName")
    schema_version: str = Field(alias="schemaVersion")
    dbt_version: str | None = Field(alias="dbtVersion")
    sha_256: str = Field(alias="sha256")
    invocation_id: str | None = Field(alias="invocationId")


class IngestArtifactsIngestArtifactsArtifactRejectedError(BaseModel):
    typename__: Literal["ArtifactRejectedError"] = Field(alias="__typename")
    file: str
    problem: str
    message: str
    code: ErrorCode


class IngestArtifactsIngestArtifactsValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class IngestArtifactsIngestArtifactsNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class IngestArtifactsIngestArtifactsPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


IngestArtifacts.model_rebuild()
IngestArtifactsIngestArtifactsIngestResult.model_rebuild()
