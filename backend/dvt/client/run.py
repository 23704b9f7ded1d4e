from typing import Optional

from .base_model import BaseModel
from .fragments import RunFields


class Run(BaseModel):
    run: Optional["RunRun"]


RunRun = RunFields
Run.model_rebuild()
