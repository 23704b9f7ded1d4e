"""The audit trail against a real PostgreSQL: the hash chain, its verification, append-only, concurrency."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.repositories.audit import SqlAuditRepository
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.access import Access
from dvt.application.audit import AuditService, canonical_json, record, record_many, seal_event
from dvt.application.audit_ports import AuditQuery
from dvt.domain.audit import GENESIS, REDACTED, AuditEvent, AuditRecord, AuditResult, first_broken_link
from dvt.domain.errors import ValidationError
from dvt.domain.identity import SYSTEM, Actor, ActorKind
from dvt.domain.tenancy import TenantScope


class AuditedUnitOfWork(SqlUnitOfWork):
    """The unit of work with the `audit()` that bootstrap's will have."""

    def audit(self, scope: TenantScope | None) -> SqlAuditRepository:
        return SqlAuditRepository(self.session, scope)


Units = Callable[[], AuditedUnitOfWork]


@pytest.fixture(scope="module")
async def units(database_url: str) -> AsyncIterator[Units]:
    engine = create_engine(database_url, pool_size=12)  # room for 20 concurrent appends
    sessions = create_session_factory(engine)
    yield lambda: AuditedUnitOfWork(sessions)
    await engine.dispose()


@pytest.fixture
async def scope(units: Units) -> TenantScope:
    """A fresh tenant, like conftest's, made without the rest of the application."""
    async with units() as uow:
        tenant = await uow.platform.create_tenant(f"a-{uuid.uuid4().hex[:10]}", "Audited")
        await uow.commit()
    return TenantScope(tenant.id)


@pytest.fixture
def audit(units: Units) -> AuditService:
    return AuditService(units, verify_page_size=3)  # small pages, so verification crosses page ends


def _event(
    scope: TenantScope | None,
    action: str = "project.create",
    *,
    subject: str = "alice",
    kind: ActorKind = ActorKind.USER,
    result: AuditResult = AuditResult.SUCCESS,
    resource: tuple[str, str] = ("project", "p1"),
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    tenant_id = scope.tenant_id if scope else None
    return AuditEvent.of(
        Actor(kind, subject, tenant_id),
        action,
        result,
        *resource,
        details,
        correlation_id=f"req-{uuid.uuid4().hex[:8]}",
        trace_id=uuid.uuid4().hex,
    )


async def _append(units: Units, scope: TenantScope | None, *events: AuditEvent) -> list[AuditRecord]:
    async with units() as uow:
        stored = [await record(uow.audit(scope), e) for e in events]
        await uow.commit()
    return stored


async def _chain(units: Units, scope: TenantScope | None) -> list[AuditRecord]:
    async with units() as uow:
        return await uow.audit(scope).chain(0, 10_000)


async def _tamper(units: Units, sql: str, **params: Any) -> None:
    """Change stored rows as a superuser would, with the trigger off for this one transaction only."""
    async with units() as uow:
        await uow.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        await uow.session.execute(text(sql), params)
        await uow.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))
        await uow.commit()


async def test_each_event_hashes_the_previous_one(units: Units, scope: TenantScope) -> None:
    details = {"ratio": 0.1, "cost": 12.75, "big": 2**53 - 1, "tags": ["a", "b"], "ok": True, "none": None}
    await _append(units, scope, *(_event(scope, details=details) for _ in range(4)))
    chain = await _chain(units, scope)

    assert [r.sequence for r in chain] == [1, 2, 3, 4]
    assert chain[0].prev_hash == GENESIS
    for previous, current in itertools.pairwise(chain):
        assert current.prev_hash == previous.hash
        assert current.occurred_at >= previous.occurred_at
    for stored in chain:  # what was read back hashes to what was written
        assert stored.event.details == details
        assert stored.hash == seal_event(stored.event, stored.sequence, stored.occurred_at, stored.prev_hash)
    assert first_broken_link(chain, scope.tenant_id, canonical_json) is None


async def test_events_appended_together_chain_after_the_head_as_one_by_one_appends_do(
    units: Units, audit: AuditService, scope: TenantScope
) -> None:
    await _append(units, scope, _event(scope))
    together = [_event(scope, details={"n": n}) for n in range(3)]
    async with units() as uow:
        stored = await record_many(uow.audit(scope), together)
        await uow.commit()
    await _append(units, scope, _event(scope))
    assert [(r.sequence, r.event) for r in stored] == [(2, together[0]), (3, together[1]), (4, together[2])]
    assert (await _chain(units, scope))[1:4] == stored  # stored as the append returned them
    report = await audit.verify(scope)
    assert report.ok and report.events_checked == 5


async def test_verify_passes_on_an_untouched_chain(units: Units, audit: AuditService, scope: TenantScope) -> None:
    await _append(units, scope, *(_event(scope) for _ in range(7)))
    report = await audit.verify(scope)
    assert report.ok
    assert report.events_checked == 7
    [chain] = report.chains
    assert (chain.tenant_id, chain.head_sequence) == (scope.tenant_id, 7)


async def test_verify_names_the_altered_event(units: Units, audit: AuditService, scope: TenantScope) -> None:
    stored = await _append(units, scope, *(_event(scope, details={"n": n}) for n in range(5)))
    await _tamper(units, "UPDATE audit_events SET details = '{\"n\": 99}' WHERE id = :id", id=stored[2].id)

    report = await audit.verify(scope)
    assert not report.ok
    [broken] = report.broken
    assert (broken.tenant_id, broken.sequence, broken.event_id) == (scope.tenant_id, 3, stored[2].id)
    assert "altered" in broken.reason
    assert report.events_checked == 3  # it stops at the first broken link


async def test_verify_names_the_event_after_a_resealed_one(
    units: Units, audit: AuditService, scope: TenantScope
) -> None:
    """Altering an event and recomputing its hash moves the break to the next event's prev_hash."""
    stored = await _append(units, scope, *(_event(scope) for _ in range(4)))
    second = stored[1]
    forged = seal_event(
        dataclasses.replace(second.event, details={"forged": True}), 2, second.occurred_at, second.prev_hash
    )
    await _tamper(
        units,
        "UPDATE audit_events SET details = '{\"forged\": true}', hash = :forged WHERE id = :id",
        forged=forged,
        id=second.id,
    )

    [broken] = (await audit.verify(scope)).broken
    assert (broken.sequence, broken.event_id) == (3, stored[2].id)
    assert "prev_hash" in broken.reason


async def test_verify_notices_a_removed_event(units: Units, audit: AuditService, scope: TenantScope) -> None:
    stored = await _append(units, scope, *(_event(scope) for _ in range(4)))
    await _tamper(units, "DELETE FROM audit_events WHERE id = :id", id=stored[1].id)

    [broken] = (await audit.verify(scope)).broken
    assert (broken.sequence, broken.event_id) == (3, stored[2].id)
    assert "missing" in broken.reason


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'project.delete' WHERE tenant_id = :tenant",
        "DELETE FROM audit_events WHERE tenant_id = :tenant",
        "TRUNCATE audit_events",
    ],
    ids=["update", "delete", "truncate"],
)
async def test_the_database_refuses_changes(units: Units, scope: TenantScope, statement: str) -> None:
    await _append(units, scope, _event(scope))
    async with units() as uow:
        with pytest.raises(DBAPIError, match="audit_events is append-only"):
            await uow.session.execute(text(statement), {"tenant": scope.tenant_id})
    assert len(await _chain(units, scope)) == 1


async def test_a_tenant_with_a_trail_cannot_be_deleted(units: Units, scope: TenantScope) -> None:
    await _append(units, scope, _event(scope))
    async with units() as uow:
        with pytest.raises(DBAPIError, match="foreign key"):
            await uow.session.execute(text("DELETE FROM tenants WHERE id = :id"), {"id": scope.tenant_id})


async def test_concurrent_appends_chain_one_after_another(
    units: Units, audit: AuditService, scope: TenantScope
) -> None:
    async def one(n: int) -> AuditRecord:
        [stored] = await _append(units, scope, _event(scope, details={"n": n}))
        return stored

    await asyncio.gather(*(one(n) for n in range(20)))

    chain = await _chain(units, scope)
    assert [r.sequence for r in chain] == list(range(1, 21))
    assert sorted(r.event.details["n"] for r in chain) == list(range(20))
    report = await audit.verify(scope)
    assert report.ok and report.events_checked == 20


async def test_recorded_events_roll_back_with_their_change(units: Units, scope: TenantScope) -> None:
    async with units() as uow:
        await uow.tenancy(scope).create_organization("gone", "Gone")
        await record(uow.audit(scope), _event(scope, "organization.create"))
        # No commit: the change and the event that describes it go together.
    assert await _chain(units, scope) == []


async def test_a_denied_attempt_outlives_the_failed_request(
    units: Units, audit: AuditService, scope: TenantScope
) -> None:
    with pytest.raises(PermissionError):
        async with units() as uow:
            await uow.tenancy(scope).create_organization("refused", "Refused")
            await audit.record_denied(_event(scope, "organization.create", result=AuditResult.DENIED))
            raise PermissionError("viewer may not create organizations")

    async with units() as uow:
        assert await uow.tenancy(scope).organization_by_slug("refused") is None
    [denied] = await _chain(units, scope)
    assert (denied.event.action, denied.event.result) == ("organization.create", AuditResult.DENIED)
    with pytest.raises(ValueError, match="denied"):
        await audit.record_denied(_event(scope))


async def test_secret_looking_keys_are_redacted(units: Units, scope: TenantScope) -> None:
    details = {
        "password": "hunter2",
        "connection": {"api_key": "k-123", "clientSecret": "s-456", "token_id": "tok-1", "host": "db"},
        "secret_names": ["SNOWFLAKE_PASSWORD"],
        "headers": [{"Authorization-Token": "Bearer abc"}],
    }
    await _append(units, scope, _event(scope, "environment.update", details=details))
    [stored] = await _chain(units, scope)
    assert stored.event.details == {
        "password": REDACTED,
        "connection": {"api_key": REDACTED, "clientSecret": REDACTED, "token_id": "tok-1", "host": "db"},
        "secret_names": ["SNOWFLAKE_PASSWORD"],
        "headers": [{"Authorization-Token": REDACTED}],
    }
    async with units() as uow:
        raw = await uow.session.scalar(text("SELECT details::text FROM audit_events WHERE id = :id"), {"id": stored.id})
    assert raw is not None
    assert not any(secret in raw for secret in ("hunter2", "k-123", "s-456", "Bearer"))


def test_events_refuse_what_cannot_be_hashed_faithfully() -> None:
    with pytest.raises(ValidationError, match="JSON value"):
        _event(None, details={"when": object()})
    with pytest.raises(ValidationError, match="exact JSON number"):
        _event(None, details={"n": 2**60})
    with pytest.raises(ValidationError, match="finite"):
        _event(None, details={"x": float("nan")})
    with pytest.raises(ValidationError, match=r"resource\.verb"):
        _event(None, "Create Project")


async def test_the_log_filters(units: Units, audit: AuditService, scope: TenantScope) -> None:
    first = await _append(units, scope, _event(scope, "project.create", resource=("project", "p1")))
    await asyncio.sleep(0.01)
    later = await _append(
        units,
        scope,
        _event(scope, "project.delete", subject="bob", resource=("project", "p2")),
        _event(scope, "projects_x.create", result=AuditResult.FAILURE),
        _event(scope, "run.cancel", kind=ActorKind.TOKEN, subject="t1", result=AuditResult.DENIED),
        _event(scope, "a_b.create"),
        _event(scope, "axb.create"),
    )

    async def actions(**filters: Any) -> list[str]:
        page = await audit.log(Access.system(scope), AuditQuery(**filters), None, 100)
        return [r.event.action for r in page.items]

    assert await actions(action_prefix="project.") == ["project.delete", "project.create"]
    assert await actions(action_prefix="a_b") == ["a_b.create"]  # `_` is not a wildcard
    assert await actions(actor_subject="bob") == ["project.delete"]
    assert await actions(actor_kind=ActorKind.TOKEN) == ["run.cancel"]
    assert await actions(result=AuditResult.DENIED) == ["run.cancel"]
    assert await actions(result=AuditResult.FAILURE) == ["projects_x.create"]
    assert await actions(resource_type="project", resource_id="p2") == ["project.delete"]
    assert await actions(until=later[0].occurred_at) == ["project.create"]
    assert len(await actions(since=later[0].occurred_at)) == 5
    assert await actions(since=first[0].occurred_at + timedelta(days=1)) == []

    page = await audit.log(Access.system(scope), AuditQuery(), None, 4)
    assert [r.sequence for r in page.items] == [6, 5, 4, 3] and page.has_next
    page = await audit.log(Access.system(scope), AuditQuery(), page.items[-1].sequence, 4)
    assert [r.sequence for r in page.items] == [2, 1] and not page.has_next


async def test_tenants_have_chains_of_their_own(units: Units, audit: AuditService, scope: TenantScope) -> None:
    other = TenantScope(uuid.uuid4())
    async with units() as uow:
        await uow.session.execute(
            text("INSERT INTO tenants (id, slug, name) VALUES (:id, :slug, 'Other')"),
            {"id": other.tenant_id, "slug": f"o-{other.tenant_id.hex[:10]}"},
        )
        await uow.commit()
    await _append(units, scope, _event(scope), _event(scope))
    await _append(units, other, _event(other))
    await _append(units, None, AuditEvent.of(SYSTEM, "tenant.create", AuditResult.SUCCESS, "tenant", "x"))

    assert [r.sequence for r in await _chain(units, other)] == [1]
    assert (await audit.log(Access.system(other), AuditQuery(), None, 10)).items[0].event.tenant_id == other.tenant_id
    async with units() as uow:
        with pytest.raises(ValueError, match="own tenant"):
            await record(uow.audit(other), _event(scope))

    report = await audit.verify()  # every chain: the platform's and each tenant's
    chains = {chain.tenant_id: chain for chain in report.chains}
    assert chains[None].broken is None and chains[None].head_sequence >= 1
    assert chains[scope.tenant_id].broken is None and chains[scope.tenant_id].events_checked == 2
    assert chains[other.tenant_id].events_checked == 1
