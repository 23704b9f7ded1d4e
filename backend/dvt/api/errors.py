"""Expected failures as typed GraphQL errors; anything unexpected masked behind a trace id."""

from __future__ import annotations

import contextlib
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
    StringValueNode,
    ValidationRule,
    Visitor,
    visit,
)
from starlette.websockets import WebSocket
from strawberry.exceptions import MissingQueryError
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import StreamExecutionResult

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


def error_type(kind: type[domain.DomainError]) -> type[Error]:
    """The union member a domain error is answered with (what `to_error` makes of it)."""
    for domain_kind, member in _MEMBERS:
        if issubclass(kind, domain_kind):
            return member
    return ValidationError


_MEMBERS: tuple[tuple[type[domain.DomainError], type[Error]], ...] = (
    (domain.ArtifactError, ArtifactRejectedError),
    (domain.NotFoundError, NotFoundError),
    (domain.ConflictError, ConflictError),
    (domain.PermissionDeniedError, PermissionDeniedError),
    (domain.QuotaExceededError, QuotaExceededError),
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


def is_expected(error: GraphQLError) -> bool:
    """A refusal the caller caused (not found, denied, invalid, conflict, quota, a malformed request), as
    opposed to a failure of ours."""
    original = error.original_error
    return original is None or isinstance(original, (GraphQLError, domain.DomainError, *_MALFORMED))


# What strawberry raises for a request it cannot run (no query, an unknown operation, a mutation over GET):
# the caller's mistake, and a WebSocket closes with 4400 on seeing it unmasked.
_MALFORMED = (CannotGetOperationTypeError, InvalidOperationTypeError, MissingQueryError)


def trace_id_of(original: BaseException) -> str:
    """The trace id of an unexpected error, logged with its traceback the first time it is asked for: the
    schema's error log and the masking below both ask, and the error is logged once."""
    traced = getattr(original, "_dvt_trace_id", None)
    if isinstance(traced, str):
        return traced
    trace_id = uuid.uuid4().hex
    with contextlib.suppress(AttributeError):  # an exception without a __dict__: logged each time, never lost
        original._dvt_trace_id = trace_id  # type: ignore[attr-defined]
    log.error("unexpected error %s", trace_id, exc_info=original)
    return trace_id


def log_errors(errors: list[GraphQLError]) -> None:
    """The schema's error log: an expected refusal is one line at info, without a traceback (a sweep of
    not-found answers must not bury the log); an unexpected error is its traceback at error, with its trace id."""
    for error in errors:
        if is_expected(error):
            code = (error.extensions or {}).get("code") or getattr(error.original_error, "code", None) or "REFUSED"
            where = ".".join(str(p) for p in error.path or ()) or "-"
            log.info("refused %s at %s: %s", code, where, " ".join(error.message.split()))  # one line
        elif not isinstance(error.original_error, domain.DatabaseUnavailableError):  # `unavailable` logs those
            assert error.original_error is not None
            trace_id_of(error.original_error)


class MaskUnexpectedErrors(SchemaExtension):
    """A client sees its own mistakes in full and ours only as a trace id it can quote to us, on every
    transport: a streamed result (a WebSocket's query, mutation or subscription event) is masked before it is
    sent, since it leaves before the operation ends."""

    _streamed = False

    def on_operation(self) -> Iterator[None]:
        self._streamed = False
        yield
        if not self._streamed:
            _mask(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        self._streamed = True
        _mask(result)
        yield


def _mask(result: object) -> None:
    errors = getattr(result, "errors", None)
    if not errors:
        return
    masked = []
    for error in errors:
        original = error.original_error
        if isinstance(original, domain.DomainError) and not (error.extensions or {}).get("code"):
            # A refusal raised by a field (not a mutation's error union): its code, as clients branch on it.
            error.extensions = {**(error.extensions or {}), "code": original.code}
        if is_expected(error):
            masked.append(error)
            continue
        if isinstance(original, domain.DatabaseUnavailableError):
            masked.append(unavailable(error, original))
            continue
        assert original is not None
        trace_id = trace_id_of(original)
        masked.append(
            GraphQLError(
                f"Unexpected error (trace id {trace_id})",
                nodes=error.nodes,
                path=error.path,
                extensions={"code": "INTERNAL", "traceId": trace_id},
            )
        )
    result.errors = masked  # type: ignore[attr-defined]


NUL_REFUSED = "strings may not contain NUL characters"


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(v) for v in value)
    return False


class _LiteralNul(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        self.found = self.found or "\x00" in node.value


class RefuseNul(SchemaExtension):
    """No string input with a NUL reaches PostgreSQL, which refuses it in text and JSONB with an error that
    would echo the statement. Every input passes here (literals of the document and variables), on every
    transport, before validation; the gates refuse it even earlier as a 400."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        literal = _LiteralNul()
        # A literal holds a NUL only if the text does, raw or as a \u escape: most documents skip the walk.
        text = context.query
        if context.graphql_document is not None and (text is None or "\x00" in text or "\\u" in text):
            visit(context.graphql_document, literal)
        if literal.found or _holds_nul(context.variables):
            context.pre_execution_errors = [GraphQLError(NUL_REFUSED, extensions={"code": "BAD_REQUEST"})]
        yield


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
