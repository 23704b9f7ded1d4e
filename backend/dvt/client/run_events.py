from pydantic import Field

from .base_model import BaseModel
from .enums import RunEventKind, RunStatus


class RunEvents(BaseModel):
    run_events: "RunEventsRunEvents" = Field(alias="runEvents")


class RunEventsRunEvents(BaseModel):
    cursor: int
    events: list["RunEventsRunEventsEvents"]


class RunEventsRunEventsEvents(BaseModel):
    seq: int
    kind: RunEventKind
    unique_id: str | None = Field(alias="uniqueId")
    run_status: RunStatus | None = Field(alias="runStatus")
    status_text: str | None = Field(alias="statusText")


RunEvents.model_rebuild()
RunEventsRunEvents.model_rebuild()
