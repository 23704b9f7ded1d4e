"""Liveness, readiness, and the answer every route gives while the database is unreachable.

- `/livez` (and `/healthz`, its older name) is liveness: the process is up and serving HTTP. It asks nothing of
  the database, so an orchestrator does not restart the API (and with it the embedded server's supervisor) during
  a database outage.
- `/readyz` is readiness: `SELECT 1` and a cheap round trip to the artifact store, each within a short timeout;
  503 `{"status": "unavailable", "database": ..., "artifact_store": ...}` while either cannot be reached (the one
  that can says "ok"), so a load balancer sends requests elsewhere.
- A request that meets an unreachable database (DatabaseUnavailableError) is answered 503 with
  `Retry-After`: in GraphQL's error shape on /graphql (code `UNAVAILABLE`), as `{"error", "code"}` elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dvt.application.services import Services
from dvt.domain.errors import DatabaseUnavailableError

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5  # the embedded server restarts in about a second; a machine server takes longer


def health_routes(services: Services) -> list[Route]:
    async def live(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> Response:
        readiness = await services.health.readiness()
        checks = {"database": readiness.database, "artifact_store": readiness.artifact_store}
        if readiness.ready:
            return JSONResponse({"status": "ready", **checks})
        body = {"status": "unavailable", **checks}
        return JSONResponse(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})

    return [Route("/livez", live), Route("/healthz", live), Route("/readyz", ready)]


async def database_unavailable(request: Request, error: Exception) -> Response:
    cause = error.cause if isinstance(error, DatabaseUnavailableError) else ""
    # One line, no traceback, at info: an outage is reported where it is seen (the supervisor, the workers),
    # not once per request it refuses.
    log.info("%s %s: %s (%s)", request.method, request.url.path, error, cause)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    code = DatabaseUnavailableError.code
    if request.url.path.startswith("/graphql"):
        # Refused before GraphQL ran (the gate authenticates against the database): GraphQL's shape all the same.
        graphql = {"data": None, "errors": [{"message": str(error), "extensions": {"code": code}}]}
        return JSONResponse(graphql, status_code=503, headers=headers)
    return JSONResponse({"error": str(error), "code": code}, status_code=503, headers=headers)


EXCEPTION_HANDLERS: Mapping[Any, Callable[[Request, Exception], Any]] = {DatabaseUnavailableError: database_unavailable}
