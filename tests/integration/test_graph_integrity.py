"""The database keeps graph rows whole without foreign keys on them (migration 0017): each statement's nodes and
edges are checked together, and a version's rows go with it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.domain.tenancy import TenantScope
from tests.conftest import FIXTURES

MANIFEST = "yu-iskw__dbt-artifacts-parser/manifest_1.11__v12__jaffle_shop.json"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(make_url(database_url).set(drivername="postgresql").render_as_string(False))
    yield connection
    await connection.close()


async def _version(app: Services, scope: TenantScope, environment: str = "prod") -> uuid.UUID:
    data = (FIXTURES / MANIFEST).read_bytes()
    report = await app.ingest.ingest(
        Access.system(scope), IngestTarget("proj", environment), [ArtifactFile("manifest.json", data)]
    )
    assert report.graph_version_id is not None
    return report.graph_version_id


async def _counts(db: asyncpg.Connection, version: uuid.UUID) -> tuple[int, int]:
    nodes = await db.fetchval("SELECT count(*) FROM graph_nodes WHERE graph_version_id = $1", version)
    edges = await db.fetchval("SELECT count(*) FROM graph_edges WHERE graph_version_id = $1", version)
    return nodes, edges


async def _an_edge(db: asyncpg.Connection, version: uuid.UUID) -> asyncpg.Record:
    return await db.fetchrow(
        "SELECT parent_uuid, child_uuid, tenant_id FROM graph_edges WHERE graph_version_id = $1 LIMIT 1", version
    )


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO graph_edges SELECT $1, $2, $3, tenant_id, 'depends_on' FROM graph_versions WHERE id = $1",
        # one of the node's edges moved onto a node that is not there
        """UPDATE graph_edges SET child_uuid = $3 WHERE (graph_version_id, parent_uuid, child_uuid) =
           (SELECT graph_version_id, parent_uuid, child_uuid FROM graph_edges
            WHERE graph_version_id = $1 AND parent_uuid = $2 LIMIT 1)""",
    ],
    ids=["insert", "update"],
)
async def test_an_edge_to_a_node_its_version_does_not_hold_is_refused(
    app: Services, scope: TenantScope, db: asyncpg.Connection, statement: str
) -> None:
    version = await _version(app, scope)
    edge = await _an_edge(db, version)
    with pytest.raises(asyncpg.ForeignKeyViolationError, match="holds no node"):
        await db.execute(statement, version, edge["parent_uuid"], uuid.uuid4())


async def test_an_edge_of_no_version_is_refused(app: Services, scope: TenantScope, db: asyncpg.Connection) -> None:
    version = await _version(app, scope)
    edge = await _an_edge(db, version)
    with pytest.raises(asyncpg.ForeignKeyViolationError, match="no such version"):
        await db.copy_records_to_table(
            "graph_edges",
            records=[(uuid.uuid4(), edge["parent_uuid"], edge["child_uuid"], scope.tenant_id, "depends_on")],
            columns=["graph_version_id", "parent_uuid", "child_uuid", "tenant_id", "kind"],
        )


async def test_a_node_under_another_tenants_version_is_refused(
    app: Services, scope: TenantScope, db: asyncpg.Connection
) -> None:
    version = await _version(app, scope)
    row = await db.fetchrow("SELECT * FROM graph_nodes WHERE graph_version_id = $1 LIMIT 1", version)
    values = {**dict(row), "node_uuid": uuid.uuid4(), "unique_id": "model.x.y", "tenant_id": uuid.uuid4()}
    with pytest.raises(asyncpg.ForeignKeyViolationError, match="no such version in its tenant"):
        await db.copy_records_to_table("graph_nodes", records=[tuple(values.values())], columns=list(values))


async def test_deleting_an_environment_deletes_its_versions_nodes_and_edges(
    app: Services, scope: TenantScope, db: asyncpg.Connection
) -> None:
    kept, deleted = await _version(app, scope, "kept"), await _version(app, scope, "deleted")
    before = await _counts(db, kept)
    assert before == await _counts(db, deleted) and before[1] > 0
    await db.execute(
        "DELETE FROM environments WHERE id = (SELECT environment_id FROM graph_versions WHERE id = $1)", deleted
    )
    assert (await _counts(db, deleted), await _counts(db, kept)) == ((0, 0), before)


async def test_a_version_keeps_its_id(app: Services, scope: TenantScope, db: asyncpg.Connection) -> None:
    version = await _version(app, scope)
    with pytest.raises(asyncpg.ForeignKeyViolationError, match="keeps its id"):
        await db.execute("UPDATE graph_versions SET id = $2 WHERE id = $1", version, uuid.uuid4())
