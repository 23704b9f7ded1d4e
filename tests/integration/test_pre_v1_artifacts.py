"""Artifacts of dbt 0.18 (before schema versions), refused once although dbt wrote them: read, then ingested.

The fixtures are in tests/fixtures/pre_v1/ (their README names the dbt version and the source of each shape).
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from dvt.adapters.artifacts.readers import detect, read_artifact
from dvt.application.access import Access
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.services import Services
from dvt.domain.graph.model import ArtifactKind, RunResults, Sources
from dvt.domain.tenancy import TenantScope
from tests.conftest import FIXTURES

OLD = Path(__file__).resolve().parents[1] / "fixtures" / "pre_v1"
TEST_RUN = OLD / "run_results__dbt0.18.1_test.json"
FRESHNESS_MAP = OLD / "sources__dbt0.18.1.json"
FRESHNESS_RESULTS = OLD / "sources__dbt0.18.1_results.json"
# The same jaffle_shop project, parsed by dbt 0.19.1: the old results name its nodes.
MANIFEST = FIXTURES / "Magnus-PS__dbt-learn" / "manifest__2021-06-28_dbt0.19.1.json"

EXPECTED_TESTS = {  # unique id (after "test.jaffle_shop.") -> (status, failing rows)
    "source_unique_jaffle_shop_customers_id": ("pass", 0),
    "source_not_null_jaffle_shop_orders_id": ("pass", 0),
    "relationships_stg_orders_customer_id__customer_id__ref_customers_": ("fail", 3),
    "accepted_values_stg_orders_status__returned__completed__shipped__placed__return_pending": ("warn", 2),
    "assert_total_payments_amount_is_positive": ("error", None),
}
EXPECTED_FRESHNESS = {
    "source.jaffle_shop.jaffle_shop.orders": "warn",
    "source.jaffle_shop.stripe.payment": "runtime error",
}


def _read(path: Path) -> RunResults | Sources:
    artifact = read_artifact(path.name, path.read_bytes())
    assert isinstance(artifact, RunResults | Sources)
    return artifact


# --- the reader -------------------------------------------------------------------------------------------


def test_a_dbt_test_run_whose_status_is_the_failure_count_reads_as_pass_fail_warn_error() -> None:
    run = _read(TEST_RUN)
    assert isinstance(run, RunResults) and run.metadata.schema_version == "pre-v1"
    read = {r.unique_id.removeprefix("test.jaffle_shop."): (r.status, r.failures) for r in run.results}
    assert read == EXPECTED_TESTS
    assert (run.metadata.generated_at, run.elapsed_time) == ("2020-11-02T10:15:02.004211Z", 2.384)
    errored = run.results[-1]
    assert errored.message is not None and errored.message.startswith("Database Error in test")


def test_the_fixture_holds_the_float_status_that_was_refused() -> None:
    # Guards the fixture: without a float count in a result with no flags, the test above proves nothing new.
    first = orjson.loads(TEST_RUN.read_bytes())["results"][0]
    assert first["status"] == 0.0 and isinstance(first["status"], float)
    assert (first["fail"], first["warn"], first["skip"], first["error"]) == (None, None, False, None)


@pytest.mark.parametrize(
    ("status", "flags", "expected"),
    [
        (0, {}, ("pass", 0)),
        (0.0, {}, ("pass", 0)),
        (5.0, {}, ("fail", 5)),  # severity error without the flag still fails: dbt counted any row a failure
        (5.0, {"warn": True}, ("warn", 5)),
        (1, {"fail": True}, ("fail", 1)),
        (None, {"skip": True}, ("skipped", None)),
        ("CREATE VIEW", {}, ("success", None)),  # a model's status was the adapter's answer, not an outcome
        (None, {}, ("success", None)),
    ],
)
def test_a_pre_v1_status_maps_to_the_outcome_dbt_reported(
    status: object, flags: dict[str, bool], expected: tuple[str, int | None]
) -> None:
    document = {
        "results": [{"node": {"unique_id": "test.a.b"}, "status": status, "execution_time": 0.1, **flags}],
        "generated_at": "2020-11-02T10:15:02Z",
        "elapsed_time": 1.0,
    }
    run = read_artifact("run_results.json", orjson.dumps(document))
    assert isinstance(run, RunResults)
    assert (run.results[0].status, run.results[0].failures) == expected


def test_a_pre_v1_models_adapter_answer_is_kept_as_its_message() -> None:
    document = {"results": [{"node": {"unique_id": "model.a.b"}, "status": "SELECT 12"}], "elapsed_time": 1.0}
    run = read_artifact("run_results.json", orjson.dumps(document))
    assert isinstance(run, RunResults) and (run.results[0].status, run.results[0].message) == ("success", "SELECT 12")


def test_a_fractional_status_is_still_refused_naming_the_field() -> None:
    document = {"results": [{"node": {"unique_id": "test.a.b"}, "status": 0.5}], "elapsed_time": 1.0}
    with pytest.raises(Exception, match=r"results\[0\]\.status is a JSON number"):
        read_artifact("run_results.json", orjson.dumps(document))


@pytest.mark.parametrize("path", [FRESHNESS_MAP, FRESHNESS_RESULTS], ids=["written-map", "result-object"])
def test_old_freshness_files_read_with_the_node_id_where_that_version_kept_it(path: Path) -> None:
    sources = _read(path)
    assert isinstance(sources, Sources) and sources.metadata.schema_version == "pre-v1"
    assert {r.unique_id: r.status for r in sources.results} == EXPECTED_FRESHNESS
    orders = next(r for r in sources.results if r.unique_id.endswith(".orders"))
    assert (orders.age_seconds, orders.criteria["warn_after"]) == (50742.871322, {"count": 12, "period": "hour"})
    failed = next(r for r in sources.results if r.status == "runtime error")
    assert failed.error is not None and "does not exist" in failed.error and failed.max_loaded_at is None
    assert (sources.metadata.generated_at, sources.elapsed_time) == ("2020-11-02T10:20:05.118732Z", 1.0247)


def test_a_result_object_whose_first_source_failed_is_still_a_freshness_file() -> None:
    document = orjson.loads(FRESHNESS_RESULTS.read_bytes())
    document["results"].reverse()  # the failed one first: no max_loaded_at, no criteria to recognise it by
    assert detect("sources.json", document) == (ArtifactKind.SOURCES, "pre-v1")


# --- the ingest use case ----------------------------------------------------------------------------------


async def test_old_test_results_and_freshness_ingest_onto_the_graph(app: Services, scope: TenantScope) -> None:
    access = Access.system(scope)
    target = IngestTarget("jaffle", "prod")
    await app.ingest.ingest(access, target, [ArtifactFile("manifest.json", MANIFEST.read_bytes())])
    for path in (TEST_RUN, FRESHNESS_MAP, FRESHNESS_RESULTS):
        report = await app.ingest.ingest(access, target, [ArtifactFile(path.name, path.read_bytes())])
        assert not [w for w in report.warnings if "does not hold" in w], report.warnings
    environment = await app.tenancy.environment(access, "jaffle", "prod")
    invocations = (await app.graph.invocations(access, environment.id, None, 10)).items
    assert len(invocations) == 3  # one per file: old files get an invocation id from their content
    results = await app.graph.results_of(access, [i.id for i in invocations])
    assert all(r.known for r in results)
    assert {r.unique_id.removeprefix("test.jaffle_shop."): (r.status, r.failures) for r in results} == EXPECTED_TESTS
    freshness = await app.graph.freshness_of(access, [i.id for i in invocations])
    assert sorted((f.unique_id, f.status) for f in freshness) == sorted([*EXPECTED_FRESHNESS.items()] * 2)
