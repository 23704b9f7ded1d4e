"""What every dbt artifact shares: bytes to document, kind and schema-version detection, metadata, and the
typed field access the readers use so that bad input always surfaces as an ArtifactError naming the file.

dbt stamps each artifact with `metadata.dbt_schema_version`, a URL such as
`https://schemas.getdbt.com/dbt/manifest/v12.json`; dbt Fusion writes the same URLs. Files written before
dbt 0.19 carry no such stamp and are recognised by their top-level keys (schema version "pre-v1").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from dvt.domain.errors import ArtifactError
from dvt.domain.graph.model import ArtifactKind, ArtifactMetadata

JsonDict = dict[str, Any]

PRE_V1 = "pre-v1"

SUPPORTED_VERSIONS: dict[ArtifactKind, tuple[str, ...]] = {
    ArtifactKind.MANIFEST: tuple(f"v{n}" for n in range(1, 13)),
    ArtifactKind.RUN_RESULTS: tuple(f"v{n}" for n in range(1, 7)),
    ArtifactKind.CATALOG: ("v1",),
    ArtifactKind.SOURCES: ("v1", "v2", "v3"),
}

# The path segment dbt uses in the schema URL, per kind.
_KIND_BY_SCHEMA_NAME: dict[str, ArtifactKind] = {
    "manifest": ArtifactKind.MANIFEST,
    "run-results": ArtifactKind.RUN_RESULTS,
    "run_results": ArtifactKind.RUN_RESULTS,
    "catalog": ArtifactKind.CATALOG,
    "sources": ArtifactKind.SOURCES,
}
_SCHEMA_URL = re.compile(r"/dbt/([A-Za-z0-9_-]+)/v(\d+)(?:\.\d+)*(?:\.json)?\s*$")
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_CONFLICT_MARKERS = (b"<<<<<<<", b"=======", b">>>>>>>")
_JSON_TYPE_NAMES: dict[type, str] = {
    dict: "object",
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for error messages."""
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def lf(text: str) -> str:
    """Text with CRLF (and lone CR) line endings turned into LF, so Windows checkouts read like any other."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def forward_slashes(path: str) -> str:
    return path.replace("\\", "/") if "\\" in path else path


def parse_document(file_name: str, data: bytes) -> JsonDict:
    """The artifact's top-level object, or an ArtifactError saying precisely why there is none."""
    if not data or data.isspace():
        raise ArtifactError(file_name, "file is empty: dbt writes a JSON object; upload the file dbt wrote")
    if data.startswith(_UTF16_BOMS):
        raise ArtifactError(
            file_name,
            "file is UTF-16 encoded (PowerShell's `>` does this); dbt writes UTF-8, copy the file as is",
        )
    payload: bytes | memoryview = memoryview(data)[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    try:
        document = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        # Conflict markers are looked for before orjson's message is reported, and only once parsing has
        # failed: a marker at a line start can never be valid JSON (a JSON string holds no raw newline), so
        # this finds every conflicted file and costs a valid one nothing.
        conflict = _conflict_marker_line(data)
        if conflict is not None:
            line_no, line = conflict
            raise ArtifactError(
                file_name,
                f"file contains git merge-conflict markers (line {line_no}: {line!r}); "
                "regenerate the artifact with dbt instead of merging it",
            ) from None
        raise ArtifactError(file_name, f"not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ArtifactError(file_name, f"top level is a JSON {json_type(document)}, expected an object")
    return document


def _conflict_marker_line(data: bytes) -> tuple[int, str] | None:
    """(line number, line) of the first git conflict marker at a line start. A raw newline cannot occur
    inside a JSON string, so a marker at a line start is never part of a valid document."""
    first = -1
    for marker in _CONFLICT_MARKERS:
        if data.startswith(marker):
            pos = 0
        else:
            found = data.find(b"\n" + marker)
            if found == -1:
                continue
            pos = found + 1
        first = pos if first == -1 else min(first, pos)
    if first == -1:
        return None
    end = data.find(b"\n", first)
    line = data[first : end if end != -1 else first + 80][:80].rstrip(b"\r")
    return data.count(b"\n", 0, first) + 1, line.decode("utf-8", "replace")


def detect(file_name: str, document: object) -> tuple[ArtifactKind, str]:
    """The artifact's kind and schema version ("v12", or "pre-v1" for files dbt did not stamp)."""
    if not isinstance(document, dict):
        raise ArtifactError(file_name, f"top level is a JSON {json_type(document)}, expected an object")
    metadata = document.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise ArtifactError(file_name, f"'metadata' is a JSON {json_type(metadata)}, expected an object")
    url = metadata.get("dbt_schema_version") if metadata else None
    if url is None:
        kind = _detect_pre_v1(document)
        if kind is None:
            keys = ", ".join(sorted(str(k) for k in document)[:12]) or "none"
            raise ArtifactError(
                file_name,
                "unknown artifact kind: no metadata.dbt_schema_version, and the top-level keys "
                f"({keys}) match no dbt artifact; DVT reads manifest, run_results, catalog and sources",
            )
        return kind, PRE_V1
    if not isinstance(url, str):
        raise ArtifactError(file_name, f"metadata.dbt_schema_version is a JSON {json_type(url)}, expected a schema URL")
    match = _SCHEMA_URL.search(url)
    if match is None:
        raise ArtifactError(
            file_name,
            f"unrecognised metadata.dbt_schema_version {url!r}: expected a URL like "
            "https://schemas.getdbt.com/dbt/manifest/v12.json",
        )
    schema_name, version = match.group(1), f"v{int(match.group(2))}"
    kind = _KIND_BY_SCHEMA_NAME.get(schema_name.lower())
    if kind is None:
        raise ArtifactError(
            file_name,
            f"unknown artifact kind {schema_name!r} (from {url}); DVT reads manifest, run_results, catalog and sources",
            kind=schema_name,
            schema_version=version,
        )
    supported = SUPPORTED_VERSIONS[kind]
    if version not in supported:
        listed = supported[0] if len(supported) == 1 else f"{supported[0]} to {supported[-1]}"
        raise ArtifactError(
            file_name,
            f"unsupported {kind.value} schema version {version}; DVT reads {kind.value} {listed}",
            kind=kind.value,
            schema_version=version,
        )
    return kind, version


def _first_value(mapping: object) -> object:
    if isinstance(mapping, dict):
        for value in mapping.values():
            return value
    return None


def _is_catalog_entry(value: object) -> bool:
    if not isinstance(value, dict) or "columns" not in value:
        return False
    metadata = value.get("metadata")
    return isinstance(metadata, dict) and "type" in metadata


def _detect_pre_v1(document: JsonDict) -> ArtifactKind | None:
    nodes = document.get("nodes")
    if isinstance(nodes, dict):
        if "macros" in document or "parent_map" in document:
            return ArtifactKind.MANIFEST
        sources = document.get("sources")
        if isinstance(sources, dict):
            samples = [v for v in (_first_value(nodes), _first_value(sources)) if v is not None]
            if all(_is_catalog_entry(v) for v in samples):
                return ArtifactKind.CATALOG
        return None
    results = document.get("results")
    if isinstance(results, list):
        first = results[0] if results else None
        if isinstance(first, dict) and ("max_loaded_at" in first or "criteria" in first or _is_source(first)):
            return ArtifactKind.SOURCES
        if "elapsed_time" in document and (
            first is None or (isinstance(first, dict) and ({"execution_time", "status", "node"} & first.keys()))
        ):
            return ArtifactKind.RUN_RESULTS
        return None
    # dbt 0.14-0.18 `source snapshot-freshness` wrote {"meta": ..., "sources": {unique_id: {...}}}; an entry
    # whose query failed holds only `error` and `state`.
    sample = _first_value(document.get("sources"))
    if isinstance(sample, dict) and ("max_loaded_at" in sample or "state" in sample):
        return ArtifactKind.SOURCES
    return None


def _is_source(result: JsonDict) -> bool:
    """A pre-v1 result object about a source (freshness results nest the node; a run never runs a source)."""
    node = result.get("node")
    return isinstance(node, dict) and node.get("resource_type") == "source"


def read_metadata(document: JsonDict, kind: ArtifactKind, schema_version: str) -> ArtifactMetadata:
    """Metadata as the file states it; pre-v1 files keep some of it at the top level or under `meta`."""
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        meta = document.get("meta")
        metadata = meta if isinstance(meta, dict) else {}

    def text(key: str) -> str | None:
        value = metadata.get(key, document.get(key))
        return value if isinstance(value, str) else str(value) if isinstance(value, int | float) else None

    return ArtifactMetadata(
        kind=kind,
        schema_version=schema_version,
        dbt_version=text("dbt_version"),
        generated_at=text("generated_at"),
        invocation_id=text("invocation_id"),
        adapter_type=text("adapter_type"),
        project_name=text("project_name"),
    )


@dataclass(frozen=True, slots=True)
class Envelope:
    """The file being read and what it was detected as: every reader error carries both."""

    file_name: str
    metadata: ArtifactMetadata

    def error(self, problem: str) -> ArtifactError:
        return ArtifactError(
            self.file_name,
            problem,
            kind=self.metadata.kind.value,
            schema_version=self.metadata.schema_version,
        )

    def required(self, document: JsonDict, key: str, expected: type[dict[Any, Any]] | type[list[Any]]) -> Any:
        """A top-level collection the artifact cannot do without."""
        value = document.get(key)
        if key not in document:
            raise self.error(f"missing required key {key!r}")
        if not isinstance(value, expected):
            wanted = "an object" if expected is dict else "an array"
            raise self.error(f"{key!r} is a JSON {json_type(value)}, expected {wanted}")
        return value

    def mapping(self, value: Any, where: str, field: str = "") -> JsonDict:
        """An optional object: null or absent reads as empty."""
        if value is None:
            return {}
        if isinstance(value, dict):
            return value
        raise self.error(f"{where}{field} is a JSON {json_type(value)}, expected an object")

    def strings(self, value: Any, where: str, field: str = "") -> tuple[str, ...]:
        """An optional array of strings: null or absent reads as empty."""
        if value is None:
            return ()
        if isinstance(value, list):
            for item in value:
                if not isinstance(item, str):
                    raise self.error(f"{where}{field} holds a JSON {json_type(item)}, expected strings")
            return tuple(value)
        raise self.error(f"{where}{field} is a JSON {json_type(value)}, expected an array of strings")

    def text(self, value: Any, where: str, field: str = "") -> str | None:
        """An optional string; numbers are accepted and written as text (model versions may be numbers)."""
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self.error(f"{where}{field} is a JSON {json_type(value)}, expected a string")

    def number(self, value: Any, where: str, field: str = "") -> float | None:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise self.error(f"{where}{field} is a JSON {json_type(value)}, expected a number")

    def integer(self, value: Any, where: str, field: str = "") -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise self.error(f"{where}{field} is a JSON {json_type(value)}, expected an integer")
