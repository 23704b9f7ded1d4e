"""Detecting an artifact's kind and version, and refusing each way an upload can be wrong."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from dvt.adapters.artifacts.readers import detect, read_artifact
from dvt.domain.errors import ArtifactError
from dvt.domain.graph.model import (
    ArtifactKind,
    Manifest,
)
from tests.unit.artifact_documents import (
    FIXTURES,
    SCHEMA_URL,
    STATE_V12,
    _manifest_doc,
    _model,
    _raw,
    _read_doc,
    _refusal,
    _run_results,
)

# --- Detection --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema_name", "version", "kind"),
    [
        ("manifest", "v12", ArtifactKind.MANIFEST),
        ("run-results", "v6", ArtifactKind.RUN_RESULTS),
        ("catalog", "v1", ArtifactKind.CATALOG),
        ("sources", "v3", ArtifactKind.SOURCES),
    ],
)
def test_detect_reads_kind_and_version_from_the_schema_url(schema_name: str, version: str, kind: ArtifactKind) -> None:
    document = {"metadata": {"dbt_schema_version": SCHEMA_URL.format(schema_name, version)}}
    assert detect("x.json", document) == (kind, version)


PRE_V1_DOCUMENTS: dict[ArtifactKind, dict[str, Any]] = {
    ArtifactKind.MANIFEST: {
        "nodes": {},
        "macros": {},
        "parent_map": {},
        "generated_at": "2020-01-01T00:00:00Z",
    },
    ArtifactKind.RUN_RESULTS: {
        "results": [{"node": {"unique_id": "model.a.b"}, "status": None, "execution_time": 0.1, "timing": []}],
        "elapsed_time": 1.0,
        "generated_at": "2020-01-01T00:00:00Z",
    },
    ArtifactKind.CATALOG: {
        "nodes": {"model.a.b": {"metadata": {"type": "VIEW"}, "columns": {}, "stats": {}, "unique_id": "model.a.b"}},
        "sources": {},
        "generated_at": "2020-01-01T00:00:00Z",
    },
    ArtifactKind.SOURCES: {
        "results": [{"unique_id": "source.a.b.c", "max_loaded_at": "t", "status": "pass", "criteria": {}}],
        "elapsed_time": 1.0,
    },
}


@pytest.mark.parametrize("kind", list(PRE_V1_DOCUMENTS))
def test_files_without_a_schema_version_are_detected_by_their_keys(kind: ArtifactKind) -> None:
    assert detect("x.json", PRE_V1_DOCUMENTS[kind]) == (kind, "pre-v1")
    artifact = _read_doc(PRE_V1_DOCUMENTS[kind])
    assert (artifact.metadata.kind, artifact.metadata.generated_at) == (
        kind, PRE_V1_DOCUMENTS[kind].get("generated_at"),
    )  # fmt: skip


def test_pre_v1_freshness_map_reads_state_as_status() -> None:
    document = {
        "meta": {"generated_at": "2020-01-01T00:00:00Z", "elapsed_time": 2.0},
        "sources": {"source.a.b.c": {"max_loaded_at": "t", "snapshotted_at": "u", "state": "warn", "criteria": {}}},
    }
    sources = _read_doc(document)
    assert [(r.unique_id, r.status) for r in sources.results] == [("source.a.b.c", "warn")]
    assert (sources.metadata.schema_version, sources.elapsed_time) == ("pre-v1", 2.0)


def test_utf8_byte_order_mark_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + orjson.dumps(_manifest_doc(_model("model.shop.a")))
    manifest = read_artifact("manifest.json", data)
    assert isinstance(manifest, Manifest)
    assert manifest.counts["nodes"] == 1


# --- Refusals: each names the file and says what is wrong -------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \r\n\t"])
def test_empty_file_is_refused_as_empty(data: bytes) -> None:
    error = _refusal(data, "manifest.json")
    assert str(error).startswith("manifest.json: ")
    assert "file is empty" in error.problem


def test_truncated_json_is_refused_with_the_position_orjson_reports() -> None:
    data = (FIXTURES / STATE_V12).read_bytes()
    error = _refusal(data[:5000], "manifest.json")
    assert error.problem.startswith("not valid JSON: ")
    assert "line 1 column" in error.problem


@pytest.mark.parametrize("cut", [1, 2, 100, 2000, -2, -1])
def test_any_truncation_is_refused_as_invalid_json(cut: int) -> None:
    data = (FIXTURES / "OpenLineage__OpenLineage/run_results__duckdb.json").read_bytes()
    assert _refusal(data[:cut]).problem.startswith("not valid JSON")


def test_git_merge_conflict_markers_are_named_with_their_line() -> None:
    data = b'{\n<<<<<<< HEAD\n  "nodes": {}\n=======\n  "nodes": {"a": 1}\n>>>>>>> feature\n}\n'
    error = _refusal(data)
    assert "merge-conflict markers" in error.problem
    assert "line 2: '<<<<<<< HEAD'" in error.problem


def test_equals_signs_inside_a_json_string_are_not_a_conflict() -> None:
    node = _model("model.shop.a", description="Title\n=======\nbody")
    assert _read_doc(_manifest_doc(node)).nodes[0].description == "Title\n=======\nbody"


def test_utf16_file_is_refused_with_the_reason() -> None:
    assert "UTF-16" in _refusal('{"nodes": {}}'.encode("utf-16")).problem


@pytest.mark.parametrize(
    ("document", "json_type"),
    [(b"[]", "array"), (b'"manifest"', "string"), (b"42", "number"), (b"null", "null")],
)
def test_top_level_that_is_not_an_object_is_refused(document: bytes, json_type: str) -> None:
    assert _refusal(document).problem == f"top level is a JSON {json_type}, expected an object"


def test_document_with_no_schema_version_and_no_known_keys_is_an_unknown_kind() -> None:
    error = _refusal({"metadata": {}})
    assert error.problem.startswith("unknown artifact kind: no metadata.dbt_schema_version")
    assert "(metadata)" in error.problem


def test_unknown_kind_in_the_schema_url_is_refused() -> None:
    error = _refusal({"metadata": {"dbt_schema_version": SCHEMA_URL.format("semantic_manifest", "v1")}})
    assert error.problem.startswith("unknown artifact kind 'semantic_manifest'")


def test_schema_url_of_another_shape_is_refused() -> None:
    error = _refusal({"metadata": {"dbt_schema_version": "manifest twelve"}})
    assert "unrecognised metadata.dbt_schema_version 'manifest twelve'" in error.problem


@pytest.mark.parametrize(
    ("schema_name", "version", "supported"),
    [
        ("manifest", "v99", "manifest v1 to v12"),
        ("run-results", "v7", "run_results v1 to v6"),
        ("catalog", "v2", "catalog v1"),
    ],
)
def test_unsupported_schema_version_names_the_versions_read(schema_name: str, version: str, supported: str) -> None:
    error = _refusal({"metadata": {"dbt_schema_version": SCHEMA_URL.format(schema_name, version)}, "nodes": {}})
    assert error.schema_version == version
    assert error.problem.endswith(f"schema version {version}; DVT reads {supported}")


def test_manifest_without_nodes_is_refused() -> None:
    document = _manifest_doc()
    del document["nodes"]
    error = _refusal(document)
    assert (error.kind, error.schema_version, error.problem) == (
        "manifest",
        "v12",
        "missing required key 'nodes'",
    )
    assert str(error) == "upload.json (manifest, schema v12): missing required key 'nodes'"


def test_manifest_whose_nodes_is_a_list_is_refused() -> None:
    document = _manifest_doc()
    document["nodes"] = [_model("model.shop.a")]
    assert _refusal(document).problem == "'nodes' is a JSON array, expected an object"


def test_node_without_unique_id_is_refused_naming_its_key() -> None:
    node = _model("model.shop.a")
    del node["unique_id"]
    document = _manifest_doc()
    document["nodes"] = {"model.shop.a": node}
    assert _refusal(document).problem == "nodes['model.shop.a'] has no 'unique_id'"


def test_node_without_resource_type_is_refused_naming_its_key() -> None:
    node = _model("model.shop.a")
    del node["resource_type"]
    assert _refusal(_manifest_doc(node)).problem == "nodes['model.shop.a'] has no 'resource_type'"


def test_node_whose_depends_on_is_a_string_is_refused() -> None:
    node = _model("model.shop.a", depends_on="model.shop.b")
    assert _refusal(_manifest_doc(node)).problem.startswith("nodes['model.shop.a'].depends_on is a JSON string")


def test_dependency_that_is_not_a_string_is_refused() -> None:
    node = _model("model.shop.a", depends_on={"nodes": [{"id": "model.shop.b"}]})
    assert _refusal(_manifest_doc(node)).problem == (
        "nodes['model.shop.a'].depends_on.nodes holds a JSON object, expected strings"
    )


def test_run_results_without_results_is_refused() -> None:
    document = _run_results([])
    del document["results"]
    assert _refusal(document).problem == "missing required key 'results'"


def test_run_result_without_unique_id_is_refused_naming_its_index() -> None:
    assert _refusal(_run_results([{"status": "success"}])).problem == (
        "results[0] has no 'unique_id' (nor node.unique_id)"
    )


def test_catalog_whose_nodes_is_a_list_is_refused() -> None:
    document = {
        "metadata": {"dbt_schema_version": SCHEMA_URL.format("catalog", "v1")},
        "nodes": [],
        "sources": {},
    }
    assert _refusal(document).problem == "'nodes' is a JSON array, expected an object"


def test_freshness_result_without_status_is_refused() -> None:
    document = {
        "metadata": {"dbt_schema_version": SCHEMA_URL.format("sources", "v3")},
        "results": [{"unique_id": "s"}],
    }
    assert _refusal(document).problem == "results[0] has no 'status'"


# --- Nothing but ArtifactError, whatever the shape ---------------------------------------------------------

WRONG_VALUES: list[Any] = [None, "x", 7, 1.5, True, [], ["x"], [{"a": 1}], {}, {"a": [1]}]


def _mutations(entry: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(key, value) for key in entry for value in WRONG_VALUES]


def _read_or_refuse(document: dict[str, Any]) -> None:
    try:
        _read_doc(document)
    except ArtifactError as error:
        assert error.file == "upload.json"
        assert error.problem


@pytest.mark.parametrize("section", ["nodes", "sources", "exposures", "metrics", "semantic_models"])
def test_any_wrong_typed_manifest_field_reads_or_raises_artifact_error(section: str) -> None:
    raw = _raw(STATE_V12)
    key, entry = next(iter(raw[section].items()))
    for field, value in _mutations(entry):
        raw[section][key] = {**entry, field: value}
        _read_or_refuse(raw)


def test_any_wrong_typed_top_level_manifest_field_reads_or_raises_artifact_error() -> None:
    # Once, not once per section above: the document is read whole for each value, which is what costs.
    pristine = _raw(STATE_V12)
    for field in list(pristine):
        for value in WRONG_VALUES:
            _read_or_refuse({**pristine, field: value})


@pytest.mark.parametrize(
    ("file", "collection"),
    [
        ("yu-iskw__dbt-artifacts-parser/run_results__v6__jaffle_shop.json", "results"),
        ("Nigel-Brown__learn-dbt/sources__2022-10-13_dbt1.2.1_warn.json", "results"),
        ("yu-iskw__dbt-artifacts-parser/catalog_1.12__v1__jaffle_shop.json", "nodes"),
        ("yu-iskw__dbt-artifacts-parser/catalog_1.12__v1__jaffle_shop.json", "sources"),
    ],
)
def test_any_wrong_typed_result_field_reads_or_raises_artifact_error(file: str, collection: str) -> None:
    raw = _raw(file)
    entries = raw[collection]
    first = entries[0] if isinstance(entries, list) else next(iter(entries.values()))
    for field, value in _mutations(first):
        mutated = {**first, field: value}
        raw[collection] = [mutated] if isinstance(entries, list) else {"k": mutated}
        _read_or_refuse(raw)
    for field in list(raw):
        for value in WRONG_VALUES:
            _read_or_refuse({**_raw(file), field: value})
    for value in WRONG_VALUES:
        _read_or_refuse({**_raw(file), "metadata": {**_raw(file)["metadata"], "dbt_schema_version": value}})


@pytest.mark.parametrize("value", WRONG_VALUES)
def test_any_wrong_typed_macro_field_reads_or_raises_artifact_error(value: Any) -> None:
    macro = {"macro_sql": "select 1", "package_name": "shop", "depends_on": {"macros": []}}
    for field in (*macro, "depends_on.macros"):
        wrong = {**macro, field: value} if "." not in field else {**macro, "depends_on": {"macros": value}}
        _read_or_refuse(_manifest_doc(macros={"macro.shop.m": wrong}))
    _read_or_refuse(_manifest_doc(macros={"macro.shop.m": value}))
