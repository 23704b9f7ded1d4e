"""Queries of the graph and the ingestion mutation (multipart upload of artifact files)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from dvt.api import ids, permissions
from dvt.api.context import Info
from dvt.api.errors import (
    ArtifactRejectedError,
    ErrorCode,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from dvt.api.graph.types import GraphVersionType
from dvt.api.tenancy.types import EnvironmentType
from dvt.application.ingest import ArtifactFile, IngestTarget
from dvt.application.records import IngestReport
from dvt.domain import errors as domain
from dvt.domain.authorization import Permission


@strawberry.type
class GraphQuery:
    @permissions.field(Permission.VIEW)
    async def environment(self, info: Info, project: str, slug: str) -> EnvironmentType | None:
        try:
            found = await info.context.services.tenancy.environment(info.context.access, project, slug)
        except domain.NotFoundError:
            return None
        return EnvironmentType.of(found)

    @permissions.field(Permission.VIEW, description="A graph version by its global id")
    async def graph_version(self, info: Info, id: strawberry.ID) -> GraphVersionType | None:
        key = ids.node_uuid(id, "GraphVersion")
        if key is None:
            return None
        version = await info.context.loaders.graph_version.load(key)
        return GraphVersionType.of(version) if version else None


@strawberry.type
class IngestedArtifact:
    kind: str
    file_name: str
    schema_version: str
    dbt_version: str | None
    sha256: str
    invocation_id: str | None


@strawberry.type
class IngestResult:
    graph_version: GraphVersionType | None
    created: bool = strawberry.field(description="False when this manifest was ingested before")
    made_current: bool = strawberry.field(
        description="True when this manifest is an earlier version's, which is the environment's graph again"
    )
    nodes: int
    sources: int
    exposures: int
    metrics: int
    edges: int
    artifacts: list[IngestedArtifact]
    warnings: list[str]


def _result(report: IngestReport, version: GraphVersionType | None) -> IngestResult:
    return IngestResult(
        graph_version=version,
        created=report.created,
        made_current=report.made_current,
        nodes=report.counts.get("nodes", 0),
        sources=report.counts.get("sources", 0),
        exposures=report.counts.get("exposures", 0),
        metrics=report.counts.get("metrics", 0),
        edges=report.edges,
        artifacts=[
            IngestedArtifact(
                kind=a.kind,
                file_name=a.file_name,
                schema_version=a.schema_version,
                dbt_version=a.dbt_version,
                sha256=a.sha256,
                invocation_id=a.invocation_id,
            )
            for a in report.artifacts
        ],
        warnings=list(report.warnings),
    )


@strawberry.input
class IngestArtifactsInput:
    project: str
    environment: str
    files: list[Upload] = strawberry.field(description="manifest.json, run_results.json, catalog.json, sources.json")
    create_missing: bool = strawberry.field(default=True, description="Create project and environment on first use")


IngestArtifactsResult = Annotated[
    IngestResult | ArtifactRejectedError | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("IngestArtifactsResult"),
]


@strawberry.type
class GraphMutation:
    @permissions.mutation(
        Permission.EDIT,
        raises=(domain.ArtifactError, domain.ValidationError, domain.NotFoundError, domain.PermissionDeniedError),
        description="Ingest dbt artifacts into the environment's next graph version",
    )
    async def ingest_artifacts(self, info: Info, input: IngestArtifactsInput) -> IngestArtifactsResult:
        limit = info.context.services.max_upload_bytes
        files = []
        for upload in input.files:
            data = await upload.read()  # type: ignore[attr-defined]
            name = getattr(upload, "filename", None) or "upload.json"
            if len(data) > limit:
                message = f"{name}: larger than the {limit}-byte upload limit"
                return ValidationError(message=message, code=ErrorCode.VALIDATION)
            files.append(ArtifactFile(name=name, data=data))
        target = IngestTarget(input.project, input.environment, create_missing=input.create_missing)
        services = info.context.services
        report = await services.ingest.ingest(info.context.access, target, files)
        version = (
            await services.graph.versions_by_ids(info.context.access, [report.graph_version_id])
            if report.graph_version_id
            else []
        )
        return _result(report, GraphVersionType.of(version[0]) if version else None)
