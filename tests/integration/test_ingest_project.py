"""A run's artifacts are ingested only if they are of the environment's dbt project (issue 11, D1): a run that
reached another project on disk must not make that project the environment's graph."""

from __future__ import annotations

import pytest

from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.domain.errors import ArtifactError
from dvt.domain.tenancy import TenantScope
from tests.conftest import FIXTURES

JAFFLE = "yu-iskw__dbt-artifacts-parser/manifest_1.11__v12__jaffle_shop.json"  # project jaffle_shop
JAFFLE_LATER = "yu-iskw__dbt-artifacts-parser/manifest_1.12__v12__jaffle_shop.json"
ENERGY = "IntegrityEnergy__integrity-energy-dbt/manifest__2025-02-04_ce54632693_success.json"  # integrity_energy_dbt
OLD_JAFFLE = "yu-iskw__dbt-artifacts-parser/manifest__v1__jaffle_shop.json"  # names no project: its models' package


def _file(name: str) -> ArtifactFile:
    return ArtifactFile("manifest.json", (FIXTURES / name).read_bytes())


async def _ingest(app: Services, scope: TenantScope, name: str, *, run: bool):  # type: ignore[no-untyped-def]
    target = IngestTarget("proj", "prod", create_missing=not run, same_project=run)
    return await app.ingest.ingest(Access.system(scope), target, [_file(name)])


async def test_a_run_manifest_of_another_project_is_refused_and_leaves_the_graph_as_it_was(
    app: Services, scope: TenantScope
) -> None:
    first = await _ingest(app, scope, JAFFLE, run=False)
    with pytest.raises(ArtifactError) as refused:
        await _ingest(app, scope, ENERGY, run=True)
    environment = await app.tenancy.environment(Access.system(scope), "proj", "prod")
    versions = await app.graph.versions(Access.system(scope), environment.id, None, 10)
    assert "'integrity_energy_dbt'" in str(refused.value) and "'jaffle_shop'" in str(refused.value)
    assert [v.id for v in versions.items] == [first.graph_version_id]


async def test_a_run_manifest_of_the_same_project_becomes_the_next_version(app: Services, scope: TenantScope) -> None:
    first = await _ingest(app, scope, JAFFLE, run=False)
    later = await _ingest(app, scope, JAFFLE_LATER, run=True)
    assert later.created and later.graph_version_id != first.graph_version_id


async def test_the_first_version_fixes_the_project_and_old_manifests_are_known_by_their_models(
    app: Services, scope: TenantScope
) -> None:
    await _ingest(app, scope, OLD_JAFFLE, run=False)
    assert (await _ingest(app, scope, JAFFLE, run=True)).created
    await _ingest(app, scope, ENERGY, run=False)  # an editor's own upload is not a run's: it is kept
    with pytest.raises(ArtifactError, match="'jaffle_shop'"):
        await _ingest(app, scope, ENERGY, run=True)
