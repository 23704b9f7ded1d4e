"""Running DVT: migrations and the server."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from dvt.cli.common import app, load_settings


@app.command()
def migrate() -> None:
    """Apply database migrations (dvt serve does this on start too)."""
    from dvt.adapters.db.migrate import upgrade
    from dvt.bootstrap import database_url

    upgrade(database_url(load_settings()))
    typer.echo("database is up to date")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
) -> None:
    """Start the API (GraphQL at /graphql) and the SPA."""
    import uvicorn

    from dvt.adapters.queue.worker import run_forever
    from dvt.api.app import create_app, security_middleware
    from dvt.api.health import EXCEPTION_HANDLERS
    from dvt.api.security_headers import SecurityHeaderPolicy
    from dvt.application.first_start import welcome_admin
    from dvt.bootstrap import database_supervisor, run_worker, services

    settings = load_settings()
    host, port = host or settings.host, port or settings.port
    headers = SecurityHeaderPolicy(settings.oidc_issuer, settings.hsts_seconds)

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async with services(settings) as built:
            app.router.routes[:] = create_app(built, spa_dir=_spa_dir(), headers=headers).routes
            # The embedded server is restarted whenever it dies (a configured one is its operator's to run).
            keeper = database_supervisor(settings)
            supervisor = asyncio.create_task(keeper) if keeper is not None else None
            # One command is enough: the embedded default runs a worker in this process.
            stop = asyncio.Event()
            worker = asyncio.create_task(
                run_forever(lambda: run_worker(settings, built), stop) if settings.embedded_worker else stop.wait()
            )
            # Every process fires due jobs: each occurrence fires once, whatever the number of processes.
            scheduling = asyncio.create_task(built.scheduler.run(stop) if settings.scheduler_enabled else stop.wait())
            credentials = await welcome_admin(built)
            typer.echo(f"DVT is running at http://{host}:{port}/ (GraphQL at http://{host}:{port}/graphql)")
            if credentials is not None:
                typer.echo(
                    f"First start: sign in as {credentials.username!r} (tenant {credentials.tenant_slug!r}) with the"
                    f" one-time password {credentials.password} - you will be asked to change it.\n"
                    f"  curl -s -X POST http://{host}:{port}/auth/login -H 'content-type: application/json'"
                    f' -d \'{{"tenant": "{credentials.tenant_slug}", "username": "{credentials.username}",'
                    f' "password": "..."}}\'\n'
                    "  Machines and CI: `dvt token create NAME --role admin` prints an API token."
                )
            yield
            stop.set()
            await worker
            await scheduling
            if supervisor is not None:
                supervisor.cancel()  # before the server is let go: it must not start it again
                with contextlib.suppress(asyncio.CancelledError):
                    await supervisor

    from starlette.applications import Starlette

    # The routes come from `create_app` once the services exist; its exception handlers are needed here.
    served = Starlette(
        lifespan=lifespan, exception_handlers=EXCEPTION_HANDLERS, middleware=[security_middleware(headers)]
    )
    uvicorn.run(served, host=host, port=port, log_level=settings.log_level)


def _spa_dir() -> Path:
    """DVT_SPA_DIR, else the SPA a wheel carries (dvt/spa), else a checkout's build (frontend/dist)."""
    if configured := os.environ.get("DVT_SPA_DIR"):
        return Path(configured)
    package = Path(__file__).resolve().parents[1]  # backend/dvt/cli/server.py -> dvt
    packaged = package / "spa"
    return packaged if (packaged / "index.html").is_file() else package.parents[1] / "frontend" / "dist"
