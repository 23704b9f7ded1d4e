"""Expected failures as typed GraphQL errors; anything unexpected masked behind a trace id."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from enum import Enum
from typing import Any

import strawberry
from graphql import (
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    OperationType,
    ValidationRule,
)
from starlette.websockets import WebSocket
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
    # The database cannot be reached right now; retry. Carried by top-level errors (extensions.code).
    UNAVAILABLE = "UNAVAILABLE"


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
class PermissionDeniedError(Error):
    pass


@strawberry.type
class QuotaExceededError(Error):
    retry_after_seconds: float | None


@strawberry.type
class ArtifactRejectedError(Error):
    """An artifact DVT refused, with what it found and what is wrong."""

    file: str
    kind: str | None
    schema_version: str | None
    problem: str


AnyError = (
    ValidationError | NotFoundError | ConflictError | ArtifactRejectedError | PermissionDeniedError | QuotaExceededError
)


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
    if isinstance(error, domain.PermissionDeniedError):
        return PermissionDeniedError(message=message, code=ErrorCode.PERMISSION_DENIED)
    if isinstance(error, domain.QuotaExceededError):
        return QuotaExceededError(
            message=message, code=ErrorCode.QUOTA_EXCEEDED, retry_after_seconds=error.retry_after_s
        )
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
            if isinstance(original, domain.DatabaseUnavailableError):
                masked.append(unavailable(error, original))
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


def unavailable(error: GraphQLError, original: domain.DatabaseUnavailableError) -> GraphQLError:
    """Not our bug nor the caller's: the database is away. One log line, and a code a client can retry on."""
    log.info("database unavailable at %s: %s", ".".join(map(str, error.path or ())), original.cause)
    extensions = {"code": ErrorCode.UNAVAILABLE.value}
    return GraphQLError(str(original), nodes=error.nodes, path=error.path, extensions=extensions)


class AuditDenials(SchemaExtension):
    """Refusals are audited too: once the operation ends, each denial it met becomes an audit event.

    The events are written apart from the operation's own work, since a refused request commits nothing.
    """

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        context = self.execution_context.context
        access = getattr(context, "access", None)
        if access is None or not access.denials:
            return
        for event in access.denials:
            await context.services.audit.record_denied(event)
        access.denials.clear()


class IntrospectionSwitch(SchemaExtension):
    """`DVT_GRAPHQL_INTROSPECTION=false` refuses `__schema` and `__type`, decided per request on one schema."""

    def on_operation(self) -> Iterator[None]:
        services = getattr(self.execution_context.context, "services", None)
        if services is not None and not services.graphql_introspection:
            rules = self.execution_context.validation_rules
            self.execution_context.validation_rules = (*rules, NoSchemaIntrospectionCustomRule)
        yield


class _NoSubscriptionsHere(ValidationRule):
    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        if node.operation is OperationType.SUBSCRIPTION:
            self.report_error(
                GraphQLError(
                    "subscriptions are not supported over HTTP: open a WebSocket (graphql-transport-ws) at /graphql",
                    node,
                    extensions={"code": "BAD_REQUEST"},
                )
            )


class SubscriptionsOverWebSocket(SchemaExtension):
    """A subscription sent over HTTP is refused at validation: it would otherwise resolve to nothing."""

    def on_operation(self) -> Iterator[None]:
        request = getattr(self.execution_context.context, "request", None)
        if not isinstance(request, WebSocket):
            rules = self.execution_context.validation_rules
            self.execution_context.validation_rules = (*rules, _NoSubscriptionsHere)
        yield
