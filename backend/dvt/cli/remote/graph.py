"""`dvt ingest` through the API: the artifact files go up as a GraphQL multipart request (`ingestArtifacts`)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from dvt.cli.remote import checked, local_id

if TYPE_CHECKING:
    from dvt.client import DvtClient


async def ingest(api: DvtClient, project: str, environment: str, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    """The same report `dvt ingest --json` prints in the local mode."""
    from dvt.client.base_model import Upload
    from dvt.client.input_types import IngestArtifactsInput

    uploads = [Upload(filename=name, content=io.BytesIO(data), content_type="application/json") for name, data in files]
    request = IngestArtifactsInput(project=project, environment=environment, files=uploads, createMissing=True)
    report: Any = checked((await api.ingest_artifacts(input=request)).ingest_artifacts)
    return {
        "graph_version_id": local_id(report.graph_version.id) if report.graph_version else None,
        "created": report.created,
        "made_current": report.made_current,
        "nodes": report.nodes,
        "sources": report.sources,
        "exposures": report.exposures,
        "metrics": report.metrics,
        "edges": report.edges,
        "artifacts": [
            {"kind": a.kind, "file_name": a.file_name, "schema_version": a.schema_version, "dbt_version": a.dbt_version,
             "sha256": a.sha_256, "invocation_id": a.invocation_id}
            for a in report.artifacts
        ],
        "warnings": list(report.warnings),
    }  # fmt: skip
