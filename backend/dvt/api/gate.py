"""The door of the API: authenticate, rate-limit and size-check a request before GraphQL runs.

Refusals answer in GraphQL's error shape with the HTTP status that fits (401, 413, 429), so clients
and proxies both understand them, and no field ever runs for an unknown caller. A WebSocket passes the
same checks with each operation it sends (`operation_refusal`), answered as that operation's error.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dvt.application.access import Access
from dvt.application.services import Services
from dvt.domain.authentication import AuthenticationError
from dvt.domain.errors import DomainError, QuotaExceededError

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]


MAX_JSON_BYTES = 16 * 1024 * 1024  # a GraphQL document with its variables; uploads go multipart


def request_is_json(scope: Scope) -> bool:
    """JSON bodies are checked here; anything else is strawberry's to refuse (unsupported content type)."""
    return Request(scope).headers.get("content-type", "").split(";")[0].strip() == "application/json"


class _TooLarge(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request or a WebSocket operation is refused before GraphQL sees it."""

    status: int
    message: str
    code: str
    retry_after: int | None = None  # seconds, for QUOTA_EXCEEDED
    headers: Mapping[str, str] = field(default_factory=dict)

    def error(self) -> dict[str, Any]:
        """The refusal as one GraphQL error, as an HTTP body or a WebSocket `error` message carries it."""
        extensions: dict[str, Any] = {"code": self.code}
        if self.retry_after is not None:
            extensions["retryAfter"] = self.retry_after
        return {"message": self.message, "extensions": extensions}

    def response(self) -> Response:
        headers = dict(self.headers)
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return JSONResponse({"data": None, "errors": [self.error()]}, status_code=self.status, headers=headers)


def size_refusal(size: int, limit: int) -> Refusal | None:
    if size > limit:
        return Refusal(413, f"request larger than {limit} bytes", "REQUEST_TOO_LARGE")
    return None


def body_refusal(body: bytes) -> Refusal | None:
    """Why a GraphQL JSON document (a POST body, a WebSocket operation) is refused, or None."""
    if b"\x00" in body or b"\\u0000" in body:
        return Refusal(400, "strings may not contain NUL characters", "BAD_REQUEST")
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        return Refusal(400, f"the request body is not JSON: {error}", "BAD_REQUEST")
    if not isinstance(parsed, dict):
        return Refusal(400, "the request body must be a JSON object with a `query`", "BAD_REQUEST")
    return None


async def rate_refusal(services: Services, access: Access) -> Refusal | None:
    """One request (or WebSocket operation) of the caller's minute; the refusal once it is spent."""
    try:
        await services.rate_limiter.check(f"{access.scope.tenant_id}:{access.actor.label}", access.scope.tenant_id)
    except QuotaExceededError as error:
        return Refusal(429, str(error), "QUOTA_EXCEEDED", retry_after=max(1, round(error.retry_after_s or 1)))
    return None


def json_limit(services: Services) -> int:
    return min(services.max_request_bytes, MAX_JSON_BYTES)


async def operation_refusal(services: Services, access: Access, payload: Mapping[str, Any]) -> Refusal | None:
    """The HTTP gate's checks of one WebSocket operation (its `subscribe` payload): size, NUL and shape,
    then the rate limit. The payload is encoded again to be checked as the same bytes a POST would be."""
    body = orjson.dumps(payload)
    return size_refusal(len(body), json_limit(services)) or body_refusal(body) or await rate_refusal(services, access)


def _refusal(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> Response:
    return Refusal(status, message, code, headers=headers or {}).response()


async def authenticate(services: Services, request: Request) -> Access:
    """The caller's access, from `Authorization: Bearer <JWT or API token>`."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("authentication required: send Authorization: Bearer <token>")
    actor = await services.identity.authenticate_bearer(token.strip())
    access = await services.access.access_for(actor)
    return access.with_request(correlation_id(request), trace_id(request))


def correlation_id(request: Request) -> str:
    """The caller's request id when it sends a sane one, else a new one: it ties audit events together."""
    given = request.headers.get("x-request-id", "")
    return given if 0 < len(given) <= 128 and given.isprintable() else uuid.uuid4().hex


def trace_id(request: Request) -> str | None:
    """The W3C trace id of `traceparent` (version-traceid-parentid-flags), when well formed."""
    parts = request.headers.get("traceparent", "").split("-")
    if len(parts) == 4 and len(parts[1]) == 32 and all(c in "0123456789abcdef" for c in parts[1]):
        return parts[1]
    return None


async def admit(services: Services, request: Request) -> Access | Response:
    """The caller's access, or the response that refuses the request."""
    length = request.headers.get("content-length")
    too_large = size_refusal(int(length), services.max_request_bytes) if length and length.isdigit() else None
    if too_large is not None:
        return too_large.response()
    try:
        access = await authenticate(services, request)
    except AuthenticationError as error:
        return _refusal(401, str(error), "UNAUTHENTICATED", {"WWW-Authenticate": 'Bearer realm="dvt"'})
    except DomainError as error:
        return _refusal(400, str(error), error.code)
    refused = await rate_refusal(services, access)
    return refused.response() if refused is not None else access


class Gated:
    """The GraphQL app behind the gate: only admitted HTTP requests reach it, their access in `scope.state`.

    A class, not a function, so Starlette mounts it as an ASGI app rather than a request handler.
    """

    def __init__(self, services: Services, app: ASGIApp) -> None:
        self._services = services
        self._app = app

    async def __call__(
        self, scope: Scope, receive: Callable[..., Awaitable[Any]], send: Callable[..., Awaitable[Any]]
    ) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        request = Request(scope, receive)
        if request.method == "GET" and "query" not in request.query_params:
            await self._app(scope, receive, send)  # the GraphiQL page itself; its queries are gated
            return
        admitted = await admit(self._services, request)
        if isinstance(admitted, Response):
            await admitted(scope, receive, send)
            return
        scope.setdefault("state", {})["access"] = admitted
        if request.method != "POST":
            await self._app(scope, receive, send)
        elif request.headers.get("content-type", "").startswith("multipart/"):
            await self._streamed(scope, receive, send)
        else:
            await self._buffered(scope, receive, send)

    async def _buffered(
        self, scope: Scope, receive: Callable[..., Awaitable[Any]], send: Callable[..., Awaitable[Any]]
    ) -> None:
        """A JSON request, read whole (within the limit, whatever Content-Length claimed) and checked."""
        limit = json_limit(self._services)
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            too_large = size_refusal(len(body), limit)
            if too_large is not None:
                await too_large.response()(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        problem = body_refusal(bytes(body)) if request_is_json(scope) else None
        if problem is not None:
            await problem.response()(scope, receive, send)
            return
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: wait for the client to disconnect
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self._app(scope, replay, send)

    async def _streamed(
        self, scope: Scope, receive: Callable[..., Awaitable[Any]], send: Callable[..., Awaitable[Any]]
    ) -> None:
        """An upload, passed on as it arrives but cut off at the limit, Content-Length or not."""
        limit, seen, started = self._services.max_request_bytes, 0, False

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message: dict[str, Any] = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        async def watched(message: dict[str, Any]) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await Refusal(413, f"request larger than {limit} bytes", "REQUEST_TOO_LARGE").response()(
                    scope, receive, send
                )
