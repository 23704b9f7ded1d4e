"""The ASGI app: GraphQL at /graphql, raw artifact downloads, health, and the SPA when it is built."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, cast

import orjson
from cross_web import HTTPException
from graphql import GraphQLFormattedError
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    SubscribeMessage,
)
from strawberry.types.unset import UNSET

from dvt.api.context import Context
from dvt.api.gate import Gated, Refusal, admit, operation_refusal
from dvt.api.health import EXCEPTION_HANDLERS, RETRY_AFTER_SECONDS, health_routes
from dvt.api.schema import create_schema
from dvt.api.security_headers import SecurityHeaderPolicy, SecurityHeaders
from dvt.api.sessions import session_routes
from dvt.application.access import Access
from dvt.application.services import Services
from dvt.domain.authentication import AuthenticationError
from dvt.domain.errors import (
    ArtifactStoreError,
    ArtifactStoreUnavailableError,
    DatabaseUnavailableError,
    DomainError,
    NotFoundError,
)

log = logging.getLogger(__name__)


CLOSE_FORBIDDEN = 4403  # graphql-transport-ws: the credential is refused, at connection_init or later
CREDENTIAL_CHECK_SECONDS = 5.0  # how often a socket with running operations re-checks its credential


def _close_reason(text: str) -> str:
    """A WebSocket close reason holds at most 123 bytes of UTF-8."""
    encoded = text.encode()
    return text if len(encoded) <= 123 else encoded[:120].decode(errors="ignore") + "..."


def encode_json(data: object) -> bytes:
    """orjson: a whole 10,000-node graph is megabytes of JSON, and json.dumps took most of its time.

    orjson stops at 254 levels of nesting; a plan stored with vars that deep before they were checked would
    otherwise fail every response that shows it, so the standard library encodes those few instead."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


class TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages as text frames: a browser hands a binary frame to graphql-ws as a Blob,
    which it cannot parse, so orjson's bytes are sent as text."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(encode_json(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    async def close(self, code: int, reason: str) -> None:
        # Strawberry closes a refused connection_init with "Forbidden"; `on_ws_connect` left the reason.
        refused = getattr(self.ws.state, "refused", None)
        if code == CLOSE_FORBIDDEN and isinstance(refused, str):
            reason = refused
        await self.ws.close(code=code, reason=_close_reason(reason))


class GatedTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws behind the HTTP gate. Each `subscribe` re-checks the socket's credential (a
    revoked or expired one closes the socket with 4403, stopping its subscriptions), then passes the gate's
    size, NUL and rate checks as a POST would; while operations run, the credential is checked every
    `CREDENTIAL_CHECK_SECONDS`, so a subscription following a run ends when its token is revoked."""

    _watch: asyncio.Task[None] | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged and self._watch is None:
            self._watch = asyncio.create_task(self._watch_credential(), name="dvt-ws-credential")

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        credential = self.context.credential
        if not self.connection_acknowledged or credential is None or message["id"] in self.operations:
            await super().handle_subscribe(message)  # closes the socket as the protocol says
            return
        services = self.context.services
        try:
            access = await services.credentials.check(credential)
        except AuthenticationError as error:
            await self._forbid(str(error))
            return
        payload: Any = message.get("payload")
        if not isinstance(payload, dict):
            await self.handle_invalid_message("a subscribe message needs a payload object")
            return
        access = access.with_request(uuid.uuid4().hex, None)  # each operation is a request of its own
        refused = await operation_refusal(services, access, payload) or _shape_refusal(payload)
        if refused is not None:
            shown = cast("GraphQLFormattedError", refused.error())
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[shown]))
            return
        self.context.admit(access)
        await super().handle_subscribe(message)

    async def _watch_credential(self) -> None:
        credential = self.context.credential
        assert credential is not None
        while True:
            await asyncio.sleep(CREDENTIAL_CHECK_SECONDS)
            if not self.operations:
                continue  # nothing runs; the next subscribe checks first
            try:
                await self.context.services.credentials.check(credential, max_age=CREDENTIAL_CHECK_SECONDS)
            except AuthenticationError as error:
                await self._forbid(str(error))
                return
            except Exception:  # the database away: keep serving, as HTTP would fail each request meanwhile
                log.warning("could not check a WebSocket's credential", exc_info=True)

    async def _forbid(self, reason: str) -> None:
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        await self.websocket.close(code=CLOSE_FORBIDDEN, reason=reason)

    async def shutdown(self) -> None:
        if self._watch is not None and self._watch is not asyncio.current_task():
            self._watch.cancel()
        await super().shutdown()


def _shape_refusal(payload: Mapping[str, Any]) -> Refusal | None:
    """What the HTTP view refuses in a request's shape, refused alike on a socket."""
    if not isinstance(payload.get("query"), str):
        return Refusal(400, "The GraphQL operation's `query` must be a string.", "BAD_REQUEST")
    if not isinstance(payload.get("variables") or {}, dict):
        return Refusal(400, "The GraphQL operation's `variables` must be an object or null.", "BAD_REQUEST")
    name = payload.get("operationName")
    if name is not None and not isinstance(name, str):
        return Refusal(400, "The GraphQL operation's `operationName` must be a string or null.", "BAD_REQUEST")
    return None


class DvtGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = TextFrames
    graphql_transport_ws_handler_class = GatedTransportWS

    def __init__(self, services: Services) -> None:
        super().__init__(
            create_schema(),
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            multipart_uploads_enabled=True,
        )
        self._services = services

    def encode_json(self, data: object) -> bytes:
        return encode_json(data)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        finally:
            if isinstance(request, Request):
                # Uploads are spooled to temporary files that strawberry never closes: let go of them here.
                await request.close()

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        if isinstance(request, WebSocket):
            # Authenticated by `on_ws_connect` from the connection_init payload; until then it may do nothing.
            return Context(services=self._services, access=Access.anonymous(), request=request)
        access = getattr(request.state, "access", None)
        if not isinstance(access, Access):
            # Only the gate admits requests; a WebSocket authenticates in its connection_init (runs issue).
            raise HTTPException(401, "authentication required")
        return Context(services=self._services, access=access, request=request)

    async def on_ws_connect(self, context: Context) -> None:
        """graphql-transport-ws: the connection_init payload carries `Authorization: Bearer <token>`."""
        params = context.connection_params or {}
        header = str(params.get("Authorization") or params.get("authorization") or "")
        scheme, _, token = header.partition(" ")
        try:
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthenticationError("authentication required: send Authorization: Bearer <token>")
            credential = await self._services.credentials.admit(token.strip())
        except (DomainError, DatabaseUnavailableError) as error:  # the latter: the client may retry shortly
            if context.request is not None:
                context.request.state.refused = str(error)  # the close reason, for `TextFrames.close`
            raise ConnectionRejectionError({"message": str(error)}) from None
        context.credential = credential
        context.admit(credential.access)


def create_app(
    services: Services,
    *,
    lifespan: Callable[[Starlette], AbstractAsyncContextManager[None]] | None = None,
    spa_dir: Path | None = None,
    headers: SecurityHeaderPolicy | None = None,
) -> Starlette:
    """`headers`: the security header policy; by default one naming the configured OIDC issuer, HSTS on https."""
    graphql = DvtGraphQL(services)

    async def artifact(request: Request) -> Response:
        admitted = await admit(services, request)
        if isinstance(admitted, Response):
            return admitted
        try:
            record, stream = await services.graph.artifact_download(
                admitted, uuid.UUID(request.path_params["artifact_id"])
            )
        except (ValueError, NotFoundError):
            return JSONResponse({"error": "artifact not found"}, status_code=404)
        except DomainError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        except ArtifactStoreUnavailableError as error:
            headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
            return JSONResponse({"error": str(error), "code": error.code}, status_code=503, headers=headers)
        except ArtifactStoreError as error:  # missing or corrupt: never served, and worth an operator's look
            log.error("artifact %s not served: %s", request.path_params["artifact_id"], error)
            return JSONResponse({"error": str(error), "code": error.code}, status_code=500)
        # Streamed from the store as it is read, never whole in memory. The sha256 is checked on the way: a
        # mismatch found at the end withholds the last chunk and cuts the response short of its Content-Length.
        return StreamingResponse(
            stream.chunks,
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="{record.kind}-{record.sha256[:12]}.json"',
                "Content-Length": str(stream.size),
            },
        )

    async def metrics(_: Request) -> Response:
        # Aggregates only (status, resource type): no tenant's data, so no token, as scrapers expect.
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    routes: list[Any] = [
        *health_routes(services),
        Route("/metrics", metrics),
        Route("/graphql", Gated(services, graphql), methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/api/artifacts/{artifact_id}", artifact),
        *session_routes(services),
    ]
    if spa_dir is not None and (spa_dir / "index.html").exists():
        routes.append(Mount("/", SpaFiles(directory=spa_dir, html=True)))
    else:
        routes.append(Route("/", _placeholder))
    return Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[security_middleware(headers or SecurityHeaderPolicy(services.auth_settings.get("oidc_issuer")))],
    )


def security_middleware(policy: SecurityHeaderPolicy) -> Middleware:
    """The security headers (api/security_headers.py) as Starlette middleware: `dvt serve` builds its app before
    the services exist and takes `create_app`'s routes only, so it adds this itself."""
    return Middleware(SecurityHeaders, policy=policy)


class SpaFiles(StaticFiles):
    """The built SPA; a path that is no file (a client-side route such as /p/x/e/dev/runs) gets index.html."""

    async def get_response(self, path: str, scope: Any) -> Response:
        try:
            return await super().get_response(path, scope)
        except StarletteHTTPException as error:
            if error.status_code != 404 or path.startswith(("assets/", "api/", "graphql", "auth/")):
                raise
            return await super().get_response("index.html", scope)


async def _placeholder(_: Request) -> Response:
    return JSONResponse({"dvt": "running", "graphql": "/graphql", "spa": "not built yet"})
