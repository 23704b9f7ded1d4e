"""The SPA end to end: headless Chromium (Debian's) drives the built SPA served by a real `dvt serve`,
against a real PostgreSQL, with real dbt runs of the demo project. The browser script is
frontend/e2e/spa.e2e.mjs; this module gives it a tenant, an account and two graph versions.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.authorization import TENANT_SCOPE
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.runs import RunStatus
from tests.runs.conftest import make_place
from tests.support.dbt_repos import demo_repo, parse
from tests.support.oidc_issuer import OidcIssuer
from tests.support.server import ROOT, dvt_serve, shared_settings

SPA = ROOT / "frontend"
CHROMIUM = os.environ.get("DVT_CHROMIUM", "/usr/bin/chromium")
E2E_SECONDS = 540
TOKEN_SECONDS = 6  # the OIDC e2e's access tokens: renewed every few seconds
# An earlier version of one model, so Diff has a modification to show.
OLD_STG_ORDERS = """select
    id as order_id,
    user_id as customer_id,
    order_date,
    status
from {{ ref('raw_orders') }}
"""


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = shared_settings(settings, DVT_SPA_DIR=str(SPA / "dist"))
    with dvt_serve(tmp_path_factory.mktemp("serve"), env) as base:
        yield base


@pytest.fixture(scope="module")
def node() -> str:
    """What the browser run needs; missing, the test fails with the way to get it (never skips)."""
    assert (SPA / "dist" / "index.html").exists(), "the SPA is not built: run `make frontend` (make test does)"
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make chromium` installs Debian's (make test does)"
    found = shutil.which("node")
    assert found, "node is needed for the browser tests"
    return found


async def test_every_view_in_chromium(app: Services, server: str, node: str, tmp_path: Path) -> None:
    old_repo = demo_repo(tmp_path / "old", {"models/staging/stg_orders.sql": OLD_STG_ORDERS})
    repo = demo_repo(tmp_path / "demo")
    account = await _arrange(app, old_repo, repo, tmp_path)
    # A manifest for the browser to upload in Settings: the demo's, parsed again (the same content).
    manifest = tmp_path / "upload" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_bytes(parse(repo, tmp_path / "upload-parse"))

    screenshots = ROOT / "docs" / "screenshots"
    env = {
        **os.environ,
        "DVT_URL": server,
        "DVT_TENANT": account["tenant"],
        "DVT_USERNAME": account["username"],
        "DVT_PASSWORD": account["password"],
        "DVT_PROJECT": "shop",
        "DVT_ENVIRONMENT": "dev",
        "DVT_CHROMIUM": CHROMIUM,
        "DVT_SCREENSHOTS": str(screenshots),
        "DVT_FAILURES": str(tmp_path / "failures"),
        "DVT_MANIFEST": str(manifest),
    }
    await _browse(node, "e2e/spa.e2e.mjs", env)
    for view in ("login", "dashboard", "graph", "plan", "run", "runs", "artifacts", "diff", "docs", "settings", "jobs"):
        assert (screenshots / f"{view}.png").exists(), f"no screenshot of {view}"


async def _arrange(app: Services, old_repo: Path, repo: Path, tmp_path: Path) -> dict[str, str]:
    """A tenant whose environment has two graph versions (an older stg_orders, then today's) and wants
    every plan approved, and a local account with the admin role, signing in with its one-time password."""
    place = await make_place(app, repo, parse(old_repo, tmp_path / "old-parse"))
    await app.ingest.ingest(
        place.access,
        IngestTarget("shop", "dev", create_missing=False),
        [ArtifactFile("manifest.json", parse(repo, tmp_path / "parse"))],
    )
    # Every plan here waits for an admin, so the browser approves one.
    await app.plans.configure(
        place.access,
        place.environment.id,
        {"manual_approval": {"required": True, "role": "admin"}},
        {"price_per_compute_hour": 2.5},
    )
    tenant = await app.tenancy.tenant(place.tenant_slug)
    created = await app.identity.create_account(tenant, "e2e-admin")
    await app.access.grant(place.access, f"user:{created.account_id}", "admin", TENANT_SCOPE)
    return {"tenant": place.tenant_slug, "username": created.username, "password": created.password}


async def test_sign_in_through_an_oidc_provider_lasts_with_the_refresh_token(
    app: Services, settings: Settings, node: str, tmp_path: Path, demo: tuple[Path, bytes]
) -> None:
    """The SPA against a server whose users sign in at a real issuer on loopback (code flow + PKCE) giving access
    tokens of a few seconds: the session lasts through renewals with the refresh token, a live feed included,
    and ends at the provider on sign-out (frontend/e2e/oidc.e2e.mjs)."""
    place = await make_place(app, *demo)
    await app.access.grant(place.access, "group:analysts", "viewer", TENANT_SCOPE)
    # A run waiting for an approval nobody gives: its page keeps a live subscription open.
    await app.plans.configure(place.access, place.environment.id, {"manual_approval": {"required": True}}, {})
    plan = await app.plans.create(place.access, place.environment.id, PlanRequest(select=("raw_orders",)))
    run = await app.runs.trigger(place.access, place.environment.id, plan_id=plan.id)
    assert run.status == RunStatus.AWAITING_APPROVAL.value
    issuer = OidcIssuer().start()
    try:
        issuer.login_claims = {"sub": "ada", "name": "Ada Lovelace", "dvt_tenant": place.tenant_slug}
        issuer.access_token_seconds = TOKEN_SECONDS
        env = shared_settings(
            settings,
            DVT_SPA_DIR=str(SPA / "dist"),
            DVT_OIDC_ISSUER=issuer.issuer,
            DVT_OIDC_AUDIENCE=issuer.audience,
            DVT_OIDC_CLIENT_ID="dvt-spa",
        )
        with dvt_serve(tmp_path / "serve", env) as base:
            browser_env = {
                **os.environ,
                "DVT_URL": base,
                "DVT_ISSUER": issuer.issuer,
                "DVT_PROJECT": "shop",
                "DVT_ENVIRONMENT": "dev",
                "DVT_DISPLAY_NAME": "Ada Lovelace",
                "DVT_RUN_ID": base64.b64encode(f"Run:{run.id}".encode()).decode(),
                "DVT_CHROMIUM": CHROMIUM,
            }
            await _browse(node, "e2e/oidc.e2e.mjs", browser_env)
    finally:
        issuer.stop()
        await app.runs.cancel(place.access, run.id)
    assert not issuer.codes, "a code was not redeemed"
    # The SPA renewed with the issuer's refresh_token grant (never by signing in again), then signed in once more.
    signed_in, *renewed = issuer.grants[: issuer.grants.index("authorization_code", 1)]
    assert signed_in == "authorization_code" and len(renewed) >= 3 and set(renewed) == {"refresh_token"}
    [logout] = issuer.logouts
    assert logout["post_logout_redirect_uri"] == f"{base}/login" and logout["id_token_hint"]


async def _browse(node: str, script: str, env: dict[str, str]) -> None:
    """Run a browser script of frontend/e2e; its output is the failure message."""
    result = await asyncio.to_thread(
        subprocess.run, [node, script], cwd=SPA, env=env, capture_output=True, text=True, timeout=E2E_SECONDS
    )
    assert result.returncode == 0, f"browser run failed:\n{result.stdout}\n{result.stderr}"
