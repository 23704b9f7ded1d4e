"""The security headers (dvt/api/security_headers.py) on the SPA, its assets and the API, through the real app.

That the built SPA runs under its Content-Security-Policy is shown in Chromium (tests/e2e/test_spa.py fails on any
CSP violation the browser reports)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.routing import Mount, Route, WebSocketRoute

from dvt.api.app import create_app
from dvt.api.security_headers import DEFAULT_HSTS_SECONDS, SecurityHeaderPolicy, is_api
from dvt.application.services import Services

ISSUER = "https://login.example.com/realms/dvt"


@pytest.fixture
def spa(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><script type="module" src="/assets/index.js"></script>')
    (tmp_path / "assets" / "index.js").write_text("console.log('dvt')")
    return tmp_path


def _client(app: Services, spa: Path, base: str = "http://dvt.test", **policy: object) -> httpx.AsyncClient:
    headers = SecurityHeaderPolicy(**policy)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=create_app(app, spa_dir=spa, headers=headers))
    return httpx.AsyncClient(transport=transport, base_url=base)


@pytest.fixture
async def http(app: Services, spa: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(app, spa, oidc_issuer=ISSUER) as client:
        yield client


def csp(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy's directives, each with its sources."""
    directives = [d.split() for d in response.headers["content-security-policy"].split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


SPA_PATHS = ["/", "/p/shop/e/dev/runs", "/oidc/callback", "/assets/index.js"]


@pytest.mark.parametrize("path", SPA_PATHS)
async def test_the_spa_runs_scripts_and_workers_from_its_own_origin_only(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)
    policy = csp(response)
    assert response.status_code == 200
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert policy["worker-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]


async def test_the_spa_connects_to_itself_its_websocket_and_the_oidc_issuer_only(http: httpx.AsyncClient) -> None:
    policy = csp(await http.get("/"))
    assert policy["connect-src"] == ["'self'", "ws://dvt.test", "https://login.example.com"]


async def test_over_https_the_websocket_allowed_is_wss(app: Services, spa: Path) -> None:
    async with _client(app, spa, base="https://dvt.test") as client:
        policy = csp(await client.get("/"))
    assert policy["connect-src"] == ["'self'", "wss://dvt.test"]


async def test_a_host_header_that_is_no_host_is_left_out_of_the_policy(http: httpx.AsyncClient) -> None:
    policy = csp(await http.get("/", headers={"host": "evil.test; script-src *"}))
    assert policy["connect-src"] == ["'self'", "https://login.example.com"]
    assert policy["script-src"] == ["'self'"]


@pytest.mark.parametrize("path", [*SPA_PATHS, "/auth/config", "/healthz", "/graphql?query={__typename}"])
async def test_no_page_may_be_framed(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)
    assert csp(response)["frame-ancestors"] == ["'none'"]
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", [*SPA_PATHS, "/auth/config", "/graphql?query={__typename}"])
async def test_no_response_is_content_sniffed(http: httpx.AsyncClient, path: str) -> None:
    assert (await http.get(path)).headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/auth/config"])
async def test_no_referrer_leaves_for_another_site(http: httpx.AsyncClient, path: str) -> None:
    # The OIDC callback URL holds the code and state: not even the origin goes elsewhere.
    assert (await http.get(path)).headers["referrer-policy"] == "no-referrer"


async def test_powerful_browser_features_are_turned_off(http: httpx.AsyncClient) -> None:
    features = dict(f.strip().split("=") for f in (await http.get("/")).headers["permissions-policy"].split(","))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= set(features)
    assert set(features.values()) == {"()"}


async def test_the_spa_document_keeps_its_browsing_context_to_itself(http: httpx.AsyncClient) -> None:
    assert (await http.get("/")).headers["cross-origin-opener-policy"] == "same-origin"


async def test_plain_http_never_gets_strict_transport_security(http: httpx.AsyncClient) -> None:
    assert "strict-transport-security" not in (await http.get("/")).headers


async def test_https_gets_strict_transport_security(app: Services, spa: Path) -> None:
    async with _client(app, spa, base="https://dvt.test") as client:
        headers = (await client.get("/")).headers
    assert headers["strict-transport-security"] == f"max-age={DEFAULT_HSTS_SECONDS}; includeSubDomains"


async def test_strict_transport_security_can_be_turned_off(app: Services, spa: Path) -> None:
    async with _client(app, spa, base="https://dvt.test", hsts_seconds=0) as client:
        assert "strict-transport-security" not in (await client.get("/")).headers


@pytest.mark.parametrize("path", ["/auth/config", "/healthz", "/graphql?query={__typename}"])
async def test_api_answers_may_load_nothing_and_are_not_cached(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)
    assert csp(response)["default-src"] == ["'none'"]
    assert response.headers["cache-control"] == "no-store"


async def test_a_signed_in_token_is_not_cached(http: httpx.AsyncClient) -> None:
    response = await http.post("/auth/login", json={"tenant": "none", "username": "nobody", "password": "wrong"})
    assert response.status_code == 401 and response.headers["cache-control"] == "no-store"


def test_every_route_the_api_mounts_is_known_as_api(app: Services, spa: Path) -> None:
    """A new API route missing from API_PREFIXES would get the SPA's policy: this fails first."""
    routes = create_app(app, spa_dir=spa).routes
    paths = [r.path for r in routes if isinstance(r, (Route, WebSocketRoute))]
    assert [r.path for r in routes if isinstance(r, Mount)] == [""]  # the SPA alone is mounted at /
    assert paths and all(is_api(path) for path in paths), [p for p in paths if not is_api(p)]
