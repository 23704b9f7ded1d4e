"""Environment secrets: set from standard input (never an argument), list, retire, rotate keys."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from dvt.cli.common import JsonOption, TenantOption, group, run, scoped, services, show
from dvt.cli.remote import remote_mode, remotely
from dvt.domain.tenancy import DEFAULT_TENANT

secrets_app = group("secrets", "Environment secrets, encrypted at rest and write-only.")

Project = Annotated[str, typer.Option(help="Project slug")]
Environment = Annotated[str, typer.Option(help="Environment slug")]


@secrets_app.command("set")
def secrets_set(name: str, project: Project, environment: Environment, tenant: TenantOption = DEFAULT_TENANT) -> None:
    """Read the value from standard input, so it stays out of shell history and process lists."""
    remote = remote_mode()
    value = sys.stdin.read().rstrip("\n") if not sys.stdin.isatty() else typer.prompt("value", hide_input=True)
    if remote is not None:
        from dvt.cli.remote import secrets as remote_secrets

        _show_stored(remotely(remote, tenant, lambda api: remote_secrets.put(api, project, environment, name, value)))
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            found = await built.tenancy.environment(access, project, environment)
            return await built.secrets.put(access, found.id, name, value)

    _show_stored(run(work))


def _show_stored(stored: Any) -> None:
    typer.echo(f"stored {stored.name} version {stored.version} (dbt sees {stored.env_var})")


@secrets_app.command("list")
def secrets_list(
    project: Project, environment: Environment, tenant: TenantOption = DEFAULT_TENANT, as_json: JsonOption = False
) -> None:
    if (remote := remote_mode()) is not None:
        from dvt.cli.remote import secrets as remote_secrets

        show(remotely(remote, tenant, lambda api: remote_secrets.listed(api, project, environment)), as_json, _line)
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            found = await built.tenancy.environment(access, project, environment)
            return await built.secrets.list(access, found.id)

    show(run(work), as_json, _line)


def _line(s: Any) -> str:
    return f"{s.name}\tv{s.version}\tkey {s.key_version}\t{s.rotated_at or s.created_at}"


@secrets_app.command("retire")
def secrets_retire(
    name: str, project: Project, environment: Environment, tenant: TenantOption = DEFAULT_TENANT
) -> None:
    if (remote := remote_mode()) is not None:
        from dvt.cli.remote import secrets as remote_secrets

        _show_retired(remotely(remote, tenant, lambda api: remote_secrets.retire(api, project, environment, name)))
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            found = await built.tenancy.environment(access, project, environment)
            return await built.secrets.retire(access, found.id, name)

    _show_retired(run(work))


def _show_retired(retired: Any) -> None:
    typer.echo(f"retired {retired.name} version {retired.version}")


@secrets_app.command("rotate")
def secrets_rotate(as_json: JsonOption = False) -> None:
    """Re-wrap every secret under the newest key of DVT_SECRET_KEYS, online, in small batches."""

    async def work() -> Any:
        async with services() as built:
            return await built.secrets.rotate_keys()

    report = run(work)
    show(
        report,
        as_json,
        lambda r: (
            f"active key {r.active_key_version}: re-wrapped {r.total_rewrapped} in {r.batches} batches;"
            f" {'complete: older keys may be dropped' if r.complete else 'incomplete: run again'}"
        ),
    )
