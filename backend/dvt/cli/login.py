"""`dvt login` and `dvt logout`: the API URL and a token, kept in the user's config folder for the remote mode."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from dvt.cli.common import app
from dvt.cli.remote import RemoteError, Target, connected, credentials_path, normalized_url, run, store


@app.command()
def login(
    url: Annotated[
        str | None, typer.Option(help="The DVT server, e.g. https://dvt.example.com (default DVT_URL)")
    ] = None,
    token_stdin: Annotated[bool, typer.Option("--token-stdin", help="Read the token from standard input")] = False,
) -> None:
    """Check an API token against the server and store both (mode 0600): commands then go through the API."""
    given = url or os.environ.get("DVT_URL")
    if not given:
        given = typer.prompt("DVT URL")
    try:
        base = normalized_url(given)
    except RemoteError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    if token_stdin:
        token = sys.stdin.read().strip()
    elif os.environ.get("DVT_TOKEN"):
        token = os.environ["DVT_TOKEN"].strip()
    else:
        token = typer.prompt("API token", hide_input=True).strip()
    if not token:
        typer.echo("error: no token given", err=True)
        raise typer.Exit(1)
    found = Target(base, token)

    async def work() -> tuple[str, str]:
        async with connected(found) as api:
            seen = await api.viewer()
        return seen.viewer.display_name, seen.tenant.slug if seen.tenant else "-"

    who, tenant = run(work, found)
    path = store(found)
    typer.echo(f"signed in to {base} as {who} (tenant {tenant}); token stored in {path}")


@app.command()
def logout() -> None:
    """Forget the stored URL and token (commands then talk to the database again, unless DVT_URL/DVT_TOKEN)."""
    path = credentials_path()
    if path.exists():
        path.unlink()
        typer.echo(f"signed out: removed {path}")
    else:
        typer.echo("not signed in")
