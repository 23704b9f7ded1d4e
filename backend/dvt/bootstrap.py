"""The one place that wires concrete adapters into the application."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
from collections.abc import AsyncIterator, Coroutine, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dvt.adapters.artifacts.readers import open_artifact, read_artifact
from dvt.adapters.artifacts.s3 import S3ArtifactStore, S3Connection
from dvt.adapters.artifacts.store import LocalArtifactStore
from dvt.adapters.auth.api_tokens import ApiTokenCodec
from dvt.adapters.auth.local_issuer import LocalIssuer
from dvt.adapters.auth.oidc import OidcVerifier
from dvt.adapters.auth.passwords import Argon2Passwords
from dvt.adapters.authz.casbin_authorizer import CasbinAuthorizer
from dvt.adapters.db.embedded import release_embedded, start_embedded, supervise_embedded
from dvt.adapters.db.engine import create_engine, create_session_factory, plain_dsn
from dvt.adapters.db.migrate import upgrade_async
from dvt.adapters.db.probe import SqlDatabaseProbe
from dvt.adapters.db.unit_of_work import SqlUnitOfWork
from dvt.adapters.dbt.parser import SubprocessDbtParser
from dvt.adapters.dbt.profiles import exclusive_database
from dvt.adapters.dbt.runner import SubprocessDbtRunner
from dvt.adapters.dbt.workspace import GitMirrors
from dvt.adapters.queue.notifier import PgRunNotifier
from dvt.adapters.secrets.envelope import EnvelopeCipher, UnconfiguredCipher
from dvt.adapters.secrets.keyring import KeyringError, load_keyring
from dvt.adapters.secrets.redaction import install_log_redaction, register
from dvt.adapters.telemetry.metrics import OtelRunMetrics
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
from dvt.application.login_throttle import LoginThrottle
from dvt.application.plans import PlanService
from dvt.application.ports import ArtifactStore
from dvt.application.run_execution import RunExecutor
from dvt.application.run_planning import RunPlanner
from dvt.application.run_ports import ExclusiveDatabase, RunLimits
from dvt.application.runs import RunService
from dvt.application.secret_ports import SecretCipher
from dvt.application.secrets import SecretService
from dvt.application.services import Services
from dvt.application.tenancy import TenancyService
from dvt.config import Settings
from dvt.domain.authentication import ClaimsMapping
from dvt.domain.plan.policies.registry import PolicyRegistry
from dvt.domain.tenancy import Environment

if TYPE_CHECKING:
    from dvt.adapters.queue.worker import RunWorker

log = logging.getLogger(__name__)


def database_url(settings: Settings) -> str:
    """The configured server, or the embedded one in the data dir."""
    if settings.database_url:
        return settings.database_url
    return start_embedded(settings.data_dir)


def database_supervisor(settings: Settings) -> Coroutine[Any, Any, None] | None:
    """What keeps the embedded server running in a long-lived process; None for a configured server, whose
    operator runs it (DVT still answers `UNAVAILABLE` while it is away, and reconnects when it is back)."""
    return None if settings.database_url else supervise_embedded(settings.data_dir)


def claims_mapping(settings: Settings) -> ClaimsMapping:
    return ClaimsMapping(
        tenant=settings.oidc_tenant_claim,
        groups=settings.oidc_groups_claim,
        email=settings.oidc_email_claim,
        name=settings.oidc_name_claim,
        platform_admin_group=settings.oidc_platform_admin_group,
    )


def dbt_executable(settings: Settings) -> str:
    if settings.dbt_executable:
        return settings.dbt_executable
    bundled = Path(__file__).resolve().parents[2] / ".venv-dbt" / "bin" / "dbt"
    return str(bundled) if bundled.exists() else (shutil.which("dbt") or "dbt")


def artifact_store(settings: Settings, environ: Mapping[str, str] = os.environ) -> ArtifactStore:
    """The local folder (the default), or the S3 bucket DVT_ARTIFACT_STORE names, reached as AWS_* say."""
    location = settings.artifact_location
    if isinstance(location, Path):
        return LocalArtifactStore(location)
    connection = S3Connection.from_environment(environ)
    register(*connection.secrets)  # whatever this process logs, these values never appear in it
    log.info("artifact store: %s at %s", location, connection.endpoint or f"AWS ({connection.region})")
    return S3ArtifactStore(location.bucket, location.prefix, connection)


def run_limits(settings: Settings) -> RunLimits:
    memory = settings.run_memory_mb * 1024 * 1024 if settings.run_memory_mb else None
    return RunLimits(
        timeout_seconds=settings.run_timeout_seconds,
        cpu_seconds=settings.run_cpu_seconds,
        memory_bytes=memory,
        cancel_grace_seconds=settings.run_cancel_grace_seconds,
    )


def exclusive_databases(settings: Settings) -> ExclusiveDatabase:
    """Which database a run of an environment holds alone: the DuckDB file its profile will name."""

    def exclusive(environment: Environment) -> str | None:
        # The directory RunExecutor keeps per environment, where a relative DuckDB path lives.
        state_dir = settings.work_root / "environments" / str(environment.id)
        return exclusive_database(environment.adapter.value, environment.settings, state_dir)

    return exclusive


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_worker(settings: Settings, built: Services) -> RunWorker:
    """A worker for this process, taking runs from the queue in the database `built` is connected to."""
    from dvt.adapters.queue.worker import RunWorker  # here: only `dvt serve` and `dvt worker` run one (pgqueuer)

    return RunWorker(
        plain_dsn(built.database_url),
        built.run_executor,
        built.run_planner,
        concurrency=settings.worker_concurrency,
        heartbeat_timeout=timedelta(seconds=settings.worker_heartbeat_seconds),
        poll=timedelta(seconds=settings.worker_poll_seconds),
        sweep=built.runs.sweep,
        sweep_every=timedelta(seconds=settings.dispatch_sweep_seconds),
    )


@asynccontextmanager
async def services(settings: Settings, *, migrate: bool = True) -> AsyncIterator[Services]:
    async with AsyncExitStack() as stack:
        url = database_url(settings)
        if not settings.database_url:
            # Let go of the embedded server when done, last of all: not at interpreter exit, which a process
            # ended by a re-raised signal (uvicorn after SIGTERM) never reaches, leaving the server running.
            stack.push_async_callback(asyncio.to_thread, release_embedded, settings.data_dir)
        if migrate:
            await upgrade_async(url)
        install_log_redaction()
        engine = create_engine(url, pool_size=settings.database_pool_size)
        stack.push_async_callback(engine.dispose)
        sessions = create_session_factory(engine)

        def units() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        cipher: SecretCipher
        try:
            keys = load_keyring(settings.secret_keys, settings.data_dir, allow_local=settings.database_url is None)
            cipher = EnvelopeCipher(keys)
        except KeyringError as error:
            log.info("secrets are unavailable until keys are configured: %s", error)
            cipher = UnconfiguredCipher(error)
        tenancy = TenancyService(units)
        mapping = claims_mapping(settings)
        issuer: LocalIssuer | None = None
        if settings.oidc_issuer:
            verifier = OidcVerifier(
                settings.oidc_issuer,
                settings.oidc_audience,
                mapping,
                http=None,
                reached_at=settings.oidc_issuer_internal_url,
            )
            stack.push_async_callback(verifier.aclose)
        else:
            # No identity provider: DVT issues its own tokens, checked by the same verifier code. Its keys are
            # sealed as secrets are, when keys to seal them with are configured.
            sealing = cipher if isinstance(cipher, EnvelopeCipher) else None
            if sealing is None:  # info, as the secrets' own notice: a CLI's stderr is one line per refusal
                log.info("the local issuer's signing keys are stored unencrypted until DVT_SECRET_KEYS is set")
            issuer = LocalIssuer(units, mapping=mapping, cipher=sealing)
            await issuer.ensure_signing_key()
            verifier = issuer.verifier()
        store = artifact_store(settings)
        notifier = PgRunNotifier(plain_dsn(url))
        await notifier.start()
        stack.push_async_callback(notifier.close)
        ingest = IngestService(units, open_artifact, store)
        secrets = SecretService(units, cipher)
        mirrors = GitMirrors(settings.work_root / "git", timeout_seconds=settings.git_timeout_seconds)
        parser = SubprocessDbtParser(dbt_executable(settings), mirrors, settings.work_root)
        commits = CommitGraphs(units, parser, secrets, ingest)
        plans = PlanService(units, PolicyRegistry(), ttl=timedelta(hours=settings.plan_ttl_hours), commits=commits)
        runs = RunService(units, plans, notifier, exclusive=exclusive_databases(settings))
        plans.decided_listeners.append(runs.plan_decided)
        jobs = JobService(units, runs)
        runs.ended_listeners.append(jobs.run_ended)
        scheduler = JobScheduler(
            units, runs, interval=timedelta(seconds=settings.scheduler_interval_seconds),
            grace=timedelta(seconds=settings.scheduler_misfire_grace_seconds),
        )  # fmt: skip
        executor = RunExecutor(
            units, runs, plans, secrets, ingest, store, SubprocessDbtRunner(dbt_executable(settings), mirrors),
            read=read_artifact, work_root=settings.work_root, limits=run_limits(settings), worker_id=worker_id(),
            retry_lost=settings.retry_lost_runs, metrics=OtelRunMetrics(),
            retention=timedelta(days=settings.run_retention_days),
            spool_for=timedelta(hours=settings.worker_spool_hours),
        )  # fmt: skip
        access = AccessService(units, CasbinAuthorizer)
        throttle = LoginThrottle(units, settings.login_failures_per_account, settings.login_failures_per_address)
        identity = IdentityService(
            units, tenancy, verifier, Argon2Passwords(), ApiTokenCodec(), issuer=issuer, throttle=throttle
        )
        built = Services(
            tenancy=tenancy,
            ingest=ingest,
            graph=GraphQueries(units, store),
            access=access,
            rate_limiter=RateLimiter(units, settings.rate_limit_per_minute),
            identity=identity,
            credentials=CredentialChecks(units, identity, access),
            audit=AuditService(units),
            secrets=secrets,
            plans=plans,
            runs=runs,
            run_executor=executor,
            run_planner=RunPlanner(units, commits, runs),
            commits=commits,
            canvas=CanvasService(units),
            jobs=jobs,
            scheduler=scheduler,
            health=HealthService(SqlDatabaseProbe(engine), store),
            database_url=url,
            max_page_size=settings.max_page_size,
            default_page_size=settings.default_page_size,
            max_upload_bytes=settings.max_upload_bytes,
            max_request_bytes=settings.max_request_bytes,
            graphql_introspection=settings.graphql_introspection,
            auth_settings={
                "oidc_issuer": settings.oidc_issuer,
                "oidc_audience": settings.oidc_audience,
                "oidc_client_id": settings.oidc_client_id if settings.oidc_issuer else None,
            },
        )
        await tenancy.ensure_default()
        yield built
