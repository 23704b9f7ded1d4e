from datetime import datetime
from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class RunNodes(BaseModel):
    run: Optional["RunNodesRun"]


class RunNodesRun(BaseModel):
    id: str
    node_count: int = Field(alias="nodeCount")
    nodes: list["RunNodesRunNodes"]


class RunNodesRunNodes(BaseModel):
    unique_id: str = Field(alias="uniqueId")
    status_text: str = Field(alias="statusText")
    started_at: datetime | None = Field(alias="startedAt")


RunNodes.model_rebuild()
RunNodesRun.model_rebuild()
