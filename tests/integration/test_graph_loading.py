"""Loading a graph version for planning beside another already in memory: the same graph, unchanged nodes shared."""

from __future__ import annotations

import orjson

from dvt.adapters.db.engine import create_engine, create_session_factory
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.config import Settings
from dvt.domain.tenancy import TenantScope
from tests.conftest import FIXTURES

JAFFLE = FIXTURES / "yu-iskw__dbt-artifacts-parser" / "manifest_1.12__v12__jaffle_shop.json"


async def test_a_version_read_like_another_is_the_same_graph_and_shares_only_unchanged_nodes(
    app: Services, scope: TenantScope, settings: Settings
) -> None:
    base_data = JAFFLE.read_bytes()
    document = orjson.loads(base_data)
    edited = sorted(uid for uid, node in document["nodes"].items() if node["resource_type"] == "model")[0]
    document["nodes"][edited]["raw_code"] += "\n-- edited"
    target = IngestTarget("loading", "prod")
    access = Access.system(scope)
    base = await app.ingest.ingest(access, target, [ArtifactFile("manifest.json", base_data)])
    head = await app.ingest.ingest(access, target, [ArtifactFile("manifest.json", orjson.dumps(document))])
    assert base.graph_version_id and head.graph_version_id

    assert settings.database_url
    engine = create_engine(settings.database_url)
    try:
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            graphs = uow.graphs(scope)
            base_nodes = dict(await graphs.all_nodes(base.graph_version_id))
            alone = dict(await graphs.all_nodes(head.graph_version_id))
            like = dict(await graphs.all_nodes(head.graph_version_id, (base.graph_version_id, base_nodes)))
    finally:
        await engine.dispose()

    assert like == alone
    taken = {node.unique_id for u, node in like.items() if node is base_nodes.get(u)}
    assert taken == {node.unique_id for node in alone.values()} - {edited}
    assert next(n.raw_code for n in like.values() if n.unique_id == edited).endswith("-- edited")
