"""The door of the HTTP API: authenticate, rate-limit and size-check a request before GraphQL runs.

Refusals answer in GraphQL's error shape with the HTTP status that fits (401, 413, 429), so clients
and proxies both understand them, and no field ever runs for an unknown caller.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, MutableMapping
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


def _json_problem(body: bytes) -> str | None:
    """Why a GraphQL POST body is refused before GraphQL sees it, or None."""
    if b"\x00" in body or b"\\u0000" in body:
        return "strings may not contain NUL characters"
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        return f"the request body is not JSON: {error}"
    if not isinstance(parsed, dict):
        return "the request body must be a JSON object with a `query`"
    return None


def _refusal(status: int, message: str, code: str, headers: dict[str, str] | None = None) -> Response:
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)


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
    if length and length.isdigit() and int(length) > services.max_request_bytes:
        return _refusal(413, f"request larger than {services.max_request_bytes} bytes", "REQUEST_TOO_LARGE")
    try:
        access = await authenticate(services, request)
        await services.rate_limiter.check(f"{access.scope.tenant_id}:{access.actor.label}")
    except AuthenticationError as error:
        return _refusal(401, str(error), "UNAUTHENTICATED", {"WWW-Authenticate": 'Bearer realm="dvt"'})
    except QuotaExceededError as error:
        retry = str(max(1, round(error.retry_after_s or 1)))
        response = _refusal(429, str(error), "QUOTA_EXCEEDED", {"Retry-After": retry})
        return response
    except DomainError as error:
        return _refusal(400, str(error), error.code)
    return access


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
        limit = min(self._services.max_request_bytes, MAX_JSON_BYTES)
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > limit:
                await _refusal(413, f"request larger than {limit} bytes", "REQUEST_TOO_LARGE")(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        is_json = request_is_json(scope)
        problem = _json_problem(bytes(body)) if is_json else None
        if problem is not None:
            await _refusal(400, problem, "BAD_REQUEST")(scope, receive, send)
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
                await _refusal(413, f"request larger than {limit} bytes", "REQUEST_TOO_LARGE")(scope, receive, send)
