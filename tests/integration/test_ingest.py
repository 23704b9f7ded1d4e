"""Ingestion against a real PostgreSQL: every fixture dbt wrote, idempotency, attachment, all-or-nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
import pytest

from dvt.application.access import Access
from dvt.application.audit_ports import AuditQuery
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.ports import NodeFilter
from dvt.application.services import Services
from dvt.domain.errors import ArtifactError, NotFoundError, ValidationError
from dvt.domain.graph.identity import node_uuid
from dvt.domain.identity import SYSTEM
from dvt.domain.tenancy import TenantScope
from tests.conftest import FIXTURES

ROWS = list(csv.DictReader((FIXTURES / "INDEX.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t"))
MANIFESTS = [r for r in ROWS if r["artifact"] == "manifest" and r["dbt_schema_version"].startswith("v")]
CATALOGS = [r for r in ROWS if r["artifact"] == "catalog"]
RESULTS = [r for r in ROWS if r["artifact"] in ("run-results", "sources")]
BROKEN = [r for r in ROWS if r["dbt_schema_version"] == "(unparseable)"]


def _file(name: str) -> ArtifactFile:
    path = FIXTURES / name
    return ArtifactFile(path.name, path.read_bytes())


def _count(cell: str) -> int:
    return int(cell) if cell else 0


def _manifest_for(row: dict[str, str]) -> str:
    """The manifest of the same invocation if the fixtures hold it, else the newest of the same folder."""
    folder = row["file"].split("/")[0]
    same = [r for r in MANIFESTS if r["invocation_id"] == row["invocation_id"] and r["file"].startswith(folder)]
    if same:
        return same[0]["file"]
    return sorted(r["file"] for r in MANIFESTS if r["file"].startswith(folder + "/"))[-1]


async def _ingest(app: Services, scope: TenantScope, *names: str, environment: str = "prod"):  # type: ignore[no-untyped-def]
    return await app.ingest.ingest(Access.system(scope), IngestTarget("proj", environment), [_file(n) for n in names])


@pytest.mark.parametrize("row", MANIFESTS, ids=[r["file"] for r in MANIFESTS])
async def test_every_manifest_ingests_with_its_own_counts(
    app: Services, scope: TenantScope, row: dict[str, str]
) -> None:
    report = await _ingest(app, scope, row["file"])
    stored = await app.graph.count_nodes(Access.system(scope), report.graph_version_id, NodeFilter())  # type: ignore[arg-type]
    assert (report.counts["nodes"], report.counts["sources"], report.counts["exposures"]) == (
        _count(row["node_count"]),
        _count(row["sources_count"]),
        _count(row["exposures_count"]),
    )
    assert stored == sum(report.counts.values()), "every resource of the manifest is a node of the graph"


@pytest.mark.parametrize("row", CATALOGS, ids=[r["file"] for r in CATALOGS])
async def test_every_catalog_attaches_to_a_graph(app: Services, scope: TenantScope, row: dict[str, str]) -> None:
    report = await _ingest(app, scope, _manifest_for(row), row["file"])
    assert [a.kind for a in report.artifacts] == ["manifest", "catalog"]


@pytest.mark.parametrize("row", RESULTS, ids=[r["file"] for r in RESULTS])
async def test_every_results_file_is_kept_even_alone(app: Services, scope: TenantScope, row: dict[str, str]) -> None:
    report = await _ingest(app, scope, row["file"])
    environment = await app.tenancy.environment(Access.system(scope), "proj", "prod")
    invocations = await app.graph.invocations(Access.system(scope), environment.id, None, 10)
    kept = await app.graph.results_of(Access.system(scope), [i.id for i in invocations.items])
    kept_freshness = await app.graph.freshness_of(Access.system(scope), [i.id for i in invocations.items])
    distinct = {r["unique_id"] for r in _results_of(row)}
    assert report.graph_version_id is None
    assert len(kept) + len(kept_freshness) == len(distinct)


def _results_of(row: dict[str, str]) -> list[dict[str, str]]:
    results = orjson.loads((FIXTURES / row["file"]).read_bytes())["results"]
    return [{"unique_id": r["unique_id"] if "unique_id" in r else r["node"]["unique_id"]} for r in results]


@pytest.mark.parametrize("row", BROKEN, ids=[r["file"] for r in BROKEN])
async def test_a_broken_file_is_refused_and_leaves_nothing(
    app: Services, scope: TenantScope, row: dict[str, str]
) -> None:
    with pytest.raises(ArtifactError, match="empty"):
        await _ingest(app, scope, row["file"])
    assert await app.tenancy.projects(Access.system(scope)) == []


async def test_the_same_manifest_twice_is_the_same_version(app: Services, scope: TenantScope) -> None:
    name = MANIFESTS[0]["file"]
    first = await _ingest(app, scope, name)
    second = await _ingest(app, scope, name)
    assert (second.graph_version_id, second.created) == (first.graph_version_id, False)


async def test_an_earlier_manifest_ingested_again_is_the_graph_again(app: Services, scope: TenantScope) -> None:
    old_name = "fivetran__dbt_hubspot/manifest__2023-06-27_dbt1.4.5.json"
    old = await _ingest(app, scope, old_name)
    new = await _ingest(app, scope, "fivetran__dbt_hubspot/manifest__2024-03-05_dbt1.6.3.json")
    environment = await app.tenancy.environment(Access.system(scope), "proj", "prod")
    assert [v.id for v in await app.graph.latest_versions(Access.system(scope), [environment.id]) if v] == [
        new.graph_version_id
    ]

    again = await _ingest(app, scope, old_name)

    assert (again.graph_version_id, again.created, again.made_current) == (old.graph_version_id, False, True)
    assert [v.id for v in await app.graph.latest_versions(Access.system(scope), [environment.id]) if v] == [
        old.graph_version_id
    ]
    versions = await app.graph.versions(Access.system(scope), environment.id, None, 10)
    assert [v.sequence for v in versions.items] == [2, 1], "history keeps its numbering: nothing is rewritten"
    audited = await app.audit.log(Access.system(scope), AuditQuery(action_prefix="artifacts.ingest"), None, 10)
    assert audited.items[0].event.details["made_current"] is True
    once_more = await _ingest(app, scope, old_name)
    assert not once_more.made_current, "already the graph: nothing changes"


@pytest.mark.parametrize(("project", "environment"), [("jaf\u0000fle", "prod"), ("jaffle", "Prod Env")])
async def test_a_name_that_cannot_be_a_slug_is_refused_before_any_lookup(
    app: Services, scope: TenantScope, project: str, environment: str
) -> None:
    target = IngestTarget(project, environment)
    with pytest.raises(ValidationError, match=r"invalid (project|environment) slug") as refused:
        await app.ingest.ingest(Access.system(scope), target, [_file(MANIFESTS[0]["file"])])
    assert repr(project if "\u0000" in project else environment) in str(refused.value)
    assert await app.tenancy.projects(Access.system(scope)) == [], "nothing was created"


async def test_node_uuid_is_stable_across_versions_of_a_project(app: Services, scope: TenantScope) -> None:
    old = await _ingest(app, scope, "fivetran__dbt_hubspot/manifest__2023-06-27_dbt1.4.5.json")
    new = await _ingest(app, scope, "fivetran__dbt_hubspot/manifest__2024-03-05_dbt1.6.3.json")
    unique_id = "model.hubspot.hubspot__contacts"
    before = await app.graph.node_by_unique_id(Access.system(scope), old.graph_version_id, unique_id)  # type: ignore[arg-type]
    after = await app.graph.node_by_unique_id(Access.system(scope), new.graph_version_id, unique_id)  # type: ignore[arg-type]
    assert before is not None and after is not None
    assert before.node_uuid == after.node_uuid
    environment = await app.tenancy.environment(Access.system(scope), "proj", "prod")
    assert before.node_uuid == node_uuid(environment.project_id, unique_id)


async def test_run_results_attach_to_the_version_of_their_invocation(app: Services, scope: TenantScope) -> None:
    folder = "yu-iskw__dbt-artifacts-parser"
    first = await _ingest(app, scope, f"{folder}/manifest_1.12__v12__jaffle_shop.json")
    await _ingest(app, scope, f"{folder}/manifest_1.11__v12__jaffle_shop.json")  # a newer version arrives
    await _ingest(app, scope, f"{folder}/run_results_1.12__v6__jaffle_shop.json")
    environment = await app.tenancy.environment(Access.system(scope), "proj", "prod")
    invocation = await app.graph.invocation(
        Access.system(scope), environment.id, "24ad943b-c71e-497c-be0b-d037a3c525ad"
    )
    assert invocation is not None and invocation.graph_version_id == first.graph_version_id


async def test_results_that_came_first_attach_when_their_manifest_arrives(app: Services, scope: TenantScope) -> None:
    folder = "yu-iskw__dbt-artifacts-parser"
    await _ingest(app, scope, f"{folder}/run_results_1.12__v6__jaffle_shop.json")
    version = await _ingest(app, scope, f"{folder}/manifest_1.12__v12__jaffle_shop.json")
    environment = await app.tenancy.environment(Access.system(scope), "proj", "prod")
    invocation = await app.graph.invocation(
        Access.system(scope), environment.id, "24ad943b-c71e-497c-be0b-d037a3c525ad"
    )
    assert invocation is not None and invocation.graph_version_id == version.graph_version_id
    assert all(r.known for r in await app.graph.results_of(Access.system(scope), [invocation.id]))


async def test_results_for_unknown_nodes_are_kept_and_reported(app: Services, scope: TenantScope) -> None:
    await _ingest(app, scope, "yu-iskw__dbt-artifacts-parser/manifest__v1__jaffle_shop.json")
    report = await _ingest(app, scope, "tuva-health__tuva/run_results__2022-12-12_dbt1.2.1.json")
    environment = await app.tenancy.environment(Access.system(scope), "proj", "prod")
    invocations = await app.graph.invocations(Access.system(scope), environment.id, None, 10)
    kept = await app.graph.results_of(Access.system(scope), [i.id for i in invocations.items])
    assert len(kept) == 162 and not any(r.known for r in kept)
    assert any("162 results for nodes the graph does not hold" in w for w in report.warnings)


async def test_a_bad_file_in_a_batch_refuses_the_whole_batch(app: Services, scope: TenantScope, tmp_path: Path) -> None:
    good = _file(MANIFESTS[0]["file"])
    conflicted = ArtifactFile("run_results.json", b'<<<<<<< HEAD\n{"results": []}\n=======\n{}\n>>>>>>> main\n')
    with pytest.raises(ArtifactError, match="merge"):
        await app.ingest.ingest(Access.system(scope), IngestTarget("proj", "prod"), [good, conflicted])
    with pytest.raises(NotFoundError):
        await app.tenancy.environment(Access.system(scope), "proj", "prod")


async def test_a_cycle_is_refused_with_its_path(app: Services, scope: TenantScope) -> None:
    manifest = orjson.loads((FIXTURES / "dbt-labs__dbt-core/manifest__state_v12.json").read_bytes())
    models = sorted(k for k, v in manifest["nodes"].items() if v["resource_type"] == "model")
    a, b = models[:2]
    manifest["nodes"][a]["depends_on"]["nodes"] = [b]
    manifest["nodes"][b]["depends_on"]["nodes"] = [a]
    with pytest.raises(ArtifactError, match="cycle") as refused:
        await app.ingest.ingest(
            Access.system(scope), IngestTarget("proj", "prod"), [ArtifactFile("manifest.json", orjson.dumps(manifest))]
        )
    assert a in str(refused.value) and b in str(refused.value)


async def test_a_node_refused_after_others_were_stored_leaves_nothing(
    app: Services, scope: TenantScope, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nodes are normalised as they are stored: one refused late in the file undoes the ingestion."""
    monkeypatch.setattr("dvt.application.ingest._SLICE", 10)  # several slices stored before the bad one
    manifest = orjson.loads((FIXTURES / "dbt-labs__dbt-core/manifest__state_v12.json").read_bytes())
    last = list(manifest["nodes"])[-1]
    manifest["nodes"][last]["depends_on"] = ["not", "an", "object"]
    with pytest.raises(ArtifactError, match=r"depends_on is a JSON array"):
        await app.ingest.ingest(
            Access.system(scope), IngestTarget("proj", "prod"), [ArtifactFile("manifest.json", orjson.dumps(manifest))]
        )
    with pytest.raises(NotFoundError):
        await app.tenancy.environment(Access.system(scope), "proj", "prod")
    report = await _ingest(app, scope, "dbt-labs__dbt-core/manifest__state_v12.json")
    assert report.created and report.counts["nodes"] == len(manifest["nodes"])


async def test_a_catalog_alone_needs_a_graph_first(app: Services, scope: TenantScope) -> None:
    with pytest.raises(ValidationError, match="ingest a manifest first"):
        await _ingest(app, scope, CATALOGS[0]["file"])


async def test_the_raw_files_are_kept_with_their_sha256(app: Services, scope: TenantScope) -> None:
    import hashlib

    name = MANIFESTS[0]["file"]
    report = await _ingest(app, scope, name)
    stored = await app.graph.artifacts_of(Access.system(scope), [report.graph_version_id])  # type: ignore[list-item]
    record, data = await app.graph.artifact_content(Access.system(scope), stored[0].id)
    assert hashlib.sha256(data).hexdigest() == record.sha256 == report.artifacts[0].sha256
    assert data == (FIXTURES / name).read_bytes()


async def test_another_tenant_cannot_read_a_graph(app: Services, scope: TenantScope) -> None:
    report = await _ingest(app, scope, MANIFESTS[0]["file"])
    other = TenantScope((await app.tenancy.create_tenant(SYSTEM, "other-" + scope.tenant_id.hex[:8])).id)
    assert await app.graph.versions_by_ids(Access.system(other), [report.graph_version_id]) == []  # type: ignore[list-item]
    page = await app.graph.nodes(Access.system(other), report.graph_version_id, NodeFilter(), None, 10)  # type: ignore[arg-type]
    assert page.items == []
