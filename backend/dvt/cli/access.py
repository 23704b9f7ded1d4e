"""Who may do what: API tokens, role grants and local accounts."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import typer

from dvt.cli.common import JsonOption, TenantOption, group, run, scoped, show
from dvt.cli.remote import remote_mode, remotely
from dvt.domain.authorization import TENANT_SCOPE
from dvt.domain.tenancy import DEFAULT_TENANT

token_app = group("token", "API tokens for machines and CI, scoped to a tenant and a role set.")
access_app = group("access", "Roles granted on a tenant, organization, project or environment.")
account_app = group("account", "Local accounts (when DVT is its own identity provider).")

Roles = Annotated[list[str], typer.Option("--role", help="viewer, editor or admin (repeatable)")]


@token_app.command("create")
def token_create(name: str, roles: Roles, tenant: TenantOption = DEFAULT_TENANT, as_json: JsonOption = False) -> None:
    """Print a new API token. It is shown this once: DVT keeps only its hash."""
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import access as remote_access

        show(remotely(found, tenant, lambda api: remote_access.create_token(api, name, roles)), as_json, _token_created)
        return

    async def work() -> dict[str, Any]:
        async with scoped(tenant) as (built, access):
            token_id, plaintext = await built.identity.create_api_token(access, name, roles)
        return {"id": str(token_id), "name": name, "roles": roles, "token": plaintext}

    show(run(work), as_json, _token_created)


def _token_created(t: dict[str, Any]) -> str:
    return str(t["token"])


@token_app.command("list")
def token_list(tenant: TenantOption = DEFAULT_TENANT, as_json: JsonOption = False) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import access as remote_access

        show(remotely(found, tenant, remote_access.tokens), as_json, _token_line)
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            return await built.identity.api_tokens(access)

    show(run(work), as_json, _token_line)


def _token_line(t: Any) -> str:
    return f"{t.id}\t{t.name}\t{','.join(t.roles)}\t{'revoked' if t.revoked else 'active'}"


@token_app.command("revoke")
def token_revoke(token_id: uuid.UUID, tenant: TenantOption = DEFAULT_TENANT) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import access as remote_access

        remotely(found, tenant, lambda api: remote_access.revoke_token(api, token_id))
        typer.echo(f"revoked {token_id}")
        return

    async def work() -> None:
        async with scoped(tenant) as (built, access):
            await built.identity.revoke_api_token(access, token_id)

    run(work)
    typer.echo(f"revoked {token_id}")


@access_app.command("grant")
def access_grant(
    role: str,
    principal: Annotated[str, typer.Argument(help="user:SUBJECT, group:NAME or token:ID")],
    scope: Annotated[str, typer.Option(help="/, /o/ORG, /o/ORG/p/PROJECT or /o/ORG/p/PROJECT/e/ENV")] = TENANT_SCOPE,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import access as remote_access

        granted = remotely(found, tenant, lambda api: remote_access.grant(api, principal, role, scope))
        show(granted, as_json, _granted)
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            return await built.access.grant(access, principal, role, scope)

    show(run(work), as_json, _granted)


def _granted(g: Any) -> str:
    return f"granted {g.role.value} on {g.scope} to {g.principal} ({g.id})"


@access_app.command("revoke")
def access_revoke(grant_id: uuid.UUID, tenant: TenantOption = DEFAULT_TENANT) -> None:
    if (remote := remote_mode()) is not None:
        from dvt.cli.remote import access as remote_access

        _show_revoked(remotely(remote, tenant, lambda api: remote_access.revoke(api, grant_id)))
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            return await built.access.revoke(access, grant_id)

    _show_revoked(run(work))


def _show_revoked(found: Any) -> None:
    typer.echo(f"revoked {found.role.value} on {found.scope} from {found.principal}")


@access_app.command("list")
def access_list(tenant: TenantOption = DEFAULT_TENANT, as_json: JsonOption = False) -> None:
    if (found := remote_mode()) is not None:
        from dvt.cli.remote import access as remote_access

        show(remotely(found, tenant, remote_access.grants), as_json, _grant_line)
        return

    async def work() -> Any:
        async with scoped(tenant) as (built, access):
            return await built.access.grants(access)

    show(run(work), as_json, _grant_line)


def _grant_line(g: Any) -> str:
    return f"{g.id}\t{g.principal}\t{g.role.value}\t{g.scope}"


@account_app.command("create")
def account_create(
    username: str,
    role: Annotated[str | None, typer.Option(help="Grant this role on the whole tenant")] = None,
    email: Annotated[str | None, typer.Option()] = None,
    tenant: TenantOption = DEFAULT_TENANT,
    as_json: JsonOption = False,
) -> None:
    """Create a local account; prints its one-time password, to be changed at first sign-in. The API has no mutation
    for it: in the remote mode it refuses (it needs the database)."""

    async def work() -> dict[str, Any]:
        async with scoped(tenant) as (built, access):
            found = await built.tenancy.tenant(tenant)
            created = await built.identity.create_account(found, username, email=email)
            if role:
                await built.access.grant(access, f"user:{created.account_id}", role, TENANT_SCOPE)
        return {"username": created.username, "account_id": str(created.account_id), "password": created.password}

    show(run(work), as_json, lambda a: f"created {a['username']}: one-time password {a['password']}")
