from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .enums import ErrorCode
from .fragments import PlanFields


class CreatePlan(BaseModel):
    create_plan: Union[
        "CreatePlanCreatePlanPlan",
        "CreatePlanCreatePlanValidationError",
        "CreatePlanCreatePlanNotFoundError",
        "CreatePlanCreatePlanConflictError",
        "CreatePlanCreatePlanPermissionDeniedError",
    ] = Field(alias="createPlan", discriminator="typename__")


class CreatePlanCreatePlanPlan(PlanFields):
    typename__: Literal["Plan"] = Field(alias="__typename")


class CreatePlanCreatePlanValidationError(BaseModel):
    typename__: Literal["ValidationError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreatePlanCreatePlanNotFoundError(BaseModel):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreatePlanCreatePlanConflictError(BaseModel):
    typename__: Literal["ConflictError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


class CreatePlanCreatePlanPermissionDeniedError(BaseModel):
    typename__: Literal["PermissionDeniedError"] = Field(alias="__typename")
    message: str
    code: ErrorCode


CreatePlan.model_rebuild()
