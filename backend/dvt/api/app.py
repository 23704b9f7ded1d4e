"""The ASGI app: GraphQL at /graphql, raw artifact downloads, health, and the SPA when it is built."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from dvt.api.context import Context
from dvt.api.gate import Gated, admit
from dvt.api.health import EXCEPTION_HANDLERS, health_routes
from dvt.api.schema import create_schema
from dvt.api.sessions import session_routes
from dvt.application.access import Access
from dvt.application.services import Services
from dvt.domain.errors import DomainError, NotFoundError


class TextFrames(ASGIWebSocketAdapter):
    """graphql-transport-ws messages as text frames: a browser hands a binary frame to graphql-ws as a Blob,
    which it cannot parse, so orjson's bytes are sent as text."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class DvtGraphQL(GraphQL[Context, None]):
    websocket_adapter_class = TextFrames

    def __init__(self, services: Services) -> None:
        super().__init__(
            create_schema(),
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            multipart_uploads_enabled=True,
        )
        self._services = services

    def encode_json(self, data: object) -> bytes:
        # orjson: a whole 10,000-node graph is megabytes of JSON, and json.dumps took most of its time.
        return orjson.dumps(data)

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
        if scheme.lower() != "bearer" or not token.strip():
            raise ConnectionRejectionError({"message": "authentication required: send Authorization: Bearer <token>"})
        try:
            actor = await self._services.identity.authenticate_bearer(token.strip())
            access = await self._services.access.access_for(actor)
        except DomainError as error:
            raise ConnectionRejectionError({"message": str(error)}) from None
        context.admit(access)


def create_app(
    services: Services,
    *,
    lifespan: Callable[[Starlette], AbstractAsyncContextManager[None]] | None = None,
    spa_dir: Path | None = None,
) -> Starlette:
    graphql = DvtGraphQL(services)

    async def artifact(request: Request) -> Response:
        admitted = await admit(services, request)
        if isinstance(admitted, Response):
            return admitted
        try:
            record, data = await services.graph.artifact_content(
                admitted, uuid.UUID(request.path_params["artifact_id"])
            )
        except (ValueError, NotFoundError):
            return JSONResponse({"error": "artifact not found"}, status_code=404)
        except DomainError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return Response(
            data,
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{record.kind}-{record.sha256[:12]}.json"'},
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
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=EXCEPTION_HANDLERS)


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
