"""Expected failures as typed GraphQL errors; anything unexpected masked behind a trace id."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from enum import Enum

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from dvt.domain import errors as domain

log = logging.getLogger(__name__)


@strawberry.enum
class ErrorCode(Enum):
    VALIDATION = "VALIDATION"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    QUOTA_EXCEEDED = "QUOTA_EXCEEDED"


@strawberry.interface
class Error:
    message: str
    code: ErrorCode


@strawberry.type
class ValidationError(Error):
    pass


@strawberry.type
class NotFoundError(Error):
    pass


@strawberry.type
class ConflictError(Error):
    pass


@strawberry.type
class ArtifactRejectedError(Error):
    """An artifact DVT refused, with what it found and what is wrong."""

    file: str
    kind: str | None
    schema_version: str | None
    problem: str


AnyError = ValidationError | NotFoundError | ConflictError | ArtifactRejectedError


def to_error(error: domain.DomainError) -> AnyError:
    message = str(error)
    if isinstance(error, domain.ArtifactError):
        return ArtifactRejectedError(
            message=message,
            code=ErrorCode.VALIDATION,
            file=error.file,
            kind=error.kind,
            schema_version=error.schema_version,
            problem=error.problem,
        )
    if isinstance(error, domain.NotFoundError):
        return NotFoundError(message=message, code=ErrorCode.NOT_FOUND)
    if isinstance(error, domain.ConflictError):
        return ConflictError(message=message, code=ErrorCode.CONFLICT)
    return ValidationError(message=message, code=ErrorCode.VALIDATION)


class MaskUnexpectedErrors(SchemaExtension):
    """A client sees its own mistakes in full and ours only as a trace id it can quote to us."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        masked = []
        for error in result.errors:
            original = error.original_error
            if original is None or isinstance(original, (GraphQLError, domain.DomainError)):
                masked.append(error)
                continue
            trace_id = uuid.uuid4().hex
            log.error("unexpected error %s", trace_id, exc_info=original)
            masked.append(
                GraphQLError(
                    f"Unexpected error (trace id {trace_id})",
                    nodes=error.nodes,
                    path=error.path,
                    extensions={"code": "INTERNAL", "traceId": trace_id},
                )
            )
        result.errors = masked
