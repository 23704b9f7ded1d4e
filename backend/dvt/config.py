"""Settings, from DVT_* environment variables. Only bootstrap and the CLI read them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# S3's rules for a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens, a letter or digit at each end.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


@dataclass(frozen=True, slots=True)
class S3Location:
    """s3://bucket/prefix: where the S3 artifact store keeps its objects (the server comes from AWS_*)."""

    bucket: str
    prefix: str  # "" for the bucket's root; never a leading or trailing slash

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def artifact_location(value: str) -> Path | S3Location:
    """A local folder (a path, or file:///path) or an S3 location (s3://bucket/prefix). Raises ValueError
    saying what is wrong; the message never repeats the value, which might hold a credential by mistake."""
    scheme, separator, _ = value.partition("://")
    if not separator:
        return Path(value)
    if scheme == "file":
        return Path(value.removeprefix("file://"))
    if scheme.lower() != "s3":
        raise ValueError(
            f"the artifact store must be a local path, file:///path or s3://bucket/prefix, not a {scheme!r} URL"
        )
    parts = urlsplit(value)
    if "@" in parts.netloc:
        raise ValueError(
            "the artifact store's URL must not hold credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    if parts.query or parts.fragment or ":" in parts.netloc:
        raise ValueError("the artifact store's URL is s3://bucket/prefix, with no port, query or fragment")
    if not _BUCKET.fullmatch(parts.netloc) or ".." in parts.netloc:
        raise ValueError(
            "the artifact store's bucket name must be 3 to 63 lowercase letters, digits, dots or hyphens"
            f" (s3://bucket/prefix), not {parts.netloc!r}"
        )
    segments = [segment for segment in parts.path.split("/") if segment]
    if any(segment in (".", "..") for segment in segments):
        raise ValueError("the artifact store's prefix must not hold '.' or '..' segments")
    return S3Location(parts.netloc, "/".join(segments))


class Settings(BaseSettings):
    # A value that fails validation is not repeated in the error: a mistyped setting may hold a secret.
    model_config = SettingsConfigDict(env_prefix="DVT_", extra="ignore", hide_input_in_errors=True)

    # No URL means: start the embedded PostgreSQL in the data dir.
    database_url: str | None = None
    database_pool_size: int = 10  # pooled connections per process (and as many again in overflow)
    data_dir: Path = Path(".dvt")
    # Where raw artifact files are kept: a local folder (a path or file:///path; empty: DATA_DIR/artifacts), or
    # s3://bucket/prefix on S3 or an S3-compatible server, reached through the usual AWS_* variables (endpoint,
    # region, credentials). DVT_ARTIFACT_STORE_URL is its older name.
    artifact_store: str | None = None
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
    # Failed local sign-ins per account (the tenant and username typed) and per source address, per 5 minutes (0: off).
    login_failures_per_account: int = 10
    login_failures_per_address: int = 100
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

    @field_validator("artifact_store", "artifact_store_url")
    @classmethod
    def _artifact_store_is_known(cls, value: str | None) -> str | None:
        if value:
            artifact_location(value)  # raises, saying what is wrong
        return value

    @property
    def artifact_location(self) -> Path | S3Location:
        value = self.artifact_store or self.artifact_store_url
        return artifact_location(value) if value else self.data_dir / "artifacts"

    @property
    def artifact_root(self) -> Path:
        """The local store's folder (an S3 store has none)."""
        location = self.artifact_location
        if not isinstance(location, Path):
            raise ValueError(f"the artifact store is {location}, not a local folder")
        return location
