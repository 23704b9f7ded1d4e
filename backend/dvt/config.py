"""Settings, from DVT_* environment variables. Only bootstrap and the CLI read them."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DVT_", extra="ignore")

    # No URL means: start the embedded PostgreSQL in the data dir.
    database_url: str | None = None
    database_pool_size: int = 10  # pooled connections per process (and as many again in overflow)
    data_dir: Path = Path(".dvt")
    # file:///path or a bare path; empty means DATA_DIR/artifacts.
    artifact_store_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # GraphQL page sizes: the graph of a 10,000-model project fits in one page.
    max_page_size: int = 10_000
    default_page_size: int = 100
    max_upload_bytes: int = 512 * 1024 * 1024
    max_request_bytes: int = 600 * 1024 * 1024
    log_level: str = "info"

    # Identity. With no issuer, DVT is its own issuer (local accounts) with the same claims.
    oidc_issuer: str | None = None
    # Where DVT itself reaches the issuer, when that is not the issuer URL tokens and browsers carry (compose: the
    # browser knows http://localhost:8080/realms/dvt, the API's container reaches http://keycloak:8080/...). The
    # discovery document read there must still name `oidc_issuer`. None: the issuer URL.
    oidc_issuer_internal_url: str | None = None
    oidc_audience: str = "dvt"
    oidc_client_id: str = "dvt-spa"  # the SPA's public client (Authorization Code + PKCE)
    oidc_tenant_claim: str = "dvt_tenant"
    oidc_groups_claim: str = "groups"
    oidc_email_claim: str = "email"
    oidc_name_claim: str = "name"
    oidc_platform_admin_group: str = "dvt-platform-admins"

    # Strict-Transport-Security max-age, sent only on responses served over https (0: never).
    hsts_seconds: int = 31_536_000

    # Key-encryption keys for secrets: "k1:BASE64,k2:BASE64", the last one active. None: a local key file.
    secret_keys: str | None = None

    # Abuse limits. Requests per minute per caller, counted across replicas in PostgreSQL (0: off).
    rate_limit_per_minute: int = 600
    # A plan not run within this many hours expires (a newer graph version expires it sooner).
    plan_ttl_hours: float = 24
    graphql_introspection: bool = True

    # Runs. `dvt serve` runs a worker in-process unless told not to; `dvt worker` runs one on its own.
    embedded_worker: bool = True
    worker_concurrency: int = 2  # runs one worker executes at once
    worker_heartbeat_seconds: float = 30  # a worker silent this long is lost; its run ends `worker_lost`
    # What a worker could not write while the database was away stays spooled on its disk this long at most.
    worker_spool_hours: float = 24
    worker_poll_seconds: float = 2
    dispatch_sweep_seconds: float = 30  # each worker dispatches queued runs this often, whatever else happened
    retry_lost_runs: bool = False  # run a lost worker's run once more instead of failing it
    run_timeout_seconds: float = 3600
    run_cpu_seconds: int | None = None
    run_memory_mb: int | None = None
    run_cancel_grace_seconds: float = 10
    dbt_executable: str | None = None  # None: the repository's .venv-dbt/bin/dbt, else `dbt` on PATH
    git_timeout_seconds: float = 600  # a clone or fetch of a project's repository taking longer fails
    run_retention_days: float = 90  # events and log chunks of runs finished longer ago are deleted (workers, hourly)

    # Jobs. Every `dvt serve` and `dvt worker` runs the scheduler: each occurrence fires once whatever their number.
    scheduler_enabled: bool = True
    scheduler_interval_seconds: float = 2  # how often a process looks for due jobs
    scheduler_misfire_grace_seconds: float = 60  # an occurrence later than this was missed (misfire policy)

    @property
    def work_root(self) -> Path:
        return (self.data_dir / "runs").resolve()  # dbt runs inside the checkout: relative paths would move

    @property
    def artifact_root(self) -> Path:
        url = self.artifact_store_url
        if not url:
            return self.data_dir / "artifacts"
        return Path(url.removeprefix("file://"))
