"""What people call a run: its number in its environment, and who triggered it by name."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
import httpx
from alembic import command
from strawberry.relay import to_base64

from dvt.adapters.db.migrate import alembic_config
from dvt.api.app import create_app
from dvt.application.access import Access
from dvt.application.services import Services
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.api.conftest import GraphQLClient
from tests.runs.conftest import Place, make_place
from tests.runs.test_runs import approve_and_trigger
from tests.support.migrations import asyncpg_dsn, insert_runs


async def test_runs_are_numbered_one_two_three_in_each_environment(
    app: Services, place: Place, demo: tuple[Path, bytes]
) -> None:
    first, second = await approve_and_trigger(place), await approve_and_trigger(place)
    elsewhere = await make_place(app, *demo)
    other = await approve_and_trigger(elsewhere)
    third = await approve_and_trigger(place)
    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert other.number == 1


async def test_runs_triggered_at_once_take_distinct_consecutive_numbers(app: Services, place: Place) -> None:
    runs = await asyncio.gather(*(approve_and_trigger(place) for _ in range(4)))
    assert sorted(r.number for r in runs) == [1, 2, 3, 4]


async def test_a_repeated_trigger_keeps_its_number_and_leaves_no_gap(app: Services, place: Place) -> None:
    env = place.environment.id
    # Sent twice at once: one run is stored, the other call waits for it and gets it back.
    once, again = await asyncio.gather(
        *(app.runs.trigger(place.access, env, idempotency_key="ci-build-7") for _ in range(2))
    )
    later = await app.runs.trigger(place.access, env, idempotency_key="ci-build-7")
    following = await approve_and_trigger(place)
    assert once.id == again.id == later.id
    assert once.number == again.number == 1
    assert following.number == 2


async def test_actors_are_named_as_people_know_them(app: Services, scope: TenantScope) -> None:
    tenant = next(t for t in await app.tenancy.tenants() if t.id == scope.tenant_id)
    ada = await app.identity.create_account(tenant, "ada", display_name="Ada Lovelace")
    token_id, _ = await app.identity.create_api_token(Access.system(scope), "nightly CI", ["editor"])
    stranger_tenant = await app.tenancy.create_tenant(SYSTEM, f"t-{uuid.uuid4().hex[:10]}")
    stranger = await app.identity.create_account(stranger_tenant, "eve", display_name="Eve")
    labels = [f"user:{ada.account_id}", f"token:{token_id}", SYSTEM.label, "user:oidc-subject-42",
              f"user:{stranger.account_id}"]  # fmt: skip
    names = await app.identity.actor_names(Access.system(scope), labels)
    # Another tenant's account is not named: it keeps its label, as an identity DVT holds no name for.
    assert names == ["Ada Lovelace", "nightly CI", "DVT", "user:oidc-subject-42", f"user:{stranger.account_id}"]


def test_the_migration_numbers_existing_runs_by_creation_order(fresh_database: str) -> None:
    config = alembic_config(fresh_database)
    command.upgrade(config, "0013")
    dsn = asyncpg_dsn(fresh_database)
    tenant, env_a, env_b = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    runs = [(env_a, "2026-01-03"), (env_b, "2026-01-01"), (env_a, "2026-01-01"), (env_a, "2026-01-02")]
    ids = [uuid.uuid4() for _ in runs]

    async def seed() -> None:
        c = await asyncpg.connect(dsn)
        try:
            await insert_runs(c, tenant, {env_a: "a", env_b: "b"}, dict(zip(ids, runs, strict=True)))
        finally:
            await c.close()

    async def read() -> tuple[list[int], dict[uuid.UUID, int]]:
        c = await asyncpg.connect(dsn)
        try:
            numbers = [await c.fetchval("SELECT number FROM runs WHERE id = $1", i) for i in ids]
            seqs = {r["id"]: r["run_seq"] for r in await c.fetch("SELECT id, run_seq FROM environments")}
            return numbers, seqs
        finally:
            await c.close()

    asyncio.run(seed())
    command.upgrade(config, "head")
    numbers, seqs = asyncio.run(read())
    assert numbers == [3, 1, 1, 2]
    assert seqs == {env_a: 3, env_b: 1}


async def test_the_api_shows_a_runs_number_its_actor_by_name_and_the_currency_of_its_costs(
    app: Services, place: Place
) -> None:
    await app.plans.configure(place.access, place.environment.id, {}, {"price_per_compute_hour": 2, "currency": "eur"})
    by_dvt = await approve_and_trigger(place)  # triggered by DVT itself (the system actor)
    token_id, token = await app.identity.create_api_token(Access.system(place.scope), "release bot", ["admin"])
    trigger = "mutation($input: TriggerRunInput!) { triggerRun(input: $input) { ... on Run { id } ... on Error { message } } }"
    query = "query($id: ID!) { run(id: $id) { number actor actorName environment { currency } } }"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(app)), base_url="http://dvt.test"
    ) as http:
        caller = GraphQLClient(http, token)
        environment = to_base64("Environment", str(place.environment.id))
        by_bot = (await caller.data(trigger, input={"environmentId": environment}))["triggerRun"]
        shown = [
            (await caller.data(query, id=run_id))["run"] for run_id in (to_base64("Run", str(by_dvt.id)), by_bot["id"])
        ]
    assert shown == [
        {"number": 1, "actor": SYSTEM.label, "actorName": "DVT", "environment": {"currency": "EUR"}},
        {"number": 2, "actor": f"token:{token_id}", "actorName": "release bot", "environment": {"currency": "EUR"}},
    ]
