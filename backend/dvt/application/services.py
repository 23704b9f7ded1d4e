"""The application's entry points, as handed to the API and the CLI by bootstrap."""

from __future__ import annotations

from dataclasses import dataclass

from dvt.application.graph import GraphQueries
from dvt.application.ingest import IngestService
from dvt.application.tenancy import TenancyService


@dataclass(frozen=True, slots=True)
class Services:
    tenancy: TenancyService
    ingest: IngestService
    graph: GraphQueries
    max_page_size: int = 10_000
    default_page_size: int = 100
    max_upload_bytes: int = 512 * 1024 * 1024
