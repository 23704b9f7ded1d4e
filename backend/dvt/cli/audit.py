"""Checking the audit trail's hash chains."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from dvt.cli.common import JsonOption, group, plain, run, services
from dvt.domain.tenancy import TenantScope

if TYPE_CHECKING:
    from dvt.application.audit import VerifyReport

audit_app = group("audit", "The audit trail.")


@audit_app.command("verify")
def audit_verify(
    tenant: Annotated[str | None, typer.Option(help="One tenant's chain; all chains when omitted")] = None,
    as_json: JsonOption = False,
) -> None:
    """Recompute every hash chain and report the first broken link of each; exit 1 if any is broken."""

    async def work() -> VerifyReport:
        async with services() as built:
            scope = TenantScope((await built.tenancy.tenant(tenant)).id) if tenant else None
            return await built.audit.verify(scope)

    report = run(work)
    if as_json:
        typer.echo(json.dumps(plain(report), indent=2, sort_keys=True))
    else:
        for chain in report.chains:
            who = chain.tenant_id or "platform"
            state = f"BROKEN at sequence {chain.broken.sequence}: {chain.broken.reason}" if chain.broken else "ok"
            head = f"head {chain.head_sequence} {chain.head_hash[:16]}"
            typer.echo(f"{who}\t{chain.events_checked} events\t{head}\t{state}")
    if not report.ok:
        raise typer.Exit(1)
