"""Signing in: the SPA asks how (`/auth/config`), then logs in locally or goes to the OIDC provider.

These are plain HTTP endpoints, not GraphQL fields: they run before there is a caller to authorize.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from dvt.application.services import Services
from dvt.domain.audit import AuditEvent, AuditResult
from dvt.domain.authentication import AuthenticationError
from dvt.domain.errors import DomainError, QuotaExceededError
from dvt.domain.identity import Actor, ActorKind

MAX_LOGIN_BYTES = 4096


def _printable(value: str, limit: int = 64) -> str:
    return "".join(c if c.isprintable() else "?" for c in value[:limit])


def _denied(tenant: str, username: str, more: dict[str, Any] | None = None) -> AuditEvent:
    """A refused login, for the platform's chain (the tenant may not even exist), with what the caller typed made
    printable: it may hold anything, NUL included."""
    shown_tenant, shown_user = _printable(tenant), _printable(username)
    actor = Actor(ActorKind.USER, f"login:{shown_user}", None)
    details = {"tenant": shown_tenant, "username": shown_user, **(more or {})}
    return AuditEvent.of(actor, "session.login", AuditResult.DENIED, "tenant", shown_tenant, details)


def session_routes(services: Services) -> list[Route]:
    async def config(_: Request) -> Response:
        oidc = services.auth_settings.get("oidc_issuer")
        body: dict[str, Any] = {"mode": "oidc" if oidc else "local", **services.auth_settings}
        return JSONResponse(body)

    async def login(request: Request) -> Response:
        raw = await request.body()
        try:
            if len(raw) > MAX_LOGIN_BYTES:
                raise ValueError("too large")
            payload = orjson.loads(raw)
            tenant, username, password = (str(payload[k]) for k in ("tenant", "username", "password"))
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "send JSON {tenant, username, password}"}, status_code=400)
        try:
            address = request.client.host if request.client else None
            result = await services.identity.login(tenant, username, password, address)
        except QuotaExceededError as error:  # too many failed sign-ins: refused before any password check
            await services.audit.record_denied(_denied(tenant, username, {"throttled": True}))
            retry = {"Retry-After": str(round(error.retry_after_s or 60))}
            return JSONResponse({"error": str(error)}, status_code=429, headers=retry)
        except AuthenticationError as error:
            await services.audit.record_denied(_denied(tenant, username))
            return JSONResponse({"error": str(error)}, status_code=401)
        except DomainError as error:
            return JSONResponse({"error": str(error)}, status_code=400)
        return JSONResponse(
            {
                "token": result.token.token,
                "expiresAt": result.token.expires_at.isoformat(),
                "mustChangePassword": result.must_change_password,
            }
        )

    return [Route("/auth/config", config), Route("/auth/login", login, methods=["POST"])]
