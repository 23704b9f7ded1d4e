"""The artifact readers against the real dbt artifacts in ../shared/fixtures/dbt-artifacts."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import orjson
import pytest

from dvt.adapters.artifacts.readers import open_artifact, read_artifact
from dvt.domain.errors import ArtifactError
from dvt.domain.graph.model import (
    Catalog,
    Manifest,
    OpenManifest,
    RunResults,
    Sources,
)
from tests.unit.artifact_documents import (
    FIXTURES,
    INDEX_ROWS,
    JAFFLE_V12_MANIFESTS,
    KIND_BY_INDEX_NAME,
    MANIFEST_ROWS,
    STATE_V12,
    WELL_FORMED,
    WINDOWS_MANIFESTS,
    _by_id,
    _count,
    _ids,
    _manifest,
    _manifest_doc,
    _model,
    _notes,
    _raw,
    _read,
    _read_doc,
    _run_results,
)

# --- Every fixture, against INDEX.tsv --------------------------------------------------------------------


def test_index_lists_every_fixture_file() -> None:
    on_disk = {str(path.relative_to(FIXTURES)) for path in FIXTURES.rglob("*.json")}
    assert on_disk == {row["file"] for row in INDEX_ROWS}


@pytest.mark.parametrize("row", INDEX_ROWS, ids=_ids(INDEX_ROWS))
def test_fixture_reads_as_the_kind_and_schema_version_the_index_states(row: dict[str, str]) -> None:
    if row["notes"].startswith("MALFORMED"):
        with pytest.raises(ArtifactError) as info:
            read_artifact(row["file"], (FIXTURES / row["file"]).read_bytes())
        assert row["file"] in str(info.value)
        assert "empty" in str(info.value)
        return
    metadata = _read(row["file"]).metadata
    assert (metadata.kind, metadata.schema_version) == (
        KIND_BY_INDEX_NAME[row["artifact"]],
        row["dbt_schema_version"],
    )
    assert (metadata.dbt_version, metadata.generated_at) == (row["dbt_version"], row["generated_at"])


@pytest.mark.parametrize("row", WELL_FORMED, ids=_ids(WELL_FORMED))
def test_fixture_counts_equal_the_index(row: dict[str, str]) -> None:
    artifact = _read(row["file"])
    stated: tuple[int, ...]
    expected: tuple[int, ...]
    if isinstance(artifact, Manifest):
        stated = (artifact.counts["nodes"], artifact.counts["sources"], artifact.counts["exposures"])
        expected = (_count(row["node_count"]), _count(row["sources_count"]), _count(row["exposures_count"]))
    elif isinstance(artifact, Catalog):
        stated = (
            sum(not entry.is_source for entry in artifact.entries),
            sum(entry.is_source for entry in artifact.entries),
        )
        expected = (_count(row["node_count"]), _count(row["sources_count"]))
    else:
        assert isinstance(artifact, RunResults | Sources)
        stated, expected = (len(artifact.results),), (_count(row["node_count"]),)
    assert stated == expected


@pytest.mark.parametrize("row", MANIFEST_ROWS, ids=_ids(MANIFEST_ROWS))
def test_manifest_node_types_equal_the_index_notes(row: dict[str, str]) -> None:
    manifest = _manifest(row["file"])
    from_nodes_map = manifest.nodes[: manifest.counts["nodes"]]
    expected = {kind: int(n) for kind, n in (p.split(":") for p in _notes(row)["types"].split(","))}
    assert Counter(node.resource_type for node in from_nodes_map) == expected


@pytest.mark.parametrize("row", MANIFEST_ROWS, ids=_ids(MANIFEST_ROWS))
def test_manifest_section_counts_equal_the_index_notes_and_the_nodes_read(row: dict[str, str]) -> None:
    manifest = _manifest(row["file"])
    types = Counter(node.resource_type for node in manifest.nodes)
    notes = _notes(row)
    for section, resource_type in [
        ("metrics", "metric"),
        ("semantic_models", "semantic_model"),
        ("saved_queries", "saved_query"),
        ("unit_tests", "unit_test"),
    ]:
        assert manifest.counts[section] == int(notes.get(section, 0)) == types[resource_type], section
    assert types["source"] == manifest.counts["sources"]
    assert len(manifest.nodes) == sum(manifest.counts.values())


# --- Windows checkouts -------------------------------------------------------------------------------------


def test_windows_fixtures_do_hold_backslash_paths_and_crlf_code() -> None:
    raw_nodes = [node for file in WINDOWS_MANIFESTS for node in _raw(file)["nodes"].values()]
    assert any("\\" in node["original_file_path"] for node in raw_nodes)
    assert any("\r\n" in (node.get("raw_code") or node.get("raw_sql") or "") for node in raw_nodes)


@pytest.mark.parametrize("file", WINDOWS_MANIFESTS)
def test_paths_written_on_windows_read_with_forward_slashes(file: str) -> None:
    paths = [node.path for node in _manifest(file).nodes if node.path]
    assert paths
    assert not [path for path in paths if "\\" in path]


@pytest.mark.parametrize("file", WINDOWS_MANIFESTS)
def test_crlf_in_raw_code_reads_as_lf(file: str) -> None:
    codes = [node.raw_code for node in _manifest(file).nodes if node.raw_code]
    assert codes
    assert not [code for code in codes if "\r" in code]


def test_crlf_in_descriptions_and_compiled_code_reads_as_lf() -> None:
    node = _model(
        "model.shop.a",
        description="line one\r\nline two",
        compiled_code="select 1\r\nfrom x",
        columns={"id": {"name": "id", "description": "the\r\nkey"}},
    )
    (read,) = _read_doc(_manifest_doc(node)).nodes
    assert (read.description, read.compiled_code) == ("line one\nline two", "select 1\nfrom x")
    assert read.columns[0].description == "the\nkey"


# --- Tests and what they test ------------------------------------------------------------------------------


@pytest.mark.parametrize("file", JAFFLE_V12_MANIFESTS)
def test_every_dependency_of_a_test_is_in_the_manifest(file: str) -> None:
    manifest = _manifest(file)
    known = set(_by_id(manifest))
    tests = [node for node in manifest.nodes if node.resource_type == "test"]
    assert tests
    assert {parent for test in tests for parent in test.depends_on} <= known


@pytest.mark.parametrize("file", JAFFLE_V12_MANIFESTS)
def test_generic_tests_name_the_node_they_test(file: str) -> None:
    manifest = _manifest(file)
    generic = [node for node in manifest.nodes if node.resource_type == "test" and node.test_metadata]
    assert generic
    for test in generic:
        assert test.tested_node in _by_id(manifest)
        assert test.tested_node in test.depends_on


def test_generic_test_without_attached_node_tests_its_single_dependency() -> None:
    manifest = _manifest("yu-iskw__dbt-artifacts-parser/manifest__v1__jaffle_shop.json")
    nodes = _by_id(manifest)
    assert nodes["test.jaffle_shop.unique_stg_customers_customer_id"].tested_node == ("model.jaffle_shop.stg_customers")
    relationships = "test.jaffle_shop.relationships_fct_orders_customer_id__customer_id__ref_dim_customers_"
    assert nodes[relationships].tested_node is None  # two models, no attached_node: dbt does not say which


def test_singular_test_tests_no_node_unless_dbt_attaches_one() -> None:
    assert _by_id(_manifest(STATE_V12))["test.test.just_my"].tested_node is None


def test_unit_test_tests_its_model() -> None:
    manifest = _manifest("yu-iskw__dbt-artifacts-parser/manifest_1.12__v12__jaffle_shop.json")
    unit_tests = [node for node in manifest.nodes if node.resource_type == "unit_test"]
    assert unit_tests
    for unit_test in unit_tests:
        assert unit_test.tested_node == f"model.jaffle_shop.{unit_test.extra['model']}"


# --- Manifest fields --------------------------------------------------------------------------------------


def test_manifest_metadata_is_read() -> None:
    metadata = _manifest("yu-iskw__dbt-artifacts-parser/manifest_1.12__v12__jaffle_shop.json").metadata
    assert metadata.invocation_id == "24ad943b-c71e-497c-be0b-d037a3c525ad"
    assert (metadata.adapter_type, metadata.project_name) == ("duckdb", "jaffle_shop")


def test_manifest_lists_the_nodes_map_first_in_file_order() -> None:
    manifest = _manifest(STATE_V12)
    raw = _raw(STATE_V12)
    expected = [
        uid for section in ("nodes", "sources", "exposures", "metrics", "semantic_models") for uid in raw[section]
    ]
    assert [node.unique_id for node in manifest.nodes] == expected


def test_counts_list_every_section_and_functions_only_when_there_are_some() -> None:
    empty = _manifest(STATE_V12)  # has an empty `functions` map
    assert set(empty.counts) == {
        "nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests",
    }  # fmt: skip
    function = {"unique_id": "function.shop.double", "resource_type": "function", "name": "double"}
    manifest = _read_doc(_manifest_doc(functions={"function.shop.double": function}))
    assert manifest.counts["functions"] == 1
    assert [node.resource_type for node in manifest.nodes] == ["function"]


def test_selectors_are_kept_as_the_manifest_holds_them() -> None:
    selectors = {"nightly": {"name": "nightly", "definition": {"method": "tag", "value": "nightly"}}}
    assert _read_doc(_manifest_doc(selectors=selectors)).selectors == selectors


def test_model_fields_are_normalised() -> None:
    model = _manifest(STATE_V12).nodes[0]
    assert (model.unique_id, model.resource_type, model.name, model.package_name) == (
        "model.test.my_model", "model", "my_model", "test",
    )  # fmt: skip
    assert (model.path, model.fqn, model.materialized, model.language) == (
        "models/my_model.sql", ("test", "my_model"), "view", "sql",
    )  # fmt: skip
    assert (model.description, model.access, model.raw_code, model.alias) == (
        "Example model", "protected", "select 1 as id", "my_model",
    )  # fmt: skip
    assert model.checksum == "3ea0f972fa1b56aa2dc2f56ee784b6a5796312f9a813d59ae70fd8855f10d16d"
    assert model.relation_name == '"dbt"."test17594237163467600387_test_previous_version_state"."my_model"'
    assert [(c.name, c.data_type, c.description) for c in model.columns] == [("id", None, "")]
    assert model.config["materialized"] == "view"


def test_v1_to_v6_raw_sql_and_compiled_sql_read_as_code() -> None:
    manifest = _manifest("fivetran__dbt_hubspot/manifest__2021-04-09_dbt0.19.1.json")
    models = [node for node in manifest.nodes if node.resource_type == "model"]
    assert all(node.raw_code and node.language == "sql" for node in models)
    compiled = _read_doc(
        _manifest_doc(_model("model.shop.a", raw_sql="select 1", compiled_sql="select 1"), version="v5")
    )
    assert (compiled.nodes[0].raw_code, compiled.nodes[0].compiled_code) == ("select 1", "select 1")


def test_source_reads_identifier_as_alias_and_keeps_freshness() -> None:
    source = _by_id(_manifest(STATE_V12))["source.test.my_source.my_table"]
    assert (source.resource_type, source.alias, source.path) == ("source", "my_seed", "models/schema.yml")
    assert source.extra["source_name"] == "my_source"
    assert source.extra["loader"] == "a_loader"
    assert source.extra["freshness"]["warn_after"] == {"count": None, "period": None}


def test_exposure_reads_owner_and_dependencies() -> None:
    exposure = _by_id(_manifest(STATE_V12))["exposure.test.simple_exposure"]
    assert exposure.owner == "something@example.com"  # owner.name is null
    assert exposure.extra["type"] == "dashboard"
    assert exposure.extra["owner"] == {"email": "something@example.com", "name": None}
    assert exposure.depends_on == ("source.test.my_source.my_table", "model.test.my_model")


def test_metrics_and_semantic_models_keep_their_inputs() -> None:
    nodes = _by_id(_manifest(STATE_V12))
    metric = nodes["metric.test.blue_customers_post_2010"]
    assert metric.depends_on == ("semantic_model.test.semantic_people",)
    assert (metric.extra["type"], metric.extra["label"]) == ("simple", "Blue Customers since 2010")
    semantic_model = nodes["semantic_model.test.semantic_people"]
    assert semantic_model.depends_on == ("model.test.my_model",)
    assert semantic_model.extra["entities"] == ["id"]
    assert semantic_model.description == ""  # null in the file


def test_saved_queries_depend_on_their_metrics() -> None:
    manifest = _manifest("yu-iskw__dbt-artifacts-parser/manifest_1.12__v12__jaffle_shop.json")
    saved_query = _by_id(manifest)["saved_query.jaffle_shop.customer_order_metrics"]
    assert saved_query.depends_on == (
        "metric.jaffle_shop.count_lifetime_orders",
        "metric.jaffle_shop.lifetime_spend_pretax",
        "metric.jaffle_shop.average_order_value",
    )
    assert saved_query.extra["exports"] == ["customer_order_metrics"]


def test_unknown_resource_types_are_kept_as_written() -> None:
    node = _model("widget.shop.w", resource_type="widget")
    assert _read_doc(_manifest_doc(node)).nodes[0].resource_type == "widget"


def test_versions_read_as_text_and_contracts_from_contract_or_config() -> None:
    first = _model("model.shop.a.v2", version=2, latest_version=2, contract={"enforced": True})
    second = _model("model.shop.b", config={"contract": {"enforced": True}})
    third = _model("model.shop.c", contract={"enforced": False})
    a, b, c = _read_doc(_manifest_doc(first, second, third)).nodes
    assert (a.version, a.latest_version) == ("2", "2")
    assert (a.contract_enforced, b.contract_enforced, c.contract_enforced) == (True, True, False)


def test_meta_falls_back_to_config_meta_and_names_the_owner() -> None:
    node = _model("model.shop.a", meta={}, config={"meta": {"owner": "finance", "tier": 1}})
    read = _read_doc(_manifest_doc(node)).nodes[0]
    assert (read.meta, read.owner) == ({"owner": "finance", "tier": 1}, "finance")


def test_dependencies_are_deduplicated_in_order() -> None:
    node = _model("model.shop.c", depends_on={"nodes": ["model.shop.b", "model.shop.a", "model.shop.b"]})
    assert _read_doc(_manifest_doc(node)).nodes[0].depends_on == ("model.shop.b", "model.shop.a")


def test_node_without_depends_on_has_no_parents() -> None:
    node = _model("seed.shop.s", resource_type="seed")
    del node["depends_on"]
    assert _read_doc(_manifest_doc(node)).nodes[0].depends_on == ()


# --- What comparing two versions needs: unrendered config, contract checksum, macros, fingerprint ----------


def test_unrendered_config_and_contract_checksum_are_read() -> None:
    node = _model(
        "model.shop.a", unrendered_config={"materialized": "table"}, contract={"enforced": True, "checksum": "abc"}
    )
    read = _read_doc(_manifest_doc(node)).nodes[0]
    assert (read.unrendered_config, read.contract_checksum) == ({"materialized": "table"}, "abc")


def test_macros_read_as_the_checksum_of_their_sql_and_the_macros_they_call() -> None:
    macro = {
        "macro_sql": "{% macro m() %}1{% endmacro %}",
        "package_name": "shop",
        "depends_on": {"macros": ["macro.shop.n"]},
    }
    read = _read_doc(_manifest_doc(macros={"macro.shop.m": macro})).macros["macro.shop.m"]
    expected = hashlib.sha256(b"{% macro m() %}1{% endmacro %}").hexdigest()
    assert (read.checksum, read.depends_on_macros, read.package_name) == (expected, ("macro.shop.n",), "shop")


@pytest.mark.parametrize("row", MANIFEST_ROWS, ids=_ids(MANIFEST_ROWS))
def test_every_macro_of_a_fixture_is_read(row: dict[str, str]) -> None:
    raw_macros = _raw(row["file"]).get("macros") or {}
    assert set(_manifest(row["file"]).macros) == set(raw_macros)


def test_sources_keep_their_quoting_and_unrendered_database_and_schema() -> None:
    source = _by_id(_manifest("yu-iskw__dbt-artifacts-parser/manifest_1.11__v12__jaffle_shop.json"))
    raw = next(iter(_raw("yu-iskw__dbt-artifacts-parser/manifest_1.11__v12__jaffle_shop.json")["sources"].values()))
    extra = source[raw["unique_id"]].extra
    assert (extra.get("unrendered_schema"), extra.get("quoting")) == (raw["unrendered_schema"], raw["quoting"] or None)


def test_semantic_models_and_saved_queries_carry_a_checksum_of_what_dbt_compares() -> None:
    manifest = _manifest("yu-iskw__dbt-artifacts-parser/manifest_1.12__v12__jaffle_shop.json")
    kinds = {n.resource_type for n in manifest.nodes if "definition_checksum" in n.extra}
    assert kinds == {"semantic_model", "saved_query"}


def test_two_reads_of_a_manifest_give_the_same_fingerprints() -> None:
    data = (FIXTURES / STATE_V12).read_bytes()
    first, second = read_artifact("a.json", data), read_artifact("b.json", data)
    assert isinstance(first, Manifest) and isinstance(second, Manifest)
    assert [n.fingerprint for n in first.nodes] == [n.fingerprint for n in second.nodes]


def test_a_nodes_fingerprint_leaves_out_its_parse_time() -> None:
    first = _read_doc(_manifest_doc(_model("model.shop.a", created_at=1.0))).nodes[0]
    assert first.fingerprint == _read_doc(_manifest_doc(_model("model.shop.a", created_at=2.0))).nodes[0].fingerprint


@pytest.mark.parametrize(
    "fields",
    [
        {"raw_code": "select 2"},
        {"description": "changed"},
        {"unrendered_config": {"materialized": "table"}},
        {"columns": {"id": {"name": "id", "description": "d"}}},
        {"tags": ["x"]},
        {"contract": {"enforced": True, "checksum": "k"}},
        {"config": {"materialized": "table"}},
    ],
)
def test_a_nodes_fingerprint_changes_with_what_a_diff_reads(fields: dict[str, Any]) -> None:
    first = _read_doc(_manifest_doc(_model("model.shop.a", raw_code="select 1"))).nodes[0]
    changed = _read_doc(_manifest_doc(_model("model.shop.a", **{"raw_code": "select 1", **fields}))).nodes[0]
    assert first.fingerprint != changed.fingerprint


def test_a_nodes_fingerprint_leaves_out_its_rendered_config_but_materialized() -> None:
    first = _read_doc(_manifest_doc(_model("model.shop.a", config={"materialized": "view", "on_schema_change": "a"})))
    second = _read_doc(_manifest_doc(_model("model.shop.a", config={"materialized": "view", "on_schema_change": "b"})))
    assert first.nodes[0].fingerprint == second.nodes[0].fingerprint


@pytest.mark.parametrize("row", MANIFEST_ROWS, ids=_ids(MANIFEST_ROWS))
def test_each_nodes_document_is_the_node_as_orjson_writes_it(row: dict[str, str]) -> None:
    """Encoded once while reading, in parts: stored, it must read back as the node itself."""
    opened = open_artifact(row["file"], (FIXTURES / row["file"]).read_bytes())
    assert isinstance(opened, OpenManifest)
    stored = opened.read_nodes(0, opened.node_count)
    assert [s.document for s in stored] == [orjson.dumps(node) for node in opened.graph_nodes()]


# --- Run results, catalog, sources ------------------------------------------------------------------------


def test_run_results_read_execute_timing_command_and_rows_affected() -> None:
    run = _read("OpenLineage__OpenLineage/run_results__build.json")
    assert isinstance(run, RunResults)
    first = run.results[0]
    assert (run.command, first.unique_id, first.status) == (
        "build",
        "model.dbt_bigquery_test.test_first_dbt_model",
        "success",
    )
    assert (first.started_at, first.completed_at) == (
        "2021-11-09T14:20:01.028876Z",
        "2021-11-09T14:20:04.470460Z",
    )
    assert (first.rows_affected, first.thread_id) == (2, "Thread-1")
    assert first.adapter_response["code"] == "CREATE TABLE"
    assert run.elapsed_time is not None


def test_run_results_failures_and_messages_are_read() -> None:
    run = _read("taylorterwin__dbt-fundamentals/run_results__2022-09-20_dbt1.0.8_fail.json")
    assert isinstance(run, RunResults)
    failed = [result for result in run.results if result.status == "fail"]
    assert len(failed) == 1
    assert failed[0].failures and failed[0].failures > 0
    assert failed[0].message


def test_run_results_without_execute_timing_span_first_to_last_step() -> None:
    timing = [
        {"name": "compile", "started_at": "t1", "completed_at": "t2"},
        {"name": "load", "started_at": "t3", "completed_at": "t4"},
    ]
    result = {"unique_id": "model.a.b", "status": "Success", "timing": timing}
    run = _read_doc(_run_results([result], args={"rpc_method": "run"}))
    assert (run.results[0].started_at, run.results[0].completed_at) == ("t1", "t4")
    assert run.results[0].status == "success"
    assert run.command == "run"


def test_old_run_results_take_unique_id_from_the_nested_node() -> None:
    result = {"node": {"unique_id": "model.a.b", "resource_type": "model"}, "status": "success", "timing": []}
    run = _read_doc(_run_results([result], version="v1"))
    assert run.results[0].unique_id == "model.a.b"
    assert run.command is None


def test_catalog_entries_carry_columns_stats_type_and_owner() -> None:
    catalog = _read("tuva-health__tuva/catalog__2025-06-24_dbt1.9.4.json")
    assert isinstance(catalog, Catalog)
    entry = catalog.entries[0]
    assert (entry.unique_id, entry.is_source) == ("seed.the_tuva_project.terminology__snomed_ct", False)
    assert (entry.relation_type, entry.owner) == ("BASE TABLE", "ACCOUNTADMIN")
    assert [(c.name, c.data_type, c.index) for c in entry.columns[:2]] == [
        ("SNOMED_CT", "TEXT", 1),
        ("DESCRIPTION", "TEXT", 2),
    ]
    assert entry.stats["bytes"]["value"] == 17523712
    assert catalog.errors == ()


def test_catalog_sources_are_marked_as_sources() -> None:
    catalog = _read("yu-iskw__dbt-artifacts-parser/catalog_1.12__v1__jaffle_shop.json")
    assert isinstance(catalog, Catalog)
    sources = [entry for entry in catalog.entries if entry.is_source]
    assert sources
    assert all(entry.unique_id.startswith("source.") for entry in sources)


def test_sources_v1_read_without_timing() -> None:
    sources = _read("Magnus-PS__dbt-learn/sources__2021-06-28_dbt0.19.1_warn.json")
    assert isinstance(sources, Sources)
    (freshness,) = sources.results
    assert (freshness.unique_id, freshness.status) == ("source.jaffle_shop.jaffle_shop.orders", "warn")
    assert (freshness.max_loaded_at, freshness.snapshotted_at) == (
        "2021-06-27T21:21:50.684767+00:00", "2021-06-28T13:21:50.684767+00:00",
    )  # fmt: skip
    assert (freshness.age_seconds, freshness.execution_time) == (57600.0, None)
    assert freshness.criteria["warn_after"] == {"count": 12, "period": "hour"}


def test_sources_runtime_errors_keep_the_error_text() -> None:
    sources = _read("analyticsengineersclub__aec-hannah-dbt/sources__2022-03-01_dbt1.0.3_error_runtime_error.json")
    assert isinstance(sources, Sources)
    failed = sources.results[1]
    assert (failed.status, failed.max_loaded_at) == ("runtime error", None)
    assert failed.error and "Unrecognized name" in failed.error
    assert sources.results[0].execution_time is not None


def test_dbt_fusion_status_is_lower_cased() -> None:
    sources = _read("e-elikem__dbt_fundamentals/sources__2026-07-16_dbt-fusion-2.0.0-preview.199_Pass.json")
    assert isinstance(sources, Sources)
    assert [result.status for result in sources.results] == ["pass"]
