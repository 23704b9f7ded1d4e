"""What the artifact-reader tests share: the fixtures in ../shared, and hand-made documents."""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

import orjson
import pytest

from dvt.adapters.artifacts.readers import read_artifact
from dvt.domain.errors import ArtifactError
from dvt.domain.graph.model import (
    Artifact,
    ArtifactKind,
    GraphNode,
    Manifest,
)

# Read in place, never copied into the repo. A missing folder fails collection: nothing is skipped.
FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "dbt-artifacts"
INDEX_ROWS: list[dict[str, str]] = list(
    csv.DictReader((FIXTURES / "INDEX.tsv").read_text(encoding="utf-8").splitlines(), delimiter="\t")
)
WELL_FORMED = [row for row in INDEX_ROWS if not row["notes"].startswith("MALFORMED")]
MANIFEST_ROWS = [row for row in WELL_FORMED if row["artifact"] == "manifest"]
KIND_BY_INDEX_NAME = {
    "manifest": ArtifactKind.MANIFEST,
    "run-results": ArtifactKind.RUN_RESULTS,
    "catalog": ArtifactKind.CATALOG,
    "sources": ArtifactKind.SOURCES,
}
TUVA_MANIFESTS = [row["file"] for row in MANIFEST_ROWS if row["file"].startswith("tuva-health__tuva/")]
WINDOWS_MANIFESTS = TUVA_MANIFESTS + [
    row["file"] for row in MANIFEST_ROWS if row["file"].startswith("IntegrityEnergy__")
]
JAFFLE_V12_MANIFESTS = [
    row["file"]
    for row in MANIFEST_ROWS
    if row["file"].startswith("yu-iskw__") and "jaffle_shop" in row["file"] and row["dbt_schema_version"] == "v12"
]
STATE_V12 = "dbt-labs__dbt-core/manifest__state_v12.json"
SCHEMA_URL = "https://schemas.getdbt.com/dbt/{}/{}.json"


def _ids(rows: list[dict[str, str]]) -> list[str]:
    return [row["file"] for row in rows]


@functools.cache
def _read(file: str) -> Artifact:
    return read_artifact(file, (FIXTURES / file).read_bytes())


def _manifest(file: str) -> Manifest:
    artifact = _read(file)
    assert isinstance(artifact, Manifest)
    return artifact


def _raw(file: str) -> Any:
    return orjson.loads((FIXTURES / file).read_bytes())


def _count(cell: str) -> int:
    return int(cell) if cell else 0


def _notes(row: dict[str, str]) -> dict[str, str]:
    return dict(part.split("=", 1) for part in row["notes"].split(";") if "=" in part)


def _by_id(manifest: Manifest) -> dict[str, GraphNode]:
    return {node.unique_id: node for node in manifest.nodes}


def _refusal(document: Any, file_name: str = "upload.json") -> ArtifactError:
    data = document if isinstance(document, bytes) else orjson.dumps(document)
    with pytest.raises(ArtifactError) as info:
        read_artifact(file_name, data)
    return info.value


def _model(unique_id: str, **fields: Any) -> dict[str, Any]:
    name = unique_id.rsplit(".", 1)[-1]
    node: dict[str, Any] = {
        "unique_id": unique_id,
        "resource_type": "model",
        "name": name,
        "package_name": "shop",
        "original_file_path": f"models/{name}.sql",
        "fqn": ["shop", name],
        "config": {"materialized": "view"},
        "depends_on": {"macros": [], "nodes": []},
    }
    node.update(fields)
    return node


def _manifest_doc(*nodes: dict[str, Any], version: str = "v12", **sections: Any) -> dict[str, Any]:
    return {
        "metadata": {"dbt_schema_version": SCHEMA_URL.format("manifest", version), "dbt_version": "1.9.0"},
        "nodes": {node["unique_id"]: node for node in nodes},
        "sources": {},
        "macros": {},
        **sections,
    }


def _read_doc(document: dict[str, Any]) -> Any:
    return read_artifact("upload.json", orjson.dumps(document))


def _run_results(results: list[Any], version: str = "v6", **top: Any) -> dict[str, Any]:
    return {
        "metadata": {"dbt_schema_version": SCHEMA_URL.format("run-results", version)},
        "results": results,
        "elapsed_time": 1.5,
        **top,
    }
