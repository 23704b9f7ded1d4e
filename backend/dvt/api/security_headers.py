"""The security headers of every HTTP response: one policy, decided here and nowhere else.

The SPA (`/`, its client-side routes and `/assets/...`) gets a Content-Security-Policy under which the built app
runs and little else does: scripts and workers only from this origin (no inline script, no eval), network
requests only to this origin, its WebSocket and the OIDC issuer (discovery, token refresh), no framing. The API
answers data, never documents to render, so it gets the strictest policy (`default-src 'none'`) and
`Cache-Control: no-store` (tokens and tenants' data are not for shared caches). HSTS is sent only on responses
served over https (behind a proxy: uvicorn's proxy headers make the scheme https), never over plain http, where
a browser ignores it anyway and a development machine must not be pinned.

A header a route set itself is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

# Paths the API answers; anything else is the SPA (a file of its build, or index.html for a client route).
# tests/api/test_security_headers.py checks that every route `create_app` mounts, but the SPA, is listed here.
API_PREFIXES = ("/graphql", "/auth/", "/api/", "/metrics", "/livez", "/healthz", "/readyz")

DEFAULT_HSTS_SECONDS = 31_536_000  # one year

# Every response. Chromium logs an error for a feature it does not know, so only ones it knows are listed.
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()",
}
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_HOST = re.compile(r"^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


def _origin(url: str | None) -> str | None:
    """scheme://host[:port] of an http(s) URL, or None when it is no such URL."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not _HOST.match(parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class SecurityHeaderPolicy:
    """What DVT's responses say about themselves. `oidc_issuer`: the issuer URL browsers use (the SPA calls its
    discovery and token endpoints). `hsts_seconds`: Strict-Transport-Security's max-age on https; 0: none."""

    oidc_issuer: str | None = None
    hsts_seconds: int = DEFAULT_HSTS_SECONDS

    def spa_csp(self, scheme: str, host: str | None) -> str:
        connect = ["'self'"]
        if host and _HOST.match(host):
            # The SPA's WebSocket (/graphql). CSP3 lets 'self' match it too, but not every browser does yet.
            connect.append(f"{'wss' if scheme == 'https' else 'ws'}://{host}")
        if issuer := _origin(self.oidc_issuer):
            connect.append(issuer)
        return "; ".join(
            (
                "default-src 'self'",
                "script-src 'self'",
                "worker-src 'self'",
                # Monaco (the code views) writes <style> elements and style attributes as it runs: under
                # style-src 'self' the e2e saw 116 violations, every one from Monaco (the rest of the SPA sets
                # styles through the CSSOM, which CSP does not govern). Styles inline, then; scripts never.
                "style-src 'self' 'unsafe-inline'",
                "img-src 'self' data: blob:",
                "font-src 'self' data:",
                f"connect-src {' '.join(connect)}",
                "object-src 'none'",
                "base-uri 'none'",
                "form-action 'self'",
                "frame-src 'none'",
                "frame-ancestors 'none'",
            )
        )

    def headers(self, scope: Scope) -> dict[str, str]:
        """The headers a response to `scope` carries."""
        path: str = scope.get("path", "")
        scheme: str = scope.get("scheme", "http")
        chosen = dict(COMMON)
        if is_api(path):
            chosen["Content-Security-Policy"] = API_POLICY
            chosen["Cache-Control"] = "no-store"
        else:
            chosen["Content-Security-Policy"] = self.spa_csp(scheme, _header(scope, b"host"))
            chosen["Cross-Origin-Opener-Policy"] = "same-origin"
        if scheme == "https" and self.hsts_seconds > 0:
            chosen["Strict-Transport-Security"] = f"max-age={self.hsts_seconds}; includeSubDomains"
        return chosen


def is_api(path: str) -> bool:
    return path == "/graphql" or path.startswith(API_PREFIXES)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class SecurityHeaders:
    """ASGI middleware adding `policy`'s headers to every HTTP response (WebSockets carry none)."""

    def __init__(self, app: ASGIApp, policy: SecurityHeaderPolicy) -> None:
        self._app = app
        self._policy = policy

    async def __call__(
        self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        added = self._policy.headers(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in added.items():
                    headers.setdefault(name, value)
            await send(message)

        await self._app(scope, receive, send_with_headers)
