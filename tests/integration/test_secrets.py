"""Environment secrets against a real PostgreSQL: versions, retirement, rotation, tenant isolation, canary."""

from __future__ import annotations

import asyncio
import base64
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.models import EnvironmentRow, OrganizationRow, ProjectRow, TenantRow
from dvt.adapters.db.secret_models import EnvironmentSecretRow
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.adapters.secrets import redaction
from dvt.adapters.secrets.envelope import EnvelopeCipher
from dvt.adapters.secrets.keyring import Keyring, KeyringError
from dvt.application.access import Access
from dvt.application.secrets import SecretService
from dvt.domain.errors import NotFoundError, ValidationError
from dvt.domain.tenancy import TenantScope

K1 = ("k1", bytes(range(32)))
K2 = ("k2", bytes(range(64, 96)))
CANARY = f"canary-5e3f{uuid.uuid4().hex}"


@dataclass
class Place:
    scope: TenantScope
    environment_id: uuid.UUID

    @property
    def access(self) -> Access:
        return Access.system(self.scope)


@pytest.fixture(scope="module")
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(database_url)
    yield create_session_factory(engine)
    await engine.dispose()


def _service(sessions: async_sessionmaker[AsyncSession], *keys: tuple[str, bytes]) -> SecretService:
    return SecretService(lambda: SqlUnitOfWork(sessions), EnvelopeCipher(Keyring(list(keys))))


@pytest.fixture
def service(sessions: async_sessionmaker[AsyncSession]) -> SecretService:
    # Rotation tests move every row to k2, so every service can still open both.
    return _service(sessions, K1, K2)


async def _environment(sessions: async_sessionmaker[AsyncSession]) -> Place:
    """A tenant of its own with one environment, written directly: these tests are about secrets."""
    tenant, organization, project, environment = (uuid.uuid4() for _ in range(4))
    async with sessions() as session, session.begin():
        session.add(TenantRow(id=tenant, slug=f"t-{tenant.hex[:10]}", name="t"))
        await session.flush()
        session.add(OrganizationRow(id=organization, tenant_id=tenant, slug="default", name="d"))
        await session.flush()
        session.add(
            ProjectRow(id=project, tenant_id=tenant, organization_id=organization, slug="p", name="p", repository=".")
        )
        await session.flush()
        session.add(
            EnvironmentRow(
                id=environment,
                tenant_id=tenant,
                project_id=project,
                slug="prod",
                name="prod",
                adapter="postgres",
                git_ref="HEAD",
            )
        )
    return Place(TenantScope(tenant), environment)


@pytest.fixture
async def place(sessions: async_sessionmaker[AsyncSession]) -> Place:
    return await _environment(sessions)


async def _rows(sessions: async_sessionmaker[AsyncSession], environment_id: uuid.UUID) -> list[EnvironmentSecretRow]:
    async with sessions() as session:
        found = await session.scalars(
            select(EnvironmentSecretRow)
            .where(EnvironmentSecretRow.environment_id == environment_id)
            .order_by(EnvironmentSecretRow.name, EnvironmentSecretRow.version)
        )
        return list(found)


async def test_a_put_secret_is_listed_by_name_and_version_and_revealed_only_as_its_env_var(
    service: SecretService, place: Place
) -> None:
    stored = await service.put(place.access, place.environment_id, "PG_PASSWORD", "hunter2-pg")
    listed = await service.list(Access.system(place.scope), place.environment_id)
    assert [(m.name, m.version, m.key_version, m.retired_at) for m in listed] == [("PG_PASSWORD", 1, "k2", None)]
    assert listed == [stored]
    assert await service.reveal_for_run(place.scope, place.environment_id) == {
        "DBT_ENV_SECRET_PG_PASSWORD": "hunter2-pg"
    }


async def test_replacing_a_value_makes_a_new_version_and_retires_the_old_one(
    service: SecretService, sessions: async_sessionmaker[AsyncSession], place: Place
) -> None:
    await service.put(place.access, place.environment_id, "GIT_TOKEN", "first-token")
    replaced = await service.put(place.access, place.environment_id, "GIT_TOKEN", "second-token")
    assert replaced.version == 2
    assert [m.version for m in await service.list(Access.system(place.scope), place.environment_id)] == [2]
    rows = await _rows(sessions, place.environment_id)
    assert [(r.version, r.retired_at is not None) for r in rows] == [(1, True), (2, False)]
    assert await service.reveal_for_run(place.scope, place.environment_id) == {
        "DBT_ENV_SECRET_GIT_TOKEN": "second-token"
    }


async def test_a_retired_secret_is_no_longer_listed_or_revealed_and_its_numbering_continues(
    service: SecretService, sessions: async_sessionmaker[AsyncSession], place: Place
) -> None:
    await service.put(place.access, place.environment_id, "API_KEY", "value-one")
    retired = await service.retire(place.access, place.environment_id, "API_KEY")
    assert retired.retired_at is not None
    assert await service.list(Access.system(place.scope), place.environment_id) == []
    assert await service.reveal_for_run(place.scope, place.environment_id) == {}
    assert len(await _rows(sessions, place.environment_id)) == 1  # kept, not deleted
    again = await service.put(place.access, place.environment_id, "API_KEY", "value-two")
    assert again.version == 2


async def test_retiring_a_name_with_no_current_version_is_not_found(service: SecretService, place: Place) -> None:
    with pytest.raises(NotFoundError):
        await service.retire(place.access, place.environment_id, "NEVER_SET")


async def test_concurrent_puts_of_one_name_get_distinct_versions_and_one_stays_current(
    service: SecretService, place: Place
) -> None:
    puts = [service.put(place.access, place.environment_id, "RACE", f"value-{i}") for i in range(6)]
    versions = sorted(m.version for m in await asyncio.gather(*puts))
    assert versions == [1, 2, 3, 4, 5, 6]
    assert [m.version for m in await service.list(Access.system(place.scope), place.environment_id)] == [6]


async def test_bad_names_are_refused_before_anything_is_stored(
    service: SecretService, sessions: async_sessionmaker[AsyncSession], place: Place
) -> None:
    with pytest.raises(ValidationError):
        await service.put(place.access, place.environment_id, "pg_password", "x" * 8)
    assert await _rows(sessions, place.environment_id) == []


async def test_another_tenants_scope_sees_nothing(
    service: SecretService, sessions: async_sessionmaker[AsyncSession], place: Place
) -> None:
    await service.put(place.access, place.environment_id, "PG_PASSWORD", "tenant-a-only")
    other = (await _environment(sessions)).scope
    for attempt in (
        service.list(Access.system(other), place.environment_id),
        service.reveal_for_run(other, place.environment_id),
        service.put(Access.system(other), place.environment_id, "PG_PASSWORD", "overwrite"),
        service.retire(Access.system(other), place.environment_id, "PG_PASSWORD"),
    ):
        with pytest.raises(NotFoundError):
            await attempt
    assert [m.version for m in await service.list(Access.system(place.scope), place.environment_id)] == [1]
    assert other != place.scope


async def test_rotation_rewraps_every_version_in_batches_leaving_values_intact_and_is_idempotent(
    sessions: async_sessionmaker[AsyncSession], place: Place
) -> None:
    under_k1 = _service(sessions, K1)
    for name in ("A_ONE", "A_TWO", "A_THREE"):
        await under_k1.put(place.access, place.environment_id, name, f"value-of-{name}")
    await under_k1.put(place.access, place.environment_id, "A_ONE", "value-of-A_ONE-v2")  # v1 retired
    before = {(r.name, r.version): r for r in await _rows(sessions, place.environment_id)}
    assert {r.key_version for r in before.values()} == {"k1"}

    report = await _service(sessions, K1, K2).rotate_keys(batch_size=2)

    assert report.active_key_version == "k2" and report.complete
    assert report.rewrapped.get("k1", 0) >= 4 and report.batches >= 2
    assert set(report.stored) == {"k2"}
    after = {(r.name, r.version): r for r in await _rows(sessions, place.environment_id)}
    assert after.keys() == before.keys()
    for key, row in after.items():
        assert (row.key_version, row.rotated_at is not None) == ("k2", True)
        assert (row.ciphertext, row.nonce) == (before[key].ciphertext, before[key].nonce)
        assert row.wrapped_key != before[key].wrapped_key
    only_k2 = _service(sessions, K2)
    assert await only_k2.reveal_for_run(place.scope, place.environment_id) == {
        "DBT_ENV_SECRET_A_ONE": "value-of-A_ONE-v2",
        "DBT_ENV_SECRET_A_THREE": "value-of-A_THREE",
        "DBT_ENV_SECRET_A_TWO": "value-of-A_TWO",
    }
    assert [m.rotated_at is not None for m in await only_k2.list(Access.system(place.scope), place.environment_id)] == [
        True
    ] * 3

    again = await _service(sessions, K1, K2).rotate_keys(batch_size=2)
    assert (again.total_rewrapped, again.batches, again.complete) == (0, 0, True)
    assert {r.wrapped_key for r in await _rows(sessions, place.environment_id)} == {
        r.wrapped_key for r in after.values()
    }


async def test_rotation_without_the_old_key_stops_and_names_it(
    sessions: async_sessionmaker[AsyncSession], place: Place
) -> None:
    k3 = ("k3", bytes(range(128, 160)))
    await _service(sessions, K1, K2).put(place.access, place.environment_id, "STRANDED", "needs-k2")
    with pytest.raises(KeyringError, match="'k2'"):
        await _service(sessions, k3).rotate_keys()
    assert {r.key_version for r in await _rows(sessions, place.environment_id)} == {"k2"}


async def _columns(session: AsyncSession) -> list[tuple[str, str, str]]:
    result = await session.execute(
        text(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'public' AND data_type IN"
            " ('text', 'character varying', 'character', 'bytea', 'jsonb', 'json', 'ARRAY')"
            " ORDER BY table_name, column_name"
        )
    )
    return [(t, c, d) for t, c, d in result.tuples()]


async def test_canary_appears_in_no_column_and_no_log_line(
    service: SecretService,
    sessions: async_sessionmaker[AsyncSession],
    place: Place,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.INFO, logger="sqlalchemy.engine"):
        await service.put(place.access, place.environment_id, "WAREHOUSE_PASSWORD", CANARY)
        # Retires v1, so a retired version is scanned too.
        await service.put(place.access, place.environment_id, "WAREHOUSE_PASSWORD", CANARY + "-v2")
        listed = await service.list(Access.system(place.scope), place.environment_id)
        revealed = await service.reveal_for_run(place.scope, place.environment_id)
        await _service(sessions, K1, K2).rotate_keys()
    assert revealed == {"DBT_ENV_SECRET_WAREHOUSE_PASSWORD": CANARY + "-v2"}  # the canary really is stored
    assert CANARY not in repr(listed)
    assert "canary-5e3f" not in caplog.text

    needles = [CANARY, base64.b64encode(CANARY.encode()).decode(), CANARY.encode().hex()]
    async with sessions() as session:
        columns = await _columns(session)
        assert ("environment_secrets", "ciphertext", "bytea") in columns
        hits = []
        for table, column, data_type in columns:
            if data_type == "bytea":
                found = await session.scalar(
                    text(f'SELECT count(*) FROM "{table}" WHERE position(:raw IN "{column}") > 0'),
                    {"raw": CANARY.encode()},
                )
            else:
                found = await session.scalar(
                    text(
                        f'SELECT count(*) FROM "{table}" WHERE '
                        + " OR ".join(f'"{column}"::text LIKE :n{i}' for i in range(len(needles)))
                    ),
                    {f"n{i}": f"%{needle}%" for i, needle in enumerate(needles)},
                )
            if found:
                hits.append(f"{table}.{column}")
        # Whole rows as text too: catches any column type the list above does not name.
        tables = sorted({t for t, _, _ in columns})
        for table in tables:
            if await session.scalar(
                text(f'SELECT count(*) FROM "{table}" AS t WHERE t::text LIKE :n'), {"n": "%canary-5e3f%"}
            ):
                hits.append(table)
    assert hits == []


def test_the_log_filter_redacts_a_registered_value_from_message_and_arguments() -> None:
    redaction.register(CANARY)
    record = logging.LogRecord(
        "dvt.test",
        logging.INFO,
        __file__,
        1,
        f"connecting with {CANARY} as %s to %s (%d)",
        (f"user:{CANARY}", {"password": CANARY}, 5432),
        None,
    )
    assert redaction.SecretRedactionFilter().filter(record) is True
    message = record.getMessage()
    assert CANARY not in message and CANARY not in repr(record.args)
    assert message.count("[redacted]") >= 3 and message.endswith("(5432)")


def test_installed_redaction_reaches_records_of_every_logger(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    redaction.register(CANARY)
    previous = logging.getLogRecordFactory()
    monkeypatch.setattr(redaction, "_factory_installed", False)
    try:
        redaction.install_log_redaction()
        with caplog.at_level(logging.INFO):
            logging.getLogger("some.library").info("dsn %s", f"postgresql://u:{CANARY}@db/x")
            try:
                raise RuntimeError(f"login failed for {CANARY}")
            except RuntimeError:
                logging.getLogger("another").exception("failed")
    finally:
        logging.setLogRecordFactory(previous)
    assert "dsn" in caplog.text and "login failed" in caplog.text
    assert CANARY not in caplog.text


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "Authorization: Bearer"),
        ("connect password=Sup3rS3cret host=db", "host=db"),
        ('{"client_secret": "abc123def456", "user": "me"}', '"user": "me"'),
        ("aws key AKIAIOSFODNN7EXAMPLE used", "aws key"),
        ("postgresql://dvt:pa55word@db:5432/dvt", "@db:5432/dvt"),
    ],
)
def test_common_token_patterns_are_redacted_without_registration(line: str, kept: str) -> None:
    cleaned = redaction.redact(line)
    assert "[redacted]" in cleaned and kept in cleaned
    for secret in ("eyJhbGciOiJIUzI1NiJ9", "Sup3rS3cret", "abc123def456", "AKIAIOSFODNN7EXAMPLE", "pa55word"):
        assert secret not in cleaned
