"""The application's entry points, as handed to the API and the CLI by bootstrap."""

from __future__ import annotations

from dataclasses import dataclass, field

from dvt.application.access import AccessService, RateLimiter
from dvt.application.audit import AuditService
from dvt.application.canvas import CanvasService
from dvt.application.commit_graphs import CommitGraphs
from dvt.application.credentials import CredentialChecks
from dvt.application.graph import GraphQueries
from dvt.application.health import HealthService
from dvt.application.identity import IdentityService
from dvt.application.ingest import IngestService
from dvt.application.job_scheduler import JobScheduler
from dvt.application.jobs import JobService
from dvt.application.plans import PlanService
from dvt.application.run_execution import RunExecutor
from dvt.application.run_planning import RunPlanner
from dvt.application.runs import RunService
from dvt.application.secrets import SecretService
from dvt.application.tenancy import TenancyService


@dataclass(frozen=True, slots=True)
class Services:
    tenancy: TenancyService
    ingest: IngestService
    graph: GraphQueries
    access: AccessService
    rate_limiter: RateLimiter
    identity: IdentityService
    audit: AuditService
    secrets: SecretService
    plans: PlanService
    runs: RunService
    run_executor: RunExecutor
    run_planner: RunPlanner  # a worker's planning of runs triggered without a plan
    commits: CommitGraphs  # a ref's commit and its graph, parsed once
    canvas: CanvasService
    jobs: JobService
    scheduler: JobScheduler  # started by `dvt serve` and `dvt worker`
    credentials: CredentialChecks  # of long-lived connections (WebSockets)
    health: HealthService  # readiness: can this process reach its database now
    database_url: str = ""  # for the processes that hold their own connections: workers, notifier
    max_page_size: int = 10_000
    default_page_size: int = 100
    max_upload_bytes: int = 512 * 1024 * 1024
    max_request_bytes: int = 600 * 1024 * 1024  # uploads plus their multipart envelope
    graphql_introspection: bool = True
    # What the SPA needs to sign in: mode, issuer, audience, client id (nothing secret).
    auth_settings: dict[str, str | None] = field(default_factory=dict)
