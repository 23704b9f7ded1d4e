"""Readers for the artifacts dbt writes: manifest.json, run_results.json, catalog.json and sources.json,
of every schema version, into the domain's normalised types.

`read_artifact` is the one entry point: it parses with orjson, detects the kind and schema version, and
normalises in a single pass over the parsed dicts. Bad input of any kind raises ArtifactError, naming the
file and saying what is wrong; nothing else escapes.
"""

from __future__ import annotations

from dvt.domain.graph.model import Artifact, ArtifactKind, OpenArtifact, OpenManifest

from .catalog import read_catalog
from .envelope import PRE_V1, SUPPORTED_VERSIONS, Envelope, detect, parse_document, read_metadata
from .manifest import open_manifest
from .run_results import read_run_results
from .sources import read_sources

__all__ = ["PRE_V1", "SUPPORTED_VERSIONS", "detect", "open_artifact", "read_artifact"]


def read_artifact(file_name: str, data: bytes) -> Artifact:
    """The artifact in `data` (the file's bytes, as uploaded), normalised; ArtifactError if it is not one."""
    artifact = open_artifact(file_name, data)
    return artifact.read() if isinstance(artifact, OpenManifest) else artifact


def open_artifact(file_name: str, data: bytes) -> OpenArtifact:
    """As read_artifact, but a manifest's nodes are left to normalise when asked for (OpenManifest.read_nodes)."""
    document = parse_document(file_name, data)
    kind, schema_version = detect(file_name, document)
    envelope = Envelope(file_name, read_metadata(document, kind, schema_version))
    try:
        if kind is ArtifactKind.MANIFEST:
            return open_manifest(envelope, document)
        if kind is ArtifactKind.RUN_RESULTS:
            return read_run_results(envelope, document)
        if kind is ArtifactKind.CATALOG:
            return read_catalog(envelope, document)
        return read_sources(envelope, document)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:  # a shape no check foresaw
        raise envelope.error(f"unexpected structure ({type(exc).__name__}: {exc})") from None
